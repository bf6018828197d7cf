package tensor_test

import (
	"math"
	"testing"

	"github.com/nabla-math/nabla/internal/tensor"
)

// TestMatPow checks matrix powers against repeated products: positive
// powers by squaring, the identity at 0, powers of the inverse below.
func TestMatPow(t *testing.T) {
	a := matrix(3, 3, 2, 1, 0, -1, 3, 1, 0.5, 0, 1)
	inv := tensor.New(3, 3)
	if err := tensor.Inverse(inv, a); err != nil {
		t.Fatal(err)
	}
	power := func(base tensor.T, k int) tensor.T {
		acc := identity(3)
		for range k {
			next := tensor.New(3, 3)
			if err := tensor.MatMul(next, []tensor.T{acc, base}); err != nil {
				t.Fatal(err)
			}
			acc = next
		}
		return acc
	}
	for _, k := range []int{0, 1, 2, 3, 5, 8, 13, -1, -2, -5} {
		want := power(a, k)
		if k < 0 {
			want = power(inv, -k)
		}
		got := tensor.New(3, 3)
		if err := tensor.MatPow(got, a, k); err != nil {
			t.Fatalf("A^%d: %v", k, err)
		}
		if !near(got, want, 1e-9*(1+math.Abs(want.Data[0]))) {
			t.Errorf("A^%d = %v, want %v", k, got.Data, want.Data)
		}
	}
	if err := tensor.MatPow(tensor.New(3, 3), matrix(3, 3, 1, 2, 3, 2, 4, 6, 0, 0, 1), -2); errKind(err) != "domain" {
		t.Errorf("a power of a singular matrix's inverse: %v, want a domain error", err)
	}
	if err := tensor.MatPow(tensor.New(2, 2), matrix(2, 3, 1, 2, 3, 4, 5, 6), 2); err == nil {
		t.Error("the power of a 2×3 matrix gives no error")
	}
}

// TestKron checks Kronecker products of matrices, vectors and rows.
func TestKron(t *testing.T) {
	tests := []struct {
		name string
		a, b tensor.T
		want tensor.T
	}{
		{"matrices", matrix(2, 2, 1, 2, 3, 4), matrix(2, 2, 0, 5, 6, 7),
			matrix(4, 4, 0, 5, 0, 10, 6, 7, 12, 14, 0, 15, 0, 20, 18, 21, 24, 28)},
		{"matrix and vector", matrix(1, 2, 1, 2), vec(3, 4), matrix(2, 2, 3, 6, 4, 8)},
		{"vectors", vec(1, 2), vec(3, 4, 5), vec(3, 4, 5, 6, 8, 10)},
		{"vector and row", vec(1, 2), matrix(1, 2, 3, 4), matrix(2, 2, 3, 4, 6, 8)},
		{"2×3 and 3×2", matrix(2, 3, 1, 0, 2, 0, 1, 0), matrix(3, 2, 1, 2, 3, 4, 5, 6),
			matrix(6, 6,
				1, 2, 0, 0, 2, 4,
				3, 4, 0, 0, 6, 8,
				5, 6, 0, 0, 10, 12,
				0, 0, 1, 2, 0, 0,
				0, 0, 3, 4, 0, 0,
				0, 0, 5, 6, 0, 0)},
	}
	for _, tt := range tests {
		got := tensor.T{Shape: tt.want.Shape, Data: make([]float64, len(tt.want.Data))}
		if err := tensor.Kron(got, tt.a, tt.b); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !near(got, tt.want, 0) {
			t.Errorf("%s: %v, want %v", tt.name, got.Data, tt.want.Data)
		}
	}
	if err := tensor.Kron(tensor.New(3, 3), vec(1, 2), vec(1, 2)); err == nil {
		t.Error("a Kronecker product that does not fit gives no error")
	}
}

// TestReductions checks mean, prod and min.
func TestReductions(t *testing.T) {
	a := matrix(2, 2, 1, -2, 3, 4)
	if got := scalarOf(tensor.Mean, a); got.Data[0] != 1.5 {
		t.Errorf("mean = %v, want 1.5", got.Data[0])
	}
	if got := scalarOf(tensor.Prod, a); got.Data[0] != -24 {
		t.Errorf("prod = %v, want -24", got.Data[0])
	}
	if got := scalarOf(tensor.Min, a); got.Data[0] != -2 {
		t.Errorf("min = %v, want -2", got.Data[0])
	}
	if got := scalarOf(tensor.Min, vec(1, math.NaN())); !math.IsNaN(got.Data[0]) {
		t.Errorf("min with a NaN = %v, want NaN", got.Data[0])
	}
}
