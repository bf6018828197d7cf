package nabla_test

import (
	"fmt"

	"github.com/nabla-math/nabla"
)

// The rules of differentiation, shown on abstract functions: the product
// rule, the chain rule, a second derivative and the multivariate chain
// rule.
func ExampleParseOptions_functions() {
	for _, c := range []struct {
		src, wrt  string
		functions []string
	}{
		{"f(x) g(x)", "x", []string{"f", "g"}},
		{"f(g(t))", "t", []string{"f", "g"}},
		{"f(x(t), y(t))", "t", []string{"f", "x", "y"}},
	} {
		e, err := nabla.ParseWith(c.src, &nabla.ParseOptions{Functions: c.functions})
		if err != nil {
			fmt.Println(err)
			return
		}
		d, _ := e.Diff(c.wrt)
		fmt.Println(d)
	}
	e, _ := nabla.ParseWith("f(t)^2", &nabla.ParseOptions{Functions: []string{"f"}})
	d2, _ := nabla.Diff(e, "t", 2)
	fmt.Println(d2)
	// Output:
	// f'(x) g(x) + f(x) g'(x)
	// f'(g(t)) g'(t)
	// ∂₁f(x(t), y(t)) x'(t) + ∂₂f(x(t), y(t)) y'(t)
	// 2(f'(t)^2 + f(t) f''(t))
}

func ExampleFunc() {
	x, y := nabla.Var("x"), nabla.Var("y")
	f := nabla.Func("f", nabla.Mul(x, y), nabla.Sin(x))
	d, _ := f.Diff("x")
	fmt.Println(f)
	fmt.Println(d)
	fmt.Println(d.LaTeX())
	_, err := f.Eval(map[string]float64{"x": 1, "y": 2})
	fmt.Println(err)
	// Output:
	// f(x y, sin(x))
	// y ∂₁f(x y, sin(x)) + cos(x) ∂₂f(x y, sin(x))
	// y \partial_{1} f\left(x y, \sin\left(x\right)\right) + \cos\left(x\right) \partial_{2} f\left(x y, \sin\left(x\right)\right)
	// f is an abstract function: it has no value
}
