package fd

import (
	"math/big"
	"slices"
	"testing"
)

func TestStencilWeights(t *testing.T) {
	tests := []struct {
		scheme  Scheme
		deriv   int
		points  int
		offsets []int
		coeffs  []float64
		order   int
	}{
		{Central, 1, 2, []int{-1, 1}, []float64{-0.5, 0.5}, 2},
		{Central, 1, 4, []int{-2, -1, 1, 2}, []float64{1.0 / 12, -8.0 / 12, 8.0 / 12, -1.0 / 12}, 4},
		{Central, 1, 6, []int{-3, -2, -1, 1, 2, 3}, []float64{-1.0 / 60, 9.0 / 60, -45.0 / 60, 45.0 / 60, -9.0 / 60, 1.0 / 60}, 6},
		{Central, 1, 8, []int{-4, -3, -2, -1, 1, 2, 3, 4}, []float64{1.0 / 280, -4.0 / 105, 1.0 / 5, -4.0 / 5, 4.0 / 5, -1.0 / 5, 4.0 / 105, -1.0 / 280}, 8},
		{Forward, 1, 2, []int{0, 1}, []float64{-1, 1}, 1},
		{Forward, 1, 3, []int{0, 1, 2}, []float64{-1.5, 2, -0.5}, 2},
		{Forward, 1, 4, []int{0, 1, 2, 3}, []float64{-11.0 / 6, 3, -1.5, 1.0 / 3}, 3},
		{Backward, 1, 2, []int{0, -1}, []float64{1, -1}, 1},
		{Backward, 1, 3, []int{0, -1, -2}, []float64{1.5, -2, 0.5}, 2},
		{Central, 2, 2, []int{-1, 0, 1}, []float64{1, -2, 1}, 2},
		{Central, 2, 4, []int{-2, -1, 0, 1, 2}, []float64{-1.0 / 12, 16.0 / 12, -30.0 / 12, 16.0 / 12, -1.0 / 12}, 4},
		{Forward, 2, 2, []int{0, 1, 2}, []float64{1, -2, 1}, 1},
		{Forward, 2, 3, []int{0, 1, 2, 3}, []float64{2, -5, 4, -1}, 2},
		{Backward, 2, 2, []int{0, -1, -2}, []float64{1, -2, 1}, 1},
	}
	for _, tt := range tests {
		st, _ := stencilPair(tt.scheme, tt.points, tt.deriv)
		if !slices.Equal(st.offsets, tt.offsets) || !slices.Equal(st.coeffs, tt.coeffs) || st.order != tt.order {
			t.Errorf("%v, derivative %d, %d points: offsets %v weights %v order %d, want %v %v %d",
				tt.scheme, tt.deriv, tt.points, st.offsets, st.coeffs, st.order, tt.offsets, tt.coeffs, tt.order)
		}
	}
}

// TestStencilOrders checks the documented orders of accuracy of every
// stencil, that the weights satisfy the Taylor conditions exactly, and
// that each stencil's points include those of the stencil below it.
func TestStencilOrders(t *testing.T) {
	fact := func(n int) *big.Rat { return new(big.Rat).SetInt(new(big.Int).MulRange(1, int64(n))) }
	for key, st := range stencilTable() {
		var want int
		switch {
		case key.scheme == Central:
			want = key.points
		default:
			want = key.points - 1
		}
		if st.order != want {
			t.Errorf("%+v: order %d, want %d", key, st.order, want)
		}
		for m := range len(st.offsets) {
			w := new(big.Rat)
			if m == key.deriv {
				w = fact(m)
			}
			if got := st.moment(m); got.Cmp(w) != 0 {
				t.Errorf("%+v: moment %d = %v, want %v", key, m, got, w)
			}
		}
		if wantN := key.points + key.deriv - 1; key.scheme != Central && len(st.offsets) != wantN {
			t.Errorf("%+v: %d points, want %d", key, len(st.offsets), wantN)
		}
		if key.points <= maxPoints {
			main, next := stencilPair(key.scheme, key.points, key.deriv)
			for _, a := range main.offsets {
				if !slices.Contains(next.offsets, a) {
					t.Errorf("%+v: next stencil %v lacks offset %d", key, next.offsets, a)
				}
			}
			if next.order <= main.order {
				t.Errorf("%+v: next stencil has order %d ≤ %d", key, next.order, main.order)
			}
		}
	}
}
