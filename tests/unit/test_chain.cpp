// Chain replication and CRAQ (models/chain): correct under crashes of every position; each
// deliberately broken variant caught by its checker.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim_child.hpp"

using distlab::test::run_in_child;

namespace {

std::string chain(const std::string& model, const std::string& faults = "",
                  std::uint32_t keys = 20, double reads = 0.8) {
  return fmt::format(R"(
[scenario]
seed = 5
duration_s = 3
[network]
latency_us = 100
model = "textbook"
[model]
name = "chain"
{}
[[workload]]
kind = "closed"
clients = 10
think_time_ms = 1
mix = {{ read = {}, write = {} }}
keys = {{ count = {} }}
timeout_ms = 50
retry = {{ max_attempts = 40, backoff_base_ms = 5, backoff_max_ms = 100 }}
[check]
linearizable = true
{}
)",
                     model, reads, 1 - reads, keys, faults);
}

std::string crash(const char* node) {
  return fmt::format("[[fault]]\nkind = \"crash\"\nnode = \"{}\"\nat_s = 1\nrestart_at_s = 2\n",
                     node);
}

}  // namespace

TEST_CASE("chain: CR and CRAQ keep every acknowledged write and stay linearizable when the "
          "head, a middle node or the tail crashes and comes back as the tail",
          "[chain]") {
  for (const char* variant : {"cr", "craq"})
    for (const char* node : {"head", "middle", "tail"}) {
      INFO(variant << ", " << node);
      auto r = run_in_child(
          chain(fmt::format("variant = \"{}\"\nnodes = 5", variant), crash(node), 5, 0.7));
      REQUIRE(r.status == 0);
      const auto j = r.json();
      CHECK(j["model"]["acknowledged_writes_kept"]["ok"] == true);
      // Dropped, then joining after the tail, then the tail.
      CHECK(j["model"]["reconfigurations"] == 3);
      CHECK(j["model"]["joins"] == 1);
      CHECK(j["model"]["chain"].size() == 5);
      CHECK(j["model"]["chain"].back() == (std::string(node) == "head"     ? 0
                                           : std::string(node) == "middle" ? 2
                                                                           : 4));
      CHECK(j["summary"]["ok"].get<long long>() > 5000);
    }
}

TEST_CASE("chain: CRAQ's own write path (the head answers after the Ack; Forward and Ack are "
          "RPCs) keeps every acknowledged write and stays linearizable when any position crashes",
          "[chain]") {
  for (const char* node : {"head", "middle", "tail"}) {
    INFO(node);
    auto r = run_in_child(chain(
        "variant = \"craq\"\nnodes = 5\nwrite_answer = \"head\"\nrpc_replies = true",
        crash(node), 5, 0.7));
    REQUIRE(r.status == 0);
    const auto m = r.json()["model"];
    CHECK(m["acknowledged_writes_kept"]["ok"] == true);
    CHECK(m["writes_answered"]["by_tail"] == 0);
    CHECK(m["writes_answered"]["by_head"].get<long long>() > 1000);
    CHECK(m["rpc_replies"].get<long long>() > m["writes_answered"]["by_head"].get<long long>());
    CHECK(r.json()["summary"]["ok"].get<long long>() > 5000);
  }
  // The default (the CR paper's): the tail answers, no RPC replies.
  auto r = run_in_child(chain("variant = \"craq\"\nnodes = 5", "", 5, 0.7));
  REQUIRE(r.status == 0);
  CHECK(r.json()["model"]["writes_answered"]["by_head"] == 0);
  CHECK(r.json()["model"]["rpc_replies"] == 0);
}

TEST_CASE("chain: CRAQ answers clean reads at any node and asks the tail for dirty ones",
          "[chain]") {
  auto r = run_in_child(chain("variant = \"craq\"\nnodes = 5", "", 3, 0.7));
  REQUIRE(r.status == 0);
  const auto reads = r.json()["model"]["reads"];
  CHECK(reads["dirty"].get<long long>() > 100);
  CHECK(reads["version_queries"] == reads["dirty"]);
  CHECK(reads["clean"].get<long long>() > reads["dirty"].get<long long>());
}

TEST_CASE("chain: answering dirty reads locally is caught", "[chain][check]") {
  auto r = run_in_child(chain("variant = \"craq-dirty-reads\"\nnodes = 5", "", 3, 0.7));
  CHECK(r.status == 1);
  CHECK(r.json()["checks"]["linearizable"]["verdict"] != "linearizable");
}

TEST_CASE("chain: CR reads at any node are caught", "[chain][check]") {
  auto r = run_in_child(chain("variant = \"cr-any-reads\"\nnodes = 5", "", 3, 0.7));
  CHECK(r.status == 1);
  CHECK(r.json()["checks"]["linearizable"]["verdict"] != "linearizable");
}

TEST_CASE("chain: a head that acknowledges before the tail commits loses acknowledged writes",
          "[chain][check]") {
  const std::string cut =
      "[[fault]]\nkind = \"partition\"\ngroups = [[\"node0\"], [\"node1\", \"node2\", "
      "\"manager\"]]\nat_s = 1\nheal_at_s = 2\n";
  auto r = run_in_child(chain("variant = \"cr-early-ack\"\nnodes = 3", cut));
  CHECK(r.status == 1);
  const auto m = r.json()["model"];
  CHECK(m["acknowledged_writes_kept"]["ok"] == false);
  CHECK_THAT(m["acknowledged_writes_kept"]["violation"].get<std::string>(),
             Catch::Contains("acknowledged but no tail committed it"));
  auto ok = run_in_child(chain("variant = \"cr\"\nnodes = 3", cut));
  CHECK(ok.status == 0);
}

TEST_CASE("chain: bad options are rejected naming the key", "[chain][bad-input]") {
  auto a = run_in_child(chain("heartbeat_ms = 100\noffline_after_ms = 150"));
  CHECK(a.status == 2);
  CHECK_THAT(a.output, Catch::Contains("model.offline_after_ms"));
  auto b = run_in_child(chain("variant = \"chain\""));
  CHECK(b.status == 2);
  CHECK_THAT(b.output, Catch::Contains("model.variant"));
}
