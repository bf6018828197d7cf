package nabla

import (
	"context"
	"errors"
	"fmt"

	"github.com/nabla-math/nabla/internal/calc"
)

// TensorDerivative is the derivative of a vector or matrix with respect to
// a matrix (or of a matrix with respect to a vector), which has no matrix
// form: d(Ax)/dA is M×(M×N), d(RᵀR)/dR is (N×N)×(M×N). It is given by the
// differential, as in the notes (dK = dRᵀ R + Rᵀ dR), by its entries in
// index notation (∂K_pq/∂R_ij = δ_jp R_iq + R_ip δ_jq), and, at a point,
// by the full numeric tensor.
type TensorDerivative struct {
	// Of is the expression differentiated: f, or for a Hessian with
	// respect to a matrix the gradient ∂f/∂X.
	Of, Wrt      Expr
	Differential Expr   // df, linear in the differential of Wrt
	Index        string // the entries in index notation; "" where none is known
	IndexLaTeX   string // Index in LaTeX
	Shape        string // (codomain)×(domain), e.g. "(m)×(m×n)"

	t *calc.Tensor
}

func (e Expr) tensorDerivative(t *calc.Tensor) *TensorDerivative {
	return &TensorDerivative{Of: e.with(t.Of), Wrt: e.with(t.Wrt), Differential: e.with(t.Differential), Index: t.Index, IndexLaTeX: t.IndexLaTeX, Shape: t.Shape, t: t}
}

// DiffTensor returns the derivative of f with respect to the vector or
// matrix variable wrt as a tensor.
func DiffTensor(f Expr, wrt string) (*TensorDerivative, error) {
	if f.n == nil {
		return nil, f.Err()
	}
	x := calc.Variable(f.n, f.decl, wrt)
	if x.Shape().IsScalar() || f.n.Shape().IsScalar() || f.n.Shape().Rank() == 1 && x.Shape().Rank() == 1 {
		if x.Shape().IsScalar() {
			return nil, fmt.Errorf("%s is not a vector or matrix variable of %s", wrt, f)
		}
		return nil, fmt.Errorf("the derivative of %s with respect to %s has a matrix form: use Diff", f, wrt)
	}
	d, err := Derive(context.Background(), f, []string{wrt}, nil)
	if err != nil {
		return nil, err
	}
	return d.Tensor, nil
}

// Values returns the numeric tensor at the point env: its shape is the
// shape of f followed by the shape of the variable, and entry
// [i…][p…] is ∂f_i…/∂x_p….
func (t *TensorDerivative) Values(env map[string]Tensor) (Tensor, error) {
	return t.ValuesContext(context.Background(), env)
}

// ValuesContext is Values bounded by ctx.
func (t *TensorDerivative) ValuesContext(ctx context.Context, env map[string]Tensor) (Tensor, error) {
	if t == nil || t.t == nil {
		return Tensor{}, errors.New("nabla: a TensorDerivative that DiffTensor or Derive did not make has no values")
	}
	in, err := tensors(env)
	if err != nil {
		return Tensor{}, err
	}
	v, err := t.t.Values(ctx, in, t.Of.decl)
	if err != nil {
		return Tensor{}, err
	}
	return Tensor{Shape: v.Shape, Data: v.Data}, nil
}

// NeedsTensor reports whether the derivative of f with respect to wrt has
// no matrix form: a vector or matrix with respect to a matrix, or a matrix
// with respect to a vector.
func NeedsTensor(f Expr, wrt string) bool {
	if f.n == nil {
		return false
	}
	x := calc.Variable(f.n, f.decl, wrt)
	if x.Shape().IsScalar() || f.n.Shape().IsScalar() {
		return false
	}
	return !(f.n.Shape().Rank() == 1 && x.Shape().Rank() == 1)
}
