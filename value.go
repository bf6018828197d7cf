package nabla

import (
	"errors"
	"fmt"
	"slices"

	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
)

// Vector returns the column vector of the given scalar entries, the
// vector-valued function [f1, f2, …].
func Vector(entries ...Expr) Expr {
	if len(entries) == 0 {
		return invalid(errors.New("nabla: Vector of no entries"))
	}
	return build(func(ns []*expr.Node) (*expr.Node, error) {
		for i, n := range ns {
			if !n.Shape().IsScalar() {
				return nil, fmt.Errorf("nabla: Vector: entry %d is a %s, not a scalar", i, n.Shape().Describe())
			}
		}
		return expr.Vec(ns...), nil
	}, entries...)
}

// Len returns the number of entries of a vector or matrix literal, and 1
// for anything else.
func (e Expr) Len() int {
	if e.n == nil || e.n.Op() != expr.OpMatrix {
		return 1
	}
	return e.n.Size()
}

// Entry returns the entry at the given 0-based indices of a vector
// literal (one index) or matrix literal (row, column), and e itself for a
// scalar with no indices. Indices that do not fit give an invalid Expr.
func (e Expr) Entry(idx ...int) Expr {
	if e.n == nil {
		return e
	}
	dims, known := e.n.Shape().Ints()
	if !known {
		return invalid(fmt.Errorf("nabla: Entry: %s has symbolic sizes: index it in the syntax, as x[1]", e))
	}
	if len(idx) != len(dims) {
		return invalid(fmt.Errorf("nabla: Entry: %d indices for a %d-dimensional value", len(idx), len(dims)))
	}
	k := 0
	for i, x := range idx {
		if x < 0 || x >= dims[i] {
			return invalid(fmt.Errorf("nabla: Entry: index %d out of range [0, %d)", x, dims[i]))
		}
		k = k*dims[i] + x
	}
	if len(dims) == 0 {
		return e
	}
	if e.n.Op() != expr.OpMatrix {
		return e.with(expr.Index(e.n, plusOne(idx)...))
	}
	return e.with(e.n.Entry(k))
}

// plusOne turns 0-based indices into the syntax's 1-based ones.
func plusOne(idx []int) []int {
	out := make([]int, len(idx))
	for i, x := range idx {
		out[i] = x + 1
	}
	return out
}

// Tensor is a numeric value: a scalar (empty Shape), vector or matrix,
// with its entries in row-major order.
type Tensor struct {
	Shape []int
	Data  []float64
}

// At returns the entry at the given 0-based indices; like a slice index,
// it panics when they are out of range.
func (t Tensor) At(idx ...int) float64 {
	if len(idx) != len(t.Shape) {
		panic(fmt.Sprintf("nabla: Tensor.At: %d indices for %d dimensions", len(idx), len(t.Shape)))
	}
	k := 0
	for i, x := range idx {
		if x < 0 || x >= t.Shape[i] {
			panic(fmt.Sprintf("nabla: Tensor.At: index %d out of range [0, %d)", x, t.Shape[i]))
		}
		k = k*t.Shape[i] + x
	}
	return t.Data[k]
}

// check reports a value whose entries do not fit its shape.
func (t Tensor) check(name string) error {
	size := 1
	for _, d := range t.Shape {
		if d < 1 {
			return fmt.Errorf("the value of %s has a size %d: sizes are positive", name, d)
		}
		size *= d
	}
	if len(t.Data) != size {
		return fmt.Errorf("the value of %s has %d entries, but its shape %v needs %d", name, len(t.Data), t.Shape, size)
	}
	return nil
}

// EvalTensor evaluates e, scalar, vector or matrix, at the point env of
// scalar values.
func (e Expr) EvalTensor(env map[string]float64) (Tensor, error) {
	if e.n == nil {
		return Tensor{}, e.Err()
	}
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
//
// The values are read, never kept or changed, and the result is a new
// Tensor of its own.
func (e Expr) Value(env map[string]Tensor) (Tensor, error) {
	if e.n == nil {
		return Tensor{}, e.Err()
	}
	in, err := tensors(env)
	if err != nil {
		return Tensor{}, err
	}
	t, err := eval.EvalTensor(e.n, in, e.decl)
	if err != nil {
		return Tensor{}, err
	}
	return Tensor{Shape: slices.Clone(t.Shape), Data: slices.Clone(t.Data)}, nil
}

// tensors checks the values of env and gives them to the evaluators.
func tensors(env map[string]Tensor) (map[string]eval.Tensor, error) {
	in := make(map[string]eval.Tensor, len(env))
	for _, k := range expr.SortedNames(env) {
		v := env[k]
		if err := v.check(k); err != nil {
			return nil, err
		}
		in[k] = eval.Tensor{Shape: v.Shape, Data: v.Data}
	}
	return in, nil
}

// hasLinearAlgebra reports whether n has a vector or matrix variable, a
// literal vector or matrix, I or ones, or a linear-algebra operation,
// which the compiled scalar programs lack.
func hasLinearAlgebra(n *expr.Node) bool {
	return expr.Find(n, func(m *expr.Node) bool {
		info := m.Info()
		return m.Op().LinearAlgebra() || info.Tensor != nil && info.Eval == nil ||
			m.Op() == expr.OpSym && !m.Shape().IsScalar()
	}) != nil
}

// findVar returns the variable of n with the given name, or nil.
func findVar(n *expr.Node, name string) *expr.Node {
	return expr.Find(n, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == name })
}
