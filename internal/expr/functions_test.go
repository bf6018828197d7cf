package expr

import (
	"math"
	"testing"

	"github.com/nabla-math/nabla/internal/tensor"
)

// TestFunctionValues checks the scalar kernels of the functions of
// functions.go at points where their values are known, and their domains.
func TestFunctionValues(t *testing.T) {
	const euler = 0.57721566490153286061
	tests := []struct {
		op     Op
		x      []float64
		want   float64
		domain string
	}{
		{OpSec, []float64{0}, 1, ""},
		{OpSec, []float64{math.Pi / 3}, 2, ""},
		{OpCsc, []float64{math.Pi / 6}, 2, ""},
		{OpCsc, []float64{0}, 0, "csc at a pole"},
		{OpCot, []float64{math.Pi / 4}, 1, ""},
		{OpCot, []float64{0}, 0, "cot at a pole"},
		{OpAsec, []float64{2}, math.Pi / 3, ""},
		{OpAsec, []float64{-1}, math.Pi, ""},
		{OpAsec, []float64{0.5}, 0, "argument inside (-1, 1)"},
		{OpAcsc, []float64{2}, math.Pi / 6, ""},
		{OpAcsc, []float64{0}, 0, "argument inside (-1, 1)"},
		{OpAcot, []float64{1}, math.Pi / 4, ""},
		{OpAcot, []float64{0}, math.Pi / 2, ""},
		{OpAcot, []float64{-1}, 3 * math.Pi / 4, ""},
		{OpAcot, []float64{1e20}, 1e-20, ""},
		{OpSech, []float64{0}, 1, ""},
		{OpSech, []float64{800}, 0, ""},
		{OpCsch, []float64{math.Asinh(1)}, 1, ""},
		{OpCsch, []float64{0}, 0, "csch at a pole"},
		{OpCoth, []float64{800}, 1, ""},
		{OpCoth, []float64{0}, 0, "coth at a pole"},
		{OpAsinh, []float64{0}, 0, ""},
		{OpAcosh, []float64{1}, 0, ""},
		{OpAcosh, []float64{0.5}, 0, "argument below 1"},
		{OpAtanh, []float64{0}, 0, ""},
		{OpAtanh, []float64{1}, 0, "argument outside (-1, 1)"},
		{OpAtan2, []float64{1, 1}, math.Pi / 4, ""},
		{OpAtan2, []float64{0, -1}, math.Pi, ""},
		{OpAtan2, []float64{-1, 0}, -math.Pi / 2, ""},
		{OpAtan2, []float64{0, 0}, 0, "atan2 at the origin"},
		{OpLogBase, []float64{8, 2}, 3, ""},
		{OpLogBase, []float64{1000, 10}, 3, ""},
		{OpLogBase, []float64{0, 2}, 0, "log of a non-positive number"},
		{OpLogBase, []float64{2, -2}, 0, "log to a non-positive base"},
		{OpLogBase, []float64{2, 1}, 0, "log to the base 1"},
		{OpLog2, []float64{1024}, 10, ""},
		{OpLog2, []float64{-1}, 0, "log of a non-positive number"},
		{OpLog10, []float64{1e-5}, -5, ""},
		{OpCbrt, []float64{-27}, -3, ""},
		{OpErf, []float64{0}, 0, ""},
		{OpErf, []float64{10}, 1, ""},
		{OpErfc, []float64{0}, 1, ""},
		{OpErfc, []float64{30}, 2.5646562037561116e-393, ""},
		{OpGamma, []float64{5}, 24, ""},
		{OpGamma, []float64{0.5}, math.Sqrt(math.Pi), ""},
		{OpGamma, []float64{-1}, 0, "gamma at a non-positive integer"},
		{OpLgamma, []float64{1}, 0, ""},
		{OpLgamma, []float64{-0.5}, math.Log(2 * math.Sqrt(math.Pi)), ""},
		{OpLgamma, []float64{0}, 0, "lgamma at a non-positive integer"},
		{OpDigamma, []float64{1}, -euler, ""},
		{OpDigamma, []float64{-2}, 0, "digamma at a non-positive integer"},
		{OpTrigamma, []float64{1}, math.Pi * math.Pi / 6, ""},
		{OpTrigamma, []float64{0}, 0, "trigamma at a non-positive integer"},
		{OpPolygamma, []float64{0, 1}, -euler, ""},
		{OpPolygamma, []float64{3, 1}, math.Pow(math.Pi, 4) / 15, ""},
		{OpPolygamma, []float64{1.5, 1}, 0, "polygamma of a negative or fractional order"},
		{OpPolygamma, []float64{-1, 1}, 0, "polygamma of a negative or fractional order"},
		{OpPolygamma, []float64{2, -3}, 0, "polygamma at a non-positive integer"},
		{OpSinc, []float64{0}, 1, ""},
		{OpSinc, []float64{math.Pi / 2}, 2 / math.Pi, ""},
		{OpSinc, []float64{math.Inf(1)}, 0, ""},
		{OpStep, []float64{0}, 0, ""},
		{OpStep, []float64{1e-300}, 1, ""},
		{OpStep, []float64{-2}, 0, ""},
		{OpRelu, []float64{-2}, 0, ""},
		{OpRelu, []float64{2.5}, 2.5, ""},
		{OpLeakyRelu, []float64{-2, 0.01}, -0.02, ""},
		{OpLeakyRelu, []float64{3, 0.01}, 3, ""},
		{OpSoftplus, []float64{0}, math.Ln2, ""},
		{OpSoftplus, []float64{1000}, 1000, ""},
		{OpSoftplus, []float64{-1000}, 0, ""},
		{OpSoftplus, []float64{-40}, 4.248354255291589e-18, ""},
		{OpGelu, []float64{0}, 0, ""},
		{OpGelu, []float64{1}, 0.8413447460685429, ""},
		{OpGelu, []float64{-40}, -0, ""},
		{OpSilu, []float64{0}, 0, ""},
		{OpSilu, []float64{-1000}, -0, ""},
		{OpHuber, []float64{0.5, 1}, 0.125, ""},
		{OpHuber, []float64{-3, 1}, 2.5, ""},
		{OpHuber, []float64{3, 0}, 0, "huber with δ ≤ 0"},
		{OpMaximum, []float64{2, 3}, 3, ""},
		{OpMinimum, []float64{2, 3}, 2, ""},
	}
	for _, tt := range tests {
		got, domain := Ops[tt.op].Eval(tt.x)
		if domain != tt.domain {
			t.Errorf("%s%v: domain %q, want %q", Ops[tt.op].Name, tt.x, domain, tt.domain)
			continue
		}
		if domain == "" && got != tt.want && math.Abs(got-tt.want) > 2e-15*math.Abs(tt.want) {
			t.Errorf("%s%v = %v, want %v", Ops[tt.op].Name, tt.x, got, tt.want)
		}
	}
}

// TestFunctionFold checks the exact values of the functions at the exact
// points where they have one, and that they stay unevaluated elsewhere.
func TestFunctionFold(t *testing.T) {
	tests := []struct {
		op   Op
		x    []Num
		want string // "" for no exact value
	}{
		{OpSec, []Num{Int(0)}, "1"},
		{OpSech, []Num{Int(0)}, "1"},
		{OpAsinh, []Num{Int(0)}, "0"},
		{OpAcosh, []Num{Int(1)}, "0"},
		{OpAtanh, []Num{Int(0)}, "0"},
		{OpAsec, []Num{Int(1)}, "0"},
		{OpErf, []Num{Int(0)}, "0"},
		{OpErfc, []Num{Int(0)}, "1"},
		{OpGamma, []Num{Int(1)}, "1"},
		{OpGamma, []Num{Int(2)}, "1"},
		{OpGamma, []Num{Int(6)}, "120"},
		{OpGamma, []Num{Int(0)}, ""},
		{OpGamma, []Num{Rat(1, 2)}, ""},
		{OpLgamma, []Num{Int(1)}, "0"},
		{OpLgamma, []Num{Int(2)}, "0"},
		{OpLgamma, []Num{Int(3)}, ""},
		{OpLogBase, []Num{Int(8), Int(2)}, "3"},
		{OpLogBase, []Num{Int(3), Int(2)}, ""},
		{OpLog2, []Num{Int(8)}, "3"},
		{OpLog2, []Num{Rat(1, 4)}, "-2"},
		{OpLog10, []Num{Int(1000)}, "3"},
		{OpLog10, []Num{Int(2)}, ""},
		{OpCbrt, []Num{Int(27)}, "3"},
		{OpCbrt, []Num{Rat(-8, 125)}, "-2/5"},
		{OpCbrt, []Num{Int(2)}, ""},
		{OpSinc, []Num{Int(0)}, "1"},
		{OpSinc, []Num{Int(1)}, ""},
		{OpStep, []Num{Int(0)}, "0"},
		{OpStep, []Num{Rat(1, 3)}, "1"},
		{OpStep, []Num{Int(-4)}, "0"},
		{OpRelu, []Num{Rat(-2, 3)}, "0"},
		{OpRelu, []Num{Rat(2, 3)}, "2/3"},
		{OpLeakyRelu, []Num{Int(-3), Rat(1, 10)}, "-3/10"},
		{OpLeakyRelu, []Num{Int(3), Rat(1, 10)}, "3"},
		{OpGelu, []Num{Int(0)}, "0"},
		{OpSilu, []Num{Int(0)}, "0"},
		{OpSoftplus, []Num{Int(0)}, ""},
		{OpHuber, []Num{Rat(1, 2), Int(1)}, "1/8"},
		{OpHuber, []Num{Int(-3), Int(2)}, "4"},
		{OpHuber, []Num{Int(1), Int(0)}, ""},
		{OpMaximum, []Num{Int(2), Rat(7, 3)}, "7/3"},
		{OpMinimum, []Num{Int(2), Rat(7, 3)}, "2"},
		{OpAtan2, []Num{Int(0), Int(5)}, "0"},
		{OpAtan2, []Num{Int(1), Int(1)}, ""},
		{OpCsc, []Num{Int(0)}, ""},
		{OpDigamma, []Num{Int(1)}, ""},
	}
	for _, tt := range tests {
		args := make([]*Node, len(tt.x))
		for i, x := range tt.x {
			args[i] = NewConst(x)
		}
		got := Apply(tt.op, args...)
		switch {
		case tt.want == "" && got.IsConst():
			t.Errorf("%s%v folds to %v; it has no exact value", Ops[tt.op].Name, tt.x, got.num)
		case tt.want != "" && (!got.IsConst() || got.num.String() != tt.want):
			t.Errorf("%s%v folds to %v, want %s", Ops[tt.op].Name, tt.x, got, tt.want)
		}
	}
	// Floats fold to floats where the value is finite.
	if got := Apply(OpLogBase, NewConst(Float(8)), Int64(2)); !got.IsConst() || got.num.Float64() != 3 {
		t.Errorf("log(8.0, 2) = %v, want 3.0", got)
	}
	if got := Apply(OpLogBase, NewConst(Float(-8)), Int64(2)); got.IsConst() {
		t.Errorf("log(-8.0, 2) folded to %v, outside the domain", got.num)
	}
	// polygamma of the orders 0 and 1 is digamma and trigamma.
	x := NewSym("x", Scalar)
	if got := Apply(OpPolygamma, Int64(0), x); got.Op() != OpDigamma {
		t.Errorf("polygamma(0, x) is %v, want digamma(x)", Ops[got.Op()].Name)
	}
	if got := Apply(OpPolygamma, Int64(1), x); got.Op() != OpTrigamma {
		t.Errorf("polygamma(1, x) is %v, want trigamma(x)", Ops[got.Op()].Name)
	}
}

// value evaluates a scalar graph by the table's kernels.
func value(n *Node, env map[string]float64) (float64, string) {
	info := n.Info()
	switch {
	case n.op == OpSym:
		return env[n.name], ""
	case info.Value != nil:
		return info.Value(n), ""
	}
	x := make([]float64, len(n.args))
	for i, a := range n.args {
		v, msg := value(a, env)
		if msg != "" {
			return 0, msg
		}
		x[i] = v
	}
	v, msg := info.Eval(x)
	if msg == "" && (math.IsNaN(v) || math.IsInf(v, 0)) {
		msg = "not finite"
	}
	return v, msg
}

// TestPartials checks the partial derivatives of every element-wise
// function of the table against central differences of its kernel, with
// Richardson's extrapolation, at points of its domain where the function
// is smooth.
func TestPartials(t *testing.T) {
	points := []float64{-3.3, -2.6, -1.7, -0.8, -0.35, 0.3, 0.45, 0.9, 1.2, 1.6, 2.2, 3.4, 7.5}
	names := []string{"a", "b"}
	for i := range Ops {
		op, info := Op(i), &Ops[i]
		if info.Class != Function || !info.Elementwise {
			continue
		}
		syms := make([]*Node, info.Arity)
		for k := range syms {
			syms[k] = NewSym(names[k], Scalar)
		}
		n := Call(op, syms...)
		checked := 0
		// Whole numbers for orders, as that of polygamma.
		for _, p := range append([]float64{1, 2, 3}, points...) {
			for _, q := range append([]float64{1, 2}, points...) {
				env := map[string]float64{"a": p, "b": q}
				if info.Arity == 1 && q != 1 {
					continue
				}
				if _, msg := value(n, env); msg != "" {
					continue
				}
				for k, x := range syms {
					want, ok := central(n, env, x.name)
					if !ok {
						continue
					}
					got, msg := value(info.Partial(n, k), env)
					if msg != "" {
						t.Errorf("∂%s/∂%s at %v: %s", info.Name, x.name, env, msg)
						continue
					}
					checked++
					if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
						t.Errorf("∂%s/∂%s at %v = %v, central differences give %v", info.Name, x.name, env, got, want)
					}
				}
			}
		}
		if checked == 0 {
			t.Errorf("%s: no point to check its partial derivatives at", info.Name)
		}
	}
}

// central estimates ∂n/∂x at env; ok is false where n is not smooth
// enough near the point for the estimate to be trusted.
func central(n *Node, env map[string]float64, x string) (float64, bool) {
	at := func(h float64) (float64, bool) {
		e := map[string]float64{"a": env["a"], "b": env["b"]}
		e[x] += h
		v, msg := value(n, e)
		return v, msg == ""
	}
	est := func(h float64) (float64, bool) {
		a, ok1 := at(h)
		b, ok2 := at(-h)
		return (a - b) / (2 * h), ok1 && ok2
	}
	h := 1e-3 * math.Max(1, math.Abs(env[x]))
	d1, ok1 := est(h)
	d2, ok2 := est(h / 2)
	d4, ok4 := est(h / 4)
	if !ok1 || !ok2 || !ok4 {
		return 0, false
	}
	// At a kink the one-sided differences differ by a jump that does
	// not shrink with the step.
	v, _ := at(0)
	jump := func(h float64) float64 {
		a, _ := at(h)
		b, _ := at(-h)
		return (a-v)/h - (v-b)/h
	}
	if j1, j4 := jump(h), jump(h/4); math.Abs(j4) > 0.5*math.Abs(j1) && math.Abs(j4) > 1e-6 {
		return 0, false
	}
	r1, r2 := (4*d2-d1)/3, (4*d4-d2)/3
	if math.Abs(r1-r2) > 1e-7*math.Max(1, math.Abs(r2)) {
		return 0, false // a kink or a pole nearby
	}
	return r2, true
}

// TestStable checks the rewrites of the pass Stable, and that it leaves
// other expressions alone.
func TestStable(t *testing.T) {
	x := NewSym("x", Scalar)
	z := NewSym("z", NewShape(Dim{Sym: "n"}))
	sp := func(u *Node) *Node { return Call(OpSoftplus, u) }
	log := func(u *Node) *Node { return Call(OpLog, u) }
	sig := Call(OpSigmoid, x)
	tests := []struct {
		name    string
		in, out *Node
	}{
		{"log(1 + exp(x))", log(Add(one, Call(OpExp, x))), sp(x)},
		{"log(1 + exp(-x))", log(Add(one, Call(OpExp, Neg(x)))), sp(Neg(x))},
		{"log(sigmoid(x))", log(sig), Neg(sp(Neg(x)))},
		{"log(1 - sigmoid(x))", log(Add(one, Neg(sig))), Neg(sp(x))},
		{"log(sum(exp(z)))", log(Sum(Call(OpExp, z))), LogSumExp(z)},
		{"log(1 + exp(z))", log(Add(one, Call(OpExp, z))), sp(z)},
		{"inside", Mul(two, Add(x, log(Add(one, Call(OpExp, x))))), Mul(two, Add(x, sp(x)))},
		{"log(2 + exp(x))", log(Add(two, Call(OpExp, x))), log(Add(two, Call(OpExp, x)))},
		{"exp(x)/(1 + exp(x))", Mul(Call(OpExp, x), Pow(Add(one, Call(OpExp, x)), minusOne)), Call(OpSigmoid, x)},
		{"-2 exp(-x) y/(1 + exp(-x))", Mul(Int64(-2), NewSym("y", Scalar), Call(OpExp, Neg(x)), Pow(Add(one, Call(OpExp, Neg(x))), minusOne)),
			Mul(Int64(-2), NewSym("y", Scalar), Call(OpSigmoid, Neg(x)))},
		{"exp(z)/sum(exp(z))", Mul(Call(OpExp, z), Pow(Sum(Call(OpExp, z)), minusOne)), Softmax(z)},
		{"exp(z)ᵀ/sum(exp(z))", Mul(Transpose(Call(OpExp, z)), Pow(Sum(Call(OpExp, z)), minusOne)), Transpose(Softmax(z))},
		{"exp(x)/(2 + exp(x))", Mul(Call(OpExp, x), Pow(Add(two, Call(OpExp, x)), minusOne)), Mul(Call(OpExp, x), Pow(Add(two, Call(OpExp, x)), minusOne))},
		{"log(x)", log(x), log(x)},
		// Complements.
		{"1 - sigmoid(x)", Add(one, Neg(sig)), Call(OpSigmoid, Neg(x))},
		{"x + 1 - sigmoid(x)", Add(x, one, Neg(sig)), Add(x, Call(OpSigmoid, Neg(x)))},
		{"sigmoid(x) + 1", Add(sig, one), Add(sig, one)},
		{"1 - tanh(x)^2", Add(one, Neg(Pow(Call(OpTanh, x), two))),
			Mul(Int64(4), Call(OpSigmoid, Mul(Int64(-2), x)), Call(OpSigmoid, Mul(two, x)))},
		{"2σ^2 - 3σ + 1", Add(Mul(two, Pow(sig, two)), Mul(Int64(-3), sig), one),
			Mul(Int64(-1), Call(OpSigmoid, Neg(x)), Call(OpTanh, Mul(NewConst(Rat(1, 2)), x)))},
		{"2σ - 1", Add(Mul(two, sig), minusOne), Call(OpTanh, Mul(NewConst(Rat(1, 2)), x))},
		{"x σ - x", Add(Mul(x, sig), Neg(x)), Mul(Int64(-1), x, Call(OpSigmoid, Neg(x)))},
		{"1 - erf(z)", Add(one, Neg(Call(OpErf, z))), Call(OpErfc, z)},
	}
	for _, tt := range tests {
		if got := Stable(tt.in); !Equal(got, tt.out) {
			t.Errorf("Stable(%s) has ops %v, want %v", tt.name, Ops[got.op].Name, Ops[tt.out.op].Name)
		}
	}
}

// TestSoftmaxKernels checks logsumexp and softmax where exp overflows.
func TestSoftmaxKernels(t *testing.T) {
	z := tensor.T{Shape: []int{3}, Data: []float64{1000, 1000, -1000}}
	dst := tensor.T{Data: []float64{0}}
	if err := logSumExp(dst, z); err != nil || math.Abs(dst.Data[0]-(1000+math.Ln2)) > 1e-12 {
		t.Errorf("logsumexp(1000, 1000, -1000) = %v, want 1000 + log 2", dst.Data[0])
	}
	s := tensor.T{Shape: []int{3}, Data: make([]float64, 3)}
	if err := softmax(s, z); err != nil || s.Data[0] != 0.5 || s.Data[1] != 0.5 || s.Data[2] != 0 {
		t.Errorf("softmax(1000, 1000, -1000) = %v, want [0.5 0.5 0]", s.Data)
	}
	z.Data = []float64{1, math.NaN(), 2}
	if err := logSumExp(dst, z); err != nil || !math.IsNaN(dst.Data[0]) {
		t.Errorf("logsumexp with a NaN entry = %v, want NaN", dst.Data[0])
	}
	z.Data = []float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	if err := logSumExp(dst, z); err != nil || !math.IsInf(dst.Data[0], -1) {
		t.Errorf("logsumexp(-Inf, …) = %v, want -Inf", dst.Data[0])
	}
}

// TestFunctionsByArity checks that a name has one definition for each
// number of operands: max(x) and max(a, b), log(x) and log(x, b).
func TestFunctionsByArity(t *testing.T) {
	fs := Functions()
	for name, defs := range fs {
		for i := 1; i < len(defs); i++ {
			if defs[i].Arity <= defs[i-1].Arity {
				t.Errorf("%s: definitions of %d and %d operands", name, defs[i-1].Arity, defs[i].Arity)
			}
		}
	}
	for _, tt := range []struct {
		name    string
		arities []int
	}{{"max", []int{1, 2}}, {"log", []int{1, 2}}, {"ln", []int{1}}, {"min", []int{1, 2}}, {"heaviside", []int{1}}} {
		var got []int
		for _, f := range fs[tt.name] {
			got = append(got, f.Arity)
		}
		if len(got) != len(tt.arities) || got[0] != tt.arities[0] || got[len(got)-1] != tt.arities[len(tt.arities)-1] {
			t.Errorf("%s takes %v operands, want %v", tt.name, got, tt.arities)
		}
	}
}
