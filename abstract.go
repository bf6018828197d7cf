package nabla

import (
	"fmt"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
)

// NoValueError reports the evaluation of an expression that has no value
// because it applies an abstract function (ParseOptions.Functions, Func):
// "f is an abstract function: it has no value".
type NoValueError = expr.NoValueError

// Func returns the abstract function name applied to the scalars args,
// f(x) or f(x, y): a function with no definition, as
// ParseOptions.Functions declares one, so that the rules of calculus
// themselves can be shown. It is differentiated by the chain rule into
// its derivatives, printed with primes up to the third, f'(x), and as
// f^(4)(x) from the fourth, and, with several arguments, its partial
// derivatives ∂₁f(x, y) and ∂₁₂f(x, y) (partial derivatives commute:
// ∂₁₂f = ∂₂₁f). It has no value: evaluating it gives a *NoValueError.
//
// name is a name of the syntax that is not a function or constant, and
// not a variable of args; a function takes 1 to 9 arguments, and as many
// wherever it is applied, as the parser requires of text.
func Func(name string, args ...Expr) Expr {
	if !parse.IsName(name) {
		return invalid(fmt.Errorf("nabla: Func(%q): not a function name (a letter then letters, digits or _, and not a built-in function or constant)", name))
	}
	return build(func(ns []*expr.Node) (*expr.Node, error) {
		if len(ns) == 0 || len(ns) > expr.MaxApplyArgs {
			return nil, fmt.Errorf("nabla: Func(%q): %d arguments; a function takes 1 to %d", name, len(ns), expr.MaxApplyArgs)
		}
		for i, n := range ns {
			if !n.Shape().IsScalar() {
				return nil, fmt.Errorf("nabla: Func(%q): argument %d is a %s; an abstract function takes scalars", name, i+1, n.Shape().Describe())
			}
			if findVar(n, name) != nil {
				return nil, fmt.Errorf("nabla: Func(%q): %s is also a variable of argument %d; a name is a function or a variable", name, name, i+1)
			}
		}
		return expr.NewApply(name, nil, ns...), nil
	}, args...)
}

// Functions returns the names of the abstract functions that e applies,
// in the order of CompareNames: f and g for f(x) g'(x).
func (e Expr) Functions() []string {
	if e.n == nil {
		return nil
	}
	seen := map[string]bool{}
	expr.Inspect(e.n, func(m *expr.Node) bool {
		if m.Info().Class == expr.Declared {
			seen[m.Name()] = true
		}
		return true
	})
	return expr.SortedNames(seen)
}

// declareFunctions checks the abstract functions that opts declares and
// returns them as a set: names of the syntax, each declared once and not
// also a variable.
func declareFunctions(opts *ParseOptions) (map[string]bool, error) {
	if opts == nil || len(opts.Functions) == 0 {
		return nil, nil
	}
	kinds := map[string]string{}
	for kind, names := range map[string][]string{"vector": opts.Vectors, "matrix": opts.Matrices, "symmetric matrix": opts.Symmetric} {
		for _, name := range names {
			kinds[name] = kind
		}
	}
	for name, sizes := range opts.Shapes {
		kinds[name] = [...]string{"scalar", "vector", "matrix", "variable"}[min(len(sizes), 3)]
	}
	fns := make(map[string]bool, len(opts.Functions))
	for _, name := range opts.Functions {
		switch {
		case parse.IsFunction(name):
			return nil, &DeclarationError{fmt.Sprintf("cannot declare %s a function: it is a built-in function", name)}
		case !parse.IsName(name):
			return nil, &DeclarationError{fmt.Sprintf("cannot declare %q a function: not a name", name)}
		case fns[name]:
			return nil, &DeclarationError{fmt.Sprintf("%s is declared a function twice", name)}
		case kinds[name] != "":
			return nil, &DeclarationError{fmt.Sprintf("%s is declared both a function and a %s", name, kinds[name])}
		}
		fns[name] = true
	}
	return fns, nil
}
