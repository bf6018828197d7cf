package nabla

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/simplify"
)

// IndexExpr is an expression in index notation, as the notes write
// vectors and matrices entry by entry: a sum of terms.
type IndexExpr struct {
	Terms []IndexTerm
}

// IndexTerm is one term of an IndexExpr: Coef times the sum over the
// indices Sums of the product of Factors, Σ_j A_ij x_j.
type IndexTerm struct {
	Coef    Expr // a scalar factor without indices; the zero Expr for 1
	Sums    []string
	Factors []IndexFactor
}

// IndexFactor is an entry of a vector or matrix, A_ij, or with no Of a
// Kronecker delta, δ_ip.
type IndexFactor struct {
	Of  Expr
	Sub []string
}

// NoComponentsError reports a form that nabla cannot write in index
// notation: steps in components cover sums of products of vectors and
// matrices and their transposes (A x, aᵀ X b, xᵀ A x, Rᵀ R), their traces
// and ‖x‖²; det, log det, inverses and other scalar functions of a
// vector or matrix are derived by their differentials.
type NoComponentsError struct {
	Form string // the form, as nabla prints it
	Why  string
}

// Error names the form.
func (e *NoComponentsError) Error() string {
	return fmt.Sprintf("no steps in components for %s: %s", e.Form, e.Why)
}

const componentsCover = "index notation covers sums of products of vectors and matrices and their transposes (A x, aᵀ X b, xᵀ A x, Rᵀ R), their traces and ‖x‖², and the differential the forms whose differential is a sum of products P dX Q"

// MatrixSteps works out the derivative of f with respect to the vector or
// matrix variable wrt as the notes do in §5.3–5.5. In components: f
// written entry by entry (f_i = Σ_j A_ij x_j), differentiated with
// Kronecker deltas (∂A_ij/∂A_pq = δ_ip δ_jq), the sums taken out, and the
// entries collected into a matrix (a_p b_q is a bᵀ) or, where there is no
// matrix form, the tensor. For a scalar f, also by the differential:
// d(aᵀ X b) = aᵀ dX b = tr(b aᵀ dX), so ∂f/∂X = (b aᵀ)ᵀ = a bᵀ. A form that
// neither route can take gives a *NoComponentsError naming it.
//
// Every step in index notation is checked against the differentiator at
// a point before it is given.
func MatrixSteps(f Expr, wrt string) (*Derivation, error) { return matrixSteps(f, wrt, "", false) }

// matrixSteps is MatrixSteps with f named fname ("" for its own name, or
// f), in components alone where it can be written so if one is set.
func matrixSteps(f Expr, wrt, fname string, one bool) (*Derivation, error) {
	if err := f.showable(); err != nil {
		return nil, err
	}
	x := findVar(f.n, wrt)
	switch {
	case x == nil:
		return nil, fmt.Errorf("%s does not have the variable %s", f, wrt)
	case x.Shape().IsScalar():
		return nil, fmt.Errorf("%s is a scalar: steps in index notation are for vectors and matrices", wrt)
	case x.IsSymmetric():
		return nil, &NoComponentsError{Form: wrt, Why: "its entries are not independent (it is symmetric), so ∂W_ij/∂W_pq is not δ_ip δ_jq"}
	}
	m, err := newMatrixExplainer(f, x, fname)
	if err != nil {
		return nil, err
	}
	comp, cerr := m.componentsRoute(new(int))
	var dif *Derivation
	derr := errNoComponents
	if !one && f.n.Shape().IsScalar() || cerr != nil {
		dif, derr = m.differentialRoute(new(int))
	}
	d := &Derivation{Of: f, Wrt: []string{wrt}, Result: m.final, Shape: m.shape,
		Title: Label{m.name.Text + " for f = " + f.String() + ", " + wrt + " ∈ ℝ^(" + shapeString(x.Shape()) + ")",
			m.name.LaTeX + ` \text{ for } f = ` + f.LaTeX() + ", " + texName(wrt) + shapeTeX(shapeString(x.Shape()))},
		Name: m.name,
	}
	if m.tensor != nil {
		d.Name, d.Shape = Label{"df", "df"}, ""
	}
	switch {
	case cerr != nil && derr != nil:
		var nc *NoComponentsError
		if errors.As(cerr, &nc) || !errors.As(derr, &nc) || errors.Is(derr, errNoComponents) {
			return nil, cerr
		}
		return nil, derr
	case cerr != nil:
		d.Steps = dif.Steps
	case derr != nil:
		d.Steps = comp.Steps
	default:
		renumber(dif, lastStep(comp))
		d.Parts = []*Derivation{comp, dif}
	}
	return d, nil
}

// shapeString writes a shape as m×n.
func shapeString(s expr.Shape) string {
	dims := make([]string, s.Rank())
	for i := range dims {
		d := s.Dim(i)
		if d.N > 0 {
			dims[i] = fmt.Sprint(d.N)
		} else {
			dims[i] = d.Sym
		}
	}
	return strings.Join(dims, "×")
}

// matrixExplainer works out a derivative with respect to a vector or
// matrix.
type matrixExplainer struct {
	f      Expr
	x      *expr.Node
	out    []string // the indices of f's entries
	in     []string // the indices of x's entries
	free   []string
	pool   []string // the indices left for sums
	fname  string   // f's name: f, or the variable a where clause defines
	name   Label    // ∂f/∂X
	final  Expr     // the derivative in matrix form, or the differential of a tensor
	tensor *TensorDerivative
	shape  string

	env   map[string]Tensor // a point to check the steps at
	sizes map[string]int    // the sizes of the symbolic dimensions there
	value Tensor            // the derivative's entries there, f's indices first
}

func newMatrixExplainer(f Expr, x *expr.Node, fname string) (*matrixExplainer, error) {
	if fname == "" {
		fname = indexName(f)
	}
	m := &matrixExplainer{f: f, x: x, fname: fname}
	switch f.n.Shape().Rank() {
	case 1:
		m.out = []string{"i"}
	case 2:
		m.out = []string{"p", "q"}
	}
	m.in = []string{"p", "q"}
	if len(m.out) == 2 {
		m.in = []string{"i", "j"}
	}
	m.in = m.in[:x.Shape().Rank()]
	m.free = append(slices.Clone(m.out), m.in...)
	for _, i := range []string{"i", "j", "k", "l", "r", "s", "t", "u", "v", "w"} {
		if !slices.Contains(m.free, i) {
			m.pool = append(m.pool, i)
		}
	}
	m.name = partialName(fname, x.Name())
	d, err := Derive(context.Background(), f, []string{x.Name()}, nil)
	if err != nil {
		return nil, err
	}
	if d.Tensor != nil {
		m.tensor = d.Tensor
		m.final = d.Tensor.Differential
		m.shape = "(" + shapeString(f.n.Shape()) + ")×(" + shapeString(x.Shape()) + ")"
	} else {
		m.final = d.Expr
		m.shape = shapeString(d.Expr.n.Shape())
	}
	// The steps are checked at a point where f and its derivative have
	// values: log(aᵀx) has none where aᵀx = 0, logdet(XᵀX) none where X
	// has more columns than rows. A point where they have none is drawn
	// again, and at last with every size equal.
	for k := 0; k < samplePoints; k++ {
		m.env, m.sizes = samplePoint(f.n, k)
		if _, err = f.Value(m.env); err == nil {
			m.value, err = d.Value(m.env)
		}
		var nv *NoValueError
		switch {
		case err == nil:
			return m, nil
		case errors.As(err, &nv):
			return nil, fmt.Errorf("the steps in index notation are checked by their values at a point, and %w", err)
		}
	}
	return nil, err
}

// indexName names f in index notation: its name if it is a variable,
// else f.
func indexName(f Expr) string {
	if f.n.Op() == expr.OpSym {
		return f.n.Name()
	}
	return "f"
}

// entry writes f's entry f_i, or f for a scalar.
func (m *matrixExplainer) entry() Label {
	name := m.fname
	if len(m.out) == 0 {
		return Label{name, texName(name)}
	}
	return Label{name + "_" + strings.Join(m.out, ""), texName(name) + "_{" + strings.Join(m.out, "") + "}"}
}

// partial writes ∂f_i/∂X_pq.
func (m *matrixExplainer) partial() Label {
	f, x := m.entry(), m.x.Name()
	in := strings.Join(m.in, "")
	return Label{"∂" + f.Text + "/∂" + x + "_" + in, `\frac{\partial ` + f.LaTeX + `}{\partial ` + texName(x) + "_{" + in + "}}"}
}

// componentsRoute derives f in index notation.
func (m *matrixExplainer) componentsRoute(n *int) (*Derivation, error) {
	comp, err := m.components()
	if err != nil {
		return nil, err
	}
	if err := m.checkValue(comp); err != nil {
		return nil, err
	}
	d := &Derivation{Of: m.f, Wrt: []string{m.x.Name()}, Title: words("in components"), Name: m.name, Result: m.final, Shape: m.shape}
	step := func(s DerivationStep) {
		*n++
		s.N = *n
		d.Steps = append(d.Steps, s)
	}
	formula := componentRules(m.f.n)
	step(DerivationStep{Rule: "components", Formula: formula, Left: m.entry(), Index: &comp})
	deriv := m.differentiate(comp)
	if err := m.checkDerivative(deriv); err != nil {
		return nil, err
	}
	x := m.x.Name()
	a, b := "i", "j"
	if m.in[0] == "i" {
		a, b = "k", "l"
	}
	var dformula Label
	if len(m.in) == 2 {
		dformula = Label{"∂" + x + "_" + a + b + "/∂" + x + "_" + strings.Join(m.in, "") + " = δ_" + a + m.in[0] + " δ_" + b + m.in[1],
			`\frac{\partial ` + texName(x) + "_{" + a + b + `}}{\partial ` + texName(x) + "_{" + strings.Join(m.in, "") + `}} = \delta_{` + a + m.in[0] + `} \delta_{` + b + m.in[1] + "}"}
	} else {
		dformula = Label{"∂" + x + "_" + a + "/∂" + x + "_" + m.in[0] + " = δ_" + a + m.in[0],
			`\frac{\partial ` + texName(x) + "_{" + a + `}}{\partial ` + texName(x) + "_{" + m.in[0] + `}} = \delta_{` + a + m.in[0] + "}"}
	}
	var note Label
	if occurrences(comp, m.x) > 1 {
		note = words("product rule: one term for each " + x + " in the product")
	}
	step(DerivationStep{Rule: "differentiate", Formula: dformula, Left: m.partial(), Index: &deriv, Note: note})
	summed, subs := m.sumOut(deriv)
	if len(subs) > 0 {
		if err := m.checkDerivative(summed); err != nil {
			return nil, err
		}
		step(DerivationStep{Rule: "sum out", Note: subsNote(subs), Left: m.partial(), Index: &summed})
	}
	if m.tensor != nil {
		step(DerivationStep{Rule: "tensor", Left: Label{"df", "df"}, Gives: m.final,
			Note: words(fmt.Sprintf("no matrix form: %s is the tensor of these entries, of shape %s, given by its differential", m.name.Text, m.shape))})
		return d, nil
	}
	mat, entry := m.collect(summed)
	if mat.n == nil || !m.sameValue(mat) {
		step(DerivationStep{Rule: "collect", Note: words("the matrix of these entries"), Left: m.name, Gives: m.final, Shape: m.shape})
		return d, nil
	}
	step(DerivationStep{Rule: "collect", Note: entry, Left: m.name, Gives: mat, Shape: m.shape})
	if !mat.Equal(m.final) {
		step(DerivationStep{Rule: "simplify", Note: words("the simplifier's identities"), Left: m.name, Gives: m.final, Shape: m.shape})
	}
	return d, nil
}

// componentRules states how the operations f has are written in
// components.
func componentRules(f *expr.Node) Label {
	has := func(op expr.Op) bool { return expr.Find(f, func(n *expr.Node) bool { return n.Op() == op }) != nil }
	var t, l []string
	if has(expr.OpMatMul) {
		t, l = append(t, "(A B)_ij = Σ_k A_ik B_kj"), append(l, `(A B)_{ij} = \sum_{k} A_{ik} B_{kj}`)
	}
	if has(expr.OpTranspose) {
		t, l = append(t, "(Aᵀ)_ij = A_ji"), append(l, `(A^{\top})_{ij} = A_{ji}`)
	}
	if has(expr.OpTrace) {
		t, l = append(t, "tr(A) = Σ_i A_ii"), append(l, `\operatorname{tr}(A) = \sum_{i} A_{ii}`)
	}
	if has(expr.OpNorm) {
		t, l = append(t, "‖x‖² = Σ_i x_i x_i"), append(l, `\lVert x \rVert^{2} = \sum_{i} x_{i} x_{i}`)
	}
	return Label{strings.Join(t, ", "), strings.Join(l, `,\ `)}
}

// subsNote says what the deltas did: δ_ip: i = p.
func subsNote(subs [][3]string) Label {
	var t, l []string
	for i, s := range subs {
		if slices.Contains(subs[:i], s) {
			continue
		}
		t = append(t, "δ_"+s[0]+": "+s[1]+" = "+s[2])
		l = append(l, `\delta_{`+s[0]+`}\colon `+s[1]+" = "+s[2])
	}
	return Label{strings.Join(t, ", "), strings.Join(l, `,\ `)}
}

// occurrences counts the entries of x among the factors of c's terms,
// the most in one term: the product rule gives a term for each in a
// product, and the sum rule the terms of a sum, aᵀx + bᵀx, one by one.
func occurrences(c IndexExpr, x *expr.Node) int {
	most := 0
	for _, t := range c.Terms {
		k := 0
		for _, f := range t.Factors {
			if expr.Equal(f.Of.n, x) {
				k++
			}
		}
		most = max(most, k)
	}
	return most
}

// fresh takes an index for a sum.
func (m *matrixExplainer) fresh(used map[string]bool) (string, error) {
	for _, i := range m.pool {
		if !used[i] {
			used[i] = true
			return i, nil
		}
	}
	return "", &NoComponentsError{Form: m.f.String(), Why: "too many sums"}
}

// components writes f in index notation.
func (m *matrixExplainer) components() (IndexExpr, error) {
	var out IndexExpr
	terms := []*expr.Node{m.f.n}
	if m.f.n.Op() == expr.OpAdd {
		terms = m.f.n.Args()
	}
	for _, t := range terms {
		k, fs := expr.Factors(t)
		coef := []*expr.Node{expr.NewConst(k)}
		term := IndexTerm{}
		used := map[string]bool{}
		chains := 0
		for _, f := range fs {
			if f.Shape().IsScalar() && !expr.DependsOn(f, m.x) && f.Op() != expr.OpMatMul {
				coef = append(coef, f)
				continue
			}
			chain, trace, err := m.chainOf(f)
			if err != nil {
				return IndexExpr{}, err
			}
			r, c := "", ""
			switch {
			case trace:
				s, err := m.fresh(used)
				if err != nil {
					return IndexExpr{}, err
				}
				r, c = s, s
				term.Sums = append(term.Sums, s)
			case !f.Shape().IsScalar():
				chains++
				if len(m.out) > 0 {
					r = m.out[0]
				}
				if len(m.out) > 1 {
					c = m.out[1]
				}
			}
			if err := m.index(chain, r, c, &term, used); err != nil {
				return IndexExpr{}, err
			}
		}
		if want := min(len(m.out), 1); chains != want {
			return IndexExpr{}, &NoComponentsError{Form: format.Short(t, 1000), Why: "an element-wise product; " + componentsCover}
		}
		if c := expr.Mul(coef...); !c.IsNum(1) {
			term.Coef = m.f.with(c)
		}
		out.Terms = append(out.Terms, term)
	}
	return out, nil
}

// chainOf returns f as a product of vectors and matrices and their
// transposes, and whether f is its trace.
func (m *matrixExplainer) chainOf(f *expr.Node) (chain []*expr.Node, trace bool, err error) {
	no := func() ([]*expr.Node, bool, error) {
		return nil, false, &NoComponentsError{Form: format.Short(f, 1000), Why: componentsCover}
	}
	leaf := func(a *expr.Node) bool {
		if a.Op() == expr.OpTranspose {
			a = a.Arg(0)
		}
		return a.Op() == expr.OpSym && a.Shape().Rank() > 0
	}
	switch f.Op() {
	case expr.OpTrace:
		c, _, err := m.chainOf(f.Arg(0))
		return c, true, err
	case expr.OpPow:
		if b, p := f.Arg(0), f.Arg(1); b.Op() == expr.OpNorm && p.IsNum(2) && leaf(b.Arg(0)) && b.Arg(0).Shape().Rank() == 1 {
			return []*expr.Node{expr.Transpose(b.Arg(0)), b.Arg(0)}, false, nil
		}
		return no()
	case expr.OpTranspose:
		if a := f.Arg(0); a.Op() == expr.OpMatMul {
			args := slices.Clone(a.Args())
			slices.Reverse(args)
			for i, x := range args {
				args[i] = expr.Transpose(x)
				if !leaf(args[i]) {
					return no()
				}
			}
			return args, false, nil
		}
	case expr.OpMatMul:
		for _, a := range f.Args() {
			if !leaf(a) {
				return no()
			}
		}
		return f.Args(), false, nil
	}
	if leaf(f) {
		return []*expr.Node{f}, false, nil
	}
	return no()
}

// index writes the product of the chain, entry (r, c) ("" for a side of
// size 1), into term, with a sum over each inner index.
func (m *matrixExplainer) index(chain []*expr.Node, r, c string, term *IndexTerm, used map[string]bool) error {
	cur := r
	for t, f := range chain {
		sym, tr := f, false
		if f.Op() == expr.OpTranspose {
			sym, tr = f.Arg(0), true
		}
		vector := sym.Shape().Rank() == 1
		row := cur
		if vector && tr {
			row = ""
		}
		var col string
		switch {
		case t == len(chain)-1:
			col = c
		case vector && !tr:
			col = ""
		default:
			s, err := m.fresh(used)
			if err != nil {
				return err
			}
			col = s
			term.Sums = append(term.Sums, s)
		}
		var sub []string
		switch {
		case vector && tr:
			sub = []string{col}
		case vector:
			sub = []string{row}
		case tr:
			sub = []string{col, row}
		default:
			sub = []string{row, col}
		}
		if slices.Contains(sub, "") {
			return &NoComponentsError{Form: format.Short(expr.MatMul(chain...), 1000), Why: "an outer product inside a product"}
		}
		term.Factors = append(term.Factors, IndexFactor{Of: m.f.with(sym), Sub: sub})
		cur = col
	}
	return nil
}

// differentiate differentiates c with respect to the entry X_(in): a
// term for each entry of X, which becomes Kronecker deltas.
func (m *matrixExplainer) differentiate(c IndexExpr) IndexExpr {
	var out IndexExpr
	for _, t := range c.Terms {
		for j, f := range t.Factors {
			if !expr.Equal(f.Of.n, m.x) {
				continue
			}
			nt := IndexTerm{Coef: t.Coef, Sums: slices.Clone(t.Sums)}
			nt.Factors = append(nt.Factors, t.Factors[:j]...)
			for k, a := range f.Sub {
				nt.Factors = append(nt.Factors, IndexFactor{Sub: []string{a, m.in[k]}})
			}
			nt.Factors = append(nt.Factors, t.Factors[j+1:]...)
			out.Terms = append(out.Terms, nt)
		}
	}
	return out
}

// sumOut takes the sums over the indices that Kronecker deltas fix, and
// adds terms that have become alike. It returns what each delta set.
func (m *matrixExplainer) sumOut(c IndexExpr) (IndexExpr, [][3]string) {
	var subs [][3]string
	var out IndexExpr
	for _, t := range c.Terms {
		t = IndexTerm{Coef: t.Coef, Sums: slices.Clone(t.Sums), Factors: slices.Clone(t.Factors)}
		for {
			at, from, to := -1, "", ""
			for j, f := range t.Factors {
				if f.Of.n != nil || f.Sub[0] == f.Sub[1] {
					continue
				}
				switch {
				case slices.Contains(t.Sums, f.Sub[0]):
					at, from, to = j, f.Sub[0], f.Sub[1]
				case slices.Contains(t.Sums, f.Sub[1]):
					at, from, to = j, f.Sub[1], f.Sub[0]
				}
				if at >= 0 {
					break
				}
			}
			if at < 0 {
				break
			}
			subs = append(subs, [3]string{strings.Join(t.Factors[at].Sub, ""), from, to})
			t.Factors = slices.Delete(t.Factors, at, at+1)
			t.Sums = slices.DeleteFunc(t.Sums, func(s string) bool { return s == from })
			for j := range t.Factors {
				sub := slices.Clone(t.Factors[j].Sub)
				for k := range sub {
					if sub[k] == from {
						sub[k] = to
					}
				}
				t.Factors[j].Sub = sub
			}
		}
		out.Terms = append(out.Terms, t)
	}
	return m.addLike(out), subs
}

// addLike adds the terms that differ only in their coefficients.
func (m *matrixExplainer) addLike(c IndexExpr) IndexExpr {
	var out IndexExpr
	key := func(t IndexTerm) string {
		body := IndexExpr{Terms: []IndexTerm{{Sums: t.Sums, Factors: t.Factors}}}
		return body.Text()
	}
	for _, t := range c.Terms {
		i := slices.IndexFunc(out.Terms, func(u IndexTerm) bool { return key(u) == key(t) })
		if i < 0 {
			out.Terms = append(out.Terms, t)
			continue
		}
		a, b := expr.Int64(1), expr.Int64(1)
		if out.Terms[i].Coef.n != nil {
			a = out.Terms[i].Coef.n
		}
		if t.Coef.n != nil {
			b = t.Coef.n
		}
		out.Terms[i].Coef = m.f.with(expr.Add(a, b))
	}
	out.Terms = slices.DeleteFunc(out.Terms, func(t IndexTerm) bool { return t.Coef.n != nil && t.Coef.n.IsZero() })
	return out
}

// collect writes the entries as a matrix where their index pattern is a
// product, a transpose, an outer product or the identity; it returns the
// zero Expr where it is not, and the identity of entries it used.
func (m *matrixExplainer) collect(c IndexExpr) (Expr, Label) {
	if len(m.out)+len(m.in) != 2 && !(len(m.out) == 0 && len(m.in) == 1) {
		return Expr{}, Label{}
	}
	var terms []*expr.Node
	for _, t := range c.Terms {
		p, ok := m.matrixOf(t)
		if !ok {
			return Expr{}, Label{}
		}
		terms = append(terms, p)
	}
	if len(terms) == 0 {
		return Expr{}, Label{}
	}
	sum := expr.Add(terms...)
	idx := strings.Join(m.free, "")
	var t, l []string
	for i, term := range c.Terms {
		one := IndexExpr{Terms: []IndexTerm{term}}
		e := Expr{n: terms[i]}
		lhs, lhsTeX := e.String()+"_"+idx, e.LaTeX()+"_{"+idx+"}"
		if len(e.n.Args()) > 0 {
			lhs, lhsTeX = "("+e.String()+")_"+idx, `\left(`+e.LaTeX()+`\right)_{`+idx+"}"
		}
		if rhs := one.Text(); rhs != lhs {
			t, l = append(t, lhs+" = "+rhs), append(l, lhsTeX+" = "+one.LaTeX())
		}
	}
	if len(t) == 0 {
		return m.f.with(sum), words("the matrix of these entries")
	}
	return m.f.with(sum), Label{strings.Join(t, ", "), strings.Join(l, `,\ `)}
}

// matrixOf writes one term as a matrix: for a gradient with respect to a
// vector, the row whose entry p is the term; otherwise the matrix whose
// entry (r, c), r and c the free indices, is the term.
func (m *matrixExplainer) matrixOf(t IndexTerm) (*expr.Node, bool) {
	used := make([]bool, len(t.Factors))
	// walk follows the factors from the index start to a free index or to
	// a vector, multiplying them in order.
	walk := func(start string) ([]*expr.Node, string, bool) {
		var ms []*expr.Node
		cur := start
		for {
			j := -1
			for k, f := range t.Factors {
				if !used[k] && slices.Contains(f.Sub, cur) {
					j = k
					break
				}
			}
			if j < 0 {
				return ms, cur, len(ms) > 0 && cur == start
			}
			used[j] = true
			f := t.Factors[j]
			switch {
			case f.Of.n == nil:
				return nil, "", false // a delta left between free indices
			case len(f.Sub) == 1:
				return append(ms, f.Of.n), "", true
			case f.Sub[0] == cur:
				ms, cur = append(ms, f.Of.n), f.Sub[1]
			default:
				ms, cur = append(ms, expr.Transpose(f.Of.n)), f.Sub[0]
			}
			if slices.Contains(m.free, cur) {
				return ms, cur, true
			}
		}
	}
	var main *expr.Node
	r, c := "", ""
	switch {
	case len(m.out) == 0 && len(m.in) == 1:
		r = m.in[0]
	default:
		r, c = m.free[0], m.free[1]
	}
	if j := slices.IndexFunc(t.Factors, func(f IndexFactor) bool { return f.Of.n == nil }); j >= 0 {
		f := t.Factors[j]
		if len(t.Factors) > 1 || c == "" || !(f.Sub[0] == r && f.Sub[1] == c) {
			return nil, false
		}
		used[j] = true
		rows, _ := expr.RowsCols(m.x.Shape())
		if len(m.out) == 1 {
			rows, _ = expr.RowsCols(m.f.n.Shape())
		}
		main = expr.Identity(rows)
	} else {
		ms, end, ok := walk(r)
		if !ok {
			return nil, false
		}
		switch {
		case c == "" && end == "":
			main = expr.Transpose(expr.MatMul(ms...))
		case c != "" && end == c:
			main = expr.MatMul(ms...)
		case c != "" && end == "":
			ns, end2, ok := walk(c)
			if !ok || end2 != "" {
				return nil, false
			}
			main = expr.MatMul(expr.MatMul(ms...), expr.Transpose(expr.MatMul(ns...)))
		default:
			return nil, false
		}
	}
	factors := []*expr.Node{main}
	if t.Coef.n != nil {
		factors = append(factors, t.Coef.n)
	}
	// What is left closes up: a path between two vectors is a scalar vᵀ…w,
	// a cycle a trace.
	for k := range t.Factors {
		if used[k] {
			continue
		}
		f := t.Factors[k]
		used[k] = true
		if f.Of.n == nil {
			return nil, false
		}
		if len(f.Sub) == 1 {
			ms, end, ok := walk(f.Sub[0])
			if !ok || end != "" {
				return nil, false
			}
			factors = append(factors, expr.MatMul(append([]*expr.Node{expr.Transpose(f.Of.n)}, ms...)...))
			continue
		}
		ms, _, ok := walk(f.Sub[1])
		if !ok {
			return nil, false
		}
		factors = append(factors, expr.Trace(expr.MatMul(append([]*expr.Node{f.Of.n}, ms...)...)))
	}
	return expr.Mul(factors...), true
}

// differentialRoute derives f by its differential, from the rules of the
// operation table. For a scalar f, df is written as tr(G dX) and read off
// as ∂f/∂X = Gᵀ (for a vector, df = g dx gives ∂f/∂x = g); for a vector or
// matrix f, each term P dX Q of df gives the entries P_ri Q_jc of the
// derivative.
func (m *matrixExplainer) differentialRoute(n *int) (*Derivation, error) {
	x := m.x
	name := "d" + x.Name()
	for findVar(m.f.n, name) != nil {
		name += "_"
	}
	dx := expr.NewSym(name, x.Shape())
	raw, err := diff.Diff(m.f.n, x, &diff.Options{Seed: dx})
	if err != nil {
		return nil, err
	}
	df := simplify.Simplify(raw)
	terms := []*expr.Node{df}
	if df.Op() == expr.OpAdd {
		terms = df.Args()
	}
	d := &Derivation{Of: m.f, Wrt: []string{x.Name()}, Title: words("by the differential"), Name: m.name, Result: m.final, Shape: m.shape}
	step := func(s DerivationStep) {
		*n++
		s.N = *n
		d.Steps = append(d.Steps, s)
	}
	dl := Label{"df", "df"}
	first := DerivationStep{Rule: "differential", Formula: differentialRules(m.f.n), Left: dl, Gives: m.f.with(df)}
	if !m.f.n.Shape().IsScalar() {
		var entries IndexExpr
		for _, t := range terms {
			term, ok := m.entryOf(t, dx)
			if !ok {
				return nil, &NoComponentsError{Form: format.Short(t, 1000), Why: "its differential is not a sum of products P d" + x.Name() + " Q"}
			}
			entries.Terms = append(entries.Terms, term)
		}
		if err := m.checkDerivative(entries); err != nil {
			return nil, err
		}
		step(first)
		step(DerivationStep{Rule: "entries", Formula: Label{"(P dX Q)_rc = Σ_a Σ_b P_ra dX_ab Q_bc", `(P\, dX\, Q)_{rc} = \sum_{a} \sum_{b} P_{ra}\, dX_{ab}\, Q_{bc}`},
			Left: m.partial(), Index: &entries})
		if m.tensor != nil {
			step(DerivationStep{Rule: "tensor", Left: dl, Gives: m.final,
				Note: words(fmt.Sprintf("no matrix form: %s is the tensor of these entries, of shape %s, given by its differential", m.name.Text, m.shape))})
		} else {
			step(DerivationStep{Rule: "collect", Note: words("the matrix of these entries"), Left: m.name, Gives: m.final, Shape: m.shape})
		}
		return d, nil
	}
	vector := x.Shape().Rank() == 1
	gs, traces, how, err := m.traceForms(terms, dx, vector)
	if err != nil {
		// tr(inv(XᵀX) (Xᵀ dX + dXᵀ X)), the differential of
		// logdet(XᵀX), is a sum of traces once its products are
		// multiplied out over the sums that hold dX.
		distributed := distribute(df, dx)
		if expr.Equal(distributed, df) {
			return nil, err
		}
		terms = []*expr.Node{distributed}
		if distributed.Op() == expr.OpAdd {
			terms = distributed.Args()
		}
		if gs, traces, how, err = m.traceForms(terms, dx, vector); err != nil {
			return nil, err
		}
		how.distribute = true
	}
	g := expr.Add(gs...)
	grad := g
	if !vector {
		grad = expr.Transpose(g)
	}
	if !m.sameValue(m.f.with(grad)) {
		return nil, &NoComponentsError{Form: m.f.String(), Why: "its differential does not read off as a gradient"}
	}
	step(first)
	if trace := expr.Add(traces...); !expr.Equal(trace, df) {
		step(DerivationStep{Rule: "trace", Note: how.note(), Left: dl, Gives: m.f.with(trace)})
	}
	xn := x.Name()
	read := Label{"df = tr(G d" + xn + ") ⇒ ∂f/∂" + xn + " = Gᵀ", `df = \operatorname{tr}(G\, d` + texName(xn) + `) \Rightarrow \frac{\partial f}{\partial ` + texName(xn) + `} = G^{\top}`}
	gname := Label{"G", "G"}
	if vector {
		read = Label{"df = g d" + xn + " ⇒ ∂f/∂" + xn + " = g", `df = g\, d` + texName(xn) + ` \Rightarrow \frac{\partial f}{\partial ` + texName(xn) + `} = g`}
		gname = Label{"g", "g"}
	}
	step(DerivationStep{Rule: "read off", Formula: read, Let: []Binding{{gname, m.f.with(g)}}, Left: m.name, Gives: m.f.with(grad), Shape: m.shape})
	if !expr.Equal(grad, m.final.n) {
		step(DerivationStep{Rule: "simplify", Note: words("the simplifier's identities"), Left: m.name, Gives: m.final, Shape: m.shape})
	}
	return d, nil
}

// traceForms writes each term of a differential as tr(G dX), or g dx
// for a vector, with what that took (see traceForm).
func (m *matrixExplainer) traceForms(terms []*expr.Node, dx *expr.Node, vector bool) (gs, traces []*expr.Node, how traceHow, err error) {
	for _, t := range terms {
		g, tr, ok := m.traceForm(t, dx, vector, &how)
		if !ok {
			return nil, nil, how, &NoComponentsError{Form: format.Short(t, 1000), Why: "its differential is not a sum of products P d" + m.x.Name() + " Q, traces and sums of them"}
		}
		gs, traces = append(gs, g), append(traces, tr)
	}
	return gs, traces, how, nil
}

// traceHow records what writing a differential as tr(G dX) took.
type traceHow struct {
	distribute, sum, ones, transpose, trace, cycle bool
}

// note says it in words.
func (h traceHow) note() Label {
	var parts []string
	if h.distribute {
		parts = append(parts, "products multiplied out over sums")
	}
	if h.sum {
		parts = append(parts, "sum(u .* v) = tr(uᵀ v)")
	}
	if h.ones {
		parts = append(parts, "sum(v) = tr(onesᵀ v)")
	}
	if h.trace {
		parts = append(parts, "a scalar is its own trace")
	}
	if h.transpose {
		parts = append(parts, "a scalar is its own transpose")
	}
	if h.cycle {
		parts = append(parts, "tr(A B) = tr(B A)")
	}
	return words(strings.Join(parts, ", "))
}

// entryOf writes one term of the differential of a vector or matrix, a
// product P dX Q with scalar factors, as the entries of the derivative:
// ∂(P dX Q)_rc/∂X_ij = P_ri Q_jc.
func (m *matrixExplainer) entryOf(t, dx *expr.Node) (IndexTerm, bool) {
	if m.x.Shape().Rank() != 2 {
		return IndexTerm{}, false
	}
	k, fs := expr.Factors(t)
	scalars := []*expr.Node{expr.NewConst(k)}
	var lin *expr.Node
	for _, f := range fs {
		switch {
		case expr.DependsOn(f, dx) && lin == nil:
			lin = f
		case expr.DependsOn(f, dx) || !f.Shape().IsScalar():
			return IndexTerm{}, false
		default:
			scalars = append(scalars, f)
		}
	}
	if lin == nil {
		return IndexTerm{}, false
	}
	before, after, transposed, ok := splitAt(lin, dx)
	if !ok {
		return IndexTerm{}, false
	}
	r, c := m.out[0], ""
	if len(m.out) > 1 {
		c = m.out[1]
	}
	a, b := m.in[0], m.in[1]
	if transposed {
		a, b = b, a
	}
	term := IndexTerm{}
	if s := expr.Mul(scalars...); !s.IsNum(1) {
		term.Coef = m.f.with(s)
	}
	// P_ra, or δ_ra for no P.
	switch {
	case len(before) == 0:
		term.Factors = append(term.Factors, IndexFactor{Sub: []string{r, a}})
	default:
		term.Factors = append(term.Factors, m.factor(before, r, a))
	}
	switch {
	case len(after) == 0 && c != "":
		term.Factors = append(term.Factors, IndexFactor{Sub: []string{b, c}})
	case len(after) == 0:
		return IndexTerm{}, false
	default:
		term.Factors = append(term.Factors, m.factor(after, b, c))
	}
	return term, true
}

// factor writes the entry (r, c) of the product ms, c "" for a column.
func (m *matrixExplainer) factor(ms []*expr.Node, r, c string) IndexFactor {
	p := expr.MatMul(ms...)
	if c == "" {
		return IndexFactor{Of: m.f.with(p), Sub: []string{r}}
	}
	if p.Op() == expr.OpTranspose && p.Arg(0).Op() == expr.OpSym {
		return IndexFactor{Of: m.f.with(p.Arg(0)), Sub: []string{c, r}}
	}
	return IndexFactor{Of: m.f.with(p), Sub: []string{r, c}}
}

// splitAt splits the matrix product e around its one factor dx or dxᵀ.
func splitAt(e, dx *expr.Node) (before, after []*expr.Node, transposed, ok bool) {
	ms := []*expr.Node{e}
	if e.Op() == expr.OpMatMul {
		ms = e.Args()
	}
	at := -1
	for i, x := range ms {
		switch {
		case expr.Equal(x, dx):
			at = i
		case x.Op() == expr.OpTranspose && expr.Equal(x.Arg(0), dx):
			at, transposed = i, true
		case expr.DependsOn(x, dx):
			return nil, nil, false, false
		}
	}
	if at < 0 {
		return nil, nil, false, false
	}
	return slices.Clone(ms[:at]), slices.Clone(ms[at+1:]), transposed, true
}

// traceForm writes one term of a differential as tr(G dX): it returns G
// and the term written with the trace. For a vector x it returns the row
// g with the term g dx.
func (m *matrixExplainer) traceForm(t, dx *expr.Node, vector bool, how *traceHow) (g, tr *expr.Node, ok bool) {
	k, fs := expr.Factors(t)
	scalars := []*expr.Node{expr.NewConst(k)}
	var lin *expr.Node
	for _, f := range fs {
		switch {
		case expr.DependsOn(f, dx) && lin == nil:
			lin = f
		case expr.DependsOn(f, dx) || !f.Shape().IsScalar():
			return nil, nil, false
		default:
			scalars = append(scalars, f)
		}
	}
	if lin == nil {
		return nil, nil, false
	}
	var before, after []*expr.Node
	var transposed bool
	switch {
	case lin.Op() == expr.OpTrace:
		before, after, transposed, ok = splitAt(lin.Arg(0), dx)
	case lin.Op() == expr.OpMatMul && lin.Shape().IsScalar():
		before, after, transposed, ok = splitAt(lin, dx)
		how.trace = ok && !vector
	case lin.Op() == expr.OpSum && lin.Arg(0).Op() == expr.OpMul:
		// sum(U ⊙ L) = tr(Uᵀ L)
		k, hs := expr.Factors(lin.Arg(0))
		scalars = append(scalars, expr.NewConst(k))
		var us []*expr.Node
		var l *expr.Node
		for _, h := range hs {
			switch {
			case expr.DependsOn(h, dx) && l == nil:
				l = h
			case expr.DependsOn(h, dx):
				return nil, nil, false
			default:
				us = append(us, h)
			}
		}
		if l != nil && len(us) > 0 {
			before, after, transposed, ok = splitAt(l, dx)
			before = append([]*expr.Node{expr.Transpose(expr.Mul(us...))}, before...)
			how.sum = true
		}
	case lin.Op() == expr.OpSum:
		// sum(L) = tr(1ᵀ L)
		before, after, transposed, ok = splitAt(lin.Arg(0), dx)
		before = append([]*expr.Node{expr.Transpose(expr.Ones(lin.Arg(0).Shape()))}, before...)
		how.ones = true
	}
	if !ok {
		return nil, nil, false
	}
	how.transpose = how.transpose || transposed
	how.cycle = how.cycle || len(after) > 0 && !vector
	// tr(P dX Q) = tr(Q P dX); tr(P dXᵀ Q) = tr((Q P)ᵀ dX).
	qp := append(after, before...)
	var gm *expr.Node
	if len(qp) == 0 {
		gm = expr.Identity(dimRows(dx))
	} else {
		gm = expr.MatMul(qp...)
	}
	if transposed {
		gm = expr.Transpose(gm)
	}
	c := expr.Mul(scalars...)
	g = expr.Mul(c, gm)
	if vector {
		return g, expr.Mul(c, expr.MatMul(gm, dx)), true
	}
	return g, expr.Mul(c, expr.Trace(expr.MatMul(gm, dx))), true
}

// distribute multiplies out the products, traces, transposes and sums of
// n over the sums that depend on dx, so that each term holds dx once as
// a factor: tr(P (A + B)) is tr(P A) + tr(P B). Other parts of n stay as
// they are.
func distribute(n, dx *expr.Node) *expr.Node {
	if !expr.DependsOn(n, dx) {
		return n
	}
	args := n.Args()
	switch n.Op() {
	case expr.OpAdd:
		out := make([]*expr.Node, len(args))
		for i, a := range args {
			out[i] = distribute(a, dx)
		}
		return expr.Add(out...)
	case expr.OpMul, expr.OpMatMul:
		for i, a := range args {
			d := distribute(a, dx)
			if d.Op() != expr.OpAdd || !expr.DependsOn(a, dx) {
				continue
			}
			var terms []*expr.Node
			for _, t := range d.Args() {
				fs := slices.Clone(args)
				fs[i] = t
				terms = append(terms, distribute(expr.New(n, fs), dx))
			}
			return expr.Add(terms...)
		}
	case expr.OpTrace, expr.OpTranspose, expr.OpSum:
		d := distribute(args[0], dx)
		if d.Op() == expr.OpAdd {
			var terms []*expr.Node
			for _, t := range d.Args() {
				terms = append(terms, distribute(expr.New(n, []*expr.Node{t}), dx))
			}
			return expr.Add(terms...)
		}
	}
	return n
}

// dimRows is the number of columns of dX, the side of the identity that
// tr(dX) = tr(I dX) needs.
func dimRows(dx *expr.Node) expr.Dim {
	_, cols := expr.RowsCols(dx.Shape())
	return cols
}

// differentialRules states the rules of the differential for the
// operations f has.
func differentialRules(f *expr.Node) Label {
	rules := []struct {
		op          expr.Op
		text, latex string
	}{
		{expr.OpMatMul, "d(A B) = dA B + A dB", `d(A B) = dA\, B + A\, dB`},
		{expr.OpTranspose, "d(Aᵀ) = (dA)ᵀ", `d(A^{\top}) = (dA)^{\top}`},
		{expr.OpTrace, "d tr(A) = tr(dA)", `d \operatorname{tr}(A) = \operatorname{tr}(dA)`},
		{expr.OpDet, "d det(X) = det(X) tr(X⁻¹ dX)", `d \det(X) = \det(X) \operatorname{tr}(X^{-1} dX)`},
		{expr.OpLogDet, "d log det(X) = tr(X⁻¹ dX)", `d \log \det(X) = \operatorname{tr}(X^{-1} dX)`},
		{expr.OpInv, "d(X⁻¹) = -X⁻¹ dX X⁻¹", `d(X^{-1}) = -X^{-1} dX\, X^{-1}`},
		{expr.OpSum, "d sum(A) = sum(dA)", `d \operatorname{sum}(A) = \operatorname{sum}(dA)`},
		{expr.OpNorm, "d‖x‖ = xᵀ dx/‖x‖", `d\lVert x \rVert = \frac{x^{\top} dx}{\lVert x \rVert}`},
		{expr.OpSin, "d g(u) = g′(u) du", `d g(u) = g'(u)\, du`},
	}
	var t, l []string
	for _, r := range rules {
		has := func(n *expr.Node) bool { return n.Op() == r.op }
		if r.op == expr.OpSin {
			// Any function applied entry by entry.
			has = func(n *expr.Node) bool { return n.Info().Class == expr.Function && n.Info().Elementwise }
		}
		if expr.Find(f, has) != nil {
			t, l = append(t, r.text), append(l, r.latex)
		}
	}
	return Label{strings.Join(t, ", "), strings.Join(l, `,\ `)}
}

// samplePoints is the number of points samplePoint draws, in turn, to
// find one where a function and its derivative have values.
const samplePoints = 4

// samplePoint draws the k-th point to check steps at: each variable
// random entries, none of them a round number, so that no sum of products
// such as aᵀx vanishes but by its form, in [-1, 1] at even k and in
// [1/4, 5/4] at odd k (where log(A x) has a value); a square matrix with a
// dominant diagonal, so that it is invertible with a positive determinant;
// a scalar in [1, 3]. The first points give each symbolic size a small
// number of its own, 2, 3 or 4, which tells a matrix from its transpose;
// the last ones give every size 3, so that products such as XᵀX are
// square matrices that may be inverted.
func samplePoint(f *expr.Node, k int) (map[string]Tensor, map[string]int) {
	r := rand.New(rand.NewPCG(5+uint64(k), 7))
	sizes := map[string]int{}
	size := func(d expr.Dim) int {
		if d.N > 0 {
			return d.N
		}
		if _, ok := sizes[d.Sym]; !ok {
			sizes[d.Sym] = 2 + len(sizes)%3
			if k >= samplePoints/2 {
				sizes[d.Sym] = 3
			}
		}
		return sizes[d.Sym]
	}
	env := map[string]Tensor{}
	for _, v := range expr.Vars(f) {
		s := v.Shape()
		t := Tensor{}
		n := 1
		for i := 0; i < s.Rank(); i++ {
			k := size(s.Dim(i))
			t.Shape = append(t.Shape, k)
			n *= k
		}
		t.Data = make([]float64, n)
		for i := range t.Data {
			t.Data[i] = 2*r.Float64() - 1
			if k%2 == 1 {
				t.Data[i] = 0.25 + r.Float64()
			}
		}
		if s.Rank() == 2 && t.Shape[0] == t.Shape[1] {
			for i := 0; i < t.Shape[0]; i++ {
				t.Data[i*t.Shape[0]+i] += float64(t.Shape[0])
			}
			if v.IsSymmetric() {
				k := t.Shape[0]
				for i := 0; i < k; i++ {
					for j := 0; j < i; j++ {
						t.Data[j*k+i] = t.Data[i*k+j]
					}
				}
			}
		}
		if s.Rank() == 0 {
			t.Data[0] += 2
		}
		env[v.Name()] = t
	}
	return env, sizes
}

// sameValue reports whether e has the value of the derivative at the
// point the steps are checked at.
func (m *matrixExplainer) sameValue(e Expr) bool {
	v, err := e.Value(m.env)
	if err != nil {
		return false
	}
	return closeAll(v.Data, m.value.Data)
}

// closeAll reports whether a and b agree entry by entry to 1e-9,
// relatively.
func closeAll(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9*math.Max(1, math.Max(math.Abs(a[i]), math.Abs(b[i]))) {
			return false
		}
	}
	return true
}

// checkValue checks the components of f against f's value.
func (m *matrixExplainer) checkValue(c IndexExpr) error {
	v, err := m.f.Value(m.env)
	if err != nil {
		return err
	}
	got, err := m.evalIndex(c, m.out)
	if err != nil || !closeAll(got, v.Data) {
		return &NoComponentsError{Form: m.f.String(), Why: "its components do not check out"}
	}
	return nil
}

// checkDerivative checks an index form of the derivative against the
// differentiator's values.
func (m *matrixExplainer) checkDerivative(c IndexExpr) error {
	got, err := m.evalIndex(c, m.free)
	if err != nil || !closeAll(got, m.value.Data) {
		return &NoComponentsError{Form: m.f.String(), Why: "its derivative in components does not check out"}
	}
	return nil
}

// evalIndex evaluates c at the sample point for every value of the free
// indices, in row-major order.
func (m *matrixExplainer) evalIndex(c IndexExpr, free []string) ([]float64, error) {
	ranges := map[string]int{}
	dimOf := func(s expr.Shape, k int) int {
		d := s.Dim(k)
		if d.N > 0 {
			return d.N
		}
		return m.sizes[d.Sym]
	}
	for k, i := range m.out {
		ranges[i] = dimOf(m.f.n.Shape(), k)
	}
	for k, i := range m.in {
		ranges[i] = dimOf(m.x.Shape(), k)
	}
	values := map[*expr.Node]Tensor{}
	coefs := make([]float64, len(c.Terms))
	for ti, t := range c.Terms {
		coefs[ti] = 1
		if t.Coef.n != nil {
			v, err := t.Coef.Value(m.env)
			if err != nil || len(v.Data) != 1 {
				return nil, errors.New("coefficient")
			}
			coefs[ti] = v.Data[0]
		}
		for _, f := range t.Factors {
			if f.Of.n == nil {
				continue
			}
			if f.Of.n.Op() != expr.OpSym {
				v, err := f.Of.Value(m.env)
				if err != nil {
					return nil, err
				}
				values[f.Of.n] = v
			}
			for k, i := range f.Sub {
				ranges[i] = dimOf(f.Of.n.Shape(), k)
			}
		}
	}
	// An index that only deltas carry ranges as the one it is paired with.
	for range 2 {
		for _, t := range c.Terms {
			for _, f := range t.Factors {
				if f.Of.n != nil {
					continue
				}
				a, b := f.Sub[0], f.Sub[1]
				if ranges[a] == 0 {
					ranges[a] = ranges[b]
				}
				if ranges[b] == 0 {
					ranges[b] = ranges[a]
				}
			}
		}
	}
	total := 1
	for _, i := range free {
		total *= ranges[i]
	}
	out := make([]float64, total)
	at := map[string]int{}
	entry := func(f IndexFactor) float64 {
		if f.Of.n == nil {
			if at[f.Sub[0]] == at[f.Sub[1]] {
				return 1
			}
			return 0
		}
		v, ok := m.env[f.Of.n.Name()]
		if f.Of.n.Op() != expr.OpSym {
			v, ok = values[f.Of.n]
		}
		if !ok {
			return math.NaN()
		}
		k := 0
		for j, i := range f.Sub {
			k = k*v.Shape[j] + at[i]
		}
		return v.Data[k]
	}
	var sum func(t IndexTerm, s int) float64
	sum = func(t IndexTerm, s int) float64 {
		if s == len(t.Sums) {
			p := 1.0
			for _, f := range t.Factors {
				p *= entry(f)
			}
			return p
		}
		total := 0.0
		for v := 0; v < ranges[t.Sums[s]]; v++ {
			at[t.Sums[s]] = v
			total += sum(t, s+1)
		}
		return total
	}
	for k := range out {
		rest := k
		for j := len(free) - 1; j >= 0; j-- {
			at[free[j]] = rest % ranges[free[j]]
			rest /= ranges[free[j]]
		}
		for ti, t := range c.Terms {
			out[k] += coefs[ti] * sum(t, 0)
		}
	}
	return out, nil
}
