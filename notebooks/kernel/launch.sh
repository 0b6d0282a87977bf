#!/usr/bin/env bash
# The "Rust (parlab)" Jupyter kernel: evcxr_jupyter with a build folder that outlives the kernel.
#
# evcxr builds every dependency of a notebook (parlab, rayon, plotters, ...) in a fresh temporary
# folder at each kernel start unless EVCXR_TMPDIR names a folder to keep. This launcher gives each
# running kernel its own kept folder, a "slot" under ~/.cache/parlab/evcxr, held with flock for the
# kernel's lifetime: the next kernel reuses the compiled dependencies (cargo rebuilds only what
# changed, parlab's sources included), and two notebooks open at once get two slots instead of
# clashing. An EVCXR_TMPDIR set by the caller wins.
set -euo pipefail
# evcxr runs cargo and rustc; JupyterLab may be started from a shell without rustup's PATH.
case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) PATH=$HOME/.cargo/bin:$PATH ;; esac
# Each cell is a shared library that needs Rust's libstd-*.so. Its RUNPATH is relative to the
# build folder, and rustc gets it wrong for folders under $HOME (one `..` too many): dlopen
# fails. Naming the toolchain's library folder here makes every build folder work.
if libdir=$(rustc --print target-libdir 2>/dev/null); then
  export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
# Mesa's Vulkan device-select layer prints "XDG_RUNTIME_DIR is invalid" on stderr on headless
# machines when a cell looks for a GPU (notebook 06); without the layer wgpu finds the same devices.
export NODEVICE_SELECT=${NODEVICE_SELECT:-1}
# flock(1) is Linux's (util-linux); macOS has none, so Python takes the same lock on the fd.
lock_fd() {
  if command -v flock >/dev/null; then
    flock -n "$1"
  else
    python3 -c 'import fcntl, sys; fcntl.flock(int(sys.argv[1]), fcntl.LOCK_EX | fcntl.LOCK_NB)' "$1" 2>/dev/null
  fi
}
here=$(cd "$(dirname "$0")" && pwd)
EVCXR=${PARLAB_EVCXR_JUPYTER:-@EVCXR_JUPYTER@}
[ -x "$EVCXR" ] || EVCXR=$(command -v evcxr_jupyter)
if [ -z "${EVCXR_TMPDIR:-}" ]; then
  base=${PARLAB_EVCXR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/parlab/evcxr}
  # Cargo reads .cargo/config.toml from the parent of every slot: the library and its
  # dependencies stay at opt-level 2 whatever `:opt` a notebook sets for its cells, and
  # nalgebra, which statrs names but parlab never enables, is the empty crate in stubs/ (see
  # stubs/nalgebra/Cargo.toml: it saves about 6 CPU seconds of every `:dep` cell).
  mkdir -p "$base/.cargo"
  config=$(cat "$here/cargo-config.toml"; printf '\n[patch.crates-io]\nnalgebra = { path = "%s" }\n' "$here/stubs/nalgebra")
  [ "$config" = "$(cat "$base/.cargo/config.toml" 2>/dev/null)" ] || printf '%s\n' "$config" >"$base/.cargo/config.toml"
  for n in $(seq 0 63); do
    dir=$base/slot-$n
    mkdir -p "$dir"
    # fd 9, not bash 4's {var} form: macOS's /bin/bash is 3.2.
    exec 9>"$dir/.lock"
    if lock_fd 9; then
      # The lock stays with this process (and evcxr, which it becomes) until the kernel exits.
      export EVCXR_TMPDIR=$dir
      break
    fi
    exec 9>&-
  done
fi
exec "$EVCXR" "$@"
