// Recording: ground truth, reads and latencies (the report and the checker are in report.cpp).
#include "observer.hpp"

#include <algorithm>
#include <cstdlib>

namespace distlab::models::counter {

Observer::Observer(Config c, std::shared_ptr<const Layout> layout,
                   std::shared_ptr<sim::ModelInstance::TrueClock> clock)
    : c_(std::move(c)), layout_(std::move(layout)), clock_(std::move(clock)) {
  const std::uint32_t regions = c_.regions;
  for (const Namespace& n : c_.namespaces) {
    PerNs p;
    const std::size_t m = n.counters;
    auto per_region = [&](auto& v, auto zero) {
      v.assign(regions, std::vector<decltype(zero)>(m, zero));
    };
    if (n.type == CounterType::best_effort) {
      per_region(p.regional, std::int64_t{0});
    } else {
      p.global.assign(m, 0);
      p.last_accept.assign(m, kBeginning);
      p.last_region.assign(m, 0);
      per_region(p.cached, std::int64_t{0});
      per_region(p.cached_at, kBeginning);
      if (n.clear_fraction > 0) {
        p.last_clear.assign(m, {kBeginning, 0});
        p.since_clear.resize(m);
      }
    }
    if (c_.verify)
      for (int pass = 0; pass < 2; ++pass) {
        per_region(p.verified[pass], std::int64_t{0});
        per_region(p.verified_flag[pass], std::uint8_t{0});
      }
    ns_.push_back(std::move(p));
  }
  rollups_.resize(c_.namespaces.size());
  seen_.resize(c_.clients());
  queue_depth_.assign(layout_->total(), 0);
}

bool Observer::first_time(std::uint64_t op, std::uint8_t bit) {
  auto& v = seen_[op >> 32];
  const auto seq = static_cast<std::size_t>(op & 0xffffffffu);
  if (seq >= v.size()) v.resize(std::max<std::size_t>(seq + 1, v.size() * 2), 0);
  const bool first = !(v[seq] & bit);
  v[seq] |= bit;
  return first;
}

void Observer::accepted(std::uint32_t region, CounterKey k, const Event& e) {
  if (!first_time(e.op, 1)) return;
  PerNs& p = ns_[ns_of(k)];
  const auto i = index_of(k);
  p.last_accept[i] = std::max(p.last_accept[i], now());
  p.last_region[i] = static_cast<std::uint8_t>(region);
  if (p.last_clear.empty()) {
    p.global[i] += e.delta;
    return;
  }
  // A namespace that clears: the count is the sum of the events after the latest ClearCount,
  // in (event time, event id) order as the rollups aggregate them.
  const std::pair<sim::Time, std::uint64_t> key{e.time, e.id};
  if (key <= p.last_clear[i]) return;
  auto& events = p.since_clear[i];
  if (!e.clear) {
    events.push_back(e);
    p.global[i] += e.delta;
    return;
  }
  p.last_clear[i] = key;
  std::erase_if(events, [&](const Event& x) { return std::pair{x.time, x.id} <= key; });
  p.global[i] = 0;
  for (const Event& x : events) p.global[i] += x.delta;
}

void Observer::cache_mutated(std::uint32_t region, CounterKey k, std::uint64_t op,
                             std::int64_t delta, bool clear) {
  auto& v = ns_[ns_of(k)].regional[region][index_of(k)];
  if (clear) {
    v = 0;
    return;
  }
  if (first_time(op, 2)) {
    v += delta;
    return;
  }
  ++duplicates_applied_;
  duplicate_excess_ += delta;
}

void Observer::rollup_cached(std::uint32_t region, CounterKey k, std::int64_t value) {
  PerNs& p = ns_[ns_of(k)];
  auto& v = p.cached[region][index_of(k)];
  if (v == value && p.cached_at[region][index_of(k)] != kBeginning) return;
  v = value;
  p.cached_at[region][index_of(k)] = now();
}

std::int64_t Observer::truth(std::uint32_t region, CounterKey k) const {
  const PerNs& p = ns_[ns_of(k)];
  if (type_of(k) == CounterType::best_effort) return p.regional[region][index_of(k)];
  return p.global[index_of(k)];
}

void Observer::completed(CounterKey k, OpKind op, sim::Time latency) {
  latency_[static_cast<int>(type_of(k))][static_cast<int>(op)].record(latency);
  latency_all_.record(latency);
}

void Observer::read(std::uint32_t region, CounterKey k, std::int64_t value, int pass) {
  PerNs& p = ns_[ns_of(k)];
  if (pass > 0) {
    p.verified[pass - 1][region][index_of(k)] = value;
    p.verified_flag[pass - 1][region][index_of(k)] = 1;
    return;
  }
  const auto b = static_cast<std::size_t>(std::max<sim::Time>(now(), 0) / c_.bucket);
  auto record = [&](std::vector<ErrorBucket>& buckets, std::int64_t err) {
    if (b >= buckets.size()) buckets.resize(b + 1);
    ErrorBucket& e = buckets[b];
    ++e.reads;
    e.abs_sum += static_cast<double>(std::llabs(err));
    e.abs_max = std::max<std::int64_t>(e.abs_max, std::llabs(err));
    e.signed_sum += err;
  };
  record(error_[static_cast<int>(type_of(k))], value - truth(region, k));
  if (type_of(k) != CounterType::best_effort) return;
  std::int64_t global = 0;  // what a global count would be: every region's increments
  for (const auto& per_region : p.regional) global += per_region[index_of(k)];
  record(best_effort_vs_global_, value - global);
}

void Observer::op_failed(CounterKey k, OpKind op, int pass) {
  // A verification read without an answer stays "not answered" (flag 0) for the checker.
  if (pass == 0) ++failed_[static_cast<int>(type_of(k))][static_cast<int>(op)];
}

// Per namespace, only what the load caused: the verification reads trigger a rollup of every
// counter, which would swamp the figures of rarely written ones.
Observer::RollupCounts* Observer::rollup_counts(CounterKey k) {
  return c_.verify && now() >= c_.verify_first ? nullptr : &rollups_[ns_of(k)];
}

void Observer::rollup_triggered(CounterKey k) {
  ++load.triggers;
  if (auto* r = rollup_counts(k)) ++r->triggers;
}

void Observer::rollup_coalesced(CounterKey k) {
  ++load.coalesced;
  if (auto* r = rollup_counts(k)) ++r->coalesced;
}

void Observer::rolled_up(CounterKey k, std::uint64_t events) {
  ++load.rolled;
  load.events_aggregated += events;
  if (auto* r = rollup_counts(k)) {
    ++r->rolled;
    r->events += events;
  }
}

void Observer::rollup_queue(sim::NodeId server, std::uint64_t depth) {
  queue_depth_[server] = depth;
  load.queue_max = std::max(load.queue_max, depth);
}

std::uint64_t Observer::rollup_queue(sim::NodeId server) const { return queue_depth_[server]; }

}  // namespace distlab::models::counter
