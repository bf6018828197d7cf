package fd

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
)

// Ridders' method (C. J. F. Ridders, Adv. Eng. Software 4(2), 1982; see
// also Numerical Recipes, §5.7): estimates A(h_k) at the steps
// h_k = h_0/con^k, whose errors are series in h², are extrapolated to
// h = 0 in a Neville tableau
//
//	T[0][k] = A(h_k),
//	T[m][k] = (con^(2m)·T[m-1][k] - T[m-1][k-1]) / (con^(2m) - 1).
//
// Each new entry is compared with its two parents; the entry closest to
// both is the answer, and that distance is its error estimate. The
// process stops after maxLevels steps, or as soon as the diagonal entry
// moves away from the previous one by more than safe times the best error
// so far, the sign that rounding has taken over.
const (
	con       = 1.4
	con2      = con * con
	maxLevels = 10
	safe      = 2.0
)

// A tableau is the state of one Ridders extrapolation. Alongside each
// entry it carries a bound on its rounding error, propagated from the
// rounding bounds of the estimates through the extrapolation formula, so
// that the error estimate does not fall below the rounding error when
// the differences between entries happen to be small.
type tableau struct {
	prev, cur   []float64 // T[0..n-1][n-1], the last column, and the new one
	nprev, ncur []float64 // their rounding bounds
	n           int       // estimates pushed so far
	best, err   float64   // Ridders' answer and error estimate
	noise       float64   // the rounding bound of best
	last        float64   // the estimate pushed last, at the smallest step
	done        bool
}

func newTableau() *tableau {
	return &tableau{
		prev:  make([]float64, 0, maxLevels),
		cur:   make([]float64, 0, maxLevels),
		nprev: make([]float64, 0, maxLevels),
		ncur:  make([]float64, 0, maxLevels),
		err:   math.Inf(1),
	}
}

// push adds the estimate a at the next, smaller, step, with a bound on
// its rounding error.
func (t *tableau) push(a, noise float64) {
	if t.done {
		return
	}
	t.last = a
	t.cur = append(t.cur[:0], a)
	t.ncur = append(t.ncur[:0], noise)
	if t.n == 0 {
		t.best, t.noise = a, noise
	}
	fac := con2
	for m := 1; m <= t.n; m++ {
		v := (t.cur[m-1]*fac - t.prev[m-1]) / (fac - 1)
		t.cur = append(t.cur, v)
		t.ncur = append(t.ncur, (t.ncur[m-1]*fac+t.nprev[m-1])/(fac-1))
		fac *= con2
		e := math.Max(math.Abs(v-t.cur[m-1]), math.Abs(v-t.prev[m-1]))
		if e <= t.err {
			t.err, t.best, t.noise = e, v, t.ncur[m]
		}
	}
	if t.n > 0 && math.Abs(t.cur[t.n]-t.prev[t.n-1]) >= safe*t.err {
		t.done = true
	}
	t.prev, t.cur = t.cur, t.prev
	t.nprev, t.ncur = t.ncur, t.nprev
	t.n++
	if t.n == maxLevels {
		t.done = true
	}
}

// estimate returns Ridders' answer; its error estimate is Ridders' plus
// the rounding bound of the answer.
func (t *tableau) estimate() Estimate { return Estimate{Value: t.best, Err: t.err + t.noise} }

// riddersSteps returns h_0/con^k for k < maxLevels, for each coordinate:
// the given initial step, or the default one. It reports an ErrStep if
// the smallest step vanishes next to a coordinate.
func riddersSteps(x []float64, step float64) ([][]float64, error) {
	hs := make([][]float64, len(x))
	for i, xi := range x {
		h := step
		if h == 0 {
			h = riddersStep(xi)
		}
		hs[i] = make([]float64, maxLevels)
		for k := range hs[i] {
			hs[i][k] = h
			h /= con
		}
		if hmin := hs[i][maxLevels-1]; !(xi-hmin < xi && xi < xi+hmin) {
			return nil, spacingError(x, i, hs[i][0])
		}
	}
	return hs, nil
}

// An rEntry is one derivative estimated by Ridders' method: the first
// derivative along i (j < 0, !second), the second derivative along i
// (j < 0, second), or the mixed derivative along i and j (j ≥ 0).
type rEntry struct {
	i, j   int
	second bool
}

// probes returns the probes of level k.
func (r rEntry) probes(x []float64, hs [][]float64, k int) []probe {
	xi, hi := x[r.i], hs[r.i][k]
	if r.j < 0 {
		return []probe{{i: r.i, j: -1, ti: xi + hi}, {i: r.i, j: -1, ti: xi - hi}}
	}
	xj, hj := x[r.j], hs[r.j][k]
	return []probe{
		{i: r.i, j: r.j, ti: xi + hi, tj: xj + hj},
		{i: r.i, j: r.j, ti: xi + hi, tj: xj - hj},
		{i: r.i, j: r.j, ti: xi - hi, tj: xj + hj},
		{i: r.i, j: r.j, ti: xi - hi, tj: xj - hj},
	}
}

// value returns the estimate of level k from the values at its probes,
// and a bound on its rounding error (ε times the sum of the magnitudes of
// the terms); f0 is f(x). The divisors are the actual distances between
// the points, which absorbs the rounding of x ± h.
func (r rEntry) value(x []float64, ps []probe, v []float64, f0 float64) (est, noise float64) {
	if r.j >= 0 {
		d := (ps[0].ti - ps[2].ti) * (ps[0].tj - ps[1].tj)
		est = ((v[0] - v[1]) - (v[2] - v[3])) / d
		noise = eps * (math.Abs(v[0]) + math.Abs(v[1]) + math.Abs(v[2]) + math.Abs(v[3])) / math.Abs(d)
		return est, noise
	}
	if !r.second {
		d := ps[0].ti - ps[1].ti
		return (v[0] - v[1]) / d, eps * (math.Abs(v[0]) + math.Abs(v[1])) / math.Abs(d)
	}
	// Three points x-hm, x, x+hp, possibly unequally spaced.
	hp := ps[0].ti - x[r.i]
	hm := x[r.i] - ps[1].ti
	cp, c0, cm := 2/(hp*(hp+hm)), 2/(hp*hm), 2/(hm*(hp+hm))
	est = cp*v[0] - c0*f0 + cm*v[1]
	noise = eps * (math.Abs(cp*v[0]) + math.Abs(c0*f0) + math.Abs(cm*v[1]))
	return est, noise
}

// run performs the extrapolation with one evaluator.
func (r rEntry) run(e evaluator, x []float64, hs [][]float64, f0 float64) (*tableau, error) {
	t := newTableau()
	var v [4]float64
	for k := 0; !t.done; k++ {
		ps := r.probes(x, hs, k)
		for n, p := range ps {
			var err error
			if v[n], err = e(p); err != nil {
				return nil, err
			}
		}
		t.push(r.value(x, ps, v[:len(ps)], f0))
	}
	return t, nil
}

// runConcurrent performs the extrapolation, evaluating several levels at
// a time concurrently. It uses the same values as run, in the same order,
// so it gives the same result; levels past the stopping point may be
// evaluated in vain.
func (r rEntry) runConcurrent(ev evalFactory, x []float64, hs [][]float64, f0 float64, workers int) (*tableau, error) {
	t := newTableau()
	per := len(r.probes(x, hs, 0))
	batch := max(1, workers/per)
	for k0 := 0; !t.done; k0 += batch {
		kn := min(k0+batch, maxLevels)
		var ps []probe
		for k := k0; k < kn; k++ {
			ps = append(ps, r.probes(x, hs, k)...)
		}
		vals := make([]float64, len(ps))
		errs := make([]error, len(ps))
		_ = forEach(len(ps), true, func() func(int) error {
			e := ev()
			return func(n int) error {
				vals[n], errs[n] = e(ps[n])
				return errs[n]
			}
		})
		// forEach ran every probe before the first failure, so the levels
		// before it are complete; a failure is reported only if the
		// extrapolation reaches its level, as in a sequential run.
		for k := k0; k < kn && !t.done; k++ {
			o := (k - k0) * per
			for _, err := range errs[o : o+per] {
				if err != nil {
					return nil, err
				}
			}
			t.push(r.value(x, ps[o:o+per], vals[o:o+per], f0))
		}
	}
	return t, nil
}

// richardson estimates the entries by Ridders' method; f0 is f(x), needed
// only by second derivatives. The Step of an estimate is the initial step
// of coordinate i. With c.concurrent it runs entries
// concurrently, or, for a single entry, several levels at a time.
//
// With the automatic step (c.step == 0), an extrapolation that does not
// converge, or that reaches a point where f has no value, is run again
// from a smaller step: see adapt.
func richardson(entries []rEntry, ev evalFactory, x []float64, c config, f0 float64) ([]Estimate, error) {
	hs, err := riddersSteps(x, c.step)
	if err != nil {
		return nil, err
	}
	out := make([]Estimate, len(entries))
	if c.concurrent && len(entries) == 1 {
		if w := runtime.GOMAXPROCS(0); w > 1 {
			r := entries[0]
			t, err := r.runConcurrent(ev, x, hs, f0, w)
			if c.step == 0 {
				out[0], err = r.adapt(ev(), x, hs, f0, t, err)
			} else if err == nil {
				out[0] = t.estimate()
			}
			if out[0].Step == 0 {
				out[0].Step = hs[r.i][0]
			}
			return out, err
		}
	}
	err = forEach(len(entries), c.concurrent, func() func(int) error {
		e := ev()
		return func(k int) error {
			r := entries[k]
			t, err := r.run(e, x, hs, f0)
			if c.step == 0 {
				out[k], err = r.adapt(e, x, hs, f0, t, err)
			} else if err == nil {
				out[k] = t.estimate()
			}
			if out[k].Step == 0 {
				out[k].Step = hs[r.i][0]
			}
			return err
		}
	})
	return out, err
}

// ErrInconsistent is the error of Richardson extrapolation with the
// automatic step when no initial step gives a consistent estimate: the
// extrapolations from every step tried either fail to converge or
// disagree beyond their error estimates, which happens where f varies on
// a scale too small to resolve in floating point next to x. Errors
// about it wrap it, so test for it with errors.Is.
var ErrInconsistent = errors.New("fd: no step gives a consistent Richardson estimate")

// The initial step of Richardson extrapolation with the automatic step
// shrinks by shrink at each retry, at most maxTries times.
const (
	shrink   = 10
	maxTries = 20
	// trustFrac bounds the error estimate of a converged extrapolation
	// relative to the central differences it extrapolates (see converged).
	trustFrac = 1e-3
)

// converged reports whether the extrapolation settled: its error estimate
// is at the level of its rounding error, or small next to the answer and
// the central difference at the smallest step. From a step much longer
// than the scale on which f varies (1/x at 0.01 from 0.1, which
// straddles the pole; sin at 1e8 from 1e7) the central differences are
// unrelated to f'(x) and the tableau does not converge: its entries, and
// so its error estimate, stay of the order of the differences
// themselves.
func (t *tableau) converged() bool {
	return t.err <= t.noise || t.err <= trustFrac*math.Max(math.Abs(t.best), math.Abs(t.last))
}

// adapt finishes the extrapolation t from the initial steps hs, which
// failed with err or succeeded. A converged extrapolation from hs is the
// answer. Otherwise the initial step of the entry's coordinates shrinks,
// by a factor shrink, or, where f had no value at a point at distance d
// from x, to d/shrink, so that every point stays well inside the part
// of the domain around x that the failure leaves; and the first two
// successive converged extrapolations that agree within their error
// estimates give the answer, the one with the smaller error estimate,
// its Err at least their difference. When the steps vanish next to x
// first, the error is the first failure to evaluate f, or else
// ErrInconsistent. The answer's Step is its initial step along i.
func (r rEntry) adapt(e evaluator, x []float64, hs [][]float64, f0 float64, t *tableau, err error) (Estimate, error) {
	if err == nil && t.converged() {
		est := t.estimate()
		est.Step = hs[r.i][0]
		return est, nil
	}
	var nonFinite *NonFiniteError
	first := err
	if err != nil && !errors.As(err, &nonFinite) {
		return Estimate{}, err
	}
	s := 1.0
	var prev *Estimate
	for range maxTries {
		s = r.smaller(x, hs, s, err)
		scaled, ok := r.scale(x, hs, s)
		if !ok {
			break
		}
		t, err = r.run(e, x, scaled, f0)
		if err != nil {
			if !errors.As(err, &nonFinite) {
				return Estimate{}, err
			}
			if first == nil {
				first = err
			}
			prev = nil
			continue
		}
		if !t.converged() {
			prev = nil
			continue
		}
		est := t.estimate()
		est.Step = scaled[r.i][0]
		if prev != nil {
			if d := math.Abs(est.Value - prev.Value); d <= est.Err+prev.Err {
				best := est
				if prev.Err < est.Err {
					best = *prev
				}
				best.Err = math.Max(best.Err, d)
				return best, nil
			}
		}
		prev = &est
	}
	if first != nil {
		return Estimate{}, first
	}
	if len(x) == 1 {
		return Estimate{}, fmt.Errorf("%w at x = %v", ErrInconsistent, x[0])
	}
	return Estimate{}, fmt.Errorf("%w at x = %v (coordinate %d)", ErrInconsistent, formatVec(x), r.i)
}

// smaller returns the next scale of the initial steps after s: s/shrink,
// or, when err says that f had no value at a point, the scale at which
// the initial step is 1/shrink of that point's distance from x.
func (r rEntry) smaller(x []float64, hs [][]float64, s float64, err error) float64 {
	next := s / shrink
	var nf *NonFiniteError
	if !errors.As(err, &nf) {
		return next
	}
	d := math.Inf(1)
	switch {
	case nf.Point == nil:
		d = math.Abs(nf.X - x[r.i])
	case len(nf.Point) == len(x):
		d = math.Abs(nf.Point[r.i] - x[r.i])
		if r.j >= 0 {
			d = math.Max(d, math.Abs(nf.Point[r.j]-x[r.j])*hs[r.i][0]/hs[r.j][0])
		}
	}
	if d > 0 && d/hs[r.i][0]/shrink < next {
		next = d / hs[r.i][0] / shrink
	}
	return next
}

// scale returns hs with the steps of the entry's coordinates scaled by s,
// or false when the smallest of them vanishes next to its coordinate.
func (r rEntry) scale(x []float64, hs [][]float64, s float64) ([][]float64, bool) {
	out := slices.Clone(hs)
	for _, i := range []int{r.i, r.j} {
		if i < 0 {
			continue
		}
		row := make([]float64, len(hs[i]))
		for k, h := range hs[i] {
			row[k] = h * s
		}
		if hmin := row[len(row)-1]; !(x[i]-hmin < x[i] && x[i] < x[i]+hmin) || hmin < 0x1p-1022 {
			return nil, false
		}
		out[i] = row
	}
	return out, true
}
