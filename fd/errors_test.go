package fd

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// noPanic runs f and fails the test if it panics.
func noPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked: %v", name, r)
		}
	}()
	f()
}

func TestBadStep(t *testing.T) {
	sq := func(x float64) float64 { return x * x }
	sqc := func(z complex128) complex128 { return z * z }
	sum := func(x []float64) float64 { return x[0] + x[1] }
	vec := func(y, x []float64) { y[0] = x[0] * x[1] }
	x := []float64{1, 2}
	steps := []struct {
		name string
		step float64
		x    float64
	}{
		{"negative", -1e-3, 1},
		{"NaN", math.NaN(), 1},
		{"+Inf", math.Inf(1), 1},
		{"-Inf", math.Inf(-1), 1},
		// Steps that are zero in effect: x + h == x.
		{"vanishing at 1", 1e-17, 1},
		{"vanishing at 1e10", 1e-7, 1e10},
	}
	for _, st := range steps {
		for _, scheme := range []Scheme{Central, Forward, Backward, Richardson} {
			s := &Settings{Scheme: scheme, Step: st.step}
			calls := map[string]func() error{
				"Derivative":       func() error { _, err := Derivative(sq, st.x, s); return err },
				"SecondDerivative": func() error { _, err := SecondDerivative(sq, st.x, s); return err },
				"Gradient": func() error {
					_, err := Gradient(nil, sum, []float64{st.x, st.x}, s)
					return err
				},
				"Hessian": func() error { return Hessian(&mat.SymDense{}, sum, []float64{st.x, 0}, s) },
				"Jacobian": func() error {
					return Jacobian(&mat.Dense{}, vec, 1, []float64{0, st.x}, s)
				},
			}
			for name, call := range calls {
				noPanic(t, name, func() {
					if err := call(); !errors.Is(err, ErrStep) {
						t.Errorf("%s, %v, step %s: error %v, want ErrStep", name, scheme, st.name, err)
					}
				})
			}
		}
		if st.name == "vanishing at 1" || st.name == "vanishing at 1e10" {
			continue // a tiny step is what the complex step wants
		}
		if _, err := DerivativeComplex(sqc, st.x, &Settings{Step: st.step}); !errors.Is(err, ErrStep) {
			t.Errorf("DerivativeComplex, step %s: error %v, want ErrStep", st.name, err)
		}
	}
	if _, err := DerivativeComplex(sqc, 1, &Settings{Step: 1e-310}); !errors.Is(err, ErrStep) {
		t.Errorf("DerivativeComplex, subnormal step: error %v, want ErrStep", err)
	}
	// Step 0 means automatic.
	for _, scheme := range []Scheme{Central, Forward, Backward, Richardson} {
		if e, err := Derivative(sq, 3, &Settings{Scheme: scheme, Step: 0}); err != nil || math.Abs(e.Value-6) > 1e-6 {
			t.Errorf("%v with Step 0: %v, %v", scheme, e, err)
		}
	}
	if _, err := CheckGradient(sum, func(dst, x []float64) { dst[0], dst[1] = 1, 1 }, x, &CheckSettings{Settings: Settings{Step: -1}}); !errors.Is(err, ErrStep) {
		t.Errorf("CheckGradient with step -1: %v, want ErrStep", err)
	}
}

func TestNonFinite(t *testing.T) {
	// NaN above 2: the first stencil point above 2 is 2 + h, h = 2^-16.
	f := func(x float64) float64 {
		if x > 2 {
			return math.NaN()
		}
		return x * x
	}
	for _, s := range []*Settings{nil, {Scheme: Forward}, {Scheme: Richardson}, {Points: 8}} {
		_, err := Derivative(f, 2, s)
		var nf *NonFiniteError
		if !errors.As(err, &nf) || !(nf.X > 2) || !math.IsNaN(nf.Value) || nf.Point != nil {
			t.Errorf("%+v: error %v, want a NonFiniteError above 2", s, err)
			continue
		}
		if !strings.Contains(err.Error(), "f(") || !strings.Contains(err.Error(), "NaN") {
			t.Errorf("error %q does not name the point and value", err)
		}
	}
	_, err := Derivative(f, 2, nil)
	if want := "fd: f(2.0000152587890625) = NaN"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	// Backward differences never leave the domain.
	if e, err := Derivative(f, 2, &Settings{Scheme: Backward, Points: 3}); err != nil || math.Abs(e.Value-4) > 1e-8 {
		t.Errorf("backward at the edge of the domain: %v, %v", e, err)
	}
	// Infinity at x itself.
	inv := func(x float64) float64 { return 1 / x }
	if _, err := SecondDerivative(inv, 0, &Settings{Scheme: Forward}); err == nil || err.Error() != "fd: f(0) = +Inf" {
		t.Errorf("1/x at 0: %v", err)
	}
	// Functions of vectors name the whole point.
	g := func(x []float64) float64 { return math.Log(x[0]) + x[1] }
	_, err = Gradient(nil, g, []float64{0, 5}, nil)
	var nf *NonFiniteError
	if !errors.As(err, &nf) || len(nf.Point) != 2 || nf.Point[1] != 5 || !(nf.Point[0] <= 0) {
		t.Fatalf("log at 0: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "fd: f(x) = ") || !strings.Contains(err.Error(), " 5]") {
		t.Errorf("error %q", err)
	}
	if err := Hessian(&mat.SymDense{}, g, []float64{1e-9, 5}, nil); !errors.As(err, &nf) {
		t.Errorf("Hessian of log near 0: %v", err)
	}
	// Jacobians name the output.
	vf := func(y, x []float64) { y[0], y[1] = x[0], math.Sqrt(x[0]) }
	err = Jacobian(&mat.Dense{}, vf, 2, []float64{0}, nil)
	if !errors.As(err, &nf) || nf.Output != 1 || !strings.Contains(err.Error(), "output 1") {
		t.Errorf("Jacobian of sqrt at 0: %v", err)
	}
	// Complex functions too.
	// A pole at 1 + 1e-20i, the first point.
	_, err = DerivativeComplex(func(z complex128) complex128 { return 1 / (z - complex(1, 1e-20)) }, 1, nil)
	if !errors.As(err, &nf) || nf.X != 1 || nf.Imag != 1e-20 {
		t.Errorf("complex 1/(z-1) at 1: %v", err)
	}
	_, err = DerivativeComplex(func(z complex128) complex128 { return complex(math.Inf(1), 0) }, 1, nil)
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "real part") {
		t.Errorf("complex Inf: %v", err)
	}
	// Checks pass the error on.
	if _, err := CheckGradient(g, func(dst, x []float64) {}, []float64{0, 1}, nil); !errors.As(err, &nf) {
		t.Errorf("CheckGradient of log at 0: %v", err)
	}
}

func TestBadArguments(t *testing.T) {
	sq := func(x float64) float64 { return x * x }
	sum := func(x []float64) float64 { return x[0] + x[1] }
	grad := func(dst, x []float64) { dst[0], dst[1] = 1, 1 }
	vec := func(y, x []float64) { y[0] = x[0] * x[1] }
	jac := func(dst *mat.Dense, x []float64) { dst.Set(0, 0, x[1]); dst.Set(0, 1, x[0]) }
	hess := func(dst *mat.SymDense, x []float64) {}
	x := []float64{1, 2}
	shape := func(err error) bool { return errors.Is(err, ErrShape) }
	any := func(err error) bool { return err != nil }
	tests := []struct {
		name string
		call func() error
		ok   func(error) bool
	}{
		{"Gradient short dst", func() error { _, err := Gradient(make([]float64, 1), sum, x, nil); return err }, shape},
		{"GradientErr short dst", func() error { return GradientErr(make([]float64, 3), nil, sum, x, nil) }, shape},
		{"GradientErr short errs", func() error { return GradientErr(make([]float64, 2), make([]float64, 1), sum, x, nil) }, shape},
		{"Gradient nil f", func() error { _, err := Gradient(nil, nil, x, nil); return err }, any},
		{"Gradient NaN x", func() error { _, err := Gradient(nil, sum, []float64{1, math.NaN()}, nil); return err }, any},
		{"Gradient complex", func() error { _, err := Gradient(nil, sum, x, &Settings{Scheme: Complex}); return err }, any},
		{"Jacobian nil dst", func() error { return Jacobian(nil, vec, 1, x, nil) }, any},
		{"Jacobian m = 0", func() error { return Jacobian(&mat.Dense{}, vec, 0, x, nil) }, shape},
		{"Jacobian empty x", func() error { return Jacobian(&mat.Dense{}, vec, 1, nil, nil) }, shape},
		{"Jacobian wrong dst", func() error { return Jacobian(mat.NewDense(1, 3, nil), vec, 1, x, nil) }, shape},
		{"Jacobian nil f", func() error { return Jacobian(&mat.Dense{}, nil, 1, x, nil) }, any},
		{"Hessian nil dst", func() error { return Hessian(nil, sum, x, nil) }, any},
		{"Hessian empty x", func() error { return Hessian(&mat.SymDense{}, sum, nil, nil) }, shape},
		{"Hessian wrong dst", func() error { return Hessian(mat.NewSymDense(3, nil), sum, x, nil) }, shape},
		{"Hessian Inf x", func() error { return Hessian(&mat.SymDense{}, sum, []float64{math.Inf(1), 0}, nil) }, any},
		{"Derivative nil f", func() error { _, err := Derivative(nil, 1, nil); return err }, any},
		{"Derivative NaN x", func() error { _, err := Derivative(sq, math.NaN(), nil); return err }, any},
		{"Derivative Inf x", func() error { _, err := Derivative(sq, math.Inf(-1), nil); return err }, any},
		{"Derivative bad scheme", func() error { _, err := Derivative(sq, 1, &Settings{Scheme: 7}); return err }, any},
		{"Derivative 3 central points", func() error { _, err := Derivative(sq, 1, &Settings{Points: 3}); return err }, any},
		{"Derivative 10 central points", func() error { _, err := Derivative(sq, 1, &Settings{Points: 10}); return err }, any},
		{"Derivative 9 forward points", func() error { _, err := Derivative(sq, 1, &Settings{Scheme: Forward, Points: 9}); return err }, any},
		{"Derivative 1 backward point", func() error { _, err := Derivative(sq, 1, &Settings{Scheme: Backward, Points: 1}); return err }, any},
		{"Derivative -2 points", func() error { _, err := Derivative(sq, 1, &Settings{Points: -2}); return err }, any},
		{"SecondDerivative complex", func() error { _, err := SecondDerivative(sq, 1, &Settings{Scheme: Complex}); return err }, any},
		{"DerivativeComplex nil f", func() error { _, err := DerivativeComplex(nil, 1, nil); return err }, any},
		{"DerivativeComplex NaN x", func() error {
			_, err := DerivativeComplex(func(z complex128) complex128 { return z }, math.NaN(), nil)
			return err
		}, any},
		{"CheckGradient nil grad", func() error { _, err := CheckGradient(sum, nil, x, nil); return err }, any},
		{"CheckGradient negative Tol", func() error { _, err := CheckGradient(sum, grad, x, &CheckSettings{Tol: -1}); return err }, any},
		{"CheckGradient NaN Tol", func() error { _, err := CheckGradient(sum, grad, x, &CheckSettings{Tol: math.NaN()}); return err }, any},
		{"CheckJacobian nil jac", func() error { _, err := CheckJacobian(vec, 1, nil, x, nil); return err }, any},
		{"CheckJacobian empty x", func() error { _, err := CheckJacobian(vec, 1, jac, nil, nil); return err }, shape},
		{"CheckJacobian resizing jac", func() error {
			_, err := CheckJacobian(vec, 1, func(dst *mat.Dense, x []float64) { *dst = *mat.NewDense(2, 2, nil) }, x, nil)
			return err
		}, shape},
		{"CheckHessian nil f", func() error { _, err := CheckHessian(nil, hess, x, nil); return err }, any},
		{"CheckHessian empty x", func() error { _, err := CheckHessian(sum, hess, nil, nil); return err }, shape},
	}
	for _, tt := range tests {
		noPanic(t, tt.name, func() {
			if err := tt.call(); !tt.ok(err) {
				t.Errorf("%s: error %v", tt.name, err)
			}
		})
	}
	// The complex scheme in Derivative points to DerivativeComplex.
	if _, err := Derivative(sq, 1, &Settings{Scheme: Complex}); err == nil || !strings.Contains(err.Error(), "DerivativeComplex") {
		t.Errorf("Derivative with Complex: %v", err)
	}
	// Settings that a scheme ignores are not errors.
	if _, err := Derivative(sq, 1, &Settings{Scheme: Richardson, Points: 3}); err != nil {
		t.Errorf("Richardson with Points 3: %v", err)
	}
	if _, err := DerivativeComplex(func(z complex128) complex128 { return z }, 1, &Settings{Scheme: Forward, Points: 99}); err != nil {
		t.Errorf("DerivativeComplex ignores Scheme and Points: %v", err)
	}
	// An empty gradient is no error.
	if g, err := Gradient(nil, func([]float64) float64 { return 1 }, nil, nil); err != nil || g == nil || len(g) != 0 {
		t.Errorf("empty gradient: %v, %v", g, err)
	}
	if r, err := CheckGradient(func([]float64) float64 { return 1 }, func(dst, x []float64) {}, nil, nil); err != nil || !r.OK || r.Index != -1 {
		t.Errorf("empty CheckGradient: %+v, %v", r, err)
	}
}
