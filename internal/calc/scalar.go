package calc

import (
	"fmt"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/simplify"
)

func text(n *expr.Node) string { return format.Text(n) }

// scalars checks that every variable of xs is a scalar.
func scalars(xs []*expr.Node) error {
	for _, x := range xs {
		if !x.Shape().IsScalar() {
			return fmt.Errorf("%s is a %s: with several variables, each must be a scalar", x.Name(), kindOf(x))
		}
	}
	return nil
}

// gradient is the gradient of the scalar f with respect to the scalars
// xs, a row vector (1×n, numerator layout as in the lecture notes), by
// one reverse sweep over f's graph, however many variables there are.
func (c *computation) gradient(f *expr.Node, xs []*expr.Node) (*expr.Node, error) {
	if err := scalars(xs); err != nil {
		return nil, err
	}
	if !f.Shape().IsScalar() {
		return nil, fmt.Errorf("the gradient needs a scalar function; use Jacobian for a %s", f.Shape().Describe())
	}
	g, err := diff.Grad(f, xs, c.diffOptions())
	if err != nil {
		return nil, tooLarge(err)
	}
	for i := range g {
		g[i] = c.entry(g[i])
	}
	return expr.NewMatrix(expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: len(g)}), nil, g), nil
}

// entry simplifies an entry of a gradient or Jacobian, multiplying it out
// when its terms may cancel.
func (c *computation) entry(d *expr.Node) *expr.Node {
	if d = c.simp.Simplify(d); simplify.MayCancel(d) {
		d = c.simp.Normal(d)
	}
	return d
}

// jacobian is the m×n Jacobian of f, with m entries (a vector
// [f1, …, fm] or a scalar, m = 1), with respect to the n scalars xs: one
// reverse sweep per row.
func (c *computation) jacobian(f *expr.Node, xs []*expr.Node) (*expr.Node, error) {
	if err := scalars(xs); err != nil {
		return nil, err
	}
	if f.Shape().Rank() > 1 {
		return nil, fmt.Errorf("the Jacobian needs a scalar or vector function, not a %s", f.Shape().Describe())
	}
	fs := entries(f)
	rows := make([]*expr.Node, 0, len(fs)*len(xs))
	for _, fi := range fs {
		g, err := diff.Grad(fi, xs, c.diffOptions())
		if err != nil {
			return nil, tooLarge(err)
		}
		for _, gij := range g {
			rows = append(rows, c.entry(gij))
		}
	}
	s := expr.NewShape(expr.Dim{N: len(fs)}, expr.Dim{N: len(xs)})
	return expr.NewMatrix(s, nil, rows), nil
}

// entries returns the scalar entries of a literal, or n itself.
func entries(n *expr.Node) []*expr.Node {
	if n.Op() != expr.OpMatrix {
		return []*expr.Node{n}
	}
	out := make([]*expr.Node, n.Size())
	for k := range out {
		out[k] = n.Entry(k)
	}
	return out
}
