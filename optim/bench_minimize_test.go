package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	difffd "gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/nabla-math/nabla"
)

// leastSquares compiles ‖y − Φθ‖² with Φ of n×d random entries bound.
func leastSquares(t testing.TB, n, d int) *nabla.Program {
	rng := rand.New(rand.NewPCG(7, 7))
	phi := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			phi.Set(i, j, rng.NormFloat64())
		}
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	p := compile(t, "||y - Φ θ||^2", &nabla.ParseOptions{Vectors: []string{"y", "θ"}, Matrices: []string{"Φ"}}, "θ")
	if err := p.Bind("Φ", phi); err != nil {
		t.Fatal(err)
	}
	if err := p.Bind("y", y); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGradientDescentAllocs checks that a step of gradient descent
// allocates nothing: runs of 5 and of 50 steps allocate alike.
func TestGradientDescentAllocs(t *testing.T) {
	p := leastSquares(t, 200, 5)
	x0 := make([]float64, 5)
	run := func(iters int) float64 {
		return testing.AllocsPerRun(5, func() {
			if _, err := Minimize(p, x0, &Settings{LR: 1e-4, Iters: iters, GradTol: 1e-300}); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a5, a50 := run(5), run(50); a50 != a5 {
		t.Errorf("gradient descent allocates %v times in 5 steps and %v in 50: steps allocate", a5, a50)
	}
}

// BenchmarkGDStep: one step of gradient descent on least squares, Φ
// 100,000×100, next to one evaluation of the loss and its gradient
// (BenchmarkGDStep/valuegrad): a step costs that and O(D).
func BenchmarkGDStep(b *testing.B) {
	p := leastSquares(b, 100_000, 100)
	x := make([]float64, 100)
	const steps = 10
	b.Run("step", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Minimize(p, x, &Settings{LR: 1e-7, Iters: steps - 1, GradTol: 1e-300}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*steps), "ns/step")
	})
	b.Run("valuegrad", func(b *testing.B) {
		g := make([]float64, len(x))
		for b.Loop() {
			if _, err := p.ValueGrad(g, x); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/step")
	})
}

// rosenbrockN is the extended Rosenbrock function of n = 2k variables,
// Σ 100(vᵢ − uᵢ²)² + (1 − uᵢ)², in the order (u, v), and its start
// (−1.2, …, 1, …).
const rosenbrockSrc = "sum(100 (v - u.^2).^2 + (1 - u).^2)"

func rosenbrockStart(k int) []float64 {
	x := make([]float64, 2*k)
	for i := range k {
		x[i], x[k+i] = -1.2, 1
	}
	return x
}

// rosenbrockGo is the same function written in Go, for gonum.
func rosenbrockGo(x []float64) float64 {
	k := len(x) / 2
	s := 0.0
	for i := range k {
		u, v := x[i], x[k+i]
		s += 100*(v-u*u)*(v-u*u) + (1-u)*(1-u)
	}
	return s
}

// BenchmarkLBFGSRosenbrock: L-BFGS on Rosenbrock, n = 1000, from
// (−1.2, 1, …) to a gradient norm below 1e-8, with nabla's exact
// gradient (nabla) and with gonum/diff/fd's central differences, the Go
// user's other option (gonum-fd). Each reports its function and gradient
// evaluations (evals/op, a gradient by differences counting the
// evaluations of f it takes) and the log10 of the true gradient norm it
// ends at.
func BenchmarkLBFGSRosenbrock(b *testing.B) {
	const k = 500
	opts := &nabla.ParseOptions{Vectors: []string{"u", "v"}}
	p := compile(b, rosenbrockSrc, opts, "u", "v")
	x0 := rosenbrockStart(k)
	trueGrad := func(x []float64) float64 {
		g := make([]float64, len(x))
		if _, err := p.ValueGrad(g, x); err != nil {
			b.Fatal(err)
		}
		return floats.Norm(g, 2)
	}
	b.Run("nabla", func(b *testing.B) {
		var r *Result
		for b.Loop() {
			var err error
			if r, err = Minimize(p, x0, &Settings{Method: LBFGS, Iters: 10000}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(r.Evals), "evals/op")
		b.ReportMetric(math.Log10(trueGrad(r.X)), "log10-gradnorm")
		if r.Stop != GradientSmall {
			b.Errorf("stopped by %v: %s", r.Stop, r.Why)
		}
	})
	b.Run("gonum-fd", func(b *testing.B) {
		var res *optimize.Result
		evals := 0
		problem := optimize.Problem{
			Func: func(x []float64) float64 { evals++; return rosenbrockGo(x) },
			Grad: func(g, x []float64) {
				difffd.Gradient(g, rosenbrockGo, x, &difffd.Settings{Formula: difffd.Central})
				evals += 2 * len(x)
			},
		}
		for b.Loop() {
			evals = 0
			var err error
			res, err = optimize.Minimize(problem, x0, &optimize.Settings{GradientThreshold: 1e-8, MajorIterations: 10000}, &optimize.LBFGS{})
			if err != nil && res == nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(evals), "evals/op")
		g := trueGrad(res.X)
		b.ReportMetric(math.Log10(g), "log10-gradnorm")
		if !(g < 1e-8) || math.IsNaN(g) {
			b.Logf("gonum with differences stops at a gradient norm of %.3g (%v)", g, res.Status)
		}
	})
}
