#include "locks.hpp"

#include <algorithm>

namespace distlab::models::spanner {

std::vector<LockTable::Owner> LockTable::conflicts(const State& l, const Owner& who,
                                                   bool exclusive) const {
  std::vector<Owner> out;
  if (l.exclusive && l.exclusive->second != who.second) out.push_back(*l.exclusive);
  if (exclusive)
    for (const auto& s : l.shared)
      if (s.second != who.second) out.push_back(s);
  return out;
}

std::vector<TxnId> LockTable::younger_conflicts(const Owner& who, std::uint64_t key,
                                                bool exclusive) const {
  std::vector<TxnId> out;
  auto it = keys_.find(key);
  if (it == keys_.end()) return out;
  for (const auto& c : conflicts(it->second, who, exclusive))
    if (who < c) out.push_back(c.second);
  return out;
}

bool LockTable::acquire(const Owner& who, std::uint64_t key, bool exclusive) {
  State& l = keys_[key];
  if (l.exclusive && l.exclusive->second == who.second) return true;
  const bool holds_shared = l.shared.count(who) != 0;
  if (!exclusive && holds_shared) return true;
  // The queue is in age order: an older request goes ahead of younger ones (an older
  // transaction never waits behind a younger one that merely asked first).
  if (conflicts(l, who, exclusive).empty() &&
      (l.queue.empty() || holds_shared || who < l.queue.front().who)) {
    if (exclusive) {
      l.shared.erase(who);  // an upgrade
      l.exclusive = who;
    } else {
      l.shared.insert(who);
    }
    return true;
  }
  auto pos = std::find_if(l.queue.begin(), l.queue.end(),
                          [&](const Request& r) { return who < r.who; });
  l.queue.insert(pos, {who, exclusive});
  return false;
}

std::vector<LockTable::Grant> LockTable::release(const Owner& who,
                                                 const std::vector<std::uint64_t>& keys) {
  for (auto key : keys) {
    State& l = keys_[key];
    l.shared.erase(who);
    if (l.exclusive && l.exclusive->second == who.second) l.exclusive.reset();
    std::erase_if(l.queue, [&](const Request& r) { return r.who.second == who.second; });
  }
  std::vector<Grant> out;
  for (auto key : keys) {
    auto it = keys_.find(key);
    if (it == keys_.end()) continue;  // a key named twice
    wake(key, it->second, out);
    if (it->second.shared.empty() && !it->second.exclusive && it->second.queue.empty())
      keys_.erase(it);
  }
  return out;
}

// Grants queued requests that no longer conflict, in order.
void LockTable::wake(std::uint64_t key, State& l, std::vector<Grant>& out) {
  while (!l.queue.empty()) {
    const Request r = l.queue.front();
    bool ok = !l.exclusive || l.exclusive->second == r.who.second;
    if (r.exclusive)
      for (const auto& s : l.shared) ok = ok && s.second == r.who.second;
    if (!ok) return;
    l.queue.pop_front();
    if (r.exclusive) {
      l.shared.erase(r.who);
      l.exclusive = r.who;
    } else {
      l.shared.insert(r.who);
    }
    out.push_back({r.who.second, key, r.exclusive});
  }
}

}  // namespace distlab::models::spanner
