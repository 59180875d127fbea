#pragma once
// A key/value operation as a command in the Multi-Paxos log (log.hpp).
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "distlab/sim/history.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::models::paxos {

// op_id 0 is a no-op (fills a slot a new leader found empty).
struct Command {
  std::uint64_t op_id = 0;
  sim::NodeId client = 0;
  sim::OpKind kind = sim::OpKind::read;
  std::uint64_t key = 0;
  sim::Value value = 0;
  std::uint32_t value_bytes = 0;
  bool operator==(const Command&) const = default;
  bool noop() const { return op_id == 0; }
  std::size_t size_bytes() const { return 40 + (kind == sim::OpKind::write ? value_bytes : 0); }
  std::string describe() const { return fmt::format("op {}", op_id); }
  std::uint64_t id() const;  // identifies the command for the agreement checker
  // Fixed-size bytes for durable storage (the value's bytes are counted, not stored).
  std::string encode() const;
  static Command decode(std::string_view bytes);
};

}  // namespace distlab::models::paxos
