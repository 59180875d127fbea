#pragma once
// What a scenario's [model] table configures: the deployment (regions and nodes per region),
// the time-series store, the rollup pipeline, the clients' load and the namespaces, each of
// which picks a counter type. Defaults are the published example configuration where the
// Netflix post gives one (see README.md).
#include <cstdint>
#include <string>
#include <vector>

#include "distlab/sim/options.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::models::counter {

enum class CounterType : std::uint8_t { best_effort, eventual, accurate };
const char* to_string(CounterType t);

// Replicas of the local region that must answer: one, or a majority of the replication factor.
enum class Consistency : std::uint8_t { one, local_quorum };

enum class OpKind : std::uint8_t { add, add_and_get, get, clear };
inline constexpr int kOpKinds = 4;
const char* to_string(OpKind k);

struct Namespace {
  std::string name;
  CounterType type = CounterType::eventual;
  std::uint64_t counters = 1000;
  double zipf_s = 0;          // 0: uniform over the counters
  double rate_per_s = 1000;   // requests per second over all regions
  double get_fraction = 0.5;  // GetCount
  double add_and_get_fraction = 0;
  double clear_fraction = 0;
  double negative_fraction = 0;  // AddCount with delta -1 instead of +1
  sim::Time ttl = 0;             // best effort: the cache entry's TTL (0: none)
};

struct Config {
  // Deployment: nodes per region; region r holds the nodes whose id % regions == r.
  std::uint32_t regions = 1;
  std::uint32_t api_per_region = 2;
  std::uint32_t cache_per_region = 1;
  std::uint32_t store_per_region = 3;
  std::uint32_t rollup_per_region = 1;
  std::uint32_t clients_per_region = 2;

  // Time-series store (Cassandra-like).
  std::uint32_t replication_factor = 3;  // replicas per region
  Consistency write_consistency = Consistency::local_quorum;
  Consistency read_consistency = Consistency::local_quorum;
  sim::Time replication_delay = 0;         // extra delay before a write is shipped to other regions
  sim::Time hint_retry = sim::sec(1);      // unacknowledged replication is retried this often
  sim::Time accept_limit = sim::sec(5);    // events older than now - accept_limit are refused
  sim::Time bucket_width = sim::sec(600);  // time bucket of an event partition
  std::uint32_t buckets_per_id = 4;        // partitions per time bucket

  // Rollup pipeline.
  std::uint32_t queues = 8;  // in-memory queues per rollup server
  sim::Time coalesce = sim::ms(10'000);
  std::uint64_t queue_bytes = 16ull << 20;
  std::uint32_t batch = 32;
  sim::Time batch_timeout = sim::sec(1);  // a batch whose store calls do not return is abandoned
  bool idempotent = true;     // false: the "no-idempotency" variant (every attempt is a new event)
  bool accept_window = true;  // false: the "no-accept-window" variant (rollups aggregate up to now)

  // Clients (the model's own nodes: they carry idempotency tokens, retry and hedge).
  sim::Time load = sim::sec(10);  // clients send requests during [0, load)
  sim::Time timeout = sim::ms(100);
  std::uint32_t max_attempts = 3;
  sim::Time backoff = sim::ms(10);
  sim::Time hedge = 0;                   // 0: no hedged requests
  sim::Time api_timeout = sim::ms(500);  // the API gives up on a backend call after this

  // Verification: once the load has stopped and every rollup due has run, client 0 of every
  // region reads every counter twice (the first read triggers a rollup, the second, a
  // coalescing window later, is checked).
  bool verify = true;
  sim::Time verify_first = 0;      // verify_at; default load + accept_limit + coalesce + 1 s
  sim::Time verify_second = 0;     // verify_first + coalesce + 2 s
  sim::Time bucket = sim::sec(1);  // error-over-time buckets

  std::vector<Namespace> namespaces;

  std::uint32_t clients() const { return clients_per_region * regions; }
};

// Reads the [model] table; errors name file, line and key.
Config read_config(sim::Options& o);

}  // namespace distlab::models::counter
