package format

import (
	"errors"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/expr"
)

// IndexForm writes the entries of the derivative of f with respect to the
// vector or matrix variable x in index notation, from the differential d
// of f, which is linear in dx: ∂f_i/∂A_pq = δ_ip x_q for f = A x. It
// succeeds when each term of d is built from products P dX Q (or
// P dXᵀ Q), the rules of the operation table (traces and diagonals),
// scalar coefficients and element-wise factors: the linear and bilinear
// expressions of the notes, and element-wise functions of them. Otherwise
// it returns "".
func IndexForm(f, x, d, dx *expr.Node) string {
	out := outIndices(f)
	in := []string{"p", "q"}
	if len(out) == 2 {
		out, in = []string{"p", "q"}, []string{"i", "j"}
	}
	in = in[:x.Shape().Rank()]
	terms := []*expr.Node{d}
	if d.Info().Text.Form == expr.FormSum {
		terms = d.Args()
	}
	w := &indexWriter{dx: dx}
	parts := make([]string, len(terms))
	for i, t := range terms {
		s, err := w.term(t, out, in)
		if err != nil {
			return ""
		}
		parts[i] = s
	}
	return "∂" + indexName(f) + sub(out) + "/∂" + x.Name() + sub(in) + " = " + joinTerms(parts)
}

// indexWriter writes entries of expressions linear in the differential
// dx; it is the expr.IndexWriter that the table's index rules call.
type indexWriter struct {
	dx *expr.Node
}

var errNoIndexForm = errors.New("no index form")

func outIndices(f *expr.Node) []string {
	switch f.Shape().Rank() {
	case 0:
		return nil
	case 1:
		return []string{"i"}
	}
	return []string{"p", "q"}
}

func indexName(f *expr.Node) string {
	if f.Op() == expr.OpSym {
		return f.Name()
	}
	return "f"
}

func sub(idx []string) string {
	if len(idx) == 0 {
		return ""
	}
	return "_" + strings.Join(idx, "")
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
		s = "(" + s + ")"
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
	return joinFactors(k, scalars, parts...), nil
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
		case m == w.dx:
			at = i
		case m.Op() == expr.OpTranspose && m.Arg(0) == w.dx:
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
		return "(" + s + ")"
	}
	return s
}

// isSum reports whether the index expression s is a sum at its top level.
func isSum(s string) bool {
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
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

// joinFactors writes k times the scalars times the index factors.
func joinFactors(k expr.Num, scalars []*expr.Node, factors ...string) string {
	var parts []string
	sign := ""
	switch {
	case k.IsMinusOne():
		sign = "-"
	case !k.IsOne():
		parts = append(parts, k.String())
	}
	for _, s := range scalars {
		switch s.Info().Text.Form {
		case expr.FormSum, expr.FormProduct, expr.FormMatMul, expr.FormPower:
			parts = append(parts, "("+Text(s)+")")
		default:
			parts = append(parts, Text(s))
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
	switch {
	case len(ms) == 0:
		if r == "1" || c == "1" || r == c {
			return ""
		}
		return "δ_" + r + c
	case len(ms) == 1 && ms[0].Op() == expr.OpSym:
		return ms[0].Name() + "_" + idx(r, c)
	case len(ms) == 1 && ms[0].Op() == expr.OpTranspose && ms[0].Arg(0).Op() == expr.OpSym:
		v := ms[0].Arg(0)
		return v.Name() + "_" + idx(c, r)
	}
	return "(" + Text(expr.MatMul(ms...)) + ")_" + idx(r, c)
}
