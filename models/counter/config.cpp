// Reading the [model] table of a counter scenario.
#include "config.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace distlab::models::counter {

const char* to_string(CounterType t) {
  switch (t) {
    case CounterType::best_effort:
      return "best_effort";
    case CounterType::eventual:
      return "eventual";
    case CounterType::accurate:
      return "accurate";
  }
  return "?";
}

const char* to_string(OpKind k) {
  static constexpr const char* names[] = {"add", "add_and_get", "get", "clear"};
  return names[static_cast<int>(k)];
}

namespace {

double fraction(sim::Options& o, const std::string& key, double fallback) {
  const double v = o.get_double(key, fallback);
  if (!(v >= 0 && v <= 1)) o.fail(key, fmt::format("must be between 0 and 1 (got {})", v));
  return v;
}

Namespace read_namespace(sim::Options& t) {
  Namespace n;
  n.name = t.get_string("name");
  const auto type = t.get_choice("type", {"best_effort", "eventual", "accurate"});
  n.type = type == "best_effort" ? CounterType::best_effort
           : type == "eventual"  ? CounterType::eventual
                                 : CounterType::accurate;
  n.counters = static_cast<std::uint64_t>(t.get_int_in("counters", 1, 10'000'000, 1000));
  const auto dist = t.get_choice("distribution", {"uniform", "zipf"}, "uniform");
  n.zipf_s = dist == "zipf" ? t.get_double("zipf_s", 0.99) : 0.0;
  if (dist == "uniform" && t.has("zipf_s"))
    t.fail("zipf_s", "zipf_s needs distribution = \"zipf\"");
  if (!(n.zipf_s >= 0 && n.zipf_s <= 10)) t.fail("zipf_s", "must be between 0 and 10");
  n.rate_per_s = t.get_double("rate_per_s", n.rate_per_s);
  if (!(n.rate_per_s >= 0 && n.rate_per_s <= 1e7))
    t.fail("rate_per_s", fmt::format("must be between 0 and 10,000,000 (got {})", n.rate_per_s));
  n.get_fraction = fraction(t, "get_fraction", n.get_fraction);
  n.add_and_get_fraction = fraction(t, "add_and_get_fraction", 0);
  n.clear_fraction = fraction(t, "clear_fraction", 0);
  if (n.get_fraction + n.add_and_get_fraction + n.clear_fraction > 1 + 1e-12)
    t.fail("get_fraction",
           "get_fraction + add_and_get_fraction + clear_fraction must be at most 1 (the rest "
           "are AddCount)");
  n.negative_fraction = fraction(t, "negative_fraction", 0);
  n.ttl = t.get_time("ttl", 0);
  if (n.ttl > 0 && n.type != CounterType::best_effort)
    t.fail(t.time_key("ttl"), "a TTL applies to best_effort counters only (cache entries)");
  t.finish();
  return n;
}

}  // namespace

Config read_config(sim::Options& o) {
  Config c;
  const auto variant =
      o.get_choice("variant", {"netflix", "no-idempotency", "no-accept-window"}, "netflix");
  c.idempotent = variant != "no-idempotency";
  c.accept_window = variant != "no-accept-window";
  auto count = [&](const char* key, std::int64_t lo, std::int64_t hi, std::uint32_t fallback) {
    return static_cast<std::uint32_t>(o.get_int_in(key, lo, hi, fallback));
  };
  c.regions = count("regions", 1, 16, c.regions);
  c.api_per_region = count("api_per_region", 1, 1000, c.api_per_region);
  c.cache_per_region = count("cache_per_region", 1, 1000, c.cache_per_region);
  c.store_per_region = count("store_per_region", 1, 1000, c.store_per_region);
  c.rollup_per_region = count("rollup_per_region", 1, 1000, c.rollup_per_region);
  c.clients_per_region = count("clients_per_region", 1, 10'000, c.clients_per_region);

  c.replication_factor = count("replication_factor", 1, 1000, std::min(3u, c.store_per_region));
  if (c.replication_factor > c.store_per_region)
    o.fail("replication_factor",
           fmt::format("{} replicas per region need at least as many store nodes per region "
                       "(store_per_region = {})",
                       c.replication_factor, c.store_per_region));
  auto consistency = [&](const char* key) {
    return o.get_choice(key, {"one", "local_quorum"}, "local_quorum") == "one"
               ? Consistency::one
               : Consistency::local_quorum;
  };
  c.write_consistency = consistency("write_consistency");
  c.read_consistency = consistency("read_consistency");
  c.replication_delay = o.get_time("replication_delay", 0);
  c.hint_retry = o.get_time("hint_retry", c.hint_retry, true);
  c.accept_limit = o.get_time("accept_limit", c.accept_limit, true);
  c.bucket_width = o.get_time("bucket_width", c.bucket_width, true);
  c.buckets_per_id = count("buckets_per_id", 1, 1024, c.buckets_per_id);

  c.queues = count("queues", 1, 1024, c.queues);
  c.coalesce = o.get_time("coalesce", c.coalesce, true);
  c.queue_bytes = static_cast<std::uint64_t>(o.get_int_in(
      "queue_bytes", 64, std::int64_t{1} << 40, static_cast<std::int64_t>(c.queue_bytes)));
  c.batch = count("batch", 1, 100'000, c.batch);
  c.batch_timeout = o.get_time("batch_timeout", c.batch_timeout, true);

  c.load = o.get_time("load", c.load, true);
  c.timeout = o.get_time("timeout", c.timeout, true);
  c.max_attempts = count("max_attempts", 1, 100, c.max_attempts);
  c.backoff = o.get_time("backoff", c.backoff);
  c.hedge = o.get_time("hedge", 0);
  c.api_timeout = o.get_time("api_timeout", c.api_timeout, true);
  c.bucket = o.get_time("bucket", c.bucket, true);

  c.verify = o.get_bool("verify", true);
  c.verify_first =
      o.get_time("verify_at", c.load + c.accept_limit + c.coalesce + sim::sec(1), true);
  if (c.verify_first < c.load)
    o.fail(o.time_key("verify_at"), "the verification reads start after the load stops (load_s)");
  c.verify_second = c.verify_first + c.coalesce + sim::sec(2);
  if (c.verify && c.verify_second + sim::sec(1) > o.run_duration())
    o.fail(o.has(o.time_key("verify_at")) ? o.time_key("verify_at") : "verify",
           fmt::format("the second verification reads start at {:.9g} s (verify_at + coalesce + "
                       "2 s) and need a second, but the run ends at {:.9g} s: make "
                       "scenario.duration_s longer, or set verify = false",
                       sim::to_seconds(c.verify_second), sim::to_seconds(o.run_duration())));
  if (o.run_duration() / c.bucket > 100'000)
    o.fail(o.time_key("bucket"), "more than 100,000 error buckets; make it larger");

  auto tables = o.tables("namespace");
  if (tables.empty())
    o.fail("namespace",
           "at least one [[model.namespace]] is needed (name, type = \"best_effort\" | "
           "\"eventual\" | \"accurate\", counters, rate_per_s, ...)");
  if (tables.size() > 64) o.fail("namespace", "at most 64 namespaces");
  std::set<std::string> names;
  for (auto& t : tables) {
    c.namespaces.push_back(read_namespace(t));
    if (!names.insert(c.namespaces.back().name).second)
      t.fail("name", fmt::format("namespace \"{}\" is defined twice", c.namespaces.back().name));
  }
  return c;
}

}  // namespace distlab::models::counter
