package expr

import (
	"errors"
	"fmt"
	"slices"
)

// checkCanonical reports how the node n, a sum, product or power, breaks
// the canonical form that the constructors promise, or nil. Every pass
// relies on these invariants (equal expressions are equal nodes); the
// property tests assert them on every node of random graphs, as SymEngine
// asserts is_canonical.
//
//   - A sum has two or more terms, none of them a sum; its number, if
//     any, is last and not zero; its other terms are in canonical order,
//     none zero and no two alike (2x + 3x is 5x); a term that is a number
//     times a sum has no term alike to another of the sum's (3x - (x + 2)
//     is 2x - 2).
//   - A product has two or more factors, none of them a product; its
//     number, if any, is first and not 1; its other factors are in
//     canonical order and no two share a base (x x^2 is x^3). The zero
//     vector or matrix, 0 times the matrix of ones, is the one product
//     with the number 0.
//   - A power has an exponent other than 0 and 1 and a base other than
//     1 and e; an integer power of a power or of a product is distributed.
func checkCanonical(n *Node) error {
	switch n.op {
	case OpAdd:
		return checkSum(n)
	case OpMul:
		return checkProduct(n)
	case OpPow:
		return checkPower(n)
	}
	return nil
}

func checkSum(n *Node) error {
	if len(n.args) < 2 {
		return errors.New("a sum of fewer than two terms")
	}
	var prev *Node
	for i, t := range n.args {
		switch {
		case t.op == OpAdd:
			return errors.New("a sum inside a sum")
		case t.op == OpConst && i != len(n.args)-1:
			return errors.New("a number before the last term")
		case t.op == OpConst && t.IsZero():
			return errors.New("a zero term")
		case t.op == OpConst:
			continue
		}
		if k, _ := Factors(t); k.IsZero() && !k.IsFloat() {
			return fmt.Errorf("the term %d is zero", i)
		}
		if prev != nil {
			if c := compareTerms(prev, t); c > 0 {
				return fmt.Errorf("terms %d and %d out of order", i-1, i)
			}
			a, b := termOf(prev), termOf(t)
			if a.hash == b.hash && sameFactors(a.factors, b.factors) {
				return fmt.Errorf("terms %d and %d are alike", i-1, i)
			}
		}
		prev = t
	}
	terms := make([]term, len(n.args))
	for i, t := range n.args {
		terms[i] = termOf(t)
	}
	if spread := multiplesToSpread(terms); spread != nil {
		return fmt.Errorf("the term %d, a multiple of a sum, shares a term with the sum", slices.Index(spread, true))
	}
	return nil
}

func checkProduct(n *Node) error {
	if len(n.args) < 2 {
		return errors.New("a product of fewer than two factors")
	}
	if n.IsZeroMatrix() && len(n.args) == 2 && n.args[1].op == OpOnes {
		return nil // the zero vector or matrix
	}
	bases := map[uint64][]*Node{}
	var prev *Node
	for i, f := range n.args {
		switch {
		case f.op == OpMul:
			return errors.New("a product inside a product")
		case f.op == OpConst && i != 0:
			return errors.New("a number after the first factor")
		case f.op == OpConst && (f.num.IsOne() || f.num.IsZero() && !f.num.IsFloat()):
			return fmt.Errorf("the coefficient %s", f.num)
		case f.op == OpConst:
			continue
		}
		if prev != nil && Compare(prev, f) > 0 {
			return fmt.Errorf("factors %d and %d out of order", i-1, i)
		}
		prev = f
		b, _ := SplitPow(f)
		if f.op == OpExp {
			b = eConst
		}
		for _, c := range bases[b.hash] {
			if Equal(c, b) {
				return fmt.Errorf("two factors with the base %d", i)
			}
		}
		bases[b.hash] = append(bases[b.hash], b)
	}
	if hasMatrixBesidesOnes(n.args) {
		return errors.New("the matrix of ones beside another matrix")
	}
	return nil
}

func checkPower(n *Node) error {
	b, e := n.args[0], n.args[1]
	switch {
	case e.op == OpConst && (e.num.IsOne() || e.num.IsZero() && !e.num.IsFloat()):
		return fmt.Errorf("the exponent %s", e.num)
	case b.op == OpConst && b.num.IsOne():
		return errors.New("a power of 1")
	case b.op == OpConstant && b.name == E:
		return errors.New("a power of e, which is exp")
	case b.op == OpExp:
		return errors.New("a power of exp")
	case e.op == OpConst && e.num.IsInt() && (b.op == OpPow || b.op == OpMul):
		return errors.New("an integer power of a power or product")
	}
	return nil
}
