package nabla

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// partTexts spells a derivative as its blocks print, "label = text" one
// a line, or as its text when it is whole.
func partTexts(d *Derivative) string {
	if d.Blocks == nil {
		if d.Tensor != nil {
			return "df = " + d.Tensor.Differential.String()
		}
		return d.Expr.String()
	}
	var lines []string
	for _, b := range d.Blocks {
		s := b.Label() + " = "
		if b.Tensor != nil {
			s += "df = " + b.Tensor.Differential.String()
		} else {
			s += b.Expr.String()
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}

// numericGradient is the gradient of the scalar f at env by central
// differences, flat over the variables wrt; a symmetric matrix moves
// along symmetric directions (E_pq + E_qp)/2.
func numericGradient(t *testing.T, f Expr, env map[string]Tensor, wrt []string) []float64 {
	t.Helper()
	const h = 1e-6
	var out []float64
	for _, w := range wrt {
		x := env[w]
		symmetric := findVar(f.n, w) != nil && findVar(f.n, w).IsSymmetric()
		for k := range x.Data {
			at := func(delta float64) float64 {
				e := maps.Clone(env)
				data := slices.Clone(x.Data)
				if symmetric {
					n := x.Shape[0]
					data[k] += delta / 2
					data[(k%n)*n+k/n] += delta / 2
				} else {
					data[k] += delta
				}
				e[w] = Tensor{Shape: x.Shape, Data: data}
				v, err := f.Value(e)
				if err != nil {
					t.Fatal(err)
				}
				return v.Data[0]
			}
			out = append(out, (at(h)-at(-h))/(2*h))
		}
	}
	return out
}

// TestWrongAnswersFixed checks, as text and against central differences,
// the derivatives that were once wrong without a word: several variables
// of different shapes, symmetric matrices, norm subscripts, entries,
// kinks.
func TestWrongAnswersFixed(t *testing.T) {
	vx := &ParseOptions{Vectors: []string{"x"}}
	tests := []struct {
		name string
		src  string
		opts *ParseOptions
		wrt  []string
		want string
		env  map[string]Tensor
	}{
		{"vector and scalar", "x' x + y^2", vx, []string{"x", "y"}, "∂f/∂x = 2xᵀ\n∂f/∂y = 2y",
			map[string]Tensor{"x": {Shape: []int{2}, Data: []float64{1, 2}}, "y": {Data: []float64{3}}}},
		{"least squares, every variable", "||y - Φ θ||^2", &ParseOptions{Vectors: []string{"y", "θ"}, Matrices: []string{"Φ"}},
			[]string{"y", "Φ", "θ"}, "∂f/∂y = 2(y - Φ θ)ᵀ\n∂f/∂Φ = -2(y - Φ θ) θᵀ\n∂f/∂θ = -2(y - Φ θ)ᵀ Φ",
			map[string]Tensor{"y": {Shape: []int{3}, Data: []float64{1, -2, 0.5}}, "θ": {Shape: []int{2}, Data: []float64{0.3, -1}},
				"Φ": {Shape: []int{3, 2}, Data: []float64{1, 2, -1, 0.5, 3, 1}}}},
		{"symmetric matrix", "a' W b", &ParseOptions{Vectors: []string{"a", "b"}, Symmetric: []string{"W"}}, []string{"W"}, "(a bᵀ + b aᵀ)/2",
			map[string]Tensor{"a": {Shape: []int{2}, Data: []float64{1, 2}}, "b": {Shape: []int{2}, Data: []float64{-1, 3}},
				"W": {Shape: []int{2, 2}, Data: []float64{2, 1, 1, 4}}}},
		{"symmetric matrix among others", "x' W x + s x' a", &ParseOptions{Vectors: []string{"a", "x"}, Symmetric: []string{"W"}},
			[]string{"W", "x", "s"}, "∂f/∂W = x xᵀ\n∂f/∂x = s aᵀ + 2xᵀ W\n∂f/∂s = xᵀ a",
			map[string]Tensor{"a": {Shape: []int{2}, Data: []float64{1, 2}}, "x": {Shape: []int{2}, Data: []float64{-1, 3}},
				"W": {Shape: []int{2, 2}, Data: []float64{2, 1, 1, 4}}, "s": {Data: []float64{0.5}}}},
		{"2-norm squared", "||w||_2^2", &ParseOptions{Vectors: []string{"w"}}, []string{"w"}, "2wᵀ",
			map[string]Tensor{"w": {Shape: []int{3}, Data: []float64{1, -2, 0.5}}}},
		{"Unicode norm", "‖w‖₂²", &ParseOptions{Vectors: []string{"w"}}, []string{"w"}, "2wᵀ",
			map[string]Tensor{"w": {Shape: []int{3}, Data: []float64{1, -2, 0.5}}}},
		{"1-norm", "||w||_1", &ParseOptions{Vectors: []string{"w"}}, []string{"w"}, "sign(w)ᵀ",
			map[string]Tensor{"w": {Shape: []int{3}, Data: []float64{1, -2, 0.5}}}},
		{"3-norm", "||w||_3", &ParseOptions{Vectors: []string{"w"}}, []string{"w"}, "(w.^2 .* sign(w))ᵀ/sum(abs(w).^3)^(2/3)",
			map[string]Tensor{"w": {Shape: []int{3}, Data: []float64{1, -2, 0.5}}}},
		{"max-norm", "||w||_inf", &ParseOptions{Vectors: []string{"w"}}, []string{"w"}, "(sign(w) .* ismax(abs(w)))ᵀ/sum(ismax(abs(w)))",
			map[string]Tensor{"w": {Shape: []int{3}, Data: []float64{1, -2, 0.5}}}},
		{"Frobenius norm", "||X||_F", &ParseOptions{Matrices: []string{"X"}}, []string{"X"}, "X/norm(X)",
			map[string]Tensor{"X": {Shape: []int{2, 2}, Data: []float64{1, -2, 0.5, 3}}}},
		{"an entry", "x' X x", &ParseOptions{Vectors: []string{"x"}, Matrices: []string{"X"}}, []string{"X[1,2]"}, "x[1] x[2]", nil},
		{"an entry of a symmetric matrix", "x' W x", &ParseOptions{Vectors: []string{"x"}, Symmetric: []string{"W"}}, []string{"W[1,2]"}, "2x[1] x[2]", nil},
		{"entries as expressions", "w[1]^2 + w[2] w[3]", &ParseOptions{Vectors: []string{"w"}}, []string{"w"}, "(2w[1] unit(1) + w[2] unit(3) + w[3] unit(2))ᵀ",
			map[string]Tensor{"w": {Shape: []int{3}, Data: []float64{1, -2, 0.5}}}},
		{"a kink", "x abs(x)", nil, []string{"x"}, "2abs(x)", map[string]Tensor{"x": {Data: []float64{0}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseWith(tt.src, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			kind := KindGradient
			if len(tt.wrt) == 1 && (strings.Contains(tt.wrt[0], "[") || tt.opts == nil) {
				kind = KindAuto // one scalar or entry: the derivative, not its 1×1 row
			}
			d, err := Derive(context.Background(), f, tt.wrt, &DeriveOptions{Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			if got := partTexts(d); got != tt.want {
				t.Errorf("%s:\n%s\nwant:\n%s", tt.src, got, tt.want)
			}
			if tt.env == nil {
				return
			}
			got, err := d.Value(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			want := numericGradient(t, f, tt.env, tt.wrt)
			if len(got.Data) != len(want) {
				t.Fatalf("%d entries, want %d", len(got.Data), len(want))
			}
			for i := range want {
				if math.Abs(got.Data[i]-want[i]) > 1e-6*(1+math.Abs(want[i])) {
					t.Errorf("entry %d is %v, finite differences give %v", i, got.Data[i], want[i])
				}
			}
		})
	}
}

// TestRefusals checks the derivatives nabla refuses, each with an error
// that says why.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name, src string
		opts      *ParseOptions
		wrt       []string
		kind      Kind
		order     int
		want      string
		unsup     bool
	}{
		{"a Hessian over a matrix", "||X w - y||^2 + λ ||w||^2", &ParseOptions{Vectors: []string{"y", "w"}, Matrices: []string{"X"}},
			[]string{"X", "w"}, KindHessian, 0,
			"the Hessian with respect to the matrix X and other variables is not available: ask for the Hessian with respect to X alone, a tensor of rank 4", true},
		{"a tensor of order 3", "R' R", &ParseOptions{Matrices: []string{"R"}}, []string{"R"}, KindAuto, 3,
			"with respect to the matrix R only the first derivative is available, and the second as the Hessian (nabla hessian)", true},
		{"a where-defined name", "x1 + x2 where x1 = sin(t), x2 = t^2", nil, []string{"x1"}, KindAuto, 0,
			"x1 is defined by the where clause (x1 = sin(t)), so the expression is in terms of the variables of its definition: differentiate with respect to those, or use --chain (ChainRule) to see ∂f/∂x1", false},
		{"an entry out of range", "x' x", &ParseOptions{Vectors: []string{"x"}, Dims: map[string]int{"m": 2}}, []string{"x[3]"}, KindAuto, 0,
			"cannot differentiate with respect to x[3]: index 3 out of range 1…2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseWith(tt.src, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Derive(context.Background(), f, tt.wrt, &DeriveOptions{Kind: tt.kind, Order: tt.order})
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			var u *UnsupportedError
			if errors.As(err, &u) != tt.unsup {
				t.Errorf("an *UnsupportedError: %v, want %v", !tt.unsup, tt.unsup)
			}
		})
	}
}

// TestAbsentVariables checks that a derivative with respect to a name the
// expression lacks is 0 with a note that finds the nearest spelling, and
// an error when strict.
func TestAbsentVariables(t *testing.T) {
	f := MustParse("θ^2 + x")
	d, err := Derive(context.Background(), f, []string{"theta"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Expr.String() != "0" || len(d.Notes) != 1 {
		t.Fatalf("d/dtheta = %s with notes %v", d.Expr, d.Notes)
	}
	want := "theta does not occur in the expression, so the derivative with respect to it is 0; did you mean θ?"
	if got := d.Notes[0].Error(); got != want {
		t.Errorf("note %q, want %q", got, want)
	}
	if _, err := Derive(context.Background(), f, []string{"theta"}, &DeriveOptions{Strict: true}); err == nil || err.Error() != want {
		t.Errorf("strict: %v", err)
	}
	z, err := f.Diff("theta")
	var absent *AbsentError
	if !errors.As(err, &absent) || z.String() != "0" || absent.Suggests[0] != "θ" {
		t.Errorf("Diff(theta) = %s, %v", z, err)
	}
}

// TestLibraryNeverPanics checks the library's answers to user data that
// once panicked or misled.
func TestLibraryNeverPanics(t *testing.T) {
	x := Var("x")
	for _, e := range []Expr{
		Mul(Float(math.NaN()), x), Float(math.Inf(1)), Var("x y"), Var("pi"), Rational(1, 0),
		Div(x, Int(0)), Pow(Int(0), Int(-1)), Expr{},
	} {
		if e.Err() == nil {
			t.Errorf("%s is valid", e)
		}
		if _, err := e.Diff("x"); err == nil {
			t.Errorf("Diff of %s: no error", e)
		}
		if _, err := e.Eval(map[string]float64{"x": 1}); err == nil {
			t.Errorf("Eval of %s: no error", e)
		}
	}
	if got := Mul(Float(math.NaN()), x).String(); got != "<invalid: nabla: Float(NaN): not a finite number>" {
		t.Errorf("String = %q", got)
	}
	v, _ := ParseWith("x", &ParseOptions{Vectors: []string{"x"}})
	if _, err := v.Value(map[string]Tensor{"x": {Shape: []int{3}, Data: []float64{1, 2}}}); err == nil ||
		err.Error() != "the value of x has 2 entries, but its shape [3] needs 3" {
		t.Errorf("a Tensor whose data does not fit its shape: %v", err)
	}
	data := []float64{1, 2}
	got, err := v.Value(map[string]Tensor{"x": {Shape: []int{2}, Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	got.Data[0] = 99
	if data[0] != 1 {
		t.Error("Value returned the caller's slice")
	}
	if _, err := ParseWith("x", &ParseOptions{Vectors: []string{"x"}, Matrices: []string{"x"}}); err == nil ||
		err.Error() != "x is declared both a vector and a matrix" {
		t.Errorf("a name declared twice: %v", err)
	}
	g, _ := ParseWith("x' x + y^2", &ParseOptions{Vectors: []string{"x"}})
	if _, err := Grad(g, "x", "y"); err == nil || !strings.Contains(err.Error(), "comes in blocks, one per variable: use Derive") {
		t.Errorf("Grad over a vector and a scalar: %v", err)
	}
	if e := MustParse("x").Entry(5); e.Err() == nil {
		t.Errorf("Entry(5) of a scalar: %s", e)
	}
}

// TestAPIMisuse checks what an embedder met: results that shared the
// program's storage, nil destinations that panicked, an order that
// Derive ignored, an operand-less MatMul that panicked.
func TestAPIMisuse(t *testing.T) {
	p, err := Compile(MustParse("[x, 2x, x^2]"), "x")
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]float64, 3)
	shape, err := p.ValueTo(dst, []float64{2})
	if err != nil {
		t.Fatal(err)
	}
	shape[0] = 1 // the caller's copy
	if again, err := p.ValueTo(dst, []float64{2}); err != nil || len(again) != 1 || again[0] != 3 {
		t.Errorf("ValueTo after its shape was changed: %v, %v; want [3]", again, err)
	}
	if err := p.Jacobian(nil, []float64{2}); err == nil {
		t.Error("Jacobian into nil: no error")
	}
	if err := p.Hessian(nil, []float64{2}); err == nil {
		t.Error("Hessian into nil: no error")
	}

	q, err := Compile(MustParse("x^2 y"), "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	values := make([]float64, 2)
	if err := q.Batch(values, nil, mat.NewDense(2, 2, []float64{1, 2, 3, 4})); err != nil || values[0] != 2 || values[1] != 36 {
		t.Errorf("Batch without gradients: %v, %v; want [2 36]", values, err)
	}

	f := MustParse("x^3 y")
	var ue *UnsupportedError
	for _, opts := range []*DeriveOptions{{Order: 2}, {Kind: KindGradient, Order: 5}, {Kind: KindHessian, Order: 3}} {
		if _, err := Derive(context.Background(), f, []string{"x", "y"}, opts); !errors.As(err, &ue) {
			t.Errorf("Derive(%+v) by x, y: %v, want an *UnsupportedError", *opts, err)
		}
	}
	if d, err := Derive(context.Background(), f, []string{"x"}, &DeriveOptions{Order: 2}); err != nil || d.Expr.String() != "6x y" {
		t.Errorf("Derive order 2 by x: %v, %v; want 6x y", d, err)
	}
	if _, err := Derive(context.Background(), f, []string{"x"}, &DeriveOptions{Kind: Kind(99)}); err == nil {
		t.Error("Derive of kind 99: no error")
	}
	if err := MatMul().Err(); err == nil {
		t.Error("MatMul(): no error")
	}

	// A VJP of a literal vector of scalars, which JVP and Jacobian
	// computed and VJP refused; and a u of the wrong length, which named
	// an internal input.
	r, err := Compile(MustParse("[x y, x + y, sin(x)]"), "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, 2)
	if err := r.VJP(g, []float64{1, 2}, []float64{1, 1, 1}); err != nil || math.Abs(g[0]-(3+math.Cos(1))) > 1e-15 || g[1] != 2 {
		t.Errorf("VJP of a literal: %v, %v; want [3 + cos(1), 2]", g, err)
	}
	if err := r.VJP(g, []float64{1, 2}, nil); err == nil || err.Error() != "u has 0 entries, but the function has 3" {
		t.Errorf("VJP with no u: %v", err)
	}

	// A symbolic size is settled once for the program, by whichever
	// evaluation comes first: Value with 3 entries and then ValueGrad
	// with 5 each settled their own.
	sf, err := ParseWith("sum(sin(θ)) + ||θ||^2", &ParseOptions{Vectors: []string{"θ"}})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := Compile(sf, "θ")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.Value([]float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := sp.ValueGrad(make([]float64, 5), []float64{1, 2, 3, 4, 5}); err == nil {
		t.Error("ValueGrad with 5 entries after Value with 3: no error")
	}
	if _, err := sp.ValueGrad(make([]float64, 3), []float64{1, 2, 3}); err != nil {
		t.Errorf("ValueGrad with 3 entries after Value with 3: %v", err)
	}
}
