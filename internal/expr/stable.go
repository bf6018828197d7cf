package expr

import "slices"

// Stable returns n with each subexpression that overflows or cancels in
// floating point replaced by an equal one that does not, by the Stable
// rules of the table:
//
//	log(1 + exp(u))        softplus(u)
//	log(sigmoid(u))        -softplus(-u)
//	log(1 - sigmoid(u))    -softplus(u)
//	log(sum(exp(z)))       logsumexp(z)
//	exp(u)/(1 + exp(u))    sigmoid(u)
//	exp(z)/sum(exp(z))     softmax(z)
//	1 - sigmoid(u)         sigmoid(-u)
//	1 - tanh(u)^2          4 sigmoid(-2u) sigmoid(2u)
//	2σ^2 - 3σ + 1          -sigmoid(-u) tanh(u/2), σ = sigmoid(u)
//	det(X) X⁻¹             adj(X)
//
// so that log(1 + exp(1000)) is 1000, not an overflow. The evaluators
// apply it to the graphs they evaluate, as JAX evaluates softplus and
// logsumexp; printed and differentiated expressions keep the form
// written.
func Stable(n *Node) *Node {
	return Transform(n, func(m *Node) *Node {
		if rule := Ops[m.op].Stable; rule != nil {
			return rule(m)
		}
		return m
	})
}

// stableLog is the Stable rule of log.
func stableLog(n *Node) *Node {
	u := n.args[0]
	switch u.op {
	case OpSigmoid:
		return Neg(Call(OpSoftplus, Neg(u.args[0])))
	case OpSum:
		if z := u.args[0]; z.op == OpExp && z.Shape().Rank() == 1 {
			return LogSumExp(z.args[0])
		}
	case OpAdd:
		if len(u.args) != 2 || !u.args[1].IsNum(1) {
			break
		}
		t := u.args[0]
		if t.op == OpExp {
			return Call(OpSoftplus, t.args[0])
		}
		if k, rest := SplitCoeff(t); k.IsMinusOne() && rest != nil && rest.op == OpSigmoid {
			return Neg(Call(OpSoftplus, rest.args[0]))
		}
	}
	return n
}

// stableMul is the Stable rule of products: exp(u)/(1 + exp(u)) is
// sigmoid(u) and exp(z)/sum(exp(z)) is softmax(z) (or its transpose),
// the derivatives of log(1 + exp(u)) and log(sum(exp(z))), which overflow
// where exp does.
func stableMul(n *Node) *Node {
	if m := stableAdjugate(n); m != nil {
		return m
	}
	for i, f := range n.args {
		b, e := SplitPow(f)
		if !e.IsNum(-1) {
			continue
		}
		var num, stable *Node // the numerator that b's exp stands in, and the quotient
		switch {
		case b.op == OpAdd && len(b.args) == 2 && b.args[1].IsNum(1) && b.args[0].op == OpExp:
			num, stable = b.args[0], Call(OpSigmoid, b.args[0].args[0])
		case b.op == OpSum && b.args[0].op == OpExp && b.args[0].Shape().Rank() == 1:
			num, stable = b.args[0], Softmax(b.args[0].args[0])
		default:
			continue
		}
		for j, g := range n.args {
			q := stable
			if g.op == OpTranspose && Equal(g.args[0], num) {
				q = Transpose(stable)
			} else if !Equal(g, num) {
				continue
			}
			return replacePair(n.args, i, j, q)
		}
	}
	return n
}

// replacePair returns the product of factors with factors i and j
// replaced by q, their product written stably.
func replacePair(factors []*Node, i, j int, q *Node) *Node {
	rest := make([]*Node, 0, len(factors)-1)
	for k, h := range factors {
		if k != i && k != j {
			rest = append(rest, h)
		}
	}
	return Mul(append(rest, q)...)
}

// stableAdjugate rewrites det(X) X⁻¹ (or its transpose) among the factors
// of n as adj(X), which has a value where X is singular: the gradient of
// det(X), det(X) X⁻ᵀ, is adj(X)ᵀ, [[4, -2], [-2, 1]] at [[1, 2], [2, 4]].
// X⁻¹ may be a factor of a matrix product among them, det(X) X⁻¹ v, as
// the chain rule leaves it. It returns nil where n has no such pair.
func stableAdjugate(n *Node) *Node {
	for i, f := range n.args {
		// det(X), or a power det(X)^k of it, k ≥ 2 whole, as the
		// derivative of det(X)^2 leaves: det(X)^(k-1) is kept.
		det, rest := f, (*Node)(nil)
		if f.op == OpPow && f.args[0].op == OpDet {
			if k, ok := f.args[1].num.Int64(); ok && f.args[1].op == OpConst && !f.args[1].num.IsFloat() && k >= 2 {
				det, rest = f.args[0], Pow(f.args[0], Int64(k-1))
			}
		}
		if det.op != OpDet {
			continue
		}
		for j, g := range n.args {
			if q := withAdjugate(g, det.args[0]); q != nil {
				if rest != nil {
					q = Mul(rest, q)
				}
				return replacePair(n.args, i, j, q)
			}
		}
	}
	return nil
}

// withAdjugate returns g with X⁻¹ in it replaced by adj(X), where g is
// linear in X⁻¹: X⁻¹ itself, or a transpose, trace, matrix product or
// product with one factor linear in it, or a sum of such terms, as the
// chain rule leaves det(X) tr(X⁻¹ dX) and det(X) X⁻¹ v. It returns nil
// for any other g.
func withAdjugate(g, x *Node) *Node {
	switch g.op {
	case OpInv:
		if Equal(g.args[0], x) {
			return Adj(x)
		}
	case OpTranspose:
		if q := withAdjugate(g.args[0], x); q != nil {
			return Transpose(q)
		}
	case OpTrace:
		if q := withAdjugate(g.args[0], x); q != nil {
			return Trace(q)
		}
	case OpMatMul, OpMul:
		for k, m := range g.args {
			if q := withAdjugate(m, x); q != nil {
				fs := slices.Clone(g.args)
				fs[k] = q
				if g.op == OpMatMul {
					return MatMul(fs...)
				}
				return Mul(fs...)
			}
		}
	case OpAdd:
		terms := make([]*Node, len(g.args))
		for k, t := range g.args {
			if terms[k] = withAdjugate(t, x); terms[k] == nil {
				return nil
			}
		}
		return Add(terms...)
	}
	return nil
}

// Complement is a constant C of a function f near which C − f(u) cancels
// in floating point, and Form(u), equal to C − f(u) and free of the
// cancellation: for sigmoid, C = 1 and Form(u) = sigmoid(−u).
type Complement struct {
	C    Num
	Form func(u *Node) *Node
}

// complements sets the Complements of the functions that approach a
// constant, where their derivatives cancel: sigmoid′ = σ(1 − σ) is 0 at
// u = 40 in float64 unless 1 − σ(u) is computed as σ(−u).
func complements() {
	// 1 − σ(u) = σ(−u), and ½ − σ(u) = −tanh(u/2)/2, for the factor
	// 2σ − 1 of the derivatives of even order, which cancels near u = 0.
	Ops[OpSigmoid].Complements = []Complement{
		{Int(1), func(u *Node) *Node { return Call(OpSigmoid, Neg(u)) }},
		{Rat(1, 2), func(u *Node) *Node { return Mul(NewConst(Rat(-1, 2)), Call(OpTanh, Mul(NewConst(Rat(1, 2)), u))) }},
	}
	// 1 − tanh(u) = 2σ(−2u) and −1 − tanh(u) = −2σ(2u).
	Ops[OpTanh].Complements = []Complement{
		{Int(1), func(u *Node) *Node { return Mul(two, Call(OpSigmoid, Mul(Int64(-2), u))) }},
		{Int(-1), func(u *Node) *Node { return Mul(Int64(-2), Call(OpSigmoid, Mul(two, u))) }},
	}
	// 1 − erf(u) = erfc(u) and −1 − erf(u) = −erfc(−u).
	Ops[OpErf].Complements = []Complement{
		{Int(1), func(u *Node) *Node { return Call(OpErfc, u) }},
		{Int(-1), func(u *Node) *Node { return Neg(Call(OpErfc, Neg(u))) }},
	}
	// 2 − erfc(u) = erfc(−u).
	Ops[OpErfc].Complements = []Complement{
		{Int(2), func(u *Node) *Node { return Call(OpErfc, Neg(u)) }},
	}
	// 1 − exp(u) = −2 exp(u/2) sinh(u/2), for u near 0.
	Ops[OpExp].Complements = []Complement{
		{Int(1), func(u *Node) *Node {
			h := Mul(NewConst(Rat(1, 2)), u)
			return Mul(Int64(-2), Call(OpExp, h), Call(OpSinh, h))
		}},
	}
	// 1 − cos(u) = 2 sin(u/2)², for u near 0.
	Ops[OpCos].Complements = []Complement{
		{Int(1), func(u *Node) *Node { return Mul(two, Pow(Call(OpSin, Mul(NewConst(Rat(1, 2)), u)), two)) }},
	}
}

// maxStableDegree bounds the degree of the polynomials that stableAdd
// divides.
const maxStableDegree = 64

// stableAdd is the Stable rule of sums. Its terms k c s^d, with s = f(u)
// an application of a function with Complements, k a number and c the
// other factors, are grouped by c; each group is c P(s), P a polynomial
// with numeric coefficients, and P is divided by s − C for each constant
// C at which it vanishes, as often as it does, each such factor written
// −Form(u). So 1 − sigmoid(u) is sigmoid(−u), and sigmoid″ =
// σ(2σ² − 3σ + 1) = −σ sigmoid(−u) tanh(u/2) keeps its digits where σ(u)
// rounds to 1 and where it is near ½. (Dividing in a fresh variable y and setting y = s is
// exact even where c has s in it.)
func stableAdd(n *Node) *Node {
	// Each function with Complements that the terms have, in turn: in
	// x exp(-x²) + erf(x) + 1 the exponential has nothing to divide
	// out, and erf(x) + 1 is erfc(-x).
	var atoms []*Node
	for _, t := range n.args {
		_, fs := Factors(t)
		for _, f := range fs {
			if b, e := powerOf(f); e > 0 && Ops[b.op].Complements != nil &&
				!slices.ContainsFunc(atoms, func(a *Node) bool { return Equal(a, b) }) {
				atoms = append(atoms, b)
			}
		}
	}
	for _, atom := range atoms {
		if n.op != OpAdd {
			break
		}
		n = divideComplements(n, atom)
	}
	return n
}

// divideComplements is stableAdd for one function application, atom.
func divideComplements(n, atom *Node) *Node {
	type group struct {
		cofactor *Node
		p        []Num // P's coefficients by degree
		terms    []*Node
	}
	var groups []*group
	var out []*Node
	for _, t := range n.args {
		k, d, c := atomPower(t, atom)
		var g *group
		for _, h := range groups {
			if Equal(h.cofactor, c) {
				g = h
				break
			}
		}
		if g == nil {
			g = &group{cofactor: c}
			groups = append(groups, g)
		}
		for len(g.p) <= d {
			g.p = append(g.p, Int(0))
		}
		g.p[d] = g.p[d].Add(k)
		g.terms = append(g.terms, t)
	}
	changed := false
	for _, g := range groups {
		p := g.p
		var factors []*Node
		for _, c := range Ops[atom.op].Complements {
			for len(p) > 1 {
				q, ok := divideRoot(p, c.C)
				if !ok {
					break
				}
				p = q
				factors = append(factors, Neg(c.Form(atom.args[0])))
			}
		}
		if factors == nil {
			out = append(out, g.terms...)
			continue
		}
		changed = true
		terms := make([]*Node, 0, len(p))
		for d, k := range p {
			if !k.IsZero() {
				terms = append(terms, Mul(NewConst(k), Pow(atom, Int64(int64(d)))))
			}
		}
		out = append(out, Mul(append(factors, g.cofactor, Add(terms...))...))
	}
	if !changed {
		return n
	}
	return Add(out...)
}

// atomPower splits the term t into k c s^d: k a number, s atom, a power
// of which is a factor of t, and c the other factors (1 for none). A term
// without the factor has d = 0.
func atomPower(t, atom *Node) (k Num, d int, c *Node) {
	k, fs := Factors(t)
	for i, f := range fs {
		if b, e := powerOf(f); e > 0 && Equal(b, atom) {
			rest := make([]*Node, 0, len(fs)-1)
			rest = append(rest, fs[:i]...)
			rest = append(rest, fs[i+1:]...)
			return k, e, Mul(rest...)
		}
	}
	return k, 0, Mul(fs...)
}

// powerOf splits n into a base and a whole exponent from 1 to
// maxStableDegree, or returns k = 0.
func powerOf(n *Node) (base *Node, k int) {
	b, e := SplitPow(n)
	if e.op != OpConst {
		return nil, 0
	}
	if v, ok := e.num.Int64(); ok && v >= 1 && v <= maxStableDegree {
		return b, int(v)
	}
	return nil, 0
}

// divideRoot divides the polynomial with coefficients p (by degree) by
// y − c when c is a root, exactly: the quotient's coefficients.
func divideRoot(p []Num, c Num) ([]Num, bool) {
	q := make([]Num, len(p)-1)
	carry := Int(0)
	for d := len(p) - 1; d >= 1; d-- {
		carry = p[d].Add(c.Mul(carry))
		q[d-1] = carry
	}
	if !p[0].Add(c.Mul(carry)).IsZero() {
		return nil, false
	}
	return q, true
}
