// Package parse reads nabla's expression language into the expression
// graph. It checks shapes as it builds, so every error, syntactic or not,
// carries the position of the offending spot.
package parse

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nabla-math/nabla/internal/expr"
)

// Limits that turn hostile input into clear errors.
const (
	DefaultMaxLen   = 100_000 // bytes of input
	DefaultMaxDepth = 5_000   // nesting of parentheses, calls and operators
)

// Options configures Parse. The zero value (or nil) gives the defaults.
type Options struct {
	// Vars declares variables and their shapes. A name not declared here is
	// a scalar variable, unless it is a function or a constant.
	Vars map[string]expr.Shape
	// Line is the number of the input's first line in error positions
	// (default 1), for inputs that are lines of a larger text.
	Line int
	// MaxLen and MaxDepth override DefaultMaxLen and DefaultMaxDepth.
	MaxLen, MaxDepth int
	// Symmetric marks declared matrices as symmetric: Wᵀ = W.
	Symmetric map[string]bool
	// Defs, if not nil, receives the definitions of a where clause
	// ("f where x = sin(t)"); Parse returns f with them substituted,
	// unless NoSubstitute is set.
	Defs         *[]Def
	NoSubstitute bool
	// Resolved, if not nil, receives the shapes of the declared variables
	// with their sizes settled and named as in the result, including
	// variables that the expression has lost (x - x).
	Resolved *map[string]expr.Shape
}

// Parse reads one expression.
func Parse(src string, opts *Options) (n *expr.Node, err error) {
	if opts == nil {
		opts = &Options{}
	}
	p := &parser{src: src, opts: opts, line: opts.Line, maxDepth: opts.MaxDepth}
	if p.line == 0 {
		p.line = 1
	}
	if p.maxDepth == 0 {
		p.maxDepth = DefaultMaxDepth
	}
	maxLen := opts.MaxLen
	if maxLen == 0 {
		maxLen = DefaultMaxLen
	}
	if len(src) > maxLen {
		return nil, errorAt(src, maxLen, p.line, "input too long: %d bytes (the limit is %d)", len(src), maxLen)
	}
	if !utf8.ValidString(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRuneInString(src[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return nil, errorAt(src, off, p.line, "invalid UTF-8 encoding")
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			n, err = nil, e
		}
	}()
	p.lex = lexer{src: src}
	p.advance()
	if p.tok.kind == tEOF {
		p.fail(p.tok.pos, "empty expression")
	}
	n = p.sum()
	if p.tok.kind == tName && p.tok.text == "where" {
		p.advance()
		p.defs = p.where()
	}
	if p.tok.kind != tEOF {
		p.fail(p.tok.pos, "expected an operator or the end of the expression, found %s", describe(p.tok))
	}
	n = p.resolve(n)
	if opts.Resolved != nil && p.matrices() {
		res := make(map[string]expr.Shape, len(opts.Vars))
		// Sizes the expression does not name get names in the order of
		// the variables' names, the same on every run.
		for _, name := range slices.Sorted(maps.Keys(opts.Vars)) {
			sh := opts.Vars[name]
			dims := make([]expr.Dim, sh.Rank())
			for i := range dims {
				dims[i] = p.dims.show(sh.Dim(i))
			}
			res[name] = expr.NewShape(dims...)
		}
		*opts.Resolved = res
	}
	for i := range p.defs {
		p.defs[i].Value = p.resolve(p.defs[i].Value)
	}
	p.closeDefs()
	if len(p.defs) > 0 {
		if opts.Defs != nil {
			*opts.Defs = p.defs
		}
		if !opts.NoSubstitute {
			n = expr.Substitute(n, defMap(p.defs))
		}
	}
	return n, nil
}

// Def is one definition of a where clause: Name = Value.
type Def struct {
	Name  string
	Value *expr.Node
}

// closeDefs substitutes definitions into one another until none refers
// to a name the clause defines: "u where u = v, v = t^2" is t^2. A
// definition that comes back to its own name is an error.
func (p *parser) closeDefs() {
	for round := 0; ; round++ {
		m := defMap(p.defs)
		changed := false
		for i, d := range p.defs {
			v := expr.Substitute(d.Value, m)
			if v != d.Value {
				p.defs[i].Value, changed = v, true
			}
		}
		if !changed {
			return
		}
		if round == len(p.defs) {
			// Each round resolves one more level; more rounds than
			// definitions means a cycle.
			for i, d := range p.defs {
				if usesName(d.Value, d.Name) {
					p.fail(p.defPos[i], "%s is defined in terms of itself", d.Name)
				}
			}
			p.fail(p.defPos[0], "the definitions refer to one another in a cycle")
		}
	}
}

// usesName reports whether the variable name occurs in n.
func usesName(n *expr.Node, name string) bool {
	return expr.Find(n, func(m *expr.Node) bool { return m.Op() == expr.OpSym && m.Name() == name }) != nil
}

func defMap(defs []Def) map[string]*expr.Node {
	m := make(map[string]*expr.Node, len(defs))
	for _, d := range defs {
		m[d.Name] = d.Value
	}
	return m
}

// where := name '=' sum (',' name '=' sum)*
func (p *parser) where() []Def {
	var defs []Def
	seen := map[string]bool{}
	for {
		t := p.tok
		if t.kind != tName || !IsName(t.text) {
			p.fail(t.pos, "expected a variable name to define after 'where', found %s", describe(t))
		}
		if seen[t.text] {
			p.fail(t.pos, "%s is defined twice", t.text)
		}
		seen[t.text] = true
		p.advance()
		if !p.is("=") {
			p.fail(p.tok.pos, "expected '=' after %s, found %s", t.text, describe(p.tok))
		}
		p.advance()
		at := p.tok
		v := p.sum()
		// The name stands in f for its value: their shapes must agree
		// (a name not declared is a scalar).
		want, declared := p.opts.Vars[t.text]
		if !declared {
			want = expr.Scalar
		}
		if want.Rank() != v.Shape().Rank() || !want.IsScalar() && !p.sameShape(want, v.Shape()) {
			what := "a scalar"
			if declared {
				kind := "matrix"
				if want.Rank() == 1 {
					kind = "vector"
				}
				what = "declared a " + kind + " (" + p.dims.showShape(want) + ")"
			}
			p.fail(at.pos, "%s is %s in f, but its definition is %s", t.text, what, p.describeNode(v))
		}
		if usesName(v, t.text) {
			p.fail(t.pos, "%s is defined in terms of itself", t.text)
		}
		defs = append(defs, Def{t.text, v})
		p.defPos = append(p.defPos, t.pos)
		if !p.is(",") {
			return defs
		}
		p.advance()
	}
}

type parser struct {
	src      string
	opts     *Options
	line     int
	lex      lexer
	tok      token // current token
	prev     token // previous token
	depth    int
	maxDepth int
	inNorm   bool   // the innermost nested part is a norm
	outer    []bool // inNorm of the enclosing parts
	defs     []Def
	defPos   []int // where each definition's name is
	dims     unifier
	fresh    int
}

func (p *parser) advance() {
	p.prev = p.tok
	p.tok = p.lex.next()
	if p.tok.kind == tError {
		p.fail(p.tok.pos, "%s", p.tok.text)
	}
}

func (p *parser) fail(off int, format string, args ...any) {
	panic(errorAt(p.src, off, p.line, format, args...))
}

// enter starts a nested part of the expression: parentheses, arguments,
// brackets, a norm, an operand. Inside it, '||' after an operand opens a
// norm (a product, as in λ ||w||^2) unless the part is a norm, which
// '||' closes.
func (p *parser) enter() {
	p.depth++
	if p.depth > p.maxDepth {
		p.fail(p.tok.pos, "expression nested too deeply (the limit is %d levels)", p.maxDepth)
	}
	p.outer = append(p.outer, p.inNorm)
	p.inNorm = false
}

func (p *parser) leave() {
	p.depth--
	p.inNorm = p.outer[len(p.outer)-1]
	p.outer = p.outer[:len(p.outer)-1]
}

// is reports whether the current token is the operator s.
func (p *parser) is(s string) bool {
	return p.tok.kind == tOp && p.tok.text == s
}

// isAny reports whether the current token is one of the operators ss.
func (p *parser) isAny(ss ...string) bool {
	for _, s := range ss {
		if p.is(s) {
			return true
		}
	}
	return false
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tNumber:
		return "number " + t.text
	case tName:
		return "name " + t.text
	}
	return "'" + t.text + "'"
}

// Spellings of the operators, from the operation table, plus Unicode forms.
var (
	addOps = append(append([]string{}, expr.Ops[expr.OpAdd].Infix...), "−")
	mulOps = append(append([]string{}, expr.Ops[expr.OpMul].Infix...), "·", "×")
	powOps = expr.Ops[expr.OpPow].Infix
)

// sum := product (('+' | '-') product)*
func (p *parser) sum() *expr.Node {
	first := p.product()
	if !p.isAny(addOps...) {
		return first
	}
	terms := []*expr.Node{first}
	pos := []int{p.tok.pos}
	for p.isAny(addOps...) {
		negate := p.tok.text != addOps[0]
		pos = append(pos, p.tok.pos)
		p.advance()
		t := p.product()
		if negate {
			t = neg(t)
		}
		terms = append(terms, t)
	}
	return p.addTerms(terms, pos)
}

// product := unary (('*' | '/' | implicit) unary)*
func (p *parser) product() *expr.Node {
	left := p.unary()
	for {
		switch {
		case p.isAny(mulOps...):
			op := p.tok
			p.advance()
			right := p.unary()
			if op.text == mulOps[1] {
				left = p.div(left, right, op.pos)
			} else {
				left = p.mul(left, right, op.pos)
			}
		case p.isAny(".*", "./", "⊙"):
			op := p.tok
			p.advance()
			left = p.elementwise(op.text, left, p.unary(), op.pos)
		case p.tok.kind == tName && p.tok.text != "where", p.is("("), p.is("["), p.is("|") && !p.inNorm:
			at := p.tok.pos
			left = p.mul(left, p.power(), at)
		case p.tok.kind == tNumber:
			p.fail(p.tok.pos, "expected an operator before number %s (write * for a product)", p.tok.text)
		default:
			return left
		}
	}
}

// unary := ('-' | '+') unary | power
func (p *parser) unary() *expr.Node {
	if p.isAny(addOps...) {
		negate := p.tok.text != addOps[0]
		p.enter()
		p.advance()
		u := p.unary()
		p.leave()
		if negate {
			return neg(u)
		}
		return u
	}
	return p.power()
}

// power := postfix ('^' unary)?
func (p *parser) power() *expr.Node {
	base := p.postfix()
	if p.isAny(powOps...) || p.is(".^") {
		op := p.tok
		p.enter()
		p.advance()
		e := p.unary()
		p.leave()
		if op.text == ".^" {
			return p.elementwise(op.text, base, e, op.pos)
		}
		return p.pow(base, e, op.pos)
	}
	return base
}

// postfix := primary ("'" | "ᵀ" | "^T")*
func (p *parser) postfix() *expr.Node {
	n := p.primary()
	for {
		switch {
		case p.isAny("'", "ᵀ"):
			p.advance()
		case p.isAny(powOps...) && p.peekTranspose():
			p.advance()
			p.advance()
		default:
			return n
		}
		n = transpose(n) // the transpose of a scalar is itself
	}
}

// peekTranspose reports whether "^" is followed by the name T, which makes
// "^T" a transpose rather than a power.
func (p *parser) peekTranspose() bool {
	l := p.lex
	t := l.next()
	return t.kind == tName && t.text == "T" && !t.sp
}

// primary := number | name | function '(' args ')' | '(' sum ')'
func (p *parser) primary() *expr.Node {
	t := p.tok
	switch t.kind {
	case tNumber:
		v, ok := expr.ParseNum(t.text)
		if !ok {
			p.fail(t.pos, "number %s out of range", t.text)
		}
		p.advance()
		return expr.NewConst(v)
	case tName:
		return p.name()
	}
	if p.is("(") {
		p.enter()
		p.advance()
		n := p.sum()
		p.expectClose(t, ")")
		p.leave()
		return n
	}
	if p.is("[") {
		m := p.matrix()
		if m.Size() == 1 {
			// [a] and [[a]] are a, as a 1×1 product is a scalar: the
			// Jacobian of [f] is the gradient of f.
			return m.Entry(0)
		}
		return m
	}
	if p.is("|") {
		return p.norm()
	}
	if p.prev.kind == tOp && p.prev.text != "(" && p.prev.text != "," {
		p.fail(t.pos, "expected an expression after '%s', found %s", p.prev.text, describe(t))
	}
	p.fail(t.pos, "expected an expression, found %s", describe(t))
	return nil
}

func (p *parser) expectClose(open token, close string) {
	if !p.is(close) {
		line, col := p.position(open.pos)
		p.fail(p.tok.pos, "expected '%s' to close '%s' at %d:%d, found %s", close, open.text, line, col, describe(p.tok))
	}
	p.advance()
}

func (p *parser) position(off int) (line, col int) {
	e := errorAt(p.src, off, p.line, "")
	return e.Line, e.Col
}

func (p *parser) name() *expr.Node {
	t := p.tok
	name := t.text
	if s, ok := p.opts.Vars[name]; ok {
		p.advance()
		if p.opts.Symmetric[name] {
			return expr.NewSymmetric(name, s)
		}
		return expr.NewSym(name, s)
	}
	if op, ok := expr.WordLeaf(name); ok && p.matrices() {
		p.advance()
		p.fresh++
		return expr.Ops[op].Leaf(expr.Dim{Sym: fmt.Sprintf("#%s%d", name, p.fresh)})
	}
	fn, isFunc := lookupFunc(name)
	p.advance()
	call := p.is("(") && !p.tok.sp
	switch {
	case isFunc && p.is("("):
		return p.call(t, fn)
	case isFunc:
		p.fail(t.pos, "%s needs parentheses: %s(…)", name, name)
	case isConstant(name):
		c, _ := expr.LookupConstant(name)
		return expr.NewConstant(c)
	case name == "where":
		p.fail(t.pos, "expected an expression, found 'where'")
	case call && !simpleName(name):
		msg := "unknown function " + name
		if s := suggest(name); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		} else {
			msg += " (write " + name + "*(…) for a product)"
		}
		p.fail(t.pos, "%s", msg)
	}
	return expr.NewSym(name, expr.Scalar)
}

func isConstant(name string) bool {
	_, ok := expr.LookupConstant(name)
	return ok
}

// matrices reports whether vectors or matrices are declared, which makes
// I the identity matrix.
func (p *parser) matrices() bool {
	for _, s := range p.opts.Vars {
		if !s.IsScalar() {
			return true
		}
	}
	return false
}

// simpleName reports whether name is one letter with an optional subscript
// of digits or underscores (x, x1, x_1, θ): such a name before '(' is a
// product, as in x(x+1).
func simpleName(name string) bool {
	_, size := utf8.DecodeRuneInString(name)
	for _, r := range name[size:] {
		if !unicode.IsDigit(r) && r != '_' {
			return false
		}
	}
	return true
}

// functions maps every function name, aliases included, to its
// definition: the operations of the table and the derived functions.
var functions = expr.Functions()

func lookupFunc(name string) (expr.Func, bool) {
	f, ok := functions[name]
	return f, ok
}

// IsName reports whether s is a valid variable name: a letter followed by
// letters, digits and underscores, and not a function or constant.
func IsName(s string) bool {
	for i, r := range s {
		if i == 0 && !isNameStart(r) || !isNameRune(r) {
			return false
		}
	}
	if _, ok := functions[s]; ok {
		return false
	}
	if _, ok := expr.LookupConstant(s); ok {
		return false
	}
	return s != "" && s != "where"
}

// FunctionNames returns every function name the parser accepts, sorted.
func FunctionNames() []string {
	names := make([]string, 0, len(functions))
	for name := range functions {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (p *parser) call(t token, f expr.Func) *expr.Node {
	open := p.tok
	p.enter()
	p.advance()
	var args []*expr.Node
	if !p.is(")") {
		args = append(args, p.sum())
		for p.is(",") {
			p.advance()
			args = append(args, p.sum())
		}
	}
	if !p.is(")") {
		p.expectClose(open, ")")
	}
	if len(args) != f.Arity {
		found := "none"
		if len(args) > 0 {
			found = fmt.Sprint(len(args))
		}
		p.fail(p.tok.pos, "%s expects %s, found %s", f.Name, plural(f.Arity, "argument"), found)
	}
	p.advance()
	p.leave()
	return p.apply(f, args, t.pos)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// suggest returns the function names closest to name in edit distance.
func suggest(name string) []string {
	best := 3
	var out []string
	for _, f := range FunctionNames() {
		d := editDistance(strings.ToLower(name), f)
		if d > len(f)/2+1 {
			continue
		}
		switch {
		case d < best:
			best, out = d, []string{f}
		case d == best:
			out = append(out, f)
		}
	}
	return out
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// matrix := '[' sum (',' sum)* ']' | '[' row (',' row)* ']' with rows
// '[' sum (',' sum)* ']' of equal length.
func (p *parser) matrix() *expr.Node {
	open := p.tok
	p.enter()
	defer p.leave()
	p.advance()
	if p.is("]") {
		p.fail(p.tok.pos, "empty vector: write its entries between [ and ]")
	}
	if p.is("[") {
		var rows [][]*expr.Node
		var entries []*expr.Node
		for {
			rowTok := p.tok
			if !p.is("[") {
				p.fail(p.tok.pos, "expected '[' to start row %d, found %s", len(rows)+1, describe(p.tok))
			}
			row := p.matrix()
			if len(rows) > 0 && row.Size() != len(rows[0]) {
				p.fail(rowTok.pos, "row %d has %d entries, expected %d like row 1", len(rows)+1, row.Size(), len(rows[0]))
			}
			if row.Shape().Rank() != 1 {
				p.fail(rowTok.pos, "a matrix row must be a list of scalars")
			}
			r := make([]*expr.Node, row.Size())
			for k := range r {
				r[k] = row.Entry(k)
			}
			rows = append(rows, r)
			entries = append(entries, r...)
			if !p.is(",") {
				break
			}
			p.advance()
		}
		p.expectClose(open, "]")
		s := expr.NewShape(expr.Dim{N: len(rows)}, expr.Dim{N: len(rows[0])})
		return expr.NewMatrix(s, nil, entries)
	}
	var entries []*expr.Node
	for {
		at := p.tok
		e := p.sum()
		if !e.Shape().IsScalar() {
			p.fail(at.pos, "a vector entry must be a scalar, not a %s", e.Shape().Describe())
		}
		entries = append(entries, e)
		if !p.is(",") {
			break
		}
		p.advance()
	}
	p.expectClose(open, "]")
	return expr.Vec(entries...)
}

// norm := '|' '|' sum '|' '|', the norm ‖x‖.
func (p *parser) norm() *expr.Node {
	open := p.tok
	p.advance()
	if !p.is("|") {
		p.fail(open.pos, "write a norm as ||x||; for the absolute value write abs(x)")
	}
	p.enter()
	p.inNorm = true
	p.advance()
	x := p.sum()
	p.leave()
	for i := 0; i < 2; i++ {
		if !p.is("|") {
			line, col := p.position(open.pos)
			p.fail(p.tok.pos, "expected '||' to close '||' at %d:%d, found %s", line, col, describe(p.tok))
		}
		p.advance()
	}
	return expr.Norm(x)
}
