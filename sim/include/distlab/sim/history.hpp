#pragma once
// Client operation histories: what each client asked, when, and what it got back.
// Checkers (check/*.hpp) read these; results.json and the Python package export them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "distlab/sim/types.hpp"

namespace distlab::sim {

enum class OpKind : std::uint8_t { read, write };

// ok: the client got an answer. fail: the system said the operation did not happen (it had no
// effect). unknown: no answer before the client gave up (timeout, crash): the operation may or
// may not have taken effect, at any time after its invocation.
enum class Outcome : std::uint8_t { ok, fail, unknown };

std::string_view to_string(OpKind k);
std::string_view to_string(Outcome o);

// Register values are 64-bit integers; 0 is the initial value of every key (nothing written).
// Workloads write values that are unique per run so a read names the write it saw.
using Value = std::int64_t;
inline constexpr Value kInitialValue = 0;

struct Operation {
  std::uint64_t id = 0;      // unique per run, in invocation order
  std::uint32_t client = 0;  // the client (process) that issued it; one op at a time per client
  OpKind kind = OpKind::read;
  std::uint64_t key = 0;
  Value value = 0;  // write: the value written; read: the value returned (meaningful if ok)
  Time invoke = 0;
  Time complete = kNever;  // time of the answer; kNever while pending or when unknown
  Outcome outcome = Outcome::unknown;
  std::uint32_t attempts = 1;  // sends including retries
};

using History = std::vector<Operation>;

}  // namespace distlab::sim
