package expr

import (
	"math/bits"
	"sync"
)

// Node is a vertex of the expression graph. Nodes are immutable and
// hash-consed: two structurally equal nodes are the same pointer, so
// equality is ==, and equal subexpressions are stored once. Nodes are made
// only through the constructors of this package, which keep every node in
// canonical form.
type Node struct {
	op    Op
	name  string // OpSym, OpConstant, OpApply
	num   Num    // OpConst
	flags uint8  // OpSym: flagSymmetric
	marks uint8  // facts about the subtree, derived from the operands
	args  []*Node
	pos   []int32 // OpMatrix stored sparsely: the flat positions of args; OpApply: the orders of derivation
	shape *Shape  // nil for a scalar
	hash  uint64  // structural, deterministic across runs
	ord   uint64  // the hash without the names of symbolic sizes, for ordering
	self  [1]*Node
}

// Op returns the node's operation.
func (n *Node) Op() Op { return n.op }

// Info returns the node's entry in the operation table.
func (n *Node) Info() *OpInfo { return &Ops[n.op] }

// Args returns the node's operands. The slice must not be modified.
func (n *Node) Args() []*Node { return n.args }

// Arg returns operand i.
func (n *Node) Arg(i int) *Node { return n.args[i] }

// Name returns the name of a symbol, a named constant or a declared
// function applied.
func (n *Node) Name() string { return n.name }

// Num returns the value of a numeric constant.
func (n *Node) Num() Num { return n.num }

// Shape returns the node's shape.
func (n *Node) Shape() Shape {
	if n.shape == nil {
		return Scalar
	}
	return *n.shape
}

// shapePtr returns the compact form of s stored in a node.
func shapePtr(s Shape) *Shape {
	if s.rank == 0 {
		return nil
	}
	p := new(Shape) // s itself stays off the heap for a scalar
	*p = s
	return p
}

// Hash returns the node's structural hash.
func (n *Node) Hash() uint64 { return n.hash }

// IsConst reports whether n is a numeric constant.
func (n *Node) IsConst() bool { return n.op == OpConst }

// IsNum reports whether n is the exact numeric constant v.
func (n *Node) IsNum(v int64) bool {
	if n.op != OpConst {
		return false
	}
	k, ok := n.num.Int64()
	return ok && k == v
}

// IsZero reports whether n is the constant zero (exact or float).
func (n *Node) IsZero() bool {
	return n.op == OpConst && (n.num.kind == numSmall && n.num.n == 0 || n.num.kind != numSmall && n.num.IsZero())
}

// table is the hash-consing table. Nodes built while an entry is in the
// table are that entry, so equal subexpressions share one node. The table
// holds at most maxTable nodes, each part its share: a full part starts
// afresh, and the garbage collector takes the nodes nobody uses. A node
// made after such a reset may therefore equal an older node without being
// the same pointer; Equal, which every pass uses to compare nodes, checks
// the structural hash and then the structure, so results never depend on
// the reset.
var table [tableShards]tableShard

// tableShard is one part of the table.
type tableShard struct {
	sync.Mutex
	m map[uint64]*Node
	_ [40]byte // one part a cache line
}

// tableShards is the number of parts of the table, each with its own
// lock, chosen by the hash: expressions built on several cores at once
// rarely wait for one another.
const tableShards = 64

// ResetTable empties the hash-consing table, as each of its parts is
// emptied when full: nodes made afterwards are not the same pointers as
// equal nodes made before. Passes must compare nodes with Equal; tests
// call ResetTable to check that they do.
func ResetTable() {
	for i := range table {
		t := &table[i]
		t.Lock()
		t.m = nil // made again by the next node
		t.Unlock()
	}
}

// shard returns the part of the table that holds the hash h.
func shard(h uint64) *tableShard { return &table[h>>58] }

// intern returns the canonical node equal to n, registering n if it is new.
func intern(proto Node) *Node {
	proto.hash = proto.computeHash()
	t := shard(proto.hash)
	t.Lock()
	old, ok := t.m[proto.hash]
	if ok && old.same(&proto) {
		t.Unlock()
		return old
	}
	n := new(Node)
	*n = proto
	n.self[0] = n
	n.marks = n.derivedMarks()
	n.ord = n.orderHash()
	if !ok { // on a hash collision n stays unshared; Equal still holds
		if t.m == nil || len(t.m) >= maxTable/tableShards {
			t.m = map[uint64]*Node{} // grown as needed: a start-up makes few nodes
		}
		t.m[n.hash] = n
	}
	t.Unlock()
	return n
}

// internCopy is intern for a node whose operands sit in a temporary slice,
// such as the arguments of a call: finding an existing node allocates
// nothing, and the operands are copied only for a new one.
func internCopy(op Op, shape *Shape, args ...*Node) *Node {
	proto := Node{op: op, shape: shape, args: args}
	proto.hash = proto.computeHash()
	t := shard(proto.hash)
	t.Lock()
	old, ok := t.m[proto.hash]
	t.Unlock()
	if ok && old.same(&proto) {
		return old
	}
	return intern(Node{op: op, shape: shape, args: append([]*Node(nil), args...)})
}

// Equal reports whether a and b are the same expression.
func Equal(a, b *Node) bool {
	if a == b {
		return true
	}
	if a.hash != b.hash {
		return false
	}
	var c comparison
	return a.sameAs(b, &c)
}

// comparison is the state of one Equal: two graphs equal in structure but
// not in their nodes (made after the table emptied itself) may share
// subexpressions, met again and again down the tree; after a few steps,
// the pairs found equal are remembered, so that the comparison takes time
// in the size of the graphs, not of their trees.
type comparison struct {
	steps int
	equal map[[2]*Node]bool
}

// equalNodes is Equal within the comparison c.
func (c *comparison) equalNodes(a, b *Node) bool {
	if a == b {
		return true
	}
	if a.hash != b.hash {
		return false
	}
	if c.steps++; c.steps > 64 {
		if c.equal == nil {
			c.equal = map[[2]*Node]bool{}
		}
		if c.equal[[2]*Node{a, b}] {
			return true
		}
	}
	if !a.sameAs(b, c) {
		return false
	}
	if c.equal != nil {
		c.equal[[2]*Node{a, b}] = true
	}
	return true
}

// same reports structural equality of two nodes whose children are already
// canonical (so children compare by pointer).
func (n *Node) same(m *Node) bool {
	var c comparison
	return n.sameAs(m, &c)
}

// sameAs is same within the comparison c.
func (n *Node) sameAs(m *Node, c *comparison) bool {
	if n.op != m.op || n.name != m.name || n.flags != m.flags || len(n.args) != len(m.args) {
		return false
	}
	if (n.shape != nil || m.shape != nil) && n.Shape() != m.Shape() {
		return false
	}
	if n.op == OpConst && !n.num.Equal(m.num) {
		return false
	}
	if len(n.pos) != len(m.pos) {
		return false
	}
	for i, p := range n.pos {
		if p != m.pos[i] {
			return false
		}
	}
	for i, a := range n.args {
		if !c.equalNodes(a, m.args[i]) {
			return false
		}
	}
	return true
}

func mix(h, v uint64) uint64 {
	h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
	h *= 0xbf58476d1ce4e5b9
	return h ^ (h >> 31)
}

func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (n *Node) computeHash() uint64 { return n.structHash(true) }

// orderHash is the structural hash without the names of symbolic sizes,
// so that the canonical order does not depend on how sizes are named.
func (n *Node) orderHash() uint64 { return n.structHash(false) }

// structHash hashes n from its own fields and its operands' hashes (their
// order hashes when names of sizes are left out).
func (n *Node) structHash(sizeNames bool) uint64 {
	h := mix(uint64(opOrder[n.op])+1+uint64(n.flags)<<8, strHash(n.name))
	if n.op == OpConst {
		h = mix(h, n.num.hash())
	}
	for i, s := 0, n.Shape(); i < int(s.rank); i++ {
		d := s.dims[i]
		v := uint64(d.N)
		if sizeNames {
			v ^= strHash(d.Sym)
		}
		h = mix(h, v)
	}
	for _, a := range n.args {
		ah := a.ord
		if sizeNames {
			ah = a.hash
		}
		h = mix(h, bits.RotateLeft64(ah, 7))
	}
	for _, p := range n.pos {
		h = mix(h, uint64(p))
	}
	return h
}

// Marks: facts about a node's subtree, computed once when it is made.
const (
	// markRewritable: the subtree holds a function call, a power of a
	// power, a sum of matrices, a sum with a quotient among its terms
	// or a product of two or more quotients by sums, which the
	// simplifier's rules may rewrite. A polynomial has nothing for them
	// to do. (The rules of package simplify have these at their heads;
	// see its tests.)
	markRewritable = 1 << iota
)

func (n *Node) derivedMarks() uint8 {
	var m uint8
	info := &Ops[n.op]
	switch {
	case info.Class == Function, n.op == OpAdd && n.shape != nil:
		m |= markRewritable
	case n.op == OpPow && n.args[0].op == OpPow:
		m |= markRewritable // sqrt(u^2) = abs(u)
	}
	for _, a := range n.args {
		m |= a.marks
	}
	if m&markRewritable == 0 && n.shape == nil && (n.op == OpAdd && hasQuotient(n.args) || n.op == OpMul && sumDenominators(n.args) >= 2) {
		// x/(1 - x) + 1/(1 - x) = (x + 1)/(1 - x), and
		// 1/((1 - x)(1 + x)) = 1/(1 - x^2).
		m |= markRewritable
	}
	return m
}

// Rewritable reports whether the simplifier's rules may apply somewhere in
// n: whether it holds a function call, a sum of matrices or quotients
// that may combine.
func (n *Node) Rewritable() bool { return n.marks&markRewritable != 0 }

// InDenominator reports whether the factor f of a product is a power of
// a base other than a number to a negative exact exponent: a factor that
// stands below the fraction bar, 1/(1 - x) or x^-2.
func InDenominator(f *Node) bool {
	return f.op == OpPow && f.args[0].op != OpConst && f.args[1].op == OpConst &&
		!f.args[1].num.IsFloat() && f.args[1].num.Sign() < 0
}

// hasQuotient reports whether a term among terms has a factor in its
// denominator.
func hasQuotient(terms []*Node) bool {
	for _, t := range terms {
		if InDenominator(t) {
			return true
		}
		if t.op == OpMul {
			for _, f := range t.args {
				if InDenominator(f) {
					return true
				}
			}
		}
	}
	return false
}

// sumDenominators counts the factors in the denominator whose bases are
// sums.
func sumDenominators(factors []*Node) int {
	k := 0
	for _, f := range factors {
		if InDenominator(f) && f.args[0].op == OpAdd {
			k++
		}
	}
	return k
}
