package eval

import (
	"errors"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
)

// TestDeclaredFunctionsHaveNoValue checks that each evaluator refuses an
// expression that applies a declared function, whatever the point: a
// function known by its name alone has no value.
func TestDeclaredFunctionsHaveNoValue(t *testing.T) {
	x := expr.NewSym("x", expr.Scalar)
	n := expr.Add(expr.Call(expr.OpLog, x), expr.NewApply("f", []int{1}, expr.Pow(x, expr.Int64(2))))
	const msg = "f is an abstract function: it has no value"
	check := func(what string, err error) {
		t.Helper()
		var nv *expr.NoValueError
		if !errors.As(err, &nv) || err.Error() != msg {
			t.Errorf("%s: error %v, want %s", what, err, msg)
		}
	}
	p := Compile(n)
	// At x = -1, log is outside its domain too: the missing value comes
	// first, at every point.
	for _, at := range []float64{2, -1} {
		_, err := p.Eval([]float64{at}, nil)
		check("Eval", err)
		_, err = p.EvalAll([]float64{at})
		check("EvalAll", err)
		_, err = p.At(map[string]float64{"x": at})
		check("At", err)
		_, err = EvalTensor(n, map[string]Tensor{"x": Scalar(at)}, nil)
		check("EvalTensor", err)
		_, err = Complex(n, map[string]complex128{"x": complex(at, 1e-20)})
		check("Complex", err)
	}
	// Without a value for x, the function still answers first.
	_, err := EvalTensor(n, nil, nil)
	check("EvalTensor without x", err)
}
