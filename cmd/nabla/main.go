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
	"strings"
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
	cmd := app.root()
	cmd.SetArgs(protectExpressions(args))
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
// (but -h), so such an argument is an expression. A NUL byte, which
// exprArg removes, hides the sign from the flag parser.
func protectExpressions(args []string) []string {
	out := make([]string, len(args))
	for i, s := range args {
		isValue := i > 0 && strings.HasPrefix(args[i-1], "--") && !strings.Contains(args[i-1], "=") &&
			args[i-1] != "--" && args[i-1] != "--help"
		if len(s) > 1 && s[0] == '-' && s[1] != '-' && s != "-h" && !isValue {
			s = protect + s
		}
		out[i] = s
	}
	return out
}

const protect = "\x00"

// exprArg returns a positional argument as the user wrote it.
func exprArg(s string) string { return strings.TrimPrefix(s, protect) }
