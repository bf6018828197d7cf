package diff

import (
	"slices"

	"github.com/nabla-math/nabla/internal/expr"
)

// Jacobian returns the Jacobian of the vector (or scalar) n with respect to
// the vector variable x in matrix form, m×p for n of size m and x of size p
// (1×p for a scalar n), by forward mode over the graph: each node's
// Jacobian is built from its operands', as J(A u) = A J(u) and
// J(f(u)) = diag(f'(u)) J(u). A Hessian in matrix form is the Jacobian of
// a gradient: for the logistic loss it gives Xᵀ diag(…) X.
func Jacobian(n, x *expr.Node) (j *expr.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			u, ok := r.(unsupported)
			if !ok {
				panic(r)
			}
			j, err = nil, u
		}
	}()
	jc := &jacobian{x: x, memo: map[*expr.Node]*expr.Node{}, deps: map[*expr.Node]bool{}}
	j = jc.of(n)
	if j.IsZero() && j.Shape().IsScalar() {
		// n does not depend on x: the zero m×n matrix.
		j = expr.Zero(expr.NewShape(n.Shape().Dim(0), x.Shape().Dim(0)))
	}
	return j, nil
}

type jacobian struct {
	x    *expr.Node
	memo map[*expr.Node]*expr.Node
	deps map[*expr.Node]bool
}

var zeroJ = expr.Int64(0)

// asColumn turns a scalar Jacobian (1×p) factor into what multiplies a
// column: a vector u times a row r is the outer product u r.
func (jc *jacobian) of(n *expr.Node) *expr.Node {
	if n.Op() == expr.OpSym {
		if expr.Equal(n, jc.x) {
			return expr.Identity(n.Shape().Dim(0))
		}
		return zeroJ
	}
	if len(n.Args()) == 0 {
		return zeroJ
	}
	if j, ok := jc.memo[n]; ok {
		return j
	}
	if n.Op() == expr.OpMatMul {
		// Its factors may be matrices, whose Jacobians are tensors: each
		// varying factor is taken with the product of those to its right.
		j := zeroJ
		if jc.depends(n) {
			j = jc.product(n.Args(), nil)
		}
		jc.memo[n] = j
		return j
	}
	if n.Shape().IsScalar() && matrixArgs(n) {
		// A scalar of matrices, whose Jacobians would be tensors.
		j := zeroJ
		if jc.depends(n) {
			j = jc.gradient(n)
		}
		jc.memo[n] = j
		return j
	}
	js := make([]*expr.Node, len(n.Args()))
	varying := false
	for i, a := range n.Args() {
		js[i] = jc.of(a)
		varying = varying || !js[i].IsZero()
	}
	var j *expr.Node
	switch {
	case !varying:
		j = zeroJ
	case n.Op() == expr.OpAdd:
		var terms []*expr.Node
		for i, a := range n.Args() {
			if js[i].IsZero() {
				continue
			}
			if a.Shape().IsScalar() && !n.Shape().IsScalar() {
				// A scalar added to every entry: ones times its row.
				terms = append(terms, expr.MatMul(expr.Ones(n.Shape()), js[i]))
				continue
			}
			terms = append(terms, js[i])
		}
		j = expr.Add(terms...)
	case n.Op() == expr.OpMul:
		// J(u ⊙ v) = diag(v) J(u) + diag(u) J(v); a scalar factor k
		// contributes (the rest) J(k), an outer product.
		var terms []*expr.Node
		for i, a := range n.Args() {
			if js[i].IsZero() {
				continue
			}
			rest := expr.MulExcept(n, i)
			switch {
			case n.Shape().IsScalar():
				terms = append(terms, expr.Mul(rest, js[i]))
			case a.Shape().IsScalar() && !rest.Shape().IsScalar():
				terms = append(terms, expr.MatMul(rest, js[i]))
			case rest.Shape().IsScalar():
				terms = append(terms, expr.Mul(rest, js[i]))
			default:
				terms = append(terms, expr.MatMul(expr.Diag(rest), js[i]))
			}
		}
		j = expr.Add(terms...)
	case n.Op() == expr.OpPow || n.Info().Class == expr.Function && n.Info().Partial != nil && n.Info().Adjoint == nil:
		// Element-wise: J = diag(∂n/∂u) J(u) (+ the exponent's part).
		var terms []*expr.Node
		for i, a := range n.Args() {
			if js[i].IsZero() {
				continue
			}
			p := n.Info().Partial(n, i)
			switch {
			case n.Shape().IsScalar(), p.Shape().IsScalar():
				terms = append(terms, expr.Mul(p, js[i])) // the same factor on every entry
			case a.Shape().IsScalar():
				terms = append(terms, expr.MatMul(p, js[i]))
			default:
				terms = append(terms, expr.MatMul(expr.Diag(p), js[i]))
			}
		}
		j = expr.Add(terms...)
	case n.Shape().IsScalar():
		j = jc.gradient(n)
	default:
		panic(unsupported{n.Info().Name})
	}
	jc.memo[n] = j
	return j
}

// gradient is the Jacobian of the scalar n, its gradient as a row, by
// reverse mode, which goes through any vector or matrix inside n:
// tr(x aᵀ), sum(sin(x aᵀ)), det(A + x xᵀ).
func (jc *jacobian) gradient(n *expr.Node) *expr.Node {
	g, err := Grad(n, []*expr.Node{jc.x}, nil)
	if err != nil {
		panic(unsupported{n.Info().Name})
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

// depends reports whether n depends on the variable.
func (jc *jacobian) depends(n *expr.Node) bool {
	if n.Op() == expr.OpSym {
		return expr.Equal(n, jc.x)
	}
	if v, ok := jc.deps[n]; ok {
		return v
	}
	v := false
	for _, a := range n.Args() {
		if jc.depends(a) {
			v = true
			break
		}
	}
	jc.deps[n] = v
	return v
}

// product is the Jacobian of the matrix product fs r, a vector or a
// scalar, through the factors fs (r, nil for none, is held fixed): by the
// product rule, the sum over the varying factors F_i of
// F_1 … F_{i-1} J(F_i R_i), where R_i is the product of the factors right
// of F_i and r.
func (jc *jacobian) product(fs []*expr.Node, r *expr.Node) *expr.Node {
	var terms []*expr.Node
	for i, f := range fs {
		if !jc.depends(f) {
			continue
		}
		right := r
		if i+1 < len(fs) {
			right = expr.MatMul(append(slices.Clone(fs[i+1:]), nonNil(r)...)...)
		}
		t := jc.applied(f, right)
		if i > 0 {
			t = expr.MatMul(append(slices.Clone(fs[:i]), t)...)
		}
		terms = append(terms, t)
	}
	return expr.Add(terms...)
}

func nonNil(r *expr.Node) []*expr.Node {
	if r == nil {
		return nil
	}
	return []*expr.Node{r}
}

// applied is the Jacobian of m r through m, r held fixed: r is a vector
// when m is a matrix or a row, a scalar or nil when m is a vector. In
// differentials, d(m) r, with the variation of x moved to the right.
func (jc *jacobian) applied(m, r *expr.Node) *expr.Node {
	switch {
	case !jc.depends(m):
		return zeroJ
	case m.Shape().Rank() <= 1 && r == nil:
		return jc.of(m)
	case m.Shape().Rank() <= 1 && r.Shape().IsScalar():
		return expr.Mul(r, jc.of(m))
	case m.Shape().Rank() <= 1:
		// A vector times a row: the Jacobian of the outer product is a
		// tensor.
		panic(unsupported{"an outer product of a vector that depends on the variable"})
	case r == nil:
		panic(unsupported{"a matrix that depends on the variable"})
	case m.Op() == expr.OpTranspose && m.Arg(0).Shape().Rank() == 1:
		// uᵀ r = rᵀ u
		return expr.MatMul(expr.Transpose(r), jc.of(m.Arg(0)))
	case m.Op() == expr.OpDiag:
		// diag(u) r = r ⊙ u
		return expr.MatMul(expr.Diag(r), jc.of(m.Arg(0)))
	case m.Op() == expr.OpMatMul:
		return jc.product(m.Args(), r)
	case m.Op() == expr.OpInv:
		// d(N⁻¹) r = -N⁻¹ dN N⁻¹ r
		return expr.Neg(expr.MatMul(m, jc.applied(m.Arg(0), expr.MatMul(m, r))))
	case m.Op() == expr.OpAdd:
		terms := make([]*expr.Node, 0, len(m.Args()))
		for _, t := range m.Args() {
			if t.Shape().IsScalar() {
				terms = nil // a scalar added to every entry
				break
			}
			terms = append(terms, jc.applied(t, r))
		}
		if terms != nil {
			return expr.Add(terms...)
		}
	case m.Op() == expr.OpMul:
		// k M r: k J(M r) + (M r) J(k) for the scalar factors k.
		var scalars []*expr.Node
		var mat *expr.Node
		k, fs := expr.Factors(m)
		for _, f := range fs {
			switch {
			case f.Shape().IsScalar():
				scalars = append(scalars, f)
			case mat == nil:
				mat = f
			default:
				panic(unsupported{"an element-wise product of matrices"})
			}
		}
		scalars = append(scalars, expr.NewConst(k))
		c := expr.Mul(scalars...)
		terms := []*expr.Node{expr.Mul(c, jc.applied(mat, r))}
		if jc.depends(c) {
			terms = append(terms, expr.MatMul(expr.MatMul(mat, r), jc.of(c)))
		}
		return expr.Add(terms...)
	}
	name := m.Info().Name
	if m.Op() == expr.OpMul {
		name = "an element-wise product"
	}
	panic(unsupported{name + " of a matrix that depends on the variable"})
}
