package fd

import (
	"errors"
	"math"
	"testing"
)

// TestRichardsonScale checks Richardson extrapolation with the automatic
// step on functions that vary on a scale much smaller than the default
// initial step 0.1·max(|x|, 1), or that have no value within it: the
// estimate must be accurate, its error estimate must cover its actual
// error, and the step must shrink to the given one.
func TestRichardsonScale(t *testing.T) {
	cases := []struct {
		name  string
		f     func(float64) float64
		x     float64
		exact float64
		step  float64 // the initial step of the answer
	}{
		{"1/x near its pole", func(x float64) float64 { return 1 / x }, 0.01, -1e4, 0.001},
		{"1/x nearer its pole", func(x float64) float64 { return 1 / x }, 1e-5, -1e10, 1e-6},
		{"tan near pi/2", math.Tan, 1.5, 1 / (math.Cos(1.5) * math.Cos(1.5)), 0.015},
		{"sin(1000x)", func(x float64) float64 { return math.Sin(1000 * x) }, 1, 1000 * math.Cos(1000), 1e-5},
		{"sin far from 0", math.Sin, 1e8, math.Cos(1e8), 0.1},
		{"log near 0", math.Log, 0.01, 100, 0.001},
		{"sqrt near 0", math.Sqrt, 1e-4, 50, 1e-5},
		{"x^-5 whose step lands on 0", func(x float64) float64 { return math.Pow(x, -5) }, 0.1, -5e6, 0.01},
		// A function that the default step suits keeps it.
		{"exp", math.Exp, 1, math.E, 0.1},
		{"sin at 1000", math.Sin, 1000, math.Cos(1000), 1},
	}
	for _, c := range cases {
		for _, conc := range []bool{false, true} {
			e, err := Derivative(c.f, c.x, &Settings{Scheme: Richardson, Concurrent: conc})
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			actual := math.Abs(e.Value - c.exact)
			if actual > e.Err {
				t.Errorf("%s: estimate %v of %v has error %.3g beyond its estimate %.3g", c.name, e.Value, c.exact, actual, e.Err)
			}
			if e.Err > 1e-8*math.Abs(c.exact) {
				t.Errorf("%s: error estimate %.3g of %v is not within 1e-8 relative", c.name, e.Err, e.Value)
			}
			if math.Abs(e.Step-c.step) > 1e-12*c.step {
				t.Errorf("%s: initial step %v, want %v", c.name, e.Step, c.step)
			}
		}
	}
}

// TestRichardsonInconsistent checks that a function with no consistent
// derivative at any step, rounding noise of unit size, gives
// ErrInconsistent rather than an estimate.
func TestRichardsonInconsistent(t *testing.T) {
	noise := func(x float64) float64 {
		b := math.Float64bits(x) * 0x9E3779B97F4A7C15
		return float64(b>>11) / (1 << 53)
	}
	if e, err := Derivative(noise, 1, &Settings{Scheme: Richardson}); !errors.Is(err, ErrInconsistent) {
		t.Errorf("Derivative of noise = %v, %v; want ErrInconsistent", e, err)
	}
	g := make([]float64, 2)
	f := func(x []float64) float64 { return x[0] + noise(x[1]) }
	if err := GradientErr(g, make([]float64, 2), f, []float64{1, 1}, &Settings{Scheme: Richardson}); !errors.Is(err, ErrInconsistent) {
		t.Errorf("Gradient with a noisy coordinate: %v; want ErrInconsistent", err)
	}
	// A function with no value anywhere near x keeps its own error.
	var nf *NonFiniteError
	if _, err := Derivative(func(float64) float64 { return math.NaN() }, 1, &Settings{Scheme: Richardson}); !errors.As(err, &nf) {
		t.Errorf("Derivative of NaN: %v; want a *NonFiniteError", err)
	}
}
