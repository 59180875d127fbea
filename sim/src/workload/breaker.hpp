#pragma once
// A circuit breaker (closed / open / half-open), as in Nygard's "Release It!": after
// `failure_threshold` consecutive failures it opens and rejects calls at once; after `open_for`
// it lets `half_open_probes` calls through, and closes again if they all succeed.
#include <cstdint>

#include "distlab/sim/scenario.hpp"

namespace distlab::sim::engine {

class CircuitBreaker {
 public:
  enum class State { closed, open, half_open };
  explicit CircuitBreaker(const BreakerConfig& c) : c_(c) {}

  // May a call start at time t? (Moves open -> half-open when the open period is over.)
  bool allow(Time t) {
    if (!c_.enabled) return true;
    if (state_ == State::open && t >= open_until_) {
      state_ = State::half_open;
      probes_in_flight_ = 0;
      probe_successes_ = 0;
    }
    if (state_ == State::open) return false;
    if (state_ == State::half_open) {
      if (probes_in_flight_ >= c_.half_open_probes) return false;
      ++probes_in_flight_;
    }
    return true;
  }
  // Returns true when this result opened the breaker.
  bool record(bool success, Time t) {
    if (!c_.enabled) return false;
    if (state_ == State::half_open) {
      if (probes_in_flight_ > 0) --probes_in_flight_;
      if (!success) return open(t);
      if (++probe_successes_ >= c_.half_open_probes) {
        state_ = State::closed;
        failures_ = 0;
      }
      return false;
    }
    if (success) {
      failures_ = 0;
      return false;
    }
    if (state_ == State::closed && ++failures_ >= c_.failure_threshold) return open(t);
    return false;
  }
  State state() const { return state_; }

 private:
  bool open(Time t) {
    state_ = State::open;
    open_until_ = t + c_.open_for;
    failures_ = 0;
    return true;
  }
  BreakerConfig c_;
  State state_ = State::closed;
  std::uint32_t failures_ = 0;
  std::uint32_t probes_in_flight_ = 0;
  std::uint32_t probe_successes_ = 0;
  Time open_until_ = 0;
};

}  // namespace distlab::sim::engine
