#!/usr/bin/env bash
# Usage: run_twice.sh DISTLAB SCENARIO
# Runs SCENARIO twice with its own seed and once with another seed. Passes when:
#  - the exit code is the one the file declares with "# expect-exit: N" (default 0);
#  - both same-seed runs give byte-identical results.json, trace.jsonl and trace.chrome.json;
#  - the other seed gives a different results.json;
#  - the summary shows throughput, latency percentiles and, if enabled, the checker verdict.
# A file may shorten itself for this test with "# test-set: KEY=VALUE" lines (e.g. a paper
# reproduction whose full run is measured by its own test): they become --set options.
set -u
distlab=$1
scenario=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expect=$(sed -n 's/^# expect-exit: *\([0-9]*\).*/\1/p' "$scenario" | head -n 1)
expect=${expect:-0}
sets=()
while IFS= read -r kv; do sets+=(--set "$kv"); done < <(sed -n 's/^# test-set: *//p' "$scenario")
fail=0
for run in a b; do
  "$distlab" run "$scenario" "${sets[@]}" --quiet --trace --out "$tmp/$run" >"$tmp/$run.stdout" 2>"$tmp/$run.stderr"
  rc=$?
  if [ "$rc" != "$expect" ]; then
    echo "FAIL: run $run exited $rc, expected $expect"; cat "$tmp/$run.stderr"; fail=1
  fi
done
for f in results.json trace.jsonl trace.chrome.json timeseries.csv history.csv; do
  if ! cmp -s "$tmp/a/$f" "$tmp/b/$f"; then echo "FAIL: $f differs between two runs with the same seed"; fail=1; fi
done
"$distlab" run "$scenario" "${sets[@]}" --quiet --seed 987654321 --out "$tmp/c" >/dev/null 2>&1
if cmp -s "$tmp/a/results.json" "$tmp/c/results.json"; then
  echo "FAIL: another seed gave the same results.json"; fail=1
fi
grep -q "throughput" "$tmp/a.stdout" || { echo "FAIL: no throughput in the summary"; fail=1; }
grep -q "p99" "$tmp/a.stdout" || { echo "FAIL: no latency percentiles in the summary"; fail=1; }
grep -q "linearizability: " "$tmp/a.stdout" || { echo "FAIL: no checker line in the summary"; fail=1; }
if [ "$fail" = 0 ]; then
  echo "ok: $scenario (exit $expect, deterministic, seed-sensitive)"
  head -n 20 "$tmp/a.stdout"
fi
exit $fail
