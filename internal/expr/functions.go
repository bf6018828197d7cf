package expr

import (
	"math"
)

// functionOps fills the table entries of the functions of machine-learning
// calculus: the reciprocal and inverse trigonometric and hyperbolic
// functions, logarithms to a base, the error and gamma functions and
// their relatives, and the activation functions and losses of neural
// networks.
//
// The functions that are not differentiable everywhere follow the
// convention of abs, whose derivative is sign: a piecewise-constant
// function (sign, step) has the derivative 0 everywhere, and at a kink
// the derivative is the subgradient that JAX and PyTorch take: relu'(0)
// = step(0) = 0, and max(a, b) shares its derivative evenly between a and
// b where they tie, as max(x) shares it among the largest entries.
func functionOps() {
	half := func() *Node { return NewConst(Rat(1, 2)) }
	minusHalf := func() *Node { return NewConst(Rat(-1, 2)) }
	square := func(u *Node) *Node { return Pow(u, two) }

	Ops[OpSec] = fn("sec", `\sec`, 36, sec, cosPole("sec"), exactAt0(1),
		func(u, n *Node) *Node { return Mul(n, Call(OpTan, u)) })
	Ops[OpCsc] = fn("csc", `\csc`, 37, csc, sinPole("csc"), nil,
		func(u, n *Node) *Node { return Neg(Mul(n, Call(OpCot, u))) })
	Ops[OpCot] = fn("cot", `\cot`, 38, cot, sinPole("cot"), nil,
		func(u, n *Node) *Node { return Neg(square(Call(OpCsc, u))) })
	// asec(x) = acos(1/x) and acsc(x) = asin(1/x), for |x| ≥ 1.
	Ops[OpAsec] = fn("asec", `\operatorname{arcsec}`, 39, asec, outsideUnit, exactAt(1, 0),
		func(u, n *Node) *Node { return asecDeriv(u) })
	Ops[OpAcsc] = fn("acsc", `\operatorname{arccsc}`, 40, acsc, outsideUnit, nil,
		func(u, n *Node) *Node { return Neg(asecDeriv(u)) })
	// acot takes its values in (0, π), continuous at 0: acot(x) =
	// π/2 - atan(x), so that acot'(x) = -1/(1 + x²) everywhere.
	Ops[OpAcot] = fn("acot", `\operatorname{arccot}`, 41, acot, nil, nil,
		func(u, n *Node) *Node { return Neg(Pow(Add(one, square(u)), minusOne)) })
	Ops[OpSech] = fn("sech", `\operatorname{sech}`, 42, sech, nil, exactAt0(1),
		func(u, n *Node) *Node { return Neg(Mul(n, Call(OpTanh, u))) })
	Ops[OpCsch] = fn("csch", `\operatorname{csch}`, 43, csch, zeroPole("csch"), nil,
		func(u, n *Node) *Node { return Neg(Mul(n, Call(OpCoth, u))) })
	Ops[OpCoth] = fn("coth", `\coth`, 44, coth, zeroPole("coth"), nil,
		func(u, n *Node) *Node { return Neg(square(Call(OpCsch, u))) })
	Ops[OpAsinh] = fn("asinh", `\operatorname{arsinh}`, 45, math.Asinh, nil, exactAt0(0),
		func(u, n *Node) *Node { return Pow(Add(square(u), one), minusHalf()) })
	Ops[OpAcosh] = fn("acosh", `\operatorname{arcosh}`, 46, math.Acosh, belowOne, exactAt(1, 0),
		func(u, n *Node) *Node { return Pow(Add(square(u), minusOne), minusHalf()) })
	Ops[OpAtanh] = fn("atanh", `\operatorname{artanh}`, 47, math.Atanh, openUnit, exactAt0(0),
		func(u, n *Node) *Node { return Pow(Add(one, Neg(square(u))), minusOne) })
	// atan2(y, x) is the angle of the point (x, y) in (-π, π], undefined
	// at the origin.
	Ops[OpAtan2] = fn2("atan2", `\operatorname{atan2}`, 48, math.Atan2, func(y, x float64) string {
		if y == 0 && x == 0 {
			return "atan2 at the origin"
		}
		return ""
	}, func(y, x Num) (Num, bool) {
		if y.IsZero() && x.Sign() > 0 {
			return Int(0), true
		}
		return Num{}, false
	}, func(n *Node, i int) *Node {
		y, x := n.args[0], n.args[1]
		r := Pow(Add(square(x), square(y)), minusOne)
		if i == 0 {
			return Mul(x, r) // x/(x² + y²)
		}
		return Neg(Mul(y, r)) // -y/(x² + y²)
	})
	// log(x, b) is the logarithm of x to the base b; log(x) is the
	// natural logarithm.
	Ops[OpLogBase] = fn2("log", `\log`, 49, logBase, logBaseDomain, logExact, func(n *Node, i int) *Node {
		x, b := n.args[0], n.args[1]
		inv := Pow(Call(OpLog, b), minusOne) // 1/log(b)
		if b.IsNum(1) {
			// No logarithm has the base 1: log(e, 1) stands for the
			// undefined 1/log(1), as 1/0 would not.
			inv = Call(OpLogBase, eConst, b)
		}
		if i == 0 {
			return Mul(inv, Pow(x, minusOne)) // 1/(x log b)
		}
		return Neg(Mul(n, inv, Pow(b, minusOne))) // -log_b(x)/(b log b)
	})
	Ops[OpLogBase].LaTeX.Sub = 2
	Ops[OpLog2] = fn("log2", `\log_{2}`, 50, math.Log2, logDomain, func(x Num) (Num, bool) { return logExact(x, Int(2)) },
		func(u, n *Node) *Node { return Pow(Mul(u, Call(OpLog, two)), minusOne) })
	Ops[OpLog10] = fn("log10", `\log_{10}`, 51, Log10, logDomain, func(x Num) (Num, bool) { return logExact(x, Int(10)) },
		func(u, n *Node) *Node { return Pow(Mul(u, Call(OpLog, Int64(10))), minusOne) })
	// cbrt is the real cube root, negative for a negative x, where
	// x^(1/3) is undefined.
	Ops[OpCbrt] = fn("cbrt", "cbrt", 52, math.Cbrt, nil, func(x Num) (Num, bool) { return x.Root(3) },
		func(u, n *Node) *Node { return Mul(NewConst(Rat(1, 3)), Pow(n, Int64(-2))) })
	Ops[OpCbrt].LaTeX = Spelling{Form: FormWrap, Word: `\sqrt[3]{`, Close: "}"}
	// erf'(x) = 2/√π exp(-x²).
	Ops[OpErf] = fn("erf", `\operatorname{erf}`, 53, math.Erf, nil, exactAt0(0),
		func(u, n *Node) *Node {
			return Mul(two, Pow(NewConstant(Pi), minusHalf()), Call(OpExp, Neg(square(u))))
		})
	Ops[OpErfc] = fn("erfc", `\operatorname{erfc}`, 54, math.Erfc, nil, exactAt0(1),
		func(u, n *Node) *Node {
			return Mul(Int64(-2), Pow(NewConstant(Pi), minusHalf()), Call(OpExp, Neg(square(u))))
		})
	// gamma(n) = (n-1)! for a whole n ≥ 1; Γ has poles at 0, -1, -2, ….
	Ops[OpGamma] = fn("gamma", `\Gamma`, 55, math.Gamma, nonPositiveInteger("gamma"), gammaExact,
		func(u, n *Node) *Node { return Mul(n, Call(OpDigamma, u)) })
	// lgamma(x) = log|Γ(x)|, defined wherever Γ is, negative x
	// included (where Γ may be negative); its derivative is ψ there too.
	Ops[OpLgamma] = fn("lgamma", `\log\Gamma`, 56, lgamma, nonPositiveInteger("lgamma"), func(x Num) (Num, bool) {
		if k, ok := x.Int64(); ok && (k == 1 || k == 2) {
			return Int(0), true
		}
		return Num{}, false
	}, func(u, n *Node) *Node { return Call(OpDigamma, u) })
	Ops[OpDigamma] = fn("digamma", `\psi`, 57, digamma, nonPositiveInteger("digamma"), nil,
		func(u, n *Node) *Node { return Call(OpTrigamma, u) })
	Ops[OpTrigamma] = fn("trigamma", `\psi'`, 58, trigamma, nonPositiveInteger("trigamma"), nil,
		func(u, n *Node) *Node { return Apply(OpPolygamma, two, u) })
	// polygamma(n, x) is the n-th derivative of ψ, for a whole order
	// n ≥ 0; polygamma(0, x) is digamma(x) and polygamma(1, x)
	// trigamma(x). The order takes whole values only: as a function of
	// it, polygamma is piecewise constant, with the derivative 0, as sign.
	Ops[OpPolygamma] = fn2("polygamma", `\psi`, 59, polygammaEntry, polygammaDomain, nil, func(n *Node, i int) *Node {
		if i == 0 {
			return zero
		}
		return Apply(OpPolygamma, Add(n.args[0], one), n.args[1])
	})
	Ops[OpPolygamma].LaTeX.Sup = 1
	Ops[OpPolygamma].Build = func(a []*Node) *Node {
		switch {
		case a[0].IsNum(0):
			return Call(OpDigamma, a[1])
		case a[0].IsNum(1):
			return Call(OpTrigamma, a[1])
		}
		return Call(OpPolygamma, a...)
	}
	// sinc(x) = sin(x)/x is the unnormalised sinc, with sinc(0) = 1;
	// its derivative (cos(x) - sinc(x))/x has the limit 0 at 0, which
	// the expression, 0/0 there, does not evaluate.
	Ops[OpSinc] = fn("sinc", `\operatorname{sinc}`, 60, sinc, nil, exactAt0(1),
		func(u, n *Node) *Node { return Mul(Add(Call(OpCos, u), Neg(n)), Pow(u, minusOne)) })
	// step(x) is 1 for x > 0 and 0 for x ≤ 0, the derivative of relu
	// with relu'(0) = 0; as sign, it is piecewise constant, with the
	// derivative 0.
	Ops[OpStep] = fn("step", `\operatorname{H}`, 61, step, nil, func(x Num) (Num, bool) {
		if x.Sign() > 0 {
			return Int(1), true
		}
		return Int(0), true
	}, func(u, n *Node) *Node { return zero })
	Ops[OpStep].Aliases = []string{"heaviside"}
	Ops[OpRelu] = fn("relu", `\operatorname{ReLU}`, 62, relu, nil, func(x Num) (Num, bool) {
		if x.Sign() < 0 {
			return Int(0), true
		}
		return x, true
	}, func(u, n *Node) *Node { return Call(OpStep, u) })
	// leaky_relu(x, α) is x for x > 0 and α x otherwise; its derivative
	// in x at 0 is α, the one-sided value that makes leaky_relu(x, 0)
	// relu.
	Ops[OpLeakyRelu] = fn2("leaky_relu", `\operatorname{LeakyReLU}`, 63, leakyRelu, nil, func(x, a Num) (Num, bool) {
		if x.Sign() > 0 {
			return x, true
		}
		return a.Mul(x), true
	}, func(n *Node, i int) *Node {
		x, a := n.args[0], n.args[1]
		s := Call(OpStep, x)
		if i == 0 {
			return Add(s, Mul(a, Add(one, Neg(s)))) // step(x) + α (1 - step(x))
		}
		return Apply(OpMinimum, x, zero) // min(x, 0)
	})
	// softplus(x) = log(1 + exp(x)), computed as log1p(exp(-|x|)) +
	// max(x, 0), which neither overflows nor loses small values.
	Ops[OpSoftplus] = fn("softplus", `\operatorname{softplus}`, 64, softplus, nil, nil,
		func(u, n *Node) *Node { return Call(OpSigmoid, u) })
	// gelu(x) = x Φ(x) = x (1 + erf(x/√2))/2, the exact form; gelu'(x) =
	// Φ(x) + x φ(x).
	Ops[OpGelu] = fn("gelu", `\operatorname{GELU}`, 65, gelu, nil, exactAt0(0), func(u, n *Node) *Node {
		phi := Mul(half(), Add(one, Call(OpErf, Mul(Pow(two, minusHalf()), u))))
		density := Mul(u, Pow(Mul(two, NewConstant(Pi)), minusHalf()), Call(OpExp, Mul(minusHalf(), square(u))))
		return Add(phi, density)
	})
	// silu(x) = x sigmoid(x), also called swish.
	Ops[OpSilu] = fn("silu", `\operatorname{SiLU}`, 66, silu, nil, exactAt0(0), func(u, n *Node) *Node {
		s := Call(OpSigmoid, u)
		return Mul(s, Add(one, Mul(u, Add(one, Neg(s))))) // σ (1 + x (1 - σ))
	})
	// huber(x, δ) is x²/2 for |x| ≤ δ and δ(|x| - δ/2) beyond, for δ > 0:
	// its derivative in x is x clipped to [-δ, δ].
	Ops[OpHuber] = fn2("huber", `\operatorname{huber}`, 67, huber, func(x, d float64) string {
		if d <= 0 {
			return "huber with δ ≤ 0"
		}
		return ""
	}, huberExact, func(n *Node, i int) *Node {
		x, d := n.args[0], n.args[1]
		if i == 0 {
			return Apply(OpMaximum, Neg(d), Apply(OpMinimum, x, d)) // max(-δ, min(x, δ))
		}
		return Call(OpRelu, Add(Call(OpAbs, x), Neg(d))) // relu(|x| - δ)
	})
	Ops[OpHuber].LaTeX.Sub = 2
	// max(a, b) and min(a, b) act entry by entry; max(x) of one operand
	// is the largest entry of x. Where a and b tie, each has the
	// derivative 1/2.
	Ops[OpMaximum] = fn2("max", `\max`, 68, math.Max, nil, func(a, b Num) (Num, bool) {
		if a.Cmp(b) >= 0 {
			return a, true
		}
		return b, true
	}, func(n *Node, i int) *Node {
		s := Call(OpSign, Add(n.args[0], Neg(n.args[1])))
		if i == 1 {
			s = Neg(s)
		}
		return Mul(half(), Add(one, s)) // (1 ± sign(a - b))/2
	})
	Ops[OpMinimum] = fn2("min", `\min`, 69, math.Min, nil, func(a, b Num) (Num, bool) {
		if a.Cmp(b) <= 0 {
			return a, true
		}
		return b, true
	}, func(n *Node, i int) *Node {
		s := Call(OpSign, Add(n.args[0], Neg(n.args[1])))
		if i == 0 {
			s = Neg(s)
		}
		return Mul(half(), Add(one, s)) // (1 ∓ sign(a - b))/2
	})
	for _, op := range []Op{OpSec, OpCsc, OpCot, OpAsinh, OpAcosh, OpAtanh, OpLog2, OpLog10, OpCbrt, OpGamma, OpLgamma, OpDigamma} {
		Ops[op].Strict = always
	}
	// A constant parameter outside the domain is refused where it is
	// written, not only where a value is asked for: polygamma(-1, x)
	// would otherwise differentiate into digamma(x).
	// (Orders above maxPolygammaOrder are read, as derivatives give them,
	// and refused where evaluated.)
	Ops[OpPolygamma].Check = paramCheck(0, "a whole order n ≥ 0", func(n float64) bool { return n >= 0 && n == math.Trunc(n) })
	Ops[OpHuber].Check = paramCheck(1, "δ > 0", func(d float64) bool { return d > 0 })
	Ops[OpLogBase].Check = paramCheck(1, "a positive base other than 1", func(b float64) bool { return b > 0 && b != 1 })
}

// fn2 builds the table entry of an element-wise function of two
// operands. partial returns ∂n/∂args[i] for the node n.
func fn2(name, latex string, order int, eval func(a, b float64) float64, domain func(a, b float64) string,
	fold func(a, b Num) (Num, bool), partial func(n *Node, i int) *Node) OpInfo {
	valid := eval
	if domain != nil {
		valid = func(a, b float64) float64 {
			if domain(a, b) != "" {
				return math.NaN()
			}
			return eval(a, b)
		}
	}
	return OpInfo{
		Name: name, Class: Function, Arity: 2, Prec: PrecAtom, Order: order,
		Text:        Spelling{Form: FormCall, Word: name},
		LaTeX:       Spelling{Form: FormCall, Word: latex},
		Elementwise: true, Shape: broadcastShape,
		Eval: func(x []float64) (float64, string) {
			if domain != nil {
				if msg := domain(x[0], x[1]); msg != "" {
					return math.NaN(), msg
				}
			}
			return eval(x[0], x[1]), ""
		},
		Eval2:   valid,
		Loop:    func(dst []float64, x [][]float64) { loop2(dst, x[0], x[1], valid) },
		Fold2:   fold,
		Rule:    "chain rule",
		Partial: partial,
	}
}

// loop2 sets dst[i] = f(a[i], b[i]), an operand of one entry acting on
// every entry.
func loop2(dst, a, b []float64, f func(a, b float64) float64) {
	n := len(dst)
	switch {
	case len(a) == n && len(b) == n:
		a, b = a[:n], b[:n]
		for i := range dst {
			dst[i] = f(a[i], b[i])
		}
	case len(a) == n:
		c := b[0]
		for i, v := range a[:n] {
			dst[i] = f(v, c)
		}
	case len(b) == n:
		c := a[0]
		for i, v := range b[:n] {
			dst[i] = f(c, v)
		}
	default:
		fill(dst, f(a[0], b[0]))
	}
}

// asecDeriv is asec'(u) = 1/(|u| sqrt(u² - 1)).
func asecDeriv(u *Node) *Node {
	return Mul(Pow(Call(OpAbs, u), minusOne), Pow(Add(Pow(u, two), minusOne), NewConst(Rat(-1, 2))))
}

// The scalar kernels.

func sec(x float64) float64  { return 1 / math.Cos(x) }
func csc(x float64) float64  { return 1 / math.Sin(x) }
func cot(x float64) float64  { return math.Cos(x) / math.Sin(x) }
func asec(x float64) float64 { return math.Acos(1 / x) }
func acsc(x float64) float64 { return math.Asin(1 / x) }
func sech(x float64) float64 { return 1 / math.Cosh(x) }
func csch(x float64) float64 { return 1 / math.Sinh(x) }
func coth(x float64) float64 { return 1 / math.Tanh(x) }

// acot is π/2 - atan(x), computed without cancellation for large x.
func acot(x float64) float64 {
	switch {
	case x > 0:
		return math.Atan(1 / x)
	case x < 0:
		return math.Pi + math.Atan(1/x)
	case x == 0:
		return math.Pi / 2
	}
	return x // NaN
}

// logBase is log(x)/log(b), exact to rounding for the bases 2 and 10.
func logBase(x, b float64) float64 {
	switch b {
	case 2:
		return math.Log2(x)
	case 10:
		return Log10(x)
	}
	return Log(x) / Log(b)
}

func lgamma(x float64) float64 { return Lgamma(x) }

func digamma(x float64) float64  { return polygamma(0, x) }
func trigamma(x float64) float64 { return polygamma(1, x) }

// polygammaEntry is polygamma with its order as a float, a whole number
// in [0, maxPolygammaOrder].
func polygammaEntry(n, x float64) float64 { return polygamma(int(n), x) }

func sinc(x float64) float64 {
	switch {
	case x == 0:
		return 1
	case math.IsInf(x, 0):
		return 0
	}
	return math.Sin(x) / x
}

// sincDeriv is sinc'(x) = (cos(x) - sinc(x))/x, and its limit 0 at 0.
func sincDeriv(x float64) float64 {
	if x == 0 {
		return 0
	}
	return (math.Cos(x) - sinc(x)) * (1 / x)
}

func step(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x <= 0:
		return 0
	}
	return x // NaN
}

func relu(x float64) float64 {
	if x < 0 {
		return 0
	}
	return x
}

func leakyRelu(x, a float64) float64 {
	if x < 0 {
		return a * x
	}
	return x
}

func softplus(x float64) float64 {
	return math.Log1p(math.Exp(-math.Abs(x))) + math.Max(x, 0)
}

// gelu is x Φ(x), with Φ(x) = erfc(-x/√2)/2, accurate for negative x.
func gelu(x float64) float64 {
	if math.IsInf(x, -1) {
		return 0
	}
	return 0.5 * x * math.Erfc(-x/math.Sqrt2)
}

func silu(x float64) float64 {
	if math.IsInf(x, -1) {
		return 0
	}
	return x * sigmoid(x)
}

func huber(x, d float64) float64 {
	a := math.Abs(x)
	if a <= d {
		return 0.5 * x * x
	}
	return d * (a - 0.5*d)
}

// huberExact is huber at exact numbers, δ > 0.
func huberExact(x, d Num) (Num, bool) {
	if d.Sign() <= 0 {
		return Num{}, false
	}
	a := x
	if a.Sign() < 0 {
		a = a.Neg()
	}
	if a.Cmp(d) <= 0 {
		return Rat(1, 2).Mul(x).Mul(x), true
	}
	return d.Mul(a.Sub(Rat(1, 2).Mul(d))), true
}

// The domains.

func cosPole(name string) func(float64) string {
	return func(x float64) string {
		if math.Cos(x) == 0 {
			return name + " at a pole"
		}
		return ""
	}
}

func sinPole(name string) func(float64) string {
	return func(x float64) string {
		if math.Sin(x) == 0 {
			return name + " at a pole"
		}
		return ""
	}
}

func zeroPole(name string) func(float64) string {
	return func(x float64) string {
		if x == 0 {
			return name + " at a pole"
		}
		return ""
	}
}

func outsideUnit(x float64) string {
	if x > -1 && x < 1 {
		return "argument inside (-1, 1)"
	}
	return ""
}

func openUnit(x float64) string {
	if x <= -1 || x >= 1 {
		return "argument outside (-1, 1)"
	}
	return ""
}

func belowOne(x float64) string {
	if x < 1 {
		return "argument below 1"
	}
	return ""
}

func nonPositiveInteger(name string) func(float64) string {
	return func(x float64) string {
		if x <= 0 && x == math.Trunc(x) {
			return name + " at a non-positive integer"
		}
		return ""
	}
}

func logBaseDomain(x, b float64) string {
	switch {
	case x <= 0:
		return "log of a non-positive number"
	case b <= 0:
		return "log to a non-positive base"
	case b == 1:
		return "log to the base 1"
	}
	return ""
}

func polygammaDomain(n, x float64) string {
	switch {
	case n < 0 || n != math.Trunc(n):
		return "polygamma of a negative or fractional order"
	case n > maxPolygammaOrder:
		return "polygamma of an order above 1000"
	case x <= 0 && x == math.Trunc(x):
		return "polygamma at a non-positive integer"
	}
	return ""
}

// paramCheck is the Check of a function whose operand i is a parameter:
// where that operand is a number, ok says whether the function is
// defined for it, and need what it needs otherwise.
func paramCheck(i int, need string, ok func(float64) bool) func(args []*Node) string {
	return func(args []*Node) string {
		if a := args[i]; a.op == OpConst && !ok(a.num.Float64()) {
			return need
		}
		return ""
	}
}
