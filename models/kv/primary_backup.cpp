// Primary-backup replication (Alsberg and Day 1976; Budhiraja et al. 1993), synchronous: the
// primary orders every write, sends it to all backups and answers the client once every backup
// has applied it. Reads go to the primary (linearizable) or, in the "backup-reads" variant, to
// a random backup: a backup can answer with a value older than one another client has already
// read, which is not linearizable when messages are delayed. No failover: if the primary is
// down, writes and primary reads time out until it restarts (its state is durable).
#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "distlab/sim/client_api.hpp"
#include "kv/kv.hpp"
#include "kv/messages.hpp"
#include "kv/store.hpp"

namespace distlab::models::kv {
namespace {

constexpr sim::Time kResendEvery = sim::ms(50);

class Primary final : public sim::Protocol {
 public:
  Primary(std::vector<sim::NodeId> backups, bool durable)
      : backups_(std::move(backups)), store_(durable) {}

  void on_start(sim::Context& ctx) override {
    acked_.assign(backups_.size(), 0);
    ctx.set_timer(kResendEvery);
  }
  void on_recover(sim::Context& ctx) override {
    store_.recover(ctx);
    if (auto s = ctx.storage().get("seq")) next_seq_ = std::stoull(*s);
    // Writes not yet applied everywhere are in the durable log: resend them (no client waits).
    for (const auto& [k, v] : ctx.storage().all()) {
      if (k.rfind("log/", 0) != 0) continue;
      Replicate rep;
      std::sscanf(v.c_str(), "%lu %lu %ld %u", &rep.seq, &rep.key, &rep.value, &rep.value_bytes);
      log_[rep.seq] = Pending{rep, sim::kNoNode, 0};  // the client's retry will find it
    }
    on_start(ctx);
  }

  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& msg) override {
    if (const auto* req = msg.get<sim::ClientRequest>()) return on_request(ctx, from, *req);
    if (const auto* ack = msg.get<Ack>()) return on_ack(ctx, from, *ack);
  }

  void on_timer(sim::Context& ctx, sim::TimerId) override {
    // Resend what a backup has not acknowledged (lost messages, restarted backups).
    for (std::size_t b = 0; b < backups_.size(); ++b)
      for (auto it = log_.upper_bound(acked_[b]); it != log_.end(); ++it)
        ctx.send(backups_[b], sim::Message::of(it->second.rep));
    ctx.set_timer(kResendEvery);
  }

 private:
  struct Pending {
    Replicate rep;
    sim::NodeId client;
    std::uint64_t op_id;
  };

  void on_request(sim::Context& ctx, sim::NodeId from, const sim::ClientRequest& req) {
    if (req.kind == sim::OpKind::read) {
      sim::ClientReply r{req.op_id, sim::ClientReply::Status::ok, store_.get(req.key), 0,
                         req.value_bytes};
      ctx.send(from, sim::Message::of(r));
      return;
    }
    if (store_.applied(req.op_id)) {
      // A retry or duplicate of a write already ordered: answer once it is everywhere.
      for (auto& [seq, p] : log_)
        if (p.op_id == req.op_id) {
          p.client = from;
          return;
        }
      ctx.send(from, sim::Message::of(sim::ClientReply{req.op_id, sim::ClientReply::Status::ok,
                                                       req.value, 0, 0}));
      return;
    }
    store_.mark_applied(ctx, req.op_id);
    Replicate rep{++next_seq_, req.key, req.value, req.value_bytes};
    ctx.storage().put("seq", std::to_string(next_seq_));
    ctx.storage().put(log_key(rep.seq),
                      fmt::format("{} {} {} {}", rep.seq, rep.key, rep.value, rep.value_bytes));
    store_.put(ctx, req.key, req.value);
    log_[rep.seq] = Pending{rep, from, req.op_id};
    for (sim::NodeId b : backups_) ctx.send(b, sim::Message::of(rep));
    if (backups_.empty()) complete(ctx);
  }

  void on_ack(sim::Context& ctx, sim::NodeId from, const Ack& ack) {
    for (std::size_t b = 0; b < backups_.size(); ++b)
      if (backups_[b] == from) acked_[b] = std::max(acked_[b], ack.applied);
    complete(ctx);
  }

  // Answer every write that all backups have applied.
  void complete(sim::Context& ctx) {
    const std::uint64_t all =
        backups_.empty() ? next_seq_ : *std::min_element(acked_.begin(), acked_.end());
    while (!log_.empty() && log_.begin()->first <= all) {
      const Pending& p = log_.begin()->second;
      if (p.client != sim::kNoNode)
        ctx.send(p.client, sim::Message::of(sim::ClientReply{p.op_id, sim::ClientReply::Status::ok,
                                                             p.rep.value, 0, 0}));
      ctx.storage().erase(log_key(log_.begin()->first));
      log_.erase(log_.begin());
    }
  }

  static std::string log_key(std::uint64_t seq) { return fmt::format("log/{:020}", seq); }

  std::vector<sim::NodeId> backups_;
  Store store_;
  std::uint64_t next_seq_ = 0;
  std::vector<std::uint64_t> acked_;
  std::map<std::uint64_t, Pending> log_;  // writes not yet applied by every backup
};

class Backup final : public sim::Protocol {
 public:
  explicit Backup(bool durable) : store_(durable) {}
  void on_recover(sim::Context& ctx) override {
    store_.recover(ctx);
    if (auto s = ctx.storage().get("applied")) applied_ = std::stoull(*s);
  }
  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& msg) override {
    if (const auto* req = msg.get<sim::ClientRequest>()) {
      if (req->kind != sim::OpKind::read) {
        ctx.send(from, sim::Message::of(sim::ClientReply{
                           req->op_id, sim::ClientReply::Status::redirect, 0, 0, 0}));
        return;
      }
      sim::ClientReply r{req->op_id, sim::ClientReply::Status::ok, store_.get(req->key), 0,
                         req->value_bytes};
      ctx.send(from, sim::Message::of(r));
      return;
    }
    if (const auto* rep = msg.get<Replicate>()) {
      if (rep->seq > applied_) pending_[rep->seq] = *rep;
      const std::uint64_t before = applied_;
      while (!pending_.empty() && pending_.begin()->first == applied_ + 1) {
        const Replicate& r = pending_.begin()->second;
        store_.put(ctx, r.key, r.value);
        applied_ = r.seq;
        pending_.erase(pending_.begin());
      }
      if (applied_ != before) ctx.storage().put("applied", std::to_string(applied_));
      ctx.send(from, sim::Message::of(Ack{applied_}));
    }
  }

 private:
  Store store_;
  std::uint64_t applied_ = 0;
  std::map<std::uint64_t, Replicate> pending_;  // arrived out of order
};

}  // namespace

sim::ModelInstance build_primary_backup(sim::Options& o, bool backup_reads) {
  const auto backups = o.get_int_in("backups", backup_reads ? 1 : 0, 64, 2);
  const bool durable = o.get_bool("durable", true);
  sim::ModelInstance m;
  m.server_names.push_back("primary");
  m.roles["primary"] = 0;
  std::vector<sim::NodeId> ids;
  for (std::int64_t i = 1; i <= backups; ++i) {
    m.server_names.push_back(fmt::format("backup{}", i));
    ids.push_back(static_cast<sim::NodeId>(i));
  }
  if (backups > 0) m.roles["backup"] = 1;
  m.make_node = [ids, durable](sim::NodeId id) -> std::unique_ptr<sim::Protocol> {
    if (id == 0) return std::make_unique<Primary>(ids, durable);
    return std::make_unique<Backup>(durable);
  };
  m.route = [backup_reads, backups](const sim::ClientRequest& req, sim::NodeId,
                                    sim::Rng& rng) -> sim::NodeId {
    if (backup_reads && req.kind == sim::OpKind::read)
      return static_cast<sim::NodeId>(1 + rng.uniform(static_cast<std::uint64_t>(backups)));
    return 0;
  };
  return m;
}

sim::ModelInstance build(sim::Options& o) {
  const auto variant =
      o.get_choice("variant", {"single", "primary-backup", "backup-reads"}, "single");
  if (variant == "single") return build_single(o);
  return build_primary_backup(o, variant == "backup-reads");
}

}  // namespace distlab::models::kv
