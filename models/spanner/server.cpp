// A spanserver: a replica of every Paxos group placed on it, and for the groups it leads, the
// lock table (two-phase locking, wound-wait), the participant and coordinator roles of
// two-phase commit, timestamp assignment and commit wait, as in Spanner section 4.2.
#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "messages.hpp"
#include "spanner.hpp"

namespace distlab::models::spanner {
namespace {

using sim::Context;
using sim::NodeId;
using sim::Time;

struct Version {
  Time ts;
  std::int64_t value;
};

// Multi-version data of one group replica: versions per key in timestamp order.
class Store {
 public:
  void apply(const std::vector<KeyValue>& writes, Time ts) {
    for (const auto& w : writes) data_[w.key].push_back({ts, w.value});
  }
  // The last version at or before `ts` (version 0 = the initial value 0).
  KeyValue read(std::uint64_t key, Time ts) const {
    auto it = data_.find(key);
    if (it == data_.end()) return {key, 0, 0};
    const auto& v = it->second;
    auto pos =
        std::upper_bound(v.begin(), v.end(), ts, [](Time t, const Version& x) { return t < x.ts; });
    if (pos == v.begin()) return {key, 0, 0};
    --pos;
    return {key, pos->value, pos->ts};
  }

 private:
  std::unordered_map<std::uint64_t, std::vector<Version>> data_;  // never iterated
};

struct TxnAtLeader {
  NodeId client = 0;
  std::uint32_t attempt = 0;
  Time priority = 0;
  enum class Phase { active, prepared, committing, done } phase = Phase::active;
  std::set<std::uint64_t> shared, exclusive;  // locks held
  std::set<std::uint64_t> queued;             // keys it waits for a lock on
  std::uint32_t waiting_locks = 0;
  std::vector<std::uint64_t> pending_reads;  // Reads waiting for their locks
  bool commit_requested = false;
  Commit commit;
  Time start_latest = 0;                   // TT.now().latest when the commit message arrived
  std::map<std::uint32_t, Time> prepares;  // coordinator: participant group -> prepare ts
  Time ts = 0;                             // prepare ts (participant) or commit ts
  bool logged = false, waited = false;
  Time logged_at = 0;  // local time Paxos finished (for the commit-wait statistic)
};

struct LockState {
  std::set<std::pair<Time, std::uint64_t>> shared;  // (priority, txn)
  std::optional<std::pair<Time, std::uint64_t>> exclusive;
  struct Request {
    Time priority;
    TxnId txn;
    bool exclusive;
  };
  std::deque<Request> queue;
};

struct Group {
  std::uint32_t id = 0;
  bool leader = false;
  NodeId leader_node = 0;
  std::vector<NodeId> replicas;  // every replica, this one included
  Store store;
  Time safe_ts = 0;  // reads at or below are answered here
  // Followers: records by index, applied when the leader says so.
  std::map<std::uint64_t, LogRecord> log;
  struct WaitingRead {
    NodeId from;
    SnapshotRead read;
  };
  std::vector<WaitingRead> waiting_reads;  // until the safe time passes their timestamp
  // Leader.
  std::uint64_t next_index = 0;
  struct LogWait {
    TxnId txn;
    LogRecord::Type type;
    std::uint32_t acks = 0;
    bool own = false;
  };
  std::map<std::uint64_t, LogWait> logging;
  std::map<sim::TimerId, std::uint64_t> own_write;     // timer -> index (leader's disk write done)
  Time last_ts = 0;                                    // last timestamp assigned
  Time last_commit_ts = 0;                             // LastTS(): last applied commit
  std::multiset<Time> pending;                         // prepared or committing, not applied
  std::unordered_map<std::uint64_t, LockState> locks;  // never iterated
  std::map<TxnId, TxnAtLeader> txns;
  std::map<TxnId, std::uint32_t> aborted;  // highest aborted attempt of each transaction
  bool is_aborted(TxnId txn, std::uint32_t attempt) const {
    auto it = aborted.find(txn);
    return it != aborted.end() && attempt <= it->second;
  }
  void mark_aborted(TxnId txn, std::uint32_t attempt) {
    auto& a = aborted[txn];
    a = std::max(a, attempt);
  }
};

class Spanserver final : public sim::Protocol {
 public:
  Spanserver(Config c, std::shared_ptr<Observer> obs) : c_(c), obs_(std::move(obs)) {}

  void on_start(Context& ctx) override {
    for (std::uint32_t g = 0; g < c_.groups; ++g)
      for (std::uint32_t z = 0; z < c_.zones; ++z)
        if (c_.replica(g, z) == ctx.self()) {
          Group& gr = groups_[g];
          gr.id = g;
          gr.leader_node = c_.leader(g);
          gr.leader = gr.leader_node == ctx.self();
          for (std::uint32_t zz = 0; zz < c_.zones; ++zz) gr.replicas.push_back(c_.replica(g, zz));
        }
    safe_timer_ = ctx.set_timer(c_.safe_time_every);
  }

  void on_message(Context& ctx, NodeId from, const sim::Message& m) override {
    if (const auto* r = m.get<Read>()) return on_read(ctx, from, *r);
    if (const auto* r = m.get<Commit>()) return on_commit(ctx, from, *r);
    if (const auto* r = m.get<Prepared>()) return on_prepared(ctx, *r);
    if (const auto* r = m.get<Decision>()) return on_decision(ctx, *r);
    if (const auto* r = m.get<Abort>()) return on_abort(ctx, *r);
    if (const auto* r = m.get<SnapshotRead>()) return on_snapshot_read(ctx, from, *r);
    if (const auto* r = m.get<Append>()) return on_append(ctx, from, *r);
    if (const auto* r = m.get<AppendAck>()) return on_append_ack(ctx, *r);
    if (const auto* r = m.get<SafeTime>()) return on_safe_time(ctx, *r);
  }

  void on_timer(Context& ctx, sim::TimerId id) override {
    if (id == safe_timer_) {
      safe_timer_ = ctx.set_timer(c_.safe_time_every);
      for (auto& [g, gr] : groups_)
        if (gr.leader) advertise_safe(ctx, gr, std::nullopt);
      return;
    }
    if (auto it = read_timers_.find(id); it != read_timers_.end()) {
      const auto [g, ts] = it->second;
      read_timers_.erase(it);
      Group& gr = groups_.at(g);
      gr.safe_ts = std::max(gr.safe_ts, safe_at_leader(ctx, gr));
      serve_waiting_reads(ctx, gr);
      // Still not safe (epsilon grew meanwhile, or a transaction below ts is pending): look
      // again later; the periodic safe-time update also serves it.
      if (ts > gr.safe_ts) arm_read_timer(ctx, gr, ts);
      return;
    }
    if (auto it = cw_timers_.find(id); it != cw_timers_.end()) {
      const auto [g, txn] = it->second;
      cw_timers_.erase(it);
      return commit_wait_check(ctx, groups_.at(g), txn);
    }
    for (auto& [g, gr] : groups_)
      if (auto it = gr.own_write.find(id); it != gr.own_write.end()) {
        const std::uint64_t index = it->second;
        gr.own_write.erase(it);
        return count_ack(ctx, gr, index, true);
      }
  }

 private:
  // ---- replication (Paxos with a stable leader) ----------------------------------------------

  // Appends `rec` to the group's log at every replica; when a majority has it durably,
  // `on_logged` runs. The leader sends first and writes its own copy in parallel.
  void replicate(Context& ctx, Group& gr, LogRecord rec, TxnId txn) {
    const std::uint64_t index = gr.next_index++;
    gr.logging[index] = Group::LogWait{txn, rec.type, 0, false};
    const Append a{gr.id, index, rec, c_.value_bytes};
    for (NodeId r : gr.replicas)
      if (r != ctx.self()) ctx.send(r, sim::Message::of(a));
    persist(ctx, gr.id, index, rec);
    gr.own_write[ctx.set_timer(0)] = index;  // fires once the write is durable
  }

  void persist(Context& ctx, std::uint32_t g, std::uint64_t index, const LogRecord& rec) {
    // A fixed-size summary: the write's cost is its latency ([node] disk_write_latency), the
    // record's bytes would add microseconds at the disk's bandwidth and fill memory for nothing.
    std::string bytes(16 + rec.writes.size() * 24, '\0');
    ctx.storage().put(fmt::format("g{}/{}", g, index), std::move(bytes));
  }

  void on_append(Context& ctx, NodeId from, const Append& a) {
    auto it = groups_.find(a.group);
    if (it == groups_.end()) return;
    it->second.log[a.index] = a.record;
    persist(ctx, a.group, a.index, a.record);
    ctx.send(from, sim::Message::of(AppendAck{a.group, a.index}));  // leaves once durable
  }

  void on_append_ack(Context& ctx, const AppendAck& a) {
    auto it = groups_.find(a.group);
    if (it != groups_.end() && it->second.leader) count_ack(ctx, it->second, a.index, false);
  }

  void count_ack(Context& ctx, Group& gr, std::uint64_t index, bool own) {
    auto it = gr.logging.find(index);
    if (it == gr.logging.end()) return;
    if (own) it->second.own = true;
    ++it->second.acks;
    // A majority, the leader's own durable copy among them.
    if (!it->second.own || it->second.acks < gr.replicas.size() / 2 + 1) return;
    const Group::LogWait w = it->second;
    gr.logging.erase(it);
    on_logged(ctx, gr, w.txn, w.type, index);
  }

  void on_safe_time(Context& ctx, const SafeTime& s) {
    auto it = groups_.find(s.group);
    if (it == groups_.end()) return;
    Group& gr = it->second;
    if (s.index != kNoIndex) {
      auto rec = gr.log.find(s.index);
      if (rec != gr.log.end()) {
        gr.store.apply(rec->second.writes, rec->second.ts);
        gr.log.erase(rec);
      }
    }
    gr.safe_ts = std::max(gr.safe_ts, s.safe_ts);
    serve_waiting_reads(ctx, gr);
  }

  // Leader: tell the replicas what to apply (the commit record at `index`) and how far they
  // may serve reads: nothing will commit at or below safe_ts that they have not applied.
  void advertise_safe(Context& ctx, Group& gr, std::optional<std::uint64_t> index) {
    gr.safe_ts = safe_at_leader(ctx, gr);
    const SafeTime s{gr.id, index ? *index : kNoIndex, gr.safe_ts};
    for (NodeId r : gr.replicas)
      if (r != ctx.self()) ctx.send(r, sim::Message::of(s));
    serve_waiting_reads(ctx, gr);
  }

  // Everything committed at or below the result is applied here: below the oldest prepared or
  // committing transaction, and, with none, below any timestamp this leader can still assign
  // (every new one is > TT.now().latest >= true time > TT.now().earliest).
  Time safe_at_leader(Context& ctx, const Group& gr) {
    if (!gr.pending.empty()) return *gr.pending.begin() - 1;
    return std::max(gr.last_commit_ts, ctx.truetime().earliest - 1);
  }

  // ---- locks (two-phase locking, wound-wait) -------------------------------------------------

  // Asks for a lock; returns true if granted now. An older transaction wounds (aborts) younger
  // holders that have not prepared; a younger one waits.
  bool lock(Context& ctx, Group& gr, TxnId txn, Time prio, std::uint64_t key, bool exclusive) {
    LockState& l = gr.locks[key];
    auto held_by_me = [&] {
      if (l.exclusive && l.exclusive->second == txn) return true;
      return !exclusive && l.shared.count({prio, txn});
    };
    if (held_by_me()) return true;
    auto conflicts = [&]() {
      std::vector<std::pair<Time, TxnId>> out;
      if (l.exclusive && l.exclusive->second != txn) out.push_back(*l.exclusive);
      if (exclusive)
        for (const auto& s : l.shared)
          if (s.second != txn) out.push_back(s);
      return out;
    };
    for (const auto& [p, holder] : conflicts())
      if (std::make_pair(prio, txn) < std::make_pair(p, holder)) wound(ctx, gr, holder);
    // An upgrade (it holds the shared lock) does not queue behind others: they wait for it.
    const bool upgrade = l.shared.count({prio, txn}) != 0;
    if (conflicts().empty() && (l.queue.empty() || upgrade)) {
      grant(gr, l, txn, prio, key, exclusive);
      return true;
    }
    l.queue.push_back({prio, txn, exclusive});
    gr.txns[txn].queued.insert(key);
    return false;
  }

  void grant(Group& gr, LockState& l, TxnId txn, Time prio, std::uint64_t key, bool exclusive) {
    TxnAtLeader& t = gr.txns[txn];
    if (exclusive) {
      l.shared.erase({prio, txn});  // an upgrade
      t.shared.erase(key);
      l.exclusive = {prio, txn};
      t.exclusive.insert(key);
    } else {
      l.shared.insert({prio, txn});
      t.shared.insert(key);
    }
  }

  void release(Context& ctx, Group& gr, TxnId txn) {
    auto it = gr.txns.find(txn);
    if (it == gr.txns.end()) return;
    TxnAtLeader& t = it->second;
    std::vector<std::uint64_t> keys(t.shared.begin(), t.shared.end());
    keys.insert(keys.end(), t.exclusive.begin(), t.exclusive.end());
    keys.insert(keys.end(), t.queued.begin(), t.queued.end());
    for (auto key : keys) {
      LockState& l = gr.locks[key];
      l.shared.erase({t.priority, txn});
      if (l.exclusive && l.exclusive->second == txn) l.exclusive.reset();
    }
    for (auto key : keys) {
      auto& q = gr.locks[key].queue;
      std::erase_if(q, [&](const LockState::Request& r) { return r.txn == txn; });
    }
    gr.txns.erase(it);
    for (auto key : keys) wake(ctx, gr, key);
  }

  // Grants queued requests that no longer conflict, in order.
  void wake(Context& ctx, Group& gr, std::uint64_t key) {
    LockState& l = gr.locks[key];
    while (!l.queue.empty()) {
      const LockState::Request r = l.queue.front();
      const bool free_x = !l.exclusive || l.exclusive->second == r.txn;
      bool ok = free_x;
      if (r.exclusive)
        for (const auto& s : l.shared) ok = ok && s.second == r.txn;
      if (!ok) return;
      l.queue.pop_front();
      if (!gr.txns.count(r.txn)) continue;  // gone meanwhile
      grant(gr, l, r.txn, r.priority, key, r.exclusive);
      TxnAtLeader& t = gr.txns[r.txn];
      t.queued.erase(key);
      if (t.waiting_locks > 0) --t.waiting_locks;
      progress(ctx, gr, r.txn);
    }
  }

  void wound(Context& ctx, Group& gr, TxnId victim) {
    auto it = gr.txns.find(victim);
    if (it == gr.txns.end() || it->second.phase != TxnAtLeader::Phase::active) return;
    abort_here(ctx, gr, victim, true);
  }

  // Aborts `txn` at this group: locks released; its client hears of it.
  void abort_here(Context& ctx, Group& gr, TxnId txn, bool tell_client) {
    auto it = gr.txns.find(txn);
    if (it == gr.txns.end()) return;
    const TxnAtLeader t = it->second;
    gr.mark_aborted(txn, t.attempt);
    if (tell_client) {
      if (!t.pending_reads.empty())
        ctx.send(t.client, sim::Message::of(ReadReply{txn, t.attempt, false, {}, 0}));
      else
        ctx.send(t.client, sim::Message::of(Outcome{txn, t.attempt, false, 0, 0}));
    }
    release(ctx, gr, txn);
  }

  // ---- read-write transactions -------------------------------------------------------------

  TxnAtLeader& txn_at(Group& gr, TxnId txn, NodeId client, std::uint32_t attempt, Time prio) {
    TxnAtLeader& t = gr.txns[txn];
    t.client = client;
    t.attempt = attempt;
    t.priority = prio;
    return t;
  }

  void on_read(Context& ctx, NodeId from, const Read& r) {
    Group& gr = groups_.at(r.group);
    if (gr.is_aborted(r.txn, r.attempt)) {
      ctx.send(from, sim::Message::of(ReadReply{r.txn, r.attempt, false, {}, 0}));
      return;
    }
    TxnAtLeader& t = txn_at(gr, r.txn, from, r.attempt, r.priority);
    t.pending_reads.push_back(r.key);
    if (lock(ctx, gr, r.txn, r.priority, r.key, false))
      progress(ctx, gr, r.txn);
    else
      ++gr.txns[r.txn].waiting_locks;
  }

  void on_commit(Context& ctx, NodeId from, const Commit& c) {
    Group& gr = groups_.at(c.group);
    if (gr.is_aborted(c.txn, c.attempt)) {
      ctx.send(from, sim::Message::of(Outcome{c.txn, c.attempt, false, 0, 0}));
      return;
    }
    TxnAtLeader& t = txn_at(gr, c.txn, from, c.attempt, c.priority);
    t.commit_requested = true;
    t.commit = c;
    t.start_latest = ctx.truetime().latest;
    for (const auto& w : c.writes)
      if (!lock(ctx, gr, c.txn, c.priority, w.key, true)) ++gr.txns[c.txn].waiting_locks;
    if (gr.txns.count(c.txn)) progress(ctx, gr, c.txn);
  }

  // Moves a transaction on once its locks are granted.
  void progress(Context& ctx, Group& gr, TxnId txn) {
    auto it = gr.txns.find(txn);
    if (it == gr.txns.end()) return;
    TxnAtLeader& t = it->second;
    if (t.waiting_locks > 0) return;
    for (auto key : t.pending_reads)
      ctx.send(t.client,
               sim::Message::of(ReadReply{txn, t.attempt, true, gr.store.read(key, sim::kNever),
                                          c_.value_bytes}));
    t.pending_reads.clear();
    if (!t.commit_requested || t.phase != TxnAtLeader::Phase::active) return;
    const bool coordinator = t.commit.coordinator == gr.id;
    if (!coordinator) {
      // Participant: choose a prepare timestamp, log a prepare record, tell the coordinator.
      t.phase = TxnAtLeader::Phase::prepared;
      t.ts = std::max(ctx.truetime().latest, gr.last_ts + 1);
      gr.last_ts = t.ts;
      gr.pending.insert(t.ts);
      replicate(ctx, gr, LogRecord{LogRecord::Type::prepare, txn, t.ts, t.commit.writes}, txn);
      return;
    }
    maybe_decide(ctx, gr, txn);
  }

  void on_prepared(Context& ctx, const Prepared& p) {
    // Addressed to the coordinator group of this transaction, which this server leads.
    for (auto& [g, gr] : groups_) {
      auto it = gr.txns.find(p.txn);
      if (!gr.leader || it == gr.txns.end() || it->second.commit.coordinator != gr.id) continue;
      it->second.prepares[p.group] = p.prepare_ts;
      maybe_decide(ctx, gr, p.txn);
      return;
    }
  }

  // Coordinator: with every lock here and every participant prepared, choose s and log it.
  void maybe_decide(Context& ctx, Group& gr, TxnId txn) {
    TxnAtLeader& t = gr.txns.at(txn);
    if (t.phase != TxnAtLeader::Phase::active || t.waiting_locks > 0 || !t.commit_requested) return;
    if (t.prepares.size() + 1 < t.commit.participants.size()) return;
    t.phase = TxnAtLeader::Phase::committing;
    Time s = std::max({t.start_latest, ctx.truetime().latest, gr.last_ts + 1});
    for (const auto& [g, pts] : t.prepares) s = std::max(s, pts);
    t.ts = s;
    gr.last_ts = s;
    gr.pending.insert(s);
    replicate(ctx, gr, LogRecord{LogRecord::Type::commit, txn, s, t.commit.writes}, txn);
    commit_wait_check(ctx, gr, txn);  // commit wait runs alongside Paxos
  }

  void commit_wait_check(Context& ctx, Group& gr, TxnId txn) {
    auto it = gr.txns.find(txn);
    if (it == gr.txns.end()) return;
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

  void on_logged(Context& ctx, Group& gr, TxnId txn, LogRecord::Type type, std::uint64_t index) {
    auto it = gr.txns.find(txn);
    if (it == gr.txns.end()) return;
    TxnAtLeader& t = it->second;
    if (type == LogRecord::Type::prepare) {
      ctx.send(c_.leader(t.commit.coordinator),
               sim::Message::of(Prepared{txn, t.attempt, gr.id, t.ts}));
      return;
    }
    t.logged = true;
    t.logged_at = ctx.now();
    log_index_[{gr.id, txn}] = index;
    finish_commit(ctx, gr, txn);
  }

  // Coordinator (after Paxos and commit wait) or participant (after logging the decision):
  // apply at ts, release the locks, answer.
  void finish_commit(Context& ctx, Group& gr, TxnId txn) {
    auto it = gr.txns.find(txn);
    if (it == gr.txns.end()) return;
    TxnAtLeader& t = it->second;
    const bool coordinator = t.commit.coordinator == gr.id;
    if (!t.logged || (coordinator && !t.waited)) return;
    gr.store.apply(t.commit.writes, t.ts);
    gr.last_commit_ts = std::max(gr.last_commit_ts, t.ts);
    gr.pending.erase(gr.pending.find(t.ts));
    const std::uint64_t index = log_index_[{gr.id, txn}];
    log_index_.erase({gr.id, txn});
    if (coordinator) {
      const Time waited = c_.commit_wait ? std::max<Time>(ctx.now() - t.logged_at, 0) : 0;
      ctx.send(t.client, sim::Message::of(Outcome{txn, t.attempt, true, t.ts, waited}));
      for (std::uint32_t p : t.commit.participants)
        if (p != gr.id)
          ctx.send(c_.leader(p), sim::Message::of(Decision{txn, t.attempt, p, true, t.ts}));
    }
    release(ctx, gr, txn);
    advertise_safe(ctx, gr, index);
  }

  void on_decision(Context& ctx, const Decision& d) {
    Group& gr = groups_.at(d.group);
    auto it = gr.txns.find(d.txn);
    if (it == gr.txns.end()) return;
    if (!d.commit) return abort_here(ctx, gr, d.txn, false);
    TxnAtLeader& t = it->second;
    gr.pending.erase(gr.pending.find(t.ts));
    t.ts = d.ts;
    gr.pending.insert(t.ts);
    gr.last_ts = std::max(gr.last_ts, t.ts);
    replicate(ctx, gr, LogRecord{LogRecord::Type::commit, d.txn, d.ts, t.commit.writes}, d.txn);
  }

  void on_abort(Context& ctx, const Abort& a) {
    auto git = groups_.find(a.group);
    if (git == groups_.end()) return;
    Group& gr = git->second;
    gr.mark_aborted(a.txn, a.attempt);
    auto it = gr.txns.find(a.txn);
    if (it == gr.txns.end() || it->second.attempt > a.attempt) return;
    if (it->second.phase == TxnAtLeader::Phase::committing) return;  // too late: it commits
    if (it->second.phase == TxnAtLeader::Phase::prepared)
      gr.pending.erase(gr.pending.find(it->second.ts));
    abort_here(ctx, gr, a.txn, false);
  }

  // ---- reads at a timestamp ----------------------------------------------------------------

  void on_snapshot_read(Context& ctx, NodeId from, const SnapshotRead& r) {
    Group& gr = groups_.at(r.group);
    SnapshotRead q = r;
    if (q.ts == 0) {
      // A read-only transaction within one group, at its leader: read at LastTS() if nothing
      // is prepared or committing (no wait), else at the safe time.
      // With a prepared or committing transaction, a commit may be visible to clients before
      // this group applies it: read at TT.now().latest and wait for the safe time instead.
      q.ts = gr.pending.empty() ? gr.last_commit_ts : ctx.truetime().latest;
    }
    if (gr.leader) gr.safe_ts = std::max(gr.safe_ts, safe_at_leader(ctx, gr));
    if (q.ts <= gr.safe_ts) return answer(ctx, gr, from, q);
    gr.waiting_reads.push_back({from, q});
    if (gr.leader) arm_read_timer(ctx, gr, q.ts);
  }

  // Wait for TT.after(ts): then no new commit can get a timestamp at or below it.
  void arm_read_timer(Context& ctx, Group& gr, Time ts) {
    const Time wait = std::max<Time>(ts - ctx.truetime().earliest + 1, sim::us(100));
    read_timers_[ctx.set_timer(wait)] = {gr.id, ts};
  }

  void answer(Context& ctx, Group& gr, NodeId to, const SnapshotRead& r) {
    SnapshotReply rep{r.txn, gr.id, r.ts, {}, c_.value_bytes};
    for (auto k : r.keys) rep.values.push_back(gr.store.read(k, r.ts));
    ctx.send(to, sim::Message::of(std::move(rep)));
  }

  // Answers the waiting reads the safe time has passed, in arrival order.
  void serve_waiting_reads(Context& ctx, Group& gr) {
    std::vector<Group::WaitingRead> still;
    for (auto& w : gr.waiting_reads) {
      if (w.read.ts <= gr.safe_ts)
        answer(ctx, gr, w.from, w.read);
      else
        still.push_back(std::move(w));
    }
    gr.waiting_reads = std::move(still);
  }

  static constexpr std::uint64_t kNoIndex = ~0ull;

  Config c_;
  std::shared_ptr<Observer> obs_;
  std::map<std::uint32_t, Group> groups_;
  sim::TimerId safe_timer_ = 0;
  std::map<sim::TimerId, std::pair<std::uint32_t, TxnId>> cw_timers_;
  std::map<sim::TimerId, std::pair<std::uint32_t, Time>> read_timers_;  // -> group, read ts
  std::map<std::pair<std::uint32_t, TxnId>, std::uint64_t> log_index_;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_spanserver(const Config& c, std::shared_ptr<Observer> obs) {
  return std::make_unique<Spanserver>(c, std::move(obs));
}

}  // namespace distlab::models::spanner
