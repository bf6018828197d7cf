#!/usr/bin/env python3
"""Merge benchmark results and print the comparison table.

Inputs (all optional; a missing or empty file shows as "-" in the table):
  --go FILE      raw `go test -bench` output for the nabla root package
  --nabla FILE   nabla CLI measurements (TSV: name, ns, extra)
  --ginac FILE   output of bench/ginac/bench (TSV)
  --sympy FILE   output of bench/sympy_bench.py (TSV)
  --sizes FILE   result sizes (TSV: tool, count_ops, count_ops_unevaluated, chars)
  --tsv FILE     also write the merged table as TSV

Multivariate family (E: Rosenbrock Hessian, F: product gradient); the second
table is printed when any of these files has results:
  --go-multi FILE      raw `go test -bench` output of the E/F benchmarks
  --nabla-multi FILE   `multi_anchors.py nabla-check` output (TSV)
  --ginac-multi FILE   output of bench/ginac/multi (TSV)
  --maxima FILE        `multi_anchors.py maxima` output (TSV)
  --giac FILE          `multi_anchors.py giac` output (TSV)
  --sympy-multi FILE   `multi_anchors.py sympy` output (TSV)
  --tsv-multi FILE     also write the second table as TSV
  --only FAMILY        print only the table of FAMILY: single (A-D) or multi (E-F)

Ratios are anchor time / nabla time, so a value above 1 means nabla is faster.
"""

import argparse
import os
import re

GO_LINE = re.compile(r"^(Benchmark\S+)\s+(\d+)\s+([0-9.]+)\s+ns/op")
GO_METRIC = re.compile(r"([0-9.]+)\s+([A-Za-z/]+)")


def read_tsv(path):
    """name -> (ns or None, extra)"""
    out = {}
    if not path or not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            name = parts[0]
            try:
                ns = float(parts[1]) if len(parts) > 1 else None
            except ValueError:
                ns = None
            out[name] = (ns, parts[2] if len(parts) > 2 else "")
    return out


def read_go(path):
    """benchmark name (GOMAXPROCS suffix stripped) -> (ns/op, iterations)"""
    out = {}
    if not path or not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            m = GO_LINE.match(line.strip())
            if not m:
                continue
            name = re.sub(r"-\d+$", "", m.group(1))
            out[name] = (float(m.group(3)), m.group(2))
    return out


def read_go_metrics(path):
    """benchmark name -> {unit: value} for every metric on its line"""
    out = {}
    if not path or not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            m = GO_LINE.match(line.strip())
            if not m:
                continue
            name = re.sub(r"-\d+$", "", m.group(1))
            rest = line.strip()[len(m.group(1)):].split(None, 1)[1]
            out[name] = {u: float(v) for v, u in GO_METRIC.findall(rest)}
    return out


def read_sizes(path):
    out = {}
    if not path or not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 4 and not parts[0].startswith("#"):
                out[parts[0]] = parts[1:4]
    return out


def fmt_time(ns):
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.0f} ns"


def fmt_ratio(anchor, nabla):
    if anchor is None or nabla is None or nabla <= 0:
        return "-"
    r = anchor / nabla
    return f"{r:,.0f}x" if r >= 100 else f"{r:.3g}x"


def get(d, key):
    v = d.get(key)
    return v[0] if v else None


def print_table(headers, rows):
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))


def main():
    ap = argparse.ArgumentParser()
    for opt in ("go", "nabla", "ginac", "sympy", "sizes", "tsv", "go-multi", "nabla-multi",
                "ginac-multi", "maxima", "giac", "sympy-multi", "tsv-multi"):
        ap.add_argument("--" + opt, default="")
    ap.add_argument("--only", choices=["single", "multi"], default="")
    args = ap.parse_args()

    if args.only != "multi":
        single_table(args)
    if args.only != "single":
        multi_table(args)


def single_table(args):
    go = read_go(args.go)
    nab = read_tsv(args.nabla)
    gin = read_tsv(args.ginac)
    sym = read_tsv(args.sympy)
    sizes = read_sizes(args.sizes)

    # (label, nabla ns, ginac ns, sympy ns)
    spec = [
        ("A  seed derivative, per expression",
         get(go, "BenchmarkSeedDerivative"), get(gin, "seed_derivative"),
         get(sym, "seed_derivative_warm")),
        ("A' seed derivative, SymPy cold cache",
         get(go, "BenchmarkSeedDerivative"), None, get(sym, "seed_derivative_cold")),
        ("B  batch 1,200 lines, whole process [1]",
         get(nab, "batch1200_cli"), get(gin, "batch1200_process"),
         get(sym, "batch1200_process")),
        ("B' batch 1,200 lines, in process [2]",
         get(go, "BenchmarkBatchSeed1200"), get(gin, "batch1200_inprocess"),
         get(sym, "batch1200_inprocess")),
        ("C  15th derivative of exp(sin(x))",
         get(go, "BenchmarkExpSin15"), get(gin, "expsin15"), get(sym, "expsin15")),
        ("D  d/dx sin^200(x)",
         get(go, "BenchmarkNestedSin/depth=200"), get(gin, "nested200"),
         get(sym, "nested200")),
        ("D  d/dx sin^2000(x)",
         get(go, "BenchmarkNestedSin/depth=2000"), get(gin, "nested2000"), None),
    ]

    headers = ["workload", "nabla", "GiNaC", "SymPy", "GiNaC/nabla", "SymPy/nabla"]
    rows = []
    for label, n, g, s in spec:
        rows.append([label, fmt_time(n), fmt_time(g), fmt_time(s),
                     fmt_ratio(g, n), fmt_ratio(s, n)])
    print()
    print_table(headers, rows)
    print()
    print("Ratios are anchor time / nabla time: above 1x means nabla is faster.")
    print("[1] Wall clock of the whole process, start-up and import included: nabla")
    print("    diff - --wrt x, GiNaC's and SymPy's anchors with --stdin; every line")
    print("    parsed, differentiated and printed (nabla also simplifies); best of 10")
    print("    (SymPy: of 3).")
    print("[2] After start-up, in one process: nabla's BenchmarkBatchSeed1200 (the")
    print("    command run in process: parsed, differentiated, simplified, printed);")
    print("    GiNaC and SymPy parsed and differentiated, nothing printed.")
    floor = [(name, get(nab, key)) for name, key in
             (("nabla version", "startup_cli"), ("Go hello world", "go_floor"),
              ("/bin/true", "process_floor"))]
    if all(v is not None for _, v in floor):
        print("    Start-up on this machine: " + ", ".join(f"{name} {fmt_time(v)}" for name, v in floor)
              + " (the timer's own process start included).")
    if not get(gin, "nested2000"):
        print("    GiNaC sin^2000 runs only with --deep; SymPy is not run at depth 2000.")

    if sizes:
        print()
        print("Result size for C (measured by SymPy on each tool's printed result):")
        srows = []
        for tool in ("nabla", "GiNaC", "SymPy"):
            v = sizes.get(tool)
            srows.append([tool] + (v if v else ["-", "-", "-"]))
        print_table(["tool", "count_ops", "count_ops (as printed)", "chars"], srows)

    if args.tsv:
        with open(args.tsv, "w") as f:
            f.write("\t".join(headers) + "\n")
            for label, n, g, s in spec:
                f.write("\t".join([label] + ["" if v is None else f"{v:.0f}" for v in (n, g, s)]
                                  + [fmt_ratio(g, n).rstrip("x").replace(",", ""),
                                     fmt_ratio(s, n).rstrip("x").replace(",", "")]) + "\n")


def extra_field(extra, key):
    for part in (extra or "").split(","):
        if part.startswith(key + "="):
            return part[len(key) + 1:]
    return None


class Cell:
    """One anchor measurement: a time, a timeout, a failed check, or nothing."""

    def __init__(self, d, key):
        self.ns, self.extra = d.get(key, (None, ""))
        self.present = key in d
        self.timeout = extra_field(self.extra, "timeout")
        check = extra_field(self.extra, "check")
        self.failed = check is not None and check != "ok"

    def ok(self):
        return self.ns is not None and not self.failed

    def text(self):
        if self.timeout is not None:
            return f">{self.timeout} s"
        if self.ns is None:
            return "fail" if self.present else "-"
        return fmt_time(self.ns) + (" !" if self.failed else "")


def multi_table(args):
    go = read_go(args.go_multi)
    metrics = read_go_metrics(args.go_multi)
    nab = read_tsv(args.nabla_multi)
    tools = [("GiNaC", read_tsv(args.ginac_multi)), ("Maxima", read_tsv(args.maxima)),
             ("Giac", read_tsv(args.giac)), ("SymPy", read_tsv(args.sympy_multi))]
    if not go and not nab and not any(d for _, d in tools):
        return
    gin, mxm, gia, sym = (d for _, d in tools)

    # (label, go benchmark, anchor key, giac diff(diff) key)
    spec = [
        ("E  Hessian, Rosenbrock n=100", "BenchmarkRosenbrockHessian/n=100",
         "hessian_n100", "hessian_diffdiff_n100"),
        ("E  Hessian, Rosenbrock n=1000", "BenchmarkRosenbrockHessian/n=1000",
         "hessian_n1000", "hessian_diffdiff_n1000"),
        ("E  Hessian, Rosenbrock n=10000", "BenchmarkRosenbrockHessian/n=10000",
         "hessian_n10000", "hessian_diffdiff_n10000"),
        ("F  gradient of x1*...*x500", "BenchmarkProductGradient/n=500",
         "prodgrad_n500", None),
    ]
    headers = ["workload", "nabla", "GiNaC", "Maxima", "Giac [1]", "Giac diff2 [2]",
               "SymPy", "best anchor", "best/nabla"]
    rows, tsv_rows, notes = [], [], []
    for label, bench, key, dd in spec:
        n = get(go, bench)
        cells = [("GiNaC", Cell(gin, key)), ("Maxima", Cell(mxm, key)),
                 ("Giac", Cell(gia, key)),
                 ("Giac diff2", Cell(gia, dd) if dd else Cell({}, "")),
                 ("SymPy", Cell(sym, key))]
        done = [(c.ns, name) for name, c in cells if c.ok()]
        if done:
            best_ns, best_name = min(done)
            best, ratio = fmt_time(best_ns), fmt_ratio(best_ns, n)
        else:
            best_ns, best_name = None, ""
            outs = [float(c.timeout) for _, c in cells if c.timeout is not None]
            best = f">{max(outs):g} s" if outs else "-"
            ratio = ("-" if not outs or not n else
                     ">" + fmt_ratio(max(outs) * 1e9, n))
        rows.append([label, fmt_time(n)] + [c.text() for _, c in cells]
                    + [best_name or best, ratio])
        tsv_rows.append([label, "" if n is None else f"{n:.0f}"]
                        + ["" if not c.ok() else f"{c.ns:.0f}" for _, c in cells]
                        + [best_name, "" if best_ns is None or not n else f"{best_ns / n:.4g}"])
        for name, c in cells:
            if c.failed:
                notes.append(f"{name} {key}: result check failed ({c.extra})")
            rows_done = extra_field(c.extra, "done")
            if c.timeout is not None and rows_done and "/" in rows_done:
                k, tot = (int(v) for v in rows_done.split("/"))
                if k > 0:
                    est = float(c.timeout) * tot / k
                    notes.append(f"{name} {key}: stopped after {k} of {tot} rows in "
                                 f"{c.timeout} s; at that rate the full Hessian takes "
                                 f"about {est:,.0f} s")
    print()
    print("Multivariate workloads (E, F)")
    print()
    print_table(headers, rows)
    print()
    print("best/nabla is the fastest finished anchor's time / nabla time: above 1x means")
    print("nabla is faster. '-' = not run (see bench/README.md), '>T s' = gave up after T s,")
    print("'!' = the result failed its check.")
    print("[1] hessian(f, X). Giac is not run on F.")
    print("[2] diff(diff(f, X), X): the same n x n matrix without hessian().")
    print("nabla returns the Hessian as a sparse matrix (3n-2 stored entries); the anchors")
    print("build the dense n x n matrix with 0 entries.")
    for note in notes:
        print("Note: " + note)

    sizes = []
    m = metrics.get("BenchmarkProductGradient/n=500", {})
    nchars = extra_field(nab.get("prodgrad_n500_size", (None, ""))[1], "chars")
    if m or nchars:
        nodes = m.get("nodes")
        sizes.append(["nabla", nchars or "-",
                      f"{nodes:.0f} (shared DAG)" if nodes is not None else "-"])
    for name, d in tools:
        c = extra_field(d.get("prodgrad_n500", (None, ""))[1], "chars")
        if c:
            sizes.append([name, c, "-"])
    if sizes:
        print()
        print("Result size for F (all 500 partial derivatives, printed):")
        print_table(["tool", "chars", "nodes"], sizes)

    if args.tsv_multi:
        with open(args.tsv_multi, "w") as f:
            f.write("\t".join(["workload", "nabla", "GiNaC", "Maxima", "Giac", "Giac diff2",
                               "SymPy", "best anchor", "best/nabla"]) + "\n")
            for r in tsv_rows:
                f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
