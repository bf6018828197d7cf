package expr

// Inspect traverses the graph of n depth-first, calling f on each distinct
// node once, however many parents share it, before its operands. If f
// returns false, Inspect does not descend into that node's operands (they
// are still visited when another path reaches them).
func Inspect(n *Node, f func(*Node) bool) {
	var seen Memo[struct{}]
	var walk func(n *Node)
	walk = func(n *Node) {
		if _, ok := seen.Get(n); ok {
			return
		}
		seen.Put(n, struct{}{})
		if !f(n) {
			return
		}
		for _, a := range n.args {
			walk(a)
		}
	}
	walk(n)
}

// Find returns the first node of n's graph, in the order of Inspect, for
// which pred holds, or nil.
func Find(n *Node, pred func(*Node) bool) *Node {
	var found *Node
	Inspect(n, func(m *Node) bool {
		if found != nil {
			return false
		}
		if pred(m) {
			found = m
			return false
		}
		return true
	})
	return found
}

// Transform rebuilds n bottom-up: each distinct node is visited once,
// after its operands, and f receives it rebuilt with their images (the
// node itself when none changed) and returns its image.
func Transform(n *Node, f func(*Node) *Node) *Node {
	var memo Memo[*Node]
	var walk func(n *Node) *Node
	walk = func(n *Node) *Node {
		if r, ok := memo.Get(n); ok {
			return r
		}
		r := n
		if len(n.args) > 0 {
			var args []*Node
			for i, a := range n.args {
				b := walk(a)
				if b != a && args == nil {
					args = append(make([]*Node, 0, len(n.args)), n.args[:i]...)
				}
				if args != nil {
					args = append(args, b)
				}
			}
			if args != nil {
				r = New(n, args)
			}
		}
		r = f(r)
		memo.Put(n, r)
		return r
	}
	return walk(n)
}

// Vars returns the variables of n, each name once, in the order Inspect
// meets them.
func Vars(n *Node) []*Node {
	var out []*Node
	seen := map[string]bool{}
	Inspect(n, func(m *Node) bool {
		if m.op == OpSym && !seen[m.name] {
			seen[m.name] = true
			out = append(out, m)
		}
		return true
	})
	return out
}

// DependsOn reports whether the variable x occurs in n.
func DependsOn(n, x *Node) bool {
	return Find(n, func(m *Node) bool { return m.op == OpSym && Equal(m, x) }) != nil
}

// Count returns the number of distinct nodes in n's graph.
func Count(n *Node) int {
	k := 0
	Inspect(n, func(*Node) bool { k++; return true })
	return k
}

// memoArray is the number of entries a Memo keeps in its array before it
// takes a map.
const memoArray = 32

// Memo maps nodes to values for a pass over a graph. Its first entries
// sit in an array, searched in order, so that a pass over a small
// expression allocates nothing; a map takes over beyond them. The zero
// Memo is empty and ready to use.
type Memo[V any] struct {
	keys [memoArray]*Node
	vals [memoArray]V
	n    int
	m    map[*Node]V
}

// Get returns the value of k and whether it has one.
func (s *Memo[V]) Get(k *Node) (V, bool) {
	if s.m != nil {
		v, ok := s.m[k]
		return v, ok
	}
	for i := 0; i < s.n; i++ {
		if s.keys[i] == k {
			return s.vals[i], true
		}
	}
	var zero V
	return zero, false
}

// Put sets the value of k.
func (s *Memo[V]) Put(k *Node, v V) {
	if s.m == nil && s.n < memoArray {
		s.keys[s.n], s.vals[s.n] = k, v
		s.n++
		return
	}
	if s.m == nil {
		s.m = make(map[*Node]V, 4*memoArray)
		for i := 0; i < s.n; i++ {
			s.m[s.keys[i]] = s.vals[i]
		}
	}
	s.m[k] = v
}

// Reserve prepares the memo for about n entries, when many are expected.
func (s *Memo[V]) Reserve(n int) {
	if s.m == nil && n > memoArray {
		s.m = make(map[*Node]V, n)
		for i := 0; i < s.n; i++ {
			s.m[s.keys[i]] = s.vals[i]
		}
	}
}

// Len returns the number of entries.
func (s *Memo[V]) Len() int {
	if s.m != nil {
		return len(s.m)
	}
	return s.n
}

// Reset empties the memo, keeping its array for reuse.
func (s *Memo[V]) Reset() {
	var zero V
	for i := 0; i < s.n; i++ {
		s.keys[i], s.vals[i] = nil, zero
	}
	s.n, s.m = 0, nil
}
