#!/usr/bin/env bash
# Feeds every broken scenario in a corpus to `distlab validate` and `distlab run`, and checks
# that bad input is rejected the way DESIGN.md says: exit code 2 (not a signal, no core dump),
# an error on stderr naming the file, the line (`# line: N`, 0 = not checked) and the expected
# words (`# expect: ...`), and no --out directory left behind. Then a few --set overrides.
#
# Usage: run_corpus.sh DISTLAB_BINARY CORPUS_DIR
# Prints one line per failure and ends with "N passed, M failed"; exits 1 on any failure.
set -u

if [[ $# -ne 2 ]]; then
  echo "usage: $0 DISTLAB_BINARY CORPUS_DIR" >&2
  exit 2
fi
bin=$1
dir=${2%/}
if [[ ! -x $bin ]]; then
  echo "$0: $bin is not an executable" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/distlab-bad-input.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ulimit -c 0  # a crash must show up as a failed check, not as a core file

passed=0
failed=0

# check NAME EXPECT LINE FILE -- COMMAND...
# Runs COMMAND and checks exit code 2, "FILE:" (and "FILE:LINE:" when LINE > 0) and EXPECT on
# stderr, no "ok" on stdout, and no $tmp/x directory afterwards.
check() {
  local name=$1 expect=$2 line=$3 file=$4
  shift 5
  rm -rf "$tmp/x"
  timeout 60 "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  local err
  err=$(<"$tmp/stderr")
  local why=""
  if [[ $rc -ge 124 ]]; then
    why="exit code $rc (timeout or signal), want 2"
  elif [[ $rc -ne 2 ]]; then
    why="exit code $rc, want 2"
  elif [[ -n $file && $err != *"$file:"* ]]; then
    why="stderr does not name the file '$file:'"
  elif [[ $line != 0 && $err != *"$file:$line:"* ]]; then
    why="stderr does not point at line $line"
  elif [[ $err != *"$expect"* ]]; then
    why="stderr does not contain '$expect'"
  elif grep -q ': ok$' "$tmp/stdout"; then
    why="stdout says ok"
  elif [[ -e $tmp/x ]]; then
    why="left output behind in --out"
  fi
  if [[ -n $why ]]; then
    failed=$((failed + 1))
    echo "FAIL $name: $why; stderr: $(head -c 400 <<<"$err" | tr '\n' ' ')"
  else
    passed=$((passed + 1))
  fi
  rm -rf "$tmp/x"
}

shopt -s nullglob
files=("$dir"/*.toml)
if [[ ${#files[@]} -lt 30 ]]; then
  echo "FAIL corpus: only ${#files[@]} files in $dir, want at least 30"
  failed=$((failed + 1))
fi

for f in "${files[@]}"; do
  name=$(basename "$f" .toml)
  expect=$(sed -n '1s/^# expect: //p' "$f")
  line=$(sed -n '2s/^# line: //p' "$f")
  if [[ -z $expect || ! $line =~ ^[0-9]+$ ]]; then
    echo "FAIL $name: the file must start with '# expect: ...' and '# line: N'"
    failed=$((failed + 1))
    continue
  fi
  check "$name (validate)" "$expect" "$line" "$f" -- "$bin" validate "$f"
  check "$name (run)" "$expect" "$line" "$f" -- "$bin" run "$f" --out "$tmp/x" --quiet
done

# --set overrides, applied to a scenario that is valid without them.
good=$tmp/good.toml
cat >"$good" <<'EOF'
[scenario]
seed = 7
duration_s = 1

[model]
name = "kv"
variant = "single"

[[workload]]
clients = 2
EOF
if "$bin" validate "$good" >/dev/null 2>"$tmp/stderr"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL the control scenario does not validate: $(tr '\n' ' ' <"$tmp/stderr")"
fi

# override NAME WHERE EXPECT SET...: WHERE is the file the error must name (the scenario, or
# "--set" for a malformed override).
override() {
  local name=$1 where=$2 expect=$3
  shift 3
  local sets=()
  for s in "$@"; do sets+=(--set "$s"); done
  check "--set $name (validate)" "$expect" 0 "$where" -- "$bin" validate "$good" "${sets[@]}"
  check "--set $name (run)" "$expect" 0 "$where" -- \
    "$bin" run "$good" --out "$tmp/x" --quiet "${sets[@]}"
}
override "unknown variant" "$good" 'model.variant: unknown value "nope"' model.variant=nope
override "zero duration" "$good" 'scenario.duration_s: must be greater than zero' \
  scenario.duration_s=0
override "negative duration" "$good" 'scenario.duration_s: must be greater than zero' \
  scenario.duration_s=-3
override "negative seed" "$good" 'scenario.seed: must not be negative' scenario.seed=-1
override "wrong type" "$good" 'model.backups: expected an integer, got a string' \
  model.variant=primary-backup model.backups=two
override "unknown key" "$good" 'bogus: unknown key' bogus.key=1
override "unknown model key" "$good" 'model.replicas: unknown key' model.replicas=3
override "array element" "$good" 'workload[0].clients: must be between 1 and 100000, got 0' \
  'workload[0].clients=0'
override "no equals sign" --set 'expected key.path=value' scenario.duration_s
override "empty path part" --set 'empty key in path' scenario..duration_s=1
override "path through a value" --set "'seed' is not a table" scenario.seed.x=1
override "path through an array" --set "'workload' is not a table" workload.clients=3
override "array index out of range" --set 'there is no [[workload]] number 3' \
  'workload[3].clients=1'
override "bad array index" --set "bad index in 'workload[x]'" 'workload[x].clients=1'

# A file that does not exist is bad input too.
check "missing file (validate)" "cannot open the file" 0 "$tmp/none.toml" -- \
  "$bin" validate "$tmp/none.toml"
check "missing file (run)" "none.toml" 0 "" -- "$bin" run "$tmp/none.toml" --out "$tmp/x" --quiet
mkdir -p "$tmp/dir.toml"
check "directory (validate)" "is a directory" 0 "$tmp/dir.toml" -- "$bin" validate "$tmp/dir.toml"
check "directory (run)" "directory" 0 "" -- "$bin" run "$tmp/dir.toml" --out "$tmp/x" --quiet
# Bad command-line arguments.
check "negative seed" "the seed must be a non-negative integer" 0 "" -- \
  "$bin" run "$good" --seed -1 --out "$tmp/x" --quiet
check "trace without --out" "--trace needs --out" 0 "" -- "$bin" run "$good" --trace --quiet
check "unwritable --out" "cannot create the directory" 0 "" -- \
  "$bin" run "$good" --out /proc/distlab-nope/x --quiet
# One broken file among good ones: validate reports each, and exits 2.
"$bin" validate "$good" "$dir/duration_zero.toml" "$good" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [[ $rc -eq 2 && $(grep -c ': ok$' "$tmp/stdout") -eq 2 ]] &&
  grep -q "duration_zero.toml:.*scenario.duration_s" "$tmp/stderr"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL one bad file among good ones: exit code $rc; $(tr '\n' ' ' <"$tmp/stderr")"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
