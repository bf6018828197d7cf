package optim

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// LstsqMethod is a way of solving a least-squares problem.
type LstsqMethod int

// The methods of LeastSquares.
const (
	// LstsqQR solves Rθ = Qᵀy with the Householder QR factorisation
	// Φ = QR. It never forms ΦᵀΦ, so its error grows with the condition
	// number κ of Φ, not κ². The default.
	LstsqQR LstsqMethod = iota
	// LstsqNormal solves the normal equations ΦᵀΦθ = Φᵀy, where the
	// gradient of the loss is zero, by the Cholesky factorisation of
	// ΦᵀΦ: the cheapest for N ≫ D, but its error grows with κ².
	LstsqNormal
	// LstsqSVD solves with the singular value decomposition Φ = UΣVᵀ,
	// θ = VΣ⁻¹Uᵀy: the most robust, and the slowest.
	LstsqSVD
	// LstsqGD runs gradient descent on L(θ) = ||y − Φθ||² from θ = 0
	// with the step η = 1/(2σ₁²), σ₁ the largest singular value of Φ:
	// the gradient −2Φᵀ(y − Φθ) is Lipschitz with the constant 2σ₁², the
	// largest eigenvalue of the Hessian 2ΦᵀΦ, and this step decreases
	// the loss at every iteration. The error shrinks by a factor
	// 1 − (σ_D/σ₁)² per iteration, slowly when Φ is ill-conditioned.
	LstsqGD
)

var lstsqMethodNames = [...]string{"qr", "normal", "svd", "gd"}

// String returns the method's name: qr, normal, svd or gd.
func (m LstsqMethod) String() string {
	if m < 0 || int(m) >= len(lstsqMethodNames) {
		return "LstsqMethod(" + strconv.Itoa(int(m)) + ")"
	}
	return lstsqMethodNames[m]
}

// ParseLstsqMethod returns the method of a name that String returns.
func ParseLstsqMethod(name string) (LstsqMethod, error) {
	for i, n := range lstsqMethodNames {
		if n == name {
			return LstsqMethod(i), nil
		}
	}
	return 0, fmt.Errorf("unknown method %q: choose qr, normal, svd or gd", name)
}

// Defaults of LstsqOptions for gradient descent.
const (
	DefaultLstsqIters = 100000
	DefaultLstsqTol   = 1e-10
)

// LstsqOptions are the settings of LeastSquares. A nil pointer, or the
// zero value, means QR and the defaults below.
type LstsqOptions struct {
	// Method is the solver; the zero value is LstsqQR.
	Method LstsqMethod
	// Names are the names of Φ's columns, for error messages; nil
	// names them by number.
	Names []string
	// Iters bounds the iterations of gradient descent; 0 means
	// DefaultLstsqIters.
	Iters int
	// Tol stops gradient descent when ||∂L/∂θ|| ≤ Tol·||∂L/∂θ at θ = 0||;
	// 0 means DefaultLstsqTol.
	Tol float64
}

// LstsqResult is the solution of a least-squares problem.
type LstsqResult struct {
	// Theta are the parameters θ that minimise ||y − Φθ||².
	Theta []float64
	// Residual is the norm of the residual, ||y − Φθ||.
	Residual float64
	// R2 is the coefficient of determination 1 − ||y − Φθ||²/||y − ȳ||²,
	// the share of the variance of y that the fit explains, with ȳ the
	// mean of y. For a constant y it is 1 when the fit is exact and 0
	// otherwise. Without an intercept it can be negative.
	R2 float64
	// Grad is the gradient of the loss at θ, ∂L/∂θ = −2(y − Φθ)ᵀΦ,
	// which is zero at the minimum up to rounding.
	Grad []float64
	// Rank is the numerical rank of Φ: the number of its singular
	// values above max(N, D)·ε·σ₁, with its columns scaled to norms in
	// [½, 1) by powers of two, so that the units of a column do not
	// decide it. LeastSquares returns a result only when it is D, the
	// number of columns.
	Rank int
	// Singular are the singular values of Φ, largest first.
	Singular []float64
	// Cond is the condition number σ₁/σ_D of Φ.
	Cond float64
	// Method is the method that solved the problem.
	Method LstsqMethod
	// Iters is the number of gradient-descent iterations (LstsqGD).
	Iters int
	// Converged reports whether gradient descent met its tolerance
	// within its iterations; it is true for the direct methods.
	Converged bool
}

// RankError is the error of a design matrix whose columns are linearly
// dependent, so that the least-squares solution is not unique.
type RankError struct {
	// Rank is the numerical rank of Φ, less than its number of columns.
	Rank int
	// Rows and Cols are the dimensions of Φ.
	Rows, Cols int
	// Column is the first column (0-based) in the span of the columns
	// before it, or -1 if no single column is, within rounding.
	Column int
	// Coef expresses it in them: Φ[:, Column] ≈ Σᵢ Coef[i]·Φ[:, i].
	Coef []float64
	// Names are the names of Φ's columns, or nil.
	Names []string
}

// Error says which column depends on which: "column x2 = 2·x1: the
// columns are linearly dependent".
func (e *RankError) Error() string {
	name := func(j int) string {
		if e.Names == nil {
			return "column " + strconv.Itoa(j+1)
		}
		return e.Names[j]
	}
	if e.Column < 0 {
		return fmt.Sprintf("the columns are linearly dependent: Φ (%d×%d) has rank %d", e.Rows, e.Cols, e.Rank)
	}
	var b strings.Builder
	if e.Names != nil {
		b.WriteString("column ") // column x = 2·intercept; column 2 = 2·column 1
	}
	b.WriteString(name(e.Column))
	big := 0.0
	for _, c := range e.Coef {
		big = max(big, math.Abs(c))
	}
	terms := 0
	for i, c := range e.Coef {
		if math.Abs(c) <= 1e-9*big {
			continue
		}
		switch {
		case terms == 0 && c < 0:
			b.WriteString(" = -")
		case terms == 0:
			b.WriteString(" = ")
		case c < 0:
			b.WriteString(" - ")
		default:
			b.WriteString(" + ")
		}
		if a := strconv.FormatFloat(math.Abs(c), 'g', 6, 64); a != "1" {
			b.WriteString(a + "·")
		}
		b.WriteString(name(i))
		terms++
	}
	if terms == 0 {
		b.WriteString(" is zero")
	}
	b.WriteString(": the columns are linearly dependent")
	if e.Rows < e.Cols {
		fmt.Fprintf(&b, " (%d rows for %d columns)", e.Rows, e.Cols)
	}
	return b.String()
}

// LeastSquares finds the parameters θ that minimise the loss
// L(θ) = ||y − Φθ||² of the linear model y ≈ Φθ, where the gradient
// ∂L/∂θ = −2(y − Φθ)ᵀΦ is zero, by the method of opts (QR by default).
// phi is the N×D design matrix (see Design) and y the N targets.
//
// Columns of Φ that are linearly dependent, judged by Φ's singular
// values against the tolerance max(N, D)·ε·σ₁ (as numpy.linalg.lstsq
// and LAPACK do), are a *RankError naming the first column that the
// columns before it span. A NaN or an infinity is an error naming its
// row and column.
func LeastSquares(phi *mat.Dense, y []float64, opts *LstsqOptions) (*LstsqResult, error) {
	var o LstsqOptions
	if opts != nil {
		o = *opts
	}
	if o.Method < 0 || int(o.Method) >= len(lstsqMethodNames) {
		return nil, fmt.Errorf("unknown method %v", o.Method)
	}
	if o.Iters == 0 {
		o.Iters = DefaultLstsqIters
	}
	if o.Tol == 0 {
		o.Tol = DefaultLstsqTol
	}
	if o.Iters < 0 || !(o.Tol > 0) {
		return nil, fmt.Errorf("iterations %d, tolerance %g: both must be positive", o.Iters, o.Tol)
	}
	if phi == nil || phi.IsEmpty() {
		return nil, errors.New("no data")
	}
	n, d := phi.Dims()
	if len(y) != n {
		return nil, fmt.Errorf("y has %d entries, but Φ has %d rows", len(y), n)
	}
	names := o.Names
	if names != nil && len(names) != d {
		return nil, fmt.Errorf("%d names for %d columns", len(names), d)
	}
	labels := names
	if labels == nil {
		labels = make([]string, d)
		for j := range labels {
			labels[j] = strconv.Itoa(j + 1)
		}
	}
	if err := designFinite(phi, labels); err != nil {
		return nil, err
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("row %d of y: %v is not a finite number", i+1, v)
		}
	}

	// The columns scaled to norms in [½, 1) by powers of two, which is
	// exact: whether a column depends on the others, and how accurately
	// θ can be found, do not depend on the units of the columns (a
	// column of values near 1e-200 beside the intercept is no multiple
	// of it).
	scale := make([]float64, d)
	for j := range scale {
		scale[j] = 1
		if c := mat.Norm(phi.ColView(j), 2); c > 0 && !math.IsInf(c, 0) {
			_, e := math.Frexp(c)
			scale[j] = math.Ldexp(1, -e)
		}
	}
	var scaled mat.Dense
	scaled.Apply(func(_, j int, v float64) float64 { return v * scale[j] }, phi)

	var svd mat.SVD
	if !svd.Factorize(&scaled, mat.SVDNone) {
		return nil, errors.New("the singular value decomposition of Φ did not converge")
	}
	sv := svd.Values(nil)
	tol := lstsqRankTol(n, d, sv[0])
	rank := 0
	for _, s := range sv {
		if s > tol {
			rank++
		}
	}
	if rank < d {
		err := lstsqDependence(&scaled, tol, rank, names)
		if re, ok := err.(*RankError); ok && re.Column >= 0 {
			for i := range re.Coef { // Φ_c ≈ Σ cᵢ (sᵢ/s_c) Φᵢ in the columns' own units
				re.Coef[i] *= scale[i] / scale[re.Column]
			}
		}
		return nil, err
	}

	// The singular values of Φ as given, as NumPy reports them.
	var given mat.SVD
	if !given.Factorize(phi, mat.SVDNone) {
		return nil, errors.New("the singular value decomposition of Φ did not converge")
	}
	gv := given.Values(nil)
	res := &LstsqResult{Rank: rank, Singular: gv, Cond: gv[0] / gv[d-1], Method: o.Method, Converged: true}
	theta := mat.NewVecDense(d, nil)
	yv := mat.NewVecDense(n, y)
	switch o.Method {
	case LstsqQR:
		var qr mat.QR
		qr.Factorize(&scaled)
		if err := qr.SolveVecTo(theta, false, yv); err != nil {
			return nil, fmt.Errorf("QR: %w", err)
		}
	case LstsqNormal:
		var gram mat.SymDense
		gram.SymOuterK(1, scaled.T())
		var chol mat.Cholesky
		if !chol.Factorize(&gram) {
			return nil, fmt.Errorf("ΦᵀΦ is not positive definite in floating point (Φ's condition number is %.3g, squared in ΦᵀΦ): use QR or SVD", res.Cond)
		}
		var b mat.VecDense
		b.MulVec(scaled.T(), yv)
		if err := chol.SolveVecTo(theta, &b); err != nil {
			return nil, fmt.Errorf("normal equations: %w", err)
		}
	case LstsqSVD:
		var full mat.SVD
		if !full.Factorize(&scaled, mat.SVDThin) {
			return nil, errors.New("the singular value decomposition of Φ did not converge")
		}
		full.SolveVecTo(theta, yv, d)
	case LstsqGD:
		// The notes' gradient descent, on Φ as given: the columns'
		// scales are its condition number's, and its pace.
		res.Iters, res.Converged = lstsqDescent(theta, phi, yv, 1/(2*gv[0]*gv[0]), o.Iters, o.Tol)
	}
	res.Theta = theta.RawVector().Data
	if o.Method != LstsqGD {
		for j := range res.Theta {
			res.Theta[j] *= scale[j] // θ of the columns as given
		}
	}

	// The residual, the loss and its gradient at θ. The sums of squares
	// and products are taken with y and the residual scaled by a power
	// of two that brings y's largest entry near 1, and the columns as
	// scaled above, so that they neither overflow nor underflow where
	// the data is near 1e200 or 1e-200; R² is a ratio, and the gradient
	// is scaled back.
	r := mat.NewVecDense(n, nil)
	r.MulVec(phi, theta)
	r.SubVec(yv, r)
	res.Residual = mat.Norm(r, 2)
	sy := 1.0
	if m := max(floats.Max(y), -floats.Min(y)); m > 0 {
		_, e := math.Frexp(m)
		sy = math.Ldexp(1, -e)
	}
	rs := mat.NewVecDense(n, nil)
	rs.ScaleVec(sy, r)
	g := mat.NewVecDense(d, nil)
	g.MulVec(scaled.T(), rs)
	res.Grad = g.RawVector().Data
	for j := range res.Grad {
		res.Grad[j] *= -2 / (sy * scale[j])
		if math.IsInf(res.Grad[j], 0) {
			return nil, fmt.Errorf("the gradient of the loss by %s is beyond float64 at the scale of the data (y up to %.3g): rescale y or the columns", labels[j], 1/sy)
		}
	}

	ys := make([]float64, n)
	floats.ScaleTo(ys, sy, y)
	mean := floats.Sum(ys) / float64(n)
	tss := 0.0
	for _, v := range ys {
		tss += (v - mean) * (v - mean)
	}
	rss := mat.Dot(rs, rs)
	switch {
	case tss > 0:
		res.R2 = 1 - rss/tss
	case rss == 0:
		res.R2 = 1
	}
	return res, nil
}

// lstsqRankTol is the threshold below which a singular value counts as zero:
// max(N, D)·ε·σ₁.
func lstsqRankTol(n, d int, s1 float64) float64 {
	return float64(max(n, d)) * 0x1p-52 * s1
}

// lstsqDescent runs gradient descent θ ← θ − η ∂L/∂θ on ||y − Φθ||² from
// θ = 0 until ||∂L/∂θ|| ≤ tol·||∂L/∂θ at 0||, at most iters times; it
// returns the iterations taken and whether the tolerance was met.
func lstsqDescent(theta *mat.VecDense, phi *mat.Dense, y *mat.VecDense, eta float64, iters int, tol float64) (int, bool) {
	n, d := phi.Dims()
	r := mat.NewVecDense(n, nil)
	g := mat.NewVecDense(d, nil)
	g0 := -1.0
	for t := 0; ; t++ {
		r.MulVec(phi, theta)
		r.SubVec(y, r)
		g.MulVec(phi.T(), r)
		g.ScaleVec(-2, g)
		norm := mat.Norm(g, 2)
		if g0 < 0 {
			g0 = norm
		}
		if norm <= tol*g0 {
			return t, true
		}
		if t == iters {
			return t, false
		}
		theta.AddScaledVec(theta, -eta, g)
	}
}

// lstsqDependence finds the first column of Φ in the span of the columns
// before it: the first j for which the columns 0…j have a singular value
// below tol, and expresses it in them.
func lstsqDependence(phi *mat.Dense, tol float64, rank int, names []string) error {
	n, d := phi.Dims()
	e := &RankError{Rank: rank, Rows: n, Cols: d, Names: names}
	for j := 0; j < d; j++ {
		sub := phi.Slice(0, n, 0, j+1)
		var svd mat.SVD
		if !svd.Factorize(sub, mat.SVDNone) {
			return errors.New("the singular value decomposition of Φ did not converge")
		}
		sv := svd.Values(nil)
		if j < n && sv[j] > tol {
			continue
		}
		e.Column = j
		e.Coef = make([]float64, j)
		if j > 0 {
			// The columns before j are independent: solve for the
			// combination by least squares on them.
			var qr mat.QR
			qr.Factorize(phi.Slice(0, n, 0, j))
			c := mat.NewVecDense(j, e.Coef)
			if err := qr.SolveVecTo(c, false, phi.ColView(j)); err != nil {
				return err
			}
		}
		return e
	}
	// Each column passed on its own, though all of them together did
	// not: rounding at the edge of the tolerance.
	e.Column = -1
	return e
}
