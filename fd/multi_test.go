package fd

import (
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func rosenbrock(x []float64) float64 {
	var f float64
	for i := 0; i+1 < len(x); i++ {
		a, b := x[i+1]-x[i]*x[i], 1-x[i]
		f += 100*a*a + b*b
	}
	return f
}

func rosenbrockGrad(dst, x []float64) {
	clear(dst)
	for i := 0; i+1 < len(x); i++ {
		a := x[i+1] - x[i]*x[i]
		dst[i] += -400*x[i]*a - 2*(1-x[i])
		dst[i+1] += 200 * a
	}
}

func rosenbrockHess(dst *mat.SymDense, x []float64) {
	n := len(x)
	for i := range n {
		for j := i; j < n; j++ {
			dst.SetSym(i, j, 0)
		}
	}
	for i := 0; i+1 < n; i++ {
		dst.SetSym(i, i, dst.At(i, i)+1200*x[i]*x[i]-400*x[i+1]+2)
		dst.SetSym(i+1, i+1, dst.At(i+1, i+1)+200)
		dst.SetSym(i, i+1, -400*x[i])
	}
}

// vecFunc maps R³ to R²: (x0·x1·sin x2, exp(x0) + x1²·x2).
func vecFunc(y, x []float64) {
	y[0] = x[0] * x[1] * math.Sin(x[2])
	y[1] = math.Exp(x[0]) + x[1]*x[1]*x[2]
}

func vecJac(dst *mat.Dense, x []float64) {
	s, c := math.Sincos(x[2])
	dst.Set(0, 0, x[1]*s)
	dst.Set(0, 1, x[0]*s)
	dst.Set(0, 2, x[0]*x[1]*c)
	dst.Set(1, 0, math.Exp(x[0]))
	dst.Set(1, 1, 2*x[1]*x[2])
	dst.Set(1, 2, x[1]*x[1])
}

var multiSchemes = []struct {
	name    string
	s       *Settings
	tol     float64 // relative to max(|entry|, |f(x)|, 1), first derivatives
	tol2    float64 // the same for the Hessian
	errTest bool    // check that Err bounds the error of every entry
}{
	{"central", nil, 1e-9, 1e-6, true},
	{"central 4", &Settings{Points: 4}, 1e-11, 1e-8, true},
	{"forward", &Settings{Scheme: Forward}, 1e-6, 1e-4, true},
	{"backward 3", &Settings{Scheme: Backward, Points: 3}, 1e-9, 1e-6, true},
	{"richardson", &Settings{Scheme: Richardson}, 1e-11, 1e-9, true},
	{"central, step 1e-4", &Settings{Step: 1e-4}, 1e-6, 1e-4, true},
}

func TestGradientRosenbrock(t *testing.T) {
	x := []float64{-1.2, 1, 0.8, 1.5, -0.3}
	orig := slices.Clone(x)
	want := make([]float64, len(x))
	rosenbrockGrad(want, x)
	fx := math.Abs(rosenbrock(x)) // about 750: rounding errors scale with it
	for _, tt := range multiSchemes {
		got := make([]float64, len(x))
		errs := make([]float64, len(x))
		if err := GradientErr(got, errs, rosenbrock, x, tt.s); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for i := range x {
			d := math.Abs(got[i] - want[i])
			if d > tt.tol*max(math.Abs(want[i]), fx, 1) {
				t.Errorf("%s: ∂f/∂x%d = %v, want %v", tt.name, i, got[i], want[i])
			}
			if tt.errTest && d > errs[i] {
				t.Errorf("%s: ∂f/∂x%d: error %.3g exceeds Err = %.3g", tt.name, i, d, errs[i])
			}
		}
		// Gradient gives the same values, into a new slice or into dst.
		g, err := Gradient(nil, rosenbrock, x, tt.s)
		if err != nil || !slices.Equal(g, got) {
			t.Errorf("%s: Gradient(nil, …) = %v, %v; want %v", tt.name, g, err, got)
		}
		dst := make([]float64, len(x))
		if g, err := Gradient(dst, rosenbrock, x, tt.s); err != nil || &g[0] != &dst[0] || !slices.Equal(dst, got) {
			t.Errorf("%s: Gradient(dst, …) did not fill and return dst", tt.name)
		}
	}
	if !slices.Equal(x, orig) {
		t.Errorf("x changed to %v", x)
	}
}

func TestHessianRosenbrock(t *testing.T) {
	x := []float64{-1.2, 1, 0.8, 1.5}
	n := len(x)
	want := mat.NewSymDense(n, nil)
	rosenbrockHess(want, x)
	fx := math.Abs(rosenbrock(x))
	for _, tt := range multiSchemes {
		var got mat.SymDense // empty: resized
		if err := Hessian(&got, rosenbrock, x, tt.s); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		c, _ := resolve(tt.s, true)
		est, _ := hessian(rosenbrock, x, c)
		for i := range n {
			for j := range n {
				w := want.At(i, j)
				d := math.Abs(got.At(i, j) - w)
				if d > tt.tol2*max(math.Abs(w), fx, 1) {
					t.Errorf("%s: H[%d,%d] = %v, want %v", tt.name, i, j, got.At(i, j), w)
				}
				if e := est[i*n+j]; e.Value != got.At(i, j) || (tt.errTest && d > e.Err) {
					t.Errorf("%s: H[%d,%d] = %v ± %v, want %v", tt.name, i, j, e.Value, e.Err, w)
				}
			}
		}
	}
	// A non-empty dst of the right size is reused; of the wrong size it is an error.
	dst := mat.NewSymDense(n, nil)
	if err := Hessian(dst, rosenbrock, x, nil); err != nil || math.Abs(dst.At(0, 1)-want.At(0, 1)) > 1e-6 {
		t.Errorf("Hessian into a %d×%[1]d dst: %v, H[0,1] = %v", n, err, dst.At(0, 1))
	}
	if err := Hessian(mat.NewSymDense(n+1, nil), rosenbrock, x, nil); !errors.Is(err, ErrShape) {
		t.Errorf("Hessian into a wrong-size dst: %v, want ErrShape", err)
	}
}

// TestHessianMixed checks mixed partials of a function that is not a
// polynomial.
func TestHessianMixed(t *testing.T) {
	f := func(x []float64) float64 { return math.Exp(x[0]*x[1]) + math.Sin(x[0]+2*x[2]) }
	x := []float64{0.3, -0.7, 1.1}
	e01, s02 := math.Exp(x[0]*x[1]), math.Sin(x[0]+2*x[2])
	want := [][]float64{
		{x[1]*x[1]*e01 - s02, e01 * (1 + x[0]*x[1]), -2 * s02},
		{e01 * (1 + x[0]*x[1]), x[0] * x[0] * e01, 0},
		{-2 * s02, 0, -4 * s02},
	}
	for _, tt := range multiSchemes {
		var h mat.SymDense
		if err := Hessian(&h, f, x, tt.s); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for i := range 3 {
			for j := range 3 {
				if d := math.Abs(h.At(i, j) - want[i][j]); d > tt.tol2*math.Max(math.Abs(want[i][j]), 1) {
					t.Errorf("%s: H[%d,%d] = %v, want %v", tt.name, i, j, h.At(i, j), want[i][j])
				}
			}
		}
	}
}

func TestJacobian(t *testing.T) {
	x := []float64{0.6, -1.3, 2.1}
	orig := slices.Clone(x)
	want := mat.NewDense(2, 3, nil)
	vecJac(want, x)
	for _, tt := range multiSchemes {
		var got mat.Dense
		if err := Jacobian(&got, vecFunc, 2, x, tt.s); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		c, _ := resolve(tt.s, true)
		est, _ := jacobian(vecFunc, 2, x, c)
		for i := range 2 {
			for j := range 3 {
				w := want.At(i, j)
				d := math.Abs(got.At(i, j) - w)
				if d > tt.tol*math.Max(math.Abs(w), 1) {
					t.Errorf("%s: J[%d,%d] = %v, want %v", tt.name, i, j, got.At(i, j), w)
				}
				if e := est[i*3+j]; e.Value != got.At(i, j) || (tt.errTest && d > e.Err) {
					t.Errorf("%s: J[%d,%d] = %v ± %v, want %v", tt.name, i, j, e.Value, e.Err, w)
				}
			}
		}
	}
	if !slices.Equal(x, orig) {
		t.Errorf("x changed to %v", x)
	}
	// Richardson on each output equals Richardson on that output alone.
	var jr mat.Dense
	if err := Jacobian(&jr, vecFunc, 2, x, &Settings{Scheme: Richardson}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		fi := func(x []float64) float64 {
			var y [2]float64
			vecFunc(y[:], x)
			return y[i]
		}
		g, err := Gradient(nil, fi, x, &Settings{Scheme: Richardson})
		if err != nil || !slices.Equal(g, mat.Row(nil, i, &jr)) {
			t.Errorf("row %d of the Richardson Jacobian %v differs from the gradient of output %d, %v (%v)", i, mat.Row(nil, i, &jr), i, g, err)
		}
	}
	if err := Jacobian(mat.NewDense(3, 2, nil), vecFunc, 2, x, nil); !errors.Is(err, ErrShape) {
		t.Errorf("Jacobian into a 3×2 dst: %v, want ErrShape", err)
	}
	dst := mat.NewDense(2, 3, nil)
	if err := Jacobian(dst, vecFunc, 2, x, nil); err != nil || math.Abs(dst.At(1, 2)-want.At(1, 2)) > 1e-8 {
		t.Errorf("Jacobian into a 2×3 dst: %v, J[1,2] = %v", err, dst.At(1, 2))
	}
}

// TestScribblingFunction checks that a function that changes its argument
// affects neither the results nor the caller's x.
func TestScribblingFunction(t *testing.T) {
	x := []float64{-1.2, 1, 0.8}
	orig := slices.Clone(x)
	scribble := func(x []float64) float64 {
		v := rosenbrock(x)
		for i := range x {
			x[i] = 1e6
		}
		return v
	}
	for _, tt := range multiSchemes {
		want, err1 := Gradient(nil, rosenbrock, x, tt.s)
		got, err2 := Gradient(nil, scribble, x, tt.s)
		if err1 != nil || err2 != nil || !slices.Equal(got, want) {
			t.Errorf("%s: gradient %v with a scribbling f, want %v", tt.name, got, want)
		}
		var hw, hg mat.SymDense
		_ = Hessian(&hw, rosenbrock, x, tt.s)
		if err := Hessian(&hg, scribble, x, tt.s); err != nil || !mat.Equal(&hg, &hw) {
			t.Errorf("%s: Hessian differs with a scribbling f", tt.name)
		}
	}
	if !slices.Equal(x, orig) {
		t.Errorf("x changed to %v", x)
	}
}
