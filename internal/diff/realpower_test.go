package diff

import (
	"errors"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
)

// TestNegativeBase checks that the three differentiators refuse a power
// of a negative constant whose exponent varies, over the reals, with the
// same error, and give 0 where the exponent is constant piece by piece;
// powers of 0 and of positive constants are differentiated.
func TestNegativeBase(t *testing.T) {
	tests := []struct {
		src, wrt string
		opts     *parse.Options
		want     string // the derivative, simplified, or the error
	}{
		{src: "(-2)^x", wrt: "x", want: "(-2)^x is real only at whole numbers x: it has no derivative over the reals"},
		{src: "(-1)^x", wrt: "x", want: "(-1)^x is real only at whole numbers x: it has no derivative over the reals"},
		{src: "(-e)^x", wrt: "x", want: "(-e)^x is real only at whole numbers x: it has no derivative over the reals"},
		{src: "(1 - pi)^x", wrt: "x", want: "(1 - pi)^x is real only at whole numbers x: it has no derivative over the reals"},
		{src: "(-2)^(2x)", wrt: "x", want: "(-2)^(2x) is real only where 2x is a whole number: it has no derivative over the reals"},
		{src: "y (-2)^(x y)", wrt: "x", want: "(-2)^(x y) is real only where x y is a whole number: it has no derivative over the reals"},
		{src: "sin((-3/2)^x)", wrt: "x", want: "(-3/2)^x is real only at whole numbers x: it has no derivative over the reals"},
		{src: "(-2)^sign(x)", wrt: "x", want: "0"},
		{src: "x (-2)^step(x)", wrt: "x", want: "(-2)^step(x)"},
		{src: "(-2)^y x", wrt: "x", want: "(-2)^y"},
		{src: "0^x", wrt: "x", want: "0"},
		{src: "2^x", wrt: "x", want: "2^x log(2)"},
		{src: "(-2)^x", wrt: "y", want: "0"},
		{src: "sum((-2).^x)", wrt: "x", opts: shapes(), want: "(-2).^x is real only where the entries of x are whole numbers: it has no derivative over the reals"},
		{src: "(-2).^x", wrt: "x", opts: shapes(), want: "(-2).^x is real only where the entries of x are whole numbers: it has no derivative over the reals"},
		{src: "sum((-2).^sign(x))", wrt: "x", opts: shapes(), want: "0"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			n := mustParse(t, tt.src, tt.opts)
			x := expr.NewSym(tt.wrt, expr.Scalar)
			if v := expr.Find(n, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == tt.wrt }); v != nil {
				x = v
			}
			check := func(how string, d *expr.Node, err error) {
				t.Helper()
				var real *NoRealDerivativeError
				switch {
				case err != nil && !errors.As(err, &real):
					t.Errorf("%s: error %v of type %T", how, err, err)
				case err != nil && err.Error() != tt.want:
					t.Errorf("%s: error %q, want %q", how, err, tt.want)
				case err == nil && text(d) != tt.want:
					t.Errorf("%s: %s, want %s", how, text(d), tt.want)
				}
			}
			if x.Shape().IsScalar() {
				d, err := Diff(n, x, nil)
				check("Diff", d, err)
			}
			if n.Shape().IsScalar() {
				g, err := Grad(n, []*expr.Node{x}, nil)
				var d *expr.Node
				if err == nil {
					d = g[0]
				}
				check("Grad", d, err)
			}
			if x.Shape().Rank() == 1 && n.Shape().Rank() == 1 {
				_, err := Jacobian(n, x, nil)
				check("Jacobian", nil, err)
			}
		})
	}
}
