package diff

import (
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
)

// NoRealDerivativeError reports a power a^g of a negative constant a
// whose exponent g varies with the variable: over the reals a^g is
// defined only where g is a whole number, at isolated points, so it has no
// derivative there. (The principal complex branch would give a^g log(a)
// with log(a) = log|a| + iπ; nabla works over the reals.)
type NoRealDerivativeError struct {
	Pow *expr.Node // a^g
}

// Error says where the power is real.
func (e *NoRealDerivativeError) Error() string {
	g := e.Pow.Arg(1)
	var where string
	switch {
	case !g.Shape().IsScalar():
		where = "where the entries of " + format.Short(g, 200) + " are whole numbers"
	case g.Op() == expr.OpSym:
		where = "at whole numbers " + g.Name()
	default:
		where = "where " + format.Short(g, 200) + " is a whole number"
	}
	return format.Short(e.Pow, 200) + " is real only " + where + ": it has no derivative over the reals"
}

// negativeBase reports whether n is a power a^g of a constant a < 0:
// -2, -e, 1 - pi.
func negativeBase(n *expr.Node) bool {
	if n.Op() != expr.OpPow {
		return false
	}
	a, ok := expr.ConstValue(n.Arg(0))
	return ok && a < 0
}

// exponentVaries reports whether the exponent of the power n has a
// derivative other than 0 with respect to one of xs. An exponent that
// varies only through functions that are constant piece by piece, as
// sign(x), has the derivative 0: a^sign(x) is real, and constant near
// every x but 0.
func exponentVaries(n *expr.Node, xs []*expr.Node, opts *Options) bool {
	o := Options{MaxNodes: opts.MaxNodes, Budget: opts.Budget}
	for _, x := range xs {
		if !expr.DependsOn(n.Arg(1), x) {
			continue
		}
		d, err := Diff(n.Arg(1), x, &o)
		if err != nil || !d.IsZero() {
			return true
		}
	}
	return false
}
