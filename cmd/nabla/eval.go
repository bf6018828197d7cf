package main

import "github.com/spf13/cobra"

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
			r := whole(src, e)
			r.Notes = e.Notes()
			if err := a.evaluate(&r.Parts[0]); err != nil {
				return err
			}
			if r.Parts[0].Value == nil {
				if err := a.evaluateEmpty(&r.Parts[0]); err != nil {
					return err
				}
			}
			return a.print(r, valueOnly)
		},
	}
	a.addAt(c)
	a.addFormat(c)
	return c
}
