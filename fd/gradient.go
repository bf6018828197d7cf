package fd

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Gradient estimates the gradient of f at x with the scheme of s
// (two-point central differences when s is nil), one coordinate at a
// time, each with a step scaled to that coordinate. The result is stored
// in dst, which is allocated when nil, and returned; otherwise dst must
// have the length of x.
//
// f is called with a copy of x that it may modify; x itself is not
// changed. The Complex scheme is an error. GradientErr also returns the
// error estimate of each entry.
func Gradient(dst []float64, f func([]float64) float64, x []float64, s *Settings) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if err := GradientErr(dst, nil, f, x, s); err != nil {
		return nil, err
	}
	return dst, nil
}

// GradientErr is like Gradient, and also stores in errs the estimated
// absolute error of each entry of dst. dst must have the length of x;
// errs must have it too, or be nil.
func GradientErr(dst, errs []float64, f func([]float64) float64, x []float64, s *Settings) error {
	if f == nil {
		return errNilFunc
	}
	if len(dst) != len(x) {
		return fmt.Errorf("%w: len(dst) = %d, len(x) = %d", ErrShape, len(dst), len(x))
	}
	if errs != nil && len(errs) != len(x) {
		return fmt.Errorf("%w: len(errs) = %d, len(x) = %d", ErrShape, len(errs), len(x))
	}
	c, err := resolve(s, true)
	if err != nil {
		return err
	}
	est, err := gradient(f, x, c)
	if err != nil {
		return err
	}
	for i, e := range est {
		dst[i] = e.Value
		if errs != nil {
			errs[i] = e.Err
		}
	}
	return nil
}

// gradient returns the estimates of the entries of the gradient.
func gradient(f func([]float64) float64, x []float64, c config) ([]Estimate, error) {
	if err := checkX(x); err != nil {
		return nil, err
	}
	xc := slices.Clone(x)
	ev := vectorEvals(f, xc)
	if c.scheme == Richardson {
		entries := make([]rEntry, len(xc))
		for i := range entries {
			entries[i] = rEntry{i: i, j: -1}
		}
		return richardson(entries, ev, xc, c, 0)
	}
	return stencilFirst(ev, xc, c)
}

// Hessian estimates the Hessian of f at x, the symmetric matrix of
// second partial derivatives ∂²f/∂x_i∂x_j, and stores it in dst. If dst
// is empty it is resized to n×n for n = len(x); otherwise it must be
// n×n.
//
// With the stencil schemes the diagonal comes from the second-derivative
// stencil (by default (f(x+h) - 2f(x) + f(x-h)) / h²) and each mixed
// partial from the tensor product of first-derivative stencils (by
// default the four-point formula
// (f(x+h_i+h_j) - f(x+h_i-h_j) - f(x-h_i+h_j) + f(x-h_i-h_j)) / 4h_i h_j);
// both have the order of accuracy of the first-derivative stencil with
// the same Points. Richardson extrapolates those central formulas. The
// Complex scheme is an error. f is called with copies of x; x itself is
// not changed.
func Hessian(dst *mat.SymDense, f func([]float64) float64, x []float64, s *Settings) error {
	if dst == nil {
		return errors.New("fd: nil destination matrix")
	}
	if f == nil {
		return errNilFunc
	}
	n := len(x)
	if n == 0 {
		return fmt.Errorf("%w: x is empty", ErrShape)
	}
	if !dst.IsEmpty() && dst.SymmetricDim() != n {
		return fmt.Errorf("%w: dst is %d×%[2]d, len(x) = %d", ErrShape, dst.SymmetricDim(), n)
	}
	c, err := resolve(s, true)
	if err != nil {
		return err
	}
	est, err := hessian(f, x, c)
	if err != nil {
		return err
	}
	if dst.IsEmpty() {
		dst.ReuseAsSym(n)
	}
	for i := range n {
		for j := i; j < n; j++ {
			dst.SetSym(i, j, est[i*n+j].Value)
		}
	}
	return nil
}

// hessian returns the estimates of the entries of the Hessian, n×n in
// row-major order.
func hessian(f func([]float64) float64, x []float64, c config) ([]Estimate, error) {
	if err := checkX(x); err != nil {
		return nil, err
	}
	n := len(x)
	xc := slices.Clone(x)
	ev := vectorEvals(f, xc)
	out := make([]Estimate, n*n)
	set := func(i, j int, e Estimate) { out[i*n+j], out[j*n+i] = e, e }
	if c.scheme != Richardson {
		if err := stencilSecond(set, ev, xc, c, false); err != nil {
			return nil, err
		}
		return out, nil
	}
	f0, err := ev()(probe{i: -1, j: -1})
	if err != nil {
		return nil, err
	}
	var entries []rEntry
	for i := range n {
		entries = append(entries, rEntry{i: i, j: -1, second: true})
		for j := i + 1; j < n; j++ {
			entries = append(entries, rEntry{i: i, j: j})
		}
	}
	est, err := richardson(entries, ev, xc, c, f0)
	if err != nil {
		return nil, err
	}
	for k, r := range entries {
		j := r.j
		if j < 0 {
			j = r.i
		}
		set(r.i, j, est[k])
	}
	return out, nil
}

// Jacobian estimates the m×n Jacobian J_ij = ∂f_i/∂x_j at x of the
// function f, which writes its m outputs into y (y has length m; it is
// zeroed before each call), and stores it in dst. If dst is empty it is
// resized to m×n for n = len(x); otherwise it must be m×n.
//
// Each column comes from the first-derivative scheme of s along one
// coordinate, as in Gradient; with Richardson each entry is extrapolated
// separately, from shared evaluations of f. The Complex scheme is an
// error. f is called with copies of x; x itself is not changed.
func Jacobian(dst *mat.Dense, f func(y, x []float64), m int, x []float64, s *Settings) error {
	if dst == nil {
		return errors.New("fd: nil destination matrix")
	}
	if f == nil {
		return errNilFunc
	}
	n := len(x)
	if m <= 0 || n == 0 {
		return fmt.Errorf("%w: Jacobian of %d outputs of %d variables", ErrShape, m, n)
	}
	if !dst.IsEmpty() {
		if r, cols := dst.Dims(); r != m || cols != n {
			return fmt.Errorf("%w: dst is %d×%d, want %d×%d", ErrShape, r, cols, m, n)
		}
	}
	c, err := resolve(s, true)
	if err != nil {
		return err
	}
	est, err := jacobian(f, m, x, c)
	if err != nil {
		return err
	}
	if dst.IsEmpty() {
		dst.ReuseAs(m, n)
	}
	for i := range m {
		for j := range n {
			dst.Set(i, j, est[i*n+j].Value)
		}
	}
	return nil
}

// A vecEvaluator writes the m outputs of f at a probe into y, or returns
// a *NonFiniteError.
type (
	vecEvaluator   func(p probe, y []float64) error
	vecEvalFactory func() vecEvaluator
)

func vecEvals(f func(y, x []float64), m int, x []float64) vecEvalFactory {
	return func() vecEvaluator {
		buf := make([]float64, len(x))
		return func(p probe, y []float64) error {
			p.apply(buf, x)
			clear(y)
			f(y, buf)
			for i, v := range y {
				if !finite(v) {
					pt := make([]float64, len(x))
					p.apply(pt, x)
					return &NonFiniteError{Point: pt, Output: i, Value: v, kind: kindVectorOut}
				}
			}
			return nil
		}
	}
}

// jacobian returns the estimates of the entries of the Jacobian, m×n in
// row-major order.
func jacobian(f func(y, x []float64), m int, x []float64, c config) ([]Estimate, error) {
	if err := checkX(x); err != nil {
		return nil, err
	}
	n := len(x)
	xc := slices.Clone(x)
	ev := vecEvals(f, m, xc)
	out := make([]Estimate, m*n)
	if c.scheme == Richardson {
		return out, jacobianRichardson(out, ev, m, xc, c)
	}
	main, next := stencilPair(c.scheme, c.points, 1)
	g := newGrid(xc, steps(xc, c.step, main.order, 1))
	if err := g.checkSpacing(sorted(next.offsets)); err != nil {
		return nil, err
	}
	for j := range n {
		for _, a := range next.offsets {
			g.add(j, a, -1, 0)
		}
	}
	vals := make([][]float64, len(g.probes))
	err := forEach(len(g.probes), c.concurrent, func() func(int) error {
		e := ev()
		return func(k int) error {
			vals[k] = make([]float64, m)
			return e(g.probes[k], vals[k])
		}
	})
	if err != nil {
		return nil, err
	}
	for i := range m {
		get := func(k int) float64 { return vals[k][i] }
		for j := range n {
			v, _, _ := g.sum1(main, j, get)
			w, round, loc := g.sum1(next, j, get)
			out[i*n+j] = Estimate{Value: v, Err: errEstimate(v, w, round, math.Abs(v)*loc), Step: g.h[j]}
		}
	}
	return out, nil
}

// jacobianRichardson extrapolates every entry of the Jacobian by Ridders'
// method. The outputs of f along one coordinate share evaluations: the
// steps shrink until the tableau of every output has stopped, and each
// output uses only the levels its own tableau asked for, so it gets the
// result it would get alone.
func jacobianRichardson(out []Estimate, ev vecEvalFactory, m int, x []float64, c config) error {
	n := len(x)
	hs, err := riddersSteps(x, c.step)
	if err != nil {
		return err
	}
	// levels evaluates the probes of levels k0, …, kn-1 of column j.
	type levelsFunc func(j, k0, kn int) ([][]float64, []error)
	column := func(j int, batch int, levels levelsFunc) error {
		ts := make([]*tableau, m)
		for i := range ts {
			ts[i] = newTableau()
		}
		done := func() bool {
			for _, t := range ts {
				if !t.done {
					return false
				}
			}
			return true
		}
		for k0 := 0; !done(); k0 += batch {
			kn := min(k0+batch, maxLevels)
			ys, errs := levels(j, k0, kn)
			for k := k0; k < kn && !done(); k++ {
				o := 2 * (k - k0)
				if err := cmpErr(errs[o], errs[o+1]); err != nil {
					return err
				}
				d := (x[j] + hs[j][k]) - (x[j] - hs[j][k])
				for i, t := range ts {
					a, b := ys[o][i], ys[o+1][i]
					t.push((a-b)/d, eps*(math.Abs(a)+math.Abs(b))/math.Abs(d))
				}
			}
		}
		for i, t := range ts {
			out[i*n+j] = t.estimate()
			out[i*n+j].Step = hs[j][0]
		}
		return nil
	}
	probes := func(j, k0, kn int) []probe {
		var ps []probe
		for k := k0; k < kn; k++ {
			ps = append(ps, rEntry{i: j, j: -1}.probes(x, hs, k)...)
		}
		return ps
	}
	if w := runtime.GOMAXPROCS(0); c.concurrent && n == 1 && w > 1 {
		// One column: evaluate several levels at a time.
		return column(0, max(1, w/2), func(j, k0, kn int) ([][]float64, []error) {
			ps := probes(j, k0, kn)
			ys := make([][]float64, len(ps))
			errs := make([]error, len(ps))
			_ = forEach(len(ps), true, func() func(int) error {
				e := ev()
				return func(k int) error {
					ys[k] = make([]float64, m)
					errs[k] = e(ps[k], ys[k])
					return errs[k]
				}
			})
			return ys, errs
		})
	}
	return forEach(n, c.concurrent, func() func(int) error {
		e := ev()
		return func(j int) error {
			return column(j, 1, func(j, k0, kn int) ([][]float64, []error) {
				ps := probes(j, k0, kn)
				ys := make([][]float64, len(ps))
				errs := make([]error, len(ps))
				for k, p := range ps {
					ys[k] = make([]float64, m)
					if errs[k] = e(p, ys[k]); errs[k] != nil {
						break
					}
				}
				return ys, errs
			})
		}
	})
}

// cmpErr returns the first non-nil error.
func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
