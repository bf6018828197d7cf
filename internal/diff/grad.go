package diff

import (
	"fmt"

	"github.com/nabla-math/nabla/internal/expr"
)

// Grad returns ∂n/∂x for every variable x of xs by one reverse sweep over
// the graph (symbolic reverse mode): each node's adjoint is the sum of its
// parents' adjoints times their partial derivatives, so the gradient costs
// a small multiple of the function itself, however many variables there
// are. n must be a scalar.
func Grad(n *expr.Node, xs []*expr.Node, opts *Options) (g []*expr.Node, err error) {
	for _, x := range xs {
		if x.Op() != expr.OpSym {
			return nil, fmt.Errorf("cannot differentiate with respect to %s: not a variable", x.Info().Name)
		}
	}
	if !n.Shape().IsScalar() {
		return nil, fmt.Errorf("the gradient needs a scalar function, not a %s", n.Shape().Describe())
	}
	if opts == nil {
		opts = &Options{}
	}
	budget := opts.MaxNodes
	if budget == 0 {
		budget = DefaultMaxNodes
	}
	defer func() {
		if r := recover(); r != nil {
			switch r := r.(type) {
			case UnsupportedError:
				g, err = nil, r
				return
			case *NoRealDerivativeError:
				g, err = nil, r
				return
			}
			if r != errBudget {
				panic(r)
			}
			g, err = nil, ErrTooLarge
		}
	}()
	spend := func(k int) {
		opts.Budget.Step(k)
		budget -= k
		if budget < 0 {
			panic(errBudget)
		}
	}

	wanted := make(map[string]*expr.Node, len(xs))
	for _, x := range xs {
		wanted[x.Name()] = x
	}
	isWanted := func(m *expr.Node) bool {
		if m.Op() != expr.OpSym {
			return false
		}
		x, ok := wanted[m.Name()]
		return ok && expr.Equal(m, x)
	}

	// Post-order of the nodes that depend on a wanted variable.
	var dep expr.Memo[bool]
	var order []*expr.Node
	var visit func(m *expr.Node) bool
	visit = func(m *expr.Node) bool {
		if v, ok := dep.Get(m); ok {
			return v
		}
		v := isWanted(m)
		for _, a := range m.Args() {
			if visit(a) {
				v = true
			}
		}
		dep.Put(m, v)
		if v {
			order = append(order, m)
			spend(1)
		}
		return v
	}
	visit(n)

	// Sweep from the root to the leaves, parents before children.
	contrib := make(map[*expr.Node][]*expr.Node, len(order))
	if v, _ := dep.Get(n); v {
		contrib[n] = []*expr.Node{expr.Int64(1)}
	}
	adj := make(map[string]*expr.Node)
	for k := len(order) - 1; k >= 0; k-- {
		m := order[k]
		a := expr.Add(contrib[m]...)
		delete(contrib, m)
		spend(1)
		if m.Op() == expr.OpSym {
			// Equal variables may be different nodes: add them up.
			if prev, ok := adj[m.Name()]; ok {
				a = expr.Add(prev, a)
			}
			adj[m.Name()] = a
			continue
		}
		info := m.Info()
		// (-2)^g: no derivative over the reals where g varies; where g′
		// is 0 (g = sign(x)), no adjoint flows into g.
		constantPower := negativeBase(m)
		if constantPower && exponentVaries(m, xs, opts) {
			panic(&NoRealDerivativeError{Pow: m})
		}
		for i, arg := range m.Args() {
			if v, _ := dep.Get(arg); !v || constantPower {
				continue
			}
			spend(2)
			contrib[arg] = append(contrib[arg], adjoint(m, a, i))
		}
		if opts.Record != nil {
			opts.Record(Step{Rule: "reverse " + info.Rule, Node: m, Result: a})
		}
	}
	g = make([]*expr.Node, len(xs))
	for i, x := range xs {
		g[i] = expr.Zero(x.Shape()) // f does not depend on x
		if a, ok := adj[x.Name()]; ok && !(a.IsZero() && a.Shape().IsScalar()) {
			g[i] = a
		}
	}
	return g, nil
}

// UnsupportedError reports an operation that the differentiators in
// matrix form cannot go through.
type UnsupportedError struct{ Op string }

// Error names the operation.
func (u UnsupportedError) Error() string {
	return "cannot differentiate through " + u.Op + " with respect to a vector or matrix"
}

// adjoint is the contribution of m's adjoint a to the adjoint of its
// operand i: the operation's own rule for linear algebra, a times the
// partial derivative (element-wise) for the scalar operations.
func adjoint(m, a *expr.Node, i int) *expr.Node {
	info := m.Info()
	if info.Adjoint != nil {
		c := info.Adjoint(m, a, i)
		if c == nil {
			panic(UnsupportedError{name(info)})
		}
		return c
	}
	if info.Partial == nil {
		panic(UnsupportedError{name(info)})
	}
	p := info.Partial(m, i)
	var c *expr.Node
	switch {
	case p.IsNum(1):
		c = a
	case a.IsNum(1):
		c = p // no product to canonicalise: ∂(x1⋯xn)/∂xi stays one node
	default:
		c = expr.Mul(a, p)
	}
	if m.Arg(i).Shape().IsScalar() && !c.Shape().IsScalar() {
		c = expr.Sum(c) // a scalar acting on every entry collects them all
	}
	return c
}
