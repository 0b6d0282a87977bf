#!/usr/bin/env python3
"""Time every cell of parlab's notebooks in the evcxr kernel that JupyterLab starts.

Starts the kernel with jupyter_client (the kernel spec's own argv and environment, as JupyterLab
does, cwd = notebooks/), runs each notebook's code cells one by one, and records the wall time of
each cell from `execute_request` to the kernel going idle. Writes a per-notebook, per-cell table
as markdown and JSON (target/notebook-timings.md, .json) and prints the markdown.

Goals (issue 21), in the kernel after setup and one earlier notebook, notebooks in any order:
the `:dep` cell <= 4 s; the median of the other cells <= 0.8 s (cells that do deliberate long
work aside: the ones tagged `slow` below); a cell that defines a 10-line function and calls it
(the probe cell this script adds after each notebook's own cells) <= 1 s. Each notebook gets
PASS/FAIL per goal. It is a benchmark, printed by CI, not a gate: the run fails only when a
cell fails. Wall times on a shared machine move with its load, so each cell's CPU seconds
(the kernel process and the compilers it waited for, from /proc on Linux) are shown beside them.

--floor also times what evcxr itself costs here, whatever the library: `:dep` of a crate with
no dependencies, a one-line cell and the same 10-line function cell; then the same with a crate
that has parlab's dependencies (with the notebooks' features) and no code of its own, the floor
under any `:dep parlab` cell.

Usage: notebook_timings.py [--kernel NAME] [--label TEXT] [--order sorted|reverse|shuffle]
                           [--no-warm-up] [--floor] [--baseline OLD.json] [NOTEBOOK ...]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import time
from pathlib import Path

import jupyter_client
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "target"

# Cells that do deliberate long work (measure whole runs, sleep, start a cluster): by notebook,
# the substrings that mark them, plus ALWAYS_SLOW in every notebook (the module's timed cells,
# which print "Execution time = ..."). They are timed and shown but left out of the median.
ALWAYS_SLOW = ["Execution time =", "std::thread::sleep", "CpuMonitor", "ask_in_notebook"]
SLOW = {
    "00-introduction.ipynb": ["Method::Trial", "check_prime("],
    "01-multiprocess.ipynb": ["check_prime(", "experiment("],
    "02-concurrent-futures.ipynb": ["squares_io(", "check_prime(", "0..1_000_000"],
    "03-joblib.ipynb": ["check_prime("],
    "04-ipyparallel.ipynb": ["Cluster::start", "check_prime("],
    "05-dask.ipynb": ["check_prime("],
    # Gpu::new() opens the device and compiles the shaders (as 04's Cluster::start starts
    # engines); the CPU-against-GPU cell and the 10^5-task dask maps are timed runs.
    "06-cuda-summary.ipynb": ["table::measure", "Gpu::new()", "squares(gpu", "client.map("],
    "07-exercise-gas.ipynb": ["particles: 100_000", "particles: 1_000_000", "CpuMonitor::watch", "simulate("],
}


# The goals, seconds.
GOAL_DEP, GOAL_MEDIAN, GOAL_FN = 4.0, 0.8, 1.0

# A student's cell: a 10-line function, defined and called (a new name in every notebook, so
# evcxr compiles it anew).
FN_CELL = """fn probe_steps_{n}(mut n: u64) -> u64 {{
    let mut steps = 0;
    while n != 1 {{
        n = if n % 2 == 0 {{ n / 2 }} else {{ 3 * n + 1 }};
        steps += 1;
    }}
    steps
}}
let probe_total_{n}: u64 = (1..1000).map(probe_steps_{n}).sum();
println!("{{probe_total_{n}}}");"""


def cpu_seconds(pid):
    """CPU seconds of process `pid` and of the children it waited for (Linux), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(f) for f in fields[11:15])
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def run_cell(kc, code, timeout, pid=None):
    """Runs `code`, returns (seconds, error text or None, CPU seconds or None)."""
    c0 = cpu_seconds(pid) if pid else None
    t0 = time.monotonic()
    msg_id = kc.execute(code, store_history=True, allow_stdin=False)
    error = None
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "error":
            error = msg["content"].get("evalue", "error")
        elif kind == "stream" and "panicked at" in msg["content"].get("text", ""):
            error = msg["content"]["text"][:300]
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            seconds = time.monotonic() - t0
            c1 = cpu_seconds(pid) if pid else None
            cpu = round(c1 - c0, 2) if c0 is not None and c1 is not None else None
            return seconds, error, cpu


def start_kernel(kernel, cwd):
    km = jupyter_client.KernelManager(kernel_name=kernel)
    km.start_kernel(cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    pid = getattr(getattr(km, "provisioner", None), "process", None)
    return km, kc, getattr(pid, "pid", None)


def run_cells(cells, kernel, cwd, timeout):
    """Runs `cells` [(index, source, dep, slow)] in a new kernel: (kernel start s, rows)."""
    t0 = time.monotonic()
    km, kc, pid = start_kernel(kernel, cwd)
    rows = []
    try:
        kc.wait_for_ready(timeout=120)
        started = time.monotonic() - t0
        for i, source, dep, slow in cells:
            seconds, error, cpu = run_cell(kc, source, timeout, pid)
            first = source.strip().splitlines()[0] if source.strip() else ""
            rows.append(
                {
                    "cell": i,
                    "first_line": first[:60],
                    "seconds": round(seconds, 3),
                    "cpu": cpu,
                    "dep": dep,
                    "slow": slow,
                    "probe": i == "fn",
                    "error": error,
                }
            )
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return started, rows


def summary(name, started, rows):
    """One notebook's figures and its verdict on each goal."""
    others = [r for r in rows if not r["dep"] and not r["slow"] and not r["probe"]]
    dep = next((r for r in rows if r["dep"]), None)
    probe = next((r for r in rows if r["probe"]), None)
    median = statistics.median(r["seconds"] for r in others) if others else None
    cpus = [r["cpu"] for r in others if r["cpu"] is not None]
    verdict = lambda value, goal: None if value is None else value <= goal  # noqa: E731
    return {
        "notebook": name,
        "kernel_start": round(started, 3),
        "dep": dep["seconds"] if dep else None,
        "dep_cpu": dep["cpu"] if dep else None,
        "median_other": round(median, 3) if median is not None else None,
        "median_other_cpu": round(statistics.median(cpus), 2) if cpus else None,
        "fn_cell": probe["seconds"] if probe else None,
        "fn_cell_cpu": probe["cpu"] if probe else None,
        "goals": {
            "dep": verdict(dep["seconds"] if dep else None, GOAL_DEP),
            "median_other": verdict(median, GOAL_MEDIAN),
            "fn_cell": verdict(probe["seconds"] if probe else None, GOAL_FN),
        },
        "total": round(sum(r["seconds"] for r in rows), 3),
        "errors": [r for r in rows if r["error"]],
        "cells": rows,
    }


def time_notebook(path, kernel, timeout, number):
    nb = nbformat.read(path, as_version=4)
    slow_marks = SLOW.get(path.name, []) + ALWAYS_SLOW
    cells = [
        (i, c.source, c.source.lstrip().startswith(":dep parlab"), any(m in c.source for m in slow_marks))
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
    ]
    cells.append(("fn", FN_CELL.format(n=number), False, False))
    started, rows = run_cells(cells, kernel, path.parent, timeout)
    return summary(path.name, started, rows)


def warm_up(kernel, timeout):
    """The `:dep` cell of 00 in a kernel of its own: every timed notebook then comes after one
    earlier notebook (a fresh build folder is built here, not in the first timed notebook)."""
    nb = nbformat.read(NOTEBOOKS / "00-introduction.ipynb", as_version=4)
    dep = next(c.source for c in nb.cells if c.cell_type == "code" and ":dep parlab" in c.source)
    t0 = time.monotonic()
    _, rows = run_cells([(0, dep, True, False)], kernel, NOTEBOOKS, timeout)
    print(f"warm-up (00's :dep in a kernel of its own): {time.monotonic() - t0:.1f} s", flush=True)
    return rows


def time_floor(kernel, timeout, label, name, dependencies, lib_rs, first_lines, number):
    """Times a crate `name` made under target/ (its `[dependencies]` lines and lib.rs given),
    loaded by a `:dep` cell that also runs `first_lines`, then three one-line cells and the
    10-line function cell; the first run builds, the second is timed."""
    crate = OUT / f"evcxr-{name}"
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
        + "".join(line + "\n" for line in dependencies)
    )
    (crate / "src" / "lib.rs").write_text(lib_rs + "pub fn one() -> usize {\n    1\n}\n")
    cells = [
        (0, f':dep {name} = {{ path = "{crate}" }}\n{first_lines}', True, False),
        (1, 'println!("{x}");', False, False),
        (2, "let y = x + 1;", False, False),
        (3, 'println!("{y}");', False, False),
        ("fn", FN_CELL.format(n=number), False, False),
    ]
    run_cells(cells, kernel, NOTEBOOKS, timeout)
    started, rows = run_cells(cells, kernel, NOTEBOOKS, timeout)
    return summary(label, started, rows)


def floor(kernel, timeout):
    """What evcxr costs here whatever the library: `:dep` of a crate with no dependencies, a
    one-line cell, the 10-line function cell."""
    return time_floor(
        kernel, timeout, "evcxr floor (no library)", "floor", [], "", "let x = floor::one();", 0
    )


def floor_deps(kernel, timeout, features=()):
    """What evcxr costs here with parlab's dependencies and none of parlab's code: a crate that
    depends on what a notebook's parlab depends on (its non-optional dependencies, with the same
    features) and re-exports them all, loaded and used the way a notebook's `:dep` cell loads
    parlab. The `:dep` goal cannot be met below this figure without fewer dependencies."""
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
    )
    parlab = next(p for p in meta["packages"] if p["name"] == "parlab")
    # The features' optional dependencies too (`gpu = ["dep:wgpu", ...]`: 06's `:dep` line).
    extra = {f[4:] for feature in features for f in parlab["features"][feature] if f.startswith("dep:")}
    deps = [
        d for d in parlab["dependencies"]
        if d["kind"] is None and (not d["optional"] or d["name"] in extra)
    ]
    lines = [
        f'{d["name"]} = {{ version = {json.dumps(d["req"])}, default-features = '
        f'{str(d["uses_default_features"]).lower()}, features = '
        f'[{", ".join(json.dumps(f) for f in d["features"])}] }}'
        for d in deps
    ]
    lib_rs = "#![allow(ambiguous_glob_reexports, unused_imports)]\n" + "".join(
        f"pub use {d['name'].replace('-', '_')}::*;\n" for d in deps
    )
    name = "floor_deps" + "".join(f"_{f}" for f in features)
    label = "evcxr floor (parlab's dependencies" + "".join(f" with `{f}`" for f in features)
    return time_floor(
        kernel, timeout, label + ", no parlab)", name, lines, lib_rs,
        f"use {name}::*;\nlet x = {name}::one();", 1,
    )


def concurrent_check(kernel, timeout):
    """Two kernels at once, as two notebooks open side by side: both must build and run parlab,
    each in a build folder of its own. Returns the two folders."""
    import threading

    code = (
        ':dep parlab = { path = "..", default-features = false }\n'
        "use parlab::prelude::*;\n"
        'println!("{} {:?}", std::env::var("EVCXR_TMPDIR").unwrap_or_default(), '
        "squares(&Sequential, 0..5)?.results);"
    )
    outputs, errors = [None, None], []

    def one(k):
        km = jupyter_client.KernelManager(kernel_name=kernel)
        km.start_kernel(cwd=str(NOTEBOOKS))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            msg_id = kc.execute(code, allow_stdin=False)
            text = ""
            while True:
                msg = kc.get_iopub_msg(timeout=timeout)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    text += msg["content"]["text"]
                elif msg["msg_type"] == "error":
                    errors.append(f"kernel {k}: {msg['content'].get('evalue')}")
                elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            outputs[k] = text.strip()
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    threads = [threading.Thread(target=one, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    folders = [(o or "").split(" ")[0] for o in outputs]
    ok = (
        not errors
        and all(o and o.endswith("[25, 25, 64, 64, 49]") for o in outputs)
        and folders[0] != folders[1]
    )
    print(f"two kernels at once: {outputs} -> {'ok' if ok else 'FAILED'} {errors}")
    if not ok:
        raise SystemExit(1)
    return folders


def mark(ok):
    return "" if ok is None else (" PASS" if ok else " FAIL")


def cell_text(value, cpu, ok=None):
    if value is None:
        return "-"
    text = f"{value:.2f}"
    if cpu is not None:
        text += f" ({cpu:.2f})"
    return text + mark(ok)


def markdown(results, label, baseline=None):
    before = {b["notebook"]: b for b in baseline or []}
    lines = [
        f"### Notebook cell timings{': ' + label if label else ''}",
        "",
        f"Goals: `:dep` <= {GOAL_DEP:g} s, median other cell <= {GOAL_MEDIAN:g} s, 10-line fn cell <= "
        f"{GOAL_FN:g} s. Wall seconds, (CPU seconds of the kernel and its compilers).",
        "",
        "| notebook | kernel start | `:dep` cell | median other cell | 10-line fn cell | all cells | errors |"
        + (" before: `:dep`, median, fn |" if before else ""),
        "|---|--:|--:|--:|--:|--:|--:|" + ("--:|" if before else ""),
    ]
    for r in results:
        g = r.get("goals", {})
        row = (
            f"| {r['notebook']} | {r['kernel_start']:.1f} | {cell_text(r['dep'], r.get('dep_cpu'), g.get('dep'))} | "
            f"{cell_text(r['median_other'], r.get('median_other_cpu'), g.get('median_other'))} | "
            f"{cell_text(r.get('fn_cell'), r.get('fn_cell_cpu'), g.get('fn_cell'))} | "
            f"{r['total']:.1f} | {len(r['errors'])} |"
        )
        if before:
            b = before.get(r["notebook"])
            fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
            row += (
                f" {fmt(b.get('dep'))}, {fmt(b.get('median_other'))}, {fmt(b.get('fn_cell'))} |"
                if b
                else " - |"
            )
        lines.append(row)
    judged = [r for r in results if "goals" in r and not r["notebook"].startswith("evcxr floor")]
    for goal, name in [("dep", "`:dep` cell"), ("median_other", "median other cell"), ("fn_cell", "10-line fn cell")]:
        verdicts = [r["goals"][goal] for r in judged if r["goals"][goal] is not None]
        if verdicts:
            lines.append(
                f"\n- {name}: {'PASS' if all(verdicts) else 'FAIL'} "
                f"({sum(verdicts)} of {len(verdicts)} notebooks within the goal)"
            )
    lines += ["", "Per cell (s; `dep` = the `:dep` cell, `slow` = deliberate long work, `fn` = the probe):", ""]
    for r in results:
        cells = ", ".join(
            f"{c['cell']}:{c['seconds']:.2f}"
            + ("dep" if c["dep"] else "")
            + ("slow" if c["slow"] else "")
            for c in r["cells"]
        )
        lines.append(f"- {r['notebook']}: {cells}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default="parlab", help="kernel spec name (default: parlab)")
    ap.add_argument("--label", default="", help="a heading for this run")
    ap.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    ap.add_argument("--out", default=str(OUT / "notebook-timings"), help="output path stem")
    ap.add_argument(
        "--concurrent-check",
        action="store_true",
        help="also start two kernels at once and check both work, in build folders of their own",
    )
    ap.add_argument("--order", choices=["sorted", "reverse", "shuffle"], default="sorted")
    ap.add_argument("--seed", type=int, default=21, help="--order shuffle's seed")
    ap.add_argument("--no-warm-up", action="store_true", help="skip the warm-up kernel")
    ap.add_argument("--floor", action="store_true", help="also time evcxr with no library")
    ap.add_argument("--baseline", help="an earlier run's JSON, shown beside this one")
    ap.add_argument("notebooks", nargs="*")
    args = ap.parse_args()
    paths = [Path(p).resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.order == "reverse":
        paths.reverse()
    elif args.order == "shuffle":
        random.Random(args.seed).shuffle(paths)
    if not args.no_warm_up:
        warm_up(args.kernel, args.timeout)
    results = []
    for number, path in enumerate(paths, start=1):
        r = time_notebook(path, args.kernel, args.timeout, number)
        print(
            f"{r['notebook']}: :dep {cell_text(r['dep'], r['dep_cpu'], r['goals']['dep'])} s, "
            f"median other {cell_text(r['median_other'], r['median_other_cpu'], r['goals']['median_other'])} s, "
            f"fn cell {cell_text(r['fn_cell'], r['fn_cell_cpu'], r['goals']['fn_cell'])} s, "
            f"all {r['total']:.1f} s, errors {len(r['errors'])}",
            flush=True,
        )
        results.append(r)
    if args.floor:
        results.append(floor(args.kernel, args.timeout))
        results.append(floor_deps(args.kernel, args.timeout))
        results.append(floor_deps(args.kernel, args.timeout, ("gpu",)))
    baseline = json.loads(Path(args.baseline).read_text()) if args.baseline else None
    text = markdown(results, args.label, baseline)
    stem = Path(args.out)
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps(results, indent=1))
    print(text)
    if args.concurrent_check:
        concurrent_check(args.kernel, args.timeout)
    bad = [r["notebook"] for r in results if r["errors"]]
    if bad:
        print("cells failed in: " + ", ".join(bad))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
