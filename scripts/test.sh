#!/usr/bin/env bash
# parlab's whole test suite: formatting, lints, unit/integration/doc tests, MPI tests and the
# notebooks. Runs scripts/setup.sh first (idempotent) so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh
if [ "${PARLAB_SKIP_SETUP:-0}" != 1 ]; then bash scripts/setup.sh; fi

# --- core ------------------------------------------------------------------------------------
step "cargo fmt" cargo fmt --all --check
step "cargo clippy" cargo clippy --all-targets -- -D warnings
step "cargo test (unit, integration, doc)" cargo test --release

# --- notebooks -------------------------------------------------------------------------------
# Executes every notebook in the evcxr kernel and checks key outputs (scripts/run_notebooks.py);
# a compile error, a panic or a missing expected output fails the run.
export PATH="$HOME/.cargo/bin:$PATH"
step "notebooks (evcxr, headless)" "${PARLAB_VENV:-.venv}/bin/python" scripts/run_notebooks.py
