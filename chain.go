package nabla

import (
	"context"
	"fmt"

	"github.com/nabla-math/nabla/internal/calc"
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
	return ChainRuleContext(context.Background(), src, wrt...)
}

// ChainRuleContext is ChainRule bounded by ctx.
func ChainRuleContext(ctx context.Context, src string, wrt ...string) (*Chain, error) {
	c, err := calc.ChainRule(ctx, src, wrt)
	if err != nil {
		return nil, err
	}
	return &Chain{
		Outer: Expr{n: c.Outer}, Inner: c.Inner, Defs: Expr{n: c.Defs}, Wrt: c.Wrt,
		DfDx: Expr{n: c.DfDx}, DxDt: Expr{n: c.DxDt}, Factor: Expr{n: c.Factor}, Result: Expr{n: c.Result},
	}, nil
}

// String summarises the chain rule in the notes' notation.
func (c *Chain) String() string {
	return fmt.Sprintf("∂f/∂x = %s\n∂x/∂t = %s\ndf/dt = %s", c.DfDx, c.DxDt, c.Result)
}
