#!/usr/bin/env bash
# Times `parlab mpi` with 1, 2 and 4 ranks (and 1 or 2 threads per rank) next to the single-machine
# CLI. The runs are interleaved (each round runs every configuration once), so a busy machine
# slows all of them alike; the table shows the median over ROUNDS rounds of the task's own time
# ("seconds" in the JSON) and, in brackets, of the whole command (MPI start-up included).
# Needs `cargo build --release --features mpi`. Markdown on stdout.
#   bash scripts/mpi-timings.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
BIN=target/release/parlab
N=489133282872437279
MPIRUN=(mpirun --oversubscribe)
if [ "$(id -u)" -eq 0 ]; then MPIRUN+=(--allow-run-as-root); fi

# One function per configuration; the task's arguments come as "$@".
c_rayon1() { "$BIN" "$@" --backend rayon --workers 1; }
c_rayon2() { "$BIN" "$@" --backend rayon --workers 2; }
c_n1t1() { "${MPIRUN[@]}" -n 1 "$BIN" mpi --threads-per-rank 1 "$@"; }
c_n1t2() { "${MPIRUN[@]}" -n 1 --bind-to none "$BIN" mpi --threads-per-rank 2 "$@"; }
c_n2t1() { "${MPIRUN[@]}" -n 2 "$BIN" mpi --threads-per-rank 1 "$@"; }
c_n2t2() { "${MPIRUN[@]}" -n 2 --bind-to none "$BIN" mpi --threads-per-rank 2 "$@"; }
c_n4t1() { "${MPIRUN[@]}" -n 4 "$BIN" mpi --threads-per-rank 1 "$@"; }
CONFIGS=(c_rayon1 c_rayon2 c_n1t1 c_n1t2 c_n2t1 c_n2t2 c_n4t1)
declare -A LABEL=(
  [c_rayon1]="parlab (no MPI), rayon 1 worker"
  [c_rayon2]="parlab (no MPI), rayon 2 workers"
  [c_n1t1]="mpirun -n 1, 1 thread/rank"
  [c_n1t2]="mpirun -n 1 --bind-to none, 2 threads/rank"
  [c_n2t1]="mpirun -n 2, 1 thread/rank"
  [c_n2t2]="mpirun -n 2 --bind-to none, 2 threads/rank (4 threads)"
  [c_n4t1]="mpirun -n 4 (oversubscribed), 1 thread/rank"
)
TASKS=("squares --count 1000000" "prime $N")

declare -A INSIDE WALL
for _ in $(seq "$ROUNDS"); do
  for c in "${CONFIGS[@]}"; do
    for t in 0 1; do
      t0=$(date +%s.%N)
      # shellcheck disable=SC2086
      out=$($c ${TASKS[$t]} --json 2>/dev/null)
      t1=$(date +%s.%N)
      INSIDE[$c,$t]+="$(grep '"seconds"' <<<"$out" | tr -dc '0-9.') "
      WALL[$c,$t]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}') "
    done
  done
done

median() { tr ' ' '\n' | grep . | sort -g |
  awk '{v[NR] = $1} END {printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); median of $ROUNDS interleaved rounds;"
echo "seconds inside the task (whole command, MPI start-up included)"
echo
echo "| run | squares 10^6 | prime $N |"
echo "|---|---|---|"
for c in "${CONFIGS[@]}"; do
  echo "| ${LABEL[$c]} | $(median <<<"${INSIDE[$c,0]}") ($(median <<<"${WALL[$c,0]}")) |" \
    "$(median <<<"${INSIDE[$c,1]}") ($(median <<<"${WALL[$c,1]}")) |"
done
