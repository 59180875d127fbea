#pragma once
// The messages between workload clients and a model's servers. Every model that serves a
// workload handles ClientRequest and answers with ClientReply.
#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "distlab/sim/history.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::sim {

struct ClientRequest {
  std::uint64_t op_id = 0;
  std::uint32_t attempt = 1;
  OpKind kind = OpKind::read;
  std::uint64_t key = 0;
  Value value = 0;                // for writes
  std::uint32_t value_bytes = 0;  // simulated payload size of a written value
  std::size_t size_bytes() const { return 48 + (kind == OpKind::write ? value_bytes : 0); }
  std::string describe() const {
    return fmt::format("{}#{} k{} v{} try{}", to_string(kind), op_id, key, value, attempt);
  }
};

struct ClientReply {
  enum class Status : std::uint8_t {
    ok,        // done; value holds what a read returned
    fail,      // refused, definitely not applied (the client may retry)
    redirect,  // ask `redirect_to` instead (e.g. not the leader)
  };
  std::uint64_t op_id = 0;
  Status status = Status::ok;
  Value value = 0;
  NodeId redirect_to = 0;
  std::uint32_t value_bytes = 0;
  // The request's attempt, when the reply may come from another server than the one asked
  // (chain replication: writes go to the head, the tail answers). 0: only the server asked
  // may answer.
  std::uint32_t attempt = 0;
  std::size_t size_bytes() const { return 32 + value_bytes; }
  std::string describe() const {
    static constexpr const char* names[] = {"ok", "fail", "redirect"};
    return fmt::format("reply#{} {} v{}", op_id, names[static_cast<int>(status)], value);
  }
};

}  // namespace distlab::sim
