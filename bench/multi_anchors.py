#!/usr/bin/env python3
"""Anchors for the multivariate workloads (E: Rosenbrock Hessian, F: product
gradient) in Maxima, Giac and SymPy, plus a check of nabla's own results.

Usage:
  multi_anchors.py maxima [--deep] [--timeout S] [--reps R] [--keep DIR]
  multi_anchors.py giac   [--deep] [--timeout S] [--reps R] [--keep DIR]
  multi_anchors.py sympy  [--deep] [--timeout S]
  multi_anchors.py nabla-check --nabla BIN

Each tool prints one line per workload, name<TAB>nanoseconds_per_op<TAB>extra,
like the other anchors:

  hessian_n100, hessian_n1000   full n×n Hessian of the Rosenbrock function
                                f = Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)²
  prodgrad_n500                 all 500 partial derivatives of x1·x2·…·x500;
                                extra chars = total printed size of the entries
  hessian_diffdiff_n100/_n1000  (Giac only) the same Hessian as
                                diff(diff(f, X), X), Giac's fastest route

Which workloads run:

  maxima  hessian(f, xs) for n = 100 and 1000; prodgrad with --deep
  giac    hessian(f, X) for n = 100 (n = 1000 with --deep, about 2 min),
          diff(diff(f,X),X) for n = 100 and 1000; no product gradient
          (diff(p, X) alone takes over a minute in Giac 1.9)
  sympy   hessian(f, xs) for n = 100, only with --deep; no product gradient

Times are measured inside the system, after start-up and after building f:
Maxima with elapsed_real_time(), Giac with time(...) (real time; Giac repeats
short evaluations itself and reports the mean), SymPy with perf_counter_ns
from a cleared cache. n = 100 reports the mean of R runs (default 5) after
one untimed run; larger n runs once.

Every workload runs in its own process under a wall-clock limit (--timeout,
default 180 s); a workload that exceeds it prints an empty time and extra
"timeout=S".  Every result is checked: the matrix is n×n, ∂²f/∂x1² =
1200 x1² − 400 x2 + 2, ∂²f/∂x1∂x2 = −400 x1, ∂²f/∂x1∂x3 = 0, ∂²f/∂xn² = 200,
the matrix is symmetric and has 3n − 2 nonzero entries (for the gradient:
x1·∂p/∂x1 = p).  The outcome is in extra (check=ok, or the failed items);
a failed check makes the exit status 1.

nabla-check runs the nabla CLI (`nabla hessian` for n = 100, `nabla grad`
for n = 500) and applies the same checks to its printed output; it prints
check_hessian_n100 and prodgrad_n500_size lines with an empty time.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FAILED = False


def emit(name, ns, extra=""):
    t = "" if ns is None else f"{ns:.0f}"
    print(f"{name}\t{t}\t{extra}", flush=True)


def note_check(extra):
    global FAILED
    if "check=ok" not in extra:
        FAILED = True


def run_tool(cmd, timeout, workdir):
    """Run cmd; return (stdout, None) or (None, reason)."""
    try:
        p = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, f"timeout={timeout:.0f}"
    except OSError as e:
        return None, f"error={e.strerror}"
    # Giac's print() writes to stderr: look for RESULT lines in both streams.
    out = p.stdout + "\n" + p.stderr
    if p.returncode != 0 and "RESULT" not in out:
        tail = (p.stderr or p.stdout).strip().splitlines()[-3:]
        print(f"# {cmd[0]} exited {p.returncode}: {' | '.join(tail)}", file=sys.stderr)
        return None, f"error=exit{p.returncode}"
    return out, None


def results(stdout):
    """RESULT lines -> list of (name, seconds or None, extra)."""
    out = []
    for line in stdout.splitlines():
        line = line.strip().strip('"')
        if not line.startswith("RESULT "):
            continue
        parts = line.split()
        if len(parts) < 3:
            continue
        try:
            secs = float(parts[2])
        except ValueError:
            secs = None
        out.append((parts[1], secs, parts[3] if len(parts) > 3 else ""))
    return out


def report(stdout, reason, names):
    """Emit the RESULT lines of one run, or a failure line for each name."""
    if stdout is None:
        for name in names:
            emit(name, None, reason)
        return
    got = results(stdout)
    seen = set()
    for name, secs, extra in got:
        seen.add(name)
        note_check(extra)
        emit(name, None if secs is None else secs * 1e9, extra)
    for name in names:
        if name not in seen:
            emit(name, None, "error=no-result")


# ------------------------------------------------------------------ Maxima ---

MAXIMA_PRELUDE = """\
linel: 100000$
load("linearalgebra")$
hessian(x^2, [x])$
n: {n}$
xs: makelist(concat(x, i), i, 1, n)$
"""

MAXIMA_HESSIAN = MAXIMA_PRELUDE + """\
f: sum(100*(xs[i+1] - xs[i]^2)^2 + (1 - xs[i])^2, i, 1, n - 1)$
if {warm} then H: hessian(f, xs)$
tt: 0$
for r: 1 thru {reps} do (t0: elapsed_real_time(), H: hessian(f, xs),
                         tt: tt + (elapsed_real_time() - t0))$
sz: matrix_size(H)$
nz: lsum(length(sublist(row, lambda([e], e # 0))), row, args(H))$
bad: []$
if sz # [n, n] then bad: cons("shape", bad)$
if expand(H[1,1] - (1200*x1^2 - 400*x2 + 2)) # 0 then bad: cons("H11", bad)$
if expand(H[1,2] + 400*x1) # 0 then bad: cons("H12", bad)$
if H[1,3] # 0 then bad: cons("H13", bad)$
if expand(H[n,n] - 200) # 0 then bad: cons("Hnn", bad)$
if H # transpose(H) then bad: cons("symmetry", bad)$
if nz # 3*n - 2 then bad: cons("nonzero", bad)$
printf(true, "RESULT hessian_n~d ~,6f rows=~d,cols=~d,nonzero=~d,check=~a,reps=~d~%",
       n, tt / {reps}, sz[1], sz[2], nz,
       if bad = [] then "ok" else sconcat(simplode(bad, "+"), "-FAILED"), {reps})$
"""

MAXIMA_PRODGRAD = MAXIMA_PRELUDE + """\
p: apply("*", xs)$
t0: elapsed_real_time()$
g: makelist(diff(p, v), v, xs)$
t: elapsed_real_time() - t0$
chars: lsum(slength(string(e)), e, g)$
ok: is(expand(g[1]*x1 - p) = 0) and is(expand(g[n]*xs[n] - p) = 0) and length(g) = n$
printf(true, "RESULT prodgrad_n~d ~,6f chars=~d,check=~a~%", n, t, chars,
       if ok then "ok" else "FAILED")$
"""


def maxima(args, workdir):
    exe = shutil.which("maxima")
    if not exe:
        sys.exit("maxima not found")
    ver = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"# {ver}", file=sys.stderr)

    def run(script, names):
        path = os.path.join(workdir, names[0] + ".mac")
        with open(path, "w") as f:
            f.write(script)
        stdout, reason = run_tool([exe, "--very-quiet", f'--batch-string=batchload("{path}")$'],
                                  args.timeout, workdir)
        report(stdout, reason, names)

    for n in (100, 1000):
        reps = args.reps if n <= 100 else 1
        run(MAXIMA_HESSIAN.format(n=n, reps=reps, warm="true" if reps > 1 else "false"),
            [f"hessian_n{n}"])
    if args.deep:
        run(MAXIMA_PRODGRAD.format(n=500), ["prodgrad_n500"])


# -------------------------------------------------------------------- Giac ---

GIAC_PRELUDE = """\
hessian(x^2,[x]):;
n:={n}:;
X:=[seq(expr("x"+string(k)),k=1..n)]:;
"""

GIAC_HESSIAN = GIAC_PRELUDE + """\
L:=[seq(100*(X[k+1]-X[k]^2)^2+(1-X[k])^2,k=0..n-2)]:;
f:=_plus(L):;
if ({warm}) {{ H:={expr}; }}:;
tt:=0:;
for r from 1 to {reps} do t:=time(H:={expr}); tt:=tt+t[1]; od:;
sz:=dim(H):;
nz:=size(select(z->z!=0,flatten(H))):;
bad:="":;
if (sz!=[n,n]) {{ bad:=bad+"+shape"; }}:;
if (normal(H[0,0]-(1200*x1^2-400*x2+2))!=0) {{ bad:=bad+"+H11"; }}:;
if (normal(H[0,1]+400*x1)!=0) {{ bad:=bad+"+H12"; }}:;
if (H[0,2]!=0) {{ bad:=bad+"+H13"; }}:;
if (normal(H[n-1,n-1]-200)!=0) {{ bad:=bad+"+Hnn"; }}:;
if (H!=tran(H)) {{ bad:=bad+"+symmetry"; }}:;
if (nz!=3*n-2) {{ bad:=bad+"+nonzero"; }}:;
if (bad=="") {{ bad:="ok"; }} else {{ bad:=mid(bad,1)+"-FAILED"; }}:;
print("RESULT {name}"+string(n)+" "+string(tt/{reps})+" rows="+string(sz[0])+",cols="+string(sz[1])+",nonzero="+string(nz)+",check="+bad+",reps={reps}"):;
"""


def giac(args, workdir):
    exe = shutil.which("giac") or shutil.which("icas")
    if not exe:
        sys.exit("giac not found")

    def run(script, names):
        path = os.path.join(workdir, names[0] + ".cas")
        with open(path, "w") as f:
            f.write(script)
        stdout, reason = run_tool([exe, path], args.timeout, workdir)
        report(stdout, reason, names)

    plan = [(100, "hessian_n", "hessian(f,X)"),
            (100, "hessian_diffdiff_n", "diff(diff(f,X),X)"),
            (1000, "hessian_diffdiff_n", "diff(diff(f,X),X)")]
    if args.deep:
        plan.append((1000, "hessian_n", "hessian(f,X)"))
    for n, name, expr in plan:
        reps = args.reps if n <= 100 else 1
        run(GIAC_HESSIAN.format(n=n, reps=reps, warm="true" if reps > 1 else "false",
                                expr=expr, name=name), [f"{name}{n}"])


# ------------------------------------------------------------------- SymPy ---

SYMPY_CHILD = r"""
import sys, time
import sympy
from sympy import expand, hessian, symbols
from sympy.core.cache import clear_cache
n = int(sys.argv[1])
xs = symbols(f"x1:{n + 1}")
f = sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(n - 1))
clear_cache()
t0 = time.perf_counter_ns()
H = hessian(f, xs)
t = time.perf_counter_ns() - t0
x1, x2 = xs[0], xs[1]
bad = []
if H.shape != (n, n): bad.append("shape")
if expand(H[0, 0] - (1200 * x1**2 - 400 * x2 + 2)) != 0: bad.append("H11")
if expand(H[0, 1] + 400 * x1) != 0: bad.append("H12")
if H[0, 2] != 0: bad.append("H13")
if expand(H[n - 1, n - 1] - 200) != 0: bad.append("Hnn")
if not H.is_symmetric(simplify=False): bad.append("symmetry")
nz = sum(1 for e in H if e != 0)
if nz != 3 * n - 2: bad.append("nonzero")
check = "ok" if not bad else "+".join(bad) + "-FAILED"
print(f"RESULT hessian_n{n} {t / 1e9:.9f} rows={H.shape[0]},cols={H.shape[1]},"
      f"nonzero={nz},check={check},reps=1,sympy={sympy.__version__}")
"""


def sympy_anchor(args, workdir):
    if not args.deep:
        print("# SymPy Hessian runs only with --deep (about 10 s for n = 100)", file=sys.stderr)
        return
    path = os.path.join(workdir, "sympy_hessian.py")
    with open(path, "w") as f:
        f.write(SYMPY_CHILD)
    stdout, reason = run_tool([sys.executable, path, "100"], args.timeout, workdir)
    report(stdout, reason, ["hessian_n100"])


# ------------------------------------------------------------- nabla check ---

def split_matrix(text):
    """Split nabla's printed '[[a, b], [c, d]]' into rows of entry strings."""
    text = text.strip()
    if not (text.startswith("[[") and text.endswith("]]")):
        raise ValueError("not a matrix")
    rows = []
    for row in text[2:-2].split("], ["):
        rows.append([e.strip() for e in row.split(",")])
    return rows


def nabla_check(args, workdir):
    from sympy import Symbol, expand, prod  # only needed here
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from count_ops import TRANSFORMS
    from sympy.parsing.sympy_parser import parse_expr

    def parse(s, names):
        return parse_expr(s, local_dict={v: Symbol(v) for v in names},
                          transformations=TRANSFORMS)

    n = 100
    names = [f"x{i}" for i in range(1, n + 1)]
    f = "+".join(f"100(x{i + 1}-x{i}^2)^2+(1-x{i})^2" for i in range(1, n))
    stdout, reason = run_tool([args.nabla, "hessian", f, "--wrt", ",".join(names)],
                              args.timeout, workdir)
    if stdout is None:
        emit("check_hessian_n100", None, reason)
        note_check(reason)
    else:
        bad = []
        rows = split_matrix(stdout)
        if len(rows) != n or any(len(r) != n for r in rows):
            bad.append("shape")
        x1, x2 = Symbol("x1"), Symbol("x2")
        if expand(parse(rows[0][0], names) - (1200 * x1**2 - 400 * x2 + 2)) != 0:
            bad.append("H11")
        if expand(parse(rows[0][1], names) + 400 * x1) != 0:
            bad.append("H12")
        if rows[0][2] != "0":
            bad.append("H13")
        if expand(parse(rows[-1][-1], names) - 200) != 0:
            bad.append("Hnn")
        if any(rows[i][j] != rows[j][i] for i in range(len(rows)) for j in range(i)):
            bad.append("symmetry")
        nz = sum(1 for r in rows for e in r if e != "0")
        if nz != 3 * n - 2:
            bad.append("nonzero")
        extra = (f"rows={len(rows)},cols={len(rows[0])},nonzero={nz},check="
                 + ("ok" if not bad else "+".join(bad) + "-FAILED"))
        note_check(extra)
        emit("check_hessian_n100", None, extra)

    n = 500
    names = [f"x{i}" for i in range(1, n + 1)]
    stdout, reason = run_tool([args.nabla, "grad", " ".join(names), "--wrt", ",".join(names)],
                              args.timeout, workdir)
    if stdout is None:
        emit("prodgrad_n500_size", None, reason)
        note_check(reason)
        return
    rows = split_matrix(stdout)
    g = rows[0] if len(rows) == 1 else []
    syms = [Symbol(v) for v in names]
    p = prod(syms)
    ok = (len(g) == n and parse(g[0], names) * syms[0] == p
          and parse(g[-1], names) * syms[-1] == p)
    extra = f"chars={sum(len(e) for e in g)},check={'ok' if ok else 'FAILED'}"
    note_check(extra)
    emit("prodgrad_n500_size", None, extra)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tool", choices=["maxima", "giac", "sympy", "nabla-check"])
    ap.add_argument("--deep", action="store_true")
    ap.add_argument("--timeout", type=float, default=180.0,
                    help="wall-clock limit per workload in seconds (default 180)")
    ap.add_argument("--reps", type=int, default=5, help="timed runs for n = 100 (default 5)")
    ap.add_argument("--keep", default="", help="write the generated scripts to this directory")
    ap.add_argument("--nabla", default="/tmp/nabla-bench", help="nabla CLI (nabla-check)")
    args = ap.parse_args()
    args.reps = max(1, args.reps)

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        workdir = args.keep
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="nabla-multi.")
        workdir = cleanup.name
    try:
        {"maxima": maxima, "giac": giac, "sympy": sympy_anchor,
         "nabla-check": nabla_check}[args.tool](args, workdir)
    finally:
        if cleanup:
            cleanup.cleanup()
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
