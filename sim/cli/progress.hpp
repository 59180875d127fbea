#pragma once
// The one-line progress display on stderr (only when stderr is a terminal). The CLI may read
// the wall clock; sim/ and models/ may not.
#include <chrono>
#include <cstdint>

#include "distlab/sim/types.hpp"

namespace distlab::cli {

class Progress {
 public:
  Progress(distlab::sim::Time end);
  static bool wanted();
  void update(distlab::sim::Time now, std::uint64_t events);
  void clear();

 private:
  distlab::sim::Time end_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace distlab::cli
