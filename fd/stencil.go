package fd

import (
	"fmt"
	"math/big"
	"sync"
)

// A stencil estimates the derivative of order deriv of f at x as
//
//	Σ_k coeffs[k]·f(x + offsets[k]·h) / h^deriv,
//
// with a truncation error of order h^order.
//
// The weights solve the Taylor conditions
//
//	Σ_k coeffs[k]·offsets[k]^m = deriv!·[m = deriv],  m = 0, …, len(offsets)-1,
//
// a Vandermonde system, solved exactly in rational arithmetic. The order of
// accuracy is then found, not assumed: it is M - deriv for the smallest
// M ≥ len(offsets) with a nonzero moment Σ_k coeffs[k]·offsets[k]^M.
// For the stencils of this package that gives:
//
//	first derivative,  central, p points (±1, …, ±p/2):    order p
//	first derivative,  forward, p points (0, 1, …, p-1):   order p-1
//	second derivative, central, p+1 points (-p/2, …, p/2): order p
//	second derivative, forward, p+1 points (0, 1, …, p):   order p-1
//
// and backward stencils mirror forward ones.
type stencil struct {
	offsets []int
	coeffs  []float64
	exact   []*big.Rat // the weights as exact fractions
	order   int
	deriv   int
}

// stencilKey names a stencil: its kind (Central, Forward or Backward), its
// derivative order and the Points setting it implements.
type stencilKey struct {
	scheme Scheme
	deriv  int
	points int
}

// maxPoints is the largest Points a caller may ask for; one more
// (two more for Central) is built for error estimates.
const maxPoints = 8

var stencilTable = sync.OnceValue(func() map[stencilKey]*stencil {
	t := make(map[stencilKey]*stencil)
	for deriv := 1; deriv <= 2; deriv++ {
		for p := 2; p <= maxPoints+2; p += 2 {
			t[stencilKey{Central, deriv, p}] = newStencil(stencilOffsets(Central, deriv, p), deriv)
		}
		for p := 2; p <= maxPoints+1; p++ {
			t[stencilKey{Forward, deriv, p}] = newStencil(stencilOffsets(Forward, deriv, p), deriv)
			t[stencilKey{Backward, deriv, p}] = newStencil(stencilOffsets(Backward, deriv, p), deriv)
		}
	}
	return t
})

// stencilOffsets returns the offsets of the stencil that implements the
// given Points setting for a derivative of order deriv.
func stencilOffsets(scheme Scheme, deriv, points int) []int {
	var offs []int
	switch scheme {
	case Central:
		q := points / 2
		for k := -q; k <= q; k++ {
			if k != 0 || deriv != 1 { // the weight at 0 of a first derivative is 0
				offs = append(offs, k)
			}
		}
	case Forward, Backward:
		n := points // points for a first derivative, one more for a second
		if deriv == 2 {
			n++
		}
		for k := 0; k < n; k++ {
			if scheme == Backward {
				offs = append(offs, -k)
			} else {
				offs = append(offs, k)
			}
		}
	}
	return offs
}

// stencilPair returns the stencil for a scheme, Points setting and
// derivative order, and the next-higher-order stencil of the same kind,
// whose points include those of the first.
func stencilPair(scheme Scheme, points, deriv int) (main, next *stencil) {
	t := stencilTable()
	step := 1
	if scheme == Central {
		step = 2
	}
	return t[stencilKey{scheme, deriv, points}], t[stencilKey{scheme, deriv, points + step}]
}

// newStencil solves the Taylor conditions for the offsets.
func newStencil(offsets []int, deriv int) *stencil {
	n := len(offsets)
	pow := func(s, m int) *big.Rat {
		return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(int64(s)), big.NewInt(int64(m)), nil))
	}
	// Augmented matrix [A | b], A[m][k] = offsets[k]^m.
	a := make([][]*big.Rat, n)
	for m := range a {
		a[m] = make([]*big.Rat, n+1)
		for k, s := range offsets {
			if s == 0 && m == 0 {
				a[m][k] = big.NewRat(1, 1) // 0^0 = 1
			} else {
				a[m][k] = pow(s, m)
			}
		}
		a[m][n] = new(big.Rat)
		if m == deriv {
			a[m][n].SetInt(new(big.Int).MulRange(1, int64(deriv)))
		}
	}
	// Gauss–Jordan elimination; in exact arithmetic any nonzero pivot
	// will do, and the matrix is nonsingular for distinct offsets.
	for col := 0; col < n; col++ {
		piv := col
		for a[piv][col].Sign() == 0 {
			piv++
		}
		a[col], a[piv] = a[piv], a[col]
		inv := new(big.Rat).Inv(a[col][col])
		for k := col; k <= n; k++ {
			a[col][k].Mul(a[col][k], inv)
		}
		for r := 0; r < n; r++ {
			if r == col || a[r][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(a[r][col])
			for k := col; k <= n; k++ {
				a[r][k].Sub(a[r][k], new(big.Rat).Mul(f, a[col][k]))
			}
		}
	}
	st := &stencil{offsets: offsets, deriv: deriv, coeffs: make([]float64, n), exact: make([]*big.Rat, n)}
	for k := range offsets {
		st.exact[k] = a[k][n]
		st.coeffs[k], _ = a[k][n].Float64()
	}
	st.order = -1
	for m := n; m < n+4; m++ {
		if st.moment(m).Sign() != 0 {
			st.order = m - deriv
			break
		}
	}
	return st
}

// moment returns Σ_k coeffs[k]·offsets[k]^m exactly.
func (st *stencil) moment(m int) *big.Rat {
	sum := new(big.Rat)
	for k, s := range st.offsets {
		p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(int64(s)), big.NewInt(int64(m)), nil))
		if s == 0 && m == 0 {
			p.SetInt64(1)
		}
		sum.Add(sum, p.Mul(p, st.exact[k]))
	}
	return sum
}

// Stencil returns the stencil that Derivative (deriv = 1) and
// SecondDerivative (deriv = 2) use for the scheme Forward, Backward or
// Central with the Points setting points (0 means 2):
//
//	f^(deriv)(x) ≈ Σ_k weights[k]·f(x + offsets[k]·h) / h^deriv,
//
// the weights as exact fractions, for differences computed by hand or
// in exact arithmetic: the central stencil of 4 points for f′ has the
// offsets -2, -1, 1, 2 and the weights 1/12, -2/3, 2/3, -1/12.
func Stencil(scheme Scheme, deriv, points int) (offsets []int, weights []*big.Rat, err error) {
	if scheme != Forward && scheme != Backward && scheme != Central {
		return nil, nil, fmt.Errorf("fd: %v has no stencil", scheme)
	}
	if deriv != 1 && deriv != 2 {
		return nil, nil, fmt.Errorf("fd: stencils are for the derivatives of order 1 and 2, not %d", deriv)
	}
	c, err := resolve(&Settings{Scheme: scheme, Points: points}, true)
	if err != nil {
		return nil, nil, err
	}
	st, _ := stencilPair(scheme, c.points, deriv)
	weights = make([]*big.Rat, len(st.exact))
	for k, w := range st.exact {
		weights[k] = new(big.Rat).Set(w)
	}
	return append([]int(nil), st.offsets...), weights, nil
}
