// The backing store behind the caches (a database): every request takes its service time on
// one of a few workers, so a burst of misses queues up here. Values are durable.
#include <cstdio>
#include <map>
#include <string>

#include "distlab/sim/client_api.hpp"
#include "hashring.hpp"
#include "messages.hpp"
#include "service_queue.hpp"

namespace distlab::models::hashring {
namespace {

struct Job {
  sim::NodeId from;
  bool client;  // a client that fell back to the store, not a cache server
  StoreRequest req;
};

class Store final : public sim::Protocol {
 public:
  explicit Store(ServiceConfig svc) : queue_(svc.workers, svc.service) {}

  void on_recover(sim::Context& ctx) override {
    for (const auto& [k, v] : ctx.storage().all()) {
      Cached c;
      if (std::sscanf(v.c_str(), "%ld %u", &c.value, &c.value_bytes) == 2)
        data_[std::stoull(k)] = c;
    }
  }

  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& msg) override {
    Job job{from, false, {}};
    if (const auto* r = msg.get<StoreRequest>()) {
      job.req = *r;
    } else if (const auto* c = msg.get<sim::ClientRequest>()) {
      job.client = true;
      job.req =
          StoreRequest{c->op_id, c->kind == sim::OpKind::write, c->key, c->value, c->value_bytes};
      ctx.metrics().add("client_fallbacks");
    } else {
      return;
    }
    ctx.metrics().add(job.req.write ? "puts" : "gets");
    if (auto j = queue_.submit(ctx, job)) serve(ctx, *j);
  }

  void on_timer(sim::Context& ctx, sim::TimerId id) override {
    if (auto j = queue_.done(ctx, id)) serve(ctx, *j);
  }

 private:
  struct Cached {
    sim::Value value = 0;
    std::uint32_t value_bytes = 0;
  };

  void serve(sim::Context& ctx, const Job& job) {
    const StoreRequest& r = job.req;
    if (r.write) {
      data_[r.key] = Cached{r.value, r.value_bytes};
      ctx.storage().put(std::to_string(r.key), fmt::format("{} {}", r.value, r.value_bytes));
    }
    const Cached c = data_.count(r.key) ? data_[r.key] : Cached{0, r.value_bytes};
    if (job.client) {
      sim::ClientReply rep{r.op_id, sim::ClientReply::Status::ok, c.value, 0,
                           r.write ? 0 : c.value_bytes};
      ctx.send(job.from, sim::Message::of(rep));
    } else {
      ctx.send(job.from, sim::Message::of(StoreReply{r.op_id, r.key, c.value, c.value_bytes}));
    }
  }

  ServiceQueue<Job> queue_;
  std::map<std::uint64_t, Cached> data_;
};

}  // namespace

std::unique_ptr<sim::Protocol> make_store(ServiceConfig svc) {
  return std::make_unique<Store>(svc);
}

}  // namespace distlab::models::hashring
