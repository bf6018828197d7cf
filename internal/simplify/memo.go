package simplify

import "github.com/nabla-math/nabla/internal/expr"

// mapArgs applies f to the operands of n. It returns n's own operands,
// allocating nothing, when f changes none of them; the caller must not
// modify them.
func mapArgs(n *expr.Node, f func(*expr.Node) *expr.Node) ([]*expr.Node, bool) {
	args := n.Args()
	var out []*expr.Node
	for i, a := range args {
		b := f(a)
		if !expr.Equal(b, a) && out == nil {
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
