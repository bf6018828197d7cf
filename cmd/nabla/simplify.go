package main

import (
	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
)

func (a *app) simplifyCmd() *cobra.Command {
	c := &cobra.Command{
		Use:     "simplify EXPR | -",
		Short:   "simplify an expression",
		Example: `  nabla simplify "sin(x)^2 + cos(x)^2 + x*x"`,
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return a.runExpr(exprArg(args[0]), alone, nabla.Expr.Simplify)
		},
	}
	a.addAt(c)
	a.addFormat(c)
	return c
}
