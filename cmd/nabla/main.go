// Command nabla differentiates, simplifies and evaluates expressions.
//
//	nabla diff "sin(2x+1)"                 2cos(2x + 1)
//	nabla diff "(x + 2y^3)^2" --wrt y      12y^2 (x + 2y^3)
//	nabla diff "x^5 - x^2 + x" --order 2   20x^3 - 2
//	nabla diff "x^2" --at x=3              2x, then 6
//	nabla diff - --wrt x < exprs.txt       one derivative per input line
//	nabla eval "log(x)" --at x=e           1
//	nabla simplify "log(exp(x)) + x*x"     x^2 + x
//
// Exit status: 0 on success, 2 for usage and parse errors, 1 for other
// failures such as a value outside a function's domain.
package main

import (
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// run executes the command line args and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	cmd := app.root(args)
	cmd.SetArgs(protectExpressions(args, shorthands(cmd, args)))
	if err := cmd.Execute(); err != nil {
		if strings.HasPrefix(err.Error(), "unknown command") {
			err = usageError{err}
		}
		return app.report(err)
	}
	return app.status
}

// protectExpressions keeps arguments that start with a minus sign, such as
// "-x^2", from being read as flags: every flag is spelt with two dashes
// but the one-letter flags of short (-h, and kmeans's -k), so such an
// argument is an expression. A NUL byte, which exprArg removes, hides the
// sign from the flag parser.
func protectExpressions(args []string, short map[byte]bool) []string {
	out := make([]string, len(args))
	for i, s := range args {
		prev := ""
		if i > 0 {
			prev = args[i-1]
		}
		// The value of a flag: --at -1, -k -1.
		isValue := strings.HasPrefix(prev, "--") && !strings.Contains(prev, "=") && prev != "--" && prev != "--help" ||
			len(prev) == 2 && prev[0] == '-' && prev != "-h" && short[prev[1]]
		if len(s) > 1 && s[0] == '-' && s[1] != '-' && !isShortFlag(s, short) && !isValue {
			s = protect + s
		}
		out[i] = s
	}
	return out
}

// isShortFlag reports whether s is a one-letter flag of short: -k, -k3 or
// -k=3.
func isShortFlag(s string, short map[byte]bool) bool {
	if !short[s[1]] {
		return false
	}
	rest := strings.TrimPrefix(s[2:], "=")
	_, err := strconv.Atoi(rest)
	return rest == "" || err == nil
}

// shorthands returns the one-letter flags of the command that args
// invoke.
func shorthands(root *cobra.Command, args []string) map[byte]bool {
	short := map[byte]bool{'h': true}
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return short
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if len(f.Shorthand) == 1 {
			short[f.Shorthand[0]] = true
		}
	})
	return short
}

const protect = "\x00"

// exprArg returns a positional argument as the user wrote it.
func exprArg(s string) string { return strings.TrimPrefix(s, protect) }
