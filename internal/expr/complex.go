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
	} {
		Ops[op].Complex = func(x []complex128) complex128 { return f(x[0]) }
	}
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
