#!/usr/bin/env bash
# Notebooks as a student meets them: starts JupyterLab (autosave off, so nothing is written back),
# opens each notebook in headless Chromium, Run All, and writes a per-cell report and screenshots
# (scripts/browser/notebook.js) under OUT (default: target/notebook-browser/NAME/).
# Usage: bash scripts/browser/notebook.sh [NOTEBOOK.ipynb ...]   (default: notebooks/*.ipynb)
# Needs scripts/setup.sh (chromium, npm ci here) and scripts/setup-notebooks.sh (the venv, the kernel).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
venv=${PARLAB_VENV:-.venv}
out=${OUT:-target/notebook-browser}
[ -x "$venv/bin/jupyter" ] || { echo "no $venv/bin/jupyter: run bash scripts/setup-notebooks.sh first"; exit 1; }
[ -d scripts/browser/node_modules/playwright-core ] || { echo "no playwright-core: npm ci in scripts/browser (setup.sh does)"; exit 1; }
settings=$(mktemp -d)
mkdir -p "$settings/@jupyterlab/docmanager-extension" "$settings/@jupyterlab/notebook-extension"
echo '{"autosave": false}' >"$settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"
# Every cell rendered (no windowing), so the report sees every output.
echo '{"windowingMode": "none"}' >"$settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
JUPYTERLAB_SETTINGS_DIR=$settings "$venv/bin/jupyter" lab --no-browser --ServerApp.ip=127.0.0.1 \
  --ServerApp.port="$port" --ServerApp.allow_root=True --IdentityProvider.token="$token" \
  --ServerApp.root_dir="$root" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$settings" "$log"' EXIT
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$port/api/status?token=$token" >/dev/null && break
  sleep 0.5
done
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/*.ipynb)
status=0
for nb in "${notebooks[@]}"; do
  name=$(echo "${nb#notebooks/}" | sed "s|/|-|g; s|\.ipynb$||")
  # 01's Breakpoint 1 box: an empty answer, an unclear one, then a real one (it asks again until then).
  extra=()
  case "$name" in 01-*) extra=(--stdin "" --stdin "maybe" --stdin "No: the first subinterval finds the factor, but the other workers still search theirs to the end") ;; esac
  node scripts/browser/notebook.js "http://127.0.0.1:$port" "$token" "$nb" "$out/$name" "${extra[@]}" || status=1
done
exit $status
