#pragma once
// Spanner-style transactions (Corbett et al., OSDI 2012) over Paxos groups with TrueTime: see
// README.md for what is kept and what is left out.
#include <cstdint>
#include <memory>
#include <vector>

#include "distlab/sim/check/transactions.hpp"
#include "distlab/sim/histogram.hpp"
#include "distlab/sim/model.hpp"
#include "paxos/log.hpp"

namespace distlab::models::spanner {

struct Config {
  std::uint32_t zones = 3;             // one replica of every group per zone
  std::uint32_t servers_per_zone = 1;  // spanservers per zone; group g lives on server g % n
  std::uint32_t groups = 1;            // Paxos groups; key k belongs to group k % groups
  std::uint32_t clients = 1;           // transaction clients, spread over the zones
  std::uint64_t keys = 1000;
  std::uint32_t keys_per_txn = 1;
  double rw_fraction = 0.5;   // read-write transactions
  double ro_fraction = 0.25;  // read-only transactions (strong); the rest: snapshot reads
  bool rw_reads = false;      // read-write transactions read their keys first (under locks)
  sim::Time think = sim::ms(10);
  sim::Time warmup = 0;  // transactions started before this are left out of the latencies
  sim::Time snapshot_age = sim::sec(5);  // snapshot reads at TT.now().latest - age
  std::uint32_t value_bytes = 4096;
  bool commit_wait = true;
  sim::Time safe_time_every = sim::ms(100);
  // Paxos groups (models/paxos/log.hpp): leases of 10 s (section 4.1) timed with TrueTime.
  sim::Time lease = sim::sec(10);
  sim::Time paxos_heartbeat = sim::ms(500);  // lease renewal and liveness
  sim::Time election_timeout = sim::sec(2);  // randomized in [t, 2t), after a lease ran out
  // Clients resend what is unanswered this often (to every replica of the group, to find a new
  // leader), and give an attempt up after txn_timeout; a leader gives up active transactions
  // (not prepared) after txn_timeout too.
  sim::Time retry_every = sim::sec(1);
  sim::Time txn_timeout = sim::sec(30);

  std::uint32_t servers() const { return zones * servers_per_zone; }
  // Server index of group g's replica in zone z (servers are numbered zone-major by index %
  // zones, so the default region assignment puts server i in zone i % zones).
  sim::NodeId replica(std::uint32_t g, std::uint32_t z) const {
    return static_cast<sim::NodeId>((g % servers_per_zone) * zones + z);
  }
  sim::NodeId leader(std::uint32_t g) const { return replica(g, 0); }  // leaders in zone 0
  std::uint32_t group_of(std::uint64_t key) const {
    return static_cast<std::uint32_t>(key % groups);
  }
  std::uint32_t zone_of_client(std::uint32_t c) const { return c % zones; }
};

// What the run observes (true time, outside the nodes).
struct Observer {
  std::shared_ptr<sim::ModelInstance::TrueClock> clock;
  std::vector<sim::check::TxnRecord> history;
  sim::Histogram rw_latency, ro_latency, snapshot_latency, commit_wait;
  std::uint64_t aborts = 0, wounds = 0, presumed_aborts = 0;
  std::uint64_t lost_locks = 0;  // commits refused: the read locks went with an old leader
  std::uint64_t given_up = 0;  // attempts a client gave up (read-write ones: outcome unknown)
  std::vector<sim::check::AgreementChecker> agreement;  // one per group
  paxos::LogStats paxos;                                // elections
  std::uint64_t leaderships = 0;                        // a leader starting to serve
  std::vector<std::uint64_t> committed_per_s;           // transactions by second of completion
};

std::unique_ptr<sim::Protocol> make_spanserver(const Config& c, std::shared_ptr<Observer> obs);
std::unique_ptr<sim::Protocol> make_client(const Config& c, std::shared_ptr<Observer> obs,
                                           std::uint32_t client_no);

// Reads the [model] table.
sim::ModelInstance build(sim::Options& o);

}  // namespace distlab::models::spanner
