package nabla

import (
	"errors"
	"fmt"
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
// the differential is a sum of products P dX Q (or P dXᵀ Q) with
// coefficients, which covers the linear and bilinear expressions of the
// notes; otherwise it returns "".
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
	var b strings.Builder
	for i, t := range terms {
		s, err := indexTerm(t, dx, out, in)
		if err != nil {
			return ""
		}
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
	return "∂" + name(f) + sub(out) + "/∂" + x.Name() + sub(in) + " = " + b.String()
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

// indexTerm writes one term k P dX Q of a differential as the entry
// (out) of the derivative with respect to X_(in).
func indexTerm(t, dx *expr.Node, out, in []string) (string, error) {
	k, fs := expr.Factors(t)
	var mats []*expr.Node
	var scalars []*expr.Node
	for _, f := range fs {
		switch {
		case f.Shape().IsScalar():
			scalars = append(scalars, f)
		case f.Op() == expr.OpMatMul:
			mats = append(mats, f.Args()...)
		default:
			mats = append(mats, f)
		}
	}
	var matFactors []*expr.Node
	for _, f := range fs {
		if !f.Shape().IsScalar() {
			matFactors = append(matFactors, f)
		}
	}
	if len(matFactors) > 1 {
		return elementwiseTerm(k, scalars, matFactors, dx, out, in)
	}
	// Find the one factor dX or dXᵀ.
	at, transposed := -1, false
	for i, m := range mats {
		switch {
		case m == dx:
			at = i
		case m.Op() == expr.OpTranspose && m.Arg(0) == dx:
			at, transposed = i, true
		default:
			if dependsOn(m, dx) {
				return "", errNoIndexForm
			}
			continue
		}
	}
	for _, s := range scalars {
		if dependsOn(s, dx) {
			return "", errNoIndexForm
		}
	}
	if at < 0 {
		return "", errNoIndexForm
	}
	// (P E_ab Q)_rc = P_ra Q_bc, with E_ab the unit matrix of dX's entry;
	// a transposed dX swaps a and b.
	a, b := in[0], "1"
	if len(in) == 2 {
		b = in[1]
	}
	if transposed {
		a, b = b, a
	}
	r, c := "1", "1"
	switch len(out) {
	case 1:
		r = out[0]
	case 2:
		r, c = out[0], out[1]
	}
	return joinFactors(k, scalars, entry(mats[:at], r, a), entry(mats[at+1:], b, c)), nil
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
		parts = append(parts, format.Text(s))
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

// elementwiseTerm writes k (dX ⊙ C) as δ_pi δ_qj C_pq.
func elementwiseTerm(k expr.Num, scalars, mats []*expr.Node, dx *expr.Node, out, in []string) (string, error) {
	var rest []*expr.Node
	found := false
	for _, m := range mats {
		switch {
		case m == dx && !found:
			found = true
		case dependsOn(m, dx):
			return "", errNoIndexForm
		default:
			rest = append(rest, m)
		}
	}
	if !found || len(out) != len(in) {
		return "", errNoIndexForm
	}
	var deltas []string
	for i := range out {
		deltas = append(deltas, "δ_"+out[i]+in[i])
	}
	var c string
	idx := strings.Join(out, "")
	switch {
	case len(rest) == 1 && rest[0].Op() == expr.OpSym:
		c = rest[0].Name() + "_" + idx
	default:
		c = "(" + format.Text(expr.Mul(rest...)) + ")_" + idx
	}
	return joinFactors(k, scalars, append(deltas, c)...), nil
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
