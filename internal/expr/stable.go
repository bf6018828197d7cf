package expr

// Stable returns n with each subexpression that overflows or cancels in
// floating point replaced by an equal one that does not, by the Stable
// rules of the table:
//
//	log(1 + exp(u))        softplus(u)
//	log(sigmoid(u))        -softplus(-u)
//	log(1 - sigmoid(u))    -softplus(u)
//	log(sum(exp(z)))       logsumexp(z)
//	exp(u)/(1 + exp(u))    sigmoid(u)
//	exp(z)/sum(exp(z))     softmax(z)
//
// so that log(1 + exp(1000)) is 1000, not an overflow. The evaluators
// apply it to the graphs they evaluate, as JAX evaluates softplus and
// logsumexp; printed and differentiated expressions keep the form
// written.
func Stable(n *Node) *Node {
	return Transform(n, func(m *Node) *Node {
		if rule := Ops[m.op].Stable; rule != nil {
			return rule(m)
		}
		return m
	})
}

// stableLog is the Stable rule of log.
func stableLog(n *Node) *Node {
	u := n.args[0]
	switch u.op {
	case OpSigmoid:
		return Neg(Call(OpSoftplus, Neg(u.args[0])))
	case OpSum:
		if z := u.args[0]; z.op == OpExp && z.Shape().Rank() == 1 {
			return LogSumExp(z.args[0])
		}
	case OpAdd:
		if len(u.args) != 2 || !u.args[1].IsNum(1) {
			break
		}
		t := u.args[0]
		if t.op == OpExp {
			return Call(OpSoftplus, t.args[0])
		}
		if k, rest := SplitCoeff(t); k.IsMinusOne() && rest != nil && rest.op == OpSigmoid {
			return Neg(Call(OpSoftplus, rest.args[0]))
		}
	}
	return n
}

// stableMul is the Stable rule of products: exp(u)/(1 + exp(u)) is
// sigmoid(u) and exp(z)/sum(exp(z)) is softmax(z) (or its transpose),
// the derivatives of log(1 + exp(u)) and log(sum(exp(z))), which overflow
// where exp does.
func stableMul(n *Node) *Node {
	for i, f := range n.args {
		b, e := SplitPow(f)
		if !e.IsNum(-1) {
			continue
		}
		var num, stable *Node // the numerator that b's exp stands in, and the quotient
		switch {
		case b.op == OpAdd && len(b.args) == 2 && b.args[1].IsNum(1) && b.args[0].op == OpExp:
			num, stable = b.args[0], Call(OpSigmoid, b.args[0].args[0])
		case b.op == OpSum && b.args[0].op == OpExp && b.args[0].Shape().Rank() == 1:
			num, stable = b.args[0], Softmax(b.args[0].args[0])
		default:
			continue
		}
		for j, g := range n.args {
			q := stable
			if g.op == OpTranspose && Equal(g.args[0], num) {
				q = Transpose(stable)
			} else if !Equal(g, num) {
				continue
			}
			rest := make([]*Node, 0, len(n.args)-1)
			for k, h := range n.args {
				if k != i && k != j {
					rest = append(rest, h)
				}
			}
			return Mul(append(rest, q)...)
		}
	}
	return n
}
