// Heartbeats for scale: every `period` each node sends a 64-byte heartbeat to `fanout` random
// other nodes (distinct), starting at a random phase so the nodes do not fire in lockstep. A
// node remembers when it last heard from its most recent senders in a fixed table of
// kSlots entries (the oldest entry is replaced), so per-node state stays around 100 bytes
// however many nodes there are.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "demo/demo.hpp"

namespace distlab::models::demo {
namespace {

struct Heartbeat {
  std::uint32_t seq = 0;
  std::size_t size_bytes() const { return 64; }
  std::string describe() const { return fmt::format("heartbeat#{}", seq); }
};

struct HeartbeatConfig {
  std::uint32_t nodes = 0;
  std::uint32_t fanout = 1;
  sim::Time period = 0;
};

class HeartbeatNode final : public sim::Protocol {
 public:
  explicit HeartbeatNode(const HeartbeatConfig& c) : c_(c) {}

  void on_start(sim::Context& ctx) override {
    ctx.set_timer(static_cast<sim::Time>(ctx.rng().uniform(static_cast<std::uint64_t>(c_.period))));
  }

  void on_timer(sim::Context& ctx, sim::TimerId) override {
    const sim::Message hb = sim::Message::of(Heartbeat{seq_++});
    std::array<sim::NodeId, kFanoutMax> sent{};
    for (std::uint32_t k = 0; k < c_.fanout; ++k) {
      sim::NodeId to;
      do {  // a uniform other node, not chosen before in this round (fanout <= nodes - 1)
        to = static_cast<sim::NodeId>(ctx.rng().uniform(c_.nodes - 1));
        if (to >= ctx.self()) ++to;
      } while (std::find(sent.begin(), sent.begin() + k, to) != sent.begin() + k);
      sent[k] = to;
      ctx.send(to, hb);
    }
    ctx.set_timer(c_.period);
  }

  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& msg) override {
    if (!msg.is<Heartbeat>()) return;
    const sim::Time now = ctx.now();
    Slot* oldest = &seen_[0];
    for (Slot& s : seen_) {
      if (s.last != kEmpty && s.from == from) {
        s.last = now;
        return;
      }
      if (s.last < oldest->last) oldest = &s;
    }
    *oldest = Slot{from, now};
  }

  static constexpr std::uint32_t kFanoutMax = 64;

 private:
  static constexpr std::size_t kSlots = 4;
  static constexpr sim::Time kEmpty = -1;  // below every real time, so empty slots go first
  struct Slot {
    sim::NodeId from = 0;
    sim::Time last = kEmpty;
  };
  const HeartbeatConfig& c_;  // shared by all nodes, owned by the factory
  std::array<Slot, kSlots> seen_{};
  std::uint32_t seq_ = 0;
};

}  // namespace

sim::ModelInstance build_heartbeat(sim::Options& o) {
  auto c = std::make_shared<HeartbeatConfig>();
  c->nodes = static_cast<std::uint32_t>(o.get_int_in("nodes", 2, 10'000'000, 100));
  c->fanout = static_cast<std::uint32_t>(o.get_int_in(
      "fanout", 1, std::min<std::int64_t>(c->nodes - 1, HeartbeatNode::kFanoutMax), 1));
  c->period = o.get_time("period", sim::ms(1000), true);
  sim::ModelInstance m;
  m.server_names.reserve(c->nodes);
  for (std::uint32_t i = 0; i < c->nodes; ++i) m.server_names.push_back(fmt::format("n{}", i));
  m.make_node = [c](sim::NodeId) { return std::make_unique<HeartbeatNode>(*c); };
  return m;
}

}  // namespace distlab::models::demo
