#!/usr/bin/env python3
"""What evcxr's rust-analyzer loads at a notebook's `:dep parlab` cell, with and without the kernel's
cargo settings.

evcxr asks `cargo metadata` for the dependency graph of its build folder and loads every package
it lists. statrs names nalgebra as an optional dependency through weak features
(`nalgebra?/std`), which parlab leaves off, and `cargo metadata` lists it anyway
(rust-lang/cargo#10801), with four copies of glam: about a million lines that no cell can use.
The kernel's launcher (notebooks/kernel/launch.sh) points nalgebra at the empty crate in
notebooks/kernel/stubs/. This script runs that launcher the way Jupyter does (with `true` in
place of evcxr), writes a build folder as evcxr does, and prints the packages and lines the
graph holds with and without the launcher's settings. It fails when the kernel's graph still
holds nalgebra's real crate or glam.

Usage: kernel_graph.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL = ROOT / "notebooks" / "kernel"
PHANTOMS = {"glam", "nalgebra", "simba", "wide", "safe_arch", "typenum", "matrixmultiply"}


def build_folder(parent: Path) -> Path:
    """A build folder like evcxr's: a cdylib crate that depends on parlab as the notebooks do."""
    slot = parent / "slot"
    (slot / "src").mkdir(parents=True)
    (slot / "src" / "lib.rs").write_text("")
    (slot / "Cargo.toml").write_text(
        '[package]\nname = "ctx"\nversion = "1.0.0"\nedition = "2024"\n\n'
        '[lib]\ncrate-type = ["cdylib"]\npath = "src/lib.rs"\n\n'
        f'[dependencies]\nparlab = {{ path = "{ROOT}", default-features = false }}\n'
    )
    return slot


def graph(slot: Path):
    """(packages, lines of Rust, names) of the graph `cargo metadata` gives rust-analyzer."""
    host = subprocess.run(
        ["rustc", "--print", "host-tuple"], check=True, capture_output=True, text=True
    ).stdout.strip()
    # As evcxr's rust-analyzer asks: this machine's target only.
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--filter-platform", host],
        cwd=slot, check=True, capture_output=True, text=True,
    ).stdout
    packages = json.loads(out)["packages"]
    lines = 0
    for p in packages:
        for path in Path(p["manifest_path"]).parent.glob("src/**/*.rs"):
            lines += path.read_bytes().count(b"\n")
    return len(packages), lines, packages


def main():
    with tempfile.TemporaryDirectory(prefix="parlab-kernel-graph-") as tmp:
        tmp = Path(tmp)
        # The launcher writes <cache>/.cargo/config.toml, then starts "evcxr" (here: true).
        cache = tmp / "cache"
        env = dict(os.environ, PARLAB_EVCXR_CACHE=str(cache), PARLAB_EVCXR_JUPYTER=shutil.which("true"))
        env.pop("EVCXR_TMPDIR", None)
        subprocess.run(["bash", str(KERNEL / "launch.sh")], check=True, env=env)
        kernel = graph(build_folder(cache))
        plain = graph(build_folder(tmp / "plain"))
    for label, (n, lines, _) in [("plain cargo", plain), ("the kernel's settings", kernel)]:
        print(f"{label:>22}: {n} packages, {lines / 1e6:.2f} M lines of Rust for rust-analyzer to load")
    left = sorted(
        f"{p['name']} {p['version']}"
        for p in kernel[2]
        if p["name"] in PHANTOMS and "stubs" not in p["manifest_path"]
    )
    if left:
        sys.exit(f"the kernel's graph still lists {', '.join(left)}: see notebooks/kernel/stubs/")
    print("no nalgebra or glam in the kernel's graph (nalgebra is the empty stub)")


if __name__ == "__main__":
    main()
