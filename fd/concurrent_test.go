package fd

import (
	"errors"
	"math"
	"math/cmplx"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestConcurrentEqualsSequential checks that Concurrent changes nothing
// but the goroutines f runs on: every result, and every error, is exactly
// the sequential one.
func TestConcurrentEqualsSequential(t *testing.T) {
	for _, procs := range []int{2, 3, 8} {
		old := runtime.GOMAXPROCS(procs)
		testConcurrent(t, procs)
		runtime.GOMAXPROCS(old)
	}
}

func testConcurrent(t *testing.T, procs int) {
	var calls atomic.Int64 // f must be safe for concurrent use; this one counts its calls
	f1 := func(x float64) float64 { calls.Add(1); return math.Exp(math.Sin(x)) * x }
	fc := func(z complex128) complex128 { return cmplx.Exp(cmplx.Sin(z)) * z }
	fn := func(x []float64) float64 { calls.Add(1); return rosenbrock(x) + math.Sin(x[0]*x[1]) }
	x := []float64{-1.2, 1, 0.8}
	same := func(name string, s Settings, run func(s *Settings) (any, error)) {
		t.Helper()
		seq, err1 := run(&s)
		s.Concurrent = true
		par, err2 := run(&s)
		if !reflect.DeepEqual(seq, par) || !sameError(err1, err2) {
			t.Errorf("GOMAXPROCS %d, %s, %+v: sequential %v, %v; concurrent %v, %v", procs, name, s, seq, err1, par, err2)
		}
	}
	settings := []Settings{
		{}, {Points: 8}, {Scheme: Forward, Points: 5}, {Scheme: Backward}, {Scheme: Richardson}, {Scheme: Richardson, Step: 0.5},
	}
	for _, s := range settings {
		same("Derivative", s, func(s *Settings) (any, error) { return Derivative(f1, 0.4, s) })
		same("SecondDerivative", s, func(s *Settings) (any, error) { return SecondDerivative(f1, 0.4, s) })
		same("GradientErr", s, func(s *Settings) (any, error) {
			g, e := make([]float64, len(x)), make([]float64, len(x))
			err := GradientErr(g, e, fn, x, s)
			return [][]float64{g, e}, err
		})
		same("Hessian", s, func(s *Settings) (any, error) {
			c, _ := resolve(s, true)
			est, err := hessian(fn, x, c)
			var h mat.SymDense
			err2 := Hessian(&h, fn, x, s)
			return []any{est, h.RawSymmetric().Data}, cmpErr(err, err2)
		})
		for _, n := range []int{1, 3} {
			same("Jacobian", s, func(s *Settings) (any, error) {
				c, _ := resolve(s, true)
				return jacobian(vecFunc3(n), 2, x[:n], c)
			})
		}
		same("CheckGradient", s, func(s *Settings) (any, error) {
			return CheckGradient(rosenbrock, rosenbrockGrad, x, &CheckSettings{Settings: *s})
		})
	}
	same("DerivativeComplex", Settings{}, func(s *Settings) (any, error) { return DerivativeComplex(fc, 0.4, s) })

	// Errors: the same point is reported, the one a sequential run meets first.
	nanAbove := func(x float64) float64 {
		if x > 0.40001 {
			return math.NaN()
		}
		return x * x
	}
	nanVec := func(x []float64) float64 {
		if x[1] > 1 || x[2] < 0.8 {
			return math.Inf(1)
		}
		return rosenbrock(x)
	}
	for _, s := range settings {
		same("Derivative NaN", s, func(s *Settings) (any, error) { return Derivative(nanAbove, 0.4, s) })
		same("Gradient Inf", s, func(s *Settings) (any, error) { return Gradient(nil, nanVec, x, s) })
		same("Hessian Inf", s, func(s *Settings) (any, error) { return nil, Hessian(&mat.SymDense{}, nanVec, x, s) })
	}
	// Richardson extrapolation evaluates several levels at a time when
	// concurrent, so it may evaluate f at levels past its stopping point.
	// f is NaN there: the sequential run never sees it, nor must the
	// concurrent one.
	var n atomic.Int64
	count := func(x float64) float64 { n.Add(1); return math.Sin(x) }
	want, err := Derivative(count, 0.4, &Settings{Scheme: Richardson})
	levels := int(n.Load()) / 2
	if err != nil || levels >= maxLevels {
		t.Fatalf("Richardson on sin: %v after %d levels; the test needs an early stop", err, levels)
	}
	hLast := 0.1 / math.Pow(con, float64(levels-1)) // the smallest step used
	nanNear := func(x float64) float64 {
		if x != 0.4 && math.Abs(x-0.4) < 0.99*hLast {
			return math.NaN()
		}
		return math.Sin(x)
	}
	if got, err := Derivative(nanNear, 0.4, &Settings{Scheme: Richardson, Concurrent: true}); err != nil || got != want {
		t.Errorf("Richardson past its stopping point: %v, %v; want %v", got, err, want)
	}
	var nf *NonFiniteError
	if _, err := Derivative(nanAbove, 0.4, &Settings{Concurrent: true}); !errors.As(err, &nf) {
		t.Errorf("concurrent NaN: %v", err)
	}
	if calls.Load() == 0 {
		t.Error("f was never called")
	}
}

// sameError reports whether a and b are equal errors of the same type.
// (reflect.DeepEqual would not do: a NonFiniteError holds a NaN.)
func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return reflect.TypeOf(a) == reflect.TypeOf(b) && a.Error() == b.Error()
}

// vecFunc3 restricts vecFunc to its first n arguments.
func vecFunc3(n int) func(y, x []float64) {
	return func(y, x []float64) {
		full := []float64{0.6, -1.3, 2.1}
		copy(full, x[:n])
		vecFunc(y, full)
	}
}
