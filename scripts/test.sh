#!/usr/bin/env bash
# parlab's whole test suite: formatting, lints, unit/integration/doc tests, MPI tests and the
# notebooks. Runs scripts/setup.sh first (idempotent) so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${PARLAB_SKIP_SETUP:-0}" != 1 ]; then bash scripts/setup.sh; fi

step() { # step NAME COMMAND...
  local name=$1; shift
  local t0=$SECONDS
  echo "==> test: $name"
  "$@"
  echo "<== test: $name passed in $((SECONDS - t0)) s"
}

# --- core ------------------------------------------------------------------------------------
step "cargo fmt" cargo fmt --all --check
step "cargo clippy" cargo clippy --all-targets -- -D warnings
step "cargo test (unit, integration, doc)" cargo test --release
