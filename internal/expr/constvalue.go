package expr

// ConstValue returns the value of the scalar n when n holds no variable:
// -2, -e, 1 - pi, sqrt(2). ok is false where n has a variable, a vector
// or matrix, a function known by its name alone, or a value outside an
// operation's domain.
func ConstValue(n *Node) (v float64, ok bool) {
	return constValue(n, map[*Node]float64{})
}

func constValue(n *Node, memo map[*Node]float64) (float64, bool) {
	if !n.Shape().IsScalar() || n.op == OpSym {
		return 0, false
	}
	if v, ok := memo[n]; ok {
		return v, true
	}
	info := n.Info()
	var v float64
	switch {
	case info.Value != nil:
		v = info.Value(n)
	case info.Eval != nil && info.NoValue == nil && len(n.args) > 0:
		x := make([]float64, len(n.args))
		for i, a := range n.args {
			var ok bool
			if x[i], ok = constValue(a, memo); !ok {
				return 0, false
			}
		}
		var domain string
		if v, domain = info.Eval(x); domain != "" {
			return 0, false
		}
	default:
		return 0, false
	}
	if v != v {
		return 0, false
	}
	memo[n] = v
	return v, true
}
