#!/usr/bin/env python3
"""SymPy anchor for the nabla benchmark harness.

Prints one line per workload:  name<TAB>nanoseconds_per_op<TAB>extra

  seed_derivative_warm  mean ns for one parse + diff of a seed expression,
                        after a first pass has warmed SymPy's cache
  seed_derivative_cold  the same with clear_cache() before every derivative
                        (the clear itself is not timed)
  batch1200_inprocess   total ns to parse + diff all lines of
                        seed1200_sympy.txt in one process, after import,
                        starting from a cleared cache (best of --batch-runs)
  expsin15              ns for one 15th derivative of exp(sin(x)) from text,
                        cold cache; extra = count_ops of the result
  nested200             ns for d/dx sin(sin(...sin(x)...)) 200 deep, cold cache

SymPy evaluates automatically on construction; no simplify() call is made.
The nested expression is built programmatically, because Python's parser
limits parenthesis nesting to 200 levels.

Options:
  --seconds S        time budget for the warm seed loop (default 1.0)
  --batch-runs N     repetitions of the batch workload (default 3)
  --dump-expsin15 F  write the printed 15th derivative to F
  --heavy-reps N     repetitions of expsin15 (nested200 runs max(1, N-2)
                     times; default 3)
  --skip-batch       do not run the batch workload
  --stdin            run no workload but print the derivative of every line
                     of standard input with respect to x, a line each, as
                     `nabla diff - --wrt x` does, so that the two can be
                     timed alike as whole processes (import included)
"""

import argparse
import os
import sys
import time

import sympy
from sympy import Symbol, count_ops, diff, sin
from sympy.core.cache import clear_cache
from sympy.parsing.sympy_parser import parse_expr

HERE = os.path.dirname(os.path.abspath(__file__))

SEED = [
    "x**2", "x**6", "x**5 - x**2 + x", "x**2 - 4*x + 3", "sin(2*x+1)",
    "(sin(x**4))**5", "x**3*sin(x)", "(x**2+5*x+6)**10", "exp(x)",
    "(x**2+1)/(x-1)", "x**x", "x**n",
]

x = Symbol("x")
n = Symbol("n")
LOCALS = {"x": x, "n": n}


def parse(text):
    return parse_expr(text, local_dict=dict(LOCALS))


def emit(name, ns, extra=""):
    print(f"{name}\t{ns:.0f}\t{extra}", flush=True)


def bench_seed_warm(seconds):
    for s in SEED:  # first pass fills the cache
        diff(parse(s), x)
    ops = 0
    total = 0
    budget = int(seconds * 1e9)
    while total < budget:
        t0 = time.perf_counter_ns()
        for _ in range(10):
            for s in SEED:
                diff(parse(s), x)
        total += time.perf_counter_ns() - t0
        ops += 10 * len(SEED)
    emit("seed_derivative_warm", total / ops, f"ops={ops}")


def bench_seed_cold(passes):
    total = 0
    ops = 0
    for _ in range(passes):
        for s in SEED:
            clear_cache()
            t0 = time.perf_counter_ns()
            diff(parse(s), x)
            total += time.perf_counter_ns() - t0
            ops += 1
    emit("seed_derivative_cold", total / ops, f"ops={ops}")


def bench_batch(runs):
    path = os.path.join(HERE, "seed1200_sympy.txt")
    with open(path) as f:
        lines = [ln.strip() for ln in f if ln.strip()]
    best = None
    for _ in range(runs):
        clear_cache()
        t0 = time.perf_counter_ns()
        for s in lines:
            diff(parse(s), x)
        t = time.perf_counter_ns() - t0
        best = t if best is None else min(best, t)
    emit("batch1200_inprocess", best, f"lines={len(lines)},best_of={runs}")


def bench_expsin15(reps, dump):
    total = 0
    result = None
    for _ in range(reps):
        clear_cache()
        t0 = time.perf_counter_ns()
        result = diff(parse("exp(sin(x))"), x, 15)
        total += time.perf_counter_ns() - t0
    ops = count_ops(result)
    text = str(result)
    if dump:
        with open(dump, "w") as f:
            f.write(text + "\n")
    emit("expsin15", total / reps, f"count_ops={ops},chars={len(text)},reps={reps}")


def bench_nested(depth, reps):
    e = x
    for _ in range(depth):
        e = sin(e)
    total = 0
    for _ in range(reps):
        clear_cache()
        t0 = time.perf_counter_ns()
        diff(e, x)
        total += time.perf_counter_ns() - t0
    emit(f"nested{depth}", total / reps, f"reps={reps}")


def diff_stdin():
    out = []
    for line in sys.stdin:
        s = line.strip()
        out.append(str(diff(parse(s), x)) if s else "")
    sys.stdout.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--batch-runs", type=int, default=3)
    ap.add_argument("--dump-expsin15", default="")
    ap.add_argument("--heavy-reps", type=int, default=3)
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--stdin", action="store_true")
    args = ap.parse_args()
    if args.stdin:
        diff_stdin()
        return

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    print(f"# sympy {sympy.__version__}", file=sys.stderr)

    bench_seed_warm(args.seconds)
    bench_seed_cold(passes=5)
    if not args.skip_batch:
        bench_batch(args.batch_runs)
    bench_expsin15(reps=max(1, args.heavy_reps), dump=args.dump_expsin15)
    bench_nested(200, reps=max(1, args.heavy_reps - 2))


if __name__ == "__main__":
    main()
