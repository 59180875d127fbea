// The counter service's API node (stateless; any node of the client's region will do). The
// namespace's configuration picks what a request does:
//  - best effort: AddCount / AddAndGetCount are an incr on the counter's cache node, GetCount a
//    get, ClearCount a delete: one round trip, no idempotency;
//  - eventually consistent: a mutation is an event written to the time-series store under its
//    idempotency token; GetCount returns the cached rollup (the rollup store's checkpoint when
//    the cache has none); every read and write triggers a rollup;
//  - accurate: like eventually consistent, but GetCount reads the checkpoint and the events
//    after it from the store and adds them up at request time.
// In the "no-idempotency" variant the API mints a new event id for every attempt it receives,
// so a retried or hedged mutation is a second event.
#include "counter.hpp"
#include "event_log.hpp"
#include "id_table.hpp"
#include "messages.hpp"

namespace distlab::models::counter {
namespace {

class Api final : public sim::Protocol {
 public:
  explicit Api(std::shared_ptr<const Shared> s) : s_(std::move(s)), c_(s_->config) {}

  void on_start(sim::Context& ctx) override {
    region_ = s_->layout.region_of(ctx.self());
    sweep_ = ctx.set_timer(c_.api_timeout);
  }

  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& m) override {
    if (const auto* r = m.get<CountRequest>()) return on_request(ctx, from, *r);
    if (const auto* r = m.get<CacheReply>()) return on_cache(ctx, *r);
    if (const auto* r = m.get<WriteReply>()) return on_write(ctx, *r);
    if (const auto* r = m.get<StoreReadReply>()) return on_store_read(ctx, *r);
  }

  void on_timer(sim::Context& ctx, sim::TimerId id) override {
    if (id != sweep_) return;
    sweep_ = ctx.set_timer(c_.api_timeout);
    // Backends that never answered (a crash, a partition): the client has timed out already.
    pending_.erase_if(
        [&](std::uint64_t, const Pending& p) { return ctx.now() - p.started > c_.api_timeout; });
  }

 private:
  enum class Stage : std::uint8_t { cache_op, write, read_cache, read_store };
  struct Pending {
    sim::NodeId client;
    CountRequest req;
    Stage stage;
    sim::Time started;
  };

  CounterType type_of(CounterKey key) const { return c_.namespaces[ns_of(key)].type; }

  sim::NodeId coordinator(sim::Context& ctx, CounterKey key) {
    const auto replicas = s_->layout.replicas(key, region_);
    return replicas[static_cast<std::uint32_t>(ctx.rng().uniform(replicas.size()))];
  }

  void on_request(sim::Context& ctx, sim::NodeId from, const CountRequest& r) {
    const std::uint64_t id = pending_.add(Pending{from, r, Stage::cache_op, ctx.now()});
    Pending& p = *pending_.find(id);
    if (type_of(r.key) == CounterType::best_effort) {
      const sim::NodeId cache = s_->layout.cache_for(r.key, region_);
      switch (r.op) {
        case OpKind::add:
        case OpKind::add_and_get:
          ctx.send(cache, sim::Message::of(CacheIncr{id, r.key, r.token.delta,
                                                     c_.namespaces[ns_of(r.key)].ttl, r.token.op}));
          return;
        case OpKind::get:
          ctx.send(cache, sim::Message::of(CacheGet{id, r.key}));
          return;
        case OpKind::clear:
          ctx.send(cache, sim::Message::of(CacheDelete{id, r.key, r.token.op}));
          return;
      }
    }
    if (r.op == OpKind::get) return begin_read(ctx, id, p);
    Event e = r.token;
    if (r.op == OpKind::clear) {
      e.clear = true;
      e.delta = 0;
    }
    if (!c_.idempotent) e.id = (static_cast<std::uint64_t>(ctx.self()) << 40) | id;
    p.stage = Stage::write;
    ctx.send(coordinator(ctx, r.key), sim::Message::of(EventWrite{id, r.key, e}));
  }

  void trigger_rollup(sim::Context& ctx, CounterKey key) {
    ctx.send(s_->layout.rollup_for(key, region_), sim::Message::of(RollupTrigger{key}));
  }

  void begin_read(sim::Context& ctx, std::uint64_t id, Pending& p) {
    if (p.stage != Stage::write) trigger_rollup(ctx, p.req.key);  // a write triggered already
    if (type_of(p.req.key) == CounterType::eventual) {
      p.stage = Stage::read_cache;
      ctx.send(s_->layout.cache_for(p.req.key, region_), sim::Message::of(CacheGet{id, p.req.key}));
      return;
    }
    p.stage = Stage::read_store;  // accurate: the checkpoint plus the live delta after it
    ctx.send(coordinator(ctx, p.req.key), sim::Message::of(StoreRead{id, p.req.key, sim::kNever}));
  }

  void reply(sim::Context& ctx, std::uint64_t id, CountReply::Status status, std::int64_t value) {
    const Pending* p = pending_.find(id);
    if (!p) return;
    ctx.send(p->client, sim::Message::of(CountReply{p->req.req, status, value}));
    pending_.erase(id);
  }

  void on_cache(sim::Context& ctx, const CacheReply& r) {
    Pending* found = pending_.find(r.req);
    if (!found) return;
    Pending& p = *found;
    if (p.stage == Stage::read_cache && !r.found) {  // no cached rollup: read the rollup store
      p.stage = Stage::read_store;
      ctx.send(coordinator(ctx, p.req.key),
               sim::Message::of(StoreRead{r.req, p.req.key, kBeginning}));
      return;
    }
    reply(ctx, r.req, CountReply::Status::ok, r.value);
  }

  void on_write(sim::Context& ctx, const WriteReply& r) {
    Pending* p = pending_.find(r.req);
    if (!p) return;
    if (!r.ok)
      return reply(ctx, r.req, r.rejected ? CountReply::Status::rejected : CountReply::Status::fail,
                   0);
    trigger_rollup(ctx, p->req.key);
    if (p->req.op == OpKind::add_and_get) return begin_read(ctx, r.req, *p);
    reply(ctx, r.req, CountReply::Status::ok, 0);
  }

  void on_store_read(sim::Context& ctx, const StoreReadReply& r) {
    if (!r.ok) return reply(ctx, r.req, CountReply::Status::fail, 0);
    reply(ctx, r.req, CountReply::Status::ok, aggregate(r.checkpoint, r.events));
  }

  std::shared_ptr<const Shared> s_;
  const Config& c_;
  std::uint32_t region_ = 0;
  IdTable<Pending> pending_;
  sim::TimerId sweep_ = 0;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_api(std::shared_ptr<const Shared> s) {
  return std::make_unique<Api>(std::move(s));
}

}  // namespace distlab::models::counter
