#!/usr/bin/env bash
# Runs the scenario-loader fuzzer for a bounded time.
#
# Usage: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS [extra libFuzzer flags...]
# BUILD_DIR is a clang build with -DDISTLAB_BUILD_FUZZ=ON (see tests/fuzz/CMakeLists.txt).
# Seeds are the scenario files and the bad-input corpus; inputs the fuzzer finds go to
# BUILD_DIR/fuzz/corpus (kept between runs), crashes and hangs to BUILD_DIR/fuzz/artifacts/.
# Exits non-zero when the fuzzer found a problem.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 BUILD_DIR SECONDS [libFuzzer flags...]" >&2
  exit 2
fi
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
fuzzer=$build/tests/fuzz/fuzz_scenario
if [[ ! -x $fuzzer ]]; then
  echo "$0: $fuzzer not found; build it with: ninja -C $build fuzz_scenario" >&2
  exit 2
fi

corpus=$build/fuzz/corpus
artifacts=$build/fuzz/artifacts
mkdir -p "$corpus" "$artifacts"
seeds=()
while IFS= read -r -d '' f; do seeds+=("$f"); done \
  < <(find "$root/scenarios" "$root/tests/bad_input" -name '*.toml' -print0 | sort -z)
cp "${seeds[@]}" "$corpus/"

# The first directory receives new inputs. -timeout is per input: loading takes milliseconds,
# but a valid model of 10 million nodes (models/demo allows that) takes seconds under ASan.
ulimit -c 0
exec "$fuzzer" "$corpus" \
  -dict="$here/scenario.dict" \
  -max_total_time="$seconds" \
  -max_len=8192 \
  -timeout=60 \
  -rss_limit_mb=2048 \
  -artifact_prefix="$artifacts/" \
  -print_final_stats=1 \
  "$@"
