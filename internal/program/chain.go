package program

import (
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
