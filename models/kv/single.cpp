// The single-node store: one server applies every operation in arrival order. Linearizable by
// construction (one copy, one order), and with durable = true it keeps acknowledged writes
// across a crash and restart.
#include "kv/kv.hpp"

#include "distlab/sim/client_api.hpp"
#include "kv/store.hpp"

namespace distlab::models::kv {
namespace {

class SingleNode final : public sim::Protocol {
 public:
  explicit SingleNode(bool durable) : store_(durable) {}
  void on_recover(sim::Context& ctx) override { store_.recover(ctx); }
  void on_message(sim::Context& ctx, sim::NodeId from, const sim::Message& msg) override {
    const auto* req = msg.get<sim::ClientRequest>();
    if (!req) return;
    sim::ClientReply r;
    r.op_id = req->op_id;
    if (req->kind == sim::OpKind::write) {
      if (!store_.applied(req->op_id)) {  // a retry or a duplicate is answered, not reapplied
        store_.put(ctx, req->key, req->value);
        store_.mark_applied(ctx, req->op_id);
      }
      r.value = req->value;
    } else {
      r.value = store_.get(req->key);
      r.value_bytes = req->value_bytes;
    }
    ctx.send(from, sim::Message::of(r));
  }

 private:
  Store store_;
};

}  // namespace

sim::ModelInstance build_single(sim::Options& o) {
  const bool durable = o.get_bool("durable", true);
  sim::ModelInstance m;
  m.server_names = {"server"};
  m.roles = {{"primary", 0}};
  m.make_node = [durable](sim::NodeId) { return std::make_unique<SingleNode>(durable); };
  return m;
}

}  // namespace distlab::models::kv
