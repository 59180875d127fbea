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
    if (t.committed) {
      done.push_back(&t);
      started.push_back(&t);
    }
  r.checked = done.size();
  // Sweep transactions by start time; keep the largest timestamp of those that completed
  // strictly before the current start.
  std::sort(done.begin(), done.end(), [](auto* a, auto* b) {
    return a->complete != b->complete ? a->complete < b->complete : a->id < b->id;
  });
  std::sort(started.begin(), started.end(), [](auto* a, auto* b) {
    return a->invoke != b->invoke ? a->invoke < b->invoke : a->id < b->id;
  });
  std::size_t i = 0;
  const TxnRecord* max_before = nullptr;
  for (const TxnRecord* t2 : started) {
    while (i < done.size() && done[i]->complete < t2->invoke) {
      if (!max_before || done[i]->ts > max_before->ts) max_before = done[i];
      ++i;
    }
    if (max_before && max_before->ts >= t2->ts && max_before != t2) {
      // A read-only transaction may share a timestamp with a write it follows (it reads at
      // that timestamp and sees the write): only a strictly larger earlier timestamp breaks
      // the order for it.
      if (t2->read_only && max_before->ts == t2->ts) continue;
      r.ok = false;
      r.violation = fmt::format(
          "external consistency violated: {} committed before {} started, but its timestamp is "
          "not smaller",
          describe(*max_before), describe(*t2));
      return r;
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
