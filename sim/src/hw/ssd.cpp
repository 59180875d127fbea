#include "hw/ssd.hpp"

#include <algorithm>
#include <cmath>

namespace distlab::sim::hw {

Time Ssd::admit(Time now, std::size_t bytes, bool write) {
  const double bw = write ? spec.write_bytes_per_s : spec.read_bytes_per_s;
  double transfer_s = static_cast<double>(bytes) / bw;
  if (spec.iops > 0) transfer_s = std::max(transfer_s, 1.0 / spec.iops);
  const auto transfer = static_cast<Time>(std::llround(transfer_s * slow * 1e9));
  const auto latency = static_cast<Time>(
      std::llround(static_cast<double>(write ? spec.write_latency : spec.read_latency) * slow));
  path_free = std::max(path_free, now) + transfer;
  ++in_flight;
  return path_free + latency;
}

}  // namespace distlab::sim::hw
