package nabla

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/calc"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/indexed"
)

// IndexedStepsOptions configures IndexedSteps. A nil
// *IndexedStepsOptions means the defaults.
type IndexedStepsOptions struct {
	// Context bounds the work; nil means context.Background().
	Context context.Context
	// Solve goes on from the derivative to the solution of ∂f/∂w = 0,
	// where the derivative is linear in w.
	Solve bool
}

// IndexedSteps works out the derivative of f, an expression with indexed
// sums, with respect to wrt (a variable θ, or a member μ[j] whose indices
// are free names), step by step as the notes derive k-means: each sum
// differentiated under the sum sign; through each member μ[k] of a
// summand by ∂μ[k]/∂μ[j] = δ_kj; the sum over k collapsed, as only the
// term k = j is non-zero. With opts.Solve it goes on: the derivative set
// to zero, split into its part linear in wrt and the rest, and solved,
// for k-means to μ[j] = (Σ_n r[n,j] x[n])/Σ_n r[n,j].
//
// The derivatives of the summands are the differentiator's, in matrix
// form. The derivative is checked against finite differences, and the
// solution to make it vanish, at a point of random data before they are
// given.
func IndexedSteps(f *Indexed, wrt string, opts *IndexedStepsOptions) (*Derivation, error) {
	ctx := context.Background()
	if opts != nil && opts.Context != nil {
		ctx = opts.Context
	}
	d, err := diffIndexed(ctx, f, wrt)
	if err != nil {
		return nil, err
	}
	if d.Absent {
		return nil, calc.Absent(wrt, f.Vars())
	}
	x := &sumExplainer{f: f, d: d, scope: d.Scope, wrt: wrtLabel(d.Wrt)}
	x.derivative()
	der := &Derivation{
		Of: f.expr(), Wrt: []string{wrt}, Name: x.partial("f"), Steps: x.steps,
		Result: shownExpr(d.Result, d.Result.Top), Shape: shapeString(d.Result.Shape()),
		Title: x.title(x.partial("f"), Label{}),
	}
	if opts == nil || !opts.Solve {
		return der, nil
	}
	s, err := d.Solve(ctx)
	if err != nil {
		return nil, indexedError(err)
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	x.scope = s.Scope
	x.solve(s)
	der.Steps = x.steps
	der.Name = x.wrt
	der.Result = shownExpr(s.Value, s.Value.Top)
	der.Shape = shapeString(d.X.Shape())
	der.Title = x.title(x.partial("f"), Label{" = 0", " = 0"})
	return der, nil
}

// sumExplainer writes the steps of a derivative of indexed sums.
type sumExplainer struct {
	f     *Indexed
	d     *indexed.Derivative
	scope *indexed.Expr // has every sum and member the steps write
	steps []DerivationStep
	wrt   Label
	first int   // the number of the step before the first of these
	name  Label // the derivative's name where it is not ∂f/∂w: d/dx …
}

// add appends a step, numbering it.
func (x *sumExplainer) add(s DerivationStep) int {
	s.N = x.first + len(x.steps) + 1
	x.steps = append(x.steps, s)
	return s.N
}

// show returns n, a graph over the sums and members of the derivation,
// as an Expr to show.
func (x *sumExplainer) show(n *expr.Node) Expr { return shownExpr(x.scope, n) }

// label writes n as a Label.
func (x *sumExplainer) label(n *expr.Node) Label {
	return Label{x.scope.TextOf(n), x.scope.LaTeXOf(n)}
}

// wrtLabel writes the variable or member w: μ[j], \mu_{j}.
func wrtLabel(w indexed.Wrt) Label {
	if w.Idx == nil {
		return Label{w.Name, texName(w.Name)}
	}
	return Label{w.String(), texName(w.Name) + "_{" + strings.Join(w.Idx, "") + "}"}
}

// partial writes ∂f/∂w for the function named f.
func (x *sumExplainer) partial(f string) Label {
	return Label{"∂" + f + "/∂" + x.wrt.Text, `\frac{\partial ` + texName(f) + `}{\partial ` + x.wrt.LaTeX + `}`}
}

// op writes the operator ∂/∂w applied to what follows.
func (x *sumExplainer) op() Label {
	return Label{"∂/∂" + x.wrt.Text + " ", `\frac{\partial}{\partial ` + x.wrt.LaTeX + `} `}
}

// sigma writes the sum signs of the indices over: Σ_n Σ_k.
func sigma(over []string) Label {
	var t, l strings.Builder
	for _, i := range over {
		t.WriteString("Σ_" + i + " ")
		l.WriteString(`\sum_{` + texName(i) + `} `)
	}
	return Label{t.String(), l.String()}
}

// grouped writes n in parentheses.
func (x *sumExplainer) grouped(n *expr.Node) Label {
	l := x.label(n)
	return Label{"(" + l.Text + ")", `\left(` + l.LaTeX + `\right)`}
}

// join joins labels with sep (text and LaTeX).
func join(ls []Label, sep Label) Label {
	var t, l []string
	for _, x := range ls {
		t, l = append(t, x.Text), append(l, x.LaTeX)
	}
	return Label{strings.Join(t, sep.Text), strings.Join(l, sep.LaTeX)}
}

// cat concatenates labels.
func cat(ls ...Label) Label { return join(ls, Label{}) }

// title writes what is derived, with the ranges of the indices and the
// space of the variable: ∂f/∂μ[j] for f = …; n = 1…N; j, k = 1…K;
// μ[j] ∈ ℝ^(D).
func (x *sumExplainer) title(name, after Label) Label {
	var order []string
	for _, s := range x.f.x.Sums(x.f.x.Top) {
		for _, i := range x.f.x.SumVar(s).Over {
			if !slices.Contains(order, i) {
				order = append(order, i)
			}
		}
	}
	for _, i := range append(slices.Clone(x.d.Wrt.Idx), x.d.Result.Free()...) {
		if !slices.Contains(order, i) {
			order = append(order, i)
		}
	}
	var groups []string
	byRange := map[string][]string{}
	for _, i := range order {
		r, ok := x.d.Result.Range(i)
		if !ok {
			r, _ = x.f.x.Range(i)
		}
		n := dimNames(expr.NewShape(r))[0]
		if _, ok := byRange[n]; !ok {
			groups = append(groups, n)
		}
		byRange[n] = append(byRange[n], i)
	}
	text, tex := []string{}, []string{}
	for _, g := range groups {
		is := byRange[g]
		texIs := make([]string, len(is))
		for k, i := range is {
			texIs[k] = texName(i)
		}
		text = append(text, strings.Join(is, ", ")+" = 1…"+g)
		tex = append(tex, strings.Join(texIs, ", ")+` = 1, \dots, `+texName(g))
	}
	if s := x.d.X.Shape(); !s.IsScalar() {
		text = append(text, x.wrt.Text+" ∈ ℝ^("+shapeString(s)+")")
		tex = append(tex, x.wrt.LaTeX+shapeTeX(shapeString(s)))
	}
	f := x.f.x
	return Label{
		name.Text + after.Text + " for f = " + f.Text() + "; " + strings.Join(text, "; "),
		name.LaTeX + after.LaTeX + ` \text{ for } f = ` + f.LaTeX() + `;\ ` + strings.Join(tex, `;\ `),
	}
}

// derivative writes the steps of the derivative: for each sum, the sum
// rule, the summand differentiated (through each member, by a Kronecker
// delta), the deltas summed out; then the parts collected.
func (x *sumExplainer) derivative() {
	d, f := x.d, x.f.x
	whole := len(d.Parts) == 1 && expr.Equal(d.Parts[0].Sum, f.Top) && d.Direct == nil
	var done []int
	for _, p := range d.Parts {
		sum := f.SumVar(p.Sum)
		left := cat(x.op(), x.grouped(p.Sum))
		if whole {
			left = x.partial("f")
		}
		body := x.grouped(sum.Body)
		x.add(DerivationStep{Rule: "sum rule", Formula: Label{"∂/∂w Σ_i f_i = Σ_i ∂f_i/∂w",
			`\frac{\partial}{\partial w} \sum_i f_i = \sum_i \frac{\partial f_i}{\partial w}`},
			Left: left, Gives: shown(cat(sigma(sum.Over), x.op(), body).Text, cat(sigma(sum.Over), x.op(), body).LaTeX)})
		if len(p.Terms) == 0 {
			continue
		}
		var formulas, shares []Label
		var uses []Use
		var outs []Label
		for _, t := range p.Terms {
			partial := x.grouped(t.Partial)
			if t.Through.Family == "" {
				uses = append(uses, Use{Name: cat(x.op(), body), Of: x.show(sum.Body), Deriv: x.show(t.Partial),
					Shape: shapeString(t.Partial.Shape()), Rule: "nabla diff"})
				shares = append(shares, cat(sigma(sum.Over), partial))
				continue
			}
			through := wrtLabel(indexed.Wrt{Name: t.Through.Family, Idx: t.Through.Idx})
			delta, kept := deltaLabel(t.Deltas)
			identity := Label{}
			if !d.X.Shape().IsScalar() {
				identity = Label{" I", " I"}
			}
			formulas = append(formulas, Label{"∂" + through.Text + "/∂" + x.wrt.Text + " = " + orOne(delta.Text) + identity.Text,
				`\frac{\partial ` + through.LaTeX + `}{\partial ` + x.wrt.LaTeX + `} = ` + orOne(delta.LaTeX) + identity.LaTeX})
			uses = append(uses, Use{Name: Label{"∂/∂" + through.Text + " " + body.Text,
				`\frac{\partial}{\partial ` + through.LaTeX + `} ` + body.LaTeX}, Of: x.show(sum.Body), Deriv: x.show(t.Partial),
				Shape: shapeString(t.Partial.Shape()), Rule: "nabla diff"})
			shares = append(shares, cat(sigma(sum.Over), delta, partial))
			if len(t.Out) > 0 {
				outs = append(outs, Label{kept.Text + ": only the term " + termText(t.Deltas, t.Out) + " is non-zero",
					kept.LaTeX + `\colon \text{ only the term } ` + termTeX(t.Deltas, t.Out) + ` \text{ is non-zero}`})
			}
		}
		shape := shapeString(p.Result.Shape())
		if len(formulas) == 0 {
			done = append(done, x.add(DerivationStep{Rule: "differentiate the summand", Uses: uses, Left: left,
				Gives: x.show(p.Result), Shape: shape}))
			continue
		}
		step := x.add(DerivationStep{Rule: "differentiate", Formula: join(formulas, Label{", ", `,\ `}), Uses: uses, Left: left,
			Gives: shown(join(shares, Label{" + ", " + "}).Text, join(shares, Label{" + ", " + "}).LaTeX)})
		if len(outs) > 0 {
			step = x.add(DerivationStep{Rule: "sum out", Note: join(outs, Label{"; ", `;\ `}), Left: left,
				Gives: x.show(p.Result), Shape: shape})
		}
		done = append(done, step)
	}
	if whole {
		return
	}
	x.collect(done)
}

// collect writes the step that puts the sums' derivatives together: the
// sum rule, or the chain rule where f is not a sum of them.
func (x *sumExplainer) collect(done []int) {
	d, f := x.d, x.f.x
	chain := false
	for _, p := range d.Parts {
		chain = chain || !p.Outer.IsConst()
	}
	var uses []Use
	var lets []Binding
	for i, p := range d.Parts {
		name := Label{fmt.Sprintf("s%d", i+1), fmt.Sprintf("s_{%d}", i+1)}
		if len(d.Parts) == 1 {
			name = Label{"s", "s"}
		}
		if chain {
			lets = append(lets, Binding{Name: name, Expr: x.show(p.Sum)})
			uses = append(uses, Use{Name: Label{"∂f/∂" + name.Text, `\frac{\partial f}{\partial ` + name.LaTeX + `}`},
				Of: x.f.expr(), Deriv: x.show(p.Outer), Rule: "nabla diff"})
			uses = append(uses, Use{Name: Label{"∂" + name.Text + "/∂" + x.wrt.Text, `\frac{\partial ` + name.LaTeX + `}{\partial ` + x.wrt.LaTeX + `}`},
				Of: x.show(p.Sum), Deriv: x.show(p.Result), Shape: shapeString(p.Result.Shape()), Step: done[i]})
			continue
		}
		uses = append(uses, Use{Name: cat(x.op(), x.grouped(p.Sum)), Of: x.show(p.Sum), Deriv: x.show(p.Result),
			Shape: shapeString(p.Result.Shape()), Step: done[i]})
	}
	if d.Direct != nil {
		rest := Label{"f with its sums held fixed", `f \text{ with its sums held fixed}`}
		of := x.f.expr()
		var ts []*expr.Node
		for _, t := range addTerms(f.Top) {
			if len(f.Sums(t)) == 0 {
				ts = append(ts, t)
			}
		}
		if !chain && len(ts) > 0 {
			rest = x.grouped(expr.Add(ts...))
			of = x.show(expr.Add(ts...))
		}
		uses = append(uses, Use{Name: cat(x.op(), rest), Of: of, Deriv: x.show(d.Direct),
			Shape: shapeString(d.Direct.Shape()), Rule: "nabla diff"})
	}
	s := DerivationStep{Rule: "sum rule", Formula: Label{"(f + g)′ = f′ + g′", "(f + g)' = f' + g'"}, Uses: uses,
		Left: x.partial("f"), Gives: x.show(d.Result.Top), Shape: shapeString(d.Result.Shape())}
	if chain {
		s.Rule, s.Let = "chain rule", lets
		s.Formula = Label{"∂f/∂w = Σ_s ∂f/∂s · ∂s/∂w", `\frac{\partial f}{\partial w} = \sum_s \frac{\partial f}{\partial s} \cdot \frac{\partial s}{\partial w}`}
		if d.Direct != nil {
			s.Formula.Text += " + ∂f/∂w with the sums held fixed"
			s.Formula.LaTeX += ` + \left.\frac{\partial f}{\partial w}\right|_{s}`
		}
	}
	x.add(s)
}

// addTerms returns the terms of n, a sum, or n itself.
func addTerms(n *expr.Node) []*expr.Node {
	if n.Op() == expr.OpAdd {
		return n.Args()
	}
	return []*expr.Node{n}
}

// deltaLabel writes the Kronecker deltas of the pairs that differ, δ_kj,
// and those that a sum collapses; "" where none differs.
func deltaLabel(ds [][2]string) (all, kept Label) {
	var ls []Label
	for _, d := range ds {
		if d[0] != d[1] {
			ls = append(ls, Label{"δ_" + d[0] + d[1], `\delta_{` + texName(d[0]) + texName(d[1]) + `}`})
		}
	}
	all = join(ls, Label{" ", " "})
	if all.Text != "" {
		all.Text += " "
		all.LaTeX += " "
	}
	return all, join(ls, Label{" ", " "})
}

// orOne writes a product of deltas, or 1 for none.
func orOne(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "1"
	}
	return s
}

// termText writes the term a sum keeps: k = j.
func termText(ds [][2]string, out []string) string {
	var parts []string
	for _, d := range ds {
		if slices.Contains(out, d[0]) {
			parts = append(parts, d[0]+" = "+d[1])
		}
	}
	return strings.Join(parts, ", ")
}

// termTeX is termText in LaTeX.
func termTeX(ds [][2]string, out []string) string {
	var parts []string
	for _, d := range ds {
		if slices.Contains(out, d[0]) {
			parts = append(parts, texName(d[0])+" = "+texName(d[1]))
		}
	}
	return strings.Join(parts, ",\\ ")
}

// solve writes the steps of the solution of ∂f/∂w = 0: set to zero (a
// column for a vector w), split into A w + b, rearranged, solved.
func (x *sumExplainer) solve(s *indexed.Solution) {
	w := x.d.X
	note := Label{}
	if !w.Shape().IsScalar() {
		note = words("transposed into a column")
	}
	name := x.name
	if name.IsZero() {
		name = x.partial("f")
	}
	x.add(DerivationStep{Rule: "set to zero", Formula: cat(name, Label{" = 0", " = 0"}), Note: note,
		Left: x.label(s.Eq.Top), Gives: Int(0)})
	a, b := x.letters()
	var lets []Binding
	taken := map[string]bool{}
	for _, l := range s.Parts {
		sub := strings.Join(l.Over, "")
		pa, pb := a, b
		for taken[pa+"_"+sub] {
			pa, pb = pa+"′", pb+"′"
		}
		taken[pa+"_"+sub] = true
		lets = append(lets, Binding{Name: subscripted(pa, sub), Expr: x.show(expr.Mul(l.Coef, l.A))},
			Binding{Name: subscripted(pb, sub), Expr: x.show(expr.Mul(l.Coef, l.B))})
	}
	v := x.wrt
	step := DerivationStep{Rule: "linear", Let: lets, Left: x.label(s.Lin.Top), Gives: Int(0)}
	if i := slices.IndexFunc(s.Parts, func(l indexed.Linear) bool { return l.Sum != nil }); i >= 0 {
		sub := strings.Join(s.Parts[i].Over, "")
		an, bn := subscripted(a, sub), subscripted(b, sub)
		sig := sigma([]string{sub})
		step.Formula = Label{sig.Text + "(" + an.Text + " " + v.Text + " + " + bn.Text + ") = (" + sig.Text + an.Text + ") " + v.Text + " + " + sig.Text + bn.Text,
			sig.LaTeX + `(` + an.LaTeX + ` ` + v.LaTeX + ` + ` + bn.LaTeX + `) = \Big(` + sig.LaTeX + an.LaTeX + `\Big) ` + v.LaTeX + ` + ` + sig.LaTeX + bn.LaTeX}
	} else {
		step.Formula = Label{a + " " + v.Text + " + " + b + ", " + a + " and " + b + " not depending on " + v.Text,
			a + ` ` + v.LaTeX + ` + ` + b + `,\ ` + a + `, ` + b + ` \text{ not depending on } ` + v.LaTeX}
	}
	x.add(step)
	var lhs *expr.Node
	if s.Scaled {
		lhs = expr.Mul(s.A.Top, w)
	} else {
		lhs = expr.MatMul(s.A.Top, w)
	}
	what := b + " to the right"
	if k := s.Scale; !k.IsOne() {
		what += ", both sides divided by " + k.String()
	}
	x.add(DerivationStep{Rule: "rearrange", Note: words(what), Left: x.label(lhs), Gives: x.show(s.B.Top)})
	if s.A.Top.IsNum(1) {
		return // the rearranged equation is the solution
	}
	formula := Label{a + " " + v.Text + " = " + b + " ⇒ " + v.Text + " = " + a + "⁻¹ " + b,
		a + ` ` + v.LaTeX + ` = ` + b + ` \Rightarrow ` + v.LaTeX + ` = ` + a + `^{-1} ` + b}
	if s.Scaled {
		a = x.scalarLetter()
		formula = Label{a + " " + v.Text + " = " + b + " ⇒ " + v.Text + " = " + b + "/" + a,
			a + ` ` + v.LaTeX + ` = ` + b + ` \Rightarrow ` + v.LaTeX + ` = \frac{` + b + `}{` + a + `}`}
	}
	x.add(DerivationStep{Rule: "solve", Formula: formula, Left: x.wrt, Gives: x.show(s.Value.Top),
		Shape: shapeString(w.Shape())})
}

// letters returns the names of the coefficient and the rest of the linear
// equation, A and b unless f uses them, as in x' A x - 2b' x.
func (x *sumExplainer) letters() (a, b string) {
	used := map[string]bool{}
	for _, v := range x.f.Vars() {
		used[v] = true
	}
	pick := func(names ...string) string {
		for _, n := range names {
			if !used[n] {
				return n
			}
		}
		return names[0] + "′"
	}
	if x.d.X.Shape().IsScalar() {
		return pick("a", "α", "c"), pick("b", "β", "d")
	}
	return pick("A", "M", "C", "G"), pick("b", "c", "d", "g")
}

// scalarLetter returns the name of a scalar coefficient, a unless f uses
// it.
func (x *sumExplainer) scalarLetter() string {
	for _, n := range []string{"a", "α", "c"} {
		if !slices.Contains(x.f.Vars(), n) {
			return n
		}
	}
	return "a′"
}

// subscripted writes the name v with the subscript sub (none if empty).
func subscripted(v, sub string) Label {
	tex := strings.ReplaceAll(texName(strings.TrimRight(v, "′")), "′", "") + strings.Repeat("'", strings.Count(v, "′"))
	if sub == "" {
		return Label{v, tex}
	}
	return Label{v + "_" + sub, tex + "_{" + sub + "}"}
}

// SolveSteps works out the derivative of f with respect to the variable
// wrt as DeriveSteps does, then goes on to solve ∂f/∂wrt = 0 for wrt, a
// scalar or vector that the derivative is linear in: the derivative set
// to zero (a column for a vector), split as A wrt + b, and solved, wrt =
// A⁻¹(-b). For the least-squares loss ||y - Φ θ||^2 that is the normal
// equations' θ = (Φᵀ Φ)⁻¹ Φᵀ y. The solution is checked, at a point of
// random data, to make the derivative vanish.
func SolveSteps(f Expr, wrt string, opts *StepsOptions) (*Derivation, error) {
	if f.n == nil {
		return nil, f.Err()
	}
	ctx := context.Background()
	if opts != nil && opts.Context != nil {
		ctx = opts.Context
	}
	der, err := DeriveSteps(f, opts, wrt)
	if err != nil {
		return nil, err
	}
	w, err := indexed.ParseWrt(wrt)
	if err != nil {
		return nil, err
	}
	if w.Idx != nil {
		return nil, fmt.Errorf("--solve solves for a variable, not for the entry %s", wrt)
	}
	fx := indexed.FromGraph(f.n, f.decl)
	d, err := fx.Diff(ctx, w)
	if err != nil {
		return nil, indexedError(err)
	}
	if err := d.Check(); err != nil {
		return nil, err
	}
	s, err := d.Solve(ctx)
	if err != nil {
		return nil, indexedError(err)
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	x := &sumExplainer{f: &Indexed{x: fx}, d: d, scope: s.Scope, wrt: wrtLabel(w), first: lastStep(der), name: der.Name}
	x.solve(s)
	der.Steps = append(der.Steps, x.steps...)
	der.Result = shownExpr(s.Value, s.Value.Top)
	der.Shape = shapeString(d.X.Shape())
	solved := Label{der.Name.Text + " = 0, solved for " + wrt, der.Name.LaTeX + ` = 0 \text{, solved for } ` + x.wrt.LaTeX}
	if der.Title.Text == der.Name.Text {
		der.Title = solved
	} else {
		der.Title = Label{der.Title.Text + "; " + solved.Text, der.Title.LaTeX + `;\ ` + solved.LaTeX}
	}
	der.Name = x.wrt
	return der, nil
}
