#pragma once
// A key/value map kept in memory and, when durable, in the node's storage (which survives
// crashes and costs disk time on every write).
#include <cstdint>
#include <map>
#include <set>
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

  // At-most-once writes: a client retries a write it got no answer for, and the network may
  // duplicate a request, so the store remembers (durably, if durable) which write operations
  // it has applied and applies each one once.
  bool applied(std::uint64_t op_id) const { return applied_.count(op_id) != 0; }
  void mark_applied(sim::Context& ctx, std::uint64_t op_id);

 private:
  bool durable_;
  std::map<std::uint64_t, sim::Value> data_;
  std::set<std::uint64_t> applied_;
};

}  // namespace distlab::models::kv
