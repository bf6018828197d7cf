package nabla

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestDeriveStepsText checks the derivations of the notes' examples of
// §5.1 as text, line by line.
func TestDeriveStepsText(t *testing.T) {
	tests := []struct {
		name, src string
		want      string
	}{
		{"chain rule", "sin(2x+1)", `d/dx sin(2x + 1)

1. constant multiple rule: (c f)′ = c f′
   let c = 2, f = x
   f′ = 1 (variable rule)
   d/dx (2x) = 2 · 1 = 2
2. sum rule: (f + g)′ = f′ + g′
   d/dx (2x) = 2 (step 1), d/dx 1 = 0 (constant rule)
   d/dx (2x + 1) = 2 + 0 = 2
3. chain rule: (f(g(x)))′ = f′(g(x)) · g′(x)
   let f(u) = sin(u), g(x) = 2x + 1
   f′(u) = cos(u) (trigonometric rule), g′(x) = 2 (step 2)
   d/dx sin(2x + 1) = cos(2x + 1) · 2 = 2cos(2x + 1)

d/dx sin(2x + 1) = 2cos(2x + 1)
`},
		{"nested chain rule", "(sin(x^4))^5", `d/dx sin(x^4)^5

1. power rule: (x^n)′ = n x^(n-1)
   d/dx x^4 = 4 · x^3 = 4x^3
2. chain rule: (h(f(g(x))))′ = h′(f(g(x))) · f′(g(x)) · g′(x)
   let h(u) = u^5, f(u) = sin(u), g(x) = x^4
   h′(u) = 5u^4 (power rule), f′(u) = cos(u) (trigonometric rule), g′(x) = 4x^3 (step 1)
   d/dx sin(x^4)^5 = 5sin(x^4)^4 · cos(x^4) · 4x^3 = 20x^3 sin(x^4)^4 cos(x^4)

d/dx sin(x^4)^5 = 20x^3 sin(x^4)^4 cos(x^4)
`},
		{"product rule", "x^3 sin(x)", `d/dx (x^3 sin(x))

1. power rule: (x^n)′ = n x^(n-1)
   d/dx x^3 = 3 · x^2 = 3x^2
2. trigonometric rule: (sin(x))′ = cos(x)
   d/dx sin(x) = cos(x)
3. product rule: (f g)′ = f′ g + f g′
   let f = x^3, g = sin(x)
   f′ = 3x^2 (step 1), g′ = cos(x) (step 2)
   d/dx (x^3 sin(x)) = 3x^2 · sin(x) + x^3 · cos(x) = x^3 cos(x) + 3x^2 sin(x)

d/dx (x^3 sin(x)) = x^3 cos(x) + 3x^2 sin(x)
`},
		{"quotient rule", "x/(x+1)", `d/dx (x/(x + 1))

1. sum rule: (f + g)′ = f′ + g′
   d/dx x = 1 (variable rule), d/dx 1 = 0 (constant rule)
   d/dx (x + 1) = 1 + 0 = 1
2. quotient rule: (f/g)′ = (f′ g - f g′)/g^2
   let f = x, g = x + 1
   f′ = 1 (variable rule), g′ = 1 (step 1)
   d/dx (x/(x + 1)) = (x + 1 - x)/(x + 1)^2 = 1/(x + 1) - x/(x + 1)^2
3. simplify: the simplifier's identities
   = 1/(x + 1)^2

d/dx (x/(x + 1)) = 1/(x + 1)^2
`},
		{"general power", "x^x", `d/dx x^x

1. general power rule: (f^g)′ = (exp(g log(f)))′ = f^g (g′ log(f) + g f′/f)
   let f = x, g = x
   f′ = 1 (variable rule), g′ = 1 (variable rule)
   d/dx x^x = x^x · (log(x) + x · 1/x) = x^x (log(x) + 1)

d/dx x^x = x^x (log(x) + 1)
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DeriveSteps(MustParse(tt.src), nil, "x")
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Text(); got != tt.want {
				t.Errorf("%s:\n%s\nwant:\n%s", tt.src, got, tt.want)
			}
		})
	}
}

// TestDeriveStepsRules checks the rule each step names and the step it
// cites, for the rules the notes state.
func TestDeriveStepsRules(t *testing.T) {
	tests := []struct {
		src   string
		rules []string
	}{
		{"(x^2+5x+6)^10", []string{"power rule", "constant multiple rule", "sum rule", "chain rule"}},
		{"exp(x)", []string{"exponential rule"}},
		{"log(x) + tan(x)", []string{"trigonometric rule", "logarithm rule", "sum rule"}},
		{"atan(x) tanh(x)", []string{"inverse trigonometric rule", "hyperbolic rule", "product rule"}},
		{"sigmoid(3x)", []string{"constant multiple rule", "chain rule"}},
		{"2^x", []string{"exponential rule"}},
		{"sin(x)/x", []string{"trigonometric rule", "quotient rule"}},
		{"x exp(x) cos(x)", []string{"trigonometric rule", "exponential rule", "product rule"}},
		{"sin(x^2) + sin(x^2)^3 cos(x)", []string{"power rule", "chain rule", "chain rule", "trigonometric rule", "product rule", "sum rule"}},
		{"7", []string{"constant rule"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			d, err := DeriveSteps(MustParse(tt.src), nil, "x")
			if err = present(err); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range d.Steps {
				got = append(got, s.Rule)
			}
			if !slices.Equal(got, tt.rules) {
				t.Errorf("rules %q, want %q", got, tt.rules)
			}
		})
	}
}

// TestDeriveStepsFold checks that a subexpression the chain rule went
// through is derived again only as a reference to that step.
func TestDeriveStepsFold(t *testing.T) {
	d, err := DeriveSteps(MustParse("sin(exp(x^2)) + exp(x^2)"), nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	s := d.Steps[2]
	if s.On.String() != "exp(x^2)" || s.Ref != 2 {
		t.Fatalf("step 3 is %s with Ref %d, want exp(x^2) as in step 2", s.On, s.Ref)
	}
	if !strings.Contains(d.Text(), "   as in step 2\n") {
		t.Errorf("the text does not say \"as in step 2\":\n%s", d.Text())
	}
}

// TestGradientSteps checks the gradient of the notes' x1² x2 + x1 x2³:
// one partial derivative at a time, the other variable held constant,
// collected into a 1×2 row.
func TestGradientSteps(t *testing.T) {
	f := MustParse("x^2 y + x y^3")
	d, err := DeriveSteps(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Parts) != 2 || d.Parts[0].Title.Text != "∂f/∂x, y held constant" || d.Parts[1].Title.Text != "∂f/∂y, x held constant" {
		t.Fatalf("parts %v", d.Parts)
	}
	last := d.Steps[len(d.Steps)-1]
	if last.Rule != "gradient" || last.Shape != "1×2" || last.Gives.String() != "[[2x y + y^3, x^2 + 3x y^2]]" {
		t.Errorf("last step %s %s %s", last.Rule, last.Gives, last.Shape)
	}
	g, err := Grad(f, "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Result.Equal(g) {
		t.Errorf("result %s, Grad gives %s", d.Result, g)
	}
	if got := d.Parts[0].Steps[1].Note.Text; got != "y held constant" {
		t.Errorf("note %q, want y held constant", got)
	}
}

// TestJacobianSteps checks a Jacobian row by row against Jacobian.
func TestJacobianSteps(t *testing.T) {
	f := MustParse("[x^2 y, 5x + sin(y)]")
	d, err := DeriveSteps(f, nil, "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	j, err := Jacobian(f, "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Result.Equal(j) || d.Shape != "2×2" || len(d.Parts) != 2 {
		t.Errorf("result %s (%s, %d rows), Jacobian gives %s", d.Result, d.Shape, len(d.Parts), j)
	}
	checkNumbering(t, d)
}

// TestChainSteps checks the chain rule of §5.2.2 with the factors' shapes.
func TestChainSteps(t *testing.T) {
	src := "x1^2 x2 + 3x1 + 6x2 where x1 = sin(t), x2 = exp(2t)"
	d, err := ChainSteps(src, nil, "t")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ChainRule(src, "t")
	if err != nil {
		t.Fatal(err)
	}
	if want := c.Result.Entry(0, 0); !d.Result.Equal(want) {
		t.Errorf("result %s, ChainRule gives %s", d.Result, want)
	}
	var chain *DerivationStep
	for i := range d.Steps {
		if d.Steps[i].Rule == "chain rule" {
			chain = &d.Steps[i]
		}
	}
	if chain == nil {
		t.Fatal("no chain rule step")
	}
	if chain.Uses[0].Shape != "1×2" || chain.Uses[1].Shape != "2×1" {
		t.Errorf("shapes %s and %s, want 1×2 and 2×1", chain.Uses[0].Shape, chain.Uses[1].Shape)
	}
	if got, want := chain.Applied.text(), "(2x1 x2 + 3) · cos(t) + (x1^2 + 6) · 2exp(2t)"; got != want {
		t.Errorf("applied %s, want %s", got, want)
	}
	checkNumbering(t, d)
}

// TestChainStepsInner checks the chain rule over one inner variable and
// over several: ∂f/∂x and ∂x/∂t are rows and columns of scalars, so the
// chain rule gives the scalar df/dt that Diff gives, not a scalar times a
// 1×1 matrix; where f has t itself the formula names ∂f/∂t.
func TestChainStepsInner(t *testing.T) {
	tests := []struct {
		src, wrt         string
		formula, applied string
		result           string
	}{
		{"x^2 where x = t^2", "t", "df/dt = ∂f/∂x · ∂x/∂t", "df/dt = 2x · 2t = 4t x", "4t^3"},
		{"x1 t where x1 = t^2", "t", "df/dt = ∂f/∂x1 · ∂x1/∂t + ∂f/∂t", "df/dt = t · 2t + x1 = 2t^2 + x1", "3t^2"},
		{"sin(u) where u = x y", "x", "df/dx = ∂f/∂u · ∂u/∂x", "df/dx = cos(u) · y = y cos(u)", "y cos(x y)"},
		{"u^2 where u = t", "t", "df/dt = ∂f/∂u · ∂u/∂t", "df/dt = 2u", "2t"},
		{"u where u = 5", "t", "df/dt = ∂f/∂u · ∂u/∂t", "df/dt = 0", "0"},
		{"x t + s where x = t s", "s,t", "df/d(s, t) = ∂f/∂x · ∂x/∂(s, t) + ∂f/∂(s, t)", "df/d(s, t) = [[t^2 + 1, s t + x]]  ∈ ℝ^(1×2)", "[[t^2 + 1, 2s t]]"},
		{"u v + t where u = t^2, v = cos(t)", "t", "df/dt = ∂f/∂(u, v) · ∂(u, v)/∂t + ∂f/∂t", "df/dt = v · 2t + u · (-sin(t)) + 1 = 2t v - u sin(t) + 1", "2t cos(t) - t^2 sin(t) + 1"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			d, err := ChainSteps(tt.src, nil, strings.Split(tt.wrt, ",")...)
			if err != nil {
				t.Fatal(err)
			}
			var chain *DerivationStep
			for i := range d.Steps {
				if d.Steps[i].Rule == "chain rule" {
					chain = &d.Steps[i]
				}
			}
			if chain == nil {
				t.Fatal("no chain rule step")
			}
			if got := chain.Formula.Text; got != tt.formula {
				t.Errorf("formula %s, want %s", got, tt.formula)
			}
			if got := chain.equation(); got != tt.applied {
				t.Errorf("equation %s, want %s", got, tt.applied)
			}
			if got := d.Result.String(); got != tt.result {
				t.Errorf("result %s, want %s", got, tt.result)
			}
			if !strings.Contains(tt.wrt, ",") {
				// A note (t does not occur) comes with the derivative.
				want, err := Diff(MustParse(tt.src), tt.wrt, 1)
				if want.n == nil {
					t.Fatal(err)
				}
				if !d.Result.Equal(want) {
					t.Errorf("result %s, Diff gives %s", d.Result, want)
				}
			}
			checkNumbering(t, d)
		})
	}
	// One inner variable: the gradient's one partial derivative has no
	// heading of its own under ∂f/∂x.
	d, err := ChainSteps("x^2 where x = t^2", nil, "t")
	if err != nil {
		t.Fatal(err)
	}
	want := `df/dt for f = x^2 where x = t^2

∂f/∂x:

1. power rule: (x^n)′ = n x^(n-1)
   ∂/∂x x^2 = 2 · x = 2x

2. gradient: ∇f = [∂f/∂x]
   ∂f/∂x = 2x (step 1)
   ∂f/∂x = [[2x]]  ∈ ℝ^(1×1)

∂x/∂t:

∂x/∂t for x = t^2:

3. power rule: (t^n)′ = n t^(n-1)
   d/dt t^2 = 2 · t = 2t

4. Jacobian: J = [∇f1; …; ∇fm], J_ij = ∂f_i/∂x_j
   ∂x/∂t = 2t (step 3)
   ∂x/∂t = [[2t]]  ∈ ℝ^(1×1)

5. chain rule: df/dt = ∂f/∂x · ∂x/∂t
   ∂f/∂x = [[2x]]  ∈ ℝ^(1×1) (step 2), ∂x/∂t = [[2t]]  ∈ ℝ^(1×1) (step 4)
   df/dt = 2x · 2t = 4t x
6. substitute
   let x = t^2
   df/dt = 4t^3

df/dt = 4t^3
`
	if got := d.Text(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}

// TestChainStepsLeastSquares checks the least-squares chain of the notes:
// ∂L/∂e · ∂e/∂ŷ · ∂ŷ/∂θ, shapes 1×m, m×m, m×n, to -2(y - Φ θ)ᵀ Φ.
func TestChainStepsLeastSquares(t *testing.T) {
	opts := &ParseOptions{Vectors: []string{"y", "θ", "e", "z"}, Matrices: []string{"Φ"}}
	d, err := ChainSteps("||e||^2 where e = y - z, z = Φ θ", opts, "θ")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Result.String(); got != "-2(y - Φ θ)ᵀ Φ" {
		t.Errorf("result %s", got)
	}
	var shapes []string
	for _, s := range d.Steps {
		if s.Rule == "chain rule" {
			for _, u := range s.Uses {
				shapes = append(shapes, u.Name.Text+" "+u.Shape)
			}
		}
	}
	if want := []string{"∂f/∂e 1×m", "∂e/∂z m×m", "∂z/∂θ m×n"}; !slices.Equal(shapes, want) {
		t.Errorf("factors %q, want %q", shapes, want)
	}
	for _, p := range d.Parts {
		if strings.Contains(p.Text(), "matrix derivative") {
			t.Errorf("a factor without components:\n%s", p.Text())
		}
	}
	checkNumbering(t, d)
}

// TestMatrixSteps checks derivatives with respect to vectors and matrices
// in index notation: the result is the differentiator's, the index steps
// are those of the notes.
func TestMatrixSteps(t *testing.T) {
	decl := &ParseOptions{Vectors: []string{"x", "a", "b", "y", "s"}, Matrices: []string{"A", "X", "R"}}
	tests := []struct {
		src, wrt string
		index    []string // the index steps, in order
	}{
		{"A x", "A", []string{"f_i = Σ_j A_ij x_j", "∂f_i/∂A_pq = Σ_j δ_ip δ_jq x_j", "∂f_i/∂A_pq = δ_ip x_q"}},
		{"A x", "x", []string{"f_i = Σ_j A_ij x_j", "∂f_i/∂x_p = Σ_j A_ij δ_jp", "∂f_i/∂x_p = A_ip"}},
		{"a' X b", "X", []string{"f = Σ_i Σ_j a_i X_ij b_j", "∂f/∂X_pq = Σ_i Σ_j a_i δ_ip δ_jq b_j", "∂f/∂X_pq = a_p b_q"}},
		{"x' A x", "x", []string{"f = Σ_i Σ_j x_i A_ij x_j", "∂f/∂x_p = Σ_i Σ_j δ_ip A_ij x_j + Σ_i Σ_j x_i A_ij δ_jp", "∂f/∂x_p = Σ_j A_pj x_j + Σ_i x_i A_ip"}},
		{"R' R", "R", []string{"f_pq = Σ_k R_kp R_kq", "∂f_pq/∂R_ij = Σ_k δ_ki δ_pj R_kq + Σ_k R_kp δ_ki δ_qj", "∂f_pq/∂R_ij = δ_pj R_iq + R_ip δ_qj"}},
		{"tr(A X)", "X", []string{"f = Σ_i Σ_j A_ij X_ji", "∂f/∂X_pq = Σ_i Σ_j A_ij δ_jp δ_iq", "∂f/∂X_pq = A_qp"}},
		{"||x||^2", "x", []string{"f = Σ_i x_i x_i", "∂f/∂x_p = Σ_i δ_ip x_i + Σ_i x_i δ_ip", "∂f/∂x_p = 2 x_p"}},
		{"y - A s", "s", []string{"f_i = y_i - Σ_j A_ij s_j", "∂f_i/∂s_p = -Σ_j A_ij δ_jp", "∂f_i/∂s_p = -A_ip"}},
		{"inv(X)", "X", []string{"∂f_pq/∂X_ij = -(inv(X))_pi (inv(X))_jq"}},
		{"logdet(X)", "X", nil},
		{"det(X)", "X", nil},
		{"norm(x)", "x", nil},
		{"sin(a'x)", "x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.src+" by "+tt.wrt, func(t *testing.T) {
			f, err := ParseWith(tt.src, decl)
			if err != nil {
				t.Fatal(err)
			}
			d, err := MatrixSteps(f, tt.wrt)
			if err != nil {
				t.Fatal(err)
			}
			var index []string
			var walk func(d *Derivation)
			walk = func(d *Derivation) {
				for _, p := range d.Parts {
					walk(p)
				}
				for _, s := range d.Steps {
					if s.Index != nil {
						index = append(index, s.Left.Text+" = "+s.Index.Text())
					}
				}
			}
			walk(d)
			if !slices.Equal(index, tt.index) {
				t.Errorf("index steps\n%q\nwant\n%q", index, tt.index)
			}
			want, err := Derive(context.Background(), f, []string{tt.wrt}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want.Tensor != nil {
				if !d.Result.Equal(want.Tensor.Differential) {
					t.Errorf("result %s, the differential is %s", d.Result, want.Tensor.Differential)
				}
			} else if !d.Result.Equal(want.Expr) {
				t.Errorf("result %s, Derive gives %s", d.Result, want.Expr)
			}
			checkNumbering(t, d)
		})
	}
}

// TestMatrixStepsText checks the notes' ∂(aᵀ X b)/∂X = a bᵀ by both routes.
func TestMatrixStepsText(t *testing.T) {
	f, err := ParseWith("a' X b", &ParseOptions{Vectors: []string{"a", "b"}, Matrices: []string{"X"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := MatrixSteps(f, "X")
	if err != nil {
		t.Fatal(err)
	}
	want := `∂f/∂X for f = aᵀ X b, X ∈ ℝ^(m×n)

in components:

1. components: (A B)_ij = Σ_k A_ik B_kj, (Aᵀ)_ij = A_ji
   f = Σ_i Σ_j a_i X_ij b_j
2. differentiate: ∂X_ij/∂X_pq = δ_ip δ_jq
   ∂f/∂X_pq = Σ_i Σ_j a_i δ_ip δ_jq b_j
3. sum out: δ_ip: i = p, δ_jq: j = q
   ∂f/∂X_pq = a_p b_q
4. collect: (a bᵀ)_pq = a_p b_q
   ∂f/∂X = a bᵀ  ∈ ℝ^(m×n)

by the differential:

5. differential: d(A B) = dA B + A dB, d(Aᵀ) = (dA)ᵀ
   df = aᵀ dX b
6. trace: a scalar is its own trace, tr(A B) = tr(B A)
   df = tr(b aᵀ dX)
7. read off: df = tr(G dX) ⇒ ∂f/∂X = Gᵀ
   let G = b aᵀ
   ∂f/∂X = a bᵀ  ∈ ℝ^(m×n)

∂f/∂X = a bᵀ  ∈ ℝ^(m×n)
`
	if got := d.Text(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestMatrixStepsRefused checks that a form with no steps in components
// or by the differential is named in the error.
func TestMatrixStepsRefused(t *testing.T) {
	f, err := ParseWith("exp(A x)", &ParseOptions{Vectors: []string{"x"}, Matrices: []string{"A"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = MatrixSteps(f, "A")
	var nc *NoComponentsError
	if !errors.As(err, &nc) || nc.Form != "exp(A x)" {
		t.Fatalf("error %v, want a NoComponentsError for exp(A x)", err)
	}
	w, err := ParseWith("x' W x", &ParseOptions{Vectors: []string{"x"}, Symmetric: []string{"W"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MatrixSteps(w, "W"); !errors.As(err, &nc) || nc.Form != "W" {
		t.Fatalf("error %v, want a NoComponentsError for W", err)
	}
}

// TestLimitSteps checks derivations from first principles: the steps are
// equal as functions of x and h, and the last is the derivative.
func TestLimitSteps(t *testing.T) {
	tests := []struct {
		src   string
		rules []string
	}{
		{"x^3", []string{"definition", "binomial theorem", "cancel", "divide by h", "limit"}},
		{"2x^3 - x + 1", []string{"definition", "binomial theorem", "cancel", "divide by h", "limit"}},
		{"1/x", []string{"definition", "common denominator", "cancel", "divide by h", "limit"}},
		{"x/(x+1)", []string{"definition", "common denominator", "cancel", "divide by h", "limit"}},
		{"sin(x)", []string{"definition", "identity", "regroup", "known limit"}},
		{"3cos(x)", []string{"definition", "identity", "regroup", "known limit"}},
		{"exp(x)", []string{"definition", "identity", "regroup", "known limit"}},
		{"log(x)", []string{"definition", "identity", "regroup", "known limit"}},
		{"x^2 + sin(x)", []string{"sum of limits"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			f := MustParse(tt.src)
			d, err := LimitSteps(f, "x")
			if err != nil {
				t.Fatal(err)
			}
			var rules []string
			for _, s := range d.Steps {
				rules = append(rules, s.Rule)
			}
			if !slices.Equal(rules, tt.rules) {
				t.Errorf("rules %q, want %q", rules, tt.rules)
			}
			want, err := Diff(f, "x", 1)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Result.Equal(want) {
				t.Errorf("result %s, want %s", d.Result, want)
			}
			checkLimitValues(t, d, want)
			checkNumbering(t, d)
		})
	}
	for _, src := range []string{"x sin(x)", "sqrt(x)", "sin(2x)"} {
		if _, err := LimitSteps(MustParse(src), "x"); !errors.Is(err, ErrNoFirstPrinciples) {
			t.Errorf("LimitSteps(%s): %v, want ErrNoFirstPrinciples", src, err)
		}
	}
}

// checkLimitValues checks that the steps of a derivation from first
// principles under the limit are equal to one another at points (x, h),
// and that the others give the derivative.
func checkLimitValues(t *testing.T, d *Derivation, want Expr) {
	t.Helper()
	for _, p := range d.Parts {
		checkLimitValues(t, p, p.Result)
	}
	for _, x := range []float64{0.37, 1.9, 2.6} {
		for _, h := range []float64{0.25, -0.125} {
			env := map[string]float64{"x": x, "h": h}
			var prev float64
			havePrev := false
			for _, s := range d.Steps {
				v, ok := stepValue(s, env)
				if !ok {
					t.Fatalf("step %d (%s) has no value at %v", s.N, s.Rule, env)
				}
				if s.Limit == "" {
					w, err := want.Eval(env)
					if err != nil || !near(v, w, 1e-9) {
						t.Errorf("step %d (%s) = %v at %v, want %v", s.N, s.Rule, v, env, w)
					}
					havePrev = false
					continue
				}
				if havePrev && !near(v, prev, 1e-9) {
					t.Errorf("step %d (%s) = %v at %v, the step before %v", s.N, s.Rule, v, env, prev)
				}
				prev, havePrev = v, true
			}
		}
	}
}

// stepValue is the value of a step's result at env: its Gives, or else
// the rule written out, with the step's own names bound.
func stepValue(s DerivationStep, env map[string]float64) (float64, bool) {
	e := map[string]float64{}
	for k, v := range env {
		e[k] = v
	}
	for _, l := range s.Let {
		if parseableName(l.Name.Text) {
			v, err := l.Expr.Eval(e)
			if err != nil {
				return 0, false
			}
			e[l.Name.Text] = v
		}
	}
	var x Expr
	switch {
	case s.Gives.n != nil:
		x = s.Gives
	case s.Applied != nil:
		x = s.Applied.Expr()
	default:
		return 0, false
	}
	v, err := x.Eval(e)
	return v, err == nil
}

var nameRE = regexp.MustCompile(`^\pL[\pL\pN_]*$`)

func parseableName(s string) bool { return nameRE.MatchString(s) }

// near reports whether a and b agree to tol relatively.
func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// checkNumbering checks that the steps of d and its parts are numbered
// 1, 2, … in reading order and refer only to earlier steps.
func checkNumbering(t *testing.T, d *Derivation) {
	t.Helper()
	n := 0
	var walk func(d *Derivation)
	walk = func(d *Derivation) {
		for _, p := range d.Parts {
			walk(p)
		}
		for _, s := range d.Steps {
			n++
			if s.N != n {
				t.Errorf("step %d is numbered %d", n, s.N)
			}
			if s.Ref >= s.N {
				t.Errorf("step %d refers to step %d", s.N, s.Ref)
			}
			for _, u := range s.Uses {
				if u.Step >= s.N {
					t.Errorf("step %d uses step %d", s.N, u.Step)
				}
			}
		}
	}
	walk(d)
}

// TestStepsProperties checks, on random expressions, that every
// derivation ends in the differentiator's result and that every step is a
// true equation: its rule written out, its result and the derivative of
// its subexpression agree at random points, and a rewrite of the whole
// keeps the value of the step before.
func TestStepsProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genExpr(3).Draw(t, "f")
		t.Logf("f = %s", f)
		want, err := Diff(f, "x", 1)
		if err = present(err); err != nil {
			t.Skip("no derivative: ", err)
		}
		d, err := DeriveSteps(f, nil, "x")
		if err = present(err); err != nil {
			t.Fatalf("DeriveSteps(%s): %v", f, err)
		}
		last := d.Steps[len(d.Steps)-1]
		if !last.Gives.Equal(want) || !d.Result.Equal(want) {
			t.Fatalf("the last step of %s gives %s, Diff gives %s", f, last.Gives, want)
		}
		env := map[string]float64{"x": point(t, "x"), "y": point(t, "y")}
		if !wellConditioned(want, env) {
			t.Skip("ill-conditioned here")
		}
		var prev float64
		havePrev := false
		for i, s := range d.Steps {
			if s.N != i+1 || s.Ref >= s.N {
				t.Fatalf("step %d numbered %d, Ref %d", i+1, s.N, s.Ref)
			}
			g, err := s.Gives.Eval(env)
			if err != nil || math.IsInf(g, 0) || math.IsNaN(g) {
				havePrev = false
				continue // outside the domain here
			}
			if s.Applied != nil {
				a, err := s.Applied.Expr().Eval(env)
				if err == nil && !near(a, g, 1e-9*formScale(s.Applied, env)) {
					t.Fatalf("step %d of %s: %s = %v, but %s = %v at %v", s.N, f, s.Applied.text(), a, s.Gives, g, env)
				}
			}
			for _, u := range s.Uses {
				if u.Step > 0 && !u.Deriv.Equal(d.Steps[u.Step-1].Gives) {
					t.Fatalf("step %d of %s uses %s = %s from step %d, which gives %s", s.N, f, u.Name, u.Deriv, u.Step, d.Steps[u.Step-1].Gives)
				}
			}
			if s.On.n != nil {
				w, err := Diff(s.On, "x", 1)
				if err = present(err); err != nil {
					t.Fatal(err)
				}
				if v, err := w.Eval(env); err == nil && wellConditioned(w, env) && !near(v, g, 1e-9) {
					t.Fatalf("step %d of %s: d/dx %s = %v, the step gives %s = %v at %v", s.N, f, s.On, v, s.Gives, g, env)
				}
			} else if havePrev && !near(g, prev, 1e-9) {
				t.Fatalf("step %d of %s: %s = %v, the step before gives %v at %v", s.N, f, s.Gives, g, prev, env)
			}
			prev, havePrev = g, true
		}
	})
}

// wellConditioned reports whether e's value at env moves by less than
// 1e-11 relatively when the point moves by 1e-13: elsewhere rounding
// alone separates equal forms.
func wellConditioned(e Expr, env map[string]float64) bool {
	v, err := e.Eval(env)
	if err != nil {
		return false
	}
	nearby := map[string]float64{"x": env["x"] * (1 + 1e-13), "y": env["y"] * (1 - 1e-13)}
	w, err := e.Eval(nearby)
	return err == nil && near(v, w, 1e-11)
}

// formScale is the size of the terms of a form at env, relative to its
// value: sums that cancel lose that much precision.
func formScale(f *Form, env map[string]float64) float64 {
	total := 0.0
	for _, t := range f.Terms {
		p := 1.0
		for _, x := range t.Factors {
			v, err := x.Eval(env)
			if err != nil {
				return 1
			}
			p *= v
		}
		total += math.Abs(p)
	}
	v, err := f.Expr().Eval(env)
	if err != nil || v == 0 || math.IsInf(total, 0) {
		return 1
	}
	if f.Scale.n != nil {
		if c, err := f.Scale.Eval(env); err == nil {
			total *= math.Abs(c)
		}
	}
	if f.Over.n != nil {
		if c, err := f.Over.Eval(env); err == nil && c != 0 {
			total /= math.Abs(c)
		}
	}
	return math.Max(1, total/math.Abs(v))
}

// TestStepsLaTeX checks that the LaTeX of derivations of every kind is
// balanced, braces, \left and \right, \begin and \end, and uses only
// commands of LaTeX and amsmath.
func TestStepsLaTeX(t *testing.T) {
	var ds []*Derivation
	add := func(d *Derivation, err error) {
		t.Helper()
		if err = present(err); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	for _, src := range []string{"sin(2x+1)", "(sin(x^4))^5", "x^3 sin(x)", "x/(x+1)", "x^x", "θ^2 exp(θ)", "abs(x) + sqrt(x)"} {
		f := MustParse(src)
		add(DeriveSteps(f, nil, f.Vars()[0]))
	}
	add(DeriveSteps(MustParse("x^2 y + x y^3"), nil))
	add(DeriveSteps(MustParse("[x y, x + y]"), nil))
	add(ChainSteps("x1^2 x2 + 3x1 + 6x2 where x1 = sin(t), x2 = exp(2t)", nil, "t"))
	add(ChainSteps("||e||^2 where e = y - Φ θ", &ParseOptions{Vectors: []string{"y", "θ", "e"}, Matrices: []string{"Φ"}}, "θ"))
	decl := &ParseOptions{Vectors: []string{"a", "b", "x"}, Matrices: []string{"A", "X"}}
	for _, c := range [][2]string{{"a' X b", "X"}, {"A x", "A"}, {"x' A x", "x"}, {"logdet(X)", "X"}, {"inv(X)", "X"}, {"norm(x)", "x"}} {
		f, err := ParseWith(c[0], decl)
		if err != nil {
			t.Fatal(err)
		}
		add(MatrixSteps(f, c[1]))
	}
	for _, src := range []string{"x^3", "1/x", "log(x)", "x^2 + sin(x)"} {
		add(LimitSteps(MustParse(src), "x"))
	}
	for _, d := range ds {
		for _, out := range []string{d.LaTeX(), d.Markdown()} {
			if err := checkTeX(out); err != nil {
				t.Errorf("%s: %v\n%s", d.Title.Text, err, out)
			}
		}
	}
}

// texCommands are the commands LaTeX and amsmath define that derivations
// may use.
var texCommands = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`begin end text frac left right cdot qquad quad colon sum lim to nabla in
		mathbf mathrm times top operatorname partial delta Rightarrow lVert rVert vdots cdots dots binom sqrt
		sin cos tan sec csc cot arcsin arccos arctan sinh cosh tanh coth exp log det max min
		odot oslash circ sigma psi Gamma
		alpha beta gamma epsilon zeta eta theta iota kappa lambda mu nu xi pi rho tau upsilon phi chi omega
		Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega`) {
		texCommands[c] = true
	}
}

var texCommand = regexp.MustCompile(`\\([A-Za-z]+|.)`)

// checkTeX reports unbalanced braces, \left and \right, \begin and \end,
// and commands outside texCommands.
func checkTeX(s string) error {
	depth := 0
	var envs []string
	lefts := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			m := texCommand.FindStringSubmatch(s[i:])
			name := m[1]
			switch {
			case len(name) == 1:
				// \\, \, \  \{ \} \! and the like: symbols, not commands.
				if !strings.Contains(`\, {}!;:|`, name) {
					return errors.New("unknown symbol \\" + name)
				}
			case !texCommands[name]:
				return errors.New("command \\" + name + " is neither LaTeX's nor amsmath's")
			case name == "left":
				lefts++
			case name == "right":
				lefts--
				if lefts < 0 {
					return errors.New(`\right without \left`)
				}
			case name == "begin" || name == "end":
				rest := s[i+len(m[0]):]
				j := strings.IndexByte(rest, '}')
				if !strings.HasPrefix(rest, "{") || j < 0 {
					return errors.New("\\" + name + " without an environment")
				}
				env := rest[1:j]
				if name == "begin" {
					envs = append(envs, env)
				} else if len(envs) == 0 || envs[len(envs)-1] != env {
					return errors.New(`\end{` + env + `} does not close the last \begin`)
				} else {
					envs = envs[:len(envs)-1]
				}
			}
			i += len(m[0]) - 1
		case '{':
			depth++
		case '}':
			depth--
			if depth < 0 {
				return errors.New("} without {")
			}
		}
	}
	switch {
	case depth != 0:
		return errors.New("unbalanced braces")
	case lefts != 0:
		return errors.New(`unbalanced \left and \right`)
	case len(envs) != 0:
		return errors.New(`\begin{` + envs[0] + `} without \end`)
	}
	return nil
}

// TestStepsJSON checks that the JSON of a derivation parses back and
// holds its steps.
func TestStepsJSON(t *testing.T) {
	d, err := DeriveSteps(MustParse("sin(2x+1)"), nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Result string
		Steps  []struct {
			N    int
			Rule string
			Text string
		}
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Result != "2cos(2x + 1)" || len(back.Steps) != 3 || back.Steps[2].Rule != "chain rule" ||
		back.Steps[2].Text != "d/dx sin(2x + 1) = cos(2x + 1) · 2 = 2cos(2x + 1)" {
		t.Errorf("JSON %s", b)
	}
}

// TestDeriveStepsAbsent checks that a variable the expression does not
// have gives the constant rule and an *AbsentError, as Diff does.
func TestDeriveStepsAbsent(t *testing.T) {
	d, err := DeriveSteps(MustParse("sin(y)"), nil, "x")
	var absent *AbsentError
	if !errors.As(err, &absent) {
		t.Fatalf("error %v, want an AbsentError", err)
	}
	if len(d.Steps) != 1 || d.Steps[0].Rule != "constant rule" || !d.Result.n.IsZero() {
		t.Errorf("steps %v", d.Steps)
	}
}

func ExampleDeriveSteps() {
	d, err := DeriveSteps(MustParse("x^3 sin(x)"), nil, "x")
	if err != nil {
		panic(err)
	}
	for _, s := range d.Steps {
		fmt.Printf("%d. %s: %s\n", s.N, s.Rule, s.Formula)
	}
	fmt.Println(d.Result)
	// Output:
	// 1. power rule: (x^n)′ = n x^(n-1)
	// 2. trigonometric rule: (sin(x))′ = cos(x)
	// 3. product rule: (f g)′ = f′ g + f g′
	// x^3 cos(x) + 3x^2 sin(x)
}

func ExampleLimitSteps() {
	d, err := LimitSteps(MustParse("x^2"), "x")
	if err != nil {
		panic(err)
	}
	fmt.Print(d.Text())
	// Output:
	// d/dx x^2
	//
	// 1. definition: d/dx f = lim_(h→0) (f(x + h) - f(x))/h
	//    d/dx x^2 = lim_(h→0) ((h + x)^2 - x^2)/h
	// 2. binomial theorem: (a + b)^n = Σ_(i=0…n) C(n, i) a^(n-i) b^i
	//    let (h + x)^2 = h^2 + 2h x + x^2
	//    d/dx x^2 = lim_(h→0) (h^2 + 2h x + x^2 - x^2)/h
	// 3. cancel: the terms of f(x) cancel
	//    d/dx x^2 = lim_(h→0) (h^2 + 2h x)/h
	// 4. divide by h
	//    d/dx x^2 = lim_(h→0) (h + 2x)
	// 5. limit: h → 0: the terms with h vanish
	//    lim_(h→0) (h + 2x) = 2x
	//
	// d/dx x^2 = 2x
}

func ExampleMatrixSteps() {
	f, err := ParseWith("A x", &ParseOptions{Vectors: []string{"x"}, Matrices: []string{"A"}})
	if err != nil {
		panic(err)
	}
	d, err := MatrixSteps(f, "A")
	if err != nil {
		panic(err)
	}
	for _, s := range d.Steps {
		if s.Index != nil {
			fmt.Println(s.Left, "=", s.Index.Text())
		}
	}
	fmt.Println("df =", d.Result)
	// Output:
	// f_i = Σ_j A_ij x_j
	// ∂f_i/∂A_pq = Σ_j δ_ip δ_jq x_j
	// ∂f_i/∂A_pq = δ_ip x_q
	// df = dA x
}
