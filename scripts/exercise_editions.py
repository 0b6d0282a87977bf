#!/usr/bin/env python3
"""The two editions of an exercise notebook, generated from one source so that they cannot drift.

The instructor's edition, notebooks/solutions/NAME.ipynb, is the source: edit that one (in
JupyterLab or by hand). Its code cells tagged `solution` carry, in `metadata.parlab.skeleton`, the
skeleton the student starts from (the `// TODO` version of the cell). The student's edition,
notebooks/NAME.ipynb, is generated from it:

  * a cell tagged `solution` gets its skeleton as its source, and the tag `skeleton` instead
    (the solution appears nowhere in the student's file, metadata included);
  * a cell tagged `instructor` (a note for the teacher) is left out;
  * `:dep parlab = { path = "../.." ... }` becomes `path = ".."` (the student's edition sits one
    folder up);
  * outputs and execution counts are cleared in both editions.

Usage:
  exercise_editions.py            write every student edition from its instructor edition
  exercise_editions.py --check    fail (exit 1) when a committed student edition differs from what
                                  its instructor edition generates, or either edition has outputs
"""
import copy
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"


def dumps(nb):
    """The notebook as nbformat writes it (one-space indent, UTF-8 kept, final newline)."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def source_text(source):
    return source if isinstance(source, str) else "".join(source)


def student_edition(instructor):
    """The student's edition of an instructor's notebook (a dict), and a list of problems."""
    nb = copy.deepcopy(instructor)
    cells, problems = [], []
    for cell in nb["cells"]:
        meta = cell.setdefault("metadata", {})
        tags = meta.get("tags", [])
        if "instructor" in tags:
            continue
        if "solution" in tags:
            skeleton = meta.get("parlab", {}).get("skeleton")
            if skeleton is None:
                problems.append(
                    f"cell {cell.get('id')}: tagged `solution` but has no metadata.parlab.skeleton"
                )
                continue
            cell["source"] = skeleton
            meta.pop("parlab")
            meta["tags"] = ["skeleton" if t == "solution" else t for t in tags]
        text = source_text(cell["source"])
        if cell["cell_type"] == "code" and ':dep parlab = { path = "../.."' in text:
            text = text.replace(':dep parlab = { path = "../.."', ':dep parlab = { path = ".."', 1)
            cell["source"] = lines(text)
        cells.append(cell)
    nb["cells"] = cells
    return nb, problems


def lines(text):
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def outputs(nb, name):
    """Problems: cells of `nb` that carry outputs or execution counts."""
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
            found.append(f"{name}: cell {cell.get('id')} has outputs; clear them before committing")
    return found


def main():
    check = "--check" in sys.argv[1:]
    problems = []
    pairs = sorted(SOLUTIONS.glob("*.ipynb"))
    if not pairs:
        problems.append(f"no instructor editions in {SOLUTIONS}")
    for source in pairs:
        target = NOTEBOOKS / source.name
        instructor = json.loads(source.read_text())
        problems += outputs(instructor, f"solutions/{source.name}")
        student, found = student_edition(instructor)
        problems += [f"solutions/{source.name}: {p}" for p in found]
        wanted = dumps(student)
        if check:
            if not target.exists() or target.read_text() != wanted:
                problems.append(
                    f"{target.relative_to(ROOT)} is not the student edition of "
                    f"{source.relative_to(ROOT)}: edit the instructor's edition, then run "
                    "python3 scripts/exercise_editions.py"
                )
        elif not found:
            target.write_text(wanted)
            print(f"wrote {target.relative_to(ROOT)} from {source.relative_to(ROOT)}")
    if problems:
        print("exercise editions:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)
    if check:
        print(f"exercise editions: {len(pairs)} in sync")


if __name__ == "__main__":
    main()
