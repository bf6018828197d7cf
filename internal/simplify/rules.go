package simplify

// A Rule rewrites every match of From to To. Both sides are written in
// nabla's own syntax; every single-letter name is a pattern variable that
// matches any subexpression, and "-u" matches any expression with a
// negative coefficient. The constructors of the graph already apply the
// algebra of sums, products and powers; rules state the identities of the
// functions. Each rule keeps a function's value wherever the left side is
// defined.
type Rule struct {
	Name     string
	From, To string
}

// Rules is the rule set the simplifier applies to a fixpoint.
var Rules = []Rule{
	{"log of exp", "log(exp(u))", "u"},
	{"exp of log", "exp(log(u))", "u"},
	{"sin is odd", "sin(-u)", "-sin(u)"},
	{"tan is odd", "tan(-u)", "-tan(u)"},
	{"asin is odd", "asin(-u)", "-asin(u)"},
	{"atan is odd", "atan(-u)", "-atan(u)"},
	{"sinh is odd", "sinh(-u)", "-sinh(u)"},
	{"tanh is odd", "tanh(-u)", "-tanh(u)"},
	{"cos is even", "cos(-u)", "cos(u)"},
	{"cosh is even", "cosh(-u)", "cosh(u)"},
	{"abs is even", "abs(-u)", "abs(u)"},
	{"abs of abs", "abs(abs(u))", "abs(u)"},
	{"abs of exp", "abs(exp(u))", "exp(u)"},
	{"sign is odd", "sign(-u)", "-sign(u)"},
	{"sign of sign", "sign(sign(u))", "sign(u)"},
	{"sign of exp", "sign(exp(u))", "1"},
	{"abs as a product", "u sign(u)", "abs(u)"},
	{"u from abs", "abs(u) sign(u)", "u"},
	{"square of abs", "abs(u)^2", "u^2"},
	{"square root of a square", "sqrt(u^2)", "abs(u)"},
	{"sigmoid of negative", "sigmoid(-u)", "1 - sigmoid(u)"},
	{"sin of asin", "sin(asin(u))", "u"},
	{"cos of acos", "cos(acos(u))", "u"},
	{"tan of atan", "tan(atan(u))", "u"},
	{"tanh as a quotient", "sinh(u)/cosh(u)", "tanh(u)"},
	{"tan as a quotient", "sin(u)/cos(u)", "tan(u)"},
	{"sigmoid", "exp(u)/(exp(u) + 1)", "sigmoid(u)"},
	{"power of sigmoid", "exp(n u)/(exp(u) + 1)^n", "sigmoid(u)^n"},
	{"Pythagoras", "sin(u)^2 + cos(u)^2", "1"},
	{"hyperbolic Pythagoras", "cosh(u)^2 - sinh(u)^2", "1"},
}
