package eval

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

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

// near reports whether got is within tol of want, relative to want's
// magnitude when that exceeds 1; tol 0 asks for exact equality.
func near(got, want, tol float64) bool {
	if tol == 0 {
		return got == want
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// checkDomainError checks that err is a *DomainError with the message
// msg about the subexpression printed as node, and that its text is
// "msg in node".
func checkDomainError(t *testing.T, err error, msg, node string) {
	t.Helper()
	var de *DomainError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v (%T), want a *DomainError", err, err)
	}
	if de.Msg != msg {
		t.Errorf("Msg = %q, want %q", de.Msg, msg)
	}
	if got := format.Text(de.Node); got != node {
		t.Errorf("Node = %s, want %s", got, node)
	}
	if got, want := err.Error(), msg+" in "+node; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestVars checks that a program's inputs are its variables, each once,
// in sorted order.
func TestVars(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"z*y + x", []string{"x", "y", "z"}},
		{"sin(b) + a^c", []string{"a", "b", "c"}},
		{"log(x) + x*x + exp(x)", []string{"x"}},
		{"pi + e + 2", nil},
		{"x - x + y", []string{"y"}}, // x - x is 0 before compiling
		{"beta*alpha + delta", []string{"alpha", "beta", "delta"}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p := Compile(mustParse(t, tt.src, nil))
			if got := p.Vars(); !slices.Equal(got, tt.want) {
				t.Errorf("Vars() = %q, want %q", got, tt.want)
			}
			if got := p.Shape(); len(got) != 0 {
				t.Errorf("Shape() = %v, want none for a scalar", got)
			}
		})
	}
}

// TestEval evaluates scalar programs, exactly where the result is exact
// in float64.
func TestEval(t *testing.T) {
	tests := []struct {
		name string
		src  string
		env  map[string]float64
		want float64
		tol  float64 // 0: exact
	}{
		{"polynomial", "z*y + x", map[string]float64{"x": 2, "y": 3, "z": 0}, 2, 0},
		{"sum and product", "x*y + x + 1", map[string]float64{"x": 2, "y": 3}, 9, 0},
		{"symbolic power", "x^y", map[string]float64{"x": 2, "y": 3}, 8, 0},
		{"zero to the zero", "x^y", map[string]float64{"x": 0, "y": 0}, 1, 0},
		{"negative base, odd power", "x^3", map[string]float64{"x": -1}, -1, 0},
		{"negative base, negative integer power", "x^(-2)", map[string]float64{"x": -2}, 0.25, 0},
		{"sqrt", "sqrt(x)", map[string]float64{"x": 4}, 2, 0},
		{"reciprocal sqrt", "x^(-1/2)", map[string]float64{"x": 4}, 0.5, 0},
		{"cube root", "x^(1/3)", map[string]float64{"x": 8}, 2, 1e-15},
		{"reciprocal", "1/x", map[string]float64{"x": 4}, 0.25, 0},
		{"quotient", "x/y", map[string]float64{"x": 1, "y": 4}, 0.25, 0},
		{"sin", "sin(x)", map[string]float64{"x": 0}, 0, 0},
		{"cos", "cos(x)", map[string]float64{"x": math.Pi}, -1, 0},
		{"tan", "tan(x)", map[string]float64{"x": math.Pi / 4}, 1, 1e-15},
		{"asin at 1", "asin(x)", map[string]float64{"x": 1}, math.Pi / 2, 0},
		{"acos at -1", "acos(x)", map[string]float64{"x": -1}, math.Pi, 0},
		{"atan", "atan(x)", map[string]float64{"x": 1}, math.Pi / 4, 0},
		{"sinh", "sinh(x)", map[string]float64{"x": 1}, (math.E - 1/math.E) / 2, 1e-15},
		{"cosh", "cosh(x)", map[string]float64{"x": 0}, 1, 0},
		{"tanh saturates", "tanh(x)", map[string]float64{"x": 1000}, 1, 0},
		{"exp of log", "exp(log(x))", map[string]float64{"x": 3}, 3, 1e-15},
		{"log of e", "log(x)", map[string]float64{"x": math.E}, 1, 0},
		{"abs", "abs(x)", map[string]float64{"x": -3}, 3, 0},
		{"sigmoid at 0", "sigmoid(x)", map[string]float64{"x": 0}, 0.5, 0},
		{"sigmoid underflows to 0", "sigmoid(x)", map[string]float64{"x": -1000}, 0, 0},
		{"sigmoid saturates", "sigmoid(x)", map[string]float64{"x": 1000}, 1, 0},
		{"large power", "2^x", map[string]float64{"x": 1000}, math.Ldexp(1, 1000), 0},
		{"pi", "pi", nil, math.Pi, 0},
		{"e", "e", nil, math.E, 0},
		{"unused input", "2y", map[string]float64{"x": math.NaN(), "y": 4}, 8, 0},
		{"nested", "log(1 + exp(x)) - sigmoid(x)^2", map[string]float64{"x": 0.5},
			math.Log(1+math.Exp(0.5)) - math.Pow(1/(1+math.Exp(-0.5)), 2), 1e-15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Compile(mustParse(t, tt.src, nil))
			got, err := p.At(tt.env)
			if err != nil {
				t.Fatalf("%s at %v: %v", tt.src, tt.env, err)
			}
			if !near(got, tt.want, tt.tol) {
				t.Errorf("%s at %v = %v, want %v", tt.src, tt.env, got, tt.want)
			}
			// Eval with the inputs in the order of Vars gives the same,
			// with or without scratch space.
			in, err := p.Inputs(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			for _, work := range [][]float64{nil, make([]float64, 1), make([]float64, 64)} {
				v, err := p.Eval(in, work)
				if err != nil || v != got {
					t.Errorf("Eval(%v, work of %d) = %v, %v, want %v", in, len(work), v, err, got)
				}
			}
			all, err := p.EvalAll(in)
			if err != nil || len(all) != 1 || all[0] != got {
				t.Errorf("EvalAll(%v) = %v, %v, want [%v]", in, all, err, got)
			}
		})
	}
}

// TestInputsOrder checks that Inputs places each named value at its
// variable's index in Vars, whatever order the variables appear in.
func TestInputsOrder(t *testing.T) {
	p := Compile(mustParse(t, "c - 10b + 100a", nil))
	if got, want := p.Vars(), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Fatalf("Vars() = %q, want %q", got, want)
	}
	env := map[string]float64{"a": 1, "b": 2, "c": 3, "unused": 4}
	in, err := p.Inputs(env)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 2, 3}; !slices.Equal(in, want) {
		t.Errorf("Inputs(%v) = %v, want %v", env, in, want)
	}
	if got, err := p.Eval(in, nil); err != nil || got != 83 {
		t.Errorf("Eval(%v) = %v, %v, want 83", in, got, err)
	}
	// A different order of inputs is a different point.
	if got, err := p.Eval([]float64{3, 2, 1}, nil); err != nil || got != 281 {
		t.Errorf("Eval([3 2 1]) = %v, %v, want 281", got, err)
	}
}

// TestSharedSubexpressions checks that a program holds one instruction
// per distinct node, so a graph with exponentially many paths evaluates
// in linear time.
func TestSharedSubexpressions(t *testing.T) {
	// u_{k+1} = sin(u_k) + cos(u_k) u_k, 40 times: a tree of 2^40 leaves
	// but a graph of a few nodes per level.
	x := expr.NewSym("x", expr.Scalar)
	u := x
	for range 40 {
		u = expr.Add(expr.Call(expr.OpSin, u), expr.Mul(expr.Call(expr.OpCos, u), u))
	}
	p := Compile(u)
	if got, want := len(p.code), expr.Count(u); got != want {
		t.Errorf("program of %d instructions for a graph of %d nodes", got, want)
	}
	if len(p.code) > 40*5+1 {
		t.Errorf("program of %d instructions, want at most %d", len(p.code), 40*5+1)
	}
	got, err := p.At(map[string]float64{"x": 0.3})
	if err != nil {
		t.Fatal(err)
	}
	want := 0.3
	for range 40 {
		want = math.Sin(want) + math.Cos(want)*want
	}
	if !near(got, want, 1e-12) {
		t.Errorf("u_40(0.3) = %v, want %v", got, want)
	}

	// Within one expression a repeated subexpression is one instruction.
	n := mustParse(t, "sin(x^2) + cos(x^2) sin(x^2)", nil)
	p = Compile(n)
	if got, want := len(p.code), expr.Count(n); got != want {
		t.Errorf("%s: %d instructions for %d distinct nodes", format.Text(n), got, want)
	}
}

// TestEvalAll evaluates literal vectors and matrices entry by entry in
// row-major order, dense and sparse.
func TestEvalAll(t *testing.T) {
	x, y := expr.NewSym("x", expr.Scalar), expr.NewSym("y", expr.Scalar)
	// A 16×16 matrix with three nonzero entries is stored sparsely.
	sparse := expr.NewMatrix(expr.NewShape(expr.Dim{N: 16}, expr.Dim{N: 16}), []int32{0, 17, 255},
		[]*expr.Node{x, expr.Int64(2), expr.Mul(x, y)})
	if _, ok := sparse.Sparse(); !ok {
		t.Fatal("the 16×16 matrix with three entries is not sparse")
	}
	sparseWant := make([]float64, 256)
	sparseWant[0], sparseWant[17], sparseWant[255] = 2, 2, 6

	tests := []struct {
		name      string
		n         *expr.Node
		env       map[string]float64
		wantShape []int
		want      []float64
	}{
		{"vector", mustParse(t, "[x, y, sin(z)]", nil), map[string]float64{"x": 2, "y": 3, "z": 0},
			[]int{3}, []float64{2, 3, 0}},
		{"matrix", mustParse(t, "[[x, y], [1, 2]]", nil), map[string]float64{"x": 2, "y": 3},
			[]int{2, 2}, []float64{2, 3, 1, 2}},
		{"shared entries", mustParse(t, "[x^2, x^2, x^2 + 1, 0]", nil), map[string]float64{"x": 3},
			[]int{4}, []float64{9, 9, 10, 0}},
		{"constant entries", mustParse(t, "[[1, 0], [0, pi]]", nil), nil,
			[]int{2, 2}, []float64{1, 0, 0, math.Pi}},
		{"sparse", sparse, map[string]float64{"x": 2, "y": 3}, []int{16, 16}, sparseWant},
		{"scalar", mustParse(t, "x y", nil), map[string]float64{"x": 2, "y": 3}, nil, []float64{6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Compile(tt.n)
			if got := p.Shape(); !slices.Equal(got, tt.wantShape) {
				t.Errorf("Shape() = %v, want %v", got, tt.wantShape)
			}
			in, err := p.Inputs(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.EvalAll(in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("EvalAll(%v) = %v, want %v", in, got, tt.want)
			}
		})
	}
}

// TestEvalNotScalar checks that Eval refuses a program whose value is a
// vector or matrix, and that EvalAll reports an entry's domain error.
func TestEvalNotScalar(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		// The sizes are printed bare: "a 3", "a 2×2".
		{"[x, y, sin(x)]", "eval: the value is a 3, not a scalar"},
		{"[[x, y], [1, 2]]", "eval: the value is a 2×2, not a scalar"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p := Compile(mustParse(t, tt.src, nil))
			_, err := p.Eval([]float64{1, 2}, nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Eval error = %v, want %q", err, tt.want)
			}
			if _, err := p.At(map[string]float64{"x": 1, "y": 2}); err == nil || err.Error() != tt.want {
				t.Errorf("At error = %v, want %q", err, tt.want)
			}
		})
	}
	p := Compile(mustParse(t, "[x, log(x)]", nil))
	_, err := p.EvalAll([]float64{-1})
	checkDomainError(t, err, "log of a non-positive number", "log(x)")
}

// TestDomainErrors checks that values outside a function's domain, and
// overflows, are errors naming the subexpression, never NaN or ±Inf.
func TestDomainErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		env  map[string]float64
		msg  string
		node string // the subexpression named
	}{
		{"log of zero", "log(z)", map[string]float64{"z": 0}, "log of a non-positive number", "log(z)"},
		{"log of negative", "log(x)", map[string]float64{"x": -1}, "log of a non-positive number", "log(x)"},
		{"log inside a sum", "x + log(abs(x) - 1)", map[string]float64{"x": -1},
			"log of a non-positive number", "log(abs(x) - 1)"},
		{"division by zero", "1/z", map[string]float64{"z": 0}, "division by zero", "1/z"},
		{"quotient by zero", "x/z", map[string]float64{"x": 2, "z": 0}, "division by zero", "1/z"},
		{"negative power of zero", "z^(-2)", map[string]float64{"z": 0}, "division by zero", "1/z^2"},
		{"reciprocal sqrt of zero", "x^(-1/2)", map[string]float64{"x": 0}, "division by zero", "1/sqrt(x)"},
		{"sqrt of negative", "sqrt(n)", map[string]float64{"n": -1},
			"negative number to a non-integer power", "sqrt(n)"},
		{"cube root of negative", "n^(1/3)", map[string]float64{"n": -8},
			"negative number to a non-integer power", "n^(1/3)"},
		{"float power of negative", "n^0.5", map[string]float64{"n": -1},
			"negative number to a non-integer power", "n^0.5"},
		{"symbolic power of negative", "n^y", map[string]float64{"n": -2, "y": 0.5},
			"negative number to a non-integer power", "n^y"},
		{"asin", "asin(x)", map[string]float64{"x": 2}, "argument outside [-1, 1]", "asin(x)"},
		{"acos", "acos(n - 1)", map[string]float64{"n": -1}, "argument outside [-1, 1]", "acos(n - 1)"},
		{"exp overflow", "exp(big)", map[string]float64{"big": 1000}, "overflow", "exp(big)"},
		{"sinh overflow", "sinh(big)", map[string]float64{"big": 1000}, "overflow", "sinh(big)"},
		{"power overflow", "big^big", map[string]float64{"big": 1000}, "overflow", "big^big"},
		{"product overflow", "x*y", map[string]float64{"x": 1e200, "y": 1e200}, "overflow", "x y"},
		{"sum overflow", "x + y", map[string]float64{"x": 1e308, "y": 1e308}, "overflow", "x + y"},
		{"infinite input", "sin(x)", map[string]float64{"x": math.Inf(1)}, "overflow", "x"},
		{"NaN input", "sin(x)", map[string]float64{"x": math.NaN()}, "undefined value", "x"},
		// The program stops at its first failing node; the terms of the
		// sum are in canonical order, 1/y first.
		{"first failure wins", "log(x) + 1/y", map[string]float64{"x": -1, "y": 0},
			"division by zero", "1/y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Compile(mustParse(t, tt.src, nil))
			v, err := p.At(tt.env)
			if err == nil {
				t.Fatalf("%s at %v = %v, want an error", tt.src, tt.env, v)
			}
			checkDomainError(t, err, tt.msg, tt.node)
		})
	}
}

// TestDomainErrorLongNode checks that the message of a domain error in a
// subexpression too long to print gives its beginning, cut with "…".
func TestDomainErrorLongNode(t *testing.T) {
	var terms []*expr.Node
	for i := range 40 {
		terms = append(terms, expr.NewSym("variable"+string(rune('a'+i%26))+string(rune('a'+i/26)), expr.Scalar))
	}
	n := expr.Call(expr.OpLog, expr.Add(terms...))
	if s := format.Text(n); len(s) <= 200 {
		t.Fatalf("%s is only %d bytes", s, len(s))
	}
	p := Compile(n)
	_, err := p.Eval(make([]float64, len(p.Vars())), nil)
	var de *DomainError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want a *DomainError", err)
	}
	if de.Node != n {
		t.Errorf("Node = %s, want the log", format.Text(de.Node))
	}
	got := err.Error()
	if want := "log of a non-positive number in log(variableaa + variableab + "; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "…") || len(got) > len("log of a non-positive number in ")+200+len("…") {
		t.Errorf("Error() = %q, want %q… cut to 200 bytes", got, want)
	}
}

// TestNoScalarKernel checks that an operation without a scalar kernel,
// such as sum of a vector, is reported rather than computed.
func TestNoScalarKernel(t *testing.T) {
	opts := &parse.Options{Vars: map[string]expr.Shape{"x": expr.NewShape(expr.Dim{Sym: "#x"})}}
	p := Compile(mustParse(t, "sum(x)", opts))
	_, err := p.Eval([]float64{1}, nil)
	checkDomainError(t, err, "cannot evaluate sum", "sum(x)")
}

// TestMissingInputs checks the errors for a missing named value and for
// a wrong number of inputs.
func TestMissingInputs(t *testing.T) {
	p := Compile(mustParse(t, "x + w", nil))
	tests := []struct {
		name string
		env  map[string]float64
		want string
	}{
		{"none", nil, "no value for w"},
		{"first in sorted order", map[string]float64{"x": 1}, "no value for w"},
		{"second", map[string]float64{"w": 1}, "no value for x"},
		{"other names", map[string]float64{"W": 1, "xx": 2}, "no value for w"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if in, err := p.Inputs(tt.env); err == nil || err.Error() != tt.want {
				t.Errorf("Inputs(%v) = %v, %v, want error %q", tt.env, in, err, tt.want)
			}
			if v, err := p.At(tt.env); err == nil || err.Error() != tt.want {
				t.Errorf("At(%v) = %v, %v, want error %q", tt.env, v, err, tt.want)
			}
		})
	}
	counts := []struct {
		in   []float64
		want string
	}{
		{nil, "eval: 0 inputs for 2 variables"},
		{[]float64{1}, "eval: 1 inputs for 2 variables"},
		{[]float64{1, 2, 3}, "eval: 3 inputs for 2 variables"},
	}
	for _, tt := range counts {
		if _, err := p.Eval(tt.in, nil); err == nil || err.Error() != tt.want {
			t.Errorf("Eval(%v) error = %v, want %q", tt.in, err, tt.want)
		}
		if _, err := p.EvalAll(tt.in); err == nil || err.Error() != tt.want {
			t.Errorf("EvalAll(%v) error = %v, want %q", tt.in, err, tt.want)
		}
	}
}

// TestConcurrentEval checks that one program evaluates on several
// goroutines at once (run with -race).
func TestConcurrentEval(t *testing.T) {
	p := Compile(mustParse(t, "sin(x) y + log(y)", nil))
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				x, y := float64(g), float64(i+1)
				got, err := p.Eval([]float64{x, y}, nil)
				if want := math.Sin(x)*y + math.Log(y); err != nil || !near(got, want, 1e-15) {
					errs <- fmt.Sprintf("Eval([%v %v]) = %v, %v, want %v", x, y, got, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
