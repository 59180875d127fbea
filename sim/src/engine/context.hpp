#pragma once
// The Context a node's handlers see: a thin forwarding layer over the World.
#include "distlab/sim/node.hpp"
#include "engine/world.hpp"

namespace distlab::sim::engine {

class NodeContext final : public Context {
 public:
  NodeContext(World& w, NodeState& n) : w_(w), n_(n) {}
  NodeId self() const override { return n_.id; }
  std::string_view name() const override { return n_.name; }
  std::string_view name_of(NodeId id) const override { return w_.node(id).name; }
  std::size_t node_count() const override { return w_.node_count(); }
  const std::vector<NodeId>& peers() const override { return w_.server_ids(); }
  void send(NodeId to, Message msg) override;
  TimerId set_timer(Time delay) override { return w_.set_timer(n_.id, delay); }
  void cancel_timer(TimerId id) override { w_.cancel_timer(n_.id, id); }
  Time now() const override { return n_.clock.read(w_.now()); }
  TimeInterval truetime() override { return w_.truetime(n_); }
  Rng& rng() override { return n_.rng; }
  Storage& storage() override { return storage_; }
  NodeMetrics& metrics() override { return n_.metrics; }
  void log_line(std::string_view line) override;
  IoId rdma_read(NodeId remote, std::size_t bytes) override {
    return w_.start_rdma(n_.id, remote, bytes, false);
  }
  IoId rdma_write(NodeId remote, std::size_t bytes) override {
    return w_.start_rdma(n_.id, remote, bytes, true);
  }
  IoId ssd_read(std::uint32_t ssd, std::size_t bytes) override {
    return w_.start_ssd(n_.id, ssd, bytes, false);
  }
  IoId ssd_write(std::uint32_t ssd, std::size_t bytes) override {
    return w_.start_ssd(n_.id, ssd, bytes, true);
  }
  std::uint32_t ssd_count() const override {
    return static_cast<std::uint32_t>(n_.ssds.size());
  }

 private:
  // Charges disk time for every write, delaying this handler's later sends.
  struct TimedStorage final : Storage {
    explicit TimedStorage(NodeContext& c) : c_(c) {}
    void put(std::string_view key, std::string value) override;
    std::optional<std::string> get(std::string_view key) const override {
      return c_.n_.storage.get(key);
    }
    void erase(std::string_view key) override;
    const std::map<std::string, std::string, std::less<>>& all() const override {
      return c_.n_.storage.all();
    }
    NodeContext& c_;
  };
  World& w_;
  NodeState& n_;
  TimedStorage storage_{*this};
};

}  // namespace distlab::sim::engine
