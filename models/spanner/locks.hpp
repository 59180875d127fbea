#pragma once
// The lock table of a group leader: shared and exclusive locks per key, held until the
// transaction ends (two-phase locking), with wound-wait deadlock avoidance (Rosenkrantz et al.
// 1978, as Spanner uses it): an older transaction wounds (aborts) younger holders in its way, a
// younger one waits. The table only says whom to wound; the server decides whether it can (a
// prepared transaction cannot be aborted) and releases the victims' locks.
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "messages.hpp"

namespace distlab::models::spanner {

class LockTable {
 public:
  using Owner = std::pair<sim::Time, TxnId>;  // (priority, txn): smaller is older
  struct Grant {
    TxnId txn;
    std::uint64_t key;
    bool exclusive;
  };

  // Younger holders of `key` that conflict with `who` taking it.
  std::vector<TxnId> younger_conflicts(const Owner& who, std::uint64_t key, bool exclusive) const;
  // Grants the lock (true) if it is free for `who` and no older request queues (an upgrade
  // from shared does not queue: the others wait for it), else queues the request in age
  // order (false).
  bool acquire(const Owner& who, std::uint64_t key, bool exclusive);
  // Drops `who`'s locks and queued requests on `keys`; returns the queued requests that are
  // granted as a result, in queue order.
  std::vector<Grant> release(const Owner& who, const std::vector<std::uint64_t>& keys);

 private:
  struct Request {
    Owner who;
    bool exclusive;
  };
  struct State {
    std::set<Owner> shared;
    std::optional<Owner> exclusive;
    std::deque<Request> queue;
  };
  std::vector<Owner> conflicts(const State& l, const Owner& who, bool exclusive) const;
  void wake(std::uint64_t key, State& l, std::vector<Grant>& out);
  std::unordered_map<std::uint64_t, State> keys_;  // never iterated
};

}  // namespace distlab::models::spanner
