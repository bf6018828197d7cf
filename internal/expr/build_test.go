package expr_test

import (
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
)

// TestConstructors checks the canonical forms the constructors build as
// the parser calls them: sums and products collected and sorted, powers
// folded, functions folded at exact points, and the matrix identities of
// the linear-algebra constructors.
func TestConstructors(t *testing.T) {
	decl := &parse.Options{Vars: map[string]expr.Shape{
		"u": expr.NewShape(expr.Dim{Sym: "#u"}),
		"v": expr.NewShape(expr.Dim{Sym: "#v"}),
		"A": expr.NewShape(expr.Dim{Sym: "#A.r"}, expr.Dim{Sym: "#A.c"}),
		"B": expr.NewShape(expr.Dim{Sym: "#B.r"}, expr.Dim{Sym: "#B.c"}),
	}}
	tests := []struct {
		name, src, want string
		matrices        bool
	}{
		{"like terms", "2x + 3x", "5x", false},
		{"numbers fold", "1/3 + 1/6", "1/2", false},
		{"number last", "3 + x", "x + 3", false},
		{"terms by degree", "6 + x + x^2 + 5x", "x^2 + 6x + 6", false},
		{"cancel", "x - x", "0", false},
		{"powers collect", "x x^2 x^a", "x^(a + 3)", false},
		{"coefficient first", "x*2*y*3", "6x y", false},
		{"zero product", "0 sin(x)", "0", false},
		{"power of a product", "(2x)^3", "8x^3", false},
		{"power of a power", "(x^2)^3", "x^6", false},
		{"exact root", "4^(1/2)", "2", false},
		{"inexact root stays", "2^(1/2)", "sqrt(2)", false},
		{"power of e", "e^x", "exp(x)", false},
		{"exp collects", "exp(x) exp(y)", "exp(x + y)", false},
		{"zero to a power stays", "0^x", "0^x", false},
		{"zero to a positive power", "0^2", "0", false},
		{"function folds", "sin(0) + cos(0) + log(1)", "1", false},
		{"float folds", "sin(0.5)", "0.479425538604203", false},
		{"transpose of a product", "(A B)'", "Bᵀ Aᵀ", true},
		{"transpose twice", "A''", "A", true},
		{"inverse of inverse", "inv(inv(A))", "A", true},
		{"inverse cancels", "A inv(A) B", "B", true},
		{"identity vanishes", "I A", "A", true},
		{"scalars move out", "A (2B)", "2A B", true},
		{"det of transpose", "det(A')", "det(A)", true},
		{"det of inverse", "det(inv(A))", "1/det(A)", true},
		{"trace is linear", "tr(2A + B)", "2tr(A) + tr(B)", true},
		{"diag of diag", "diag(diag(u))", "u", true},
		{"diag product", "diag(u) diag(v)", "diag(u .* v)", true},
		{"diag times a vector", "diag(u) v", "u .* v", true},
		{"norm of a scalar", "norm(x)", "abs(x)", true},
		{"sum of a scalar", "sum(x)", "x", true},
		{"zero matrix", "A - A", "0", true},
		{"a constant matrix", "exp(A - A)", "ones onesᵀ", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts *parse.Options
			if tt.matrices {
				opts = decl
			}
			n, err := parse.Parse(tt.src, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := format.Text(n); got != tt.want {
				t.Errorf("%s = %s, want %s", tt.src, got, tt.want)
			}
		})
	}
}

// TestUndefined checks that 0 to a negative power is kept as 1/0, the
// undefined value, which no number can absorb.
func TestUndefined(t *testing.T) {
	u := expr.Pow(expr.Int64(0), expr.Int64(-2))
	if got := format.Text(expr.Mul(expr.Int64(0), u)); got != "1/0" {
		t.Errorf("0 (1/0) = %s, want 1/0", got)
	}
}

// TestHashConsing checks that equal expressions built apart are one node.
func TestHashConsing(t *testing.T) {
	x, y := expr.NewSym("x", expr.Scalar), expr.NewSym("y", expr.Scalar)
	a := expr.Add(expr.Mul(expr.Int64(2), x), expr.Call(expr.OpSin, y))
	b := expr.Add(expr.Call(expr.OpSin, y), expr.Mul(x, expr.Int64(2)))
	if a != b {
		t.Errorf("2x + sin(y) built twice gives two nodes")
	}
	if expr.NewSym("x", expr.Scalar) == expr.NewSym("x", expr.NewShape(expr.Dim{N: 2})) {
		t.Error("a scalar x and a vector x are one node")
	}
}

// TestEqualAfterReset checks that Equal compares two graphs equal in
// structure but not in their nodes, as the table makes after emptying
// itself, in time of the size of the graphs: a tower of 60 levels whose
// tree has 2^60 nodes.
func TestEqualAfterReset(t *testing.T) {
	tower := func(depth int) *expr.Node {
		u := expr.NewSym("x", expr.Scalar)
		for range depth {
			u = expr.Add(expr.Call(expr.OpSin, u), expr.Call(expr.OpCos, u))
		}
		return u
	}
	a := tower(60)
	expr.ResetTable()
	b := tower(60)
	expr.ResetTable()
	c := expr.Add(tower(59), expr.Call(expr.OpSin, expr.NewSym("y", expr.Scalar)))
	if a == b {
		t.Fatal("the table did not empty itself: the test compares nothing")
	}
	if !expr.Equal(a, b) || !expr.Equal(b, a) {
		t.Error("Equal(tower, tower) = false")
	}
	if expr.Equal(a, c) {
		t.Error("Equal(tower, other) = true")
	}
}
