package nabla

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nabla-math/nabla/internal/budget"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/simplify"
)

// TaylorPoly is a Taylor polynomial: the terms of each degree, about a
// point.
type TaylorPoly struct {
	// Terms holds the homogeneous part of each degree, Terms[k] of
	// degree k in x − x₀: f(x₀), ∇f(x₀)(x − x₀), …; a zero part is 0.
	Terms []Expr
	// Expr is their sum, simplified.
	Expr Expr
}

// String writes the polynomial by ascending degree, as series are
// written: 1 + x - x^2/2 - x^3/6. It parses back to the same polynomial.
// A text of more than MaxPrint bytes is cut there and ends in "…".
func (t *TaylorPoly) String() string {
	s, err := t.TextLimit(MaxPrint)
	if err != nil {
		return t.Expr.String()
	}
	return s
}

// LaTeX writes the polynomial by ascending degree in LaTeX, cut as
// String.
func (t *TaylorPoly) LaTeX() string {
	s, err := t.LaTeXLimit(MaxPrint)
	if err != nil {
		return t.Expr.LaTeX()
	}
	return s
}

// TextLimit is String with a limit on the length of the text in bytes, as
// Expr.TextLimit.
func (t *TaylorPoly) TextLimit(max int) (string, error) { return t.join(Expr.TextLimit, max) }

// LaTeXLimit is LaTeX with a limit on the length of the text in bytes, as
// Expr.TextLimit.
func (t *TaylorPoly) LaTeXLimit(max int) (string, error) { return t.join(Expr.LaTeXLimit, max) }

// join writes the nonzero terms with write, by ascending degree, a term
// whose text begins with a minus sign joined by minus, in at most limit
// bytes.
func (t *TaylorPoly) join(write func(Expr, int) (string, error), limit int) (string, error) {
	var b strings.Builder
	for _, part := range t.Terms {
		for _, e := range summands(part) {
			s, err := write(e, max(limit-b.Len(), 1)) // 0 would be no limit
			switch {
			case err != nil:
				return "", err
			case s == "0":
				continue
			case b.Len() == 0:
				b.WriteString(s)
			case strings.HasPrefix(s, "-"):
				b.WriteString(" - " + s[1:])
			default:
				b.WriteString(" + " + s)
			}
			if b.Len() > limit {
				return "", tooLong(limit)
			}
		}
	}
	if b.Len() == 0 {
		return "0", nil
	}
	return b.String(), nil
}

// summands splits a sum into its terms.
func summands(e Expr) []Expr {
	if e.n == nil || e.n.Op() != expr.OpAdd {
		return []Expr{e}
	}
	var out []Expr
	for _, a := range e.n.Args() {
		out = append(out, e.with(a))
	}
	return out
}

// Taylor returns the Taylor polynomial of order n of the scalar f about
// the point at, which gives each variable of f its value there:
//
//	Tₙ(x) = Σₖ f⁽ᵏ⁾(x₀)/k! (x − x₀)ᵏ
//
// for one variable, and for several scalar variables the sum over the
// multi-indices α of degree up to n of ∂^α f(x₀)/α! (x − x₀)^α. With a
// vector variable the order is at most 2: f(x₀) + ∇f(x₀)(x − x₀) +
// ½(x − x₀)ᵀH(x₀)(x − x₀), matrix variables held at their values.
// Coefficients are exact where the point is: the Taylor polynomial of
// sin(x) + cos(x) at 0 of order 5 is 1 + x - x^2/2 - x^3/6 + x^4/24 +
// x^5/120.
func Taylor(f Expr, at map[string]Expr, n int) (*TaylorPoly, error) {
	return TaylorContext(context.Background(), f, at, n)
}

// TaylorContext is Taylor with its work bounded by ctx: the derivatives
// of high order can grow past any time or memory (tan(sin(x)) to order
// 60), and are stopped when ctx is done, with an error that wraps ctx's
// and names the order reached. A derivative past the size limits gives
// an error that wraps ErrTooLarge, naming its order.
func TaylorContext(ctx context.Context, f Expr, at map[string]Expr, n int) (*TaylorPoly, error) {
	if err := f.Err(); err != nil {
		return nil, err
	}
	if len(f.Shape()) > 0 {
		return nil, fmt.Errorf("nabla: Taylor: %s is not a scalar", f)
	}
	if n < 0 {
		return nil, fmt.Errorf("nabla: Taylor: the order must not be negative, not %d", n)
	}
	vars := f.Vars()
	point := map[string]Expr{}
	for _, v := range vars {
		x0, ok := at[v]
		if !ok {
			return nil, fmt.Errorf("nabla: Taylor: no value for %s", v)
		}
		if err := x0.Err(); err != nil {
			return nil, fmt.Errorf("nabla: Taylor: the value of %s: %w", v, err)
		}
		if len(x0.Vars()) > 0 {
			return nil, fmt.Errorf("nabla: Taylor: the value of %s, %s, has variables", v, x0)
		}
		point[v] = x0
	}
	for _, v := range vars {
		if dims, _ := f.VarDims(v); len(dims) > 0 {
			return taylorMatrix(ctx, f, vars, point, n)
		}
	}
	t := &TaylorPoly{}
	dx := map[string]Expr{} // v − v₀
	for _, v := range vars {
		if len(point[v].Shape()) > 0 {
			return nil, fmt.Errorf("nabla: Taylor: %s is a scalar, but its value %s is not", v, point[v])
		}
		dx[v] = Sub(Var(v), point[v]).Simplify()
	}
	// The derivatives ∂^α f for the multi-indices α of degree k, as
	// non-decreasing lists of the variables differentiated by, from
	// those of degree k − 1.
	type partial struct {
		by []int // indices into vars
		d  Expr
	}
	level := []partial{{d: f}}
	fact := Int(1)
	for k := 0; k <= n; k++ {
		if err := ctx.Err(); err != nil {
			return nil, orderError(k, err)
		}
		if k > 0 {
			fact = Mul(fact, Int(int64(k)))
			var next []partial
			for _, p := range level {
				first := 0
				if len(p.by) > 0 {
					first = p.by[len(p.by)-1]
				}
				has := p.d.Vars()
				for i := first; i < len(vars); i++ {
					if !slices.Contains(has, vars[i]) {
						continue // ∂^α f is 0, and so are its derivatives
					}
					d, err := diffContext(ctx, p.d, vars[i], 1)
					if err != nil {
						return nil, orderError(k, err)
					}
					next = append(next, partial{by: append(slices.Clone(p.by), i), d: d})
				}
			}
			level = next
		}
		// Σ over α of degree k of ∂^α f(x₀)/α! (x − x₀)^α, where
		// 1/α! = (k!/α!)/k!, the multinomial over k!.
		var terms []Expr
		for _, p := range level {
			c, err := simplifyContext(ctx, p.d.Subs(point))
			if err != nil {
				return nil, orderError(k, err)
			}
			if err := defined(c, p.d, point); err != nil {
				return nil, err
			}
			count := map[int]int64{}
			for _, i := range p.by {
				count[i]++
			}
			mono := []Expr{c}
			for i, m := range count {
				mono = append(mono, Pow(dx[vars[i]], Int(m)), Div(Int(1), factorial(m)))
			}
			terms = append(terms, Mul(mono...))
		}
		term, err := simplifyContext(ctx, Add(terms...))
		if err != nil {
			return nil, orderError(k, err)
		}
		t.Terms = append(t.Terms, term)
	}
	var err error
	if t.Expr, err = simplifyContext(ctx, Add(t.Terms...)); err != nil {
		return nil, orderError(n, err)
	}
	return t, t.Expr.Err()
}

// TaylorOrderError reports the terms of a Taylor polynomial of one degree
// that were not computed: their derivatives were stopped by the context,
// or grew past the size limits. Err wraps the context's error or
// ErrTooLarge.
type TaylorOrderError struct {
	Order int // the degree of the terms, the order of their derivatives
	Err   error
}

func (e *TaylorOrderError) Error() string {
	if errors.Is(e.Err, ErrTooLarge) {
		return fmt.Sprintf("nabla: Taylor: the derivatives of order %d: %v", e.Order, ErrTooLarge)
	}
	return fmt.Sprintf("nabla: Taylor: stopped at the derivatives of order %d: %v", e.Order, e.Err)
}

func (e *TaylorOrderError) Unwrap() error { return e.Err }

// orderError says that the terms of degree k of a Taylor polynomial were
// not computed, for err: stopped by the context, or a derivative too
// large. A derivative's own error counts its order from the derivative
// of degree k − 1 it differentiates ("derivative of order 1"), and is
// replaced.
func orderError(k int, err error) error {
	switch {
	case errors.Is(err, ErrTooLarge):
		return &TaylorOrderError{Order: k, Err: ErrTooLarge}
	case errors.Is(err, context.DeadlineExceeded):
		return &TaylorOrderError{Order: k, Err: context.DeadlineExceeded}
	case errors.Is(err, context.Canceled):
		return &TaylorOrderError{Order: k, Err: context.Canceled}
	}
	return err
}

// simplifyContext simplifies e with its work bounded by ctx.
func simplifyContext(ctx context.Context, e Expr) (r Expr, err error) {
	if e.n == nil {
		return e, nil
	}
	if err := ctx.Err(); err != nil {
		return Expr{}, err
	}
	s := simplify.Acquire(budget.New(ctx))
	defer simplify.Release(s)
	defer budget.Catch(&err)
	return e.with(s.Simplify(e.n)), nil
}

// defined checks that the coefficient c, the derivative d at the point,
// has a value: the Taylor polynomial of x^x at 0 has none of order 1.
func defined(c, d Expr, point map[string]Expr) error {
	if err := c.Err(); err != nil {
		return err
	}
	if _, err := c.EvalTensor(nil); err != nil {
		var at []string
		for _, v := range d.Vars() {
			at = append(at, v+" = "+point[v].String())
		}
		return fmt.Errorf("nabla: Taylor: %s is not defined at %s: %w", d, strings.Join(at, ", "), err)
	}
	return nil
}

func factorial(m int64) Expr {
	r := Int(1)
	for k := int64(2); k <= m; k++ {
		r = Mul(r, Int(k))
	}
	return r
}

// taylorMatrix is Taylor with vector variables, to order 2, in matrix
// form. Matrix variables are held at their values.
func taylorMatrix(ctx context.Context, f Expr, vars []string, point map[string]Expr, n int) (*TaylorPoly, error) {
	if n > 2 {
		return nil, fmt.Errorf("nabla: Taylor: with vector variables the order is at most 2, not %d", n)
	}
	// The vectors sized as their values, the matrices fixed.
	defs := map[string]Expr{}
	var xs []string // the variables expanded in
	dx := map[string]Expr{}
	for _, v := range vars {
		dims, _ := f.VarDims(v)
		shape := point[v].Shape()
		switch {
		case len(dims) == 2:
			defs[v] = point[v]
			continue
		case len(dims) != len(shape):
			return nil, fmt.Errorf("nabla: Taylor: %s has %d dimensions, but its value %s has %d", v, len(dims), point[v], len(shape))
		case len(dims) == 1:
			defs[v] = VecVar(v, strconv.Itoa(shape[0]))
		default:
			defs[v] = Var(v)
		}
		xs = append(xs, v)
		dx[v] = Sub(defs[v], literalOf(point[v])).Simplify()
	}
	f = f.Subs(defs)
	if err := f.Err(); err != nil {
		return nil, err
	}
	at := map[string]Expr{}
	for _, v := range xs {
		at[v] = point[v]
	}
	t := &TaylorPoly{Terms: []Expr{f.Subs(at).Simplify()}}
	if err := defined(t.Terms[0], f, at); err != nil {
		return nil, err
	}
	if n >= 1 {
		var lin []Expr
		for _, v := range xs {
			g, err := diffContext(ctx, f, v, 1)
			if err != nil {
				return nil, orderError(1, err)
			}
			c := literalOf(g.Subs(at))
			if err := defined(c, g, at); err != nil {
				return nil, err
			}
			lin = append(lin, MatMul(c, dx[v]))
		}
		t.Terms = append(t.Terms, Add(lin...).Simplify())
	}
	if n == 2 {
		d, err := Derive(ctx, f, xs, &DeriveOptions{Kind: KindHessian})
		if err != nil {
			return nil, orderError(2, err)
		}
		// ½ dᵀHd over the whole block Hessian: the blocks come one per
		// pair of variables, ∂²f/∂x∂y for ∂²f/∂y∂x as well, so that a
		// mixed block, counted twice in the sum, loses its ½.
		var square, mixed []Expr
		switch {
		case d.Blocks != nil:
			for _, b := range d.Blocks {
				if b.Tensor != nil {
					return nil, fmt.Errorf("nabla: Taylor: the Hessian block %s has no matrix form", b.Label())
				}
				q := MatMul(T(dx[b.Wrt[0]]), literalOf(b.Expr.Subs(at)), dx[b.Wrt[1]])
				if b.Wrt[0] == b.Wrt[1] {
					square = append(square, q)
				} else {
					mixed = append(mixed, q)
				}
			}
		case d.Expr.Err() == nil && len(xs) == 1:
			square = append(square, MatMul(T(dx[xs[0]]), literalOf(d.Expr.Subs(at)), dx[xs[0]]))
		default:
			return nil, fmt.Errorf("nabla: Taylor: the Hessian of %s has no matrix form", f)
		}
		t.Terms = append(t.Terms, Add(Mul(Rational(1, 2), Add(square...)), Add(mixed...)).Simplify())
	}
	for _, term := range t.Terms {
		if err := term.Err(); err != nil {
			return nil, err
		}
	}
	t.Expr = Add(t.Terms...).Simplify()
	return t, t.Expr.Err()
}

// literalOf writes a constant vector or matrix as a literal, each entry
// simplified: I/3 − [[1, 2], [2, 4]]/9 at size 2 is [[2/9, -2/9], [-2/9,
// -1/9]], and a zero literal is the zero matrix.
func literalOf(e Expr) Expr {
	e = e.Simplify()
	dims := e.Shape()
	if len(e.Vars()) > 0 || len(dims) == 0 || slices.Contains(dims, -1) {
		return e
	}
	size := 1
	for _, d := range dims {
		size *= d
	}
	if size > 64 {
		return e
	}
	entries := make([]*expr.Node, size)
	zero := true
	for k := range entries {
		idx := []int{k}
		if len(dims) == 2 {
			idx = []int{k / dims[1], k % dims[1]}
		}
		x := e.Entry(idx...).Simplify()
		if x.Err() != nil {
			return e
		}
		entries[k] = x.n
		zero = zero && x.n.IsZero()
	}
	n := expr.NewMatrix(e.n.Shape(), nil, entries)
	switch {
	case zero:
		return e.with(expr.Zero(e.n.Shape()))
	case len(dims) == 2 && dims[0] == 1:
		// A row: the transpose of a literal vector.
		return e.with(expr.Transpose(expr.NewMatrix(expr.NewShape(e.n.Shape().Dim(1)), nil, entries)))
	}
	return e.with(n)
}
