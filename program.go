package nabla

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"

	"github.com/nabla-math/nabla/internal/calc"
	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/program"
	"github.com/nabla-math/nabla/internal/tensor"
)

// Program is an expression compiled for evaluation, with its derivatives,
// at many points: the value, gradient, Jacobian, Hessian and their
// products with vectors. Its inputs are the variables named to Compile,
// given at each call flattened into one []float64 (each in row-major
// order, in the order named); its other variables are data, bound once
// with Bind.
//
// Derivatives are nabla's symbolic derivatives compiled together with
// the value, so that they share its subexpressions: the gradient of
// ‖y − Φθ‖² is computed as the value's residual r = y − Φθ and −2Φᵀr. A
// derivative is compiled when it is first asked for.
//
// A Program is safe for concurrent use by several goroutines, except
// that Bind and SetSize must not run while an evaluation does. After the
// first call of each kind, evaluations at inputs of the same size
// allocate nothing.
type Program struct {
	f     Expr
	ins   []program.Input
	xs    []*expr.Node // the inputs' variables
	ctx   context.Context
	mu    sync.Mutex
	bound []binding
	sizes map[string]int
	nan   bool // NaN and infinities propagate
	// symbolic says that an input has a symbolic size, which the first
	// evaluation may settle from the number of entries given.
	symbolic bool
	progs    [numForms]*lazy
	seeds    []program.Input // the directions of HVP and JVP, one per input
	pool     sync.Pool       // []float64 scratch for inputs and directions
}

// binding is a value bound, replayed into programs compiled later.
type binding struct {
	name string
	v    tensor.T
}

// form is one program a Program compiles: the value, or a derivative.
type form int

const (
	formValue form = iota
	formGrad
	formJacobian
	formHessian
	formHVP
	formJVP
	formVJP
	numForms
)

// lazy is a program compiled on first use; err is why it could not be.
type lazy struct {
	once sync.Once
	done atomic.Bool // compiled: the fast path of get
	p    *program.Program
	err  error
	// How the outputs lay out: for a Jacobian or Hessian, the blocks'
	// rows and columns among the inputs; nil when one output is the
	// whole.
	blocks []blockAt
	// fallback marks a Jacobian or Hessian with no matrix form, computed
	// from VJPs or HVPs one row at a time.
	fallback bool
}

// blockAt places an output of a Jacobian or Hessian: the input of its
// columns and, for a Hessian, that of its rows; mirror copies its
// transpose below the diagonal.
type blockAt struct {
	row, col int
	mirror   bool
}

// Compile compiles f for evaluation at many points with the inputs
// named, in that order: scalars, vectors or matrices. Every other
// variable of f is data, bound with Bind before the first evaluation;
// with no inputs named, every variable is.
//
// Symbolic sizes of the inputs are settled by the data bound (Φ θ with Φ
// bound to an N×D matrix makes θ a D-vector), by SetSize, or, when one
// size is left, by the number of entries given.
func Compile(f Expr, inputs ...string) (*Program, error) {
	if f.n == nil {
		return nil, f.Err()
	}
	p := &Program{f: f, ctx: context.Background()}
	have := map[string]*expr.Node{}
	for _, v := range expr.Vars(f.n) {
		have[v.Name()] = v
	}
	seen := map[string]bool{}
	for _, name := range inputs {
		if seen[name] {
			return nil, fmt.Errorf("nabla: Compile: the input %s is named twice", name)
		}
		seen[name] = true
		if err := f.checkDefined([]string{name}); err != nil {
			return nil, err
		}
		in := program.Input{Name: name}
		x, ok := have[name]
		switch {
		case ok:
		case f.decl[name] != expr.Shape{}:
			x = expr.NewSym(name, f.decl[name])
		default:
			return nil, absentInput(name, f)
		}
		in.Shape = x.Shape()
		if _, known := in.Shape.Ints(); !known {
			p.symbolic = true
		}
		p.xs = append(p.xs, x)
		p.ins = append(p.ins, in)
		p.seeds = append(p.seeds, program.Input{Name: "$v" + strconv.Itoa(len(p.seeds)), Shape: in.Shape})
	}
	for i := range p.progs {
		p.progs[i] = &lazy{}
	}
	// The value compiles now, so that a bad input is an error of Compile.
	if _, err := p.get(formValue); err != nil {
		return nil, err
	}
	return p, nil
}

// absentInput reports an input that f does not have: a slip, unless
// f's declarations name it.
func absentInput(name string, f Expr) error {
	hint := calc.Absent(name, f.Vars()).Hint()
	return errors.New("nabla: Compile: the expression has no variable " + name + " to take as an input" + hint + "; declare it to take it all the same")
}

// Inputs returns the names of the inputs, in the order the evaluations
// take them.
func (p *Program) Inputs() []string {
	out := make([]string, len(p.ins))
	for i, in := range p.ins {
		out[i] = in.Name
	}
	return out
}

// Data returns the names of the variables to bind, in the order of
// CompareNames.
func (p *Program) Data() []string {
	v, err := p.get(formValue)
	if err != nil {
		return nil
	}
	return v.p.Data()
}

// Bind gives the data variable name its value, which the program copies
// once and shares among the derivatives it compiles:
// a float64, a []float64 for a vector, a mat.Matrix (*mat.Dense,
// *mat.VecDense, …; an n×1 matrix is also a vector), a mat.Vector or a
// Tensor. Its sizes settle the symbolic sizes of name's shape. Binding a
// name again replaces its value; Bind must not run while an evaluation
// does.
func (p *Program) Bind(name string, value any) error {
	if _, err := p.get(formValue); err != nil {
		return err
	}
	v, err := p.value(name, value)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// Bind the programs compiled so far; check with the value program
	// first, which has every data variable.
	val, err := p.getLocked(formValue)
	if err != nil {
		return err
	}
	if findVar(p.f.n, name) == nil {
		if _, declared := p.f.decl[name]; !declared {
			return val.p.Bind(name, v) // the error that names f's data
		}
		// A declared variable that f does not have, as 2y I has lost x:
		// its value gives only sizes.
		if err := p.bindInto(val.p, name, v); err != nil {
			return err
		}
	} else if err := val.p.Bind(name, v); err != nil {
		return err
	}
	for _, l := range p.progs[formValue+1:] {
		if l != nil && l.p != nil {
			if err := p.bindInto(l.p, name, v); err != nil {
				return err
			}
		}
	}
	for i, b := range p.bound {
		if b.name == name {
			p.bound[i].v = v
			return nil
		}
	}
	p.bound = append(p.bound, binding{name, v})
	return nil
}

// bindInto binds name in a derivative's program when it has that
// variable, and fixes the sizes its value gives in any case: a
// derivative may have lost a variable but kept its sizes, as the
// gradient of a linear function aᵀx is a, of a's size.
func (p *Program) bindInto(q *program.Program, name string, v tensor.T) error {
	s, ok := p.f.decl[name]
	if x := findVar(p.f.n, name); x != nil {
		s, ok = x.Shape(), true
	}
	if ok {
		for i := 0; i < s.Rank() && i < len(v.Shape); i++ {
			if d := s.Dim(i); d.N == 0 {
				if err := q.SetSizeOf(d.Sym, v.Shape[i], expr.SizeSource{Name: name, Rank: s.Rank(), Dim: i}); err != nil {
					return err
				}
			}
		}
	}
	if _, ok := slices.BinarySearch(q.Data(), name); !ok {
		return nil
	}
	return q.Bind(name, v)
}

// value converts a value given to Bind for the variable name.
func (p *Program) value(name string, value any) (tensor.T, error) {
	want := p.f.decl[name]
	if v := findVar(p.f.n, name); v != nil {
		want = v.Shape()
	}
	var t tensor.T
	switch v := value.(type) {
	case float64:
		t = tensor.Scalar(v)
	case int:
		t = tensor.Scalar(float64(v))
	case []float64:
		t = tensor.T{Shape: []int{len(v)}, Data: slices.Clone(v)}
	case Tensor:
		if err := v.check(name); err != nil {
			return tensor.T{}, err
		}
		t = tensor.T{Shape: slices.Clone(v.Shape), Data: slices.Clone(v.Data)}
	case mat.RawMatrixer:
		raw := v.RawMatrix()
		t = tensor.T{Shape: []int{raw.Rows, raw.Cols}, Data: make([]float64, raw.Rows*raw.Cols)}
		for i := 0; i < raw.Rows; i++ {
			copy(t.Data[i*raw.Cols:(i+1)*raw.Cols], raw.Data[i*raw.Stride:i*raw.Stride+raw.Cols])
		}
		if want.Rank() == 1 && (raw.Cols == 1 || raw.Rows == 1) {
			t.Shape = []int{raw.Rows * raw.Cols}
		}
	case mat.Vector:
		k := v.Len()
		t = tensor.T{Shape: []int{k}, Data: make([]float64, k)}
		for i := range t.Data {
			t.Data[i] = v.AtVec(i)
		}
	case mat.Matrix:
		r, c := v.Dims()
		t = tensor.T{Shape: []int{r, c}, Data: make([]float64, r*c)}
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				t.Data[i*c+j] = v.At(i, j)
			}
		}
		if want.Rank() == 1 && (c == 1 || r == 1) {
			t.Shape = []int{r * c}
		}
	case nil:
		return tensor.T{}, fmt.Errorf("the value of %s is nil", name)
	default:
		return tensor.T{}, fmt.Errorf("the value of %s is a %T: give a float64, []float64, mat.Matrix, mat.Vector or Tensor", name, value)
	}
	if want.Rank() == 2 && len(t.Shape) == 1 {
		t.Shape = []int{t.Shape[0], 1} // a column
	}
	if want.Rank() == 0 && len(t.Data) == 1 {
		t.Shape = nil
	}
	return t, nil
}

// SetPropagate makes NaN and infinities flow through the evaluations, as
// in NumPy, instead of being errors: inputs and data may hold them, a
// value outside a function's domain is NaN (log(-1), 1/0), and an
// overflow is infinite. For callers that check their results themselves;
// by default each of these is an error that names the subexpression.
func (p *Program) SetPropagate(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nan = on
	for _, l := range p.progs {
		if l != nil && l.p != nil {
			l.p.SetPropagate(on)
		}
	}
}

// SetSize fixes the symbolic size sym of the inputs, such as the n of an
// n-vector θ, where no data gives it.
func (p *Program) SetSize(sym string, k int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	val, err := p.getLocked(formValue)
	if err != nil {
		return err
	}
	if err := val.p.SetSize(sym, k); err != nil {
		return err
	}
	for _, l := range p.progs[formValue+1:] {
		if l != nil && l.p != nil {
			l.p.SetSize(sym, k)
		}
	}
	if p.sizes == nil {
		p.sizes = map[string]int{}
	}
	p.sizes[sym] = k
	return nil
}

// sameSize settles a symbolic size of the inputs from the n entries
// given as the value's program does, or refuses n where it has been
// settled otherwise: each kind of evaluation compiles a program of its
// own, and without this the first Value and the first ValueGrad could
// settle one size two ways.
func (p *Program) sameSize(n int) error {
	if !p.symbolic {
		return nil
	}
	l, err := p.get(formValue)
	if err != nil {
		return err
	}
	_, err = l.p.Sizes(n)
	return err
}

// errZeroProgram is the error of the zero Program.
var errZeroProgram = errors.New("nabla: the zero Program compiles nothing; use Compile")

// get returns the program of a form, compiling it on first use.
func (p *Program) get(fm form) (*lazy, error) {
	if p.progs[fm] == nil {
		return nil, errZeroProgram
	}
	l := p.progs[fm]
	if l.done.Load() {
		return l, l.err
	}
	l.once.Do(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.compile(fm, l)
		l.done.Store(true)
	})
	return l, l.err
}

// getLocked is get with p.mu held.
func (p *Program) getLocked(fm form) (*lazy, error) {
	if p.progs[fm] == nil {
		return nil, errZeroProgram
	}
	l := p.progs[fm]
	l.once.Do(func() {
		p.compile(fm, l)
		l.done.Store(true)
	})
	return l, l.err
}

// compile compiles the program of a form and binds the data bound so
// far.
func (p *Program) compile(fm form, l *lazy) {
	outs, ins, err := p.outputs(fm, l)
	if err != nil {
		l.err = err
		return
	}
	if l.fallback {
		return
	}
	l.p, l.err = program.Compile(outs, ins)
	if l.err != nil {
		return
	}
	l.p.SetPropagate(p.nan)
	for sym, k := range p.sizes {
		l.p.SetSize(sym, k)
	}
	for _, b := range p.bound {
		if err := p.bindInto(l.p, b.name, b.v); err != nil {
			l.err = err
			return
		}
	}
}

// syms returns the variables of the inputs, as f has them.
func (p *Program) syms() []*expr.Node { return p.xs }

// outputs returns what the program of a form computes, and its inputs.
func (p *Program) outputs(fm form, l *lazy) ([]*expr.Node, []program.Input, error) {
	f := p.f.n
	opts := &diff.Options{Budget: nil}
	switch fm {
	case formValue:
		return []*expr.Node{f}, p.ins, nil
	case formGrad:
		if !f.Shape().IsScalar() {
			return nil, nil, fmt.Errorf("the gradient needs a scalar function, not a %s: use Jacobian or VJP", f.Shape().Describe())
		}
		adj, err := p.adjoints(f, opts)
		if err != nil {
			return nil, nil, err
		}
		return append([]*expr.Node{f}, adj...), p.ins, nil
	case formVJP:
		u := expr.NewSym("$u", f.Shape())
		s := expr.Sum(expr.Mul(u, f))
		dims, sized := f.Shape().Ints()
		switch {
		case f.Shape().IsScalar():
			s = expr.Mul(u, f)
		case f.Op() == expr.OpMatrix && sized:
			// A literal entry by entry, Σ u[k] f[k]: no rule for the
			// literal as a whole is needed.
			size := 1
			for _, d := range dims {
				size *= d
			}
			terms := make([]*expr.Node, size)
			idx := make([]int, len(dims))
			for k := range terms {
				for i, r := len(dims)-1, k; i >= 0; i-- {
					idx[i], r = r%dims[i]+1, r/dims[i]
				}
				terms[k] = expr.Mul(expr.Index(u, idx...), f.Entry(k))
			}
			s = expr.Add(terms...)
		}
		adj, err := p.adjoints(s, opts)
		if err != nil {
			return nil, nil, err
		}
		return adj, append(slices.Clone(p.ins), program.Input{Name: "$u", Shape: f.Shape()}), nil
	case formJVP:
		d, err := p.directional(f)
		if err != nil {
			return nil, nil, err
		}
		return []*expr.Node{d}, append(slices.Clone(p.ins), p.seeds...), nil
	case formHVP:
		if !f.Shape().IsScalar() {
			return nil, nil, fmt.Errorf("the Hessian needs a scalar function, not a %s", f.Shape().Describe())
		}
		adj, err := p.adjoints(f, opts)
		if err != nil {
			return nil, nil, err
		}
		outs := make([]*expr.Node, len(adj))
		for i, a := range adj {
			if outs[i], err = p.directional(a); err != nil {
				return nil, nil, err
			}
		}
		return outs, append(slices.Clone(p.ins), p.seeds...), nil
	case formJacobian:
		return p.jacobian(l)
	case formHessian:
		return p.hessian(l)
	}
	panic("nabla: unknown form")
}

// adjoints returns the gradient of the scalar s with respect to each
// input, in the input's shape: sym(G) for a symmetric matrix.
func (p *Program) adjoints(s *expr.Node, opts *diff.Options) ([]*expr.Node, error) {
	xs := p.syms()
	g, err := diff.Grad(s, xs, opts)
	if err != nil {
		return nil, err
	}
	for i, a := range g {
		if xs[i].IsSymmetric() {
			a = expr.Mul(expr.NewConst(expr.Rat(1, 2)), expr.Add(a, expr.Transpose(a)))
		}
		g[i] = shapedAs(a, xs[i].Shape())
	}
	return g, nil
}

// shapedAs gives a zero of scalar shape the shape s.
func shapedAs(d *expr.Node, s expr.Shape) *expr.Node {
	if d.IsZero() && d.Shape().IsScalar() && !s.IsScalar() {
		return expr.Zero(s)
	}
	return d
}

// directional returns the derivative of n along the directions of the
// inputs, the seeds: Σₖ ∂n/∂xₖ [vₖ], along sym(vₖ) for a symmetric
// matrix xₖ.
func (p *Program) directional(n *expr.Node) (*expr.Node, error) {
	var terms []*expr.Node
	for i, x := range p.syms() {
		seed := expr.NewSym(p.seeds[i].Name, p.seeds[i].Shape)
		if x.IsSymmetric() {
			// Along the symmetric part of the direction: the derivatives
			// of a function of a symmetric matrix are those of its
			// restriction to symmetric matrices, as its gradient sym(G).
			seed = expr.Mul(expr.NewConst(expr.Rat(1, 2)), expr.Add(seed, expr.Transpose(seed)))
		}
		d, err := diff.Diff(n, x, &diff.Options{Seed: seed})
		if err != nil {
			return nil, err
		}
		if !d.IsZero() {
			terms = append(terms, d)
		}
	}
	if len(terms) == 0 {
		return shapedAs(expr.Int64(0), n.Shape()), nil
	}
	return expr.Add(terms...), nil
}

// jacobian returns the blocks of the Jacobian in matrix form, one per
// input, or marks it to be computed from VJPs where there is none.
func (p *Program) jacobian(l *lazy) ([]*expr.Node, []program.Input, error) {
	if p.f.n.Shape().Rank() > 1 {
		l.fallback = true
		return nil, nil, nil
	}
	at := make([]blockAt, len(p.ins))
	for i := range at {
		at[i] = blockAt{col: i}
	}
	return p.matrixForm(l, calc.Jacobian, at)
}

// hessian returns the blocks of the Hessian in matrix form, one per pair
// of inputs on and above the diagonal, or marks it to be computed from
// HVPs where there is none.
func (p *Program) hessian(l *lazy) ([]*expr.Node, []program.Input, error) {
	if s := p.f.n.Shape(); !s.IsScalar() {
		return nil, nil, fmt.Errorf("the Hessian needs a scalar function, not a %s", s.Describe())
	}
	var at []blockAt
	for i := range p.ins {
		for j := i; j < len(p.ins); j++ {
			at = append(at, blockAt{row: i, col: j, mirror: i != j})
		}
	}
	return p.matrixForm(l, calc.Hessian, at)
}

// matrixForm returns the derivative of the kind asked for in matrix form:
// one output, or its blocks, placed as at says; where nabla has no
// matrix form it marks l to be computed otherwise.
func (p *Program) matrixForm(l *lazy, kind calc.Kind, at []blockAt) ([]*expr.Node, []program.Input, error) {
	r, err := calc.Derive(p.ctx, p.f.n, p.f.decl, p.Inputs(), &calc.Options{Kind: kind})
	if err != nil || r.Tensor != nil || r.Blocks != nil && len(r.Blocks) != len(at) {
		l.fallback = true
		return nil, nil, nil
	}
	if r.Blocks == nil {
		return []*expr.Node{r.Expr}, p.ins, nil
	}
	outs := make([]*expr.Node, len(r.Blocks))
	for k, b := range r.Blocks {
		if b.Tensor != nil {
			l.fallback = true
			return nil, nil, nil
		}
		outs[k] = b.Expr
	}
	l.blocks = at
	return outs, p.ins, nil
}
