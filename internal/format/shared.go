package format

import (
	"strconv"

	"github.com/nabla-math/nabla/internal/expr"
)

// minShared is the estimated length in bytes above which a subexpression
// that occurs more than once is named in the shared form.
const minShared = 24

// TextShared is TextLimit for a text that fits the limit; a longer one is
// printed with its large repeated subexpressions named, as a where clause
// that the parser reads back to an expression of the same value: "sin(u1)
// where u1 = sin(u2) + cos(u2), u2 = …". A graph that shares subexpressions can print to a text
// exponentially larger than itself; this form is as large as the graph.
// taken reports the names the expression already uses, which the new
// names avoid.
func TextShared(n *expr.Node, limit int, taken func(string) bool) (string, error) {
	return sharedForm(n, limit, false, taken)
}

// LaTeXShared is TextShared in LaTeX.
func LaTeXShared(n *expr.Node, limit int, taken func(string) bool) (string, error) {
	return sharedForm(n, limit, true, taken)
}

func sharedForm(n *expr.Node, limit int, latex bool, taken func(string) bool) (string, error) {
	if limit <= 0 || treeSize(n, 2*limit) <= 2*limit {
		// Written out it may fit: printing finds out, and stops at the
		// limit if not.
		p := newPrinter(limit, latex)
		s, err := p.run(n)
		p.free()
		if err == nil || limit <= 0 {
			return s, err
		}
	}
	named := sharedNodes(n)
	if len(named) == 0 {
		p := newPrinter(limit, latex)
		defer p.free()
		return p.run(n)
	}
	// The outermost first: each definition is in terms of the names
	// after it, as the parser reads a where clause.
	prefix := freshPrefix(taken, len(named))
	names := make(map[*expr.Node]string, len(named))
	for i, m := range named {
		names[m] = prefix + strconv.Itoa(len(named)-i)
	}
	p := newPrinter(limit, latex)
	defer p.free()
	p.names = names
	defer func() { p.names, p.self = nil, nil }()
	where, sep := " where ", ", "
	if latex {
		where, sep = ` \quad \text{where } `, `,\ `
	}
	return p.guard(func() {
		p.form(n)
		for i := len(named) - 1; i >= 0; i-- {
			m := named[i]
			if i == len(named)-1 {
				p.write(where)
			} else {
				p.write(sep)
			}
			p.name(names[m])
			p.write(" = ")
			p.self = m
			p.form(m)
			p.self = nil
		}
	})
}

// sharedNodes returns the subexpressions of n worth naming, innermost
// first: those that occur more than once and would print to more than
// minShared bytes with the ones inside them named.
func sharedNodes(n *expr.Node) []*expr.Node {
	refs := map[*expr.Node]int{}
	var count func(m *expr.Node)
	count = func(m *expr.Node) {
		refs[m]++
		if refs[m] > 1 {
			return
		}
		for _, a := range m.Args() {
			count(a)
		}
	}
	count(n)
	var named []*expr.Node
	size := map[*expr.Node]int{}
	var measure func(m *expr.Node) int
	measure = func(m *expr.Node) int {
		if s, ok := size[m]; ok {
			return s
		}
		s := 4 + len(m.Name()) // the spelling and the separators, roughly
		for _, a := range m.Args() {
			s += measure(a)
		}
		if m != n && refs[m] > 1 && len(m.Args()) > 0 && s > minShared {
			named = append(named, m)
			s = 3 // its name
		}
		size[m] = s
		return s
	}
	measure(n)
	return named
}

// treeSize estimates the length of n's text written out, as sharedNodes
// does, stopping at max.
func treeSize(n *expr.Node, max int) int {
	var size expr.Memo[int] // no allocation for a small graph
	var measure func(m *expr.Node) int
	measure = func(m *expr.Node) int {
		if len(m.Args()) == 0 {
			return 4 + len(m.Name())
		}
		if s, ok := size.Get(m); ok {
			return s
		}
		s := 4 + len(m.Name())
		for _, a := range m.Args() {
			s = min(s+measure(a), max+1)
		}
		size.Put(m, s)
		return s
	}
	return measure(n)
}

// freshPrefix returns a letter that, followed by the numbers 1…k, names
// nothing taken.
func freshPrefix(taken func(string) bool, k int) string {
	for _, prefix := range []string{"u", "v", "w", "s", "q", "z"} {
		free := true
		for i := 1; i <= k && free; i++ {
			free = taken == nil || !taken(prefix+strconv.Itoa(i))
		}
		if free {
			return prefix
		}
	}
	for i := 0; ; i++ { // a longer prefix, free for certain in the end
		prefix := "u" + strconv.Itoa(i) + "_"
		free := true
		for j := 1; j <= k && free; j++ {
			free = taken == nil || !taken(prefix+strconv.Itoa(j))
		}
		if free {
			return prefix
		}
	}
}

// form prints n in the printer's language, at the top level.
func (p *printer) form(n *expr.Node) {
	if p.latex {
		p.tex(n, 0)
	} else {
		p.text(n, 0)
	}
}

// name writes the name of a shared subexpression.
func (p *printer) name(s string) {
	if p.latex {
		p.write(TeXName(s))
	} else {
		p.write(s)
	}
}

// named writes n's name if n is a named shared subexpression other than
// the one being defined, and reports whether it did.
func (p *printer) named(n *expr.Node) bool {
	if p.names == nil || n == p.self {
		return false
	}
	s, ok := p.names[n]
	if ok {
		p.name(s)
	}
	return ok
}

// guard runs print and returns the text, or ErrTooLong past the limit.
func (p *printer) guard(print func()) (s string, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(tooLong); !ok {
				panic(r)
			}
			s, err = "", ErrTooLong
		}
	}()
	print()
	return string(p.b), nil
}
