// A memcached-like cache server. Reads: a hit is answered from memory; a miss is read from the
// store, kept, and answered (read-through). Writes go to the store first and are kept once the
// store has them (write-through). Least-recently-used keys are evicted beyond capacity.
#include <list>
#include <map>
#include <unordered_map>

#include "distlab/sim/client_api.hpp"
#include "hashring.hpp"
#include "messages.hpp"
#include "service_queue.hpp"

namespace distlab::models::hashring {
namespace {

struct Cached {
  sim::Value value = 0;
  std::uint32_t value_bytes = 0;
};

// Least-recently-used map (the unordered_map is never iterated, so order cannot leak out).
class Lru {
 public:
  explicit Lru(std::uint64_t capacity) : capacity_(capacity) {}
  const Cached* get(std::uint64_t key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }
  // Returns true when an older key was evicted to make room.
  bool put(std::uint64_t key, Cached v) {
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->second = v;
      order_.splice(order_.begin(), order_, it->second);
      return false;
    }
    order_.emplace_front(key, v);
    index_[key] = order_.begin();
    if (capacity_ == 0 || index_.size() <= capacity_) return false;
    index_.erase(order_.back().first);
    order_.pop_back();
    return true;
  }

 private:
  std::uint64_t capacity_;
  std::list<std::pair<std::uint64_t, Cached>> order_;
  std::unordered_map<std::uint64_t, std::list<std::pair<std::uint64_t, Cached>>::iterator> index_;
};

struct Job {
  sim::NodeId client;
  sim::ClientRequest req;
  sim::Time sent = 0;  // to the store (local time)
};

// A request the store never answers (a lost message, a crashed store) is forgotten after this:
// its client has long timed out.
constexpr sim::Time kPendingFor = sim::sec(1);

class CacheServer final : public sim::Protocol {
 public:
  CacheServer(sim::NodeId store, std::uint64_t capacity, ServiceConfig svc,
              std::shared_ptr<Directory> dir)
      : store_(store), cache_(capacity), queue_(svc.workers, svc.service), dir_(std::move(dir)) {}

  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& msg) override {
    if (const auto* req = msg.get<sim::ClientRequest>()) {
      dir_->request(ctx.self());
      ctx.metrics().add("requests");
      if (auto job = queue_.submit(ctx, Job{from, *req})) serve(ctx, *job);
      return;
    }
    if (const auto* rep = msg.get<StoreReply>()) return on_store_reply(ctx, *rep);
  }

  void on_start(sim::Context& ctx) override { sweep_ = ctx.set_timer(kPendingFor); }

  void on_timer(sim::Context& ctx, sim::TimerId id) override {
    if (id == sweep_) {
      std::erase_if(pending_,
                    [&](const auto& p) { return ctx.now() - p.second.sent > kPendingFor; });
      sweep_ = ctx.set_timer(kPendingFor);
      return;
    }
    if (auto job = queue_.done(ctx, id)) serve(ctx, *job);
  }

 private:
  void serve(sim::Context& ctx, const Job& job) {
    const sim::ClientRequest& req = job.req;
    if (req.kind == sim::OpKind::read) {
      if (const Cached* c = cache_.get(req.key)) {
        dir_->lookup(ctx.self(), true);
        ctx.metrics().add("hits");
        sim::ClientReply r{req.op_id, sim::ClientReply::Status::ok, c->value, 0, c->value_bytes};
        ctx.send(job.client, sim::Message::of(r));
        return;
      }
      dir_->lookup(ctx.self(), false);
      ctx.metrics().add("misses");
    }
    pending_[req.op_id] = job;
    pending_[req.op_id].sent = ctx.now();
    StoreRequest s{req.op_id, req.kind == sim::OpKind::write, req.key, req.value, req.value_bytes};
    ctx.send(store_, sim::Message::of(s));
  }

  void on_store_reply(sim::Context& ctx, const StoreReply& rep) {
    auto it = pending_.find(rep.op_id);
    if (it == pending_.end()) return;  // a duplicate reply
    const Job job = it->second;
    pending_.erase(it);
    if (cache_.put(rep.key, Cached{rep.value, rep.value_bytes})) {
      dir_->evicted(ctx.self());
      ctx.metrics().add("evictions");
    }
    sim::ClientReply r{job.req.op_id, sim::ClientReply::Status::ok, rep.value, 0,
                       job.req.kind == sim::OpKind::read ? rep.value_bytes : 0};
    ctx.send(job.client, sim::Message::of(r));
  }

  sim::NodeId store_;
  Lru cache_;
  ServiceQueue<Job> queue_;
  std::shared_ptr<Directory> dir_;
  std::map<std::uint64_t, Job> pending_;  // op id -> waiting for the store
  sim::TimerId sweep_ = 0;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_cache_server(sim::NodeId store, std::uint64_t capacity_keys,
                                                 ServiceConfig svc,
                                                 std::shared_ptr<Directory> dir) {
  return std::make_unique<CacheServer>(store, capacity_keys, svc, std::move(dir));
}

}  // namespace distlab::models::hashring
