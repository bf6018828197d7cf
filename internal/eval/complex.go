package eval

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
)

// NotAnalyticError reports an expression that complex arithmetic cannot
// evaluate: an operation that is not analytic (abs, sign) or has no
// complex kernel (matrix operations).
type NotAnalyticError struct {
	Node *expr.Node // the operation
}

// Error returns the message.
func (e *NotAnalyticError) Error() string {
	info := e.Node.Info()
	name := info.Noun
	if name == "" {
		name = info.Name
	}
	s := format.Short(e.Node, 80)
	if info.Elementwise {
		return fmt.Sprintf("%s is not analytic, in %s: complex arithmetic does not apply", name, s)
	}
	return fmt.Sprintf("%s has no complex form, in %s: complex arithmetic takes scalar functions", name, s)
}

// Complex evaluates the scalar expression n in complex arithmetic with
// the variables of env, each node once, by the table's Complex kernels.
// A value outside the domain of the real function at the real parts is a
// DomainError, as in real arithmetic, and an expression without a value,
// one that applies a declared function, an *expr.NoValueError. As
// Compile, it evaluates the stable form of n.
func Complex(n *expr.Node, env map[string]complex128) (complex128, error) {
	if err := expr.CheckValues(n); err != nil {
		return 0, err
	}
	n = expr.Stable(n)
	var memo expr.Memo[complex128]
	var walk func(n *expr.Node) (complex128, error)
	walk = func(n *expr.Node) (complex128, error) {
		if v, ok := memo.Get(n); ok {
			return v, nil
		}
		info := n.Info()
		var v complex128
		switch {
		case n.Op() == expr.OpSym:
			x, ok := env[n.Name()]
			if !ok {
				return 0, fmt.Errorf("no value for %s", n.Name())
			}
			v = x
		case info.Value != nil:
			v = complex(info.Value(n), 0)
		case info.Complex == nil || !n.Shape().IsScalar():
			return 0, &NotAnalyticError{Node: n}
		default:
			args := make([]complex128, len(n.Args()))
			re := make([]float64, len(args))
			for i, a := range n.Args() {
				x, err := walk(a)
				if err != nil {
					return 0, err
				}
				args[i], re[i] = x, real(x)
			}
			if _, msg := info.Eval(re); msg != "" {
				return 0, &DomainError{Node: n, Msg: msg}
			}
			v = info.Complex(args)
			if cmplx.IsNaN(v) || cmplx.IsInf(v) || math.IsNaN(real(v)) {
				return 0, &DomainError{Node: n, Msg: "overflow"}
			}
		}
		memo.Put(n, v)
		return v, nil
	}
	return walk(n)
}
