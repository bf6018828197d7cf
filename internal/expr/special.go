package expr

import (
	"math"
	"math/big"
	"math/cmplx"
)

// The kernels of the special functions that package math lacks: the
// polygamma functions, log Γ and erf of complex numbers, and exact
// logarithms of rational numbers.

// bernoulli holds the Bernoulli numbers B_2, B_4, …, B_20 of the
// asymptotic series of the polygamma functions.
var bernoulli = [...]float64{
	1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66,
	-691.0 / 2730, 7.0 / 6, -3617.0 / 510, 43867.0 / 798, -174611.0 / 330,
}

// maxPolygammaOrder bounds the order of the polygamma functions: beyond
// it ψ⁽ⁿ⁾ overflows float64 at every argument below n/30.
const maxPolygammaOrder = 1000

// polygamma returns ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function
// ψ = Γ'/Γ, for a whole n ≥ 0; NaN at the poles, the non-positive
// integers. A negative x is reflected,
//
//	ψ⁽ⁿ⁾(x) = (-1)ⁿ ψ⁽ⁿ⁾(1 - x) - π^(n+1) Pₙ(cot πx),
//
// where Pₙ(cot y) = dⁿ/dyⁿ cot y, and a small one moved up by the
// recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) - (-1)ⁿ n!/x^(n+1) to where the
// asymptotic series
//
//	ψ(x) ~ log x - 1/(2x) - Σ B_2k / (2k x^2k),
//	ψ⁽ⁿ⁾(x) ~ (-1)^(n+1) (n-1)!/xⁿ (1 + n/(2x) + Σ B_2k C(2k+n-1, 2k) / x^2k)
//
// is exact to rounding.
func polygamma(n int, x float64) float64 {
	switch {
	case math.IsNaN(x), math.IsInf(x, -1), x <= 0 && x == math.Trunc(x):
		return math.NaN()
	case math.IsInf(x, 1):
		if n == 0 {
			return x
		}
		return 0
	case x < 0:
		r := polygamma(n, 1-x)
		if n%2 == 1 {
			r = -r
		}
		return r - math.Pow(math.Pi, float64(n+1))*cotDerivative(n, cotPi(x))
	}
	if n == 0 {
		s := 0.0
		for ; x < 10; x++ {
			s += 1 / x
		}
		inv2 := 1 / (x * x)
		t := 0.0
		for k := len(bernoulli); k >= 1; k-- {
			t = inv2 * (bernoulli[k-1]/float64(2*k) + t)
		}
		return math.Log(x) - 0.5/x - t - s
	}
	nf := float64(n)
	// s is Σ 1/(x+k)^(n+1), times fact = n!; beyond n = 170, where n!
	// overflows, each term is n!/(x+k)^(n+1) and fact 1.
	fact := math.Gamma(nf + 1)
	lg := 0.0
	if math.IsInf(fact, 1) {
		fact = 1
		lg, _ = math.Lgamma(nf + 1)
	}
	s := 0.0
	for lo := float64(10 + 2*n); x < lo; x++ {
		if lg != 0 {
			s += math.Exp(lg - (nf+1)*Log(x))
		} else {
			s += math.Pow(x, -(nf + 1))
		}
	}
	inv := 1 / x
	inv2 := inv * inv
	// The terms of the series, smallest last: C(2k+n-1, 2k) / x^2k.
	var terms [len(bernoulli)]float64
	c, p := nf*(nf+1)/2, inv2
	for k := 1; k <= len(bernoulli); k++ {
		terms[k-1] = bernoulli[k-1] * c * p
		kf := float64(k)
		c *= (2*kf + nf) * (2*kf + nf + 1) / ((2*kf + 1) * (2*kf + 2))
		p *= inv2
	}
	t := 0.0
	for k := len(terms) - 1; k >= 0; k-- {
		t += terms[k]
	}
	pre := inv // (n-1)!/xⁿ, without overflow
	for k := 1; k < n; k++ {
		pre *= float64(k) * inv
	}
	r := pre*(1+0.5*nf*inv+t) + fact*s
	if n%2 == 0 {
		r = -r
	}
	return r
}

// cotPi returns cot(πx) for x not an integer: reduced to f = x - k in
// [-1/2, 1/2] for the nearest integer k, which loses nothing, and with
// cos(πf) = sin(π(1/2 - |f|)), which is 0 at f = ±1/2 exactly.
func cotPi(x float64) float64 {
	f := x - math.Round(x)
	return math.Sin(math.Pi*(0.5-math.Abs(f))) / math.Sin(math.Pi*f)
}

// cotDerivative returns Pₙ(c), where dⁿ/dyⁿ cot y = Pₙ(cot y): P₀(c) = c
// and Pₙ₊₁(c) = -(1 + c²) Pₙ'(c).
func cotDerivative(n int, c float64) float64 {
	p := cotPolynomial(n)
	r := 0.0
	for k := len(p) - 1; k >= 0; k-- {
		r = r*c + p[k]
	}
	return r
}

// cotPolynomial returns the coefficients of Pₙ, lowest first.
func cotPolynomial(n int) []float64 {
	p := []float64{0, 1}
	for range n {
		q := make([]float64, len(p)+1)
		for k := 1; k < len(p); k++ {
			d := float64(k) * p[k] // the coefficient of c^(k-1) in Pₙ'
			q[k-1] -= d
			q[k+1] -= d
		}
		p = q
	}
	return p
}

// polygammaComplex is polygamma of a complex argument, by the same
// reflection, recurrence and series.
func polygammaComplex(n int, z complex128) complex128 {
	if real(z) < 0 {
		r := polygammaComplex(n, 1-z)
		if n%2 == 1 {
			r = -r
		}
		c := cmplx.Cot(complex(math.Pi, 0) * z)
		p := cotPolynomial(n)
		var d complex128
		for k := len(p) - 1; k >= 0; k-- {
			d = d*c + complex(p[k], 0)
		}
		return r - complex(math.Pow(math.Pi, float64(n+1)), 0)*d
	}
	if n == 0 {
		var s complex128
		for ; real(z) < 10; z++ {
			s += 1 / z
		}
		inv2 := 1 / (z * z)
		var t complex128
		for k := len(bernoulli); k >= 1; k-- {
			t = inv2 * (complex(bernoulli[k-1]/float64(2*k), 0) + t)
		}
		return cmplx.Log(z) - 0.5/z - t - s
	}
	nf := float64(n)
	var s complex128
	for lo := float64(10 + 2*n); real(z) < lo; z++ {
		s += complexPow(z, complex(-(nf+1), 0))
	}
	inv := 1 / z
	inv2 := inv * inv
	var terms [len(bernoulli)]complex128
	c, p := nf*(nf+1)/2, inv2
	for k := 1; k <= len(bernoulli); k++ {
		terms[k-1] = complex(bernoulli[k-1]*c, 0) * p
		kf := float64(k)
		c *= (2*kf + nf) * (2*kf + nf + 1) / ((2*kf + 1) * (2*kf + 2))
		p *= inv2
	}
	var t complex128
	for k := len(terms) - 1; k >= 0; k-- {
		t += terms[k]
	}
	pre := inv
	for k := 1; k < n; k++ {
		pre *= complex(float64(k), 0) * inv
	}
	r := pre * (1 + complex(0.5*nf, 0)*inv + t)
	if s != 0 {
		r += complex(math.Gamma(nf+1), 0) * s
	}
	if n%2 == 0 {
		r = -r
	}
	return r
}

// lanczos holds the coefficients of Lanczos' approximation of Γ with
// g = 7.
var lanczos = [...]float64{
	0.99999999999980993, 676.5203681218851, -1259.1392167224028,
	771.32342877765313, -176.61502916214059, 12.507343278686905,
	-0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
}

// lgammaComplex returns the continuation of log|Γ(x)| to the complex z,
// and the sign s of Γ at the real part of z, so that Γ(z) = s exp of the
// result: Lanczos' approximation right of 1/2, reflection,
// Γ(z) Γ(1 - z) = π / sin(πz), left of it.
func lgammaComplex(z complex128) (complex128, float64) {
	if real(z) < 0.5 {
		s := 1.0
		if math.Sin(math.Pi*(real(z)-2*math.Floor(real(z)/2))) < 0 {
			s = -1 // sin(πx) < 0: take log(-sin(πz)), continuous here
		}
		l, _ := lgammaComplex(1 - z)
		return complex(math.Log(math.Pi), 0) - cmplx.Log(complex(s, 0)*cmplx.Sin(complex(math.Pi, 0)*z)) - l, s
	}
	z--
	x := complex(lanczos[0], 0)
	for i := 1; i < len(lanczos); i++ {
		x += complex(lanczos[i], 0) / (z + complex(float64(i), 0))
	}
	t := z + 7.5
	return complex(0.5*math.Log(2*math.Pi), 0) + (z+0.5)*cmplx.Log(t) - t + cmplx.Log(x), 1
}

// gammaComplex returns Γ(z).
func gammaComplex(z complex128) complex128 {
	l, s := lgammaComplex(z)
	return complex(s, 0) * cmplx.Exp(l)
}

// erfSeries returns erf(x + iy) - erf(x) by the Taylor series about x,
//
//	2/√π exp(-x²) Σ_{k≥1} (-1)^(k-1) H_{k-1}(x) (iy)^k / k!,
//
// with the Hermite polynomials H; it is exact to rounding for |y| ≤ 1
// and converges, losing digits, beyond.
func erfSeries(x, y float64) complex128 {
	var s complex128
	h0, h1 := 0.0, 1.0 // H_{k-2}, H_{k-1}
	p := complex(0, y) // (iy)^k / k!
	small := 0
	for k := 1; k <= 400; k++ {
		t := complex(h1, 0) * p
		if k%2 == 0 {
			t = -t
		}
		s += t
		if cmplx.Abs(t) <= 1e-17*cmplx.Abs(s) {
			if small++; small == 2 {
				break
			}
		} else {
			small = 0
		}
		h0, h1 = h1, 2*x*h1-2*float64(k-1)*h0
		p *= complex(0, y/float64(k+1))
	}
	return complex(2/math.SqrtPi*math.Exp(-x*x), 0) * s
}

// erfComplex and erfcComplex return erf(z) and erfc(z).
func erfComplex(z complex128) complex128 {
	return complex(math.Erf(real(z)), 0) + erfSeries(real(z), imag(z))
}

func erfcComplex(z complex128) complex128 {
	return complex(math.Erfc(real(z)), 0) - erfSeries(real(z), imag(z))
}

// maxFactorial bounds the whole numbers n whose Γ(n) = (n-1)! folds to an
// exact number: the factorials that float64 holds.
const maxFactorial = 171

// gammaExact returns Γ(x) = (x-1)! for a whole number 1 ≤ x ≤ 171.
func gammaExact(x Num) (Num, bool) {
	k, ok := x.Int64()
	if !ok || k < 1 || k > maxFactorial {
		return Num{}, false
	}
	f := new(big.Int).MulRange(1, max(k-1, 1))
	return BigRat(new(big.Rat).SetInt(f)), true
}

// logExact returns log_b(x) for positive exact rationals x and b ≠ 1 when
// it is rational, p/q with b^p = x^q: log(8, 2) = 3, log(2, 8) = 1/3.
// The candidates are the convergents of the continued fraction of the
// float value, each checked exactly.
func logExact(x, b Num) (Num, bool) {
	if x.IsFloat() || b.IsFloat() || x.Sign() <= 0 || b.Sign() <= 0 || b.IsOne() {
		return Num{}, false
	}
	if x.IsOne() {
		return Int(0), true
	}
	lx, lb := ratLog(x.rat()), ratLog(b.rat())
	if lx == 0 || lb == 0 || math.IsInf(lx, 0) || math.IsInf(lb, 0) {
		return Num{}, false
	}
	f := lx / lb
	// Convergents p/q of f: p_k = a_k p_{k-1} + p_{k-2}, likewise q.
	p0, q0, p1, q1 := int64(1), int64(0), int64(math.Floor(f)), int64(1)
	r := f - math.Floor(f)
	for range 40 {
		if q1 > maxExactExponent || math.Abs(float64(p1)) > maxExactExponent {
			break
		}
		if math.Abs(f-float64(p1)/float64(q1)) <= 1e-9*math.Abs(f) {
			bp, ok1 := b.PowInt(p1)
			xq, ok2 := x.PowInt(q1)
			if ok1 && ok2 && bp.Equal(xq) {
				return Rat(p1, q1), true
			}
		}
		if r < 1e-12 {
			break
		}
		a := math.Floor(1 / r)
		r = 1/r - a
		if a > maxExactExponent {
			break
		}
		p0, q0, p1, q1 = p1, q1, int64(a)*p1+p0, int64(a)*q1+q0
	}
	return Num{}, false
}

// ratLog returns the natural logarithm of a positive rational, however
// large its numerator and denominator.
func ratLog(r *big.Rat) float64 {
	return intLog(r.Num()) - intLog(r.Denom())
}

// intLog returns log n for a positive integer n.
func intLog(n *big.Int) float64 {
	f := new(big.Float).SetInt(n)
	mant := new(big.Float)
	exp := f.MantExp(mant)
	m, _ := mant.Float64()
	return math.Log(m) + float64(exp)*math.Ln2
}
