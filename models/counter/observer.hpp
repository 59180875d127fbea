#pragma once
// What the run observes from outside the nodes, on the true simulated clock: the ground truth
// of every counter, what clients read and how long they waited, every node's load, and at the
// end the checker. Nodes only report here; protocol code never reads it back (except a rollup
// server's own queue depth, to count what a crash lost).
//
// Ground truth: a logical operation (the client's idempotency token) counts once if it took
// effect at all. Eventually consistent and accurate counters: once a store coordinator took its
// event in; the true count is then the sum of those events' deltas after the latest ClearCount
// (by event time). Best-effort counters are regional: an increment counts in the region whose
// cache applied it, once however often it was applied; a delete resets that region's count.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "config.hpp"
#include "distlab/sim/histogram.hpp"
#include "distlab/sim/model.hpp"
#include "layout.hpp"
#include "messages.hpp"

namespace distlab::models::counter {

struct Load {
  // store
  std::uint64_t event_writes = 0, rejected = 0, duplicate_keys = 0, replications = 0,
                replication_resends = 0, store_reads = 0, replica_reads = 0, events_read = 0,
                partitions_read = 0, checkpoint_writes = 0, store_events_max = 0;
  // rollup
  std::uint64_t triggers = 0, coalesced = 0, dropped = 0, rolled = 0, batches = 0,
                events_aggregated = 0, requeued = 0, lost_in_crash = 0, batch_timeouts = 0,
                queue_max = 0;
  // cache
  std::uint64_t cache_incr = 0, cache_get = 0, cache_hits = 0, cache_set = 0, cache_delete = 0;
  // clients
  std::uint64_t attempts = 0, retries = 0, hedges = 0, timeouts = 0, gave_up = 0,
                rejected_replies = 0;
};

class Observer {
 public:
  Observer(Config c, std::shared_ptr<const Layout> layout,
           std::shared_ptr<sim::ModelInstance::TrueClock> clock);

  Load load;
  sim::Time now() const { return clock_->now(); }
  CounterType type_of(CounterKey k) const { return c_.namespaces[ns_of(k)].type; }

  // Ground truth.
  // A store coordinator in `region` took a new event in.
  void accepted(std::uint32_t region, CounterKey k, const Event& e);
  void cache_mutated(std::uint32_t region, CounterKey k, std::uint64_t op, std::int64_t delta,
                     bool clear);
  void rollup_cached(std::uint32_t region, CounterKey k, std::int64_t value);
  std::int64_t truth(std::uint32_t region, CounterKey k) const;

  // Clients. `pass` is 0 for ordinary reads, 1 or 2 for the verification reads.
  void completed(CounterKey k, OpKind op, sim::Time latency);
  void read(std::uint32_t region, CounterKey k, std::int64_t value, int pass);
  void op_failed(CounterKey k, OpKind op, int pass);

  // Rollup servers: a trigger arrived, a counter already queued was not queued again, a
  // counter was rolled up over `events` events (totals in `load`, and per namespace).
  void rollup_triggered(CounterKey k);
  void rollup_coalesced(CounterKey k);
  void rolled_up(CounterKey k, std::uint64_t events);

  // Rollup servers report their queue depth (a crash loses it).
  void rollup_queue(sim::NodeId server, std::uint64_t depth);
  std::uint64_t rollup_queue(sim::NodeId server) const;

  sim::ModelInstance::Report report() const;

 private:
  struct PerNs {
    std::vector<std::int64_t> global;  // eventual / accurate
    std::vector<sim::Time> last_accept;
    std::vector<std::uint8_t> last_region;  // region of the coordinator that took the last event
    std::vector<std::vector<std::int64_t>> regional;  // best effort [region][counter]
    // Only when the namespace clears: the latest ClearCount's (event time, event id) and the
    // events after it (the count is their sum: a later clear may drop some of them).
    std::vector<std::pair<sim::Time, std::uint64_t>> last_clear;
    std::vector<std::vector<Event>> since_clear;
    // Rollup results as cached per region: value and when it last changed.
    std::vector<std::vector<std::int64_t>> cached;
    std::vector<std::vector<sim::Time>> cached_at;
    // Verification reads per pass and region (flag: 1 answered).
    std::array<std::vector<std::vector<std::int64_t>>, 2> verified;
    std::array<std::vector<std::vector<std::uint8_t>>, 2> verified_flag;
  };
  struct RollupCounts {
    std::uint64_t triggers = 0, coalesced = 0, rolled = 0, events = 0;
  };
  struct ErrorBucket {
    std::uint64_t reads = 0;
    double abs_sum = 0;
    std::int64_t abs_max = 0;
    std::int64_t signed_sum = 0;
  };
  static constexpr int kTypes = 3;

  bool first_time(std::uint64_t op, std::uint8_t bit);
  RollupCounts* rollup_counts(CounterKey k);

  Config c_;
  std::shared_ptr<const Layout> layout_;
  std::shared_ptr<sim::ModelInstance::TrueClock> clock_;
  std::vector<PerNs> ns_;
  std::vector<RollupCounts> rollups_;            // per namespace, until the verification reads
  std::vector<std::vector<std::uint8_t>> seen_;  // [client ordinal][seq]: bit 0 stored, 1 cached
  std::array<std::array<sim::Histogram, kOpKinds>, kTypes> latency_;
  sim::Histogram latency_all_;
  std::array<std::array<std::uint64_t, kOpKinds>, kTypes> failed_{};
  std::array<std::vector<ErrorBucket>, kTypes> error_;
  std::vector<ErrorBucket> best_effort_vs_global_;  // best-effort reads against all regions' sum
  std::uint64_t duplicates_applied_ = 0;  // best effort: increments applied more than once
  std::int64_t duplicate_excess_ = 0;     // and what they added
  std::vector<std::uint64_t> queue_depth_;
  friend struct ReportWriter;
};

}  // namespace distlab::models::counter
