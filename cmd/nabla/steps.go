package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
)

// stepsFormats are the formats of nabla steps: those of the other
// commands and Markdown.
var stepsFormats = []string{"text", "latex", "markdown", "json"}

func (a *app) stepsCmd() *cobra.Command {
	var limit, solve bool
	c := &cobra.Command{
		Use:   "steps EXPR [--wrt x] [--limit | --solve]",
		Short: "a derivative worked out step by step, as the notes write it",
		Long: `steps works out the derivative of EXPR step by step, the way the lecture
notes write derivations, and ends with the result nabla diff gives.

With respect to one scalar: the rule that fires on each subexpression,
operands first, stated with its formula (constant multiple, sum, power,
product, quotient, the chain rule with u = … or h(f(g(x))), and the rules
of exp, log and the trigonometric, hyperbolic and other functions), the
parts it names and the derivatives it takes from earlier steps ("step 3"),
then the simplification to nabla's result. Other variables are held
constant. With several variables (all of EXPR's by default): each partial
derivative in turn, collected into the gradient ∇f ∈ ℝ^(1×n); for a vector
[f1, …, fm], the Jacobian row by row.

With --vector and --matrix, the derivative with respect to a vector or
matrix in index notation (§5.3–5.5): EXPR in components, differentiated
with Kronecker deltas, the sums taken out, the entries collected into a
matrix or, where none exists, a tensor; for a scalar EXPR also by the
differential, df = tr(G dX) ⇒ ∂f/∂X = Gᵀ. "f where x1 = …" works out the
chain rule with each factor's shape.

Indexed sums (sum_{n,k} r[n,k] ||x[n] - μ[k]||^2, with --matrix x,μ,r:
x[n] is row n of x) are differentiated with respect to a variable (--wrt θ)
or a member (--wrt 'μ[j]'): each sum under the sum sign, through each
member μ[k] by ∂μ[k]/∂μ[j] = δ_kj, the sum over k collapsed to its term
k = j.

--solve goes on to solve ∂f/∂w = 0 for w, a scalar or vector the
derivative is linear in: set to zero, split into (Σ_n A_n) w + Σ_n b_n,
solved, as k-means' μ[j] = (Σ_n r[n,j] x[n])/Σ_n r[n,j] and the normal
equations θ = (Σ_i x[i] x[i]ᵀ)⁻¹ Σ_i y[i] x[i].

--limit derives EXPR from the definition, lim_(h→0) (f(x + h) - f(x))/h:
polynomials (by the binomial theorem), rational functions, sin, cos, exp
and log of x and sums of these.

--format markdown writes the steps as a numbered list with LaTeX in $…$;
json gives every step with its parts.`,
		Example: `  nabla steps "sin(2x+1)"
  nabla steps "x^2 y + x y^3"
  nabla steps "x1^2 x2 + 3x1 + 6x2 where x1 = sin(t), x2 = exp(2t)" --wrt t
  nabla steps "a' X b" --vector a,b --matrix X --wrt X
  nabla steps "sum_{n,k} r[n,k] ||x[n] - μ[k]||^2" --matrix x,μ,r --wrt 'μ[j]' --solve
  nabla steps "x^3" --limit`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return a.runSteps(exprArg(args[0]), limit, solve)
		},
	}
	c.Flags().StringVar(&a.wrt, "wrt", "", "variable(s) to differentiate with respect to: x, x,y for a gradient, a vector or matrix")
	c.Flags().BoolVar(&limit, "limit", false, "derive from the definition, the limit of the difference quotient")
	c.Flags().BoolVar(&solve, "solve", false, "go on to solve ∂f/∂w = 0 for w, where the derivative is linear in w")
	c.Flags().StringSliceVar(&a.vectors, "vector", nil, "declare column vectors, e.g. --vector x,a")
	c.Flags().StringSliceVar(&a.matrices, "matrix", nil, "declare matrices, e.g. --matrix A,X")
	c.Flags().StringSliceVar(&a.symmetric, "symmetric", nil, "declare symmetric matrices, e.g. --symmetric W")
	a.addFunction(c)
	c.Flags().StringArrayVar(&a.dims, "dim", nil, "fix a symbolic size, e.g. --dim n=3 (repeatable)")
	c.Flags().StringVar(&a.format, "format", "text", "output format: "+strings.Join(stepsFormats, ", "))
	c.Flags().DurationVar(&a.timeout, "timeout", defaultTimeout, "stop a derivation that takes longer, e.g. --timeout 1m")
	return c
}

// runSteps works out and prints the derivation of src.
func (a *app) runSteps(src string, limit, solve bool) error {
	if !slices.Contains(stepsFormats, a.format) {
		return usagef("unknown format %q: choose text, latex, markdown or json", a.format)
	}
	d, notes, err := a.derivation(src, limit, solve)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintf(a.stderr, "nabla: note: %s\n", n)
	}
	switch a.format {
	case "latex":
		_, err = fmt.Fprint(a.stdout, d.LaTeX())
	case "markdown":
		_, err = fmt.Fprint(a.stdout, d.Markdown())
	case "json":
		b, err := marshal(d)
		if err != nil {
			return err
		}
		input, err := marshal(src)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.stdout, "{\"input\":%s,%s\n", input, b[1:])
		return err
	default:
		_, err = fmt.Fprint(a.stdout, d.Text())
	}
	return err
}

// derivation works out the derivation that src and the flags ask for,
// with the notes to print beside it.
func (a *app) derivation(src string, limit, solve bool) (*nabla.Derivation, []string, error) {
	opts, err := a.parseOptions(1)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case limit && solve:
		return nil, nil, usagef("--limit and --solve: choose one")
	case nabla.HasSums(src, opts) && limit:
		return nil, nil, usagef("--limit derives one variable's functions from the definition, not indexed sums")
	case nabla.HasSums(src, opts):
		return a.indexedDerivation(src, solve)
	case solve && strings.Contains(src, "where"):
		return nil, nil, usagef("--solve: write the definitions of the where clause into the expression")
	}
	var wrt []string
	if a.wrt != "" {
		wrt = splitWrt(a.wrt)
	}
	if strings.Contains(src, "where") && !limit {
		if _, err := nabla.ParseWith(src, opts); err != nil {
			var pe *nabla.Error
			if errors.As(err, &pe) {
				return nil, nil, err
			}
			return nil, nil, usageError{err}
		}
		d, err := nabla.ChainSteps(src, opts, wrt...)
		if err != nil {
			return nil, nil, a.stepsError(err)
		}
		return d, nil, nil
	}
	e, err := a.parse(src, 1)
	if err != nil {
		return nil, nil, err
	}
	notes := e.Notes()
	if len(wrt) == 0 {
		if len(e.Vars()) == 0 {
			return nil, nil, usagef("%s has no variable: name one with --wrt", strings.TrimSpace(src))
		}
		if limit {
			if wrt, err = a.wrtList(e, src, false); err != nil {
				return nil, nil, err
			}
		}
	}
	if limit {
		if len(wrt) != 1 {
			return nil, nil, usagef("--limit derives with respect to one variable: name it with --wrt")
		}
		d, err := nabla.LimitSteps(e, wrt[0])
		if errors.Is(err, nabla.ErrNoFirstPrinciples) {
			return nil, nil, fmt.Errorf("%w; without --limit, steps gives the rules", libraryError{err})
		}
		if err != nil {
			return nil, nil, a.stepsError(err)
		}
		return d, notes, nil
	}
	ctx, cancel := a.context()
	defer cancel()
	var d *nabla.Derivation
	if solve {
		if len(wrt) != 1 {
			return nil, nil, usagef("--solve solves for one variable: name it with --wrt")
		}
		d, err = nabla.SolveSteps(e, wrt[0], &nabla.StepsOptions{Context: ctx})
	} else {
		d, err = nabla.DeriveSteps(e, &nabla.StepsOptions{Context: ctx}, wrt...)
	}
	var absent *nabla.AbsentError
	switch {
	case errors.As(err, &absent) && d != nil:
		notes = append(notes, err.Error())
	case err != nil:
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, nil, fmt.Errorf("stopped after %s: the steps of %s take too long; raise --timeout", a.timeout, short(e))
		}
		return nil, nil, a.stepsError(err)
	}
	return d, notes, nil
}

// stepsError gives the exit status a failed derivation calls for: 1 for
// a derivation nabla cannot work out, 2 for a question asked wrongly.
func (a *app) stepsError(err error) error {
	var nc *nabla.NoComponentsError
	var pe *nabla.Error
	var unsupported *nabla.UnsupportedError
	var nv *nabla.NoValueError
	switch {
	case errors.As(err, &nc), errors.Is(err, nabla.ErrNoFirstPrinciples), errors.As(err, &unsupported), errors.Is(err, nabla.ErrTooLarge), errors.As(err, &nv):
		return libraryError{err}
	case errors.As(err, &pe):
		return err
	}
	return usageError{libraryError{err}}
}
