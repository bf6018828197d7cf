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
// smallest normal number, which it may have lost. A sum carries the
// errors of its terms and its own rounding, found exactly (none where
// the sum is exact, all of x in 1 + x when x is below half a unit of 1),
// so where large terms cancel to a small value the bound says how many
// digits are left: x^2 - 2x + 1 at x = 1 + 1e-8 is 1e-16 in exact
// arithmetic and rounding noise in float64, with a bound as large as the
// value. A product carries the relative errors of its factors and its
// own rounding (exactly, for two factors or a square); a function f
// carries an operand's error e as the larger change of f(x ± e), and its
// own rounding. The inputs are taken as exact, constants as rounded. The
// bound is an upper estimate, often pessimistic by a digit or two; it is
// +Inf where an operand's error reaches outside the function's domain.
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
			// The terms' errors, and the rounding of the sum: its actual
			// rounding, |Σt - r|, from the exact sum s + c of the
			// terms (s + c is Σt to within n eps² Σ|t|), so that a sum
			// that rounding left exact (x - 1 at 1) adds nothing, and
			// one that lost a term (1 + 1e-16) adds what it lost.
			var abs, sum, c float64
			for _, a := range in.args {
				e[i] += e[a]
				t := v[a]
				abs += math.Abs(t)
				hi, lo := twoSum(sum, t)
				sum, c = hi, c+lo
			}
			if round := math.Abs((sum - r) + c); round > 0 {
				e[i] += round + float64(len(in.args))*eps*eps*abs
			}
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
			if len(in.args) == 2 {
				// The actual rounding of the product.
				e[i] += math.Abs(math.FMA(v[in.args[0]], v[in.args[1]], -r))
			} else {
				e[i] += float64(len(in.args)-1) * eps * math.Abs(r)
			}
		default:
			x := scratch[:0]
			for _, a := range in.args {
				x = append(x, v[a])
			}
			for k, a := range in.args {
				switch {
				case e[a] == 0:
				case in.op == expr.OpSin || in.op == expr.OpCos:
					// |f'| ≤ 1 and |f''| ≤ 1: within |f'(x)| d + d²/2,
					// and never more than the range, 2, however far the
					// operand may be off (sin(1e20 x y)), where two
					// samples of f(x ± d) could miss the worst.
					d := e[a]
					slope := math.Abs(math.Cos(x[0]))
					if in.op == expr.OpCos {
						slope = math.Abs(math.Sin(x[0]))
					}
					e[i] += min(2, slope*d+d*d/2)
				default:
					e[i] += perturbed(info, x, k, e[a], r)
				}
			}
			switch {
			case exactOps[in.op]:
				// Its value is one of its operands' or a constant: no
				// rounding of its own ((-2)^sign(x) keeps an exact
				// exponent).
			case in.op == expr.OpPow && len(x) == 2 && x[1] == 2 && math.Abs(r) >= tiny:
				// A square is one product, rounded once (math.Pow
				// multiplies the mantissas): its actual rounding.
				e[i] += math.Abs(math.FMA(x[0], x[0], -r))
			default:
				e[i] += funcUlps * eps * math.Abs(r)
			}
		}
		if underflowed(in.op, r, v, in.args) {
			e[i] += tiny
		}
	}
	out := p.outs[0]
	return v[out], e[out], nil
}

// exactOps are the functions whose value is exact: an operand, its
// negation or a constant.
var exactOps = map[expr.Op]bool{expr.OpAbs: true, expr.OpSign: true, expr.OpStep: true, expr.OpRelu: true, expr.OpMaximum: true, expr.OpMinimum: true}

// twoSum returns a + b rounded and its rounding error, exactly
// (Knuth's TwoSum): hi + lo = a + b.
func twoSum(a, b float64) (hi, lo float64) {
	hi = a + b
	bb := hi - a
	return hi, (a - (hi - bb)) + (b - bb)
}

// perturbed is the larger change of the function's value r when operand
// k of x moves by ±d: +Inf where a move leaves its domain. A move smaller
// than the spacing of floats near the operand is not lost to rounding:
// the change over the nearest float is scaled to it.
func perturbed(info *expr.OpInfo, x []float64, k int, d, r float64) float64 {
	y := append([]float64(nil), x...)
	worst := 0.0
	for _, s := range [...]float64{d, -d} {
		y[k] = x[k] + s
		if y[k] == x[k] {
			// A move below half a unit in the last place of the
			// operand rounds away: move by one unit instead.
			y[k] = math.Nextafter(x[k], math.Copysign(math.Inf(1), s))
		}
		f, msg := info.Eval(y)
		if msg != "" || math.IsNaN(f) || math.IsInf(f, 0) {
			return math.Inf(1)
		}
		// Where the operand moved less than d, the change is scaled up
		// to a move of d, as the function is nearly linear there.
		worst = max(worst, math.Abs(f-r)*max(1, d/math.Abs(y[k]-x[k])))
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
