package expr

import (
	"math"
	"slices"
	"testing"
)

// TestTable checks that every entry of the operation table has what its
// class needs: a name and an order of its own, spellings for both
// printers, a shape rule, a constructor, numeric kernels and derivative
// rules. An operation added without, say, its derivative fails here, not
// in a user's hands. Two operations share a name only when they take
// different numbers of operands, as max(x) and max(a, b) do.
func TestTable(t *testing.T) {
	type named struct {
		name  string
		arity int
	}
	orders := map[int]Op{}
	names := map[named]Op{}
	for i := range Ops {
		op, info := Op(i), &Ops[i]
		t.Run(info.Name, func(t *testing.T) {
			if info.Name == "" {
				t.Fatalf("op %d has no name", op)
			}
			for _, name := range append([]string{info.Name}, info.Aliases...) {
				key := named{name, info.Arity}
				if other, dup := names[key]; dup {
					t.Errorf("%s of %d operands is the name of ops %d and %d", name, info.Arity, other, op)
				}
				names[key] = op
			}
			if other, dup := orders[info.Order]; dup {
				t.Errorf("order %d is taken by %s", info.Order, Ops[other].Name)
			}
			orders[info.Order] = op
			checkSpelling(t, "Text", info.Text, info.Arity)
			checkSpelling(t, "LaTeX", info.LaTeX, info.Arity)
			if info.Fold != nil && info.Arity != 1 || info.Fold2 != nil && info.Arity != 2 {
				t.Error("Fold folds functions of one operand, Fold2 of two")
			}
			if info.Stable != nil && info.Class == Leaf {
				t.Error("a leaf has no stable form to rewrite")
			}
			if info.Prec == 0 {
				t.Error("no precedence")
			}
			if info.Rule == "" {
				t.Error("no derivative rule name")
			}
			switch info.Class {
			case Leaf:
				checkLeaf(t, op, info)
			case Operator, Function:
				checkOperation(t, info)
			case Declared:
				checkDeclared(t, info)
			}
		})
	}
}

// checkSpelling checks that a spelling has the words its form needs, and
// that the operands it writes as scripts are operands of a call.
func checkSpelling(t *testing.T, which string, sp Spelling, arity int) {
	t.Helper()
	if sp.Sub != 0 || sp.Sup != 0 {
		switch {
		case sp.Form != FormCall:
			t.Errorf("%s: scripts are written after the word of a call", which)
		case sp.Sub < 0 || sp.Sub > arity || sp.Sup < 0 || sp.Sup > arity:
			t.Errorf("%s: scripts %d and %d are not operands of %d", which, sp.Sub, sp.Sup, arity)
		case sp.Sub == sp.Sup:
			t.Errorf("%s: operand %d is both subscript and superscript", which, sp.Sub)
		}
	}
	switch sp.Form {
	case FormCall, FormPostfix, FormWord, FormApplied:
		if sp.Word == "" {
			t.Errorf("%s: no word for its form %d", which, sp.Form)
		}
	case FormWrap:
		if sp.Word == "" || sp.Close == "" {
			t.Errorf("%s: a wrap needs an opening and a closing", which)
		}
	}
}

func checkLeaf(t *testing.T, op Op, info *OpInfo) {
	switch {
	case op == OpSym:
		// A variable's shape is declared and its value given.
	case op == OpMatrix:
		if info.Combine == nil || info.Adjoint == nil || info.Tensor == nil {
			t.Error("a literal needs Combine, Adjoint and a tensor kernel")
		}
	case info.Value == nil && (info.Leaf == nil || info.Tensor == nil):
		t.Error("a leaf needs a value, or a constructor and a tensor kernel")
	}
}

func checkOperation(t *testing.T, info *OpInfo) {
	if info.Arity == 0 {
		t.Error("no arity")
	}
	if info.Shape == nil {
		t.Error("no shape rule")
	}
	if info.Class == Operator && info.Build == nil {
		t.Error("an operator needs a constructor")
	}
	if info.Class == Function && info.Build == nil && !info.Elementwise {
		t.Error("a function that is not element-wise needs a constructor")
	}
	if info.Elementwise {
		if info.Eval == nil || info.Loop == nil || info.Partial == nil {
			t.Error("an element-wise operation needs Eval, Loop and Partial")
		}
		if info.Arity == 1 && info.Eval1 == nil || info.Arity != 1 && info.Eval2 == nil {
			t.Error("an element-wise operation needs Eval1 (one operand) or Eval2")
		}
		return
	}
	if info.Reduce != nil && info.Arity != 1 {
		t.Error("a reduction has one operand")
	}
	// An operation on vectors and matrices.
	if info.Tensor == nil {
		t.Error("no tensor kernel")
	}
	if info.Combine == nil {
		t.Error("no differential rule (Combine)")
	}
	if info.Adjoint == nil {
		t.Error("no reverse-mode rule (Adjoint)")
	}
}

// checkDeclared checks the entry of functions declared by name: built
// from a node that carries the name, differentiated by the chain rule,
// and without a value, so without numeric kernels.
func checkDeclared(t *testing.T, info *OpInfo) {
	if info.Shape == nil || info.Check == nil {
		t.Error("a declared function needs a shape rule and a Check of its operands")
	}
	if info.Rebuild == nil || info.Build != nil {
		t.Error("a declared function is rebuilt from its node (Rebuild), not from its operands (Build)")
	}
	if info.Partial == nil {
		t.Error("a declared function needs its partial derivatives")
	}
	if info.NoValue == nil {
		t.Error("a declared function needs NoValue: the evaluators refuse it")
	}
	if info.Eval != nil || info.Loop != nil || info.Tensor != nil || info.Complex != nil || info.Elementwise {
		t.Error("a declared function has no value, so no numeric kernels")
	}
	if info.Text.Form != FormApplied || info.LaTeX.Form != FormApplied {
		t.Error("a declared function is spelt by its name (FormApplied)")
	}
}

// TestShapeRules checks that the constructors build nodes of the shape
// the table's rule gives, for every operation and operands it accepts.
func TestShapeRules(t *testing.T) {
	n, m := Dim{N: 3}, Dim{N: 2}
	operands := []*Node{
		NewSym("s", Scalar),
		NewSym("v", NewShape(n)),
		NewSym("A", NewShape(n, n)),
		NewSym("R", NewShape(n, m)),
		Transpose(NewSym("v", NewShape(n))),
		Int64(2), // an exponent, a dimension
	}
	for i := range Ops {
		op, info := Op(i), &Ops[i]
		if info.Class == Leaf || info.Class == Declared || info.Shape == nil || info.Arity < 1 {
			continue // declared functions are built from a name: see TestApply
		}
		arity := info.Arity
		if arity < 0 {
			arity = 2
		}
		for _, args := range tuples(operands, arity) {
			shapes := make([]Shape, len(args))
			for k, a := range args {
				shapes[k] = a.Shape()
			}
			want, need := info.Shape(shapes, Fixed)
			if need != "" || info.Check != nil && info.Check(args) != "" {
				continue
			}
			got := Apply(op, args...)
			if got.Shape() != want && !got.IsZero() {
				t.Errorf("%s%v: built %s, the rule gives %s", info.Name, shapes, got.Shape(), want)
			}
		}
	}
}

// tuples returns every list of k operands drawn from xs.
func tuples(xs []*Node, k int) [][]*Node {
	if k == 0 {
		return [][]*Node{nil}
	}
	var out [][]*Node
	for _, rest := range tuples(xs, k-1) {
		for _, x := range xs {
			out = append(out, append(append([]*Node(nil), rest...), x))
		}
	}
	return out
}

// TestEval checks the scalar kernels of the table at points where their
// values are known exactly, and their domains.
func TestEval(t *testing.T) {
	tests := []struct {
		op     Op
		x      []float64
		want   float64
		domain string
	}{
		{OpAdd, []float64{1, 2, 3}, 6, ""},
		{OpMul, []float64{2, 3, 4}, 24, ""},
		{OpPow, []float64{2, 10}, 1024, ""},
		{OpPow, []float64{4, 0.5}, 2, ""},
		{OpPow, []float64{0, -1}, 0, "division by zero"},
		{OpPow, []float64{-8, 1.0 / 3}, 0, "negative number to a non-integer power"},
		{OpSin, []float64{0}, 0, ""},
		{OpCos, []float64{0}, 1, ""},
		{OpTan, []float64{0}, 0, ""},
		{OpAsin, []float64{1}, math.Pi / 2, ""},
		{OpAsin, []float64{2}, 0, "argument outside [-1, 1]"},
		{OpAcos, []float64{1}, 0, ""},
		{OpAtan, []float64{1}, math.Pi / 4, ""},
		{OpSinh, []float64{0}, 0, ""},
		{OpCosh, []float64{0}, 1, ""},
		{OpTanh, []float64{0}, 0, ""},
		{OpExp, []float64{0}, 1, ""},
		{OpLog, []float64{1}, 0, ""},
		{OpLog, []float64{0}, 0, "log of a non-positive number"},
		{OpAbs, []float64{-2}, 2, ""},
		{OpSigmoid, []float64{0}, 0.5, ""},
		{OpSigmoid, []float64{-800}, 0, ""},
	}
	for _, tt := range tests {
		got, domain := Ops[tt.op].Eval(tt.x)
		if domain != tt.domain {
			t.Errorf("%s%v: domain %q, want %q", Ops[tt.op].Name, tt.x, domain, tt.domain)
			continue
		}
		if domain == "" && got != tt.want {
			t.Errorf("%s%v = %v, want %v", Ops[tt.op].Name, tt.x, got, tt.want)
		}
	}
}

// TestLoop checks that the block kernel of each element-wise operation
// agrees with its scalar kernel entry by entry, NaN or infinite where the
// scalar kernel reports the domain, at points inside and outside it.
func TestLoop(t *testing.T) {
	points := []float64{0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1e-300, 700, -700, math.Pi / 2}
	exps := []float64{2, 3, 0.5, -1, -2, 1.5, 0, 7}
	for op := range Ops {
		info := &Ops[op]
		if !info.Elementwise {
			continue
		}
		arity := info.Arity
		if arity < 0 {
			arity = 2
		}
		// Operand columns: every point, the other operands constant
		// within a block, as the exponents of powers usually are.
		for _, e := range exps {
			cols := make([][]float64, arity)
			for _, x := range points {
				cols[0] = append(cols[0], x)
				for i := 1; i < arity; i++ {
					cols[i] = append(cols[i], e+float64(i-1))
				}
			}
			dst := make([]float64, len(points))
			info.Loop(dst, cols)
			checkScalarOperands(t, info, cols, dst)
			if info.Arity < 0 {
				// A sum or product of one operand left, as when the
				// diagonal terms of a sum are added apart.
				one := make([]float64, len(points))
				info.Loop(one, cols[:1])
				checkScalarOperands(t, info, cols[:1], one)
				if !slices.Equal(one, cols[0]) {
					t.Errorf("%s of one operand gives %v, want %v", info.Name, one, cols[0])
				}
			}
			if arity > 1 {
				// The constant operand first, as in 2^x or c + x.
				swapped := append([][]float64{cols[1], cols[0]}, cols[2:]...)
				want := make([]float64, len(points))
				info.Loop(want, swapped)
				checkScalarOperands(t, info, swapped, want)
			}
			for k, got := range dst {
				x := make([]float64, arity)
				for i := range x {
					x[i] = cols[i][k]
				}
				want, domain := info.Eval(x)
				if len(x) <= 2 {
					// The scalar fast path agrees with Loop, entry for entry.
					var fast float64
					if len(x) == 1 {
						fast = info.Eval1(x[0])
					} else {
						fast = info.Eval2(x[0], x[1])
					}
					if fast != got && !(math.IsNaN(fast) && (math.IsNaN(got) || math.IsInf(got, 0))) {
						t.Errorf("%s%v: Eval1/Eval2 give %v, Loop %v", info.Name, x, fast, got)
					}
				}
				switch {
				case domain != "":
					if !math.IsNaN(got) && !math.IsInf(got, 0) {
						t.Errorf("%s%v: Loop gives %v, Eval reports %q", info.Name, x, got, domain)
					}
				case got != want && !(math.IsNaN(got) && math.IsNaN(want)):
					if math.Abs(got-want) > 1e-15*math.Abs(want) {
						t.Errorf("%s%v: Loop gives %v, Eval %v", info.Name, x, got, want)
					}
				}
			}
		}
	}
}

// checkScalarOperands checks that Loop gives the entries want of the
// operands cols when the operands constant over the block come as
// scalars, one entry long, and when every operand does (one entry out).
func checkScalarOperands(t *testing.T, info *OpInfo, cols [][]float64, want []float64) {
	t.Helper()
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	short := make([][]float64, len(cols))
	for i, c := range cols {
		short[i] = c
		if !slices.ContainsFunc(c, func(v float64) bool { return !same(v, c[0]) }) {
			short[i] = c[:1]
		}
	}
	dst := make([]float64, len(want))
	info.Loop(dst, short)
	for k := range dst {
		if !same(dst[k], want[k]) {
			t.Errorf("%s: entry %d is %v with scalar operands, %v with blocks", info.Name, k, dst[k], want[k])
		}
	}
	for k := range want {
		one := make([][]float64, len(cols))
		for i, c := range cols {
			one[i] = c[k : k+1]
		}
		got := []float64{0}
		info.Loop(got, one)
		if !same(got[0], want[k]) {
			t.Errorf("%s: entry %d alone is %v, %v in a block", info.Name, k, got[0], want[k])
		}
	}
}

// TestFold checks exact folding of functions at exact special points.
func TestFold(t *testing.T) {
	tests := []struct {
		op   Op
		x    Num
		want string
	}{
		{OpSin, Int(0), "0"},
		{OpCos, Int(0), "1"},
		{OpAcos, Int(1), "0"},
		{OpLog, Int(1), "0"},
		{OpExp, Int(0), "1"},
		{OpAbs, Rat(-2, 3), "2/3"},
		{OpSigmoid, Int(0), "1/2"},
	}
	for _, tt := range tests {
		got := Call(tt.op, NewConst(tt.x))
		if !got.IsConst() || got.num.String() != tt.want {
			t.Errorf("%s(%s) folds to %v, want %s", Ops[tt.op].Name, tt.x, got.num, tt.want)
		}
	}
	if got := Call(OpSin, Int64(1)); got.IsConst() {
		t.Errorf("sin(1) folded to %v; it has no exact value", got.num)
	}
}

// TestStrict checks the operations marked strict: a NaN or an infinity
// among the operands gives a NaN or an infinity, so that a program may
// check values after a chain of them.
func TestStrict(t *testing.T) {
	x := NewSym("x", Scalar)
	bad := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
	others := []float64{0, 1, -1, 2, -0.5, math.Inf(1), math.Inf(-1)}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for op := range Ops {
		info := &Ops[op]
		if info.Strict == nil {
			continue
		}
		switch {
		case info.Reduce != nil:
			for _, b := range bad {
				for _, o := range others {
					if v := info.Reduce([]float64{o, b, o}); finite(v) {
						t.Errorf("%s of %v, %v, %v = %v, but %s is marked strict", info.Name, o, b, o, v, info.Name)
					}
				}
			}
		case info.Arity == 1:
			if !info.Strict(Call(Op(op), x)) {
				continue
			}
			for _, b := range bad {
				if v := info.Eval1(b); finite(v) {
					t.Errorf("%s(%v) = %v, but %s is marked strict", info.Name, b, v, info.Name)
				}
			}
		case Op(op) == OpPow:
			for _, e := range []float64{2, 3, 0.5, 1.5, 1} {
				n := Pow(x, NewConst(Float(e)))
				if n.Op() == OpPow && !info.Strict(n) { // x^1.0 is x
					t.Errorf("x^%v is not strict", e)
				}
				for _, b := range bad {
					dst := []float64{0}
					info.Loop(dst, [][]float64{{b}, {e}})
					if finite(dst[0]) {
						t.Errorf("%v^%v = %v, but powers to positive constants are marked strict", b, e, dst[0])
					}
				}
			}
			if info.Strict(Pow(x, Int64(-1))) {
				t.Error("x^-1 is marked strict, but 1/Inf is 0")
			}
		default:
			for _, b := range bad {
				for _, o := range others {
					for _, args := range [][2]float64{{b, o}, {o, b}} {
						if v := info.Eval2(args[0], args[1]); finite(v) {
							t.Errorf("%s%v = %v, but %s is marked strict", info.Name, args, v, info.Name)
						}
					}
				}
			}
		}
	}
}
