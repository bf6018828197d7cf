package nabla

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/simplify"
)

// TensorDerivative is the derivative of a vector or matrix with respect to
// a matrix (or of a matrix with respect to a vector), which has no matrix
// form: d(Ax)/dA is M×(M×N), d(RᵀR)/dR is (N×N)×(M×N). It is given by the
// differential, as in the notes (dK = dRᵀ R + Rᵀ dR), by its entries in
// index notation (∂K_pq/∂R_ij = δ_jp R_iq + R_ip δ_jq), and, at a point,
// by the full numeric tensor.
type TensorDerivative struct {
	Of, Wrt      Expr
	Differential Expr   // df, linear in the differential of Wrt
	Index        string // the entries in index notation
	Shape        string // (codomain)×(domain), e.g. "m×(m×n)"

	dx *expr.Node // the differential symbol
}

// DiffTensor returns the derivative of f with respect to the vector or
// matrix variable wrt as a tensor.
func DiffTensor(f Expr, wrt string) (*TensorDerivative, error) {
	x := f.variable(wrt)
	if x == nil || x.Shape().IsScalar() {
		return nil, fmt.Errorf("%s is not a vector or matrix variable of %s", wrt, f)
	}
	name := "d" + wrt
	for findVar(f.n, name) != nil {
		name += "_" // never the name of a variable of f
	}
	dx := expr.NewSym(name, x.Shape())
	d, err := diff.Diff(f.n, x, &diff.Options{Seed: dx})
	if err != nil {
		return nil, tooLarge(err)
	}
	d = simplify.Simplify(d)
	t := &TensorDerivative{Of: f, Wrt: f.with(x), Differential: f.with(d), dx: dx}
	t.Shape = "(" + f.n.Shape().String() + ")×(" + x.Shape().String() + ")"
	t.Index = indexForm(f.n, x, d, dx)
	return t, nil
}

// Values returns the numeric tensor at the point env: its shape is the
// shape of f followed by the shape of the variable, and entry
// [i…][p…] is ∂f_i…/∂x_p….
func (t *TensorDerivative) Values(env map[string]Tensor) (Tensor, error) {
	xv, ok := env[t.Wrt.n.Name()]
	if !ok {
		return Tensor{}, fmt.Errorf("no value for %s", t.Wrt.n.Name())
	}
	fv, err := t.Of.Value(env)
	if err != nil {
		return Tensor{}, err
	}
	n := len(xv.Data)
	out := Tensor{
		Shape: append(append([]int{}, fv.Shape...), xv.Shape...),
		Data:  make([]float64, len(fv.Data)*n),
	}
	e := make(map[string]Tensor, len(env)+1)
	for name, v := range env {
		e[name] = v
	}
	for k := 0; k < n; k++ {
		unit := Tensor{Shape: xv.Shape, Data: make([]float64, n)}
		unit.Data[k] = 1
		e[t.dx.Name()] = unit
		v, err := t.Differential.Value(e)
		if err != nil {
			return Tensor{}, err
		}
		for i := range fv.Data {
			x := v.Data[0] // a scalar differential (0) acts on every entry
			if len(v.Data) == len(fv.Data) {
				x = v.Data[i]
			}
			out.Data[i*n+k] = x
		}
	}
	return out, nil
}

// indexForm writes the entries of the derivative in index notation when
// each term of the differential is built from products P dX Q (or
// P dXᵀ Q), traces and diagonals of them, scalar coefficients and
// element-wise factors: the linear and bilinear expressions of the notes,
// and element-wise functions of them. Otherwise it returns "".
func indexForm(f, x, d, dx *expr.Node) string {
	out := outIndices(f)
	in := []string{"p", "q"}
	if len(out) == 2 {
		out, in = []string{"p", "q"}, []string{"i", "j"}
	}
	in = in[:x.Shape().Rank()]
	terms := []*expr.Node{d}
	if d.Op() == expr.OpAdd {
		terms = d.Args()
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		s, err := indexTerm(t, dx, out, in)
		if err != nil {
			return ""
		}
		parts[i] = s
	}
	return "∂" + name(f) + sub(out) + "/∂" + x.Name() + sub(in) + " = " + joinTerms(parts)
}

func outIndices(f *expr.Node) []string {
	switch f.Shape().Rank() {
	case 0:
		return nil
	case 1:
		return []string{"i"}
	}
	return []string{"p", "q"}
}

func name(f *expr.Node) string {
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

var errNoIndexForm = errors.New("no index form")

// indexTerm writes one term of a differential as the entry (out) of the
// derivative with respect to X_(in). The term is a number times scalars
// times one factor that is linear in dX, times, element-wise, vectors or
// matrices that do not hold dX: cos(A x) ⊙ (dA x) gives
// δ_ip x_q (cos(A x))_i.
func indexTerm(t, dx *expr.Node, out, in []string) (string, error) {
	k, fs := expr.Factors(t)
	var scalars, coeffs []*expr.Node
	var dep *expr.Node
	for _, f := range fs {
		switch {
		case dependsOn(f, dx) && dep == nil:
			dep = f
		case dependsOn(f, dx):
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
	s, err := linearEntry(dep, dx, depOut, in)
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
		r, col := rowCol(out)
		parts = append(parts, entry([]*expr.Node{c}, r, col))
	}
	return joinFactors(k, scalars, parts...), nil
}

// rowCol gives the row and column indices of an entry: "1" for the single
// row or column of a vector or scalar.
func rowCol(idx []string) (r, c string) {
	r, c = "1", "1"
	switch len(idx) {
	case 1:
		r = idx[0]
	case 2:
		r, c = idx[0], idx[1]
	}
	return r, c
}

// linearEntry writes entry (out) of e, which is linear in dX, differentiated
// with respect to X_(in).
func linearEntry(e, dx *expr.Node, out, in []string) (string, error) {
	a, b := rowCol(in)
	r, c := rowCol(out)
	switch e.Op() {
	case expr.OpMul:
		return indexTerm(e, dx, out, in)
	case expr.OpAdd:
		var parts []string
		for _, t := range e.Args() {
			s, err := indexTerm(t, dx, out, in)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return joinTerms(parts), nil
	case expr.OpDiag:
		if e.Shape().Rank() == 1 {
			// diag(L)_i = L_ii
			return linearEntry(e.Arg(0), dx, []string{out[0], out[0]}, in)
		}
		// diag(v)_pq = δ_pq v_p
		s, err := linearEntry(e.Arg(0), dx, out[:1], in)
		if err != nil {
			return "", err
		}
		if isSum(s) {
			s = "(" + s + ")"
		}
		return strings.TrimSpace(entry(nil, r, c) + " " + s), nil
	case expr.OpTrace:
		// tr(P E_ab Q) = (Q P)_ba
		ms, at, transposed, err := chain(e.Arg(0), dx)
		if err != nil {
			return "", err
		}
		if transposed {
			a, b = b, a
		}
		return orOne(entry(append(slices.Clone(ms[at+1:]), ms[:at]...), b, a)), nil
	}
	if e.Op() == expr.OpMatMul {
		// P (S + T) Q = P S Q + P T Q
		for i, m := range e.Args() {
			if m.Op() != expr.OpAdd || !dependsOn(m, dx) {
				continue
			}
			terms := make([]*expr.Node, len(m.Args()))
			for k, t := range m.Args() {
				fs := slices.Clone(e.Args())
				fs[i] = t
				terms[k] = expr.MatMul(fs...)
			}
			return linearEntry(expr.Add(terms...), dx, out, in)
		}
	}
	// A product P dX Q, or dX itself: (P E_ab Q)_rc = P_ra Q_bc, with E_ab
	// the unit matrix of dX's entry; a transposed dX swaps a and b.
	ms, at, transposed, err := chain(e, dx)
	if err != nil {
		return "", err
	}
	if transposed {
		a, b = b, a
	}
	return orOne(strings.TrimSpace(entry(ms[:at], r, a) + " " + entry(ms[at+1:], b, c))), nil
}

// chain splits e, a matrix product with one factor dX or dXᵀ, into its
// factors and the position of that one.
func chain(e, dx *expr.Node) (ms []*expr.Node, at int, transposed bool, err error) {
	ms = []*expr.Node{e}
	if e.Op() == expr.OpMatMul {
		ms = e.Args()
	}
	at = -1
	for i, m := range ms {
		switch {
		case m == dx:
			at = i
		case m.Op() == expr.OpTranspose && m.Arg(0) == dx:
			at, transposed = i, true
		case dependsOn(m, dx):
			return nil, 0, false, errNoIndexForm
		}
	}
	if at < 0 {
		return nil, 0, false, errNoIndexForm
	}
	return ms, at, transposed, nil
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
		switch s.Op() {
		case expr.OpAdd, expr.OpMul, expr.OpMatMul, expr.OpPow:
			parts = append(parts, "("+format.Text(s)+")")
		default:
			parts = append(parts, format.Text(s))
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

// entry writes entry (r, c) of the product of ms: δ_rc for an empty
// product, M_rc for a matrix, x_r for a vector, (…)_rc otherwise. An index
// "1" is the single row or column of a vector.
func entry(ms []*expr.Node, r, c string) string {
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
	return "(" + format.Text(expr.MatMul(ms...)) + ")_" + idx(r, c)
}

func dependsOn(n, x *expr.Node) bool {
	if n == x {
		return true
	}
	for _, a := range n.Args() {
		if dependsOn(a, x) {
			return true
		}
	}
	return false
}

// NeedsTensor reports whether the derivative of f with respect to wrt has
// no matrix form: a vector or matrix with respect to a matrix, or a matrix
// with respect to a vector.
func NeedsTensor(f Expr, wrt string) bool {
	x := f.variable(wrt)
	if x == nil || x.Shape().IsScalar() || f.n.Shape().IsScalar() {
		return false
	}
	return !(f.n.Shape().Rank() == 1 && x.Shape().Rank() == 1)
}
