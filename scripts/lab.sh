#!/usr/bin/env bash
# The way in: from a fresh laptop to JupyterLab with parlab's notebooks, in one command.
#
#   bash scripts/lab.sh [--check] [--no-browser] [--port N]
#
# 1. Checks the prerequisites first and, for each one missing, says exactly what to install
#    (nothing long runs before that): Linux, macOS or WSL; Rust >= 1.95 with cargo (what
#    evcxr_jupyter 0.22 needs); a C linker (cc); python3 >= 3.9 able to make a venv
#    (python3-venv on Debian/Ubuntu/WSL); ~3 GB of free disk.
# 2. Sets up what is missing, once (scripts/setup-notebooks.sh, idempotent, no root): the evcxr
#    Jupyter kernel (a one-time build of 10-25 minutes), a Python venv with JupyterLab
#    ($PARLAB_VENV, default .venv) and the "Rust (parlab)" kernel.
# 3. Starts JupyterLab on 127.0.0.1 with a random token, opens notebooks/ in the browser where
#    there is one, prints the address, and runs until Ctrl-C.
#
# --check: stop after step 1. --no-browser: only print the address. --port N: listen on N
# (default: the first free port from 8888).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

CHECK_ONLY=0 BROWSER=1 PORT=""
while [ $# -gt 0 ]; do
  case $1 in
    --check) CHECK_ONLY=1 ;;
    --no-browser) BROWSER=0 ;;
    --port) PORT=${2:?--port needs a number}; shift ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "lab.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

VENV=${PARLAB_VENV:-.venv}
RUST_MIN=1.95 # evcxr_jupyter 0.22.0's rust-version
EVCXR_VERSION=0.22.0
export PATH="$HOME/.cargo/bin:$PATH"

# --- 1. prerequisites: every missing one is named, with what to install, before anything runs --
OS=$(uname -s)
IS_WSL=0
if [ "$OS" = Linux ] && grep -qi microsoft /proc/version 2>/dev/null; then IS_WSL=1; fi
if [ -r /etc/debian_version ]; then DEBIAN=1; else DEBIAN=0; fi
missing=()
need() { missing+=("$1"); }

case $OS in
  Linux | Darwin) ;;
  MINGW* | MSYS* | CYGWIN*)
    need "a Linux shell: parlab runs on Linux and macOS; on Windows install WSL
      (PowerShell as administrator: wsl --install), open Ubuntu and run this command there" ;;
  *) need "Linux, macOS or WSL: parlab has not been built on $OS" ;;
esac

version_ge() { # version_ge A B: is A >= B (dotted numbers)?
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -t. -k1,1n -k2,2n -k3,3n | head -n1)" = "$2" ]
}
if ! command -v cargo >/dev/null || ! command -v rustc >/dev/null; then
  need "Rust (rustc and cargo >= $RUST_MIN): curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh
      then open a new terminal (or: . \"\$HOME/.cargo/env\")"
else
  rust_version=$(rustc --version | awk '{print $2}')
  rust_version=${rust_version%%-*}
  if ! version_ge "$rust_version" "$RUST_MIN"; then
    if command -v rustup >/dev/null; then
      need "Rust >= $RUST_MIN (this is $rust_version): rustup update stable"
    else
      need "Rust >= $RUST_MIN (this is $rust_version, not from rustup): install rustup from
      https://rustup.rs (distribution packages of Rust are usually older)"
    fi
  fi
fi

if ! command -v cc >/dev/null; then
  if [ "$OS" = Darwin ]; then
    need "a C linker (cc): xcode-select --install"
  elif [ "$DEBIAN" = 1 ]; then
    need "a C linker (cc): sudo apt install build-essential"
  else
    need "a C linker (cc): install gcc or clang with your package manager"
  fi
fi

venv_hint() {
  if [ "$DEBIAN" = 1 ]; then
    local v
    v=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null || true)
    echo "sudo apt install python3-venv${v:+ (or python$v-venv)}"
  elif [ "$OS" = Darwin ]; then
    echo "brew install python (Apple's python3 from the Command Line Tools also works)"
  else
    echo "install your distribution's python3 venv package (e.g. python3-venv)"
  fi
}
if ! command -v python3 >/dev/null; then
  if [ "$DEBIAN" = 1 ]; then
    need "python3 (>= 3.9) with its venv module: sudo apt install python3 python3-venv"
  else
    need "python3 (>= 3.9): $(venv_hint)"
  fi
elif ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
  need "python3 >= 3.9 (this is $(python3 --version 2>&1)): JupyterLab 4 needs it; $(venv_hint)"
elif [ ! -x "$VENV/bin/python" ]; then
  # The only sure test: make a throwaway venv (a few seconds). Debian's python3 has the venv
  # module without ensurepip, and fails only here.
  probe=$(mktemp -d)
  if ! python3 -m venv "$probe/venv" >"$probe/log" 2>&1; then
    need "python3's venv module (python3 -m venv said: $(tr -s '\n ' '  ' <"$probe/log" | cut -c1-110)...):
      $(venv_hint)"
  fi
  rm -rf "$probe"
fi

free_kb=$(df -Pk "$HOME" 2>/dev/null | awk 'NR==2 {print $4}' || true)
if [ -n "$free_kb" ] && [ "$free_kb" -lt 3000000 ]; then
  need "about 3 GB of free disk under $HOME (free: $((free_kb / 1024)) MB): the evcxr build and
      parlab's notebook builds live in ~/.cargo and ~/.cache/parlab"
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "lab.sh: missing before the notebooks can run (nothing was installed or built):" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  echo "Install these, then run: bash scripts/lab.sh" >&2
  exit 1
fi

cores=$( (nproc || sysctl -n hw.ncpu) 2>/dev/null || echo 2)
have_evcxr=0
if command -v evcxr_jupyter >/dev/null && cargo install --list 2>/dev/null |
  grep -q "^evcxr_jupyter v$EVCXR_VERSION:"; then have_evcxr=1; fi
echo "prerequisites: ok ($OS$([ "$IS_WSL" = 1 ] && echo ' (WSL)'), rustc $(rustc --version | awk '{print $2}'), $(python3 --version 2>&1), $cores cores)"
if [ "$have_evcxr" = 0 ]; then
  echo "one-time build ahead: evcxr_jupyter $EVCXR_VERSION (the notebooks' Rust kernel), 10-25" \
    "minutes on 2 cores, less with more (this machine: $cores); then the first notebook" \
    "compiles parlab (1-2 minutes). Later starts take seconds."
fi
[ "$CHECK_ONLY" = 1 ] && exit 0

# --- 2. what is missing: evcxr, the venv, the kernel spec (each step skips what is there) -------
PARLAB_VENV=$VENV bash scripts/setup-notebooks.sh

# --- 3. JupyterLab on 127.0.0.1 with a token --------------------------------------------------
PY="$VENV/bin/python"
TOKEN=$("$PY" -c 'import secrets; print(secrets.token_hex(24))')
if [ -z "$PORT" ]; then
  PORT=$("$PY" - <<'EOF'
import socket
for port in range(8888, 8988):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
EOF
  )
fi
ARGS=(--no-browser --ServerApp.ip=127.0.0.1 "--ServerApp.port=$PORT" --ServerApp.port_retries=0
  "--IdentityProvider.token=$TOKEN" "--ServerApp.root_dir=$PWD")
if [ "$(id -u)" -eq 0 ]; then ARGS+=(--ServerApp.allow_root=True); fi
LOG=${TMPDIR:-/tmp}/parlab-jupyterlab-$PORT.log
"$VENV/bin/jupyter" lab "${ARGS[@]}" >"$LOG" 2>&1 &
LAB=$!
trap 'kill "$LAB" 2>/dev/null; wait "$LAB" 2>/dev/null; exit 0' INT TERM
trap 'kill "$LAB" 2>/dev/null || true' EXIT

BASE="http://127.0.0.1:$PORT"
ready=0
for _ in $(seq 1 120); do
  if "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "$BASE/api/status?token=$TOKEN" 2>/dev/null; then ready=1; break; fi
  kill -0 "$LAB" 2>/dev/null || break
  sleep 0.5
done
if [ "$ready" = 0 ]; then
  echo "lab.sh: JupyterLab did not start; its log ($LOG) ends with:" >&2
  tail -n 20 "$LOG" >&2
  exit 1
fi

URL="$BASE/lab/tree/notebooks?token=$TOKEN"
opened=""
if [ "$BROWSER" = 1 ]; then
  if [ "$OS" = Darwin ]; then
    open "$URL" && opened=yes
  elif [ "$IS_WSL" = 1 ] && command -v wslview >/dev/null; then
    wslview "$URL" && opened=yes
  elif [ "$IS_WSL" = 1 ] && command -v explorer.exe >/dev/null; then
    explorer.exe "$URL" || true # exits 1 even when it opened the page
    opened=yes
  elif [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null; then
    xdg-open "$URL" >/dev/null 2>&1 && opened=yes
  fi
fi
cat <<EOF

JupyterLab is running (kernel "Rust (parlab)"; log: $LOG).
${opened:+Opened in your browser. }Open this address to reach the notebooks:

    $URL

Stop it with Ctrl-C.
EOF
wait "$LAB"
