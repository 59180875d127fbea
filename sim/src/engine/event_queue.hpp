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
    cpu_free,  // the node's CPU is free: handle the next item of its inbox
    io_start,  // an I/O a handler started leaves after the handler's CPU time
    io_wire,   // an RDMA step moved without SimGrid (textbook network, small): b = the step
    ssd_done,  // an SSD finished an I/O: free its queue slot
    io_done    // tell the node (on_io)
  };
  Time t = 0;
  std::uint64_t seq = 0;
  Type type = Type::timer;
  NodeId node = 0;  // receiver (deliver), owner (timer), sender (depart)
  NodeId from = 0;  // deliver/depart: sender
  std::uint32_t incarnation = 0;
  std::uint64_t a = 0;  // timer id, fault index, message trace id, I/O id
  std::uint32_t b = 0;  // ssd_done: SSD number; io_done: IoResult::Status; io_wire: step
  std::uint64_t c = 0;  // io_done: bytes
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
