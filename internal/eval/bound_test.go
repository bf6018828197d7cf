package eval

import (
	"math"
	"testing"

	"github.com/nabla-math/nabla/internal/parse"
)

// TestBound checks the error bound of Bound against the true error of
// the float64 value, known here in closed form: the bound must cover the
// error, and be small where nothing cancels and large where everything
// does.
func TestBound(t *testing.T) {
	tests := []struct {
		src   string
		x     float64
		exact float64 // the value in exact arithmetic
		// the bound, relative to |exact|, must lie in [lo, hi]
		lo, hi float64
	}{
		{"x^2 + 1", 3, 10, 0, 1e-15},
		{"sin(x) + cos(x)", 0.5, math.Sin(0.5) + math.Cos(0.5), 0, 1e-14},
		{"exp(x) / (1 + x^2)", 2, math.Exp(2) / 5, 0, 1e-14},
		{"1/3 + x", 1, 4.0 / 3, 0, 1e-15},
		// (x - 1)^2 expanded, at 1 + 2^-26: 2^-52 from terms near 1, and
		// exactly so, as x^2 = 1 + 2^-25 + 2^-52 is a float64 and no
		// operation rounds: the bound is the actual rounding, 0.
		{"x^2 - 2x + 1", 1 + 0x1p-26, 0x1p-52, 0, 0},
		// At 1 + 3·2^-27, 9·2^-54 from terms near 1, and x^2 rounds.
		{"x^2 - 2x + 1", 1 + 3*0x1p-27, 9 * 0x1p-54, 0.1, math.Inf(1)},
		// 1 + x loses x, entirely below 2^-53: log(1 + x) has no digit.
		{"log(1 + x)", 1e-16, 1e-16, 1, math.Inf(1)},
		{"log(1 + x)", 1e-17, 1e-17, 1, math.Inf(1)},
		{"log(1 + x)", 1e-15, math.Log1p(1e-15), 0.1, math.Inf(1)},
		// Sums and products that rounding leaves exact add nothing.
		{"x - 1", 1, 0, 0, 0},
		{"2x - 2", 1, 0, 0, 0},
		// sinc''''(x) = ((x^4 - 12x^2 + 24) sin(x) + (4x^3 - 24x) cos(x))/x^5 near 0: 1/5.
		{"((x^4 - 12x^2 + 24) sin(x) + (4x^3 - 24x) cos(x))/x^5", 1e-4, 0.2, 1, math.Inf(1)},
		// sign(x) is exact: the exponent of (-2)^sign(x) has no error,
		// and the power has a value and a small bound.
		{"(-2)^sign(x)", 1, -2, 0, 1e-15},
		// The operand of sin off by far more than 2π: the bound is the
		// whole range, not what two samples of sin(u ± d) happen to show.
		// (sin(1e20 x) at x = 1.142: 1e20 x rounds by ~1e4; the exact
		// value of the sine of the exact product, by mpmath at 60 digits.)
		{"sin(1e20 x)", 1.142, 0.7716281678251628, 1, math.Inf(1)},
	}
	for _, tt := range tests {
		n, err := parse.Parse(tt.src, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := Compile(n)
		v, b, err := p.Bound([]float64{tt.x})
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if got := math.Abs(v - tt.exact); got > b {
			t.Errorf("%s at %v: value %v, error %.3g above the bound %.3g", tt.src, tt.x, v, got, b)
		}
		if tt.exact == 0 && b != 0 {
			t.Errorf("%s at %v: bound %.3g of an exact 0, want 0", tt.src, tt.x, b)
		}
		if rel := b / math.Abs(tt.exact); tt.exact != 0 && (rel < tt.lo || rel > tt.hi) {
			t.Errorf("%s at %v: relative bound %.3g, want in [%g, %g]", tt.src, tt.x, rel, tt.lo, tt.hi)
		}
	}
	// Underflow: exp(-800) is 0 in float64 and ~1e-348 exactly; the
	// bound carries what it lost, and a factor 1e304 carries it on.
	for _, tt := range []struct {
		src      string
		x, bound float64
	}{
		{"exp(-x)", 800, 0x1p-1022},
		{"exp(x) (1 + exp(x))^-2", 700, 1e-4},
	} {
		n, err := parse.Parse(tt.src, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, b, err := Compile(n).Bound([]float64{tt.x})
		if err != nil || v != 0 || b < tt.bound {
			t.Errorf("%s at %v: %v ± %v, %v; want 0 ± at least %v", tt.src, tt.x, v, b, err, tt.bound)
		}
	}

	// A value that is not a scalar has no bound.
	m, _ := parse.Parse("[x, 2x]", nil)
	if _, _, err := Compile(m).Bound([]float64{1}); err == nil {
		t.Error("Bound of a vector: no error")
	}
}
