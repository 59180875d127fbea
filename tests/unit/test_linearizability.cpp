#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <stdexcept>

#include "distlab/sim/check/linearizability.hpp"
#include "distlab/sim/rng.hpp"

namespace {

using distlab::sim::History;
using distlab::sim::kNever;
using distlab::sim::ms;
using distlab::sim::Operation;
using distlab::sim::OpKind;
using distlab::sim::Outcome;
using distlab::sim::Time;
using distlab::sim::Value;
using distlab::sim::check::check_linearizable;
using distlab::sim::check::LinearizabilityOptions;
using distlab::sim::check::Verdict;

Operation make_op(std::uint64_t id, std::uint32_t client, OpKind kind, Value v, Time invoke,
                  Time complete, Outcome outcome, std::uint64_t key) {
  Operation op;
  op.id = id;
  op.client = client;
  op.kind = kind;
  op.key = key;
  op.value = v;
  op.invoke = invoke;
  op.complete = outcome == Outcome::unknown ? kNever : complete;
  op.outcome = outcome;
  return op;
}

// Times in ms; key 1 unless given.
Operation write(std::uint64_t id, std::uint32_t client, Value v, Time invoke_ms, Time complete_ms,
                Outcome outcome = Outcome::ok, std::uint64_t key = 1) {
  return make_op(id, client, OpKind::write, v, ms(invoke_ms), ms(complete_ms), outcome, key);
}
Operation read(std::uint64_t id, std::uint32_t client, Value v, Time invoke_ms, Time complete_ms,
               Outcome outcome = Outcome::ok, std::uint64_t key = 1) {
  return make_op(id, client, OpKind::read, v, ms(invoke_ms), ms(complete_ms), outcome, key);
}

struct GenConfig {
  std::uint32_t clients = 6;
  std::size_t ops = 200;
  std::uint64_t keys = 2;
  Time gap_max = ms(2);
  Time latency_max = ms(3);
  std::uint64_t fail_permille = 30;
  std::uint64_t unknown_permille = 50;
};

struct Generated {
  History history;
  std::vector<std::uint64_t> source;  // per op id: for an ok read, the id of the write it saw + 1
};

// A correct register: every op takes effect at a point inside its interval, in point order.
// Unknown writes take effect or not (half each); failed ops never do.
Generated generate(const GenConfig& cfg, std::uint64_t seed) {
  distlab::sim::Rng rng{seed};
  std::vector<Time> free_at(cfg.clients, 0);
  std::vector<std::pair<Operation, Time>> ops;  // with linearization point, or kNever
  for (std::size_t k = 0; k < cfg.ops; ++k) {
    const auto c = static_cast<std::uint32_t>(std::min_element(free_at.begin(), free_at.end()) -
                                              free_at.begin());
    const Time invoke = free_at[c] + static_cast<Time>(rng.uniform(cfg.gap_max + 1));
    const Time point = invoke + static_cast<Time>(rng.uniform(cfg.latency_max + 1));
    const Time complete = point + static_cast<Time>(rng.uniform(cfg.latency_max + 1));
    const OpKind kind = rng.uniform(2) == 0 ? OpKind::write : OpKind::read;
    const std::uint64_t key = rng.uniform(cfg.keys);
    const std::uint64_t roll = rng.uniform(1000);
    Outcome outcome = Outcome::ok;
    if (roll < cfg.fail_permille) {
      outcome = Outcome::fail;
    } else if (roll < cfg.fail_permille + cfg.unknown_permille) {
      outcome = Outcome::unknown;
    }
    const bool takes_effect =
        outcome == Outcome::ok || (outcome == Outcome::unknown && rng.uniform(2) == 0);
    Operation op = make_op(0, c, kind, 0, invoke, complete, outcome, key);
    free_at[c] = outcome == Outcome::unknown ? invoke + 3 * cfg.latency_max : complete;
    ops.emplace_back(op, takes_effect ? point : kNever);
  }
  std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.invoke, a.first.client) < std::tie(b.first.invoke, b.first.client);
  });
  Generated g;
  g.source.assign(ops.size(), 0);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    Operation& op = ops[i].first;
    op.id = i;
    op.value = op.kind == OpKind::write ? static_cast<Value>(i + 1) : -1 - static_cast<Value>(i);
  }
  std::vector<std::size_t> by_point;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].second != kNever) by_point.push_back(i);
  }
  std::sort(by_point.begin(), by_point.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(ops[a].second, a) < std::tie(ops[b].second, b);
  });
  std::map<std::uint64_t, std::pair<Value, std::uint64_t>> reg;  // key -> (value, writer id + 1)
  for (std::size_t i : by_point) {
    Operation& op = ops[i].first;
    auto& [value, writer] = reg[op.key];
    if (op.kind == OpKind::write) {
      value = op.value;
      writer = i + 1;
    } else if (op.outcome == Outcome::ok) {
      op.value = value;
      g.source[i] = writer;
    }
  }
  for (auto& [op, point] : ops) g.history.push_back(op);
  return g;
}

// Indices of ok reads that saw a write (not the initial value).
std::vector<std::size_t> reads_of_writes(const Generated& g) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < g.history.size(); ++i) {
    if (g.source[i] != 0) out.push_back(i);
  }
  return out;
}

// A stale value for the ok read at `victim`: one that a write completed before the read began
// had already overwritten (the write before it completed before it began), or the initial value.
std::optional<Value> stale_value(const History& h, std::size_t victim) {
  const Operation& r = h[victim];
  auto latest_write_before = [&](Time t) -> const Operation* {
    const Operation* best = nullptr;
    for (const Operation& w : h) {
      const bool candidate =
          w.key == r.key && w.kind == OpKind::write && w.outcome == Outcome::ok && w.complete < t;
      if (candidate && (best == nullptr || w.complete > best->complete)) best = &w;
    }
    return best;
  };
  const Operation* overwriter = latest_write_before(r.invoke);
  if (overwriter == nullptr) return std::nullopt;
  const Operation* old = latest_write_before(overwriter->invoke);
  const Value v = old == nullptr ? distlab::sim::kInitialValue : old->value;
  if (v == r.value) return std::nullopt;
  return v;
}

bool contains_op(const std::vector<Operation>& ops, std::uint64_t id) {
  return std::any_of(ops.begin(), ops.end(), [&](const Operation& op) { return op.id == id; });
}

}  // namespace

TEST_CASE("linearizability: a sequential history is linearizable", "[check]") {
  const History h{write(0, 0, 5, 0, 1), read(1, 1, 5, 2, 3), write(2, 1, 7, 4, 5),
                  read(3, 0, 7, 6, 7)};
  const auto r = check_linearizable(h);
  CHECK(r.verdict == Verdict::linearizable);
  CHECK(r.ops_checked == 4);
  CHECK(r.keys == 1);
  CHECK_FALSE(r.violation);
  CHECK(r.summary() == "linearizable (4 ops, 1 keys, 4 states)");
}

TEST_CASE("linearizability: an empty history is linearizable", "[check]") {
  const auto r = check_linearizable({});
  CHECK(r.verdict == Verdict::linearizable);
  CHECK(r.keys == 0);
}

TEST_CASE("linearizability: a read that misses a completed write is caught, in a small sub-history",
          "[check]") {
  const History h{write(0, 0, 1, 0, 1), read(1, 1, 1, 2, 3),  write(2, 2, 3, 2, 4),
                  read(3, 0, 3, 5, 6),  write(4, 0, 9, 7, 8), read(5, 1, 3, 10, 11),
                  read(6, 2, 9, 12, 13)};
  const auto r = check_linearizable(h);
  REQUIRE(r.verdict == Verdict::not_linearizable);
  REQUIRE(r.violation);
  CHECK(r.violation->key == 1);
  CHECK(r.violation->ops.size() <= 3);
  CHECK(contains_op(r.violation->ops, 5));
  CHECK(r.violation->explanation.find("stale") != std::string::npos);
  const std::string text = r.describe_violation();
  CHECK(text.find("key 1") != std::string::npos);
  CHECK(text.find("why:") != std::string::npos);
  CHECK(r.summary().rfind("not linearizable at key 1", 0) == 0);
}

TEST_CASE("linearizability: the classic stale read of the initial value is caught", "[check]") {
  const History h{write(0, 0, 1, 0, 1), read(1, 1, 0, 2, 3)};
  const auto r = check_linearizable(h);
  REQUIRE(r.verdict == Verdict::not_linearizable);
  CHECK(r.violation->ops.size() == 2);
  CHECK(contains_op(r.violation->ops, 1));
}

TEST_CASE("linearizability: overlapping writes and reads may take effect in either order",
          "[check]") {
  // w1 and w2 overlap; one reader sees 2 then 1 is impossible, but each order alone is fine.
  const History a{write(0, 0, 1, 0, 10), write(1, 1, 2, 1, 11), read(2, 2, 2, 2, 3),
                  read(3, 2, 1, 4, 12)};
  CHECK(check_linearizable(a).verdict == Verdict::linearizable);
  const History b{write(0, 0, 1, 0, 10), read(1, 1, 1, 1, 2), read(2, 1, 0, 3, 4)};
  CHECK(check_linearizable(b).verdict == Verdict::not_linearizable);
  const History c{write(0, 0, 1, 0, 10), read(1, 1, 0, 1, 2), read(2, 1, 1, 3, 4)};
  CHECK(check_linearizable(c).verdict == Verdict::linearizable);
  const History d{write(0, 0, 1, 0, 5), read(1, 1, 1, 5, 6)};  // equal times are concurrent
  CHECK(check_linearizable(d).verdict == Verdict::linearizable);
}

TEST_CASE("linearizability: an unknown write that is observed later is linearizable", "[check]") {
  const History h{write(0, 0, 1, 0, 0, Outcome::unknown), read(1, 1, 0, 5, 6),
                  read(2, 1, 1, 100, 101), read(3, 2, 1, 200, 201)};
  const auto r = check_linearizable(h);
  CHECK(r.verdict == Verdict::linearizable);
  CHECK(r.ops_checked == 4);
}

TEST_CASE("linearizability: an unknown write that is never observed is linearizable", "[check]") {
  const History h{write(0, 0, 1, 0, 0, Outcome::unknown), write(1, 1, 2, 1, 2), read(2, 1, 2, 3, 4),
                  read(3, 2, 2, 100, 101)};
  CHECK(check_linearizable(h).verdict == Verdict::linearizable);
  const History only_reads{write(0, 0, 1, 0, 0, Outcome::unknown), read(1, 1, 0, 50, 60)};
  CHECK(check_linearizable(only_reads).verdict == Verdict::linearizable);
}

TEST_CASE("linearizability: an unknown write takes effect once and not before its invocation",
          "[check]") {
  const History twice{write(0, 0, 1, 0, 0, Outcome::unknown), read(1, 1, 1, 5, 6),
                      read(2, 1, 0, 7, 8)};
  CHECK(check_linearizable(twice).verdict == Verdict::not_linearizable);
  const History early{read(0, 1, 1, 0, 1), write(1, 0, 1, 5, 0, Outcome::unknown)};
  const auto r = check_linearizable(early);
  REQUIRE(r.verdict == Verdict::not_linearizable);
  CHECK(r.violation->explanation.find("before any write of 1 was invoked") != std::string::npos);
}

TEST_CASE("linearizability: a read of a value never written is not linearizable", "[check]") {
  const History h{write(0, 0, 1, 0, 1), read(1, 1, 1, 2, 3), read(2, 1, 42, 4, 5)};
  const auto r = check_linearizable(h);
  REQUIRE(r.verdict == Verdict::not_linearizable);
  REQUIRE(r.violation->ops.size() == 1);
  CHECK(r.violation->ops[0].id == 2);
  CHECK(r.violation->explanation.find("no write") != std::string::npos);
}

TEST_CASE("linearizability: failed operations and unknown reads are ignored", "[check]") {
  const History h{write(0, 0, 1, 0, 1), write(1, 1, 2, 2, 3, Outcome::fail),
                  read(2, 2, 77, 3, 4, Outcome::fail), read(3, 2, 88, 5, 6, Outcome::unknown),
                  read(4, 0, 1, 7, 8)};
  const auto r = check_linearizable(h);
  CHECK(r.verdict == Verdict::linearizable);
  CHECK(r.ops_checked == 2);
  const History seen_failed{write(0, 1, 2, 0, 1, Outcome::fail), read(1, 0, 2, 2, 3)};
  CHECK(check_linearizable(seen_failed).verdict == Verdict::not_linearizable);
}

TEST_CASE("linearizability: a violation is reported on its own key, the lowest one first",
          "[check]") {
  History h{write(0, 0, 1, 0, 1, Outcome::ok, 10), read(1, 1, 1, 2, 3, Outcome::ok, 10),
            write(2, 0, 2, 0, 1, Outcome::ok, 20), read(3, 1, 2, 2, 3, Outcome::ok, 20),
            write(4, 2, 3, 0, 1, Outcome::ok, 30), read(5, 2, 0, 2, 3, Outcome::ok, 30),
            write(6, 3, 4, 0, 1, Outcome::ok, 40), read(7, 3, 0, 2, 3, Outcome::ok, 40)};
  const auto r = check_linearizable(h);
  REQUIRE(r.verdict == Verdict::not_linearizable);
  CHECK(r.keys == 4);
  CHECK(r.violation->key == 30);
  CHECK(contains_op(r.violation->ops, 5));
  for (const Operation& op : r.violation->ops) CHECK(op.key == 30);
}

TEST_CASE("linearizability: running out of search budget gives an unknown verdict", "[check]") {
  const History h{write(0, 0, 1, 0, 10), write(1, 1, 2, 0, 10), read(2, 2, 1, 11, 12),
                  write(3, 0, 3, 0, 10, Outcome::ok, 2), read(4, 1, 3, 11, 12, Outcome::ok, 2)};
  LinearizabilityOptions options;
  options.max_states_per_key = 1;
  const auto r = check_linearizable(h, options);
  CHECK(r.verdict == Verdict::unknown);
  REQUIRE(r.unknown_key);
  CHECK(*r.unknown_key == 1);
  CHECK(r.summary().rfind("unknown: search budget exceeded at key 1", 0) == 0);
}

TEST_CASE("linearizability: random histories of a correct register pass", "[check]") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    GenConfig cfg;
    cfg.keys = 1 + seed % 3;
    const Generated g = generate(cfg, seed);
    const auto r = check_linearizable(g.history);
    INFO("seed " << seed << ": " << r.describe_violation());
    REQUIRE(r.verdict == Verdict::linearizable);
  }
}

TEST_CASE("linearizability: random histories with one corrupted read fail", "[check]") {
  int stale_tried = 0;
  int stale_caught = 0;
  int never_tried = 0;
  int never_caught = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    GenConfig cfg;
    cfg.keys = 1 + seed % 3;
    const Generated g = generate(cfg, seed);
    const auto reads = reads_of_writes(g);
    if (reads.empty()) continue;
    distlab::sim::Rng rng{seed * 7919};
    const std::size_t victim = reads[rng.uniform(reads.size())];

    if (const auto value = stale_value(g.history, victim)) {
      History stale = g.history;
      stale[victim].value = *value;
      const auto r = check_linearizable(stale);
      ++stale_tried;
      if (r.verdict == Verdict::not_linearizable) {
        ++stale_caught;
        CHECK(contains_op(r.violation->ops, victim));
        CHECK(r.violation->ops.size() <= 4);  // shrinking ends 1-minimal, not always minimum
      }
    }

    History never = g.history;
    never[victim].value = 1'000'000'007;
    const auto r = check_linearizable(never);
    ++never_tried;
    if (r.verdict == Verdict::not_linearizable) {
      ++never_caught;
      CHECK(contains_op(r.violation->ops, victim));
      CHECK(r.violation->ops.size() == 1);
    }
  }
  INFO("stale caught " << stale_caught << "/" << stale_tried << ", never written caught "
                       << never_caught << "/" << never_tried);
  CHECK(stale_tried > 100);
  CHECK(stale_caught == stale_tried);
  CHECK(never_caught == never_tried);
}

TEST_CASE("linearizability: results are deterministic", "[check]") {
  GenConfig cfg;
  const Generated g = generate(cfg, 42);
  History h = g.history;
  const auto reads = reads_of_writes(g);
  REQUIRE_FALSE(reads.empty());
  h[reads[reads.size() / 2]].value = 0;
  const auto a = check_linearizable(h);
  const auto b = check_linearizable(h);
  CHECK(a.summary() == b.summary());
  CHECK(a.describe_violation() == b.describe_violation());
}

TEST_CASE("linearizability: 10,000 ops over 100 keys from 10 clients are checked", "[check]") {
  GenConfig cfg;
  cfg.clients = 10;
  cfg.ops = 10'000;
  cfg.keys = 100;
  const Generated g = generate(cfg, 2024);
  const auto r = check_linearizable(g.history);
  CHECK(r.verdict == Verdict::linearizable);
  CHECK(r.keys == 100);

  History bad = g.history;
  const auto reads = reads_of_writes(g);
  const std::size_t victim = reads[reads.size() / 2];
  bad[victim].value = 1'000'000'007;
  const auto rb = check_linearizable(bad);
  REQUIRE(rb.verdict == Verdict::not_linearizable);
  CHECK(rb.violation->key == bad[victim].key);
  CHECK(rb.violation->ops.size() == 1);
}

TEST_CASE("linearizability: 10,000 ops on one key are checked without deep recursion", "[check]") {
  History sequential;
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    const Time t = static_cast<Time>(i) * 10;
    sequential.push_back(i % 2 == 0 ? write(i, 0, static_cast<Value>(i + 1), t, t + 1)
                                    : read(i, 1, static_cast<Value>(i), t, t + 1));
  }
  CHECK(check_linearizable(sequential).verdict == Verdict::linearizable);

  GenConfig cfg;
  cfg.clients = 10;
  cfg.ops = 10'000;
  cfg.keys = 1;
  const Generated g = generate(cfg, 7);
  CHECK(check_linearizable(g.history).verdict == Verdict::linearizable);
  History bad = g.history;
  const auto reads = reads_of_writes(g);
  std::size_t victim = reads.size() * 3 / 4;
  while (!stale_value(bad, reads[victim])) ++victim;
  bad[reads[victim]].value = *stale_value(bad, reads[victim]);
  const auto rb = check_linearizable(bad);
  REQUIRE(rb.verdict == Verdict::not_linearizable);
  CHECK(contains_op(rb.violation->ops, reads[victim]));
  CHECK(rb.violation->ops.size() <= 4);
}

namespace {

// Tries every order of every subset of the unknown writes together with all ok ops.
bool brute_force_linearizable(const History& history) {
  std::map<std::uint64_t, std::vector<Operation>> by_key;
  for (const Operation& op : history) {
    const bool unknown_write = op.outcome == Outcome::unknown && op.kind == OpKind::write;
    if (op.outcome == Outcome::ok || unknown_write) by_key[op.key].push_back(op);
  }
  auto before = [](const Operation& a, const Operation& b) {  // a must precede b
    return a.outcome == Outcome::ok && a.complete < b.invoke;
  };
  for (auto& [key, ops] : by_key) {
    std::vector<std::size_t> optional;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].outcome != Outcome::ok) optional.push_back(i);
    }
    bool found = false;
    for (std::uint64_t mask = 0; mask < (1ULL << optional.size()) && !found; ++mask) {
      std::vector<std::size_t> order;
      for (std::size_t i = 0; i < ops.size(); ++i) {
        const auto pos = std::find(optional.begin(), optional.end(), i) - optional.begin();
        if (ops[i].outcome == Outcome::ok || ((mask >> pos) & 1)) order.push_back(i);
      }
      do {
        bool valid = true;
        Value state = distlab::sim::kInitialValue;
        for (std::size_t a = 0; a < order.size() && valid; ++a) {
          const Operation& op = ops[order[a]];
          for (std::size_t b = a + 1; b < order.size() && valid; ++b) {
            valid = !before(ops[order[b]], op);
          }
          if (op.kind == OpKind::write)
            state = op.value;
          else
            valid = valid && op.value == state;
        }
        found = valid;
      } while (!found && std::next_permutation(order.begin(), order.end()));
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("linearizability: small random histories agree with trying every order", "[check]") {
  int violations = 0;
  for (std::uint64_t seed = 1; seed <= 4000; ++seed) {
    distlab::sim::Rng rng{seed};
    History h;
    const std::size_t n = 2 + rng.uniform(6);
    for (std::size_t i = 0; i < n; ++i) {
      const Time invoke = static_cast<Time>(rng.uniform(10));
      const Time complete = invoke + static_cast<Time>(rng.uniform(6));
      const OpKind kind = rng.uniform(2) == 0 ? OpKind::write : OpKind::read;
      const std::uint64_t roll = rng.uniform(10);
      const Outcome outcome = roll == 0 ? Outcome::fail : roll < 3 ? Outcome::unknown : Outcome::ok;
      // Small value range: duplicate written values and reads of the initial value happen.
      h.push_back(make_op(i, static_cast<std::uint32_t>(i), kind,
                          static_cast<Value>(rng.uniform(4)), invoke, complete, outcome,
                          rng.uniform(2)));
    }
    const bool expected = brute_force_linearizable(h);
    const auto r = check_linearizable(h);
    INFO("seed " << seed << ": " << r.describe_violation());
    REQUIRE(r.verdict == (expected ? Verdict::linearizable : Verdict::not_linearizable));
    if (!expected) {
      ++violations;
      REQUIRE_FALSE(brute_force_linearizable(r.violation->ops));
      for (const Operation& op : r.violation->ops) CHECK(op.key == r.violation->key);
    }
  }
  CHECK(violations > 400);  // the generator makes both kinds
}

TEST_CASE("linearizability: an ok operation that completes before its invocation is rejected",
          "[check]") {
  const History h{read(0, 0, 0, 5, 4)};
  CHECK_THROWS_AS(check_linearizable(h), std::invalid_argument);
}
