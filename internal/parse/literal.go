package parse

import (
	"strings"

	"github.com/nabla-math/nabla/internal/expr"
)

// Vectors and matrices written as literals ([a, b], [[a, b], [c, d]]) are
// combined entry by entry as the parser builds them: sums, products with
// scalars, matrix products, element-wise operations, transposes and
// element-wise functions. Shapes are checked here, so a mismatch is
// reported at the operator that caused it.

// dims returns rows and columns of a literal, a vector being a column.
func dims(n *expr.Node) (rows, cols int) {
	s := n.Shape()
	switch s.Rank() {
	case 0:
		return 1, 1
	case 1:
		return s.Dim(0).N, 1
	}
	return s.Dim(0).N, s.Dim(1).N
}

func isMatrix(n *expr.Node) bool { return !n.Shape().IsScalar() }

// entrywise applies f to each entry of a literal.
func entrywise(a *expr.Node, f func(*expr.Node) *expr.Node) *expr.Node {
	out := make([]*expr.Node, a.Size())
	for k := range out {
		out[k] = f(a.Entry(k))
	}
	return expr.NewMatrix(a.Shape(), nil, out)
}

// literals reports whether the operands args of an element-wise function
// are literals and scalars, a literal among them.
func literals(args []*expr.Node) bool {
	found := false
	for _, a := range args {
		if symbolic(a) {
			return false
		}
		found = found || isMatrix(a)
	}
	return found
}

// entrywiseOf applies the element-wise function build to literals of one
// shape and scalars entry by entry, a scalar acting on every entry.
func entrywiseOf(args []*expr.Node, build func([]*expr.Node) *expr.Node) *expr.Node {
	var shape *expr.Node
	for _, a := range args {
		if isMatrix(a) {
			shape = a
			break
		}
	}
	out := make([]*expr.Node, shape.Size())
	for k := range out {
		xs := make([]*expr.Node, len(args))
		for i, a := range args {
			xs[i] = a
			if isMatrix(a) {
				xs[i] = a.Entry(k)
			}
		}
		out[k] = build(xs)
	}
	return expr.NewMatrix(shape.Shape(), nil, out)
}

// zip combines two literals of one shape entry by entry.
func zip(a, b *expr.Node, f func(x, y *expr.Node) *expr.Node) *expr.Node {
	out := make([]*expr.Node, a.Size())
	for k := range out {
		out[k] = f(a.Entry(k), b.Entry(k))
	}
	return expr.NewMatrix(a.Shape(), nil, out)
}

// sum adds terms; pos[i] is the position of the operator before term i.
func (p *parser) addTerms(terms []*expr.Node, pos []int) *expr.Node {
	matrix := false
	for _, t := range terms {
		matrix = matrix || isMatrix(t)
	}
	if !matrix {
		return expr.Add(terms...)
	}
	for i, t := range terms {
		if symbolic(t) {
			for j, u := range terms {
				if u.Shape().IsScalar() {
					continue // a scalar adds to every entry
				}
				if !p.sameShape(t.Shape(), u.Shape()) {
					at := pos[max(i, j)]
					a, b := terms[min(i, j)], terms[max(i, j)]
					p.fail(at, "cannot add %s and %s", p.describeNode(a), p.describeNode(b))
				}
			}
			return expr.Add(terms...)
		}
	}
	// Literals add entry by entry; a scalar adds to every entry.
	var acc *expr.Node
	var scalars []*expr.Node
	for i, t := range terms {
		switch {
		case !isMatrix(t):
			scalars = append(scalars, t)
		case acc == nil:
			acc = t
		case acc.Shape() != t.Shape():
			p.fail(pos[i], "cannot add %s and %s", p.describeNode(acc), p.describeNode(t))
		default:
			acc = zip(acc, t, func(x, y *expr.Node) *expr.Node { return expr.Add(x, y) })
		}
	}
	if len(scalars) > 0 {
		s := expr.Add(scalars...)
		acc = entrywise(acc, func(x *expr.Node) *expr.Node { return expr.Add(x, s) })
	}
	return acc
}

// hasZero reports whether n is zero or has a zero entry: only then can a
// division by n, or a negative power of n, be a division by zero.
func hasZero(n *expr.Node) bool {
	if n.IsZero() || n.IsZeroMatrix() {
		return true
	}
	if n.Op() == expr.OpMatrix {
		for k := 0; k < n.Size(); k++ {
			if n.Entry(k).IsZero() {
				return true
			}
		}
	}
	return false
}

// neg negates a scalar or a literal.
func neg(a *expr.Node) *expr.Node {
	if isMatrix(a) && !symbolic(a) {
		return entrywise(a, expr.Neg)
	}
	return expr.Neg(a)
}

// mul is the product a*b: scaling, or the matrix product of literals.
func (p *parser) mul(a, b *expr.Node, pos int) *expr.Node {
	if symbolic(a) || symbolic(b) {
		if a.Shape().IsScalar() || b.Shape().IsScalar() {
			return expr.Mul(a, b)
		}
		return p.matmul(a, b, pos)
	}
	switch {
	case !isMatrix(a) && !isMatrix(b):
		return expr.Mul(a, b)
	case !isMatrix(a):
		return entrywise(b, func(x *expr.Node) *expr.Node { return expr.Mul(a, x) })
	case !isMatrix(b):
		return entrywise(a, func(x *expr.Node) *expr.Node { return expr.Mul(x, b) })
	}
	ar, ac := dims(a)
	br, bc := dims(b)
	if ac != br {
		p.fail(pos, "cannot multiply %s by %s: the columns of the first (%d) must match the rows of the second (%d)", p.describeNode(a), p.describeNode(b), ac, br)
	}
	out := make([]*expr.Node, ar*bc)
	for i := 0; i < ar; i++ {
		for j := 0; j < bc; j++ {
			terms := make([]*expr.Node, ac)
			for k := 0; k < ac; k++ {
				terms[k] = expr.Mul(a.Entry(i*ac+k), b.Entry(k*bc+j))
			}
			out[i*bc+j] = expr.Add(terms...)
		}
	}
	if ar == 1 && bc == 1 {
		return out[0] // a row times a column is a scalar
	}
	s := expr.NewShape(expr.Dim{N: ar}, expr.Dim{N: bc})
	if bc == 1 {
		s = expr.NewShape(expr.Dim{N: ar})
	}
	return expr.NewMatrix(s, nil, out)
}

// div is a/b for a scalar b.
func (p *parser) div(a, b *expr.Node, pos int) *expr.Node {
	if isMatrix(b) {
		p.fail(pos, "cannot divide by %s: use ./ for element-wise division", p.describeNode(b))
	}
	r := p.mul(a, expr.Pow(b, expr.Int64(-1)), pos)
	if hasZero(b) && expr.Undefined(r) && !expr.Undefined(a) {
		p.fail(pos, "division by zero")
	}
	return r
}

// pow is a^b: the power of scalars, or the matrix power of a square
// matrix to a whole exponent, X^2, X^0 = I, X^-1 the inverse.
func (p *parser) pow(a, b *expr.Node, pos int) *expr.Node {
	if (a.Shape().Rank() == 2 || symbolic(a) && b.IsNum(-1)) && !isMatrix(b) {
		what := "the matrix power"
		if b.IsNum(-1) {
			what = "the inverse"
		}
		p.square(what, a, pos)
		if need := expr.Ops[expr.OpMatPow].Check([]*expr.Node{a, b}); need != "" {
			p.fail(pos, "the matrix power needs %s: use .^ for element-wise powers", need)
		}
		k, _ := b.Num().Int64()
		return expr.MatPow(a, int(k))
	}
	if symbolic(a) && !isMatrix(b) {
		p.fail(pos, "cannot raise %s to a power: use .^ for element-wise powers, ^-1 for the inverse", p.describeNode(a))
	}
	if isMatrix(a) || isMatrix(b) {
		p.fail(pos, "cannot raise %s to the power %s: use .^ for element-wise powers", p.describeNode(a), p.describeNode(b))
	}
	r := expr.Pow(a, b)
	if hasZero(a) && expr.Undefined(r) && !expr.Undefined(a) && !expr.Undefined(b) {
		p.fail(pos, "division by zero: 0 to a negative power")
	}
	return r
}

// elementwise applies the element-wise operator op (".*", "./", "⊙",
// ".^") to operands of one shape, or to a literal and a scalar.
func (p *parser) elementwise(op string, a, b *expr.Node, pos int) *expr.Node {
	r := p.elementwiseOf(op, a, b, pos)
	if (op == "./" && hasZero(b) || op == ".^" && hasZero(a)) && expr.Undefined(r) && !expr.Undefined(a) && !expr.Undefined(b) {
		p.fail(pos, "division by zero")
	}
	return r
}

func (p *parser) elementwiseOf(op string, a, b *expr.Node, pos int) *expr.Node {
	f := func(x, y *expr.Node) *expr.Node {
		switch op {
		case "./":
			return expr.Div(x, y)
		case ".^":
			return expr.Pow(x, y)
		}
		return expr.Mul(x, y)
	}
	if symbolic(a) || symbolic(b) {
		if isMatrix(a) && isMatrix(b) && !p.sameShape(a.Shape(), b.Shape()) {
			p.fail(pos, "cannot combine %s and %s element-wise", p.describeNode(a), p.describeNode(b))
		}
		return f(a, b)
	}
	switch {
	case !isMatrix(a) && !isMatrix(b):
		return f(a, b)
	case !isMatrix(a):
		return entrywise(b, func(y *expr.Node) *expr.Node { return f(a, y) })
	case !isMatrix(b):
		return entrywise(a, func(x *expr.Node) *expr.Node { return f(x, b) })
	case a.Shape() != b.Shape():
		p.fail(pos, "cannot combine %s and %s element-wise", p.describeNode(a), p.describeNode(b))
	}
	return zip(a, b, f)
}

// transpose transposes a literal; a vector becomes a 1×n row.
func transpose(a *expr.Node) *expr.Node {
	if !isMatrix(a) {
		return a
	}
	if symbolic(a) {
		return expr.Transpose(a)
	}
	r, c := dims(a)
	out := make([]*expr.Node, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[j*r+i] = a.Entry(i*c + j)
		}
	}
	if c == 1 && a.Shape().Rank() == 2 && r > 0 {
		// A single column matrix becomes a row.
		return expr.NewMatrix(expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: r}), nil, out)
	}
	if a.Shape().Rank() == 1 {
		return expr.NewMatrix(expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: r}), nil, out)
	}
	return expr.NewMatrix(expr.NewShape(expr.Dim{N: c}, expr.Dim{N: r}), nil, out)
}

// apply calls the function f after checking the shapes of its operands
// against the function's rule; an element-wise function of a literal is
// applied to each entry.
func (p *parser) apply(f expr.Func, args []*expr.Node, pos int) *expr.Node {
	if f.Shape != nil && !(f.Elementwise && len(args) == 1) { // an element-wise function takes any operand
		shapes := make([]expr.Shape, len(args))
		var s expr.Sizes = expr.Fixed // scalars have no sizes to unify
		for i, a := range args {
			shapes[i] = a.Shape()
			if !shapes[i].IsScalar() && s == expr.Fixed {
				p.dims.init()
				s = sizes{p.dims}
			}
		}
		if _, need := f.Shape(shapes, s); need != "" {
			described := make([]string, len(args))
			for i, a := range args {
				described[i] = p.describeNode(a)
			}
			p.fail(pos, "%s needs %s, not %s", f.Name, need, strings.Join(described, " and "))
		}
	}
	if f.Check != nil {
		if need := f.Check(args); need != "" {
			p.fail(pos, "%s needs %s", f.Name, need)
		}
	}
	var r *expr.Node
	switch {
	case f.Elementwise && len(args) == 1 && isMatrix(args[0]) && !symbolic(args[0]):
		r = entrywise(args[0], func(x *expr.Node) *expr.Node { return f.Build([]*expr.Node{x}) })
	case f.Elementwise && len(args) > 1 && literals(args):
		r = entrywiseOf(args, f.Build)
	default:
		r = f.Build(args)
	}
	for _, a := range args {
		if hasZero(a) && expr.Undefined(r) && !expr.Undefined(a) {
			p.fail(pos, "%s of %s is a division by zero", f.Name, p.describeNode(a))
		}
	}
	return r
}
