#!/usr/bin/env python3
"""Merge benchmark results and print the comparison table.

Inputs (all optional; a missing or empty file shows as "-" in the table):
  --go FILE      raw `go test -bench` output for the nabla root package
  --nabla FILE   nabla CLI measurements (TSV: name, ns, extra)
  --ginac FILE   output of bench/ginac/bench (TSV)
  --sympy FILE   output of bench/sympy_bench.py (TSV)
  --sizes FILE   result sizes (TSV: tool, count_ops, count_ops_unevaluated, chars)
  --tsv FILE     also write the merged table as TSV

Ratios are anchor time / nabla time, so a value above 1 means nabla is faster.
"""

import argparse
import os
import re

GO_LINE = re.compile(r"^(Benchmark\S+)\s+(\d+)\s+([0-9.]+)\s+ns/op")


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
    for opt in ("go", "nabla", "ginac", "sympy", "sizes", "tsv"):
        ap.add_argument("--" + opt, default="")
    args = ap.parse_args()

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
        ("B  batch 1,200 lines, total [1]",
         get(nab, "batch1200_cli"), get(gin, "batch1200_inprocess"),
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
    print("[1] nabla: CLI wall-clock including process start (best of 5);")
    print("    GiNaC and SymPy: in-process, after start-up and import.")
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


if __name__ == "__main__":
    main()
