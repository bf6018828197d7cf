package diff

import (
	"fmt"

	"github.com/nabla-math/nabla/internal/expr"
)

// Jacobian returns the Jacobian of the vector (or scalar) n with respect to
// the vector variable x in matrix form, m×p for n of size m and x of size p
// (1×p for a scalar n), by forward mode over the graph: each node's
// Jacobian is built from its operands' by the rule of its operation in the
// table, as J(A u) = A J(u) and J(f(u)) = diag(f'(u)) J(u). A Hessian in
// matrix form is the Jacobian of a gradient: for the logistic loss it gives
// Xᵀ diag(…) X.
func Jacobian(n, x *expr.Node, opts *Options) (j *expr.Node, err error) {
	switch {
	case x.Op() != expr.OpSym:
		return nil, fmt.Errorf("cannot differentiate with respect to %s: not a variable", x.Info().Name)
	case x.Shape().Rank() != 1:
		return nil, fmt.Errorf("the Jacobian in matrix form is with respect to a vector, not the %s %s", x.Shape().Describe(), x.Name())
	}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*NoRealDerivativeError); ok {
				j, err = nil, e
				return
			}
			u, ok := r.(UnsupportedError)
			if !ok {
				panic(r)
			}
			j, err = nil, u
		}
	}()
	if opts == nil {
		opts = &Options{}
	}
	jc := &jacobian{x: x, opts: opts}
	j = jc.Of(n)
	if j.IsZero() && j.Shape().IsScalar() {
		// n does not depend on x: the zero m×p matrix, a 1×p row for a
		// scalar n.
		rows, _ := expr.RowsCols(n.Shape())
		j = expr.Zero(expr.NewShape(rows, x.Shape().Dim(0)))
	}
	return j, nil
}

// jacobian is the forward-mode differentiator that the Jacobian rules of
// the operation table call back.
type jacobian struct {
	x    *expr.Node
	opts *Options
	memo expr.Memo[*expr.Node]
	deps expr.Memo[bool]
}

var zeroJ = expr.Int64(0)

// Of returns the Jacobian of the vector or scalar n.
func (jc *jacobian) Of(n *expr.Node) *expr.Node {
	if n.Op() == expr.OpSym {
		if expr.Equal(n, jc.x) {
			return expr.Identity(n.Shape().Dim(0))
		}
		return zeroJ
	}
	if len(n.Args()) == 0 {
		return zeroJ
	}
	if j, ok := jc.memo.Get(n); ok {
		return j
	}
	jc.opts.Budget.Step(1)
	info := n.Info()
	var j *expr.Node
	switch {
	case info.Jacobian != nil:
		j = info.Jacobian(jc, n)
	case n.Shape().IsScalar() && matrixArgs(n):
		// A scalar of matrices, whose Jacobians would be tensors.
		j = zeroJ
		if jc.Depends(n) {
			j = jc.gradient(n)
		}
	case info.Elementwise:
		j = jc.elementwise(n)
	case n.Shape().IsScalar():
		j = zeroJ
		if jc.Depends(n) {
			j = jc.gradient(n)
		}
	case !jc.Depends(n):
		j = zeroJ
	default:
		jc.Unsupported(name(info))
	}
	jc.memo.Put(n, j)
	return j
}

// elementwise is the Jacobian of an element-wise operation:
// J = diag(∂n/∂u) J(u), summed over the operands.
func (jc *jacobian) elementwise(n *expr.Node) *expr.Node {
	var terms []*expr.Node
	for i, a := range n.Args() {
		ja := jc.Of(a)
		if ja.IsZero() {
			continue
		}
		if i == 1 && negativeBase(n) {
			// (-2).^g: see NoRealDerivativeError.
			if exponentVaries(n, []*expr.Node{jc.x}, jc.opts) {
				panic(&NoRealDerivativeError{Pow: n})
			}
			continue
		}
		p := n.Info().Partial(n, i)
		switch {
		case n.Shape().IsScalar(), p.Shape().IsScalar():
			terms = append(terms, expr.Mul(p, ja)) // the same factor on every entry
		case a.Shape().IsScalar():
			terms = append(terms, expr.MatMul(p, ja))
		default:
			terms = append(terms, expr.MatMul(expr.Diag(p), ja))
		}
	}
	return expr.Add(terms...)
}

// gradient is the Jacobian of the scalar n, its gradient as a row, by
// reverse mode, which goes through any vector or matrix inside n:
// tr(x aᵀ), sum(sin(x aᵀ)), det(A + x xᵀ).
func (jc *jacobian) gradient(n *expr.Node) *expr.Node {
	g, err := Grad(n, []*expr.Node{jc.x}, jc.opts)
	if err != nil {
		jc.Unsupported(name(n.Info()))
	}
	return expr.Transpose(g[0])
}

// matrixArgs reports whether an operand of n is a matrix.
func matrixArgs(n *expr.Node) bool {
	for _, a := range n.Args() {
		if a.Shape().Rank() == 2 {
			return true
		}
	}
	return false
}

// Depends reports whether n depends on the variable.
func (jc *jacobian) Depends(n *expr.Node) bool {
	if n.Op() == expr.OpSym {
		return expr.Equal(n, jc.x)
	}
	if v, ok := jc.deps.Get(n); ok {
		return v
	}
	v := false
	for _, a := range n.Args() {
		if jc.Depends(a) {
			v = true
			break
		}
	}
	jc.deps.Put(n, v)
	return v
}

// Applied is the Jacobian of m r through m, r held fixed: r is a vector
// when m is a matrix or a row, a scalar or nil when m is a vector. In
// differentials, d(m) r, with the variation of x moved to the right.
func (jc *jacobian) Applied(m, r *expr.Node) *expr.Node {
	switch {
	case !jc.Depends(m):
		return zeroJ
	case m.Shape().Rank() <= 1 && r == nil:
		return jc.Of(m)
	case m.Shape().Rank() <= 1 && r.Shape().IsScalar():
		return expr.Mul(r, jc.Of(m))
	case m.Shape().Rank() <= 1:
		// A vector times a row: the Jacobian of the outer product is a
		// tensor.
		return jc.Unsupported("an outer product of a vector that depends on the variable")
	case r == nil:
		return jc.Unsupported("a matrix that depends on the variable")
	}
	if rule := m.Info().Applied; rule != nil {
		if j := rule(jc, m, r); j != nil {
			return j
		}
	}
	return jc.Unsupported(name(m.Info()) + " of a matrix that depends on the variable")
}

// Unsupported stops the differentiation: no matrix form is known for what.
func (jc *jacobian) Unsupported(what string) *expr.Node {
	panic(UnsupportedError{what})
}

// name is what messages call an operation.
func name(info *expr.OpInfo) string {
	if info.Noun != "" {
		return info.Noun
	}
	return info.Name
}
