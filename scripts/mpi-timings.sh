#!/usr/bin/env bash
# Times `parlab mpi` with 1, 2 and 4 ranks (and 1 or 2 threads per rank) next to the single-machine
# CLI: median of RUNS runs of the task's own time ("seconds" in the JSON) and of the whole command
# (MPI start-up included). Needs `cargo build --release --features mpi`. Markdown on stdout.
#   bash scripts/mpi-timings.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BIN=target/release/parlab
N=489133282872437279
MPIRUN=(mpirun --oversubscribe)
if [ "$(id -u)" -eq 0 ]; then MPIRUN+=(--allow-run-as-root); fi

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# time_it LABEL FLAGS COMMAND...: one table row: `COMMAND... TASK FLAGS --json` for both tasks.
time_it() {
  local label=$1 flags=$2; shift 2
  local row="| $label |"
  for task in "squares --count 1000000" "prime $N"; do
    local inside=() wall=()
    for _ in $(seq "$RUNS"); do
      local t0 t1 out
      t0=$(date +%s.%N)
      # shellcheck disable=SC2086
      out=$("$@" $task $flags --json 2>/dev/null)
      t1=$(date +%s.%N)
      inside+=("$(grep '"seconds"' <<<"$out" | tr -dc '0-9.')")
      wall+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
    done
    row+=" $(printf '%s\n' "${inside[@]}" | median | xargs printf '%.2f')"
    row+=" ($(printf '%s\n' "${wall[@]}" | median | xargs printf '%.2f')) |"
  done
  echo "$row"
}

echo "$(nproc) cores; median of $RUNS runs; seconds inside the task (whole command, MPI start-up included)"
echo
echo "| run | squares 10^6 | prime $N |"
echo "|---|---|---|"
time_it "parlab, rayon 1 worker" "--backend rayon --workers 1" "$BIN"
time_it "parlab, rayon 2 workers" "--backend rayon --workers 2" "$BIN"
time_it "mpirun -n 1, 1 thread/rank" "" "${MPIRUN[@]}" -n 1 "$BIN" mpi --threads-per-rank 1
time_it "mpirun -n 1 --bind-to none, 2 threads/rank" "" "${MPIRUN[@]}" -n 1 --bind-to none "$BIN" mpi --threads-per-rank 2
time_it "mpirun -n 2, 1 thread/rank" "" "${MPIRUN[@]}" -n 2 "$BIN" mpi --threads-per-rank 1
time_it "mpirun -n 2 --bind-to none, 2 threads/rank" "" "${MPIRUN[@]}" -n 2 --bind-to none "$BIN" mpi --threads-per-rank 2
time_it "mpirun -n 4 (oversubscribed), 1 thread/rank" "" "${MPIRUN[@]}" -n 4 "$BIN" mpi --threads-per-rank 1
