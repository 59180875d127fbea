#pragma once
// Messages of the counter model: clients <-> counter API, API <-> cache (EVCache-like),
// API and rollup servers <-> time-series store (Cassandra-like), store <-> store replicas.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "config.hpp"
#include "distlab/sim/types.hpp"
#include "layout.hpp"

namespace distlab::models::counter {

inline constexpr sim::Time kBeginning = std::numeric_limits<sim::Time>::min();

// One counter mutation as the time-series store keeps it. (time, id) is the idempotency key:
// the token's generation time and nonce (Netflix also keys by event_item_key, the counter,
// which is the row the event lives in here). `op` is the client's logical operation, for the
// observer's ground truth only: protocol code never reads it.
struct Event {
  sim::Time time = 0;
  std::uint64_t id = 0;
  std::int64_t delta = 0;
  bool clear = false;
  std::uint64_t op = 0;
  bool operator<(const Event& o) const { return time != o.time ? time < o.time : id < o.id; }
  bool same_key(const Event& o) const { return time == o.time && id == o.id; }
};
inline constexpr std::size_t kEventBytes = 32;

// A rollup checkpoint: the count of every event up to `ts` (lastRollupCount, lastRollupTs).
struct Checkpoint {
  std::int64_t count = 0;
  sim::Time ts = kBeginning;
};

// --- client <-> counter API -------------------------------------------------------------------

struct CountRequest {
  std::uint64_t req = 0;  // the client's operation number (the same on retries and hedges)
  CounterKey key = 0;
  OpKind op = OpKind::get;
  Event token;  // mutations: generation time, nonce, delta
  std::size_t size_bytes() const { return 64; }
  std::string describe() const {
    return fmt::format("{}#{} c{}:{} d{}", to_string(op), req, ns_of(key), index_of(key),
                       token.delta);
  }
};

struct CountReply {
  enum class Status : std::uint8_t { ok, fail, rejected };  // rejected: older than accept_limit
  std::uint64_t req = 0;
  Status status = Status::ok;
  std::int64_t value = 0;
  std::size_t size_bytes() const { return 40; }
  std::string describe() const { return fmt::format("count-reply#{} v{}", req, value); }
};

// --- API / rollup -> cache --------------------------------------------------------------------

struct CacheIncr {
  std::uint64_t req = 0;
  CounterKey key = 0;
  std::int64_t delta = 0;
  sim::Time ttl = 0;
  std::uint64_t op = 0;  // observer only
  std::size_t size_bytes() const { return 56; }
};
struct CacheDelete {
  std::uint64_t req = 0;
  CounterKey key = 0;
  std::uint64_t op = 0;  // observer only
  std::size_t size_bytes() const { return 40; }
};
struct CacheGet {
  std::uint64_t req = 0;
  CounterKey key = 0;
  std::size_t size_bytes() const { return 32; }
};
// A rollup result, kept if newer than what the cache has (no reply).
struct CacheSet {
  CounterKey key = 0;
  Checkpoint value;
  std::size_t size_bytes() const { return 48; }
};
struct CacheReply {
  std::uint64_t req = 0;
  bool found = false;
  std::int64_t value = 0;
  std::size_t size_bytes() const { return 32; }
};

// --- API / rollup -> store coordinator --------------------------------------------------------

struct EventWrite {
  std::uint64_t req = 0;
  CounterKey key = 0;
  Event event;
  std::size_t size_bytes() const { return 32 + kEventBytes; }
};
struct WriteReply {
  std::uint64_t req = 0;
  bool ok = true;
  bool rejected = false;  // the event is older than now - accept_limit
  std::size_t size_bytes() const { return 24; }
};

// Read a counter's checkpoint, lastWriteTs and the events after the checkpoint up to `to`
// (kBeginning: the checkpoint only).
struct StoreRead {
  std::uint64_t req = 0;
  CounterKey key = 0;
  sim::Time to = 0;
  std::size_t size_bytes() const { return 40; }
};
struct StoreReadReply {
  std::uint64_t req = 0;
  bool ok = true;
  Checkpoint checkpoint;
  sim::Time last_write = kBeginning;
  std::vector<Event> events;
  std::size_t size_bytes() const { return 56 + kEventBytes * events.size(); }
};

struct CheckpointWrite {
  std::uint64_t req = 0;
  CounterKey key = 0;
  Checkpoint checkpoint;
  std::size_t size_bytes() const { return 48; }
};
struct CheckpointAck {
  std::uint64_t req = 0;
  std::size_t size_bytes() const { return 16; }
};

// API -> rollup server: this counter was read or written (no delta).
struct RollupTrigger {
  CounterKey key = 0;
  std::size_t size_bytes() const { return 24; }
};

// --- store coordinator <-> replicas -----------------------------------------------------------

struct Replicate {
  std::uint64_t hint = 0;  // the sender's hint, for the acknowledgement (0: none wanted)
  bool forward = false;    // from another region: pass it on to the other local replicas
  CounterKey key = 0;
  Event event;
  std::size_t size_bytes() const { return 32 + kEventBytes; }
};
struct ReplicateAck {
  std::uint64_t hint = 0;
  std::size_t size_bytes() const { return 16; }
};

struct ReplicaRead {
  std::uint64_t req = 0;
  CounterKey key = 0;
  sim::Time to = 0;
  std::size_t size_bytes() const { return 40; }
};
struct ReplicaData {
  std::uint64_t req = 0;
  Checkpoint checkpoint;
  sim::Time last_write = kBeginning;
  std::vector<Event> events;
  std::size_t size_bytes() const { return 48 + kEventBytes * events.size(); }
};

// Coordinator -> the other local replicas: a rollup checkpoint (last write wins by ts).
struct CheckpointPut {
  CounterKey key = 0;
  Checkpoint checkpoint;
  std::size_t size_bytes() const { return 40; }
};

}  // namespace distlab::models::counter
