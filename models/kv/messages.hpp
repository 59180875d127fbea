#pragma once
// Messages between the servers of the kv models (clients use sim/client_api.hpp).
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "distlab/sim/history.hpp"

namespace distlab::models::kv {

// Primary -> backup: apply write number `seq` (writes are applied in seq order).
struct Replicate {
  std::uint64_t seq = 0;
  std::uint64_t key = 0;
  sim::Value value = 0;
  std::uint32_t value_bytes = 0;
  std::size_t size_bytes() const { return 40 + value_bytes; }
  std::string describe() const { return fmt::format("replicate#{} k{}={}", seq, key, value); }
};

// Backup -> primary: every write up to and including `applied` is applied here.
struct Ack {
  std::uint64_t applied = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("ack<={}", applied); }
};

}  // namespace distlab::models::kv
