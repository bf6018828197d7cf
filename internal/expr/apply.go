package expr

import (
	"fmt"
	"slices"
)

// MaxApplyArgs is the largest number of operands of a declared function:
// its partial derivatives are written with one digit for each operand,
// ∂₁₂f(x, y).
const MaxApplyArgs = 9

// applyOps fills the table entry of the functions the caller declares by
// name, f in f(x), which have no definition: what is known of them is
// the chain rule. A node of OpApply carries the function's name and its
// orders of derivation in each operand, a multi-index α: f^(α)(x, y) is
// f(x, y) for α = (0, 0), ∂₁f(x, y) for (1, 0) and ∂₁₂f(x, y) for (1, 1).
// Partial derivatives commute (∂₁₂f = ∂₂₁f, as for every function with
// continuous second derivatives, Schwarz's theorem), so α says all there
// is to say, and
//
//	∂/∂argᵢ f^(α)(args) = f^(α+eᵢ)(args).
//
// A function of one operand has the derivatives f′(x), f″(x), f‴(x),
// f^(4)(x), …, printed with ASCII primes. The operands are scalars, and
// the value is one.
func applyOps() {
	Ops[OpApply] = OpInfo{
		Name: "abstract function", Noun: "an abstract function", Class: Declared, Arity: -1, Prec: PrecAtom, Order: 78,
		Text:  Spelling{Form: FormApplied, Word: "∂"},
		LaTeX: Spelling{Form: FormApplied, Word: `\partial`},
		Shape: applyShape,
		Check: func(args []*Node) string {
			if len(args) == 0 || len(args) > MaxApplyArgs {
				return fmt.Sprintf("1 to %d arguments", MaxApplyArgs)
			}
			return ""
		},
		Rebuild: func(n *Node, args []*Node) *Node { return NewApply(n.name, n.Orders(), args...) },
		NoValue: func(n *Node) string { return n.name + " is an abstract function: it has no value" },
		Rule:    "chain rule",
		Partial: func(n *Node, i int) *Node {
			orders := n.Orders()
			if orders == nil {
				orders = make([]int, len(n.args))
			}
			orders[i]++
			return NewApply(n.name, orders, n.args...)
		},
	}
}

// applyShape is the shape rule of declared functions: scalars of
// scalars.
func applyShape(args []Shape, s Sizes) (Shape, string) {
	for _, a := range args {
		if !a.IsScalar() {
			return Shape{}, "scalar arguments"
		}
	}
	return Scalar, ""
}

// NewApply returns the declared function name applied to the scalars
// args, differentiated orders[i] times in its operand i: f(x) for nil
// orders, f″(x) for [2], ∂₁₂f(x, y) for [1, 1]. orders, when not nil,
// has one whole number for each operand. The caller checks the operands
// against the table's Shape and Check.
func NewApply(name string, orders []int, args ...*Node) *Node {
	if orders != nil && len(orders) != len(args) {
		panic(fmt.Sprintf("expr: NewApply: %d orders for %d operands", len(orders), len(args)))
	}
	var pos []int32
	for i, k := range orders {
		if k < 0 {
			panic(fmt.Sprintf("expr: NewApply: the negative order %d", k))
		}
		if k > 0 && pos == nil {
			pos = make([]int32, len(orders))
		}
		if pos != nil {
			pos[i] = int32(k)
		}
	}
	return intern(Node{op: OpApply, name: name, pos: pos, args: slices.Clone(args)})
}

// Orders returns the orders of derivation of an application of a declared
// function in each of its operands, [0, 1] for ∂₂f(x, y) and [3] for
// f‴(x), or nil for the function itself, underived, and for every other
// node. The slice is the caller's.
func (n *Node) Orders() []int {
	if n.op != OpApply || n.pos == nil {
		return nil
	}
	out := make([]int, len(n.pos))
	for i, k := range n.pos {
		out[i] = int(k)
	}
	return out
}

// NoValueError reports an expression that has no value, because it holds
// a node whose operation has none (NoValue in the table), as an
// application of a declared function does.
type NoValueError struct {
	Node *Node  // the node without a value
	Msg  string // why, as the table says: "f is an abstract function: it has no value"
}

// Error returns the message.
func (e *NoValueError) Error() string { return e.Msg }

// Valueless returns a *NoValueError when the operation of the node n (not
// those of its operands) gives it no value, and nil otherwise. The
// evaluators call it on each node they meet.
func Valueless(n *Node) error {
	if f := Ops[n.op].NoValue; f != nil {
		return &NoValueError{Node: n, Msg: f(n)}
	}
	return nil
}

// CheckValues returns the *NoValueError of the first node of n's graph
// that has no value (see Valueless), or nil when every node has one.
func CheckValues(n *Node) error {
	var err error
	Find(n, func(m *Node) bool {
		err = Valueless(m)
		return err != nil
	})
	return err
}

// compareOrders orders the derivatives of one function applied to the
// same operands as factors of a product: lower total orders first, f(x)
// f'(x), then by the orders in the first operands, higher first, ∂₁f
// before ∂₂f. nil stands for no derivative.
func compareOrders(a, b []int32) int {
	if ta, tb := totalOrder(a), totalOrder(b); ta != tb {
		return compareInts(ta, tb)
	}
	return higherFirst(a, b)
}

// higherFirst compares orders of one total order operand by operand, the
// higher first.
func higherFirst(a, b []int32) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return compareInts(int64(b[i]), int64(a[i]))
		}
	}
	return 0
}

func totalOrder(a []int32) int64 {
	var t int64
	for _, k := range a {
		t += int64(k)
	}
	return t
}

func compareInts(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// nextApplied returns the next factor of fs from *i on that is an
// application of a declared function, or a power of one to a number,
// with its exponent.
func nextApplied(fs []*Node, i *int) (f *Node, exp Num, ok bool) {
	for ; *i < len(fs); *i++ {
		b, e := SplitPow(fs[*i])
		if b.op == OpApply && e.op == OpConst {
			*i++
			return b, e.num, true
		}
	}
	return nil, Num{}, false
}

// compareApplied orders terms by their derivatives of declared functions,
// as the Leibniz rule writes them: the functions in the order of
// CompareNames, and for each the higher derivatives first,
// f′(x) g(x) + f(x) g′(x) and f″(x) g(x) + 2f′(x) g′(x) + f(x) g″(x),
// ∂₁f before ∂₂f; then higher powers first. A term with more such factors
// comes first.
func compareApplied(fa, fb []*Node) int {
	i, j := 0, 0
	for {
		a, ea, oka := nextApplied(fa, &i)
		b, eb, okb := nextApplied(fb, &j)
		switch {
		case !oka && !okb:
			return 0
		case !okb:
			return -1
		case !oka:
			return 1
		}
		if c := CompareNames(a.name, b.name); c != 0 {
			return c
		}
		if ta, tb := totalOrder(a.pos), totalOrder(b.pos); ta != tb {
			return compareInts(tb, ta)
		}
		if c := higherFirst(a.pos, b.pos); c != 0 {
			return c
		}
		if c := eb.Cmp(ea); c != 0 {
			return c
		}
	}
}
