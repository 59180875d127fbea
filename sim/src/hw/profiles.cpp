// Named hardware profiles for [[hardware]] profile = "...": starting points with their sources;
// every number can be overridden in the scenario.
#include "distlab/sim/hw/hardware.hpp"

namespace distlab::sim {
namespace {

// A datacenter PCIe 4.0 x4 NVMe SSD of the 15.36 TB class (e.g. Samsung PM1733: 7,000 MB/s
// sequential read, 3,800 MB/s sequential write, 1.5M random 4 KiB read IOPS). Latencies are
// typical NAND read (~80 us) and write-cache (~20 us) figures.
SsdSpec nvme_pcie4() {
  SsdSpec s;
  s.read_bytes_per_s = 7.0e9;
  s.write_bytes_per_s = 3.8e9;
  s.read_latency = us(80);
  s.write_latency = us(20);
  s.queue_depth = 128;
  s.iops = 1.5e6;
  return s;
}

HostHardware host(std::optional<double> nic_bps, std::size_t ssds) {
  HostHardware h;
  h.nic_bps = nic_bps;
  h.ssds.assign(ssds, nvme_pcie4());
  return h;
}

}  // namespace

const std::vector<HardwareProfile>& hardware_profiles() {
  static const std::vector<HardwareProfile> profiles = {
      {"nvme", "one PCIe 4.0 NVMe SSD; the [network] link", host(std::nullopt, 1)},
      // 3FS README ("180 storage nodes, each equipped with 2x200Gbps InfiniBand NICs and
      // sixteen 14TiB NVMe SSDs"): both NIC ports as one 400 Gbit/s link.
      {"3fs-storage", "3FS storage node: 2 x 200 Gbit/s InfiniBand, 16 PCIe 4.0 NVMe SSDs",
       host(400e9, 16)},
      // 3FS README ("500+ client nodes, each configured with 1x200Gbps InfiniBand NIC").
      {"3fs-client", "3FS client node: 1 x 200 Gbit/s InfiniBand, no SSD", host(200e9, 0)},
  };
  return profiles;
}

}  // namespace distlab::sim
