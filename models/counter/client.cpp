// A client of the counter service (the model's own node, in one region): Poisson arrivals over
// the namespaces (rate_per_s each, shared by every client), a counter by the namespace's
// distribution, an operation by its mix. A mutation carries an idempotency token generated
// here (generation time on this node's clock, a nonce unique to the operation) that stays the
// same on every retry and hedge. Requests go to a random API node of the client's region; a
// request unanswered after `timeout` is retried (with exponential backoff, full jitter) at
// another API node, and with `hedge` set a second copy goes out after that long. Timeouts and
// hedges are due a fixed delay after their send, so each is a queue in due order with one timer
// armed for its oldest live entry (a timer per request would mostly fire for nothing).
//
// Client 0 of every region also verifies: after the load has stopped and the accept window
// has passed it reads every counter twice (the first read triggers a rollup; the second, a
// coalescing window later, is what the checker compares with the true count).
#include <deque>
#include <map>

#include "counter.hpp"
#include "id_table.hpp"
#include "messages.hpp"

namespace distlab::models::counter {
namespace {

class Client final : public sim::Protocol {
 public:
  explicit Client(std::shared_ptr<const Shared> s)
      : s_(std::move(s)), c_(s_->config), obs_(*s_->obs) {}

  void on_start(sim::Context& ctx) override {
    region_ = s_->layout.region_of(ctx.self());
    ordinal_ = s_->layout.ordinal(ctx.self());
    double total = 0;
    for (const Namespace& n : c_.namespaces) cumulative_.push_back(total += n.rate_per_s);
    rate_ = total / c_.clients();
    if (rate_ > 0) schedule_arrival(ctx);
    if (c_.verify && s_->layout.index_in_region(ctx.self()) == 0) {
      arm(ctx, c_.verify_first - ctx.now(), Purpose::verify, 1);
      arm(ctx, c_.verify_second - ctx.now(), Purpose::verify, 2);
    }
  }

  // A crashed client does not come back (its operation numbers would repeat).
  void on_recover(sim::Context&) override {}

  void on_message(sim::Context& ctx, sim::NodeId, const sim::Message& m) override {
    const auto* r = m.get<CountReply>();
    if (!r) return;
    Op* op = ops_.find(r->req);
    if (!op) return;  // answered already (a hedge or an earlier attempt)
    switch (r->status) {
      case CountReply::Status::ok:
        if (op->pass == 0) obs_.completed(op->key, op->kind, obs_.now() - op->started);
        if (op->kind == OpKind::get || op->kind == OpKind::add_and_get)
          obs_.read(region_, op->key, r->value, op->pass);
        ops_.erase(r->req);
        return;
      case CountReply::Status::rejected:  // too old for the store: retrying cannot help
        ++obs_.load.rejected_replies;
        return give_up(r->req, *op);
      case CountReply::Status::fail:
        return retry_or_give_up(ctx, r->req, *op);
    }
  }

  void on_timer(sim::Context& ctx, sim::TimerId id) override {
    if (id == arrival_timer_) {
      if (ctx.now() >= c_.load) return;
      issue_random(ctx);
      return schedule_arrival(ctx);
    }
    if (id == timeouts_.timer)
      return expire(ctx, timeouts_, [&](std::uint64_t seq, Op& op) {
        ++obs_.load.timeouts;
        retry_or_give_up(ctx, seq, op);
      });
    if (id == hedges_.timer)
      return expire(ctx, hedges_, [&](std::uint64_t seq, Op& op) {
        ++obs_.load.hedges;
        ++obs_.load.attempts;
        ctx.send(pick_api(ctx, op.api), sim::Message::of(request(seq, op)));
      });
    auto t = timers_.find(id);
    if (t == timers_.end()) return;
    const auto [purpose, seq] = t->second;
    timers_.erase(t);
    if (purpose == Purpose::verify) return verify_tick(ctx, static_cast<int>(seq));
    if (Op* op = ops_.find(seq)) send(ctx, seq, *op);  // a retry after its backoff
  }

 private:
  enum class Purpose : std::uint8_t { retry, verify };
  struct Op {
    CounterKey key;
    OpKind kind;
    Event token;
    int pass = 0;
    sim::Time started = 0;  // true time of the first send
    std::uint32_t attempts = 0;
    bool waiting = false;  // an attempt is out (not backing off before a retry)
    sim::NodeId api = 0;
  };
  // Operations due for something a fixed delay after a send, in due order; `timer` is armed for
  // the oldest entry still live (its operation not finished, its attempt the latest).
  struct Due {
    sim::Time at;
    std::uint64_t seq;
    std::uint32_t attempt;  // 0: any (hedges)
  };
  struct DueQueue {
    std::deque<Due> entries;
    sim::TimerId timer = 0;
  };

  void arm(sim::Context& ctx, sim::Time delay, Purpose p, std::uint64_t seq) {
    timers_[ctx.set_timer(std::max<sim::Time>(delay, 0))] = {p, seq};
  }

  void schedule_arrival(sim::Context& ctx) {
    arrival_timer_ = ctx.set_timer(static_cast<sim::Time>(ctx.rng().exponential(1e9 / rate_)) + 1);
  }

  void push(sim::Context& ctx, DueQueue& q, sim::Time delay, std::uint64_t seq,
            std::uint32_t attempt) {
    q.entries.push_back({ctx.now() + delay, seq, attempt});
    if (!q.timer) q.timer = ctx.set_timer(delay);
  }

  // Runs `f` for every live entry that is due, drops the dead ones ahead of the first live
  // entry not yet due, and arms the timer for that one.
  template <class F>
  void expire(sim::Context& ctx, DueQueue& q, F f) {
    q.timer = 0;
    while (!q.entries.empty()) {
      const Due d = q.entries.front();
      Op* op = ops_.find(d.seq);
      const bool live = op && (d.attempt == 0 || (op->attempts == d.attempt && op->waiting));
      if (live && d.at > ctx.now()) break;
      q.entries.pop_front();
      if (live) f(d.seq, *op);
    }
    if (!q.entries.empty()) q.timer = ctx.set_timer(q.entries.front().at - ctx.now());
  }

  void issue_random(sim::Context& ctx) {
    const double u = ctx.rng().uniform01() * cumulative_.back();
    std::uint32_t ns = 0;
    while (ns + 1 < cumulative_.size() && u >= cumulative_[ns]) ++ns;
    const Namespace& n = c_.namespaces[ns];
    const auto& zipf = s_->zipf[ns];
    const std::uint64_t index = zipf ? zipf->sample(ctx.rng()) : ctx.rng().uniform(n.counters);
    const double v = ctx.rng().uniform01();
    const OpKind kind = v < n.get_fraction                            ? OpKind::get
                        : v < n.get_fraction + n.add_and_get_fraction ? OpKind::add_and_get
                        : v < n.get_fraction + n.add_and_get_fraction + n.clear_fraction
                            ? OpKind::clear
                            : OpKind::add;
    const std::int64_t delta = ctx.rng().bernoulli(n.negative_fraction) ? -1 : 1;
    issue(ctx, counter_key(ns, index), kind, delta, 0);
  }

  void issue(sim::Context& ctx, CounterKey key, OpKind kind, std::int64_t delta, int pass) {
    const std::uint64_t seq = ops_.next_id();
    const std::uint64_t op_id = (static_cast<std::uint64_t>(ordinal_) << 32) | seq;
    ops_.add(Op{key, kind, Event{ctx.now(), op_id, kind == OpKind::clear ? 0 : delta, false, op_id},
                pass, obs_.now()});
    send(ctx, seq, *ops_.find(seq));
    if (c_.hedge > 0 && pass == 0) push(ctx, hedges_, c_.hedge, seq, 0);
  }

  CountRequest request(std::uint64_t seq, const Op& op) const {
    return CountRequest{seq, op.key, op.kind, op.token};
  }

  // A random API node of this region, another than `avoid` when there is a choice.
  sim::NodeId pick_api(sim::Context& ctx, sim::NodeId avoid) {
    const std::uint32_t n = s_->layout.per_region(Kind::api);
    std::uint32_t i = static_cast<std::uint32_t>(ctx.rng().uniform(n));
    sim::NodeId to = s_->layout.node(Kind::api, region_, i);
    if (to == avoid && n > 1) to = s_->layout.node(Kind::api, region_, (i + 1) % n);
    return to;
  }

  void send(sim::Context& ctx, std::uint64_t seq, Op& op) {
    op.api = pick_api(ctx, op.attempts ? op.api : sim::kNoNode);
    ++op.attempts;
    op.waiting = true;
    ++obs_.load.attempts;
    if (op.attempts > 1) ++obs_.load.retries;
    ctx.send(op.api, sim::Message::of(request(seq, op)));
    push(ctx, timeouts_, c_.timeout, seq, op.attempts);
  }

  void retry_or_give_up(sim::Context& ctx, std::uint64_t seq, Op& op) {
    op.waiting = false;
    if (op.attempts >= c_.max_attempts) return give_up(seq, op);
    // Exponential backoff, full jitter: uniform in [0, backoff x 2^(attempts-1)].
    sim::Time d = c_.backoff;
    for (std::uint32_t i = 1; i < op.attempts && d < sim::sec(10); ++i) d *= 2;
    arm(ctx, static_cast<sim::Time>(ctx.rng().uniform(static_cast<std::uint64_t>(d) + 1)),
        Purpose::retry, seq);
  }

  void give_up(std::uint64_t seq, const Op& op) {
    ++obs_.load.gave_up;
    obs_.op_failed(op.key, op.kind, op.pass);
    ops_.erase(seq);
  }

  // Verification: every counter of every namespace, paced over half a second.
  void verify_tick(sim::Context& ctx, int pass) {
    std::uint64_t total = 0;
    for (const Namespace& n : c_.namespaces) total += n.counters;
    const std::uint64_t chunk = std::max<std::uint64_t>(1, (total + 499) / 500);
    auto& cursor = cursor_[pass - 1];
    for (std::uint64_t k = 0; k < chunk && cursor.first < c_.namespaces.size(); ++k) {
      issue(ctx, counter_key(cursor.first, cursor.second), OpKind::get, 0, pass);
      if (++cursor.second == c_.namespaces[cursor.first].counters) {
        ++cursor.first;
        cursor.second = 0;
      }
    }
    if (cursor.first < c_.namespaces.size()) arm(ctx, sim::ms(1), Purpose::verify, pass);
  }

  std::shared_ptr<const Shared> s_;
  const Config& c_;
  Observer& obs_;
  std::uint32_t region_ = 0, ordinal_ = 0;
  double rate_ = 0;
  std::vector<double> cumulative_;
  IdTable<Op> ops_;
  DueQueue timeouts_, hedges_;
  sim::TimerId arrival_timer_ = 0;
  std::map<sim::TimerId, std::pair<Purpose, std::uint64_t>> timers_;  // retries, verification
  std::pair<std::uint32_t, std::uint64_t> cursor_[2] = {{0, 0}, {0, 0}};
};

}  // namespace

std::unique_ptr<sim::Protocol> make_client(std::shared_ptr<const Shared> s) {
  return std::make_unique<Client>(std::move(s));
}

}  // namespace distlab::models::counter
