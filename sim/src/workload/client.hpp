#pragma once
// Workload clients: ordinary nodes (Protocol objects) that issue operations, with timeouts,
// retries with exponential backoff and jitter, and a circuit breaker.
#include <memory>

#include "distlab/sim/node.hpp"
#include "distlab/sim/rng.hpp"
#include "distlab/sim/scenario.hpp"

namespace distlab::sim::engine {
class World;
// `keys` is shared by the clients of one workload (a Zipf table can be large).
std::unique_ptr<Protocol> make_client(World& w, const WorkloadConfig& wl,
                                      std::shared_ptr<const ZipfTable> keys,
                                      std::uint32_t client_no);
}  // namespace distlab::sim::engine
