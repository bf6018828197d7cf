package parse

import (
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF    tokKind = iota
	tNumber         // 2, 0.5, .5, 1e-3
	tName           // x, theta, x_1, θ
	tOp             // + - * / ^ ** ' ᵀ ( ) [ ] , = .* ./ .^ ⊙ ∘ ⊗ | ‖ ∞ < > ⟨ ⟩ ∂
	tSub            // subscript digits: ₂ (text "2")
	tSup            // superscript digits, perhaps negative: ² (text "2"), ⁻¹ ("-1")
	tError          // a lexical error; text holds the message
)

type token struct {
	kind tokKind
	text string
	pos  int  // byte offset
	end  int  // byte offset after the token
	sp   bool // preceded by white space
}

// lexer splits the input into tokens.
type lexer struct {
	src string
	pos int
}

func isNameStart(r rune) bool {
	return r == '_' || (unicode.IsLetter(r) && r != 'ᵀ')
}

func isNameRune(r rune) bool {
	return isNameStart(r) || unicode.IsDigit(r)
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// next returns the next token.
func (l *lexer) next() token {
	start := l.pos
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		l.pos += size
	}
	sp := l.pos > start
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: l.pos, end: l.pos, sp: sp}
	}
	pos := l.pos
	tok := func(kind tokKind, end int) token {
		l.pos = end
		return token{kind: kind, text: l.src[pos:end], pos: pos, end: end, sp: sp}
	}
	c := l.src[pos]
	if isDigit(c) || (c == '.' && pos+1 < len(l.src) && isDigit(l.src[pos+1])) {
		return l.number(pos, sp)
	}
	r, size := utf8.DecodeRuneInString(l.src[pos:])
	if r == utf8.RuneError && size <= 1 {
		l.pos = pos + 1
		return token{kind: tError, text: "invalid UTF-8 encoding", pos: pos, end: pos + 1, sp: sp}
	}
	if isNameStart(r) {
		end := pos + size
		for end < len(l.src) {
			r, size := utf8.DecodeRuneInString(l.src[end:])
			if !isNameRune(r) {
				break
			}
			end += size
		}
		return tok(tName, end)
	}
	switch c {
	case '*':
		if pos+1 < len(l.src) && l.src[pos+1] == '*' {
			return tok(tOp, pos+2)
		}
		return tok(tOp, pos+1)
	case '.':
		if pos+1 < len(l.src) {
			switch l.src[pos+1] {
			case '*', '/', '^':
				return tok(tOp, pos+2)
			}
		}
		l.pos = pos + 1
		return token{kind: tError, text: "unexpected '.'", pos: pos, end: pos + 1, sp: sp}
	case '+', '-', '/', '^', '\'', '(', ')', '[', ']', ',', '=', '|', '<', '>':
		return tok(tOp, pos+1)
	}
	switch r {
	case 'ᵀ', '⊙', '∘', '⊗', '·', '×', '−', '‖', '∞', '⟨', '⟩', '∂':
		return tok(tOp, pos+size)
	}
	if _, ok := subscripts[r]; ok {
		return l.script(pos, sp, tSub, subscripts)
	}
	if _, ok := superscripts[r]; ok {
		return l.script(pos, sp, tSup, superscripts)
	}
	l.pos = pos + size
	return token{kind: tError, text: "unexpected character " + quoteRune(r), pos: pos, end: pos + size, sp: sp}
}

// subscripts and superscripts map the Unicode script digits (and the
// superscript minus) to ASCII.
var (
	subscripts = map[rune]byte{
		'₀': '0', '₁': '1', '₂': '2', '₃': '3', '₄': '4', '₅': '5', '₆': '6', '₇': '7', '₈': '8', '₉': '9',
	}
	superscripts = map[rune]byte{
		'⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁻': '-',
	}
)

// script scans a run of script characters into a token whose text is
// their ASCII spelling.
func (l *lexer) script(pos int, sp bool, kind tokKind, digits map[rune]byte) token {
	var text []byte
	end := pos
	for end < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[end:])
		c, ok := digits[r]
		if !ok {
			break
		}
		text = append(text, c)
		end += size
	}
	l.pos = end
	return token{kind: kind, text: string(text), pos: pos, end: end, sp: sp}
}

func quoteRune(r rune) string {
	if unicode.IsPrint(r) {
		return "'" + string(r) + "'"
	}
	return "U+" + hex4(r)
}

func hex4(r rune) string {
	const digits = "0123456789ABCDEF"
	b := []byte{}
	for i := 12; i >= 0; i -= 4 {
		b = append(b, digits[(r>>uint(i))&0xF])
	}
	return string(b)
}

// number scans a numeric literal: digits, an optional fraction and an
// optional exponent. A second point or a point with no digits after it is
// an error rather than the start of another token.
func (l *lexer) number(pos int, sp bool) token {
	s := l.src
	i := pos
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' && i+1 < len(s) && isDigit(s[i+1]) {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	if i < len(s) && s[i] == '.' && !(i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '/' || s[i+1] == '^')) {
		// "3..4", "1.2.3" or "3." : a malformed literal.
		j := i
		for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
			j++
		}
		l.pos = j
		return token{kind: tError, text: "malformed number '" + s[pos:j] + "'", pos: pos, end: j, sp: sp}
	}
	l.pos = i
	return token{kind: tNumber, text: s[pos:i], pos: pos, end: i, sp: sp}
}
