package expr

import (
	"math"
)

// Op identifies an operation of the expression graph. Every operation is
// described once, by its entry in Ops; the parser, printers, simplifier,
// differentiator and evaluator all read that entry.
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
	numOps
)

// Class groups operations by their syntax.
type Class uint8

// The classes of operations.
const (
	Leaf     Class = iota // numbers, constants, variables
	Operator              // infix operators
	Function              // name(args)
)

// OpInfo describes one operation: its syntax, shape rule, evaluation and
// derivative. Fields that do not apply to an operation are zero.
type OpInfo struct {
	Name    string   // canonical name; the spelling of functions
	Aliases []string // other accepted function names
	Class   Class
	Arity   int // number of operands; -1 for n-ary

	// Infix lists the infix tokens that build this operation, the first
	// being the direct spelling and the second the inverse one ("-" for
	// Add, "/" for Mul). Prec is the binding power (higher binds tighter)
	// used by both the parser and the printers; RightAssoc marks "^".
	Infix      []string
	Prec       int
	RightAssoc bool

	// LaTeX is the LaTeX spelling of a function, e.g. `\sin`.
	LaTeX string

	// Build, if set, is the canonical constructor of the operation, which
	// every pass that rebuilds a node calls; functions use Call.
	Build func(args []*Node) *Node

	// Shape gives the result shape from the operand shapes, or ok=false
	// when the operands do not fit the operation.
	Shape func(args []Shape) (s Shape, ok bool)

	// Eval computes the value of a scalar function at x; domain is a
	// non-empty description when x lies outside the function's domain.
	Eval func(x float64) (v float64, domain string)

	// Fold gives the exact value of a function at an exact number where
	// that value is itself exact (sin(0) = 0, log(1) = 0).
	Fold func(x Num) (Num, bool)

	// Rule names the derivative rule, and Partial returns ∂n/∂args[i] for
	// the node n. The differentiator combines partials by the chain rule
	// and records Rule for each node it differentiates.
	Rule    string
	Partial func(n *Node, i int) *Node

	// Combine, if set, assembles dn from the operands' derivatives d (nil
	// for a constant operand) when the sum of partials does not apply (a
	// matrix is differentiated entry by entry; d(AB) = dA B + A dB) or is
	// less compact (d(b^e) = b^e (e' log(b) + e b'/b)). A nil result
	// means: use the partials.
	Combine func(n *Node, d []*Node) *Node

	// Linear marks a unary operation that is linear and that the
	// constructors keep outside sums (diag, sum): the simplifier merges
	// a L(u) + b L(v) into L(a u + b v).
	Linear bool

	// Adjoint, for operations on vectors and matrices, gives the
	// contribution of n's adjoint adj (the gradient of a scalar with
	// respect to n, of n's shape) to the adjoint of operand i: reverse-mode
	// differentiation in matrix form, as in d(aᵀXb)/dX = abᵀ.
	Adjoint func(n, adj *Node, i int) *Node
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
		OpConst:    {Name: "number", Class: Leaf, Prec: PrecAtom, Shape: scalarShape, Rule: "constant rule"},
		OpConstant: {Name: "constant", Class: Leaf, Prec: PrecAtom, Shape: scalarShape, Rule: "constant rule"},
		OpSym:      {Name: "variable", Class: Leaf, Prec: PrecAtom, Rule: "variable rule"},
		OpAdd: {
			Name: "+", Class: Operator, Arity: -1, Infix: []string{"+", "-"}, Prec: PrecAdd,
			Shape: sameShape, Rule: "sum rule",
			Partial: func(n *Node, i int) *Node { return one },
		},
		OpMul: {
			Name: "*", Class: Operator, Arity: -1, Infix: []string{"*", "/"}, Prec: PrecMul,
			Shape: sameShape, Rule: "product rule",
			Partial: MulExcept,
		},
		OpPow: {
			Name: "^", Class: Operator, Arity: 2, Infix: []string{"^", "**"}, Prec: PrecPow, RightAssoc: true,
			Shape: sameShape, Rule: "power rule",
			Partial: func(n *Node, i int) *Node {
				b, e := n.args[0], n.args[1]
				if i == 0 { // e b^(e-1)
					return Mul(e, Pow(b, Add(e, minusOne)))
				}
				switch {
				case b.op == OpConst && b.num.Sign() < 0:
					// (-2)^e is defined only at integers e, so it is
					// differentiable only where e is locally constant;
					// log|b| keeps the product finite there.
					return Mul(n, Call(OpLog, NewConst(b.num.Neg())))
				}
				return Mul(n, Call(OpLog, b)) // b^e log(b)
			},
			Combine: func(n *Node, d []*Node) *Node {
				if d[0] == nil || d[1] == nil {
					return nil // one operand varies: the partials are simpler
				}
				b, e := n.args[0], n.args[1]
				return Mul(n, Add(Mul(d[1], Call(OpLog, b)), Mul(e, d[0], Pow(b, minusOne))))
			},
		},
		OpSin: fn("sin", `\sin`, math.Sin, nil, exactAt0(0),
			func(u, n *Node) *Node { return Call(OpCos, u) }),
		OpCos: fn("cos", `\cos`, math.Cos, nil, exactAt0(1),
			func(u, n *Node) *Node { return Neg(Call(OpSin, u)) }),
		OpTan: fn("tan", `\tan`, math.Tan, tanDomain, exactAt0(0),
			func(u, n *Node) *Node { return Pow(Call(OpCos, u), Int64(-2)) }),
		OpAsin: fn("asin", `\arcsin`, math.Asin, unitDomain, exactAt0(0),
			func(u, n *Node) *Node { return Pow(Add(one, Neg(Pow(u, two))), NewConst(Rat(-1, 2))) }),
		OpAcos: fn("acos", `\arccos`, math.Acos, unitDomain, exactAt(1, 0),
			func(u, n *Node) *Node { return Neg(Pow(Add(one, Neg(Pow(u, two))), NewConst(Rat(-1, 2)))) }),
		OpAtan: fn("atan", `\arctan`, math.Atan, nil, exactAt0(0),
			func(u, n *Node) *Node { return Pow(Add(one, Pow(u, two)), minusOne) }),
		OpSinh: fn("sinh", `\sinh`, math.Sinh, nil, exactAt0(0),
			func(u, n *Node) *Node { return Call(OpCosh, u) }),
		OpCosh: fn("cosh", `\cosh`, math.Cosh, nil, exactAt0(1),
			func(u, n *Node) *Node { return Call(OpSinh, u) }),
		OpTanh: fn("tanh", `\tanh`, math.Tanh, nil, exactAt0(0),
			func(u, n *Node) *Node { return Add(one, Neg(Pow(n, two))) }),
		OpExp: fn("exp", `\exp`, math.Exp, nil, exactAt0(1),
			func(u, n *Node) *Node { return n }),
		OpLog: fn("log", `\log`, math.Log, logDomain, exactAt(1, 0),
			func(u, n *Node) *Node { return Pow(u, minusOne) }),
		OpAbs: fn("abs", `\operatorname{abs}`, math.Abs, nil, func(x Num) (Num, bool) {
			if x.Sign() < 0 {
				return x.Neg(), true
			}
			return x, true
		}, func(u, n *Node) *Node { return Mul(u, Pow(n, minusOne)) }),
		OpSigmoid: fn("sigmoid", `\sigma`, sigmoid, nil, func(x Num) (Num, bool) {
			if x.IsZero() && !x.IsFloat() {
				return Rat(1, 2), true
			}
			return Num{}, false
		}, func(u, n *Node) *Node { return Mul(n, Add(one, Neg(n))) }),
	}
	Ops[OpMatrix] = OpInfo{
		Name: "matrix", Class: Leaf, Arity: -1, Prec: PrecAtom, Rule: "entrywise rule",
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
	}
	linalgOps()
	Ops[OpAdd].Build = func(a []*Node) *Node { return Add(a...) }
	Ops[OpMul].Build = func(a []*Node) *Node { return Mul(a...) }
	Ops[OpPow].Build = func(a []*Node) *Node { return Pow(a[0], a[1]) }
	Ops[OpLog].Aliases = []string{"ln"}
	Ops[OpSym].Shape = nil // a symbol's shape is declared, not derived
}

// fn builds the table entry of a unary elementary function. deriv returns
// f'(u) for the node n = f(u).
func fn(name, latex string, eval func(float64) float64, domain func(float64) string,
	fold func(Num) (Num, bool), deriv func(u, n *Node) *Node) OpInfo {
	return OpInfo{
		Name: name, Class: Function, Arity: 1, Prec: PrecAtom, LaTeX: latex,
		Shape: elementwiseShape,
		Eval: func(x float64) (float64, string) {
			if domain != nil {
				if msg := domain(x); msg != "" {
					return math.NaN(), msg
				}
			}
			return eval(x), ""
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

func scalarShape([]Shape) (Shape, bool) { return Scalar, true }

func elementwiseShape(args []Shape) (Shape, bool) { return args[0], true }

func sameShape(args []Shape) (Shape, bool) {
	for _, s := range args[1:] {
		if s != args[0] {
			return Shape{}, false
		}
	}
	return args[0], true
}
