package calc

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/simplify"
)

// hessian is the n×n Hessian of the scalar f with respect to the scalars
// xs. It differentiates the gradient forward over reverse, and only where
// an entry can be nonzero: ∂²f/∂x_i∂x_j is computed when the i-th gradient
// entry depends on x_j, once for each pair (the matrix is symmetric). A
// sum of terms in few variables each is differentiated term by term
// instead. A mostly zero Hessian, as that of such a sum, is stored
// sparsely.
func (c *computation) hessian(f *expr.Node, xs []*expr.Node) (*expr.Node, error) {
	if !f.Shape().IsScalar() {
		return nil, fmt.Errorf("the Hessian needs a scalar function, not a %s", f.Shape().Describe())
	}
	index := make(map[string]int32, len(xs))
	for i, x := range xs {
		index[x.Name()] = int32(i)
	}
	fv := freeVars{index: index}
	fv.memo.Reserve(4 * len(f.Args()))
	n := len(xs)
	if h, ok := c.hessianOfSum(f, xs, &fv); ok {
		return h, nil
	}
	g, err := diff.Grad(f, xs, c.diffOptions())
	if err != nil {
		return nil, tooLarge(err)
	}
	type entry struct {
		pos int32
		val *expr.Node
	}
	var entries []entry
	done := make(map[int64]bool)
	differ := diff.NewDiffer(c.diffOptions())
	for i := range g {
		gi := c.simp.Simplify(g[i])
		for _, j := range fv.of(gi) {
			lo, hi := min(int64(i), int64(j)), max(int64(i), int64(j))
			key := lo*int64(n) + hi
			if done[key] {
				continue
			}
			done[key] = true
			h, err := differ.Diff(gi, xs[j])
			if err != nil {
				return nil, tooLarge(err)
			}
			if h = c.simp.Simplify(h); simplify.MayCollect(h) {
				h = c.simp.Normal(h)
			}
			if h.IsZero() {
				continue
			}
			entries = append(entries, entry{int32(i)*int32(n) + j, h})
			if int(j) != i {
				entries = append(entries, entry{j*int32(n) + int32(i), h})
			}
		}
	}
	sort.Slice(entries, func(a, b int) bool { return entries[a].pos < entries[b].pos })
	pos := make([]int32, len(entries))
	vals := make([]*expr.Node, len(entries))
	for k, e := range entries {
		pos[k], vals[k] = e.pos, e.val
	}
	s := expr.NewShape(expr.Dim{N: n}, expr.Dim{N: n})
	return expr.NewMatrix(s, pos, vals), nil
}

// hessianOfSum computes the Hessian of a sum of terms in few variables
// each, as Rosenbrock's, term by term: each term's own small Hessian,
// second derivatives of its first derivatives, is added into the entries
// of its variables. ok is false when f is not such a sum.
func (c *computation) hessianOfSum(f *expr.Node, xs []*expr.Node, fv *freeVars) (*expr.Node, bool) {
	const fewVars = len(placeholders)
	if f.Op() != expr.OpAdd {
		return nil, false
	}
	for _, t := range f.Args() {
		if len(fv.of(t)) > fewVars {
			return nil, false
		}
	}
	n := int32(len(xs))
	sums := make(map[int32][]*expr.Node, 3*len(xs))
	lh := localHessians{differ: diff.NewDiffer(c.diffOptions()), simp: c.simp, cache: map[uint64][]*localHessian{}}
	for _, t := range f.Args() {
		c.b.Step(1)
		vars := fv.of(t)
		local, ok := lh.of(t, vars, xs, fv)
		if !ok {
			return nil, false
		}
		for _, e := range local.entries {
			a, b := vars[e.a], vars[e.b]
			sums[a*n+b] = append(sums[a*n+b], fillIn(e.h, vars, xs))
		}
	}
	keys := make([]int32, 0, 2*len(sums))
	vals := make(map[int32]*expr.Node, 2*len(sums))
	for k, hs := range sums {
		// A local Hessian is simplified, and so is its copy with the
		// term's variables in place of the placeholders, a renaming; a
		// sum of several may simplify further.
		h := hs[0]
		if len(hs) > 1 {
			h = c.simp.Simplify(expr.Add(hs...))
		}
		if h.IsZero() {
			continue
		}
		a, b := k/n, k%n
		vals[k] = h
		keys = append(keys, k)
		if a != b {
			vals[b*n+a] = h
			keys = append(keys, b*n+a)
		}
	}
	slices.Sort(keys)
	entries := make([]*expr.Node, len(keys))
	for i, k := range keys {
		entries[i] = vals[k]
	}
	s := expr.NewShape(expr.Dim{N: int(n)}, expr.Dim{N: int(n)})
	return expr.NewMatrix(s, keys, entries), true
}

// localHessians computes the small Hessians of the terms of a sum and
// remembers them by the terms' form with the variables left out: the n-1
// terms 100(x_{i+1} - x_i^2)^2 of Rosenbrock's function share one, and
// only its variables change.
type localHessians struct {
	differ *diff.Differ
	simp   *simplify.Simplifier
	cache  map[uint64][]*localHessian
}

// localHessian is the Hessian of a term written with placeholders #0,
// #1, … for its variables.
type localHessian struct {
	template *expr.Node
	entries  []localEntry
}

type localEntry struct {
	a, b int // positions in the term's variables, a ≤ b
	h    *expr.Node
}

// placeholders are the variables #0, #1, … of local Hessians; '#' is not
// a letter of any name a user can write.
var placeholders = func() (ps [8]*expr.Node) {
	for k := range ps {
		ps[k] = expr.NewSym("#"+strconv.Itoa(k), expr.Scalar)
	}
	return ps
}()

func placeholder(k int) *expr.Node { return placeholders[k] }

// fillIn replaces the placeholders of h by the term's variables.
func fillIn(h *expr.Node, vars []int32, xs []*expr.Node) *expr.Node {
	return expr.Transform(h, func(m *expr.Node) *expr.Node {
		if m.Op() == expr.OpSym {
			for k := range vars {
				if expr.Equal(m, placeholders[k]) {
					return xs[vars[k]]
				}
			}
		}
		return m
	})
}

// of returns the local Hessian of the term t, whose wanted variables are
// vars (indices into xs).
func (l *localHessians) of(t *expr.Node, vars []int32, xs []*expr.Node, fv *freeVars) (*localHessian, bool) {
	key := formHash(t, vars, xs)
	for _, c := range l.cache[key] {
		if sameForm(c.template, t, vars, xs) {
			return c, true
		}
	}
	to := make(map[string]*expr.Node, len(vars))
	ps := make([]*expr.Node, len(vars))
	for k, v := range vars {
		ps[k] = placeholder(k)
		to[xs[v].Name()] = ps[k]
	}
	c := &localHessian{template: expr.Substitute(t, to)}
	for a := range ps {
		da, err := l.differ.Diff(c.template, ps[a])
		if err != nil {
			return nil, false
		}
		for b := a; b < len(ps); b++ {
			h, err := l.differ.Diff(da, ps[b])
			if err != nil {
				return nil, false
			}
			if h = l.simp.Simplify(h); simplify.MayCollect(h) {
				h = l.simp.Normal(h)
			}
			if !h.IsZero() {
				c.entries = append(c.entries, localEntry{a, b, h})
			}
		}
	}
	l.cache[key] = append(l.cache[key], c)
	return c, true
}

// formHash hashes n with each of its variables xs[vars[k]] replaced by
// its position k.
func formHash(n *expr.Node, vars []int32, xs []*expr.Node) uint64 {
	if n.Op() == expr.OpSym {
		for k, v := range vars {
			if expr.Equal(n, xs[v]) {
				return uint64(k)*0x9e3779b97f4a7c15 + 1
			}
		}
		return n.Hash()
	}
	if len(n.Args()) == 0 {
		return n.Hash()
	}
	h := uint64(n.Op())*0xbf58476d1ce4e5b9 + uint64(len(n.Args()))
	for _, a := range n.Args() {
		h = (h^formHash(a, vars, xs))*0x94d049bb133111eb + 7
	}
	return h
}

// sameForm reports whether t is the template with placeholder #k standing
// for xs[vars[k]].
func sameForm(template, t *expr.Node, vars []int32, xs []*expr.Node) bool {
	if template.Op() == expr.OpSym && strings.HasPrefix(template.Name(), "#") {
		k, err := strconv.Atoi(template.Name()[1:])
		return err == nil && k < len(vars) && expr.Equal(t, xs[vars[k]])
	}
	if template.Op() != t.Op() || len(template.Args()) != len(t.Args()) {
		return false
	}
	if len(t.Args()) == 0 || t.Op() == expr.OpMatrix {
		return expr.Equal(template, t)
	}
	for i, a := range template.Args() {
		if !sameForm(a, t.Arg(i), vars, xs) {
			return false
		}
	}
	return true
}

// freeVars finds which of the wanted variables an expression contains.
type freeVars struct {
	index  map[string]int32
	memo   expr.Memo[[]int32]
	single []int32 // 0, 1, 2, …: the one-variable sets, without allocating
}

// of returns the sorted indices of the wanted variables in n.
func (f *freeVars) of(n *expr.Node) []int32 {
	if n.Op() == expr.OpSym {
		if i, ok := f.index[n.Name()]; ok {
			if f.single == nil {
				f.single = make([]int32, len(f.index))
				for k := range f.single {
					f.single[k] = int32(k)
				}
			}
			return f.single[i : i+1 : i+1]
		}
		return nil
	}
	if len(n.Args()) == 0 {
		return nil
	}
	if v, ok := f.memo.Get(n); ok {
		return v
	}
	var out []int32
	for _, a := range n.Args() {
		out = mergeSorted(out, f.of(a))
	}
	f.memo.Put(n, out)
	return out
}

func mergeSorted(a, b []int32) []int32 {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}
