package nabla

import (
	"errors"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// vocabulary declares the vectors and matrices of the tests of matrix
// powers, Kronecker products, softmax(Z, d) and the reductions.
var vocabulary = &ParseOptions{Vectors: []string{"a", "b", "x"}, Matrices: []string{"A", "B", "X", "Z", "Q", "K"}}

// TestMatrixVocabularyDerivatives freezes derivatives of matrix powers,
// inner products, reductions, Kronecker products and softmax(Z, d) in
// matrix form, as text and as LaTeX, with their shapes.
func TestMatrixVocabularyDerivatives(t *testing.T) {
	tests := []struct {
		f, wrt, text, latex, shape string
	}{
		{"tr(X^3)", "X", "3(X^2)ᵀ", `3 \left(X^{2}\right)^{\top}`, "m×m"},
		{"tr(A X^2)", "X", "Aᵀ Xᵀ + Xᵀ Aᵀ", `A^{\top} X^{\top} + X^{\top} A^{\top}`, "m×m"},
		{"tr(X^-2)", "X", "-2(X^-3)ᵀ", `-2 \left(X^{-3}\right)^{\top}`, "m×m"},
		{"det(X^2)", "X", "2det(X)^2 inv(X)ᵀ", `2 \det\left(X\right)^{2} X^{-\top}`, "m×m"},
		{"a' X^-2 b", "X", "-(inv(X)ᵀ a bᵀ (X^-2)ᵀ + (X^-2)ᵀ a bᵀ inv(X)ᵀ)",
			`-\left(X^{-\top} a b^{\top} \left(X^{-2}\right)^{\top} + \left(X^{-2}\right)^{\top} a b^{\top} X^{-\top}\right)`, "m×m"},
		{"a' X^3 b", "X", "a bᵀ (X^2)ᵀ + Xᵀ a bᵀ Xᵀ + (X^2)ᵀ a bᵀ",
			`a b^{\top} \left(X^{2}\right)^{\top} + X^{\top} a b^{\top} X^{\top} + \left(X^{2}\right)^{\top} a b^{\top}`, "m×m"},
		{"tr(X^0 A)", "A", "I", "I", "m×m"},
		{"x' X^2 x", "x", "xᵀ ((X^2)ᵀ + X^2)", `x^{\top} \left(\left(X^{2}\right)^{\top} + X^{2}\right)`, "1×m"},
		{"<A, X>", "X", "A", "A", "m×n"},
		{"<a, x>", "x", "aᵀ", `a^{\top}`, "1×m"},
		{"tr(x' A x)", "x", "xᵀ (A + Aᵀ)", `x^{\top} \left(A + A^{\top}\right)`, "1×m"},
		{"mean(x)", "x", "onesᵀ/sum(ones)", `\frac{\mathbf{1}^{\top}}{\sum\left(\mathbf{1}\right)}`, "1×m"},
		{"prod(x)", "x", "prod(x) (1./x)ᵀ", `\prod\left(x\right) \left(1 \oslash x\right)^{\top}`, "1×m"},
		{"min(x)", "x", "ismax(-x)ᵀ/sum(ismax(-x))",
			`\frac{\operatorname{ismax}\left(-x\right)^{\top}}{\sum\left(\operatorname{ismax}\left(-x\right)\right)}`, "1×m"},
		{"prod(X)", "X", "prod(X)./X", `\prod\left(X\right) \oslash X`, "m×n"},
		{"||kron(A, x)||^2", "A", "2norm(x)^2 A", `2 \left\|x\right\|^{2} A`, "m×n"},
		{"sum(sin(kron(A, x)))", "A", "kron(I, xᵀ) cos(kron(A, x))",
			`\left(I \otimes x^{\top}\right) \cos\left(A \otimes x\right)`, "m×n"},
		{"sum(sin(kron(x, A)))", "A", "kron(xᵀ, I) cos(kron(x, A))",
			`\left(x^{\top} \otimes I\right) \cos\left(x \otimes A\right)`, "n×p"},
		{"kron(a, x)", "x", "kron(a, I)", `a \otimes I`, "m·n×n"},
		{"kron(A, x) b", "x", "kron(A b, I)", `\left(A b\right) \otimes I`, "m·p×p"},
		{"sum(softmax(Z, 2) .* A)", "Z", "(A - (A .* softmax(Z, 2)) (ones onesᵀ)) .* softmax(Z, 2)",
			`\left(A - \left(A \odot \operatorname{softmax}\left(Z, 2\right)\right) \mathbf{1}\right) \odot \operatorname{softmax}\left(Z, 2\right)`, "m×n"},
	}
	for _, tt := range tests {
		t.Run(tt.f+" by "+tt.wrt, func(t *testing.T) {
			f, err := ParseWith(tt.f, vocabulary)
			if err != nil {
				t.Fatal(err)
			}
			d, err := f.Diff(tt.wrt)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.String(); got != tt.text {
				t.Errorf("d/d%s %s = %s, want %s", tt.wrt, tt.f, got, tt.text)
			}
			if got := d.LaTeX(); got != tt.latex {
				t.Errorf("d/d%s %s in LaTeX = %s, want %s", tt.wrt, tt.f, got, tt.latex)
			}
			if got := d.n.Shape().String(); got != tt.shape {
				t.Errorf("d/d%s %s has shape %s, want %s", tt.wrt, tt.f, got, tt.shape)
			}
		})
	}
}

// TestKronRefusal checks that the gradient through the Kronecker product
// of two matrices, which no matrix expression writes, is refused with an
// error that names it, and that its differential is still given.
func TestKronRefusal(t *testing.T) {
	f, err := ParseWith("sum(sin(kron(A, B)))", vocabulary)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Diff("A")
	var u *UnsupportedError
	if !errors.As(err, &u) || err.Error() != "cannot differentiate through a Kronecker product with respect to a vector or matrix" {
		t.Errorf("d/dA sum(sin(kron(A, B))): %v, want a refusal that names the Kronecker product", err)
	}
	g, err := ParseWith("kron(A, B)", vocabulary)
	if err != nil {
		t.Fatal(err)
	}
	d, err := DiffTensor(g, "A")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Differential.String(); got != "kron(dA, B)" {
		t.Errorf("d kron(A, B) = %s, want kron(dA, B)", got)
	}
}

// TestMatrixVocabularyValues checks values of the new operations through
// Value, against values worked by hand.
func TestMatrixVocabularyValues(t *testing.T) {
	A := Tensor{Shape: []int{2, 2}, Data: []float64{2, 1, 1, 1}}
	x := Tensor{Shape: []int{2}, Data: []float64{1, -2}}
	tests := []struct {
		src   string
		env   map[string]Tensor
		shape []int
		want  []float64
	}{
		{"X^3", map[string]Tensor{"X": A}, []int{2, 2}, []float64{13, 8, 8, 5}},
		{"X^0", map[string]Tensor{"X": A}, []int{2, 2}, []float64{1, 0, 0, 1}},
		{"X^-2", map[string]Tensor{"X": A}, []int{2, 2}, []float64{2, -3, -3, 5}},
		{"X^-1 X^3", map[string]Tensor{"X": A}, []int{2, 2}, []float64{5, 3, 3, 2}},
		{"kron(X, A)", map[string]Tensor{"X": {Shape: []int{1, 2}, Data: []float64{1, 10}}, "A": A}, []int{2, 4},
			[]float64{2, 1, 20, 10, 1, 1, 10, 10}},
		{"a ⊗ x", map[string]Tensor{"a": {Shape: []int{2}, Data: []float64{1, 3}}, "x": x}, []int{4}, []float64{1, -2, 3, -6}},
		{"softmax(Z, 2)", map[string]Tensor{"Z": {Shape: []int{2, 2}, Data: []float64{0, math.Log(3), 5, 5}}}, []int{2, 2},
			[]float64{0.25, 0.75, 0.5, 0.5}},
		{"softmax(Z, 1)", map[string]Tensor{"Z": {Shape: []int{2, 2}, Data: []float64{0, 5, math.Log(3), 5}}}, []int{2, 2},
			[]float64{0.25, 0.5, 0.75, 0.5}},
		{"mean(x) + 10 prod(X) + 100 min(X)", map[string]Tensor{"x": x, "X": A}, nil, []float64{-0.5 + 20 + 100}},
		{"<X, A>", map[string]Tensor{"X": A, "A": A}, nil, []float64{7}},
		{"tr(x' A x)", map[string]Tensor{"x": x, "A": A}, nil, []float64{2}},
		{"x ∘ x", map[string]Tensor{"x": x}, []int{2}, []float64{1, 4}},
	}
	for _, tt := range tests {
		f, err := ParseWith(tt.src, vocabulary)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		v, err := f.Value(tt.env)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if !slices.Equal(v.Shape, tt.shape) || len(v.Data) != len(tt.want) {
			t.Errorf("%s = %v, want %v of shape %v", tt.src, v, tt.want, tt.shape)
			continue
		}
		for i, w := range tt.want {
			if math.Abs(v.Data[i]-w) > 1e-12 {
				t.Errorf("%s = %v, want %v", tt.src, v.Data, tt.want)
				break
			}
		}
	}
}

// genVocabulary draws a scalar or vector expression that applies a matrix
// power, a Kronecker product, softmax(Z, d), a reduction or an inner
// product to the random vectors and square matrices of genVector and
// genMatrix, so that each is checked against finite differences often.
func genVocabulary(vector bool) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		m := genMatrix(1).Draw(t, "m")
		u := genVector(1).Draw(t, "u")
		k := rapid.SampledFrom([]string{"0", "2", "3"}).Draw(t, "k")
		neg := rapid.SampledFrom([]string{"-1", "-2", "-3"}).Draw(t, "neg")
		// A base that stays well conditioned for negative powers.
		w := "(5I + (" + m + ") (" + m + ")')"
		d := rapid.SampledFrom([]string{"1", "2"}).Draw(t, "d")
		if vector {
			return rapid.SampledFrom([]string{
				"(" + m + ")^" + k + " (" + u + ")",
				w + "^" + neg + " (" + u + ")",
				"kron(" + u + ", a)",
				"kron(a, " + u + ")",
				"kron(" + u + ", " + u + ")",
				"kron(" + m + ", a) x",
				"kron(a, " + m + ") (" + u + ")",
				"(A + x a')^" + k + " b",
				"softmax(" + m + ", " + d + ") a",
			}).Draw(t, "vector")
		}
		return rapid.SampledFrom([]string{
			"tr((" + m + ")^" + k + ")",
			"a' (" + m + ")^" + k + " (" + u + ")",
			"tr(A (" + m + ")^" + k + ")",
			"tr(" + w + "^" + neg + ")",
			"a' " + w + "^" + neg + " x",
			"logdet(" + w + "^" + neg + ")",
			"det((" + m + ")^2)",
			"sum(sin(kron(" + m + ", " + u + ")))",
			"sum(sin(kron(" + u + ", " + m + ")))",
			"sum(cos(kron((" + u + ")', " + m + ")))",
			"||kron(" + u + ", a)||^2 + kron(x, " + u + ")' kron(a, b)",
			"tr(kron(" + m + ", B))",
			"sum(softmax(" + m + ", " + d + ") .* B)",
			"a' softmax(" + m + ", " + d + ") x",
			"mean(" + m + ") + mean(" + u + ")",
			"prod(" + u + ") + prod(" + m + ")",
			"min(" + u + ") + min(" + m + ") + max(" + u + ")",
			"<" + m + ", B> + <" + u + ", a>",
			"tr((" + u + ")' B (" + u + "))",
		}).Draw(t, "scalar")
	})
}

// TestRandomMatrixVocabulary checks the matrix-form derivatives of the
// expressions of genVocabulary against central differences: gradients
// with respect to x and A, and Jacobians with respect to x.
func TestRandomMatrixVocabulary(t *testing.T) {
	opts := &ParseOptions{Vectors: []string{"a", "b", "x"}, Matrices: []string{"A", "B"}}
	rapid.Check(t, func(rt *rapid.T) {
		vector := rapid.Bool().Draw(rt, "vector")
		src := genVocabulary(vector).Draw(rt, "f")
		wrt := "x"
		if !vector {
			wrt = rapid.SampledFrom([]string{"x", "A"}).Draw(rt, "wrt")
		}
		f, err := ParseWith(src, opts)
		if err != nil {
			rt.Fatalf("%s: %v", src, err)
		}
		d, err := f.Diff(wrt)
		var u *UnsupportedError
		switch {
		case errors.As(err, &u):
			rt.Skipf("%s: %v", src, err) // a form with no matrix rule here
		case err != nil:
			var absent *AbsentError
			if errors.As(err, &absent) {
				rt.Skip("the expression lost the variable")
			}
			rt.Fatalf("d/d%s %s: %v", wrt, src, err)
		}
		env := randomValues(rt, f)
		if _, ok := env[wrt]; !ok {
			rt.Skip("the expression lost the variable")
		}
		if v, err := f.Value(env); err != nil || math.Abs(v.Data[0]) > 1e6 {
			rt.Skip("outside the domain")
		}
		if vector {
			agreesWithDifferences(rt, "d/dx "+src, f, d, env, 1e-4)
			return
		}
		entriesAgree(rt, src, f, d, env, wrt)
	})
}

// TestVocabularyBuilders checks that the builders of the functions and
// of the matrix vocabulary make what the parser makes.
func TestVocabularyBuilders(t *testing.T) {
	x, y := Var("x"), Var("y")
	X, A, v, w := MatVar("X", "n", "n"), MatVar("A", "m", "n"), VecVar("v", "n"), VecVar("w", "n")
	tests := []struct {
		built Expr
		src   string
	}{
		{Add(Sec(x), Csc(x), Cot(x), Asec(x), Acsc(x), Acot(x)), "sec(x) + csc(x) + cot(x) + asec(x) + acsc(x) + acot(x)"},
		{Add(Sech(x), Csch(x), Coth(x), Asinh(x), Acosh(x), Atanh(x)), "sech(x) + csch(x) + coth(x) + asinh(x) + acosh(x) + atanh(x)"},
		{Add(Atan2(y, x), LogBase(x, y), Log2(x), Log10(x), Cbrt(x)), "atan2(y, x) + log(x, y) + log2(x) + log10(x) + cbrt(x)"},
		{Add(Erf(x), Erfc(x), Gamma(x), Lgamma(x), Digamma(x), Trigamma(x), Polygamma(Int(2), x)),
			"erf(x) + erfc(x) + gamma(x) + lgamma(x) + digamma(x) + trigamma(x) + polygamma(2, x)"},
		{Polygamma(Int(1), x), "trigamma(x)"},
		{Add(Sinc(x), Heaviside(x), Relu(x), LeakyRelu(x, Rational(1, 10)), Softplus(x), Gelu(x), Silu(x), Huber(x, Int(1))),
			"sinc(x) + step(x) + relu(x) + leaky_relu(x, 1/10) + softplus(x) + gelu(x) + silu(x) + huber(x, 1)"},
		{Add(Max(x, y), Min(x, y, Int(0))), "max(x, y) + min(min(x, y), 0)"},
		{Add(Max(v), Min(v), Mean(v), Prod(v)), "max(v) + min(v) + mean(v) + prod(v)"},
		{LogBase(Int(8), Int(2)), "3"},
		{MatPow(X, 3), "X^3"},
		{MatPow(X, -2), "X^-2"},
		{MatPow(X, 0), "X^0"},
		{Kron(A, v), "kron(A, v)"},
		{Kron(v, T(w)), "v w'"},
		{Inner(A, A), "<A, A>"},
		{Inner(v, w), "<v, w>"},
		{Add(X, Eye("n")), "X + I"},
		{Add(LogSumExp(v), Sum(Softmax(v))), "logsumexp(v) + sum(softmax(v))"},
		{SoftmaxDim(A, 2), "softmax(A, 2)"},
		{Hadamard(v, w), "v ∘ w"},
	}
	shapes := &ParseOptions{Shapes: map[string][]string{"X": {"n", "n"}, "A": {"m", "n"}, "v": {"n"}, "w": {"n"}}}
	for _, tt := range tests {
		builtAsParsed(t, tt.built, tt.src, shapes)
	}
	errs := []struct {
		e    Expr
		want string
	}{
		{MatPow(A, 2), "nabla: MatPow needs a square matrix, not matrix (m×n) and scalar"},
		{MatPow(X, 1001), "nabla: MatPow needs a whole exponent from -1000 to 1000"},
		{SoftmaxDim(A, 3), "nabla: SoftmaxDim needs the dimension 1 (the softmax of each column) or 2 (of each row)"},
		{Inner(A, v), "nabla: Inner needs two vectors or two matrices of one shape, not matrix (m×n) and vector (n)"},
		{Atan2(v, MatVar("B", "n", "m")), "nabla: Atan2 needs operands of one shape, not vector (n) and matrix (n×m)"},
		{Max(), "nabla: Max needs an operand"},
		{Eye("0"), "nabla: Eye: the size 0 is not positive"},
	}
	for _, tt := range errs {
		if err := tt.e.Err(); err == nil || err.Error() != tt.want {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
}
