package diff

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// TestGradScalars takes the gradient of a scalar function with respect
// to several scalars at once, one of which it does not use.
func TestGradScalars(t *testing.T) {
	tests := []struct {
		src  string
		wrt  []string
		want []string
	}{
		{"x^2 y + sin(x z) + exp(y)", []string{"x", "y", "z", "w"},
			[]string{"2x y + z cos(x z)", "x^2 + exp(y)", "x cos(x z)", "0"}},
		{"x y z", []string{"z", "y", "x"}, []string{"x y", "x z", "y z"}},
		{"log(x) + log(x)", []string{"x"}, []string{"2/x"}},
		{"x^y", []string{"x", "y"}, []string{"x^(y - 1) y", "x^y log(x)"}},
		{"sigmoid(a x + b)", []string{"a", "b"},
			[]string{"x sigmoid(a x + b) (1 - sigmoid(a x + b))", "sigmoid(a x + b) (1 - sigmoid(a x + b))"}},
		{"7", []string{"x"}, []string{"0"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			n := mustParse(t, tt.src, nil)
			var xs []*expr.Node
			for _, name := range tt.wrt {
				xs = append(xs, expr.NewSym(name, expr.Scalar))
			}
			g, err := Grad(n, xs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(g) != len(xs) {
				t.Fatalf("Grad gives %d derivatives for %d variables", len(g), len(xs))
			}
			var got []string
			for _, gi := range g {
				got = append(got, text(gi))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("∇%s = %q, want %q", tt.src, got, tt.want)
			}
			// Forward mode agrees.
			for i, x := range xs {
				d, err := Diff(n, x, nil)
				if err != nil {
					t.Fatal(err)
				}
				if text(d) != got[i] {
					t.Errorf("∂%s/∂%s: Grad gives %s, Diff %s", tt.src, x.Name(), got[i], text(d))
				}
			}
		})
	}
}

// TestGradMatrix takes gradients with respect to a vector or a matrix, in
// matrix form and of the variable's shape.
func TestGradMatrix(t *testing.T) {
	tests := []struct {
		src, wrt, want string
	}{
		{"a' X b", "X", "a bᵀ"},
		{"a' X b", "a", "X b"},
		{"a' X b", "b", "Xᵀ a"},
		{"x' A x", "x", "(A + Aᵀ) x"},
		{"x' x", "x", "2x"},
		{"x' a", "x", "a"},
		{"norm(x)", "x", "x/norm(x)"},
		{"norm(A)", "A", "A/norm(A)"},
		{"sum(x)", "x", "ones"},
		{"sum(sin(x))", "x", "cos(x)"},
		{"sum(exp(x))", "x", "exp(x)"},
		{"sum(A x)", "x", "Aᵀ ones"},
		{"sum(A x)", "A", "ones xᵀ"},
		{"det(A)", "A", "det(A) inv(A)ᵀ"},
		{"logdet(A)", "A", "inv(A)ᵀ"},
		{"tr(A)", "A", "I"},
		{"tr(A B)", "A", "Bᵀ"},
		{"tr(inv(A))", "A", "-(A^-2)ᵀ"},
		{"sum(diag(A))", "A", "I"},
		{"sum(diag(x))", "x", "ones"},
		{"sum([x' a, 1] .* [1, 2])", "x", "a"},
		{"t sum(x)", "t", "sum(x)"},
	}
	for _, tt := range tests {
		t.Run(tt.src+" by "+tt.wrt, func(t *testing.T) {
			n := mustParse(t, tt.src, shapes())
			x := variable(t, n, tt.wrt)
			g, err := Grad(n, []*expr.Node{x}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := text(g[0]); got != tt.want {
				t.Errorf("∇_%s %s = %s, want %s", tt.wrt, tt.src, got, tt.want)
			}
			if g[0].Shape() != x.Shape() {
				t.Errorf("∇_%s %s has shape %s, want %s", tt.wrt, tt.src, g[0].Shape(), x.Shape())
			}
		})
	}
}

// TestGradSeveralMatrices takes the gradient with respect to a matrix and
// a vector in one sweep.
func TestGradSeveralMatrices(t *testing.T) {
	n := mustParse(t, "a' X b + tr(X)", shapes())
	g, err := Grad(n, []*expr.Node{variable(t, n, "X"), variable(t, n, "a")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{text(g[0]), text(g[1])}
	if want := []string{"a bᵀ + I", "X b"}; !slices.Equal(got, want) {
		t.Errorf("∇(aᵀ X b + tr(X)) = %q, want %q", got, want)
	}
}

// TestGradAbsent checks that the gradient with respect to a variable the
// function does not use is zero of that variable's shape.
func TestGradAbsent(t *testing.T) {
	n := mustParse(t, "sum(a)", shapes())
	tests := []*expr.Node{
		expr.NewSym("x", expr.NewShape(expr.Dim{Sym: "p"})),
		expr.NewSym("X", expr.NewShape(expr.Dim{Sym: "p"}, expr.Dim{Sym: "q"})),
		expr.NewSym("t", expr.Scalar),
	}
	for _, x := range tests {
		g, err := Grad(n, []*expr.Node{x}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !expr.Equal(g[0], expr.Zero(x.Shape())) {
			t.Errorf("∇_%s sum(a) = %s of shape %s, want zero of shape %s",
				x.Name(), format.Text(g[0]), g[0].Shape(), x.Shape())
		}
	}
}

// TestGradRecord checks the reverse rules Grad reports, from the root to
// the leaves.
func TestGradRecord(t *testing.T) {
	tests := []struct {
		src, wrt string
		opts     *parse.Options
		want     []string
	}{
		{"x^2 y + sin(x z) + exp(y)", "x", nil, []string{
			"reverse sum rule: x^2 y + sin(x z) + exp(y)",
			"reverse chain rule: sin(x z)",
			"reverse product rule: x z",
			"reverse product rule: x^2 y",
			"reverse power rule: x^2",
		}},
		{"a' X b + tr(X)", "X", shapes(), []string{
			"reverse sum rule: aᵀ X b + tr(X)",
			"reverse trace rule: tr(X)",
			"reverse matrix product rule: aᵀ X b",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			n := mustParse(t, tt.src, tt.opts)
			var got []string
			_, err := Grad(n, []*expr.Node{variable(t, n, tt.wrt)}, &Options{Record: func(s Step) {
				got = append(got, s.Rule+": "+format.Text(s.Node))
			}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("steps = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestGradErrors checks that Grad returns errors, never panics, for
// what it cannot do.
func TestGradErrors(t *testing.T) {
	tests := []struct {
		name, src, wrt string
		maxNodes       int
		want           string
	}{
		{"not a scalar", "A x", "x", 0, "the gradient needs a scalar function, not a vector (m)"},
		{"matrix", "A A", "A", 0, "the gradient needs a scalar function, not a matrix (m×m)"},
		{"through a literal", "b' [x' a, 1]", "x", 0,
			"cannot differentiate through a literal vector or matrix with respect to a vector or matrix"},
		{"too large", "sum(sin(cos(exp(x))))", "x", 5, "derivative too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := mustParse(t, tt.src, shapes())
			g, err := Grad(n, []*expr.Node{variable(t, n, tt.wrt)}, &Options{MaxNodes: tt.maxNodes})
			if err == nil || err.Error() != tt.want {
				t.Errorf("Grad = %v, %v, want error %q", g, err, tt.want)
			}
		})
	}

	n := mustParse(t, "x^2", nil)
	_, err := Grad(n, []*expr.Node{variable(t, n, "x"), mustParse(t, "2", nil)}, nil)
	if want := "cannot differentiate with respect to number: not a variable"; err == nil || err.Error() != want {
		t.Errorf("Grad with respect to 2: error %v, want %q", err, want)
	}
	if _, err := Grad(mustParse(t, "sin(cos(exp(x)))", nil), []*expr.Node{variable(t, n, "x")}, &Options{MaxNodes: 5}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Grad over MaxNodes: error %v, want ErrTooLarge", err)
	}
}

// TestGradCanceled checks that Grad, like Diff, stops on a canceled
// context by a *budget.Stopped panic for the entry point to recover.
func TestGradCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := expr.NewSym("x", expr.Scalar)
	err := func() (err error) {
		defer budget.Catch(&err)
		_, err = Grad(nested(x, 3000), []*expr.Node{x}, &Options{Budget: budget.New(ctx)})
		return err
	}()
	var s *budget.Stopped
	if !errors.As(err, &s) || !errors.Is(err, context.Canceled) {
		t.Errorf("Grad on a canceled context: error %v, want a *budget.Stopped for context.Canceled", err)
	}
}

// TestGradAgreesWithDiff checks the reverse sweep against forward mode
// at random points for random scalar expressions of x and y.
func TestGradAgreesWithDiff(t *testing.T) {
	x, y := expr.NewSym("x", expr.Scalar), expr.NewSym("y", expr.Scalar)
	gen := genScalar(3)
	rapid.Check(t, func(t *rapid.T) {
		f := gen.Draw(t, "f")
		env := map[string]float64{"x": coordinate(t, "x"), "y": coordinate(t, "y")}
		g, err := Grad(f, []*expr.Node{x, y}, nil)
		var real *NoRealDerivativeError
		if errors.As(err, &real) {
			// (-1)^x: refused in one mode as in the other, for one of
			// the variables at least.
			_, errx := Diff(f, x, nil)
			_, erry := Diff(f, y, nil)
			if (errx == nil || errx.Error() != err.Error()) && (erry == nil || erry.Error() != err.Error()) {
				t.Fatalf("∇%s: %v, but Diff gives %v and %v", format.Text(f), err, errx, erry)
			}
			return
		}
		if err != nil {
			t.Fatalf("∇%s: %v", format.Text(f), err)
		}
		for i, v := range []*expr.Node{x, y} {
			d, err := Diff(f, v, nil)
			if err != nil {
				t.Fatalf("∂%s/∂%s: %v", format.Text(f), v.Name(), err)
			}
			want, err1 := eval.Compile(d).At(env)
			got, err2 := eval.Compile(g[i]).At(env)
			if err1 != nil || err2 != nil {
				continue // outside the domain of one form or the other
			}
			if math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
				t.Fatalf("∂%s/∂%s at %v: Grad gives %s = %v, Diff %s = %v",
					format.Text(f), v.Name(), env, format.Text(g[i]), got, format.Text(d), want)
			}
		}
	})
}
