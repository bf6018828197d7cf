"""Prints the table of bench/numeric.sh: the best time of each case over
the rounds, nabla's and the anchors', their ratios and the goals.

Usage: numeric_report.py GO_BENCH_OUTPUT ANCHORS_OUTPUT
"""
import re
import sys


def best_go(path):
    best = {}
    for line in open(path):
        m = re.match(r"Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op", line)
        if m:
            name, ns = m.group(1), float(m.group(3)) * 1e-9
            best[name] = min(best.get(name, ns), ns)
    return best


def best_anchors(path):
    best = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            name, s = parts[0], float(parts[1])
            best[name] = min(best.get(name, s), s)
    return best


def fmt(s):
    if s is None:
        return "—"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    return f"{s * 1e3:.2f} ms"


def main():
    go, an = best_go(sys.argv[1]), best_anchors(sys.argv[2])
    rows = [
        # case, nabla benchmark, anchor, what the ratio is, goal (ratio bound, ≤ or ≥)
        ("N1 least squares, value+grad", "N1LeastSquares", "N1LeastSquares/numpy-loss", "nabla / numpy loss alone", ("<=", 1.3)),
        ("", "N1LeastSquares", "N1LeastSquares/numpy-closed-form", "nabla / numpy closed form", ("<=", 1 / 2.5)),
        ("", "N1LeastSquares", "N1LeastSquares/torch-autograd", "nabla / torch autograd", None),
        ("N2 logistic Hessian", "N2LogisticHessian", "N2LogisticHessian/numpy-closed-form", "nabla / numpy closed form", ("<=", 1.5)),
        ("", "N2LogisticHessian", "N2LogisticHessian/torch-hessian-vectorized", "nabla / torch hessian", ("<=", 1 / 3)),
        ("N3 Rosenbrock n=1e6, value+grad", "N3Rosenbrock", "N3RosenbrockValue", "nabla / nabla value alone", ("<=", 2)),
        ("", "N3Rosenbrock", "N3Rosenbrock/torch-loss", "nabla / torch loss alone", ("<=", 1)),
        ("", "N3Rosenbrock", "N3Rosenbrock/torch-loss-grad", "nabla / torch loss+grad", None),
        ("N4 small gradient", "N4SmallGrad", "N4SmallGrad/torch-autograd", "nabla / torch autograd", None),
        ("N5 Jacobian D=500", "N5Jacobian", "N5Jacobian/numpy-closed-form", "nabla / numpy closed form", ("<=", 1.5)),
        ("", "N5Jacobian", "N5Jacobian/torch-jacobian-vectorized", "nabla / torch jacobian", None),
    ]
    print(f"{'case':34} {'nabla':>10} {'anchor':>10}  {'ratio':>8}  {'goal':>8}  what")
    for case, mine, other, what, goal in rows:
        a = go.get(mine)
        b = go.get(other) if other in go else an.get(other)
        if a is None and b is None:
            continue
        ratio = a / b if a and b else None
        g = ""
        if goal and ratio is not None:
            op, bound = goal
            ok = ratio <= bound if op == "<=" else ratio >= bound
            g = f"{'≤' if op == '<=' else '≥'}{bound:.2f} {'ok' if ok else 'MISSED'}"
        rs = f"{ratio:.2f}" if ratio is not None else "—"
        print(f"{case:34} {fmt(a):>10} {fmt(b):>10}  {rs:>8}  {g:>12}  {what} ({other})")
    if "N4SmallGrad" in go:
        ns = go["N4SmallGrad"] * 1e9
        print(f"N4 goal ≤ 50 ns per call: {ns:.0f} ns {'ok' if ns <= 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
