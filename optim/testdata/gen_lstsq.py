"""Writes lstsq_numpy.json: least-squares problems and numpy's solutions,
for TestLeastSquaresNumpy in optim/lstsq_test.go.

Run from the repository root with /usr/bin/python3 (Debian's
python3-numpy): python3 optim/testdata/gen_lstsq.py

Each case holds the design matrix phi (rows), the targets y, and what
numpy.linalg.lstsq (LAPACK's gelsd) returns with rcond=None: theta, the
residual norm, the rank and the singular values.
"""
import json
import os

import numpy as np


def case(name, phi, y):
    theta, res, rank, sv = np.linalg.lstsq(phi, y, rcond=None)
    return {
        "name": name,
        "phi": phi.tolist(),
        "y": y.tolist(),
        "theta": theta.tolist(),
        "residual": float(np.linalg.norm(y - phi @ theta)),
        "rank": int(rank),
        "singular": sv.tolist(),
        "numpy": np.__version__,
    }


def main():
    rng = np.random.default_rng(5)
    cases = []

    # The line through the eight points of examples/data.
    size = np.array([0.5, 0.8, 1.0, 1.2, 1.5, 1.7, 2.0, 2.4])
    price = np.array([2.1, 2.4, 3.05, 3.55, 3.9, 4.6, 4.95, 5.9])
    cases.append(case("line", np.column_stack([np.ones(8), size]), price))

    # A tall random problem with noise.
    phi = rng.standard_normal((200, 6))
    y = phi @ rng.standard_normal(6) + 0.1 * rng.standard_normal(200)
    cases.append(case("random-200x6", phi, y))

    # A cubic on [0, 2]: Vandermonde columns 1, x, x², x³.
    x = np.linspace(0, 2, 30)
    phi = np.vander(x, 4, increasing=True)
    y = np.sin(2 * x) + 0.05 * rng.standard_normal(30)
    cases.append(case("cubic", phi, y))

    # Columns of different scales: an intercept and sizes in m².
    area = rng.uniform(40, 220, 50)
    rooms = np.round(area / 30 + rng.uniform(-1, 1, 50))
    phi = np.column_stack([np.ones(50), area, rooms])
    y = 30 + 2.5 * area + 8 * rooms + 15 * rng.standard_normal(50)
    cases.append(case("scales", phi, y))

    # A square system, solved exactly.
    phi = rng.standard_normal((5, 5)) + 3 * np.eye(5)
    y = rng.standard_normal(5)
    cases.append(case("square", phi, y))

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lstsq_numpy.json")
    with open(out, "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
