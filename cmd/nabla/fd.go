package main

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
	"github.com/nabla-math/nabla/fd"
)

// fdFlags are the flags of nabla fd.
type fdFlags struct {
	steps   []string
	schemes []string
	stencil int
	plot    string
}

func (a *app) fdCmd() *cobra.Command {
	var fl fdFlags
	c := &cobra.Command{
		Use:   "fd EXPR --at NAME=VALUE... [--step H,...] [--scheme S,...]",
		Short: "estimate a derivative by finite differences, next to the exact one",
		Long: `fd estimates the derivative of EXPR with respect to the variable of
--wrt (the only variable by default) at the point of --at, by finite
differences, and prints each estimate next to the exact derivative and
the error.

Schemes (--scheme, default forward,central,richardson,complex):
  forward     (f(x+h) - f(x))/h, and more points with --stencil
  backward    (f(x) - f(x-h))/h
  central     (f(x+h) - f(x-h))/2h
  richardson  central differences extrapolated to h = 0 (Ridders' method),
              with --step the first step
  complex     Im f(x+ih)/h, for analytic functions: no cancellation

Each --step gives a row per scheme; without --step each scheme takes the
step that balances its truncation and rounding errors. Where the point
and the steps are exact (2, 0.1, 1/3) and f folds to exact numbers at
the stencil's points, forward, backward and central differences (of any
--stencil) are computed in exact rational arithmetic, as by hand: x^2 at 2 with h = 0.1
is 4.1, not 4.100000000000001. error_estimate is the scheme's own
estimate of its error, from the estimate alone. --plot draws the error
against the step on log-log axes (.svg, .png or .pdf).`,
		Example: `  nabla fd "x^2" --at x=2 --scheme forward --step 0.1,0.01
  nabla fd "sin(x) y" --at x=1 --at y=2 --wrt x --format json
  nabla fd "exp(x)" --at x=1 --plot err.svg`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return a.runFD(exprArg(args[0]), &fl)
		},
	}
	c.Flags().StringVar(&a.wrt, "wrt", "", "the variable to differentiate by (default: the only one)")
	c.Flags().StringSliceVar(&fl.steps, "step", nil, "steps h, e.g. --step 0.1,0.01 (default: the best step of each scheme)")
	c.Flags().StringSliceVar(&fl.schemes, "scheme", nil, "schemes: forward, backward, central, richardson, complex (default all but backward)")
	c.Flags().IntVar(&fl.stencil, "stencil", 2, "points of the forward, backward (2–8) and central (2, 4, 6, 8) stencils")
	c.Flags().StringVar(&fl.plot, "plot", "", "draw the error against the step into FILE (.svg, .png, .pdf)")
	a.addAt(c)
	a.addFormat(c)
	return c
}

// fdRow is one estimate of nabla fd.
type fdRow struct {
	Scheme        string   `json:"scheme"`
	Step          float64  `json:"step"`
	Estimate      float64  `json:"estimate"`
	Exact         float64  `json:"exact"`
	Error         float64  `json:"error"`
	ErrorEstimate *float64 `json:"error_estimate,omitempty"`
	// ExactArithmetic marks an estimate computed in rational arithmetic.
	ExactArithmetic bool `json:"exact_arithmetic,omitempty"`

	step, estimate, exact, err string   // as printed
	rat                        *big.Rat // the estimate in exact arithmetic
}

// fdProblem is a scalar function of one variable at a point: EXPR with
// the other variables fixed.
type fdProblem struct {
	f, df   nabla.Expr
	wrt     string
	exact   map[string]*big.Rat // the --at values that are exact numbers
	at      map[string]float64
	prog    *nabla.Program
	x       []float64 // the program's inputs; wrt at index k
	k       int
	lastErr error   // the error of the last evaluation that failed
	lastAt  float64 // and where
}

func (a *app) runFD(src string, fl *fdFlags) error {
	if err := a.checkFormat(); err != nil {
		return err
	}
	if a.format == "latex" {
		return usagef("fd prints text or json")
	}
	pr, err := a.fdProblem(src)
	if err != nil {
		return err
	}
	schemes, explicit, err := parseSchemes(fl.schemes)
	if err != nil {
		return err
	}
	steps, err := parseSteps(fl.steps)
	if err != nil {
		return err
	}
	exact, exactRat, exactText, err := pr.exactDerivative()
	if err != nil {
		return err
	}
	var rows []fdRow
	var notes []string
	for _, s := range schemes {
		for _, h := range steps {
			r, err := pr.estimate(s, h, fl.stencil)
			var na *nabla.NotAnalyticError
			if s == fd.Complex && errors.As(err, &na) && !explicit {
				notes = append(notes, fmt.Sprintf("no complex step: %v", err))
				break
			}
			if s == fd.Richardson && errors.Is(err, fd.ErrInconsistent) && !explicit {
				notes = append(notes, fmt.Sprintf("no richardson row: %v", err))
				break
			}
			if err != nil {
				return err
			}
			r.Exact, r.exact = exact, exactText
			r.Error, r.err = math.Abs(r.Estimate-exact), shortFloat(math.Abs(r.Estimate-exact))
			if r.rat != nil && exactRat != nil {
				e := new(big.Rat).Sub(r.rat, exactRat)
				e.Abs(e)
				r.Error, _ = e.Float64()
				r.err = ratText(e)
			}
			rows = append(rows, r)
		}
	}
	if w := pr.oneSided(); w != "" {
		notes = append(notes, w)
	}
	if fl.plot != "" {
		if err := pr.plotErrors(fl.plot, schemes, fl.stencil, exact); err != nil {
			return err
		}
	}
	for _, n := range notes {
		fmt.Fprintf(a.stderr, "nabla: warning: %s\n", n)
	}
	if a.format == "json" {
		return a.printJSON(rows)
	}
	fmt.Fprintf(a.stdout, "d/d%s %s = %s = %s at %s\n", pr.wrt, group(pr.f.Short(maxShown)), pr.df.Short(maxShown), exactText, pr.pointText())
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "scheme\tstep\testimate\terror\terror estimate")
	for _, r := range rows {
		est := "-"
		if r.ErrorEstimate != nil {
			est = shortFloat(*r.ErrorEstimate)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.Scheme, r.step, r.estimate, r.err, est)
	}
	return w.Flush()
}

// group parenthesises a sum or product for "d/dx (x^2 + y)".
func group(s string) string {
	if strings.ContainsAny(s, " ") {
		return "(" + s + ")"
	}
	return s
}

// fdProblem reads EXPR, --wrt and --at.
func (a *app) fdProblem(src string) (*fdProblem, error) {
	f, err := a.parse(src, 1)
	if err != nil {
		return nil, err
	}
	a.printNotes(f.Notes())
	if len(f.Shape()) > 0 {
		return nil, usagef("fd estimates the derivative of a scalar expression, but %s is %s; nabla check compares whole gradients and Jacobians", f, describeShape(f.Shape()))
	}
	vars := f.Vars()
	pr := &fdProblem{f: f, wrt: a.wrt, exact: map[string]*big.Rat{}, at: map[string]float64{}}
	switch {
	case pr.wrt == "" && len(vars) == 1:
		pr.wrt = vars[0]
	case pr.wrt == "" && len(vars) == 0:
		return nil, usagef("%s has no variable to differentiate by", f)
	case pr.wrt == "":
		return nil, usagef("%s has the variables %s: choose one with --wrt", f, strings.Join(vars, ", "))
	case strings.Contains(pr.wrt, ","):
		return nil, usagef("fd differentiates by one variable, but --wrt is %q", pr.wrt)
	}
	for _, v := range vars {
		if dims, _ := f.VarDims(v); len(dims) > 0 {
			return nil, usagef("fd takes scalar variables, but %s is a vector or matrix; nabla check compares gradients with respect to vectors and matrices", v)
		}
	}
	for _, s := range a.at {
		name, val, ok := strings.Cut(s, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, usagef("--at %q: expected NAME=VALUE, e.g. --at x=1.5", s)
		}
		if _, dup := pr.at[name]; dup {
			return nil, usagef("--at %s given twice", name)
		}
		r, v, err := exactValue(strings.TrimSpace(val))
		if err != nil {
			return nil, usagef("--at %s: %v", name, err)
		}
		if r != nil {
			pr.exact[name] = r
		}
		pr.at[name] = v
	}
	if !slices.Contains(vars, pr.wrt) {
		return nil, usagef("%s has no variable %s (it has %s)", f, pr.wrt, strings.Join(vars, ", "))
	}
	for _, v := range vars {
		if _, ok := pr.at[v]; !ok {
			return nil, usagef("no value for %s: add --at %s=VALUE", v, v)
		}
	}
	if pr.df, err = nabla.Diff(f, pr.wrt, 1); err != nil {
		return nil, err
	}
	if pr.prog, err = nabla.Compile(f, vars...); err != nil {
		return nil, err
	}
	for i, v := range vars {
		pr.x = append(pr.x, pr.at[v])
		if v == pr.wrt {
			pr.k = i
		}
	}
	return pr, nil
}

// describeShape says what a shape is, for messages.
func describeShape(dims []int) string {
	switch len(dims) {
	case 1:
		return fmt.Sprintf("a vector of %d entries", dims[0])
	case 2:
		return fmt.Sprintf("a %d×%d matrix", dims[0], dims[1])
	}
	return "a vector or matrix"
}

// exactValue reads a number: exactly when it is a decimal or a fraction
// (2, 0.1, 1e-3, 1/3), else as an expression without variables (pi/4).
func exactValue(s string) (*big.Rat, float64, error) {
	if r, ok := new(big.Rat).SetString(s); ok {
		v, _ := r.Float64()
		if math.IsInf(v, 0) {
			return nil, 0, fmt.Errorf("%s is beyond the range of float64", s)
		}
		return r, v, nil
	}
	e, err := parseValue(s)
	if err != nil {
		return nil, 0, err
	}
	if len(e.Shape()) > 0 {
		return nil, 0, fmt.Errorf("fd takes a number, not %s", describeShape(e.Shape()))
	}
	if r, ok := e.Rat(); ok {
		v, _ := r.Float64()
		return r, v, nil
	}
	v, err := e.Eval(nil)
	return nil, v, err
}

// parseSchemes reads --scheme; explicit reports whether it was given.
func parseSchemes(names []string) (schemes []fd.Scheme, explicit bool, err error) {
	if len(names) == 0 {
		return []fd.Scheme{fd.Forward, fd.Central, fd.Richardson, fd.Complex}, false, nil
	}
	for _, n := range names {
		s, err := fd.ParseScheme(strings.TrimSpace(n))
		if err != nil {
			return nil, true, usagef("--scheme: %v", err)
		}
		if !slices.Contains(schemes, s) {
			schemes = append(schemes, s)
		}
	}
	return schemes, true, nil
}

// fdStep is a step given with --step: exact where it reads as a decimal
// or fraction. The zero fdStep is the scheme's own step.
type fdStep struct {
	r   *big.Rat
	v   float64
	src string
}

func parseSteps(srcs []string) ([]fdStep, error) {
	if len(srcs) == 0 {
		return []fdStep{{}}, nil
	}
	var steps []fdStep
	for _, s := range srcs {
		s = strings.TrimSpace(s)
		r, v, err := exactValue(s)
		if err != nil {
			return nil, usagef("--step %s: %v", s, err)
		}
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, usagef("--step %s: a step must be a positive number", s)
		}
		steps = append(steps, fdStep{r: r, v: v, src: s})
	}
	return steps, nil
}

// exactDerivative evaluates the symbolic derivative at the point: exactly
// (r) where it folds to an exact number.
func (pr *fdProblem) exactDerivative() (v float64, r *big.Rat, text string, err error) {
	if r, ok := pr.exactAt(pr.df, nil); ok {
		v, _ := r.Float64()
		return v, r, ratText(r), nil
	}
	v, err = pr.df.Eval(pr.at)
	if err != nil {
		return 0, nil, "", fmt.Errorf("the derivative %s at %s: %w", pr.df, pr.pointText(), err)
	}
	return v, nil, strconv.FormatFloat(v, 'g', -1, 64), nil
}

// exactAt evaluates e exactly at the point with wrt moved to at (nil for
// the point's own value), when every value is exact and e folds.
func (pr *fdProblem) exactAt(e nabla.Expr, at *big.Rat) (*big.Rat, bool) {
	defs := map[string]nabla.Expr{}
	for _, v := range pr.f.Vars() {
		r := pr.exact[v]
		if v == pr.wrt && at != nil {
			r = at
		}
		if r == nil {
			return nil, false
		}
		defs[v] = nabla.Exact(r)
	}
	return e.Subs(defs).Simplify().Rat()
}

// value evaluates f with wrt at t; NaN where f is undefined, the reason
// kept in lastErr.
func (pr *fdProblem) value(t float64) float64 {
	x := slices.Clone(pr.x)
	x[pr.k] = t
	v, err := pr.prog.Value(x)
	if err != nil {
		pr.lastErr, pr.lastAt = err, t
		return math.NaN()
	}
	return v
}

// complexValue evaluates f in complex arithmetic with wrt at z.
func (pr *fdProblem) complexValue(z complex128) complex128 {
	env := make(map[string]complex128, len(pr.at))
	for k, v := range pr.at {
		env[k] = complex(v, 0)
	}
	env[pr.wrt] = z
	v, err := pr.f.EvalComplex(env)
	if err != nil {
		pr.lastErr = err
		return complex(math.NaN(), math.NaN())
	}
	return v
}

// estimate computes one row: the scheme s with the step h.
func (pr *fdProblem) estimate(s fd.Scheme, h fdStep, stencil int) (fdRow, error) {
	r := fdRow{Scheme: s.String(), Step: h.v, step: h.src}
	if h.r != nil && (s == fd.Forward || s == fd.Backward || s == fd.Central) {
		if q, ok := pr.exactDifference(s, h.r, stencil); ok {
			r.Estimate, _ = q.Float64()
			r.estimate, r.rat, r.ExactArithmetic = ratText(q), q, true
		}
	}
	x0 := pr.at[pr.wrt]
	set := &fd.Settings{Scheme: s, Step: h.v, Points: stencil}
	if s == fd.Richardson || s == fd.Complex {
		set.Points = 0
	}
	pr.lastErr = nil
	var est fd.Estimate
	var err error
	if s == fd.Complex {
		est, err = fd.DerivativeComplex(pr.complexValue, x0, set)
	} else {
		est, err = fd.Derivative(pr.value, x0, set)
	}
	if err != nil {
		if errors.Is(err, fd.ErrInconsistent) {
			return r, fmt.Errorf("%s differences at %s: %w: f varies faster near the point than any step resolves", s, pr.pointText(), err)
		}
		if pr.lastErr != nil && s != fd.Complex {
			return r, fmt.Errorf("%s differences at %s reach %s = %s, where: %w", s, pr.pointText(), pr.wrt, strconv.FormatFloat(pr.lastAt, 'g', -1, 64), pr.lastErr)
		}
		if pr.lastErr != nil {
			return r, fmt.Errorf("%s differences at %s: %w", s, pr.pointText(), pr.lastErr)
		}
		return r, fmt.Errorf("%s differences: %w", s, err)
	}
	if h.src == "" {
		r.Step, r.step = est.Step, shortFloat(est.Step)
	}
	if !r.ExactArithmetic {
		r.Estimate, r.estimate = est.Value, strconv.FormatFloat(est.Value, 'g', -1, 64)
	}
	e := est.Err
	r.ErrorEstimate = &e
	return r, nil
}

// exactDifference computes the difference of scheme s with the step h
// and stencil points in rational arithmetic, Σ wₖ f(x + oₖh)/h with the
// stencil's exact weights, when f folds to exact numbers there.
func (pr *fdProblem) exactDifference(s fd.Scheme, h *big.Rat, stencil int) (*big.Rat, bool) {
	x0 := pr.exact[pr.wrt]
	if x0 == nil {
		return nil, false
	}
	offsets, weights, err := fd.Stencil(s, 1, stencil)
	if err != nil {
		return nil, false
	}
	sum := new(big.Rat)
	for k, o := range offsets {
		x := new(big.Rat).Mul(h, big.NewRat(int64(o), 1))
		fx, ok := pr.exactAt(pr.f, x.Add(x, x0))
		if !ok {
			return nil, false
		}
		sum.Add(sum, fx.Mul(fx, weights[k]))
	}
	return sum.Quo(sum, h), true
}

// oneSided compares the forward and backward derivatives: where they
// differ beyond their error estimates, f has a kink or a jump at the point
// (abs(x) at 0), and no finite difference there means anything.
func (pr *fdProblem) oneSided() string {
	fw, bw, ok := kinkAt(pr.value, pr.at[pr.wrt])
	if !ok {
		return ""
	}
	return fmt.Sprintf("the derivative from the right (%.6g) and from the left (%.6g) differ: %s is not differentiable at %s, and finite differences there depend on the scheme",
		fw.Value, bw.Value, pr.f, pr.pointText())
}

// kinkAt estimates g′ at x from the right and from the left, and reports
// whether they differ beyond their error estimates: a kink.
func kinkAt(g func(float64) float64, x float64) (fw, bw fd.Estimate, ok bool) {
	fw, err1 := fd.Derivative(g, x, &fd.Settings{Scheme: fd.Forward})
	bw, err2 := fd.Derivative(g, x, &fd.Settings{Scheme: fd.Backward})
	return fw, bw, err1 == nil && err2 == nil && kink(fw, bw)
}

// kink reports whether a forward and a backward estimate differ beyond
// their error estimates.
func kink(fw, bw fd.Estimate) bool {
	scale := max(math.Abs(fw.Value), math.Abs(bw.Value), 1)
	return math.Abs(fw.Value-bw.Value) > 10*(fw.Err+bw.Err)+1e-6*scale
}

// pointText writes the point, "x = 2, y = 1/2".
func (pr *fdProblem) pointText() string {
	var parts []string
	for _, v := range pr.f.Vars() {
		t := shortFloat(pr.at[v])
		if r := pr.exact[v]; r != nil {
			t = ratText(r)
		}
		parts = append(parts, v+" = "+t)
	}
	return strings.Join(parts, ", ")
}

// ratText writes r as a decimal where it ends (4.1), else as a fraction.
func ratText(r *big.Rat) string {
	d := new(big.Int).Set(r.Denom())
	digits := 0
	for _, p := range []*big.Int{big.NewInt(2), big.NewInt(5)} {
		k := 0
		for m := new(big.Int); m.Mod(d, p).Sign() == 0; k++ {
			d.Quo(d, p)
		}
		digits = max(digits, k)
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		return r.RatString()
	}
	return r.FloatString(digits)
}

// shortFloat writes an error or a step: three significant digits.
func shortFloat(v float64) string { return floatText(v, 3) }
