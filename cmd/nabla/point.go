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

// evaluate fills r.Value when --at was given.
func (a *app) evaluate(r *result, e nabla.Expr) error {
	if len(a.at) == 0 {
		return nil
	}
	env, err := a.point()
	if err != nil {
		return err
	}
	for _, v := range e.Vars() {
		if _, ok := env[v]; !ok {
			return usagef("no value for %s: add --at %s=VALUE", v, v)
		}
	}
	x, err := e.Value(env)
	if err != nil {
		var de *nabla.DomainError
		if errors.As(err, &de) {
			return err
		}
		return usageError{err} // values of the wrong shape or size
	}
	r.Value = &value{x}
	r.Shape = shapeOfTensor(x)
	return nil
}

// evaluateEmpty evaluates an expression without variables when eval has
// no --at.
func (a *app) evaluateEmpty(r *result, e nabla.Expr) error {
	if vars := e.Vars(); len(vars) > 0 {
		return usagef("no value for %s: add --at %s=VALUE", strings.Join(vars, ", "), vars[0])
	}
	x, err := e.EvalTensor(nil)
	if err != nil {
		return err
	}
	r.Value = &value{x}
	return nil
}
