package nabla

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/simplify"
)

// Vector returns the column vector of the given scalar entries, the
// vector-valued function [f1, f2, …].
func Vector(entries ...Expr) Expr {
	return Expr{n: expr.Vec(nodes(entries)...)}
}

// Len returns the number of entries of a vector or matrix, and 1 for a
// scalar.
func (e Expr) Len() int {
	if e.n.Op() != expr.OpMatrix {
		return 1
	}
	return e.n.Size()
}

// Entry returns the entry at the given indices of a vector (one index) or
// matrix (row, column); it panics if they are out of range.
func (e Expr) Entry(idx ...int) Expr {
	dims := e.Shape()
	if len(idx) != len(dims) {
		panic(fmt.Sprintf("nabla: Entry: %d indices for a %d-dimensional value", len(idx), len(dims)))
	}
	k := 0
	for i, x := range idx {
		if x < 0 || x >= dims[i] {
			panic(fmt.Sprintf("nabla: Entry: index %d out of range [0, %d)", x, dims[i]))
		}
		k = k*dims[i] + x
	}
	if len(dims) == 0 {
		return e
	}
	return e.with(e.n.Entry(k))
}

// entries returns the scalar entries of e: e itself for a scalar.
func (e Expr) entries() []*expr.Node {
	if e.n.Op() != expr.OpMatrix {
		return []*expr.Node{e.n}
	}
	out := make([]*expr.Node, e.n.Size())
	for k := range out {
		out[k] = e.n.Entry(k)
	}
	return out
}

func symbols(vars []string) ([]*expr.Node, error) {
	if len(vars) == 0 {
		return nil, errors.New("no variables to differentiate with respect to")
	}
	seen := make(map[string]bool, len(vars))
	xs := make([]*expr.Node, len(vars))
	for i, v := range vars {
		if !validName(v) {
			return nil, fmt.Errorf("cannot differentiate with respect to %q: not a variable name", v)
		}
		if seen[v] {
			return nil, fmt.Errorf("%s is named twice", v)
		}
		seen[v] = true
		xs[i] = expr.NewSym(v, expr.Scalar)
	}
	return xs, nil
}

func tooLarge(err error) error {
	if errors.Is(err, diff.ErrTooLarge) {
		return ErrTooLarge
	}
	return err
}

// Grad returns the gradient of the scalar f with respect to the variables
// vars, a row vector (1×n, numerator layout as in the lecture notes). It
// takes one reverse sweep over f's graph, however many variables there are.
func Grad(f Expr, vars ...string) (Expr, error) {
	if x := matrixVar(f, vars); x != nil {
		return matrixDerivative(f, x)
	}
	xs, err := symbols(vars)
	if err != nil {
		return Expr{}, err
	}
	if !f.n.Shape().IsScalar() {
		return Expr{}, fmt.Errorf("the gradient needs a scalar function; use Jacobian for a %s", f.n.Shape().Describe())
	}
	g, err := diff.Grad(f.n, xs, nil)
	if err != nil {
		return Expr{}, tooLarge(err)
	}
	simp := simplify.New()
	for i := range g {
		if g[i] = simp.Simplify(g[i]); simplify.MayCancel(g[i]) {
			g[i] = simplify.Normal(g[i])
		}
	}
	return Expr{n: expr.NewMatrix(expr.NewShape(expr.Dim{N: 1}, expr.Dim{N: len(g)}), nil, g)}, nil
}

// Jacobian returns the Jacobian of f with respect to vars: for f with m
// entries (a vector [f1, …, fm] or a scalar, m = 1) and n variables, the
// m×n matrix of ∂f_i/∂x_j.
func Jacobian(f Expr, vars ...string) (Expr, error) {
	if x := matrixVar(f, vars); x != nil {
		return matrixDerivative(f, x)
	}
	xs, err := symbols(vars)
	if err != nil {
		return Expr{}, err
	}
	if f.n.Shape().Rank() > 1 {
		return Expr{}, fmt.Errorf("the Jacobian needs a scalar or vector function, not a %s", f.n.Shape().Describe())
	}
	fs := f.entries()
	rows := make([]*expr.Node, 0, len(fs)*len(xs))
	simp := simplify.New()
	for _, fi := range fs {
		// One reverse sweep per row.
		g, err := diff.Grad(fi, xs, nil)
		if err != nil {
			return Expr{}, tooLarge(err)
		}
		for _, gij := range g {
			if gij = simp.Simplify(gij); simplify.MayCancel(gij) {
				gij = simplify.Normal(gij)
			}
			rows = append(rows, gij)
		}
	}
	s := expr.NewShape(expr.Dim{N: len(fs)}, expr.Dim{N: len(xs)})
	return Expr{n: expr.NewMatrix(s, nil, rows)}, nil
}

// Hessian returns the n×n Hessian of the scalar f with respect to vars.
// It differentiates the gradient forward over reverse, and only where an
// entry can be nonzero: ∂²f/∂x_i∂x_j is computed when the i-th gradient
// entry depends on x_j, once for each pair (the matrix is symmetric). A sum
// of terms in few variables each is differentiated term by term instead.
// A mostly zero Hessian, as that of such a sum, is stored sparsely.
func Hessian(f Expr, vars ...string) (Expr, error) {
	if x := matrixVar(f, vars); x != nil {
		return MatrixHessian(f, x.Name())
	}
	xs, err := symbols(vars)
	if err != nil {
		return Expr{}, err
	}
	if !f.n.Shape().IsScalar() {
		return Expr{}, fmt.Errorf("the Hessian needs a scalar function, not a %s", f.n.Shape().Describe())
	}
	index := make(map[string]int32, len(xs))
	for i, x := range xs {
		index[x.Name()] = int32(i)
	}
	fv := freeVars{index: index, memo: make(map[*expr.Node][]int32, 4*len(f.n.Args()))}
	n := len(xs)
	if h, ok := hessianOfSum(f.n, xs, &fv); ok {
		return h, nil
	}
	g, err := diff.Grad(f.n, xs, nil)
	if err != nil {
		return Expr{}, tooLarge(err)
	}
	type entry struct {
		pos int32
		val *expr.Node
	}
	var entries []entry
	done := make(map[int64]bool)
	simp := simplify.New()
	differ := diff.NewDiffer(nil)
	for i := range g {
		gi := simp.Simplify(g[i])
		for _, j := range fv.of(gi) {
			lo, hi := min(int64(i), int64(j)), max(int64(i), int64(j))
			key := lo*int64(n) + hi
			if done[key] {
				continue
			}
			done[key] = true
			h, err := differ.Diff(gi, xs[j])
			if err != nil {
				return Expr{}, tooLarge(err)
			}
			if h = simp.Simplify(h); simplify.MayCollect(h) {
				h = simplify.Normal(h)
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
	return Expr{n: expr.NewMatrix(s, pos, vals)}, nil
}

// hessianOfSum computes the Hessian of a sum of terms in few variables
// each, as Rosenbrock's, term by term: each term's own small Hessian,
// second derivatives of its first derivatives, is added into the entries
// of its variables. ok is false when f is not such a sum.
func hessianOfSum(f *expr.Node, xs []*expr.Node, fv *freeVars) (Expr, bool) {
	const fewVars = len(placeholders)
	if f.Op() != expr.OpAdd {
		return Expr{}, false
	}
	for _, t := range f.Args() {
		if len(fv.of(t)) > fewVars {
			return Expr{}, false
		}
	}
	n := int32(len(xs))
	sums := make(map[int32][]*expr.Node, 3*len(xs))
	lh := localHessians{differ: diff.NewDiffer(nil), cache: map[uint64][]*localHessian{}}
	for _, t := range f.Args() {
		vars := fv.of(t)
		local, ok := lh.of(t, vars, xs, fv)
		if !ok {
			return Expr{}, false
		}
		for _, e := range local.entries {
			a, b := vars[e.a], vars[e.b]
			sums[a*n+b] = append(sums[a*n+b], fillIn(e.h, vars, xs))
		}
	}
	keys := make([]int32, 0, 2*len(sums))
	vals := make(map[int32]*expr.Node, 2*len(sums))
	simp := simplify.New()
	for k, hs := range sums {
		// A local Hessian is simplified, and so is its copy with the
		// term's variables in place of the placeholders, a renaming; a
		// sum of several may simplify further.
		h := hs[0]
		if len(hs) > 1 {
			h = simp.Simplify(expr.Add(hs...))
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
	return Expr{n: expr.NewMatrix(s, keys, entries)}, true
}

// localHessians computes the small Hessians of the terms of a sum and
// remembers them by the terms' form with the variables left out: the n-1
// terms 100(x_{i+1} - x_i^2)^2 of Rosenbrock's function share one, and
// only its variables change.
type localHessians struct {
	differ *diff.Differ
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
	if h.Op() == expr.OpSym {
		for k := range vars {
			if h == placeholders[k] {
				return xs[vars[k]]
			}
		}
		return h
	}
	if len(h.Args()) == 0 {
		return h
	}
	args := make([]*expr.Node, len(h.Args()))
	changed := false
	for i, a := range h.Args() {
		args[i] = fillIn(a, vars, xs)
		changed = changed || args[i] != a
	}
	if !changed {
		return h
	}
	return expr.New(h, args)
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
			if h = simplify.Simplify(h); simplify.MayCollect(h) {
				h = simplify.Normal(h)
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
	memo   map[*expr.Node][]int32
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
	if v, ok := f.memo[n]; ok {
		return v
	}
	var out []int32
	for _, a := range n.Args() {
		out = mergeSorted(out, f.of(a))
	}
	f.memo[n] = out
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

// Tensor is a numeric value: a scalar (empty Shape), vector or matrix,
// with its entries in row-major order.
type Tensor struct {
	Shape []int
	Data  []float64
}

// At returns the entry at the given indices.
func (t Tensor) At(idx ...int) float64 {
	k := 0
	for i, x := range idx {
		k = k*t.Shape[i] + x
	}
	return t.Data[k]
}

// EvalTensor evaluates e, scalar, vector or matrix, at the point env of
// scalar values.
func (e Expr) EvalTensor(env map[string]float64) (Tensor, error) {
	if !hasLinearAlgebra(e.n) {
		p := eval.Compile(e.n)
		in, err := p.Inputs(env)
		if err != nil {
			return Tensor{}, err
		}
		data, err := p.EvalAll(in)
		if err != nil {
			return Tensor{}, err
		}
		return Tensor{Shape: append([]int{}, p.Shape()...), Data: data}, nil
	}
	values := make(map[string]Tensor, len(env))
	for k, v := range env {
		values[k] = Tensor{Data: []float64{v}}
	}
	return e.Value(values)
}

// Value evaluates e at the point env, whose values may be scalars,
// vectors or matrices; the symbolic sizes of declared vectors and matrices
// take the sizes of their values.
func (e Expr) Value(env map[string]Tensor) (Tensor, error) {
	in := make(map[string]eval.Tensor, len(env))
	for k, v := range env {
		in[k] = eval.Tensor{Shape: v.Shape, Data: v.Data}
	}
	t, err := eval.EvalTensor(e.n, in, e.decl)
	if err != nil {
		return Tensor{}, err
	}
	return Tensor{Shape: t.Shape, Data: t.Data}, nil
}

// hasLinearAlgebra reports whether n has a vector or matrix variable or a
// linear-algebra operation, which the compiled scalar programs lack.
func hasLinearAlgebra(n *expr.Node) bool {
	seen := map[*expr.Node]bool{}
	var walk func(m *expr.Node) bool
	walk = func(m *expr.Node) bool {
		if seen[m] {
			return false
		}
		seen[m] = true
		if m.Op().LinearAlgebra() || m.Op() == expr.OpSym && !m.Shape().IsScalar() {
			return true
		}
		for _, a := range m.Args() {
			if walk(a) {
				return true
			}
		}
		return false
	}
	return walk(n)
}

// matrixVar returns the variable when vars names one vector or matrix
// variable of f: its derivatives are taken in matrix form.
func matrixVar(f Expr, vars []string) *expr.Node {
	if len(vars) != 1 {
		return nil
	}
	if x := f.variable(vars[0]); x != nil && !x.Shape().IsScalar() {
		return x
	}
	return nil
}
