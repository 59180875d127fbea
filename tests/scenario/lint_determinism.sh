#!/usr/bin/env bash
# Fails when sim/ or models/ use what the determinism rules forbid (DESIGN.md): wall clocks,
# rand, random_device, threads, standard-library distributions, environment reads.
# The CLI (sim/cli) may read the wall clock for its progress line.
set -u
root=$1
pattern='std::chrono::(system|steady|high_resolution)_clock|[^_a-zA-Z]s?rand\(|random_device|std::thread|std::async|std::(uniform|normal|exponential|poisson|bernoulli|geometric|discrete)_[a-z_]*distribution|getenv\(|[^_a-zA-Z]time\(NULL|[^_a-zA-Z]time\(nullptr|gettimeofday|clock_gettime'
hits=$(grep -rnE "$pattern" "$root/sim" "$root/models" --include='*.cpp' --include='*.hpp' \
  | grep -v "^$root/sim/cli/")
if [ -n "$hits" ]; then
  echo "FAIL: determinism rules broken:"
  echo "$hits"
  echo "1 failed"
  exit 1
fi
echo "ok: no wall clock, rand, random_device, threads, std distributions or getenv in sim/ or models/"
