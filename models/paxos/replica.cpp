// One Multi-Paxos replica: acceptor, learner and (when elected) leader of a replicated log, with
// a key/value store applied from the log in slot order. See README.md for the protocol.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "distlab/sim/client_api.hpp"
#include "messages.hpp"
#include "paxos.hpp"

namespace distlab::models::paxos {

std::uint64_t Command::id() const {
  auto mix = [](std::uint64_t x) {  // splitmix64's finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  std::uint64_t h = mix(op_id + 1);
  h = mix(h ^ key) + static_cast<std::uint64_t>(kind);
  return mix(h ^ static_cast<std::uint64_t>(value));
}

namespace {

using sim::ClientReply;
using sim::Context;
using sim::NodeId;
using sim::Time;

// Log slots are dense from 0: a vector indexed by slot, each entry present or not.
template <class T>
class SlotVector {
 public:
  const T* find(std::uint64_t s) const {
    return s < v_.size() && v_[s].first ? &v_[s].second : nullptr;
  }
  bool insert(std::uint64_t s, const T& x) {  // false if the slot is taken
    grow(s);
    if (v_[s].first) return false;
    v_[s] = {true, x};
    return true;
  }
  void set(std::uint64_t s, const T& x) {
    grow(s);
    v_[s] = {true, x};
  }
  std::uint64_t end() const { return v_.size(); }  // past the highest slot ever set

 private:
  void grow(std::uint64_t s) {
    if (s >= v_.size()) v_.resize(s + 1);
  }
  std::vector<std::pair<bool, T>> v_;
};

// An accepted entry as stored durably: fixed-size bytes, one key per slot.
struct StoredEntry {
  Ballot ballot;
  std::uint64_t op_id, key;
  sim::Value value;
  sim::NodeId client;
  std::uint32_t value_bytes;
  std::uint8_t kind;
};

class Replica final : public sim::Protocol {
 public:
  Replica(Config c, std::shared_ptr<Observer> obs) : c_(c), obs_(std::move(obs)) {}

  void on_start(Context& ctx) override {
    start(ctx);
    if (ctx.self() == ctx.peers().front()) deadline_ = ctx.now();  // bootstrap: first to stand
  }

  void on_recover(Context& ctx) override {
    if (c_.durable) load(ctx);
    // Leases granted before the crash are forgotten: promise nobody anything for a lease's time.
    lease_expiry_ = ctx.now() + c_.lease;
    lease_holder_ = 0;
    start(ctx);
  }

  void start(Context& ctx) {
    majority_ = ctx.peers().size() / 2 + 1;
    reset_deadline(ctx);
    ctx.set_timer(c_.heartbeat);
  }

  void on_message(Context& ctx, NodeId from, const sim::Message& m) override {
    if (const auto* r = m.get<sim::ClientRequest>()) return on_client(ctx, from, *r);
    if (const auto* a = m.get<Accept>()) return on_accept(ctx, from, *a);
    if (const auto* a = m.get<Accepted>()) return on_accepted(ctx, from, *a);
    if (const auto* h = m.get<Heartbeat>()) return on_heartbeat(ctx, from, *h);
    if (const auto* h = m.get<HeartbeatAck>()) return on_heartbeat_ack(ctx, from, *h);
    if (const auto* p = m.get<Prepare>()) return on_prepare(ctx, from, *p);
    if (const auto* p = m.get<Promise>()) return on_promise(ctx, from, *p);
    if (const auto* n = m.get<Nack>()) return on_nack(ctx, *n);
    if (const auto* c = m.get<CatchupRequest>()) return on_catchup_request(ctx, from, *c);
    if (const auto* c = m.get<CatchupReply>()) return on_catchup_reply(ctx, *c);
  }

  void on_timer(Context& ctx, sim::TimerId) override {
    ctx.set_timer(c_.heartbeat);
    if (role_ == Role::leader) return leader_tick(ctx);
    if (ctx.now() >= deadline_) start_election(ctx);
  }

 private:
  enum class Role { follower, candidate, leader };
  struct Proposal {
    Command cmd;
    std::uint64_t acks = 0;  // bit i: replica i accepted
    bool acked(NodeId r) const { return acks >> r & 1; }
    std::size_t count() const { return static_cast<std::size_t>(__builtin_popcountll(acks)); }
  };

  // ---- acceptor ----------------------------------------------------------------------------

  void promise(Context& ctx, Ballot b) {
    if (b == promised_) return;
    promised_ = b;
    if (c_.durable) ctx.storage().put("p", std::to_string(b));
  }

  void accept(Context& ctx, const Entry& e) {
    accepted_.set(e.slot, {e.ballot, e.cmd});
    if (!c_.durable) return;
    const StoredEntry st{e.ballot,
                         e.cmd.op_id,
                         e.cmd.key,
                         e.cmd.value,
                         e.cmd.client,
                         e.cmd.value_bytes,
                         static_cast<std::uint8_t>(e.cmd.kind)};
    std::string bytes(sizeof st, '\0');
    std::memcpy(bytes.data(), &st, sizeof st);
    ctx.storage().put("a/" + std::to_string(e.slot), std::move(bytes));
  }

  void load(Context& ctx) {
    if (auto p = ctx.storage().get("p")) promised_ = std::stoull(*p);
    for (const auto& [k, v] : ctx.storage().all()) {
      if (k.rfind("a/", 0) != 0) continue;
      StoredEntry st{};
      if (v.size() != sizeof st) continue;
      std::memcpy(&st, v.data(), sizeof st);
      const Command cmd{st.op_id, st.client, static_cast<sim::OpKind>(st.kind),
                        st.key,   st.value,  st.value_bytes};
      accepted_.set(std::stoull(k.substr(2)), {st.ballot, cmd});
    }
  }

  // A lease granted to another leader forbids promising anyone else until it runs out.
  bool lease_blocks(Context& ctx, Ballot b) const {
    if (role_ == Role::leader && ctx.now() < lease_until_) return true;  // its own lease
    return ctx.now() < lease_expiry_ &&
           (lease_holder_ == 0 || owner_of(lease_holder_) != owner_of(b));
  }

  void on_prepare(Context& ctx, NodeId from, const Prepare& p) {
    if (p.ballot <= promised_ || lease_blocks(ctx, p.ballot)) {
      ctx.send(from, sim::Message::of(Nack{p.ballot, promised_}));
      return;
    }
    if (role_ != Role::follower) step_down(ctx);
    promise(ctx, p.ballot);
    Promise r{p.ballot, {}};
    for (std::uint64_t s = p.from; s < accepted_.end(); ++s)
      if (const auto* a = accepted_.find(s)) r.accepted.push_back({s, a->first, a->second});
    ctx.send(from, sim::Message::of(std::move(r)));
  }

  void on_accept(Context& ctx, NodeId from, const Accept& a) {
    if (a.ballot < promised_) {
      ctx.send(from, sim::Message::of(Nack{a.ballot, promised_}));
      return;
    }
    if (a.ballot > promised_ && role_ != Role::follower) step_down(ctx);
    promise(ctx, a.ballot);
    heard_from_leader(ctx, a.ballot);
    accept(ctx, a.entry);
    ctx.send(from, sim::Message::of(Accepted{a.ballot, a.entry.slot}));
    learn(ctx, a.ballot, a.chosen_upto);
  }

  void on_heartbeat(Context& ctx, NodeId from, const Heartbeat& h) {
    if (h.ballot < promised_) {
      ctx.send(from, sim::Message::of(Nack{h.ballot, promised_}));
      return;
    }
    if (h.ballot > promised_ && role_ != Role::follower) step_down(ctx);
    promise(ctx, h.ballot);
    heard_from_leader(ctx, h.ballot);
    if (c_.lease > 0) {
      lease_holder_ = h.ballot;
      lease_expiry_ = ctx.now() + c_.lease;
      ctx.send(from, sim::Message::of(HeartbeatAck{h.ballot, h.lease_round}));
    }
    learn(ctx, h.ballot, h.chosen_upto);
  }

  // ---- learner -----------------------------------------------------------------------------

  // The leader of `b` says every slot below `upto` is decided. A slot this replica accepted in
  // ballot b holds the leader's value, so it is decided; anything else is fetched.
  void learn(Context& ctx, Ballot b, std::uint64_t upto) {
    while (chosen_upto_ < upto) {
      const auto* a = accepted_.find(chosen_upto_);
      if (!a || a->first != b) {
        request_catchup(ctx, owner_of(b));
        return;
      }
      decide(ctx, chosen_upto_, a->second);
    }
  }

  void request_catchup(Context& ctx, NodeId leader) {
    if (leader == ctx.self() || ctx.now() < catchup_after_) return;
    catchup_after_ = ctx.now() + c_.heartbeat;  // one request outstanding per heartbeat
    ctx.send(leader, sim::Message::of(CatchupRequest{chosen_upto_}));
  }

  void on_catchup_request(Context& ctx, NodeId from, const CatchupRequest& r) {
    CatchupReply rep;
    for (std::uint64_t s = r.from; s < chosen_upto_ && rep.chosen.size() < c_.batch_catchup; ++s)
      rep.chosen.push_back({s, 0, *chosen_.find(s)});
    if (!rep.chosen.empty()) ctx.send(from, sim::Message::of(std::move(rep)));
  }

  void on_catchup_reply(Context& ctx, const CatchupReply& r) {
    // Only a follower learns this way: a reply to a request sent before this replica stood for
    // election must not decide slots it is now proposing in.
    if (role_ != Role::follower) return;
    catchup_after_ = 0;
    for (const Entry& e : r.chosen)
      if (!chosen_.find(e.slot)) decide(ctx, e.slot, e.cmd);
  }

  // `slot` holds `cmd` for good: record it, then apply every decided slot in order.
  void decide(Context& ctx, std::uint64_t slot, const Command& cmd) {
    if (!chosen_.insert(slot, cmd)) return;
    obs_->agreement.decide(ctx.self(), slot, cmd.id(), ctx.now());
    while (const Command* c = chosen_.find(chosen_upto_)) {
      apply(ctx, *c);
      ++chosen_upto_;
    }
  }

  // The key/value state machine. Writes apply at most once per operation (a retried write
  // may be in the log twice).
  void apply(Context& ctx, const Command& cmd) {
    if (cmd.op_id == 0) return;  // no-op
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

  // ---- clients -----------------------------------------------------------------------------

  void on_client(Context& ctx, NodeId from, const sim::ClientRequest& r) {
    if (role_ != Role::leader) {
      ClientReply rep{r.op_id, ClientReply::Status::fail, 0, 0, 0};
      if (leader_hint_ != sim::kNoNode && leader_hint_ != ctx.self()) {
        rep.status = ClientReply::Status::redirect;
        rep.redirect_to = leader_hint_;
      }
      ctx.send(from, sim::Message::of(rep));
      return;
    }
    if (r.kind == sim::OpKind::write && done_.count(r.op_id)) {  // a retry of an applied write
      ctx.send(from,
               sim::Message::of(ClientReply{r.op_id, ClientReply::Status::ok, r.value, 0, 0}));
      return;
    }
    if (r.kind == sim::OpKind::read && c_.lease_reads && c_.lease > 0 && ctx.now() < lease_until_ &&
        chosen_upto_ >= ready_slot_) {
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
    propose(ctx, Command{r.op_id, from, r.kind, r.key, r.value, r.value_bytes});
  }

  // ---- leader ------------------------------------------------------------------------------

  void propose(Context& ctx, const Command& cmd, std::optional<std::uint64_t> at = {}) {
    const std::uint64_t slot = at ? *at : next_slot_++;
    Proposal& p = proposals_[slot];
    p.cmd = cmd;
    p.acks = 0;
    // The leader's own acceptor first (its storage write delays the Accepts that follow).
    promise(ctx, ballot_);
    accept(ctx, Entry{slot, ballot_, cmd});
    p.acks |= 1ull << ctx.self();
    send_accept(ctx, slot, p);
    maybe_chosen(ctx, slot);
  }

  void send_accept(Context& ctx, std::uint64_t slot, const Proposal& p) {
    const Accept a{ballot_, Entry{slot, ballot_, p.cmd}, chosen_upto_};
    for (NodeId r : ctx.peers())
      if (!p.acked(r)) ctx.send(r, sim::Message::of(a));
  }

  void on_accepted(Context& ctx, NodeId from, const Accepted& a) {
    if (role_ != Role::leader || a.ballot != ballot_) return;
    auto it = proposals_.find(a.slot);
    if (it == proposals_.end()) return;
    it->second.acks |= 1ull << from;
    maybe_chosen(ctx, a.slot);
  }

  void maybe_chosen(Context& ctx, std::uint64_t slot) {
    auto it = proposals_.find(slot);
    if (it == proposals_.end() || it->second.count() < majority_) return;
    const Command cmd = it->second.cmd;
    proposals_.erase(it);
    decide(ctx, slot, cmd);
  }

  void leader_tick(Context& ctx) {
    ++lease_round_;
    lease_sent_[lease_round_] = ctx.now();
    lease_acks_[lease_round_] = 1ull << ctx.self();  // its own
    while (lease_sent_.size() > 64) {                // rounds that never reached a majority
      lease_acks_.erase(lease_sent_.begin()->first);
      lease_sent_.erase(lease_sent_.begin());
    }
    const Heartbeat h{ballot_, chosen_upto_, lease_round_};
    for (NodeId r : ctx.peers())
      if (r != ctx.self()) ctx.send(r, sim::Message::of(h));
    // Resend what a majority has not accepted yet (lost messages, slow or restarted replicas).
    for (auto& [slot, p] : proposals_) send_accept(ctx, slot, p);
  }

  void on_heartbeat_ack(Context& ctx, NodeId from, const HeartbeatAck& a) {
    if (role_ != Role::leader || a.ballot != ballot_) return;
    auto it = lease_acks_.find(a.lease_round);
    if (it == lease_acks_.end()) return;
    const std::uint64_t before = it->second;
    it->second |= 1ull << from;
    if (it->second != before &&
        static_cast<std::size_t>(__builtin_popcountll(it->second)) == majority_) {
      // A majority promised not to follow anyone else for `lease` of their clocks from when
      // they got the heartbeat, which was after it left here: count from the send time, minus
      // what clocks drifting at the assumed bound can take away.
      const Time sent = lease_sent_.at(a.lease_round);
      const auto margin =
          static_cast<Time>(static_cast<double>(c_.lease) * 2 * c_.drift_bound_ppm * 1e-6);
      lease_until_ = std::max(lease_until_, sent + c_.lease - margin);
    }
  }

  void start_election(Context& ctx) {
    if (ctx.now() < lease_expiry_ &&
        (lease_holder_ == 0 || owner_of(lease_holder_) != ctx.self())) {
      reset_deadline(ctx);  // we promised the current leader its lease
      return;
    }
    ++obs_->elections;
    role_ = Role::candidate;
    ballot_ = make_ballot(std::max(round_of(promised_), max_round_seen_) + 1, ctx.self());
    max_round_seen_ = round_of(ballot_);
    promise(ctx, ballot_);
    promises_ = {ctx.self()};
    best_.clear();
    for (std::uint64_t s = chosen_upto_; s < accepted_.end(); ++s)
      if (const auto* a = accepted_.find(s)) best_[s] = *a;
    reset_deadline(ctx);
    const Prepare p{ballot_, chosen_upto_};
    for (NodeId r : ctx.peers())
      if (r != ctx.self()) ctx.send(r, sim::Message::of(p));
    if (promises_.size() >= majority_) become_leader(ctx);  // a single replica
  }

  void on_promise(Context& ctx, NodeId from, const Promise& p) {
    if (role_ != Role::candidate || p.ballot != ballot_) return;
    for (const Entry& e : p.accepted) {
      auto it = best_.find(e.slot);
      if (it == best_.end() || e.ballot > it->second.first) best_[e.slot] = {e.ballot, e.cmd};
    }
    promises_.insert(from);
    if (promises_.size() >= majority_) become_leader(ctx);
  }

  void become_leader(Context& ctx) {
    role_ = Role::leader;
    leader_hint_ = ctx.self();
    ++obs_->leaders;
    lease_until_ = 0;
    proposals_.clear();
    // Phase 2 for every slot a majority may have accepted something in: the value with the
    // highest ballot (it may have been chosen), or a no-op where nothing was accepted.
    std::uint64_t end = chosen_upto_;
    if (!best_.empty()) end = std::max(end, best_.rbegin()->first + 1);
    next_slot_ = end;
    for (std::uint64_t s = chosen_upto_; s < end; ++s) {
      if (chosen_.find(s)) continue;
      auto it = best_.find(s);
      Command cmd;  // no-op
      if (it != best_.end() && c_.adopt_accepted) cmd = it->second.second;
      propose(ctx, cmd, s);
    }
    ready_slot_ = end;  // lease reads wait until everything before this leadership is applied
    best_.clear();
    leader_tick(ctx);
  }

  void on_nack(Context& ctx, const Nack& n) {
    max_round_seen_ = std::max(max_round_seen_, round_of(n.promised));
    if (role_ != Role::follower && n.ballot == ballot_ && n.promised > ballot_) step_down(ctx);
  }

  void step_down(Context& ctx) {
    role_ = Role::follower;
    proposals_.clear();
    waiting_.clear();  // their clients time out and retry at the new leader
    lease_until_ = 0;
    reset_deadline(ctx);
  }

  void heard_from_leader(Context& ctx, Ballot b) {
    leader_hint_ = owner_of(b);
    max_round_seen_ = std::max(max_round_seen_, round_of(b));
    if (role_ == Role::follower) reset_deadline(ctx);
  }

  void reset_deadline(Context& ctx) {
    deadline_ = ctx.now() + c_.election_timeout +
                static_cast<Time>(ctx.rng().uniform01() * static_cast<double>(c_.election_timeout));
  }

  Config c_;
  std::shared_ptr<Observer> obs_;
  std::size_t majority_ = 1;
  // Acceptor (durable unless the variant says otherwise).
  Ballot promised_ = 0;
  SlotVector<std::pair<Ballot, Command>> accepted_;
  Ballot lease_holder_ = 0;  // the leader this acceptor granted a lease to
  Time lease_expiry_ = 0;    // local time
  // Learner and state machine.
  SlotVector<Command> chosen_;
  std::uint64_t chosen_upto_ = 0;                     // every slot below is decided and applied
  std::unordered_map<std::uint64_t, sim::Value> kv_;  // never iterated
  std::unordered_set<std::uint64_t> done_;            // write operations applied; never iterated
  Time catchup_after_ = 0;
  // Proposer / leader.
  Role role_ = Role::follower;
  Ballot ballot_ = 0;
  std::uint64_t max_round_seen_ = 0;
  NodeId leader_hint_ = sim::kNoNode;
  Time deadline_ = 0;
  std::set<NodeId> promises_;
  std::map<std::uint64_t, std::pair<Ballot, Command>> best_;
  std::uint64_t next_slot_ = 0, ready_slot_ = 0;
  std::map<std::uint64_t, Proposal> proposals_;
  std::map<std::uint64_t, NodeId> waiting_;  // op id -> client to answer when applied
  std::uint64_t lease_round_ = 0;
  std::map<std::uint64_t, Time> lease_sent_;
  std::map<std::uint64_t, std::uint64_t> lease_acks_;  // round -> bitmask of grantors
  Time lease_until_ = 0;  // local time; reads at the leader are safe before it
};

}  // namespace

std::unique_ptr<sim::Protocol> make_replica(const Config& c, std::shared_ptr<Observer> obs) {
  return std::make_unique<Replica>(c, std::move(obs));
}

}  // namespace distlab::models::paxos
