package indexed

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/calc"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// Wrt names what a derivative is taken with respect to: a variable (θ),
// or a member of an indexed family whose indices are names (μ[j]).
type Wrt struct {
	Name string   // the variable, or the family
	Idx  []string // the member's indices; nil for a variable
}

// ParseWrt reads a variable, θ, or a member, μ[j] or r[n, k].
func ParseWrt(s string) (Wrt, error) {
	s = strings.TrimSpace(s)
	name, rest, ok := strings.Cut(s, "[")
	name = strings.TrimSpace(name)
	if !ok {
		if !parse.IsName(name) {
			return Wrt{}, fmt.Errorf("cannot differentiate with respect to %q: not a variable name", s)
		}
		return Wrt{Name: name}, nil
	}
	inner, ok := strings.CutSuffix(strings.TrimSpace(rest), "]")
	if !ok || !parse.IsName(name) {
		return Wrt{}, fmt.Errorf("cannot differentiate with respect to %q: write a member as μ[j], or r[n,k]", s)
	}
	var idx []string
	for _, part := range strings.Split(inner, ",") {
		i := strings.TrimSpace(part)
		if !parse.IsIndexName(i) {
			return Wrt{}, fmt.Errorf("cannot differentiate with respect to %s: its indices are names, as in %s[j]; give j a value where the result is evaluated", s, name)
		}
		idx = append(idx, i)
	}
	return Wrt{Name: name, Idx: idx}, nil
}

// String writes w as the syntax does: θ, μ[j].
func (w Wrt) String() string {
	if w.Idx == nil {
		return w.Name
	}
	return parse.RefName(w.Name, w.Idx)
}

// Term is the share of one member, or of the variable, in the derivative
// of a sum: the summand differentiated through μ[k], times δ_kj, summed
// over k.
type Term struct {
	// Through is the member the summand is differentiated through, μ[k];
	// the zero Ref for the variable itself.
	Through Ref
	// Partial is the summand's derivative with respect to Through (or to
	// the variable), in the sum's indices.
	Partial *expr.Node
	// Deltas are the Kronecker deltas ∂μ[k]/∂μ[j] gives, the pairs (k, j).
	Deltas [][2]string
	// Out are the indices the deltas sum out; Over the indices left.
	Out, Over []string
	// Result is the share: Σ over Over of Partial, the indices summed
	// out replaced.
	Result *expr.Node
}

// Part is the derivative of one sum of an expression.
type Part struct {
	Sum *expr.Node // the variable that stands for the sum
	// Outer is the derivative of the expression with respect to the
	// sum: 1 where the expression is the sum.
	Outer  *expr.Node
	Terms  []Term
	Result *expr.Node // the sum's derivative: the Terms' Results added
}

// Derivative is a derivative of an Expr, with the way to it.
type Derivative struct {
	Of  *Expr
	Wrt Wrt
	// X is the variable differentiated with respect to, in the graph: θ,
	// or the member μ[j].
	X     *expr.Node
	Parts []Part
	// Direct is the derivative of f with its sums held fixed: of the
	// terms outside the sums; nil where none depends on Wrt.
	Direct *expr.Node
	Result *Expr
	// Scope has every sum and member of the derivation, to write its
	// parts with TextOf and LaTeXOf.
	Scope *Expr
	// Absent is set when f does not depend on Wrt at all.
	Absent bool
}

// ErrUnsupported marks a question this package refuses, saying why: a
// derivative or a solution it has no rule for, as opposed to a question
// asked wrongly.
var ErrUnsupported = errors.New("not supported")

// unsupportedError is a refusal: errors.Is finds ErrUnsupported behind
// its own message.
type unsupportedError struct{ msg string }

// Error returns the refusal's message.
func (e *unsupportedError) Error() string { return e.msg }

// Is reports whether target is ErrUnsupported.
func (e *unsupportedError) Is(target error) bool { return target == ErrUnsupported }

// refuse returns the refusal with the message of format and args.
func refuse(format string, args ...any) error {
	return &unsupportedError{fmt.Sprintf(format, args...)}
}

// Diff differentiates the scalar e with respect to w. With respect to a
// member μ[j], each member μ[k] of a summand gives ∂μ[k]/∂μ[j] = δ_kj,
// and the sum over k collapses to its term k = j.
func (e *Expr) Diff(ctx context.Context, w Wrt) (*Derivative, error) {
	if s := e.Shape(); !s.IsScalar() {
		return nil, fmt.Errorf("%s is a %s: derivatives of indexed sums are of scalars", e.Text(), s.Describe())
	}
	for _, i := range w.Idx {
		if e.hasVariable(i) {
			return nil, fmt.Errorf("%s is a variable of %s, so it cannot also name an index of %s: name the index apart", i, e.Text(), w)
		}
	}
	x, err := e.variable(w)
	if err != nil {
		return nil, err
	}
	d := &Derivative{Of: e, Wrt: w, X: x}
	out := e.derived(nil)
	var terms []*expr.Node
	if d.Direct, err = out.direct(ctx, e.Top, w, x); err != nil {
		return nil, err
	}
	for _, s := range e.Sums(e.Top) {
		sum := e.sums[s.Name()]
		if !e.dependsOnWrt(sum.Body, w) {
			continue
		}
		part := Part{Sum: s, Outer: expr.Int64(1)}
		if !expr.Equal(s, e.Top) {
			if !s.Shape().IsScalar() {
				return nil, refuse("%s depends on the %s %s, which nabla differentiates only where it is the whole expression",
					e.Text(), s.Shape().Describe(), e.TextOf(s))
			}
			if part.Outer, err = derive(ctx, e.Top, s, e.decl); err != nil {
				return nil, err
			}
		}
		if part.Terms, err = out.sumTerms(ctx, sum, w, x); err != nil {
			return nil, err
		}
		results := make([]*expr.Node, len(part.Terms))
		for i, t := range part.Terms {
			results[i] = t.Result
		}
		part.Result = expr.Add(results...)
		if len(results) == 0 {
			part.Result = expr.Zero(gradShape(x.Shape()))
		}
		d.Parts = append(d.Parts, part)
		terms = append(terms, expr.Mul(part.Outer, part.Result))
	}
	if d.Direct != nil {
		terms = append(terms, d.Direct)
	}
	res := expr.Add(terms...)
	if len(terms) == 0 {
		res = expr.Zero(gradShape(x.Shape()))
		d.Absent = !e.dependsOnWrt(e.Top, w)
	}
	for _, i := range w.Idx {
		if _, ok := out.free[i]; !ok {
			out.free[i] = e.wrtRange(w, i)
		}
	}
	out.Top = res
	d.Result = out.pruned()
	maps.Copy(out.sums, e.sums)
	maps.Copy(out.refs, e.refs)
	d.Scope = out
	return d, nil
}

// gradShape is the shape of the derivative of a scalar with respect to a
// variable of shape s: a row for a vector, s itself otherwise.
func gradShape(s expr.Shape) expr.Shape {
	if s.Rank() == 1 {
		return expr.NewShape(expr.Dim{N: 1}, s.Dim(0))
	}
	return s
}

// pruned returns e without the sums and members its graph does not
// reach.
func (e *Expr) pruned() *Expr {
	out := e.derived(e.Top)
	out.sums, out.refs = map[string]*Sum{}, map[string]Ref{}
	var walk func(n *expr.Node)
	walk = func(n *expr.Node) {
		for _, v := range expr.Vars(n) {
			if s := e.SumVar(v); s != nil {
				if _, done := out.sums[v.Name()]; !done {
					out.sums[v.Name()] = s
					walk(s.Body)
				}
			} else if r, ok := e.RefVar(v); ok {
				out.refs[v.Name()] = r
			}
		}
	}
	walk(e.Top)
	return out
}

// variable returns the variable of the graph that w names, after
// checking that e can be differentiated with respect to it.
func (e *Expr) variable(w Wrt) (*expr.Node, error) {
	if w.Idx == nil {
		for _, r := range e.refs {
			if r.Family == w.Name && e.uses(r.Name()) {
				return nil, refuse("%s appears by its members, as %s: differentiate with respect to one of them, named by a free index, as %s",
					w.Name, r.Name(), parse.RefName(w.Name, freshIndices(e, len(r.Idx))))
			}
		}
		if x := e.find(w.Name); x != nil {
			return x, nil
		}
		if s, ok := e.decl[w.Name]; ok {
			return expr.NewSym(w.Name, s), nil
		}
		return expr.NewSym(w.Name, expr.Scalar), nil
	}
	s, ok := e.decl[w.Name]
	if !ok || s.IsScalar() {
		return nil, fmt.Errorf("cannot differentiate with respect to %s: %s is not a declared vector or matrix", w, w.Name)
	}
	member := expr.Scalar
	switch {
	case s.Rank() == 2 && len(w.Idx) == 1:
		member = expr.NewShape(s.Dim(1))
	case s.Rank() == 1 && len(w.Idx) == 1, s.Rank() == 2 && len(w.Idx) == 2:
	default:
		return nil, fmt.Errorf("cannot differentiate with respect to %s: %s is a %s, whose members are %s", w, w.Name, s.Describe(),
			map[int]string{1: w.Name + "[j]", 2: w.Name + "[j] (a row) and " + w.Name + "[i,j]"}[s.Rank()])
	}
	if e.symmet[w.Name] {
		return nil, refuse("%s is symmetric, so its entries are not independent: ∂%s/∂%s is not a Kronecker delta", w.Name, e.anyRef(w.Name), w)
	}
	for _, i := range w.Idx {
		for _, sum := range e.reachable() {
			if slices.Contains(sum.Over, i) {
				return nil, refuse("%s is an index of a sum in %s: name the member with another index, as %s", i, e.Text(),
					parse.RefName(w.Name, freshIndices(e, len(w.Idx))))
			}
		}
	}
	if e.find(w.Name) != nil {
		return nil, refuse("%s appears whole and by its members: nabla differentiates with respect to %s only where %s appears by members", w.Name, w, w.Name)
	}
	for _, r := range e.refs {
		if r.Family == w.Name && len(r.Idx) != len(w.Idx) && e.uses(r.Name()) {
			return nil, refuse("%s appears as %s and as %s: a row and an entry of one matrix are not differentiated together", w.Name, r.Name(), w)
		}
	}
	for p, i := range w.Idx {
		if d, ok := e.free[i]; ok && d != s.Dim(p) && e.usesIndex(i) {
			return nil, refuse("the free index %s runs over 1…%s in %s, but over 1…%s in %s", i, dimText(d), e.Text(), dimText(s.Dim(p)), w)
		}
	}
	return expr.NewSym(w.String(), member), nil
}

// wrtRange is the range of the index i of the member w: the size of the
// family's dimension it indexes.
func (e *Expr) wrtRange(w Wrt, i string) expr.Dim {
	return e.decl[w.Name].Dim(slices.Index(w.Idx, i))
}

// anyRef names a member of the family, for messages: the first one e
// uses, else family[i].
func (e *Expr) anyRef(family string) string {
	for _, name := range expr.SortedNames(e.refs) {
		if e.refs[name].Family == family && e.uses(name) {
			return name
		}
	}
	return family + "[i]"
}

// freshIndices returns k index names that e does not use, for messages.
func freshIndices(e *Expr, k int) []string {
	var out []string
	for _, c := range []string{"j", "l", "m", "p", "q", "s", "t"} {
		if _, ok := e.Range(c); !ok && len(out) < k {
			out = append(out, c)
		}
	}
	return out
}

// reachable returns the sums that e's graph reaches.
func (e *Expr) reachable() []*Sum {
	var out []*Sum
	for _, v := range e.Sums(e.Top) {
		out = append(out, e.sums[v.Name()])
	}
	return out
}

// graphs returns Top and the summands of its sums.
func (e *Expr) graphs() []*expr.Node {
	out := []*expr.Node{e.Top}
	for _, s := range e.reachable() {
		out = append(out, s.Body)
	}
	return out
}

// find returns the variable named name in e's graphs, or nil.
func (e *Expr) find(name string) *expr.Node {
	for _, g := range e.graphs() {
		if x := expr.Find(g, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == name }); x != nil {
			return x
		}
	}
	return nil
}

// uses reports whether e's graphs have the variable name.
func (e *Expr) uses(name string) bool { return e.find(name) != nil }

// usesIndex reports whether a member in e's graphs has the index i.
func (e *Expr) usesIndex(i string) bool {
	for _, g := range e.graphs() {
		if e.dependsOnIndex(g, []string{i}) {
			return true
		}
	}
	return false
}

// dependsOnWrt reports whether n depends on w: has the variable, or a
// member of the family.
func (e *Expr) dependsOnWrt(n *expr.Node, w Wrt) bool {
	return expr.Find(n, func(m *expr.Node) bool {
		if m.Op() != expr.OpSym {
			return false
		}
		if s := e.SumVar(m); s != nil {
			return e.dependsOnWrt(s.Body, w)
		}
		if r, ok := e.refs[m.Name()]; ok {
			return w.Idx != nil && r.Family == w.Name
		}
		return w.Idx == nil && m.Name() == w.Name
	}) != nil
}

// direct differentiates top with its sums held fixed.
func (e *Expr) direct(ctx context.Context, top *expr.Node, w Wrt, x *expr.Node) (*expr.Node, error) {
	if w.Idx == nil {
		if !expr.DependsOn(top, x) {
			return nil, nil
		}
		return derive(ctx, top, x, e.decl)
	}
	var terms []*expr.Node
	for _, v := range expr.Vars(top) {
		r, ok := e.RefVar(v)
		if !ok || r.Family != w.Name {
			continue
		}
		if !slices.Equal(r.Idx, w.Idx) {
			return nil, refuse("∂%s/∂%s = %s, whose indices are free: no sum collapses it", r.Name(), w, deltas(r.Idx, w.Idx))
		}
		t, err := derive(ctx, top, v, e.decl)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		return nil, nil
	}
	return expr.Add(terms...), nil
}

// deltas writes the Kronecker deltas of the indices a and b: δ_kj.
func deltas(a, b []string) string {
	var out []string
	for i := range a {
		if a[i] != b[i] {
			out = append(out, "δ_"+a[i]+b[i])
		}
	}
	return strings.Join(out, " ")
}

// sumTerms differentiates the sum s with respect to w under the sum sign:
// the summand through each member of w's family, or with respect to the
// variable.
func (e *Expr) sumTerms(ctx context.Context, s *Sum, w Wrt, x *expr.Node) ([]Term, error) {
	if w.Idx == nil {
		p, err := derive(ctx, s.Body, x, e.decl)
		if err != nil {
			return nil, err
		}
		r, err := e.SumOf(s.Over, s.Ranges, p)
		if err != nil {
			return nil, refuse("%v", err)
		}
		return []Term{{Partial: p, Over: s.Over, Result: r}}, nil
	}
	var terms []Term
	for _, v := range expr.Vars(s.Body) {
		ref, ok := e.RefVar(v)
		if !ok || ref.Family != w.Name {
			continue
		}
		p, err := derive(ctx, s.Body, v, e.decl)
		if err != nil {
			return nil, err
		}
		if p.IsZero() || p.IsZeroMatrix() {
			continue
		}
		t := Term{Through: ref, Partial: p}
		mapping := map[string]string{}
		over, ranges := slices.Clone(s.Over), slices.Clone(s.Ranges)
		for i, k := range ref.Idx {
			j := w.Idx[i]
			if m, done := mapping[k]; done {
				if m != j {
					return nil, refuse("∂%s/∂%s = δ_%s%s δ_%s%s: with %s summed out, δ_%s%s is left over free indices", ref.Name(), w, k, w.Idx[slices.Index(ref.Idx, k)], k, j, k, m, j)
				}
				continue
			}
			t.Deltas = append(t.Deltas, [2]string{k, j})
			at := slices.Index(over, k)
			switch {
			case k == j:
			case at >= 0:
				if want := e.wrtRange(w, j); ranges[at] != want {
					return nil, refuse("δ_%s%s: %s runs over 1…%s and %s over 1…%s", k, j, k, dimText(ranges[at]), j, dimText(want))
				}
				mapping[k] = j
				t.Out = append(t.Out, k)
				over = slices.Delete(over, at, at+1)
				ranges = slices.Delete(ranges, at, at+1)
			default:
				return nil, refuse("∂%s/∂%s = δ_%s%s: %s is a free index, so no sum collapses the delta", ref.Name(), w, k, j, k)
			}
		}
		t.Over = over
		body := e.renameIndices(p, mapping)
		r, err := e.SumOf(over, ranges, body)
		if err != nil {
			return nil, refuse("%v", err)
		}
		t.Result = r
		terms = append(terms, t)
	}
	return terms, nil
}

// renameIndices returns n with the indices of its members renamed by m:
// μ[k] is μ[j] for m = {k: j}.
func (e *Expr) renameIndices(n *expr.Node, m map[string]string) *expr.Node {
	if len(m) == 0 {
		return n
	}
	defs := map[string]*expr.Node{}
	for _, v := range expr.Vars(n) {
		r, ok := e.RefVar(v)
		if !ok {
			continue
		}
		idx := slices.Clone(r.Idx)
		changed := false
		for i, k := range idx {
			if j, ok := m[k]; ok {
				idx[i], changed = j, true
			}
		}
		if changed {
			nr := Ref{r.Family, idx}
			e.refs[nr.Name()] = nr
			defs[v.Name()] = expr.NewSym(nr.Name(), v.Shape())
		}
	}
	return expr.Substitute(n, defs)
}

// derive differentiates f with respect to the variable x, which may be a
// member or a sum, by the differentiator of the graph: the derivative in
// matrix form that nabla diff gives.
func derive(ctx context.Context, f, x *expr.Node, decl map[string]expr.Shape) (*expr.Node, error) {
	return deriveKind(ctx, f, x, decl, calc.Auto)
}

// deriveKind is derive of the kind asked: calc.Jacobian for the Jacobian
// of a vector.
func deriveKind(ctx context.Context, f, x *expr.Node, decl map[string]expr.Shape, kind calc.Kind) (*expr.Node, error) {
	// The differentiator takes variables by name, and reads x[n] as an
	// entry: x stands under a name of its own while it works.
	const tmp = "∂#"
	g := expr.Substitute(f, map[string]*expr.Node{x.Name(): expr.NewSym(tmp, x.Shape())})
	d := maps.Clone(decl)
	if d == nil {
		d = map[string]expr.Shape{}
	}
	d[tmp] = x.Shape()
	r, err := calc.Derive(ctx, g, d, []string{tmp}, &calc.Options{Kind: kind})
	if err != nil {
		return nil, err
	}
	if r.Expr == nil {
		return nil, refuse("the derivative of %s with respect to %s has no matrix form", format.Short(f, 1000), x.Name())
	}
	return expr.Substitute(r.Expr, map[string]*expr.Node{tmp: x}), nil
}

// hasVariable reports whether name is a plain variable of e, outside the
// sums or in a summand, as opposed to an index or a member.
func (e *Expr) hasVariable(name string) bool {
	nodes := []*expr.Node{e.Top}
	for _, s := range e.sums {
		nodes = append(nodes, s.Body)
	}
	for _, n := range nodes {
		for _, v := range expr.Vars(n) {
			if v.Name() == name {
				return true
			}
		}
	}
	return false
}
