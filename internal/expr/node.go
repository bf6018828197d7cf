package expr

import (
	"math/bits"
	"runtime"
	"sync"
	"weak"
)

// Node is a vertex of the expression graph. Nodes are immutable and
// hash-consed: two structurally equal nodes are the same pointer, so
// equality is ==, and equal subexpressions are stored once. Nodes are made
// only through the constructors of this package, which keep every node in
// canonical form.
type Node struct {
	op    Op
	name  string // OpSym, OpConstant
	num   Num    // OpConst
	args  []*Node
	shape Shape
	hash  uint64 // structural, deterministic across runs
}

// Op returns the node's operation.
func (n *Node) Op() Op { return n.op }

// Info returns the node's entry in the operation table.
func (n *Node) Info() *OpInfo { return &Ops[n.op] }

// Args returns the node's operands. The slice must not be modified.
func (n *Node) Args() []*Node { return n.args }

// Arg returns operand i.
func (n *Node) Arg(i int) *Node { return n.args[i] }

// Name returns the name of a symbol or named constant.
func (n *Node) Name() string { return n.name }

// Num returns the value of a numeric constant.
func (n *Node) Num() Num { return n.num }

// Shape returns the node's shape.
func (n *Node) Shape() Shape { return n.shape }

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
func (n *Node) IsZero() bool { return n.op == OpConst && n.num.IsZero() }

// table is the hash-consing table. It holds nodes weakly: a node that no
// longer has users is collected and its entry removed.
var table = struct {
	sync.Mutex
	m map[uint64][]weak.Pointer[Node]
}{m: make(map[uint64][]weak.Pointer[Node])}

// intern returns the canonical node equal to n, registering n if it is new.
func intern(n *Node) *Node {
	n.hash = n.computeHash()
	table.Lock()
	bucket := table.m[n.hash]
	for _, w := range bucket {
		if old := w.Value(); old != nil && old.same(n) {
			table.Unlock()
			return old
		}
	}
	table.m[n.hash] = append(bucket, weak.Make(n))
	table.Unlock()
	runtime.AddCleanup(n, removeDead, n.hash)
	return n
}

// removeDead drops collected entries from the bucket for hash h.
func removeDead(h uint64) {
	table.Lock()
	defer table.Unlock()
	bucket := table.m[h]
	live := bucket[:0]
	for _, w := range bucket {
		if w.Value() != nil {
			live = append(live, w)
		}
	}
	if len(live) == 0 {
		delete(table.m, h)
		return
	}
	clear(bucket[len(live):])
	table.m[h] = live
}

// same reports structural equality of two nodes whose children are already
// canonical (so children compare by pointer).
func (n *Node) same(m *Node) bool {
	if n.op != m.op || n.name != m.name || n.shape != m.shape || len(n.args) != len(m.args) {
		return false
	}
	if n.op == OpConst && !n.num.Equal(m.num) {
		return false
	}
	for i, a := range n.args {
		if a != m.args[i] {
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

func (n *Node) computeHash() uint64 {
	h := mix(uint64(n.op)+1, strHash(n.name))
	if n.op == OpConst {
		h = mix(h, strHash(n.num.key()))
	}
	for i := 0; i < int(n.shape.rank); i++ {
		d := n.shape.dims[i]
		h = mix(h, uint64(d.N)^strHash(d.Sym))
	}
	for _, a := range n.args {
		h = mix(h, bits.RotateLeft64(a.hash, 7))
	}
	return h
}
