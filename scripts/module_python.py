#!/usr/bin/env python3
"""The module's Python cells for its two tasks (15.1-15.3), timed on this machine; prints JSON.

Squares: numpy list comprehension, multiprocess Pool.map, multiprocessing Pool.map, joblib.
Prime:   is_prime (serial loop), Pool.starmap of is_primeP over subint_limits, joblib.
Also the per-task overhead of each pool on a no-op function. Whatever is not installed is
skipped with a note (numpy is required). `parlab bench --python` runs this and prints ratios.

Usage: python3 scripts/module_python.py [--count 1000000] [--prime 489133282872437279]
                                        [--workers N] [--repeat 1] [--skip CELL,CELL]
"""
import argparse
import json
import os
import sys
import time


def note(msg):
    print(f"module_python: {msg}", file=sys.stderr, flush=True)


# ---- the module's functions (15.1), verbatim apart from the prints --------------------------
def random_square(myseed):
    from numpy.random import seed, randint

    seed(myseed)
    random_num = randint(0, 10)
    return random_num**2


def is_prime(n):
    """Checks if 'n' is prime (the module's serial version, without its prints)."""
    if n == 1:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    for x in range(3, int(n**0.5) + 1, 2):
        if n % x == 0:
            return False
    return True


def is_primeP(n, a, b):
    """Checks if 'n' has prime factors between 'a' and 'b' (the module's version)."""
    if n == 1:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    if a % 2 == 0:
        a = a - 1
    if b % 2 == 0:
        b = b + 1
    for x in range(a, b + 1, 2):
        if n % x == 0:
            return False
    return True


def subint_limits(num, num_cores):
    from numpy import ceil, sqrt

    subint_range = int(ceil(sqrt(num) / num_cores))
    range_limits = []
    for i in range(3, subint_range * num_cores, subint_range):
        range_limits.append((num, i, int(i + subint_range)))
    return range_limits


def noop(x):
    return x


# ---- timing ---------------------------------------------------------------------------------
def timed(repeat, f):
    """Median seconds of `repeat` calls of f, and f's last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t0)
    times.sort()
    mid = len(times) // 2
    median = times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
    return median, result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--prime", type=int, default=489133282872437279)
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--overhead-tasks", type=int, default=100_000)
    ap.add_argument("--skip", default="", help="comma-separated cell names to skip")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    try:
        import numpy
    except ImportError:
        print(json.dumps({"error": "numpy is not installed for " + sys.executable}))
        return 2

    pools = {}
    try:
        import multiprocess

        pools["multiprocess"] = multiprocess
    except ImportError:
        note("multiprocess not installed: skipping its cells (pip install multiprocess)")
    import multiprocessing

    pools["multiprocessing"] = multiprocessing
    try:
        from joblib import Parallel, delayed
    except ImportError:
        Parallel = None
        note("joblib not installed: skipping its cells (pip install joblib)")

    w, n, count, rep = args.workers, args.prime, args.count, args.repeat
    out = {
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "workers": w,
        "count": count,
        "prime": n,
        "squares": {},
        "prime_check": {},
        "overhead_us": {},
        "squares_sum": {},
        "is_prime": {},
        "notes": [],
    }

    def cell(group, name, f, check=None):
        if name in skip:
            out["notes"].append(f"{name}: skipped on request")
            return
        note(f"{group}/{name} ...")
        seconds, result = timed(rep, f)
        out[group][name] = seconds
        if check is not None:
            out[check][name] = result
        note(f"{group}/{name}: {seconds:.3f} s")

    seeds = range(count)
    cell("squares", "list_comprehension", lambda: sum([random_square(i) for i in seeds]),
         "squares_sum")
    for lib, mp in pools.items():
        def pool_squares(mp=mp):
            pool = mp.Pool(processes=w)
            results = pool.map(random_square, [i for i in seeds])
            pool.close()
            pool.join()
            return sum(results)

        cell("squares", f"{lib}_pool", pool_squares, "squares_sum")
    if Parallel is not None:
        cell("squares", "joblib",
             lambda: sum(Parallel(n_jobs=w)(delayed(random_square)(i) for i in seeds)),
             "squares_sum")

    cell("prime_check", "serial_is_prime", lambda: is_prime(n), "is_prime")
    limits = subint_limits(n, w)
    for lib, mp in pools.items():
        def pool_prime(mp=mp):
            pool = mp.Pool(processes=w)
            results = pool.starmap(is_primeP, limits)
            pool.close()
            pool.join()
            return all(results)

        cell("prime_check", f"{lib}_pool", pool_prime, "is_prime")
    if Parallel is not None:
        cell("prime_check", "joblib",
             lambda: all(Parallel(n_jobs=w)(delayed(is_primeP)(*l) for l in limits)),
             "is_prime")

    # Per-task overhead: a no-op over many tasks, pool start excluded.
    tasks = args.overhead_tasks
    for lib, mp in pools.items():
        if f"{lib}_overhead" in skip:
            continue
        with mp.Pool(processes=w) as pool:
            pool.map(noop, range(w))
            seconds, _ = timed(rep, lambda: pool.map(noop, range(tasks)))
        out["overhead_us"][f"{lib}_pool"] = seconds * 1e6 / tasks
    if Parallel is not None and "joblib_overhead" not in skip:
        jt = max(1, tasks // 10)
        with Parallel(n_jobs=w) as par:
            par(delayed(noop)(i) for i in range(w))
            seconds, _ = timed(rep, lambda: par(delayed(noop)(i) for i in range(jt)))
        out["overhead_us"]["joblib"] = seconds * 1e6 / jt
        out["notes"].append(f"joblib overhead measured over {jt} tasks")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
