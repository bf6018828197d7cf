package nabla

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
	"github.com/nabla-math/nabla/internal/simplify"
)

// Expr is an immutable expression: a node of nabla's expression graph.
// Equal subexpressions are shared as one node. The zero Expr is invalid.
type Expr struct {
	n    *expr.Node
	decl map[string]expr.Shape // declared vectors and matrices, sizes settled
}

// with returns the expression n with e's declarations.
func (e Expr) with(n *expr.Node) Expr { return Expr{n: n, decl: e.decl} }

// Error is a parse error: it carries the line and column of the offending
// spot and, through Caret, the input with a caret under it.
type Error = parse.Error

// DomainError reports an evaluation outside a function's domain, such as
// log(-1) or 1/0.
type DomainError = eval.DomainError

// ErrTooLarge is returned when a result exceeds nabla's size limits.
var ErrTooLarge = errors.New("result too large")

// Version is nabla's version.
const Version = "0.1.0"

// Limits on the work one call may do.
const (
	// MaxNodes bounds the work of one differentiation, counted in graph
	// nodes visited and built.
	MaxNodes = diff.DefaultMaxNodes
	// MaxResultNodes bounds the size of a result, in graph nodes.
	MaxResultNodes = 50_000
	// MaxOrder bounds the order of a derivative.
	MaxOrder = 100
	// MaxPrint bounds the length of a printed result in bytes.
	MaxPrint = 64 << 20
)

// Parse reads an expression in nabla's syntax, such as "x^3 sin(x)" or
// "(x + 2y^3)^2". Every name that is not a function or a constant is a
// scalar variable.
func Parse(src string) (Expr, error) { return ParseWith(src, nil) }

// ParseOptions configures ParseWith. A nil *ParseOptions means the
// defaults.
type ParseOptions struct {
	// Line is the number given to the input's first line in error
	// positions (default 1), for inputs that are lines of a larger text.
	Line int
	// Vectors, Matrices and Symmetric declare the names of column
	// vectors, matrices and symmetric matrices. Their sizes stay symbolic
	// (m, n, p, … in order of appearance) and are matched by the
	// operations: in A x the columns of A are the rows of x.
	Vectors, Matrices, Symmetric []string
	// Dims fixes symbolic sizes by name, e.g. {"n": 3}.
	Dims map[string]int
}

// ParseWith is Parse with options.
func ParseWith(src string, opts *ParseOptions) (Expr, error) {
	var po parse.Options
	var decl map[string]expr.Shape
	if opts != nil {
		po.Line = opts.Line
		po.Vars, po.Symmetric = declare(opts)
		po.Resolved = &decl
	}
	n, err := parse.Parse(src, &po)
	if err != nil {
		return Expr{}, err
	}
	if opts != nil && len(opts.Dims) > 0 {
		if err := checkDims(opts.Dims, decl); err != nil {
			return Expr{}, err
		}
		fix := func(d expr.Dim) expr.Dim {
			if k, ok := opts.Dims[d.Sym]; ok && d.N == 0 {
				return expr.Dim{N: k}
			}
			return d
		}
		n = expr.MapDims(n, fix)
		for name, s := range decl {
			dims := make([]expr.Dim, s.Rank())
			for i := range dims {
				dims[i] = fix(s.Dim(i))
			}
			decl[name] = expr.NewShape(dims...)
		}
	}
	return Expr{n: n, decl: decl}, nil
}

// checkDims reports a size in dims that no declared vector or matrix has:
// sizes are named after the expression has tied them together, so "n" in
// det(A) for A m×n names nothing.
func checkDims(dims map[string]int, decl map[string]expr.Shape) error {
	names := map[string]bool{}
	for _, s := range decl {
		for i := 0; i < s.Rank(); i++ {
			if d := s.Dim(i); d.N == 0 {
				names[d.Sym] = true
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(dims)) {
		if !names[name] {
			known := slices.Sorted(maps.Keys(names))
			if len(known) == 0 {
				return fmt.Errorf("no size is named %s: the expression has no symbolic sizes", name)
			}
			return fmt.Errorf("no size is named %s: the sizes are %s", name, strings.Join(known, ", "))
		}
	}
	return nil
}

// declare gives every declared vector and matrix sizes of its own.
func declare(opts *ParseOptions) (map[string]expr.Shape, map[string]bool) {
	if len(opts.Vectors)+len(opts.Matrices)+len(opts.Symmetric) == 0 {
		return nil, nil
	}
	vars := map[string]expr.Shape{}
	sym := map[string]bool{}
	for _, v := range opts.Vectors {
		vars[v] = expr.NewShape(expr.Dim{Sym: "#" + v})
	}
	for _, a := range opts.Matrices {
		vars[a] = expr.NewShape(expr.Dim{Sym: "#" + a + ".r"}, expr.Dim{Sym: "#" + a + ".c"})
	}
	for _, w := range opts.Symmetric {
		d := expr.Dim{Sym: "#" + w}
		vars[w] = expr.NewShape(d, d)
		sym[w] = true
	}
	return vars, sym
}

// MustParse is like Parse but panics if src does not parse. It is meant
// for expressions written into programs.
func MustParse(src string) Expr {
	e, err := Parse(src)
	if err != nil {
		panic("nabla: MustParse: " + err.Error())
	}
	return e
}

// String prints e in nabla's syntax; Parse reads it back to an equal
// expression.
func (e Expr) String() string {
	if e.n == nil {
		return "<invalid>"
	}
	return format.Text(e.n)
}

// LaTeX prints e as LaTeX math.
func (e Expr) LaTeX() string { return format.LaTeX(e.n) }

// Equal reports whether e and f are the same expression after automatic
// simplification (x*x and x^2 are equal; sin(x)^2 + cos(x)^2 and 1 are
// equal only after Simplify).
func (e Expr) Equal(f Expr) bool { return expr.Equal(e.n, f.n) }

// Shape returns the sizes of e's dimensions: empty for a scalar, nil
// when a size is symbolic (see Dims).
func (e Expr) Shape() []int {
	dims, _ := e.n.Shape().Ints()
	return dims
}

// Dims returns e's dimensions, numbers or symbolic sizes such as "n".
func (e Expr) Dims() []string {
	s := e.n.Shape()
	out := make([]string, s.Rank())
	for i := range out {
		if d := s.Dim(i); d.N > 0 {
			out[i] = fmt.Sprint(d.N)
		} else {
			out[i] = d.Sym
		}
	}
	return out
}

// Rank returns the number of e's dimensions: 0 for a scalar.
func (e Expr) Rank() int { return e.n.Shape().Rank() }

// Vars returns the names of e's variables, sorted.
func (e Expr) Vars() []string {
	seen := map[*expr.Node]bool{}
	names := map[string]bool{}
	var walk func(n *expr.Node)
	walk = func(n *expr.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if n.Op() == expr.OpSym {
			names[n.Name()] = true
		}
		for _, a := range n.Args() {
			walk(a)
		}
	}
	walk(e.n)
	out := make([]string, 0, len(names))
	for name := range names {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Size returns the number of operations in e read as a tree, the measure
// of SymPy's count_ops.
func (e Expr) Size() int { return simplify.Size(e.n) }

// Nodes returns the number of distinct nodes in e's graph.
func (e Expr) Nodes() int {
	seen := map[*expr.Node]bool{}
	var walk func(n *expr.Node)
	walk = func(n *expr.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, a := range n.Args() {
			walk(a)
		}
	}
	walk(e.n)
	return len(seen)
}

// Simplify returns e with the simplifier's rules applied to a fixpoint.
func (e Expr) Simplify() Expr { return e.with(simplify.Simplify(e.n)) }

// Expand returns e with products distributed over sums and like terms
// collected.
func (e Expr) Expand() Expr { return e.with(simplify.Expand(e.n)) }

// Diff returns the simplified derivative of e with respect to the variable
// wrt. With other variables present it is the partial derivative.
func (e Expr) Diff(wrt string) (Expr, error) { return Diff(e, wrt, 1) }

// Diff returns the order-th derivative of e with respect to wrt,
// simplified. Repeated derivatives are kept in expanded, factored form so
// that they do not swell.
func Diff(e Expr, wrt string, order int) (Expr, error) {
	d, _, err := diffSteps(e, wrt, order, false)
	return d, err
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
	return diffSteps(e, wrt, 1, true)
}

func diffSteps(e Expr, wrt string, order int, record bool) (Expr, []Step, error) {
	if order < 0 || order > MaxOrder {
		return Expr{}, nil, fmt.Errorf("order %d out of range 0…%d", order, MaxOrder)
	}
	if !validName(wrt) {
		return Expr{}, nil, fmt.Errorf("cannot differentiate with respect to %q: not a variable name", wrt)
	}
	x := e.variable(wrt)
	if x == nil {
		x = expr.NewSym(wrt, expr.Scalar)
	}
	if !x.Shape().IsScalar() {
		if order != 1 || record {
			return Expr{}, nil, fmt.Errorf("with respect to the %s %s only first derivatives are available", kindOf(x), wrt)
		}
		d, err := matrixDerivative(e, x)
		return d, nil, err
	}
	var steps []Step
	var opts *diff.Options
	if record {
		opts = &diff.Options{Record: func(s diff.Step) {
			steps = append(steps, Step{s.Rule, Expr{n: s.Node}, Expr{n: s.Result}})
		}}
	}
	d := e.n
	for k := 0; k < order; k++ {
		var err error
		d, err = diff.Diff(d, x, opts)
		if err != nil {
			if errors.Is(err, diff.ErrTooLarge) {
				return Expr{}, nil, fmt.Errorf("derivative of order %d: %w", k+1, ErrTooLarge)
			}
			return Expr{}, nil, err
		}
		d = simplify.Simplify(d)
		switch {
		case order == 1 && simplify.MayCancel(d):
			// Terms may cancel once multiplied out, as in the logistic
			// log-likelihood's x y (1 - σ) - x σ (1 - y) = x (y - σ).
			d = simplify.Normal(d)
		case order > 1 && k < order-1:
			// Between derivatives, the expanded form when it is smaller:
			// the next derivative of a sum of products is again one.
			d = simplify.Expanded(d)
		case order > 1:
			d = simplify.Normal(d)
		}
		if order == 1 {
			break // the differentiator's budget bounds a single derivative
		}
		if nodes := (Expr{n: d}).Nodes(); nodes > MaxResultNodes {
			return Expr{}, nil, fmt.Errorf("derivative of order %d: %w (%d nodes; the limit is %d)", k+1, ErrTooLarge, nodes, MaxResultNodes)
		}
	}
	return e.with(d), steps, nil
}

func validName(s string) bool { return parse.IsName(s) }

// Eval evaluates e at the point env, which must give every variable a
// value. Points outside the domain give a *DomainError.
func (e Expr) Eval(env map[string]float64) (float64, error) {
	return Compile(e).At(env)
}

// Func is a compiled expression for fast repeated evaluation.
type Func struct {
	p *eval.Program
}

// Compile compiles e into a Func.
func Compile(e Expr) *Func { return &Func{eval.Compile(e.n)} }

// Vars returns the names of the inputs in the order Eval takes them.
func (f *Func) Vars() []string { return f.p.Vars() }

// Eval evaluates f with the inputs in the order of Vars.
func (f *Func) Eval(x []float64) (float64, error) { return f.p.Eval(x, nil) }

// At evaluates f with named inputs.
func (f *Func) At(env map[string]float64) (float64, error) { return f.p.At(env) }

// variable returns the variable of e with the given name: the one in e's
// graph, else a declared vector or matrix that e does not use, else nil.
func (e Expr) variable(name string) *expr.Node {
	if x := findVar(e.n, name); x != nil {
		return x
	}
	if s, ok := e.decl[name]; ok {
		return expr.NewSym(name, s)
	}
	return nil
}

// findVar returns the variable of n with the given name, or nil.
func findVar(n *expr.Node, name string) *expr.Node {
	seen := map[*expr.Node]bool{}
	var found *expr.Node
	var walk func(m *expr.Node)
	walk = func(m *expr.Node) {
		if found != nil || seen[m] {
			return
		}
		seen[m] = true
		if m.Op() == expr.OpSym && m.Name() == name {
			found = m
			return
		}
		for _, a := range m.Args() {
			walk(a)
		}
	}
	walk(n)
	return found
}

func kindOf(x *expr.Node) string {
	if x.Shape().Rank() == 1 {
		return "vector"
	}
	return "matrix"
}

// matrixDerivative is the derivative of the scalar f with respect to the
// vector or matrix x, in the lecture notes' layout: a 1×n row for a
// vector x, x's shape m×n for a matrix, computed by reverse mode in matrix
// form (the adjoint of x).
func matrixDerivative(fe Expr, x *expr.Node) (Expr, error) {
	f := fe.n
	if f.Shape().Rank() == 1 && x.Shape().Rank() == 1 {
		j, err := diff.Jacobian(f, x)
		if err != nil {
			return Expr{}, err
		}
		return fe.with(simplify.Simplify(j)), nil
	}
	if !f.Shape().IsScalar() {
		return Expr{}, fmt.Errorf("the derivative of a %s with respect to the %s %s has no matrix form: use DiffTensor",
			f.Shape().Describe(), kindOf(x), x.Name())
	}
	g, err := diff.Grad(f, []*expr.Node{x}, nil)
	if err != nil {
		return Expr{}, tooLarge(err)
	}
	d := g[0]
	if x.Shape().Rank() == 1 {
		d = transposeTerms(d) // the gradient is a row vector
	}
	// Element-wise products of sums may cancel when multiplied out, as in
	// the logistic log-likelihood's (1 - σ) ⊙ (y/σ - (1 - y)/(1 - σ)) ⊙ σ.
	return fe.with(simplify.Expanded(simplify.Simplify(d))), nil
}

// transposeTerms transposes a sum with a matrix product in it term by
// term, so that a gradient reads as a sum of rows: 2λ wᵀ + 2(X w - y)ᵀ X,
// not (2λ w + 2Xᵀ (X w - y))ᵀ.
func transposeTerms(d *expr.Node) *expr.Node {
	products := false
	if d.Op() == expr.OpAdd {
		for _, t := range d.Args() {
			_, fs := expr.Factors(t)
			products = products || slices.ContainsFunc(fs, func(f *expr.Node) bool { return f.Op() == expr.OpMatMul })
		}
	}
	if !products {
		return expr.Transpose(d)
	}
	ts := make([]*expr.Node, len(d.Args()))
	for i, t := range d.Args() {
		ts[i] = expr.Transpose(t)
	}
	return expr.Add(ts...)
}

// MatrixHessian returns the Hessian of the scalar f with respect to the
// vector variable x in matrix form (n×n): the Jacobian of the gradient.
func MatrixHessian(f Expr, x string) (Expr, error) {
	v := f.variable(x)
	if v == nil || v.Shape().Rank() != 1 {
		return Expr{}, fmt.Errorf("%s is not a vector variable of %s", x, f)
	}
	if !f.n.Shape().IsScalar() {
		return Expr{}, fmt.Errorf("the Hessian needs a scalar function, not a %s", f.n.Shape().Describe())
	}
	g, err := diff.Grad(f.n, []*expr.Node{v}, nil)
	if err != nil {
		return Expr{}, tooLarge(err)
	}
	h, err := diff.Jacobian(simplify.Expanded(simplify.Simplify(g[0])), v)
	if err != nil {
		return Expr{}, err
	}
	return f.with(simplify.Expanded(simplify.Simplify(h))), nil
}
