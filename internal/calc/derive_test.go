package calc

import (
	"context"
	"errors"
	"testing"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// declared parses src with the vectors x, a, b and the matrices A, X, and
// returns it with the settled shapes of its declarations.
func declared(t *testing.T, src string) (*expr.Node, map[string]expr.Shape) {
	t.Helper()
	var decl map[string]expr.Shape
	opts := &parse.Options{Resolved: &decl, Vars: map[string]expr.Shape{
		"x": expr.NewShape(expr.Dim{Sym: "#x"}),
		"a": expr.NewShape(expr.Dim{Sym: "#a"}),
		"b": expr.NewShape(expr.Dim{Sym: "#b"}),
		"A": expr.NewShape(expr.Dim{Sym: "#A.r"}, expr.Dim{Sym: "#A.c"}),
		"X": expr.NewShape(expr.Dim{Sym: "#X.r"}, expr.Dim{Sym: "#X.c"}),
	}}
	n, err := parse.Parse(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return n, decl
}

// TestDerive checks which derivative Derive computes for each kind and
// shape, and its text.
func TestDerive(t *testing.T) {
	tests := []struct {
		name, src string
		matrices  bool
		wrt       []string
		opts      Options
		kind      Kind
		want      string
	}{
		{"first", "x^3 sin(x)", false, []string{"x"}, Options{}, Auto, "x^3 cos(x) + 3x^2 sin(x)"},
		{"second", "x^5 - x^2 + x", false, []string{"x"}, Options{Order: 2}, Auto, "20x^3 - 2"},
		{"partial", "(x + 2y^3)^2", false, []string{"y"}, Options{}, Auto, "12y^2 (x + 2y^3)"},
		{"gradient by shapes", "x^2 y", false, []string{"x", "y"}, Options{}, Gradient, "[[2x y, x^2]]"},
		{"jacobian by shapes", "[x y, x + y]", false, []string{"x", "y"}, Options{}, Jacobian, "[[y, x], [1, 1]]"},
		{"hessian", "x^2 y", false, []string{"x", "y"}, Options{Kind: Hessian}, Hessian, "[[2y, 2x], [2x, 0]]"},
		{"matrix form", "a' X b", true, []string{"X"}, Options{}, Auto, "a bᵀ"},
		{"row gradient", "x' A x", true, []string{"x"}, Options{}, Auto, "xᵀ (A + Aᵀ)"},
		{"matrix hessian", "x' A x", true, []string{"x"}, Options{Kind: Hessian}, Hessian, "A + Aᵀ"},
		{"jacobian in matrix form", "A x", true, []string{"x"}, Options{}, Auto, "A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f *expr.Node
			var decl map[string]expr.Shape
			if tt.matrices {
				f, decl = declared(t, tt.src)
			} else {
				var err error
				if f, err = parse.Parse(tt.src, nil); err != nil {
					t.Fatal(err)
				}
			}
			opts := tt.opts
			r, err := Derive(context.Background(), f, decl, tt.wrt, &opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind != tt.kind {
				t.Errorf("kind %s, want %s", r.Kind, tt.kind)
			}
			if got := format.Text(r.Expr); got != tt.want {
				t.Errorf("%s = %s, want %s", tt.src, got, tt.want)
			}
		})
	}
}

// TestDeriveTensor checks that a vector with respect to a matrix gives a
// tensor, with its differential and index form.
func TestDeriveTensor(t *testing.T) {
	f, decl := declared(t, "A x")
	r, err := Derive(context.Background(), f, decl, []string{"A"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Tensor == nil || r.Expr != nil {
		t.Fatalf("Derive gave %v, want a tensor", r)
	}
	if got, want := format.Text(r.Tensor.Differential), "dA x"; got != want {
		t.Errorf("differential %s, want %s", got, want)
	}
	if got, want := r.Tensor.Index, "∂f_i/∂A_pq = δ_ip x_q"; got != want {
		t.Errorf("index form %s, want %s", got, want)
	}
}

// TestDeriveErrors checks the refusals.
func TestDeriveErrors(t *testing.T) {
	x, _ := parse.Parse("x^2 + sin(x) y", nil)
	tests := []struct {
		name string
		wrt  []string
		opts *Options
		want string
	}{
		{"no variables", nil, nil, "no variables to differentiate with respect to"},
		{"not a name", []string{"2"}, nil, `cannot differentiate with respect to "2": not a variable name`},
		{"named twice", []string{"x", "x"}, nil, "x is named twice"},
		{"negative order", []string{"x"}, &Options{Order: -1}, "order -1 out of range 0…100"},
		{"order", []string{"x"}, &Options{Order: 101}, "order 101 out of range 0…100"},
		{"order of a gradient", []string{"x", "y"}, &Options{Order: 101}, "order 101 out of range 0…100"},
	}
	for _, tt := range tests {
		_, err := Derive(context.Background(), x, nil, tt.wrt, tt.opts)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
		}
	}
}

// TestDeriveStops checks that a derivative whose context is done stops
// with an error that wraps the context's.
func TestDeriveStops(t *testing.T) {
	f, _ := parse.Parse("exp(exp(exp(exp(x))))", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Derive(ctx, f, nil, []string{"x"}, &Options{Order: 30})
	var stopped *budget.Stopped
	if !errors.As(err, &stopped) || !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled derivative: %v", err)
	}
	_, err = Derive(context.Background(), f, nil, []string{"x"}, &Options{Order: 12})
	if err != nil {
		t.Fatalf("the 12th derivative: %v", err)
	}
}
