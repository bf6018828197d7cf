package simplify

import (
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// TestRulesAreReachable checks that the left side of every rule is marked
// rewritable, so that the simplifier, which skips subtrees without that
// mark, never skips a match.
func TestRulesAreReachable(t *testing.T) {
	for _, r := range Rules {
		n, err := parse.Parse(r.From, nil)
		if err != nil {
			t.Fatalf("rule %q: %v", r.Name, err)
		}
		if !n.Rewritable() {
			t.Errorf("rule %q: %s is not marked rewritable", r.Name, r.From)
		}
	}
}

// TestRules checks each rule on an instance of its left side.
func TestRules(t *testing.T) {
	tests := []struct{ in, want string }{
		{"log(exp(2x))", "2x"},
		{"exp(log(y))", "y"},
		{"sin(-3x)", "-sin(3x)"},
		{"tanh(-y)", "-tanh(y)"},
		{"cosh(-x)", "cosh(x)"},
		{"abs(abs(x))", "abs(x)"},
		{"abs(exp(x))", "exp(x)"},
		{"sqrt((x + 1)^2)", "abs(x + 1)"},
		{"sin(asin(x))", "x"},
		{"sinh(x)/cosh(x)", "tanh(x)"},
		{"2sin(x)^2 + 2cos(x)^2", "2"},
		{"exp(x)/(exp(x) + 1)", "sigmoid(x)"},
		{"exp(2x)/(exp(x) + 1)^2", "sigmoid(x)^2"},
		{"3exp(3y)/(1 + exp(y))^3", "3sigmoid(y)^3"},
		{"x^2 + 2x", "x^2 + 2x"},
	}
	checkSimplify(t, tests, nil)
}

// TestMergeLinear checks that terms applying one linear operation to
// operands of one shape merge, and that others stay apart.
func TestMergeLinear(t *testing.T) {
	m, n := expr.Dim{Sym: "m"}, expr.Dim{Sym: "n"}
	opts := &parse.Options{Vars: map[string]expr.Shape{
		"x": expr.NewShape(m), "y": expr.NewShape(m), "z": expr.NewShape(n),
	}}
	tests := []struct{ in, want string }{
		{"diag(x) + diag(y)", "diag(x + y)"},
		{"2diag(x) - 3diag(sin(x))", "diag(2x - 3sin(x))"},
		{"a diag(x) + b diag(y) + x y'", "x yᵀ + diag(a x + b y)"},
		{"sum(x) + 2sum(y) + sum(z)", "sum(z) + sum(x + 2y)"},
		{"sum(x) sum(y) + sum(x)", "sum(x) + sum(x) sum(y)"},
		{"diag(x) + diag(x)", "2diag(x)"},
	}
	checkSimplify(t, tests, opts)
}

// checkSimplify reads each input with opts and compares its simplified
// text with the expected one.
func checkSimplify(t *testing.T, tests []struct{ in, want string }, opts *parse.Options) {
	t.Helper()
	for _, tt := range tests {
		n, err := parse.Parse(tt.in, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := format.Text(Simplify(n)); got != tt.want {
			t.Errorf("Simplify(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestLiterals checks that literal vectors and matrices compute entry by
// entry, exactly: products, sums, element-wise functions, transposes,
// diag and sum of literals, as substituted values give them.
func TestLiterals(t *testing.T) {
	checkSimplify(t, []struct{ in, want string }{
		{"[1, 2]ᵀ*[3, 4]", "11"},
		{"[1, 2]*[3, 4]ᵀ", "[[3, 4], [6, 8]]"},
		{"[[1, 2], [3, 4]]*[1, 1]", "[3, 7]"},
		{"[1, 1]ᵀ*[[1, 2], [3, 4]]", "[[4, 6]]"},
		{"[[1, 2], [3, 4]]*[[0, 1], [1, 0]]", "[[2, 1], [4, 3]]"},
		{"[1/2, 2] + [1, 3]", "[3/2, 5]"},
		{"[1, 2] .* [3, 4]", "[3, 8]"},
		{"exp([0, 1])", "[1, exp(1)]"},
		{"sum([1, 2, 3])", "6"},
		{"diag([1, 2])", "[[1, 0], [0, 2]]"},
		{"[[1, 2], [3, 4]]ᵀ", "[[1, 3], [2, 4]]"},
		{"[1, 2]ᵀ*[[1, 2], [3, 4]]*[1, 2]", "27"},
		{"[sin(t), cos(t)]ᵀ*[sin(t), cos(t)]", "1"},
	}, nil)
}

// TestFractions checks that terms over one denominator add their
// numerators, that terms over different ones join over their common
// denominator where that is smaller, and that denominators multiply out
// where their factors cancel.
func TestFractions(t *testing.T) {
	checkSimplify(t, []struct{ in, want string }{
		{"x/(1 - x) + 1/(1 - x)", "(x + 1)/(1 - x)"},
		{"x/y + sin(x)/y + z", "(x + sin(x))/y + z"},
		{"(x + 1)/(1 - x) + 1", "2/(1 - x)"},
		{"2x/(x - 1) - (x^2 + 1)/(x - 1)^2", "(x^2 - 2x - 1)/(x - 1)^2"},
		{"8x^2/(x^2 + 1)^3 - 2/(x^2 + 1)^2", "2(3x^2 - 1)/(x^2 + 1)^3"},
		{"x/(x + 1) - x/(x + 1)", "0"},
		{"1/((1 - x)(1 + x))", "1/(1 - x^2)"},
		{"1/((1 - x)^2 (1 + x)^2)", "1/(1 - x^2)^2"},
		{"y/((x - y)(x + y) (x + 1))", "y/((x + 1) (x^2 - y^2))"},
		// Left as they are: nothing cancels, or the sum would grow.
		{"1/((x + 1)(x + 2))", "1/((x + 1) (x + 2))"},
		{"1/((1 - x)^2 (1 + x))", "1/((1 - x)^2 (x + 1))"},
		{"x + 1/x", "x + 1/x"},
		{"1 + 1/(1 - x)", "1/(1 - x) + 1"},
		{"1/x + 1/y", "1/x + 1/y"},
		{"x/(x + 1) + 1/(x - 1)", "x/(x + 1) + 1/(x - 1)"},
		{"cos(x)/x - sin(x)/x^2", "cos(x)/x - sin(x)/x^2"},
		{"1/x^2 - log(x)/x^2", "(1 - log(x))/x^2"},
		{"exp(x)/x - exp(x)/x^2", "exp(x) (x - 1)/x^2"},
	}, nil)
}

// TestCommonCofactor checks that a sum rule matches terms that share a
// cofactor other than a number.
func TestCommonCofactor(t *testing.T) {
	checkSimplify(t, []struct{ in, want string }{
		{"t^2 sin(t)^2 + t^2 cos(t)^2", "t^2"},
		{"2t sin(t)^2 + 2t cos(t)^2 + 1", "2t + 1"},
		{"x y cosh(x)^2 - x y sinh(x)^2", "x y"},
		{"x sin(x)^2 + y cos(x)^2", "x sin(x)^2 + y cos(x)^2"},
	}, nil)
}
