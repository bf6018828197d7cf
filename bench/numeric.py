"""The NumPy and PyTorch anchors of nabla's numeric benchmarks.

Prints one line per case, "name seconds", the best of several runs of
each, for bench/numeric.sh to put next to nabla's figures. The cases are
those of numeric_bench_test.go, at the same sizes.
"""
import sys
import time

import numpy as np
import torch

torch.set_grad_enabled(True)


def best(f, repeat=15, number=None):
    """The best time of one call of f, in seconds."""
    f()
    if number is None:
        t0 = time.perf_counter()
        f()
        one = time.perf_counter() - t0
        number = max(1, int(0.05 / max(one, 1e-9)))
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            f()
        times.append((time.perf_counter() - t0) / number)
    return min(times)


def report(name, seconds):
    print(f"{name} {seconds:.9f}", flush=True)


def n1():
    rng = np.random.default_rng(1)
    n, d = 100_000, 100
    phi = rng.standard_normal((n, d))
    y = rng.standard_normal(n)
    theta = rng.standard_normal(d)

    def loss():
        r = y - phi @ theta
        return r @ r

    def closed():
        r = y - phi @ theta
        return r @ r, -2 * (phi.T @ r)

    report("N1LeastSquares/numpy-loss", best(loss))
    report("N1LeastSquares/numpy-closed-form", best(closed))
    tphi, ty = torch.from_numpy(phi), torch.from_numpy(y)
    tt = torch.from_numpy(theta.copy()).requires_grad_(True)

    def autograd():
        tt.grad = None
        r = ty - tphi @ tt
        l = r @ r
        l.backward()
        return l.item(), tt.grad

    report("N1LeastSquares/torch-autograd", best(autograd))


def n2():
    rng = np.random.default_rng(2)
    n, d = 1000, 1000
    x = rng.standard_normal((n, d))
    y = rng.integers(0, 2, n) * 2.0 - 1
    w = rng.standard_normal(d) * 0.03

    def closed():
        z = y * (x @ w)
        s = 1 / (1 + np.exp(-z))
        wts = y * y * s * (1 - s)
        return x.T @ (wts[:, None] * x)

    report("N2LogisticHessian/numpy-closed-form", best(closed, repeat=5))
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def loss(tw):
        return torch.log1p(torch.exp(-ty * (tx @ tw))).sum()

    tw = torch.from_numpy(w)
    report("N2LogisticHessian/torch-hessian-vectorized",
           best(lambda: torch.autograd.functional.hessian(loss, tw, vectorize=True), repeat=3, number=1))


def n3():
    """Rosenbrock at n = 10^6: the extended form of More, Garbow and
    Hillstrom that nabla's benchmark computes, sum over pairs (u, v) of
    100 (v - u^2)^2 + (1 - u)^2, and the chained form for reference."""
    rng = np.random.default_rng(3)
    n = 1_000_000
    x = rng.standard_normal(n)
    tx = torch.from_numpy(x.copy()).requires_grad_(True)

    def extended():
        u, v = tx[0::2], tx[1::2]
        return (100 * (v - u ** 2) ** 2 + (1 - u) ** 2).sum()

    def chained():
        return (100 * (tx[1:] - tx[:-1] ** 2) ** 2 + (1 - tx[:-1]) ** 2).sum()

    def both(f):
        def run():
            tx.grad = None
            l = f()
            l.backward()
            return l.item(), tx.grad
        return run

    with torch.no_grad():
        report("N3Rosenbrock/torch-loss", best(extended))
        report("N3Rosenbrock/torch-loss-chained", best(chained))
    report("N3Rosenbrock/torch-loss-grad", best(both(extended)))
    report("N3Rosenbrock/torch-loss-grad-chained", best(both(chained)))


def n4():
    x = torch.tensor([1.5, -0.5], dtype=torch.float64, requires_grad=True)

    def grad():
        x.grad = None
        f = x[0] ** 2 * x[1] + x[0] * x[1] ** 3
        f.backward()
        return x.grad

    report("N4SmallGrad/torch-autograd", best(grad))


def n5():
    rng = np.random.default_rng(5)
    d = 500
    a = rng.standard_normal((d, d))
    x = rng.standard_normal(d)

    def closed():
        return a + np.diag(np.cos(x))

    report("N5Jacobian/numpy-closed-form", best(closed))
    ta, tx = torch.from_numpy(a), torch.from_numpy(x)
    report("N5Jacobian/torch-jacobian-vectorized",
           best(lambda: torch.autograd.functional.jacobian(lambda v: ta @ v + torch.sin(v), tx, vectorize=True)))


if __name__ == "__main__":
    cases = {"N1": n1, "N2": n2, "N3": n3, "N4": n4, "N5": n5}
    for name in sys.argv[1:] or cases:
        cases[name]()
