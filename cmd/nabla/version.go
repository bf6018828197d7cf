package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla"
)

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print nabla's version",
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, args []string) error {
			fmt.Fprint(a.stdout, versionLine())
			return nil
		},
	}
}

// versionLine is what version and --version print.
func versionLine() string {
	return fmt.Sprintf("nabla %s (%s)\n", nabla.Version, runtime.Version())
}
