#pragma once
// A typed, position-aware view of one table of a scenario file (e.g. [model]). Getters raise
// ConfigError naming file, line, column and key path; finish() rejects keys nobody asked for.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "distlab/sim/error.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::sim {

class Options {
 public:
  struct Impl;
  explicit Options(std::shared_ptr<Impl> impl);
  ~Options();

  bool has(const std::string& key) const;
  std::vector<std::string> keys() const;  // in file order
  std::int64_t get_int(const std::string& key, std::optional<std::int64_t> fallback = {});
  double get_double(const std::string& key, std::optional<double> fallback = {});
  bool get_bool(const std::string& key, std::optional<bool> fallback = {});
  std::string get_string(const std::string& key, std::optional<std::string> fallback = {});
  // get_string restricted to a set of choices; the error lists them.
  std::string get_choice(const std::string& key, const std::vector<std::string>& choices,
                         std::optional<std::string> fallback = {});
  // Integer within [lo, hi].
  std::int64_t get_int_in(const std::string& key, std::int64_t lo, std::int64_t hi,
                          std::optional<std::int64_t> fallback = {});
  // A duration given with its unit in the key name: `<stem>_s`, `_ms`, `_us` or `_ns` (at most
  // one of them), integer or float. positive: must be > 0 (else >= 0).
  std::optional<Time> find_time(const std::string& stem, bool positive = false);
  Time get_time(const std::string& stem, Time fallback, bool positive = false);
  // The key a duration was given as (`<stem>_s`, `_ms`, `_us` or `_ns`), or `<stem>_s` when
  // absent: errors name the key the user wrote.
  std::string time_key(const std::string& stem) const;
  // A rate in bits/s given as `<stem>_gbps`, `_mbps` or `_kbps`.
  std::optional<double> get_bandwidth(const std::string& stem);
  std::vector<std::string> get_strings(const std::string& key);
  std::vector<std::vector<std::string>> get_string_groups(const std::string& key);
  std::vector<std::vector<double>> get_matrix(const std::string& key);
  // A sub-table (inline or not), if present.
  std::optional<Options> table(const std::string& key);
  // An array of tables ([[key]]); empty if absent.
  std::vector<Options> tables(const std::string& key);
  // Error positioned at `key` (or at the table when the key is absent).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  // Raise for any key in the table that no getter asked for.
  void finish() const;
  // Key path of this table, e.g. "model".
  const std::string& path() const;
  const std::string& file() const;
  SourcePos pos(const std::string& key) const;
  // The run's seed (the scenario's, or --seed), for a model whose construction is itself
  // random (e.g. a placement's hash seed). Set by the run before the model's factory reads
  // its options.
  std::uint64_t run_seed() const;
  void set_run_seed(std::uint64_t seed);
  // The simulated length of the run, drain included (for bounds on per-bucket series).
  Time run_duration() const;
  void set_run_duration(Time d);

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace distlab::sim
