// A spanserver: start, message dispatch, each group's Paxos log (the state machine it applies,
// leadership changes) and periodic work. See spanserver.hpp.
#include <algorithm>

#include "spanserver.hpp"

namespace distlab::models::spanner {

using sim::Context;
using sim::Time;

std::vector<std::uint64_t> TxnAtLeader::keys() const {
  std::vector<std::uint64_t> k(shared.begin(), shared.end());
  k.insert(k.end(), exclusive.begin(), exclusive.end());
  k.insert(k.end(), queued.begin(), queued.end());
  return k;
}

void Group::apply(Context& ctx, std::uint64_t slot, const Record& r) {
  server->applied(ctx, *this, slot, r);
}
void Group::leading(Context& ctx) { server->now_leading(ctx, *this); }
void Group::stepped_down(Context&) { reset_leader_state(); }

// Everything a leader keeps in memory only; clients and participants retry at the next leader.
void Group::reset_leader_state() {
  logging.clear();
  pending.clear();
  locks = LockTable{};
  txns.clear();
  aborted.clear();
  early.clear();
  waiting_reads.clear();
}

namespace {

paxos::LogConfig log_config(const Config& c, std::uint32_t group) {
  paxos::LogConfig l;
  l.heartbeat = c.paxos_heartbeat;
  l.election_timeout = c.election_timeout;
  l.lease = c.lease;
  l.lease_truetime = true;  // Spanner's leases are timed with TrueTime
  l.parallel_leader_write = true;
  l.announce_decisions = true;
  l.storage_prefix = fmt::format("g{}/", group);
  return l;
}

}  // namespace

void Spanserver::start(Context& ctx, bool recovering) {
  for (std::uint32_t g = 0; g < c_.groups; ++g)
    for (std::uint32_t z = 0; z < c_.zones; ++z)
      if (c_.replica(g, z) == ctx.self()) {
        Group& gr = groups_[g];
        gr.server = this;
        gr.id = g;
        for (std::uint32_t zz = 0; zz < c_.zones; ++zz) gr.replicas.push_back(c_.replica(g, zz));
        gr.log.emplace(log_config(c_, g), g, gr.replicas, gr, &obs_->agreement[g], &obs_->paxos);
        if (recovering)
          gr.log->recover(ctx);
        else
          gr.log->start(ctx, c_.leader(g) == ctx.self());  // the zone-0 replica stands first
      }
  // Each group has its own timers at its own phase, as independent groups would: ticking every
  // group at once would send bursts of heartbeats and safe times that queue at the CPU. The
  // first Paxos tick of a replica that stands first comes at once (elected before clients
  // arrive).
  for (auto& [g, gr] : groups_) {
    const bool stand = !recovering && c_.leader(g) == ctx.self();
    group_timers_[ctx.set_timer(stand ? 1 : jitter(ctx, c_.paxos_heartbeat))] = {g, false};
    group_timers_[ctx.set_timer(jitter(ctx, c_.safe_time_every))] = {g, true};
  }
}

// A period drawn from [t/2, 3t/2): timers of different groups drift apart.
sim::Time Spanserver::jitter(Context& ctx, Time t) {
  return std::max<Time>(1, t / 2 + static_cast<Time>(ctx.rng().uniform01() * static_cast<double>(t)));
}

void Spanserver::on_message(Context& ctx, NodeId from, const sim::Message& m) {
  if (auto g = paxos::Log<Record>::group_of(m)) {
    auto it = groups_.find(*g);
    if (it != groups_.end()) it->second.log->on_message(ctx, from, m);
    return;
  }
  if (const auto* r = m.get<Read>()) return on_read(ctx, from, *r);
  if (const auto* r = m.get<Commit>()) return on_commit(ctx, from, *r);
  if (const auto* r = m.get<Prepared>()) return on_prepared(ctx, from, *r);
  if (const auto* r = m.get<Decision>()) return on_decision(ctx, *r);
  if (const auto* r = m.get<Abort>()) return on_abort(ctx, *r);
  if (const auto* r = m.get<Wound>()) return on_wound(ctx, *r);
  if (const auto* r = m.get<SnapshotRead>()) return on_snapshot_read(ctx, from, *r);
  if (const auto* r = m.get<SafeTime>()) return on_safe_time(ctx, *r);
}

void Spanserver::on_timer(Context& ctx, sim::TimerId id) {
  if (auto it = group_timers_.find(id); it != group_timers_.end()) {
    const auto [g, house] = it->second;
    group_timers_.erase(it);
    Group& gr = groups_.at(g);
    group_timers_[ctx.set_timer(jitter(ctx, house ? c_.safe_time_every : c_.paxos_heartbeat))] = {
        g, house};
    if (house) return housekeeping(ctx, gr);
    return gr.log->tick(ctx);
  }
  if (auto it = read_timers_.find(id); it != read_timers_.end()) {
    const auto [g, ts] = it->second;
    read_timers_.erase(it);
    Group& gr = groups_.at(g);
    for (auto& w : gr.waiting_reads)
      if (w.read.ts == ts) w.timer = false;
    if (!serving(ctx, gr)) return;
    gr.safe_ts = std::max(gr.safe_ts, safe_at_leader(ctx, gr));
    serve_waiting_reads(ctx, gr);
    return;
  }
  if (auto it = cw_timers_.find(id); it != cw_timers_.end()) {
    const auto [g, txn] = it->second;
    cw_timers_.erase(it);
    return commit_wait_check(ctx, groups_.at(g), txn);
  }
  if (auto it = serve_timers_.find(id); it != serve_timers_.end()) {
    const std::uint32_t g = it->second;
    serve_timers_.erase(it);
    if (serving(ctx, groups_.at(g))) advertise_safe(ctx, groups_.at(g));
    return;
  }
  for (auto& [g, gr] : groups_)
    if (gr.log->on_timer(ctx, id)) return;
}

bool Spanserver::serving(Context& ctx, const Group& gr) const {
  if (!gr.log->ready() || !gr.log->has_lease(ctx)) return false;
  return gr.serve_after == 0 || ctx.truetime().after(gr.serve_after);
}

// A leader that cannot serve (no lease: cut off from its group, or just elected) names none.
void Spanserver::not_leader(Context& ctx, NodeId to, const Group& gr) {
  const NodeId hint = gr.log->leader_hint();
  ctx.send(to, sim::Message::of(NotLeader{gr.id, hint == ctx.self() ? sim::kNoNode : hint}));
}

void Spanserver::send_group(Context& ctx, std::uint32_t group, const sim::Message& m) {
  for (std::uint32_t z = 0; z < c_.zones; ++z) ctx.send(c_.replica(group, z), m);
}

// Proposes `r` in the group's log; on_logged runs at this leader once it is decided.
void Spanserver::replicate(Context& ctx, Group& gr, Record r) {
  const TxnId txn = r.txn;
  const Record::Type type = r.type;
  r.value_bytes = c_.value_bytes;
  if (auto slot = gr.log->propose(ctx, r)) gr.logging[*slot] = {txn, type};
}

// The group's state machine, at every replica, in log order.
void Spanserver::applied(Context& ctx, Group& gr, std::uint64_t slot, const Record& r) {
  using T = Record::Type;
  if (r.type != T::noop) gr.max_ts = std::max(gr.max_ts, r.ts);
  if (r.type == T::prepare) gr.prepared[r.txn] = r;
  if (r.type == T::commit) {
    gr.store.apply(r.writes, r.ts);
    gr.max_commit_ts = std::max(gr.max_commit_ts, r.ts);
    gr.prepared.erase(r.txn);
    gr.outcomes[r.txn] = r.ts;
  }
  if (r.type == T::abort) {
    gr.prepared.erase(r.txn);
    gr.outcomes[r.txn] = kAborted;
  }
  if (!gr.log->is_leader()) {
    raise_follower_safe(gr);
    serve_waiting_reads(ctx, gr);
  }
  auto it = gr.logging.find(slot);
  if (it == gr.logging.end()) return;
  const auto [txn, type] = it->second;
  gr.logging.erase(it);
  on_logged(ctx, gr, txn, type);
}

// A new leader, with every earlier record applied: it carries on the prepared transactions
// (their locks and timestamps) and assigns timestamps above every one in the log. Commits it
// recovered may still be inside their commit wait: it serves once TT.after(the last of them).
void Spanserver::now_leading(Context& ctx, Group& gr) {
  gr.reset_leader_state();
  gr.last_ts = gr.max_ts;
  gr.last_commit_ts = gr.max_commit_ts;
  gr.serve_after = gr.max_commit_ts;
  for (const auto& [txn, r] : gr.prepared) {
    TxnAtLeader& t = gr.txns[txn];
    t.phase = TxnAtLeader::Phase::prepared;
    t.first_seen = ctx.now();
    t.priority = r.priority;
    t.ts = r.ts;
    t.prepare_logged = true;
    t.commit = Commit{txn, 0, 0, gr.id, r.coordinator, r.participants, r.writes,
                      c_.value_bytes, {}, 0};
    t.commit_requested = true;
    for (const auto& w : r.writes)
      (gr.locks.acquire(t.owner(txn), w.key, true) ? t.exclusive : t.queued).insert(w.key);
    gr.pending.insert(r.ts);
  }
  if (gr.serve_after > 0 && !ctx.truetime().after(gr.serve_after))
    serve_timers_[ctx.set_timer(gr.serve_after - ctx.truetime().earliest + 1)] = gr.id;
  ++obs_->leaderships;
}

// Every safe_time_every: a serving leader advertises its safe time, retells coordinators of
// transactions prepared here, gives up active transactions whose clients went quiet, and
// aborts transactions it coordinates that never got a Commit.
void Spanserver::housekeeping(Context& ctx, Group& gr) {
  if (!serving(ctx, gr)) return;
  advertise_safe(ctx, gr);
  const Time now = ctx.now();
  std::vector<TxnId> stale;
  for (auto& [txn, t] : gr.txns) {
    if (t.phase == TxnAtLeader::Phase::prepared && t.prepare_logged &&
        now - t.prepared_sent >= c_.retry_every)
      tell_prepared(ctx, gr, txn, t);
    if (t.phase == TxnAtLeader::Phase::active && now - t.first_seen > c_.txn_timeout)
      stale.push_back(txn);
  }
  // Wound-wait again for every waiting transaction: holders may have prepared (or a wound may
  // have been lost) since it asked.
  std::vector<std::pair<TxnId, std::uint64_t>> waits;
  for (const auto& [txn, t] : gr.txns)
    for (auto key : t.queued) waits.emplace_back(txn, key);
  for (const auto& [txn, key] : waits) {
    auto t = gr.txns.find(txn);
    if (t == gr.txns.end() || !t->second.queued.count(key)) continue;
    bool exclusive = false;
    for (const auto& w : t->second.commit.writes) exclusive = exclusive || w.key == key;
    wound_holders(ctx, gr, txn, key, exclusive && t->second.commit_requested, false);
  }
  for (TxnId txn : stale) abort_active(ctx, gr, txn, true);  // unless wounded meanwhile
  std::vector<TxnId> presumed;
  for (const auto& [txn, e] : gr.early)
    if (now - e.first_seen > c_.txn_timeout && !gr.txns.count(txn)) presumed.push_back(txn);
  for (TxnId txn : presumed) {
    gr.early.erase(txn);
    gr.aborted.insert(txn);  // a Commit arriving meanwhile is refused
    ++obs_->presumed_aborts;
    replicate(ctx, gr, Record{Record::Type::abort, txn, 0, 0, 0, {}, {}, 0});
  }
}

}  // namespace distlab::models::spanner

namespace distlab::models::spanner {

std::unique_ptr<sim::Protocol> make_spanserver(const Config& c, std::shared_ptr<Observer> obs) {
  return std::make_unique<Spanserver>(c, std::move(obs));
}

}  // namespace distlab::models::spanner
