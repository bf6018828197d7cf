package parse

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nabla-math/nabla/internal/expr"
)

// Sums is what Parse gives of an expression with indexed sums, when
// Options.Sums asks for them:
//
//	sum_{n,k} r[n,k] ||x[n] - μ[k]||^2
//
// Each sum stands in the expression Parse returns as a variable of the
// sum's shape, named by Sum.Name; each member of an indexed family (x[n],
// r[n,k]) stands in the summands as a variable named as written without
// spaces, by Ref.Name. An index runs over 1…N, where N is the size of
// what it indexes: the rows of a matrix x for x[n], the entries of a
// vector y for y[i].
type Sums struct {
	// List holds the sums, in the order they end.
	List []Sum
	// Refs are the members of families the expression names, x[n] and
	// r[n,k], in order of first appearance.
	Refs []Ref
	// Free lists the free indices, those no sum binds (j in r[n,j]), in
	// order of first appearance, and FreeRanges their ranges.
	Free       []string
	FreeRanges map[string]expr.Dim
}

// Sum is one indexed sum: Σ over the indices Over of Body. Ranges[i] is
// the range 1…Ranges[i] of Over[i].
type Sum struct {
	Name   string
	Over   []string
	Ranges []expr.Dim
	Body   *expr.Node
}

// Ref is a member of an indexed family: x[n] is row n of the matrix x as
// a column vector, y[i] entry i of the vector y, r[n,k] an entry of the
// matrix r.
type Ref struct {
	Name   string   // the variable that stands for it: "x[n]", "r[n,k]"
	Family string   // the vector or matrix: "x"
	Idx    []string // the index names: ["n"]
}

// RefName is the name of the variable that stands for the member of
// family with the indices idx: x[n], r[n,k].
func RefName(family string, idx []string) string {
	return family + "[" + strings.Join(idx, ",") + "]"
}

// IsSumWord reports whether name begins an indexed sum: Σ_n, sum_n, and
// Σ_ or sum_ before a list of indices in braces or parentheses.
func IsSumWord(name string) bool {
	return name == "Σ" || strings.HasPrefix(name, "Σ_") || strings.HasPrefix(name, "sum_")
}

// IsIndexName reports whether s can name an index: a letter, perhaps
// followed by digits (n, k, i1).
func IsIndexName(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	if !unicode.IsLetter(r) || r == 'ᵀ' {
		return false
	}
	for _, c := range s[size:] {
		if !unicode.IsDigit(c) {
			return false
		}
	}
	return IsName(s) || len(s) == 1
}

// MayHaveSums reports whether src may have indexed sums, without reading
// it: whether it has an indexed name or a sum word at all.
func MayHaveSums(src string) bool {
	return strings.Contains(src, "[") || strings.Contains(src, "Σ") || strings.Contains(src, "sum_")
}

// HasSums reports whether src has an indexed sum (sum_n, Σ_{n,k}) or a
// name as an index (x[n]), which Parse reads only with Options.Sums.
// Names in vars are declared variables, not sums, and so is a name such as
// sum_x that no summand follows (sum_x^2).
func HasSums(src string, vars map[string]expr.Shape) bool {
	if !MayHaveSums(src) {
		return false
	}
	l := lexer{src: src}
	var prev token
	for {
		t := l.next()
		switch {
		case t.kind == tEOF || t.kind == tError:
			return false
		case t.kind == tName && IsSumWord(t.text):
			if _, declared := vars[t.text]; declared {
				break
			}
			if strings.HasPrefix(t.text, "Σ") || t.end < len(src) && src[t.end] == '{' {
				return true
			}
			peek := l
			u := peek.next()
			if u.kind == tName || u.kind == tNumber || u.kind == tOp && strings.Contains("([|‖⟨<", u.text) {
				return true
			}
		case t.kind == tOp && t.text == "[" && !t.sp && prev.kind == tName:
			peek := l
			if u := peek.next(); u.kind == tName {
				return true
			}
		}
		prev = t
	}
}

// binding is an index bound by an enclosing sum, with its range.
type binding struct {
	name string
	dim  expr.Dim
}

// sumState is what the parser keeps of indexed sums as it reads.
type sumState struct {
	scope     []binding           // the indices of the enclosing sums, outermost first
	bound     map[string]int      // where each index some sum binds is bound first
	free      map[string]expr.Dim // the free indices and their ranges
	freeOrder []string
	sums      map[string]*Sum // by name
	order     []string
	refs      map[string]bool
	refList   []Ref
	plain     map[string]int // where each scalar variable appears first
	fresh     int
}

func newSumState() *sumState {
	return &sumState{bound: map[string]int{}, free: map[string]expr.Dim{}, sums: map[string]*Sum{},
		refs: map[string]bool{}, plain: map[string]int{}}
}

// inScope returns the binding of the index name by the innermost
// enclosing sum.
func (s *sumState) inScope(name string) (binding, bool) {
	for i := len(s.scope) - 1; i >= 0; i-- {
		if s.scope[i].name == name {
			return s.scope[i], true
		}
	}
	return binding{}, false
}

// isIndex reports whether name is an index anywhere in the expression so
// far.
func (s *sumState) isIndex(name string) bool {
	_, b := s.bound[name]
	_, f := s.free[name]
	return b || f
}

// indexedName reads, where indexed sums are allowed, the sum that the
// name at hand begins; it returns nil for any other name, after checking
// that the name is no index.
func (p *parser) indexedName() *expr.Node {
	t := p.tok
	if _, declared := p.opts.Vars[t.text]; declared {
		return nil
	}
	if IsSumWord(t.text) {
		return p.indexedSum()
	}
	if p.ix.isIndex(t.text) {
		p.fail(t.pos, "%s is an index: it stands in brackets after a vector or matrix, as in x[%s]", t.text, t.text)
	}
	if _, seen := p.ix.plain[t.text]; !seen && IsName(t.text) {
		p.ix.plain[t.text] = t.pos
	}
	return nil
}

// indexedSum := ('sum_' | 'Σ_') (index | '{' index (',' index)* '}' |
// '(' index (',' index)* ')') product: the sum over the indices of the
// summand, which extends, as a product does, to the next '+' or '-'
// outside parentheses.
func (p *parser) indexedSum() *expr.Node {
	t := p.tok
	word := "sum"
	rest, ok := strings.CutPrefix(t.text, "sum")
	if !ok {
		word, rest = "Σ", strings.TrimPrefix(t.text, "Σ")
	}
	var over []string
	var pos []int
	head := t.text // the sign with its indices, for messages
	switch {
	case rest == "":
		p.fail(t.pos, "Σ takes its indices as a subscript: Σ_n, Σ_{n,k}")
	case rest == "_" && t.end < len(p.src) && p.src[t.end] == '{':
		end := strings.IndexByte(p.src[t.end:], '}')
		if end < 0 {
			p.fail(t.end, "expected '}' to close the indices of %s_{…}", word)
		}
		off := t.end + 1
		for _, part := range strings.Split(p.src[off:t.end+end], ",") {
			name := strings.TrimSpace(part)
			at := off + strings.Index(part, name)
			if !IsIndexName(name) {
				p.fail(at, "expected an index name (n, k, i1) in %s_{…}, found %q", word, name)
			}
			over, pos = append(over, name), append(pos, at)
			off += len(part) + 1
		}
		p.lex.pos = t.end + end + 1
		head = p.src[t.pos:p.lex.pos]
		p.advance()
	case rest == "_":
		p.advance()
		open := p.tok
		if !p.is("(") || open.sp {
			p.fail(t.pos, "expected the indices of the sum: %s_n or %s_{n,k}", word, word)
		}
		p.advance()
		for {
			if p.tok.kind != tName || !IsIndexName(p.tok.text) {
				p.fail(p.tok.pos, "expected an index name (n, k, i1) in %s_(…), found %s", word, describe(p.tok))
			}
			over, pos = append(over, p.tok.text), append(pos, p.tok.pos)
			p.advance()
			if !p.is(",") {
				break
			}
			p.advance()
		}
		head = p.src[t.pos:p.tok.end]
		p.expectClose(open, ")")
	default:
		name := rest[1:]
		if !IsIndexName(name) {
			if strings.IndexFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
				letters := strings.Split(name, "")
				p.fail(t.pos, "%s_%s: an index is one letter, perhaps with digits; write %s_{%s} for a sum over %s",
					word, name, word, strings.Join(letters, ","), strings.Join(letters, " and "))
			}
			p.fail(t.pos, "%s_%s: an index is one letter, perhaps with digits (n, k, i1)", word, name)
		}
		over, pos = []string{name}, []int{t.pos + len(t.text) - len(name)}
		p.advance()
	}
	if p.tok.kind == tEOF || p.isAny(")", "]", ",", "=") || p.is(p.norm) && p.norm != "" || p.tok.kind == tName && p.tok.text == "where" {
		p.fail(p.tok.pos, "expected the summand after %s, found %s", head, describe(p.tok))
	}
	ranges := make([]expr.Dim, len(over))
	for i, name := range over {
		ranges[i] = p.bindIndex(name, pos[i])
		p.ix.scope = append(p.ix.scope, binding{name, ranges[i]})
	}
	p.enter()
	p.norm = p.outer[len(p.outer)-1] // the summand ends where the norm it is in does
	body := p.product()
	p.leave()
	p.ix.scope = p.ix.scope[:len(p.ix.scope)-len(over)]
	return p.newSum(over, ranges, body, t.pos)
}

// bindIndex binds the index name of a sum at pos, with a range of its
// own.
func (p *parser) bindIndex(name string, pos int) expr.Dim {
	if _, ok := p.ix.inScope(name); ok {
		p.fail(pos, "%s is already an index of an enclosing sum, whose summand runs to the next + or -: end it with parentheses, as in (Σ_%s …)/…", name, name)
	}
	if s, declared := p.opts.Vars[name]; declared {
		p.fail(pos, "%s is declared a %s; an index needs a name of its own", name, kindOf(s))
	}
	if at, ok := p.ix.plain[name]; ok {
		p.fail(at, "%s is a variable here and the index of a sum: name them apart", name)
	}
	if _, ok := p.ix.free[name]; ok {
		p.fail(pos, "%s is a free index elsewhere and the index of this sum: name them apart", name)
	}
	if _, ok := p.ix.bound[name]; !ok {
		p.ix.bound[name] = pos
	}
	p.ix.fresh++
	return expr.Dim{Sym: fmt.Sprintf("#%s.%d", name, p.ix.fresh)}
}

// kindOf names the kind of a declared shape: vector or matrix.
func kindOf(s expr.Shape) string {
	switch s.Rank() {
	case 0:
		return "scalar"
	case 1:
		return "vector"
	}
	return "matrix"
}

// newSum registers the sum over the indices over of body and returns the
// variable that stands for it. A sum that is the summand, or a factor of
// the summand, of the enclosing one joins it: Σ_n Σ_k f is Σ_{n,k} f, and
// Σ_i a[i] Σ_j b[j] is Σ_{i,j} a[i] b[j].
func (p *parser) newSum(over []string, ranges []expr.Dim, body *expr.Node, pos int) *expr.Node {
	for {
		inner := p.innerFactor(body)
		if inner == nil {
			break
		}
		s := p.ix.sums[inner.Name()]
		k, factors := expr.Factors(body)
		rest := []*expr.Node{expr.NewConst(k)}
		for _, f := range factors {
			if !expr.Equal(f, inner) {
				rest = append(rest, f)
			}
		}
		body = expr.Mul(append(rest, s.Body)...)
		over = append(slices.Clone(over), s.Over...)
		ranges = append(slices.Clone(ranges), s.Ranges...)
		delete(p.ix.sums, inner.Name())
		p.ix.order = slices.DeleteFunc(p.ix.order, func(n string) bool { return n == inner.Name() })
	}
	if body.IsZero() || body.IsZeroMatrix() {
		return body // a sum of zeros, whatever its range
	}
	if n := expr.Find(body, p.isSumVar); n != nil {
		p.fail(pos, "a sum inside the summand of %s is not a factor of it: write it out of the summand, or as a factor (Σ_i a[i] Σ_j b[j] is Σ_{i,j} a[i] b[j])", sumText(over))
	}
	for _, i := range over {
		used := expr.Find(body, func(m *expr.Node) bool {
			return m.Op() == expr.OpSym && p.ix.refs[m.Name()] && slices.Contains(refIndices(m.Name()), i)
		})
		if used == nil {
			p.fail(pos, "the index %s of %s indexes nothing in its summand, so its range is unknown", i, sumText(over))
		}
	}
	p.ix.fresh++
	name := fmt.Sprintf("Σ#%d#", p.ix.fresh)
	p.ix.sums[name] = &Sum{Name: name, Over: over, Ranges: ranges, Body: body}
	p.ix.order = append(p.ix.order, name)
	return expr.NewSym(name, body.Shape())
}

// innerFactor returns the variable of a sum that body is, or that is a
// factor of body once, to the first power; nil if none is.
func (p *parser) innerFactor(body *expr.Node) *expr.Node {
	if p.isSumVar(body) {
		return body
	}
	if body.Op() != expr.OpMul {
		return nil
	}
	_, factors := expr.Factors(body)
	for _, f := range factors {
		if p.isSumVar(f) && countRefs(body, f) == 1 {
			return f
		}
	}
	return nil
}

// countRefs counts the operands in the graph of n that are x, each
// shared node once.
func countRefs(n, x *expr.Node) int {
	count := 0
	expr.Inspect(n, func(m *expr.Node) bool {
		for _, a := range m.Args() {
			if expr.Equal(a, x) {
				count++
			}
		}
		return true
	})
	return count
}

// isSumVar reports whether n is the variable that stands for a sum.
func (p *parser) isSumVar(n *expr.Node) bool {
	if n.Op() != expr.OpSym {
		return false
	}
	_, ok := p.ix.sums[n.Name()]
	return ok
}

// sumText writes the sum sign with its indices, for messages: Σ_n,
// Σ_{n,k}.
func sumText(over []string) string {
	if len(over) == 1 {
		return "Σ_" + over[0]
	}
	return "Σ_{" + strings.Join(over, ",") + "}"
}

// refIndices returns the indices of the member named name: n and k of
// r[n,k].
func refIndices(name string) []string {
	open := strings.IndexByte(name, '[')
	if open < 0 || !strings.HasSuffix(name, "]") {
		return nil
	}
	return strings.Split(name[open+1:len(name)-1], ",")
}

// indexNamesAhead reports whether the '[' at hand opens index names, as
// x[n] does, rather than numbers.
func (p *parser) indexNamesAhead() bool {
	l := p.lex
	return l.next().kind == tName
}

// symbolicIndex := '[' index (',' index)* ']' after the name of a vector
// or matrix: a member of the family n. x[n] is entry n of a vector x, or
// row n of a matrix x as a column vector; r[n, k] is an entry of a matrix
// r.
func (p *parser) symbolicIndex(n *expr.Node) *expr.Node {
	open := p.tok
	family := p.prev.text
	if p.prev.kind != tName || n.Op() != expr.OpSym {
		p.fail(open.pos, "index names go right after the name of a vector or matrix: x[n], r[n,k]")
	}
	s := n.Shape()
	if s.IsScalar() {
		p.fail(open.pos, "%s is a scalar, so it has no entries: declare it with --vector %s (then %s[n] is a number) or --matrix %s (then %s[n] is row n, a column vector)",
			family, family, family, family, family)
	}
	p.enter()
	p.advance()
	var idx []string
	var pos []int
	for {
		t := p.tok
		if t.kind != tName || !IsIndexName(t.text) {
			p.fail(t.pos, "expected an index name (n, k, i1), found %s: the indices of %s[…] are all names, or all numbers", describe(t), family)
		}
		idx, pos = append(idx, t.text), append(pos, t.pos)
		p.advance()
		if !p.is(",") {
			break
		}
		p.advance()
	}
	p.expectClose(open, "]")
	p.leave()
	member := expr.Scalar
	switch {
	case s.Rank() == 2 && len(idx) == 1:
		member = expr.NewShape(s.Dim(1))
	case s.Rank() == 1 && len(idx) == 1, s.Rank() == 2 && len(idx) == 2:
	case s.Rank() == 1:
		p.fail(open.pos, "%s is a vector, so %s[n] takes one index", family, family)
	default:
		p.fail(open.pos, "%s is a matrix: %s[n] is row n and %s[n,k] an entry", family, family, family)
	}
	for i, name := range idx {
		d := p.indexRange(name, pos[i])
		if !p.dims.unify(d, s.Dim(i)) {
			what := [2]string{"rows", "columns"}[i]
			if s.Rank() == 1 {
				what = "entries"
			}
			p.fail(pos[i], "the index %s cannot run over the %s of %s: it runs over 1…%s elsewhere",
				name, what, p.describeNode(n), showDim(p.dims.show(d)))
		}
	}
	name := RefName(family, idx)
	if !p.ix.refs[name] {
		p.ix.refs[name] = true
		p.ix.refList = append(p.ix.refList, Ref{Name: name, Family: family, Idx: idx})
	}
	return expr.NewSym(name, member)
}

// indexRange returns the range of the index name at pos: that of the
// innermost sum that binds it, or of the free index.
func (p *parser) indexRange(name string, pos int) expr.Dim {
	if b, ok := p.ix.inScope(name); ok {
		return b.dim
	}
	if d, ok := p.ix.free[name]; ok {
		return d
	}
	if _, ok := p.ix.bound[name]; ok {
		p.fail(pos, "%s is the index of a sum elsewhere: a free index needs a name of its own", name)
	}
	if s, declared := p.opts.Vars[name]; declared {
		p.fail(pos, "%s is declared a %s; an index needs a name of its own", name, kindOf(s))
	}
	if at, ok := p.ix.plain[name]; ok {
		p.fail(at, "%s is a variable here and an index elsewhere: name them apart", name)
	}
	p.ix.fresh++
	d := expr.Dim{Sym: fmt.Sprintf("#%s.%d", name, p.ix.fresh)}
	p.ix.free[name] = d
	p.ix.freeOrder = append(p.ix.freeOrder, name)
	return d
}

// endSums checks the sums of the expression n, names the sizes they run
// over, and gives them to out: an index's range after the index in
// capitals (n runs over 1…N, k over 1…K; i over 1…N too, as I is the
// identity), the size of the members of matrix families D, as the notes
// name them.
func (p *parser) endSums(n *expr.Node, out *Sums) {
	if len(p.defs) > 0 {
		p.fail(p.defPos[0], "indexed sums and where clauses do not mix: write the definitions into the sums")
	}
	if p.dims.reserved == nil {
		p.dims.reserved = map[string]bool{}
	}
	taken := map[string]bool{}
	for name := range p.opts.Vars {
		taken[name] = true
	}
	for name := range p.dims.reserved {
		taken[name] = true
	}
	for name := range p.ix.bound {
		taken[name], p.dims.reserved[name] = true, true
	}
	for name := range p.ix.free {
		taken[name], p.dims.reserved[name] = true, true
	}
	nameDim := func(d expr.Dim, candidates ...string) {
		d = p.dims.find(d)
		if d.N > 0 || named(d.Sym) {
			return
		}
		for _, c := range candidates {
			if !taken[c] {
				taken[c] = true
				p.dims.reserved[c] = true
				p.dims.unify(d, expr.Dim{Sym: c})
				return
			}
		}
	}
	for _, name := range p.ix.order {
		s := p.ix.sums[name]
		for i, idx := range s.Over {
			nameDim(s.Ranges[i], rangeNames(idx)...)
		}
	}
	for _, idx := range p.ix.freeOrder {
		nameDim(p.ix.free[idx], rangeNames(idx)...)
	}
	for _, r := range p.ix.refList {
		if s := p.opts.Vars[r.Family]; s.Rank() == 2 && len(r.Idx) == 1 {
			nameDim(s.Dim(1), "D", "E", "F")
		}
	}
	for _, name := range p.ix.order {
		s := p.ix.sums[name]
		ranges := make([]expr.Dim, len(s.Ranges))
		for i, d := range s.Ranges {
			ranges[i] = p.dims.show(d)
		}
		out.List = append(out.List, Sum{Name: name, Over: s.Over, Ranges: ranges, Body: p.resolve(s.Body)})
	}
	out.Refs = p.ix.refList
	out.Free = p.ix.freeOrder
	out.FreeRanges = map[string]expr.Dim{}
	for _, idx := range p.ix.freeOrder {
		out.FreeRanges[idx] = p.dims.show(p.ix.free[idx])
	}
	if p.opts.Notes != nil && p.matrices() {
		// The variables that stand for sums and members are no names
		// the writer wrote.
		*p.opts.Notes = slices.DeleteFunc(*p.opts.Notes, p.ix.aboutStandIns)
		for _, s := range out.List {
			for _, note := range p.notes(s.Body) {
				if !slices.Contains(*p.opts.Notes, note) && !p.ix.aboutStandIns(note) {
					*p.opts.Notes = append(*p.opts.Notes, note)
				}
			}
		}
	}
}

// aboutStandIns reports whether the note is about a variable that stands
// for a sum or a member.
func (s *sumState) aboutStandIns(note string) bool {
	name, _, _ := strings.Cut(note, " ")
	_, sum := s.sums[name]
	return sum || s.refs[name]
}

// rangeNames returns the names to try for the range of the index idx:
// the index in capitals, and for i (whose capital is the identity) N.
func rangeNames(idx string) []string {
	up := strings.ToUpper(idx)
	if up == "I" || up == idx {
		return []string{"N", "M", "T"}
	}
	return []string{up, "N", "M", "T"}
}

// showDim writes a size: a number or its name.
func showDim(d expr.Dim) string {
	if d.N > 0 {
		return fmt.Sprint(d.N)
	}
	return d.Sym
}
