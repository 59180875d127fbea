#pragma once
// Consistent hashing: placement strategies (placement/) and a sharded cache cluster that uses
// one of them (see README.md).
#include <cstdint>
#include <memory>

#include "directory.hpp"
#include "distlab/sim/model.hpp"

namespace distlab::models::hashring {

// Reads the [model] table (variant = the placement strategy).
sim::ModelInstance build(sim::Options& o);

struct ServiceConfig {
  std::uint32_t workers = 1;
  sim::Time service = 0;  // per request
};

// A cache server: LRU over `capacity_keys` keys (0 = unlimited), read-through and
// write-through to the store. Its cache is volatile: a crash loses every key.
std::unique_ptr<sim::Protocol> make_cache_server(sim::NodeId store, std::uint64_t capacity_keys,
                                                 ServiceConfig svc, std::shared_ptr<Directory> dir);
// The backing store: slower, durable (storage survives a crash), answers cache servers and,
// when a client falls back to it, clients directly.
std::unique_ptr<sim::Protocol> make_store(ServiceConfig svc);

}  // namespace distlab::models::hashring
