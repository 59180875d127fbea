#pragma once
// Messages between Spanner-style transaction clients and spanservers (see README.md).
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "distlab/sim/types.hpp"

namespace distlab::models::spanner {

// A transaction attempt: (client << 40) | (sequence << kAttemptBits) | attempt. Every attempt
// of a transaction is a transaction of its own at the servers, with the same wound-wait age.
using TxnId = std::uint64_t;
inline constexpr std::uint32_t kAttemptBits = 12;
inline constexpr std::uint32_t kMaxAttempts = (1u << kAttemptBits) - 1;

struct KeyValue {
  std::uint64_t key = 0;
  std::int64_t value = 0;
  sim::Time version = 0;  // commit timestamp of the write (reads); 0 = initial value
};

inline std::size_t kv_bytes(const std::vector<KeyValue>& v, std::uint32_t value_bytes) {
  return v.size() * (24 + value_bytes);
}

// Client -> leader: read `key` inside read-write transaction `txn` (takes a shared lock).
struct Read {
  TxnId txn = 0;
  std::uint32_t attempt = 0;
  sim::Time priority = 0;  // wound-wait age: smaller is older
  std::uint32_t group = 0;
  std::uint64_t key = 0;
  std::size_t size_bytes() const { return 48; }
  std::string describe() const { return fmt::format("read txn {} k{}", txn, key); }
};

struct ReadReply {
  TxnId txn = 0;
  std::uint32_t attempt = 0;
  bool ok = true;  // false: wounded (aborted), retry the transaction
  KeyValue kv;
  std::uint32_t value_bytes = 0;
  std::uint64_t epoch = 0;  // the leader's Paxos ballot: its locks live as long as it
  std::size_t size_bytes() const { return 48 + value_bytes; }
  std::string describe() const {
    return fmt::format("read-reply txn {} {}", txn, ok ? "ok" : "aborted");
  }
};

// Client -> each participant leader: commit these writes; `coordinator` decides.
struct Commit {
  TxnId txn = 0;
  std::uint32_t attempt = 0;
  sim::Time priority = 0;
  std::uint32_t group = 0;
  std::uint32_t coordinator = 0;            // group id
  std::vector<std::uint32_t> participants;  // group ids
  std::vector<KeyValue> writes;             // this group's
  std::uint32_t value_bytes = 0;
  std::vector<std::uint64_t> reads;  // this group's keys the transaction read (under locks)
  std::uint64_t read_epoch = 0;      // the epoch of the leader that answered them
  std::size_t size_bytes() const {
    return 56 + 4 * participants.size() + kv_bytes(writes, value_bytes) + 8 * reads.size();
  }
  std::string describe() const { return fmt::format("commit txn {} group {}", txn, group); }
};

// Participant leader -> coordinator leader (2PC phase 1 done).
struct Prepared {
  TxnId txn = 0;
  std::uint32_t attempt = 0;
  std::uint32_t group = 0;        // the participant
  std::uint32_t coordinator = 0;  // the group it is for
  sim::Time prepare_ts = 0;
  std::size_t size_bytes() const { return 32; }
  std::string describe() const { return fmt::format("prepared txn {} group {}", txn, group); }
};

// Coordinator leader -> participants: the outcome.
struct Decision {
  TxnId txn = 0;
  std::uint32_t attempt = 0;
  std::uint32_t group = 0;  // the participant group it is for
  bool commit = true;
  sim::Time ts = 0;
  std::size_t size_bytes() const { return 32; }
  std::string describe() const {
    return fmt::format("decision txn {} {}", txn, commit ? "commit" : "abort");
  }
};

// Leader -> client: committed at `ts`, or aborted (wounded).
struct Outcome {
  TxnId txn = 0;
  std::uint32_t attempt = 0;
  bool committed = true;
  sim::Time ts = 0;
  sim::Time commit_wait = 0;  // how long the coordinator waited for TT.after(ts) after Paxos
  std::size_t size_bytes() const { return 40; }
  std::string describe() const {
    return fmt::format("outcome txn {} {}", txn, committed ? "committed" : "aborted");
  }
};

// Client -> leader or replica: read `keys` of `group` at timestamp `ts` (a snapshot), or, for a
// single-group read-only transaction at the leader with ts = 0, at the leader's choice.
struct SnapshotRead {
  TxnId txn = 0;
  std::uint32_t group = 0;
  std::vector<std::uint64_t> keys;
  sim::Time ts = 0;
  std::size_t size_bytes() const { return 32 + 8 * keys.size(); }
  std::string describe() const { return fmt::format("snapshot-read txn {} group {}", txn, group); }
};

struct SnapshotReply {
  TxnId txn = 0;
  std::uint32_t group = 0;
  sim::Time ts = 0;  // the timestamp read at
  std::vector<KeyValue> values;
  std::uint32_t value_bytes = 0;
  std::size_t size_bytes() const { return 32 + kv_bytes(values, value_bytes); }
  std::string describe() const { return fmt::format("snapshot-reply txn {}", txn); }
};

// Leader -> clients whose transaction it gave up (timeout); and client -> participants.
struct Abort {
  TxnId txn = 0;
  std::uint32_t attempt = 0;
  std::uint32_t group = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("abort txn {}", txn); }
};

// A participant leader -> the coordinator group of a prepared transaction that holds a lock an
// older transaction waits for: wound-wait across groups. A prepared transaction cannot be
// aborted where it prepared, but its coordinator can still abort it if it is not committing.
struct Wound {
  TxnId txn = 0;
  std::uint32_t coordinator = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("wound txn {} at g{}", txn, coordinator); }
};

// A group's replica that does not lead it (or leads it but cannot serve yet: no lease, or still
// recovering) -> client: try `hint` (kNoNode: it knows no leader).
struct NotLeader {
  std::uint32_t group = 0;
  sim::NodeId hint = sim::kNoNode;
  std::size_t size_bytes() const { return 16; }
  std::string describe() const { return fmt::format("not-leader g{} hint {}", group, hint); }
};

// Leader -> replicas: nothing will commit at or below `safe_ts` that is not in the log's first
// `applied` slots (Spanner's t_safe): a replica that has applied them serves reads up to it.
struct SafeTime {
  std::uint32_t group = 0;
  std::uint64_t applied = 0;
  sim::Time safe_ts = 0;
  std::size_t size_bytes() const { return 32; }
  std::string describe() const { return fmt::format("safe g{} <{}", group, applied); }
};

}  // namespace distlab::models::spanner
