package fd

import (
	"math"
	"math/cmplx"
)

// A seed is a function with its exact derivatives, at a well-scaled point.
type seed struct {
	name string
	x    float64
	f    func(float64) float64
	fc   func(complex128) complex128
	d1   func(float64) float64
	d2   func(float64) float64
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

var seeds = []seed{
	{
		name: "x^2", x: 2,
		f:  func(x float64) float64 { return x * x },
		fc: func(z complex128) complex128 { return z * z },
		d1: func(x float64) float64 { return 2 * x },
		d2: func(float64) float64 { return 2 },
	},
	{
		name: "exp(x)", x: 1,
		f: math.Exp, fc: cmplx.Exp, d1: math.Exp, d2: math.Exp,
	},
	{
		name: "sin(x)", x: 0.7,
		f: math.Sin, fc: cmplx.Sin, d1: math.Cos,
		d2: func(x float64) float64 { return -math.Sin(x) },
	},
	{
		name: "log(x)", x: 3,
		f: math.Log, fc: cmplx.Log,
		d1: func(x float64) float64 { return 1 / x },
		d2: func(x float64) float64 { return -1 / (x * x) },
	},
	{
		name: "sigmoid(x)", x: 0.5,
		f:  sigmoid,
		fc: func(z complex128) complex128 { return 1 / (1 + cmplx.Exp(-z)) },
		d1: func(x float64) float64 { s := sigmoid(x); return s * (1 - s) },
		d2: func(x float64) float64 { s := sigmoid(x); return s * (1 - s) * (1 - 2*s) },
	},
	{
		name: "x^3+2x", x: -1.3,
		f:  func(x float64) float64 { return x*x*x + 2*x },
		fc: func(z complex128) complex128 { return z*z*z + 2*z },
		d1: func(x float64) float64 { return 3*x*x + 2 },
		d2: func(x float64) float64 { return 6 * x },
	},
	{
		name: "exp(sin x)·x", x: 0.4,
		f:  func(x float64) float64 { return math.Exp(math.Sin(x)) * x },
		fc: func(z complex128) complex128 { return cmplx.Exp(cmplx.Sin(z)) * z },
		d1: func(x float64) float64 { return math.Exp(math.Sin(x)) * (1 + x*math.Cos(x)) },
		d2: func(x float64) float64 {
			e, c, s := math.Exp(math.Sin(x)), math.Cos(x), math.Sin(x)
			// (e(1 + x c))' = e c (1 + x c) + e (c - x s)
			return e*c*(1+x*c) + e*(c-x*s)
		},
	},
}

// relErr is |got - want| / |want|, or the absolute error when want is 0.
func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}
