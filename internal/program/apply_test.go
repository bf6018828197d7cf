package program

import (
	"errors"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
)

// TestDeclaredFunctionsHaveNoValue checks that a program of an expression
// that applies a declared function is refused: it has no value.
func TestDeclaredFunctionsHaveNoValue(t *testing.T) {
	x := expr.NewSym("x", expr.Scalar)
	f := expr.NewApply("f", nil, x)
	for _, outs := range [][]*expr.Node{{f}, {expr.Call(expr.OpSin, x), expr.Mul(x, f)}} {
		_, err := Compile(outs, []Input{{Name: "x", Shape: expr.Scalar}})
		var nv *expr.NoValueError
		if !errors.As(err, &nv) || err.Error() != "f is an abstract function: it has no value" {
			t.Errorf("Compile of %d outputs: error %v, want the refusal", len(outs), err)
		}
	}
}
