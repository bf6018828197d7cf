package fd

import (
	"fmt"
	"math"
	"strings"
	"testing"

	gfd "gonum.org/v1/gonum/diff/fd"
)

// TestCompareGonum compares the accuracy of this package with that of
// gonum.org/v1/gonum/diff/fd on the seed functions, and logs the table of
// relative errors.
//
// Every scheme here is at least as accurate as gonum's default (forward
// differences) on every function, and Richardson and the complex step
// are at least as accurate as gonum's central differences on every
// function. The default here, two-point central differences, is gonum's
// Central formula with a step scaled to the point and rounded to a power
// of two; at these well-scaled points the two steps are close and which
// one wins on a given function is down to rounding, so for it the test
// compares the worst error over the functions.
func TestCompareGonum(t *testing.T) {
	const slack = 1 + 1e-12
	methods := []string{"gonum forward", "gonum central", "ours central", "ours richardson", "ours complex"}
	worst := make([]float64, len(methods))
	var table strings.Builder
	fmt.Fprintf(&table, "relative error of f'(x)\n%-14s %6s", "function", "x")
	for _, m := range methods {
		fmt.Fprintf(&table, " %16s", m)
	}
	table.WriteByte('\n')
	for _, sd := range seeds {
		want := sd.d1(sd.x)
		central, err1 := Derivative(sd.f, sd.x, nil)
		rich, err2 := Derivative(sd.f, sd.x, &Settings{Scheme: Richardson})
		cplx, err3 := DerivativeComplex(sd.fc, sd.x, nil)
		if err := cmpErr(err1, cmpErr(err2, err3)); err != nil {
			t.Fatalf("%s: %v", sd.name, err)
		}
		errs := []float64{
			relErr(gfd.Derivative(sd.f, sd.x, nil), want),
			relErr(gfd.Derivative(sd.f, sd.x, &gfd.Settings{Formula: gfd.Central}), want),
			relErr(central.Value, want),
			relErr(rich.Value, want),
			relErr(cplx.Value, want),
		}
		fmt.Fprintf(&table, "%-14s %6g", sd.name, sd.x)
		for k, e := range errs {
			fmt.Fprintf(&table, " %16.2e", e)
			worst[k] = math.Max(worst[k], e)
		}
		table.WriteByte('\n')
		for k := 2; k < len(errs); k++ {
			if errs[k] > errs[0]*slack {
				t.Errorf("%s: %s is less accurate than gonum's default: %.3g > %.3g", sd.name, methods[k], errs[k], errs[0])
			}
		}
		for k := 3; k < len(errs); k++ {
			if errs[k] > errs[1]*slack {
				t.Errorf("%s: %s is less accurate than gonum's central: %.3g > %.3g", sd.name, methods[k], errs[k], errs[1])
			}
		}
	}
	fmt.Fprintf(&table, "%-21s", "worst")
	for _, w := range worst {
		fmt.Fprintf(&table, " %16.2e", w)
	}
	t.Log(table.String())
	for k := 2; k < len(worst); k++ {
		if worst[k] > worst[1]*slack {
			t.Errorf("worst error of %s %.3g exceeds gonum central's %.3g", methods[k], worst[k], worst[1])
		}
	}
}
