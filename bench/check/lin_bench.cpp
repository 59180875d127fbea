// Times the linearizability checker on generated histories of a correct register (and on the
// same histories with one late read made stale), relative to the 10,000-op / 100-key case as the
// baseline measured in the same run. Not a test: machines here are noisy.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "distlab/sim/check/linearizability.hpp"
#include "distlab/sim/rng.hpp"

namespace {

using namespace distlab::sim;

struct Case {
  const char* name;
  std::size_t ops;
  std::uint64_t keys;
  std::uint32_t clients;
};

// Each op takes effect at a random point inside its interval; 3% fail, 5% unknown (an unknown
// write takes effect half the time). Values are unique per write.
History generate(const Case& c, std::uint64_t seed) {
  constexpr Time kGap = ms(2);
  constexpr Time kLatency = ms(3);
  distlab::sim::Rng rng{seed};
  std::vector<Time> free_at(c.clients, 0);
  std::vector<std::pair<Operation, Time>> ops;
  for (std::size_t k = 0; k < c.ops; ++k) {
    const auto client = static_cast<std::uint32_t>(
        std::min_element(free_at.begin(), free_at.end()) - free_at.begin());
    Operation op;
    op.client = client;
    op.invoke = free_at[client] + static_cast<Time>(rng.uniform(kGap + 1));
    const Time point = op.invoke + static_cast<Time>(rng.uniform(kLatency + 1));
    op.complete = point + static_cast<Time>(rng.uniform(kLatency + 1));
    op.kind = rng.uniform(2) == 0 ? OpKind::write : OpKind::read;
    op.key = rng.uniform(c.keys);
    const std::uint64_t roll = rng.uniform(1000);
    op.outcome = roll < 30 ? Outcome::fail : roll < 80 ? Outcome::unknown : Outcome::ok;
    const bool effective =
        op.outcome == Outcome::ok || (op.outcome == Outcome::unknown && rng.uniform(2) == 0);
    free_at[client] = op.complete;
    if (op.outcome == Outcome::unknown) {
      free_at[client] = op.invoke + 3 * kLatency;
      op.complete = kNever;
    }
    ops.emplace_back(op, effective ? point : kNever);
  }
  std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.invoke, a.first.client) < std::tie(b.first.invoke, b.first.client);
  });
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    ops[i].first.id = i;
    ops[i].first.value = ops[i].first.kind == OpKind::write ? static_cast<Value>(i + 1) : -1;
    if (ops[i].second != kNever) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(ops[a].second, a) < std::tie(ops[b].second, b);
  });
  std::map<std::uint64_t, Value> reg;
  for (std::size_t i : order) {
    Operation& op = ops[i].first;
    if (op.kind == OpKind::write) {
      reg[op.key] = op.value;
    } else if (op.outcome == Outcome::ok) {
      op.value = reg[op.key];
    }
  }
  History h;
  for (auto& [op, point] : ops) h.push_back(op);
  return h;
}

// Sets the ok read h[i] to a value that a write completed before the read began had already
// overwritten (or to the initial value); false if there is no such value.
bool make_stale(History& h, std::size_t i) {
  auto latest_write_before = [&](Time t) -> const Operation* {
    const Operation* best = nullptr;
    for (const Operation& w : h) {
      if (w.key == h[i].key && w.kind == OpKind::write && w.outcome == Outcome::ok &&
          w.complete < t && (best == nullptr || w.complete > best->complete)) {
        best = &w;
      }
    }
    return best;
  };
  const Operation* overwriter = latest_write_before(h[i].invoke);
  if (overwriter == nullptr) return false;
  const Operation* old = latest_write_before(overwriter->invoke);
  const Value v = old == nullptr ? kInitialValue : old->value;
  if (v == h[i].value) return false;
  h[i].value = v;
  return true;
}

double seconds_of(const History& h, check::LinearizabilityResult& out) {
  const auto start = std::chrono::steady_clock::now();
  out = check::check_linearizable(h);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Case> cases = {{"10k ops, 100 keys, 10 clients", 10'000, 100, 10},
                             {"100k ops, 100 keys, 10 clients", 100'000, 100, 10},
                             {"100k ops, 1000 keys, 50 clients", 100'000, 1000, 50},
                             {"10k ops, 1 key, 10 clients", 10'000, 1, 10},
                             {"10k ops, 1 key, 30 clients", 10'000, 1, 30}};
  if (argc == 4) {  // lin_bench OPS KEYS CLIENTS: just that case
    cases = {{"custom", std::stoul(argv[1]), std::stoul(argv[2]),
              static_cast<std::uint32_t>(std::stoul(argv[3]))}};
  }
  double baseline = 0;
  for (const Case& c : cases) {
    History h = generate(c, 2024);
    check::LinearizabilityResult r;
    const double t = seconds_of(h, r);
    if (baseline == 0) baseline = t;
    fmt::print("{:<34} {:>9.3f} s {:>12.0f} ops/s  x{:<7.2f} {}\n", c.name, t, c.ops / t,
               t / baseline, r.summary());
    // Corrupt one late read to a stale value: check, shrink and explain.
    for (std::size_t i = h.size() * 3 / 4; i < h.size(); ++i) {
      if (h[i].kind == OpKind::read && h[i].outcome == Outcome::ok && make_stale(h, i)) break;
    }
    const double tb = seconds_of(h, r);
    fmt::print("{:<34} {:>9.3f} s {:>12.0f} ops/s  x{:<7.2f} {}\n", "  same, one stale read", tb,
               c.ops / tb, tb / baseline, r.summary());
  }
  return 0;
}
