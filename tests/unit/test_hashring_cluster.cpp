// The sharded cache cluster (models/hashring) end to end, each run in a child process.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim_child.hpp"

using distlab::test::run_in_child;

namespace {

std::string cluster(
    const std::string& model, const std::string& rest = "",
    const std::string& workload = "clients = 1\nmix = { read = 1.0 }\nkeys = { count = 10 }\n") {
  return fmt::format(R"(
[scenario]
seed = 4
duration_s = 3
drain_s = 0.5
[network]
latency_us = 50
model = "textbook"
[model]
name = "hashring"
{}
[[workload]]
kind = "closed"
think_time_ms = 1
timeout_ms = 20
retry = {{ max_attempts = 2, backoff_base_ms = 1 }}
{}
{}
)",
                     model, workload, rest);
}

long long metric(const nlohmann::json& j, const char* node, const char* name) {
  for (const auto& n : j["nodes"])
    if (n["name"] == node) return n.contains("metrics") ? n["metrics"].value(name, 0LL) : 0;
  FAIL("no node " << node);
  return 0;
}

}  // namespace

TEST_CASE("hashring cluster: each key is read from the store once and then hit in the cache",
          "[hashring][cluster]") {
  auto r = run_in_child(cluster("variant = \"ring\"\nservers = 3"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(j["model"]["requests"]["misses"] == 10);  // one client, 10 keys, no faults
  CHECK(j["model"]["requests"]["hits"].get<long long>() > 1000);
  CHECK(j["summary"]["fail"] == 0);
  CHECK(j["summary"]["unknown"] == 0);
  CHECK(metric(j, "store", "gets") == 10);
}

TEST_CASE("hashring cluster: a crashed cache server loses its keys and refills after restart",
          "[hashring][cluster][fault]") {
  auto r = run_in_child(cluster("variant = \"ring\"\nservers = 1", R"(
[[fault]]
kind = "crash"
node = "cache0"
at_s = 1
restart_at_s = 1.5
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(j["model"]["requests"]["misses"] == 20);  // every key once before, once after
  // While it is down, requests time out and the retry goes to the store.
  CHECK(metric(j, "store", "client_fallbacks") > 0);
  CHECK(j["counters"]["client.timeouts"].get<long long>() > 0);
  CHECK(j["summary"]["fail"] == 0);
}

TEST_CASE("hashring cluster: an LRU cache over capacity evicts and misses again",
          "[hashring][cluster]") {
  auto r = run_in_child(cluster("variant = \"ring\"\nservers = 1\ncapacity_keys = 5"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(j["model"]["requests"]["evictions"].get<long long>() > 0);
  CHECK(j["model"]["requests"]["misses"].get<long long>() > 10);
}

TEST_CASE("hashring cluster: joins move about 1/(n+1) of the keys, only to the new server",
          "[hashring][cluster][membership]") {
  for (const char* v : {"ring", "jump", "rendezvous"}) {
    auto r = run_in_child(cluster(fmt::format("variant = \"{}\"\nservers = 11", v), R"(
[[fault]]
kind = "join"
node = "cache10"
at_s = 1
)"));
    REQUIRE(r.status == 0);
    const auto ch = r.json()["model"]["changes"][0];
    INFO(v);
    CHECK(ch["event"] == "join");
    CHECK(ch["members_before"] == 10);
    CHECK(ch["members_after"] == 11);
    CHECK(ch["monotone"] == true);
    CHECK(ch["ideal_fraction"].get<double>() == Approx(1.0 / 11));
    CHECK(ch["moved_over_ideal"].get<double>() == Approx(1.0).margin(0.35));
  }
}

TEST_CASE("hashring cluster: mod-N moves nearly every key on a join", "[hashring][cluster]") {
  auto r = run_in_child(cluster("variant = \"modn\"\nservers = 11", R"(
[[fault]]
kind = "join"
node = "cache10"
at_s = 1
)"));
  REQUIRE(r.status == 0);
  CHECK(r.json()["model"]["changes"][0]["moved_fraction"].get<double>() ==
        Approx(10.0 / 11).margin(0.01));
}

TEST_CASE("hashring cluster: a graceful leave drains and loses no request; an abrupt one does",
          "[hashring][cluster][membership]") {
  auto run = [](const char* drain) {
    return run_in_child(cluster("variant = \"maglev\"\nservers = 5",
                                fmt::format(R"(
[[fault]]
kind = "leave"
node = "cache2"
at_s = 1
{}
)",
                                            drain),
                                "clients = 50\nmix = { read = 0.9, write = 0.1 }\n"
                                "keys = { count = 1000 }\n"));
  };
  // With 50 clients some request is always on its way to cache2: an abrupt leave drops it and
  // the client times out (its retry then goes to the store).
  auto graceful = run(""), abrupt = run("drain_s = 0");
  REQUIRE(graceful.status == 0);
  REQUIRE(abrupt.status == 0);
  const auto g = graceful.json(), a = abrupt.json();
  CHECK(g["summary"]["unknown"] == 0);
  CHECK(g["summary"]["fail"] == 0);
  CHECK(g["model"]["members_at_end"] == 4);
  CHECK(g["counters"].value("client.timeouts", 0) == 0);
  CHECK(a["counters"].value("client.timeouts", 0) > 0);
}

TEST_CASE("hashring cluster: the store takes no part in membership", "[hashring][cluster]") {
  auto bad = run_in_child(cluster("variant = \"ring\"\nservers = 3",
                                  "[[fault]]\nkind = \"leave\"\nnode = \"store\"\nat_s = 1\n"));
  CHECK(bad.status == 2);
  CHECK_THAT(bad.output,
             Catch::Contains("fault[0].node") && Catch::Contains("\"store\" does not take part"));
  // "servers" means the caches for join and leave: the store keeps serving.
  auto all = run_in_child(cluster("variant = \"ring\"\nservers = 3",
                                  "[[fault]]\nkind = \"leave\"\nnode = \"servers\"\nat_s = 1\n"));
  REQUIRE(all.status == 0);
  const auto j = all.json();
  CHECK(j["model"]["members_at_end"] == 0);
  CHECK(j["model"]["changes"][0]["ideal_fraction"] == 1.0);
  CHECK(j["model"]["changes"][0]["moved_fraction"] == 1.0);
  CHECK(j["summary"]["unknown"] == 0);  // clients go to the store
}

TEST_CASE("hashring cluster: without analysis keys nothing is reported as moved",
          "[hashring][cluster]") {
  auto r = run_in_child(cluster("variant = \"ring\"\nservers = 3\nanalysis_keys = 0",
                                "[[fault]]\nkind = \"join\"\nnode = \"cache2\"\nat_s = 1\n"));
  REQUIRE(r.status == 0);
  CHECK(r.json()["model"]["changes"][0]["moved_fraction"].is_null());
}

TEST_CASE("hashring cluster: request load counts members that got no request",
          "[hashring][cluster]") {
  auto r = run_in_child(cluster("variant = \"ring\"\nservers = 8", "",
                                "clients = 1\nmix = { read = 1.0 }\nkeys = { count = 2 }\n"));
  REQUIRE(r.status == 0);
  const auto per = r.json()["model"]["requests"]["per_server"];
  CHECK(per["servers"] == 8);
  CHECK(per["max_over_mean"].get<double>() >= 4.0 - 1e-9);  // 2 keys on 8 servers: at most 2 busy
}

TEST_CASE("hashring cluster: hit ratio buckets follow true time even when a clock is stepped",
          "[hashring][cluster][clocks]") {
  auto r = run_in_child(cluster("variant = \"ring\"\nservers = 1",
                                "[[fault]]\nkind = \"clock_step\"\nnode = \"cache0\"\n"
                                "step_ms = 5000\nat_s = 0.5\n"));
  REQUIRE(r.status == 0);
  // Requests for 3 s of true time: 3 one-second buckets (local time would reach 8 s).
  CHECK(r.json()["model"]["hit_ratio_over_time"].size() == 3);
}

TEST_CASE("hashring cluster: without faults or membership changes the cache is linearizable",
          "[hashring][cluster][check]") {
  auto r = run_in_child(cluster("variant = \"ring\"\nservers = 3", "[check]\nlinearizable = true\n",
                                "clients = 4\nmix = { read = 0.7, write = 0.3 }\n"
                                "keys = { count = 20 }\n"));
  REQUIRE(r.status == 0);
  CHECK(r.json()["checks"]["linearizable"]["verdict"] == "linearizable");
}

TEST_CASE("hashring cluster: the same seed gives the same bytes and another seed another placement",
          "[hashring][cluster][determinism]") {
  const auto s = cluster("variant = \"ring\"\nservers = 8\nvnodes = 10");
  auto a = run_in_child(s), b = run_in_child(s), c = run_in_child(s, 99);
  REQUIRE(a.status == 0);
  CHECK(a.output == b.output);
  CHECK(a.json()["model"]["balance"]["stddev_rel"] != c.json()["model"]["balance"]["stddev_rel"]);
  // hash_seed pins the placement whatever the run's seed.
  const auto pinned = cluster("variant = \"ring\"\nservers = 8\nvnodes = 10\nhash_seed = 5");
  CHECK(run_in_child(pinned).json()["model"]["balance"] ==
        run_in_child(pinned, 99).json()["model"]["balance"]);
}

TEST_CASE("hashring cluster: bad options are rejected naming the key",
          "[hashring][cluster][bad-input]") {
  struct Case {
    const char* model;
    const char* key;
    const char* words;
  };
  const Case cases[] = {
      {"variant = \"ring\"\nvnodes = 0", "model.vnodes", "between 1 and"},
      {"variant = \"bounded\"\nepsilon = 0", "model.epsilon", "must be > 0"},
      {"variant = \"bounded\"\nepsilon = -0.5", "model.epsilon", "must be > 0"},
      {"variant = \"maglev\"\ntable_size = 1000", "model.table_size", "must be prime"},
      {"variant = \"chord\"", "model.variant", "ring"},
      {"variant = \"ring\"\nhash = \"md5\"", "model.hash", "xxh3"},
      {"variant = \"ring\"\nservers = 0", "model.servers", "between 1 and"},
      {"variant = \"ring\"\nweights = { cache99 = 2.0 }", "model.weights.cache99",
       "unknown server"},
      {"variant = \"ring\"\nweights = { cache1 = 0 }", "model.weights.cache1", "> 0"},
      {"variant = \"ring\"\nvnode = 10", "model.vnode", "unknown key"},
      {"variant = \"ring\"\nservers = 10000\nvnodes = 100000", "model.vnodes", "fit in memory"},
      {"variant = \"bounded\"\nepsilon = inf", "model.epsilon", "must be > 0"},
      {"variant = \"maglev\"\ntable_size = 1000000007", "model.table_size", "between"},
      {"variant = \"bounded\"\nanalysis_keys = 10000000", "model.analysis_keys", "between"},
      {"variant = \"ring\"\nbucket_us = 1", "model.bucket_us", "100,000 buckets"},
  };
  for (const auto& c : cases) {
    INFO(c.model);
    auto r = run_in_child(cluster(c.model));
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Catch::Contains(c.key) && Catch::Contains(c.words));
  }
}

TEST_CASE("hashring cluster: weights apply to ring and rendezvous and are refused elsewhere",
          "[hashring][cluster][bad-input]") {
  for (const char* v : {"ring", "rendezvous"}) {
    INFO(v);
    auto r = run_in_child(
        cluster(fmt::format("variant = \"{}\"\nservers = 4\nweights = {{ cache0 = 3.0 }}", v)));
    REQUIRE(r.status == 0);
    // cache0 has weight 3 of a total 6: about half of the keys, so max/mean about 2.
    CHECK(r.json()["model"]["balance"]["max_over_mean"].get<double>() == Approx(2.0).margin(0.3));
  }
  auto r = run_in_child(cluster("variant = \"jump\"\nweights = { cache0 = 3.0 }"));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("model.weights") && Catch::Contains("has no weights"));
}
