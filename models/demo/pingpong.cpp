// Ping-pong: nodes 2i and 2i+1 are partners. The even one sends a Ping at start; whoever
// receives a Ping answers its partner with one of the same size, until the simulation ends.
// One message is in flight per pair at any time, so a pair exchanges one message per
// (latency + size / bandwidth): the benchmark (bench/core) checks this against raw SimGrid.
#include <fmt/format.h>

#include "demo/demo.hpp"

namespace distlab::models::demo {
namespace {

struct Ping {
  std::uint64_t seq = 0;
  std::uint32_t bytes = 0;
  std::size_t size_bytes() const { return bytes; }
  std::string describe() const { return fmt::format("ping#{}", seq); }
};

class PingPongNode final : public sim::Protocol {
 public:
  explicit PingPongNode(std::uint32_t bytes) : bytes_(bytes) {}
  void on_start(sim::Context& ctx) override {
    if (ctx.self() % 2 == 0) ctx.send(ctx.self() + 1, sim::Message::of(Ping{0, bytes_}));
  }
  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& msg) override {
    const Ping* p = msg.get<Ping>();
    if (!p) return;
    ctx.send(from, sim::Message::of(Ping{p->seq + 1, bytes_}));
  }

 private:
  std::uint32_t bytes_;
};

}  // namespace

sim::ModelInstance build_pingpong(sim::Options& o) {
  const auto nodes = o.get_int_in("nodes", 2, 10'000'000, 2);
  if (nodes % 2 != 0)
    o.fail("nodes", fmt::format("must be even (pairs of partners), got {}", nodes));
  const auto bytes = static_cast<std::uint32_t>(o.get_int_in("message_bytes", 0, 1 << 30, 1000));
  sim::ModelInstance m;
  for (std::int64_t i = 0; i < nodes; ++i) m.server_names.push_back(fmt::format("n{}", i));
  m.make_node = [bytes](sim::NodeId) { return std::make_unique<PingPongNode>(bytes); };
  return m;
}

}  // namespace distlab::models::demo
