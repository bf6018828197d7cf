package expr

import (
	"math"
	"testing"
)

// TestConstValue checks the values of scalars without variables, and
// that a variable, a vector or a value outside a domain has none.
func TestConstValue(t *testing.T) {
	x := NewSym("x", Scalar)
	tests := []struct {
		name string
		n    *Node
		want float64
		ok   bool
	}{
		{"integer", Int64(-2), -2, true},
		{"fraction", NewConst(Rat(-3, 2)), -1.5, true},
		{"-e", Neg(NewConstant(E)), -math.E, true},
		{"1 - pi", Sub(one, NewConstant(Pi)), 1 - math.Pi, true},
		{"sqrt(2) - 2", Sub(Pow(two, NewConst(Rat(1, 2))), two), math.Sqrt2 - 2, true},
		{"sin(1)", Call(OpSin, one), math.Sin(1), true},
		{"variable", x, 0, false},
		{"with a variable", Add(x, one), 0, false},
		{"vector", Ones(NewShape(Dim{N: 2})), 0, false},
		{"outside the domain", Call(OpLog, Int64(-1)), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ConstValue(tt.n)
			if ok != tt.ok || ok && math.Abs(got-tt.want) > 1e-15 {
				t.Errorf("ConstValue = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
