// A node of the Cassandra-like time-series store. Every store node is a replica of the counters
// whose replica set (Layout::replicas) names it, in its region; the node a request reaches
// coordinates it:
//  - an event write is refused when the event is older than now - accept_limit (the TimeSeries
//    acceptLimit that makes older windows immutable); otherwise it is stored (each idempotency
//    key once) and sent to every other replica, local and remote; the coordinator answers when
//    the write consistency is met (one: itself; local_quorum: a majority of the local replicas).
//    Another region gets one copy, at the counter's first replica there, which passes it on to
//    the others (after replication_delay, then the WAN latency). Replication that is not
//    acknowledged is resent every hint_retry (hinted handoff) until it is;
//  - a read asks as many other local replicas as the read consistency needs for the
//    counter's checkpoint, lastWriteTs and events after the checkpoint, and merges the answers
//    with its own (a replica that does not answer fails the read after api_timeout);
//  - a checkpoint write is kept (the latest ts wins) and sent on to the other local replicas.
// Events live in memory: a crashed store node comes back empty (see README.md).
#include <deque>

#include "counter.hpp"
#include "event_log.hpp"
#include "id_table.hpp"
#include "messages.hpp"

namespace distlab::models::counter {
namespace {

class Store final : public sim::Protocol {
 public:
  explicit Store(std::shared_ptr<const Shared> s)
      : s_(std::move(s)), c_(s_->config), obs_(*s_->obs) {}

  void on_start(sim::Context& ctx) override {
    self_ = ctx.self();
    hint_timer_ = ctx.set_timer(c_.hint_retry);
    sweep_timer_ = ctx.set_timer(c_.api_timeout);
  }

  // The most frequent messages first: each event write brings its replicas copies and acks.
  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& m) override {
    if (const auto* r = m.get<Replicate>()) return on_replicate(ctx, from, *r);
    if (const auto* a = m.get<ReplicateAck>()) return on_replicate_ack(ctx, *a);
    if (const auto* w = m.get<EventWrite>()) return on_write(ctx, from, *w);
    if (const auto* r = m.get<ReplicaRead>()) return on_replica_read(ctx, from, *r);
    if (const auto* d = m.get<ReplicaData>()) return on_replica_data(ctx, *d);
    if (const auto* r = m.get<StoreRead>()) return on_read(ctx, from, *r);
    if (const auto* w = m.get<CheckpointWrite>()) return on_checkpoint_write(ctx, from, *w);
    if (const auto* p = m.get<CheckpointPut>()) return apply_checkpoint(p->key, p->checkpoint);
  }

  void on_timer(sim::Context& ctx, sim::TimerId id) override {
    if (id == hint_timer_) return resend_hints(ctx);
    if (id == sweep_timer_) return sweep(ctx);
    if (id == flush_timer_) return flush_outbox(ctx);
  }

 private:
  struct PendingWrite {
    sim::NodeId api;
    std::uint64_t req;
    std::uint32_t acks, needed;
    sim::Time started;
  };
  struct PendingRead {
    sim::NodeId from;
    std::uint64_t req;
    std::uint32_t answers, needed;
    sim::Time started;
    Merged merged;
  };
  struct Hint {
    sim::NodeId to;
    sim::Message msg;
    sim::Time sent;
    std::uint64_t write = 0;  // the pending write a local replica's ack counts for (0: none)
  };
  // A copy for another region, held for replication_delay.
  struct Outgoing {
    sim::Time due;
    sim::NodeId to;
    CounterKey key;
    Event event;
  };

  std::uint32_t region() const { return s_->layout.region_of(self_); }
  std::uint32_t quorum(Consistency cl) const {
    return cl == Consistency::one ? 1 : s_->layout.replication_factor() / 2 + 1;
  }

  EventLog& row(CounterKey key) {
    if (logs_.empty()) logs_.resize(c_.namespaces.size());
    auto& rows = logs_[ns_of(key)];
    if (rows.empty()) rows.resize(c_.namespaces[ns_of(key)].counters);
    return rows[index_of(key)];
  }

  bool insert(CounterKey key, const Event& e) {
    EventLog& log = row(key);
    const std::size_t before = log.size();
    const bool fresh = log.insert(e);
    events_ += log.size() - before;
    obs_.load.store_events_max = std::max<std::uint64_t>(obs_.load.store_events_max, events_);
    return fresh;
  }

  void apply_checkpoint(CounterKey key, const Checkpoint& c) {
    EventLog& log = row(key);
    const std::size_t before = log.size();
    log.apply_checkpoint(c);
    events_ -= before - log.size();
  }

  void on_write(sim::Context& ctx, sim::NodeId from, const EventWrite& w) {
    ++obs_.load.event_writes;
    if (w.event.time < ctx.now() - c_.accept_limit) {
      ++obs_.load.rejected;
      ctx.send(from, sim::Message::of(WriteReply{w.req, false, true}));
      return;
    }
    if (insert(w.key, w.event))
      obs_.accepted(region(), w.key, w.event);
    else
      ++obs_.load.duplicate_keys;
    const std::uint32_t needed = quorum(c_.write_consistency);
    std::uint64_t write = 0;
    if (needed <= 1)
      ctx.send(from, sim::Message::of(WriteReply{w.req, true, false}));
    else
      write = writes_.add(PendingWrite{from, w.req, 1, needed, ctx.now()});
    const auto local = s_->layout.replicas(w.key, region());
    for (std::uint32_t i = 0; i < local.size(); ++i)
      if (local[i] != self_) send_replicate(ctx, local[i], w.key, w.event, write, false);
    // Other regions: one copy to the first replica there, which passes it on to the rest of
    // its region (as Cassandra forwards a write to a remote data center).
    for (std::uint32_t r = 0; r < c_.regions; ++r) {
      if (r == region()) continue;
      const sim::NodeId to = s_->layout.replicas(w.key, r)[0];
      if (c_.replication_delay == 0) {
        send_replicate(ctx, to, w.key, w.event, 0, true);
        continue;
      }
      outbox_.push_back({ctx.now() + c_.replication_delay, to, w.key, w.event});
      if (!flush_timer_) flush_timer_ = ctx.set_timer(c_.replication_delay);
    }
  }

  // A copy that is resent every hint_retry until its receiver acknowledges it.
  void send_replicate(sim::Context& ctx, sim::NodeId to, CounterKey key, const Event& e,
                      std::uint64_t write, bool forward) {
    const std::uint64_t id = hints_.next_id();
    sim::Message msg = sim::Message::of(Replicate{id, forward, key, e});
    ++obs_.load.replications;
    ctx.send(to, msg);
    hints_.add(Hint{to, std::move(msg), ctx.now(), write});
  }

  // Every delayed copy is due replication_delay after it was queued: in queue order.
  void flush_outbox(sim::Context& ctx) {
    flush_timer_ = 0;
    while (!outbox_.empty() && outbox_.front().due <= ctx.now()) {
      const Outgoing& o = outbox_.front();
      send_replicate(ctx, o.to, o.key, o.event, 0, true);
      outbox_.pop_front();
    }
    if (!outbox_.empty()) flush_timer_ = ctx.set_timer(outbox_.front().due - ctx.now());
  }

  void on_replicate(sim::Context& ctx, sim::NodeId from, const Replicate& r) {
    insert(r.key, r.event);
    if (r.hint) ctx.send(from, sim::Message::of(ReplicateAck{r.hint}));
    if (!r.forward) return;
    // A copy from another region: pass it on to the counter's other replicas here
    // (unacknowledged: the model has no read repair or anti-entropy to mend a lost one).
    const auto local = s_->layout.replicas(r.key, region());
    for (std::uint32_t i = 0; i < local.size(); ++i) {
      if (local[i] == self_) continue;
      ++obs_.load.replications;
      ctx.send(local[i], sim::Message::of(Replicate{0, false, r.key, r.event}));
    }
  }

  void on_replicate_ack(sim::Context& ctx, const ReplicateAck& a) {
    const Hint* h = hints_.find(a.hint);
    if (!h) return;
    const std::uint64_t write = h->write;
    hints_.erase(a.hint);
    PendingWrite* w = write ? writes_.find(write) : nullptr;
    if (!w || ++w->acks < w->needed) return;
    ctx.send(w->api, sim::Message::of(WriteReply{w->req, true, false}));
    writes_.erase(write);
  }

  void resend_hints(sim::Context& ctx) {
    hint_timer_ = ctx.set_timer(c_.hint_retry);
    hints_.for_each([&](std::uint64_t, Hint& h) {
      if (ctx.now() - h.sent < c_.hint_retry) return;
      ++obs_.load.replication_resends;
      h.sent = ctx.now();
      ctx.send(h.to, h.msg);
    });
  }

  // This replica's part of a read.
  ReplicaData local_read(sim::Context& ctx, CounterKey key, sim::Time to, std::uint64_t req) {
    ++obs_.load.replica_reads;
    EventLog& log = row(key);
    ReplicaData d{req, log.checkpoint(), log.last_write(), log.after_checkpoint(to)};
    obs_.load.events_read += d.events.size();
    if (to != kBeginning) {
      const sim::Time until = std::min(to, ctx.now());
      obs_.load.partitions_read +=
          partitions_touched(d.events.empty() ? until : d.events.front().time, until,
                             c_.bucket_width, c_.buckets_per_id);
    }
    return d;
  }

  void on_read(sim::Context& ctx, sim::NodeId from, const StoreRead& r) {
    ++obs_.load.store_reads;
    ReplicaData own = local_read(ctx, r.key, r.to, 0);
    const std::uint32_t needed = quorum(c_.read_consistency);
    if (needed <= 1) {
      Merged m;
      m.add(own.checkpoint, own.last_write, own.events);
      reply_read(ctx, from, r.req, m);
      return;
    }
    const std::uint64_t id = reads_.add(PendingRead{from, r.req, 1, needed, ctx.now(), {}});
    reads_.find(id)->merged.add(own.checkpoint, own.last_write, own.events);
    // Ask just enough of the other replicas for the quorum, starting at a random one (Cassandra
    // asks the replicas it needs, not all of them).
    const auto set = s_->layout.replicas(r.key, region());
    std::uint32_t self_at = set.size();  // the others are the set without this node
    for (std::uint32_t i = 0; i < set.size(); ++i)
      if (set[i] == self_) self_at = i;
    const std::uint32_t others = set.size() - (self_at < set.size() ? 1 : 0);
    const auto first = static_cast<std::uint32_t>(ctx.rng().uniform(others));
    for (std::uint32_t k = 0; k + 1 < needed && k < others; ++k) {
      const std::uint32_t j = (first + k) % others;
      ctx.send(set[j < self_at ? j : j + 1], sim::Message::of(ReplicaRead{id, r.key, r.to}));
    }
  }

  void on_replica_read(sim::Context& ctx, sim::NodeId from, const ReplicaRead& r) {
    ctx.send(from, sim::Message::of(local_read(ctx, r.key, r.to, r.req)));
  }

  void on_replica_data(sim::Context& ctx, const ReplicaData& d) {
    PendingRead* p = reads_.find(d.req);
    if (!p) return;  // answered already
    p->merged.add(d.checkpoint, d.last_write, d.events);
    if (++p->answers < p->needed) return;
    reply_read(ctx, p->from, p->req, p->merged);
    reads_.erase(d.req);
  }

  void reply_read(sim::Context& ctx, sim::NodeId to, std::uint64_t req, Merged& m) {
    ctx.send(to, sim::Message::of(
                     StoreReadReply{req, true, m.checkpoint, m.last_write, std::move(m.events)}));
  }

  void on_checkpoint_write(sim::Context& ctx, sim::NodeId from, const CheckpointWrite& w) {
    ++obs_.load.checkpoint_writes;
    apply_checkpoint(w.key, w.checkpoint);
    const auto local = s_->layout.replicas(w.key, region());
    for (std::uint32_t i = 0; i < local.size(); ++i)
      if (local[i] != self_)
        ctx.send(local[i], sim::Message::of(CheckpointPut{w.key, w.checkpoint}));
    ctx.send(from, sim::Message::of(CheckpointAck{w.req}));
  }

  // Requests whose replicas did not answer in time fail (the caller may retry).
  void sweep(sim::Context& ctx) {
    sweep_timer_ = ctx.set_timer(c_.api_timeout);
    const sim::Time cutoff = ctx.now() - c_.api_timeout;
    writes_.erase_if([&](std::uint64_t, const PendingWrite& w) {
      if (w.started > cutoff) return false;
      ctx.send(w.api, sim::Message::of(WriteReply{w.req, false, false}));
      return true;
    });
    reads_.erase_if([&](std::uint64_t, const PendingRead& r) {
      if (r.started > cutoff) return false;
      ctx.send(r.from, sim::Message::of(StoreReadReply{r.req, false, {}, kBeginning, {}}));
      return true;
    });
  }

  std::shared_ptr<const Shared> s_;
  const Config& c_;
  Observer& obs_;
  sim::NodeId self_ = 0;
  std::vector<std::vector<EventLog>> logs_;  // [namespace][counter], allocated on first use
  std::uint64_t events_ = 0;
  IdTable<PendingWrite> writes_;
  IdTable<PendingRead> reads_;
  IdTable<Hint> hints_;
  std::deque<Outgoing> outbox_;
  sim::TimerId hint_timer_ = 0, sweep_timer_ = 0, flush_timer_ = 0;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_store(std::shared_ptr<const Shared> s) {
  return std::make_unique<Store>(std::move(s));
}

}  // namespace distlab::models::counter
