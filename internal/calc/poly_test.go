package calc

import (
	"context"
	"errors"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
	"github.com/nabla-math/nabla/internal/parse"
	"github.com/nabla-math/nabla/internal/simplify"
)

// TestDegree checks the degree bounds of polynomials and the refusal of
// other expressions.
func TestDegree(t *testing.T) {
	tests := []struct {
		src string
		deg int64
		ok  bool
	}{
		{"3", 0, true},
		{"y sin(y)", 0, true},
		{"x", 1, true},
		{"x^5 + 3x^2", 5, true},
		{"(x^2 + y)^10 x + sin(y)", 21, true},
		{"(x + 1)(x - 1)", 2, true},
		{"x^(10^12)", 1_000_000_000_000, true},
		{"sin(x)", 0, false},
		{"1/x", 0, false},
		{"sqrt(x)", 0, false},
		{"x^y", 0, false},
		{"2^x", 0, false},
	}
	x := expr.NewSym("x", expr.Scalar)
	for _, tt := range tests {
		f, err := parse.Parse(tt.src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := degree(f, x); d != tt.deg && tt.ok || ok != tt.ok {
			t.Errorf("degree(%s) = %d, %v, want %d, %v", tt.src, d, ok, tt.deg, tt.ok)
		}
	}
}

// factorials replaces each n! in s by its digits.
func factorials(s string) string {
	return regexp.MustCompile(`(\d+)!`).ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.ParseInt(strings.TrimSuffix(m, "!"), 10, 64)
		return new(big.Int).MulRange(1, n).String()
	})
}

// TestPolynomialOrders checks derivatives of polynomials of orders above
// MaxOrder: term by term, and 0 past the degree at once.
func TestPolynomialOrders(t *testing.T) {
	tests := []struct {
		src   string
		order int
		want  string // n! stands for its digits
	}{
		{"x^5 + 3x^2", 100_000_000, "0"},
		{"(x + y)^3 y", math.MaxInt, "0"},
		{"x^102 y + x^3", 101, "102!x y"},
		{"(x^2 + 1)^51", 102, "102!"},
		{"x^102 - x^101", 101, "102!x - 101!"},
	}
	for _, tt := range tests {
		f, err := parse.Parse(tt.src, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Derive(context.Background(), f, nil, []string{"x"}, &Options{Order: tt.order})
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if got, want := format.Text(r.Expr), factorials(tt.want); got != want {
			t.Errorf("order %d of %s = %s, want %s", tt.order, tt.src, got, want)
		}
	}
	f, _ := parse.Parse("x^1000000", nil)
	if _, err := Derive(context.Background(), f, nil, []string{"x"}, &Options{Order: 999_999}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("order 999999 of x^1000000: %v, want %v", err, ErrTooLarge)
	}
}

// TestPolynomialAgrees checks that the term-by-term derivative of a
// polynomial equals the one by repeated differentiation.
func TestPolynomialAgrees(t *testing.T) {
	x := expr.NewSym("x", expr.Scalar)
	for _, src := range []string{"x^5 + 3x^2", "(x^2 + y x + 1)^4 (x - y)", "(2x + 1)^7/5 + y^3 x^2"} {
		f, err := parse.Parse(src, nil)
		if err != nil {
			t.Fatal(err)
		}
		deg, _ := degree(f, x)
		for order := 1; order <= int(deg)+1; order++ {
			c := newComputation(context.Background())
			direct, err1 := c.polynomialDerivative(f, x, deg, order)
			repeated, err2 := c.derivative(f, x, order, nil)
			var err error
			c.done(&err)
			if err1 != nil || err2 != nil || err != nil {
				t.Fatalf("order %d of %s: %v, %v, %v", order, src, err1, err2, err)
			}
			if a, b := simplify.Expand(direct), simplify.Expand(repeated); !expr.Equal(a, b) {
				t.Errorf("order %d of %s: %s term by term, %s repeatedly", order, src, format.Text(a), format.Text(b))
			}
		}
	}
}
