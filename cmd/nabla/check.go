package main

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
	"github.com/nabla-math/nabla/fd"
)

// defaultTol is the tolerance of nabla check: the relative error within
// which a finite-difference estimate agrees with a derivative, beyond
// the estimate's own error estimate.
const defaultTol = 1e-6

func (a *app) checkCmd() *cobra.Command {
	var answer string
	var tol float64
	c := &cobra.Command{
		Use:   "check EXPR --wrt VARS --at NAME=VALUE... [--answer DERIVATIVE]",
		Short: "check a derivative against finite differences, or check your own",
		Long: `check computes the derivative of the scalar EXPR with respect to each
variable of --wrt (all by default) four ways at the point of --at: the
symbolic derivative evaluated, the compiled program's gradient, and
central and Richardson finite differences. It prints them side by side
with the relative errors |estimate - value| / max(|value|, 1) and a
verdict: agree when every entry is within --tol, beyond the error that
the finite-difference scheme estimates for itself. For vectors and
matrices every entry is checked and the worst one is shown.

--answer checks your own derivative instead: equivalent to nabla's or
not, decided symbolically where the difference simplifies to 0, else
numerically at random points in the domain, of magnitudes from 0.01 to
1000 (and at --at), with a point where they differ. A gradient written as a column is compared as the
row ∂f/∂x of the notes. Abstract functions (--function) have no values
to compare: where the difference does not simplify to 0 the verdict is
undecided.

Exit status: 0 when they agree, 1 when they do not or the verdict is
undecided, 2 for usage errors.`,
		Example: `  nabla check "x^2 y + sin(x y)" --at x=1 --at y=2
  nabla check "x'A x" --vector x --matrix A --wrt x --at 'x=[1,2]' --at 'A=[[1,2],[3,4]]'
  nabla check "sin(2x+1)" --answer "2cos(2x+1)"`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := a.checkFormat(); err != nil {
				return err
			}
			if a.format == "latex" {
				return usagef("check prints text or json")
			}
			if !(tol > 0) {
				return usagef("--tol %v: a tolerance must be a positive number", tol)
			}
			if answer != "" {
				return a.runAnswer(exprArg(args[0]), answer)
			}
			return a.runCheck(exprArg(args[0]), tol)
		},
	}
	c.Flags().StringVar(&a.wrt, "wrt", "", "the variables to check, e.g. --wrt x,y (default: all)")
	c.Flags().StringVar(&answer, "answer", "", "your derivative, to check against nabla's, e.g. --answer '2cos(2x+1)'")
	c.Flags().Float64Var(&tol, "tol", defaultTol, "the relative tolerance")
	a.addAt(c)
	a.addFormat(c)
	return c
}

// checkEntry is one entry of a derivative computed four ways.
type checkEntry struct {
	Index         string   `json:"index"`
	Symbolic      float64  `json:"symbolic"`
	Compiled      *float64 `json:"compiled,omitempty"` // nil where nothing is compiled (indexed sums)
	Central       *float64 `json:"central,omitempty"`  // nil where the scheme failed
	CentralErr    *float64 `json:"central_error,omitempty"`
	Richardson    *float64 `json:"richardson,omitempty"`
	RichardsonErr *float64 `json:"richardson_error,omitempty"`
	CompiledErr   *float64 `json:"compiled_error,omitempty"`
	// Undecided is set where no finite-difference estimate settles the
	// entry: Richardson extrapolation found no consistent step, and
	// central differences, which cannot tell a wrong derivative from a
	// step too long for f, disagree.
	Undecided bool `json:"undecided,omitempty"`
	pass      bool
	worst     float64 // how it ranks among the entries: larger is worse
}

// checkBlock is the check of the derivative with respect to one variable.
type checkBlock struct {
	Variable   string     `json:"variable"`
	Derivative string     `json:"derivative"`
	Entries    int        `json:"entries"`
	Worst      checkEntry `json:"worst"`
	Agree      bool       `json:"agree"`
}

// checkReport is what nabla check prints.
type checkReport struct {
	Expr      string       `json:"expr"`
	Tolerance float64      `json:"tolerance"`
	Blocks    []checkBlock `json:"blocks"`
	Agree     bool         `json:"agree"`
	// Undecided is set where no entry disagrees but some entry is
	// undecided.
	Undecided bool `json:"undecided,omitempty"`
	// Warnings name the entries where f has a kink or a jump, or where
	// a scheme could not be trusted.
	Warnings []string `json:"warnings,omitempty"`
}

// errDisagree is the failure of a check whose values disagree: the report
// says where, and the exit status is 1.
var errDisagree = errors.New("the derivatives disagree")

// errUndecided is the failure of a check --answer that can neither prove
// nor refute the equivalence: the report says why, and the exit status
// is 1, as for any check that does not establish agreement.
var errUndecided = errors.New("undecided: nabla cannot tell whether the derivatives are equal")

// isVerdict reports whether err is a check's verdict, which its report
// has printed (as JSON too), rather than an error.
func isVerdict(err error) bool {
	return errors.Is(err, errDisagree) || errors.Is(err, errUndecided)
}

func (a *app) runCheck(src string, tol float64) error {
	if a.hasSums(src) {
		return a.runIndexedCheck(src, tol)
	}
	f, err := a.parse(src, 1)
	if err != nil {
		return err
	}
	a.printNotes(f.Notes())
	if len(f.Shape()) > 0 {
		return usagef("check takes a scalar expression, but %s is %s", f, describeShape(f.Shape()))
	}
	wrt, err := a.wrtList(f, src, true)
	if err != nil {
		return err
	}
	env, err := a.point()
	if err != nil {
		return err
	}
	for _, v := range f.Vars() {
		if _, ok := env[v]; !ok {
			return usagef("no value for %s: add --at %s=VALUE", v, v)
		}
	}
	p, x, err := a.checkProgram(f, wrt, env)
	if err != nil {
		return err
	}
	compiled := make([]float64, len(x))
	if _, err := p.ValueGrad(compiled, x); err != nil {
		return valueError(err)
	}
	// Finite differences of the compiled value; the first failure's
	// reason kept.
	var evalErr error
	value := func(x []float64) float64 {
		v, err := p.Value(x)
		if err != nil {
			if evalErr == nil {
				evalErr = err
			}
			return math.NaN()
		}
		return v
	}
	est, err := fdEstimates(value, x, &evalErr)
	if err != nil {
		return err
	}
	ctx, cancel := a.context()
	defer cancel()
	rep := checkReport{Expr: f.Short(maxShown), Tolerance: tol, Agree: true}
	off := 0
	for _, v := range wrt {
		d, err := nabla.Derive(ctx, f, []string{v}, &nabla.DeriveOptions{Strict: true})
		if err != nil {
			return a.deriveError(err, f, nabla.KindAuto)
		}
		sym, err := d.Value(env)
		if err != nil {
			return valueError(err)
		}
		n := len(sym.Data)
		b := checkBlock{Variable: v, Derivative: derivativeText(d), Entries: n, Agree: true}
		dims, _ := f.VarDims(v)
		for k := range n {
			i := off + k
			comp := compiled[i]
			rep.judge(&b, k == 0, checkEntry{Index: entryName(v, dims, env[v].Shape, k), Symbolic: sym.Data[k], Compiled: &comp}, est, i, tol)
		}
		off += n
		rep.Agree = rep.Agree && b.Agree
		rep.Blocks = append(rep.Blocks, b)
	}
	if err := a.printCheck(&rep); err != nil {
		return err
	}
	return rep.verdict()
}

// verdict is the error that ends a check whose report is printed:
// errDisagree where an entry disagrees, errUndecided where none does but
// no estimate could settle some entry.
func (rep *checkReport) verdict() error {
	switch {
	case !rep.Agree:
		return errDisagree
	case rep.Undecided:
		return errUndecided
	}
	return nil
}

// fdEstimates estimates the gradient of value at x by central
// differences and Richardson extrapolation, each with its error
// estimates, and by forward and backward differences where they can be
// had (for kinks). A scheme that fails is left out; only when both
// central differences and Richardson extrapolation fail is it an error,
// the reason being the first failure to evaluate, *evalErr, if any.
func fdEstimates(value func([]float64) float64, x []float64, evalErr *error) (map[fd.Scheme][2][]float64, error) {
	est := map[fd.Scheme][2][]float64{}
	var first error
	for _, s := range []fd.Scheme{fd.Central, fd.Richardson, fd.Forward, fd.Backward} {
		g, e := make([]float64, len(x)), make([]float64, len(x))
		err := fd.GradientErr(g, e, value, x, &fd.Settings{Scheme: s})
		if err == nil {
			est[s] = [2][]float64{g, e}
		} else if first == nil {
			first = fmt.Errorf("%s differences at the point: %w", s, err)
			if *evalErr != nil && !errors.Is(err, fd.ErrInconsistent) {
				first = fmt.Errorf("%s differences at the point: %w", s, *evalErr)
			}
		}
	}
	if est[fd.Central][0] == nil && est[fd.Richardson][0] == nil {
		return nil, first
	}
	return est, nil
}

// checkProgram compiles f with the variables wrt as inputs, the others
// bound as data, and returns the inputs' values at env.
func (a *app) checkProgram(f nabla.Expr, wrt []string, env map[string]nabla.Tensor) (*nabla.Program, []float64, error) {
	p, err := nabla.Compile(f, wrt...)
	if err != nil {
		return nil, nil, valueError(err)
	}
	var x []float64
	for _, v := range wrt {
		x = append(x, env[v].Data...)
	}
	for _, v := range f.Vars() {
		if _, ok := env[v]; ok && !slices.Contains(wrt, v) {
			if err := p.Bind(v, env[v]); err != nil {
				return nil, nil, usageError{err}
			}
		}
	}
	return p, x, nil
}

// maxShown bounds the text of an expression shown beside a result, such
// as the derivative fd and check compare with, in bytes; a longer one is
// cut and ends in "…".
const maxShown = 1 << 16

// derivativeText writes a derivative's matrix form, or says it is a
// tensor.
func derivativeText(d *nabla.Derivative) string {
	switch {
	case d.Expr.Err() == nil:
		return d.Expr.Short(maxShown)
	case len(d.Blocks) == 1 && d.Blocks[0].Tensor == nil:
		return d.Blocks[0].Expr.Short(maxShown)
	}
	return "(a tensor)"
}

// entryName names entry k of the variable v: x, x[3], X[1,2] (1-based).
func entryName(v string, dims []string, shape []int, k int) string {
	switch {
	case len(dims) == 0:
		return v
	case len(shape) == 2:
		return fmt.Sprintf("%s[%d,%d]", v, k/shape[1]+1, k%shape[1]+1)
	}
	return fmt.Sprintf("%s[%d]", v, k+1)
}

// relErr is |got - want| / max(|want|, 1).
func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / max(math.Abs(want), 1)
}

// judge fills in the entry c of the block b, whose finite-difference
// estimates (value and error estimate of each scheme) are entry i of est,
// and keeps it as the block's worst where it is.
//
// A compiled value agrees within tol. Richardson extrapolation, which
// shrinks its step until its estimates are consistent, decides the
// entry where it has an estimate: it agrees within tol beyond its own
// error estimate. Central differences at their fixed step cannot see
// what f does between their points, so where they alone disagree the
// entry still agrees, with a warning; where Richardson extrapolation has
// no estimate, central differences that agree decide, and ones that do
// not leave the entry undecided, never wrong. The worst entry is the
// largest excess among the failures, else the largest relative error.
// Where the derivatives from the right and the left differ, rep warns
// of a kink.
func (rep *checkReport) judge(b *checkBlock, first bool, c checkEntry, est map[fd.Scheme][2][]float64, i int, tol float64) {
	scale := max(math.Abs(c.Symbolic), 1)
	c.pass = true
	excess := 0.0
	if c.Compiled != nil {
		e := relErr(*c.Compiled, c.Symbolic)
		c.CompiledErr = &e
		c.pass, excess, c.worst = e <= tol, e, e
	}
	// ok[s] reports whether the scheme s agrees; have[s] whether it has
	// an estimate.
	ok, have := map[fd.Scheme]bool{}, map[fd.Scheme]bool{}
	for _, s := range []fd.Scheme{fd.Central, fd.Richardson} {
		if est[s][0] == nil {
			continue
		}
		have[s] = true
		v := est[s][0][i]
		r := relErr(v, c.Symbolic)
		if s == fd.Central {
			c.Central, c.CentralErr = &v, &r
		} else {
			c.Richardson, c.RichardsonErr = &v, &r
		}
		c.worst = max(c.worst, r)
		e := max(0, math.Abs(v-c.Symbolic)-2*est[s][1][i]) / scale
		ok[s] = e <= tol
		if have[fd.Richardson] || s == fd.Central {
			excess = max(excess, e)
		}
	}
	switch {
	case have[fd.Richardson]:
		c.pass = c.pass && ok[fd.Richardson]
		if c.pass && have[fd.Central] && !ok[fd.Central] {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("by %s, central differences at their step (%.6g) are further from the derivative than they estimate: f varies faster than that step resolves; Richardson extrapolation from a smaller step agrees", c.Index, *c.Central))
		}
	case ok[fd.Central]:
	case c.pass:
		c.Undecided = true
		rep.Undecided = true
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("by %s, Richardson extrapolation finds no step with a consistent estimate, and central differences (%.6g) at their fixed step cannot tell a wrong derivative from one that f varies too fast to resolve", c.Index, *c.Central))
	}
	if !c.pass {
		c.worst = excess
	}
	if fw, bw := est[fd.Forward], est[fd.Backward]; fw[0] != nil && bw[0] != nil &&
		kink(fd.Estimate{Value: fw[0][i], Err: fw[1][i]}, fd.Estimate{Value: bw[0][i], Err: bw[1][i]}) {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("the derivative by %s from the right (%.6g) and from the left (%.6g) differ: f is not differentiable there, and no finite difference settles its value", c.Index, fw[0][i], bw[0][i]))
	}
	if first || !c.pass && b.Worst.pass || c.pass == b.Worst.pass && c.worst > b.Worst.worst {
		b.Worst = c
	}
	b.Agree = b.Agree && c.pass
}

// printCheck writes the report: each variable's worst entry, the warnings
// and the verdict.
func (a *app) printCheck(rep *checkReport) error {
	if a.format == "json" {
		return a.printJSON(rep)
	}
	for _, b := range rep.Blocks {
		fmt.Fprintf(a.stdout, "∂f/∂%s = %s\n", b.Variable, b.Derivative)
		w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		c := b.Worst
		what := "entry"
		if b.Entries > 1 {
			what = fmt.Sprintf("worst of %d entries", b.Entries)
		}
		// The compiled program's column where there is one.
		head, values, errs := "symbolic\t", fullFloat(c.Symbolic)+"\t", "\t"
		if c.Compiled != nil {
			head, values, errs = head+"compiled\t", values+fullFloat(*c.Compiled)+"\t", errs+shortFloat(*c.CompiledErr)+"\t"
		}
		fmt.Fprintf(w, "  %s\t%scentral\trichardson\n", what, head)
		fmt.Fprintf(w, "  %s\t%s%s\t%s\n", c.Index, values, optFloat(c.Central, fullFloat), optFloat(c.Richardson, fullFloat))
		fmt.Fprintf(w, "  relative error\t%s%s\t%s\n", errs, optFloat(c.CentralErr, shortFloat), optFloat(c.RichardsonErr, shortFloat))
		if err := w.Flush(); err != nil {
			return err
		}
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(a.stdout, "warning: %s\n", w)
	}
	verdict := "agree"
	switch {
	case !rep.Agree:
		verdict = "DISAGREE"
	case rep.Undecided:
		verdict = "undecided"
	}
	fmt.Fprintf(a.stdout, "%s: tolerance %s relative, beyond the schemes' own error estimates\n", verdict, shortFloat(rep.Tolerance))
	return nil
}

// optFloat writes *v with format, or "-" where v is nil.
func optFloat(v *float64, format func(float64) string) string {
	if v == nil {
		return "-"
	}
	return format(*v)
}

// listText writes [1, 2.5].
func listText(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fullFloat(x)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func fullFloat(v float64) string { return fmt.Sprintf("%.15g", v) }

// answerReport is what nabla check --answer prints.
type answerReport struct {
	Expr       string `json:"expr"`
	Wrt        string `json:"wrt"`
	Answer     string `json:"answer"`
	Derivative string `json:"derivative"`
	Equivalent bool   `json:"equivalent"`
	// Undecided is set where nabla can neither prove nor refute the
	// equivalence: a difference of abstract functions that does not
	// simplify to 0 has no values to compare.
	Undecided bool           `json:"undecided,omitempty"`
	How       string         `json:"how"` // "symbolic" or "numeric"
	Points    int            `json:"points,omitempty"`
	Where     map[string]any `json:"where,omitempty"`
	Yours     *float64       `json:"yours,omitempty"`
	Ours      *float64       `json:"nabla,omitempty"`
	Note      string         `json:"note,omitempty"`
}

func (a *app) runAnswer(src, ans string) error {
	if a.hasSums(src) || a.hasSums(ans) {
		return libraryError{fmt.Errorf("--answer does not take indexed sums: without --answer, check compares nabla's derivative of them with finite differences at --at")}
	}
	f, err := a.parse(src, 1)
	if err != nil {
		return err
	}
	a.printNotes(f.Notes())
	wrt, err := a.wrtList(f, src, false)
	if err != nil {
		return err
	}
	if len(wrt) != 1 {
		return usagef("--answer checks the derivative with respect to one variable, but --wrt has %d", len(wrt))
	}
	yours, err := a.parse(ans, 1)
	if err != nil {
		return usagef("--answer: %v", err)
	}
	for _, n := range yours.Notes() {
		if !slices.Contains(f.Notes(), n) {
			a.printNotes([]string{"--answer: " + n})
		}
	}
	ctx, cancel := a.context()
	defer cancel()
	d, err := nabla.Derive(ctx, f, wrt, nil)
	if err != nil {
		return a.deriveError(err, f, nabla.KindAuto)
	}
	if d.Expr.Err() != nil {
		return fmt.Errorf("the derivative of %s with respect to %s has no matrix form to compare with", f, wrt[0])
	}
	ours := d.Expr
	rep := answerReport{Expr: f.Short(maxShown), Wrt: wrt[0], Answer: yours.Short(maxShown), Derivative: ours.Short(maxShown)}
	if ys, os := yours.Shape(), ours.Shape(); len(ys) == 1 && len(os) == 2 && os[0] == 1 {
		// A gradient as a column: compared as the notes' row.
		yours = nabla.T(yours)
		rep.Note = "your answer is a column; it is compared as its transpose, the row ∂f/∂" + wrt[0] + " of the notes"
	}
	if err := yours.Err(); err != nil {
		return usagef("--answer: %v", err)
	}
	if !sameShape(yours.Shape(), ours.Shape()) {
		return a.printAnswer(&rep, fmt.Errorf("your answer is %s, but the derivative is %s", shapeWords(yours.Shape()), shapeWords(ours.Shape())))
	}
	diff := nabla.Sub(yours, ours).Simplify()
	if diff.Err() == nil && diff.Equal(zeroLike(diff)) {
		rep.Equivalent, rep.How = true, "symbolic"
		return a.printAnswer(&rep, nil)
	}
	if diff.Err() == nil && len(diff.Vars()) == 0 && len(diff.Functions()) == 0 {
		// A difference without variables settles it, however small: the
		// comparison at points would take 1e-9 for rounding.
		rep.How = "symbolic"
		return a.printAnswer(&rep, fmt.Errorf("their difference simplifies to %s, a constant that is not 0", diff))
	}
	if fns := append(yours.Functions(), ours.Functions()...); len(fns) > 0 {
		// A difference that does not simplify to 0 may still be 0
		// (sin(f(x))^2 + cos(f(x))^2 - 1), and without values there is
		// no point to tell.
		rep.Undecided, rep.How = true, "symbolic"
		rep.Note = fmt.Sprintf("their difference %s does not simplify to 0, and the abstract function %s has no values to compare at points", diff.Short(maxShown), fns[0])
		return a.printAnswer(&rep, nil)
	}
	rep.How = "numeric"
	if err := a.compareAtPoints(&rep, f, yours, ours); err != nil {
		return err
	}
	return a.printAnswer(&rep, nil)
}

// zeroLike is the zero of e's shape: 0, or a zero vector or matrix.
func zeroLike(e nabla.Expr) nabla.Expr {
	return nabla.Sub(e, e).Simplify()
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && a[i] >= 0 && b[i] >= 0 {
			return false
		}
	}
	return true
}

// shapeWords says what a shape is: a scalar, a vector, a 1×n row.
func shapeWords(dims []int) string {
	switch len(dims) {
	case 0:
		return "a scalar"
	case 1:
		return "a column vector"
	}
	switch {
	case dims[0] == 1:
		return "a row vector"
	case dims[1] == 1:
		return "a column"
	}
	return "a matrix"
}

func (a *app) printAnswer(rep *answerReport, mismatch error) error {
	if mismatch != nil {
		rep.Note = mismatch.Error()
	}
	if a.format == "json" {
		if err := a.printJSON(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(a.stdout, "yours: %s\nnabla: %s\n", rep.Answer, rep.Derivative)
		if rep.Note != "" && mismatch == nil && !rep.Undecided {
			fmt.Fprintf(a.stdout, "note: %s\n", rep.Note)
		}
		switch {
		case mismatch != nil:
			fmt.Fprintf(a.stdout, "not equivalent: %v\n", mismatch)
		case rep.Undecided:
			fmt.Fprintf(a.stdout, "undecided: %s\n", rep.Note)
		case rep.Equivalent && rep.How == "symbolic":
			fmt.Fprintln(a.stdout, "equivalent: their difference simplifies to 0")
		case rep.Equivalent:
			fmt.Fprintf(a.stdout, "equivalent numerically: equal at %d random points of the domain (not a proof)\n", rep.Points)
		default:
			fmt.Fprintf(a.stdout, "not equivalent: at %s yours is %s, nabla's is %s\n", whereText(rep.Where), fullFloat(*rep.Yours), fullFloat(*rep.Ours))
		}
	}
	switch {
	case rep.Undecided:
		return errUndecided
	case !rep.Equivalent:
		return errDisagree
	}
	return nil
}

func whereText(w map[string]any) string {
	var parts []string
	for _, k := range slices.SortedFunc(maps.Keys(w), nabla.CompareNames) {
		switch v := w[k].(type) {
		case float64:
			parts = append(parts, fmt.Sprintf("%s = %s", k, fullFloat(v)))
		case []float64:
			parts = append(parts, fmt.Sprintf("%s = %s", k, listText(v)))
		case [][]float64:
			rows := make([]string, len(v))
			for i, r := range v {
				rows[i] = listText(r)
			}
			parts = append(parts, fmt.Sprintf("%s = [%s]", k, strings.Join(rows, ", ")))
		}
	}
	return strings.Join(parts, ", ")
}

// answerPoints is the number of random points at which --answer compares
// two derivatives that do not simplify to the same expression.
const answerPoints = 40

// answerScales are the magnitudes of the random points of --answer, in
// turn: a difference that shows only far from 0 (step(x - 3)) or only
// near it is found as well as one on [-3, 3].
var answerScales = []float64{3, 30, 1e3, 0.01}

// compareAtPoints compares yours and ours at the --at point, if given,
// and at random points where both are defined: scalars drawn from
// [-s, s] and (0, s], vectors and matrices of 3 entries a side (or the
// sizes --dim fixes) with entries from [-s, s], for each scale s of
// answerScales in turn. Values differ where they differ beyond the
// rounding of both (see differ).
func (a *app) compareAtPoints(rep *answerReport, f, yours, ours nabla.Expr) error {
	var points []map[string]nabla.Tensor
	if len(a.at) > 0 {
		env, err := a.point()
		if err != nil {
			return err
		}
		points = append(points, env)
	}
	vars := unionVars(f, yours, ours)
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 10 * answerPoints {
		env := map[string]nabla.Tensor{}
		positive := rng.IntN(2) == 0
		scale := answerScales[k%len(answerScales)]
		for _, v := range vars {
			dims, _ := firstDims(v, f, yours, ours)
			var shape []int
			for _, d := range dims {
				k, err := strconv.Atoi(d) // a size --dim fixed
				if err != nil {
					k = 3
				}
				shape = append(shape, k)
			}
			n := 1
			for _, k := range shape {
				n *= k
			}
			data := make([]float64, n)
			for i := range data {
				data[i] = scale * (2*rng.Float64() - 1)
				if positive && len(shape) == 0 {
					data[i] = scale * (1 - rng.Float64())
				}
			}
			env[v] = nabla.Tensor{Shape: shape, Data: data}
		}
		points = append(points, env)
	}
	checked := 0
	for _, env := range points {
		if _, err := f.Value(env); err != nil {
			continue // outside f's domain: no derivative to compare
		}
		y, err1 := yours.Value(env)
		o, err2 := ours.Value(env)
		if err1 != nil || err2 != nil || len(y.Data) != len(o.Data) {
			continue // outside the domain of one of them
		}
		checked++
		for i := range o.Data {
			if differ(yours, ours, env, y.Data[i], o.Data[i]) {
				rep.Where = map[string]any{}
				for k, t := range env {
					switch len(t.Shape) {
					case 0:
						rep.Where[k] = t.Data[0]
					case 1:
						rep.Where[k] = t.Data
					default:
						var rows [][]float64
						for r := 0; r < t.Shape[0]; r++ {
							rows = append(rows, t.Data[r*t.Shape[1]:(r+1)*t.Shape[1]])
						}
						rep.Where[k] = rows
					}
				}
				yv, ov := y.Data[i], o.Data[i]
				rep.Yours, rep.Ours = &yv, &ov
				if len(o.Data) > 1 {
					rep.Note = fmt.Sprintf("entry %d of %d differs", i+1, len(o.Data))
				}
				return nil
			}
		}
		if checked == answerPoints {
			break
		}
	}
	if checked == 0 {
		return fmt.Errorf("--answer: no point tried lies in the domain of both derivatives; give one with --at")
	}
	rep.Equivalent, rep.Points = true, checked
	return nil
}

// differ reports whether the values y of yours and o of ours at env
// differ beyond rounding. Where both are scalar functions of scalars,
// rounding is bounded by the running error bounds of their evaluation
// (Expr.EvalBound), so that a relative difference of 1e-12 between
// values computed to 1e-15 counts; otherwise, or where a bound is not
// finite, they may differ by 1e-9 relative.
func differ(yours, ours nabla.Expr, env map[string]nabla.Tensor, y, o float64) bool {
	if math.IsNaN(y) || math.IsNaN(o) {
		return math.IsNaN(y) != math.IsNaN(o)
	}
	if y == o {
		return false
	}
	allow := 1e-9 * max(math.Abs(o), 1)
	if len(yours.Shape()) == 0 && len(ours.Shape()) == 0 {
		scalars := map[string]float64{}
		for k, t := range env {
			if len(t.Shape) == 0 {
				scalars[k] = t.Data[0]
			}
		}
		_, by, err1 := yours.EvalBound(scalars)
		_, bo, err2 := ours.EvalBound(scalars)
		if err1 == nil && err2 == nil && !math.IsInf(by+bo, 0) {
			allow = by + bo + 4*0x1p-52*max(math.Abs(y), math.Abs(o))
		}
	}
	return !(math.Abs(y-o) <= allow)
}

// unionVars lists the variables of the expressions once each, in the
// order of nabla.CompareNames.
func unionVars(es ...nabla.Expr) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range es {
		for _, v := range e.Vars() {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	slices.SortFunc(out, nabla.CompareNames)
	return out
}

// firstDims gives the dimension names of v in the first expression that
// has it.
func firstDims(v string, es ...nabla.Expr) ([]string, bool) {
	for _, e := range es {
		if dims, ok := e.VarDims(v); ok {
			return dims, true
		}
	}
	return nil, false
}
