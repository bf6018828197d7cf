// Package parse reads nabla's expression language into the expression
// graph. It checks shapes as it builds, so every error, syntactic or not,
// carries the position of the offending spot.
package parse

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
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
	// unless NoSubstitute is set. A name that the clause defines and
	// Vars does not declare has the shape of its definition: x'x where
	// x = [t, 2t] is a product of vectors.
	Defs         *[]Def
	NoSubstitute bool
	// RawDefs, if not nil, receives the definitions as written, each in
	// terms of the names defined after it ("e where e = y - z, z = Φ θ"),
	// for the chain rule link by link.
	RawDefs *[]Def
	// Notes, if not nil, receives what the parser read in a way the
	// writer may not mean: names written as if applied that are not
	// declared functions (f(x) is the product f·(x)), and next to vectors
	// or matrices an undeclared capital name read as a scalar and e read
	// as Euler's number.
	Notes *[]string
	// Resolved, if not nil, receives the shapes of the declared variables
	// with their sizes settled and named as in the result, including
	// variables that the expression has lost (x - x).
	Resolved *map[string]expr.Shape
	// Sums, if not nil, lets the expression have indexed sums and names
	// as indices (sum_{n,k} r[n,k] ||x[n] - μ[k]||^2), and receives them:
	// see Sums.
	Sums *Sums
	// Functions declares abstract functions: f(x) and f(x, y) apply the
	// function f, which has no definition and no value, and f'(x),
	// f''(x), f^(4)(x), ∂₁f(x, y) (also f_1(x, y)) and ∂₁₂f(x, y) are its
	// derivatives (see apply.go). A name cannot be declared both a
	// function and a variable, nor defined by a where clause.
	Functions map[string]bool
}

// Parse reads one expression.
func Parse(src string, opts *Options) (n *expr.Node, err error) {
	if opts == nil {
		opts = &Options{}
	}
	p := &parser{src: src, opts: opts, line: opts.Line, maxDepth: opts.MaxDepth}
	if opts.Sums != nil {
		p.ix = newSumState()
	}
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
	if err := checkFunctions(src, opts); err != nil {
		return nil, err
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
			if s, ok := r.(impliedShape); ok {
				// Read src again with the name declared.
				o := *opts
				o.Vars = maps.Clone(opts.Vars)
				if o.Vars == nil {
					o.Vars = map[string]expr.Shape{}
				}
				o.Vars[s.name] = s.shape
				n, err = Parse(src, &o)
				return
			}
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			n, err = nil, e
		}
	}()
	if shadowed := definedConstants(src, opts.Vars); len(shadowed) > 0 {
		// A where clause that defines e (or pi) makes it a variable
		// everywhere in the expression, as the notes name the error
		// vector e = y - Φθ.
		vars := maps.Clone(opts.Vars)
		if vars == nil {
			vars = map[string]expr.Shape{}
		}
		p.shadowed = map[string]bool{}
		for _, name := range shadowed {
			vars[name] = expr.Scalar
			p.shadowed[name] = true
		}
		o := *opts
		o.Vars = vars
		p.opts = &o
	}
	for _, sh := range p.opts.Vars {
		for i := 0; i < sh.Rank(); i++ {
			if d := sh.Dim(i); d.N == 0 && named(d.Sym) {
				if p.dims.reserved == nil {
					p.dims.reserved = map[string]bool{}
				}
				p.dims.reserved[d.Sym] = true
			}
		}
	}
	if at := whereAt(src); at >= 0 && p.ix == nil {
		p.readWhere(at)
	}
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
	if opts.Notes != nil {
		*opts.Notes = p.notes(n)
	}
	if p.ix != nil {
		p.endSums(n, opts.Sums)
	}
	n = p.resolve(n)
	if opts.Resolved != nil && p.matrices() {
		res := make(map[string]expr.Shape, len(opts.Vars))
		// Sizes the expression does not name get names in the order of
		// the variables' names, the same on every run.
		for _, name := range expr.SortedNames(opts.Vars) {
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
	if opts.RawDefs != nil {
		*opts.RawDefs = slices.Clone(p.defs)
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

// notes says what in n the writer may not mean: names written as if
// applied, f(x), that are not declared functions, and where vectors or
// matrices are declared, capital names read as scalars and e read as
// Euler's number.
func (p *parser) notes(n *expr.Node) []string {
	var out []string
	if note := p.callNote(); note != "" {
		out = append(out, note)
	}
	if !p.matrices() {
		return out
	}
	for _, v := range expr.Vars(n) {
		r, _ := utf8.DecodeRuneInString(v.Name())
		if _, declared := p.opts.Vars[v.Name()]; !declared && v.Shape().IsScalar() && unicode.IsUpper(r) {
			out = append(out, fmt.Sprintf("%s is read as a scalar; declare it with --matrix %s or --vector %s if it is not one", v.Name(), v.Name(), v.Name()))
		}
	}
	if expr.Find(n, func(m *expr.Node) bool { return m.Op() == expr.OpConstant && m.Name() == expr.E }) != nil {
		out = append(out, "e is read as Euler's number; declare it (--vector e) or define it (where e = …) if it is a variable")
	}
	slices.Sort(out)
	return out
}

// definedConstants returns the names of constants (e, pi) that a where
// clause of src defines and vars does not declare: a token scan for
// "where" outside brackets, then for the names before '='.
func definedConstants(src string, vars map[string]expr.Shape) []string {
	if !strings.Contains(src, "where") {
		return nil
	}
	l := lexer{src: src}
	depth, after := 0, false
	var prev token
	var out []string
	for {
		t := l.next()
		switch {
		case t.kind == tEOF || t.kind == tError:
			return out
		case t.kind == tOp && (t.text == "(" || t.text == "["):
			depth++
		case t.kind == tOp && (t.text == ")" || t.text == "]"):
			depth--
		case depth == 0 && t.kind == tName && t.text == "where":
			after = true
		case after && depth == 0 && t.kind == tOp && t.text == "=" && prev.kind == tName:
			if _, declared := vars[prev.text]; !declared && isConstant(prev.text) {
				out = append(out, prev.text)
			}
		}
		prev = t
	}
}

// whereAt returns the offset after the word "where" that opens the where
// clause of src, outside brackets, or -1 for none.
func whereAt(src string) int {
	if !strings.Contains(src, "where") {
		return -1
	}
	l := lexer{src: src}
	depth := 0
	for {
		t := l.next()
		switch {
		case t.kind == tEOF || t.kind == tError:
			return -1
		case t.kind == tOp && (t.text == "(" || t.text == "["):
			depth++
		case t.kind == tOp && (t.text == ")" || t.text == "]"):
			depth--
		case depth == 0 && t.kind == tName && t.text == "where":
			return t.end
		}
	}
}

// readWhere reads the where clause that starts at the offset at ahead of
// f, so that a definition that is a vector or a matrix gives the name it
// defines its shape in f (see impliedShape). An error waits for the
// parse of the whole input, which reports it in its place.
func (p *parser) readWhere(at int) {
	q := &parser{src: p.src, opts: p.opts, line: p.line, maxDepth: p.maxDepth, shadowed: p.shadowed}
	q.dims.reserved = p.dims.reserved
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(*Error); !ok {
				panic(r)
			}
		}
	}()
	q.lex = lexer{src: p.src, pos: at}
	q.advance()
	q.where()
}

// Def is one definition of a where clause: Name = Value.
type Def struct {
	Name  string
	Value *expr.Node
}

// closeDefs substitutes definitions into one another until none refers
// to a name the clause defines: "u where u = v, v = t^2" is t^2. A
// definition that comes back to its own name is an error, found on the
// definitions as written (see refuseCycles): substituting them into one
// another does not show every cycle, as u = v, v = u turns into u = u,
// v = v, which no further round changes.
func (p *parser) closeDefs() {
	p.refuseCycles()
	for round := 0; ; round++ {
		m := defMap(p.defs)
		changed := false
		for i, d := range p.defs {
			v := expr.Substitute(d.Value, m)
			if !expr.Equal(v, d.Value) {
				p.defs[i].Value, changed = v, true
			}
		}
		if !changed {
			return
		}
		if round == len(p.defs) {
			// Each round resolves one more level; more rounds than
			// definitions would mean a cycle, which refuseCycles has
			// refused already.
			p.fail(p.defPos[0], "the definitions refer to one another in a cycle")
		}
	}
}

// refuseCycles fails at the first definition, in the order written, that
// depends on its own name through the others: u in "u where u = v, v =
// u", as in "u where u = u^2". The definitions refer to one another as a
// directed graph; a name depends on itself where it lies on a cycle, that
// is in a strongly connected component of more than one name (a name
// that uses itself directly where has refused).
func (p *parser) refuseCycles() {
	at := make(map[string]int, len(p.defs))
	for i, d := range p.defs {
		at[d.Name] = i
	}
	refs := make([][]int, len(p.defs))
	for i, d := range p.defs {
		for _, v := range expr.Vars(d.Value) {
			if j, ok := at[v.Name()]; ok {
				refs[i] = append(refs[i], j)
			}
		}
	}
	// Tarjan's algorithm: component[i] numbers i's strongly connected
	// component, size its names.
	index, low := make([]int, len(p.defs)), make([]int, len(p.defs))
	onStack := make([]bool, len(p.defs))
	component := make([]int, len(p.defs))
	var size []int
	var stack []int
	next := 1
	var visit func(i int)
	visit = func(i int) {
		index[i], low[i] = next, next
		next++
		stack = append(stack, i)
		onStack[i] = true
		for _, j := range refs[i] {
			switch {
			case index[j] == 0:
				visit(j)
				low[i] = min(low[i], low[j])
			case onStack[j]:
				low[i] = min(low[i], index[j])
			}
		}
		if low[i] != index[i] {
			return
		}
		c, n := len(size), 0
		for {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[j], component[j] = false, c
			n++
			if j == i {
				break
			}
		}
		size = append(size, n)
	}
	for i := range p.defs {
		if index[i] == 0 {
			visit(i)
		}
	}
	for i, d := range p.defs {
		if size[component[i]] > 1 {
			p.fail(p.defPos[i], "%s is defined in terms of itself", d.Name)
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
		if _, declared := p.opts.Vars[t.text]; t.kind != tName || !IsName(t.text) && !declared {
			p.fail(t.pos, "expected a variable name to define after 'where', found %s", describe(t))
		}
		if p.opts.Functions[t.text] {
			p.fail(t.pos, "%s is an abstract function: a where clause defines variables, not functions", t.text)
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
		// The name stands in f for its value: their shapes must agree.
		// A name not declared takes the shape of its definition: f is
		// read again with the name so declared.
		want, declared := p.opts.Vars[t.text]
		if !declared || p.shadowed[t.text] {
			if !v.Shape().IsScalar() {
				panic(impliedShape{t.text, p.implied(t.text, v.Shape())})
			}
			want = expr.Scalar
		}
		if want.Rank() != v.Shape().Rank() || !want.IsScalar() && !p.sameShape(want, v.Shape()) {
			what := "declared a scalar"
			if !want.IsScalar() {
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

// impliedShape stops a parse to read the input again with name declared
// with shape, the shape of its definition in the where clause.
type impliedShape struct {
	name  string
	shape expr.Shape
}

// implied returns the shape s of the definition of name for its
// declaration: sizes known as numbers or named by the user as they are,
// the others new sizes of name's own, which the definition settles.
func (p *parser) implied(name string, s expr.Shape) expr.Shape {
	dims := make([]expr.Dim, s.Rank())
	own := map[expr.Dim]expr.Dim{}
	for i := range dims {
		d := p.dims.find(s.Dim(i))
		if d.N == 0 && !named(d.Sym) {
			if _, ok := own[d]; !ok {
				own[d] = expr.Dim{Sym: fmt.Sprintf("#%s.%d", name, len(own)+1)}
			}
			d = own[d]
		}
		dims[i] = d
	}
	return expr.NewShape(dims...)
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
	norm     string   // the delimiter of the norm the innermost nested part is, if it is one: "|" or "‖"
	outer    []string // norm of the enclosing parts
	defs     []Def
	defPos   []int           // where each definition's name is
	shadowed map[string]bool // constants the where clause defines, read as scalars
	dims     unifier
	fresh    int
	ix       *sumState        // the indexed sums, when Options.Sums allows them
	arities  map[string]arity // the declared functions applied so far
	calls    []call           // undeclared names written as if applied: f(x), f'(x)
}

// call is an undeclared name written right before '(', as a function is
// applied, or before primes and '(', as a derivative is: f(g(x)) is the
// product f·(g(x)) unless f is declared a function, and f'(x) the product
// of the transposed scalar f and x.
type call struct {
	name   string
	pos    int // where the name starts
	open   int // where '(' is
	primes int // the primes between the name and '('
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
	p.outer = append(p.outer, p.norm)
	p.norm = ""
}

func (p *parser) leave() {
	p.depth--
	p.norm = p.outer[len(p.outer)-1]
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

// product := unary (('*' | '/' | '.*' | './' | '⊙' | '∘' | '⊗' | implicit) unary)*
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
		case p.isAny(".*", "./", "⊙", "∘"):
			op := p.tok
			p.advance()
			left = p.elementwise(op.text, left, p.unary(), op.pos)
		case p.is("⊗"):
			op := p.tok
			p.advance()
			left = p.kron(left, p.unary(), op.pos)
		case p.is("[") && p.tok.sp && p.indexable(left) && p.peekIndices():
			p.fail(p.tok.pos, "%s [%s] reads as an entry or as a product: write %s[%s] for the entry, %s*[%s] for the product",
				p.lastText(), p.peekText(), p.lastText(), p.peekText(), p.lastText(), p.peekText())
		case p.tok.kind == tName && p.tok.text != "where", p.is("("), p.is("["), p.is("<"), p.is("⟨"), p.is("∂"),
			p.is("|") && p.norm != "|", p.is("‖") && p.norm != "‖":
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

// power := postfix (superscript | '^' unary)?
func (p *parser) power() *expr.Node {
	base := p.postfix()
	if p.tok.kind == tSup {
		t := p.tok
		k, err := strconv.Atoi(t.text)
		if err != nil {
			p.fail(t.pos, "expected superscript digits, found %s", describe(t))
		}
		p.advance()
		return p.pow(base, expr.Int64(int64(k)), t.pos)
	}
	if p.tok.kind == tSub {
		p.fail(p.tok.pos, "a subscript goes after a norm, as in ‖x‖₂; write x2 or x_2 for a name")
	}
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

// postfix := primary ("'" | "ᵀ" | "^T" | index)*
func (p *parser) postfix() *expr.Node {
	n := p.primary()
	for {
		switch {
		case p.isAny("'", "ᵀ"):
			p.advance()
		case p.isAny(powOps...) && p.peekTranspose():
			p.advance()
			p.advance()
		case p.is("[") && !p.tok.sp && p.indexable(n):
			n = p.index(n)
			continue
		default:
			return n
		}
		n = transpose(n) // the transpose of a scalar is itself
	}
}

// indexable reports whether n, just read, can be indexed: a name, a
// parenthesised or bracketed expression or a transpose, not a number.
func (p *parser) indexable(n *expr.Node) bool {
	return p.prev.kind == tName || p.prev.kind == tOp && (p.prev.text == ")" || p.prev.text == "]" || p.prev.text == "'" || p.prev.text == "ᵀ" || p.prev.text == "T")
}

// peekIndices reports whether the '[' at hand opens whole numbers only, as
// an index does: [1] or [1, 2].
func (p *parser) peekIndices() bool {
	l := p.lex
	count := 0
	for {
		t := l.next()
		if t.kind != tNumber || strings.ContainsAny(t.text, ".eE") {
			return false
		}
		count++
		switch t = l.next(); {
		case t.kind == tOp && t.text == "]":
			return count <= 2
		case t.kind == tOp && t.text == ",":
		default:
			return false
		}
	}
}

// peekText returns the text between the '[' at hand and its ']', for
// messages.
func (p *parser) peekText() string {
	end := strings.IndexByte(p.src[p.tok.pos:], ']')
	if end < 0 {
		return ""
	}
	return p.src[p.tok.pos+1 : p.tok.pos+end]
}

// lastText returns the text of the token just read, for messages: the
// name, or "(…)" for a closing parenthesis.
func (p *parser) lastText() string {
	switch p.prev.text {
	case ")":
		return "(…)"
	case "]":
		return "[…]"
	}
	return p.prev.text
}

// index := '[' whole (',' whole)? ']', an entry of n, 1-based: x[1] is the
// notes' x₁.
func (p *parser) index(n *expr.Node) *expr.Node {
	if p.ix != nil && p.indexNamesAhead() {
		return p.symbolicIndex(n)
	}
	open := p.tok
	what := p.lastText()
	if n.Shape().IsScalar() {
		if p.prev.kind == tName {
			p.fail(open.pos, "%s is a scalar, so it has no entries: declare it with --vector %s or --matrix %s, or write %s*[…] for a product", what, what, what, what)
		}
		p.fail(open.pos, "a scalar has no entries: write *[…] for a product")
	}
	p.enter()
	p.advance()
	var idx []int
	for {
		t := p.tok
		if t.kind != tNumber || strings.ContainsAny(t.text, ".eE") {
			p.fail(t.pos, "expected an index, a whole number from 1 (%s[1] is the first entry), found %s; write %s*[…] for a product", what, describe(t), what)
		}
		k, err := strconv.Atoi(t.text)
		if err != nil || k < 1 {
			p.fail(t.pos, "indices start at 1: the first entry of %s is %s[1]", what, what)
		}
		idx = append(idx, k)
		p.advance()
		if !p.is(",") {
			break
		}
		p.advance()
	}
	p.expectClose(open, "]")
	p.leave()
	s := n.Shape()
	if len(idx) != s.Rank() {
		want := map[int]string{1: "one index", 2: "two indices"}[s.Rank()]
		p.fail(open.pos, "%s takes %s, not %d", p.describeNode(n), want, len(idx))
	}
	for i, k := range idx {
		if d := p.dims.find(s.Dim(i)); d.N > 0 && k > d.N {
			p.fail(open.pos, "index %d out of range: %s has %d %s", k, p.describeNode(n), d.N, [2]string{"entries", "columns"}[min(i, 1)])
		}
	}
	return expr.Index(n, idx...)
}

// peekTranspose reports whether "^" is followed by the name T, which makes
// "^T" a transpose rather than a power.
func (p *parser) peekTranspose() bool {
	l := p.lex
	t := l.next()
	return t.kind == tName && t.text == "T" && !t.sp
}

// primary := number | name | function '(' args ')' | '(' sum ')' | '[' … ']'
// | norm | inner
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
	if p.is("|") || p.is("‖") {
		return p.normOf()
	}
	if p.is("<") || p.is("⟨") {
		return p.inner()
	}
	if p.is("∂") {
		return p.partial()
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
	if p.ix != nil {
		if n := p.indexedName(); n != nil {
			return n
		}
	}
	t := p.tok
	name := t.text
	if p.opts.Functions[name] {
		p.advance()
		return p.declaredFunc(t, nil, 0)
	}
	if s, ok := p.opts.Vars[name]; ok {
		p.advance()
		if p.opts.Symmetric[name] {
			return expr.NewSymmetric(name, s)
		}
		return expr.NewSym(name, s)
	}
	if strings.HasPrefix(name, "_") {
		// norm(x)_2: a subscript after something that takes none.
		p.fail(t.pos, "unexpected subscript %s: a subscript follows a name (x_1) or a norm (||x||_2)", name)
	}
	if stem, idx, ok := p.subscripted(name); ok && p.callFollows() {
		// f_12(x, y), the ASCII spelling of ∂₁₂f(x, y).
		p.advance()
		return p.declaredFunc(token{kind: tName, text: stem, pos: t.pos, end: t.pos + len(stem)}, idx, t.pos+len(stem))
	}
	if op, ok := expr.WordLeaf(name); ok && (p.matrices() || p.leafCall(name)) {
		return p.wordLeaf(op)
	}
	fns, isFunc := lookupFunc(name)
	p.advance()
	call := p.is("(") && !p.tok.sp
	switch {
	case isFunc && p.is("("):
		return p.call(t, fns)
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
	p.noteCall(t)
	return expr.NewSym(name, expr.Scalar)
}

// noteCall records the undeclared scalar name t, which the parser has
// just read, as a call when '(' follows it at once, or primes and then
// '(': f(x), f'(x).
func (p *parser) noteCall(t token) {
	l, next := p.lex, p.tok
	primes := 0
	for next.kind == tOp && next.text == "'" && !next.sp {
		primes++
		next = l.next()
	}
	if next.kind == tOp && next.text == "(" && !next.sp {
		p.calls = append(p.calls, call{name: t.text, pos: t.pos, open: next.pos, primes: primes})
	}
}

// maxCallsNoted is the number of calls a note spells out.
const maxCallsNoted = 3

// callNote says how the undeclared names written as if applied read, and
// how to make them functions: "f(g(x)) reads as the product f·(g(x));
// declare --function f to make f a function". A name that is also read as
// a variable elsewhere (x(x + 1)) or defined by the where clause cannot be
// a function, and is not noted.
func (p *parser) callNote() string {
	if len(p.calls) == 0 {
		return ""
	}
	defined := map[string]bool{}
	for _, d := range p.defs {
		defined[d.Name] = true
	}
	heads := map[string]int{}
	for _, c := range p.calls {
		heads[c.name]++
	}
	// How often each name is written at all: a name written more often
	// than it is applied is also a variable.
	uses := map[string]int{}
	for l := (lexer{src: p.src}); ; {
		t := l.next()
		if t.kind == tEOF || t.kind == tError {
			break
		}
		if t.kind == tName && heads[t.text] > 0 {
			uses[t.text]++
		}
	}
	// One call a name, in the order the names come: the first with
	// primes, if any, which read furthest from what was meant.
	var names []string
	chosen := map[string]call{}
	for _, c := range p.calls {
		if defined[c.name] || uses[c.name] != heads[c.name] {
			continue // a variable
		}
		old, seen := chosen[c.name]
		if !seen {
			names = append(names, c.name)
		}
		if !seen || old.primes == 0 && c.primes > 0 {
			chosen[c.name] = c
		}
	}
	var parts []string
	primed := ""
	for _, name := range names {
		c := chosen[name]
		if c.primes > 0 && primed == "" {
			primed = c.name
		}
		switch {
		case len(parts) == maxCallsNoted:
			parts = append(parts, "…")
		case len(parts) < maxCallsNoted:
			parts = append(parts, p.callText(c, len(parts) == 0))
		}
	}
	if len(names) == 0 {
		return ""
	}
	var b strings.Builder
	for i, part := range parts {
		switch {
		case i == 0:
			b.WriteString(part)
		case part == "…":
			b.WriteString(", …")
		default:
			b.WriteString(", " + part)
		}
	}
	if primed != "" {
		fmt.Fprintf(&b, " (' transposes the scalar %s)", primed)
	}
	list := strings.Join(names, ",")
	if len(names) == 1 {
		fmt.Fprintf(&b, "; declare --function %s to make %s a function", list, list)
	} else {
		fmt.Fprintf(&b, "; declare --function %s to make %s functions", list, strings.Join(names[:len(names)-1], ", ")+" and "+names[len(names)-1])
	}
	return b.String()
}

// maxCallText is the length, in bytes, beyond which a call's arguments
// are cut to "…" in a note.
const maxCallText = 40

// callText says how the call c reads: "f(g(x)) reads as the product
// f·(g(x))" for the first call of a note, "g(x) as g·(x)" for the others.
func (p *parser) callText(c call, first bool) string {
	head := p.src[c.pos:c.open] // f, or f' with its primes
	args := "(…)"
	if end := matchingParen(p.src, c.open); end > 0 && end-c.open <= maxCallText {
		args = p.src[c.open:end]
	}
	if first {
		return head + args + " reads as the product " + head + "·" + args
	}
	return head + args + " as " + head + "·" + args
}

// matchingParen returns the offset after the ')' that closes the '(' at
// open in src, or -1 if none does.
func matchingParen(src string, open int) int {
	depth := 0
	for i := open; i < len(src); i++ {
		switch src[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// leafCall reports whether the word leaf name is written with its whole
// numbers, eye(3) or unit(2), which reads as the leaf even where no vector
// or matrix is declared; a one-letter word before '(' is a product, as
// I(x+1) is.
func (p *parser) leafCall(name string) bool {
	if simpleName(name) {
		return false
	}
	l := p.lex
	t := l.next()
	return t.kind == tOp && t.text == "(" && !t.sp
}

// wordLeaf reads a leaf spelt by a word, such as I, ones or unit(2): the
// word, then whole numbers in parentheses if the leaf takes them.
func (p *parser) wordLeaf(op expr.Op) *expr.Node {
	t := p.tok
	p.advance()
	var args []int
	if p.is("(") && !p.tok.sp {
		open := p.tok
		p.advance()
		for {
			if p.tok.kind != tNumber {
				p.fail(p.tok.pos, "expected a whole number in %s(…), found %s", t.text, describe(p.tok))
			}
			k, err := strconv.Atoi(p.tok.text)
			if err != nil {
				p.fail(p.tok.pos, "expected a whole number in %s(…), found %s", t.text, describe(p.tok))
			}
			args = append(args, k)
			p.advance()
			if !p.is(",") {
				break
			}
			p.advance()
		}
		p.expectClose(open, ")")
	}
	// The counter is copied in and out, so that the closure, which the
	// table's function may keep, does not take the parser to the heap.
	count := p.fresh
	fresh := func() expr.Dim {
		count++
		return expr.Dim{Sym: fmt.Sprintf("#%s%d", t.text, count)}
	}
	n, need := expr.Ops[op].Leaf(args, fresh)
	p.fresh = count
	if need != "" {
		p.fail(t.pos, "%s takes %s", t.text, need)
	}
	return n
}

func isConstant(name string) bool {
	if len(name) > 2 { // pi, π and e are short: most names are not constants
		return false
	}
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
// definitions, one for each number of operands: the operations of the
// table and the derived functions.
var functions = expr.Functions()

func lookupFunc(name string) ([]expr.Func, bool) {
	fs, ok := functions[name]
	return fs, ok
}

// IsName reports whether s is a valid variable name: a letter followed by
// letters, digits and underscores, and not a function or constant.
func IsName(s string) bool {
	if len(s) == 1 {
		// One ASCII letter: the common case, no function or constant
		// but e.
		c := s[0]
		return ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_') && c != 'e'
	}
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

// IsFunction reports whether name is the name of a function of the
// language, such as sin or log.
func IsFunction(name string) bool {
	_, ok := functions[name]
	return ok
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

// call reads the operands of a call of the function spelt t, and applies
// the definition that takes as many operands.
func (p *parser) call(t token, fs []expr.Func) *expr.Node {
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
	i := slices.IndexFunc(fs, func(f expr.Func) bool { return f.Arity == len(args) })
	if i < 0 {
		found := "none"
		if len(args) > 0 {
			found = fmt.Sprint(len(args))
		}
		p.fail(p.tok.pos, "%s expects %s, found %s", t.text, arities(fs), found)
	}
	p.advance()
	p.leave()
	return p.apply(fs[i], args, t.pos)
}

// arities says how many operands the definitions fs take: "1 argument",
// "1 or 2 arguments".
func arities(fs []expr.Func) string {
	ns := make([]string, len(fs))
	for i, f := range fs {
		ns[i] = fmt.Sprint(f.Arity)
	}
	s := strings.Join(ns, " or ")
	if len(fs) == 1 && fs[0].Arity == 1 {
		return s + " argument"
	}
	return s + " arguments"
}

// suggest returns the function names closest to name in edit distance.
func suggest(name string) []string {
	best := 3
	var out []string
	for _, f := range FunctionNames() {
		d := EditDistance(strings.ToLower(name), f)
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

// EditDistance is the Levenshtein distance between a and b, in runes.
func EditDistance(a, b string) int {
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

// normOf := ('||' sum '||' | '‖' sum '‖') subscript? : the norm ‖x‖,
// with the subscripts of the notes: _2 (the default), _1, _p for a whole
// p, _inf or _∞, _F, or ₂ in Unicode.
func (p *parser) normOf() *expr.Node {
	open := p.tok
	delim := open.text
	p.advance()
	if delim == "|" {
		if !p.is("|") {
			p.fail(open.pos, "write a norm as ||x||; for the absolute value write abs(x)")
		}
		p.advance()
	}
	p.enter()
	p.norm = delim
	x := p.sum()
	p.leave()
	closing := "||"
	if delim == "‖" {
		closing = "‖"
	}
	for i := 0; i < len([]rune(closing)); i++ {
		if !p.is(delim) {
			line, col := p.position(open.pos)
			p.fail(p.tok.pos, "expected '%s' to close '%s' at %d:%d, found %s", closing, closing, line, col, describe(p.tok))
		}
		p.advance()
	}
	sub, subPos := p.normSubscript()
	return p.normWith(x, sub, subPos)
}

// normSubscript reads the subscript right after a norm, if any: "2",
// "inf", "F" or whole digits, with its position.
func (p *parser) normSubscript() (string, int) {
	t := p.tok
	switch {
	case t.sp:
		return "", 0
	case t.kind == tSub:
		p.advance()
		return t.text, t.pos
	case t.kind == tName && strings.HasPrefix(t.text, "_"):
		p.advance()
		sub := t.text[1:]
		if sub == "" && p.is("∞") && !p.tok.sp {
			p.advance()
			sub = "inf"
		}
		return sub, t.pos
	}
	return "", 0
}

// normWith builds the norm of x with the subscript sub.
func (p *parser) normWith(x *expr.Node, sub string, pos int) *expr.Node {
	k := 0
	switch sub {
	case "", "F", "inf":
	default:
		var err error
		if k, err = strconv.Atoi(sub); err != nil || k < 1 {
			p.fail(pos, "unknown norm subscript _%s: write _1, _2, _p for a whole number p ≥ 1, _inf or _F", sub)
		}
	}
	rank := x.Shape().Rank()
	switch {
	case rank == 0:
		return expr.Norm(x) // |x|, whatever the norm
	case sub == "" || sub == "F":
		return expr.Norm(x)
	case rank == 2:
		p.fail(pos, "the norm ||·||_%s of a matrix is an operator norm, which nabla does not compute: write ||X||_F (or ||X||) for the Frobenius norm", sub)
	case sub == "inf":
		return expr.Max(expr.Call(expr.OpAbs, x))
	}
	switch k {
	case 1:
		return expr.Sum(expr.Call(expr.OpAbs, x))
	case 2:
		return expr.Norm(x)
	}
	pk := expr.Int64(int64(k))
	return expr.Pow(expr.Sum(expr.Pow(expr.Call(expr.OpAbs, x), pk)), expr.Pow(pk, expr.Int64(-1)))
}

// inner := '<' sum ',' sum '>' | '⟨' sum ',' sum '⟩': the inner product
// dot(a, b), aᵀ b of vectors and tr(Aᵀ B) of matrices.
func (p *parser) inner() *expr.Node {
	open := p.tok
	closing := ">"
	if open.text == "⟨" {
		closing = "⟩"
	}
	p.enter()
	p.advance()
	a := p.sum()
	if !p.is(",") {
		p.fail(p.tok.pos, "expected ',' between the operands of the inner product %s…, …%s, found %s", open.text, closing, describe(p.tok))
	}
	p.advance()
	b := p.sum()
	p.expectClose(open, closing)
	p.leave()
	fs, _ := lookupFunc("dot")
	f := fs[0]
	f.Name = "the inner product " + open.text + "·, ·" + closing
	return p.apply(f, []*expr.Node{a, b}, open.pos)
}

// kron is a ⊗ b, the Kronecker product kron(a, b).
func (p *parser) kron(a, b *expr.Node, pos int) *expr.Node {
	fs, _ := lookupFunc("kron")
	f := fs[0]
	f.Name = "⊗"
	return p.apply(f, []*expr.Node{a, b}, pos)
}
