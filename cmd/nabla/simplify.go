package main

import "github.com/spf13/cobra"

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
			r := &result{Input: src, Expr: s, Shape: shapeOf(s)}
			if err := a.evaluate(r, s); err != nil {
				return err
			}
			return a.print(r, single)
		},
	}
	a.addAt(c)
	a.addFormat(c)
	return c
}
