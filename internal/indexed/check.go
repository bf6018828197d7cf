package indexed

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/tensor"
)

// Check checks the derivative at a point of random data: each entry of
// its value against the central difference of f. A point where f or the
// derivative cannot be evaluated (outside a function's domain) checks
// nothing.
func (d *Derivative) Check() error {
	env, idx := d.Of.sample(d.Result.free)
	g, err := d.Result.Value(env, idx)
	if err != nil {
		return nil
	}
	f0, err := d.Of.Value(env, idx)
	if err != nil {
		return nil
	}
	entries, set, err := d.entries(env, idx)
	if err != nil || len(entries) != len(g.Data) {
		return fmt.Errorf("the derivative of %s with respect to %s has %d entries, but %s has %d", d.Of.Text(), d.Wrt, len(g.Data), d.Wrt, len(entries))
	}
	scale := math.Max(1, math.Abs(f0.Data[0]))
	for _, v := range g.Data {
		scale = math.Max(scale, math.Abs(v))
	}
	for k, v := range entries {
		h := 1e-5 * math.Max(1, math.Abs(v))
		set(k, v+h)
		fp, err1 := d.Of.Value(env, idx)
		set(k, v-h)
		fm, err2 := d.Of.Value(env, idx)
		set(k, v)
		if err1 != nil || err2 != nil {
			return nil
		}
		fd := (fp.Data[0] - fm.Data[0]) / (2 * h)
		if math.Abs(fd-g.Data[k]) > 1e-6*scale {
			return fmt.Errorf("the derivative %s of %s with respect to %s disagrees with finite differences at a point: %g against %g in entry %d",
				d.Result.Text(), d.Of.Text(), d.Wrt, g.Data[k], fd, k+1)
		}
	}
	return nil
}

// entries returns the entries of the variable differentiated with
// respect to in env (a copy of its family's value, put in env), and a
// function that sets entry k.
func (d *Derivative) entries(env map[string]tensor.T, idx map[string]int) ([]float64, func(k int, v float64), error) {
	val, ok := env[d.Wrt.Name]
	if !ok {
		return nil, nil, fmt.Errorf("no value for %s", d.Wrt.Name)
	}
	val = tensor.T{Shape: slices.Clone(val.Shape), Data: slices.Clone(val.Data)}
	env[d.Wrt.Name] = val
	var pos []int
	switch {
	case d.Wrt.Idx == nil:
		for k := range val.Data {
			pos = append(pos, k)
		}
	case len(d.Wrt.Idx) == 1 && len(val.Shape) == 2:
		row, cols := idx[d.Wrt.Idx[0]]-1, val.Shape[1]
		for c := 0; c < cols; c++ {
			pos = append(pos, row*cols+c)
		}
	case len(d.Wrt.Idx) == 1:
		pos = []int{idx[d.Wrt.Idx[0]] - 1}
	default:
		pos = []int{(idx[d.Wrt.Idx[0]]-1)*val.Shape[1] + idx[d.Wrt.Idx[1]] - 1}
	}
	out := make([]float64, len(pos))
	for k, p := range pos {
		out[k] = val.Data[p]
	}
	return out, func(k int, v float64) { val.Data[pos[k]] = v }, nil
}

// Check checks the solution at a point of random data: the derivative
// vanishes at it. A point where the solution cannot be evaluated (a
// singular matrix to invert) checks nothing.
func (s *Solution) Check() error {
	d := s.Of
	env, idx := d.Of.sample(d.Result.free)
	g0, err := d.Result.Value(env, idx)
	if err != nil {
		return nil
	}
	w, err := s.Value.Value(env, idx)
	if err != nil {
		return nil
	}
	_, set, err := d.entries(env, idx)
	if err != nil {
		return err
	}
	for k, v := range w.Data {
		set(k, v)
	}
	g, err := d.Result.Value(env, idx)
	if err != nil {
		return nil
	}
	scale := 1.0
	for _, v := range g0.Data {
		scale = math.Max(scale, math.Abs(v))
	}
	for _, v := range g.Data {
		if math.Abs(v) > 1e-6*scale {
			return fmt.Errorf("the solution %s = %s does not make ∂f/∂%s vanish at a point: it is %g there", d.Wrt, s.Value.Text(), d.Wrt, v)
		}
	}
	return nil
}

// sample returns a point of random data for e, and for the free indices
// of free as well: each index's range a size from 4 to 6, each other
// symbolic size from 2 to 3, entries between 1/4 and 5/4 (a square
// matrix with a heavier diagonal), free indices 2 or less.
func (e *Expr) sample(free map[string]expr.Dim) (map[string]tensor.T, map[string]int) {
	free = maps.Clone(free)
	maps.Copy(free, e.free)
	r := rand.New(rand.NewPCG(11, 13))
	sizes := map[string]int{}
	ranges := []expr.Dim{}
	for _, s := range e.reachable() {
		ranges = append(ranges, s.Ranges...)
	}
	for _, i := range slices.Sorted(maps.Keys(free)) {
		ranges = append(ranges, free[i])
	}
	for _, d := range ranges {
		if _, ok := sizes[d.Sym]; d.N == 0 && !ok {
			sizes[d.Sym] = 4 + len(sizes)%3
		}
	}
	size := func(d expr.Dim) int {
		if d.N > 0 {
			return d.N
		}
		if _, ok := sizes[d.Sym]; !ok {
			sizes[d.Sym] = 2 + len(sizes)%2
		}
		return sizes[d.Sym]
	}
	env := map[string]tensor.T{}
	add := func(name string, s expr.Shape) {
		t := tensor.T{}
		n := 1
		for i := 0; i < s.Rank(); i++ {
			k := size(s.Dim(i))
			t.Shape = append(t.Shape, k)
			n *= k
		}
		t.Data = make([]float64, n)
		for i := range t.Data {
			t.Data[i] = 0.25 + r.Float64()
		}
		if s.Rank() == 2 && t.Shape[0] == t.Shape[1] {
			for i := 0; i < t.Shape[0]; i++ {
				t.Data[i*t.Shape[0]+i] += float64(t.Shape[0])
			}
		}
		env[name] = t
	}
	for _, name := range expr.SortedNames(e.decl) {
		add(name, e.decl[name])
	}
	for _, g := range e.graphs() {
		for _, v := range expr.Vars(g) {
			if _, done := env[v.Name()]; !done && e.SumVar(v) == nil && !e.isRef(v) {
				add(v.Name(), v.Shape())
			}
		}
	}
	idx := map[string]int{}
	for i, d := range free {
		idx[i] = min(2, size(d))
	}
	return env, idx
}
