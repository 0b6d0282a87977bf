# Shared by parlab's scripts: `step NAME COMMAND...` runs a command and prints its time.
step() {
  local name=$1
  shift
  local t0=$SECONDS
  echo "==> $name"
  "$@"
  echo "<== $name: done in $((SECONDS - t0)) s"
}
