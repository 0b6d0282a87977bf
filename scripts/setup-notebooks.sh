#!/usr/bin/env bash
# Sets up the notebooks without conda and without root: the evcxr Jupyter kernel (Rust) and a
# Python venv with JupyterLab and nbclient. Idempotent. Then: .venv/bin/jupyter lab notebooks/
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# --- evcxr Jupyter kernel (the notebooks' Rust kernel) ---------------------------------------
# Building it takes ~25 minutes on 2 cores, so it is installed once per machine and reused.
EVCXR_VERSION=0.22.0
evcxr_kernel() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if command -v evcxr_jupyter >/dev/null &&
    cargo install --list | grep -q "^evcxr_jupyter v$EVCXR_VERSION:"; then
    echo "evcxr_jupyter $EVCXR_VERSION already installed"
  else
    cargo install "evcxr_jupyter@$EVCXR_VERSION" --locked
  fi
  evcxr_jupyter --install >/dev/null
}
step "evcxr_jupyter kernel" evcxr_kernel

# --- Python venv with Jupyter (JupyterLab to open notebooks, nbclient to run them headless) ---
VENV=${PARLAB_VENV:-.venv}
python_venv() {
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  # pip runs again only when requirements.txt changed (so a second start needs no network).
  local stamp="$VENV/.parlab-requirements"
  if cmp -s notebooks/requirements.txt "$stamp"; then
    echo "requirements already installed"
    return
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r notebooks/requirements.txt
  cp notebooks/requirements.txt "$stamp"
}
step "python venv ($VENV)" python_venv

# --- the "Rust (parlab)" kernel: evcxr with a kept build folder per running kernel ------------
# notebooks/kernel/launch.sh (see its comment): the first notebook ever compiles parlab and its
# dependencies (about a minute and a half on 2 cores); later kernel starts reuse that build.
parlab_kernel() {
  "$VENV/bin/jupyter" kernelspec install --sys-prefix --name parlab notebooks/kernel >/dev/null
  local dir evcxr
  dir=$("$VENV/bin/jupyter" kernelspec list --json |
    "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["kernelspecs"]["parlab"]["resource_dir"])')
  evcxr=$(command -v evcxr_jupyter || echo "$HOME/.cargo/bin/evcxr_jupyter")
  sed -i.orig "s|@EVCXR_JUPYTER@|$evcxr|" "$dir/launch.sh" && rm -f "$dir/launch.sh.orig" # GNU and BSD sed
  echo "kernel 'parlab' (Rust (parlab)) in $dir, running $evcxr"
}
step "jupyter kernel parlab" parlab_kernel

# --- the cluster's engine program (notebook 04 starts engines; building them there would take a
# minute inside a cell) -------------------------------------------------------------------------
step "parlab-engine (release)" cargo build --release --quiet --bin parlab-engine
