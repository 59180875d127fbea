#pragma once
// The simulator's own event queue: timers, message arrivals, faults. Ties in time are broken by
// a sequence number, so the order never depends on addresses or container internals.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "distlab/sim/message.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::sim::engine {

struct Event {
  enum class Type : std::uint8_t {
    deliver,
    depart,
    timer,
    fault,
    fault_end,
    restart,
    resume,
    clock_sync,
    stop,     // a server that left stops, after its drain time
    cpu_free  // the node's CPU is free: handle the next item of its inbox
  };
  Time t = 0;
  std::uint64_t seq = 0;
  Type type = Type::timer;
  NodeId node = 0;  // receiver (deliver), owner (timer), sender (depart)
  NodeId from = 0;  // deliver/depart: sender
  std::uint32_t incarnation = 0;
  std::uint64_t a = 0;  // timer id, fault index, message trace id
  Message msg;
};

class EventQueue {
 public:
  void push(Event e) {
    e.seq = next_seq_++;
    heap_.push_back(std::move(e));
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  bool empty() const { return heap_.empty(); }
  Time next_time() const { return heap_.empty() ? kNever : heap_.front().t; }
  Event pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Event e = std::move(heap_.back());
    heap_.pop_back();
    return e;
  }
  std::size_t size() const { return heap_.size(); }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.t != b.t ? a.t > b.t : a.seq > b.seq;
    }
  };
  std::vector<Event> heap_;  // a binary heap: the earliest (t, seq) at the front
  std::uint64_t next_seq_ = 0;
};

}  // namespace distlab::sim::engine
