package eval

import (
	"math"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
)

// TestStable checks that the tree evaluators take the stable form of
// what they evaluate: log(1 + exp(x)) and its relatives are finite and
// right where exp overflows, as scalars, on vectors and in complex
// arithmetic.
func TestStable(t *testing.T) {
	scalar := []struct {
		src  string
		x    float64
		want float64
	}{
		{"log(1 + exp(x))", 1000, 1000},
		{"log(1 + exp(x))", -1000, 0},
		{"log(exp(x) + 1)", 30, 30.000000000000092},
		{"log(1 + exp(-x))", -1000, 1000},
		{"log(sigmoid(x))", -1000, -1000},
		{"log(sigmoid(x))", 0, -math.Ln2},
		{"log(1 - sigmoid(x))", 1000, -1000},
		{"log(1 - sigmoid(x))", -1000, 0},
		{"3 log(1 + exp(2x)) + 1", 400, 2401},
		{"softplus(x)", 1e300, 1e300},
	}
	for _, tt := range scalar {
		got, err := Compile(mustParse(t, tt.src, nil)).At(map[string]float64{"x": tt.x})
		if err != nil {
			t.Errorf("%s at %v: %v", tt.src, tt.x, err)
			continue
		}
		if math.Abs(got-tt.want) > 1e-15*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("%s at %v = %v, want %v", tt.src, tt.x, got, tt.want)
		}
		z, err := Complex(mustParse(t, tt.src, nil), map[string]complex128{"x": complex(tt.x, 1e-20)})
		if err != nil || math.Abs(real(z)-tt.want) > 1e-15*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("%s at %v in complex arithmetic = %v, %v; want %v", tt.src, tt.x, z, err, tt.want)
		}
	}
	opts := &parse.Options{Vars: map[string]expr.Shape{"z": expr.NewShape(expr.Dim{Sym: "n"})}}
	vector := []struct {
		src  string
		want []float64
	}{
		{"log(sum(exp(z)))", []float64{1000 + math.Log(2)}},
		{"logsumexp(z)", []float64{1000 + math.Log(2)}},
		{"log(1 + exp(z))", []float64{1000, 1000, 0}},
		{"log(sigmoid(z))", []float64{0, 0, -1000}},
		{"softmax(z)", []float64{0.5, 0.5, 0}},
	}
	z := Tensor{Shape: []int{3}, Data: []float64{1000, 1000, -1000}}
	for _, tt := range vector {
		got, err := EvalTensor(mustParse(t, tt.src, opts), map[string]Tensor{"z": z}, nil)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		for i, w := range tt.want {
			if math.Abs(got.Data[i]-w) > 1e-15*math.Max(1, math.Abs(w)) {
				t.Errorf("%s: entry %d is %v, want %v", tt.src, i, got.Data[i], w)
			}
		}
	}
}

// TestComplexStepAtZero checks the complex step of sinc at 0, where its
// derivative is the limit 0.
func TestComplexStepAtZero(t *testing.T) {
	z, err := Complex(mustParse(t, "sinc(x)", nil), map[string]complex128{"x": complex(0, 1e-20)})
	if err != nil || real(z) != 1 || imag(z) != 0 {
		t.Errorf("sinc(ih) = %v, %v; want 1", z, err)
	}
}
