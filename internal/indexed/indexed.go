// Package indexed is nabla's calculus of indexed sums, the sums of the
// lecture notes' losses over data points and clusters:
//
//	L = Σ_n Σ_k r[n,k] ‖x[n] − μ[k]‖²,  L = Σ_i (y[i] − θᵀ x[i])².
//
// # Representation
//
// An indexed sum binds its indices, which the expression graph, whose
// nodes are shared by structure and know nothing of bound names, cannot
// hold honestly. An Expr is therefore an expression graph, Top, in which
// each sum stands as a variable of the sum's shape, together with the
// sums themselves: each a list of indices and a summand, itself a graph.
// In a summand, each member of an indexed family stands as a variable too,
// named as written (x[n], r[n,k]) and of the member's shape: x[n] is row n
// of the matrix x as a column vector, y[i] entry i of the vector y,
// r[n,k] an entry of the matrix r. An index runs over 1…N, where N is
// the size of what it indexes.
//
// So the graph does the algebra: the summands are differentiated,
// simplified, printed and evaluated by the passes every expression goes
// through, and this package adds what the graph cannot: the indices. It
// differentiates with respect to a member μ[j] by ∂μ[k]/∂μ[j] = δ_kj,
// the sum over k collapsing to its term k = j; solves ∂f/∂w = 0 where the
// derivative is linear in w; and evaluates sums at data, index by index.
package indexed

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// Sum is an indexed sum: Σ over the indices Over, each running over
// 1…Ranges[i], of Body.
type Sum struct {
	Over   []string
	Ranges []expr.Dim
	Body   *expr.Node
}

// Ref is a member of an indexed family: family x with the indices [n].
type Ref struct {
	Family string
	Idx    []string
}

// Name is the name of the variable that stands for the member: x[n].
func (r Ref) Name() string { return parse.RefName(r.Family, r.Idx) }

// Expr is an expression with indexed sums: the graph Top, in which each
// sum stands as a variable, and the sums. Exprs are immutable.
type Expr struct {
	Top    *expr.Node
	sums   map[string]*Sum       // by the name of the variable that stands for it
	refs   map[string]Ref        // the members, by name
	free   map[string]expr.Dim   // the free indices and their ranges
	decl   map[string]expr.Shape // the declared variables, families among them
	symmet map[string]bool       // the symmetric ones
}

// FromParse makes the Expr of top as Parse read it, with the sums s and
// the declared variables decl (resolved) of which symmetric ones are
// marked.
func FromParse(top *expr.Node, s *parse.Sums, decl map[string]expr.Shape, symmetric map[string]bool) *Expr {
	e := &Expr{sums: map[string]*Sum{}, refs: map[string]Ref{}, free: maps.Clone(s.FreeRanges),
		decl: maps.Clone(decl), symmet: maps.Clone(symmetric)}
	if e.free == nil {
		e.free = map[string]expr.Dim{}
	}
	if e.decl == nil {
		e.decl = map[string]expr.Shape{}
	}
	for _, r := range s.Refs {
		e.refs[r.Name] = Ref{r.Family, r.Idx}
	}
	rename := map[string]*expr.Node{}
	for _, p := range s.List {
		rename[p.Name] = e.newSum(p.Over, p.Ranges, p.Body)
	}
	e.Top = expr.Substitute(top, rename)
	return e
}

// FromGraph makes the Expr of n, an expression without indexed sums, with
// the declared variables decl.
func FromGraph(n *expr.Node, decl map[string]expr.Shape) *Expr {
	e := &Expr{Top: n, sums: map[string]*Sum{}, refs: map[string]Ref{}, free: map[string]expr.Dim{},
		decl: maps.Clone(decl), symmet: map[string]bool{}}
	if e.decl == nil {
		e.decl = map[string]expr.Shape{}
	}
	expr.Inspect(n, func(m *expr.Node) bool {
		if m.Op() == expr.OpSym && m.IsSymmetric() {
			e.symmet[m.Name()] = true
		}
		return true
	})
	return e
}

// derived returns an Expr with e's sums, members and declarations and the
// graph top.
func (e *Expr) derived(top *expr.Node) *Expr {
	return &Expr{Top: top, sums: maps.Clone(e.sums), refs: maps.Clone(e.refs), free: maps.Clone(e.free),
		decl: e.decl, symmet: e.symmet}
}

// With returns the expression n, a graph over e's sums and members, as an
// Expr with e's declarations.
func (e *Expr) With(n *expr.Node) *Expr { return e.derived(n) }

// newSum registers the sum over the indices over of body and returns the
// variable that stands for it. The variable is named after the sum's
// structure, so that equal sums are one variable.
func (e *Expr) newSum(over []string, ranges []expr.Dim, body *expr.Node) *expr.Node {
	h := uint64(14695981039346656037)
	for _, i := range over {
		for _, c := range []byte(i) {
			h = (h ^ uint64(c)) * 1099511628211
		}
		h = (h ^ 0xff) * 1099511628211
	}
	h ^= body.Hash()
	for k := 0; ; k++ {
		name := fmt.Sprintf("Σ#%x.%d#", h, k)
		old, ok := e.sums[name]
		if !ok {
			e.sums[name] = &Sum{Over: slices.Clone(over), Ranges: slices.Clone(ranges), Body: body}
			return expr.NewSym(name, body.Shape())
		}
		if slices.Equal(old.Over, over) && expr.Equal(old.Body, body) {
			return expr.NewSym(name, body.Shape())
		}
	}
}

// SumOf returns Σ over the indices over (with ranges ranges) of body, its
// factors that do not depend on those indices taken out of the sum: Σ_n
// 2 r[n,j] μ[j] is 2 μ[j] Σ_n r[n,j]. With no indices it is body. A
// summand that one of the indices does not index is refused: its sum
// counts the terms, N of them, and the language has no name for N.
func (e *Expr) SumOf(over []string, ranges []expr.Dim, body *expr.Node) (*expr.Node, error) {
	if len(over) == 0 || body.IsZero() || body.IsZeroMatrix() {
		return body, nil
	}
	for _, idx := range over {
		if !e.dependsOnIndex(body, []string{idx}) {
			i := slices.Index(over, idx)
			return nil, fmt.Errorf("the sum over %s of %s, whose terms do not depend on %s, is %s times %s: nabla has no name for the number of terms",
				idx, format.Text(body), idx, dimText(ranges[i]), format.Text(body))
		}
	}
	k, factors := expr.Factors(body)
	out := []*expr.Node{expr.NewConst(k)}
	var in []*expr.Node
	for _, f := range factors {
		if e.dependsOnIndex(f, over) {
			in = append(in, f)
		} else {
			out = append(out, f)
		}
	}
	return expr.Mul(append(out, e.newSum(over, ranges, expr.Mul(in...)))...), nil
}

// dimText writes a size: a number or its name.
func dimText(d expr.Dim) string {
	if d.N > 0 {
		return fmt.Sprint(d.N)
	}
	return d.Sym
}

// dependsOnIndex reports whether n has a member indexed by one of over.
func (e *Expr) dependsOnIndex(n *expr.Node, over []string) bool {
	return expr.Find(n, func(m *expr.Node) bool {
		r, ok := e.refs[m.Name()]
		if !ok || m.Op() != expr.OpSym {
			return false
		}
		for _, i := range r.Idx {
			if slices.Contains(over, i) {
				return true
			}
		}
		return false
	}) != nil
}

// SumVar returns the sum that the variable n stands for, or nil.
func (e *Expr) SumVar(n *expr.Node) *Sum {
	if n.Op() != expr.OpSym {
		return nil
	}
	return e.sums[n.Name()]
}

// RefVar returns the member that the variable n stands for.
func (e *Expr) RefVar(n *expr.Node) (Ref, bool) {
	if n.Op() != expr.OpSym {
		return Ref{}, false
	}
	r, ok := e.refs[n.Name()]
	return r, ok
}

// Sums returns the variables of the sums in n, in the graph's order.
func (e *Expr) Sums(n *expr.Node) []*expr.Node {
	var out []*expr.Node
	for _, v := range expr.Vars(n) {
		if e.SumVar(v) != nil {
			out = append(out, v)
		}
	}
	return out
}

// Shape returns the shape of e's value.
func (e *Expr) Shape() expr.Shape { return e.Top.Shape() }

// Decl returns the declared variables.
func (e *Expr) Decl() map[string]expr.Shape { return e.decl }

// Range returns the range 1…N of the index idx, bound by a sum of e or
// free, and whether e has it.
func (e *Expr) Range(idx string) (expr.Dim, bool) {
	if d, ok := e.free[idx]; ok {
		return d, true
	}
	for _, s := range e.sums {
		if i := slices.Index(s.Over, idx); i >= 0 {
			return s.Ranges[i], true
		}
	}
	return expr.Dim{}, false
}

// Free returns the free indices of e's value, in the order of
// expr.CompareNames: those of the
// members in Top and in its sums that no sum binds.
func (e *Expr) Free() []string {
	seen := map[string]bool{}
	var walk func(n *expr.Node, bound []string)
	walk = func(n *expr.Node, bound []string) {
		for _, v := range expr.Vars(n) {
			if s := e.SumVar(v); s != nil {
				walk(s.Body, append(slices.Clone(bound), s.Over...))
				continue
			}
			if r, ok := e.refs[v.Name()]; ok {
				for _, i := range r.Idx {
					if !slices.Contains(bound, i) {
						seen[i] = true
					}
				}
			}
		}
	}
	walk(e.Top, nil)
	return expr.SortedNames(seen)
}

// Vars returns the names of the variables whose values e needs, in the
// order of expr.CompareNames: the families of its members and its other
// variables.
func (e *Expr) Vars() []string {
	seen := map[string]bool{}
	var walk func(n *expr.Node)
	walk = func(n *expr.Node) {
		for _, v := range expr.Vars(n) {
			switch s := e.SumVar(v); {
			case s != nil:
				walk(s.Body)
			case e.isRef(v):
				seen[e.refs[v.Name()].Family] = true
			default:
				seen[v.Name()] = true
			}
		}
	}
	walk(e.Top)
	return expr.SortedNames(seen)
}

func (e *Expr) isRef(n *expr.Node) bool {
	_, ok := e.RefVar(n)
	return ok
}

// Text writes e in nabla's syntax, which reads back to an equal Expr: a
// sum as Σ_n Σ_k summand, in parentheses where something follows it in
// a product.
func (e *Expr) Text() string { return e.TextOf(e.Top) }

// LaTeX writes e as LaTeX: \sum_{n} \sum_{k} r_{nk} \left\|x_{n} - \mu_{k}\right\|^{2}.
func (e *Expr) LaTeX() string { return e.LaTeXOf(e.Top) }

// TextOf writes n, a graph over e's sums and members, as Text does.
func (e *Expr) TextOf(n *expr.Node) string {
	return e.write(n, format.Text, func(s *Sum) string {
		var b strings.Builder
		for _, i := range s.Over {
			b.WriteString("Σ_" + i + " ")
		}
		body := format.Text(s.Body)
		if s.Body.Op() == expr.OpAdd {
			body = "(" + body + ")"
		}
		return b.String() + body
	}, "(", ")", []string{"", ")", "]", ",", " + ", " - "})
}

// LaTeXOf writes n, a graph over e's sums and members, as LaTeX does.
func (e *Expr) LaTeXOf(n *expr.Node) string {
	tex := func(m *expr.Node) string {
		return format.LaTeX(expr.Transform(m, func(x *expr.Node) *expr.Node {
			if r, ok := e.RefVar(x); ok {
				sep := ""
				for _, i := range r.Idx {
					if len([]rune(i)) > 1 {
						sep = ","
					}
				}
				return expr.NewSym(r.Family+"_"+strings.Join(r.Idx, sep), x.Shape())
			}
			return x
		}))
	}
	return e.write(n, tex, func(s *Sum) string {
		var b strings.Builder
		for _, i := range s.Over {
			b.WriteString(`\sum_{` + format.TeXName(i) + `} `)
		}
		body := tex(s.Body)
		if s.Body.Op() == expr.OpAdd {
			body = `\left(` + body + `\right)`
		}
		return b.String() + body
	}, `\left(`, `\right)`, []string{"", "}", " + ", " - ", `\right`, ",", " = "})
}

// write prints n with print, then puts each sum in the place of its
// variable, between open and close unless what follows it begins with
// one of ends (or the sum comes after a power's ^).
func (e *Expr) write(n *expr.Node, print func(*expr.Node) string, sum func(*Sum) string, open, close string, ends []string) string {
	out := print(n)
	for _, v := range e.Sums(n) {
		mark := print(v)
		text := sum(e.sums[v.Name()])
		var b strings.Builder
		for {
			i := strings.Index(out, mark)
			if i < 0 {
				b.WriteString(out)
				break
			}
			before, after := out[:i], out[i+len(mark):]
			bare := !strings.HasSuffix(before, "^") && !strings.HasSuffix(before, "^{")
			if bare {
				bare = slices.ContainsFunc(ends, func(end string) bool {
					return end == "" && after == "" || end != "" && strings.HasPrefix(after, end)
				})
			}
			b.WriteString(before)
			if bare {
				b.WriteString(text)
			} else {
				b.WriteString(open + text + close)
			}
			out = after
		}
		out = b.String()
	}
	return out
}

// String returns the text of e.
func (e *Expr) String() string { return e.Text() }
