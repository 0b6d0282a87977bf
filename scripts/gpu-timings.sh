#!/usr/bin/env bash
# Times `--backend gpu` next to rayon on all cores: squares, the prime test and the gas. Rounds
# are interleaved (each round runs every task on both), so a busy machine slows both alike; the
# table shows the median over ROUNDS rounds of the task's own time ("seconds" in the JSON; the
# GPU's excludes opening the device and compiling the shaders) and, in brackets, of the whole
# command. Needs `cargo build --release --features gpu`. Markdown on stdout.
#   bash scripts/gpu-timings.sh [ROUNDS]          (BIG=1 adds 10^8 squares, one round)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BIN=target/release/parlab
export NODEVICE_SELECT=1
TASKS=(
  "squares --count 1000000"
  "squares --count 10000000"
  "prime 489133282872437279"
  "prime 999999874000003969"
  "gas --particles 20000 --steps 4000 --record 0"
  "gas --particles 1000000 --steps 1000 --record 0"
)
CONFIGS=(rayon gpu)

declare -A INSIDE WALL
run() { # config, task index, rounds
  for _ in $(seq "$3"); do
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    out=$("$BIN" ${TASKS[$2]} --backend "$1" --json 2>/dev/null)
    t1=$(date +%s.%N)
    INSIDE[$1,$2]+="$(sed -n 's/.*"seconds": *\([0-9.eE+-]*\).*/\1/p' <<<"$out") "
    WALL[$1,$2]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}') "
  done
}
for _ in $(seq "$ROUNDS"); do
  for t in "${!TASKS[@]}"; do
    for c in "${CONFIGS[@]}"; do run "$c" "$t" 1; done
  done
done
if [ "${BIG:-0}" = 1 ]; then
  TASKS+=("squares --count 100000000")
  for c in "${CONFIGS[@]}"; do run "$c" $((${#TASKS[@]} - 1)) 1; done
fi

median() { tr ' ' '\n' | grep . | sort -g |
  awk '{v[NR] = $1} END {printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); gpu: $("$BIN" gpu 2>/dev/null | tail -1)"
echo "median of $ROUNDS interleaved rounds; seconds inside the task (whole command)"
echo
echo "| task | rayon, $(nproc) workers | gpu | gpu / rayon |"
echo "|---|---|---|---|"
for t in "${!TASKS[@]}"; do
  r=$(median <<<"${INSIDE[rayon,$t]}")
  g=$(median <<<"${INSIDE[gpu,$t]}")
  echo "| ${TASKS[$t]} | $r ($(median <<<"${WALL[rayon,$t]}")) | $g ($(median <<<"${WALL[gpu,$t]}")) |" \
    "$(awk -v a="$g" -v b="$r" 'BEGIN {printf "%.1f×", a / b}') |"
done
