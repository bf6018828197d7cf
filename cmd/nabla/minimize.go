package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/big"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
	"github.com/nabla-math/nabla/optim"
)

// minimizeFlags are the flags of nabla minimize.
type minimizeFlags struct {
	from    []string
	lr      string
	iters   int
	methods []string
	float   bool
	gtol    float64
	plot    string
}

func (a *app) minimizeCmd() *cobra.Command {
	var fl minimizeFlags
	c := &cobra.Command{
		Use:   "minimize EXPR --from NAME=VALUE... [--method M,...] [--lr η] [--iters N]",
		Short: "minimize a function by gradient descent, Newton's method or BFGS",
		Long: `minimize minimizes the scalar EXPR over the variables of --from, starting
from their values there (the other variables are data, from --at), and
prints a table of the iterates: t, x_t, f(x_t) and ∂f/∂x(x_t).

Methods (--method, default gd; several draw on one --plot):
  gd        gradient descent, x_{t+1} = x_t - η ∂f/∂x(x_t), as in the notes
  momentum  heavy ball: v_{t+1} = β v_t + ∂f/∂x, x_{t+1} = x_t - η v_{t+1}
  adam      Adam (η default 0.001)
  newton    x_{t+1} = x_t - H⁻¹ ∂f/∂xᵀ with nabla's exact Hessian
  bfgs      gonum's BFGS, fed nabla's exact gradient
  lbfgs     gonum's L-BFGS, fed nabla's exact gradient

Gradient descent from exact values with an exact rate runs in exact
rational arithmetic, as by hand, while f folds to exact numbers
(polynomials and rational functions); --float asks for float64. It stops
when the gradient's norm is at most --gtol, when a step is negligible, or
after --iters iterations, and says which; iterates that grow are stopped
and explained. --plot draws f with its tangents at the iterates (one
variable), the contours of f with each method's path (two), or f against
t (more). --format json prints the whole trace.`,
		Example: `  nabla minimize "x^2 - 4x + 3" --from x=4 --lr 0.1 --iters 3
  nabla minimize "100(y - x^2)^2 + (1 - x)^2" --from x=-1.2 --from y=1 --method gd,newton,bfgs --lr 0.001 --plot rosenbrock.svg
  nabla minimize "||y - Φ θ||^2" --vector y,θ --matrix Φ --at Φ=@phi.csv --at y=@y.csv --from 'θ=[0,0]' --method bfgs`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return a.runMinimize(exprArg(args[0]), &fl)
		},
	}
	c.Flags().StringArrayVar(&fl.from, "from", nil, "a variable to minimize over and its starting value, e.g. --from x=4 --from 'θ=[0,0]' (repeatable)")
	c.Flags().StringVar(&fl.lr, "lr", "", "the learning rate η of gd, momentum and adam (default 0.1; 0.001 for adam)")
	c.Flags().IntVar(&fl.iters, "iters", 1000, "the most iterations")
	c.Flags().StringSliceVar(&fl.methods, "method", []string{"gd"}, "methods: gd, momentum, adam, newton, bfgs, lbfgs")
	c.Flags().BoolVar(&fl.float, "float", false, "compute in float64 even where the inputs are exact")
	c.Flags().Float64Var(&fl.gtol, "gtol", 1e-8, "stop when the gradient's norm is at most this")
	c.Flags().StringVar(&fl.plot, "plot", "", "draw the iterates into FILE (.svg, .png, .pdf)")
	a.addAt(c)
	a.addFormat(c)
	return c
}

// minProblem is what nabla minimize minimizes.
type minProblem struct {
	f      nabla.Expr
	vars   []string            // the variables of --from, in order
	shapes map[string][]int    // their shapes
	x0     []float64           // their starting values, flattened
	exact  map[string]*big.Rat // the exact starting values of scalars, and exact data
	data   map[string]nabla.Tensor
	prog   *nabla.Program
}

// minRun is one method's minimization, for printing.
type minRun struct {
	Method string     `json:"method"`
	LR     *float64   `json:"lr,omitempty"`
	Exact  bool       `json:"exact_arithmetic,omitempty"`
	Trace  []runPoint `json:"trace"`
	Stop   string     `json:"stop"`
	Why    string     `json:"why"`
	Evals  int        `json:"evaluations"`

	stopped optim.Stop
	note    string // what the run noticed
}

// runPoint is one iterate: the variables and the gradient keyed by name,
// numbers for scalars and lists for vectors and matrices (row-major).
type runPoint struct {
	T    int            `json:"t"`
	X    map[string]any `json:"x"`
	F    float64        `json:"f"`
	Grad map[string]any `json:"grad"`

	x, grad []float64 // flat
	text    []string  // x, f, gradient as printed
}

func (a *app) runMinimize(src string, fl *minimizeFlags) error {
	if err := a.checkFormat(); err != nil {
		return err
	}
	if a.format == "latex" {
		return usagef("minimize prints text or json")
	}
	if fl.iters < 0 {
		return usagef("--iters %d: the iterations must not be negative", fl.iters)
	}
	if !(fl.gtol >= 0) {
		return usagef("--gtol %v: the tolerance must not be negative", fl.gtol)
	}
	var methods []optim.Method
	for _, name := range fl.methods {
		m, err := optim.ParseMethod(name)
		if err != nil {
			return usagef("--method: %v", err)
		}
		if !slices.Contains(methods, m) {
			methods = append(methods, m)
		}
	}
	var lr *big.Rat
	lrValue := 0.0
	if fl.lr != "" {
		r, v, err := exactValue(strings.TrimSpace(fl.lr))
		if err != nil {
			return usagef("--lr %s: %v", fl.lr, err)
		}
		if !(v > 0) || math.IsInf(v, 0) {
			return usagef("--lr %s: the learning rate must be a positive number", fl.lr)
		}
		lr, lrValue = r, v
	}
	pr, err := a.minProblem(src, fl.from)
	if err != nil {
		return err
	}
	var runs []*minRun
	for _, m := range methods {
		r, err := pr.minimize(a, m, lr, lrValue, fl)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	if fl.plot != "" {
		if err := pr.plot(fl.plot, runs); err != nil {
			return err
		}
	}
	for _, r := range runs {
		if r.note != "" {
			fmt.Fprintf(a.stderr, "nabla: note: %s\n", r.note)
		}
	}
	if err := a.printRuns(pr, runs); err != nil {
		return err
	}
	for _, r := range runs {
		switch r.stopped {
		case optim.Diverging:
			return fmt.Errorf("%s diverged", methodWords[r.Method])
		case optim.Undefined:
			return fmt.Errorf("%s reached a point where f has no value", methodWords[r.Method])
		}
	}
	return nil
}

// minProblem reads EXPR, --from and --at.
func (a *app) minProblem(src string, from []string) (*minProblem, error) {
	f, err := a.parse(src, 1)
	if err != nil {
		return nil, err
	}
	a.printNotes(f.Notes())
	if len(f.Shape()) > 0 {
		return nil, usagef("minimize takes a scalar function, but %s is %s", f, describeShape(f.Shape()))
	}
	if len(from) == 0 {
		return nil, usagef("minimize needs a starting point: add --from NAME=VALUE for the variables to minimize over (%s has %s)", f, strings.Join(f.Vars(), ", "))
	}
	pr := &minProblem{f: f, shapes: map[string][]int{}, exact: map[string]*big.Rat{}}
	starts := map[string]nabla.Tensor{}
	for _, s := range from {
		name, val, ok := strings.Cut(s, "=")
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		if !ok || name == "" {
			return nil, usagef("--from %q: expected NAME=VALUE, e.g. --from x=4 or --from 'x=[-1.2,1]'", s)
		}
		if _, dup := starts[name]; dup {
			return nil, usagef("--from %s given twice", name)
		}
		if !slices.Contains(f.Vars(), name) {
			return nil, usagef("--from %s: %s has no variable %s (it has %s)", name, f, name, strings.Join(f.Vars(), ", "))
		}
		if r, v, err := exactValue(val); err == nil {
			pr.exact[name] = r
			starts[name] = nabla.Tensor{Data: []float64{v}}
		} else {
			e, err := parseValue(val)
			if err != nil {
				return nil, usagef("--from %s: %v", name, err)
			}
			t, err := e.EvalTensor(nil)
			if err != nil {
				return nil, usagef("--from %s: %v", name, err)
			}
			starts[name] = t
		}
		for i, v := range starts[name].Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, usagef("--from %s: entry %d is %v; the starting point must be finite", name, i+1, v)
			}
		}
		pr.vars = append(pr.vars, name)
		pr.shapes[name] = starts[name].Shape
		pr.x0 = append(pr.x0, starts[name].Data...)
	}
	if pr.data, err = a.point(); err != nil {
		return nil, err
	}
	for name := range pr.data {
		if _, clash := starts[name]; clash {
			return nil, usagef("%s has both --from and --at: --from gives the variables to minimize over, --at the data", name)
		}
	}
	for _, v := range f.Vars() {
		if _, ok := starts[v]; ok {
			continue
		}
		if _, ok := pr.data[v]; !ok {
			return nil, usagef("no value for %s: add --from %s=VALUE to minimize over it, or --at %s=VALUE to fix it", v, v, v)
		}
	}
	// Exact data, for exact arithmetic.
	for _, s := range a.at {
		name, val, _ := strings.Cut(s, "=")
		if r, _, err := exactValue(strings.TrimSpace(val)); err == nil {
			pr.exact[strings.TrimSpace(name)] = r
		}
	}
	if pr.prog, err = nabla.Compile(f, pr.vars...); err != nil {
		return nil, valueError(err)
	}
	for _, name := range slices.SortedFunc(maps.Keys(pr.data), nabla.CompareNames) {
		if v := pr.data[name]; slices.Contains(f.Vars(), name) {
			if err := pr.prog.Bind(name, v); err != nil {
				return nil, usageError{err}
			}
		}
	}
	// The starting values give the inputs' sizes, which their total
	// alone may not tell (a 2×3 or a 3×2 matrix); set after the data, a
	// size they disagree on is said as --from's.
	for _, v := range pr.vars {
		dims, _ := f.VarDims(v)
		if len(dims) != len(pr.shapes[v]) {
			return nil, usagef("--from %s: %s is %s, but its value is %s", v, v, shapeWords(dimsShape(dims)), describeValue(pr.shapes[v]))
		}
		for i, d := range dims {
			if _, err := strconv.Atoi(d); err == nil {
				continue // fixed by --dim: Compile checks it
			}
			if err := pr.prog.SetSize(d, pr.shapes[v][i]); err != nil {
				return nil, usagef("--from %s: %v", v, err)
			}
		}
	}
	if _, err := pr.prog.Value(pr.x0); err != nil {
		return nil, valueError(fmt.Errorf("at the starting point: %w", err))
	}
	return pr, nil
}

// minimize runs one method.
func (pr *minProblem) minimize(a *app, m optim.Method, lr *big.Rat, lrValue float64, fl *minimizeFlags) (*minRun, error) {
	r := &minRun{Method: m.String()}
	if m == optim.GD && !fl.float && (lr != nil || fl.lr == "") {
		if lr == nil {
			lr = big.NewRat(1, 10)
		}
		ok, err := pr.exactDescent(r, lr, fl)
		if err != nil || ok {
			return r, err
		}
	}
	progress := a.progress(m.String())
	s := &optim.Settings{Method: m, LR: lrValue, Iters: fl.iters, GradTol: fl.gtol}
	s.Trace = func(it optim.Iterate) {
		r.Trace = append(r.Trace, pr.point(it.T, it.X, it.F, it.Grad, nil))
		progress(it.T, it.F)
	}
	res, err := optim.Minimize(pr.prog, pr.x0, s)
	progress(-1, 0)
	var de *optim.DivergingError
	var ue *nabla.UnsupportedError
	switch {
	case errors.As(err, &de):
		res = de.Result
	case errors.As(err, &ue):
		return nil, usageError{err} // a Hessian nabla refuses
	case err != nil:
		return nil, err
	}
	if m.String() == "gd" || m.String() == "momentum" || m.String() == "adam" {
		v := res.LR
		r.LR = &v
	}
	r.Stop, r.Why, r.Evals, r.stopped = res.Stop.String(), res.Why, res.Evals, res.Stop
	return r, nil
}

// exactDescent runs gradient descent in exact arithmetic where every
// value is exact and f folds; ok is false where it does not apply.
func (pr *minProblem) exactDescent(r *minRun, lr *big.Rat, fl *minimizeFlags) (ok bool, err error) {
	x0 := make([]*big.Rat, len(pr.vars))
	for i, v := range pr.vars {
		if x0[i] = pr.exact[v]; x0[i] == nil {
			return false, nil
		}
	}
	data := map[string]*big.Rat{}
	for name := range pr.data {
		if slices.Contains(pr.f.Vars(), name) {
			if data[name] = pr.exact[name]; data[name] == nil {
				return false, nil
			}
		}
	}
	res, err := optim.ExactDescent(pr.f, pr.vars, x0, lr, data, &optim.Settings{Iters: fl.iters, GradTol: fl.gtol})
	if errors.Is(err, optim.ErrTooLong) {
		r.note = fmt.Sprintf("gd: float64 arithmetic: %v", strings.TrimPrefix(err.Error(), "optim: not exact: "))
	}
	if errors.Is(err, optim.ErrInexact) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	v, _ := lr.Float64()
	r.LR, r.Exact = &v, true
	r.Evals = len(res.Iterates)
	for _, it := range res.Iterates {
		x, g := ratFloats(it.X), ratFloats(it.Grad)
		f, _ := it.F.Float64()
		var texts []*big.Rat
		texts = append(texts, it.X...)
		texts = append(texts, it.F)
		texts = append(texts, it.Grad...)
		r.Trace = append(r.Trace, pr.point(it.T, x, f, g, texts))
	}
	r.Stop, r.Why, r.stopped = res.Stop.String(), res.Why, res.Stop
	return true, nil
}

// dimsShape is a shape of the rank of dims, for messages.
func dimsShape(dims []string) []int {
	out := make([]int, len(dims))
	for i := range out {
		out[i] = 2
	}
	return out
}

// describeValue says what a value's shape is.
func describeValue(shape []int) string {
	if len(shape) == 0 {
		return "a number"
	}
	return describeShape(shape)
}

func ratFloats(rs []*big.Rat) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i], _ = r.Float64()
	}
	return out
}

// point makes an iterate for printing; exact holds the exact x, f and
// gradient, if any.
func (pr *minProblem) point(t int, x []float64, f float64, g []float64, exact []*big.Rat) runPoint {
	p := runPoint{T: t, X: map[string]any{}, F: f, Grad: map[string]any{}, x: slices.Clone(x), grad: slices.Clone(g)}
	off := 0
	var xs, gs []string
	for _, v := range pr.vars {
		n := max(1, product(pr.shapes[v]))
		p.X[v], p.Grad[v] = jsonValue(x[off:off+n], pr.shapes[v]), jsonValue(g[off:off+n], pr.shapes[v])
		if exact != nil && n == 1 {
			xs = append(xs, exactNumber(exact[off]))
			gs = append(gs, exactNumber(exact[len(x)+1+off]))
		} else {
			xs = append(xs, numbersText(x[off:off+n], pr.shapes[v]))
			gs = append(gs, numbersText(g[off:off+n], pr.shapes[v]))
		}
		off += n
	}
	ft := floatText(f, -1)
	if exact != nil {
		ft = exactNumber(exact[len(x)])
	}
	p.text = append(append(xs, ft), gs...)
	return p
}

// exactNumber writes an exact number: a decimal or fraction where it is
// short, else its float64 value.
func exactNumber(r *big.Rat) string {
	s := ratText(r)
	if len(strings.TrimLeft(strings.ReplaceAll(s, ".", ""), "-0")) <= 17 {
		return s
	}
	v, _ := r.Float64()
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// floatText writes x with prec significant digits (-1: as few as read
// back), a negative zero as 0: a step that lands on a stationary point
// leaves -0 in f and the gradient, which is 0.
func floatText(x float64, prec int) string {
	if x == 0 {
		x = 0
	}
	return strconv.FormatFloat(x, 'g', prec, 64)
}

func product(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// jsonValue is a number, or a list, or a list of rows.
func jsonValue(v []float64, shape []int) any {
	switch len(shape) {
	case 0:
		return v[0]
	case 1:
		return slices.Clone(v)
	}
	rows := make([][]float64, shape[0])
	for i := range rows {
		rows[i] = slices.Clone(v[i*shape[1] : (i+1)*shape[1]])
	}
	return rows
}

// numbersText writes a value: 1.5, [1, 2], [[1, 2], [3, 4]].
func numbersText(v []float64, shape []int) string {
	num := func(x float64) string { return floatText(x, 10) }
	switch len(shape) {
	case 0:
		return floatText(v[0], -1)
	case 1:
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = num(x)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	rows := make([]string, shape[0])
	for i := range rows {
		rows[i] = numbersText(v[i*shape[1]:(i+1)*shape[1]], shape[1:])
	}
	return "[" + strings.Join(rows, ", ") + "]"
}

// progress returns a function that shows the iteration on a terminal
// every tenth of a second, once a run has taken half a second, and clears
// the line when called with t < 0. Piped, it does nothing.
func (a *app) progress(method string) func(t int, f float64) {
	tty, ok := a.stderr.(*os.File)
	if !ok {
		return func(int, float64) {}
	}
	if st, err := tty.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return func(int, float64) {}
	}
	start, last, shown := time.Now(), time.Time{}, false
	return func(t int, f float64) {
		if t < 0 {
			if shown {
				fmt.Fprint(tty, "\r\033[K")
			}
			return
		}
		if now := time.Now(); now.Sub(start) > 500*time.Millisecond && now.Sub(last) > 100*time.Millisecond {
			fmt.Fprintf(tty, "\r\033[K%s: iteration %d, f = %.6g", method, t, f)
			last, shown = now, true
		}
	}
}

// maxRows is the most iterates the text table shows: beyond, the first
// and last halves, with the count of those left out.
const maxRows = 30

func (a *app) printRuns(pr *minProblem, runs []*minRun) error {
	if a.format == "json" {
		return a.printJSON(runs)
	}
	for i, r := range runs {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		how := methodWords[r.Method]
		if r.LR != nil {
			how += fmt.Sprintf(", η = %s", strconv.FormatFloat(*r.LR, 'g', -1, 64))
		}
		if r.Exact {
			how += ", in exact arithmetic"
		}
		fmt.Fprintf(a.stdout, "minimize %s by %s\n", pr.f, how)
		if err := pr.table(a.stdout, r); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "stopped: %s\n", r.Why)
	}
	return nil
}

var methodWords = map[string]string{
	"gd": "gradient descent", "momentum": "gradient descent with momentum", "adam": "Adam",
	"newton": "Newton's method", "bfgs": "BFGS", "lbfgs": "L-BFGS",
}

// table writes the iterates of r.
func (pr *minProblem) table(w io.Writer, r *minRun) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"t"}
	head = append(head, pr.vars...)
	head = append(head, "f")
	for _, v := range pr.vars {
		head = append(head, "∂f/∂"+v)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	rows := r.Trace
	for i, p := range rows {
		if len(rows) > maxRows && i == maxRows/2 {
			fmt.Fprintln(tw, strings.Repeat("…\t", len(head)-1)+"…")
		}
		if len(rows) > maxRows && i >= maxRows/2 && i < len(rows)-maxRows/2 {
			continue
		}
		fmt.Fprintf(tw, "%d\t%s\n", p.T, strings.Join(p.text, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rows) > maxRows {
		fmt.Fprintf(w, "(%d of %d iterates shown; --format json gives them all)\n", maxRows, len(rows))
	}
	return nil
}
