package parse

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
)

func TestDeclaredVariables(t *testing.T) {
	// A declared name wins over a constant and may be used as a product.
	opts := &Options{Vars: map[string]expr.Shape{"e": expr.Scalar, "theta": expr.Scalar}}
	n, err := Parse("2e + theta(e+1)", opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := format.Text(n), "2e + theta (e + 1)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, a := range n.Args() {
		if a.Op() == expr.OpConstant {
			t.Errorf("e parsed as the constant in %s", got(n))
		}
	}
}

func got(n *expr.Node) string { return format.Text(n) }

func TestLineOption(t *testing.T) {
	_, err := Parse("x +", &Options{Line: 7})
	if err == nil || err.Error() != "7:4: expected an expression after '+', found end of input" {
		t.Errorf("error = %v", err)
	}
}

func TestIsName(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"x", true}, {"x1", true}, {"x_1", true}, {"theta", true}, {"θ", true},
		{"", false}, {"1x", false}, {"sin", false}, {"ln", false}, {"sqrt", false},
		{"pi", false}, {"e", false}, {"x y", false}, {"x^2", false}, {"_x", true},
	}
	for _, tt := range tests {
		if got := IsName(tt.s); got != tt.want {
			t.Errorf("IsName(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sine", "sin sinc sinh"},
		{"expp", "exp"},
		{"sigmod", "sigmoid"},
		{"sqr", "sqrt"},
		{"zzzzzz", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(suggest(tt.in), " "); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParse checks that no input makes the parser panic, that every error
// points into the input, and that what parses prints back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"x^2", "sin(2x+1)", "(x^2+5x+6)^10", "x^x", "2/3x", "x y", "-x^2", "x^-1",
		"e^x pi", "θ^2 + x_1", "sin(2x+", "x^^2", ")(", "sin()", "foo(x)", "3..4", "",
		"1e-3 + .5", "x'", "x^T", "sqrt(x)/abs(x)", "sigmoid(-x)", "2 3", "x\n+ y",
		"||x||_2^2", "‖x‖₂²", "x²", "x⁻¹", "||x||_inf", "‖x‖_∞", "x[1]", "x [1]", "(x)[1]", "x₂",
		"e^2 where e = y - x", "pi where pi = 3", "0/0", "0^-1", "unit(2)", "sign(x)",
		"log(x, 2)", "log(8, 2)", "max(x, y)", "max(x, y, z)", "polygamma(2, x)", "huber(x, 1/2)", "leaky_relu(x, 0.1)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("slow input %q", s)) })
		defer tm.Stop()
		n, err := Parse(s, nil)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %v is not a *Error", s, err)
			}
			if pe.Offset < 0 || pe.Offset > len(s) || pe.Line < 1 || pe.Col < 1 {
				t.Fatalf("Parse(%q): position %d:%d (offset %d) outside the input", s, pe.Line, pe.Col, pe.Offset)
			}
			if utf8.ValidString(s) {
				_ = pe.Caret()
			}
			return
		}
		text, err := format.TextLimit(n, 1<<20)
		if err != nil {
			return
		}
		if n.IsZeroMatrix() {
			// A result that is all zero prints as 0, its shape aside
			// (JSON gives the shape): 0 unit(1) is a zero vector.
			if text != "0" {
				t.Fatalf("Parse(%q): a zero %s prints as %q", s, n.Shape(), text)
			}
			return
		}
		back, err := Parse(text, nil)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", s, text, err)
		}
		if !expr.Equal(back, n) {
			t.Fatalf("Parse(%q) printed %q, which parses back as %q", s, text, format.Text(back))
		}
	})
}

// TestArity checks that a function name chooses its definition by the
// number of operands: max(x) is the largest entry of a vector, max(a, b)
// the larger operand, entry by entry; log(x) is natural, log(x, b) to the
// base b.
func TestArity(t *testing.T) {
	vec := expr.NewShape(expr.Dim{Sym: "n"})
	opts := &Options{Vars: map[string]expr.Shape{"v": vec, "w": vec}}
	tests := []struct {
		src  string
		op   expr.Op
		text string
	}{
		{"max(v)", expr.OpMax, "max(v)"},
		{"max(v, w)", expr.OpMaximum, "max(v, w)"},
		{"max(v, 0)", expr.OpMaximum, "max(v, 0)"},
		{"min(x, y)", expr.OpMinimum, "min(x, y)"},
		{"min(v)", expr.OpMin, "min(v)"},
		{"softmax(v, 1)", expr.OpSoftmax, "softmax(v)"},
		{"log(x)", expr.OpLog, "log(x)"},
		{"log(x, 2)", expr.OpLogBase, "log(x, 2)"},
		{"ln(x)", expr.OpLog, "log(x)"},
		{"heaviside(x)", expr.OpStep, "step(x)"},
		{"polygamma(2, x)", expr.OpPolygamma, "polygamma(2, x)"},
		{"polygamma(1, x)", expr.OpTrigamma, "trigamma(x)"},
		{"max([1, x], 0)", expr.OpMatrix, "[1, max(x, 0)]"},
		{"huber([x, -3], [1, 2])", expr.OpMatrix, "[huber(x, 1), 4]"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.src, opts)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if n.Op() != tt.op || format.Text(n) != tt.text {
			t.Errorf("%s: %s, op %s; want %s, op %s", tt.src, format.Text(n), n.Info().Name, tt.text, expr.Ops[tt.op].Name)
		}
	}
	errs := []struct{ src, want string }{
		{"log(x, y, z)", "1:12: log expects 1 or 2 arguments, found 3"},
		{"max()", "1:5: max expects 1 or 2 arguments, found none"},
		{"min(x, y, z)", "1:12: min expects 1 or 2 arguments, found 3"},
		{"ln(x, 2)", "1:8: ln expects 1 argument, found 2"},
		{"atan2(x)", "1:8: atan2 expects 2 arguments, found 1"},
		{"max(v, [1, 2, 3]')", "1:1: max needs operands of one shape, not vector v (n) and a 1×3 matrix"},
		{"softmax(x)", "1:1: softmax needs a vector, not scalar x"},
		{"gamma + 1", "1:1: gamma needs parentheses: gamma(…)"},
	}
	for _, tt := range errs {
		_, err := Parse(tt.src, opts)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.src, err, tt.want)
		}
	}
}

// TestMatrixVocabulary checks matrix powers, Kronecker products, inner
// products, ∘, the aliases of matrix functions and eye(n).
func TestMatrixVocabulary(t *testing.T) {
	mat := func(r, c string) expr.Shape { return expr.NewShape(expr.Dim{Sym: r}, expr.Dim{Sym: c}) }
	vec := expr.NewShape(expr.Dim{Sym: "#v"})
	opts := func() *Options {
		return &Options{Vars: map[string]expr.Shape{
			"x": vec, "y": vec, "A": mat("#A1", "#A2"), "B": mat("#B1", "#B2"), "X": mat("#X1", "#X2"),
		}}
	}
	same := []struct{ a, b string }{
		{"x ∘ y", "x .* y"},
		{"A ⊗ B", "kron(A, B)"},
		{"A ⊗ B ⊗ x", "kron(kron(A, B), x)"},
		{"2 A ⊗ B", "kron(2A, B)"},
		{"<x, y>", "dot(x, y)"},
		{"⟨A, B⟩", "tr(A' B)"},
		{"2<x, y>", "2 x' y"},
		{"trace(X) + Tr(X)", "2tr(X)"},
		{"inverse(X)", "X^-1"},
		{"transpose(A)", "A'"},
		{"X^2", "X X"},
		{"X²", "X^2"},
		{"X^0 + eye", "2I"},
		{"tr(x' X x)", "x' X x"},
	}
	for _, tt := range same {
		a, err := Parse(tt.a, opts())
		if err != nil {
			t.Errorf("%s: %v", tt.a, err)
			continue
		}
		b, err := Parse(tt.b, opts())
		if err != nil {
			t.Fatalf("%s: %v", tt.b, err)
		}
		if !expr.Equal(a, b) {
			t.Errorf("%s reads as %s, want %s", tt.a, got(a), got(b))
		}
	}
	if n, err := Parse("X^3", opts()); err != nil || n.Op() != expr.OpMatPow || n.Shape().String() != "m×m" {
		t.Errorf("X^3: %v, %v", n, err)
	}
	if n, err := Parse("kron(A, B)", opts()); err != nil || n.Shape().String() != "m·p×n·q" {
		t.Errorf("kron(A, B) has shape %v, %v; want m·p×n·q", n.Shape(), err)
	}
	// eye(n) is the identity of size n, declarations or not; a one-letter
	// word before '(' is a product.
	for _, tt := range []struct{ src, want, shape string }{
		{"eye(3)", "I", "3×3"},
		{"det(eye(2))", "1", "scalar"},
		{"tr(2eye(3))", "6", "scalar"},
		{"eye(1)", "1", "scalar"},
		{"I(3)", "3I", "scalar"},
	} {
		n, err := Parse(tt.src, nil)
		if err != nil || got(n) != tt.want || n.Shape().String() != tt.shape {
			t.Errorf("%s: %v of shape %v, %v; want %s of shape %s", tt.src, n, n.Shape(), err, tt.want, tt.shape)
		}
	}
	errs := []struct{ src, want string }{
		{"<x, y", "1:6: expected '>' to close '<' at 1:1, found end of input"},
		{"<x>", "1:3: expected ',' between the operands of the inner product <…, …>, found '>'"},
		{"<x, A>", "1:1: the inner product <·, ·> needs two vectors or two matrices of one shape, not vector x (m) and matrix A (n×p)"},
		{"kron(x)", "1:7: kron expects 2 arguments, found 1"},
		{"softmax(A, 0)", "1:1: softmax needs the dimension 1 (the softmax of each column) or 2 (of each row)"},
		{"X^y", "1:2: cannot raise matrix X (m×n) to the power vector y (p): use .^ for element-wise powers"},
		{"X^t", "1:2: the matrix power needs a whole exponent from -1000 to 1000: use .^ for element-wise powers"},
		{"x^2", "1:2: cannot raise vector x (m) to a power: use .^ for element-wise powers, ^-1 for the inverse"},
		{"eye(0)", "1:1: eye takes one size, a whole number from 1"},
		{"eye(2, 3)", "1:1: eye takes one size, a whole number from 1"},
	}
	for _, tt := range errs {
		_, err := Parse(tt.src, opts())
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.src, err, tt.want)
		}
	}
}
