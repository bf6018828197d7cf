package nabla

import (
	"errors"
	"fmt"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
	"github.com/nabla-math/nabla/internal/simplify"
)

// Chain is the multivariate chain rule worked out as in the lecture notes:
// for f(x1, …, xk) with inner functions xi(t1, …, tn),
//
//	df/dt = ∂f/∂x · ∂x/∂t,   (1×n) = (1×k)(k×n).
type Chain struct {
	Outer  Expr     // f in terms of the inner variables
	Inner  []string // the inner variables x1, …, xk, in the order defined
	Defs   Expr     // their definitions, the vector [x1(t), …, xk(t)]
	Wrt    []string // the variables t1, …, tn
	DfDx   Expr     // ∂f/∂x, 1×k, in terms of x (and t where f has it)
	DxDt   Expr     // ∂x/∂t, k×n
	Factor Expr     // ∂f/∂x · ∂x/∂t, 1×n, before substituting x
	Result Expr     // df/dt, 1×n, with x substituted and simplified
}

// ChainRule parses "f where x1 = …, x2 = …" and works out the chain rule
// with respect to wrt (default: the variables of the definitions).
func ChainRule(src string, wrt ...string) (*Chain, error) {
	var defs []parse.Def
	outer, err := parse.Parse(src, &parse.Options{Defs: &defs, NoSubstitute: true})
	if err != nil {
		return nil, err
	}
	if len(defs) == 0 {
		return nil, errors.New("the chain rule needs inner functions: f where x1 = …, x2 = …")
	}
	c := &Chain{Outer: Expr{n: outer}}
	values := make([]Expr, len(defs))
	for i, d := range defs {
		c.Inner = append(c.Inner, d.Name)
		values[i] = Expr{n: d.Value}
	}
	c.Defs = Vector(values...)
	if len(wrt) == 0 {
		wrt = c.Defs.Vars()
	}
	c.Wrt = wrt
	if c.DfDx, err = Grad(c.Outer, c.Inner...); err != nil {
		return nil, err
	}
	if c.DxDt, err = Jacobian(c.Defs, wrt...); err != nil {
		return nil, err
	}
	k, n := len(c.Inner), len(wrt)
	prod := make([]*expr.Node, n)
	sub := make(map[string]*expr.Node, k)
	for _, d := range defs {
		sub[d.Name] = d.Value
	}
	res := make([]*expr.Node, n)
	for j := 0; j < n; j++ {
		terms := make([]*expr.Node, k)
		for i := 0; i < k; i++ {
			terms[i] = expr.Mul(c.DfDx.n.Entry(i), c.DxDt.n.Entry(i*n+j))
		}
		prod[j] = expr.Add(terms...)
		if contains(c.Inner, wrt[j]) {
			return nil, fmt.Errorf("%s is an inner variable: differentiate with respect to the variables of its definition", wrt[j])
		}
		// The outer function may also depend on t directly: add ∂f/∂t.
		direct, err := Diff(c.Outer, wrt[j], 1)
		if err != nil {
			return nil, err
		}
		prod[j] = expr.Add(prod[j], direct.n)
		res[j] = simplify.Simplify(expr.Substitute(prod[j], sub))
	}
	row := expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: n})
	c.Factor = Expr{n: expr.NewMatrix(row, nil, prod)}
	c.Result = Expr{n: expr.NewMatrix(row, nil, res)}
	return c, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// String summarises the chain rule in the notes' notation.
func (c *Chain) String() string {
	return fmt.Sprintf("∂f/∂x = %s\n∂x/∂t = %s\ndf/dt = %s", c.DfDx, c.DxDt, c.Result)
}
