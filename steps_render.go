package nabla

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
)

// Text writes the derivation as text: its title, the steps numbered, one
// rule to a paragraph, and the result.
func (d *Derivation) Text() string {
	var b strings.Builder
	b.WriteString(d.Title.Text + "\n")
	d.writeText(&b)
	fmt.Fprintf(&b, "\n%s = %s%s\n", d.Name.Text, d.Result, shapeText(d.Shape))
	return b.String()
}

// writeText writes d's parts and steps. A part whose title repeats d's
// (the one partial derivative of a gradient over one variable) is written
// without a heading of its own.
func (d *Derivation) writeText(b *strings.Builder) {
	for _, p := range d.Parts {
		if p.Title != d.Title {
			fmt.Fprintf(b, "\n%s:\n", p.Title.Text)
		}
		p.writeText(b)
	}
	if len(d.Steps) > 0 {
		b.WriteString("\n")
	}
	for i := range d.Steps {
		d.Steps[i].writeText(b)
	}
}

// shapeText writes "  ∈ ℝ^(1×2)" for a shape, "" for none.
func shapeText(shape string) string {
	if shape == "" {
		return ""
	}
	return "  ∈ ℝ^(" + shape + ")"
}

// shapeTeX writes \in \mathbf{R}^{1 \times 2} for a shape.
func shapeTeX(shape string) string {
	if shape == "" {
		return ""
	}
	return ` \in \mathbf{R}^{` + strings.ReplaceAll(shape, "×", ` \times `) + `}`
}

func (s *DerivationStep) writeText(b *strings.Builder) {
	fmt.Fprintf(b, "%d. %s", s.N, s.Rule)
	switch {
	case !s.Formula.IsZero():
		b.WriteString(": " + s.Formula.Text)
	case !s.Note.IsZero():
		b.WriteString(": " + s.Note.Text)
	}
	b.WriteString("\n")
	if len(s.Let) > 0 {
		parts := make([]string, len(s.Let))
		for i, l := range s.Let {
			parts[i] = l.Name.Text + " = " + l.Expr.String()
		}
		b.WriteString("   let " + strings.Join(parts, ", ") + "\n")
	}
	if len(s.Uses) > 0 {
		parts := make([]string, len(s.Uses))
		for i, u := range s.Uses {
			parts[i] = u.Name.Text + " = " + u.Deriv.String() + shapeText(u.Shape) + u.source()
		}
		b.WriteString("   " + strings.Join(parts, ", ") + "\n")
	}
	if !s.Formula.IsZero() && !s.Note.IsZero() {
		b.WriteString("   " + s.Note.Text + "\n")
	}
	if s.Ref > 0 {
		fmt.Fprintf(b, "   as in step %d\n", s.Ref)
	}
	if eq := s.equation(); eq != "" {
		b.WriteString("   " + eq + "\n")
	}
}

// source says where a use comes from: " (step 3)", " (power rule)".
func (u *Use) source() string {
	switch {
	case u.Step > 0:
		return fmt.Sprintf(" (step %d)", u.Step)
	case u.Rule != "":
		return " (" + u.Rule + ")"
	}
	return ""
}

// equation writes the step's equation in text: left = applied = gives.
func (s *DerivationStep) equation() string {
	var sides []string
	lim := ""
	if s.Limit != "" {
		lim = "lim_(" + s.Limit + "→0) "
	}
	if s.Applied != nil {
		a := s.Applied.text()
		if lim != "" && s.Applied.isSum() {
			a = "(" + a + ")"
		}
		sides = append(sides, lim+a)
	}
	if s.Index != nil {
		sides = append(sides, s.Index.Text())
	}
	if s.Gives.present() {
		g := lim + s.Gives.String()
		if lim != "" && s.Gives.n != nil && s.Gives.n.Op() == expr.OpAdd {
			g = lim + "(" + s.Gives.String() + ")"
		}
		if len(sides) == 0 || sides[len(sides)-1] != g {
			sides = append(sides, g)
		}
	}
	if len(sides) == 0 {
		return ""
	}
	eq := strings.Join(sides, " = ") + shapeText(s.Shape)
	if s.Left.IsZero() {
		return "= " + eq
	}
	return s.Left.Text + " = " + eq
}

// equationTeX is equation in LaTeX.
func (s *DerivationStep) equationTeX() string {
	var sides []string
	lim := ""
	if s.Limit != "" {
		lim = `\lim_{` + texName(s.Limit) + ` \to 0} `
	}
	if s.Applied != nil {
		a := s.Applied.latex()
		if lim != "" && s.Applied.isSum() {
			a = `\left(` + a + `\right)`
		}
		sides = append(sides, lim+a)
	}
	if s.Index != nil {
		sides = append(sides, s.Index.LaTeX())
	}
	if s.Gives.present() {
		g := s.Gives.LaTeX()
		if lim != "" {
			g = lim + `\left(` + g + `\right)`
		}
		if len(sides) == 0 || sides[len(sides)-1] != g {
			sides = append(sides, g)
		}
	}
	if len(sides) == 0 {
		return ""
	}
	eq := strings.Join(sides, " = ") + shapeTeX(s.Shape)
	if s.Left.IsZero() {
		return "= " + eq
	}
	return s.Left.LaTeX + " = " + eq
}

// isSum reports whether the form, written out, is a sum at its top.
func (f *Form) isSum() bool {
	if f.Over.n != nil || f.Scale.n != nil {
		return false
	}
	return len(f.Terms) > 1 || len(f.Terms) == 1 && len(f.Terms[0].Factors) == 1 && f.Terms[0].Factors[0].n.Op() == expr.OpAdd
}

// text writes the form: factors apart by " · ", over its denominator.
func (f *Form) text() string { return f.write(false) }

// latex writes the form in LaTeX.
func (f *Form) latex() string { return f.write(true) }

// write writes the form in text or in LaTeX.
func (f *Form) write(tex bool) string {
	show, dot, opening, closing := Expr.String, " · ", "(", ")"
	if tex {
		show, dot, opening, closing = Expr.LaTeX, ` \cdot `, `\left(`, `\right)`
	}
	wrap := func(e Expr) string {
		s := show(e)
		if e.n.Op() == expr.OpAdd || strings.HasPrefix(s, "-") {
			return opening + s + closing
		}
		return s
	}
	var b strings.Builder
	for i, t := range f.Terms {
		var s string
		if len(t.Factors) == 1 {
			s = show(t.Factors[0])
			if t.Factors[0].n.Op() == expr.OpAdd && (t.Neg || i > 0) {
				s = opening + s + closing
			}
		} else {
			parts := make([]string, len(t.Factors))
			for j, x := range t.Factors {
				parts[j] = wrap(x)
				if j == 0 && x.n.Op() != expr.OpAdd {
					parts[j] = show(x)
				}
			}
			s = strings.Join(parts, dot)
		}
		neg := t.Neg
		if rest, ok := strings.CutPrefix(s, "-"); ok {
			s, neg = rest, !neg
		}
		switch {
		case i == 0 && neg:
			b.WriteString("-" + s)
		case i == 0:
			b.WriteString(s)
		case neg:
			b.WriteString(" - " + s)
		default:
			b.WriteString(" + " + s)
		}
	}
	out := b.String()
	if len(f.Terms) == 0 {
		out = "0"
	}
	several := len(f.Terms) > 1
	compound := false
	if len(f.Terms) == 1 {
		t := f.Terms[0]
		op := t.Factors[0].n.Op()
		compound = len(t.Factors) > 1 || op == expr.OpAdd || op == expr.OpMul && strings.ContainsAny(out, " /")
	}
	if f.Scale.n != nil {
		inner := out
		if several || strings.HasPrefix(out, "-") {
			inner = opening + out + closing
		}
		if f.Scale.n.IsNum(-1) {
			out = "-" + inner
		} else {
			out = wrap(f.Scale) + dot + inner
		}
		several = false
	}
	if f.Over.n != nil {
		num, den := out, show(f.Over)
		if tex {
			return `\frac{` + num + `}{` + den + `}`
		}
		if several || f.Scale.n != nil || compound {
			num = opening + num + closing
		}
		if op := f.Over.n.Op(); op == expr.OpAdd || op == expr.OpMul {
			den = opening + den + closing
		}
		out = num + "/" + den
	}
	return out
}

// LaTeX writes the derivation as LaTeX for amsmath: one align* with a
// line for each step and its parts.
func (d *Derivation) LaTeX() string {
	var b strings.Builder
	b.WriteString(`\begin{align*}` + "\n")
	b.WriteString("& " + d.Title.LaTeX + ` \\` + "\n")
	d.writeTeX(&b)
	fmt.Fprintf(&b, "& %s = %s%s\n", d.Name.LaTeX, d.Result.LaTeX(), shapeTeX(d.Shape))
	b.WriteString(`\end{align*}` + "\n")
	return b.String()
}

func (d *Derivation) writeTeX(b *strings.Builder) {
	for _, p := range d.Parts {
		if p.Title != d.Title {
			fmt.Fprintf(b, `& %s\colon \\`+"\n", p.Title.LaTeX)
		}
		p.writeTeX(b)
	}
	for i := range d.Steps {
		for _, line := range d.Steps[i].texLines() {
			b.WriteString("& " + line + ` \\` + "\n")
		}
	}
}

// texLines writes a step as lines of LaTeX math.
func (s *DerivationStep) texLines() []string {
	head := fmt.Sprintf(`\text{%d. %s}`, s.N, texWords(s.Rule))
	switch {
	case !s.Formula.IsZero():
		head += `\colon\ ` + s.Formula.LaTeX
	case !s.Note.IsZero():
		head += `\colon\ ` + s.Note.LaTeX
	}
	lines := []string{head}
	if len(s.Let) > 0 {
		parts := make([]string, len(s.Let))
		for i, l := range s.Let {
			parts[i] = l.Name.LaTeX + " = " + l.Expr.LaTeX()
		}
		lines = append(lines, `\qquad \text{let } `+strings.Join(parts, `,\ `))
	}
	if len(s.Uses) > 0 {
		parts := make([]string, len(s.Uses))
		for i, u := range s.Uses {
			parts[i] = u.Name.LaTeX + " = " + u.Deriv.LaTeX() + shapeTeX(u.Shape)
			if src := u.source(); src != "" {
				parts[i] += `\ \text{` + texWords(src[1:]) + `}`
			}
		}
		lines = append(lines, `\qquad `+strings.Join(parts, `,\ `))
	}
	if !s.Formula.IsZero() && !s.Note.IsZero() {
		lines = append(lines, `\qquad `+s.Note.LaTeX)
	}
	if s.Ref > 0 {
		lines = append(lines, fmt.Sprintf(`\qquad \text{as in step %d}`, s.Ref))
	}
	if eq := s.equationTeX(); eq != "" {
		lines = append(lines, `\qquad `+eq)
	}
	return lines
}

// Markdown writes the derivation as Markdown: a numbered list of the
// steps, their mathematics in $…$ as LaTeX.
func (d *Derivation) Markdown() string {
	var b strings.Builder
	b.WriteString(inlineMath(d.Title.LaTeX) + "\n")
	d.writeMarkdown(&b)
	fmt.Fprintf(&b, "\n%s\n", inlineMath(d.Name.LaTeX+" = "+d.Result.LaTeX()+shapeTeX(d.Shape)))
	return b.String()
}

func (d *Derivation) writeMarkdown(b *strings.Builder) {
	for _, p := range d.Parts {
		if p.Title != d.Title {
			fmt.Fprintf(b, "\n%s:\n", markdownNote(p.Title))
		}
		p.writeMarkdown(b)
	}
	if len(d.Steps) > 0 {
		b.WriteString("\n")
	}
	for i := range d.Steps {
		s := &d.Steps[i]
		fmt.Fprintf(b, "%d. **%s**", s.N, s.Rule)
		switch {
		case !s.Formula.IsZero():
			b.WriteString(": " + inlineMath(s.Formula.LaTeX))
		case !s.Note.IsZero():
			b.WriteString(": " + markdownNote(s.Note))
		}
		var lines []string
		if len(s.Let) > 0 {
			parts := make([]string, len(s.Let))
			for i, l := range s.Let {
				parts[i] = inlineMath(l.Name.LaTeX + " = " + l.Expr.LaTeX())
			}
			lines = append(lines, "let "+strings.Join(parts, ", "))
		}
		if len(s.Uses) > 0 {
			parts := make([]string, len(s.Uses))
			for i, u := range s.Uses {
				parts[i] = inlineMath(u.Name.LaTeX+" = "+u.Deriv.LaTeX()+shapeTeX(u.Shape)) + u.source()
			}
			lines = append(lines, strings.Join(parts, ", "))
		}
		if !s.Formula.IsZero() && !s.Note.IsZero() {
			lines = append(lines, markdownNote(s.Note))
		}
		if s.Ref > 0 {
			lines = append(lines, fmt.Sprintf("as in step %d", s.Ref))
		}
		if eq := s.equationTeX(); eq != "" {
			lines = append(lines, inlineMath(eq))
		}
		for _, l := range lines {
			b.WriteString("  \n   " + l)
		}
		b.WriteString("\n")
	}
}

// markdownNote writes a note: words as they are, mathematics in $…$.
func markdownNote(l Label) string {
	if strings.HasPrefix(l.LaTeX, `\text{`) && strings.HasSuffix(l.LaTeX, "}") {
		return l.Text
	}
	return inlineMath(l.LaTeX)
}

// inlineMath writes LaTeX as Markdown's inline mathematics, $…$. The
// mathematics that words set in text mode, \text{h $\to$ 0}, leaves the
// text instead, \text{h }\to\text{ 0}: Markdown ends the mathematics at
// any $.
func inlineMath(tex string) string {
	var b strings.Builder
	b.WriteString("$")
	open := false
	for _, part := range strings.SplitAfter(tex, "$") {
		if rest, ok := strings.CutSuffix(part, "$"); ok {
			b.WriteString(rest)
			if open {
				b.WriteString(`\text{`)
			} else {
				b.WriteString("}")
			}
			open = !open
			continue
		}
		b.WriteString(part)
	}
	b.WriteString("$")
	return b.String()
}

// jsonDerivation is a derivation as JSON.
type jsonDerivation struct {
	Title  string           `json:"title"`
	Name   string           `json:"name"`
	Of     string           `json:"of"`
	Wrt    []string         `json:"wrt"`
	Held   []string         `json:"held,omitempty"`
	Parts  []jsonDerivation `json:"parts,omitempty"`
	Steps  []jsonStep       `json:"steps"`
	Result string           `json:"result"`
	LaTeX  string           `json:"latex"`
	Shape  string           `json:"shape,omitempty"`
}

type jsonStep struct {
	N       int           `json:"n"`
	Rule    string        `json:"rule"`
	Formula string        `json:"formula,omitempty"`
	On      string        `json:"on,omitempty"`
	Let     []jsonBinding `json:"let,omitempty"`
	Uses    []jsonUse     `json:"uses,omitempty"`
	Applied string        `json:"applied,omitempty"`
	Gives   string        `json:"gives,omitempty"`
	Index   string        `json:"index,omitempty"`
	Shape   string        `json:"shape,omitempty"`
	Ref     int           `json:"ref,omitempty"`
	Note    string        `json:"note,omitempty"`
	Text    string        `json:"text,omitempty"`
	LaTeX   string        `json:"latex,omitempty"`
}

type jsonBinding struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

type jsonUse struct {
	Name  string `json:"name"`
	Of    string `json:"of"`
	Deriv string `json:"derivative"`
	Shape string `json:"shape,omitempty"`
	Step  int    `json:"step,omitempty"`
	Rule  string `json:"rule,omitempty"`
}

func (d *Derivation) json() jsonDerivation {
	out := jsonDerivation{
		Title: d.Title.Text, Name: d.Name.Text, Of: d.Of.String(), Wrt: d.Wrt, Held: d.Held,
		Steps: []jsonStep{}, Result: d.Result.String(), LaTeX: d.Result.LaTeX(), Shape: d.Shape,
	}
	for _, p := range d.Parts {
		out.Parts = append(out.Parts, p.json())
	}
	for i := range d.Steps {
		s := &d.Steps[i]
		js := jsonStep{N: s.N, Rule: s.Rule, Formula: s.Formula.Text, Shape: s.Shape, Ref: s.Ref, Note: s.Note.Text,
			Text: s.equation(), LaTeX: s.equationTeX()}
		if s.On.present() {
			js.On = s.On.String()
		}
		for _, l := range s.Let {
			js.Let = append(js.Let, jsonBinding{l.Name.Text, l.Expr.String()})
		}
		for _, u := range s.Uses {
			js.Uses = append(js.Uses, jsonUse{u.Name.Text, u.Of.String(), u.Deriv.String(), u.Shape, u.Step, u.Rule})
		}
		if s.Applied != nil {
			js.Applied = s.Applied.text()
		}
		if s.Gives.present() {
			js.Gives = s.Gives.String()
		}
		if s.Index != nil {
			js.Index = s.Index.Text()
		}
		out.Steps = append(out.Steps, js)
	}
	return out
}

// MarshalJSON writes the derivation as a JSON object: title, name, of,
// wrt, held, parts, steps (each with n, rule, formula, on, let, uses,
// applied, gives, index, shape, ref, note, and its equation as text and
// latex), result, latex and shape. Expressions are in nabla's syntax.
func (d *Derivation) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d.json()); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// String returns the text of the derivation.
func (d *Derivation) String() string { return d.Text() }

// Text writes the index expression: Σ_j A_ij x_j.
func (x *IndexExpr) Text() string {
	return x.write(func(e Expr) string { return e.String() }, func(f IndexFactor) string {
		return f.name() + "_" + strings.Join(f.Sub, "")
	}, func(i string) string { return "Σ_" + i + " " }, " ")
}

// LaTeX writes the index expression in LaTeX: \sum_{j} A_{ij} x_{j}.
func (x *IndexExpr) LaTeX() string {
	return x.write(func(e Expr) string { return e.LaTeX() }, func(f IndexFactor) string {
		name := `\delta`
		if f.Of.n != nil {
			name = f.Of.LaTeX()
			if f.Of.n.Op() != expr.OpSym {
				name = `\left(` + name + `\right)`
			}
		}
		return name + "_{" + strings.Join(f.Sub, "") + "}"
	}, func(i string) string { return `\sum_{` + i + `} ` }, ` `)
}

func (x *IndexExpr) write(show func(Expr) string, factor func(IndexFactor) string, sum func(string) string, sep string) string {
	if len(x.Terms) == 0 {
		return "0"
	}
	var b strings.Builder
	for i, t := range x.Terms {
		var parts []string
		neg := false
		if t.Coef.n != nil && !t.Coef.n.IsNum(1) {
			c := show(t.Coef)
			if rest, ok := strings.CutPrefix(c, "-"); ok {
				neg, c = true, rest
			}
			if c != "1" {
				if t.Coef.n.Op() == expr.OpAdd {
					c = "(" + c + ")"
				}
				parts = append(parts, c)
			}
		}
		var sums strings.Builder
		for _, s := range t.Sums {
			sums.WriteString(sum(s))
		}
		var fs []string
		for _, f := range t.Factors {
			fs = append(fs, factor(f))
		}
		body := strings.TrimSpace(sums.String() + strings.Join(fs, sep))
		if body != "" {
			parts = append(parts, body)
		}
		s := strings.Join(parts, sep)
		if s == "" {
			s = "1"
		}
		switch {
		case i == 0 && neg:
			b.WriteString("-" + s)
		case i == 0:
			b.WriteString(s)
		case neg:
			b.WriteString(" - " + s)
		default:
			b.WriteString(" + " + s)
		}
	}
	return b.String()
}

// name writes the factor's name: the vector or matrix, δ for a
// Kronecker delta, a product in parentheses.
func (f IndexFactor) name() string {
	switch {
	case f.Of.n == nil:
		return "δ"
	case f.Of.n.Op() == expr.OpSym:
		return f.Of.n.Name()
	}
	return "(" + format.Text(f.Of.n) + ")"
}
