// The kv models' handlers, one call at a time with a FakeContext (no simulation needed).
#include <catch2/catch.hpp>

#include "distlab/sim/client_api.hpp"
#include "distlab/sim/scenario.hpp"
#include "distlab/sim/testing/fake_context.hpp"
#include "kv/kv.hpp"
#include "kv/messages.hpp"

using namespace distlab;
using sim::ClientReply;
using sim::ClientRequest;
using sim::Message;
using sim::testing::FakeContext;

namespace {

sim::ModelInstance build(const std::string& model_table) {
  auto s = sim::load_scenario_string(
      "[scenario]\nduration_s = 1\n[model]\nname = \"kv\"\n" + model_table, "t.toml");
  auto m = models::kv::build(*s.model_options);
  s.model_options->finish();
  return m;
}

ClientRequest write(std::uint64_t op, std::uint64_t key, sim::Value v) {
  ClientRequest r;
  r.op_id = op;
  r.kind = sim::OpKind::write;
  r.key = key;
  r.value = v;
  return r;
}

ClientRequest read(std::uint64_t op, std::uint64_t key) {
  ClientRequest r;
  r.op_id = op;
  r.key = key;
  return r;
}

}  // namespace

TEST_CASE("kv primary-backup: a write is answered only after every backup applied it", "[kv]") {
  auto m = build("variant = \"primary-backup\"\nbackups = 2\n");
  REQUIRE(m.server_names.size() == 3);
  auto primary = m.make_node(0);
  FakeContext ctx(0, {0, 1, 2});
  primary->on_start(ctx);
  primary->on_message(ctx, 9, Message::of(write(1, 4, 11)));
  auto reps = ctx.sent_of<models::kv::Replicate>();
  REQUIRE(reps.size() == 2);
  CHECK(reps[0].first == 1);
  CHECK(reps[1].first == 2);
  CHECK(ctx.sent_of<ClientReply>().empty());

  primary->on_message(ctx, 1, Message::of(models::kv::Ack{1}));
  CHECK(ctx.sent_of<ClientReply>().empty());  // backup2 has not applied it yet
  primary->on_message(ctx, 2, Message::of(models::kv::Ack{1}));
  auto replies = ctx.sent_of<ClientReply>();
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].first == 9);
  CHECK(replies[0].second.op_id == 1);
}

TEST_CASE("kv primary-backup: a retried write is not applied twice", "[kv]") {
  auto m = build("variant = \"primary-backup\"\nbackups = 1\n");
  auto primary = m.make_node(0);
  FakeContext ctx(0, {0, 1});
  primary->on_start(ctx);
  primary->on_message(ctx, 9, Message::of(write(1, 4, 11)));
  primary->on_message(ctx, 9, Message::of(write(1, 4, 11)));  // the client's retry
  CHECK(ctx.sent_of<models::kv::Replicate>().size() == 1);
  primary->on_message(ctx, 1, Message::of(models::kv::Ack{1}));
  CHECK(ctx.sent_of<ClientReply>().size() == 1);
  primary->on_message(ctx, 9, Message::of(write(1, 4, 11)));  // a late duplicate
  CHECK(ctx.sent_of<models::kv::Replicate>().size() == 1);
  CHECK(ctx.sent_of<ClientReply>().size() == 2);
}

TEST_CASE("kv backup: applies writes in sequence order and acknowledges cumulatively", "[kv]") {
  auto m = build("variant = \"primary-backup\"\nbackups = 1\n");
  auto backup = m.make_node(1);
  FakeContext ctx(1, {0, 1});
  backup->on_start(ctx);
  backup->on_message(ctx, 0, Message::of(models::kv::Replicate{2, 7, 22, 0}));
  backup->on_message(ctx, 0, Message::of(models::kv::Replicate{1, 7, 11, 0}));
  auto acks = ctx.sent_of<models::kv::Ack>();
  REQUIRE(acks.size() == 2);
  CHECK(acks[0].second.applied == 0);  // 2 arrived first: buffered
  CHECK(acks[1].second.applied == 2);
  backup->on_message(ctx, 5, Message::of(read(3, 7)));
  auto replies = ctx.sent_of<ClientReply>();
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].second.value == 22);
}

TEST_CASE("kv single: durable state survives a restart, volatile state does not", "[kv]") {
  for (bool durable : {true, false}) {
    auto m = build(durable ? "variant = \"single\"\n" : "variant = \"single\"\ndurable = false\n");
    FakeContext ctx(0, {0});
    auto node = m.make_node(0);
    node->on_start(ctx);
    node->on_message(ctx, 3, Message::of(write(1, 2, 42)));
    auto fresh = m.make_node(0);  // a crash: a new object, the same storage
    fresh->on_recover(ctx);
    fresh->on_message(ctx, 3, Message::of(read(2, 2)));
    CHECK(ctx.sent_of<ClientReply>().back().second.value == (durable ? 42 : 0));
  }
}
