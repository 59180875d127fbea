#pragma once
// Chain replication (van Renesse and Schneider, OSDI 2004) and CRAQ (Terrace and Freedman,
// USENIX ATC 2009): see README.md for what is kept and what is left out.
#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <memory>
#include <vector>

#include "distlab/sim/model.hpp"

namespace distlab::models::chain {

enum class Variant {
  cr,    // reads at the tail
  craq,  // reads at any node; dirty objects ask the tail which version is committed
};

struct Config {
  Variant variant = Variant::cr;
  std::uint32_t nodes = 3;  // chain length at the start
  sim::Time heartbeat = sim::ms(50);
  sim::Time offline_after = sim::ms(300);  // the manager drops a node it has not heard from
  sim::Time resend_after = sim::ms(100);   // unacknowledged forwards are sent again
  // How writes travel. The CR paper: the tail answers the client, and Forward/Ack are one-way
  // messages. CRAQ's implementation (github.com/jterrace/craq): the head answers once the Ack
  // is back, and every Forward (PROPAGATE) and Ack (ACK) is an RPC its receiver answers.
  bool head_answers = false;
  bool rpc_replies = false;
  // Deliberately broken variants (for the checkers' tests).
  bool dirty_reads = false;  // CRAQ answers dirty reads with its newest (uncommitted) version
  bool any_reads = false;    // CR answers reads at any node from its committed state
  bool early_ack = false;    // the head acknowledges a write before the tail has it
  bool no_lease = false;     // nodes serve reads without a lease from the manager
};

// The chain as the manager last configured it; clients read it as from a configuration
// service (CRAQ uses ZooKeeper).
struct Directory {
  std::uint64_t version = 0;
  std::vector<sim::NodeId> chain;       // head first, tail last
  sim::NodeId joining = sim::kNoNode;  // a node copying the tail's state before it becomes tail
};

// What the run observes, for the "no acknowledged write lost" check: every write acknowledged
// to a client and every write a tail committed, as (key, version) -> value (versions alone are
// not unique: a new head may number again what a lost head had numbered).
struct Observer {
  std::shared_ptr<Directory> dir = std::make_shared<Directory>();
  using Write = std::tuple<std::uint64_t, std::uint64_t, sim::Value>;  // key, version, value
  std::set<Write> acked, committed;
  // The newest version of each key each node holds (committed or not); a node that loses its
  // state holds nothing. At the end, the chain's tail must hold every acknowledged write.
  std::map<sim::NodeId, std::map<std::uint64_t, std::uint64_t>> held;
  std::uint64_t version_queries = 0, clean_reads = 0, dirty_reads = 0, resends = 0,
                reconfigurations = 0, joins = 0, answered_by_head = 0, answered_by_tail = 0,
                rpc_replies = 0;
};

std::unique_ptr<sim::Protocol> make_node(const Config& c, std::shared_ptr<Observer> obs,
                                         sim::NodeId manager);
std::unique_ptr<sim::Protocol> make_manager(const Config& c, std::shared_ptr<Observer> obs);

// Reads the [model] table (variant = "cr" | "craq" | "craq-dirty-reads" | "cr-any-reads" |
// "cr-early-ack" | "craq-no-lease").
sim::ModelInstance build(sim::Options& o);

}  // namespace distlab::models::chain
