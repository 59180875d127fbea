// 3FS (models/chain/fs3): mgmtd's target state table and a storage node's write and read
// paths, one handler call at a time with a FakeContext.
#include <catch2/catch.hpp>

#include "chain/fs3/messages.hpp"
#include "distlab/sim/testing/fake_context.hpp"

using namespace distlab::models::chain::fs3;
using distlab::sim::IoResult;
using distlab::sim::Message;
using distlab::sim::testing::FakeContext;

TEST_CASE("fs3: mgmtd's transition table", "[fs3]") {
  using L = Local;
  using S = State;
  // Rows of design_notes.md's table.
  CHECK(next_state(L::up_to_date, S::syncing, false, false) == S::serving);
  CHECK(next_state(L::up_to_date, S::waiting, true, false) == S::waiting);
  CHECK(next_state(L::up_to_date, S::lastsrv, false, true) == S::serving);
  CHECK(next_state(L::up_to_date, S::offline, true, false) == S::waiting);
  CHECK(next_state(L::online, S::serving, true, false) == S::serving);
  CHECK(next_state(L::online, S::waiting, true, false) == S::syncing);
  CHECK(next_state(L::online, S::waiting, false, false) == S::waiting);
  CHECK(next_state(L::online, S::syncing, false, false) == S::waiting);
  CHECK(next_state(L::online, S::lastsrv, false, true) == S::serving);
  CHECK(next_state(L::offline, S::serving, true, false) == S::offline);
  CHECK(next_state(L::offline, S::serving, false, true) == S::lastsrv);
  CHECK(next_state(L::offline, S::syncing, true, false) == S::offline);
  CHECK(next_state(L::offline, S::lastsrv, false, true) == S::lastsrv);
}

namespace {

// One chain of three targets on nodes 0, 1, 2 (mgmtd 3, client 4); node `self` hosts one.
struct Rig {
  Config c;
  std::shared_ptr<Observer> obs = std::make_shared<Observer>();
  std::shared_ptr<distlab::sim::ModelInstance::TrueClock> clock =
      std::make_shared<distlab::sim::ModelInstance::TrueClock>();
  Rig() {
    auto r = std::make_shared<Routing>();
    for (distlab::sim::NodeId n = 0; n < 3; ++n) r->targets.push_back({n, 0});
    r->chains.push_back({1, {0, 1, 2}, {State::serving, State::serving, State::serving}});
    r->target_chain = {0, 0, 0};
    obs->routing = r;
    obs->disks.targets.resize(3);
    obs->node_read_bytes.assign(3, 0);
    obs->node_read_bytes_base.assign(3, 0);
    obs->clock = clock;
    c.preloaded = false;
    c.chunk_bytes = 4096;
  }
};

// Completes the one I/O in flight, checks its kind, and hands it to the node.
void complete(distlab::sim::Protocol& p, FakeContext& ctx, FakeContext::Io::Kind kind,
              bool ok = true) {
  REQUIRE(ctx.ios.size() == 1);
  const auto [id, io] = *ctx.ios.begin();
  CHECK(io.kind == kind);
  ctx.ios.clear();
  p.on_io(ctx, IoResult{id, ok ? IoResult::Status::ok : IoResult::Status::failed, io.bytes});
}

}  // namespace

TEST_CASE("fs3: the head pulls, stores pending, forwards; the ack commits", "[fs3]") {
  Rig rig;
  auto head = make_storage(rig.c, rig.obs, 3);
  FakeContext ctx(0, {0, 1, 2, 3});
  head->on_start(ctx);
  const WriteReq w{0, 1, 7, 0, 42, 4096, 4, 100, 1, 4};
  head->on_message(ctx, 4, Message::of(w));
  // The data comes from the client's buffer by RDMA READ, then goes to the SSD.
  REQUIRE(ctx.ios.size() == 1);
  CHECK(ctx.ios.begin()->second.target == 4);
  complete(*head, ctx, FakeContext::Io::Kind::rdma_read);
  complete(*head, ctx, FakeContext::Io::Kind::ssd_write);
  Chunk ch = rig.obs->disks.get(0, 7, false);
  CHECK(ch.pending == 1);
  CHECK(ch.committed == 0);
  auto fwd = ctx.sent_of<WriteReq>();
  REQUIRE(fwd.size() == 1);
  CHECK(fwd[0].first == 1);            // to the successor
  CHECK(fwd[0].second.version == 1);   // numbered by the head
  CHECK(fwd[0].second.source == 0);    // which pulls it from here
  // A read meanwhile: "not committed".
  head->on_message(ctx, 4, Message::of(ReadReq{0, 7, 4096, 200, 1}));
  auto replies = ctx.sent_of<Reply>();
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].second.status == Reply::Status::not_committed);
  // The ack commits and answers the client.
  ctx.sent.clear();
  head->on_message(ctx, 1, Message::of(WriteAck{0, 7, 1, 100}));
  ch = rig.obs->disks.get(0, 7, false);
  CHECK(ch.committed == 1);
  CHECK(ch.committed_value == 42);
  CHECK(ch.pending == 0);
  replies = ctx.sent_of<Reply>();
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].first == 4);
  CHECK(replies[0].second.status == Reply::Status::ok);
  CHECK(replies[0].second.version == 1);
}

TEST_CASE("fs3: a stale chain version is rejected, a read pushes by RDMA WRITE", "[fs3]") {
  Rig rig;
  auto tail = make_storage(rig.c, rig.obs, 3);
  FakeContext ctx(2, {0, 1, 2, 3});
  tail->on_start(ctx);
  WriteReq w{0, 0 /* stale */, 7, 1, 42, 4096, 4, 100, 1, 1};
  tail->on_message(ctx, 1, Message::of(w));
  CHECK(ctx.ios.empty());  // dropped: the predecessor resends under the chain it learns
  w.chain_version = 1;
  tail->on_message(ctx, 1, Message::of(w));
  complete(*tail, ctx, FakeContext::Io::Kind::rdma_read);
  complete(*tail, ctx, FakeContext::Io::Kind::ssd_write);
  // The tail commits at once and acknowledges upstream.
  auto acks = ctx.sent_of<WriteAck>();
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].first == 1);
  CHECK(rig.obs->committed.count({7, 1}) == 1);
  tail->on_message(ctx, 4, Message::of(ReadReq{2, 7, 4096, 200, 1}));
  complete(*tail, ctx, FakeContext::Io::Kind::ssd_read);
  complete(*tail, ctx, FakeContext::Io::Kind::rdma_write);
  auto replies = ctx.sent_of<Reply>();
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].second.status == Reply::Status::ok);
  CHECK(replies[0].second.value == 42);
}
