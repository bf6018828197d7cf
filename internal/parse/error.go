package parse

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a parse or shape error at a position of the input.
type Error struct {
	Src    string // the whole input
	Offset int    // byte offset of the error in Src
	Line   int    // 1-based line, counted from Options.Line
	Col    int    // 1-based column in characters
	Msg    string // what was wrong and what was expected
}

// Error returns the one-line form "line:col: message".
func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
}

// Caret returns the offending line of the input with a caret under the
// error position, each line indented by two spaces.
func (e *Error) Caret() string {
	start := strings.LastIndexByte(e.Src[:e.Offset], '\n') + 1
	end := strings.IndexByte(e.Src[e.Offset:], '\n')
	if end < 0 {
		end = len(e.Src)
	} else {
		end += e.Offset
	}
	line := e.Src[start:end]
	col := utf8.RuneCountInString(e.Src[start:e.Offset])
	const maxShown = 72
	if n := utf8.RuneCountInString(line); n > maxShown {
		// Show a window around the error position.
		runes := []rune(line)
		from := max(0, col-maxShown/2)
		to := min(len(runes), from+maxShown)
		prefix, suffix := "", ""
		if from > 0 {
			prefix = "…"
		}
		if to < len(runes) {
			suffix = "…"
		}
		line = prefix + string(runes[from:to]) + suffix
		col = col - from + utf8.RuneCountInString(prefix)
	}
	line = strings.ReplaceAll(line, "\t", " ")
	return "  " + line + "\n  " + strings.Repeat(" ", col) + "^"
}

// errorAt builds an Error at byte offset off of src.
func errorAt(src string, off, firstLine int, format string, args ...any) *Error {
	off = min(max(off, 0), len(src))
	line := firstLine + strings.Count(src[:off], "\n")
	start := strings.LastIndexByte(src[:off], '\n') + 1
	col := utf8.RuneCountInString(src[start:off]) + 1
	return &Error{Src: src, Offset: off, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}
