package calc

import (
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"

	"github.com/nabla-math/nabla/internal/expr"
)

// OrderError reports the order of a derivative out of range: negative,
// or above MaxOrder where the work grows with the order, that is for all
// but polynomials in the variable.
type OrderError struct{ Order int }

func (e *OrderError) Error() string {
	return fmt.Sprintf("order %d out of range 0…%d", e.Order, MaxOrder)
}

// anyOrder reports whether a derivative of f of any order is available:
// one with respect to a single scalar variable of a polynomial in it.
func anyOrder(f *expr.Node, vars []Var, kind Kind) bool {
	if kind != Auto || len(vars) != 1 || vars[0].Idx != nil || !vars[0].scalar() {
		return false
	}
	_, ok := degree(f, vars[0].Sym)
	return ok
}

// maxCoefficientBits bounds the size of a coefficient of a derivative of
// a polynomial, j!/(j-k)! for the term x^j, in bits.
const maxCoefficientBits = 1 << 15

// unbounded is the degree bound that stands for one too large to count.
const unbounded = math.MaxInt64 / 4

// degrees gives upper bounds of the degrees of expressions as
// polynomials in the scalar x: built from x and expressions free of x by
// sums, products and whole powers.
type degrees struct {
	x    *expr.Node
	memo expr.Memo[int64]
}

// of returns the bound for n, 0 when n is free of x, and -1 when n is
// not such a polynomial.
func (g *degrees) of(n *expr.Node) int64 {
	if n.Op() == expr.OpSym {
		if expr.Equal(n, g.x) {
			return 1
		}
		return 0
	}
	if len(n.Args()) == 0 {
		return 0
	}
	if d, ok := g.memo.Get(n); ok {
		return d
	}
	var d int64
	switch n.Op() {
	case expr.OpAdd, expr.OpMul:
		for _, a := range n.Args() {
			k := g.of(a)
			if k < 0 {
				d = -1
				break
			}
			if n.Op() == expr.OpAdd {
				d = max(d, k)
			} else {
				d = min(d+k, unbounded)
			}
		}
	case expr.OpPow:
		b, e := g.of(n.Arg(0)), g.of(n.Arg(1))
		k, whole := n.Arg(1).Num().Int64()
		switch {
		case b < 0 || e != 0:
			d = -1
		case b == 0:
		case n.Arg(1).Op() != expr.OpConst || !whole || k < 0:
			d = -1
		case k > 0 && b > unbounded/k:
			d = unbounded
		default:
			d = b * k
		}
	default:
		// An operation of an operand that holds x, such as sin(x), is
		// no polynomial.
		for _, a := range n.Args() {
			if g.of(a) != 0 {
				d = -1
				break
			}
		}
	}
	g.memo.Put(n, d)
	return d
}

// degree returns an upper bound of the degree of f as a polynomial in
// the scalar x; ok is false when f is no polynomial in x.
func degree(f, x *expr.Node) (d int64, ok bool) {
	g := degrees{x: x}
	d = g.of(f)
	return d, d >= 0
}

// polynomial is a polynomial in one variable: its coefficients, which
// are expressions free of the variable, by degree, the zero ones left
// out.
type polynomial map[int64]*expr.Node

// constant returns the polynomial of degree 0 with the coefficient c.
func constant(c *expr.Node) polynomial {
	if c.IsZero() {
		return polynomial{}
	}
	return polynomial{0: c}
}

func (p polynomial) add(q polynomial) polynomial {
	out := maps.Clone(p)
	if out == nil {
		out = polynomial{}
	}
	for _, j := range slices.Sorted(maps.Keys(q)) {
		b := q[j]
		if a, ok := out[j]; ok {
			b = expr.Add(a, b)
		}
		if b.IsZero() {
			delete(out, j)
		} else {
			out[j] = b
		}
	}
	return out
}

func (c *computation) mulPoly(p, q polynomial) polynomial {
	c.b.Step(len(p) * len(q))
	terms := map[int64][]*expr.Node{}
	for _, i := range slices.Sorted(maps.Keys(p)) {
		for _, j := range slices.Sorted(maps.Keys(q)) {
			terms[i+j] = append(terms[i+j], expr.Mul(p[i], q[j]))
		}
	}
	out := make(polynomial, len(terms))
	for j, ts := range terms {
		if s := expr.Add(ts...); !s.IsZero() {
			out[j] = s
		}
	}
	return out
}

// coefficients returns the coefficients of f, a polynomial in x (see
// degree).
func (c *computation) coefficients(f, x *expr.Node) polynomial {
	g := degrees{x: x}
	var memo expr.Memo[polynomial]
	var coef func(n *expr.Node) polynomial
	coef = func(n *expr.Node) polynomial {
		if expr.Equal(n, x) {
			return polynomial{1: expr.Int64(1)}
		}
		if g.of(n) == 0 {
			return constant(n)
		}
		if p, ok := memo.Get(n); ok {
			return p
		}
		c.b.Step(1)
		var p polynomial
		switch n.Op() {
		case expr.OpAdd:
			p = polynomial{}
			for _, a := range n.Args() {
				p = p.add(coef(a))
			}
		case expr.OpMul:
			p = polynomial{0: expr.Int64(1)}
			for _, a := range n.Args() {
				p = c.mulPoly(p, coef(a))
			}
		case expr.OpPow:
			// By repeated squaring; the exponent is whole (see degree).
			b := coef(n.Arg(0))
			k, _ := n.Arg(1).Num().Int64()
			p = polynomial{0: expr.Int64(1)}
			for ; k > 0; k >>= 1 {
				if k&1 == 1 {
					p = c.mulPoly(p, b)
				}
				if k > 1 {
					b = c.mulPoly(b, b)
				}
			}
		}
		memo.Put(n, p)
		return p
	}
	return coef(f)
}

// polynomialDerivative is the order-th derivative of f, a polynomial in
// the scalar x of degree at most deg, computed term by term:
// dᵏ/dxᵏ xʲ = j!/(j-k)! x^(j-k). Its work does not grow with the order:
// past the degree it is 0 at once.
func (c *computation) polynomialDerivative(f, x *expr.Node, deg int64, order int) (*expr.Node, error) {
	k := int64(order)
	if k > deg {
		return shaped(expr.Int64(0), f), nil
	}
	// The largest coefficient, of x^deg, bounds the others.
	if bits := (lgamma(deg+1) - lgamma(deg-k+1)) / math.Ln2; bits > maxCoefficientBits {
		return nil, fmt.Errorf("derivative of order %d: %w (coefficients of about %.0f bits)", order, ErrTooLarge, bits)
	}
	p := c.coefficients(f, x)
	var terms []*expr.Node
	for j, cj := range p {
		if j < k {
			continue
		}
		ff := big.NewInt(1)
		for i := j - k + 1; i <= j; i++ {
			ff.Mul(ff, big.NewInt(i))
		}
		c.b.Step(int(k/64) + 1)
		terms = append(terms, expr.Mul(expr.NewConst(expr.BigRat(new(big.Rat).SetInt(ff))), cj, expr.Pow(x, expr.Int64(j-k))))
	}
	d := c.simp.Normal(c.simp.Simplify(expr.Add(terms...)))
	if nodes := expr.Count(d); nodes > MaxResultNodes {
		return nil, fmt.Errorf("derivative of order %d: %w (%d nodes; the limit is %d)", order, ErrTooLarge, nodes, MaxResultNodes)
	}
	return shaped(d, f), nil
}

func lgamma(n int64) float64 {
	v, _ := math.Lgamma(float64(n))
	return v
}
