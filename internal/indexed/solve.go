package indexed

import (
	"context"
	"maps"

	"github.com/nabla-math/nabla/internal/calc"
	"github.com/nabla-math/nabla/internal/expr"
)

// Linear is one sum of an equation g = 0, or g's terms outside sums,
// with its summand split as A w + B: A the derivative of the summand with
// respect to w, which does not depend on w, and B the summand at w = 0.
type Linear struct {
	Sum    *expr.Node // the variable of the sum; nil for the terms outside sums
	Over   []string   // the sum's indices
	Coef   *expr.Node // the factor before the sum in g
	Body   *expr.Node // the summand, a column for a vector w
	A, B   *expr.Node
	ranges []expr.Dim
}

// Solution is the solution of ∂f/∂w = 0 for w, where the derivative is
// linear in w, with the way to it.
type Solution struct {
	Of *Derivative
	// Eq is the left side of the equation Eq = 0: the derivative,
	// transposed into a column for a vector w.
	Eq    *Expr
	Parts []Linear
	// Lin is Eq collected as A w + b: (Σ_n A_n) w + Σ_n b_n.
	Lin *Expr
	// A and B are the equation A w = B, divided by the number Scale.
	A, B  *Expr
	Scale expr.Num
	// Scaled reports whether A is a scalar times the identity, which is
	// then left out of A: the solution is B/A.
	Scaled bool
	Value  *Expr // w = A⁻¹ B
	// Scope has every sum and member of the solution, to write its parts
	// with TextOf and LaTeXOf.
	Scope *Expr
}

// Solve solves ∂f/∂w = 0, the derivative d, for w: a scalar or a vector
// that the derivative is linear in, each summand A_n w + b_n with A_n not
// depending on w, so that (Σ_n A_n) w = -Σ_n b_n. It refuses a
// derivative that is not linear in w, and one that does not depend on w.
func (d *Derivative) Solve(ctx context.Context) (*Solution, error) {
	x := d.X
	if x.Shape().Rank() == 2 {
		return nil, refuse("solving ∂f/∂%s = 0 for the matrix %s: nabla solves for scalars and vectors", d.Wrt, d.Wrt)
	}
	if d.Absent {
		return nil, refuse("%s does not occur in %s, so ∂f/∂%s = 0 holds everywhere", d.Wrt, d.Of.Text(), d.Wrt)
	}
	g := d.Result
	if err := coupled(g, d.Wrt); err != nil {
		return nil, err
	}
	e := g.derived(g.Top)
	col := func(n *expr.Node) *expr.Node {
		if x.Shape().IsScalar() {
			return n
		}
		ts := terms(n)
		out := make([]*expr.Node, len(ts))
		for i, t := range ts {
			out[i] = expr.Transpose(t)
		}
		return expr.Add(out...)
	}
	s := &Solution{Of: d, Scope: e}
	maps.Copy(e.sums, d.Scope.sums)
	maps.Copy(e.refs, d.Scope.refs)
	var rest []*expr.Node
	for _, t := range terms(g.Top) {
		sums := e.Sums(t)
		if len(sums) == 0 {
			rest = append(rest, t)
			continue
		}
		sv := sums[0]
		k, fs := expr.Factors(t)
		coef := []*expr.Node{expr.NewConst(k)}
		found := false
		for _, f := range fs {
			if expr.Equal(f, sv) && !found {
				found = true
				continue
			}
			coef = append(coef, f)
		}
		c := expr.Mul(coef...)
		if len(sums) > 1 || !found || !c.Shape().IsScalar() || expr.DependsOn(c, x) {
			return nil, refuse("∂f/∂%s = %s is not a sum of terms linear in %s", d.Wrt, g.Text(), d.Wrt)
		}
		sum := e.sums[sv.Name()]
		l := Linear{Sum: sv, Over: sum.Over, ranges: sum.Ranges, Coef: c, Body: col(sum.Body)}
		var err error
		if l.A, l.B, err = e.affine(ctx, l.Body, x, d.Wrt); err != nil {
			return nil, err
		}
		s.Parts = append(s.Parts, l)
	}
	if len(rest) > 0 {
		l := Linear{Coef: expr.Int64(1), Body: col(expr.Add(rest...))}
		var err error
		if l.A, l.B, err = e.affine(ctx, l.Body, x, d.Wrt); err != nil {
			return nil, err
		}
		s.Parts = append(s.Parts, l)
	}
	var eq, as, bs []*expr.Node
	for _, l := range s.Parts {
		body, err := e.SumOf(l.Over, l.ranges, l.Body)
		if err != nil {
			return nil, refuse("%v", err)
		}
		a, err := e.SumOf(l.Over, l.ranges, l.A)
		if err != nil {
			return nil, refuse("%v", err)
		}
		b, err := e.SumOf(l.Over, l.ranges, l.B)
		if err != nil {
			return nil, refuse("%v", err)
		}
		eq = append(eq, expr.Mul(l.Coef, body))
		as = append(as, expr.Mul(l.Coef, a))
		bs = append(bs, expr.Mul(l.Coef, b))
	}
	s.Eq = e.derived(expr.Add(eq...)).pruned()
	a, b := expr.Add(as...), expr.Add(bs...)
	if a.IsZero() || a.IsZeroMatrix() {
		return nil, refuse("∂f/∂%s = %s does not depend on %s: it is 0 nowhere or everywhere", d.Wrt, g.Text(), d.Wrt)
	}
	scalarA, scaled := identityFree(a, x)
	if scaled {
		s.Lin = e.derived(expr.Add(expr.Mul(scalarA, x), b)).pruned()
	} else {
		s.Lin = e.derived(expr.Add(expr.MatMul(a, x), b)).pruned()
	}
	s.Scale, _ = expr.SplitCoeff(terms(a)[0])
	inv, _ := s.Scale.Inv()
	an := scale(a, inv)
	bn := scale(b, inv.Neg())
	s.Scaled = scaled
	var value *expr.Node
	if scaled {
		an, _ = identityFree(an, x)
		value = expr.Mul(bn, expr.Pow(an, expr.Int64(-1)))
	} else {
		value = expr.MatMul(expr.Inv(an), bn)
	}
	s.A = e.derived(an).pruned()
	s.B = e.derived(bn).pruned()
	s.Value = e.derived(value).pruned()
	return s, nil
}

// coupled refuses a derivative g with respect to the member w that has
// other members of w's family than w, in its sums (μ[k]) or out of them:
// ∂f/∂w = 0 then ties w to the others, a system of equations rather than
// one.
func coupled(g *Expr, w Wrt) error {
	if w.Idx == nil {
		return nil
	}
	for _, n := range g.graphs() {
		for _, v := range expr.Vars(n) {
			if r, ok := g.RefVar(v); ok && r.Family == w.Name && r.Name() != w.String() {
				return refuse("∂f/∂%s = %s has the member %s of %s besides %s: ∂f/∂%s = 0 ties %s to the other members of %s, a system of equations nabla does not solve",
					w, g.Text(), r.Name(), w.Name, w, w, w, w.Name)
			}
		}
	}
	return nil
}

// terms returns the terms of n, a sum, or n itself.
func terms(n *expr.Node) []*expr.Node {
	if n.Op() == expr.OpAdd {
		return n.Args()
	}
	return []*expr.Node{n}
}

// scale returns n, term by term, times k.
func scale(n *expr.Node, k expr.Num) *expr.Node {
	ts := terms(n)
	out := make([]*expr.Node, len(ts))
	for i, t := range ts {
		out[i] = expr.Mul(expr.NewConst(k), t)
	}
	return expr.Add(out...)
}

// identityFree returns a, the coefficient of x, without its identity
// factor when every term of it is a scalar times the identity (or x is a
// scalar), and whether it is.
func identityFree(a, x *expr.Node) (*expr.Node, bool) {
	if x.Shape().IsScalar() {
		return a, true
	}
	ts := terms(a)
	out := make([]*expr.Node, len(ts))
	for i, t := range ts {
		k, fs := expr.Factors(t)
		rest := []*expr.Node{expr.NewConst(k)}
		ids := 0
		for _, f := range fs {
			if f.Op() == expr.OpIdentity {
				ids++
				continue
			}
			if !f.Shape().IsScalar() {
				return a, false
			}
			rest = append(rest, f)
		}
		if ids != 1 {
			return a, false
		}
		out[i] = expr.Mul(rest...)
	}
	return expr.Add(out...), true
}

// affine splits body, a scalar or a column, as A x + B: A its derivative
// (Jacobian) with respect to x, B its value at x = 0. A body whose A
// depends on x is not linear in x, and refused.
func (e *Expr) affine(ctx context.Context, body, x *expr.Node, w Wrt) (a, b *expr.Node, err error) {
	kind := calc.Auto
	if !x.Shape().IsScalar() {
		kind = calc.Jacobian
	}
	if !expr.DependsOn(body, x) {
		n := x.Shape()
		if kind == calc.Jacobian {
			n = expr.NewShape(n.Dim(0), n.Dim(0))
		}
		return expr.Zero(n), body, nil
	}
	a, err = deriveKind(ctx, body, x, e.decl, kind)
	if err != nil {
		return nil, nil, err
	}
	if expr.DependsOn(a, x) {
		return nil, nil, refuse("∂f/∂%s = 0 is not linear in %s: the derivative of %s with respect to %s is %s", w, w, e.TextOf(body), w, e.TextOf(a))
	}
	return a, expr.Substitute(body, map[string]*expr.Node{x.Name(): expr.Zero(x.Shape())}), nil
}
