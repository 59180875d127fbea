// Clocks, clock sync and TrueTime; the CPU and disk costs of [node].
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim_child.hpp"

using distlab::test::metric;
using distlab::test::run_in_child;

namespace {

std::string tt(const std::string& clocks, const std::string& faults = "", double duration_s = 120) {
  return fmt::format(R"(
[scenario]
seed = 8
duration_s = {}
drain_s = 0
[clocks]
{}
[model]
name = "probe"
nodes = 4
truetime_every_ms = 100
{}
)",
                     duration_s, clocks, faults);
}

}  // namespace

TEST_CASE("truetime: with 30 s polls and 200 ppm epsilon runs the paper's 1 to 7 ms sawtooth",
          "[engine][clocks]") {
  auto r = run_in_child(tt("sync = true\ndrift_max_ppm = 100"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  for (int n = 0; n < 4; ++n) {
    INFO("node " << n);
    CHECK(metric(j, n, "eps_min_ns") == Approx(1'000'000).margin(30'000));  // just after a sync
    CHECK(metric(j, n, "eps_max_ns") == Approx(7'000'000).margin(60'000));  // 1 + 30 s x 200 ppm
    const double mean = static_cast<double>(metric(j, n, "eps_sum_ns")) / metric(j, n, "samples");
    CHECK(mean == Approx(4'000'000).epsilon(0.05));
    CHECK(metric(j, n, "truetime_violations") == 0);  // drift 100 ppm < assumed 200
  }
  CHECK(j["counters"]["clock.syncs"].get<long long>() >= 4 * 3);
}

TEST_CASE("truetime: a clock drifting faster than assumed falls outside its interval",
          "[engine][clocks]") {
  auto r = run_in_child(tt("sync = true", R"(
[[fault]]
kind = "clock_drift"
node = "n2"
ppm = 1000
at_s = 0
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(metric(j, 2, "truetime_violations") > 0);
  CHECK(metric(j, 1, "truetime_violations") == 0);
  CHECK(j["counters"]["truetime.violations"].get<long long>() ==
        metric(j, 2, "truetime_violations"));
}

TEST_CASE("truetime: a stepped clock breaks the interval until the next sync", "[engine][clocks]") {
  auto r = run_in_child(tt("sync = true\nsync_interval_s = 10", R"(
[[fault]]
kind = "clock_step"
node = "n0"
step_ms = 50
at_s = 5
)",
                           30));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  const auto v = metric(j, 0, "truetime_violations");
  CHECK(v > 0);
  CHECK(v <= 100);  // at most 10 s of samples every 100 ms, then a sync repairs it
}

TEST_CASE("truetime: with the time masters down epsilon keeps growing and stays correct",
          "[engine][clocks]") {
  auto r = run_in_child(tt("sync = true", R"(
[[fault]]
kind = "time_master_down"
at_s = 0
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  // No sync for 120 s: epsilon grows by 120 s x 200 ppm = 24 ms from its first sample on.
  CHECK(metric(j, 0, "eps_max_ns") - metric(j, 0, "eps_min_ns") ==
        Approx(23'980'000).margin(50'000));
  CHECK(j["counters"]["clock.syncs_failed"].get<long long>() > 0);
  CHECK(j["counters"].value("clock.syncs", 0) == 0);
  CHECK(j["counters"].value("truetime.violations", 0) == 0);
}

TEST_CASE("clocks: initial offsets are drawn per node and bound TrueTime before any sync",
          "[engine][clocks]") {
  auto r = run_in_child(tt("offset_max_ms = 20", "", 1));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  // No sync: epsilon starts at offset_max + sync_uncertainty = 21 ms and grows.
  CHECK(metric(j, 0, "eps_min_ns") == Approx(21'000'000).margin(500'000));
  for (int n = 0; n < 4; ++n) CHECK(metric(j, n, "truetime_violations") == 0);
}

TEST_CASE("node costs: a server handles one message at a time for cpu_per_message",
          "[engine][node]") {
  auto r = run_in_child(R"(
[scenario]
duration_s = 1
drain_s = 0
[network]
model = "textbook"
latency_us = 50
[node]
cpu_per_message_ms = 1
[model]
name = "probe"
count = 10
every_us = 1
bytes = 0
)");
  REQUIRE(r.status == 0);
  const auto j = r.json();
  // Ten messages arrive 1 us apart from 50 us on; handled at 50 us, 1.05 ms, ..., 9.05 ms.
  CHECK(metric(j, 1, "received") == 10);
  CHECK(metric(j, 1, "last_arrival_local_ns") == 9'050'000);
}

TEST_CASE("node costs: messages queued for the CPU are handled in arrival order",
          "[engine][node]") {
  // Messages arrive every 30 us and take 50 us each: a queue builds up and drains in order.
  auto r = run_in_child(R"(
[scenario]
duration_s = 1
drain_s = 0
[network]
model = "textbook"
latency_us = 100
[node]
cpu_per_message_us = 50
disk_write_latency_us = 0
[model]
name = "probe"
count = 200
every_us = 30
bytes = 0
)");
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(metric(j, 1, "received") == 200);
  CHECK(metric(j, 1, "out_of_order") == 0);
  // The last one is handled at 100 us + 199 x 50 us.
  CHECK(metric(j, 1, "last_arrival_local_ns") == 100'000 + 199 * 50'000);
  // No event per message per queued position: about one arrival and one cpu_free each.
  CHECK(j["sim"]["events"].get<long long>() < 200 * 5);
}

TEST_CASE("node costs: the disk write latency sets the cost of a durable write", "[engine][node]") {
  auto run = [](const char* node) {
    return run_in_child(fmt::format(R"(
[scenario]
duration_s = 1
[network]
model = "textbook"
latency_us = 50
[node]
{}
[model]
name = "kv"
[[workload]]
mix = {{ write = 1.0 }}
)",
                                    node));
  };
  auto fast = run(""), slow = run("disk_write_latency_ms = 5");
  REQUIRE(fast.status == 0);
  REQUIRE(slow.status == 0);
  const double f = fast.json()["summary"]["write_latency_ms"]["p50"];
  const double s = slow.json()["summary"]["write_latency_ms"]["p50"];
  // A kv write does two storage writes (value, applied-op id): 2 x (5 ms - 20 us) more.
  CHECK(s - f == Approx(9.96).margin(0.05));
}

TEST_CASE("clocks: bad [clocks] and [node] values are rejected naming the key",
          "[engine][clocks][bad-input]") {
  auto a = run_in_child(tt("drift_max_ppm = -1"));
  CHECK(a.status == 2);
  CHECK_THAT(a.output, Catch::Contains("clocks.drift_max_ppm"));
  auto b = run_in_child(tt("sync_interval_s = 0"));
  CHECK(b.status == 2);
  CHECK_THAT(b.output, Catch::Contains("clocks.sync_interval_s"));
  auto c = run_in_child(
      tt("sync = true", "[[fault]]\nkind = \"time_master_down\"\nregions = [\"eu\"]\n"));
  CHECK(c.status == 2);
  CHECK_THAT(c.output, Catch::Contains("fault[0].regions") && Catch::Contains("unknown region"));
}
