package tensor_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/nabla-math/nabla/internal/tensor"
)

// tol is the tolerance of results computed by factorization (inverses,
// determinants); other kernels are exact on the values of the tests.
const tol = 1e-12

// vec returns the vector of the given entries.
func vec(x ...float64) tensor.T { return tensor.T{Shape: []int{len(x)}, Data: x} }

// matrix returns the r×c matrix of the given entries in row-major order.
func matrix(r, c int, x ...float64) tensor.T {
	if len(x) != r*c {
		panic("matrix: wrong number of entries")
	}
	return tensor.T{Shape: []int{r, c}, Data: x}
}

// near reports whether a and b have the same shape and entries within
// tol of each other; tol 0 asks for exact equality.
func near(a, b tensor.T, tol float64) bool {
	if !tensor.SameShape(a.Shape, b.Shape) || len(a.Data) != len(b.Data) {
		return false
	}
	for i := range a.Data {
		if math.Abs(a.Data[i]-b.Data[i]) > tol {
			return false
		}
	}
	return true
}

// clone returns a deep copy of t, to check that a kernel leaves its
// operands alone.
func clone(t tensor.T) tensor.T {
	return tensor.T{Shape: append([]int(nil), t.Shape...), Data: append([]float64(nil), t.Data...)}
}

func TestScalar(t *testing.T) {
	s := tensor.Scalar(2.5)
	if !s.IsScalar() || len(s.Shape) != 0 || len(s.Data) != 1 || s.Data[0] != 2.5 {
		t.Errorf("Scalar(2.5) = %v, want a scalar 2.5", s)
	}
	if v := vec(1); v.IsScalar() {
		t.Errorf("%v.IsScalar() = true, want false for a vector of size 1", v)
	}
}

func TestRowsCols(t *testing.T) {
	tests := []struct {
		name       string
		in         tensor.T
		rows, cols int
	}{
		{"scalar", tensor.Scalar(1), 1, 1},
		{"vector", vec(1, 2, 3), 3, 1},
		{"row", matrix(1, 3, 1, 2, 3), 1, 3},
		{"matrix", matrix(2, 3, 1, 2, 3, 4, 5, 6), 2, 3},
	}
	for _, tt := range tests {
		if r, c := tt.in.RowsCols(); r != tt.rows || c != tt.cols {
			t.Errorf("%s: RowsCols() = %d, %d, want %d, %d", tt.name, r, c, tt.rows, tt.cols)
		}
	}
}

func TestDense(t *testing.T) {
	in := matrix(2, 3, 1, 2, 3, 4, 5, 6)
	d := in.Dense()
	if r, c := d.Dims(); r != 2 || c != 3 {
		t.Fatalf("Dense() dims = %d×%d, want 2×3", r, c)
	}
	if got := d.At(1, 0); got != 4 {
		t.Errorf("Dense().At(1, 0) = %v, want 4", got)
	}
	d.Set(0, 0, 100)
	if in.Data[0] != 1 {
		t.Errorf("setting an entry of Dense() changed the value to %v", in.Data)
	}
	if r, c := vec(1, 2).Dense().Dims(); r != 2 || c != 1 {
		t.Errorf("vector Dense() dims = %d×%d, want 2×1", r, c)
	}
}

func TestFromDense(t *testing.T) {
	// A view into a larger matrix has a stride wider than its columns.
	big := mat.NewDense(3, 3, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9})
	view := big.Slice(0, 2, 1, 3).(*mat.Dense)
	tests := []struct {
		name string
		in   *mat.Dense
		want tensor.T
	}{
		{"1×1 is a scalar", mat.NewDense(1, 1, []float64{7}), tensor.Scalar(7)},
		{"one column is a vector", mat.NewDense(3, 1, []float64{1, 2, 3}), vec(1, 2, 3)},
		{"one row stays a matrix", mat.NewDense(1, 3, []float64{1, 2, 3}), matrix(1, 3, 1, 2, 3)},
		{"matrix", mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}), matrix(2, 3, 1, 2, 3, 4, 5, 6)},
		{"strided view", view, matrix(2, 2, 2, 3, 5, 6)},
	}
	for _, tt := range tests {
		if got := tensor.FromDense(tt.in); !near(got, tt.want, 0) {
			t.Errorf("%s: FromDense() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		in   tensor.T
		want string
	}{
		{tensor.Scalar(1), "a 1×1 matrix"},
		{vec(1, 2, 3), "a 3-vector"},
		{vec(1), "a 1-vector"},
		{matrix(1, 3, 1, 2, 3), "a 1×3 matrix"},
		{matrix(2, 3, 1, 2, 3, 4, 5, 6), "a 2×3 matrix"},
	}
	for _, tt := range tests {
		if got := tt.in.Describe(); got != tt.want {
			t.Errorf("%v.Describe() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShapeString(t *testing.T) {
	tests := []struct {
		dims []int
		want string
	}{
		{nil, ""},
		{[]int{4}, "4"},
		{[]int{2, 3}, "2×3"},
		{[]int{2, 3, 4}, "2×3×4"},
	}
	for _, tt := range tests {
		if got := tensor.ShapeString(tt.dims); got != tt.want {
			t.Errorf("ShapeString(%v) = %q, want %q", tt.dims, got, tt.want)
		}
	}
}

func TestSameShape(t *testing.T) {
	tests := []struct {
		a, b []int
		want bool
	}{
		{nil, nil, true},
		{nil, []int{}, true},
		{[]int{3}, []int{3}, true},
		{[]int{2, 3}, []int{2, 3}, true},
		{[]int{2, 3}, []int{3, 2}, false},
		{[]int{3}, []int{3, 1}, false},
		{[]int{1}, nil, false},
		{[]int{2}, []int{3}, false},
	}
	for _, tt := range tests {
		if got := tensor.SameShape(tt.a, tt.b); got != tt.want {
			t.Errorf("SameShape(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	if got := (&tensor.DomainError{Msg: "singular matrix"}).Error(); got != "singular matrix" {
		t.Errorf("DomainError.Error() = %q, want %q", got, "singular matrix")
	}
	if got := (&tensor.MismatchError{Msg: "cannot multiply"}).Error(); got != "cannot multiply" {
		t.Errorf("MismatchError.Error() = %q, want %q", got, "cannot multiply")
	}
}

func TestSquare(t *testing.T) {
	tests := []struct {
		name string
		in   tensor.T
		want string // the error message; "" for none
	}{
		{"scalar", tensor.Scalar(2), ""},
		{"square", matrix(2, 2, 1, 2, 3, 4), ""},
		{"vector of one", vec(5), ""},
		{"vector", vec(1, 2), "det needs a square matrix, not a 2-vector"},
		{"row", matrix(1, 2, 1, 2), "det needs a square matrix, not a 1×2 matrix"},
		{"wide", matrix(2, 3, 1, 2, 3, 4, 5, 6), "det needs a square matrix, not a 2×3 matrix"},
	}
	for _, tt := range tests {
		err := tensor.Square("det", tt.in)
		if got := errString(err); got != tt.want {
			t.Errorf("%s: Square(\"det\", %v) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// errString returns the message of err, "" for nil.
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// errKind names the type of err: "nil", "domain", "mismatch" or "plain".
func errKind(err error) string {
	var de *tensor.DomainError
	var me *tensor.MismatchError
	switch {
	case err == nil:
		return "nil"
	case errors.As(err, &de):
		return "domain"
	case errors.As(err, &me):
		return "mismatch"
	}
	return "plain"
}

// kernelCase is a test of a kernel that may fail: either want, within
// tolerance tol, or an error of the kind errKind names with message msg.
type kernelCase struct {
	name string
	in   tensor.T
	want tensor.T
	tol  float64
	kind string // errKind of the error; "nil" for none
	msg  string
}

// checkKernel runs f on each case, checking its result or error and that
// it leaves its operand alone.
func checkKernel(t *testing.T, fname string, f func(tensor.T) (tensor.T, error), tests []kernelCase) {
	t.Helper()
	for _, tt := range tests {
		in := clone(tt.in)
		got, err := f(in)
		if !near(in, tt.in, 0) {
			t.Errorf("%s: %s changed its operand to %v", tt.name, fname, in)
		}
		if kind := errKind(err); kind != tt.kind || errString(err) != tt.msg {
			t.Errorf("%s: %s(%v) error = %v (%s), want %q (%s)", tt.name, fname, tt.in, err, kind, tt.msg, tt.kind)
			continue
		}
		if err == nil && !near(got, tt.want, tt.tol) {
			t.Errorf("%s: %s(%v) = %v, want %v", tt.name, fname, tt.in, got, tt.want)
		}
	}
}

// matmul multiplies the factors into a new value, shaped as the
// expressions shape a product: 1×1 is a scalar and one column a vector.
func matmul(fs []tensor.T) (tensor.T, error) {
	r, _ := fs[0].RowsCols()
	_, c := fs[len(fs)-1].RowsCols()
	dst := shaped(r, c)
	return dst, tensor.MatMul(dst, fs)
}

func shaped(r, c int) tensor.T {
	switch {
	case r == 1 && c == 1:
		return tensor.New()
	case c == 1:
		return tensor.New(r)
	}
	return tensor.New(r, c)
}

func identity(k int) tensor.T {
	dst := tensor.New(k, k)
	tensor.Identity(dst)
	return dst
}

func ones(shape []int) tensor.T {
	dst := tensor.New(shape...)
	tensor.Ones(dst)
	return dst
}

func inverse(a tensor.T) (tensor.T, error) {
	r, c := a.RowsCols()
	if r != c {
		return tensor.T{}, tensor.Inverse(tensor.New(r, r), a)
	}
	dst := tensor.New(a.Shape...)
	return dst, tensor.Inverse(dst, a)
}

func diag(a tensor.T) (tensor.T, error) {
	if len(a.Shape) == 2 {
		dst := tensor.New(a.Shape[0])
		return dst, tensor.Diag(dst, a)
	}
	k := len(a.Data)
	dst := tensor.New(k, k)
	return dst, tensor.Diag(dst, a)
}

func scalarKernel(k func(dst, a tensor.T) error) func(tensor.T) (tensor.T, error) {
	return func(a tensor.T) (tensor.T, error) {
		dst := tensor.New()
		return dst, k(dst, a)
	}
}

func scalarOf(k func(dst, a tensor.T), a tensor.T) tensor.T {
	dst := tensor.New()
	k(dst, a)
	return dst
}

func TestMatMul(t *testing.T) {
	a := matrix(2, 3, 1, 2, 3, 4, 5, 6)
	tests := []struct {
		name string
		fs   []tensor.T
		want tensor.T
		msg  string // the message of the *MismatchError; "" for none
	}{
		{"one factor", []tensor.T{a}, a, ""},
		{"matrix times matrix", []tensor.T{matrix(2, 2, 1, 2, 3, 4), matrix(2, 2, 5, 6, 7, 8)},
			matrix(2, 2, 19, 22, 43, 50), ""},
		{"matrix times vector is a vector", []tensor.T{a, vec(1, 0, -1)}, vec(-2, -2), ""},
		{"row times vector is a scalar", []tensor.T{matrix(1, 3, 1, 2, 3), vec(4, 5, 6)}, tensor.Scalar(32), ""},
		{"vector times row", []tensor.T{vec(1, 2), matrix(1, 3, 1, 2, 3)}, matrix(2, 3, 1, 2, 3, 2, 4, 6), ""},
		{"scalars", []tensor.T{tensor.Scalar(2), tensor.Scalar(3)}, tensor.Scalar(6), ""},
		{"three factors", []tensor.T{matrix(1, 2, 1, 1), a, vec(1, 1, 1)}, tensor.Scalar(21), ""},
		{"identity", []tensor.T{identity(2), a}, a, ""},
		{"mismatch", []tensor.T{a, vec(1, 2)}, tensor.T{}, "cannot multiply a 2×3 matrix by a 2-vector"},
		{"mismatch after a product", []tensor.T{a, matrix(3, 2, 1, 2, 3, 4, 5, 6), vec(1, 2, 3)},
			tensor.T{}, "cannot multiply a 2×2 matrix by a 3-vector"},
		{"scalar times vector", []tensor.T{tensor.Scalar(2), vec(1, 2)}, tensor.T{}, "cannot multiply a 1×1 matrix by a 2-vector"},
	}
	for _, tt := range tests {
		ins := make([]tensor.T, len(tt.fs))
		for i, f := range tt.fs {
			ins[i] = clone(f)
		}
		got, err := matmul(ins)
		for i := range ins {
			if !near(ins[i], tt.fs[i], 0) {
				t.Errorf("%s: MatMul changed factor %d to %v", tt.name, i, ins[i])
			}
		}
		if tt.msg != "" {
			if kind := errKind(err); kind != "mismatch" || err.Error() != tt.msg {
				t.Errorf("%s: MatMul error = %v (%s), want %q (mismatch)", tt.name, err, kind, tt.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: MatMul error = %v, want none", tt.name, err)
			continue
		}
		if !near(got, tt.want, 0) {
			t.Errorf("%s: MatMul(%v) = %v, want %v", tt.name, tt.fs, got, tt.want)
		}
	}
}

func TestTranspose(t *testing.T) {
	tests := []struct {
		name string
		in   tensor.T
		want tensor.T
	}{
		{"vector becomes a row", vec(1, 2, 3), matrix(1, 3, 1, 2, 3)},
		{"row becomes a vector", matrix(1, 3, 1, 2, 3), vec(1, 2, 3)},
		{"matrix", matrix(2, 3, 1, 2, 3, 4, 5, 6), matrix(3, 2, 1, 4, 2, 5, 3, 6)},
		{"square", matrix(2, 2, 1, 2, 3, 4), matrix(2, 2, 1, 3, 2, 4)},
		{"scalar", tensor.Scalar(3), tensor.Scalar(3)},
	}
	for _, tt := range tests {
		in := clone(tt.in)
		if got := tensor.Transpose(in); !near(got, tt.want, 0) {
			t.Errorf("%s: Transpose(%v) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
		if !near(in, tt.in, 0) {
			t.Errorf("%s: Transpose changed its operand to %v", tt.name, in)
		}
	}
}

func TestInverse(t *testing.T) {
	checkKernel(t, "Inverse", inverse, []kernelCase{
		{name: "2×2", in: matrix(2, 2, 4, 7, 2, 6), want: matrix(2, 2, 0.6, -0.7, -0.2, 0.4), tol: tol, kind: "nil"},
		{name: "diagonal", in: matrix(2, 2, 2, 0, 0, 4), want: matrix(2, 2, 0.5, 0, 0, 0.25), tol: tol, kind: "nil"},
		{name: "identity", in: identity(3), want: identity(3), tol: tol, kind: "nil"},
		{name: "permutation", in: matrix(2, 2, 0, 1, 1, 0), want: matrix(2, 2, 0, 1, 1, 0), tol: tol, kind: "nil"},
		{name: "scalar", in: tensor.Scalar(4), want: tensor.Scalar(0.25), tol: tol, kind: "nil"},
		{name: "singular", in: matrix(2, 2, 1, 2, 2, 4), kind: "domain", msg: "singular matrix"},
		{name: "zero", in: matrix(2, 2, 0, 0, 0, 0), kind: "domain", msg: "singular matrix"},
		{name: "zero scalar", in: tensor.Scalar(0), kind: "domain", msg: "singular matrix"},
		{name: "not square", in: matrix(2, 3, 1, 2, 3, 4, 5, 6), kind: "plain",
			msg: "inv needs a square matrix, not a 2×3 matrix"},
		{name: "vector", in: vec(1, 2, 3), kind: "plain", msg: "inv needs a square matrix, not a 3-vector"},
	})
}

// TestInverseProduct checks that a matrix times its inverse is the
// identity.
func TestInverseProduct(t *testing.T) {
	a := matrix(3, 3, 2, -1, 0, -1, 2, -1, 0, -1, 2)
	inv, err := inverse(a)
	if err != nil {
		t.Fatalf("Inverse(%v): %v", a, err)
	}
	for _, fs := range [][]tensor.T{{a, inv}, {inv, a}} {
		got, err := matmul(fs)
		if err != nil {
			t.Fatalf("MatMul: %v", err)
		}
		if !near(got, identity(3), tol) {
			t.Errorf("MatMul(%v) = %v, want the identity", fs, got)
		}
	}
}

func TestDet(t *testing.T) {
	checkKernel(t, "Det", scalarKernel(tensor.Det), []kernelCase{
		{name: "2×2", in: matrix(2, 2, 1, 2, 3, 4), want: tensor.Scalar(-2), tol: tol, kind: "nil"},
		{name: "diagonal", in: matrix(3, 3, 2, 0, 0, 0, 3, 0, 0, 0, 4), want: tensor.Scalar(24), tol: tol, kind: "nil"},
		{name: "identity", in: identity(4), want: tensor.Scalar(1), tol: tol, kind: "nil"},
		{name: "permutation", in: matrix(2, 2, 0, 1, 1, 0), want: tensor.Scalar(-1), tol: tol, kind: "nil"},
		{name: "singular", in: matrix(2, 2, 1, 2, 2, 4), want: tensor.Scalar(0), tol: tol, kind: "nil"},
		{name: "scalar", in: tensor.Scalar(5), want: tensor.Scalar(5), tol: tol, kind: "nil"},
		{name: "not square", in: matrix(2, 3, 1, 2, 3, 4, 5, 6), kind: "plain",
			msg: "det needs a square matrix, not a 2×3 matrix"},
	})
}

func TestLogDet(t *testing.T) {
	checkKernel(t, "LogDet", scalarKernel(tensor.LogDet), []kernelCase{
		{name: "diagonal", in: matrix(2, 2, 2, 0, 0, 3), want: tensor.Scalar(math.Log(6)), tol: tol, kind: "nil"},
		{name: "identity", in: identity(3), want: tensor.Scalar(0), tol: tol, kind: "nil"},
		{name: "symmetric positive definite", in: matrix(2, 2, 2, 1, 1, 2), want: tensor.Scalar(math.Log(3)), tol: tol, kind: "nil"},
		{name: "negative definite of positive det", in: matrix(2, 2, -1, 0, 0, -1), want: tensor.Scalar(0), tol: tol, kind: "nil"},
		{name: "negative det", in: matrix(2, 2, 0, 1, 1, 0), kind: "domain", msg: "log of a non-positive determinant"},
		{name: "singular", in: matrix(2, 2, 1, 2, 2, 4), kind: "domain", msg: "log of a non-positive determinant"},
		{name: "not square", in: matrix(2, 3, 1, 2, 3, 4, 5, 6), kind: "plain",
			msg: "logdet needs a square matrix, not a 2×3 matrix"},
	})
}

func TestTrace(t *testing.T) {
	checkKernel(t, "Trace", scalarKernel(tensor.Trace), []kernelCase{
		{name: "2×2", in: matrix(2, 2, 1, 2, 3, 4), want: tensor.Scalar(5), kind: "nil"},
		{name: "3×3", in: matrix(3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9), want: tensor.Scalar(15), kind: "nil"},
		{name: "identity", in: identity(4), want: tensor.Scalar(4), kind: "nil"},
		{name: "scalar", in: tensor.Scalar(7), want: tensor.Scalar(7), kind: "nil"},
		{name: "not square", in: matrix(2, 3, 1, 2, 3, 4, 5, 6), kind: "plain",
			msg: "tr needs a square matrix, not a 2×3 matrix"},
		{name: "vector", in: vec(1, 2), kind: "plain", msg: "tr needs a square matrix, not a 2-vector"},
	})
}

func TestNormAndSum(t *testing.T) {
	tests := []struct {
		name      string
		in        tensor.T
		norm, sum float64
	}{
		{"vector", vec(3, 4), 5, 7},
		{"negative entries", vec(-3, -4), 5, -7},
		{"matrix is Frobenius", matrix(2, 2, 1, 2, 2, 4), 5, 9},
		{"scalar", tensor.Scalar(-3), 3, -3},
		{"zero", vec(0, 0, 0), 0, 0},
	}
	for _, tt := range tests {
		if got := scalarOf(tensor.Norm, tt.in); !near(got, tensor.Scalar(tt.norm), 0) {
			t.Errorf("%s: Norm(%v) = %v, want %v", tt.name, tt.in, got, tt.norm)
		}
		if got := scalarOf(tensor.Sum, tt.in); !near(got, tensor.Scalar(tt.sum), 0) {
			t.Errorf("%s: Sum(%v) = %v, want %v", tt.name, tt.in, got, tt.sum)
		}
	}
}

func TestDiag(t *testing.T) {
	checkKernel(t, "Diag", diag, []kernelCase{
		{name: "vector to matrix", in: vec(1, 2, 3), want: matrix(3, 3, 1, 0, 0, 0, 2, 0, 0, 0, 3), kind: "nil"},
		{name: "matrix to vector", in: matrix(3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9), want: vec(1, 5, 9), kind: "nil"},
		{name: "2×2 to vector", in: matrix(2, 2, 1, 2, 3, 4), want: vec(1, 4), kind: "nil"},
		{name: "1×1 matrix to vector", in: matrix(1, 1, 5), want: vec(5), kind: "nil"},
		{name: "vector of one", in: vec(5), want: matrix(1, 1, 5), kind: "nil"},
		{name: "scalar", in: tensor.Scalar(5), want: matrix(1, 1, 5), kind: "nil"},
		{name: "not square", in: matrix(2, 3, 1, 2, 3, 4, 5, 6), kind: "plain",
			msg: "diag needs a square matrix, not a 2×3 matrix"},
	})
}

func TestIdentity(t *testing.T) {
	tests := []struct {
		k    int
		want tensor.T
	}{
		{0, tensor.T{Shape: []int{0, 0}, Data: []float64{}}},
		{1, matrix(1, 1, 1)},
		{2, matrix(2, 2, 1, 0, 0, 1)},
		{3, matrix(3, 3, 1, 0, 0, 0, 1, 0, 0, 0, 1)},
	}
	for _, tt := range tests {
		if got := identity(tt.k); !near(got, tt.want, 0) {
			t.Errorf("Identity(%d) = %v, want %v", tt.k, got, tt.want)
		}
	}
}

func TestOnes(t *testing.T) {
	tests := []struct {
		shape []int
		want  tensor.T
	}{
		{nil, tensor.Scalar(1)},
		{[]int{3}, vec(1, 1, 1)},
		{[]int{1, 2}, matrix(1, 2, 1, 1)},
		{[]int{2, 3}, matrix(2, 3, 1, 1, 1, 1, 1, 1)},
	}
	for _, tt := range tests {
		if got := ones(tt.shape); !near(got, tt.want, 0) {
			t.Errorf("Ones(%v) = %v, want %v", tt.shape, got, tt.want)
		}
	}
}

// TestAdjugate checks adj(A) A = det(A) I on random matrices, some of
// them singular (a repeated row, a zero column, rank one), and the
// adjugates of known singular matrices.
func TestAdjugate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		n := 1 + trial%5
		a := tensor.New(n, n)
		for i := range a.Data {
			a.Data[i] = rng.Float64()*4 - 2
		}
		switch trial % 4 {
		case 1: // a repeated row
			if n > 1 {
				copy(a.Data[n:2*n], a.Data[:n])
			}
		case 2: // a zero column
			for i := 0; i < n; i++ {
				a.Data[i*n] = 0
			}
		case 3: // rank one
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					a.Data[i*n+j] = a.Data[i] * a.Data[j]
				}
			}
		}
		adj, det := tensor.New(n, n), tensor.New()
		if err := tensor.Adjugate(adj, a); err != nil {
			t.Fatal(err)
		}
		if err := tensor.Det(det, a); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				var s float64 // (adj(A) A)_ij
				for k := 0; k < n; k++ {
					s += adj.Data[i*n+k] * a.Data[k*n+j]
				}
				want := 0.0
				if i == j {
					want = det.Data[0]
				}
				if math.Abs(s-want) > 1e-12*math.Pow(4, float64(n)) {
					t.Fatalf("trial %d: (adj(A) A)[%d,%d] = %v, want %v (A = %v)", trial, i, j, s, want, a.Data)
				}
			}
		}
	}
	for _, tt := range []struct{ a, want []float64 }{
		{[]float64{1, 2, 2, 4}, []float64{4, -2, -2, 1}},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, []float64{-3, 6, -3, 6, -12, 6, -3, 6, -3}},
		{[]float64{0, 0, 0, 0}, []float64{0, 0, 0, 0}},
		{[]float64{5}, []float64{1}},
	} {
		n := int(math.Sqrt(float64(len(tt.a))))
		adj := tensor.New(n, n)
		a := tensor.New(n, n)
		copy(a.Data, tt.a)
		if err := tensor.Adjugate(adj, a); err != nil {
			t.Fatal(err)
		}
		for i := range tt.want {
			if math.Abs(adj.Data[i]-tt.want[i]) > 1e-13 {
				t.Errorf("adj(%v) = %v, want %v", tt.a, adj.Data, tt.want)
				break
			}
		}
	}
}
