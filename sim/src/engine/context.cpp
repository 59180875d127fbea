#include "engine/context.hpp"

#include <cstdio>

namespace distlab::sim::engine {
namespace {
// A durable write: a fixed latency plus bytes at the disk's bandwidth (a datacenter NVMe SSD:
// about 20 us per synced write and 2 GB/s; sim/hw refines this per scenario).
constexpr Time kWriteLatency = us(20);
constexpr double kWriteBytesPerNs = 2.0;
Time write_cost(std::size_t bytes) {
  return kWriteLatency + static_cast<Time>(static_cast<double>(bytes) / kWriteBytesPerNs);
}
}  // namespace

void NodeContext::send(NodeId to, Message msg) {
  DISTLAB_ASSERT(to < w_.node_count(), "send to a node id out of range");
  w_.send(n_.id, to, std::move(msg), n_.write_delay);
}

void NodeContext::log_line(std::string_view line) {
  w_.recorder().trace_node("log", w_.now(), n_.name, line);
}

void NodeContext::TimedStorage::put(std::string_view key, std::string value) {
  c_.n_.write_delay += write_cost(key.size() + value.size());
  c_.n_.storage.put(key, std::move(value));
}

void NodeContext::TimedStorage::erase(std::string_view key) {
  c_.n_.write_delay += write_cost(key.size());
  c_.n_.storage.erase(key);
}

}  // namespace distlab::sim::engine
