// Netflix-style distributed counters (models/counter): the counter types' trade-offs, the
// convergence checker, and the broken variants it must catch.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim_child.hpp"

using distlab::test::run_in_child;

namespace {

// One region on a LAN, the three counter types, a short coalescing window so runs are short.
// `extra` goes into [model] (before the namespaces, and instead of the defaults for load_s and
// coalesce_ms when it sets them); `faults` after them; `ns` into every namespace and
// `best_effort` into the best-effort one.
std::string counter(std::string extra, const std::string& faults = "", double duration_s = 14,
                    const std::string& ns = "", const std::string& best_effort = "") {
  if (extra.find("load_s") == std::string::npos) extra += "\nload_s = 3";
  if (extra.find("coalesce_ms") == std::string::npos) extra += "\ncoalesce_ms = 1000";
  return fmt::format(R"(
[scenario]
seed = 3
duration_s = {0}
drain_s = 0.5
[network]
latency_us = 250
model = "textbook"
[model]
name = "counter"
accept_limit_s = 2
{1}
[[model.namespace]]
name = "views"
type = "eventual"
counters = 50
rate_per_s = 2000
get_fraction = 0.2
{3}
[[model.namespace]]
name = "experiment"
type = "best_effort"
counters = 50
rate_per_s = 2000
get_fraction = 0.2
{3}
{4}
[[model.namespace]]
name = "billing"
type = "accurate"
counters = 50
rate_per_s = 1000
get_fraction = 0.2
{3}
{2}
)",
                     duration_s, extra, faults, ns, best_effort);
}

// Timeouts below the round trip and hedged requests: every mutation is sent several times.
const char* kRetryStorm = "timeout_us = 1200\nhedge_us = 1000\nmax_attempts = 4\nbackoff_ms = 1";

}  // namespace

TEST_CASE("counter: eventual and accurate counters read the true count once the load stops",
          "[counter]") {
  auto r = run_in_child(counter(""));
  REQUIRE(r.status == 0);
  const auto j = r.json()["model"];
  CHECK(j["check"]["ok"] == true);
  for (const char* type : {"eventual", "accurate"}) {
    CHECK(j["check"][type]["checked"] == 50);
    CHECK(j["check"][type]["exact"] == 50);
  }
  // Accurate reads add the live delta: exact while the load runs. Eventual reads return the
  // last rollup: behind while the load runs.
  CHECK(j["types"]["accurate"]["read_error"]["mean_abs"].get<double>() < 0.1);
  CHECK(j["types"]["eventual"]["read_error"]["mean_abs"].get<double>() > 1);
  CHECK(j["types"]["eventual"]["requests"].get<long long>() > 5000);
}

TEST_CASE("counter: retries and hedges over-count best-effort counters, not eventual ones",
          "[counter]") {
  auto r = run_in_child(counter(kRetryStorm));
  REQUIRE(r.status == 0);
  const auto j = r.json()["model"];
  CHECK(j["clients"]["hedges"].get<long long>() > 1000);
  CHECK(j["overcount"]["best_effort_duplicates_applied"].get<long long>() > 1000);
  CHECK(j["check"]["best_effort"]["over"].get<long long>() > 40);
  CHECK(j["check"]["best_effort"]["excess"].get<long long>() > 1000);
  // The same retries reach the store and are absorbed by their idempotency key.
  CHECK(j["overcount"]["store_duplicate_keys_absorbed"].get<long long>() > 1000);
  CHECK(j["check"]["eventual"]["exact"] == 50);
  CHECK(j["check"]["accurate"]["exact"] == 50);
}

TEST_CASE("counter: a rollup without idempotency is caught over-counting", "[counter][check]") {
  auto r = run_in_child(counter(std::string("variant = \"no-idempotency\"\n") + kRetryStorm));
  CHECK(r.status == 1);
  const auto j = r.json()["model"];
  CHECK(j["check"]["ok"] == false);
  CHECK(j["check"]["eventual"]["over"].get<long long>() > 0);
  CHECK(j["check"]["eventual"]["under"] == 0);
  CHECK(j["check"]["eventual"]["examples"].size() > 0);
}

TEST_CASE(
    "counter: without retries the no-idempotency variant passes (the checker is not "
    "trigger-happy)",
    "[counter][check]") {
  auto r = run_in_child(counter("variant = \"no-idempotency\""));
  CHECK(r.status == 0);
}

TEST_CASE("counter: rollups of windows still open (up to now) miss late events and are caught",
          "[counter][check]") {
  auto r = run_in_child(counter("variant = \"no-accept-window\"\ncoalesce_ms = 100"));
  CHECK(r.status == 1);
  const auto j = r.json()["model"];
  CHECK(j["check"]["eventual"]["under"].get<long long>() > 0);
}

TEST_CASE("counter: the cached rollup converges within accept_limit + coalesce of the last write",
          "[counter]") {
  auto r = run_in_child(counter(""));
  REQUIRE(r.status == 0);
  const auto c = r.json()["model"]["convergence"];
  CHECK(c["converged"] == c["counter_regions"]);
  CHECK(c["converged_by_themselves"] == c["counter_regions"]);
  CHECK(c["bound_s"].get<double>() == Approx(3.0));
  // Never sooner than accept_limit (the window must close), never later than the bound plus
  // a rollup's own round trips.
  CHECK(c["lag_s_p50"].get<double>() >= 2.0);
  CHECK(c["lag_s_max"].get<double>() <= 3.01);
}

TEST_CASE("counter: a crashed rollup server loses its queue and counts stay stale until read",
          "[counter][fault]") {
  auto r = run_in_child(counter("load_s = 1\nverify_at_s = 6", R"(
[[fault]]
kind = "crash"
node = "rollup0-r0"
at_s = 0.9
restart_at_s = 1.0
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json()["model"];
  CHECK(j["rollup"]["lost_in_crash"].get<long long>() > 10);
  // Lost counters were not rolled up again until the verification's first read touched them.
  CHECK(j["check"]["eventual"]["stale_at_first_read"].get<long long>() > 0);
  CHECK(j["convergence"]["converged_after_verification_read"].get<long long>() > 0);
  CHECK(j["check"]["eventual"]["exact"] == 50);
}

TEST_CASE(
    "counter: AddAndGetCount, ClearCount and negative deltas under a retry storm still "
    "converge to the exact count",
    "[counter][check]") {
  auto r = run_in_child(counter(kRetryStorm, "", 14,
                                "add_and_get_fraction = 0.2\nclear_fraction = 0.02\n"
                                "negative_fraction = 0.3"));
  REQUIRE(r.status == 0);
  const auto j = r.json()["model"];
  for (const char* type : {"eventual", "accurate"}) {
    INFO(type);
    CHECK(j["types"][type]["ops"]["clear"]["count"].get<long long>() > 20);
    CHECK(j["types"][type]["ops"]["add_and_get"]["count"].get<long long>() > 200);
    CHECK(j["check"][type]["exact"] == 50);
  }
  // Clears and retries reached the store: some retried clears were absorbed too.
  CHECK(j["overcount"]["store_duplicate_keys_absorbed"].get<long long>() > 1000);
}

TEST_CASE("counter: best-effort entries expire after their TTL", "[counter]") {
  // Increments stop at 3 s; with a 2 s TTL every entry has expired by the final reads, which find
  // nothing (0) while the regional count of applied increments is positive.
  auto r = run_in_child(counter("", "", 14, "", "ttl_s = 2"));
  REQUIRE(r.status == 0);
  const auto be = r.json()["model"]["check"]["best_effort"];
  CHECK(be["under"] == 50);
  CHECK(be["exact"] == 0);
  auto no_ttl = run_in_child(counter(""));
  REQUIRE(no_ttl.status == 0);
  CHECK(no_ttl.json()["model"]["check"]["best_effort"]["exact"] == 50);
}

TEST_CASE("counter: bad model options name the key", "[counter][config]") {
  struct Case {
    const char* model;
    const char* key;
  };
  for (const Case& c :
       {Case{"replication_factor = 5", "model.replication_factor"},
        Case{"write_consistency = \"all\"", "model.write_consistency"},
        Case{"verify_at_s = 100", "model.verify_at_s"}, Case{"queues = 0", "model.queues"}}) {
    auto r = run_in_child(counter(c.model));
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Catch::Contains(c.key));
  }
  auto r = run_in_child(counter("", "[[model.namespace]]\nname = \"x\"\ntype = \"exact\""));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("model.namespace[3].type"));
}
