#pragma once
// One counter's row at one store replica (the TimeSeries table, Cassandra-like): its events in
// (event time, event id) order, each idempotency key once; its last rollup checkpoint; and
// lastWriteTs. Events at or before the checkpoint are dropped (retention: they are counted in
// it, and the store refuses events that old anyway). Plus the two pure functions everyone
// shares: merging replicas' answers and aggregating events onto a checkpoint.
#include <cstdint>
#include <vector>

#include "messages.hpp"

namespace distlab::models::counter {

class EventLog {
 public:
  // False when an event with the same key is already there (a retry, a hedge, a duplicate).
  bool insert(const Event& e);
  // Keeps the checkpoint with the later ts; drops the events it covers.
  void apply_checkpoint(const Checkpoint& c);
  // The events after the checkpoint, up to `to` (inclusive).
  std::vector<Event> after_checkpoint(sim::Time to) const;

  const Checkpoint& checkpoint() const { return ckpt_; }
  sim::Time last_write() const { return last_write_; }
  std::size_t size() const { return events_.size(); }

 private:
  std::vector<Event> events_;  // sorted, unique keys
  Checkpoint ckpt_;
  sim::Time last_write_ = kBeginning;
};

// Replicas' answers merged: the latest checkpoint, the latest lastWriteTs and the union of the
// events after that checkpoint (each key once), sorted.
struct Merged {
  Checkpoint checkpoint;
  sim::Time last_write = kBeginning;
  std::vector<Event> events;
  void add(const Checkpoint& c, sim::Time last_write, const std::vector<Event>& events);
};

// The count after applying `events` (sorted, all after the checkpoint) to the checkpoint: a
// ClearCount event resets it to zero.
std::int64_t aggregate(const Checkpoint& c, const std::vector<Event>& events);

// Time-bucketed partitions a read from `from` to `to` touches (Netflix splits a counter's
// events into buckets of bucket_width, each spread over buckets_per_id partitions).
std::uint64_t partitions_touched(sim::Time from, sim::Time to, sim::Time bucket_width,
                                 std::uint32_t buckets_per_id);

}  // namespace distlab::models::counter
