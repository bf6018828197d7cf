package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/nabla-math/nabla"
)

// cliCase is one invocation of the command line and everything it must
// print.
type cliCase struct {
	name   string
	args   []string
	stdin  string
	stdout string
	stderr string
	status int
}

// check runs c and compares stdout, stderr and the exit status exactly.
func check(t *testing.T, c cliCase) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	status := run(c.args, strings.NewReader(c.stdin), &stdout, &stderr)
	if got := stdout.String(); got != c.stdout {
		t.Errorf("nabla %s: stdout:\n%s\nwant:\n%s", shortArgs(c.args), got, c.stdout)
	}
	if got := stderr.String(); got != c.stderr {
		t.Errorf("nabla %s: stderr:\n%s\nwant:\n%s", shortArgs(c.args), got, c.stderr)
	}
	if status != c.status {
		t.Errorf("nabla %s: exit status %d, want %d", shortArgs(c.args), status, c.status)
	}
}

// shortArgs quotes args for a failure message, cutting long ones.
func shortArgs(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if len(a) > 40 {
			a = a[:40] + "…"
		}
		b.WriteString("'" + a + "'")
	}
	return b.String()
}

func runAll(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c) })
	}
}

// parseError is the standard error of a command that fails on a parse
// error: the one-line message, then the input with a caret under column
// col (1-based).
func parseError(src string, line, col int, msg string) string {
	return "nabla: " + strconv.Itoa(line) + ":" + strconv.Itoa(col) + ": " + msg + "\n" +
		"  " + src + "\n" +
		"  " + strings.Repeat(" ", col-1) + "^\n"
}

func TestDiffSeedExamples(t *testing.T) {
	runAll(t, []cliCase{
		{name: "square", args: []string{"diff", "x^2"}, stdout: "2x\n"},
		{name: "sixth power", args: []string{"diff", "x^6"}, stdout: "6x^5\n"},
		{name: "polynomial", args: []string{"diff", "x^5 - x^2 + x"}, stdout: "5x^4 - 2x + 1\n"},
		{name: "quadratic", args: []string{"diff", "x^2 - 4x + 3"}, stdout: "2x - 4\n"},
		{name: "chain rule linear inside", args: []string{"diff", "sin(2x+1)"}, stdout: "2cos(2x + 1)\n"},
		{name: "chain rule nested", args: []string{"diff", "(sin(x^4))^5"}, stdout: "20x^3 sin(x^4)^4 cos(x^4)\n"},
		{name: "product rule", args: []string{"diff", "x^3 sin(x)"}, stdout: "x^3 cos(x) + 3x^2 sin(x)\n"},
		{name: "power of polynomial", args: []string{"diff", "(x^2+5x+6)^10"}, stdout: "10(2x + 5) (x^2 + 5x + 6)^9\n"},
		{name: "exp", args: []string{"diff", "exp(x)"}, stdout: "exp(x)\n"},
		{name: "e to the x", args: []string{"diff", "e^x"}, stdout: "exp(x)\n"},
		{name: "quotient rule", args: []string{"diff", "(x^2+1)/(x-1)"}, stdout: "(x^2 - 2x - 1)/(x - 1)^2\n"},
		{name: "x to the x", args: []string{"diff", "x^x"}, stdout: "x^x (log(x) + 1)\n"},
		{name: "x to the n", args: []string{"diff", "x^n", "--wrt", "x"}, stdout: "n x^(n - 1)\n"},
		{name: "negative power", args: []string{"diff", "x^-1"}, stdout: "-1/x^2\n"},
		{name: "double star power", args: []string{"diff", "x**2"}, stdout: "2x\n"},
		{name: "fraction times x", args: []string{"diff", "2/3x"}, stdout: "2/3\n"},
		{name: "implicit product with parenthesis", args: []string{"diff", "x(x+1)"}, stdout: "2x + 1\n"},
		{name: "multi-letter name is one variable", args: []string{"diff", "xy", "--wrt", "x"}, stdout: "0\n",
			stderr: "nabla: note: x does not occur in the expression, so the derivative with respect to it is 0 (its variables: xy)\n"},
		{name: "variable absent", args: []string{"diff", "x^2", "--wrt", "y"}, stdout: "0\n",
			stderr: "nabla: note: y does not occur in the expression, so the derivative with respect to it is 0 (its variables: x)\n"},
		{name: "variable absent, strict", args: []string{"diff", "x^2", "--wrt", "y", "--strict"}, status: 2,
			stderr: "nabla: y does not occur in the expression, so the derivative with respect to it is 0 (its variables: x)\n"},
	})
}

func TestDiffFunctions(t *testing.T) {
	runAll(t, []cliCase{
		{name: "log", args: []string{"diff", "log(x)"}, stdout: "1/x\n"},
		{name: "ln", args: []string{"diff", "ln(x)"}, stdout: "1/x\n"},
		{name: "sqrt", args: []string{"diff", "sqrt(x)"}, stdout: "1/(2sqrt(x))\n"},
		{name: "tan", args: []string{"diff", "tan(x)"}, stdout: "1/cos(x)^2\n"},
		{name: "atan", args: []string{"diff", "atan(x)"}, stdout: "1/(x^2 + 1)\n"},
		{name: "asin", args: []string{"diff", "asin(x)"}, stdout: "1/sqrt(1 - x^2)\n"},
		{name: "acos", args: []string{"diff", "acos(x)"}, stdout: "-1/sqrt(1 - x^2)\n"},
		{name: "sinh", args: []string{"diff", "sinh(x)"}, stdout: "cosh(x)\n"},
		{name: "cosh", args: []string{"diff", "cosh(x)"}, stdout: "sinh(x)\n"},
		{name: "tanh", args: []string{"diff", "tanh(x)"}, stdout: "1 - tanh(x)^2\n"},
		{name: "abs", args: []string{"diff", "abs(x)"}, stdout: "sign(x)\n"},
		{name: "sigmoid", args: []string{"diff", "sigmoid(x)"}, stdout: "sigmoid(x) (1 - sigmoid(x))\n"},
	})
}

func TestDiffPartial(t *testing.T) {
	runAll(t, []cliCase{
		{name: "wrt x", args: []string{"diff", "(x + 2y^3)^2", "--wrt", "x"}, stdout: "2(x + 2y^3)\n"},
		{name: "wrt y", args: []string{"diff", "(x + 2y^3)^2", "--wrt", "y"}, stdout: "12y^2 (x + 2y^3)\n"},
		{name: "wrt x1", args: []string{"diff", "x1^2 x2 + x1 x2^3", "--wrt", "x1"}, stdout: "2x1 x2 + x2^3\n"},
		{name: "wrt x2", args: []string{"diff", "x1^2 x2 + x1 x2^3", "--wrt", "x2"}, stdout: "x1^2 + 3x1 x2^2\n"},
	})
}

func TestDiffOrder(t *testing.T) {
	runAll(t, []cliCase{
		{name: "second", args: []string{"diff", "x^5 - x^2 + x", "--order", "2"}, stdout: "20x^3 - 2\n"},
		{name: "third", args: []string{"diff", "x^5 - x^2 + x", "--order", "3"}, stdout: "60x^2\n"},
		{name: "zeroth is the input", args: []string{"diff", "x^5 - x^2 + x", "--order", "0"}, stdout: "x^5 - x^2 + x\n"},
		{name: "third of exp sin", args: []string{"diff", "exp(sin(x))", "--order", "3"}, stdout: "cos(x) exp(sin(x)) (cos(x)^2 - 3sin(x) - 1)\n"},
		{name: "fifth of a power", args: []string{"diff", "(x+1)^100", "--order", "5"}, stdout: "9034502400(x + 1)^95\n"},
		{name: "hundredth of sin", args: []string{"diff", "sin(x)", "--order", "100"}, stdout: "sin(x)\n"},
	})
}

func TestDiffAt(t *testing.T) {
	runAll(t, []cliCase{
		{name: "result then value", args: []string{"diff", "x^2", "--at", "x=3"}, stdout: "2x\n6\n"},
		{name: "partial at a point", args: []string{"diff", "(x + 2y^3)^2", "--wrt", "y", "--at", "x=1", "--at", "y=1"}, stdout: "12y^2 (x + 2y^3)\n36\n"},
		{name: "spaces around the name", args: []string{"diff", "x^2", "--at", "x = 3"}, stdout: "2x\n6\n"},
		{name: "latex then value", args: []string{"diff", "x^2", "--at", "x=3", "--format", "latex"}, stdout: "2 x\n6\n"},
		{name: "missing value", args: []string{"diff", "x^2 y", "--wrt", "x", "--at", "x=2"},
			stderr: "nabla: no value for y: add --at y=VALUE\n", status: 2},
		{name: "domain error", args: []string{"diff", "log(x)", "--at", "x=0"},
			stderr: "nabla: log of a non-positive number in log(x), so log(x) has no derivative there\n", status: 1},
		{name: "derivative defined where f is not", args: []string{"diff", "log(log(x))", "--at", "x=0.5"},
			stderr: "nabla: log of a non-positive number in log(log(x)), so log(log(x)) has no derivative there\n", status: 1},
		{name: "derivative undefined where f is", args: []string{"diff", "sqrt(x)", "--at", "x=0"},
			stderr: "nabla: division by zero in 1/sqrt(x)\n", status: 1},
		{name: "malformed point", args: []string{"diff", "x^2", "--at", "x"},
			stderr: "nabla: --at \"x\": expected NAME=VALUE, e.g. --at x=1.5 or --at 'x=[1,2,3]'\n", status: 2},
	})
}

func TestDiffFormats(t *testing.T) {
	runAll(t, []cliCase{
		{name: "latex product", args: []string{"diff", "x^3 sin(x)", "--format", "latex"},
			stdout: "x^{3} \\cos\\left(x\\right) + 3 x^{2} \\sin\\left(x\\right)\n"},
		{name: "latex chain", args: []string{"diff", "sin(2x+1)", "--format", "latex"},
			stdout: "2 \\cos\\left(2 x + 1\\right)\n"},
		{name: "latex partial", args: []string{"diff", "(x + 2y^3)^2", "--wrt", "y", "--format", "latex"},
			stdout: "12 y^{2} \\left(x + 2 y^{3}\\right)\n"},
		{name: "json", args: []string{"diff", "x^3 sin(x)", "--format", "json"},
			stdout: `{"input":"x^3 sin(x)","wrt":"x","order":1,"result":"x^3 cos(x) + 3x^2 sin(x)","latex":"x^{3} \\cos\\left(x\\right) + 3 x^{2} \\sin\\left(x\\right)","shape":[]}` + "\n"},
		{name: "json with value", args: []string{"diff", "x^3 sin(x)", "--at", "x=1.5", "--format", "json"},
			stdout: `{"input":"x^3 sin(x)","wrt":"x","order":1,"result":"x^3 cos(x) + 3x^2 sin(x)","latex":"x^{3} \\cos\\left(x\\right) + 3 x^{2} \\sin\\left(x\\right)","shape":[],"value":6.971829215205864}` + "\n"},
		{name: "json partial", args: []string{"diff", "(x + 2y^3)^2", "--wrt", "y", "--format", "json"},
			stdout: `{"input":"(x + 2y^3)^2","wrt":"y","order":1,"result":"12y^2 (x + 2y^3)","latex":"12 y^{2} \\left(x + 2 y^{3}\\right)","shape":[]}` + "\n"},
		{name: "json second order", args: []string{"diff", "x^5 - x^2 + x", "--order", "2", "--format", "json"},
			stdout: `{"input":"x^5 - x^2 + x","wrt":"x","order":2,"result":"20x^3 - 2","latex":"20 x^{3} - 2","shape":[]}` + "\n"},
		{name: "unknown format", args: []string{"diff", "x", "--format", "xml"},
			stderr: "nabla: unknown format \"xml\": choose text, latex or json\n", status: 2},
	})
}

func TestDiffWrtDefault(t *testing.T) {
	runAll(t, []cliCase{
		{name: "one variable", args: []string{"diff", "theta^2"}, stdout: "2theta\n"},
		{name: "two variables", args: []string{"diff", "(x + 2y^3)^2"},
			stderr: "nabla: several variables (x, y): choose one with --wrt, or several as --wrt x,y\n", status: 2},
		{name: "subscripted variables", args: []string{"diff", "x1^2 x2 + x1 x2^3"},
			stderr: "nabla: several variables (x1, x2): choose one with --wrt, or several as --wrt x1,x2\n", status: 2},
		{name: "exponent variable", args: []string{"diff", "x^n"},
			stderr: "nabla: several variables (n, x): choose one with --wrt, or several as --wrt n,x\n", status: 2},
		{name: "no variable", args: []string{"diff", "3"},
			stderr: "nabla: 3 has no variable: name one with --wrt\n", status: 2},
	})
}

func TestDiffBatch(t *testing.T) {
	runAll(t, []cliCase{
		{
			name:  "bad and blank lines",
			args:  []string{"diff", "-", "--wrt", "x"},
			stdin: "x^2\nsin(2x+\n\nx^3 sin(x)\nfoo(x)\n(x^2+5x+6)^10\n",
			stdout: "2x\n" +
				"error: 2:8: expected an expression after '+', found end of input\n" +
				"\n" +
				"x^3 cos(x) + 3x^2 sin(x)\n" +
				"error: 5:1: unknown function foo; did you mean cos or cot or dot or log?\n" +
				"10(2x + 5) (x^2 + 5x + 6)^9\n",
			stderr: parseError("sin(2x+", 2, 8, "expected an expression after '+', found end of input") +
				parseError("foo(x)", 5, 1, "unknown function foo; did you mean cos or cot or dot or log?"),
			status: 2,
		},
		{
			name:   "all good",
			args:   []string{"diff", "-", "--wrt", "x"},
			stdin:  "x^2\nsin(2x+1)\nx^x\n",
			stdout: "2x\n2cos(2x + 1)\nx^x (log(x) + 1)\n",
		},
		{
			name:   "last line without newline",
			args:   []string{"diff", "-", "--wrt", "x"},
			stdin:  "x^2\nx^3",
			stdout: "2x\n3x^2\n",
		},
		{
			name:   "empty input",
			args:   []string{"diff", "-", "--wrt", "x"},
			stdin:  "",
			stdout: "",
		},
		{
			name:   "wrt from each line",
			args:   []string{"diff", "-"},
			stdin:  "x^2\nx^2+y^2\n",
			stdout: "2x\nerror: 2: several variables (x, y): choose one with --wrt, or several as --wrt x,y\n",
			stderr: "nabla: 2: several variables (x, y): choose one with --wrt, or several as --wrt x,y\n",
			status: 2,
		},
		{
			name:   "values after a tab",
			args:   []string{"diff", "-", "--wrt", "x", "--at", "x=2"},
			stdin:  "x^2\nlog(x)\n",
			stdout: "2x\t4\n1/x\t0.5\n",
		},
		{
			name:   "domain error exits 1",
			args:   []string{"diff", "-", "--wrt", "x", "--at", "x=0"},
			stdin:  "log(x)\nx^2\n",
			stdout: "error: 1: log of a non-positive number in log(x), so log(x) has no derivative there\n2x\t0\n",
			stderr: "nabla: 1: log of a non-positive number in log(x), so log(x) has no derivative there\n",
			status: 1,
		},
		{
			name:  "json",
			args:  []string{"diff", "-", "--wrt", "x", "--format", "json"},
			stdin: "x^2\n)(\n",
			stdout: `{"input":"x^2","wrt":"x","order":1,"result":"2x","latex":"2 x","shape":[]}` + "\n" +
				`{"input":")(","line":2,"error":"2:1: expected an expression, found ')'"}` + "\n",
			stderr: parseError(")(", 2, 1, "expected an expression, found ')'"),
			status: 2,
		},
	})
}

func TestEval(t *testing.T) {
	runAll(t, []cliCase{
		{name: "two variables", args: []string{"eval", "x^2 + y", "--at", "x=3", "--at", "y=0.5"}, stdout: "9.5\n"},
		{name: "pi in a value", args: []string{"eval", "sin(x)", "--at", "x=pi/2"}, stdout: "1\n"},
		{name: "e in a value", args: []string{"eval", "log(x)", "--at", "x=e"}, stdout: "1\n"},
		{name: "sqrt and log", args: []string{"eval", "log(x) + sqrt(y)", "--at", "x=e", "--at", "y=4"}, stdout: "3\n"},
		{name: "constant expression", args: []string{"eval", "2+3"}, stdout: "5\n"},
		{name: "exact fraction", args: []string{"eval", "1/3"}, stdout: "0.3333333333333333\n"},
		{name: "pi", args: []string{"eval", "pi"}, stdout: "3.141592653589793\n"},
		{name: "e", args: []string{"eval", "e"}, stdout: "2.718281828459045\n"},
		{name: "json", args: []string{"eval", "x^2", "--at", "x=2", "--format", "json"},
			stdout: `{"input":"x^2","result":"x^2","latex":"x^{2}","shape":[],"value":4}` + "\n"},
		{name: "log of negative", args: []string{"eval", "log(-1)"},
			stderr: "nabla: log of a non-positive number in log(-1)\n", status: 1},
		{name: "log at negative", args: []string{"eval", "log(x)", "--at", "x=-1"},
			stderr: "nabla: log of a non-positive number in log(x)\n", status: 1},
		{name: "division by zero", args: []string{"eval", "1/x", "--at", "x=0"},
			stderr: "nabla: division by zero in 1/x\n", status: 1},
		{name: "sqrt of negative", args: []string{"eval", "sqrt(-1)"},
			stderr: "nabla: negative number to a non-integer power in sqrt(-1)\n", status: 1},
		{name: "no value", args: []string{"eval", "x^2"},
			stderr: "nabla: no value for x: add --at x=VALUE\n", status: 2},
		{name: "value for another name", args: []string{"eval", "x^2", "--at", "y=1"},
			stderr: "nabla: no value for x: add --at x=VALUE\n", status: 2},
		{name: "bad value", args: []string{"eval", "x", "--at", "x=1/0"},
			stderr: "nabla: --at x: 1:2: division by zero\n", status: 2},
		{name: "parse error", args: []string{"eval", "x^^2", "--at", "x=1"},
			stderr: parseError("x^^2", 1, 3, "expected an expression after '^', found '^'"), status: 2},
	})
}

func TestSimplify(t *testing.T) {
	runAll(t, []cliCase{
		{name: "log of exp", args: []string{"simplify", "log(exp(x)) + x*x"}, stdout: "x^2 + x\n"},
		{name: "pythagoras", args: []string{"simplify", "sin(x)^2 + cos(x)^2 + x*x"}, stdout: "x^2 + 1\n"},
		{name: "like terms", args: []string{"simplify", "2x + 3x"}, stdout: "5x\n"},
		{name: "cancel", args: []string{"simplify", "x/x"}, stdout: "1\n"},
		{name: "zero", args: []string{"simplify", "x - x"}, stdout: "0\n"},
		{name: "latex", args: []string{"simplify", "x^2 x^3", "--format", "latex"}, stdout: "x^{5}\n"},
		{name: "with value", args: []string{"simplify", "x + 1", "--at", "x=2"}, stdout: "x + 1\n3\n"},
		{name: "json", args: []string{"simplify", "x + 1", "--format", "json"},
			stdout: `{"input":"x + 1","result":"x + 1","latex":"x + 1","shape":[]}` + "\n"},
		{name: "parse error", args: []string{"simplify", "(x+1"},
			stderr: parseError("(x+1", 1, 5, "expected ')' to close '(' at 1:1, found end of input"), status: 2},
	})
}

func TestVersion(t *testing.T) {
	want := "nabla " + nabla.Version + " (" + runtime.Version() + ")\n"
	runAll(t, []cliCase{
		{name: "command", args: []string{"version"}, stdout: want},
		{name: "flag", args: []string{"--version"}, stdout: want},
	})
}

func TestUsageErrors(t *testing.T) {
	runAll(t, []cliCase{
		{name: "unknown flag", args: []string{"diff", "x", "--bogus"},
			stderr: "nabla: unknown flag: --bogus (see 'nabla diff --help')\n", status: 2},
		{name: "unknown flag of nabla", args: []string{"--bogus"},
			stderr: "nabla: unknown flag: --bogus (see 'nabla --help')\n", status: 2},
		{name: "flag of another command", args: []string{"eval", "x", "--wrt", "x"},
			stderr: "nabla: unknown flag: --wrt (see 'nabla eval --help')\n", status: 2},
		{name: "no expression", args: []string{"diff"},
			stderr: "nabla: diff takes an expression, got 0 arguments (see 'nabla diff --help')\n", status: 2},
		{name: "two expressions", args: []string{"diff", "a", "b"},
			stderr: "nabla: diff takes an expression, got 2 arguments (see 'nabla diff --help')\n", status: 2},
		{name: "negative order", args: []string{"diff", "x", "--order", "-1"},
			stderr: "nabla: --order -1 out of range 0…100\n", status: 2},
		{name: "order too high", args: []string{"diff", "sin(x)", "--order", "101"},
			stderr: "nabla: --order 101 out of range 0…100\n", status: 2},
		{name: "order too high in a batch", args: []string{"diff", "-", "--order", "101"}, stdin: "x^3\nsin(x)\n",
			stdout: "0\nerror: 2: --order 101 out of range 0…100\n", stderr: "nabla: 2: --order 101 out of range 0…100\n", status: 2},
		{name: "any order of a polynomial", args: []string{"diff", "x^5 + 3x^2", "--order", "100000000"}, stdout: "0\n"},
		{name: "expression after --", args: []string{"diff", "--", "-x^2"}, stdout: "-2x\n"},
	})
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src string
		col       int
		msg       string
	}{
		{"unfinished", "sin(2x+", 8, "expected an expression after '+', found end of input"},
		{"double caret", "x^^2", 3, "expected an expression after '^', found '^'"},
		{"closing first", ")(", 1, "expected an expression, found ')'"},
		{"no argument", "sin()", 5, "sin expects 1 argument, found none"},
		{"two arguments", "sin(x,y)", 8, "sin expects 1 argument, found 2"},
		{"unknown function", "foo(x)", 1, "unknown function foo; did you mean cos or cot or dot or log?"},
		{"misspelt function", "sinx(x)", 1, "unknown function sinx; did you mean sin or sinc or sinh?"},
		{"near sqrt", "sqr(x)", 1, "unknown function sqr; did you mean sqrt?"},
		{"two dots", "3..4", 1, "malformed number '3..4'"},
		{"empty", "", 1, "empty expression"},
		{"blank", "   ", 4, "empty expression"},
		{"function without parentheses", "sin x", 1, "sin needs parentheses: sin(…)"},
		{"unclosed", "(x+1", 5, "expected ')' to close '(' at 1:1, found end of input"},
		{"two operators", "x +* 2", 4, "expected an expression after '+', found '*'"},
		{"number after name", "x 2", 3, "expected an operator before number 2 (write * for a product)"},
		{"stray character", "x$", 2, "unexpected character '$'"},
		{"number out of range", "1e400", 1, "number 1e400 out of range"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check(t, cliCase{
				args:   []string{"diff", c.src, "--wrt", "x"},
				stderr: parseError(c.src, 1, c.col, c.msg),
				status: 2,
			})
		})
	}
}

// TestLimits checks that hostile input ends in a clear error, not a panic
// or a stack overflow.
func TestLimits(t *testing.T) {
	// The caret line shows a window of 72 characters around the error,
	// with the error at the 37th character of the window.
	window := func(s string) string {
		return "  …" + s + "…\n  " + strings.Repeat(" ", 37) + "^\n"
	}
	deep := strings.Repeat("(", 10_000) + "x" + strings.Repeat(")", 10_000)
	big := strings.Repeat("x+", 500_000) + "x" // 1,000,001 bytes
	runAll(t, []cliCase{
		{name: "10000 nested parentheses", args: []string{"diff", deep},
			stderr: "nabla: 1:5001: expression nested too deeply (the limit is 5000 levels)\n" +
				window(strings.Repeat("(", 72)),
			status: 2},
		{name: "1 MB expression", args: []string{"diff", big},
			stderr: "nabla: 1:100001: input too long: 1000001 bytes (the limit is 100000)\n" +
				window(strings.Repeat("x+", 36)),
			status: 2},
		{name: "1 MB expression in batch", args: []string{"diff", "-", "--wrt", "x"}, stdin: big + "\nx^2\n",
			stdout: "error: 1:100001: input too long: 1000001 bytes (the limit is 100000)\n2x\n",
			stderr: "nabla: 1:100001: input too long: 1000001 bytes (the limit is 100000)\n" +
				window(strings.Repeat("x+", 36)),
			status: 2},
		{name: "4999 nested parentheses", args: []string{"diff", strings.Repeat("(", 4999) + "x" + strings.Repeat(")", 4999)},
			stdout: "1\n"},
	})
}

// TestSharedForm checks that a result whose text written out is
// exponentially long (a where clause nested 40 deep, 2^40 bytes) comes
// with its repeated parts named, in a where clause that reads back, and
// at once.
func TestSharedForm(t *testing.T) {
	defs := make([]string, 40)
	for i := range defs {
		defs[i] = fmt.Sprintf("u%d = sin(u%d) + cos(u%d)", i, i+1, i+1)
	}
	src := fmt.Sprintf("sin(u0) where %s, u40 = x", strings.Join(defs, ", "))
	var out, errOut strings.Builder
	if status := run([]string{"simplify", src}, strings.NewReader(""), &out, &errOut); status != 0 {
		t.Fatalf("simplify: status %d: %s", status, errOut.String())
	}
	got := strings.TrimSpace(out.String())
	// The names avoid those of the input's where clause.
	const head = "sin(sin(sin(v1) + cos(v1)) + cos(sin(v1) + cos(v1))) where v1 = sin(sin(v2) + cos(v2)) + cos(sin(v2) + cos(v2)), v2 = "
	const tail = ", v19 = sin(sin(x) + cos(x)) + cos(sin(x) + cos(x))"
	if !strings.HasPrefix(got, head) || !strings.HasSuffix(got, tail) {
		t.Errorf("simplify = %.200q…, want %q … %q", got, head, tail)
	}
	// It reads back: its derivative is the input's.
	for _, in := range []string{src, got} {
		out.Reset()
		if status := run([]string{"diff", in, "--at", "x=0.3"}, strings.NewReader(""), &out, &errOut); status != 0 {
			t.Fatalf("diff: status %d: %s", status, errOut.String())
		}
		if !strings.Contains(out.String(), " where ") {
			t.Errorf("diff of %.40q… = %.200q…, want a where clause", in, out.String())
		}
	}
}

func TestDiffHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	status := run([]string{"diff", "--help"}, strings.NewReader(""), &stdout, &stderr)
	if status != 0 {
		t.Errorf("nabla diff --help: exit status %d, want 0", status)
	}
	if got := stdout.String(); !strings.Contains(got, "Examples:") {
		t.Errorf("nabla diff --help: stdout does not contain \"Examples:\":\n%s", got)
	}
}

// TestFDPlot draws the error plot of nabla fd in each format and checks
// that the file is what its extension says, with a line per scheme.
func TestFDPlot(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ ext, magic string }{{"svg", "<?xml"}, {"png", "\x89PNG"}, {"pdf", "%PDF"}} {
		path := filepath.Join(dir, "err."+tt.ext)
		var out bytes.Buffer
		if status := run([]string{"fd", "exp(x)", "--at", "x=1", "--scheme", "forward,central,complex", "--plot", path}, strings.NewReader(""), &out, &out); status != 0 {
			t.Fatalf("%s: exit status %d: %s", tt.ext, status, out.String())
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte(tt.magic)) {
			t.Errorf("%s: the file starts %q", tt.ext, data[:min(len(data), 8)])
		}
		if tt.ext == "svg" {
			for _, s := range []string{"forward", "central", "complex", "step h"} {
				if !bytes.Contains(data, []byte(s)) {
					t.Errorf("the plot has no %q", s)
				}
			}
		}
	}
}

// TestMinimizePlot draws each kind of plot of nabla minimize: tangents
// for one variable, contours for two, f against t for more.
func TestMinimizePlot(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"x^2 - 4x + 3", "--from", "x=4", "--iters", "3"}, []string{"iterates and tangents"}},
		{[]string{"100(y - x^2)^2 + (1 - x)^2", "--from", "x=-1.2", "--from", "y=1", "--method", "newton,bfgs"}, []string{"newton (7 iterates)", "bfgs ("}},
		{[]string{"x'x", "--vector", "x", "--from", "x=[1,2,3]", "--method", "gd,adam", "--iters", "50"}, []string{"iteration t", "adam"}},
	}
	for i, tt := range tests {
		path := filepath.Join(dir, fmt.Sprintf("plot%d.svg", i))
		var out bytes.Buffer
		args := append(append([]string{"minimize"}, tt.args...), "--plot", path)
		if status := run(args, strings.NewReader(""), &out, &out); status != 0 {
			t.Fatalf("%v: exit status %d: %s", tt.args, status, out.String())
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tt.want {
			if !bytes.Contains(data, []byte(s)) {
				t.Errorf("%v: the plot has no %q", tt.args, s)
			}
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm()&0o044 == 0 {
			t.Errorf("%v: the plot's mode is %v", tt.args, st.Mode())
		}
	}
	// A plot that cannot be made (the run cannot start: log has no value
	// at -1) leaves nothing behind.
	path := filepath.Join(dir, "none.svg")
	run([]string{"minimize", "log(x)", "--from", "x=-1", "--lr", "2", "--plot", path}, strings.NewReader(""), io.Discard, io.Discard)
	if _, err := os.Stat(path); err == nil {
		t.Error("a failed run wrote its plot")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != len(tests) {
		t.Errorf("the directory holds %d files, want %d: no temporary file may stay", len(entries), len(tests))
	}
}

// TestByteOrderMark checks that a byte-order mark, which some editors and
// spreadsheets write at the start of a file, is not read as input: not
// in batch input, not in a CSV header, not before a CSV's first number.
func TestByteOrderMark(t *testing.T) {
	dir := t.TempDir()
	header := filepath.Join(dir, "header.csv")
	bare := filepath.Join(dir, "bare.csv")
	if err := os.WriteFile(header, []byte("\uFEFFx,y\n1,3\n2,5\n3,7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bare, []byte("\uFEFF1\n3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runAll(t, []cliCase{
		{name: "batch", args: []string{"diff", "-"}, stdin: "\uFEFFx^2\nsin(x)\n", stdout: "2x\ncos(x)\n"},
		{name: "CSV without a header", args: []string{"eval", "sum(v)", "--vector", "v", "--at", "v=@" + bare}, stdout: "4\n"},
		{name: "points", args: []string{"eval", "x y", "--points", header}, stdout: "x,y,f\n1,3,3\n2,5,10\n3,7,21\n"},
	})
}
