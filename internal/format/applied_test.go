package format_test

import (
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// TestApplied checks the spellings of declared functions and their
// derivatives, as text and LaTeX, and that the text reads back with the
// functions declared.
func TestApplied(t *testing.T) {
	x, y := expr.NewSym("x", expr.Scalar), expr.NewSym("y", expr.Scalar)
	theta := expr.NewSym("θ", expr.Scalar)
	two := expr.Int64(2)
	tests := []struct {
		n           *expr.Node
		text, latex string
	}{
		{expr.NewApply("f", nil, x), "f(x)", `f\left(x\right)`},
		{expr.NewApply("f", []int{1}, x), "f'(x)", `f'\left(x\right)`},
		{expr.NewApply("f", []int{2}, x), "f''(x)", `f''\left(x\right)`},
		{expr.NewApply("f", []int{3}, x), "f'''(x)", `f'''\left(x\right)`},
		{expr.NewApply("f", []int{4}, x), "f^(4)(x)", `f^{(4)}\left(x\right)`},
		{expr.NewApply("f", []int{12}, x), "f^(12)(x)", `f^{(12)}\left(x\right)`},
		{expr.NewApply("g", nil, x, y), "g(x, y)", `g\left(x, y\right)`},
		{expr.NewApply("g", []int{1, 0}, x, y), "∂₁g(x, y)", `\partial_{1} g\left(x, y\right)`},
		{expr.NewApply("g", []int{0, 1}, x, y), "∂₂g(x, y)", `\partial_{2} g\left(x, y\right)`},
		{expr.NewApply("g", []int{1, 1}, x, y), "∂₁₂g(x, y)", `\partial_{12} g\left(x, y\right)`},
		{expr.NewApply("g", []int{2, 1}, x, y), "∂₁₁₂g(x, y)", `\partial_{112} g\left(x, y\right)`},
		{expr.NewApply("φ", []int{1}, theta), "φ'(θ)", `\phi'\left(\theta\right)`},
		{expr.NewApply("u_1", []int{2}, x), "u_1''(x)", `u_{1}''\left(x\right)`},
		{expr.NewApply("loss", nil, x), "loss(x)", `\mathrm{loss}\left(x\right)`},
		{expr.Mul(two, expr.Pow(expr.NewApply("f", []int{1}, x), two)), "2f'(x)^2", `2 f'\left(x\right)^{2}`},
		{expr.Mul(two, expr.NewApply("g", []int{1, 0}, x, y)), "2∂₁g(x, y)", `2 \partial_{1} g\left(x, y\right)`},
		{expr.NewApply("f", nil, expr.NewApply("f", []int{1}, expr.Add(x, two))), "f(f'(x + 2))", `f\left(f'\left(x + 2\right)\right)`},
		{expr.Div(expr.NewApply("f", nil, x), expr.NewApply("g", nil, x, y)), "f(x)/g(x, y)", `\frac{f\left(x\right)}{g\left(x, y\right)}`},
	}
	opts := &parse.Options{Functions: map[string]bool{"f": true, "g": true, "φ": true, "u_1": true, "loss": true}}
	for _, tt := range tests {
		if got := format.Text(tt.n); got != tt.text {
			t.Errorf("Text = %q, want %q", got, tt.text)
		}
		if got := format.LaTeX(tt.n); got != tt.latex {
			t.Errorf("LaTeX of %s = %q, want %q", tt.text, got, tt.latex)
		}
		back, err := parse.Parse(tt.text, opts)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.text, err)
			continue
		}
		if !expr.Equal(back, tt.n) {
			t.Errorf("Parse(%q) = %q", tt.text, format.Text(back))
		}
	}
}
