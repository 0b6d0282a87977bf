#!/usr/bin/env bash
# Installs what parlab's full test suite needs on a fresh Debian/Ubuntu machine (run as root, or
# with sudo available). Idempotent: anything already present is skipped. Each step prints its time.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- system packages -------------------------------------------------------------------------
APT_PACKAGES=(pkg-config python3-venv)
# MPI backend (cargo feature `mpi`): Open MPI, and libclang + a C compiler for the bindings' build.
APT_PACKAGES+=(libopenmpi-dev openmpi-bin libclang-dev gcc)
# GPU backend (cargo feature `gpu`) on a machine without a GPU: Mesa's llvmpipe Vulkan device.
APT_PACKAGES+=(mesa-vulkan-drivers)
apt_install() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then echo "all apt packages present"; return; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
step "apt packages" apt_install

# --- Rust components -------------------------------------------------------------------------
rust_components() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first"; exit 1; }
  cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
  cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
}
step "rust components" rust_components

# --- notebooks: evcxr kernel + Python venv with Jupyter ------------------------------------
bash scripts/setup-notebooks.sh
