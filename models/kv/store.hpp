#pragma once
// A key/value map kept in memory and, when durable, in the node's storage (which survives
// crashes and costs disk time on every write).
#include <cstdint>
#include <map>
#include <string>

#include "distlab/sim/history.hpp"
#include "distlab/sim/node.hpp"

namespace distlab::models::kv {

class Store {
 public:
  explicit Store(bool durable) : durable_(durable) {}
  // Reload what storage kept (after a restart).
  void recover(sim::Context& ctx);
  sim::Value get(std::uint64_t key) const;
  void put(sim::Context& ctx, std::uint64_t key, sim::Value v);

 private:
  bool durable_;
  std::map<std::uint64_t, sim::Value> data_;
};

}  // namespace distlab::models::kv
