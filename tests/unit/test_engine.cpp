// The simulation core, end to end: network timing, faults, clocks, storage and determinism,
// each checked through a run of the probe model in a child process.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim_child.hpp"

using distlab::test::metric;
using distlab::test::run_in_child;

namespace {

std::string probe(const std::string& network, const std::string& model_extra,
                  const std::string& faults = "", double duration_s = 1) {
  return fmt::format(R"(
[scenario]
seed = 5
duration_s = {}
drain_s = 0
[network]
{}
[model]
name = "probe"
{}
{}
)",
                     duration_s, network, model_extra, faults);
}

}  // namespace

TEST_CASE("network: a message takes latency plus size over bandwidth", "[engine][network]") {
  // 1 MB over 1 Gbit/s = 8 ms, plus 500 us of latency.
  for (const char* model : {"flow", "textbook", "fluid"}) {
    auto r = run_in_child(
        probe(fmt::format("model = \"{}\"\nlatency_us = 500\nbandwidth_gbps = 1", model),
              "bytes = 1_000_000"));
    REQUIRE(r.status == 0);
    CHECK(metric(r.json(), 1, "first_arrival_local_ns") == 8'500'000);
  }
}

TEST_CASE("network: an empty message costs the latency alone", "[engine][network]") {
  for (const char* model : {"flow", "lv08", "textbook", "fluid"}) {
    auto r =
        run_in_child(probe(fmt::format("model = \"{}\"\nlatency_us = 500", model), "bytes = 0"));
    REQUIRE(r.status == 0);
    CHECK(metric(r.json(), 1, "received") == 1);
    if (std::string(model) != "lv08")
      CHECK(metric(r.json(), 1, "first_arrival_local_ns") == 500'000);
  }
}

TEST_CASE("network: concurrent flows share a link in the flow model only", "[engine][network]") {
  // Two 1 MB messages leave n0 at once over a 1 Gbit/s link: with sharing, both arrive after
  // 16 ms; without (textbook), after 8 ms.
  const std::string base = "latency_us = 0\nbandwidth_gbps = 1\n";
  auto flow = run_in_child(
      probe("model = \"flow\"\n" + base, "bytes = 1_000_000\ncount = 2\nevery_ns = 1"));
  auto text = run_in_child(
      probe("model = \"textbook\"\n" + base, "bytes = 1_000_000\ncount = 2\nevery_ns = 1"));
  auto fluid = run_in_child(
      probe("model = \"fluid\"\n" + base, "bytes = 1_000_000\ncount = 2\nevery_ns = 1"));
  REQUIRE(flow.status == 0);
  REQUIRE(text.status == 0);
  REQUIRE(fluid.status == 0);
  CHECK(metric(flow.json(), 1, "first_arrival_local_ns") > 15'000'000);
  CHECK(metric(text.json(), 1, "first_arrival_local_ns") < 8'100'000);
  // The fluid model shares as SimGrid does: the same arrival, to the nanosecond or two.
  CHECK(std::abs(metric(fluid.json(), 1, "first_arrival_local_ns") -
                 metric(flow.json(), 1, "first_arrival_local_ns")) <= 2);
}

TEST_CASE("network: the fluid model is max-min fair like SimGrid's flows", "[engine][network]") {
  // n0 sends to n1 and n2 at once; n1 also gets a flow from n3 (hardware makes n0's link 2
  // Gbit/s): max-min gives n0->n1 and n3->n1 0.5 each (n1's link is the bottleneck), so
  // n0->n2 gets the 1.5 Gbit/s left of n0's link. Arrival times must match SimGrid's.
  const std::string extra = R"(
[[hardware]]
nodes = "n0"
nic_gbps = 2
)";
  for (long long mb : {1, 3}) {
    const std::string bytes = std::to_string(mb * 1'000'000);
    std::vector<long long> got;
    for (const char* model : {"flow", "fluid"}) {
      auto r = run_in_child(probe(fmt::format("model = \"{}\"\nlatency_us = 10\nbandwidth_gbps = 1", model),
                                  fmt::format("nodes = 4\nbytes = {}\ncount = 1\nfan_out = true{}", bytes, extra)));
      REQUIRE(r.status == 0);
      got.push_back(metric(r.json(), 1, "last_arrival_local_ns"));
      got.push_back(metric(r.json(), 2, "last_arrival_local_ns"));
    }
    CHECK(std::abs(got[0] - got[2]) <= 2);
    CHECK(std::abs(got[1] - got[3]) <= 2);
    // n0 -> n2 at n2's full 1 Gbit/s; n0 -> n1 and n3 -> n1 at half each.
    CHECK(std::abs(got[3] - (10'000 + mb * 8'000'000)) <= 2);
    CHECK(std::abs(got[2] - (10'000 + mb * 16'000'000)) <= 2);
  }
}

TEST_CASE("network: regions use the inter-region latency matrix", "[engine][network]") {
  const std::string net = R"(topology = "regions"
inter_region_latency_ms = [[0, 40], [40, 0]]
placement = { n0 = "a", n1 = "b" }
[[network.region]]
name = "a"
latency_us = 200
[[network.region]]
name = "b"
latency_us = 200)";
  for (const char* model : {"flow", "textbook"}) {
    auto r = run_in_child(probe(
        std::string("model = \"") + model + "\"\nbandwidth_gbps = 1000\n" + net, "bytes = 1"));
    REQUIRE(r.status == 0);
    const auto t = metric(r.json(), 1, "first_arrival_local_ns");
    CHECK(t >= 40'000'000);
    CHECK(t < 40'001'000);
  }
}

TEST_CASE("faults: loss drops about the configured fraction of messages", "[engine][fault]") {
  auto r = run_in_child(probe("latency_us = 10", "count = 10000\nevery_us = 50",
                              "[[fault]]\nkind = \"loss\"\nprobability = 0.2"));
  REQUIRE(r.status == 0);
  const auto received = metric(r.json(), 1, "received");
  CHECK(received > 7700);
  CHECK(received < 8300);
  CHECK(r.json()["network"]["dropped"].get<long long>() == 10000 - received);
}

TEST_CASE("faults: duplication delivers extra copies", "[engine][fault]") {
  auto r = run_in_child(probe("latency_us = 10", "count = 10000\nevery_us = 50",
                              "[[fault]]\nkind = \"duplicate\"\nprobability = 0.1"));
  REQUIRE(r.status == 0);
  const auto received = metric(r.json(), 1, "received");
  CHECK(received > 10800);
  CHECK(received < 11200);
}

TEST_CASE("faults: a partition drops messages between groups until it heals", "[engine][fault]") {
  // 1000 messages, one per ms; the partition covers 200 ms of them.
  auto r = run_in_child(probe(
      "latency_us = 10", "count = 1000\nevery_ms = 1",
      "[[fault]]\nkind = \"partition\"\ngroups = [[\"n0\"], [\"n1\"]]\nat_s = 0.3\nheal_at_s = 0.5",
      1.1));
  REQUIRE(r.status == 0);
  const auto received = metric(r.json(), 1, "received");
  CHECK(received >= 795);
  CHECK(received <= 805);
}

TEST_CASE("faults: a one-way partition blocks one direction only", "[engine][fault]") {
  auto blocked = run_in_child(
      probe("latency_us = 10", "count = 100",
            "[[fault]]\nkind = \"partition\"\ngroups = [[\"n0\"], [\"n1\"]]\none_way = true", 0.2));
  auto open = run_in_child(
      probe("latency_us = 10", "count = 100",
            "[[fault]]\nkind = \"partition\"\ngroups = [[\"n1\"], [\"n0\"]]\none_way = true", 0.2));
  REQUIRE(blocked.status == 0);
  REQUIRE(open.status == 0);
  CHECK(metric(blocked.json(), 1, "received") == 0);
  CHECK(metric(open.json(), 1, "received") == 100);
}

TEST_CASE("faults: a crash loses volatile state, storage survives the restart", "[engine][fault]") {
  auto r = run_in_child(
      probe("latency_us = 10", "count = 1000\nevery_ms = 1",
            "[[fault]]\nkind = \"crash\"\nnode = \"n1\"\nat_s = 0.4\nrestart_at_s = 0.6", 1.1));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(metric(j, 1, "recovers") == 1);
  CHECK(metric(j, 1, "volatile_at_recover") == 0);   // a fresh object
  CHECK(metric(j, 1, "durable_at_recover") >= 395);  // what it had stored before the crash
  CHECK(metric(j, 1, "durable_at_recover") <= 401);
  CHECK(j["nodes"][0]["dropped"].get<long long>() >= 195);  // sent while n1 was down
}

TEST_CASE("faults: a paused node gets its messages after it resumes", "[engine][fault]") {
  auto r = run_in_child(
      probe("latency_us = 10", "count = 100\nevery_ms = 1",
            "[[fault]]\nkind = \"pause\"\nnode = \"n1\"\nat_s = 0\nresume_at_s = 0.5", 1));
  REQUIRE(r.status == 0);
  CHECK(metric(r.json(), 1, "received") == 100);
  CHECK(metric(r.json(), 1, "first_arrival_local_ns") == 500'000'000);
}

TEST_CASE("faults: delay jitter reorders but delivers everything", "[engine][fault]") {
  auto r = run_in_child(
      probe("latency_us = 10", "count = 500\nevery_us = 100",
            "[[fault]]\nkind = \"delay\"\ndistribution = \"exponential\"\nmean_ms = 2"));
  REQUIRE(r.status == 0);
  CHECK(metric(r.json(), 1, "received") == 500);
}

TEST_CASE("clocks: a clock step moves a node's local clock", "[engine][clock]") {
  // Arrival: 10 us latency + 1000 B at 100 Gbit/s (80 ns), read on a clock stepped 250 ms ahead.
  auto r = run_in_child(probe("latency_us = 10", "count = 1",
                              "[[fault]]\nkind = \"clock_step\"\nnode = \"n1\"\nstep_ms = 250"));
  REQUIRE(r.status == 0);
  CHECK(metric(r.json(), 1, "first_arrival_local_ns") == 250'010'080);
}

TEST_CASE("clocks: a drifting node's local clock runs fast", "[engine][clock]") {
  auto r = run_in_child(probe("latency_us = 10", "count = 1",
                              "[[fault]]\nkind = \"clock_drift\"\nnode = \"n1\"\nppm = 1000"));
  REQUIRE(r.status == 0);
  CHECK(metric(r.json(), 1, "first_arrival_local_ns") == 10'090);  // 10,080 ns x 1.001
}

TEST_CASE("determinism: the same seed gives the same bytes, another seed does not",
          "[engine][determinism]") {
  const std::string toml = probe("latency_us = 10", "count = 2000\nevery_us = 100",
                                 "[[fault]]\nkind = \"loss\"\nprobability = 0.3");
  auto a = run_in_child(toml);
  auto b = run_in_child(toml);
  auto c = run_in_child(toml, 99);
  REQUIRE(a.status == 0);
  CHECK(a.output == b.output);
  CHECK(a.output != c.output);
}

TEST_CASE("registry: an unknown model is a ConfigError naming the key", "[engine][errors]") {
  auto r = run_in_child("[scenario]\nduration_s = 1\n[model]\nname = \"nope\"\n");
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("test.toml:4:8: error: model.name: unknown model \"nope\""));
}
