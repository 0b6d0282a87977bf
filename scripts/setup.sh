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
# The dashboard's real-browser check (scripts/browser): Debian's chromium, and Node.js + npm
# when no node is on PATH (playwright-core wants Node >= 20).
APT_PACKAGES+=(chromium)
command -v node >/dev/null || APT_PACKAGES+=(nodejs npm)
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

# --- the browser check's driver: playwright-core, pinned in scripts/browser/package-lock.json
browser_driver() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then echo "warning: Node $major here; playwright-core 1.65 wants Node >= 20"; fi
  if [ -d scripts/browser/node_modules/playwright-core ]; then echo "playwright-core present"; return; fi
  (cd scripts/browser && npm ci --no-audit --no-fund)
}
step "browser driver (npm ci in scripts/browser)" browser_driver

# --- Rust components -------------------------------------------------------------------------
rust_components() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first"; exit 1; }
  cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
  cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
  # std's sources, for test.sh's macOS type-check (cargo check -Zbuild-std --target *-apple-darwin)
  [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ] || rustup component add rust-src
}
step "rust components" rust_components

# --- notebooks: evcxr kernel + Python venv with Jupyter ------------------------------------
bash scripts/setup-notebooks.sh
