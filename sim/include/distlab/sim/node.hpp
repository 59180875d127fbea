#pragma once
// The node API: what protocol code (and a student) touches. Protocol code never includes SimGrid.
//
// One Protocol object per simulated node. Handlers run to completion: they never block, never
// sleep and never start threads. Everything a handler does (send, set a timer, write to storage)
// takes effect in simulated time after it returns.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "distlab/sim/hw/io.hpp"
#include "distlab/sim/message.hpp"
#include "distlab/sim/rng.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::sim {

// Durable per-node key/value storage. It survives crashes and restarts; everything else in a
// Protocol object is volatile. Each write costs simulated disk time: messages a handler sends
// after writing leave only once the write is durable (write-ahead, as in a real server).
class Storage {
 public:
  virtual ~Storage() = default;
  virtual void put(std::string_view key, std::string value) = 0;
  virtual std::optional<std::string> get(std::string_view key) const = 0;
  virtual void erase(std::string_view key) = 0;
  virtual const std::map<std::string, std::string, std::less<>>& all() const = 0;
};

// Named counters a protocol may bump; they show up per node in results.json.
class NodeMetrics {
 public:
  virtual ~NodeMetrics() = default;
  virtual void add(std::string_view name, std::int64_t delta = 1) = 0;
};

// TrueTime's answer (Spanner, OSDI 2012): an interval that contains the true time as long as
// the clock drifts no faster than assumed. TT.after(t) is earliest > t, TT.before(t) is
// latest < t.
struct TimeInterval {
  Time earliest = 0;
  Time latest = 0;
  Time epsilon() const { return (latest - earliest) / 2; }
  bool after(Time t) const { return earliest > t; }
  bool before(Time t) const { return latest < t; }
};

class Context {
 public:
  virtual ~Context() = default;

  virtual NodeId self() const = 0;
  virtual std::string_view name() const = 0;
  virtual std::string_view name_of(NodeId id) const = 0;
  // The other server nodes of the model (not clients), in id order.
  virtual const std::vector<NodeId>& peers() const = 0;
  // Every node's id (servers and clients) is below this; 0: not known (a test's context).
  virtual std::size_t node_count() const { return 0; }

  virtual void send(NodeId to, Message msg) = 0;
  // Fires on_timer after `delay` of this node's local clock. Ids are never reused in a run.
  virtual TimerId set_timer(Time delay) = 0;
  virtual void cancel_timer(TimerId id) = 0;

  // This node's local clock: offset and drift from true simulated time (see clock faults).
  virtual Time now() const = 0;
  // TrueTime: now() +- epsilon, where epsilon is the sync uncertainty plus the assumed drift
  // times the local time since the last sync with the time masters ([clocks] in the scenario).
  virtual TimeInterval truetime() = 0;
  // This node's random stream, derived from (seed, "node", id); restarts continue the stream.
  virtual Rng& rng() = 0;
  virtual Storage& storage() = 0;
  virtual NodeMetrics& metrics() = 0;

  // Hardware I/O ([[hardware]] in the scenario). Each call starts an I/O (after this handler's
  // CPU time, like a send) and returns at once; on_io runs when it completes.
  //
  // One-sided RDMA: moves `bytes` between this node's memory and `remote`'s registered memory
  // over the network without running any handler on `remote` (a READ pulls remote -> here, a
  // WRITE pushes here -> remote; each costs a round trip plus the bytes' transfer, sharing the
  // links with everything else). Reliable like an InfiniBand RC queue pair: message loss and
  // duplication faults do not touch it; a peer that is down or cut off makes it fail after the
  // host's rdma_timeout.
  virtual IoId rdma_read(NodeId remote, std::size_t bytes) = 0;
  virtual IoId rdma_write(NodeId remote, std::size_t bytes) = 0;
  // This node's SSD number `ssd` (0 .. ssd_count() - 1): queued, bandwidth- and latency-bound,
  // slowed by disk_slow and failed by disk_fail faults.
  virtual IoId ssd_read(std::uint32_t ssd, std::size_t bytes) = 0;
  virtual IoId ssd_write(std::uint32_t ssd, std::size_t bytes) = 0;
  virtual std::uint32_t ssd_count() const = 0;

  // Debug log line, tagged with simulated time and node; goes to the trace and, with
  // --verbose, to stderr.
  virtual void log_line(std::string_view line) = 0;
  template <class... Args>
  void log(fmt::format_string<Args...> f, Args&&... args) {
    log_line(fmt::format(f, std::forward<Args>(args)...));
  }
};

class Protocol {
 public:
  virtual ~Protocol() = default;
  virtual void on_start(Context& ctx) {}
  virtual void on_message(Context& ctx, NodeId from, const Message& msg) = 0;
  virtual void on_timer(Context& ctx, TimerId id) {}
  // An I/O this node started (RDMA, SSD) completed. I/Os of a crashed incarnation never do.
  virtual void on_io(Context& ctx, const IoResult& io) {}
  // Called instead of on_start on a fresh object after a crash and restart: volatile state is
  // gone, ctx.storage() survived.
  virtual void on_recover(Context& ctx) { on_start(ctx); }
};

}  // namespace distlab::sim
