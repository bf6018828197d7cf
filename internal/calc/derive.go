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
	"sync"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/simplify"
)

// Limits on the work of one derivative.
const (
	// MaxResultNodes bounds the size of a result, in graph nodes.
	MaxResultNodes = 50_000
	// MaxOrder bounds the order of a derivative whose work grows with
	// the order. A polynomial in the variable has derivatives of any
	// order: past its degree they are 0.
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

	one [1]Var // the room of Wrt for one variable
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
func Derive(ctx context.Context, f *expr.Node, decl map[string]expr.Shape, wrt []string, opts *Options) (*Result, error) {
	r := new(Result)
	if err := DeriveInto(r, r.one[:], ctx, f, decl, wrt, opts); err != nil {
		return nil, err
	}
	return r, nil
}

// DeriveInto is Derive into the result r, with the variables in buf
// when it has room: both may stay on the caller's stack.
func DeriveInto(r *Result, buf []Var, ctx context.Context, f *expr.Node, decl map[string]expr.Shape, wrt []string, opts *Options) (err error) {
	if opts == nil {
		opts = &Options{}
	}
	order := opts.Order
	if order == 0 {
		order = 1
	}
	if order < 0 {
		return &OrderError{order}
	}
	*r = Result{Kind: opts.Kind, Order: order}
	vars, err := variablesInto(buf, f, decl, wrt, opts.Kind != Auto || len(wrt) > 1)
	if err != nil {
		return err
	}
	if order > MaxOrder && !anyOrder(f, vars, opts.Kind) {
		return &OrderError{order}
	}
	r.Wrt = vars
	c := newComputation(ctx)
	defer c.done(&err)
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
		return refusal(err)
	}
	// A variable f lacks has a zero derivative: only those are looked
	// for in f, which spares the walk over f in the common case.
	r.Notes = absent(f, zeroParts(r))
	if err := notFunctions(f, r.Notes); err != nil {
		return err
	}
	if opts.Strict && len(r.Notes) > 0 {
		return r.Notes[0]
	}
	return nil
}

// zeroParts returns the variables of r whose part of the derivative is
// zero: all of it with respect to one variable, its blocks, or its
// column of a matrix over scalars.
func zeroParts(r *Result) []Var {
	zero := func(n *expr.Node) bool { return n.IsZero() || n.IsZeroMatrix() }
	var nonzeroCols []bool // of a matrix over scalars, made once
	if r.Blocks == nil && r.Tensor == nil && len(r.Wrt) > 1 && r.Expr.Op() == expr.OpMatrix {
		cols := r.Expr.Shape().Dim(1).N
		nonzeroCols = make([]bool, cols)
		pos, sparse := r.Expr.Sparse()
		for k, e := range r.Expr.Args() {
			if !e.IsZero() {
				if sparse {
					nonzeroCols[int(pos[k])%cols] = true
				} else {
					nonzeroCols[k%cols] = true
				}
			}
		}
	}
	var out []Var
	for i, v := range r.Wrt {
		z := true
		switch {
		case r.Blocks != nil:
			for _, b := range r.Blocks {
				for _, w := range b.Wrt {
					if w.Name() == v.Name() && (b.Tensor == nil && !zero(b.Expr) || b.Tensor != nil && !zero(b.Tensor.Differential)) {
						z = false
					}
				}
			}
		case r.Tensor != nil:
			z = zero(r.Tensor.Differential)
		case len(r.Wrt) == 1 || r.Expr.Op() != expr.OpMatrix:
			z = zero(r.Expr)
		default:
			// Column i of a row, a Jacobian or a Hessian over scalars.
			z = !nonzeroCols[i]
		}
		if z {
			out = append(out, v)
		}
	}
	return out
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
	case order == 2 && record == nil:
		err = unsupportedf("the second derivative with respect to the %s %s is its Hessian: ask for the Hessian (nabla hessian)", kindOf(x.Sym), x.Sym.Name())
	case order != 1 || record != nil:
		err = unsupportedf("with respect to the %s %s only the first derivative is available, and the second as the Hessian (nabla hessian)", kindOf(x.Sym), x.Sym.Name())
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
		return &UnsupportedError{Msg: u.Error()}
	}
	return tooLarge(err)
}

// computation holds the budget and the simplifier of one derivative.
type computation struct {
	budget budget.Budget
	b      *budget.Budget // &budget
	simp   *simplify.Simplifier
	opts   diff.Options
}

// computations keeps computations for reuse: a derivative of a small
// expression costs as little as the differentiation itself.
var computations = sync.Pool{New: func() any { return new(computation) }}

func newComputation(ctx context.Context) *computation {
	c := computations.Get().(*computation)
	c.budget = budget.Make(ctx)
	c.b = &c.budget
	c.simp = simplify.Acquire(c.b)
	c.opts = diff.Options{Budget: c.b}
	return c
}

// done ends the computation: it returns it and its simplifier for reuse
// and turns a stop of the budget into the error *err; deferred.
func (c *computation) done(err *error) {
	simplify.Release(c.simp)
	*c = computation{}
	computations.Put(c)
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

// tooLarge turns the differentiator's node limit into ErrTooLarge, and a
// derivative that does not exist over the reals, as that of (-2)^x, into
// an UnsupportedError.
func tooLarge(err error) error {
	var real *diff.NoRealDerivativeError
	switch {
	case errors.Is(err, diff.ErrTooLarge):
		return ErrTooLarge
	case errors.As(err, &real):
		return &UnsupportedError{Msg: real.Error(), Err: real}
	}
	return err
}

// derivative is the order-th derivative of f with respect to the scalar
// x, simplified. Between derivatives the result is kept in expanded form
// when that is smaller; at the end common factors are pulled out.
func (c *computation) derivative(f, x *expr.Node, order int, record func(diff.Step)) (*expr.Node, error) {
	if order > MaxOrder {
		if deg, ok := degree(f, x); ok {
			return c.polynomialDerivative(f, x, deg, order)
		}
		return nil, &OrderError{order}
	}
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
			return nil, tooLarge(err)
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
