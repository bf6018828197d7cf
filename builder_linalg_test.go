package nabla

import (
	"slices"
	"testing"
)

// shapesOpts declares, with sizes named by the user, what the builders
// below build.
var shapesOpts = &ParseOptions{Shapes: map[string][]string{
	"A": {"m", "n"}, "x": {"n"}, "y": {"m"}, "b": {"m"}, "s": {}, "B": {"n", "n"},
}}

// TestLinalgBuilders checks that the builders make what Parse makes with
// the same declarations.
func TestLinalgBuilders(t *testing.T) {
	A, x, y, B := MatVar("A", "m", "n"), VecVar("x", "n"), VecVar("y", "m"), MatVar("B", "n", "n")
	tests := []struct {
		built Expr
		src   string
	}{
		{MatMul(A, x), "A x"},
		{Sub(MatMul(A, x), y), "A x - y"},
		{Norm(Sub(y, MatMul(A, x))), "norm(y - A x)"},
		{Dot(x, x), "x' x"},
		{MatMul(T(x), B, x), "x' B x"},
		{Add(Tr(B), Det(B), LogDet(B)), "tr(B) + det(B) + logdet(B)"},
		{MatMul(Inv(B), x), "inv(B) x"},
		{Sum(Hadamard(x, x)), "sum(x .* x)"},
		{Diag(x), "diag(x)"},
		{Mul(Var("s"), x), "s x"},
		{Sin(x), "sin(x)"},
	}
	for _, tt := range tests {
		builtAsParsed(t, tt.built, tt.src, shapesOpts)
	}
}

// builtAsParsed checks that built, made by the builders, is what the
// parser makes of src, dimensions included.
func builtAsParsed(t *testing.T, built Expr, src string, opts *ParseOptions) {
	t.Helper()
	want, err := ParseWith(src, opts)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	if err := built.Err(); err != nil {
		t.Errorf("%s: the builders fail: %v", src, err)
		return
	}
	if !built.Equal(want) {
		t.Errorf("built %s, parsed %s", built, want)
	}
	if !slices.Equal(built.Dims(), want.Dims()) {
		t.Errorf("%s: dims %v, parsed %v", src, built.Dims(), want.Dims())
	}
}

// TestLinalgBuilderErrors checks that sizes that do not fit give invalid
// expressions that say why.
func TestLinalgBuilderErrors(t *testing.T) {
	A, x, y := MatVar("A", "m", "n"), VecVar("x", "n"), VecVar("y", "m")
	tests := []struct {
		e    Expr
		want string
	}{
		{MatMul(A, y), "nabla: MatMul needs factors whose columns match the rows of the next, not matrix (m×n) and vector (m)"},
		{Add(x, y), "nabla: Add needs operands of one shape, not vector (n) and vector (m)"},
		{Det(A), "nabla: Det needs a square matrix, not matrix (m×n)"},
		{VecVar("x", "0"), "nabla: x: the size 0 is not positive"},
		{VecVar("x", "n+1"), `nabla: x: the size "n+1" is neither a number nor a name`},
		{MatVar("sin", "m", "n"), `nabla: "sin" is not a variable name (a letter then letters, digits or _, and not a function or constant)`},
		{Norm(MatMul(A, y)), "nabla: MatMul needs factors whose columns match the rows of the next, not matrix (m×n) and vector (m)"},
	}
	for _, tt := range tests {
		if err := tt.e.Err(); err == nil || err.Error() != tt.want {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
}

// TestShapeTellsScalars checks that Shape tells a scalar from a value of
// symbolic size.
func TestShapeTellsScalars(t *testing.T) {
	tests := []struct {
		e    Expr
		want []int
	}{
		{Var("s"), []int{}},
		{VecVar("x", "n"), []int{-1}},
		{MatVar("A", "m", "3"), []int{-1, 3}},
		{VecVar("x", "3"), []int{3}},
		{Dot(VecVar("x", "n"), VecVar("x", "n")), []int{}},
	}
	for _, tt := range tests {
		if got := tt.e.Shape(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Shape() = %v, want %v", tt.e, got, tt.want)
		}
	}
}

// TestCompileBuilt compiles what the builders make and fits sizes from
// the data bound.
func TestCompileBuilt(t *testing.T) {
	A, x, b := MatVar("A", "m", "n"), VecVar("x", "n"), VecVar("b", "m")
	r := Sub(MatMul(A, x), b)
	f := Dot(r, r)
	p, err := Compile(f, "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Bind("A", Tensor{Shape: []int{3, 2}, Data: []float64{1, 0, 0, 1, 1, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Bind("b", []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	g := make([]float64, 2)
	v, err := p.ValueGrad(g, []float64{1, 2})
	// r = [0, 0, 0]: the loss and its gradient 2Aᵀr are 0.
	if err != nil || v != 0 || !slices.Equal(g, []float64{0, 0}) {
		t.Errorf("ValueGrad = %v %v %v", v, g, err)
	}
	if err := p.Bind("b", []float64{1, 2}); err == nil || err.Error() != "A has 3 rows but b has 2 entries, and both are the size m" {
		t.Errorf("Bind b of 2 entries: %v", err)
	}
	if _, err := p.ValueGrad(make([]float64, 3), []float64{1, 2, 3}); err == nil {
		t.Error("3 inputs for x of size 2: no error")
	}
}
