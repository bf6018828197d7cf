// Package expr is nabla's expression graph and its operation table, the
// layer every other package builds on.
//
// # The graph
//
// A Node is an immutable vertex of a directed acyclic graph. Nodes are
// hash-consed: the constructors (Add, Mul, Pow, Call, MatMul, Transpose,
// …) return the one node of each structure, so equal subexpressions are
// one node, compared with == (or Equal, which survives a reset of the
// table), and a derivative that reuses a subexpression shares it. Every
// node knows its Shape: a scalar, a vector, a matrix, or a tensor of rank
// up to four, with sizes that are numbers or symbols (m, n) until values
// fix them.
//
// The constructors keep every node canonical, as the fast computer-algebra
// cores do: a sum is a list of terms with collected coefficients (2x + 3x
// is 5x), a product a list of bases with collected exponents (x x^2 is
// x^3), both sorted into a canonical order, numbers folded exactly (Num is
// an exact rational with an int64 fast path and a math/big fallback, or a
// float64), and the identities of linear algebra applied where they
// shrink a node ((AB)ᵀ = BᵀAᵀ, A A⁻¹ = I). The invariants are asserted on
// random graphs by the package's tests.
//
// # The operation table
//
// Each operation is described once, by its OpInfo in Ops: its names and
// syntax, its spelling for each printer (a Form and words), its canonical
// Order, its shape rule and what it needs of its operands beyond their
// shapes (Check: the whole exponent of X^k), its constructor, its numeric
// kernels (Eval on numbers, Tensor on vectors and matrices), and its
// derivative rules: Partial derivatives for the chain rule, Combine for
// differentials, Adjoint for reverse mode in matrix form, Jacobian and
// Applied for forward mode in matrix form, Index for index notation. The
// parser, printers, simplifier, differentiators and evaluators read the
// table; adding an operation is adding an entry, and TestTable checks that
// the entry has what its class needs. The elementary functions are in
// ops.go, linear algebra in linalg_ops.go (products, powers and Kronecker
// products of matrices, inverses, determinants, traces, norms, reductions,
// softmax), and the functions of machine-learning calculus (sec to atanh,
// logarithms to a base, erf, gamma and its relatives, the activations and
// losses) in functions.go, with the special functions that package math
// lacks in special.go, and the functions the caller declares by name,
// which have derivatives (f'(x), ∂₁₂f(x, y)) but no value, in apply.go. The exact values at special points that the
// constructors fold to (sin(π/6) = 1/2, atan(1) = π/4, log(e) = 1, cbrt(16)
// = 2 cbrt(2)) are the table's Fold and FoldNode entries, the latter in
// values.go.
//
// # Stable evaluation
//
// Stable rewrites a graph into an equal one that evaluates without
// overflow (log(1 + exp(x)) is softplus(x)) or cancellation (1 −
// sigmoid(x) is sigmoid(−x), by the table's Complements of sigmoid), by
// the Stable rules of the table; the evaluators apply it to what they
// evaluate.
//
// # Walks
//
// Inspect, Find and Transform walk a graph visiting each shared node once,
// and Memo maps nodes to values for any pass, allocating nothing for small
// expressions.
package expr
