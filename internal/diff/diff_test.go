package diff

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
	"github.com/nabla-math/nabla/internal/simplify"
)

// shapes declares the vectors x, y, a, b and the matrices A, B, X as the
// root package's declare does: every size symbolic and named after its
// variable, for the parser to unify. Other names are scalars.
func shapes() *parse.Options {
	vec := func(v string) expr.Shape { return expr.NewShape(expr.Dim{Sym: "#" + v}) }
	mat := func(m string) expr.Shape {
		return expr.NewShape(expr.Dim{Sym: "#" + m + ".r"}, expr.Dim{Sym: "#" + m + ".c"})
	}
	return &parse.Options{Vars: map[string]expr.Shape{
		"x": vec("x"), "y": vec("y"), "a": vec("a"), "b": vec("b"),
		"A": mat("A"), "B": mat("B"), "X": mat("X"),
	}}
}

// mustParse reads src with opts (nil for scalars), failing the test on a
// parse error.
func mustParse(t testing.TB, src string, opts *parse.Options) *expr.Node {
	t.Helper()
	n, err := parse.Parse(src, opts)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return n
}

// variable returns the variable name of n, with the shape the parser
// resolved for it, failing the test when n does not use it.
func variable(t testing.TB, n *expr.Node, name string) *expr.Node {
	t.Helper()
	v := expr.Find(n, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == name })
	if v == nil {
		t.Fatalf("%s has no variable %s", format.Text(n), name)
	}
	return v
}

// text prints n simplified.
func text(n *expr.Node) string { return format.Text(simplify.Simplify(n)) }

// elementwiseFuncs returns the operations of the table that act on one
// scalar, entry by entry.
func elementwiseFuncs() []expr.Op {
	var ops []expr.Op
	for i := range expr.Ops {
		if info := &expr.Ops[i]; info.Class == expr.Function && info.Elementwise && info.Arity == 1 {
			ops = append(ops, expr.Op(i))
		}
	}
	return ops
}

// TestDiffFunctions differentiates every element-wise function of the
// table, at x and through the chain rule at 2x + 1. A function added to
// the table needs its derivatives here.
func TestDiffFunctions(t *testing.T) {
	tests := map[string]struct{ atX, chain string }{
		"sin":      {"cos(x)", "2cos(2x + 1)"},
		"cos":      {"-sin(x)", "-2sin(2x + 1)"},
		"tan":      {"1/cos(x)^2", "2/cos(2x + 1)^2"},
		"asin":     {"1/sqrt(1 - x^2)", "2/sqrt(1 - (2x + 1)^2)"},
		"acos":     {"-1/sqrt(1 - x^2)", "-2/sqrt(1 - (2x + 1)^2)"},
		"atan":     {"1/(x^2 + 1)", "2/((2x + 1)^2 + 1)"},
		"sinh":     {"cosh(x)", "2cosh(2x + 1)"},
		"cosh":     {"sinh(x)", "2sinh(2x + 1)"},
		"tanh":     {"1 - tanh(x)^2", "2(1 - tanh(2x + 1)^2)"},
		"exp":      {"exp(x)", "2exp(2x + 1)"},
		"log":      {"1/x", "2/(2x + 1)"},
		"abs":      {"sign(x)", "2sign(2x + 1)"},
		"sigmoid":  {"sigmoid(x) (1 - sigmoid(x))", "2sigmoid(2x + 1) (1 - sigmoid(2x + 1))"},
		"sign":     {"0", "0"},
		"sec":      {"tan(x) sec(x)", "2tan(2x + 1) sec(2x + 1)"},
		"csc":      {"-csc(x) cot(x)", "-2csc(2x + 1) cot(2x + 1)"},
		"cot":      {"-csc(x)^2", "-2csc(2x + 1)^2"},
		"asec":     {"1/(abs(x) sqrt(x^2 - 1))", "2/(abs(2x + 1) sqrt((2x + 1)^2 - 1))"},
		"acsc":     {"-1/(abs(x) sqrt(x^2 - 1))", "-2/(abs(2x + 1) sqrt((2x + 1)^2 - 1))"},
		"acot":     {"-1/(x^2 + 1)", "-2/((2x + 1)^2 + 1)"},
		"sech":     {"-tanh(x) sech(x)", "-2tanh(2x + 1) sech(2x + 1)"},
		"csch":     {"-csch(x) coth(x)", "-2csch(2x + 1) coth(2x + 1)"},
		"coth":     {"-csch(x)^2", "-2csch(2x + 1)^2"},
		"asinh":    {"1/sqrt(x^2 + 1)", "2/sqrt((2x + 1)^2 + 1)"},
		"acosh":    {"1/sqrt(x^2 - 1)", "2/sqrt((2x + 1)^2 - 1)"},
		"atanh":    {"1/(1 - x^2)", "2/(1 - (2x + 1)^2)"},
		"log2":     {"1/(x log(2))", "2/(log(2) (2x + 1))"},
		"log10":    {"1/(x log(10))", "2/(log(10) (2x + 1))"},
		"cbrt":     {"1/(3cbrt(x)^2)", "2/(3cbrt(2x + 1)^2)"},
		"erf":      {"2exp(-x^2)/sqrt(pi)", "4exp(-(2x + 1)^2)/sqrt(pi)"},
		"erfc":     {"-2exp(-x^2)/sqrt(pi)", "-4exp(-(2x + 1)^2)/sqrt(pi)"},
		"gamma":    {"gamma(x) digamma(x)", "2gamma(2x + 1) digamma(2x + 1)"},
		"lgamma":   {"digamma(x)", "2digamma(2x + 1)"},
		"digamma":  {"trigamma(x)", "2trigamma(2x + 1)"},
		"trigamma": {"polygamma(2, x)", "2polygamma(2, 2x + 1)"},
		"sinc":     {"(cos(x) - sinc(x))/x", "2(cos(2x + 1) - sinc(2x + 1))/(2x + 1)"},
		"step":     {"0", "0"},
		"relu":     {"step(x)", "2step(2x + 1)"},
		"softplus": {"sigmoid(x)", "2sigmoid(2x + 1)"},
		"gelu": {"x exp(-x^2/2)/sqrt(2pi) + (erf(x/sqrt(2)) + 1)/2",
			"2(exp(-(2x + 1)^2/2) (2x + 1)/sqrt(2pi) + (erf((2x + 1)/sqrt(2)) + 1)/2)"},
		"silu": {"sigmoid(x) (x (1 - sigmoid(x)) + 1)", "2sigmoid(2x + 1) ((1 - sigmoid(2x + 1)) (2x + 1) + 1)"},
	}
	x := expr.NewSym("x", expr.Scalar)
	inner := mustParse(t, "2x + 1", nil)
	for _, op := range elementwiseFuncs() {
		name := expr.Ops[op].Name
		t.Run(name, func(t *testing.T) {
			want, ok := tests[name]
			if !ok {
				t.Fatalf("no expected derivative of %s", name)
			}
			for _, c := range []struct {
				n    *expr.Node
				want string
			}{
				{expr.Call(op, x), want.atX},
				{expr.Call(op, inner), want.chain},
			} {
				d, err := Diff(c.n, x, nil)
				if err != nil {
					t.Fatalf("Diff(%s): %v", format.Text(c.n), err)
				}
				if got := text(d); got != c.want {
					t.Errorf("d/dx %s = %s, want %s", format.Text(c.n), got, c.want)
				}
			}
		})
	}
}

// TestDiff differentiates sums, products, quotients, powers and their
// compositions with respect to x.
func TestDiff(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"3", "0"},
		{"y", "0"},
		{"pi", "0"},
		{"x", "1"},
		{"x + y + 1", "1"},
		{"3x - 2", "3"},
		{"pi x", "pi"},
		{"x y", "y"},
		{"x^3", "3x^2"},
		{"x^3 + 2x^2 - x", "3x^2 + 4x - 1"},
		{"x^(-1)", "-1/x^2"},
		{"1/x", "-1/x^2"},
		{"sqrt(x)", "1/(2sqrt(x))"},
		{"x^y", "x^(y - 1) y"},
		{"2^x", "2^x log(2)"},
		{"(-2)^y x", "(-2)^y"}, // (-2)^x has no derivative: TestNegativeBase
		{"e^x", "exp(x)"},
		{"x^x", "x^x (log(x) + 1)"},
		{"x^sin(x)", "x^sin(x) (sin(x)/x + cos(x) log(x))"},
		{"x sin(x)", "x cos(x) + sin(x)"},
		{"x y sin(x)", "x y cos(x) + y sin(x)"},
		{"x/(1 + x)", "1/(x + 1)^2"},
		{"exp(x^2)", "2x exp(x^2)"},
		{"log(sin(x))", "cos(x)/sin(x)"},
		{"sin(cos(x))", "-sin(x) cos(cos(x))"},
		{"sin(x)^2 + cos(x)^2", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			n := mustParse(t, tt.src, nil)
			x := expr.NewSym("x", expr.Scalar)
			d, err := Diff(n, x, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := text(d); got != tt.want {
				t.Errorf("d/dx %s = %s, want %s", tt.src, got, tt.want)
			}
		})
	}
}

// TestDiffRecord checks the rules Diff reports, operands before the
// nodes that use them.
func TestDiffRecord(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"sin(2x + 1)", []string{"constant multiple rule", "sum rule", "chain rule"}},
		{"x sin(x)", []string{"chain rule", "product rule"}},
		{"x y", []string{"constant multiple rule"}},
		{"x^3", []string{"power rule"}},
		{"2^x", []string{"exponential rule"}},
		{"x^x", []string{"general power rule"}},
		{"exp(x^2)", []string{"power rule", "chain rule"}},
		{"y", nil},
		{"sin(y) + x", []string{"sum rule"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			n := mustParse(t, tt.src, nil)
			var steps []Step
			d, err := Diff(n, expr.NewSym("x", expr.Scalar), &Options{Record: func(s Step) { steps = append(steps, s) }})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range steps {
				got = append(got, s.Rule)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("rules of d/dx %s = %q, want %q", tt.src, got, tt.want)
			}
			// The last step is the whole expression and its derivative.
			if len(steps) > 0 {
				last := steps[len(steps)-1]
				if last.Node != n || !expr.Equal(last.Result, d) {
					t.Errorf("last step %s => %s, want %s => %s",
						format.Text(last.Node), format.Text(last.Result), tt.src, format.Text(d))
				}
			}
		})
	}

	// The steps of sin(2x + 1) in full.
	n := mustParse(t, "sin(2x + 1)", nil)
	var got []string
	if _, err := Diff(n, variable(t, n, "x"), &Options{Record: func(s Step) {
		got = append(got, s.Rule+": "+format.Text(s.Node)+" => "+format.Text(s.Result))
	}}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"constant multiple rule: 2x => 2",
		"sum rule: 2x + 1 => 2",
		"chain rule: sin(2x + 1) => 2cos(2x + 1)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("steps = %q, want %q", got, want)
	}
}

// TestDiffTooLarge checks that a derivative over the node budget is
// ErrTooLarge, not a result.
func TestDiffTooLarge(t *testing.T) {
	n := mustParse(t, "sin(cos(exp(x)))", nil)
	x := variable(t, n, "x")
	tests := []struct {
		maxNodes int
		wantErr  error
	}{
		{1, ErrTooLarge},
		{2, ErrTooLarge},
		{3, nil}, // one step per node of sin(cos(exp(x)))
		{0, nil}, // DefaultMaxNodes
	}
	for _, tt := range tests {
		d, err := Diff(n, x, &Options{MaxNodes: tt.maxNodes})
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("MaxNodes %d: err = %v, want %v", tt.maxNodes, err, tt.wantErr)
		}
		if (d == nil) != (tt.wantErr != nil) {
			t.Errorf("MaxNodes %d: derivative %v with err %v", tt.maxNodes, d, err)
		}
	}
	// A Differ stays usable after ErrTooLarge.
	df := NewDiffer(&Options{MaxNodes: 2})
	if _, err := df.Diff(n, x); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Differ with MaxNodes 2: err = %v, want ErrTooLarge", err)
	}
	if d, err := df.Diff(mustParse(t, "sin(x)", nil), x); err != nil || text(d) != "cos(x)" {
		t.Errorf("after ErrTooLarge: d/dx sin(x) = %v, %v, want cos(x)", d, err)
	}
}

// TestDiffNotAVariable checks that differentiating with respect to
// anything but a variable is an error.
func TestDiffNotAVariable(t *testing.T) {
	f := mustParse(t, "x^2 + y", nil)
	tests := []struct {
		wrt, want string
	}{
		{"2", "cannot differentiate with respect to number: not a variable"},
		{"pi", "cannot differentiate with respect to constant: not a variable"},
		{"x + y", "cannot differentiate with respect to +: not a variable"},
		{"x y", "cannot differentiate with respect to *: not a variable"},
		{"sin(x)", "cannot differentiate with respect to sin: not a variable"},
	}
	for _, tt := range tests {
		t.Run(tt.wrt, func(t *testing.T) {
			d, err := Diff(f, mustParse(t, tt.wrt, nil), nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Diff wrt %s = %v, %v, want error %q", tt.wrt, d, err, tt.want)
			}
		})
	}
}

// TestDiffSeed checks differentials: with the seed dV for the variable V,
// Diff gives the differential of the expression, linear in dV, of the
// expression's shape.
func TestDiffSeed(t *testing.T) {
	tests := []struct {
		src, wrt, want string
	}{
		{"A x", "A", "dA x"},
		{"A x", "x", "A dx"},
		{"A B", "A", "dA B"},
		{"A A", "A", "A dA + dA A"},
		{"x' A x", "x", "dxᵀ A x + xᵀ A dx"},
		{"a' X b", "X", "aᵀ dX b"},
		{"A'", "A", "dAᵀ"},
		{"inv(A)", "A", "-inv(A) dA inv(A)"},
		{"det(A)", "A", "det(A) tr(inv(A) dA)"},
		{"logdet(A)", "A", "tr(inv(A) dA)"},
		{"tr(A)", "A", "tr(dA)"},
		{"tr(A B)", "A", "tr(dA B)"},
		{"norm(x)", "x", "sum(dx .* x)/norm(x)"},
		{"sum(x)", "x", "sum(dx)"},
		{"diag(x)", "x", "diag(dx)"},
		{"sin(x)", "x", "dx .* cos(x)"},
		{"sum(sin(x))", "x", "sum(dx .* cos(x))"},
		{"x' a", "x", "dxᵀ a"},
		{"[x' a, 1]", "x", "[dxᵀ a, 0]"},
		{"a' A b", "x", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.src+" by "+tt.wrt, func(t *testing.T) {
			n := mustParse(t, tt.src, shapes())
			v := expr.Find(n, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == tt.wrt })
			if v == nil {
				v = expr.NewSym(tt.wrt, expr.NewShape(expr.Dim{Sym: "p"}))
			}
			seed := expr.NewSym("d"+tt.wrt, v.Shape())
			d, err := Diff(n, v, &Options{Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			if got := text(d); got != tt.want {
				t.Errorf("d(%s) with seed d%s = %s, want %s", tt.src, tt.wrt, got, tt.want)
			}
			if d.Shape() != n.Shape() && !d.IsZero() {
				t.Errorf("d(%s) has shape %s, want %s", tt.src, d.Shape(), n.Shape())
			}
		})
	}
}

// TestDiffMatrixByScalar differentiates vectors and matrices with respect
// to a scalar, entry by entry.
func TestDiffMatrixByScalar(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"sin(t) x", "cos(t) x"},
		{"t^2 A + I", "2t A"},
		{"inv(t A)", "-inv(A)/t^2"},
		{"det(t A)", "det(t A) tr(I)/t"},
		{"exp(t x)", "x .* exp(t x)"},
		{"[[t, t^2], [1, 0]]", "[[1, 2t], [0, 0]]"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			n := mustParse(t, tt.src, shapes())
			d, err := Diff(n, variable(t, n, "t"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := text(d); got != tt.want {
				t.Errorf("d/dt %s = %s, want %s", tt.src, got, tt.want)
			}
		})
	}
}

// TestDifferReuse checks that a Differ gives each derivative afresh,
// whatever it differentiated before.
func TestDifferReuse(t *testing.T) {
	df := NewDiffer(nil)
	f := mustParse(t, "x^2 y + sin(y)", nil)
	x, y := variable(t, f, "x"), variable(t, f, "y")
	tests := []struct {
		n, wrt *expr.Node
		want   string
	}{
		{f, x, "2x y"},
		{f, y, "x^2 + cos(y)"},
		{f, x, "2x y"},
		{mustParse(t, "sin(x y)", nil), y, "x cos(x y)"},
	}
	for _, tt := range tests {
		d, err := df.Diff(tt.n, tt.wrt)
		if err != nil {
			t.Fatal(err)
		}
		if got := text(d); got != tt.want {
			t.Errorf("d/d%s %s = %s, want %s", tt.wrt.Name(), format.Text(tt.n), got, tt.want)
		}
	}
}

// nested returns sin(sin(…sin(x)…)), depth calls deep.
func nested(x *expr.Node, depth int) *expr.Node {
	n := x
	for range depth {
		n = expr.Call(expr.OpSin, n)
	}
	return n
}

// TestDiffDeepChain checks that a chain of 3000 unary calls
// differentiates (in linear time: the test would take minutes otherwise).
func TestDiffDeepChain(t *testing.T) {
	x := expr.NewSym("x", expr.Scalar)
	n := nested(x, 3000)
	d, err := Diff(n, x, &Options{Budget: budget.New(context.Background())})
	if err != nil {
		t.Fatal(err)
	}
	_, factors := expr.Factors(d)
	if len(factors) != 3000 {
		t.Errorf("derivative of 3000 nested sines has %d factors, want 3000 cosines", len(factors))
	}
}

// TestDiffCanceled checks that Diff stops on a canceled context. A
// Budget stops a computation by panicking with a *budget.Stopped, the
// only way out of a deep recursion that has no error to return; the
// entry point of the computation (internal/calc) recovers it with
// budget.Catch. Diff itself lets it through, so the test recovers it.
func TestDiffCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := expr.NewSym("x", expr.Scalar)
	n := nested(x, 3000)

	stopped := func() (r any) {
		defer func() { r = recover() }()
		d, err := Diff(n, x, &Options{Budget: budget.New(ctx)})
		t.Errorf("Diff returned %v, %v on a canceled context, want a panic", d, err)
		return nil
	}()
	s, ok := stopped.(*budget.Stopped)
	if !ok {
		t.Fatalf("Diff panicked with %v (%T), want *budget.Stopped", stopped, stopped)
	}
	if !errors.Is(s, context.Canceled) {
		t.Errorf("stopped with %v, want context.Canceled", s)
	}

	// As an entry point does it.
	err := func() (err error) {
		defer budget.Catch(&err)
		_, err = Diff(n, x, &Options{Budget: budget.New(ctx)})
		return err
	}()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("caught %v, want context.Canceled", err)
	}

	// The pool of Differs is not left with the stopped one's options.
	if d, err := Diff(mustParse(t, "x^2", nil), x, nil); err != nil || text(d) != "2x" {
		t.Errorf("after a stop: d/dx x^2 = %v, %v, want 2x", d, err)
	}
}

// genScalar generates random scalar expressions in x and y of bounded
// depth: small numbers, sums, products, quotients, powers and the
// element-wise functions of the table.
func genScalar(depth int) *rapid.Generator[*expr.Node] {
	x, y := expr.NewSym("x", expr.Scalar), expr.NewSym("y", expr.Scalar)
	fns := elementwiseFuncs()
	return rapid.Custom(func(t *rapid.T) *expr.Node {
		leaf := func() *expr.Node {
			switch rapid.IntRange(0, 5).Draw(t, "leaf") {
			case 0, 1:
				return x
			case 2, 3:
				return y
			case 4:
				return expr.NewConstant("pi")
			}
			return expr.NewConst(expr.Rat(int64(rapid.IntRange(-5, 5).Draw(t, "p")), int64(rapid.IntRange(1, 3).Draw(t, "q"))))
		}
		if depth == 0 {
			return leaf()
		}
		sub := genScalar(depth - 1)
		a := sub.Draw(t, "a")
		switch rapid.IntRange(0, 8).Draw(t, "kind") {
		case 0:
			return leaf()
		case 1:
			return expr.Add(a, sub.Draw(t, "b"))
		case 2:
			return expr.Sub(a, sub.Draw(t, "b"))
		case 3:
			return expr.Mul(a, sub.Draw(t, "b"))
		case 4:
			return expr.Div(a, sub.Draw(t, "b"))
		case 5:
			return expr.Pow(a, expr.Int64(int64(rapid.IntRange(-3, 4).Draw(t, "k"))))
		case 6:
			return expr.Pow(a, sub.Draw(t, "b"))
		}
		return expr.Call(fns[rapid.IntRange(0, len(fns)-1).Draw(t, "fn")], a)
	})
}

// coordinate draws a value in [-3, 3] off the special points 0, ±1 and
// the multiples of π, so that finite differences seldom straddle a
// singularity.
func coordinate(t *rapid.T, name string) float64 {
	return float64(rapid.IntRange(-300, 300).Draw(t, name))/100 + 0.0371
}

// centralDiff estimates ∂f/∂x at env by central differences with
// Richardson extrapolation; ok is false where f is undefined near the
// point or not smooth enough for the estimate to be trusted.
func centralDiff(p *eval.Program, env map[string]float64, x string) (d float64, ok bool) {
	x0 := env[x]
	at := func(v float64) (float64, bool) {
		e := map[string]float64{}
		for k, w := range env {
			e[k] = w
		}
		e[x] = v
		r, err := p.At(e)
		return r, err == nil
	}
	est := func(h float64) (float64, bool) {
		a, ok1 := at(x0 + h)
		b, ok2 := at(x0 - h)
		return (a - b) / (2 * h), ok1 && ok2
	}
	h := 1e-3 * math.Max(1, math.Abs(x0))
	f0, ok0 := at(x0)
	if !ok0 || math.Abs(f0)*1e-16/(h/4) > 1e-8 {
		// Rounding in f, as in x + 1/sin(pi) where sin(pi) is 1e-16,
		// swamps the differences.
		return 0, false
	}
	d1, ok1 := est(h)
	d2, ok2 := est(h / 2)
	d4, ok4 := est(h / 4)
	if !ok1 || !ok2 || !ok4 {
		return 0, false
	}
	r1, r2 := (4*d2-d1)/3, (4*d4-d2)/3
	if math.Abs(r1-d2) > 1e-4*(1+math.Abs(r1)) || math.Abs(r1-r2) > 1e-6*(1+math.Abs(r1)) {
		return 0, false
	}
	return r2, true
}

// moderate reports whether every subexpression of f has a value at env
// of magnitude at most limit, and zero or at least 1e-200. Elsewhere,
// finite differences are not to be trusted: rounding swamps them
// (sin(x + sinh(pi^4)) does not change with x in float64), f varies too
// fast for the step (sin(x^-3) near 0), or values lose their precision
// (exp(-1/y^2) is subnormal near 0).
func moderate(f *expr.Node, env map[string]float64, limit float64) bool {
	ok := true
	expr.Inspect(f, func(m *expr.Node) bool {
		if ok {
			v, err := eval.Compile(m).At(env)
			ok = err == nil && math.Abs(v) <= limit && (v == 0 || math.Abs(v) >= 1e-200)
		}
		return ok
	})
	return ok
}

// TestDiffAgainstFiniteDifferences checks Diff of random scalar
// expressions against central finite differences, at random points where
// the function and its derivative are defined.
func TestDiffAgainstFiniteDifferences(t *testing.T) {
	gen := genScalar(4)
	rapid.Check(t, func(t *rapid.T) {
		f := gen.Draw(t, "f")
		vars := expr.Vars(f)
		if len(vars) == 0 {
			return
		}
		wrt := rapid.SampledFrom(vars).Draw(t, "wrt").Name()
		env := map[string]float64{"x": coordinate(t, "x"), "y": coordinate(t, "y")}
		d, err := Diff(f, expr.NewSym(wrt, expr.Scalar), nil)
		var real *NoRealDerivativeError
		if errors.As(err, &real) && expr.Find(f, negativeBase) != nil {
			return // (-1)^y: no derivative over the reals
		}
		if err != nil {
			t.Fatalf("d/d%s %s: %v", wrt, format.Text(f), err)
		}
		if !moderate(f, env, 1e3) || !moderate(d, env, 1e4) {
			return // outside the domain, or where finite differences fail
		}
		got, err := eval.Compile(d).At(env)
		if err != nil {
			t.Fatalf("d/d%s %s = %s: %v", wrt, format.Text(f), format.Text(d), err)
		}
		want, ok := centralDiff(eval.Compile(f), env, wrt)
		if !ok {
			return // outside the function's domain, or not smooth there
		}
		if math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
			t.Fatalf("d/d%s %s = %s = %v at %v; finite differences give %v",
				wrt, format.Text(f), format.Text(d), got, env, want)
		}
	})
}
