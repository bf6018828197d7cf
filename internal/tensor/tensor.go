// Package tensor holds numeric values, scalars, vectors and matrices in
// row-major order, and the kernels of the operations on them that the
// operation table names: matrix products, transposes, inverses,
// determinants, traces, norms, sums and diagonals, on gonum's BLAS and
// LAPACK.
package tensor

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// T is a numeric value: a scalar (no dimensions), a vector or a matrix,
// with its entries in row-major order.
type T struct {
	Shape []int
	Data  []float64
}

// Scalar returns the scalar x.
func Scalar(x float64) T { return T{Data: []float64{x}} }

// IsScalar reports whether t is a scalar.
func (t T) IsScalar() bool { return len(t.Shape) == 0 }

// RowsCols returns the rows and columns of t, a vector being one column
// and a scalar 1×1.
func (t T) RowsCols() (int, int) {
	switch len(t.Shape) {
	case 0:
		return 1, 1
	case 1:
		return t.Shape[0], 1
	}
	return t.Shape[0], t.Shape[1]
}

// Dense returns a copy of t as a gonum matrix.
func (t T) Dense() *mat.Dense {
	r, c := t.RowsCols()
	return mat.NewDense(r, c, append([]float64(nil), t.Data...))
}

// FromDense makes a value of a gonum matrix with the shape rule of
// matrix expressions: 1×1 is a scalar, one column a vector.
func FromDense(m *mat.Dense) T {
	r, c := m.Dims()
	data := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		data = append(data, m.RawRowView(i)...)
	}
	switch {
	case r == 1 && c == 1:
		return T{Data: data}
	case c == 1:
		return T{Shape: []int{r}, Data: data}
	}
	return T{Shape: []int{r, c}, Data: data}
}

// Describe names the kind and sizes of t for messages: "a 3-vector",
// "a 2×3 matrix" (a scalar is 1×1).
func (t T) Describe() string {
	r, c := t.RowsCols()
	if len(t.Shape) == 1 {
		return fmt.Sprintf("a %d-vector", r)
	}
	return fmt.Sprintf("a %d×%d matrix", r, c)
}

// ShapeString joins sizes with "×": "2×3".
func ShapeString(dims []int) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}

// SameShape reports whether two shapes are equal.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// DomainError reports a value outside an operation's domain, such as a
// singular matrix to invert. The evaluator names the subexpression.
type DomainError struct{ Msg string }

// Error returns the message.
func (e *DomainError) Error() string { return e.Msg }

// MismatchError reports operands whose sizes do not fit the operation.
// The evaluator names the subexpression.
type MismatchError struct{ Msg string }

// Error returns the message.
func (e *MismatchError) Error() string { return e.Msg }

// Square returns an error unless t is a square matrix; name names the
// operation that needs one.
func Square(name string, t T) error {
	if r, c := t.RowsCols(); r != c {
		return fmt.Errorf("%s needs a square matrix, not %s", name, t.Describe())
	}
	return nil
}

// MatMul returns the matrix product of the factors, in order.
func MatMul(fs []T) (T, error) {
	acc := fs[0]
	for _, v := range fs[1:] {
		_, ac := acc.RowsCols()
		br, _ := v.RowsCols()
		if ac != br {
			return T{}, &MismatchError{fmt.Sprintf("cannot multiply %s by %s", acc.Describe(), v.Describe())}
		}
		var m mat.Dense
		m.Mul(acc.Dense(), v.Dense())
		acc = FromDense(&m)
	}
	return acc, nil
}

// Transpose returns tᵀ: a vector becomes a row.
func Transpose(t T) T {
	var m mat.Dense
	m.CloneFrom(t.Dense().T())
	return FromDense(&m)
}

// Inverse returns t⁻¹.
func Inverse(t T) (T, error) {
	if err := Square("inv", t); err != nil {
		return T{}, err
	}
	var m mat.Dense
	if err := m.Inverse(t.Dense()); err != nil {
		return T{}, &DomainError{"singular matrix"}
	}
	return FromDense(&m), nil
}

// Det returns det(t).
func Det(t T) (T, error) {
	if err := Square("det", t); err != nil {
		return T{}, err
	}
	return Scalar(mat.Det(t.Dense())), nil
}

// LogDet returns log det(t).
func LogDet(t T) (T, error) {
	if err := Square("logdet", t); err != nil {
		return T{}, err
	}
	l, sign := mat.LogDet(t.Dense())
	if sign <= 0 {
		return T{}, &DomainError{"log of a non-positive determinant"}
	}
	return Scalar(l), nil
}

// Trace returns tr(t).
func Trace(t T) (T, error) {
	r, c := t.RowsCols()
	if r != c {
		return T{}, fmt.Errorf("tr needs a square matrix, not %s", t.Describe())
	}
	s := 0.0
	for i := 0; i < r; i++ {
		s += t.Data[i*c+i]
	}
	return Scalar(s), nil
}

// Norm returns the 2-norm of a vector, the Frobenius norm of a matrix.
func Norm(t T) T {
	s := 0.0
	for _, x := range t.Data {
		s += x * x
	}
	return Scalar(math.Sqrt(s))
}

// Sum returns the sum of the entries.
func Sum(t T) T {
	s := 0.0
	for _, x := range t.Data {
		s += x
	}
	return Scalar(s)
}

// Diag returns the diagonal matrix of a vector, or the vector of the
// diagonal of a square matrix.
func Diag(t T) (T, error) {
	if len(t.Shape) == 2 {
		r, c := t.RowsCols()
		if r != c {
			return T{}, fmt.Errorf("diag needs a square matrix, not %s", t.Describe())
		}
		out := T{Shape: []int{r}, Data: make([]float64, r)}
		for i := range out.Data {
			out.Data[i] = t.Data[i*c+i]
		}
		return out, nil
	}
	k := len(t.Data)
	out := T{Shape: []int{k, k}, Data: make([]float64, k*k)}
	for i, x := range t.Data {
		out.Data[i*k+i] = x
	}
	return out, nil
}

// Identity returns the k×k identity matrix.
func Identity(k int) T {
	t := T{Shape: []int{k, k}, Data: make([]float64, k*k)}
	for i := 0; i < k; i++ {
		t.Data[i*k+i] = 1
	}
	return t
}

// Ones returns the value of the given shape with every entry 1.
func Ones(shape []int) T {
	size := 1
	for _, k := range shape {
		size *= k
	}
	t := T{Shape: shape, Data: make([]float64, size)}
	for i := range t.Data {
		t.Data[i] = 1
	}
	return t
}

// Entry returns the entry of t at the 1-based indices idx.
func Entry(t T, idx []int) (T, error) {
	if len(idx) != len(t.Shape) {
		return T{}, &MismatchError{fmt.Sprintf("%d indices for %s", len(idx), t.Describe())}
	}
	k := 0
	for i, v := range idx {
		if v < 1 || v > t.Shape[i] {
			return T{}, &MismatchError{fmt.Sprintf("index %d out of range 1…%d", v, t.Shape[i])}
		}
		k = k*t.Shape[i] + v - 1
	}
	return Scalar(t.Data[k]), nil
}

// Unit returns the value of the given shape with 1 at the 1-based indices
// idx and 0 elsewhere.
func Unit(shape []int, idx []int) (T, error) {
	size := 1
	for _, k := range shape {
		size *= k
	}
	t := T{Shape: shape, Data: make([]float64, size)}
	k := 0
	for i, v := range idx {
		if v < 1 || v > shape[i] {
			return T{}, &MismatchError{fmt.Sprintf("unit index %d out of range 1…%d", v, shape[i])}
		}
		k = k*shape[i] + v - 1
	}
	t.Data[k] = 1
	return t, nil
}

// Max returns the largest entry of t.
func Max(t T) T {
	m := math.Inf(-1)
	for _, x := range t.Data {
		m = math.Max(m, x)
	}
	return Scalar(m)
}

// IsMax returns the indicator of the largest entries of t.
func IsMax(t T) T {
	m := Max(t).Data[0]
	out := T{Shape: t.Shape, Data: make([]float64, len(t.Data))}
	for i, x := range t.Data {
		if x == m {
			out.Data[i] = 1
		}
	}
	return out
}
