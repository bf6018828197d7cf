package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nabla-math/nabla"
)

// kinds maps the commands that differentiate to the derivative each asks
// for.
var kinds = map[string]nabla.Kind{
	"diff":     nabla.KindAuto,
	"grad":     nabla.KindGradient,
	"jacobian": nabla.KindJacobian,
	"hessian":  nabla.KindHessian,
}

// wrtList returns the variables of --wrt, or the expression's variables
// when all of them are wanted and --wrt is not given.
func (a *app) wrtList(e nabla.Expr, src string, all bool) ([]string, error) {
	if a.wrt != "" {
		return splitWrt(a.wrt), nil
	}
	vars := e.Vars()
	switch {
	case len(vars) == 0:
		if in := strings.TrimSpace(src); in != e.String() {
			return nil, usagef("%s has no variable (it is the constant %s): name one with --wrt", in, e)
		}
		return nil, usagef("%s has no variable: name one with --wrt", strings.TrimSpace(src))
	case len(vars) > 1 && !all:
		return nil, usagef("several variables (%s): choose one with --wrt, or several as --wrt %s", strings.Join(vars, ", "), strings.Join(vars, ","))
	}
	return vars, nil
}

// splitWrt splits the variables of --wrt at the commas outside brackets:
// "x,W[1,2]" is x and W[1,2].
func splitWrt(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '[':
			depth++
		case ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// derive computes what the command asks of src: diff the derivative the
// shapes call for, grad, jacobian and hessian those. line numbers the
// first line of src in errors.
func (a *app) derive(cmd, src string, line int) (*result, error) {
	if a.chain {
		return a.chainRule(src, line)
	}
	if a.hasSums(src) {
		return a.indexedDerive(cmd, src, line)
	}
	e, err := a.parse(src, line)
	if err != nil {
		return nil, err
	}
	kind := kinds[cmd]
	wrt, err := a.wrtList(e, src, kind != nabla.KindAuto)
	if err != nil {
		return nil, err
	}
	if kind == nabla.KindAuto && a.order > 1 && len(wrt) > 1 {
		// Flags that ask for nothing: a usage error, whatever Derive
		// would say of the order.
		return nil, usagef("--order %d differentiates with respect to one variable, but --wrt names %d; by several, the second derivative is the Hessian: nabla hessian", a.order, len(wrt))
	}
	ctx, cancel := a.context()
	defer cancel()
	var d *nabla.Derivative
	if kind == nabla.KindAuto && a.order == 0 {
		// The zeroth derivative is the expression.
		var z nabla.Expr
		if z, err = nabla.Diff(e, wrt[0], 0); err == nil {
			d = &nabla.Derivative{Of: e, Kind: kind, Wrt: wrt, Expr: z}
		}
	} else {
		d, err = nabla.Derive(ctx, e, wrt, &nabla.DeriveOptions{Kind: kind, Order: a.order, Strict: a.strict})
	}
	if err != nil {
		return nil, a.deriveError(err, e, kind)
	}
	r := &result{Input: src, Wrt: strings.Join(wrt, ","), Notes: e.Notes()}
	for _, n := range d.Notes {
		r.Notes = append(r.Notes, n.Error())
	}
	r.Convention = a.convention(wrt)
	switch {
	case d.Tensor != nil:
		r.Wrt = d.Tensor.Wrt.String()
		r.Parts = []part{a.tensorPart(e, d.Tensor)}
	case d.Blocks != nil:
		for _, b := range d.Blocks {
			p := part{Label: b.Label(), Key: strings.Join(b.Wrt, ",")}
			if b.Tensor != nil {
				p = a.tensorPart(e, b.Tensor)
				p.Label, p.Key, p.Prefix = b.Label(), strings.Join(b.Wrt, ","), "df = "
			} else {
				p.Expr, p.Shape = b.Expr, shapeOf(b.Expr)
			}
			r.Parts = append(r.Parts, p)
		}
	default:
		r.Parts = []part{{Expr: d.Expr, Shape: shapeOf(d.Expr)}}
	}
	// The order of the derivative, in JSON for every kind: a gradient or
	// Jacobian is of order 1, a Hessian of order 2.
	order := a.order
	switch kind {
	case nabla.KindGradient, nabla.KindJacobian:
		order = 1
	case nabla.KindHessian:
		order = 2
	}
	r.Order = &order
	if len(a.at) == 0 {
		if a.flat && d.Blocks != nil {
			return nil, usagef("--flat lays values out flat: give the point with --at")
		}
		return r, nil
	}
	return r, a.values(ctx, r, d)
}

// values evaluates every part of r at the --at point, and with --flat the
// blocks laid out flat.
func (a *app) values(ctx context.Context, r *result, d *nabla.Derivative) error {
	env, err := a.point()
	if err != nil {
		return err
	}
	if err := definedAt(d.Of, env); err != nil {
		return err
	}
	for i := range r.Parts {
		p := &r.Parts[i]
		var td *nabla.TensorDerivative
		switch {
		case d.Tensor != nil:
			td = d.Tensor
		case d.Blocks != nil:
			td = d.Blocks[i].Tensor
		}
		if td == nil {
			if err := a.evaluate(r, p); err != nil {
				return err
			}
			continue
		}
		v, err := td.ValuesContext(ctx, env)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("stopped after %s: the values of the derivative of %s take too long; raise --timeout", a.timeout, short(d.Of))
			}
			return valueError(err)
		}
		p.Value = &value{v}
		p.Shape = shapeOfTensor(v)
	}
	if a.flat && d.Blocks != nil {
		v, err := d.Value(env)
		if err != nil {
			return valueError(err)
		}
		r.Flat = &value{v}
	}
	return nil
}

// convention states how a derivative with respect to a symmetric matrix
// is taken, when one of wrt is.
func (a *app) convention(wrt []string) string {
	for _, w := range wrt {
		name, _, _ := strings.Cut(w, "[")
		if slices.Contains(a.symmetric, name) {
			return "with respect to a symmetric matrix, the gradient is sym(G) = (G + Gᵀ)/2 of the unconstrained gradient G: the gradient in the space of symmetric matrices under the Frobenius inner product; an entry W[i,j] off the diagonal is one variable with W[j,i]"
		}
	}
	return ""
}

// deriveError explains why a derivative was not computed, with the exit
// status it calls for: 1 for a derivative that cannot be computed, 2 for
// a question asked wrongly.
func (a *app) deriveError(err error, e nabla.Expr, kind nabla.Kind) error {
	var unsupported *nabla.UnsupportedError
	var order *nabla.OrderError
	switch {
	case errors.As(err, &order):
		return usagef("--order %d out of range 0…%d", order.Order, nabla.MaxOrder)
	case errors.Is(err, context.DeadlineExceeded):
		what := "the " + kind.String()
		if kind == nabla.KindAuto {
			what = "the derivative"
			if a.order > 1 {
				what = "the " + ordinal(a.order) + " derivative"
			}
		}
		advice := "raise --timeout"
		if kind == nabla.KindAuto && a.order > 1 {
			advice += " or lower --order"
		}
		return fmt.Errorf("stopped after %s: %s of %s grows too fast; %s", a.timeout, what, short(e), advice)
	case errors.Is(err, nabla.ErrTooLarge), errors.As(err, &unsupported):
		return err
	}
	return usageError{err}
}

// short is the text of e, cut to a line.
func short(e nabla.Expr) string {
	s := e.Short(240)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "…"
	}
	return s
}

// ordinal spells k as 2nd, 3rd, 11th, 21st.
func ordinal(k int) string {
	suffix := "th"
	switch {
	case k%100 >= 11 && k%100 <= 13:
	case k%10 == 1:
		suffix = "st"
	case k%10 == 2:
		suffix = "nd"
	case k%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", k, suffix)
}

// tensorPart is a derivative with no matrix form: its differential, its
// entries in index notation and, at a point, the numeric tensor.
func (a *app) tensorPart(e nabla.Expr, td *nabla.TensorDerivative) part {
	shape := append(shapeOf(td.Of), shapeOf(td.Wrt)...)
	prefix := "d" + wrtName(e) + " = "
	if !td.Of.Equal(e) {
		// A Hessian: the differential of the gradient.
		prefix = "d(∂f/∂" + td.Wrt.String() + ") = "
	}
	return part{Expr: td.Differential, Prefix: prefix, Shape: shape, Index: td.Index, IndexLaTeX: td.IndexLaTeX}
}

func wrtName(e nabla.Expr) string {
	if vars := e.Vars(); len(vars) == 1 && e.String() == vars[0] {
		return vars[0]
	}
	return "f"
}

// chainRule works out the chain rule of "f where x1 = …, …".
func (a *app) chainRule(src string, line int) (*result, error) {
	if len(a.vectors)+len(a.matrices)+len(a.symmetric) > 0 {
		return a.chainLinks(src, line)
	}
	opts := &nabla.ParseOptions{Line: line, Functions: a.functions}
	if _, err := nabla.ParseWith(src, opts); err != nil {
		var de *nabla.DeclarationError
		if errors.As(err, &de) {
			return nil, usageError{err}
		}
		return nil, err
	}
	var wrt []string
	if a.wrt != "" {
		wrt = splitWrt(a.wrt)
	}
	ctx, cancel := a.context()
	defer cancel()
	c, err := nabla.ChainRuleWith(ctx, src, opts, wrt...)
	if err != nil {
		return nil, a.chainError(err, src)
	}
	d := c.Result
	if d.Len() == 1 {
		d = d.Entry(0, 0)
	}
	r := whole(src, d)
	r.Wrt = strings.Join(c.Wrt, ",")
	dfdx, dxdt := c.DfDxName(), c.DxDtName()
	r.Chain = &chainSteps{
		Inner:   strings.Join(c.Inner, ","),
		DfDx:    c.DfDx.String(),
		DxDt:    c.DxDt.String(),
		Product: c.Factor.String(),
		names:   [2]string{dfdx.Text, dxdt.Text},
		tex: []string{
			dfdx.LaTeX + ` = ` + c.DfDx.LaTeX(),
			dxdt.LaTeX + ` = ` + c.DxDt.LaTeX(),
			dfdx.LaTeX + ` ` + dxdt.LaTeX + ` = ` + c.Factor.LaTeX(),
		},
	}
	return r, a.evaluate(r, &r.Parts[0])
}

// chainLinks works out the chain rule through vectors and matrices, one
// link at a time: "e' e where e = y - Φ θ" by θ is ∂f/∂e ∂e/∂θ.
func (a *app) chainLinks(src string, line int) (*result, error) {
	opts, err := a.parseOptions(line)
	if err != nil {
		return nil, err
	}
	wrt := splitWrt(a.wrt)
	if a.wrt == "" || len(wrt) != 1 {
		return nil, usagef("--chain through vectors and matrices follows one variable: name it with --wrt")
	}
	ctx, cancel := a.context()
	defer cancel()
	l, err := nabla.ChainLinks(ctx, src, opts, wrt[0])
	if err != nil {
		return nil, a.chainError(err, src)
	}
	r := whole(src, l.Result)
	r.Wrt = wrt[0]
	c := &chainSteps{Product: l.Product.String()}
	var inner, names []string
	for _, k := range l.Links {
		c.Links = append(c.Links, chainLink{Of: k.Of, Wrt: k.Wrt, Derivative: k.Expr.String(), Shape: shapeOf(k.Expr)})
		name := `\frac{\partial ` + nameTeX(k.Of) + `}{\partial ` + nameTeX(k.Wrt) + `}`
		c.tex = append(c.tex, name+" = "+k.Expr.LaTeX())
		names = append(names, name)
		if k.Wrt != wrt[0] {
			inner = append(inner, k.Wrt)
		}
	}
	c.Inner = strings.Join(inner, ",")
	c.tex = append(c.tex, strings.Join(names, " ")+" = "+l.Product.LaTeX())
	r.Chain = c
	return r, a.evaluate(r, &r.Parts[0])
}

// chainError is what the command says of err from the chain rule of src,
// with the exit status the README gives it: a parse error as it is (2), a
// derivative nabla cannot compute, as a link with no matrix form, or one
// stopped by --timeout (1), and the other errors, a chain that --wrt does
// not reach or inner functions missing, as usage errors (2).
func (a *app) chainError(err error, src string) error {
	var pe *nabla.Error
	var unsupported *nabla.UnsupportedError
	switch {
	case errors.As(err, &pe), errors.Is(err, nabla.ErrTooLarge), errors.As(err, &unsupported):
		return err
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("stopped after %s: the chain rule of %s takes too long; raise --timeout", a.timeout, strings.TrimSpace(src))
	}
	return usageError{err}
}

// nameTeX spells a variable's name in LaTeX: θ is \theta.
func nameTeX(name string) string {
	if e, err := nabla.Parse(name); err == nil && len(e.Vars()) == 1 {
		return e.LaTeX()
	}
	return name
}

// definedAt refuses a point where f itself has no value: there it has
// no derivative either, though the formula of the derivative may have a
// value (1/(x log(x)) at x = 0.5, where log(log(x)) is not defined). Values
// that do not fit f (an entry x[3] of a 2-vector, sizes that disagree) are
// said in terms of f, as eval says them, not of the derivative's formula
// (unit(3), the derivative of x[3]). A point that leaves some of f's
// variables without a value is not checked, and neither is an abstract
// function, which has no value anywhere.
func definedAt(f nabla.Expr, env map[string]nabla.Tensor) error {
	for _, v := range f.Vars() {
		if _, ok := env[v]; !ok {
			return nil
		}
	}
	_, err := valueAt(f, env)
	var de *nabla.DomainError
	var ne *nabla.NoValueError
	switch {
	case err == nil, errors.As(err, &ne):
		return nil
	case errors.As(err, &de) && de.Msg == "overflow": // a value beyond float64 is still a value
		return nil
	case de != nil:
		return fmt.Errorf("%w, so %s has no derivative there", err, short(f))
	}
	return valueError(err)
}
