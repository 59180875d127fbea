#pragma once
// Agreement, the safety property of consensus: no two replicas decide different values for
// the same slot of a replicated log. A model reports every decision (replica, slot, value id);
// the checker keeps the first decision per slot and flags any replica that decides otherwise.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "distlab/sim/types.hpp"

namespace distlab::sim::check {

class AgreementChecker {
 public:
  // `value` identifies the decided command (equal commands, equal ids).
  void decide(NodeId replica, std::uint64_t slot, std::uint64_t value, Time at);

  bool ok() const { return !violation_.has_value(); }
  std::uint64_t decisions() const { return decisions_; }
  std::uint64_t slots() const { return slots_; }
  // The first violation: which slot, which replicas, which values, when.
  std::string describe() const;

 private:
  struct Decision {
    bool set = false;
    NodeId replica = 0;
    std::uint64_t value = 0;
    Time at = 0;
  };
  std::vector<Decision> first_;  // by slot
  std::uint64_t decisions_ = 0, slots_ = 0;
  struct Violation {
    std::uint64_t slot;
    Decision a, b;
  };
  std::optional<Violation> violation_;
};

}  // namespace distlab::sim::check
