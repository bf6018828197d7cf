package nabla

import "github.com/nabla-math/nabla/internal/expr"

// The builder functions make the same graph that Parse makes from text:
// Add(Mul(Int(2), Var("x")), Int(1)) is Parse("2x + 1").

// Var returns the scalar variable name.
func Var(name string) Expr { return Expr{n: expr.NewSym(name, expr.Scalar)} }

// Int returns the exact integer k.
func Int(k int64) Expr { return Expr{n: expr.Int64(k)} }

// Rational returns the exact fraction p/q; q must not be zero.
func Rational(p, q int64) Expr { return Expr{n: expr.NewConst(expr.Rat(p, q))} }

// Float returns the floating-point constant f.
func Float(f float64) Expr { return Expr{n: expr.NewConst(expr.Float(f))} }

// Pi returns the constant π.
func Pi() Expr { return Expr{n: expr.NewConstant(expr.Pi)} }

// E returns the constant e, the base of the natural logarithm.
func E() Expr { return Expr{n: expr.NewConstant(expr.E)} }

func nodes(xs []Expr) []*expr.Node {
	ns := make([]*expr.Node, len(xs))
	for i, x := range xs {
		ns[i] = x.n
	}
	return ns
}

// Add returns the sum of xs.
func Add(xs ...Expr) Expr { return Expr{n: expr.Add(nodes(xs)...)} }

// Sub returns a - b.
func Sub(a, b Expr) Expr { return Expr{n: expr.Sub(a.n, b.n)} }

// Mul returns the product of xs.
func Mul(xs ...Expr) Expr { return Expr{n: expr.Mul(nodes(xs)...)} }

// Div returns a / b.
func Div(a, b Expr) Expr { return Expr{n: expr.Div(a.n, b.n)} }

// Neg returns -a.
func Neg(a Expr) Expr { return Expr{n: expr.Neg(a.n)} }

// Pow returns a^b.
func Pow(a, b Expr) Expr { return Expr{n: expr.Pow(a.n, b.n)} }

// Sqrt returns the square root of a, a^(1/2).
func Sqrt(a Expr) Expr { return Pow(a, Rational(1, 2)) }

func call(op expr.Op, a Expr) Expr { return Expr{n: expr.Call(op, a.n)} }

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
