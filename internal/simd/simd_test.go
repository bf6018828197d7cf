package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernels checks every kernel against its plain loop, to the bit, at
// every length up to a few blocks and at every offset of the slices, with
// NaN, infinities, signed zeros and subnormals among the entries.
func TestKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, 5e-324, -1e308, 1e308}
	draw := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			if rng.IntN(10) == 0 {
				x[i] = special[rng.IntN(len(special))]
			} else {
				x[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10))
			}
		}
		return x
	}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	for n := 0; n <= 70; n++ {
		for off := 0; off < 3; off++ {
			a, b := draw(n + off)[off:], draw(n + off)[off:]
			c := rng.NormFloat64()
			got, want := make([]float64, n), make([]float64, n)
			for _, k := range []struct {
				name      string
				fast, ref func()
			}{
				{"Add", func() { Add(got, a, b) }, func() { addGo(want, a, b) }},
				{"AddScalar", func() { AddScalar(got, a, c) }, func() { addScalarGo(want, a, c) }},
				{"Mul", func() { Mul(got, a, b) }, func() { mulGo(want, a, b) }},
				{"MulScalar", func() { MulScalar(got, a, c) }, func() { mulScalarGo(want, a, c) }},
				{"Square", func() { Square(got, a) }, func() { mulGo(want, a, a) }},
			} {
				k.fast()
				k.ref()
				for i := range got {
					if !same(got[i], want[i]) {
						t.Fatalf("%s, %d entries at offset %d: entry %d is %v, want %v", k.name, n, off, i, got[i], want[i])
					}
				}
			}
			if s, w := Sum(a), sumGo(a); !same(s, w) {
				t.Fatalf("Sum of %d entries at offset %d = %v, want %v", n, off, s, w)
			}
		}
	}
	t.Logf("vector kernels in use: %v", Available())
}

func BenchmarkMul256(b *testing.B) {
	x, y, d := make([]float64, 256), make([]float64, 256), make([]float64, 256)
	for b.Loop() {
		Mul(d, x, y)
	}
}

func BenchmarkMul256Go(b *testing.B) {
	x, y, d := make([]float64, 256), make([]float64, 256), make([]float64, 256)
	for b.Loop() {
		mulGo(d, x, y)
	}
}
