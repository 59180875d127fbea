// The Spanner model's lock table (models/spanner/locks.hpp): shared and exclusive locks,
// upgrades, wound-wait's "whom to wound", and age order in the queue.
#include <catch2/catch.hpp>

#include "spanner/locks.hpp"

using distlab::models::spanner::LockTable;

TEST_CASE("locks: shared locks share, an exclusive one waits and is granted on release",
          "[spanner][locks]") {
  LockTable t;
  const LockTable::Owner a{1, 10}, b{2, 20}, c{3, 30};
  CHECK(t.acquire(a, 7, false));
  CHECK(t.acquire(b, 7, false));
  CHECK_FALSE(t.acquire(c, 7, true));  // two readers hold it
  CHECK(t.release(a, {7}).empty());    // b still reads
  const auto g = t.release(b, {7});
  REQUIRE(g.size() == 1);
  CHECK(g[0].txn == 30);
  CHECK(g[0].exclusive);
}

TEST_CASE("locks: wound-wait names younger conflicting holders only", "[spanner][locks]") {
  LockTable t;
  const LockTable::Owner old{1, 10}, mid{2, 20}, young{3, 30};
  CHECK(t.acquire(mid, 7, true));
  CHECK(t.younger_conflicts(old, 7, false) == std::vector<std::uint64_t>{20});
  CHECK(t.younger_conflicts(young, 7, false).empty());  // a younger one waits
  CHECK(t.younger_conflicts(mid, 7, true).empty());     // its own lock
}

TEST_CASE("locks: an older request goes ahead of younger queued ones", "[spanner][locks]") {
  LockTable t;
  const LockTable::Owner holder{5, 50}, old{1, 10}, young{9, 90};
  CHECK(t.acquire(holder, 7, true));
  CHECK_FALSE(t.acquire(young, 7, true));
  CHECK_FALSE(t.acquire(old, 7, true));
  const auto g = t.release(holder, {7});
  REQUIRE(g.size() == 1);
  CHECK(g[0].txn == 10);
}

TEST_CASE("locks: an upgrade does not queue behind others", "[spanner][locks]") {
  LockTable t;
  const LockTable::Owner a{1, 10}, b{2, 20};
  CHECK(t.acquire(a, 7, false));
  CHECK_FALSE(t.acquire(b, 7, true));  // b waits for a's shared lock
  CHECK(t.acquire(a, 7, true));        // a, the only reader, upgrades past b's request
}
