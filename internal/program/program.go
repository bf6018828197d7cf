// Package program compiles expression graphs of scalars, vectors and
// matrices into programs that evaluate them at many points: the value of
// a function together with its derivatives, which the symbolic engine
// gives as expressions over the same graph, so that the value and the
// derivatives share every subexpression they have in common.
//
// A program runs in three stages. Compile orders the graph, operands
// first. When the sizes of every value are known, from the data bound to
// the program and the length of the inputs, a plan settles the shape of
// every node and chooses how to compute it:
//
//   - what does not depend on the inputs (data, constants, the identity,
//     products of data) is computed once per plan;
//   - matrix products are multiplied in the cheapest order for their
//     sizes, transposes are flags of the BLAS kernels and diag(v) a
//     scaling, never matrices formed to be multiplied;
//   - element-wise operations of one size run as one loop over blocks of
//     entries that stay in cache, with the operations' block kernels
//     (Loop in the operation table): a chain and the chains beside it
//     that read the same inputs, so that each input is read once, and
//     the sums of their results (Reduce in the table), so that a value
//     summed is never stored;
//   - scalars are registers of a small interpreter over the table's
//     scalar kernels.
//
// Each evaluation then runs the plan's steps on buffers of its own,
// taken from a pool, so that a program is safe for concurrent use and
// allocates nothing per call once warm. Every value computed is checked:
// an entry that is NaN or infinite is traced to the operation and the
// operands that gave it, and reported with the scalar kernel's
// description of the domain, as the tree evaluator reports it.
package program

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/simd"
	"github.com/nabla-math/nabla/internal/tensor"
)

// Input names an input of a program and gives its shape, whose symbolic
// sizes the data bound or the length of the inputs settle.
type Input struct {
	Name  string
	Shape expr.Shape
}

// Program is a compiled graph with several outputs. Bind, SetSize and
// the evaluations may be called from several goroutines, but Bind and
// SetSize must not run while an evaluation does.
type Program struct {
	nodes []*expr.Node // the graph, operands first
	args  [][]int32    // the slots of each node's operands
	outs  []int32
	ins   []Input
	inAt  [][]int32             // the slots of each input's variable (none when the graph lacks it)
	vars  map[string][]int32    // the slots of the variables that are data
	decl  map[string]expr.Shape // the shape of each variable

	mu        sync.Mutex
	propagate bool
	bound     map[string]tensor.T
	order     []string             // the names bound, in order
	fixed     map[string]fixedSize // sizes set by SetSize and SetSizeOf
	sizes     map[string]int       // the sizes settled by data and SetSize
	from      map[string]expr.SizeSource
	cached    atomic.Pointer[plan]
}

// Compile orders the graphs of outs for evaluation with the inputs ins,
// in that order. Variables of the graphs that are not inputs are data,
// bound by name before the program runs. The program evaluates their
// stable forms (expr.Stable): log(1 + exp(x)) is softplus(x), finite at
// x = 1000, and log(sum(exp(z))) is logsumexp(z). A graph without a
// value, one that applies a declared function, is an *expr.NoValueError.
func Compile(outs []*expr.Node, ins []Input) (*Program, error) {
	p := &Program{ins: ins, vars: map[string][]int32{}, decl: map[string]expr.Shape{}}
	isInput := map[string]int{}
	for i, in := range ins {
		if _, dup := isInput[in.Name]; dup {
			return nil, fmt.Errorf("the input %s is listed twice", in.Name)
		}
		isInput[in.Name] = i
		p.decl[in.Name] = in.Shape
	}
	p.inAt = make([][]int32, len(ins))
	var noValue error // the first node without a value, an application of a declared function
	var slot expr.Memo[int32]
	var walk func(n *expr.Node) int32
	walk = func(n *expr.Node) int32 {
		if s, ok := slot.Get(n); ok {
			return s
		}
		if err := expr.Valueless(n); err != nil && noValue == nil {
			noValue = err
		}
		var args []int32
		if n.Op() != expr.OpSym && n.Info().Value == nil {
			args = make([]int32, len(n.Args()))
			for i, a := range n.Args() {
				args[i] = walk(a)
			}
		}
		s := int32(len(p.nodes))
		p.nodes = append(p.nodes, n)
		p.args = append(p.args, args)
		slot.Put(n, s)
		if n.Op() == expr.OpSym {
			if i, ok := isInput[n.Name()]; ok {
				if n.Shape() != ins[i].Shape {
					return s // reported below
				}
				p.inAt[i] = append(p.inAt[i], s)
			} else {
				p.vars[n.Name()] = append(p.vars[n.Name()], s)
				p.decl[n.Name()] = n.Shape()
			}
		}
		return s
	}
	for _, o := range outs {
		p.outs = append(p.outs, walk(expr.Stable(o)))
	}
	if noValue != nil {
		return nil, noValue
	}
	for _, n := range p.nodes {
		if n.Op() != expr.OpSym {
			continue
		}
		if i, ok := isInput[n.Name()]; ok && n.Shape() != ins[i].Shape {
			return nil, fmt.Errorf("the input %s is a %s, but the expression has a %s %s", n.Name(), ins[i].Shape.Describe(), n.Shape().Describe(), n.Name())
		}
	}
	return p, nil
}

// Inputs returns the inputs, in order.
func (p *Program) Inputs() []Input { return p.ins }

// Data returns the names of the variables to bind, in the order of
// expr.CompareNames.
func (p *Program) Data() []string { return expr.SortedNames(p.vars) }

// Outputs returns the number of outputs.
func (p *Program) Outputs() int { return len(p.outs) }

// Output returns output k's node.
func (p *Program) Output(k int) *expr.Node { return p.nodes[p.outs[k]] }

// Bind gives the data variable name the value v, which the program
// keeps and reads at each evaluation: the caller must not change it
// while the program holds it. Its sizes settle the symbolic sizes of
// name's shape. Binding a name again replaces its value.
func (p *Program) Bind(name string, v tensor.T) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.vars[name]; !ok {
		for _, in := range p.ins {
			if in.Name == name {
				return fmt.Errorf("%s is an input: its value is given at each evaluation, not bound", name)
			}
		}
		return &AbsentError{Name: name, Have: p.Data()}
	}
	s := p.decl[name]
	if err := checkValue(name, s, v, p.propagate); err != nil {
		return err
	}
	if p.nodes[p.vars[name][0]].IsSymmetric() {
		if err := eval.CheckSymmetric(name, v); err != nil {
			return err
		}
	}
	v = tensor.T{Shape: slices.Clone(v.Shape), Data: v.Data}
	old, had := p.bound[name]
	if p.bound == nil {
		p.bound = map[string]tensor.T{}
	}
	p.bound[name] = v
	if !had {
		p.order = append(p.order, name)
	}
	if err := p.settle(); err != nil {
		if had {
			p.bound[name] = old
		} else {
			delete(p.bound, name)
			p.order = p.order[:len(p.order)-1]
		}
		p.settle()
		return err
	}
	p.cached.Store(nil)
	return nil
}

// SetPropagate makes NaN and infinities flow through the program instead
// of being reported: inputs and data may hold them, and a value outside a
// function's domain is NaN. Singular matrices are still errors.
func (p *Program) SetPropagate(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.propagate = on
	p.cached.Store(nil)
}

// fixedSize is a size fixed by SetSize or SetSizeOf, with where it comes
// from.
type fixedSize struct {
	k   int
	src expr.SizeSource
}

// SetSize fixes the symbolic size sym, for sizes that no data gives.
func (p *Program) SetSize(sym string, k int) error {
	return p.SetSizeOf(sym, k, expr.SizeSource{})
}

// SetSizeOf is SetSize for a size read from the value src, of a variable
// that the program lacks (the gradient of aᵀx is a, without x): a value
// that disagrees with it is said to disagree with src.
func (p *Program) SetSizeOf(sym string, k int, src expr.SizeSource) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if k < 1 {
		return fmt.Errorf("the size %s must be positive, not %d", sym, k)
	}
	old, had := p.fixed[sym]
	if p.fixed == nil {
		p.fixed = map[string]fixedSize{}
	}
	p.fixed[sym] = fixedSize{k, src}
	if err := p.settle(); err != nil {
		if had {
			p.fixed[sym] = old
		} else {
			delete(p.fixed, sym)
		}
		p.settle()
		return err
	}
	p.cached.Store(nil)
	return nil
}

// checkValue checks that v fits the shape s of the variable name: its
// rank, its known sizes, finite entries, and symmetry for a symmetric
// matrix.
func checkValue(name string, s expr.Shape, v tensor.T, propagate bool) error {
	size := 1
	for _, k := range v.Shape {
		if k < 1 {
			return fmt.Errorf("the value of %s has a size %d: sizes are positive", name, k)
		}
		size *= k
	}
	if len(v.Data) != size {
		return fmt.Errorf("the value of %s has %d entries, but its shape %s needs %d", name, len(v.Data), tensor.ShapeString(v.Shape), size)
	}
	if len(v.Shape) != s.Rank() {
		return fmt.Errorf("%s is a %s, but its value is %s", name, s.Describe(), describe(v.Shape))
	}
	for i := 0; i < s.Rank(); i++ {
		if d := s.Dim(i); d.N > 0 && d.N != v.Shape[i] {
			return fmt.Errorf("%s is a %s, but its value is %s", name, s.Describe(), describe(v.Shape))
		}
	}
	if k := nonFinite(v.Data); k >= 0 && !propagate {
		return fmt.Errorf("the value of %s has %v at %s", name, v.Data[k], position(name, v.Shape, k))
	}
	if s.Rank() == 2 && s.Dim(0) == s.Dim(1) && s.Dim(0).N == 0 {
		// A square shape of one symbolic size: both sizes are that size.
		if v.Shape[0] != v.Shape[1] {
			return fmt.Errorf("%s is a %s, so its value must be square, not %s", name, s.Describe(), describe(v.Shape))
		}
	}
	return nil
}

// settle recomputes the symbolic sizes from SetSize and the data bound,
// in the order bound, and reports the first that disagree.
func (p *Program) settle() error {
	p.sizes, p.from = map[string]int{}, map[string]expr.SizeSource{}
	for sym, f := range p.fixed {
		p.sizes[sym], p.from[sym] = f.k, f.src
	}
	for _, name := range p.order {
		if err := p.unify(name, p.decl[name], p.bound[name].Shape); err != nil {
			return err
		}
	}
	return nil
}

// unify settles the symbolic sizes of s, the shape of name, from the
// sizes dims of its value.
func (p *Program) unify(name string, s expr.Shape, dims []int) error {
	for i := 0; i < s.Rank(); i++ {
		d := s.Dim(i)
		if d.N > 0 {
			continue
		}
		k, ok := p.sizes[d.Sym]
		switch {
		case !ok:
			p.sizes[d.Sym], p.from[d.Sym] = dims[i], expr.SizeSource{Name: name, Rank: s.Rank(), Dim: i}
		case k != dims[i]:
			from := p.from[d.Sym]
			if from.Name == name {
				return fmt.Errorf("the value of %s is %s, but its sizes must be equal (both %s)", name, describe(dims), d.Sym)
			}
			return &SizeError{Sym: d.Sym, Size: k, From: from, At: expr.SizeSource{Name: name, Rank: s.Rank(), Dim: i}, Got: dims[i]}
		}
	}
	return nil
}

// SizeError reports a value whose size contradicts the size another
// value gave.
type SizeError struct {
	Sym  string          // the symbolic size
	Size int             // its size from From
	From expr.SizeSource // the value that gave it; zero for SetSize
	At   expr.SizeSource // the value that disagrees
	Got  int             // its size there
}

// Error returns the message: "A has 2 columns but x has 3 entries, and
// both are the size n".
func (e *SizeError) Error() string {
	return expr.SizeConflict(e.Sym, e.From, e.Size, e.At, e.Got)
}

// AbsentError reports a name bound that the program has no variable of.
type AbsentError struct {
	Name string
	Have []string // the data variables
}

// Error returns the message.
func (e *AbsentError) Error() string {
	if len(e.Have) == 0 {
		return fmt.Sprintf("the expression has no variable %s to bind, and no data variables", e.Name)
	}
	return fmt.Sprintf("the expression has no variable %s to bind; its data variables are %s", e.Name, strings.Join(e.Have, ", "))
}

// DomainError reports an evaluation outside a function's domain: the
// tree evaluator's error, so that both report alike.
type DomainError = eval.DomainError

func describe(dims []int) string {
	switch len(dims) {
	case 0:
		return "a scalar"
	case 1:
		return fmt.Sprintf("a %d-vector", dims[0])
	}
	return "a " + tensor.ShapeString(dims) + " matrix"
}

// position names the flat entry k of a value of the given shape, 1-based
// as the syntax indexes: x[3], X[2,1].
func position(name string, dims []int, k int) string {
	switch len(dims) {
	case 0:
		return name
	case 1:
		return fmt.Sprintf("%s[%d]", name, k+1)
	}
	return fmt.Sprintf("%s[%d,%d]", name, k/dims[1]+1, k%dims[1]+1)
}

// nonFinite returns the position of the first entry that is NaN or
// infinite, or -1. A sum of finite numbers is finite unless it
// overflows, and one NaN or infinity makes it NaN or infinite: the sums
// of blocks, by gonum's vectorised kernel, find the block to search.
func nonFinite(xs []float64) int {
	const block = 1024
	for i := 0; i < len(xs); i += block {
		b := xs[i:min(i+block, len(xs))]
		if s := simd.Sum(b); s-s != 0 {
			for k, x := range b {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return i + k
				}
			}
		}
	}
	return -1
}
