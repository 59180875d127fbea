#pragma once
// 3FS messages. Chunk data never travels in them: targets pull it by RDMA READ (from the client,
// or from their predecessor in the chain) and push read data into the client's buffer by RDMA
// WRITE. Messages carry only what the data is (its value) and how large (bytes).
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "chain/fs3/fs3.hpp"

namespace distlab::models::chain::fs3 {

// Client -> head, and each writer -> its successor. `version` is 0 from the client (the head
// numbers it); `source` holds the data (the client, or the predecessor).
struct WriteReq {
  std::uint32_t chain = 0;
  std::uint64_t chain_version = 0;
  std::uint64_t chunk = 0;
  std::uint64_t version = 0;
  sim::Value value = 0;
  std::uint64_t bytes = 0;
  sim::NodeId client = 0;
  std::uint64_t req = 0;  // the client's request id (the same on retries)
  std::uint32_t attempt = 0;
  sim::NodeId source = 0;
  std::size_t size_bytes() const { return 80; }
  std::string describe() const {
    return fmt::format("write c{} v{} chain {}@{}", chunk, version, chain, chain_version);
  }
};

// Successor -> predecessor: the last writer committed `version`; commit it too.
struct WriteAck {
  std::uint32_t chain = 0;
  std::uint64_t chunk = 0;
  std::uint64_t version = 0;
  std::uint64_t req = 0;
  std::size_t size_bytes() const { return 40; }
  std::string describe() const { return fmt::format("write-ack c{} v{}", chunk, version); }
};

struct ReadReq {
  std::uint32_t target = 0;
  std::uint64_t chunk = 0;
  std::uint64_t bytes = 0;
  std::uint64_t req = 0;
  std::uint32_t attempt = 0;
  std::size_t size_bytes() const { return 48; }
  std::string describe() const { return fmt::format("read c{} at t{}", chunk, target); }
};

// Storage -> client, for reads and writes.
struct Reply {
  enum class Status : std::uint8_t {
    ok,
    not_committed,  // the chunk has a pending version at this target (3FS: retry)
    stale_chain,    // the request's chain version is not the target's
    not_serving,    // this target does not serve (offline, syncing) in the target's routing
    failed          // an RDMA or SSD I/O failed
  };
  std::uint64_t req = 0;
  std::uint32_t attempt = 0;
  Status status = Status::ok;
  std::uint64_t version = 0;
  sim::Value value = 0;
  std::size_t size_bytes() const { return 40; }
  std::string describe() const {
    return fmt::format("reply #{} status {} v{}", req, static_cast<int>(status), version);
  }
};

// Storage node -> mgmtd, every heartbeat: each of its targets' local state.
struct Heartbeat {
  std::uint64_t routing_version = 0;  // mgmtd sends the routing again if the node is behind
  std::vector<std::uint32_t> targets;
  // 1: up-to-date; 0: online but behind (restarted, or was offline); 2: offline (its SSD failed)
  std::vector<std::uint8_t> up_to_date;
  std::size_t size_bytes() const { return 16 + 5 * targets.size(); }
  std::string describe() const { return fmt::format("heartbeat ({} targets)", targets.size()); }
};

// mgmtd -> storage nodes: the routing information from now on.
struct RoutingUpdate {
  std::shared_ptr<const Routing> routing;
  std::size_t size_bytes() const {
    std::size_t n = 16;
    for (const auto& c : routing->chains) n += 16 + 5 * c.targets.size();
    return n;
  }
  std::string describe() const { return fmt::format("routing v{}", routing->version); }
};

// Sync of a returning target, driven by its predecessor (the chain's serving tail).
// `round`: which (re)start of the sync a message belongs to (a stuck sync starts again under the
// same chain version; answers from the earlier round must not count).
struct DumpMeta {  // predecessor -> syncing target: list your chunks
  std::uint32_t chain = 0;
  std::uint64_t chain_version = 0;
  std::uint32_t target = 0;
  std::uint64_t round = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("dump-meta t{}", target); }
};
struct MetaList {  // syncing target -> predecessor
  std::uint32_t chain = 0;
  std::uint64_t chain_version = 0;
  struct Item {
    std::uint64_t chunk, version;
    sim::Value value;
  };
  std::vector<Item> items;
  std::uint64_t round = 0;
  std::size_t size_bytes() const { return 32 + 24 * items.size(); }
  std::string describe() const { return fmt::format("meta ({} chunks)", items.size()); }
};
struct Replace {  // predecessor -> syncing target: full-chunk replace (data pulled by RDMA READ)
  std::uint32_t chain = 0;
  std::uint64_t chain_version = 0;
  std::uint32_t target = 0;
  std::uint64_t chunk = 0;
  std::uint64_t version = 0;
  sim::Value value = 0;
  std::uint64_t bytes = 0;
  std::uint64_t round = 0;
  std::size_t size_bytes() const { return 72; }
  std::string describe() const { return fmt::format("replace c{} v{}", chunk, version); }
};
struct ReplaceAck {
  std::uint32_t chain = 0;
  std::uint64_t chain_version = 0;
  std::uint64_t chunk = 0;
  std::uint64_t round = 0;
  std::size_t size_bytes() const { return 32; }
  std::string describe() const { return fmt::format("replace-ack c{}", chunk); }
};
struct SyncDone {  // predecessor -> the syncing target
  std::uint32_t chain = 0;
  std::uint64_t chain_version = 0;
  std::uint32_t target = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("sync-done t{}", target); }
};

}  // namespace distlab::models::chain::fs3
