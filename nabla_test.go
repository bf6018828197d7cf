package nabla

import (
	"errors"
	"maps"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name, in, wrt string
		order         int
		want          string
	}{
		// The lecture notes' univariate examples.
		{"square", "x^2", "x", 1, "2x"},
		{"sixth power", "x^6", "x", 1, "6x^5"},
		{"polynomial", "x^5 - x^2 + x", "x", 1, "5x^4 - 2x + 1"},
		{"quadratic", "x^2 - 4x + 3", "x", 1, "2x - 4"},
		{"symbolic exponent", "x^n", "x", 1, "n x^(n - 1)"},
		{"chain rule", "sin(2x+1)", "x", 1, "2cos(2x + 1)"},
		{"nested chain rule", "(sin(x^4))^5", "x", 1, "20x^3 sin(x^4)^4 cos(x^4)"},
		{"product rule", "x^3 sin(x)", "x", 1, "x^3 cos(x) + 3x^2 sin(x)"},
		{"power of a polynomial", "(x^2+5x+6)^10", "x", 1, "10(2x + 5) (x^2 + 5x + 6)^9"},
		{"exp", "exp(x)", "x", 1, "exp(x)"},
		{"quotient rule", "(x^2+1)/(x-1)", "x", 1, "(x^2 - 2x - 1)/(x - 1)^2"},
		{"x to the x", "x^x", "x", 1, "x^x (log(x) + 1)"},
		{"partial x", "(x + 2y^3)^2", "x", 1, "2(x + 2y^3)"},
		{"partial y", "(x + 2y^3)^2", "y", 1, "12y^2 (x + 2y^3)"},
		{"partial x1", "x1^2 x2 + x1 x2^3", "x1", 1, "2x1 x2 + x2^3"},
		{"partial x2", "x1^2 x2 + x1 x2^3", "x2", 1, "x1^2 + 3x1 x2^2"},
		{"second derivative", "x^5 - x^2 + x", "x", 2, "20x^3 - 2"},
		{"third derivative", "exp(sin(x))", "x", 3, "cos(x) exp(sin(x)) (cos(x)^2 - 3sin(x) - 1)"},
		{"zeroth derivative", "x^2 + 1", "x", 0, "x^2 + 1"},
		{"definitions that use one another", "u + v where u = v^2, v = sin(t)", "t", 1, "2sin(t) cos(t) + cos(t)"},
		{"terms that cancel", "y log(sigmoid(w x)) + (1 - y) log(1 - sigmoid(w x))", "w", 1, "x (y - sigmoid(w x))"},
		// Higher derivatives of quotients, over a common denominator.
		{"second of a quotient", "(x^2+1)/(x-1)", "x", 2, "4/(x - 1)^3"},
		{"third of a quotient", "(x^2+1)/(x-1)", "x", 3, "-12/(x - 1)^4"},
		{"second of x/(x+1)", "x/(x+1)", "x", 2, "-2/(x + 1)^3"},
		{"second of 1/(1+x^2)", "1/(1+x^2)", "x", 2, "2(3x^2 - 1)/(x^2 + 1)^3"},
		{"second of a square root", "sqrt(1+x^2)", "x", 2, "1/(x^2 + 1)^(3/2)"},
		{"second of sigmoid", "sigmoid(x)", "x", 2, "sigmoid(x) (2sigmoid(x)^2 - 3sigmoid(x) + 1)"},
		{"twelfth of atan", "atan(x)", "x", 12, "159667200x (-3x^10 + 55x^8 - 198x^6 + 198x^4 - 55x^2 + 3)/(x^2 + 1)^12"},
		{"artanh over one denominator", "1/2 log((1+x)/(1-x))", "x", 1, "1/(1 - x^2)"},
		{"quotients over their common denominator", "x/(x+1) + 1/(x-1)", "x", 1, "-4x/(x^2 - 1)^2"},
		{"a common factor of sin² + cos²", "x' x where x = [t cos(t), t sin(t)]", "t", 1, "2t"},
		{"float exponents combine", "x^2.5/x^0.5", "x", 1, "2x"},
		{"exact values at special points", "x sin(pi/6) + atan(1) x^2 + x log(e^3)", "x", 1, "pi x/2 + 7/2"},
		{"roots of whole numbers", "sqrt(8) x^2 + cbrt(16) x", "x", 1, "4sqrt(2) x + 2cbrt(2)"},
		// A polynomial's derivatives of any order, 0 past its degree.
		{"past the degree", "x^5 + 3x^2", "x", 100_000_000, "0"},
		{"past the degree, largest order", "(x + 1)^3 y", "x", math.MaxInt, "0"},
		{"polynomial of high degree", "x^300 + y x^3", "x", 298, "300!/2x^2"},
		{"constant", "y^2", "x", 1, "0"},
		// Every function of the language.
		{"reciprocal", "1/x", "x", 1, "-1/x^2"},
		{"sqrt", "sqrt(x)", "x", 1, "1/(2sqrt(x))"},
		{"tan", "tan(x)", "x", 1, "1/cos(x)^2"},
		{"asin", "asin(x)", "x", 1, "1/sqrt(1 - x^2)"},
		{"acos", "acos(x)", "x", 1, "-1/sqrt(1 - x^2)"},
		{"atan", "atan(x)", "x", 1, "1/(x^2 + 1)"},
		{"sinh", "sinh(x)", "x", 1, "cosh(x)"},
		{"cosh", "cosh(x)", "x", 1, "sinh(x)"},
		{"tanh", "tanh(x)", "x", 1, "1 - tanh(x)^2"},
		{"log", "log(x)", "x", 1, "1/x"},
		{"ln", "ln(2x)", "x", 1, "1/x"},
		{"abs", "abs(x)", "x", 1, "sign(x)"},
		{"sigmoid", "sigmoid(x)", "x", 1, "sigmoid(x) (1 - sigmoid(x))"},
		{"exponential", "2^x", "x", 1, "2^x log(2)"},
		{"e to the x", "e^(2x)", "x", 1, "2exp(2x)"},
		{"pi", "pi x^2", "x", 1, "2pi x"},
		{"exact fraction", "1/3 x^3", "x", 1, "x^2"},
		{"implicit fraction", "2/3x", "x", 1, "2/3"},
		{"root of a sum", "sqrt(x^2+1)", "x", 1, "x/sqrt(x^2 + 1)"},
		{"rational power", "1/sqrt(x)", "x", 1, "-1/(2x^(3/2))"},
		{"gaussian", "exp(-x^2/2)", "x", 1, "-x exp(-x^2/2)"},
		{"softplus", "log(1 + exp(x))", "x", 1, "sigmoid(x)"},
		{"float exponent", "x^0.5", "x", 1, "0.5/x^0.5"},
		{"greek", "θ^2", "θ", 1, "2θ"},
		{"subscript", "x_1^3", "x_1", 1, "3x_1^2"},
		{"difference of squares", "(x+1)(x-1)", "x", 1, "2x"},
		{"fifteenth derivative size", "exp(sin(x))", "x", 0, "exp(sin(x))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Diff(e, tt.wrt, tt.order)
			if err = present(err); err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(tt.want, "300!/2", bigFactorial(300).Quo(bigFactorial(300), big.NewInt(2)).String())
			if got := d.String(); got != want {
				t.Errorf("d^%d/d%s^%d %s = %q, want %q", tt.order, tt.wrt, tt.order, tt.in, got, want)
			}
		})
	}
}

// bigFactorial returns n!.
func bigFactorial(n int64) *big.Int { return new(big.Int).MulRange(1, n) }

func TestDiffErrors(t *testing.T) {
	e := MustParse("x^2 sin(x)")
	tests := []struct {
		name, wrt string
		order     int
		want      string
	}{
		{"function name", "sin", 1, `cannot differentiate with respect to "sin": not a variable name`},
		{"number", "2", 1, `cannot differentiate with respect to "2": not a variable name`},
		{"constant", "pi", 1, `cannot differentiate with respect to "pi": not a variable name`},
		{"empty", "", 1, `cannot differentiate with respect to "": not a variable name`},
		{"negative order", "x", -1, "order -1 out of range 0…100"},
		{"huge order", "x", 101, "order 101 out of range 0…100"},
	}
	var oe *OrderError
	if _, err := Diff(e, "x", 101); !errors.As(err, &oe) || oe.Order != 101 {
		t.Errorf("Diff(%s, x, 101) error = %#v, want an *OrderError", e, err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Diff(e, tt.wrt, tt.order)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Diff(%s, %q, %d) error = %v, want %q", e, tt.wrt, tt.order, err, tt.want)
			}
		})
	}
}

// TestHigherOrderStaysSmall checks the 15th derivative of exp(sin(x)) is no
// larger than SymPy's (200 operations by its count_ops).
func TestHigherOrderStaysSmall(t *testing.T) {
	d, err := Diff(MustParse("exp(sin(x))"), "x", 15)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Size(); got > 200 {
		t.Errorf("15th derivative has %d operations, want at most 200", got)
	}
	// Check the value against the Taylor coefficient computed by finite
	// differences of the 14th derivative.
	d14, err := Diff(MustParse("exp(sin(x))"), "x", 14)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstFD(t, d14, d, "x", 0.3)
}

// TestNestedDerivativeIsLinear checks d/dx of sin nested 2000 deep has a
// graph of at most 3 nodes per level.
func TestNestedDerivativeIsLinear(t *testing.T) {
	for _, depth := range []int{200, 2000} {
		d, err := nestedSin(depth).Diff("x")
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Nodes(); got > 3*depth {
			t.Errorf("depth %d: derivative has %d nodes, want at most %d", depth, got, 3*depth)
		}
	}
}

func TestSimplify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"x*x", "x^2"},
		{"2x + 3x", "5x"},
		{"x - x", "0"},
		{"x^2 x^3", "x^5"},
		{"x^a x^b", "x^(a + b)"},
		{"(2x)^2", "4x^2"},
		{"(x^2)^3", "x^6"},
		{"0*x + 1*y + 0", "y"},
		{"1/3 + 1/6", "1/2"},
		{"2^10", "1024"},
		{"4^(1/2)", "2"},
		{"8^(2/3)", "4"},
		{"2^(1/2)", "sqrt(2)"},
		{"0.5 + 1/2", "1.0"},
		{"log(exp(x))", "x"},
		{"exp(log(x))", "x"},
		{"sin(-x)", "-sin(x)"},
		{"cos(-2x)", "cos(2x)"},
		{"abs(-x)", "abs(x)"},
		{"abs(x)^2", "x^2"},
		{"sqrt(x^2)", "abs(x)"},
		{"sin(x)^2 + cos(x)^2", "1"},
		{"3sin(y)^2 + 3cos(y)^2 + x", "x + 3"},
		{"cosh(x)^2 - sinh(x)^2", "1"},
		{"sin(x)/cos(x)", "tan(x)"},
		{"exp(x) exp(-x)", "1"},
		{"exp(x) exp(y)", "exp(x + y)"},
		{"e^x", "exp(x)"},
		{"sin(0) + cos(0) + log(1) + exp(0)", "2"},
		{"sigmoid(0)", "1/2"},
		{"sigmoid(-x)", "1 - sigmoid(x)"},
		{"x/x", "1"},
		{"0^0", "1"},
		{"0^x", "0^x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Simplify().String(); got != tt.want {
				t.Errorf("Simplify(%s) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want, caret string
	}{
		{"unfinished", "sin(2x+", "1:8: expected an expression after '+', found end of input", "  sin(2x+\n         ^"},
		{"double operator", "x^^2", "1:3: expected an expression after '^', found '^'", "  x^^2\n    ^"},
		{"closing first", ")(", "1:1: expected an expression, found ')'", "  )(\n  ^"},
		{"no argument", "sin()", "1:5: sin expects 1 argument, found none", "  sin()\n      ^"},
		{"two arguments", "exp(x, y)", "1:9: exp expects 1 argument, found 2", "  exp(x, y)\n          ^"},
		{"unknown function", "foo(x)", "1:1: unknown function foo; did you mean cos or cot or dot or log?", "  foo(x)\n  ^"},
		{"misspelt function", "sine(x)", "1:1: unknown function sine; did you mean sin or sinc or sinh?", "  sine(x)\n  ^"},
		{"no suggestion", "theta(x+1)", "1:1: unknown function theta (write theta*(…) for a product)", "  theta(x+1)\n  ^"},
		{"malformed number", "3..4", "1:1: malformed number '3..4'", "  3..4\n  ^"},
		{"empty", "", "1:1: empty expression", "  \n  ^"},
		{"blank", "   ", "1:4: empty expression", "     \n     ^"},
		{"function without parentheses", "sin x", "1:1: sin needs parentheses: sin(…)", "  sin x\n  ^"},
		{"unclosed", "(x+1", "1:5: expected ')' to close '(' at 1:1, found end of input", "  (x+1\n      ^"},
		{"trailing", "x)", "1:2: expected an operator or the end of the expression, found ')'", "  x)\n   ^"},
		{"number after factor", "x 2", "1:3: expected an operator before number 2 (write * for a product)", "  x 2\n    ^"},
		{"bad character", "x $ y", "1:3: unexpected character '$'", "  x $ y\n    ^"},
		{"lone dot", "x . y", "1:3: unexpected '.'", "  x . y\n    ^"},
		{"second line", "x +\n* y", "2:1: expected an expression after '+', found '*'", "  * y\n  ^"},
		{"where alone", "where", "1:1: expected an expression, found 'where'", "  where\n  ^"},
		{"huge number", "1e999", "1:1: number 1e999 out of range", "  1e999\n  ^"},
		{"unicode column", "θ + ^", "1:5: expected an expression after '+', found '^'", "  θ + ^\n      ^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error = %v, want a *Error", tt.in, err)
			}
			if got := pe.Error(); got != tt.want {
				t.Errorf("Parse(%q) error = %q, want %q", tt.in, got, tt.want)
			}
			if got := pe.Caret(); got != tt.caret {
				t.Errorf("Parse(%q) caret =\n%s\nwant\n%s", tt.in, got, tt.caret)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"deep parentheses", strings.Repeat("(", 10000) + "x" + strings.Repeat(")", 10000),
			"1:5001: expression nested too deeply (the limit is 5000 levels)"},
		{"deep unary minus", strings.Repeat("-", 10000) + "x",
			"1:5001: expression nested too deeply (the limit is 5000 levels)"},
		{"one megabyte", strings.Repeat("x+", 512*1024),
			"1:100001: input too long: 1048576 bytes (the limit is 100000)"},
		{"invalid UTF-8", "x + \xff", "1:5: invalid UTF-8 encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSyntax(t *testing.T) {
	// Pairs of spellings that must parse to the same expression.
	tests := []struct{ a, b string }{
		{"2x", "2*x"},
		{"x y", "x*y"},
		{"2(x+1)", "2*(x+1)"},
		{"(x+1)(x-1)", "(x+1)*(x-1)"},
		{"2 sin(x)", "2*sin(x)"},
		{"x**2", "x^2"},
		{"2^3^2", "2^9"},
		{"-x^2", "-(x^2)"},
		{"x^-1", "1/x"},
		{"2/3x", "(2/3)*x"},
		{"x/2y", "(x/2)*y"},
		{".5", "1/2*1.0"},
		{"1e-3", "0.001"},
		{"π", "pi"},
		{"ln(x)", "log(x)"},
		{"x'", "x"},
		{"xᵀ", "x"},
		{"x^T", "x"},
		{"x(x+1)", "x*(x+1)"},
		{"x1(x+1)", "x1*(x+1)"},
		{"x·y", "x*y"},
		{"x × y", "x*y"},
		{"x − y", "x - y"},
		{"xy", "xy"},
		{"e^x", "exp(x)"},
		{"+x", "x"},
		{"--x", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			a, err := Parse(tt.a)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Parse(tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if !a.Equal(b) {
				t.Errorf("%s parsed as %s, want %s", tt.a, a, b)
			}
		})
	}
	if got := MustParse("xy").Vars(); len(got) != 1 || got[0] != "xy" {
		t.Errorf("xy has variables %v, want [xy]", got)
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		in   string
		env  map[string]float64
		want float64
	}{
		{"x^2 + 1", map[string]float64{"x": 3}, 10},
		{"sin(pi/2)", nil, 1},
		{"log(e)", nil, 1},
		{"sqrt(x) + y", map[string]float64{"x": 4, "y": 0.5}, 2.5},
		{"sigmoid(0)", nil, 0.5},
		{"sigmoid(-800)", nil, 0},
		{"(-8)^(1/3)", nil, math.NaN()}, // see TestEvalErrors
		{"(-2)^3", nil, -8},
		{"abs(x)", map[string]float64{"x": -2}, 2},
		{"1/3", nil, 1.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if math.IsNaN(tt.want) {
				return
			}
			got, err := MustParse(tt.in).Eval(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > 1e-15*math.Max(1, math.Abs(tt.want)) {
				t.Errorf("%s = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		in   string
		env  map[string]float64
		want string
	}{
		{"log(x)", map[string]float64{"x": -1}, "log of a non-positive number in log(x)"},
		{"1/x", map[string]float64{"x": 0}, "division by zero in 1/x"},
		{"0^x", map[string]float64{"x": -1}, "division by zero in 0^x"},
		{"sqrt(x)", map[string]float64{"x": -4}, "negative number to a non-integer power in sqrt(x)"},
		{"asin(x)", map[string]float64{"x": 2}, "argument outside [-1, 1] in asin(x)"},
		{"exp(x)", map[string]float64{"x": 1000}, "overflow in exp(x)"},
		{"x + y", map[string]float64{"x": 1}, "no value for y"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := MustParse(tt.in).Eval(tt.env)
			if err == nil || err.Error() != tt.want {
				t.Errorf("%s: error = %v, want %q", tt.in, err, tt.want)
			}
		})
	}
	var de *DomainError
	if _, err := MustParse("log(0)").Eval(nil); !errors.As(err, &de) {
		t.Errorf("log(0): error %v is not a *DomainError", err)
	}
}

func TestDiffSteps(t *testing.T) {
	_, steps, err := DiffSteps(MustParse("x^3 sin(2x)"), "x")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, s.Rule+": "+s.Of.String()+" -> "+s.Result.String())
	}
	want := []string{
		"power rule: x^3 -> 3x^2",
		"constant multiple rule: 2x -> 2",
		"chain rule: sin(2x) -> 2cos(2x)",
		"product rule: x^3 sin(2x) -> 2x^3 cos(2x) + 3x^2 sin(2x)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBuilderMatchesParser(t *testing.T) {
	x, y := Var("x"), Var("y")
	tests := []struct {
		built Expr
		text  string
	}{
		{Add(Mul(Int(2), x), Int(1)), "2x + 1"},
		{Sub(Pow(x, Int(2)), Div(y, Int(3))), "x^2 - y/3"},
		{Mul(Sin(x), Cos(x), Exp(Neg(x))), "sin(x) cos(x) exp(-x)"},
		{Sqrt(Add(Pow(x, Int(2)), Rational(1, 4))), "sqrt(x^2 + 1/4)"},
		{Log(Mul(Pi(), E(), Float(0.5))), "log(0.5pi e)"},
		{Add(Tan(x), Asin(x), Acos(x), Atan(x), Sinh(x), Cosh(x), Tanh(x), Abs(x), Sigmoid(x)),
			"tan(x) + asin(x) + acos(x) + atan(x) + sinh(x) + cosh(x) + tanh(x) + abs(x) + sigmoid(x)"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if !tt.built.Equal(MustParse(tt.text)) {
				t.Errorf("built %s, want %s", tt.built, tt.text)
			}
		})
	}
}

// TestVarsNaturalOrder checks that the variables of an expression, and so
// the default variables of a derivation, come in natural order, x2 before
// x10, as the notes number them.
func TestVarsNaturalOrder(t *testing.T) {
	tests := []struct {
		src  string
		vars string
		grad string
	}{
		{"x1 + 2x2 + 3x3 + 4x4 + 5x5 + 6x6 + 7x7 + 8x8 + 9x9 + 10x10", "x1 x2 x3 x4 x5 x6 x7 x8 x9 x10", "[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]"},
		{"x10 + 2 x2 + 3 x1", "x1 x2 x10", "[[3, 2, 1]]"},
		{"x_10 + 2x_2 + 3x + 4b2 + 5b10 + 6b1 + 7a", "a b1 b2 b10 x x_2 x_10", "[[7, 6, 4, 5, 3, 2, 1]]"},
		{"θ10 θ2", "θ2 θ10", "[[θ10, θ2]]"},
	}
	for _, tt := range tests {
		f := MustParse(tt.src)
		if got := strings.Join(f.Vars(), " "); got != tt.vars {
			t.Errorf("Vars of %s = %s, want %s", tt.src, got, tt.vars)
		}
		d, err := DeriveSteps(f, nil)
		if err != nil {
			t.Errorf("DeriveSteps(%s): %v", tt.src, err)
			continue
		}
		if got := strings.Join(d.Wrt, " "); got != tt.vars {
			t.Errorf("DeriveSteps(%s) with respect to %s, want %s", tt.src, got, tt.vars)
		}
		if got := d.Result.String(); got != tt.grad {
			t.Errorf("DeriveSteps(%s) = %s, want %s", tt.src, got, tt.grad)
		}
	}
	ix, err := ParseIndexed("sum_i a10[i] + sum_i a2[i] b[i]", &ParseOptions{Vectors: []string{"a10", "a2", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(ix.Vars(), " "), "a2 a10 b"; got != want {
		t.Errorf("Indexed.Vars = %s, want %s", got, want)
	}
}

// TestMultiplesOfSums checks that a number times a sum joins the terms of
// the sum around it where their terms combine (3x - (x + 2) is 2x - 2), as
// a CAS distributes it, and keeps its factored form where nothing combines:
// a derivative 2(x + 1), a Taylor polynomial's (x - 4)/4.
func TestMultiplesOfSums(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a + b - (a + b)", "0"},
		{"-(a + b) + a + b", "0"},
		{"x - (x + y)", "-y"},
		{"3x - (x + 2)", "2x - 2"},
		{"x + 2(x + 1)", "3x + 2"},
		{"x y - (x y + x)", "-x"},
		{"800x^2 - 400(y - x^2)", "1200x^2 - 400y"},
		{"3x - (x + y) + 2(y + z)", "2x + y + 2z"},
		{"2(x + 1) - 2(x + 1)", "0"},
		{"(a + b)/2 + c + (a + b)/2", "a + b + c"},
		{"f'(x) g(x) + f(x) g'(x) - (f'(x) g(x) + f(x) g'(x))", "0"},
		// Nothing to combine: the factored form stays.
		{"2(x + 1)", "2(x + 1)"},
		{"y + 2(x + 1)", "y + 2(x + 1)"},
		{"2 + (x - 4)/4 - (x - 4)^2/64", "(x - 4)/4 - (x - 4)^2/64 + 2"},
		{"2(x - 1/2) + 1", "2(x - 1/2) + 1"},
		{"x^2 - (x + 1)^2", "x^2 - (x + 1)^2"},
	}
	opts := &ParseOptions{Functions: []string{"f", "g"}}
	for _, tt := range tests {
		e, err := ParseWith(tt.in, opts)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := e.Simplify().String(); got != tt.want {
			t.Errorf("Simplify(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
	derivatives := []struct{ in, wrt, want string }{
		{"x y - (x y + x)", "x", "-1"},
		{"x1^2 x2 - (x1^2 x2 + x1 x2^3)", "x1", "-x2^3"},
		{"x^3 - (x^3 + x^2 + sin(x))", "x", "-2x - cos(x)"},
		{"(x + 1)^2", "x", "2(x + 1)"},
		{"x^2 - 4(x^2 + x)", "x", "-6x - 4"},
	}
	at := map[string]float64{"x": 0.7, "y": -1.3, "x1": 1.1, "x2": 0.4}
	for _, tt := range derivatives {
		f := MustParse(tt.in)
		d, err := Diff(f, tt.wrt, 1)
		if err != nil {
			t.Fatalf("d/d%s %s: %v", tt.wrt, tt.in, err)
		}
		if got := d.String(); got != tt.want {
			t.Errorf("d/d%s %s = %q, want %q", tt.wrt, tt.in, got, tt.want)
		}
		// The derivative against a central difference of f.
		got, err := d.Eval(at)
		if err != nil {
			t.Fatalf("d/d%s %s at %v: %v", tt.wrt, tt.in, at, err)
		}
		const h = 1e-6
		shifted := func(s float64) float64 {
			p := maps.Clone(at)
			p[tt.wrt] += s
			v, err := f.Eval(p)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if fd := (shifted(h) - shifted(-h)) / (2 * h); math.Abs(got-fd) > 1e-6*max(1, math.Abs(fd)) {
			t.Errorf("d/d%s %s = %g at %v, a central difference gives %g", tt.wrt, tt.in, got, at, fd)
		}
	}
}
