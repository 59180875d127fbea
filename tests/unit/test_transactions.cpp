// The transaction checkers: external consistency and serializability in timestamp order.
#include <catch2/catch.hpp>

#include "distlab/sim/check/transactions.hpp"

using namespace distlab::sim;
using namespace distlab::sim::check;

namespace {
TxnRecord txn(std::uint64_t id, Time invoke, Time complete, Time ts, bool ro = false) {
  TxnRecord t;
  t.id = id;
  t.invoke = invoke;
  t.complete = complete;
  t.ts = ts;
  t.committed = true;
  t.read_only = ro;
  return t;
}

// A read-write transaction whose client gave up after sending its commit: its writes are known,
// its timestamp is not, and its end is meaningless (set here to an early time, so that a
// checker which used it would order later transactions after it).
TxnRecord indeterminate(std::uint64_t id, Time invoke, std::vector<TxnRecord::Write> writes) {
  TxnRecord t;
  t.id = id;
  t.invoke = invoke;
  t.complete = invoke + 1;
  t.indeterminate = true;
  t.writes = std::move(writes);
  return t;
}
}  // namespace

TEST_CASE("transactions: timestamps that follow real time are externally consistent",
          "[check][txn]") {
  std::vector<TxnRecord> h = {txn(1, 0, 10, 5), txn(2, 11, 20, 15), txn(3, 5, 30, 12)};
  for (auto& t : h) t.writes = {{t.id, 1}};
  auto r = check_external_consistency(h);
  CHECK(r.ok);
  CHECK(r.checked == 3);
}

TEST_CASE("transactions: a later transaction with a smaller timestamp is caught", "[check][txn]") {
  // T1 commits at real time 10 with timestamp 50 (its clock ran fast, no commit wait); T2
  // starts at 11 and gets timestamp 20.
  std::vector<TxnRecord> h = {txn(1, 0, 10, 50), txn(2, 11, 20, 20)};
  h[0].writes = {{1, 1}};
  auto r = check_external_consistency(h);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.violation, Catch::Contains("txn 1") && Catch::Contains("txn 2"));
}

TEST_CASE("transactions: overlapping transactions may commit in either timestamp order",
          "[check][txn]") {
  std::vector<TxnRecord> h = {txn(1, 0, 10, 50), txn(2, 5, 20, 20)};
  h[0].writes = {{1, 1}};
  CHECK(check_external_consistency(h).ok);
  // A read-only transaction orders nothing after it.
  std::vector<TxnRecord> ro = {txn(4, 0, 10, 50, true), txn(5, 11, 20, 20, true)};
  CHECK(check_external_consistency(ro).ok);
  // A later read-only transaction may read at an earlier timestamp, unless it reads a key the
  // earlier writer wrote.
  auto w = txn(6, 0, 10, 50);
  w.writes = {{9, 1}};
  auto other = txn(7, 11, 12, 20, true);
  other.reads = {{8, 0}};
  CHECK(check_external_consistency({w, other}).ok);
  auto missed = txn(8, 11, 12, 20, true);
  missed.reads = {{9, 0}};
  CHECK_FALSE(check_external_consistency({w, missed}).ok);
  // Uncommitted transactions do not count.
  h.push_back(txn(3, 11, 12, 1));
  h.back().committed = false;
  CHECK(check_external_consistency(h).ok);
}

TEST_CASE("transactions: reads that see the last write before their timestamp serialize",
          "[check][txn]") {
  auto w1 = txn(1, 0, 10, 100);
  w1.writes = {{7, 1}};
  auto w2 = txn(2, 20, 30, 200);
  w2.writes = {{7, 2}};
  auto r1 = txn(3, 40, 41, 150, true);  // snapshot at 150: sees w1
  r1.reads = {{7, 100, 1}};
  auto r2 = txn(4, 40, 41, 200, true);  // read-only at 200: sees w2 (at or before)
  r2.reads = {{7, 200, 2}};
  auto rw = txn(5, 40, 50, 200 + 1);  // read-write at 201: reads strictly before: w2
  rw.reads = {{7, 200, 2}};
  auto r0 = txn(6, 0, 1, 50, true);  // before any write: the initial value
  r0.reads = {{7, 0}};
  auto r = check_timestamp_serializable({w1, w2, r1, r2, rw, r0});
  CHECK(r.ok);
  CHECK(r.checked == 6);
}

TEST_CASE("transactions: a read that misses a write before its timestamp is caught",
          "[check][txn]") {
  auto w1 = txn(1, 0, 10, 100);
  w1.writes = {{7, 1}};
  auto w2 = txn(2, 20, 30, 200);
  w2.writes = {{7, 2}};
  auto stale = txn(3, 40, 41, 250, true);
  stale.reads = {{7, 100, 1}};  // should have seen the write at 200
  auto r = check_timestamp_serializable({w1, w2, stale});
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.violation, Catch::Contains("txn 3") && Catch::Contains("key 7"));
}

TEST_CASE("transactions: a read of a value nobody wrote is caught", "[check][txn]") {
  auto w1 = txn(1, 0, 10, 100);
  w1.writes = {{7, 11}};
  auto r1 = txn(2, 20, 21, 150, true);
  r1.reads = {{7, 100, 11}, {8, 0}};  // w1's value, and the initial value of key 8
  CHECK(check_timestamp_serializable({w1, r1}).ok);
  auto r2 = txn(3, 20, 21, 150, true);
  r2.reads = {{7, 100, 99}};  // the right version, but a value nobody wrote
  auto r = check_timestamp_serializable({w1, r2});
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.violation, Catch::Contains("nobody wrote") && Catch::Contains("txn 3") &&
                              Catch::Contains("key 7 = 99"));
  // A transaction that wrote it and aborted is no writer either (it is named).
  auto aborted = txn(4, 0, 10, 120);
  aborted.committed = false;
  aborted.writes = {{7, 99}};
  r = check_timestamp_serializable({w1, aborted, r2});
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.violation, Catch::Contains("nobody wrote") && Catch::Contains("txn 4"));
}

TEST_CASE("transactions: a read naming the wrong version of its writer is caught",
          "[check][txn]") {
  // w1 and w2 both write key 7; the reader gets w1's value but w2's version: the version is
  // the last write before its timestamp, yet the value it returned was not written then.
  auto w1 = txn(1, 0, 10, 100);
  w1.writes = {{7, 11}};
  auto w2 = txn(2, 20, 30, 200);
  w2.writes = {{7, 22}};
  auto ok = txn(3, 40, 41, 250, true);
  ok.reads = {{7, 200, 22}};
  CHECK(check_timestamp_serializable({w1, w2, ok}).ok);
  auto bad = txn(4, 40, 41, 250, true);
  bad.reads = {{7, 200, 11}};
  const auto r = check_timestamp_serializable({w1, w2, bad});
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.violation, Catch::Contains("txn 4") && Catch::Contains("key 7 = 11") &&
                              Catch::Contains("txn 1"));
}

TEST_CASE("transactions: an indeterminate write a later read observes commits at its version",
          "[check][txn]") {
  auto w1 = txn(1, 0, 10, 100);
  w1.writes = {{7, 11}};
  auto maybe = indeterminate(2, 20, {{7, 22}, {8, 23}});
  auto r1 = txn(3, 40, 41, 250, true);  // sees the indeterminate write to 7, at 200
  r1.reads = {{7, 200, 22}};
  auto rw = txn(4, 50, 60, 300);  // sees its write to 8, at the same version
  rw.reads = {{8, 200, 23}, {9, 0}};
  rw.writes = {{9, 44}};
  for (auto check : {check_external_consistency, check_timestamp_serializable}) {
    auto r = check({w1, maybe, r1, rw});
    CHECK(r.ok);
    CHECK(r.violation.empty());
    CHECK(r.checked == 4);  // the resolved transaction counts as committed
  }
  // A chain: an indeterminate transaction that read another's write, resolved by a committed
  // read of its own write, resolves the other one too (or its read would be unexplained).
  auto chained = indeterminate(5, 70, {{10, 55}});
  chained.reads = {{8, 200, 23}};
  auto r2 = txn(6, 80, 81, 400, true);
  r2.reads = {{10, 350, 55}};
  auto first = indeterminate(2, 20, {{8, 23}});
  for (auto check : {check_external_consistency, check_timestamp_serializable}) {
    auto r = check({w1, first, chained, r2});
    CHECK(r.ok);
    CHECK(r.checked == 4);
  }
}

TEST_CASE("transactions: an indeterminate write seen at two versions is caught", "[check][txn]") {
  auto maybe = indeterminate(2, 20, {{7, 22}, {8, 23}});
  auto r1 = txn(3, 40, 41, 250, true);
  r1.reads = {{7, 200, 22}};
  auto r2 = txn(4, 40, 41, 250, true);
  r2.reads = {{8, 210, 23}};  // the same transaction's write, at another timestamp
  for (auto check : {check_external_consistency, check_timestamp_serializable}) {
    auto r = check({maybe, r1, r2});
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.violation, Catch::Contains("two timestamps") && Catch::Contains("txn 2") &&
                                Catch::Contains("txn 3") && Catch::Contains("txn 4"));
  }
  // Seen twice at the same version is fine.
  r2.reads = {{8, 200, 23}};
  for (auto check : {check_external_consistency, check_timestamp_serializable})
    CHECK(check({maybe, r1, r2}).ok);
}

TEST_CASE("transactions: an indeterminate write nobody observes is ignored", "[check][txn]") {
  auto w1 = txn(1, 0, 10, 100);
  w1.writes = {{7, 11}};
  auto maybe = indeterminate(2, 20, {{7, 22}});  // counted as committed, ts 0 would be too small
  auto r1 = txn(3, 40, 41, 250, true);
  r1.reads = {{7, 100, 11}};  // reads past it: it may never have committed
  for (auto check : {check_external_consistency, check_timestamp_serializable}) {
    auto r = check({w1, maybe, r1});
    CHECK(r.ok);
    CHECK(r.checked == 2);
  }
}

TEST_CASE("transactions: resolving an indeterminate write does not hide a stale read",
          "[check][txn]") {
  auto w1 = txn(1, 0, 10, 200);
  w1.writes = {{7, 11}};
  auto maybe = indeterminate(2, 20, {{7, 22}});
  auto stale = txn(3, 40, 41, 250, true);
  stale.reads = {{7, 150, 22}};  // resolves it at 150, but the write at 200 came after
  auto r = check_timestamp_serializable({w1, maybe, stale});
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.violation, Catch::Contains("txn 3") && Catch::Contains("key 7") &&
                              Catch::Contains("not serializable in timestamp order"));
  // Read at a timestamp before the committed write, the same value is fine.
  stale.ts = 180;
  CHECK(check_timestamp_serializable({w1, maybe, stale}).ok);
}

TEST_CASE("transactions: a resolved indeterminate transaction is ordered by its start only",
          "[check][txn]") {
  // It never completed as far as anyone knows: a later transaction with a smaller timestamp
  // is no violation.
  auto maybe = indeterminate(1, 0, {{7, 11}});  // its end (1) is meaningless
  auto t2 = txn(2, 100, 110, 300);
  t2.writes = {{8, 22}};
  auto reader = txn(3, 700, 710, 600, true);
  reader.reads = {{7, 500, 11}, {8, 300, 22}};  // resolves it at 500
  for (auto check : {check_external_consistency, check_timestamp_serializable})
    CHECK(check({maybe, t2, reader}).ok);
  // It is still ordered after what completed before it was invoked.
  auto t1 = txn(1, 0, 10, 500);
  t1.writes = {{8, 11}};
  auto late = indeterminate(2, 20, {{7, 22}});
  auto seen = txn(3, 700, 710, 600, true);
  seen.reads = {{7, 300, 22}, {8, 500, 11}};  // resolves it at 300 < 500
  auto r = check_external_consistency({t1, late, seen});
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.violation, Catch::Contains("external consistency violated") &&
                              Catch::Contains("txn 1") && Catch::Contains("txn 2"));
  CHECK(check_timestamp_serializable({t1, late, seen}).ok);
  // Invoked before t1 completed, it is not.
  late.invoke = 5;
  CHECK(check_external_consistency({t1, late, seen}).ok);
}
