package fd

import (
	"math"
	"strings"
	"testing"
)

// TestSeedAccuracy checks every scheme on the seed functions: the
// accuracy required of it, and that Err bounds the actual error.
func TestSeedAccuracy(t *testing.T) {
	tests := []struct {
		name   string
		s      *Settings
		second bool
		tol    float64 // relative
		// loose skips the check that Err bounds the error. The
		// estimate of the truncation error, the difference from the next
		// stencil, neglects that stencil's own error, which for
		// high-order one-sided stencils at their automatic step is not
		// always negligible: forward 8 on exp(sin x)·x at 0.4 is off by
		// 2.02e-11 with Err = 1.99e-11.
		loose bool
	}{
		{name: "central (default)", s: nil, tol: 1e-9},
		{name: "richardson", s: &Settings{Scheme: Richardson}, tol: 1e-11},
		{name: "complex", s: &Settings{Scheme: Complex}, tol: 1e-14},
		{name: "central 4", s: &Settings{Points: 4}, tol: 1e-11},
		{name: "central 6", s: &Settings{Points: 6}, tol: 1e-11},
		{name: "central 8", s: &Settings{Points: 8}, tol: 1e-11},
		{name: "forward", s: &Settings{Scheme: Forward}, tol: 1e-7},
		{name: "forward 3", s: &Settings{Scheme: Forward, Points: 3}, tol: 1e-9},
		{name: "forward 6", s: &Settings{Scheme: Forward, Points: 6}, tol: 1e-10},
		{name: "forward 8", s: &Settings{Scheme: Forward, Points: 8}, tol: 1e-10, loose: true},
		{name: "backward", s: &Settings{Scheme: Backward}, tol: 1e-7},
		{name: "backward 5", s: &Settings{Scheme: Backward, Points: 5}, tol: 1e-10},
		{name: "second central", second: true, s: nil, tol: 1e-6},
		{name: "second central 4", second: true, s: &Settings{Points: 4}, tol: 1e-8},
		{name: "second forward 3", second: true, s: &Settings{Scheme: Forward, Points: 3}, tol: 1e-5},
		{name: "second richardson", second: true, s: &Settings{Scheme: Richardson}, tol: 1e-10},
	}
	for _, tt := range tests {
		for _, sd := range seeds {
			var (
				e    Estimate
				err  error
				want float64
			)
			switch {
			case tt.second:
				e, err = SecondDerivative(sd.f, sd.x, tt.s)
				want = sd.d2(sd.x)
			case tt.s != nil && tt.s.Scheme == Complex:
				e, err = DerivativeComplex(sd.fc, sd.x, tt.s)
				want = sd.d1(sd.x)
			default:
				e, err = Derivative(sd.f, sd.x, tt.s)
				want = sd.d1(sd.x)
			}
			if err != nil {
				t.Errorf("%s, %s: %v", tt.name, sd.name, err)
				continue
			}
			if r := relErr(e.Value, want); r > tt.tol {
				t.Errorf("%s, %s at %v: %v, want %v (relative error %.2g > %.2g)", tt.name, sd.name, sd.x, e.Value, want, r, tt.tol)
			}
			if d := math.Abs(e.Value - want); d > e.Err && !tt.loose {
				t.Errorf("%s, %s at %v: error %.3g exceeds Err = %.3g", tt.name, sd.name, sd.x, d, e.Err)
			}
			if e.Err > 1e3*tt.tol*math.Abs(want) {
				t.Errorf("%s, %s: Err = %.3g is far from the accuracy achieved", tt.name, sd.name, e.Err)
			}
		}
	}
}

// TestExactValues checks results that are exact in floating point.
func TestExactValues(t *testing.T) {
	sq := func(x float64) float64 { return x * x }
	cube := func(x float64) float64 { return x * x * x }
	tests := []struct {
		name   string
		f      func(float64) float64
		x      float64
		s      *Settings
		second bool
		want   float64
	}{
		// (2.5² - 2²) / 0.5 = 4.5
		{name: "forward step 0.5", f: sq, x: 2, s: &Settings{Scheme: Forward, Step: 0.5}, want: 4.5},
		// (2² - 1.5²) / 0.5 = 3.5
		{name: "backward step 0.5", f: sq, x: 2, s: &Settings{Scheme: Backward, Step: 0.5}, want: 3.5},
		// Central differences are exact on quadratics with a power-of-two step.
		{name: "central quadratic", f: sq, x: 2, want: 4},
		// The three-point forward stencil is exact on quadratics.
		{name: "forward 3 quadratic", f: sq, x: 2, s: &Settings{Scheme: Forward, Points: 3, Step: 0.25}, want: 4},
		// (x+h)³ - (x-h)³ = 6x²h + 2h³: at x = 1, h = 0.5: (6·0.5 + 0.25)/1 = 3.25
		{name: "central cubic step 0.5", f: cube, x: 1, s: &Settings{Step: 0.5}, want: 3.25},
		// The four-point central stencil is exact on cubics.
		{name: "central 4 cubic", f: cube, x: 1, s: &Settings{Points: 4, Step: 0.5}, want: 3},
		{name: "second central quadratic", f: sq, x: 5, second: true, want: 2},
		{name: "second central cubic", f: cube, x: 1, second: true, s: &Settings{Step: 0.5}, want: 6},
	}
	for _, tt := range tests {
		var e Estimate
		var err error
		if tt.second {
			e, err = SecondDerivative(tt.f, tt.x, tt.s)
		} else {
			e, err = Derivative(tt.f, tt.x, tt.s)
		}
		if err != nil || e.Value != tt.want {
			t.Errorf("%s: %v, %v; want %v", tt.name, e.Value, err, tt.want)
		}
	}
	// Im (2+ih)² / h = 4 exactly.
	if e, err := DerivativeComplex(func(z complex128) complex128 { return z * z }, 2, nil); err != nil || e.Value != 4 {
		t.Errorf("complex step of z² at 2: %v, %v; want 4", e.Value, err)
	}
}

func TestSchemeNames(t *testing.T) {
	for _, s := range []Scheme{Central, Forward, Backward, Richardson, Complex} {
		got, err := ParseScheme(s.String())
		if err != nil || got != s {
			t.Errorf("ParseScheme(%q) = %v, %v", s.String(), got, err)
		}
	}
	want := []string{"central", "forward", "backward", "richardson", "complex"}
	for i, w := range want {
		if got := Scheme(i).String(); got != w {
			t.Errorf("Scheme(%d).String() = %q, want %q", i, got, w)
		}
	}
	if got, err := ParseScheme(" Richardson "); err != nil || got != Richardson {
		t.Errorf("ParseScheme(\" Richardson \") = %v, %v", got, err)
	}
	if got := Scheme(9).String(); got != "Scheme(9)" {
		t.Errorf("Scheme(9).String() = %q", got)
	}
	_, err := ParseScheme("ridders")
	if err == nil || !strings.Contains(err.Error(), "central, forward, backward, richardson, complex") {
		t.Errorf("ParseScheme(\"ridders\") error = %v, want one listing the schemes", err)
	}
}

// TestStepScaling checks the automatic steps: scaled to the point and
// rounded to a power of two.
func TestStepScaling(t *testing.T) {
	tests := []struct {
		x            float64
		order, deriv int
		want         float64
	}{
		{0, 1, 1, 0x1p-26},   // √ε
		{0.5, 2, 1, 0x1p-17}, // ε^(1/3) ≈ 6.06e-6 → 7.6e-6
		{1e6, 2, 1, 8},       // 6.06 → 8
		{-3, 2, 2, 0x1p-11},  // 3·ε^(1/4) ≈ 3.6e-4 → 4.9e-4
	}
	for _, tt := range tests {
		if got := autoStep(tt.x, tt.order, tt.deriv); got != tt.want {
			t.Errorf("autoStep(%v, %d, %d) = %v, want %v", tt.x, tt.order, tt.deriv, got, tt.want)
		}
	}
	// Estimate.Step reports the step used.
	sq := func(x float64) float64 { return x * x }
	sqc := func(z complex128) complex128 { return z * z }
	stepTests := []struct {
		name string
		est  func() (Estimate, error)
		want float64
	}{
		{"central at 2", func() (Estimate, error) { return Derivative(sq, 2, nil) }, 0x1p-16},
		{"forward at 0", func() (Estimate, error) { return Derivative(sq, 0, &Settings{Scheme: Forward}) }, 0x1p-26},
		{"given step", func() (Estimate, error) { return Derivative(sq, 2, &Settings{Step: 0.3}) }, 0.3},
		{"second central at -3", func() (Estimate, error) { return SecondDerivative(sq, -3, nil) }, 0x1p-11},
		{"richardson at 5", func() (Estimate, error) { return Derivative(sq, 5, &Settings{Scheme: Richardson}) }, 0.5},
		{"richardson given", func() (Estimate, error) { return SecondDerivative(sq, 5, &Settings{Scheme: Richardson, Step: 2}) }, 2},
		{"complex at -4", func() (Estimate, error) { return DerivativeComplex(sqc, -4, nil) }, 4e-20},
	}
	for _, tt := range stepTests {
		if e, err := tt.est(); err != nil || e.Step != tt.want {
			t.Errorf("%s: Step = %v, %v; want %v", tt.name, e.Step, err, tt.want)
		}
	}

	// A well-scaled estimate at a large point.
	e, err := Derivative(math.Log, 1e6, nil)
	if err != nil || relErr(e.Value, 1e-6) > 1e-9 || math.Abs(e.Value-1e-6) > e.Err {
		t.Errorf("log'(1e6) = %v ± %v, %v; want 1e-6", e.Value, e.Err, err)
	}
}
