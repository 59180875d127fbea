#pragma once
// A Multi-Paxos replicated log of commands of type Cmd: one replica's acceptor, learner and
// (when elected) leader, for one Paxos group. It is not a node by itself: a node (a Protocol)
// holds one Log per group it replicates, routes the group's messages and a periodic tick to it,
// proposes commands when it leads, and applies decided commands in slot order through Host.
// models/paxos runs one group per node with a key/value store on top; models/spanner runs many
// groups per spanserver with transactions on top. See README.md for the protocol.
//
// Cmd needs: default construction (a no-op, filling slots a new leader finds empty),
// `bool noop() const`, `std::size_t size_bytes() const`, `std::string describe() const`,
// `std::uint64_t id() const` (equal commands, equal ids; for the agreement checker), and
// `std::string encode() const` / `static Cmd decode(std::string_view)` for durable storage.
#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "distlab/sim/check/agreement.hpp"
#include "distlab/sim/node.hpp"
#include "messages.hpp"

namespace distlab::models::paxos {

struct LogConfig {
  sim::Time heartbeat = sim::ms(50);
  sim::Time election_timeout = sim::ms(300);  // randomized in [t, 2t)
  sim::Time lease = sim::sec(2);              // 0: no leases
  // How leases are timed. Local clock (the default): a grantor promises for `lease` of its own
  // clock, a leader counts from its send time minus what clocks drifting at drift_bound_ppm can
  // take away (Paxos Made Live). TrueTime (Spanner): a grantor promises until TT.after(latest at
  // the grant + lease); a leader holds the lease while TT.before(earliest at the send + lease),
  // so leases stay disjoint as long as TrueTime holds, whatever the clocks' steps and drift.
  bool lease_truetime = false;
  double drift_bound_ppm = 200;
  std::uint32_t batch_catchup = 256;
  // The leader writes its own copy of an entry while the Accepts are on their way (Paxos Made
  // Live, section 4.3) instead of before sending them.
  bool parallel_leader_write = false;
  // The leader tells the followers at once when it learns a slot is decided (a heartbeat that
  // asks for no lease), instead of with its next Accept or heartbeat.
  bool announce_decisions = false;
  std::string storage_prefix;  // keys of this group in the node's durable storage
  // Deliberately broken variants (for the checkers' tests).
  bool adopt_accepted = true;  // false: a new leader ignores values accepted in earlier ballots
  bool durable = true;         // false: acceptor state is not kept across a crash
};

struct LogStats {
  std::uint64_t elections = 0, leaders = 0;
};

template <class Cmd>
class Log {
 public:
  // What the node does with the log.
  struct Host {
    // `cmd` is decided in `slot`; called once per slot, in slot order.
    virtual void apply(sim::Context& ctx, std::uint64_t slot, const Cmd& cmd) = 0;
    // This replica leads and has applied every slot decided before its leadership.
    virtual void leading(sim::Context&) {}
    // This replica stopped leading (a higher ballot). Proposals in flight may still be decided,
    // by the next leader, or not at all.
    virtual void stepped_down(sim::Context&) {}

   protected:
    ~Host() = default;
  };

  Log(LogConfig c, std::uint32_t group, std::vector<sim::NodeId> members, Host& host,
      sim::check::AgreementChecker* agreement, LogStats* stats)
      : c_(std::move(c)),
        group_(group),
        members_(std::move(members)),
        host_(host),
        agreement_(agreement),
        stats_(stats) {}

  // A new replica; `stand` makes it start an election at once (bootstrap).
  void start(sim::Context& ctx, bool stand) {
    majority_ = members_.size() / 2 + 1;
    reset_deadline(ctx);
    if (stand) deadline_ = ctx.now();
  }

  // A replica restarting after a crash: its durable acceptor state is back, and it promises
  // nobody a lease for one lease time (it may have granted one before the crash).
  void recover(sim::Context& ctx) {
    if (c_.durable) load(ctx);
    lease_expiry_ = grant_expiry(ctx);
    lease_holder_ = 0;
    start(ctx, false);
  }

  // The group a Paxos message is for, or nothing if `m` is not one.
  static std::optional<std::uint32_t> group_of(const sim::Message& m) {
    if (const auto* x = m.get<Accept<Cmd>>()) return x->group;
    if (const auto* x = m.get<Accepted>()) return x->group;
    if (const auto* x = m.get<Heartbeat>()) return x->group;
    if (const auto* x = m.get<HeartbeatAck>()) return x->group;
    if (const auto* x = m.get<Prepare>()) return x->group;
    if (const auto* x = m.get<Promise<Cmd>>()) return x->group;
    if (const auto* x = m.get<Nack>()) return x->group;
    if (const auto* x = m.get<CatchupRequest>()) return x->group;
    if (const auto* x = m.get<CatchupReply<Cmd>>()) return x->group;
    return std::nullopt;
  }

  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& m) {
    if (const auto* a = m.get<Accept<Cmd>>()) return on_accept(ctx, from, *a);
    if (const auto* a = m.get<Accepted>()) return on_accepted(ctx, from, *a);
    if (const auto* h = m.get<Heartbeat>()) return on_heartbeat(ctx, from, *h);
    if (const auto* h = m.get<HeartbeatAck>()) return on_heartbeat_ack(ctx, from, *h);
    if (const auto* p = m.get<Prepare>()) return on_prepare(ctx, from, *p);
    if (const auto* p = m.get<Promise<Cmd>>()) return on_promise(ctx, from, *p);
    if (const auto* n = m.get<Nack>()) return on_nack(ctx, *n);
    if (const auto* c = m.get<CatchupRequest>()) return on_catchup_request(ctx, from, *c);
    if (const auto* c = m.get<CatchupReply<Cmd>>()) return on_catchup_reply(ctx, *c);
  }

  // Every heartbeat interval: a leader heartbeats (and asks for its lease), a follower whose
  // leader went quiet stands for election.
  void tick(sim::Context& ctx) {
    if (role_ == Role::leader) return leader_tick(ctx);
    if (ctx.now() >= deadline_) start_election(ctx);
  }

  // True if `id` was the log's timer (the leader's own write finished): it handled it.
  bool on_timer(sim::Context& ctx, sim::TimerId id) {
    auto it = own_writes_.find(id);
    if (it == own_writes_.end()) return false;
    const std::uint64_t slot = it->second;
    own_writes_.erase(it);
    auto p = proposals_.find(slot);
    if (role_ == Role::leader && p != proposals_.end()) {
      p->second.acks |= 1ull << index_of(ctx.self());
      maybe_chosen(ctx, slot);
    }
    return true;
  }

  // Leader only: put `cmd` in the next free slot; returns the slot.
  std::optional<std::uint64_t> propose(sim::Context& ctx, const Cmd& cmd) {
    if (role_ != Role::leader) return std::nullopt;
    const std::uint64_t slot = next_slot_++;
    propose_at(ctx, cmd, slot);
    return slot;
  }

  bool is_leader() const { return role_ == Role::leader; }
  Ballot ballot() const { return ballot_; }  // of its current or last candidacy
  // Leads, and has applied every slot decided before its leadership.
  bool ready() const { return role_ == Role::leader && chosen_upto_ >= ready_slot_; }
  // Holds a lease now: no other replica can lead until it has run out.
  bool has_lease(sim::Context& ctx) const {
    if (role_ != Role::leader || c_.lease == 0) return false;
    return c_.lease_truetime ? ctx.truetime().before(lease_until_) : ctx.now() < lease_until_;
  }
  // The replica this one last heard lead (itself when it leads), or kNoNode.
  sim::NodeId leader_hint() const { return leader_hint_; }
  std::uint64_t applied_upto() const { return chosen_upto_; }  // every slot below is applied
  std::uint32_t group() const { return group_; }
  const std::vector<sim::NodeId>& members() const { return members_; }

 private:
  enum class Role { follower, candidate, leader };
  struct Proposal {
    Cmd cmd;
    std::uint64_t acks = 0;  // bit i: members_[i] accepted
    bool acked(std::size_t i) const { return acks >> i & 1; }
    std::size_t count() const { return static_cast<std::size_t>(__builtin_popcountll(acks)); }
  };

  std::size_t index_of(sim::NodeId n) const {
    return static_cast<std::size_t>(std::find(members_.begin(), members_.end(), n) -
                                    members_.begin());
  }
  void send_others(sim::Context& ctx, const sim::Message& m) {
    for (sim::NodeId r : members_)
      if (r != ctx.self()) ctx.send(r, m);
  }

  // ---- leases --------------------------------------------------------------------------------

  // When a lease this replica grants now runs out (see LogConfig::lease_truetime).
  sim::Time grant_expiry(sim::Context& ctx) const {
    return (c_.lease_truetime ? ctx.truetime().latest : ctx.now()) + c_.lease;
  }
  bool granted_lease_running(sim::Context& ctx) const {
    return c_.lease_truetime ? !ctx.truetime().after(lease_expiry_) : ctx.now() < lease_expiry_;
  }

  // A lease granted to another leader forbids promising anyone else until it runs out.
  bool lease_blocks(sim::Context& ctx, Ballot b) const {
    if (has_lease(ctx)) return true;  // its own
    return granted_lease_running(ctx) &&
           (lease_holder_ == 0 || owner_of(lease_holder_) != owner_of(b));
  }

  // ---- acceptor ------------------------------------------------------------------------------

  void promise(sim::Context& ctx, Ballot b) {
    if (b == promised_) return;
    promised_ = b;
    if (c_.durable) ctx.storage().put(c_.storage_prefix + "p", std::to_string(b));
  }

  void accept(sim::Context& ctx, const Entry<Cmd>& e) {
    accepted_.set(e.slot, {e.ballot, e.cmd});
    if (!c_.durable) return;
    std::string bytes(sizeof(Ballot), '\0');
    std::memcpy(bytes.data(), &e.ballot, sizeof(Ballot));
    bytes += e.cmd.encode();
    ctx.storage().put(c_.storage_prefix + "a/" + std::to_string(e.slot), std::move(bytes));
  }

  void load(sim::Context& ctx) {
    const std::string p = c_.storage_prefix + "p", a = c_.storage_prefix + "a/";
    if (auto v = ctx.storage().get(p)) promised_ = std::stoull(*v);
    for (const auto& [k, v] : ctx.storage().all()) {
      if (k.rfind(a, 0) != 0 || v.size() < sizeof(Ballot)) continue;
      Ballot b = 0;
      std::memcpy(&b, v.data(), sizeof(Ballot));
      accepted_.set(std::stoull(k.substr(a.size())),
                    {b, Cmd::decode(std::string_view(v).substr(sizeof(Ballot)))});
    }
  }

  void on_prepare(sim::Context& ctx, sim::NodeId from, const Prepare& p) {
    if (p.ballot <= promised_ || lease_blocks(ctx, p.ballot)) {
      ctx.send(from, sim::Message::of(Nack{group_, p.ballot, promised_}));
      return;
    }
    if (role_ != Role::follower) step_down(ctx);
    promise(ctx, p.ballot);
    Promise<Cmd> r{group_, p.ballot, {}};
    for (std::uint64_t s = p.from; s < accepted_.end(); ++s)
      if (const auto* a = accepted_.find(s)) r.accepted.push_back({s, a->first, a->second});
    ctx.send(from, sim::Message::of(std::move(r)));
  }

  void on_accept(sim::Context& ctx, sim::NodeId from, const Accept<Cmd>& a) {
    if (a.ballot < promised_) {
      ctx.send(from, sim::Message::of(Nack{group_, a.ballot, promised_}));
      return;
    }
    if (role_ == Role::leader ? a.ballot > promised_ : role_ == Role::candidate) step_down(ctx);
    promise(ctx, a.ballot);
    heard_from_leader(ctx, a.ballot);
    accept(ctx, a.entry);
    ctx.send(from, sim::Message::of(Accepted{group_, a.ballot, a.entry.slot}));
    learn(ctx, a.ballot, a.chosen_upto);
  }

  void on_heartbeat(sim::Context& ctx, sim::NodeId from, const Heartbeat& h) {
    if (h.ballot < promised_) {
      ctx.send(from, sim::Message::of(Nack{group_, h.ballot, promised_}));
      return;
    }
    // A live leader: a leader with a lower ballot steps down, a candidate gives up.
    if (role_ == Role::leader ? h.ballot > promised_ : role_ == Role::candidate) step_down(ctx);
    promise(ctx, h.ballot);
    heard_from_leader(ctx, h.ballot);
    if (c_.lease > 0 && h.lease_round > 0) {
      lease_holder_ = h.ballot;
      lease_expiry_ = grant_expiry(ctx);
      ctx.send(from, sim::Message::of(HeartbeatAck{group_, h.ballot, h.lease_round}));
    }
    learn(ctx, h.ballot, h.chosen_upto);
  }

  // ---- learner -------------------------------------------------------------------------------

  // The leader of `b` says every slot below `upto` is decided. A slot this replica accepted in
  // ballot b holds the leader's value, so it is decided; anything else is fetched.
  void learn(sim::Context& ctx, Ballot b, std::uint64_t upto) {
    while (chosen_upto_ < upto) {
      const auto* a = accepted_.find(chosen_upto_);
      if (!a || a->first != b) {
        request_catchup(ctx, owner_of(b));
        return;
      }
      decide(ctx, chosen_upto_, a->second);
    }
  }

  void request_catchup(sim::Context& ctx, sim::NodeId leader) {
    if (leader == ctx.self() || ctx.now() < catchup_after_) return;
    catchup_after_ = ctx.now() + c_.heartbeat;  // one request outstanding per heartbeat
    ctx.send(leader, sim::Message::of(CatchupRequest{group_, chosen_upto_}));
  }

  void on_catchup_request(sim::Context& ctx, sim::NodeId from, const CatchupRequest& r) {
    CatchupReply<Cmd> rep{group_, {}};
    for (std::uint64_t s = r.from; s < chosen_upto_ && rep.chosen.size() < c_.batch_catchup; ++s)
      rep.chosen.push_back({s, 0, *chosen_.find(s)});
    if (!rep.chosen.empty()) ctx.send(from, sim::Message::of(std::move(rep)));
  }

  void on_catchup_reply(sim::Context& ctx, const CatchupReply<Cmd>& r) {
    // Only a follower learns this way: a reply to a request sent before this replica stood for
    // election must not decide slots it is now proposing in.
    if (role_ != Role::follower) return;
    catchup_after_ = 0;
    for (const auto& e : r.chosen)
      if (!chosen_.find(e.slot)) decide(ctx, e.slot, e.cmd);
  }

  // `slot` holds `cmd` for good: record it, then apply every decided slot in order.
  void decide(sim::Context& ctx, std::uint64_t slot, const Cmd& cmd) {
    if (!chosen_.insert(slot, cmd)) return;
    if (agreement_) agreement_->decide(ctx.self(), slot, cmd.id(), ctx.now());
    const bool was_ready = ready();
    while (const Cmd* c = chosen_.find(chosen_upto_)) {
      const Cmd applied = *c;  // apply may propose, which may grow chosen_
      ++chosen_upto_;
      host_.apply(ctx, chosen_upto_ - 1, applied);
    }
    if (!was_ready && ready()) host_.leading(ctx);
  }

  // ---- leader --------------------------------------------------------------------------------

  void propose_at(sim::Context& ctx, const Cmd& cmd, std::uint64_t slot) {
    Proposal& p = proposals_[slot];
    p.cmd = cmd;
    p.acks = 0;
    promise(ctx, ballot_);
    if (c_.parallel_leader_write) {
      send_accept(ctx, slot, p);
      accept(ctx, Entry<Cmd>{slot, ballot_, cmd});
      own_writes_[ctx.set_timer(0)] = slot;  // fires once the write is durable
      return;
    }
    // The leader's own acceptor first (its storage write delays the Accepts that follow).
    accept(ctx, Entry<Cmd>{slot, ballot_, cmd});
    p.acks |= 1ull << index_of(ctx.self());
    send_accept(ctx, slot, p);
    maybe_chosen(ctx, slot);
  }

  void send_accept(sim::Context& ctx, std::uint64_t slot, const Proposal& p) {
    const auto m = sim::Message::of(Accept<Cmd>{group_, ballot_, {slot, ballot_, p.cmd}, chosen_upto_});
    for (std::size_t i = 0; i < members_.size(); ++i)
      if (!p.acked(i) && members_[i] != ctx.self()) ctx.send(members_[i], m);
  }

  void on_accepted(sim::Context& ctx, sim::NodeId from, const Accepted& a) {
    if (role_ != Role::leader || a.ballot != ballot_) return;
    auto it = proposals_.find(a.slot);
    if (it == proposals_.end()) return;
    it->second.acks |= 1ull << index_of(from);
    maybe_chosen(ctx, a.slot);
  }

  void maybe_chosen(sim::Context& ctx, std::uint64_t slot) {
    auto it = proposals_.find(slot);
    if (it == proposals_.end() || it->second.count() < majority_) return;
    const Cmd cmd = it->second.cmd;
    proposals_.erase(it);
    decide(ctx, slot, cmd);
    if (c_.announce_decisions && role_ == Role::leader)
      send_others(ctx, sim::Message::of(Heartbeat{group_, ballot_, chosen_upto_, 0}));
  }

  void leader_tick(sim::Context& ctx) {
    ++lease_round_;
    lease_sent_[lease_round_] = c_.lease_truetime ? ctx.truetime().earliest : ctx.now();
    lease_acks_[lease_round_] = 1ull << index_of(ctx.self());  // its own
    while (lease_sent_.size() > 64) {  // rounds that never reached a majority
      lease_acks_.erase(lease_sent_.begin()->first);
      lease_sent_.erase(lease_sent_.begin());
    }
    if (majority_ == 1) lease_granted(lease_round_);  // a group of one
    send_others(ctx, sim::Message::of(Heartbeat{group_, ballot_, chosen_upto_, lease_round_}));
    // Resend what a majority has not accepted yet (lost messages, slow or restarted replicas).
    for (auto& [slot, p] : proposals_) send_accept(ctx, slot, p);
  }

  void on_heartbeat_ack(sim::Context& ctx, sim::NodeId from, const HeartbeatAck& a) {
    if (role_ != Role::leader || a.ballot != ballot_) return;
    auto it = lease_acks_.find(a.lease_round);
    if (it == lease_acks_.end()) return;
    const std::uint64_t before = it->second;
    it->second |= 1ull << index_of(from);
    if (it->second == before ||
        static_cast<std::size_t>(__builtin_popcountll(it->second)) != majority_)
      return;
    lease_granted(a.lease_round);
  }

  void lease_granted(std::uint64_t round) {
    // A majority promised not to follow anyone else for a lease from when they got the
    // heartbeat, which was after it left here: count from the send time (TrueTime's earliest
    // then), or, on local clocks, minus what clocks drifting at the assumed bound can take away.
    const sim::Time sent = lease_sent_.at(round);
    const auto margin =
        c_.lease_truetime
            ? 0
            : static_cast<sim::Time>(static_cast<double>(c_.lease) * 2 * c_.drift_bound_ppm * 1e-6);
    lease_until_ = std::max(lease_until_, sent + c_.lease - margin);
  }

  void start_election(sim::Context& ctx) {
    if (granted_lease_running(ctx) &&
        (lease_holder_ == 0 || owner_of(lease_holder_) != ctx.self())) {
      reset_deadline(ctx);  // we promised the current leader its lease
      return;
    }
    if (stats_) ++stats_->elections;
    role_ = Role::candidate;
    ballot_ = make_ballot(std::max(round_of(promised_), max_round_seen_) + 1, ctx.self());
    max_round_seen_ = round_of(ballot_);
    promises_.clear();
    best_.clear();
    reset_deadline(ctx);
    send_others(ctx, sim::Message::of(Prepare{group_, ballot_, chosen_upto_}));
    maybe_win(ctx);  // a single replica
  }

  void on_promise(sim::Context& ctx, sim::NodeId from, const Promise<Cmd>& p) {
    if (role_ != Role::candidate || p.ballot != ballot_) return;
    for (const auto& e : p.accepted) {
      auto it = best_.find(e.slot);
      if (it == best_.end() || e.ballot > it->second.first) best_[e.slot] = {e.ballot, e.cmd};
    }
    promises_.insert(from);
    maybe_win(ctx);
  }

  // A candidate's own acceptor promises last, once the others' promises make a majority with
  // it: a candidate cut off from the group then holds no promise that would make it refuse
  // (and so depose) a healthy leader when it is back (the disruption Raft's pre-vote avoids).
  void maybe_win(sim::Context& ctx) {
    if (promises_.size() + 1 < majority_) return;
    if (promised_ > ballot_ || lease_blocks(ctx, ballot_)) return;  // it promised others since
    promise(ctx, ballot_);
    promises_.insert(ctx.self());
    for (std::uint64_t s = chosen_upto_; s < accepted_.end(); ++s) {
      const auto* a = accepted_.find(s);
      if (!a) continue;
      auto it = best_.find(s);
      if (it == best_.end() || a->first > it->second.first) best_[s] = *a;
    }
    become_leader(ctx);
  }

  void become_leader(sim::Context& ctx) {
    role_ = Role::leader;
    leader_hint_ = ctx.self();
    if (stats_) ++stats_->leaders;
    lease_until_ = 0;
    proposals_.clear();
    own_writes_.clear();
    // Phase 2 for every slot a majority may have accepted something in: the value with the
    // highest ballot (it may have been chosen), or a no-op where nothing was accepted.
    std::uint64_t end = chosen_upto_;
    if (!best_.empty()) end = std::max(end, best_.rbegin()->first + 1);
    next_slot_ = end;
    ready_slot_ = end;  // ready once everything before this leadership is applied
    const bool ready_now = ready();
    for (std::uint64_t s = chosen_upto_; s < end; ++s) {
      if (chosen_.find(s)) continue;
      auto it = best_.find(s);
      Cmd cmd;  // no-op
      if (it != best_.end() && c_.adopt_accepted) cmd = it->second.second;
      propose_at(ctx, cmd, s);
    }
    best_.clear();
    leader_tick(ctx);
    if (ready_now) host_.leading(ctx);
  }

  void on_nack(sim::Context& ctx, const Nack& n) {
    max_round_seen_ = std::max(max_round_seen_, round_of(n.promised));
    if (role_ != Role::follower && n.ballot == ballot_ && n.promised > ballot_) step_down(ctx);
  }

  void step_down(sim::Context& ctx) {
    const bool led = role_ == Role::leader;
    role_ = Role::follower;
    proposals_.clear();
    own_writes_.clear();
    lease_until_ = 0;
    reset_deadline(ctx);
    if (led) host_.stepped_down(ctx);
  }

  void heard_from_leader(sim::Context& ctx, Ballot b) {
    leader_hint_ = owner_of(b);
    max_round_seen_ = std::max(max_round_seen_, round_of(b));
    if (role_ == Role::follower) reset_deadline(ctx);
  }

  void reset_deadline(sim::Context& ctx) {
    deadline_ = ctx.now() + c_.election_timeout +
                static_cast<sim::Time>(ctx.rng().uniform01() *
                                       static_cast<double>(c_.election_timeout));
  }

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

  LogConfig c_;
  std::uint32_t group_;
  std::vector<sim::NodeId> members_;  // every replica of the group, this one included
  Host& host_;
  sim::check::AgreementChecker* agreement_;
  LogStats* stats_;
  std::size_t majority_ = 1;
  // Acceptor (durable unless the variant says otherwise).
  Ballot promised_ = 0;
  SlotVector<std::pair<Ballot, Cmd>> accepted_;
  Ballot lease_holder_ = 0;  // the leader this acceptor granted a lease to
  sim::Time lease_expiry_ = -sim::kNever;  // none granted yet
  // Learner.
  SlotVector<Cmd> chosen_;
  std::uint64_t chosen_upto_ = 0;  // every slot below is decided and applied
  sim::Time catchup_after_ = 0;
  // Proposer / leader.
  Role role_ = Role::follower;
  Ballot ballot_ = 0;
  std::uint64_t max_round_seen_ = 0;
  sim::NodeId leader_hint_ = sim::kNoNode;
  sim::Time deadline_ = 0;
  std::set<sim::NodeId> promises_;
  std::map<std::uint64_t, std::pair<Ballot, Cmd>> best_;
  std::uint64_t next_slot_ = 0, ready_slot_ = 0;
  std::map<std::uint64_t, Proposal> proposals_;
  std::map<sim::TimerId, std::uint64_t> own_writes_;  // timer -> slot (parallel leader write)
  std::uint64_t lease_round_ = 0;
  std::map<std::uint64_t, sim::Time> lease_sent_;
  std::map<std::uint64_t, std::uint64_t> lease_acks_;  // round -> bitmask of grantors
  sim::Time lease_until_ = 0;  // reads at the leader are safe before it
};

}  // namespace distlab::models::paxos
