#pragma once
// Multi-Paxos replicated log with a key/value store on top (see README.md).
#include <cstdint>
#include <memory>

#include "distlab/sim/check/agreement.hpp"
#include "distlab/sim/model.hpp"
#include "log.hpp"

namespace distlab::models::paxos {

struct Config {
  std::uint32_t replicas = 3;
  sim::Time heartbeat = sim::ms(50);
  sim::Time election_timeout = sim::ms(300);  // randomized in [t, 2t)
  sim::Time lease = sim::sec(2);              // 0: no leases
  double drift_bound_ppm = 200;               // leader leases assume clocks drift less
  bool lease_reads = true;                    // reads at the leader under a lease
  std::uint32_t batch_catchup = 256;
  // Deliberately broken variants (for the checkers' tests).
  bool adopt_accepted = true;  // false: a new leader ignores values accepted in earlier ballots
  bool durable = true;         // false: acceptor state is not kept across a crash
};

// What the run observes: every decision goes to the agreement checker.
struct Observer {
  sim::check::AgreementChecker agreement;
  LogStats log;  // elections, leaders
  std::uint64_t lease_reads = 0, log_reads = 0;
};

std::unique_ptr<sim::Protocol> make_replica(const Config& c, std::shared_ptr<Observer> obs);

// Reads the [model] table (variant = "multi-paxos" | "no-adopt" | "not-durable").
sim::ModelInstance build(sim::Options& o);

}  // namespace distlab::models::paxos
