package nabla

import (
	"errors"
	"fmt"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/simplify"
)

// ErrNoFirstPrinciples reports a function whose derivative nabla cannot
// work out from the definition: LimitSteps takes polynomials and rational
// functions, c sin(x), c cos(x), c exp(x) and c log(x), and sums of these.
var ErrNoFirstPrinciples = errors.New("not available from first principles, which cover polynomials, rational functions, c sin(x), c cos(x), c exp(x), c log(x) and sums of these")

// maxLimitTerms bounds the terms of an expansion written out in a step.
const maxLimitTerms = 60

// LimitSteps derives f with respect to x from the definition of the
// derivative, as §5.1 does:
//
//	df/dx = lim_(h→0) (f(x + h) - f(x))/h,
//
// the algebra done by nabla's engine (the binomial theorem for powers,
// a common denominator for quotients, the terms of f(x) cancelled, h
// divided out), then h → 0. For sin, cos, exp and log it names the known
// limit the step needs: sin(h)/h → 1, (cos(h) - 1)/h → 0, (exp(h) - 1)/h
// → 1, log(1 + t)/t → 1. Other functions give ErrNoFirstPrinciples.
func LimitSteps(f Expr, x string) (*Derivation, error) {
	if err := f.showable(); err != nil {
		return nil, err
	}
	if f.n.Shape().Rank() > 0 {
		return nil, fmt.Errorf("first principles take a scalar function, not the %s %s", f.n.Shape().Describe(), f)
	}
	if !scalarName(f, x) {
		return nil, fmt.Errorf("cannot differentiate with respect to %q: not a scalar variable", x)
	}
	l := &limiter{f: f, x: expr.NewSym(x, expr.Scalar), n: new(int), partial: len(others(f, x)) > 0}
	l.h = expr.NewSym(freshName(f, "h", "k", "ε"), expr.Scalar)
	d, err := l.derive(f.n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", brief(f), err)
	}
	final, err := Diff(f, x, 1)
	var absent *AbsentError
	if err != nil && !errors.As(err, &absent) {
		return nil, err
	}
	if !d.Result.Equal(final) {
		*l.n++
		d.Steps = append(d.Steps, DerivationStep{N: *l.n, Rule: "simplify", Note: words("the simplifier's identities"), Gives: final})
		d.Result = final
	}
	return d, nil
}

// limiter works out derivatives from the definition.
type limiter struct {
	f     Expr
	x, h  *expr.Node
	n     *int
	large bool // a power too high to expand in a step was met
	// partial writes ∂/∂x: f has variables other than x.
	partial bool
}

func (l *limiter) wrap(n *expr.Node) Expr { return l.f.with(n) }

// of writes d/dx n.
func (l *limiter) of(n *expr.Node) Label {
	x := l.x.Name()
	d := derivativeOperator(x, l.partial)
	return Label{d.Text + " " + group(n), d.LaTeX + " " + groupTeX(n)}
}

// derive derives n: as a whole when it is a rational function or one of
// the functions with a known limit, else term by term.
func (l *limiter) derive(n *expr.Node) (*Derivation, error) {
	d := &Derivation{Of: l.wrap(n), Wrt: []string{l.x.Name()}, Title: l.of(n), Name: l.of(n)}
	if num, den, ok := l.rational(n); ok {
		return d, l.quotient(d, n, num, den)
	}
	if c, g, ok := l.special(n); ok {
		return d, l.known(d, n, c, g)
	}
	if l.large {
		return nil, fmt.Errorf("%w: its expansion has too many terms to write out", ErrNoFirstPrinciples)
	}
	if n.Op() != expr.OpAdd {
		return nil, ErrNoFirstPrinciples
	}
	// The limit of a sum is the sum of the limits.
	var rational, rest []*expr.Node
	for _, t := range n.Args() {
		if _, _, ok := l.rational(t); ok {
			rational = append(rational, t)
		} else {
			rest = append(rest, t)
		}
	}
	var parts []*expr.Node
	if len(rational) > 0 {
		parts = append(parts, expr.Add(rational...))
	}
	parts = append(parts, rest...)
	var uses []Use
	var terms []Term
	for _, p := range parts {
		if _, _, ok := l.special(p); !ok && !expr.Equal(p, expr.Add(rational...)) {
			return nil, ErrNoFirstPrinciples
		}
		sub, err := l.derive(p)
		if err != nil {
			return nil, err
		}
		d.Parts = append(d.Parts, sub)
		uses = append(uses, Use{Name: sub.Name, Of: sub.Of, Deriv: sub.Result, Step: lastStep(sub)})
		terms = append(terms, Term{Factors: []Expr{sub.Result}})
	}
	form := &Form{Terms: terms}
	*l.n++
	d.Steps = append(d.Steps, DerivationStep{N: *l.n, Rule: "sum of limits",
		Formula: Label{"lim (f + g) = lim f + lim g", `\lim (f + g) = \lim f + \lim g`},
		Left:    d.Name, Uses: uses, Applied: form, Gives: form.Expr()})
	d.Result = form.Expr()
	return d, nil
}

// step appends a step to d.
func (l *limiter) step(d *Derivation, s DerivationStep) {
	*l.n++
	s.N = *l.n
	d.Steps = append(d.Steps, s)
}

// shift is n with x replaced by x + h.
func (l *limiter) shift(n *expr.Node) *expr.Node {
	return expr.Substitute(n, map[string]*expr.Node{l.x.Name(): expr.Add(l.x, l.h)})
}

// definition writes the difference quotient of n.
func (l *limiter) definition(d *Derivation, n *expr.Node) {
	h := l.h.Name()
	x := l.x.Name()
	op := derivativeOperator(x, l.partial)
	l.step(d, DerivationStep{Rule: "definition",
		Formula: Label{op.Text + " f = lim_(" + h + "→0) (f(" + x + " + " + h + ") - f(" + x + "))/" + h,
			op.LaTeX + ` f = \lim_{` + texName(h) + ` \to 0} \frac{f(` + texName(x) + ` + ` + texName(h) + `) - f(` + texName(x) + `)}{` + texName(h) + `}`},
		Left: d.Name, Limit: h,
		Applied: &Form{Terms: []Term{{Factors: []Expr{l.wrap(l.shift(n))}}, {Neg: true, Factors: []Expr{l.wrap(n)}}}, Over: l.wrap(l.h)},
	})
}

// rational writes n as a quotient of polynomials in x: num/den, den 1
// for a polynomial.
func (l *limiter) rational(n *expr.Node) (num, den *expr.Node, ok bool) {
	one := expr.Int64(1)
	switch {
	case !expr.DependsOn(n, l.x):
		return n, one, true
	case expr.Equal(n, l.x):
		return n, one, true
	case n.Op() == expr.OpAdd:
		num, den = expr.Int64(0), one
		for _, t := range n.Args() {
			a, b, ok := l.rational(t)
			if !ok {
				return nil, nil, false
			}
			if expr.Equal(b, den) {
				num = expr.Add(num, a)
				continue
			}
			num, den = expr.Add(expr.Mul(num, b), expr.Mul(a, den)), expr.Mul(den, b)
		}
		return num, den, true
	case n.Op() == expr.OpMul:
		num, den = one, one
		for _, f := range n.Args() {
			a, b, ok := l.rational(f)
			if !ok {
				return nil, nil, false
			}
			num, den = expr.Mul(num, a), expr.Mul(den, b)
		}
		return num, den, true
	case n.Op() == expr.OpPow && n.Arg(1).IsConst():
		k, isInt := n.Arg(1).Num().Int64()
		if !isInt {
			return nil, nil, false
		}
		if k >= maxLimitTerms || k <= -maxLimitTerms {
			l.large = true
			return nil, nil, false
		}
		a, b, ok := l.rational(n.Arg(0))
		if !ok {
			return nil, nil, false
		}
		if k < 0 {
			a, b, k = b, a, -k
		}
		p := expr.Int64(k)
		return expr.Pow(a, p), expr.Pow(b, p), true
	}
	return nil, nil, false
}

// quotient derives the rational function n = num/den.
func (l *limiter) quotient(d *Derivation, n, num, den *expr.Node) error {
	h := l.h.Name()
	l.definition(d, n)
	hw := l.wrap(l.h)
	var top *expr.Node
	if !expr.DependsOn(den, l.x) {
		// A polynomial: expand f(x + h).
		shifted := l.shift(n)
		expanded := simplify.Expand(shifted)
		fx := simplify.Expand(n)
		if len(termsOf(expanded))+len(termsOf(fx)) > maxLimitTerms || l.factored(expanded) || l.factored(fx) {
			return fmt.Errorf("%w: its expansion has too many terms to write out", ErrNoFirstPrinciples)
		}
		var lets []Binding
		expr.Inspect(shifted, func(m *expr.Node) bool {
			if m.Op() == expr.OpPow && m.Arg(0).Op() == expr.OpAdd && expr.DependsOn(m, l.h) {
				if k, ok := m.Arg(1).Num().Int64(); ok && k >= 2 && m.Arg(1).IsConst() {
					lets = append(lets, Binding{Label{textOf(m), l.wrap(m).LaTeX()}, l.wrap(simplify.Expand(m))})
				}
			}
			return true
		})
		var terms []Term
		for _, t := range termsOf(expanded) {
			terms = append(terms, Term{Factors: []Expr{l.wrap(t)}})
		}
		for _, t := range termsOf(fx) {
			terms = append(terms, Term{Neg: true, Factors: []Expr{l.wrap(t)}})
		}
		s := DerivationStep{Rule: "expand", Left: d.Name, Limit: h, Let: lets, Applied: &Form{Terms: terms, Over: hw}}
		if len(lets) > 0 {
			s.Rule = "binomial theorem"
			s.Formula = Label{"(a + b)^n = Σ_(i=0…n) C(n, i) a^(n-i) b^i", `(a + b)^{n} = \sum_{i=0}^{n} \binom{n}{i} a^{n-i} b^{i}`}
		}
		l.step(d, s)
		top = simplify.Expand(expr.Sub(shifted, n))
		l.step(d, DerivationStep{Rule: "cancel", Note: words("the terms of f(" + l.x.Name() + ") cancel"), Left: d.Name, Limit: h,
			Applied: &Form{Terms: []Term{{Factors: []Expr{l.wrap(top)}}}, Over: hw}})
		den = expr.Int64(1)
	} else {
		// A quotient: over a common denominator.
		a, b := l.shift(num), l.shift(den)
		over := l.wrap(expr.Mul(b, den, l.h))
		l.step(d, DerivationStep{Rule: "common denominator", Left: d.Name, Limit: h,
			Formula: Label{"a/b - c/d = (a d - c b)/(b d)", `\frac{a}{b} - \frac{c}{d} = \frac{a d - c b}{b d}`},
			Applied: &Form{Terms: []Term{{Factors: []Expr{l.wrap(a), l.wrap(den)}}, {Neg: true, Factors: []Expr{l.wrap(num), l.wrap(b)}}}, Over: over}})
		top = simplify.Expand(expr.Sub(expr.Mul(a, den), expr.Mul(num, b)))
		if len(termsOf(top)) > maxLimitTerms || l.factored(top) {
			return fmt.Errorf("%w: the numerator has too many terms to write out", ErrNoFirstPrinciples)
		}
		l.step(d, DerivationStep{Rule: "cancel", Note: words("multiplied out, the terms without " + h + " cancel"), Left: d.Name, Limit: h,
			Applied: &Form{Terms: []Term{{Factors: []Expr{l.wrap(top)}}}, Over: over}})
		den = expr.Mul(b, den)
	}
	q := simplify.Expand(expr.Mul(top, expr.Pow(l.h, expr.Int64(-1))))
	if expr.Find(q, func(m *expr.Node) bool {
		_, e := expr.SplitPow(m)
		return m.Op() == expr.OpPow && expr.Equal(m.Arg(0), l.h) && e.IsConst() && e.Num().Sign() < 0
	}) != nil {
		return fmt.Errorf("%w: the numerator does not divide by %s", ErrNoFirstPrinciples, h)
	}
	div := &Form{Terms: []Term{{Factors: []Expr{l.wrap(q)}}}}
	if !den.IsNum(1) {
		div.Over = l.wrap(den)
	}
	l.step(d, DerivationStep{Rule: "divide by " + h, Left: d.Name, Limit: h, Applied: div})
	atZero := func(m *expr.Node) *expr.Node {
		return expr.Substitute(m, map[string]*expr.Node{h: expr.Int64(0)})
	}
	limit := expr.Div(atZero(q), atZero(den))
	lim := Label{"lim_(" + h + "→0) " + div.text(), `\lim_{` + texName(h) + ` \to 0} ` + div.latex()}
	if len(div.Terms) == 1 && div.Over.n == nil && div.Terms[0].Factors[0].n.Op() == expr.OpAdd {
		lim = Label{"lim_(" + h + "→0) (" + div.text() + ")", `\lim_{` + texName(h) + ` \to 0} \left(` + div.latex() + `\right)`}
	}
	l.step(d, DerivationStep{Rule: "limit", Note: words(h + " → 0: the terms with " + h + " vanish"), Left: lim, Gives: l.wrap(limit)})
	d.Result = l.wrap(limit)
	return nil
}

// factored reports whether the expansion n still holds a product or a
// power of a sum in x or h: Expand leaves one factored where multiplying
// it out would make too many terms, as (x + h + 1)^37, and the terms of
// f(x + h) - f(x) then do not cancel to a multiple of h.
func (l *limiter) factored(n *expr.Node) bool {
	return expr.Find(n, func(m *expr.Node) bool {
		if !expr.DependsOn(m, l.x) && !expr.DependsOn(m, l.h) {
			return false
		}
		switch m.Op() {
		case expr.OpPow:
			k, ok := m.Arg(1).Num().Int64()
			return m.Arg(0).Op() == expr.OpAdd && m.Arg(1).IsConst() && ok && k >= 2
		case expr.OpMul:
			for _, f := range m.Args() {
				if f.Op() == expr.OpAdd {
					return true
				}
			}
		}
		return false
	}) != nil
}

// termsOf lists the terms of a sum, or n itself.
func termsOf(n *expr.Node) []*expr.Node {
	if n.Op() == expr.OpAdd {
		return n.Args()
	}
	if n.IsZero() {
		return nil
	}
	return []*expr.Node{n}
}

// brief writes e as text, cut to a line.
func brief(e Expr) string {
	s := e.Short(240)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "…"
	}
	return s
}

// textOf writes n as text.
func textOf(n *expr.Node) string { return Expr{n: n}.String() }

// special splits n into c g(x) for g one of sin, cos, exp and log, c
// constant.
func (l *limiter) special(n *expr.Node) (c, g *expr.Node, ok bool) {
	k, fs := expr.Factors(n)
	consts := []*expr.Node{expr.NewConst(k)}
	for _, f := range fs {
		switch {
		case !expr.DependsOn(f, l.x):
			consts = append(consts, f)
		case g == nil && len(f.Args()) == 1 && expr.Equal(f.Arg(0), l.x) &&
			(f.Op() == expr.OpSin || f.Op() == expr.OpCos || f.Op() == expr.OpExp || f.Op() == expr.OpLog):
			g = f
		default:
			return nil, nil, false
		}
	}
	return expr.Mul(consts...), g, g != nil
}

// known derives c g(x) with the known limit g needs.
func (l *limiter) known(d *Derivation, n, c, g *expr.Node) error {
	h, x := l.h, l.x
	hn := h.Name()
	w := l.wrap
	var scale Expr
	if !c.IsNum(1) {
		scale = w(c)
	}
	l.definition(d, n)
	over := w(h)
	sin, cos := func(a *expr.Node) *expr.Node { return expr.Call(expr.OpSin, a) }, func(a *expr.Node) *expr.Node { return expr.Call(expr.OpCos, a) }
	quot := func(a *expr.Node) Expr { return w(expr.Div(a, h)) }
	var identity Label
	var expanded, regrouped, limits []Term
	var known Label
	var lets []Binding
	var result *expr.Node
	switch g.Op() {
	case expr.OpSin:
		identity = Label{"sin(a + b) = sin(a) cos(b) + cos(a) sin(b)", `\sin(a + b) = \sin a \cos b + \cos a \sin b`}
		expanded = []Term{{Factors: []Expr{w(sin(x)), w(cos(h))}}, {Factors: []Expr{w(cos(x)), w(sin(h))}}, {Neg: true, Factors: []Expr{w(sin(x))}}}
		regrouped = []Term{{Factors: []Expr{w(sin(x)), quot(expr.Add(cos(h), expr.Int64(-1)))}}, {Factors: []Expr{w(cos(x)), quot(sin(h))}}}
		limits = []Term{{Factors: []Expr{w(sin(x)), Int(0)}}, {Factors: []Expr{w(cos(x)), Int(1)}}}
		known = Label{"sin(" + hn + ")/" + hn + " → 1, (cos(" + hn + ") - 1)/" + hn + " → 0",
			`\frac{\sin ` + texName(hn) + `}{` + texName(hn) + `} \to 1,\ \frac{\cos ` + texName(hn) + ` - 1}{` + texName(hn) + `} \to 0`}
		result = cos(x)
	case expr.OpCos:
		identity = Label{"cos(a + b) = cos(a) cos(b) - sin(a) sin(b)", `\cos(a + b) = \cos a \cos b - \sin a \sin b`}
		expanded = []Term{{Factors: []Expr{w(cos(x)), w(cos(h))}}, {Neg: true, Factors: []Expr{w(sin(x)), w(sin(h))}}, {Neg: true, Factors: []Expr{w(cos(x))}}}
		regrouped = []Term{{Factors: []Expr{w(cos(x)), quot(expr.Add(cos(h), expr.Int64(-1)))}}, {Neg: true, Factors: []Expr{w(sin(x)), quot(sin(h))}}}
		limits = []Term{{Factors: []Expr{w(cos(x)), Int(0)}}, {Neg: true, Factors: []Expr{w(sin(x)), Int(1)}}}
		known = Label{"sin(" + hn + ")/" + hn + " → 1, (cos(" + hn + ") - 1)/" + hn + " → 0",
			`\frac{\sin ` + texName(hn) + `}{` + texName(hn) + `} \to 1,\ \frac{\cos ` + texName(hn) + ` - 1}{` + texName(hn) + `} \to 0`}
		result = expr.Neg(sin(x))
	case expr.OpExp:
		ex := func(a *expr.Node) *expr.Node { return expr.Call(expr.OpExp, a) }
		identity = Label{"exp(a + b) = exp(a) exp(b)", `e^{a + b} = e^{a} e^{b}`}
		expanded = []Term{{Factors: []Expr{w(ex(x)), w(ex(h))}}, {Neg: true, Factors: []Expr{w(ex(x))}}}
		regrouped = []Term{{Factors: []Expr{w(ex(x)), quot(expr.Add(ex(h), expr.Int64(-1)))}}}
		limits = []Term{{Factors: []Expr{w(ex(x)), Int(1)}}}
		known = Label{"(exp(" + hn + ") - 1)/" + hn + " → 1", `\frac{e^{` + texName(hn) + `} - 1}{` + texName(hn) + `} \to 1`}
		result = ex(x)
	case expr.OpLog:
		lg := func(a *expr.Node) *expr.Node { return expr.Call(expr.OpLog, a) }
		t := expr.NewSym(freshName(l.f, "t", "s", "τ"), expr.Scalar)
		lets = []Binding{{Label{t.Name(), texName(t.Name())}, w(expr.Div(h, x))}}
		identity = Label{"log(a) - log(b) = log(a/b)", `\log a - \log b = \log \frac{a}{b}`}
		expanded = []Term{{Factors: []Expr{w(lg(expr.Add(expr.Int64(1), expr.Div(h, x))))}}}
		regrouped = []Term{{Factors: []Expr{w(expr.Pow(x, expr.Int64(-1))), w(expr.Div(lg(expr.Add(expr.Int64(1), t)), t))}}}
		limits = []Term{{Factors: []Expr{w(expr.Pow(x, expr.Int64(-1))), Int(1)}}}
		tn := texName(t.Name())
		known = Label{"log(1 + " + t.Name() + ")/" + t.Name() + " → 1 as " + t.Name() + " → 0",
			`\frac{\log(1 + ` + tn + `)}{` + tn + `} \to 1 \text{ as } ` + tn + ` \to 0`}
		result = expr.Pow(x, expr.Int64(-1))
	}
	if !c.IsNum(1) {
		// f = c g: the constant comes out of the limit.
		expanded = scaleTerms(expanded, scale)
	}
	l.step(d, DerivationStep{Rule: "identity", Formula: identity, Left: d.Name, Limit: hn, Applied: &Form{Terms: expanded, Over: over}})
	l.step(d, DerivationStep{Rule: "regroup", Left: d.Name, Limit: hn, Let: lets, Applied: &Form{Scale: scale, Terms: regrouped}})
	form := &Form{Scale: scale, Terms: limits}
	result = expr.Mul(c, result)
	l.step(d, DerivationStep{Rule: "known limit", Formula: known, Left: d.Name, Applied: form, Gives: w(result)})
	d.Result = w(result)
	return nil
}

// scaleTerms puts the constant c first in each term.
func scaleTerms(ts []Term, c Expr) []Term {
	out := make([]Term, len(ts))
	for i, t := range ts {
		out[i] = Term{Neg: t.Neg, Factors: append([]Expr{c}, t.Factors...)}
	}
	return out
}
