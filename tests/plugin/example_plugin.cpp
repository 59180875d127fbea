// A model built outside the tree, the way a student's assignment would be: a shared library
// against distlab's headers only. `distlab run --plugin libexample_plugin.so scenario.toml`
// loads it; model name "student-kv", variants "correct" and "stale-cache" (a bug the
// linearizability checker must catch: every 10th read answers from a stale copy).
#include <map>
#include <set>

#include "distlab/sim/client_api.hpp"
#include "distlab/sim/model.hpp"

namespace {

using namespace distlab::sim;

class StudentKv final : public Protocol {
 public:
  explicit StudentKv(bool stale) : stale_(stale) {}
  void on_message(Context& ctx, NodeId from, const Message& msg) override {
    const auto* req = msg.get<ClientRequest>();
    if (!req) return;
    ClientReply r;
    r.op_id = req->op_id;
    if (req->kind == OpKind::write) {
      if (applied_.insert(req->op_id).second) {
        previous_[req->key] = current_[req->key];
        current_[req->key] = req->value;
      }
      r.value = req->value;
    } else {
      const bool use_stale = stale_ && ++reads_ % 10 == 0;
      r.value = use_stale ? previous_[req->key] : current_[req->key];
    }
    ctx.send(from, Message::of(r));
  }

 private:
  bool stale_;
  std::uint64_t reads_ = 0;
  std::map<std::uint64_t, Value> current_, previous_;
  std::set<std::uint64_t> applied_;
};

}  // namespace

extern "C" void distlab_register_models(distlab::sim::Registry& registry) {
  registry.add({"student-kv",
                "an example plugin model (tests/plugin)",
                {"correct", "stale-cache"},
                [](Options& o) {
                  const bool stale = o.get_choice("variant", {"correct", "stale-cache"},
                                                  "correct") == "stale-cache";
                  ModelInstance m;
                  m.server_names = {"server"};
                  m.make_node = [stale](NodeId) { return std::make_unique<StudentKv>(stale); };
                  return m;
                }});
}
