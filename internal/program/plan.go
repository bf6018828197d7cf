package program

import (
	"fmt"
	"sync"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/tensor"
)

// block is the number of entries an element-wise loop computes at a
// time: its operands and results stay in the first-level cache.
const block = 256

// kind is how a step computes its node.
type kind uint8

const (
	kScalar kind = iota // an element-wise operation on scalars: the table's Eval
	kLoop               // a chain of element-wise operations: the table's Loop, block by block
	kTensor             // an operation on vectors and matrices: the table's Tensor kernel
	kChain              // a matrix product: BLAS kernels in the cheapest order
	kStream             // products with a large matrix and chains between them, by rows
)

// step computes one node, or a cluster of element-wise nodes.
type step struct {
	kind kind
	slot int32
	args []int32
	cl   *cluster
	ch   *chain
	sm   *stream
}

// plan is how a program computes its outputs once the sizes of every
// value are known.
type plan struct {
	p         *Program
	propagate bool // NaN and infinities flow through, as IEEE arithmetic has them
	sizesMap  map[string]int
	shapes    [][]int // the sizes of each slot's value
	varies    []bool  // whether each slot depends on the inputs
	n         int     // the number of input entries
	inOff     []int   // where each input starts among them
	inSize    []int   // the entries of each input
	steps     []step  // run at each evaluation
	full      []bool  // the slots that have a buffer of their own in a Frame
	consts    []tensor.T
	nsc       int // scalar registers
	maxArg    int
	nblk      int   // blocks of a lane
	nred      int   // accumulators of reductions in a lane
	lanes     int   // lanes of a frame: 1, or a worker each for streams
	accs      []int // the sizes of the accumulators of a lane
	pool      sync.Pool

	// A plan of scalars only runs as a list of scalar operations on
	// registers, regs0 their first values (constants and what does not
	// vary); inReg says which input entry each input's register takes.
	scalar    []sinstr
	regs0     []float64
	constRegs []int32 // the registers whose first values are read
	inReg     []load
}

// sinstr is one scalar operation on registers, with the table's fast
// kernel of one or two operands: the sum or product of more operands is
// an instruction per operand after the first, into the same register.
// The algebra's own operations, sums, products and squares, run in
// place, without a call.
type sinstr struct {
	kind sop
	f1   func(x float64) float64
	f2   func(a, b float64) float64
	a, b int32 // the registers of the operands
	dst  int32 // the register of the result, the slot of its node
}

// sop is the kind of a scalar instruction.
type sop uint8

const (
	sCall1  sop = iota // f1(a)
	sCall2             // f2(a, b)
	sAdd               // a + b
	sMul               // a b
	sSquare            // a²
)

// load puts the input entry x into the register reg.
type load struct {
	x   int
	reg int32
}

// maxRegs is the most registers of a plan of scalars run on the stack.
const maxRegs = 64

// lane is the scratch space of one worker of an evaluation: the blocks
// of element-wise clusters, and the accumulators of streamed products.
type lane struct {
	blk  [][]float64
	argv [][]float64
	acc  [][]float64
	red  []float64 // the partial results of reductions
}

// Frame holds the values of one evaluation.
type Frame struct {
	pl    *plan
	vals  []tensor.T
	own   [][]float64 // the buffers of outputs given the caller's storage
	wrote []bool      // the outputs computed in the caller's storage
	sc    []float64   // scalar registers
	lanes []lane      // scratch space of each worker; the first for sequential steps
	argv  [][]float64
	argt  []tensor.T
	argx  []float64
	tmp   []tensor.T // the intermediate products of chains
}

// plan returns the plan for inputs of n entries, making it when the
// sizes changed.
func (p *Program) plan(n int) (*plan, error) {
	if pl := p.cached.Load(); pl != nil && pl.n == n {
		return pl, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if pl := p.cached.Load(); pl != nil {
		if pl.n != n {
			return nil, p.lengthError(pl, n)
		}
		return pl, nil
	}
	for _, name := range p.Data() {
		if _, ok := p.bound[name]; !ok {
			return nil, &UnboundError{Name: name, Shape: p.decl[name]}
		}
	}
	sizes, err := p.inputSizes(n)
	if err != nil {
		return nil, err
	}
	pl, err := newPlan(p, sizes)
	if err != nil {
		return nil, err
	}
	if pl.n != n {
		return nil, p.lengthError(pl, n)
	}
	p.cached.Store(pl)
	return pl, nil
}

// UnboundError reports a data variable with no value.
type UnboundError struct {
	Name  string
	Shape expr.Shape
}

// Error returns the message.
func (e *UnboundError) Error() string {
	return fmt.Sprintf("%s (%s) has no value: bind it before evaluating", e.Name, e.Shape.Describe())
}

// lengthError reports inputs of the wrong length.
func (p *Program) lengthError(pl *plan, n int) error {
	var parts []string
	for i, in := range p.ins {
		parts = append(parts, fmt.Sprintf("%s (%s)", in.Name, describe(pl.inShape(i))))
	}
	verb := "take"
	if len(parts) == 1 {
		verb = "takes"
	}
	return fmt.Errorf("the inputs have %d entries, but %s %s %d", n, joinAnd(parts), verb, pl.n)
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return "none"
	case 1:
		return parts[0]
	}
	s := ""
	for i, x := range parts {
		switch {
		case i == len(parts)-1:
			s += " and "
		case i > 0:
			s += ", "
		}
		s += x
	}
	return s
}

// inShape returns the sizes of input i.
func (pl *plan) inShape(i int) []int {
	dims, _ := settleShape(pl.p.ins[i].Shape, pl.sizeOf)
	return dims
}

func (pl *plan) sizeOf(d expr.Dim) (int, bool) {
	k, ok := pl.sizesMap[d.Sym]
	return k, ok
}

// inputSizes returns the symbolic sizes with those of the inputs settled:
// a size no data gives is found from the number of input entries, n,
// when it is the only one.
func (p *Program) inputSizes(n int) (map[string]int, error) {
	sizes := make(map[string]int, len(p.sizes)+1)
	for k, v := range p.sizes {
		sizes[k] = v
	}
	var unknown []string
	seen := map[string]bool{}
	for _, in := range p.ins {
		for i := 0; i < in.Shape.Rank(); i++ {
			d := in.Shape.Dim(i)
			if _, ok := sizes[d.Sym]; d.N == 0 && !ok && !seen[d.Sym] {
				seen[d.Sym] = true
				unknown = append(unknown, d.Sym)
			}
		}
	}
	switch len(unknown) {
	case 0:
		return sizes, nil
	case 1:
		// The number of entries grows with the size: find the size that
		// gives n.
		count := func(k int) int {
			sizes[unknown[0]] = k
			total := 0
			for _, in := range p.ins {
				dims, _ := settleShape(in.Shape, func(d expr.Dim) (int, bool) { v, ok := sizes[d.Sym]; return v, ok })
				total += product(dims)
			}
			return total
		}
		lo, hi := 1, max(n, 1)
		for lo < hi {
			mid := lo + (hi-lo)/2
			if count(mid) < n {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if count(lo) == n {
			return sizes, nil
		}
		delete(sizes, unknown[0])
		return nil, fmt.Errorf("no size %s gives the inputs %d entries", unknown[0], n)
	}
	return nil, fmt.Errorf("the sizes %s of the inputs are not known: bind data that has them or set them", joinAnd(unknown))
}

func settleShape(s expr.Shape, size func(expr.Dim) (int, bool)) ([]int, bool) {
	dims := make([]int, s.Rank())
	for i := range dims {
		d := s.Dim(i)
		if d.N > 0 {
			dims[i] = d.N
			continue
		}
		k, ok := size(d)
		if !ok {
			return nil, false
		}
		dims[i] = k
	}
	return dims, true
}

func product(dims []int) int {
	n := 1
	for _, k := range dims {
		n *= k
	}
	return n
}
