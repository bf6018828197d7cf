package simplify

import (
	"math/big"
	"slices"

	"github.com/nabla-math/nabla/internal/expr"
)

// maxExpandTerms bounds the number of terms that distributing one product
// may create; beyond it the product is left factored.
const maxExpandTerms = 2000

// Expand distributes products over sums, (a + b)c = ac + bc, and
// multiplies out positive integer powers of sums, (a + b)^2 = a^2 + 2ab +
// b^2, everywhere in n; the constructors then collect like terms. A product
// or power that would expand to more than maxExpandTerms terms is left as
// it is.
func Expand(n *expr.Node) *expr.Node {
	return pooled(func(s *Simplifier) *expr.Node { return s.Expand(n) })
}

// Expand is the package's Expand on s's budget.
func (s *Simplifier) Expand(n *expr.Node) *expr.Node { return s.expand(n, true) }

// expandProducts is Expand without multiplying out powers of sums: the
// form that keeps repeated derivatives small.
func (s *Simplifier) expandProducts(n *expr.Node) *expr.Node { return s.expand(n, false) }

func (s *Simplifier) expand(n *expr.Node, powers bool) *expr.Node {
	var memo expr.Memo[*expr.Node]
	var ex func(n *expr.Node) *expr.Node
	ex = func(n *expr.Node) *expr.Node {
		if len(n.Args()) == 0 {
			return n
		}
		if r, ok := memo.Get(n); ok {
			return r
		}
		s.b.Step(1)
		args, changed := mapArgs(n, ex)
		sums := false
		for _, a := range args {
			sums = sums || a.Op() == expr.OpAdd || a.Op() == expr.OpPow && powers
		}
		var r *expr.Node
		switch {
		case !changed && !(n.Op() == expr.OpMul && sums) && !(n.Op() == expr.OpPow && powers):
			r = n
		case n.Op() == expr.OpMul:
			if powers {
				args = slices.Clone(args)
				for i, a := range args {
					if a.Op() == expr.OpPow {
						args[i] = s.expandPower(a)
					}
				}
			}
			r = s.distribute(args)
		case n.Op() == expr.OpPow && powers:
			r = s.expandPower(expr.New(n, args))
		default:
			r = expr.New(n, args)
		}
		memo.Put(n, r)
		return r
	}
	return ex(n)
}

// expandPower multiplies out (a + b + …)^k for a positive integer k.
func (s *Simplifier) expandPower(n *expr.Node) *expr.Node {
	if n.Op() != expr.OpPow || n.Arg(0).Op() != expr.OpAdd || !n.Arg(1).IsConst() {
		return n
	}
	k, ok := n.Arg(1).Num().Int64()
	if !ok || k < 2 || k > 64 {
		return n
	}
	base := n.Arg(0)
	r := base
	for i := int64(1); i < k; i++ {
		r = s.distribute([]*expr.Node{r, base})
		if r.Op() != expr.OpAdd {
			return n
		}
		for _, t := range r.Args() {
			if t.Op() == expr.OpMul && len(t.Args()) > 0 && expr.Equal(t.Args()[len(t.Args())-1], base) {
				return n // too many terms: distribute left it factored
			}
		}
	}
	return r
}

// distribute multiplies out the sums among factors. It takes one sum at a
// time, a sum with a quotient in it first, and multiplies each of its
// terms by the other factors as they are, so that the product can cancel
// before the other sums are multiplied out: (1 - s) s (y/s - (1 - y)/(1 - s))
// gives y (1 - s) - s (1 - y), then y - s.
func (s *Simplifier) distribute(factors []*expr.Node) *expr.Node {
	count, at := 1, -1
	for i, f := range factors {
		if f.Op() != expr.OpAdd {
			continue
		}
		count *= len(f.Args())
		if count > maxExpandTerms {
			return s.distributeAll(factors)
		}
		if at < 0 || hasQuotient(f) && !hasQuotient(factors[at]) {
			at = i
		}
	}
	if at < 0 {
		return expr.Mul(factors...)
	}
	terms := make([]*expr.Node, len(factors[at].Args()))
	s.b.Step(len(terms))
	for i, t := range factors[at].Args() {
		args := make([]*expr.Node, 0, len(factors))
		args = append(args, factors[:at]...)
		args = append(args, factors[at+1:]...)
		p := expr.Mul(append(args, t)...)
		if p.Op() == expr.OpMul && hasSum(p.Args()) {
			p = s.distribute(p.Args())
		}
		terms[i] = p
	}
	return expr.Add(terms...)
}

// hasQuotient reports whether a term of the sum s has a factor with a
// negative exponent.
func hasQuotient(s *expr.Node) bool {
	for _, t := range s.Args() {
		_, fs := expr.Factors(t)
		for _, f := range fs {
			if _, e := expr.SplitPow(f); e.IsConst() && e.Num().Sign() < 0 {
				return true
			}
		}
	}
	return false
}

func hasSum(fs []*expr.Node) bool {
	for _, f := range fs {
		if f.Op() == expr.OpAdd {
			return true
		}
	}
	return false
}

// distributeAll multiplies out the sums among factors, as many as keep
// the result within maxExpandTerms terms, building each term of the result
// with one canonical product.
func (s *Simplifier) distributeAll(factors []*expr.Node) *expr.Node {
	var sums, rest []*expr.Node
	count := 1
	for _, f := range factors {
		if f.Op() == expr.OpAdd && count*len(f.Args()) <= maxExpandTerms {
			sums = append(sums, f)
			count *= len(f.Args())
			continue
		}
		rest = append(rest, f)
	}
	if len(sums) == 0 {
		return expr.Mul(factors...)
	}
	terms := make([]*expr.Node, 0, count)
	pick := make([]int, len(sums))
	buf := make([]*expr.Node, len(rest), len(rest)+len(sums))
	copy(buf, rest)
	for {
		args := buf[:len(rest)]
		for i, s := range sums {
			args = append(args, s.Arg(pick[i]))
		}
		terms = append(terms, expr.Mul(args...))
		s.b.Step(1)
		// Advance the odometer of choices.
		i := len(sums) - 1
		for ; i >= 0; i-- {
			pick[i]++
			if pick[i] < len(sums[i].Args()) {
				break
			}
			pick[i] = 0
		}
		if i < 0 {
			break
		}
	}
	return expr.Add(terms...)
}

// FactorCommon pulls the factors that every term of a sum shares out of
// the sum, with the largest numeric content: 10(2x + 5)P^9 + 90(2x+5)^2P^8
// becomes 10P^8(2P + 9(2x + 5)^2). It applies at every sum in n.
func FactorCommon(n *expr.Node) *expr.Node {
	return pooled(func(s *Simplifier) *expr.Node { return s.FactorCommon(n) })
}

// FactorCommon is the package's FactorCommon on s's budget.
func (s *Simplifier) FactorCommon(n *expr.Node) *expr.Node {
	var memo expr.Memo[*expr.Node]
	var fc func(n *expr.Node) *expr.Node
	fc = func(n *expr.Node) *expr.Node {
		if len(n.Args()) == 0 {
			return n
		}
		if r, ok := memo.Get(n); ok {
			return r
		}
		r := n
		if args, changed := mapArgs(n, fc); changed {
			r = expr.New(n, args)
		}
		if r.Op() == expr.OpAdd {
			r = s.factorSum(r)
		}
		memo.Put(n, r)
		return r
	}
	return fc(n)
}

func (s *Simplifier) factorSum(n *expr.Node) *expr.Node {
	terms := n.Args()
	s.b.Step(len(terms))
	// Common bases with the least numeric exponent among the terms: the
	// candidates are the bases of the first term, each counted in the
	// terms that have it.
	type entry struct {
		base  *expr.Node
		exp   expr.Num
		count int
	}
	var cands []entry
	for i, t := range terms {
		_, fs := expr.Factors(t)
		if len(fs) == 0 {
			return n // a number term: nothing in common
		}
		for _, f := range fs {
			b, e := expr.SplitPow(f)
			if e.Op() != expr.OpConst || e.Num().IsFloat() {
				b, e = f, expr.Int64(1)
			}
			if i == 0 {
				cands = append(cands, entry{b, e.Num(), 1})
				continue
			}
			for j := range cands {
				if c := &cands[j]; c.count == i && expr.Equal(c.base, b) {
					if e.Num().Cmp(c.exp) < 0 {
						c.exp = e.Num()
					}
					c.count++
					break
				}
			}
		}
	}
	var take []*expr.Node
	for _, c := range cands {
		if c.count == len(terms) {
			take = append(take, expr.Pow(c.base, expr.NewConst(c.exp)))
		}
	}
	content := numericContent(terms)
	if len(take) == 0 && content.IsOne() {
		return n
	}
	g := expr.Mul(append(take, expr.NewConst(content))...)
	inv := expr.Pow(g, expr.Int64(-1))
	quot := make([]*expr.Node, len(terms))
	for i, t := range terms {
		quot[i] = expr.Mul(t, inv)
	}
	// The cofactor may collect further when multiplied out, as over a
	// common denominator: 8x^2 - 2(x^2 + 1) is 6x^2 - 2.
	q := expr.Add(quot...)
	if e := s.Simplify(s.Expand(q)); Size(e) < Size(q) {
		q = e
	}
	return expr.Mul(g, q)
}

// numericContent returns the positive gcd of the exact coefficients of
// terms, or 1 when a coefficient is a float.
func numericContent(terms []*expr.Node) expr.Num {
	if k, ok := smallContent(terms); ok {
		return k
	}
	var num, den *big.Int
	for _, t := range terms {
		k, _ := expr.Factors(t)
		if k.IsFloat() {
			return expr.Int(1)
		}
		r := k.Rat()
		if num == nil {
			num = new(big.Int).Abs(r.Num())
			den = new(big.Int).Set(r.Denom())
			continue
		}
		num.GCD(nil, nil, num, new(big.Int).Abs(r.Num()))
		// lcm of denominators
		g := new(big.Int).GCD(nil, nil, den, r.Denom())
		den.Mul(den, new(big.Int).Quo(r.Denom(), g))
	}
	if num == nil || num.Sign() == 0 {
		return expr.Int(1)
	}
	return expr.BigRat(new(big.Rat).SetFrac(num, den))
}

// smallContent is numericContent for coefficients that are fractions of
// small integers, without big numbers; ok is false otherwise.
func smallContent(terms []*expr.Node) (expr.Num, bool) {
	const limit = 1 << 31
	var num, den int64
	for _, t := range terms {
		k, _ := expr.Factors(t)
		n, d, ok := k.Frac()
		if !ok || k.IsFloat() || n <= -limit || n >= limit || d >= limit {
			return expr.Num{}, false
		}
		if n < 0 {
			n = -n
		}
		if den == 0 {
			num, den = n, d
			continue
		}
		num = gcd(num, n)
		den = den / gcd(den, d) * d
		if den >= limit {
			return expr.Num{}, false
		}
	}
	if num == 0 {
		return expr.Int(1), true
	}
	inv, _ := expr.Int(den).Inv()
	return expr.Int(num).Mul(inv), true
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Size returns the number of operations in n read as a tree (the measure
// SymPy's count_ops uses, saturating at a large bound).
func Size(n *expr.Node) int {
	const limit = 1 << 40
	var memo expr.Memo[int]
	var size func(n *expr.Node) int
	size = func(n *expr.Node) int {
		if len(n.Args()) == 0 {
			return 0
		}
		if s, ok := memo.Get(n); ok {
			return s
		}
		s := len(n.Args()) - 1
		if n.Op() != expr.OpAdd && n.Op() != expr.OpMul {
			s = 1
		}
		for _, a := range n.Args() {
			s = min(s+size(a), limit)
		}
		memo.Put(n, s)
		return s
	}
	return size(n)
}

// Expanded returns the smaller of n and its expanded form (products
// distributed over sums, powers of sums kept).
func Expanded(n *expr.Node) *expr.Node {
	return pooled(func(s *Simplifier) *expr.Node { return s.Expanded(n) })
}

// Expanded is the package's Expanded on s's budget.
func (s *Simplifier) Expanded(n *expr.Node) *expr.Node {
	m := s.Simplify(s.expandProducts(n))
	if Size(m) < Size(n) {
		return m
	}
	return n
}

// MayCancel reports whether n has a form whose terms may cancel when
// multiplied out: a sum with two or more terms that are products with a
// sum among their factors, or a product with a sum of quotients among
// them, as x σ (1 - σ) (y/σ - (1 - y)/(1 - σ)), which is x (y - σ). A
// sum with a single such term, as x^2/(x - 1) + 2x (x + 1), has not.
func MayCancel(n *expr.Node) bool {
	switch n.Op() {
	case expr.OpAdd:
		return productsOfSums(n) >= 2
	case expr.OpMul:
		for _, f := range n.Args() {
			if f.Op() == expr.OpAdd && hasQuotient(f) {
				return true
			}
		}
	}
	return false
}

// MayCollect is MayCancel, or a sum with any term that is a product with a
// sum among its factors, as 800x^2 - 400(y - x^2), which is
// 1200x^2 - 400y: the test for second derivatives, which are normalized
// as higher derivatives are.
func MayCollect(n *expr.Node) bool {
	return MayCancel(n) || n.Op() == expr.OpAdd && productsOfSums(n) >= 1
}

// productsOfSums counts the terms of the sum n that are products with a
// sum among their factors.
func productsOfSums(n *expr.Node) int {
	k := 0
	for _, t := range n.Args() {
		if _, fs := expr.Factors(t); hasSum(fs) {
			k++
		}
	}
	return k
}

// Normal returns the smallest of n, its expanded form and that form with
// common factors pulled out: the
// form that keeps repeated derivatives from swelling.
func Normal(n *expr.Node) *expr.Node {
	return pooled(func(s *Simplifier) *expr.Node { return s.Normal(n) })
}

// Normal is the package's Normal on s's budget.
func (s *Simplifier) Normal(n *expr.Node) *expr.Node {
	m := s.Simplify(s.expandProducts(n))
	best, size := n, Size(n)
	if s := Size(m); s < size {
		best, size = m, s
	}
	if f := s.FactorCommon(m); Size(f) < size {
		best = f
	}
	return best
}
