// Package tensor holds numeric values, scalars, vectors and matrices in
// row-major order, and the kernels of the operations on them that the
// operation table names: matrix products, transposes, inverses,
// determinants, traces, norms, sums and diagonals, on gonum's BLAS and
// LAPACK.
package tensor

import (
	"fmt"
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

// New returns the zero value of the given shape.
func New(shape ...int) T {
	size := 1
	for _, k := range shape {
		size *= k
	}
	return T{Shape: shape, Data: make([]float64, size)}
}
