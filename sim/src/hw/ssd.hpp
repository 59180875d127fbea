#pragma once
// The state of one simulated SSD (model: see SsdSpec in distlab/sim/hw/hardware.hpp).
#include <cstddef>
#include <cstdint>
#include <deque>

#include "distlab/sim/hw/hardware.hpp"
#include "distlab/sim/hw/io.hpp"

namespace distlab::sim::hw {

struct Ssd {
  SsdSpec spec;
  Time path_free = 0;          // when the data path finishes the I/Os admitted so far
  std::uint32_t in_flight = 0;  // admitted, not completed (at most spec.queue_depth)
  std::deque<IoId> waiting;     // submitted while the queue was full, FIFO
  double slow = 1;              // disk_slow factor in force
  bool failed = false;          // disk_fail in force

  bool has_room() const { return in_flight < spec.queue_depth; }
  // Admits an I/O at `now` and returns when it completes.
  Time admit(Time now, std::size_t bytes, bool write);
};

}  // namespace distlab::sim::hw
