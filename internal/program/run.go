package program

import (
	"errors"
	"fmt"
	"math"

	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/tensor"
)

// newFrame allocates the buffers of one evaluation.
func (pl *plan) newFrame() *Frame {
	nn := len(pl.p.nodes)
	f := &Frame{pl: pl, vals: make([]tensor.T, nn), own: make([][]float64, nn), wrote: make([]bool, len(pl.p.outs)), sc: make([]float64, pl.nsc)}
	size := 0
	for s := range pl.p.nodes {
		if pl.full[s] && len(pl.shapes[s]) > 0 && (pl.consts == nil || pl.consts[s].Data == nil) {
			size += product(pl.shapes[s])
		}
	}
	buf := make([]float64, size)
	for s, n := range pl.p.nodes {
		dims := pl.shapes[s]
		var known tensor.T // a value the plan has already
		if pl.consts != nil {
			known = pl.consts[s]
		}
		if n.Op() == expr.OpSym {
			if v, ok := pl.p.bound[n.Name()]; ok {
				known = v
			}
		}
		switch {
		case len(dims) == 0:
			// Scalars live in registers.
			f.vals[s] = tensor.T{Data: f.sc[s : s+1 : s+1]}
			switch info := n.Info(); {
			case known.Data != nil:
				f.sc[s] = known.Data[0]
			case info.Value != nil:
				f.sc[s] = info.Value(n)
			}
		case known.Data != nil:
			f.vals[s] = known
		case pl.full[s]:
			k := product(dims)
			f.vals[s] = tensor.T{Shape: dims, Data: buf[:k:k]}
			buf = buf[k:]
		default:
			f.vals[s] = tensor.T{Shape: dims}
		}
	}
	f.lanes = make([]lane, pl.lanes)
	for w := range f.lanes {
		ln := &f.lanes[w]
		ln.blk = make([][]float64, pl.nblk)
		for i := range ln.blk {
			ln.blk[i] = make([]float64, block)
		}
		ln.argv = make([][]float64, max(pl.maxArg, 1))
		ln.red = make([]float64, pl.nred)
		for _, k := range pl.accs {
			ln.acc = append(ln.acc, make([]float64, k))
		}
	}
	f.argv = make([][]float64, max(pl.maxArg, 1))
	f.argt = make([]tensor.T, max(pl.maxArg, 1))
	f.argx = make([]float64, max(pl.maxArg, 1))
	for _, st := range pl.steps {
		if st.kind == kChain {
			for _, dims := range st.ch.tmps {
				f.tmp = append(f.tmp, tensor.New(dims...))
			}
		}
	}
	return f
}

// Frame returns a Frame for an evaluation, from the plan's pool.
func (pl *plan) frame() *Frame {
	if f, ok := pl.pool.Get().(*Frame); ok {
		return f
	}
	return pl.newFrame()
}

// Eval evaluates the program at the inputs x, flattened row-major in
// order. The Frame it returns holds the outputs until Done.
func (p *Program) Eval(x []float64) (*Frame, error) { return p.EvalInto(x, nil) }

// EvalInto is Eval that computes output k in dst[k] where dst has it,
// so that a caller's matrix receives it without a copy; the Frame's
// Written reports which were. An output that is not computed, such as an
// input, or that is a scalar, which lives in a register, is not.
func (p *Program) EvalInto(x []float64, dst [][]float64) (*Frame, error) {
	pl, err := p.plan(len(x))
	if err != nil {
		return nil, err
	}
	f := pl.frame()
	for k, d := range dst {
		s := p.outs[k]
		if d == nil || !pl.full[s] || len(pl.shapes[s]) == 0 || pl.consts[s].Data != nil || len(d) != len(f.vals[s].Data) || f.own[s] != nil {
			continue
		}
		f.own[s] = f.vals[s].Data
		f.vals[s].Data = d
		f.wrote[k] = true
	}
	if err := pl.load(f, x); err != nil {
		f.Done()
		return nil, err
	}
	if err := pl.run(f, x); err != nil {
		f.Done()
		return nil, err
	}
	return f, nil
}

// EvalScalars evaluates a program whose values are all scalars at x,
// without a frame, and writes its first output into first and the others
// into rest; ok is false for a program of other values, which Eval
// evaluates.
func (p *Program) EvalScalars(x []float64, first *float64, rest []float64) (ok bool, err error) {
	pl, err := p.plan(len(x))
	if err != nil {
		return true, err
	}
	if pl.scalar == nil {
		return false, nil
	}
	switch n := len(pl.regs0); {
	case n <= 32:
		var stack [32]float64
		return true, pl.runScalar(stack[:n], x, first, rest)
	case n <= maxRegs:
		var stack [maxRegs]float64
		return true, pl.runScalar(stack[:n], x, first, rest)
	}
	return true, pl.runScalar(make([]float64, len(pl.regs0)), x, first, rest)
}

// runScalar runs a plan of scalars on the registers regs.
func (pl *plan) runScalar(regs []float64, x []float64, first *float64, rest []float64) error {
	for _, r := range pl.constRegs {
		regs[r] = pl.regs0[r]
	}
	if !pl.propagate {
		for i, v := range x {
			if v-v != 0 {
				return pl.inputError(x, i)
			}
		}
	}
	for _, l := range pl.inReg {
		regs[l.reg] = x[l.x]
	}
	for i := range pl.scalar {
		in := &pl.scalar[i]
		var r float64
		switch in.kind {
		case sAdd:
			r = regs[in.a] + regs[in.b]
		case sMul:
			r = regs[in.a] * regs[in.b]
		case sSquare:
			r = regs[in.a] * regs[in.a]
		case sCall1:
			r = in.f1(regs[in.a])
		default:
			r = in.f2(regs[in.a], regs[in.b])
		}
		regs[in.dst] = r
		if r-r != 0 && !pl.propagate {
			return pl.registerError(regs, in.dst)
		}
	}
	*first = regs[pl.p.outs[0]]
	for k, o := range pl.p.outs[1:] {
		rest[k] = regs[o]
	}
	return nil
}

// registerError reports the scalar of slot s that is not finite: the
// table's Eval says why, from the operands' registers.
func (pl *plan) registerError(regs []float64, s int32) error {
	args := pl.p.args[s]
	x := make([]float64, len(args))
	for i, a := range args {
		x[i] = regs[a]
	}
	r, msg := pl.p.nodes[s].Info().Eval(x)
	return pl.scalarError(s, r, msg)
}

// Out returns the value of output k, valid until Done.
func (f *Frame) Out(k int) tensor.T { return f.vals[f.pl.p.outs[k]] }

// Written reports whether output k was computed in the caller's storage
// given to EvalInto. An output that is the same value as an earlier one
// is computed once, in the earlier one's storage, and is not.
func (f *Frame) Written(k int) bool { return f.wrote[k] }

// Done returns the frame to its program for another evaluation.
func (f *Frame) Done() {
	for _, o := range f.pl.p.outs {
		if f.own[o] != nil {
			f.vals[o].Data, f.own[o] = f.own[o], nil
		}
	}
	clear(f.wrote)
	for s := range f.pl.p.inAt {
		for _, slot := range f.pl.p.inAt[s] {
			if len(f.pl.shapes[slot]) > 0 {
				f.vals[slot].Data = nil // no hold on the caller's inputs
			}
		}
	}
	f.pl.pool.Put(f)
}

// OutSize returns the number of entries of output k for inputs of n
// entries in all.
func (p *Program) OutSize(n, k int) (int, error) {
	pl, err := p.plan(n)
	if err != nil {
		return 0, err
	}
	return product(pl.shapes[p.outs[k]]), nil
}

// Sizes returns the number of entries of each input for inputs of n
// entries in all.
func (p *Program) Sizes(n int) ([]int, error) {
	pl, err := p.plan(n)
	if err != nil {
		return nil, err
	}
	return pl.inSize, nil
}

// Shapes returns the sizes of the outputs for inputs of n entries.
func (p *Program) Shapes(n int) ([][]int, error) {
	pl, err := p.plan(n)
	if err != nil {
		return nil, err
	}
	out := make([][]int, len(p.outs))
	for i, o := range p.outs {
		out[i] = pl.shapes[o]
	}
	return out, nil
}

// InputShapes returns the sizes of the inputs for inputs of n entries.
func (p *Program) InputShapes(n int) ([][]int, error) {
	pl, err := p.plan(n)
	if err != nil {
		return nil, err
	}
	out := make([][]int, len(p.ins))
	for i := range p.ins {
		out[i] = pl.inShape(i)
	}
	return out, nil
}

// load points the inputs' values at their entries of x, checking that
// they are finite.
func (pl *plan) load(f *Frame, x []float64) error {
	if k := nonFinite(x); k >= 0 && !pl.propagate {
		return pl.inputError(x, k)
	}
	for i := range pl.p.ins {
		for _, s := range pl.p.inAt[i] {
			dims := pl.shapes[s]
			k := product(dims)
			if len(dims) == 0 {
				f.sc[s] = x[pl.inOff[i]]
				continue
			}
			f.vals[s].Data = x[pl.inOff[i] : pl.inOff[i]+k : pl.inOff[i]+k]
			if pl.p.nodes[s].IsSymmetric() {
				if err := eval.CheckSymmetric(pl.p.ins[i].Name, f.vals[s]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// inputError reports the entry k of the inputs that is not finite.
func (pl *plan) inputError(x []float64, k int) error {
	for i := len(pl.inOff) - 1; i >= 0; i-- {
		if k >= pl.inOff[i] {
			in := pl.p.ins[i]
			return fmt.Errorf("the input %s has %v at %s", in.Name, x[k], position(in.Name, pl.inShape(i), k-pl.inOff[i]))
		}
	}
	return fmt.Errorf("the inputs have %v at %d", x[k], k)
}

// run runs the plan's steps in the Frame f.
func (pl *plan) run(f *Frame, x []float64) error {
	nodes := pl.p.nodes
	tmp := f.tmp
	for i := range pl.steps {
		st := &pl.steps[i]
		switch st.kind {
		case kScalar:
			info := nodes[st.slot].Info()
			argx := f.argx[:len(st.args)]
			for j, a := range st.args {
				argx[j] = f.sc[a]
			}
			r, msg := info.Eval(argx)
			if (msg != "" || r-r != 0) && !pl.propagate {
				return pl.scalarError(st.slot, r, msg)
			}
			f.sc[st.slot] = r
		case kLoop:
			if err := st.cl.run(pl, f); err != nil {
				return err
			}
		case kStream:
			if err := st.sm.run(pl, f); err != nil {
				return err
			}
		case kChain:
			k := len(st.ch.tmps)
			if err := st.ch.run(f, tmp[:k], f.vals[st.slot]); err != nil {
				return pl.kernelError(st.slot, err)
			}
			tmp = tmp[k:]
			if err := pl.check(f, st.slot); err != nil {
				return err
			}
		case kTensor:
			n := nodes[st.slot]
			argt := f.argt[:len(st.args)]
			for j, a := range st.args {
				argt[j] = f.vals[a]
			}
			if err := n.Info().Tensor(f.vals[st.slot], n, argt); err != nil {
				return pl.kernelError(st.slot, err)
			}
			if err := pl.check(f, st.slot); err != nil {
				return err
			}
		}
	}
	return nil
}

// check reports an entry of slot s that is NaN or infinite.
func (pl *plan) check(f *Frame, s int32) error {
	if pl.propagate {
		return nil
	}
	v := f.vals[s]
	if k := nonFinite(v.Data); k >= 0 {
		at := ""
		if len(v.Shape) > 0 {
			at = position("", v.Shape, k)
		}
		msg := "overflow"
		if math.IsNaN(v.Data[k]) {
			msg = "undefined value"
		}
		return &DomainError{Node: pl.p.nodes[s], Msg: msg, At: at}
	}
	return nil
}

// scalarError reports the scalar r of slot s that is outside the domain
// or not finite.
func (pl *plan) scalarError(s int32, r float64, msg string) error {
	if msg == "" {
		msg = "overflow"
		if math.IsNaN(r) {
			msg = "undefined value"
		}
	}
	return &DomainError{Node: pl.p.nodes[s], Msg: msg}
}

// entryError reports entry k of the block argv of slot s, entry at of
// its value, that is NaN or infinite: the scalar kernel says why.
func (pl *plan) entryError(s int32, argv [][]float64, k, at int) error {
	info := pl.p.nodes[s].Info()
	x := make([]float64, len(argv))
	for i, a := range argv {
		x[i] = a[min(k, len(a)-1)] // a scalar operand has one entry
	}
	r, msg := info.Eval(x)
	if msg == "" {
		msg = "overflow"
		if math.IsNaN(r) {
			msg = "undefined value"
		}
	}
	return &DomainError{Node: pl.p.nodes[s], Msg: msg, At: position("", pl.shapes[s], at)}
}

// kernelError gives the error of a kernel the subexpression it failed
// in.
func (pl *plan) kernelError(s int32, err error) error {
	n := pl.p.nodes[s]
	var de *tensor.DomainError
	if errors.As(err, &de) {
		return &DomainError{Node: n, Msg: de.Msg}
	}
	return fmt.Errorf("size mismatch in %s: %v", short(n), err)
}
