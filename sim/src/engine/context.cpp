#include "engine/context.hpp"

#include <cstdio>

namespace distlab::sim::engine {

void NodeContext::send(NodeId to, Message msg) {
  DISTLAB_ASSERT(to < w_.node_count(), "send to a node id out of range");
  w_.send(n_.id, to, std::move(msg), n_.write_delay);
}

void NodeContext::log_line(std::string_view line) {
  w_.recorder().trace_node("log", w_.now(), n_.name, line);
}

void NodeContext::TimedStorage::put(std::string_view key, std::string value) {
  c_.n_.write_delay += c_.w_.disk_write_cost(key.size() + value.size());
  c_.n_.storage.put(key, std::move(value));
}

void NodeContext::TimedStorage::erase(std::string_view key) {
  c_.n_.write_delay += c_.w_.disk_write_cost(key.size());
  c_.n_.storage.erase(key);
}

}  // namespace distlab::sim::engine
