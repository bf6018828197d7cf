package optim

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/nabla-math/nabla"
)

// ExactIterate is one point of gradient descent in exact arithmetic.
type ExactIterate struct {
	T    int
	X    []*big.Rat // θₜ, one entry per variable
	F    *big.Rat   // f(θₜ)
	Grad []*big.Rat // ∇f(θₜ)
}

// ErrInexact reports a function that does not fold to exact numbers at
// exact points (sin, exp, log), or iterates whose exact numbers grew too
// long (ErrTooLong, which wraps it): gradient descent then runs in
// float64.
var (
	ErrInexact = errors.New("optim: not exact")
	ErrTooLong = fmt.Errorf("%w: the exact numbers grew beyond %d bits", ErrInexact, maxExactBits)
)

// maxExactBits bounds the length of the exact numbers of ExactDescent:
// the iterates of a polynomial of degree d have numerators of about dᵗ
// digits after t steps.
const maxExactBits = 4096

// ExactResult is the outcome of ExactDescent.
type ExactResult struct {
	Iterates []ExactIterate
	Stop     Stop   // why it stopped
	Why      string // the reason in words, with the figures
}

// ExactDescent runs the notes' gradient descent θₜ₊₁ = θₜ − η ∇f(θₜ) in
// exact rational arithmetic for a function f of the scalar variables wrt
// (its other variables fixed by data) from x0, with the rate lr: the
// iterates of f = x² − 4x + 3 from 4 with η = 1/10 are 4, 18/5, 82/25,
// 378/125, as by hand. It stops by the rules of Minimize with s's Iters
// and GradTol (s's Method and LR are not read). When f does not fold to
// exact numbers, or the numbers grow beyond a few thousand bits, it
// returns an error that wraps ErrInexact.
func ExactDescent(f nabla.Expr, wrt []string, x0 []*big.Rat, lr *big.Rat, data map[string]*big.Rat, s *Settings) (*ExactResult, error) {
	if len(wrt) != len(x0) {
		return nil, fmt.Errorf("optim: %d variables but %d starting values", len(wrt), len(x0))
	}
	for i, r := range x0 {
		if r == nil {
			return nil, fmt.Errorf("optim: no starting value for %s (a nil *big.Rat)", wrt[i])
		}
	}
	for k, r := range data {
		if r == nil {
			return nil, fmt.Errorf("optim: no value for %s (a nil *big.Rat)", k)
		}
	}
	if lr == nil {
		return nil, errors.New("optim: no learning rate (a nil *big.Rat)")
	}
	if lr.Sign() <= 0 {
		return nil, fmt.Errorf("optim: the learning rate must be positive, not %s", lr.RatString())
	}
	c, err := resolve(s)
	if err != nil {
		return nil, err
	}
	c.Method, c.LR = GD, ratFloat(lr)
	grad := make([]nabla.Expr, len(wrt))
	for i, v := range wrt {
		if dims, _ := f.VarDims(v); len(dims) > 0 {
			return nil, fmt.Errorf("%w: %s is a vector or matrix", ErrInexact, v)
		}
		d, err := nabla.Diff(f, v, 1)
		if err != nil {
			return nil, err
		}
		grad[i] = d
	}
	at := func(e nabla.Expr, x []*big.Rat) (*big.Rat, error) {
		defs := map[string]nabla.Expr{}
		for k, r := range data {
			defs[k] = nabla.Exact(r)
		}
		for i, v := range wrt {
			defs[v] = nabla.Exact(x[i])
		}
		r, ok := e.Subs(defs).Simplify().Rat()
		if !ok {
			return nil, fmt.Errorf("%w: %s does not fold to an exact number", ErrInexact, e)
		}
		if r.Num().BitLen()+r.Denom().BitLen() > maxExactBits {
			return nil, ErrTooLong
		}
		return r, nil
	}
	x := make([]*big.Rat, len(x0))
	for i, r := range x0 {
		x[i] = new(big.Rat).Set(r)
	}
	res := &ExactResult{}
	w := watch{c: c}
	for t := 0; ; t++ {
		it := ExactIterate{T: t, X: x}
		if it.F, err = at(f, x); err != nil {
			return nil, stepError(err, t)
		}
		g := make([]float64, len(grad))
		for i, d := range grad {
			gi, err := at(d, x)
			if err != nil {
				return nil, stepError(err, t)
			}
			it.Grad = append(it.Grad, gi)
			g[i] = ratFloat(gi)
		}
		res.Iterates = append(res.Iterates, it)
		xf := make([]float64, len(x))
		for i, r := range x {
			xf[i] = ratFloat(r)
		}
		var done bool
		if res.Stop, res.Why, done = w.check(t, ratFloat(it.F), g, xf); done {
			return res, nil
		}
		next := make([]*big.Rat, len(x))
		for i := range x {
			step := new(big.Rat).Mul(lr, it.Grad[i])
			next[i] = step.Sub(x[i], step)
		}
		x = next
	}
}

// stepError says at which step the exact numbers grew too long.
func stepError(err error, t int) error {
	if errors.Is(err, ErrTooLong) {
		return fmt.Errorf("%w at step %d", err, t)
	}
	return err
}

func ratFloat(r *big.Rat) float64 {
	v, _ := r.Float64()
	return v
}
