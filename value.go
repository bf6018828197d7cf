package nabla

import (
	"fmt"

	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
)

// Vector returns the column vector of the given scalar entries, the
// vector-valued function [f1, f2, …].
func Vector(entries ...Expr) Expr {
	return Expr{n: expr.Vec(nodes(entries)...)}
}

// Len returns the number of entries of a vector or matrix, and 1 for a
// scalar.
func (e Expr) Len() int {
	if e.n.Op() != expr.OpMatrix {
		return 1
	}
	return e.n.Size()
}

// Entry returns the entry at the given indices of a vector (one index) or
// matrix (row, column); it panics if they are out of range.
func (e Expr) Entry(idx ...int) Expr {
	dims := e.Shape()
	if len(idx) != len(dims) {
		panic(fmt.Sprintf("nabla: Entry: %d indices for a %d-dimensional value", len(idx), len(dims)))
	}
	k := 0
	for i, x := range idx {
		if x < 0 || x >= dims[i] {
			panic(fmt.Sprintf("nabla: Entry: index %d out of range [0, %d)", x, dims[i]))
		}
		k = k*dims[i] + x
	}
	if len(dims) == 0 {
		return e
	}
	return e.with(e.n.Entry(k))
}

// entries returns the scalar entries of e: e itself for a scalar.
func (e Expr) entries() []*expr.Node {
	if e.n.Op() != expr.OpMatrix {
		return []*expr.Node{e.n}
	}
	out := make([]*expr.Node, e.n.Size())
	for k := range out {
		out[k] = e.n.Entry(k)
	}
	return out
}

// Tensor is a numeric value: a scalar (empty Shape), vector or matrix,
// with its entries in row-major order.
type Tensor struct {
	Shape []int
	Data  []float64
}

// At returns the entry at the given indices.
func (t Tensor) At(idx ...int) float64 {
	k := 0
	for i, x := range idx {
		k = k*t.Shape[i] + x
	}
	return t.Data[k]
}

// EvalTensor evaluates e, scalar, vector or matrix, at the point env of
// scalar values.
func (e Expr) EvalTensor(env map[string]float64) (Tensor, error) {
	if !hasLinearAlgebra(e.n) {
		p := eval.Compile(e.n)
		in, err := p.Inputs(env)
		if err != nil {
			return Tensor{}, err
		}
		data, err := p.EvalAll(in)
		if err != nil {
			return Tensor{}, err
		}
		return Tensor{Shape: append([]int{}, p.Shape()...), Data: data}, nil
	}
	values := make(map[string]Tensor, len(env))
	for k, v := range env {
		values[k] = Tensor{Data: []float64{v}}
	}
	return e.Value(values)
}

// Value evaluates e at the point env, whose values may be scalars,
// vectors or matrices; the symbolic sizes of declared vectors and matrices
// take the sizes of their values.
func (e Expr) Value(env map[string]Tensor) (Tensor, error) {
	in := make(map[string]eval.Tensor, len(env))
	for k, v := range env {
		in[k] = eval.Tensor{Shape: v.Shape, Data: v.Data}
	}
	t, err := eval.EvalTensor(e.n, in, e.decl)
	if err != nil {
		return Tensor{}, err
	}
	return Tensor{Shape: t.Shape, Data: t.Data}, nil
}

// hasLinearAlgebra reports whether n has a vector or matrix variable or a
// linear-algebra operation, which the compiled scalar programs lack.
func hasLinearAlgebra(n *expr.Node) bool {
	return expr.Find(n, func(m *expr.Node) bool {
		return m.Op().LinearAlgebra() || m.Op() == expr.OpSym && !m.Shape().IsScalar()
	}) != nil
}

// findVar returns the variable of n with the given name, or nil.
func findVar(n *expr.Node, name string) *expr.Node {
	return expr.Find(n, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == name })
}
