package parse

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nabla-math/nabla/internal/expr"
)

// The declared functions (Options.Functions) are read by their names:
//
//	f(x), f(x, y)                    the function applied
//	f'(x), f''(x), f'''(x), f^(4)(x) derivatives of a function of one argument
//	∂₁f(x, y), ∂₁₂f(x, y)            partial derivatives, in the first argument, in both
//	∂_1 f(x, y), f_1(x, y), f_12(x, y) the same in ASCII
//
// Each digit numbers an argument the function is differentiated in once,
// so ∂₁₁f is the second derivative in the first argument; partial
// derivatives commute (∂₁₂f is ∂₂₁f).

// arity is the number of arguments a declared function takes, and where
// it was first applied.
type arity struct {
	n, pos int
}

// declaredFunc reads the application of the declared function spelt t,
// whose name is the token just read: its derivative marks, primes or an
// order in parentheses, then its arguments. idx, from ∂₁₂f or f_12,
// numbers the arguments (from 1) the function is differentiated in, and
// idxPos is where they are written.
func (p *parser) declaredFunc(t token, idx []int, idxPos int) *expr.Node {
	name := t.text
	primes, primesPos := 0, -1
	switch {
	case p.is("'") && !p.tok.sp:
		primesPos = p.tok.pos
		for p.is("'") && !p.tok.sp {
			primes++
			p.advance()
		}
	case p.isAny(powOps...) && !p.tok.sp && p.peekOrder():
		primesPos = p.tok.pos
		p.advance() // ^
		p.advance() // (
		k, err := strconv.Atoi(p.tok.text)
		if err != nil || k > math.MaxInt32 {
			p.fail(p.tok.pos, "the order %s of the derivative of %s is too large", p.tok.text, name)
		}
		primes = k
		p.advance()
		p.advance() // )
	}
	if primesPos >= 0 && idx != nil {
		p.fail(primesPos, "a partial derivative is marked once: write ∂₁%s(…) or %s'(…), not both", name, name)
	}
	if !p.is("(") {
		p.fail(t.pos, "%s is an abstract function: apply it to its arguments, as in %s(x)", name, name)
	}
	open := p.tok
	p.enter()
	p.advance()
	if p.is(")") {
		p.fail(p.tok.pos, "%s needs arguments: %s(x)", name, name)
	}
	args := []*expr.Node{p.sum()}
	for p.is(",") {
		p.advance()
		args = append(args, p.sum())
	}
	p.expectClose(open, ")")
	p.leave()
	n := len(args)
	if n > expr.MaxApplyArgs {
		p.fail(t.pos, "%s has %d arguments: an abstract function takes at most %d", name, n, expr.MaxApplyArgs)
	}
	if first, ok := p.arities[name]; ok && first.n != n {
		line, col := p.position(first.pos)
		p.fail(t.pos, "%s takes %s at %d:%d but %d here: a function takes as many arguments wherever it is applied", name, plural(first.n, "argument"), line, col, n)
	} else if !ok {
		if p.arities == nil {
			p.arities = map[string]arity{}
		}
		p.arities[name] = arity{n, t.pos}
	}
	var orders []int
	switch {
	case primes > 0 && n > 1:
		p.fail(primesPos, "%s takes %d arguments, so its derivatives are partial: write ∂₁%s(…) (or %s_1(…)) for the derivative in the first", name, n, name, name)
	case primes > 0:
		orders = []int{primes}
	case idx != nil:
		orders = make([]int, n)
		for _, i := range idx {
			if i < 1 || i > n {
				p.fail(idxPos, "%s has no argument %d: it takes %s", name, i, plural(n, "argument"))
			}
			orders[i-1]++
		}
	}
	info := &expr.Ops[expr.OpApply]
	f := expr.Func{Name: name, Arity: n, Shape: info.Shape, Check: info.Check,
		Build: func(a []*expr.Node) *expr.Node { return expr.NewApply(name, orders, a...) }}
	return p.apply(f, args, t.pos)
}

// peekOrder reports whether the '^' at hand opens the order of a
// derivative, ^(4), written before the arguments: '(' and a whole number,
// ')' and '('.
func (p *parser) peekOrder() bool {
	l := p.lex
	for _, want := range []string{"(", "", ")", "("} {
		t := l.next()
		switch {
		case want == "" && (t.kind != tNumber || strings.ContainsAny(t.text, ".eE")):
			return false
		case want != "" && (t.kind != tOp || t.text != want):
			return false
		}
	}
	return true
}

// partial reads a partial derivative of a declared function written with
// ∂ and the numbers of the arguments as a subscript: ∂₁f(x, y),
// ∂₁₂f(x, y), ∂_12 f(x, y).
func (p *parser) partial() *expr.Node {
	d := p.tok
	p.advance()
	var digits string
	var fn token
	switch t := p.tok; {
	case t.kind == tSub && !t.sp:
		digits = t.text
		p.advance()
	case t.kind == tName && !t.sp && strings.HasPrefix(t.text, "_"):
		rest := t.text[1:]
		j := 0
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		digits = rest[:j]
		if j < len(rest) {
			// ∂_1f: the function's name is the rest of the token.
			fn = token{kind: tName, text: rest[j:], pos: t.pos + 1 + j, end: t.end}
		}
		p.advance()
	}
	if digits == "" {
		p.fail(d.pos, "write a partial derivative of an abstract function with the numbers of its arguments: ∂₁f(x, y), ∂₁₂f(x, y) or ∂_1 f(x, y)")
	}
	if fn.kind != tName {
		if p.tok.kind != tName {
			p.fail(p.tok.pos, "expected an abstract function after ∂%s, found %s", subscript(digits), describe(p.tok))
		}
		fn = p.tok
		p.advance()
	}
	if !p.opts.Functions[fn.text] {
		p.fail(fn.pos, "∂%s applies to an abstract function, and %s is not one: declare it (--function %s)", subscript(digits), fn.text, fn.text)
	}
	idx := make([]int, len(digits))
	for i := range digits {
		idx[i] = int(digits[i] - '0')
	}
	return p.declaredFunc(fn, idx, d.pos)
}

// subscripted splits name, such as f_12, into a declared function f and
// the numbers of the arguments it is differentiated in, [1, 2]: the
// ASCII spelling of ∂₁₂f.
func (p *parser) subscripted(name string) (stem string, idx []int, ok bool) {
	i := strings.LastIndexByte(name, '_')
	if i <= 0 || i == len(name)-1 || !p.opts.Functions[name[:i]] {
		return "", nil, false
	}
	for _, c := range []byte(name[i+1:]) {
		if !isDigit(c) {
			return "", nil, false
		}
		idx = append(idx, int(c-'0'))
	}
	return name[:i], idx, true
}

// callFollows reports whether the token after the current one is '('
// with no space before it.
func (p *parser) callFollows() bool {
	l := p.lex
	t := l.next()
	return t.kind == tOp && t.text == "(" && !t.sp
}

// checkFunctions refuses a name declared both a function and a variable.
func checkFunctions(src string, opts *Options) error {
	if len(opts.Functions) == 0 || len(opts.Vars) == 0 {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(opts.Functions)) {
		if _, ok := opts.Vars[name]; ok {
			return errorAt(src, 0, max(opts.Line, 1), "%s is declared both a function and a variable", name)
		}
	}
	return nil
}

// subscript writes the digits ds as Unicode subscripts: "12" is "₁₂".
func subscript(ds string) string {
	var b strings.Builder
	for _, c := range []byte(ds) {
		b.WriteRune('₀' + rune(c-'0'))
	}
	return b.String()
}

// plural spells k things: "1 argument", "2 arguments".
func plural(k int, thing string) string {
	if k == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", k, thing)
}
