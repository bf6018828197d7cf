package parse

import (
	"fmt"

	"github.com/nabla-math/nabla/internal/expr"
)

// unifier settles symbolic sizes: every declared vector and matrix starts
// with sizes of its own, and each operation equates the sizes it needs
// equal (the columns of A and the rows of x in A x). Sizes known as
// numbers must agree.
type unifier struct {
	parent map[string]string
	size   map[string]int
	names  map[string]string // display letters of representatives
	// reserved holds the sizes the user named, which no other size is
	// given as a letter.
	reserved map[string]bool
}

func (u *unifier) init() {
	if u.parent == nil {
		u.parent = map[string]string{}
		u.size = map[string]int{}
		u.names = map[string]string{}
	}
}

// find returns the representative of d: a known size, or a symbol.
func (u *unifier) find(d expr.Dim) expr.Dim {
	if d.N > 0 {
		return d
	}
	u.init()
	s := d.Sym
	for {
		p, ok := u.parent[s]
		if !ok || p == s {
			break
		}
		s = p
	}
	if n, ok := u.size[s]; ok {
		return expr.Dim{N: n}
	}
	return expr.Dim{Sym: s}
}

// sizes is the expr.Sizes of the table's shape rules: it unifies sizes
// through the parser's unifier, whose maps it shares (a copy, so that the
// parser itself stays off the heap).
type sizes struct{ u unifier }

// Same makes a and b the same size if they can be.
func (s sizes) Same(a, b expr.Dim) bool { return s.u.unify(a, b) }

// unify makes a and b the same size; ok is false if they are different
// known sizes.
func (u *unifier) unify(a, b expr.Dim) bool {
	a, b = u.find(a), u.find(b)
	switch {
	case a == b:
		return true
	case a.N > 0 && b.N > 0:
		return false
	case a.N == 1 || b.N == 1:
		// A declared vector or matrix is never made a single row or
		// column behind the user's back: x A is an error, not an outer
		// product with a one-row A.
		return false
	case a.N > 0:
		u.size[b.Sym] = a.N
	case b.N > 0:
		u.size[a.Sym] = b.N
	case named(b.Sym) && (!named(a.Sym) || b.Sym < a.Sym):
		// A size the user named keeps its name for the whole class; of
		// two, the first in order, whatever the order of unification.
		u.parent[a.Sym] = b.Sym
	default:
		u.parent[b.Sym] = a.Sym
	}
	return true
}

// named reports whether a symbolic size was named by the user ("N"), not
// made for a declaration ("#x").
func named(sym string) bool { return sym != "" && sym[0] != '#' }

var letters = []string{"m", "n", "p", "q", "r", "s", "k", "l", "u", "v", "w"}

// show names a size for messages and results: a number, or a letter given
// to its class in order of first use.
func (u *unifier) show(d expr.Dim) expr.Dim {
	d = u.find(d)
	if d.N > 0 {
		return d
	}
	u.init()
	if fs := d.Factors(); len(fs) > 1 {
		// A product of sizes, the rows of kron(A, B): its factors shown.
		out := expr.Dim{N: 1}
		for _, f := range fs {
			out = expr.DimProduct(out, u.show(f))
		}
		return out
	}
	if named(d.Sym) {
		return d
	}
	if name, ok := u.names[d.Sym]; ok {
		return expr.Dim{Sym: name}
	}
	// The next letter that is no size the user named.
	taken := map[string]bool{}
	for _, name := range u.names {
		taken[name] = true
	}
	for sym := range u.reserved {
		taken[sym] = true
	}
	name := ""
	for _, l := range letters {
		if !taken[l] {
			name = l
			break
		}
	}
	for k := len(u.names) + 1; name == ""; k++ {
		if l := fmt.Sprintf("d%d", k); !taken[l] {
			name = l
		}
	}
	u.names[d.Sym] = name
	return expr.Dim{Sym: name}
}

func (u *unifier) showShape(s expr.Shape) string {
	dims := make([]expr.Dim, s.Rank())
	for i := range dims {
		dims[i] = u.show(s.Dim(i))
	}
	return expr.NewShape(dims...).String()
}

// describe names n and its shape for a message: "matrix A (m×n)",
// "vector x (n)", "a scalar".
func (p *parser) describeNode(n *expr.Node) string {
	s := n.Shape()
	kind := "matrix"
	switch {
	case s.IsScalar():
		if n.Op() == expr.OpSym {
			return "scalar " + n.Name()
		}
		return "a scalar"
	case s.Rank() == 1:
		kind = "vector"
	}
	if n.Op() == expr.OpSym {
		return fmt.Sprintf("%s %s (%s)", kind, n.Name(), p.dims.showShape(s))
	}
	if dims, ok := s.Ints(); ok {
		if len(dims) == 1 {
			return fmt.Sprintf("a %d-vector", dims[0])
		}
		return "a " + s.String() + " matrix"
	}
	return fmt.Sprintf("a %s (%s)", kind, p.dims.showShape(s))
}

// symbolic reports whether n is a vector or matrix that is not a literal.
func symbolic(n *expr.Node) bool {
	return !n.Shape().IsScalar() && n.Op() != expr.OpMatrix
}

// sameShape unifies the shapes of a and b; ok is false if they cannot be
// equal.
func (p *parser) sameShape(a, b expr.Shape) bool {
	ar, ac := expr.RowsCols(a)
	br, bc := expr.RowsCols(b)
	if a.Rank() != b.Rank() {
		return false
	}
	return p.dims.unify(ar, br) && p.dims.unify(ac, bc)
}

// square requires n to be a square matrix.
func (p *parser) square(name string, n *expr.Node, pos int) {
	if n.Shape().Rank() != 2 {
		p.fail(pos, "%s needs a square matrix, not %s", name, p.describeNode(n))
	}
	r, c := expr.RowsCols(n.Shape())
	if !p.dims.unify(r, c) {
		p.fail(pos, "%s needs a square matrix, not %s", name, p.describeNode(n))
	}
}

// matmul is the product of two vectors or matrices, one of them symbolic.
func (p *parser) matmul(a, b *expr.Node, pos int) *expr.Node {
	_, ac := expr.RowsCols(a.Shape())
	br, _ := expr.RowsCols(b.Shape())
	if !p.dims.unify(ac, br) {
		p.fail(pos, "cannot multiply %s by %s", p.describeNode(a), p.describeNode(b))
	}
	return expr.MatMul(a, b)
}

// resolve rebuilds n with every size settled and named.
func (p *parser) resolve(n *expr.Node) *expr.Node {
	if !p.matrices() && p.fresh == 0 {
		return n
	}
	return expr.MapDims(n, p.dims.show)
}
