#include "distlab/sim/check/transactions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

namespace distlab::sim::check {
namespace {

double ms(Time t) { return static_cast<double>(t) / 1e6; }

std::string describe(const TxnRecord& t) {
  // An indeterminate transaction never learned its end; until resolved, not its timestamp.
  std::string kind = t.read_only ? "read-only, " : "";
  if (t.indeterminate) kind += t.committed ? "indeterminate, resolved, " : "indeterminate, ";
  const std::string end = t.indeterminate ? "?" : fmt::format("{:.6f}", ms(t.complete));
  const std::string ts = t.indeterminate && !t.committed ? "?" : fmt::format("{:.6f}", ms(t.ts));
  return fmt::format("txn {} ({}client {}, real [{:.6f}, {}] ms, timestamp {} ms)", t.id, kind,
                     t.client, ms(t.invoke), end, ts);
}

using KeyValue = std::pair<std::uint64_t, std::int64_t>;

// The transactions to check: the committed ones and the indeterminate ones resolved as
// committed, in history order.
struct Resolved {
  std::vector<TxnRecord> copies;  // the resolved ones: committed at the version read, no end
  std::vector<const TxnRecord*> committed;
  std::string violation;  // an indeterminate transaction seen at two timestamps
};

// An indeterminate transaction committed if a committed transaction read one of its writes, at
// that read's version; the reads of one so resolved count too. Each transaction's reads are
// looked at once: O(n log n).
Resolved resolve(const std::vector<TxnRecord>& history) {
  Resolved out;
  std::map<KeyValue, std::size_t> written;  // indeterminate writes -> the writer's index
  for (std::size_t i = 0; i < history.size(); ++i) {
    const TxnRecord& t = history[i];
    if (t.committed || !t.indeterminate) continue;
    for (const auto& w : t.writes) written.emplace(KeyValue{w.key, w.value}, i);
  }
  struct Seen {
    const TxnRecord* reader;
    TxnRecord::Read read;
  };
  std::vector<std::optional<Seen>> seen(history.size());  // the first read of each one's writes
  std::vector<std::size_t> work;  // the committed ones, then each one resolved
  for (std::size_t i = 0; i < history.size(); ++i)
    if (history[i].committed) work.push_back(i);
  for (std::size_t next = 0; next < work.size() && !written.empty(); ++next) {
    const TxnRecord& reader = history[work[next]];
    for (const auto& rd : reader.reads) {
      if (rd.version == 0) continue;  // the initial value
      auto it = written.find({rd.key, rd.value});
      if (it == written.end()) continue;
      auto& s = seen[it->second];
      if (!s) {
        s = Seen{&reader, rd};
        work.push_back(it->second);
      } else if (s->read.version != rd.version) {
        out.violation = fmt::format(
            "an indeterminate transaction seen at two timestamps: txn {} read key {} = {} as "
            "written at {:.6f} ms and txn {} read key {} = {} as written at {:.6f} ms, both "
            "values written by {}",
            s->reader->id, s->read.key, s->read.value, ms(s->read.version), reader.id, rd.key,
            rd.value, ms(rd.version), describe(history[it->second]));
        return out;
      }
    }
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (!seen[i] || history[i].committed) continue;
    TxnRecord t = history[i];
    t.committed = true;
    t.ts = seen[i]->read.version;
    t.complete = kNever;  // it never orders anything after it in real time
    out.copies.push_back(std::move(t));
  }
  std::size_t k = 0;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i].committed)
      out.committed.push_back(&history[i]);
    else if (seen[i])
      out.committed.push_back(&out.copies[k++]);
  }
  return out;
}

}  // namespace

TxnCheckResult check_external_consistency(const std::vector<TxnRecord>& history) {
  TxnCheckResult r;
  const Resolved res = resolve(history);
  if (!res.violation.empty()) {
    r.ok = false;
    r.violation = "external consistency not checkable: " + res.violation;
    return r;
  }
  std::vector<const TxnRecord*> done, started;
  for (const TxnRecord* t : res.committed) {
    if (t->bounded_stale) continue;
    started.push_back(t);
    if (t->complete != kNever) done.push_back(t);  // resolved indeterminate ones never complete
  }
  r.checked = started.size();
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
  const Resolved res = resolve(history);
  if (!res.violation.empty()) {
    r.ok = false;
    r.violation = "not serializable: " + res.violation;
    return r;
  }
  // Committed write timestamps per key, sorted.
  std::map<std::uint64_t, std::vector<Time>> writes;
  for (const TxnRecord* t : res.committed)
    for (const auto& w : t->writes) writes[w.key].push_back(t->ts);
  for (auto& [k, v] : writes) std::sort(v.begin(), v.end());
  // Who wrote each value, preferring a committed or indeterminate writer; one that did neither
  // is kept only to name it.
  auto known = [](const TxnRecord& t) { return t.committed || t.indeterminate; };
  std::map<KeyValue, const TxnRecord*> writer;
  for (const auto& t : history)
    for (const auto& w : t.writes) {
      auto [it, fresh] = writer.emplace(KeyValue{w.key, w.value}, &t);
      if (!fresh && !known(*it->second) && known(t)) it->second = &t;
    }
  for (const TxnRecord* t : res.committed) {
    ++r.checked;
    for (const auto& rd : t->reads) {
      // The last write before the reader's timestamp (at or before it for read-only reads).
      Time expected = 0;
      auto it = writes.find(rd.key);
      if (it != writes.end()) {
        const auto& v = it->second;
        auto pos = t->read_only ? std::upper_bound(v.begin(), v.end(), t->ts)
                                : std::lower_bound(v.begin(), v.end(), t->ts);
        if (pos != v.begin()) expected = *(pos - 1);
      }
      if (rd.version != expected) {
        r.ok = false;
        r.violation = fmt::format(
            "not serializable in timestamp order: {} read key {} as written at {:.6f} ms, but "
            "the last committed write before its timestamp is at {:.6f} ms",
            describe(*t), rd.key, ms(rd.version), ms(expected));
        return r;
      }
      if (rd.version == 0) continue;  // the initial value
      auto w = writer.find({rd.key, rd.value});
      if (w == writer.end() || !known(*w->second)) {
        r.ok = false;
        r.violation = fmt::format(
            "not serializable: {} read a value nobody wrote: key {} = {} as written at {:.6f} "
            "ms, a value no committed or indeterminate transaction wrote{}",
            describe(*t), rd.key, rd.value, ms(rd.version),
            w == writer.end()
                ? ""
                : fmt::format(" (only {} wrote it, and it did not commit)", describe(*w->second)));
        return r;
      }
      if (w->second->committed && w->second->ts != rd.version) {
        r.ok = false;
        r.violation = fmt::format(
            "not serializable: {} read key {} = {} as written at {:.6f} ms, but {} wrote it at "
            "{:.6f} ms",
            describe(*t), rd.key, rd.value, ms(rd.version), describe(*w->second),
            ms(w->second->ts));
        return r;
      }
    }
  }
  return r;
}

}  // namespace distlab::sim::check
