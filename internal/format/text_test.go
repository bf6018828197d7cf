package format_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// options returns the parser options of a test case: none for scalar
// cases; for matrix cases, the vectors x and y of size n, the m×n
// matrices A and R, the n×n matrices S and X, and the scalar T.
func options(matrix bool) *parse.Options {
	if !matrix {
		return nil
	}
	m, n := expr.Dim{Sym: "m"}, expr.Dim{Sym: "n"}
	return &parse.Options{Vars: map[string]expr.Shape{
		"x":   expr.NewShape(n),
		"y":   expr.NewShape(n),
		"A":   expr.NewShape(m, n),
		"R":   expr.NewShape(m, n),
		"S":   expr.NewShape(n, n),
		"X":   expr.NewShape(n, n),
		"T":   expr.Scalar,
		"Φ":   expr.NewShape(m, n),
		"θ":   expr.NewShape(n),
		"x_1": expr.NewShape(n),
	}}
}

// mustParse parses src with the options of a scalar or matrix case and
// stops the test if it does not parse.
func mustParse(t *testing.T, src string, matrix bool) *expr.Node {
	t.Helper()
	n, err := parse.Parse(src, options(matrix))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return n
}

// printCase is one printer test: src is parsed (with the vectors and
// matrices of options when matrix is set) and printed.
type printCase struct {
	name   string
	matrix bool
	src    string
	want   string
}

// textTests freezes the output of Text; TestTextRoundTrip reads each
// output back.
var textTests = []printCase{
	// Numbers.
	{"integer", false, "2", "2"},
	{"zero", false, "0", "0"},
	{"negative integer", false, "-7", "-7"},
	{"big integer", false, "123456789012345678901234567890", "123456789012345678901234567890"},
	{"fraction", false, "1/3", "1/3"},
	{"negative fraction", false, "-3/4", "-3/4"},
	{"negative float", false, "-2.5", "-2.5"},
	{"negative zero", false, "-0.0", "0.0"}, // one zero: -0.0 is 0.0
	{"float written 1e-3", false, "1e-3", "0.001"},
	{"large float", false, "1.5e10", "1.5e+10"},
	{"tiny float", false, "2.5e-7", "2.5e-07"},
	{"float sum", false, "0.1+0.2", "0.30000000000000004"},
	{"float coefficient folds", false, "2e1 x", "20.0x"},
	{"negative float coefficient", false, "-2.5 x", "-2.5x"},
	// Names.
	{"variable", false, "x", "x"},
	{"Greek word", false, "theta", "theta"},
	{"Greek letter", false, "θ", "θ"},
	{"digit subscript", false, "x1", "x1"},
	{"underscore subscript", false, "x_1", "x_1"},
	{"Greek with subscript", false, "alpha_2", "alpha_2"},
	{"pi", false, "pi", "pi"},
	{"e", false, "e", "e"},
	{"number times e", false, "2 e", "2e"},
	{"number times e1 needs a star", false, "2*e1", "2*e1"},
	{"number times E1 needs a star", false, "2 E1", "2*E1"},
	{"number times e_1", false, "2 e_1", "2e_1"},
	{"number times pi", false, "2 pi", "2pi"},
	// Sums.
	{"sum", false, "x + y", "x + y"},
	{"difference", false, "x - y", "x - y"},
	{"negative first term moves back", false, "-x + y", "y - x"},
	{"one minus square", false, "1 - x^2", "1 - x^2"},
	{"polynomial keeps degree order", false, "-3x^4 + 5x^2 - 1", "-3x^4 + 5x^2 - 1"},
	{"two differences", false, "a - b - c", "a - b - c"},
	{"all terms negative", false, "-a - b", "-a - b"},
	{"number term last", false, "x + 2 y + 3", "x + 2y + 3"},
	{"fractions in a sum", false, "x^2/2 + x/3 - 1/6", "x^2/2 + x/3 - 1/6"},
	{"negative with constant", false, "-x - 1", "-x - 1"},
	// Products and fractions.
	{"coefficient", false, "2x", "2x"},
	{"product", false, "x*y", "x y"},
	{"quotient", false, "x/y", "x/y"},
	{"fraction with coefficients", false, "2x/(3y)", "2x/(3y)"},
	{"product in denominator", false, "x/(y z)", "x/(y z)"},
	{"reciprocal", false, "1/x", "1/x"},
	{"negative exponent to denominator", false, "x^-2 y", "y/x^2"},
	{"rational coefficient", false, "3/4 x", "3x/4"},
	{"negative half", false, "-x/2", "-x/2"},
	{"number over product", false, "2/(3x)", "2/(3x)"},
	{"powers in denominator", false, "1/(x^2 y^3)", "1/(x^2 y^3)"},
	{"sqrt in denominator", false, "x/(2 sqrt(y))", "x/(2sqrt(y))"},
	{"two sums in denominator", false, "1/((x + 1) (y + 1))", "1/((x + 1) (y + 1))"},
	{"coefficient before call", false, "2 sin(x) cos(x)", "2sin(x) cos(x)"},
	{"number before power of number", false, "2*3^x", "2*3^x"},
	{"power of minus one first", false, "x (-1)^y", "(-1)^y x"},
	{"function over sum", false, "exp(x)/(1+exp(x))", "exp(x)/(exp(x) + 1)"},
	// Powers.
	{"square", false, "x^2", "x^2"},
	{"sqrt", false, "sqrt(x)", "sqrt(x)"},
	{"half power is sqrt", false, "x^(1/2)", "sqrt(x)"},
	{"reciprocal sqrt", false, "1/sqrt(x)", "1/sqrt(x)"},
	{"minus half power", false, "x^(-1/2)", "1/sqrt(x)"},
	{"symbolic exponent", false, "x^y", "x^y"},
	{"exponent named T", false, "x^(T)", "x^(T)"},
	{"negative exponent named T", false, "x^(-T)", "1/x^(T)"},
	{"call to power T", false, "sin(x)^(T)", "sin(x)^(T)"},
	{"negative symbolic exponent", false, "x^(-n)", "1/x^n"},
	{"power of sum", false, "(x+1)^2", "(x + 1)^2"},
	{"sum exponent", false, "x^(y+1)", "x^(y + 1)"},
	{"number base", false, "2^x", "2^x"},
	{"negative base", false, "(-2)^x", "(-2)^x"},
	{"fractional exponent", false, "x^(2/3)", "x^(2/3)"},
	{"power of product", false, "(x y)^z", "(x y)^z"},
	{"right associative", false, "x^y^z", "x^(y^z)"},
	{"power of power", false, "(x^y)^z", "(x^y)^z"},
	{"negative float exponent", false, "x^-2.5", "1/x^2.5"},
	{"reciprocal of exponential", false, "2^-x", "1/2^x"},
	{"negated power", false, "-x^2", "-x^2"},
	{"float exponent", false, "x^2.5", "x^2.5"},
	{"e to the x", false, "e^x", "exp(x)"},
	{"sqrt of number", false, "2^(1/2)", "sqrt(2)"},
	// Function calls.
	{"sin", false, "sin(x)", "sin(x)"},
	{"cos squared", false, "cos(x)^2", "cos(x)^2"},
	{"exp of negative", false, "exp(-x)", "exp(-x)"},
	{"ln is log", false, "ln(x)", "log(x)"},
	{"log to a base", false, "log(x, 2)", "log(x, 2)"},
	{"log2", false, "log2(x)", "log2(x)"},
	{"heaviside is step", false, "heaviside(x)", "step(x)"},
	{"leaky_relu", false, "leaky_relu(x, 0.01)", "leaky_relu(x, 0.01)"},
	{"max of two", false, "max(x, 2y)", "max(x, 2y)"},
	{"min of two", false, "min(x, y)", "min(x, y)"},
	{"polygamma", false, "polygamma(3, x)", "polygamma(3, x)"},
	{"polygamma of order 0 is digamma", false, "polygamma(0, x)", "digamma(x)"},
	{"huber", false, "huber(x - 1, 1/2)", "huber(x - 1, 1/2)"},
	{"abs", false, "abs(x)", "abs(x)"},
	{"sigmoid", false, "sigmoid(x)", "sigmoid(x)"},
	{"tan", false, "tan(x)", "tan(x)"},
	{"asin", false, "asin(x)", "asin(x)"},
	{"acos", false, "acos(x)", "acos(x)"},
	{"atan", false, "atan(x)", "atan(x)"},
	{"sinh", false, "sinh(x)", "sinh(x)"},
	{"cosh", false, "cosh(x)", "cosh(x)"},
	{"tanh", false, "tanh(x)", "tanh(x)"},
	{"negated call", false, "-sin(x)", "-sin(x)"},
	{"call over variable", false, "sin(x)/x", "sin(x)/x"},
	// Literals.
	{"vector literal", false, "[a, b]", "[a, b]"},
	{"matrix literal", false, "[[a, b], [c, d]]", "[[a, b], [c, d]]"},
	{"literal of expressions", false, "[x1^2, sin(x2)]", "[x1^2, sin(x2)]"},
	{"literal with fractions", false, "[1, -1/2]", "[1, -1/2]"},
	{"numeric matrix", false, "[[1, 0], [0, 1]]", "[[1, 0], [0, 1]]"},
	{"one entry is a scalar", false, "[a]", "a"},
	// Element-wise operations.
	{"element-wise product", true, "x .* y", "x .* y"},
	{"element-wise quotient", true, "x ./ y", "x./y"},
	{"element-wise square", true, "x .^ 2", "x.^2"},
	{"element-wise power", true, "x.^y", "x.^y"},
	{"element-wise reciprocal", true, "1 ./ x", "1./x"},
	{"power minus one", true, "x .^ -1", "1./x"},
	{"power minus two", true, "x.^(-2)", "1./x.^2"},
	{"product folds to power", true, "x .* x", "x.^2"},
	{"quotient by product", true, "x ./ (y .* y)", "x./y.^2"},
	{"quotient by scaled product", true, "x ./ (2 y .* y)", "x./(2y.^2)"},
	{"quotient by exponential", true, "x ./ (y .* exp(x))", "x .* exp(-x)./y"},
	{"three factors", true, "x .* y .* exp(x)", "x .* y .* exp(x)"},
	{"factor that is a sum", true, "x .* (y + 1)", "x .* (y + 1)"},
	{"factor that is a matrix product", true, "A x .* y", "y .* (A x)"},
	{"element-wise exponent named T", true, "x .^ (T)", "x.^T"},
	{"element-wise product of matrices", true, "S .* X", "S .* X"},
	{"division by number", true, "x ./ 2", "x/2"},
	{"scaled quotient", true, "2 x ./ y", "2x./y"},
	{"quotient of sums", true, "(x+y) ./ (y+1)", "(x + y)./(y + 1)"},
	{"quotient by sqrt", true, "x ./ sqrt(y)", "x./sqrt(y)"},
	// Matrix products.
	{"matrix times vector", true, "A x", "A x"},
	{"inner product", true, "x' x", "xᵀ x"},
	{"quadratic form", true, "x' S x", "xᵀ S x"},
	{"product of three", true, "A' A x", "Aᵀ A x"},
	{"scaled product", true, "2 A x", "2A x"},
	{"product with sum", true, "A (x+y)", "A (x + y)"},
	{"outer product", true, "x y'", "x yᵀ"},
	{"dot", true, "dot(x, y)", "xᵀ y"},
	{"inner product over number", true, "x' y / 2", "xᵀ y/2"},
	{"inner product squared", true, "(x' y)^2", "(xᵀ y)^2"},
	{"sum with product", true, "A x + y", "y + A x"},
	// Transposes.
	{"vector transpose", true, "x'", "xᵀ"},
	{"matrix transpose", true, "A'", "Aᵀ"},
	{"caret T", true, "A^T", "Aᵀ"},
	{"transpose of product", true, "(A x)'", "xᵀ Aᵀ"},
	{"double transpose", true, "(S')'", "S"},
	{"transpose of power", true, "(x .^ 2)'", "(x.^2)ᵀ"},
	{"transpose of sum", true, "(S + I)'", "Sᵀ + I"},
	// Inverses.
	{"inverse", true, "inv(S)", "inv(S)"},
	{"transposed inverse", true, "inv(S)'", "inv(S)ᵀ"},
	{"inverse of transpose", true, "inv(S')", "inv(S)ᵀ"},
	{"inverse of sum", true, "inv(S + I)", "inv(S + I)"},
	{"inverse times vector", true, "inv(S) x", "inv(S) x"},
	{"scaled inverse", true, "2 inv(S)", "2inv(S)"},
	{"inverse of scaled", true, "inv(2 S)", "inv(S)/2"},
	{"inverse of inverse", true, "inv(inv(S))", "S"},
	// Determinants, traces, norms, sums, diagonals.
	{"det", true, "det(S)", "det(S)"},
	{"logdet", true, "logdet(S)", "logdet(S)"},
	{"trace", true, "tr(S)", "tr(S)"},
	{"trace of product", true, "tr(S' S)", "tr(Sᵀ S)"},
	{"det times inverse", true, "det(S) inv(S)'", "det(S) inv(S)ᵀ"},
	{"det squared", true, "det(S)^2", "det(S)^2"},
	{"norm", true, "norm(x)", "norm(x)"},
	{"bars are norm", true, "||x||", "norm(x)"},
	{"matrix norm", true, "||A||", "norm(A)"},
	{"norm squared", true, "norm(x)^2", "norm(x)^2"},
	{"normalized", true, "x / norm(x)", "x/norm(x)"},
	{"sum of entries", true, "sum(x)", "sum(x)"},
	{"sum of squares", true, "sum(x .^ 2)", "sum(x.^2)"},
	{"diagonal matrix", true, "diag(x)", "diag(x)"},
	{"diagonal of matrix", true, "diag(S)", "diag(S)"},
	{"diagonal matrix times vector", true, "diag(x) y", "x .* y"},
	{"softmax", true, "exp(x) ./ sum(exp(x))", "exp(x)/sum(exp(x))"},
	// I and ones.
	{"identity", true, "I", "I"},
	{"plus identity", true, "S + I", "S + I"},
	{"minus identity", true, "S - I", "S - I"},
	{"scaled identity", true, "2 I", "2I"},
	{"identity vanishes", true, "I x", "x"},
	{"ones", true, "ones", "ones"},
	{"vector plus scalar", true, "x + 1", "x + 1"},
	{"scaled ones", true, "2 ones", "2ones"},
	{"row of ones", true, "ones'", "onesᵀ"},
	{"matrix of ones", true, "ones ones'", "ones onesᵀ"},
	{"plus matrix of ones", true, "S + ones ones'", "S + ones onesᵀ"},
	{"negated matrix of ones", true, "-ones ones'", "-(ones onesᵀ)"},
	{"outer product with ones", true, "x ones'", "x onesᵀ"},
	// Element-wise functions.
	{"exp of vector", true, "exp(x)", "exp(x)"},
	{"sin of product", true, "sin(A x)", "sin(A x)"},
	{"abs of vector", true, "abs(x)", "abs(x)"},
	// Matrix powers, Kronecker products, reductions.
	{"matrix square", true, "S^2", "S^2"},
	{"product of a matrix with itself", true, "S S", "S^2"},
	{"powers collect", true, "S^2 S S^-1 S", "S^3"},
	{"inverse squared", true, "inv(S) inv(S)", "S^-2"},
	{"zeroth power", true, "S^0 x", "x"},
	{"transposed power", true, "(S')^3", "(S^3)ᵀ"},
	{"power of a product", true, "(A' A)^2", "(Aᵀ A)^2"},
	{"power of a sum times vector", true, "(S + X)^-2 x", "(S + X)^-2 x"},
	{"scaled power", true, "2 S^-2", "2S^-2"},
	{"superscript power", true, "S³", "S^3"},
	{"element-wise power stays", true, "S .^ 2", "S.^2"},
	{"kron", true, "kron(A, S)", "kron(A, S)"},
	{"kron infix", true, "A ⊗ x + R ⊗ y", "kron(A, x) + kron(R, y)"},
	{"kron of a column and a row", true, "x ⊗ y'", "x yᵀ"},
	{"hadamard ∘", true, "x ∘ y", "x .* y"},
	{"inner product", true, "<A, R>", "tr(Aᵀ R)"},
	{"inner product of vectors", true, "⟨x, y⟩", "xᵀ y"},
	{"trace of a 1×1 product", true, "tr(x' S x)", "xᵀ S x"},
	{"trace and inverse aliases", true, "trace(S) + Tr(X) + sum(inverse(S))", "tr(S) + tr(X) + sum(inv(S))"},
	{"transpose call", true, "transpose(A)", "Aᵀ"},
	{"softmax of each row", true, "softmax(A, 2)", "softmax(A, 2)"},
	{"reductions", true, "mean(x) + prod(A) + min(S)", "mean(x) + prod(A) + min(S)"},
}

func TestText(t *testing.T) {
	for _, tt := range textTests {
		t.Run(tt.name, func(t *testing.T) {
			n := mustParse(t, tt.src, tt.matrix)
			if got := format.Text(n); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

// TestTextRoundTrip checks that the parser reads the text of every case
// back to the same expression.
func TestTextRoundTrip(t *testing.T) {
	for _, tt := range textTests {
		t.Run(tt.name, func(t *testing.T) {
			n := mustParse(t, tt.src, tt.matrix)
			s := format.Text(n)
			back, err := parse.Parse(s, options(tt.matrix))
			if err != nil {
				t.Fatalf("Parse(Text(%q)) = Parse(%q): %v", tt.src, s, err)
			}
			if !expr.Equal(back, n) {
				t.Errorf("Parse(Text(%q)) = %q, want %q", tt.src, format.Text(back), s)
			}
		})
	}
}

// TestTextZeroMatrix checks that a result that is all zero prints as 0
// whatever its shape.
func TestTextZeroMatrix(t *testing.T) {
	tests := []struct {
		src  string
		want string // the shape of the expression
	}{
		{"x - x", "vector"},
		{"0 A", "matrix"},
	}
	for _, tt := range tests {
		n := mustParse(t, tt.src, true)
		if n.Shape().IsScalar() {
			t.Fatalf("Parse(%q) is a scalar, want a %s", tt.src, tt.want)
		}
		if got := format.Text(n); got != "0" {
			t.Errorf("Text(%q) = %q, want %q", tt.src, got, "0")
		}
	}
}

// TestTextLimit checks that TextLimit prints in full within its limit
// and returns ErrTooLong beyond it.
func TestTextLimit(t *testing.T) {
	n := mustParse(t, "x^2/2 + sin(x) cos(y)", false)
	const want = "x^2/2 + sin(x) cos(y)"
	tests := []struct {
		name  string
		limit int
		want  string
		err   error
	}{
		{"no limit", 0, want, nil},
		{"exact limit", len(want), want, nil},
		{"larger limit", len(want) + 1, want, nil},
		{"one byte short", len(want) - 1, "", format.ErrTooLong},
		{"one byte", 1, "", format.ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := format.TextLimit(n, tt.limit)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("TextLimit(%q, %d) = %q, %v, want %q, %v", want, tt.limit, got, err, tt.want, tt.err)
			}
		})
	}
}

// sharedTower returns u0 where u_i = sin(u_{i+1}) y + cos(u_{i+1}) and
// u_depth = x: a graph of 5·depth nodes whose text doubles with each level,
// with the sharing inside products, sums and calls alike.
func sharedTower(depth int) *expr.Node {
	u := expr.NewSym("x", expr.Scalar)
	y := expr.NewSym("y", expr.Scalar)
	for range depth {
		u = expr.Add(expr.Mul(expr.Call(expr.OpSin, u), y), expr.Call(expr.OpCos, u))
	}
	return u
}

// TestTextLimitShared checks that the limit holds however deep it is
// passed: a graph whose text is 2^60 bytes long is refused, or cut, after
// about limit bytes, in text and LaTeX. Before the printer kept one
// buffer, the factors of a product printed without the limit, and this
// test did not end.
func TestTextLimitShared(t *testing.T) {
	n := expr.Mul(expr.NewSym("z", expr.Scalar), sharedTower(60))
	const limit = 1 << 12
	if _, err := format.TextLimit(n, limit); !errors.Is(err, format.ErrTooLong) {
		t.Errorf("TextLimit: err = %v, want ErrTooLong", err)
	}
	if _, err := format.LaTeXLimit(n, limit); !errors.Is(err, format.ErrTooLong) {
		t.Errorf("LaTeXLimit: err = %v, want ErrTooLong", err)
	}
	s := format.Short(n, limit)
	if !strings.HasSuffix(s, "…") || len(s) > limit+len("…") || !utf8.ValidString(s) || !strings.HasPrefix(s, "z (y sin(y sin(") {
		t.Errorf("Short: %d bytes %q…, want at most %d valid bytes ending in …", len(s), s[:40], limit+len("…"))
	}
}

// TestShortUTF8 checks that Short cuts between characters.
func TestShortUTF8(t *testing.T) {
	n := expr.Add(expr.NewSym("θ", expr.Scalar), expr.NewSym("φ", expr.Scalar)) // "θ + φ": θ and φ two bytes each
	for limit := 1; limit <= 8; limit++ {
		s := format.Short(n, limit)
		if !utf8.ValidString(s) || len(s) > limit+len("…") && s != "θ + φ" {
			t.Errorf("Short(θ + φ, %d) = %q", limit, s)
		}
	}
	if got := format.Short(n, 100); got != "θ + φ" {
		t.Errorf("Short(θ + φ, 100) = %q, want it whole", got)
	}
}

// TestTextShared checks the shared form: a text that fits is written out,
// a longer one names its repeated parts in a where clause, avoiding taken
// names, and it reads back to the same graph at every depth.
func TestTextShared(t *testing.T) {
	tower := func(depth int) *expr.Node { // u = sin(u) + cos(u), depth times
		u := expr.NewSym("x", expr.Scalar)
		for range depth {
			u = expr.Add(expr.Call(expr.OpSin, u), expr.Call(expr.OpCos, u))
		}
		return u
	}
	taken := func(s string) bool { return s == "u1" }
	tests := []struct {
		name  string
		n     *expr.Node
		limit int // 0: none; else the limit is the length of the shared form
		want  string
		latex string
	}{
		{"fits", tower(2), 0,
			"sin(sin(x) + cos(x)) + cos(sin(x) + cos(x))",
			`\sin\left(\sin\left(x\right) + \cos\left(x\right)\right) + \cos\left(\sin\left(x\right) + \cos\left(x\right)\right)`},
		{"over the limit", tower(3), 1,
			"sin(v1) + cos(v1) where v1 = sin(sin(x) + cos(x)) + cos(sin(x) + cos(x))",
			`\sin\left(v_{1}\right) + \cos\left(v_{1}\right) \quad \text{where } v_{1} = \sin\left(\sin\left(x\right) + \cos\left(x\right)\right) + \cos\left(\sin\left(x\right) + \cos\left(x\right)\right)`},
		{"in a product", expr.Mul(expr.NewSym("y", expr.Scalar), tower(3)), 1,
			"y (sin(v1) + cos(v1)) where v1 = sin(sin(x) + cos(x)) + cos(sin(x) + cos(x))", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := len(tt.want) // the shared form just fits
			if tt.limit == 0 {
				limit = 1 << 20
			}
			got, err := format.TextShared(tt.n, limit, taken)
			if got != tt.want || err != nil {
				t.Errorf("TextShared = %q, %v, want %q", got, err, tt.want)
			}
			if tt.latex != "" {
				limit := len(tt.latex)
				if tt.limit == 0 {
					limit = 1 << 20
				}
				if got, err := format.LaTeXShared(tt.n, limit, taken); got != tt.latex || err != nil {
					t.Errorf("LaTeXShared = %q, %v, want %q", got, err, tt.latex)
				}
			}
			if _, err := format.TextShared(tt.n, len(tt.want)-1, taken); tt.limit != 0 && !errors.Is(err, format.ErrTooLong) {
				t.Errorf("TextShared one byte short: err = %v, want ErrTooLong", err)
			}
		})
	}
	for _, depth := range []int{4, 10, 60} {
		n := expr.Mul(expr.NewSym("y", expr.Scalar), tower(depth))
		s, err := format.TextShared(n, 1<<16, nil)
		if err != nil {
			t.Fatalf("depth %d: %v", depth, err)
		}
		back := mustParse(t, s, false)
		if !expr.Equal(back, n) {
			t.Errorf("depth %d: %q reads back as %s", depth, s, format.Short(back, 200))
		}
	}
}
