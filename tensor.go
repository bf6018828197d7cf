package nabla

import (
	"fmt"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/simplify"
)

// TensorDerivative is the derivative of a vector or matrix with respect to
// a matrix (or of a matrix with respect to a vector), which has no matrix
// form: d(Ax)/dA is M×(M×N), d(RᵀR)/dR is (N×N)×(M×N). It is given by the
// differential, as in the notes (dK = dRᵀ R + Rᵀ dR), by its entries in
// index notation (∂K_pq/∂R_ij = δ_jp R_iq + R_ip δ_jq), and, at a point,
// by the full numeric tensor.
type TensorDerivative struct {
	Of, Wrt      Expr
	Differential Expr   // df, linear in the differential of Wrt
	Index        string // the entries in index notation
	Shape        string // (codomain)×(domain), e.g. "m×(m×n)"

	dx *expr.Node // the differential symbol
}

// DiffTensor returns the derivative of f with respect to the vector or
// matrix variable wrt as a tensor.
func DiffTensor(f Expr, wrt string) (*TensorDerivative, error) {
	x := f.variable(wrt)
	if x == nil || x.Shape().IsScalar() {
		return nil, fmt.Errorf("%s is not a vector or matrix variable of %s", wrt, f)
	}
	name := "d" + wrt
	for findVar(f.n, name) != nil {
		name += "_" // never the name of a variable of f
	}
	dx := expr.NewSym(name, x.Shape())
	d, err := diff.Diff(f.n, x, &diff.Options{Seed: dx})
	if err != nil {
		return nil, tooLarge(err)
	}
	d = simplify.Simplify(d)
	t := &TensorDerivative{Of: f, Wrt: f.with(x), Differential: f.with(d), dx: dx}
	t.Shape = "(" + f.n.Shape().String() + ")×(" + x.Shape().String() + ")"
	t.Index = format.IndexForm(f.n, x, d, dx)
	return t, nil
}

// Values returns the numeric tensor at the point env: its shape is the
// shape of f followed by the shape of the variable, and entry
// [i…][p…] is ∂f_i…/∂x_p….
func (t *TensorDerivative) Values(env map[string]Tensor) (Tensor, error) {
	xv, ok := env[t.Wrt.n.Name()]
	if !ok {
		return Tensor{}, fmt.Errorf("no value for %s", t.Wrt.n.Name())
	}
	fv, err := t.Of.Value(env)
	if err != nil {
		return Tensor{}, err
	}
	n := len(xv.Data)
	out := Tensor{
		Shape: append(append([]int{}, fv.Shape...), xv.Shape...),
		Data:  make([]float64, len(fv.Data)*n),
	}
	e := make(map[string]Tensor, len(env)+1)
	for name, v := range env {
		e[name] = v
	}
	for k := 0; k < n; k++ {
		unit := Tensor{Shape: xv.Shape, Data: make([]float64, n)}
		unit.Data[k] = 1
		e[t.dx.Name()] = unit
		v, err := t.Differential.Value(e)
		if err != nil {
			return Tensor{}, err
		}
		for i := range fv.Data {
			x := v.Data[0] // a scalar differential (0) acts on every entry
			if len(v.Data) == len(fv.Data) {
				x = v.Data[i]
			}
			out.Data[i*n+k] = x
		}
	}
	return out, nil
}

// NeedsTensor reports whether the derivative of f with respect to wrt has
// no matrix form: a vector or matrix with respect to a matrix, or a matrix
// with respect to a vector.
func NeedsTensor(f Expr, wrt string) bool {
	x := f.variable(wrt)
	if x == nil || x.Shape().IsScalar() || f.n.Shape().IsScalar() {
		return false
	}
	return !(f.n.Shape().Rank() == 1 && x.Shape().Rank() == 1)
}
