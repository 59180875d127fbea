#include "distlab/sim/check/linearizability.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
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
    slots_[pos] = static_cast<std::uint32_t>(entries_.size());
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
      slots_[pos] = static_cast<std::uint32_t>(i + 1);
    }
  }

  std::vector<Entry> entries_;
  std::vector<std::uint64_t> words_;
  std::vector<std::uint32_t> slots_ = std::vector<std::uint32_t>(1024, 0);  // entry index + 1
};

// Just-in-time linearization search for one register (Lowe 2017, after Wing & Gong), with an
// explicit stack. Events (invocations and completions) sit in a doubly linked list ordered by
// time; an op may be linearized next iff its invocation precedes the first completion still in
// the list (it is a candidate). Linearizing an op unlinks its events; reaching a completion
// forces a backtrack. Visited configurations are cached. Register-specific rules, each keeping
// at least one valid order if any exists, cut the branching:
//  - a candidate read that returns the current value is linearized at once, without trying
//    alternatives (moving it to the front of any valid continuation keeps it valid);
//  - a hidden write (no read left returns its value) must be followed by another write, so it
//    goes right before the next write linearized while it is a candidate. It is chosen on its
//    own only when its completion is the first one left, i.e. it cannot wait. Values no read
//    left returns are all the same to the search: the state becomes `unread_value_`;
//  - a write that would strand the readers of the current value (no write of it left) is not
//    chosen;
//  - unknown writes have no completion event, so they may take effect any time after their
//    invocation or never: the search succeeds once every ok read is linearized, since the ok
//    writes left can then go at the end. An unknown write nobody reads is left out.
class KeySearch {
 public:
  // `ops`: one key's ops sorted by invocation; only ok ops and unknown writes.
  explicit KeySearch(std::span<const Operation> ops) {
    for (const Operation& op : ops) {
      if (op.kind == OpKind::read) read_values_.push_back(op.value);
    }
    std::sort(read_values_.begin(), read_values_.end());
    read_values_.erase(std::unique(read_values_.begin(), read_values_.end()), read_values_.end());
    unread_value_ = std::numeric_limits<Value>::min();
    for (Value v : read_values_) {
      if (v != unread_value_) break;
      ++unread_value_;
    }
    for (const Operation& op : ops) {
      if (op.outcome == Outcome::ok || group_of(op.value) >= 0) ops_.push_back(op);
    }
    n_ = static_cast<std::uint32_t>(ops_.size());
    head_ = 2 * n_;
    readers_left_.assign(read_values_.size(), 0);
    writers_left_.assign(read_values_.size(), 0);
    optional_writes_.resize(read_values_.size());
    bits_.assign((n_ + 63) / 64, 0);
    std::vector<std::tuple<Time, bool, std::uint32_t>> events;  // (time, is_completion, op)
    std::vector<Time> first_write_invoke(read_values_.size(), kNever);
    for (std::uint32_t i = 0; i < n_; ++i) {
      const Operation& op = ops_[i];
      group_.push_back(group_of(op.value));
      if (group_[i] >= 0) {
        ++(op.kind == OpKind::read ? readers_left_ : writers_left_)[group_[i]];
      }
      if (group_[i] >= 0 && op.kind == OpKind::write) {
        first_write_invoke[group_[i]] = std::min(first_write_invoke[group_[i]], op.invoke);
      }
      if (op.kind == OpKind::read) ++reads_left_;
      if (op.outcome != Outcome::ok) optional_writes_[group_[i]].push_back(i);
      events.emplace_back(op.invoke, false, i);
      if (op.outcome == Outcome::ok) events.emplace_back(op.complete, true, i);
    }
    for (std::uint32_t i = 0; i < n_; ++i) {  // a read no write can explain fails at once
      const Operation& op = ops_[i];
      if (op.kind == OpKind::read && op.value != kInitialValue) {
        unexplained_read_ = unexplained_read_ || first_write_invoke[group_[i]] > op.complete;
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
    if (unexplained_read_) return Verdict::not_linearizable;
    Value state = canonical(kInitialValue);
    std::uint32_t cur = head_;
    bool arrived = true;  // at a configuration not yet looked at
    while (reads_left_ > 0) {
      if (arrived) {
        arrived = false;
        cur = next_[head_];
        if (const std::uint32_t r = applicable_read(state); r != head_) {
          if (try_step(r, state, true)) {
            arrived = true;
            if (++states_ > max_states) return Verdict::unknown;
            continue;
          }
          cur = head_;  // seen before, so this configuration fails: backtrack
        }
      }
      if (cur < n_) {  // an invocation: branch on linearizing its op here
        if (ops_[cur].kind == OpKind::write && !hidden(cur) && !strands(cur, state) &&
            try_step(cur, state, false)) {
          arrived = true;
          if (++states_ > max_states) return Verdict::unknown;
          continue;
        }
        cur = next_[cur];
        continue;
      }
      // The first completion left: its op must come before every op not yet tried. If it is a
      // hidden write, that is the last thing to try here.
      if (cur != head_) {
        const std::uint32_t i = cur - n_;
        if (ops_[i].kind == OpKind::write && hidden(i) && !strands(i, state) &&
            try_step(i, state, true)) {
          arrived = true;
          if (++states_ > max_states) return Verdict::unknown;
          continue;
        }
      }
      // No op that could be linearized next leads to a valid order. Undo choices up to the last
      // one that has alternatives left.
      Frame f;
      do {
        if (frames_.empty()) return Verdict::not_linearizable;
        f = frames_.back();
        frames_.pop_back();
        undo(f);
      } while (f.last);
      state = f.state_before;
      cur = next_[f.op];
    }
    return Verdict::linearizable;
  }

  std::uint64_t states() const { return states_; }

 private:
  struct Frame {
    std::uint32_t op = 0;
    Value state_before = 0;
    std::size_t extra_begin = 0;  // ops this step linearized along with op: extra_[extra_begin..]
    bool last = false;            // no alternatives to try after this one
  };

  std::int64_t group_of(Value v) const {
    auto it = std::lower_bound(read_values_.begin(), read_values_.end(), v);
    return it != read_values_.end() && *it == v ? it - read_values_.begin() : -1;
  }
  bool hidden(std::uint32_t i) const { return group_[i] < 0 || readers_left_[group_[i]] == 0; }

  // First candidate read returning `state`, or head_.
  std::uint32_t applicable_read(Value state) const {
    for (std::uint32_t e = next_[head_]; e < n_; e = next_[e]) {
      if (ops_[e].kind == OpKind::read && ops_[e].value == state) return e;
    }
    return head_;
  }

  // Whether writing op i leaves reads of the current value that no write can satisfy.
  bool strands(std::uint32_t i, Value state) const {
    if (ops_[i].value == state) return false;
    const std::int64_t g = group_of(state);
    return g >= 0 && readers_left_[g] > 0 && writers_left_[g] == 0;
  }

  Value canonical(Value v) const {
    const std::int64_t g = group_of(v);
    return g < 0 || readers_left_[g] == 0 ? unread_value_ : v;
  }

  // Linearizes op i (and what goes with it) unless the resulting configuration was seen.
  bool try_step(std::uint32_t i, Value& state, bool last) {
    const Operation& op = ops_[i];
    const std::size_t extra_begin = extra_.size();
    if (op.kind == OpKind::write) {  // hidden candidate writes go right before this one
      for (std::uint32_t e = next_[head_]; e < n_; e = next_[e]) {
        if (e != i && ops_[e].kind == OpKind::write && hidden(e)) extra_.push_back(e);
      }
    }
    mark(i);
    if (op.kind == OpKind::read && readers_left_[group_[i]] == 0) {
      for (std::uint32_t w : optional_writes_[group_[i]]) {  // now dead: they never take effect
        if (!has_bit(w)) extra_.push_back(w);
      }
    }
    for (std::size_t k = extra_begin; k < extra_.size(); ++k) mark(extra_[k]);
    const Value next_state = canonical(op.kind == OpKind::write ? op.value : state);
    if (!cache_.insert(bits_, next_state, hash_ ^ splitmix64(next_state))) {
      for (std::size_t k = extra_.size(); k-- > extra_begin;) unmark(extra_[k]);
      extra_.resize(extra_begin);
      unmark(i);
      return false;
    }
    frames_.push_back({i, state, extra_begin, last});
    state = next_state;
    lift(i);
    for (std::size_t k = extra_begin; k < extra_.size(); ++k) lift(extra_[k]);
    return true;
  }

  void undo(const Frame& f) {
    for (std::size_t k = extra_.size(); k-- > f.extra_begin;) {
      unlift(extra_[k]);
      unmark(extra_[k]);
    }
    extra_.resize(f.extra_begin);
    unlift(f.op);
    unmark(f.op);
  }

  bool has_bit(std::uint32_t i) const { return (bits_[i / 64] >> (i % 64)) & 1; }
  void flip_bit(std::uint32_t i) {
    bits_[i / 64] ^= 1ULL << (i % 64);
    hash_ ^= splitmix64(i);
  }
  void mark(std::uint32_t i) { count(i, -1); }
  void unmark(std::uint32_t i) { count(i, +1); }
  void count(std::uint32_t i, int delta) {
    flip_bit(i);
    const bool read = ops_[i].kind == OpKind::read;
    if (read) reads_left_ += delta;
    if (group_[i] >= 0) (read ? readers_left_ : writers_left_)[group_[i]] += delta;
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
  std::vector<Value> read_values_;  // distinct values that reads return, sorted
  Value unread_value_ = 0;          // the least value no read returns
  std::uint32_t n_ = 0;
  std::uint32_t head_ = 0;  // list sentinel; event i is op i's invocation, n_ + i its completion
  std::vector<std::uint32_t> next_, prev_;
  std::vector<std::int64_t> group_;         // index of the op's value in read_values_, or -1
  std::vector<std::int64_t> readers_left_;  // per value read: reads not yet linearized
  std::vector<std::int64_t> writers_left_;  // per value read: writes not yet linearized
  std::vector<std::vector<std::uint32_t>> optional_writes_;  // per value read: unknown writes
  std::int64_t reads_left_ = 0;
  bool unexplained_read_ = false;    // a read of a value no write wrote, or none before it ended
  std::vector<std::uint64_t> bits_;  // linearized ops
  std::uint64_t hash_ = 0;           // of bits_
  std::vector<Frame> frames_;
  std::vector<std::uint32_t> extra_;
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
  std::stable_sort(sorted.begin(), sorted.end(), [](const Operation* a, const Operation* b) {
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
std::vector<Operation> shrink(std::vector<Operation> ops, const LinearizabilityOptions& options) {
  const std::uint64_t budget = options.max_shrink_states;
  std::uint64_t spent = 0;
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
  // Every write of v completed before t; the initial value counts as written before anything.
  auto written_before = [&](Value v, Time t) {
    const auto ws = writes_of(v);
    if (ws.empty()) return v == kInitialValue;
    return std::all_of(ws.begin(), ws.end(), [&](const Operation* w) {
      return w->outcome == Outcome::ok && w->complete < t;
    });
  };
  for (const Operation& r : ops) {
    if (r.kind != OpKind::read || r.value == kInitialValue) continue;
    const auto ws = writes_of(r.value);
    if (ws.empty()) {
      return fmt::format("{} returned a value that no write to this key wrote", op_label(r));
    }
    if (std::all_of(ws.begin(), ws.end(),
                    [&](const Operation* w) { return w->invoke > r.complete; })) {
      return fmt::format("{} completed at {} ms, before any write of {} was invoked", op_label(r),
                         format_time(r.complete), r.value);
    }
  }
  for (const Operation& r : ops) {
    if (r.kind != OpKind::read) continue;
    const char* what = r.value == kInitialValue ? "the initial value" : "a stale value";
    for (const Operation& w : ops) {
      if (w.kind == OpKind::write && w.outcome == Outcome::ok && w.value != r.value &&
          w.complete < r.invoke && written_before(r.value, w.invoke)) {
        return fmt::format(
            "{} returned {}: {} had replaced it, completing at {} ms, before the "
            "read was invoked at {} ms",
            op_label(r), what, op_label(w), format_time(w.complete), format_time(r.invoke));
      }
    }
    for (const Operation& earlier : ops) {
      if (earlier.kind != OpKind::read || earlier.value == r.value ||
          earlier.complete >= r.invoke) {
        continue;
      }
      const auto newer = writes_of(earlier.value);
      if (!newer.empty() && std::all_of(newer.begin(), newer.end(), [&](const Operation* w) {
            return written_before(r.value, w->invoke);
          })) {
        return fmt::format(
            "{} returned {}, older than the value {} had already returned, "
            "completing at {} ms, before the read was invoked at {} ms",
            op_label(r), what, op_label(earlier), format_time(earlier.complete),
            format_time(r.invoke));
      }
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
    case Verdict::linearizable:
      return "linearizable";
    case Verdict::not_linearizable:
      return "not linearizable";
    case Verdict::unknown:
      return "unknown";
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
      "key {} is not linearizable; no valid order exists even for this sub-history of {} of its "
      "{} operations:\n",
      v.key, v.ops.size(), v.key_ops);
  for (const Operation& op : v.ops) {
    out += fmt::format("  op {:<6} client {:<3} {:<5} {:<8} [{}, {}] ms  {}\n", op.id, op.client,
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
    KeyViolation violation{k.key, shrink(k.ops, options), {}, k.ops.size()};
    violation.explanation = explain(violation.ops);
    result.violation = std::move(violation);
    result.verdict = Verdict::not_linearizable;
    return result;
  }
  result.verdict = result.unknown_key ? Verdict::unknown : Verdict::linearizable;
  return result;
}

}  // namespace distlab::sim::check
