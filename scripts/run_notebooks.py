#!/usr/bin/env python3
"""Execute parlab's evcxr notebooks headlessly and check their outputs, cell by cell.

Every notebook in notebooks/ (and in notebooks/solutions/, the instructor editions, when that folder
exists) runs top to bottom in the "Rust (parlab)" kernel with nbclient. A notebook fails when
  * a cell errors (compile error: nbclient raises),
  * a cell panics (evcxr reports a panic on stderr but nbclient exits 0, so the outputs are
    scanned for `panicked at` and `error` outputs),
  * a cell writes to stderr (JupyterLab shows stderr in pink, like an error: progress and
    notes belong on stdout or in a display),
  * a cell shows a meaningless `()` or a figure's Debug text instead of the picture,
  * an expectation in notebooks/expected.json does not hold.

notebooks/expected.json maps each notebook's file name to a list of entries:

  {"cell": SOURCE PREFIX, "shows": WHAT}
      The one code cell whose source (leading blanks stripped) starts with SOURCE PREFIX must
      show WHAT: a text contained in its outputs (stdout, text/plain, text/html, ...), or
      "mime:TYPE" for an output of that type (e.g. "mime:image/svg+xml" for a picture).
      WHAT may be a list: the cell must show every item. The prefix must match exactly one
      code cell, so each expected output is tied to the cell that prints it.
  {"cell": SOURCE PREFIX, "lacks": TEXT}
      ... and that cell's outputs must not contain TEXT (a list works too).
  {"stdin": [ANSWER, ...]}
      Answers typed at the notebook's input prompts (evcxr_input::get_string), in order; once
      they run out, a prompt gets "" (nobody there). The prompt and the answer are added to the
      cell's outputs as JupyterLab shows them ("PROMPT ANSWER"), so "shows" can check them.

Notebooks in notebooks/solutions/ are listed in expected.json under their path from notebooks/
("solutions/07-exercise-gas.ipynb"); the others under their file name.

Before anything runs, the module's code cells are counted. Each of the 37 code cells of the
module (its cells `In [M]` of sections 15.1 to 15.5) has one cell in notebooks/*.ipynb (not the
solutions) whose FIRST line carries its tag, `// module: 15.N In[M]` in a code cell or
`<!-- module: 15.N In[M] -->` in a markdown cell where Rust has nothing to run. The tags must
appear in the module's order, each as many times as the module has that label (twice for
15.1 In[8], 15.1 In[17] and 15.2 In[None], once for the others). `--tags` runs only this check.

A bare string ("some text" anywhere in the notebook) is rejected: it cannot tell which cell
printed it (07's picture shown as Debug text passed that way while another cell drew an SVG).
The rejection names every bare string left, so converting them is a matter of reading the list.

Executed copies go to target/notebooks/ (they are build products, not source).

Usage: run_notebooks.py [--tags] [NOTEBOOK ...]
       (default: every notebook in notebooks/, then notebooks/solutions/)
"""
import asyncio
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "target" / "notebooks"
CELL_TIMEOUT = int(os.environ.get("PARLAB_CELL_TIMEOUT", "1200"))
SOLUTIONS = NOTEBOOKS / "solutions"
KEYS = ({"cell", "shows"}, {"cell", "lacks"}, {"cell", "shows", "lacks"}, {"stdin"})


# The module's 37 code cells, in its order: (section, label of `In [label]`). Its author ran cells out
# of order, so labels jump and repeat; the repeated ones are different cells.
MODULE_CELLS = [
    ("15.1", "3"), ("15.1", "4"), ("15.1", "8"), ("15.1", "16"), ("15.1", "17"), ("15.1", "18"),
    ("15.1", "19"), ("15.1", "20"), ("15.1", "10"), ("15.1", "17"), ("15.1", "8"), ("15.1", "24"),
    ("15.2", "25"), ("15.2", "26"), ("15.2", "27"), ("15.2", "None"), ("15.2", "2"), ("15.2", "5"),
    ("15.2", "None"), ("15.2", "9"),
    ("15.3", "15"), ("15.3", "18"),
    ("15.4", "1"), ("15.4", "5"), ("15.4", "6"), ("15.4", "7"), ("15.4", "9"), ("15.4", "10"),
    ("15.4", "16"), ("15.4", "28"),
    ("15.5", "1"), ("15.5", "2"), ("15.5", "3"), ("15.5", "4"), ("15.5", "5"), ("15.5", "11"),
    ("15.5", "12"),
]
TAG = re.compile(r"module:\s*(15\.\d)\s+In\s*\[\s*(\w+)\s*\]")
TAG_LINE = re.compile(r"\s*(//|<!--)")  # a later line that looks like a misplaced tag (prose may quote one)


def module_tags(paths):
    """[(section, label, where)] of the tagged cells of `paths`, in order: the tag on a cell's first line."""
    found = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            first = cell.source.lstrip("\n").split("\n", 1)[0]
            m = TAG.search(first)
            if m:
                found.append((m.group(1), m.group(2), f"{path.name} cell {i} ({cell.cell_type})"))
            elif any(TAG.search(line) for line in cell.source.split("\n") if TAG_LINE.match(line)):
                found.append((None, None, f"{path.name} cell {i}: a module tag below the first line"))
    return found


def tag_problems(paths):
    """What is wrong with the module-cell tags of `paths` (the student notebooks), or []."""
    found = module_tags(paths)
    bad = [where for s, _, where in found if s is None]
    tags = [(s, label) for s, label, _ in found if s is not None]
    want, have = Counter(MODULE_CELLS), Counter(tags)
    problems = [f"{w}: move the tag to the first line" for w in bad]
    for s, label in dict.fromkeys(c for c in MODULE_CELLS if have[c] < want[c]):
        problems.append(f"module cell {s} In[{label}] has {have[(s, label)]} tagged cells, needs {want[(s, label)]}")
    for s, label in dict.fromkeys(tags):
        if have[(s, label)] <= want[(s, label)]:
            continue
        places = ", ".join(w for t_s, t_l, w in found if (t_s, t_l) == (s, label))
        if (s, label) in want:
            problems.append(
                f"module cell {s} In[{label}] is tagged {have[(s, label)]} times, the module has it "
                f"{want[(s, label)]} time(s): {places}"
            )
        else:
            problems.append(f"no module cell {s} In[{label}] exists (tagged at {places})")
    if len(tags) < len(MODULE_CELLS):
        problems.append(f"{len(tags)} tagged module cells, the module has {len(MODULE_CELLS)}")
    if not problems and tags != MODULE_CELLS:
        for k, (got, expect) in enumerate(zip(tags, MODULE_CELLS)):
            if got != expect:
                where = [w for s, _, w in found if s is not None][k]
                problems.append(
                    f"module cells out of order: {where} is {got[0]} In[{got[1]}], the module's next "
                    f"cell is {expect[0]} In[{expect[1]}]"
                )
                break
    return problems


class PromptingClient(NotebookClient):
    """nbclient with stdin: answers the kernel's input requests from a list of canned answers.

    nbclient itself sends `allow_stdin = False`, so evcxr_input::get_string returns "" at once;
    here the prompt is answered as a person in JupyterLab would.
    """

    def __init__(self, nb, answers, **kwargs):
        super().__init__(nb, **kwargs)
        self.answers = list(answers)
        self.prompts = []

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        kc.allow_stdin = True
        return kc

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        answering = asyncio.ensure_future(self._answer_prompts(cell))
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            answering.cancel()

    async def _answer_prompts(self, cell):
        while True:
            msg = await self.kc.stdin_channel.get_msg()
            if msg.get("msg_type") != "input_request":
                continue
            prompt = msg["content"].get("prompt", "")
            answer = self.answers.pop(0) if self.answers else ""
            self.prompts.append((prompt, answer))
            cell.outputs.append(
                nbformat.v4.new_output("stream", name="stdout", text=f"{prompt}{answer}\n")
            )
            self.kc.input(answer)


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
        elif kind == "stderr":
            found.append(
                f"cell {i}: writes to stderr, shown pink like an error ({text.strip()[:200]!r}): "
                "print progress and notes on stdout"
            )
        elif kind == "text/plain" and text.strip() == "()":
            found.append(f"cell {i}: shows a meaningless `()` (end the cell with `;`)")
        elif kind == "text/plain" and text.startswith(("Svg(", "Histogram {", "Trajectories {")):
            found.append(f"cell {i}: shows a figure as Debug text instead of a picture")
    return found


def cell_outputs(nb, prefix):
    """(texts, mime types) of the one code cell whose source starts with `prefix`, or an error."""
    cells = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and c.source.lstrip().startswith(prefix)
    ]
    if len(cells) != 1:
        return f"{len(cells)} code cells start with {prefix!r} (need exactly one)"
    mine = [(kind, text) for i, kind, text in texts(nb) if i == cells[0]]
    return "\n".join(t for _, t in mine), {k for k, _ in mine}


def listed(value):
    return value if isinstance(value, list) else [value]


def check_cell(nb, want):
    """Problems with one {"cell": ..., "shows"/"lacks": ...} entry."""
    got = cell_outputs(nb, want["cell"])
    if isinstance(got, str):
        return [got]
    text, mimes = got
    found = []
    for shows in listed(want.get("shows", [])):
        if shows.startswith("mime:"):
            if shows[5:] not in mimes:
                found.append(
                    f"cell {want['cell']!r}: no output of type {shows[5:]} (has {sorted(mimes)})"
                )
        elif shows not in text:
            found.append(f"cell {want['cell']!r}: expected output missing: {shows!r}")
    for lacks in listed(want.get("lacks", [])):
        if lacks in text:
            found.append(f"cell {want['cell']!r}: shows what it must not: {lacks!r}")
    return found


def malformed(name, entries):
    """Entries of one notebook that are not in the format above, each with what to write."""
    bad = []
    for want in entries:
        if isinstance(want, str):
            bad.append(
                f"{name}: bare-string expectation {want!r}: tie it to its cell, "
                '{"cell": SOURCE PREFIX, "shows": ' + json.dumps(want) + "}"
            )
        elif not isinstance(want, dict) or set(want) not in KEYS:
            bad.append(f"{name}: unknown entry {json.dumps(want)} (see scripts/run_notebooks.py)")
    return bad


def run(path, entries):
    nb = nbformat.read(path, as_version=4)
    answers = [a for want in entries if isinstance(want, dict) for a in want.get("stdin", [])]
    # The "Rust (parlab)" kernel keeps its build folder (notebooks/kernel/launch.sh), so only the
    # first notebook on a machine compiles parlab's dependencies.
    client = PromptingClient(
        nb,
        answers,
        kernel_name="parlab",
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        # After a cell's reply, its last outputs can arrive seconds later on a busy machine (the
        # first notebook compiles on both cores); nbclient's default waits 4 s and then drops them
        # silently. Wait up to a minute, and fail loudly if even that is not enough.
        iopub_timeout=60,
        raise_on_iopub_timeout=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    t0 = time.time()
    failure = None
    try:
        client.execute()
    except CellExecutionError as e:
        failure = str(e)[:2000]
    seconds = time.time() - t0
    out = OUT / key(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    found = problems(nb)
    if failure:
        found.insert(0, f"cell failed: {failure}")
    for prompt, answer in client.prompts:
        print(f"    prompt {prompt!r} answered {answer!r}", flush=True)
    for want in entries:
        if isinstance(want, dict) and "cell" in want:
            found.extend(check_cell(nb, want))
    return seconds, found


def key(path):
    """The notebook's name in expected.json: its path from notebooks/."""
    return path.resolve().relative_to(NOTEBOOKS).as_posix()


def all_notebooks():
    return sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(SOLUTIONS.glob("*.ipynb"))


def main():
    args = sys.argv[1:]
    tags_only = "--tags" in args
    args = [a for a in args if a != "--tags"]
    students = sorted(NOTEBOOKS.glob("*.ipynb"))
    failed = [f"module tags: {p}" for p in tag_problems(students)]
    tagged = sum(1 for s, _, _ in module_tags(students) if s is not None)
    verdict = "all present, in the module's order" if not failed else "FAILED"
    print(f"module cells: {tagged} tagged, the module has {len(MODULE_CELLS)}: {verdict}", flush=True)
    for f in failed:
        print(f"    {f}", flush=True)
    if tags_only:
        sys.exit(1 if failed else 0)
    expected = json.loads((NOTEBOOKS / "expected.json").read_text())
    paths = [Path(p).resolve() for p in args] or all_notebooks()
    present = {key(p) for p in all_notebooks()}
    failed += [f"{m}: listed in expected.json but not found" for m in sorted(set(expected) - present)]
    for name in sorted(present - set(expected)):
        failed.append(f"{name}: no expected outputs listed in notebooks/expected.json")
    left = [b for name in sorted(expected) for b in malformed(name, expected[name])]
    if left:
        print(f"expected.json: {len(left)} entries to convert:\n  " + "\n  ".join(left), flush=True)
        failed.extend(left)
    total = time.time()
    for path in paths:
        name = key(path)
        print(f"==> notebook {name}", flush=True)
        seconds, found = run(path, expected.get(name, []))
        status = "ok" if not found else "FAILED"
        print(f"<== notebook {name}: {status} in {seconds:.0f} s", flush=True)
        for p in found:
            print(f"    {p}", flush=True)
            failed.append(f"{name}: {p}")
    print(f"notebooks: {len(paths)} run in {time.time() - total:.0f} s; executed copies in {OUT}")
    if failed:
        print("notebook failures:\n  " + "\n  ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
