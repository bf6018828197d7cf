package nabla

import (
	"fmt"
	"math/big"

	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
)

// NotAnalyticError reports an expression that complex arithmetic cannot
// evaluate: a function that is not analytic (abs, sign), or a vector or
// matrix operation.
type NotAnalyticError = eval.NotAnalyticError

// Exact returns the exact rational number r.
func Exact(r *big.Rat) Expr { return Expr{n: expr.NewConst(expr.BigRat(r))} }

// Rat returns the value of e when e is an exact number, such as 2 or
// 41/10, and ok false for anything else: a float such as 0.1 written in
// a float context, pi, or an expression with variables.
func (e Expr) Rat() (r *big.Rat, ok bool) {
	if e.n == nil || !e.n.IsConst() || e.n.Num().IsFloat() {
		return nil, false
	}
	return e.n.Num().Rat(), true
}

// Subs returns e with the variables named in defs replaced by their
// expressions, all at once: Subs(x → y, y → x) swaps x and y. Exact
// numbers fold exactly, so that (x^2 - 4) with x = 21/10 is 41/100. A
// value whose shape is not the variable's gives an invalid Expr.
func (e Expr) Subs(defs map[string]Expr) Expr {
	if e.n == nil {
		return e
	}
	nodes := make(map[string]*expr.Node, len(defs))
	vars := map[string]expr.Shape{}
	for _, v := range expr.Vars(e.n) {
		vars[v.Name()] = v.Shape()
	}
	for name, v := range defs {
		if v.n == nil {
			return invalid(fmt.Errorf("nabla: Subs: the value of %s: %w", name, v.Err()))
		}
		if s, ok := vars[name]; ok && s.Rank() != v.n.Shape().Rank() {
			return invalid(fmt.Errorf("nabla: Subs: %s is %s, but its value is %s", name, s.Describe(), v.n.Shape().Describe()))
		}
		nodes[name] = v.n
	}
	return e.with(expr.Substitute(e.n, nodes))
}

// EvalComplex evaluates the scalar expression e in complex arithmetic at
// env, which gives every variable a value: the continuation of e to
// complex arguments, which the complex-step derivative Im f(x + ih)/h
// reads. A function that is not analytic gives a *NotAnalyticError, and
// a point whose real parts lie outside the domain a *DomainError.
func (e Expr) EvalComplex(env map[string]complex128) (complex128, error) {
	if e.n == nil {
		return 0, e.Err()
	}
	return eval.Complex(e.n, env)
}
