package expr

import "math/big"

// exactValues fills the FoldNode entries of the table: the exact values
// of the elementary functions at their special points, the rational
// multiples of π with the denominators 1, 2, 3, 4 and 6 for the
// trigonometric functions and the values there for their inverses.
func exactValues() {
	trig := map[Op]func(j int) *Node{
		OpSin: sinAt, OpCos: cosAt, OpTan: tanAt, OpSec: secAt, OpCsc: cscAt, OpCot: cotAt,
	}
	for op, at := range trig {
		Ops[op].FoldNode = func(u *Node) *Node {
			if j, ok := twelfthsOfPi(u); ok {
				return at(j)
			}
			return nil
		}
	}
	// The inverses take their values in their principal ranges, in
	// twelfths of π: asin in [-π/2, π/2], acos in [0, π], atan in
	// (-π/2, π/2), acot in (0, π); asec(u) is acos(1/u) and acsc(u)
	// asin(1/u).
	Ops[OpAsin].FoldNode = func(u *Node) *Node { return angleOf(u, -6, 6, sinAt) }
	Ops[OpAcos].FoldNode = func(u *Node) *Node { return angleOf(u, 0, 12, cosAt) }
	Ops[OpAtan].FoldNode = func(u *Node) *Node { return angleOf(u, -5, 5, tanAt) }
	Ops[OpAcot].FoldNode = func(u *Node) *Node { return angleOf(u, 1, 11, cotAt) }
	Ops[OpAsec].FoldNode = func(u *Node) *Node { return angleOf(reciprocal(u), 0, 12, cosAt) }
	Ops[OpAcsc].FoldNode = func(u *Node) *Node { return angleOf(reciprocal(u), -6, 6, sinAt) }
	Ops[OpLog].FoldNode = logAt
	Ops[OpCbrt].FoldNode = cbrtAt
}

// twelfthsOfPi returns j, reduced to [0, 24), when u is the angle jπ/12
// for a whole j.
func twelfthsOfPi(u *Node) (int, bool) {
	var k Num
	switch {
	case isPi(u):
		k = Int(1)
	case u.op == OpMul && len(u.args) == 2 && u.args[0].op == OpConst && !u.args[0].num.IsFloat() && isPi(u.args[1]):
		k = u.args[0].num
	default:
		return 0, false
	}
	r := k.Rat()
	r.Mul(r, big.NewRat(12, 1))
	if !r.IsInt() {
		return 0, false
	}
	return int(new(big.Int).Mod(r.Num(), big.NewInt(24)).Int64()), true
}

func isPi(n *Node) bool { return n.op == OpConstant && n.name == Pi }

// sinAt returns sin(jπ/12) where it is 0, ±1/2, ±√2/2, ±√3/2 or ±1, and
// nil at the other twelfths.
func sinAt(j int) *Node {
	j = (j%24 + 24) % 24
	if j >= 12 {
		if v := sinAt(j - 12); v != nil {
			return Neg(v)
		}
		return nil
	}
	if j > 6 {
		j = 12 - j
	}
	half := NewConst(Rat(1, 2))
	switch j {
	case 0:
		return zero
	case 2:
		return half
	case 3:
		return Mul(half, Pow(two, half))
	case 4:
		return Mul(half, Pow(Int64(3), half))
	case 6:
		return one
	}
	return nil
}

func cosAt(j int) *Node { return sinAt(j + 6) }

// ratio returns a/b, or nil when either is unknown or b is zero.
func ratio(a, b *Node) *Node {
	if a == nil || b == nil {
		return nil
	}
	// At a pole (tan(π/2), cot(π), sec(π/2), csc(π)) the value is a
	// division by zero, which has no value, not the float64 nearest:
	// tan of the float nearest π/2 is 1.6e16.
	return Div(a, b)
}

func tanAt(j int) *Node { return ratio(sinAt(j), cosAt(j)) }
func secAt(j int) *Node { return ratio(one, cosAt(j)) }
func cscAt(j int) *Node { return ratio(one, sinAt(j)) }
func cotAt(j int) *Node { return ratio(cosAt(j), sinAt(j)) }

// angleOf returns the angle jπ/12, lo ≤ j ≤ hi, at which the
// trigonometric function at takes the value u, or nil: asin(1/2) is
// π/6 and atan(1/sqrt(3)) is π/6 too, whatever the form of the number.
func angleOf(u *Node, lo, hi int, at func(j int) *Node) *Node {
	if u == nil || !algebraic(u) {
		return nil
	}
	for j := lo; j <= hi; j++ {
		v := at(j)
		if v == nil {
			continue
		}
		if Equal(u, v) || !u.IsZero() && !v.IsZero() && Div(u, v).IsNum(1) {
			return Mul(NewConst(Rat(int64(j), 12)), NewConstant(Pi))
		}
	}
	return nil
}

// algebraic reports whether u is an exact number or a product of exact
// powers of exact numbers, such as sqrt(3)/2.
func algebraic(u *Node) bool {
	exact := func(n *Node) bool { return n.op == OpConst && !n.num.IsFloat() }
	power := func(n *Node) bool { return n.op == OpPow && exact(n.args[0]) && exact(n.args[1]) }
	switch u.op {
	case OpConst:
		return exact(u)
	case OpPow:
		return power(u)
	case OpMul:
		for _, f := range u.args {
			if !exact(f) && !power(f) {
				return false
			}
		}
		return true
	}
	return false
}

// reciprocal returns 1/u for a nonzero exact u, else nil.
func reciprocal(u *Node) *Node {
	if !algebraic(u) || u.IsZero() {
		return nil
	}
	return Pow(u, minusOne)
}

// logAt gives log(e) = 1 and log(exp(k)) = k for an exact k.
func logAt(u *Node) *Node {
	switch {
	case u.op == OpConstant && u.name == E:
		return one
	case u.op == OpExp && u.args[0].op == OpConst && !u.args[0].num.IsFloat():
		return u.args[0]
	}
	return nil
}

// cbrtAt pulls the cubes out of the cube root of an exact number, and
// its sign, for cbrt is odd: cbrt(16) = 2 cbrt(2), cbrt(-2) = -cbrt(2).
func cbrtAt(u *Node) *Node {
	if u.op != OpConst || u.num.IsFloat() || u.num.IsZero() {
		return nil
	}
	x, sign := u.num, Int(1)
	if x.Sign() < 0 {
		x, sign = x.Neg(), Int(-1)
	}
	out, in := rootFactors(x, 3)
	if out.IsOne() && sign.IsOne() {
		return nil
	}
	return Mul(NewConst(sign.Mul(out)), Call(OpCbrt, NewConst(in)))
}

// smallPrimes are the primes below 1000, by which rootFactors divides.
var smallPrimes = func() []int64 {
	var ps []int64
	for p := int64(2); p < 1000; p++ {
		prime := true
		for _, d := range ps {
			if d*d > p {
				break
			}
			if p%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			ps = append(ps, p)
		}
	}
	return ps
}()

// rootFactors splits the exact positive number x into out^q in, with the
// q-th powers of the primes below 1000 that divide its numerator or
// denominator in out, and what remains, when not itself a q-th power, in
// in: rootFactors(8, 2) is (2, 2), rootFactors(24, 3) is (2, 3).
func rootFactors(x Num, q int64) (out, in Num) {
	r := x.Rat()
	no, ni := intRootFactors(r.Num(), q)
	do, di := intRootFactors(r.Denom(), q)
	return BigRat(new(big.Rat).SetFrac(no, do)), BigRat(new(big.Rat).SetFrac(ni, di))
}

func intRootFactors(n *big.Int, q int64) (out, in *big.Int) {
	out, in = big.NewInt(1), new(big.Int).Set(n)
	if in.Cmp(out) <= 0 {
		return out, in
	}
	rem, mod := new(big.Int), new(big.Int)
	for _, p := range smallPrimes {
		bp := big.NewInt(p)
		pq := new(big.Int).Exp(bp, big.NewInt(q), nil)
		if pq.Cmp(in) > 0 {
			break
		}
		for {
			rem.QuoRem(in, pq, mod)
			if mod.Sign() != 0 {
				break
			}
			in.Set(rem)
			out.Mul(out, bp)
		}
	}
	if root, ok := intRoot(in, q); ok {
		out.Mul(out, root)
		in.SetInt64(1)
	}
	return out, in
}
