#!/usr/bin/env python3
"""Execute parlab's evcxr notebooks headlessly and check their outputs.

Every notebook in notebooks/ runs top to bottom in the `parlab` (evcxr) kernel with nbclient.
A notebook fails when
  * a cell errors (compile error: nbclient raises),
  * a cell panics (evcxr reports a panic on stderr but nbconvert/nbclient exit 0, so the
    outputs are scanned for `panicked at` and `error` outputs),
  * a cell shows a meaningless `()` or a figure's Debug text instead of the picture,
  * an expected output listed in notebooks/expected.json is missing: a string anywhere in the
    notebook, or {"cell": SOURCE PREFIX, "shows": TEXT or "mime:TYPE"} for the one cell whose
    source starts with that prefix.
Executed copies go to target/notebooks/ (they are build products, not source).

Usage: run_notebooks.py [NOTEBOOK ...]
"""
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "target" / "notebooks"
CELL_TIMEOUT = int(os.environ.get("PARLAB_CELL_TIMEOUT", "1200"))


def texts(nb):
    """Yield (cell index, kind, text) for every output of every code cell."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                yield i, out.get("name", "stream"), out.get("text", "")
            elif kind in ("execute_result", "display_data"):
                for mime, data in out.get("data", {}).items():
                    yield i, mime, data if isinstance(data, str) else "".join(data)
            elif kind == "error":
                yield i, "error", "\n".join(out.get("traceback", [])) or out.get("evalue", "")


def problems(nb):
    found = []
    for i, kind, text in texts(nb):
        if kind == "error":
            found.append(f"cell {i}: error output: {text[:500]}")
        elif kind == "stderr" and "panicked at" in text:
            found.append(f"cell {i}: panic: {text[:500]}")
        elif kind == "text/plain" and text.strip() == "()":
            found.append(f"cell {i}: shows a meaningless `()` (end the cell with `;`)")
        elif kind == "text/plain" and text.startswith(("Svg(", "Histogram {", "Trajectories {")):
            found.append(f"cell {i}: shows a figure as Debug text instead of a picture")
    return found


def cell_outputs(nb, prefix):
    """(texts, mime types) of the one code cell whose source starts with `prefix`, or None."""
    cells = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and c.source.lstrip().startswith(prefix)
    ]
    if len(cells) != 1:
        return None
    mine = [(kind, text) for i, kind, text in texts(nb) if i == cells[0]]
    return "\n".join(t for _, t in mine), {k for k, _ in mine}


def check_cell(nb, want):
    """A per-cell expectation {"cell": SOURCE PREFIX, "shows": TEXT or "mime:TYPE"}."""
    got = cell_outputs(nb, want["cell"])
    if got is None:
        return f"no single code cell starts with {want['cell']!r}"
    text, mimes = got
    shows = want["shows"]
    if shows.startswith("mime:"):
        if shows[5:] not in mimes:
            return f"cell {want['cell']!r}: no output of type {shows[5:]} (has {sorted(mimes)})"
    elif shows not in text:
        return f"cell {want['cell']!r}: expected output missing: {shows!r}"
    return None


def run(path, expected):
    nb = nbformat.read(path, as_version=4)
    # The "Rust (parlab)" kernel keeps its build folder (notebooks/kernel/launch.sh), so only the
    # first notebook on a machine compiles parlab's dependencies.
    # Breakpoint cells read their answer from here when no one is at the prompt.
    os.environ.setdefault(
        "PARLAB_BREAKPOINT_ANSWER",
        "No: the sequential loop reaches the small factor at once; the parallel version waits for every subinterval.",
    )
    client = NotebookClient(
        nb,
        kernel_name="parlab",
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        resources={"metadata": {"path": str(path.parent)}},
    )
    t0 = time.time()
    failure = None
    try:
        client.execute()
    except CellExecutionError as e:
        failure = str(e)[:2000]
    seconds = time.time() - t0
    OUT.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, OUT / path.name)
    found = problems(nb)
    if failure:
        found.insert(0, f"cell failed: {failure}")
    everything = "\n".join(text for _, _, text in texts(nb))
    mimes = {kind for _, kind, _ in texts(nb)}
    for want in expected.get(path.name, []):
        if isinstance(want, dict):
            problem = check_cell(nb, want)
            if problem:
                found.append(problem)
        elif want.startswith("mime:"):
            if want[5:] not in mimes:
                found.append(f"no output of type {want[5:]}")
        elif want not in everything:
            found.append(f"expected output missing: {want!r}")
    return seconds, found


def main():
    expected = json.loads((NOTEBOOKS / "expected.json").read_text())
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted(NOTEBOOKS.glob("*.ipynb"))
    missing = sorted(set(expected) - {p.name for p in sorted(NOTEBOOKS.glob("*.ipynb"))})
    failed = [f"{m}: listed in expected.json but not found" for m in missing]
    for name in sorted({p.name for p in NOTEBOOKS.glob("*.ipynb")} - set(expected)):
        failed.append(f"{name}: no expected outputs listed in notebooks/expected.json")
    total = time.time()
    for path in paths:
        print(f"==> notebook {path.name}", flush=True)
        seconds, found = run(path, expected)
        status = "ok" if not found else "FAILED"
        print(f"<== notebook {path.name}: {status} in {seconds:.0f} s", flush=True)
        for p in found:
            print(f"    {p}", flush=True)
            failed.append(f"{path.name}: {p}")
    print(f"notebooks: {len(paths)} run in {time.time() - total:.0f} s; executed copies in {OUT}")
    if failed:
        print("notebook failures:\n  " + "\n  ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
