package calc

import (
	"context"
	"fmt"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/tensor"
)

// Tensor is the derivative of a vector or matrix with respect to a
// matrix (or of a matrix with respect to a vector), which has no matrix
// form: d(Ax)/dA is M×(M×N), d(RᵀR)/dR is (N×N)×(M×N). It is given by the
// differential, as in the notes (dK = dRᵀ R + Rᵀ dR), by its entries in
// index notation (∂K_pq/∂R_ij = δ_jp R_iq + R_ip δ_jq), and, at a point,
// by the full numeric tensor.
type Tensor struct {
	Of, Wrt      *expr.Node
	Differential *expr.Node // df, linear in the differential of Wrt
	Index        string     // the entries in index notation; "" if none
	IndexLaTeX   string     // Index in LaTeX
	Shape        string     // (codomain)×(domain), e.g. "(m)×(m×n)"
	DX           *expr.Node // the differential of Wrt, a variable of Differential
}

// tensor is the derivative of f with respect to the vector or matrix x as
// a tensor: the differential of f with the seed dX for x.
func (c *computation) tensor(f, x *expr.Node) (*Tensor, error) {
	name := "d" + x.Name()
	for usesName(f, name) {
		name += "_" // never the name of a variable of f
	}
	dx := expr.NewSym(name, x.Shape())
	if x.IsSymmetric() {
		dx = expr.NewSymmetric(name, x.Shape()) // dW, like W, is symmetric
	}
	opts := *c.diffOptions()
	opts.Seed = dx
	d, err := diff.Diff(f, x, &opts)
	if err != nil {
		return nil, tooLarge(err)
	}
	d = c.simp.Simplify(d)
	t := &Tensor{
		Of: f, Wrt: x, Differential: d, DX: dx,
		Shape: "(" + f.Shape().String() + ")×(" + x.Shape().String() + ")",
	}
	if !x.IsSymmetric() {
		// The entries of a symmetric matrix are not independent: no
		// ∂f/∂W_pq of one entry alone.
		t.Index, t.IndexLaTeX = format.IndexForm(f, x, d, dx)
	}
	return t, nil
}

// Values returns the numeric tensor at the point env: its shape is the
// shape of f followed by the shape of the variable, and entry [i…][p…] is
// ∂f_i…/∂x_p…. decl gives the shapes of declared variables; ctx bounds
// the work.
func (t *Tensor) Values(ctx context.Context, env map[string]tensor.T, decl map[string]expr.Shape) (out tensor.T, err error) {
	b := budget.New(ctx)
	defer budget.Catch(&err)
	xv, ok := env[t.Wrt.Name()]
	if !ok {
		return tensor.T{}, fmt.Errorf("no value for %s", t.Wrt.Name())
	}
	fv, err := eval.EvalTensor(t.Of, env, decl)
	if err != nil {
		return tensor.T{}, err
	}
	n := len(xv.Data)
	out = tensor.T{
		Shape: append(append([]int{}, fv.Shape...), xv.Shape...),
		Data:  make([]float64, len(fv.Data)*n),
	}
	e := make(map[string]tensor.T, len(env)+1)
	for name, v := range env {
		e[name] = v
	}
	for k := 0; k < n; k++ {
		b.Step(len(fv.Data))
		unit := tensor.T{Shape: xv.Shape, Data: make([]float64, n)}
		unit.Data[k] = 1
		if t.Wrt.IsSymmetric() {
			// The direction (E_pq + E_qp)/2 among symmetric matrices,
			// as the gradient sym(G) takes it.
			side := xv.Shape[0]
			p, q := k/side, k%side
			unit.Data[k] = 0.5
			unit.Data[q*side+p] += 0.5
		}
		e[t.DX.Name()] = unit
		v, err := eval.EvalTensor(t.Differential, e, decl)
		if err != nil {
			return tensor.T{}, err
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
