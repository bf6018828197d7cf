package nabla

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/nabla-math/nabla/internal/calc"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
	"github.com/nabla-math/nabla/internal/simplify"
)

// Expr is an immutable expression: a node of nabla's expression graph.
// Equal subexpressions are shared as one node. The zero Expr, and an
// Expr built from operands a builder could not take, are invalid: Err
// says why, String prints "<invalid: …>", and every computation with them
// returns that error.
type Expr struct {
	n     *expr.Node
	decl  map[string]expr.Shape // declared vectors and matrices, sizes settled
	notes []string              // what the parser read in a way the writer may not mean
	defs  map[string]string     // the names a where clause defined, with their definitions
	err   error                 // why an Expr without a node is invalid
	// shown, for an Expr without a node, is notation that the graph does
	// not hold, as a Derivation shows it: an expression with indexed sums.
	shown *Label
}

// with returns the expression n with e's declarations and definitions.
func (e Expr) with(n *expr.Node) Expr { return Expr{n: n, decl: e.decl, defs: e.defs} }

// Notes returns what the parser read in a way the writer may not have
// meant, one sentence each: names written as if applied that are not
// declared functions (f(g(x)) is the product f·(g(x)) without
// ParseOptions.Functions), and next to vectors and matrices an undeclared
// capital name read as a scalar and e read as Euler's number.
func (e Expr) Notes() []string { return e.notes }

// Error is a parse error: it carries the line and column of the offending
// spot and, through Caret, the input with a caret under it.
type Error = parse.Error

// DomainError reports an evaluation outside a function's domain, such as
// log(-1) or 1/0.
type DomainError = eval.DomainError

// ErrTooLarge is returned when a result exceeds nabla's size limits.
var ErrTooLarge = calc.ErrTooLarge

// Version is nabla's version.
const Version = "0.1.0"

// Limits on the work one call may do.
const (
	// MaxNodes bounds the work of one differentiation, counted in graph
	// nodes visited and built.
	MaxNodes = diff.DefaultMaxNodes
	// MaxResultNodes bounds the size of a result, in graph nodes.
	MaxResultNodes = calc.MaxResultNodes
	// MaxOrder bounds the order of a derivative whose work grows with
	// the order; a polynomial in the variable has derivatives of every
	// order, 0 past its degree.
	MaxOrder = calc.MaxOrder
	// MaxPrint bounds the length of a printed result in bytes: a graph
	// with much sharing can print to a text exponentially larger than
	// itself.
	MaxPrint = format.MaxText
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
	// Shapes declares variables with sizes named by the user: {"Φ": {"N",
	// "D"}, "θ": {"D"}, "y": {"N"}} makes Φ an N×D matrix and θ and y
	// vectors of sizes D and N; a size may be a number, {"x": {"3"}}. No
	// sizes is a scalar.
	Shapes map[string][]string
	// Functions declares abstract functions, unknown differentiable
	// functions of scalars with no definition and no value (see Func):
	// with "f", f(x) applies f to x, f'(x), f''(x), f'''(x) and f^(4)(x)
	// are its derivatives, and with several arguments ∂₁f(x, y) (or
	// f_1(x, y)) and ∂₁₂f(x, y) (f_12(x, y)) its partial derivatives,
	// which commute (∂₁₂f = ∂₂₁f). Without the declaration, f(x) is the product f x. A name is a
	// function or a variable, not both: declared as a vector, defined by
	// a where clause or differentiated with respect to, it is an error.
	Functions []string
}

// ParseWith is Parse with options.
func ParseWith(src string, opts *ParseOptions) (Expr, error) {
	// What the parser fills in, in one allocation.
	out := new(struct {
		po    parse.Options
		decl  map[string]expr.Shape
		defs  []parse.Def
		notes []string
	})
	po, decl, defs, notes := &out.po, &out.decl, &out.defs, &out.notes
	if strings.Contains(src, "where") {
		po.Defs = defs
	}
	if opts != nil {
		po.Line = opts.Line
		var err error
		if po.Vars, po.Symmetric, err = declare(opts); err != nil {
			return Expr{}, err
		}
		if po.Functions, err = declareFunctions(opts); err != nil {
			return Expr{}, err
		}
		if po.Vars != nil {
			po.Resolved = decl
		}
	}
	po.Notes = notes
	n, err := parse.Parse(src, po)
	if err != nil {
		return Expr{}, err
	}
	var defined map[string]string
	for _, d := range *defs {
		if defined == nil {
			defined = map[string]string{}
		}
		defined[d.Name] = format.Short(d.Value, 200) // for messages
	}
	if opts != nil && len(opts.Dims) > 0 {
		if err := checkDims(opts.Dims, *decl); err != nil {
			return Expr{}, err
		}
		fix := func(d expr.Dim) expr.Dim {
			if k, ok := opts.Dims[d.Sym]; ok && d.N == 0 {
				return expr.Dim{N: k}
			}
			return d
		}
		n = expr.MapDims(n, fix)
		for name, s := range *decl {
			dims := make([]expr.Dim, s.Rank())
			for i := range dims {
				dims[i] = fix(s.Dim(i))
			}
			(*decl)[name] = expr.NewShape(dims...)
		}
	}
	return Expr{n: n, decl: *decl, notes: *notes, defs: defined}, nil
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

// DeclarationError reports declarations that contradict one another, as
// a name declared both a vector and a matrix.
type DeclarationError struct{ Msg string }

// Error returns the message.
func (e *DeclarationError) Error() string { return e.Msg }

// declare gives every declared vector and matrix sizes of its own.
func declare(opts *ParseOptions) (map[string]expr.Shape, map[string]bool, error) {
	if len(opts.Vectors)+len(opts.Matrices)+len(opts.Symmetric)+len(opts.Shapes) == 0 {
		return nil, nil, nil
	}
	vars := map[string]expr.Shape{}
	sym := map[string]bool{}
	kinds := map[string]string{}
	add := func(name, kind string, s expr.Shape) error {
		if !parse.IsName(name) && !isConstantName(name) {
			return &DeclarationError{fmt.Sprintf("cannot declare %q: not a variable name", name)}
		}
		if old, ok := kinds[name]; ok {
			if old == kind {
				return &DeclarationError{fmt.Sprintf("%s is declared a %s twice", name, kind)}
			}
			return &DeclarationError{fmt.Sprintf("%s is declared both a %s and a %s", name, old, kind)}
		}
		kinds[name] = kind
		vars[name] = s
		return nil
	}
	for _, v := range opts.Vectors {
		if err := add(v, "vector", expr.NewShape(expr.Dim{Sym: "#" + v})); err != nil {
			return nil, nil, err
		}
	}
	for _, a := range opts.Matrices {
		if err := add(a, "matrix", expr.NewShape(expr.Dim{Sym: "#" + a + ".r"}, expr.Dim{Sym: "#" + a + ".c"})); err != nil {
			return nil, nil, err
		}
	}
	for _, w := range opts.Symmetric {
		d := expr.Dim{Sym: "#" + w}
		if err := add(w, "symmetric matrix", expr.NewShape(d, d)); err != nil {
			return nil, nil, err
		}
		sym[w] = true
	}
	for _, name := range expr.SortedNames(opts.Shapes) {
		sizes := opts.Shapes[name]
		if len(sizes) > 2 {
			return nil, nil, &DeclarationError{fmt.Sprintf("%s has %d sizes: a scalar has none, a vector one, a matrix two", name, len(sizes))}
		}
		dims := make([]expr.Dim, len(sizes))
		for i, size := range sizes {
			d, err := sizeDim(size)
			if err != nil {
				return nil, nil, &DeclarationError{fmt.Sprintf("%s: %v", name, err)}
			}
			dims[i] = d
		}
		kind := [...]string{"scalar", "vector", "matrix"}[len(dims)]
		if err := add(name, kind, expr.NewShape(dims...)); err != nil {
			return nil, nil, err
		}
	}
	return vars, sym, nil
}

// sizeDim reads a size named by the user: a number, or a name.
func sizeDim(size string) (expr.Dim, error) {
	size = strings.TrimSpace(size)
	if k, err := strconv.Atoi(size); err == nil {
		if k < 1 {
			return expr.Dim{}, fmt.Errorf("the size %d is not positive", k)
		}
		return expr.Dim{N: k}, nil
	}
	if !parse.IsName(size) {
		return expr.Dim{}, fmt.Errorf("the size %q is neither a number nor a name", size)
	}
	return expr.Dim{Sym: size}, nil
}

// isConstantName reports whether name is a constant's, which a
// declaration may take over: --vector e.
func isConstantName(name string) bool {
	_, ok := expr.LookupConstant(name)
	return ok
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
// expression. A text of more than MaxPrint bytes is cut there and ends in
// "…"; TextLimit reports it instead.
func (e Expr) String() string {
	if e.shown != nil {
		return e.shown.Text
	}
	if e.n == nil {
		return "<invalid: " + e.Err().Error() + ">"
	}
	return format.Text(e.n)
}

// TextLimit is String with a limit on the length of the text in bytes:
// a longer text is an error wrapping ErrTooLarge, found as soon as the
// printing passes max.
func (e Expr) TextLimit(max int) (string, error) {
	return e.printed(max, format.TextLimit, e.String)
}

// LaTeXLimit is LaTeX with a limit on the length of the text in bytes, as
// TextLimit.
func (e Expr) LaTeXLimit(max int) (string, error) {
	return e.printed(max, format.LaTeXLimit, e.LaTeX)
}

// Short is String cut to about max bytes, ending in "…" where it is cut:
// an expression named in a message or shown beside a result, however
// large it is.
func (e Expr) Short(max int) string {
	if e.shown == nil && e.n != nil {
		return format.Short(e.n, max)
	}
	s := e.String()
	if len(s) <= max {
		return s
	}
	r := []rune(s[:max]) // a character cut short is the last, an error rune
	if len(r) > 0 {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// TextShared is TextLimit for a text that fits within max bytes; a longer
// one is written with its large subexpressions that occur more than once
// named, in a where clause that Parse reads back to an expression of the
// same value: "sin(u1) where u1 = sin(u2) + cos(u2), u2 = sin(x) +
// cos(x)". A graph that shares subexpressions can print to a text
// exponentially larger than itself; this form is as large as the graph.
func (e Expr) TextShared(max int) (string, error) {
	return e.printed(max, func(n *expr.Node, max int) (string, error) {
		return format.TextShared(n, max, e.takenNames())
	}, e.String)
}

// LaTeXShared is TextShared in LaTeX.
func (e Expr) LaTeXShared(max int) (string, error) {
	return e.printed(max, func(n *expr.Node, max int) (string, error) {
		return format.LaTeXShared(n, max, e.takenNames())
	}, e.LaTeX)
}

// printed prints e's graph with print within max bytes, or e as whole
// gives it where e is shown by its own text or is invalid; a longer text
// is the error of TextLimit.
func (e Expr) printed(max int, print func(n *expr.Node, max int) (string, error), whole func() string) (string, error) {
	if e.shown != nil || e.n == nil {
		return limited(whole(), max)
	}
	s, err := print(e.n, max)
	if err != nil {
		return "", tooLong(max)
	}
	return s, nil
}

// takenNames returns a function that reports whether e has a variable or
// a declaration named s; the names are gathered on the first call.
func (e Expr) takenNames() func(s string) bool {
	var set map[string]bool
	return func(s string) bool {
		if set == nil {
			set = map[string]bool{}
			for _, v := range e.Vars() {
				set[v] = true
			}
			for name := range e.decl {
				set[name] = true
			}
			for name := range e.defs { // names of the input's where clause, not to be reused
				set[name] = true
			}
		}
		return set[s]
	}
}

// limited returns s, or the error of TextLimit when s is over max bytes.
func limited(s string, max int) (string, error) {
	if max > 0 && len(s) > max {
		return "", tooLong(max)
	}
	return s, nil
}

// tooLong is the error of a text over max bytes.
func tooLong(max int) error {
	return fmt.Errorf("%w: its text is over %d MiB (its graph shares subexpressions that print again at every use)", ErrTooLarge, max>>20)
}

// LaTeX prints e as LaTeX math; an invalid e prints as "". A text of more
// than MaxPrint bytes is cut there and ends in "…"; LaTeXLimit reports it
// instead.
func (e Expr) LaTeX() string {
	if e.shown != nil {
		return e.shown.LaTeX
	}
	if e.n == nil {
		return ""
	}
	return format.LaTeX(e.n)
}

// Equal reports whether e and f are the same expression after automatic
// simplification (x*x and x^2 are equal; sin(x)^2 + cos(x)^2 and 1 are
// equal only after Simplify). An invalid expression equals none.
func (e Expr) Equal(f Expr) bool { return e.n != nil && f.n != nil && expr.Equal(e.n, f.n) }

// shape returns e's shape, a scalar's for an invalid e.
func (e Expr) shape() expr.Shape {
	if e.n == nil {
		return expr.Scalar
	}
	return e.n.Shape()
}

// Shape returns the sizes of e's dimensions: none for a scalar, one for
// a vector, two for a matrix, each -1 where the size is symbolic (Dims
// names it).
func (e Expr) Shape() []int {
	s := e.shape()
	dims := make([]int, s.Rank())
	for i := range dims {
		dims[i] = -1
		if d := s.Dim(i); d.N > 0 {
			dims[i] = d.N
		}
	}
	return dims
}

// Dims returns e's dimensions, numbers or symbolic sizes such as "n":
// none for a scalar.
func (e Expr) Dims() []string { return dimNames(e.shape()) }

// VarDims returns the dimensions of e's variable name, as Dims does,
// and whether e has that variable or declares it.
func (e Expr) VarDims(name string) ([]string, bool) {
	if e.n != nil {
		if v := findVar(e.n, name); v != nil {
			return dimNames(v.Shape()), true
		}
	}
	if s, ok := e.decl[name]; ok {
		return dimNames(s), true
	}
	return nil, false
}

func dimNames(s expr.Shape) []string {
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
func (e Expr) Rank() int { return e.shape().Rank() }

// Vars returns the names of e's variables in the order of CompareNames:
// x1, x2, …, x10. It is the order of a gradient, Jacobian or Hessian whose
// variables are not named.
func (e Expr) Vars() []string {
	if e.n == nil {
		return nil
	}
	return expr.VarNames(e.n)
}

// CompareNames is the order in which nabla lists variables: natural
// order, in which a run of digits compares by its value (x2 before x10,
// x_2 before x_10, θ2 before θ10) and the rest as strings do. It returns
// -1, 0 or +1, 0 only for equal names, for use with slices.SortFunc.
func CompareNames(a, b string) int { return expr.CompareNames(a, b) }

// Size returns the number of operations in e read as a tree, the measure
// of SymPy's count_ops.
func (e Expr) Size() int {
	if e.n == nil {
		return 0
	}
	return simplify.Size(e.n)
}

// Nodes returns the number of distinct nodes in e's graph.
func (e Expr) Nodes() int {
	if e.n == nil {
		return 0
	}
	return expr.Count(e.n)
}

// Simplify returns e with the simplifier's rules applied to a fixpoint.
func (e Expr) Simplify() Expr {
	if e.n == nil {
		return e
	}
	return e.with(simplify.Simplify(e.n))
}

// Expand returns e with products distributed over sums and like terms
// collected.
func (e Expr) Expand() Expr {
	if e.n == nil {
		return e
	}
	return e.with(simplify.Expand(e.n))
}

// Eval evaluates e at the point env, which must give every variable a
// value. Points outside the domain give a *DomainError.
func (e Expr) Eval(env map[string]float64) (float64, error) {
	if e.n == nil {
		return 0, e.Err()
	}
	return eval.Compile(e.n).At(env)
}

// EvalBound evaluates e at the point env as Eval does, with a bound on
// the error that rounding to float64 makes in the value, the point taken
// as exact. Where terms cancel the bound says how many digits are left:
// the fourth derivative of sinc at 1e-4, 0.2 in exact arithmetic, comes
// out of its formula as 35.5 in float64, with a bound of 230. The bound
// is an upper estimate (running error analysis), often pessimistic by a
// digit or two, and +Inf where rounding could leave a function's domain.
func (e Expr) EvalBound(env map[string]float64) (value, bound float64, err error) {
	if e.n == nil {
		return 0, 0, e.Err()
	}
	p := eval.Compile(e.n)
	in, err := p.Inputs(env)
	if err != nil {
		return 0, 0, err
	}
	return p.Bound(in)
}
