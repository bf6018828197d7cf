package tensor

import (
	"fmt"
	"math"

	"github.com/nabla-math/nabla/internal/simd"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// The kernels write their result into dst, which has the result's shape
// and its own storage, and write every entry of it: a program reuses dst
// from one evaluation to the next. They read their operands, never change
// them, and allocate only where gonum's LAPACK does (inverses and
// determinants).

// general returns t as a BLAS matrix, a vector being one column.
func general(t T) blas64.General {
	r, c := t.RowsCols()
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: t.Data}
}

// Gemm writes alpha op(a) op(b) + beta dst into dst, op transposing its
// operand where ta or tb says so: a matrix product on BLAS kernels,
// matrix-vector and dot products taking their faster routines. Vectors
// are columns. beta 0 ignores what dst holds.
func Gemm(dst T, a T, ta bool, b T, tb bool, alpha, beta float64) error {
	ga, gb := general(a), general(b)
	ar, ac := ga.Rows, ga.Cols
	if ta {
		ar, ac = ac, ar
	}
	br, bc := gb.Rows, gb.Cols
	if tb {
		br, bc = bc, br
	}
	if ac != br {
		at, bt := a, b
		if ta {
			at = Transpose(a)
		}
		if tb {
			bt = Transpose(b)
		}
		return &MismatchError{fmt.Sprintf("cannot multiply %s by %s", at.Describe(), bt.Describe())}
	}
	if len(dst.Data) != ar*bc {
		return &MismatchError{fmt.Sprintf("the product of %d×%d and %d×%d matrices does not fit %s", ar, ac, br, bc, dst.Describe())}
	}
	if beta == 0 {
		clear(dst.Data)
	}
	switch {
	case ar == 1 && bc == 1:
		// A dot product: a row and a column, whatever their storage.
		dst.Data[0] = alpha*blas64.Dot(blas64.Vector{N: ac, Inc: 1, Data: a.Data}, blas64.Vector{N: ac, Inc: 1, Data: b.Data}) + beta*dst.Data[0]
	case bc == 1:
		// op(a) b: b is a vector whatever its transposition.
		t := blas.NoTrans
		if ta {
			t = blas.Trans
		}
		blas64.Gemv(t, alpha, ga, blas64.Vector{N: br, Inc: 1, Data: b.Data}, beta, blas64.Vector{N: ar, Inc: 1, Data: dst.Data})
	case ar == 1:
		// a op(b) = (op(b)ᵀ aᵀ)ᵀ: a row times a matrix.
		t := blas.Trans
		if tb {
			t = blas.NoTrans
		}
		blas64.Gemv(t, alpha, gb, blas64.Vector{N: ac, Inc: 1, Data: a.Data}, beta, blas64.Vector{N: bc, Inc: 1, Data: dst.Data})
	default:
		tA, tB := blas.NoTrans, blas.NoTrans
		if ta {
			tA = blas.Trans
		}
		if tb {
			tB = blas.Trans
		}
		blas64.Gemm(tA, tB, alpha, ga, gb, beta, blas64.General{Rows: ar, Cols: bc, Stride: bc, Data: dst.Data})
	}
	return nil
}

// MatMul writes the matrix product of the factors, in order, into dst.
// More than two factors are multiplied from the left through temporary
// values.
func MatMul(dst T, fs []T) error {
	switch len(fs) {
	case 1:
		if len(fs[0].Data) != len(dst.Data) {
			return &MismatchError{fmt.Sprintf("%s does not fit %s", fs[0].Describe(), dst.Describe())}
		}
		copy(dst.Data, fs[0].Data)
		return nil
	case 2:
		return Gemm(dst, fs[0], false, fs[1], false, 1, 0)
	}
	acc := fs[0]
	for _, f := range fs[1 : len(fs)-1] {
		r, _ := acc.RowsCols()
		_, c := f.RowsCols()
		next := New(r, c)
		if err := Gemm(next, acc, false, f, false, 1, 0); err != nil {
			return err
		}
		acc = next
	}
	return Gemm(dst, acc, false, fs[len(fs)-1], false, 1, 0)
}

// Transpose returns tᵀ: a vector becomes a row.
func Transpose(t T) T {
	r, c := t.RowsCols()
	dst := New(c, r)
	TransposeInto(dst, t)
	if len(t.Shape) == 0 {
		dst.Shape = nil
	} else if r == 1 && len(t.Shape) == 2 {
		dst.Shape = []int{c}
	}
	return dst
}

// TransposeInto writes tᵀ into dst.
func TransposeInto(dst, t T) {
	r, c := t.RowsCols()
	if r == 1 || c == 1 {
		copy(dst.Data, t.Data)
		return
	}
	for i := 0; i < r; i++ {
		row := t.Data[i*c : (i+1)*c]
		for j, x := range row {
			dst.Data[j*r+i] = x
		}
	}
}

// view returns t as a gonum matrix that shares its storage.
func view(t T) *mat.Dense {
	r, c := t.RowsCols()
	return mat.NewDense(r, c, t.Data)
}

// Inverse writes t⁻¹ into dst.
func Inverse(dst, t T) error {
	if err := Square("inv", t); err != nil {
		return err
	}
	if err := view(dst).Inverse(view(t)); err != nil {
		return &DomainError{"singular matrix"}
	}
	return nil
}

// Adjugate writes adj(t), the transpose of t's matrix of cofactors, into
// dst: det(t) t⁻¹ where t is invertible, and defined where it is not
// (the gradient of det(t) is adj(t)ᵀ). A well-conditioned t takes the LU
// factorization, as det and inv do; a singular or nearly singular one
// the singular value decomposition t = U Σ Vᵀ: adj(t) = det(U) det(V)
// V adj(Σ) Uᵀ, with adj(Σ) the diagonal of the products of all singular
// values but one, which needs no division.
func Adjugate(dst, t T) error {
	if err := Square("adj", t); err != nil {
		return err
	}
	out := view(dst)
	var inv mat.Dense
	if err := inv.Inverse(view(t)); err == nil {
		// det(t) t⁻¹, unless det(t) leaves float64's normal numbers
		// (entries near 1e-200 or 1e200), where the SVD's products of
		// n-1 singular values still fit.
		if d := mat.Det(view(t)); math.Abs(d) >= 0x1p-1022 && !math.IsInf(d, 0) {
			out.Scale(d, &inv)
			return nil
		}
	}
	n, _ := t.RowsCols()
	var svd mat.SVD
	if !svd.Factorize(view(t), mat.SVDFull) {
		return &DomainError{"no singular value decomposition for adj"}
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	sv := svd.Values(nil)
	// Π_{j≠i} σ_j from the products before and after i.
	cof := make([]float64, n)
	before := 1.0
	for i := range sv {
		cof[i] = before
		before *= sv[i]
	}
	after := 1.0
	for i := n - 1; i >= 0; i-- {
		cof[i] *= after
		after *= sv[i]
	}
	sign := mat.Det(&u) * mat.Det(&v) // ±1 each
	var vs mat.Dense
	vs.Apply(func(_, j int, x float64) float64 { return x * cof[j] }, &v)
	out.Mul(&vs, u.T())
	out.Scale(math.Copysign(1, sign), out)
	return nil
}

// Det writes det(t) into the scalar dst.
func Det(dst, t T) error {
	if err := Square("det", t); err != nil {
		return err
	}
	dst.Data[0] = mat.Det(view(t))
	return nil
}

// LogDet writes log det(t) into the scalar dst.
func LogDet(dst, t T) error {
	if err := Square("logdet", t); err != nil {
		return err
	}
	l, sign := mat.LogDet(view(t))
	if sign <= 0 {
		return &DomainError{"log of a non-positive determinant"}
	}
	dst.Data[0] = l
	return nil
}

// Trace writes tr(t) into the scalar dst.
func Trace(dst, t T) error {
	r, c := t.RowsCols()
	if r != c {
		return fmt.Errorf("tr needs a square matrix, not %s", t.Describe())
	}
	s := 0.0
	for i := 0; i < r; i++ {
		s += t.Data[i*c+i]
	}
	dst.Data[0] = s
	return nil
}

// Norm writes the 2-norm of a vector, the Frobenius norm of a matrix,
// into the scalar dst.
func Norm(dst, t T) {
	dst.Data[0] = math.Sqrt(Dot(t.Data, t.Data))
}

// Dot returns the sum of the products of the entries of a and b, which
// have the same length.
func Dot(a, b []float64) float64 {
	return blas64.Dot(blas64.Vector{N: len(a), Inc: 1, Data: a}, blas64.Vector{N: len(b), Inc: 1, Data: b})
}

// Sum writes the sum of the entries into the scalar dst.
func Sum(dst, t T) {
	dst.Data[0] = SumOf(t.Data)
}

// SumOf returns the sum of xs, accumulated in four lanes: the entries in
// steps of four, the rest added to the first lane, the lanes combined as
// (s0 + s1) + (s2 + s3), four at a time where the processor can.
func SumOf(xs []float64) float64 { return simd.Sum(xs) }

// Diag writes the diagonal matrix of a vector, or the vector of the
// diagonal of a square matrix, into dst.
func Diag(dst, t T) error {
	if len(t.Shape) == 2 {
		r, c := t.RowsCols()
		if r != c {
			return fmt.Errorf("diag needs a square matrix, not %s", t.Describe())
		}
		for i := range dst.Data {
			dst.Data[i] = t.Data[i*c+i]
		}
		return nil
	}
	k := len(t.Data)
	clear(dst.Data)
	for i, x := range t.Data {
		dst.Data[i*k+i] = x
	}
	return nil
}

// Identity writes the identity matrix into the square dst.
func Identity(dst T) {
	clear(dst.Data)
	k, _ := dst.RowsCols()
	for i := 0; i < k; i++ {
		dst.Data[i*k+i] = 1
	}
}

// Ones sets every entry of dst to 1.
func Ones(dst T) {
	for i := range dst.Data {
		dst.Data[i] = 1
	}
}

// offset returns the flat position of the 1-based indices idx in shape.
func offset(shape []int, idx []int, what string) (int, error) {
	if len(idx) != len(shape) {
		return 0, &MismatchError{fmt.Sprintf("%d indices for %s", len(idx), T{Shape: shape}.Describe())}
	}
	k := 0
	for i, v := range idx {
		if v < 1 || v > shape[i] {
			return 0, &MismatchError{fmt.Sprintf("%s %d out of range 1…%d", what, v, shape[i])}
		}
		k = k*shape[i] + v - 1
	}
	return k, nil
}

// Entry writes the entry of t at the 1-based indices idx into the
// scalar dst.
func Entry(dst, t T, idx []int) error {
	k, err := offset(t.Shape, idx, "index")
	if err != nil {
		return err
	}
	dst.Data[0] = t.Data[k]
	return nil
}

// Unit writes into dst the value of its shape with 1 at the 1-based
// indices idx and 0 elsewhere.
func Unit(dst T, idx []int) error {
	k, err := offset(dst.Shape, idx, "unit index")
	if err != nil {
		return err
	}
	clear(dst.Data)
	dst.Data[k] = 1
	return nil
}

// Max writes the largest entry of t into the scalar dst.
func Max(dst, t T) {
	m := math.Inf(-1)
	for _, x := range t.Data {
		m = math.Max(m, x)
	}
	dst.Data[0] = m
}

// IsMax writes the indicator of the largest entries of t into dst.
func IsMax(dst, t T) {
	var m [1]float64
	Max(T{Data: m[:]}, t)
	for i, x := range t.Data {
		dst.Data[i] = 0
		if x == m[0] {
			dst.Data[i] = 1
		}
	}
}

// Min writes the smallest entry of t into the scalar dst.
func Min(dst, t T) {
	m := math.Inf(1)
	for _, x := range t.Data {
		m = math.Min(m, x)
	}
	dst.Data[0] = m
}

// Mean writes the mean of the entries of t into the scalar dst.
func Mean(dst, t T) {
	dst.Data[0] = SumOf(t.Data) / float64(len(t.Data))
}

// Prod writes the product of the entries of t into the scalar dst.
func Prod(dst, t T) {
	p := 1.0
	for _, x := range t.Data {
		p *= x
	}
	dst.Data[0] = p
}

// MatPow writes t^k, the k-th power of the square matrix t, into dst: the
// identity for k = 0 and a power of the inverse for a negative k, by
// repeated squaring.
func MatPow(dst, t T, k int) error {
	if err := Square("the matrix power", t); err != nil {
		return err
	}
	n, _ := t.RowsCols()
	if len(dst.Data) != n*n {
		return &MismatchError{fmt.Sprintf("the power of %s does not fit %s", t.Describe(), dst.Describe())}
	}
	base := T{Shape: []int{n, n}, Data: append([]float64(nil), t.Data...)}
	if k < 0 {
		if err := Inverse(base, t); err != nil {
			return err
		}
		k = -k
	}
	acc := New(n, n)
	Identity(acc)
	tmp := New(n, n)
	for first := true; k > 0; k >>= 1 {
		if k&1 == 1 {
			if first {
				copy(acc.Data, base.Data)
				first = false
			} else {
				if err := Gemm(tmp, acc, false, base, false, 1, 0); err != nil {
					return err
				}
				acc, tmp = tmp, acc
			}
		}
		if k > 1 {
			if err := Gemm(tmp, base, false, base, false, 1, 0); err != nil {
				return err
			}
			base, tmp = tmp, base
		}
	}
	copy(dst.Data, acc.Data)
	return nil
}

// Kron writes the Kronecker product a ⊗ b, the block matrix whose block
// (i, j) is a_ij b, into dst; vectors are columns.
func Kron(dst, a, b T) error {
	ar, ac := a.RowsCols()
	br, bc := b.RowsCols()
	if len(dst.Data) != ar*br*ac*bc {
		return &MismatchError{fmt.Sprintf("the Kronecker product of %s and %s does not fit %s", a.Describe(), b.Describe(), dst.Describe())}
	}
	cols := ac * bc
	for i := 0; i < ar; i++ {
		for j := 0; j < ac; j++ {
			x := a.Data[i*ac+j]
			for k := 0; k < br; k++ {
				row := dst.Data[(i*br+k)*cols+j*bc : (i*br+k)*cols+(j+1)*bc]
				for l, y := range b.Data[k*bc : (k+1)*bc] {
					row[l] = x * y
				}
			}
		}
	}
	return nil
}

// Backend names the BLAS the kernels run on: gonum's, in Go, or
// OpenBLAS's with the build tag openblas.
var Backend = "gonum"
