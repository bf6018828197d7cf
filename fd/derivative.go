package fd

import (
	"errors"
	"fmt"
	"math"
)

var errNilFunc = errors.New("fd: nil function")

// Derivative estimates f'(x) with the scheme of s (two-point central
// differences when s is nil) and returns the estimate with an estimate of
// its absolute error.
//
// The Complex scheme is an error here, since it needs f as a complex
// function: use DerivativeComplex.
func Derivative(f func(float64) float64, x float64, s *Settings) (Estimate, error) {
	if f == nil {
		return Estimate{}, errNilFunc
	}
	c, err := resolve(s, true)
	if err != nil {
		return Estimate{}, err
	}
	xs := []float64{x}
	if err := checkX(xs); err != nil {
		return Estimate{}, err
	}
	ev := scalarEvals(f, x)
	if c.scheme == Richardson {
		est, err := richardson([]rEntry{{i: 0, j: -1}}, ev, xs, c, 0)
		if err != nil {
			return Estimate{}, err
		}
		return est[0], nil
	}
	est, err := stencilFirst(ev, xs, c)
	if err != nil {
		return Estimate{}, err
	}
	return est[0], nil
}

// SecondDerivative estimates the second derivative of f at x with the
// scheme of s and returns the estimate with an estimate of its absolute
// error. When s is nil it uses the three-point central difference
// (f(x+h) - 2f(x) + f(x-h)) / h², accurate to second order.
// Settings.Points selects the stencil with the same order of accuracy as
// for a first derivative, which has one point more; Richardson
// extrapolates three-point central differences.
//
// The Complex scheme is an error.
func SecondDerivative(f func(float64) float64, x float64, s *Settings) (Estimate, error) {
	if f == nil {
		return Estimate{}, errNilFunc
	}
	c, err := resolve(s, true)
	if err != nil {
		return Estimate{}, err
	}
	xs := []float64{x}
	if err := checkX(xs); err != nil {
		return Estimate{}, err
	}
	ev := scalarEvals(f, x)
	if c.scheme == Richardson {
		f0, err := ev()(probe{i: -1, j: -1})
		if err != nil {
			return Estimate{}, err
		}
		est, err := richardson([]rEntry{{i: 0, j: -1, second: true}}, ev, xs, c, f0)
		if err != nil {
			return Estimate{}, err
		}
		return est[0], nil
	}
	var out Estimate
	err = stencilSecond(func(_, _ int, e Estimate) { out = e }, ev, xs, c, true)
	return out, err
}

// DerivativeComplex estimates f'(x) by the complex step,
//
//	f'(x) ≈ Im f(x + ih) / h,
//
// for a function f that is analytic near x and real on the real axis,
// written for complex arguments: arithmetic and the analytic functions of
// math/cmplx (Exp, Log, Sin, Pow, …), but not Abs, Conj, Real, Imag or
// comparisons of values. Nothing is subtracted, so the step can be tiny:
// by default h = 1e-20·max(|x|,1), and the estimate is as accurate as f
// itself. For a function that is not analytic the result is wrong
// without warning.
//
// Only s.Step (the imaginary step h) and s.Concurrent are used; Scheme
// and Points are ignored. f is also evaluated at x + 2ih: Err is
// ε·|Value| plus a third of the difference of the two estimates, which
// accounts for the h² truncation error that matters only with a large
// step.
func DerivativeComplex(f func(complex128) complex128, x float64, s *Settings) (Estimate, error) {
	if f == nil {
		return Estimate{}, errNilFunc
	}
	var step float64
	var concurrent bool
	if s != nil {
		step, concurrent = s.Step, s.Concurrent
	}
	if step < 0 || math.IsNaN(step) || math.IsInf(step, 0) {
		return Estimate{}, fmt.Errorf("%w: Step = %v is not a positive finite number", ErrStep, step)
	}
	if err := checkX([]float64{x}); err != nil {
		return Estimate{}, err
	}
	if step == 0 {
		step = complexStep(x)
	}
	if step < 0x1p-1022 { // subnormal: Im f(x+ih) would lose its digits
		return Estimate{}, fmt.Errorf("%w: complex step %v is subnormal", ErrStep, step)
	}
	hs := [2]float64{step, 2 * step}
	var d [2]float64
	err := forEach(2, concurrent, func() func(int) error {
		return func(k int) error {
			v := f(complex(x, hs[k]))
			for part, p := range [2]float64{real(v), imag(v)} {
				if !finite(p) {
					return &NonFiniteError{X: x, Imag: hs[k], Value: p, kind: kindComplex, imagPart: part == 1}
				}
			}
			d[k] = imag(v) / hs[k]
			return nil
		}
	})
	if err != nil {
		return Estimate{}, err
	}
	return Estimate{Value: d[0], Err: eps*math.Abs(d[0]) + math.Abs(d[0]-d[1])/3, Step: step}, nil
}
