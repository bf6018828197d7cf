package main

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/nabla-math/nabla"
)

// point parses the --at values: numbers, vectors [1, 2] or matrices
// [[1, 2], [3, 4]], each an expression without variables.
func (a *app) point() (map[string]nabla.Tensor, error) {
	env := map[string]nabla.Tensor{}
	var err error
	for _, s := range a.at {
		name, val, ok := strings.Cut(s, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, usagef("--at %q: expected NAME=VALUE, e.g. --at x=1.5 or --at 'x=[1,2,3]'", s)
		}
		var x nabla.Tensor
		if path, ok := strings.CutPrefix(strings.TrimSpace(val), "@"); ok {
			if x, err = loadValue(path); err != nil {
				return nil, usagef("--at %s: %v", name, err)
			}
		} else {
			v, err := parseValue(val)
			if err != nil {
				return nil, usagef("--at %s: %v", name, err)
			}
			if x, err = v.EvalTensor(nil); err != nil {
				return nil, usagef("--at %s: %v", name, err)
			}
		}
		if _, dup := env[name]; dup {
			return nil, usagef("--at %s given twice", name)
		}
		env[name] = x
	}
	return env, nil
}

// evaluate fills the value of the part p when --at was given.
func (a *app) evaluate(r *result, p *part) error {
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
	x, err := valueAt(p.Expr, env)
	if err != nil {
		return valueError(err)
	}
	note, err := accuracy(p.Expr, env, x)
	if err != nil {
		return err
	}
	if note != "" {
		r.Notes = append(r.Notes, note)
	}
	p.Value = &value{x}
	p.Shape = shapeOfTensor(x)
	return nil
}

// accuracy bounds the rounding error of the scalar value x of e at the
// point env, where every variable is a scalar: a value with no digit
// certain is refused, one with only a few gives a note. Values where the
// formula cancels are the ones: the fourth derivative of sinc at 1e-4 is
// 0.2, and its formula gives 35.5 in float64. A value of 0 with a
// nonzero bound is noted too: the bound counts only rounding that
// happened, so such a 0 may be what is left of a value that rounding
// took, as log(1 + x) at 1e-16, where 1 + x lost x.
func accuracy(e nabla.Expr, env map[string]nabla.Tensor, x nabla.Tensor) (note string, err error) {
	if len(x.Data) != 1 || len(x.Shape) != 0 {
		return "", nil
	}
	point := make(map[string]float64, len(env))
	for _, name := range e.Vars() {
		t := env[name]
		if len(t.Shape) != 0 || len(t.Data) != 1 {
			return "", nil
		}
		point[name] = t.Data[0]
	}
	v, bound, err := e.EvalBound(point)
	// terms is the size of what rounding acted on, bound/ε: near 1 for a
	// value of ordinary terms, 1e18 where they cancelled from there.
	terms := bound / 0x1p-53
	switch rel := bound / math.Abs(v); {
	case err != nil || bound == 0:
		return "", nil
	case math.Abs(v) <= bound && terms > 1e4:
		return "", fmt.Errorf("the value of %s at this point is lost to rounding: terms cancel, or numbers leave float64's range, leaving %.6g ± %.2g; try a point farther from where that happens, or nabla fd", short(e), v, bound)
	case rel >= 1:
		// A value of ordinary terms that cancel to rounding: a
		// stationary point, as the derivative of x exp(-x²) at 1/√2.
		return fmt.Sprintf("the value is 0 to within ±%.2g: the terms of %s cancel at this point in floating point", bound, short(e)), nil
	case rel >= 0.1:
		return fmt.Sprintf("no digit of the value is certain: the terms of %s cancel at this point in floating point (±%.2g)", short(e), bound), nil
	case rel > 1e-6:
		digits := "digits"
		if rel >= 0.01 {
			digits = "digit"
		}
		return fmt.Sprintf("the value has about %d certain %s: the terms of %s cancel at this point in floating point (±%.2g)", int(-math.Log10(rel)), digits, short(e), bound), nil
	}
	return "", nil
}

// valueAt evaluates e at env through a compiled program: its scalar
// variables are the inputs, its vectors and matrices data.
func valueAt(e nabla.Expr, env map[string]nabla.Tensor) (nabla.Tensor, error) {
	var inputs []string
	var x []float64
	for _, name := range e.Vars() {
		if v, dims := env[name], varDims(e, name); len(v.Shape) == 0 && len(v.Data) == 1 && len(dims) == 0 {
			inputs = append(inputs, name)
			x = append(x, v.Data[0])
		}
	}
	p, err := nabla.Compile(e, inputs...)
	if err != nil {
		return nabla.Tensor{}, err
	}
	bound := map[string]bool{}
	for _, name := range inputs {
		bound[name] = true
	}
	for _, name := range slices.SortedFunc(maps.Keys(env), nabla.CompareNames) {
		// Declared variables that e has lost still give sizes.
		if _, ok := e.VarDims(name); ok && !bound[name] {
			if err := p.Bind(name, env[name]); err != nil {
				return nabla.Tensor{}, err
			}
		}
	}
	return p.Eval(x)
}

// valueError is the exit status of a failed evaluation: a value outside a
// function's domain, or a derivative nabla cannot compute, is a failure;
// values that do not fit are usage errors.
func valueError(err error) error {
	var de *nabla.DomainError
	var ne *nabla.NoValueError
	var ue *nabla.UnsupportedError
	var re *nabla.NoRealDerivativeError
	if errors.As(err, &de) || errors.As(err, &ne) || errors.As(err, &ue) || errors.As(err, &re) || errors.Is(err, nabla.ErrTooLarge) {
		return err // a value or derivative nabla cannot compute, not a usage error
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

func varDims(e nabla.Expr, name string) []string {
	dims, _ := e.VarDims(name)
	return dims
}

// parseValue reads a coordinate of a point: an expression without
// variables, such as 1.5, pi/2 or [1, 2].
func parseValue(val string) (nabla.Expr, error) {
	v, err := nabla.Parse(val)
	if err != nil {
		return nabla.Expr{}, err
	}
	if vars := v.Vars(); len(vars) > 0 {
		switch strings.ToLower(vars[0]) {
		case "inf", "infinity", "nan":
			return nabla.Expr{}, fmt.Errorf("a value is a finite number, not %s", vars[0])
		}
		return nabla.Expr{}, fmt.Errorf("the value %q has a variable in it", strings.TrimSpace(val))
	}
	return v, nil
}
