package eval

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/tensor"
)

// Tensor is a numeric value: a scalar (no dimensions), a vector or a
// matrix, with its entries in row-major order.
type Tensor = tensor.T

// Scalar returns the scalar x as a Tensor.
func Scalar(x float64) Tensor { return tensor.Scalar(x) }

func shapeText(t Tensor) string {
	if t.IsScalar() {
		return "a scalar"
	}
	return tensor.ShapeString(t.Shape)
}

// tensorEval evaluates a graph of vectors and matrices.
type tensorEval struct {
	env  map[string]Tensor
	dims map[string]int
	from map[string]expr.SizeSource // the value each size was read from
	memo expr.Memo[Tensor]
}

// EvalTensor evaluates n with the values env of its variables, scalars,
// vectors or matrices. Symbolic sizes take the sizes of the values; values
// whose sizes disagree are an error, and so are a singular matrix to
// invert and a value outside a function's domain.
//
// declared, if not nil, gives the shapes of declared variables, so that
// their values settle sizes even where the expression has lost them, as
// in sum(x ./ x).
//
// It evaluates the stable form of n (expr.Stable): log(sum(exp(z))) is
// logsumexp(z), which no large entry overflows. An expression without a
// value, one that applies a declared function, is an *expr.NoValueError.
func EvalTensor(n *expr.Node, env map[string]Tensor, declared map[string]expr.Shape) (Tensor, error) {
	if err := expr.CheckValues(n); err != nil {
		return Tensor{}, err
	}
	n = expr.Stable(n)
	e := &tensorEval{env: env, dims: map[string]int{}, from: map[string]expr.SizeSource{}}
	names := make([]string, 0, len(declared))
	for name := range declared {
		if _, ok := env[name]; ok {
			names = append(names, name)
		}
	}
	expr.SortNames(names)
	for _, name := range names {
		if err := e.bindValue(name, declared[name]); err != nil {
			return Tensor{}, err
		}
	}
	var err error
	expr.Inspect(n, func(m *expr.Node) bool {
		if err == nil && m.Op() == expr.OpSym {
			err = e.bindValue(m.Name(), m.Shape())
			if err == nil && m.IsSymmetric() {
				err = CheckSymmetric(m.Name(), e.env[m.Name()])
			}
		}
		return err == nil
	})
	if err != nil {
		return Tensor{}, err
	}
	v, err := e.eval(n)
	if err != nil {
		return Tensor{}, err
	}
	return own(v, env), nil
}

// own returns v, or a copy of it where it is the storage of a value of
// env, as the value of a variable alone (f = x) or of its transpose is:
// a caller that changes env afterwards, to take a finite difference,
// would change the result too.
func own(v Tensor, env map[string]Tensor) Tensor {
	if len(v.Data) == 0 {
		return v
	}
	for _, w := range env {
		if len(w.Data) > 0 && &w.Data[0] == &v.Data[0] {
			return Tensor{Shape: slices.Clone(v.Shape), Data: slices.Clone(v.Data)}
		}
	}
	return v
}

// bindValue checks the value of the variable name against its shape s and
// settles the symbolic sizes of s.
func (e *tensorEval) bindValue(name string, s expr.Shape) error {
	v, ok := e.env[name]
	if !ok {
		return fmt.Errorf("no value for %s", name)
	}
	if len(v.Shape) != s.Rank() {
		want := map[int]string{0: "a scalar", 1: "a vector", 2: "a matrix"}[s.Rank()]
		return fmt.Errorf("%s is %s, but its value is %s", name, want, shapeText(v))
	}
	for i := 0; i < s.Rank(); i++ {
		d := s.Dim(i)
		switch {
		case d.N > 0 && d.N != v.Shape[i]:
			return fmt.Errorf("%s has size %s, but its value has %d", name, s, v.Shape[i])
		case d.N == 0:
			if k, ok := e.dims[d.Sym]; ok && k != v.Shape[i] {
				from := e.from[d.Sym]
				if from.Name == name {
					return fmt.Errorf("the value of %s is %s, but its sizes must be equal (both %s)", name, v.Describe(), d.Sym)
				}
				return errors.New(expr.SizeConflict(d.Sym, from, k, expr.SizeSource{Name: name, Rank: s.Rank(), Dim: i}, v.Shape[i]))
			}
			e.dims[d.Sym] = v.Shape[i]
			e.from[d.Sym] = expr.SizeSource{Name: name, Rank: s.Rank(), Dim: i}
		}
	}
	return nil
}

// symmetryTolerance is how far, relative to the larger of two mirrored
// entries, the value of a symmetric matrix may be from symmetric.
const symmetryTolerance = 1e-12

// CheckSymmetric reports an entry where the value v of the symmetric
// matrix name is not symmetric: a derivative computed for a symmetric
// matrix is wrong at any other.
func CheckSymmetric(name string, v Tensor) error {
	n := v.Shape[0]
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a, b := v.Data[i*n+j], v.Data[j*n+i]
			if math.Abs(a-b) > symmetryTolerance*math.Max(math.Abs(a), math.Abs(b)) {
				return fmt.Errorf("%s is declared symmetric, but its value is not: %s[%d,%d] = %v and %s[%d,%d] = %v",
					name, name, i+1, j+1, a, name, j+1, i+1, b)
			}
		}
	}
	return nil
}

func (e *tensorEval) size(d expr.Dim) (int, error) {
	if d.N > 0 {
		return d.N, nil
	}
	k, ok := e.dims[d.Sym]
	if !ok {
		return 0, fmt.Errorf("the size %s is not known: give a value that has it", d.Sym)
	}
	return k, nil
}

// known returns the value of the symbolic size d, if a value gave it.
// settled is the size of d where it is known: a number, or bound.
func (e *tensorEval) settled(d expr.Dim) (int, bool) {
	if d.N > 0 {
		return d.N, true
	}
	return e.known(d)
}

func (e *tensorEval) known(d expr.Dim) (int, bool) {
	k, ok := e.dims[d.Sym]
	return k, ok
}

func (e *tensorEval) domain(n *expr.Node, msg string) error {
	return &DomainError{Node: n, Msg: msg}
}

// MaxEntries bounds the entries of one value that the evaluators compute,
// 512 MiB of float64: a larger one (eye(1000000) is 10¹² entries, and
// 10 eye(10000) 10⁸, seconds of work) is an error, not memory run out or
// a long wait.
const MaxEntries = 1 << 26

// TooLarge reports, as an error that names n, a value of n with more
// than MaxEntries entries, its sizes given by size.
func TooLarge(n *expr.Node, size func(expr.Dim) (int, bool)) error {
	s := n.Shape()
	entries := 1
	for i := range s.Rank() {
		k, ok := size(s.Dim(i))
		if !ok {
			return nil
		}
		if k > 0 && entries > MaxEntries/k {
			text := format.Short(n, 80)
			return fmt.Errorf("%s has more than %d entries, more than nabla evaluates", text, MaxEntries)
		}
		entries *= k
	}
	return nil
}

func (e *tensorEval) eval(n *expr.Node) (Tensor, error) {
	if v, ok := e.memo.Get(n); ok {
		return v, nil
	}
	if !n.Shape().IsScalar() {
		if err := TooLarge(n, e.settled); err != nil {
			return Tensor{}, err
		}
	}
	v, err := e.compute(n)
	if err != nil {
		return Tensor{}, err
	}
	v = e.conform(n, v)
	for _, x := range v.Data {
		if math.IsNaN(x) {
			return Tensor{}, e.domain(n, "undefined value")
		}
		if math.IsInf(x, 0) {
			return Tensor{}, e.domain(n, "overflow")
		}
	}
	e.memo.Put(n, v)
	return v, nil
}

// conform gives v the shape of the node n where the sizes are known: a
// matrix product of m×1 factors is m×1, not a vector, when n says so.
func (e *tensorEval) conform(n *expr.Node, v Tensor) Tensor {
	s := n.Shape()
	if s.Rank() == len(v.Shape) {
		return v
	}
	shape := make([]int, s.Rank())
	size := 1
	for i := range shape {
		k, err := e.size(s.Dim(i))
		if err != nil {
			return v
		}
		shape[i], size = k, size*k
	}
	if size != len(v.Data) {
		return v
	}
	v.Shape = shape
	return v
}

func (e *tensorEval) args(n *expr.Node) ([]Tensor, error) {
	out := make([]Tensor, len(n.Args()))
	for i, a := range n.Args() {
		v, err := e.eval(a)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// elementwise computes an element-wise operation entry by entry, scalars
// acting on every entry.
func (e *tensorEval) elementwise(n *expr.Node, vs []Tensor) (Tensor, error) {
	info := n.Info()
	var out Tensor
	size := 1
	for _, v := range vs {
		if v.IsScalar() {
			continue
		}
		if out.Shape == nil {
			out.Shape, size = v.Shape, len(v.Data)
			continue
		}
		if !tensor.SameShape(v.Shape, out.Shape) {
			return Tensor{}, fmt.Errorf("size mismatch in %s: %s against %s", short(n), tensor.ShapeString(v.Shape), tensor.ShapeString(out.Shape))
		}
	}
	out.Data = make([]float64, size)
	x := make([]float64, len(vs))
	for i := range out.Data {
		for k, v := range vs {
			if v.IsScalar() {
				x[k] = v.Data[0]
			} else {
				x[k] = v.Data[i]
			}
		}
		r, msg := info.Eval(x)
		if msg != "" {
			return Tensor{}, e.domain(n, msg)
		}
		out.Data[i] = r
	}
	return out, nil
}

func short(n *expr.Node) string { return format.Short(n, 80) }

func (e *tensorEval) compute(n *expr.Node) (Tensor, error) {
	info := n.Info()
	switch {
	case n.Op() == expr.OpSym:
		return e.env[n.Name()], nil
	case info.Value != nil:
		return Scalar(info.Value(n)), nil
	}
	vs, err := e.args(n)
	if err != nil {
		return Tensor{}, err
	}
	switch {
	case info.Tensor != nil:
		shapes := make([][]int, len(vs))
		for i, v := range vs {
			shapes[i] = v.Shape
		}
		dims, err := expr.Settle(n, shapes, e.known)
		var unknown *expr.UnknownSizeError
		switch {
		case errors.As(err, &unknown):
			return Tensor{}, err
		case err != nil:
			return Tensor{}, fmt.Errorf("size mismatch in %s: %v", short(n), err)
		}
		v := tensor.New(dims...)
		err = info.Tensor(v, n, vs)
		var de *tensor.DomainError
		var me *tensor.MismatchError
		switch {
		case errors.As(err, &de):
			return Tensor{}, e.domain(n, de.Msg)
		case errors.As(err, &me):
			return Tensor{}, fmt.Errorf("size mismatch in %s: %s", short(n), me.Msg)
		}
		return v, err
	case info.Eval != nil:
		return e.elementwise(n, vs)
	}
	return Tensor{}, fmt.Errorf("cannot evaluate %s", info.Name)
}
