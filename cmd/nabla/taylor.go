package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/nabla-math/nabla"
)

func (a *app) taylorCmd() *cobra.Command {
	var order int
	var plotPath string
	c := &cobra.Command{
		Use:   "taylor EXPR --at NAME=VALUE... [--order N]",
		Short: "the Taylor polynomial of an expression about a point",
		Long: `taylor prints the Taylor polynomial of order N of the scalar EXPR about
the point of --at,

  T_N(x) = f(x0) + f'(x0)(x - x0) + f''(x0)/2! (x - x0)^2 + … + f^(N)(x0)/N! (x - x0)^N,

by ascending degree, with exact coefficients where the point is exact.
With several scalar variables it is the multivariate polynomial of the
partial derivatives; with vector variables (order 2 at most) the
linearisation and the quadratic model f(x0) + ∇f(x0)(x - x0) +
½(x - x0)ᵀ H(x0) (x - x0), matrices held at their --at values. --plot
draws f with T_1 … T_N (one variable). JSON: "result" parses back to
the polynomial, "terms" lists the part of each degree.`,
		Example: `  nabla taylor "sin(x) + cos(x)" --at x=0 --order 5
  nabla taylor "exp(x)" --at x=1 --order 3 --plot taylor.svg
  nabla taylor "log(1 + x'x)" --vector x --at 'x=[1,2]' --order 2`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return a.runTaylor(exprArg(args[0]), order, plotPath)
		},
	}
	c.Flags().IntVar(&order, "order", 2, "the order N of the polynomial")
	c.Flags().StringVar(&plotPath, "plot", "", "draw f and its Taylor polynomials into FILE (.svg, .png, .pdf)")
	c.Flags().DurationVar(&a.timeout, "timeout", defaultTimeout, "stop a Taylor polynomial that takes longer, e.g. --timeout 1m")
	a.addAt(c)
	a.addFormat(c)
	return c
}

// taylorJSON is the JSON of nabla taylor.
type taylorJSON struct {
	Input  string            `json:"input"`
	At     map[string]string `json:"at"`
	Order  int               `json:"order"`
	Result string            `json:"result"`
	LaTeX  string            `json:"latex"`
	Terms  []string          `json:"terms"`
}

func (a *app) runTaylor(src string, order int, plotPath string) error {
	if err := a.checkFormat(); err != nil {
		return err
	}
	if order < 0 || order > 100 {
		return usagef("--order %d: the order must lie in 0 … 100", order)
	}
	f, err := a.parse(src, 1)
	if err != nil {
		return err
	}
	a.printNotes(f.Notes())
	at := map[string]nabla.Expr{}
	text := map[string]string{}
	for _, s := range a.at {
		name, val, ok := strings.Cut(s, "=")
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		if !ok || name == "" {
			return usagef("--at %q: expected NAME=VALUE, e.g. --at x=0", s)
		}
		if _, dup := at[name]; dup {
			return usagef("--at %s given twice", name)
		}
		// Decimals are exact here: the point of an expansion is a number
		// written by hand.
		var v nabla.Expr
		if r, ok := new(big.Rat).SetString(val); ok {
			v = nabla.Exact(r)
		} else if v, err = parseValue(val); err != nil {
			return usagef("--at %s: %v", name, err)
		}
		at[name], text[name] = v, v.String()
	}
	for _, v := range f.Vars() {
		if _, ok := at[v]; !ok {
			return usagef("no value for %s: add --at %s=VALUE, the point to expand about", v, v)
		}
	}
	if order >= 1 {
		for _, n := range kinks(f, at) {
			fmt.Fprintf(a.stderr, "nabla: note: %s\n", n)
		}
	}
	ctx, cancel := a.context()
	defer cancel()
	t, err := nabla.TaylorContext(ctx, f, at, order)
	if err != nil {
		err = libraryError{err}
		var de *nabla.DomainError
		var ne *nabla.NoValueError
		var unsupported *nabla.UnsupportedError
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			reached := ""
			if oe := (*nabla.TaylorOrderError)(nil); errors.As(err, &oe) {
				reached = fmt.Sprintf(" (at the derivatives of order %d)", oe.Order)
			}
			advice := "raise --timeout"
			if order > 1 {
				advice += " or lower --order"
			}
			return fmt.Errorf("stopped after %s: the Taylor polynomial of %s of order %d grows too fast%s; %s", a.timeout, short(f), order, reached, advice)
		case errors.As(err, &de), errors.As(err, &ne), errors.Is(err, nabla.ErrTooLarge), errors.As(err, &unsupported):
			return err // a coefficient without a value, too large, or no derivative to compute
		}
		return usageError{err}
	}
	if plotPath != "" {
		if err := plotTaylor(plotPath, f, at, t); err != nil {
			return err
		}
	}
	switch a.format {
	case "json":
		out := taylorJSON{Input: src, At: text, Order: order}
		if out.Result, err = t.TextLimit(nabla.MaxPrint); err != nil {
			return err
		}
		if out.LaTeX, err = t.LaTeXLimit(nabla.MaxPrint); err != nil {
			return err
		}
		for _, term := range t.Terms {
			s, err := term.TextLimit(nabla.MaxPrint)
			if err != nil {
				return err
			}
			out.Terms = append(out.Terms, s)
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s\n", b)
	case "latex":
		s, err := t.LaTeXLimit(nabla.MaxPrint)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, s)
	default:
		s, err := t.TextLimit(nabla.MaxPrint)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, s)
	}
	return nil
}

// plotTaylor draws f of one variable with its Taylor polynomials of
// orders 1 … n about the point, the partial sums of t of order n, over the
// point ± 3 (or ± 2|x₀|).
func plotTaylor(path string, f nabla.Expr, at map[string]nabla.Expr, t *nabla.TaylorPoly) error {
	if err := plotFormat(path); err != nil {
		return err
	}
	vars := f.Vars()
	if dims, _ := f.VarDims(vars[0]); len(vars) != 1 || len(dims) > 0 {
		return usagef("--plot draws functions of one scalar variable; %s has %s", f, strings.Join(vars, ", "))
	}
	v := vars[0]
	x0, err := at[v].Eval(nil)
	if err != nil {
		return usagef("--plot: %v", err)
	}
	w := max(3, 2*math.Abs(x0))
	lo, hi := x0-w, x0+w
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s and its Taylor polynomials at %s = %s", f, v, at[v])
	p.X.Label.Text, p.Y.Label.Text = v, "f"
	p.Add(plotter.NewGrid())
	eval := func(e nabla.Expr) func(float64) float64 {
		return func(x float64) float64 {
			y, err := e.Eval(map[string]float64{v: x})
			if err != nil {
				return math.NaN()
			}
			return y
		}
	}
	curve := plotter.NewFunction(eval(f))
	curve.XMin, curve.XMax, curve.Samples = lo, hi, 300
	curve.Width = vg.Points(2)
	p.Add(curve)
	p.Legend.Add(f.String(), curve)
	// The view: f's own range, with a margin, so that the polynomials,
	// which leave it, do not flatten f.
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for k := 0; k <= 300; k++ {
		if y := eval(f)(lo + (hi-lo)*float64(k)/300); !math.IsNaN(y) && !math.IsInf(y, 0) {
			ymin, ymax = min(ymin, y), max(ymax, y)
		}
	}
	for k := 1; k < len(t.Terms); k++ {
		line := plotter.NewFunction(eval(nabla.Add(t.Terms[:k+1]...).Simplify()))
		line.XMin, line.XMax, line.Samples = lo, hi, 300
		line.Color, line.Dashes = plotutil.Color(k), []vg.Length{vg.Points(4), vg.Points(2)}
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("T%d", k), line)
	}
	if ymin < ymax {
		pad := 0.25 * (ymax - ymin)
		p.Y.Min, p.Y.Max = ymin-pad, ymax+pad
	}
	p.X.Min, p.X.Max = lo, hi
	p.Legend.Top, p.Legend.Left = true, true
	return savePlot(p, path, 6*vg.Inch, 4*vg.Inch)
}

// libraryError is an error of the library as the command line prints it,
// without the library's "nabla: " (the command adds its own).
type libraryError struct{ err error }

func (e libraryError) Error() string { return strings.TrimPrefix(e.err.Error(), "nabla: ") }
func (e libraryError) Unwrap() error { return e.err }

// kinks says, for each scalar variable of a scalar f in whose direction f
// has a kink at the point (abs(x) at 0), that the expansion there rests
// on a convention: the derivatives from the right and from the left
// differ, and nabla's rules take a value between (abs′(0) = 0).
func kinks(f nabla.Expr, at map[string]nabla.Expr) []string {
	if len(f.Shape()) > 0 {
		return nil
	}
	vars := f.Vars()
	x := make([]float64, len(vars))
	for i, v := range vars {
		t, err := at[v].EvalTensor(nil)
		if err != nil || len(t.Data) != 1 {
			return nil
		}
		x[i] = t.Data[0]
	}
	p, err := nabla.Compile(f, vars...)
	if err != nil {
		return nil
	}
	var notes []string
	for i, v := range vars {
		g := func(t float64) float64 {
			y := slices.Clone(x)
			y[i] = t
			val, err := p.Value(y)
			if err != nil {
				return math.NaN()
			}
			return val
		}
		if fw, bw, ok := kinkAt(g, x[i]); ok {
			notes = append(notes, fmt.Sprintf("%s is not differentiable at %s = %s: its derivative by %s is %.6g from the right and %.6g from the left, so it has no Taylor polynomial there; this one takes the derivatives of nabla's conventions at a kink (abs′(0) = 0, relu′(0) = 0, ties of max shared evenly)", f, v, at[v], v, fw.Value, bw.Value))
		}
	}
	return notes
}
