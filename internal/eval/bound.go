package eval

import (
	"fmt"
	"math"

	"github.com/nabla-math/nabla/internal/expr"
)

// eps is the unit roundoff of float64.
const eps = 0x1p-53

// tiny is the smallest normal float64: a result below it has lost
// precision to underflow, absolutely up to tiny.
const tiny = 0x1p-1022

// funcUlps is the error of a library function, in units of its result's
// rounding: math's functions are accurate to a few of them.
const funcUlps = 4

// Bound evaluates a scalar program as Eval does, with a bound on the
// error that rounding to float64 makes in the value, by running error
// analysis: each operation adds its own rounding to the errors of its
// operands, carried through it, and a result that underflows the
// smallest normal number, which it may have lost. A sum carries the errors of its terms and
// the rounding of its partial sums, so where large terms cancel to a
// small value the bound says how many digits are left: x^2 - 2x + 1 at
// x = 1 + 1e-8 is 1e-16 in exact arithmetic and rounding noise in
// float64, with a bound as large as the value. A product carries the
// relative errors of its factors; a function f carries an operand's
// error e as the larger change of f(x ± e), and its own rounding. The
// inputs are taken as exact, constants as rounded. The bound is an upper
// estimate, often pessimistic by a digit or two; it is +Inf where an
// operand's error reaches outside the function's domain.
func (p *Program) Bound(inputs []float64) (value, bound float64, err error) {
	if len(p.shape) > 0 {
		return 0, 0, fmt.Errorf("eval: the value is a %s, not a scalar", shapeString(p.shape))
	}
	v, err := p.run(inputs, nil)
	if err != nil {
		return 0, 0, err
	}
	e := make([]float64, len(p.code))
	var scratch [4]float64
	for i, in := range p.code {
		r := v[i]
		info := &expr.Ops[in.op]
		switch {
		case in.op == expr.OpSym:
			e[i] = 0
		case info.Value != nil:
			if r != math.Trunc(r) || math.Abs(r) > 1<<53 {
				e[i] = eps * math.Abs(r)
			}
		case in.op == expr.OpAdd:
			// The terms' errors, and the rounding of each partial sum,
			// at most (n-1) eps Σ|t|.
			var abs float64
			for _, a := range in.args {
				e[i] += e[a]
				abs += math.Abs(v[a])
			}
			e[i] += float64(len(in.args)-1) * eps * abs
		case in.op == expr.OpMul:
			// Σ e_k Π_{j≠k} |x_j|, and the rounding of each partial
			// product.
			for k, a := range in.args {
				if e[a] == 0 {
					continue
				}
				rest := 1.0
				for j, b := range in.args {
					if j != k {
						rest *= math.Abs(v[b])
					}
				}
				e[i] += e[a] * rest
			}
			e[i] += float64(len(in.args)-1) * eps * math.Abs(r)
		default:
			x := scratch[:0]
			for _, a := range in.args {
				x = append(x, v[a])
			}
			for k, a := range in.args {
				if e[a] == 0 {
					continue
				}
				e[i] += perturbed(info, x, k, e[a], r)
			}
			e[i] += funcUlps * eps * math.Abs(r)
		}
		if underflowed(in.op, r, v, in.args) {
			e[i] += tiny
		}
	}
	out := p.outs[0]
	return v[out], e[out], nil
}

// perturbed is the larger change of the function's value r when operand
// k of x moves by ±d: +Inf where a move leaves its domain.
func perturbed(info *expr.OpInfo, x []float64, k int, d, r float64) float64 {
	y := append([]float64(nil), x...)
	worst := 0.0
	for _, s := range [...]float64{d, -d} {
		y[k] = x[k] + s
		f, msg := info.Eval(y)
		if msg != "" || math.IsNaN(f) || math.IsInf(f, 0) {
			return math.Inf(1)
		}
		worst = max(worst, math.Abs(f-r))
	}
	return worst
}

// underflowed reports a result that underflow has made 0 or subnormal:
// a subnormal value, or a product, power or exponential of nonzero
// operands that came out 0 (exp(-800), 1/(1e304)²).
func underflowed(op expr.Op, r float64, v []float64, args []int32) bool {
	switch {
	case r != 0:
		return math.Abs(r) < tiny
	case op == expr.OpExp:
		return true
	case op == expr.OpMul, op == expr.OpPow && len(args) > 0:
		if op == expr.OpPow {
			args = args[:1] // the base
		}
		for _, a := range args {
			if v[a] == 0 {
				return false
			}
		}
		return true
	}
	return false
}
