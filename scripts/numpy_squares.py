#!/usr/bin/env python3
"""Writes tests/data/numpy_squares.csv: numpy's legacy `seed(s); randint(0, 10) ** 2` for a few
thousand seeds spread over the whole u32 range (the module's `random_square`, computed by numpy).

Usage: python3 scripts/numpy_squares.py [OUT.csv]   (needs numpy; any version with RandomState)
"""
import sys

import numpy as np


def seeds():
    out = set(range(0, 64))  # the module's first seeds
    out.update(range(2**32 - 64, 2**32))  # the top of the range
    out.update(2**k + d for k in range(1, 32) for d in (-1, 0, 1))  # powers of two and neighbours
    rng = np.random.Generator(np.random.PCG64(20240615))
    out.update(int(s) for s in rng.integers(0, 2**32, size=4000, dtype=np.uint64))
    return sorted(s for s in out if 0 <= s < 2**32)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "tests/data/numpy_squares.csv"
    rows = []
    for s in seeds():
        np.random.seed(int(s))
        rows.append((s, int(np.random.randint(0, 10)) ** 2))
    with open(path, "w") as f:
        f.write(f"# numpy {np.__version__}: np.random.seed(s); np.random.randint(0, 10) ** 2\n")
        f.write("seed,square\n")
        for s, sq in rows:
            f.write(f"{s},{sq}\n")
    print(f"wrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    main()
