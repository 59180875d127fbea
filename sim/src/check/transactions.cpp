#include "distlab/sim/check/transactions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace distlab::sim::check {
namespace {

double ms(Time t) { return static_cast<double>(t) / 1e6; }

std::string describe(const TxnRecord& t) {
  return fmt::format("txn {} ({}client {}, real [{:.6f}, {:.6f}] ms, timestamp {:.6f} ms)", t.id,
                     t.read_only ? "read-only, " : "", t.client, ms(t.invoke), ms(t.complete),
                     ms(t.ts));
}

}  // namespace

TxnCheckResult check_external_consistency(const std::vector<TxnRecord>& history) {
  TxnCheckResult r;
  std::vector<const TxnRecord*> done, started;
  for (const auto& t : history)
    if (t.committed && !t.bounded_stale) {
      done.push_back(&t);
      started.push_back(&t);
    }
  r.checked = done.size();
  std::sort(done.begin(), done.end(), [](auto* a, auto* b) {
    return a->complete != b->complete ? a->complete < b->complete : a->id < b->id;
  });
  std::sort(started.begin(), started.end(), [](auto* a, auto* b) {
    return a->invoke != b->invoke ? a->invoke < b->invoke : a->id < b->id;
  });
  // Sweep by start time, keeping what completed strictly before: the writer with the largest
  // timestamp, and per key the writer with the largest timestamp.
  std::size_t i = 0;
  const TxnRecord* max_writer = nullptr;
  std::map<std::uint64_t, const TxnRecord*> key_writer;
  auto fail = [&](const TxnRecord& t1, const TxnRecord& t2) {
    r.ok = false;
    r.violation = fmt::format(
        "external consistency violated: {} committed before {} started, but its timestamp is "
        "not smaller",
        describe(t1), describe(t2));
  };
  for (const TxnRecord* t2 : started) {
    while (i < done.size() && done[i]->complete < t2->invoke) {
      const TxnRecord* t = done[i++];
      if (t->writes.empty()) continue;  // reads order nothing after them
      if (!max_writer || t->ts > max_writer->ts) max_writer = t;
      for (const auto& w : t->writes) {
        auto& kw = key_writer[w.key];
        if (!kw || t->ts > kw->ts) kw = t;
      }
    }
    if (!t2->read_only) {
      // A read-write transaction is ordered after every write that completed before it began.
      if (max_writer && max_writer->ts >= t2->ts) return fail(*max_writer, *t2), r;
      continue;
    }
    // A read-only transaction may read at an earlier timestamp (Spanner's LastTS()) as long as
    // no write it reads completed before it began with a later timestamp.
    for (const auto& rd : t2->reads) {
      auto it = key_writer.find(rd.key);
      if (it != key_writer.end() && it->second->ts > t2->ts) return fail(*it->second, *t2), r;
    }
  }
  return r;
}

TxnCheckResult check_timestamp_serializable(const std::vector<TxnRecord>& history) {
  TxnCheckResult r;
  // Committed write timestamps per key, sorted.
  std::map<std::uint64_t, std::vector<Time>> writes;
  for (const auto& t : history)
    if (t.committed)
      for (const auto& w : t.writes) writes[w.key].push_back(t.ts);
  for (auto& [k, v] : writes) std::sort(v.begin(), v.end());
  for (const auto& t : history) {
    if (!t.committed) continue;
    ++r.checked;
    for (const auto& rd : t.reads) {
      // The last write before the reader's timestamp (at or before it for read-only reads).
      Time expected = 0;
      auto it = writes.find(rd.key);
      if (it != writes.end()) {
        const auto& v = it->second;
        auto pos = t.read_only ? std::upper_bound(v.begin(), v.end(), t.ts)
                               : std::lower_bound(v.begin(), v.end(), t.ts);
        if (pos != v.begin()) expected = *(pos - 1);
      }
      if (rd.version != expected) {
        r.ok = false;
        r.violation = fmt::format(
            "not serializable in timestamp order: {} read key {} as written at {:.6f} ms, but "
            "the last committed write before its timestamp is at {:.6f} ms",
            describe(t), rd.key, ms(rd.version), ms(expected));
        return r;
      }
    }
  }
  return r;
}

}  // namespace distlab::sim::check
