package nabla

import (
	"context"
	"fmt"
	"strings"

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
	// one variable; 0 means 1. It is at most MaxOrder, unless the
	// expression is a polynomial in the variable.
	Order int
	// Strict makes a variable that the expression does not have an
	// error (an *AbsentError), instead of a note on a zero derivative.
	Strict bool
}

// AbsentError reports a variable to differentiate with respect to that
// the expression does not have: the derivative with respect to it is 0,
// which may be meant (d/dy sin(x) = 0) or a misspelling (theta for θ).
// Derive gives it as a note of its Derivative, or as its error with
// DeriveOptions.Strict; Diff, Grad, Jacobian and Hessian return it.
type AbsentError = calc.AbsentError

// UnsupportedError reports a derivative that nabla cannot compute, such as
// a Hessian with respect to a matrix (a tensor of rank 4), as opposed to a
// question asked wrongly.
type UnsupportedError = calc.UnsupportedError

// NoRealDerivativeError reports a power a^g of a negative constant a
// whose exponent g varies: over the reals a^g is defined only where g is a
// whole number, so it has no derivative, and nabla refuses (-2)^x rather
// than give (-2)^x log(-2). It comes as the reason of an
// *UnsupportedError (errors.As finds it).
type NoRealDerivativeError = diff.NoRealDerivativeError

// OrderError reports the order of a derivative out of range: negative,
// or above MaxOrder for an expression that is not a polynomial in the
// variable, whose derivatives of every order are available.
type OrderError = calc.OrderError

// Derivative is a derivative computed by Derive: in matrix form (Expr),
// as a tensor where no matrix form exists (Tensor), or, with respect to
// variables of different shapes, as Blocks, one per variable (per pair of
// variables for a Hessian), each in its own layout: a row for a vector, a
// matrix's shape for a matrix, as JAX gives a gradient per parameter.
type Derivative struct {
	Of     Expr
	Kind   Kind // the kind computed: KindAuto resolves to KindGradient or KindJacobian with several variables
	Wrt    []string
	Order  int
	Expr   Expr              // the derivative; the zero Expr when Tensor or Blocks are set
	Tensor *TensorDerivative // a derivative with no matrix form
	Blocks []Block           // the parts of a derivative with respect to variables of different shapes

	// Notes are the variables asked for that the expression does not
	// have (*AbsentError): the derivative with respect to each is 0.
	Notes []error

	vars []calc.Var // the variables, for the flat layout
}

// Block is the part of a derivative with respect to one variable (two for
// a Hessian): ∂f/∂x in its layout, in matrix form or as a tensor.
type Block struct {
	Wrt    []string
	Expr   Expr
	Tensor *TensorDerivative
}

// Label names the block as the notes write it: ∂f/∂x, or ∂²f/∂x∂y and
// ∂²f/∂x² for a Hessian.
func (b Block) Label() string {
	switch {
	case len(b.Wrt) == 2 && b.Wrt[0] == b.Wrt[1]:
		return "∂²f/∂" + b.Wrt[0] + "²"
	case len(b.Wrt) == 2:
		return "∂²f/∂" + b.Wrt[0] + "∂" + b.Wrt[1]
	}
	return "∂f/∂" + b.Wrt[0]
}

// Value returns the block's value at the point env: the derivative's
// value, or a tensor's values.
func (b Block) Value(env map[string]Tensor) (Tensor, error) {
	if b.Tensor != nil {
		return b.Tensor.Values(env)
	}
	return b.Expr.Value(env)
}

// Derive computes the derivative of f with respect to the variables wrt
// that opts asks for, deciding from their shapes which one that is: the
// entry point that Diff, Grad, Jacobian, Hessian and the command line
// share. The work is bounded by ctx: a derivative that grows too fast is
// stopped when ctx is done, with an error that wraps ctx's.
//
// A variable of wrt may be an entry of a vector or matrix, X[1,2]
// (1-based, as the notes' X₁₂). A variable that f does not have gives a
// zero derivative and a note; a name that a where clause defines is an
// error, since f is written in terms of its definition. Derivatives with
// respect to a symmetric matrix are gradients in the space of symmetric
// matrices: sym(G) = (G + Gᵀ)/2 of the unconstrained gradient G.
func Derive(ctx context.Context, f Expr, wrt []string, opts *DeriveOptions) (*Derivative, error) {
	if f.n == nil {
		return nil, f.Err()
	}
	if err := f.checkDefined(wrt); err != nil {
		return nil, err
	}
	var o calc.Options
	if opts != nil {
		o.Kind, o.Order, o.Strict = calc.Kind(opts.Kind), opts.Order, opts.Strict
		switch {
		case opts.Kind > KindHessian:
			return nil, fmt.Errorf("unknown kind of derivative %d", opts.Kind)
		case opts.Order > 1 && (opts.Kind != KindAuto || len(wrt) != 1):
			// The order of a gradient, Jacobian or Hessian is its own.
			return nil, &UnsupportedError{Msg: fmt.Sprintf("a derivative of order %d is taken with respect to one variable; by several, the second derivative is the Hessian", opts.Order)}
		}
	}
	r, err := calc.Derive(ctx, f.n, f.decl, wrt, &o)
	if err != nil {
		return nil, err
	}
	return f.derivative(r), nil
}

// checkDefined refuses a variable that f's where clause defines: f is
// written in terms of its definition.
func (e Expr) checkDefined(wrt []string) error {
	for _, w := range wrt {
		if def, ok := e.defs[w]; ok {
			return fmt.Errorf("%s is defined by the where clause (%s = %s), so the expression is in terms of the variables of its definition: differentiate with respect to those, or use --chain (ChainRule) to see ∂f/∂%s", w, w, def, w)
		}
	}
	return nil
}

// derivative wraps a result of package calc.
func (e Expr) derivative(r *calc.Result) *Derivative {
	d := &Derivative{Of: e, Kind: Kind(r.Kind), Order: r.Order, Notes: r.Notes}
	d.Wrt = make([]string, len(r.Wrt))
	for i, x := range r.Wrt {
		d.Wrt[i] = x.Name()
	}
	d.vars = r.Wrt
	switch {
	case r.Tensor != nil:
		d.Tensor = e.tensorDerivative(r.Tensor)
	case r.Blocks != nil:
		for _, b := range r.Blocks {
			blk := Block{}
			for _, x := range b.Wrt {
				blk.Wrt = append(blk.Wrt, x.Name())
			}
			if b.Tensor != nil {
				blk.Tensor = e.tensorDerivative(b.Tensor)
			} else {
				blk.Expr = e.with(b.Expr)
			}
			d.Blocks = append(d.Blocks, blk)
		}
	default:
		d.Expr = e.with(r.Expr)
	}
	return d
}

// Value returns the derivative's value at the point env. Blocks are laid
// out flat, as the notes stack the parameters θ = [w; b]: a gradient as
// one 1×N row, a Jacobian as m×N, a Hessian as the symmetric N×N matrix,
// where N counts the entries of all the variables.
func (d *Derivative) Value(env map[string]Tensor) (Tensor, error) {
	switch {
	case d.Tensor != nil:
		return d.Tensor.Values(env)
	case d.Blocks == nil:
		return d.Expr.Value(env)
	case d.Kind == KindHessian:
		return d.flatHessian(env)
	case d.Kind == KindGradient, d.Kind == KindJacobian:
		return d.flatJacobian(env)
	}
	return Tensor{}, fmt.Errorf("the derivative of a %s has no flat layout: take its blocks", d.Of.n.Shape().Describe())
}

// flatJacobian lays the blocks of a gradient or Jacobian side by side:
// each block's value has the entries of f first (m of them), then those
// of its variable.
func (d *Derivative) flatJacobian(env map[string]Tensor) (Tensor, error) {
	f, err := d.Of.Value(env)
	if err != nil {
		return Tensor{}, err
	}
	m := len(f.Data)
	values := make([][]float64, len(d.Blocks))
	n := 0
	for i, b := range d.Blocks {
		v, err := b.Value(env)
		if err != nil {
			return Tensor{}, err
		}
		if len(v.Data)%m != 0 {
			return Tensor{}, fmt.Errorf("the value of %s has %d entries for %d entries of f", b.Label(), len(v.Data), m)
		}
		values[i] = v.Data
		n += len(v.Data) / m
	}
	out := Tensor{Shape: []int{m, n}, Data: make([]float64, 0, m*n)}
	for row := 0; row < m; row++ {
		for _, v := range values {
			w := len(v) / m
			out.Data = append(out.Data, v[row*w:(row+1)*w]...)
		}
	}
	return out, nil
}

// flatHessian lays the blocks of a Hessian out as the symmetric N×N
// matrix, the blocks below the diagonal the transposes of those above.
func (d *Derivative) flatHessian(env map[string]Tensor) (Tensor, error) {
	sizes := make([]int, len(d.vars))
	offset := make([]int, len(d.vars)+1)
	for i, x := range d.vars {
		v, ok := env[x.Sym.Name()]
		if !ok {
			return Tensor{}, fmt.Errorf("no value for %s", x.Sym.Name())
		}
		sizes[i] = len(v.Data)
		offset[i+1] = offset[i] + sizes[i]
	}
	n := offset[len(sizes)]
	out := Tensor{Shape: []int{n, n}, Data: make([]float64, n*n)}
	k := 0
	for i := range sizes {
		for j := i; j < len(sizes); j++ {
			v, err := d.Blocks[k].Value(env)
			k++
			if err != nil {
				return Tensor{}, err
			}
			if len(v.Data) != sizes[i]*sizes[j] {
				return Tensor{}, fmt.Errorf("the value of a Hessian block has %d entries, not %d×%d", len(v.Data), sizes[i], sizes[j])
			}
			for a := 0; a < sizes[i]; a++ {
				for b := 0; b < sizes[j]; b++ {
					x := v.Data[a*sizes[j]+b]
					out.Data[(offset[i]+a)*n+offset[j]+b] = x
					out.Data[(offset[j]+b)*n+offset[i]+a] = x
				}
			}
		}
	}
	return out, nil
}

// Diff returns the simplified derivative of e with respect to the variable
// wrt. With other variables present it is the partial derivative.
//
// For a wrt that e does not have, Diff returns the derivative, 0, and an
// *AbsentError that names e's variables and the nearest spelling, as
// strconv.ParseFloat returns ±Inf with its range error: d/dy sin(x) = 0
// may be meant, but theta for θ is a slip. Grad, Jacobian and Hessian do
// the same.
func (e Expr) Diff(wrt string) (Expr, error) { return Diff(e, wrt, 1) }

// Diff returns the order-th derivative of e with respect to wrt,
// simplified. Repeated derivatives are kept in expanded, factored form so
// that they do not swell. With respect to a vector or matrix, the first
// derivative comes in matrix form; where none exists, use DiffTensor.
func Diff(e Expr, wrt string, order int) (Expr, error) {
	return diffContext(context.Background(), e, wrt, order)
}

// diffContext is Diff bounded by ctx.
func diffContext(ctx context.Context, e Expr, wrt string, order int) (Expr, error) {
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
	if err := e.checkDefined([]string{wrt}); err != nil {
		return Expr{}, err
	}
	var r calc.Result
	var buf [1]calc.Var
	if err := calc.DeriveInto(&r, buf[:], ctx, e.n, e.decl, []string{wrt}, &calc.Options{Order: order}); err != nil {
		return Expr{}, err
	}
	if r.Expr == nil {
		return e.derivative(&r).one() // the error that says where the parts are
	}
	if len(r.Notes) > 0 {
		return e.with(r.Expr), r.Notes[0]
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

// derive is Derive in the background context for a result that is one
// expression: it refuses blocks and tensors, which Derive gives, and
// returns a variable the expression does not have as an *AbsentError
// beside the derivative, zero in that variable.
func derive(f Expr, kind Kind, vars []string) (Expr, error) {
	d, err := Derive(context.Background(), f, vars, &DeriveOptions{Kind: kind})
	if err != nil {
		return Expr{}, err
	}
	e, err := d.one()
	if err == nil && len(d.Notes) > 0 {
		err = d.Notes[0]
	}
	return e, err
}

// one returns the derivative as one expression, or an error that says
// where its parts are.
func (d *Derivative) one() (Expr, error) {
	switch {
	case d.Blocks != nil:
		return Expr{}, fmt.Errorf("the %s of %s with respect to variables of different shapes (%s) comes in blocks, one per variable: use Derive", d.Kind, d.Of, strings.Join(d.Wrt, ", "))
	case d.Tensor != nil:
		return Expr{}, fmt.Errorf("the derivative of a %s with respect to the %s %s has no matrix form: use DiffTensor or Derive",
			d.Of.n.Shape().Describe(), kindName(d.Tensor.Wrt.n), d.Tensor.Wrt.n.Name())
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
