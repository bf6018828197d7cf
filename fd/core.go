package fd

import (
	"fmt"
	"math"
	"slices"
)

// A probe is a point near x: x with coordinate i replaced by ti and, when
// j ≥ 0, coordinate j replaced by tj. A probe with i < 0 is x itself.
type probe struct {
	i, j   int
	ti, tj float64
}

// apply writes the probe's point into dst, given the base point x.
func (p probe) apply(dst, x []float64) {
	copy(dst, x)
	if p.i >= 0 {
		dst[p.i] = p.ti
	}
	if p.j >= 0 {
		dst[p.j] = p.tj
	}
}

// An evaluator returns the value of f at a probe, or a *NonFiniteError.
// An evalFactory makes one evaluator per worker, so each can keep its own
// scratch space.
type (
	evaluator   func(p probe) (float64, error)
	evalFactory func() evaluator
)

// scalarEvals evaluates a function of one variable; x is the base point.
func scalarEvals(f func(float64) float64, x float64) evalFactory {
	return func() evaluator {
		return func(p probe) (float64, error) {
			t := x
			if p.i >= 0 {
				t = p.ti
			}
			v := f(t)
			if !finite(v) {
				return 0, &NonFiniteError{X: t, Value: v, kind: kindScalar}
			}
			return v, nil
		}
	}
}

// vectorEvals evaluates a function of a vector; x is the base point,
// which f never sees (it gets a copy, set afresh for every call).
func vectorEvals(f func([]float64) float64, x []float64) evalFactory {
	return func() evaluator {
		buf := make([]float64, len(x))
		return func(p probe) (float64, error) {
			p.apply(buf, x)
			v := f(buf)
			if !finite(v) {
				pt := make([]float64, len(x))
				p.apply(pt, x)
				return 0, &NonFiniteError{Point: pt, Value: v, kind: kindVector}
			}
			return v, nil
		}
	}
}

// A grid collects the distinct probes x + a·h_i·e_i + b·h_j·e_j needed by
// stencils on the coordinates of x, each coordinate with its own step.
type grid struct {
	x      []float64
	h      []float64
	index  map[gridKey]int
	probes []probe
}

type gridKey struct{ i, a, j, b int }

func newGrid(x, h []float64) *grid {
	return &grid{x: x, h: h, index: make(map[gridKey]int)}
}

// checkSpacing reports an ErrStep if the step of some coordinate is so
// small next to the coordinate that two of the points x_i + a·h_i,
// for a in offsets (sorted), coincide in floating point.
func (g *grid) checkSpacing(offsets []int) error {
	for i := range g.x {
		for k := 1; k < len(offsets); k++ {
			a, b := offsets[k-1], offsets[k]
			if !(g.coord(i, a) < g.coord(i, b)) {
				return spacingError(g.x, i, g.h[i])
			}
		}
	}
	return nil
}

// spacingError is the error for a step h that vanishes next to x_i.
func spacingError(x []float64, i int, h float64) error {
	if len(x) == 1 {
		return fmt.Errorf("%w: step %v is too small at x = %v: the stencil points coincide", ErrStep, h, x[i])
	}
	return fmt.Errorf("%w: step %v is too small at x[%d] = %v: the stencil points coincide", ErrStep, h, i, x[i])
}

// key normalizes the displacement (a along i, b along j).
func (g *grid) key(i, a, j, b int) gridKey {
	if a == 0 {
		i = -1
	}
	if b == 0 {
		j = -1
	}
	if i < 0 || (j >= 0 && j < i) {
		i, a, j, b = j, b, i, a
	}
	if i < 0 {
		return gridKey{-1, 0, -1, 0}
	}
	if j < 0 {
		return gridKey{i, a, -1, 0}
	}
	return gridKey{i, a, j, b}
}

// coord returns the value of coordinate i displaced by a steps.
func (g *grid) coord(i, a int) float64 { return g.x[i] + float64(a)*g.h[i] }

// add registers a probe and returns its index.
func (g *grid) add(i, a, j, b int) int {
	k := g.key(i, a, j, b)
	if n, ok := g.index[k]; ok {
		return n
	}
	p := probe{i: k.i, j: k.j}
	if k.i >= 0 {
		p.ti = g.coord(k.i, k.a)
	}
	if k.j >= 0 {
		p.tj = g.coord(k.j, k.b)
	}
	g.index[k] = len(g.probes)
	g.probes = append(g.probes, p)
	return len(g.probes) - 1
}

func (g *grid) at(i, a, j, b int) int { return g.index[g.key(i, a, j, b)] }

// evaluate evaluates f at every probe.
func (g *grid) evaluate(ev evalFactory, concurrent bool) ([]float64, error) {
	vals := make([]float64, len(g.probes))
	err := forEach(len(g.probes), concurrent, func() func(int) error {
		e := ev()
		return func(k int) error {
			v, err := e(g.probes[k])
			vals[k] = v
			return err
		}
	})
	return vals, err
}

// locErr returns |e|/h for the representation error e of coordinate i
// displaced by a steps: how far the stored point is from x_i + a·h_i, in
// steps. It is zero when the point is exact, as it is as a rule for the
// automatic power-of-two steps.
func (g *grid) locErr(i, a int) float64 {
	if a == 0 {
		return 0
	}
	return math.Abs((g.coord(i, a)-g.x[i])-float64(a)*g.h[i]) / g.h[i]
}

// sum1 applies a stencil along coordinate i: it returns the estimate
// Σ c_k f_k / h^d, the rounding term ε·Σ|c_k f_k| / h^d and the location
// term Σ|c_k|·|e_k| / h^d, where e_k is the representation error of the
// k-th point.
func (g *grid) sum1(st *stencil, i int, val func(int) float64) (v, round, loc float64) {
	for k, a := range st.offsets {
		c := st.coeffs[k]
		f := val(g.at(i, a, -1, 0))
		v += c * f
		round += math.Abs(c * f)
		loc += math.Abs(c) * g.locErr(i, a) * g.h[i]
	}
	hd := math.Pow(g.h[i], float64(st.deriv))
	return v / hd, eps * round / hd, loc / hd
}

// sum2 applies the tensor product of a first-derivative stencil along
// coordinates i and j, which estimates ∂²f/∂x_i∂x_j. It returns the
// estimate, the rounding term, and the relative location term
// Σ|c_a|·|e_a|/h_i + Σ|c_b|·|e_b|/h_j (the representation errors move the
// estimate by about that fraction of itself; their first-order effect
// cancels because the weights of a first-derivative stencil sum to 0).
func (g *grid) sum2(st *stencil, i, j int, val func(int) float64) (v, round, rel float64) {
	for ka, a := range st.offsets {
		for kb, b := range st.offsets {
			c := st.coeffs[ka] * st.coeffs[kb]
			f := val(g.at(i, a, j, b))
			v += c * f
			round += math.Abs(c * f)
		}
	}
	for k, a := range st.offsets {
		rel += math.Abs(st.coeffs[k]) * (g.locErr(i, a) + g.locErr(j, a))
	}
	hh := g.h[i] * g.h[j]
	return v / hh, eps * round / hh, rel
}

func sorted(a []int) []int { return slices.Sorted(slices.Values(a)) }

// errEstimate returns the error estimate of a stencil's estimate v, given
// the estimate w of the next-higher-order stencil and the rounding and
// location terms of w. The error of v is (v - w) plus the error of w; the
// truncation part of the latter is of higher order and neglected, while
// its rounding part is bounded by the rounding and location terms.
func errEstimate(v, w, round, loc float64) float64 {
	return math.Abs(v-w) + round + loc
}

// steps returns the step of each coordinate: the given step, or the
// automatic one for a stencil of the given order and derivative order d.
func steps(x []float64, step float64, order, d int) []float64 {
	h := make([]float64, len(x))
	for i, xi := range x {
		if step > 0 {
			h[i] = step
		} else {
			h[i] = autoStep(xi, order, d)
		}
	}
	return h
}

// stencilFirst estimates the first derivative along every coordinate of
// x with the stencil scheme of c.
func stencilFirst(ev evalFactory, x []float64, c config) ([]Estimate, error) {
	main, next := stencilPair(c.scheme, c.points, 1)
	g := newGrid(x, steps(x, c.step, main.order, 1))
	if err := g.checkSpacing(sorted(next.offsets)); err != nil {
		return nil, err
	}
	for i := range x {
		for _, a := range next.offsets {
			g.add(i, a, -1, 0)
		}
	}
	vals, err := g.evaluate(ev, c.concurrent)
	if err != nil {
		return nil, err
	}
	get := func(k int) float64 { return vals[k] }
	out := make([]Estimate, len(x))
	for i := range x {
		v, _, _ := g.sum1(main, i, get)
		w, round, loc := g.sum1(next, i, get)
		out[i] = Estimate{Value: v, Err: errEstimate(v, w, round, math.Abs(v)*loc), Step: g.h[i]}
	}
	return out, nil
}

// stencilSecond estimates the second derivatives of f at x with the
// stencil scheme of c: the diagonal ones with the second-derivative
// stencil, the mixed ones with the tensor product of first-derivative
// stencils. It calls set(i, j, e) for every i ≤ j (only i = j when
// diagOnly); e.Step is the step of coordinate i.
func stencilSecond(set func(i, j int, e Estimate), ev evalFactory, x []float64, c config, diagOnly bool) error {
	main2, next2 := stencilPair(c.scheme, c.points, 2)
	main1, next1 := stencilPair(c.scheme, c.points, 1)
	slope, _ := stencilPair(c.scheme, 2, 1)
	g := newGrid(x, steps(x, c.step, main2.order, 2))
	if err := g.checkSpacing(sorted(next2.offsets)); err != nil { // they include next1's
		return err
	}
	n := len(x)
	for i := range n {
		for _, a := range next2.offsets {
			g.add(i, a, -1, 0)
		}
		if diagOnly {
			continue
		}
		for j := i + 1; j < n; j++ {
			for _, a := range next1.offsets {
				for _, b := range next1.offsets {
					g.add(i, a, j, b)
				}
			}
		}
	}
	vals, err := g.evaluate(ev, c.concurrent)
	if err != nil {
		return err
	}
	get := func(k int) float64 { return vals[k] }
	for i := range n {
		v, _, _ := g.sum1(main2, i, get)
		w, round, loc := g.sum1(next2, i, get)
		s, _, _ := g.sum1(slope, i, get) // the first derivative, for the location term
		set(i, i, Estimate{Value: v, Err: errEstimate(v, w, round, math.Abs(s)*loc), Step: g.h[i]})
		if diagOnly {
			continue
		}
		for j := i + 1; j < n; j++ {
			v, _, _ := g.sum2(main1, i, j, get)
			w, round, rel := g.sum2(next1, i, j, get)
			set(i, j, Estimate{Value: v, Err: errEstimate(v, w, round, math.Abs(w)*rel), Step: g.h[i]})
		}
	}
	return nil
}
