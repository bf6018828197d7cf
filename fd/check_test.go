package fd

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestCheckGradientCorrect checks that correct gradients pass, including
// ones that are hard for finite differences because of rounding.
func TestCheckGradientCorrect(t *testing.T) {
	tests := []struct {
		name string
		f    func([]float64) float64
		grad func(dst, x []float64)
		x    []float64
		s    *CheckSettings
	}{
		{name: "rosenbrock", f: rosenbrock, grad: rosenbrockGrad, x: []float64{-1.2, 1, 0.8, 1.5, -0.3}},
		{name: "rosenbrock, central", f: rosenbrock, grad: rosenbrockGrad, x: []float64{-1.2, 1, 0.8}, s: &CheckSettings{Tol: 1e-5}},
		{name: "rosenbrock at the minimum", f: rosenbrock, grad: rosenbrockGrad, x: []float64{1, 1, 1}},
		{
			name: "1e8·Σx²",
			f: func(x []float64) float64 {
				var s float64
				for _, v := range x {
					s += v * v
				}
				return 1e8 * s
			},
			grad: func(dst, x []float64) {
				for i, v := range x {
					dst[i] = 2e8 * v
				}
			},
			x: []float64{1.5, -2.25, 1e-3, 0},
		},
		{
			name: "1e12 + Σx² (value much larger than gradient)",
			f: func(x []float64) float64 {
				s := 1e12
				for _, v := range x {
					s += v * v
				}
				return s
			},
			grad: func(dst, x []float64) {
				for i, v := range x {
					dst[i] = 2 * v
				}
			},
			x: []float64{0.5, -3},
		},
		{
			name: "Σexp(20x)",
			f: func(x []float64) float64 {
				var s float64
				for _, v := range x {
					s += math.Exp(20 * v)
				}
				return s
			},
			grad: func(dst, x []float64) {
				for i, v := range x {
					dst[i] = 20 * math.Exp(20*v)
				}
			},
			x: []float64{1, 1.5, -0.5},
		},
		{
			name: "x·y at a large point",
			f:    func(x []float64) float64 { return x[0] * x[1] },
			grad: func(dst, x []float64) { dst[0], dst[1] = x[1], x[0] },
			x:    []float64{3e7, -4e-7},
		},
	}
	for _, tt := range tests {
		r, err := CheckGradient(tt.f, tt.grad, tt.x, tt.s)
		t.Logf("%-45s worst entry %d: got %.10g, want %.10g ± %.2g (relative error %.2g)", tt.name, r.Index, r.Got, r.Want, r.Err, r.RelErr)
		if err != nil || !r.OK {
			t.Errorf("%s: %+v, %v; want OK", tt.name, r, err)
		}
	}
}

func TestCheckGradientWrong(t *testing.T) {
	x := []float64{-1.2, 1, 0.8, 1.5, -0.3}
	want := make([]float64, len(x))
	rosenbrockGrad(want, x)
	const bad = 2
	wrong := func(dst, x []float64) {
		rosenbrockGrad(dst, x)
		dst[bad] *= 1 + 1e-4
	}
	for _, s := range []*CheckSettings{nil, {Tol: 1e-6}, {Settings: Settings{Scheme: Forward}, Tol: 1e-5}} {
		r, err := CheckGradient(rosenbrock, wrong, x, s)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK || r.Index != bad || r.Row != bad || r.Col != 0 || r.Got != want[bad]*(1+1e-4) {
			t.Errorf("settings %+v: %+v; want a failure at %d with Got = %v", s, r, bad, want[bad]*(1+1e-4))
		}
		if math.Abs(r.Want-want[bad]) > r.Err {
			t.Errorf("settings %+v: Want = %v ± %v, exact %v", s, r.Want, r.Err, want[bad])
		}
		if wantRel := math.Abs(r.Got-r.Want) / math.Max(math.Abs(r.Want), 1); r.RelErr != wantRel {
			t.Errorf("RelErr = %v, want %v", r.RelErr, wantRel)
		}
		if wantTol := DefaultTol; s != nil && s.Tol != 0 {
			if r.Tol != s.Tol {
				t.Errorf("Tol = %v, want %v", r.Tol, s.Tol)
			}
		} else if r.Tol != wantTol {
			t.Errorf("Tol = %v, want %v", r.Tol, wantTol)
		}
	}
	// An error within the tolerance passes.
	slight := func(dst, x []float64) {
		rosenbrockGrad(dst, x)
		dst[bad] *= 1 + 1e-8
	}
	if r, err := CheckGradient(rosenbrock, slight, x, nil); err != nil || !r.OK || r.Index != bad {
		t.Errorf("gradient off by 1e-8: %+v, %v; want OK with the worst entry %d", r, err, bad)
	}
	// NaN fails.
	nan := func(dst, x []float64) {
		rosenbrockGrad(dst, x)
		dst[4] = math.NaN()
	}
	if r, err := CheckGradient(rosenbrock, nan, x, nil); err != nil || r.OK || r.Index != 4 {
		t.Errorf("gradient with NaN: %+v, %v; want a failure at 4", r, err)
	}
	// A gradient that misses a term fails, wherever the error is.
	if r, err := CheckGradient(rosenbrock, func(dst, x []float64) { rosenbrockGrad(dst, x); dst[0] = 0 }, x, nil); err != nil || r.OK || r.Index != 0 {
		t.Errorf("gradient with a zero entry: %+v, %v", r, err)
	}
}

func TestCheckJacobian(t *testing.T) {
	x := []float64{0.6, -1.3, 2.1}
	r, err := CheckJacobian(vecFunc, 2, vecJac, x, nil)
	if err != nil || !r.OK {
		t.Errorf("correct Jacobian: %+v, %v", r, err)
	}
	wrong := func(dst *mat.Dense, x []float64) {
		vecJac(dst, x)
		dst.Set(1, 2, dst.At(1, 2)+1e-3)
	}
	r, err = CheckJacobian(vecFunc, 2, wrong, x, nil)
	want := mat.NewDense(2, 3, nil)
	vecJac(want, x)
	if err != nil || r.OK || r.Index != 5 || r.Row != 1 || r.Col != 2 || r.Got != want.At(1, 2)+1e-3 || math.Abs(r.Want-want.At(1, 2)) > 1e-9 {
		t.Errorf("wrong J[1,2]: %+v, %v", r, err)
	}
	if _, err := CheckJacobian(vecFunc, 0, vecJac, x, nil); !errors.Is(err, ErrShape) {
		t.Errorf("m = 0: %v, want ErrShape", err)
	}
}

func TestCheckHessian(t *testing.T) {
	x := []float64{-1.2, 1, 0.8, 1.5}
	r, err := CheckHessian(rosenbrock, rosenbrockHess, x, nil)
	if err != nil || !r.OK {
		t.Errorf("correct Hessian: %+v, %v", r, err)
	}
	wrong := func(dst *mat.SymDense, x []float64) {
		rosenbrockHess(dst, x)
		dst.SetSym(3, 1, 0.5) // should be 0
	}
	r, err = CheckHessian(rosenbrock, wrong, x, nil)
	if err != nil || r.OK || r.Row != 1 || r.Col != 3 || r.Index != 1*4+3 || r.Got != 0.5 || math.Abs(r.Want) > 1e-6 {
		t.Errorf("wrong H[1,3]: %+v, %v", r, err)
	}
}
