package optim

import (
	"errors"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/nabla-math/nabla"
)

// compile compiles src over the variables vars, failing the test on an
// error.
func compile(t testing.TB, src string, opts *nabla.ParseOptions, vars ...string) *nabla.Program {
	t.Helper()
	f, err := nabla.ParseWith(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	p, err := nabla.Compile(f, vars...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExactDescentNotes runs the notes' example: f = x² − 4x + 3 from
// x₀ = 4 with η = 0.1 gives 4, 3.6, 3.28, 3.024, exactly.
func TestExactDescentNotes(t *testing.T) {
	f := nabla.MustParse("x^2 - 4x + 3")
	res, err := ExactDescent(f, []string{"x"}, []*big.Rat{big.NewRat(4, 1)}, big.NewRat(1, 10), nil, &Settings{Iters: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ x, f, g string }{{"4", "3", "4"}, {"18/5", "39/25", "16/5"}, {"82/25", "399/625", "64/25"}, {"378/125", "759/15625", "256/125"}}
	if len(res.Iterates) != len(want) {
		t.Fatalf("%d iterates, want %d", len(res.Iterates), len(want))
	}
	for i, w := range want {
		it := res.Iterates[i]
		if got := [3]string{it.X[0].RatString(), it.F.RatString(), it.Grad[0].RatString()}; got != [3]string{w.x, w.f, w.g} {
			t.Errorf("t = %d: x, f, ∂f/∂x = %v, want %v", i, got, w)
		}
	}
	if res.Stop != IterationLimit {
		t.Errorf("stopped by %v, want the iteration limit", res.Stop)
	}
	// Rates that do not fold give way to float64.
	if _, err := ExactDescent(nabla.MustParse("sin(x)"), []string{"x"}, []*big.Rat{big.NewRat(1, 1)}, big.NewRat(1, 10), nil, nil); !errors.Is(err, ErrInexact) {
		t.Errorf("sin(x): %v, want ErrInexact", err)
	}
}

// TestMinimizeMethods checks that every method finds the minimum of a
// function it suits, from the same start.
func TestMinimizeMethods(t *testing.T) {
	quad := compile(t, "(x - 1)^2 + 3(y + 2)^2 + x y", nil, "x", "y")
	rosen := compile(t, "100(y - x^2)^2 + (1 - x)^2", nil, "x", "y")
	// The minimum of the quadratic: ∇f = 0 gives 2x + y = 2, x + 6y = -12.
	qx, qy := 24.0/11, -26.0/11
	tests := []struct {
		name  string
		p     *nabla.Program
		s     Settings
		want  []float64
		iters int // at most
	}{
		{"gd", quad, Settings{Method: GD, LR: 0.1}, []float64{qx, qy}, 300},
		{"momentum", quad, Settings{Method: Momentum, LR: 0.02}, []float64{qx, qy}, 500},
		{"adam", quad, Settings{Method: Adam, LR: 0.05, Iters: 5000, GradTol: 1e-6}, []float64{qx, qy}, 5000},
		{"newton quadratic", quad, Settings{Method: Newton}, []float64{qx, qy}, 2},
		{"newton", rosen, Settings{Method: Newton}, []float64{1, 1}, 10},
		{"bfgs", rosen, Settings{Method: BFGS}, []float64{1, 1}, 60},
		{"lbfgs", rosen, Settings{Method: LBFGS}, []float64{1, 1}, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var trace []Iterate
			tt.s.Trace = func(it Iterate) {
				it.X = slices.Clone(it.X)
				trace = append(trace, it)
			}
			r, err := Minimize(tt.p, []float64{-1.2, 1}, &tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if r.Stop != GradientSmall || r.T > tt.iters {
				t.Errorf("stopped by %v (%s) after %d iterations, want a small gradient within %d", r.Stop, r.Why, r.T, tt.iters)
			}
			for i, w := range tt.want {
				if math.Abs(r.X[i]-w) > 1e-6 {
					t.Errorf("x = %v, want %v", r.X, tt.want)
				}
			}
			if trace[0].T != 0 || trace[0].X[0] != -1.2 || trace[len(trace)-1].T != r.T {
				t.Errorf("the trace runs from t = %d at %v to t = %d; want 0 at the start to %d", trace[0].T, trace[0].X, trace[len(trace)-1].T, r.T)
			}
		})
	}
}

// TestMinimizeStops checks each reason to stop and each refusal.
func TestMinimizeStops(t *testing.T) {
	p := compile(t, "x^2 - 4x + 3", nil, "x")
	r, err := Minimize(p, []float64{4}, &Settings{LR: 1.1, Iters: 100})
	var de *DivergingError
	if !errors.As(err, &de) || r.Stop != Diverging || !strings.Contains(err.Error(), "try --lr 0.11") {
		t.Errorf("η = 1.1: %v, stop %v; want a DivergingError that suggests a rate", err, r.Stop)
	}
	if r, err := Minimize(p, []float64{4}, &Settings{LR: 0.1, Iters: 3}); err != nil || r.Stop != IterationLimit || r.T != 3 {
		t.Errorf("3 iterations: %v, %+v", err, r)
	}
	if r, err := Minimize(p, []float64{4}, &Settings{LR: 0.5}); err != nil || r.Stop != GradientSmall || r.X[0] != 2 {
		t.Errorf("η = 0.5 reaches 2 in one step: %v, %+v", err, r)
	}
	for _, tt := range []struct {
		s    *Settings
		x0   []float64
		want string
	}{
		{&Settings{LR: -1}, []float64{1}, "learning rate must be positive"},
		{&Settings{Iters: -1}, []float64{1}, "iterations must be positive"},
		{nil, []float64{math.NaN()}, "starting point has NaN"},
		{&Settings{Method: Method(42)}, []float64{1}, "unknown method"},
	} {
		if _, err := Minimize(p, tt.x0, tt.s); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v from %v: %v, want %q", tt.s, tt.x0, err, tt.want)
		}
	}
	// A step into the domain's edge is an error that says where, with the
	// iterates up to there.
	lg := compile(t, "log(x)", nil, "x")
	res, err := Minimize(lg, []float64{1}, &Settings{LR: 2})
	var undefined *DivergingError
	if !errors.As(err, &undefined) || res == nil || res.Stop != Undefined || len(res.X) != 1 || res.X[0] != 1 ||
		!strings.Contains(err.Error(), "step 1 reached a point where log of a non-positive number") {
		t.Errorf("log(x) with η = 2: %v, %+v", err, res)
	}
	// Where f fell all the way, it may have no minimum.
	res, err = Minimize(compile(t, "x^5 - x^2 + x", nil, "x"), []float64{0}, &Settings{LR: 0.01, Iters: 300})
	if res == nil || res.Stop != Undefined || !strings.Contains(err.Error(), "overflow in x^5; f fell at each of the last 5 steps") ||
		!strings.Contains(err.Error(), "it may have no minimum") {
		t.Errorf("x^5 - x^2 + x: %v, %+v", err, res)
	}
	// Newton needs an invertible Hessian.
	if _, err := Minimize(compile(t, "(x + y)^2 + x", nil, "x", "y"), []float64{1, 1}, &Settings{Method: Newton}); err == nil || !strings.Contains(err.Error(), "the Hessian at [1 1] is singular") {
		t.Errorf("(x + y)^2 + x has a singular Hessian: %v", err)
	}
	if m, err := ParseMethod("BFGS"); err != nil || m != BFGS || m.String() != "bfgs" {
		t.Errorf("ParseMethod(BFGS) = %v, %v", m, err)
	}
	if _, err := ParseMethod("sgd"); err == nil || !strings.Contains(err.Error(), "gd, momentum, adam, newton, bfgs, lbfgs") {
		t.Errorf("ParseMethod(sgd): %v", err)
	}
}

// TestNotMinimum checks that a run that stops at a stationary point that
// is no minimum says what it is: Newton's method goes to the maximum of
// -x² and the saddle of x² - y² in one step.
func TestNotMinimum(t *testing.T) {
	tests := []struct {
		f    string
		x0   []float64
		want string
	}{
		{"-x^2", []float64{1}, "not a minimum but a maximum: the Hessian there has the eigenvalue -2, and none above 0"},
		{"x^2 - y^2", []float64{1, 1}, "not a minimum but a saddle point: the Hessian there has the eigenvalues -2 and 2"},
		{"x^2 + y^2", []float64{1, 1}, ""},
		{"(1 - x)^2 + 100(y - x^2)^2", []float64{-1.2, 1}, ""},
	}
	for _, tt := range tests {
		f := nabla.MustParse(tt.f)
		p, err := nabla.Compile(f, f.Vars()...)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Minimize(p, tt.x0, &Settings{Method: Newton})
		if err != nil {
			t.Fatalf("%s: %v", tt.f, err)
		}
		if res.NotMinimum != tt.want || tt.want != "" && !strings.HasSuffix(res.Why, "; "+tt.want) {
			t.Errorf("%s: NotMinimum %q, Why %q; want %q", tt.f, res.NotMinimum, res.Why, tt.want)
		}
	}
}

// TestNilArguments checks that nil programs and values are errors, not
// panics.
func TestNilArguments(t *testing.T) {
	if _, err := Minimize(nil, []float64{1}, nil); err == nil {
		t.Error("Minimize(nil): no error")
	}
	f := nabla.MustParse("(x - a)^2")
	one := big.NewRat(1, 1)
	for name, call := range map[string]func() error{
		"nil start": func() error {
			_, err := ExactDescent(f, []string{"x"}, []*big.Rat{nil}, one, map[string]*big.Rat{"a": one}, nil)
			return err
		},
		"nil rate": func() error {
			_, err := ExactDescent(f, []string{"x"}, []*big.Rat{one}, nil, map[string]*big.Rat{"a": one}, nil)
			return err
		},
		"nil data": func() error {
			_, err := ExactDescent(f, []string{"x"}, []*big.Rat{one}, one, map[string]*big.Rat{"a": nil}, nil)
			return err
		},
	} {
		if err := call(); err == nil {
			t.Errorf("ExactDescent with a %s: no error", name)
		}
	}
}
