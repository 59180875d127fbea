#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace distlab::cli {

Progress::Progress(distlab::sim::Time end)
    : end_(end), start_(std::chrono::steady_clock::now()), last_(start_) {}

bool Progress::wanted() { return isatty(STDERR_FILENO) != 0; }

void Progress::update(distlab::sim::Time now, std::uint64_t events) {
  const auto t = std::chrono::steady_clock::now();
  if (t - last_ < std::chrono::milliseconds(200)) return;
  last_ = t;
  const double wall = std::chrono::duration<double>(t - start_).count();
  std::fprintf(stderr, "\r  simulated %.3f / %.3f s   %llu events   %.0f events/s   ",
               distlab::sim::to_seconds(now), distlab::sim::to_seconds(end_),
               static_cast<unsigned long long>(events), wall > 0 ? events / wall : 0.0);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::clear() {
  if (drawn_) std::fprintf(stderr, "\r%80s\r", "");
  drawn_ = false;
}

}  // namespace distlab::cli
