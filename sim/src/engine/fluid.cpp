#include "engine/fluid.hpp"

#include <algorithm>
#include <cmath>

namespace distlab::sim::engine {

FluidNet::FluidNet(std::vector<double> link_bytes_per_s) : cap_(std::move(link_bytes_per_s)) {
  left_.resize(2 * cap_.size());
  count_.resize(2 * cap_.size());
  on_link_.resize(2 * cap_.size());
}

void FluidNet::start(Time now, Time latency, NodeId from, NodeId to, double bytes,
                     std::uint64_t token) {
  std::size_t i;
  if (free_.empty()) {
    i = flows_.size();
    flows_.emplace_back();
  } else {
    i = free_.back();
    free_.pop_back();
  }
  flows_[i] = Flow{from, to, bytes, 0, token, seq_++};
  entering_.push({now + latency, flows_[i].seq, i});
  if (now + latency < next_) next_ = now + latency;
}

void FluidNet::advance(Time t, std::vector<std::uint64_t>& finished) {
  const double dt = to_seconds(t - now_);
  now_ = t;
  bool changed = false;
  // Progress every flow; those whose bytes are through (to half a byte) finish.
  std::size_t kept = 0;
  for (std::size_t k = 0; k < active_.size(); ++k) {
    Flow& f = flows_[active_[k]];
    f.remaining -= f.rate * dt;
    if (f.remaining <= 0.5) {
      finished.push_back(f.token);
      free_.push_back(active_[k]);
      changed = true;
    } else {
      active_[kept++] = active_[k];
    }
  }
  active_.resize(kept);
  // Flows whose latency is over enter the sharing (an empty one is done at once).
  while (!entering_.empty() && entering_.top().t <= t) {
    const std::size_t i = entering_.top().flow;
    entering_.pop();
    if (flows_[i].remaining <= 0.5) {
      finished.push_back(flows_[i].token);
      free_.push_back(i);
      continue;
    }
    // Keep start order: insert by sequence number.
    auto pos = std::upper_bound(active_.begin(), active_.end(), flows_[i].seq,
                                [&](std::uint64_t s, std::size_t j) { return s < flows_[j].seq; });
    active_.insert(pos, i);
    changed = true;
  }
  if (changed) solve();
  schedule();
}

// Progressive filling: the link whose fair share (capacity left / unfrozen flows) is the
// smallest fixes that share for all its flows; their other link loses it; repeat.
void FluidNet::solve() {
  const std::size_t links = left_.size();
  for (std::size_t l = 0; l < links; ++l) {
    left_[l] = cap_[l / 2];
    count_[l] = 0;
    on_link_[l].clear();
  }
  for (std::size_t k = 0; k < active_.size(); ++k) {
    const Flow& f = flows_[active_[k]];
    on_link_[2 * f.from].push_back(k);
    on_link_[2 * f.to + 1].push_back(k);
    ++count_[2 * f.from];
    ++count_[2 * f.to + 1];
  }
  using Entry = std::pair<double, std::size_t>;  // share, link (ties: lower link first)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  for (std::size_t l = 0; l < links; ++l)
    if (count_[l] > 0) heap.push({left_[l] / count_[l], l});
  std::vector<char> frozen(active_.size(), 0);
  while (!heap.empty()) {
    const auto [share, l] = heap.top();
    heap.pop();
    if (count_[l] == 0 || share != left_[l] / count_[l]) continue;  // stale entry
    for (std::size_t k : on_link_[l]) {
      if (frozen[k]) continue;
      frozen[k] = 1;
      Flow& f = flows_[active_[k]];
      f.rate = share;
      for (std::size_t m : {2 * static_cast<std::size_t>(f.from),
                            2 * static_cast<std::size_t>(f.to) + 1}) {
        left_[m] = std::max(0.0, left_[m] - share);
        --count_[m];
        if (m != l && count_[m] > 0) heap.push({left_[m] / count_[m], m});
      }
    }
  }
}

void FluidNet::schedule() {
  next_ = entering_.empty() ? kNever : entering_.top().t;
  for (std::size_t i : active_) {
    const Flow& f = flows_[i];
    if (f.rate <= 0) continue;
    const auto t = now_ + static_cast<Time>(std::ceil(f.remaining / f.rate * 1e9));
    next_ = std::min(next_, std::max(t, now_ + 1));
  }
}

}  // namespace distlab::sim::engine
