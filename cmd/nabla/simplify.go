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
			r := whole(src, s)
			r.Notes = e.Notes()
			if err := a.evaluate(&r.Parts[0]); err != nil {
				return err
			}
			return a.print(r, alone)
		},
	}
	a.addAt(c)
	a.addFormat(c)
	return c
}
