// One Multi-Paxos replica (log.hpp: acceptor, learner and, when elected, leader) with a
// key/value store applied from the log in slot order. See README.md for the protocol.
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "command.hpp"
#include "distlab/sim/client_api.hpp"
#include "log.hpp"
#include "paxos.hpp"

namespace distlab::models::paxos {

namespace {

using sim::ClientReply;
using sim::Context;
using sim::NodeId;

LogConfig log_config(const Config& c) {
  LogConfig l;
  l.heartbeat = c.heartbeat;
  l.election_timeout = c.election_timeout;
  l.lease = c.lease;
  l.drift_bound_ppm = c.drift_bound_ppm;
  l.batch_catchup = c.batch_catchup;
  l.adopt_accepted = c.adopt_accepted;
  l.durable = c.durable;
  return l;
}

class Replica final : public sim::Protocol, public Log<Command>::Host {
 public:
  Replica(Config c, std::shared_ptr<Observer> obs) : c_(c), obs_(std::move(obs)) {}

  void on_start(Context& ctx) override {
    make_log(ctx).start(ctx, ctx.self() == ctx.peers().front());  // bootstrap: first to stand
    ctx.set_timer(c_.heartbeat);
  }

  void on_recover(Context& ctx) override {
    make_log(ctx).recover(ctx);
    ctx.set_timer(c_.heartbeat);
  }

  void on_message(Context& ctx, NodeId from, const sim::Message& m) override {
    if (const auto* r = m.get<sim::ClientRequest>()) return on_client(ctx, from, *r);
    log_->on_message(ctx, from, m);
  }

  void on_timer(Context& ctx, sim::TimerId id) override {
    if (log_->on_timer(ctx, id)) return;
    ctx.set_timer(c_.heartbeat);
    log_->tick(ctx);
  }

 private:
  Log<Command>& make_log(Context& ctx) {
    log_.emplace(log_config(c_), 0, ctx.peers(), *this, &obs_->agreement, &obs_->log);
    return *log_;
  }

  // The key/value state machine. Writes apply at most once per operation (a retried write
  // may be in the log twice).
  void apply(Context& ctx, std::uint64_t, const Command& cmd) override {
    if (cmd.noop()) return;
    sim::Value result = 0;
    if (cmd.kind == sim::OpKind::write) {
      if (done_.emplace(cmd.op_id).second) kv_[cmd.key] = cmd.value;
      result = cmd.value;
    } else {
      auto it = kv_.find(cmd.key);
      result = it == kv_.end() ? 0 : it->second;
    }
    auto w = waiting_.find(cmd.op_id);
    if (w == waiting_.end()) return;
    ctx.send(w->second,
             sim::Message::of(ClientReply{cmd.op_id, ClientReply::Status::ok, result, 0,
                                          cmd.kind == sim::OpKind::read ? cmd.value_bytes : 0}));
    waiting_.erase(w);
  }

  void stepped_down(Context&) override { waiting_.clear(); }  // clients retry at the new leader

  void on_client(Context& ctx, NodeId from, const sim::ClientRequest& r) {
    if (!log_->is_leader()) {
      ClientReply rep{r.op_id, ClientReply::Status::fail, 0, 0, 0};
      const NodeId hint = log_->leader_hint();
      if (hint != sim::kNoNode && hint != ctx.self()) {
        rep.status = ClientReply::Status::redirect;
        rep.redirect_to = hint;
      }
      ctx.send(from, sim::Message::of(rep));
      return;
    }
    if (r.kind == sim::OpKind::write && done_.count(r.op_id)) {  // a retry of an applied write
      ctx.send(from,
               sim::Message::of(ClientReply{r.op_id, ClientReply::Status::ok, r.value, 0, 0}));
      return;
    }
    if (r.kind == sim::OpKind::read && c_.lease_reads && log_->has_lease(ctx) && log_->ready()) {
      // Under a lease no other leader can have decided anything: answer from local state.
      ++obs_->lease_reads;
      auto it = kv_.find(r.key);
      ctx.send(from,
               sim::Message::of(ClientReply{r.op_id, ClientReply::Status::ok,
                                            it == kv_.end() ? 0 : it->second, 0, r.value_bytes}));
      return;
    }
    if (r.kind == sim::OpKind::read) ++obs_->log_reads;
    const bool in_flight = waiting_.count(r.op_id) != 0;
    waiting_[r.op_id] = from;
    if (in_flight) return;  // a retry of a proposal still going: answer it when decided
    log_->propose(ctx, Command{r.op_id, from, r.kind, r.key, r.value, r.value_bytes});
  }

  Config c_;
  std::shared_ptr<Observer> obs_;
  std::optional<Log<Command>> log_;
  std::unordered_map<std::uint64_t, sim::Value> kv_;  // never iterated
  std::unordered_set<std::uint64_t> done_;            // write operations applied; never iterated
  std::map<std::uint64_t, NodeId> waiting_;           // op id -> client to answer when applied
};

}  // namespace

std::unique_ptr<sim::Protocol> make_replica(const Config& c, std::shared_ptr<Observer> obs) {
  return std::make_unique<Replica>(c, std::move(obs));
}

}  // namespace distlab::models::paxos
