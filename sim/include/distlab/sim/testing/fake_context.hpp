#pragma once
// A Context without a simulation, for unit-testing a protocol's handlers one call at a time:
// it records what the handler sent and which timers it set, keeps storage in memory, and lets
// the test set the clock.
//
//   FakeContext ctx(/*self=*/0, /*peers=*/{0, 1, 2});
//   node.on_message(ctx, 5, Message::of(ClientRequest{...}));
//   REQUIRE(ctx.sent.size() == 2);
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "distlab/sim/node.hpp"

namespace distlab::sim::testing {

class FakeContext final : public Context {
 public:
  FakeContext(NodeId self, std::vector<NodeId> peers, std::uint64_t seed = 1)
      : self_(self), peers_(std::move(peers)), rng_(seed, "fake", self) {}

  struct Sent {
    NodeId to;
    Message msg;
  };
  std::vector<Sent> sent;          // in send order
  std::map<TimerId, Time> timers;  // live timers -> delay
  std::map<std::string, std::int64_t> counters;
  std::vector<std::string> logs;
  struct Io {
    enum class Kind { rdma_read, rdma_write, ssd_read, ssd_write } kind;
    std::uint32_t target;  // remote node or SSD number
    std::size_t bytes;
  };
  std::map<IoId, Io> ios;  // started and not yet completed by the test (erase to complete)
  std::uint32_t ssds = 1;
  Time clock = 0;
  Time epsilon = 0;  // truetime() is clock +- epsilon

  // The messages of type T sent so far, with their destinations.
  template <class T>
  std::vector<std::pair<NodeId, T>> sent_of() const {
    std::vector<std::pair<NodeId, T>> out;
    for (const auto& s : sent)
      if (const T* t = s.msg.get<T>()) out.emplace_back(s.to, *t);
    return out;
  }

  NodeId self() const override { return self_; }
  std::string_view name() const override { return "fake"; }
  std::string_view name_of(NodeId) const override { return "peer"; }
  const std::vector<NodeId>& peers() const override { return peers_; }
  void send(NodeId to, Message msg) override { sent.push_back({to, std::move(msg)}); }
  TimerId set_timer(Time delay) override {
    timers[next_timer_] = delay;
    return next_timer_++;
  }
  void cancel_timer(TimerId id) override { timers.erase(id); }
  Time now() const override { return clock; }
  TimeInterval truetime() override { return {clock - epsilon, clock + epsilon}; }
  Rng& rng() override { return rng_; }
  Storage& storage() override { return storage_; }
  NodeMetrics& metrics() override { return metrics_; }
  void log_line(std::string_view line) override { logs.emplace_back(line); }
  IoId rdma_read(NodeId r, std::size_t b) override { return io(Io::Kind::rdma_read, r, b); }
  IoId rdma_write(NodeId r, std::size_t b) override { return io(Io::Kind::rdma_write, r, b); }
  IoId ssd_read(std::uint32_t d, std::size_t b) override { return io(Io::Kind::ssd_read, d, b); }
  IoId ssd_write(std::uint32_t d, std::size_t b) override {
    return io(Io::Kind::ssd_write, d, b);
  }
  std::uint32_t ssd_count() const override { return ssds; }

 private:
  struct MapStorage final : Storage {
    void put(std::string_view k, std::string v) override { data[std::string(k)] = std::move(v); }
    std::optional<std::string> get(std::string_view k) const override {
      auto it = data.find(k);
      return it == data.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    void erase(std::string_view k) override {
      auto it = data.find(k);
      if (it != data.end()) data.erase(it);
    }
    const std::map<std::string, std::string, std::less<>>& all() const override { return data; }
    std::map<std::string, std::string, std::less<>> data;
  };
  struct Counters final : NodeMetrics {
    explicit Counters(std::map<std::string, std::int64_t>& c) : c_(c) {}
    void add(std::string_view name, std::int64_t d) override { c_[std::string(name)] += d; }
    std::map<std::string, std::int64_t>& c_;
  };

  IoId io(Io::Kind k, std::uint32_t target, std::size_t bytes) {
    ios[next_io_] = Io{k, target, bytes};
    return next_io_++;
  }

  NodeId self_;
  std::vector<NodeId> peers_;
  IoId next_io_ = 1;
  Rng rng_;
  MapStorage storage_;
  Counters metrics_{counters};
  TimerId next_timer_ = 1;
};

}  // namespace distlab::sim::testing
