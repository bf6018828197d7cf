package main

import "github.com/spf13/cobra"

// deriver returns the derivative that the command cmd computes of one
// line, for batch mode.
func (a *app) deriver(cmd string) func(string, int) (*result, error) {
	return func(src string, line int) (*result, error) { return a.derive(cmd, src, line) }
}

// calculusCmd is the command of a gradient, Jacobian or Hessian.
func (a *app) calculusCmd(kind, short, long, example string) *cobra.Command {
	c := &cobra.Command{
		Use:     kind + " EXPR | -",
		Short:   short,
		Long:    long + "\n" + wrtHelp,
		Example: example,
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := a.checkFormat(); err != nil {
				return err
			}
			if a.points != "" {
				return a.runPoints(kind, exprArg(args[0]))
			}
			if args[0] == "-" {
				return a.batch(a.deriver(kind), batchLine)
			}
			r, err := a.derive(kind, exprArg(args[0]), 1)
			if err != nil {
				return err
			}
			return a.print(r, alone)
		},
	}
	c.Flags().StringVar(&a.wrt, "wrt", "", "variables, comma-separated (default: all, in natural order: x2 before x10)")
	a.addAt(c)
	a.addFormat(c)
	a.addDerive(c)
	c.Flags().StringVar(&a.points, "points", "", pointsHelp)
	return c
}

func (a *app) gradCmd() *cobra.Command {
	return a.calculusCmd("grad", "gradient of a scalar function (a 1×n row vector)",
		`grad prints the gradient of EXPR with respect to the variables of --wrt,
a row vector ∂f/∂x of shape 1×n as in the lecture notes (numerator layout).`,
		`  nabla grad "x^2 y + sin(x y)" --wrt x,y
  nabla grad "x1^2 x2 + x1 x2^3" --at x1=1 --at x2=2 --format json`)
}

func (a *app) jacobianCmd() *cobra.Command {
	return a.calculusCmd("jacobian", "Jacobian of a vector-valued function (m×n)",
		`jacobian prints the Jacobian of EXPR = [f1, …, fm] with respect to the
variables of --wrt: the m×n matrix of ∂f_i/∂x_j.`,
		`  nabla jacobian "[x^2 y, 5x + sin(y)]" --wrt x,y`)
}

func (a *app) hessianCmd() *cobra.Command {
	return a.calculusCmd("hessian", "Hessian of a scalar function (n×n)",
		`hessian prints the Hessian of EXPR with respect to the variables of
--wrt: the symmetric n×n matrix of ∂²f/∂x_i∂x_j.`,
		`  nabla hessian "(1 - x)^2 + 100(y - x^2)^2" --wrt x,y`)
}
