package main

import (
	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
)

func (a *app) evalCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "eval EXPR | - [--at NAME=VALUE...]",
		Short: "evaluate an expression at a point",
		Example: `  nabla eval "x^2 + y" --at x=3 --at y=0.5
  nabla eval "||y - Φ θ||^2" --vector y,θ --matrix Φ --at Φ=@phi.csv --at y=@y.csv --points thetas.csv`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if a.points != "" {
				if err := a.checkFormat(); err != nil {
					return err
				}
				return a.runPoints("eval", exprArg(args[0]))
			}
			return a.runExpr(exprArg(args[0]), valueOnly, func(e nabla.Expr) nabla.Expr { return e })
		},
	}
	c.Flags().StringVar(&a.points, "points", "", pointsHelp)
	a.addAt(c)
	a.addFormat(c)
	return c
}

// runExpr parses src, applies f and prints the result with its value at
// --at, in mode m; eval (valueOnly) needs no --at for an expression
// without variables. With src "-" it does so for every line of standard
// input.
func (a *app) runExpr(src string, m mode, f func(nabla.Expr) nabla.Expr) error {
	if err := a.checkFormat(); err != nil {
		return err
	}
	each := func(src string, line int) (*result, error) { return a.exprResult(src, line, m, f) }
	if src == "-" {
		if m == alone {
			m = batchLine
		}
		return a.batch(each, m)
	}
	r, err := each(src, 1)
	if err != nil {
		return err
	}
	return a.print(r, m)
}

// exprResult is what runExpr prints of src, line line of the input.
func (a *app) exprResult(src string, line int, m mode, f func(nabla.Expr) nabla.Expr) (*result, error) {
	if m == valueOnly && a.hasSums(src) {
		return a.indexedEval(src, line)
	}
	e, err := a.parse(src, line)
	if err != nil {
		return nil, err
	}
	r := whole(src, f(e))
	r.Notes = e.Notes()
	p := &r.Parts[0]
	if err := a.evaluate(r, p); err != nil {
		return nil, err
	}
	if m == valueOnly && p.Value == nil {
		if err := a.evaluateEmpty(p); err != nil {
			return nil, err
		}
	}
	return r, nil
}
