package format

import (
	"errors"
	"sync"
	"unicode/utf8"

	"github.com/nabla-math/nabla/internal/expr"
)

// ErrTooLong is returned when a printed expression would exceed the limit
// given to TextLimit or LaTeXLimit.
var ErrTooLong = errors.New("result too large to print")

// MaxText bounds the text Text and LaTeX print, in bytes. A graph with
// much sharing can print to a text exponentially larger than itself; Text
// and LaTeX cut such a text at MaxText and end it in "…", and TextLimit
// and LaTeXLimit report it instead.
const MaxText = 64 << 20

// Text prints n in nabla's own syntax; the parser reads the text back to
// the same graph. A text of more than MaxText bytes is cut (see MaxText).
func Text(n *expr.Node) string { return Short(n, MaxText) }

// TextLimit is Text with a limit on the length of the output in bytes
// (0 means none): a longer text is ErrTooLong, found as soon as the
// printing passes the limit.
func TextLimit(n *expr.Node, limit int) (s string, err error) {
	p := newPrinter(limit, false)
	defer p.free()
	return p.run(n)
}

// Short is Text cut to about limit bytes, with "…" where it is cut: the
// text of a subexpression in a message, however large it is.
func Short(n *expr.Node, limit int) string {
	p := newPrinter(limit, false)
	defer p.free()
	return cut(p, n)
}

// cut runs p on n and returns its text, or what p printed up to its limit
// followed by "…".
func cut(p *printer, n *expr.Node) string {
	if s, err := p.run(n); err == nil {
		return s
	}
	b := p.b[:min(len(p.b), p.limit)]
	i := len(b) - 1 // the start of the last character
	for i > 0 && !utf8.RuneStart(b[i]) {
		i--
	}
	if i >= 0 && !utf8.FullRune(b[i:]) {
		b = b[:i] // a character cut short
	}
	return string(b) + "…"
}

// printer writes an expression into one buffer, so that the limit holds
// at every depth. A factor whose separator depends on how its own text
// starts ("2 x" but "2*3") is first printed into the lead printer, which
// stops after a few bytes, and the separator is written before it.
type printer struct {
	b     []byte
	limit int
	latex bool
	lead  *printer // reused for the first bytes of factors
	probe bool     // a lead printer: stops (done) past its limit
	done  bool
	names map[*expr.Node]string // shared subexpressions printed by name
	self  *expr.Node            // the one being defined, printed whole
}

// printers keeps printers, with their buffers, for reuse.
var printers = sync.Pool{New: func() any { return new(printer) }}

// newPrinter returns an empty printer from the pool.
func newPrinter(limit int, latex bool) *printer {
	p := printers.Get().(*printer)
	p.b, p.limit, p.latex, p.done, p.names, p.self = p.b[:0], limit, latex, false, nil, nil
	if p.lead != nil {
		p.lead.latex = latex
	}
	return p
}

// free returns p to the pool, unless its buffer has grown large.
func (p *printer) free() {
	if cap(p.b) <= 1<<16 {
		printers.Put(p)
	}
}

// leadLen is how many bytes of a factor's text decide its separator.
const leadLen = 2

// leader returns p's lead printer, emptied.
func (p *printer) leader() *printer {
	if p.lead == nil {
		p.lead = &printer{limit: leadLen, latex: p.latex, probe: true}
	}
	q := p.lead
	q.b, q.done, q.names, q.self = q.b[:0], false, p.names, p.self
	return q
}

// leadOf returns the first bytes of the text (or LaTeX) of n in context
// ctx.
func (p *printer) leadOf(n *expr.Node, ctx int) []byte {
	q := p.leader()
	if q.latex {
		q.tex(n, ctx)
	} else {
		q.text(n, ctx)
	}
	return q.b
}

// leadPower returns the first bytes of the text (or LaTeX) of the
// denominator factor d in context ctx.
func (p *printer) leadPower(d power, ctx int) []byte {
	q := p.leader()
	if q.latex {
		q.texPower(d, ctx)
	} else {
		q.textPower(d, ctx)
	}
	return q.b
}

type tooLong struct{}

func (p *printer) run(n *expr.Node) (s string, err error) {
	return p.guard(func() {
		switch {
		case n.IsZeroMatrix() && p.latex:
			// A result that is all zero prints as 0, its shape aside;
			// inside an expression a zero matrix keeps the form 0 ones
			// that reads back with its rank.
			p.write(`\mathbf{0}`)
		case n.IsZeroMatrix():
			p.write("0")
		default:
			p.form(n)
		}
	})
}

func (p *printer) write(s string) {
	if p.done {
		return
	}
	p.b = append(p.b, s...)
	if p.limit > 0 && len(p.b) > p.limit {
		if p.probe {
			p.done = true // the lead is known: printing stops at the next node
			return
		}
		panic(tooLong{})
	}
}

// text prints n; ctx is the binding power the position requires, and n
// is wrapped in parentheses when it binds more loosely.
func (p *printer) text(n *expr.Node, ctx int) {
	if p.done || p.named(n) {
		return
	}
	if prec(n) < ctx {
		p.write("(")
		p.text(n, 0)
		p.write(")")
		return
	}
	sp := &n.Info().Text
	switch sp.Form {
	case expr.FormProduct:
		p.textProduct(n)
	case expr.FormName:
		p.write(n.Name())
	case expr.FormMatrix:
		p.textMatrix(n)
	case expr.FormMatMul:
		for i, f := range n.Args() {
			switch {
			case i == 0:
			case needsStar(p.leadOf(f, expr.PrecMul+1)):
				p.write("*")
			default:
				p.write(" ")
			}
			p.text(f, expr.PrecMul+1)
		}
	case expr.FormPostfix:
		p.text(n.Arg(0), expr.PrecAtom)
		p.write(sp.Word)
	case expr.FormWord:
		if sp.Wide != "" && n.Shape().Rank() == 2 {
			p.write(sp.Wide)
			return
		}
		p.write(sp.Word)
	case expr.FormSum:
		for i, t := range terms(n) {
			if i > 0 {
				if k, _ := expr.SplitCoeff(t); k.Sign() < 0 {
					p.write(" - ")
					t = expr.Neg(t)
				} else {
					p.write(" + ")
				}
			}
			p.text(t, expr.PrecAdd+1)
		}
	case expr.FormPower:
		switch {
		case !n.Info().Elementwise:
			// A matrix power, X^2, X^-2: the exponent a whole number,
			// written with its sign.
			p.text(n.Arg(0), expr.PrecPow+1)
			p.write("^")
			p.text(n.Arg(1), expr.PrecMul)
		case isSqrt(n):
			p.write("sqrt(")
			p.text(n.Arg(0), 0)
			p.write(")")
		case prec(n) == expr.PrecMul:
			p.textProduct(n)
		case !n.Shape().IsScalar():
			p.text(n.Arg(0), expr.PrecPow+1)
			p.write(".^")
			p.text(n.Arg(1), expr.PrecAtom)
		default:
			p.text(n.Arg(0), expr.PrecPow+1)
			p.textExponent(n.Arg(1))
		}
	case expr.FormWrap:
		p.write(sp.Word)
		p.text(n.Arg(0), 0)
		p.write(sp.Close)
	case expr.FormInfix:
		for i, a := range n.Args() {
			if i > 0 {
				p.write(" ")
				p.write(sp.Word)
				p.write(" ")
			}
			p.text(a, expr.PrecMul+1)
		}
	case expr.FormIndex:
		p.text(n.Arg(0), expr.PrecAtom)
		p.write("[")
		for i, a := range n.Args()[1:] {
			if i > 0 {
				p.write(", ")
			}
			p.text(a, 0)
		}
		p.write("]")
	case expr.FormApplied:
		p.textApplied(n, sp)
	default: // FormCall
		p.write(sp.Word)
		p.write("(")
		for i, a := range n.Args() {
			if i > 0 {
				p.write(", ")
			}
			p.text(a, 0)
		}
		p.write(")")
	}
}

// textProduct prints a number, product or reciprocal as
// [-]coefficient factors [/ denominator].
func (p *printer) textProduct(n *expr.Node) {
	f := split(n)
	if f.neg {
		p.write("-")
	}
	p.textFactors(f.p, f.num)
	if f.q == "1" && len(f.den) == 0 {
		return
	}
	elementwise := false
	for _, d := range f.den {
		elementwise = elementwise || !d.base.Shape().IsScalar() || !d.exp.Shape().IsScalar()
	}
	if elementwise {
		p.write("./") // division by a vector or matrix is element-wise
	} else {
		p.write("/")
	}
	if f.q != "1" && len(f.den) == 0 {
		p.write(f.q)
		return
	}
	if f.q == "1" && len(f.den) == 1 {
		p.textPower(f.den[0], expr.PrecPow)
		return
	}
	p.write("(")
	if f.q != "1" {
		p.write(f.q)
	}
	matrices, seen := 0, false
	for _, d := range f.den {
		if !d.base.Shape().IsScalar() || !d.exp.Shape().IsScalar() {
			matrices++
		}
	}
	for i, d := range f.den {
		matrix := !d.base.Shape().IsScalar() || !d.exp.Shape().IsScalar()
		switch {
		case i == 0 && f.q == "1":
		case matrices > 1 && seen && matrix:
			p.write(" .* ")
		default:
			if s := p.leadPower(d, expr.PrecMul+1); i == 0 && !startsWord(s) || i > 0 && needsStar(s) {
				p.write("*")
			} else if i > 0 {
				p.write(" ")
			}
		}
		seen = seen || matrix
		p.textPower(d, expr.PrecMul+1)
	}
	p.write(")")
}

// textPower prints a denominator factor base^exp.
func (p *printer) textPower(d power, ctx int) {
	if powerPrec(d) < ctx {
		p.write("(")
		p.textPower(d, 0)
		p.write(")")
		return
	}
	switch {
	case isOne(d.exp):
		p.text(d.base, ctx)
	case isHalf(d.exp):
		p.write("sqrt(")
		p.text(d.base, 0)
		p.write(")")
	case !d.base.Shape().IsScalar() || !d.exp.Shape().IsScalar():
		p.text(d.base, expr.PrecPow+1)
		p.write(".^")
		p.text(d.exp, expr.PrecAtom)
	default:
		p.text(d.base, expr.PrecPow+1)
		p.textExponent(d.exp)
	}
}

// textFactors prints coefficient c followed by the factors: "2x sin(x)".
// A coefficient of 1 is left out unless there is nothing else.
func (p *printer) textFactors(c string, factors []*expr.Node) {
	if c != "1" || len(factors) == 0 {
		p.write(c)
	}
	elementwise := matrixFactors(factors) > 1
	seen := false // a vector or matrix factor has been written
	for i, x := range factors {
		ctx := expr.PrecMul + 1
		if x.Op() == expr.OpMatMul && len(factors) == 1 {
			ctx = expr.PrecMul // 2 A B reads back as 2 (A B)
		}
		switch {
		case i == 0 && c == "1":
		case elementwise && seen && !x.Shape().IsScalar():
			p.write(" .* ")
		default:
			if s := p.leadOf(x, ctx); i == 0 && !startsWord(s) || i > 0 && needsStar(s) {
				p.write("*")
			} else if i > 0 {
				p.write(" ")
			}
		}
		seen = seen || !x.Shape().IsScalar()
		p.text(x, ctx)
	}
}

// startsWord reports whether s may follow a number with no operator
// between: a name or a parenthesis, not a digit or a point.
func startsWord[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	c := s[0]
	if (c == 'e' || c == 'E') && len(s) > 1 && '0' <= s[1] && s[1] <= '9' {
		return false // "2e1" would read as a float
	}
	return c == '(' || c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// startsNumber reports whether s starts with a digit or a point, so that a
// space before it would not read as a product.
func startsNumber[T string | []byte](s T) bool {
	return len(s) > 0 && (s[0] >= '0' && s[0] <= '9' || s[0] == '.')
}

// needsStar reports whether a factor written s needs "*" after the factor
// before it, where a space would read otherwise: a number (2 3 is 23) or
// a literal vector or matrix (x [0, 1] reads as an entry of x).
func needsStar[T string | []byte](s T) bool { return startsNumber(s) || len(s) > 0 && s[0] == '[' }

// textMatrix prints a vector as [a, b, c] and a matrix as [[a, b], [c, d]].
func (p *printer) textMatrix(n *expr.Node) {
	s := n.Shape()
	row := func(from, count int) {
		p.write("[")
		for k := 0; k < count; k++ {
			if k > 0 {
				p.write(", ")
			}
			e := n.Entry(from + k)
			if b := p.leadOf(e, 0); len(b) > 0 && b[0] == '[' {
				// [[1, 4]ᵀ y, 2] would read as a matrix: the entry in
				// parentheses.
				p.write("(")
				p.text(e, 0)
				p.write(")")
				continue
			}
			p.text(e, 0)
		}
		p.write("]")
	}
	if s.Rank() == 1 {
		row(0, s.Dim(0).N)
		return
	}
	rows, cols := s.Dim(0).N, s.Dim(1).N
	p.write("[")
	for i := 0; i < rows; i++ {
		if i > 0 {
			p.write(", ")
		}
		row(i*cols, cols)
	}
	p.write("]")
}

// textExponent prints "^" and the exponent e. A variable named T is
// parenthesised, since "^T" is a transpose.
func (p *printer) textExponent(e *expr.Node) {
	p.write("^")
	if e.Op() == expr.OpSym && e.Name() == "T" {
		p.write("(T)")
		return
	}
	p.text(e, expr.PrecAtom)
}
