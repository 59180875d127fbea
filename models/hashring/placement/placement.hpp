#pragma once
// Placement strategies: which server owns a key. One small interface, one file per strategy.
// Pure computation (no simulator types), so the same objects serve the cache cluster model,
// the unit tests and the lookup benchmark (bench/hashring).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace distlab::models::hashring {

using ServerId = std::uint32_t;

// Hash functions from libxxhash. The scenario option `hash` picks one.
enum class HashFn { xxh3, xxh64 };
HashFn parse_hash_fn(const std::string& name);  // "xxh3" | "xxh64"; throws std::invalid_argument
const char* to_string(HashFn h);
// Hash of a 64-bit key id (its 8 little-endian bytes) and of a byte string, with a seed.
std::uint64_t hash_u64(HashFn h, std::uint64_t key, std::uint64_t seed = 0);
std::uint64_t hash_bytes(HashFn h, const void* data, std::size_t len, std::uint64_t seed = 0);

struct Member {
  ServerId id = 0;
  std::string name;     // seeds the server's points/permutation: stable across runs and ids
  double weight = 1.0;  // ring and rendezvous: relative share; others ignore it
};

class Placement {
 public:
  virtual ~Placement() = default;
  virtual std::string name() const = 0;

  // Membership changes. add: the id is not a member; remove: it is.
  virtual void add(const Member& m) = 0;
  virtual void remove(ServerId id) = 0;
  // Replace the whole membership at once (initial build; Maglev rebuilds its table once).
  virtual void reset(const std::vector<Member>& members);
  virtual std::size_t size() const = 0;   // number of members
  std::vector<ServerId> members() const;  // ids, in the order they were added

  // The owner of a key, given the key's 64-bit hash. Precondition: size() > 0. Every result is
  // a current member.
  virtual ServerId lookup(std::uint64_t key_hash) const = 0;

  // Load-aware strategies (bounded loads) assign a known set of keys; the others ignore it.
  // Called after every membership change with the same key hashes, in the same order.
  virtual void place_keys(std::span<const std::uint64_t> key_hashes) {}

  // Bytes of lookup state (tables, points, assignments), counted from the containers' sizes.
  virtual std::size_t memory_bytes() const = 0;
  // Expected work per lookup in basic steps (hash evaluations, comparisons, probes): a
  // deterministic cost model next to the wall-clock figures of bench/hashring.
  virtual double lookup_steps() const = 0;
  // One line: parameters and state, e.g. "ring V=100, 1000 points".
  virtual std::string describe() const = 0;

 protected:
  std::vector<Member> members_;  // maintained by the strategies, in add order
};

// Construction parameters shared by all strategies; each reads what it needs.
struct PlacementConfig {
  std::string strategy = "ring";  // ring | jump | rendezvous | maglev | bounded | modn
  HashFn hash = HashFn::xxh3;
  std::uint64_t seed = 0;        // hash seed
  std::uint32_t vnodes = 100;    // ring, bounded: points per unit of weight (V >= 1)
  std::uint64_t table_size = 0;  // maglev: prime M; 0 = smallest prime > 100 * servers
  double epsilon = 0.25;         // bounded: capacity ceil((1 + eps) m / n), eps > 0
};

// Builds a strategy. Throws std::invalid_argument with a message naming the bad parameter
// (V = 0, eps <= 0, M not prime, unknown strategy); the model turns it into a ConfigError.
std::unique_ptr<Placement> make_placement(const PlacementConfig& c);
const std::vector<std::string>& strategy_names();

bool is_prime(std::uint64_t n);
std::uint64_t next_prime_above(std::uint64_t n);  // smallest prime > n

}  // namespace distlab::models::hashring
