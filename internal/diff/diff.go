// Package diff differentiates expression graphs symbolically.
//
// It differentiates the graph, not the tree: d(node)/dx is memoised per
// node, so a subexpression shared by many parents is differentiated once
// and its derivative is shared too. Each node's derivative is assembled
// from the partial derivatives that the operation table gives,
//
//	dn/dx = Σ ∂n/∂argᵢ · dargᵢ/dx,
//
// and the rule that fired is reported to an optional recorder, so an
// explainer can show the steps without a second differentiator.
package diff

import (
	"errors"
	"fmt"
	"sync"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/expr"
)

// DefaultMaxNodes bounds the number of nodes one differentiation may visit
// and build.
const DefaultMaxNodes = 2_000_000

// ErrTooLarge is returned when a derivative exceeds the node budget.
var ErrTooLarge = errors.New("derivative too large")

// Step records one application of a derivative rule.
type Step struct {
	Rule   string     // e.g. "chain rule", "product rule", "power rule"
	Node   *expr.Node // the subexpression differentiated
	Result *expr.Node // its derivative
}

// Options configures Diff. A nil *Options means the defaults.
type Options struct {
	// Record, if set, is called for every non-trivial node differentiated,
	// operands before the nodes that use them.
	Record func(Step)
	// MaxNodes overrides DefaultMaxNodes.
	MaxNodes int
	// Seed, if set, is the differential of the variable itself, such as a
	// matrix symbol dX: the result is then the differential df, linear in
	// dX, from which matrix and index forms of the derivative are read.
	Seed *expr.Node
	// Budget, if set, bounds the work by its context: the
	// differentiation stops, panicking with a *budget.Stopped, when the
	// context is done.
	Budget *budget.Budget
}

// Diff returns dn/dx for the variable x.
func Diff(n, x *expr.Node, opts *Options) (*expr.Node, error) {
	// Small derivatives reuse the memory of earlier ones.
	df := differs.Get().(*Differ)
	if opts != nil {
		df.s.opts = opts
	}
	d, err := df.Diff(n, x)
	if df.s.memo.Len() <= 32 {
		df.s.memo.Reset()
		df.s.opts = &noOptions
		differs.Put(df)
	}
	return d, err
}

var noOptions Options

var differs = sync.Pool{New: func() any { return NewDiffer(nil) }}

// A Differ differentiates many expressions in turn, reusing its memory.
// It is not safe for concurrent use.
type Differ struct {
	s state
}

// NewDiffer returns a Differ with the given options (nil for the
// defaults).
func NewDiffer(opts *Options) *Differ {
	if opts == nil {
		opts = &Options{}
	}
	return &Differ{s: state{opts: opts}}
}

// Diff returns dn/dx for the variable x.
func (df *Differ) Diff(n, x *expr.Node) (d *expr.Node, err error) {
	if x.Op() != expr.OpSym {
		return nil, fmt.Errorf("cannot differentiate with respect to %s: not a variable", x.Info().Name)
	}
	s := &df.s
	s.x = x
	s.memo.Reset()
	s.budget = s.opts.MaxNodes
	if s.budget == 0 {
		s.budget = DefaultMaxNodes
	}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*NoRealDerivativeError); ok {
				d, err = nil, e
				return
			}
			if r != errBudget {
				panic(r)
			}
			d, err = nil, ErrTooLarge
		}
	}()
	return s.d(n).materialize(), nil
}

var errBudget = errors.New("budget")

type state struct {
	x      *expr.Node
	opts   *Options
	budget int
	memo   expr.Memo[*dval]
	slab   []dval // dvals not yet handed out
}

// newD returns a new dval equal to v, from a slab: the derivative of one
// expression makes many small dvals that live as long as the state.
func (s *state) newD(v dval) *dval {
	if len(s.slab) == 0 {
		s.slab = make([]dval, 16)
	}
	p := &s.slab[0]
	s.slab = s.slab[1:]
	*p = v
	return p
}

// dval is a derivative under construction: a node, or a lazy product
// f · rest that is turned into one canonical product only when needed.
// Chains of unary operations (sin(sin(…))) thus build their derivative in
// linear time instead of re-flattening a growing product at every level.
type dval struct {
	node *expr.Node
	f    *expr.Node
	rest *dval
}

var (
	zeroD = &dval{node: expr.Int64(0)}
	oneD  = &dval{node: expr.Int64(1)}
)

func (v *dval) isZero() bool { return v == zeroD || v.node != nil && v.node.IsZero() }

func (v *dval) materialize() *expr.Node {
	if v.node != nil {
		return v.node
	}
	var fs []*expr.Node
	w := v
	for ; w.node == nil; w = w.rest {
		fs = append(fs, w.f)
	}
	fs = append(fs, w.node)
	v.node = expr.Mul(fs...)
	v.f, v.rest = nil, nil
	return v.node
}

func (s *state) spend(k int) {
	s.opts.Budget.Step(k)
	s.budget -= k
	if s.budget < 0 {
		panic(errBudget)
	}
}

func (s *state) d(n *expr.Node) *dval {
	switch n.Op() {
	case expr.OpSym:
		if expr.Equal(n, s.x) {
			if s.opts.Seed != nil {
				return &dval{node: s.opts.Seed}
			}
			return oneD
		}
		return zeroD
	case expr.OpConst, expr.OpConstant:
		return zeroD
	}
	if v, ok := s.memo.Get(n); ok {
		return v
	}
	s.spend(1)
	info := n.Info()
	if len(n.Args()) == 1 && info.Combine == nil {
		// A function of one operand: the chain rule, f'(u) u'.
		du := s.d(n.Arg(0))
		if du.isZero() {
			s.memo.Put(n, zeroD)
			return zeroD
		}
		p := info.Partial(n, 0)
		if p.IsZero() && p.Shape().IsScalar() {
			// sign(u), step(u): constant piece by piece, the derivative
			// is 0 whatever u′ is, and known to be 0 at once.
			return s.done(n, 1, false, zeroD)
		}
		return s.done(n, 1, false, s.newD(dval{f: p, rest: du}))
	}
	var dsBuf, partsBuf [4]*dval // most operations have few operands
	parts := partsBuf[:0]
	varying := 0
	ds := dsBuf[:0]
	if len(n.Args()) > len(dsBuf) {
		ds = make([]*dval, 0, len(n.Args()))
	}
	ds = ds[:len(n.Args())]
	for i, a := range n.Args() {
		ds[i] = s.d(a)
		if !ds[i].isZero() {
			varying++
		}
	}
	if n.Op() == expr.OpPow && !ds[1].isZero() && negativeBase(n) {
		// (-2)^g: no derivative over the reals where g varies; where g′
		// is 0 (g = sign(x)), the power is constant piece by piece.
		if !ds[1].materialize().IsZero() {
			panic(&NoRealDerivativeError{Pow: n})
		}
		ds[1] = zeroD
		varying--
	}
	if varying == 0 {
		s.memo.Put(n, zeroD)
		return zeroD
	}
	baseVaries := !ds[0].isZero()
	if varying > 0 && info.Combine != nil {
		d := make([]*expr.Node, len(ds))
		for i, v := range ds {
			if !v.isZero() {
				d[i] = v.materialize()
			}
		}
		s.spend(len(d))
		if r := info.Combine(n, d); r != nil {
			return s.done(n, varying, baseVaries, s.newD(dval{node: r}))
		}
	}
	for i, da := range ds {
		if da.isZero() {
			continue
		}
		p := info.Partial(n, i)
		s.spend(1)
		if p.IsNum(1) {
			parts = append(parts, da)
			continue
		}
		parts = append(parts, s.newD(dval{f: p, rest: da}))
	}
	var v *dval
	switch len(parts) {
	case 0:
		v = zeroD
	case 1:
		v = parts[0]
	default:
		terms := make([]*expr.Node, len(parts))
		for i, p := range parts {
			terms[i] = p.materialize()
		}
		s.spend(len(terms))
		v = s.newD(dval{node: expr.Add(terms...)})
	}
	return s.done(n, varying, baseVaries, v)
}

// done memoises and records the derivative v of n; varying of its
// operands depend on the variable, the first of them if baseVaries.
func (s *state) done(n *expr.Node, varying int, baseVaries bool, v *dval) *dval {
	s.memo.Put(n, v)
	if s.opts.Record != nil {
		s.opts.Record(Step{Rule: ruleName(n, varying, baseVaries), Node: n, Result: v.materialize()})
	}
	return v
}

// ruleName names the rule that differentiates n when varying of its
// operands depend on the variable.
func ruleName(n *expr.Node, varying int, baseVaries bool) string {
	switch n.Op() {
	case expr.OpMul:
		if varying == 1 {
			return "constant multiple rule"
		}
	case expr.OpPow:
		switch {
		case varying == 2:
			return "general power rule"
		case baseVaries:
			return "power rule"
		}
		return "exponential rule"
	}
	return n.Info().Rule
}
