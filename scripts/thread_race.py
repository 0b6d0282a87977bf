#!/usr/bin/env python3
"""The race in the module's 15.2 thread example, reproduced (notebook 02 quotes the numbers).

The module's `random_squareT(myseed)` calls `numpy.random.seed(myseed)` and then
`numpy.random.randint(0, 10)`. Both use numpy's ONE global generator, which every thread of a
`ThreadPoolExecutor` shares. Python may switch threads between the two calls (the GIL is handed
over every `sys.getswitchinterval()` seconds, 5 ms by default), so thread A's `seed(i)` can be
followed by thread B's `seed(j)` before A draws: A then returns j's square, not i's. That is a
race that *can* happen on every run; whether it does depends on timing, so the module's printed
first five and last five can come out right while some result in the middle is wrong.

This script maps the module's function over seeds on a thread pool, compares every result with
the sequential list, and does the same with the fix (a generator per call,
`numpy.random.RandomState(myseed).randint(0, 10)`, which threads cannot share by accident).

Usage: thread_race.py [--count 1000000] [--workers 16] [--repeat 3] [--pause SECONDS]
       (--pause 0.1 is the module's cell exactly: 100 seeds, 0.1 s of simulated I/O each)
Needs numpy (pip install numpy).
"""
import argparse
import time
from concurrent.futures import ThreadPoolExecutor

import numpy


def random_square_module(myseed, pause=0.0):
    """The module's random_squareT: the global generator, seeded, then drawn from."""
    from numpy.random import randint, seed

    seed(myseed)
    random_num = randint(0, 10)
    if pause:
        time.sleep(pause)
    return random_num**2


def random_square_own(myseed, pause=0.0):
    """The fix: each call owns its generator (same numbers as the module's, no sharing)."""
    random_num = numpy.random.RandomState(myseed).randint(0, 10)
    if pause:
        time.sleep(pause)
    return random_num**2


def compare(name, f, seeds, want, workers, pause):
    t0 = time.time()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        got = list(pool.map(lambda s: f(s, pause), seeds))
    seconds = time.time() - t0
    wrong = [i for i, (a, b) in enumerate(zip(got, want)) if a != b]
    ends = got[:5] == want[:5] and got[-5:] == want[-5:]
    line = (
        f"{name}: {len(wrong)} of {len(seeds)} results wrong; first and last five "
        f"{'right' if ends else 'WRONG'}; sum {sum(got)} (sequential {sum(want)}); {seconds:.2f} s"
    )
    if wrong:
        i = wrong[0]
        line += f"; e.g. seed {seeds[i]} gave {got[i]}, should be {want[i]}"
    print(line, flush=True)
    return len(wrong)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pause", type=float, default=0.0)
    args = ap.parse_args()
    seeds = list(range(args.count))
    want = [random_square_module(s) for s in seeds]
    print(
        f"{args.count} seeds, {args.workers} threads, pause {args.pause} s, numpy {numpy.__version__}",
        flush=True,
    )
    races = 0
    for run in range(args.repeat):
        name = f"run {run + 1}, shared global generator"
        races += compare(name, random_square_module, seeds, want, args.workers, args.pause)
    print(f"wrong results with the shared generator, {args.repeat} runs: {races}", flush=True)
    # Once: a RandomState per call is slow (it seeds 624 words each time).
    compare("a generator per call", random_square_own, seeds, want, args.workers, args.pause)


if __name__ == "__main__":
    main()
