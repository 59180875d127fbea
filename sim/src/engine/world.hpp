#pragma once
// The simulated world without SimGrid: nodes, their contexts, the event queue, message faults
// and node faults. A Driver (simgrid_driver.cpp) advances time and moves bytes; the World
// decides what happens at each instant.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "distlab/sim/history.hpp"
#include "distlab/sim/model.hpp"
#include "distlab/sim/node.hpp"
#include "distlab/sim/scenario.hpp"
#include "engine/event_queue.hpp"
#include "engine/fluid.hpp"
#include "engine/node_state.hpp"
#include "output/recorder.hpp"

namespace distlab::sim::engine {

class World;

// Advances simulated time and carries messages over the simulated network.
class Driver {
 public:
  virtual ~Driver() = default;
  virtual Time now() const = 0;
  // Flow network models only: start moving `bytes` from -> to; call World::arrived(token) when
  // the last byte is there.
  virtual void transfer(NodeId from, NodeId to, std::size_t bytes, std::uint64_t token) = 0;
};

class World {
 public:
  World(const Scenario& s, std::uint64_t seed, ModelInstance model, Recorder& rec);
  ~World();

  void attach(Driver* d) { driver_ = d; }
  bool flow_network() const { return s_.network.model != NetworkConfig::Model::textbook; }
  // SimGrid carries the flows (flow, lv08); the fluid model carries them itself.
  bool simgrid_flows() const { return flow_network() && !fluid_; }
  // Whether `bytes` on the wire from -> to travel as a SimGrid flow (else: textbook timing).
  bool as_flow(NodeId from, NodeId to, std::size_t bytes) const {
    return from != to && flow_network() && bytes >= s_.network.flow_min_bytes;
  }
  Time end_time() const { return s_.duration + s_.drain; }
  Time next_time() const {
    return fluid_ ? std::min(q_.next_time(), fluid_->next_time()) : q_.next_time();
  }
  Time now() const { return driver_->now(); }

  void start();                       // on_start of every node, schedule faults
  void run_due(Time now);             // process every event with t <= now
  void arrived(std::uint64_t token);  // a flow transfer finished
  std::uint64_t events() const { return events_; }

  // For node contexts.
  void send(NodeId from, NodeId to, Message msg, Time extra_delay);
  TimerId set_timer(NodeId node, Time delay_local);
  void cancel_timer(NodeId node, TimerId id);
  NodeState& node(NodeId id) { return *nodes_[id]; }
  const std::vector<NodeId>& server_ids() const { return server_ids_; }
  std::size_t node_count() const { return nodes_.size(); }
  const ModelInstance& model() const { return model_; }
  const Scenario& scenario() const { return s_; }
  Recorder& recorder() { return rec_; }
  std::uint64_t seed() const { return seed_; }
  const std::string& region_of(NodeId id) const;
  std::size_t region_index(NodeId id) const { return region_of_[id]; }
  // TrueTime for a node's handler (counts an interval that misses the true time).
  TimeInterval truetime(NodeState& n);
  Time disk_write_cost(std::size_t bytes) const {
    return s_.node.disk_write_latency +
           static_cast<Time>(static_cast<double>(bytes) * 1e9 / s_.node.disk_write_bytes_per_s);
  }
  // Textbook network: one-way latency between two nodes.
  Time latency(NodeId from, NodeId to) const;
  // Host link bandwidth of a node (its [[hardware]] NIC, or the [network] bandwidth).
  double nic_bps(NodeId id) const { return nodes_[id]->nic_bps; }

  // Hardware I/O (world_io.cpp).
  IoId start_rdma(NodeId node, NodeId remote, std::size_t bytes, bool write);
  IoId start_ssd(NodeId node, std::uint32_t ssd, std::size_t bytes, bool write);

 private:
  friend class FaultInjector;
  // Queues an event without a message (faults, restarts, resumes).
  void schedule(Event::Type type, Time t, NodeId node, std::uint64_t a = 0);
  void dispatch(Event& e);
  void deliver(Event& e);
  void handle_local(Event& e);  // timers and I/O completions
  void run_now(Event& e);       // run the handler an event is for
  void run_delivery(Event& e);
  void run_timer(Event& e);
  bool cpu_busy(NodeState& n) const;
  void schedule_cpu(NodeState& n);
  void depart(NodeId from, NodeId to, Message msg, std::uint64_t trace_id);
  // Moves bytes from -> to as a flow (SimGrid's or the fluid model's); arrived(token) follows.
  void transfer(NodeId from, NodeId to, std::size_t bytes, std::uint64_t token);
  void finish_send(NodeId from, NodeId to, Message msg, std::uint64_t trace_id, Time when);
  bool blocked(NodeId from, NodeId to) const;
  Time message_delay(NodeId from, NodeId to, Rng& rng) const;
  void run_handler(NodeId id, const std::function<void(Protocol&, Context&)>& f, Time cpu = 0);
  void init_clock(NodeState& n);
  void sync_clock(NodeState& n);
  void apply_fault(std::size_t index, bool end);

  const Scenario& s_;
  std::uint64_t seed_;
  ModelInstance model_;
  Recorder& rec_;
  Driver* driver_ = nullptr;
  EventQueue q_;
  std::vector<std::unique_ptr<NodeState>> nodes_;
  std::vector<NodeId> server_ids_;
  std::vector<std::size_t> region_of_;
  std::uint64_t events_ = 0;
  NodeId current_ = kNoNode;  // whose handler is running (for assertion messages)
  TimerId next_timer_ = 1;
  std::uint64_t next_token_ = 1;
  struct InFlight {
    NodeId from, to;
    Message msg;
    std::uint64_t trace_id;
  };
  std::unordered_map<std::uint64_t, InFlight> in_flight_;
  Rng net_rng_;
  std::unique_ptr<FluidNet> fluid_;  // the fluid network model, when chosen
  std::vector<std::uint64_t> fluid_done_;
  // Active faults by index into s_.faults.
  std::vector<bool> active_;
  std::vector<std::vector<std::uint8_t>> fault_members_;  // per fault: node -> group (0 = none)
  // Membership (join/leave faults): which servers are members; which have ever started.
  std::vector<bool> master_down_;  // per region: its time masters do not answer syncs
  std::vector<bool> eligible_;     // takes part in membership (ModelInstance::member_servers)
  std::vector<bool> member_;
  std::vector<bool> started_;
  void membership_changed(Time t);
  void stop_node(NodeState& n);
  void apply_hardware();

  // Hardware I/O in progress (world_io.cpp). Looked up by id only, never iterated.
  struct Io {
    enum class Kind : std::uint8_t { rdma_read, rdma_write, ssd_read, ssd_write } kind;
    NodeId node;
    std::uint32_t incarnation;
    std::uint32_t target;  // remote node or SSD number
    std::size_t bytes;
    Time start = 0;
    std::uint32_t remote_incarnation = 0;
  };
  std::unordered_map<IoId, Io> ios_;
  std::unordered_map<std::uint64_t, std::pair<IoId, int>> io_transfers_;  // flow token -> stage
  IoId next_io_ = 1;
  IoId new_io(Io io);
  void begin_io(IoId id);
  void begin_rdma(IoId id, Io& io);
  void begin_ssd(IoId id, Io& io);
  void rdma_stage_done(IoId id, int stage);
  void rdma_move(IoId id, int stage, NodeId from, NodeId to, std::size_t bytes);
  bool rdma_peer_ok(const Io& io) const;
  void finish_io(IoId id, IoResult::Status status, Time when);
  void ssd_done(Event& e);
  void run_io(Event& e);
  Time wire_time(NodeId from, NodeId to, std::size_t bytes) const;
};

}  // namespace distlab::sim::engine
