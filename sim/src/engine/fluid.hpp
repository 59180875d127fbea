#pragma once
// The `fluid` network model: SimGrid's flow model (max-min fair sharing of link bandwidth,
// latency first, then the bytes), computed without SimGrid for a LAN of hosts on one
// non-blocking switch, each with its own full-duplex link. Every flow uses two links: its
// sender's uplink and its receiver's downlink. The rates are the max-min fair allocation
// (progressive filling, as SimGrid's LMM solver computes it with the TCP factors off), solved
// again whenever a flow enters or leaves the sharing.
//
// Why: SimGrid 3.32 re-solves its whole linear system on every finished flow, through its
// general machinery; with thousands of concurrent bulk flows (3FS's 500 clients reading from
// 180 storage nodes) a finished flow cost about 1 ms. Here it costs O((flows + links) log
// links) over flat arrays.
#include <cstdint>
#include <queue>
#include <vector>

#include "distlab/sim/types.hpp"

namespace distlab::sim::engine {

class FluidNet {
 public:
  // Per node: link bandwidth in bytes per second (each direction).
  explicit FluidNet(std::vector<double> link_bytes_per_s);
  // A flow of `bytes` enters the sharing after `latency` and finishes when its bytes are
  // through; `token` is handed back then.
  void start(Time now, Time latency, NodeId from, NodeId to, double bytes, std::uint64_t token);
  // When the next flow finishes or enters the sharing (kNever: none).
  Time next_time() const { return next_; }
  // Moves to `t` (<= next_time()): appends the tokens of the flows finished at `t`, in the
  // order they started.
  void advance(Time t, std::vector<std::uint64_t>& finished);
  std::size_t active() const { return active_.size(); }

 private:
  struct Flow {
    NodeId from = 0, to = 0;
    double remaining = 0;  // bytes
    double rate = 0;       // bytes per second
    std::uint64_t token = 0;
    std::uint64_t seq = 0;
  };
  struct Entering {
    Time t;
    std::uint64_t seq;
    std::size_t flow;
    bool operator>(const Entering& o) const { return t != o.t ? t > o.t : seq > o.seq; }
  };
  void solve();
  void schedule();

  std::vector<double> cap_;  // per node
  std::vector<Flow> flows_;
  std::vector<std::size_t> free_;
  std::vector<std::size_t> active_;  // flow indices, in start order
  std::priority_queue<Entering, std::vector<Entering>, std::greater<>> entering_;
  Time now_ = 0;
  Time next_ = kNever;
  std::uint64_t seq_ = 0;
  // Scratch for solve(): per link (2 per node: up, down) remaining capacity and flows.
  std::vector<double> left_;
  std::vector<std::uint32_t> count_;
  std::vector<std::vector<std::size_t>> on_link_;
};

}  // namespace distlab::sim::engine
