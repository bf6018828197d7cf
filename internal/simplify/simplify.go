// Package simplify rewrites expression graphs into simpler equal forms.
//
// Most simplification happens when a node is built: the constructors of
// package expr keep sums and products canonical. This package adds the
// identities of functions as rewrite rules (data, in rules.go) run bottom-up
// to a fixpoint with an iteration cap and a cycle check, quotients put over
// a common denominator where that makes them smaller (fractions.go), and
// the expand-and-factor normal form that keeps repeated derivatives small.
package simplify

import (
	"fmt"
	"sync"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
)

// maxRewrites caps the rule applications at one node.
const maxRewrites = 64

type compiled struct {
	name     string
	from, to *expr.Node
}

// byHead indexes the compiled rules by the operation at the top of their
// left side.
var byHead = map[expr.Op][]compiled{}

func init() {
	for _, r := range Rules {
		from, err := parse.Parse(r.From, nil)
		if err != nil {
			panic(fmt.Sprintf("simplify: rule %q: %v", r.Name, err))
		}
		to, err := parse.Parse(r.To, nil)
		if err != nil {
			panic(fmt.Sprintf("simplify: rule %q: %v", r.Name, err))
		}
		byHead[from.Op()] = append(byHead[from.Op()], compiled{r.Name, from, to})
	}
}

// Simplify applies the rules bottom-up to a fixpoint.
func Simplify(n *expr.Node) *expr.Node {
	return pooled(func(s *Simplifier) *expr.Node { return s.Simplify(n) })
}

// pooled runs f with a Simplifier from a pool: small simplifications
// reuse the memory of earlier ones.
func pooled(f func(s *Simplifier) *expr.Node) *expr.Node {
	s := Acquire(nil)
	r := f(s)
	Release(s)
	return r
}

var simplifiers = sync.Pool{New: func() any { return New() }}

// A Simplifier simplifies many expressions in turn, remembering what it
// has simplified: subexpressions they share are simplified once. Its
// passes spend steps from its budget, which stops them when its context
// is done. It is not safe for concurrent use.
type Simplifier struct {
	memo expr.Memo[*expr.Node]
	b    *budget.Budget
}

// Acquire returns a Simplifier whose passes spend steps from b, taken
// from a pool; Release returns it.
func Acquire(b *budget.Budget) *Simplifier {
	s := simplifiers.Get().(*Simplifier)
	s.b = b
	return s
}

// Release returns a Simplifier from Acquire to the pool, when its memory
// is small enough to keep.
func Release(s *Simplifier) {
	s.b = nil
	if s.memo.Len() <= 64 {
		s.memo.Reset()
		simplifiers.Put(s)
	}
}

// New returns a Simplifier without a budget.
func New() *Simplifier { return &Simplifier{} }

// NewWith returns a Simplifier whose passes spend steps from b.
func NewWith(b *budget.Budget) *Simplifier { return &Simplifier{b: b} }

// Simplify applies the rules bottom-up to a fixpoint.
func (s *Simplifier) Simplify(n *expr.Node) *expr.Node {
	if len(n.Args()) == 0 || !n.Rewritable() {
		return n // no rule applies to a polynomial
	}
	if r, ok := s.memo.Get(n); ok {
		return r
	}
	s.b.Step(1)
	args := n.Args()
	var out []*expr.Node
	for i, a := range args {
		b := s.Simplify(a)
		if !expr.Equal(b, a) && out == nil {
			out = append(make([]*expr.Node, 0, len(args)), args[:i]...)
		}
		if out != nil {
			out = append(out, b)
		}
	}
	r := n
	if out != nil {
		r = expr.New(n, out)
	}
	var seen map[*expr.Node]bool // the cycle check, made when a rule fires
	for i := 0; i < maxRewrites; i++ {
		next, ok := s.rewrite(r)
		if !ok || seen[next] || expr.Equal(next, r) {
			break
		}
		if seen == nil {
			seen = map[*expr.Node]bool{r: true}
		}
		seen[next] = true
		// The rewritten node may expose new matches below its top.
		r = s.simplifyArgs(next)
	}
	s.memo.Put(n, r)
	return r
}

func (s *Simplifier) simplifyArgs(n *expr.Node) *expr.Node {
	if len(n.Args()) == 0 {
		return n
	}
	args := make([]*expr.Node, len(n.Args()))
	changed := false
	for i, a := range n.Args() {
		args[i] = s.Simplify(a)
		changed = changed || !expr.Equal(args[i], a)
	}
	if !changed {
		return n
	}
	return expr.New(n, args)
}

// rewrite applies the first rule that matches at the top of n, then the
// rewrites of sums and products that rules do not state: linear
// operations merged, common factors of matrix products, quotients over a
// common denominator.
func (s *Simplifier) rewrite(n *expr.Node) (*expr.Node, bool) {
	for _, r := range byHead[n.Op()] {
		if out, ok := apply(r, n); ok {
			return out, true
		}
	}
	switch {
	case n.Op() == expr.OpAdd:
		if out, ok := mergeLinear(n); ok {
			return out, true
		}
		if !n.Shape().IsScalar() {
			return factorMatrixSum(n)
		}
		return s.combineFractions(n)
	case n.Op() == expr.OpMul && n.Shape().IsScalar():
		return s.joinDenominators(n)
	}
	return nil, false
}

// mergeLinear merges the terms of a sum that apply the same linear
// operation to operands of one shape: 2diag(x) + diag(y) = diag(2x + y).
func mergeLinear(n *expr.Node) (*expr.Node, bool) {
	linear := 0
	for _, t := range n.Args() {
		_, fs := expr.Factors(t)
		for _, f := range fs {
			if expr.Ops[f.Op()].Linear {
				linear++
				break
			}
		}
	}
	if linear < 2 {
		return nil, false // nothing to merge
	}
	type key struct {
		op    expr.Op
		shape string
	}
	var groups map[key][]int
	for i, t := range n.Args() {
		l, _ := linearTerm(t)
		if l == nil {
			continue
		}
		if groups == nil {
			groups = map[key][]int{}
		}
		k := key{l.Op(), l.Args()[0].Shape().String()}
		groups[k] = append(groups[k], i)
	}
	merged := false
	terms := append([]*expr.Node(nil), n.Args()...)
	for _, idx := range groups {
		if len(idx) < 2 {
			continue
		}
		inner := make([]*expr.Node, len(idx))
		var l *expr.Node
		for j, i := range idx {
			var scalars []*expr.Node
			l, scalars = linearTerm(terms[i])
			inner[j] = expr.Mul(append(scalars, l.Args()[0])...)
			terms[i] = nil
		}
		terms[idx[0]] = expr.New(l, []*expr.Node{expr.Add(inner...)})
		merged = true
	}
	if !merged {
		return nil, false
	}
	kept := terms[:0]
	for _, t := range terms {
		if t != nil {
			kept = append(kept, t)
		}
	}
	return expr.Add(kept...), true
}

// linearTerm splits a term c L(u), where L is a linear operation and c a
// product of scalars, into L(u) and the factors of c; l is nil when t has
// another form.
func linearTerm(t *expr.Node) (l *expr.Node, scalars []*expr.Node) {
	k, fs := expr.Factors(t)
	for _, f := range fs {
		switch {
		case f.Shape().IsScalar() && !expr.Ops[f.Op()].Linear:
			scalars = append(scalars, f)
		case l == nil && expr.Ops[f.Op()].Linear:
			l = f
		default:
			return nil, nil
		}
	}
	if l == nil {
		return nil, nil
	}
	return l, append(scalars, expr.NewConst(k))
}

// factorMatrixSum pulls a factor that every term of a sum of matrix
// products shares on the left or on the right out of the sum:
// B x + Bᵀ x = (B + Bᵀ) x, and xᵀ B + xᵀ C = xᵀ (B + C).
func factorMatrixSum(n *expr.Node) (*expr.Node, bool) {
	type split struct {
		scalars []*expr.Node
		fs      []*expr.Node
	}
	terms := make([]split, len(n.Args()))
	for i, t := range n.Args() {
		k, fs := expr.Factors(t)
		var scalars []*expr.Node
		var mat *expr.Node
		for _, f := range fs {
			if f.Shape().IsScalar() {
				scalars = append(scalars, f)
			} else if mat == nil {
				mat = f
			} else {
				return nil, false // an element-wise product
			}
		}
		if mat == nil || mat.Op() != expr.OpMatMul {
			return nil, false
		}
		scalars = append(scalars, expr.NewConst(k))
		terms[i] = split{scalars, mat.Args()}
	}
	for _, left := range []bool{true, false} {
		pick := func(fs []*expr.Node) *expr.Node {
			if left {
				return fs[0]
			}
			return fs[len(fs)-1]
		}
		common := pick(terms[0].fs)
		shared := true
		for _, t := range terms[1:] {
			shared = shared && expr.Equal(pick(t.fs), common)
		}
		if !shared {
			continue
		}
		rests := make([]*expr.Node, len(terms))
		for i, t := range terms {
			rest := t.fs[:len(t.fs)-1]
			if left {
				rest = t.fs[1:]
			}
			rests[i] = expr.Mul(append(t.scalars, expr.MatMul(rest...))...)
		}
		if left {
			return expr.MatMul(common, expr.Add(rests...)), true
		}
		return expr.MatMul(expr.Add(rests...), common), true
	}
	return nil, false
}

// bindings are the values of pattern variables, few enough for a slice.
type bindings []binding

type binding struct {
	name string
	node *expr.Node
}

func (b bindings) get(name string) (*expr.Node, bool) {
	for _, x := range b {
		if x.name == name {
			return x.node, true
		}
	}
	return nil, false
}

// signature is the top of a pattern or node: its operation and, for a
// power, the operation of its base. AC matching compares signatures first.
type signature struct{ op, base expr.Op }

func signatureOf(n *expr.Node) signature {
	if n.Op() == expr.OpPow {
		return signature{expr.OpPow, n.Arg(0).Op()}
	}
	return signature{op: n.Op()}
}

// termSignature is the signature of a term without its coefficient.
func termSignature(n *expr.Node) signature {
	if n.Op() == expr.OpMul && len(n.Args()) == 2 && n.Arg(0).IsConst() {
		return signatureOf(n.Arg(1))
	}
	return signatureOf(n)
}

func apply(r compiled, n *expr.Node) (*expr.Node, bool) {
	switch r.from.Op() {
	case expr.OpAdd, expr.OpMul:
		return applyAC(r, n)
	}
	b, ok := match(r.from, n, nil)
	if !ok {
		return nil, false
	}
	return subst(r.to, b), true
}

// match matches pattern p against n, returning b extended by the new
// bindings.
func match(p, n *expr.Node, b bindings) (bindings, bool) {
	switch p.Op() {
	case expr.OpSym:
		if old, ok := b.get(p.Name()); ok {
			return b, expr.Equal(old, n)
		}
		return append(b, binding{p.Name(), n}), true
	case expr.OpConst, expr.OpConstant:
		return b, expr.Equal(p, n)
	case expr.OpMul:
		// "-u" matches anything with a negative coefficient.
		if k, rest := expr.SplitCoeff(p); k.IsMinusOne() && rest != nil && rest.Op() == expr.OpSym {
			if c, _ := expr.Factors(n); c.Sign() < 0 {
				return match(rest, expr.Neg(n), b)
			}
			return b, false
		}
	}
	if p.Op() != n.Op() || len(p.Args()) != len(n.Args()) {
		return b, false
	}
	ok := true
	for i, a := range p.Args() {
		if b, ok = match(a, n.Arg(i), b); !ok {
			return b, false
		}
	}
	return b, true
}

// applyAC matches a sum or product pattern against some of the terms or
// factors of n, in any order; the others are kept. A sum pattern matches
// terms that share one cofactor c, a number or a product, and gives c
// times the right side: t^2 sin(t)^2 + t^2 cos(t)^2 is t^2.
func applyAC(r compiled, n *expr.Node) (*expr.Node, bool) {
	if n.Op() != r.from.Op() {
		return nil, false
	}
	pats := r.from.Args()
	args := n.Args()
	if len(pats) > len(args) {
		return nil, false
	}
	isSum := n.Op() == expr.OpAdd
	// Every pattern operand needs an operand of n with its signature.
	for _, p := range pats {
		found := false
		for _, a := range args {
			if isSum && hasTermSignature(a, termSignature(p)) || !isSum && signatureOf(a) == signatureOf(p) {
				found = true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	used := make([]bool, len(args))
	var common cofactor // of the terms of a sum
	var try func(i int, b bindings) (bindings, bool)
	// next matches pattern i against target, then the patterns after it.
	next := func(i, j int, pat, target *expr.Node, b bindings) (bindings, bool) {
		nb, ok := match(pat, target, b[:len(b):len(b)])
		if !ok {
			return nil, false
		}
		used[j] = true
		if out, ok := try(i+1, nb); ok {
			return out, true
		}
		used[j] = false
		return nil, false
	}
	try = func(i int, b bindings) (bindings, bool) {
		if i == len(pats) {
			return b, true
		}
		for j, a := range args {
			if used[j] {
				continue
			}
			if !isSum {
				if out, ok := next(i, j, pats[i], a, b); ok {
					return out, true
				}
				continue
			}
			// Terms match up to a common cofactor: c·pattern.
			pk, pat := expr.SplitCoeff(pats[i])
			if pat == nil {
				continue
			}
			inv, _ := pk.Inv()
			var out bindings
			found := eachSplit(a, pat, func(c cofactor, target *expr.Node) bool {
				c.k = c.k.Mul(inv)
				if i == 0 {
					common = c
				} else if !c.equal(common) {
					return false
				}
				var ok bool
				out, ok = next(i, j, pat, target, b)
				return ok
			})
			if found {
				return out, true
			}
		}
		return nil, false
	}
	b, ok := try(0, nil)
	if !ok {
		return nil, false
	}
	out := subst(r.to, b)
	if isSum {
		out = expr.Mul(common.node(), out)
	}
	rest := []*expr.Node{out}
	for j, a := range args {
		if !used[j] {
			rest = append(rest, a)
		}
	}
	return expr.New(n, rest), true
}

// hasTermSignature reports whether the term t of a sum, or one of its
// factors, has the signature want.
func hasTermSignature(t *expr.Node, want signature) bool {
	if termSignature(t) == want {
		return true
	}
	_, fs := expr.Factors(t)
	for _, f := range fs {
		if signatureOf(f) == want {
			return true
		}
	}
	return false
}

// A cofactor is what a term of a sum leaves over when a pattern term
// matches part of it: k times the factors of t other than the factor at
// skip, or k alone when skip is -1. It is a node only once the match
// succeeds.
type cofactor struct {
	k    expr.Num
	t    *expr.Node
	skip int
}

// factors returns the factors of c other than its number, the one at
// c.skip included.
func (c cofactor) factors() []*expr.Node {
	if c.skip < 0 {
		return nil
	}
	_, fs := expr.Factors(c.t)
	return fs
}

// equal reports whether c and d are the same product.
func (c cofactor) equal(d cofactor) bool {
	if !c.k.Equal(d.k) {
		return false
	}
	cf, df := c.factors(), d.factors()
	i, j := 0, 0
	for {
		if i == c.skip {
			i++
		}
		if j == d.skip {
			j++
		}
		if i >= len(cf) || j >= len(df) {
			return i >= len(cf) && j >= len(df)
		}
		if !expr.Equal(cf[i], df[j]) {
			return false
		}
		i, j = i+1, j+1
	}
}

func (c cofactor) node() *expr.Node {
	fs := []*expr.Node{expr.NewConst(c.k)}
	for i, f := range c.factors() {
		if i != c.skip {
			fs = append(fs, f)
		}
	}
	return expr.Mul(fs...)
}

// eachSplit calls f with the ways the term t of a sum splits into a
// cofactor and a part that the pattern term p, without its coefficient,
// may match, until f returns true: t's coefficient and the rest, and,
// when the rest is a product and p is not, each factor with p's
// signature and the other factors. It reports whether f returned true.
func eachSplit(t, p *expr.Node, f func(c cofactor, target *expr.Node) bool) bool {
	k, rest := expr.SplitCoeff(t)
	if rest == nil {
		return false
	}
	if f(cofactor{k, t, -1}, rest) {
		return true
	}
	if rest.Op() != expr.OpMul || p.Op() == expr.OpMul {
		return false
	}
	want := signatureOf(p)
	_, fs := expr.Factors(t)
	for i, g := range fs {
		if signatureOf(g) == want && f(cofactor{k, t, i}, g) {
			return true
		}
	}
	return false
}

// subst replaces the pattern variables of p by their bindings.
func subst(p *expr.Node, b bindings) *expr.Node {
	switch p.Op() {
	case expr.OpSym:
		n, _ := b.get(p.Name())
		return n
	case expr.OpConst, expr.OpConstant:
		return p
	}
	args := make([]*expr.Node, len(p.Args()))
	for i, a := range p.Args() {
		args[i] = subst(a, b)
	}
	return expr.New(p, args)
}
