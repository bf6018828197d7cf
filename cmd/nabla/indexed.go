package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nabla-math/nabla"
)

// hasSums reports whether src, read with the declarations of the flags,
// has indexed sums or index names, which the commands read with
// nabla.ParseIndexed.
func (a *app) hasSums(src string) bool {
	if !nabla.MayHaveSums(src) {
		return false // without reading the flags' declarations
	}
	opts, err := a.parseOptions(1)
	return err == nil && nabla.HasSums(src, opts)
}

// parseIndexed reads src, an expression with indexed sums, with the
// declarations of the flags; line numbers its first line in errors.
func (a *app) parseIndexed(src string, line int) (*nabla.Indexed, error) {
	opts, err := a.parseOptions(line)
	if err != nil {
		return nil, err
	}
	if len(opts.Dims) > 0 {
		return nil, usagef("--dim: the sizes of indexed sums come from the values of --at")
	}
	f, err := nabla.ParseIndexed(src, opts)
	var pe *nabla.Error
	switch {
	case err == nil, errors.As(err, &pe):
		return f, err
	}
	return nil, usageError{err}
}

// indexedWrt returns the one variable or member of --wrt.
func (a *app) indexedWrt(f *nabla.Indexed) (string, error) {
	wrt := splitWrt(a.wrt)
	switch {
	case a.wrt == "":
		return "", usagef("name what to differentiate %s with respect to: a variable, --wrt θ, or a member, --wrt 'μ[j]' (its variables: %s)",
			f, strings.Join(f.Vars(), ", "))
	case len(wrt) > 1:
		return "", usagef("indexed sums are differentiated with respect to one variable or member at a time: name one with --wrt")
	}
	return wrt[0], nil
}

// indexedError gives the exit status a failed derivative of indexed sums
// calls for: 1 for one nabla does not compute, 2 for a question asked
// wrongly.
func (a *app) indexedError(err error, f *nabla.Indexed) error {
	var unsupported *nabla.UnsupportedError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("stopped after %s: the derivative of %s takes too long; raise --timeout", a.timeout, f)
	case errors.As(err, &unsupported), errors.Is(err, nabla.ErrTooLarge):
		return libraryError{err}
	}
	return usageError{err}
}

// indexedDerive is derive for an expression with indexed sums: diff and
// grad give its derivative, with its value at --at.
func (a *app) indexedDerive(cmd, src string, line int) (*result, error) {
	if cmd != "diff" && cmd != "grad" {
		return nil, libraryError{fmt.Errorf("the %s of indexed sums is not computed: nabla diff gives their derivative", cmd)}
	}
	if cmd == "diff" && a.order != 1 {
		return nil, libraryError{fmt.Errorf("--order %d: indexed sums are differentiated once", a.order)}
	}
	f, err := a.parseIndexed(src, line)
	if err != nil {
		return nil, err
	}
	wrt, err := a.indexedWrt(f)
	if err != nil {
		return nil, err
	}
	ctx, cancel := a.context()
	defer cancel()
	r := &result{Input: src, Wrt: wrt, Notes: f.Notes(), Order: new(int)}
	*r.Order = 1
	d, err := nabla.DiffIndexed(ctx, f, wrt)
	var absent *nabla.AbsentError
	switch {
	case errors.As(err, &absent) && !a.strict:
		r.Notes = append(r.Notes, err.Error())
	case errors.As(err, &absent):
		return nil, usageError{err}
	case err != nil:
		return nil, a.indexedError(err, f)
	}
	r.Parts = []part{{Sums: d, Shape: dimsOf(d.Dims())}}
	if len(a.at) == 0 {
		return r, nil
	}
	return r, a.indexedValue(&r.Parts[0], d)
}

// dimsOf lists dimensions as shapeOf does.
func dimsOf(dims []string) []any {
	out := []any{}
	for _, d := range dims {
		if k, err := strconv.Atoi(d); err == nil {
			out = append(out, k)
		} else {
			out = append(out, d)
		}
	}
	return out
}

// indexedValue evaluates the part p, the expression with indexed sums f,
// at the --at point.
func (a *app) indexedValue(p *part, f *nabla.Indexed) error {
	env, err := a.point()
	if err != nil {
		return err
	}
	if err := a.needValues(f, env); err != nil {
		return err
	}
	x, err := f.Value(env)
	if err != nil {
		return valueError(err)
	}
	p.Value = &value{x}
	p.Shape = shapeOfTensor(x)
	return nil
}

// needValues asks for the values that f needs and env lacks.
func (a *app) needValues(f *nabla.Indexed, env map[string]nabla.Tensor) error {
	for _, v := range append(f.Vars(), f.Free()...) {
		if _, ok := env[v]; !ok {
			if slices.Contains(f.Free(), v) {
				return usagef("no value for the index %s: add --at %s=1 (a whole number from 1)", v, v)
			}
			return usagef("no value for %s: add --at %s=VALUE", v, v)
		}
	}
	return nil
}

// indexedEval is exprResult for an expression with indexed sums.
func (a *app) indexedEval(src string, line int) (*result, error) {
	if a.points != "" {
		return nil, usagef("--points: give the values of an expression with indexed sums with --at")
	}
	f, err := a.parseIndexed(src, line)
	if err != nil {
		return nil, err
	}
	r := &result{Input: src, Notes: f.Notes(), Parts: []part{{Sums: f, Shape: dimsOf(f.Dims())}}}
	if len(a.at) == 0 && len(f.Vars())+len(f.Free()) > 0 {
		return nil, a.needValues(f, nil)
	}
	return r, a.indexedValue(&r.Parts[0], f)
}

// indexedDerivation is derivation for an expression with indexed sums:
// the steps of its derivative, and with --solve of the solution of
// ∂f/∂w = 0.
func (a *app) indexedDerivation(src string, solve bool) (*nabla.Derivation, []string, error) {
	f, err := a.parseIndexed(src, 1)
	if err != nil {
		return nil, nil, err
	}
	wrt, err := a.indexedWrt(f)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := a.context()
	defer cancel()
	d, err := nabla.IndexedSteps(f, wrt, &nabla.IndexedStepsOptions{Context: ctx, Solve: solve})
	if err != nil {
		var absent *nabla.AbsentError
		if errors.As(err, &absent) {
			return nil, nil, usageError{err}
		}
		return nil, nil, a.indexedError(err, f)
	}
	return d, f.Notes(), nil
}

// runIndexedCheck is runCheck for an expression with indexed sums: the
// derivative with respect to each variable or member of --wrt, evaluated
// at --at (its free indices too), against central and Richardson
// differences of the sums evaluated at --at.
func (a *app) runIndexedCheck(src string, tol float64) error {
	f, err := a.parseIndexed(src, 1)
	if err != nil {
		return err
	}
	if len(f.Dims()) > 0 {
		return usagef("check takes a scalar expression, but %s has the shape %s", f, strings.Join(f.Dims(), "×"))
	}
	if a.wrt == "" {
		return usagef("name what to check the derivative of %s with respect to: --wrt θ, or a member, --wrt 'μ[j]'", f)
	}
	env, err := a.point()
	if err != nil {
		return err
	}
	if err := a.needValues(f, env); err != nil {
		return err
	}
	ctx, cancel := a.context()
	defer cancel()
	rep := checkReport{Expr: f.String(), Tolerance: tol, Agree: true}
	for _, wrt := range splitWrt(a.wrt) {
		d, err := nabla.DiffIndexed(ctx, f, wrt)
		if err != nil {
			var absent *nabla.AbsentError
			if errors.As(err, &absent) {
				return usageError{err}
			}
			return a.indexedError(err, f)
		}
		if err := a.needValues(d, env); err != nil {
			return err
		}
		sym, err := d.Value(env)
		if err != nil {
			return valueError(err)
		}
		x, names, set, err := memberEntries(wrt, env)
		if err != nil {
			return err
		}
		if len(x) != len(sym.Data) {
			return fmt.Errorf("the derivative with respect to %s has %d entries, but %s has %d", wrt, len(sym.Data), wrt, len(x))
		}
		var evalErr error
		value := func(v []float64) float64 {
			set(v)
			defer set(x)
			t, err := f.Value(env)
			if err != nil {
				if evalErr == nil {
					evalErr = err
				}
				return math.NaN()
			}
			return t.Data[0]
		}
		est, err := fdEstimates(value, x, &evalErr)
		if err != nil {
			return err
		}
		b := checkBlock{Variable: wrt, Derivative: d.String(), Entries: len(x), Agree: true}
		for k := range x {
			rep.judge(&b, k == 0, checkEntry{Index: names[k], Symbolic: sym.Data[k]}, est, k, tol)
		}
		rep.Agree = rep.Agree && b.Agree
		rep.Blocks = append(rep.Blocks, b)
	}
	if err := a.printCheck(&rep); err != nil {
		return err
	}
	return rep.verdict()
}

// memberEntries returns the entries of the variable or member wrt in
// env, their names, and a function that sets them all (into a copy of
// the value, put in env).
func memberEntries(wrt string, env map[string]nabla.Tensor) ([]float64, []string, func([]float64), error) {
	name, rest, member := strings.Cut(wrt, "[")
	name = strings.TrimSpace(name)
	val, ok := env[name]
	if !ok {
		return nil, nil, nil, usagef("no value for %s: add --at %s=VALUE", name, name)
	}
	val = nabla.Tensor{Shape: slices.Clone(val.Shape), Data: slices.Clone(val.Data)}
	env[name] = val
	var pos []int
	var names []string
	if !member {
		for k := range val.Data {
			pos = append(pos, k)
			names = append(names, entryName(name, make([]string, len(val.Shape)), val.Shape, k))
		}
	} else {
		var idx []int
		for _, i := range strings.Split(strings.TrimSuffix(strings.TrimSpace(rest), "]"), ",") {
			i = strings.TrimSpace(i)
			v, ok := env[i]
			if !ok || len(v.Data) != 1 {
				return nil, nil, nil, usagef("no value for the index %s: add --at %s=1 (a whole number from 1)", i, i)
			}
			k := int(v.Data[0])
			if float64(k) != v.Data[0] || k < 1 || len(idx) < len(val.Shape) && k > val.Shape[len(idx)] {
				return nil, nil, nil, usagef("the index %s = %v is out of the range of %s", i, v.Data[0], name)
			}
			idx = append(idx, k)
		}
		switch {
		case len(val.Shape) == 2 && len(idx) == 1:
			cols := val.Shape[1]
			for c := 0; c < cols; c++ {
				pos = append(pos, (idx[0]-1)*cols+c)
				names = append(names, fmt.Sprintf("%s[%d,%d]", name, idx[0], c+1))
			}
		case len(val.Shape) == 2 && len(idx) == 2:
			pos = []int{(idx[0]-1)*val.Shape[1] + idx[1] - 1}
			names = []string{fmt.Sprintf("%s[%d,%d]", name, idx[0], idx[1])}
		case len(val.Shape) == 1 && len(idx) == 1:
			pos = []int{idx[0] - 1}
			names = []string{fmt.Sprintf("%s[%d]", name, idx[0])}
		default:
			return nil, nil, nil, usagef("%s does not fit the value of %s", wrt, name)
		}
	}
	x := make([]float64, len(pos))
	for k, p := range pos {
		x[k] = val.Data[p]
	}
	set := func(v []float64) {
		for k, p := range pos {
			val.Data[p] = v[k]
		}
	}
	return x, names, set, nil
}
