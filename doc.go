// Package nabla is the calculus of machine learning in Go: exact symbolic
// derivatives, simplified and printed as text or LaTeX, and fast compiled
// evaluation.
//
// Expressions come from text in nabla's syntax or from the builder
// functions; both make the same immutable, hash-consed expression graph,
// in which equal subexpressions are one node:
//
//	f := nabla.MustParse("x^3 sin(x)")
//	d, _ := f.Diff("x") // 3x^2 sin(x) + x^3 cos(x)
//	v, _ := d.Eval(map[string]float64{"x": 1})
//
// The syntax: numbers 2, 0.5, .5, 1e-3 (integers and fractions stay exact:
// 1/3 is one third); names of letters (Greek too), digits and _; constants
// pi (π) and e; operators + - * / and implicit multiplication (2x, x y,
// 2(x+1), (x+1)(x-1)), unary minus, ^ or ** (right-associative, -x^2 is
// -(x^2)); functions sin cos tan asin acos atan sinh cosh tanh exp log
// (ln) sqrt abs sigmoid, which need parentheses.
//
// Derivatives follow the lecture-note conventions of vector calculus for
// machine learning (numerator layout). They are computed over the graph,
// with each node differentiated once, so derivatives do not swell; the
// rules that fired can be recorded with DiffSteps.
//
// With several scalar variables, Grad gives the gradient as a 1×n row
// (one reverse sweep), Jacobian the m×n Jacobian of a vector [f1, …, fm],
// and Hessian the symmetric n×n Hessian, computed only where an entry can
// be nonzero. ChainRule reads "f where x1 = …, x2 = …" and gives the
// factors of the multivariate chain rule, ∂f/∂x and ∂x/∂t, and their
// product.
//
// Vectors and matrices are declared with ParseWith; their sizes stay
// symbolic unless fixed. A derivative with respect to a vector or matrix
// comes in compact matrix form wherever one exists:
//
//	opts := &nabla.ParseOptions{Vectors: []string{"a", "b"}, Matrices: []string{"X"}}
//	f, _ := nabla.ParseWith("a' X b", opts)
//	d, _ := f.Diff("X") // a bᵀ
//
// Where none exists (a vector or matrix with respect to a matrix),
// DiffTensor gives the differential, the entries in index notation and, at
// a point, the numeric tensor. Expr.Value evaluates any expression at
// vector and matrix values.
package nabla
