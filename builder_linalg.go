package nabla

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
)

// The builders of vectors and matrices make what Parse makes with
// ParseOptions.Shapes: VecVar("x", "n") is a vector of the size named n,
// and the operations check sizes by name, as the parser checks them, so
// that MatMul(MatVar("A", "m", "n"), VecVar("x", "n")) is A x and
// MatMul(MatVar("A", "m", "n"), VecVar("x", "m")) is an invalid Expr.

// VecVar returns the column vector variable name of the given size: a
// name such as "n", or a number such as "3".
func VecVar(name, size string) Expr { return shapedVar(name, false, size) }

// MatVar returns the matrix variable name of rows×cols, each a size name
// or a number.
func MatVar(name, rows, cols string) Expr { return shapedVar(name, false, rows, cols) }

// SymVar returns the symmetric matrix variable name of size×size.
func SymVar(name, size string) Expr { return shapedVar(name, true, size, size) }

func shapedVar(name string, symmetric bool, sizes ...string) Expr {
	if !parse.IsName(name) {
		return invalid(fmt.Errorf("nabla: %q is not a variable name (a letter then letters, digits or _, and not a function or constant)", name))
	}
	dims := make([]expr.Dim, len(sizes))
	for i, size := range sizes {
		d, err := sizeDim(size)
		if err != nil {
			return invalid(fmt.Errorf("nabla: %s: %v", name, err))
		}
		dims[i] = d
	}
	s := expr.NewShape(dims...)
	n := expr.NewSym(name, s)
	if symmetric {
		n = expr.NewSymmetric(name, s)
	}
	return Expr{n: n, decl: map[string]expr.Shape{name: s}}
}

// checked builds the operation op of the nodes ns with the constructor
// make after its shape rule accepts their shapes, sizes compared by name.
func checked(op expr.Op, what string, make func(ns []*expr.Node) *expr.Node, xs ...Expr) Expr {
	return build(func(ns []*expr.Node) (*expr.Node, error) {
		if err := fits(op, what, ns); err != nil {
			return nil, err
		}
		return make(ns), nil
	}, xs...)
}

// fits reports operands whose shapes the shape rule of op refuses, or
// that its Check refuses.
func fits(op expr.Op, what string, ns []*expr.Node) error {
	shapes := make([]expr.Shape, len(ns))
	for i, n := range ns {
		shapes[i] = n.Shape()
	}
	if _, need := expr.Ops[op].Shape(shapes, expr.Fixed); need != "" {
		parts := make([]string, len(ns))
		for i, s := range shapes {
			parts[i] = s.Describe()
		}
		return fmt.Errorf("nabla: %s needs %s, not %s", what, need, strings.Join(parts, " and "))
	}
	if check := expr.Ops[op].Check; check != nil {
		if need := check(ns); need != "" {
			return fmt.Errorf("nabla: %s needs %s", what, need)
		}
	}
	return nil
}

// MatMul returns the matrix product of xs, in order: A x, xᵀ A x.
func MatMul(xs ...Expr) Expr {
	if len(xs) == 0 {
		return invalid(errors.New("nabla: MatMul needs an operand"))
	}
	return checked(expr.OpMatMul, "MatMul", func(ns []*expr.Node) *expr.Node { return expr.MatMul(ns...) }, xs...)
}

// T returns the transpose of a: a vector becomes a row.
func T(a Expr) Expr {
	return checked(expr.OpTranspose, "T", func(ns []*expr.Node) *expr.Node { return expr.Transpose(ns[0]) }, a)
}

// Inv returns the inverse of the square matrix a.
func Inv(a Expr) Expr {
	return checked(expr.OpInv, "Inv", func(ns []*expr.Node) *expr.Node { return expr.Inv(ns[0]) }, a)
}

// Adj returns adj(a), the adjugate of the square matrix a: the
// transpose of its matrix of cofactors, det(a) a⁻¹ where a is invertible.
func Adj(a Expr) Expr {
	return checked(expr.OpAdj, "Adj", func(ns []*expr.Node) *expr.Node { return expr.Adj(ns[0]) }, a)
}

// Det returns the determinant of the square matrix a.
func Det(a Expr) Expr {
	return checked(expr.OpDet, "Det", func(ns []*expr.Node) *expr.Node { return expr.Det(ns[0]) }, a)
}

// LogDet returns log det(a).
func LogDet(a Expr) Expr {
	return checked(expr.OpLogDet, "LogDet", func(ns []*expr.Node) *expr.Node { return expr.LogDet(ns[0]) }, a)
}

// Tr returns the trace of the square matrix a.
func Tr(a Expr) Expr {
	return checked(expr.OpTrace, "Tr", func(ns []*expr.Node) *expr.Node { return expr.Trace(ns[0]) }, a)
}

// Norm returns the 2-norm of a vector, the Frobenius norm of a matrix.
func Norm(a Expr) Expr {
	return checked(expr.OpNorm, "Norm", func(ns []*expr.Node) *expr.Node { return expr.Norm(ns[0]) }, a)
}

// Sum returns the sum of the entries of a.
func Sum(a Expr) Expr {
	return checked(expr.OpSum, "Sum", func(ns []*expr.Node) *expr.Node { return expr.Sum(ns[0]) }, a)
}

// Diag returns diag(a): the diagonal matrix of a vector, the vector of
// the diagonal of a square matrix.
func Diag(a Expr) Expr {
	return checked(expr.OpDiag, "Diag", func(ns []*expr.Node) *expr.Node { return expr.Diag(ns[0]) }, a)
}

// Dot returns aᵀ b, the inner product of two vectors of one size.
func Dot(a, b Expr) Expr { return MatMul(T(a), b) }

// Hadamard returns the element-wise product of operands of one shape
// (scalars acting on every entry): a ⊙ b, a .* b.
func Hadamard(xs ...Expr) Expr {
	return checked(expr.OpMul, "Hadamard", func(ns []*expr.Node) *expr.Node { return expr.Mul(ns...) }, xs...)
}

// MatPow returns a^k, the k-th power of the square matrix a for a whole
// number k from -1000 to 1000: a^0 is the identity and a^-k the k-th
// power of the inverse. Pow of a matrix is the element-wise power.
func MatPow(a Expr, k int) Expr {
	return checked(expr.OpMatPow, "MatPow", func(ns []*expr.Node) *expr.Node { return expr.Apply(expr.OpMatPow, ns...) }, a, Int(int64(k)))
}

// Kron returns the Kronecker product a ⊗ b of vectors or matrices: the
// block matrix whose block (i, j) is a_ij b.
func Kron(a, b Expr) Expr {
	return checked(expr.OpKron, "Kron", func(ns []*expr.Node) *expr.Node { return expr.Kron(ns[0], ns[1]) }, a, b)
}

// Inner returns the inner product ⟨a, b⟩ of two vectors or two matrices
// of one shape: aᵀ b, or tr(aᵀ b), the Frobenius inner product.
func Inner(a, b Expr) Expr {
	return build(func(ns []*expr.Node) (*expr.Node, error) {
		sa, sb := ns[0].Shape(), ns[1].Shape()
		if r := sa.Rank(); r == 0 || r > 2 || sa != sb {
			return nil, fmt.Errorf("nabla: Inner needs two vectors or two matrices of one shape, not %s and %s", sa.Describe(), sb.Describe())
		}
		return expr.Inner(ns[0], ns[1]), nil
	}, a, b)
}

// Eye returns the identity matrix of size×size, the size a name such as
// "n" or a number such as "3"; Eye("1") is the number 1, as a 1×1
// product is a scalar.
func Eye(size string) Expr {
	d, err := sizeDim(size)
	if err != nil {
		return invalid(fmt.Errorf("nabla: Eye: %v", err))
	}
	if d.N == 1 {
		return Int(1)
	}
	return Expr{n: expr.Identity(d)}
}

// Mean returns the mean of the entries of a.
func Mean(a Expr) Expr {
	return checked(expr.OpMean, "Mean", func(ns []*expr.Node) *expr.Node { return expr.Mean(ns[0]) }, a)
}

// Prod returns the product of the entries of a.
func Prod(a Expr) Expr {
	return checked(expr.OpProd, "Prod", func(ns []*expr.Node) *expr.Node { return expr.Prod(ns[0]) }, a)
}

// LogSumExp returns logsumexp(z) = log Σ exp(z_i) of the vector z,
// computed without overflow.
func LogSumExp(z Expr) Expr {
	return checked(expr.OpLogSumExp, "LogSumExp", func(ns []*expr.Node) *expr.Node { return expr.LogSumExp(ns[0]) }, z)
}

// Softmax returns softmax(z) = exp(z)/Σ exp(z_j) of the vector z.
func Softmax(z Expr) Expr {
	return checked(expr.OpSoftmax, "Softmax", func(ns []*expr.Node) *expr.Node { return expr.Softmax(ns[0]) }, z)
}

// SoftmaxDim returns softmax(z, dim): the softmax of each column of the
// matrix z for dim 1 and of each row for dim 2, as in attention,
// softmax(Q Kᵀ/sqrt(d), 2).
func SoftmaxDim(z Expr, dim int) Expr {
	return checked(expr.OpSoftmaxDim, "SoftmaxDim", func(ns []*expr.Node) *expr.Node { return expr.Apply(expr.OpSoftmaxDim, ns...) }, z, Int(int64(dim)))
}
