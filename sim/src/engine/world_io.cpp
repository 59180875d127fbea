// Hardware I/O: one-sided RDMA over the simulated network and queued SSD reads and writes.
// Each I/O is a record keyed by its id; its completion reaches the node as an io_done event,
// handled like a timer by World::handle_local (it waits for a busy CPU, is held while paused,
// dies with a crash).
#include <fmt/format.h>

#include <algorithm>

#include "distlab/sim/error.hpp"
#include "engine/world.hpp"

namespace distlab::sim::engine {

Time World::wire_time(NodeId from, NodeId to, std::size_t bytes) const {
  if (from == to) return 0;
  const double bps = std::min(nic_bps(from), nic_bps(to));
  return latency(from, to) + static_cast<Time>(static_cast<double>(bytes) * 8e9 / bps);
}

IoId World::new_io(Io io) {
  NodeState& n = *nodes_[io.node];
  io.incarnation = n.incarnation;
  const IoId id = next_io_++;
  ios_.emplace(id, io);
  if (n.write_delay > 0) {  // leaves after the handler's CPU (and disk) time, like a send
    Event e;
    e.type = Event::Type::io_start;
    e.t = now() + n.write_delay;
    e.node = io.node;
    e.a = id;
    q_.push(std::move(e));
  } else {
    begin_io(id);
  }
  return id;
}

IoId World::start_rdma(NodeId node, NodeId remote, std::size_t bytes, bool write) {
  DISTLAB_ASSERT(remote < nodes_.size(), "RDMA to a node id out of range");
  return new_io(Io{write ? Io::Kind::rdma_write : Io::Kind::rdma_read, node, 0, remote, bytes});
}

IoId World::start_ssd(NodeId node, std::uint32_t ssd, std::size_t bytes, bool write) {
  DISTLAB_ASSERT(ssd < nodes_[node]->ssds.size(),
                 fmt::format("I/O to SSD {} of node {}, which has {} ([[hardware]] ssds)", ssd,
                             nodes_[node]->name, nodes_[node]->ssds.size()));
  return new_io(Io{write ? Io::Kind::ssd_write : Io::Kind::ssd_read, node, 0, ssd, bytes});
}

void World::begin_io(IoId id) {
  auto it = ios_.find(id);
  if (it == ios_.end()) return;
  Io& io = it->second;
  NodeState& n = *nodes_[io.node];
  if (n.incarnation != io.incarnation || n.status == NodeState::Status::down) {
    ios_.erase(it);  // the node crashed before the I/O left
    return;
  }
  io.start = now();
  if (io.kind == Io::Kind::ssd_read || io.kind == Io::Kind::ssd_write)
    begin_ssd(id, io);
  else
    begin_rdma(id, io);
}

bool World::rdma_peer_ok(const Io& io) const {
  const NodeState& r = *nodes_[io.target];
  return r.status != NodeState::Status::down && r.incarnation == io.remote_incarnation &&
         !blocked(io.node, io.target) && !blocked(io.target, io.node);
}

// A READ sends a request (header only) and gets the bytes back; a WRITE sends the bytes and
// gets an acknowledgement back. Either way: a round trip plus the bytes once.
void World::begin_rdma(IoId id, Io& io) {
  io.remote_incarnation = nodes_[io.target]->incarnation;
  if (!rdma_peer_ok(io)) {
    finish_io(id, IoResult::Status::failed, now() + nodes_[io.node]->rdma_timeout);
    return;
  }
  const std::size_t hdr = s_.network.header_bytes;
  const bool write = io.kind == Io::Kind::rdma_write;
  rdma_move(id, 1, io.node, io.target, write ? io.bytes + hdr : hdr);
}

// One step of an RDMA: a SimGrid flow, or (textbook network, or below flow_min_bytes) an
// event after latency + size/bandwidth.
void World::rdma_move(IoId id, int stage, NodeId from, NodeId to, std::size_t bytes) {
  if (!as_flow(from, to, bytes)) {
    Event e;
    e.type = Event::Type::io_wire;
    e.t = now() + wire_time(from, to, bytes);
    e.node = from;
    e.a = id;
    e.b = static_cast<std::uint32_t>(stage);
    q_.push(std::move(e));
    return;
  }
  const std::uint64_t token = next_token_++;
  io_transfers_.emplace(token, std::make_pair(id, stage));
  transfer(from, to, bytes, token);
}

void World::rdma_stage_done(IoId id, int stage) {
  auto it = ios_.find(id);
  if (it == ios_.end()) return;
  Io& io = it->second;
  if (!rdma_peer_ok(io)) {  // the peer died or was cut off meanwhile: the QP times out
    finish_io(id, IoResult::Status::failed,
              std::max(now(), io.start + nodes_[io.node]->rdma_timeout));
    return;
  }
  if (stage == 2) {
    finish_io(id, IoResult::Status::ok, now());
    return;
  }
  const std::size_t hdr = s_.network.header_bytes;
  const bool write = io.kind == Io::Kind::rdma_write;
  rdma_move(id, 2, io.target, io.node, write ? hdr : io.bytes + hdr);
}

void World::begin_ssd(IoId id, Io& io) {
  hw::Ssd& d = nodes_[io.node]->ssds[io.target];
  if (d.failed) {
    finish_io(id, IoResult::Status::failed, now());
    return;
  }
  if (!d.has_room()) {
    d.waiting.push_back(id);
    return;
  }
  Event e;
  e.type = Event::Type::ssd_done;
  e.t = d.admit(now(), io.bytes, io.kind == Io::Kind::ssd_write);
  e.node = io.node;
  e.a = id;
  e.b = io.target;
  q_.push(std::move(e));
}

void World::ssd_done(Event& e) {
  hw::Ssd& d = nodes_[e.node]->ssds[e.b];
  --d.in_flight;
  finish_io(e.a, d.failed ? IoResult::Status::failed : IoResult::Status::ok, now());
  const NodeState& n = *nodes_[e.node];
  while (d.has_room() && !d.waiting.empty()) {
    const IoId next = d.waiting.front();
    d.waiting.pop_front();
    auto it = ios_.find(next);
    if (it == ios_.end()) continue;
    if (it->second.incarnation != n.incarnation) {  // queued by a node since crashed: gone
      ios_.erase(it);
      continue;
    }
    begin_ssd(next, it->second);
  }
}

void World::finish_io(IoId id, IoResult::Status status, Time when) {
  auto it = ios_.find(id);
  if (it == ios_.end()) return;
  const Io& io = it->second;
  Event e;
  e.type = Event::Type::io_done;
  e.t = when;
  e.node = io.node;
  e.incarnation = io.incarnation;
  e.a = id;
  e.b = static_cast<std::uint32_t>(status);
  e.c = io.bytes;
  q_.push(std::move(e));
  ios_.erase(it);
}

void World::run_io(Event& e) {
  NodeState& n = *nodes_[e.node];
  const IoResult r{e.a, static_cast<IoResult::Status>(e.b), static_cast<std::size_t>(e.c)};
  if (rec_.tracing())
    rec_.trace_node("io", now(), n.name,
                    fmt::format("id {} {} bytes {}", r.id, r.ok() ? "ok" : "failed", r.bytes));
  run_handler(n.id, [&r](Protocol& p, Context& c) { p.on_io(c, r); });
}

}  // namespace distlab::sim::engine
