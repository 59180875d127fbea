#pragma once
// The cluster's shared view, as a configuration service (ZooKeeper, a memcached client's server
// list) would push it: the current members and the placement every client routes by. It is
// also the run's observer: it places the analysis keys after each membership change (balance,
// keys moved) and counts what the servers report (requests, hits, misses over time). Protocol
// code only writes measurements here and never reads them back.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "distlab/sim/model.hpp"
#include "placement/analysis.hpp"
#include "placement/placement.hpp"

namespace distlab::models::hashring {

struct ClusterConfig {
  PlacementConfig placement;
  std::vector<std::string> names;  // cache servers, id = index
  std::vector<double> weights;     // per cache server
  std::uint64_t analysis_keys = 100'000;
  sim::Time bucket = sim::sec(1);   // hit-ratio time series
  bool maglev_small_table = false;  // a user-given M <= 100 N (reported)
};

class Directory {
 public:
  Directory(ClusterConfig c, std::unique_ptr<Placement> p,
            std::shared_ptr<sim::ModelInstance::TrueClock> clock);

  // Routing: the cache server that owns `key` (kNoNode when there are no members).
  sim::NodeId owner(std::uint64_t key) const;
  std::uint64_t key_hash(std::uint64_t key) const;

  void set_members(const std::vector<sim::NodeId>& members, sim::Time at);

  // What servers report.
  void request(sim::NodeId server) { ++requests_[server]; }
  void lookup(sim::NodeId server, bool hit);  // bucketed by true simulated time
  void evicted(sim::NodeId) { ++evictions_; }

  sim::ModelInstance::Report report() const;

 private:
  struct Change {
    sim::Time at = 0;
    bool join = true;
    std::vector<sim::NodeId> servers;
    std::size_t before = 0, after = 0;  // member counts
    std::optional<double> moved;        // none without analysis keys or members before
    double ideal = 0;
    bool monotone = true;  // keys moved only to joiners / only from leavers
    Balance balance;
  };
  std::vector<ServerId> assign() const;

  ClusterConfig c_;
  std::unique_ptr<Placement> p_;
  std::shared_ptr<sim::ModelInstance::TrueClock> clock_;
  std::vector<sim::NodeId> members_;
  std::vector<std::uint64_t> keys_;  // analysis key hashes
  std::vector<ServerId> owners_;     // current owner of each analysis key
  bool started_ = false;
  std::optional<Balance> initial_;  // at the first membership with members
  std::vector<sim::NodeId> initial_members_;
  std::vector<Change> changes_;
  std::vector<std::uint64_t> requests_;
  std::vector<std::uint64_t> hits_, misses_;  // per server
  std::vector<std::uint64_t> bucket_hits_, bucket_misses_;
  std::uint64_t evictions_ = 0;
};

}  // namespace distlab::models::hashring
