#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "distlab/sim/histogram.hpp"
#include "distlab/sim/rng.hpp"

namespace {

using distlab::sim::Histogram;

// The value of rank ceil(q * n) (at least 1) in sorted order, as Histogram::quantile defines.
std::int64_t exact_quantile(std::vector<std::int64_t> values, double q) {
  std::sort(values.begin(), values.end());
  const auto n = static_cast<double>(values.size());
  const auto rank =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::ceil(q * n)), 1, values.size());
  return values[rank - 1];
}

void check_quantiles(const std::vector<std::int64_t>& values) {
  Histogram h;
  for (std::int64_t v : values) h.record(v);
  REQUIRE(h.count() == values.size());
  for (double q : {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    const std::int64_t exact = exact_quantile(values, q);
    const std::int64_t got = h.quantile(q);
    INFO("q " << q << " exact " << exact << " got " << got);
    CHECK(std::abs(static_cast<double>(got - exact)) <= 0.01 * static_cast<double>(exact));
  }
  CHECK(h.min() == *std::min_element(values.begin(), values.end()));
  CHECK(h.max() == *std::max_element(values.begin(), values.end()));
}

}  // namespace

TEST_CASE("histogram: an empty histogram reports zeros", "[histogram]") {
  const Histogram h;
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0.0);
  CHECK(h.quantile(0.5) == 0);
  CHECK(h.quantile(1.0) == 0);
  CHECK(h.buckets().empty());
}

TEST_CASE("histogram: quantiles of a uniform distribution are within 1%", "[histogram]") {
  distlab::sim::Rng rng{1};
  std::vector<std::int64_t> values;
  for (int i = 0; i < 100'000; ++i) {
    values.push_back(1'000'000 + static_cast<std::int64_t>(rng.next_u64() % 9'000'000));
  }
  check_quantiles(values);
}

TEST_CASE("histogram: quantiles of an exponential distribution are within 1%", "[histogram]") {
  distlab::sim::Rng rng{2};
  std::vector<std::int64_t> values;
  for (int i = 0; i < 100'000; ++i) {
    values.push_back(static_cast<std::int64_t>(-std::log(1.0 - rng.uniform01()) * 250'000.0));
  }
  check_quantiles(values);
}

TEST_CASE("histogram: quantiles of values from 1 ns to 100 s are within 1%", "[histogram]") {
  distlab::sim::Rng rng{3};
  std::vector<std::int64_t> values;
  for (int i = 0; i < 100'000; ++i) {  // log-uniform over 11 decades
    values.push_back(static_cast<std::int64_t>(std::pow(10.0, 11.0 * rng.uniform01())));
  }
  check_quantiles(values);
}

TEST_CASE("histogram: small values are exact", "[histogram]") {
  Histogram h;
  for (std::int64_t v = 0; v < 256; ++v) h.record(v);
  for (std::int64_t v = 0; v < 256; ++v) {
    CHECK(h.quantile((static_cast<double>(v) + 0.5) / 256.0) == v);
  }
}

TEST_CASE("histogram: min, max and mean are exact", "[histogram]") {
  Histogram h;
  h.record(1'234'567'891);
  h.record(17, 3);
  h.record(999'999'999'999);
  CHECK(h.count() == 5);
  CHECK(h.min() == 17);
  CHECK(h.max() == 999'999'999'999);
  CHECK(h.quantile(1.0) == 999'999'999'999);
  CHECK(h.quantile(0.0) == 17);
  CHECK(h.mean() == Approx((1'234'567'891.0 + 51.0 + 999'999'999'999.0) / 5.0));
}

TEST_CASE("histogram: the mean does not overflow on huge sums", "[histogram]") {
  Histogram h;
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  h.record(big, 1'000'000);
  h.record(big);
  CHECK(h.mean() == Approx(static_cast<double>(big)));
  CHECK(h.max() == big);
  CHECK(h.quantile(0.5) <= big);
  const auto buckets = h.buckets();
  REQUIRE(buckets.size() == 1);
  CHECK(std::get<2>(buckets[0]) == 1'000'001);
}

TEST_CASE("histogram: negative values count as zero", "[histogram]") {
  Histogram h;
  h.record(-5);
  CHECK(h.count() == 1);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  h.record(10, 0);  // a zero count records nothing
  CHECK(h.count() == 1);
  CHECK(h.max() == 0);
}

TEST_CASE("histogram: merging equals recording both", "[histogram]") {
  distlab::sim::Rng rng{4};
  Histogram a, b, both;
  for (int i = 0; i < 10'000; ++i) {
    const auto v = static_cast<std::int64_t>(rng.next_u64() % 50'000'000);
    (i % 3 == 0 ? a : b).record(v);
    both.record(v);
  }
  b.record(123'456'789'000);
  both.record(123'456'789'000);
  Histogram merged = a;
  merged.merge(b);
  CHECK(merged.count() == both.count());
  CHECK(merged.min() == both.min());
  CHECK(merged.max() == both.max());
  CHECK(merged.mean() == both.mean());
  CHECK(merged.buckets() == both.buckets());
  for (double q : {0.0, 0.5, 0.9, 0.99, 1.0}) CHECK(merged.quantile(q) == both.quantile(q));

  Histogram empty;
  empty.merge(merged);  // into an empty histogram
  CHECK(empty.buckets() == both.buckets());
  CHECK(empty.min() == both.min());
  merged.merge(Histogram{});  // an empty one changes nothing
  CHECK(merged.buckets() == both.buckets());
}

TEST_CASE("histogram: buckets are ascending, narrow and hold their values", "[histogram]") {
  Histogram h;
  const std::vector<std::int64_t> values{0, 1, 255, 256, 257, 1'000, 65'537, 1'000'000'007};
  for (std::int64_t v : values) h.record(v);
  const auto buckets = h.buckets();
  REQUIRE(buckets.size() == values.size() - 1);  // 256 and 257 share a bucket
  std::int64_t previous_upper = 0;
  for (const auto& [lower, upper, count] : buckets) {
    CHECK(lower >= previous_upper);
    CHECK(upper > lower);
    CHECK((upper - lower) * 128 <= std::max<std::int64_t>(lower, 128));
    previous_upper = upper;
  }
  for (std::int64_t v : values) {
    CHECK(std::count_if(buckets.begin(), buckets.end(), [&](const auto& b) {
            return std::get<0>(b) <= v && v < std::get<1>(b);
          }) == 1);
  }
}
