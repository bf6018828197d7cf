package calc

import (
	"fmt"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
)

// syms returns the distinct variables under vars, in order, with the
// position of each variable of vars among them.
func syms(vars []Var) (xs []*expr.Node, at []int) {
	at = make([]int, len(vars))
	entries := false
	for _, v := range vars {
		entries = entries || v.Idx != nil
	}
	if !entries {
		// Whole variables, which variables checks are distinct.
		xs = make([]*expr.Node, len(vars))
		for i, v := range vars {
			xs[i], at[i] = v.Sym, i
		}
		return xs, at
	}
	pos := map[string]int{}
	for i, v := range vars {
		k, ok := pos[v.Sym.Name()]
		if !ok {
			k = len(xs)
			pos[v.Sym.Name()] = k
			xs = append(xs, v.Sym)
		}
		at[i] = k
	}
	return xs, at
}

// entryIndices returns the indices of a unit vector or matrix.
func entryIndices(e *expr.Node) []int {
	idx := make([]int, len(e.Args()))
	for i, a := range e.Args() {
		k, _ := a.Num().Int64()
		idx[i] = int(k)
	}
	return idx
}

// allScalar reports whether every variable is a scalar or an entry.
func allScalar(vars []Var) bool {
	for _, v := range vars {
		if !v.scalar() {
			return false
		}
	}
	return true
}

// gradientOf is the gradient of the scalar f: by one reverse sweep over
// f's graph, however many variables there are, each part in the notes'
// layout. Over scalars (and entries) it is the 1×n row; over one vector
// or matrix, its matrix form; over variables of different shapes, one
// block per variable.
func (c *computation) gradientOf(r *Result, f *expr.Node) error {
	if !f.Shape().IsScalar() {
		return fmt.Errorf("the gradient needs a scalar function; for a %s, take the Jacobian", f.Shape().Describe())
	}
	xs, at := syms(r.Wrt)
	g, err := diff.Grad(f, xs, c.diffOptions())
	if err != nil {
		return tooLarge(err)
	}
	parts := make([]*expr.Node, len(r.Wrt))
	for i, v := range r.Wrt {
		parts[i] = c.gradientPart(g[at[i]], v)
	}
	c.assemble(r, parts, allScalar(r.Wrt))
	return nil
}

// gradientPart is the part of a gradient for the variable v from the
// adjoint a of its variable: a row for a vector, the matrix for a matrix
// (its symmetric part for a symmetric one), the entry for an entry.
func (c *computation) gradientPart(a *expr.Node, v Var) *expr.Node {
	switch {
	case v.Idx != nil:
		// The derivative along the entry's direction, <a, E_ij>: the
		// entry of the adjoint (with its mirror for a symmetric matrix).
		var parts []*expr.Node
		for _, e := range v.directions() {
			parts = append(parts, expr.Index(a, entryIndices(e)...))
		}
		return c.entry(expr.Add(parts...))
	case v.Sym.Shape().IsScalar():
		return c.entry(a)
	case v.Sym.Shape().Rank() == 1:
		return c.simp.Expanded(c.simp.Simplify(transposeTerms(a)))
	}
	return c.simp.Expanded(c.simp.Simplify(symmetric(a, v.Sym)))
}

// symmetric returns the gradient with respect to the matrix x from the
// adjoint a of x: for a symmetric x, the gradient in the space of
// symmetric matrices under the Frobenius inner product, sym(a) =
// (a + aᵀ)/2 (the Cookbook's a + aᵀ - a ∘ I is not one; see Srinivasan
// and Panda, "What is the gradient of a scalar function of a symmetric
// matrix?", 2019).
func symmetric(a, x *expr.Node) *expr.Node {
	if !x.IsSymmetric() {
		return a
	}
	return expr.Mul(expr.NewConst(expr.Rat(1, 2)), expr.Add(a, expr.Transpose(a)))
}

// assemble gives r its parts: one part is the whole derivative; parts of
// scalars make the row of a gradient; otherwise one block each.
func (c *computation) assemble(r *Result, parts []*expr.Node, scalars bool) {
	switch {
	case scalars:
		r.Expr = expr.NewMatrix(expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: len(parts)}), nil, parts)
	case len(parts) == 1:
		r.Expr = parts[0]
	default:
		for i, p := range parts {
			r.Blocks = append(r.Blocks, Block{Wrt: r.Wrt[i : i+1], Expr: p})
		}
	}
}

// jacobianOf is the Jacobian of the vector or scalar f: over scalars of a
// literal [f1, …, fm], the m×n matrix, one reverse sweep per row; over one
// vector, its matrix form; otherwise one block per variable, a column for
// a scalar, a matrix for a vector, a tensor for a matrix.
func (c *computation) jacobianOf(r *Result, f *expr.Node) error {
	switch {
	case f.Shape().Rank() > 1:
		return fmt.Errorf("the Jacobian needs a scalar or vector function, not a %s", f.Shape().Describe())
	case f.Shape().IsScalar():
		return c.gradientOf(r, f)
	case allScalar(r.Wrt) && f.Op() == expr.OpMatrix:
		return c.literalJacobian(r, f)
	}
	for _, v := range r.Wrt {
		b, err := c.block(f, v)
		if err != nil {
			return err
		}
		r.Blocks = append(r.Blocks, b)
	}
	if len(r.Blocks) == 1 {
		r.Expr, r.Tensor, r.Blocks = r.Blocks[0].Expr, r.Blocks[0].Tensor, nil
	}
	return nil
}

// literalJacobian is the m×n Jacobian of the literal vector f with
// respect to scalars and entries: one reverse sweep per row.
func (c *computation) literalJacobian(r *Result, f *expr.Node) error {
	xs, at := syms(r.Wrt)
	m := f.Size()
	rows := make([]*expr.Node, 0, m*len(r.Wrt))
	for k := 0; k < m; k++ {
		g, err := diff.Grad(f.Entry(k), xs, c.diffOptions())
		if err != nil {
			return tooLarge(err)
		}
		for i, v := range r.Wrt {
			rows = append(rows, c.gradientPart(g[at[i]], v))
		}
	}
	r.Expr = expr.NewMatrix(expr.NewShape(expr.Dim{N: m}, expr.Dim{N: len(r.Wrt)}), nil, rows)
	return nil
}

// block is the derivative of f with respect to the one variable v: its
// matrix form, or a tensor where none exists.
func (c *computation) block(f *expr.Node, v Var) (Block, error) {
	b := Block{Wrt: []Var{v}}
	var err error
	switch {
	case v.Idx != nil:
		b.Expr, err = c.entryDerivative(f, v, 1)
	case v.scalar():
		b.Expr, err = c.directional(f, v.Sym, nil)
	case needsTensor(f, v.Sym):
		b.Tensor, err = c.tensor(f, v.Sym)
	default:
		b.Expr, err = c.matrixDerivative(f, v.Sym)
	}
	return b, err
}

// tensorsOf is the derivative of the matrix f with respect to several
// variables: a matrix for a scalar, a tensor for a vector or matrix.
func (c *computation) tensorsOf(r *Result, f *expr.Node) error {
	for _, v := range r.Wrt {
		b, err := c.block(f, v)
		if err != nil {
			return err
		}
		r.Blocks = append(r.Blocks, b)
	}
	return nil
}

// directional is the derivative of f with respect to x along seed (the
// partial derivative when seed is nil), simplified.
func (c *computation) directional(f, x, seed *expr.Node) (*expr.Node, error) {
	opts := *c.diffOptions()
	opts.Seed = seed
	d, err := diff.Diff(f, x, &opts)
	if err != nil {
		return nil, tooLarge(err)
	}
	return shaped(c.entry(d), f), nil
}

// shaped gives a zero derivative the shape of f: the derivative of a
// vector or matrix f that does not depend on the variable is the zero
// vector or matrix, not the number 0.
func shaped(d, f *expr.Node) *expr.Node {
	if d.IsZero() && d.Shape().IsScalar() && !f.Shape().IsScalar() {
		return expr.Zero(f.Shape())
	}
	return d
}

// entryDerivative is the order-th derivative of f with respect to the
// entry v of a vector or matrix: the derivative along its direction, taken
// order times.
func (c *computation) entryDerivative(f *expr.Node, v Var, order int) (*expr.Node, error) {
	d := f
	for k := 0; k < order; k++ {
		var parts []*expr.Node
		for _, e := range v.directions() {
			p, err := c.directional(d, v.Sym, e)
			if err != nil {
				return nil, err
			}
			parts = append(parts, p)
		}
		d = c.entry(expr.Add(parts...))
	}
	return d, nil
}

// hessianOf is the Hessian of the scalar f: over scalars the n×n matrix,
// computed only where an entry can be nonzero; over one vector its matrix
// form, the Jacobian of the gradient; over scalars and vectors the block
// matrix [[∂²f/∂x∂x, ∂²f/∂x∂y], …], one block for each pair x, y with x
// before y, the others being their transposes.
func (c *computation) hessianOf(r *Result, f *expr.Node) error {
	if !f.Shape().IsScalar() {
		return fmt.Errorf("the Hessian needs a scalar function, not a %s", f.Shape().Describe())
	}
	for _, v := range r.Wrt {
		switch {
		case v.Idx != nil:
			return unsupportedf("Hessians with respect to entries such as %s are not available: ask for the Hessian with respect to %s", v.Name(), v.Sym.Name())
		case v.rank() == 2 && len(r.Wrt) > 1:
			return unsupportedf("the Hessian with respect to the matrix %s and other variables is not available: ask for the Hessian with respect to %s alone, a tensor of rank 4", v.Sym.Name(), v.Sym.Name())
		}
	}
	xs, _ := syms(r.Wrt)
	if r.Wrt[0].rank() == 2 {
		if xs[0].IsSymmetric() {
			return unsupportedf("the Hessian with respect to the symmetric matrix %s is not available: its entries are not independent; ask for its gradient, or declare it a matrix", xs[0].Name())
		}
		// A tensor of rank 4: the derivative of the gradient G, a matrix,
		// with respect to X, ∂G_ij/∂X_pq, from its differential.
		g, err := diff.Grad(f, xs, c.diffOptions())
		if err != nil {
			return tooLarge(err)
		}
		r.Tensor, err = c.tensor(c.simp.Simplify(g[0]), xs[0])
		return err
	}
	var err error
	switch {
	case allScalar(r.Wrt):
		r.Expr, err = c.hessian(f, xs)
		return err
	case len(xs) == 1:
		r.Expr, err = c.matrixHessian(f, xs[0])
		return err
	}
	g, err := diff.Grad(f, xs, c.diffOptions())
	if err != nil {
		return tooLarge(err)
	}
	for i, xi := range xs {
		gi := c.simp.Expanded(c.simp.Simplify(g[i]))
		for _, xj := range xs[i:] {
			h, err := c.secondPart(gi, xj)
			if err != nil {
				return err
			}
			r.Blocks = append(r.Blocks, Block{Wrt: []Var{{Sym: xi}, {Sym: xj}}, Expr: h})
		}
	}
	return nil
}

// secondPart is the derivative of the part gi of a gradient (a scalar,
// or a column for a vector) with respect to xj: a block of the Hessian.
func (c *computation) secondPart(gi, xj *expr.Node) (*expr.Node, error) {
	switch {
	case xj.Shape().IsScalar() && gi.Shape().IsScalar():
		return c.derivative(gi, xj, 1, nil)
	case xj.Shape().IsScalar():
		return c.directional(gi, xj, nil) // a column
	}
	return c.matrixDerivative(gi, xj) // a row, or the Jacobian of a column
}
