#include "distlab/sim/check/agreement.hpp"

#include <fmt/format.h>

namespace distlab::sim::check {

void AgreementChecker::decide(NodeId replica, std::uint64_t slot, std::uint64_t value, Time at) {
  ++decisions_;
  if (slot >= first_.size()) first_.resize(slot + 1 + slot / 2);
  Decision& d = first_[slot];
  if (!d.set) {
    d = Decision{true, replica, value, at};
    ++slots_;
    return;
  }
  if (d.value != value && !violation_)
    violation_ = Violation{slot, d, Decision{true, replica, value, at}};
}

std::string AgreementChecker::describe() const {
  if (!violation_)
    return fmt::format("agreement: {} decisions on {} slots, all agree", decisions_, slots_);
  const Violation& v = *violation_;
  return fmt::format(
      "agreement VIOLATED at slot {}: replica {} decided value {:#x} at {:.6f} s, replica {} "
      "decided value {:#x} at {:.6f} s",
      v.slot, v.a.replica, v.a.value, to_seconds(v.a.at), v.b.replica, v.b.value,
      to_seconds(v.b.at));
}

}  // namespace distlab::sim::check
