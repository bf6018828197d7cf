package nabla

import (
	"errors"
	"fmt"
	"maps"
	"math"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
)

// The builder functions make the same graph that Parse makes from text:
// Add(Mul(Int(2), Var("x")), Int(1)) is Parse("2x + 1"). They never
// panic: an operand they cannot take (a NaN, a division by zero, a name
// that is not a variable's) gives an invalid Expr, whose Err says why,
// and every expression built from an invalid one is invalid with the same
// error, as a bufio.Scanner keeps its first error.

// invalid returns the invalid Expr with the error err.
func invalid(err error) Expr { return Expr{err: err} }

// errZero is the error of the zero Expr.
var errZero = errors.New("nabla: the zero Expr is no expression; build one with Parse or the builder functions")

// Err returns nil for a valid expression, and for an invalid one the
// reason: the zero Expr, or an operand a builder could not take.
func (e Expr) Err() error {
	switch {
	case e.n != nil:
		return nil
	case e.err != nil:
		return e.err
	}
	return errZero
}

// build applies f to the nodes of xs, keeping the declarations of all of
// them, or returns the first invalid operand.
func build(f func(ns []*expr.Node) (*expr.Node, error), xs ...Expr) Expr {
	ns := make([]*expr.Node, len(xs))
	var decl map[string]expr.Shape
	for i, x := range xs {
		if x.n == nil {
			return invalid(x.Err())
		}
		ns[i] = x.n
		if x.decl != nil {
			if decl == nil {
				decl = maps.Clone(x.decl)
			}
			maps.Copy(decl, x.decl)
		}
	}
	n, err := f(ns)
	if err != nil {
		return invalid(err)
	}
	return Expr{n: n, decl: decl}
}

// Var returns the scalar variable name, which must be a name of the
// syntax that is not a function or constant: x, x1, x_1, theta, θ.
func Var(name string) Expr {
	if !parse.IsName(name) {
		return invalid(fmt.Errorf("nabla: Var(%q): not a variable name (a letter then letters, digits or _, and not a function or constant)", name))
	}
	return Expr{n: expr.NewSym(name, expr.Scalar)}
}

// Int returns the exact integer k.
func Int(k int64) Expr { return Expr{n: expr.Int64(k)} }

// Rational returns the exact fraction p/q; q = 0 gives an invalid Expr.
func Rational(p, q int64) Expr {
	if q == 0 {
		return invalid(fmt.Errorf("nabla: Rational(%d, 0): division by zero", p))
	}
	return Expr{n: expr.NewConst(expr.Rat(p, q))}
}

// Float returns the floating-point constant f; a NaN or an infinity gives
// an invalid Expr.
func Float(f float64) Expr {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return invalid(fmt.Errorf("nabla: Float(%v): not a finite number", f))
	}
	return Expr{n: expr.NewConst(expr.Float(f))}
}

// Pi returns the constant π.
func Pi() Expr { return Expr{n: expr.NewConstant(expr.Pi)} }

// E returns the constant e, the base of the natural logarithm.
func E() Expr { return Expr{n: expr.NewConstant(expr.E)} }

// Add returns the sum of xs, of one shape, scalars added to every
// entry.
func Add(xs ...Expr) Expr {
	return checked(expr.OpAdd, "Add", func(ns []*expr.Node) *expr.Node { return expr.Add(ns...) }, xs...)
}

// Sub returns a - b.
func Sub(a, b Expr) Expr {
	return checked(expr.OpAdd, "Sub", func(ns []*expr.Node) *expr.Node { return expr.Sub(ns[0], ns[1]) }, a, b)
}

// Mul returns the product of xs: of scalars, or of a scalar and a vector
// or matrix; vectors and matrices of one shape multiply entry by entry
// (Hadamard), and MatMul is the matrix product.
func Mul(xs ...Expr) Expr {
	return checked(expr.OpMul, "Mul", func(ns []*expr.Node) *expr.Node { return expr.Mul(ns...) }, xs...)
}

// Div returns a / b; a b that is zero gives an invalid Expr.
func Div(a, b Expr) Expr {
	return build(func(ns []*expr.Node) (*expr.Node, error) {
		if ns[1].IsZero() {
			return nil, errors.New("nabla: Div: division by zero")
		}
		return expr.Div(ns[0], ns[1]), nil
	}, a, b)
}

// Neg returns -a.
func Neg(a Expr) Expr {
	return build(func(ns []*expr.Node) (*expr.Node, error) { return expr.Neg(ns[0]), nil }, a)
}

// Pow returns a^b; 0 to a negative power gives an invalid Expr.
func Pow(a, b Expr) Expr {
	return build(func(ns []*expr.Node) (*expr.Node, error) {
		if ns[0].IsZero() && ns[1].IsConst() && ns[1].Num().Sign() < 0 {
			return nil, errors.New("nabla: Pow: division by zero, 0 to a negative power")
		}
		return expr.Pow(ns[0], ns[1]), nil
	}, a, b)
}

// Sqrt returns the square root of a, a^(1/2).
func Sqrt(a Expr) Expr { return Pow(a, Rational(1, 2)) }

func call(op expr.Op, a Expr) Expr {
	return build(func(ns []*expr.Node) (*expr.Node, error) {
		n := expr.Call(op, ns[0])
		if expr.AtPole(n) && !expr.AtPole(ns[0]) {
			return nil, fmt.Errorf("nabla: %s: division by zero at a pole", expr.Ops[op].Name)
		}
		return n, nil
	}, a)
}

// Sin returns sin(a).
func Sin(a Expr) Expr { return call(expr.OpSin, a) }

// Cos returns cos(a).
func Cos(a Expr) Expr { return call(expr.OpCos, a) }

// Tan returns tan(a).
func Tan(a Expr) Expr { return call(expr.OpTan, a) }

// Asin returns asin(a).
func Asin(a Expr) Expr { return call(expr.OpAsin, a) }

// Acos returns acos(a).
func Acos(a Expr) Expr { return call(expr.OpAcos, a) }

// Atan returns atan(a).
func Atan(a Expr) Expr { return call(expr.OpAtan, a) }

// Sinh returns sinh(a).
func Sinh(a Expr) Expr { return call(expr.OpSinh, a) }

// Cosh returns cosh(a).
func Cosh(a Expr) Expr { return call(expr.OpCosh, a) }

// Tanh returns tanh(a).
func Tanh(a Expr) Expr { return call(expr.OpTanh, a) }

// Exp returns exp(a).
func Exp(a Expr) Expr { return call(expr.OpExp, a) }

// Log returns the natural logarithm log(a).
func Log(a Expr) Expr { return call(expr.OpLog, a) }

// Abs returns abs(a).
func Abs(a Expr) Expr { return call(expr.OpAbs, a) }

// Sigmoid returns the logistic function 1/(1 + exp(-a)).
func Sigmoid(a Expr) Expr { return call(expr.OpSigmoid, a) }

// Sign returns sign(a): -1, 0 or 1.
func Sign(a Expr) Expr { return call(expr.OpSign, a) }

// call2 applies the element-wise function op of two operands after its
// shape rule accepts them: scalars, or operands of one shape and scalars
// acting on every entry.
func call2(op expr.Op, what string, a, b Expr) Expr {
	return checked(op, what, func(ns []*expr.Node) *expr.Node { return expr.Apply(op, ns...) }, a, b)
}

// Sec returns sec(a) = 1/cos(a).
func Sec(a Expr) Expr { return call(expr.OpSec, a) }

// Csc returns csc(a) = 1/sin(a).
func Csc(a Expr) Expr { return call(expr.OpCsc, a) }

// Cot returns cot(a) = cos(a)/sin(a).
func Cot(a Expr) Expr { return call(expr.OpCot, a) }

// Asec returns asec(a) = acos(1/a), for |a| ≥ 1.
func Asec(a Expr) Expr { return call(expr.OpAsec, a) }

// Acsc returns acsc(a) = asin(1/a), for |a| ≥ 1.
func Acsc(a Expr) Expr { return call(expr.OpAcsc, a) }

// Acot returns acot(a) = π/2 - atan(a), with values in (0, π).
func Acot(a Expr) Expr { return call(expr.OpAcot, a) }

// Sech returns sech(a) = 1/cosh(a).
func Sech(a Expr) Expr { return call(expr.OpSech, a) }

// Csch returns csch(a) = 1/sinh(a).
func Csch(a Expr) Expr { return call(expr.OpCsch, a) }

// Coth returns coth(a) = cosh(a)/sinh(a).
func Coth(a Expr) Expr { return call(expr.OpCoth, a) }

// Asinh returns asinh(a), the inverse of sinh.
func Asinh(a Expr) Expr { return call(expr.OpAsinh, a) }

// Acosh returns acosh(a), the inverse of cosh, for a ≥ 1.
func Acosh(a Expr) Expr { return call(expr.OpAcosh, a) }

// Atanh returns atanh(a), the inverse of tanh, for |a| < 1.
func Atanh(a Expr) Expr { return call(expr.OpAtanh, a) }

// Atan2 returns atan2(y, x), the angle of the point (x, y) in (-π, π].
func Atan2(y, x Expr) Expr { return call2(expr.OpAtan2, "Atan2", y, x) }

// LogBase returns log(a, b), the logarithm of a to the base b.
func LogBase(a, b Expr) Expr { return call2(expr.OpLogBase, "LogBase", a, b) }

// Log2 returns log2(a), the logarithm to the base 2.
func Log2(a Expr) Expr { return call(expr.OpLog2, a) }

// Log10 returns log10(a), the logarithm to the base 10.
func Log10(a Expr) Expr { return call(expr.OpLog10, a) }

// Cbrt returns cbrt(a), the real cube root: cbrt(-8) is -2.
func Cbrt(a Expr) Expr { return call(expr.OpCbrt, a) }

// Erf returns the error function erf(a).
func Erf(a Expr) Expr { return call(expr.OpErf, a) }

// Erfc returns the complementary error function erfc(a) = 1 - erf(a).
func Erfc(a Expr) Expr { return call(expr.OpErfc, a) }

// Gamma returns the gamma function Γ(a).
func Gamma(a Expr) Expr { return call(expr.OpGamma, a) }

// Lgamma returns lgamma(a) = log|Γ(a)|.
func Lgamma(a Expr) Expr { return call(expr.OpLgamma, a) }

// Digamma returns digamma(a) = ψ(a) = Γ'(a)/Γ(a).
func Digamma(a Expr) Expr { return call(expr.OpDigamma, a) }

// Trigamma returns trigamma(a) = ψ'(a).
func Trigamma(a Expr) Expr { return call(expr.OpTrigamma, a) }

// Polygamma returns polygamma(n, a), the n-th derivative of ψ for a whole
// order n ≥ 0.
func Polygamma(n, a Expr) Expr { return call2(expr.OpPolygamma, "Polygamma", n, a) }

// Sinc returns sinc(a) = sin(a)/a, 1 at 0.
func Sinc(a Expr) Expr { return call(expr.OpSinc, a) }

// Heaviside returns the Heaviside step step(a): 1 for a > 0, 0 for
// a ≤ 0.
func Heaviside(a Expr) Expr { return call(expr.OpStep, a) }

// Relu returns relu(a) = max(a, 0).
func Relu(a Expr) Expr { return call(expr.OpRelu, a) }

// LeakyRelu returns leaky_relu(a, alpha): a for a > 0, alpha a otherwise.
func LeakyRelu(a, alpha Expr) Expr { return call2(expr.OpLeakyRelu, "LeakyRelu", a, alpha) }

// Softplus returns softplus(a) = log(1 + exp(a)), computed without
// overflow.
func Softplus(a Expr) Expr { return call(expr.OpSoftplus, a) }

// Gelu returns gelu(a) = a Φ(a), Φ the standard normal distribution
// function.
func Gelu(a Expr) Expr { return call(expr.OpGelu, a) }

// Silu returns silu(a) = a sigmoid(a), also called swish.
func Silu(a Expr) Expr { return call(expr.OpSilu, a) }

// Huber returns the Huber loss huber(a, delta): a²/2 for |a| ≤ delta,
// delta(|a| - delta/2) beyond.
func Huber(a, delta Expr) Expr { return call2(expr.OpHuber, "Huber", a, delta) }

// Max returns, for one operand, max(x), its largest entry (x itself for a
// scalar), and for more, the largest of them entry by entry: Max(a, b) is
// max(a, b). As the syntax has it, the number of operands decides.
func Max(xs ...Expr) Expr { return extremum(expr.OpMax, expr.OpMaximum, "Max", xs) }

// Min returns, for one operand, min(x), its smallest entry, and for more,
// the smallest of them entry by entry: Min(a, b) is min(a, b).
func Min(xs ...Expr) Expr { return extremum(expr.OpMin, expr.OpMinimum, "Min", xs) }

// extremum is Max or Min: the reduction of one operand, the element-wise
// operation of two folded over more.
func extremum(reduce, pair expr.Op, what string, xs []Expr) Expr {
	switch len(xs) {
	case 0:
		return invalid(fmt.Errorf("nabla: %s needs an operand", what))
	case 1:
		return checked(reduce, what, func(ns []*expr.Node) *expr.Node { return expr.Apply(reduce, ns...) }, xs[0])
	}
	acc := xs[0]
	for _, x := range xs[1:] {
		acc = call2(pair, what, acc, x)
	}
	return acc
}
