// Package eval compiles expression graphs into flat programs and runs them
// in float64. A program evaluates each node of the graph once, in
// topological order, so shared subexpressions cost nothing extra; values
// outside a function's domain are reported as errors, never returned as
// NaN or infinities.
package eval

import (
	"fmt"
	"math"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
)

// Program is a compiled expression. It is safe for concurrent use.
type Program struct {
	code  []instr
	vars  []string // names of the inputs, in the order of expr.CompareNames
	nodes []*expr.Node
	outs  []int32 // the slots of the outputs: one, or a matrix's entries
	shape []int   // the output shape; empty for a scalar
	pos   []int32 // a sparse matrix output: the flat positions of outs
	// noValue, if not nil, is why the expression has no value: it
	// applies a declared function. Every evaluation returns it.
	noValue error
}

type instr struct {
	op   expr.Op
	args []int32
	c    float64 // constants; the input index of a variable
}

// DomainError reports an evaluation outside a function's domain.
type DomainError struct {
	Node *expr.Node // the subexpression whose value is undefined
	Msg  string     // e.g. "log of a non-positive number"
	At   string     // the entry of a vector or matrix value, as "[3]"; "" for a scalar
}

// Error returns the message and the subexpression, as
// "log of a non-positive number in log(x)", with the entry of a vector
// or matrix value: "… in log(x), entry [3]".
func (e *DomainError) Error() string {
	s := format.Short(e.Node, 200)
	if e.At != "" {
		return e.Msg + " in " + s + ", entry " + e.At
	}
	return e.Msg + " in " + s
}

// Compile turns n into a program. It evaluates the stable form of n
// (expr.Stable): log(1 + exp(x)) is softplus(x), finite at x = 1000. A
// program of an expression without a value, one that applies a declared
// function, returns an *expr.NoValueError from every evaluation.
func Compile(n *expr.Node) *Program {
	n = expr.Stable(n)
	p := &Program{}
	var slot expr.Memo[int32]
	varIndex := make(map[string]int)
	var walk func(n *expr.Node) int32
	walk = func(n *expr.Node) int32 {
		if s, ok := slot.Get(n); ok {
			return s
		}
		if err := expr.Valueless(n); err != nil && p.noValue == nil {
			p.noValue = err
		}
		in := instr{op: n.Op()}
		switch info := n.Info(); {
		case info.Value != nil:
			in.c = info.Value(n)
		case n.Op() == expr.OpSym:
			i, ok := varIndex[n.Name()]
			if !ok {
				i = len(p.vars)
				varIndex[n.Name()] = i
				p.vars = append(p.vars, n.Name())
			}
			in.c = float64(i)
		default:
			in.args = make([]int32, len(n.Args()))
			for i, a := range n.Args() {
				in.args[i] = walk(a)
			}
		}
		s := int32(len(p.code))
		p.code = append(p.code, in)
		p.nodes = append(p.nodes, n)
		slot.Put(n, s)
		return s
	}
	if n.Op() == expr.OpMatrix {
		for _, a := range n.Args() {
			p.outs = append(p.outs, walk(a))
		}
		p.shape = make([]int, n.Shape().Rank())
		for i := range p.shape {
			p.shape[i] = n.Shape().Dim(i).N
		}
		p.pos, _ = n.Sparse()
	} else {
		p.outs = []int32{walk(n)}
	}
	// Number the inputs in the order of expr.CompareNames so Vars is
	// deterministic.
	sorted := append([]string(nil), p.vars...)
	expr.SortNames(sorted)
	pos := make(map[string]int, len(sorted))
	for i, v := range sorted {
		pos[v] = i
	}
	for i := range p.code {
		if p.code[i].op == expr.OpSym {
			p.code[i].c = float64(pos[p.vars[int(p.code[i].c)]])
		}
	}
	p.vars = sorted
	return p
}

// Vars returns the names of the program's inputs in the order of
// expr.CompareNames.
func (p *Program) Vars() []string { return p.vars }

// Shape returns the shape of the program's output: empty for a scalar.
func (p *Program) Shape() []int { return p.shape }

// Eval evaluates a scalar program with the inputs in the order of Vars.
// work, if long enough, is used as scratch space to avoid allocation.
func (p *Program) Eval(inputs []float64, work []float64) (float64, error) {
	if len(p.shape) > 0 {
		return 0, fmt.Errorf("eval: the value is a %s, not a scalar", shapeString(p.shape))
	}
	v, err := p.run(inputs, work)
	if err != nil {
		return 0, err
	}
	return v[p.outs[0]], nil
}

// EvalAll evaluates the program and returns every entry of its output in
// row-major order (one entry for a scalar).
func (p *Program) EvalAll(inputs []float64) ([]float64, error) {
	v, err := p.run(inputs, nil)
	if err != nil {
		return nil, err
	}
	size := 1
	for _, d := range p.shape {
		size *= d
	}
	out := make([]float64, size)
	for k, slot := range p.outs {
		if p.pos != nil {
			out[p.pos[k]] = v[slot]
		} else {
			out[k] = v[slot]
		}
	}
	return out, nil
}

func shapeString(dims []int) string {
	s := ""
	for i, d := range dims {
		if i > 0 {
			s += "×"
		}
		s += fmt.Sprint(d)
	}
	return s
}

func (p *Program) run(inputs []float64, work []float64) ([]float64, error) {
	if p.noValue != nil {
		return nil, p.noValue
	}
	if len(inputs) != len(p.vars) {
		return nil, fmt.Errorf("eval: %d inputs for %d variables", len(inputs), len(p.vars))
	}
	if cap(work) < len(p.code) {
		work = make([]float64, len(p.code))
	}
	v := work[:len(p.code)]
	var scratch [4]float64
	for i, in := range p.code {
		var r float64
		switch info := &expr.Ops[in.op]; {
		case in.op == expr.OpSym:
			r = inputs[int(in.c)]
		case info.Value != nil:
			r = in.c
		case info.Eval == nil:
			return nil, p.domain(i, "cannot evaluate "+info.Name)
		default:
			x := scratch[:0]
			for _, a := range in.args {
				x = append(x, v[a])
			}
			var msg string
			r, msg = info.Eval(x)
			if msg != "" {
				return nil, p.domain(i, msg)
			}
		}
		if math.IsNaN(r) || math.IsInf(r, 0) {
			if math.IsNaN(r) {
				return nil, p.domain(i, "undefined value")
			}
			return nil, p.domain(i, "overflow")
		}
		v[i] = r
	}
	return v, nil
}

func (p *Program) domain(i int, msg string) error {
	return &DomainError{Node: p.nodes[i], Msg: msg}
}

// Inputs orders named inputs as Eval takes them. Every variable must have
// a value.
func (p *Program) Inputs(env map[string]float64) ([]float64, error) {
	if p.noValue != nil {
		return nil, p.noValue
	}
	in := make([]float64, len(p.vars))
	for i, name := range p.vars {
		v, ok := env[name]
		if !ok {
			return nil, fmt.Errorf("no value for %s", name)
		}
		in[i] = v
	}
	return in, nil
}

// At evaluates a scalar program with named inputs.
func (p *Program) At(env map[string]float64) (float64, error) {
	in, err := p.Inputs(env)
	if err != nil {
		return 0, err
	}
	return p.Eval(in, nil)
}
