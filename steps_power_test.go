package nabla

import (
	"errors"
	"testing"
)

// TestStepsConstantBase checks the steps of a constant to a power that
// varies where the rule a^x log(a) does not hold: a negative constant
// has no derivative over the reals, and steps refuse it as Diff does;
// a power constant piece by piece and a power of 0 have the derivative 0,
// which the steps give without log(-2) or log(0).
func TestStepsConstantBase(t *testing.T) {
	refused := []struct{ src, want string }{
		{"(-2)^x", "(-2)^x is real only at whole numbers x: it has no derivative over the reals"},
		{"(-1)^x", "(-1)^x is real only at whole numbers x: it has no derivative over the reals"},
		{"(-e)^x", "(-e)^x is real only at whole numbers x: it has no derivative over the reals"},
		{"x^2 (-2)^(3x)", "(-2)^(3x) is real only where 3x is a whole number: it has no derivative over the reals"},
	}
	for _, tt := range refused {
		t.Run(tt.src, func(t *testing.T) {
			e := MustParse(tt.src)
			for how, err := range map[string]error{
				"DeriveSteps": second2(DeriveSteps(e, nil, "x")),
				"Diff":        second(Diff(e, "x", 1)),
			} {
				var u *UnsupportedError
				if !errors.As(err, &u) || err.Error() != tt.want {
					t.Errorf("%s: error %v (%T), want the UnsupportedError %q", how, err, err, tt.want)
				}
			}
		})
	}
	tests := []struct{ src, want string }{
		{"0^x", `d/dx 0^x

1. constant rule: (c)′ = 0
   0^x = 0 for x > 0, where it has a derivative
   d/dx 0^x = 0

d/dx 0^x = 0
`},
		{"0^(x^2)", `d/dx 0^(x^2)

1. power rule: (x^n)′ = n x^(n-1)
   d/dx x^2 = 2 · x = 2x
2. chain rule: (f(g(x)))′ = f′(g(x)) · g′(x)
   let f(u) = 0^u, g(x) = x^2
   f′(u) = 0 (constant rule), g′(x) = 2x (step 1)
   d/dx 0^(x^2) = 0 · 2x = 0

d/dx 0^(x^2) = 0
`},
		{"(-2)^sign(x)", `d/dx (-2)^sign(x)

1. sign rule: (sign(x))′ = 0
   d/dx sign(x) = 0
2. constant rule: (f(g(x)))′ = 0 where g is constant near x
   let f(u) = (-2)^u, g(x) = sign(x)
   g′(x) = 0 (step 1)
   g is constant near every point where it has a derivative, and so is f(g(x))
   d/dx (-2)^sign(x) = 0

d/dx (-2)^sign(x) = 0
`},
		{"2^x", `d/dx 2^x

1. exponential rule: (a^x)′ = a^x log(a)
   d/dx 2^x = 2^x · log(2) = 2^x log(2)

d/dx 2^x = 2^x log(2)
`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e := MustParse(tt.src)
			d, err := DeriveSteps(e, nil, "x")
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Text(); got != tt.want {
				t.Errorf("%s:\n%s\nwant:\n%s", tt.src, got, tt.want)
			}
			want, err := Diff(e, "x", 1)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Result.Equal(want) {
				t.Errorf("steps give %s, Diff %s", d.Result, want)
			}
		})
	}
}

func second2[T any](_ T, err error) error { return err }

// TestSolveStepsConstantDerivative checks that a derivative that does not
// depend on the variable is said to be so, for f = x as for f = x + 1:
// the check of the derivative against finite differences read the
// value of x after it was set back.
func TestSolveStepsConstantDerivative(t *testing.T) {
	tests := []struct{ src, wrt, want string }{
		{"x", "x", "∂f/∂x = 1 does not depend on x: it is 0 nowhere or everywhere"},
		{"w", "w", "∂f/∂w = 1 does not depend on w: it is 0 nowhere or everywhere"},
		{"x + 1", "x", "∂f/∂x = 1 does not depend on x: it is 0 nowhere or everywhere"},
		{"3x", "x", "∂f/∂x = 3 does not depend on x: it is 0 nowhere or everywhere"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := SolveSteps(MustParse(tt.src), tt.wrt, nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	d, err := SolveSteps(MustParse("(x - 3)^2"), "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Result.String(); got != "3" {
		t.Errorf("solution %s, want 3", got)
	}
}

// TestLimitStepsTooLarge checks the reason a polynomial or rational
// function is refused from first principles: its expansion is too large
// to write out, which the expander shows by leaving a power factored,
// not a numerator that does not divide by h, which never happens.
func TestLimitStepsTooLarge(t *testing.T) {
	const prefix = "not available from first principles, which cover polynomials, rational functions, c sin(x), c cos(x), c exp(x), c log(x) and sums of these: "
	tests := []struct{ src, why string }{
		{"(x+1)^35", "its expansion has too many terms to write out"},
		{"(x+1)^37", "its expansion has too many terms to write out"},
		{"(x+2)^45", "its expansion has too many terms to write out"},
		{"(2x+1)^40", "its expansion has too many terms to write out"},
		{"(x^2+1)^25", "its expansion has too many terms to write out"},
		{"1/(x+1)^40", "the numerator has too many terms to write out"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := LimitSteps(MustParse(tt.src), "x")
			want := MustParse(tt.src).String() + ": " + prefix + tt.why
			if !errors.Is(err, ErrNoFirstPrinciples) || err.Error() != want {
				t.Errorf("error %v, want %q", err, want)
			}
		})
	}
	for _, src := range []string{"(x+1)^5", "1/(x+1)^3", "x^50"} {
		d, err := LimitSteps(MustParse(src), "x")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		want, _ := Diff(MustParse(src), "x", 1)
		if !d.Result.Simplify().Equal(want) {
			t.Errorf("%s: %s, Diff gives %s", src, d.Result, want)
		}
	}
}
