// Read-write transactions at a group leader: reads under shared locks, two-phase locking with
// wound-wait, two-phase commit driven by the client (participant: prepare record; coordinator:
// commit timestamp, commit record, commit wait), as in Spanner section 4.2.1. Every step that
// must survive the leader is a record in the group's Paxos log; the rest is rebuilt or retried.
#include <algorithm>

#include "spanserver.hpp"

namespace distlab::models::spanner {

using sim::Context;
using sim::Time;

// ---- locks ---------------------------------------------------------------------------------

// Wound-wait: `txn` wants `key`; younger holders in its way are wounded. An active one is
// aborted here; a prepared one only its coordinator can abort (if it is not committing yet).
void Spanserver::wound_holders(Context& ctx, Group& gr, TxnId txn, std::uint64_t key,
                               bool exclusive, bool count) {
  const auto owner = gr.txns.at(txn).owner(txn);
  for (TxnId victim : gr.locks.younger_conflicts(owner, key, exclusive)) {
    auto it = gr.txns.find(victim);
    if (it == gr.txns.end()) continue;
    if (it->second.phase == TxnAtLeader::Phase::prepared &&
        it->second.commit.coordinator != gr.id) {
      // Prepared here: only its coordinator can still abort it.
      if (count) ++obs_->wounds;
      send_group(ctx, it->second.commit.coordinator,
                 sim::Message::of(Wound{victim, it->second.commit.coordinator}));
      continue;
    }
    if (it->second.phase != TxnAtLeader::Phase::active) continue;
    ++obs_->wounds;  // an abort, counted once
    abort_active(ctx, gr, victim, true);
  }
}

// Asks for a lock for `txn`; true if granted now.
bool Spanserver::lock(Context& ctx, Group& gr, TxnId txn, std::uint64_t key, bool exclusive) {
  wound_holders(ctx, gr, txn, key, exclusive);
  const auto owner = gr.txns.at(txn).owner(txn);
  auto t = gr.txns.find(txn);
  if (t == gr.txns.end()) return false;  // gone meanwhile
  if (gr.locks.acquire(owner, key, exclusive)) {
    if (exclusive) {
      t->second.shared.erase(key);
      t->second.exclusive.insert(key);
    } else {
      t->second.shared.insert(key);
    }
    return true;
  }
  t->second.queued.insert(key);
  return false;
}

void Spanserver::release(Context& ctx, Group& gr, TxnId txn) {
  auto it = gr.txns.find(txn);
  if (it == gr.txns.end()) return;
  const auto owner = it->second.owner(txn);
  const auto keys = it->second.keys();
  gr.txns.erase(it);
  std::set<TxnId> woken;
  for (const auto& g : gr.locks.release(owner, keys)) {
    auto t = gr.txns.find(g.txn);
    if (t == gr.txns.end()) continue;
    t->second.queued.erase(g.key);
    if (g.exclusive) {
      t->second.shared.erase(g.key);
      t->second.exclusive.insert(g.key);
    } else {
      t->second.shared.insert(g.key);
    }
    woken.insert(g.txn);
  }
  for (TxnId w : woken) progress(ctx, gr, w);
}

// Aborts `txn` here (it has not prepared): its locks go; its client hears of it.
void Spanserver::abort_here(Context& ctx, Group& gr, TxnId txn, bool tell_client) {
  auto it = gr.txns.find(txn);
  if (it == gr.txns.end()) return;
  const TxnAtLeader& t = it->second;
  gr.aborted.insert(txn);
  if (tell_client && t.client != sim::kNoNode) {
    if (!t.pending_reads.empty())
      ctx.send(t.client, sim::Message::of(ReadReply{txn, 0, false, {}, 0}));
    else
      ctx.send(t.client, sim::Message::of(Outcome{txn, 0, false, 0, 0}));
  }
  release(ctx, gr, txn);
}

// Aborts an active transaction here; where this group coordinates it, the participants hear
// the decision too (they may have prepared).
void Spanserver::abort_active(Context& ctx, Group& gr, TxnId txn, bool tell_client) {
  auto it = gr.txns.find(txn);
  if (it == gr.txns.end()) return;
  const bool coordinator = it->second.commit_requested && it->second.commit.coordinator == gr.id;
  const auto parts = it->second.commit.participants;
  abort_here(ctx, gr, txn, tell_client);
  if (coordinator) decide_abort(ctx, gr, txn, parts);
}

// Coordinator: `txn` will not commit; the participants hear it (they may have prepared).
void Spanserver::decide_abort(Context& ctx, Group& gr, TxnId txn,
                              const std::vector<std::uint32_t>& participants) {
  gr.aborted.insert(txn);
  gr.early.erase(txn);
  for (std::uint32_t p : participants)
    if (p != gr.id) send_group(ctx, p, sim::Message::of(Decision{txn, 0, p, false, 0}));
}

// ---- messages from clients -----------------------------------------------------------------

TxnAtLeader& txn_at(Group& gr, TxnId txn, NodeId client, Time prio, Time now) {
  auto [it, fresh] = gr.txns.try_emplace(txn);
  it->second.client = client;
  if (fresh) {
    it->second.priority = prio;
    it->second.first_seen = now;
  }
  return it->second;
}

// A later attempt of a transaction ends its earlier ones here that are still active (their
// client moved on; its Abort may have been lost): they would hold locks the new one waits for.
void Spanserver::supersede(Context& ctx, Group& gr, TxnId txn) {
  if (gr.txns.count(txn)) return;
  std::vector<TxnId> old;
  for (auto it = gr.txns.lower_bound(txn >> kAttemptBits << kAttemptBits);
       it != gr.txns.end() && it->first < txn; ++it)
    if (it->second.phase == TxnAtLeader::Phase::active) old.push_back(it->first);
  for (TxnId o : old) abort_active(ctx, gr, o, false);
}

void Spanserver::on_read(Context& ctx, NodeId from, const Read& r) {
  Group& gr = groups_.at(r.group);
  if (!serving(ctx, gr)) return not_leader(ctx, from, gr);
  supersede(ctx, gr, r.txn);
  if (gr.aborted.count(r.txn) || gr.outcomes.count(r.txn)) {
    ctx.send(from, sim::Message::of(ReadReply{r.txn, r.attempt, false, {}, 0}));
    return;
  }
  TxnAtLeader& t = txn_at(gr, r.txn, from, r.priority, ctx.now());
  if (t.phase != TxnAtLeader::Phase::active) return;
  if (std::find(t.pending_reads.begin(), t.pending_reads.end(), r.key) != t.pending_reads.end())
    return;  // a retry of a read still waiting
  t.pending_reads.push_back(r.key);
  // Granting others locks while this one asks (a wounded holder releases) may move them on,
  // not this one: it moves on once its request is in.
  t.locking = true;
  lock(ctx, gr, r.txn, r.key, false);
  if (auto it = gr.txns.find(r.txn); it != gr.txns.end()) {
    it->second.locking = false;
    progress(ctx, gr, r.txn);
  }
}

void Spanserver::on_commit(Context& ctx, NodeId from, const Commit& c) {
  Group& gr = groups_.at(c.group);
  if (!serving(ctx, gr)) return not_leader(ctx, from, gr);
  const bool coordinator = c.coordinator == gr.id;
  if (auto o = gr.outcomes.find(c.txn); o != gr.outcomes.end()) {
    // Decided (a retry, or the client asking a new leader): the coordinator answers, once the
    // commit's commit wait is over (finish_commit answers then).
    if (auto t = gr.txns.find(c.txn); t != gr.txns.end()) {
      t->second.client = from;
      return;
    }
    if (coordinator)
      ctx.send(from, sim::Message::of(
                         Outcome{c.txn, c.attempt, o->second != kAborted,
                                 o->second == kAborted ? 0 : o->second, 0}));
    return;
  }
  if (gr.aborted.count(c.txn)) {
    ctx.send(from, sim::Message::of(Outcome{c.txn, c.attempt, false, 0, 0}));
    return;
  }
  supersede(ctx, gr, c.txn);
  TxnAtLeader& t = txn_at(gr, c.txn, from, c.priority, ctx.now());
  if (t.commit_requested) {  // a retry
    if (t.phase == TxnAtLeader::Phase::prepared && t.prepare_logged)
      tell_prepared(ctx, gr, c.txn, t);
    return;
  }
  // Its reads here were made under shared locks that must still be held: a leader that lost
  // them (a new leader: locks live only in the leader's memory) cannot vouch for the reads.
  const bool same_leader = c.reads.empty() || c.read_epoch == gr.log->ballot();
  for (auto key : c.reads)
    if (!same_leader || (!t.shared.count(key) && !t.exclusive.count(key))) {
      ++obs_->lost_locks;
      t.commit = c;
      t.commit_requested = true;
      return abort_active(ctx, gr, c.txn, true);
    }
  t.commit_requested = true;
  t.commit = c;
  t.start_latest = ctx.truetime().latest;
  if (auto e = gr.early.find(c.txn); e != gr.early.end()) {
    t.prepares = e->second.prepares;
    gr.early.erase(e);
  }
  t.locking = true;  // every write lock asked for before it may prepare or commit
  for (const auto& w : c.writes) {
    lock(ctx, gr, c.txn, w.key, true);
    if (!gr.txns.count(c.txn)) return;  // wounded meanwhile
  }
  gr.txns.at(c.txn).locking = false;
  progress(ctx, gr, c.txn);
}

void Spanserver::on_abort(Context& ctx, const Abort& a) {
  auto git = groups_.find(a.group);
  if (git == groups_.end() || !serving(ctx, git->second)) return;
  Group& gr = git->second;
  auto it = gr.txns.find(a.txn);
  if (it == gr.txns.end()) {
    if (!gr.outcomes.count(a.txn)) gr.aborted.insert(a.txn);  // a late Commit is refused
    return;
  }
  // A prepared participant waits for the coordinator; one committing is past turning back.
  if (it->second.phase != TxnAtLeader::Phase::active) return;
  abort_active(ctx, gr, a.txn, false);
}

// Coordinator: a participant asks to abort `txn` for an older transaction (wound-wait). Too
// late once it is committing; if its Commit has not arrived, it never will commit.
void Spanserver::on_wound(Context& ctx, const Wound& w) {
  auto git = groups_.find(w.coordinator);
  if (git == groups_.end() || !serving(ctx, git->second)) return;
  Group& gr = git->second;
  if (gr.outcomes.count(w.txn) || gr.aborted.count(w.txn)) return;
  auto it = gr.txns.find(w.txn);
  if (it == gr.txns.end()) {
    std::vector<std::uint32_t> parts;
    if (auto e = gr.early.find(w.txn); e != gr.early.end()) {
      for (const auto& [p, ts] : e->second.prepares) parts.push_back(p);
      gr.early.erase(e);
    }
    return decide_abort(ctx, gr, w.txn, parts);
  }
  if (it->second.phase != TxnAtLeader::Phase::active) return;
  const auto parts = it->second.commit.participants;
  abort_here(ctx, gr, w.txn, true);
  decide_abort(ctx, gr, w.txn, parts);
}

// ---- two-phase commit ----------------------------------------------------------------------

// Moves a transaction on once its locks are granted.
void Spanserver::progress(Context& ctx, Group& gr, TxnId txn) {
  auto it = gr.txns.find(txn);
  if (it == gr.txns.end()) return;
  TxnAtLeader& t = it->second;
  if (t.locking || !t.queued.empty()) return;
  for (auto key : t.pending_reads)
    ctx.send(t.client, sim::Message::of(ReadReply{txn, 0, true, gr.store.read(key, sim::kNever),
                                                  c_.value_bytes, gr.log->ballot()}));
  t.pending_reads.clear();
  if (!t.commit_requested || t.phase != TxnAtLeader::Phase::active) return;
  if (t.commit.coordinator != gr.id) {
    // Participant: choose a prepare timestamp, log a prepare record, tell the coordinator.
    t.phase = TxnAtLeader::Phase::prepared;
    t.ts = std::max(ctx.truetime().latest, gr.last_ts + 1);
    gr.last_ts = t.ts;
    gr.pending.insert(t.ts);
    replicate(ctx, gr,
              Record{Record::Type::prepare, txn, t.ts, t.priority, t.commit.coordinator,
                     t.commit.participants, t.commit.writes, 0});
    return;
  }
  maybe_decide(ctx, gr, txn);
}

void Spanserver::tell_prepared(Context& ctx, Group& gr, TxnId txn, TxnAtLeader& t) {
  t.prepared_sent = ctx.now();
  send_group(ctx, t.commit.coordinator,
             sim::Message::of(Prepared{txn, 0, gr.id, t.commit.coordinator, t.ts}));
}

void Spanserver::on_prepared(Context& ctx, NodeId from, const Prepared& p) {
  // To every replica of the coordinator group; those that do not serve drop it: it is resent.
  auto git = groups_.find(p.coordinator);
  if (git == groups_.end() || !serving(ctx, git->second)) return;
  Group& gr = git->second;
  auto answer = [&](bool commit, Time ts) {
    ctx.send(from, sim::Message::of(Decision{p.txn, 0, p.group, commit, ts}));
  };
  if (auto o = gr.outcomes.find(p.txn); o != gr.outcomes.end()) {
    if (gr.txns.count(p.txn)) return;  // still in its commit wait: finish_commit tells them
    return answer(o->second != kAborted, o->second == kAborted ? 0 : o->second);
  }
  if (gr.aborted.count(p.txn)) return answer(false, 0);
  auto t = gr.txns.find(p.txn);
  if (t != gr.txns.end() && t->second.commit_requested && t->second.commit.coordinator == gr.id) {
    t->second.prepares[p.group] = p.prepare_ts;
    return maybe_decide(ctx, gr, p.txn);
  }
  // The client's Commit has not arrived (yet): remember; presumed abort if it never does.
  auto& e = gr.early.try_emplace(p.txn, Group::Early{ctx.now(), {}}).first->second;
  e.prepares[p.group] = p.prepare_ts;
}

// Coordinator: with every lock here and every participant prepared, choose s and log it.
void Spanserver::maybe_decide(Context& ctx, Group& gr, TxnId txn) {
  TxnAtLeader& t = gr.txns.at(txn);
  if (t.phase != TxnAtLeader::Phase::active || !t.queued.empty() || !t.commit_requested) return;
  for (std::uint32_t p : t.commit.participants)
    if (p != gr.id && !t.prepares.count(p)) return;
  t.phase = TxnAtLeader::Phase::committing;
  Time s = std::max({t.start_latest, ctx.truetime().latest, gr.last_ts + 1});
  for (const auto& [g, pts] : t.prepares) s = std::max(s, pts);
  t.ts = s;
  gr.last_ts = s;
  gr.pending.insert(s);
  // Commit wait runs alongside Paxos: its timer is set before the log write (a timer set
  // after a storage write would wait for the write first).
  commit_wait_check(ctx, gr, txn);
  replicate(ctx, gr, Record{Record::Type::commit, txn, s, 0, 0, {}, t.commit.writes, 0});
}

void Spanserver::commit_wait_check(Context& ctx, Group& gr, TxnId txn) {
  auto it = gr.txns.find(txn);
  if (it == gr.txns.end() || it->second.phase != TxnAtLeader::Phase::committing) return;
  TxnAtLeader& t = it->second;
  if (t.waited) return;
  const sim::TimeInterval tt = ctx.truetime();
  if (!c_.commit_wait || tt.after(t.ts)) {
    t.waited = true;
    return finish_commit(ctx, gr, txn);
  }
  // Wait until TT.after(s): about s - earliest of local time (epsilon grows meanwhile, so
  // check again then).
  cw_timers_[ctx.set_timer(std::max<Time>(t.ts - tt.earliest + 1, sim::us(1)))] = {gr.id, txn};
}

void Spanserver::on_logged(Context& ctx, Group& gr, TxnId txn, Record::Type type) {
  auto it = gr.txns.find(txn);
  if (it == gr.txns.end()) return;
  TxnAtLeader& t = it->second;
  if (type == Record::Type::prepare) {
    t.prepare_logged = true;
    return tell_prepared(ctx, gr, txn, t);
  }
  if (type == Record::Type::abort) {  // a participant told to abort
    if (t.phase != TxnAtLeader::Phase::ending) return;
    gr.unpend(t.ts);
    release(ctx, gr, txn);
    advertise_safe(ctx, gr);
    return;
  }
  t.logged = true;
  t.logged_at = ctx.now();
  finish_commit(ctx, gr, txn);
}

// Coordinator (after Paxos and commit wait) or participant (after logging the decision): the
// commit becomes visible at ts, the locks go, the client and participants hear of it.
void Spanserver::finish_commit(Context& ctx, Group& gr, TxnId txn) {
  auto it = gr.txns.find(txn);
  if (it == gr.txns.end()) return;
  TxnAtLeader& t = it->second;
  const bool coordinator = t.commit.coordinator == gr.id;
  if (!t.logged || (coordinator && !t.waited)) return;
  gr.last_commit_ts = std::max(gr.last_commit_ts, t.ts);
  gr.unpend(t.ts);
  if (coordinator) {
    const Time waited = c_.commit_wait ? std::max<Time>(ctx.now() - t.logged_at, 0) : 0;
    ctx.send(t.client, sim::Message::of(Outcome{txn, 0, true, t.ts, waited}));
    for (std::uint32_t p : t.commit.participants)
      if (p != gr.id) send_group(ctx, p, sim::Message::of(Decision{txn, 0, p, true, t.ts}));
  }
  release(ctx, gr, txn);
  advertise_safe(ctx, gr);
}

void Spanserver::on_decision(Context& ctx, const Decision& d) {
  auto git = groups_.find(d.group);
  if (git == groups_.end() || !serving(ctx, git->second)) return;
  Group& gr = git->second;
  auto it = gr.txns.find(d.txn);
  if (it == gr.txns.end()) return;
  TxnAtLeader& t = it->second;
  if (t.phase == TxnAtLeader::Phase::active) {  // not prepared here: nothing to log
    if (!d.commit) abort_here(ctx, gr, d.txn, false);
    return;
  }
  if (t.phase != TxnAtLeader::Phase::prepared || !t.prepare_logged) return;
  t.phase = TxnAtLeader::Phase::ending;
  if (!d.commit) {
    replicate(ctx, gr, Record{Record::Type::abort, d.txn, t.ts, 0, 0, {}, {}, 0});
    return;
  }
  gr.unpend(t.ts);
  t.ts = d.ts;
  gr.pending.insert(t.ts);
  gr.last_ts = std::max(gr.last_ts, t.ts);
  replicate(ctx, gr, Record{Record::Type::commit, d.txn, d.ts, 0, 0, {}, t.commit.writes, 0});
}

}  // namespace distlab::models::spanner
