package expr

import (
	"math"
	"slices"
	"sync"
)

// A Func is a function name the parser reads: an operation of the table,
// or a derived function that builds other operations (sqrt(u) is
// u^(1/2)). Derived functions have no node of their own, so the
// printers, evaluators and differentiators never meet them.
type Func struct {
	Name        string
	Arity       int
	Elementwise bool
	Shape       func(args []Shape, s Sizes) (Shape, string)
	// Check, where set, is the operation's Check: what it needs of its
	// operands beyond their shapes.
	Check func(args []*Node) string
	Build func(args []*Node) *Node
}

// Derived lists the derived functions.
var Derived = []Func{
	{
		Name: "sqrt", Arity: 1, Elementwise: true, Shape: broadcastShape,
		Build: func(a []*Node) *Node { return Pow(a[0], NewConst(Rat(1, 2))) },
	},
	{
		// dot(a, b), also written <a, b>, is aᵀ b for vectors and the
		// Frobenius inner product tr(Aᵀ B) for matrices.
		Name: "dot", Arity: 2,
		Shape: func(a []Shape, s Sizes) (Shape, string) {
			if r := a[0].Rank(); r == 0 || r > 2 || !sameShape(a[0], a[1], s) {
				return Shape{}, "two vectors or two matrices of one shape"
			}
			return Scalar, ""
		},
		Build: func(a []*Node) *Node { return Inner(a[0], a[1]) },
	},
}

// Functions returns every function the parser reads by name, aliases
// included, keyed by the name: the definitions of a name, one for each
// number of operands, fewest first. max(x) is the largest entry of x and
// max(a, b) the larger of a and b; log(x) is the natural logarithm and
// log(x, b) that to the base b.
func Functions() map[string][]Func {
	out := map[string][]Func{}
	add := func(name string, f Func) {
		fs := out[name]
		i := 0
		for i < len(fs) && fs[i].Arity < f.Arity {
			i++
		}
		out[name] = slices.Insert(fs, i, f)
	}
	for i := range Ops {
		op := Op(i)
		info := &Ops[op]
		if info.Class != Function {
			continue
		}
		f := Func{info.Name, info.Arity, info.Elementwise, info.Shape, info.Check, func(a []*Node) *Node { return Apply(op, a...) }}
		add(info.Name, f)
		for _, alias := range info.Aliases {
			add(alias, f)
		}
	}
	for _, f := range Derived {
		add(f.Name, f)
	}
	return out
}

// A NamedConstant is a constant the parser reads by name.
type NamedConstant struct {
	Name    string   // the canonical name, as printed
	Aliases []string // other spellings: π
	Value   float64
}

// Constants lists the named constants. A name declared as a variable wins
// over a constant.
var Constants = []NamedConstant{
	{Name: Pi, Aliases: []string{"π"}, Value: math.Pi},
	{Name: E, Value: math.E},
}

// LookupConstant returns the canonical name of the constant spelt s.
func LookupConstant(s string) (string, bool) {
	for _, c := range Constants {
		if s == c.Name {
			return c.Name, true
		}
		for _, a := range c.Aliases {
			if s == a {
				return c.Name, true
			}
		}
	}
	return "", false
}

// WordLeaf returns the leaf operation spelt by the word s (I, eye, ones),
// which the parser reads where vectors or matrices are declared.
func WordLeaf(s string) (Op, bool) {
	op, ok := wordLeaves()[s]
	return op, ok
}

// wordLeaves maps the names and aliases of the word leaves to their
// operations, from the table.
var wordLeaves = sync.OnceValue(func() map[string]Op {
	m := map[string]Op{}
	for i := range Ops {
		if info := &Ops[i]; info.Leaf != nil {
			for _, name := range append([]string{info.Name}, info.Aliases...) {
				if _, dup := m[name]; !dup {
					m[name] = Op(i) // the first entry wins, as in a scan of the table
				}
			}
		}
	}
	return m
})
