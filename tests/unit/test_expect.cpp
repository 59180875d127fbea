// [[expect]]: published vs simulated figures, checked against results.json.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim_child.hpp"

using distlab::test::run_in_child;

namespace {

// The probe model sends 10 messages from n0 to n1: network.sent is 10.
std::string with_expect(const std::string& expect) {
  return fmt::format(R"(
[scenario]
seed = 3
duration_s = 1
drain_s = 0
[model]
name = "probe"
count = 10
membership = true
{}
)",
                     expect);
}

}  // namespace

TEST_CASE("expect: a figure within tolerance passes and is reported", "[engine][expect]") {
  auto r = run_in_child(with_expect(R"(
[[expect]]
metric = "network.sent"
published = 11
tolerance = 0.1
source = "a test"
)"));
  REQUIRE(r.status == 0);
  const auto e = r.json()["expectations"][0];
  CHECK(e["simulated"] == 10);
  CHECK(e["published"] == 11);
  CHECK(e["passed"] == true);
  CHECK(e["source"] == "a test");
}

TEST_CASE("expect: a figure outside tolerance fails the run", "[engine][expect]") {
  // run_in_child reports a run whose checks failed with status 1.
  auto r = run_in_child(with_expect(R"(
[[expect]]
metric = "network.sent"
published = 12
tolerance = 0.1
)"));
  CHECK(r.status == 1);
}

TEST_CASE("expect: at_most and at_least bound a figure", "[engine][expect]") {
  CHECK(run_in_child(with_expect("[[expect]]\nmetric = \"network.sent\"\nat_most = 10\n")).status ==
        0);
  CHECK(run_in_child(with_expect("[[expect]]\nmetric = \"network.sent\"\nat_most = 9\n")).status ==
        1);
  CHECK(
      run_in_child(with_expect("[[expect]]\nmetric = \"network.sent\"\nat_least = 11\n")).status ==
      1);
}

TEST_CASE("expect: paths index arrays and read booleans as 0 or 1", "[engine][expect]") {
  auto r = run_in_child(with_expect(R"(
[[expect]]
metric = "model.membership[0].members[1]"
published = 1
[[expect]]
metric = "nodes[0].sent"
at_least = 10
[[expect]]
metric = "model.ok"
at_least = 1
)"));
  CHECK(r.status == 0);
  CHECK(r.json()["expectations"][2]["simulated"] == 1);
}

TEST_CASE("expect: a path that names nothing is an error naming the key and what is there",
          "[engine][expect][bad-input]") {
  auto r = run_in_child(with_expect("[[expect]]\nmetric = \"network.snet\"\nat_most = 1\n"));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Catch::Contains("expect[0].metric") && Catch::Contains("\"snet\"") &&
                           Catch::Contains("sent"));
  auto idx = run_in_child(with_expect("[[expect]]\nmetric = \"nodes[7].sent\"\nat_most = 1\n"));
  CHECK(idx.status == 2);
  CHECK_THAT(idx.output, Catch::Contains("no element [7]"));
  auto obj = run_in_child(with_expect("[[expect]]\nmetric = \"network\"\nat_most = 1\n"));
  CHECK(obj.status == 2);
  CHECK_THAT(obj.output, Catch::Contains("not a number"));
}

TEST_CASE("expect: an expectation needs a target, and tolerance needs published",
          "[engine][expect][bad-input]") {
  auto a = run_in_child(with_expect("[[expect]]\nmetric = \"network.sent\"\n"));
  CHECK(a.status == 2);
  CHECK_THAT(a.output, Catch::Contains("needs published"));
  auto b = run_in_child(with_expect("[[expect]]\nmetric = \"network.sent\"\ntolerance = 0.1\n"));
  CHECK(b.status == 2);
  CHECK_THAT(b.output, Catch::Contains("expect[0].tolerance"));
  auto c = run_in_child(
      with_expect("[[expect]]\nmetric = \"network.sent\"\npublished = 1\ntolerance = 0\n"));
  CHECK(c.status == 2);
  auto d = run_in_child(with_expect("[[expect]]\nmetric = \"network.sent\"\npublished = 0\n"));
  CHECK(d.status == 2);
  CHECK_THAT(d.output, Catch::Contains("expect[0].published") && Catch::Contains("relative to 0"));
  auto e = run_in_child(with_expect("[[expect]]\nmetric = \"network.sent\"\nat_most = nan\n"));
  CHECK(e.status == 2);
  CHECK_THAT(e.output, Catch::Contains("expect[0].at_most") && Catch::Contains("finite"));
}
