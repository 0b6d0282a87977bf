#!/usr/bin/env python3
"""Time every cell of parlab's notebooks in the evcxr kernel that JupyterLab starts.

Starts the kernel with jupyter_client (the kernel spec's own argv and environment, as JupyterLab
does, cwd = notebooks/), runs each notebook's code cells one by one, and records the wall time of
each cell from `execute_request` to the kernel going idle. Writes a per-notebook, per-cell table
as markdown and JSON (target/notebook-timings.md, .json) and prints the markdown.

Goal (issue 11): the `:dep` cell <= 10 s, the median of the other cells <= 1.5 s per notebook
(cells that do deliberate long work aside: the ones tagged `slow` below).

Usage: notebook_timings.py [--kernel NAME] [--label TEXT] [NOTEBOOK ...]
"""
import argparse
import json
import statistics
import time
from pathlib import Path

import jupyter_client
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "target"

# Cells that do deliberate long work (measure whole runs, sleep, start a cluster): by notebook,
# the substrings that mark them. They are timed and shown but left out of the median.
SLOW = {
    "00-introduction.ipynb": ["Method::Trial", "check_prime("],
    "01-multiprocess.ipynb": ["check_prime(", "experiment("],
    "02-concurrent-futures.ipynb": ["squares_io(", "check_prime("],
    "03-joblib.ipynb": ["check_prime("],
    "04-ipyparallel.ipynb": ["Cluster::start", "check_prime("],
    "05-dask.ipynb": ["check_prime("],
    "06-cuda-summary.ipynb": ["table::measure"],
    "07-exercise-gas.ipynb": ["particles: 100_000", "particles: 1_000_000", "CpuMonitor::watch", "simulate("],
}


def run_cell(kc, code, timeout):
    """Runs `code`, returns (seconds, error text or None)."""
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
            return time.monotonic() - t0, error


def time_notebook(path, kernel, timeout):
    nb = nbformat.read(path, as_version=4)
    t0 = time.monotonic()
    km = jupyter_client.KernelManager(kernel_name=kernel)
    km.start_kernel(cwd=str(path.parent))
    kc = km.client()
    kc.start_channels()
    rows = []
    try:
        kc.wait_for_ready(timeout=120)
        started = time.monotonic() - t0
        slow_marks = SLOW.get(path.name, [])
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            source = cell.source
            seconds, error = run_cell(kc, source, timeout)
            first = source.strip().splitlines()[0] if source.strip() else ""
            rows.append(
                {
                    "cell": i,
                    "first_line": first[:60],
                    "seconds": round(seconds, 3),
                    "dep": source.lstrip().startswith(":dep parlab"),
                    "slow": any(m in source for m in slow_marks),
                    "error": error,
                }
            )
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    others = [r["seconds"] for r in rows if not r["dep"] and not r["slow"]]
    dep = next((r["seconds"] for r in rows if r["dep"]), None)
    return {
        "notebook": path.name,
        "kernel_start": round(started, 3),
        "dep": dep,
        "median_other": round(statistics.median(others), 3) if others else None,
        "total": round(sum(r["seconds"] for r in rows), 3),
        "errors": [r for r in rows if r["error"]],
        "cells": rows,
    }


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


def markdown(results, label):
    lines = [
        f"### Notebook cell timings{': ' + label if label else ''}",
        "",
        "| notebook | kernel start (s) | `:dep` cell (s) | median other cell (s) | all cells (s) | errors |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r['notebook']} | {r['kernel_start']:.1f} | {r['dep']:.1f} | "
            f"{r['median_other']:.2f} | {r['total']:.1f} | {len(r['errors'])} |"
        )
    lines += ["", "Per cell (s; `dep` = the `:dep` cell, `slow` = deliberate long work):", ""]
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
    ap.add_argument("notebooks", nargs="*")
    args = ap.parse_args()
    paths = [Path(p).resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    results = []
    for path in paths:
        r = time_notebook(path, args.kernel, args.timeout)
        print(
            f"{r['notebook']}: :dep {r['dep']:.1f} s, median other {r['median_other']:.2f} s, "
            f"all {r['total']:.1f} s, errors {len(r['errors'])}",
            flush=True,
        )
        results.append(r)
    text = markdown(results, args.label)
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
