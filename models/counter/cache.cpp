// An EVCache-like (memcached) cache node: incr/decr with a TTL, get, delete, and the rollup
// results the rollup servers put here. Nothing is idempotent: an increment that arrives twice
// (a retry, a hedged request, a duplicated message) is applied twice. Volatile: a crash loses
// every entry.
#include <vector>

#include "counter.hpp"
#include "messages.hpp"

namespace distlab::models::counter {
namespace {

class Cache final : public sim::Protocol {
 public:
  explicit Cache(std::shared_ptr<const Shared> s) : s_(std::move(s)), obs_(*s_->obs) {}

  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& m) override {
    if (const auto* r = m.get<CacheIncr>()) {
      ++obs_.load.cache_incr;
      Entry& e = live(ctx, r->key);
      if (e.expires == kMissing) e = Entry{0, {}, r->ttl > 0 ? ctx.now() + r->ttl : sim::kNever};
      e.value += r->delta;
      obs_.cache_mutated(region(ctx), r->key, r->op, r->delta, false);
      ctx.send(from, sim::Message::of(CacheReply{r->req, true, e.value}));
      return;
    }
    if (const auto* r = m.get<CacheGet>()) {
      ++obs_.load.cache_get;
      const Entry& e = live(ctx, r->key);
      const bool found = e.expires != kMissing;
      if (found) ++obs_.load.cache_hits;
      ctx.send(from, sim::Message::of(CacheReply{r->req, found, found ? e.value : 0}));
      return;
    }
    if (const auto* r = m.get<CacheSet>()) {
      ++obs_.load.cache_set;
      Entry& e = live(ctx, r->key);
      if (e.expires != kMissing && e.rollup_ts >= r->value.ts) return;  // an older rollup
      e = Entry{r->value.count, r->value.ts, sim::kNever};
      obs_.rollup_cached(region(ctx), r->key, r->value.count);
      return;
    }
    if (const auto* r = m.get<CacheDelete>()) {
      ++obs_.load.cache_delete;
      entry(r->key) = Entry{};
      obs_.cache_mutated(region(ctx), r->key, r->op, 0, true);
      ctx.send(from, sim::Message::of(CacheReply{r->req, true, 0}));
    }
  }

 private:
  static constexpr sim::Time kMissing = kBeginning;
  struct Entry {
    std::int64_t value = 0;
    sim::Time rollup_ts = kBeginning;
    sim::Time expires = kMissing;  // kMissing: no entry
  };

  // The entry for `key`, reset to missing when its TTL has passed.
  Entry& live(sim::Context& ctx, CounterKey key) {
    Entry& e = entry(key);
    if (e.expires != kMissing && e.expires <= ctx.now()) e = Entry{};
    return e;
  }
  Entry& entry(CounterKey key) {
    if (entries_.empty()) entries_.resize(s_->config.namespaces.size());
    auto& rows = entries_[ns_of(key)];
    if (rows.empty()) rows.resize(s_->config.namespaces[ns_of(key)].counters);
    return rows[index_of(key)];
  }
  std::uint32_t region(sim::Context& ctx) const { return s_->layout.region_of(ctx.self()); }

  std::shared_ptr<const Shared> s_;
  Observer& obs_;
  std::vector<std::vector<Entry>> entries_;  // [namespace][counter], allocated on first use
};

}  // namespace

std::unique_ptr<sim::Protocol> make_cache(std::shared_ptr<const Shared> s) {
  return std::make_unique<Cache>(std::move(s));
}

}  // namespace distlab::models::counter
