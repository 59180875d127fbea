// 3FS's cluster manager (mgmtd): it hears storage nodes' heartbeats, which carry each target's
// local state, and applies design_notes.md's transition table to every chain's targets. A node
// not heard from for `offline_after` (T) has its targets' local state offline. The chain's
// order follows the states (serving first, then syncing, waiting, and the offline ones at the
// end), and its version goes up on every change. The new routing goes to every storage node by
// message and to clients as from a configuration service.
#include <algorithm>
#include <map>

#include "chain/fs3/messages.hpp"

namespace distlab::models::chain::fs3 {
namespace {

using sim::Context;
using sim::NodeId;

}  // namespace

// design_notes.md, "Failure detection": (local state, public state, predecessor serving?)
// -> next public state. `last_serving`: no other target of the chain is serving (the notes'
// "has no predecessor" for a serving target going down: it was the last one serving).
State next_state(Local local, State cur, bool pred_serving, bool last_serving) {
  switch (local) {
    case Local::up_to_date:
      switch (cur) {
        case State::serving:
        case State::syncing:
        case State::lastsrv:
          return State::serving;
        case State::waiting:
        case State::offline:
          return State::waiting;
      }
      break;
    case Local::online:
      switch (cur) {
        case State::serving:
        case State::lastsrv:
          return State::serving;
        case State::syncing:
        case State::waiting:
          return pred_serving ? State::syncing : State::waiting;
        case State::offline:
          return State::waiting;
      }
      break;
    case Local::offline:
      switch (cur) {
        case State::serving:
          return last_serving ? State::lastsrv : State::offline;
        case State::lastsrv:
          return State::lastsrv;
        default:
          return State::offline;
      }
  }
  return cur;
}

namespace {

int rank(State s) {
  switch (s) {
    case State::serving: return 0;
    case State::syncing: return 1;
    case State::waiting: return 2;
    default: return 3;
  }
}

class Mgmtd final : public sim::Protocol {
 public:
  Mgmtd(Config c, std::shared_ptr<Observer> obs, std::vector<NodeId> storage)
      : c_(c), obs_(std::move(obs)), storage_(std::move(storage)) {}

  // Local states start from the published routing (a restarted mgmtd must not take a syncing
  // target for up to date before its node says so, nor revive a lastsrv one whose node is down).
  void on_start(Context& ctx) override {
    for (NodeId n : storage_) heard_[n] = ctx.now();
    local_.assign(obs_->routing->targets.size(), Local::offline);
    for (const auto& ch : obs_->routing->chains)
      for (std::size_t i = 0; i < ch.targets.size(); ++i)
        local_[ch.targets[i]] = ch.states[i] == State::serving ? Local::up_to_date
                                : ch.states[i] == State::syncing || ch.states[i] == State::waiting
                                    ? Local::online
                                    : Local::offline;
    ctx.set_timer(c_.heartbeat);
  }

  void on_message(Context& ctx, NodeId from, const sim::Message& m) override {
    const auto* h = m.get<Heartbeat>();
    if (!h) return;
    heard_[from] = ctx.now();
    for (std::size_t i = 0; i < h->targets.size(); ++i)
      local_[h->targets[i]] = h->up_to_date[i] == 2   ? Local::offline
                              : h->up_to_date[i] == 1 ? Local::up_to_date
                                                      : Local::online;
    update(ctx);
    if (h->routing_version < obs_->routing->version)  // it missed an update (lost, cut off)
      ctx.send(from, sim::Message::of(RoutingUpdate{obs_->routing}));
  }

  void on_timer(Context& ctx, sim::TimerId) override {
    for (const auto& [n, t] : heard_)
      if (ctx.now() - t >= c_.offline_after)
        for (std::uint32_t tg = 0; tg < obs_->routing->targets.size(); ++tg)
          if (obs_->routing->targets[tg].node == n) local_[tg] = Local::offline;
    update(ctx);
    ctx.set_timer(c_.heartbeat);
  }

 private:
  void update(Context& ctx) {
    auto r = std::make_shared<Routing>(*obs_->routing);
    bool changed = false;
    for (auto& ch : r->chains) {
      // Apply the table until the chain is stable (a move can make a predecessor serving).
      for (int round = 0; round < 4; ++round) {
        std::vector<State> next(ch.states.size());
        // In chain order: a serving target going down becomes lastsrv only if no target before
        // it ended up serving or lastsrv and none after it stays serving (of several going
        // down at once, the first in the chain, which holds every version, is the last server).
        for (std::size_t i = 0; i < ch.targets.size(); ++i) {
          bool other_serving = false;
          for (std::size_t j = 0; j < i; ++j)
            if (next[j] == State::serving || next[j] == State::lastsrv) other_serving = true;
          for (std::size_t j = i + 1; j < ch.targets.size(); ++j)
            if ((ch.states[j] == State::serving && local_[ch.targets[j]] != Local::offline) ||
                ch.states[j] == State::lastsrv)
              other_serving = true;
          const bool pred_serving = i > 0 && ch.states[i - 1] == State::serving;
          next[i] = next_state(local_[ch.targets[i]], ch.states[i], pred_serving, !other_serving);
        }
        // Offline and lastsrv targets go to the end; the rest keep their order by state.
        std::vector<std::size_t> order(ch.targets.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&](auto a, auto b) { return rank(next[a]) < rank(next[b]); });
        ChainInfo n = ch;
        for (std::size_t i = 0; i < order.size(); ++i) {
          n.targets[i] = ch.targets[order[i]];
          n.states[i] = next[order[i]];
        }
        if (n.targets == ch.targets && n.states == ch.states) break;
        ch.targets = n.targets;
        ch.states = n.states;
        ++ch.version;
        ++obs_->chain_changes;
        changed = true;
      }
    }
    if (!changed) return;
    ++r->version;
    obs_->routing = r;
    for (NodeId n : storage_) ctx.send(n, sim::Message::of(RoutingUpdate{r}));
  }

  Config c_;
  std::shared_ptr<Observer> obs_;
  std::vector<NodeId> storage_;
  std::map<NodeId, sim::Time> heard_;
  std::vector<Local> local_;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_mgmtd(const Config& c, std::shared_ptr<Observer> obs,
                                          std::vector<sim::NodeId> storage) {
  return std::make_unique<Mgmtd>(c, std::move(obs), std::move(storage));
}

}  // namespace distlab::models::chain::fs3
