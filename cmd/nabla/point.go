package main

import (
	"errors"
	"strings"

	"github.com/nabla-math/nabla"
)

// point parses the --at values: numbers, vectors [1, 2] or matrices
// [[1, 2], [3, 4]], each an expression without variables.
func (a *app) point() (map[string]nabla.Tensor, error) {
	env := map[string]nabla.Tensor{}
	for _, s := range a.at {
		name, val, ok := strings.Cut(s, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, usagef("--at %q: expected NAME=VALUE, e.g. --at x=1.5 or --at 'x=[1,2,3]'", s)
		}
		v, err := nabla.Parse(val)
		if err != nil {
			return nil, usagef("--at %s: %v", name, err)
		}
		if len(v.Vars()) > 0 {
			return nil, usagef("--at %s: the value %q has a variable in it", name, strings.TrimSpace(val))
		}
		x, err := v.EvalTensor(nil)
		if err != nil {
			return nil, usagef("--at %s: %v", name, err)
		}
		if _, dup := env[name]; dup {
			return nil, usagef("--at %s given twice", name)
		}
		env[name] = x
	}
	return env, nil
}

// evaluate fills the value of the part p when --at was given.
func (a *app) evaluate(p *part) error {
	if len(a.at) == 0 {
		return nil
	}
	env, err := a.point()
	if err != nil {
		return err
	}
	for _, v := range p.Expr.Vars() {
		if _, ok := env[v]; !ok {
			return usagef("no value for %s: add --at %s=VALUE", v, v)
		}
	}
	x, err := p.Expr.Value(env)
	if err != nil {
		return valueError(err)
	}
	p.Value = &value{x}
	p.Shape = shapeOfTensor(x)
	return nil
}

// valueError is the exit status of a failed evaluation: a value outside a
// function's domain is a failure, values that do not fit are usage errors.
func valueError(err error) error {
	var de *nabla.DomainError
	if errors.As(err, &de) {
		return err
	}
	return usageError{err}
}

// evaluateEmpty evaluates an expression without variables when eval has
// no --at.
func (a *app) evaluateEmpty(p *part) error {
	if vars := p.Expr.Vars(); len(vars) > 0 {
		return usagef("no value for %s: add --at %s=VALUE", strings.Join(vars, ", "), vars[0])
	}
	x, err := p.Expr.EvalTensor(nil)
	if err != nil {
		return err
	}
	p.Value = &value{x}
	return nil
}
