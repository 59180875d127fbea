#include "workload/client.hpp"

#include <algorithm>
#include <map>

#include "distlab/sim/client_api.hpp"
#include "engine/world.hpp"
#include "workload/breaker.hpp"

namespace distlab::sim::engine {
namespace {

constexpr std::uint32_t kMaxRedirects = 16;

class Client final : public Protocol {
 public:
  Client(World& w, const WorkloadConfig& wl, std::shared_ptr<const ZipfTable> keys,
         std::uint32_t client_no)
      : w_(w), wl_(wl), client_no_(client_no), keys_(std::move(keys)), breaker_(wl.breaker) {}

  void on_start(Context& ctx) override {
    if (wl_.kind == WorkloadConfig::Kind::closed) {
      // Stagger closed-loop clients over the first millisecond so they do not move in lockstep.
      const Time jitter = static_cast<Time>(ctx.rng().uniform(static_cast<std::uint64_t>(ms(1))));
      arm(ctx, wl_.start + jitter - w_.now(), Purpose::next_op, 0);
    } else {
      schedule_arrival(ctx, wl_.start);
    }
  }

  void on_message(Context& ctx, NodeId from, const Message& msg) override {
    const ClientReply* r = msg.get<ClientReply>();
    if (!r) return;
    auto it = ops_.find(r->op_id);
    if (it == ops_.end()) return;  // late answer to an op already finished
    Op& op = it->second;
    // An answer to an earlier attempt is ignored: it comes from another server, or names
    // another attempt.
    if (r->attempt != 0 ? r->attempt != op.req.attempt : op.waiting_on != from) return;
    ctx.cancel_timer(op.timeout_timer);
    switch (r->status) {
      case ClientReply::Status::ok:
        breaker_.record(true, w_.now());
        last_ok_ = from;
        finish(ctx, it, Outcome::ok, r->value);
        return;
      case ClientReply::Status::redirect:
        if (++op.redirects <= kMaxRedirects && r->redirect_to < w_.server_ids().size()) {
          w_.recorder().count("client.redirects");
          transmit(ctx, op, r->redirect_to);
          return;
        }
        [[fallthrough]];
      case ClientReply::Status::fail:
        w_.recorder().count("client.failures");
        if (breaker_.record(false, w_.now())) w_.recorder().count("client.breaker_opened");
        retry_or_give_up(ctx, it, from);
        return;
    }
  }

  void on_timer(Context& ctx, TimerId id) override {
    auto t = timers_.find(id);
    if (t == timers_.end()) return;
    const auto [purpose, op_id] = t->second;
    timers_.erase(t);
    switch (purpose) {
      case Purpose::next_op:
        start_op(ctx);
        return;
      case Purpose::arrival:
        start_op(ctx);
        schedule_arrival(ctx, w_.now());
        return;
      case Purpose::timeout: {
        auto it = ops_.find(op_id);
        if (it == ops_.end()) return;
        w_.recorder().count("client.timeouts");
        it->second.maybe_applied = true;
        if (breaker_.record(false, w_.now())) w_.recorder().count("client.breaker_opened");
        retry_or_give_up(ctx, it, it->second.waiting_on);
        return;
      }
      case Purpose::retry: {
        auto it = ops_.find(op_id);
        if (it == ops_.end()) return;
        Op& op = it->second;
        transmit(ctx, op,
                 w_.model().route ? w_.model().route(op.req, op.last_failed, ctx.rng()) : 0);
        return;
      }
    }
  }

 private:
  enum class Purpose : std::uint8_t { next_op, arrival, timeout, retry };
  struct Op {
    ClientRequest req;
    NodeId waiting_on = kNoNode;
    NodeId last_failed = kNoNode;
    TimerId timeout_timer = 0;
    std::uint32_t redirects = 0;
    bool maybe_applied = false;  // an attempt may have reached a server
  };
  using OpMap = std::map<std::uint64_t, Op>;

  void arm(Context& ctx, Time delay, Purpose p, std::uint64_t op_id) {
    const TimerId id = ctx.set_timer(std::max<Time>(delay, 0));
    timers_[id] = {p, op_id};
  }

  void schedule_arrival(Context& ctx, Time from) {
    const double per_client_rate = wl_.rate_per_s / wl_.clients;
    const Time gap = static_cast<Time>(ctx.rng().exponential(1e9 / per_client_rate));
    const Time at = from + gap;
    if (at < wl_.stop) arm(ctx, at - w_.now(), Purpose::arrival, 0);
  }

  void start_op(Context& ctx) {
    if (w_.now() >= wl_.stop) return;
    const bool read = ctx.rng().uniform01() < wl_.read_fraction;
    ClientRequest req;
    req.kind = read ? OpKind::read : OpKind::write;
    req.key = keys_->sample(ctx.rng());
    req.value_bytes = wl_.value_bytes;
    // History "process": the client for closed loops; every open-loop op is its own process.
    const std::uint32_t process =
        wl_.kind == WorkloadConfig::Kind::closed
            ? client_no_
            : 1'000'000 + static_cast<std::uint32_t>(w_.recorder().history().size());
    // A written value is unique per run and never the initial 0, so a read names its write.
    if (!read) req.value = static_cast<Value>(w_.recorder().history().size() + 1);
    req.op_id = w_.recorder().op_invoke(process, req.kind, req.key, req.value, w_.now());
    auto [it, fresh] = ops_.emplace(req.op_id, Op{});
    it->second.req = req;
    it->second.req.attempt = 0;
    if (!breaker_.allow(w_.now())) {
      w_.recorder().count("client.breaker_rejected");
      finish(ctx, it, Outcome::fail, 0);
      return;
    }
    NodeId to = 0;
    if (w_.model().sticky_clients && last_ok_ != kNoNode)
      to = last_ok_;
    else if (w_.model().route)
      to = w_.model().route(req, kNoNode, ctx.rng());
    transmit(ctx, it->second, to);
  }

  void transmit(Context& ctx, Op& op, NodeId to) {
    ++op.req.attempt;
    op.waiting_on = to;
    ctx.send(to, Message::of(op.req));
    op.timeout_timer = ctx.set_timer(wl_.timeout);
    timers_[op.timeout_timer] = {Purpose::timeout, op.req.op_id};
  }

  void retry_or_give_up(Context& ctx, OpMap::iterator it, NodeId failed) {
    Op& op = it->second;
    op.last_failed = failed;
    op.waiting_on = kNoNode;
    if (op.req.attempt >= wl_.retry.max_attempts || w_.now() >= wl_.stop + w_.scenario().drain) {
      finish(ctx, it, op.maybe_applied ? Outcome::unknown : Outcome::fail, 0);
      return;
    }
    w_.recorder().count("client.retries");
    arm(ctx, backoff(ctx, op.req.attempt), Purpose::retry, op.req.op_id);
  }

  // Exponential backoff base * 2^(attempt-1), capped, with jitter ("Exponential Backoff And
  // Jitter", AWS Architecture Blog, 2015): full = uniform in [0, d]; equal = d/2 + uniform [0,
  // d/2].
  Time backoff(Context& ctx, std::uint32_t attempt) {
    Time d = wl_.retry.backoff_base;
    for (std::uint32_t i = 1; i < attempt && d < wl_.retry.backoff_max; ++i) d *= 2;
    d = std::min(d, wl_.retry.backoff_max);
    switch (wl_.retry.jitter) {
      case RetryConfig::Jitter::none:
        return d;
      case RetryConfig::Jitter::full:
        return static_cast<Time>(ctx.rng().uniform(static_cast<std::uint64_t>(d) + 1));
      case RetryConfig::Jitter::equal:
        return d / 2 + static_cast<Time>(ctx.rng().uniform(static_cast<std::uint64_t>(d / 2) + 1));
    }
    return d;
  }

  void finish(Context& ctx, OpMap::iterator it, Outcome o, Value v) {
    const std::uint32_t attempts = it->second.req.attempt;
    w_.recorder().op_complete(it->first, o, v, w_.now(), attempts);
    ops_.erase(it);
    if (wl_.kind == WorkloadConfig::Kind::closed) arm(ctx, wl_.think_time, Purpose::next_op, 0);
  }

  World& w_;
  const WorkloadConfig& wl_;
  std::uint32_t client_no_;
  std::shared_ptr<const ZipfTable> keys_;
  CircuitBreaker breaker_;
  OpMap ops_;
  NodeId last_ok_ = kNoNode;  // sticky_clients: the server that answered last
  std::map<TimerId, std::pair<Purpose, std::uint64_t>> timers_;
};

}  // namespace

std::unique_ptr<Protocol> make_client(World& w, const WorkloadConfig& wl,
                                      std::shared_ptr<const ZipfTable> keys,
                                      std::uint32_t client_no) {
  return std::make_unique<Client>(w, wl, std::move(keys), client_no);
}

}  // namespace distlab::sim::engine
