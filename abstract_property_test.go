package nabla

import (
	"errors"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/nabla-math/nabla/internal/expr"
)

// drawAbstract draws a random expression in x and y of bounded depth that
// applies the abstract functions f, of one argument, and g, of two, among
// sums, products, quotients, powers and elementary functions.
func drawAbstract(t *rapid.T, depth int) Expr {
	leaf := func() Expr {
		switch rapid.IntRange(0, 3).Draw(t, "leaf") {
		case 0:
			return Var("x")
		case 1:
			return Var("y")
		}
		return Int(int64(rapid.IntRange(-3, 3).Draw(t, "int")))
	}
	if depth == 0 {
		return leaf()
	}
	a := func() Expr { return drawAbstract(t, depth-1) }
	switch rapid.IntRange(0, 9).Draw(t, "kind") {
	case 0:
		return leaf()
	case 1:
		return Add(a(), a())
	case 2, 3:
		return Mul(a(), a())
	case 4:
		return Div(a(), Add(Int(2), Cos(a()))) // a denominator that is never 0
	case 5:
		return Pow(a(), Int(int64(rapid.IntRange(2, 3).Draw(t, "k"))))
	case 6:
		return rapid.SampledFrom([]func(Expr) Expr{Sin, Exp, Atan}).Draw(t, "fn")(a())
	case 7, 8:
		return Func("f", a())
	}
	return Func("g", a(), a())
}

// The concrete functions put in for f and g: smooth everywhere, with
// derivatives of every order that are not zero.
var (
	concreteF = MustParse("sin(s) + s^2/4")
	concreteG = MustParse("exp(s/3) cos(r) + s r^2")
)

// concrete puts the concrete functions in for the abstract ones of e: f
// and its derivatives f^(k)(u) by the k-th derivative of concreteF at u,
// g and its partial derivatives ∂^α g(u, v) by those of concreteG.
func concrete(t *rapid.T, e Expr) Expr {
	n := expr.Transform(e.n, func(m *expr.Node) *expr.Node {
		if m.Op() != expr.OpApply {
			return m
		}
		orders := m.Orders()
		if orders == nil {
			orders = make([]int, len(m.Args()))
		}
		fn, params := concreteF, []string{"s"}
		if m.Name() == "g" {
			fn, params = concreteG, []string{"s", "r"}
		}
		d := fn
		at := map[string]Expr{}
		for i, k := range orders {
			var err error
			if d, err = Diff(d, params[i], k); err != nil {
				t.Fatalf("the concrete derivative %s of order %d in %s: %v", fn, k, params[i], err)
			}
			at[params[i]] = Expr{n: m.Arg(i)}
		}
		return d.Subs(at).n
	})
	return Expr{n: n}
}

// TestAbstractDerivativesAgainstConcrete checks the derivatives of random
// expressions of abstract functions against those of the same expressions
// made concrete: differentiating, then putting concrete functions in for
// f and g (and their derivatives for f', ∂₁g, …), gives the derivative of
// the concrete expression, at random points. It checks too that the
// derivatives print to text that parses back.
func TestAbstractDerivativesAgainstConcrete(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := drawAbstract(t, 3)
		if e.Err() != nil {
			t.Skip("a division by zero")
		}
		wrt := rapid.SampledFrom([]string{"x", "y"}).Draw(t, "wrt")
		order := rapid.IntRange(1, 2).Draw(t, "order")
		d, err := Diff(e, wrt, order)
		if err = present(err); err != nil {
			t.Fatalf("Diff(%s, %s, %d): %v", e, wrt, order, err)
		}
		back, err := ParseWith(d.String(), &ParseOptions{Functions: []string{"f", "g"}})
		if err != nil || !back.Equal(d) {
			t.Fatalf("%s parsed back as %s (%v)", d, back, err)
		}
		want, err := Diff(concrete(t, e), wrt, order)
		if err = present(err); err != nil {
			t.Fatalf("Diff of the concrete %s: %v", concrete(t, e), err)
		}
		env := map[string]float64{"x": point(t, "x") / 2, "y": point(t, "y") / 2}
		got, err1 := concrete(t, d).Eval(env)
		w, err2 := want.Eval(env)
		if err1 != nil || err2 != nil || math.Abs(w) > 1e8 {
			t.Skip("outside the domain")
		}
		if math.Abs(got-w) > 1e-8*(1+math.Abs(w)) {
			t.Fatalf("d^%d/d%s^%d %s = %s, concrete %v at %v; the concrete expression's derivative %v", order, wrt, order, e, d, got, env, w)
		}
	})
}

// FuzzAbstractPipeline runs parse, differentiate, print and evaluate on
// arbitrary input with the abstract functions f and g declared: nothing
// may panic, printed derivatives parse back to themselves, and an
// expression that applies f or g has no value.
func FuzzAbstractPipeline(f *testing.F) {
	for _, s := range []string{
		"f(x) g(x, y)", "f(g(x, y))", "f'(x)^2", "f''''(x)", "f^(4)(x) + f^(0)(y)", "∂₁g(x, y)", "∂_12 g(x, y)",
		"g_21(x, y)", "2∂₂g(x, y) f(x)", "f(x)/g(x, x)", "sin(f(x y)) where x = t^2, y = t", "f(x) + f",
		"f'(x, y)", "∂₃g(x, y)", "∂", "∂_", "∂₁", "f^(", "f^(2)", "g_1 (x)", "f(f(f(x)))",
	} {
		f.Add(s)
	}
	opts := &ParseOptions{Functions: []string{"f", "g"}}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return
		}
		e, err := ParseWith(s, opts)
		if err != nil {
			return
		}
		for _, x := range e.Vars() {
			for order := 1; order <= 2; order++ {
				d, err := Diff(e, x, order)
				if err != nil || d.Nodes() > 2000 {
					continue
				}
				back, err := ParseWith(d.String(), opts)
				if err != nil || !back.Equal(d) {
					t.Fatalf("d/d%s of %q printed as %q, which parses back as %v (%v)", x, s, d, back, err)
				}
				_ = d.LaTeX()
			}
		}
		env := map[string]float64{}
		for _, v := range e.Vars() {
			env[v] = 0.7
		}
		_, err = e.Eval(env)
		var nv *NoValueError
		if abstract := expr.CheckValues(e.n) != nil; abstract != errors.As(err, &nv) {
			t.Fatalf("%q: evaluation gives %v", s, err)
		}
	})
}
