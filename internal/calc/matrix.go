package calc

import (
	"fmt"
	"slices"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
)

// matrixDerivative is the derivative of the scalar f with respect to the
// vector or matrix x, in the lecture notes' layout: a 1×n row for a
// vector x, x's shape m×n for a matrix, computed by reverse mode in matrix
// form (the adjoint of x); for a vector f and a vector x, the Jacobian by
// forward mode.
func (c *computation) matrixDerivative(f, x *expr.Node) (*expr.Node, error) {
	if f.Shape().Rank() == 1 && x.Shape().Rank() == 1 {
		j, err := diff.Jacobian(f, x, c.diffOptions())
		if err != nil {
			return nil, err
		}
		return c.simp.Simplify(j), nil
	}
	if !f.Shape().IsScalar() {
		return nil, fmt.Errorf("the derivative of a %s with respect to the %s %s has no matrix form: use DiffTensor",
			f.Shape().Describe(), kindOf(x), x.Name())
	}
	g, err := diff.Grad(f, []*expr.Node{x}, c.diffOptions())
	if err != nil {
		return nil, tooLarge(err)
	}
	d := g[0]
	if x.Shape().Rank() == 1 {
		d = transposeTerms(d) // the gradient is a row vector
	} else {
		d = symmetric(d, x)
	}
	// Element-wise products of sums may cancel when multiplied out, as in
	// the logistic log-likelihood's (1 - σ) ⊙ (y/σ - (1 - y)/(1 - σ)) ⊙ σ.
	return c.simp.Expanded(c.simp.Simplify(d)), nil
}

// transposeTerms transposes a sum with a matrix product in it term by
// term, so that a gradient reads as a sum of rows: 2λ wᵀ + 2(X w - y)ᵀ X,
// not (2λ w + 2Xᵀ (X w - y))ᵀ.
func transposeTerms(d *expr.Node) *expr.Node {
	products := false
	if d.Op() == expr.OpAdd {
		for _, t := range d.Args() {
			_, fs := expr.Factors(t)
			products = products || slices.ContainsFunc(fs, func(f *expr.Node) bool { return f.Op() == expr.OpMatMul })
		}
	}
	if !products {
		return expr.Transpose(d)
	}
	ts := make([]*expr.Node, len(d.Args()))
	for i, t := range d.Args() {
		ts[i] = expr.Transpose(t)
	}
	return expr.Add(ts...)
}

// matrixHessian is the Hessian of the scalar f with respect to the vector
// variable x in matrix form (n×n): the Jacobian of the gradient.
func (c *computation) matrixHessian(f, x *expr.Node) (*expr.Node, error) {
	if x.Shape().Rank() != 1 {
		return nil, fmt.Errorf("%s is not a vector variable of %s", x.Name(), text(f))
	}
	if !f.Shape().IsScalar() {
		return nil, fmt.Errorf("the Hessian needs a scalar function, not a %s", f.Shape().Describe())
	}
	g, err := diff.Grad(f, []*expr.Node{x}, c.diffOptions())
	if err != nil {
		return nil, tooLarge(err)
	}
	h, err := diff.Jacobian(c.simp.Expanded(c.simp.Simplify(g[0])), x, c.diffOptions())
	if err != nil {
		return nil, err
	}
	return c.simp.Expanded(c.simp.Simplify(h)), nil
}

// needsTensor reports whether the derivative of f with respect to x has
// no matrix form: a vector or matrix with respect to a matrix, or a
// matrix with respect to a vector.
func needsTensor(f, x *expr.Node) bool {
	if x.Shape().IsScalar() || f.Shape().IsScalar() {
		return false
	}
	return !(f.Shape().Rank() == 1 && x.Shape().Rank() == 1)
}
