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
// Indeterminate transactions (Jepsen's "info" operations): a read-write transaction whose
// client gave up without learning the outcome (say, a timeout during leader failover) may or
// may not have committed. Its writes are known, its timestamp is not. Values written are
// unique across the run, so a read that returns (key, value) names the transaction that wrote
// it. Before checking, both checkers resolve indeterminate transactions: one whose write some
// committed transaction read committed, at the version that read returned (every such read
// must return the same version, or that is a violation); the reads of a resolved transaction
// count as well, so a chain of them resolves. A resolved transaction then counts as committed
// at that timestamp with an unknown real-time end: it is never "T1 committed before T2
// started" as T1, but is still ordered as T2 after everything that completed before it was
// invoked. An indeterminate transaction whose writes nobody read is dropped: either outcome is
// possible. Reads of the initial value (version 0) observe no one.
//
// The serializability checker also reports a read (at a version other than 0) that returned a
// value no committed or indeterminate transaction wrote.
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
  // Read-write only: the client gave up after sending the commit, not knowing whether it
  // committed. Its writes are known; ts is not (0), complete is meaningless; committed false.
  bool indeterminate = false;
  bool read_only = false;
  bool bounded_stale = false;  // a snapshot read in the past: exempt from real-time order
  Time ts = 0;                 // commit timestamp (read timestamp for read-only transactions)
  struct Read {
    std::uint64_t key;
    Time version;            // commit timestamp of the write it returned; 0 = the initial value
    std::int64_t value = 0;  // the value it returned (0 with version 0: the initial value)
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
  std::uint64_t checked = 0;  // committed (and resolved indeterminate) transactions looked at
  std::string violation;      // the first one, in words
};

TxnCheckResult check_external_consistency(const std::vector<TxnRecord>& history);
TxnCheckResult check_timestamp_serializable(const std::vector<TxnRecord>& history);

}  // namespace distlab::sim::check
