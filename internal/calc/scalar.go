package calc

import (
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/simplify"
)

// text prints n in a message, cut short if long.
func text(n *expr.Node) string { return format.Short(n, 1000) }

// entry simplifies an entry of a gradient or Jacobian, multiplying it out
// when its terms may cancel.
func (c *computation) entry(d *expr.Node) *expr.Node {
	if d = c.simp.Simplify(d); simplify.MayCancel(d) {
		d = c.simp.Normal(d)
	}
	return d
}
