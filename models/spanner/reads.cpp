// Reads at a timestamp (Spanner section 4.2.2): read-only transactions at a leader, snapshot
// reads at any replica, each answered once the replica's safe time has passed the timestamp.
#include <algorithm>

#include "spanserver.hpp"

namespace distlab::models::spanner {

using sim::Context;
using sim::Time;

void Spanserver::on_snapshot_read(Context& ctx, NodeId from, const SnapshotRead& r) {
  auto git = groups_.find(r.group);
  if (git == groups_.end()) return;
  Group& gr = git->second;
  const bool leads = serving(ctx, gr);
  SnapshotRead q = r;
  if (q.ts == 0) {
    // A read-only transaction within one group, at its leader: at LastTS() if nothing is
    // prepared or committing (no wait); with one, a commit may be visible to clients before
    // this group applies it: read at TT.now().latest and wait for the safe time instead.
    if (!leads) return not_leader(ctx, from, gr);
    q.ts = gr.pending.empty() ? gr.last_commit_ts : ctx.truetime().latest;
  }
  if (leads) gr.safe_ts = std::max(gr.safe_ts, safe_at_leader(ctx, gr));
  if (q.ts <= gr.safe_ts) return answer(ctx, gr, from, q);
  gr.waiting_reads.push_back({from, q});
  if (leads) arm_read_timer(ctx, gr, gr.waiting_reads.back());
}

// A leader waits for TT.after(ts): then no new commit can get a timestamp at or below it. A
// read held back by a prepared or committing transaction waits for it to end instead
// (serve_waiting_reads runs then, and with every periodic safe-time update).
void Spanserver::arm_read_timer(Context& ctx, Group& gr, Group::WaitingRead& w) {
  if (w.timer || (!gr.pending.empty() && *gr.pending.begin() <= w.read.ts)) return;
  const Time wait = std::max<Time>(w.read.ts - ctx.truetime().earliest + 1, sim::us(100));
  read_timers_[ctx.set_timer(wait)] = {gr.id, w.read.ts};
  w.timer = true;
}

void Spanserver::answer(Context& ctx, Group& gr, NodeId to, const SnapshotRead& r) {
  SnapshotReply rep{r.txn, gr.id, r.ts, {}, c_.value_bytes};
  for (auto k : r.keys) rep.values.push_back(gr.store.read(k, r.ts));
  ctx.send(to, sim::Message::of(std::move(rep)));
}

// Answers the waiting reads the safe time has passed, in arrival order; a serving leader sets
// timers for the rest that now wait only for TrueTime.
void Spanserver::serve_waiting_reads(Context& ctx, Group& gr) {
  std::vector<Group::WaitingRead> still;
  for (auto& w : gr.waiting_reads) {
    if (w.read.ts <= gr.safe_ts)
      answer(ctx, gr, w.from, w.read);
    else
      still.push_back(std::move(w));
  }
  gr.waiting_reads = std::move(still);
  if (gr.waiting_reads.empty() || !serving(ctx, gr)) return;
  for (auto& w : gr.waiting_reads) arm_read_timer(ctx, gr, w);
}

// Everything committed at or below the result is visible here: below the oldest prepared or
// committing transaction, and, with none, below any timestamp this leader can still assign
// (every new one is > TT.now().latest >= true time > TT.now().earliest).
Time Spanserver::safe_at_leader(Context& ctx, const Group& gr) const {
  if (!gr.pending.empty()) return *gr.pending.begin() - 1;
  return std::max(gr.last_commit_ts, ctx.truetime().earliest - 1);
}

// Leader: tell the replicas how far they may serve reads once they have applied the log as
// far as this leader has.
void Spanserver::advertise_safe(Context& ctx, Group& gr) {
  if (!serving(ctx, gr)) return;  // without its lease it can promise nothing
  gr.safe_ts = std::max(gr.safe_ts, safe_at_leader(ctx, gr));
  const SafeTime s{gr.id, gr.log->applied_upto(), gr.safe_ts};
  for (NodeId r : gr.replicas)
    if (r != ctx.self()) ctx.send(r, sim::Message::of(s));
  serve_waiting_reads(ctx, gr);
}

void Spanserver::on_safe_time(Context& ctx, const SafeTime& s) {
  auto it = groups_.find(s.group);
  if (it == groups_.end() || it->second.log->is_leader()) return;
  Group& gr = it->second;
  gr.safe_later.emplace_back(s.applied, s.safe_ts);
  raise_follower_safe(gr);
  serve_waiting_reads(ctx, gr);
}

// A follower's safe time (t_Paxos_safe in the paper): a leader's promise counts once this
// replica has applied what the leader had applied when it made it.
void Spanserver::raise_follower_safe(Group& gr) {
  while (!gr.safe_later.empty() && gr.safe_later.front().first <= gr.log->applied_upto()) {
    gr.safe_ts = std::max(gr.safe_ts, gr.safe_later.front().second);
    gr.safe_later.pop_front();
  }
}

}  // namespace distlab::models::spanner
