package nabla

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The numeric benchmarks: derivatives at points of the losses people fit,
// at the sizes bench/numeric.sh runs NumPy and PyTorch on.

func randomDense(rng *rand.Rand, r, c int) *mat.Dense {
	data := make([]float64, r*c)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	return mat.NewDense(r, c, data)
}

func randomSlice(rng *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = rng.NormFloat64()
	}
	return out
}

// mustCompile parses src with the declarations, compiles it with the
// inputs and binds data.
func mustCompile(b testing.TB, src string, opts *ParseOptions, inputs []string, data map[string]any) *Program {
	f, err := ParseWith(src, opts)
	if err != nil {
		b.Fatal(err)
	}
	p, err := Compile(f, inputs...)
	if err != nil {
		b.Fatal(err)
	}
	for name, v := range data {
		if err := p.Bind(name, v); err != nil {
			b.Fatal(err)
		}
	}
	return p
}

// BenchmarkN1LeastSquares: L = ‖y − Φθ‖² and its gradient, Φ 100,000×100.
func BenchmarkN1LeastSquares(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, d = 100_000, 100
	p := mustCompile(b, "||y - Φ θ||^2", &ParseOptions{Vectors: []string{"y", "θ"}, Matrices: []string{"Φ"}},
		[]string{"θ"}, map[string]any{"Φ": randomDense(rng, n, d), "y": randomSlice(rng, n)})
	theta, grad := randomSlice(rng, d), make([]float64, d)
	p.ValueGrad(grad, theta) // compiles the gradient
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.ValueGrad(grad, theta); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkN1LeastSquaresValue is the loss alone, for the ratio.
func BenchmarkN1LeastSquaresValue(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, d = 100_000, 100
	p := mustCompile(b, "||y - Φ θ||^2", &ParseOptions{Vectors: []string{"y", "θ"}, Matrices: []string{"Φ"}},
		[]string{"θ"}, map[string]any{"Φ": randomDense(rng, n, d), "y": randomSlice(rng, n)})
	theta := randomSlice(rng, d)
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Value(theta); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkN2LogisticHessian: the Hessian of the logistic loss, X 1000×1000.
func BenchmarkN2LogisticHessian(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	const n, d = 1000, 1000
	labels := make([]float64, n)
	for i := range labels {
		labels[i] = float64(2*rng.IntN(2) - 1)
	}
	p := mustCompile(b, "sum(log(1 + exp(-y .* (X w))))", &ParseOptions{Vectors: []string{"y", "w"}, Matrices: []string{"X"}},
		[]string{"w"}, map[string]any{"X": randomDense(rng, n, d), "y": labels})
	w := randomSlice(rng, d)
	for i := range w {
		w[i] *= 0.03
	}
	var h mat.Dense
	p.Hessian(&h, w) // compiles the Hessian
	b.ResetTimer()
	for b.Loop() {
		if err := p.Hessian(&h, w); err != nil {
			b.Fatal(err)
		}
	}
}

// extendedRosenbrock compiles the extended Rosenbrock function of Moré, Garbow and
// Hillstrom over n = 2k variables, the odd-numbered ones u and the even v:
// Σ 100(v_i − u_i²)² + (1 − u_i)².
func extendedRosenbrock(b *testing.B) (*Program, []float64) {
	const k = 500_000
	p := mustCompile(b, "sum(100 (v - u.^2).^2 + (1 - u).^2)", &ParseOptions{Vectors: []string{"u", "v"}},
		[]string{"u", "v"}, nil)
	rng := rand.New(rand.NewPCG(3, 3))
	return p, randomSlice(rng, 2*k)
}

// BenchmarkN3Rosenbrock: value and gradient of the extended Rosenbrock
// function, n = 10⁶.
func BenchmarkN3Rosenbrock(b *testing.B) {
	p, x := extendedRosenbrock(b)
	grad := make([]float64, len(x))
	p.ValueGrad(grad, x) // compiles the gradient
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.ValueGrad(grad, x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkN3RosenbrockValue is the value alone, for the ratio.
func BenchmarkN3RosenbrockValue(b *testing.B) {
	p, x := extendedRosenbrock(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Value(x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkN4SmallGrad: the gradient of x1²x2 + x1x2³ at a point.
func BenchmarkN4SmallGrad(b *testing.B) {
	p := mustCompile(b, "x1^2 x2 + x1 x2^3", nil, []string{"x1", "x2"}, nil)
	x, grad := []float64{1.5, -0.5}, make([]float64, 2)
	p.ValueGrad(grad, x) // compiles the gradient
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.ValueGrad(grad, x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkN5Jacobian: the Jacobian of A x + sin(x), A 500×500.
func BenchmarkN5Jacobian(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	const d = 500
	p := mustCompile(b, "A x + sin(x)", &ParseOptions{Vectors: []string{"x"}, Matrices: []string{"A"}},
		[]string{"x"}, map[string]any{"A": randomDense(rng, d, d)})
	x := randomSlice(rng, d)
	var j mat.Dense
	p.Jacobian(&j, x) // compiles the Jacobian
	b.ResetTimer()
	for b.Loop() {
		if err := p.Jacobian(&j, x); err != nil {
			b.Fatal(err)
		}
	}
}
