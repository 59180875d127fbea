#pragma once
// Options' private state: a table inside a parsed TOML document (toml++ stays in sim/src).
#include <toml++/toml.h>

#include <memory>
#include <set>
#include <string>

#include "distlab/sim/options.hpp"

namespace distlab::sim {

struct Options::Impl {
  std::shared_ptr<toml::table> root;  // keeps the document alive
  toml::table* tbl = nullptr;
  std::string file;
  std::string path;
  std::set<std::string> used;
  std::uint64_t run_seed = 1;
  Time run_duration = 0;
  const toml::node* use(const std::string& key);
};

}  // namespace distlab::sim
