#pragma once
// SimGrid allows one engine per process: tests run each simulation in a forked child and get
// its results.json (or the ConfigError text) back through a pipe.
#include <string>

#include <nlohmann/json.hpp>

namespace distlab::test {

struct ChildRun {
  int status = 0;      // 0 ok, 1 a check or [[expect]] failed, 2 ConfigError, other: crashed
  std::string output;  // results.json, or the error message
  nlohmann::json json() const { return nlohmann::json::parse(output); }
};

// A node's metric in results.json (0 when the node never added to it).
inline long long metric(const nlohmann::json& j, int node, const char* name) {
  const auto& m = j["nodes"][node]["metrics"];
  return m.contains(name) ? m[name].get<long long>() : 0;
}

// Registers the built-in models and the test "probe" model, loads `toml` and runs it.
ChildRun run_in_child(const std::string& toml, unsigned long long seed_override = 0);

}  // namespace distlab::test
