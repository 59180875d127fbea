#pragma once
// DeepSeek 3FS's storage layer (github.com/deepseek-ai/3FS, docs/design_notes.md): chunks on
// storage targets (an SSD's share on a storage node), replicated by chain replication with
// apportioned queries (CRAQ) over chains taken from a chain table; a cluster manager (mgmtd)
// that tracks target states from heartbeats; clients that pull and push chunk data by RDMA.
// See ../README.md for what is kept and what is left out.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chain/chain_table.hpp"
#include "distlab/sim/model.hpp"

namespace distlab::models::chain::fs3 {

// Public target states, as 3FS's mgmtd publishes them.
enum class State : std::uint8_t {
  serving,  // up to date: serves reads, takes part in writes
  syncing,  // back online, copying what it missed from its predecessor; takes writes, no reads
  waiting,  // back online, waiting for its turn to sync
  lastsrv,  // offline, but it was the chain's last serving target: it has the latest data
  offline   // not heard from (or its SSD failed): out of the chain's reads and writes
};
const char* state_name(State s);

// A target's local state, as its storage node reports it (no heartbeat for T: offline).
enum class Local : std::uint8_t { up_to_date, online, offline };

// design_notes.md's transition table: (local state, public state, is the predecessor serving)
// -> next public state. `last_serving`: no other target of the chain is serving (or lastsrv);
// a serving target going offline then becomes lastsrv (the table's "has no predecessor").
State next_state(Local local, State cur, bool pred_serving, bool last_serving);

struct Config {
  std::uint32_t nodes = 6;             // storage nodes
  std::uint32_t disks = 1;             // SSDs per storage node used for targets
  std::uint32_t targets_per_disk = 5;  // storage targets per SSD
  std::uint32_t replicas = 3;          // chain length
  bool balanced = true;                // chain table: balanced or naive
  std::uint32_t clients = 4;
  std::uint32_t outstanding = 4;       // operations each client keeps in flight
  std::uint32_t block_chunks = 1;      // a read reads this many consecutive chunks at once
  double read_fraction = 1.0;
  std::uint64_t chunk_bytes = 4u << 20;
  std::uint64_t chunks = 1000;         // one file of this many chunks, striped over every chain
  bool preloaded = true;               // the file exists (version 1 of every chunk) at the start
  sim::Time heartbeat = sim::ms(100);
  sim::Time offline_after = sim::ms(500);  // mgmtd's T
  sim::Time client_timeout = sim::ms(500);
  sim::Time retry_after = sim::ms(1);  // a read of a chunk with a pending version, a stale chain
  sim::Time measure_from = 0;          // throughput window (true time)
  sim::Time measure_until = sim::kNever;
  sim::Time baseline_from = 0;         // a second window, e.g. before a failure, for
  sim::Time baseline_until = 0;        // each node's share of the reads (0 = none)
  bool read_pending = false;  // broken: a read returns a pending (uncommitted) version
};

// A target's place.
struct TargetInfo {
  sim::NodeId node = 0;
  std::uint32_t disk = 0;
};

struct ChainInfo {
  std::uint64_t version = 1;
  // Targets in chain order: serving ones first (head .. tail), then syncing, waiting, offline.
  std::vector<std::uint32_t> targets;
  std::vector<State> states;  // parallel to targets
  // The chain's writers: serving then syncing targets (the last one commits).
  std::vector<std::uint32_t> writers() const;
  std::vector<std::uint32_t> readers() const;  // serving targets
  State state_of(std::uint32_t target) const;
};

// mgmtd's routing information. Clients read the latest as from a configuration service;
// storage nodes get copies by message, so theirs may lag (that is what chain versions catch).
struct Routing {
  std::uint64_t version = 1;
  std::vector<TargetInfo> targets;
  std::vector<ChainInfo> chains;
  std::vector<std::uint32_t> target_chain;  // target -> its chain
  std::uint32_t chain_of(std::uint64_t chunk) const {
    return static_cast<std::uint32_t>(chunk % chains.size());
  }
};

// One chunk replica on a target. Versions count the chunk's writes (3FS's update version);
// chain_version: the chain's version when it was committed.
struct Chunk {
  std::uint64_t committed = 0;
  sim::Value committed_value = 0;
  std::uint64_t pending = 0;  // 0: none
  sim::Value pending_value = 0;
  std::uint64_t chain_version = 0;
};

// The SSDs' contents: chunk replicas per target. They outlive a storage node's crash (the
// protocol object does not); a chunk not in the map of a preloaded file is at version 1.
struct Disks {
  std::vector<std::map<std::uint64_t, Chunk>> targets;
  Chunk get(std::uint32_t target, std::uint64_t chunk, bool preloaded) const;
};

// What the run observes for the checks and the report.
struct Observer {
  std::shared_ptr<const Routing> routing = std::make_shared<Routing>();
  std::shared_ptr<sim::ModelInstance::TrueClock> clock;
  // True simulated time (only while the run goes on: the report must not ask).
  sim::Time true_now() const { return clock->now(); }
  sim::Time last_reply = 0;  // true time of the last answer a client got
  Disks disks;
  // (chunk, version) -> (value, true time of its first commit at a chain's last writer).
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::pair<sim::Value, sim::Time>> committed;
  struct Read {
    std::uint64_t chunk, version;
    sim::Value value;
    sim::Time invoked, returned;
  };
  std::vector<Read> reads;  // kept for the read rule (bounded by record_reads)
  struct Ack {
    std::uint64_t chunk, version;
    sim::Value value;
  };
  std::vector<Ack> acked;
  std::uint64_t record_reads = 2'000'000;
  std::uint64_t reads_done = 0, writes_done = 0, read_bytes = 0, write_bytes = 0;
  std::uint64_t window_read_bytes = 0, window_reads = 0, window_write_bytes = 0;
  std::uint64_t not_committed = 0, stale_chain = 0, timeouts = 0, failed_ios = 0;
  std::uint64_t syncs = 0, chunks_replaced = 0, chain_changes = 0;
  std::vector<std::uint64_t> node_read_bytes;       // per storage node, in the window
  std::vector<std::uint64_t> node_read_bytes_base;  // ... in the baseline window
};

std::unique_ptr<sim::Protocol> make_storage(const Config& c, std::shared_ptr<Observer> obs,
                                            sim::NodeId mgmtd);
std::unique_ptr<sim::Protocol> make_mgmtd(const Config& c, std::shared_ptr<Observer> obs,
                                          std::vector<sim::NodeId> storage);
std::unique_ptr<sim::Protocol> make_client(const Config& c, std::shared_ptr<Observer> obs,
                                           std::uint32_t index);

// Reads the 3FS options of [model] (variant = "3fs" or "3fs-read-pending").
sim::ModelInstance build(sim::Options& o, const std::string& variant);

}  // namespace distlab::models::chain::fs3
