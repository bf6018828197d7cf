package nabla

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/nabla-math/nabla/internal/calc"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/indexed"
	"github.com/nabla-math/nabla/internal/parse"
	"github.com/nabla-math/nabla/internal/tensor"
)

// Indexed is an expression with indexed sums, as the lecture notes write
// the losses of data sets, such as k-means and least squares:
//
//	sum_{n,k} r[n,k] ||x[n] - μ[k]||^2
//	sum_i (y[i] - θ' x[i])^2
//
// sum_n (or Σ_n) sums over n, and sum_{n,k} (or Σ_{n,k}, sum_(n,k)) over
// n and k; the summand is the product that follows, up to the next + or -
// outside parentheses. A declared vector or matrix x with an index name
// is a member of a family: x[n] is row n of the matrix x, a column vector
// (the notes' xₙ), or entry n of the vector x; r[n,k] is an entry of the
// matrix r. An index runs over 1…N, where N is the size of what it
// indexes (the rows of x), and an index that no sum binds is free (j in
// r[n,j]), its value given where the expression is evaluated.
//
// An Indexed is immutable. Its derivative with respect to a member μ[j]
// follows ∂μ[k]/∂μ[j] = δ_kj: the sum over k collapses to its term k = j.
type Indexed struct {
	x     *indexed.Expr
	notes []string
}

// MayHaveSums reports whether src may have indexed sums, without reading
// it: HasSums is false where it is.
func MayHaveSums(src string) bool { return parse.MayHaveSums(src) }

// HasSums reports whether src has indexed sums or index names (x[n]),
// which ParseIndexed reads and Parse does not. Names that opts declares
// are variables, even those that begin with sum_.
func HasSums(src string, opts *ParseOptions) bool {
	if !parse.MayHaveSums(src) {
		return false
	}
	vars := map[string]expr.Shape{}
	if opts != nil {
		for _, names := range [][]string{opts.Vectors, opts.Matrices, opts.Symmetric, slices.Collect(maps.Keys(opts.Shapes))} {
			for _, v := range names {
				vars[v] = expr.Scalar
			}
		}
	}
	return parse.HasSums(src, vars)
}

// ParseIndexed reads an expression with indexed sums (see Indexed). The
// families must be declared, as vectors or matrices. Fixed sizes
// (opts.Dims) and where clauses are not taken with indexed sums.
func ParseIndexed(src string, opts *ParseOptions) (*Indexed, error) {
	var po parse.Options
	var sums parse.Sums
	var decl map[string]expr.Shape
	var notes []string
	var sym map[string]bool
	po.Sums = &sums
	if opts != nil {
		if len(opts.Dims) > 0 {
			return nil, errors.New("sizes are not fixed with indexed sums: they come from the values")
		}
		po.Line = opts.Line
		var err error
		if po.Vars, sym, err = declare(opts); err != nil {
			return nil, err
		}
		if po.Functions, err = declareFunctions(opts); err != nil {
			return nil, err
		}
		po.Symmetric = sym
		if po.Vars != nil {
			po.Resolved, po.Notes = &decl, &notes
		}
	}
	top, err := parse.Parse(src, &po)
	if err != nil {
		return nil, err
	}
	return &Indexed{x: indexed.FromParse(top, &sums, decl, sym), notes: notes}, nil
}

// String writes f in nabla's syntax, which ParseIndexed reads back: a sum
// as Σ_n Σ_k summand, in parentheses where a product goes on after it.
func (f *Indexed) String() string { return f.x.Text() }

// LaTeX writes f as LaTeX math.
func (f *Indexed) LaTeX() string { return f.x.LaTeX() }

// Notes returns what the parser read in a way the writer may not have
// meant, as Expr.Notes does.
func (f *Indexed) Notes() []string { return f.notes }

// Dims returns the dimensions of f's value: none for a scalar.
func (f *Indexed) Dims() []string { return dimNames(f.x.Shape()) }

// Free returns the free indices of f in the order of CompareNames: those
// no sum binds, whose values Value takes.
func (f *Indexed) Free() []string { return f.x.Free() }

// Vars returns the variables whose values Value needs in the order of
// CompareNames: the families (x for x[n]) and the other variables.
func (f *Indexed) Vars() []string { return f.x.Vars() }

// Range returns the name of the size N that the index i runs over,
// 1…N, and whether f has the index.
func (f *Indexed) Range(i string) (string, bool) {
	d, ok := f.x.Range(i)
	if !ok {
		return "", false
	}
	return dimNames(expr.NewShape(d))[0], true
}

// expr returns f as an Expr that Derivations show; the graph's
// computations refuse it.
func (f *Indexed) expr() Expr { return shownExpr(f.x, f.x.Top) }

// shownExpr returns n, a graph over the sums of x, as an Expr that
// Derivations show.
func shownExpr(x *indexed.Expr, n *expr.Node) Expr {
	return Expr{shown: &Label{x.TextOf(n), x.LaTeXOf(n)},
		err: fmt.Errorf("%s has indexed sums: use the methods of Indexed", x.TextOf(n))}
}

// shown returns the Expr that shows text and tex.
func shown(text, tex string) Expr {
	return Expr{shown: &Label{text, tex}, err: fmt.Errorf("%s is notation, not an expression", text)}
}

// present reports whether e is an expression or notation to show.
func (e Expr) present() bool { return e.n != nil || e.shown != nil }

// Value evaluates f at the values env of its variables and free indices.
// A family's value gives its members: a matrix x (N×D) gives x[n] its
// row n, a vector y gives y[i] its entry i. A free index takes a whole
// number from 1 to its range.
func (f *Indexed) Value(env map[string]Tensor) (Tensor, error) {
	in, err := tensors(env)
	if err != nil {
		return Tensor{}, err
	}
	idx := map[string]int{}
	for _, i := range f.Free() {
		v, ok := in[i]
		if !ok {
			return Tensor{}, fmt.Errorf("no value for the index %s: give it a whole number from 1, as %s=1", i, i)
		}
		if len(v.Data) != 1 || v.Data[0] != math.Trunc(v.Data[0]) || v.Data[0] < 1 || v.Data[0] > math.MaxInt32 {
			return Tensor{}, fmt.Errorf("the index %s takes a whole number from 1, not %v", i, tensorText(v))
		}
		idx[i] = int(v.Data[0])
		delete(in, i)
	}
	t, err := f.x.Value(in, idx)
	if err != nil {
		return Tensor{}, err
	}
	out := Tensor{Shape: slices.Clone(t.Shape), Data: slices.Clone(t.Data)}
	for i, v := range out.Data {
		out.Data[i] = v + 0 // no negative zero
	}
	return out, nil
}

// tensorText writes a value for messages.
func tensorText(t tensor.T) string {
	if len(t.Data) == 1 {
		return fmt.Sprint(t.Data[0])
	}
	return fmt.Sprint(t.Data)
}

// Diff differentiates the scalar f with respect to wrt: a variable (θ),
// or a member whose indices are free names (μ[j], r[n,k]); see
// DiffIndexed.
func (f *Indexed) Diff(wrt string) (*Indexed, error) {
	return DiffIndexed(context.Background(), f, wrt)
}

// DiffIndexed differentiates the scalar f with respect to wrt, a
// variable (θ) or a member whose indices are free names (μ[j]), within
// ctx. Each sum is differentiated under the sum sign; with respect to a
// member μ[j], each member μ[k] of a summand gives ∂μ[k]/∂μ[j] = δ_kj,
// and the sum over k collapses to its term k = j, so that
//
//	∂/∂μ[j] Σ_n Σ_k r[n,k] ‖x[n] − μ[k]‖² = -2 Σ_n r[n,j] (x[n] − μ[j])ᵀ.
//
// The derivative has the layout of Derive: a row for a vector. It is
// checked against finite differences at a point of random data before it
// is returned. What has no rule here (a member with an index that no sum
// binds, a derivative through a vector-valued sum) is an
// *UnsupportedError; a wrt that f lacks gives 0 and an *AbsentError.
func DiffIndexed(ctx context.Context, f *Indexed, wrt string) (*Indexed, error) {
	d, err := diffIndexed(ctx, f, wrt)
	if err != nil {
		return nil, err
	}
	out := &Indexed{x: d.Result}
	if d.Absent {
		return out, calc.Absent(wrt, f.Vars())
	}
	return out, nil
}

// diffIndexed differentiates f and checks the derivative.
func diffIndexed(ctx context.Context, f *Indexed, wrt string) (*indexed.Derivative, error) {
	w, err := indexed.ParseWrt(wrt)
	if err != nil {
		return nil, err
	}
	d, err := f.x.Diff(ctx, w)
	if err != nil {
		return nil, indexedError(err)
	}
	if d.Absent {
		return d, nil
	}
	if err := d.Check(); err != nil {
		return nil, err
	}
	return d, nil
}

// indexedError gives the refusals of package indexed the type of nabla's
// refusals.
func indexedError(err error) error {
	if errors.Is(err, indexed.ErrUnsupported) {
		return &UnsupportedError{Msg: err.Error()}
	}
	return err
}

// Solve solves ∂f/∂w = 0 for w, the variable or member wrt: a scalar or a
// vector that the derivative is linear in. Each summand of the
// derivative is then A_n w + b_n with A_n not depending on w, and w =
// -(Σ_n A_n)⁻¹ Σ_n b_n, or a quotient of sums where Σ_n A_n is a scalar
// times the identity: for k-means, μ[j] = (Σ_n r[n,j] x[n])/Σ_n r[n,j].
// The solution is checked, at a point of random data, to make the
// derivative vanish. A derivative that is not linear in w is an
// *UnsupportedError.
func (f *Indexed) Solve(wrt string) (*Indexed, error) {
	s, err := solveIndexed(context.Background(), f, wrt)
	if err != nil {
		return nil, err
	}
	return &Indexed{x: s.Value}, nil
}

// solveIndexed differentiates f, solves the derivative for wrt and checks
// the solution.
func solveIndexed(ctx context.Context, f *Indexed, wrt string) (*indexed.Solution, error) {
	d, err := diffIndexed(ctx, f, wrt)
	if err != nil {
		return nil, err
	}
	s, err := d.Solve(ctx)
	if err != nil {
		return nil, indexedError(err)
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	return s, nil
}
