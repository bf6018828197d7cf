package expr

import (
	"math"

	"github.com/nabla-math/nabla/internal/simd"

	"github.com/nabla-math/nabla/internal/tensor"
)

// Op identifies an operation of the expression graph. Every operation is
// described once, by its entry in Ops; the parser, printers, simplifier,
// differentiators and evaluators all read that entry. The value of an Op
// is only an index into the table: the canonical order of the graph and
// its hashes come from the entry's Order.
type Op uint8

// The operations. Leaves first, then the algebraic operations, then the
// elementary functions in the order they are listed in the syntax.
const (
	OpConst    Op = iota // exact or float number
	OpConstant           // named constant: pi, e
	OpSym                // variable
	OpAdd                // sum of terms
	OpMul                // product of factors
	OpPow                // power base^exponent
	OpSin
	OpCos
	OpTan
	OpAsin
	OpAcos
	OpAtan
	OpSinh
	OpCosh
	OpTanh
	OpExp
	OpLog
	OpAbs
	OpSigmoid
	OpSign   // sign(x): -1, 0 or 1
	OpMatrix // vector or matrix of scalar entries: [f1, f2], [[a, b], [c, d]]

	// Linear algebra on vectors and matrices of symbolic size; see linalg.go.
	OpMatMul    // matrix product A B C, in order
	OpTranspose // Aᵀ
	OpInv       // A⁻¹
	OpDet       // det(A)
	OpLogDet    // log det(A)
	OpTrace     // tr(A)
	OpNorm      // ‖x‖, the 2-norm of a vector, Frobenius for a matrix
	OpSum       // sum of the entries
	OpDiag      // diag(x), the diagonal matrix of a vector; diag(A), the diagonal of a matrix
	OpIdentity  // I, the identity matrix
	OpOnes      // the vector or matrix of ones
	OpIndex     // x[i], X[i, j]: an entry, 1-based
	OpUnit      // unit(i), unit(i, j): the unit vector e_i, the unit matrix E_ij
	OpMax       // max(x): the largest entry
	OpIsMax     // ismax(x): 1 where an entry is the largest, 0 elsewhere

	// The functions of machine-learning calculus: the scalar ones in
	// functions.go, logsumexp and softmax in linalg_ops.go.
	OpSec
	OpCsc
	OpCot
	OpAsec
	OpAcsc
	OpAcot
	OpSech
	OpCsch
	OpCoth
	OpAsinh
	OpAcosh
	OpAtanh
	OpAtan2     // atan2(y, x): the angle of the point (x, y)
	OpLogBase   // log(x, b): the logarithm of x to the base b
	OpLog2      // log2(x)
	OpLog10     // log10(x)
	OpCbrt      // cbrt(x): the real cube root
	OpErf       // erf(x)
	OpErfc      // erfc(x) = 1 - erf(x)
	OpGamma     // gamma(x): Γ(x)
	OpLgamma    // lgamma(x) = log|Γ(x)|
	OpDigamma   // digamma(x): ψ(x) = Γ'(x)/Γ(x)
	OpTrigamma  // trigamma(x): ψ'(x)
	OpPolygamma // polygamma(n, x): the n-th derivative of ψ
	OpSinc      // sinc(x) = sin(x)/x, 1 at 0
	OpStep      // step(x): 1 for x > 0, 0 for x ≤ 0
	OpRelu      // relu(x) = max(x, 0)
	OpLeakyRelu // leaky_relu(x, α): x for x > 0, α x otherwise
	OpSoftplus  // softplus(x) = log(1 + exp(x))
	OpGelu      // gelu(x) = x Φ(x)
	OpSilu      // silu(x) = x sigmoid(x)
	OpHuber     // huber(x, δ): x²/2 for |x| ≤ δ, δ(|x| - δ/2) otherwise
	OpMaximum   // max(a, b): the larger operand, entry by entry
	OpMinimum   // min(a, b): the smaller operand, entry by entry
	OpLogSumExp // logsumexp(z) = log Σ exp(z_i)
	OpSoftmax   // softmax(z) = exp(z) / Σ exp(z_j)

	// More linear algebra and reductions, in linalg_ops.go.
	OpMatPow     // X^k: the k-th power of a square matrix, k a whole number
	OpKron       // kron(A, B) = A ⊗ B, the Kronecker product
	OpSoftmaxDim // softmax(Z, d): the softmax of each column (d = 1) or row (d = 2)
	OpMean       // mean(x): the mean of the entries
	OpProd       // prod(x): the product of the entries
	OpMin        // min(x): the smallest entry
	OpAdj        // adj(A): the adjugate, det(A) A⁻¹ where A is invertible

	// Functions the caller declares by name, in apply.go.
	OpApply // f(x), f'(x), ∂₁₂f(x, y): a declared function, or one of its derivatives, applied
	numOps
)

// NumOps is the number of operations.
const NumOps = int(numOps)

// Class groups operations by their syntax.
type Class uint8

// The classes of operations.
const (
	Leaf     Class = iota // numbers, constants, variables, I, ones
	Operator              // infix operators
	Function              // name(args)
	Declared              // f(args): a function the caller declares by name, with no definition
)

// Form is how the printers lay an operation out. Each form is one
// mechanism of the printers, shared by every operation spelt that way.
type Form uint8

// The forms.
const (
	FormProduct   Form = iota // a number or product: 2x^2/y, with its fraction
	FormName                  // a variable or named constant: its name
	FormWord                  // a leaf spelt by a word: I, ones
	FormMatrix                // a literal: [a, b], [[a, b], [c, d]]
	FormSum                   // terms with + and -
	FormPower                 // base^exponent, sqrt, .^
	FormMatMul                // factors side by side: A B x
	FormCall                  // a function call: name(operands)
	FormPostfix               // the operand then a suffix: Aᵀ, A^{-1}
	FormWrap                  // the operand between an opening and a closing: ‖x‖
	FormIndex                 // the operand, then the other operands as indices: x[1], X[1, 2]
	FormSubscript             // a word or the first operand, then the others as a subscript: \mathbf{e}_{2}, x_{1}
	FormInfix                 // the operands with the word between them: A \otimes B
	FormApplied               // a declared function's name with its marks of derivation, then the operands: f'(x), ∂₁₂f(x, y)
)

// Spelling says how one printer writes an operation.
type Spelling struct {
	Form Form
	// Word is the function name of a call, the suffix of a postfix, the
	// opening of a wrap, the operator of an infix, the word of a leaf and
	// the sign of partial derivatives of a declared function (∂).
	Word string
	// Close is the closing of a wrap.
	Close string
	// Wide is the spelling of a leaf with the shape of a matrix, which
	// reads as a product (ones onesᵀ).
	Wide string
	// Names spells named constants: pi is \pi in LaTeX.
	Names map[string]string
	// After, for a postfix, replaces its suffix and that of an inner
	// postfix operation applied to a name: the transpose of A^{-1} is
	// A^{-\top}.
	After map[Op]string
	// Sub and Sup, for a call, number from 1 the operands written after
	// the word as a subscript and as a superscript in parentheses, an
	// order of derivation, rather than among the operands: \log_{b}(x),
	// \psi^{(n)}(x). Zero is none.
	Sub, Sup int
}

// Sizes equates the sizes of dimensions for a shape rule: the parser
// unifies symbolic sizes as it reads, and Fixed compares known ones.
type Sizes interface {
	// Same reports whether a and b can be the same size, and makes them
	// so.
	Same(a, b Dim) bool
}

type fixedSizes struct{}

func (fixedSizes) Same(a, b Dim) bool { return a == b }

// Fixed is the Sizes of settled shapes: sizes are the same when equal.
var Fixed Sizes = fixedSizes{}

// Forward is the forward-mode differentiator as the Jacobian rules of the
// table see it. It differentiates with respect to a vector variable x of
// size p.
type Forward interface {
	// Of returns the Jacobian of the vector or scalar n: m×p for a vector
	// of size m, a 1×p row for a scalar, 0 when n does not depend on x.
	Of(n *Node) *Node
	// Applied returns the Jacobian of the product m r through m, r held
	// fixed (nil for none): d(m) r with the variation of x moved to the
	// right.
	Applied(m, r *Node) *Node
	// Depends reports whether n depends on x.
	Depends(n *Node) bool
	// Unsupported stops the differentiation: no matrix form is known for
	// what names.
	Unsupported(what string) *Node
}

// IndexWriter writes derivatives in index notation for the rules of the
// table: entries of expressions linear in the differential dX.
type IndexWriter interface {
	// Entry writes entry out of e, linear in dX, differentiated with
	// respect to X_in.
	Entry(e *Node, out, in []string) (string, error)
	// Split splits e, a product P dX Q or P dXᵀ Q, into the factors
	// before and after the differential.
	Split(e *Node) (before, after []*Node, transposed bool, err error)
	// Product writes entry (r, c) of the product of ms: M_rc for a
	// matrix, δ_rc for no factors ("" when r and c are the same index or
	// the single row or column "1").
	Product(ms []*Node, r, c string) string
	// Group parenthesises s when it is a sum.
	Group(s string) string
}

// OpInfo describes one operation: its syntax and spelling, shape rule,
// constructor, numeric kernels and derivative rules. Fields that do not
// apply to an operation are zero; TestTable checks that each entry has
// what its class needs.
type OpInfo struct {
	Name    string   // canonical name; the spelling of functions
	Aliases []string // other accepted function names
	Noun    string   // what messages call it, where not its name
	Class   Class
	Arity   int // number of operands; -1 for n-ary

	// Infix lists the infix tokens that build this operation, the first
	// being the direct spelling and the second the inverse one ("-" for
	// Add, "/" for Mul). Prec is the binding power (higher binds tighter)
	// used by both the parser and the printers; RightAssoc marks "^".
	Infix      []string
	Prec       int
	RightAssoc bool

	// Text and LaTeX spell the operation for the two printers.
	Text, LaTeX Spelling

	// Order places the operation in the canonical order of the graph
	// (the factors f(u) and g(v) of a product sort by the order of f and
	// g) and in its structural hashes. It is a field, so that a new
	// operation takes a new value and changes no existing order.
	Order int

	// Elementwise marks a scalar operation that acts on each entry of a
	// vector or matrix, scalars acting on every entry: the result has the
	// operands' shape.
	Elementwise bool

	// Shape gives the result shape from the operand shapes, equating
	// sizes through s; when the operands do not fit, it returns what the
	// operation needs instead ("a square matrix").
	Shape func(args []Shape, s Sizes) (Shape, string)

	// Check, where set, says what the operation needs of its operands
	// beyond their shapes, or "" when they fit: the exponent of a matrix
	// power is a whole number, the dimension of softmax(Z, 2) is 1 or 2.
	// The parser and the builders call it after the shape rule.
	Check func(args []*Node) string

	// Leaf, for a leaf spelt by a word (I, ones, unit(2)), builds it
	// from the whole numbers written after the word, with fresh sizes;
	// need says what it takes instead when they do not fit.
	Leaf func(args []int, fresh func() Dim) (n *Node, need string)

	// Build, if set, is the canonical constructor of the operation, which
	// every pass that rebuilds a node calls; functions use Call.
	Build func(args []*Node) *Node

	// Rebuild, where set, is the canonical constructor of an operation
	// whose nodes carry more than their operands, the name of a declared
	// function and its orders of derivation: a node like n with the
	// operands args. New calls it.
	Rebuild func(n *Node, args []*Node) *Node

	// NoValue, where set, says why a node of the operation has no value:
	// a declared function is known by its name alone. The evaluators
	// refuse an expression that holds one (see Valueless).
	NoValue func(n *Node) string

	// Value gives the number a constant leaf stands for.
	Value func(n *Node) float64

	// Eval computes the operation on numbers, entry by entry; domain is
	// a non-empty description when the operands lie outside its domain.
	Eval func(x []float64) (v float64, domain string)

	// Eval1 and Eval2 are Eval of one and of two operands without the
	// slice, the fast path of scalar programs: NaN outside the domain,
	// where Eval says why. Add and Mul of more operands are sums and
	// products of two.
	Eval1 func(x float64) float64
	Eval2 func(a, b float64) float64

	// Reduce, where set, computes the operation, a reduction of all the
	// entries of its one operand to a scalar, on a block of those entries:
	// the reduction of the whole is the sum of those of its blocks, as for
	// sum. A program then computes it in the loop that computes its
	// operand, without a buffer for the operand.
	Reduce func(x []float64) float64

	// Strict, where set, reports whether the element-wise operation or
	// reduction n gives NaN or an infinity whenever an operand is one
	// (sums, products, sin; not exp, for exp(-Inf) is 0), so that a program
	// checks the values it computes after a chain of such operations,
	// not after each.
	Strict func(n *Node) bool

	// Loop computes an element-wise operation on blocks of entries,
	// dst[i] = f(x[0][i], x[1][i], …), each operand as long as dst or of
	// one entry, a scalar that acts on every entry. It does not report
	// the domain: an entry outside it is NaN or infinite, and the caller
	// asks Eval why.
	Loop func(dst []float64, x [][]float64)

	// Complex, where set, computes the operation on complex numbers: the
	// analytic continuation of an analytic element-wise function, which
	// the complex-step derivative evaluates. The domain is that of Eval
	// at the real parts.
	Complex func(x []complex128) complex128

	// Tensor computes the operation on vectors and matrices into dst,
	// which has the result's shape, sizes settled, and storage of its
	// own; it writes every entry. Element-wise operations have Eval and
	// Loop instead.
	Tensor func(dst tensor.T, n *Node, args []tensor.T) error

	// Fold gives the exact value of a function at an exact number where
	// that value is itself exact (sin(0) = 0, log(1) = 0); Fold2 that of
	// a function of two operands at two exact numbers (log(8, 2) = 3).
	Fold  func(x Num) (Num, bool)
	Fold2 func(a, b Num) (Num, bool)

	// FoldNode, where set, gives the exact value of a function of one
	// operand at the scalar operand u as an expression, or nil: the
	// values that Fold, from numbers to numbers, cannot give, at
	// operands that are not numbers (sin(π/6) = 1/2, log(e) = 1) or that
	// are not numbers themselves (atan(1) = π/4, cbrt(16) = 2 cbrt(2)).
	// The constructors call it on every application to a scalar.
	FoldNode func(u *Node) *Node

	// Stable, where set, rewrites n, an application of the operation,
	// into an equal expression that evaluates without overflow, or
	// returns n: log(1 + exp(u)) is softplus(u). The evaluators apply it
	// through the pass Stable to what they evaluate; printed and
	// differentiated expressions keep the form written.
	Stable func(n *Node) *Node

	// Complements, where set, lists constants c near which c − f(u)
	// cancels in floating point, each with an equal form that does not:
	// 1 − sigmoid(u) is sigmoid(−u). The Stable rule of sums rewrites
	// c − f(u), and the factor f(u) − c of a polynomial in f(u), into
	// that form.
	Complements []Complement

	// Linear marks a unary operation that is linear and that the
	// constructors keep outside sums (diag, sum): the simplifier merges
	// a L(u) + b L(v) into L(a u + b v).
	Linear bool

	// Rule names the derivative rule, and Partial returns ∂n/∂args[i] for
	// the node n. The differentiator combines partials by the chain rule
	// and records Rule for each node it differentiates.
	Rule    string
	Partial func(n *Node, i int) *Node

	// Combine, if set, assembles dn from the operands' derivatives d (nil
	// for a constant operand) when the sum of partials does not apply (a
	// matrix is differentiated entry by entry; d(AB) = dA B + A dB) or is
	// less compact (d(b^e) = b^e (e' log(b) + e b'/b)). A nil result
	// means: use the partials. With a matrix differential dX for the
	// variable, it gives the differential of n.
	Combine func(n *Node, d []*Node) *Node

	// Adjoint, for operations on vectors and matrices, gives the
	// contribution of n's adjoint adj (the gradient of a scalar with
	// respect to n, of n's shape) to the adjoint of operand i: reverse-mode
	// differentiation in matrix form, as in d(aᵀXb)/dX = abᵀ.
	Adjoint func(n, adj *Node, i int) *Node

	// Jacobian, if set, gives the Jacobian of the vector or scalar n in
	// matrix form by forward mode. Element-wise operations without it use
	// J(f(u)) = diag(f'(u)) J(u), and a scalar its gradient.
	Jacobian func(f Forward, n *Node) *Node

	// Applied, for operations whose value is a matrix, gives the Jacobian
	// of n r through n, r a vector held fixed: d(n) r, as in
	// d(A⁻¹) r = -A⁻¹ dA A⁻¹ r. A nil result means no matrix form.
	Applied func(f Forward, n, r *Node) *Node

	// Index writes entry out of n's derivative with respect to X_in in
	// index notation, n being linear in dX: the rules of diag and tr.
	Index func(w IndexWriter, n *Node, out, in []string) (string, error)
}

// Precedences shared by the parser and the printers.
const (
	PrecAdd   = 1
	PrecMul   = 2
	PrecUnary = 3
	PrecPow   = 4
	PrecAtom  = 5
)

// Ops is the operation table.
var Ops [numOps]OpInfo

func init() {
	Ops = [numOps]OpInfo{
		OpConst: {
			Name: "number", Class: Leaf, Prec: PrecAtom, Order: 0,
			Text: Spelling{Form: FormProduct}, LaTeX: Spelling{Form: FormProduct},
			Shape: scalarShape, Rule: "constant rule",
			Value: func(n *Node) float64 { return n.num.Float64() },
		},
		OpConstant: {
			Name: "constant", Class: Leaf, Prec: PrecAtom, Order: 1,
			Text: Spelling{Form: FormName}, LaTeX: Spelling{Form: FormName, Names: map[string]string{Pi: `\pi`}},
			Shape: scalarShape, Rule: "constant rule",
			Value: func(n *Node) float64 { return ConstantValue(n.name) },
		},
		OpSym: {
			Name: "variable", Class: Leaf, Prec: PrecAtom, Order: 2,
			Text: Spelling{Form: FormName}, LaTeX: Spelling{Form: FormName},
			Rule: "variable rule",
		},
		OpAdd: {
			Name: "+", Class: Operator, Arity: -1, Infix: []string{"+", "-"}, Prec: PrecAdd, Order: 3,
			Text: Spelling{Form: FormSum}, LaTeX: Spelling{Form: FormSum},
			Elementwise: true, Shape: broadcastShape, Rule: "sum rule",
			Build: func(a []*Node) *Node { return Add(a...) },
			Eval: func(x []float64) (float64, string) {
				r := 0.0
				for _, v := range x {
					r += v
				}
				return r, ""
			},
			Eval2:    func(a, b float64) float64 { return a + b },
			Strict:   always,
			Loop:     addKernels.loop,
			Partial:  func(n *Node, i int) *Node { return one },
			Jacobian: addJacobian,
			Applied:  addApplied,
		},
		OpMul: {
			Name: "*", Class: Operator, Arity: -1, Infix: []string{"*", "/"}, Prec: PrecMul, Order: 4,
			Text: Spelling{Form: FormProduct}, LaTeX: Spelling{Form: FormProduct},
			Elementwise: true, Shape: broadcastShape, Rule: "product rule",
			Build: func(a []*Node) *Node { return Mul(a...) },
			Eval: func(x []float64) (float64, string) {
				r := 1.0
				for _, v := range x {
					r *= v
				}
				return r, ""
			},
			Eval2:    func(a, b float64) float64 { return a * b },
			Strict:   always,
			Loop:     mulKernels.loop,
			Partial:  MulExcept,
			Jacobian: mulJacobian,
			Applied:  mulApplied,
		},
		OpPow: {
			Name: "^", Class: Operator, Arity: 2, Infix: []string{"^", "**"}, Prec: PrecPow, RightAssoc: true, Order: 5,
			Text: Spelling{Form: FormPower}, LaTeX: Spelling{Form: FormPower},
			Elementwise: true, Shape: broadcastShape, Rule: "power rule",
			Build: func(a []*Node) *Node { return Pow(a[0], a[1]) },
			Eval: func(x []float64) (float64, string) {
				b, e := x[0], x[1]
				switch {
				case b == 0 && e < 0:
					return math.NaN(), "division by zero"
				case b < 0 && e != math.Trunc(e):
					return math.NaN(), "negative number to a non-integer power"
				}
				return pow(b, e), ""
			},
			Eval2: powEntry,
			Loop:  powLoop,
			// NaN and ±Inf to a positive power are NaN and ±Inf (or +Inf);
			// to a negative power, ±Inf is 0.
			Strict: func(n *Node) bool {
				e := n.args[1]
				return e.op == OpConst && e.num.Sign() > 0
			},
			Partial: func(n *Node, i int) *Node {
				b, e := n.args[0], n.args[1]
				if i == 0 { // e b^(e-1)
					return Mul(e, Pow(b, Add(e, minusOne)))
				}
				if b.op == OpConst && b.num.IsZero() {
					// 0^e is 0 for e > 0, where it is differentiable.
					return zero
				}
				// b^e log(b). For a constant b < 0, b^e is real only at
				// whole numbers e and has no derivative in e over the
				// reals: the differentiators refuse it where e varies
				// (diff.NoRealDerivativeError), and never ask for this
				// partial.
				return Mul(n, Call(OpLog, b))
			},
			Combine: func(n *Node, d []*Node) *Node {
				if d[0] == nil || d[1] == nil {
					return nil // one operand varies: the partials are simpler
				}
				b, e := n.args[0], n.args[1]
				return Mul(n, Add(Mul(d[1], Call(OpLog, b)), Mul(e, d[0], Pow(b, minusOne))))
			},
		},
		OpSin: fn("sin", `\sin`, 6, math.Sin, nil, exactAt0(0),
			func(u, n *Node) *Node { return Call(OpCos, u) }),
		OpCos: fn("cos", `\cos`, 7, math.Cos, nil, exactAt0(1),
			func(u, n *Node) *Node { return Neg(Call(OpSin, u)) }),
		OpTan: fn("tan", `\tan`, 8, math.Tan, tanDomain, exactAt0(0),
			func(u, n *Node) *Node { return Pow(Call(OpCos, u), Int64(-2)) }),
		OpAsin: fn("asin", `\arcsin`, 9, math.Asin, unitDomain, exactAt0(0),
			func(u, n *Node) *Node { return Pow(Add(one, Neg(Pow(u, two))), NewConst(Rat(-1, 2))) }),
		OpAcos: fn("acos", `\arccos`, 10, math.Acos, unitDomain, exactAt(1, 0),
			func(u, n *Node) *Node { return Neg(Pow(Add(one, Neg(Pow(u, two))), NewConst(Rat(-1, 2)))) }),
		OpAtan: fn("atan", `\arctan`, 11, math.Atan, nil, exactAt0(0),
			func(u, n *Node) *Node { return Pow(Add(one, Pow(u, two)), minusOne) }),
		OpSinh: fn("sinh", `\sinh`, 12, math.Sinh, nil, exactAt0(0),
			func(u, n *Node) *Node { return Call(OpCosh, u) }),
		OpCosh: fn("cosh", `\cosh`, 13, math.Cosh, nil, exactAt0(1),
			func(u, n *Node) *Node { return Call(OpSinh, u) }),
		OpTanh: fn("tanh", `\tanh`, 14, math.Tanh, nil, exactAt0(0),
			func(u, n *Node) *Node { return Add(one, Neg(Pow(n, two))) }),
		OpExp: fn("exp", `\exp`, 15, math.Exp, nil, exactAt0(1),
			func(u, n *Node) *Node { return n }),
		OpLog: fn("log", `\log`, 16, Log, logDomain, exactAt(1, 0),
			func(u, n *Node) *Node { return Pow(u, minusOne) }),
		// abs is not differentiable at 0; its derivative there is the
		// subgradient 0, as in JAX and PyTorch: d abs(u) = sign(u) du.
		OpAbs: fn("abs", `\operatorname{abs}`, 17, math.Abs, nil, func(x Num) (Num, bool) {
			if x.Sign() < 0 {
				return x.Neg(), true
			}
			return x, true
		}, func(u, n *Node) *Node { return Call(OpSign, u) }),
		OpSigmoid: fn("sigmoid", `\sigma`, 18, sigmoid, nil, func(x Num) (Num, bool) {
			if x.IsZero() && !x.IsFloat() {
				return Rat(1, 2), true
			}
			return Num{}, false
		}, func(u, n *Node) *Node { return Mul(n, Add(one, Neg(n))) }),
		// sign is piecewise constant: its derivative is 0 wherever it
		// is differentiable, and 0 is taken at 0 too.
		OpSign: fn("sign", `\operatorname{sign}`, 31, sign, nil, func(x Num) (Num, bool) {
			return Int(int64(x.Sign())), true
		}, func(u, n *Node) *Node { return zero }),
		OpMatrix: {
			Name: "matrix", Class: Leaf, Arity: -1, Prec: PrecAtom, Order: 19,
			Text: Spelling{Form: FormMatrix}, LaTeX: Spelling{Form: FormMatrix},
			Rule: "entrywise rule",
			// A matrix is differentiated entry by entry.
			Combine: func(n *Node, d []*Node) *Node {
				entries := make([]*Node, len(d))
				for i, di := range d {
					if di == nil {
						di = zero
					}
					entries[i] = di
				}
				return NewMatrix(n.Shape(), n.pos, entries)
			},
			Adjoint: literalAdjoint,
			Tensor:  literalValue,
			// The Jacobian of [f1, …, fm] stacks the rows of the
			// entries: Σ e_k J(f_k).
			Jacobian: func(f Forward, n *Node) *Node {
				if n.Shape().Rank() != 1 {
					return f.Unsupported("a literal matrix")
				}
				var terms []*Node
				for k := 0; k < n.Size(); k++ {
					if j := f.Of(n.Entry(k)); !j.IsZero() {
						terms = append(terms, MatMul(Unit(n.Shape(), k+1), j))
					}
				}
				return Add(terms...)
			},
		},
	}
	Ops[OpAbs].LaTeX = Spelling{Form: FormWrap, Word: `\left|`, Close: `\right|`}
	for _, op := range []Op{OpSin, OpCos, OpTan, OpAsin, OpAcos, OpSinh, OpCosh, OpLog, OpAbs} {
		Ops[op].Strict = always
	}
	Ops[OpLog].Aliases = []string{"ln"}
	Ops[OpLog].Stable, Ops[OpMul].Stable, Ops[OpAdd].Stable = stableLog, stableMul, stableAdd
	linalgOps()
	functionOps()
	complements()
	applyOps()
	exactValues()
	Ops[OpSum].Reduce, Ops[OpSum].Strict = tensor.SumOf, always
	initComplex()
	for i := range Ops {
		opOrder[i] = Ops[i].Order
	}
	initConstants()
}

// opOrder holds the Order of each operation, compactly, for the hashes
// and comparisons that read it at every node built.
var opOrder [numOps]int

// fn builds the table entry of a unary elementary function. deriv returns
// f'(u) for the node n = f(u).
func fn(name, latex string, order int, eval func(float64) float64, domain func(float64) string,
	fold func(Num) (Num, bool), deriv func(u, n *Node) *Node) OpInfo {
	return OpInfo{
		Name: name, Class: Function, Arity: 1, Prec: PrecAtom, Order: order,
		Text:        Spelling{Form: FormCall, Word: name},
		LaTeX:       Spelling{Form: FormCall, Word: latex},
		Elementwise: true, Shape: broadcastShape,
		Eval: func(x []float64) (float64, string) {
			if domain != nil {
				if msg := domain(x[0]); msg != "" {
					return math.NaN(), msg
				}
			}
			return eval(x[0]), ""
		},
		Eval1: func(x float64) float64 {
			if domain != nil && domain(x) != "" {
				return math.NaN()
			}
			return eval(x)
		},
		Loop: func(dst []float64, x [][]float64) {
			a := x[0]
			if len(a) != len(dst) {
				v := math.NaN()
				if domain == nil || domain(a[0]) == "" {
					v = eval(a[0])
				}
				fill(dst, v)
				return
			}
			a = a[:len(dst)]
			if domain == nil {
				for i, v := range a {
					dst[i] = eval(v)
				}
				return
			}
			for i, v := range a {
				if domain(v) != "" {
					dst[i] = math.NaN()
				} else {
					dst[i] = eval(v)
				}
			}
		},
		Fold:    fold,
		Rule:    "chain rule",
		Partial: func(n *Node, i int) *Node { return deriv(n.args[0], n) },
	}
}

func exactAt0(v int64) func(Num) (Num, bool) { return exactAt(0, v) }

// exactAt folds f(at) = v for the exact argument at.
func exactAt(at, v int64) func(Num) (Num, bool) {
	return func(x Num) (Num, bool) {
		if k, ok := x.Int64(); ok && k == at {
			return Int(v), true
		}
		return Num{}, false
	}
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	z := math.Exp(x)
	return z / (1 + z)
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x // 0, -0 and NaN
}

func pow(b, e float64) float64 {
	switch e {
	case 2:
		return b * b
	case 3:
		return b * b * b
	case 0.5:
		return math.Sqrt(b)
	case -1:
		return 1 / b
	case -2:
		return 1 / (b * b)
	}
	return math.Pow(b, e)
}

// always is the Strict of operations that are strict at every node.
func always(*Node) bool { return true }

// arith holds the block kernels of a sum or a product: of two blocks, of
// a block and a scalar, and of two scalars.
type arith struct {
	vv func(dst, a, b []float64)
	vs func(dst, a []float64, c float64)
	ss func(a, b float64) float64
}

var (
	addKernels = arith{simd.Add, simd.AddScalar, func(a, b float64) float64 { return a + b }}
	mulKernels = arith{simd.Mul, simd.MulScalar, func(a, b float64) float64 { return a * b }}
)

// loop is the Loop of sums and products: the operands combined from the
// first, in the order of the scalar kernel, so that both round alike
// (sums and products of two are commutative, to the bit).
func (k arith) loop(dst []float64, x [][]float64) {
	n := len(dst)
	if len(x) == 1 {
		set(dst, x[0])
		return
	}
	switch a, b := x[0], x[1]; {
	case len(a) == n && len(b) == n:
		k.vv(dst, a, b)
	case len(a) == n:
		k.vs(dst, a, b[0])
	case len(b) == n:
		k.vs(dst, b, a[0])
	default:
		fill(dst, k.ss(a[0], b[0]))
	}
	for _, a := range x[2:] {
		if len(a) != n {
			k.vs(dst, dst, a[0])
		} else {
			k.vv(dst, dst, a)
		}
	}
}

// set copies the operand a, a block or a scalar, into dst.
func set(dst, a []float64) {
	if len(a) == len(dst) {
		copy(dst, a)
	} else {
		fill(dst, a[0])
	}
}

// fill sets every entry of dst to c.
func fill(dst []float64, c float64) {
	for i := range dst {
		dst[i] = c
	}
}

// powLoop raises entries to powers, squares and cubes by products; an
// entry outside the domain of the power is NaN. A scalar exponent, the
// usual case, chooses the loop once.
func powLoop(dst []float64, x [][]float64) {
	n := len(dst)
	b, e := x[0], x[1]
	if len(e) != n {
		w := e[0]
		if len(b) != n {
			fill(dst, powEntry(b[0], w))
			return
		}
		b = b[:n]
		switch w {
		case 2:
			simd.Square(dst, b)
		case 3:
			simd.Square(dst, b) // (v v) v, as the scalar kernel rounds
			simd.Mul(dst, dst, b)
		default:
			for i, v := range b {
				dst[i] = powEntry(v, w)
			}
		}
		return
	}
	e = e[:n]
	if len(b) != n {
		c := b[0]
		for i, w := range e {
			dst[i] = powEntry(c, w)
		}
		return
	}
	b = b[:n]
	for i, v := range b {
		dst[i] = powEntry(v, e[i])
	}
}

// powEntry is b^e, NaN outside the domain of the power.
func powEntry(b, e float64) float64 {
	if b == 0 && e < 0 || b < 0 && e != math.Trunc(e) {
		return math.NaN()
	}
	return pow(b, e)
}

func logDomain(x float64) string {
	if x <= 0 {
		return "log of a non-positive number"
	}
	return ""
}

func unitDomain(x float64) string {
	if x < -1 || x > 1 {
		return "argument outside [-1, 1]"
	}
	return ""
}

func tanDomain(x float64) string {
	if math.Cos(x) == 0 {
		return "tan at a pole"
	}
	return ""
}

func scalarShape([]Shape, Sizes) (Shape, string) { return Scalar, "" }

// broadcastShape is the shape rule of element-wise operations: operands
// of one shape, scalars acting on every entry.
func broadcastShape(args []Shape, s Sizes) (Shape, string) {
	out := Scalar
	for _, a := range args {
		switch {
		case a.IsScalar():
		case out.IsScalar():
			out = a
		case !sameShape(out, a, s):
			return Shape{}, "operands of one shape"
		}
	}
	return out, ""
}

// sameShape reports whether a and b can be the same shape, equating their
// sizes through s.
func sameShape(a, b Shape, s Sizes) bool {
	if a.Rank() != b.Rank() {
		return false
	}
	for i := 0; i < a.Rank(); i++ {
		if !s.Same(a.Dim(i), b.Dim(i)) {
			return false
		}
	}
	return true
}

// addJacobian: the Jacobian of a sum is the sum of its terms' Jacobians;
// a scalar term added to every entry contributes ones times its row.
func addJacobian(f Forward, n *Node) *Node {
	var terms []*Node
	for _, a := range n.args {
		j := f.Of(a)
		if j.IsZero() {
			continue
		}
		if a.Shape().IsScalar() && !n.Shape().IsScalar() {
			terms = append(terms, MatMul(Ones(n.Shape()), j))
			continue
		}
		terms = append(terms, j)
	}
	return Add(terms...)
}

// mulJacobian: J(u ⊙ v) = diag(v) J(u) + diag(u) J(v); a scalar factor k
// contributes (the rest) J(k), an outer product.
func mulJacobian(f Forward, n *Node) *Node {
	var terms []*Node
	for i, a := range n.args {
		j := f.Of(a)
		if j.IsZero() {
			continue
		}
		rest := MulExcept(n, i)
		switch {
		case n.Shape().IsScalar():
			terms = append(terms, Mul(rest, j))
		case a.Shape().IsScalar() && !rest.Shape().IsScalar():
			terms = append(terms, jacobianProduct(rest, j))
		case rest.Shape().IsScalar():
			terms = append(terms, Mul(rest, j))
		default:
			terms = append(terms, MatMul(Diag(rest), j))
		}
	}
	return Add(terms...)
}

// addApplied: d(S + T) r = d(S) r + d(T) r, unless a scalar is added to
// every entry.
func addApplied(f Forward, m, r *Node) *Node {
	terms := make([]*Node, 0, len(m.args))
	for _, t := range m.args {
		if t.Shape().IsScalar() {
			return nil
		}
		terms = append(terms, f.Applied(t, r))
	}
	return Add(terms...)
}

// mulApplied: d(k M) r = k d(M) r + (M r) J(k) for the scalar factors k
// of M.
func mulApplied(f Forward, m, r *Node) *Node {
	var scalars []*Node
	var mat *Node
	k, fs := Factors(m)
	for _, x := range fs {
		switch {
		case x.Shape().IsScalar():
			scalars = append(scalars, x)
		case mat == nil:
			mat = x
		default:
			return f.Unsupported("an element-wise product of matrices")
		}
	}
	scalars = append(scalars, NewConst(k))
	c := Mul(scalars...)
	terms := []*Node{Mul(c, f.Applied(mat, r))}
	if f.Depends(c) {
		terms = append(terms, jacobianProduct(MatMul(mat, r), f.Of(c)))
	}
	return Add(terms...)
}

// literalAdjoint is the adjoint of entry i of a vector or matrix literal:
// entry i of the literal's adjoint.
func literalAdjoint(n, a *Node, i int) *Node {
	switch a.op {
	case OpMatrix:
		return a.Entry(i)
	case OpOnes:
		return one
	case OpConst:
		return a // zero
	}
	return nil
}

// literalValue is the value of a literal from the values of its entries.
func literalValue(dst tensor.T, n *Node, args []tensor.T) error {
	if n.pos != nil {
		clear(dst.Data)
	}
	for k, v := range args {
		if n.pos != nil {
			dst.Data[n.pos[k]] = v.Data[0]
		} else {
			dst.Data[k] = v.Data[0]
		}
	}
	return nil
}
