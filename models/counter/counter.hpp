#pragma once
// Netflix-style distributed counters (see README.md): a counter API over an EVCache-like cache
// (best-effort regional counters) and a Cassandra-like time-series store with rollup servers
// (eventually consistent and accurate global counters), driven by the model's own clients.
#include <memory>

#include "config.hpp"
#include "distlab/sim/model.hpp"
#include "layout.hpp"
#include "observer.hpp"

namespace distlab::models::counter {

// What every node of the model shares: the configuration, the layout and the observer.
struct Shared {
  Config config;
  Layout layout;
  std::shared_ptr<Observer> obs;
  // Per namespace: how clients pick a counter (null when uniform).
  std::vector<std::shared_ptr<const sim::ZipfTable>> zipf;
};

std::unique_ptr<sim::Protocol> make_client(std::shared_ptr<const Shared> s);
std::unique_ptr<sim::Protocol> make_api(std::shared_ptr<const Shared> s);
std::unique_ptr<sim::Protocol> make_cache(std::shared_ptr<const Shared> s);
std::unique_ptr<sim::Protocol> make_store(std::shared_ptr<const Shared> s);
std::unique_ptr<sim::Protocol> make_rollup(std::shared_ptr<const Shared> s);

// Reads the [model] table (variant = "netflix" | "no-idempotency" | "no-accept-window").
sim::ModelInstance build(sim::Options& o);

}  // namespace distlab::models::counter
