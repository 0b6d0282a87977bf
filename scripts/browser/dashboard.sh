#!/usr/bin/env bash
# The dashboard in a real browser (a test step of scripts/test.sh): starts a gas run with
# --dashboard, reads the address it prints on stderr, and lets dashboard.js check the page in
# headless Chromium while the run goes on. `dashboard.sh SHOT.png` also saves a screenshot.
# Needs target/release/parlab (or PARLAB_BIN), Debian's chromium and `npm ci` here (setup.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PARLAB_BIN:-$here/../../target/release/parlab}
[ -x "$bin" ] || { echo "no parlab binary at $bin: run cargo build --release first"; exit 1; }
[ -d "$here/node_modules/playwright-core" ] || { echo "no playwright-core: run npm ci in $here (scripts/setup.sh does)"; exit 1; }
log=$(mktemp)
# Long enough to watch on a shared 2-core machine; stopped once the checks are done.
"$bin" gas --particles "${PARTICLES:-3000000}" --steps "${STEPS:-6000}" --workers 2 --dashboard >/dev/null 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 300); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/?token=[0-9a-f]*' "$log" || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { echo "parlab printed no dashboard address:"; cat "$log"; exit 1; }
echo "parlab gas --dashboard: $url"
# Let the run get going (both workers busy, a few tasks done) before looking.
sleep "${WARMUP:-4}"
kill -0 "$pid" 2>/dev/null || { echo "the run ended before the browser looked: raise PARTICLES or STEPS"; exit 1; }
node "$here/dashboard.js" "$url" "$@"
