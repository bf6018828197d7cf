package format_test

import (
	"strings"
	"testing"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/simplify"
)

// variable returns the variable named name in f, with the shape the
// parser resolved for it.
func variable(t *testing.T, f *expr.Node, name string) *expr.Node {
	t.Helper()
	x := expr.Find(f, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == name })
	if x == nil {
		t.Fatalf("no variable %s in %s", name, format.Text(f))
	}
	return x
}

// indexForm parses src with the vectors and matrices of options,
// differentiates it with respect to the variable wrt, seeded with the
// differential d<wrt>, simplifies the differential and writes it in index
// notation, as the tensor derivatives of internal/calc do: text and
// LaTeX.
func indexForm(t *testing.T, src, wrt string) (text, latex string) {
	t.Helper()
	f := mustParse(t, src, true)
	x := variable(t, f, wrt)
	dx := expr.NewSym("d"+wrt, x.Shape())
	d, err := diff.Diff(f, x, &diff.Options{Seed: dx})
	if err != nil {
		t.Fatalf("Diff(%q, %s): %v", src, wrt, err)
	}
	return format.IndexForm(f, x, simplify.Simplify(d), dx)
}

func TestIndexForm(t *testing.T) {
	tests := []struct {
		name string
		f    string
		wrt  string
		want string
	}{
		// Products P dX Q.
		{"matrix times vector by the matrix", "A x", "A", "∂f_i/∂A_pq = δ_ip x_q"},
		{"matrix times vector by the vector", "A x", "x", "∂f_i/∂x_p = A_ip"},
		{"vector itself", "x", "x", "∂x_i/∂x_p = δ_ip"},
		{"matrix itself", "X", "X", "∂X_pq/∂X_ij = δ_pi δ_jq"},
		{"scaled matrix", "2 X", "X", "∂f_pq/∂X_ij = 2 δ_pi δ_jq"},
		{"negated matrix", "-X", "X", "∂f_pq/∂X_ij = -δ_pi δ_jq"},
		{"rational coefficient", "A x ./ 2", "A", "∂f_i/∂A_pq = 1/2 δ_ip x_q"},
		{"transpose", "X'", "X", "∂f_pq/∂X_ij = δ_pj δ_iq"},
		{"difference with the transpose", "X - X'", "X", "∂f_pq/∂X_ij = δ_pi δ_jq - δ_pj δ_iq"},
		{"transpose times vector", "X' x", "X", "∂f_i/∂X_pq = δ_iq x_p"},
		{"row vector", "x'", "x", "∂f_q/∂x_i = δ_iq"},
		{"row vector times a matrix", "x' A", "A", "∂f_q/∂A_ij = x_i δ_jq"},
		{"row vector times two matrices", "x' A X", "A", "∂f_q/∂A_ij = x_i X_jq"},
		{"Gram matrix", "R' R", "R", "∂f_pq/∂R_ij = R_ip δ_jq + δ_pj R_iq"},
		{"square of a matrix", "X X", "X", "∂f_pq/∂X_ij = X_pi δ_jq + δ_pi X_jq"},
		{"cube of a matrix", "X^3", "X", "∂f_pq/∂X_ij = X_pi X_jq + δ_pi (X^2)_jq + (X^2)_pi δ_jq"},
		{"inverse squared", "X^-2", "X", "∂f_pq/∂X_ij = -((inv(X))_pi (X^-2)_jq + (X^-2)_pi (inv(X))_jq)"},
		{"outer product", "x x'", "x", "∂f_pq/∂x_i = δ_pi x_q + x_p δ_iq"},
		{"outer product with a constant", "y x'", "x", "∂f_pq/∂x_i = y_p δ_iq"},
		{"product of constant matrices", "A' A x", "x", "∂f_i/∂x_p = (Aᵀ A)_ip"},
		{"variable twice", "A' (A x)", "A", "∂f_i/∂A_pq = A_pi x_q + δ_iq (A x)_p"},
		{"sum after the differential", "A x - 3 A y", "A", "∂f_i/∂A_pq = δ_ip (x - 3y)_q"},
		{"product after the differential", "A x x'", "A", "∂f_pq/∂A_ij = δ_pi (x xᵀ)_jq"},
		{"constant term", "X y + x", "X", "∂f_i/∂X_pq = δ_ip y_q"},
		{"quadratic form", "x' X x", "X", "∂f/∂X_pq = x_p x_q"},
		{"inverse", "inv(X)", "X", "∂f_pq/∂X_ij = -(inv(X))_pi (inv(X))_jq"},
		{"inverse times vector", "inv(X) x", "X", "∂f_i/∂X_pq = -(inv(X))_ip (inv(X) x)_q"},
		// Element-wise factors.
		{"element-wise function of a product", "sin(A x)", "A", "∂f_i/∂A_pq = δ_ip x_q (cos(A x))_i"},
		{"sigmoid of a product", "sigmoid(A x)", "A",
			"∂f_i/∂A_pq = δ_ip x_q ((1 - sigmoid(A x)) .* sigmoid(A x))_i"},
		{"scalar function of a quadratic form", "sin(x' X x)", "X", "∂f/∂X_pq = cos(xᵀ X x) x_p x_q"},
		{"element-wise exp", "exp(X)", "X", "∂f_pq/∂X_ij = δ_pi δ_jq (exp(X))_pq"},
		{"element-wise square of a vector", "x .* x", "x", "∂f_i/∂x_p = 2 δ_ip x_i"},
		{"element-wise square of a matrix", "X .* X", "X", "∂f_pq/∂X_ij = 2 δ_pi δ_jq X_pq"},
		// Determinants and traces.
		{"determinant", "det(X)", "X", "∂f/∂X_pq = det(X) (inv(X))_qp"},
		{"determinant times the matrix", "det(X) X", "X",
			"∂f_pq/∂X_ij = det(X) (inv(X))_ji X_pq + det(X) δ_pi δ_jq"},
		{"determinant times a vector", "det(X) x", "X", "∂f_i/∂X_pq = det(X) (inv(X))_qp x_i"},
		{"log-determinant times a vector", "logdet(X) x", "X", "∂f_i/∂X_pq = (inv(X))_qp x_i"},
		{"trace times a vector", "tr(X) x", "X", "∂f_i/∂X_pq = δ_qp x_i"},
		{"trace times the matrix", "tr(X) X", "X", "∂f_pq/∂X_ij = δ_ji X_pq + tr(X) δ_pi δ_jq"},
		{"trace times the identity", "tr(X) I", "X", "∂f_pq/∂X_ij = δ_ji (I)_pq"},       // (I)_pq is δ_pq
		{"trace of a Gram matrix", "tr(X' X) x", "X", "∂f_i/∂X_pq = (X_pq + X_pq) x_i"}, // tr(Xᵀ dX) + tr(dXᵀ X) stay apart
		// Diagonals.
		{"diagonal of a matrix", "diag(X)", "X", "∂f_i/∂X_pq = δ_ip δ_qi"},
		{"diagonal matrix of a vector", "diag(x)", "x", "∂f_pq/∂x_i = δ_pq δ_pi"},
		{"diagonal matrix of a product", "diag(A x)", "A", "∂f_pq/∂A_ij = δ_pq δ_pi x_j"},
		{"diagonal times a vector", "diag(X) .* y", "X", "∂f_i/∂X_pq = δ_ip δ_qi y_i"},
		{"diagonal of a diagonal matrix", "diag(diag(X))", "X", "∂f_pq/∂X_ij = δ_pq δ_pi δ_jp"},
		// No index form: the writer has no rule for sum(dX), for dX inside an
		// element-wise product or a diagonal within a matrix product.
		{"sum of the entries", "sum(X) x", "X", ""},
		{"element-wise product in a matrix product", "(X .* X) y", "X", ""},
		{"norm", "norm(x) x", "x", ""},
		{"diagonal matrix in a matrix product", "diag(x) A'", "x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, latex := indexForm(t, tt.f, tt.wrt)
			if got != tt.want {
				t.Errorf("IndexForm(%q by %s) = %q, want %q", tt.f, tt.wrt, got, tt.want)
			}
			if (latex == "") != (got == "") || !balanced(latex) {
				t.Errorf("IndexForm(%q by %s) in LaTeX = %q", tt.f, tt.wrt, latex)
			}
		})
	}
}

// TestIndexFormOfBuiltDifferential writes differentials built by hand,
// without the differentiator and the simplifier.
func TestIndexFormOfBuiltDifferential(t *testing.T) {
	f := mustParse(t, "A x", true)
	a, x := variable(t, f, "A"), variable(t, f, "x")
	da := expr.NewSym("dA", a.Shape())
	tests := []struct {
		name string
		d    *expr.Node
		want string
	}{
		{"dA x", expr.MatMul(da, x), "∂f_i/∂A_pq = δ_ip x_q"},
		{"2 dA x", expr.Mul(expr.Int64(2), expr.MatMul(da, x)), "∂f_i/∂A_pq = 2 δ_ip x_q"},
		{"-dA x", expr.Neg(expr.MatMul(da, x)), "∂f_i/∂A_pq = -δ_ip x_q"},
		{"no differential", expr.MatMul(a, x), ""},
		{"zero", expr.Int64(0), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := format.IndexForm(f, a, tt.d, da); got != tt.want {
				t.Errorf("IndexForm(A x, A, %s) = %q, want %q", format.Text(tt.d), got, tt.want)
			}
		})
	}
}

// TestIndexFormLaTeX checks the LaTeX of index forms: subscripts in
// braces, \delta, \left( \right) around sums and products, numbers as
// fractions, Greek names and names with subscripts of their own.
func TestIndexFormLaTeX(t *testing.T) {
	tests := []struct {
		f, wrt, want string
	}{
		{"A x", "A", `\frac{\partial f_{i}}{\partial A_{pq}} = \delta_{ip} x_{q}`},
		{"X", "X", `\frac{\partial X_{pq}}{\partial X_{ij}} = \delta_{pi} \delta_{jq}`},
		{"A x ./ 2", "A", `\frac{\partial f_{i}}{\partial A_{pq}} = \frac{1}{2} \delta_{ip} x_{q}`},
		{"X - X'", "X", `\frac{\partial f_{pq}}{\partial X_{ij}} = \delta_{pi} \delta_{jq} - \delta_{pj} \delta_{iq}`},
		{"X' x", "X", `\frac{\partial f_{i}}{\partial X_{pq}} = \delta_{iq} x_{p}`},
		{"X^3", "X", `\frac{\partial f_{pq}}{\partial X_{ij}} = X_{pi} X_{jq} + \delta_{pi} \left(X^{2}\right)_{jq} + \left(X^{2}\right)_{pi} \delta_{jq}`},
		{"inv(X)", "X", `\frac{\partial f_{pq}}{\partial X_{ij}} = -\left(X^{-1}\right)_{pi} \left(X^{-1}\right)_{jq}`},
		{"A x - 3 A y", "A", `\frac{\partial f_{i}}{\partial A_{pq}} = \delta_{ip} \left(x - 3 y\right)_{q}`},
		{"sin(x' X x)", "X", `\frac{\partial f}{\partial X_{pq}} = \cos\left(x^{\top} X x\right) x_{p} x_{q}`},
		{"Φ θ", "Φ", `\frac{\partial f_{i}}{\partial \Phi_{pq}} = \delta_{ip} \theta_{q}`},
		{"A x_1", "A", `\frac{\partial f_{i}}{\partial A_{pq}} = \delta_{ip} {x_{1}}_{q}`},
		{"tr(X) x", "X", `\frac{\partial f_{i}}{\partial X_{pq}} = \delta_{qp} x_{i}`},
		{"diag(x)", "x", `\frac{\partial f_{pq}}{\partial x_{i}} = \delta_{pq} \delta_{pi}`},
	}
	for _, tt := range tests {
		t.Run(tt.f, func(t *testing.T) {
			if _, got := indexForm(t, tt.f, tt.wrt); got != tt.want {
				t.Errorf("IndexForm(%q by %s) in LaTeX =\n%s\nwant\n%s", tt.f, tt.wrt, got, tt.want)
			}
		})
	}
}

// balanced reports whether the braces and the \left( \right) pairs of a
// LaTeX string match.
func balanced(s string) bool {
	braces, lr := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '{':
			braces++
		case s[i] == '}':
			braces--
		case strings.HasPrefix(s[i:], `\left`):
			lr++
		case strings.HasPrefix(s[i:], `\right`):
			lr--
		}
		if braces < 0 || lr < 0 {
			return false
		}
	}
	return braces == 0 && lr == 0
}
