package nabla

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/nabla-math/nabla/internal/budget"
)

// TestTaylor checks Taylor polynomials against the textbook ones, exact
// coefficients by ascending degree.
func TestTaylor(t *testing.T) {
	vec := &ParseOptions{Vectors: []string{"x"}, Matrices: []string{"A"}}
	xw := &ParseOptions{Vectors: []string{"x", "w"}}
	xb := &ParseOptions{Vectors: []string{"x", "b"}}
	xbA := &ParseOptions{Vectors: []string{"x", "b"}, Matrices: []string{"A"}}
	tests := []struct {
		src  string
		opts *ParseOptions
		at   map[string]string
		n    int
		want string
	}{
		// MML exercise 5.4.
		{"sin(x) + cos(x)", nil, map[string]string{"x": "0"}, 5, "1 + x - x^2/2 - x^3/6 + x^4/24 + x^5/120"},
		{"exp(x)", nil, map[string]string{"x": "0"}, 4, "1 + x + x^2/2 + x^3/6 + x^4/24"},
		{"log(x)", nil, map[string]string{"x": "1"}, 4, "x - 1 - (x - 1)^2/2 + (x - 1)^3/3 - (x - 1)^4/4"},
		{"sqrt(x)", nil, map[string]string{"x": "4"}, 3, "2 + (x - 4)/4 - (x - 4)^2/64 + (x - 4)^3/512"},
		{"sin(x)", nil, map[string]string{"x": "1"}, 2, "sin(1) + cos(1) (x - 1) - sin(1) (x - 1)^2/2"},
		{"x^3 - 2x", nil, map[string]string{"x": "1"}, 5, "-1 + x - 1 + 3(x - 1)^2 + (x - 1)^3"},
		{"1/(1 - x)", nil, map[string]string{"x": "0"}, 3, "1 + x + x^2 + x^3"},
		{"x^2 y + exp(x y)", nil, map[string]string{"x": "1", "y": "0"}, 2, "1 + 2y + y^2/2 + 3y (x - 1)"},
		{"x^3 + y^3 + x y", nil, map[string]string{"x": "0", "y": "0"}, 3, "x y + x^3 + y^3"},
		{"sin(x)", nil, map[string]string{"x": "0"}, 0, "0"},
		{"log(1 + x'x)", vec, map[string]string{"x": "[1, 2]"}, 2, "log(6) + [1/3, 2/3]ᵀ (x - [1, 2]) + (x - [1, 2])ᵀ*[[2/9, -2/9], [-2/9, -1/9]] (x - [1, 2])/2"},
		{"x'A x + sum(exp(x))", vec, map[string]string{"x": "[0, 0]", "A": "[[1, 2], [3, 4]]"}, 2, "2 + [1, 1]ᵀ x + xᵀ*[[3, 5], [5, 9]] x/2"},
		// A mixed block of the Hessian, ∂²f/∂x∂w, counts twice in
		// ½ dᵀHd: the second-order term of exp(xᵀw) at 0 is wᵀx.
		{"exp(x' w)", xw, map[string]string{"x": "[0, 0]", "w": "[0, 0]"}, 2, "1 + wᵀ*[[1, 0], [0, 1]] x"},
		{"b' x", xb, map[string]string{"x": "[1, 2]", "b": "[1, -1]"}, 2, "-1 + [1, -1]ᵀ (x - [1, 2]) + [1, 2]ᵀ (b - [1, -1]) + (b - [1, -1])ᵀ*[[1, 0], [0, 1]] (x - [1, 2])"},
		{"b' A x", xbA, map[string]string{"x": "[1, 2]", "b": "[1, -1]", "A": "[[1, 2], [3, 4]]"}, 2, "-6 + [-2, -2]ᵀ (x - [1, 2]) + [5, 11]ᵀ (b - [1, -1]) + (b - [1, -1])ᵀ*[[1, 2], [3, 4]] (x - [1, 2])"},
		{"x' A x + b' x", xbA, map[string]string{"x": "[1, 2]", "b": "[1, -1]", "A": "[[1, 2], [3, 4]]"}, 2, "26 + [1, 2]ᵀ (b - [1, -1]) + [13, 20]ᵀ (x - [1, 2]) + (b - [1, -1])ᵀ*[[1, 0], [0, 1]] (x - [1, 2]) + (x - [1, 2])ᵀ*[[2, 5], [5, 8]] (x - [1, 2])/2"},
		{"s x'x", vec, map[string]string{"x": "[1, 2]", "s": "2"}, 2, "10 + [4, 8]ᵀ (x - [1, 2]) + 5(s - 2) + (x - [1, 2])ᵀ*[[4, 0], [0, 4]] (x - [1, 2])/2 + ([2, 4]ᵀ (x - [1, 2])) (s - 2)"},
	}
	for _, tt := range tests {
		f, err := ParseWith(tt.src, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		at := map[string]Expr{}
		for k, v := range tt.at {
			at[k] = MustParse(v)
		}
		p, err := Taylor(f, at, tt.n)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := p.String(); got != tt.want {
			t.Errorf("Taylor(%s, %v, %d) = %s, want %s", tt.src, tt.at, tt.n, got, tt.want)
		}
	}
	for _, tt := range []struct {
		src  string
		at   map[string]Expr
		n    int
		want string
	}{
		{"x y", map[string]Expr{"x": Int(1)}, 2, "nabla: Taylor: no value for y"},
		{"x", map[string]Expr{"x": Var("t")}, 2, "nabla: Taylor: the value of x, t, has variables"},
		{"x", map[string]Expr{"x": Int(0)}, -1, "nabla: Taylor: the order must not be negative, not -1"},
	} {
		if _, err := Taylor(MustParse(tt.src), tt.at, tt.n); err == nil || err.Error() != tt.want {
			t.Errorf("Taylor(%s): %v, want %s", tt.src, err, tt.want)
		}
	}
}

// TestTaylorProperty checks on random expressions that the Taylor
// polynomial of order 2 agrees with f at the point, and that its first
// and second derivatives there are f's.
func TestTaylorProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genExpr(2).Draw(t, "f")
		x0 := float64(rapid.IntRange(-4, 4).Draw(t, "x0")) / 2
		at := map[string]Expr{"x": Rational(int64(2*x0), 2), "y": Rational(1, 3)}
		env := map[string]float64{"x": x0, "y": 1.0 / 3}
		p, err := Taylor(f, at, 2)
		if err != nil {
			return // outside the domain, or a derivative refused
		}
		for k := 0; k <= 2; k++ {
			fk, err := Diff(f, "x", k)
			if err != nil {
				return
			}
			want, err := fk.Eval(env)
			if err != nil || math.IsNaN(want) || math.IsInf(want, 0) {
				return
			}
			tk := p.Expr
			if k > 0 {
				if !slices.Contains(tk.Vars(), "x") {
					tk = Int(0) // the polynomial is constant in x
				} else if tk, err = Diff(tk, "x", k); err != nil {
					t.Fatalf("%s: the polynomial %s: %v", f, p, err)
				}
			}
			got, err := tk.Eval(env)
			if err != nil || math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
				t.Fatalf("%s at x = %v: the %d-th derivative of %s is %v (%v), want %v", f, x0, k, p, got, err, want)
			}
		}
	})
}

// TestTaylorQuadraticVectors checks on random polynomials of degree at
// most 2 in the vectors x and w and the scalar s that the Taylor
// polynomial of order 2 at a random point is the polynomial itself: its
// value at another random point is f's.
func TestTaylorQuadraticVectors(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		num := func(label string) string {
			return strconv.Itoa(rapid.IntRange(-3, 3).Draw(t, label))
		}
		vec := func(label string) string {
			return "[" + num(label+"0") + ", " + num(label+"1") + "]"
		}
		mat := func(label string) string {
			return "[" + vec(label+"0") + ", " + vec(label+"1") + "]"
		}
		// The monomials of degree up to 2, each with its coefficients.
		terms := []func() string{
			func() string { return num("c") },
			func() string { return num("c") + " s" },
			func() string { return num("c") + " s^2" },
			func() string { return vec("a") + "' x" },
			func() string { return vec("a") + "' w" },
			func() string { return "s*(" + vec("a") + "' x)" },
			func() string { return "s*(" + vec("a") + "' w)" },
			func() string { return "x' " + mat("M") + " x" },
			func() string { return "w' " + mat("M") + " w" },
			func() string { return "x' " + mat("M") + " w" },
			func() string { return "w' " + mat("M") + " x" },
		}
		var src []string
		for range rapid.IntRange(1, 5).Draw(t, "terms") {
			src = append(src, "("+terms[rapid.IntRange(0, len(terms)-1).Draw(t, "term")]()+")")
		}
		f, err := ParseWith(strings.Join(src, " + "), &ParseOptions{Vectors: []string{"x", "w"}})
		if err != nil {
			t.Fatal(err)
		}
		point := func(label string) (map[string]Expr, map[string]Tensor) {
			at, env := map[string]Expr{}, map[string]Tensor{}
			for _, v := range []string{"x", "w"} {
				a, b := rapid.IntRange(-3, 3).Draw(t, label+v+"0"), rapid.IntRange(-3, 3).Draw(t, label+v+"1")
				at[v] = MustParse("[" + strconv.Itoa(a) + ", " + strconv.Itoa(b) + "]")
				env[v] = Tensor{Shape: []int{2}, Data: []float64{float64(a), float64(b)}}
			}
			c := rapid.IntRange(-3, 3).Draw(t, label+"s")
			at["s"] = Int(int64(c))
			env["s"] = Tensor{Data: []float64{float64(c)}}
			return at, env
		}
		at, _ := point("x0")
		_, env := point("x1")
		p, err := Taylor(f, at, 2)
		if err != nil {
			t.Fatalf("Taylor(%s): %v", f, err)
		}
		all := map[string]Tensor{}
		for _, v := range f.Vars() {
			all[v] = env[v]
		}
		want, err := f.Value(all)
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]Tensor{}
		for _, v := range p.Expr.Vars() {
			in[v] = env[v]
		}
		got, err := p.Expr.Value(in)
		if err != nil {
			t.Fatalf("%s: the polynomial %s: %v", f, p, err)
		}
		if len(got.Data) != 1 || math.Abs(got.Data[0]-want.Data[0]) > 1e-9*max(1, math.Abs(want.Data[0])) {
			t.Fatalf("%s: the polynomial %s is %v at %v, want %v", f, p, got.Data, env, want.Data)
		}
	})
}

// TestTaylorContext checks that a Taylor polynomial whose derivatives
// grow too fast is stopped by its context, with the order it reached,
// and that an error of a derivative names the order of the terms, not
// its own order 1.
func TestTaylorContext(t *testing.T) {
	f := MustParse("tan(sin(x))")
	at := map[string]Expr{"x": Int(0)}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := TaylorContext(ctx, f, at, 60)
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("TaylorContext took %v after a deadline of 200ms", elapsed)
	}
	var oe *TaylorOrderError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &oe) || oe.Order < 1 || oe.Order > 60 {
		t.Fatalf("TaylorContext(%s, 60) past its deadline: %v, want a *TaylorOrderError of order 1 … 60 that wraps context.DeadlineExceeded", f, err)
	}
	want := "nabla: Taylor: stopped at the derivatives of order " + strconv.Itoa(oe.Order) + ": context deadline exceeded"
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}

	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TaylorContext(done, f, at, 3); err == nil || err.Error() != "nabla: Taylor: stopped at the derivatives of order 0: context canceled" {
		t.Errorf("TaylorContext with a canceled context: %v", err)
	}

	tests := []struct {
		k    int
		err  error
		want string
	}{
		{37, fmt.Errorf("derivative of order 1: %w (2000001 nodes; the limit is 2000000)", ErrTooLarge), "nabla: Taylor: the derivatives of order 37: result too large"},
		{5, &budget.Stopped{Err: context.DeadlineExceeded}, "nabla: Taylor: stopped at the derivatives of order 5: context deadline exceeded"},
		{2, errors.New("other"), "other"},
	}
	for _, tt := range tests {
		if got := orderError(tt.k, tt.err); got.Error() != tt.want || !errors.Is(got, errors.Unwrap(tt.err)) && !errors.Is(got, tt.err) {
			t.Errorf("orderError(%d, %v) = %v, want %s", tt.k, tt.err, got, tt.want)
		}
	}

	// Within its time the context changes nothing.
	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := TaylorContext(ctx, MustParse("exp(x)"), at, 4)
	if err != nil || p.String() != "1 + x + x^2/2 + x^3/6 + x^4/24" {
		t.Errorf("TaylorContext(exp(x), 4) = %v, %v", p, err)
	}
}
