package nabla

import (
	"slices"
	"strings"
	"testing"
)

// TestStepsFreshLetters checks that the generic letters of the rules'
// formulas and the names of their parts are letters the expression and
// the variable do not use, so that every formula is true as printed:
// with respect to a, (a^x)′ = a^x log(a) would state (a^a)′ = a^a log(a).
// Each step is written as its rule, formula and bindings.
func TestStepsFreshLetters(t *testing.T) {
	tests := []struct {
		src, wrt, functions string
		want                []string
	}{
		{"x^a", "a", "", []string{
			"exponential rule: (b^a)′ = b^a log(b)",
		}},
		{"n^x", "n", "", []string{
			"power rule: (n^k)′ = k n^(k-1)",
		}},
		{"f(u^2)", "u", "f", []string{
			"power rule: (u^n)′ = n u^(n-1)",
			"chain rule: (f(p))′ = ∂f/∂p · p′ | let p = u^2",
		}},
		{"huber(u^2, v)", "u", "", []string{
			"power rule: (u^n)′ = n u^(n-1)",
			"chain rule: (f(p, q))′ = ∂f/∂p · p′ + ∂f/∂q · q′ | let p = u^2, q = v",
		}},
		{"max(u, v^2)", "v", "", []string{
			"power rule: (v^n)′ = n v^(n-1)",
			"chain rule: (f(p, q))′ = ∂f/∂p · p′ + ∂f/∂q · q′ | let p = u, q = v^2",
		}},
		{"c^3 x", "x", "", []string{
			"constant multiple rule: (k f)′ = k f′ | let k = c^3, f = x",
		}},
		{"f sin(f)", "f", "", []string{
			"trigonometric rule: (sin(f))′ = cos(f)",
			"product rule: (p q)′ = p′ q + p q′ | let p = f, q = sin(f)",
		}},
		{"sin(g^2)", "g", "", []string{
			"power rule: (g^n)′ = n g^(n-1)",
			"chain rule: (p(q(g)))′ = p′(q(g)) · q′(g) | let p(u) = sin(u), q(g) = g^2",
		}},
		{"y", "c", "", []string{
			"constant rule: (k)′ = 0",
		}},
		{"sin(cos(f^2))", "f", "", []string{
			"power rule: (f^n)′ = n f^(n-1)",
			"chain rule: (r(p(q(f))))′ = r′(p(q(f))) · p′(q(f)) · q′(f) | let r(u) = sin(u), p(u) = cos(u), q(f) = f^2",
		}},
		{"f/(f+g)", "f", "", []string{
			"sum rule: (p + q)′ = p′ + q′",
			"quotient rule: (p/q)′ = (p′ q - p q′)/q^2 | let p = f, q = f + g",
			"simplify: ",
		}},
		{"c x/(x+1)", "x", "", []string{
			"sum rule: (f + g)′ = f′ + g′",
			"quotient rule: (k f/g)′ = k (f′ g - f g′)/g^2 | let k = c, f = x, g = x + 1",
			"simplify: ",
		}},
		{"f^f", "f", "", []string{
			"general power rule: (p^q)′ = (exp(q log(p)))′ = p^q (q′ log(p) + q p′/p) | let p = f, q = f",
		}},
		{"i x sin(x) exp(x) cos(x)", "x", "", []string{
			"trigonometric rule: (sin(x))′ = cos(x)",
			"trigonometric rule: (cos(x))′ = -sin(x)",
			"exponential rule: (exp(x))′ = exp(x)",
			"product rule: (c f1 ⋯ f4)′ = c (Σⱼ f1 ⋯ fⱼ′ ⋯ f4) | let c = i, f1 = x, f2 = sin(x), f3 = cos(x), f4 = exp(x)",
		}},
		{"f1 x sin(x) exp(x) cos(x) p", "x", "", []string{
			"trigonometric rule: (sin(x))′ = cos(x)",
			"trigonometric rule: (cos(x))′ = -sin(x)",
			"exponential rule: (exp(x))′ = exp(x)",
			"product rule: (c p1 ⋯ p4)′ = c (Σᵢ p1 ⋯ pᵢ′ ⋯ p4) | let c = f1 p, p1 = x, p2 = sin(x), p3 = cos(x), p4 = exp(x)",
		}},
		{"f + sin(f)", "f", "", []string{
			"trigonometric rule: (sin(f))′ = cos(f)",
			"sum rule: (p + q)′ = p′ + q′",
		}},
		// Where no name clashes, the notes' letters.
		{"x^3 sin(x)", "x", "", []string{
			"power rule: (x^n)′ = n x^(n-1)",
			"trigonometric rule: (sin(x))′ = cos(x)",
			"product rule: (f g)′ = f′ g + f g′ | let f = x^3, g = sin(x)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.src+" wrt "+tt.wrt, func(t *testing.T) {
			opts := &ParseOptions{}
			if tt.functions != "" {
				opts.Functions = []string{tt.functions}
			}
			e, err := ParseWith(tt.src, opts)
			if err != nil {
				t.Fatal(err)
			}
			d, err := DeriveSteps(e, nil, tt.wrt)
			if err = present(err); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range d.Steps {
				line := s.Rule + ": " + s.Formula.Text
				var lets []string
				for _, b := range s.Let {
					lets = append(lets, b.Name.Text+" = "+b.Expr.String())
				}
				if len(lets) > 0 {
					line += " | let " + strings.Join(lets, ", ")
				}
				got = append(got, line)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestStepsFunctionName checks that the function of a gradient, a
// Jacobian and a chain rule is named by a letter that is not a variable.
func TestStepsFunctionName(t *testing.T) {
	tests := []struct {
		src, wrt string
		title    string
	}{
		{"f^2 + x", "f,x", "∇g for g = f^2 + x"},
		{"x^2 y", "x,y", "∇f for f = x^2 y"},
		{"[f^2, x]", "f,x", "J = dg/d(f, x) for g = [f^2, x]"},
		{"[x, f1]", "x,f1", "J = dg/d(x, f1) for g = [x, f1]"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			d, err := DeriveSteps(MustParse(tt.src), nil, strings.Split(tt.wrt, ",")...)
			if err != nil {
				t.Fatal(err)
			}
			if d.Title.Text != tt.title {
				t.Errorf("title %s, want %s", d.Title.Text, tt.title)
			}
		})
	}
	d, err := ChainSteps("f where f = x^2", nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Title.Text, "dg/dx for g = f where f = x^2"; got != want {
		t.Errorf("title %s, want %s", got, want)
	}
	if got, want := d.Steps[0].Formula.Text, "dg/dx = ∂g/∂f · ∂f/∂x"; got != want {
		t.Errorf("formula %s, want %s", got, want)
	}
}

// TestStepsRuleNames checks that each step is named by the rule whose
// formula it states: a factor whose derivative is 0 but which varies, as
// sign(x), makes a product of two varying factors and the product rule;
// in components, the note of the product rule comes only where a term has
// the variable more than once.
func TestStepsRuleNames(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"sign(x) x^2", []string{"power rule", "sign rule", "product rule: (f g)′ = f′ g + f g′"}},
		{"x step(x)", []string{"step rule", "product rule: (f g)′ = f′ g + f g′"}},
		{"3 step(x)", []string{"step rule", "constant multiple rule: (c f)′ = c f′"}},
		{"3x", []string{"constant multiple rule: (c f)′ = c f′"}},
		{"x sin(x)", []string{"trigonometric rule", "product rule: (f g)′ = f′ g + f g′"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			d, err := DeriveSteps(MustParse(tt.src), nil, "x")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range d.Steps {
				if s.Rule == "simplify" {
					continue
				}
				r := s.Rule
				if strings.Contains(s.Rule, "product") || strings.Contains(s.Rule, "constant multiple") {
					r += ": " + s.Formula.Text
				}
				got = append(got, r)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("rules %q, want %q", got, tt.want)
			}
		})
	}
	notes := []struct {
		src  string
		want string // the note of the step that differentiates
	}{
		{"a' x + b' x", ""},
		{"x' B x", "product rule: one term for each x in the product"},
		{"a' x + x' B x", "product rule: one term for each x in the product"},
	}
	for _, tt := range notes {
		t.Run(tt.src, func(t *testing.T) {
			f, err := ParseWith(tt.src, &ParseOptions{Vectors: []string{"a", "b", "x"}, Matrices: []string{"B"}})
			if err != nil {
				t.Fatal(err)
			}
			d, err := MatrixSteps(f, "x")
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range append([]*Derivation{d}, d.Parts...) {
				for _, s := range p.Steps {
					if s.Rule == "differentiate" {
						found = true
						if s.Note.Text != tt.want {
							t.Errorf("note %q, want %q", s.Note.Text, tt.want)
						}
					}
				}
			}
			if !found {
				t.Error("no step differentiates")
			}
		})
	}
}

// TestStepsPartialOperator checks that a derivative is written ∂/∂x
// wherever it is a partial one: with other variables held constant, from
// first principles too, and as an entry of a gradient, even where f has
// no other variable; and that a variable named twice is refused.
func TestStepsPartialOperator(t *testing.T) {
	d, err := LimitSteps(MustParse("x^2 y"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Title.Text, "∂/∂x (x^2 y)"; got != want {
		t.Errorf("title %s, want %s", got, want)
	}
	if got, want := d.Steps[0].Formula.Text, "∂/∂x f = lim_(h→0) (f(x + h) - f(x))/h"; got != want {
		t.Errorf("definition %s, want %s", got, want)
	}
	d, err = LimitSteps(MustParse("x^2"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Title.Text, "d/dx x^2"; got != want {
		t.Errorf("title %s, want %s", got, want)
	}
	d, err = DeriveSteps(MustParse("x^2"), nil, "x", "z")
	if err = present(err); err != nil {
		t.Fatal(err)
	}
	var lefts []string
	for _, p := range d.Parts {
		lefts = append(lefts, p.Steps[len(p.Steps)-1].Left.Text)
	}
	if want := []string{"∂/∂x x^2", "∂/∂z x^2"}; !slices.Equal(lefts, want) {
		t.Errorf("sections %q, want %q", lefts, want)
	}
	for _, src := range []string{"x^2", "[x, x^2]"} {
		if _, err := DeriveSteps(MustParse(src), nil, "x", "x"); err == nil || err.Error() != "x is named twice" {
			t.Errorf("%s with respect to x, x: error %v, want x is named twice", src, err)
		}
	}
}
