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
	return build(func(ns []*expr.Node) (*expr.Node, error) { return expr.Call(op, ns[0]), nil }, a)
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
