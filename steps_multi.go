package nabla

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// partialName writes ∂f/∂x.
func partialName(f, x string) Label {
	return Label{"∂" + f + "/∂" + x, `\frac{\partial ` + texName(f) + `}{\partial ` + texName(x) + `}`}
}

// heldTitle writes "∂f/∂x, y held constant".
func heldTitle(name Label, held []string) Label {
	if len(held) == 0 {
		return name
	}
	h := strings.Join(held, ", ") + " held constant"
	return Label{name.Text + ", " + h, name.LaTeX + `,\ \text{` + texWords(h) + `}`}
}

// functionName names the function of a gradient, a Jacobian or a chain
// rule: f, or g, h, F where f is a name of e or among others. With rows
// > 0 the names f1 … f_rows of its entries must be free too.
func functionName(e Expr, rows int, others ...string) Label {
	used := usedNames(e.n, "")
	for _, o := range others {
		used[o] = true
	}
	for _, c := range []string{"f", "g", "h", "F", "G", "H"} {
		free := !used[c]
		for i := 1; free && i <= rows; i++ {
			free = !used[fmt.Sprintf("%s%d", c, i)]
		}
		if free {
			return Label{c, texName(c)}
		}
	}
	return Label{"f", "f"}
}

// gradientSteps derives the gradient of the scalar f with respect to the
// scalars wrt: a partial derivative for each, one variable at a time
// with the others held constant, collected into the row ∇f ∈ ℝ^(1×n).
// fname names f in the labels; nil means f, or another letter where f is
// a name of f or of wrt (see functionName).
func gradientSteps(ctx context.Context, f Expr, wrt []string, n *int, fname *Label) (*Derivation, error) {
	name := functionName(f, 0, wrt...)
	if fname != nil {
		name = *fname
	}
	d := &Derivation{Of: f, Wrt: wrt,
		Title: Label{"∇" + name.Text + " for " + name.Text + " = " + f.String(), `\nabla ` + name.LaTeX + ` \text{ for } ` + name.LaTeX + " = " + f.LaTeX()},
		Name:  Label{"∇" + name.Text, `\nabla ` + name.LaTeX},
		Shape: fmt.Sprintf("1×%d", len(wrt)),
	}
	var uses []Use
	var entries []*expr.Node
	var names, namesTeX []string
	for _, x := range wrt {
		p, err := scalarSteps(ctx, f, x, n, true)
		if err != nil {
			return nil, err
		}
		pn := partialName(name.Text, x)
		pn.LaTeX = `\frac{\partial ` + name.LaTeX + `}{\partial ` + texName(x) + `}`
		p.Name = pn
		p.Held = others(f, x)
		p.Title = heldTitle(pn, p.Held)
		d.Parts = append(d.Parts, p)
		uses = append(uses, Use{Name: pn, Of: f, Deriv: p.Result, Step: lastStep(p)})
		entries = append(entries, p.Result.n)
		names, namesTeX = append(names, pn.Text), append(namesTeX, pn.LaTeX)
	}
	row := expr.NewMatrix(expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: len(wrt)}), nil, entries)
	*n++
	d.Steps = append(d.Steps, DerivationStep{
		N: *n, Rule: "gradient",
		Formula: Label{"∇" + name.Text + " = [" + strings.Join(names, "  ") + "]",
			`\nabla ` + name.LaTeX + ` = \begin{bmatrix} ` + strings.Join(namesTeX, " & ") + ` \end{bmatrix}`},
		Left: d.Name, Uses: uses, Gives: f.with(row), Shape: d.Shape,
	})
	d.Result = f.with(row)
	return d, nil
}

// others lists the variables of f other than x, in the order of Vars.
func others(f Expr, x string) []string {
	var out []string
	for _, v := range f.Vars() {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

// lastStep is the number of the last step of d or its parts.
func lastStep(d *Derivation) int {
	if len(d.Steps) > 0 {
		return d.Steps[len(d.Steps)-1].N
	}
	if len(d.Parts) > 0 {
		return lastStep(d.Parts[len(d.Parts)-1])
	}
	return 0
}

// jacobianSteps derives the Jacobian of the vector f = [f1, …, fm] with
// respect to the scalars wrt row by row: row i is the gradient of fi,
// and the rows stack into J ∈ ℝ^(m×n).
//
// rows names the entries of f; nil means f1, …, fm. With one variable,
// each row is one derivative.
func jacobianSteps(ctx context.Context, f Expr, wrt []string, n *int, rows []string) (*Derivation, error) {
	m := f.n.Size()
	fn := functionName(f, m, append(slices.Clone(wrt), rows...)...)
	d := &Derivation{Of: f, Wrt: wrt,
		Title: Label{"J = d" + fn.Text + "/d(" + strings.Join(wrt, ", ") + ") for " + fn.Text + " = " + f.String(),
			`J = \frac{d ` + fn.LaTeX + `}{d(` + texNames(wrt) + `)} \text{ for } ` + fn.LaTeX + ` = ` + f.LaTeX()},
		Name:  Label{"J", "J"},
		Shape: fmt.Sprintf("%d×%d", m, len(wrt)),
	}
	var uses []Use
	var entries []*expr.Node
	for i := 0; i < m; i++ {
		fi := f.with(f.n.Entry(i))
		name := Label{fmt.Sprintf("%s%d", fn.Text, i+1), fmt.Sprintf("%s_{%d}", fn.LaTeX, i+1)}
		if rows != nil {
			name = Label{rows[i], texName(rows[i])}
		}
		var row *Derivation
		var err error
		if len(wrt) == 1 {
			row, err = scalarSteps(ctx, fi, wrt[0], n, false)
			if err == nil {
				row.Name = Label{"∂" + name.Text + "/∂" + wrt[0], `\frac{\partial ` + name.LaTeX + `}{\partial ` + texName(wrt[0]) + "}"}
				row.Title = Label{row.Name.Text + " for " + name.Text + " = " + fi.String(), row.Name.LaTeX + ` \text{ for } ` + name.LaTeX + " = " + fi.LaTeX()}
			}
		} else {
			row, err = gradientSteps(ctx, fi, wrt, n, &name)
			if err == nil {
				row.Title = Label{fmt.Sprintf("row %d: ", i+1) + row.Title.Text, fmt.Sprintf(`\text{row %d: } `, i+1) + row.Title.LaTeX}
			}
		}
		if err != nil {
			return nil, err
		}
		d.Parts = append(d.Parts, row)
		uses = append(uses, Use{Name: row.Name, Of: fi, Deriv: row.Result, Step: lastStep(row), Shape: row.Shape})
		if row.Result.n.Op() == expr.OpMatrix {
			entries = append(entries, row.Result.n.Args()...)
		} else {
			entries = append(entries, row.Result.n)
		}
	}
	j := expr.NewMatrix(expr.NewShape(expr.Dim{N: m}, expr.Dim{N: len(wrt)}), nil, entries)
	*n++
	d.Steps = append(d.Steps, DerivationStep{
		N: *n, Rule: "Jacobian",
		Formula: Label{"J = [∇" + fn.Text + "1; …; ∇" + fn.Text + "m], J_ij = ∂" + fn.Text + "_i/∂x_j",
			`J = \begin{bmatrix} \nabla ` + fn.LaTeX + `_{1} \\ \vdots \\ \nabla ` + fn.LaTeX + `_{m} \end{bmatrix},\ J_{ij} = \frac{\partial ` + fn.LaTeX + `_{i}}{\partial x_{j}}`},
		Left: d.Name, Uses: uses, Gives: f.with(j), Shape: d.Shape,
	})
	d.Result = f.with(j)
	return d, nil
}

// texNames writes names apart by commas in LaTeX.
func texNames(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = texName(n)
	}
	return strings.Join(out, ", ")
}

// ChainSteps works out the chain rule of "f where x1 = …, x2 = …" step by
// step, as the notes do in §5.2.2: the partial derivatives ∂f/∂x (1×k),
// the derivatives of the inner functions ∂x/∂t (k×n), their product with
// its shape, the definitions substituted, simplified. With vectors and
// matrices declared in opts it follows the chain link by link, as the
// least-squares gradient ∂L/∂e · ∂e/∂θ (ChainLinks), each factor with its
// shape. wrt defaults to the variables of the definitions, for scalars.
func ChainSteps(src string, opts *ParseOptions, wrt ...string) (*Derivation, error) {
	ctx := context.Background()
	if opts != nil && len(opts.Vectors)+len(opts.Matrices)+len(opts.Symmetric)+len(opts.Shapes) > 0 {
		if len(wrt) != 1 {
			return nil, errors.New("the chain rule through vectors and matrices follows one variable: name it")
		}
		return linkSteps(ctx, src, opts, wrt[0])
	}
	c, err := ChainRuleWith(ctx, src, opts, wrt...)
	if err != nil {
		return nil, err
	}
	for _, e := range []Expr{c.Outer, c.Defs} {
		if err := e.showable(); err != nil {
			return nil, err
		}
	}
	n := new(int)
	k, m := len(c.Inner), len(c.Wrt)
	xl, tl := c.names()
	x, xTeX, tt, ttTeX := xl.Text, xl.LaTeX, tl.Text, tl.LaTeX
	outer := c.Outer
	// f, or another letter where f is a name of the clause: "f where
	// f = x^2" reads g = f, ∂g/∂f.
	fn := functionName(outer, 0, append(slices.Clone(c.Inner), c.Wrt...)...)
	f, fTeX := fn.Text, fn.LaTeX
	d := &Derivation{Of: outer, Wrt: c.Wrt,
		Title: Label{"d" + f + "/d" + tt + " for " + f + " = " + outer.String() + " where " + definitions(c),
			`\frac{d` + fTeX + `}{d` + ttTeX + `} \text{ for } ` + fTeX + ` = ` + outer.LaTeX() + ` \text{ where } ` + definitionsTeX(c)},
		Name: Label{"d" + f + "/d" + tt, `\frac{d` + fTeX + `}{d` + ttTeX + `}`},
	}
	fx, err := gradientSteps(ctx, outer, c.Inner, n, &fn)
	if err != nil {
		return nil, err
	}
	dfdx := Label{"∂" + f + "/∂" + x, `\frac{\partial ` + fTeX + `}{\partial ` + xTeX + `}`}
	fx.Name, fx.Title = dfdx, dfdx
	fx.Steps[len(fx.Steps)-1].Left = dfdx
	defs := c.Defs
	xt, err := jacobianSteps(ctx, defs, c.Wrt, n, c.Inner)
	if err != nil {
		return nil, err
	}
	dxdt := c.DxDtName()
	xt.Name, xt.Title = dxdt, dxdt
	xt.Steps[len(xt.Steps)-1].Left = dxdt
	d.Parts = []*Derivation{fx, xt}
	rowShape, shape := fmt.Sprintf("1×%d", k), fmt.Sprintf("%d×%d", k, m)
	s := DerivationStep{
		Rule: "chain rule",
		Formula: Label{d.Name.Text + " = " + dfdx.Text + " · ∂" + x + "/∂" + tt,
			d.Name.LaTeX + ` = ` + dfdx.LaTeX + ` \cdot \frac{\partial ` + xTeX + `}{\partial ` + ttTeX + `}`},
		Left: d.Name,
		Uses: []Use{
			{Name: dfdx, Of: outer, Deriv: fx.Result, Step: lastStep(fx), Shape: rowShape},
			{Name: dxdt, Of: defs, Deriv: xt.Result, Step: lastStep(xt), Shape: shape},
		},
		Gives: c.Factor, Shape: fmt.Sprintf("1×%d", m),
	}
	// ∂f/∂t, where f has t itself besides through x: the formula and
	// the product say so.
	directs := make([]*expr.Node, m)
	hasDirect := false
	for j, t := range c.Wrt {
		directs[j] = expr.Zero(expr.Scalar)
		if dj, _ := Diff(outer, t, 1); dj.n != nil && !dj.n.IsZero() {
			directs[j], hasDirect = dj.n, true
		}
	}
	if hasDirect {
		dfdt := Label{"∂" + f + "/∂" + tt, `\frac{\partial ` + fTeX + `}{\partial ` + ttTeX + `}`}
		s.Formula.Text += " + " + dfdt.Text
		s.Formula.LaTeX += " + " + dfdt.LaTeX
		direct := outer.with(directs[0])
		shape := ""
		if m > 1 {
			direct, shape = outer.with(expr.NewMatrix(expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: m}), nil, directs)), fmt.Sprintf("1×%d", m)
		}
		s.Uses = append(s.Uses, Use{Name: dfdt, Of: outer, Deriv: direct, Shape: shape, Rule: "with " + x + " held constant"})
	}
	if m == 1 {
		// The notes' Σ ∂f/∂xi ∂xi/∂t, with ∂f/∂t where f has t itself.
		var terms []Term
		for i := 0; i < k; i++ {
			terms = append(terms, Term{Factors: dropOnes([]Expr{fx.Result.Entry(0, i), xt.Result.Entry(i, 0)})})
		}
		if hasDirect {
			terms = append(terms, Term{Factors: []Expr{outer.with(directs[0])}})
		}
		s.Applied, s.Gives, s.Shape = &Form{Terms: terms}, c.Factor.Entry(0, 0), ""
	}
	*n++
	s.N = *n
	d.Steps = append(d.Steps, s)
	sub := map[string]*expr.Node{}
	var lets []Binding
	for i, name := range c.Inner {
		sub[name] = c.Defs.n.Entry(i)
		lets = append(lets, Binding{Label{name, texName(name)}, c.Defs.Entry(i)})
	}
	substituted := Expr{n: expr.Substitute(s.Gives.n, sub)}
	result := c.Result
	if m == 1 {
		result = result.Entry(0, 0)
	}
	if !substituted.Equal(s.Gives) {
		*n++
		d.Steps = append(d.Steps, DerivationStep{N: *n, Rule: "substitute", Let: lets, Left: d.Name, Gives: substituted, Shape: s.Shape})
	}
	if !result.Equal(d.Steps[len(d.Steps)-1].Gives) {
		*n++
		d.Steps = append(d.Steps, DerivationStep{N: *n, Rule: "simplify", Note: words("the simplifier's identities"), Gives: result, Shape: s.Shape})
	}
	d.Result, d.Shape = result, s.Shape
	return d, nil
}

// tuple writes names as a variable is written, or several in
// parentheses: (x1, x2).
func tuple(names []string) Label {
	if len(names) == 1 {
		return Label{names[0], texName(names[0])}
	}
	return Label{"(" + strings.Join(names, ", ") + ")", "(" + texNames(names) + ")"}
}

// definitions writes the where clause of a chain: x1 = sin(t), x2 = exp(2t).
func definitions(c *Chain) string {
	parts := make([]string, len(c.Inner))
	for i, name := range c.Inner {
		parts[i] = name + " = " + c.Defs.Entry(i).String()
	}
	return strings.Join(parts, ", ")
}

func definitionsTeX(c *Chain) string {
	parts := make([]string, len(c.Inner))
	for i, name := range c.Inner {
		parts[i] = texName(name) + " = " + c.Defs.Entry(i).LaTeX()
	}
	return strings.Join(parts, `,\ `)
}

// renumber shifts the numbers of d's steps, and the references between
// them, by k.
func renumber(d *Derivation, k int) {
	if k == 0 {
		return
	}
	for _, p := range d.Parts {
		renumber(p, k)
	}
	for i := range d.Steps {
		s := &d.Steps[i]
		s.N += k
		if s.Ref > 0 {
			s.Ref += k
		}
		for j := range s.Uses {
			if s.Uses[j].Step > 0 {
				s.Uses[j].Step += k
			}
		}
	}
}

// linkSteps works out the chain rule through vectors and matrices, link
// by link: each factor derived in index notation where nabla can write it
// in components, then their product with its shape, the definitions
// substituted, simplified.
func linkSteps(ctx context.Context, src string, opts *ParseOptions, wrt string) (*Derivation, error) {
	l, err := ChainLinks(ctx, src, opts, wrt)
	if err != nil {
		return nil, err
	}
	// The definitions as written, each in terms of the next: the function
	// of each link.
	var po parse.Options
	var closed, raw []parse.Def
	po.Defs, po.RawDefs, po.NoSubstitute = &closed, &raw, true
	var decl map[string]expr.Shape
	if po.Vars, po.Symmetric, err = declare(opts); err != nil {
		return nil, err
	}
	if po.Functions, err = declareFunctions(opts); err != nil {
		return nil, err
	}
	po.Resolved = &decl
	if _, err := parse.Parse(src, &po); err != nil {
		return nil, err
	}
	value := map[string]*expr.Node{}
	for _, d := range raw {
		value[d.Name] = d.Value
	}
	closedValue := map[string]*expr.Node{}
	var lets []Binding
	for _, d := range closed {
		closedValue[d.Name] = d.Value
		lets = append(lets, Binding{Label{d.Name, texName(d.Name)}, Expr{n: d.Value, decl: decl}})
	}
	wrap := func(n *expr.Node) Expr { return Expr{n: n, decl: decl} }
	n := new(int)
	d := &Derivation{Of: l.Outer, Wrt: []string{wrt},
		Title: Label{"df/d" + wrt + " for f = " + l.Outer.String() + " where " + linkDefs(raw, false),
			`\frac{df}{d` + texName(wrt) + `} \text{ for } f = ` + l.Outer.LaTeX() + ` \text{ where } ` + linkDefs(raw, true)},
		Name: Label{"df/d" + wrt, `\frac{df}{d` + texName(wrt) + `}`},
	}
	var uses []Use
	var names, namesTeX []string
	for _, k := range l.Links {
		fn := l.Outer
		if k.Of != "f" {
			fn = wrap(value[k.Of])
		}
		name := partialName(k.Of, k.Wrt)
		shape := strings.Join(dimsOf(k.Expr), "×")
		part, err := linkPart(fn, k, n)
		if err != nil {
			return nil, err
		}
		part.Title, part.Name = Label{name.Text + " for " + k.Of + " = " + fn.String(), name.LaTeX + ` \text{ for } ` + texName(k.Of) + " = " + fn.LaTeX()}, name
		d.Parts = append(d.Parts, part)
		uses = append(uses, Use{Name: name, Of: fn, Deriv: k.Expr, Step: lastStep(part), Shape: shape})
		names, namesTeX = append(names, name.Text), append(namesTeX, name.LaTeX)
	}
	*n++
	d.Steps = append(d.Steps, DerivationStep{
		N: *n, Rule: "chain rule",
		Formula: Label{d.Name.Text + " = " + strings.Join(names, " · "), d.Name.LaTeX + " = " + strings.Join(namesTeX, ` \cdot `)},
		Left:    d.Name, Uses: uses, Gives: l.Product, Shape: strings.Join(dimsOf(l.Product), "×"),
	})
	sub := wrap(expr.Substitute(l.Product.n, closedValue))
	if !sub.Equal(l.Product) {
		*n++
		d.Steps = append(d.Steps, DerivationStep{N: *n, Rule: "substitute", Let: lets, Left: d.Name, Gives: sub, Shape: strings.Join(dimsOf(sub), "×")})
	}
	if !l.Result.Equal(d.Steps[len(d.Steps)-1].Gives) {
		*n++
		d.Steps = append(d.Steps, DerivationStep{N: *n, Rule: "simplify", Note: words("the simplifier's identities"), Gives: l.Result, Shape: strings.Join(dimsOf(l.Result), "×")})
	}
	d.Result, d.Shape = l.Result, strings.Join(dimsOf(l.Result), "×")
	return d, nil
}

// linkPart derives one link of a chain: in index notation where nabla can
// write the link's function in components, as a scalar derivative for a
// scalar link, and otherwise as the one step the matrix differentiator
// takes.
func linkPart(fn Expr, k Link, n *int) (*Derivation, error) {
	dims, _ := fn.VarDims(k.Wrt)
	var part *Derivation
	var err error
	switch {
	case len(dims) == 0 && fn.Rank() == 0:
		if part, err = scalarSteps(context.Background(), fn, k.Wrt, n, false); err == nil {
			return part, nil
		}
		err = &NoComponentsError{Form: fn.String(), Why: err.Error()}
	case len(dims) > 0:
		part, err = matrixSteps(fn, k.Wrt, k.Of, true)
	default:
		err = errNoComponents
	}
	var nc *NoComponentsError
	if err != nil && !errors.As(err, &nc) && !errors.Is(err, errNoComponents) {
		return nil, err
	}
	if err != nil {
		*n++
		return &Derivation{Of: fn, Wrt: []string{k.Wrt}, Result: k.Expr, Steps: []DerivationStep{{
			N: *n, Rule: "matrix derivative", Left: partialName(k.Of, k.Wrt), Gives: k.Expr,
			Shape: strings.Join(dimsOf(k.Expr), "×"), Note: words("by nabla's matrix differentiation; " + noComponents(err)),
		}}}, nil
	}
	renumber(part, *n)
	*n = lastStep(part)
	return part, nil
}

// noComponents says why a link has no steps in components.
func noComponents(err error) string {
	var nc *NoComponentsError
	if errors.As(err, &nc) {
		return "no components for " + nc.Form
	}
	return "no components"
}

var errNoComponents = errors.New("no components")

// linkDefs writes the where clause of a chain.
func linkDefs(defs []parse.Def, tex bool) string {
	parts := make([]string, len(defs))
	for i, d := range defs {
		if tex {
			parts[i] = texName(d.Name) + " = " + format.LaTeX(d.Value)
		} else {
			parts[i] = d.Name + " = " + format.Text(d.Value)
		}
	}
	if tex {
		return strings.Join(parts, `,\ `)
	}
	return strings.Join(parts, ", ")
}

// dimsOf lists e's dimensions as the notes write a shape: 1×n for a row,
// n×1 … as nabla prints them; a column vector n as n×1.
func dimsOf(e Expr) []string {
	dims := e.Dims()
	switch len(dims) {
	case 0:
		return nil
	case 1:
		return []string{dims[0], "1"}
	}
	return slices.Clone(dims)
}
