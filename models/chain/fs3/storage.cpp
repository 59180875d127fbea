// A 3FS storage node: it serves every target it hosts (design_notes.md, "Data replication").
//
// Write at a target: check the chain version; take the chunk's lock (one write per chunk at a
// time); pull the data by RDMA READ from the client (at the head) or the predecessor; write it
// to the SSD as the chunk's pending version (the head numbers it); then the chain's last writer
// commits it (the pending version replaces the committed one) and acknowledges upstream, and
// every writer commits when the acknowledgement passes. The head answers the client.
// Read at a serving target: a chunk with a pending version answers "not committed" (the client
// retries); else the SSD read and an RDMA WRITE into the client's buffer, then the answer.
// Sync: the serving tail copies what a returning target lacks, chunk by chunk (full-chunk
// replace), and tells mgmtd when it is done.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "chain/fs3/messages.hpp"

namespace distlab::models::chain::fs3 {
namespace {

using sim::Context;
using sim::NodeId;

struct Lock {
  WriteReq w;
  std::uint64_t gen = 0;  // which lock an I/O belongs to (a dropped lock's I/O may finish late)
  enum class Stage { pulling, storing, forwarded } stage = Stage::pulling;
  sim::Time forwarded_at = 0;
  std::vector<std::pair<NodeId, WriteReq>> queued;  // later writes of the chunk, in order
  NodeId from = 0;
};

struct Io {
  enum class Kind { pull, store, read_ssd, read_push, replace_pull, replace_store };
  Kind kind = Kind::pull;
  std::uint32_t target = 0;
  std::uint64_t chunk = 0;
  NodeId client = 0;
  std::uint64_t req = 0;
  std::uint32_t attempt = 0;
  std::uint64_t bytes = 0;
  std::uint64_t version = 0;
  sim::Value value = 0;
  NodeId from = 0;
  std::uint64_t gen = 0;  // pull/store: the lock's generation
  Replace replace;
};

Io io_of(Io::Kind kind, std::uint32_t target, std::uint64_t chunk) {
  Io io;
  io.kind = kind;
  io.target = target;
  io.chunk = chunk;
  return io;
}

class Storage final : public sim::Protocol {
 public:
  Storage(Config c, std::shared_ptr<Observer> obs, NodeId mgmtd)
      : c_(c), obs_(std::move(obs)), mgmtd_(mgmtd) {}

  void on_start(Context& ctx) override {
    self_ = ctx.self();
    routing_ = obs_->routing;
    for (std::uint32_t t = 0; t < routing_->targets.size(); ++t)
      if (routing_->targets[t].node == self_) mine_.push_back(t);
    for (auto t : mine_) up_to_date_[t] = true;
    ctx.set_timer(0);
  }
  // Volatile state is gone, the SSDs' contents are not: every target must sync before it
  // serves again (3FS: local state "online").
  // (design_notes.md: a returning service sends no heartbeat until mgmtd has marked all its
  // targets offline, so that none of them stays "serving" with what it missed.)
  void on_recover(Context& ctx) override {
    on_start(ctx);
    for (auto t : mine_) up_to_date_[t] = false;
    returning_ = true;
  }

  void heartbeat(Context& ctx) {
    if (returning_) {
      for (auto t : mine_) {
        const State s = routing_->chains[chain_of_target(t)].state_of(t);
        if (s != State::offline && s != State::lastsrv) return;
      }
      returning_ = false;
    }
    Heartbeat h;
    h.routing_version = routing_->version;
    for (auto t : mine_) {
      h.targets.push_back(t);
      h.up_to_date.push_back(medium_failed_[t] ? 2 : up_to_date_[t] ? 1 : 0);
    }
    ctx.send(mgmtd_, sim::Message::of(std::move(h)));
  }

  void on_timer(Context& ctx, sim::TimerId) override {
    heartbeat(ctx);
    // Forwards not acknowledged for a while go again (lost, or sent under an old chain).
    for (auto& [key, l] : locks_)
      if (l.stage == Lock::Stage::forwarded && ctx.now() - l.forwarded_at >= c_.heartbeat)
        forward(ctx, l);
    check_syncs(ctx);
    ctx.set_timer(c_.heartbeat);
  }

  void on_message(Context& ctx, NodeId from, const sim::Message& m) override {
    if (const auto* r = m.get<ReadReq>()) return on_read(ctx, from, *r);
    if (const auto* w = m.get<WriteReq>()) return on_write(ctx, from, *w);
    if (const auto* a = m.get<WriteAck>()) return on_ack(ctx, from, *a);
    if (const auto* u = m.get<RoutingUpdate>()) return on_routing(ctx, u->routing);
    if (const auto* d = m.get<DumpMeta>()) return on_dump(ctx, from, *d);
    if (const auto* l = m.get<MetaList>()) return on_meta(ctx, from, *l);
    if (const auto* r = m.get<Replace>()) return on_replace(ctx, from, *r);
    if (const auto* a = m.get<ReplaceAck>()) return on_replace_ack(ctx, *a);
    if (const auto* d = m.get<SyncDone>()) return on_sync_done(ctx, *d);
  }

  void on_io(Context& ctx, const sim::IoResult& r) override {
    auto it = ios_.find(r.id);
    if (it == ios_.end()) return;
    Io io = std::move(it->second);
    ios_.erase(it);
    if (!r.ok()) ++obs_->failed_ios;
    // A failed SSD I/O: the storage medium failed; the target is offline from now on (its
    // local state in every heartbeat), until the node restarts.
    const bool ssd = io.kind == Io::Kind::read_ssd || io.kind == Io::Kind::store ||
                     io.kind == Io::Kind::replace_store;
    if (!r.ok() && ssd && !medium_failed_[io.target]) {
      medium_failed_[io.target] = true;
      heartbeat(ctx);
    }
    switch (io.kind) {
      case Io::Kind::read_ssd:
        if (!r.ok()) return reply(ctx, io.client, io.req, io.attempt, Reply::Status::failed);
        return start(ctx, ctx.rdma_write(io.client, io.bytes), [&] {
          io.kind = Io::Kind::read_push;
          return io;
        }());
      case Io::Kind::read_push:
        if (!r.ok()) return;  // the client is gone
        count_read(io.bytes);
        return reply(ctx, io.client, io.req, io.attempt, Reply::Status::ok, io.version, io.value);
      case Io::Kind::pull:
      case Io::Kind::store:
        return write_step(ctx, io, r.ok());
      case Io::Kind::replace_pull:
        if (!r.ok()) return;  // the predecessor resends when it hears nothing
        io.kind = Io::Kind::replace_store;
        return start(ctx, ctx.ssd_write(disk_of(io.target), io.bytes), io);
      case Io::Kind::replace_store: {
        if (!r.ok()) return;
        const Replace& p = io.replace;
        Chunk ch = chunk(p.target, p.chunk);
        // Written during the sync (committed under this chain version or later): newer.
        if (ch.chain_version < p.chain_version || ch.committed < p.version) {
          ch.committed = p.version;
          ch.committed_value = p.value;
          ch.chain_version = p.chain_version;
        }
        // A pending version without a write in progress is left over from before: stale.
        if (!locks_.count({p.target, p.chunk})) ch.pending = 0;
        put(p.target, p.chunk, ch);
        ++obs_->chunks_replaced;
        ctx.send(io.from,
                 sim::Message::of(ReplaceAck{p.chain, p.chain_version, p.chunk, p.round}));
        return;
      }
    }
  }

 private:
  // ---- helpers ---------------------------------------------------------------------------

  std::uint32_t disk_of(std::uint32_t target) const { return routing_->targets[target].disk; }
  Chunk chunk(std::uint32_t t, std::uint64_t c) const {
    return obs_->disks.get(t, c, c_.preloaded);
  }
  void put(std::uint32_t t, std::uint64_t c, const Chunk& ch) { obs_->disks.targets[t][c] = ch; }
  // This node's target in `chain` (replicas sit on distinct nodes), or none.
  std::optional<std::uint32_t> my_target(const ChainInfo& ch) const {
    for (auto t : ch.targets)
      if (routing_->targets[t].node == self_) return t;
    return std::nullopt;
  }
  // This node's place in a chain's writers: its target there (if any), whether that target is
  // a writer, and the nodes of the writers before and after it.
  struct Place {
    std::optional<std::uint32_t> target;
    bool writer = false;
    std::optional<NodeId> pred, succ;
  };
  Place place_in(const ChainInfo& ch) const {
    Place p;
    p.target = my_target(ch);
    if (!p.target) return p;
    const auto writers = ch.writers();
    auto it = std::find(writers.begin(), writers.end(), *p.target);
    if (it == writers.end()) return p;
    p.writer = true;
    if (it != writers.begin()) p.pred = routing_->targets[*(it - 1)].node;
    if (it + 1 != writers.end()) p.succ = routing_->targets[*(it + 1)].node;
    return p;
  }
  template <class F>
  void start(Context&, sim::IoId id, F&& io) {
    ios_.emplace(id, std::forward<F>(io));
  }
  void reply(Context& ctx, NodeId client, std::uint64_t req, std::uint32_t attempt,
             Reply::Status s, std::uint64_t version = 0, sim::Value value = 0) {
    ctx.send(client, sim::Message::of(Reply{req, attempt, s, version, value}));
  }
  void count_read(std::uint64_t bytes) {
    const sim::Time t = now_true();
    if (t >= c_.measure_from && t < c_.measure_until)
      obs_->node_read_bytes[self_] += bytes;
    if (t >= c_.baseline_from && t < c_.baseline_until)
      obs_->node_read_bytes_base[self_] += bytes;
  }
  sim::Time now_true() const { return obs_->true_now(); }

  // ---- reads -----------------------------------------------------------------------------

  void on_read(Context& ctx, NodeId client, const ReadReq& r) {
    const std::uint32_t chain = routing_->chain_of(r.chunk);
    if (routing_->targets[r.target].node != self_ ||
        routing_->chains[chain].state_of(r.target) != State::serving || !up_to_date_[r.target] ||
        medium_failed_[r.target])
      return reply(ctx, client, r.req, r.attempt, Reply::Status::not_serving);
    const Chunk ch = chunk(r.target, r.chunk);
    std::uint64_t version = ch.committed;
    sim::Value value = ch.committed_value;
    if (ch.pending > 0) {
      if (!c_.read_pending) {
        ++obs_->not_committed;
        return reply(ctx, client, r.req, r.attempt, Reply::Status::not_committed);
      }
      version = ch.pending;  // the broken variant: an uncommitted version escapes
      value = ch.pending_value;
    }
    if (version == 0)  // the chunk does not exist: nothing to move
      return reply(ctx, client, r.req, r.attempt, Reply::Status::ok, 0, 0);
    Io io = io_of(Io::Kind::read_ssd, r.target, r.chunk);
    io.client = client;
    io.req = r.req;
    io.attempt = r.attempt;
    io.bytes = r.bytes;
    io.version = version;
    io.value = value;
    start(ctx, ctx.ssd_read(disk_of(r.target), r.bytes), io);
  }

  // ---- writes ----------------------------------------------------------------------------

  void on_write(Context& ctx, NodeId from, const WriteReq& w) {
    const ChainInfo& ch = routing_->chains[w.chain];
    const bool from_client = w.version == 0;
    if (returning_) {  // restarted, not yet out of the chains: takes no part until it syncs
      if (from_client) reply(ctx, from, w.req, w.attempt, Reply::Status::not_serving);
      return;
    }
    if (w.chain_version != ch.version) {
      ++obs_->stale_chain;
      if (from_client) reply(ctx, from, w.req, w.attempt, Reply::Status::stale_chain);
      return;  // a predecessor resends under the chain it learns next
    }
    const Place place = place_in(ch);
    const auto& t = place.target;
    if (!place.writer || from_client != !place.pred || (!from_client && *place.pred != from)) {
      if (from_client) reply(ctx, from, w.req, w.attempt, Reply::Status::stale_chain);
      return;
    }
    const Chunk cur = chunk(*t, w.chunk);
    if (!from_client && w.version <= cur.committed) {  // had it already: acknowledge again
      ctx.send(from, sim::Message::of(WriteAck{w.chain, w.chunk, w.version, w.req}));
      return;
    }
    auto key = std::make_pair(*t, w.chunk);
    auto it = locks_.find(key);
    if (it != locks_.end()) {
      Lock& l = it->second;
      if (l.w.req == w.req) {  // a retry or a resend of the write in progress
        l.w.attempt = std::max(l.w.attempt, w.attempt);
        if (l.stage == Lock::Stage::forwarded) forward(ctx, l);
        return;
      }
      for (auto& [f, q] : l.queued)
        if (q.req == w.req) return;
      l.queued.emplace_back(from, w);
      return;
    }
    begin_write(ctx, from, *t, w);
  }

  void begin_write(Context& ctx, NodeId from, std::uint32_t t, const WriteReq& w) {
    Lock& l = locks_[{t, w.chunk}];
    l.w = w;
    l.from = from;
    l.stage = Lock::Stage::pulling;
    l.gen = ++lock_gen_;
    Io io = io_of(Io::Kind::pull, t, w.chunk);
    io.gen = l.gen;
    start(ctx, ctx.rdma_read(w.source, w.bytes), io);
  }

  void write_step(Context& ctx, const Io& io, bool ok) {
    auto it = locks_.find({io.target, io.chunk});
    if (it == locks_.end() || it->second.gen != io.gen) return;  // its lock was dropped
    Lock& l = it->second;
    if (!ok) {  // the source is gone or the SSD failed: give up; a client retries
      if (l.w.version == 0) reply(ctx, l.w.client, l.w.req, l.w.attempt, Reply::Status::failed);
      return release(ctx, it);
    }
    if (io.kind == Io::Kind::pull) {
      l.stage = Lock::Stage::storing;
      Io next = io_of(Io::Kind::store, io.target, io.chunk);
      next.gen = l.gen;
      return start(ctx, ctx.ssd_write(disk_of(io.target), l.w.bytes), next);
    }
    // Stored: the pending version.
    Chunk ch = chunk(io.target, io.chunk);
    if (l.w.version == 0) {
      l.w.version = std::max(ch.committed, ch.pending) + 1;  // the head numbers it
      l.w.source = self_;
    }
    ch.pending = l.w.version;
    ch.pending_value = l.w.value;
    put(io.target, io.chunk, ch);
    l.stage = Lock::Stage::forwarded;
    forward(ctx, l);
  }

  // Sends the write on under the node's current chain, or commits it at the last writer.
  void forward(Context& ctx, Lock& l) {
    const ChainInfo& ch = routing_->chains[l.w.chain];
    const Place place = place_in(ch);
    if (!place.writer) return;  // not a writer any more: mgmtd took it out
    l.forwarded_at = ctx.now();
    if (!place.succ) return commit(ctx, *place.target, l.w.chunk, l.w.version, true);
    WriteReq f = l.w;
    f.chain_version = ch.version;
    f.source = self_;
    ctx.send(*place.succ, sim::Message::of(f));
  }

  void on_ack(Context& ctx, NodeId, const WriteAck& a) {
    const auto t = my_target(routing_->chains[a.chain]);
    if (!t) return;
    commit(ctx, *t, a.chunk, a.version, false);
  }

  // The pending version becomes the committed one; tell upstream.
  void commit(Context& ctx, std::uint32_t t, std::uint64_t c, std::uint64_t version, bool last) {
    auto it = locks_.find({t, c});
    if (it == locks_.end() || it->second.w.version != version ||
        it->second.stage != Lock::Stage::forwarded)
      return;
    Lock& l = it->second;
    const ChainInfo& chain = routing_->chains[l.w.chain];
    Chunk ch = chunk(t, c);
    if (ch.committed < version) {
      ch.committed = version;
      ch.committed_value = l.w.value;
      ch.chain_version = chain.version;
    }
    if (ch.pending <= version) ch.pending = 0;
    put(t, c, ch);
    if (last) obs_->committed.emplace(std::make_pair(c, version), std::make_pair(l.w.value, now_true()));
    const Place place = place_in(chain);  // t is this node's target in the chain
    if (!place.pred)  // the head (or no writer any more): the client hears
      reply(ctx, l.w.client, l.w.req, l.w.attempt, Reply::Status::ok, version, l.w.value);
    else
      ctx.send(*place.pred, sim::Message::of(WriteAck{l.w.chain, c, version, l.w.req}));
    release(ctx, it);
  }

  void release(Context& ctx, std::map<std::pair<std::uint32_t, std::uint64_t>, Lock>::iterator it) {
    auto queued = std::move(it->second.queued);
    const std::uint32_t t = it->first.first;
    locks_.erase(it);
    if (queued.empty()) return;
    auto [from, w] = queued.front();
    queued.erase(queued.begin());
    begin_write(ctx, from, t, w);
    locks_[{t, w.chunk}].queued = std::move(queued);
  }

  // ---- routing and sync ------------------------------------------------------------------

  void on_routing(Context& ctx, const std::shared_ptr<const Routing>& r) {
    if (r->version <= routing_->version) return;
    const auto old = routing_;
    routing_ = r;
    for (auto t : mine_) {
      const ChainInfo& ch = routing_->chains[chain_of_target(t)];
      const State s = ch.state_of(t);
      if (s == State::offline || s == State::waiting) up_to_date_[t] = false;
      if (s == State::serving && old->chains[chain_of_target(t)].state_of(t) == State::syncing)
        up_to_date_[t] = true;
      if (s == State::lastsrv) up_to_date_[t] = true;  // its data is the chain's latest
      if (s == State::serving && old->chains[chain_of_target(t)].state_of(t) == State::lastsrv) {
        up_to_date_[t] = true;  // (a restarted node saw lastsrv only in its first routing)
        commit_leftovers(t);
      }
    }
    // Writes in flight follow the new chain: the last writer commits, others forward again. A
    // target taken out of the writers (offline, waiting) drops them: what it holds is stale now,
    // and its sync will replace it (a demoted head committing its own numbering as a new last
    // writer would commit a version the chain never saw).
    for (auto it = locks_.begin(); it != locks_.end();) {
      auto next = std::next(it);
      Lock& l = it->second;
      const ChainInfo& ch = routing_->chains[l.w.chain];
      const State s = ch.state_of(it->first.first);
      // Syncing now and not before: it was out (offline) in between, perhaps without hearing
      // of it; what it held then is stale too.
      const bool returning =
          s == State::syncing && old->chains[l.w.chain].state_of(it->first.first) != State::syncing;
      if ((s != State::serving && s != State::syncing) || returning) {
        for (const auto& [from, q] : l.queued)
          if (from == q.client) reply(ctx, q.client, q.req, q.attempt, Reply::Status::stale_chain);
        if (l.from == l.w.client)  // the client asked this target: it retries elsewhere
          reply(ctx, l.w.client, l.w.req, l.w.attempt, Reply::Status::stale_chain);
        locks_.erase(it);
      } else if (l.stage == Lock::Stage::forwarded &&
                 ch.version != old->chains[l.w.chain].version) {
        forward(ctx, l);
      }
      it = next;
    }
    check_syncs(ctx);
  }

  // A chain whose serving tail is here and that has a syncing target: copy it over (again, if
  // a sync has not finished after 20 heartbeats: a message was lost).
  void check_syncs(Context& ctx) {
    for (std::uint32_t c = 0; c < routing_->chains.size(); ++c) {
      const ChainInfo& ch = routing_->chains[c];
      const auto readers = ch.readers();
      if (readers.empty() || routing_->targets[readers.back()].node != self_) continue;
      // Only an up-to-date target is a source (a restarted node that mgmtd still thinks is
      // serving would copy what it missed over what the others have).
      if (returning_ || !up_to_date_[readers.back()]) continue;
      for (std::size_t i = 0; i < ch.targets.size(); ++i) {
        if (ch.states[i] != State::syncing) continue;
        const bool stuck = synced_[c] == ch.version && ctx.now() - sync_started_[c] > 20 * c_.heartbeat;
        if (synced_[c] == ch.version && !stuck) continue;
        synced_[c] = ch.version;
        sync_started_[c] = ctx.now();
        pending_replace_[c].clear();
        const std::uint64_t round = ++sync_round_[c];
        ctx.send(routing_->targets[ch.targets[i]].node,
                 sim::Message::of(DumpMeta{c, ch.version, ch.targets[i], round}));
      }
    }
  }

  // The last server of a chain serves again: every version still pending here was passed on
  // by this target (it was first in the chain when all went down, or the last one standing),
  // so the old tail may have committed and acknowledged it. Commit them all (the CR rule for a
  // new tail); a write in progress finishes on its own.
  void commit_leftovers(std::uint32_t t) {
    for (auto& [c, ch] : obs_->disks.targets[t]) {
      if (ch.pending == 0 || locks_.count({t, c})) continue;
      obs_->committed.emplace(std::make_pair(c, ch.pending),
                              std::make_pair(ch.pending_value, now_true()));
      ch.committed = ch.pending;
      ch.committed_value = ch.pending_value;
      ch.chain_version = routing_->chains[chain_of_target(t)].version;
      ch.pending = 0;
    }
  }

  std::uint32_t chain_of_target(std::uint32_t t) const { return routing_->target_chain[t]; }

  void on_dump(Context& ctx, NodeId from, const DumpMeta& d) {
    MetaList l{d.chain, d.chain_version, {}, d.round};
    for (const auto& [c, ch] : obs_->disks.targets[d.target])
      l.items.push_back({c, ch.committed, ch.committed_value});
    ctx.send(from, sim::Message::of(std::move(l)));
  }

  void on_meta(Context& ctx, NodeId from, const MetaList& l) {
    const ChainInfo& ch = routing_->chains[l.chain];
    if (ch.version != l.chain_version) return;  // a newer configuration restarts the sync
    if (l.round != sync_round_[l.chain]) return;  // an answer to an earlier round
    const auto readers = ch.readers();
    if (readers.empty()) return;
    const std::uint32_t mine = readers.back();
    std::uint32_t syncing = 0;
    for (std::size_t i = 0; i < ch.targets.size(); ++i)
      if (ch.states[i] == State::syncing) syncing = ch.targets[i];
    std::map<std::uint64_t, std::pair<std::uint64_t, sim::Value>> theirs;
    for (const auto& it : l.items) theirs[it.chunk] = {it.version, it.value};
    std::set<std::uint64_t> chunks;
    for (const auto& [c, _] : theirs) chunks.insert(c);
    for (const auto& [c, _] : obs_->disks.targets[mine]) chunks.insert(c);
    auto& todo = pending_replace_[l.chain];
    for (auto c : chunks) {
      const Chunk m = chunk(mine, c);
      const Chunk t = obs_->disks.get(syncing, c, c_.preloaded);
      if (t.committed == m.committed && t.committed_value == m.committed_value) continue;
      // The syncing target, as the last writer, already committed the write this source holds
      // pending (its acknowledgement is on the way): it is ahead, not behind.
      if (t.committed > m.committed && m.pending >= t.committed) continue;
      todo.insert(c);
      ctx.send(from, sim::Message::of(Replace{l.chain, l.chain_version, syncing, c, m.committed,
                                              m.committed_value, c_.chunk_bytes, l.round}));
    }
    ++obs_->syncs;
    if (todo.empty()) ctx.send(from, sim::Message::of(SyncDone{l.chain, l.chain_version, syncing}));
  }

  void on_replace(Context& ctx, NodeId from, const Replace& r) {
    Io io = io_of(Io::Kind::replace_pull, r.target, r.chunk);
    io.from = from;
    io.bytes = r.bytes;
    io.replace = r;
    start(ctx, ctx.rdma_read(from, r.bytes), io);
  }

  void on_replace_ack(Context& ctx, const ReplaceAck& a) {
    if (a.round != sync_round_[a.chain]) return;
    auto& todo = pending_replace_[a.chain];
    if (!todo.erase(a.chunk) || !todo.empty()) return;
    const ChainInfo& ch = routing_->chains[a.chain];
    if (ch.version != a.chain_version) return;
    for (std::size_t i = 0; i < ch.targets.size(); ++i)
      if (ch.states[i] == State::syncing)
        ctx.send(routing_->targets[ch.targets[i]].node,
                 sim::Message::of(SyncDone{a.chain, a.chain_version, ch.targets[i]}));
  }

  // The predecessor copied everything over: this target is up to date (local state), which
  // mgmtd hears at once and makes it serving.
  void on_sync_done(Context& ctx, const SyncDone& d) {
    const ChainInfo& ch = routing_->chains[d.chain];
    if (ch.version != d.chain_version || ch.state_of(d.target) != State::syncing) return;
    // Pending versions without a write in progress are left over from before: stale.
    for (auto& [c, k] : obs_->disks.targets[d.target])
      if (k.pending > 0 && !locks_.count({d.target, c})) k.pending = 0;
    up_to_date_[d.target] = true;
    heartbeat(ctx);
  }

  Config c_;
  std::shared_ptr<Observer> obs_;
  NodeId mgmtd_;
  NodeId self_ = 0;
  std::shared_ptr<const Routing> routing_;
  std::vector<std::uint32_t> mine_;
  std::map<std::uint32_t, bool> up_to_date_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, Lock> locks_;
  std::map<sim::IoId, Io> ios_;
  std::map<std::uint32_t, std::uint64_t> synced_;  // chain -> version a sync was started for
  std::map<std::uint32_t, std::set<std::uint64_t>> pending_replace_;
  std::map<std::uint32_t, sim::Time> sync_started_;
  bool returning_ = false;  // restarted: silent until mgmtd has marked its targets offline
  std::uint64_t lock_gen_ = 0;
  std::map<std::uint32_t, std::uint64_t> sync_round_;  // chain -> the sync's latest round
  std::map<std::uint32_t, bool> medium_failed_;  // an SSD I/O of the target failed
};

}  // namespace

std::unique_ptr<sim::Protocol> make_storage(const Config& c, std::shared_ptr<Observer> obs,
                                            sim::NodeId mgmtd) {
  return std::make_unique<Storage>(c, std::move(obs), mgmtd);
}

}  // namespace distlab::models::chain::fs3
