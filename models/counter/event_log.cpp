#include "event_log.hpp"

#include <algorithm>

namespace distlab::models::counter {

bool EventLog::insert(const Event& e) {
  last_write_ = std::max(last_write_, e.time);
  auto it = std::lower_bound(events_.begin(), events_.end(), e);
  if (it != events_.end() && it->same_key(e)) return false;
  if (e.time <= ckpt_.ts) return true;  // already covered by the checkpoint: keep nothing
  events_.insert(it, e);
  return true;
}

void EventLog::apply_checkpoint(const Checkpoint& c) {
  if (c.ts <= ckpt_.ts) return;
  ckpt_ = c;
  auto end = std::upper_bound(events_.begin(), events_.end(), c.ts,
                              [](sim::Time t, const Event& e) { return t < e.time; });
  events_.erase(events_.begin(), end);
}

std::vector<Event> EventLog::after_checkpoint(sim::Time to) const {
  std::vector<Event> out;
  for (const Event& e : events_) {
    if (e.time > to) break;
    if (e.time > ckpt_.ts) out.push_back(e);
  }
  return out;
}

void Merged::add(const Checkpoint& c, sim::Time lw, const std::vector<Event>& evs) {
  last_write = std::max(last_write, lw);
  if (c.ts > checkpoint.ts) {
    checkpoint = c;
    std::erase_if(events, [&](const Event& e) { return e.time <= c.ts; });
  }
  const std::size_t before = events.size();
  for (const Event& e : evs)
    if (e.time > checkpoint.ts) events.push_back(e);
  if (events.size() == before) return;
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end(),
                           [](const Event& a, const Event& b) { return a.same_key(b); }),
               events.end());
}

std::int64_t aggregate(const Checkpoint& c, const std::vector<Event>& events) {
  std::int64_t count = c.count;
  for (const Event& e : events) count = e.clear ? 0 : count + e.delta;
  return count;
}

std::uint64_t partitions_touched(sim::Time from, sim::Time to, sim::Time bucket_width,
                                 std::uint32_t buckets_per_id) {
  from = std::max<sim::Time>(from, 0);
  to = std::max<sim::Time>(to, 0);
  if (to < from) return buckets_per_id;
  const auto first = from / bucket_width, last = to / bucket_width;
  return static_cast<std::uint64_t>(last - first + 1) * buckets_per_id;
}

}  // namespace distlab::models::counter
