#!/usr/bin/env bash
# Set-up (Debian packages, build) and every test: unit tests, every scenario file run twice for
# determinism, the bad-input corpus, the determinism lint, and benchmark smoke tests.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
cd build
exec ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"
