package indexed

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/tensor"
)

// Value evaluates e at the values env of its variables and the values idx
// of its free indices, from 1. The value of a family gives its members:
// a matrix x (N×D) gives x[n] its row n, a vector y gives y[i] its entry
// i. An index runs over 1…N for the size N of what it indexes; a sum is
// added up term by term, in the order of its indices.
func (e *Expr) Value(env map[string]tensor.T, idx map[string]int) (tensor.T, error) {
	v := &evaluator{e: e, env: env, sizes: map[string]int{}, from: map[string]expr.SizeSource{}, memo: map[string]tensor.T{}}
	if err := v.settle(); err != nil {
		return tensor.T{}, err
	}
	b := map[string]int{}
	for _, i := range e.Free() {
		k, ok := idx[i]
		if !ok {
			return tensor.T{}, fmt.Errorf("no value for the index %s: give it one, as %s=1", i, i)
		}
		n, err := v.size(e.free[i], i)
		if err != nil {
			return tensor.T{}, err
		}
		if k < 1 || k > n {
			return tensor.T{}, fmt.Errorf("the index %s = %d is out of its range 1…%d", i, k, n)
		}
		b[i] = k
	}
	return v.graph(e.Top, b)
}

// evaluator evaluates one Expr at one point.
type evaluator struct {
	e     *Expr
	env   map[string]tensor.T
	sizes map[string]int             // the symbolic sizes, settled by the values
	from  map[string]expr.SizeSource // the value each size was read from
	memo  map[string]tensor.T
}

// settle reads the symbolic sizes of the declared variables from their
// values.
func (v *evaluator) settle() error {
	for _, name := range expr.SortedNames(v.e.decl) {
		val, ok := v.env[name]
		if !ok {
			continue
		}
		s := v.e.decl[name]
		if len(val.Shape) != s.Rank() {
			return fmt.Errorf("%s is a %s, but its value is %s", name, s.Describe(), describeValue(val))
		}
		for i := 0; i < s.Rank(); i++ {
			d := s.Dim(i)
			switch k, ok := v.sizes[d.Sym]; {
			case d.N > 0 && d.N != val.Shape[i]:
				return fmt.Errorf("%s has size %s, but its value has %d", name, s, val.Shape[i])
			case d.N > 0:
			case ok && k != val.Shape[i]:
				return errors.New(expr.SizeConflict(d.Sym, v.from[d.Sym], k, expr.SizeSource{Name: name, Rank: s.Rank(), Dim: i}, val.Shape[i]))
			default:
				v.sizes[d.Sym], v.from[d.Sym] = val.Shape[i], expr.SizeSource{Name: name, Rank: s.Rank(), Dim: i}
			}
		}
	}
	return nil
}

// describeValue describes a value for messages: a scalar, a 3-vector, a
// 2×3 matrix.
func describeValue(t tensor.T) string {
	switch len(t.Shape) {
	case 0:
		return "a scalar"
	case 1:
		return fmt.Sprintf("a %d-vector", t.Shape[0])
	}
	dims := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		dims[i] = fmt.Sprint(d)
	}
	return "a " + strings.Join(dims, "×") + " matrix"
}

// size returns the size of the range d of the index i.
func (v *evaluator) size(d expr.Dim, i string) (int, error) {
	if d.N > 0 {
		return d.N, nil
	}
	if k, ok := v.sizes[d.Sym]; ok {
		return k, nil
	}
	return 0, fmt.Errorf("the range 1…%s of the index %s is unknown: give a value to what %s indexes", d.Sym, i, i)
}

// declared returns the values of the declared variables, which settle
// the sizes of what has lost them (a zero row 1×D), and their shapes.
func (v *evaluator) declared() (map[string]tensor.T, map[string]expr.Shape) {
	in := map[string]tensor.T{}
	decl := map[string]expr.Shape{}
	for name, s := range v.e.decl {
		if val, ok := v.env[name]; ok {
			in[name], decl[name] = val, s
		}
	}
	return in, decl
}

// graph evaluates n, Top or a summand, with the indices bound at b.
func (v *evaluator) graph(n *expr.Node, b map[string]int) (tensor.T, error) {
	in, decl := v.declared()
	for _, x := range expr.Vars(n) {
		var err error
		switch s := v.e.SumVar(x); {
		case s != nil:
			in[x.Name()], err = v.sum(x.Name(), s, b)
		case v.e.isRef(x):
			in[x.Name()], err = v.member(v.e.refs[x.Name()], b)
		default:
			val, ok := v.env[x.Name()]
			if !ok {
				return tensor.T{}, fmt.Errorf("no value for %s", x.Name())
			}
			in[x.Name()] = val
		}
		if err != nil {
			return tensor.T{}, err
		}
	}
	return eval.EvalTensor(n, in, decl)
}

// sum adds up the sum s, named name, term by term, its free indices
// bound at b, as they are for every sum of one evaluation.
func (v *evaluator) sum(name string, s *Sum, b map[string]int) (tensor.T, error) {
	if t, ok := v.memo[name]; ok {
		return t, nil
	}
	sizes := make([]int, len(s.Over))
	for i, idx := range s.Over {
		k, err := v.size(s.Ranges[i], idx)
		if err != nil {
			return tensor.T{}, err
		}
		sizes[i] = k
	}
	vars := expr.Vars(s.Body)
	in, decl := v.declared()
	var refs []*expr.Node
	for _, x := range vars {
		if v.e.isRef(x) {
			refs = append(refs, x)
			continue
		}
		val, ok := v.env[x.Name()]
		if !ok {
			return tensor.T{}, fmt.Errorf("no value for %s", x.Name())
		}
		in[x.Name()] = val
	}
	at := maps.Clone(b)
	tuple := make([]int, len(sizes))
	for i := range tuple {
		tuple[i] = 1
		at[s.Over[i]] = 1
	}
	var total tensor.T
	for first := true; ; first = false {
		for _, x := range refs {
			m, err := v.member(v.e.refs[x.Name()], at)
			if err != nil {
				return tensor.T{}, err
			}
			in[x.Name()] = m
		}
		t, err := eval.EvalTensor(s.Body, in, decl)
		if err != nil {
			return tensor.T{}, fmt.Errorf("at %s: %w", bindingText(s.Over, tuple), err)
		}
		if first {
			total = tensor.T{Shape: slices.Clone(t.Shape), Data: slices.Clone(t.Data)}
		} else {
			for i, x := range t.Data {
				total.Data[i] += x
			}
		}
		// The next tuple, the last index fastest.
		i := len(tuple) - 1
		for ; i >= 0; i-- {
			if tuple[i] < sizes[i] {
				tuple[i]++
				at[s.Over[i]] = tuple[i]
				break
			}
			tuple[i] = 1
			at[s.Over[i]] = 1
		}
		if i < 0 {
			break
		}
	}
	v.memo[name] = total // the free indices are bound once for the whole
	return total, nil
}

// bindingText writes the indices at their values: n = 2, k = 1.
func bindingText(over []string, tuple []int) string {
	parts := make([]string, len(over))
	for i, idx := range over {
		parts[i] = fmt.Sprintf("%s = %d", idx, tuple[i])
	}
	return strings.Join(parts, ", ")
}

// member returns the value of the member r with its indices at b.
func (v *evaluator) member(r Ref, b map[string]int) (tensor.T, error) {
	val, ok := v.env[r.Family]
	if !ok {
		return tensor.T{}, fmt.Errorf("no value for %s", r.Family)
	}
	pos := make([]int, len(r.Idx))
	for i, idx := range r.Idx {
		k, ok := b[idx]
		if !ok {
			return tensor.T{}, fmt.Errorf("no value for the index %s", idx)
		}
		if i >= len(val.Shape) || k > val.Shape[i] {
			return tensor.T{}, fmt.Errorf("%s = %d is beyond %s, %s", idx, k, r.Family, describeValue(val))
		}
		pos[i] = k - 1
	}
	switch {
	case len(val.Shape) == 1 && len(pos) == 1:
		return tensor.Scalar(val.Data[pos[0]]), nil
	case len(val.Shape) == 2 && len(pos) == 1:
		cols := val.Shape[1]
		return tensor.T{Shape: []int{cols}, Data: val.Data[pos[0]*cols : (pos[0]+1)*cols]}, nil
	case len(val.Shape) == 2 && len(pos) == 2:
		return tensor.Scalar(val.Data[pos[0]*val.Shape[1]+pos[1]]), nil
	}
	return tensor.T{}, fmt.Errorf("%s takes %d indices, but its value is %s", r.Family, len(r.Idx), describeValue(val))
}
