// A transaction client: read-write transactions (reads under locks at the leaders, buffered
// writes, commit through the coordinator chosen by the client: two-phase commit across groups),
// read-only transactions (one group: at its leader, at LastTS(); several: at TT.now().latest,
// served once the groups' safe time passes it), and snapshot reads in the past at a replica in
// the client's zone. Every committed transaction goes to the observer's history with true
// start and end times, for the checkers.
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
    think_ =
        ctx.set_timer(static_cast<Time>(ctx.rng().uniform01() * static_cast<double>(c_.think)) + 1);
  }

  void on_timer(Context& ctx, sim::TimerId id) override {
    if (id == think_) return begin(ctx);
    if (id == retry_) return attempt(ctx);
  }

  void on_message(Context& ctx, NodeId, const sim::Message& m) override {
    if (const auto* r = m.get<ReadReply>()) return on_read_reply(ctx, *r);
    if (const auto* o = m.get<Outcome>()) return on_outcome(ctx, *o);
    if (const auto* s = m.get<SnapshotReply>()) return on_snapshot_reply(ctx, *s);
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
    txn_ = (static_cast<TxnId>(no_) << 40) | ++seq_;
    attempt_no_ = 0;
    rec_ = sim::check::TxnRecord{};
    rec_.id = txn_;
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

  void attempt(Context& ctx) {
    ++attempt_no_;
    rec_.reads.clear();
    rec_.writes.clear();
    outstanding_ = 0;
    const auto gs = groups();
    if (kind_ == Kind::rw) {
      if (c_.rw_reads) {
        for (auto k : keys_) {
          ctx.send(c_.leader(c_.group_of(k)),
                   sim::Message::of(Read{txn_, attempt_no_, priority_, c_.group_of(k), k}));
          ++outstanding_;
        }
        return;
      }
      return commit(ctx);
    }
    // Reads at a timestamp: one group at its leader (timestamp chosen there), several at
    // TT.now().latest; snapshot reads in the past at the replica in this client's zone.
    Time ts = 0;
    if (kind_ == Kind::ro && gs.size() > 1) ts = ctx.truetime().latest;
    if (kind_ == Kind::snapshot) ts = std::max<Time>(ctx.truetime().latest - c_.snapshot_age, 1);
    for (auto g : gs) {
      SnapshotRead r{txn_, g, {}, ts};
      for (auto k : keys_)
        if (c_.group_of(k) == g) r.keys.push_back(k);
      const NodeId to =
          kind_ == Kind::snapshot ? c_.replica(g, c_.zone_of_client(no_)) : c_.leader(g);
      ctx.send(to, sim::Message::of(std::move(r)));
      ++outstanding_;
    }
  }

  void on_read_reply(Context& ctx, const ReadReply& r) {
    if (r.txn != txn_ || r.attempt != attempt_no_) return;
    if (!r.ok) return aborted(ctx);
    rec_.reads.push_back({r.kv.key, r.kv.version});
    if (--outstanding_ == 0) commit(ctx);
  }

  void commit(Context& ctx) {
    const auto gs = groups();
    std::map<std::uint32_t, std::vector<KeyValue>> writes;
    for (auto k : keys_) {
      const auto v = static_cast<std::int64_t>(txn_ * 16 + attempt_no_);
      writes[c_.group_of(k)].push_back({k, v, 0});
    }
    rec_.writes.clear();
    for (const auto& [g, ws] : writes)
      for (const auto& w : ws) rec_.writes.push_back({w.key, w.value});
    const std::uint32_t coord = gs.front();
    for (auto g : gs)
      ctx.send(c_.leader(g), sim::Message::of(Commit{txn_, attempt_no_, priority_, g, coord, gs,
                                                     writes[g], c_.value_bytes}));
    outstanding_ = 1;  // the coordinator's outcome
  }

  void on_outcome(Context& ctx, const Outcome& o) {
    if (o.txn != txn_ || o.attempt != attempt_no_) return;
    if (!o.committed) return aborted(ctx);
    rec_.committed = true;
    rec_.ts = o.ts;
    obs_->commit_wait.record(o.commit_wait);
    done(ctx, obs_->rw_latency);
  }

  void on_snapshot_reply(Context& ctx, const SnapshotReply& s) {
    if (s.txn != txn_) return;
    rec_.ts = s.ts;
    for (const auto& kv : s.values) rec_.reads.push_back({kv.key, kv.version});
    if (--outstanding_ > 0) return;
    rec_.committed = true;
    rec_.read_only = true;
    rec_.bounded_stale = kind_ == Kind::snapshot;
    done(ctx, kind_ == Kind::ro ? obs_->ro_latency : obs_->snapshot_latency);
  }

  // Wounded somewhere: release everything, back off, try again with the same priority.
  void aborted(Context& ctx) {
    ++obs_->aborts;
    for (auto g : groups()) ctx.send(c_.leader(g), sim::Message::of(Abort{txn_, attempt_no_, g}));
    const auto backoff = static_cast<Time>((1 + ctx.rng().uniform01()) * 1e6 * attempt_no_);
    retry_ = ctx.set_timer(std::min<Time>(backoff, sim::ms(100)));
  }

  void done(Context& ctx, sim::Histogram& h) {
    rec_.complete = obs_->clock->now();
    h.record(rec_.complete - rec_.invoke);
    obs_->history.push_back(rec_);
    think_ = ctx.set_timer(c_.think);
  }

  Config c_;
  std::shared_ptr<Observer> obs_;
  std::uint32_t no_;
  Kind kind_ = Kind::rw;
  std::set<std::uint64_t> keys_;
  TxnId txn_ = 0;
  std::uint64_t seq_ = 0;
  std::uint32_t attempt_no_ = 0;
  std::uint32_t outstanding_ = 0;
  Time priority_ = 0;
  sim::check::TxnRecord rec_;
  sim::TimerId think_ = 0, retry_ = 0;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_client(const Config& c, std::shared_ptr<Observer> obs,
                                           std::uint32_t client_no) {
  return std::make_unique<Client>(c, std::move(obs), client_no);
}

}  // namespace distlab::models::spanner
