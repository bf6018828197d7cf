package nabla

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nabla-math/nabla/internal/calc"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
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
	return ChainRuleWith(ctx, src, nil, wrt...)
}

// ChainRuleWith is ChainRuleContext with the line and the abstract
// functions of opts (ParseOptions.Functions): with f declared, "f(x, y)
// where x = cos(t), y = sin(t)" has ∂f/∂x = [∂₁f(x, y), ∂₂f(x, y)] and
// df/dt = cos(t) ∂₂f(cos(t), sin(t)) - sin(t) ∂₁f(cos(t), sin(t)). The
// inner variables are scalars; for vectors and matrices see ChainLinks.
func ChainRuleWith(ctx context.Context, src string, opts *ParseOptions, wrt ...string) (*Chain, error) {
	var po parse.Options
	if opts != nil {
		var err error
		if po.Functions, err = declareFunctions(opts); err != nil {
			return nil, err
		}
		po.Line = opts.Line
	}
	c, err := calc.ChainRule(ctx, src, &po, wrt)
	if err != nil {
		return nil, err
	}
	return &Chain{
		Outer: Expr{n: c.Outer}, Inner: c.Inner, Defs: Expr{n: c.Defs}, Wrt: c.Wrt,
		DfDx: Expr{n: c.DfDx}, DxDt: Expr{n: c.DxDt}, Factor: Expr{n: c.Factor}, Result: Expr{n: c.Result},
	}, nil
}

// String summarises the chain rule in the notes' notation, with the
// chain's own variables: ∂f/∂(x, y, z), ∂(x, y, z)/∂(p, q, r), df/d(p, q, r).
func (c *Chain) String() string {
	_, tt := c.names()
	return fmt.Sprintf("%s = %s\n%s = %s\ndf/d%s = %s", c.DfDxName(), c.DfDx, c.DxDtName(), c.DxDt, tt.Text, c.Result)
}

// DfDxName is the name of the factor DfDx with the inner variables:
// ∂f/∂(x1, x2), or ∂f/∂u for one.
func (c *Chain) DfDxName() Label {
	x, _ := c.names()
	return Label{"∂f/∂" + x.Text, `\frac{\partial f}{\partial ` + x.LaTeX + `}`}
}

// DxDtName is the name of the factor DxDt with the inner variables and
// those of Wrt: ∂(x, y, z)/∂(p, q, r), ∂(x1, x2)/∂t.
func (c *Chain) DxDtName() Label {
	x, t := c.names()
	return Label{"∂" + x.Text + "/∂" + t.Text, `\frac{\partial ` + x.LaTeX + `}{\partial ` + t.LaTeX + `}`}
}

// names writes the inner variables and those of Wrt as a variable is
// written, or several in parentheses: (x1, x2).
func (c *Chain) names() (x, t Label) {
	return tuple(c.Inner), tuple(c.Wrt)
}

// Link is one factor of the chain rule through vectors and matrices: the
// derivative of Of with respect to Wrt, in matrix form, and its shape.
type Link struct {
	Of, Wrt string
	Expr    Expr
	Dims    []string // "1", "N": the rows and columns, or none for a scalar
}

// Links is the chain rule through inner variables of any shape, as the
// notes derive the least-squares gradient (§5.2.2, §5.3):
//
//	dL/dθ = ∂L/∂e · ∂e/∂θ,   (1×N)(N×D) = 1×D,
//
// for L = eᵀe where e = y − Φθ: one factor per link of the chain from the
// outer function to the variable, in matrix form.
type Links struct {
	Outer   Expr   // f in terms of the first inner variable
	Links   []Link // ∂f/∂x1, ∂x1/∂x2, …, ∂xk/∂t
	Product Expr   // the factors multiplied, in terms of the inner variables
	Result  Expr   // df/dt, the definitions substituted, simplified
}

// ChainLinks parses "f where x1 = …, x2 = …" with the declarations of
// opts, follows the chain of definitions from f to the variable wrt and
// gives each link's derivative. The chain must be one path: each
// function in it depends on wrt through one inner variable (x1 = g(x2),
// x2 = h(t)); f with several inner variables of one level is the
// multivariate chain rule of ChainRule. A chain of several paths, or a
// link with no matrix form (∂(Xb)/∂X, a tensor), is an *UnsupportedError.
func ChainLinks(ctx context.Context, src string, opts *ParseOptions, wrt string) (*Links, error) {
	var po parse.Options
	var closed, defs []parse.Def
	po.Defs, po.RawDefs, po.NoSubstitute = &closed, &defs, true
	var decl map[string]expr.Shape
	if opts != nil {
		var err error
		po.Line = opts.Line
		if po.Vars, po.Symmetric, err = declare(opts); err != nil {
			return nil, err
		}
		if po.Functions, err = declareFunctions(opts); err != nil {
			return nil, err
		}
		po.Resolved = &decl
	}
	outer, err := parse.Parse(src, &po)
	if err != nil {
		return nil, err
	}
	if len(defs) == 0 {
		return nil, errors.New("the chain rule needs inner functions: f where x1 = …, x2 = …")
	}
	value := map[string]*expr.Node{}
	for _, d := range defs {
		value[d.Name] = d.Value
	}
	// reaches reports whether n depends on wrt, directly or through the
	// definitions.
	var reaches func(n *expr.Node) bool
	reaches = func(n *expr.Node) bool {
		for _, v := range expr.Vars(n) {
			if v.Name() == wrt || value[v.Name()] != nil && reaches(value[v.Name()]) {
				return true
			}
		}
		return false
	}
	wrap := func(n *expr.Node) Expr { return Expr{n: n, decl: decl} }
	cur, name := outer, "f"
	if outer.Op() == expr.OpSym && value[outer.Name()] != nil {
		// "f where f = …": the chain starts at f's definition.
		cur, name = value[outer.Name()], outer.Name()
	}
	l := &Links{Outer: wrap(cur)}
	for {
		var next []string
		direct := false
		for _, v := range expr.Vars(cur) {
			switch {
			case v.Name() == wrt:
				direct = true
			case value[v.Name()] != nil && reaches(value[v.Name()]):
				next = append(next, v.Name())
			}
		}
		var by string
		switch {
		case len(next) == 0 && direct:
			by = wrt
		case len(next) == 1 && !direct:
			by = next[0]
		case len(next) == 0:
			return nil, fmt.Errorf("%s does not depend on %s", name, wrt)
		default:
			paths := next
			if direct {
				paths = append(paths, wrt)
			}
			return nil, &UnsupportedError{Msg: fmt.Sprintf("%s depends on %s through %s: the chain has several paths; diff --chain works them out for scalar inner variables", name, wrt, strings.Join(paths, " and "))}
		}
		d, err := Derive(ctx, wrap(cur), []string{by}, nil)
		if err != nil {
			return nil, err
		}
		if d.Expr.Err() != nil {
			return nil, &UnsupportedError{Msg: fmt.Sprintf("∂%s/∂%s has no matrix form", name, by)}
		}
		l.Links = append(l.Links, Link{Of: name, Wrt: by, Expr: d.Expr, Dims: d.Expr.Dims()})
		if by == wrt {
			break
		}
		cur, name = value[by], by
	}
	factors := make([]Expr, len(l.Links))
	for i, k := range l.Links {
		factors[i] = k.Expr
	}
	l.Product = MatMul(factors...)
	if len(factors) == 1 {
		l.Product = factors[0]
	}
	// The definitions substituted, each in terms of the variables.
	closedValue := map[string]*expr.Node{}
	for _, d := range closed {
		closedValue[d.Name] = d.Value
	}
	l.Result = wrap(expr.Substitute(l.Product.n, closedValue)).Simplify()
	if err := l.Result.Err(); err != nil {
		return nil, err
	}
	return l, nil
}
