package expr

import (
	"math"
	"testing"
)

// TestLogSubnormal checks Log, Log10 and Lgamma on subnormal numbers,
// where math.Log on amd64 is wrong, against log x = log₂ x · log 2 from
// math.Log2, which splits x exactly with Frexp.
func TestLogSubnormal(t *testing.T) {
	tests := []struct {
		x                 float64
		log, log10, lgamm float64 // the reference values, from Python's math
	}{
		{1e-310, -713.8013788281542, -310, 713.8013788281542},
		{1e-308, -709.1962086421661, -308, 709.1962086421661},
		{1e-320, -736.8272408909739, -320.000004834948, 736.8272408909739}, // 1e-320 is 9.99998886718268e-321,
		{5e-324, -744.4400719213812, -323.3062153431158, 744.4400719213812},
		{0x1p-1022, -708.3964185322641, -307.6526555685888, 708.3964185322641}, // the smallest normal number
		{0.5, -math.Ln2, -math.Log10(2), 0.5723649429247004},
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 4e-16*math.Abs(want) }
	for _, tt := range tests {
		if got := Log(tt.x); !near(got, tt.log) || !near(got, math.Log2(tt.x)*math.Ln2) {
			t.Errorf("Log(%g) = %v, want %v", tt.x, got, tt.log)
		}
		if got := Log10(tt.x); !near(got, tt.log10) {
			t.Errorf("Log10(%g) = %v, want %v", tt.x, got, tt.log10)
		}
		if got := Lgamma(tt.x); math.Abs(got-tt.lgamm) > 1e-15*tt.lgamm { // math.Lgamma(0.5) is 3 ulp off
			t.Errorf("Lgamma(%g) = %v, want %v", tt.x, got, tt.lgamm)
		}
		if tt.x < minNormal {
			if got := Lgamma(-tt.x); !near(got, tt.lgamm) { // lgamma(−x) ≈ −log x as well
				t.Errorf("Lgamma(%g) = %v, want %v", -tt.x, got, tt.lgamm)
			}
		}
	}
	for _, x := range []float64{0, -1e-310, math.Inf(1), math.NaN()} {
		if got, want := Log(x), math.Log(x); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("Log(%g) = %v, want %v as math.Log", x, got, want)
		}
	}
}
