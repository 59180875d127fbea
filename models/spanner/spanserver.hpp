#pragma once
// A spanserver (internal to models/spanner): a replica of every Paxos group placed on it, and for
// the groups it leads, the lock table, the participant and coordinator roles of two-phase
// commit, timestamps and commit wait (Spanner section 4.2). server.cpp: start, messages, the
// Paxos log's host, leadership changes and safe time; txn.cpp: read-write transactions;
// reads.cpp: reads at a timestamp.
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

#include "locks.hpp"
#include "messages.hpp"
#include "paxos/log.hpp"
#include "record.hpp"
#include "spanner.hpp"
#include "store.hpp"

namespace distlab::models::spanner {

using sim::NodeId;
inline constexpr sim::Time kAborted = -1;  // an outcome

struct TxnAtLeader {
  NodeId client = sim::kNoNode;
  sim::Time priority = 0;
  sim::Time first_seen = 0;  // local time; an active transaction times out
  enum class Phase { active, prepared, committing, ending } phase = Phase::active;
  std::set<std::uint64_t> shared, exclusive, queued;  // keys locked, keys waited for
  std::vector<std::uint64_t> pending_reads;           // reads waiting for their locks
  bool commit_requested = false;
  Commit commit;
  sim::Time start_latest = 0;                   // TT.now().latest when the commit arrived
  std::map<std::uint32_t, sim::Time> prepares;  // coordinator: participant group -> prepare ts
  sim::Time ts = 0;                             // prepare ts (participant) or commit ts
  bool prepare_logged = false, logged = false, waited = false;
  bool locking = false;  // asking for its locks: it does not move on until all are asked for
  sim::Time logged_at = 0;      // local time the commit record was decided
  sim::Time prepared_sent = 0;  // participant: when it last told the coordinator
  LockTable::Owner owner(TxnId id) const { return {priority, id}; }
  std::vector<std::uint64_t> keys() const;
};

class Spanserver;

// One replica of one Paxos group.
struct Group final : paxos::Log<Record>::Host {
  Spanserver* server = nullptr;
  std::uint32_t id = 0;
  std::vector<NodeId> replicas;
  std::optional<paxos::Log<Record>> log;
  // The state machine, applied from the log at every replica.
  Store store;
  sim::Time max_ts = 0;                 // highest timestamp in an applied record
  sim::Time max_commit_ts = 0;          // highest commit timestamp applied
  std::map<TxnId, Record> prepared;     // prepare records without an outcome yet
  std::map<TxnId, sim::Time> outcomes;  // commit timestamp, or kAborted
  // Reads at a timestamp.
  sim::Time safe_ts = 0;  // reads at or below are answered here
  std::deque<std::pair<std::uint64_t, sim::Time>> safe_later;  // (slots to apply first, safe ts)
  struct WaitingRead {
    NodeId from;
    SnapshotRead read;
    bool timer = false;  // a leader's timer for TT.after(read.ts) is set
  };
  std::vector<WaitingRead> waiting_reads;
  // Leader only; rebuilt when it starts leading.
  sim::Time serve_after = 0;  // serves once TT.after(it): recovered commits have waited
  std::map<std::uint64_t, std::pair<TxnId, Record::Type>> logging;  // slot -> record proposed
  sim::Time last_ts = 0;         // last timestamp assigned
  sim::Time last_commit_ts = 0;  // LastTS(): the last commit whose commit wait is over
  std::multiset<sim::Time> pending;  // prepared or committing, not over
  void unpend(sim::Time ts) {
    if (auto it = pending.find(ts); it != pending.end()) pending.erase(it);
  }
  LockTable locks;
  std::map<TxnId, TxnAtLeader> txns;
  std::set<TxnId> aborted;  // aborted here before preparing
  struct Early {            // coordinator: Prepared before the client's Commit
    sim::Time first_seen;
    std::map<std::uint32_t, sim::Time> prepares;
  };
  std::map<TxnId, Early> early;

  void apply(sim::Context& ctx, std::uint64_t slot, const Record& r) override;
  void leading(sim::Context& ctx) override;
  void stepped_down(sim::Context& ctx) override;
  void reset_leader_state();
};

class Spanserver final : public sim::Protocol {
 public:
  Spanserver(Config c, std::shared_ptr<Observer> obs) : c_(c), obs_(std::move(obs)) {}
  Spanserver(const Spanserver&) = delete;

  void on_start(sim::Context& ctx) override { start(ctx, false); }
  void on_recover(sim::Context& ctx) override { start(ctx, true); }
  void on_message(sim::Context& ctx, NodeId from, const sim::Message& m) override;
  void on_timer(sim::Context& ctx, sim::TimerId id) override;

  // Called by Group.
  void applied(sim::Context& ctx, Group& gr, std::uint64_t slot, const Record& r);
  void now_leading(sim::Context& ctx, Group& gr);

 private:
  void start(sim::Context& ctx, bool recovering);
  // Leads the group, holds a lease, and has recovered: may assign timestamps and serve.
  bool serving(sim::Context& ctx, const Group& gr) const;
  void not_leader(sim::Context& ctx, NodeId to, const Group& gr);
  void replicate(sim::Context& ctx, Group& gr, Record r);
  void send_group(sim::Context& ctx, std::uint32_t group, const sim::Message& m);
  void housekeeping(sim::Context& ctx, Group& gr);

  // txn.cpp: read-write transactions.
  void on_read(sim::Context& ctx, NodeId from, const Read& r);
  void on_commit(sim::Context& ctx, NodeId from, const Commit& c);
  void on_prepared(sim::Context& ctx, NodeId from, const Prepared& p);
  void on_decision(sim::Context& ctx, const Decision& d);
  void on_abort(sim::Context& ctx, const Abort& a);
  void on_wound(sim::Context& ctx, const Wound& w);
  bool lock(sim::Context& ctx, Group& gr, TxnId txn, std::uint64_t key, bool exclusive);
  void supersede(sim::Context& ctx, Group& gr, TxnId txn);
  // count: a first request (not housekeeping's periodic re-check) counts its Wound messages.
  void wound_holders(sim::Context& ctx, Group& gr, TxnId txn, std::uint64_t key, bool exclusive,
                     bool count = true);
  void release(sim::Context& ctx, Group& gr, TxnId txn);
  void abort_here(sim::Context& ctx, Group& gr, TxnId txn, bool tell_client);
  void abort_active(sim::Context& ctx, Group& gr, TxnId txn, bool tell_client);
  void progress(sim::Context& ctx, Group& gr, TxnId txn);
  void maybe_decide(sim::Context& ctx, Group& gr, TxnId txn);
  void commit_wait_check(sim::Context& ctx, Group& gr, TxnId txn);
  void on_logged(sim::Context& ctx, Group& gr, TxnId txn, Record::Type type);
  void finish_commit(sim::Context& ctx, Group& gr, TxnId txn);
  void tell_prepared(sim::Context& ctx, Group& gr, TxnId txn, TxnAtLeader& t);
  void decide_abort(sim::Context& ctx, Group& gr, TxnId txn,
                    const std::vector<std::uint32_t>& participants);

  // reads.cpp: reads at a timestamp and safe time.
  void on_snapshot_read(sim::Context& ctx, NodeId from, const SnapshotRead& r);
  void on_safe_time(sim::Context& ctx, const SafeTime& s);
  void advertise_safe(sim::Context& ctx, Group& gr);
  sim::Time safe_at_leader(sim::Context& ctx, const Group& gr) const;
  void arm_read_timer(sim::Context& ctx, Group& gr, Group::WaitingRead& w);
  void answer(sim::Context& ctx, Group& gr, NodeId to, const SnapshotRead& r);
  void serve_waiting_reads(sim::Context& ctx, Group& gr);
  void raise_follower_safe(Group& gr);

  Config c_;
  std::shared_ptr<Observer> obs_;
  std::map<std::uint32_t, Group> groups_;
  static sim::Time jitter(sim::Context& ctx, sim::Time t);
  std::map<sim::TimerId, std::pair<std::uint32_t, bool>> group_timers_;  // group, housekeeping?
  std::map<sim::TimerId, std::pair<std::uint32_t, TxnId>> cw_timers_;  // commit wait
  std::map<sim::TimerId, std::pair<std::uint32_t, sim::Time>> read_timers_;  // group, read ts
  std::map<sim::TimerId, std::uint32_t> serve_timers_;  // group that may serve then
};

}  // namespace distlab::models::spanner
