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
  r1.reads = {{7, 100}};
  auto r2 = txn(4, 40, 41, 200, true);  // read-only at 200: sees w2 (at or before)
  r2.reads = {{7, 200}};
  auto rw = txn(5, 40, 50, 200 + 1);  // read-write at 201: reads strictly before: w2
  rw.reads = {{7, 200}};
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
  stale.reads = {{7, 100}};  // should have seen the write at 200
  auto r = check_timestamp_serializable({w1, w2, stale});
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.violation, Catch::Contains("txn 3") && Catch::Contains("key 7"));
}
