package format

import (
	"errors"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/expr"
)

// IndexForm writes the entries of the derivative of f with respect to the
// vector or matrix variable x in index notation, from the differential d
// of f, which is linear in dx: ∂f_i/∂A_pq = δ_ip x_q for f = A x, and
// the same in LaTeX, \frac{\partial f_{i}}{\partial A_{pq}} = \delta_{ip}
// x_{q}. It succeeds when each term of d is built from products P dX Q
// (or P dXᵀ Q), the rules of the operation table (traces and diagonals),
// scalar coefficients and element-wise factors: the linear and bilinear
// expressions of the notes, and element-wise functions of them.
// Otherwise it returns "" twice.
func IndexForm(f, x, d, dx *expr.Node) (text, latex string) {
	text = (&indexWriter{dx: dx}).form(f, x, d)
	if text == "" {
		return "", ""
	}
	return text, (&indexWriter{dx: dx, latex: true}).form(f, x, d)
}

// form writes the index form of one style.
func (w *indexWriter) form(f, x, d *expr.Node) string {
	out := outIndices(f)
	in := []string{"p", "q"}
	if len(out) == 2 {
		in = []string{"i", "j"}
	}
	in = in[:x.Shape().Rank()]
	terms := []*expr.Node{d}
	if d.Info().Text.Form == expr.FormSum {
		terms = d.Args()
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		s, err := w.term(t, out, in)
		if err != nil {
			return ""
		}
		parts[i] = s
	}
	fname := "f"
	if f.Op() == expr.OpSym {
		fname = w.name(f)
	}
	if w.latex {
		return `\frac{\partial ` + w.entry(fname, joinIndices(out)) + `}{\partial ` + w.entry(w.name(x), joinIndices(in)) + "} = " + joinTerms(parts)
	}
	return "∂" + w.entry(fname, joinIndices(out)) + "/∂" + w.entry(x.Name(), joinIndices(in)) + " = " + joinTerms(parts)
}

// indexWriter writes entries of expressions linear in the differential
// dx, in text or in LaTeX; it is the expr.IndexWriter that the table's
// index rules call.
type indexWriter struct {
	dx    *expr.Node
	latex bool
}

// name writes the name of a variable, braced in LaTeX when it has a
// subscript or superscript of its own (x_1 is {x_{1}}_{i}).
func (w *indexWriter) name(v *expr.Node) string {
	if !w.latex {
		return v.Name()
	}
	s := LaTeX(v)
	if strings.ContainsAny(s, "_^") {
		s = "{" + s + "}"
	}
	return s
}

// entry writes name with the indices idx, if any: A_pq, A_{pq}.
func (w *indexWriter) entry(name, idx string) string {
	switch {
	case idx == "":
		return name
	case w.latex:
		return name + "_{" + idx + "}"
	}
	return name + "_" + idx
}

// paren parenthesises s.
func (w *indexWriter) paren(s string) string {
	if w.latex {
		return `\left(` + s + `\right)`
	}
	return "(" + s + ")"
}

// expr writes an expression in the writer's style.
func (w *indexWriter) expr(n *expr.Node) string {
	if w.latex {
		return LaTeX(n)
	}
	return Text(n)
}

var errNoIndexForm = errors.New("no index form")

// outIndices names the indices of f's entries: i for a vector, p and q
// for a matrix, "1" for the single row of a row vector (xᵀA) or column.
func outIndices(f *expr.Node) []string {
	switch s := f.Shape(); {
	case s.Rank() == 0:
		return nil
	case s.Rank() == 1:
		return []string{"i"}
	case s.Dim(0).N == 1:
		return []string{"1", "q"}
	case s.Dim(1).N == 1:
		return []string{"p", "1"}
	}
	return []string{"p", "q"}
}

// joinIndices writes indices as a subscript, without the "1" of a single
// row or column.
func joinIndices(idx []string) string {
	var b strings.Builder
	for _, i := range idx {
		if i != "1" {
			b.WriteString(i)
		}
	}
	return b.String()
}

// term writes one term of a differential as the entry (out) of the
// derivative with respect to X_(in). The term is a number times scalars
// times one factor that is linear in dX, times, element-wise, vectors or
// matrices that do not hold dX: cos(A x) ⊙ (dA x) gives
// δ_ip x_q (cos(A x))_i.
func (w *indexWriter) term(t *expr.Node, out, in []string) (string, error) {
	k, fs := expr.Factors(t)
	var scalars, coeffs []*expr.Node
	var dep *expr.Node
	for _, f := range fs {
		switch {
		case expr.DependsOn(f, w.dx) && dep == nil:
			dep = f
		case expr.DependsOn(f, w.dx):
			return "", errNoIndexForm // not linear in dX
		case f.Shape().IsScalar():
			scalars = append(scalars, f)
		default:
			coeffs = append(coeffs, f)
		}
	}
	if dep == nil {
		return "", errNoIndexForm
	}
	depOut := out
	if dep.Shape().IsScalar() {
		depOut = nil
	}
	s, err := w.Entry(dep, depOut, in)
	if err != nil {
		return "", err
	}
	if isSum(s) && (len(coeffs) > 0 || len(scalars) > 0 || !k.IsOne()) {
		s = w.paren(s)
	}
	parts := []string{s}
	if len(coeffs) > 0 {
		c := expr.Mul(coeffs...)
		if c.Shape().Rank() != len(out) {
			return "", errNoIndexForm
		}
		r, col := expr.RowCol(out)
		parts = append(parts, w.Product([]*expr.Node{c}, r, col))
	}
	return w.factors(k, scalars, parts...), nil
}

// Entry writes entry (out) of e, which is linear in dX, differentiated
// with respect to X_(in).
func (w *indexWriter) Entry(e *expr.Node, out, in []string) (string, error) {
	a, b := expr.RowCol(in)
	r, c := expr.RowCol(out)
	switch e.Info().Text.Form {
	case expr.FormProduct:
		return w.term(e, out, in)
	case expr.FormSum:
		var parts []string
		for _, t := range e.Args() {
			s, err := w.term(t, out, in)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return joinTerms(parts), nil
	case expr.FormMatMul:
		// P (S + T) Q = P S Q + P T Q
		for i, m := range e.Args() {
			if m.Info().Text.Form != expr.FormSum || !expr.DependsOn(m, w.dx) {
				continue
			}
			terms := make([]*expr.Node, len(m.Args()))
			for k, t := range m.Args() {
				fs := slices.Clone(e.Args())
				fs[i] = t
				terms[k] = expr.MatMul(fs...)
			}
			return w.Entry(expr.Add(terms...), out, in)
		}
	}
	if rule := e.Info().Index; rule != nil {
		return rule(w, e, out, in)
	}
	// A product P dX Q, or dX itself: (P E_ab Q)_rc = P_ra Q_bc, with E_ab
	// the unit matrix of dX's entry; a transposed dX swaps a and b.
	before, after, transposed, err := w.Split(e)
	if err != nil {
		return "", err
	}
	if transposed {
		a, b = b, a
	}
	return orOne(strings.TrimSpace(w.Product(before, r, a) + " " + w.Product(after, b, c))), nil
}

// Split splits e, a matrix product with one factor dX or dXᵀ, into the
// factors before and after that one.
func (w *indexWriter) Split(e *expr.Node) (before, after []*expr.Node, transposed bool, err error) {
	ms := []*expr.Node{e}
	if e.Info().Text.Form == expr.FormMatMul {
		ms = e.Args()
	}
	at := -1
	for i, m := range ms {
		switch {
		case expr.Equal(m, w.dx):
			at = i
		case m.Op() == expr.OpTranspose && expr.Equal(m.Arg(0), w.dx):
			at, transposed = i, true
		case expr.DependsOn(m, w.dx):
			return nil, nil, false, errNoIndexForm
		}
	}
	if at < 0 {
		return nil, nil, false, errNoIndexForm
	}
	return ms[:at], ms[at+1:], transposed, nil
}

// Group parenthesises s when it is a sum.
func (w *indexWriter) Group(s string) string {
	if isSum(s) {
		return w.paren(s)
	}
	return s
}

// isSum reports whether the index expression s is a sum at its top level.
func isSum(s string) bool {
	depth := 0
	for i, r := range s {
		switch r {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
		case '+', '-':
			if depth == 0 && i > 0 && s[i-1] == ' ' {
				return true
			}
		}
	}
	return false
}

func orOne(s string) string {
	if s == "" {
		return "1"
	}
	return s
}

// joinTerms joins the terms of a sum, with " - " before a negative one.
func joinTerms(terms []string) string {
	var b strings.Builder
	for i, s := range terms {
		switch {
		case i == 0:
		case strings.HasPrefix(s, "-"):
			b.WriteString(" - ")
			s = s[1:]
		default:
			b.WriteString(" + ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// factors writes k times the scalars times the index factors.
func (w *indexWriter) factors(k expr.Num, scalars []*expr.Node, factors ...string) string {
	var parts []string
	sign := ""
	switch {
	case k.IsMinusOne():
		sign = "-"
	case !k.IsOne() && w.latex:
		parts = append(parts, LaTeX(expr.NewConst(k)))
	case !k.IsOne():
		parts = append(parts, k.String())
	}
	for _, s := range scalars {
		switch s.Info().Text.Form {
		case expr.FormSum, expr.FormProduct, expr.FormMatMul, expr.FormPower:
			parts = append(parts, w.paren(w.expr(s)))
		default:
			parts = append(parts, w.expr(s))
		}
	}
	for _, f := range factors {
		if f != "" {
			parts = append(parts, f)
		}
	}
	if len(parts) == 0 {
		parts = []string{"1"}
	}
	return sign + strings.Join(parts, " ")
}

// Product writes entry (r, c) of the product of ms: δ_rc for an empty
// product, M_rc for a matrix, x_r for a vector, (…)_rc otherwise. An index
// "1" is the single row or column of a vector.
func (w *indexWriter) Product(ms []*expr.Node, r, c string) string {
	idx := func(is ...string) string {
		var kept []string
		for _, i := range is {
			if i != "1" {
				kept = append(kept, i)
			}
		}
		return strings.Join(kept, "")
	}
	delta := "δ"
	if w.latex {
		delta = `\delta`
	}
	switch {
	case len(ms) == 0:
		if r == "1" || c == "1" || r == c {
			return ""
		}
		return w.entry(delta, r+c)
	case len(ms) == 1 && ms[0].Op() == expr.OpSym:
		return w.entry(w.name(ms[0]), idx(r, c))
	case len(ms) == 1 && ms[0].Op() == expr.OpTranspose && ms[0].Arg(0).Op() == expr.OpSym:
		return w.entry(w.name(ms[0].Arg(0)), idx(c, r))
	}
	return w.entry(w.paren(w.expr(expr.MatMul(ms...))), idx(r, c))
}
