package diff

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/simplify"
)

// values gives every vector of shapes() size 3 and every matrix 3×3, the
// matrices well conditioned.
func values() map[string]eval.Tensor {
	vec := func(d ...float64) eval.Tensor { return eval.Tensor{Shape: []int{3}, Data: d} }
	mat := func(d ...float64) eval.Tensor { return eval.Tensor{Shape: []int{3, 3}, Data: d} }
	return map[string]eval.Tensor{
		"x": vec(0.3, -0.5, 0.7),
		"y": vec(0.2, 0.4, -0.1),
		"a": vec(1, -2, 0.5),
		"b": vec(0.2, 0.1, -1),
		"A": mat(2, 0.5, 0.1, 0.3, 3, 0.2, 0.1, 0.4, 1.5),
		"B": mat(1, 0.2, 0, -0.3, 1, 0.1, 0.2, 0, 2),
		"t": eval.Scalar(0.7),
	}
}

// numericJacobian estimates the Jacobian of f with respect to the vector
// x at vals by central differences, row-major, m×p.
func numericJacobian(t *testing.T, f *expr.Node, x string, vals map[string]eval.Tensor, declared map[string]expr.Shape) []float64 {
	t.Helper()
	const h = 1e-5
	x0 := vals[x]
	p := len(x0.Data)
	at := func(j int, dx float64) []float64 {
		v := map[string]eval.Tensor{}
		for k, w := range vals {
			v[k] = w
		}
		xs := slices.Clone(x0.Data)
		xs[j] += dx
		v[x] = eval.Tensor{Shape: x0.Shape, Data: xs}
		r, err := eval.EvalTensor(f, v, declared)
		if err != nil {
			t.Fatalf("EvalTensor(%s): %v", format.Text(f), err)
		}
		return r.Data
	}
	m := len(at(0, 0))
	jac := make([]float64, m*p)
	for j := range p {
		plus, minus := at(j, h), at(j, -h)
		for i := range m {
			jac[i*p+j] = (plus[i] - minus[i]) / (2 * h)
		}
	}
	return jac
}

// TestJacobian checks Jacobians in matrix form, their shapes, and their
// values against central differences.
func TestJacobian(t *testing.T) {
	tests := []struct {
		src, want, shape string
	}{
		{"x", "I", "m×m"},
		{"2x", "2I", "m×m"},
		{"x + a", "I", "m×m"},
		{"A x", "A", "m×n"},
		{"A' x", "Aᵀ", "n×m"},
		{"x' A", "Aᵀ", "n×m"},
		{"inv(A) x", "inv(A)", "m×m"},
		{"sin(x)", "diag(cos(x))", "m×m"},
		{"exp(x) + 1", "diag(exp(x))", "m×m"},
		{"x .* a", "diag(a)", "m×m"},
		{"x ./ a", "diag(1./a)", "m×m"},
		{"x .^ 2", "2diag(x)", "m×m"},
		{"diag(x) a", "diag(a)", "m×m"},
		{"x x' a", "(xᵀ a) I + x aᵀ", "m×m"},
		{"(x' a) x", "(xᵀ a) I + x aᵀ", "m×m"},
		{"(x a') b", "(aᵀ b) I", "m×m"},
		{"A x x' a", "(xᵀ a) A + A x aᵀ", "m×n"},
		{"norm(x) x", "x xᵀ/norm(x) + norm(x) I", "m×m"},
		{"sigmoid(A x)", "diag((1 - sigmoid(A x)) .* sigmoid(A x)) A", "m×n"},
		{"A' sigmoid(A x)", "Aᵀ diag((1 - sigmoid(A x)) .* sigmoid(A x)) A", "n×n"},
		{"inv(A + x a') b", "-(aᵀ inv(A + x aᵀ) b) inv(A + x aᵀ)", "m×m"},
		{"sin(t) x", "sin(t) I", "m×m"},
		// Scalars: a row.
		{"sum(x)", "onesᵀ", "1×m"},
		{"x' x", "2xᵀ", "1×m"},
		{"x' A x", "xᵀ (A + Aᵀ)", "1×m"},
		{"det(A + x x')", "xᵀ (det(A + x xᵀ) inv(A + x xᵀ)ᵀ + det(A + x xᵀ) inv(A + x xᵀ))", "1×m"},
		{"tr(x a')", "aᵀ", "1×m"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			opts := shapes()
			var declared map[string]expr.Shape
			opts.Resolved = &declared
			n := mustParse(t, tt.src, opts)
			x := variable(t, n, "x")
			j, err := Jacobian(n, x, nil)
			if err != nil {
				t.Fatal(err)
			}
			j = simplify.Simplify(j)
			if got := format.Text(j); got != tt.want {
				t.Errorf("J_x %s = %s, want %s", tt.src, got, tt.want)
			}
			if got := j.Shape().String(); got != tt.shape {
				t.Errorf("J_x %s has shape %s, want %s", tt.src, got, tt.shape)
			}
			vals := values()
			got, err := eval.EvalTensor(j, vals, declared)
			if err != nil {
				t.Fatalf("EvalTensor(%s): %v", format.Text(j), err)
			}
			want := numericJacobian(t, n, "x", vals, declared)
			if len(got.Data) != len(want) {
				t.Fatalf("J_x %s has %d entries, finite differences %d", tt.src, len(got.Data), len(want))
			}
			for i := range want {
				if math.Abs(got.Data[i]-want[i]) > 1e-6*(1+math.Abs(want[i])) {
					t.Fatalf("J_x %s = %v, finite differences give %v", tt.src, got.Data, want)
				}
			}
		})
	}
}

// TestJacobianIndependent checks that the Jacobian of a vector that does
// not depend on x is the zero matrix of its shape.
func TestJacobianIndependent(t *testing.T) {
	n := mustParse(t, "A a + b", shapes())
	x := expr.NewSym("x", expr.NewShape(expr.Dim{Sym: "p"}))
	j, err := Jacobian(n, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := expr.Zero(expr.NewShape(n.Shape().Dim(0), x.Shape().Dim(0)))
	if !expr.Equal(j, want) {
		t.Errorf("J_x(A a + b) = %s of shape %s, want zero of shape %s", format.Text(j), j.Shape(), want.Shape())
	}
}

// TestJacobianIndependentScalar checks that the Jacobian of a scalar
// that does not depend on x is the zero row.
func TestJacobianIndependentScalar(t *testing.T) {
	n := mustParse(t, "a' a", shapes())
	x := expr.NewSym("x", expr.NewShape(expr.Dim{Sym: "p"}))
	j, err := Jacobian(n, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := j.Shape().String(), "1×p"; got != want {
		t.Errorf("J_x(aᵀ a) = %s of shape %s, want zero of shape %s", format.Text(j), got, want)
	}
}

// TestJacobianNotAVariable checks that the Jacobian with respect to
// anything but a vector variable is an error, as for Diff and Grad.
func TestJacobianNotAVariable(t *testing.T) {
	n := mustParse(t, "A x", shapes())
	j, err := Jacobian(n, mustParse(t, "2", nil), nil)
	if want := "cannot differentiate with respect to number: not a variable"; err == nil || err.Error() != want {
		t.Errorf("Jacobian with respect to 2 = %v, %v, want error %q", j, err, want)
	}
}

// TestJacobianUnsupported checks that what has no Jacobian in matrix form
// is an error, not a panic.
func TestJacobianUnsupported(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"x a'", "cannot differentiate through an outer product of a vector that depends on the variable with respect to a vector or matrix"},
		{"(x a') .* A b", "cannot differentiate through an element-wise product of matrices with respect to a vector or matrix"},
		{"diag(x)", "cannot differentiate through diag with respect to a vector or matrix"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			n := mustParse(t, tt.src, shapes())
			j, err := Jacobian(n, variable(t, n, "x"), nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("J_x %s = %v, %v, want error %q", tt.src, j, err, tt.want)
			}
		})
	}
}

// TestJacobianCanceled checks that Jacobian, like Diff, stops on a
// canceled context by a *budget.Stopped panic for the entry point to
// recover.
func TestJacobianCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := expr.NewSym("x", expr.NewShape(expr.Dim{Sym: "n"}))
	n := nested(x, 3000)
	err := func() (err error) {
		defer budget.Catch(&err)
		_, err = Jacobian(n, x, &Options{Budget: budget.New(ctx)})
		return err
	}()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Jacobian on a canceled context: error %v, want context.Canceled", err)
	}
	// With a live context it goes through. (Not 3000 deep: the forward
	// Jacobian of a chain takes time quadratic in its length.)
	j, err := Jacobian(nested(x, 300), x, &Options{Budget: budget.New(context.Background())})
	if err != nil {
		t.Fatal(err)
	}
	if j.Op() != expr.OpDiag || j.Shape() != expr.NewShape(x.Shape().Dim(0), x.Shape().Dim(0)) {
		t.Errorf("J_x of 300 nested sines = %.40s… of shape %s, want a diagonal n×n", format.Text(j), j.Shape())
	}
}
