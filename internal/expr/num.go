package expr

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Num is an immutable number: an exact rational (an int64 fast path with
// a math/big fallback) or a float64. Arithmetic between exact numbers stays
// exact; any float operand makes the result a float.
type Num struct {
	kind numKind
	n, d int64    // small rational n/d, d > 0, gcd(n, d) = 1
	r    *big.Rat // big rational, never representable as small
	f    float64
}

type numKind uint8

const (
	numSmall numKind = iota
	numBig
	numFloat
)

// fastLimit bounds the operands of the int64 fast path so that products
// and sums cannot overflow.
const fastLimit = 1 << 31

// Int returns the exact integer n.
func Int(n int64) Num { return Num{n: n, d: 1} }

// Rat returns the exact rational n/d; d must not be zero.
func Rat(n, d int64) Num {
	if d == 0 {
		panic("expr: zero denominator")
	}
	return normSmall(big.NewInt(n), big.NewInt(d))
}

// exactOf returns the exact value of a: a itself when exact, the binary
// fraction a float stands for otherwise.
func exactOf(a Num) Num {
	if a.kind != numFloat {
		return a
	}
	return fromRat(new(big.Rat).SetFloat64(a.f))
}

// Float returns the float64 f; the zero of either sign is 0.0, as an
// expression has one zero.
func Float(f float64) Num {
	if f == 0 {
		f = 0 // not -0.0, which prints so and differs from 0.0 in nothing else
	}
	return Num{kind: numFloat, f: f}
}

// BigRat returns the exact rational r.
func BigRat(r *big.Rat) Num { return fromRat(r) }

// ParseNum reads a decimal literal: digits with an optional fraction and
// exponent. Integers are exact; a literal with a point or an exponent is a
// float, as in Go.
func ParseNum(s string) (Num, bool) {
	if !strings.ContainsAny(s, ".eE") {
		if len(s) < 18 {
			k, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return Num{}, false
			}
			return Int(k), true
		}
		var z big.Int
		if _, ok := z.SetString(s, 10); !ok {
			return Num{}, false
		}
		return fromRat(new(big.Rat).SetInt(&z)), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeErr(err) {
		return Num{}, false
	}
	if math.IsInf(f, 0) {
		return Num{}, false
	}
	return Float(f), true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func fromRat(r *big.Rat) Num {
	if r.Num().IsInt64() && r.Denom().IsInt64() {
		return Num{n: r.Num().Int64(), d: r.Denom().Int64()}
	}
	return Num{kind: numBig, r: r}
}

func normSmall(n, d *big.Int) Num {
	r := new(big.Rat).SetFrac(n, d)
	return fromRat(r)
}

func (a Num) rat() *big.Rat {
	switch a.kind {
	case numSmall:
		return big.NewRat(a.n, a.d)
	case numBig:
		return a.r
	}
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(a.f, 'g', -1, 64))
	return r
}

func (a Num) fast() bool {
	return a.kind == numSmall && a.n > -fastLimit && a.n < fastLimit && a.d < fastLimit
}

// IsFloat reports whether a is a float rather than an exact rational.
func (a Num) IsFloat() bool { return a.kind == numFloat }

// Float64 returns the nearest float64 to a.
func (a Num) Float64() float64 {
	switch a.kind {
	case numSmall:
		if a.d == 1 {
			return float64(a.n)
		}
		return float64(a.n) / float64(a.d)
	case numBig:
		f, _ := a.r.Float64()
		return f
	}
	return a.f
}

// Sign returns -1, 0 or +1.
func (a Num) Sign() int {
	switch a.kind {
	case numSmall:
		switch {
		case a.n < 0:
			return -1
		case a.n > 0:
			return 1
		}
		return 0
	case numBig:
		return a.r.Sign()
	}
	switch {
	case a.f < 0:
		return -1
	case a.f > 0:
		return 1
	}
	return 0
}

// IsZero reports whether a is 0 (exact or float).
func (a Num) IsZero() bool { return a.Sign() == 0 }

// IsOne reports whether a is exactly the integer 1.
func (a Num) IsOne() bool { return a.kind == numSmall && a.n == 1 && a.d == 1 }

// IsMinusOne reports whether a is exactly the integer -1.
func (a Num) IsMinusOne() bool { return a.kind == numSmall && a.n == -1 && a.d == 1 }

// IsInt reports whether a is an exact integer.
func (a Num) IsInt() bool {
	switch a.kind {
	case numSmall:
		return a.d == 1
	case numBig:
		return a.r.IsInt()
	}
	return false
}

// Int64 returns a as an int64 when a is an exact integer that fits.
func (a Num) Int64() (int64, bool) {
	if a.kind == numSmall && a.d == 1 {
		return a.n, true
	}
	return 0, false
}

// Frac returns numerator and denominator of a small exact rational.
func (a Num) Frac() (n, d int64, ok bool) {
	if a.kind == numSmall {
		return a.n, a.d, true
	}
	return 0, 0, false
}

// IsFinite reports whether a is a finite number (always true when exact).
func (a Num) IsFinite() bool {
	return a.kind != numFloat || !(math.IsInf(a.f, 0) || math.IsNaN(a.f))
}

// Add returns a+b.
func (a Num) Add(b Num) Num {
	if a.fast() && b.fast() {
		if a.d == 1 && b.d == 1 {
			return Num{n: a.n + b.n, d: 1}
		}
		return reduce(a.n*b.d+b.n*a.d, a.d*b.d)
	}
	if a.kind == numFloat || b.kind == numFloat {
		return Float(a.Float64() + b.Float64())
	}
	return fromRat(new(big.Rat).Add(a.rat(), b.rat()))
}

// Neg returns -a.
func (a Num) Neg() Num {
	switch a.kind {
	case numSmall:
		if a.n != math.MinInt64 {
			return Num{n: -a.n, d: a.d}
		}
	case numFloat:
		return Float(-a.f)
	}
	return fromRat(new(big.Rat).Neg(a.rat()))
}

// Sub returns a-b.
func (a Num) Sub(b Num) Num { return a.Add(b.Neg()) }

// Mul returns a*b.
func (a Num) Mul(b Num) Num {
	if a.fast() && b.fast() {
		if a.d == 1 && b.d == 1 {
			return Num{n: a.n * b.n, d: 1}
		}
		return reduce(a.n*b.n, a.d*b.d)
	}
	if a.kind == numFloat || b.kind == numFloat {
		return Float(a.Float64() * b.Float64())
	}
	return fromRat(new(big.Rat).Mul(a.rat(), b.rat()))
}

// Inv returns 1/a; ok is false when a is zero.
func (a Num) Inv() (Num, bool) {
	if a.IsZero() {
		return Num{}, false
	}
	switch a.kind {
	case numSmall:
		if a.n != math.MinInt64 {
			if a.n < 0 {
				return Num{n: -a.d, d: -a.n}, true
			}
			return Num{n: a.d, d: a.n}, true
		}
	case numFloat:
		return Float(1 / a.f), true
	}
	return fromRat(new(big.Rat).Inv(a.rat())), true
}

// Cmp compares a and b numerically.
func (a Num) Cmp(b Num) int {
	if a.kind == numSmall && b.kind == numSmall && a.d == 1 && b.d == 1 {
		switch {
		case a.n < b.n:
			return -1
		case a.n > b.n:
			return 1
		}
		return 0
	}
	if a.kind == numFloat || b.kind == numFloat {
		x, y := a.Float64(), b.Float64()
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return a.rat().Cmp(b.rat())
}

// Equal reports whether a and b are the same number of the same kind
// (an exact 2 and a float 2.0 are different constants).
func (a Num) Equal(b Num) bool {
	if a.IsFloat() != b.IsFloat() {
		return false
	}
	if a.IsFloat() {
		return math.Float64bits(a.f) == math.Float64bits(b.f)
	}
	return a.Cmp(b) == 0
}

func reduce(n, d int64) Num {
	g := gcd(abs64(n), d)
	if g > 1 {
		n /= g
		d /= g
	}
	return Num{n: n, d: d}
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// maxExactExponent bounds exact integer powers so that constants stay small
// enough to print; larger powers stay symbolic.
const maxExactExponent = 4096

// PowInt returns a^k for an integer k. ok is false for 0^negative or when
// the exact result would be unreasonably large.
func (a Num) PowInt(k int64) (Num, bool) {
	if a.kind == numFloat {
		return Float(math.Pow(a.f, float64(k))), true
	}
	if k < -maxExactExponent {
		return Num{}, false
	}
	if k < 0 {
		inv, ok := a.Inv()
		if !ok {
			return Num{}, false
		}
		return inv.PowInt(-k)
	}
	if a.kind == numFloat {
		return Float(math.Pow(a.f, float64(k))), true
	}
	if a.IsZero() || a.IsOne() {
		return a, true
	}
	if a.IsMinusOne() {
		if k%2 == 0 {
			return Int(1), true
		}
		return a, true
	}
	if k > maxExactExponent {
		return Num{}, false
	}
	r := a.rat()
	if int64(r.Num().BitLen()+r.Denom().BitLen())*k > 8*maxExactExponent+2*k {
		return Num{}, false // too large to keep exact
	}
	n := new(big.Int).Exp(r.Num(), big.NewInt(k), nil)
	d := new(big.Int).Exp(r.Denom(), big.NewInt(k), nil)
	if n.BitLen()+d.BitLen() > 8*maxExactExponent {
		return Num{}, false
	}
	return fromRat(new(big.Rat).SetFrac(n, d)), true
}

// Root returns the exact q-th root of a when one exists (a rational whose
// q-th power is a); for even q, a must be non-negative.
func (a Num) Root(q int64) (Num, bool) {
	if a.kind == numFloat || q <= 0 {
		return Num{}, false
	}
	if q == 1 {
		return a, true
	}
	neg := a.Sign() < 0
	if neg && q%2 == 0 {
		return Num{}, false
	}
	r := a.rat()
	n, okN := intRoot(new(big.Int).Abs(r.Num()), q)
	d, okD := intRoot(r.Denom(), q)
	if !okN || !okD {
		return Num{}, false
	}
	if neg {
		n.Neg(n)
	}
	return fromRat(new(big.Rat).SetFrac(n, d)), true
}

// intRoot returns the exact q-th root of a non-negative integer.
func intRoot(x *big.Int, q int64) (*big.Int, bool) {
	if x.Sign() == 0 || x.Cmp(big.NewInt(1)) == 0 {
		return new(big.Int).Set(x), true
	}
	if q == 2 {
		s := new(big.Int).Sqrt(x)
		return s, new(big.Int).Mul(s, s).Cmp(x) == 0
	}
	if int64(x.BitLen()) < q {
		return nil, false
	}
	// Newton's method on integers, starting above the root.
	qq := big.NewInt(q)
	qm1 := big.NewInt(q - 1)
	y := new(big.Int).Lsh(big.NewInt(1), uint(int64(x.BitLen())/q+1))
	for {
		// t = ((q-1) y + x / y^(q-1)) / q
		p := new(big.Int).Exp(y, qm1, nil)
		t := new(big.Int).Quo(x, p)
		t.Add(t, new(big.Int).Mul(qm1, y))
		t.Quo(t, qq)
		if t.Cmp(y) >= 0 {
			break
		}
		y = t
	}
	return y, new(big.Int).Exp(y, qq, nil).Cmp(x) == 0
}

// String formats a so that the parser reads it back as the same number:
// exact rationals as "n" or "n/d", floats always with a point or exponent.
func (a Num) String() string {
	switch a.kind {
	case numSmall:
		if a.d == 1 {
			return strconv.FormatInt(a.n, 10)
		}
		return strconv.FormatInt(a.n, 10) + "/" + strconv.FormatInt(a.d, 10)
	case numBig:
		if a.r.IsInt() {
			return a.r.Num().String()
		}
		return a.r.Num().String() + "/" + a.r.Denom().String()
	}
	s := strconv.FormatFloat(a.f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eIN") {
		s += ".0"
	}
	return s
}

// hash returns a hash of a for hash-consing; exact and float numbers of
// the same value hash differently.
func (a Num) hash() uint64 {
	switch a.kind {
	case numSmall:
		return mix(uint64(a.n), uint64(a.d))
	case numBig:
		return strHash(a.String())
	}
	return mix(math.Float64bits(a.f), 0xf1)
}

// NumDen returns numerator and denominator strings of an exact rational.
func (a Num) NumDen() (num, den string) {
	s := a.String()
	if i := strings.IndexByte(s, '/'); i >= 0 && a.kind != numFloat {
		return s[:i], s[i+1:]
	}
	return s, "1"
}

// Rat returns a as a big.Rat (the nearest one for a float).
func (a Num) Rat() *big.Rat { return new(big.Rat).Set(a.rat()) }
