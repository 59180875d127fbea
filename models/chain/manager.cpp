// The chain's manager (the master of chain replication; ZooKeeper in CRAQ): it hears every
// node's heartbeats, drops a node it has not heard from for `offline_after` and tells the
// remaining nodes the new chain, with a higher version. Clients read the chain from it as from
// a configuration service (the shared Directory).
#include <algorithm>
#include <map>

#include "chain.hpp"
#include "messages.hpp"

namespace distlab::models::chain {
namespace {

using sim::Context;
using sim::NodeId;
using sim::Time;

class Manager final : public sim::Protocol {
 public:
  Manager(Config c, std::shared_ptr<Observer> obs) : c_(c), obs_(std::move(obs)) {}

  void on_start(Context& ctx) override {
    for (NodeId n : obs_->dir->chain) heard_[n] = ctx.now();
    ctx.set_timer(c_.heartbeat);
  }

  void on_message(Context& ctx, NodeId from, const sim::Message& m) override {
    if (m.is<Heartbeat>()) heard_[from] = ctx.now();
  }

  void on_timer(Context& ctx, sim::TimerId) override {
    ctx.set_timer(c_.heartbeat);
    Directory& d = *obs_->dir;
    std::vector<NodeId> alive;
    for (NodeId n : d.chain)
      if (ctx.now() - heard_[n] < c_.offline_after) alive.push_back(n);
    if (alive.size() == d.chain.size() || alive.empty()) return;  // keep the last one
    d.chain = alive;
    ++d.version;
    ++obs_->reconfigurations;
    const auto msg = sim::Message::of(ChainConfig{d.version, d.chain});
    for (NodeId n : d.chain) ctx.send(n, msg);
  }

 private:
  Config c_;
  std::shared_ptr<Observer> obs_;
  std::map<NodeId, Time> heard_;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_manager(const Config& c, std::shared_ptr<Observer> obs) {
  return std::make_unique<Manager>(c, std::move(obs));
}

}  // namespace distlab::models::chain
