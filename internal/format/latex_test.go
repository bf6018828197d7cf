package format_test

import (
	"errors"
	"testing"

	"github.com/nabla-math/nabla/internal/format"
)

// latexTests freezes the output of LaTeX.
var latexTests = []printCase{
	// Numbers.
	{"integer", false, "2", "2"},
	{"fraction", false, "1/3", `\frac{1}{3}`},
	{"negative fraction", false, "-3/4", `-\frac{3}{4}`},
	{"negative float", false, "-2.5", "-2.5"},
	{"float written 1e-3", false, "1e-3", "0.001"},
	{"large float", false, "1.5e10", `1.5 \cdot 10^{10}`},
	{"tiny float", false, "2.5e-7", `2.5 \cdot 10^{-07}`}, // Go's two-digit exponent
	{"huge float coefficient", false, "1e300 x", `1 \cdot 10^{300} x`},
	{"big integer", false, "123456789012345678901234567890", "123456789012345678901234567890"},
	// Names.
	{"variable", false, "x", "x"},
	{"Greek word", false, "theta", `\theta`},
	{"Greek letter", false, "θ", `\theta`},
	{"digit subscript", false, "x1", "x_{1}"},
	{"underscore subscript", false, "x_1", "x_{1}"},
	{"Greek with subscript", false, "alpha_2", `\alpha_{2}`},
	{"upright name", false, "rate", `\mathrm{rate}`},
	{"pi", false, "pi", `\pi`},
	{"e", false, "e", "e"},
	{"differential", false, "dX", `\mathrm{d}X`},
	// Sums.
	{"sum", false, "x + y", "x + y"},
	{"negative first term moves back", false, "-x + y", "y - x"},
	{"polynomial keeps degree order", false, "-3x^4 + 5x^2 - 1", "-3 x^{4} + 5 x^{2} - 1"},
	{"fractions in a sum", false, "x^2/2 + x/3 - 1/6", `\frac{x^{2}}{2} + \frac{x}{3} - \frac{1}{6}`},
	// Products and fractions.
	{"coefficient", false, "2x", "2 x"},
	{"product", false, "x*y", "x y"},
	{"quotient", false, "x/y", `\frac{x}{y}`},
	{"fraction with coefficients", false, "2x/(3y)", `\frac{2 x}{3 y}`},
	{"reciprocal", false, "1/x", `\frac{1}{x}`},
	{"negative exponent to denominator", false, "x^-2 y", `\frac{y}{x^{2}}`},
	{"rational coefficient", false, "3/4 x", `\frac{3 x}{4}`},
	{"negative half", false, "-x/2", `-\frac{x}{2}`},
	{"number times power of number", false, "2*3^x", `2 \cdot 3^{x}`},
	{"number after number in denominator", false, "1/(2*3^x)", `\frac{1}{2 \cdot 3^{x}}`},
	{"sum in numerator", false, "(x + 1)/y", `\frac{x + 1}{y}`},
	{"sum in denominator", false, "x/(y + 1)", `\frac{x}{y + 1}`},
	{"two sums in denominator", false, "1/((x + 1) (y + 1))", `\frac{1}{\left(x + 1\right) \left(y + 1\right)}`},
	// Powers.
	{"square", false, "x^2", "x^{2}"},
	{"sqrt", false, "sqrt(x)", `\sqrt{x}`},
	{"reciprocal sqrt", false, "1/sqrt(x)", `\frac{1}{\sqrt{x}}`},
	{"sqrt in denominator", false, "x/(2 sqrt(y))", `\frac{x}{2 \sqrt{y}}`},
	{"symbolic exponent", false, "x^y", "x^{y}"},
	{"exponent named T", false, "x^(T)", "x^{T}"},
	{"power of sum", false, "(x+1)^2", `\left(x + 1\right)^{2}`},
	{"sum exponent", false, "x^(y+1)", "x^{y + 1}"},
	{"negative base", false, "(-2)^x", `\left(-2\right)^{x}`},
	{"fractional exponent", false, "x^(2/3)", `x^{\frac{2}{3}}`},
	{"right associative", false, "x^y^z", "x^{y^{z}}"},
	{"power of power", false, "(x^y)^z", `\left(x^{y}\right)^{z}`},
	{"negated power", false, "-x^2", "-x^{2}"},
	// Function calls.
	{"sin", false, "sin(x)", `\sin\left(x\right)`},
	{"cos squared", false, "cos(x)^2", `\cos\left(x\right)^{2}`},
	{"exp of negative", false, "exp(-x)", `\exp\left(-x\right)`},
	{"log", false, "log(x)", `\log\left(x\right)`},
	{"abs", false, "abs(x)", `\left|x\right|`},
	{"abs squared", false, "abs(x)^2", `\left|x\right|^{2}`},
	{"sigmoid", false, "sigmoid(x)", `\sigma\left(x\right)`},
	{"tan", false, "tan(x)", `\tan\left(x\right)`},
	{"asin", false, "asin(x)", `\arcsin\left(x\right)`},
	{"acos", false, "acos(x)", `\arccos\left(x\right)`},
	{"atan", false, "atan(x)", `\arctan\left(x\right)`},
	{"sinh", false, "sinh(x)", `\sinh\left(x\right)`},
	{"cosh", false, "cosh(x)", `\cosh\left(x\right)`},
	{"tanh", false, "tanh(x)", `\tanh\left(x\right)`},
	{"call over variable", false, "sin(x)/x", `\frac{\sin\left(x\right)}{x}`},
	{"product of calls", false, "2 sin(x) cos(x)", `2 \sin\left(x\right) \cos\left(x\right)`},
	{"sec", false, "sec(x)", `\sec\left(x\right)`},
	{"csc", false, "csc(x)", `\csc\left(x\right)`},
	{"cot", false, "cot(x)", `\cot\left(x\right)`},
	{"asec", false, "asec(x)", `\operatorname{arcsec}\left(x\right)`},
	{"acsc", false, "acsc(x)", `\operatorname{arccsc}\left(x\right)`},
	{"acot", false, "acot(x)", `\operatorname{arccot}\left(x\right)`},
	{"sech", false, "sech(x)", `\operatorname{sech}\left(x\right)`},
	{"csch", false, "csch(x)", `\operatorname{csch}\left(x\right)`},
	{"coth", false, "coth(x)", `\coth\left(x\right)`},
	{"asinh", false, "asinh(x)", `\operatorname{arsinh}\left(x\right)`},
	{"acosh", false, "acosh(x)", `\operatorname{arcosh}\left(x\right)`},
	{"atanh", false, "atanh(x)", `\operatorname{artanh}\left(x\right)`},
	{"atan2", false, "atan2(y, x)", `\operatorname{atan2}\left(y, x\right)`},
	{"log to a base", false, "log(x, b)", `\log_{b}\left(x\right)`},
	{"log to a sum", false, "log(x + 1, b + 1)", `\log_{b + 1}\left(x + 1\right)`},
	{"log2", false, "log2(x)", `\log_{2}\left(x\right)`},
	{"log10", false, "log10(x)", `\log_{10}\left(x\right)`},
	{"cbrt", false, "cbrt(x + 1)", `\sqrt[3]{x + 1}`},
	{"cbrt squared", false, "cbrt(x)^2", `\sqrt[3]{x}^{2}`},
	{"erf", false, "erf(x)", `\operatorname{erf}\left(x\right)`},
	{"erfc", false, "erfc(x)", `\operatorname{erfc}\left(x\right)`},
	{"gamma", false, "gamma(x)", `\Gamma\left(x\right)`},
	{"lgamma", false, "lgamma(x)", `\log\Gamma\left(x\right)`},
	{"digamma", false, "digamma(x)", `\psi\left(x\right)`},
	{"trigamma", false, "trigamma(x)", `\psi'\left(x\right)`},
	{"polygamma", false, "polygamma(n + 1, x)", `\psi^{(n + 1)}\left(x\right)`},
	{"sinc", false, "sinc(x)", `\operatorname{sinc}\left(x\right)`},
	{"step", false, "step(x)", `\operatorname{H}\left(x\right)`},
	{"heaviside is step", false, "heaviside(x)", `\operatorname{H}\left(x\right)`},
	{"relu", false, "relu(x)", `\operatorname{ReLU}\left(x\right)`},
	{"leaky_relu", false, "leaky_relu(x, 1/100)", `\operatorname{LeakyReLU}\left(x, \frac{1}{100}\right)`},
	{"softplus", false, "softplus(x)", `\operatorname{softplus}\left(x\right)`},
	{"gelu", false, "gelu(x)", `\operatorname{GELU}\left(x\right)`},
	{"silu", false, "silu(x)", `\operatorname{SiLU}\left(x\right)`},
	{"huber", false, "huber(x, delta)", `\operatorname{huber}_{\delta}\left(x\right)`},
	{"max of two", false, "max(x, y)", `\max\left(x, y\right)`},
	{"min of two", false, "min(x, y)", `\min\left(x, y\right)`},
	// Literals.
	{"vector literal", false, "[a, b]", `\begin{bmatrix} a \\ b \end{bmatrix}`},
	{"matrix literal", false, "[[a, b], [c, d]]", `\begin{bmatrix} a & b \\ c & d \end{bmatrix}`},
	{"literal of expressions", false, "[x1^2, sin(x2)]", `\begin{bmatrix} x_{1}^{2} \\ \sin\left(x_{2}\right) \end{bmatrix}`},
	{"literal with fractions", false, "[1, -1/2]", `\begin{bmatrix} 1 \\ -\frac{1}{2} \end{bmatrix}`},
	// Element-wise operations on vectors and matrices: the Hadamard
	// product ⊙, division ⊘ and power ∘, which no reader takes for the
	// matrix product, inverse or power.
	{"element-wise product", true, "x .* y", `x \odot y`},
	{"element-wise quotient", true, "x ./ y", `x \oslash y`},
	{"element-wise square", true, "x .^ 2", `x^{\circ 2}`},
	{"element-wise reciprocal", true, "1 ./ x", `1 \oslash x`},
	{"quotient by product", true, "x ./ (y .* y)", `x \oslash y^{\circ 2}`},
	{"factor that is a matrix product", true, "A x .* y", `y \odot \left(A x\right)`},
	// Matrix products.
	{"matrix times vector", true, "A x", "A x"},
	{"inner product", true, "x' x", `x^{\top} x`},
	{"quadratic form", true, "x' S x", `x^{\top} S x`},
	{"product of three", true, "A' A x", `A^{\top} A x`},
	{"scaled product", true, "2 A x", `2 A x`},
	{"product with sum", true, "A (x+y)", `A \left(x + y\right)`},
	{"outer product", true, "x y'", `x y^{\top}`},
	{"inner product over number", true, "x' y / 2", `\frac{x^{\top} y}{2}`},
	{"inner product squared", true, "(x' y)^2", `\left(x^{\top} y\right)^{2}`},
	{"logsumexp", true, "logsumexp(x)", `\operatorname{logsumexp}\left(x\right)`},
	{"softmax", true, "softmax(x)", `\operatorname{softmax}\left(x\right)`},
	{"largest entry", true, "max(x)", `\max\left(x\right)`},
	// Transposes.
	{"vector transpose", true, "x'", `x^{\top}`},
	{"matrix transpose", true, "A'", `A^{\top}`},
	{"transpose of product", true, "(A x)'", `x^{\top} A^{\top}`},
	{"transpose of power", true, "(x .^ 2)'", `\left(x^{\circ 2}\right)^{\top}`},
	// Superscripts stacked on superscripts are grouped, and element-wise
	// operations on matrices read as such.
	{"power of an inverse", true, "inv(S) .^ 2", `\left(S^{-1}\right)^{\circ 2}`},
	{"power of a transpose", true, "(S') .^ 2", `\left(S^{\top}\right)^{\circ 2}`},
	{"power of a transposed inverse", true, "inv(S)' .^ 2", `\left(S^{-\top}\right)^{\circ 2}`},
	{"transposed inverse of a sum", true, "inv(S + X)'", `\left(\left(S + X\right)^{-1}\right)^{\top}`},
	{"hadamard product of matrices", true, "S .* X", `S \odot X`},
	{"hadamard product of m×n matrices", true, "A .* R", `A \odot R`},
	{"hadamard square of a matrix", true, "S .^ 2", `S^{\circ 2}`},
	{"hadamard reciprocal of a matrix", true, "1 ./ S", `1 \oslash S`},
	{"hadamard product with an inverse", true, "inv(S) .* X", `X \odot S^{-1}`},
	// Inverses.
	{"inverse", true, "inv(S)", "S^{-1}"},
	{"transposed inverse", true, "inv(S)'", `S^{-\top}`},
	{"inverse of transpose", true, "inv(S')", `S^{-\top}`},
	{"inverse of sum", true, "inv(S + I)", `\left(S + I\right)^{-1}`},
	{"inverse times vector", true, "inv(S) x", "S^{-1} x"},
	{"negated inverse", true, "-inv(S)", "-S^{-1}"},
	{"inverse over number", true, "inv(2 S)", `\frac{S^{-1}}{2}`},
	{"transposed inverse in a product", true, "det(S) inv(S)'", `\det\left(S\right) S^{-\top}`},
	{"inverse and transposed inverse", true, "inv(S)' inv(S)", `S^{-\top} S^{-1}`},
	{"trace of inverse", true, "tr(inv(S))", `\operatorname{tr}\left(S^{-1}\right)`},
	// Determinants, traces, norms, sums, diagonals.
	{"det", true, "det(S)", `\det\left(S\right)`},
	{"logdet", true, "logdet(S)", `\log\det\left(S\right)`},
	{"trace", true, "tr(S)", `\operatorname{tr}\left(S\right)`},
	{"trace of product", true, "tr(S' S)", `\operatorname{tr}\left(S^{\top} S\right)`},
	{"norm", true, "norm(x)", `\left\|x\right\|`},
	{"matrix norm", true, "||A||", `\left\|A\right\|`},
	{"norm squared", true, "norm(x)^2", `\left\|x\right\|^{2}`},
	{"normalized", true, "x / norm(x)", `\frac{x}{\left\|x\right\|}`},
	{"sum", true, "sum(x)", `\sum\left(x\right)`},
	{"diagonal matrix", true, "diag(x)", `\operatorname{diag}\left(x\right)`},
	{"diagonal of matrix", true, "diag(S)", `\operatorname{diag}\left(S\right)`},
	// I and ones.
	{"identity", true, "I", "I"},
	{"plus identity", true, "S + I", "S + I"},
	{"scaled identity", true, "2 I", "2 I"},
	{"ones", true, "ones", `\mathbf{1}`},
	{"row of ones", true, "ones'", `\mathbf{1}^{\top}`},
	{"scaled ones", true, "2 ones", `2 \mathbf{1}`},
	{"matrix of ones", true, "ones ones'", `\mathbf{1}`}, // spelt like the vector of ones
	{"plus matrix of ones", true, "S + ones ones'", `S + \mathbf{1}`},
	{"negated matrix of ones", true, "-ones ones'", `-\mathbf{1}`},
	{"matrix of ones in a product", true, "A ones ones'", `A \mathbf{1}`},
	// Element-wise functions.
	{"exp of vector", true, "exp(x)", `\exp\left(x\right)`},
	{"sin of product", true, "sin(A x)", `\sin\left(A x\right)`},
	{"abs of vector", true, "abs(x)", `\left|x\right|`},
	// Matrix powers, Kronecker products, reductions.
	{"matrix power", true, "S^2", `S^{2}`},
	{"inverse squared", true, "S^-2", `S^{-2}`},
	{"transposed power", true, "(S^3)'", `\left(S^{3}\right)^{\top}`},
	{"power of a sum", true, "(S + X)^2", `\left(S + X\right)^{2}`},
	{"hadamard power stays", true, "S .^ 2", `S^{\circ 2}`},
	{"kron", true, "kron(A, S)", `A \otimes S`},
	{"kron of a sum", true, "kron(A + R, S)", `\left(A + R\right) \otimes S`},
	{"product of krons", true, "kron(S, X) kron(X, S)", `\left(S \otimes X\right) \left(X \otimes S\right)`},
	{"mean", true, "mean(x)", `\operatorname{mean}\left(x\right)`},
	{"prod", true, "prod(x)", `\prod\left(x\right)`},
	{"min", true, "min(x)", `\min\left(x\right)`},
	{"softmax of each row", true, "softmax(A, 2)", `\operatorname{softmax}\left(A, 2\right)`},
}

func TestLaTeX(t *testing.T) {
	for _, tt := range latexTests {
		t.Run(tt.name, func(t *testing.T) {
			n := mustParse(t, tt.src, tt.matrix)
			if got := format.LaTeX(n); got != tt.want {
				t.Errorf("LaTeX(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

// TestLaTeXZero checks that a result that is all zero prints as the bold
// zero when it is a vector or matrix, and as 0 when it is a scalar.
func TestLaTeXZero(t *testing.T) {
	tests := []struct {
		src    string
		matrix bool
		want   string
	}{
		{"x - x", false, "0"},
		{"x - x", true, `\mathbf{0}`},
		{"0 A", true, `\mathbf{0}`},
	}
	for _, tt := range tests {
		n := mustParse(t, tt.src, tt.matrix)
		if got := format.LaTeX(n); got != tt.want {
			t.Errorf("LaTeX(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestTeXName(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"x", "x"},
		{"X", "X"},
		{"x1", "x_{1}"},
		{"x12", "x_{12}"},
		{"x_1", "x_{1}"},
		{"x_ij", "x_{ij}"},
		{"x__1", `x_{\_1}`},
		{"d1", "d_{1}"},
		{"d_", `\mathrm{d\_}`},
		{"_", `\mathrm{\_}`},
		{"x_", `\mathrm{x\_}`},
		{"theta", `\theta`},
		{"theta_2", `\theta_{2}`},
		{"alpha1", `\alpha_{1}`},
		{"Sigma", `\Sigma`},
		{"Omega", `\Omega`},
		{"θ", `\theta`},
		{"Δ", `\Delta`},
		{"θ2", `\theta_{2}`},
		{"omicron", `\mathrm{omicron}`}, // not in the table: looks like o
		{"dX", `\mathrm{d}X`},
		{"dx", `\mathrm{d}x`},
		{"dθ", `\mathrm{d}\theta`},
		{"dd", `\mathrm{d}d`},
		{"d", "d"},
		{"d_1", "d_{1}"},
		{"dtheta", `\mathrm{dtheta}`}, // only a one-letter name is a differential
		{"dx1", `\mathrm{dx}_{1}`},
		{"xy", `\mathrm{xy}`},
		{"rate", `\mathrm{rate}`},
		{"ab12", `\mathrm{ab}_{12}`},
		{"foo_bar_baz", `\mathrm{foo}_{bar\_baz}`},
		{"_x", `\mathrm{\_x}`},
	}
	for _, tt := range tests {
		if got := format.TeXName(tt.name); got != tt.want {
			t.Errorf("TeXName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestLaTeXLimit checks that LaTeXLimit prints in full within its limit
// and returns ErrTooLong beyond it.
func TestLaTeXLimit(t *testing.T) {
	n := mustParse(t, "x^2/2 + sin(x)", false)
	const want = `\frac{x^{2}}{2} + \sin\left(x\right)`
	tests := []struct {
		name  string
		limit int
		want  string
		err   error
	}{
		{"no limit", 0, want, nil},
		{"exact limit", len(want), want, nil},
		{"one byte short", len(want) - 1, "", format.ErrTooLong},
		{"shorter than the text form", len("x^2/2 + sin(x)"), "", format.ErrTooLong},
		{"one byte", 1, "", format.ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := format.LaTeXLimit(n, tt.limit)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("LaTeXLimit(%q, %d) = %q, %v, want %q, %v", want, tt.limit, got, err, tt.want, tt.err)
			}
		})
	}
}
