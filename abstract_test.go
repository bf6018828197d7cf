package nabla

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// parseFunctions parses src with the abstract functions fns declared.
func parseFunctions(t *testing.T, src string, fns ...string) Expr {
	t.Helper()
	e, err := ParseWith(src, &ParseOptions{Functions: fns})
	if err != nil {
		t.Fatalf("ParseWith(%q, functions %v): %v", src, fns, err)
	}
	return e
}

// TestAbstractRules freezes the rules of differentiation as abstract
// functions show them (MML §5.1.2 and §5.2): the product, quotient and
// chain rules, higher derivatives, and the multivariate chain rule, as
// text and LaTeX, and checks that the text parses back.
func TestAbstractRules(t *testing.T) {
	tests := []struct {
		name, src, wrt string
		order          int
		text, latex    string
	}{
		{"product rule", "f(x) g(x)", "x", 1, "f'(x) g(x) + f(x) g'(x)",
			`f'\left(x\right) g\left(x\right) + f\left(x\right) g'\left(x\right)`},
		{"product of three", "f(x) g(x) h(x)", "x", 1, "f'(x) g(x) h(x) + f(x) g'(x) h(x) + f(x) g(x) h'(x)", ""},
		{"quotient rule", "f(x)/g(x)", "x", 1, "f'(x)/g(x) - f(x) g'(x)/g(x)^2",
			`\frac{f'\left(x\right)}{g\left(x\right)} - \frac{f\left(x\right) g'\left(x\right)}{g\left(x\right)^{2}}`},
		{"reciprocal rule", "1/f(x)", "x", 1, "-f'(x)/f(x)^2", ""},
		{"chain rule", "f(g(x))", "x", 1, "f'(g(x)) g'(x)", `f'\left(g\left(x\right)\right) g'\left(x\right)`},
		{"chain of three", "f(g(h(x)))", "x", 1, "f'(g(h(x))) g'(h(x)) h'(x)", ""},
		{"inner function known", "f(x^2)", "x", 1, "2x f'(x^2)", ""},
		{"outer function known", "sin(f(x))", "x", 1, "cos(f(x)) f'(x)", ""},
		{"logarithmic derivative", "log(f(x))", "x", 1, "f'(x)/f(x)", ""},
		{"power rule", "f(x)^n", "x", 1, "n f(x)^(n - 1) f'(x)", ""},
		{"second derivative", "f(x)", "x", 2, "f''(x)", `f''\left(x\right)`},
		{"third derivative", "f(x)", "x", 3, "f'''(x)", `f'''\left(x\right)`},
		{"fourth derivative", "f(x)", "x", 4, "f^(4)(x)", `f^{(4)}\left(x\right)`},
		{"square twice", "f(x)^2", "x", 2, "2(f'(x)^2 + f(x) f''(x))", ""},
		{"Leibniz rule", "f(x) g(x)", "x", 3, "f'''(x) g(x) + 3f''(x) g'(x) + 3f'(x) g''(x) + f(x) g'''(x)", ""},
		{"chain rule twice", "f(g(x))", "x", 2, "f''(g(x)) g'(x)^2 + f'(g(x)) g''(x)", ""},
		{"exponential twice", "exp(f(x))", "x", 2, "exp(f(x)) (f''(x) + f'(x)^2)", ""},
		{"partial derivative", "f(x, y)", "x", 1, "∂₁f(x, y)", `\partial_{1} f\left(x, y\right)`},
		{"partial derivative in y", "f(x, y)", "y", 1, "∂₂f(x, y)", `\partial_{2} f\left(x, y\right)`},
		{"mixed partial", "∂₁f(x, y)", "y", 1, "∂₁₂f(x, y)", `\partial_{12} f\left(x, y\right)`},
		{"mixed partials commute", "∂₂f(x, y)", "x", 1, "∂₁₂f(x, y)", ""},
		{"second partial", "f(x, y)", "x", 2, "∂₁₁f(x, y)", ""},
		{"multivariate chain rule", "f(x(t), y(t))", "t", 1, "∂₁f(x(t), y(t)) x'(t) + ∂₂f(x(t), y(t)) y'(t)",
			`\partial_{1} f\left(x\left(t\right), y\left(t\right)\right) x'\left(t\right) + \partial_{2} f\left(x\left(t\right), y\left(t\right)\right) y'\left(t\right)`},
		{"chain rule through operands", "f(x y, x + y)", "x", 1, "y ∂₁f(x y, x + y) + ∂₂f(x y, x + y)", ""},
		{"inner functions by where", "f(x, y) where x = cos(t), y = sin(t)", "t", 1,
			"cos(t) ∂₂f(cos(t), sin(t)) - sin(t) ∂₁f(cos(t), sin(t))", ""},
		{"product with a variable", "x^2 f(x)", "x", 2, "x^2 f''(x) + 4x f'(x) + 2f(x)", ""},
	}
	fns := []string{"f", "g", "h", "x", "y"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			declared := fns
			if strings.Contains(tt.src, "where") || tt.wrt == "x" || tt.wrt == "y" {
				declared = fns[:3] // x and y are variables here
			}
			e := parseFunctions(t, tt.src, declared...)
			d, err := Diff(e, tt.wrt, tt.order)
			if err != nil {
				t.Fatalf("Diff(%s, %s, %d): %v", tt.src, tt.wrt, tt.order, err)
			}
			if got := d.String(); got != tt.text {
				t.Errorf("d^%d/d%s^%d %s = %s, want %s", tt.order, tt.wrt, tt.order, tt.src, got, tt.text)
			}
			if got := d.LaTeX(); tt.latex != "" && got != tt.latex {
				t.Errorf("LaTeX of d/d%s %s = %s, want %s", tt.wrt, tt.src, got, tt.latex)
			}
			back := parseFunctions(t, d.String(), declared...)
			if !back.Equal(d) {
				t.Errorf("%s parsed back as %s", d, back)
			}
		})
	}
}

// TestAbstractSpellings checks the ways of writing a derivative of an
// abstract function: each reads as the one expression printed.
func TestAbstractSpellings(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"f'(x)", "f'(x)"},
		{"f''(x)", "f''(x)"},
		{"f''''(x)", "f^(4)(x)"},
		{"f^(4)(x)", "f^(4)(x)"},
		{"f**(2)(x)", "f''(x)"},
		{"f^(0)(x)", "f(x)"},
		{"∂₁f(x)", "f'(x)"},
		{"∂₁₁f(x)", "f''(x)"},
		{"∂₂g(x, y)", "∂₂g(x, y)"},
		{"∂₂₁g(x, y)", "∂₁₂g(x, y)"},
		{"∂_12 g(x, y)", "∂₁₂g(x, y)"},
		{"∂_21g(x, y)", "∂₁₂g(x, y)"},
		{"g_1(x, y)", "∂₁g(x, y)"},
		{"g_221(x, y)", "∂₁₂₂g(x, y)"},
		{"2∂₁g(x, y) + x ∂₂g(x, y)", "x ∂₂g(x, y) + 2∂₁g(x, y)"},
		{"f(x)^2 f'(x)", "f(x)^2 f'(x)"},
		{"f (x) + g_1 (x + 1)", "g_1 (x + 1) + f(x)"}, // g_1 followed by a space is a variable
		{"f(2) + f'(1/2)", "f'(1/2) + f(2)"},
	}
	for _, tt := range tests {
		e := parseFunctions(t, tt.src, "f", "g")
		if got := e.String(); got != tt.want {
			t.Errorf("%s reads as %s, want %s", tt.src, got, tt.want)
		}
	}
}

// TestAbstractParseErrors checks what the parser refuses of abstract
// functions, with its message.
func TestAbstractParseErrors(t *testing.T) {
	tests := []struct {
		src, err string
	}{
		{"f + 1", "1:1: f is an abstract function: apply it to its arguments, as in f(x)"},
		{"f'", "1:1: f is an abstract function: apply it to its arguments, as in f(x)"},
		{"f()", "1:3: f needs arguments: f(x)"},
		{"g(x) + g(x, y)", "1:8: g takes 1 argument at 1:1 but 2 here: a function takes as many arguments wherever it is applied"},
		{"g'(x, y)", "1:2: g takes 2 arguments, so its derivatives are partial: write ∂₁g(…) (or g_1(…)) for the derivative in the first"},
		{"∂₃g(x, y)", "1:1: g has no argument 3: it takes 2 arguments"},
		{"∂₁f'(x)", "1:4: a partial derivative is marked once: write ∂₁f(…) or f'(…), not both"},
		{"∂₁h(x)", "1:3: ∂₁ applies to an abstract function, and h is not one: declare it (--function h)"},
		{"∂f/∂x", "1:1: write a partial derivative of an abstract function with the numbers of its arguments: ∂₁f(x, y), ∂₁₂f(x, y) or ∂_1 f(x, y)"},
		{"g(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)", "1:1: g has 10 arguments: an abstract function takes at most 9"},
		{"f(x) where f = 2", "1:12: f is an abstract function: a where clause defines variables, not functions"},
	}
	for _, tt := range tests {
		_, err := ParseWith(tt.src, &ParseOptions{Functions: []string{"f", "g"}})
		if err == nil || err.Error() != tt.err {
			t.Errorf("%s: error %v, want %s", tt.src, err, tt.err)
		}
	}
	vector := []struct {
		src, err string
	}{
		{"f(v)", "1:1: f needs scalar arguments, not vector v (m)"},
		{"f(v' v) + f(v)", "1:11: f needs scalar arguments, not vector v (m)"},
	}
	for _, tt := range vector {
		_, err := ParseWith(tt.src, &ParseOptions{Functions: []string{"f"}, Vectors: []string{"v"}})
		if err == nil || err.Error() != tt.err {
			t.Errorf("%s: error %v, want %s", tt.src, err, tt.err)
		}
	}
}

// TestAbstractDeclarations checks the declarations of abstract functions:
// a name is a function or a variable, and undeclared names keep their
// reading.
func TestAbstractDeclarations(t *testing.T) {
	tests := []struct {
		opts ParseOptions
		err  string
	}{
		{ParseOptions{Functions: []string{"sin"}}, "cannot declare sin a function: it is a built-in function"},
		{ParseOptions{Functions: []string{"2f"}}, `cannot declare "2f" a function: not a name`},
		{ParseOptions{Functions: []string{"e"}}, `cannot declare "e" a function: not a name`},
		{ParseOptions{Functions: []string{"f", "f"}}, "f is declared a function twice"},
		{ParseOptions{Functions: []string{"f"}, Vectors: []string{"f"}}, "f is declared both a function and a vector"},
		{ParseOptions{Functions: []string{"W"}, Symmetric: []string{"W"}}, "W is declared both a function and a symmetric matrix"},
		{ParseOptions{Functions: []string{"f"}, Shapes: map[string][]string{"f": nil}}, "f is declared both a function and a scalar"},
	}
	for _, tt := range tests {
		_, err := ParseWith("f(x)", &tt.opts)
		var de *DeclarationError
		if !errors.As(err, &de) || err.Error() != tt.err {
			t.Errorf("%+v: error %v, want the declaration error %s", tt.opts, err, tt.err)
		}
	}
	// The functions an expression applies, sorted.
	if got := parseFunctions(t, "g(x) + ∂₂h(f(x), y)", "f", "g", "h").Functions(); strings.Join(got, ",") != "f,g,h" {
		t.Errorf("Functions() = %v, want [f g h]", got)
	}
	if got := MustParse("sin(x)").Functions(); got != nil {
		t.Errorf("Functions() of sin(x) = %v, want none", got)
	}
	// Undeclared, f(x) is a product and foo(x) an unknown function.
	if e := MustParse("f(x)"); e.String() != "f x" {
		t.Errorf("f(x) undeclared reads as %s, want f x", e)
	}
	if _, err := Parse("foo(x)"); err == nil || !strings.Contains(err.Error(), "unknown function foo") {
		t.Errorf("foo(x) undeclared: error %v, want unknown function foo", err)
	}
	// Differentiating with respect to a function is an error.
	f := parseFunctions(t, "f(x)", "f")
	for _, wrt := range [][]string{{"f"}, {"x", "f"}} {
		_, err := Derive(context.Background(), f, wrt, nil)
		if err == nil || err.Error() != "cannot differentiate with respect to f: it is an abstract function, not a variable" {
			t.Errorf("d/d%v f(x): error %v, want the refusal", wrt, err)
		}
	}
}

// TestAbstractValues checks that every evaluator refuses an abstract
// function, whatever the point: it has no value.
func TestAbstractValues(t *testing.T) {
	const msg = "f is an abstract function: it has no value"
	e := parseFunctions(t, "sin(x) + f(x)^2", "f")
	d, err := e.Diff("x")
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error) {
		t.Helper()
		var nv *NoValueError
		if !errors.As(err, &nv) || err.Error() != msg {
			t.Errorf("%s: error %v, want %s", what, err, msg)
		}
	}
	for _, f := range []Expr{e, d, Func("f", Int(2))} {
		_, err := f.Eval(map[string]float64{"x": 1})
		check("Eval "+f.String(), err)
		_, err = f.EvalTensor(map[string]float64{"x": 1})
		check("EvalTensor "+f.String(), err)
		_, err = f.Value(map[string]Tensor{"x": {Data: []float64{1}}})
		check("Value "+f.String(), err)
		_, err = f.EvalComplex(map[string]complex128{"x": 1})
		check("EvalComplex "+f.String(), err)
		_, err = Compile(f, f.Vars()...)
		check("Compile "+f.String(), err)
	}
	// Taylor's coefficients are values too.
	_, err = Taylor(e, map[string]Expr{"x": Int(0)}, 2)
	var nv *NoValueError
	if !errors.As(err, &nv) {
		t.Errorf("Taylor of %s: error %v, want a *NoValueError", e, err)
	}
}
