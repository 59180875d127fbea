#pragma once
// Messages of the chain (see README.md). Versions are per key, assigned by the head.
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "distlab/sim/history.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::models::chain {

// A write travelling down the chain.
struct Forward {
  std::uint64_t chain_version = 0;
  std::uint64_t key = 0;
  std::uint64_t version = 0;
  sim::Value value = 0;
  std::uint64_t op_id = 0;
  sim::NodeId client = 0;
  std::uint32_t value_bytes = 0;
  std::uint32_t attempt = 0;  // the client's attempt: the tail's answer names it
  bool committed = false;     // the tail streams a committed version to a joining node
  std::size_t size_bytes() const { return 56 + value_bytes; }
  std::string describe() const { return fmt::format("forward k{} v{}", key, version); }
};

// The tail committed `version` of `key` (and every earlier one): travels back up the chain.
struct Ack {
  std::uint64_t key = 0;
  std::uint64_t version = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("ack k{} v{}", key, version); }
};

// The answer to a Forward or an Ack when they travel as RPCs (`rpc_replies = true`): CRAQ's
// implementation sends PROPAGATE and ACK as Sun RPC calls, each answered by its receiver. 32
// bytes: the RPC reply header (xid, type, status, verifier, accept status), a bool and the
// record mark.
struct RpcReply {
  std::size_t size_bytes() const { return 32; }
  std::string describe() const { return "rpc reply"; }
};

// CRAQ: a node holding a dirty object asks the tail which version is committed.
struct VersionQuery {
  std::uint64_t key = 0;
  std::uint64_t query = 0;  // the asking node's id for the pending read
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("version? k{}", key); }
};

struct VersionReply {
  std::uint64_t key = 0;
  std::uint64_t query = 0;
  std::uint64_t version = 0;
  // The tail's configuration: version numbers are one head's numbering, which only nodes of
  // the same configuration share (a stale head may have numbered its own writes alike).
  std::uint64_t chain_version = 0;
  std::size_t size_bytes() const { return 40; }
  std::string describe() const { return fmt::format("version k{} = v{}", key, version); }
};

// Node -> manager.
// Node -> manager. `fresh`: the node has no state (it restarted, or was dropped) and asks to
// join at the end of the chain.
struct Heartbeat {
  bool fresh = false;
  std::uint64_t chain_version = 0;  // the configuration the node has
  sim::Time sent_at = 0;            // the node's clock: its lease counts from here
  std::uint64_t incarnation = 0;    // the node's restarts so far
  std::size_t size_bytes() const { return 40; }
  std::string describe() const { return fresh ? "heartbeat (fresh)" : "heartbeat"; }
};

// Manager -> node, the answer to a heartbeat of a node in the current configuration: the node
// may serve reads until sent_at + lease (lease < offline_after, so a node cut off from the
// manager stops before the manager replaces it: a removed tail cannot answer stale reads).
struct Lease {
  std::uint64_t chain_version = 0;
  sim::Time sent_at = 0;  // the heartbeat's
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("lease v{}", chain_version); }
};

// The new tail -> the old one: the handoff arrived.
struct HandoffAck {
  std::size_t size_bytes() const { return 16; }
  std::string describe() const { return "handoff-ack"; }
};

// A joining node -> manager: it holds everything the tail had committed; it may become tail.
struct Synced {
  std::uint64_t chain_version = 0;  // of the configuration it joined in
  std::size_t size_bytes() const { return 16; }
  std::string describe() const { return "synced"; }
};

// The tail -> a joining node: every object's committed version (what it commits next follows
// as Forwards). `handoff`: the old tail's state when the joiner became tail, resent until
// acknowledged: the new tail answers reads only once it has it.
struct Snapshot {
  struct Item {
    std::uint64_t key, version;
    sim::Value value;
  };
  std::vector<Item> items;
  std::uint32_t value_bytes = 0;
  bool handoff = false;
  std::size_t size_bytes() const { return 16 + items.size() * (24 + value_bytes); }
  std::string describe() const { return fmt::format("snapshot ({} objects)", items.size()); }
};

// Manager -> nodes: the chain from now on.
struct ChainConfig {
  std::uint64_t version = 0;
  std::vector<sim::NodeId> chain;       // head first; the serving tail last
  sim::NodeId joining = sim::kNoNode;  // after the tail: copying its state, not serving yet
  std::size_t size_bytes() const { return 16 + 4 * chain.size(); }
  std::string describe() const { return fmt::format("chain v{} ({} nodes)", version, chain.size()); }
};

}  // namespace distlab::models::chain
