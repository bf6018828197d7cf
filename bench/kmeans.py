"""The NumPy anchor of nabla's k-means benchmark.

Times one Lloyd iteration, the assignment step and the update step, on
10⁶ points in 10 dimensions with k = 10, the sizes of
BenchmarkKMeansIteration in optim/bench_fit_test.go, vectorised two ways:

  numpy-broadcast  the squared distances ||x − μ||², the differences
                   broadcast over blocks of 4096 rows (the whole
                   10⁶×10×10 array would take 800 MB) and summed by
                   np.einsum, then np.argmin
  numpy-matmul     ||x||² − 2xμᵀ + ||μ||², with the matrix product xμᵀ
                   in OpenBLAS (on all cores), then np.argmin; ||x||² is
                   computed once, outside the timing, as a Lloyd loop would

numpy-matmul is the faster, about 2–3 times. Both update the centroids
with np.bincount, the fastest of the ways tried (np.add.at is ten times
slower, a one-hot matrix product and np.add.reduceat over sorted rows a
little slower). Prints "name seconds" per line, the best of several
runs, for bench/kmeans.sh; checks first that both ways give the same
assignment and the same centroids.

  kmeans.py --report GO_BENCH_OUTPUT ANCHORS_OUTPUT

prints the table of bench/kmeans.sh from the outputs of its rounds.
"""
import re
import sys
import time

import numpy as np

N, D, K = 1_000_000, 10, 10
BLOCK = 1 << 12


def blobs(rng):
    """n points around k centres in [-10, 10]^d, standard deviation 1."""
    centres = rng.uniform(-10, 10, (K, D))
    return centres[np.arange(N) % K] + rng.standard_normal((N, D))


def update(x, a):
    """The centroids: the mean of each cluster's points, and the counts."""
    counts = np.bincount(a, minlength=K)
    sums = np.stack([np.bincount(a, weights=x[:, j], minlength=K) for j in range(D)], axis=1)
    return sums / np.maximum(counts, 1)[:, None], counts


def step_broadcast(x, mu):
    a = np.empty(N, dtype=np.intp)
    loss = 0.0
    for lo in range(0, N, BLOCK):
        diff = x[lo:lo + BLOCK, None, :] - mu[None, :, :]
        d2 = np.einsum("ijk,ijk->ij", diff, diff)
        a[lo:lo + BLOCK] = d2.argmin(axis=1)
        loss += d2.min(axis=1).sum()
    new, _ = update(x, a)
    return new, a, loss


def step_matmul(x, mu, xx):
    d2 = x @ (-2.0 * mu.T)
    d2 += (mu * mu).sum(axis=1)
    a = d2.argmin(axis=1)
    loss = d2.min(axis=1).sum() + xx.sum()
    new, _ = update(x, a)
    return new, a, loss


def best(f, repeat=7):
    """The best time of one call of f, in seconds."""
    f()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    rng = np.random.default_rng(1)
    x = blobs(rng)
    mu = x[:K].copy()
    xx = (x * x).sum(axis=1)  # ||x||², fixed: computed once, outside the timing
    b_mu, b_a, b_loss = step_broadcast(x, mu)
    m_mu, m_a, m_loss = step_matmul(x, mu, xx)
    if not (np.array_equal(b_a, m_a) and np.allclose(b_mu, m_mu) and np.isclose(b_loss, m_loss)):
        sys.exit("kmeans.py: the two ways disagree")
    print(f"KMeansIteration/numpy-broadcast {best(lambda: step_broadcast(x, mu)):.9f}", flush=True)
    print(f"KMeansIteration/numpy-matmul {best(lambda: step_matmul(x, mu, xx)):.9f}", flush=True)


def report(go_path, anchors_path):
    """Prints the table of bench/kmeans.sh: the best time of each, and the
    ratios nabla / plain Go loop and nabla / NumPy with their goals."""
    best = {}
    for line in open(go_path):
        m = re.match(r"Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op", line)
        if m:
            best[m.group(1)] = min(best.get(m.group(1), 1e99), float(m.group(3)) * 1e-9)
    for line in open(anchors_path):
        parts = line.split()
        if len(parts) == 2:
            best[parts[0]] = min(best.get(parts[0], 1e99), float(parts[1]))
    mine = best.get("KMeansIteration")
    print(f"{'one Lloyd iteration, 10^6 x 10, k = 10':42} {'time':>9}  {'nabla / it':>10}  goal")
    rows = [
        ("nabla (optim, all cores)", "KMeansIteration", None),
        ("plain sequential Go loop", "KMeansPlainLoop", "<= 1.3"),
        ("NumPy, ||x||² − 2xμᵀ + ||μ||² (matmul)", "KMeansIteration/numpy-matmul", "< 1"),
        ("NumPy, broadcast differences", "KMeansIteration/numpy-broadcast", "< 1"),
    ]
    for what, key, goal in rows:
        t = best.get(key)
        if t is None:
            print(f"{what:42} {'—':>9}")
            continue
        ratio = f"{mine / t:.2f}" if mine and key != "KMeansIteration" else ""
        print(f"{what:42} {t * 1e3:7.1f} ms  {ratio:>10}  {goal or ''}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--report":
        report(sys.argv[2], sys.argv[3])
    else:
        main()
