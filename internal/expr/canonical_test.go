package expr

import (
	"testing"

	"pgregory.net/rapid"
)

// genNode draws a random expression of bounded depth over the scalars x,
// y, the vector v and the square matrix A, applying operations of the
// table to operands that their shape rules accept.
func genNode(depth int) *rapid.Generator[*Node] {
	n := Dim{N: 3}
	leaves := []*Node{
		NewSym("x", Scalar), NewSym("y", Scalar), Int64(2), NewConst(Rat(-1, 2)), NewConst(Float(1.5)),
		NewConstant(Pi), NewSym("v", NewShape(n)), NewSym("A", NewShape(n, n)),
	}
	return rapid.Custom(func(t *rapid.T) *Node {
		if depth == 0 {
			return rapid.SampledFrom(leaves).Draw(t, "leaf")
		}
		sub := genNode(depth - 1)
		op := Op(rapid.IntRange(0, NumOps-1).Draw(t, "op"))
		info := &Ops[op]
		if info.Class == Leaf || info.Shape == nil {
			return sub.Draw(t, "a")
		}
		arity := info.Arity
		if arity < 0 {
			arity = rapid.IntRange(2, 3).Draw(t, "arity")
		}
		args := make([]*Node, arity)
		shapes := make([]Shape, arity)
		for i := range args {
			args[i] = sub.Draw(t, "arg")
			shapes[i] = args[i].Shape()
		}
		if _, need := info.Shape(shapes, Fixed); need != "" {
			return args[0] // the operands do not fit
		}
		if op == OpPow && rapid.Bool().Draw(t, "integer exponent") {
			args[1] = Int64(int64(rapid.IntRange(-3, 3).Draw(t, "k")))
		}
		if info.Class == Declared {
			// f or g, perhaps differentiated: terms and factors of
			// them sort by the Leibniz rule.
			orders := make([]int, arity)
			for i := range orders {
				orders[i] = rapid.IntRange(0, 2).Draw(t, "order")
			}
			return NewApply(rapid.SampledFrom([]string{"f", "g"}).Draw(t, "name"), orders, args...)
		}
		return Apply(op, args...)
	})
}

// TestCanonical checks that every node the constructors build is in
// canonical form: sums and products flattened, collected and sorted,
// powers reduced (see checkCanonical).
func TestCanonical(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNode(4).Draw(t, "n")
		Inspect(n, func(m *Node) bool {
			if err := checkCanonical(m); err != nil {
				t.Fatalf("%s in a node of %d operands (op %s): %v", describeNode(m), len(m.args), m.Info().Name, err)
			}
			return true
		})
	})
}

// describeNode names a node for a failure message without the printers,
// which are in a package of their own.
func describeNode(n *Node) string {
	s := n.Info().Name + "("
	for i, a := range n.args {
		if i > 0 {
			s += ", "
		}
		switch a.op {
		case OpSym, OpConstant:
			s += a.name
		case OpConst:
			s += a.num.String()
		default:
			s += a.Info().Name + "(…)"
		}
	}
	return s + ")"
}

// TestCheckCanonical checks that the checker itself catches broken forms,
// built bypassing the constructors.
func TestCheckCanonical(t *testing.T) {
	x, y := NewSym("x", Scalar), NewSym("y", Scalar)
	tests := []struct {
		name string
		n    *Node
		want string
	}{
		{"number first in a sum", newAdd([]*Node{two, x}), "a number before the last term"},
		{"like terms", newAdd([]*Node{x, newMul([]*Node{two, x})}), "terms 0 and 1 are alike"},
		{"unsorted sum", newAdd([]*Node{y, x}), "terms 0 and 1 out of order"},
		{"nested sum", newAdd([]*Node{x, newAdd([]*Node{x, y})}), "a sum inside a sum"},
		{"coefficient one", newMul([]*Node{one, x, y}), "the coefficient 1"},
		{"unsorted product", newMul([]*Node{y, x}), "factors 0 and 1 out of order"},
		{"uncollected powers", newMul([]*Node{x, newPow(x, two)}), "two factors with the base 1"},
		{"power of one", newPow(one, x), "a power of 1"},
		{"exponent one", newPow(x, one), "the exponent 1"},
	}
	for _, tt := range tests {
		err := checkCanonical(tt.n)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if err := checkCanonical(Add(x, y, two)); err != nil {
		t.Errorf("x + y + 2: %v", err)
	}
}

// TestSumOfCollectedSums checks that like terms c·S of a sum S that add up
// to S itself join the outer sum's terms: ½(a + b) + c + ½(a + b) is
// a + b + c, not c + (a + b), which prints with brackets that read back
// as another expression.
func TestSumOfCollectedSums(t *testing.T) {
	a, b, c := NewSym("a", Scalar), NewSym("b", Scalar), NewSym("c", Scalar)
	half := NewConst(Rat(1, 2))
	s := Add(a, b)
	for _, got := range []*Node{
		Add(Mul(half, s), c, Mul(half, s)),
		Add(Mul(half, s), Mul(half, s), c),
	} {
		if want := Add(a, b, c); !Equal(got, want) {
			t.Errorf("½(a + b) + c + ½(a + b) = %v terms, want a + b + c", len(got.Args()))
		}
		for _, x := range got.Args() {
			if x.Op() == OpAdd {
				t.Errorf("a sum inside the sum")
			}
		}
	}
}
