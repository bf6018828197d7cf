package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nabla-math/nabla"
)

// result is what one command computes: an expression, with what the
// command adds to it. Every command and every format goes through it.
type result struct {
	Input string
	Wrt   string
	Order *int
	Expr  nabla.Expr // the result; a tensor derivative's differential
	// Label is written before the text of Expr: "df = " for a
	// differential.
	Label string
	Shape []any
	Index string
	Value *value
	Chain *chainSteps
}

// chainSteps are the factors of the chain rule, df/dt = ∂f/∂x · ∂x/∂t.
type chainSteps struct {
	Inner   string `json:"inner"`
	DfDx    string `json:"df_dx"`
	DxDt    string `json:"dx_dt"`
	Product string `json:"product"`
}

// mode is where a result goes: alone, as one line of a batch, or as a
// value only (eval).
type mode uint8

const (
	single mode = iota
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

// print writes r in the format of --format.
func (a *app) print(r *result, m mode) error {
	return a.outputFormat().write(a.stdout, r, m)
}

// text renders the result as nabla's syntax, within the limits.
func (r *result) text() (string, error) {
	if r.Expr.Nodes() > nabla.MaxNodes {
		return "", nabla.ErrTooLarge
	}
	s := r.Expr.String()
	if len(s) > nabla.MaxPrint {
		return "", nabla.ErrTooLarge
	}
	return r.Label + s, nil
}

func (r *result) latex() (string, error) {
	if r.Expr.Nodes() > nabla.MaxNodes {
		return "", nabla.ErrTooLarge
	}
	return r.Expr.LaTeX(), nil
}

// writeText writes the result, the chain rule's factors before it and a
// tensor's index form after it, and the value on the next line (after a
// tab in a batch).
func writeText(w io.Writer, r *result, m mode) error {
	if m == valueOnly {
		_, err := fmt.Fprintln(w, r.Value)
		return err
	}
	s, err := r.text()
	if err != nil {
		return err
	}
	var b strings.Builder
	if c := r.Chain; c != nil && m == single {
		fmt.Fprintf(&b, "∂f/∂x = %s\n∂x/∂t = %s\n∂f/∂x ∂x/∂t = %s\n", c.DfDx, c.DxDt, c.Product)
	}
	b.WriteString(s)
	if r.Index != "" && m == single {
		b.WriteString("\n" + r.Index)
	}
	writeValue(&b, r, m)
	_, err = io.WriteString(w, b.String())
	return err
}

// writeLaTeX writes the result as LaTeX and the value as text.
func writeLaTeX(w io.Writer, r *result, m mode) error {
	if m == valueOnly {
		return writeText(w, r, m)
	}
	s, err := r.latex()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(s)
	writeValue(&b, r, m)
	_, err = io.WriteString(w, b.String())
	return err
}

func writeValue(b *strings.Builder, r *result, m mode) {
	switch {
	case r.Value == nil:
		b.WriteString("\n")
	case m == batchLine:
		b.WriteString("\t" + r.Value.String() + "\n")
	default:
		b.WriteString("\n" + r.Value.String() + "\n")
	}
}

// writeJSON writes the result as one JSON object on one line.
func writeJSON(w io.Writer, r *result, m mode) error {
	text, err := r.text()
	if err != nil {
		return err
	}
	latex, err := r.latex()
	if err != nil {
		return err
	}
	b, err := marshal(struct {
		Input  string      `json:"input"`
		Wrt    string      `json:"wrt,omitempty"`
		Order  *int        `json:"order,omitempty"`
		Result string      `json:"result"`
		LaTeX  string      `json:"latex"`
		Shape  []any       `json:"shape"`
		Index  string      `json:"index,omitempty"`
		Value  *value      `json:"value,omitempty"`
		Chain  *chainSteps `json:"chain,omitempty"`
	}{r.Input, r.Wrt, r.Order, text, latex, r.Shape, r.Index, r.Value, r.Chain})
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

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
