package nabla

import (
	"context"
	"maps"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// mixedOpts declares the variables of the mixed-shape property tests: the
// vectors a and x, the matrices A and B, the symmetric matrix W; s is a
// scalar.
var mixedOpts = &ParseOptions{Vectors: []string{"a", "x"}, Matrices: []string{"A", "B"}, Symmetric: []string{"W"}}

// genMixed draws the text of a random scalar expression in variables of
// every shape: the scalar s, the vectors a and x, the matrices A and B
// and the symmetric matrix W.
func genMixed(depth int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		u := genScalar(depth).Draw(t, "u")
		w := rapid.SampledFrom([]string{
			"x' W x", "tr(W A)", "a' W x", "logdet(5I + W W)", "sum(W .* W) s", "tr(W)^2", "||W x||^2",
		}).Draw(t, "w")
		switch rapid.IntRange(0, 6).Draw(t, "mix") {
		case 0:
			return "s (" + u + ")"
		case 1:
			return "sin(s) + (" + u + ") exp(s/3)"
		case 2:
			return "(" + u + ") + " + w
		case 3:
			return "s^2 (" + w + ")"
		case 4:
			return "(" + u + ") (" + w + ")/(1 + s^2)"
		case 5:
			return w
		}
		return "(" + u + ") + s x' a"
	})
}

// genMixedVector draws a random vector expression in variables of every
// shape.
func genMixedVector(depth int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		u := genVector(depth).Draw(t, "u")
		switch rapid.IntRange(0, 3).Draw(t, "mix") {
		case 0:
			return "s (" + u + ")"
		case 1:
			return "sin(s) (" + u + ") + W x"
		case 2:
			return "(" + u + ") .* exp(s x)"
		}
		return "(" + genScalar(depth).Draw(t, "c") + ") (" + u + ") + s^2 a"
	})
}

// partValue returns the value, at env, of the part of d with respect to
// its i-th variable: its block, the whole derivative, or entry i of a row
// over scalars.
func partValue(t *rapid.T, d *Derivative, i int, env map[string]Tensor) Tensor {
	var v Tensor
	var err error
	switch {
	case d.Blocks != nil:
		v, err = d.Blocks[i].Value(env)
	case len(d.Wrt) == 1:
		v, err = d.Expr.Value(env)
	default:
		v, err = d.Expr.Value(env)
		if err == nil {
			v = Tensor{Data: []float64{v.Data[i]}}
		}
	}
	if err != nil {
		derivativeFails(t, d.Of, env, "the part for "+d.Wrt[i]+" of the "+d.Kind.String()+" of "+d.Of.String(), err)
	}
	return v
}

// symmetricDifference is the central difference of f along the
// symmetric direction (E_pq + E_qp)/2 of the symmetric matrix wrt, which
// keeps it symmetric: entry (p, q) of the gradient among symmetric
// matrices.
func symmetricDifference(t *rapid.T, f Expr, env map[string]Tensor, wrt string, p, q int, h float64) float64 {
	n := env[wrt].Shape[0]
	return differenceAlong(t, f, env, wrt, func(data []float64, delta float64) {
		data[p*n+q] += delta / 2
		data[q*n+p] += delta / 2
	}, h)[0]
}

// smooth reports whether the scalar f changes at the same rate on both
// sides of the point in entry k of wrt: not at a kink or a jump, where
// central differences mean nothing.
func smooth(t *rapid.T, f Expr, env map[string]Tensor, wrt string, k int) bool {
	const h = 1e-5
	at := func(delta float64) []float64 {
		e := maps.Clone(env)
		x := env[wrt]
		data := slices.Clone(x.Data)
		data[k] += delta
		e[wrt] = Tensor{Shape: x.Shape, Data: data}
		v, err := f.Value(e)
		if err != nil {
			t.Skip(err.Error())
		}
		return v.Data
	}
	f0, plus, minus := at(0), at(h), at(-h)
	plus4, minus4 := at(h/4), at(-h/4)
	for i := range f0 {
		forward, backward := (plus[i]-f0[i])/h, (f0[i]-minus[i])/h
		central, central4 := (plus[i]-minus[i])/(2*h), (plus4[i]-minus4[i])/(h/2)
		if math.Abs(forward-backward) > 1e-3*(1+math.Abs(forward)) ||
			math.Abs(central-central4) > 1e-3*(1+math.Abs(central)) { // a jump grows as the step shrinks
			return false
		}
	}
	return true
}

// gradientSmooth reports whether the flat gradient g, with the values gp
// and gm on either side of the point, changes at the same rate on both
// sides.
func gradientSmooth(t *rapid.T, g *Derivative, env map[string]Tensor, gp, gm Tensor) bool {
	g0, err := g.Value(env)
	if err != nil {
		t.Skip(err.Error())
	}
	for i := range g0.Data {
		forward, backward := gp.Data[i]-g0.Data[i], g0.Data[i]-gm.Data[i]
		if math.Abs(forward-backward) > 1e-3*(1e-5+math.Abs(forward)) {
			return false
		}
	}
	return true
}

// checkGradientPart checks the part got of the gradient of f with respect
// to wrt against central differences, entry by entry.
func checkGradientPart(t *rapid.T, f Expr, env map[string]Tensor, wrt string, got Tensor) {
	x := env[wrt]
	if len(got.Data) != len(x.Data) {
		t.Fatalf("the gradient of %s with respect to %s has %d entries, its variable %d", f, wrt, len(got.Data), len(x.Data))
	}
	symmetric := findVar(f.n, wrt) != nil && findVar(f.n, wrt).IsSymmetric()
	for k := range x.Data {
		var want float64
		if symmetric {
			n := x.Shape[0]
			want = symmetricDifference(t, f, env, wrt, k/n, k%n, 1e-6)
		} else {
			want = centralDifference(t, f, env, wrt, k, 1e-6)[0]
			if !smooth(t, f, env, wrt, k) {
				t.Skip("f is not differentiable here (a tie of max, a kink)")
			}
		}
		if g := got.Data[k]; math.Abs(g-want) > 1e-4*(1+math.Abs(want)) {
			t.Fatalf("∂f/∂%s of %s: entry %d is %v, finite differences give %v", wrt, f, k, g, want)
		}
	}
}

// drawWrt draws one to three distinct variables of f.
func drawWrt(t *rapid.T, f Expr) []string {
	vars := f.Vars()
	if len(vars) == 0 {
		t.Skip("no variables")
	}
	k := rapid.IntRange(1, min(3, len(vars))).Draw(t, "how many")
	perm := rapid.Permutation(vars).Draw(t, "order")
	return perm[:k]
}

// drawWithXS draws the text of an expression from gen, parses it with
// mixedOpts and draws values of its variables; it skips an expression
// that has lost x or s, the variables the Jacobian and Hessian tests
// differentiate by.
func drawWithXS(rt *rapid.T, gen *rapid.Generator[string]) (string, Expr, map[string]Tensor) {
	src := gen.Draw(rt, "f")
	f, err := ParseWith(src, mixedOpts)
	if err != nil {
		rt.Fatalf("%s: %v", src, err)
	}
	env := randomValues(rt, f)
	for _, w := range []string{"x", "s"} {
		if _, ok := env[w]; !ok {
			rt.Skip("the expression lost " + w)
		}
	}
	return src, f, env
}

// TestRandomMixedGradients checks gradients with respect to several
// variables of different shapes, a symmetric matrix among them, block by
// block against central differences (along symmetric directions for the
// symmetric matrix).
func TestRandomMixedGradients(t *testing.T) {
	checked := 0
	defer func() { t.Logf("%d cases checked against finite differences", checked) }()
	rapid.Check(t, func(rt *rapid.T) {
		src := genMixed(1).Draw(rt, "f")
		f, err := ParseWith(src, mixedOpts)
		if err != nil {
			rt.Fatalf("%s: %v", src, err)
		}
		wrt := drawWrt(rt, f)
		d, err := Derive(context.Background(), f, wrt, &DeriveOptions{Kind: KindGradient})
		if err != nil {
			rt.Skipf("%s: %v", src, err) // a form with no matrix rule here
		}
		env := randomValues(rt, f)
		if v, err := f.Value(env); err != nil || math.Abs(v.Data[0]) > 1e6 {
			rt.Skip("outside the domain")
		}
		for i, w := range wrt {
			checkGradientPart(rt, f, env, w, partValue(rt, d, i, env))
		}
		checked++
	})
}

// TestRandomMixedJacobians checks Jacobians of vectors with respect to a
// vector and a scalar, laid out flat, against central differences.
func TestRandomMixedJacobians(t *testing.T) {
	checked := 0
	defer func() { t.Logf("%d cases checked against finite differences", checked) }()
	rapid.Check(t, func(rt *rapid.T) {
		src, f, env := drawWithXS(rt, genMixedVector(1))
		wrt := []string{"x", "s"}
		d, err := Derive(context.Background(), f, wrt, &DeriveOptions{Kind: KindJacobian})
		if err != nil {
			rt.Skipf("%s: %v", src, err)
		}
		fv, err := f.Value(env)
		if err != nil {
			rt.Skip("outside the domain")
		}
		// Central differences lose about eps |f| / h to rounding.
		rounding := 0.0
		for _, v := range fv.Data {
			rounding = max(rounding, 1e-9*math.Abs(v))
		}
		got, err := d.Value(env)
		if err != nil {
			derivativeFails(rt, f, env, "the Jacobian of "+src, err)
		}
		col := 0
		for _, w := range wrt {
			for k := range env[w].Data {
				want := centralDifference(rt, f, env, w, k, 1e-6)
				if !smooth(rt, f, env, w, k) {
					rt.Skip("f is not differentiable here (a tie of max, a kink)")
				}
				n := got.Shape[1]
				for i, wi := range want {
					if g := got.Data[i*n+col]; math.Abs(g-wi) > 1e-4*(1+math.Abs(wi))+rounding {
						rt.Fatalf("the Jacobian of %s: entry (%d, %d) is %v, finite differences give %v", src, i, col, g, wi)
					}
				}
				col++
			}
		}
		checked++
	})
}

// TestRandomMixedHessians checks Hessians with respect to a vector and a
// scalar, laid out flat as one symmetric matrix, against central
// differences of the flat gradient.
func TestRandomMixedHessians(t *testing.T) {
	checked := 0
	defer func() { t.Logf("%d cases checked against finite differences", checked) }()
	rapid.Check(t, func(rt *rapid.T) {
		src, f, env := drawWithXS(rt, genMixed(0))
		wrt := []string{"x", "s"}
		g, err := Derive(context.Background(), f, wrt, &DeriveOptions{Kind: KindGradient})
		if err != nil {
			rt.Skipf("%s: %v", src, err)
		}
		h, err := Derive(context.Background(), f, wrt, &DeriveOptions{Kind: KindHessian})
		if err != nil {
			rt.Skipf("%s: %v", src, err) // a form with no matrix rule here
		}
		if _, err := g.Value(env); err != nil {
			rt.Skip("outside the domain of the gradient")
		}
		got, err := h.Value(env)
		if err != nil {
			derivativeFails(rt, f, env, "the Hessian of "+src, err)
		}
		n := got.Shape[0]
		col := 0
		for _, w := range wrt {
			for k := range env[w].Data {
				plus, minus := maps.Clone(env), maps.Clone(env)
				x := env[w]
				dp, dm := slices.Clone(x.Data), slices.Clone(x.Data)
				const step = 1e-5
				dp[k] += step
				dm[k] -= step
				plus[w] = Tensor{Shape: x.Shape, Data: dp}
				minus[w] = Tensor{Shape: x.Shape, Data: dm}
				gp, err1 := g.Value(plus)
				gm, err2 := g.Value(minus)
				if err1 != nil || err2 != nil {
					rt.Skip("the gradient is undefined near the point")
				}
				if !smooth(rt, f, env, w, k) || !gradientSmooth(rt, g, env, gp, gm) {
					rt.Skip("f is not twice differentiable here (a tie of max, a kink)")
				}
				for i := range gp.Data {
					want := (gp.Data[i] - gm.Data[i]) / (2 * step)
					if got := got.Data[i*n+col]; math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
						rt.Fatalf("the Hessian of %s: entry (%d, %d) is %v, finite differences of the gradient give %v", src, i, col, got, want)
					}
				}
				col++
			}
		}
		checked++
	})
}
