package nabla

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nabla-math/nabla/internal/calc"
	"github.com/nabla-math/nabla/internal/diff"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/simplify"
)

// Derivation is a derivative worked out step by step, as the lecture
// notes write it: the rule that fires on each subexpression, stated with
// its formula, with the parts it names and the derivatives it takes from
// earlier steps, then the simplification to nabla's result. A gradient,
// a Jacobian or a chain rule collects the derivations of its Parts.
//
// A Derivation is data: Text, LaTeX, Markdown and JSON are views of it.
type Derivation struct {
	// Title says what is derived: d/dx sin(2x + 1), or ∇f for
	// f = x^2 y + x y^3.
	Title Label
	// Name is the derivative's symbol as the result is written:
	// d/dx sin(2x + 1), ∂f/∂y, ∇f, df/dt, ∂f/∂X.
	Name Label
	Of   Expr     // the expression differentiated
	Wrt  []string // the variables
	// Held are the variables held constant in a partial derivative.
	Held []string
	// Parts are the derivations this one collects, before its own steps:
	// the partial derivatives of a gradient, the rows of a Jacobian, the
	// factors of the chain rule.
	Parts  []*Derivation
	Steps  []DerivationStep
	Result Expr
	// Shape is the result's shape, as 1×2 or m×n; "" for a scalar.
	Shape string
}

// DerivationStep is one step of a derivation: a rule applied to a
// subexpression, an algebraic rewrite, or the collection of earlier
// results.
type DerivationStep struct {
	N       int    // the step's number, from 1 across a derivation and its parts
	Rule    string // "product rule", "chain rule", "simplify", "sum out", …
	Formula Label  // the rule stated: (f g)′ = f′ g + f g′; empty for a rewrite
	// On is the subexpression the rule works on; the zero Expr for a step
	// that rewrites the whole.
	On Expr
	// Left is the left side of the step's equation where it is not the
	// derivative of On: ∂f/∂X_pq, df, lim.
	Left Label
	// Let names the parts the rule works on: u = 2x + 1, f = x^3.
	Let []Binding
	// Uses are the derivatives the rule takes from earlier steps or from
	// known rules: f′ = 3x^2 (step 1).
	Uses []Use
	// Applied is the rule written out, before the graph collects it:
	// 3x^2 · sin(x) + x^3 · cos(x). Nil where the rule gives Gives at once.
	Applied *Form
	// Gives is what the step arrives at: the derivative of On, or the
	// whole rewritten. The zero Expr for a step in index notation.
	Gives Expr
	// Index is the step's result in index notation, for a derivative
	// with respect to a vector or matrix written in components.
	Index *IndexExpr
	// Limit is the name of the increment, h, when the step's expressions
	// stand under lim_{h→0}.
	Limit string
	Shape string // the shape of Gives where it is not a scalar: 1×2, m×n
	Ref   int    // an earlier step whose derivation this one repeats
	Note  Label  // what the step does, in words: "y held constant"
}

// Label is a piece of notation in text and in LaTeX: ∂f/∂x, f′(u).
type Label struct {
	Text, LaTeX string
}

// words is a label of plain words, which LaTeX sets as text.
func words(s string) Label {
	if s == "" {
		return Label{}
	}
	return Label{s, `\text{` + texWords(s) + "}"}
}

// texWords writes words for LaTeX's text mode: its special characters
// escaped, the mathematical symbols of nabla's text (θ, ∂, →, ×, ᵀ) as
// mathematics.
func texWords(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case strings.ContainsRune(`\{}_^&%$#~`, r):
			b.WriteString(texSpecial[r])
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case texSymbols[r] != "":
			b.WriteString("$" + texSymbols[r] + "$")
		default:
			if t := texName(string(r)); strings.HasPrefix(t, `\`) {
				b.WriteString("$" + t + "$")
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// texSpecial escapes the characters that LaTeX's text mode treats as
// commands.
var texSpecial = map[rune]string{
	'\\': `\textbackslash{}`, '{': `\{`, '}': `\}`, '_': `\_`, '^': `\^{}`,
	'&': `\&`, '%': `\%`, '$': `\$`, '#': `\#`, '~': `\~{}`,
}

// texSymbols spells the symbols of nabla's text in LaTeX.
var texSymbols = map[rune]string{
	'→': `\to`, '×': `\times`, '∂': `\partial`, 'ᵀ': `^{\top}`, '·': `\cdot`, '…': `\dots`,
	'‖': `\|`, '²': `^{2}`, 'ℝ': `\mathbf{R}`, '⇒': `\Rightarrow`, '∇': `\nabla`, 'Σ': `\sum`,
	'δ': `\delta`, '′': `'`, '⋯': `\cdots`, '⁻': `^{-}`, '¹': `^{1}`,
}

// String returns the text.
func (l Label) String() string { return l.Text }

// IsZero reports whether l is empty.
func (l Label) IsZero() bool { return l.Text == "" }

// Binding names a part of the expression that a step works on:
// u = 2x + 1, f(u) = sin(u).
type Binding struct {
	Name Label
	Expr Expr
}

// Use is a derivative that a step takes from an earlier step, or from a
// known rule.
type Use struct {
	// Name is how the step writes it, f′ or du/dx; empty for the
	// derivative of Of, written d/dx Of.
	Name  Label
	Of    Expr // the expression differentiated
	Deriv Expr // its derivative
	Step  int  // the step that derives it; 0 if none does
	Shape string
	// Rule is the rule that gives it when no step does: "constant rule",
	// "trigonometric rule".
	Rule string
}

// Form is an expression as a rule writes it, before the graph's
// automatic simplification collects it:
//
//	Scale · (±t₁ ± t₂ ± …) / Over,
//
// each term a product of factors: f′ g + f g′ as 3x^2 · sin(x) + x^3 · cos(x).
type Form struct {
	Scale Expr // a factor before the whole; the zero Expr for none
	Terms []Term
	Over  Expr // the denominator; the zero Expr for none
}

// Term is a product of factors, negated if Neg.
type Term struct {
	Neg     bool
	Factors []Expr
}

// Expr returns the form's value as an expression, which the graph
// simplifies as it builds it.
func (f *Form) Expr() Expr {
	terms := make([]*expr.Node, len(f.Terms))
	for i, t := range f.Terms {
		fs := make([]*expr.Node, len(t.Factors))
		for j, x := range t.Factors {
			fs[j] = x.n
		}
		p := expr.Mul(fs...)
		if t.Neg {
			p = expr.Neg(p)
		}
		terms[i] = p
	}
	n := expr.Add(terms...)
	if f.Scale.n != nil {
		n = expr.Mul(f.Scale.n, n)
	}
	if f.Over.n != nil {
		n = expr.Div(n, f.Over.n)
	}
	return Expr{n: n}
}

// StepsOptions configures DeriveSteps. A nil *StepsOptions means the
// defaults.
type StepsOptions struct {
	// Context bounds the work; nil means context.Background().
	Context context.Context
}

// DeriveSteps works out the derivative of f with respect to wrt step by
// step, choosing the derivation from the shapes as Derive chooses the
// derivative:
//
//   - with respect to one scalar, the rules of §5.1 one subexpression at
//     a time, operands first, then the simplification to Diff's result;
//     with other variables present, a partial derivative with them held
//     constant;
//   - with respect to several scalars, a gradient (1×n) of partial
//     derivatives, or for a vector [f1, …, fm] a Jacobian (m×n) row by
//     row;
//   - with respect to a vector or matrix, the derivative in index notation
//     (MatrixSteps).
//
// With no wrt, the variables of f are taken in the order of Vars (x2
// before x10). A variable that f does not have gives a derivation of 0 and
// an *AbsentError, as Diff does.
func DeriveSteps(f Expr, opts *StepsOptions, wrt ...string) (*Derivation, error) {
	if err := f.showable(); err != nil {
		return nil, err
	}
	if len(wrt) == 0 {
		wrt = f.Vars()
		if len(wrt) == 0 {
			return nil, fmt.Errorf("%s has no variable to differentiate with respect to", f)
		}
	}
	for i, w := range wrt {
		if slices.Contains(wrt[:i], w) {
			return nil, fmt.Errorf("%s is named twice", w)
		}
	}
	if err := f.checkDefined(wrt); err != nil {
		return nil, err
	}
	ctx := context.Background()
	if opts != nil && opts.Context != nil {
		ctx = opts.Context
	}
	for _, w := range wrt {
		if dims, ok := f.VarDims(w); ok && len(dims) > 0 {
			if len(wrt) > 1 {
				return nil, fmt.Errorf("steps with respect to the %s %s come one variable at a time: name it alone", kindName(findVarOrDecl(f, w)), w)
			}
			return MatrixSteps(f, w)
		}
	}
	if f.n.Shape().Rank() > 0 {
		if f.n.Op() != expr.OpMatrix || f.n.Shape().Rank() != 1 {
			return nil, fmt.Errorf("steps for the %s %s: a vector [f1, …, fm] of scalar functions has a Jacobian row by row; with respect to a vector or matrix variable, use its name", f.n.Shape().Describe(), f)
		}
		return jacobianSteps(ctx, f, wrt, new(int), nil)
	}
	if len(wrt) == 1 {
		d, err := scalarSteps(ctx, f, wrt[0], new(int), false)
		if err != nil {
			return nil, err
		}
		var absent error
		if !slices.Contains(f.Vars(), wrt[0]) {
			_, absent = Diff(f, wrt[0], 1)
		}
		return d, absent
	}
	return gradientSteps(ctx, f, wrt, new(int), nil)
}

// MaxStepsText bounds the text of an expression worked out step by step,
// in bytes: every step prints a part of it, and a graph with much sharing
// prints to a text exponentially larger than itself.
const MaxStepsText = 1 << 20

// showable refuses an invalid f, or one whose text is too long to work out
// step by step.
func (f Expr) showable() error {
	if f.n == nil {
		return f.Err()
	}
	if _, err := format.TextLimit(f.n, MaxStepsText); err != nil {
		return fmt.Errorf("%w: %s prints to over %d MiB of text, too long to work out step by step", ErrTooLarge, brief(f), MaxStepsText>>20)
	}
	return nil
}

// findVarOrDecl returns the variable name of f, or its declaration.
func findVarOrDecl(f Expr, name string) *expr.Node {
	if v := findVar(f.n, name); v != nil {
		return v
	}
	return expr.NewSym(name, f.decl[name])
}

// scalarSteps derives the scalar f with respect to the scalar x, numbering
// its steps after *n. With partial, or where f has other variables, the
// derivative is written ∂/∂x: an entry of a gradient is a partial
// derivative, whatever variables f has.
func scalarSteps(ctx context.Context, f Expr, x string, n *int, partial bool) (*Derivation, error) {
	if !scalarName(f, x) {
		return nil, fmt.Errorf("cannot differentiate with respect to %q: not a variable name", x)
	}
	if expr.Find(f.n, func(m *expr.Node) bool { return !m.Shape().IsScalar() }) != nil {
		return nil, fmt.Errorf("%s has vectors or matrices: its steps are in index notation, with respect to one of them", f)
	}
	e := &explainer{f: f, x: expr.NewSym(x, expr.Scalar), n: n, ctx: ctx, partial: partial,
		derivs: map[*expr.Node]*expr.Node{}, rules: map[*expr.Node]string{},
		done: map[*expr.Node]int{}, through: map[*expr.Node]int{}}
	for _, v := range f.Vars() {
		if v != x {
			e.held = append(e.held, v)
		}
	}
	e.used = usedNames(f.n, x)
	e.u = e.fresh(nil, "u", "v", "w", "s")
	if err := e.record(f.n); err != nil {
		return nil, err
	}
	d := &Derivation{Of: f, Wrt: []string{x}, Held: e.held, Title: e.title(), Name: e.title()}
	final, err := Diff(f, x, 1)
	var absent *AbsentError
	if err != nil && !errors.As(err, &absent) {
		return nil, err
	}
	var raw *expr.Node
	if err := e.guard(func() { e.explain(f.n); raw = e.deriv(f.n) }); err != nil {
		return nil, err
	}
	if !expr.DependsOn(f.n, e.x) {
		e.add(DerivationStep{Rule: "constant rule", Formula: e.constantFormula(), On: f, Gives: Int(0),
			Note: words(e.constantNote(f.n))})
		raw = expr.Int64(0)
	} else if expr.Equal(f.n, e.x) {
		e.add(DerivationStep{Rule: "variable rule", Formula: Label{"(" + x + ")′ = 1", "(" + texName(x) + ")' = 1"}, On: f, Gives: Int(1)})
		raw = expr.Int64(1)
	}
	e.simplifySteps(raw, final.n)
	d.Steps = e.steps
	d.Result = f.with(final.n)
	return d, nil
}

// scalarName reports whether x may be the name of a scalar variable of f.
func scalarName(f Expr, x string) bool {
	if dims, ok := f.VarDims(x); ok {
		return len(dims) == 0
	}
	return Var(x).Err() == nil
}

// freshName returns the first of names that f does not use.
func freshName(f Expr, names ...string) string {
	vars := f.Vars()
	for _, n := range names {
		if !slices.Contains(vars, n) {
			return n
		}
	}
	return names[0] + "_"
}

// usedNames is the set of names of n, its variables and its declared
// functions, with the variable x: the generic letters of a rule's formula
// and the names of its parts avoid them, so that (a^x)′ = a^x log(a) is not
// stated as (a^a)′ = a^a log(a) with respect to a.
func usedNames(n *expr.Node, x string) map[string]bool {
	used := map[string]bool{x: true}
	expr.Inspect(n, func(m *expr.Node) bool {
		if m.Op() == expr.OpSym || m.Op() == expr.OpApply {
			used[m.Name()] = true
		}
		return true
	})
	return used
}

// fresh returns the first of names that the expression does not use (see
// usedNames) and that taken does not hold; past them, the first name with
// a number: c1, c2, ….
func (e *explainer) fresh(taken []string, names ...string) string {
	free := func(n string) bool { return !e.used[n] && !slices.Contains(taken, n) }
	for _, n := range names {
		if free(n) {
			return n
		}
	}
	for i := 1; ; i++ {
		if n := fmt.Sprintf("%s%d", names[0], i); free(n) {
			return n
		}
	}
}

// functionLetters are the generic letters of the functions of a rule, in
// turn: f, g, h of the product and chain rules where the expression does
// not use them.
var functionLetters = [][]string{{"f", "g", "h"}, {"p", "q", "r"}, {"F", "G", "H"}}

// operandLetters are the generic letters of the operands of a function
// of several: f(u, v, w).
var operandLetters = [][]string{{"u", "v", "w"}, {"p", "q", "r"}, {"a", "b", "c"}}

// letters returns k generic letters for the functions of a rule (see
// functionLetters).
func (e *explainer) letters(k int, taken []string) []string {
	return e.lettersFrom(functionLetters, k, taken)
}

// lettersFrom returns k letters, none used by the expression nor in
// taken: the first k of the first of sets that has them all free; for
// more than a set holds, its first letter numbered, as f1 … fk.
func (e *explainer) lettersFrom(sets [][]string, k int, taken []string) []string {
	free := func(n string) bool { return !e.used[n] && !slices.Contains(taken, n) }
	for _, set := range sets {
		var out []string
		for i := 0; i < k; i++ {
			n := fmt.Sprintf("%s%d", set[0], i+1)
			if k <= len(set) {
				n = set[i]
			}
			if !free(n) {
				break
			}
			out = append(out, n)
		}
		if len(out) == k {
			return out
		}
	}
	out := make([]string, k)
	for i := range out {
		out[i] = e.fresh(append(slices.Clone(taken), out[:i]...), fmt.Sprintf("%s%d", sets[0][0], i+1))
	}
	return out
}

// labels writes names as labels, in LaTeX as texName spells them.
func labels(names []string) []Label {
	out := make([]Label, len(names))
	for i, n := range names {
		out[i] = Label{n, texName(n)}
	}
	return out
}

// explainer works out the steps of one scalar derivative from the
// differentiator's record.
type explainer struct {
	f    Expr
	x    *expr.Node      // the variable
	used map[string]bool // the names of f and x, which generic letters avoid
	// partial writes ∂/∂x even where f has no other variable.
	partial bool
	held    []string // the other variables, held constant
	u       string   // the name of the inner function in the chain rule
	ctx     context.Context
	n       *int // the number of the last step

	derivs  map[*expr.Node]*expr.Node // the record: each node's derivative
	rules   map[*expr.Node]string     // and the rule that gave it
	done    map[*expr.Node]int        // the step that derived each node
	through map[*expr.Node]int        // nodes a chain step went through, with its number
	steps   []DerivationStep
	err     error // why the explanation stopped
}

// errStepsBudget stops an explanation, which then returns the
// explainer's err: the context ended, or a rule is missing.
var errStepsBudget = errors.New("steps: stopped")

// guard runs f, turning a stop into the explainer's error.
func (e *explainer) guard(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if r != errStepsBudget {
				panic(r)
			}
			err = e.err
		}
	}()
	f()
	return nil
}

// record differentiates n and keeps what the differentiator recorded: the
// rule and the derivative, before simplification, of every subexpression.
func (e *explainer) record(n *expr.Node) error {
	rec := func(s diff.Step) {
		if _, ok := e.derivs[s.Node]; !ok {
			e.derivs[s.Node], e.rules[s.Node] = s.Result, s.Rule
		}
	}
	_, err := calc.Derive(e.ctx, n, e.f.decl, []string{e.x.Name()}, &calc.Options{Record: rec})
	return err
}

// deriv returns the derivative of n from the record, differentiating n
// first when it is a part that the rules name but the expression does not
// hold as one node (the numerator of a quotient, say).
func (e *explainer) deriv(n *expr.Node) *expr.Node {
	switch {
	case expr.Equal(n, e.x):
		return expr.Int64(1)
	case !expr.DependsOn(n, e.x):
		return expr.Zero(n.Shape())
	}
	if d, ok := e.derivs[n]; ok {
		return d
	}
	if err := e.record(n); err != nil {
		e.err = err
		panic(errStepsBudget)
	}
	if d, ok := e.derivs[n]; ok {
		return d
	}
	// The differentiator records nothing for a node whose operands'
	// derivatives all vanish.
	e.derivs[n] = expr.Zero(n.Shape())
	return e.derivs[n]
}

// add appends a step, numbering it.
func (e *explainer) add(s DerivationStep) int {
	if err := e.ctx.Err(); err != nil {
		e.err = err
		panic(errStepsBudget)
	}
	*e.n++
	s.N = *e.n
	if s.On.n != nil && s.Left.IsZero() {
		s.Left = e.of(s.On.n)
	}
	e.steps = append(e.steps, s)
	return s.N
}

// title is d/dx f, or ∂/∂x f with other variables.
func (e *explainer) title() Label { return e.of(e.f.n) }

// d is the operator d/dx, or ∂/∂x in a partial derivative.
func (e *explainer) d() Label {
	x := e.x.Name()
	return derivativeOperator(x, len(e.held) > 0 || e.partial)
}

// derivativeOperator is the operator d/dx, or ∂/∂x for a partial
// derivative.
func derivativeOperator(x string, partial bool) Label {
	if partial {
		return Label{"∂/∂" + x, `\frac{\partial}{\partial ` + texName(x) + "}"}
	}
	return Label{"d/d" + x, `\frac{d}{d` + texName(x) + "}"}
}

// of writes the derivative of n: d/dx n.
func (e *explainer) of(n *expr.Node) Label {
	d := e.d()
	return Label{d.Text + " " + group(n), d.LaTeX + " " + groupTeX(n)}
}

// use is the derivative of the part n as a step uses it, named name, or
// d/dx n for an empty name.
func (e *explainer) use(name Label, n *expr.Node) Use {
	if name.IsZero() {
		name = e.of(n)
	}
	u := Use{Name: name, Of: e.wrap(n), Deriv: e.wrap(e.deriv(n))}
	switch {
	case expr.Equal(n, e.x):
		u.Rule = "variable rule"
	case !expr.DependsOn(n, e.x):
		u.Rule = "constant rule"
	default:
		u.Step = e.explain(n)
	}
	return u
}

func (e *explainer) wrap(n *expr.Node) Expr { return e.f.with(n) }

// explain writes the steps that derive n, operands first, and returns the
// number of the step that gives n's derivative; 0 for the variable and
// for constants, whose derivatives are 1 and 0.
func (e *explainer) explain(n *expr.Node) int {
	if expr.Equal(n, e.x) || !expr.DependsOn(n, e.x) {
		return 0
	}
	if k, ok := e.done[n]; ok {
		return k
	}
	var k int
	info := n.Info()
	switch {
	case n.Op() == expr.OpAdd:
		k = e.sum(n)
	case n.Op() == expr.OpMul:
		k = e.product(n)
	case e.isLayer(n) && expr.Equal(e.layerArg(n), e.x):
		k = e.basic(n)
	case e.isLayer(n):
		k = e.chain(n)
	case n.Op() == expr.OpPow:
		k = e.generalPower(n)
	case info.Partial != nil:
		k = e.function(n)
	default:
		e.err = fmt.Errorf("no step-by-step rule for %s", info.Name)
		panic(errStepsBudget)
	}
	if ref, ok := e.through[n]; ok {
		e.steps[len(e.steps)-1].Ref = ref
	}
	e.done[n] = k
	return k
}

// sum writes the sum rule.
func (e *explainer) sum(n *expr.Node) int {
	var uses []Use
	var terms []Term
	for _, t := range n.Args() {
		u := e.use(Label{}, t)
		uses = append(uses, u)
		terms = append(terms, Term{Factors: []Expr{u.Deriv}})
	}
	fg := labels(e.letters(2, nil))
	f, g := fg[0], fg[1]
	return e.add(DerivationStep{
		Rule: e.rule(n), Formula: Label{"(" + f.Text + " + " + g.Text + ")′ = " + f.Text + "′ + " + g.Text + "′",
			"(" + f.LaTeX + " + " + g.LaTeX + ")' = " + f.LaTeX + "' + " + g.LaTeX + "'"},
		On: e.wrap(n), Uses: uses, Applied: &Form{Terms: terms}, Gives: e.wrap(e.deriv(n)),
	})
}

// rule is the rule the record names for n.
func (e *explainer) rule(n *expr.Node) string {
	if r, ok := e.rules[n]; ok {
		return r
	}
	return n.Info().Rule
}

// product writes the constant multiple rule, the product rule, or the
// quotient rule for a product that reads as a quotient. Each is named by
// the formula it states, not by the differentiator's record, which counts
// only the factors whose derivative is not 0: sign(x) x^2 has two factors
// that vary, and the product rule, though sign′ = 0.
func (e *explainer) product(n *expr.Node) int {
	var consts, num, den, varying []*expr.Node
	for _, f := range n.Args() {
		switch b, p := expr.SplitPow(f); {
		case !expr.DependsOn(f, e.x):
			consts = append(consts, f)
		case p.IsConst() && p.Num().Sign() < 0 && n.Shape().IsScalar():
			den = append(den, expr.Pow(b, expr.NewConst(p.Num().Neg())))
			varying = append(varying, f)
		default:
			num = append(num, f)
			varying = append(varying, f)
		}
	}
	var scale Expr
	var lets []Binding
	c := e.constantLetter()
	if len(consts) > 0 {
		scale = e.wrap(expr.Mul(consts...))
		lets = append(lets, Binding{c, scale})
	}
	note := words(e.heldNote(consts))
	switch {
	case len(den) > 0 && (len(num) > 0 || len(den) > 1):
		return e.quotient(n, scale, c, lets, expr.Mul(num...), expr.Mul(den...), note)
	case len(varying) == 1:
		v := varying[0]
		f := labels(e.letters(1, []string{c.Text}))[0]
		u := e.use(prime(f.Text), v)
		return e.add(DerivationStep{
			Rule: "constant multiple rule", Formula: Label{"(" + c.Text + " " + f.Text + ")′ = " + c.Text + " " + f.Text + "′",
				"(" + c.LaTeX + " " + f.LaTeX + ")' = " + c.LaTeX + " " + f.LaTeX + "'"}, On: e.wrap(n),
			Let: append(lets, Binding{f, e.wrap(v)}), Uses: []Use{u},
			Applied: &Form{Scale: scale, Terms: []Term{{Factors: []Expr{u.Deriv}}}},
			Gives:   e.wrap(e.deriv(n)), Note: note,
		})
	}
	names := labels(e.letters(len(varying), []string{c.Text}))
	var uses []Use
	for i, v := range varying {
		lets = append(lets, Binding{names[i], e.wrap(v)})
		uses = append(uses, e.use(prime(names[i].Text), v))
	}
	terms := make([]Term, len(varying))
	for i := range varying {
		for j, v := range varying {
			if i == j {
				terms[i].Factors = append(terms[i].Factors, uses[j].Deriv)
			} else {
				terms[i].Factors = append(terms[i].Factors, e.wrap(v))
			}
		}
		terms[i].Factors = dropOnes(terms[i].Factors)
	}
	return e.add(DerivationStep{
		Rule: "product rule", Formula: e.productFormula(names, c, scale.n != nil), On: e.wrap(n),
		Let: lets, Uses: uses, Applied: &Form{Scale: scale, Terms: terms},
		Gives: e.wrap(e.deriv(n)), Note: note,
	})
}

// quotient writes the quotient rule for c f/g.
func (e *explainer) quotient(n *expr.Node, scale Expr, c Label, lets []Binding, f, g *expr.Node, note Label) int {
	fg := labels(e.letters(2, []string{c.Text}))
	F, G := fg[0], fg[1]
	lets = append(lets, Binding{F, e.wrap(f)}, Binding{G, e.wrap(g)})
	uf, ug := e.use(prime(F.Text), f), e.use(prime(G.Text), g)
	ft, gt, fx, gx := F.Text, G.Text, F.LaTeX, G.LaTeX
	formula := Label{"(" + ft + "/" + gt + ")′ = (" + ft + "′ " + gt + " - " + ft + " " + gt + "′)/" + gt + "^2",
		`\left(\frac{` + fx + `}{` + gx + `}\right)' = \frac{` + fx + `' ` + gx + ` - ` + fx + ` ` + gx + `'}{` + gx + `^{2}}`}
	if scale.n != nil {
		ct, cx := c.Text, c.LaTeX
		formula = Label{"(" + ct + " " + ft + "/" + gt + ")′ = " + ct + " (" + ft + "′ " + gt + " - " + ft + " " + gt + "′)/" + gt + "^2",
			`\left(` + cx + ` \frac{` + fx + `}{` + gx + `}\right)' = ` + cx + ` \frac{` + fx + `' ` + gx + ` - ` + fx + ` ` + gx + `'}{` + gx + `^{2}}`}
	}
	return e.add(DerivationStep{
		Rule: "quotient rule", Formula: formula, On: e.wrap(n), Let: lets, Uses: []Use{uf, ug},
		Applied: &Form{Scale: scale, Terms: []Term{
			{Factors: dropOnes([]Expr{uf.Deriv, e.wrap(g)})},
			{Neg: true, Factors: dropOnes([]Expr{e.wrap(f), ug.Deriv})},
		}, Over: e.wrap(expr.Pow(g, expr.Int64(2)))},
		Gives: e.wrap(e.deriv(n)), Note: note,
	})
}

// heldNote says which variables among the constant factors are held
// constant.
func (e *explainer) heldNote(consts []*expr.Node) string {
	var held []string
	for _, c := range consts {
		for _, v := range expr.Vars(c) {
			if !slices.Contains(held, v.Name()) {
				held = append(held, v.Name())
			}
		}
	}
	if len(held) == 0 {
		return ""
	}
	expr.SortNames(held)
	return strings.Join(held, ", ") + " held constant"
}

// constantNote explains a zero derivative.
func (e *explainer) constantNote(n *expr.Node) string {
	if vars := expr.Vars(n); len(vars) > 0 {
		return fmt.Sprintf("%s does not depend on %s", format.Short(n, 1000), e.x.Name())
	}
	return ""
}

// prime writes name′.
func prime(name string) Label {
	tex := name
	if i := strings.IndexByte(name, '('); i > 0 {
		return Label{name[:i] + "′" + name[i:], name[:i] + "'" + texArgs(name[i:])}
	}
	return Label{name + "′", texName(tex) + "'"}
}

// texArgs spells the arguments of a name such as g(x) in LaTeX.
func texArgs(args string) string {
	inner := strings.TrimSuffix(strings.TrimPrefix(args, "("), ")")
	parts := strings.Split(inner, "(")
	for i, p := range parts {
		name := strings.TrimRight(p, ")")
		parts[i] = texName(name) + p[len(name):]
	}
	return "(" + strings.Join(parts, "(") + ")"
}

// productFormula states the product rule for the factors names, with a
// constant factor c if scaled.
func (e *explainer) productFormula(names []Label, c Label, scaled bool) Label {
	var lhs, rhs, lhsTeX, rhsTeX []string
	for _, n := range names {
		lhs, lhsTeX = append(lhs, n.Text), append(lhsTeX, n.LaTeX)
	}
	if len(names) > 3 {
		k := len(names)
		lhs = []string{names[0].Text, "⋯", names[k-1].Text}
		lhsTeX = []string{names[0].LaTeX, `\cdots`, names[k-1].LaTeX}
		// Σᵢ f1 ⋯ fᵢ′ ⋯ fk, in the letter of the names and an index
		// that the expression does not use.
		f := strings.TrimRight(names[0].Text, "0123456789")
		i := e.fresh([]string{c.Text}, "i", "j", "k")
		sub := map[string]string{"i": "ᵢ", "j": "ⱼ", "k": "ₖ"}[i]
		if sub == "" {
			sub = "_" + i
		}
		rhs = []string{fmt.Sprintf("Σ%s %s1 ⋯ %s%s′ ⋯ %s%d", sub, f, f, sub, f, k)}
		rhsTeX = []string{fmt.Sprintf(`\sum_{%s} %s_{1} \cdots %s_{%s}' \cdots %s_{%d}`, texName(i), f, f, texName(i), f, k)}
	} else {
		for i := range names {
			var t, tt []string
			for j, n := range names {
				if i == j {
					t, tt = append(t, n.Text+"′"), append(tt, n.LaTeX+"'")
				} else {
					t, tt = append(t, n.Text), append(tt, n.LaTeX)
				}
			}
			rhs, rhsTeX = append(rhs, strings.Join(t, " ")), append(rhsTeX, strings.Join(tt, " "))
		}
	}
	l, lt := strings.Join(lhs, " "), strings.Join(lhsTeX, " ")
	r, rt := strings.Join(rhs, " + "), strings.Join(rhsTeX, " + ")
	if scaled {
		return Label{"(" + c.Text + " " + l + ")′ = " + c.Text + " (" + r + ")", `(` + c.LaTeX + `\, ` + lt + `)' = ` + c.LaTeX + ` \left(` + rt + `\right)`}
	}
	return Label{"(" + l + ")′ = " + r, "(" + lt + ")' = " + rt}
}

// dropOnes leaves out the factors 1 of a product of several.
func dropOnes(fs []Expr) []Expr {
	var out []Expr
	for _, f := range fs {
		if !f.n.IsNum(1) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return []Expr{Int(1)}
	}
	return out
}

// isLayer reports whether n applies a function of one variable to one
// operand that varies: f(u), u^k, a^u. The chain rule goes through
// layers.
func (e *explainer) isLayer(n *expr.Node) bool {
	info := n.Info()
	switch {
	case !n.Shape().IsScalar():
		return false
	case n.Op() == expr.OpPow:
		return expr.DependsOn(n.Arg(0), e.x) != expr.DependsOn(n.Arg(1), e.x)
	case info.Class == expr.Function && len(n.Args()) == 1:
		return info.Partial != nil && info.Combine == nil
	}
	return false
}

// layerArg returns the operand of the layer n that varies.
func (e *explainer) layerArg(n *expr.Node) *expr.Node {
	for _, a := range n.Args() {
		if expr.DependsOn(a, e.x) {
			return a
		}
	}
	return nil
}

// at returns the layer n with its varying operand replaced by u.
func (e *explainer) at(n, u *expr.Node) *expr.Node {
	args := slices.Clone(n.Args())
	for i, a := range args {
		if expr.DependsOn(a, e.x) {
			args[i] = u
		}
	}
	return expr.New(n, args)
}

// layerDeriv returns the derivative of the layer n with respect to its
// varying operand, from the operation table.
func (e *explainer) layerDeriv(n *expr.Node) *expr.Node {
	for i, a := range n.Args() {
		if expr.DependsOn(a, e.x) {
			return n.Info().Partial(n, i)
		}
	}
	return expr.Int64(0)
}

// outerDeriv returns the derivative of the layer l, with its varying
// operand replaced by u, with respect to u: f′(u).
func (e *explainer) outerDeriv(l, u *expr.Node) *expr.Node {
	at := e.at(l, u)
	for i, a := range l.Args() {
		if expr.DependsOn(a, e.x) {
			return at.Info().Partial(at, i)
		}
	}
	return expr.Int64(0)
}

// layerRule names the rule of the layer's own derivative.
func (e *explainer) layerRule(n *expr.Node) string {
	if n.Op() == expr.OpPow {
		if expr.DependsOn(n.Arg(0), e.x) {
			return "power rule"
		}
		if a, ok := expr.ConstValue(n.Arg(0)); ok && a == 0 {
			return "constant rule" // 0^u = 0 where it has a derivative
		}
		return "exponential rule"
	}
	return functionRule(n.Info().Name)
}

// functionRule names the rule that differentiates the function name, by
// its family.
func functionRule(name string) string {
	switch name {
	case "sin", "cos", "tan", "sec", "csc", "cot":
		return "trigonometric rule"
	case "asin", "acos", "atan", "asec", "acsc", "acot":
		return "inverse trigonometric rule"
	case "sinh", "cosh", "tanh", "sech", "csch", "coth":
		return "hyperbolic rule"
	case "asinh", "acosh", "atanh":
		return "inverse hyperbolic rule"
	case "exp":
		return "exponential rule"
	case "log", "log2", "log10":
		return "logarithm rule"
	case "abs":
		return "absolute value rule"
	case expr.Ops[expr.OpApply].Name:
		return name // f′ of an abstract f is known by its name alone
	}
	return name + " rule"
}

// basic writes the rule of a layer applied to the variable itself:
// x^n, a^x, sin(x).
func (e *explainer) basic(n *expr.Node) int {
	x := e.x.Name()
	xt := texName(x)
	s := DerivationStep{Rule: e.layerRule(n), On: e.wrap(n), Gives: e.wrap(e.deriv(n))}
	switch {
	case n.Op() == expr.OpPow && expr.Equal(n.Arg(0), e.x):
		k := e.fresh(nil, "n", "k", "m", "p")
		kt := texName(k)
		s.Formula = Label{"(" + x + "^" + k + ")′ = " + k + " " + x + "^(" + k + "-1)", "(" + xt + "^{" + kt + "})' = " + kt + " " + xt + "^{" + kt + "-1}"}
		p := n.Arg(1)
		s.Applied = &Form{Terms: []Term{{Factors: dropOnes([]Expr{e.wrap(p), e.wrap(expr.Pow(e.x, expr.Add(p, expr.Int64(-1))))})}}}
	case n.Op() == expr.OpPow && isZeroBase(n):
		// 0^x = 0 for x > 0, where it has a derivative; a^x log(a)
		// would be 0 · log(0).
		s.Rule, s.Formula = "constant rule", e.constantFormula()
		s.Note = words(format.Text(n) + " = 0 for " + x + " > 0, where it has a derivative")
	case n.Op() == expr.OpPow:
		a := e.fresh(nil, "a", "b", "c", "k")
		at := texName(a)
		s.Formula = Label{"(" + a + "^" + x + ")′ = " + a + "^" + x + " log(" + a + ")", "(" + at + "^{" + xt + "})' = " + at + "^{" + xt + "} \\log " + at}
		s.Applied = &Form{Terms: []Term{{Factors: []Expr{e.wrap(n), e.wrap(expr.Call(expr.OpLog, n.Arg(0)))}}}}
	default:
		d := e.layerDeriv(n)
		s.Formula = Label{"(" + format.Text(n) + ")′ = " + format.Text(d), "(" + format.LaTeX(n) + ")' = " + format.LaTeX(d)}
	}
	return e.add(s)
}

// chain writes the chain rule through the layers at the top of n: one
// layer over an inner function g as dy/du · du/dx (a power of a sum, as
// the notes' (x^2 + 5x + 6)^10) or f′(g(x)) g′(x); two layers as
// h(f(g(x))). Deeper compositions take one step for each two layers.
func (e *explainer) chain(n *expr.Node) int {
	layers := []*expr.Node{n}
	g := e.layerArg(n)
	if _, done := e.done[g]; !done && e.isLayer(g) && !expr.Equal(e.layerArg(g), e.x) && !noRealDerivative(n) && !noRealDerivative(g) {
		layers = append(layers, g)
		g = e.layerArg(g)
	}
	x, xt := e.x.Name(), texName(e.x.Name())
	u := expr.NewSym(e.u, expr.Scalar)
	gu := e.use(Label{}, g)
	// The letters of the functions, f, g, h where the expression does not
	// use them: sin(g^2) with respect to g reads p(q(g)).
	fgh := e.letters(3, []string{e.u})
	F, G, H := fgh[0], fgh[1], fgh[2]
	Ft, Gt, Ht := texName(F), texName(G), texName(H)
	gx, gxt := G+"("+x+")", Gt+"("+xt+")"
	if noRealDerivative(n) {
		// (-2)^g(x) has a derivative only where g is constant near x,
		// which the differentiator has found: g′(x) = 0 (g = sign(x)).
		// f′ has no part in it, and f(u) = (-2)^u has none.
		return e.add(DerivationStep{
			Rule: "constant rule",
			Formula: Label{"(" + F + "(" + gx + "))′ = 0 where " + G + " is constant near " + x,
				`\left(` + Ft + `(` + gxt + `)\right)' = 0 \text{ where } ` + Gt + ` \text{ is constant near } ` + xt},
			On:    e.wrap(n),
			Let:   []Binding{{fnLabel(F, e.u), e.wrap(e.at(n, u))}, {fnLabel(G, x), e.wrap(g)}},
			Uses:  []Use{withName(gu, prime(gx))},
			Note:  words(G + " is constant near every point where it has a derivative, and so is " + F + "(" + gx + ")"),
			Gives: e.wrap(e.deriv(n)),
		})
	}
	if len(layers) == 2 {
		e.through[layers[1]] = *e.n + 1
		h, f := layers[0], layers[1]
		hu, fu := e.at(h, u), e.at(f, u)
		fg, fgt := F+"("+gx+")", Ft+"("+gxt+")"
		return e.add(DerivationStep{
			Rule: "chain rule",
			Formula: Label{
				"(" + H + "(" + fg + "))′ = " + H + "′(" + fg + ") · " + F + "′(" + gx + ") · " + G + "′(" + x + ")",
				`\left(` + Ht + `(` + fgt + `)\right)' = ` + Ht + `'(` + fgt + `) \cdot ` + Ft + `'(` + gxt + `) \cdot ` + Gt + `'(` + xt + `)`,
			},
			On: e.wrap(n),
			Let: []Binding{
				{fnLabel(H, e.u), e.wrap(hu)}, {fnLabel(F, e.u), e.wrap(fu)}, {fnLabel(G, x), e.wrap(g)},
			},
			Uses: []Use{
				{Name: prime(H + "(" + e.u + ")"), Of: e.wrap(hu), Deriv: e.wrap(e.outerDeriv(h, u)), Rule: e.layerRule(h)},
				{Name: prime(F + "(" + e.u + ")"), Of: e.wrap(fu), Deriv: e.wrap(e.outerDeriv(f, u)), Rule: e.layerRule(f)},
				withName(gu, prime(gx)),
			},
			Applied: &Form{Terms: []Term{{Factors: dropOnes([]Expr{e.wrap(e.layerDeriv(h)), e.wrap(e.layerDeriv(f)), gu.Deriv})}}},
			Gives:   e.wrap(e.deriv(n)),
		})
	}
	yu := e.at(n, u)
	dydu := e.outerDeriv(n, u)
	s := DerivationStep{
		Rule: "chain rule", On: e.wrap(n),
		Applied: &Form{Terms: []Term{{Factors: dropOnes([]Expr{e.wrap(e.layerDeriv(n)), gu.Deriv})}}},
		Gives:   e.wrap(e.deriv(n)),
	}
	if n.Op() == expr.OpPow && expr.DependsOn(n.Arg(0), e.x) && e.u == "u" && !e.used["y"] {
		s.Formula = Label{"dy/d" + x + " = dy/du · du/d" + x, `\frac{dy}{d` + xt + `} = \frac{dy}{du} \cdot \frac{du}{d` + xt + `}`}
		s.Let = []Binding{{Label{"u", "u"}, e.wrap(g)}, {Label{"y", "y"}, e.wrap(yu)}}
		s.Uses = []Use{
			{Name: Label{"dy/du", `\frac{dy}{du}`}, Of: e.wrap(yu), Deriv: e.wrap(dydu), Rule: e.layerRule(n)},
			withName(gu, Label{"du/d" + x, `\frac{du}{d` + xt + `}`}),
		}
		return e.add(s)
	}
	s.Formula = Label{"(" + F + "(" + gx + "))′ = " + F + "′(" + gx + ") · " + G + "′(" + x + ")",
		`\left(` + Ft + `(` + gxt + `)\right)' = ` + Ft + `'(` + gxt + `) \cdot ` + Gt + `'(` + xt + `)`}
	s.Let = []Binding{{fnLabel(F, e.u), e.wrap(yu)}, {fnLabel(G, x), e.wrap(g)}}
	s.Uses = []Use{
		{Name: prime(F + "(" + e.u + ")"), Of: e.wrap(yu), Deriv: e.wrap(dydu), Rule: e.layerRule(n)},
		withName(gu, prime(gx)),
	}
	return e.add(s)
}

// noRealDerivative reports whether n is a power a^u of a constant a < 0,
// which is real only at whole numbers u and has no derivative in u over
// the reals (see diff.NoRealDerivativeError).
func noRealDerivative(n *expr.Node) bool {
	if n.Op() != expr.OpPow {
		return false
	}
	a, ok := expr.ConstValue(n.Arg(0))
	return ok && a < 0
}

// isZeroBase reports whether n is a power 0^u.
func isZeroBase(n *expr.Node) bool {
	if n.Op() != expr.OpPow {
		return false
	}
	a, ok := expr.ConstValue(n.Arg(0))
	return ok && a == 0
}

// withName names a use.
func withName(u Use, name Label) Use {
	u.Name = name
	return u
}

// fnLabel writes the function name applied to the variable arg: f(u).
func fnLabel(name, arg string) Label {
	return Label{name + "(" + arg + ")", texName(name) + "(" + texName(arg) + ")"}
}

// generalPower writes the general power rule for f^g with both varying.
func (e *explainer) generalPower(n *expr.Node) int {
	f, g := n.Arg(0), n.Arg(1)
	fg := e.letters(2, nil)
	F, G := fg[0], fg[1]
	Ft, Gt := texName(F), texName(G)
	uf, ug := e.use(prime(F), f), e.use(prime(G), g)
	return e.add(DerivationStep{
		Rule: e.rule(n),
		Formula: Label{"(" + F + "^" + G + ")′ = (exp(" + G + " log(" + F + ")))′ = " + F + "^" + G + " (" + G + "′ log(" + F + ") + " + G + " " + F + "′/" + F + ")",
			`\left(` + Ft + `^{` + Gt + `}\right)' = \left(e^{` + Gt + ` \log ` + Ft + `}\right)' = ` + Ft + `^{` + Gt + `} \left(` + Gt + `' \log ` + Ft + ` + \frac{` + Gt + ` ` + Ft + `'}{` + Ft + `}\right)`},
		On:   e.wrap(n),
		Let:  []Binding{{Label{F, Ft}, e.wrap(f)}, {Label{G, Gt}, e.wrap(g)}},
		Uses: []Use{uf, ug},
		Applied: &Form{Scale: e.wrap(n), Terms: []Term{
			{Factors: dropOnes([]Expr{ug.Deriv, e.wrap(expr.Call(expr.OpLog, f))})},
			{Factors: dropOnes([]Expr{e.wrap(g), uf.Deriv, e.wrap(expr.Pow(f, expr.Int64(-1)))})},
		}},
		Gives: e.wrap(e.deriv(n)),
	})
}

// function writes the chain rule for a function of several operands:
// (f(u, v))′ = ∂f/∂u · u′ + ∂f/∂v · v′, the partial derivatives from the
// operation table.
func (e *explainer) function(n *expr.Node) int {
	info := n.Info()
	var uses []Use
	var terms []Term
	// The operands are u, v, w, and the function f, in letters that the
	// expression does not use: huber(u^2, v) with respect to u reads
	// f(p, q). A declared function keeps its name, f(u^2) reading f(p).
	args := e.lettersFrom(operandLetters, len(n.Args()), nil)
	fn := e.fresh(args, "f", "g", "h", "F")
	if n.Op() == expr.OpApply {
		fn = n.Name()
	}
	fnt := texName(fn)
	var lets []Binding
	var rhs, rhsTeX []string
	for i, a := range n.Args() {
		lets = append(lets, Binding{Label{args[i], texName(args[i])}, e.wrap(a)})
		rhs = append(rhs, "∂"+fn+"/∂"+args[i]+" · "+args[i]+"′")
		rhsTeX = append(rhsTeX, `\frac{\partial `+fnt+`}{\partial `+texName(args[i])+`} \cdot `+texName(args[i])+"'")
		if !expr.DependsOn(a, e.x) {
			continue
		}
		p := info.Partial(n, i)
		uses = append(uses, Use{Name: Label{"∂" + fn + "/∂" + args[i], `\frac{\partial ` + fnt + `}{\partial ` + texName(args[i]) + "}"},
			Of: e.wrap(n), Deriv: e.wrap(p), Rule: functionRule(info.Name)})
		ua := e.use(prime(args[i]), a)
		uses = append(uses, ua)
		terms = append(terms, Term{Factors: dropOnes([]Expr{e.wrap(p), ua.Deriv})})
	}
	argList := strings.Join(args, ", ")
	return e.add(DerivationStep{
		Rule: e.rule(n),
		Formula: Label{"(" + fn + "(" + argList + "))′ = " + strings.Join(rhs, " + "),
			`\left(` + fnt + `(` + texNames(args) + `)\right)' = ` + strings.Join(rhsTeX, " + ")},
		On: e.wrap(n), Let: lets, Uses: uses, Applied: &Form{Terms: terms}, Gives: e.wrap(e.deriv(n)),
	})
}

// simplifySteps writes the simplification of the raw derivative to the
// final result as nabla simplifies a first derivative: the simplifier's
// identities, then, where terms may cancel, the products multiplied out
// and like terms collected.
func (e *explainer) simplifySteps(raw, final *expr.Node) {
	if expr.Equal(raw, final) {
		return
	}
	s := simplify.Simplify(raw)
	if !expr.Equal(s, final) && simplify.MayCancel(s) {
		if !expr.Equal(s, raw) {
			e.add(DerivationStep{Rule: "simplify", Gives: e.wrap(s), Note: words("the simplifier's identities")})
		}
		e.add(DerivationStep{Rule: "collect", Gives: e.wrap(final), Note: words("multiplied out, like terms collected")})
		return
	}
	e.add(DerivationStep{Rule: "simplify", Gives: e.wrap(final), Note: words("the simplifier's identities")})
}

// constantLetter is the generic constant c of a rule, a letter the
// expression does not use.
func (e *explainer) constantLetter() Label {
	c := e.fresh(nil, "c", "k", "b", "a")
	return Label{c, texName(c)}
}

// constantFormula states the constant rule, (c)′ = 0.
func (e *explainer) constantFormula() Label {
	c := e.constantLetter()
	return Label{"(" + c.Text + ")′ = 0", "(" + c.LaTeX + ")' = 0"}
}

// texName spells a variable name in LaTeX.
func texName(name string) string { return format.TeXName(name) }

// group writes n, in parentheses when it is a sum or a product.
func group(n *expr.Node) string {
	s := format.Text(n)
	if n.Op() == expr.OpAdd || n.Op() == expr.OpMul || strings.HasPrefix(s, "-") {
		return "(" + s + ")"
	}
	return s
}

// groupTeX is group in LaTeX.
func groupTeX(n *expr.Node) string {
	s := format.LaTeX(n)
	if n.Op() == expr.OpAdd || n.Op() == expr.OpMul || strings.HasPrefix(s, "-") {
		return `\left(` + s + `\right)`
	}
	return s
}
