// The chain's manager (the master of chain replication; ZooKeeper in CRAQ): it hears every
// node's heartbeats, drops a node it has not heard from for `offline_after` and tells the
// remaining nodes the new chain, with a higher version. A node without state (restarted, or
// dropped by mistake) joins at the end: first after the tail, copying its state, then, once it
// says it is synced, as the new tail (the CR paper's "extending a chain"). One joins at a time.
// Clients read the chain from it as from a configuration service (the shared Directory).
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
    Directory& d = *obs_->dir;
    if (const auto* h = m.get<Heartbeat>()) {
      heard_[from] = ctx.now();
      const bool in_chain = std::find(d.chain.begin(), d.chain.end(), from) != d.chain.end();
      if (!h->fresh) {
        // A node dropped while it could not hear about it (paused, cut off) learns it now, and
        // comes back fresh; one that missed a configuration (lost) gets it again.
        if ((!in_chain && from != d.joining) || h->chain_version < d.version)
          ctx.send(from, sim::Message::of(ChainConfig{d.version, d.chain, d.joining}));
        else if (in_chain)
          ctx.send(from, sim::Message::of(Lease{d.version, h->sent_at}));
        return;
      }
      if (from == d.joining) {  // joining: it may have missed the configuration saying so
        if (h->chain_version < d.version)
          ctx.send(from, sim::Message::of(ChainConfig{d.version, d.chain, d.joining}));
        return;
      }
      // A delayed heartbeat from before the node joined (same life): not a new loss of state.
      if (auto it = joined_incarnation_.find(from);
          in_chain && it != joined_incarnation_.end() && h->incarnation <= it->second)
        return;
      if (in_chain && d.chain.size() > 1) {  // it lost its state: out, then in again
        std::erase(d.chain, from);
        return announce(ctx);
      }
      if (!in_chain && d.joining == sim::kNoNode) {
        d.joining = from;
        joined_incarnation_[from] = h->incarnation;
        ++obs_->joins;
        return announce(ctx);
      }
      return;
    }
    if (const auto* s = m.get<Synced>()) {
      // Synced with the tail of the current configuration: it becomes the tail.
      if (from != d.joining || s->chain_version != d.version) return;
      d.chain.push_back(from);
      d.joining = sim::kNoNode;
      announce(ctx);
    }
  }

  void on_timer(Context& ctx, sim::TimerId) override {
    ctx.set_timer(c_.heartbeat);
    Directory& d = *obs_->dir;
    auto silent = [&](NodeId n) { return ctx.now() - heard_[n] >= c_.offline_after; };
    bool changed = false;
    if (d.joining != sim::kNoNode && silent(d.joining)) {
      d.joining = sim::kNoNode;
      changed = true;
    }
    std::vector<NodeId> alive;
    for (NodeId n : d.chain)
      if (!silent(n)) alive.push_back(n);
    if (alive.size() != d.chain.size() && !alive.empty()) {  // keep the last one
      d.chain = alive;
      changed = true;
    }
    if (changed) announce(ctx);
  }

 private:
  // A new configuration to every node in it (and the joining one).
  void announce(Context& ctx) {
    Directory& d = *obs_->dir;
    ++d.version;
    ++obs_->reconfigurations;
    const auto msg = sim::Message::of(ChainConfig{d.version, d.chain, d.joining});
    for (NodeId n : d.chain) ctx.send(n, msg);
    if (d.joining != sim::kNoNode) ctx.send(d.joining, msg);
  }


  Config c_;
  std::shared_ptr<Observer> obs_;
  std::map<NodeId, Time> heard_;
  std::map<NodeId, std::uint64_t> joined_incarnation_;  // the life in which each node last joined
};

}  // namespace

std::unique_ptr<sim::Protocol> make_manager(const Config& c, std::shared_ptr<Observer> obs) {
  return std::make_unique<Manager>(c, std::move(obs));
}

}  // namespace distlab::models::chain
