package nabla

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// compileAt compiles f with the inputs wrt, binds the other variables of
// env and fixes the inputs' sizes from env; it returns the inputs
// flattened.
func compileAt(t *rapid.T, f Expr, wrt []string, env map[string]Tensor) (*Program, []float64) {
	p, err := Compile(f, wrt...)
	if err != nil {
		t.Fatalf("Compile(%s, %v): %v", f, wrt, err)
	}
	isInput := map[string]bool{}
	var x []float64
	for _, w := range wrt {
		isInput[w] = true
		x = append(x, env[w].Data...)
		s := findVar(f.n, w).Shape()
		for i := 0; i < s.Rank(); i++ {
			if d := s.Dim(i); d.N == 0 {
				if err := p.SetSize(d.Sym, env[w].Shape[i]); err != nil {
					t.Fatalf("SetSize: %v", err)
				}
			}
		}
	}
	for name, v := range env {
		if !isInput[name] {
			if err := p.Bind(name, v); err != nil {
				t.Fatalf("Bind(%s): %v", name, err)
			}
		}
	}
	return p, x
}

// close reports whether got and want agree to tol relative to the
// largest entry of want.
func closeTo(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	scale := 1.0
	for _, w := range want {
		scale = max(scale, math.Abs(w))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*scale {
			return false
		}
	}
	return true
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// crossTol is how closely two symbolic forms of one derivative (the
// program's raw adjoints, the simplified result of Derive) agree when
// evaluated: they round differently, most where a matrix is nearly
// singular, as sin(x aᵀ) is. Programs agree with the tree evaluator on
// the same graph to 1e-12 (see package program's tests).
const crossTol = 1e-8

// TestProgramMatchesSymbolic checks compiled values, gradients,
// Jacobians, Hessians and their products with vectors on random scalar
// expressions in variables of every shape against nabla's symbolic
// derivatives evaluated by the tree evaluator.
func TestProgramMatchesSymbolic(t *testing.T) {
	const tol = crossTol
	checked := 0
	defer func() { t.Logf("%d cases checked", checked) }()
	rapid.Check(t, func(rt *rapid.T) {
		src := genMixed(1).Draw(rt, "f")
		f, err := ParseWith(src, mixedOpts)
		if err != nil {
			rt.Fatalf("%s: %v", src, err)
		}
		wrt := drawWrt(rt, f)
		env := randomValues(rt, f)
		want, err := f.Value(env)
		if err != nil || math.Abs(want.Data[0]) > 1e6 {
			rt.Skip("outside the domain")
		}
		g, err := Derive(context.Background(), f, wrt, &DeriveOptions{Kind: KindGradient})
		if err != nil {
			rt.Skipf("%s: %v", src, err)
		}
		gv, err := g.Value(env)
		if err != nil {
			rt.Skip("outside the domain of the gradient")
		}
		p, x := compileAt(rt, f, wrt, env)
		v, err := p.Value(x)
		if err != nil || !closeTo([]float64{v}, want.Data, tol) {
			rt.Fatalf("%s: Value %v, %v; tree %v", src, v, err, want.Data)
		}
		grad := make([]float64, len(x))
		v, err = p.ValueGrad(grad, x)
		if err != nil || !closeTo([]float64{v}, want.Data, tol) || !closeTo(grad, gv.Data, tol) {
			rt.Fatalf("%s wrt %v: ValueGrad %v %v, %v; symbolic %v %v", src, wrt, v, grad, err, want.Data, gv.Data)
		}
		var jac mat.Dense
		if err := p.Jacobian(&jac, x); err != nil || !closeTo(jac.RawMatrix().Data, gv.Data, tol) {
			rt.Fatalf("%s wrt %v: Jacobian %v, %v; gradient %v", src, wrt, jac.RawMatrix().Data, err, gv.Data)
		}
		dir := make([]float64, len(x))
		for i := range dir {
			dir[i] = rapid.Float64Range(-1, 1).Draw(rt, "v")
		}
		jv := make([]float64, 1)
		if err := p.JVP(jv, x, dir); err != nil || !closeTo(jv, []float64{dot(gv.Data, dir)}, tol) {
			rt.Fatalf("%s wrt %v: JVP %v, %v; gradient·v %v", src, wrt, jv, err, dot(gv.Data, dir))
		}
		vj := make([]float64, len(x))
		if err := p.VJP(vj, x, []float64{2}); err != nil {
			rt.Fatalf("%s: VJP: %v", src, err)
		}
		for i := range vj {
			vj[i] /= 2
		}
		if !closeTo(vj, gv.Data, tol) {
			rt.Fatalf("%s wrt %v: VJP/2 %v; gradient %v", src, wrt, vj, gv.Data)
		}
		// The Hessian, against the symbolic one where nabla has it, and
		// against HVPs always.
		var hess mat.Dense
		if err := p.Hessian(&hess, x); err != nil {
			// The Hessian's formula may have no value where the
			// gradient's has one (det at a singular matrix: the gradient
			// is the adjugate's, the Hessian has X⁻¹ twice); then the
			// symbolic Hessian has none either.
			var de *DomainError
			h, herr := Derive(context.Background(), f, wrt, &DeriveOptions{Kind: KindHessian})
			switch {
			case herr == nil:
				if _, verr := h.Value(env); verr != nil {
					rt.Skip("outside the domain of the Hessian")
				}
			case errors.As(err, &de):
				rt.Skip("outside the domain of the Hessian, which nabla has no symbolic form of here")
			}
			rt.Fatalf("%s wrt %v: Hessian: %v", src, wrt, err)
		}
		hv := make([]float64, len(x))
		if err := p.HVP(hv, x, dir); err != nil {
			// HVP differentiates the gradient along v, whose formula may
			// keep X⁻¹ where the Hessian's took the adjugate (det at a
			// singular matrix): a refusal, never a wrong value.
			var de *DomainError
			if errors.As(err, &de) {
				rt.Skip("outside the domain of the HVP's formula")
			}
			rt.Fatalf("%s wrt %v: HVP: %v", src, wrt, err)
		}
		var prod mat.VecDense
		prod.MulVec(&hess, mat.NewVecDense(len(dir), dir))
		if !closeTo(hv, prod.RawVector().Data, tol) {
			rt.Fatalf("%s wrt %v: HVP %v, Hessian·v %v", src, wrt, hv, prod.RawVector().Data)
		}
		if h, err := Derive(context.Background(), f, wrt, &DeriveOptions{Kind: KindHessian}); err == nil {
			if hw, err := h.Value(env); err == nil && !closeTo(hess.RawMatrix().Data, hw.Data, tol) {
				rt.Fatalf("%s wrt %v: Hessian %v; symbolic %v", src, wrt, hess.RawMatrix().Data, hw.Data)
			}
		}
		checked++
	})
}

// TestProgramJacobians checks compiled Jacobians of vector expressions
// with respect to a vector and a scalar against the symbolic ones.
func TestProgramJacobians(t *testing.T) {
	const tol = crossTol
	rapid.Check(t, func(rt *rapid.T) {
		src, f, env := drawWithXS(rt, genMixedVector(1))
		wrt := []string{"x", "s"}
		d, err := Derive(context.Background(), f, wrt, &DeriveOptions{Kind: KindJacobian})
		if err != nil {
			rt.Skipf("%s: %v", src, err)
		}
		want, err := d.Value(env)
		if err != nil {
			rt.Skip("outside the domain")
		}
		p, x := compileAt(rt, f, wrt, env)
		var jac mat.Dense
		if err := p.Jacobian(&jac, x); err != nil || !closeTo(jac.RawMatrix().Data, want.Data, tol) {
			rt.Fatalf("%s: Jacobian %v, %v; symbolic %v", src, jac.RawMatrix().Data, err, want.Data)
		}
		// J v and uᵀ J against the Jacobian.
		m, n := jac.Dims()
		v, u := make([]float64, n), make([]float64, m)
		for i := range v {
			v[i] = rapid.Float64Range(-1, 1).Draw(rt, "v")
		}
		for i := range u {
			u[i] = rapid.Float64Range(-1, 1).Draw(rt, "u")
		}
		jv, uj := make([]float64, m), make([]float64, n)
		if err := p.JVP(jv, x, v); err != nil {
			rt.Fatalf("%s: JVP: %v", src, err)
		}
		if err := p.VJP(uj, x, u); err != nil {
			rt.Fatalf("%s: VJP: %v", src, err)
		}
		var wantJV, wantUJ mat.VecDense
		wantJV.MulVec(&jac, mat.NewVecDense(n, v))
		wantUJ.MulVec(jac.T(), mat.NewVecDense(m, u))
		if !closeTo(jv, wantJV.RawVector().Data, tol) || !closeTo(uj, wantUJ.RawVector().Data, tol) {
			rt.Fatalf("%s: JVP %v want %v; VJP %v want %v", src, jv, wantJV.RawVector().Data, uj, wantUJ.RawVector().Data)
		}
	})
}

// TestProgramConcurrent evaluates one program from several goroutines
// at once, and in batches; run with -race.
func TestProgramConcurrent(t *testing.T) {
	f, _ := ParseWith("||y - Φ θ||^2 + sum(sin(θ))", &ParseOptions{Vectors: []string{"y", "θ"}, Matrices: []string{"Φ"}})
	p, err := Compile(f, "θ")
	if err != nil {
		t.Fatal(err)
	}
	const n, d = 50, 3
	phi := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		y[i] = float64(i%7) - 3
		for j := 0; j < d; j++ {
			phi.Set(i, j, math.Sin(float64(i*d+j)))
		}
	}
	if err := p.Bind("Φ", phi); err != nil {
		t.Fatal(err)
	}
	if err := p.Bind("y", y); err != nil {
		t.Fatal(err)
	}
	points := mat.NewDense(40, d, nil)
	for i := 0; i < 40; i++ {
		for j := 0; j < d; j++ {
			points.Set(i, j, float64(i-j)/10)
		}
	}
	// The values one goroutine computes.
	want := make([]float64, 40)
	wantGrad := mat.NewDense(40, d, nil)
	for i := range want {
		g := make([]float64, d)
		v, err := p.ValueGrad(g, points.RawRowView(i))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = v
		wantGrad.SetRow(i, g)
	}
	done := make(chan error)
	for w := 0; w < 8; w++ {
		go func() {
			g := make([]float64, d)
			var h mat.Dense
			for k := 0; k < 50; k++ {
				i := (k + w) % 40
				v, err := p.ValueGrad(g, points.RawRowView(i))
				if err == nil && (v != want[i] || !closeTo(g, wantGrad.RawRowView(i), 0)) {
					err = fmt.Errorf("point %d: %v %v, want %v %v", i, v, g, want[i], wantGrad.RawRowView(i))
				}
				if err == nil {
					err = p.Hessian(&h, points.RawRowView(i))
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for w := 0; w < 8; w++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	values := make([]float64, 40)
	var grads mat.Dense
	if err := p.Batch(values, &grads, points); err != nil {
		t.Fatal(err)
	}
	if !closeTo(values, want, 0) || !closeTo(grads.RawMatrix().Data, wantGrad.RawMatrix().Data, 0) {
		t.Errorf("Batch gives %v, want %v", values, want)
	}
}

// TestValueGradAllocs checks that a gradient of scalars allocates
// nothing once the program is warm.
func TestValueGradAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts under the race detector")
	}
	p, err := Compile(MustParse("x1^2 x2 + x1 x2^3 + sin(x1 x2)"), "x1", "x2")
	if err != nil {
		t.Fatal(err)
	}
	x, g := []float64{1.5, -0.5}, make([]float64, 2)
	if _, err := p.ValueGrad(g, x); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { p.ValueGrad(g, x) }); n != 0 {
		t.Errorf("ValueGrad allocates %v times per call", n)
	}
	// Vectors too, after the first call.
	f, _ := ParseWith("||A x - b||^2", &ParseOptions{Vectors: []string{"x", "b"}, Matrices: []string{"A"}})
	q, _ := Compile(f, "x")
	q.Bind("A", mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6}))
	q.Bind("b", []float64{1, 1, 1})
	xv, gv := []float64{0.5, 0.25}, make([]float64, 2)
	if _, err := q.ValueGrad(gv, xv); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { q.ValueGrad(gv, xv) }); n != 0 {
		t.Errorf("ValueGrad of vectors allocates %v times per call", n)
	}
}

// TestProgramErrors checks what a program says of bad inputs and data.
func TestProgramErrors(t *testing.T) {
	f, _ := ParseWith("||y - Φ θ||^2 + sum(log(θ))", &ParseOptions{Shapes: map[string][]string{"Φ": {"N", "D"}, "θ": {"D"}, "y": {"N"}}})
	phi := mat.NewDense(3, 2, []float64{1, 1, 1, 2, 1, 3})
	tests := []struct {
		name string
		run  func(p *Program) error
		want string
	}{
		{"unbound data", func(p *Program) error { _, err := p.Value([]float64{1, 1}); return err },
			"y (vector (N)) has no value: bind it before evaluating"},
		{"shape of data", func(p *Program) error { return p.Bind("y", phi) },
			"y is a vector (N), but its value is a 3×2 matrix"},
		{"sizes that disagree", func(p *Program) error {
			p.Bind("Φ", phi)
			return p.Bind("y", []float64{1, 2})
		}, "Φ has 3 rows but y has 2 entries, and both are the size N"},
		{"no such variable", func(p *Program) error { return p.Bind("z", 1.0) },
			"the expression has no variable z to bind; its data variables are y, Φ"},
		{"an input bound", func(p *Program) error { return p.Bind("θ", []float64{1, 2}) },
			"θ is an input: its value is given at each evaluation, not bound"},
		{"NaN in data", func(p *Program) error { return p.Bind("y", []float64{1, math.NaN(), 3}) },
			"the value of y has NaN at y[2]"},
		{"inputs of the wrong length", func(p *Program) error {
			p.Bind("Φ", phi)
			p.Bind("y", []float64{1, 2, 3})
			_, err := p.Value([]float64{1, 2, 3})
			return err
		}, "the inputs have 3 entries, but θ (a 2-vector) takes 2"},
		{"an infinite input", func(p *Program) error {
			p.Bind("Φ", phi)
			p.Bind("y", []float64{1, 2, 3})
			_, err := p.Value([]float64{1, math.Inf(1)})
			return err
		}, "the input θ has +Inf at θ[2]"},
		{"outside the domain", func(p *Program) error {
			p.Bind("Φ", phi)
			p.Bind("y", []float64{1, 2, 3})
			_, err := p.Value([]float64{1, -2})
			return err
		}, "log of a non-positive number in log(θ), entry [2]"},
		{"a gradient of a vector", func(p *Program) error {
			q, _ := Compile(MustParse("[x, x^2]"), "x")
			_, err := q.ValueGrad(make([]float64, 1), []float64{1})
			return err
		}, "the gradient needs a scalar function, not a vector (2): use Jacobian or VJP"},
		{"a gradient of the wrong length", func(p *Program) error {
			_, err := p.ValueGrad(make([]float64, 1), []float64{1, 2})
			return err
		}, "grad has 1 entries, but the inputs have 2"},
		{"a size from a variable the program has lost", func(p *Program) error {
			// ∂(cᵀx)/∂x is cᵀ, without x: x's value still sizes c.
			f, _ := ParseWith("c' x", &ParseOptions{Vectors: []string{"c", "x"}})
			d, err := Derive(context.Background(), f, []string{"x"}, nil)
			if err != nil {
				return err
			}
			q, err := Compile(d.Expr)
			if err != nil {
				return err
			}
			if err := q.Bind("x", []float64{0, 0}); err != nil {
				return err
			}
			return q.Bind("c", []float64{1, 2, 3})
		}, "x has 2 entries but c has 3, and both are the size m"},
	}
	for _, tt := range tests {
		p, err := Compile(f, "θ")
		if err != nil {
			t.Fatal(err)
		}
		if err := tt.run(p); err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := Compile(f, "theta"); err == nil || err.Error() != "nabla: Compile: the expression has no variable theta to take as an input; did you mean θ?; declare it to take it all the same" {
		t.Errorf("Compile with theta: %v", err)
	}
}

// TestZeroProgram checks that the zero Program gives errors, never a
// panic.
func TestZeroProgram(t *testing.T) {
	var p Program
	var m mat.Dense
	errs := []error{
		func() error { _, err := p.Value(nil); return err }(),
		func() error { _, err := p.ValueGrad(nil, nil); return err }(),
		p.Jacobian(&m, nil), p.Hessian(&m, nil), p.HVP(nil, nil, nil), p.JVP(nil, nil, nil), p.VJP(nil, nil, nil),
		p.Bind("x", 1.0), p.SetSize("n", 2), p.Batch(nil, &m, mat.NewDense(1, 1, nil)),
	}
	for i, err := range errs {
		if err == nil || err.Error() != "nabla: the zero Program compiles nothing; use Compile" {
			t.Errorf("call %d: %v", i, err)
		}
	}
	p.SetPropagate(true)
	if p.Data() != nil || len(p.Inputs()) != 0 {
		t.Error("the zero Program has data or inputs")
	}
}

// TestPropagate checks that a program asked to propagate NaN and
// infinities gives what IEEE arithmetic gives.
func TestPropagate(t *testing.T) {
	p, err := Compile(MustParse("log(x) + 1/y"), "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Value([]float64{-1, 1}); err == nil {
		t.Fatal("log(-1): no error")
	}
	p.SetPropagate(true)
	v, err := p.Value([]float64{-1, 1})
	if err != nil || !math.IsNaN(v) {
		t.Errorf("log(-1) + 1 = %v, %v; want NaN", v, err)
	}
	g := make([]float64, 2)
	v, err = p.ValueGrad(g, []float64{1, 0})
	if err != nil || !math.IsNaN(v) || g[0] != 1 || !math.IsNaN(g[1]) {
		t.Errorf("at y = 0: %v %v %v; want NaN, outside the domain of 1/y, and a gradient [1 NaN]", v, g, err)
	}
	v, err = p.Value([]float64{math.Inf(1), 1})
	if err != nil || !math.IsInf(v, 1) {
		t.Errorf("at x = +Inf: %v %v; want +Inf", v, err)
	}
	v, err = p.Value([]float64{math.NaN(), 1})
	if err != nil || !math.IsNaN(v) {
		t.Errorf("at x = NaN: %v %v", v, err)
	}
}
