package nabla

import (
	"slices"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
)

// TestStepsAfterTableReset checks that a derivation does not depend on the
// identity of nodes: the hash-consing table empties itself when full, so
// a long-running process builds equal nodes that are not the same
// pointers. Each derivation, with the table emptied between reading f and
// deriving it, has the steps and the result it has without.
func TestStepsAfterTableReset(t *testing.T) {
	vec := &ParseOptions{Vectors: []string{"x"}, Matrices: []string{"A"}}
	tests := []struct {
		name string
		src  string
		opts *ParseOptions
		run  func(f Expr) (*Derivation, error)
	}{
		{"product rule", "x^3 sin(x)", nil, func(f Expr) (*Derivation, error) { return DeriveSteps(f, nil, "x") }},
		{"quotient and chain", "sigmoid(3x)/x", nil, func(f Expr) (*Derivation, error) { return DeriveSteps(f, nil, "x") }},
		{"gradient", "x^2 y + sin(x y)", nil, func(f Expr) (*Derivation, error) { return DeriveSteps(f, nil, "x", "y") }},
		{"quadratic form", "x' A x", vec, func(f Expr) (*Derivation, error) { return MatrixSteps(f, "x") }},
		{"squared norm", "||x||^2", vec, func(f Expr) (*Derivation, error) { return MatrixSteps(f, "x") }},
		{"limit of a polynomial", "2x^3 - x + 1", nil, func(f Expr) (*Derivation, error) { return LimitSteps(f, "x") }},
		{"limit of a quotient", "x/(x+1)", nil, func(f Expr) (*Derivation, error) { return LimitSteps(f, "x") }},
		{"limit of sin", "sin(x)", nil, func(f Expr) (*Derivation, error) { return LimitSteps(f, "x") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseWith(tt.src, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			want, err := tt.run(f)
			if err != nil {
				t.Fatal(err)
			}
			g, err := ParseWith(tt.src, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			expr.ResetTable()
			got, err := tt.run(g)
			if err != nil {
				t.Fatalf("after the table emptied: %v", err)
			}
			rules := func(d *Derivation) []string {
				var out []string
				for _, s := range d.Steps {
					out = append(out, s.Rule)
				}
				return out
			}
			if !slices.Equal(rules(got), rules(want)) || !got.Result.Equal(want.Result) {
				t.Errorf("after the table emptied: rules %q, result %s; want %q, %s", rules(got), got.Result, rules(want), want.Result)
			}
		})
	}
}
