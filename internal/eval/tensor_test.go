package eval

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// shapes declares the vectors x, y, a, b and the matrices A, B as the
// root package's declare does: every size symbolic and named after its
// variable, for the parser to unify.
func shapes() *parse.Options {
	vec := func(v string) expr.Shape { return expr.NewShape(expr.Dim{Sym: "#" + v}) }
	mat := func(m string) expr.Shape {
		return expr.NewShape(expr.Dim{Sym: "#" + m + ".r"}, expr.Dim{Sym: "#" + m + ".c"})
	}
	return &parse.Options{Vars: map[string]expr.Shape{
		"x": vec("x"), "y": vec("y"), "a": vec("a"), "b": vec("b"),
		"A": mat("A"), "B": mat("B"),
	}}
}

// vec returns the vector of the given entries.
func vec(d ...float64) Tensor { return Tensor{Shape: []int{len(d)}, Data: d} }

// mat returns the r×c matrix of the given entries in row-major order.
func mat(r, c int, d ...float64) Tensor { return Tensor{Shape: []int{r, c}, Data: d} }

// env names values for EvalTensor.
type env = map[string]Tensor

// TestEvalTensor evaluates expressions of vectors and matrices, the sizes
// of I and ones taken from the values.
func TestEvalTensor(t *testing.T) {
	A := mat(2, 2, 1, 2, 3, 4)
	tests := []struct {
		name      string
		src       string
		env       env
		wantShape []int // nil for a scalar
		want      []float64
		tol       float64 // 0: exact
	}{
		{"matrix times vector", "A x", env{"A": A, "x": vec(1, -1)}, []int{2}, []float64{-1, -1}, 0},
		{"matrix square", "A A", env{"A": A}, []int{2, 2}, []float64{7, 10, 15, 22}, 0},
		{"product of three", "A B x", env{"A": A, "B": mat(2, 3, 1, 0, 0, 0, 1, 0), "x": vec(1, 2, 3)},
			[]int{2}, []float64{5, 11}, 0},
		{"m×1 product stays a matrix", "A B", env{"A": A, "B": mat(2, 1, 1, 1)}, []int{2, 1}, []float64{3, 7}, 0},
		{"1×1 product of matrices", "A B", env{"A": mat(1, 2, 1, 2), "B": mat(2, 1, 1, 1)}, []int{1, 1}, []float64{3}, 0},
		{"transpose", "A'", env{"A": mat(2, 3, 1, 2, 3, 4, 5, 6)}, []int{3, 2}, []float64{1, 4, 2, 5, 3, 6}, 0},
		{"transpose times vector", "A' x", env{"A": mat(2, 3, 1, 2, 3, 4, 5, 6), "x": vec(1, 1)},
			[]int{3}, []float64{5, 7, 9}, 0},
		{"row", "x'", env{"x": vec(1, -1)}, []int{1, 2}, []float64{1, -1}, 0},
		{"inner product", "x' x", env{"x": vec(1, -1)}, nil, []float64{2}, 0},
		{"outer product", "x x'", env{"x": vec(1, -1)}, []int{2, 2}, []float64{1, -1, -1, 1}, 0},
		{"bilinear form", "a' A b", env{"a": vec(1, 0), "A": A, "b": vec(0, 1)}, nil, []float64{2}, 0},
		{"inverse", "inv(A)", env{"A": mat(2, 2, 2, 1, 1, 1)}, []int{2, 2}, []float64{1, -1, -1, 2}, 1e-15},
		{"inverse times vector", "inv(A) x", env{"A": mat(2, 2, 2, 1, 1, 1), "x": vec(1, 1)}, []int{2}, []float64{0, 1}, 1e-15},
		{"det", "det(A)", env{"A": A}, nil, []float64{-2}, 1e-15},
		{"logdet", "logdet(A)", env{"A": mat(2, 2, 2, 0, 0, 3)}, nil, []float64{math.Log(6)}, 1e-15},
		{"trace", "tr(A)", env{"A": A}, nil, []float64{5}, 0},
		{"vector norm", "norm(x)", env{"x": vec(3, 4)}, nil, []float64{5}, 0},
		{"Frobenius norm", "norm(A)", env{"A": A}, nil, []float64{math.Sqrt(30)}, 0},
		{"sum of a matrix", "sum(A)", env{"A": A}, nil, []float64{10}, 0},
		{"sum of a vector", "sum(x)", env{"x": vec(1, 2, 3)}, nil, []float64{6}, 0},
		{"diagonal of a matrix", "diag(A)", env{"A": A}, []int{2}, []float64{1, 4}, 0},
		{"diagonal matrix", "diag(x)", env{"x": vec(1, -1)}, []int{2, 2}, []float64{1, 0, 0, -1}, 0},
		{"identity sized by A", "A + I", env{"A": A}, []int{2, 2}, []float64{2, 2, 3, 5}, 0},
		{"scaled identity", "2 A - A' + t I", env{"t": Scalar(10), "A": A}, []int{2, 2}, []float64{11, 1, 4, 14}, 0},
		{"ones sized by x", "x + ones", env{"x": vec(1, -1)}, []int{2}, []float64{2, 0}, 0},
		{"ones row", "ones' x", env{"x": vec(1, 2, 3)}, nil, []float64{6}, 0},
		{"matrix of ones", "A + ones ones'", env{"A": mat(2, 3, 1, 2, 3, 4, 5, 6)}, []int{2, 3},
			[]float64{2, 3, 4, 5, 6, 7}, 0},
		{"scalar plus vector", "2x + 1", env{"x": vec(1, -1)}, []int{2}, []float64{3, -1}, 0},
		{"scalar variable times vector", "t x", env{"x": vec(1, -1), "t": Scalar(3)}, []int{2}, []float64{3, -3}, 0},
		{"scalar plus matrix", "A - t", env{"A": A, "t": Scalar(1)}, []int{2, 2}, []float64{0, 1, 2, 3}, 0},
		{"element-wise product", "x .* y", env{"x": vec(1, 2), "y": vec(3, 4)}, []int{2}, []float64{3, 8}, 0},
		{"element-wise quotient", "x ./ y", env{"x": vec(1, 2), "y": vec(4, 8)}, []int{2}, []float64{0.25, 0.25}, 0},
		{"element-wise power", "x .^ t", env{"x": vec(4, 9), "t": Scalar(0.5)}, []int{2}, []float64{2, 3}, 0},
		{"element-wise function", "sin(x)", env{"x": vec(0, 0)}, []int{2}, []float64{0, 0}, 0},
		{"element-wise functions", "x .^ 2 + abs(x) - sqrt(x .* x)", env{"x": vec(3, -1)}, []int{2}, []float64{9, 1}, 0},
		{"function of a matrix", "log(A)", env{"A": mat(1, 2, 1, math.E)}, []int{1, 2}, []float64{0, 1}, 0},
		{"sigmoid of a product", "sigmoid(A x)", env{"A": A, "x": vec(0, 0)}, []int{2}, []float64{0.5, 0.5}, 0},
		{"scalar of vector and scalar", "sum(x) + t", env{"x": vec(1, 2, 3), "t": Scalar(1)}, nil, []float64{7}, 0},
		{"scalars only", "t^2 + 1", env{"t": Scalar(3)}, nil, []float64{10}, 0},
		{"literal of scalars", "[x' x, 1]", env{"x": vec(1, -1)}, []int{2}, []float64{2, 1}, 0},
		{"literal matrix times vector", "[[1, 2], [3, t]] x", env{"x": vec(1, -1), "t": Scalar(1)},
			[]int{2}, []float64{-1, 2}, 0},
		{"matrix cube", "A^3", env{"A": A}, []int{2, 2}, []float64{37, 54, 81, 118}, 0},
		{"matrix power 0", "A^0 x", env{"A": A, "x": vec(1, -1)}, []int{2}, []float64{1, -1}, 0},
		{"inverse squared", "A^-2", env{"A": mat(2, 2, 2, 1, 1, 1)}, []int{2, 2}, []float64{2, -3, -3, 5}, 1e-14},
		{"Kronecker product", "kron(A, B)", env{"A": mat(1, 2, 1, 2), "B": mat(2, 1, 3, 4)}, []int{2, 2}, []float64{3, 6, 4, 8}, 0},
		{"Kronecker product of vectors", "x ⊗ y", env{"x": vec(1, 2), "y": vec(3, 4, 5)}, []int{6}, []float64{3, 4, 5, 6, 8, 10}, 0},
		{"Kronecker product by a matrix", "(A ⊗ B) (x ⊗ y)", env{"A": A, "B": mat(1, 1, 2), "x": vec(1, -1), "y": vec(3)},
			[]int{2}, []float64{-6, -6}, 0},
		{"softmax of each row", "softmax(A, 2)", env{"A": mat(2, 2, 0, 0, 1000, 1000)}, []int{2, 2}, []float64{0.5, 0.5, 0.5, 0.5}, 0},
		{"softmax of each column", "softmax(A, 1)", env{"A": mat(2, 2, 0, 1000, 0, 1000)}, []int{2, 2}, []float64{0.5, 0.5, 0.5, 0.5}, 0},
		{"mean, prod and min", "mean(A) + prod(x) + min(A)", env{"A": A, "x": vec(2, 3)}, nil, []float64{2.5 + 6 + 1}, 0},
		{"Frobenius inner product", "<A, B>", env{"A": A, "B": mat(2, 2, 1, 0, 0, 1)}, nil, []float64{5}, 0},
		{"element-wise product ∘", "x ∘ y", env{"x": vec(1, 2), "y": vec(3, 4)}, []int{2}, []float64{3, 8}, 0},
		{"trace of a 1×1 product", "tr(x' A x)", env{"x": vec(1, 1), "A": A}, nil, []float64{10}, 0},
		{"everything", "x' inv(A) x + logdet(A) + det(A) + tr(A) + norm(x)",
			env{"x": vec(3, 4), "A": mat(2, 2, 2, 0, 0, 4)}, nil, []float64{8.5 + math.Log(8) + 8 + 6 + 5}, 1e-15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := mustParse(t, tt.src, shapes())
			got, err := EvalTensor(n, tt.env, nil)
			if err != nil {
				t.Fatalf("EvalTensor(%s): %v", tt.src, err)
			}
			if !slices.Equal(got.Shape, tt.wantShape) {
				t.Errorf("EvalTensor(%s) has shape %v, want %v", tt.src, got.Shape, tt.wantShape)
			}
			if len(got.Data) != len(tt.want) {
				t.Fatalf("EvalTensor(%s) = %v, want %v", tt.src, got.Data, tt.want)
			}
			for i := range got.Data {
				if !near(got.Data[i], tt.want[i], tt.tol) {
					t.Errorf("EvalTensor(%s) = %v, want %v", tt.src, got.Data, tt.want)
					break
				}
			}
		})
	}
}

// TestEvalTensorDeclared checks that declared shapes settle sizes the
// expression has lost: sum(x ./ x) is sum(ones), whose size only x's
// value gives.
func TestEvalTensorDeclared(t *testing.T) {
	opts := shapes()
	var declared map[string]expr.Shape
	opts.Resolved = &declared
	n := mustParse(t, "sum(x ./ x)", opts)
	if got, want := format.Text(n), "sum(ones)"; got != want {
		t.Fatalf("parsed %s, want %s", got, want)
	}
	got, err := EvalTensor(n, env{"x": vec(1, 2, 3)}, declared)
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsScalar() || got.Data[0] != 3 {
		t.Errorf("sum(x ./ x) with x of size 3 = %v, want 3", got)
	}
	// Without the declarations the size is unknown.
	_, err = EvalTensor(n, env{"x": vec(1, 2, 3)}, nil)
	if want := "the size m is not known: give a value that has it"; err == nil || err.Error() != want {
		t.Errorf("without declarations: error %v, want %q", err, want)
	}
	// A declared variable's value is checked even where the expression
	// has lost it; a declared variable without a value is skipped.
	_, err = EvalTensor(n, env{"x": Scalar(2)}, declared)
	if want := "x is a vector, but its value is a scalar"; err == nil || err.Error() != want {
		t.Errorf("scalar value for x: error %v, want %q", err, want)
	}
	_, err = EvalTensor(n, env{}, declared)
	if want := "the size m is not known: give a value that has it"; err == nil || err.Error() != want {
		t.Errorf("no value: error %v, want %q", err, want)
	}
}

// TestEvalTensorErrors checks the errors for values that do not fit the
// expression: wrong ranks, inconsistent sizes, missing values, operands
// whose sizes do not fit the operation.
func TestEvalTensorErrors(t *testing.T) {
	m, n, p := expr.Dim{Sym: "m"}, expr.Dim{Sym: "n"}, expr.Dim{Sym: "p"}
	// Built directly, the constructors do not unify sizes as the parser
	// does, so the kernels meet operands that do not fit.
	symA := expr.NewSym("A", expr.NewShape(m, n))
	symX := expr.NewSym("x", expr.NewShape(p))
	symY := expr.NewSym("y", expr.NewShape(m))
	parsed := func(src string) func(t *testing.T) *expr.Node {
		return func(t *testing.T) *expr.Node { return mustParse(t, src, shapes()) }
	}
	built := func(n *expr.Node) func(t *testing.T) *expr.Node {
		return func(*testing.T) *expr.Node { return n }
	}
	A23 := mat(2, 3, 1, 2, 3, 4, 5, 6)
	tests := []struct {
		name string
		n    func(t *testing.T) *expr.Node
		env  env
		want string
	}{
		// Binding values to variables.
		{"vector given a scalar", parsed("A x"), env{"A": mat(2, 2, 1, 2, 3, 4), "x": Scalar(1)},
			"x is a vector, but its value is a scalar"},
		{"matrix given a vector", parsed("A x"), env{"A": vec(1, -1), "x": vec(1, -1)},
			"A is a matrix, but its value is 2"},
		{"vector given a matrix", parsed("sum(x) + t"), env{"x": mat(2, 2, 1, 2, 3, 4), "t": Scalar(1)},
			"x is a vector, but its value is 2×2"},
		{"scalar given a matrix", parsed("sum(x) + t"), env{"x": vec(1, 2, 3), "t": mat(2, 2, 1, 2, 3, 4)},
			"t is a scalar, but its value is 2×2"},
		{"no value", parsed("A x"), env{"A": mat(2, 2, 1, 2, 3, 4)}, "no value for x"},
		{"sizes of a product", parsed("A x"), env{"A": mat(2, 2, 1, 2, 3, 4), "x": vec(1, 2, 3)},
			"A has 2 columns but x has 3 entries, and both are the size n"},
		{"sizes of a sum", parsed("x + a"), env{"x": vec(1, -1), "a": vec(1, 2, 3)},
			"a has 3 entries but x has 2, and both are the size m"},
		{"sizes of a product and a sum", parsed("A x + a"), env{"A": mat(2, 2, 1, 2, 3, 4), "x": vec(1, -1), "a": vec(1, 2, 3)},
			"a has 3 entries but A has 2 rows, and both are the size m"},
		{"sizes of a matrix product", parsed("A B"), env{"A": mat(2, 2, 1, 2, 3, 4), "B": mat(3, 1, 1, 2, 3)},
			"A has 2 columns but B has 3 rows, and both are the size n"},
		{"non-square value for inv", parsed("inv(A)"), env{"A": A23},
			"the value of A is a 2×3 matrix, but its sizes must be equal (both m)"},
		{"non-square value for A + Aᵀ", parsed("A + A'"), env{"A": A23},
			"the value of A is a 2×3 matrix, but its sizes must be equal (both m)"},
		{"size fixed by a literal", parsed("[[1, 2], [3, 4]] x"), env{"x": vec(1, 2, 3)},
			"x has size 2, but its value has 3"},
		{"size unknown", parsed("sum(x ./ x)"), env{"x": vec(1, 2)},
			"the size m is not known: give a value that has it"},
		{"identity of unknown size", built(expr.Identity(n)), env{},
			"the size n is not known: give a value that has it"},

		// Operands whose sizes do not fit the operation.
		{"cannot multiply", built(expr.MatMul(symA, symX)), env{"A": mat(2, 2, 1, 2, 3, 4), "x": vec(1, 2, 3)},
			"size mismatch in A x: a matrix product needs factors whose columns match the rows of the next, not a 2×2 matrix and a 3-vector"},
		{"sum of vectors", built(expr.Add(symX, symY)), env{"x": vec(1, 2, 3), "y": vec(1, 2)},
			"size mismatch in x + y: 2 against 3"},
		{"element-wise product", built(expr.Mul(symX, symY)), env{"x": vec(1, 2, 3), "y": vec(1, 2)},
			"size mismatch in x .* y: 2 against 3"},
		{"identity and matrix", built(expr.Add(symA, expr.Identity(m))), env{"A": A23},
			"size mismatch in A + I: 2×2 against 2×3"},
		{"tr", built(expr.Trace(symA)), env{"A": A23}, "size mismatch in tr(A): tr needs a square matrix, not a 2×3 matrix"},
		{"inv", built(expr.Inv(symA)), env{"A": A23}, "size mismatch in inv(A): inv needs a square matrix, not a 2×3 matrix"},
		{"det", built(expr.Det(symA)), env{"A": A23}, "size mismatch in det(A): det needs a square matrix, not a 2×3 matrix"},
		{"logdet", built(expr.LogDet(symA)), env{"A": A23}, "size mismatch in logdet(A): logdet needs a square matrix, not a 2×3 matrix"},
		{"diag", built(expr.Diag(symA)), env{"A": A23}, "size mismatch in diag(A): diag needs a square matrix, not a 2×3 matrix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.n(t)
			v, err := EvalTensor(n, tt.env, nil)
			if err == nil {
				t.Fatalf("EvalTensor(%s) = %v, want error %q", format.Text(n), v, tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("EvalTensor(%s) error = %q, want %q", format.Text(n), got, tt.want)
			}
			var de *DomainError
			if errors.As(err, &de) {
				t.Errorf("EvalTensor(%s) error is a *DomainError, want another kind", format.Text(n))
			}
		})
	}
}

// TestEvalTensorDomainErrors checks values outside an operation's
// domain: a singular matrix, a negative determinant, entries outside an
// element-wise function's domain, overflow.
func TestEvalTensorDomainErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		env  env
		msg  string
		node string
	}{
		{"singular", "inv(A)", env{"A": mat(2, 2, 1, 2, 2, 4)}, "singular matrix", "inv(A)"},
		{"singular power", "A^-2", env{"A": mat(2, 2, 1, 2, 2, 4)}, "singular matrix", "A^-2"},
		{"singular inside", "x' inv(A) x", env{"A": mat(2, 2, 0, 0, 0, 0), "x": vec(1, 1)}, "singular matrix", "inv(A)"},
		{"negative determinant", "logdet(A)", env{"A": mat(2, 2, 1, 2, 3, 4)},
			"log of a non-positive determinant", "logdet(A)"},
		{"zero determinant", "logdet(A)", env{"A": mat(2, 2, 1, 2, 2, 4)},
			"log of a non-positive determinant", "logdet(A)"},
		{"log of one entry", "log(x)", env{"x": vec(1, -1)}, "log of a non-positive number", "log(x)"},
		{"log inside", "log(x - 1) + x", env{"x": vec(3, 1)}, "log of a non-positive number", "log(x - 1)"},
		{"log of a scalar", "log(t) x", env{"t": Scalar(0), "x": vec(1)}, "log of a non-positive number", "log(t)"},
		{"division by a zero entry", "x ./ y", env{"x": vec(3, 1), "y": vec(1, 0)}, "division by zero", "1./y"},
		{"negative entry to a non-integer power", "x .^ t", env{"x": vec(-3, 1), "t": Scalar(0.5)},
			"negative number to a non-integer power", "x.^t"},
		{"asin of a matrix", "asin(A)", env{"A": mat(1, 2, 0, 2)}, "argument outside [-1, 1]", "asin(A)"},
		{"overflow", "exp(1000 x)", env{"x": vec(1, -1)}, "overflow", "exp(1000x)"},
		{"overflow of a product", "A B", env{"A": mat(1, 1, 1e200), "B": mat(1, 1, 1e200)}, "overflow", "A B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := EvalTensor(mustParse(t, tt.src, shapes()), tt.env, nil)
			if err == nil {
				t.Fatalf("EvalTensor(%s) = %v, want an error", tt.src, v)
			}
			checkDomainError(t, err, tt.msg, tt.node)
		})
	}
}

// elementwiseFuncs returns the operations of the table that act on one
// scalar, entry by entry: a function added to the table is drawn by the
// property tests the day it is added.
func elementwiseFuncs() []expr.Op {
	var ops []expr.Op
	for i := range expr.Ops {
		if info := &expr.Ops[i]; info.Class == expr.Function && info.Elementwise && info.Arity == 1 {
			ops = append(ops, expr.Op(i))
		}
	}
	return ops
}

// builder builds an expression from the leaves x and y, so that one
// random structure can be built over scalars and over vectors.
type builder func(x, y *expr.Node) *expr.Node

// genBuilder generates random expressions of bounded depth in x, y and
// small numbers, with sums, products, quotients, powers and the
// element-wise functions of the table.
func genBuilder(depth int) *rapid.Generator[builder] {
	fns := elementwiseFuncs()
	return rapid.Custom(func(t *rapid.T) builder {
		leaf := func() builder {
			switch rapid.IntRange(0, 3).Draw(t, "leaf") {
			case 0, 1:
				return func(x, _ *expr.Node) *expr.Node { return x }
			case 2:
				return func(_, y *expr.Node) *expr.Node { return y }
			}
			k := expr.Rat(int64(rapid.IntRange(-5, 5).Draw(t, "p")), int64(rapid.IntRange(1, 3).Draw(t, "q")))
			return func(_, _ *expr.Node) *expr.Node { return expr.NewConst(k) }
		}
		if depth == 0 {
			return leaf()
		}
		sub := genBuilder(depth - 1)
		a := sub.Draw(t, "a")
		switch rapid.IntRange(0, 7).Draw(t, "kind") {
		case 0:
			return leaf()
		case 1:
			b := sub.Draw(t, "b")
			return func(x, y *expr.Node) *expr.Node { return expr.Add(a(x, y), b(x, y)) }
		case 2:
			b := sub.Draw(t, "b")
			return func(x, y *expr.Node) *expr.Node { return expr.Mul(a(x, y), b(x, y)) }
		case 3:
			b := sub.Draw(t, "b")
			return func(x, y *expr.Node) *expr.Node { return expr.Div(a(x, y), b(x, y)) }
		case 4:
			k := expr.Int64(int64(rapid.IntRange(-3, 4).Draw(t, "k")))
			return func(x, y *expr.Node) *expr.Node { return expr.Pow(a(x, y), k) }
		case 5:
			b := sub.Draw(t, "b")
			return func(x, y *expr.Node) *expr.Node { return expr.Pow(a(x, y), b(x, y)) }
		}
		op := fns[rapid.IntRange(0, len(fns)-1).Draw(t, "fn")]
		return func(x, y *expr.Node) *expr.Node { return expr.Call(op, a(x, y)) }
	})
}

// coordinate draws a value in [-3, 3] that avoids the special points 0
// and ±1 of the functions.
func coordinate(t *rapid.T, name string) float64 {
	return float64(rapid.IntRange(-300, 300).Draw(t, name))/100 + 0.0371
}

// TestCompiledAgreesWithTensor checks that for random scalar expressions
// the compiled program and EvalTensor give the same value, bit for bit,
// or the same domain error.
func TestCompiledAgreesWithTensor(t *testing.T) {
	x, y := expr.NewSym("x", expr.Scalar), expr.NewSym("y", expr.Scalar)
	gen := genBuilder(3)
	rapid.Check(t, func(t *rapid.T) {
		n := gen.Draw(t, "f")(x, y)
		xv, yv := coordinate(t, "x"), coordinate(t, "y")
		got, gotErr := Compile(n).At(map[string]float64{"x": xv, "y": yv})
		want, wantErr := EvalTensor(n, env{"x": Scalar(xv), "y": Scalar(yv)}, nil)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%s at x=%v, y=%v: program gives %v, %v; EvalTensor gives %v, %v",
				format.Text(n), xv, yv, got, gotErr, want.Data, wantErr)
		}
		if gotErr != nil {
			var de *DomainError
			if !errors.As(gotErr, &de) || !errors.As(wantErr, &de) || gotErr.Error() != wantErr.Error() {
				t.Fatalf("%s at x=%v, y=%v: program error %q, EvalTensor error %q",
					format.Text(n), xv, yv, gotErr, wantErr)
			}
			return
		}
		if !want.IsScalar() || len(want.Data) != 1 || want.Data[0] != got {
			t.Fatalf("%s at x=%v, y=%v: program gives %v, EvalTensor %v",
				format.Text(n), xv, yv, got, want)
		}
	})
}

// hasOnes reports whether the matrix of ones occurs in n.
func hasOnes(n *expr.Node) bool {
	return expr.Find(n, func(m *expr.Node) bool { return m.Op() == expr.OpOnes }) != nil
}

// TestTensorBroadcastsScalars checks that EvalTensor of a random
// expression in a vector x and a scalar y gives, entry by entry, what
// the scalar program gives at that entry of x; where the program fails
// at some entry, EvalTensor fails too.
func TestTensorBroadcastsScalars(t *testing.T) {
	xs, ys := expr.NewSym("x", expr.Scalar), expr.NewSym("y", expr.Scalar)
	xv := expr.NewSym("x", expr.NewShape(expr.Dim{Sym: "n"}))
	declared := map[string]expr.Shape{"x": xv.Shape()}
	gen := genBuilder(3)
	rapid.Check(t, func(t *rapid.T) {
		b := gen.Draw(t, "f")
		scalar, vector := b(xs, ys), b(xv, ys)
		entries := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) float64 { return coordinate(t, "entry") }), 1, 4).Draw(t, "x")
		yval := coordinate(t, "y")
		p := Compile(scalar)
		var want []float64
		failed := false
		for _, e := range entries {
			v, err := p.At(map[string]float64{"x": e, "y": yval})
			if err != nil {
				failed = true
				break
			}
			want = append(want, v)
		}
		got, err := EvalTensor(vector, env{"x": vec(entries...), "y": Scalar(yval)}, declared)
		if failed != (err != nil) && hasOnes(vector) {
			// Where the entries cancel to a constant, the constructors
			// fold differently over scalars and over vectors, and some
			// folds drop where an operand has no value: over scalars
			// 1^e is 1, but over vectors ones.^e stays; over vectors
			// ones - 1 stays, and 0 ./ (ones - 1) is 0, but over scalars
			// 1 - 1 is 0, and 0/0 is 1/0.
			return
		}
		if failed != (err != nil) {
			t.Fatalf("%s at x=%v, y=%v: EvalTensor gives %v, %v; the scalar program %s fails: %v",
				format.Text(vector), entries, yval, got, err, format.Text(scalar), failed)
		}
		if failed {
			var de *DomainError
			if !errors.As(err, &de) {
				t.Fatalf("%s: error %v (%T), want a *DomainError", format.Text(vector), err, err)
			}
			return
		}
		if !got.IsScalar() && !slices.Equal(got.Shape, []int{len(entries)}) {
			t.Fatalf("%s at x=%v: shape %v, want a scalar or %d entries", format.Text(vector), entries, got.Shape, len(entries))
		}
		for i, w := range want {
			g := got.Data[0]
			if !got.IsScalar() {
				g = got.Data[i]
			}
			// The canonical order of a sum may differ between scalars
			// and vectors, so the rounding may too.
			if !near(g, w, 1e-9) {
				t.Fatalf("%s at x=%v, y=%v: entry %d is %v, the scalar program %s gives %v",
					format.Text(vector), entries, yval, i, g, format.Text(scalar), w)
			}
		}
	})
}

// ExampleEvalTensor evaluates a quadratic form.
func ExampleEvalTensor() {
	x := expr.NewSym("x", expr.NewShape(expr.Dim{Sym: "n"}))
	A := expr.NewSym("A", expr.NewShape(expr.Dim{Sym: "n"}, expr.Dim{Sym: "n"}))
	f := expr.MatMul(expr.Transpose(x), A, x)
	v, err := EvalTensor(f, map[string]Tensor{
		"x": {Shape: []int{2}, Data: []float64{1, 2}},
		"A": {Shape: []int{2, 2}, Data: []float64{2, 0, 0, 3}},
	}, nil)
	fmt.Println(format.Text(f), "=", v.Data, err)
	// Output: xᵀ A x = [14] <nil>
}

// TestEvalTensorOwnsResult checks that a result never shares storage
// with the values it was given: the value of x alone, changed in env
// afterwards to take a finite difference, stays what it was.
func TestEvalTensorOwnsResult(t *testing.T) {
	tests := []struct {
		src  string
		want []float64
	}{
		{"x", []float64{1, 2}},
		{"x'", []float64{1, 2}},
		{"A", []float64{1, 2, 3, 4}},
		{"s", []float64{5}},
		{"2x", []float64{2, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			opts := shapes()
			n, err := parse.Parse(tt.src, opts)
			if err != nil {
				t.Fatal(err)
			}
			e := env{"x": vec(1, 2), "A": mat(2, 2, 1, 2, 3, 4), "s": Scalar(5)}
			v, err := EvalTensor(n, e, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range e {
				for i := range w.Data {
					w.Data[i] = -100
				}
			}
			if !slices.Equal(v.Data, tt.want) {
				t.Errorf("%s = %v after env changed, want %v", tt.src, v.Data, tt.want)
			}
		})
	}
}
