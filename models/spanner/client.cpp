// A transaction client: read-write transactions (reads under locks at the leaders, buffered
// writes, commit through the coordinator chosen by the client: two-phase commit across groups),
// read-only transactions (one group: at its leader, at LastTS(); several: at TT.now().latest,
// served once the groups' safe time passes it), and snapshot reads in the past at a replica in
// the client's zone. It keeps the last leader each group named, resends what goes unanswered
// (to every replica of the group: one of them leads), and records every committed transaction
// with true start and end times for the checkers; a read-write transaction it gives up after
// sending its commit is recorded as indeterminate (it may have committed).
#include <algorithm>
#include <map>
#include <set>

#include "messages.hpp"
#include "spanner.hpp"

namespace distlab::models::spanner {
namespace {

using sim::Context;
using sim::NodeId;
using sim::Time;


class Client final : public sim::Protocol {
 public:
  Client(Config c, std::shared_ptr<Observer> obs, std::uint32_t no)
      : c_(c), obs_(std::move(obs)), no_(no) {}

  void on_start(Context& ctx) override {
    for (std::uint32_t g = 0; g < c_.groups; ++g) leader_[g] = c_.leader(g);
    think_ =
        ctx.set_timer(static_cast<Time>(ctx.rng().uniform01() * static_cast<double>(c_.think)) + 1);
  }

  void on_timer(Context& ctx, sim::TimerId id) override {
    if (id == think_) return begin(ctx);
    if (id == backoff_) return attempt(ctx);
    if (id == retry_) return retry(ctx);
    if (auto it = soon_.find(id); it != soon_.end()) {
      const std::uint32_t g = it->second;
      soon_.erase(it);
      return resend(ctx, g, false);
    }
  }

  void on_message(Context& ctx, NodeId from, const sim::Message& m) override {
    if (const auto* r = m.get<ReadReply>()) return on_read_reply(ctx, from, *r);
    if (const auto* o = m.get<Outcome>()) return on_outcome(ctx, *o);
    if (const auto* s = m.get<SnapshotReply>()) return on_snapshot_reply(ctx, *s);
    if (const auto* n = m.get<NotLeader>()) return on_not_leader(ctx, from, *n);
  }

 private:
  enum class Kind { rw, ro, snapshot };

  void begin(Context& ctx) {
    const double u = ctx.rng().uniform01();
    kind_ = u < c_.rw_fraction                    ? Kind::rw
            : u < c_.rw_fraction + c_.ro_fraction ? Kind::ro
                                                  : Kind::snapshot;
    keys_.clear();
    while (keys_.size() < std::min<std::uint64_t>(c_.keys_per_txn, c_.keys))
      keys_.insert(ctx.rng().uniform(c_.keys));
    ++seq_;
    attempt_no_ = 0;
    rec_ = sim::check::TxnRecord{};
    rec_.id = (static_cast<TxnId>(no_) << 40) | seq_;
    rec_.client = ctx.self();
    rec_.invoke = obs_->clock->now();
    priority_ = ctx.truetime().latest;  // wound-wait age, kept across attempts
    attempt(ctx);
  }

  std::vector<std::uint32_t> groups() const {
    std::set<std::uint32_t> gs;
    for (auto k : keys_) gs.insert(c_.group_of(k));
    return {gs.begin(), gs.end()};
  }

  // Every attempt is a transaction of its own at the servers.
  void attempt(Context& ctx) {
    ++attempt_no_;
    if (attempt_no_ > kMaxAttempts) return give_up(ctx);
    txn_ = (static_cast<TxnId>(no_) << 40) | (seq_ << kAttemptBits) | attempt_no_;
    attempt_start_ = ctx.now();
    rec_.reads.clear();
    rec_.writes.clear();
    reads_waiting_.clear();
    read_epoch_.clear();
    groups_waiting_.clear();
    commit_sent_ = false;
    read_ts_ = 0;
    ctx.cancel_timer(retry_);
    retry_ = ctx.set_timer(c_.retry_every);
    if (kind_ == Kind::rw) {
      if (!c_.rw_reads) return commit(ctx);
      reads_waiting_ = keys_;
    } else {
      // Reads at a timestamp: one group at its leader (timestamp chosen there), several at
      // TT.now().latest; snapshot reads in the past at the replica in this client's zone.
      const auto gs = groups();
      if (kind_ == Kind::ro && gs.size() > 1) read_ts_ = ctx.truetime().latest;
      if (kind_ == Kind::snapshot)
        read_ts_ = std::max<Time>(ctx.truetime().latest - c_.snapshot_age, 1);
      groups_waiting_.insert(gs.begin(), gs.end());
    }
    for (auto g : groups()) resend(ctx, g, false);
  }

  // Sends what group g still owes this attempt: to the leader it last named, or to every
  // replica (`all`: the leader may have changed).
  void resend(Context& ctx, std::uint32_t g, bool all) {
    if (txn_ == 0) return;  // answered meanwhile
    std::vector<NodeId> to;
    if (all) {
      for (std::uint32_t z = 0; z < c_.zones; ++z) to.push_back(c_.replica(g, z));
    } else if (kind_ == Kind::snapshot) {
      to.push_back(c_.replica(g, c_.zone_of_client(no_)));
    } else {
      to.push_back(leader_[g]);
    }
    auto send = [&](const sim::Message& m) {
      for (NodeId n : to) ctx.send(n, m);
    };
    if (kind_ == Kind::rw) {
      if (commit_sent_) return send(commit_message(g));
      for (auto k : reads_waiting_)
        if (c_.group_of(k) == g) send(sim::Message::of(Read{txn_, attempt_no_, priority_, g, k}));
      return;
    }
    if (!groups_waiting_.count(g)) return;
    SnapshotRead r{txn_, g, {}, read_ts_};
    for (auto k : keys_)
      if (c_.group_of(k) == g) r.keys.push_back(k);
    send(sim::Message::of(std::move(r)));
  }

  void retry(Context& ctx) {
    if (ctx.now() - attempt_start_ >= c_.txn_timeout) return give_up(ctx);
    retry_ = ctx.set_timer(c_.retry_every);
    for (auto g : groups()) resend(ctx, g, true);
  }

  void on_not_leader(Context& ctx, NodeId from, const NotLeader& n) {
    auto it = leader_.find(n.group);
    if (it == leader_.end() || txn_ == 0) return;
    if (n.hint != sim::kNoNode) {
      it->second = n.hint;
    } else if (from == it->second) {  // it knows no leader: try the group's next replica
      std::uint32_t z = 0;
      while (z < c_.zones && c_.replica(n.group, z) != from) ++z;
      it->second = c_.replica(n.group, (z + 1) % c_.zones);
    }
    // The named leader may still be recovering or waiting for its lease, or an election is
    // under way: ask again soon.
    for (const auto& [id, g] : soon_)
      if (g == n.group) return;
    soon_[ctx.set_timer(sim::ms(5))] = n.group;
  }

  void on_read_reply(Context& ctx, NodeId from, const ReadReply& r) {
    if (r.txn != txn_ || kind_ != Kind::rw || commit_sent_) return;
    if (!r.ok) return aborted(ctx);
    if (!reads_waiting_.erase(r.kv.key)) return;  // a duplicate
    const std::uint32_t g = c_.group_of(r.kv.key);
    leader_[g] = from;
    // Its read locks live at the leader that answered: all of a group's reads must come from
    // one leader (0: they did not, and the commit will be refused).
    auto [e, fresh] = read_epoch_.try_emplace(g, r.epoch);
    if (!fresh && e->second != r.epoch) e->second = 0;
    rec_.reads.push_back({r.kv.key, r.kv.version, r.kv.value});
    if (reads_waiting_.empty()) commit(ctx);
  }

  sim::Message commit_message(std::uint32_t g) const {
    std::vector<KeyValue> writes;
    std::vector<std::uint64_t> reads;
    for (auto k : keys_)
      if (c_.group_of(k) == g) {
        writes.push_back({k, value_of(k), 0});
        if (c_.rw_reads) reads.push_back(k);
      }
    const auto gs = groups();
    auto e = read_epoch_.find(g);
    return sim::Message::of(Commit{txn_, attempt_no_, priority_, g, gs.front(), gs, writes,
                                   c_.value_bytes, reads, e == read_epoch_.end() ? 0 : e->second});
  }
  // Values are unique per attempt (and key): a read names its writer.
  std::int64_t value_of(std::uint64_t) const { return static_cast<std::int64_t>(txn_); }

  void commit(Context& ctx) {
    rec_.writes.clear();
    for (auto k : keys_) rec_.writes.push_back({k, value_of(k)});
    commit_sent_ = true;
    for (auto g : groups()) resend(ctx, g, false);
  }

  void on_outcome(Context& ctx, const Outcome& o) {
    if (o.txn != txn_) return;
    if (!o.committed) return aborted(ctx);  // also before its commit: wounded after its reads
    if (!commit_sent_) return;
    rec_.committed = true;
    rec_.ts = o.ts;
    if (rec_.invoke >= c_.warmup) obs_->commit_wait.record(o.commit_wait);
    done(ctx, obs_->rw_latency);
  }

  void on_snapshot_reply(Context& ctx, const SnapshotReply& s) {
    if (s.txn != txn_ || kind_ == Kind::rw || !groups_waiting_.erase(s.group)) return;
    rec_.ts = s.ts;
    for (const auto& kv : s.values) rec_.reads.push_back({kv.key, kv.version, kv.value});
    if (!groups_waiting_.empty()) return;
    rec_.committed = true;
    rec_.read_only = true;
    rec_.bounded_stale = kind_ == Kind::snapshot;
    done(ctx, kind_ == Kind::ro ? obs_->ro_latency : obs_->snapshot_latency);
  }

  // Wounded somewhere: release everything, back off, try again with the same priority.
  void aborted(Context& ctx) {
    ++obs_->aborts;
    ctx.cancel_timer(retry_);
    send_abort(ctx);
    txn_ = 0;  // late answers to this attempt are ignored
    const auto backoff = static_cast<Time>((1 + ctx.rng().uniform01()) * 1e6 * attempt_no_);
    backoff_ = ctx.set_timer(std::min<Time>(backoff, sim::ms(100)));
  }

  // Tells every group's leader the attempt is over (its locks go); the next attempt also
  // supersedes it where this is lost.
  void send_abort(Context& ctx) {
    for (auto g : groups()) ctx.send(leader_[g], sim::Message::of(Abort{txn_, attempt_no_, g}));
  }

  // No answer for txn_timeout: a read-write transaction whose commit went out may have
  // committed (indeterminate); anything else simply did not happen.
  void give_up(Context& ctx) {
    ++obs_->given_up;
    if (kind_ == Kind::rw && commit_sent_) {
      rec_.indeterminate = true;
      obs_->history.push_back(rec_);
    } else if (kind_ == Kind::rw) {
      send_abort(ctx);
    }
    txn_ = 0;
    think_ = ctx.set_timer(c_.think);
  }

  void done(Context& ctx, sim::Histogram& h) {
    ctx.cancel_timer(retry_);
    txn_ = 0;
    rec_.complete = obs_->clock->now();
    if (rec_.invoke >= c_.warmup) h.record(rec_.complete - rec_.invoke);
    obs_->history.push_back(rec_);
    const auto second = static_cast<std::size_t>(rec_.complete / sim::sec(1));
    if (obs_->committed_per_s.size() <= second) obs_->committed_per_s.resize(second + 1);
    ++obs_->committed_per_s[second];
    think_ = ctx.set_timer(c_.think);
  }

  Config c_;
  std::shared_ptr<Observer> obs_;
  std::uint32_t no_;
  std::map<std::uint32_t, NodeId> leader_;  // group -> the leader it last named
  Kind kind_ = Kind::rw;
  std::set<std::uint64_t> keys_;
  TxnId txn_ = 0;  // the attempt under way (0: none)
  std::uint64_t seq_ = 0;
  std::uint32_t attempt_no_ = 0;
  Time attempt_start_ = 0, read_ts_ = 0;
  std::set<std::uint64_t> reads_waiting_;   // read-write: keys not read yet
  std::map<std::uint32_t, std::uint64_t> read_epoch_;  // group -> epoch of its read replies
  std::set<std::uint32_t> groups_waiting_;  // reads at a timestamp: groups not answered yet
  bool commit_sent_ = false;
  Time priority_ = 0;
  sim::check::TxnRecord rec_;
  sim::TimerId think_ = 0, backoff_ = 0, retry_ = 0;
  std::map<sim::TimerId, std::uint32_t> soon_;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_client(const Config& c, std::shared_ptr<Observer> obs,
                                           std::uint32_t client_no) {
  return std::make_unique<Client>(c, std::move(obs), client_no);
}

}  // namespace distlab::models::spanner
