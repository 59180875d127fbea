#include "engine/world.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "distlab/sim/error.hpp"
#include "engine/context.hpp"
#include "engine/names.hpp"
#include "workload/client.hpp"

namespace distlab::sim::engine {

World::World(const Scenario& s, std::uint64_t seed, ModelInstance model, Recorder& rec)
    : s_(s), seed_(seed), model_(std::move(model)), rec_(rec), net_rng_(seed, "network", 0) {
  auto add_node = [&](std::string name, bool client) {
    auto n = std::make_unique<NodeState>();
    n->id = static_cast<NodeId>(nodes_.size());
    n->name = std::move(name);
    n->client = client;
    n->cost_free = client;
    n->rng = Rng(seed, client ? "client" : "node", n->id);
    n->clock_rng = Rng(seed, "clock", n->id);
    if (!client) init_clock(*n);
    n->ctx = std::make_unique<NodeContext>(*this, *n);
    nodes_.push_back(std::move(n));
  };
  for (const auto& name : model_.server_names) {
    server_ids_.push_back(static_cast<NodeId>(nodes_.size()));
    add_node(name, false);
  }
  for (NodeId id : model_.client_nodes) nodes_.at(id)->cost_free = true;
  std::uint32_t client_no = 0;
  for (const auto& wl : s_.workloads)
    for (std::uint32_t i = 0; i < wl.clients; ++i)
      add_node(fmt::format("client{}", client_no++), true);
  region_of_ = assign_regions(s_, model_, nodes_.size());
  assert_context() = [this] {
    return fmt::format("seed {}, simulated time {} ns, node {}", seed_,
                       driver_ ? driver_->now() : 0,
                       current_ < nodes_.size() ? nodes_[current_]->name : std::string("-"));
  };
  active_.assign(s_.faults.size(), false);
  fault_members_.resize(s_.faults.size());
  for (std::size_t f = 0; f < s_.faults.size(); ++f) {
    const FaultSpec& spec = s_.faults[f];
    auto& m = fault_members_[f];
    m.assign(nodes_.size(), 0);
    if (spec.kind == FaultSpec::Kind::partition) {
      for (std::size_t g = 0; g < spec.groups.size(); ++g)
        for (const auto& name : spec.groups[g])
          for (NodeId id : resolve_nodes(name, model_, nodes_.size(), spec))
            m[id] = static_cast<std::uint8_t>(g + 1);
    } else if (spec.nodes.empty()) {
      m.assign(nodes_.size(), 1);
    } else {
      for (const auto& name : spec.nodes)
        for (NodeId id : resolve_nodes(name, model_, nodes_.size(), spec)) m[id] = 1;
    }
  }
  apply_hardware();
  if (s_.network.model == NetworkConfig::Model::fluid) {
    std::vector<double> bytes_per_s;
    for (const auto& n : nodes_) bytes_per_s.push_back(n->nic_bps / 8);
    fluid_ = std::make_unique<FluidNet>(std::move(bytes_per_s));
  }
}

// Each node's hardware: its [[hardware]] entries in file order (a later one replaces what an
// earlier one gave), else the [network] link and the [node] CPU cost.
void World::apply_hardware() {
  const auto hw = hardware_of(s_, model_, nodes_.size());
  for (auto& n : nodes_) {
    const HostHardware* h = hw[n->id];
    n->nic_bps = h && h->nic_bps ? *h->nic_bps : s_.network.bandwidth_bps;
    n->cpu_per_message = n->cost_free ? 0 : s_.node.cpu_per_message;
    if (h && h->cpu_per_message) n->cpu_per_message = *h->cpu_per_message;
    n->rdma_timeout = h ? h->rdma_timeout : HostHardware{}.rdma_timeout;
    n->ssds.clear();
    if (h)
      for (const auto& spec : h->ssds) {
        n->ssds.emplace_back();
        n->ssds.back().spec = spec;
      }
  }
}

World::~World() { assert_context() = nullptr; }

const std::string& World::region_of(NodeId id) const {
  static const std::string lan = "lan";
  if (s_.network.topology == NetworkConfig::Topology::lan) return lan;
  return s_.network.regions[region_of_[id]].name;
}

Time World::latency(NodeId from, NodeId to) const {
  if (from == to) return 0;
  const auto& net = s_.network;
  if (net.topology == NetworkConfig::Topology::lan) return net.latency;
  const auto a = region_of_[from], b = region_of_[to];
  if (a == b) return net.regions[a].latency;
  return net.inter_region_latency[a][b];
}

void World::init_clock(NodeState& n) {
  const ClockConfig& c = s_.clocks;
  if (c.offset_max > 0)
    n.clock.base_local = static_cast<Time>(n.clock_rng.uniform_real(
        -static_cast<double>(c.offset_max), static_cast<double>(c.offset_max)));
  if (c.drift_max_ppm > 0)
    n.clock.ppm = n.clock_rng.uniform_real(-c.drift_max_ppm, c.drift_max_ppm);
  // Before its first sync the daemon knows only the bound on the initial offset.
  n.clock.synced_local = n.clock.base_local;
  n.clock.synced_epsilon = c.offset_max + c.sync_uncertainty;
}

TimeInterval World::truetime(NodeState& n) {
  const ClockConfig& c = s_.clocks;
  const Time t = now();
  const Time local = n.clock.read(t);
  const Time since = std::max<Time>(local - n.clock.synced_local, 0);
  const Time eps = n.clock.synced_epsilon +
                   static_cast<Time>(static_cast<double>(since) * c.assumed_drift_ppm * 1e-6);
  const TimeInterval tt{local - eps, local + eps};
  if (t < tt.earliest || t > tt.latest) {  // the assumption broke: true time is outside
    n.metrics.add("truetime_violations", 1);
    rec_.count("truetime.violations");
  }
  return tt;
}

void World::sync_clock(NodeState& n) {
  const ClockConfig& c = s_.clocks;
  const Time t = now();
  // The masters of the node's region, or else the nearest region whose masters are up, at the
  // extra uncertainty of the one-way trip there.
  const std::size_t r = region_of_[n.id];
  std::optional<Time> extra;
  if (!master_down_[r]) {
    extra = 0;
  } else if (s_.network.topology == NetworkConfig::Topology::regions) {
    for (std::size_t o = 0; o < s_.network.regions.size(); ++o)
      if (!master_down_[o] && (!extra || s_.network.inter_region_latency[r][o] < *extra))
        extra = s_.network.inter_region_latency[r][o];
  }
  if (extra) {
    const Time u = c.sync_uncertainty + *extra;
    const auto err = static_cast<Time>(
        n.clock_rng.uniform_real(-static_cast<double>(u), static_cast<double>(u)));
    n.clock.rebase(t);
    n.clock.base_local = t + err;
    n.clock.synced_local = n.clock.base_local;
    n.clock.synced_epsilon = u;
    rec_.count("clock.syncs");
  } else {
    rec_.count("clock.syncs_failed");
  }
  schedule(Event::Type::clock_sync, t + n.clock.true_delay(c.sync_interval), n.id);
}

void World::schedule(Event::Type type, Time t, NodeId node, std::uint64_t a) {
  Event e;
  e.type = type;
  e.t = t;
  e.node = node;
  e.a = a;
  q_.push(std::move(e));
}

void World::start() {
  for (std::size_t f = 0; f < s_.faults.size(); ++f)
    schedule(Event::Type::fault, s_.faults[f].at, 0, f);
  // A server whose first join/leave event is a join starts outside the membership.
  member_.assign(nodes_.size(), false);
  started_.assign(nodes_.size(), false);
  eligible_.assign(nodes_.size(), model_.member_servers.empty());
  for (NodeId id : model_.member_servers) eligible_[id] = true;
  for (auto& n : nodes_)
    if (n->client) eligible_[n->id] = false;
  model_.true_clock->now = [this] { return now(); };
  for (NodeId id : server_ids_) {
    const FaultSpec* first = nullptr;
    for (std::size_t f = 0; f < s_.faults.size(); ++f) {
      const FaultSpec& spec = s_.faults[f];
      if (spec.kind != FaultSpec::Kind::join && spec.kind != FaultSpec::Kind::leave) continue;
      if (!fault_members_[f][id]) continue;
      if (!first || spec.at < first->at) first = &spec;
    }
    member_[id] = eligible_[id] && !(first && first->kind == FaultSpec::Kind::join);
  }
  std::uint32_t client_no = 0;
  std::size_t next = server_ids_.size();
  for (const auto& wl : s_.workloads) {
    auto keys = std::make_shared<const ZipfTable>(
        wl.key_count, wl.key_dist == WorkloadConfig::KeyDist::zipf ? wl.zipf_s : 0.0);
    for (std::uint32_t i = 0; i < wl.clients; ++i, ++client_no, ++next)
      nodes_[next]->proto = make_client(*this, wl, keys, client_no);
  }
  for (NodeId id : server_ids_) {
    if (member_[id] || !eligible_[id]) {
      nodes_[id]->proto = model_.make_node(id);
    } else {
      nodes_[id]->status = NodeState::Status::down;  // not started until it joins
    }
  }
  if (model_.on_membership) membership_changed(0);
  master_down_.assign(std::max<std::size_t>(s_.network.regions.size(), 1), false);
  if (s_.clocks.sync)
    for (NodeId id : server_ids_) {
      // Each daemon polls at its own phase, so the sawtooths are not in step.
      // The daemon was running before the run began: its last sync was a poll interval before
      // the first one here, so epsilon is on its sawtooth from time 0.
      NodeState& n = *nodes_[id];
      const auto phase = static_cast<Time>(
          n.clock_rng.uniform_real(0, static_cast<double>(s_.clocks.sync_interval)));
      n.clock.synced_local = n.clock.base_local - (s_.clocks.sync_interval - phase);
      schedule(Event::Type::clock_sync, phase, id);
    }
  for (auto& n : nodes_) {
    if (!n->proto) continue;
    started_[n->id] = true;
    run_handler(n->id, [](Protocol& p, Context& c) { p.on_start(c); });
  }
}

void World::stop_node(NodeState& n) {
  n.status = NodeState::Status::down;
  ++n.incarnation;
  n.inbox.clear();
  n.cpu_event_pending = false;
  n.proto.reset();
  n.timers.clear();
  n.backlog.clear();
}

void World::membership_changed(Time t) {
  std::vector<NodeId> members;
  for (NodeId id : server_ids_)
    if (member_[id]) members.push_back(id);
  current_ = kNoNode;
  model_.on_membership(members, t);
}

void World::run_handler(NodeId id, const std::function<void(Protocol&, Context&)>& f, Time cpu) {
  NodeState& n = *nodes_[id];
  n.write_delay = cpu;  // what the handler sends leaves after its CPU time (and disk writes)
  current_ = id;
  f(*n.proto, *n.ctx);
  current_ = kNoNode;
  n.write_delay = 0;
}

void World::run_due(Time now) {
  while (true) {
    const Time tq = q_.next_time();
    const Time tf = fluid_ ? fluid_->next_time() : kNever;
    if (std::min(tq, tf) > now) return;
    if (tf <= tq) {  // fluid flows finish (or enter the sharing) first at equal times
      fluid_done_.clear();
      fluid_->advance(tf, fluid_done_);
      for (std::uint64_t token : fluid_done_) arrived(token);
      continue;
    }
    Event e = q_.pop();
    ++events_;
    dispatch(e);
  }
}

void World::transfer(NodeId from, NodeId to, std::size_t bytes, std::uint64_t token) {
  if (fluid_) {
    fluid_->start(now(), latency(from, to), from, to, static_cast<double>(bytes), token);
    return;
  }
  driver_->transfer(from, to, bytes, token);
}

void World::dispatch(Event& e) {
  switch (e.type) {
    case Event::Type::deliver: {
      NodeState& n = *nodes_[e.node];
      if (n.status == NodeState::Status::paused) {
        n.backlog.push_back(std::move(e));
        return;
      }
      deliver(e);
      return;
    }
    case Event::Type::depart:
      depart(e.from, e.node, std::move(e.msg), e.a);
      return;
    case Event::Type::timer:
    case Event::Type::io_done:
      handle_local(e);
      return;
    case Event::Type::cpu_free: {
      NodeState& n = *nodes_[e.node];
      if (n.incarnation != e.incarnation) return;
      n.cpu_event_pending = false;
      if (n.status == NodeState::Status::down) {
        n.inbox.clear();
        return;
      }
      if (n.status == NodeState::Status::paused) {  // held with the rest until the resume
        for (auto& ev : n.inbox) n.backlog.push_back(std::move(ev));
        n.inbox.clear();
        return;
      }
      if (n.inbox.empty()) return;
      Event next = std::move(n.inbox.front());
      n.inbox.pop_front();
      run_now(next);
      if (!n.inbox.empty()) schedule_cpu(n);
      return;
    }
    case Event::Type::fault:
      apply_fault(e.a, false);
      return;
    case Event::Type::fault_end:
      apply_fault(e.a, true);
      return;
    case Event::Type::restart: {
      NodeState& n = *nodes_[e.node];
      if (n.status != NodeState::Status::down) return;
      if (eligible_[n.id] && !member_[n.id]) return;  // not a member (yet, or any more)
      n.status = NodeState::Status::up;
      n.proto = n.client ? nullptr : model_.make_node(n.id);
      rec_.trace_node("restart", now(), n.name);
      if (n.proto) run_handler(n.id, [](Protocol& p, Context& c) { p.on_recover(c); });
      return;
    }
    case Event::Type::stop: {
      NodeState& n = *nodes_[e.node];
      if (n.incarnation != e.incarnation || member_[n.id] || n.status == NodeState::Status::down)
        return;
      stop_node(n);
      rec_.trace_node("stopped", now(), n.name);
      return;
    }
    case Event::Type::clock_sync:
      sync_clock(*nodes_[e.node]);
      return;
    case Event::Type::io_start:
      begin_io(e.a);
      return;
    case Event::Type::io_wire:
      rdma_stage_done(e.a, static_cast<int>(e.b));
      return;
    case Event::Type::ssd_done:
      ssd_done(e);
      return;

    case Event::Type::resume: {
      NodeState& n = *nodes_[e.node];
      if (n.status != NodeState::Status::paused) return;
      n.status = NodeState::Status::up;
      rec_.trace_node("resume", now(), n.name);
      auto backlog = std::move(n.backlog);
      n.backlog.clear();
      for (auto& b : backlog) {
        b.t = now();
        q_.push(std::move(b));
      }
      return;
    }
  }
}

// A timer or an I/O completion for a node: dropped if the node crashed since, held while it
// is paused, queued behind a busy CPU like a message, else handled now.
void World::handle_local(Event& e) {
  NodeState& n = *nodes_[e.node];
  if (n.incarnation != e.incarnation || n.status == NodeState::Status::down) return;
  if (n.status == NodeState::Status::paused) {
    n.backlog.push_back(std::move(e));
    return;
  }
  if (cpu_busy(n)) {
    n.inbox.push_back(std::move(e));
    schedule_cpu(n);
    return;
  }
  run_now(e);
}

void World::run_now(Event& e) {
  switch (e.type) {
    case Event::Type::deliver:
      return run_delivery(e);
    case Event::Type::io_done:
      return run_io(e);
    default:
      return run_timer(e);
  }
}

void World::deliver(Event& e) {
  NodeState& to = *nodes_[e.node];
  NodeState& from = *nodes_[e.from];
  if (to.status == NodeState::Status::down || e.incarnation != to.incarnation ||
      blocked(e.from, e.node)) {
    ++from.counters.dropped;
    rec_.trace_message("drop", now(), from.name, to.name, e.msg, e.a,
                       to.status == NodeState::Status::down ? "receiver down" : "partition");
    return;
  }
  if (cpu_busy(to)) {  // the CPU is busy: wait in the node's inbox, in arrival order
    to.inbox.push_back(std::move(e));
    schedule_cpu(to);
    return;
  }
  run_delivery(e);
}

bool World::cpu_busy(NodeState& n) const {
  if (n.cpu_per_message == 0) return false;
  return n.busy_until > now() || !n.inbox.empty();
}

void World::schedule_cpu(NodeState& n) {
  if (n.cpu_event_pending) return;
  n.cpu_event_pending = true;
  Event e;
  e.type = Event::Type::cpu_free;
  e.t = std::max(n.busy_until, now());
  e.node = n.id;
  e.incarnation = n.incarnation;
  q_.push(std::move(e));
}

void World::run_timer(Event& e) {
  NodeState& n = *nodes_[e.node];
  if (n.timers.erase(e.a) == 0) return;  // cancelled
  if (rec_.tracing()) rec_.trace_node("timer", now(), n.name, fmt::format("id {}", e.a));
  const TimerId id = e.a;
  run_handler(n.id, [id](Protocol& p, Context& c) { p.on_timer(c, id); });
}

void World::run_delivery(Event& e) {
  NodeState& to = *nodes_[e.node];
  NodeState& from = *nodes_[e.from];
  const Time cpu = to.cpu_per_message;
  ++to.counters.delivered;
  rec_.trace_message("deliver", now(), from.name, to.name, e.msg, e.a);
  const NodeId src = e.from;
  const Message& msg = e.msg;
  to.busy_until = now() + cpu;
  run_handler(
      to.id, [src, &msg](Protocol& p, Context& c) { p.on_message(c, src, msg); }, cpu);
}

TimerId World::set_timer(NodeId node, Time delay_local) {
  NodeState& n = *nodes_[node];
  DISTLAB_ASSERT(delay_local >= 0, "negative timer delay");
  const TimerId id = next_timer_++;
  n.timers.insert(id);
  Event e;
  e.type = Event::Type::timer;
  e.t = now() + n.write_delay + n.clock.true_delay(delay_local);
  e.node = node;
  e.incarnation = n.incarnation;
  e.a = id;
  q_.push(std::move(e));
  return id;
}

void World::cancel_timer(NodeId node, TimerId id) { nodes_[node]->timers.erase(id); }

void World::send(NodeId from, NodeId to, Message msg, Time extra_delay) {
  NodeState& src = *nodes_[from];
  const std::uint64_t id = next_token_++;
  ++src.counters.sent;
  src.counters.bytes_sent += msg.size_bytes() + s_.network.header_bytes;
  rec_.trace_message("send", now(), src.name, nodes_[to]->name, msg, id);
  if (extra_delay > 0) {
    Event e;
    e.type = Event::Type::depart;
    e.t = now() + extra_delay;
    e.node = to;
    e.from = from;
    e.a = id;
    e.msg = std::move(msg);
    q_.push(std::move(e));
    return;
  }
  depart(from, to, std::move(msg), id);
}

// The message leaves its sender now: message faults decide whether (and how often) it travels.
void World::depart(NodeId from, NodeId to, Message msg, std::uint64_t trace_id) {
  NodeState& src = *nodes_[from];
  if (src.status == NodeState::Status::down) return;
  int copies = 1;
  for (std::size_t f = 0; f < s_.faults.size(); ++f) {
    if (!active_[f]) continue;
    const FaultSpec& spec = s_.faults[f];
    const auto& m = fault_members_[f];
    if (!m[from] && !m[to]) continue;
    if (spec.kind == FaultSpec::Kind::loss && net_rng_.bernoulli(spec.probability)) copies = 0;
    if (spec.kind == FaultSpec::Kind::duplicate && copies > 0 &&
        net_rng_.bernoulli(spec.probability))
      copies = 2;
  }
  if (copies == 0 || blocked(from, to)) {
    ++src.counters.dropped;
    rec_.trace_message("drop", now(), src.name, nodes_[to]->name, msg, trace_id,
                       copies == 0 ? "loss" : "partition");
    return;
  }
  if (copies == 2) {
    ++src.counters.duplicated;
    rec_.trace_message("duplicate", now(), src.name, nodes_[to]->name, msg, trace_id);
  }
  const std::size_t bytes = msg.size_bytes() + s_.network.header_bytes;  // on the wire
  for (int c = 0; c < copies; ++c) {
    if (!as_flow(from, to, bytes)) {
      finish_send(from, to, msg, trace_id, now() + wire_time(from, to, bytes));
    } else {
      const std::uint64_t token = next_token_++;
      in_flight_.emplace(token, InFlight{from, to, msg, trace_id});
      transfer(from, to, bytes, token);
    }
  }
}

void World::arrived(std::uint64_t token) {
  if (auto io = io_transfers_.find(token); io != io_transfers_.end()) {
    const auto [id, stage] = io->second;
    io_transfers_.erase(io);
    rdma_stage_done(id, stage);
    return;
  }
  auto it = in_flight_.find(token);
  DISTLAB_ASSERT(it != in_flight_.end(), "unknown transfer completed");
  InFlight f = std::move(it->second);
  in_flight_.erase(it);
  finish_send(f.from, f.to, std::move(f.msg), f.trace_id, now());
}

// The message reached the receiver's network stack at `when`; delay faults add to that.
void World::finish_send(NodeId from, NodeId to, Message msg, std::uint64_t trace_id, Time when) {
  const Time extra = message_delay(from, to, net_rng_);
  Event e;
  e.type = Event::Type::deliver;
  e.t = when + extra;
  e.node = to;
  e.from = from;
  e.incarnation = nodes_[to]->incarnation;
  e.a = trace_id;
  e.msg = std::move(msg);
  q_.push(std::move(e));
}

Time World::message_delay(NodeId from, NodeId to, Rng& rng) const {
  Time extra = 0;
  for (std::size_t f = 0; f < s_.faults.size(); ++f) {
    if (!active_[f] || s_.faults[f].kind != FaultSpec::Kind::delay) continue;
    const auto& m = fault_members_[f];
    if (!m[from] && !m[to]) continue;
    const FaultSpec& spec = s_.faults[f];
    switch (spec.distribution) {
      case FaultSpec::Distribution::constant:
        extra += spec.delay_a;
        break;
      case FaultSpec::Distribution::uniform:
        extra += spec.delay_a + static_cast<Time>(rng.uniform(
                                    static_cast<std::uint64_t>(spec.delay_b - spec.delay_a) + 1));
        break;
      case FaultSpec::Distribution::exponential:
        extra += static_cast<Time>(rng.exponential(static_cast<double>(spec.delay_a)));
        break;
    }
  }
  return extra;
}

bool World::blocked(NodeId from, NodeId to) const {
  for (std::size_t f = 0; f < s_.faults.size(); ++f) {
    if (!active_[f] || s_.faults[f].kind != FaultSpec::Kind::partition) continue;
    const auto& m = fault_members_[f];
    const auto a = m[from], b = m[to];
    if (a == 0 || b == 0 || a == b) continue;
    if (!s_.faults[f].one_way || a == 1) return true;
  }
  return false;
}

void World::apply_fault(std::size_t index, bool end) {
  const FaultSpec& spec = s_.faults[index];
  using K = FaultSpec::Kind;
  const Time t = now();
  auto each_node = [&](auto&& f) {
    for (NodeId id = 0; id < nodes_.size(); ++id)
      if (fault_members_[index][id]) f(*nodes_[id]);
  };
  const char* kind_name[] = {
      "crash", "restart",    "pause",       "partition",        "heal", "loss", "duplicate",
      "delay", "clock_step", "clock_drift", "time_master_down", "join", "leave",
      "disk_slow", "disk_fail"};
  rec_.count(fmt::format("fault.{}{}", kind_name[static_cast<int>(spec.kind)], end ? ".end" : ""));
  rec_.trace_node(end ? "fault_end" : "fault", t, "faults", kind_name[static_cast<int>(spec.kind)]);
  switch (spec.kind) {
    case K::crash:
      each_node([&](NodeState& n) {
        if (n.status == NodeState::Status::down) return;
        stop_node(n);
        rec_.trace_node("crash", t, n.name);
        if (spec.restart_at != kNever) schedule(Event::Type::restart, spec.restart_at, n.id);
      });
      return;
    case K::join: {
      // Mark, tell the model, then start: as at time 0, the model knows its members before
      // any of them runs.
      std::vector<NodeId> joined;
      each_node([&](NodeState& n) {
        if (!eligible_[n.id] || member_[n.id]) return;
        member_[n.id] = true;
        joined.push_back(n.id);
        rec_.trace_node("join", t, n.name);
      });
      if (joined.empty()) return;
      membership_changed(t);
      for (NodeId id : joined) {
        NodeState& n = *nodes_[id];
        if (n.status != NodeState::Status::down) continue;  // left but still draining: goes on
        n.status = NodeState::Status::up;
        n.proto = model_.make_node(n.id);
        const bool first = !started_[n.id];
        started_[n.id] = true;
        run_handler(n.id, [first](Protocol& p, Context& c) {
          if (first)
            p.on_start(c);
          else
            p.on_recover(c);
        });
      }
      return;
    }
    case K::leave: {
      std::vector<NodeId> left;
      each_node([&](NodeState& n) {
        if (!eligible_[n.id] || !member_[n.id]) return;
        member_[n.id] = false;
        left.push_back(n.id);
        rec_.trace_node("leave", t, n.name);
      });
      if (left.empty()) return;
      membership_changed(t);
      // Graceful: clients route elsewhere from now on; the server finishes what it has in
      // hand for `drain`, then stops.
      for (NodeId id : left) {
        NodeState& n = *nodes_[id];
        if (n.status == NodeState::Status::down) continue;
        if (spec.drain == 0) {
          stop_node(n);
          continue;
        }
        Event e;
        e.type = Event::Type::stop;
        e.t = t + spec.drain;
        e.node = id;
        e.incarnation = n.incarnation;
        q_.push(std::move(e));
      }
      return;
    }
    case K::restart:
      each_node([&](NodeState& n) { schedule(Event::Type::restart, t, n.id); });
      return;
    case K::pause:
      each_node([&](NodeState& n) {
        if (n.status != NodeState::Status::up) return;
        n.status = NodeState::Status::paused;
        rec_.trace_node("pause", t, n.name);
        schedule(Event::Type::resume, spec.until, n.id);
      });
      return;
    case K::heal:
      for (std::size_t f = 0; f < s_.faults.size(); ++f)
        if (s_.faults[f].kind == K::partition) active_[f] = false;
      return;
    case K::partition:
    case K::loss:
    case K::duplicate:
    case K::delay:
      active_[index] = !end;
      if (!end && spec.until != kNever) schedule(Event::Type::fault_end, spec.until, 0, index);
      return;
    case K::clock_step:
      each_node([&](NodeState& n) {
        n.clock.rebase(t);
        n.clock.base_local += spec.clock_step;
      });
      return;
    case K::clock_drift:
      each_node([&](NodeState& n) {
        n.clock.rebase(t);
        n.clock.ppm = spec.drift_ppm;
      });
      return;
    case K::disk_slow:
    case K::disk_fail:
      // Faults may overlap: each SSD's state is recomputed from every disk fault in force (the
      // slowest factor; failed while any disk_fail lasts).
      active_[index] = !end;
      each_node([&](NodeState& n) {
        for (std::size_t d = 0; d < n.ssds.size(); ++d) {
          n.ssds[d].slow = 1;
          n.ssds[d].failed = false;
          for (std::size_t f = 0; f < s_.faults.size(); ++f) {
            const FaultSpec& o = s_.faults[f];
            if (!active_[f] || !fault_members_[f][n.id] || (o.disk && *o.disk != d)) continue;
            if (o.kind == K::disk_slow) n.ssds[d].slow = std::max(n.ssds[d].slow, o.slow_factor);
            if (o.kind == K::disk_fail) n.ssds[d].failed = true;
          }
        }
      });
      if (!end && spec.until != kNever) schedule(Event::Type::fault_end, spec.until, 0, index);
      return;
    case K::time_master_down: {
      for (std::size_t r = 0; r < master_down_.size(); ++r) {
        bool named = spec.regions.empty();
        for (const auto& name : spec.regions)
          named = named || name == (s_.network.regions.empty() ? std::string("lan")
                                                               : s_.network.regions[r].name);
        if (named) master_down_[r] = !end;
      }
      if (!end && spec.until != kNever) schedule(Event::Type::fault_end, spec.until, 0, index);
      return;
    }
  }
}

}  // namespace distlab::sim::engine
