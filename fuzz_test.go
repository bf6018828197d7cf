package nabla

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// FuzzPipeline runs parse, simplify, differentiate, print and evaluate on
// arbitrary input: nothing may panic, and printed results must parse back
// to themselves.
func FuzzPipeline(f *testing.F) {
	for _, s := range seedSet {
		f.Add(s)
	}
	for _, s := range []string{
		"(x + 2y^3)^2", "x1^2 x2 + x1 x2^3", "exp(sin(x))", "log(1 + exp(x))", "sigmoid(x)",
		"abs(x)^x", "0^x", "1/0", "x/x", "(-2)^x", "sqrt(x^2)", "tan(atan(x))", "x^(1/3)",
		"x abs(x)", "sign(x) x", "x²", "x⁻¹ + y³", "||x||_1", "e^x where e = y", "0/0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 300 {
			return // keep each input cheap; the limits are tested elsewhere
		}
		// A hang becomes a crash that names its input.
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("slow input %q", s)) })
		defer tm.Stop()
		e, err := Parse(s)
		if err != nil {
			return
		}
		if vars := e.Vars(); len(vars) > 0 && len(vars) <= 3 && e.Nodes() < 200 {
			// Gradients and Hessians take other paths: they must not panic
			// either, and must agree with each other's shapes.
			if h, err := Hessian(e, vars...); err == nil {
				if got := h.Shape(); len(got) != 2 || got[0] != len(vars) {
					t.Fatalf("Hessian of %q has shape %v", s, got)
				}
			}
			if g, err := Grad(e, vars...); err == nil {
				checkValueGrad(t, s, e, g, vars)
			}
		}
		for _, g := range []Expr{e, e.Simplify()} {
			d, err := g.Diff("x")
			if err != nil {
				continue
			}
			if d.Nodes() > 5000 {
				continue
			}
			text := d.String()
			back, err := Parse(text)
			if err != nil {
				t.Fatalf("derivative of %q printed as %q, which does not parse: %v", s, text, err)
			}
			if !back.Equal(d) {
				t.Fatalf("derivative of %q printed as %q, which parses back as %q", s, text, back)
			}
			_ = d.LaTeX()
			env := map[string]float64{}
			for _, v := range d.Vars() {
				env[v] = 0.7
			}
			_, _ = d.Eval(env)
		}
	})
}

// FuzzMatrixPipeline runs parse, differentiate and print on arbitrary
// input with declared vectors and matrices: nothing may panic, and printed
// results must parse back to themselves.
func FuzzMatrixPipeline(f *testing.F) {
	for _, s := range []string{
		"a' X b", "x' B x", "||y - A x||^2", "det(X)", "logdet(X)", "a' X^-1 b", "tr(A X B)",
		"sum(log(1 + exp(-y .* (A x))))", "A x", "x x'", "inv(I + X)", "diag(x) A", "dot(x, y)",
		"X' X", "sin(A) .* B", "||X||", "2A - 3B'",
		"||x||_1", "||x||_3 + ||x||_inf", "‖x - y‖₂²", "||X||_F", "x[1] X[2, 3]", "(A x)[2]", "unit(2)' x",
		"max(A x)", "ismax(x)' y", "sign(x)' x", "x' W x + s^2", "tr(W A) s", "x²", "X⁻¹", "e' x", "abs(x)' y",
	} {
		f.Add(s)
	}
	opts := &ParseOptions{Vectors: []string{"a", "b", "x", "y"}, Matrices: []string{"A", "B", "X"}, Symmetric: []string{"W"}}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return
		}
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("slow input %q", s)) })
		defer tm.Stop()
		e, err := ParseWith(s, opts)
		if err != nil {
			return
		}
		roundTrip(t, s, e, opts)
		for _, v := range []string{"x", "A"} {
			if NeedsTensor(e, v) {
				if td, err := DiffTensor(e, v); err == nil {
					_, _ = td.Index, td.Differential.String()
				}
				continue
			}
			d, err := e.Diff(v)
			if err != nil {
				continue
			}
			roundTrip(t, s, d, opts)
			_ = d.LaTeX()
		}
		// Several variables of different shapes, and an entry.
		for _, kind := range []Kind{KindAuto, KindGradient, KindJacobian, KindHessian} {
			d, err := Derive(context.Background(), e, []string{"x", "A", "W", "s", "X[1,2]"}, &DeriveOptions{Kind: kind})
			if err != nil {
				continue
			}
			for _, b := range d.Blocks {
				if b.Tensor == nil {
					roundTrip(t, s, b.Expr, opts)
				}
			}
		}
	})
}

// roundTrip checks that e prints to text that parses back, with the same
// shape and the same value at a point. (Reading the text names symbolic
// sizes afresh, and sizes that nothing ties together, as in a zero matrix,
// may then order terms differently, so the graphs need not be equal.)
func roundTrip(t *testing.T, src string, e Expr, opts *ParseOptions) {
	t.Helper()
	if e.Nodes() > 2000 {
		return
	}
	text := e.String()
	if e.n.IsZeroMatrix() {
		if text != "0" {
			t.Fatalf("from %q: a zero %s prints as %q", src, e.n.Shape(), text)
		}
		return // the text of a zero result leaves its shape out
	}
	back, err := ParseWith(text, opts)
	if err != nil {
		t.Fatalf("from %q: %q does not parse: %v", src, text, err)
	}
	if back.Rank() != e.Rank() {
		t.Fatalf("from %q: %q parses back as %q, of rank %d, not %d", src, text, back, back.Rank(), e.Rank())
	}
	env := fuzzPoint(e, opts)
	want, err1 := e.Value(env)
	checkProgram(t, src, e, env, want, err1)
	got, err2 := back.Value(env)
	if err1 != nil || err2 != nil {
		return // outside the domain, or sizes the point does not fit
	}
	for i := range want.Data {
		a, b := want.Data[i], got.Data[i]
		if math.Abs(a) > 1e6 || math.Abs(b) > 1e6 || math.IsNaN(a) || math.IsNaN(b) {
			continue // rounding in large values depends on the order of terms
		}
		if math.Abs(a-b) > 1e-6*(1+math.Abs(a)+math.Abs(b)) {
			t.Fatalf("from %q: %q parses back as %q, whose value at entry %d is %g, not %g", src, text, back, i, b, a)
		}
	}
}

// fuzzPoint gives each variable of e a value: vectors have 3 entries and
// matrices are 3×3, with entries in [0.3, 1.3) drawn from a fixed seed.
func fuzzPoint(e Expr, opts *ParseOptions) map[string]Tensor {
	r := rand.New(rand.NewPCG(1, 2))
	env := map[string]Tensor{}
	for _, v := range e.Vars() {
		var shape []int
		switch {
		case slices.Contains(opts.Vectors, v):
			shape = []int{3}
		case slices.Contains(opts.Matrices, v):
			shape = []int{3, 3}
		}
		n := 1
		for _, d := range shape {
			n *= d
		}
		data := make([]float64, n)
		for i := range data {
			data[i] = 0.3 + r.Float64()
		}
		env[v] = Tensor{Shape: shape, Data: data}
	}
	return env
}

// checkProgram checks that the compiled program of e, every variable
// bound, gives the tree evaluator's value at env, or fails as it does.
func checkProgram(t *testing.T, src string, e Expr, env map[string]Tensor, want Tensor, werr error) {
	t.Helper()
	p, err := Compile(e)
	if err != nil {
		t.Fatalf("from %q: Compile(%s): %v", src, e, err)
	}
	for name, v := range env {
		if err := p.Bind(name, v); err != nil {
			if werr == nil {
				t.Fatalf("from %q: Bind(%s) fails (%v), but the tree evaluator gives %v", src, name, err, want)
			}
			return
		}
	}
	got, err := p.Eval(nil)
	switch {
	case (err == nil) != (werr == nil):
		t.Fatalf("from %q: the program of %s gives %v, %v; the tree evaluator %v, %v", src, e, got, err, want, werr)
	case err != nil:
		return
	}
	if len(got.Data) != len(want.Data) {
		t.Fatalf("from %q: the program of %s gives %v; the tree evaluator %v", src, e, got, want)
	}
	for i := range want.Data {
		a, b := want.Data[i], got.Data[i]
		if math.Abs(a-b) > 1e-9*(1+math.Abs(a)+math.Abs(b)) {
			t.Fatalf("from %q: the program of %s gives %g at entry %d; the tree evaluator %g", src, e, b, i, a)
		}
	}
}

// checkValueGrad checks that the compiled value and gradient of e agree
// with e and its gradient g evaluated by the tree evaluator at a point,
// or fail where they fail.
func checkValueGrad(t *testing.T, src string, e, g Expr, vars []string) {
	t.Helper()
	p, err := Compile(e, vars...)
	if err != nil {
		t.Fatalf("from %q: Compile: %v", src, err)
	}
	env := map[string]float64{}
	x := make([]float64, len(vars))
	for i, v := range vars {
		x[i] = 0.7 + 0.1*float64(i)
		env[v] = x[i]
	}
	want, err1 := e.Eval(env)
	wantGrad, err2 := g.EvalTensor(env)
	grad := make([]float64, len(vars))
	got, err := p.ValueGrad(grad, x)
	if err1 != nil || err2 != nil {
		if err == nil {
			t.Fatalf("from %q: ValueGrad gives %v %v, but the tree evaluator fails: %v %v", src, got, grad, err1, err2)
		}
		return
	}
	if err != nil {
		t.Fatalf("from %q: ValueGrad fails (%v), but the tree evaluator gives %v %v", src, err, want, wantGrad.Data)
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*(1+math.Abs(a)+math.Abs(b)) }
	if !close(got, want) {
		t.Fatalf("from %q: value %g, the tree evaluator %g", src, got, want)
	}
	for i := range grad {
		if !close(grad[i], wantGrad.Data[i]) {
			t.Fatalf("from %q: ∂f/∂%s = %g, the symbolic gradient %g", src, vars[i], grad[i], wantGrad.Data[i])
		}
	}
}
