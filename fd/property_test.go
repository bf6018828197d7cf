package fd

import (
	"fmt"
	"math"
	"testing"

	"pgregory.net/rapid"
)

// A jet holds a value with its first and second derivatives.
type jet struct{ v, d, dd float64 }

func (a jet) add(b jet) jet { return jet{a.v + b.v, a.d + b.d, a.dd + b.dd} }
func (a jet) mul(b jet) jet {
	return jet{a.v * b.v, a.d*b.v + a.v*b.d, a.dd*b.v + 2*a.d*b.d + a.v*b.dd}
}
func (a jet) scale(c float64) jet { return jet{c * a.v, c * a.d, c * a.dd} }

// compose applies g, with g(u) = (g0, g1, g2) its value and derivatives, to a.
func (a jet) compose(g0, g1, g2 float64) jet {
	return jet{g0, g1 * a.d, g2*a.d*a.d + g1*a.dd}
}

// A smooth is a random smooth function, evaluated with its derivatives.
type smooth struct {
	eval func(x float64) jet
	name string
}

func genSmooth(depth int) *rapid.Generator[smooth] {
	return rapid.Custom(func(t *rapid.T) smooth {
		// Coefficients in [-2, 2] on a grid of 0.001, so that none is
		// vanishingly small next to the others.
		coef := func(label string) float64 { return float64(rapid.IntRange(-2000, 2000).Draw(t, label)) / 1000 }
		kind := 0
		if depth > 0 {
			kind = rapid.IntRange(0, 5).Draw(t, "kind")
		}
		if kind == 0 {
			a, b := coef("a"), coef("b")
			return smooth{
				eval: func(x float64) jet { return jet{a*x + b, a, 0} },
				name: fmt.Sprintf("(%.3g·x%+.3g)", a, b),
			}
		}
		g := genSmooth(depth-1).Draw(t, "g")
		switch kind {
		case 1:
			a, b := coef("a"), coef("b")
			return smooth{
				eval: func(x float64) jet {
					u := g.eval(x).scale(a).add(jet{b, 0, 0})
					s, c := math.Sincos(u.v)
					return u.compose(s, c, -s)
				},
				name: fmt.Sprintf("sin(%.3g·%s%+.3g)", a, g.name, b),
			}
		case 2:
			a := coef("a") / 2
			return smooth{
				eval: func(x float64) jet {
					u := g.eval(x).scale(a)
					e := math.Exp(u.v)
					return u.compose(e, e, e)
				},
				name: fmt.Sprintf("exp(%.3g·%s)", a, g.name),
			}
		case 3:
			c := [4]float64{coef("c0"), coef("c1"), coef("c2"), coef("c3")}
			return smooth{
				eval: func(x float64) jet {
					u := g.eval(x)
					// Horner: ((c3 u + c2) u + c1) u + c0
					p := jet{c[3], 0, 0}
					for k := 2; k >= 0; k-- {
						p = p.mul(u).add(jet{c[k], 0, 0})
					}
					return p
				},
				name: fmt.Sprintf("poly[%.3g %.3g %.3g %.3g](%s)", c[0], c[1], c[2], c[3], g.name),
			}
		default:
			h := genSmooth(depth-1).Draw(t, "h")
			if kind == 4 {
				return smooth{
					eval: func(x float64) jet { return g.eval(x).add(h.eval(x)) },
					name: g.name + "+" + h.name,
				}
			}
			return smooth{
				eval: func(x float64) jet { return g.eval(x).mul(h.eval(x)) },
				name: g.name + "·" + h.name,
			}
		}
	})
}

// TestErrBoundsProperty checks on random smooth functions at random points
// that Err bounds the actual error |Value - exact| in at least 95% of the
// cases, for central differences and for Richardson extrapolation (the
// other schemes are reported).
func TestErrBoundsProperty(t *testing.T) {
	type method struct {
		name   string
		second bool
		s      *Settings
		need   float64 // required fraction, or 0 to only report it
	}
	methods := []method{
		{name: "central", s: nil, need: 0.95},
		{name: "richardson", s: &Settings{Scheme: Richardson}, need: 0.95},
		{name: "central-4", s: &Settings{Points: 4}},
		{name: "central-8", s: &Settings{Points: 8}},
		{name: "forward", s: &Settings{Scheme: Forward}},
		{name: "backward-3", s: &Settings{Scheme: Backward, Points: 3}},
		{name: "forward-8", s: &Settings{Scheme: Forward, Points: 8}},
		{name: "forward-5", s: &Settings{Scheme: Forward, Points: 5}},
		{name: "central-6", s: &Settings{Points: 6}},
		{name: "second central", second: true, s: nil, need: 0.95},
		{name: "second richardson", second: true, s: &Settings{Scheme: Richardson}, need: 0.95},
	}
	bounded := make([]int, len(methods))
	worst := make([]string, len(methods))
	worstRatio := make([]float64, len(methods))
	total := 0
	fn := genSmooth(3)
	const perRun = 10
	rapid.Check(t, func(rt *rapid.T) {
		for range perRun {
			g := fn.Draw(rt, "f")
			x := float64(rapid.IntRange(-2_000_000, 2_000_000).Draw(rt, "x")) / 1_000_000
			j := g.eval(x)
			if !finite(j.v) || math.Abs(j.v) > 1e8 || math.Abs(j.d) > 1e8 || math.Abs(j.dd) > 1e8 {
				continue
			}
			f := func(x float64) float64 { return g.eval(x).v }
			counted := true
			var ests [16]Estimate
			for k, m := range methods {
				var err error
				if m.second {
					ests[k], err = SecondDerivative(f, x, m.s)
				} else {
					ests[k], err = Derivative(f, x, m.s)
				}
				if err != nil { // f overflowed at a stencil point
					counted = false
				}
			}
			if !counted {
				continue
			}
			total++
			for k, m := range methods {
				want := j.d
				if m.second {
					want = j.dd
				}
				actual := math.Abs(ests[k].Value - want)
				if actual <= ests[k].Err {
					bounded[k]++
				} else if r := actual / ests[k].Err; r > worstRatio[k] {
					worstRatio[k] = r
					worst[k] = fmt.Sprintf("%s at x=%v: got %v ± %v, want %v", g.name, x, ests[k].Value, ests[k].Err, want)
				}
			}
		}
	})
	if total < 200 {
		t.Fatalf("only %d usable draws", total)
	}
	for k, m := range methods {
		frac := float64(bounded[k]) / float64(total)
		t.Logf("%-18s Err ≥ actual error in %d/%d = %.1f%%; worst actual/Err = %.3g", m.name, bounded[k], total, 100*frac, worstRatio[k])
		if worstRatio[k] > 0 {
			t.Logf("    worst: %s", worst[k])
		}
		if frac < m.need {
			t.Errorf("%s: Err bounds the error in only %.1f%% of %d cases, want at least %.0f%%", m.name, 100*frac, total, 100*m.need)
		}
	}
}
