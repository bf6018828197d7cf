package expr

import "slices"

// Linear algebra on vectors and matrices whose sizes may be symbolic.
//
// A vector is a column: shape (n). A row vector is a 1×n matrix; the
// matrix product of a row and a column is a scalar. OpMul, with the other
// scalar operations, acts element by element on vectors and matrices
// (x ⊙ y is x*y, x.^2 is x^2) and scales them by scalars; OpMatMul is the
// matrix product.

// flagSymmetric marks a symmetric matrix variable: Wᵀ = W.
const flagSymmetric = 1

var dimOne = Dim{N: 1}

// NewSymmetric returns the symmetric matrix variable with the given name
// and square shape.
func NewSymmetric(name string, s Shape) *Node {
	return intern(Node{op: OpSym, name: name, shape: shapePtr(s), flags: flagSymmetric})
}

// IsSymmetric reports whether n is a symmetric matrix variable.
func (n *Node) IsSymmetric() bool { return n.flags&flagSymmetric != 0 }

// RowsCols returns the rows and columns of a shape, a vector being one
// column and a scalar 1×1.
func RowsCols(s Shape) (rows, cols Dim) {
	switch s.Rank() {
	case 0:
		return dimOne, dimOne
	case 1:
		return s.Dim(0), dimOne
	}
	return s.Dim(0), s.Dim(1)
}

// MatrixShape returns the shape of a rows×cols result: a scalar for 1×1, a
// vector for one column.
func MatrixShape(rows, cols Dim) Shape {
	switch {
	case rows == dimOne && cols == dimOne:
		return Scalar
	case cols == dimOne:
		return NewShape(rows)
	}
	return NewShape(rows, cols)
}

// Identity returns the n×n identity matrix.
func Identity(n Dim) *Node {
	return intern(Node{op: OpIdentity, shape: shapePtr(NewShape(n, n))})
}

// Ones returns the vector or matrix of ones of shape s.
func Ones(s Shape) *Node {
	switch {
	case s.IsScalar():
		return one
	case s.Rank() == 2 && s.Dim(0) == dimOne:
		return Transpose(Ones(NewShape(s.Dim(1)))) // a row of ones
	}
	return intern(Node{op: OpOnes, shape: shapePtr(s)})
}

// splitScalar separates the scalar factors of a product from its matrix
// factor: 2x A gives ([2, x], A).
func splitScalar(n *Node) (scalars []*Node, m *Node) {
	if n.op != OpMul || n.Shape().IsScalar() {
		return nil, n
	}
	var mats []*Node
	for _, f := range n.args {
		if f.Shape().IsScalar() {
			scalars = append(scalars, f)
		} else {
			mats = append(mats, f)
		}
	}
	switch {
	case len(scalars) == 0:
		return nil, n
	case len(mats) == 1:
		return scalars, mats[0]
	}
	return scalars, Mul(mats...) // an element-wise product of matrices
}

// MatMul returns the matrix product of the factors, in order. Scalar
// factors move out in front (A (2B) = 2 A B), nested products flatten,
// identities vanish, A A⁻¹ cancels and powers of a common base collect,
// as in a product of scalars (X X² = X³, X⁻¹ X⁻¹ = X⁻²).
func MatMul(factors ...*Node) *Node {
	var scalars, mats []*Node
	add := func(f *Node) {
		switch {
		case f.Shape().IsScalar():
			scalars = append(scalars, f)
		case f.op == OpMatMul:
			mats = append(mats, f.args...)
		case f.op == OpMul:
			s, m := splitScalar(f)
			scalars = append(scalars, s...)
			if m.op == OpMatMul {
				mats = append(mats, m.args...)
			} else {
				mats = append(mats, m)
			}
		default:
			mats = append(mats, f)
		}
	}
	for _, f := range factors {
		add(f)
	}
	for _, s := range scalars {
		if s.IsZero() && len(mats) > 0 {
			r, _ := RowsCols(mats[0].Shape())
			_, c := RowsCols(mats[len(mats)-1].Shape())
			return Zero(MatrixShape(r, c))
		}
		if s.IsZero() {
			return s
		}
	}
	// ones onesᵀ is the matrix of ones.
	for i := 0; i+1 < len(mats); i++ {
		a, b := mats[i], mats[i+1]
		if a.op == OpOnes && a.Shape().Rank() == 1 && b.op == OpTranspose && b.args[0].op == OpOnes && b.args[0].Shape().Rank() == 1 {
			mats[i] = Ones(NewShape(a.Shape().Dim(0), b.args[0].Shape().Dim(0)))
			mats = slices.Delete(mats, i+1, i+2)
		}
	}
	// diag(a) diag(b) = diag(a ⊙ b)
	for i := 0; i+1 < len(mats); i++ {
		if isDiagMatrix(mats[i]) && isDiagMatrix(mats[i+1]) {
			v := Mul(mats[i].args[0], mats[i+1].args[0])
			if v.Shape().IsScalar() {
				// The entries cancelled to a constant: a multiple of I.
				r, _ := RowsCols(mats[i].Shape())
				scalars = append(scalars, v)
				mats[i] = Identity(r)
			} else {
				mats[i] = Diag(v)
			}
			mats = slices.Delete(mats, i+1, i+2)
			i--
		}
	}
	// Products of literal matrices and vectors multiply out.
	for i := 0; i+1 < len(mats); i++ {
		if p, ok := literalProduct(mats[i], mats[i+1]); ok {
			if p.Shape().IsScalar() {
				scalars = append(scalars, p)
				mats = slices.Delete(mats, i, i+2)
			} else {
				mats[i] = p
				mats = slices.Delete(mats, i+1, i+2)
			}
			i = max(i-2, -1)
		}
	}
	if len(mats) == 0 {
		return Mul(scalars...)
	}
	// Cancel A A⁻¹ and A⁻¹ A, and drop identities, until nothing changes.
	for changed := true; changed && len(mats) > 1; {
		changed = false
		for i := 0; i+1 < len(mats); i++ {
			a, b := mats[i], mats[i+1]
			switch {
			case a.op == OpIdentity:
				mats = slices.Delete(mats, i, i+1)
			case b.op == OpIdentity:
				mats = slices.Delete(mats, i+1, i+2)
			case b.op == OpInv && Equal(b.args[0], a), a.op == OpInv && Equal(a.args[0], b):
				r, _ := RowsCols(a.Shape())
				mats = slices.Delete(mats, i, i+2)
				if len(mats) == 0 {
					mats = []*Node{Identity(r)}
				}
			default:
				p := powerProduct(a, b)
				if p == nil {
					continue
				}
				mats[i] = p
				mats = slices.Delete(mats, i+1, i+2)
			}
			changed = true
			break
		}
	}
	// uᵀ E_ij v = u[i] v[j]: a unit matrix between a row and a column.
	for i := 1; i+1 < len(mats); i++ {
		e, u, v := mats[i], mats[i-1], mats[i+1]
		if e.op != OpUnit || e.Shape().Rank() != 2 || u.op != OpTranspose || u.args[0].Shape().Rank() != 1 || v.Shape().Rank() != 1 {
			continue
		}
		idx := indices(e.args)
		scalars = append(scalars, Index(u.args[0], idx[0]), Index(v, idx[1]))
		mats = slices.Delete(mats, i-1, i+2)
		i -= 2
		if i < 0 {
			i = 0
		}
	}
	if len(mats) == 0 {
		return Mul(scalars...)
	}
	// E_ij v = v[j] e_i: a unit matrix picks an entry into a unit vector.
	if k := len(mats) - 2; k >= 0 && mats[k].op == OpUnit && mats[k].Shape().Rank() == 2 && mats[k+1].Shape().Rank() == 1 {
		idx := indices(mats[k].args)
		scalars = append(scalars, Index(mats[k+1], idx[1]))
		mats = append(mats[:k], Unit(NewShape(mats[k].Shape().Dim(0)), idx[0]))
	}
	// e_iᵀ v = v[i] and vᵀ e_i = v[i]: a unit vector picks an entry.
	for i := 0; i+1 < len(mats); i++ {
		a, b := mats[i], mats[i+1]
		var e, v *Node
		switch {
		case a.op == OpTranspose && a.args[0].op == OpUnit && a.args[0].Shape().Rank() == 1 && b.Shape().Rank() == 1:
			e, v = a.args[0], b
		case b.op == OpUnit && b.Shape().Rank() == 1 && a.op == OpTranspose && a.args[0].Shape().Rank() == 1:
			e, v = b, a.args[0]
		default:
			continue
		}
		scalars = append(scalars, Index(v, indices(e.args)...))
		mats = slices.Delete(mats, i, i+2)
		i--
	}
	// diag(v) w = v ⊙ w when the product is a vector.
	if len(mats) > 1 && isDiagMatrix(mats[0]) {
		if _, cols := RowsCols(mats[len(mats)-1].Shape()); cols == dimOne {
			v := mats[0].args[0]
			return Mul(append(scalars, v, MatMul(mats[1:]...))...)
		}
	}
	// A run of factors from the first whose product is 1×1 (a row times
	// … times a column), followed by more, is a number times the rest:
	// aᵀb cᵀ is (aᵀb) cᵀ, as the parser reads it, so that the printed
	// product reads back as itself.
	for len(mats) > 2 {
		k := numberRun(mats)
		if k < 0 || k == len(mats)-1 {
			break
		}
		scalars = append(scalars, MatMul(mats[:k+1]...))
		mats = mats[k+1:]
	}
	var m *Node
	switch len(mats) {
	case 0:
		m = one
	case 1:
		m = mats[0]
	default:
		rows, _ := RowsCols(mats[0].Shape())
		_, cols := RowsCols(mats[len(mats)-1].Shape())
		m = intern(Node{op: OpMatMul, args: mats, shape: shapePtr(MatrixShape(rows, cols))})
	}
	if len(scalars) == 0 {
		return m
	}
	return Mul(append(scalars, m)...)
}

// numberRun returns the index of the last factor of the run from mats[0]
// whose product is 1×1, or -1 where mats[0] is not a row.
func numberRun(mats []*Node) int {
	if rows, _ := RowsCols(mats[0].Shape()); rows != dimOne {
		return -1
	}
	for k := 1; k < len(mats); k++ {
		if _, cols := RowsCols(mats[k].Shape()); cols == dimOne {
			return k
		}
	}
	return -1
}

// powerParts splits a factor of a matrix product into a base and a whole
// exponent: X^k gives (X, k), X⁻¹ gives (X, -1), a transpose the parts of
// its operand, transposed, and any other factor is its own base to the
// power 1.
func powerParts(f *Node) (base *Node, k int, transposed bool) {
	if f.op == OpTranspose {
		f, transposed = f.args[0], true
	}
	switch f.op {
	case OpMatPow:
		return f.args[0], matPowExp(f), transposed
	case OpInv:
		return f.args[0], -1, transposed
	}
	return f, 1, transposed
}

// powerProduct returns the product of the adjacent factors a and b when
// both are powers of one square matrix, which is a power too, or nil.
func powerProduct(a, b *Node) *Node {
	ba, ka, ta := powerParts(a)
	bb, kb, tb := powerParts(b)
	if ta != tb || !Equal(ba, bb) || !powerBase(ba) || abs(ka+kb) > MaxMatPow {
		return nil // X^990 X^11 stays so: X^1001 is not read back
	}
	p := MatPow(ba, ka+kb)
	if ta {
		p = Transpose(p)
	}
	return p
}

// powerBase reports whether the matrix powers of x stay powers: not a
// vector, nor a matrix whose products the constructors already reduce
// (literals, diagonal matrices, ones, unit matrices).
func powerBase(x *Node) bool {
	if x.Shape().Rank() != 2 || isDiagMatrix(x) {
		return false
	}
	switch x.op {
	case OpMatrix, OpOnes, OpUnit, OpIdentity:
		return false
	}
	return true
}

// isDiagMatrix reports whether n is the diagonal matrix of a vector.
func isDiagMatrix(n *Node) bool { return n.op == OpDiag && n.Shape().Rank() == 2 }

// transposeSimple reports whether the transpose of n is no larger than n,
// so that a transpose may move into a sum of such terms.
func transposeSimple(n *Node) bool {
	_, fs := Factors(n)
	if len(fs) != 1 {
		return false
	}
	switch f := fs[0]; f.op {
	case OpSym, OpIdentity, OpOnes, OpDiag:
		return true
	case OpTranspose:
		return f.args[0].op == OpSym
	}
	return false
}

// Transpose returns nᵀ. Transposes move to the leaves of products
// ((AB)ᵀ = BᵀAᵀ, (Aᵀ)ᵀ = A, (2A)ᵀ = 2Aᵀ) and vanish on scalars, symmetric
// matrices and identities.
func Transpose(n *Node) *Node {
	switch s := n.Shape(); {
	case s.IsScalar():
		return n
	case n.op == OpTranspose:
		return n.args[0]
	case isLiteral(n) && s.Rank() == 2:
		r, c := s.Dim(0).N, s.Dim(1).N
		entries := make([]*Node, r*c)
		for i := range r {
			for j := range c {
				entries[j*r+i] = n.Entry(i*c + j)
			}
		}
		return NewMatrix(MatrixShape(s.Dim(1), s.Dim(0)), nil, entries)
	case n.IsZeroMatrix():
		r, c := RowsCols(s)
		return Zero(MatrixShape(c, r))
	case n.op == OpSym && n.IsSymmetric(), n.op == OpIdentity, isDiagMatrix(n):
		return n
	case n.op == OpOnes && s.Rank() == 2:
		return Ones(NewShape(s.Dim(1), s.Dim(0)))
	case n.op == OpUnit && s.Rank() == 2:
		idx := indices(n.args)
		return Unit(NewShape(s.Dim(1), s.Dim(0)), idx[1], idx[0]) // E_ijᵀ = E_ji
	case (n.op == OpInv || n.op == OpMatPow) && Equal(Transpose(n.args[0]), n.args[0]):
		return n // the inverse or a power of a symmetric matrix
	case n.op == OpKron:
		return Kron(Transpose(n.args[0]), Transpose(n.args[1])) // (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ
	case n.op == OpMatMul:
		ts := make([]*Node, len(n.args))
		for i, f := range n.args {
			ts[len(ts)-1-i] = Transpose(f)
		}
		return MatMul(ts...)
	case n.op == OpMul:
		if scalars, m := splitScalar(n); len(scalars) > 0 {
			return Mul(append(scalars, Transpose(m))...)
		}
		return newTranspose(n) // an element-wise product keeps its transpose outside
	case n.op == OpAdd:
		ts := make([]*Node, len(n.args))
		simple := true
		for i, t := range n.args {
			ts[i] = Transpose(t)
			simple = simple && transposeSimple(t)
		}
		if t := Add(ts...); simple || Equal(t, n) {
			return t // Aᵀ + 2B, or a symmetric sum: x xᵀ + I, A B + Bᵀ Aᵀ
		}
		return newTranspose(n)
	}
	return newTranspose(n)
}

func newTranspose(n *Node) *Node {
	r, c := RowsCols(n.Shape())
	return intern(Node{op: OpTranspose, args: []*Node{n}, shape: shapePtr(MatrixShape(c, r))})
}

// Inv returns the inverse n⁻¹ of a square matrix.
func Inv(n *Node) *Node {
	switch {
	case n.Shape().IsScalar():
		return Pow(n, minusOne)
	case n.op == OpInv:
		return n.args[0]
	case n.op == OpIdentity:
		return n
	case n.op == OpTranspose:
		return Transpose(Inv(n.args[0])) // (Aᵀ)⁻¹ = (A⁻¹)ᵀ
	case isDiagMatrix(n):
		return Diag(Pow(n.args[0], minusOne)) // diag(v)⁻¹ = diag(1 ./ v)
	case n.op == OpMatPow:
		return MatPow(n.args[0], -matPowExp(n)) // (X^k)⁻¹ = X^-k
	case n.op == OpKron && square(n.args[0]) && square(n.args[1]):
		return Kron(Inv(n.args[0]), Inv(n.args[1])) // (A ⊗ B)⁻¹ = A⁻¹ ⊗ B⁻¹
	case n.op == OpMul:
		if s, m := splitScalar(n); len(s) > 0 {
			return Mul(Pow(Mul(s...), minusOne), Inv(m))
		}
	}
	return intern(Node{op: OpInv, args: []*Node{n}, shape: n.shape})
}

// Adj returns adj(n), the adjugate: the transpose of the matrix of
// cofactors, det(n) n⁻¹ where n is invertible, and defined where it is
// not. The adjugate of a scalar is 1.
func Adj(n *Node) *Node {
	switch {
	case n.Shape().IsScalar():
		return one
	case n.op == OpTranspose:
		return Transpose(Adj(n.args[0])) // adj(Aᵀ) = adj(A)ᵀ
	case n.op == OpIdentity:
		return n
	}
	return intern(Node{op: OpAdj, args: []*Node{n}, shape: n.shape})
}

// Det returns det(n).
func Det(n *Node) *Node {
	if n.IsZeroMatrix() {
		return zero
	}
	switch n.op {
	case OpTranspose:
		return Det(n.args[0])
	case OpInv:
		return Pow(Det(n.args[0]), minusOne)
	case OpMatPow:
		return Pow(Det(n.args[0]), Int64(int64(matPowExp(n)))) // det(X^k) = det(X)^k
	case OpIdentity:
		return one
	}
	return intern(Node{op: OpDet, args: []*Node{n}})
}

// LogDet returns log det(n).
func LogDet(n *Node) *Node {
	switch n.op {
	case OpTranspose:
		return LogDet(n.args[0])
	case OpInv:
		return Neg(LogDet(n.args[0]))
	case OpMatPow:
		// log det(X^k) = k log det(X) for an odd k; for an even k,
		// det(X^k) is positive where det(X) need not be.
		if k := matPowExp(n); k%2 != 0 {
			return Mul(Int64(int64(k)), LogDet(n.args[0]))
		}
	case OpIdentity:
		return zero
	}
	return intern(Node{op: OpLogDet, args: []*Node{n}})
}

// Trace returns tr(n), which is linear and ignores transposes; the trace
// of a scalar, a 1×1 product such as xᵀ A x, is that scalar.
func Trace(n *Node) *Node {
	switch {
	case n.Shape().IsScalar():
		return n
	case n.op == OpTranspose:
		return Trace(n.args[0])
	case n.op == OpAdd:
		ts := make([]*Node, len(n.args))
		for i, t := range n.args {
			ts[i] = Trace(t)
		}
		return Add(ts...)
	case n.op == OpMul:
		if s, m := splitScalar(n); len(s) > 0 {
			return Mul(append(s, Trace(m))...)
		}
	case n.op == OpKron && square(n.args[0]) && square(n.args[1]):
		return Mul(Trace(n.args[0]), Trace(n.args[1])) // tr(A ⊗ B) = tr(A) tr(B)
	case n.op == OpIdentity && n.Shape().Dim(0).N > 0:
		return Int64(int64(n.Shape().Dim(0).N)) // tr(I) is the size
	}
	return intern(Node{op: OpTrace, args: []*Node{n}})
}

// Norm returns ‖n‖: the 2-norm of a vector, the Frobenius norm of a matrix.
func Norm(n *Node) *Node {
	if n.Shape().IsScalar() {
		return Call(OpAbs, n)
	}
	if n.op == OpKron {
		return Mul(Norm(n.args[0]), Norm(n.args[1])) // ‖A ⊗ B‖ = ‖A‖ ‖B‖
	}
	return intern(Node{op: OpNorm, args: []*Node{n}})
}

// Sum returns the sum of the entries of n.
func Sum(n *Node) *Node {
	if n.Shape().IsScalar() {
		return n
	}
	if isLiteral(n) {
		entries := make([]*Node, n.Size())
		for k := range entries {
			entries[k] = n.Entry(k)
		}
		return Add(entries...)
	}
	if k, ok := constantMatrix(n); ok {
		if dims, ok := n.Shape().Ints(); ok {
			return NewConst(k.Mul(Int(int64(product(dims))))) // sum(ones) is the number of entries
		}
	}
	if n.op == OpKron {
		return Mul(Sum(n.args[0]), Sum(n.args[1])) // sum(A ⊗ B) = sum(A) sum(B)
	}
	return intern(Node{op: OpSum, args: []*Node{n}})
}

// Diag returns diag(n), as in MATLAB and NumPy: for a vector n the
// diagonal matrix with n on its diagonal, for a square matrix n the vector
// of its diagonal.
func Diag(n *Node) *Node {
	if n.op == OpMul {
		if k, rest := SplitCoeff(n); !k.IsOne() && rest != nil {
			return Mul(NewConst(k), Diag(rest)) // diag(k v) = k diag(v)
		}
	}
	r := n.Shape().Dim(0)
	if isLiteral(n) && n.Shape().Rank() == 1 && r.N*r.N <= literalMax {
		// diag([a, b]) = [[a, 0], [0, b]].
		entries := make([]*Node, r.N*r.N)
		for i := range entries {
			entries[i] = zero
		}
		for i := range r.N {
			entries[i*r.N+i] = n.Entry(i)
		}
		return NewMatrix(MatrixShape(r, r), nil, entries)
	}
	if n.Shape().Rank() == 2 {
		if d := diagonal(n); d != nil {
			return d
		}
		return intern(Node{op: OpDiag, args: []*Node{n}, shape: shapePtr(NewShape(r))})
	}
	if n.op == OpOnes {
		return Identity(r)
	}
	return intern(Node{op: OpDiag, args: []*Node{n}, shape: shapePtr(NewShape(r, r))})
}

// diagonal gives the diagonal of the square matrix n in a simpler form
// than diag(n), or nil: diag(diag(v)) = v, diag(I) = 1, diag(Aᵀ) =
// diag(A), diag(u vᵀ) = u ⊙ v, diag(diag(a) B) = a ⊙ diag(B).
func diagonal(n *Node) *Node {
	r := n.Shape().Dim(0)
	switch {
	case n.op == OpDiag:
		return n.args[0]
	case n.op == OpIdentity:
		return Ones(NewShape(r))
	case n.op == OpOnes:
		return Ones(NewShape(r))
	case n.op == OpTranspose:
		return Diag(n.args[0])
	case n.IsZeroMatrix():
		return Zero(NewShape(r))
	case n.op == OpMul:
		if scalars, m := splitScalar(n); len(scalars) > 0 {
			return Mul(append(scalars, Diag(m))...)
		}
	case n.op == OpMatMul:
		fs := n.args
		first, last := fs[0], fs[len(fs)-1]
		switch {
		case first.op == OpDiag && first.Shape().Rank() == 2:
			return Mul(first.args[0], Diag(MatMul(fs[1:]...)))
		case last.op == OpDiag && last.Shape().Rank() == 2:
			return Mul(Diag(MatMul(fs[:len(fs)-1]...)), last.args[0])
		case first.Shape().Rank() == 1:
			// diag(u R) = u ⊙ Rᵀ for a row R
			return Mul(first, Transpose(MatMul(fs[1:]...)))
		case last.op == OpTranspose && last.args[0].Shape().Rank() == 1:
			// diag(L vᵀ) = L ⊙ v for a column L
			return Mul(MatMul(fs[:len(fs)-1]...), last.args[0])
		}
	}
	return nil
}

// MapDims rebuilds n with every dimension d of every shape replaced by
// f(d): the parser settles symbolic sizes this way once it has seen the
// whole expression.
func MapDims(n *Node, f func(Dim) Dim) *Node {
	mapShape := func(s Shape) *Shape {
		for i := 0; i < int(s.rank); i++ {
			s.dims[i] = f(s.dims[i])
		}
		return shapePtr(s)
	}
	return Transform(n, func(m *Node) *Node {
		if m.op == OpSym {
			return intern(Node{op: OpSym, name: m.name, flags: m.flags, shape: mapShape(m.Shape())})
		}
		if m.Info().Leaf != nil {
			return intern(Node{op: m.op, args: m.args, shape: mapShape(m.Shape())})
		}
		return m
	})
}

// LinearAlgebra reports whether op is an operation on vectors and
// matrices with a kernel of its own, which scalar programs lack.
func (op Op) LinearAlgebra() bool { return Ops[op].Tensor != nil && Ops[op].Class != Leaf }

// Index returns the entry of x at the 1-based indices idx: one for a
// vector, two for a matrix. Entries of literals, unit vectors and
// matrices, identities and transposes are read off.
func Index(x *Node, idx ...int) *Node {
	s := x.Shape()
	if s.IsScalar() {
		return x
	}
	switch {
	case x.op == OpMatrix && len(idx) == s.Rank():
		dims, _ := s.Ints()
		k := 0
		for i, v := range idx {
			k = k*dims[i] + v - 1
		}
		return x.Entry(k)
	case x.op == OpOnes:
		return one
	case x.IsZeroMatrix():
		return zero
	case x.op == OpIdentity:
		if idx[0] == idx[1] {
			return one
		}
		return zero
	case x.op == OpUnit:
		for i, a := range x.args {
			if k, _ := a.num.Int64(); int(k) != idx[i] {
				return zero
			}
		}
		return one
	case x.op == OpTranspose && len(idx) == 2:
		if x.args[0].Shape().Rank() == 1 {
			return Index(x.args[0], idx[1]) // the row xᵀ
		}
		return Index(x.args[0], idx[1], idx[0])
	case x.op == OpMatMul && len(x.args) == 2 && len(idx) == 2 && x.args[0].Shape().Rank() == 1 &&
		x.args[1].op == OpTranspose && x.args[1].args[0].Shape().Rank() == 1:
		// (u vᵀ)[i, j] = u[i] v[j]
		return Mul(Index(x.args[0], idx[0]), Index(x.args[1].args[0], idx[1]))
	case x.Info().Elementwise:
		// An entry of an element-wise operation is the operation on
		// the entries: (x + 2y)[1] = x[1] + 2y[1], sin(x)[1] = sin(x[1]).
		args := make([]*Node, len(x.args))
		for i, a := range x.args {
			args[i] = Index(a, idx...)
		}
		return Apply(x.op, args...)
	}
	args := []*Node{x}
	for _, v := range idx {
		args = append(args, Int64(int64(v)))
	}
	return intern(Node{op: OpIndex, args: args})
}

// Unit returns the unit vector e_i (one index) or the unit matrix E_ij (two)
// of the shape s: 1 at the 1-based indices, 0 elsewhere.
func Unit(s Shape, idx ...int) *Node {
	args := make([]*Node, len(idx))
	for i, v := range idx {
		args[i] = Int64(int64(v))
	}
	return intern(Node{op: OpUnit, args: args, shape: shapePtr(s)})
}

// indices returns the whole numbers of the operands args.
func indices(args []*Node) []int {
	idx := make([]int, len(args))
	for i, a := range args {
		k, _ := a.num.Int64()
		idx[i] = int(k)
	}
	return idx
}

// Max returns the largest entry of x.
func Max(x *Node) *Node {
	if x.Shape().IsScalar() {
		return x
	}
	if k, ok := constantMatrix(x); ok {
		return NewConst(k)
	}
	return intern(Node{op: OpMax, args: []*Node{x}})
}

// IsMax returns the indicator of the largest entries of x: 1 where an
// entry is the largest, 0 elsewhere.
func IsMax(x *Node) *Node {
	if x.Shape().IsScalar() {
		return one
	}
	if _, ok := constantMatrix(x); ok {
		return Ones(x.Shape())
	}
	return intern(Node{op: OpIsMax, args: []*Node{x}, shape: x.shape})
}

// literalMax bounds the entries of a product of literals multiplied out,
// and the length of the sums that give them.
const literalMax = 64

// literal reads a literal matrix, vector or row (the transpose of a
// literal vector) as rows×cols with entry at(i, j); vec tells a vector
// from an n×1 matrix, row a row from a 1×n matrix.
func literal(n *Node) (rows, cols int, at func(i, j int) *Node, vec, row bool) {
	m, t := n, false
	if m.op == OpTranspose {
		m, t = m.args[0], true
	}
	if m.op != OpMatrix {
		return 0, 0, nil, false, false
	}
	s := m.Shape()
	r, c := s.Dim(0).N, 1
	if s.Rank() == 2 {
		c = s.Dim(1).N
	}
	entry := func(i, j int) *Node { return m.Entry(i*c + j) }
	if t {
		return c, r, func(i, j int) *Node { return entry(j, i) }, false, s.Rank() == 1
	}
	return r, c, entry, s.Rank() == 1, false
}

// literalProduct multiplies two literal factors out, entry by entry, when
// they are small: [1, 2]ᵀ [3, 4] is 11, exactly.
func literalProduct(a, b *Node) (*Node, bool) {
	ar, ac, aAt, _, aRow := literal(a)
	br, bc, bAt, bVec, _ := literal(b)
	if aAt == nil || bAt == nil || ac != br || ar*bc > literalMax || ac > literalMax {
		return nil, false
	}
	entries := make([]*Node, 0, ar*bc)
	for i := range ar {
		for j := range bc {
			terms := make([]*Node, ac)
			for k := range ac {
				terms[k] = Mul(aAt(i, k), bAt(k, j))
			}
			entries = append(entries, Add(terms...))
		}
	}
	switch {
	case aRow && bVec:
		return entries[0], true // a row times a column: a scalar
	case bVec:
		return NewMatrix(NewShape(Dim{N: ar}), nil, entries), true
	case aRow:
		return Transpose(NewMatrix(NewShape(Dim{N: bc}), nil, entries)), true
	}
	return NewMatrix(MatrixShape(Dim{N: ar}, Dim{N: bc}), nil, entries), true
}

// square reports whether n is a matrix whose sizes are known to be equal.
func square(n *Node) bool {
	s := n.Shape()
	return s.Rank() == 2 && s.Dim(0) == s.Dim(1)
}

// MaxMatPow bounds the exponent of a matrix power that the parser and the
// builders accept: the derivative of X^k is a sum of |k| terms.
const MaxMatPow = 1000

// literalPowMax bounds the power of a literal matrix multiplied out.
const literalPowMax = 8

// MatPow returns x^k, the k-th power of the square matrix x for a whole
// number k: x^0 is the identity, x^-1 the inverse x⁻¹, and x^-k the k-th
// power of the inverse; of a scalar, the power. Powers of powers and of
// inverses combine ((X²)³ = X⁶, (X⁻¹)² = X⁻²), transposes stay outside
// ((Xᵀ)² = (X²)ᵀ), diag(v)^k is diag(v.^k), scalar factors come out
// ((2X)² = 4X²) and a small power of a literal multiplies out.
func MatPow(x *Node, k int) *Node {
	s := x.Shape()
	switch {
	case s.IsScalar():
		return Pow(x, Int64(int64(k)))
	case k == 1:
		return x
	case k == 0:
		r, _ := RowsCols(s)
		return Identity(r)
	case x.op == OpIdentity, x.IsZeroMatrix() && k > 0:
		return x
	case k == -1:
		return Inv(x)
	case x.op == OpMatPow && abs(k*matPowExp(x)) <= MaxMatPow:
		return MatPow(x.args[0], k*matPowExp(x)) // (X²)³ = X⁶, within the bound that text reads
	case x.op == OpInv:
		return MatPow(x.args[0], -k)
	case x.op == OpTranspose:
		return Transpose(MatPow(x.args[0], k))
	case isDiagMatrix(x):
		return Diag(Pow(x.args[0], Int64(int64(k))))
	case x.op == OpMul:
		if scalars, m := splitScalar(x); len(scalars) > 0 {
			return Mul(Pow(Mul(scalars...), Int64(int64(k))), MatPow(m, k))
		}
	case isLiteral(x) && k > 1 && k <= literalPowMax:
		if p, ok := literalPower(x, k); ok {
			return p
		}
	}
	return intern(Node{op: OpMatPow, args: []*Node{x, Int64(int64(k))}, shape: x.shape})
}

// literalPower multiplies out x^k, k > 1, for a small literal matrix x.
func literalPower(x *Node, k int) (*Node, bool) {
	p := x
	for i := 1; i < k; i++ {
		q, ok := literalProduct(p, x)
		if !ok || q.op != OpMatrix {
			return nil, false
		}
		p = q
	}
	return p, true
}

// matPowExp returns the exponent of the matrix power n.
func matPowExp(n *Node) int {
	k, _ := n.args[1].num.Int64()
	return int(k)
}

// isRow reports whether s is the shape of a row, 1×n.
func isRow(s Shape) bool { return s.Rank() == 2 && s.Dim(0) == dimOne }

// Kron returns the Kronecker product a ⊗ b, the block matrix whose block
// (i, j) is a_ij b. A scalar operand scales the other, a column and a row
// make their outer product (a ⊗ bᵀ = bᵀ ⊗ a = a bᵀ), scalar factors move
// out in front, and literals multiply out.
func Kron(a, b *Node) *Node {
	sa, sb := a.Shape(), b.Shape()
	switch {
	case sa.IsScalar() || sb.IsScalar():
		return Mul(a, b)
	case sa.Rank() == 1 && isRow(sb):
		return MatMul(a, b)
	case isRow(sa) && sb.Rank() == 1:
		return MatMul(b, a)
	}
	shape, _ := kronShape([]Shape{sa, sb}, Fixed)
	switch {
	case a.IsZeroMatrix() || b.IsZeroMatrix():
		return Zero(shape)
	case a.op == OpIdentity && b.op == OpIdentity:
		return Identity(shape.Dim(0))
	}
	if s, m := splitScalar(a); len(s) > 0 {
		return Mul(append(s, Kron(m, b))...)
	}
	if s, m := splitScalar(b); len(s) > 0 {
		return Mul(append(s, Kron(a, m))...)
	}
	if isLiteral(a) && isLiteral(b) && a.Size()*b.Size() <= literalMax {
		ar, ac := literalDims(a)
		br, bc := literalDims(b)
		entries := make([]*Node, 0, a.Size()*b.Size())
		for i := range ar {
			for k := range br {
				for j := range ac {
					for l := range bc {
						entries = append(entries, Mul(a.Entry(i*ac+j), b.Entry(k*bc+l)))
					}
				}
			}
		}
		return NewMatrix(shape, nil, entries)
	}
	return intern(Node{op: OpKron, args: []*Node{a, b}, shape: shapePtr(shape)})
}

// literalDims returns the rows and columns of a literal, a vector being
// one column.
func literalDims(n *Node) (rows, cols int) {
	r, c := RowsCols(n.Shape())
	return r.N, c.N
}

// kronShape is the shape rule of the Kronecker product: the rows and the
// columns of the operands multiply.
func kronShape(args []Shape, _ Sizes) (Shape, string) {
	for _, a := range args {
		if a.Rank() > 2 {
			return Shape{}, "vectors or matrices"
		}
	}
	ar, ac := RowsCols(args[0])
	br, bc := RowsCols(args[1])
	return MatrixShape(DimProduct(ar, br), DimProduct(ac, bc)), ""
}

// SoftmaxDim returns softmax(z, dim): for a matrix z, the softmax of each
// column for dim 1 and of each row for dim 2, as softmax(Q Kᵀ/sqrt(d), 2)
// normalises attention scores row by row. Of a vector, dim 1 is
// softmax(z) and dim 2 is 1 on every entry; of a scalar, 1.
func SoftmaxDim(z *Node, dim int) *Node {
	s := z.Shape()
	switch {
	case s.IsScalar():
		return one
	case s.Rank() == 1 && dim == 1:
		return Softmax(z)
	case isRow(s) && dim == 2:
		return Transpose(Softmax(Transpose(z)))
	case s.Rank() == 1, isRow(s):
		return Ones(s)
	}
	return intern(Node{op: OpSoftmaxDim, args: []*Node{z, Int64(int64(dim))}, shape: z.shape})
}

// softmaxDim returns the dimension of the softmax n, 1 or 2.
func softmaxDim(n *Node) int {
	k, _ := n.args[1].num.Int64()
	return int(k)
}

// Mean returns the mean of the entries of x; of a scalar, x itself.
func Mean(x *Node) *Node {
	switch {
	case x.Shape().IsScalar():
		return x
	case isLiteral(x):
		return Mul(Sum(x), NewConst(Rat(1, int64(x.Size()))))
	}
	if k, ok := constantMatrix(x); ok {
		return NewConst(k)
	}
	return intern(Node{op: OpMean, args: []*Node{x}})
}

// Prod returns the product of the entries of x; of a scalar, x itself.
func Prod(x *Node) *Node {
	switch {
	case x.Shape().IsScalar():
		return x
	case isLiteral(x):
		entries := make([]*Node, x.Size())
		for k := range entries {
			entries[k] = x.Entry(k)
		}
		return Mul(entries...)
	}
	if k, ok := constantMatrix(x); ok {
		if dims, ok := x.Shape().Ints(); ok {
			if v, ok := k.PowInt(int64(product(dims))); ok {
				return NewConst(v)
			}
		}
	}
	return intern(Node{op: OpProd, args: []*Node{x}})
}

// Min returns the smallest entry of x.
func Min(x *Node) *Node {
	if x.Shape().IsScalar() {
		return x
	}
	if k, ok := constantMatrix(x); ok {
		return NewConst(k)
	}
	return intern(Node{op: OpMin, args: []*Node{x}})
}

// Inner returns the inner product ⟨a, b⟩ of two operands of one shape:
// aᵀ b for vectors, the Frobenius inner product tr(aᵀ b) for matrices,
// a b for scalars.
func Inner(a, b *Node) *Node {
	if a.Shape().Rank() == 2 {
		return Trace(MatMul(Transpose(a), b))
	}
	return MatMul(Transpose(a), b)
}

// abs is |k|.
func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}
