// Package format prints expression graphs as text that the parser reads
// back to the same graph, and as LaTeX. Both printers take precedence and
// spelling from the operation table.
package format

import (
	"math"

	"github.com/nabla-math/nabla/internal/expr"
)

// fraction is a product split for printing: sign, a numeric coefficient
// p/q and the factors with positive and with negative exponents.
type fraction struct {
	neg  bool
	p, q string // coefficient numerator and denominator, "1" when absent
	num  []*expr.Node
	den  []power
}

// power is a factor of a denominator: base^exp, printed as it stands
// rather than rebuilt, so that 1/0^2 does not fold to 1/0.
type power struct {
	base, exp *expr.Node
}

// split decomposes a product, a power with a negative exponent or a
// number into a fraction. Factors with a negative exponent go to the
// denominator with the exponent negated: x^-2 y gives y / x^2.
func split(n *expr.Node) fraction {
	var f fraction
	c, factors := expr.Factors(n) // views of n's operands: nothing is built
	if c.Sign() < 0 {
		f.neg = true
		c = c.Neg()
	}
	f.p, f.q = "1", "1"
	if c.IsFloat() {
		f.p = c.String()
	} else {
		f.p, f.q = c.NumDen()
	}
	for i, x := range factors {
		inv, ok := reciprocal(x)
		if !ok {
			continue
		}
		if f.den == nil {
			f.num = append(make([]*expr.Node, 0, len(factors)), factors[:i]...)
		}
		f.den = append(f.den, inv)
		for _, y := range factors[i+1:] {
			if inv, ok := reciprocal(y); ok {
				f.den = append(f.den, inv)
			} else {
				f.num = append(f.num, y)
			}
		}
		return f
	}
	f.num = factors // no denominator: the factors as they are, shared
	return f
}

// reciprocal returns the power p with x = 1/p when x is a power with a
// negative exponent coefficient, as x^-2 or x^(-n).
func reciprocal(x *expr.Node) (power, bool) {
	if x.Op() != expr.OpPow {
		return power{}, false
	}
	b, e := x.Arg(0), x.Arg(1)
	if k, _ := expr.SplitCoeff(e); k.Sign() < 0 {
		return power{b, expr.Neg(e)}, true
	}
	return power{}, false
}

// isOne reports whether an exponent is 1.
func isOne(e *expr.Node) bool { return e.IsNum(1) }

// powerPrec is the binding power of a denominator factor as printed.
func powerPrec(p power) int {
	switch {
	case isOne(p.exp):
		return prec(p.base)
	case isHalf(p.exp):
		return expr.PrecAtom
	}
	return expr.PrecPow
}

func isHalf(e *expr.Node) bool {
	if !e.IsConst() {
		return false
	}
	p, q, ok := e.Num().Frac()
	return ok && p == 1 && q == 2
}

// isFractional reports whether n prints as a fraction or with a sign, so
// that it needs parentheses as a base or exponent.
func isFractional(n *expr.Node) bool {
	f := split(n)
	return f.neg || f.q != "1" || len(f.den) > 0
}

// isSqrt reports whether n is a square root, u^(1/2).
func isSqrt(n *expr.Node) bool {
	return n.Op() == expr.OpPow && isHalf(n.Arg(1))
}

// prec returns the binding power of n as printed.
func prec(n *expr.Node) int {
	sp := &n.Info().Text
	switch sp.Form {
	case expr.FormSum:
		return expr.PrecAdd
	case expr.FormProduct:
		if n.IsConst() {
			if isFractional(n) {
				return expr.PrecMul
			}
			if n.Num().IsFloat() && math.Signbit(n.Num().Float64()) {
				return expr.PrecUnary // -2.5 and -0.0 print with a sign
			}
			return expr.PrecAtom
		}
		f := split(n)
		if len(f.den) > 0 || f.q != "1" || len(f.num) > 1 || f.p != "1" {
			return expr.PrecMul
		}
		if f.neg {
			return expr.PrecUnary
		}
		return prec(f.num[0])
	case expr.FormMatMul, expr.FormInfix:
		return expr.PrecMul
	case expr.FormWord:
		if sp.Wide != "" && n.Shape().Rank() == 2 {
			return expr.PrecMul // printed as a product, ones onesᵀ
		}
	case expr.FormPower:
		if isSqrt(n) {
			return expr.PrecAtom
		}
		if _, ok := reciprocal(n); ok {
			return expr.PrecMul
		}
		return expr.PrecPow
	}
	return expr.PrecAtom
}

// terms returns the terms of a sum in printing order: the canonical order,
// except that a sum whose first term is negative starts with its first
// positive term, as 1 - x^2 rather than -x^2 + 1. A polynomial in one
// variable of more than two terms keeps the order of its degrees:
// -3x^4 + 5x^2 - 1.
func terms(n *expr.Node) []*expr.Node {
	ts := n.Args()
	if k, _ := expr.SplitCoeff(ts[0]); k.Sign() >= 0 || len(ts) > 2 && univariatePolynomial(ts) {
		return ts
	}
	for i, t := range ts {
		if k, _ := expr.SplitCoeff(t); k.Sign() > 0 {
			out := make([]*expr.Node, 0, len(ts))
			out = append(out, t)
			out = append(out, ts[:i]...)
			return append(out, ts[i+1:]...)
		}
	}
	return ts
}

// univariatePolynomial reports whether every term is a number or a
// number times a power of one and the same variable.
func univariatePolynomial(ts []*expr.Node) bool {
	var x *expr.Node
	for _, t := range ts {
		_, fs := expr.Factors(t)
		switch len(fs) {
		case 0:
			continue
		case 1:
		default:
			return false
		}
		b, e := expr.SplitPow(fs[0])
		if b.Op() != expr.OpSym || !e.IsConst() || x != nil && !expr.Equal(b, x) {
			return false
		}
		x = b
	}
	return true
}

// matrixFactors reports whether a product has two or more vector or matrix
// factors, which makes it element-wise (x ⊙ y).
func matrixFactors(fs []*expr.Node) int {
	k := 0
	for _, f := range fs {
		if !f.Shape().IsScalar() {
			k++
		}
	}
	return k
}
