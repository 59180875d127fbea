// Multi-Paxos (models/paxos) and the agreement checker.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distlab/sim/check/agreement.hpp"
#include "sim_child.hpp"

using distlab::sim::check::AgreementChecker;
using distlab::test::run_in_child;

TEST_CASE("agreement: replicas that decide the same values agree", "[paxos][check]") {
  AgreementChecker a;
  for (unsigned r = 0; r < 3; ++r)
    for (std::uint64_t s = 0; s < 100; ++s) a.decide(r, s, s * 7 + 1, 0);
  CHECK(a.ok());
  CHECK(a.slots() == 100);
  CHECK(a.decisions() == 300);
}

TEST_CASE("agreement: two values decided in one slot are caught and described", "[paxos][check]") {
  AgreementChecker a;
  a.decide(0, 5, 111, distlab::sim::ms(1));
  a.decide(1, 5, 111, distlab::sim::ms(2));
  a.decide(2, 5, 222, distlab::sim::ms(3));
  CHECK_FALSE(a.ok());
  CHECK_THAT(a.describe(), Catch::Contains("slot 5") && Catch::Contains("replica 0") &&
                               Catch::Contains("replica 2"));
}

namespace {

std::string paxos(const std::string& model, const std::string& workload, double seconds = 2) {
  return fmt::format(R"(
[scenario]
seed = 6
duration_s = {}
drain_s = 0.5
[network]
latency_us = 100
model = "textbook"
[model]
name = "paxos"
{}
[[workload]]
kind = "closed"
clients = 4
think_time_ms = 1
timeout_ms = 100
retry = {{ max_attempts = 20, backoff_base_ms = 5 }}
{}
[check]
linearizable = true
)",
                     seconds, model, workload);
}

}  // namespace

TEST_CASE("paxos: a stable leader runs phase 1 once and one round trip per command", "[paxos]") {
  auto r = run_in_child(paxos("replicas = 5", "mix = { write = 1.0 }\nkeys = { count = 20 }"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(j["model"]["elections"] == 1);
  CHECK(j["model"]["leaders"] == 1);
  CHECK(j["model"]["agreement"]["ok"] == true);
  CHECK(j["checks"]["linearizable"]["verdict"] == "linearizable");
  // Client -> leader, Accept -> followers, Accepted -> leader, reply: 4 x 100 us, plus the
  // leader's and a follower's durable write (20 us and a little) on the way.
  const double p50 = j["summary"]["write_latency_ms"]["p50"];
  CHECK(p50 == Approx(0.44).margin(0.02));
}

TEST_CASE("paxos: reads under the leader's lease take no round trip to the others", "[paxos]") {
  auto lease = run_in_child(paxos("replicas = 3", "mix = { read = 1.0 }"));
  auto log = run_in_child(paxos("replicas = 3\nlease_reads = false", "mix = { read = 1.0 }"));
  REQUIRE(lease.status == 0);
  REQUIRE(log.status == 0);
  const auto a = lease.json(), b = log.json();
  CHECK(a["model"]["reads"]["lease"].get<long long>() > 1000);
  CHECK(a["model"]["reads"]["log"].get<long long>() < 50);  // only before the first lease
  CHECK(b["model"]["reads"]["lease"] == 0);
  CHECK(a["summary"]["read_latency_ms"]["p50"].get<double>() == Approx(0.2).margin(0.01));
  CHECK(b["summary"]["read_latency_ms"]["p50"].get<double>() > 0.4);
}

TEST_CASE("paxos: after a leader crash nobody is elected before its lease runs out",
          "[paxos][fault]") {
  auto r = run_in_child(paxos("replicas = 3\nlease_ms = 1000",
                              "mix = { write = 1.0 }\n"
                              "[[fault]]\nkind = \"crash\"\nnode = \"replica0\"\nat_s = 1\n"
                              "restart_at_s = 2.5",
                              3));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(j["model"]["leaders"] == 2);
  CHECK(j["model"]["agreement"]["ok"] == true);
  CHECK(j["checks"]["linearizable"]["verdict"] == "linearizable");
  // No write completes between the crash at 1 s and the lease's end at 2 s (1 s buckets).
  CHECK(j["summary"]["fail"] == 0);
}

TEST_CASE("paxos: a restarted replica catches up on the decided log", "[paxos][fault]") {
  auto r = run_in_child(paxos("replicas = 3",
                              "mix = { write = 1.0 }\n"
                              "[[fault]]\nkind = \"crash\"\nnode = \"replica2\"\nat_s = 0.5\n"
                              "restart_at_s = 1"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  // Every replica decides every slot: replica2 too, after its restart, from slot 0 again (its
  // log was in memory), so the decisions reach at least 3 per slot only if it caught up.
  CHECK(j["model"]["agreement"]["decisions"].get<long long>() >=
        3 * j["model"]["agreement"]["slots"].get<long long>());
}

TEST_CASE("paxos: bad options are rejected naming the key", "[paxos][bad-input]") {
  struct Case {
    const char* model;
    const char* key;
  };
  for (const Case& c : {Case{"replicas = 0", "model.replicas"},
                        Case{"election_timeout_ms = 60", "model.election_timeout_ms"},
                        Case{"lease_ms = 100", "model.lease_ms"},
                        Case{"lease_ms = 0\nlease_reads = true", "model.lease_reads"},
                        Case{"variant = \"raft\"", "model.variant"}}) {
    INFO(c.model);
    auto r = run_in_child(paxos(c.model, "mix = { write = 1.0 }"));
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Catch::Contains(c.key));
  }
}
