package program

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// stream reads a large matrix M once where a program reads it twice: for
// u = M v, then for element-wise chains over u, then for Mᵀ w of a vector
// w those chains give, as a least-squares loss and its gradient do
// (r = y − Φθ, −2Φᵀr). Rows of M are taken a chunk at a time, on all
// cores: the chunk of u, the chunk of each chain, and each product Mᵀ w
// accumulated from the chunk while it is in cache.
type stream struct {
	m, v, u    int32 // u = M v
	rows, cols int
	cls        []*cluster
	cons       []consumer
}

// consumer is a product Mᵀ w (or wᵀ M) that a stream accumulates.
type consumer struct {
	w, out int32
	acc    int // the accumulator of each lane
}

// streamMin is the fewest entries of M worth streaming on several
// cores.
const streamMin = 1 << 16

// streams groups the steps of a plan into streams where they read a
// large matrix twice.
func (b *builder) streams(steps []step) []step {
	pl := b.pl
	ready := make([]bool, len(pl.p.nodes)) // computed before the step at hand
	for s, n := range pl.p.nodes {
		if !pl.varies[s] || n.Info().Value != nil || len(pl.p.args[s]) == 0 {
			ready[s] = true
		}
	}
	var out []step
	taken := make([]bool, len(steps))
	for i, st := range steps {
		if taken[i] {
			continue
		}
		if sm := b.streamAt(steps, i, ready, taken); sm != nil {
			out = append(out, step{kind: kStream, slot: st.slot, sm: sm})
		} else {
			out = append(out, st)
		}
		for _, s := range b.written(st) {
			ready[s] = true
		}
	}
	return out
}

// written returns the slots a step computes.
func (b *builder) written(st step) []int32 {
	if st.kind == kLoop {
		out := make([]int32, len(st.cl.nodes))
		for i, c := range st.cl.nodes {
			out[i] = c.slot
		}
		return out
	}
	return []int32{st.slot}
}

// matVec returns the two factors of a chain of one product, a matrix
// and a vector: M v (trans false) or Mᵀ w, wᵀ M (trans true).
func matVec(st step) (m, v int32, trans, ok bool) {
	if st.kind != kChain || st.ch.gram || len(st.ch.factors) != 2 {
		return 0, 0, false, false
	}
	a, c := st.ch.factors[0], st.ch.factors[1]
	switch {
	case a.diag || c.diag:
	case !a.trans && !c.trans && a.c > 1 && c.c == 1:
		return a.slot, c.slot, false, true // M v
	case a.trans && !c.trans && c.c == 1:
		return a.slot, c.slot, true, true // Mᵀ w
	case a.trans && a.r == 1 && !c.trans:
		return c.slot, a.slot, true, true // wᵀ M
	}
	return 0, 0, false, false
}

// streamAt returns the stream that starts at steps[i], a product M v of
// a large matrix that does not vary, marking the steps it takes.
func (b *builder) streamAt(steps []step, i int, ready, taken []bool) *stream {
	pl := b.pl
	m, v, trans, ok := matVec(steps[i])
	if !ok || trans || pl.varies[m] || len(pl.shapes[m]) != 2 {
		return nil
	}
	sm := &stream{m: m, v: v, u: steps[i].slot, rows: pl.shapes[m][0], cols: pl.shapes[m][1]}
	if sm.rows*sm.cols < streamMin || product(pl.shapes[sm.u]) != sm.rows {
		return nil
	}
	in := map[int32]bool{sm.u: true} // the slots the stream computes
	avail := func(s int32) bool { return ready[s] || in[s] }
	for j := i + 1; j < len(steps); j++ {
		st := steps[j]
		if taken[j] {
			continue
		}
		switch {
		case st.kind == kLoop && st.cl.size == sm.rows:
			ok := true
			for _, r := range b.reads(st) {
				ok = ok && avail(r)
			}
			if !ok {
				continue
			}
			sm.cls = append(sm.cls, st.cl)
			for _, c := range st.cl.nodes {
				in[c.slot] = true
			}
		case st.kind == kChain:
			mm, w, trans, ok := matVec(st)
			if !ok || !trans || mm != m || !avail(w) || product(pl.shapes[w]) != sm.rows {
				continue
			}
			sm.cons = append(sm.cons, consumer{w: w, out: st.slot})
		default:
			continue
		}
		taken[j] = true
	}
	if len(sm.cons) == 0 && len(sm.cls) == 0 {
		return nil
	}
	for k := range sm.cons {
		sm.cons[k].acc = len(pl.accs)
		pl.accs = append(pl.accs, sm.cols)
	}
	pl.lanes = max(pl.lanes, min(runtime.GOMAXPROCS(0), sm.rows/256))
	return sm
}

// run computes the stream in the frame f, its rows shared among the
// lanes.
func (sm *stream) run(pl *plan, f *Frame) error {
	workers := len(f.lanes)
	per := (sm.rows + workers - 1) / workers
	chunk := max(16, 8192/sm.cols)
	errs := make([]error, workers)
	work := func(w int) {
		ln := &f.lanes[w]
		for _, c := range sm.cons {
			clear(ln.acc[c.acc])
		}
		for _, cl := range sm.cls {
			cl.clearReductions(ln)
		}
		lo, hi := w*per, min((w+1)*per, sm.rows)
		mv, vv, uv := f.vals[sm.m].Data, f.vals[sm.v].Data, f.vals[sm.u].Data
		for r0 := lo; r0 < hi; r0 += chunk {
			r1 := min(r0+chunk, hi)
			rows := blas64.General{Rows: r1 - r0, Cols: sm.cols, Stride: sm.cols, Data: mv[r0*sm.cols : r1*sm.cols]}
			blas64.Gemv(blas.NoTrans, 1, rows, blas64.Vector{N: sm.cols, Inc: 1, Data: vv}, 0, blas64.Vector{N: r1 - r0, Inc: 1, Data: uv[r0:r1]})
			if k := nonFinite(uv[r0:r1]); k >= 0 && !pl.propagate {
				errs[w] = pl.check(f, sm.u)
				return
			}
			for _, cl := range sm.cls {
				if err := cl.runRange(pl, f, ln, r0, r1); err != nil {
					errs[w] = err
					return
				}
			}
			for _, c := range sm.cons {
				blas64.Gemv(blas.Trans, 1, rows, blas64.Vector{N: r1 - r0, Inc: 1, Data: f.vals[c.w].Data[r0:r1]}, 1, blas64.Vector{N: sm.cols, Inc: 1, Data: ln.acc[c.acc]})
			}
		}
	}
	if workers == 1 || sm.rows*sm.cols < streamMin {
		workers = 1
		per = sm.rows
		work(0)
	} else {
		var wg sync.WaitGroup
		for w := 1; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(w)
			}()
		}
		work(0)
		wg.Wait()
	}
	for _, err := range errs[:workers] {
		if err != nil {
			return err // the first rows' first
		}
	}
	for _, cl := range sm.cls {
		if err := cl.finishReductions(pl, f, workers); err != nil {
			return err
		}
	}
	for _, c := range sm.cons {
		out := f.vals[c.out].Data
		copy(out, f.lanes[0].acc[c.acc])
		for w := 1; w < workers; w++ {
			for k, x := range f.lanes[w].acc[c.acc] {
				out[k] += x
			}
		}
		if err := pl.check(f, c.out); err != nil {
			return err
		}
	}
	return nil
}
