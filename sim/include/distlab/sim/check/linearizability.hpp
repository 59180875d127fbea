#pragma once
// Linearizability checker for a key-value store whose keys are independent read/write registers.
//
// Every key starts at kInitialValue. The history is split by key (linearizability is
// compositional) and each key is checked with the Wing-Gong/Lowe just-in-time linearization
// search, memoizing (set of linearized ops, register value) so no configuration is explored
// twice, plus register-specific pruning (linearizability.cpp). The search is iterative; on
// histories of a correct register it visits about one configuration per operation.
//
// Outcomes: `ok` ops must take effect within [invoke, complete]; `fail` ops had no effect and
// are dropped; an `unknown` write may take effect at any time after its invocation, or never;
// an `unknown` read tells nothing and is dropped. Equal times count as concurrent (an op that
// completes at t may be ordered after one invoked at t). Values need not be unique.
//
// On a violation the first failing key (lowest id) is shrunk to a small sub-history that is
// itself not linearizable and that keeps every write whose value one of its reads returns, so
// it is evidence against the whole history.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "distlab/sim/history.hpp"

namespace distlab::sim::check {

struct LinearizabilityOptions {
  // Search budget per key, in distinct configurations; exceeding it makes the verdict unknown.
  // Each configuration costs about 64 bytes of memory while its key is searched.
  std::uint64_t max_states_per_key = 5'000'000;
  // Budget for shrinking a violation, summed over all the re-checks it makes.
  std::uint64_t max_shrink_states = 10'000'000;
};

enum class Verdict { linearizable, not_linearizable, unknown };

std::string_view to_string(Verdict v);

struct KeyViolation {
  std::uint64_t key = 0;
  std::vector<Operation> ops;  // small non-linearizable sub-history, in invocation order
  std::string explanation;     // one sentence on why these ops admit no order
  std::size_t key_ops = 0;     // ops on this key that the search saw (before shrinking)
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::linearizable;
  std::size_t ops_checked = 0;  // ops that carry information: ok ops and unknown writes
  std::size_t keys = 0;         // distinct keys in the history
  std::uint64_t states_explored = 0;
  std::optional<KeyViolation> violation;     // set iff verdict == not_linearizable
  std::optional<std::uint64_t> unknown_key;  // first key whose search ran out of budget
  std::string summary() const;               // one line
  std::string describe_violation() const;    // multi-line; times in ms
};

// Throws std::invalid_argument if an ok operation completes before it was invoked.
LinearizabilityResult check_linearizable(const History& history,
                                         const LinearizabilityOptions& options = {});

}  // namespace distlab::sim::check
