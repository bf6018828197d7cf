package nabla

import (
	"fmt"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/nabla-math/nabla/internal/expr"
)

// The shapes of the generated expressions' values, for the table's shape
// rules.
var (
	vector = expr.NewShape(expr.Dim{N: 3})
	matrix = expr.NewShape(expr.Dim{N: 3}, expr.Dim{N: 3})
)

// spelled is an operation of the table and its spelling applied to the
// text of an operand.
type spelled struct {
	op    expr.Op
	spell func(u string) string
}

// tableOps lists the operations of the table that take one operand of
// shape in and give the shape out, spelt as the text printer spells
// them, and the operations of such an operand and a whole number that
// their Check accepts, the matrix powers X^k and softmax(Z, d).
func tableOps(in, out expr.Shape) []spelled {
	var ops []spelled
	for i := range expr.Ops {
		op, info := expr.Op(i), &expr.Ops[i]
		if info.Shape == nil || info.Class == expr.Leaf {
			continue
		}
		switch {
		case info.Arity == 1:
			if s, need := info.Shape([]expr.Shape{in}, expr.Fixed); need != "" || s != out {
				continue
			}
			sp := info.Text
			switch sp.Form {
			case expr.FormCall:
				ops = append(ops, spelled{op, func(u string) string { return sp.Word + "(" + u + ")" }})
			case expr.FormPostfix:
				ops = append(ops, spelled{op, func(u string) string { return "(" + u + ")" + sp.Word }})
			case expr.FormWrap:
				ops = append(ops, spelled{op, func(u string) string { return sp.Word + u + sp.Close }})
			}
		case info.Arity == 2 && info.Check != nil:
			if s, need := info.Shape([]expr.Shape{in, expr.Scalar}, expr.Fixed); need != "" || s != out {
				continue
			}
			for _, k := range []int64{-2, -1, 0, 1, 2, 3} {
				if info.Check([]*expr.Node{expr.NewSym("u", in), expr.Int64(k)}) != "" {
					continue
				}
				sp, k := info.Text, fmt.Sprint(k)
				switch sp.Form {
				case expr.FormCall:
					ops = append(ops, spelled{op, func(u string) string { return sp.Word + "(" + u + ", " + k + ")" }})
				case expr.FormPower:
					ops = append(ops, spelled{op, func(u string) string { return "(" + u + ")^" + k }})
				}
			}
		}
	}
	return ops
}

// tableOp applies to the text u, of shape in, one of the operations of
// tableOps: every such operation of the table is drawn, the day it is
// added.
func tableOp(t *rapid.T, in, out expr.Shape, u string) string {
	return rapid.SampledFrom(tableOps(in, out)).Draw(t, "op").spell(u)
}

// tableOp2 applies to the texts u and v, of one shape, an element-wise
// operation of the table that takes two operands, spelt as a call: every
// such function (max, huber, atan2, …) is drawn, the day it is added.
func tableOp2(t *rapid.T, u, v string) string {
	var words []string
	for i := range expr.Ops {
		info := &expr.Ops[i]
		if info.Class == expr.Function && info.Elementwise && info.Arity == 2 && info.Text.Form == expr.FormCall {
			words = append(words, info.Text.Word)
		}
	}
	return rapid.SampledFrom(words).Draw(t, "op2") + "(" + u + ", " + v + ")"
}

// genVector draws the text of a random vector-valued expression in the
// vectors a, x and the square matrices A, B, built so that its shapes fit.
func genVector(depth int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		leaves := []string{"x", "a", "A x", "B' x", "x .* a"}
		if depth <= 0 {
			return rapid.SampledFrom(leaves).Draw(t, "leaf")
		}
		u := genVector(depth-1).Draw(t, "u")
		switch rapid.IntRange(0, 15).Draw(t, "op") {
		case 0:
			return rapid.SampledFrom(leaves).Draw(t, "leaf")
		case 1:
			return "A (" + u + ")"
		case 2:
			return "(" + u + ") + (" + genVector(depth-1).Draw(t, "v") + ")"
		case 3:
			return "(" + u + ") .* (" + genVector(depth-1).Draw(t, "v") + ")"
		case 4:
			return "sin(" + u + ")"
		case 5:
			return tableOp(t, vector, vector, u)
		case 6:
			return "(" + genScalar(depth-1).Draw(t, "s") + ") (" + u + ")"
		case 7:
			return "diag(" + u + ") (" + genVector(depth-1).Draw(t, "v") + ")"
		case 8:
			return "inv(3I + A' A) (" + u + ")"
		case 9:
			return "(" + u + ") ./ (2 + (" + genVector(depth-1).Draw(t, "v") + ").^2)"
		case 10:
			return "(x (" + u + ")') a"
		case 11:
			return "A' (" + u + ")"
		case 12:
			return "inv(A + 3I) (" + u + ")"
		case 13:
			return "(" + genMatrix(depth-1).Draw(t, "m") + ") (" + u + ")"
		case 14:
			return tableOp2(t, u, genVector(depth-1).Draw(t, "v"))
		default:
			return "diag(A (" + u + ") x')"
		}
	})
}

// genMatrix draws the text of a random square-matrix expression.
func genMatrix(depth int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		leaves := []string{"A", "B", "A'", "I", "x a'"}
		if depth <= 0 {
			return rapid.SampledFrom(leaves).Draw(t, "leaf")
		}
		m := genMatrix(depth-1).Draw(t, "m")
		switch rapid.IntRange(0, 7).Draw(t, "op") {
		case 0:
			return rapid.SampledFrom(leaves).Draw(t, "leaf")
		case 1:
			return "(" + m + ") (" + genMatrix(depth-1).Draw(t, "n") + ")"
		case 2:
			return "(" + m + ") + (" + genMatrix(depth-1).Draw(t, "n") + ")"
		case 3:
			return "(" + m + ") .* (" + genMatrix(depth-1).Draw(t, "n") + ")"
		case 4:
			return "sin(" + m + ")"
		case 5:
			return tableOp(t, matrix, matrix, m)
		case 6:
			return "inv(5I + (" + m + ") (" + m + ")')"
		default:
			return "diag(" + genVector(depth-1).Draw(t, "u") + ")"
		}
	})
}

// genScalar draws the text of a random scalar expression of the same
// variables.
func genScalar(depth int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		u := genVector(depth).Draw(t, "u")
		switch rapid.IntRange(0, 12).Draw(t, "reduce") {
		case 11:
			return tableOp(t, vector, expr.Scalar, u)
		case 12:
			return tableOp(t, matrix, expr.Scalar, genMatrix(depth).Draw(t, "m"))
		case 0:
			return "a' (" + u + ")"
		case 1:
			return "sum(" + u + ")"
		case 2:
			return "||" + u + "||^2"
		case 3:
			return "log(1 + exp(x' (" + u + ")))"
		case 4:
			return "tr(A (" + u + ") x')"
		case 5:
			return "logdet(3I + A' A) (" + u + ")' x"
		case 6:
			return "det(A + 3I) sum(" + u + ")"
		case 7:
			return "||" + u + "||"
		case 8:
			return "tr(" + genMatrix(depth).Draw(t, "m") + ")"
		case 9:
			return "sum(" + genMatrix(depth).Draw(t, "m") + ") + a' (" + u + ")"
		default:
			return "(" + u + ")' B (" + u + ")"
		}
	})
}

// TestRandomMatrixGradients checks the matrix-form derivatives of random
// scalar expressions against central differences, with respect to the
// vector x (a row) and the matrix A (A's shape).
func TestRandomMatrixGradients(t *testing.T) {
	opts := &ParseOptions{Vectors: []string{"a", "x"}, Matrices: []string{"A", "B"}}
	rapid.Check(t, func(rt *rapid.T) {
		src := genScalar(2).Draw(rt, "f")
		wrt := rapid.SampledFrom([]string{"x", "A"}).Draw(rt, "wrt")
		f, err := ParseWith(src, opts)
		if err != nil {
			rt.Fatalf("%s: %v", src, err)
		}
		d, err := f.Diff(wrt)
		if err != nil {
			rt.Skipf("%s: %v", src, err) // a form with no matrix rule here
		}
		env := randomValues(rt, f)
		if _, ok := env[wrt]; !ok {
			rt.Skip("the expression lost the variable")
		}
		if v, err := f.Value(env); err != nil || math.Abs(v.Data[0]) > 1e6 {
			rt.Skip("outside the domain")
		}
		entriesAgree(rt, src, f, d, env, wrt)
	})
}

// entriesAgree checks each entry of the derivative d of f by wrt at env
// against central differences; a point where f is not smooth (a tie of
// max or min, a kink) is skipped.
func entriesAgree(rt *rapid.T, src string, f, d Expr, env map[string]Tensor, wrt string) {
	got, err := d.Value(env)
	if err != nil {
		derivativeFails(rt, f, env, "d/d"+wrt+" "+src+" = "+d.String(), err)
	}
	for k := range env[wrt].Data {
		want := centralDifference(rt, f, env, wrt, k, 1e-6)[0]
		if !smooth(rt, f, env, wrt, k) {
			rt.Skip("f is not differentiable here (a tie of max or min, a kink)")
		}
		if g := got.Data[k]; math.Abs(g-want) > 1e-4*(1+math.Abs(want)) {
			rt.Fatalf("d/d%s %s = %s: entry %d is %v, finite differences give %v", wrt, src, d, k, g, want)
		}
	}
}

// TestRandomJacobians checks the Jacobians in matrix form of random
// vector expressions against central differences.
func TestRandomJacobians(t *testing.T) {
	opts := &ParseOptions{Vectors: []string{"a", "x"}, Matrices: []string{"A", "B"}}
	rapid.Check(t, func(rt *rapid.T) {
		src := genVector(2).Draw(rt, "f")
		f, err := ParseWith(src, opts)
		if err != nil {
			rt.Fatalf("%s: %v", src, err)
		}
		j, err := f.Diff("x")
		if err != nil {
			rt.Skipf("%s: %v", src, err) // a form with no matrix rule here
		}
		env := randomValues(rt, f)
		if _, ok := env["x"]; !ok {
			rt.Skip("the expression lost the variable")
		}
		if _, err := f.Value(env); err != nil {
			rt.Skip("outside the domain")
		}
		agreesWithDifferences(rt, "d/dx "+src, f, j, env, 1e-4)
	})
}

// TestRandomMatrixHessians checks Hessians in matrix form of random
// scalar expressions against central differences of their gradients.
func TestRandomMatrixHessians(t *testing.T) {
	opts := &ParseOptions{Vectors: []string{"a", "x"}, Matrices: []string{"A", "B"}}
	rapid.Check(t, func(rt *rapid.T) {
		src := genScalar(1).Draw(rt, "f")
		f, err := ParseWith(src, opts)
		if err != nil {
			rt.Fatalf("%s: %v", src, err)
		}
		g, err := f.Diff("x")
		if err != nil {
			rt.Skipf("%s: %v", src, err)
		}
		h, err := Hessian(f, "x")
		if err != nil {
			rt.Skipf("%s: %v", src, err) // a form with no matrix rule here
		}
		env := randomValues(rt, f)
		if _, ok := env["x"]; !ok {
			rt.Skip("the expression lost the variable")
		}
		if _, err := g.Value(env); err != nil {
			rt.Skip("outside the domain of the gradient")
		}
		agreesWithDifferences(rt, "the Hessian of "+src, g, h, env, 1e-4)
	})
}
