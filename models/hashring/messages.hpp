#pragma once
// Messages between cache servers and the backing store (clients use sim/client_api.hpp).
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "distlab/sim/history.hpp"

namespace distlab::models::hashring {

// Cache server -> store: read a key that missed, or write a value through.
struct StoreRequest {
  std::uint64_t op_id = 0;
  bool write = false;
  std::uint64_t key = 0;
  sim::Value value = 0;
  std::uint32_t value_bytes = 0;
  std::size_t size_bytes() const { return 40 + (write ? value_bytes : 0); }
  std::string describe() const {
    return fmt::format("store-{}#{} k{}", write ? "put" : "get", op_id, key);
  }
};

// Store -> cache server: the value now in the store.
struct StoreReply {
  std::uint64_t op_id = 0;
  std::uint64_t key = 0;
  sim::Value value = 0;
  std::uint32_t value_bytes = 0;
  std::size_t size_bytes() const { return 32 + value_bytes; }
  std::string describe() const { return fmt::format("store-reply#{} k{}={}", op_id, key, value); }
};

}  // namespace distlab::models::hashring
