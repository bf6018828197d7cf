package program

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/tensor"
)

// chain is a matrix product A B C … computed as products of two factors
// in the order that costs least for the factors' sizes. A transposed
// factor is its operand read transposed; a factor diag(v) is a scaling by
// the vector v.
type chain struct {
	factors []factor
	prods   []prod  // in order; the last gives the node's value
	tmps    [][]int // the sizes of the intermediate products
	// gram marks Mᵀ diag(s) M, a weighted Gram matrix: symmetric, so
	// half of it is computed, from the rows of M scaled by √|s|.
	gram bool
}

// factor is one factor of a chain, or an intermediate product.
type factor struct {
	slot  int32 // the value read; for an intermediate, the index of its temporary
	tmp   bool  // an intermediate product
	trans bool  // read transposed
	diag  bool  // the vector of a diagonal matrix
	r, c  int   // the sizes of the factor as it multiplies
}

// prod multiplies two factors into a temporary or the node's value.
type prod struct {
	a, b factor
	out  int // the temporary; -1 for the node's value
}

// chainable reports whether the product in slot s multiplies vectors and
// matrices only.
func (b *builder) chainable(s int32) bool {
	for _, a := range b.pl.p.args[s] {
		if len(b.pl.shapes[a]) == 0 {
			return false
		}
	}
	return len(b.pl.p.args[s]) >= 2
}

// rowsCols returns the sizes of a value as a matrix: a vector is a
// column.
func rowsCols(dims []int) (int, int) {
	switch len(dims) {
	case 0:
		return 1, 1
	case 1:
		return dims[0], 1
	}
	return dims[0], dims[1]
}

// chain plans the product in slot s.
func (b *builder) chain(s int32) *chain {
	p, pl := b.pl.p, b.pl
	ch := &chain{}
	for _, a := range p.args[s] {
		f := factor{slot: a}
		n := p.nodes[a]
		switch {
		case n.Op() == expr.OpTranspose && len(pl.shapes[p.args[a][0]]) > 0:
			f.slot, f.trans = p.args[a][0], true
		case n.Op() == expr.OpDiag && len(pl.shapes[p.args[a][0]]) == 1:
			f.slot, f.diag = p.args[a][0], true
		}
		f.r, f.c = rowsCols(pl.shapes[f.slot])
		switch {
		case f.diag:
			f.c = f.r
		case f.trans:
			f.r, f.c = f.c, f.r
		}
		ch.factors = append(ch.factors, f)
	}
	if f := ch.factors; len(f) == 3 && f[0].trans && f[1].diag && !f[2].trans && !f[2].diag &&
		f[0].slot == f[2].slot && len(pl.shapes[f[0].slot]) == 2 {
		// Mᵀ diag(s) M: the scaled rows, transposed, one temporary for
		// the positive weights and one for the negative.
		r, c := rowsCols(pl.shapes[f[0].slot])
		ch.gram = true
		ch.tmps = [][]int{{c, r}, {c, r}} // or r×c, scaled rows not transposed
		return ch
	}
	// The cheapest order: cost[i][j] of the product of factors i…j.
	k := len(ch.factors)
	cost := make([][]float64, k)
	split := make([][]int, k)
	diag := make([][]bool, k)
	for i := range cost {
		cost[i] = make([]float64, k)
		split[i] = make([]int, k)
		diag[i] = make([]bool, k)
		diag[i][i] = ch.factors[i].diag
	}
	for span := 1; span < k; span++ {
		for i := 0; i+span < k; i++ {
			j := i + span
			cost[i][j] = -1
			for m := i; m < j; m++ {
				r, q, c := float64(ch.factors[i].r), float64(ch.factors[m].c), float64(ch.factors[j].c)
				var work float64
				switch {
				case diag[i][m] && diag[m+1][j]:
					work = r
				case diag[i][m] || diag[m+1][j]:
					work = r * c
				default:
					work = r * q * c
				}
				if t := cost[i][m] + cost[m+1][j] + work; cost[i][j] < 0 || t < cost[i][j] {
					cost[i][j], split[i][j] = t, m
					diag[i][j] = diag[i][m] && diag[m+1][j]
				}
			}
		}
	}
	var emit func(i, j int, last bool) factor
	emit = func(i, j int, last bool) factor {
		if i == j {
			return ch.factors[i]
		}
		m := split[i][j]
		a, c := emit(i, m, false), emit(m+1, j, false)
		out := factor{tmp: true, r: a.r, c: c.c, diag: diag[i][j]}
		pr := prod{a: a, b: c, out: -1}
		if !last {
			pr.out = len(ch.tmps)
			out.slot = int32(pr.out)
			if out.diag {
				ch.tmps = append(ch.tmps, []int{out.r})
			} else {
				ch.tmps = append(ch.tmps, []int{out.r, out.c})
			}
		}
		ch.prods = append(ch.prods, pr)
		return out
	}
	emit(0, k-1, true)
	return ch
}

// run computes the chain's product into dst.
func (ch *chain) run(f *Frame, tmps []tensor.T, dst tensor.T) error {
	if ch.gram {
		weightedGram(dst, f.vals[ch.factors[0].slot], f.vals[ch.factors[1].slot].Data, tmps[0], tmps[1])
		return nil
	}
	for _, pr := range ch.prods {
		out := dst
		if pr.out >= 0 {
			out = tmps[pr.out]
		}
		a, b := ch.value(f, tmps, pr.a), ch.value(f, tmps, pr.b)
		var err error
		switch {
		case pr.a.diag && pr.b.diag:
			if pr.out < 0 {
				formDiag(out, a.Data, b.Data)
			} else {
				for i := range out.Data {
					out.Data[i] = a.Data[i] * b.Data[i]
				}
			}
		case pr.a.diag:
			scaleRows(out, a.Data, b, pr.b.trans)
		case pr.b.diag:
			scaleCols(out, a, pr.a.trans, b.Data)
		default:
			err = tensor.Gemm(out, a, pr.a.trans, b, pr.b.trans, 1, 0)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// formDiag writes the matrix diag(a .* b) into out.
func formDiag(out tensor.T, a, b []float64) {
	k := len(a)
	clear(out.Data)
	for i := 0; i < k; i++ {
		out.Data[i*k+i] = a[i] * b[i]
	}
}

func (ch *chain) value(f *Frame, tmps []tensor.T, x factor) tensor.T {
	if x.tmp {
		return tmps[x.slot]
	}
	return f.vals[x.slot]
}

// scaleRows writes diag(d) op(m) into out.
func scaleRows(out tensor.T, d []float64, m tensor.T, trans bool) {
	r, c := rowsCols(m.Shape)
	if !trans {
		for i := 0; i < r; i++ {
			di := d[i]
			src, dst := m.Data[i*c:(i+1)*c], out.Data[i*c:(i+1)*c]
			for j, x := range src {
				dst[j] = di * x
			}
		}
		return
	}
	// op(m) = mᵀ is c×r.
	for i := 0; i < c; i++ {
		di := d[i]
		for j := 0; j < r; j++ {
			out.Data[i*r+j] = di * m.Data[j*c+i]
		}
	}
}

// scaleCols writes op(m) diag(d) into out.
func scaleCols(out tensor.T, m tensor.T, trans bool, d []float64) {
	r, c := rowsCols(m.Shape)
	if !trans {
		for i := 0; i < r; i++ {
			src, dst := m.Data[i*c:(i+1)*c], out.Data[i*c:(i+1)*c]
			for j, x := range src {
				dst[j] = x * d[j]
			}
		}
		return
	}
	for i := 0; i < c; i++ {
		for j := 0; j < r; j++ {
			out.Data[i*r+j] = m.Data[j*c+i] * d[j]
		}
	}
}

// gramBlock is the size of the blocks of a Gram matrix computed apart:
// gonum's kernels run on one core each, so blocks share the work among
// cores; OpenBLAS shares one call among its own threads.
var gramBlock = 64

func init() {
	if tensor.Backend == "OpenBLAS" {
		gramBlock = 1 << 30
	}
}

// weightedGram writes Mᵀ diag(s) M into dst: with P and N the rows of M
// scaled by √s where s > 0 and by √-s where s < 0, transposed into zp
// and zn, it is P Pᵀ − N Nᵀ, of which the blocks on and above the
// diagonal are computed, on all cores, and mirrored.
func weightedGram(dst, m tensor.T, s []float64, zp, zn tensor.T) {
	r, c := rowsCols(m.Shape)
	neg := false
	for _, w := range s {
		if w < 0 {
			neg = true
			break
		}
	}
	if tensor.Backend == "OpenBLAS" {
		// One call on the scaled rows, read transposed: OpenBLAS shares
		// it among its threads.
		scaledRows(zp, m, s, r, c, 1)
		syrkT(dst.Data, zp.Data, c, r, 1, 0)
		if neg {
			scaledRows(zn, m, s, r, c, -1)
			syrkT(dst.Data, zn.Data, c, r, -1, 1)
		}
	} else {
		scaledTranspose(zp, m, s, r, c, 1)
		gram(dst.Data, zp.Data, c, r, 1, 0)
		if neg {
			scaledTranspose(zn, m, s, r, c, -1)
			gram(dst.Data, zn.Data, c, r, -1, 1)
		}
	}
	mirror(dst.Data, c)
}

// mirror copies the upper triangle of the c×c matrix a below the
// diagonal, in blocks that stay in cache.
func mirror(a []float64, c int) {
	const b = 32
	for i0 := 0; i0 < c; i0 += b {
		for j0 := i0; j0 < c; j0 += b {
			for i := i0; i < min(i0+b, c); i++ {
				for j := max(j0, i+1); j < min(j0+b, c); j++ {
					a[j*c+i] = a[i*c+j]
				}
			}
		}
	}
}

// scaledRows writes into z (r×c) the r×c matrix m with row i scaled by
// √(sign·s[i]) where sign·s[i] > 0, and 0 elsewhere.
func scaledRows(z, m tensor.T, s []float64, r, c int, sign float64) {
	for i := 0; i < r; i++ {
		w := 0.0
		if v := sign * s[i]; v > 0 {
			w = math.Sqrt(v)
		}
		src, dst := m.Data[i*c:(i+1)*c], z.Data[i*c:(i+1)*c]
		for j, x := range src {
			dst[j] = w * x
		}
	}
}

// syrkT writes alpha Yᵀ Y + beta C into the upper triangle of the c×c
// matrix dst, Y being r×c.
func syrkT(dst, y []float64, c, r int, alpha, beta float64) {
	blas64.Syrk(blas.Trans, alpha, blas64.General{Rows: r, Cols: c, Stride: c, Data: y}, beta,
		blas64.Symmetric{N: c, Stride: c, Data: dst, Uplo: blas.Upper})
}

// scaledTranspose writes into z (c×r) the transpose of the r×c matrix m
// with row i scaled by √(sign·s[i]) where sign·s[i] > 0, and 0 elsewhere,
// in blocks that stay in cache.
func scaledTranspose(z, m tensor.T, s []float64, r, c int, sign float64) {
	const b = 32
	var w [b]float64
	for i0 := 0; i0 < r; i0 += b {
		i1 := min(i0+b, r)
		for i := i0; i < i1; i++ {
			w[i-i0] = 0
			if v := sign * s[i]; v > 0 {
				w[i-i0] = math.Sqrt(v)
			}
		}
		for j0 := 0; j0 < c; j0 += b {
			j1 := min(j0+b, c)
			for i := i0; i < i1; i++ {
				wi, row := w[i-i0], m.Data[i*c:]
				for j := j0; j < j1; j++ {
					z.Data[j*r+i] = wi * row[j]
				}
			}
		}
	}
}

// gram writes alpha Z Zᵀ + beta C into the blocks on and above the
// diagonal of the d×d matrix c, Z being d×n, block by block on all
// cores.
func gram(c, z []float64, d, n int, alpha, beta float64) {
	type job struct{ i, j int }
	var jobs []job
	for i := 0; i < d; i += gramBlock {
		for j := i; j < d; j += gramBlock {
			jobs = append(jobs, job{i, j})
		}
	}
	var next atomic.Int64
	work := func() {
		for {
			k := int(next.Add(1)) - 1
			if k >= len(jobs) {
				return
			}
			i0, j0 := jobs[k].i, jobs[k].j
			i1, j1 := min(i0+gramBlock, d), min(j0+gramBlock, d)
			zi := blas64.General{Rows: i1 - i0, Cols: n, Stride: n, Data: z[i0*n:]}
			cc := blas64.General{Rows: i1 - i0, Cols: j1 - j0, Stride: d, Data: c[i0*d+j0:]}
			if i0 == j0 {
				blas64.Syrk(blas.NoTrans, alpha, zi, beta, blas64.Symmetric{N: i1 - i0, Stride: d, Data: cc.Data, Uplo: blas.Upper})
				continue
			}
			zj := blas64.General{Rows: j1 - j0, Cols: n, Stride: n, Data: z[j0*n:]}
			blas64.Gemm(blas.NoTrans, blas.Trans, alpha, zi, zj, beta, cc)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}
