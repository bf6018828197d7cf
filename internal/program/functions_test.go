package program

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/tensor"
)

// TestFunctionsAgainstTree checks the functions of machine-learning
// calculus in programs, element-wise on vectors, in their block kernels
// and as scalars, the vector functions logsumexp and softmax, matrix
// powers, Kronecker products, softmax(Z, d) and the reductions, against
// the tree evaluator.
func TestFunctionsAgainstTree(t *testing.T) {
	srcs := []string{
		"sum(sech(x) + csch(x) + coth(x) + asinh(x) + atan2(x, y) + acot(x))",
		"sum(erf(x) + erfc(y) + gelu(x) + silu(y) + softplus(x) + sinc(y))",
		"sum(relu(x) + step(y) + leaky_relu(x, 0.1) + huber(x, 0.5) + max(x, y) + min(x, 0))",
		"sum(cbrt(x) + log(2 + x .^ 2, 3) + log2(1 + y .^ 2) + log10(5 + x))",
		"sum(lgamma(3 + x .^ 2) + digamma(2 + y .^ 2) + trigamma(1 + x .^ 2) + polygamma(2, 4 + x))",
		"gamma(2 + x .^ 2) .* sec(y / 10)",
		"logsumexp(A x) + softmax(x)' y",
		"softmax(A x + y)",
		"max(x, y) .* min(x, a)",
		"log(1 + exp(A x))",
		"sum(log(sigmoid(x)) + log(1 - sigmoid(y)))",
		"log(sum(exp(x)))",
		"tr(A^3) + sum((A + 3I)^-2 x) + x' A^0 y",
		"(A + 2I)^-3 x + A^5 y",
		"kron(A, B)",
		"sum(sin(kron(A, x))) + kron(x, y)' kron(x, y)",
		"kron(A, y) x",
		"softmax(A, 2) + softmax(A, 1)",
		"softmax(A, 2) x",
		"mean(A) + prod(x) + min(y) + max(A) + <A, A>",
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, src := range srcs {
		n := mustParse(t, src)
		for trial := 0; trial < 3; trial++ {
			sizes := map[string]int{}
			env := values(rng, n, sizes)
			want, werr := eval.EvalTensor(n, env, nil)
			if werr != nil {
				t.Fatalf("%s: %v", src, werr)
			}
			var ins []Input
			var x []float64
			for _, v := range expr.Vars(n) {
				ins = append(ins, Input{Name: v.Name(), Shape: v.Shape()})
				x = append(x, env[v.Name()].Data...)
			}
			p, err := Compile([]*expr.Node{n}, ins)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			for sym, k := range sizes {
				if err := p.SetSize(sym, k); err != nil {
					t.Fatalf("%s: %v", src, err)
				}
			}
			check(t, src, p, x, want, nil)
		}
	}
}

// TestStable checks that programs evaluate log(1 + exp(u)), log(sigmoid(u)),
// log(1 - sigmoid(u)) and log(sum(exp(z))) without overflow where exp
// overflows float64, as scalars and on vectors.
func TestStable(t *testing.T) {
	scalar := []struct {
		src  string
		x    float64
		want float64
	}{
		{"log(1 + exp(p))", 1000, 1000},
		{"log(1 + exp(p))", -1000, 0},
		{"log(1 + exp(-p))", -1000, 1000},
		{"log(sigmoid(p))", -1000, -1000},
		{"log(sigmoid(p))", 1000, 0},
		{"log(1 - sigmoid(p))", 1000, -1000},
		{"2 log(1 + exp(p)) - p", 800, 800},
	}
	for _, tt := range scalar {
		n := mustParse(t, tt.src)
		p, err := Compile([]*expr.Node{n}, []Input{{Name: "p", Shape: expr.Scalar}})
		if err != nil {
			t.Fatal(err)
		}
		f, err := p.Eval([]float64{tt.x})
		if err != nil {
			t.Errorf("%s at %v: %v", tt.src, tt.x, err)
			continue
		}
		if got := f.Out(0).Data[0]; math.Abs(got-tt.want) > 1e-12*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("%s at %v = %v, want %v", tt.src, tt.x, got, tt.want)
		}
		f.Done()
	}
	vector := []struct {
		src  string
		want []float64
	}{
		{"log(1 + exp(x))", []float64{1000, 0, math.Ln2}},
		{"log(sigmoid(x))", []float64{0, -1000, -math.Ln2}},
		{"[log(sum(exp(x)))]", []float64{1000}},
		{"softmax(x)", []float64{1, 0, 1.0 / 3}},
	}
	x := tensor.T{Shape: []int{3}, Data: []float64{1000, -1000, 0}}
	for _, tt := range vector {
		n := mustParse(t, tt.src)
		p, err := Compile([]*expr.Node{n}, []Input{{Name: "x", Shape: shapeOf(n, "x")}})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.SetSize(shapeOf(n, "x").Dim(0).Sym, 3); err != nil {
			t.Fatal(err)
		}
		f, err := p.Eval(x.Data)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		got := f.Out(0).Data
		if tt.src == "softmax(x)" {
			got, tt.want = got[:2], tt.want[:2] // softmax(1000, -1000, 0) is (1, 0, e^-1000)
		}
		for i := range tt.want {
			if math.Abs(got[i]-tt.want[i]) > 1e-12*math.Max(1, math.Abs(tt.want[i])) {
				t.Errorf("%s: entry %d is %v, want %v", tt.src, i, got[i], tt.want[i])
			}
		}
		f.Done()
	}
}
