package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
)

// app holds the streams and the flags of one invocation.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	status         int

	wrt     string
	order   int
	chain   bool
	flat    bool
	strict  bool
	timeout time.Duration

	vectors, matrices, symmetric []string
	functions                    []string
	dims                         []string
	at                           []string
	points                       string
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
	status := statusOf(err)
	if a.format == "json" && !isVerdict(err) { // a check's report is its JSON
		// Scripts read the error where they read results: an object on
		// standard output, the position of a parse error with it.
		type jsonError struct {
			Error  string `json:"error"`
			Status int    `json:"status"`
			Line   int    `json:"line,omitempty"`
			Column int    `json:"column,omitempty"`
		}
		e := jsonError{Error: err.Error(), Status: status}
		if pe != nil {
			e.Error, e.Line, e.Column = pe.Msg, pe.Line, pe.Col
		}
		if b, jerr := json.Marshal(e); jerr == nil {
			fmt.Fprintf(a.stdout, "%s\n", b)
		}
	}
	return status
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

const examples = `  nabla diff "sin(2x+1)"
  nabla diff "(x + 2y^3)^2" --wrt y
  nabla diff "x^5 - x^2 + x" --order 2
  nabla diff "x^3 sin(x)" --at x=1.5 --format json
  nabla diff - --wrt x < expressions.txt
  nabla eval "log(x) + sqrt(y)" --at x=e --at y=4
  nabla simplify "log(exp(x)) + x*x"`

// root builds the command tree for the command line args.
func (a *app) root(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "nabla",
		Short: "nabla: the calculus of machine learning",
		Long: `nabla differentiates, simplifies and evaluates expressions exactly.

Syntax: numbers 2, 0.5, 1e-3 (integers and fractions stay exact), names
x, x1, x_1, theta, θ; constants pi, e; + - * / ^ (or **), x², implicit
multiplication 2x, x y, 2(x+1); functions sin cos tan sec csc cot asin
acos atan asec acsc acot atan2(y,x) sinh cosh tanh sech csch coth asinh
acosh atanh exp log (ln) log(x,b) log2 log10 sqrt cbrt abs sign sigmoid erf
erfc gamma lgamma digamma trigamma polygamma(n,x) sinc step (heaviside) relu
leaky_relu(x,α) softplus gelu silu huber(x,δ) max(a,b) min(a,b). With
--vector and --matrix: A x, x', X^-1, X^k (matrix power), I, eye(n), inv
(inverse) det logdet adj (adjugate) tr (trace) transpose norm sum mean prod
max min diag dot logsumexp softmax, softmax(Z,2) (each row), kron(A,B) or
A ⊗ B, <A,B>
(tr(A'B)), ||x||_1 ‖x‖₂² ||x||_inf ||X||_F, entries x[1] X[1,2] (1-based),
.* ./ .^ ⊙ ∘. With --function f: f(x), f(x, y), derivatives f'(x) f''(x)
f^(4)(x), partial derivatives ∂₁f(x, y) ∂₁₂f(x, y) (or f_1(x, y) f_12(x, y)).

Exit status: 0 on success, 2 for usage and parse errors, 1 for a derivative
that cannot be computed and other failures.`,
		Example:       examples,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       nabla.Version,
	}
	root.SetVersionTemplate(versionLine())
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		msg := err.Error()
		if i := strings.Index(msg, ": strconv.Parse"); i >= 0 {
			msg = msg[:i] + ": expected a whole number"
		}
		return usagef("%s (see '%s --help')", msg, c.CommandPath())
	})
	commands := []struct {
		name string
		make func() *cobra.Command
	}{
		{"diff", a.diffCmd}, {"grad", a.gradCmd}, {"jacobian", a.jacobianCmd}, {"hessian", a.hessianCmd},
		{"eval", a.evalCmd}, {"fd", a.fdCmd}, {"check", a.checkCmd}, {"minimize", a.minimizeCmd},
		{"taylor", a.taylorCmd}, {"steps", a.stepsCmd}, {"lstsq", a.lstsqCmd}, {"kmeans", a.kmeansCmd},
		{"simplify", a.simplifyCmd}, {"version", a.versionCmd},
	}
	// The command invoked is the only one built, with its flags, when
	// the first argument names it: building all fourteen is a tenth of
	// a batch of a thousand lines. Help and unknown commands get all.
	for _, c := range commands {
		if len(args) > 0 && args[0] == c.name {
			root.AddCommand(c.make())
			return root
		}
	}
	for _, c := range commands {
		root.AddCommand(c.make())
	}
	return root
}

func (a *app) addFormat(c *cobra.Command) {
	c.Flags().StringVar(&a.format, "format", "text", "output format: "+strings.Join(formatNames(), ", "))
}

func (a *app) addAt(c *cobra.Command) {
	c.Flags().StringArrayVar(&a.at, "at", nil, "evaluate at NAME=VALUE (repeatable), e.g. --at x=1.5 --at 'v=[1,2]' --at 'A=[[1,2],[3,4]]'")
	c.Flags().StringSliceVar(&a.vectors, "vector", nil, "declare column vectors, e.g. --vector x,a")
	c.Flags().StringSliceVar(&a.matrices, "matrix", nil, "declare matrices, e.g. --matrix A,X")
	c.Flags().StringSliceVar(&a.symmetric, "symmetric", nil, "declare symmetric matrices, e.g. --symmetric W")
	a.addFunction(c)
	c.Flags().StringArrayVar(&a.dims, "dim", nil, "fix a symbolic size, e.g. --dim n=3 (repeatable)")
}

// addFunction adds --function, which declares abstract functions.
func (a *app) addFunction(c *cobra.Command) {
	c.Flags().StringSliceVar(&a.functions, "function", nil, "declare abstract functions, e.g. --function f,g: f(x) is an unknown function, differentiated into f'(x), f''(x), f^(4)(x) and ∂₁f(x, y), ∂₁₂f(x, y) (or f_1(x, y)), with no value")
}

// defaultTimeout bounds the work of one derivative.
const defaultTimeout = 10 * time.Second

// addDerive adds the flags of the commands that differentiate.
func (a *app) addDerive(c *cobra.Command) {
	c.Flags().DurationVar(&a.timeout, "timeout", defaultTimeout, "stop a derivative that takes longer, e.g. --timeout 1m")
	c.Flags().BoolVar(&a.flat, "flat", false, "with variables of different shapes and --at: also give the value laid out flat, the blocks side by side (a Hessian as one symmetric matrix)")
	c.Flags().BoolVar(&a.strict, "strict", false, "make a --wrt variable that EXPR does not have an error (exit status 2) instead of a zero derivative with a note")
}

// wrtHelp explains --wrt in the help of the commands that differentiate.
const wrtHelp = `
--wrt takes variables, scalars, vectors or matrices, and entries of them:
X[1,2] is the entry in row 1, column 2 (1-based, as the notes' X₁₂).
With variables of different shapes the result comes in blocks, one per
variable, each in its own layout (a row for a vector, the matrix's shape
for a matrix), as ∂f/∂x = …; --flat adds their values laid out flat.
A variable that EXPR does not have gives a zero derivative and a note on
standard error that names EXPR's variables and the nearest spelling
(--strict makes it an error). A name that a where clause defines
(f where x1 = sin(t)) is refused: EXPR is in terms of t once x1 is
substituted; use --chain to see ∂f/∂x1. With respect to a symmetric
matrix (--symmetric W), the gradient is sym(G) = (G + Gᵀ)/2 of the
unconstrained gradient G, the gradient among symmetric matrices.`

// context returns the context of one derivative: it ends after --timeout.
func (a *app) context() (context.Context, context.CancelFunc) {
	if a.timeout <= 0 {
		return context.WithCancel(context.Background())
	}
	d := &deadline{at: time.Now().Add(a.timeout)}
	return d, d.stop
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
	var de *nabla.DeclarationError
	switch {
	case err == nil, errors.As(err, &pe):
	case errors.As(err, &de):
		err = usageError{err}
	default:
		err = usagef("--dim: %v", err) // the sizes do not fit the expression
	}
	return e, err
}

// parseOptions gathers the declarations of the flags.
func (a *app) parseOptions(line int) (*nabla.ParseOptions, error) {
	opts := &nabla.ParseOptions{Line: line, Vectors: a.vectors, Matrices: a.matrices, Symmetric: a.symmetric, Functions: a.functions}
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
