package main

import (
	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
)

func (a *app) diffCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "diff EXPR | -",
		Short: "differentiate an expression",
		Long: `diff prints the simplified derivative of EXPR.

--wrt names the variable (default: the only one in EXPR); with several
variables it gives the partial derivative. --order k differentiates k
times: at most 100, unless EXPR is a polynomial in the variable, whose
derivatives of every order are available (0 past its degree). With "-"
it reads one expression per line from standard input and prints one
result per line; a bad line prints "error: …" in its place and the
others go on.
` + wrtHelp,
		Example: `  nabla diff "x^3 sin(x)"
  nabla diff "x1^2 x2 + x1 x2^3" --wrt x1
  nabla diff "exp(sin(x))" --order 3 --format latex
  nabla diff "f(g(x))" --function f,g
  nabla diff - --wrt x < expressions.txt`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := a.checkFormat(); err != nil {
				return err
			}
			if a.order < 0 {
				return usagef("--order %d out of range 0…%d", a.order, nabla.MaxOrder)
			}
			if args[0] == "-" {
				return a.batch(a.deriver("diff"), batchLine)
			}
			r, err := a.derive("diff", exprArg(args[0]), 1)
			if err != nil {
				return err
			}
			return a.print(r, alone)
		},
	}
	c.Flags().StringVar(&a.wrt, "wrt", "", "variable(s) to differentiate with respect to: x, or x,y for a gradient or Jacobian")
	c.Flags().IntVar(&a.order, "order", 1, "order of the derivative")
	c.Flags().BoolVar(&a.chain, "chain", false, "for f where x1 = …: show the chain rule's factors ∂f/∂x and ∂x/∂t")
	a.addAt(c)
	a.addFormat(c)
	a.addDerive(c)
	return c
}
