package format

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nabla-math/nabla/internal/expr"
)

// LaTeX prints n as LaTeX math (without surrounding dollars). A text of
// more than MaxText bytes is cut (see MaxText).
func LaTeX(n *expr.Node) string {
	p := newPrinter(MaxText, true)
	defer p.free()
	return cut(p, n)
}

// LaTeXLimit is LaTeX with a limit on the output length in bytes
// (0 means none); see TextLimit.
func LaTeXLimit(n *expr.Node, limit int) (string, error) {
	p := newPrinter(limit, true)
	defer p.free()
	return p.run(n)
}

func (p *printer) tex(n *expr.Node, ctx int) {
	if p.done || p.named(n) {
		return
	}
	if texPrec(n) < ctx {
		p.write(`\left(`)
		p.tex(n, 0)
		p.write(`\right)`)
		return
	}
	sp := &n.Info().LaTeX
	switch sp.Form {
	case expr.FormProduct:
		p.texProduct(n)
	case expr.FormName:
		if s, ok := sp.Names[n.Name()]; ok {
			p.write(s)
		} else {
			p.write(TeXName(n.Name()))
		}
	case expr.FormMatrix:
		p.texMatrix(n)
	case expr.FormMatMul:
		for i, f := range n.Args() {
			if i > 0 {
				p.write(" ")
			}
			p.tex(f, expr.PrecMul+1)
		}
	case expr.FormPostfix:
		if a := n.Arg(0); sp.After[a.Op()] != "" && len(a.Args()) == 1 && a.Arg(0).Info().LaTeX.Form == expr.FormName {
			// (A^{-1})^{\top} is A^{-\top}.
			p.tex(a.Arg(0), expr.PrecAtom)
			p.write(sp.After[a.Op()])
			return
		}
		p.tex(n.Arg(0), expr.PrecAtom)
		p.write(sp.Word)
	case expr.FormWord:
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
			p.tex(t, expr.PrecAdd+1)
		}
	case expr.FormPower:
		switch {
		case !n.Info().Elementwise:
			// A matrix power, X^{2}, not the Hadamard power X^{∘2}.
			p.tex(n.Arg(0), expr.PrecPow+1)
			p.write("^{")
			p.tex(n.Arg(1), 0)
			p.write("}")
		case prec(n) == expr.PrecMul:
			p.texProduct(n)
		default:
			p.texPower(power{n.Arg(0), n.Arg(1)}, 0)
		}
	case expr.FormInfix:
		for i, a := range n.Args() {
			if i > 0 {
				p.write(" ")
				p.write(sp.Word)
				p.write(" ")
			}
			p.tex(a, expr.PrecMul+1)
		}
	case expr.FormWrap:
		p.write(sp.Word)
		p.tex(n.Arg(0), 0)
		p.write(sp.Close)
	case expr.FormSubscript:
		subs := n.Args()
		if sp.Word != "" {
			p.write(sp.Word)
		} else {
			// The operand, grouped when it carries scripts of its own.
			// It is printed on its own, within what is left of the
			// limit, to see whether it does.
			sub := printer{limit: p.limit - len(p.b), latex: true, names: p.names, self: p.self}
			if p.limit == 0 {
				sub.limit = 0
			} else if sub.limit < 1 {
				panic(tooLong{})
			}
			sub.tex(n.Arg(0), expr.PrecAtom)
			if s := sub.b; bytes.ContainsAny(s, "_^") && !bytes.HasPrefix(s, []byte(`\left(`)) {
				p.write(`\left(`)
				p.write(string(s))
				p.write(`\right)`)
			} else {
				p.write(string(s))
			}
			subs = subs[1:]
		}
		p.write("_{")
		for i, a := range subs {
			if i > 0 {
				p.write(",")
			}
			p.tex(a, 0)
		}
		p.write("}")
	case expr.FormApplied:
		p.texApplied(n, sp)
	default: // FormCall
		p.write(sp.Word)
		if sp.Sub > 0 {
			p.write("_{")
			p.tex(n.Arg(sp.Sub-1), 0)
			p.write("}")
		}
		if sp.Sup > 0 {
			p.write("^{(")
			p.tex(n.Arg(sp.Sup-1), 0)
			p.write(")}")
		}
		p.write(`\left(`)
		first := true
		for i, a := range n.Args() {
			if i+1 == sp.Sub || i+1 == sp.Sup {
				continue // written as a script
			}
			if !first {
				p.write(", ")
			}
			first = false
			p.tex(a, 0)
		}
		p.write(`\right)`)
	}
}

func (p *printer) texProduct(n *expr.Node) {
	f := split(n)
	if f.neg {
		p.write("-")
	}
	if f.q == "1" && len(f.den) == 0 {
		p.texFactors(f.p, f.num, false)
		return
	}
	if elementwiseDenominator(f.den) {
		// A division by a vector or matrix is element-wise: a ⊘ b, not a
		// fraction that would read as an inverse.
		p.texFactors(f.p, f.num, false)
		p.write(` \oslash `)
		if f.q != "1" || len(f.den) > 1 {
			p.write(`\left(`)
		}
		if f.q != "1" {
			p.write(texNumber(f.q) + " ")
		}
		for i, d := range f.den {
			if i > 0 {
				p.write(` \odot `)
			}
			p.texPower(d, expr.PrecMul+1)
		}
		if f.q != "1" || len(f.den) > 1 {
			p.write(`\right)`)
		}
		return
	}
	p.write(`\frac{`)
	p.texFactors(f.p, f.num, true)
	p.write("}{")
	if f.q != "1" {
		p.write(texNumber(f.q))
	}
	for i, d := range f.den {
		ctx := expr.PrecMul + 1
		if f.q == "1" && len(f.den) == 1 {
			ctx = 0
		}
		switch {
		case i == 0 && f.q == "1":
		case startsNumber(p.leadPower(d, ctx)):
			p.write(` \cdot `)
		default:
			p.write(" ")
		}
		p.texPower(d, ctx)
	}
	p.write("}")
}

// texPower prints a denominator factor base^exp.
func (p *printer) texPower(d power, ctx int) {
	if powerPrec(d) < ctx {
		p.write(`\left(`)
		p.texPower(d, 0)
		p.write(`\right)`)
		return
	}
	switch {
	case isOne(d.exp):
		p.tex(d.base, ctx)
	case !d.base.Shape().IsScalar() || !d.exp.Shape().IsScalar():
		// An element-wise power: the Hadamard power x^{∘2}, not the
		// matrix power.
		p.tex(d.base, expr.PrecPow+1)
		p.write(`^{\circ `)
		p.tex(d.exp, 0)
		p.write("}")
	case isHalf(d.exp):
		p.write(`\sqrt{`)
		p.tex(d.base, 0)
		p.write("}")
	default:
		p.tex(d.base, expr.PrecPow+1)
		p.write("^{")
		p.tex(d.exp, 0)
		p.write("}")
	}
}

// texPrec is the binding power of n as LaTeX prints it: a postfix spelt
// as a superscript (A^{-1}, A^{\top}) binds as a power does, so that it is
// grouped before another superscript, an infix (A \otimes B) as a
// product, and a word such as \mathbf{1} as an atom.
func texPrec(n *expr.Node) int {
	switch sp := &n.Info().LaTeX; sp.Form {
	case expr.FormPostfix:
		return expr.PrecPow
	case expr.FormInfix:
		return expr.PrecMul
	case expr.FormWord:
		if sp.Wide == "" {
			return expr.PrecAtom // one symbol, \mathbf{1}, whatever its shape
		}
	}
	return prec(n)
}

// elementwiseDenominator reports whether a factor of the denominator is a
// vector or matrix.
func elementwiseDenominator(den []power) bool {
	for _, d := range den {
		if !d.base.Shape().IsScalar() || !d.exp.Shape().IsScalar() {
			return true
		}
	}
	return false
}

// texFactors prints coefficient c and the factors. In a fraction
// (grouped), a lone factor needs no parentheses: the bar groups it.
func (p *printer) texFactors(c string, factors []*expr.Node, grouped bool) {
	if c != "1" || len(factors) == 0 {
		p.write(texNumber(c))
	}
	ctx := expr.PrecMul + 1
	if grouped && c == "1" && len(factors) == 1 {
		ctx = 0
	}
	elementwise := matrixFactors(factors) > 1
	seen := false // a vector or matrix factor has been written
	for i, x := range factors {
		xctx := ctx
		if x.Info().LaTeX.Form == expr.FormMatMul && len(factors) == 1 {
			xctx = expr.PrecMul // 2 A x, as the text has it
		}
		switch {
		case i == 0 && c == "1":
		case elementwise && seen && !x.Shape().IsScalar():
			p.write(` \odot `) // the element-wise product, not the matrix product
		case startsNumber(p.leadOf(x, xctx)):
			p.write(` \cdot `)
		default:
			p.write(" ")
		}
		seen = seen || !x.Shape().IsScalar()
		p.tex(x, xctx)
	}
}

// texNumber spells a float's exponent as a power of ten.
func texNumber(s string) string {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return s
	}
	exp := strings.TrimPrefix(s[i+1:], "+")
	return s[:i] + ` \cdot 10^{` + exp + "}"
}

var greek = map[string]string{
	"alpha": `\alpha`, "beta": `\beta`, "gamma": `\gamma`, "delta": `\delta`, "epsilon": `\epsilon`,
	"zeta": `\zeta`, "eta": `\eta`, "theta": `\theta`, "iota": `\iota`, "kappa": `\kappa`,
	"lambda": `\lambda`, "mu": `\mu`, "nu": `\nu`, "xi": `\xi`, "rho": `\rho`, "sigma": `\sigma`,
	"tau": `\tau`, "upsilon": `\upsilon`, "phi": `\phi`, "chi": `\chi`, "psi": `\psi`, "omega": `\omega`,
	"Gamma": `\Gamma`, "Delta": `\Delta`, "Theta": `\Theta`, "Lambda": `\Lambda`, "Xi": `\Xi`,
	"Pi": `\Pi`, "Sigma": `\Sigma`, "Phi": `\Phi`, "Psi": `\Psi`, "Omega": `\Omega`,
	"α": `\alpha`, "β": `\beta`, "γ": `\gamma`, "δ": `\delta`, "ε": `\epsilon`, "ζ": `\zeta`,
	"η": `\eta`, "θ": `\theta`, "ι": `\iota`, "κ": `\kappa`, "λ": `\lambda`, "μ": `\mu`,
	"ν": `\nu`, "ξ": `\xi`, "ρ": `\rho`, "σ": `\sigma`, "τ": `\tau`, "υ": `\upsilon`,
	"φ": `\phi`, "χ": `\chi`, "ψ": `\psi`, "ω": `\omega`, "Γ": `\Gamma`, "Δ": `\Delta`,
	"Θ": `\Theta`, "Λ": `\Lambda`, "Ξ": `\Xi`, "Π": `\Pi`, "Σ": `\Sigma`, "Φ": `\Phi`,
	"Ψ": `\Psi`, "Ω": `\Omega`,
}

// TeXName spells a variable name in LaTeX: Greek letters by their
// commands, a trailing subscript (x1, x_1, theta_2) as a subscript, and
// other multi-letter names upright.
func TeXName(name string) string {
	if r, size := utf8.DecodeRuneInString(name); r == 'd' && len(name) > size {
		if rest := name[size:]; utf8.RuneCountInString(rest) == 1 {
			if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLetter(r) {
				return `\mathrm{d}` + TeXName(rest) // a differential, dX
			}
		}
	}
	if strings.HasPrefix(name, "_") || strings.HasSuffix(name, "_") {
		// No subscript to read: the name as it is, upright.
		return `\mathrm{` + strings.ReplaceAll(name, "_", `\_`) + "}"
	}
	stem, sub := name, ""
	if i := strings.IndexByte(name, '_'); i > 0 {
		stem, sub = name[:i], name[i+1:]
	} else {
		j := len(name)
		for j > 0 && name[j-1] >= '0' && name[j-1] <= '9' {
			j--
		}
		if j > 0 && j < len(name) {
			stem, sub = name[:j], name[j:]
		}
	}
	out, ok := greek[stem]
	if !ok {
		if utf8.RuneCountInString(stem) == 1 {
			out = stem
		} else {
			out = `\mathrm{` + strings.ReplaceAll(stem, "_", `\_`) + "}"
		}
	}
	if sub != "" {
		out += "_{" + strings.ReplaceAll(sub, "_", `\_`) + "}"
	}
	return out
}

// texMatrix prints a vector as a column and a matrix as a bmatrix.
func (p *printer) texMatrix(n *expr.Node) {
	s := n.Shape()
	rows, cols := s.Dim(0).N, 1
	if s.Rank() == 2 {
		cols = s.Dim(1).N
	}
	p.write(`\begin{bmatrix}`)
	for i := 0; i < rows; i++ {
		if i > 0 {
			p.write(` \\ `)
		} else {
			p.write(" ")
		}
		for j := 0; j < cols; j++ {
			if j > 0 {
				p.write(" & ")
			}
			p.tex(n.Entry(i*cols+j), 0)
		}
	}
	p.write(` \end{bmatrix}`)
}
