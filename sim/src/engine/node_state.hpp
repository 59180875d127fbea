#pragma once
// Everything the world keeps per node: the protocol object, its context, durable storage,
// clock, and message counters.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "distlab/sim/node.hpp"
#include "engine/event_queue.hpp"
#include "hw/ssd.hpp"

namespace distlab::sim::engine {

class World;

// Local clock: local(t) = base_local + (t - base_true) * (1 + ppm / 1e6).
struct LocalClock {
  Time base_true = 0;
  Time base_local = 0;
  double ppm = 0;
  Time read(Time t) const {
    return base_local + static_cast<Time>(static_cast<double>(t - base_true) * (1.0 + ppm * 1e-6));
  }
  void rebase(Time t) {
    base_local = read(t);
    base_true = t;
  }
  Time true_delay(Time local_delay) const {
    return static_cast<Time>(static_cast<double>(local_delay) / (1.0 + ppm * 1e-6));
  }
  // TrueTime state: the local reading and uncertainty right after the last sync.
  Time synced_local = 0;
  Time synced_epsilon = 0;
};

struct MemStorage final : Storage {
  void put(std::string_view key, std::string value) override {
    bytes_written += key.size() + value.size();
    ++writes;
    data[std::string(key)] = std::move(value);
  }
  std::optional<std::string> get(std::string_view key) const override {
    auto it = data.find(key);
    if (it == data.end()) return std::nullopt;
    return it->second;
  }
  void erase(std::string_view key) override {
    auto it = data.find(key);
    if (it != data.end()) data.erase(it);
    ++writes;
  }
  const std::map<std::string, std::string, std::less<>>& all() const override { return data; }
  std::map<std::string, std::string, std::less<>> data;
  std::uint64_t writes = 0;
  std::uint64_t bytes_written = 0;
};

struct Counters {
  std::uint64_t sent = 0, delivered = 0, dropped = 0, duplicated = 0, bytes_sent = 0;
};

struct NodeMetricsMap final : NodeMetrics {
  void add(std::string_view name, std::int64_t delta) override {
    values[std::string(name)] += delta;
  }
  std::map<std::string, std::int64_t> values;
};

struct NodeState {
  enum class Status : std::uint8_t { up, down, paused };
  NodeId id = 0;
  std::string name;
  bool client = false;
  bool cost_free = false;  // a workload client or a model's own client: no [node] CPU cost
  Status status = Status::up;
  std::uint32_t incarnation = 0;  // bumps at each crash: older timers and arrivals are void
  std::unique_ptr<Protocol> proto;
  std::unique_ptr<Context> ctx;
  MemStorage storage;
  LocalClock clock;
  Rng rng;
  Counters counters;
  NodeMetricsMap metrics;
  std::unordered_set<TimerId> timers;  // live timers (membership only, never iterated)
  std::vector<Event> backlog;          // events held while paused, in arrival order
  std::deque<Event> inbox;             // [node] cpu: arrivals and timers waiting for the CPU
  bool cpu_event_pending = false;      // a cpu_free event is queued
  Time write_delay = 0;                // handler-scoped: CPU and disk time spent in this handler
  Time busy_until = 0;                 // the CPU handles one message at a time ([node])
  Rng clock_rng;                       // offsets, drifts and sync errors of this node's clock
  // Hardware ([[hardware]]): it outlives crashes.
  double nic_bps = 0;          // host link bandwidth
  Time cpu_per_message = 0;    // CPU time per handled message (0 = free)
  Time rdma_timeout = 0;       // an RDMA to a dead or cut-off peer fails after this
  std::vector<hw::Ssd> ssds;
};

}  // namespace distlab::sim::engine
