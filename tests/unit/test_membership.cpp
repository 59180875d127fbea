// Membership faults (join, leave) and the model hooks they drive: on_membership and report.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim_child.hpp"

using distlab::test::metric;
using distlab::test::run_in_child;

namespace {

std::string probe(const std::string& faults, const std::string& model_extra = "") {
  return fmt::format(R"(
[scenario]
seed = 3
duration_s = 3
drain_s = 0
[model]
name = "probe"
nodes = 4
count = 0
membership = true
{}
{}
)",
                     model_extra, faults);
}

}  // namespace

TEST_CASE("membership: the model learns the initial members before any node starts",
          "[engine][membership]") {
  auto r = run_in_child(probe(""));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  REQUIRE(j["model"]["membership"].size() == 1);
  CHECK(j["model"]["membership"][0]["t_ns"] == 0);
  CHECK(j["model"]["membership"][0]["members"] == nlohmann::json({0, 1, 2, 3}));
}

TEST_CASE("membership: a server that joins starts outside and is started when it joins",
          "[engine][membership]") {
  auto r = run_in_child(probe(R"(
[[fault]]
kind = "join"
node = "n3"
at_s = 1.5
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  const auto& calls = j["model"]["membership"];
  REQUIRE(calls.size() == 2);
  CHECK(calls[0]["members"] == nlohmann::json({0, 1, 2}));
  CHECK(calls[1]["t_ns"] == 1'500'000'000);
  CHECK(calls[1]["members"] == nlohmann::json({0, 1, 2, 3}));
  CHECK(metric(j, 3, "starts") == 1);
  CHECK(metric(j, 3, "recovers") == 0);
  CHECK(j["counters"]["fault.join"] == 1);
}

TEST_CASE("membership: a server that leaves stops, and rejoins as a recovered node",
          "[engine][membership]") {
  auto r = run_in_child(probe(R"(
[[fault]]
kind = "leave"
node = "n1"
at_s = 1
drain_s = 0.5
[[fault]]
kind = "join"
node = "n1"
at_s = 2
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  const auto& calls = j["model"]["membership"];
  REQUIRE(calls.size() == 3);
  CHECK(calls[0]["members"] == nlohmann::json({0, 1, 2, 3}));
  CHECK(calls[1]["members"] == nlohmann::json({0, 2, 3}));
  CHECK(calls[2]["members"] == nlohmann::json({0, 1, 2, 3}));
  CHECK(metric(j, 1, "starts") == 1);
  CHECK(metric(j, 1, "recovers") == 1);  // storage survived the leave, as after a crash
}

TEST_CASE("membership: joining twice or leaving twice changes nothing the second time",
          "[engine][membership]") {
  auto r = run_in_child(probe(R"(
[[fault]]
kind = "join"
node = "n3"
at_s = 1
[[fault]]
kind = "join"
node = "n3"
at_s = 2
[[fault]]
kind = "leave"
node = "n2"
at_s = 1
[[fault]]
kind = "leave"
node = "n2"
at_s = 2
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  const auto& calls = j["model"]["membership"];
  REQUIRE(calls.size() == 3);  // initial, the first join, the first leave
  CHECK(calls[2]["members"] == nlohmann::json({0, 1, 3}));
}

TEST_CASE("membership: the model's report lands in results.json", "[engine][membership]") {
  auto r = run_in_child(probe(""));
  REQUIRE(r.status == 0);
  CHECK(r.json()["model"].contains("membership"));
}

TEST_CASE("membership: a model without the hook rejects join and leave faults",
          "[engine][membership][bad-input]") {
  auto r = run_in_child(R"(
[scenario]
duration_s = 1
[model]
name = "probe"
[[fault]]
kind = "join"
node = "n1"
at_s = 0.5
)");
  CHECK(r.status == 2);
  CHECK_THAT(r.output,
             Catch::Contains("fault[0].kind") && Catch::Contains("no notion of membership"));
}

TEST_CASE("membership: join and leave take servers, not clients",
          "[engine][membership][bad-input]") {
  auto r = run_in_child(probe(R"(
[[fault]]
kind = "leave"
node = "client0"
at_s = 1
)"));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("fault[0].node") && Catch::Contains("unknown server node"));
}

TEST_CASE("membership: a server that leaves and rejoins within its drain time keeps running",
          "[engine][membership]") {
  auto r = run_in_child(probe(R"(
[[fault]]
kind = "leave"
node = "n1"
at_s = 1
[[fault]]
kind = "join"
node = "n1"
at_s = 1.5
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(j["model"]["membership"].size() == 3);
  CHECK(metric(j, 1, "starts") == 1);
  CHECK(metric(j, 1, "recovers") == 0);  // never stopped
}

TEST_CASE("membership: a crash before the join is ignored and the server starts when it joins",
          "[engine][membership]") {
  auto r = run_in_child(probe(R"(
[[fault]]
kind = "crash"
node = "n3"
at_s = 0.5
[[fault]]
kind = "join"
node = "n3"
at_s = 1
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  CHECK(j["model"]["membership"].size() == 2);
  CHECK(metric(j, 3, "starts") == 1);
  CHECK(metric(j, 3, "recovers") == 0);
}

TEST_CASE("membership: every server may leave, and a join and a leave at one instant both count",
          "[engine][membership]") {
  auto r = run_in_child(probe(R"(
[[fault]]
kind = "leave"
node = "servers"
at_s = 1
[[fault]]
kind = "join"
node = "n1"
at_s = 2
[[fault]]
kind = "leave"
node = "n1"
at_s = 2
)"));
  REQUIRE(r.status == 0);
  const auto j = r.json();
  const auto& calls = j["model"]["membership"];
  REQUIRE(calls.size() == 4);
  CHECK(calls[1]["members"] == nlohmann::json::array());
  CHECK(calls[2]["members"] == nlohmann::json({1}));
  CHECK(calls[3]["members"] == nlohmann::json::array());
}
