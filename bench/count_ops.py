#!/usr/bin/env python3
"""Measure the size of an expression printed by nabla or GiNaC with SymPy.

Reads one expression from stdin (or from the file given as the only argument)
and prints a single line:

    count_ops<TAB>count_ops_unevaluated<TAB>chars

count_ops is SymPy's count_ops() after SymPy has parsed (and therefore
auto-canonicalised) the text; count_ops_unevaluated is measured on the
expression tree exactly as printed (parse_expr(..., evaluate=False)).
Both implicit multiplication ("2x", "x^3 sin(x)") and "^" for powers are
accepted.
"""

import sys

from sympy import Symbol, count_ops
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication,
    parse_expr,
    standard_transformations,
)

TRANSFORMS = standard_transformations + (implicit_multiplication, convert_xor)


def parse(text, evaluate=True):
    local = {"x": Symbol("x"), "n": Symbol("n")}
    return parse_expr(text, local_dict=local, transformations=TRANSFORMS, evaluate=evaluate)


def main():
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            text = f.read()
    else:
        text = sys.stdin.read()
    text = " ".join(text.split())
    if not text:
        sys.exit("count_ops.py: empty input")
    evaluated = count_ops(parse(text))
    try:
        raw = count_ops(parse(text, evaluate=False))
    except Exception:  # unevaluated parsing is best-effort
        raw = -1
    print(f"{evaluated}\t{raw}\t{len(text)}")


if __name__ == "__main__":
    main()
