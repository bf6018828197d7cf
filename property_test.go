package nabla

import (
	"errors"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/nabla-math/nabla/internal/expr"
)

// genExpr generates random expressions in x and y of bounded depth, using
// every operation of the language. A division by zero, which the builders
// refuse, is left out, and so is a function at a pole (tan(π/2)), which
// is one.
func genExpr(depth int) *rapid.Generator[Expr] {
	return rapid.Custom(func(t *rapid.T) Expr {
		e := drawExpr(t, depth)
		if e.Err() != nil || expr.Undefined(e.n) {
			return Var("x")
		}
		return e
	})
}

// drawExpr draws the expression genExpr generates, perhaps invalid.
func drawExpr(t *rapid.T, depth int) Expr {
	leaf := func() Expr {
		switch rapid.IntRange(0, 5).Draw(t, "leaf") {
		case 0, 1:
			return Var("x")
		case 2:
			return Var("y")
		case 3:
			return Int(int64(rapid.IntRange(-5, 5).Draw(t, "int")))
		case 4:
			return Rational(int64(rapid.IntRange(-5, 5).Draw(t, "p")), int64(rapid.IntRange(1, 4).Draw(t, "q")))
		}
		return Pi()
	}
	if depth == 0 {
		return leaf()
	}
	sub := genExpr(depth - 1)
	a := func(name string) Expr { return sub.Draw(t, name) }
	switch rapid.IntRange(0, 10).Draw(t, "kind") {
	case 0:
		return leaf()
	case 1:
		return Add(a("a"), a("b"))
	case 2:
		return Sub(a("a"), a("b"))
	case 3:
		return Mul(a("a"), a("b"))
	case 4:
		return Div(a("a"), a("b"))
	case 5:
		return Pow(a("a"), Int(int64(rapid.IntRange(-3, 4).Draw(t, "k"))))
	case 6:
		return Pow(a("a"), a("b")) // symbolic exponents
	case 7:
		return Neg(a("a"))
	case 8:
		fns := binaryFunctions()
		return fns[rapid.IntRange(0, len(fns)-1).Draw(t, "fn2")](a("a"), a("b"))
	}
	fns := scalarFunctions()
	return fns[rapid.IntRange(0, len(fns)-1).Draw(t, "fn")](a("a"))
}

// scalarFunctions returns every function of one scalar that the language
// has: the element-wise functions of the operation table and the derived
// ones. A function added to the table is drawn by the property tests the
// day it is added.
func scalarFunctions() []func(Expr) Expr {
	var fns []func(Expr) Expr
	for i := range expr.Ops {
		op := expr.Op(i)
		if info := &expr.Ops[op]; info.Class == expr.Function && info.Elementwise && info.Arity == 1 {
			fns = append(fns, func(a Expr) Expr { return Expr{n: expr.Call(op, a.n)} })
		}
	}
	for _, f := range expr.Derived {
		if f.Elementwise && f.Arity == 1 {
			fns = append(fns, func(a Expr) Expr { return Expr{n: f.Build([]*expr.Node{a.n})} })
		}
	}
	return fns
}

// binaryFunctions returns every element-wise function of two scalars of
// the operation table (atan2, log to a base, max, min, huber, …), drawn
// by the property tests the day it is added. Operands outside a
// function's domain, as a negative δ of huber, are points the tests
// skip.
func binaryFunctions() []func(a, b Expr) Expr {
	var fns []func(a, b Expr) Expr
	for i := range expr.Ops {
		op := expr.Op(i)
		if info := &expr.Ops[op]; info.Class == expr.Function && info.Elementwise && info.Arity == 2 {
			fns = append(fns, func(a, b Expr) Expr {
				if info.Check != nil && info.Check([]*expr.Node{a.n, b.n}) != "" {
					return a // a constant parameter the parser refuses, as log(x, 0)
				}
				return Expr{n: expr.Apply(op, a.n, b.n)}
			})
		}
	}
	return fns
}

// point draws a coordinate in [-3, 3] on a grid offset from the special
// points 0, ±1 and the multiples of π, so that finite differences never
// straddle a singularity by accident.
func point(t *rapid.T, name string) float64 {
	return float64(rapid.IntRange(-300, 300).Draw(t, name))/100 + 0.0371
}

// centralDiff estimates df/dx at env by central differences with
// Richardson extrapolation; ok is false where f is not smooth enough near
// the point for the estimate to be trusted.
func centralDiff(f Expr, env map[string]float64, x string) (float64, bool) {
	at := func(v float64) (float64, bool) {
		e := map[string]float64{}
		for k, w := range env {
			e[k] = w
		}
		e[x] = v
		r, err := f.Eval(e)
		return r, err == nil
	}
	x0 := env[x]
	h := 1e-3 * math.Max(1, math.Abs(x0))
	est := func(h float64) (float64, bool) {
		a, ok1 := at(x0 + h)
		b, ok2 := at(x0 - h)
		return (a - b) / (2 * h), ok1 && ok2
	}
	d1, ok1 := est(h)
	d2, ok2 := est(h / 2)
	d4, ok4 := est(h / 4)
	if !ok1 || !ok2 || !ok4 {
		return 0, false
	}
	d := (4*d2 - d1) / 3
	dd := (4*d4 - d2) / 3
	if math.Abs(d-d2) > 1e-4*(1+math.Abs(d)) || math.Abs(d-dd) > 1e-6*(1+math.Abs(d)) {
		return 0, false
	}
	return dd, true
}

// checkAgainstFD checks that d is the derivative of f with respect to x
// at x = x0 (other variables 0.7).
func checkAgainstFD(t *testing.T, f, d Expr, x string, x0 float64) {
	t.Helper()
	env := map[string]float64{"y": 0.7, x: x0}
	want, ok := centralDiff(f, env, x)
	if !ok {
		t.Fatalf("finite differences of %s unreliable at %s = %v", f, x, x0)
	}
	got, err := d.Eval(env)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
		t.Errorf("d/d%s %s at %v = %v, finite differences give %v", x, f, x0, got, want)
	}
}

// TestDerivativesAgainstFiniteDifferences checks every derivative of
// random expressions against central finite differences at random points
// where both are defined.
func TestDerivativesAgainstFiniteDifferences(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genExpr(4).Draw(t, "f")
		wrt := rapid.SampledFrom([]string{"x", "y"}).Draw(t, "wrt")
		env := map[string]float64{"x": point(t, "x"), "y": point(t, "y")}
		fx, err := f.Eval(env)
		if err != nil || math.Abs(fx) > 1e6 {
			t.Skip("outside the domain")
		}
		d, err := f.Diff(wrt)
		if refusedOverReals(f, err) {
			t.Skip("no derivative over the reals")
		}
		if err = present(err); err != nil {
			t.Fatalf("Diff(%s): %v", f, err)
		}
		want, ok := centralDiff(f, env, wrt)
		if !ok {
			t.Skip("not smooth here")
		}
		got, err := d.Eval(env)
		if err != nil {
			// The function is smooth here, so its derivative must be
			// defined, unless floating point under- or overflows inside it.
			if !underflow(err, env) && !negativeBasePower(err) {
				t.Fatalf("d/d%s %s = %s: %v at %v (finite differences give %v)", wrt, f, d, err, env, want)
			}
			return
		}
		if math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
			if absorbed(f, env, wrt) {
				t.Skip("the variable is lost to rounding, as in x + 1/sin(pi)")
			}
			t.Fatalf("d/d%s %s = %s = %v at %v, finite differences give %v", wrt, f, d, got, env, want)
		}
	})
}

// absorbed reports whether f does not change at all, in floating point,
// when the variable moves by 1%: a huge constant has swallowed it.
func absorbed(f Expr, env map[string]float64, x string) bool {
	e := map[string]float64{}
	for k, v := range env {
		e[k] = v
	}
	v0, err0 := f.Eval(e)
	e[x] = env[x] * 1.01
	v1, err1 := f.Eval(e)
	return err0 == nil && err1 == nil && v0 == v1
}

// underflow reports whether the domain error err comes from an operand
// that under- or overflowed to 0 or ±Inf in floating point.
func underflow(err error, env map[string]float64) bool {
	var de *DomainError
	if !errors.As(err, &de) {
		return false
	}
	for _, a := range de.Node.Args() {
		v, err := (Expr{n: a}).Eval(env)
		if err != nil || v == 0 || math.Abs(v) > 1e300 {
			return true
		}
	}
	return de.Msg == "overflow"
}

// negativeBasePower reports whether err is the log of a negative number,
// which comes from differentiating b^e with a negative base: such a power
// is defined only where e is an integer, which floating point also grants
// to any huge e, and so looks smooth to finite differences.
func negativeBasePower(err error) bool {
	var de *DomainError
	return errors.As(err, &de) && de.Node.Op() == expr.OpLog
}

// refusedOverReals reports whether err refuses the derivative of f for a
// power of a negative constant, such as (-1)^x, which has none over the
// reals, and f has such a power.
func refusedOverReals(f Expr, err error) bool {
	var real *NoRealDerivativeError
	return errors.As(err, &real) && expr.Find(f.n, noRealDerivative) != nil
}

// present drops the *AbsentError of a derivative with respect to a
// variable the expression does not have: the derivative beside it, zero
// in that variable, is still right.
func present(err error) error {
	var absent *AbsentError
	if errors.As(err, &absent) {
		return nil
	}
	return err
}

// TestSimplifyKeepsValues checks that simplification and printing never
// change a value where the expression is defined.
func TestSimplifyKeepsValues(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genExpr(4).Draw(t, "f")
		env := map[string]float64{"x": point(t, "x"), "y": point(t, "y")}
		want, err := f.Eval(env)
		if err != nil {
			t.Skip("outside the domain")
		}
		// Skip points where rounding alone moves the value.
		near := map[string]float64{"x": env["x"] * (1 + 1e-13), "y": env["y"] * (1 - 1e-13)}
		if v, err := f.Eval(near); err != nil || math.Abs(v-want) > 1e-10*(1+math.Abs(want)) {
			t.Skip("ill-conditioned here")
		}
		forms := map[string]Expr{"simplified": f.Simplify()}
		if e := f.Expand(); e.Size() < 200 {
			// Larger expansions lose precision to cancellation.
			forms["expanded"] = e
		}
		for name, g := range forms {
			got, err := g.Eval(env)
			if err != nil {
				t.Fatalf("%s %s = %s: %v at %v, but %s = %v", name, f, g, err, env, f, want)
			}
			if math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
				t.Fatalf("%s %s = %s = %v at %v, want %v", name, f, g, got, env, want)
			}
		}
	})
}

// TestPrintParseRoundTrip checks that printed text parses back to the same
// expression, for random expressions and their derivatives.
func TestPrintParseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genExpr(4).Draw(t, "f")
		d, err := f.Diff("x")
		if refusedOverReals(f, err) {
			t.Skip("no derivative over the reals")
		}
		if err = present(err); err != nil {
			t.Fatal(err)
		}
		for _, e := range []Expr{f, d, f.Simplify()} {
			back, err := Parse(e.String())
			if err != nil {
				t.Fatalf("Parse(%q): %v", e.String(), err)
			}
			if !back.Equal(e) {
				t.Fatalf("%q parsed back as %q", e.String(), back.String())
			}
		}
	})
}
