package fd_test

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/nabla-math/nabla/fd"
)

func ExampleDerivative() {
	f := func(x float64) float64 { return x * x }

	// Forward differences (f(x+h) - f(x)) / h at x = 2, where f'(2) = 4:
	// the error is h, the truncation error of a first-order formula.
	for _, h := range []float64{0.1, 0.01} {
		e, err := fd.Derivative(f, 2, &fd.Settings{Scheme: fd.Forward, Step: h})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("h = %v: %.4f\n", h, e.Value)
	}

	// The default, central differences with an automatic step, is exact
	// on quadratics.
	e, _ := fd.Derivative(f, 2, nil)
	fmt.Printf("central: %.4f\n", e.Value)
	// Output:
	// h = 0.1: 4.1000
	// h = 0.01: 4.0100
	// central: 4.0000
}

func ExampleDerivative_richardson() {
	// Ridders' method extrapolates central differences to a zero step.
	e, err := fd.Derivative(math.Sin, 1, &fd.Settings{Scheme: fd.Richardson})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("sin'(1) ≈ %.12f, cos(1) = %.12f\n", e.Value, math.Cos(1))
	fmt.Println("error estimate below 1e-12:", e.Err < 1e-12)
	fmt.Println("actual error within it:", math.Abs(e.Value-math.Cos(1)) <= e.Err)
	// Output:
	// sin'(1) ≈ 0.540302305868, cos(1) = 0.540302305868
	// error estimate below 1e-12: true
	// actual error within it: true
}

func ExampleDerivativeComplex() {
	// Squire and Trapp's test function, e^x / √(sin³x + cos³x), written
	// with the analytic functions of math/cmplx.
	f := func(z complex128) complex128 {
		s, c := cmplx.Sin(z), cmplx.Cos(z)
		return cmplx.Exp(z) / cmplx.Sqrt(s*s*s+c*c*c)
	}
	e, err := fd.DerivativeComplex(f, 1.5, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The exact derivative, for comparison.
	s, c := math.Sin(1.5), math.Cos(1.5)
	g := s*s*s + c*c*c
	want := math.Exp(1.5) / math.Sqrt(g) * (1 - 3*(s*s*c-c*c*s)/(2*g))
	fmt.Printf("f'(1.5) ≈ %.10f\n", e.Value)
	fmt.Println("relative error below 1e-14:", math.Abs(e.Value-want) < 1e-14*math.Abs(want))
	// Output:
	// f'(1.5) ≈ 4.0534278939
	// relative error below 1e-14: true
}

func ExampleCheckGradient() {
	// f(x, y) = (1-x)² + 100(y-x²)², with a hand-written gradient that
	// has a slip in ∂f/∂y (20 instead of 200).
	f := func(x []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		return a*a + 100*b*b
	}
	grad := func(dst, x []float64) {
		b := x[1] - x[0]*x[0]
		dst[0] = -2*(1-x[0]) - 400*x[0]*b
		dst[1] = 20 * b
	}
	r, err := fd.CheckGradient(f, grad, []float64{-1.2, 1}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("OK: %v; worst entry %d: got %.4f, want %.4f\n", r.OK, r.Index, r.Got, r.Want)
	// Output:
	// OK: false; worst entry 1: got -8.8000, want -88.0000
}

// The weights of a stencil, exactly: the five-point central difference
// for f″.
func ExampleStencil() {
	offsets, weights, _ := fd.Stencil(fd.Central, 2, 4)
	for k := range offsets {
		fmt.Printf("%+d: %s\n", offsets[k], weights[k].RatString())
	}
	// Output:
	// -2: -1/12
	// -1: 4/3
	// +0: -5/2
	// +1: 4/3
	// +2: -1/12
}
