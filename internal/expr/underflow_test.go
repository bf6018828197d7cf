package expr

import (
	"math/big"
	"strings"
	"testing"
)

// TestProductUnderflow checks that a product of floats that are not 0
// never folds to 0 where it underflows: it is kept exactly, as one that
// overflows, so that x·1e-300·1e-300 keeps its x. A factor 0 and a sum
// that cancels still give 0.
func TestProductUnderflow(t *testing.T) {
	x := NewSym("x", Scalar)
	f := func(v float64) *Node { return NewConst(Float(v)) }
	exact := func(factors ...float64) *big.Rat {
		r := big.NewRat(1, 1)
		for _, v := range factors {
			r.Mul(r, new(big.Rat).SetFloat64(v))
		}
		return r
	}
	tests := []struct {
		name string
		n    *Node
		want *big.Rat // the coefficient, nil for 0
	}{
		{"x·1e-300·1e-300", Mul(x, f(1e-300), f(1e-300)), exact(1e-300, 1e-300)},
		{"1e-300·1e-300·1e300·x, in any order", Mul(f(1e-300), f(1e-300), x, f(1e300)), exact(1e-300, 1e-300, 1e300)},
		{"1e-300·1e-300", Mul(f(1e-300), f(1e-300)), exact(1e-300, 1e-300)},
		{"an exact factor: 10^-300·1e-300·x", Mul(NewConst(BigRat(new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(300), nil)))), f(1e-300), x), new(big.Rat).Mul(new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(300), nil)), exact(1e-300))},
		{"0.0·1e-300·x", Mul(f(0), f(1e-300), x), nil},
		{"1e-300 − 1e-300", Add(f(1e-300), f(-1e-300)), nil},
	}
	for _, tt := range tests {
		k, rest := SplitCoeff(tt.n)
		if tt.want == nil {
			if !k.IsZero() && !tt.n.IsZero() {
				t.Errorf("%s = %v, want 0", tt.name, tt.n)
			}
			continue
		}
		if k.IsZero() || k.IsFloat() || exactOf(k).rat().Cmp(tt.want) != 0 {
			t.Errorf("%s: the coefficient %v, want %v exactly", tt.name, k, tt.want.FloatString(10))
		}
		if strings.Contains(tt.name, "x") && (rest == nil || len(Vars(tt.n)) != 1) {
			t.Errorf("%s = %v: lost its variable", tt.name, tt.n)
		}
	}
}
