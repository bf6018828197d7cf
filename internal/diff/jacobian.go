package diff

import (
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
	jc := &jacobian{x: x, memo: map[*expr.Node]*expr.Node{}}
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
	case n.Op() == expr.OpMatMul:
		// Only the last factor may vary: J(A u) = A J(u).
		last := len(n.Args()) - 1
		for i := 0; i < last; i++ {
			if !js[i].IsZero() {
				panic(unsupported{"a product whose left factors depend on the variable"})
			}
		}
		j = expr.MatMul(append(append([]*expr.Node{}, n.Args()[:last]...), js[last])...)
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
	default:
		if n.Shape().IsScalar() {
			// A scalar of the vector: its Jacobian is its gradient, a row.
			g, err := Grad(n, []*expr.Node{jc.x}, nil)
			if err != nil {
				panic(unsupported{n.Info().Name})
			}
			j = expr.Transpose(g[0])
		} else {
			panic(unsupported{n.Info().Name})
		}
	}
	jc.memo[n] = j
	return j
}
