package expr

import (
	"math"
	"math/cmplx"
)

// initComplex gives the analytic element-wise operations their Complex
// kernels, the continuation of the function to complex arguments that the
// complex-step derivative Im f(x + ih)/h evaluates. Operations that are
// not analytic (abs, sign) have none.
func initComplex() {
	Ops[OpAdd].Complex = func(x []complex128) complex128 {
		r := x[0]
		for _, v := range x[1:] {
			r += v
		}
		return r
	}
	Ops[OpMul].Complex = func(x []complex128) complex128 {
		r := x[0]
		for _, v := range x[1:] {
			r *= v
		}
		return r
	}
	Ops[OpPow].Complex = func(x []complex128) complex128 { return complexPow(x[0], x[1]) }
	for op, f := range map[Op]func(complex128) complex128{
		OpSin: cmplx.Sin, OpCos: cmplx.Cos, OpTan: cmplx.Tan,
		OpSinh: cmplx.Sinh, OpCosh: cmplx.Cosh, OpTanh: cmplx.Tanh,
		OpExp: cmplx.Exp, OpLog: cmplx.Log,
		OpSigmoid: func(z complex128) complex128 { return 1 / (1 + cmplx.Exp(-z)) },
		// The inverse functions of math/cmplx lose an imaginary part far
		// below the real one (log of 1 + 1e-20 is 0): near the real line
		// they are continued to first order, f(x) + i y f'(x), exact in
		// float64 where y² is below the rounding of f(x).
		OpAsin: nearReal(cmplx.Asin, math.Asin, func(x float64) float64 { return 1 / math.Sqrt(1-x*x) }),
		OpAcos: nearReal(cmplx.Acos, math.Acos, func(x float64) float64 { return -1 / math.Sqrt(1-x*x) }),
		OpAtan: nearReal(cmplx.Atan, math.Atan, func(x float64) float64 { return 1 / (1 + x*x) }),
		// The functions of functions.go likewise, each continued near the
		// real line by its derivative as the table's rule gives it.
		OpSec: nearReal(func(z complex128) complex128 { return 1 / cmplx.Cos(z) }, sec,
			func(x float64) float64 { return sec(x) * math.Tan(x) }),
		OpCsc: nearReal(func(z complex128) complex128 { return 1 / cmplx.Sin(z) }, csc,
			func(x float64) float64 { return -(csc(x) * cot(x)) }),
		OpCot:  nearReal(cmplx.Cot, cot, func(x float64) float64 { c := csc(x); return -(c * c) }),
		OpAsec: nearReal(func(z complex128) complex128 { return cmplx.Acos(1 / z) }, asec, asecDerivative),
		OpAcsc: nearReal(func(z complex128) complex128 { return cmplx.Asin(1 / z) }, acsc,
			func(x float64) float64 { return -asecDerivative(x) }),
		OpAcot: nearReal(func(z complex128) complex128 { return math.Pi/2 - cmplx.Atan(z) }, acot,
			func(x float64) float64 { return -(1 / (x*x + 1)) }),
		OpSech: nearReal(func(z complex128) complex128 { return 1 / cmplx.Cosh(z) }, sech,
			func(x float64) float64 { return -(sech(x) * math.Tanh(x)) }),
		OpCsch: nearReal(func(z complex128) complex128 { return 1 / cmplx.Sinh(z) }, csch,
			func(x float64) float64 { return -(csch(x) * coth(x)) }),
		OpCoth: nearReal(func(z complex128) complex128 { return cmplx.Cosh(z) / cmplx.Sinh(z) }, coth,
			func(x float64) float64 { c := csch(x); return -(c * c) }),
		OpAsinh: nearReal(cmplx.Asinh, math.Asinh, func(x float64) float64 { return math.Pow(x*x+1, -0.5) }),
		OpAcosh: nearReal(cmplx.Acosh, math.Acosh, func(x float64) float64 { return math.Pow(x*x-1, -0.5) }),
		OpAtanh: nearReal(cmplx.Atanh, math.Atanh, func(x float64) float64 { return 1 / (1 - x*x) }),
		OpLog2: nearReal(func(z complex128) complex128 { return cmplx.Log(z) / math.Ln2 }, math.Log2,
			func(x float64) float64 { return (1 / x) * (1 / math.Log(2)) }),
		OpLog10: nearReal(cmplx.Log10, Log10, func(x float64) float64 { return (1 / x) * (1 / math.Log(10)) }),
		OpCbrt:  nearReal(complexCbrt, math.Cbrt, func(x float64) float64 { c := math.Cbrt(x); return (1.0 / 3) * (1 / (c * c)) }),
		OpErf:   nearReal(erfComplex, math.Erf, func(x float64) float64 { return 2 * (math.Exp(-x*x) * math.Pow(math.Pi, -0.5)) }),
		OpErfc:  nearReal(erfcComplex, math.Erfc, func(x float64) float64 { return -2 * (math.Exp(-x*x) * math.Pow(math.Pi, -0.5)) }),
		OpGamma: nearReal(gammaComplex, math.Gamma, func(x float64) float64 { return math.Gamma(x) * digamma(x) }),
		OpLgamma: nearReal(func(z complex128) complex128 {
			// log|Γ| continued: log Γ less its constant imaginary part
			// on the real line.
			l, _ := lgammaComplex(z)
			r, _ := lgammaComplex(complex(real(z), 0))
			return l - complex(0, imag(r))
		}, lgamma, digamma),
		OpDigamma: nearReal(func(z complex128) complex128 { return polygammaComplex(0, z) }, digamma, trigamma),
		OpTrigamma: nearReal(func(z complex128) complex128 { return polygammaComplex(1, z) }, trigamma,
			func(x float64) float64 { return polygamma(2, x) }),
		OpSinc: nearReal(func(z complex128) complex128 {
			if z == 0 {
				return 1
			}
			return cmplx.Sin(z) / z
		}, sinc, sincDeriv),
		OpSoftplus: nearReal(func(z complex128) complex128 {
			if real(z) > 0 {
				return z + cmplx.Log(1+cmplx.Exp(-z))
			}
			return cmplx.Log(1 + cmplx.Exp(z))
		}, softplus, sigmoid),
		OpGelu: nearReal(func(z complex128) complex128 { return 0.5 * z * erfcComplex(-z/math.Sqrt2) }, gelu, geluDeriv),
		OpSilu: nearReal(func(z complex128) complex128 { return z / (1 + cmplx.Exp(-z)) }, silu,
			func(x float64) float64 { s := sigmoid(x); return s * (1 + x*(1-s)) }),
	} {
		Ops[op].Complex = func(x []complex128) complex128 { return f(x[0]) }
	}
	for op, f := range map[Op]func(a, b complex128) complex128{
		// atan2(y, x) = -i log((x + iy)/√(x² + y²)), the angle continued.
		OpAtan2: nearReal2(func(y, x complex128) complex128 {
			return -1i * cmplx.Log((x+1i*y)/cmplx.Sqrt(x*x+y*y))
		}, math.Atan2, func(y, x float64) (float64, float64) {
			r := 1 / (x*x + y*y)
			return x * r, -(y * r)
		}),
		OpLogBase: nearReal2(func(x, b complex128) complex128 { return cmplx.Log(x) / cmplx.Log(b) }, logBase,
			func(x, b float64) (float64, float64) {
				lb := Log(b)
				return (1 / x) * (1 / lb), -(logBase(x, b) * (1 / b) * (1 / lb))
			}),
		// polygamma is analytic in x; its order is a whole number, which
		// does not vary.
		OpPolygamma: func(n, z complex128) complex128 {
			k := real(n)
			if imag(n) != 0 || polygammaDomain(k, real(z)) != "" {
				return cmplx.NaN()
			}
			return nearReal(func(z complex128) complex128 { return polygammaComplex(int(k), z) },
				func(x float64) float64 { return polygamma(int(k), x) },
				func(x float64) float64 { return polygamma(int(k)+1, x) })(z)
		},
	} {
		Ops[op].Complex = func(x []complex128) complex128 { return f(x[0], x[1]) }
	}
}

// asecDerivative is asec'(x) = 1/(|x| √(x² - 1)).
func asecDerivative(x float64) float64 { return (1 / math.Abs(x)) * math.Pow(x*x-1, -0.5) }

// geluDeriv is gelu'(x) = Φ(x) + x φ(x).
func geluDeriv(x float64) float64 {
	return 0.5*(1+math.Erf(math.Pow(2, -0.5)*x)) + x*math.Pow(2*math.Pi, -0.5)*math.Exp(-0.5*(x*x))
}

// complexCbrt continues the real cube root, -∛(-z) left of the imaginary
// axis.
func complexCbrt(z complex128) complex128 {
	if real(z) < 0 {
		return -cmplx.Pow(-z, 1.0/3)
	}
	return cmplx.Pow(z, 1.0/3)
}

// complexPow is b^e: integer powers by products, as the real kernel,
// others by cmplx.Pow.
func complexPow(b, e complex128) complex128 {
	if imag(e) == 0 && real(e) == math.Trunc(real(e)) && math.Abs(real(e)) <= 64 {
		k := int(real(e))
		r := complex(1, 0)
		for p, q := b, max(k, -k); q > 0; q >>= 1 {
			if q&1 == 1 {
				r *= p
			}
			p *= p
		}
		if k < 0 {
			return 1 / r
		}
		return r
	}
	return cmplx.Pow(b, e)
}

// nearReal continues f to complex arguments near the real line by its
// derivative d, and by g elsewhere.
func nearReal(g func(complex128) complex128, f, d func(float64) float64) func(complex128) complex128 {
	return func(z complex128) complex128 {
		x, y := real(z), imag(z)
		if math.Abs(y) > 1e-9*max(1, math.Abs(x)) {
			return g(z)
		}
		return complex(f(x), y*d(x))
	}
}

// nearReal2 is nearReal for a function of two operands, whose partial
// derivatives d gives.
func nearReal2(g func(a, b complex128) complex128, f func(a, b float64) float64,
	d func(a, b float64) (float64, float64)) func(a, b complex128) complex128 {
	return func(a, b complex128) complex128 {
		x, y := real(a), real(b)
		ia, ib := imag(a), imag(b)
		if math.Abs(ia) > 1e-9*max(1, math.Abs(x)) || math.Abs(ib) > 1e-9*max(1, math.Abs(y)) {
			return g(a, b)
		}
		da, db := d(x, y)
		im := 0.0
		if ia != 0 {
			im += ia * da
		}
		if ib != 0 {
			im += ib * db
		}
		return complex(f(x, y), im)
	}
}
