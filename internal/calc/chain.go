package calc

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
)

// Chain is the multivariate chain rule worked out as in the lecture notes:
// for f(x1, …, xk) with inner functions xi(t1, …, tn),
//
//	df/dt = ∂f/∂x · ∂x/∂t,   (1×n) = (1×k)(k×n).
type Chain struct {
	Outer  *expr.Node   // f in terms of the inner variables
	Inner  []string     // the inner variables x1, …, xk, in the order defined
	Defs   *expr.Node   // their definitions, the vector [x1(t), …, xk(t)]
	Wrt    []string     // the variables t1, …, tn
	DfDx   *expr.Node   // ∂f/∂x, 1×k, in terms of x (and t where f has it)
	DxDt   *expr.Node   // ∂x/∂t, k×n
	Factor *expr.Node   // ∂f/∂x · ∂x/∂t, 1×n, before substituting x
	Result *expr.Node   // df/dt, 1×n, with x substituted and simplified
	Values []*expr.Node // the definitions, in the order of Inner
}

// row is the gradient of f with respect to the scalars xs as a 1×n row,
// even for one variable.
func (c *computation) row(f *expr.Node, xs []Var) (*expr.Node, error) {
	r := &Result{Wrt: xs}
	if err := c.gradientOf(r, f); err != nil {
		return nil, err
	}
	// The gradient over scalars is already the row 1×n, also for n = 1:
	// wrapping it again made ∂f/∂x the 1×1 matrix [[[[2x]]]], and df/dt
	// a scalar times a 1×1 matrix.
	if r.Expr.Op() == expr.OpMatrix {
		return r.Expr, nil
	}
	return expr.NewMatrix(expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: 1}), nil, []*expr.Node{r.Expr}), nil
}

// DeclareError reports an inner function of a chain rule over scalars
// whose definition is a vector or matrix: the chain rule through it is
// the one of vectors and matrices, which needs it declared.
type DeclareError struct {
	Name  string
	Shape expr.Shape
}

// Error says so, and how to declare it.
func (e *DeclareError) Error() string {
	flag := "--vector"
	if e.Shape.Rank() == 2 {
		flag = "--matrix"
	}
	return fmt.Sprintf("%s is defined as a %s: declare it (%s %s) for the chain rule through it", e.Name, e.Shape.Describe(), flag, e.Name)
}

// ChainRule parses "f where x1 = …, x2 = …", with the line and the
// declared functions of opts (nil for none), and works out the chain rule
// with respect to wrt (default: the variables of the definitions).
func ChainRule(ctx context.Context, src string, opts *parse.Options, wrt []string) (ch *Chain, err error) {
	var defs []parse.Def
	po := parse.Options{Defs: &defs, NoSubstitute: true}
	if opts != nil {
		po.Line, po.Functions = opts.Line, opts.Functions
	}
	outer, err := parse.Parse(src, &po)
	if err != nil {
		return nil, err
	}
	if len(defs) == 0 {
		return nil, errors.New("the chain rule needs inner functions: f where x1 = …, x2 = …")
	}
	c := newComputation(ctx)
	defer c.done(&err)
	ch = &Chain{Outer: outer}
	sub := make(map[string]*expr.Node, len(defs))
	for _, d := range defs {
		if !d.Value.Shape().IsScalar() {
			return nil, &DeclareError{Name: d.Name, Shape: d.Value.Shape()}
		}
		ch.Inner = append(ch.Inner, d.Name)
		ch.Values = append(ch.Values, d.Value)
		sub[d.Name] = d.Value
	}
	ch.Defs = expr.Vec(ch.Values...)
	if len(wrt) == 0 {
		wrt = expr.VarNames(ch.Defs)
	}
	ch.Wrt = wrt
	inner, err := variables(outer, nil, ch.Inner, true)
	if err != nil {
		return nil, err
	}
	if ch.DfDx, err = c.row(outer, inner); err != nil {
		return nil, err
	}
	ts, err := variables(ch.Defs, nil, wrt, true)
	if err != nil {
		return nil, err
	}
	dxdt := &Result{Wrt: ts}
	if err = c.literalJacobian(dxdt, ch.Defs); err != nil {
		return nil, err
	}
	ch.DxDt = dxdt.Expr
	k, n := len(ch.Inner), len(wrt)
	prod := make([]*expr.Node, n)
	res := make([]*expr.Node, n)
	for j := 0; j < n; j++ {
		terms := make([]*expr.Node, k)
		for i := 0; i < k; i++ {
			terms[i] = expr.Mul(ch.DfDx.Entry(i), ch.DxDt.Entry(i*n+j))
		}
		prod[j] = expr.Add(terms...)
		if slices.Contains(ch.Inner, wrt[j]) {
			return nil, fmt.Errorf("%s is an inner variable: differentiate with respect to the variables of its definition", wrt[j])
		}
		// The outer function may also depend on t directly: add ∂f/∂t.
		direct, err := c.derivative(outer, Variable(outer, nil, wrt[j]), 1, nil)
		if err != nil {
			return nil, err
		}
		prod[j] = expr.Add(prod[j], direct)
		res[j] = c.simp.Simplify(expr.Substitute(prod[j], sub))
	}
	row := expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: n})
	ch.Factor = expr.NewMatrix(row, nil, prod)
	ch.Result = expr.NewMatrix(row, nil, res)
	return ch, nil
}
