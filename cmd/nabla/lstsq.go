package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/nabla-math/nabla/optim"
)

// maxDegree bounds --degree: the columns 1, x, …, x^20 on [0, 1] already
// have a condition number near 1/ε.
const maxDegree = 20

// lstsqFlags are the flags of nabla lstsq.
type lstsqFlags struct {
	target      string
	features    []string
	degree      int
	noIntercept bool
	method      string
	plot        string
}

func (a *app) lstsqCmd() *cobra.Command {
	var fl lstsqFlags
	c := &cobra.Command{
		Use:   "lstsq FILE --target NAME [--features NAME,...] [--degree K] [--no-intercept] [--method M] [--plot FILE]",
		Short: "fit a linear model to the columns of a CSV file by least squares",
		Long: `lstsq fits the column --target of the CSV file FILE, whose first row
names its columns, by the linear model y ≈ Φθ of the notes, and prints
the parameters θ that minimise ||y − Φθ||², the gradient
∂L/∂θ = −2(y − Φθ)ᵀΦ at them (zero up to rounding), the norm of the
residual ||y − Φθ|| and R², the share of the variance of y explained.

The design matrix Φ has a column of ones (the intercept; --no-intercept
leaves it out), then the --features (default: every other column), each
with its powers up to --degree: for a feature x, x, x^2, …, x^K; with
several features the powers of each one alone, without products.

Methods (--method): qr (default) solves Rθ = Qᵀy and never forms ΦᵀΦ;
normal solves ΦᵀΦθ = Φᵀy by Cholesky, whose error grows with the square
of Φ's condition number; svd uses Φ's singular values; gd runs gradient
descent from θ = 0 with the step 1/(2σ₁²), σ₁ Φ's largest singular value,
at most 100000 steps, and says so if it stops short.

Linearly dependent columns (x2 = 2·x1, or a column that is constant next
to the intercept) are an error that names them. --plot draws the data
with the fitted curve and the residuals for one feature, and the
observed target against the fitted one for several (.svg, .png, .pdf).`,
		Example: `  nabla lstsq houses.csv --target price --features size
  nabla lstsq houses.csv --target price --features size --degree 2 --plot fit.svg
  nabla lstsq houses.csv --target price --method svd --format json`,
		Args: oneFileArg,
		RunE: func(c *cobra.Command, args []string) error {
			return a.runLstsq(exprArg(args[0]), &fl)
		},
	}
	c.Flags().StringVar(&fl.target, "target", "", "the column to fit, y")
	c.Flags().StringSliceVar(&fl.features, "features", nil, "the columns to fit it by, e.g. --features size,rooms (default: all others)")
	c.Flags().IntVar(&fl.degree, "degree", 1, "the highest power of each feature")
	c.Flags().BoolVar(&fl.noIntercept, "no-intercept", false, "leave out the column of ones: a model through the origin")
	c.Flags().StringVar(&fl.method, "method", "qr", "qr, normal, svd or gd")
	c.Flags().StringVar(&fl.plot, "plot", "", "draw the fit into FILE (.svg, .png, .pdf)")
	a.addFormat(c)
	return c
}

// oneFileArg checks that a command has one argument, a file.
func oneFileArg(c *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usagef("%s takes one CSV file, got %d arguments (see 'nabla %s --help')", c.Name(), len(args), c.Name())
	}
	return nil
}

// csvTable is a CSV file of numbers with a header: its columns by name.
type csvTable struct {
	path   string
	header []string
	rows   int
	data   []float64 // row-major, rows × len(header)
}

// readCSVTable reads a CSV file of numbers; a header naming its columns is
// needed when needHeader, else missing names are x1, x2, ….
func readCSVTable(path string, needHeader bool, cmd string) (*csvTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{err}
	}
	defer f.Close()
	t, header, err := readCSV(path, f)
	if err != nil {
		return nil, usageError{err}
	}
	cols := 1
	if len(t.Shape) == 2 {
		cols = t.Shape[1]
	}
	if header == nil {
		if needHeader {
			return nil, usagef("%s: no header: %s needs the first row to name the columns, e.g. size,price", path, cmd)
		}
		for j := 0; j < cols; j++ {
			header = append(header, "x"+strconv.Itoa(j+1))
		}
	}
	for j, h := range header {
		header[j] = strings.TrimSpace(h)
		if i := slices.Index(header[:j], header[j]); i >= 0 {
			return nil, usagef("%s: columns %d and %d are both named %q", path, i+1, j+1, header[j])
		}
	}
	return &csvTable{path: path, header: header, rows: t.Shape[0], data: t.Data}, nil
}

// column returns the index of the column name, or a usage error that
// lists the columns.
func (t *csvTable) column(name, flag string) (int, error) {
	if j := slices.Index(t.header, name); j >= 0 {
		return j, nil
	}
	return 0, usagef("%s %s: %s has no such column; its columns are %s", flag, name, t.path, strings.Join(t.header, ", "))
}

// matrix returns the columns cols, at least one, as an N×len(cols)
// matrix.
func (t *csvTable) matrix(cols []int) *mat.Dense {
	m := mat.NewDense(t.rows, len(cols), nil)
	w := len(t.header)
	for i := 0; i < t.rows; i++ {
		for k, j := range cols {
			m.Set(i, k, t.data[i*w+j])
		}
	}
	return m
}

// lstsqReport is what nabla lstsq prints.
type lstsqReport struct {
	File      string    `json:"file"`
	Target    string    `json:"target"`
	Columns   []string  `json:"columns"`
	Method    string    `json:"method"`
	Rows      int       `json:"rows"`
	Rank      int       `json:"rank"`
	Cond      float64   `json:"condition_number"`
	Theta     []float64 `json:"theta"`
	Gradient  []float64 `json:"gradient"`
	Residual  float64   `json:"residual_norm"`
	R2        float64   `json:"r2"`
	Iters     int       `json:"iterations,omitempty"`
	Converged *bool     `json:"converged,omitempty"`
	Notes     []string  `json:"notes,omitempty"`
}

// lstsqFit is a fit with what its plot needs.
type lstsqFit struct {
	fl       *lstsqFlags
	target   string
	features []string
	x        *mat.Dense // the features, N×F
	y        []float64
	phi      *mat.Dense
	res      *optim.LstsqResult
}

func (a *app) runLstsq(path string, fl *lstsqFlags) error {
	if err := a.checkFormat(); err != nil {
		return err
	}
	if a.format == "latex" {
		return usagef("lstsq prints text or json")
	}
	method, err := optim.ParseLstsqMethod(fl.method)
	if err != nil {
		return usagef("--method: %v", err)
	}
	if fl.degree < 1 || fl.degree > maxDegree {
		return usagef("--degree %d: the degree must be between 1 and %d (beyond, the powers are too close to dependent to fit in float64)", fl.degree, maxDegree)
	}
	if fl.plot != "" {
		if err := plotFormat(fl.plot); err != nil {
			return err
		}
	}
	t, err := readCSVTable(path, true, "lstsq")
	if err != nil {
		return err
	}
	if fl.target == "" {
		return usagef("lstsq needs --target, the column to fit: one of %s", strings.Join(t.header, ", "))
	}
	yj, err := t.column(fl.target, "--target")
	if err != nil {
		return err
	}
	names := fl.features
	if names == nil {
		for _, h := range t.header {
			if h != fl.target {
				names = append(names, h)
			}
		}
	}
	var cols []int
	for i, name := range names {
		name = strings.TrimSpace(name)
		j, err := t.column(name, "--features")
		if err != nil {
			return err
		}
		switch {
		case j == yj:
			return usagef("--features %s: %s is the target", name, name)
		case slices.Contains(names[:i], name):
			return usagef("--features: %s is given twice", name)
		}
		names[i] = name
		cols = append(cols, j)
	}
	if len(cols) == 0 && fl.noIntercept {
		return usagef("nothing to fit by: no features, and --no-intercept leaves out the intercept")
	}
	fit := &lstsqFit{fl: fl, target: fl.target, features: names, y: t.matrix([]int{yj}).RawMatrix().Data}
	var colNames []string
	if len(cols) > 0 {
		fit.x = t.matrix(cols)
		fit.phi, colNames, err = optim.Design(fit.x, names, &optim.DesignOptions{NoIntercept: fl.noIntercept, Degree: fl.degree})
		if err != nil {
			return err
		}
	} else {
		fit.phi = mat.NewDense(t.rows, 1, nil) // the intercept alone: the mean
		for i := 0; i < t.rows; i++ {
			fit.phi.Set(i, 0, 1)
		}
		colNames = []string{optim.InterceptName}
	}
	fit.res, err = optim.LeastSquares(fit.phi, fit.y, &optim.LstsqOptions{Method: method, Names: colNames})
	var re *optim.RankError
	if errors.As(err, &re) && fl.degree > 1 && re.Column > 0 {
		err = fmt.Errorf("%w; a lower --degree may do", err)
	}
	if err != nil {
		return err
	}
	res := fit.res
	rep := &lstsqReport{
		File: path, Target: fl.target, Columns: colNames, Method: method.String(), Rows: t.rows,
		Rank: res.Rank, Cond: res.Cond, Theta: signless(res.Theta), Gradient: signless(res.Grad), Residual: res.Residual, R2: res.R2,
	}
	if method == optim.LstsqGD {
		rep.Iters, rep.Converged = res.Iters, &res.Converged
		if !res.Converged {
			rep.Notes = append(rep.Notes, fmt.Sprintf("gradient descent stopped after %d steps, short of ||∂L/∂θ|| ≤ %g of its start: with Φ's condition number κ = %.3g each step shrinks the error by only 1 − 1/κ² (use --method qr)",
				res.Iters, optim.DefaultLstsqTol, res.Cond))
		}
	}
	if fl.plot != "" {
		if err := fit.plot(fl.plot); err != nil {
			return err
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(a.stderr, "nabla: note: %s\n", n)
	}
	if a.format == "json" {
		return a.printJSON(rep)
	}
	how := method.String()
	if method == optim.LstsqGD {
		how = fmt.Sprintf("gd (%d steps)", res.Iters)
	}
	fmt.Fprintf(a.stdout, "%s ≈ Φθ, Φ = [%s]: %d rows, rank %d, condition number %.3g, by %s\n",
		fl.target, strings.Join(colNames, " "), t.rows, res.Rank, res.Cond, how)
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "column\tθ\t∂L/∂θ")
	for j, name := range colNames {
		fmt.Fprintf(w, "%s\t%s\t%s\n", name, formatFloat(res.Theta[j]), shortFloat(res.Grad[j]))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "||y - Φθ|| = %.6g\nR² = %.6g\n", res.Residual, res.R2)
	return nil
}
