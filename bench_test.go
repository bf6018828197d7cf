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
