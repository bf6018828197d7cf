package expr

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nabla-math/nabla/internal/tensor"
)

// linalgOps fills the table entries of the linear-algebra operations.
func linalgOps() {
	Ops[OpMatMul] = OpInfo{
		Name: "matmul", Class: Operator, Arity: -1, Prec: PrecMul, Order: 20,
		Text: Spelling{Form: FormMatMul}, LaTeX: Spelling{Form: FormMatMul},
		Shape: matMulShape, Rule: "matrix product rule",
		Build:  func(a []*Node) *Node { return MatMul(a...) },
		Tensor: func(dst tensor.T, n *Node, a []tensor.T) error { return tensor.MatMul(dst, a) },
		// d(ABC) = dA B C + A dB C + A B dC
		Combine: func(n *Node, d []*Node) *Node {
			var terms []*Node
			for i, di := range d {
				if di == nil {
					continue
				}
				fs := slices.Clone(n.args)
				fs[i] = di
				terms = append(terms, MatMul(fs...))
			}
			return Add(terms...)
		},
		// The adjoint of factor i of L·Fi·R is Lᵀ adj Rᵀ.
		Adjoint: func(n, a *Node, i int) *Node {
			fs := []*Node{}
			if i > 0 {
				fs = append(fs, Transpose(MatMul(n.args[:i]...)))
			}
			fs = append(fs, a)
			if i+1 < len(n.args) {
				fs = append(fs, Transpose(MatMul(n.args[i+1:]...)))
			}
			return MatMul(fs...)
		},
		Jacobian: func(f Forward, n *Node) *Node {
			if !f.Depends(n) {
				return zero
			}
			return productJacobian(f, n.args, nil)
		},
		Applied: func(f Forward, m, r *Node) *Node { return productJacobian(f, m.args, r) },
	}
	Ops[OpTranspose] = unary(unaryOp{
		name: "transpose", order: 21, rule: "transpose rule", build: Transpose,
		text:  Spelling{Form: FormPostfix, Word: "ᵀ"},
		latex: Spelling{Form: FormPostfix, Word: `^{\top}`, After: map[Op]string{OpInv: `^{-\top}`}},
		shape: func(a Shape, _ Sizes) (Shape, string) {
			r, c := RowsCols(a)
			return MatrixShape(c, r), ""
		},
		kernel: func(dst, a tensor.T) error { tensor.TransposeInto(dst, a); return nil },
		adj:    func(n, a *Node) *Node { return Transpose(a) },
		diff:   func(n, d *Node) *Node { return Transpose(d) },
		// uᵀ r = rᵀ u for a vector u; the transpose of a sum, which the
		// constructor keeps outside, is the sum of the transposes.
		applied: func(f Forward, m, r *Node) *Node {
			switch a := m.args[0]; {
			case a.Shape().Rank() == 1:
				return jacobianProduct(Transpose(r), f.Of(a))
			case a.op == OpAdd:
				terms := make([]*Node, len(a.args))
				for i, t := range a.args {
					terms[i] = f.Applied(Transpose(t), r)
				}
				return Add(terms...)
			}
			return nil
		},
	})
	// The transpose of a vector has its entries, and so its Jacobian; the
	// transpose of a sum, which the constructor keeps outside for
	// readability, is the sum of the transposes.
	Ops[OpTranspose].Jacobian = func(f Forward, n *Node) *Node {
		switch a := n.args[0]; {
		case a.Shape().Rank() == 1:
			return f.Of(a)
		case a.op == OpAdd:
			terms := make([]*Node, len(a.args))
			for i, t := range a.args {
				terms[i] = f.Of(Transpose(t))
			}
			return Add(terms...)
		case !f.Depends(a):
			return zero
		}
		return f.Unsupported("the transpose of a matrix")
	}
	Ops[OpInv] = unary(unaryOp{
		name: "inv", order: 22, rule: "inverse rule", build: Inv,
		latex: Spelling{Form: FormPostfix, Word: "^{-1}"},
		shape: squareShape(false), kernel: tensor.Inverse,
		// d(A⁻¹) = -A⁻¹ dA A⁻¹; the adjoint is -A⁻ᵀ adj A⁻ᵀ.
		adj:  func(n, a *Node) *Node { t := Transpose(n); return Neg(MatMul(t, a, t)) },
		diff: func(n, d *Node) *Node { return Neg(MatMul(n, d, n)) },
		// d(N⁻¹) r = -N⁻¹ dN N⁻¹ r
		applied: func(f Forward, m, r *Node) *Node {
			return Neg(jacobianProduct(m, f.Applied(m.args[0], MatMul(m, r))))
		},
	})
	Ops[OpDet] = unary(unaryOp{
		name: "det", latex: Spelling{Form: FormCall, Word: `\det`}, order: 23, rule: "determinant rule", build: Det,
		shape: squareShape(true), kernel: tensor.Det,
		// d det(A) = det(A) tr(A⁻¹ dA); the gradient is det(A) A⁻ᵀ.
		adj:  func(n, a *Node) *Node { return Mul(a, n, Transpose(Inv(n.args[0]))) },
		diff: func(n, d *Node) *Node { return Mul(n, Trace(MatMul(Inv(n.args[0]), d))) },
	})
	Ops[OpAdj] = unary(unaryOp{
		name: "adj", latex: Spelling{Form: FormCall, Word: `\operatorname{adj}`}, order: 79, rule: "adjugate rule", build: Adj,
		shape: squareShape(false), kernel: tensor.Adjugate,
		// adj(A) = det(A) A⁻¹: d adj(A) = adj(A) tr(A⁻¹ dA) - A⁻¹ dA adj(A),
		// and the adjoint of G is tr(Gᵀ adj(A)) A⁻ᵀ - A⁻ᵀ G adj(A)ᵀ.
		adj: func(n, a *Node) *Node {
			it := Transpose(Inv(n.args[0]))
			return Add(Mul(Trace(MatMul(Transpose(a), n)), it), Neg(MatMul(it, a, Transpose(n))))
		},
		diff: func(n, d *Node) *Node {
			inv := Inv(n.args[0])
			return Add(Mul(n, Trace(MatMul(inv, d))), Neg(MatMul(inv, d, n)))
		},
	})
	Ops[OpLogDet] = unary(unaryOp{
		name: "logdet", latex: Spelling{Form: FormCall, Word: `\log\det`}, order: 24, rule: "log-determinant rule", build: LogDet,
		shape: squareShape(true), kernel: tensor.LogDet,
		adj:  func(n, a *Node) *Node { return Mul(a, Transpose(Inv(n.args[0]))) },
		diff: func(n, d *Node) *Node { return Trace(MatMul(Inv(n.args[0]), d)) },
	})
	Ops[OpTrace] = unary(unaryOp{
		name: "tr", latex: Spelling{Form: FormCall, Word: `\operatorname{tr}`}, order: 25, rule: "trace rule", build: Trace,
		shape: func(a Shape, s Sizes) (Shape, string) {
			if a.IsScalar() {
				return Scalar, "" // a 1×1 product such as xᵀ A x is its own trace
			}
			return squareShape(true)(a, s)
		},
		kernel: tensor.Trace,
		adj:    func(n, a *Node) *Node { r, _ := RowsCols(n.args[0].Shape()); return Mul(a, Identity(r)) },
		diff:   func(n, d *Node) *Node { return Trace(d) },
		// tr(P E_ab Q) = (Q P)_ba
		index: func(w IndexWriter, n *Node, out, in []string) (string, error) {
			before, after, transposed, err := w.Split(n.args[0])
			if err != nil {
				return "", err
			}
			a, b := RowCol(in)
			if transposed {
				a, b = b, a
			}
			if s := w.Product(append(slices.Clone(after), before...), b, a); s != "" {
				return s, nil
			}
			return "1", nil
		},
	})
	Ops[OpNorm] = unary(unaryOp{
		name: "norm", order: 26, rule: "norm rule", build: Norm,
		latex:  Spelling{Form: FormWrap, Word: `\left\|`, Close: `\right\|`},
		shape:  func(Shape, Sizes) (Shape, string) { return Scalar, "" },
		kernel: func(dst, a tensor.T) error { tensor.Norm(dst, a); return nil },
		// d‖x‖ = xᵀdx / ‖x‖ (Frobenius: tr(Xᵀ dX) / ‖X‖).
		adj:  func(n, a *Node) *Node { return Mul(a, n.args[0], Pow(n, minusOne)) },
		diff: func(n, d *Node) *Node { return Mul(Sum(Mul(n.args[0], d)), Pow(n, minusOne)) },
	})
	Ops[OpSum] = unary(unaryOp{
		name: "sum", latex: Spelling{Form: FormCall, Word: `\sum`}, order: 27, rule: "sum rule", build: Sum, linear: true,
		shape:  func(Shape, Sizes) (Shape, string) { return Scalar, "" },
		kernel: func(dst, a tensor.T) error { tensor.Sum(dst, a); return nil },
		adj:    func(n, a *Node) *Node { return Mul(a, Ones(n.args[0].Shape())) },
		diff:   func(n, d *Node) *Node { return Sum(d) },
	})
	Ops[OpDiag] = unary(unaryOp{
		name: "diag", latex: Spelling{Form: FormCall, Word: `\operatorname{diag}`}, order: 28, rule: "diagonal rule", build: Diag, linear: true,
		shape:  diagShape,
		kernel: tensor.Diag,
		// The adjoint of v in the matrix diag(v) is the diagonal of adj,
		// diag(adj); that of M in the vector diag(M) is diag(adj).
		adj:  func(n, a *Node) *Node { return Diag(a) },
		diff: func(n, d *Node) *Node { return Diag(d) },
		// diag(u) r = r ⊙ u
		applied: func(f Forward, m, r *Node) *Node { return jacobianProduct(Diag(r), f.Of(m.args[0])) },
		index: func(w IndexWriter, n *Node, out, in []string) (string, error) {
			if n.Shape().Rank() == 1 {
				// diag(L)_i = L_ii
				return w.Entry(n.args[0], []string{out[0], out[0]}, in)
			}
			// diag(v)_pq = δ_pq v_p
			s, err := w.Entry(n.args[0], out[:1], in)
			if err != nil {
				return "", err
			}
			r, c := RowCol(out)
			return strings.TrimSpace(w.Product(nil, r, c) + " " + w.Group(s)), nil
		},
	})
	Ops[OpIdentity] = OpInfo{
		Name: "I", Class: Leaf, Prec: PrecAtom, Order: 29, Rule: "constant rule",
		Text: Spelling{Form: FormWord, Word: "I"}, LaTeX: Spelling{Form: FormWord, Word: "I"},
		// I is the identity of the size its use gives; eye(n) that of
		// size n.
		Leaf: func(args []int, fresh func() Dim) (*Node, string) {
			switch {
			case len(args) == 0:
				return Identity(fresh()), ""
			case len(args) == 1 && args[0] == 1:
				return one, ""
			case len(args) == 1 && args[0] > 1:
				return Identity(Dim{N: args[0]}), ""
			}
			return nil, "one size, a whole number from 1"
		},
		Tensor: func(dst tensor.T, _ *Node, _ []tensor.T) error { tensor.Identity(dst); return nil },
	}
	Ops[OpOnes] = OpInfo{
		Name: "ones", Class: Leaf, Prec: PrecAtom, Order: 30, Rule: "constant rule",
		Text:  Spelling{Form: FormWord, Word: "ones", Wide: "ones onesᵀ"},
		LaTeX: Spelling{Form: FormWord, Word: `\mathbf{1}`},
		Leaf: func(args []int, fresh func() Dim) (*Node, string) {
			if len(args) > 0 {
				return nil, "no operands"
			}
			return Ones(NewShape(fresh())), ""
		},
		Tensor: func(dst tensor.T, _ *Node, _ []tensor.T) error { tensor.Ones(dst); return nil },
	}
	Ops[OpIndex] = OpInfo{
		Name: "entry", Class: Operator, Arity: -1, Prec: PrecAtom, Order: 32, Rule: "entry rule",
		Text:  Spelling{Form: FormIndex},
		LaTeX: Spelling{Form: FormSubscript},
		Shape: func(a []Shape, _ Sizes) (Shape, string) {
			if r := a[0].Rank(); r == 0 || r > 2 || len(a)-1 != r {
				return Shape{}, "one index for a vector, two for a matrix"
			}
			return Scalar, ""
		},
		Build: func(a []*Node) *Node { return Index(a[0], indices(a[1:])...) },
		Tensor: func(dst tensor.T, n *Node, a []tensor.T) error {
			return tensor.Entry(dst, a[0], indices(n.args[1:]))
		},
		// d(x[i]) = dx[i]; the adjoint of x is adj e_i.
		Combine: func(n *Node, d []*Node) *Node { return Index(d[0], indices(n.args[1:])...) },
		Adjoint: func(n, a *Node, i int) *Node { return Mul(a, Unit(n.args[0].Shape(), indices(n.args[1:])...)) },
	}
	Ops[OpUnit] = OpInfo{
		Name: "unit", Class: Leaf, Arity: -1, Prec: PrecAtom, Order: 33, Rule: "constant rule",
		Text:  Spelling{Form: FormCall, Word: "unit"},
		LaTeX: Spelling{Form: FormSubscript, Word: `\mathbf{e}`},
		Leaf: func(args []int, fresh func() Dim) (*Node, string) {
			for _, k := range args {
				if k < 1 {
					return nil, "indices from 1"
				}
			}
			switch len(args) {
			case 1:
				return Unit(NewShape(fresh()), args...), ""
			case 2:
				return Unit(NewShape(fresh(), fresh()), args...), ""
			}
			return nil, "one index for a unit vector, two for a unit matrix"
		},
		Tensor: func(dst tensor.T, n *Node, _ []tensor.T) error { return tensor.Unit(dst, indices(n.args)) },
	}
	Ops[OpMax] = unary(unaryOp{
		name: "max", latex: Spelling{Form: FormCall, Word: `\max`}, order: 34, rule: "maximum rule", build: Max,
		shape:  func(Shape, Sizes) (Shape, string) { return Scalar, "" },
		kernel: func(dst, a tensor.T) error { tensor.Max(dst, a); return nil },
		// At a tie the derivative is shared evenly among the largest
		// entries, as JAX and PyTorch's amax share it.
		adj: func(n, a *Node) *Node {
			m := IsMax(n.args[0])
			return Mul(a, m, Pow(Sum(m), minusOne))
		},
		diff: func(n, d *Node) *Node {
			m := IsMax(n.args[0])
			return Mul(Sum(Mul(m, d)), Pow(Sum(m), minusOne))
		},
	})
	Ops[OpIsMax] = unary(unaryOp{
		name: "ismax", latex: Spelling{Form: FormCall, Word: `\operatorname{ismax}`}, order: 35, rule: "constant rule", build: IsMax,
		shape:  func(a Shape, _ Sizes) (Shape, string) { return a, "" },
		kernel: func(dst, a tensor.T) error { tensor.IsMax(dst, a); return nil },
		// The indicator is piecewise constant: its derivative is 0.
		adj:  func(n, a *Node) *Node { return Zero(n.args[0].Shape()) },
		diff: func(n, d *Node) *Node { return Zero(n.Shape()) },
	})
	Ops[OpIsMax].Jacobian = func(f Forward, n *Node) *Node { return zero }
	Ops[OpLogSumExp] = unary(unaryOp{
		name: "logsumexp", latex: Spelling{Form: FormCall, Word: `\operatorname{logsumexp}`}, order: 70,
		rule: "log-sum-exp rule", build: LogSumExp,
		shape:  vectorShape(false),
		kernel: logSumExp,
		// d logsumexp(z) = softmax(z)ᵀ dz
		adj:  func(n, a *Node) *Node { return Mul(a, Softmax(n.args[0])) },
		diff: func(n, d *Node) *Node { return Sum(Mul(Softmax(n.args[0]), d)) },
	})
	Ops[OpSoftmax] = unary(unaryOp{
		name: "softmax", latex: Spelling{Form: FormCall, Word: `\operatorname{softmax}`}, order: 71,
		rule: "softmax rule", build: Softmax,
		shape:  vectorShape(true),
		kernel: softmax,
		// The Jacobian of s = softmax(z) is diag(s) - s sᵀ, symmetric:
		// ds = s ⊙ dz - s (sᵀ dz), and the adjoint of z is
		// s ⊙ (adj - sᵀ adj).
		adj:  func(n, a *Node) *Node { return Mul(n, Add(a, Neg(Sum(Mul(n, a))))) },
		diff: func(n, d *Node) *Node { return Mul(n, Add(d, Neg(Sum(Mul(n, d))))) },
	})
	Ops[OpSoftmax].Jacobian = func(f Forward, n *Node) *Node {
		return jacobianProduct(Add(Diag(n), Neg(MatMul(n, Transpose(n)))), f.Of(n.args[0]))
	}
	moreLinalgOps()
	Ops[OpTrace].Aliases = []string{"trace", "Tr"}
	Ops[OpInv].Aliases = []string{"inverse"}
	Ops[OpIdentity].Aliases = []string{"eye"}
	Ops[OpMatrix].Noun = "a literal vector or matrix"
	Ops[OpMul].Noun = "an element-wise product"
	Ops[OpMatMul].Noun = "a matrix product"
}

// unaryOp is what differs between the entries of the unary linear-algebra
// operations.
type unaryOp struct {
	name, rule  string
	order       int
	latex, text Spelling // the text is a call by default
	linear      bool
	build       func(*Node) *Node
	shape       func(Shape, Sizes) (Shape, string)
	kernel      func(dst, a tensor.T) error
	adj         func(n, a *Node) *Node
	diff        func(n, d *Node) *Node
	applied     func(f Forward, m, r *Node) *Node
	index       func(w IndexWriter, n *Node, out, in []string) (string, error)
}

func unary(u unaryOp) OpInfo {
	if u.text.Word == "" {
		u.text = Spelling{Form: FormCall, Word: u.name}
	}
	return OpInfo{
		Name: u.name, Class: Function, Arity: 1, Prec: PrecAtom, Order: u.order,
		Text: u.text, LaTeX: u.latex, Rule: u.rule, Linear: u.linear,
		Shape: func(a []Shape, s Sizes) (Shape, string) { return u.shape(a[0], s) },
		Build: func(a []*Node) *Node { return u.build(a[0]) },
		Tensor: func(dst tensor.T, n *Node, a []tensor.T) error {
			return u.kernel(dst, a[0])
		},
		Adjoint: func(n, a *Node, i int) *Node { return u.adj(n, a) },
		Combine: func(n *Node, d []*Node) *Node { return u.diff(n, d[0]) },
		Applied: u.applied,
		Index:   u.index,
	}
}

// matMulShape: the columns of each factor are the rows of the next; a
// 1×1 result is a scalar and one column a vector.
func matMulShape(args []Shape, s Sizes) (Shape, string) {
	for i := 0; i+1 < len(args); i++ {
		_, c := RowsCols(args[i])
		r, _ := RowsCols(args[i+1])
		if !s.Same(c, r) {
			return Shape{}, "factors whose columns match the rows of the next"
		}
	}
	r, _ := RowsCols(args[0])
	_, c := RowsCols(args[len(args)-1])
	return MatrixShape(r, c), ""
}

// squareShape requires a square matrix; the result is a scalar or the
// matrix's shape.
func squareShape(scalar bool) func(Shape, Sizes) (Shape, string) {
	return func(a Shape, s Sizes) (Shape, string) {
		if a.Rank() != 2 {
			return Shape{}, "a square matrix"
		}
		r, c := RowsCols(a)
		if !s.Same(r, c) {
			return Shape{}, "a square matrix"
		}
		if scalar {
			return Scalar, ""
		}
		return NewShape(r, r), ""
	}
}

// diagShape: the diagonal matrix of a vector, the diagonal of a square
// matrix.
func diagShape(a Shape, s Sizes) (Shape, string) {
	switch a.Rank() {
	case 1:
		return NewShape(a.Dim(0), a.Dim(0)), ""
	case 2:
		if r, c := RowsCols(a); s.Same(r, c) {
			return NewShape(r), ""
		}
		return Shape{}, "a square matrix"
	}
	return Shape{}, "a vector or a square matrix"
}

// productJacobian is the Jacobian of the matrix product fs r, a vector or
// a scalar, through the factors fs (r, nil for none, is held fixed): by
// the product rule, the sum over the varying factors F_i of
// F_1 … F_{i-1} J(F_i R_i), where R_i is the product of the factors right
// of F_i and r.
func productJacobian(f Forward, fs []*Node, r *Node) *Node {
	var terms []*Node
	for i, x := range fs {
		if !f.Depends(x) {
			continue
		}
		right := r
		if i+1 < len(fs) {
			rest := slices.Clone(fs[i+1:])
			if r != nil {
				rest = append(rest, r)
			}
			right = MatMul(rest...)
		}
		t := f.Applied(x, right)
		if t.IsZero() {
			continue // a factor whose Jacobian is 0, as ismax(x)
		}
		if i > 0 {
			t = MatMul(append(slices.Clone(fs[:i]), t)...)
		}
		terms = append(terms, t)
	}
	return Add(terms...)
}

// jacobianProduct is the matrix product of m and the Jacobian j, or 0
// when j is 0: a Jacobian of 0 stands for the zero matrix of a shape the
// rules do not know, which a product with m must not take for m's.
func jacobianProduct(m, j *Node) *Node {
	if j.IsZero() {
		return zero
	}
	return MatMul(m, j)
}

// RowCol gives the row and column indices of an entry in index notation:
// "1" for the single row or column of a vector or scalar.
func RowCol(idx []string) (r, c string) {
	r, c = "1", "1"
	switch len(idx) {
	case 1:
		r = idx[0]
	case 2:
		r, c = idx[0], idx[1]
	}
	return r, c
}

// vectorShape requires a vector: the result is a scalar or the vector's
// shape.
func vectorShape(same bool) func(Shape, Sizes) (Shape, string) {
	return func(a Shape, _ Sizes) (Shape, string) {
		if a.Rank() != 1 {
			return Shape{}, "a vector"
		}
		if same {
			return a, ""
		}
		return Scalar, ""
	}
}

// LogSumExp returns logsumexp(z) = log Σ exp(z_i) of the vector z; of a
// scalar, z itself.
func LogSumExp(z *Node) *Node {
	if z.Shape().IsScalar() {
		return z
	}
	return intern(Node{op: OpLogSumExp, args: []*Node{z}})
}

// Softmax returns softmax(z) = exp(z) / Σ exp(z_j) of the vector z; of a
// scalar, 1.
func Softmax(z *Node) *Node {
	if z.Shape().IsScalar() {
		return one
	}
	return intern(Node{op: OpSoftmax, args: []*Node{z}, shape: z.shape})
}

// logSumExp is the kernel of logsumexp, shifted by the largest entry m,
// log Σ exp(z_i) = m + log Σ exp(z_i - m), so that no exponential
// overflows.
func logSumExp(dst, z tensor.T) error {
	m := largest(z.Data)
	if math.IsInf(m, 0) || math.IsNaN(m) {
		dst.Data[0] = m
		return nil
	}
	s := 0.0
	for _, v := range z.Data {
		s += math.Exp(v - m)
	}
	dst.Data[0] = m + math.Log(s)
	return nil
}

// softmax is the kernel of softmax, shifted by the largest entry as
// logSumExp.
func softmax(dst, z tensor.T) error {
	m := largest(z.Data)
	s := 0.0
	for i, v := range z.Data {
		e := math.Exp(v - m)
		dst.Data[i] = e
		s += e
	}
	for i := range dst.Data {
		dst.Data[i] /= s
	}
	return nil
}

// largest returns the largest of xs, NaN if one is.
func largest(xs []float64) float64 {
	m := math.Inf(-1)
	for _, v := range xs {
		if v > m || v != v {
			m = v
			if v != v {
				break
			}
		}
	}
	return m
}

// moreLinalgOps fills the table entries of matrix powers, Kronecker
// products, the softmax of the rows or columns of a matrix, and the
// reductions mean, prod and min.
func moreLinalgOps() {
	Ops[OpMatPow] = OpInfo{
		Name: "matpow", Noun: "a matrix power", Class: Operator, Arity: 2, Prec: PrecPow, RightAssoc: true, Order: 72,
		Text: Spelling{Form: FormPower}, LaTeX: Spelling{Form: FormPower},
		Rule: "matrix power rule",
		Shape: func(a []Shape, s Sizes) (Shape, string) {
			if !a[1].IsScalar() {
				return Shape{}, "a square matrix and a whole exponent"
			}
			return squareShape(false)(a[0], s)
		},
		Check: func(a []*Node) string {
			if k, ok := a[1].num.Int64(); a[1].op == OpConst && ok && k >= -MaxMatPow && k <= MaxMatPow {
				return ""
			}
			return fmt.Sprintf("a whole exponent from %d to %d", -MaxMatPow, MaxMatPow)
		},
		Build: func(a []*Node) *Node {
			k, _ := a[1].num.Int64()
			return MatPow(a[0], int(k))
		},
		Tensor: func(dst tensor.T, n *Node, a []tensor.T) error { return tensor.MatPow(dst, a[0], matPowExp(n)) },
		// d(X^k) = Σ X^i dX X^(k-1-i), over i from 0 to k-1.
		Combine: func(n *Node, d []*Node) *Node {
			x := n.args[0]
			if d[0] == nil {
				return Zero(n.Shape()) // the exponent is a number
			}
			ls, rs, sign := powerTerms(matPowExp(n))
			terms := make([]*Node, len(ls))
			for i := range ls {
				terms[i] = MatMul(MatPow(x, ls[i]), d[0], MatPow(x, rs[i]))
			}
			return Mul(sign, Add(terms...))
		},
		// The adjoint of X is Σ (X^i)ᵀ adj (X^(k-1-i))ᵀ; an adjoint c I
		// commutes with X, and the terms are one: k c (X^(k-1))ᵀ, so that
		// the gradient of tr(X^k) is k (X^(k-1))ᵀ.
		Adjoint: func(n, a *Node, i int) *Node {
			if i > 0 {
				return zero // the exponent is a number
			}
			x, k := n.args[0], matPowExp(n)
			if scalars, m := splitScalar(a); m.op == OpIdentity {
				return Mul(append(scalars, Int64(int64(k)), Transpose(MatPow(x, k-1)))...)
			}
			ls, rs, sign := powerTerms(k)
			terms := make([]*Node, len(ls))
			for j := range ls {
				terms[j] = MatMul(Transpose(MatPow(x, ls[j])), a, Transpose(MatPow(x, rs[j])))
			}
			return Mul(sign, Add(terms...))
		},
		// d(X^k) r = Σ X^i dX (X^(k-1-i) r)
		Applied: func(f Forward, m, r *Node) *Node {
			x := m.args[0]
			ls, rs, sign := powerTerms(matPowExp(m))
			var terms []*Node
			for i := range ls {
				if t := f.Applied(x, MatMul(MatPow(x, rs[i]), r)); !t.IsZero() {
					terms = append(terms, MatMul(MatPow(x, ls[i]), t))
				}
			}
			return Mul(sign, Add(terms...))
		},
	}
	Ops[OpKron] = OpInfo{
		Name: "kron", Noun: "a Kronecker product", Class: Function, Arity: 2, Prec: PrecAtom, Order: 73,
		Text:  Spelling{Form: FormCall, Word: "kron"},
		LaTeX: Spelling{Form: FormInfix, Word: `\otimes`},
		Shape: kronShape, Rule: "Kronecker product rule",
		Build: func(a []*Node) *Node { return Kron(a[0], a[1]) },
		Tensor: func(dst tensor.T, _ *Node, a []tensor.T) error {
			return tensor.Kron(dst, a[0], a[1])
		},
		// d(A ⊗ B) = dA ⊗ B + A ⊗ dB
		Combine: func(n *Node, d []*Node) *Node {
			var terms []*Node
			if d[0] != nil {
				terms = append(terms, Kron(d[0], n.args[1]))
			}
			if d[1] != nil {
				terms = append(terms, Kron(n.args[0], d[1]))
			}
			return Add(terms...)
		},
		Adjoint:  kronAdjoint,
		Jacobian: kronJacobian,
		Applied:  kronApplied,
	}
	Ops[OpSoftmaxDim] = OpInfo{
		Name: "softmax", Class: Function, Arity: 2, Prec: PrecAtom, Order: 74,
		Text:  Spelling{Form: FormCall, Word: "softmax"},
		LaTeX: Spelling{Form: FormCall, Word: `\operatorname{softmax}`},
		Rule:  "softmax rule",
		Shape: func(a []Shape, _ Sizes) (Shape, string) {
			if a[0].IsScalar() || a[0].Rank() > 2 || !a[1].IsScalar() {
				return Shape{}, "a vector or matrix and a dimension, 1 or 2"
			}
			return a[0], ""
		},
		Check: func(a []*Node) string {
			if a[1].IsNum(1) || a[1].IsNum(2) {
				return ""
			}
			return "the dimension 1 (the softmax of each column) or 2 (of each row)"
		},
		Build: func(a []*Node) *Node {
			k, _ := a[1].num.Int64()
			return SoftmaxDim(a[0], int(k))
		},
		Tensor: func(dst tensor.T, n *Node, a []tensor.T) error { return softmaxAlong(dst, a[0], softmaxDim(n)) },
		// Each row (column) s of S = softmax(Z, d) has the symmetric
		// Jacobian diag(s) - s sᵀ: dS = S ⊙ (dZ - (S ⊙ dZ) 1 1ᵀ), and the
		// adjoint of Z is the same expression of adj.
		Combine: func(n *Node, d []*Node) *Node {
			if d[0] == nil {
				return Zero(n.Shape()) // the dimension is a number
			}
			return softmaxDimDiff(n, d[0])
		},
		Adjoint: func(n, a *Node, i int) *Node {
			if i > 0 {
				return zero // the dimension is a number
			}
			return softmaxDimDiff(n, a)
		},
	}
	Ops[OpMean] = unary(unaryOp{
		name: "mean", latex: Spelling{Form: FormCall, Word: `\operatorname{mean}`}, order: 75, rule: "mean rule", build: Mean, linear: true,
		shape:  func(Shape, Sizes) (Shape, string) { return Scalar, "" },
		kernel: func(dst, a tensor.T) error { tensor.Mean(dst, a); return nil },
		// d mean(x) = mean(dx); the gradient is ones/N, where N, the
		// number of entries, is sum(ones).
		adj: func(n, a *Node) *Node {
			o := Ones(n.args[0].Shape())
			return Mul(a, o, Pow(Sum(o), minusOne))
		},
		diff: func(n, d *Node) *Node { return Mean(d) },
	})
	Ops[OpProd] = unary(unaryOp{
		name: "prod", latex: Spelling{Form: FormCall, Word: `\prod`}, order: 76, rule: "product of entries rule", build: Prod,
		shape:  func(Shape, Sizes) (Shape, string) { return Scalar, "" },
		kernel: func(dst, a tensor.T) error { tensor.Prod(dst, a); return nil },
		// ∂prod(x)/∂x_i = prod(x)/x_i, the product of the other entries:
		// d prod(x) = prod(x) sum(dx ./ x). At an entry 0 the expression
		// divides by zero, which the evaluators report.
		adj:  func(n, a *Node) *Node { return Mul(a, n, Pow(n.args[0], minusOne)) },
		diff: func(n, d *Node) *Node { return Mul(n, Sum(Mul(d, Pow(n.args[0], minusOne)))) },
	})
	Ops[OpMin] = unary(unaryOp{
		name: "min", latex: Spelling{Form: FormCall, Word: `\min`}, order: 77, rule: "minimum rule", build: Min,
		shape:  func(Shape, Sizes) (Shape, string) { return Scalar, "" },
		kernel: func(dst, a tensor.T) error { tensor.Min(dst, a); return nil },
		// The smallest entries of x are the largest of -x; at a tie the
		// derivative is shared evenly among them, as for max(x).
		adj: func(n, a *Node) *Node {
			m := IsMax(Neg(n.args[0]))
			return Mul(a, m, Pow(Sum(m), minusOne))
		},
		diff: func(n, d *Node) *Node {
			m := IsMax(Neg(n.args[0]))
			return Mul(Sum(Mul(m, d)), Pow(Sum(m), minusOne))
		},
	})
}

// powerTerms gives the terms of the differential of X^k: d(X^k) is the
// sum over i of X^left[i] dX X^right[i], times sign. For k > 0 the sum
// runs over X^i dX X^(k-1-i), i from 0 to k-1; for k = -m < 0, d(X^-m) =
// -Σ X^-i dX X^-(m+1-i), i from 1 to m, from d(X⁻¹) = -X⁻¹ dX X⁻¹.
func powerTerms(k int) (left, right []int, sign *Node) {
	if k > 0 {
		for i := 0; i < k; i++ {
			left, right = append(left, i), append(right, k-1-i)
		}
		return left, right, one
	}
	m := -k
	for i := 1; i <= m; i++ {
		left, right = append(left, -i), append(right, -(m+1-i))
	}
	return left, right, minusOne
}

// kronAdjoint is the adjoint of an operand of A ⊗ B, which has a matrix
// form when the other operand is a vector or a row: for A ⊗ b it is
// (I ⊗ bᵀ) adj, for A ⊗ bᵀ it is adj (I ⊗ b), and likewise for B. For
// two matrices it is a sum over the blocks of adj, which no matrix
// expression writes; the differentiators refuse it.
func kronAdjoint(n, g *Node, i int) *Node {
	a, b := n.args[0], n.args[1]
	if i == 0 {
		r, c := RowsCols(a.Shape())
		switch {
		case b.Shape().Rank() == 1:
			return MatMul(Kron(Identity(r), Transpose(b)), g)
		case isRow(b.Shape()):
			return MatMul(g, Kron(Identity(c), Transpose(b)))
		}
		return nil
	}
	r, c := RowsCols(b.Shape())
	switch {
	case a.Shape().Rank() == 1:
		return MatMul(Kron(Transpose(a), Identity(r)), g)
	case isRow(a.Shape()):
		return MatMul(g, Kron(Transpose(a), Identity(c)))
	}
	return nil
}

// kronJacobian is the Jacobian of the vector u ⊗ v:
// J = (I ⊗ v) J(u) + (u ⊗ I) J(v).
func kronJacobian(f Forward, n *Node) *Node {
	if !f.Depends(n) {
		return zero
	}
	u, v := n.args[0], n.args[1]
	if n.Shape().Rank() != 1 {
		return f.Unsupported(Ops[OpKron].Noun + " of matrices")
	}
	return Add(jacobianProduct(Kron(Identity(u.Shape().Dim(0)), v), f.Of(u)),
		jacobianProduct(Kron(u, Identity(v.Shape().Dim(0))), f.Of(v)))
}

// kronApplied is the Jacobian of (A ⊗ B) r when B or A is a vector:
// (A ⊗ b) r = (A r) ⊗ b and (a ⊗ B) r = a ⊗ (B r), whose differentials
// are (I ⊗ b) dA r + ((A r) ⊗ I) db and (I ⊗ (B r)) da + (a ⊗ I) dB r.
func kronApplied(f Forward, m, r *Node) *Node {
	a, b := m.args[0], m.args[1]
	var terms []*Node
	switch {
	case b.Shape().Rank() == 1:
		rows, _ := RowsCols(a.Shape())
		if f.Depends(a) {
			terms = append(terms, jacobianProduct(Kron(Identity(rows), b), f.Applied(a, r)))
		}
		if f.Depends(b) {
			terms = append(terms, jacobianProduct(Kron(MatMul(a, r), Identity(b.Shape().Dim(0))), f.Of(b)))
		}
	case a.Shape().Rank() == 1:
		rows, _ := RowsCols(b.Shape())
		if f.Depends(a) {
			terms = append(terms, jacobianProduct(Kron(Identity(a.Shape().Dim(0)), MatMul(b, r)), f.Of(a)))
		}
		if f.Depends(b) {
			terms = append(terms, jacobianProduct(Kron(a, Identity(rows)), f.Applied(b, r)))
		}
	default:
		return nil
	}
	return Add(terms...)
}

// softmaxDimDiff is S ⊙ (d - (S ⊙ d) 1 1ᵀ) for the softmax S of each row,
// S ⊙ (d - 1 1ᵀ (S ⊙ d)) for that of each column: the differential of S
// for d = dZ, the adjoint of Z for d = adj.
func softmaxDimDiff(n, d *Node) *Node {
	p := Mul(n, d)
	r, c := RowsCols(n.Shape())
	var sums *Node
	if softmaxDim(n) == 1 {
		sums = MatMul(Ones(NewShape(r, r)), p)
	} else {
		sums = MatMul(p, Ones(NewShape(c, c)))
	}
	return Mul(n, Add(d, Neg(sums)))
}

// softmaxAlong is the kernel of softmax(Z, d): the softmax of each column
// (d = 1) or row (d = 2) of the matrix z, shifted by its largest entry.
func softmaxAlong(dst, z tensor.T, dim int) error {
	r, c := z.RowsCols()
	if dim != 1 && dim != 2 {
		return &tensor.MismatchError{Msg: fmt.Sprintf("softmax along dimension %d of %s", dim, z.Describe())}
	}
	if dim == 2 {
		for i := 0; i < r; i++ {
			row := tensor.T{Shape: []int{c}, Data: z.Data[i*c : (i+1)*c]}
			if err := softmax(tensor.T{Shape: []int{c}, Data: dst.Data[i*c : (i+1)*c]}, row); err != nil {
				return err
			}
		}
		return nil
	}
	col := make([]float64, r)
	out := make([]float64, r)
	for j := 0; j < c; j++ {
		for i := range col {
			col[i] = z.Data[i*c+j]
		}
		if err := softmax(tensor.T{Shape: []int{r}, Data: out}, tensor.T{Shape: []int{r}, Data: col}); err != nil {
			return err
		}
		for i, v := range out {
			dst.Data[i*c+j] = v
		}
	}
	return nil
}
