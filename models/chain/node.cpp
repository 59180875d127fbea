// A chain node: head, middle or tail of the chain by its position in the manager's latest
// configuration. Writes enter at the head, which numbers them per key; every node keeps the
// versions it has seen and forwards them; the tail commits a version, answers the client and
// sends an Ack back up the chain, which marks the object clean at every node. Reads: CR at the
// tail; CRAQ at any node, at once when the object is clean, else after asking the tail which
// version is committed.
#include <algorithm>
#include <map>
#include <set>

#include "chain.hpp"
#include "distlab/sim/client_api.hpp"
#include "messages.hpp"

namespace distlab::models::chain {
namespace {

using sim::ClientReply;
using sim::ClientRequest;
using sim::Context;
using sim::NodeId;
using sim::Time;

struct Version {
  sim::Value value = 0;
  std::uint64_t op_id = 0;
  NodeId client = 0;
  std::uint32_t attempt = 0;  // the client's attempt that created it (the tail answers it)
};

struct Object {
  std::map<std::uint64_t, Version> versions;  // the committed one and every newer one
  std::uint64_t committed = 0;                // 0: the initial value (0)
  bool clean() const { return versions.empty() || versions.rbegin()->first == committed; }
  sim::Value value_of(std::uint64_t v) const {
    auto it = versions.find(v);
    return it == versions.end() ? 0 : it->second.value;
  }
};

class Node final : public sim::Protocol {
 public:
  Node(Config c, std::shared_ptr<Observer> obs, NodeId manager)
      : c_(c), obs_(std::move(obs)), manager_(manager) {}

  void on_start(Context& ctx) override {
    config(ctx, obs_->dir->version, obs_->dir->chain, sim::kNoNode);
    lease_until_ = ctx.now() + lease();  // the manager starts having heard from every node
    tick(ctx);
  }

  // A node that crashed has lost its state (in memory, as in CRAQ's implementation): it asks the
  // manager to join again, at the end of the chain, as a fresh node.
  void on_recover(Context& ctx) override {
    self_ = ctx.self();
    obs_->held.erase(self_);  // lost with the crash
    const auto stored = ctx.storage().get("incarnation");
    incarnation_ = stored ? std::stoull(*stored) : 0;
    become_fresh(ctx);
    tick(ctx);
  }

  void on_message(Context& ctx, NodeId from, const sim::Message& m) override {
    if (const auto* cfg = m.get<ChainConfig>())
      return config(ctx, cfg->version, cfg->chain, cfg->joining);
    if (const auto* l = m.get<Lease>()) {
      if (l->chain_version == chain_version_)
        lease_until_ = std::max(lease_until_, l->sent_at + lease());
      return;
    }
    if (fresh_) return;  // no state: it serves nothing until it has joined
    if (joining_) {      // copying the tail's state
      if (const auto* s = m.get<Snapshot>()) return on_snapshot(ctx, from, *s);
      if (const auto* f = m.get<Forward>()) return on_stream(from, *f);
      return;
    }
    if (const auto* s = m.get<Snapshot>()) return on_snapshot(ctx, from, *s);
    if (m.is<HandoffAck>() && from == handoff_to_) handoff_to_ = sim::kNoNode;
    if (const auto* r = m.get<ClientRequest>()) return on_client(ctx, from, *r);
    if (m.is<RpcReply>()) return;  // the answer to this node's Forward or Ack: nothing to do
    if (const auto* f = m.get<Forward>()) {
      rpc_reply(ctx, from);
      return on_forward(ctx, from, *f);
    }
    if (const auto* a = m.get<Ack>()) {
      rpc_reply(ctx, from);
      // Only from this node's successor: a node it no longer follows numbers differently.
      if (from == succ_) commit(ctx, a->key, a->version);
      return;
    }
    if (const auto* q = m.get<VersionQuery>()) return on_query(ctx, from, *q);
    if (const auto* v = m.get<VersionReply>()) return on_version(ctx, *v);
  }

  void on_timer(Context& ctx, sim::TimerId) override { tick(ctx); }

 private:
  // ---- configuration ---------------------------------------------------------------------

  // Reads are served (and the tail answers version queries) only under a lease from the
  // manager, shorter than the time after which the manager replaces a silent node.
  Time lease() const { return c_.offline_after - c_.heartbeat; }
  bool leased(Context& ctx) const { return c_.no_lease || ctx.now() < lease_until_; }

  bool head() const { return !chain_.empty() && chain_.front() == self_; }
  bool tail() const { return !chain_.empty() && chain_.back() == self_; }

  void config(Context& ctx, std::uint64_t version, const std::vector<NodeId>& chain,
              NodeId joining) {
    if (version <= chain_version_) return;
    self_ = ctx.self();
    const NodeId old_succ = succ_, old_joiner = joiner_;
    const bool was_tail = tail() && !fresh_ && !joining_;
    chain_version_ = version;
    chain_ = chain;
    joiner_ = joining;
    if (joining == self_) {  // copying the tail's state: the tail sends it
      if (!joining_) reset();
      joining_ = true;
      fresh_ = false;
      pred_ = chain_.back();
      succ_ = sim::kNoNode;
      return;
    }
    auto me = std::find(chain_.begin(), chain_.end(), self_);
    if (me == chain_.end()) {  // dropped (a false suspicion, or it lost its state): join again
      reset();
      become_fresh(ctx);
      return;
    }
    if (fresh_) return;  // a stale configuration still naming it: it has no state to serve
    const NodeId old_pred = pred_;
    if (joining_) ready_ = false;  // the new tail: it serves once the old tail's handoff is in
    joining_ = false;
    pred_ = me == chain_.begin() ? sim::kNoNode : *(me - 1);
    succ_ = me + 1 == chain_.end() ? sim::kNoNode : *(me + 1);
    if (!ready_ && pred_ != old_pred) {
      // The old tail went away before handing over: this node cannot know it has everything it
      // committed. It leaves and joins again; its predecessor, which has all of it, is tail.
      reset();
      become_fresh(ctx);
      return;
    }
    if (was_tail && succ_ != sim::kNoNode && succ_ == old_joiner) {
      handoff_to_ = succ_;  // the joiner is tail now: hand over (resent until acknowledged)
      send_snapshot(ctx, handoff_to_, true);
    }
    if (tail() && !was_tail) {
      // The tail went away: everything this node forwarded is committed now (the old tail
      // could only have committed what passed through here).
      std::vector<std::pair<std::uint64_t, std::uint64_t>> newest;
      for (const auto& [key, o] : objects_)
        if (!o.clean()) newest.emplace_back(key, o.versions.rbegin()->first);
      for (const auto& [key, v] : newest) commit_at_tail(ctx, key, v);
      sent_.clear();
    } else if (succ_ != old_succ && succ_ != sim::kNoNode) {
      // A new successor (the old one failed): it may lack anything not yet acknowledged.
      for (auto& [kv, f] : sent_) send_forward(ctx, f.first);
    }
    for (const auto& [id, q] : queries_) ask_tail(ctx, id, q.key);  // the tail may have changed
    // A node joins after the tail: this tail (new, or with a new joiner) sends it its state.
    if (tail() && joiner_ != sim::kNoNode && (joiner_ != old_joiner || !was_tail))
      send_snapshot(ctx, joiner_, false);
  }

  // The node has no state (restarted, or gave it up): it asks to join again. Each such life is
  // counted durably, so the manager can tell a delayed heartbeat of an earlier life (which must
  // not make it drop the node again once it has rejoined) from a new loss of state.
  void become_fresh(Context& ctx) {
    fresh_ = true;
    ++incarnation_;
    ctx.storage().put("incarnation", std::to_string(incarnation_));
  }

  void reset() {
    obs_->held.erase(self_);
    ready_ = true;
    handoff_to_ = sim::kNoNode;
    waiting_reads_.clear();
    objects_.clear();
    sent_.clear();
    ops_.clear();
    queries_.clear();
    pred_ = succ_ = sim::kNoNode;
    joining_ = false;
  }

  // ---- joining at the end of the chain ---------------------------------------------------

  void send_snapshot(Context& ctx, NodeId to, bool handoff) {
    Snapshot s;
    for (const auto& [key, o] : objects_)
      if (o.committed > 0) s.items.push_back({key, o.committed, o.value_of(o.committed)});
    s.value_bytes = value_bytes_;
    s.handoff = handoff;
    ctx.send(to, sim::Message::of(std::move(s)));
  }

  void on_snapshot(Context& ctx, NodeId from, const Snapshot& s) {
    if (from != pred_) return;  // from a tail that is no longer the tail
    for (const auto& it : s.items) install(it.key, it.version, it.value);
    if (!s.handoff) {  // the join snapshot (resent every heartbeat while this node joins)
      if (joining_) ctx.send(manager_, sim::Message::of(Synced{chain_version_}));
      return;
    }
    // The old tail's handoff. Not acknowledged before this node knows it is the tail (its
    // configuration may still be on its way): the old tail resends it until it is.
    if (joining_) return;
    ctx.send(from, sim::Message::of(HandoffAck{}));
    if (ready_) return;
    ready_ = true;  // everything the old tail committed is here: serve
    auto reads = std::move(waiting_reads_);
    waiting_reads_.clear();
    for (const auto& [client, req] : reads) on_read(ctx, client, req);
    std::vector<std::uint64_t> ids;
    for (const auto& [id, q] : queries_) ids.push_back(id);
    for (auto id : ids) answer_query(ctx, id, objects_[queries_.at(id).key].committed);
  }

  // The tail streams what it commits while the joiner copies its state.
  void on_stream(NodeId from, const Forward& f) {
    // Only what the tail committed. The old tail may already see this node as the new tail (a
    // configuration this node has not received yet) and send it an uncommitted version: it
    // comes again, and is then accepted as the tail accepts a write.
    if (from != pred_ || !f.committed) return;
    install(f.key, f.version, f.value);
    ops_[f.op_id] = {f.key, f.version};
  }

  void hold(std::uint64_t key, std::uint64_t version) {
    auto& v = obs_->held[self_][key];
    v = std::max(v, version);
  }

  void install(std::uint64_t key, std::uint64_t version, sim::Value value) {
    Object& o = objects_[key];
    if (version <= o.committed) return;
    o.versions[version] = {value, 0, 0, 0};
    o.committed = version;
    hold(key, version);
    o.versions.erase(o.versions.begin(), o.versions.lower_bound(version));
  }

  void tick(Context& ctx) {
    ctx.send(manager_,
             sim::Message::of(Heartbeat{fresh_, chain_version_, ctx.now(), incarnation_}));
    if (handoff_to_ != sim::kNoNode) send_snapshot(ctx, handoff_to_, true);
    // The join snapshot, again until the joiner is the tail (lost, or there before the
    // joiner's configuration); the joiner answers each with Synced.
    if (tail() && ready_ && !fresh_ && !joining_ && joiner_ != sim::kNoNode)
      send_snapshot(ctx, joiner_, false);
    const Time now = ctx.now();
    // Forwards and version queries not answered in time go again (lost messages).
    for (auto& [kv, f] : sent_)
      if (now - f.second >= c_.resend_after) send_forward(ctx, f.first);
    for (auto& [id, q] : queries_)
      if (now - q.asked >= c_.resend_after) ask_tail(ctx, id, q.key);
    ctx.set_timer(c_.heartbeat);
  }

  // ---- writes ----------------------------------------------------------------------------

  void rpc_reply(Context& ctx, NodeId to) {
    if (!c_.rpc_replies) return;
    ++obs_->rpc_replies;
    ctx.send(to, sim::Message::of(RpcReply{}));
  }

  void on_client(Context& ctx, NodeId from, const ClientRequest& r) {
    if (r.kind == sim::OpKind::read) return on_read(ctx, from, r);
    if (!head()) return redirect(ctx, from, r.op_id, chain_.front());
    if (auto it = ops_.find(r.op_id); it != ops_.end()) {  // a retry
      const Object& o = objects_[it->second.first];
      if (o.committed >= it->second.second)
        ctx.send(from, sim::Message::of(ClientReply{r.op_id, ClientReply::Status::ok, r.value, 0, 0}));
      return;  // still on its way: the tail (or the head, on the Ack) will answer
    }
    Object& o = objects_[r.key];
    const std::uint64_t v = (o.versions.empty() ? o.committed : o.versions.rbegin()->first) + 1;
    const Forward f{chain_version_, r.key, v, r.value, r.op_id, from, r.value_bytes, r.attempt};
    if (c_.early_ack) {  // broken on purpose: acknowledged before it is anywhere else
      obs_->acked.insert({r.key, v, r.value});
      ctx.send(from, sim::Message::of(ClientReply{r.op_id, ClientReply::Status::ok, r.value, 0, 0}));
    }
    accept(ctx, f);
  }

  void on_forward(Context& ctx, NodeId from, const Forward& f) {
    if (from != pred_) return;  // not from this node's predecessor (a node dropped from the chain)
    Object& o = objects_[f.key];
    if (f.version <= o.committed || o.versions.count(f.version)) {
      // Seen before (a resend): the tail, or any node that has it committed, acknowledges
      // again (the predecessor may have lost the first Ack with a failed node between them).
      if (pred_ != sim::kNoNode && (tail() || f.version <= o.committed))
        ctx.send(pred_, sim::Message::of(Ack{f.key, o.committed}));
      return;
    }
    // A gap: an earlier version is still on its way (a delay fault reordered them). The chain
    // assumes FIFO links (TCP in CRAQ's implementation), and an Ack covers every older version,
    // so a version may not overtake the one before it: this one waits for the resend.
    const std::uint64_t newest = o.versions.empty() ? o.committed : o.versions.rbegin()->first;
    if (f.version > newest + 1) return;
    accept(ctx, f);
  }

  // Keeps a new version, then passes it on, or, at the tail, commits it.
  void accept(Context& ctx, const Forward& f) {
    value_bytes_ = f.value_bytes;
    objects_[f.key].versions[f.version] = {f.value, f.op_id, f.client, f.attempt};
    hold(f.key, f.version);
    // Every node remembers which write each operation became: a client retrying at a new head
    // (the old one failed) must not have its write applied a second time.
    ops_[f.op_id] = {f.key, f.version};
    if (tail()) return commit_at_tail(ctx, f.key, f.version);
    sent_[{f.key, f.version}] = {f, ctx.now()};
    send_forward(ctx, f);
  }

  void send_forward(Context& ctx, Forward f) {
    if (succ_ == sim::kNoNode) return;
    f.chain_version = chain_version_;
    sent_[{f.key, f.version}].second = ctx.now();
    ctx.send(succ_, sim::Message::of(f));
  }

  // The tail commits `version` (and every older one): answers their clients (unless the head
  // does), tells the chain.
  void commit_at_tail(Context& ctx, std::uint64_t key, std::uint64_t version) {
    Object& o = objects_[key];
    for (auto it = o.versions.upper_bound(o.committed);
         it != o.versions.end() && it->first <= version; ++it) {
      obs_->committed.insert({key, it->first, it->second.value});
      if (!c_.head_answers || head()) answer_write(ctx, key, it->first, it->second);
      if (joiner_ != sim::kNoNode)  // a joining node copies what the tail commits
        ctx.send(joiner_, sim::Message::of(Forward{chain_version_, key, it->first, it->second.value,
                                                   it->second.op_id, it->second.client,
                                                   value_bytes_, it->second.attempt, true}));
    }
    commit(ctx, key, version);
  }

  void answer_write(Context& ctx, std::uint64_t key, std::uint64_t version, const Version& w) {
    obs_->acked.insert({key, version, w.value});
    ++(tail() ? obs_->answered_by_tail : obs_->answered_by_head);
    ctx.send(w.client, sim::Message::of(ClientReply{w.op_id, ClientReply::Status::ok, w.value, 0,
                                                    0, w.attempt}));
  }

  // `version` of `key` is committed: older versions go, the object may be clean again, and the
  // predecessor learns it too.
  void commit(Context& ctx, std::uint64_t key, std::uint64_t version) {
    Object& o = objects_[key];
    if (version <= o.committed) return;
    if (c_.head_answers && head() && !tail())  // the Ack is back at the head: answer the writes
      for (auto it = o.versions.upper_bound(o.committed);
           it != o.versions.end() && it->first <= version; ++it)
        answer_write(ctx, key, it->first, it->second);
    o.committed = version;
    o.versions.erase(o.versions.begin(), o.versions.lower_bound(version));
    sent_.erase(sent_.lower_bound({key, 0}), sent_.upper_bound({key, version}));
    if (pred_ != sim::kNoNode) ctx.send(pred_, sim::Message::of(Ack{key, version}));
    answer_waiting(ctx, key);
  }

  // ---- reads -----------------------------------------------------------------------------

  void on_read(Context& ctx, NodeId from, const ClientRequest& r) {
    if (!leased(ctx)) return;  // cut off from the manager: maybe replaced; the client retries
    if (!ready_) {  // a new tail still waiting for the old one's handoff
      waiting_reads_.emplace_back(from, r);
      return;
    }
    const Object& o = objects_[r.key];
    if (c_.variant == Variant::cr && !tail() && !c_.any_reads)
      return redirect(ctx, from, r.op_id, chain_.back());
    if (tail() || o.clean() || (c_.variant == Variant::cr && c_.any_reads)) {
      ++obs_->clean_reads;
      return reply(ctx, from, r, o.value_of(o.committed));
    }
    ++obs_->dirty_reads;
    if (c_.dirty_reads)  // broken on purpose: the newest version, committed or not
      return reply(ctx, from, r, o.versions.rbegin()->second.value);
    const std::uint64_t id = next_query_++;
    queries_[id] = {from, r, r.key, ctx.now()};
    ask_tail(ctx, id, r.key);
  }

  void ask_tail(Context& ctx, std::uint64_t id, std::uint64_t key) {
    if (tail()) {
      if (ready_) answer_query(ctx, id, objects_[key].committed);
      return;
    }
    queries_[id].asked = ctx.now();
    ++obs_->version_queries;
    ctx.send(chain_.back(), sim::Message::of(VersionQuery{key, id}));
  }

  void on_query(Context& ctx, NodeId from, const VersionQuery& q) {
    // Not (or no longer) the tail, or not ready yet: the asker asks again.
    if (!tail() || !ready_ || !leased(ctx)) return;
    ctx.send(from, sim::Message::of(
                       VersionReply{q.key, q.query, objects_[q.key].committed, chain_version_}));
  }

  void on_version(Context& ctx, const VersionReply& v) {
    // From another configuration: asked again (resend_after) once both agree.
    if (!queries_.count(v.query) || v.chain_version != chain_version_) return;
    commit(ctx, v.key, v.version);  // the tail has it committed: so may this node
    answer_query(ctx, v.query, v.version);
  }

  void answer_query(Context& ctx, std::uint64_t id, std::uint64_t version) {
    auto it = queries_.find(id);
    if (it == queries_.end()) return;
    const Object& o = objects_[it->second.key];
    // An Ack may have arrived since the tail answered, and older versions are gone with it: the
    // newer committed version is as good an answer (committed before this reply is sent).
    reply(ctx, it->second.client, it->second.req, o.value_of(std::max(version, o.committed)));
    queries_.erase(it);
  }

  // After a commit, waiting reads whose object is now clean need no answer from the tail.
  void answer_waiting(Context& ctx, std::uint64_t key) {
    const Object& o = objects_[key];
    if (!o.clean()) return;
    std::vector<std::uint64_t> done;
    for (const auto& [id, q] : queries_)
      if (q.key == key) done.push_back(id);
    for (auto id : done) answer_query(ctx, id, o.committed);
  }

  void reply(Context& ctx, NodeId to, const ClientRequest& r, sim::Value v) {
    ctx.send(to, sim::Message::of(
                     ClientReply{r.op_id, ClientReply::Status::ok, v, 0, r.value_bytes}));
  }

  void redirect(Context& ctx, NodeId to, std::uint64_t op, NodeId where) {
    ctx.send(to, sim::Message::of(ClientReply{op, ClientReply::Status::redirect, 0, where, 0}));
  }

  struct Query {
    NodeId client;
    ClientRequest req;
    std::uint64_t key;
    Time asked;
  };

  Config c_;
  std::shared_ptr<Observer> obs_;
  NodeId manager_;
  NodeId self_ = 0, pred_ = sim::kNoNode, succ_ = sim::kNoNode;
  std::uint64_t chain_version_ = 0;
  Time lease_until_ = 0;
  std::uint64_t incarnation_ = 0;  // lives so far: restarts and state given up (durable)
  std::vector<NodeId> chain_;
  bool fresh_ = false;    // no state (restarted or dropped): asks to join
  bool ready_ = true;     // false: a new tail waiting for the old tail's handoff
  NodeId handoff_to_ = sim::kNoNode;  // the old tail: the new tail it hands over to
  std::vector<std::pair<NodeId, ClientRequest>> waiting_reads_;
  bool joining_ = false;  // copying the tail's state at the end of the chain
  NodeId joiner_ = sim::kNoNode;  // the node joining after the tail, if any
  std::uint32_t value_bytes_ = 0;
  std::map<std::uint64_t, Object> objects_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::pair<Forward, Time>> sent_;  // unacked
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> ops_;  // op -> key, version
  std::map<std::uint64_t, Query> queries_;  // CRAQ reads waiting for the tail's version
  std::uint64_t next_query_ = 1;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_node(const Config& c, std::shared_ptr<Observer> obs,
                                         sim::NodeId manager) {
  return std::make_unique<Node>(c, std::move(obs), manager);
}

}  // namespace distlab::models::chain
