package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/nabla-math/nabla"
)

// result is what one command computes: an expression, or the blocks of
// a derivative with respect to variables of different shapes, with what
// the command adds to them. Every command and every format goes through
// it.
type result struct {
	Input string
	Wrt   string
	Order *int
	Chain *chainSteps
	// Parts are the result itself, one part without a label, or its
	// blocks, each with its label.
	Parts []part
	// Flat is the value of the blocks laid out flat (--flat).
	Flat *value
	// Convention states the convention of a derivative with respect to
	// a symmetric matrix.
	Convention string
	// Notes are what the command noticed about the input.
	Notes []string
}

// part is one expression of a result.
type part struct {
	Label string     // "∂f/∂x" for a block; "" for a whole result
	Key   string     // the block's key in JSON: "x", or "x,y" for a Hessian block
	Expr  nabla.Expr // the expression; a tensor derivative's differential
	// Sums, where set, is the expression in place of Expr: one with
	// indexed sums.
	Sums *nabla.Indexed
	// Prefix is written before the text of Expr: "df = " for a
	// differential.
	Prefix string
	Shape  []any
	// Index is a tensor derivative's entries in index notation, in text
	// and in LaTeX.
	Index, IndexLaTeX string
	Value             *value
}

// whole returns the result of one expression.
func whole(input string, e nabla.Expr) *result {
	return &result{Input: input, Parts: []part{{Expr: e, Shape: shapeOf(e)}}}
}

// chainSteps are the factors of the chain rule, df/dt = ∂f/∂x · ∂x/∂t.
type chainSteps struct {
	Inner   string      `json:"inner"`
	DfDx    string      `json:"df_dx,omitempty"`
	DxDt    string      `json:"dx_dt,omitempty"`
	Links   []chainLink `json:"links,omitempty"`
	Product string      `json:"product"`

	names [2]string // the names of DfDx and DxDt: ∂f/∂(x, y), ∂(x, y)/∂(u, v)
	tex   []string  // the factors and their product in LaTeX, a line each
}

// chainLink is one factor of a chain through vectors and matrices,
// ∂of/∂wrt with its shape.
type chainLink struct {
	Of         string `json:"of"`
	Wrt        string `json:"wrt"`
	Derivative string `json:"derivative"`
	Shape      []any  `json:"shape"`
}

// text writes the factors, one a line, each with its shape, then their
// product.
func (c *chainSteps) text() string {
	var b strings.Builder
	if len(c.Links) == 0 {
		dfdx, dxdt := c.names[0], c.names[1]
		fmt.Fprintf(&b, "%s = %s\n%s = %s\n%s %s = %s\n", dfdx, c.DfDx, dxdt, c.DxDt, dfdx, dxdt, c.Product)
		return b.String()
	}
	var names []string
	for _, l := range c.Links {
		fmt.Fprintf(&b, "∂%s/∂%s = %s  %s\n", l.Of, l.Wrt, l.Derivative, shapeText(l.Shape))
		names = append(names, fmt.Sprintf("∂%s/∂%s", l.Of, l.Wrt))
	}
	fmt.Fprintf(&b, "%s = %s\n", strings.Join(names, " "), c.Product)
	return b.String()
}

// shapeText writes a shape as the notes do: ∈ ℝ^(1×N), or a scalar.
func shapeText(dims []any) string {
	if len(dims) == 0 {
		return "(a scalar)"
	}
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = fmt.Sprint(d)
	}
	if len(parts) == 1 {
		parts = append(parts, "1") // a column
	}
	return "∈ ℝ^(" + strings.Join(parts, "×") + ")"
}

// mode is where a result goes: alone, as one line of a batch, or as a
// value only (eval).
type mode uint8

const (
	alone mode = iota
	batchLine
	valueOnly
)

// outputFormat writes results in one format.
type outputFormat struct {
	name  string
	write func(w io.Writer, r *result, m mode) error
}

// formats are the output formats of --format.
var formats = []outputFormat{
	{"text", writeText},
	{"latex", writeLaTeX},
	{"json", writeJSON},
}

func formatNames() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return names
}

func (a *app) checkFormat() error {
	if a.outputFormat() == nil {
		names := formatNames()
		return usagef("unknown format %q: choose %s or %s", a.format, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	}
	return nil
}

func (a *app) outputFormat() *outputFormat {
	for i := range formats {
		if formats[i].name == a.format {
			return &formats[i]
		}
	}
	return nil
}

// print writes r in the format of --format, and its notes on standard
// error.
func (a *app) print(r *result, m mode) error {
	a.printNotes(r.Notes)
	return a.outputFormat().write(a.stdout, r, m)
}

// printNotes writes notes on standard error, each as "nabla: note: …".
func (a *app) printNotes(notes []string) {
	for _, n := range notes {
		fmt.Fprintf(a.stderr, "nabla: note: %s\n", n)
	}
}

// text renders the part as nabla's syntax, within the limits.
func (p *part) text() (string, error) {
	if p.Sums != nil {
		return p.Prefix + p.Sums.String(), nil
	}
	if p.Expr.Nodes() > nabla.MaxNodes {
		return "", nabla.ErrTooLarge
	}
	// Too long written out, a result comes with its repeated parts named.
	s, err := p.Expr.TextShared(nabla.MaxPrint)
	return p.Prefix + s, err
}

func (p *part) latex() (string, error) {
	if p.Sums != nil {
		return p.Sums.LaTeX(), nil
	}
	if p.Expr.Nodes() > nabla.MaxNodes {
		return "", nabla.ErrTooLarge
	}
	s, err := p.Expr.LaTeXShared(nabla.MaxPrint)
	return prefixTeX(p.Prefix) + s, err
}

// prefixTeX spells a part's prefix in LaTeX: "df = " is \mathrm{d}f = ,
// "d(∂f/∂X) = " the differential of a gradient.
func prefixTeX(prefix string) string {
	if prefix == "" {
		return ""
	}
	in, ok := strings.CutPrefix(strings.TrimSuffix(prefix, " = "), "d")
	if inner, isGrad := strings.CutPrefix(in, "(∂f/∂"); isGrad {
		in = `\left(\frac{\partial f}{\partial ` + nameTeX(strings.TrimSuffix(inner, ")")) + `}\right)`
	} else {
		in = nameTeX(in)
	}
	if !ok {
		return prefix
	}
	return `\mathrm{d}` + in + " = "
}

// labelled writes a block's label before s: "∂f/∂x = s".
func (p *part) labelled(s string) string {
	if p.Label == "" {
		return s
	}
	if p.Prefix != "" {
		return p.Label + ": " + s // ∂f/∂A: df = dA x
	}
	return p.Label + " = " + s
}

// writeText writes the result (the chain rule's factors before it, a
// tensor's index form after it), then its value: on the next line, or
// after a tab in a batch. Blocks come one a line, then their values, one
// a line, then the flat value.
func writeText(w io.Writer, r *result, m mode) error {
	return writeLines(w, r, m, true, func(p *part) (string, error) {
		s, err := p.text()
		return p.labelled(s), err
	})
}

// writeLaTeX writes the result as LaTeX, then its value as text.
func writeLaTeX(w io.Writer, r *result, m mode) error {
	return writeLines(w, r, m, false, func(p *part) (string, error) {
		s, err := p.latex()
		switch {
		case err != nil || p.Label == "":
			return s, err
		case p.Prefix != "":
			return labelTeX(p.Label) + ` \colon ` + s, nil // as ∂f/∂A: df = dA x
		}
		return labelTeX(p.Label) + " = " + s, nil
	})
}

// labelTeX spells a block's label in LaTeX.
func labelTeX(label string) string {
	num, den, _ := strings.Cut(label, "/")
	return `\frac{` + strings.ReplaceAll(strings.ReplaceAll(num, "∂²", `\partial^{2} `), "∂", `\partial `) + `}{` +
		strings.ReplaceAll(strings.ReplaceAll(den, "²", "^{2}"), "∂", `\partial `) + `}`
}

// writeLines writes a result in text or LaTeX, render giving each part;
// index forms go with the text.
func writeLines(w io.Writer, r *result, m mode, text bool, render func(*part) (string, error)) error {
	var b strings.Builder
	if m == valueOnly {
		b.WriteString(r.Parts[0].Value.String() + "\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	if c := r.Chain; c != nil && m == alone {
		if text {
			b.WriteString(c.text())
		} else {
			b.WriteString(strings.Join(c.tex, "\n") + "\n")
		}
	}
	for i := range r.Parts {
		p := &r.Parts[i]
		s, err := render(p)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s)
		switch {
		case m != alone:
		case text && p.Index != "":
			b.WriteString("\n" + p.Index)
		case !text && p.IndexLaTeX != "":
			b.WriteString("\n" + p.IndexLaTeX)
		}
	}
	switch {
	case len(r.Parts) == 1 && r.Parts[0].Value != nil && m == batchLine:
		b.WriteString("\t" + r.Parts[0].Value.String())
	case m == batchLine:
	default:
		for i := range r.Parts {
			if p := &r.Parts[i]; p.Value != nil {
				b.WriteString("\n" + p.labelled(p.Value.String()))
			}
		}
		if r.Flat != nil {
			b.WriteString("\n" + r.Flat.String())
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonPart is a part as JSON.
type jsonPart struct {
	Result string `json:"result"`
	LaTeX  string `json:"latex"`
	Shape  []any  `json:"shape"`
	Index  string `json:"index,omitempty"`
	// IndexLaTeX is Index in LaTeX.
	IndexLaTeX string `json:"index_latex,omitempty"`
	Value      *value `json:"value,omitempty"`
}

func (p *part) json() (jsonPart, error) {
	text, err := p.text()
	if err != nil {
		return jsonPart{}, err
	}
	latex, err := p.latex()
	if err != nil {
		return jsonPart{}, err
	}
	return jsonPart{text, latex, p.Shape, p.Index, p.IndexLaTeX, p.Value}, nil
}

// blocks is the JSON object of a result's blocks, keyed by variable in
// the order of --wrt.
type blocks struct {
	keys  []string
	parts []jsonPart
}

// MarshalJSON writes the object with its keys in order.
func (o blocks) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := marshal(k)
		if err != nil {
			return nil, err
		}
		val, err := marshal(o.parts[i])
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeJSON writes the result as one JSON object on one line: its fields
// for a whole result, an object of blocks keyed by variable otherwise.
func writeJSON(w io.Writer, r *result, m mode) error {
	type whole struct {
		Input string `json:"input"`
		Wrt   string `json:"wrt,omitempty"`
		Order *int   `json:"order,omitempty"`
		jsonPart
		Chain      *chainSteps `json:"chain,omitempty"`
		Convention string      `json:"convention,omitempty"`
		Notes      []string    `json:"notes,omitempty"`
	}
	var v any
	if len(r.Parts) == 1 && r.Parts[0].Label == "" {
		p, err := r.Parts[0].json()
		if err != nil {
			return err
		}
		v = whole{r.Input, r.Wrt, r.Order, p, r.Chain, r.Convention, r.Notes}
	} else {
		var o blocks
		for i := range r.Parts {
			p, err := r.Parts[i].json()
			if err != nil {
				return err
			}
			o.keys = append(o.keys, r.Parts[i].Key)
			o.parts = append(o.parts, p)
		}
		v = struct {
			Input      string   `json:"input"`
			Wrt        string   `json:"wrt,omitempty"`
			Blocks     blocks   `json:"blocks"`
			Value      *value   `json:"value,omitempty"`
			Convention string   `json:"convention,omitempty"`
			Notes      []string `json:"notes,omitempty"`
		}{r.Input, r.Wrt, o, r.Flat, r.Convention, r.Notes}
	}
	b, err := marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// marshal encodes v as one line of JSON, leaving &, < and > as they are:
// LaTeX matrices are full of &.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// shapeOf lists e's dimensions: numbers, or names for symbolic sizes.
func shapeOf(e nabla.Expr) []any {
	out := []any{}
	for _, d := range e.Dims() {
		if k, err := strconv.Atoi(d); err == nil {
			out = append(out, k)
		} else {
			out = append(out, d)
		}
	}
	return out
}

func shapeOfTensor(t nabla.Tensor) []any {
	out := []any{}
	for _, d := range t.Shape {
		out = append(out, d)
	}
	return out
}

// value is a computed value: a number, or nested lists in the shape of a
// vector or matrix, in text as in JSON.
type value struct{ t nabla.Tensor }

// String prints the value as a number or nested lists.
func (v *value) String() string {
	var b strings.Builder
	v.write(&b, 0, 0)
	return b.String()
}

// write prints the sub-tensor of dimension dim starting at offset off.
func (v *value) write(b *strings.Builder, dim, off int) {
	if dim == len(v.t.Shape) {
		b.WriteString(formatFloat(v.t.Data[off]))
		return
	}
	stride := 1
	for _, d := range v.t.Shape[dim+1:] {
		stride *= d
	}
	b.WriteByte('[')
	for i := 0; i < v.t.Shape[dim]; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		v.write(b, dim+1, off+i*stride)
	}
	b.WriteByte(']')
}

// MarshalJSON writes the value as a number or nested lists.
func (v *value) MarshalJSON() ([]byte, error) {
	return []byte(strings.ReplaceAll(v.String(), " ", "")), nil
}

// signless returns a copy of v with its negative zeros made 0, for
// printing: -0 and 0 are one number.
func signless(v []float64) []float64 {
	out := slices.Clone(v)
	for i, x := range out {
		if x == 0 {
			out[i] = 0
		}
	}
	return out
}

// formatFloat writes x in the fewest digits that read back to it; the
// zero of either sign is 0.
func formatFloat(x float64) string {
	if x == 0 {
		return "0" // not -0, which a product of rounded terms may leave
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// printJSON writes v, the report of a command, as indented JSON.
func (a *app) printJSON(v any) error {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s\n", out)
	return nil
}
