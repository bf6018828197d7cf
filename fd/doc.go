// Package fd estimates derivatives by finite differences.
//
// Every estimate comes with an estimate of its absolute error, so a caller
// can tell a derivative good to twelve digits from one good to three. The
// package offers five schemes, chosen by Settings.Scheme:
//
//   - Central (the default) evaluates f at points placed symmetrically about
//     x. With Settings.Points = 2 it is (f(x+h) - f(x-h)) / 2h, accurate to
//     second order in h; 4, 6 and 8 points are accurate to order 4, 6 and 8.
//   - Forward and Backward evaluate f at x, x±h, x±2h, …, on one side
//     only, for functions that cannot be evaluated on the other side of x.
//     With p points (2 to 8) they are accurate to order p-1.
//   - Richardson is Ridders' method: central differences at a step that
//     shrinks by a factor 1.4 at each stage, extrapolated to a zero step
//     in a Neville tableau. It stops when the extrapolated values start to
//     drift apart, and it is usually the most accurate scheme for a
//     function of real arguments, at the price of up to twenty
//     evaluations of f for each derivative.
//   - Complex is the complex step: f'(x) ≈ Im f(x+ih) / h. It involves no
//     subtraction, so the step can be tiny and the estimate is accurate to
//     about the precision of f itself. It needs f analytic (built from
//     arithmetic and analytic functions such as those of math/cmplx, with
//     no abs, no conjugate and no comparisons on the value), written for
//     complex128; see DerivativeComplex.
//
// The weights of the Central, Forward and Backward stencils are found by
// solving the Taylor (Vandermonde) conditions exactly in rational
// arithmetic, the first time a stencil is needed.
//
// # Steps
//
// A stencil of order p estimating a derivative of order d has a truncation
// error of about C·h^p and a rounding error of about ε·|f|/h^d, where ε is
// the machine epsilon (2⁻⁵²). The two balance near h = ε^(1/(p+d)), so when
// Settings.Step is 0 the step is
//
//	h = max(|x|, 1) · ε^(1/(p+d)),
//
// rounded to a power of two so that the stencil points x + k·h are, as a
// rule, exact in floating point. That gives √ε ≈ 1.5e-8 for first-order
// forward differences of a first derivative, ε^(1/3) ≈ 6e-6 for central
// differences, and ε^(1/4) ≈ 1.2e-4 for the central second derivative. For
// functions of several variables each coordinate gets its own step, scaled
// by that coordinate's magnitude. Richardson starts from 0.1·max(|x|, 1)
// and shrinks from there; where that extrapolation does not converge
// (its error estimate is not small next to its estimates, as when f
// varies on a much smaller scale or the step straddles a pole) or
// reaches a point where f has no value, the initial step shrinks tenfold,
// or to a tenth of the distance to that point, until two successive
// extrapolations converge and agree within their error estimates; when
// none do before the steps vanish next to x, the result is
// ErrInconsistent (or the failure to evaluate f). Complex uses
// 1e-20·max(|x|, 1). A positive
// Settings.Step is used as given, as the same absolute step for every
// coordinate (for Richardson it is the initial step). A step that is
// negative, NaN or infinite is an error (ErrStep), and so is one so small
// next to x that stencil points coincide (x + h == x): such a step is zero
// in effect.
//
// # Error estimates
//
// Estimate.Err is an estimate of the absolute error |Value - exact|, not a
// guaranteed bound. For Central, Forward and Backward, the estimate v of
// a stencil is compared with the estimate w of the next-higher-order
// stencil of the same kind (Central with 2 more points, the others with 1
// more), whose points include those of the first. The error of v is
// (v - w) plus the error of w, and the truncation part of the latter is
// of higher order, so Err is
//
//	|v - w| + ε·Σ_k |c_k·f(x_k)| / h^d + (effect of inexact points),
//
// where c_k are the weights of the higher-order stencil: the second term
// bounds the rounding error of w for f accurate to about one unit in the
// last place, and the third accounts for stencil points x + k·h that are
// not exact in floating point, which happens, as a rule, only with a
// step given in Settings.Step.
//
// For Richardson, Err is Ridders' own estimate, the larger difference of
// the chosen tableau entry from its two parents, plus a bound on that
// entry's rounding error (ε times the magnitudes of the function values,
// carried through the extrapolation). For Complex it is ε·|Value| plus a
// third of the difference between the estimates at steps h and 2h, which
// measures the h² truncation term (negligible unless a large step is
// given).
//
// On smooth functions at well-scaled points Err bounds the actual error
// in the large majority of cases. It cannot account for a function that
// is computed much less accurately than its magnitude suggests, for
// example one that cancels internally (a sum of large terms with a small
// result), nor for a stencil step, or a Richardson initial step given in
// Settings.Step, much longer than the scale on which f varies; give a
// smaller Settings.Step for such a function.
//
// # Cost
//
// The error estimate costs evaluations. A first derivative by Central
// with p points takes p+2 evaluations of f, by Forward or Backward with
// p points p+1, by Richardson 2 per stage (at most 10 stages), and by
// Complex 2 (Richardson more where its automatic step shrinks). A
// gradient takes n times as many (one-sided stencils share f(x)). A second derivative by a stencil takes one evaluation more than
// the first derivative (5 for the central default), and a Hessian adds
// for each pair of coordinates (p+2)² evaluations by Central (16 by
// default), p² by Forward or Backward, or 4 per stage by Richardson.
//
// # Failures
//
// The functions return errors and do not panic on bad input: invalid
// settings, a step that is negative, NaN, infinite or zero in effect
// (ErrStep), mismatched lengths or dimensions (ErrShape), a point x that
// is not finite, and a function value that is NaN or infinite at some
// stencil point (*NonFiniteError, which records the point). They never
// return a number computed from a non-finite value.
//
// # Checking derivatives
//
// CheckGradient, CheckJacobian and CheckHessian compare hand-written
// derivatives with estimates made by Richardson extrapolation (by default)
// and report the worst entry. Because the comparison allows for the
// estimate's own error, a correct derivative passes even where rounding
// makes finite differences hard, such as on functions of large magnitude.
//
// # Concurrency
//
// With Settings.Concurrent the evaluations of f are spread over
// runtime.GOMAXPROCS(0) goroutines, which pays when f is costly. f must
// then be safe for concurrent use. The results are exactly those of a
// sequential run.
package fd
