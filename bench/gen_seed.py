#!/usr/bin/env python3
"""Generate the 1,200-line batch workload in three syntaxes.

Each line is one of the 12 seed shapes with an integer constant k (1..100)
substituted, so all lines are distinct. For k = 1 every shape reduces to the
corresponding seed expression, so the first 12 lines are the seed set itself.

Outputs (next to this script):
  seed1200.txt        nabla syntax (implicit multiplication, ^)
  seed1200_sympy.txt  Python/SymPy syntax (*, **)
  seed1200_ginac.txt  GiNaC parser syntax (*, ^)

The output is deterministic; re-running the script reproduces the same files.
"""

import os
import sys

N_K = 100  # constants k = 1..N_K, 12 shapes each -> 1,200 lines


class Syntax:
    def __init__(self, juxt, times, power):
        self.juxt = juxt    # between an integer coefficient and a factor
        self.times = times  # between two non-numeric factors
        self.power = power

    def coef(self, k, factor):
        """k*factor, omitting a coefficient of 1."""
        return factor if k == 1 else f"{k}{self.juxt}{factor}"

    def pow(self, base, exp):
        return f"{base}{self.power}{exp}"


NABLA = Syntax(juxt="", times=" ", power="^")
SYMPY = Syntax(juxt="*", times="*", power="**")
GINAC = Syntax(juxt="*", times="*", power="^")


def shapes(k, s):
    """The 12 seed shapes instantiated with constant k in syntax s."""
    p = s.pow
    return [
        # x^2
        s.coef(k, p("x", 2)),
        # x^6
        p("x", k + 5),
        # x^5 - x^2 + x
        f"{p('x', 5)} - {s.coef(k, p('x', 2))} + x",
        # x^2 - 4x + 3
        f"{p('x', 2)} - {s.coef(k + 3, 'x')} + 3",
        # sin(2x+1)
        f"sin({s.coef(k + 1, 'x')}+1)",
        # (sin(x^4))^5
        p(f"(sin({s.coef(k, p('x', 4))}))", 5),
        # x^3 sin(x)
        f"{p('x', 3)}{s.times}sin({s.coef(k, 'x')})",
        # (x^2+5x+6)^10
        p(f"({p('x', 2)}+{s.coef(k + 4, 'x')}+6)", 10),
        # exp(x)
        f"exp({s.coef(k, 'x')})",
        # (x^2+1)/(x-1)
        f"({p('x', 2)}+{k})/(x-1)",
        # x^x
        p("x", "x" if k == 1 else f"({s.coef(k, 'x')})"),
        # x^n
        p("x", "n" if k == 1 else f"(n+{k - 1})"),
    ]


SEED_NABLA = [
    "x^2", "x^6", "x^5 - x^2 + x", "x^2 - 4x + 3", "sin(2x+1)",
    "(sin(x^4))^5", "x^3 sin(x)", "(x^2+5x+6)^10", "exp(x)",
    "(x^2+1)/(x-1)", "x^x", "x^n",
]


def lines(s):
    out = []
    for k in range(1, N_K + 1):
        out.extend(shapes(k, s))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outputs = {
        "seed1200.txt": lines(NABLA),
        "seed1200_sympy.txt": lines(SYMPY),
        "seed1200_ginac.txt": lines(GINAC),
    }
    for name, ls in outputs.items():
        assert len(ls) == 12 * N_K, (name, len(ls))
        assert len(set(ls)) == len(ls), f"{name}: duplicate lines"
    assert outputs["seed1200.txt"][:12] == SEED_NABLA, "first 12 lines must be the seed set"
    for name, ls in outputs.items():
        with open(os.path.join(here, name), "w") as f:
            f.write("\n".join(ls) + "\n")
        print(f"wrote {name}: {len(ls)} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
