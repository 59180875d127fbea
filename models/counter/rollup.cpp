// A Counter-Rollup server. Every read and write of an eventually consistent or accurate counter
// sends it a rollup trigger (the counter's name, no delta). The counter always lands in the same
// in-memory queue (hash of its key); a queue is a set, so triggers for a counter already waiting
// coalesce, and a counter waits a coalescing window before it is rolled up. A queue rolls up a
// batch of due counters in parallel: for each it reads the checkpoint, lastWriteTs and the events
// after the checkpoint up to now - accept_limit (the window no write can change any more, so no
// lock is needed), adds them up, writes the new checkpoint to the store and the cache, and
// queues the counter again if it was written after that window. The next batch waits as long as
// the last one took (adaptive back-pressure). Queues are volatile: a crash loses them, and a
// counter stays stale until its next read or write triggers a rollup.
#include <deque>
#include <map>

#include "counter.hpp"
#include "event_log.hpp"
#include "id_table.hpp"
#include "messages.hpp"

namespace distlab::models::counter {
namespace {

// Memory of one queued counter (a namespace and counter name in a set): 16 MiB is 262,144 of
// them. An assumption of this model, not a published figure.
constexpr std::uint64_t kEntryBytes = 64;

class Rollup final : public sim::Protocol {
 public:
  explicit Rollup(std::shared_ptr<const Shared> s)
      : s_(std::move(s)), c_(s_->config), obs_(*s_->obs) {}

  void on_start(sim::Context& ctx) override {
    queues_.assign(c_.queues, Queue{});
    for (const Namespace& n : c_.namespaces) queued_.emplace_back(n.counters, false);
    obs_.rollup_queue(ctx.self(), 0);
  }
  void on_recover(sim::Context& ctx) override {
    obs_.load.lost_in_crash += obs_.rollup_queue(ctx.self());
    on_start(ctx);
  }

  void on_message(sim::Context& ctx, sim::NodeId, const sim::Message& m) override {
    if (const auto* t = m.get<RollupTrigger>()) {
      obs_.rollup_triggered(t->key);
      return enqueue(ctx, s_->layout.queue_for(t->key, c_.queues), t->key);
    }
    if (const auto* r = m.get<StoreReadReply>()) return on_read(ctx, *r);
    if (const auto* a = m.get<CheckpointAck>()) return finish(ctx, a->req);
  }

  void on_timer(sim::Context& ctx, sim::TimerId id) override {
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    const auto [q, is_timeout] = it->second;
    timers_.erase(it);
    if (is_timeout) return abandon(ctx, q);
    queues_[q].wake = 0;
    start_batch(ctx, q);
  }

 private:
  struct Item {
    CounterKey key;
    sim::Time due;
  };
  struct Queue {
    std::deque<Item> pending;  // in due order (every item waits the same window)
    bool busy = false;
    sim::Time started = 0;
    std::uint32_t inflight = 0;
    sim::TimerId wake = 0, timeout = 0;
  };
  struct Call {
    CounterKey key;
    sim::Time upper;
    std::uint32_t queue;
  };

  void depth_changed(sim::Context& ctx, std::int64_t delta) {
    depth_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(depth_) + delta);
    obs_.rollup_queue(ctx.self(), depth_);
  }

  void arm(sim::Context& ctx, std::uint32_t q, sim::Time delay) {
    Queue& queue = queues_[q];
    if (queue.wake) return;
    queue.wake = ctx.set_timer(std::max<sim::Time>(delay, 1));
    timers_[queue.wake] = {q, false};
  }

  // Whether a counter is waiting in its queue: the queues are sets.
  std::vector<bool>::reference queued(CounterKey key) { return queued_[ns_of(key)][index_of(key)]; }

  void enqueue(sim::Context& ctx, std::uint32_t q, CounterKey key) {
    Queue& queue = queues_[q];
    if (queued(key)) {
      obs_.rollup_coalesced(key);
      return;
    }
    if (queue.pending.size() >= c_.queue_bytes / kEntryBytes) {
      ++obs_.load.dropped;
      return;
    }
    queue.pending.push_back({key, ctx.now() + c_.coalesce});
    queued(key) = true;
    depth_changed(ctx, 1);
    if (!queue.busy) arm(ctx, q, c_.coalesce);
  }

  sim::NodeId coordinator(sim::Context& ctx, CounterKey key) {
    const auto replicas = s_->layout.replicas(key, s_->layout.region_of(ctx.self()));
    return replicas[static_cast<std::uint32_t>(ctx.rng().uniform(replicas.size()))];
  }

  void start_batch(sim::Context& ctx, std::uint32_t q) {
    Queue& queue = queues_[q];
    if (queue.busy) return;
    const sim::Time upper = c_.accept_window ? ctx.now() - c_.accept_limit : ctx.now();
    std::uint32_t taken = 0;
    while (taken < c_.batch && !queue.pending.empty() && queue.pending.front().due <= ctx.now()) {
      const CounterKey key = queue.pending.front().key;
      queue.pending.pop_front();
      queued(key) = false;
      const std::uint64_t req = calls_.add(Call{key, upper, q});
      ctx.send(coordinator(ctx, key), sim::Message::of(StoreRead{req, key, upper}));
      ++taken;
    }
    if (taken == 0) {
      if (!queue.pending.empty()) arm(ctx, q, queue.pending.front().due - ctx.now());
      return;
    }
    depth_changed(ctx, -static_cast<std::int64_t>(taken));
    ++obs_.load.batches;
    queue.busy = true;
    queue.started = ctx.now();
    queue.inflight = taken;
    queue.timeout = ctx.set_timer(c_.batch_timeout);
    timers_[queue.timeout] = {q, true};
  }

  void on_read(sim::Context& ctx, const StoreReadReply& r) {
    const Call* found = calls_.find(r.req);
    if (!found) return;
    const Call call = *found;
    if (!r.ok) {
      requeue(ctx, call);
      return finish(ctx, r.req);
    }
    obs_.rolled_up(call.key, r.events.size());
    const sim::NodeId cache = s_->layout.cache_for(call.key, s_->layout.region_of(ctx.self()));
    if (r.last_write > call.upper) requeue(ctx, call);
    if (call.upper <= r.checkpoint.ts) {  // nothing newer to aggregate: refresh the cache
      ctx.send(cache, sim::Message::of(CacheSet{call.key, r.checkpoint}));
      return finish(ctx, r.req);
    }
    const Checkpoint next{aggregate(r.checkpoint, r.events), call.upper};
    ctx.send(coordinator(ctx, call.key), sim::Message::of(CheckpointWrite{r.req, call.key, next}));
    ctx.send(cache, sim::Message::of(CacheSet{call.key, next}));
  }

  void requeue(sim::Context& ctx, const Call& call) {
    ++obs_.load.requeued;
    enqueue(ctx, call.queue, call.key);
  }

  void finish(sim::Context& ctx, std::uint64_t req) {
    const Call* call = calls_.find(req);
    if (!call) return;
    const std::uint32_t q = call->queue;
    calls_.erase(req);
    Queue& queue = queues_[q];
    if (--queue.inflight > 0) return;
    batch_done(ctx, q);
  }

  void batch_done(sim::Context& ctx, std::uint32_t q) {
    Queue& queue = queues_[q];
    queue.busy = false;
    ctx.cancel_timer(queue.timeout);
    timers_.erase(queue.timeout);
    // Adaptive back-pressure: wait as long as the last batch took before the next one.
    arm(ctx, q, ctx.now() - queue.started);
  }

  // The store did not answer in time: put the batch's counters back and move on.
  void abandon(sim::Context& ctx, std::uint32_t q) {
    ++obs_.load.batch_timeouts;
    calls_.erase_if([&](std::uint64_t, const Call& call) {
      if (call.queue != q) return false;
      requeue(ctx, call);
      return true;
    });
    queues_[q].inflight = 0;
    queues_[q].busy = false;
    arm(ctx, q, 1);
  }

  std::shared_ptr<const Shared> s_;
  const Config& c_;
  Observer& obs_;
  std::vector<Queue> queues_;
  std::vector<std::vector<bool>> queued_;  // [namespace][counter]
  IdTable<Call> calls_;
  std::map<sim::TimerId, std::pair<std::uint32_t, bool>> timers_;
  std::uint64_t depth_ = 0;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_rollup(std::shared_ptr<const Shared> s) {
  return std::make_unique<Rollup>(std::move(s));
}

}  // namespace distlab::models::counter
