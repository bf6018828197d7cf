package nabla

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// decl declares the vectors, matrices and symmetric matrices used by the
// lecture notes' matrix identities.
var decl = &ParseOptions{
	Vectors:   []string{"a", "b", "s", "x", "y", "w", "θ"},
	Matrices:  []string{"A", "B", "M", "R", "X", "Φ"},
	Symmetric: []string{"W"},
}

// TestMatrixIdentities checks the identities of the lecture notes (§5.5,
// least squares, k-means, logistic regression) in compact matrix form,
// with the shapes of numerator layout.
func TestMatrixIdentities(t *testing.T) {
	tests := []struct {
		name, f, wrt, want, shape string
	}{
		{"bilinear form", "a' X b", "X", "a bᵀ", "m×n"},
		{"quadratic form", "x' B x", "x", "xᵀ (B + Bᵀ)", "1×m"},
		{"least squares", "||y - Φ θ||^2", "θ", "-2(y - Φ θ)ᵀ Φ", "1×n"},
		{"weighted least squares", "(x - A s)' W (x - A s)", "s", "-2(x - A s)ᵀ W A", "1×n"},
		{"linear map", "A x", "x", "A", "m×n"},
		{"determinant", "det(X)", "X", "det(X) inv(X)ᵀ", "m×m"},
		{"log-determinant", "logdet(X)", "X", "inv(X)ᵀ", "m×m"},
		{"inverse", "a' X^-1 b", "X", "-inv(X)ᵀ a bᵀ inv(X)ᵀ", "m×m"},
		{"trace", "tr(A X B)", "X", "Aᵀ Bᵀ", "n×p"},
		{"k-means", "||X - R M'||^2", "M", "-2(X - R Mᵀ)ᵀ R", "n×p"},
		{"logistic loss", "sum(log(1 + exp(-y .* (X w))))", "w", "-(y .* (1 - sigmoid(y .* (X w))))ᵀ X", "1×n"},
		{"inner product", "a' x", "x", "aᵀ", "1×m"},
		{"dot", "dot(a, x)", "x", "aᵀ", "1×m"},
		{"norm", "||x||", "x", "xᵀ/norm(x)", "1×m"},
		{"element-wise function", "sin(A x)", "x", "diag(cos(A x)) A", "m×n"},
		{"trace of a Gram matrix", "tr(X' X)", "X", "2X", "m×n"},
		{"logistic log-likelihood", "y' log(sigmoid(X w)) + (1 - y)' log(1 - sigmoid(X w))", "w", "(y - sigmoid(X w))ᵀ X", "1×n"},
		{"softmax cross-entropy", "log(sum(exp(a))) - y' a", "a", "(exp(a)/sum(exp(a)) - y)ᵀ", "1×m"},
		{"ridge regression", "||X w - y||^2 + λ ||w||^2", "w", "2λ wᵀ + 2(X w - y)ᵀ X", "1×m"},
		{"a norm in a product", "||a|| ||x||", "x", "norm(a) xᵀ/norm(x)", "1×n"},
		{"a norm in parentheses in a norm", "||x (1 + ||a||)||", "x", "(norm(a) + 1)^2 xᵀ/norm((norm(a) + 1) x)", "1×n"},
		{"inverse of a diagonal", "a' inv(diag(x)) a", "x", "-(a.^2./x.^2)ᵀ", "1×m"},
		{"log-determinant of a diagonal", "logdet(diag(exp(x)))", "x", "onesᵀ", "1×m"},
		{"an inner function", "x' x where x = A s", "s", "2sᵀ Aᵀ A", "1×n"},
		{"one-entry literals are scalars", "a' x*[3]*[[2]]", "x", "6aᵀ", "1×m"},
		{"diagonal of a diagonal", "a' diag(x) b", "x", "(a .* b)ᵀ", "1×m"},
		{"trace as a sum of the diagonal", "sum(diag(X))", "X", "I", "m×m"},
		{"cubic through diag", "x' diag(x) x", "x", "3(x.^2)ᵀ", "1×m"},
		{"diagonal of a product", "a' diag(A X)", "X", "Aᵀ diag(a)", "n×m"},
		{"element-wise power tower", "7.^2.^x", "x", "diag(log(2) log(7)*2.^x .* 7.^(2.^x))", "m×m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseWith(tt.f, decl)
			if err != nil {
				t.Fatal(err)
			}
			d, err := f.Diff(tt.wrt)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.String(); got != tt.want {
				t.Errorf("d/d%s %s = %s, want %s", tt.wrt, tt.f, got, tt.want)
			}
			if got := d.n.Shape().String(); got != tt.shape {
				t.Errorf("d/d%s %s has shape %s, want %s", tt.wrt, tt.f, got, tt.shape)
			}
		})
	}
}

// TestZeroDerivatives checks that a derivative that is zero keeps the
// shape of numerator layout, also when f does not use the variable.
func TestZeroDerivatives(t *testing.T) {
	opts := &ParseOptions{Vectors: []string{"a", "b", "x"}, Matrices: []string{"A", "X"}}
	tests := []struct{ f, wrt, shape string }{
		{"a' b", "x", "1×s"}, // sizes the input leaves free are named in order
		{"a' b", "X", "q×r"},
		{"a' (X - X) b", "X", "p×q"},
		{"A a", "x", "m×s"},
		{"x - x", "x", "m×m"},
		{"3", "A", "m×n"},
	}
	for _, tt := range tests {
		f, err := ParseWith(tt.f, opts)
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.Diff(tt.wrt)
		var absent *AbsentError
		if !errors.As(err, &absent) {
			t.Fatalf("d/d%s %s: %v, want an *AbsentError", tt.wrt, tt.f, err)
		}
		if got := d.String(); got != "0" {
			t.Errorf("d/d%s %s = %s, want 0", tt.wrt, tt.f, got)
		}
		if got := d.n.Shape().String(); got != tt.shape {
			t.Errorf("d/d%s %s has shape %s, want %s", tt.wrt, tt.f, got, tt.shape)
		}
	}
}

func TestMatrixHessians(t *testing.T) {
	tests := []struct{ f, wrt, want string }{
		{"x' A x", "x", "A + Aᵀ"},
		{"||y - X w||^2", "w", "2Xᵀ X"},
		{"y' log(sigmoid(X w)) + (1 - y)' log(1 - sigmoid(X w))", "w", "-Xᵀ diag((1 - sigmoid(X w)) .* sigmoid(X w)) X"},
		{"||X w - y||^2 + λ ||w||^2", "w", "2λ I + 2Xᵀ X"},
		{"log(sum(exp(a))) - y' a", "a", "diag(exp(a))/sum(exp(a)) - exp(a) exp(a)ᵀ/sum(exp(a))^2"},
		{"(x' x)^2", "x", "4(xᵀ x) I + 8x xᵀ"},
		{"log(1 + x' x)", "x", "2I/(xᵀ x + 1) - 4x xᵀ/(xᵀ x + 1)^2"},
		{"sum(exp(A x))", "x", "Aᵀ diag(exp(A x)) A"},
		{"exp(a' x)", "x", "exp(aᵀ x) (a aᵀ)"},
		{"sum(log(1 + exp(-y .* (X w))))", "w", "Xᵀ diag(y.^2 .* (1 - sigmoid(y .* (X w))) .* sigmoid(y .* (X w))) X"},
	}
	for _, tt := range tests {
		t.Run(tt.f, func(t *testing.T) {
			f, err := ParseWith(tt.f, decl)
			if err != nil {
				t.Fatal(err)
			}
			h, err := Hessian(f, tt.wrt)
			if err != nil {
				t.Fatal(err)
			}
			if h.String() != tt.want {
				t.Errorf("Hessian of %s = %s, want %s", tt.f, h, tt.want)
			}
		})
	}
}

func TestShapeErrors(t *testing.T) {
	tests := []struct{ f, want string }{
		{"x + A", "1:3: cannot add vector x (m) and matrix A (n×p)"},
		{"x A", "1:3: cannot multiply vector x (m) by matrix A (n×p)"},
		{"A x + x' A", "1:5: cannot add a vector (m) and a matrix (1×m)"},
		{"det(x)", "1:1: det needs a square matrix, not vector x (m)"},
		{"x^2", "1:2: cannot raise vector x (m) to a power: use .^ for element-wise powers, ^-1 for the inverse"},
		{"A^t", "1:2: the matrix power needs a whole exponent from -1000 to 1000: use .^ for element-wise powers"},
		{"[[1, 2, 3], [4, 5, 6]]^2", "1:23: the matrix power needs a square matrix, not a 2×3 matrix"},
		{"softmax(A, 3)", "1:1: softmax needs the dimension 1 (the softmax of each column) or 2 (of each row)"},
		{"<A, x>", "1:1: the inner product <·, ·> needs two vectors or two matrices of one shape, not matrix A (m×n) and vector x (p)"},
		{"x .* A", "1:3: cannot combine vector x (m) and matrix A (n×p) element-wise"},
		{"diag(x')", "1:1: diag needs a square matrix, not a matrix (1×m)"},
		{"diag(2)", "1:1: diag needs a vector or a square matrix, not a scalar"},
		{"u^2 where u = A s", "1:2: cannot raise vector u (m) to a power: use .^ for element-wise powers, ^-1 for the inverse"},
		{"x' x where x = A", "1:16: x is declared a vector (m) in f, but its definition is matrix A (n×p)"},
		{"diag([[1,2,3],[4,5,6]])", "1:1: diag needs a square matrix, not a 2×3 matrix"},
		{"||x", "1:4: expected '||' to close '||' at 1:1, found end of input"},
		{"|x|", "1:1: write a norm as ||x||; for the absolute value write abs(x)"},
	}
	for _, tt := range tests {
		t.Run(tt.f, func(t *testing.T) {
			_, err := ParseWith(tt.f, decl)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMatrixValues(t *testing.T) {
	env := map[string]Tensor{
		"A": {Shape: []int{2, 2}, Data: []float64{2, 1, 1, 3}},
		"x": {Shape: []int{2}, Data: []float64{1, -1}},
	}
	tests := []struct{ f, want string }{
		{"A x", "[1 -2]"},
		{"x' A x", "[3]"},
		{"det(A)", "[5]"},
		{"A inv(A) x", "[1 -1]"},
		{"tr(A) + sum(x) + ||x||^2", "[7]"},
		{"A .* A", "[4 1 1 9]"},
		{"exp(x)", "[2.718281828 0.367879441]"},
		{"sum(x ./ x)", "[2]"},
		{"x - x + 1", "[1 1]"},
		{"0 x", "[0 0]"},
	}
	for _, tt := range tests {
		t.Run(tt.f, func(t *testing.T) {
			f, err := ParseWith(tt.f, decl)
			if err != nil {
				t.Fatal(err)
			}
			v, err := f.Value(env)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(roundAll(v.Data))
			if got != tt.want {
				t.Errorf("%s = %s, want %s", tt.f, got, tt.want)
			}
		})
	}
	errs := []struct {
		f    string
		env  map[string]Tensor
		want string
	}{
		{"inv(A)", map[string]Tensor{"A": {Shape: []int{2, 2}, Data: []float64{1, 2, 2, 4}}}, "singular matrix in inv(A)"},
		{"A x", map[string]Tensor{"A": {Shape: []int{2, 2}, Data: make([]float64, 4)}, "x": {Shape: []int{3}, Data: make([]float64, 3)}},
			"A has 2 columns but x has 3 entries, and both are the size n"},
		{"A x", map[string]Tensor{"A": {Shape: []int{2}, Data: make([]float64, 2)}, "x": {Shape: []int{2}, Data: make([]float64, 2)}},
			"A is a matrix, but its value is 2"},
		{"logdet(A)", map[string]Tensor{"A": {Shape: []int{2, 2}, Data: []float64{-1, 0, 0, 1}}}, "log of a non-positive determinant in logdet(A)"},
		{"x", map[string]Tensor{}, "no value for x"},
	}
	for _, tt := range errs {
		t.Run("error "+tt.f, func(t *testing.T) {
			f, err := ParseWith(tt.f, decl)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Value(tt.env); err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func roundAll(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Round(x*1e9) / 1e9
	}
	return out
}

// matrixCases are scalar functions of vectors and matrices, one or more
// per operation, for the property test below. Every variable is declared
// in decl; sizes are drawn at random.
var matrixCases = []struct {
	f, wrt string
	square []string // matrices that must be square
}{
	{"a' X b", "X", nil},
	{"a' X b", "a", nil},
	{"x' B x", "x", []string{"B"}},
	{"||y - Φ θ||^2", "θ", nil},
	{"(x - A s)' W (x - A s)", "s", nil},
	{"(x - A s)' W (x - A s)", "A", nil},
	{"det(X)", "X", []string{"X"}},
	{"logdet(X' X + I)", "X", nil},
	{"a' X^-1 b", "X", []string{"X"}},
	{"tr(A X B)", "X", nil},
	{"||X - R M'||^2", "M", nil},
	{"||X - R M'||^2", "R", nil},
	{"sum(log(1 + exp(-y .* (X w))))", "w", nil},
	{"||x||", "x", nil},
	{"sum(sin(A x) .* (A x))", "x", nil},
	{"sum(exp(-x .* x)) + tr(X' X)", "X", nil},
	{"x' x sum(x)", "x", nil},
	{"sum(sigmoid(X w))", "X", nil},
	{"tr(inv(W + 3I))", "W", nil},
	{"tr(diag(x) A)", "x", nil},
	{"x' diag(exp(x)) x", "x", nil},
	{"a' diag(x) b", "x", nil},
	{"a' inv(diag(x)) a + det(diag(x))", "x", nil},
	{"y' log(sigmoid(X w)) + (1 - y)' log(1 - sigmoid(X w))", "w", nil},
	{"log(sum(exp(a))) - y' a", "a", nil},
	{"sum(exp(diag(X)))", "X", nil},
	{"diag(A X B)' diag(A X B)", "X", nil},
	{"sum(diag(x x' A))", "x", nil},
}

// TestMatrixRulesAgainstFiniteDifferences checks each matrix derivative
// against central differences on random instances of random sizes.
func TestMatrixRulesAgainstFiniteDifferences(t *testing.T) {
	for _, c := range matrixCases {
		t.Run(c.f+" wrt "+c.wrt, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) {
				checkMatrixCase(rt, c.f, c.wrt, c.square)
			})
		})
	}
}

func checkMatrixCase(t *rapid.T, src, wrt string, square []string) {
	f, err := ParseWith(src, decl)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Diff(wrt)
	if err != nil {
		t.Fatal(err)
	}
	env := randomValues(t, f)
	v0, err := f.Value(env)
	if err != nil {
		t.Skip(err.Error())
	}
	_ = v0
	got, err := d.Value(env)
	if err != nil {
		t.Fatalf("d/d%s %s = %s: %v", wrt, src, d, err)
	}
	x := env[wrt]
	if findVar(f.n, wrt).IsSymmetric() {
		return // entries of a symmetric matrix are not independent
	}
	for k := range x.Data {
		want := centralDifference(t, f, env, wrt, k, 1e-5)[0]
		// The derivative has the layout of the notes: a row for a vector,
		// the variable's shape for a matrix; either way entry k.
		if k >= len(got.Data) {
			t.Fatalf("d/d%s %s has %d entries, want %d", wrt, src, len(got.Data), len(x.Data))
		}
		if math.Abs(got.Data[k]-want) > 1e-5*(1+math.Abs(want)) {
			t.Fatalf("d/d%s %s = %s: entry %d is %v, finite differences give %v (env %v)",
				wrt, src, d, k, got.Data[k], want, strings.TrimSpace(fmt.Sprint(env)))
		}
	}
}

// TestJacobiansAgainstFiniteDifferences checks Jacobians in matrix form
// (forward mode) against central differences on random sizes: column k of
// df/dx is the change of f with x_k.
func TestJacobiansAgainstFiniteDifferences(t *testing.T) {
	cases := []string{"A x", "sin(A x)", "x .* x", "exp(x) + A x", "diag(x) A x", "sigmoid(A x) .* x", "x / ||x||", "A' (A x - b)",
		// Products whose left factors vary.
		"x x' a", "(x' x) x", "x' x A x", "inv(I + x x') a", "inv(A + diag(x)) a", "sin(x x' a)",
		"(a' x) A x", "x' A x", "A diag(x) B x", "(2 + x' x) inv(A + x' x I) b", "x' inv(I + x x') a",
		"diag(A) .* x", "diag(x x' A)"}
	for _, src := range cases {
		t.Run(src, func(t *testing.T) {
			f, err := ParseWith(src, decl)
			if err != nil {
				t.Fatal(err)
			}
			j, err := f.Diff("x")
			if err != nil {
				t.Fatal(err)
			}
			checkJacobian(t, src, f, j)
		})
	}
}

// TestMatrixHessiansAgainstFiniteDifferences checks Hessians in matrix form
// against central differences of the gradient.
func TestMatrixHessiansAgainstFiniteDifferences(t *testing.T) {
	cases := []string{"x' A x", "(x' x)^2", "log(1 + x' x)", "sum(exp(A x))", "a' inv(I + x x') a",
		"sum(log(1 + exp(-y .* (A x))))", "||x||", "x' x a' x", "exp(a' x) + sin(x' x)",
		"y' log(sigmoid(A x)) + (1 - y)' log(1 - sigmoid(A x))", "log(sum(exp(x))) - y' x"}
	for _, src := range cases {
		t.Run(src, func(t *testing.T) {
			f, err := ParseWith(src, decl)
			if err != nil {
				t.Fatal(err)
			}
			g, err := f.Diff("x")
			if err != nil {
				t.Fatal(err)
			}
			h, err := Hessian(f, "x")
			if err != nil {
				t.Fatal(err)
			}
			checkJacobian(t, src, g, h)
		})
	}
}

// checkJacobian checks j, the Jacobian of the vector or scalar f with
// respect to x in matrix form, against central differences at random
// points of random sizes: column k of j is the change of f with x_k.
func checkJacobian(t *testing.T, src string, f, j Expr) {
	t.Helper()
	rapid.Check(t, func(rt *rapid.T) {
		agreesWithDifferences(rt, "d"+src+"/dx", f, j, randomValues(rt, f), 1e-5)
	})
}

// agreesWithDifferences checks j, the Jacobian of the vector or scalar f
// with respect to x in matrix form, at the point env: column k of j must be
// the central difference of f in x_k, within tol relative to its size.
func agreesWithDifferences(rt *rapid.T, what string, f, j Expr, env map[string]Tensor, tol float64) {
	got, err := j.Value(env)
	if err != nil {
		derivativeFails(rt, f, env, what+" = "+j.String(), err)
	}
	n := len(env["x"].Data)
	for k := 0; k < n; k++ {
		if !smooth(rt, f, env, "x", k) {
			rt.Skip("not differentiable here (a tie of max, a kink)")
		}
		for i, want := range centralDifference(rt, f, env, "x", k, 1e-6) {
			g := got.Data[0]
			if len(got.Data) > 1 {
				g = got.Data[i*n+k]
			}
			if math.Abs(g-want) > tol*(1+math.Abs(want)) {
				rt.Fatalf("%s = %s: entry (%d, %d) is %v, finite differences give %v", what, j, i, k, g, want)
			}
		}
	}
}
