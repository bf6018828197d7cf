package format

import (
	"strconv"
	"strings"

	"github.com/nabla-math/nabla/internal/expr"
)

// maxPrimes is the highest derivative of a function of one operand
// written with primes, three of them; the fourth is f^(4)(x).
const maxPrimes = 3

// subscriptDigits are the Unicode subscripts of the digits 0 to 9.
var subscriptDigits = []string{"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"}

// textApplied prints a declared function applied: its name with the marks
// of its derivatives, then the operands in parentheses. A function of one
// operand has f'(x), then two and three primes, then f^(4)(x); one of
// several has the partial derivatives ∂₁f(x, y), ∂₁₂f(x, y) (the sign is
// sp.Word), each operand's number written once for each order.
func (p *printer) textApplied(n *expr.Node, sp *expr.Spelling) {
	orders := n.Orders()
	switch {
	case orders == nil:
		p.write(n.Name())
	case len(orders) == 1 && orders[0] <= maxPrimes:
		p.write(n.Name() + strings.Repeat("'", orders[0]))
	case len(orders) == 1:
		p.write(n.Name() + "^(" + strconv.Itoa(orders[0]) + ")")
	default:
		p.write(sp.Word)
		for i, k := range orders {
			p.write(strings.Repeat(subscriptDigits[i+1], k))
		}
		p.write(n.Name())
	}
	p.write("(")
	for i, a := range n.Args() {
		if i > 0 {
			p.write(", ")
		}
		p.text(a, 0)
	}
	p.write(")")
}

// texApplied is textApplied in LaTeX: f'\left(x\right), f^{(4)}\left(x\right),
// \partial_{12} f\left(x, y\right).
func (p *printer) texApplied(n *expr.Node, sp *expr.Spelling) {
	orders := n.Orders()
	name := TeXName(n.Name())
	switch {
	case orders == nil:
		p.write(name)
	case len(orders) == 1 && orders[0] <= maxPrimes:
		p.write(name + strings.Repeat("'", orders[0]))
	case len(orders) == 1:
		p.write(name + "^{(" + strconv.Itoa(orders[0]) + ")}")
	default:
		p.write(sp.Word + "_{")
		for i, k := range orders {
			p.write(strings.Repeat(strconv.Itoa(i+1), k))
		}
		p.write("} " + name)
	}
	p.write(`\left(`)
	for i, a := range n.Args() {
		if i > 0 {
			p.write(", ")
		}
		p.tex(a, 0)
	}
	p.write(`\right)`)
}
