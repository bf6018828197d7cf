package expr

import (
	"math"
	"slices"
)

// Frequently used constants, made once the operation table is filled:
// their hashes read it.
var zero, one, two, minusOne, eConst *Node

// NewConst returns the constant node with value v.
func NewConst(v Num) *Node {
	if v.kind == numSmall && v.d == 1 && v.n >= smallMin && v.n <= smallMax && smallInts[0] != nil {
		return smallInts[v.n-smallMin]
	}
	return intern(Node{op: OpConst, num: v})
}

// smallInts holds the nodes of small integers, which are made so often
// that they skip the table.
var smallInts [smallMax - smallMin + 1]*Node

// initConstants makes the frequently used constants.
func initConstants() {
	var built [smallMax - smallMin + 1]*Node
	for k := int64(smallMin); k <= smallMax; k++ {
		built[k-smallMin] = intern(Node{op: OpConst, num: Int(k)})
	}
	smallInts = built
	zero, one, two, minusOne = Int64(0), Int64(1), Int64(2), Int64(-1)
	eConst = NewConstant(E)
}

const smallMin, smallMax = -64, 256

// Int64 returns the exact integer constant k.
func Int64(k int64) *Node { return NewConst(Int(k)) }

// Named constants.
const (
	Pi = "pi"
	E  = "e"
)

// NewConstant returns the named constant pi or e.
func NewConstant(name string) *Node {
	return intern(Node{op: OpConstant, name: name})
}

// ConstantValue returns the float64 value of a named constant.
func ConstantValue(name string) float64 {
	for _, c := range Constants {
		if c.Name == name {
			return c.Value
		}
	}
	return math.NaN()
}

// NewSym returns the variable with the given name and shape.
func NewSym(name string, s Shape) *Node {
	return intern(Node{op: OpSym, name: name, shape: shapePtr(s)})
}

// Neg returns -a.
func Neg(a *Node) *Node { return Mul(minusOne, a) }

// Sub returns a-b.
func Sub(a, b *Node) *Node { return Add(a, Neg(b)) }

// Div returns a/b.
func Div(a, b *Node) *Node { return Mul(a, Pow(b, minusOne)) }

// SplitCoeff splits n into a numeric coefficient and the rest: 3x^2 gives
// (3, x^2), 5 gives (5, nil) and sin(x) gives (1, sin(x)).
func SplitCoeff(n *Node) (Num, *Node) {
	switch n.op {
	case OpConst:
		return n.num, nil
	case OpMul:
		if n.args[0].op == OpConst {
			rest := n.args[1:]
			if len(rest) == 1 {
				return n.args[0].num, rest[0]
			}
			return n.args[0].num, newMul(rest)
		}
	}
	return Int(1), n
}

// Factors splits n into its numeric coefficient and its other factors,
// without building a node for them: 3x^2 y gives (3, [x^2, y]), 5 gives
// (5, []) and sin(x) gives (1, [sin(x)]). The slice must not be modified.
func Factors(n *Node) (Num, []*Node) {
	switch {
	case n.op == OpConst:
		return n.num, nil
	case n.op == OpMul && n.args[0].op == OpConst:
		return n.args[0].num, n.args[1:]
	case n.op == OpMul:
		return Int(1), n.args
	}
	return Int(1), n.self[:]
}

// SplitPow splits n into base and exponent: x^3 gives (x, 3), sin(x) gives
// (sin(x), 1).
func SplitPow(n *Node) (base, exp *Node) {
	if n.op == OpPow {
		return n.args[0], n.args[1]
	}
	return n, one
}

// term is a term of a sum being built: coeff times the product of
// factors, which is a view into an existing node's operands.
type term struct {
	factors []*Node
	hash    uint64
	coeff   Num
	orig    *Node // the term as given, while its coefficient is unchanged
}

// termOf splits n into its coefficient and its non-numeric factors without
// building a node for the rest.
func termOf(n *Node) term {
	var t term
	switch {
	case n.op == OpMul && n.args[0].op == OpConst:
		t.coeff, t.factors = n.args[0].num, n.args[1:]
	case n.op == OpMul:
		t.coeff, t.factors = Int(1), n.args
	default:
		t.coeff, t.factors = Int(1), n.argsOrSelf()
	}
	t.orig = n
	h := uint64(len(t.factors))
	for _, f := range t.factors {
		h = mix(h, f.hash)
	}
	t.hash = h
	return t
}

// argsOrSelf returns a one-element slice holding n, without allocating.
func (n *Node) argsOrSelf() []*Node { return n.self[:] }

func sameFactors(a, b []*Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Add returns the canonical sum of args: nested sums are flattened, numbers
// folded, like terms collected (2x + 3x is 5x), zero terms dropped and the
// terms sorted into canonical order, the number last.
func Add(args ...*Node) *Node {
	return keepShape(addCore(foldLiterals(args, Add)), args)
}

// Mul returns the canonical product of args: nested products are
// flattened, numbers folded into one leading coefficient, powers of a common
// base collected (x*x is x^2, x^a x^b is x^(a+b)), ones dropped and the
// factors sorted into canonical order. A zero coefficient gives zero.
// Vectors and matrices multiply element by element.
func Mul(args ...*Node) *Node {
	return keepShape(mulCore(foldLiterals(args, Mul)), args)
}

// foldLiterals combines the literal vectors and matrices among the terms
// or factors args that have one shape into one literal, entry by entry
// with op: [1, 2] + [3, 4] is [4, 6].
func foldLiterals(args []*Node, op func(...*Node) *Node) []*Node {
	first := -1
	for i, a := range args {
		if !isLiteral(a) {
			continue
		}
		if first < 0 {
			first = i
			continue
		}
		if !sameShape(args[first].Shape(), a.Shape(), Fixed) {
			continue
		}
		entries := make([]*Node, args[first].Size())
		for k := range entries {
			entries[k] = op(args[first].Entry(k), a.Entry(k))
		}
		out := slices.Clone(args[:i])
		out[first] = NewMatrix(a.Shape(), nil, entries)
		return foldLiterals(append(out, args[i+1:]...), op)
	}
	return args
}

// isLiteral reports whether n is a literal vector or matrix small enough
// to compute with entry by entry.
func isLiteral(n *Node) bool { return n.op == OpMatrix && n.Size() <= literalMax }

// keepShape keeps the shape of a sum or product of vectors or matrices
// whose entries cancelled to a constant (x - x, x ./ x): the constant
// stands on every entry, times the matrix of ones, or as the zero matrix.
func keepShape(r *Node, args []*Node) *Node {
	if r.shape != nil {
		return r
	}
	shape := mulShape(args)
	if shape == nil || isDivByZero(r) {
		return r
	}
	if r.IsZero() {
		return Zero(*shape)
	}
	return Mul(r, Ones(*shape))
}

// IsZeroMatrix reports whether n is a zero vector or matrix (see Zero).
func (n *Node) IsZeroMatrix() bool {
	return n.op == OpMul && n.shape != nil && n.args[0].IsZero()
}

// Zero returns zero of the shape s: the number 0 for a scalar, else the
// zero vector or matrix, 0 times the matrix of ones.
func Zero(s Shape) *Node {
	if s.IsScalar() {
		return zero
	}
	return newMul([]*Node{zero, Ones(s)})
}

func addCore(args []*Node) *Node {
	switch len(args) {
	case 0:
		return zero
	case 1:
		return args[0]
	case 2:
		if r := add2(args[0], args[1]); r != nil {
			return r
		}
	}
	var c numAcc
	var termsBuf [4]term // most sums have few terms
	terms := termsBuf[:0]
	var col collector
	var add func(n *Node)
	add = func(n *Node) {
		switch n.op {
		case OpAdd:
			for _, a := range n.args {
				add(a)
			}
			return
		case OpConst:
			c.add(n)
			return
		}
		t := termOf(n)
		merge := func(i int) bool {
			if terms[i].hash != t.hash || !sameFactors(terms[i].factors, t.factors) {
				return false
			}
			v := terms[i].coeff.Add(t.coeff)
			if !v.IsFinite() {
				v = exactOf(terms[i].coeff).Add(exactOf(t.coeff))
			}
			terms[i].coeff = v
			terms[i].orig = nil
			return true
		}
		if col.find(t.hash, func(i int) uint64 { return terms[i].hash }, merge) < 0 {
			terms = append(terms, t)
		}
	}
	for _, a := range args {
		add(a)
	}
	spread := multiplesToSpread(terms)
	var outBuf [8]*Node
	out := outBuf[:0]
	for i, t := range terms {
		switch {
		case len(t.factors) == 1 && isDivByZero(t.factors[0]):
			out = append(out, t.factors[0]) // undefined, whatever its multiple
		case t.coeff.IsZero() && !t.coeff.IsFloat():
			// a zero matrix adds nothing
		case spread != nil && spread[i]:
			k := NewConst(t.coeff)
			for _, s := range t.factors[0].args {
				out = append(out, Mul(k, s))
			}
		case t.orig != nil:
			out = append(out, t.orig)
		case t.coeff.IsZero():
		default:
			out = append(out, scale(t.coeff, t.factors))
		}
	}
	k := c.sum()
	if spread != nil {
		// The terms of the multiples join the others: collect again.
		return addCore(append(out, k))
	}
	slices.SortFunc(out, compareTerms)
	if !k.IsZero() || len(out) == 0 {
		out = append(out, k)
	}
	if len(out) == 1 {
		return out[0]
	}
	for _, o := range out {
		if o.op == OpAdd {
			// Like terms c·S that came to 1·S, a sum: its terms join
			// this sum's (½(a + b) + ½(a + b) is a + b among them).
			return addCore(out)
		}
	}
	return newAddCopy(out...)
}

// isMultipleOfSum reports whether the term t of a sum is c·S, a nonzero
// number c times a sum S.
func isMultipleOfSum(t term) bool {
	return len(t.factors) == 1 && t.factors[0].op == OpAdd && !t.coeff.IsZero()
}

// multiplesToSpread marks the terms c·S of a sum, numeric multiples of a
// sum S, that have a term alike to a term of the rest of the sum (a term
// of another such multiple included); nil if it marks none. A CAS
// multiplies those out so that the like terms meet: 3x - (x + 2) is
// 2x - 2, y - (y + 1) is -1 and a + b - (a + b) is 0. A multiple that
// shares no term keeps its factored form, as a Taylor polynomial writes
// it, 2 + (x - 4)/4, or a derivative, y + 2(x + 1). Numbers alone do not
// count: 2(x - 1/2) + 1 stays.
func multiplesToSpread(terms []term) []bool {
	multiples := 0
	for _, t := range terms {
		if isMultipleOfSum(t) {
			multiples++
		}
	}
	if multiples == 0 {
		return nil
	}
	// Every term not a multiple is its own key; a multiple gives the keys
	// of its sum's terms but the number.
	type key struct {
		owner int
		t     term
	}
	var keys []key
	for i, t := range terms {
		if !isMultipleOfSum(t) {
			keys = append(keys, key{i, t})
			continue
		}
		for _, s := range t.factors[0].args {
			if s.op != OpConst {
				keys = append(keys, key{i, termOf(s)})
			}
		}
	}
	byHash := make(map[uint64][]int, len(keys))
	for j, k := range keys {
		byHash[k.t.hash] = append(byHash[k.t.hash], j)
	}
	var spread []bool
	mark := func(i int) {
		if !isMultipleOfSum(terms[i]) {
			return
		}
		if spread == nil {
			spread = make([]bool, len(terms))
		}
		spread[i] = true
	}
	for _, same := range byHash {
		for a, ja := range same {
			for _, jb := range same[a+1:] {
				ka, kb := keys[ja], keys[jb]
				if ka.owner != kb.owner && sameFactors(ka.t.factors, kb.t.factors) {
					mark(ka.owner)
					mark(kb.owner)
				}
			}
		}
	}
	return spread
}

// numAcc accumulates the numbers of a sum or product: exact ones exactly
// and floats in float64, so that the result does not depend on the order
// of the operands. A constant never folds to infinity or NaN, nor a
// product of numbers that are not 0 to 0: a float result beyond the range
// of float64, or a product that underflows, is computed exactly instead,
// from the exact values of the floats, which keeps it independent of the
// order too. (A sum of floats that cancels to 0 is 0.)
type numAcc struct {
	exact  Num
	set    bool // exact holds a value (else 0 for sums, 1 for products)
	f      float64
	floats []*Node
	zero   bool // a float factor of a product is 0
}

func (a *numAcc) add(n *Node) {
	if n.num.IsFloat() {
		a.f += n.num.Float64()
		a.floats = append(a.floats, n)
		return
	}
	if !a.set {
		a.exact, a.set = n.num, true
		return
	}
	a.exact = a.exact.Add(n.num)
}

func (a *numAcc) mul(n *Node) {
	if n.num.IsFloat() {
		if len(a.floats) == 0 {
			a.f = 1
		}
		a.f *= n.num.Float64()
		a.floats = append(a.floats, n)
		a.zero = a.zero || n.num.Float64() == 0
		return
	}
	if !a.set {
		a.exact, a.set = n.num, true
		return
	}
	a.exact = a.exact.Mul(n.num)
}

// result joins the parts into the constant k: exact with exact, floats
// with join, then the two, computed exactly where floats overflow.
func (a *numAcc) result(unit int64, join func(x, y float64) float64) *Node {
	exact := Int(unit)
	if a.set {
		exact = a.exact
	}
	if len(a.floats) == 0 {
		return NewConst(exact)
	}
	// A product of factors that are not 0 underflowing to 0.
	underflow := func(v float64) bool { return unit == 1 && v == 0 && !a.zero && !exact.IsZero() }
	if !math.IsInf(a.f, 0) && !math.IsNaN(a.f) && !underflow(a.f) {
		if !a.set {
			return NewConst(Float(a.f))
		}
		if v := join(exact.Float64(), a.f); !math.IsInf(v, 0) && !math.IsNaN(v) && !underflow(v) {
			return NewConst(Float(v))
		}
	}
	for _, f := range a.floats {
		if unit == 0 {
			exact = exact.Add(exactOf(f.num))
		} else {
			exact = exact.Mul(exactOf(f.num))
		}
	}
	return NewConst(exact)
}

func (a *numAcc) sum() *Node {
	return a.result(0, func(x, y float64) float64 { return x + y })
}

func (a *numAcc) product() *Node {
	return a.result(1, func(x, y float64) float64 { return x * y })
}

// scale returns k times the product of canonical non-numeric factors.
func scale(k Num, factors []*Node) *Node {
	if k.IsOne() {
		if len(factors) == 1 {
			return factors[0]
		}
		return newMul(factors)
	}
	var buf [8]*Node
	args := append(buf[:0], NewConst(k))
	return newMulCopy(append(args, factors...)...)
}

func newAdd(args []*Node) *Node {
	return intern(Node{op: OpAdd, args: args, shape: mulShape(args)})
}

// newAddCopy is newAdd for operands in a temporary slice, such as a
// buffer on the stack: finding the node allocates nothing, and the
// operands are copied only for a new one.
func newAddCopy(args ...*Node) *Node { return internCopy(OpAdd, mulShape(args), args...) }

// newMulCopy is newMul for operands in a temporary slice, as newAddCopy.
func newMulCopy(args ...*Node) *Node { return internCopy(OpMul, mulShape(args), args...) }

func newMul(args []*Node) *Node {
	return intern(Node{op: OpMul, args: args, shape: mulShape(args)})
}

func mulShape(args []*Node) *Shape {
	for _, a := range args {
		if a.shape != nil {
			return a.shape
		}
	}
	return nil
}

type factor struct {
	base, exp *Node
	orig      *Node // the factor as given, when its exponent is unchanged
}

func mulCore(args []*Node) *Node {
	switch len(args) {
	case 0:
		return one
	case 1:
		return args[0]
	case 2:
		if r := mul2(args[0], args[1]); r != nil {
			return r
		}
	}
	var acc numAcc
	var fsBuf [8]factor // most products have few factors
	fs := fsBuf[:0]
	var col collector
	var mul func(n *Node)
	mul = func(n *Node) {
		switch n.op {
		case OpMul:
			for _, a := range n.args {
				mul(a)
			}
			return
		case OpConst:
			acc.mul(n)
			return
		}
		b, e := SplitPow(n)
		if n.op == OpExp {
			// exp(a) exp(b) = exp(a + b): exp collects as a power of e.
			b, e = eConst, n.args[0]
		}
		i := col.find(b.hash, func(j int) uint64 { return fs[j].base.hash },
			func(j int) bool { return Equal(fs[j].base, b) })
		if i < 0 {
			fs = append(fs, factor{b, e, n})
			return
		}
		fs[i].exp = Add(fs[i].exp, e)
		fs[i].orig = nil
	}
	for _, a := range args {
		mul(a)
	}
	var outBuf [8]*Node
	out := outBuf[:0]
	again := false
	for _, f := range fs {
		p := f.orig
		if p == nil {
			p = Pow(f.base, f.exp)
			if b, _ := SplitPow(p); p.op != OpConst && !Equal(b, f.base) {
				// (x^2)^1 is x^2: its base x may meet other powers of x.
				again = true
			}
		}
		switch p.op {
		case OpConst:
			acc.mul(p)
			continue
		case OpMul:
			again = true
		}
		out = append(out, p)
	}
	// A matrix of ones is the unit of the element-wise product.
	if hasMatrixBesidesOnes(out) {
		kept := out[:0]
		for _, p := range out {
			if p.op != OpOnes {
				kept = append(kept, p)
			}
		}
		out = kept
	}
	k := acc.product()
	c := k.num
	// A product with an undefined factor such as 1/0 is undefined, and 1/0
	// stands for it, even times 0.
	for _, p := range out {
		if isDivByZero(p) {
			return p
		}
	}
	if c.IsZero() {
		return NewConst(c)
	}
	if again {
		return Mul(append(out, k)...)
	}
	slices.SortFunc(out, Compare)
	if !c.IsOne() {
		out = slices.Insert(out, 0, NewConst(c))
	}
	switch len(out) {
	case 0:
		return NewConst(c)
	case 1:
		return out[0]
	}
	return newMulCopy(out...)
}

// Pow returns the canonical power b^e. Exact numeric powers fold
// (2^3 = 8, 4^(1/2) = 2), x^0 = 1, x^1 = x, integer powers distribute over
// products ((2x)^2 = 4x^2) and combine with inner powers ((x^a)^2 = x^(2a)),
// and e^u is exp(u).
func Pow(b, e *Node) *Node {
	if e.op == OpConst && e.num.IsFloat() && b.op != OpConst {
		// A float exponent with a whole value is that integer, which
		// gives the power the same value everywhere and lets it combine
		// with exact exponents: u^1.0/u is 1.
		if k, ok := wholeFloat(e.num); ok {
			e = Int64(k)
		}
	}
	if e.op == OpConst {
		switch {
		case e.num.IsZero() && !e.num.IsFloat():
			return one
		case e.num.IsOne():
			return b
		}
	}
	if b.op == OpConst {
		if b.num.IsOne() {
			return b
		}
		if e.op == OpConst {
			if b.num.IsZero() && !b.num.IsFloat() && !e.num.IsFloat() && e.num.Sign() > 0 {
				return b // 0^k = 0 for any k > 0, however large
			}
			if v, ok := powNum(b.num, e.num); ok {
				return NewConst(v)
			}
			if r := rootPower(b.num, e.num); r != nil {
				return r
			}
			if b.num.IsZero() && e.num.Sign() < 0 {
				// Every 0^-k is undefined; 1/0 stands for them all.
				return newPow(b, minusOne)
			}
		}
		// 0^e stays: it is 0 for e > 0, but 1 at e = 0 and undefined
		// below.
	}
	if b.op == OpConstant && b.name == E {
		return Call(OpExp, e)
	}
	if e.op == OpConst && e.num.IsInt() {
		switch b.op {
		case OpPow:
			return Pow(b.args[0], Mul(b.args[1], e))
		case OpMul:
			fs := make([]*Node, len(b.args))
			for i, f := range b.args {
				fs[i] = Pow(f, e)
			}
			return Mul(fs...)
		}
	}
	if b.op == OpExp {
		return Call(OpExp, Mul(b.args[0], e))
	}
	return newPow(b, e)
}

// wholeFloat returns the float f as an integer when it has a whole value
// of moderate size.
func wholeFloat(f Num) (int64, bool) {
	v := f.Float64()
	if v != math.Trunc(v) || math.Abs(v) > 1<<31 {
		return 0, false
	}
	return int64(v), true
}

// rootPower returns b^e for an exact positive b and an exact fraction e =
// p/q whose power is not exact, with the whole powers pulled out: the
// q-th powers that divide b, and b to the whole part of e, rounded toward
// zero: 8^(1/2) = 2 2^(1/2), 2^(3/2) = 2 2^(1/2), 8^(-1/2) = 2^(-1/2)/2.
// It returns nil when nothing comes out.
func rootPower(b, e Num) *Node {
	p, q, ok := e.Frac()
	if !ok || q == 1 || q > 64 || b.IsFloat() || e.IsFloat() || b.Sign() <= 0 {
		return nil
	}
	out, in := rootFactors(b, q)
	m := p / q
	if out.IsOne() && m == 0 {
		return nil
	}
	c, ok1 := out.PowInt(p)
	w, ok2 := in.PowInt(m)
	if !ok1 || !ok2 {
		return nil
	}
	return Mul(NewConst(c.Mul(w)), Pow(NewConst(in), NewConst(Rat(p-m*q, q))))
}

// Undefined reports whether n holds 0 to a negative power, which has no
// value: a division by zero.
func Undefined(n *Node) bool { return Find(n, isDivByZero) != nil }

// AtPole reports whether n is 1/0 or a product with it, as a function
// folds to at a pole (tan(π/2)): without a walk of n's graph.
func AtPole(n *Node) bool {
	if isDivByZero(n) {
		return true
	}
	return n.op == OpMul && slices.ContainsFunc(n.args, isDivByZero)
}

// isDivByZero reports whether n is 0 to a negative power, which has no
// value.
func isDivByZero(n *Node) bool {
	return n.op == OpPow && n.args[0].op == OpConst && n.args[0].num.IsZero() &&
		n.args[1].op == OpConst && n.args[1].num.Sign() < 0
}

func newPow(b, e *Node) *Node {
	shape := b.shape
	if shape == nil {
		shape = e.shape
	}
	return internCopy(OpPow, shape, b, e)
}

// powNum folds b^e for numbers when the result is a finite number that is
// exact whenever both operands are.
func powNum(b, e Num) (Num, bool) {
	if b.IsFloat() || e.IsFloat() {
		v := math.Pow(b.Float64(), e.Float64())
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) < 0x1p-1022 && !b.IsZero() {
			// Never fold to NaN, infinity or an underflow (to zero or
			// to a subnormal, whose reciprocal overflows).
			return Num{}, false
		}
		return Float(v), true
	}
	if k, ok := e.Int64(); ok {
		return b.PowInt(k)
	}
	p, q, ok := e.Frac()
	if !ok || q > 64 {
		return Num{}, false
	}
	r, ok := b.Root(q)
	if !ok {
		return Num{}, false
	}
	return r.PowInt(p)
}

// Call returns the application of the function op to args. Functions of
// exact numbers fold where the value is exact (sin(0) = 0, log(8, 2) =
// 3); functions of floats fold to a float where it is finite.
func Call(op Op, args ...*Node) *Node {
	info := &Ops[op]
	if len(args) == 1 && args[0].op == OpConst {
		x := args[0].num
		if x.IsFloat() {
			if v, msg := info.Eval([]float64{x.Float64()}); msg == "" && !math.IsNaN(v) && !math.IsInf(v, 0) {
				return NewConst(Float(v))
			}
		} else if info.Fold != nil {
			if v, ok := info.Fold(x); ok {
				return NewConst(v)
			}
		}
	}
	if len(args) == 1 && info.FoldNode != nil && args[0].shape == nil {
		if v := info.FoldNode(args[0]); v != nil {
			return v
		}
	}
	if len(args) == 2 && args[0].op == OpConst && args[1].op == OpConst && info.Eval != nil {
		a, b := args[0].num, args[1].num
		if a.IsFloat() || b.IsFloat() {
			if v, msg := info.Eval([]float64{a.Float64(), b.Float64()}); msg == "" && !math.IsNaN(v) && !math.IsInf(v, 0) {
				return NewConst(Float(v))
			}
		} else if info.Fold2 != nil {
			if v, ok := info.Fold2(a, b); ok {
				return NewConst(v)
			}
		}
	}
	if len(args) == 1 && info.Elementwise {
		if isLiteral(args[0]) {
			// f([a, b]) = [f(a), f(b)].
			entries := make([]*Node, args[0].Size())
			for k := range entries {
				entries[k] = Call(op, args[0].Entry(k))
			}
			return NewMatrix(args[0].Shape(), nil, entries)
		}
		if k, ok := constantMatrix(args[0]); ok {
			// f(k 1) = f(k) 1 when f(k) folds: exp(0) = 1.
			if v := Call(op, NewConst(k)); v.op == OpConst {
				return Mul(v, Ones(args[0].Shape()))
			}
		}
		// Element-wise functions keep their operand's shape.
		return internCopy(op, args[0].shape, args[0])
	}
	if info.Elementwise {
		// That of their vector or matrix operands, which the parser has
		// checked, scalars acting on every entry.
		return internCopy(op, mulShape(args), args...)
	}
	shapes := make([]Shape, len(args))
	for i, a := range args {
		shapes[i] = a.Shape()
	}
	s, _ := info.Shape(shapes, Fixed)
	return intern(Node{op: op, args: args, shape: shapePtr(s)})
}

// constantMatrix reports whether n is a vector or matrix with the number
// k on every entry: k times the matrix of ones.
func constantMatrix(n *Node) (k Num, ok bool) {
	switch {
	case n.op == OpOnes:
		return Int(1), true
	case n.op == OpMul && n.shape != nil && len(n.args) == 2 && n.args[0].op == OpConst && n.args[1].op == OpOnes:
		return n.args[0].num, true
	}
	return Num{}, false
}

// New rebuilds a node of the same kind as n with new operands through the
// canonical constructors.
func New(n *Node, args []*Node) *Node {
	switch {
	case n.op == OpMatrix:
		return NewMatrix(n.Shape(), n.pos, args) // its shape is its own
	case n.op == OpConst, n.op == OpConstant, n.op == OpSym, n.Info().Leaf != nil:
		return n // leaves, whose operands, if any, are whole numbers
	case n.Info().Rebuild != nil:
		return n.Info().Rebuild(n, args) // what the node carries besides its operands
	}
	return Apply(n.op, args...)
}

// Apply returns the operation op applied to args, through its canonical
// constructor: the table's Build, or Call for the functions. An operation
// whose nodes carry more than their operands (Rebuild) is built by its own
// constructor, NewApply, or by New from a node.
func Apply(op Op, args ...*Node) *Node {
	if b := Ops[op].Build; b != nil {
		return b(args)
	}
	if Ops[op].Rebuild != nil {
		panic("expr: Apply: " + Ops[op].Name + " is built from a name, not from operands alone")
	}
	return Call(op, args...)
}

// MulExcept returns the product of the factors of the canonical product n
// other than factor i. A subset of a canonical product's factors is itself
// canonical, so this costs a copy, not a new canonicalisation.
func MulExcept(n *Node, i int) *Node {
	var buf [8]*Node
	rest := buf[:0]
	rest = append(rest, n.args[:i]...)
	rest = append(rest, n.args[i+1:]...)
	switch len(rest) {
	case 0:
		return one
	case 1:
		return rest[0]
	}
	return newMulCopy(rest...)
}

// Substitute replaces the variables named in defs by their values,
// simultaneously, everywhere in n.
func Substitute(n *Node, defs map[string]*Node) *Node {
	return Transform(n, func(m *Node) *Node {
		if m.op == OpSym {
			if v, ok := defs[m.name]; ok {
				return v
			}
		}
		return m
	})
}

// hasMatrixBesidesOnes reports whether factors hold a matrix of ones and
// another vector or matrix.
func hasMatrixBesidesOnes(factors []*Node) bool {
	ones, other := false, false
	for _, f := range factors {
		switch {
		case f.op == OpOnes:
			ones = true
		case !f.Shape().IsScalar():
			other = true
		}
	}
	return ones && other
}

// collector finds the earlier term or factor that a new one merges with:
// by a linear scan while there are few, by a hash index once there are
// many, so that building a sum or product of n operands costs O(n).
type collector struct {
	n     int
	index map[uint64][]int
}

// find returns the first earlier item i with hash h for which merge(i)
// reports that the new item merged into it; otherwise it registers the new
// item, whose hash is h, and returns -1. hashOf gives the hash of item i.
func (c *collector) find(h uint64, hashOf func(int) uint64, merge func(int) bool) int {
	if c.index == nil && c.n >= 8 {
		c.index = make(map[uint64][]int, 16)
		for i := 0; i < c.n; i++ {
			c.index[hashOf(i)] = append(c.index[hashOf(i)], i)
		}
	}
	if c.index != nil {
		for _, i := range c.index[h] {
			if merge(i) {
				return i
			}
		}
		c.index[h] = append(c.index[h], c.n)
	} else {
		for i := 0; i < c.n; i++ {
			if merge(i) {
				return i
			}
		}
	}
	c.n++
	return -1
}

// simpleOperand reports whether n can take the short paths of add2 and
// mul2: a scalar that is not itself a sum, product, power of e or
// undefined constant.
func simpleOperand(n *Node) bool {
	switch n.op {
	case OpAdd, OpMul, OpConst, OpExp:
		return false
	case OpConstant:
		return n.name != E
	}
	return n.shape == nil && !isDivByZero(n)
}

// add2 is the common sum of two operands that need no collecting: two
// unlike terms, or a term and a nonzero exact number. It returns nil when
// the general path is needed; both give the same node.
func add2(a, b *Node) *Node {
	if a.op == OpConst {
		a, b = b, a
	}
	if b.op == OpConst {
		if a.op == OpConst || a.op == OpAdd || a.shape != nil || isDivByZero(a) || b.num.IsFloat() {
			return nil
		}
		if b.num.IsZero() {
			return a
		}
		return newAddCopy(a, b) // the number last
	}
	if a.op == OpAdd || b.op == OpAdd || a.shape != nil || b.shape != nil {
		return nil
	}
	ta, tb := termOf(a), termOf(b)
	if len(ta.factors) == 1 && isDivByZero(ta.factors[0]) || len(tb.factors) == 1 && isDivByZero(tb.factors[0]) {
		return nil
	}
	if isMultipleOfSum(ta) || isMultipleOfSum(tb) {
		return nil // x + 2(x + 1) is 3x + 2
	}
	if ta.hash == tb.hash && sameFactors(ta.factors, tb.factors) {
		return nil // like terms
	}
	if compareTerms(a, b) > 0 {
		a, b = b, a
	}
	return newAddCopy(a, b)
}

// mul2 is the common product of two factors with different bases, or of
// an exact number and one factor. It returns nil when the general path is
// needed; both give the same node.
func mul2(a, b *Node) *Node {
	if b.op == OpConst {
		a, b = b, a
	}
	if a.op == OpConst {
		if !simpleOperand(b) || a.num.IsFloat() || a.num.IsZero() {
			return nil
		}
		if a.num.IsOne() {
			return b
		}
		return newMulCopy(a, b)
	}
	if !simpleOperand(a) || !simpleOperand(b) {
		return nil
	}
	ba, _ := SplitPow(a)
	bb, _ := SplitPow(b)
	if Equal(ba, bb) || ba.op == OpConstant && ba.name == E || bb.op == OpConstant && bb.name == E {
		return nil
	}
	if Compare(a, b) > 0 {
		a, b = b, a
	}
	return newMulCopy(a, b)
}
