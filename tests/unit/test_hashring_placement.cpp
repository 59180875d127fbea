// Placement strategies of the consistent-hashing lab (models/hashring/placement): membership,
// monotonicity, determinism, balance against the published figures, and option checks. The
// numbers in the comments were measured with this code; the bounds leave room around them
// while staying far below what a broken strategy would give.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hashring/placement/analysis.hpp"
#include "hashring/placement/placement.hpp"
#include "hashring/placement/strategies.hpp"

namespace {

namespace hr = distlab::models::hashring;
using hr::HashFn;
using hr::Member;
using hr::Placement;
using hr::PlacementConfig;
using hr::ServerId;

std::vector<Member> servers(ServerId first, ServerId count) {
  std::vector<Member> out;
  for (ServerId id = first; id < first + count; ++id) {
    out.push_back(Member{id, "server-" + std::to_string(id), 1.0});
  }
  return out;
}

Member server(ServerId id) { return Member{id, "server-" + std::to_string(id), 1.0}; }

PlacementConfig config(const std::string& strategy, std::uint64_t seed = 0) {
  PlacementConfig c;
  c.strategy = strategy;
  c.seed = seed;
  return c;
}

std::unique_ptr<Placement> build(const PlacementConfig& c, const std::vector<Member>& members,
                                 const std::vector<std::uint64_t>& keys) {
  auto p = hr::make_placement(c);
  p->reset(members);
  p->place_keys(keys);
  return p;
}

// Every owner is one of the placement's current members.
bool all_current(const Placement& p, const std::vector<ServerId>& owners) {
  std::vector<ServerId> ids = p.members();
  std::sort(ids.begin(), ids.end());
  return std::all_of(owners.begin(), owners.end(),
                     [&](ServerId o) { return std::binary_search(ids.begin(), ids.end(), o); });
}

std::vector<std::uint64_t> keys(std::uint64_t count, std::uint64_t seed = 0) {
  return hr::key_hashes(HashFn::xxh3, count, seed);
}

}  // namespace

// ---- membership and determinism (every strategy) ------------------------------------------

TEST_CASE("placement: every key maps to a current member after adds and removes", "[hashring]") {
  const auto k = keys(50'000);
  for (const std::string& s : hr::strategy_names()) {
    DYNAMIC_SECTION("strategy " << s) {
      auto p = build(config(s), servers(0, 20), k);
      CHECK(p->size() == 20);
      CHECK(all_current(*p, hr::assign_all(*p, k)));
      // Without place_keys after the changes: bounded re-places its keys by itself.
      for (ServerId id : {20u, 21u, 22u}) {
        p->add(server(id));
        CHECK(all_current(*p, hr::assign_all(*p, k)));
      }
      for (ServerId id : {0u, 22u, 10u, 5u}) {
        p->remove(id);
        CHECK(all_current(*p, hr::assign_all(*p, k)));
      }
      CHECK(p->size() == 19);
      p->place_keys(k);
      const auto owners = hr::assign_all(*p, k);
      CHECK(all_current(*p, owners));
      CHECK(std::count(owners.begin(), owners.end(), ServerId{10}) == 0);
      // Down to one member: it owns every key.
      std::vector<Member> one = {server(7)};
      p->reset(one);
      p->place_keys(k);
      const auto single = hr::assign_all(*p, k);
      CHECK(std::all_of(single.begin(), single.end(), [](ServerId o) { return o == 7; }));
    }
  }
}

TEST_CASE("placement: two instances built the same way assign every key alike", "[hashring]") {
  const auto k = keys(50'000, 3);
  for (const std::string& s : hr::strategy_names()) {
    DYNAMIC_SECTION("strategy " << s) {
      auto a = build(config(s, 3), servers(0, 30), k);
      auto b = build(config(s, 3), servers(0, 30), k);
      for (auto* p : {a.get(), b.get()}) {
        p->add(server(30));
        p->remove(12);
        p->place_keys(k);
      }
      CHECK(hr::assign_all(*a, k) == hr::assign_all(*b, k));
      CHECK(a->describe() == b->describe());
      CHECK(a->memory_bytes() == b->memory_bytes());
      CHECK(a->lookup_steps() == b->lookup_steps());
      // Built by successive adds instead of one reset: the same assignment. (Maglev's
      // automatic table size is fixed by the first membership, so give both the same.)
      auto same = config(s, 3);
      same.table_size = 3001;
      auto c = hr::make_placement(same);
      for (const Member& m : servers(0, 30)) c->add(m);
      c->place_keys(k);
      auto d = build(same, servers(0, 30), k);
      CHECK(hr::assign_all(*c, k) == hr::assign_all(*d, k));
    }
  }
}

TEST_CASE("placement: another hash seed gives another assignment", "[hashring]") {
  const auto k = keys(10'000);
  for (const char* s : {"ring", "rendezvous", "maglev", "bounded"}) {
    DYNAMIC_SECTION("strategy " << s) {
      auto a = build(config(s, 1), servers(0, 10), k);
      auto b = build(config(s, 2), servers(0, 10), k);
      CHECK(hr::moved_fraction(hr::assign_all(*a, k), hr::assign_all(*b, k)) > 0.5);
    }
  }
}

// ---- monotonicity and movement ------------------------------------------------------------

TEST_CASE("ring, jump and rendezvous: adding a server only moves keys to it", "[hashring]") {
  const auto k = keys(200'000, 5);
  for (const char* s : {"ring", "jump", "rendezvous"}) {
    DYNAMIC_SECTION("strategy " << s) {
      auto p = build(config(s, 5), servers(0, 100), k);
      const auto before = hr::assign_all(*p, k);
      p->add(server(100));
      const auto after = hr::assign_all(*p, k);
      CHECK(hr::moves_only_to(before, after, 100));
      // Ideal 1/101; the ring's share of the new server varies as 1/sqrt(V) (measured 0.91 to
      // 1.22 times the ideal over 5 seeds), jump and rendezvous only by sampling noise.
      const double ratio = hr::moved_fraction(before, after) * 101;
      INFO("moved / ideal = " << ratio);
      if (std::string(s) == "ring") {
        CHECK(ratio > 0.6);
        CHECK(ratio < 1.5);
      } else {
        CHECK(ratio == Approx(1.0).epsilon(0.1));
      }
    }
  }
}

TEST_CASE("ring and rendezvous: removing any server only moves keys from it", "[hashring]") {
  const auto k = keys(200'000, 6);
  for (const char* s : {"ring", "rendezvous"}) {
    DYNAMIC_SECTION("strategy " << s) {
      auto p = build(config(s, 6), servers(0, 100), k);
      for (ServerId gone : {37u, 0u, 99u}) {
        const auto before = hr::assign_all(*p, k);
        p->remove(gone);
        const auto after = hr::assign_all(*p, k);
        CHECK(hr::moves_only_from(before, after, gone));
        CHECK(hr::moved_fraction(before, after) > 0);
      }
    }
  }
}

TEST_CASE("jump: from n to n + 1 buckets exactly the new bucket's keys move, 1/(n + 1) of them",
          "[hashring]") {
  const auto k = keys(100'000, 7);
  for (ServerId n : {1u, 2u, 5u, 10u, 20u, 50u, 100u}) {
    auto p = build(config("jump"), servers(0, n), k);
    const auto before = hr::assign_all(*p, k);
    p->add(server(n));
    const auto after = hr::assign_all(*p, k);
    INFO("n = " << n);
    CHECK(hr::moves_only_to(before, after, n));
    // Measured 0.955 to 1.011 times the ideal for these n.
    CHECK(hr::moved_fraction(before, after) * (n + 1) == Approx(1.0).epsilon(0.1));
  }
}

TEST_CASE("jump: lookups give the buckets of the published algorithm", "[hashring]") {
  // The strategy uses an equivalent loop with a shorter dependency chain when the CPU has
  // SSE4.1 and FMA (jump.cpp): it must give exactly the published buckets.
  const auto k = keys(200'000, 18);
  const std::int32_t big = 2'147'483'647;
  for (std::int32_t n : {1, 2, 3, 10, 1000, 10'007, 1 << 20, big}) {
    INFO("n = " << n << ", fast loop available: " << hr::jump_hash_fma_supported());
    std::size_t differ = 0;
    for (std::uint64_t h : k) differ += hr::jump_hash_fma(h, n) != hr::jump_hash_published(h, n);
    CHECK(differ == 0);
  }
  auto p = build(config("jump"), servers(0, 1000), k);
  std::size_t differ = 0;
  for (std::uint64_t h : k) {
    differ += p->lookup(h) != static_cast<ServerId>(hr::jump_hash_published(h, 1000));
  }
  CHECK(differ == 0);
  // Test vectors of the reference C++ code (as published with dgryski/go-jump and
  // jedisct1/rust-jumphash): the bucket of a key for 1, 2, ... buckets.
  struct Vector {
    std::uint64_t key;
    std::vector<std::int32_t> buckets;
  };
  const std::vector<Vector> vectors = {
      {1, {0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17}},
      {0xdeadbeef, {0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16}},
      {0x0ddc0ffeebadf00d, {0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15}},
  };
  for (const Vector& v : vectors) {
    for (std::size_t i = 0; i < v.buckets.size(); ++i) {
      const auto n = static_cast<std::int32_t>(i + 1);
      INFO("key " << v.key << ", " << n << " buckets");
      CHECK(hr::jump_hash_published(v.key, n) == v.buckets[i]);
      CHECK(hr::jump_hash_fma(v.key, n) == v.buckets[i]);
    }
  }
  CHECK(hr::jump_hash_published(123456, 1000) == 984);
  CHECK(hr::jump_hash_fma(123456, 1000) == 984);
}

TEST_CASE("jump: removing the last bucket moves only its keys, another one about 2/n",
          "[hashring]") {
  const auto k = keys(200'000, 8);
  auto p = build(config("jump", 8), servers(0, 100), k);
  auto before = hr::assign_all(*p, k);
  p->remove(99);  // the last bucket
  auto after = hr::assign_all(*p, k);
  CHECK(hr::moves_only_from(before, after, 99));
  CHECK(hr::moved_fraction(before, after) * 100 == Approx(1.0).epsilon(0.1));
  // Server 98 now has the last bucket; removing server 40 moves it into bucket 40: server 40's
  // keys go to server 98 and bucket 98's keys spread over the others (measured 1.98 to 2.00
  // times 1/n over 5 seeds).
  before = after;
  p->remove(40);
  after = hr::assign_all(*p, k);
  CHECK_FALSE(hr::moves_only_from(before, after, 40));
  CHECK(hr::moved_fraction(before, after) * 99 == Approx(2.0).epsilon(0.1));
  CHECK(p->size() == 98);
  CHECK(all_current(*p, after));
}

TEST_CASE("maglev: a join moves a few times the ideal, less with a larger table", "[hashring]") {
  // Maglev trades some disruption for its balance and one-probe lookups (NSDI 2016, Fig. 12:
  // larger tables are more resilient). Measured with 100 servers: 2.44 to 2.80 times the
  // ideal 1/(n + 1) with M = 10007 over 5 seeds, 1.43 with M = 100003, 1.11 with M = 1000003.
  const auto k = keys(200'000, 9);
  auto moved_ratio = [&](std::uint64_t table_size) {
    auto c = config("maglev", 9);
    c.table_size = table_size;
    auto p = build(c, servers(0, 100), k);
    const auto before = hr::assign_all(*p, k);
    p->add(server(100));
    return hr::moved_fraction(before, hr::assign_all(*p, k)) * 101;
  };
  const double small = moved_ratio(0);  // 10007
  const double large = moved_ratio(1'000'003);
  INFO("moved / ideal: M = 10007 " << small << ", M = 1000003 " << large);
  CHECK(small > 1.0);
  CHECK(small < 3.5);
  CHECK(large < 1.3);
  CHECK(large < small);
}

TEST_CASE("bounded: a join moves few keys beyond the ideal", "[hashring]") {
  // MTZ 2018 bound the expected moves by O(1/eps^2) per change; measured with 100 servers and
  // 1M keys over 5 seeds: 0.91 to 1.24 times the ideal 1/(n + 1) at eps = 0.25 (where it is
  // mostly the plain ring) and 1.07 to 1.29 at eps = 0.1. Mod-N would move 100 times the ideal.
  const auto k = keys(200'000, 10);
  for (double eps : {0.25, 0.1}) {
    auto c = config("bounded", 10);
    c.epsilon = eps;
    auto p = build(c, servers(0, 100), k);
    const auto before = hr::assign_all(*p, k);
    p->add(server(100));
    p->place_keys(k);
    const double ratio = hr::moved_fraction(before, hr::assign_all(*p, k)) * 101;
    INFO("eps = " << eps << ": moved / ideal = " << ratio);
    CHECK(ratio > 0.5);
    CHECK(ratio < 1.6);
  }
}

TEST_CASE("modn: a join moves about n/(n + 1) of the keys", "[hashring]") {
  const auto k = keys(200'000, 11);
  for (ServerId n : {10u, 100u}) {
    auto p = build(config("modn"), servers(0, n), k);
    const auto before = hr::assign_all(*p, k);
    p->add(server(n));
    const double moved = hr::moved_fraction(before, hr::assign_all(*p, k));
    CHECK(moved == Approx(static_cast<double>(n) / (n + 1)).epsilon(0.01));
  }
}

// ---- balance ------------------------------------------------------------------------------

TEST_CASE("ring: load spread is about 1/sqrt(V), 0.10 at V = 100 and 0.032 at V = 1000",
          "[hashring]") {
  // Measured over 8 seeds with 100 servers and 1M keys: 0.091 to 0.109 at V = 100,
  // 0.032 to 0.035 at V = 1000.
  struct Case {
    std::uint32_t vnodes;
    double lo, hi;
  };
  for (const Case& t : {Case{100, 0.07, 0.13}, Case{1000, 0.025, 0.04}}) {
    for (std::uint64_t seed : {1, 2, 3}) {
      auto c = config("ring", seed);
      c.vnodes = t.vnodes;
      const auto k = keys(1'000'000, seed);
      auto p = build(c, servers(0, 100), k);
      const auto b = hr::balance(hr::assign_all(*p, k), p->members());
      INFO("V = " << t.vnodes << ", seed " << seed << ": stddev/mean " << b.stddev_rel);
      CHECK(b.servers == 100);
      CHECK(b.mean == 10'000);
      CHECK(b.stddev_rel >= t.lo);
      CHECK(b.stddev_rel <= t.hi);
    }
  }
}

TEST_CASE("jump, maglev, rendezvous and modn: loads are as even as sampling noise allows",
          "[hashring]") {
  // 100 servers, 1M keys: 10,000 keys per server, so sampling noise alone is 1% (Poisson) and
  // the largest of 100 servers is about 1.025 times the mean. Measured over 5 seeds: stddev/mean
  // 0.009 to 0.012, max/mean 1.018 to 1.034. Maglev's table gives each backend 100 or 101 of
  // its 10007 slots, which adds little.
  for (const char* s : {"jump", "maglev", "rendezvous", "modn"}) {
    for (std::uint64_t seed : {1, 2}) {
      DYNAMIC_SECTION("strategy " << s << ", seed " << seed) {
        const auto k = keys(1'000'000, seed);
        auto p = build(config(s, seed), servers(0, 100), k);
        const auto b = hr::balance(hr::assign_all(*p, k), p->members());
        CHECK(b.stddev_rel < 0.013);
        CHECK(b.max_over_mean <= 1.045);
        CHECK(b.min_over_mean >= 0.955);
      }
    }
  }
}

TEST_CASE("bounded: no server holds more than ceil((1 + eps) m / n) keys", "[hashring]") {
  // 1M keys on 100 servers: the capacity is exactly 12,500 at eps = 0.25 and 11,000 at 0.1.
  // The plain ring at V = 100 reaches 1.22 to 1.30 times the mean (measured).
  const auto k = keys(1'000'000, 12);
  for (double eps : {0.25, 0.1}) {
    auto c = config("bounded", 12);
    c.epsilon = eps;
    auto p = build(c, servers(0, 100), k);
    const auto b = hr::balance(hr::assign_all(*p, k), p->members());
    INFO("eps = " << eps << ": max/mean " << b.max_over_mean);
    CHECK(b.max_over_mean <= 1 + eps);
    CHECK(b.max_over_mean > 1 + eps - 0.05);  // the bound binds: the plain ring exceeds it
  }
}

TEST_CASE("bounded: with a loose bound every key goes to its ring successor", "[hashring]") {
  const auto k = keys(100'000, 13);
  auto c = config("bounded", 13);
  c.epsilon = 10;  // capacity 11 times the mean: never reached
  auto bounded = build(c, servers(0, 50), k);
  auto ring = build(config("ring", 13), servers(0, 50), k);
  CHECK(hr::assign_all(*bounded, k) == hr::assign_all(*ring, k));
}

TEST_CASE("bounded: a key that was not placed goes to its ring successor", "[hashring]") {
  const auto placed = keys(100'000, 14);
  const auto others = keys(10'000, 15);
  auto c = config("bounded", 14);
  c.epsilon = 0.05;  // tight: many placed keys are pushed past their successor
  auto bounded = build(c, servers(0, 50), placed);
  auto ring = build(config("ring", 14), servers(0, 50), placed);
  CHECK(hr::assign_all(*bounded, others) == hr::assign_all(*ring, others));
  CHECK(hr::moved_fraction(hr::assign_all(*bounded, placed), hr::assign_all(*ring, placed)) > 0.01);
}

TEST_CASE("ring: a server of weight 2 gets about twice the keys", "[hashring]") {
  // 10 servers at V = 100, 5 of weight 2 (200 points) and 5 of weight 1: the ratio of their
  // mean loads measured 1.77 to 2.11 over 12 seeds (each load varies by about 1/sqrt(points)).
  const auto k = keys(400'000, 16);
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    auto members = servers(0, 10);
    for (std::size_t i = 0; i < members.size(); i += 2) members[i].weight = 2;
    auto p = build(config("ring", seed), members, k);
    std::vector<double> count(10, 0);
    for (ServerId o : hr::assign_all(*p, k)) ++count[o];
    double heavy = 0, light = 0;
    for (std::size_t i = 0; i < count.size(); ++i) (i % 2 == 0 ? heavy : light) += count[i];
    INFO("seed " << seed << ": ratio " << heavy / light);
    CHECK(heavy / light == Approx(2.0).epsilon(0.15));
  }
  auto p = hr::make_placement(config("ring"));
  p->add(Member{1, "a", 2.5});
  p->add(Member{2, "b", 0.001});  // rounds to no points: still gets one
  CHECK(p->describe().find("251 points") != std::string::npos);
}

TEST_CASE("rendezvous: a server of weight 2 gets twice the keys", "[hashring]") {
  // Measured 1.993 to 2.007 over 8 seeds with 1M keys.
  const auto k = keys(400'000, 17);
  auto members = servers(0, 10);
  members[3].weight = 2;
  members[7].weight = 2;
  auto p = build(config("rendezvous", 17), members, k);
  std::vector<double> count(10, 0);
  for (ServerId o : hr::assign_all(*p, k)) ++count[o];
  const double light = (k.size() - count[3] - count[7]) / 8.0;
  CHECK(count[3] / light == Approx(2.0).epsilon(0.03));
  CHECK(count[7] / light == Approx(2.0).epsilon(0.03));
  // Back to equal weights after the heavy servers leave: the fast unweighted path.
  p->remove(3);
  p->remove(7);
  CHECK(p->describe().find("unweighted") != std::string::npos);
}

TEST_CASE("placement: weights that are not finite numbers > 0 are rejected", "[hashring]") {
  for (const char* s : {"ring", "rendezvous"}) {
    auto p = hr::make_placement(config(s));
    CHECK_THROWS_WITH(p->add(Member{1, "a", 0.0}), "weight must be a finite number > 0 (got 0)");
    CHECK_THROWS_AS(p->add(Member{1, "a", -1.0}), std::invalid_argument);
    CHECK_THROWS_AS(p->add(Member{1, "a", NAN}), std::invalid_argument);
    CHECK(p->size() == 0);
  }
  // A ring of more than 2^28 points is refused before allocating, and the failed add changes
  // nothing.
  auto c = config("ring");
  c.vnodes = 100'000;
  auto p = hr::make_placement(c);
  p->add(Member{1, "a", 1.0});
  CHECK_THROWS_WITH(p->add(Member{2, "b", 3000.0}),
                    "weight 3000 gives a server 300000000 ring points at vnodes = 100000 (at most "
                    "268435456)");
  CHECK_THROWS_WITH(p->add(Member{2, "b", 2684.0}),
                    Catch::StartsWith("the ring would hold 268500000 points (at most 268435456)"));
  CHECK(p->members() == std::vector<ServerId>{1});
  CHECK(p->lookup(12345) == 1);
}

// ---- maglev's table -----------------------------------------------------------------------

TEST_CASE("maglev: table_size 0 is the smallest prime above 100 servers, then kept", "[hashring]") {
  auto p = hr::make_placement(config("maglev"));
  p->reset(servers(0, 100));
  CHECK(p->describe().find("M=10007,") != std::string::npos);
  CHECK(p->memory_bytes() == 10007 * sizeof(ServerId));
  p->add(server(100));
  CHECK(p->describe().find("M=10007,") != std::string::npos);
  CHECK(p->lookup_steps() == 1.0);
}

TEST_CASE("maglev: every backend gets the same number of slots to within one", "[hashring]") {
  auto c = config("maglev");
  c.table_size = 101;
  auto p = hr::make_placement(c);
  p->reset(servers(0, 7));
  std::vector<int> slots(7, 0);
  for (std::uint64_t slot = 0; slot < 101; ++slot) ++slots[p->lookup(slot)];
  CHECK(*std::min_element(slots.begin(), slots.end()) == 14);
  CHECK(*std::max_element(slots.begin(), slots.end()) == 15);
}

// ---- options, primes, hashes, analysis ----------------------------------------------------

TEST_CASE("placement: bad options are rejected with a message naming the parameter", "[hashring]") {
  auto c = config("ring");
  c.vnodes = 0;
  CHECK_THROWS_WITH(hr::make_placement(c), "vnodes must be at least 1 (got 0)");
  c.strategy = "bounded";
  CHECK_THROWS_WITH(hr::make_placement(c), "vnodes must be at least 1 (got 0)");
  c.vnodes = 100;
  c.epsilon = 0;
  CHECK_THROWS_WITH(hr::make_placement(c), "epsilon must be > 0 (got 0)");
  c.epsilon = -0.5;
  CHECK_THROWS_WITH(hr::make_placement(c), "epsilon must be > 0 (got -0.5)");
  c.epsilon = NAN;
  CHECK_THROWS_WITH(hr::make_placement(c), Catch::StartsWith("epsilon must be > 0"));
  c.epsilon = INFINITY;
  CHECK_THROWS_WITH(hr::make_placement(c), "epsilon must be finite (got inf)");
  c = config("maglev");
  c.table_size = 1000;
  CHECK_THROWS_WITH(hr::make_placement(c),
                    "table_size must be prime (got 1000; the nearest primes are 997 and 1009)");
  c.table_size = 1;
  CHECK_THROWS_WITH(hr::make_placement(c),
                    "table_size must be prime (got 1; the nearest prime is 2)");
  c.table_size = 1009;
  CHECK_NOTHROW(hr::make_placement(c));
  c = config("chord");
  CHECK_THROWS_WITH(hr::make_placement(c),
                    "unknown strategy 'chord' (known: ring, jump, rendezvous, maglev, bounded, "
                    "modn)");
  // Parameters a strategy does not read are not checked.
  c = config("jump");
  c.vnodes = 0;
  c.epsilon = -1;
  c.table_size = 1000;
  CHECK_NOTHROW(hr::make_placement(c));
  CHECK_THROWS_WITH(hr::parse_hash_fn("md5"), "hash must be xxh3 or xxh64 (got 'md5')");
}

TEST_CASE("primes: is_prime agrees with a sieve and knows large primes", "[hashring]") {
  const std::uint64_t n = 20'000;
  std::vector<bool> sieve(n, true);
  sieve[0] = sieve[1] = false;
  for (std::uint64_t i = 2; i * i < n; ++i) {
    if (sieve[i]) {
      for (std::uint64_t j = i * i; j < n; j += i) sieve[j] = false;
    }
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    INFO(i);
    REQUIRE(hr::is_prime(i) == sieve[i]);
  }
  CHECK_FALSE(hr::is_prime(561));                      // Carmichael
  CHECK_FALSE(hr::is_prime(3'215'031'751ull));         // strong pseudoprime to bases 2, 3, 5, 7
  CHECK(hr::is_prime((1ull << 61) - 1));               // Mersenne
  CHECK(hr::is_prime(18'446'744'073'709'551'557ull));  // the largest 64-bit prime
  CHECK_FALSE(hr::is_prime(18'446'744'073'709'551'615ull));
  CHECK(hr::next_prime_above(10'000) == 10'007);
  CHECK(hr::next_prime_above(1'000) == 1'009);
  CHECK(hr::next_prime_above(1'009) == 1'013);
  CHECK(hr::next_prime_above(1'000'000) == 1'000'003);
  CHECK(hr::next_prime_above(0) == 2);
}

TEST_CASE("hash: a key id is hashed as its 8 little-endian bytes", "[hashring]") {
  const std::uint64_t key = 0x0123456789abcdefull;
  const unsigned char bytes[8] = {0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01};
  for (HashFn h : {HashFn::xxh3, HashFn::xxh64}) {
    CHECK(hr::hash_u64(h, key, 42) == hr::hash_bytes(h, bytes, 8, 42));
    CHECK(hr::hash_u64(h, key, 42) != hr::hash_u64(h, key, 43));
    CHECK(hr::parse_hash_fn(hr::to_string(h)) == h);
  }
  CHECK(hr::hash_u64(HashFn::xxh3, key) != hr::hash_u64(HashFn::xxh64, key));
  const auto k = hr::key_hashes(HashFn::xxh64, 3, 9);
  CHECK(k == std::vector<std::uint64_t>{hr::hash_u64(HashFn::xxh64, 0, 9),
                                        hr::hash_u64(HashFn::xxh64, 1, 9),
                                        hr::hash_u64(HashFn::xxh64, 2, 9)});
}

TEST_CASE("analysis: servers without keys count in the balance", "[hashring]") {
  const std::vector<ServerId> owners = {1, 1, 1, 2};
  const std::vector<ServerId> members = {1, 2, 3, 4};
  const auto b = hr::balance(owners, members);
  CHECK(b.servers == 4);
  CHECK(b.mean == 1.0);
  CHECK(b.max_over_mean == 3.0);
  CHECK(b.min_over_mean == 0.0);
  CHECK(b.stddev_rel == Approx(std::sqrt((4.0 + 0 + 1 + 1) / 4)));
  const std::vector<ServerId> stranger = {1, 9};
  CHECK_THROWS_WITH(hr::balance(stranger, members), "owner 9 is not a member");
  const std::vector<ServerId> big_ids = {1'000'000, 5};
  CHECK(hr::balance(big_ids, std::vector<ServerId>{5, 1'000'000}).max_over_mean == 1.0);
}

TEST_CASE("analysis: moved fraction and monotonicity checks compare owners key by key",
          "[hashring]") {
  const std::vector<ServerId> before = {1, 2, 3, 1};
  const std::vector<ServerId> after = {1, 4, 3, 4};
  CHECK(hr::moved_fraction(before, after) == 0.5);
  CHECK(hr::moves_only_to(before, after, 4));
  CHECK_FALSE(hr::moves_only_to(before, after, 3));
  CHECK_FALSE(hr::moves_only_from(before, after, 1));
  const std::vector<ServerId> without_two = {1, 3, 3, 1};
  CHECK(hr::moves_only_from(before, without_two, 2));
  CHECK(hr::moved_fraction(std::vector<ServerId>{}, std::vector<ServerId>{}) == 0);
  const std::vector<ServerId> shorter = {1};
  CHECK_THROWS_AS(hr::moved_fraction(before, shorter), std::invalid_argument);
}

TEST_CASE("placement: the cost model and memory follow each strategy's structure", "[hashring]") {
  const std::vector<std::uint64_t> none;
  auto steps = [&](const std::string& s, ServerId n) {
    return build(config(s), servers(0, n), none)->lookup_steps();
  };
  CHECK(steps("modn", 1000) == 1.0);
  CHECK(steps("maglev", 1000) == 1.0);
  CHECK(steps("rendezvous", 1000) == 1000.0);
  CHECK(steps("jump", 1000) == Approx(std::log(1000.0) + 1));
  CHECK(steps("ring", 1000) < 5.0);  // the radix index: about one point per bucket
  auto ring = build(config("ring"), servers(0, 1000), none);
  CHECK(ring->describe() == "ring V=100, 100000 points, index 2^17, xxh3");
  CHECK(ring->memory_bytes() >= 100'000 * (sizeof(std::uint64_t) + sizeof(ServerId)));
  auto jump = build(config("jump"), servers(0, 1000), none);
  CHECK(jump->memory_bytes() >= 1000 * sizeof(ServerId));  // the bucket vector's capacity
  CHECK(jump->memory_bytes() < 2000 * sizeof(ServerId));
  // Bounded: a placed key is one probe of a table at most half full.
  auto bounded = build(config("bounded"), servers(0, 100), keys(100'000));
  CHECK(bounded->lookup_steps() >= 1.0);
  CHECK(bounded->lookup_steps() <= 1.5);
  // Its memory: the ring (10,000 points), the table (2^18 entries of 16 bytes) and the keys.
  CHECK(bounded->memory_bytes() >= (1u << 18) * 16 + 100'000 * sizeof(std::uint64_t));
}
