#include "distlab/sim/check/linearizability.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <stdexcept>
#include <tuple>

namespace distlab::sim::check {
namespace {

constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool invoked_before(const Operation& a, const Operation& b) {
  return std::tie(a.invoke, a.id) < std::tie(b.invoke, b.id);
}

// Visited configurations: (bitset of linearized ops, register value). A bitset is stored
// without its leading all-ones words and trailing zero words, which are implied by `lo` and
// `len`. Open addressing keyed by a hash the search maintains incrementally.
class StateCache {
 public:
  // False if the configuration was already present.
  bool insert(const std::vector<std::uint64_t>& bits, Value state, std::uint64_t hash) {
    std::size_t lo = 0;
    std::size_t hi = bits.size();
    while (lo < hi && bits[lo] == ~0ULL) ++lo;
    while (hi > lo && bits[hi - 1] == 0) --hi;
    const std::size_t mask = slots_.size() - 1;
    std::size_t pos = hash & mask;
    for (; slots_[pos] != 0; pos = (pos + 1) & mask) {
      const Entry& e = entries_[slots_[pos] - 1];
      if (e.hash == hash && e.state == state && e.lo == lo && e.len == hi - lo &&
          std::equal(bits.begin() + lo, bits.begin() + hi, words_.begin() + e.offset)) {
        return false;
      }
    }
    entries_.push_back({hash, state, static_cast<std::uint32_t>(lo),
                        static_cast<std::uint32_t>(hi - lo), words_.size()});
    slots_[pos] = entries_.size();
    words_.insert(words_.end(), bits.begin() + lo, bits.begin() + hi);
    if (entries_.size() * 2 > slots_.size()) grow();
    return true;
  }

 private:
  struct Entry {
    std::uint64_t hash;
    Value state;
    std::uint32_t lo;
    std::uint32_t len;
    std::size_t offset;
  };

  void grow() {
    slots_.assign(slots_.size() * 2, 0);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      std::size_t pos = entries_[i].hash & mask;
      while (slots_[pos] != 0) pos = (pos + 1) & mask;
      slots_[pos] = i + 1;
    }
  }

  std::vector<Entry> entries_;
  std::vector<std::uint64_t> words_;
  std::vector<std::size_t> slots_ = std::vector<std::size_t>(1024, 0);  // entry index + 1
};

// Just-in-time linearization search for one register (Lowe 2017, after Wing & Gong), with
// an explicit stack. Events (invocations and completions) sit in a doubly linked list ordered
// by time; an op may be linearized next iff its invocation precedes the first completion still
// in the list. Linearizing an op unlinks its events; a completion reached first forces a
// backtrack. Unknown writes have no completion event: they may be linearized at any point
// after their invocation, or never, since the search succeeds once every ok op is linearized.
//
// An unknown write whose value no remaining read returns is dead: linearizing it later or never
// makes no difference, so it is marked linearized at once. This keeps the cache from telling
// apart configurations that differ only in dead writes.
class KeySearch {
 public:
  // `ops`: one key's ops sorted by invocation; only ok ops and unknown writes.
  explicit KeySearch(std::span<const Operation> ops) {
    std::vector<Value> read_values;
    for (const Operation& op : ops) {
      if (op.kind == OpKind::read) read_values.push_back(op.value);
    }
    std::sort(read_values.begin(), read_values.end());
    read_values.erase(std::unique(read_values.begin(), read_values.end()), read_values.end());
    auto is_read = [&](Value v) {
      return std::binary_search(read_values.begin(), read_values.end(), v);
    };
    for (const Operation& op : ops) {  // an unknown write nobody reads is dead from the start
      if (op.outcome == Outcome::ok || is_read(op.value)) ops_.push_back(op);
    }
    n_ = static_cast<std::uint32_t>(ops_.size());
    head_ = 2 * n_;
    readers_left_.assign(read_values.size(), 0);
    optional_writes_.resize(read_values.size());
    group_.assign(n_, -1);
    bits_.assign((n_ + 63) / 64, 0);

    std::vector<std::tuple<Time, bool, std::uint32_t>> events;  // (time, is_completion, op)
    for (std::uint32_t i = 0; i < n_; ++i) {
      const Operation& op = ops_[i];
      auto it = std::lower_bound(read_values.begin(), read_values.end(), op.value);
      if (it != read_values.end() && *it == op.value) group_[i] = it - read_values.begin();
      if (op.outcome == Outcome::ok) {
        ++required_total_;
        if (op.kind == OpKind::read) ++readers_left_[group_[i]];
        events.emplace_back(op.invoke, false, i);
        events.emplace_back(op.complete, true, i);
      } else {
        optional_writes_[group_[i]].push_back(i);
        events.emplace_back(op.invoke, false, i);
      }
    }
    std::sort(events.begin(), events.end());
    next_.assign(2 * n_ + 1, head_);
    prev_.assign(2 * n_ + 1, head_);
    std::uint32_t last = head_;
    for (const auto& [time, completion, op] : events) {
      const std::uint32_t e = completion ? n_ + op : op;
      next_[last] = e;
      prev_[e] = last;
      last = e;
    }
    next_[last] = head_;
    prev_[head_] = last;
  }

  Verdict run(std::uint64_t max_states) {
    Value state = kInitialValue;
    std::uint32_t cur = next_[head_];
    while (required_done_ < required_total_) {
      if (cur < n_) {  // an invocation: try to linearize its op here
        const Operation& op = ops_[cur];
        if (op.kind == OpKind::write || op.value == state) {
          const Value next_state = op.kind == OpKind::write ? op.value : state;
          const std::size_t dead_begin = dead_.size();
          mark(cur);
          if (cache_.insert(bits_, next_state, hash_ ^ splitmix64(next_state))) {
            if (++states_ > max_states) return Verdict::unknown;
            frames_.push_back({cur, state, dead_begin});
            state = next_state;
            lift(cur);
            for (std::size_t k = dead_begin; k < dead_.size(); ++k) lift(dead_[k]);
            cur = next_[head_];
            continue;
          }
          unmark(cur, dead_begin);
        }
        cur = next_[cur];
        continue;
      }
      // A completion (or the end of the list): its op can no longer be linearized later than
      // the ops chosen so far, so undo the most recent choice and try the next candidate.
      if (frames_.empty()) return Verdict::not_linearizable;
      const Frame f = frames_.back();
      frames_.pop_back();
      for (std::size_t k = dead_.size(); k-- > f.dead_begin;) unlift(dead_[k]);
      unlift(f.op);
      unmark(f.op, f.dead_begin);
      state = f.state_before;
      cur = next_[f.op];
    }
    return Verdict::linearizable;
  }

  std::uint64_t states() const { return states_; }

 private:
  struct Frame {
    std::uint32_t op;
    Value state_before;
    std::size_t dead_begin;  // dead writes this step marked: dead_[dead_begin..]
  };

  void mark_bit(std::uint32_t i) {
    bits_[i / 64] |= 1ULL << (i % 64);
    hash_ ^= splitmix64(i);
  }
  void clear_bit(std::uint32_t i) {
    bits_[i / 64] &= ~(1ULL << (i % 64));
    hash_ ^= splitmix64(i);
  }
  bool has_bit(std::uint32_t i) const { return (bits_[i / 64] >> (i % 64)) & 1; }

  void mark(std::uint32_t i) {
    mark_bit(i);
    const Operation& op = ops_[i];
    if (op.outcome == Outcome::ok) ++required_done_;
    if (op.kind == OpKind::read && --readers_left_[group_[i]] == 0) {
      for (std::uint32_t w : optional_writes_[group_[i]]) {
        if (!has_bit(w)) {
          mark_bit(w);
          dead_.push_back(w);
        }
      }
    }
  }
  void unmark(std::uint32_t i, std::size_t dead_begin) {
    for (std::size_t k = dead_begin; k < dead_.size(); ++k) clear_bit(dead_[k]);
    dead_.resize(dead_begin);
    const Operation& op = ops_[i];
    if (op.kind == OpKind::read) ++readers_left_[group_[i]];
    if (op.outcome == Outcome::ok) --required_done_;
    clear_bit(i);
  }

  void unlink(std::uint32_t e) {
    next_[prev_[e]] = next_[e];
    prev_[next_[e]] = prev_[e];
  }
  void relink(std::uint32_t e) {
    next_[prev_[e]] = e;
    prev_[next_[e]] = e;
  }
  void lift(std::uint32_t i) {
    unlink(i);
    if (ops_[i].outcome == Outcome::ok) unlink(n_ + i);
  }
  void unlift(std::uint32_t i) {
    if (ops_[i].outcome == Outcome::ok) relink(n_ + i);
    relink(i);
  }

  std::vector<Operation> ops_;
  std::uint32_t n_ = 0;
  std::uint32_t head_ = 0;                    // sentinel; event i = invocation, n_ + i = completion
  std::vector<std::uint32_t> next_, prev_;
  std::vector<std::int64_t> group_;        // index of the op's value among values read, or -1
  std::vector<std::uint32_t> readers_left_;  // per value read: ok reads not yet linearized
  std::vector<std::vector<std::uint32_t>> optional_writes_;  // per value read: unknown writes
  std::vector<std::uint64_t> bits_;
  std::uint64_t hash_ = 0;
  std::uint32_t required_total_ = 0;
  std::uint32_t required_done_ = 0;
  std::vector<Frame> frames_;
  std::vector<std::uint32_t> dead_;
  StateCache cache_;
  std::uint64_t states_ = 0;
};

struct KeyOps {
  std::uint64_t key = 0;
  std::vector<Operation> ops;  // ok ops and unknown writes, by invocation
};

std::vector<KeyOps> split_by_key(const History& history, LinearizabilityResult& result) {
  std::vector<const Operation*> sorted;
  sorted.reserve(history.size());
  for (const Operation& op : history) sorted.push_back(&op);
  std::sort(sorted.begin(), sorted.end(), [](const Operation* a, const Operation* b) {
    return a->key != b->key ? a->key < b->key : invoked_before(*a, *b);
  });
  std::vector<KeyOps> keys;
  for (const Operation* op : sorted) {
    if (keys.empty() || keys.back().key != op->key) keys.push_back({op->key, {}});
    const bool ok = op->outcome == Outcome::ok;
    if (ok && op->complete < op->invoke) {
      throw std::invalid_argument(
          fmt::format("operation {} completes at {} ns, before its invocation at {} ns", op->id,
                      op->complete, op->invoke));
    }
    if (ok || (op->outcome == Outcome::unknown && op->kind == OpKind::write)) {
      keys.back().ops.push_back(*op);
    }
  }
  result.keys = keys.size();
  for (const KeyOps& k : keys) result.ops_checked += k.ops.size();
  return keys;
}

// `ops` without ops[begin, end), except the writes whose value a remaining read returns. Keeping
// those makes any non-linearizable result evidence against `ops` itself: restricting a valid
// order of `ops` to the result leaves every read right after the write it returns.
std::vector<Operation> without_range(const std::vector<Operation>& ops, std::size_t begin,
                                     std::size_t end) {
  std::vector<Value> read;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if ((i < begin || i >= end) && ops[i].kind == OpKind::read) read.push_back(ops[i].value);
  }
  std::sort(read.begin(), read.end());
  std::vector<Operation> out;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const bool keep = i < begin || i >= end ||
                      (ops[i].kind == OpKind::write &&
                       std::binary_search(read.begin(), read.end(), ops[i].value));
    if (keep) out.push_back(ops[i]);
  }
  return out;
}

// Delta-debugging style: remove chunks of ops, halving the chunk size, while the rest stays
// non-linearizable; ends 1-minimal (no single op removable) unless the budget runs out.
std::vector<Operation> shrink(std::vector<Operation> ops, const LinearizabilityOptions& options,
                              std::uint64_t& spent) {
  const std::uint64_t budget = options.max_shrink_states;
  auto still_fails = [&](const std::vector<Operation>& candidate) {
    KeySearch search(candidate);
    const Verdict v = search.run(std::min(options.max_states_per_key, budget - spent));
    spent += search.states();
    return v == Verdict::not_linearizable;
  };
  std::size_t chunk = std::max<std::size_t>(1, ops.size() / 2);
  while (spent < budget) {
    bool removed = false;
    for (std::size_t i = 0; i < ops.size() && spent < budget;) {
      std::vector<Operation> candidate = without_range(ops, i, std::min(i + chunk, ops.size()));
      if (candidate.size() < ops.size() && still_fails(candidate)) {
        ops = std::move(candidate);
        removed = true;
      } else {
        i += chunk;
      }
    }
    if (chunk == 1 && !removed) break;
    chunk = std::max<std::size_t>(1, chunk / 2);
  }
  return ops;
}

std::string format_time(Time t) { return t == kNever ? "never" : fmt::format("{:.6f}", to_ms(t)); }

std::string op_label(const Operation& op) {
  return fmt::format("op {} (client {}, {} {})", op.id, op.client, to_string(op.kind), op.value);
}

// One sentence naming the simplest pattern found among `ops`; generic if none matches.
std::string explain(const std::vector<Operation>& ops) {
  auto writes_of = [&](Value v) {
    std::vector<const Operation*> out;
    for (const Operation& op : ops) {
      if (op.kind == OpKind::write && op.value == v) out.push_back(&op);
    }
    return out;
  };
  for (const Operation& r : ops) {
    if (r.kind != OpKind::read || r.value == kInitialValue) continue;
    const auto ws = writes_of(r.value);
    if (ws.empty()) {
      return fmt::format("{} returned a value that no write to this key wrote", op_label(r));
    }
    if (std::all_of(ws.begin(), ws.end(), [&](const Operation* w) {
          return w->invoke > r.complete;
        })) {
      return fmt::format("{} completed at {} ms, before any write of {} was invoked", op_label(r),
                         format_time(r.complete), r.value);
    }
  }
  for (const Operation& r : ops) {
    if (r.kind != OpKind::read) continue;
    const auto ws = writes_of(r.value);
    for (const Operation& w : ops) {
      if (w.kind != OpKind::write || w.value == r.value || w.outcome != Outcome::ok ||
          w.complete >= r.invoke) {
        continue;
      }
      const bool after_all = std::all_of(ws.begin(), ws.end(), [&](const Operation* v) {
        return v->outcome == Outcome::ok && v->complete < w.invoke;
      });
      if (!after_all || (ws.empty() && r.value != kInitialValue)) continue;
      return fmt::format(
          "{} returned a stale value: {} {}completed at {} ms, before the read was invoked at "
          "{} ms",
          op_label(r), op_label(w), ws.empty() ? "" : "overwrote it and ", format_time(w.complete),
          format_time(r.invoke));
    }
  }
  return fmt::format(
      "no order of these {} operations respects their real-time intervals and makes every read "
      "return the latest write",
      ops.size());
}

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::linearizable: return "linearizable";
    case Verdict::not_linearizable: return "not linearizable";
    case Verdict::unknown: return "unknown";
  }
  return "?";
}

std::string LinearizabilityResult::summary() const {
  std::string where;
  if (violation) where = fmt::format(" at key {}", violation->key);
  if (verdict == Verdict::unknown && unknown_key) {
    where = fmt::format(": search budget exceeded at key {}", *unknown_key);
  }
  return fmt::format("{}{} ({} ops, {} keys, {} states)", to_string(verdict), where, ops_checked,
                     keys, states_explored);
}

std::string LinearizabilityResult::describe_violation() const {
  if (!violation) return summary() + "\n";
  const KeyViolation& v = *violation;
  std::string out = fmt::format(
      "key {} is not linearizable: these {} of its {} operations admit no valid order\n", v.key,
      v.ops.size(), v.key_ops);
  for (const Operation& op : v.ops) {
    out += fmt::format("  op {:<8} client {:<4} {:<5} {:>20}  [{}, {}] ms  {}\n", op.id, op.client,
                       to_string(op.kind), op.value, format_time(op.invoke),
                       format_time(op.complete), to_string(op.outcome));
  }
  out += fmt::format("why: {}\n", v.explanation);
  return out;
}

LinearizabilityResult check_linearizable(const History& history,
                                         const LinearizabilityOptions& options) {
  LinearizabilityResult result;
  const std::vector<KeyOps> keys = split_by_key(history, result);
  for (const KeyOps& k : keys) {
    KeySearch search(k.ops);
    const Verdict v = search.run(options.max_states_per_key);
    result.states_explored += search.states();
    if (v == Verdict::unknown && !result.unknown_key) result.unknown_key = k.key;
    if (v != Verdict::not_linearizable) continue;
    std::uint64_t spent = 0;
    KeyViolation violation{k.key, shrink(k.ops, options, spent), {}, k.ops.size()};
    violation.explanation = explain(violation.ops);
    result.violation = std::move(violation);
    result.verdict = Verdict::not_linearizable;
    return result;
  }
  result.verdict = result.unknown_key ? Verdict::unknown : Verdict::linearizable;
  return result;
}

}  // namespace distlab::sim::check
