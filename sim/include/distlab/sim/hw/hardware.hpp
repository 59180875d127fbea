#pragma once
// Host hardware: what a scenario's [[hardware]] entries give each node. A node without an entry
// gets the defaults: the [network] link bandwidth, the [node] CPU cost, no SSDs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "distlab/sim/error.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::sim {

// One SSD. Model (sim/src/hw/ssd.cpp): I/Os enter in FIFO order, at most queue_depth at once;
// each occupies the drive's data path for max(bytes / bandwidth, 1 / iops), one after another,
// and completes `latency` after its turn on the data path ends (the flash access overlaps other
// I/Os' transfers, as on a real NVMe drive with many commands queued).
struct SsdSpec {
  double read_bytes_per_s = 7.0e9;   // PCIe 4.0 NVMe sequential read
  double write_bytes_per_s = 3.8e9;  // ... and write
  Time read_latency = us(80);
  Time write_latency = us(20);  // into the drive's power-protected write cache
  std::uint32_t queue_depth = 128;
  double iops = 1.0e6;  // 0: no limit beyond bandwidth
};

// What one node has.
struct HostHardware {
  std::optional<double> nic_bps;          // default: [network] bandwidth
  std::optional<Time> cpu_per_message;    // default: [node] cpu_per_message
  std::vector<SsdSpec> ssds;              // index = the ssd number handlers use
  Time rdma_timeout = ms(500);            // an RDMA to a dead or cut-off peer fails after this
};

// A [[hardware]] entry: a class of hosts and what they have.
struct HardwareSpec {
  SourcePos pos;
  std::string key_path;            // "hardware[0]"
  std::vector<std::string> nodes;  // names, roles, "servers", "clients", "all", "clientN"
  SourcePos nodes_pos;
  std::string profile;  // the named defaults it started from ("" = none)
  HostHardware hw;
};

// Named hardware profiles (see hardware_profiles() for the list and their sources).
struct HardwareProfile {
  std::string name;
  std::string description;
  HostHardware hw;
};
const std::vector<HardwareProfile>& hardware_profiles();

}  // namespace distlab::sim
