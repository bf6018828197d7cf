package expr

import (
	"math"
	"testing"

	"github.com/nabla-math/nabla/internal/tensor"
)

// TestMatPowForms checks the canonical forms of matrix powers, and that
// matrix products collect the powers of a common base.
func TestMatPowForms(t *testing.T) {
	n := Dim{N: 3}
	X := NewSym("X", NewShape(n, n))
	W := NewSymmetric("W", NewShape(n, n))
	v := NewSym("v", NewShape(n))
	x2, x3, xm2 := MatPow(X, 2), MatPow(X, 3), MatPow(X, -2)
	if x2.Op() != OpMatPow || xm2.Op() != OpMatPow || x2.Shape() != X.Shape() {
		t.Fatalf("X^2 is %s of shape %s, X^-2 is %s", x2.Info().Name, x2.Shape(), xm2.Info().Name)
	}
	tests := []struct {
		name      string
		got, want *Node
	}{
		{"X^0 = I", MatPow(X, 0), Identity(n)},
		{"X^1 = X", MatPow(X, 1), X},
		{"X^-1 = inv(X)", MatPow(X, -1), Inv(X)},
		{"(X^2)^3 = X^6", MatPow(x2, 3), MatPow(X, 6)},
		{"inv(X)^2 = X^-2", MatPow(Inv(X), 2), xm2},
		{"inv(X^2) = X^-2", Inv(x2), xm2},
		{"(X^2)^-1 = X^-2", MatPow(x2, -1), xm2},
		{"(Xᵀ)^2 = (X^2)ᵀ", MatPow(Transpose(X), 2), Transpose(x2)},
		{"(2X)^2 = 4X^2", MatPow(Mul(two, X), 2), Mul(Int64(4), x2)},
		{"diag(v)^2 = diag(v.^2)", MatPow(Diag(v), 2), Diag(Pow(v, two))},
		{"I^5 = I", MatPow(Identity(n), 5), Identity(n)},
		{"X X = X^2", MatMul(X, X), x2},
		{"X X^2 = X^3", MatMul(X, x2), x3},
		{"X^2 X^-2 = I", MatMul(x2, xm2), Identity(n)},
		{"X X^-2 = inv(X)", MatMul(X, xm2), Inv(X)},
		{"inv(X) inv(X) = X^-2", MatMul(Inv(X), Inv(X)), xm2},
		// Powers combine within the bound that text reads back.
		{"X^500 X^500 = X^1000", MatMul(MatPow(X, 500), MatPow(X, 500)), MatPow(X, 1000)},
		{"X^990 X^11 stays", MatMul(MatPow(X, 990), MatPow(X, 11)).Arg(0), MatPow(X, 990)},
		{"(X^500)^3 stays", MatPow(MatPow(X, 500), 3).Arg(0), MatPow(X, 500)},
		{"Xᵀ Xᵀ = (X^2)ᵀ", MatMul(Transpose(X), Transpose(X)), Transpose(x2)},
		{"v vᵀ v vᵀ stays", MatMul(v, Transpose(v), v, Transpose(v)).Arg(0), v},
		{"(W^2)ᵀ = W^2", Transpose(MatPow(W, 2)), MatPow(W, 2)},
		{"det(X^3) = det(X)^3", Det(x3), Pow(Det(X), Int64(3))},
		{"logdet(X^3) = 3logdet(X)", LogDet(x3), Mul(Int64(3), LogDet(X))},
		{"scalar power", MatPow(NewSym("s", Scalar), 3), Pow(NewSym("s", Scalar), Int64(3))},
	}
	for _, tt := range tests {
		if !Equal(tt.got, tt.want) {
			t.Errorf("%s: got op %s", tt.name, tt.got.Info().Name)
		}
	}
	if l := LogDet(x2); l.Op() != OpLogDet {
		t.Errorf("logdet(X^2) became %s: det(X^2) > 0 where det(X) < 0", l.Info().Name)
	}
	// A small power of a literal multiplies out.
	m := NewMatrix(NewShape(Dim{N: 2}, Dim{N: 2}), nil, []*Node{Int64(1), Int64(2), Int64(3), Int64(4)})
	p := MatPow(m, 3)
	want := []int64{37, 54, 81, 118}
	for k, w := range want {
		if p.Op() != OpMatrix || !p.Entry(k).IsNum(w) {
			t.Fatalf("[[1, 2], [3, 4]]^3 is not [[37, 54], [81, 118]]")
		}
	}
}

// TestKronForms checks the canonical forms of Kronecker products and the
// identities the other constructors apply to them.
func TestKronForms(t *testing.T) {
	m, p := Dim{N: 3}, Dim{N: 2}
	A := NewSym("A", NewShape(m, m))
	B := NewSym("B", NewShape(p, p))
	R := NewSym("R", NewShape(m, p))
	u := NewSym("u", NewShape(m))
	w := NewSym("w", NewShape(p))
	s := NewSym("s", Scalar)
	k := Kron(A, B)
	if k.Op() != OpKron || k.Shape() != NewShape(Dim{N: 6}, Dim{N: 6}) {
		t.Fatalf("kron(A, B) is %s of shape %s", k.Info().Name, k.Shape())
	}
	if got := Kron(R, u).Shape(); got != NewShape(Dim{N: 9}, Dim{N: 2}) {
		t.Errorf("kron(R, u) has shape %s, want 9×2", got)
	}
	if got := Kron(u, w).Shape(); got != NewShape(Dim{N: 6}) {
		t.Errorf("kron(u, w) has shape %s, want 6", got)
	}
	tests := []struct {
		name      string
		got, want *Node
	}{
		{"s ⊗ A = s A", Kron(s, A), Mul(s, A)},
		{"u ⊗ wᵀ = u wᵀ", Kron(u, Transpose(w)), MatMul(u, Transpose(w))},
		{"wᵀ ⊗ u = u wᵀ", Kron(Transpose(w), u), MatMul(u, Transpose(w))},
		{"(A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ", Transpose(k), Kron(Transpose(A), Transpose(B))},
		{"(2A) ⊗ B = 2(A ⊗ B)", Kron(Mul(two, A), B), Mul(two, k)},
		{"tr(A ⊗ B) = tr(A) tr(B)", Trace(k), Mul(Trace(A), Trace(B))},
		{"sum(A ⊗ B) = sum(A) sum(B)", Sum(k), Mul(Sum(A), Sum(B))},
		{"‖A ⊗ B‖ = ‖A‖ ‖B‖", Norm(k), Mul(Norm(A), Norm(B))},
		{"inv(A ⊗ B) = inv(A) ⊗ inv(B)", Inv(k), Kron(Inv(A), Inv(B))},
		{"I ⊗ I = I", Kron(Identity(m), Identity(p)), Identity(Dim{N: 6})},
	}
	for _, tt := range tests {
		if !Equal(tt.got, tt.want) {
			t.Errorf("%s: got op %s", tt.name, tt.got.Info().Name)
		}
	}
	if tr := Trace(Kron(R, Transpose(R))); tr.Op() != OpTrace {
		t.Errorf("tr(R ⊗ Rᵀ) of non-square operands became %s", tr.Info().Name)
	}
	// Literals multiply out: [1, 2] ⊗ [[0, 1]] is [[0, 1], [0, 2]].
	a := Vec(Int64(1), Int64(2))
	b := NewMatrix(NewShape(Dim{N: 1}, Dim{N: 2}), nil, []*Node{Int64(0), Int64(1)})
	got := Kron(a, b)
	for i, w := range []int64{0, 1, 0, 2} {
		if got.Op() != OpMatrix || !got.Entry(i).IsNum(w) {
			t.Fatalf("[1, 2] ⊗ [[0, 1]] is not [[0, 1], [0, 2]]")
		}
	}
	// Symbolic sizes multiply as products of sizes.
	S := NewSym("S", NewShape(Dim{Sym: "m"}, Dim{Sym: "n"}))
	T := NewSym("T", NewShape(Dim{Sym: "p"}, Dim{Sym: "q"}))
	if got := Kron(S, T).Shape().String(); got != "m·p×n·q" {
		t.Errorf("kron(S, T) has shape %s, want m·p×n·q", got)
	}
}

// TestDimProduct checks products of sizes and their settling by the sizes
// of the factors.
func TestDimProduct(t *testing.T) {
	m, p := Dim{Sym: "m"}, Dim{Sym: "p"}
	if got := DimProduct(Dim{N: 2}, Dim{N: 3}); got != (Dim{N: 6}) {
		t.Errorf("2·3 = %v", got)
	}
	if got := DimProduct(dimOne, m); got != m {
		t.Errorf("1·m = %v", got)
	}
	mp := DimProduct(m, DimProduct(Dim{N: 2}, p))
	if mp.Sym != "m·2·p" {
		t.Fatalf("m·(2·p) = %v", mp)
	}
	if fs := mp.Factors(); len(fs) != 3 || fs[0] != m || fs[1] != (Dim{N: 2}) || fs[2] != p {
		t.Errorf("the factors of %s are %v", mp.Sym, fs)
	}
	S := NewSym("S", NewShape(m, Dim{Sym: "n"}))
	T := NewSym("T", NewShape(p, Dim{Sym: "q"}))
	k := Kron(S, T)
	sizes := map[string]int{"m": 2, "n": 3, "p": 4, "q": 5}
	dims, err := Settle(Identity(k.Shape().Dim(0)), nil, func(d Dim) (int, bool) { v, ok := sizes[d.Sym]; return v, ok })
	if err != nil || len(dims) != 2 || dims[0] != 8 || dims[1] != 8 {
		t.Errorf("the identity of size m·p settles to %v, %v; want 8×8", dims, err)
	}
}

// TestReductionForms checks mean, prod and min of literals and constants.
func TestReductionForms(t *testing.T) {
	v := Vec(Int64(1), Int64(2), Int64(6))
	x := NewSym("x", NewShape(Dim{N: 3}))
	tests := []struct {
		name string
		got  *Node
		want int64
	}{
		{"mean([1, 2, 6])", Mean(v), 3},
		{"prod([1, 2, 6])", Prod(v), 12},
		{"min(2 ones)", Min(Mul(two, Ones(x.Shape()))), 2},
		{"prod(2 ones)", Prod(Mul(two, Ones(x.Shape()))), 8},
		{"sum(ones)", Sum(Ones(x.Shape())), 3},
		{"mean(7)", Mean(Int64(7)), 7},
	}
	for _, tt := range tests {
		if !tt.got.IsNum(tt.want) {
			t.Errorf("%s is not %d", tt.name, tt.want)
		}
	}
	for _, n := range []*Node{Mean(x), Prod(x), Min(x)} {
		if len(n.Args()) != 1 || n.Args()[0] != x || !n.Shape().IsScalar() {
			t.Errorf("%s(x) is not a node of x", n.Info().Name)
		}
	}
	if got := Sum(Ones(NewShape(Dim{Sym: "n"}))); got.Op() != OpSum {
		t.Errorf("sum(ones) of a symbolic size became %s", got.Info().Name)
	}
}

// TestSoftmaxDimForms checks softmax(z, d) of vectors and rows, which are
// softmax(z) or 1, and its Check.
func TestSoftmaxDimForms(t *testing.T) {
	z := NewSym("z", NewShape(Dim{N: 3}))
	Z := NewSym("Z", NewShape(Dim{N: 2}, Dim{N: 3}))
	if got := SoftmaxDim(z, 1); !Equal(got, Softmax(z)) {
		t.Errorf("softmax(z, 1) is %s", got.Info().Name)
	}
	if got := SoftmaxDim(z, 2); !Equal(got, Ones(z.Shape())) {
		t.Errorf("softmax(z, 2) is %s, not ones", got.Info().Name)
	}
	if got := SoftmaxDim(Transpose(z), 2); !Equal(got, Transpose(Softmax(z))) {
		t.Errorf("softmax(zᵀ, 2) is %s", got.Info().Name)
	}
	if got := SoftmaxDim(Z, 2); got.Op() != OpSoftmaxDim || got.Shape() != Z.Shape() {
		t.Errorf("softmax(Z, 2) is %s of shape %s", got.Info().Name, got.Shape())
	}
	check := Ops[OpSoftmaxDim].Check
	for _, tt := range []struct {
		dim *Node
		ok  bool
	}{{Int64(1), true}, {Int64(2), true}, {Int64(3), false}, {NewSym("d", Scalar), false}} {
		if got := check([]*Node{Z, tt.dim}) == ""; got != tt.ok {
			t.Errorf("Check of softmax(Z, %v): %v, want %v", tt.dim.num, got, tt.ok)
		}
	}
	check = Ops[OpMatPow].Check
	for _, tt := range []struct {
		k  *Node
		ok bool
	}{{Int64(0), true}, {Int64(-1000), true}, {Int64(1000), true}, {Int64(1001), false}, {NewConst(Rat(1, 2)), false}, {NewConst(Float(2)), false}, {NewSym("k", Scalar), false}} {
		if got := check([]*Node{Z, tt.k}) == ""; got != tt.ok {
			t.Errorf("Check of a matrix power: %v, want %v", got, tt.ok)
		}
	}
}

// TestSoftmaxAlong checks the kernel of softmax(Z, d): each column or row
// sums to 1 and is the softmax of that column or row, without overflow.
func TestSoftmaxAlong(t *testing.T) {
	z := tensor.T{Shape: []int{2, 3}, Data: []float64{1, 2, 3, 1000, 1000, -1000}}
	rows := tensor.New(2, 3)
	if err := softmaxAlong(rows, z, 2); err != nil {
		t.Fatal(err)
	}
	e := math.Exp
	s := e(1) + e(2) + e(3)
	want := []float64{e(1) / s, e(2) / s, e(3) / s, 0.5, 0.5, 0}
	for i, w := range want {
		if math.Abs(rows.Data[i]-w) > 1e-15 {
			t.Errorf("softmax(Z, 2): entry %d is %v, want %v", i, rows.Data[i], w)
		}
	}
	cols := tensor.New(2, 3)
	if err := softmaxAlong(cols, z, 1); err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 3; j++ {
		if s := cols.Data[j] + cols.Data[3+j]; math.Abs(s-1) > 1e-15 {
			t.Errorf("softmax(Z, 1): column %d sums to %v", j, s)
		}
	}
	if cols.Data[0] != 0 || cols.Data[3] != 1 || cols.Data[2] != 1 || cols.Data[5] != 0 {
		t.Errorf("softmax(Z, 1) = %v", cols.Data)
	}
	if err := softmaxAlong(cols, z, 3); err == nil {
		t.Error("softmax along dimension 3 gives no error")
	}
}
