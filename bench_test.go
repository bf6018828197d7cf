package nabla

import (
	"fmt"
	"testing"
)

// seedSet is the set of univariate derivatives from the lecture notes
// that the benchmarks in bench/ compare with SymPy and GiNaC.
var seedSet = []string{
	"x^2", "x^6", "x^5 - x^2 + x", "x^2 - 4x + 3", "sin(2x+1)", "(sin(x^4))^5",
	"x^3 sin(x)", "(x^2+5x+6)^10", "exp(x)", "(x^2+1)/(x-1)", "x^x", "x^n",
}

// BenchmarkSeedDerivative measures one parse + differentiate + simplify of
// a seed expression, cycling through the set.
func BenchmarkSeedDerivative(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		e, err := Parse(seedSet[i%len(seedSet)])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Diff("x"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExpSin15 measures the 15th derivative of exp(sin(x)).
func BenchmarkExpSin15(b *testing.B) {
	b.ReportAllocs()
	var d Expr
	for b.Loop() {
		e, err := Parse("exp(sin(x))")
		if err != nil {
			b.Fatal(err)
		}
		if d, err = Diff(e, "x", 15); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(d.Size()), "ops")
}

func nestedSin(depth int) Expr {
	e := Var("x")
	for range depth {
		e = Sin(e)
	}
	return e
}

// BenchmarkNestedSin measures d/dx of sin(sin(…sin(x)…)).
func BenchmarkNestedSin(b *testing.B) {
	for _, depth := range []int{200, 2000} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			b.ReportAllocs()
			e := nestedSin(depth)
			var d Expr
			for b.Loop() {
				var err error
				if d, err = e.Diff("x"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(d.Nodes()), "nodes")
		})
	}
}

// rosenbrock returns Σ 100(x_{i+1} - x_i^2)^2 + (1 - x_i)^2 in n variables
// and the names of the variables.
func rosenbrock(n int) (Expr, []string) {
	names := make([]string, n)
	xs := make([]Expr, n)
	for i := range xs {
		names[i] = fmt.Sprintf("x%d", i+1)
		xs[i] = Var(names[i])
	}
	terms := make([]Expr, 0, 2*n)
	for i := 0; i+1 < n; i++ {
		terms = append(terms,
			Mul(Int(100), Pow(Sub(xs[i+1], Pow(xs[i], Int(2))), Int(2))),
			Pow(Sub(Int(1), xs[i]), Int(2)))
	}
	return Add(terms...), names
}

// BenchmarkRosenbrockHessian measures the symbolic Hessian of the
// Rosenbrock function in n variables.
func BenchmarkRosenbrockHessian(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			f, vars := rosenbrock(n)
			b.ReportAllocs()
			var h Expr
			for b.Loop() {
				var err error
				if h, err = Hessian(f, vars...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(h.Nodes()), "nodes")
		})
	}
}

// BenchmarkProductGradient measures the gradient of x1·x2·…·xn.
func BenchmarkProductGradient(b *testing.B) {
	for _, n := range []int{500} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			names := make([]string, n)
			xs := make([]Expr, n)
			for i := range xs {
				names[i] = fmt.Sprintf("x%d", i+1)
				xs[i] = Var(names[i])
			}
			f := Mul(xs...)
			b.ReportAllocs()
			var g Expr
			for b.Loop() {
				var err error
				if g, err = Grad(f, names...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(g.Nodes()), "nodes")
		})
	}
}
