package main

import "testing"

func TestGradJacobianHessianCommands(t *testing.T) {
	runAll(t, []cliCase{
		{name: "grad", args: []string{"grad", "x^2 y + sin(x y)", "--wrt", "x,y"},
			stdout: "[[2x y + y cos(x y), x^2 + x cos(x y)]]\n"},
		{name: "grad of all variables", args: []string{"grad", "x1^2 x2 + x1 x2^3"},
			stdout: "[[2x1 x2 + x2^3, x1^2 + 3x1 x2^2]]\n"},
		{name: "grad at a point in JSON", args: []string{"grad", "x1^2 x2 + x1 x2^3", "--at", "x1=1", "--at", "x2=2", "--format", "json"},
			stdout: `{"input":"x1^2 x2 + x1 x2^3","wrt":"x1,x2","order":1,"result":"[[2x1 x2 + x2^3, x1^2 + 3x1 x2^2]]","latex":"\\begin{bmatrix} 2 x_{1} x_{2} + x_{2}^{3} & x_{1}^{2} + 3 x_{1} x_{2}^{2} \\end{bmatrix}","shape":[1,2],"value":[[12,13]]}` + "\n"},
		{name: "jacobian at a point", args: []string{"jacobian", "[x^2 y, 5x + sin(y)]", "--wrt", "x,y", "--at", "x=1", "--at", "y=0"},
			stdout: "[[2x y, x^2], [5, cos(y)]]\n[[0, 1], [5, 1]]\n"},
		{name: "jacobian in LaTeX", args: []string{"jacobian", "[x, y]", "--format", "latex"},
			stdout: `\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}` + "\n"},
		{name: "hessian", args: []string{"hessian", "(1 - x)^2 + 100(y - x^2)^2"},
			stdout: "[[1200x^2 - 400y + 2, -400x], [-400x, 200]]\n"},
		{name: "diff with several variables is the gradient", args: []string{"diff", "x y", "--wrt", "x,y"},
			stdout: "[[y, x]]\n"},
		{name: "diff of a vector is entrywise", args: []string{"diff", "[x^2, sin(x)]"},
			stdout: "[2x, cos(x)]\n"},
		{name: "diff of a vector with several variables is the Jacobian", args: []string{"diff", "[x y, x + y]", "--wrt", "x,y"},
			stdout: "[[y, x], [1, 1]]\n"},
		{name: "bad variable", args: []string{"grad", "x", "--wrt", "x,2"},
			stderr: "nabla: cannot differentiate with respect to \"2\": not a variable name\n", status: 2},
		{name: "gradient of a vector", args: []string{"grad", "[x, y]"},
			stderr: "nabla: the gradient needs a scalar function; for a vector (2), take the Jacobian\n", status: 2},
	})
}

func TestChainCommand(t *testing.T) {
	src := "x1^2*x2 + 3*x1 + 6*x2 where x1 = sin(t), x2 = exp(2*t)"
	runAll(t, []cliCase{
		{name: "chain rule", args: []string{"diff", src, "--wrt", "t", "--chain"},
			stdout: "∂f/∂(x1, x2) = [[2x1 x2 + 3, x1^2 + 6]]\n" +
				"∂(x1, x2)/∂t = [[cos(t)], [2exp(2t)]]\n" +
				"∂f/∂(x1, x2) ∂(x1, x2)/∂t = [[cos(t) (2x1 x2 + 3) + 2exp(2t) (x1^2 + 6)]]\n" +
				"cos(t) (2sin(t) exp(2t) + 3) + 2exp(2t) (sin(t)^2 + 6)\n"},
		{name: "composition without --chain", args: []string{"diff", src, "--wrt", "t"},
			stdout: "2sin(t) cos(t) exp(2t) + 2sin(t)^2 exp(2t) + 3cos(t) + 12exp(2t)\n"},
		{name: "chain rule in JSON", args: []string{"diff", src, "--chain", "--format", "json"},
			stdout: `{"input":"` + src + `","wrt":"t","result":"cos(t) (2sin(t) exp(2t) + 3) + 2exp(2t) (sin(t)^2 + 6)","latex":"\\cos\\left(t\\right) \\left(2 \\sin\\left(t\\right) \\exp\\left(2 t\\right) + 3\\right) + 2 \\exp\\left(2 t\\right) \\left(\\sin\\left(t\\right)^{2} + 6\\right)","shape":[],"chain":{"inner":"x1,x2","df_dx":"[[2x1 x2 + 3, x1^2 + 6]]","dx_dt":"[[cos(t)], [2exp(2t)]]","product":"[[cos(t) (2x1 x2 + 3) + 2exp(2t) (x1^2 + 6)]]"}}` + "\n"},
		{name: "several outer variables", args: []string{"diff", "3x y + y z^2 where x = p q r, y = 2p^2 + q + 5r, z = p cos(q + 2r)", "--wrt", "p", "--chain"},
			stdout: "∂f/∂(x, y, z) = [[3y, 3x + z^2, 2y z]]\n" +
				"∂(x, y, z)/∂p = [[q r], [4p], [cos(q + 2r)]]\n" +
				"∂f/∂(x, y, z) ∂(x, y, z)/∂p = [[4p (3x + z^2) + 3q r y + 2y z cos(q + 2r)]]\n" +
				"2p cos(q + 2r)^2 (2p^2 + q + 5r) + 4p (p^2 cos(q + 2r)^2 + 3p q r) + 3q r (2p^2 + q + 5r)\n"},
		{name: "factors named by the variables", args: []string{"diff", "x1^2 + x2 where x1 = u + v, x2 = 2u", "--wrt", "u,v", "--chain"},
			stdout: "∂f/∂(x1, x2) = [[2x1, 1]]\n" +
				"∂(x1, x2)/∂(u, v) = [[1, 1], [2, 0]]\n" +
				"∂f/∂(x1, x2) ∂(x1, x2)/∂(u, v) = [[2x1 + 2, 2x1]]\n" +
				"[[2(u + v) + 2, 2(u + v)]]\n"},
		{name: "one inner variable, in LaTeX", args: []string{"diff", "sin(w) where w = s t", "--wrt", "s,t", "--chain", "--format", "latex"},
			stdout: "\\frac{\\partial f}{\\partial w} = \\begin{bmatrix} \\cos\\left(w\\right) \\end{bmatrix}\n" +
				"\\frac{\\partial w}{\\partial (s, t)} = \\begin{bmatrix} t & s \\end{bmatrix}\n" +
				"\\frac{\\partial f}{\\partial w} \\frac{\\partial w}{\\partial (s, t)} = \\begin{bmatrix} t \\cos\\left(w\\right) & s \\cos\\left(w\\right) \\end{bmatrix}\n" +
				"\\begin{bmatrix} t \\cos\\left(s t\\right) & s \\cos\\left(s t\\right) \\end{bmatrix}\n"},
		{name: "one inner variable, one outer", args: []string{"diff", "sin(w) where w = t^2", "--wrt", "t", "--chain", "--at", "t=0.5"},
			stdout: "∂f/∂w = [[cos(w)]]\n∂w/∂t = [[2t]]\n∂f/∂w ∂w/∂t = [[2t cos(w)]]\n2t cos(t^2)\n0.9689124217106447\n"},
		{name: "no inner functions", args: []string{"diff", "x^2", "--chain"},
			stderr: "nabla: the chain rule needs inner functions: f where x1 = …, x2 = …\n", status: 2},
	})
}

// TestBatchEveryCommand checks that every command that takes one
// expression reads one a line from standard input with "-", in order,
// a bad line reported in its place.
func TestBatchEveryCommand(t *testing.T) {
	lines := "x^2 y\nsin(x) y\n\nlog(\n"
	bad := "nabla: 4:5: expected an expression, found end of input\n  log(\n      ^\n"
	runAll(t, []cliCase{
		{name: "grad", args: []string{"grad", "-"}, stdin: lines,
			stdout: "[[2x y, x^2]]\n[[y cos(x), sin(x)]]\n\nerror: 4:5: expected an expression, found end of input\n", stderr: bad, status: 2},
		{name: "hessian json", args: []string{"hessian", "-", "--format", "json"}, stdin: "x^2 y\n",
			stdout: `{"input":"x^2 y","wrt":"x,y","order":2,"result":"[[2y, 2x], [2x, 0]]","latex":"\\begin{bmatrix} 2 y & 2 x \\\\ 2 x & 0 \\end{bmatrix}","shape":[2,2]}` + "\n"},
		{name: "jacobian", args: []string{"jacobian", "-", "--wrt", "x,y"}, stdin: "[x y, x + y]\n[x^2, y^2]\n",
			stdout: "[[y, x], [1, 1]]\n[[2x, 0], [0, 2y]]\n"},
		{name: "eval at a point", args: []string{"eval", "-", "--at", "x=3"}, stdin: "x^2 + 1\n2x\nlog(-x)\n",
			stdout: "10\n6\nerror: 3: log of a non-positive number in log(-x)\n", stderr: "nabla: 3: log of a non-positive number in log(-x)\n", status: 1},
		{name: "simplify", args: []string{"simplify", "-"}, stdin: "sin(x)^2 + cos(x)^2\nx*x\n",
			stdout: "1\nx^2\n"},
		// Each line has its own --timeout: the one that runs out is
		// reported in its place and the next starts afresh.
		{name: "timeout per line", args: []string{"diff", "-", "--order", "60", "--timeout", "1ms"}, stdin: "x^2\nexp(sin(x))\nsin(x)\n",
			stdout: "0\nerror: 2: stopped after 1ms: the 60th derivative of exp(sin(x)) grows too fast; raise --timeout or lower --order\nsin(x)\n",
			stderr: "nabla: 2: stopped after 1ms: the 60th derivative of exp(sin(x)) grows too fast; raise --timeout or lower --order\n", status: 1},
	})
}

// TestDefaultVariableOrder checks that without --wrt the variables of a
// gradient, Jacobian, Hessian or derivation come in natural order, x2
// before x10, as the notes number them, and that the listing of several
// variables follows it too.
func TestDefaultVariableOrder(t *testing.T) {
	runAll(t, []cliCase{
		{name: "gradient of x1 … x10", args: []string{"grad", "x1 + 2x2 + 3x3 + 4x4 + 5x5 + 6x6 + 7x7 + 8x8 + 9x9 + 10x10"},
			stdout: "[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]\n"},
		{name: "gradient in JSON names the order", args: []string{"grad", "x10 + 2 x2 + 3 x1", "--format", "json"},
			stdout: `{"input":"x10 + 2 x2 + 3 x1","wrt":"x1,x2,x10","order":1,"result":"[[3, 2, 1]]","latex":"\\begin{bmatrix} 3 & 2 & 1 \\end{bmatrix}","shape":[1,3]}` + "\n"},
		{name: "hessian", args: []string{"hessian", "x1 x10 + x2^2"},
			stdout: "[[0, 0, 1], [0, 2, 0], [1, 0, 0]]\n"},
		{name: "jacobian", args: []string{"jacobian", "[x1 + 2x2 + 10x10, x10]"},
			stdout: "[[1, 2, 10], [0, 0, 1]]\n"},
		{name: "underscored names", args: []string{"grad", "x_1 + 2x_2 + 10x_10"},
			stdout: "[[1, 2, 10]]\n"},
		{name: "Greek names", args: []string{"grad", "θ1 + 2θ2 + 10θ10"},
			stdout: "[[1, 2, 10]]\n"},
		{name: "mixed names", args: []string{"grad", "x_10 + 2x_2 + 3x + 4b2 + 5b10 + 6b1 + 7a", "--format", "json"},
			stdout: `{"input":"x_10 + 2x_2 + 3x + 4b2 + 5b10 + 6b1 + 7a","wrt":"a,b1,b2,b10,x,x_2,x_10","order":1,"result":"[[7, 6, 4, 5, 3, 2, 1]]","latex":"\\begin{bmatrix} 7 & 6 & 4 & 5 & 3 & 2 & 1 \\end{bmatrix}","shape":[1,7]}` + "\n"},
		{name: "terms in the same order", args: []string{"simplify", "x10 + x2 + x1"},
			stdout: "x1 + x2 + x10\n"},
		{name: "several variables listed", args: []string{"diff", "x10 x2"},
			stderr: "nabla: several variables (x2, x10): choose one with --wrt, or several as --wrt x2,x10\n", status: 2},
	})
}

// TestCheckAnswerAbstract checks --answer on the rules of calculus with
// abstract functions: a correct answer is equivalent, its difference
// simplified to 0 however the terms are grouped, and a difference that
// does not simplify to 0 is undecided, since abstract functions have no
// values to compare, not "not equivalent".
func TestCheckAnswerAbstract(t *testing.T) {
	equivalent := func(answer, ours string) string {
		return "yours: " + answer + "\nnabla: " + ours + "\nequivalent: their difference simplifies to 0\n"
	}
	const undecided = "nabla: undecided: nabla cannot tell whether the derivatives are equal\n"
	runAll(t, []cliCase{
		{name: "product rule", args: []string{"check", "f(x) g(x)", "--function", "f,g", "--answer", "f'(x) g(x) + f(x) g'(x)"},
			stdout: equivalent("f'(x) g(x) + f(x) g'(x)", "f'(x) g(x) + f(x) g'(x)")},
		{name: "sum rule", args: []string{"check", "f(x)+g(x)", "--function", "f,g", "--answer", "f'(x) + g'(x)"},
			stdout: equivalent("f'(x) + g'(x)", "f'(x) + g'(x)")},
		{name: "triple product", args: []string{"check", "f(x) g(x) h(x)", "--function", "f,g,h", "--answer", "f'(x) g(x) h(x) + f(x) g'(x) h(x) + f(x) g(x) h'(x)"},
			stdout: equivalent("f'(x) g(x) h(x) + f(x) g'(x) h(x) + f(x) g(x) h'(x)", "f'(x) g(x) h(x) + f(x) g'(x) h(x) + f(x) g(x) h'(x)")},
		{name: "multivariate chain rule", args: []string{"check", "f(x(t), y(t))", "--function", "f,x,y", "--wrt", "t", "--answer", "∂₁f(x(t), y(t)) x'(t) + ∂₂f(x(t), y(t)) y'(t)"},
			stdout: equivalent("∂₁f(x(t), y(t)) x'(t) + ∂₂f(x(t), y(t)) y'(t)", "∂₁f(x(t), y(t)) x'(t) + ∂₂f(x(t), y(t)) y'(t)")},
		{name: "chain rule, ASCII partials", args: []string{"check", "f(x(t), y(t))", "--function", "f,x,y", "--wrt", "t", "--answer", "f_1(x(t), y(t)) x'(t) + f_2(x(t), y(t)) y'(t)"},
			stdout: equivalent("∂₁f(x(t), y(t)) x'(t) + ∂₂f(x(t), y(t)) y'(t)", "∂₁f(x(t), y(t)) x'(t) + ∂₂f(x(t), y(t)) y'(t)")},
		{name: "grouped otherwise", args: []string{"check", "f(x) g(x)", "--function", "f,g", "--answer", "2f'(x) g(x) - (f'(x) g(x) - f(x) g'(x))"},
			stdout: equivalent("f'(x) g(x) + f(x) g'(x)", "f'(x) g(x) + f(x) g'(x)")},
		{name: "undecided", args: []string{"check", "f(x) g(x)", "--function", "f,g", "--answer", "f'(x) g(x)"},
			stdout: "yours: f'(x) g(x)\nnabla: f'(x) g(x) + f(x) g'(x)\nundecided: their difference -f(x) g'(x) does not simplify to 0, and the abstract function f has no values to compare at points\n",
			stderr: undecided, status: 1},
		{name: "undecided in JSON", args: []string{"check", "f(x)^2", "--function", "f", "--answer", "2f(x) f''(x)", "--format", "json"},
			stdout: `{
  "expr": "f(x)^2",
  "wrt": "x",
  "answer": "2f(x) f''(x)",
  "derivative": "2f(x) f'(x)",
  "equivalent": false,
  "undecided": true,
  "how": "symbolic",
  "note": "their difference 2f(x) f''(x) - 2f(x) f'(x) does not simplify to 0, and the abstract function f has no values to compare at points"
}
`,
			stderr: undecided, status: 1},
		{name: "ordinary functions symbolically", args: []string{"check", "x^3 sin(x)", "--answer", "x^3 cos(x) + 3x^2 sin(x)"},
			stdout: equivalent("x^3 cos(x) + 3x^2 sin(x)", "x^3 cos(x) + 3x^2 sin(x)")},
	})
}

// TestCallNotesCommand checks that a name written as if applied but not
// declared a function is noted on standard error, in every command that
// reads an expression, and in JSON.
func TestCallNotesCommand(t *testing.T) {
	fg := "nabla: note: f(g(x)) reads as the product f·(g(x)), g(x) as g·(x); declare --function f,g to make f and g functions\n"
	runAll(t, []cliCase{
		{name: "composition", args: []string{"diff", "f(g(x))", "--wrt", "x"},
			stdout: "f g\n", stderr: fg},
		{name: "composition in JSON", args: []string{"diff", "f(g(x))", "--wrt", "x", "--format", "json"},
			stdout: `{"input":"f(g(x))","wrt":"x","order":1,"result":"f g","latex":"f g","shape":[],"notes":["f(g(x)) reads as the product f·(g(x)), g(x) as g·(x); declare --function f,g to make f and g functions"]}` + "\n", stderr: fg},
		{name: "derivative mark", args: []string{"diff", "f'(x) g(x)", "--wrt", "x"},
			stdout: "2f g x\n", stderr: "nabla: note: f'(x) reads as the product f'·(x), g(x) as g·(x) (' transposes the scalar f); declare --function f,g to make f and g functions\n"},
		{name: "declared", args: []string{"diff", "f(g(x))", "--function", "f,g"},
			stdout: "f'(g(x)) g'(x)\n"},
		{name: "a product as written", args: []string{"diff", "x(x+1)"},
			stdout: "2x + 1\n"},
		{name: "simplify", args: []string{"simplify", "f(x) + f(x)"},
			stdout: "2f x\n", stderr: "nabla: note: f(x) reads as the product f·(x); declare --function f to make f a function\n"},
		{name: "check --answer", args: []string{"check", "x^2 f(x)", "--wrt", "x", "--answer", "2x f(x) + x^2 f'(x)"},
			stdout: "yours: f x^3 + 2f x^2\nnabla: 3f x^2\nnot equivalent: at f = 1.47435780697192, x = 0.606592951834161 yours is 1.41406974400675, nabla's is 1.62749202135115\n",
			stderr: "nabla: note: f(x) reads as the product f·(x); declare --function f to make f a function\n" +
				"nabla: note: --answer: f'(x) reads as the product f'·(x) (' transposes the scalar f); declare --function f to make f a function\n" +
				"nabla: the derivatives disagree\n", status: 1},
	})
}

// TestExitStatuses checks the statuses of the README's scheme where the
// cause of a failure is the flags (2) or a derivative nabla cannot give
// (1).
func TestExitStatuses(t *testing.T) {
	runAll(t, []cliCase{
		{name: "an order with several variables is a usage error", args: []string{"diff", "x1^2 x2 + x1 x2^3", "--wrt", "x1,x2", "--order", "2"},
			stderr: "nabla: --order 2 differentiates with respect to one variable, but --wrt names 2; by several, the second derivative is the Hessian: nabla hessian\n", status: 2},
		{name: "order 0 with several variables is the expression", args: []string{"diff", "x1^2 x2", "--wrt", "x1,x2", "--order", "0"},
			stdout: "x1^2 x2\n"},
		{name: "a chain factor without a matrix form cannot be computed", args: []string{"diff", "a' g where g = X b", "--vector", "a,b", "--matrix", "X", "--wrt", "X", "--chain"},
			stderr: "nabla: ∂g/∂X has no matrix form\n", status: 1},
		{name: "a chain of several paths cannot be computed link by link", args: []string{"diff", "e' e + e' z where e = y - z, z = Φ θ", "--vector", "y,θ,e,z", "--matrix", "Φ", "--wrt", "θ", "--chain"},
			stderr: "nabla: f depends on θ through e and z: the chain has several paths; diff --chain works them out for scalar inner variables\n", status: 1},
		{name: "a chain that --wrt does not reach is a usage error", args: []string{"diff", "e' e where e = y - Φ θ", "--vector", "y,θ,e", "--matrix", "Φ", "--wrt", "x", "--chain"},
			stderr: "nabla: f does not depend on x\n", status: 2},
		{name: "a chain without inner functions is a usage error", args: []string{"diff", "x^2", "--chain"},
			stderr: "nabla: the chain rule needs inner functions: f where x1 = …, x2 = …\n", status: 2},
		{name: "a Taylor polynomial past --timeout cannot be computed", args: []string{"taylor", "tan(sin(x))", "--at", "x=0", "--order", "60", "--timeout", "1ns"},
			stderr: "nabla: stopped after 1ns: the Taylor polynomial of tan(sin(x)) of order 60 grows too fast (at the derivatives of order 0); raise --timeout or lower --order\n", status: 1},
	})
}
