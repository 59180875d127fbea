#pragma once
// Asynchronous hardware I/O seen from a handler: one-sided RDMA and local SSD reads and writes.
// A handler starts an I/O and gets an IoId back at once; the node's Protocol::on_io runs when
// the I/O completes (handlers never block). Content does not travel with an I/O: it charges the
// time the bytes take. A protocol that needs the data keeps it in its own state or messages.
#include <cstddef>
#include <cstdint>

#include "distlab/sim/types.hpp"

namespace distlab::sim {

using IoId = std::uint64_t;

struct IoResult {
  enum class Status : std::uint8_t {
    ok,
    failed  // SSD failed (disk_fail), or the RDMA peer is down or cut off
  };
  IoId id = 0;
  Status status = Status::ok;
  std::size_t bytes = 0;
  bool ok() const { return status == Status::ok; }
};

}  // namespace distlab::sim
