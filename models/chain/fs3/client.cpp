// A 3FS client: it keeps `outstanding` operations in flight. A read reads `block_chunks`
// consecutive chunks of the file at once (they sit on consecutive chains: striping), each from
// a random serving target of its chain, into a registered buffer the target fills by RDMA
// WRITE; the operation ends when every chunk is in. A write writes one chunk: the head pulls
// the data from the client's buffer by RDMA READ. Retries: "not committed" and a stale chain
// after `retry_after`, a timeout at once, each with the latest routing.
#include <map>

#include "chain/fs3/messages.hpp"

namespace distlab::models::chain::fs3 {
namespace {

using sim::Context;
using sim::NodeId;

class Client final : public sim::Protocol {
 public:
  Client(Config c, std::shared_ptr<Observer> obs, std::uint32_t index)
      : c_(c), obs_(std::move(obs)), index_(index) {}

  void on_start(Context& ctx) override {
    for (std::uint32_t i = 0; i < c_.outstanding; ++i) next_op(ctx);
  }
  void on_recover(Context& ctx) override { on_start(ctx); }

  void on_message(Context& ctx, NodeId, const sim::Message& m) override {
    const auto* r = m.get<Reply>();
    if (!r) return;
    auto it = reqs_.find(r->req);
    if (it == reqs_.end() || it->second.attempt != r->attempt) return;  // an older attempt
    Req& q = it->second;
    ctx.cancel_timer(q.timer);
    timers_.erase(q.timer);
    if (r->status != Reply::Status::ok) {
      if (r->status == Reply::Status::stale_chain) ++obs_->stale_chain;
      q.timer = ctx.set_timer(c_.retry_after);
      timers_[q.timer] = r->req;
      return;
    }
    const sim::Time now = obs_->true_now();
    obs_->last_reply = now;
    const bool window = now >= c_.measure_from && now < c_.measure_until;
    if (q.write) {
      obs_->acked.push_back({q.chunk, r->version, q.value});
      ++obs_->writes_done;
      obs_->write_bytes += c_.chunk_bytes;
      if (window) obs_->window_write_bytes += c_.chunk_bytes;
    } else {
      if (obs_->reads.size() < obs_->record_reads)
        obs_->reads.push_back({q.chunk, r->version, r->value, q.invoked, now});
      ++obs_->reads_done;
      obs_->read_bytes += r->version ? c_.chunk_bytes : 0;
      if (window) {
        ++obs_->window_reads;
        obs_->window_read_bytes += r->version ? c_.chunk_bytes : 0;
      }
    }
    const std::uint64_t op = q.op;
    reqs_.erase(it);
    if (--ops_[op] == 0) {
      ops_.erase(op);
      next_op(ctx);
    }
  }

  void on_timer(Context& ctx, sim::TimerId id) override {
    auto t = timers_.find(id);
    if (t == timers_.end()) return;
    const std::uint64_t req = t->second;
    timers_.erase(t);
    auto it = reqs_.find(req);
    if (it == reqs_.end()) return;
    if (it->second.sent && ctx.now() - it->second.sent_at >= c_.client_timeout) ++obs_->timeouts;
    send(ctx, it->second);
  }

 private:
  struct Req {
    std::uint64_t op = 0, req = 0, chunk = 0;
    bool write = false;
    sim::Value value = 0;
    std::uint32_t attempt = 0;
    sim::TimerId timer = 0;
    sim::Time invoked = 0;  // true time of the first attempt
    sim::Time sent_at = 0;
    bool sent = false;
  };

  void next_op(Context& ctx) {
    const std::uint64_t op = ++ops_started_;
    const bool write = ctx.rng().uniform_real(0, 1) >= c_.read_fraction;
    const std::uint64_t first = ctx.rng().uniform(c_.chunks);
    const std::uint32_t n = write ? 1 : c_.block_chunks;
    ops_[op] = n;
    for (std::uint32_t i = 0; i < n; ++i) {
      Req q;
      q.op = op;
      q.req = (static_cast<std::uint64_t>(index_) << 40) | ++seq_;
      q.chunk = (first + i) % c_.chunks;
      q.write = write;
      q.value = write ? static_cast<sim::Value>((static_cast<std::uint64_t>(index_ + 1) << 40) | seq_)
                      : 0;
      q.invoked = obs_->true_now();
      auto& stored = reqs_[q.req] = q;
      send(ctx, stored);
    }
  }

  // Sends (again) under the latest routing; with no target to send to, waits and tries again.
  void send(Context& ctx, Req& q) {
    const Routing& r = *obs_->routing;
    const std::uint32_t chain = r.chain_of(q.chunk);
    const ChainInfo& ch = r.chains[chain];
    ++q.attempt;
    q.sent_at = ctx.now();
    const auto targets = q.write ? ch.writers() : ch.readers();
    if (targets.empty()) {  // the chain is down (lastsrv): wait
      q.sent = false;
      q.timer = ctx.set_timer(c_.retry_after * 10);
      timers_[q.timer] = q.req;
      return;
    }
    q.sent = true;
    if (q.write) {
      WriteReq w{chain, ch.version, q.chunk, 0, q.value, c_.chunk_bytes, ctx.self(), q.req,
                 q.attempt, ctx.self()};
      ctx.send(r.targets[targets.front()].node, sim::Message::of(w));
    } else {
      const std::uint32_t t = targets[ctx.rng().uniform(targets.size())];
      ctx.send(r.targets[t].node,
               sim::Message::of(ReadReq{t, q.chunk, c_.chunk_bytes, q.req, q.attempt}));
    }
    q.timer = ctx.set_timer(c_.client_timeout);
    timers_[q.timer] = q.req;
  }

  Config c_;
  std::shared_ptr<Observer> obs_;
  std::uint32_t index_;
  std::uint64_t seq_ = 0, ops_started_ = 0;
  std::map<std::uint64_t, Req> reqs_;
  std::map<std::uint64_t, std::uint32_t> ops_;  // op -> chunks still to come
  std::map<sim::TimerId, std::uint64_t> timers_;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_client(const Config& c, std::shared_ptr<Observer> obs,
                                           std::uint32_t index) {
  return std::make_unique<Client>(c, std::move(obs), index);
}

}  // namespace distlab::models::chain::fs3
