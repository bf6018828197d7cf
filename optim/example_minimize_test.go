package optim_test

import (
	"fmt"
	"math/big"

	"github.com/nabla-math/nabla"
	"github.com/nabla-math/nabla/optim"
)

// The notes' gradient descent on f = x² − 4x + 3 from x₀ = 4 with
// η = 0.1, in exact arithmetic.
func ExampleExactDescent() {
	f := nabla.MustParse("x^2 - 4x + 3")
	res, err := optim.ExactDescent(f, []string{"x"}, []*big.Rat{big.NewRat(4, 1)}, big.NewRat(1, 10), nil, &optim.Settings{Iters: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range res.Iterates {
		x, _ := it.X[0].Float64()
		fmt.Printf("t = %d: x = %v (%s), ∂f/∂x = %s\n", it.T, x, it.X[0].RatString(), it.Grad[0].RatString())
	}
	fmt.Println(res.Why)
	// Output:
	// t = 0: x = 4 (4), ∂f/∂x = 4
	// t = 1: x = 3.6 (18/5), ∂f/∂x = 16/5
	// t = 2: x = 3.28 (82/25), ∂f/∂x = 64/25
	// t = 3: x = 3.024 (378/125), ∂f/∂x = 256/125
	// 3 iterations, ‖∇f‖ = 2.05
}

// Rosenbrock's function from (−1.2, 1) by BFGS, fed nabla's exact
// gradient, and by Newton's method with its exact Hessian.
func ExampleMinimize() {
	f := nabla.MustParse("100(y - x^2)^2 + (1 - x)^2")
	p, err := nabla.Compile(f, "x", "y")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range []optim.Method{optim.BFGS, optim.Newton} {
		r, err := optim.Minimize(p, []float64{-1.2, 1}, &optim.Settings{Method: m})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: x = (%.6f, %.6f) after %d iterations, %v\n", m, r.X[0], r.X[1], r.T, r.Stop)
	}
	// Output:
	// bfgs: x = (1.000000, 1.000000) after 39 iterations, gradient norm below tolerance
	// newton: x = (1.000000, 1.000000) after 6 iterations, gradient norm below tolerance
}
