package eval

import (
	"errors"
	"math"
	"testing"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
)

// TestComplexStep checks the complex-step derivative Im f(x+ih)/h of
// every analytic function of the table against its symbolic derivative,
// to the rounding of float64.
func TestComplexStep(t *testing.T) {
	tests := []struct {
		src string
		x   float64
	}{
		{"x^2", 2}, {"x^3 - 2x", -1.3}, {"1/x", 0.7}, {"x^-3", 1.9}, {"sqrt(x)", 2.5}, {"x^1.5", 0.8},
		{"sin(x)", 0.7}, {"cos(x)", 0.7}, {"tan(x)", 1.1}, {"asin(x)", 0.3}, {"acos(x)", -0.6},
		{"atan(x)", 2}, {"sinh(x)", 0.4}, {"cosh(x)", -1.2}, {"tanh(x)", 0.9}, {"exp(x)", 1},
		{"log(x)", 3}, {"sigmoid(x)", 0.5}, {"exp(sin(x)) x", 0.4}, {"2^x", 1.5}, {"x^x", 1.7},
		{"log(1 + x^2) / (1 + exp(-x))", -0.3}, {"pi x + e", 1},
		{"sec(x)", 0.7}, {"csc(x)", -1.2}, {"cot(x)", 2.1}, {"asec(x)", 1.7}, {"asec(x)", -2.5},
		{"acsc(x)", 1.3}, {"acot(x)", -0.4}, {"acot(x)", 3}, {"sech(x)", 0.6}, {"csch(x)", -0.9},
		{"coth(x)", 1.4}, {"asinh(x)", -2.2}, {"acosh(x)", 1.8}, {"atanh(x)", 0.35},
		{"atan2(2, x)", -0.7}, {"atan2(x, 0.5)", 1.3}, {"atan2(x, x^2)", 0.8}, {"log(x, 3)", 2.5},
		{"log(5, x)", 1.9}, {"log(x, x + 1)", 2}, {"log2(x)", 0.3}, {"log10(x)", 7}, {"cbrt(x)", 2.7},
		{"cbrt(x)", -0.4}, {"erf(x)", 0.6}, {"erf(x)", -2.1}, {"erfc(x)", 1.7}, {"gamma(x)", 3.3},
		{"gamma(x)", -1.4}, {"lgamma(x)", 6.2}, {"lgamma(x)", -2.7}, {"digamma(x)", 0.8},
		{"digamma(x)", -0.3}, {"trigamma(x)", 2.4}, {"polygamma(3, x)", 1.6}, {"sinc(x)", 1.1},
		{"softplus(x)", -3.5}, {"gelu(x)", 0.9}, {"gelu(x)", -1.6}, {"silu(x)", 1.3},
		{"log(1 + exp(x))", 2}, {"gamma(sinh(x)) erf(x/2)", 1.2},
	}
	const h = 1e-20
	for _, tt := range tests {
		f := mustParse(t, tt.src, nil)
		df, err := diff.Diff(f, expr.NewSym("x", expr.Scalar), nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Compile(df).At(map[string]float64{"x": tt.x})
		if err != nil {
			t.Fatal(err)
		}
		z, err := Complex(f, map[string]complex128{"x": complex(tt.x, h)})
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		value, _ := Compile(f).At(map[string]float64{"x": tt.x})
		if got := imag(z) / h; math.Abs(got-want) > 4e-16*math.Abs(want) || real(z) != value && math.Abs(real(z)-value) > 4e-16*math.Abs(value) {
			t.Errorf("%s at %v: complex step %v (value %v), want %v (value %v)", tt.src, tt.x, got, real(z), want, value)
		}
	}
}

// TestComplexErrors checks what complex arithmetic refuses.
func TestComplexErrors(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"abs(x)", "abs is not analytic, in abs(x): complex arithmetic does not apply"},
		{"sign(x) x", "sign is not analytic, in sign(x): complex arithmetic does not apply"},
		{"log(x - 3)", "log of a non-positive number in log(x - 3)"},
		{"y x", "no value for y"},
	}
	for _, tt := range tests {
		_, err := Complex(mustParse(t, tt.src, nil), map[string]complex128{"x": complex(1, 1e-20)})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.src, err, tt.want)
		}
	}
	var na *NotAnalyticError
	if _, err := Complex(mustParse(t, "abs(x)", nil), map[string]complex128{"x": 1}); !errors.As(err, &na) {
		t.Errorf("abs: %T, want a NotAnalyticError", err)
	}
}
