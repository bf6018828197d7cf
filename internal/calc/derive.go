// Package calc decides and computes derivatives: which derivative the
// shapes of a function and its variables call for (a derivative of some
// order, a gradient, a Jacobian, a Hessian, a tensor), by which pass of
// package diff, and how it is simplified between and after the passes.
// The library's entry points and the command line both call Derive, so
// they never disagree.
//
// Every pass spends steps from a budget bound to the caller's context: a
// derivative that grows too fast is stopped at the context's deadline
// with a *budget.Stopped, and a result beyond the node limits with
// ErrTooLarge.
package calc

import (
	"context"
	"errors"
	"fmt"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/simplify"
)

// Limits on the work of one derivative.
const (
	// MaxResultNodes bounds the size of a result, in graph nodes.
	MaxResultNodes = 50_000
	// MaxOrder bounds the order of a derivative.
	MaxOrder = 100
)

// ErrTooLarge is returned when a result exceeds the size limits.
var ErrTooLarge = errors.New("result too large")

// Kind is the kind of derivative asked for.
type Kind uint8

// The kinds.
const (
	// Auto is the derivative the shapes call for: of a given order with
	// respect to one scalar, in matrix form with respect to a vector or
	// matrix, a tensor where no matrix form exists, the gradient or
	// Jacobian with respect to several variables.
	Auto Kind = iota
	Gradient
	Jacobian
	Hessian
)

// String names the kind: "diff", "grad", "jacobian", "hessian".
func (k Kind) String() string {
	if names := [...]string{"diff", "grad", "jacobian", "hessian"}; int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Options configures Derive. A nil *Options means the defaults.
type Options struct {
	Kind Kind
	// Order is the order of a derivative of kind Auto with respect to
	// one variable; 0 means 1.
	Order int
	// Record, if set, receives the derivative rules that fired, for a
	// first derivative with respect to one scalar.
	Record func(diff.Step)
	// Strict makes a variable that the expression does not have an
	// error, not a note.
	Strict bool
}

// Result is a derivative: Expr in matrix form, or Tensor where none
// exists, or, with respect to variables of different shapes, Blocks, one
// per variable (per pair of variables for a Hessian), each in its own
// layout.
type Result struct {
	Kind   Kind
	Wrt    []Var
	Order  int
	Expr   *expr.Node
	Tensor *Tensor
	Blocks []Block
	// Notes are the variables asked for that the expression does not
	// have (*AbsentError): the derivative with respect to them is 0.
	Notes []error
}

// Block is the part of a derivative with respect to one variable (two
// for a Hessian): ∂f/∂x in its layout (a row for a vector x, x's shape for
// a matrix, a column for a vector f and a scalar x), or a tensor where no
// matrix form exists.
type Block struct {
	Wrt    []Var
	Expr   *expr.Node
	Tensor *Tensor
}

// Derive computes the derivative of f with respect to the variables named
// wrt that opts asks for. decl gives the shapes of declared variables, for
// those f does not use; a name f does not have is a scalar. The work is
// bounded by ctx.
func Derive(ctx context.Context, f *expr.Node, decl map[string]expr.Shape, wrt []string, opts *Options) (r *Result, err error) {
	if opts == nil {
		opts = &Options{}
	}
	order := opts.Order
	if order == 0 {
		order = 1
	}
	if order < 0 || order > MaxOrder {
		return nil, fmt.Errorf("order %d out of range 0…%d", order, MaxOrder)
	}
	vars, err := variables(f, decl, wrt, opts.Kind != Auto || len(wrt) > 1)
	if err != nil {
		return nil, err
	}
	notes := absent(f, vars)
	if opts.Strict && len(notes) > 0 {
		return nil, notes[0]
	}
	c := newComputation(ctx)
	defer c.done(&err)
	r = &Result{Kind: opts.Kind, Wrt: vars, Order: order, Notes: notes}
	switch {
	case opts.Kind == Hessian:
		err = c.hessianOf(r, f)
	case opts.Kind == Auto && len(vars) == 1:
		err = c.single(r, f, vars[0], order, opts.Record)
	case opts.Kind == Jacobian, opts.Kind == Auto && f.Shape().Rank() == 1:
		r.Kind = Jacobian
		err = c.jacobianOf(r, f)
	case opts.Kind == Gradient, opts.Kind == Auto && f.Shape().IsScalar():
		r.Kind = Gradient
		err = c.gradientOf(r, f)
	default:
		err = c.tensorsOf(r, f)
	}
	if err != nil {
		return nil, refusal(err)
	}
	return r, nil
}

// single computes the derivative with respect to one variable: of the
// given order with respect to a scalar or an entry, in matrix form with
// respect to a vector or matrix, a tensor where no matrix form exists.
func (c *computation) single(r *Result, f *expr.Node, x Var, order int, record func(diff.Step)) (err error) {
	switch {
	case x.Idx != nil:
		r.Expr, err = c.entryDerivative(f, x, order)
	case x.scalar():
		r.Expr, err = c.derivative(f, x.Sym, order, record)
	case order != 1 || record != nil:
		err = unsupportedf("with respect to the %s %s only first derivatives are available", kindOf(x.Sym), x.Sym.Name())
	case needsTensor(f, x.Sym):
		r.Tensor, err = c.tensor(f, x.Sym)
	default:
		r.Expr, err = c.matrixDerivative(f, x.Sym)
	}
	return err
}

// refusal turns the differentiators' refusals into UnsupportedError.
func refusal(err error) error {
	var u diff.UnsupportedError
	if errors.As(err, &u) {
		return &UnsupportedError{u.Error()}
	}
	return err
}

// computation holds the budget and the simplifier of one derivative.
type computation struct {
	budget budget.Budget
	b      *budget.Budget // &budget
	simp   *simplify.Simplifier
	opts   diff.Options
}

func newComputation(ctx context.Context) *computation {
	c := &computation{budget: budget.Make(ctx)}
	c.b = &c.budget
	c.simp = simplify.Acquire(c.b)
	c.opts.Budget = c.b
	return c
}

// done ends the computation: it returns the simplifier for reuse and
// turns a stop of the budget into the error *err; deferred.
func (c *computation) done(err *error) {
	simplify.Release(c.simp)
	if r := recover(); r != nil {
		s, ok := r.(*budget.Stopped)
		if !ok {
			panic(r)
		}
		*err = s
	}
}

// diffOptions returns the options of the differentiator's passes: the
// computation's budget. They are shared: a pass that needs other options
// copies them.
func (c *computation) diffOptions() *diff.Options { return &c.opts }

func kindOf(x *expr.Node) string {
	if x.Shape().Rank() == 1 {
		return "vector"
	}
	return "matrix"
}

// tooLarge turns the differentiator's node limit into ErrTooLarge.
func tooLarge(err error) error {
	if errors.Is(err, diff.ErrTooLarge) {
		return ErrTooLarge
	}
	return err
}

// derivative is the order-th derivative of f with respect to the scalar
// x, simplified. Between derivatives the result is kept in expanded form
// when that is smaller; at the end common factors are pulled out.
func (c *computation) derivative(f, x *expr.Node, order int, record func(diff.Step)) (*expr.Node, error) {
	opts := c.diffOptions()
	if record != nil {
		o := *opts
		o.Record = record
		opts = &o
	}
	d := f
	for k := 0; k < order; k++ {
		var err error
		d, err = diff.Diff(d, x, opts)
		if err != nil {
			if errors.Is(err, diff.ErrTooLarge) {
				return nil, fmt.Errorf("derivative of order %d: %w", k+1, ErrTooLarge)
			}
			return nil, err
		}
		d = c.simp.Simplify(d)
		switch {
		case order == 1 && simplify.MayCancel(d):
			// Terms may cancel once multiplied out, as in the logistic
			// log-likelihood's x y (1 - σ) - x σ (1 - y) = x (y - σ).
			d = c.simp.Normal(d)
		case order > 1 && k < order-1:
			// Between derivatives, the expanded form when it is smaller:
			// the next derivative of a sum of products is again one.
			d = c.simp.Expanded(d)
		case order > 1:
			d = c.simp.Normal(d)
		}
		if order == 1 {
			break // the differentiator's budget bounds a single derivative
		}
		if nodes := expr.Count(d); nodes > MaxResultNodes {
			return nil, fmt.Errorf("derivative of order %d: %w (%d nodes; the limit is %d)", k+1, ErrTooLarge, nodes, MaxResultNodes)
		}
	}
	return shaped(d, f), nil
}
