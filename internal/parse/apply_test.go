package parse

import (
	"slices"
	"strings"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
)

// TestDeclaredFunctions checks how the parser reads the declared
// functions and the marks of their derivatives into nodes.
func TestDeclaredFunctions(t *testing.T) {
	opts := &Options{Functions: map[string]bool{"f": true, "g": true}}
	tests := []struct {
		src    string
		name   string
		orders []int
		args   int
	}{
		{"f(x)", "f", nil, 1},
		{"f'(x)", "f", []int{1}, 1},
		{"f'''(x + 1)", "f", []int{3}, 1},
		{"f^(7)(x)", "f", []int{7}, 1},
		{"f (x)", "f", nil, 1},
		{"g(x, y)", "g", nil, 2},
		{"∂₂g(x, y)", "g", []int{0, 1}, 2},
		{"∂₁ g(x, y)", "g", []int{1, 0}, 2},
		{"∂_2 g(x, y)", "g", []int{0, 1}, 2},
		{"∂_22g(x, y)", "g", []int{0, 2}, 2},
		{"g_12(x, y)", "g", []int{1, 1}, 2},
	}
	for _, tt := range tests {
		n, err := Parse(tt.src, opts)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if n.Op() != expr.OpApply || n.Name() != tt.name || !slices.Equal(n.Orders(), tt.orders) || len(n.Args()) != tt.args {
			t.Errorf("%s reads as %s %s%v of %d operands, want %s%v of %d", tt.src, n.Info().Name, n.Name(), n.Orders(), len(n.Args()), tt.name, tt.orders, tt.args)
		}
	}
}

// TestDeclaredFunctionErrors checks the errors of declarations and marks
// that the parser meets before the functions' arguments.
func TestDeclaredFunctionErrors(t *testing.T) {
	tests := []struct {
		src  string
		opts *Options
		err  string
	}{
		{"∂₁f(x)", nil, "1:3: ∂₁ applies to an abstract function, and f is not one: declare it (--function f)"},
		{"∂", &Options{Functions: map[string]bool{"f": true}}, "1:1: write a partial derivative of an abstract function with the numbers of its arguments: ∂₁f(x, y), ∂₁₂f(x, y) or ∂_1 f(x, y)"},
		{"∂₁ + 1", &Options{Functions: map[string]bool{"f": true}}, "1:4: expected an abstract function after ∂₁, found '+'"},
		{"f^(99999999999)(x)", &Options{Functions: map[string]bool{"f": true}}, "1:4: the order 99999999999 of the derivative of f is too large"},
		{"f(x)", &Options{Functions: map[string]bool{"f": true}, Vars: map[string]expr.Shape{"f": expr.Scalar}}, "1:1: f is declared both a function and a variable"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src, tt.opts)
		if err == nil || err.Error() != tt.err {
			t.Errorf("%s: error %v, want %s", tt.src, err, tt.err)
		}
	}
	// f^2 of a declared f is not a derivative: f must be applied.
	if _, err := Parse("f^2(x)", &Options{Functions: map[string]bool{"f": true}}); err == nil {
		t.Error("f^2(x) parsed; f is a function, not a value to square")
	}
}

// TestCallNotes checks the note on names written as if applied that are
// not declared functions: f(g(x)) is the product f·(g(x)), and f'(x) the
// transposed scalar f times x. A name that is a variable elsewhere, is
// defined by the where clause, is declared, or has a space before '(' is
// a product as written, without a note.
func TestCallNotes(t *testing.T) {
	tests := []struct {
		src       string
		functions string
		want      string
	}{
		{"f(g(x))", "", "f(g(x)) reads as the product f·(g(x)), g(x) as g·(x); declare --function f,g to make f and g functions"},
		{"f(g(x))", "g", "f(g(x)) reads as the product f·(g(x)); declare --function f to make f a function"},
		{"f(x) g(x)", "", "f(x) reads as the product f·(x), g(x) as g·(x); declare --function f,g to make f and g functions"},
		{"f'(x) g(x)", "", "f'(x) reads as the product f'·(x), g(x) as g·(x) (' transposes the scalar f); declare --function f,g to make f and g functions"},
		{"f''(x)", "", "f''(x) reads as the product f''·(x) (' transposes the scalar f); declare --function f to make f a function"},
		{"f(x) + f(y)", "", "f(x) reads as the product f·(x); declare --function f to make f a function"},
		{"a(x) + b(x) + c(x) + d(x)", "", "a(x) reads as the product a·(x), b(x) as b·(x), c(x) as c·(x), …; declare --function a,b,c,d to make a, b, c and d functions"},
		{"σ(z)", "", "σ(z) reads as the product σ·(z); declare --function σ to make σ a function"},
		{"y(x + 1)", "", "y(x + 1) reads as the product y·(x + 1); declare --function y to make y a function"},
		{"f(x + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12)", "", "f(…) reads as the product f·(…); declare --function f to make f a function"},
		{"f(x) where x = g(t)", "", "f(x) reads as the product f·(x), g(t) as g·(t); declare --function f,g to make f and g functions"},
		{"x(x + 1)", "", ""},
		{"2x(x + 1)", "", ""},
		{"f (x)", "", ""},
		{"f*(x)", "", ""},
		{"u(x) where u = 2t", "", ""},
		{"f(x) g(x)", "f,g", ""},
		{"x y", "", ""},
	}
	for _, tt := range tests {
		opts := &Options{Functions: map[string]bool{}}
		for _, f := range strings.Split(tt.functions, ",") {
			if f != "" {
				opts.Functions[f] = true
			}
		}
		var notes []string
		opts.Notes = &notes
		if _, err := Parse(tt.src, opts); err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := strings.Join(notes, "\n"); got != tt.want {
			t.Errorf("notes of %s:\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}
