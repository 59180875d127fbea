#pragma once
// Checkers for timestamped transactions (Spanner-style), over a history a model records:
//
// - External consistency (Spanner, OSDI 2012, section 4.1.2): if T1 commits before T2 starts
//   in real time, T2 is ordered after T1. For a read-write T2: T1's commit timestamp is
//   smaller (for every T1 that wrote something). For a read-only T2, which may read at an
//   earlier timestamp (Spanner's LastTS()): no key it reads was written by such a T1 at a
//   later timestamp than its own. Snapshot reads in the past (bounded_stale) are exempt.
// - Serializability in timestamp order: executing the committed transactions one by one in
//   timestamp order gives every read the version it saw. Each read records the timestamp of
//   the write it returned (0 for the initial value), so the check is: that write is the last
//   committed write to the key before the reader's timestamp (at or before it, for a
//   read-only transaction or snapshot read).
//
// Both run in O(n log n) and describe the first violation they find.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "distlab/sim/types.hpp"

namespace distlab::sim::check {

struct TxnRecord {
  std::uint64_t id = 0;
  NodeId client = 0;
  Time invoke = 0;    // true simulated time the client started it
  Time complete = 0;  // true simulated time the client learned it committed
  bool committed = false;
  bool read_only = false;
  bool bounded_stale = false;  // a snapshot read in the past: exempt from real-time order
  Time ts = 0;                 // commit timestamp (read timestamp for read-only transactions)
  struct Read {
    std::uint64_t key;
    Time version;  // commit timestamp of the write it returned; 0 = the initial value
  };
  struct Write {
    std::uint64_t key;
    std::int64_t value;
  };
  std::vector<Read> reads;
  std::vector<Write> writes;
};

struct TxnCheckResult {
  bool ok = true;
  std::uint64_t checked = 0;  // committed transactions looked at
  std::string violation;      // the first one, in words
};

TxnCheckResult check_external_consistency(const std::vector<TxnRecord>& history);
TxnCheckResult check_timestamp_serializable(const std::vector<TxnRecord>& history);

}  // namespace distlab::sim::check
