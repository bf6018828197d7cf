package fd

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Scheme is a way of estimating a derivative.
type Scheme int

// The schemes. The zero value is Central.
const (
	// Central uses points placed symmetrically about x.
	Central Scheme = iota
	// Forward uses x and points above it.
	Forward
	// Backward uses x and points below it.
	Backward
	// Richardson is Ridders' method: central differences extrapolated as
	// the step shrinks (a Neville tableau), with its error estimate.
	Richardson
	// Complex is the complex step, Im f(x+ih)/h. It needs f analytic and
	// given as a complex function, so only DerivativeComplex accepts it.
	Complex
)

var schemeNames = [...]string{
	Central:    "central",
	Forward:    "forward",
	Backward:   "backward",
	Richardson: "richardson",
	Complex:    "complex",
}

// String returns the lower-case name of the scheme, such as "central", or
// "Scheme(n)" for a value that is not one of the schemes.
func (s Scheme) String() string {
	if s.valid() {
		return schemeNames[s]
	}
	return "Scheme(" + strconv.Itoa(int(s)) + ")"
}

func (s Scheme) valid() bool { return s >= 0 && int(s) < len(schemeNames) }

// ParseScheme returns the scheme whose String is name. Case and
// surrounding spaces are ignored.
func ParseScheme(name string) (Scheme, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	for s, n := range schemeNames {
		if n == key {
			return Scheme(s), nil
		}
	}
	return 0, fmt.Errorf("fd: unknown scheme %q (valid schemes: %s)", name, strings.Join(schemeNames[:], ", "))
}

// Settings are the options of a derivative estimate. A nil *Settings
// means the zero Settings: two-point central differences with an
// automatic step, evaluated sequentially.
type Settings struct {
	// Scheme is the way the derivative is estimated.
	Scheme Scheme

	// Points is the number of stencil points for Forward and Backward
	// (2 to 8; order of accuracy Points-1) and Central (2, 4, 6 or 8;
	// order of accuracy Points). Zero means 2. Richardson and Complex
	// ignore it. Second derivatives use the stencil of the same order of
	// accuracy, which has one point more.
	Points int

	// Step is the step h. Zero means an automatic step scaled to the
	// magnitude of the point, max(|x|,1)·ε^(1/(p+d)) for a stencil of
	// order p and a derivative of order d, rounded to a power of two;
	// for Richardson it is the initial step (default 0.1·max(|x|,1),
	// shrunk where the extrapolation does not converge from it),
	// and for Complex the imaginary step (default 1e-20·max(|x|,1)).
	// A negative, NaN or infinite step is an error (ErrStep), and so is
	// a step so small next to x that the stencil points coincide. The
	// automatic step suits functions that vary on the scale of max(|x|,
	// 1); one that varies faster far from 0, such as sin at x = 1e6
	// (automatic step 6), needs a Step of its own, and Err, estimated
	// from the stencil's points, cannot see what happens between them.
	Step float64

	// Concurrent evaluates f on runtime.GOMAXPROCS(0) goroutines, which
	// pays when f is costly. f must then be safe for concurrent use.
	// The results equal those of a sequential evaluation.
	Concurrent bool
}

// Estimate is a derivative estimate with an estimate of its absolute
// error.
type Estimate struct {
	// Value is the estimate of the derivative.
	Value float64
	// Err estimates |Value - exact| (see the package documentation for
	// how each scheme computes it). It is not a guaranteed bound.
	Err float64
	// Step is the step used, in the sense of Settings.Step: the step h
	// of a stencil, the initial step of Richardson extrapolation, or the
	// imaginary step of the complex step. It is the automatic step when
	// Settings.Step is 0.
	Step float64
}

// ErrStep is the error for a step that is negative, NaN or infinite, or
// zero in effect: so small next to x that stencil points coincide, or a
// subnormal complex step. Errors about a step wrap it, so test for it
// with errors.Is.
var ErrStep = errors.New("fd: invalid step")

// ErrShape is the error for arguments whose lengths or dimensions do not
// agree. Errors about shapes wrap it, so test for it with errors.Is.
var ErrShape = errors.New("fd: mismatched dimensions")

// NonFiniteError reports that f returned NaN or ±Inf at a point where the
// estimate needed its value.
type NonFiniteError struct {
	// X is the point at which f was evaluated, for a function of one
	// variable (the real part, for a complex function).
	X float64
	// Imag is the imaginary part of the point, for a complex function.
	Imag float64
	// Point is the point at which f was evaluated, for a function of a
	// vector; it is nil for a function of one variable.
	Point []float64
	// Output is the index of the non-finite output of a vector-valued
	// function (Jacobian); it is 0 otherwise.
	Output int
	// Value is the non-finite value (for a complex function, the
	// non-finite part of it).
	Value float64

	kind     int  // kindScalar, kindComplex, kindVector or kindVectorOut
	imagPart bool // for kindComplex: Value is the imaginary part
}

const (
	kindScalar = iota
	kindComplex
	kindVector
	kindVectorOut
)

func (e *NonFiniteError) Error() string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	switch e.kind {
	case kindComplex:
		return fmt.Sprintf("fd: f(%s%+gi) is not finite (%s part %s)", g(e.X), e.Imag, partName(e), g(e.Value))
	case kindVector:
		return fmt.Sprintf("fd: f(x) = %s at x = %s", g(e.Value), formatVec(e.Point))
	case kindVectorOut:
		return fmt.Sprintf("fd: output %d of f(x) = %s at x = %s", e.Output, g(e.Value), formatVec(e.Point))
	}
	return fmt.Sprintf("fd: f(%s) = %s", g(e.X), g(e.Value))
}

func partName(e *NonFiniteError) string {
	if e.imagPart {
		return "imaginary"
	}
	return "real"
}

func formatVec(x []float64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range x {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	}
	b.WriteByte(']')
	return b.String()
}

// eps is the machine epsilon of float64, 2⁻⁵².
const eps = 0x1p-52

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// config is the validated form of Settings.
type config struct {
	scheme     Scheme
	points     int
	step       float64 // 0 means automatic
	concurrent bool
}

// resolve validates s. real says that the function is real, so Complex is
// not allowed.
func resolve(s *Settings, real bool) (config, error) {
	var c config
	if s != nil {
		c = config{scheme: s.Scheme, points: s.Points, step: s.Step, concurrent: s.Concurrent}
	}
	if !c.scheme.valid() {
		return c, fmt.Errorf("fd: invalid scheme %v", c.scheme)
	}
	if real && c.scheme == Complex {
		return c, errors.New("fd: the complex-step scheme needs a complex function: use DerivativeComplex")
	}
	if c.step < 0 || math.IsNaN(c.step) || math.IsInf(c.step, 0) {
		return c, fmt.Errorf("%w: Step = %v is not a positive finite number", ErrStep, c.step)
	}
	if c.points == 0 {
		c.points = 2
	}
	switch c.scheme {
	case Central:
		if c.points < 2 || c.points > 8 || c.points%2 != 0 {
			return c, fmt.Errorf("fd: central differences take 2, 4, 6 or 8 points, not %d", c.points)
		}
	case Forward, Backward:
		if c.points < 2 || c.points > 8 {
			return c, fmt.Errorf("fd: %v differences take 2 to 8 points, not %d", c.scheme, c.points)
		}
	}
	return c, nil
}

// checkX reports an error for a non-finite coordinate of x.
func checkX(x []float64) error {
	for i, v := range x {
		if !finite(v) {
			if len(x) == 1 {
				return fmt.Errorf("fd: x = %v is not finite", v)
			}
			return fmt.Errorf("fd: x[%d] = %v is not finite", i, v)
		}
	}
	return nil
}

// autoStep returns the automatic step for a stencil of the given order of
// accuracy estimating a derivative of order d at a point of magnitude
// |x|: max(|x|,1)·ε^(1/(order+d)), rounded to the nearest power of two.
func autoStep(x float64, order, d int) float64 {
	h := math.Max(math.Abs(x), 1) * math.Pow(eps, 1/float64(order+d))
	return math.Exp2(math.Round(math.Log2(h)))
}

// riddersStep is the default initial step of Richardson extrapolation.
func riddersStep(x float64) float64 { return 0.1 * math.Max(math.Abs(x), 1) }

// complexStep is the default complex step.
func complexStep(x float64) float64 { return 1e-20 * math.Max(math.Abs(x), 1) }
