package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
)

// app holds the streams and the flags of one invocation.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	status         int

	wrt   string
	order int
	chain bool

	vectors, matrices, symmetric []string
	dims                         []string
	at                           []string
	format                       string
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr}
}

// usageError marks errors that exit with status 2.
type usageError struct{ err error }

// Error returns the message of the wrapped error.
func (e usageError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// report prints err and returns the exit status it calls for.
func (a *app) report(err error) int {
	fmt.Fprintf(a.stderr, "nabla: %s\n", err)
	var pe *nabla.Error
	if errors.As(err, &pe) {
		fmt.Fprintln(a.stderr, pe.Caret())
	}
	return statusOf(err)
}

const examples = `  nabla diff "sin(2x+1)"
  nabla diff "(x + 2y^3)^2" --wrt y
  nabla diff "x^5 - x^2 + x" --order 2
  nabla diff "x^3 sin(x)" --at x=1.5 --format json
  nabla diff - --wrt x < expressions.txt
  nabla eval "log(x) + sqrt(y)" --at x=e --at y=4
  nabla simplify "log(exp(x)) + x*x"`

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "nabla",
		Short: "nabla: the calculus of machine learning",
		Long: `nabla differentiates, simplifies and evaluates expressions exactly.

Syntax: numbers 2, 0.5, 1e-3 (integers and fractions stay exact), names
x, x1, x_1, theta, θ; constants pi, e; + - * / ^ (or **), implicit
multiplication 2x, x y, 2(x+1); functions sin cos tan asin acos atan sinh
cosh tanh exp log (ln) sqrt abs sigmoid.`,
		Example:       examples,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		msg := err.Error()
		if i := strings.Index(msg, ": strconv.Parse"); i >= 0 {
			msg = msg[:i] + ": expected a whole number"
		}
		return usagef("%s (see 'nabla %s --help')", msg, c.Name())
	})
	root.AddCommand(a.diffCmd(), a.gradCmd(), a.jacobianCmd(), a.hessianCmd(), a.evalCmd(), a.simplifyCmd(), a.versionCmd())
	return root
}

func (a *app) addFormat(c *cobra.Command) {
	c.Flags().StringVar(&a.format, "format", "text", "output format: text, latex or json")
}

func (a *app) addAt(c *cobra.Command) {
	c.Flags().StringArrayVar(&a.at, "at", nil, "evaluate at NAME=VALUE (repeatable), e.g. --at x=1.5 --at 'v=[1,2]' --at 'A=[[1,2],[3,4]]'")
	c.Flags().StringSliceVar(&a.vectors, "vector", nil, "declare column vectors, e.g. --vector x,a")
	c.Flags().StringSliceVar(&a.matrices, "matrix", nil, "declare matrices, e.g. --matrix A,X")
	c.Flags().StringSliceVar(&a.symmetric, "symmetric", nil, "declare symmetric matrices, e.g. --symmetric W")
	c.Flags().StringArrayVar(&a.dims, "dim", nil, "fix a symbolic size, e.g. --dim n=3 (repeatable)")
}

// parse reads src with the declarations of the flags; line numbers its
// first line in errors.
func (a *app) parse(src string, line int) (nabla.Expr, error) {
	opts, err := a.parseOptions(line)
	if err != nil {
		return nabla.Expr{}, err
	}
	e, err := nabla.ParseWith(src, opts)
	var pe *nabla.Error
	if err != nil && !errors.As(err, &pe) {
		err = usagef("--dim: %v", err) // the options do not fit the expression
	}
	return e, err
}

// parseOptions gathers the declarations of the flags.
func (a *app) parseOptions(line int) (*nabla.ParseOptions, error) {
	opts := &nabla.ParseOptions{Line: line, Vectors: a.vectors, Matrices: a.matrices, Symmetric: a.symmetric}
	for _, d := range a.dims {
		name, val, ok := strings.Cut(d, "=")
		k, err := strconv.Atoi(strings.TrimSpace(val))
		if !ok || err != nil || k < 1 {
			return nil, usagef("--dim %q: expected NAME=SIZE with a positive whole SIZE, e.g. --dim n=3", d)
		}
		if opts.Dims == nil {
			opts.Dims = map[string]int{}
		}
		opts.Dims[strings.TrimSpace(name)] = k
	}
	return opts, nil
}

func (a *app) checkFormat() error {
	switch a.format {
	case "text", "latex", "json":
		return nil
	}
	return usagef("unknown format %q: choose text, latex or json", a.format)
}

func (a *app) diffCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "diff EXPR | -",
		Short: "differentiate an expression",
		Long: `diff prints the simplified derivative of EXPR.

--wrt names the variable (default: the only one in EXPR); with several
variables it gives the partial derivative. --order k differentiates k
times. With "-" it reads one expression per line from standard input and
prints one result per line; a bad line prints "error: …" in its place and
the others go on.`,
		Example: `  nabla diff "x^3 sin(x)"
  nabla diff "x1^2 x2 + x1 x2^3" --wrt x1
  nabla diff "exp(sin(x))" --order 3 --format latex
  nabla diff - --wrt x < expressions.txt`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := a.checkFormat(); err != nil {
				return err
			}
			if a.order < 0 || a.order > nabla.MaxOrder {
				return usagef("--order %d out of range 0…%d", a.order, nabla.MaxOrder)
			}
			if args[0] == "-" {
				return a.batch()
			}
			r, err := a.diffOne(exprArg(args[0]), 1)
			if err != nil {
				return err
			}
			return a.print(r)
		},
	}
	c.Flags().StringVar(&a.wrt, "wrt", "", "variable(s) to differentiate with respect to: x, or x,y for a gradient or Jacobian")
	c.Flags().IntVar(&a.order, "order", 1, "order of the derivative")
	c.Flags().BoolVar(&a.chain, "chain", false, "for f where x1 = …: show the chain rule's factors ∂f/∂x and ∂x/∂t")
	a.addAt(c)
	a.addFormat(c)
	return c
}

// matrixCmd is the command of a gradient, Jacobian or Hessian.
func (a *app) matrixCmd(kind, short, long, example string) *cobra.Command {
	c := &cobra.Command{
		Use:     kind + " EXPR",
		Short:   short,
		Long:    long,
		Example: example,
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := a.checkFormat(); err != nil {
				return err
			}
			r, err := a.derive(exprArg(args[0]), 1, kind)
			if err != nil {
				return err
			}
			return a.print(r)
		},
	}
	c.Flags().StringVar(&a.wrt, "wrt", "", "variables, comma-separated (default: all, sorted)")
	a.addAt(c)
	a.addFormat(c)
	return c
}

func (a *app) gradCmd() *cobra.Command {
	return a.matrixCmd("grad", "gradient of a scalar function (a 1×n row vector)",
		`grad prints the gradient of EXPR with respect to the variables of --wrt,
a row vector ∂f/∂x of shape 1×n as in the lecture notes (numerator layout).`,
		`  nabla grad "x^2 y + sin(x y)" --wrt x,y
  nabla grad "x1^2 x2 + x1 x2^3" --at x1=1 --at x2=2 --format json`)
}

func (a *app) jacobianCmd() *cobra.Command {
	return a.matrixCmd("jacobian", "Jacobian of a vector-valued function (m×n)",
		`jacobian prints the Jacobian of EXPR = [f1, …, fm] with respect to the
variables of --wrt: the m×n matrix of ∂f_i/∂x_j.`,
		`  nabla jacobian "[x^2 y, 5x + sin(y)]" --wrt x,y`)
}

func (a *app) hessianCmd() *cobra.Command {
	return a.matrixCmd("hessian", "Hessian of a scalar function (n×n)",
		`hessian prints the Hessian of EXPR with respect to the variables of
--wrt: the symmetric n×n matrix of ∂²f/∂x_i∂x_j.`,
		`  nabla hessian "(1 - x)^2 + 100(y - x^2)^2" --wrt x,y`)
}

func (a *app) evalCmd() *cobra.Command {
	c := &cobra.Command{
		Use:     "eval EXPR --at NAME=VALUE...",
		Short:   "evaluate an expression at a point",
		Example: `  nabla eval "x^2 + y" --at x=3 --at y=0.5`,
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := a.checkFormat(); err != nil {
				return err
			}
			src := exprArg(args[0])
			e, err := a.parse(src, 1)
			if err != nil {
				return err
			}
			r := &result{Input: src, Result: e.String(), LaTeX: e.LaTeX(), Shape: shapeOf(e)}
			if err := a.evaluate(r, e); err != nil {
				return err
			}
			if r.Value == nil {
				if err := a.evaluateEmpty(r, e); err != nil {
					return err
				}
			}
			return a.printValue(r)
		},
	}
	a.addAt(c)
	a.addFormat(c)
	return c
}

func (a *app) simplifyCmd() *cobra.Command {
	c := &cobra.Command{
		Use:     "simplify EXPR",
		Short:   "simplify an expression",
		Example: `  nabla simplify "sin(x)^2 + cos(x)^2 + x*x"`,
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := a.checkFormat(); err != nil {
				return err
			}
			src := exprArg(args[0])
			e, err := a.parse(src, 1)
			if err != nil {
				return err
			}
			s := e.Simplify()
			r := &result{Input: src, Result: s.String(), LaTeX: s.LaTeX(), Shape: shapeOf(s)}
			if err := a.evaluate(r, s); err != nil {
				return err
			}
			return a.print(r)
		},
	}
	a.addAt(c)
	a.addFormat(c)
	return c
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print nabla's version",
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, args []string) error {
			fmt.Fprintf(a.stdout, "nabla %s (%s)\n", nabla.Version, runtime.Version())
			return nil
		},
	}
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			what := "an expression"
			if n == 0 {
				what = "no arguments"
			}
			got := fmt.Sprintf("%d arguments", len(args))
			if len(args) == 1 {
				got = "1 argument"
			}
			return usagef("%s takes %s, got %s (see 'nabla %s --help')", c.Name(), what, got, c.Name())
		}
		return nil
	}
}

// result is what one command prints; its fields are the JSON object.
type result struct {
	Input  string      `json:"input"`
	Wrt    string      `json:"wrt,omitempty"`
	Order  *int        `json:"order,omitempty"`
	Result string      `json:"result"`
	LaTeX  string      `json:"latex"`
	Shape  []any       `json:"shape"`
	Index  string      `json:"index,omitempty"`
	Value  *value      `json:"value,omitempty"`
	Chain  *chainSteps `json:"chain,omitempty"`
}

// chainSteps are the factors of the chain rule, df/dt = ∂f/∂x · ∂x/∂t.
type chainSteps struct {
	Inner   string `json:"inner"`
	DfDx    string `json:"df_dx"`
	DxDt    string `json:"dx_dt"`
	Product string `json:"product"`
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

// diffOne differentiates src; line numbers its first line in errors.
func (a *app) diffOne(src string, line int) (*result, error) {
	return a.derive(src, line, "diff")
}

// wrtList returns the variables of --wrt, or the expression's variables
// when all of them are wanted and --wrt is not given.
func (a *app) wrtList(e nabla.Expr, src string, all bool) ([]string, error) {
	if a.wrt != "" {
		var out []string
		for _, v := range strings.Split(a.wrt, ",") {
			out = append(out, strings.TrimSpace(v))
		}
		return out, nil
	}
	vars := e.Vars()
	switch {
	case len(vars) == 0:
		if in := strings.TrimSpace(src); in != e.String() {
			return nil, usagef("%s has no variable (it is the constant %s): name one with --wrt", in, e)
		}
		return nil, usagef("%s has no variable: name one with --wrt", strings.TrimSpace(src))
	case len(vars) > 1 && !all:
		return nil, usagef("several variables (%s): choose one with --wrt, or several as --wrt %s", strings.Join(vars, ", "), strings.Join(vars, ","))
	}
	return vars, nil
}

// derive computes what the command kind asks of src: "diff" picks the
// derivative, gradient or Jacobian from the shapes and --wrt; "grad",
// "jacobian" and "hessian" ask for those.
func (a *app) derive(src string, line int, kind string) (*result, error) {
	if a.chain {
		return a.chainRule(src, line)
	}
	e, err := a.parse(src, line)
	if err != nil {
		return nil, err
	}
	wrt, err := a.wrtList(e, src, kind != "diff")
	if err != nil {
		return nil, err
	}
	var d nabla.Expr
	if kind == "diff" && len(wrt) == 1 && nabla.NeedsTensor(e, wrt[0]) {
		return a.tensor(src, e, wrt[0])
	}
	vector := e.Rank() > 0
	switch {
	case kind == "hessian":
		d, err = nabla.Hessian(e, wrt...)
	case kind == "jacobian", kind == "diff" && len(wrt) > 1 && vector:
		d, err = nabla.Jacobian(e, wrt...)
	case kind == "grad", kind == "diff" && len(wrt) > 1:
		d, err = nabla.Grad(e, wrt...)
	default:
		d, err = nabla.Diff(e, wrt[0], a.order)
	}
	if err != nil {
		if errors.Is(err, nabla.ErrTooLarge) {
			return nil, err
		}
		return nil, usageError{err}
	}
	text, latex, err := printed(d)
	if err != nil {
		return nil, err
	}
	r := &result{Input: src, Wrt: strings.Join(wrt, ","), Result: text, LaTeX: latex, Shape: shapeOf(d)}
	if kind == "diff" && len(wrt) == 1 {
		order := a.order
		r.Order = &order
	}
	return r, a.evaluate(r, d)
}

// tensor gives the derivative of a vector or matrix with respect to a
// matrix: its differential, its entries in index notation and, at a point,
// the numeric tensor.
func (a *app) tensor(src string, e nabla.Expr, wrt string) (*result, error) {
	td, err := nabla.DiffTensor(e, wrt)
	if err != nil {
		return nil, usageError{err}
	}
	text, latex, err := printed(td.Differential)
	if err != nil {
		return nil, err
	}
	shape := append(shapeOf(e), shapeOf(td.Wrt)...)
	r := &result{Input: src, Wrt: wrt, Result: "d" + wrtName(e) + " = " + text, LaTeX: latex, Shape: shape, Index: td.Index}
	if len(a.at) == 0 {
		return r, nil
	}
	env, err := a.point()
	if err != nil {
		return nil, err
	}
	v, err := td.Values(env)
	if err != nil {
		return nil, usageError{err}
	}
	r.Value = &value{v}
	r.Shape = shapeOfTensor(v)
	return r, nil
}

func wrtName(e nabla.Expr) string {
	if vars := e.Vars(); len(vars) == 1 && e.String() == vars[0] {
		return vars[0]
	}
	return "f"
}

func shapeOfTensor(t nabla.Tensor) []any {
	out := []any{}
	for _, d := range t.Shape {
		out = append(out, d)
	}
	return out
}

// chainRule works out the chain rule of "f where x1 = …, …".
func (a *app) chainRule(src string, line int) (*result, error) {
	if len(a.vectors)+len(a.matrices)+len(a.symmetric) > 0 {
		return nil, usagef("--chain shows the factors for scalar variables; without --chain, diff gives the derivative with respect to vectors and matrices")
	}
	if _, err := nabla.ParseWith(src, &nabla.ParseOptions{Line: line}); err != nil {
		return nil, err
	}
	var wrt []string
	if a.wrt != "" {
		for _, v := range strings.Split(a.wrt, ",") {
			wrt = append(wrt, strings.TrimSpace(v))
		}
	}
	c, err := nabla.ChainRule(src, wrt...)
	if err != nil {
		return nil, usageError{err}
	}
	d := c.Result
	if d.Len() == 1 {
		d = d.Entry(0, 0)
	}
	text, latex, err := printed(d)
	if err != nil {
		return nil, err
	}
	r := &result{Input: src, Wrt: strings.Join(c.Wrt, ","), Result: text, LaTeX: latex, Shape: shapeOf(d),
		Chain: &chainSteps{
			Inner:   strings.Join(c.Inner, ","),
			DfDx:    c.DfDx.String(),
			DxDt:    c.DxDt.String(),
			Product: c.Factor.String(),
		}}
	return r, a.evaluate(r, d)
}

func printed(e nabla.Expr) (text, latex string, err error) {
	if e.Nodes() > nabla.MaxNodes {
		return "", "", nabla.ErrTooLarge
	}
	text = e.String()
	if len(text) > nabla.MaxPrint {
		return "", "", nabla.ErrTooLarge
	}
	return text, e.LaTeX(), nil
}

// point parses the --at values: numbers, vectors [1, 2] or matrices
// [[1, 2], [3, 4]], each an expression without variables.
func (a *app) point() (map[string]nabla.Tensor, error) {
	env := map[string]nabla.Tensor{}
	for _, s := range a.at {
		name, val, ok := strings.Cut(s, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, usagef("--at %q: expected NAME=VALUE, e.g. --at x=1.5 or --at 'x=[1,2,3]'", s)
		}
		v, err := nabla.Parse(val)
		if err != nil {
			return nil, usagef("--at %s: %v", name, err)
		}
		if len(v.Vars()) > 0 {
			return nil, usagef("--at %s: the value %q has a variable in it", name, strings.TrimSpace(val))
		}
		x, err := v.EvalTensor(nil)
		if err != nil {
			return nil, usagef("--at %s: %v", name, err)
		}
		if _, dup := env[name]; dup {
			return nil, usagef("--at %s given twice", name)
		}
		env[name] = x
	}
	return env, nil
}

// evaluate fills r.Value when --at was given.
func (a *app) evaluate(r *result, e nabla.Expr) error {
	if len(a.at) == 0 {
		return nil
	}
	env, err := a.point()
	if err != nil {
		return err
	}
	for _, v := range e.Vars() {
		if _, ok := env[v]; !ok {
			return usagef("no value for %s: add --at %s=VALUE", v, v)
		}
	}
	x, err := e.Value(env)
	if err != nil {
		var de *nabla.DomainError
		if errors.As(err, &de) {
			return err
		}
		return usageError{err} // values of the wrong shape or size
	}
	r.Value = &value{x}
	r.Shape = shapeOfTensor(x)
	return nil
}

// evaluateEmpty evaluates an expression without variables when eval has
// no --at.
func (a *app) evaluateEmpty(r *result, e nabla.Expr) error {
	if vars := e.Vars(); len(vars) > 0 {
		return usagef("no value for %s: add --at %s=VALUE", strings.Join(vars, ", "), vars[0])
	}
	x, err := e.EvalTensor(nil)
	if err != nil {
		return err
	}
	r.Value = &value{x}
	return nil
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

func (a *app) print(r *result) error {
	if c := r.Chain; c != nil && a.format == "text" {
		fmt.Fprintf(a.stdout, "∂f/∂x = %s\n∂x/∂t = %s\n∂f/∂x ∂x/∂t = %s\n", c.DfDx, c.DxDt, c.Product)
	}
	if r.Index != "" && a.format == "text" {
		fmt.Fprintln(a.stdout, r.Result)
		fmt.Fprintln(a.stdout, r.Index)
		if r.Value != nil {
			fmt.Fprintln(a.stdout, r.Value)
		}
		return nil
	}
	switch a.format {
	case "json":
		return a.printJSON(r)
	case "latex":
		fmt.Fprintln(a.stdout, r.LaTeX)
	default:
		fmt.Fprintln(a.stdout, r.Result)
	}
	if r.Value != nil {
		fmt.Fprintln(a.stdout, r.Value)
	}
	return nil
}

func (a *app) printValue(r *result) error {
	if a.format == "json" {
		return a.printJSON(r)
	}
	fmt.Fprintln(a.stdout, r.Value)
	return nil
}

func (a *app) printJSON(r any) error {
	b, err := marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "%s\n", b)
	return err
}

// batch differentiates every line of standard input.
func (a *app) batch() error {
	in := bufio.NewReaderSize(a.stdin, 64*1024)
	out := bufio.NewWriter(a.stdout)
	defer out.Flush()
	line := 0
	for {
		src, tooLong, err := readLine(in, maxLine)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading standard input: line %d: %w", line+1, err)
		}
		line++
		if tooLong {
			a.batchError(out, line, "", usagef("line too long: over %d bytes", maxLine))
			continue
		}
		if strings.TrimSpace(src) == "" {
			fmt.Fprintln(out)
			continue
		}
		r, err := a.diffOne(src, line)
		if err != nil {
			a.batchError(out, line, src, err)
			continue
		}
		switch a.format {
		case "json":
			b, _ := marshal(r)
			out.Write(b)
		case "latex":
			out.WriteString(r.LaTeX)
		default:
			out.WriteString(r.Result)
		}
		if r.Value != nil && a.format != "json" {
			out.WriteString("\t" + r.Value.String())
		}
		out.WriteByte('\n')
	}
	return nil
}

// maxLine bounds one line of batch input; longer lines are reported and
// skipped.
const maxLine = 1 << 20

// readLine reads one line without its end of line. A line longer than max
// is consumed and reported as tooLong. err is io.EOF only when no line is
// left.
func readLine(r *bufio.Reader, max int) (line string, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) <= max+2 {
			buf = append(buf, chunk...)
		} else {
			tooLong = true
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(buf) == 0 && !tooLong {
				return "", false, io.EOF
			}
		case nil:
		default:
			return "", false, err
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(buf), "\n"), "\r")
		if len(s) > max {
			tooLong = true
		}
		return s, tooLong, nil
	}
}

// batchError reports a failed line in its place on standard output and in
// full on standard error, and records the exit status.
func (a *app) batchError(out *bufio.Writer, line int, src string, err error) {
	msg := err.Error()
	var pe *nabla.Error
	if !errors.As(err, &pe) {
		msg = fmt.Sprintf("%d: %s", line, msg)
	}
	if a.format == "json" {
		b, _ := marshal(struct {
			Input string `json:"input"`
			Line  int    `json:"line"`
			Error string `json:"error"`
		}{src, line, msg})
		out.Write(b)
		out.WriteByte('\n')
	} else {
		fmt.Fprintf(out, "error: %s\n", msg)
	}
	fmt.Fprintf(a.stderr, "nabla: %s\n", msg)
	if pe != nil {
		fmt.Fprintln(a.stderr, pe.Caret())
	}
	if status := statusOf(err); status > a.status {
		a.status = status
	}
}

// statusOf returns the exit status that err calls for.
func statusOf(err error) int {
	var pe *nabla.Error
	var ue usageError
	if errors.As(err, &pe) || errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
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
