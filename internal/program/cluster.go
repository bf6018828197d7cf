package program

import (
	"sync"

	"github.com/nabla-math/nabla/internal/expr"
)

// cluster is a chain of element-wise operations on values of one size,
// run as one loop over blocks of entries: the values only the cluster
// reads live in blocks, never in buffers of their full size.
type cluster struct {
	size   int  // entries
	step   int  // the index of its step when it was made
	varies bool // its values depend on the inputs
	nodes  []cnode
	nblk   int // blocks used
}

// cnode is one operation of a cluster.
type cnode struct {
	slot int32
	info *expr.OpInfo
	args []operand
	blk  int // the block of its result; -1 when it has a full buffer
	// diag holds the diagonal terms of a sum of square matrices: the
	// vector v of diag(v), -1 for I. They are added on the diagonal,
	// never formed.
	diag []int32
	// red, for a reduction (sum), is the index of its accumulator in each
	// lane; -1 for an element-wise operation. A reduction's result is a
	// scalar, complete when the whole cluster has run.
	red int
	// check marks a result checked for NaN and infinities: one that
	// leaves the cluster, or that an operation which may hide them reads
	// (exp(-Inf) is 0). After strict operations (sums, products) a NaN
	// shows in what reads it.
	check bool
}

// operand is where an operation of a cluster reads an operand.
type operand struct {
	blk    int   // a block of the cluster; -1 for a value outside it
	slot   int32 // the value outside it, or the slot computed in blk
	scalar bool  // a scalar outside it, which acts on every entry
}

// compile gives each operation its operands and its result a block or
// the full buffer of its slot.
func (c *cluster) compile(pl *plan, clusterOf []*cluster) {
	blkOf := map[int32]int{}
	c.nblk = 0
	for i := range c.nodes {
		cn := &c.nodes[i]
		cn.info = pl.p.nodes[cn.slot].Info()
		cn.args = cn.args[:0]
		cn.diag = cn.diag[:0]
		for _, a := range pl.p.args[cn.slot] {
			if v, ok := pl.diagonal(cn.slot, a); ok {
				cn.diag = append(cn.diag, v)
				continue
			}
			op := operand{blk: -1, slot: a, scalar: len(pl.shapes[a]) == 0}
			if clusterOf[a] == c && !pl.full[a] {
				op.blk = blkOf[a]
			}
			cn.args = append(cn.args, op)
		}
		cn.blk = -1
		if cn.red >= 0 {
			continue // a scalar, in its register
		}
		if !pl.full[cn.slot] {
			cn.blk = c.nblk
			blkOf[cn.slot] = c.nblk
			c.nblk++
		}
	}
	// What to check: every result read outside the cluster, and those
	// read by an operation that is not strict.
	at := map[int32]int{}
	for i := range c.nodes {
		at[c.nodes[i].slot] = i
		c.nodes[i].check = c.nodes[i].blk < 0 && c.nodes[i].red < 0
	}
	for i := range c.nodes {
		n := pl.p.nodes[c.nodes[i].slot]
		strict := n.Info().Strict != nil && n.Info().Strict(n)
		for _, a := range pl.p.args[c.nodes[i].slot] {
			if k, ok := at[a]; ok && !strict {
				c.nodes[k].check = true
			}
		}
	}
}

// parallelMin is the fewest entries of a cluster shared among lanes.
const parallelMin = 1 << 15

// run computes the cluster in the Frame f, on all its lanes when it is
// large.
func (c *cluster) run(pl *plan, f *Frame) error {
	lanes := len(f.lanes)
	if lanes == 1 || c.size < parallelMin {
		c.clearReductions(&f.lanes[0])
		if err := c.runRange(pl, f, &f.lanes[0], 0, c.size); err != nil {
			return err
		}
		return c.finishReductions(pl, f, 1)
	}
	// Contiguous ranges of whole blocks, one a lane; the first error in
	// the order of the entries.
	per := (c.size/block + lanes - 1) / lanes * block
	errs := make([]error, lanes)
	var wg sync.WaitGroup
	for w := 1; w < lanes; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.clearReductions(&f.lanes[w])
			errs[w] = c.runRange(pl, f, &f.lanes[w], min(w*per, c.size), min((w+1)*per, c.size))
		}()
	}
	c.clearReductions(&f.lanes[0])
	errs[0] = c.runRange(pl, f, &f.lanes[0], 0, min(per, c.size))
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return c.finishReductions(pl, f, lanes)
}

// clearReductions starts the accumulators of the cluster's reductions
// in the lane ln.
func (c *cluster) clearReductions(ln *lane) {
	for i := range c.nodes {
		if r := c.nodes[i].red; r >= 0 {
			ln.red[r] = 0
		}
	}
}

// finishReductions adds up the accumulators of the first lanes, in
// order, into each reduction's register, and checks the results: a NaN
// or an infinity is traced to the first entry that made it, the cluster
// run again checking every value, or else is the reduction's own
// overflow.
func (c *cluster) finishReductions(pl *plan, f *Frame, lanes int) error {
	bad := int32(-1)
	for i := range c.nodes {
		cn := &c.nodes[i]
		if cn.red < 0 {
			continue
		}
		v := 0.0
		for w := range lanes {
			v += f.lanes[w].red[cn.red]
		}
		f.sc[cn.slot] = v
		if v-v != 0 && bad < 0 {
			bad = cn.slot
		}
	}
	if bad < 0 || pl.propagate {
		return nil
	}
	ln := &f.lanes[0]
	for i0 := 0; i0 < c.size; i0 += block {
		if err := c.runBlock(pl, f, ln, i0, min(i0+block, c.size), true); err != nil {
			return err
		}
	}
	return pl.scalarError(bad, f.sc[bad], "")
}

// runRange computes the entries lo…hi of the cluster's values with the
// blocks of the lane ln.
func (c *cluster) runRange(pl *plan, f *Frame, ln *lane, lo, hi int) error {
	for i0 := lo; i0 < hi; i0 += block {
		i1 := min(i0+block, hi)
		if err := c.runBlock(pl, f, ln, i0, i1, false); err != nil {
			// Again, checking every value, to find the first that is
			// NaN or infinite.
			if err2 := c.runBlock(pl, f, ln, i0, i1, true); err2 != nil {
				return err2
			}
			return err
		}
	}
	return nil
}

// runBlock computes the entries i0…i1, checking the values marked, or
// all of them.
func (c *cluster) runBlock(pl *plan, f *Frame, ln *lane, i0, i1 int, all bool) error {
	m := i1 - i0
	{
		for k := range c.nodes {
			cn := &c.nodes[k]
			argv := ln.argv[:len(cn.args)]
			for j, op := range cn.args {
				switch {
				case op.blk >= 0:
					argv[j] = ln.blk[op.blk][:m]
				case op.scalar:
					argv[j] = f.vals[op.slot].Data[:1]
				default:
					argv[j] = f.vals[op.slot].Data[i0:i1]
				}
			}
			if cn.red >= 0 {
				ln.red[cn.red] += cn.info.Reduce(argv[0])
				continue
			}
			var out []float64
			if cn.blk >= 0 {
				out = ln.blk[cn.blk][:m]
			} else {
				out = f.vals[cn.slot].Data[i0:i1]
			}
			if len(argv) > 0 {
				cn.info.Loop(out, argv)
			} else {
				clear(out)
			}
			if len(cn.diag) > 0 {
				addDiagonal(out, i0, i1, pl.shapes[cn.slot][1], cn.diag, f)
			}
			if !cn.check && !all || pl.propagate {
				continue
			}
			if k := nonFinite(out); k >= 0 {
				return pl.entryError(cn.slot, argv, k, i0+k)
			}
		}
	}
	return nil
}

// diagonal reports whether the operand a of the node in slot s is a
// diagonal term of a sum of square matrices, diag(v) or I, and returns
// v's slot (-1 for I).
func (pl *plan) diagonal(s, a int32) (int32, bool) {
	if pl.p.nodes[s].Op() != expr.OpAdd {
		return 0, false
	}
	if dims := pl.shapes[s]; len(dims) != 2 || dims[0] != dims[1] {
		return 0, false
	}
	switch pl.p.nodes[a].Op() {
	case expr.OpDiag:
		if v := pl.p.args[a][0]; len(pl.shapes[v]) == 1 {
			return v, true
		}
	case expr.OpIdentity:
		return -1, true
	}
	return 0, false
}

// addDiagonal adds the diagonal terms diag to the entries i0…i1 of an
// n×n matrix held in out.
func addDiagonal(out []float64, i0, i1, n int, diag []int32, f *Frame) {
	for k := (i0 + n) / (n + 1); k*(n+1) < i1; k++ {
		at := k*(n+1) - i0
		for _, v := range diag {
			if v < 0 {
				out[at]++
			} else {
				out[at] += f.vals[v].Data[k]
			}
		}
	}
}
