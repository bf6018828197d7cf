package main

import (
	"context"
	"errors"
	"fmt"
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
		var out []string
		for _, v := range strings.Split(a.wrt, ",") {
			out = append(out, strings.TrimSpace(v))
		}
		return out, nil
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

// derive computes what the command asks of src: diff the derivative the
// shapes call for, grad, jacobian and hessian those. line numbers the
// first line of src in errors.
func (a *app) derive(cmd, src string, line int) (*result, error) {
	if a.chain {
		return a.chainRule(src, line)
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
		d, err = nabla.Derive(ctx, e, wrt, &nabla.DeriveOptions{Kind: kind, Order: a.order})
	}
	if err != nil {
		return nil, a.deriveError(err, e, kind, wrt)
	}
	if d.Tensor != nil {
		return a.tensor(src, e, d.Tensor)
	}
	r := &result{Input: src, Wrt: strings.Join(wrt, ","), Expr: d.Expr, Shape: shapeOf(d.Expr)}
	if kind == nabla.KindAuto && len(wrt) == 1 {
		order := a.order
		r.Order = &order
	}
	return r, a.evaluate(r, d.Expr)
}

// deriveError explains why a derivative was not computed.
func (a *app) deriveError(err error, e nabla.Expr, kind nabla.Kind, wrt []string) error {
	switch {
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
	case errors.Is(err, nabla.ErrTooLarge):
		return err
	}
	return usageError{err}
}

// short is the text of e, cut to a line.
func short(e nabla.Expr) string {
	s := e.String()
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

// tensor gives the derivative of a vector or matrix with respect to a
// matrix: its differential, its entries in index notation and, at a point,
// the numeric tensor.
func (a *app) tensor(src string, e nabla.Expr, td *nabla.TensorDerivative) (*result, error) {
	wrt := td.Wrt.String()
	shape := append(shapeOf(e), shapeOf(td.Wrt)...)
	r := &result{Input: src, Wrt: wrt, Expr: td.Differential, Label: "d" + wrtName(e) + " = ", Shape: shape, Index: td.Index}
	if len(a.at) == 0 {
		return r, nil
	}
	env, err := a.point()
	if err != nil {
		return nil, err
	}
	ctx, cancel := a.context()
	defer cancel()
	v, err := td.ValuesContext(ctx, env)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("stopped after %s: the values of the derivative of %s take too long; raise --timeout", a.timeout, short(e))
		}
		return nil, usageError{err}
	}
	r.Value = &value{v}
	r.Shape = shapeOfTensor(v)
	return r, nil
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
		return nil, usagef("--chain shows the factors for scalar variables; without --chain, diff gives the derivative with respect to vectors and matrices")
	}
	if _, err := nabla.ParseWith(src, &nabla.ParseOptions{Line: line}); err != nil {
		return nil, err
	}
	var wrt []string
	if a.wrt != "" {
		for _, v := range strings.Split(a.wrt, ",") {
			wrt = append(wrt, strings.TrimSpace(v))
		}
	}
	ctx, cancel := a.context()
	defer cancel()
	c, err := nabla.ChainRuleContext(ctx, src, wrt...)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("stopped after %s: the chain rule of %s takes too long; raise --timeout", a.timeout, strings.TrimSpace(src))
		}
		return nil, usageError{err}
	}
	d := c.Result
	if d.Len() == 1 {
		d = d.Entry(0, 0)
	}
	r := &result{Input: src, Wrt: strings.Join(c.Wrt, ","), Expr: d, Shape: shapeOf(d),
		Chain: &chainSteps{
			Inner:   strings.Join(c.Inner, ","),
			DfDx:    c.DfDx.String(),
			DxDt:    c.DxDt.String(),
			Product: c.Factor.String(),
		}}
	return r, a.evaluate(r, d)
}
