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
// -(x^2)) and superscripts (x²); functions sin cos tan sec csc cot asin
// acos atan asec acsc acot atan2(y, x) sinh cosh tanh sech csch coth asinh
// acosh atanh exp log (ln) log(x, b) log2 log10 sqrt cbrt abs sign sigmoid
// erf erfc gamma lgamma digamma trigamma polygamma(n, x) sinc step
// (heaviside) relu leaky_relu(x, α) softplus gelu silu huber(x, δ) max(a, b)
// min(a, b), which need parentheses. With vectors and matrices: A x, xᵀ
// (x'), X^-1 and X^k (matrix powers; .^ is element-wise), I and eye(n), inv
// (inverse) det logdet tr (trace) transpose norm sum mean prod max min diag
// dot logsumexp softmax(z) softmax(Z, 2) (each row) kron(A, B) (A ⊗ B),
// <A, B> (tr(Aᵀ B)), and .* ./ .^ ⊙ ∘ element-wise. The builders (Sin,
// Relu, Atan2, LogBase, MatPow, Kron, Inner, …) make the same graphs.
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
// Abstract functions show the rules themselves: declared in
// ParseOptions.Functions (or built with Func), f(x) is an unknown
// differentiable function, and the chain rule gives its derivatives,
// f'(x), f^(4)(x), and for several arguments its partial derivatives
// ∂₁f(x, y) and ∂₁₂f(x, y): d/dx f(x) g(x) is f'(x) g(x) + f(x) g'(x), and
// d/dt f(x(t), y(t)) is ∂₁f(x(t), y(t)) x'(t) + ∂₂f(x(t), y(t)) y'(t). They
// have no value: evaluating one is a *NoValueError.
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
//
// Derive is the one entry point behind Diff, Grad, Jacobian, Hessian and
// the command line: it decides from the shapes which derivative to
// compute, and stops when its context is done. With respect to variables
// of different shapes it gives one block per variable, each in its own
// layout, and Derivative.Value lays their values out flat. Variables may
// be entries (X[1,2], 1-based), norms carry the notes' subscripts
// (||w||_1, ‖x‖₂²), and the gradient with respect to a symmetric matrix is
// the gradient among symmetric matrices, sym(G) = (G + Gᵀ)/2. Functions
// with kinks take the subgradient of JAX and PyTorch: d abs(x) = sign(x)
// with sign(0) = 0.
//
// Compile makes a Program for evaluation at many points: the value with
// its gradient (ValueGrad), Jacobian, Hessian and their products with
// vectors (HVP, JVP, VJP), from nabla's symbolic derivatives compiled
// together with the value, so that they share its subexpressions. Its
// inputs are named and given flat; data such as a design matrix is bound
// once (Bind takes gonum matrices and vectors). Matrix products run on
// BLAS kernels in the cheapest order, element-wise chains in one loop
// over blocks that stay in cache, and a large matrix read twice, as a
// least-squares loss and its gradient read Φ, is read once by rows on all
// cores; a scalar gradient allocates nothing. Program.Problem hands it to
// gonum's optimizers. ParseOptions.Shapes and the builders VecVar,
// MatVar, MatMul, T, … name sizes, as in Φ (N×D) θ (D).
//
// Nothing panics on user data. Builders given an operand they cannot take
// return an invalid Expr whose Err says why; a derivative nabla cannot
// compute is an *UnsupportedError; a variable the expression lacks gives
// the zero derivative with an *AbsentError that names the nearest spelling.
package nabla
