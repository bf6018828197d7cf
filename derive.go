package nabla

import (
	"context"
	"fmt"

	"github.com/nabla-math/nabla/internal/calc"
	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
)

// Kind is the kind of derivative Derive computes.
type Kind uint8

// The kinds of derivative.
const (
	// KindAuto is the derivative the shapes call for, as nabla diff gives
	// it: of a given order with respect to one scalar; in matrix form with
	// respect to a vector or matrix; a tensor where no matrix form exists;
	// the gradient or Jacobian with respect to several variables.
	KindAuto Kind = Kind(calc.Auto)
	// KindGradient is the gradient of a scalar, a 1×n row.
	KindGradient Kind = Kind(calc.Gradient)
	// KindJacobian is the m×n Jacobian of a vector.
	KindJacobian Kind = Kind(calc.Jacobian)
	// KindHessian is the n×n Hessian of a scalar.
	KindHessian Kind = Kind(calc.Hessian)
)

// String names the kind as the command line does: "diff", "grad",
// "jacobian", "hessian".
func (k Kind) String() string { return calc.Kind(k).String() }

// DeriveOptions configures Derive. A nil *DeriveOptions means KindAuto
// of order 1.
type DeriveOptions struct {
	Kind Kind
	// Order is the order of a derivative of kind Auto with respect to
	// one variable; 0 means 1.
	Order int
}

// Derivative is a derivative computed by Derive: in matrix form (Expr),
// or as a tensor where no matrix form exists (Tensor).
type Derivative struct {
	Of     Expr
	Kind   Kind // the kind computed: KindAuto resolves to KindGradient or KindJacobian with several variables
	Wrt    []string
	Order  int
	Expr   Expr              // the derivative; the zero Expr when Tensor is set
	Tensor *TensorDerivative // a derivative with no matrix form
}

// Derive computes the derivative of f with respect to the variables wrt
// that opts asks for, deciding from their shapes which one that is: the
// entry point that Diff, Grad, Jacobian, Hessian and the command line
// share. The work is bounded by ctx: a derivative that grows too fast is
// stopped when ctx is done, with an error that wraps ctx's.
func Derive(ctx context.Context, f Expr, wrt []string, opts *DeriveOptions) (*Derivative, error) {
	if f.n == nil {
		return nil, f.Err()
	}
	var o calc.Options
	if opts != nil {
		o.Kind, o.Order = calc.Kind(opts.Kind), opts.Order
	}
	r, err := calc.Derive(ctx, f.n, f.decl, wrt, &o)
	if err != nil {
		return nil, err
	}
	return f.derivative(r), nil
}

// derivative wraps a result of package calc.
func (e Expr) derivative(r *calc.Result) *Derivative {
	d := &Derivative{Of: e, Kind: Kind(r.Kind), Order: r.Order}
	for _, x := range r.Wrt {
		d.Wrt = append(d.Wrt, x.Name())
	}
	if r.Tensor != nil {
		d.Tensor = e.tensorDerivative(r.Tensor)
	} else {
		d.Expr = e.with(r.Expr)
	}
	return d
}

// Diff returns the simplified derivative of e with respect to the variable
// wrt. With other variables present it is the partial derivative.
func (e Expr) Diff(wrt string) (Expr, error) { return Diff(e, wrt, 1) }

// Diff returns the order-th derivative of e with respect to wrt,
// simplified. Repeated derivatives are kept in expanded, factored form so
// that they do not swell. With respect to a vector or matrix, the first
// derivative comes in matrix form; where none exists, use DiffTensor.
func Diff(e Expr, wrt string, order int) (Expr, error) {
	if e.n == nil {
		return Expr{}, e.Err()
	}
	if order == 0 {
		// The zeroth derivative is e itself.
		if !parse.IsName(wrt) {
			return Expr{}, fmt.Errorf("cannot differentiate with respect to %q: not a variable name", wrt)
		}
		return e, nil
	}
	r, err := calc.Derive(context.Background(), e.n, e.decl, []string{wrt}, &calc.Options{Order: order})
	if err != nil {
		return Expr{}, err
	}
	if r.Tensor != nil {
		x := r.Tensor.Wrt
		return Expr{}, fmt.Errorf("the derivative of a %s with respect to the %s %s has no matrix form: use DiffTensor",
			e.n.Shape().Describe(), kindName(x), x.Name())
	}
	return e.with(r.Expr), nil
}

func kindName(x *expr.Node) string {
	if x.Shape().Rank() == 1 {
		return "vector"
	}
	return "matrix"
}

// Step is one application of a derivative rule: Rule fired on the
// subexpression Of and gave Result.
type Step struct {
	Rule   string
	Of     Expr
	Result Expr
}

// DiffSteps is Diff of order 1 that also reports the rule used at each
// subexpression, operands before the expressions that use them. Result in
// each step is the derivative before simplification.
func DiffSteps(e Expr, wrt string) (Expr, []Step, error) {
	if e.n == nil {
		return Expr{}, nil, e.Err()
	}
	var steps []Step
	record := func(s diff.Step) {
		steps = append(steps, Step{s.Rule, Expr{n: s.Node}, Expr{n: s.Result}})
	}
	r, err := calc.Derive(context.Background(), e.n, e.decl, []string{wrt}, &calc.Options{Record: record})
	if err != nil {
		return Expr{}, nil, err
	}
	return e.with(r.Expr), steps, nil
}

// derive is Derive in the background context for an expression result.
func derive(f Expr, kind Kind, vars []string) (Expr, error) {
	d, err := Derive(context.Background(), f, vars, &DeriveOptions{Kind: kind})
	if err != nil {
		return Expr{}, err
	}
	return d.Expr, nil
}

// Grad returns the gradient of the scalar f with respect to the variables
// vars, a row vector (1×n, numerator layout as in the lecture notes). It
// takes one reverse sweep over f's graph, however many variables there are.
// With respect to one vector or matrix it is in matrix form.
func Grad(f Expr, vars ...string) (Expr, error) { return derive(f, KindGradient, vars) }

// Jacobian returns the Jacobian of f with respect to vars: for f with m
// entries (a vector [f1, …, fm] or a scalar, m = 1) and n variables, the
// m×n matrix of ∂f_i/∂x_j.
func Jacobian(f Expr, vars ...string) (Expr, error) { return derive(f, KindJacobian, vars) }

// Hessian returns the n×n Hessian of the scalar f with respect to vars.
// It differentiates the gradient forward over reverse, and only where an
// entry can be nonzero: ∂²f/∂x_i∂x_j is computed when the i-th gradient
// entry depends on x_j, once for each pair (the matrix is symmetric). A sum
// of terms in few variables each is differentiated term by term instead.
// A mostly zero Hessian, as that of such a sum, is stored sparsely. With
// respect to one vector it is in matrix form.
func Hessian(f Expr, vars ...string) (Expr, error) { return derive(f, KindHessian, vars) }

// MatrixHessian returns the Hessian of the scalar f with respect to the
// vector variable x in matrix form (n×n): the Jacobian of the gradient.
func MatrixHessian(f Expr, x string) (Expr, error) {
	if f.n == nil {
		return Expr{}, f.Err()
	}
	v := calc.Variable(f.n, f.decl, x)
	if v.Shape().Rank() != 1 {
		return Expr{}, fmt.Errorf("%s is not a vector variable of %s", x, f)
	}
	return Hessian(f, x)
}
