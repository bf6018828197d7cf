package program

import (
	"errors"
	"fmt"
	"runtime"
	"slices"

	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/format"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/tensor"
)

// newPlan settles the shape of every node and chooses its steps, then
// computes what does not depend on the inputs.
func newPlan(p *Program, sizes map[string]int) (*plan, error) {
	nn := len(p.nodes)
	pl := &plan{p: p, sizesMap: sizes, shapes: make([][]int, nn), varies: make([]bool, nn), propagate: p.propagate}
	isInput := make([]bool, nn)
	pl.inOff = make([]int, len(p.ins))
	for i, in := range p.ins {
		pl.inOff[i] = pl.n
		dims, _ := settleShape(in.Shape, pl.sizeOf)
		pl.inSize = append(pl.inSize, product(dims))
		pl.n += product(dims)
		for _, s := range p.inAt[i] {
			isInput[s] = true
		}
	}
	// Shapes, from the operands' by the table's shape rules.
	for s, n := range p.nodes {
		if info := n.Info(); info.Value != nil {
			if v := info.Value(n); v-v != 0 && !p.propagate {
				// A number beyond float64, as 2^2000.
				return nil, pl.scalarError(int32(s), v, "")
			}
		}
		if n.Op() == expr.OpSym {
			if v, ok := p.bound[n.Name()]; ok {
				pl.shapes[s] = v.Shape
				continue
			}
		}
		args := make([][]int, len(p.args[s]))
		for i, a := range p.args[s] {
			args[i] = pl.shapes[a]
			pl.varies[s] = pl.varies[s] || pl.varies[a]
		}
		pl.varies[s] = pl.varies[s] || isInput[s]
		dims, err := expr.Settle(n, args, pl.sizeOf)
		if err != nil {
			var unknown *expr.UnknownSizeError
			if errors.As(err, &unknown) {
				return nil, err
			}
			return nil, fmt.Errorf("size mismatch in %s: %v", short(n), err)
		}
		pl.shapes[s] = dims
		if err := eval.TooLarge(n, func(d expr.Dim) (int, bool) {
			if d.N > 0 {
				return d.N, true
			}
			return pl.sizeOf(d)
		}); err != nil {
			return nil, err
		}
	}
	b := builder{pl: pl, clusterOf: make([]*cluster, nn), reducedBy: make([]*cluster, nn), stepOf: make([]int, nn), isInput: isInput}
	for s := range p.nodes {
		b.stepOf[s] = -1
	}
	// What does not depend on the inputs first, computed once.
	for _, phase := range []bool{false, true} {
		for s := range p.nodes {
			if pl.varies[s] == phase {
				b.add(int32(s))
			}
		}
		if !phase {
			b.prelude = len(b.steps)
		}
	}
	pl.steps = b.steps
	if err := b.finish(); err != nil {
		return nil, err
	}
	return pl, nil
}

// builder chooses the steps of a plan.
type builder struct {
	pl        *plan
	steps     []step
	prelude   int        // the steps that do not depend on the inputs come first
	clusterOf []*cluster // the element-wise cluster of each slot
	reducedBy []*cluster // the cluster that computes each reduction
	loops     []*cluster // the clusters, in the order of their steps
	stepOf    []int      // the step that computes each slot; -1 for none yet
	isInput   []bool
}

// add chooses how to compute the node in slot s.
func (b *builder) add(s int32) {
	p, pl := b.pl.p, b.pl
	n := p.nodes[s]
	info := n.Info()
	switch {
	case n.Op() == expr.OpSym, info.Value != nil:
		return // inputs, data and constants are values already
	case info.Elementwise && len(pl.shapes[s]) == 0:
		b.emit(step{kind: kScalar, slot: s, args: p.args[s]}, s)
	case info.Elementwise:
		b.addLoop(s)
	case info.Reduce != nil && b.reduceIn(s):
	case n.Op() == expr.OpMatMul && b.chainable(s):
		b.emit(step{kind: kChain, slot: s, ch: b.chain(s)}, s)
	default:
		b.emit(step{kind: kTensor, slot: s, args: p.args[s]}, s)
	}
}

func (b *builder) emit(st step, s int32) {
	b.stepOf[s] = len(b.steps)
	b.steps = append(b.steps, st)
}

// reduceIn adds the reduction in slot s to the cluster that computes its
// operand, where there is one that is still open, and reports whether it
// did.
func (b *builder) reduceIn(s int32) bool {
	pl := b.pl
	args := pl.p.args[s]
	if len(args) != 1 {
		return false
	}
	c := b.clusterOf[args[0]]
	if c == nil || pl.varies[args[0]] != pl.varies[s] || product(pl.shapes[args[0]]) != c.size {
		return false
	}
	b.stepOf[s] = c.step
	b.clusterOf[s] = c
	b.reducedBy[s] = c
	c.nodes = append(c.nodes, cnode{slot: s, red: pl.nred})
	pl.nred++
	return true
}

// addLoop adds an element-wise node of a vector or matrix to the cluster
// of one of its operands where it can join one: an operand of its size
// and kind whose cluster's step comes after everything else it reads.
func (b *builder) addLoop(s int32) {
	pl := b.pl
	args := pl.p.args[s]
	size := product(pl.shapes[s])
	fits := func(c *cluster) bool {
		if c == nil || c.size != size || c.varies != pl.varies[s] {
			return false
		}
		for _, o := range args {
			if b.reducedBy[o] == c {
				return false // a reduction is complete only after its cluster
			}
			if b.clusterOf[o] != c && b.stepOf[o] > c.step {
				return false
			}
		}
		return true
	}
	// The cluster of an operand, or else the latest that can take the
	// node: chains over the same entries run in one loop, each input read
	// once.
	var join *cluster
	for _, a := range args {
		if fits(b.clusterOf[a]) {
			join = b.clusterOf[a]
			break
		}
	}
	for i := len(b.loops) - 1; i >= 0 && join == nil; i-- {
		if fits(b.loops[i]) {
			join = b.loops[i]
		}
	}
	if join == nil {
		join = &cluster{size: size, step: len(b.steps), varies: pl.varies[s]}
		b.loops = append(b.loops, join)
		b.emit(step{kind: kLoop, slot: s, cl: join}, s)
	} else {
		b.stepOf[s] = join.step
	}
	b.clusterOf[s] = join
	join.nodes = append(join.nodes, cnode{slot: s, red: -1})
}

// finish settles what each step reads and which values have buffers,
// computes the steps that do not depend on the inputs, and sizes the
// frames.
func (b *builder) finish() error {
	pl := b.pl
	nn := len(pl.p.nodes)
	read := make([]bool, nn) // read by a step of another cluster, or an output
	for _, o := range pl.p.outs {
		read[o] = true
	}
	for _, st := range b.steps {
		for _, r := range b.reads(st) {
			read[r] = true
		}
	}
	// Drop the steps whose results nothing reads, from the last.
	needed := make([]bool, nn)
	for _, o := range pl.p.outs {
		needed[o] = true
	}
	keep := make([]bool, len(b.steps))
	for i := len(b.steps) - 1; i >= 0; i-- {
		st := b.steps[i]
		if !b.needs(st, needed) {
			continue
		}
		keep[i] = true
		for _, r := range b.reads(st) {
			needed[r] = true
		}
	}
	pl.full = make([]bool, nn)
	for s, n := range pl.p.nodes {
		switch {
		case n.Op() == expr.OpSym || n.Info().Value != nil:
		case b.clusterOf[s] != nil:
			pl.full[s] = read[s] && needed[s]
		default:
			pl.full[s] = b.stepOf[s] >= 0 && needed[s]
		}
	}
	for _, st := range b.steps {
		if st.kind == kLoop {
			st.cl.compile(pl, b.clusterOf)
			pl.nblk = max(pl.nblk, st.cl.nblk)
		}
		if st.kind == kChain {
			pl.maxArg = max(pl.maxArg, 2)
		}
		pl.maxArg = max(pl.maxArg, len(st.args))
		if st.cl != nil {
			for _, c := range st.cl.nodes {
				pl.maxArg = max(pl.maxArg, len(c.args))
			}
		}
	}
	var pre, main []step
	for i, st := range b.steps {
		switch {
		case !keep[i]:
		case i < b.prelude:
			pre = append(pre, st)
		default:
			main = append(main, st)
		}
	}
	// Scalar registers: one per scalar slot.
	pl.nsc = nn
	pl.lanes = 1
	pl.consts = make([]tensor.T, nn)
	pl.steps = pre
	f := pl.newFrame()
	if err := pl.run(f, nil); err != nil {
		return err
	}
	for s := range pl.p.nodes {
		if !pl.varies[s] {
			pl.consts[s] = f.vals[s]
		}
	}
	pl.steps = b.streams(main)
	for _, st := range pl.steps {
		if st.kind == kLoop && st.cl.size >= parallelMin {
			pl.lanes = max(pl.lanes, runtime.GOMAXPROCS(0))
		}
	}
	pl.scalarOnly(f)
	return nil
}

// scalarOnly gives a plan whose values are all scalars its instructions
// on registers.
func (pl *plan) scalarOnly(f *Frame) {
	for s := range pl.p.nodes {
		if len(pl.shapes[s]) > 0 {
			return
		}
	}
	for _, st := range pl.steps {
		if st.kind != kScalar {
			return
		}
	}
	var code []sinstr
	for _, st := range pl.steps {
		info := pl.p.nodes[st.slot].Info()
		kind := sCall2
		switch pl.p.nodes[st.slot].Op() {
		case expr.OpAdd:
			kind = sAdd
		case expr.OpMul:
			kind = sMul
		case expr.OpPow:
			if e := st.args[1]; !pl.varies[e] && f.sc[e] == 2 {
				code = append(code, sinstr{kind: sSquare, a: st.args[0], dst: st.slot})
				continue
			}
		}
		switch {
		case len(st.args) == 1 && info.Eval1 != nil:
			code = append(code, sinstr{kind: sCall1, f1: info.Eval1, a: st.args[0], dst: st.slot})
		case len(st.args) >= 2 && info.Eval2 != nil && (len(st.args) == 2 || info.Arity < 0):
			code = append(code, sinstr{kind: kind, f2: info.Eval2, a: st.args[0], b: st.args[1], dst: st.slot})
			for _, a := range st.args[2:] {
				code = append(code, sinstr{kind: kind, f2: info.Eval2, a: st.slot, b: a, dst: st.slot})
			}
		default:
			return
		}
	}
	pl.inReg = nil
	for i := range pl.p.ins {
		for _, s := range pl.p.inAt[i] {
			pl.inReg = append(pl.inReg, load{x: pl.inOff[i], reg: s})
		}
	}
	pl.regs0 = slices.Clone(f.sc)
	// Registers written before they are read need no first value.
	written := map[int32]bool{}
	for _, l := range pl.inReg {
		written[l.reg] = true
	}
	for _, in := range code {
		reads := []int32{in.a, in.b}
		if in.kind == sCall1 || in.kind == sSquare {
			reads = reads[:1]
		}
		for _, a := range reads {
			if !written[a] && !slices.Contains(pl.constRegs, a) {
				pl.constRegs = append(pl.constRegs, a)
			}
		}
		written[in.dst] = true
	}
	for _, o := range pl.p.outs {
		if !written[o] && !slices.Contains(pl.constRegs, o) {
			pl.constRegs = append(pl.constRegs, o)
		}
	}
	pl.scalar = code
}

// needs reports whether a step computes a needed slot.
func (b *builder) needs(st step, needed []bool) bool {
	if st.kind == kLoop {
		for _, c := range st.cl.nodes {
			if needed[c.slot] {
				return true
			}
		}
		return false
	}
	return needed[st.slot]
}

// reads returns the slots a step reads, outside its own cluster.
func (b *builder) reads(st step) []int32 {
	switch st.kind {
	case kLoop:
		var out []int32
		for _, c := range st.cl.nodes {
			for _, a := range b.pl.p.args[c.slot] {
				if v, ok := b.pl.diagonal(c.slot, a); ok {
					if v >= 0 {
						out = append(out, v)
					}
				} else if b.clusterOf[a] != st.cl {
					out = append(out, a)
				}
			}
		}
		return out
	case kChain:
		out := make([]int32, len(st.ch.factors))
		for i, f := range st.ch.factors {
			out[i] = f.slot
		}
		return out
	}
	return st.args
}

func short(n *expr.Node) string { return format.Short(n, 80) }
