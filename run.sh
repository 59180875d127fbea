#!/usr/bin/env bash
# Set-up (Debian packages, build) and a run of the default scenario. Extra arguments go to
# `distlab run`, e.g. ./run.sh --seed 7 --out out/single
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec ./build/sim/cli/distlab run scenarios/kv/single.toml "$@"
