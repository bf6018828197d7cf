package expr

import (
	"errors"
	"slices"
	"testing"
)

// TestApply checks the nodes of declared functions: one node for each
// name, orders and operands, the orders of derivation read back, the
// partial derivatives of the table, rebuilding by New, and the shape
// rule.
func TestApply(t *testing.T) {
	x, y := NewSym("x", Scalar), NewSym("y", Scalar)
	f := NewApply("f", nil, x, y)
	if g := NewApply("f", []int{0, 0}, x, y); g != f {
		t.Error("f(x, y) with the orders 0 is not the node of f(x, y)")
	}
	if NewApply("g", nil, x, y) == f || NewApply("f", nil, y, x) == f || NewApply("f", []int{1, 0}, x, y) == f {
		t.Error("f(x, y) is the node of another function, operands or orders")
	}
	if f.Orders() != nil || f.Name() != "f" || f.Shape() != Scalar {
		t.Errorf("f(x, y): orders %v, name %q, shape %s", f.Orders(), f.Name(), f.Shape())
	}
	// ∂/∂argᵢ f^(α) = f^(α+eᵢ); partial derivatives commute.
	p := Ops[OpApply].Partial
	d1 := p(f, 0)
	d12 := p(d1, 1)
	if got := d1.Orders(); !slices.Equal(got, []int{1, 0}) {
		t.Errorf("∂f/∂x has the orders %v, want [1 0]", got)
	}
	if d21 := p(p(f, 1), 0); d21 != d12 || !slices.Equal(d12.Orders(), []int{1, 1}) {
		t.Errorf("∂₂₁f is not ∂₁₂f, orders %v", d12.Orders())
	}
	// New keeps the name and the orders, with new operands.
	z := NewSym("z", Scalar)
	if got := New(d12, []*Node{z, x}); got != NewApply("f", []int{1, 1}, z, x) {
		t.Errorf("New(∂₁₂f(x, y), [z, x]) lost what the node carries: %s %v", got.Name(), got.Orders())
	}
	if got := Substitute(d1, map[string]*Node{"x": Pow(z, two)}); got != NewApply("f", []int{1, 0}, Pow(z, two), y) {
		t.Errorf("substituting z^2 for x in ∂₁f(x, y) gives %s %v", got.Name(), got.Orders())
	}
	// Scalars of scalars.
	v := NewSym("v", NewShape(Dim{N: 3}))
	if _, need := Ops[OpApply].Shape([]Shape{Scalar, v.Shape()}, Fixed); need != "scalar arguments" {
		t.Errorf("f(x, v) needs %q, want scalar arguments", need)
	}
	if need := Ops[OpApply].Check(make([]*Node, MaxApplyArgs+1)); need != "1 to 9 arguments" {
		t.Errorf("f of 10 operands needs %q", need)
	}
}

// TestApplyNoValue checks that a declared function has no value, and
// that the other nodes do.
func TestApplyNoValue(t *testing.T) {
	x := NewSym("x", Scalar)
	f := NewApply("f", []int{2}, x)
	err := Valueless(f)
	var nv *NoValueError
	if !errors.As(err, &nv) || nv.Node != f || err.Error() != "f is an abstract function: it has no value" {
		t.Errorf("Valueless(f''(x)) = %v", err)
	}
	if err := CheckValues(Add(Call(OpSin, x), Mul(two, f))); !errors.As(err, &nv) || nv.Node != f {
		t.Errorf("CheckValues(sin(x) + 2f''(x)) = %v, want f''(x) without a value", err)
	}
	if err := CheckValues(Add(Call(OpSin, x), two)); err != nil {
		t.Errorf("CheckValues(sin(x) + 2) = %v", err)
	}
}

// TestApplyOrder checks the canonical order of declared functions: as
// factors by name, then the lower derivatives first; as terms by the
// Leibniz rule, the higher derivatives of the first function first.
func TestApplyOrder(t *testing.T) {
	x, y := NewSym("x", Scalar), NewSym("y", Scalar)
	fn := func(name string, orders ...int) *Node {
		args := []*Node{x}
		if len(orders) == 2 {
			args = append(args, y)
		}
		if len(orders) == 0 {
			orders = nil
		}
		return NewApply(name, orders, args...)
	}
	f, f1, f2, g, g1 := fn("f"), fn("f", 1), fn("f", 2), fn("g"), fn("g", 1)
	factors := []struct {
		a, b *Node
	}{
		{f, f1}, {f1, f2}, {f2, g}, {fn("h", 1, 0), fn("h", 0, 1)}, {fn("h", 0, 1), fn("h", 2, 0)},
		{x, f}, {Call(OpSin, x), f},
	}
	for _, tt := range factors {
		if Compare(tt.a, tt.b) >= 0 || Compare(tt.b, tt.a) <= 0 {
			t.Errorf("factors %s%v and %s%v out of order", tt.a.Name(), tt.a.Orders(), tt.b.Name(), tt.b.Orders())
		}
	}
	terms := []struct {
		a, b *Node
	}{
		{Mul(f1, g), Mul(f, g1)},          // f'g + fg'
		{Mul(f2, g), Mul(f1, g1)},         // f''g + 2f'g' + fg''
		{Mul(f1, g1), Mul(f, fn("g", 2))}, // … + 2f'g' + fg''
		{Pow(f1, two), Mul(f, f2)},        // f'^2 + f f''
		{fn("h", 1, 0), fn("h", 0, 1)},    // ∂₁h + ∂₂h
		{Mul(x, f1), f},                   // variables first: x f' + f
	}
	for _, tt := range terms {
		s := Add(tt.a, tt.b)
		if s.op != OpAdd || s.args[0] != tt.a || s.args[1] != tt.b {
			t.Errorf("the terms of a sum: %v", describeNode(s))
		}
		if err := checkCanonical(s); err != nil {
			t.Error(err)
		}
	}
}
