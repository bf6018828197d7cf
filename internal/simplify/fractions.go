package simplify

import (
	"slices"

	"github.com/nabla-math/nabla/internal/expr"
)

// Limits on combining quotients over a common denominator, which
// multiplies numerators out: beyond them only terms over the same
// denominator add.
const (
	// maxFractionTerms bounds the terms of a sum put over a common
	// denominator.
	maxFractionTerms = 12
	// maxCofactorPower bounds the power of a base that a numerator is
	// multiplied by to bring its term over the common denominator.
	maxCofactorPower = 4
)

// fraction is a term of a sum split into a numerator and the factors in
// its denominator (see expr.InDenominator), with their exponents negative:
// x/(1 - x)^2 is x and [(1 - x)^-2].
type fraction struct {
	num  *expr.Node
	dens []*expr.Node
	den  *expr.Node // the product of dens, 1 for none
}

func splitFraction(t *expr.Node) fraction {
	k, fs := expr.Factors(t)
	if !slices.ContainsFunc(fs, expr.InDenominator) {
		return fraction{num: t, den: expr.Int64(1)}
	}
	var nums, dens []*expr.Node
	for _, f := range fs {
		if expr.InDenominator(f) {
			dens = append(dens, f)
		} else {
			nums = append(nums, f)
		}
	}
	// A subset of a canonical product's factors is canonical.
	return fraction{num: expr.Mul(append(nums, expr.NewConst(k))...), dens: dens, den: expr.Mul(dens...)}
}

// isQuotient reports whether the term t has a factor in its denominator.
func isQuotient(t *expr.Node) bool {
	_, fs := expr.Factors(t)
	return slices.ContainsFunc(fs, expr.InDenominator)
}

// combineFractions puts terms of the scalar sum n over a common
// denominator: terms over the same denominator add their numerators,
// x/(1 - x) + 1/(1 - x) = (x + 1)/(1 - x); terms over different ones
// join over their least common multiple, with the numerators multiplied
// out, where that saves more than one operation, which pays for the
// parentheses of the numerator: (x + 1)/(1 - x) + 1 = 2/(1 - x), but
// cos(x)/x - sin(x)/x^2 stays.
func (s *Simplifier) combineFractions(n *expr.Node) (*expr.Node, bool) {
	terms := n.Args()
	if !slices.ContainsFunc(terms, isQuotient) {
		return nil, false
	}
	s.b.Step(len(terms))
	// Terms over the same denominator, grouped in order.
	fs := make([]fraction, len(terms))
	var groups [][]int
	index := map[uint64][]int{} // denominator hash → groups
	for i, t := range terms {
		fs[i] = splitFraction(t)
		h, g := fs[i].den.Hash(), -1
		for _, j := range index[h] {
			if expr.Equal(fs[groups[j][0]].den, fs[i].den) {
				g = j
				break
			}
		}
		if g < 0 {
			g = len(groups)
			index[h] = append(index[h], g)
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	best, size := n, Size(n)
	if len(groups) < len(terms) {
		out := make([]*expr.Node, 0, len(groups))
		for _, g := range groups {
			if len(g) == 1 || len(fs[g[0]].dens) == 0 {
				for _, i := range g {
					out = append(out, terms[i])
				}
				continue
			}
			nums := make([]*expr.Node, len(g))
			for k, i := range g {
				nums[k] = fs[i].num
			}
			out = append(out, expr.Mul(s.numerator(nums), fs[g[0]].den))
		}
		if r := expr.Add(out...); Size(r) <= size {
			best, size = r, Size(r)
		}
	}
	if best.Op() == expr.OpAdd && len(best.Args()) <= maxFractionTerms {
		if r := s.overCommon(best); r != nil && Size(r)+1 < size {
			best = r
		}
	}
	return best, !expr.Equal(best, n)
}

// overCommon returns the sum n over the least common multiple of the
// denominators of its terms, or of those of its terms that are
// quotients, whichever is smaller, with the numerators multiplied out;
// nil when the terms have one denominator or none, or when a numerator
// would be multiplied by a high power.
func (s *Simplifier) overCommon(n *expr.Node) *expr.Node {
	terms := n.Args()
	fs := make([]fraction, len(terms))
	// The common denominator: each base to its least exponent.
	type power struct {
		base *expr.Node
		exp  expr.Num
	}
	var common []power
	quotients := 0
	for i, t := range terms {
		fs[i] = splitFraction(t)
		if len(fs[i].dens) > 0 {
			quotients++
		}
		for _, d := range fs[i].dens {
			b, e := expr.SplitPow(d)
			found := false
			for k := range common {
				if expr.Equal(common[k].base, b) {
					if e.Num().Cmp(common[k].exp) < 0 {
						common[k].exp = e.Num()
					}
					found = true
					break
				}
			}
			if !found {
				common = append(common, power{b, e.Num()})
			}
		}
	}
	if quotients == 0 {
		return nil
	}
	den := make([]*expr.Node, len(common))
	for k, c := range common {
		den[k] = expr.Pow(c.base, expr.NewConst(c.exp))
	}
	denominator := expr.Mul(den...)
	// over puts the terms over the common denominator, all of them or
	// the quotients alone; nil if a numerator would be multiplied by a
	// high power.
	over := func(all bool) *expr.Node {
		var nums, rest []*expr.Node
		for i, f := range fs {
			if !all && len(f.dens) == 0 {
				rest = append(rest, terms[i])
				continue
			}
			// The numerator times the bases that its denominator lacks.
			factors := []*expr.Node{f.num}
			for _, c := range common {
				have := expr.Int(0)
				for _, d := range f.dens {
					if b, e := expr.SplitPow(d); expr.Equal(b, c.base) {
						have = e.Num()
						break
					}
				}
				m := have.Sub(c.exp)
				if m.IsZero() {
					continue
				}
				if k, ok := m.Int64(); !ok || k > maxCofactorPower {
					return nil
				}
				factors = append(factors, s.expandPower(expr.Pow(c.base, expr.NewConst(m))))
			}
			nums = append(nums, s.multiplyOut(factors))
		}
		if len(nums) < 2 {
			return nil
		}
		return expr.Add(append(rest, expr.Mul(s.numerator(nums), denominator))...)
	}
	best := over(true)
	if quotients < len(terms) {
		if r := over(false); r != nil && (best == nil || Size(r) < Size(best)) {
			best = r
		}
	}
	return best
}

// numerator returns the sum of the numerators nums as FactorCommon writes
// sums, with its numeric content and common factors pulled out, unless
// that makes it larger by more than the product it adds:
// (6x^2 - 2)/(x^2 + 1)^3 is 2(3x^2 - 1)/(x^2 + 1)^3.
func (s *Simplifier) numerator(nums []*expr.Node) *expr.Node {
	sum := expr.Add(nums...)
	if sum.Op() != expr.OpAdd {
		return sum
	}
	f := s.factorSum(sum)
	if expr.Equal(f, sum) {
		// FactorCommon finds nothing in common with a number term, but
		// the numbers may have a content: 6x^2 - 2 is 2(3x^2 - 1).
		if c := numericContent(sum.Args()); !c.IsOne() {
			inv, _ := c.Inv()
			quot := make([]*expr.Node, len(sum.Args()))
			for i, t := range sum.Args() {
				quot[i] = expr.Mul(expr.NewConst(inv), t)
			}
			f = expr.Mul(expr.NewConst(c), expr.Add(quot...))
		}
	}
	if Size(f) <= Size(sum)+1 {
		return f
	}
	return sum
}

// multiplyOut multiplies the factors, distributing over the sums among
// them and their factors, without expanding inside the factors.
func (s *Simplifier) multiplyOut(factors []*expr.Node) *expr.Node {
	var flat []*expr.Node
	for _, f := range factors {
		k, fs := expr.Factors(f)
		flat = append(flat, expr.NewConst(k))
		for _, g := range fs {
			flat = append(flat, s.expandPower(g))
		}
	}
	return s.distribute(flat)
}

// Limits on joinDenominators.
const (
	// maxJoinTerms bounds the terms of a product of denominators that
	// it multiplies out.
	maxJoinTerms = 64
	// maxJoinFactors bounds the factors of a denominator that it tries
	// in pairs.
	maxJoinFactors = 6
)

// joinDenominators multiplies out the denominator of the scalar product
// n where two or more of its factors are sums to one power whose product
// has fewer terms once multiplied out, and is smaller: 1/((1 - x)(x + 1))
// = 1/(1 - x^2), 1/((1 - x)^2 (x + 1)^2) = 1/(1 - x^2)^2. It tries all
// those factors, then pairs of them.
func (s *Simplifier) joinDenominators(n *expr.Node) (*expr.Node, bool) {
	// The powers of sums in the denominator with the most common
	// exponent, the first of them on a tie.
	var exps []expr.Num
	var counts []int
	for _, f := range n.Args() {
		if !expr.InDenominator(f) || f.Arg(0).Op() != expr.OpAdd {
			continue
		}
		e, found := f.Arg(1).Num(), false
		for i := range exps {
			if exps[i].Equal(e) {
				counts[i]++
				found = true
			}
		}
		if !found {
			exps, counts = append(exps, e), append(counts, 1)
		}
	}
	best := 0
	for i := range counts {
		if counts[i] > counts[best] {
			best = i
		}
	}
	if len(counts) == 0 || counts[best] < 2 {
		return nil, false
	}
	exp := exps[best]
	var at []int // the factors of n to join
	for i, f := range n.Args() {
		if expr.InDenominator(f) && f.Arg(0).Op() == expr.OpAdd && f.Arg(1).Num().Equal(exp) {
			at = append(at, i)
		}
	}
	size := Size(n)
	if r := s.join(n, at, exp); r != nil && Size(r) < size {
		return r, true
	}
	if len(at) == 2 || len(at) > maxJoinFactors {
		return nil, false
	}
	for i := range at {
		for j := i + 1; j < len(at); j++ {
			if r := s.join(n, []int{at[i], at[j]}, exp); r != nil && Size(r) < size {
				return r, true
			}
		}
	}
	return nil, false
}

// join returns the product n with its factors at, sums to the power exp,
// multiplied out under that power, or nil when that has as many terms as
// the factors have between them or more than maxJoinTerms.
func (s *Simplifier) join(n *expr.Node, at []int, exp expr.Num) *expr.Node {
	bases := make([]*expr.Node, len(at))
	terms := 1
	for i, k := range at {
		bases[i] = n.Arg(k).Arg(0)
		terms *= len(bases[i].Args())
		if terms > maxJoinTerms {
			return nil
		}
	}
	s.b.Step(terms)
	prod := s.distribute(bases)
	if prod.Op() == expr.OpAdd && len(prod.Args()) >= terms {
		return nil // nothing cancels or collects
	}
	factors := []*expr.Node{expr.Pow(prod, expr.NewConst(exp))}
	for i, f := range n.Args() {
		if !slices.Contains(at, i) {
			factors = append(factors, f)
		}
	}
	return expr.Mul(factors...)
}
