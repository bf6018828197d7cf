package simplify

import "github.com/nabla-math/nabla/internal/expr"

// smallMemo is the memo of a pass over a graph. The first entries sit in
// an array, searched in order, so that a pass over a small expression
// allocates nothing; a map takes over beyond them.
type smallMemo[V any] struct {
	keys [16]*expr.Node
	vals [16]V
	n    int
	m    map[*expr.Node]V
}

func (s *smallMemo[V]) get(k *expr.Node) (V, bool) {
	for i := 0; i < s.n; i++ {
		if s.keys[i] == k {
			return s.vals[i], true
		}
	}
	v, ok := s.m[k]
	return v, ok
}

func (s *smallMemo[V]) put(k *expr.Node, v V) {
	if s.n < len(s.keys) {
		s.keys[s.n], s.vals[s.n] = k, v
		s.n++
		return
	}
	if s.m == nil {
		s.m = make(map[*expr.Node]V, 64)
	}
	s.m[k] = v
}

// mapArgs applies f to the operands of n. It returns n's own operands,
// allocating nothing, when f changes none of them; the caller must not
// modify them.
func mapArgs(n *expr.Node, f func(*expr.Node) *expr.Node) ([]*expr.Node, bool) {
	args := n.Args()
	var out []*expr.Node
	for i, a := range args {
		b := f(a)
		if b != a && out == nil {
			out = make([]*expr.Node, len(args))
			copy(out, args[:i])
		}
		if out != nil {
			out[i] = b
		}
	}
	if out == nil {
		return args, false
	}
	return out, true
}
