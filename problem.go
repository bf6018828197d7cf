package nabla

import (
	"errors"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// Problem returns the scalar function as a gonum optimize.Problem: Func,
// Grad and Hess from the program, exact, for optimize.Minimize with any
// method (BFGS and LBFGS use Grad, Newton uses Hess too).
//
// A point outside the function's domain has the value +Inf, which line
// searches take as a step too far. Any other error, and a gradient or
// Hessian that cannot be computed, stops the optimization through
// Status, which returns optimize.Failure and the error.
func (p *Program) Problem() optimize.Problem {
	var (
		mu    sync.Mutex
		first error
		hess  mat.Dense
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
	}
	return optimize.Problem{
		Func: func(x []float64) float64 {
			v, err := p.Value(x)
			if err != nil {
				var de *DomainError
				if !errors.As(err, &de) {
					fail(err)
				}
				return math.Inf(1)
			}
			return v
		},
		Grad: func(grad, x []float64) {
			if _, err := p.ValueGrad(grad, x); err != nil {
				fail(err)
				for i := range grad {
					grad[i] = math.NaN()
				}
			}
		},
		Hess: func(h *mat.SymDense, x []float64) {
			mu.Lock()
			defer mu.Unlock()
			if err := p.Hessian(&hess, x); err != nil {
				if first == nil {
					first = err
				}
				return
			}
			n := len(x)
			for i := 0; i < n; i++ {
				for j := i; j < n; j++ {
					h.SetSym(i, j, hess.At(i, j))
				}
			}
		},
		Status: func() (optimize.Status, error) {
			mu.Lock()
			defer mu.Unlock()
			if first != nil {
				return optimize.Failure, first
			}
			return optimize.NotTerminated, nil
		},
	}
}
