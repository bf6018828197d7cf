package expr_test

import (
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// TestExactValues checks the values the constructors give at special
// points: the trigonometric functions at multiples of π/6 and π/4, their
// inverses there, log of powers of e, roots of whole numbers with their
// powers pulled out, and float exponents with whole values.
func TestExactValues(t *testing.T) {
	tests := []struct{ src, want string }{
		{"sin(pi/6)", "1/2"},
		{"sin(pi/2)", "1"},
		{"sin(7pi/6)", "-1/2"},
		{"sin(pi/4)", "sqrt(2)/2"},
		{"sin(-pi/3)", "-sqrt(3)/2"},
		{"sin(2pi)", "0"},
		{"cos(pi)", "-1"},
		{"cos(pi/3)", "1/2"},
		{"cos(3pi/4)", "-sqrt(2)/2"},
		{"cos(pi/2)", "0"},
		{"tan(pi/4)", "1"},
		{"tan(pi/3)", "sqrt(3)"},
		{"tan(pi/6)", "1/sqrt(3)"},
		{"tan(pi/2)", "1/0"}, // a pole: no value, as 1/0 (tan of the float nearest π/2 is 1.6e16)
		{"cot(pi)", "1/0"},
		{"csc(2pi)", "1/0"},
		{"sec(pi/3)", "2"},
		{"csc(pi/6)", "2"},
		{"cot(pi/4)", "1"},
		{"sin(pi/12)", "sin(pi/12)"},
		{"sin(0.5pi)", "sin(0.5pi)"}, // not exact
		{"asin(1/2)", "pi/6"},
		{"asin(-1)", "-pi/2"},
		{"asin(sqrt(2)/2)", "pi/4"},
		{"asin(1/sqrt(2))", "pi/4"},
		{"asin(1/3)", "asin(1/3)"},
		{"acos(0)", "pi/2"},
		{"acos(-1/2)", "2pi/3"},
		{"acos(-1)", "pi"},
		{"atan(1)", "pi/4"},
		{"atan(-sqrt(3))", "-pi/3"},
		{"atan(1/sqrt(3))", "pi/6"},
		{"acot(-1)", "3pi/4"},
		{"acot(0)", "pi/2"},
		{"asec(2)", "pi/3"},
		{"acsc(-2)", "-pi/6"},
		{"log(e)", "1"},
		{"log(e^3)", "3"},
		{"log(sqrt(e))", "1/2"},
		{"log(2)", "log(2)"},
		{"sqrt(8)", "2sqrt(2)"},
		{"sqrt(12)/sqrt(3)", "2"},
		{"sqrt(1/4)", "1/2"},
		{"sqrt(8/9)", "2sqrt(2)/3"},
		{"2^(3/2)", "2sqrt(2)"},
		{"8^(-1/2)", "1/(2sqrt(2))"},
		{"24^(1/3)", "2*3^(1/3)"},
		{"sqrt(2)", "sqrt(2)"},
		{"cbrt(16)", "2cbrt(2)"},
		{"cbrt(-2)", "-cbrt(2)"},
		{"cbrt(27/8)", "3/2"},
		{"u^1.0/u", "1"},
		{"u^2.5/u^0.5", "u^2"},
		{"u^0.5 u^(1/2)", "u"},
		{"u^1.5/u", "u^0.5"},
		{"2^2.0", "4.0"},
	}
	for _, tt := range tests {
		n, err := parse.Parse(tt.src, nil)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		if got := format.Text(n); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.src, got, tt.want)
		}
	}
}

// TestExactValuesBuilt checks that the constructors give the values
// whatever builds the node: sin(π/6) from Call.
func TestExactValuesBuilt(t *testing.T) {
	sixth := expr.Mul(expr.NewConst(expr.Rat(1, 6)), expr.NewConstant(expr.Pi))
	if got := expr.Call(expr.OpSin, sixth); !got.IsConst() || got.Num().Cmp(expr.Rat(1, 2)) != 0 {
		t.Errorf("sin(π/6) = %s, want 1/2", format.Text(got))
	}
	if got := expr.Call(expr.OpLog, expr.NewConstant(expr.E)); !got.IsNum(1) {
		t.Errorf("log(e) = %s, want 1", format.Text(got))
	}
}
