#pragma once
// The multi-version data of one group replica: versions per key in timestamp order.
#include <algorithm>
#include <unordered_map>
#include <vector>

#include "messages.hpp"

namespace distlab::models::spanner {

class Store {
 public:
  void apply(const std::vector<KeyValue>& writes, sim::Time ts) {
    for (const auto& w : writes) {
      auto& v = data_[w.key];
      // Versions arrive in log order, which is timestamp order per key under locks.
      v.push_back({ts, w.value});
      if (v.size() > 1 && v[v.size() - 2].ts > ts)
        std::sort(v.begin(), v.end(), [](const Version& a, const Version& b) { return a.ts < b.ts; });
    }
  }
  // The last version at or before `ts` (version 0 = the initial value 0).
  KeyValue read(std::uint64_t key, sim::Time ts) const {
    auto it = data_.find(key);
    if (it == data_.end()) return {key, 0, 0};
    const auto& v = it->second;
    auto pos = std::upper_bound(v.begin(), v.end(), ts,
                                [](sim::Time t, const Version& x) { return t < x.ts; });
    if (pos == v.begin()) return {key, 0, 0};
    --pos;
    return {key, pos->value, pos->ts};
  }

 private:
  struct Version {
    sim::Time ts;
    std::int64_t value;
  };
  std::unordered_map<std::uint64_t, std::vector<Version>> data_;  // never iterated
};

}  // namespace distlab::models::spanner
