package fd

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// DefaultTol is the relative tolerance of the Check functions when
// CheckSettings.Tol is 0.
const DefaultTol = 1e-6

// CheckResult reports the worst entry of a derivative checked against a
// finite-difference estimate.
//
// An entry with value got and estimate want, whose estimated error is err,
// passes when
//
//	|got - want| <= Tol·max(|want|, 1) + 2·err,
//
// that is, when got agrees with the estimate to the relative tolerance
// Tol (absolute for entries smaller than 1), widened by twice the
// estimate's own error estimate, so that the rounding error of the
// estimate cannot fail a correct derivative. The worst entry is the one
// with the largest ratio of |got - want| to its allowance (a NaN got is
// worst of all); ties go to the lowest index.
type CheckResult struct {
	// OK reports whether every entry passed.
	OK bool
	// Index is the flat index of the worst entry: the index into the
	// gradient, or row·n + col for a Jacobian or Hessian with n columns
	// (for a Hessian, an entry on or above the diagonal).
	Index int
	// Row and Col are the row and column of the worst entry of a
	// Jacobian or Hessian; for a gradient, Row = Index and Col = 0.
	// Index, Row and Col are -1 when there were no entries (x empty).
	Row, Col int
	// Got is the checked derivative's value at that entry.
	Got float64
	// Want is the finite-difference estimate there.
	Want float64
	// Err is the estimate's error estimate there.
	Err float64
	// RelErr is |Got - Want| / max(|Want|, 1).
	RelErr float64
	// Tol is the tolerance used.
	Tol float64
}

// CheckSettings are the options of the Check functions. A nil
// *CheckSettings means Richardson extrapolation (Ridders' method) with
// Tol = DefaultTol (1e-6). A non-nil one is used as given: its Settings
// choose the estimate as for Gradient (so the zero Settings means
// two-point central differences, not Richardson), and Tol = 0 means
// DefaultTol.
type CheckSettings struct {
	Settings
	// Tol is the relative tolerance of an entry; see CheckResult.
	Tol float64
}

func checkConfig(s *CheckSettings) (config, float64, error) {
	if s == nil {
		return config{scheme: Richardson, points: 2}, DefaultTol, nil
	}
	tol := s.Tol
	if tol < 0 || math.IsNaN(tol) || math.IsInf(tol, 0) {
		return config{}, 0, fmt.Errorf("fd: tolerance %v is not a non-negative finite number", tol)
	}
	if tol == 0 {
		tol = DefaultTol
	}
	c, err := resolve(&s.Settings, true)
	return c, tol, err
}

var errNilDeriv = errors.New("fd: nil derivative function")

// CheckGradient compares the gradient that grad writes into dst (of the
// length of x, zeroed) with an estimate of the gradient of f at x, and
// reports the worst entry. grad and f are given copies of x.
func CheckGradient(f func([]float64) float64, grad func(dst, x []float64), x []float64, s *CheckSettings) (CheckResult, error) {
	if f == nil {
		return CheckResult{}, errNilFunc
	}
	if grad == nil {
		return CheckResult{}, errNilDeriv
	}
	c, tol, err := checkConfig(s)
	if err != nil {
		return CheckResult{}, err
	}
	want, err := gradient(f, x, c)
	if err != nil {
		return CheckResult{}, err
	}
	got := make([]float64, len(x))
	grad(got, slices.Clone(x))
	return compare(got, want, 1, tol), nil
}

// CheckJacobian compares the Jacobian that jac writes into dst (m×n for
// n = len(x), zeroed) with an estimate of the Jacobian of f, which writes
// its m outputs into y, at x, and reports the worst entry. jac and f are
// given copies of x.
func CheckJacobian(f func(y, x []float64), m int, jac func(dst *mat.Dense, x []float64), x []float64, s *CheckSettings) (CheckResult, error) {
	if f == nil {
		return CheckResult{}, errNilFunc
	}
	if jac == nil {
		return CheckResult{}, errNilDeriv
	}
	n := len(x)
	if m <= 0 || n == 0 {
		return CheckResult{}, fmt.Errorf("%w: Jacobian of %d outputs of %d variables", ErrShape, m, n)
	}
	c, tol, err := checkConfig(s)
	if err != nil {
		return CheckResult{}, err
	}
	want, err := jacobian(f, m, x, c)
	if err != nil {
		return CheckResult{}, err
	}
	dst := mat.NewDense(m, n, nil)
	jac(dst, slices.Clone(x))
	if r, cols := dst.Dims(); r != m || cols != n {
		return CheckResult{}, fmt.Errorf("%w: jac made a %d×%d matrix, want %d×%d", ErrShape, r, cols, m, n)
	}
	got := make([]float64, m*n)
	for i := range m {
		for j := range n {
			got[i*n+j] = dst.At(i, j)
		}
	}
	return compare(got, want, n, tol), nil
}

// CheckHessian compares the Hessian that hess writes into dst (n×n for
// n = len(x), zeroed) with an estimate of the Hessian of f at x, and
// reports the worst entry. hess and f are given copies of x.
func CheckHessian(f func([]float64) float64, hess func(dst *mat.SymDense, x []float64), x []float64, s *CheckSettings) (CheckResult, error) {
	if f == nil {
		return CheckResult{}, errNilFunc
	}
	if hess == nil {
		return CheckResult{}, errNilDeriv
	}
	n := len(x)
	if n == 0 {
		return CheckResult{}, fmt.Errorf("%w: x is empty", ErrShape)
	}
	c, tol, err := checkConfig(s)
	if err != nil {
		return CheckResult{}, err
	}
	want, err := hessian(f, x, c)
	if err != nil {
		return CheckResult{}, err
	}
	dst := mat.NewSymDense(n, nil)
	hess(dst, slices.Clone(x))
	if dst.SymmetricDim() != n {
		return CheckResult{}, fmt.Errorf("%w: hess made a %d×%[2]d matrix, want %d×%[3]d", ErrShape, dst.SymmetricDim(), n)
	}
	got := make([]float64, n*n)
	for i := range n {
		for j := range n {
			got[i*n+j] = dst.At(i, j)
		}
	}
	return compare(got, want, n, tol), nil
}

// compare finds the worst entry of got against want, row-major with the
// given number of columns.
func compare(got []float64, want []Estimate, cols int, tol float64) CheckResult {
	r := CheckResult{OK: true, Index: -1, Row: -1, Col: -1, Tol: tol}
	worst := math.Inf(-1)
	for k, g := range got {
		w := want[k]
		diff := math.Abs(g - w.Value)
		allow := tol*math.Max(math.Abs(w.Value), 1) + 2*w.Err
		var ratio float64
		switch {
		case math.IsNaN(diff) || math.IsInf(diff, 0):
			ratio = math.Inf(1)
		case diff == 0:
			ratio = 0
		default:
			ratio = diff / allow // +Inf when allow is 0
		}
		if ratio > 1 {
			r.OK = false
		}
		if ratio > worst {
			worst = ratio
			r.Index, r.Got, r.Want, r.Err = k, g, w.Value, w.Err
			r.RelErr = diff / math.Max(math.Abs(w.Value), 1)
			r.Row, r.Col = k/cols, k%cols
		}
	}
	return r
}
