package expr

// maxCompareDepth bounds the structural comparison; below it nodes are
// ordered by their structural hash, so comparing deep graphs costs O(1).
const maxCompareDepth = 6

// Compare is the canonical order of factors: the number first, then named
// constants and powers of numbers, then variables in the order of
// CompareNames (x2 before x10), then functions in the order of the
// operation table (declared functions by name, then by their derivatives:
// f(x) f'(x) g(x)), then sums. It is a total order, deterministic across
// runs, and 0 only for the same node.
func Compare(a, b *Node) int { return compare(a, b, 0) }

// compareTerms is the canonical order of the terms of a sum: by the
// degrees of their variables taken in the order of CompareNames, higher
// first, as polynomials are written (x^2 + 5x + 6, x + 2y^3,
// 2x1 x2 + x2^3), then by their derivatives of declared functions, as the
// Leibniz rule writes them (f'(x) g(x) + f(x) g'(x); see compareApplied),
// then by the order of their factors.
func compareTerms(a, b *Node) int {
	_, fa := Factors(a)
	_, fb := Factors(b)
	if len(fa) == 0 || len(fb) == 0 {
		return compareHash(a, b)
	}
	i, j := 0, 0
	for {
		va, ea, oka := nextVar(fa, &i)
		vb, eb, okb := nextVar(fb, &j)
		switch {
		case !oka && !okb:
			if c := compareApplied(fa, fb); c != 0 {
				return c
			}
			return compareLists(fa, fb, 0)
		case !okb:
			return -1
		case !oka:
			return 1
		}
		if c := CompareNames(va, vb); c != 0 {
			return c
		}
		if c := eb.Cmp(ea); c != 0 {
			return c
		}
	}
}

// nextVar returns the next factor of fs from *i on that is a variable or
// a variable to a numeric power, with its exponent.
func nextVar(fs []*Node, i *int) (name string, exp Num, ok bool) {
	for ; *i < len(fs); *i++ {
		b, e := SplitPow(fs[*i])
		if b.op == OpSym && e.op == OpConst {
			*i++
			return b.name, e.num, true
		}
	}
	return "", Num{}, false
}

func rank(n *Node) int {
	if n.shape != nil {
		return 7 // vectors and matrices after the scalars: det(X) X⁻ᵀ
	}
	switch n.op {
	case OpConst:
		return 0
	case OpConstant:
		return 1
	case OpSym:
		return 2
	case OpPow:
		if r := rank(n.args[0]); r > 0 {
			return r
		}
		return 1
	case OpAdd:
		return 4
	case OpMul:
		return 5
	}
	return 3
}

func compare(a, b *Node, depth int) int {
	if Equal(a, b) {
		return 0
	}
	if depth > maxCompareDepth {
		return compareHash(a, b)
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra - rb
	}
	ba, ea := SplitPow(a)
	bb, eb := SplitPow(b)
	if !Equal(ba, bb) && rank(a) == 4 && !Equal(ea, eb) {
		// Sums: plain ones before powers, (2x + 5)(x^2 + 5x + 6)^9.
		return compare(ea, eb, depth+1)
	}
	if !Equal(ba, bb) {
		return compareBase(ba, bb, depth)
	}
	return compare(ea, eb, depth+1)
}

func compareBase(a, b *Node, depth int) int {
	if a.op != b.op {
		return int(opOrder[a.op]) - int(opOrder[b.op])
	}
	switch a.op {
	case OpConst:
		if c := a.num.Cmp(b.num); c != 0 {
			return c
		}
		if a.num.IsFloat() != b.num.IsFloat() {
			if a.num.IsFloat() {
				return 1
			}
			return -1
		}
	case OpSym, OpConstant:
		if c := CompareNames(a.name, b.name); c != 0 {
			return c
		}
	case OpApply:
		if c := CompareNames(a.name, b.name); c != 0 {
			return c
		}
		if c := compareOrders(a.pos, b.pos); c != 0 {
			return c
		}
		if c := compareLists(a.args, b.args, depth+1); c != 0 {
			return c
		}
	default:
		if c := compareLists(a.args, b.args, depth+1); c != 0 {
			return c
		}
	}
	return compareHash(a, b)
}

func compareLists(a, b []*Node, depth int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := compare(a[i], b[i], depth); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

func compareHash(a, b *Node) int {
	switch {
	case a == b:
		return 0
	case a.ord < b.ord:
		return -1
	case a.ord > b.ord:
		return 1
	case a.hash < b.hash:
		return -1
	case a.hash > b.hash:
		return 1
	}
	return 0
}
