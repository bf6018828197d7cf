package optim

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/nabla-math/nabla"
)

// Method is a way of minimising a function.
type Method int

// The methods. GD, Momentum and Adam take steps of the learning rate along
// the gradient; Newton solves with the exact Hessian; BFGS and LBFGS are
// gonum's quasi-Newton methods with their line searches, fed the exact
// gradient.
const (
	GD       Method = iota // θₜ₊₁ = θₜ − η ∇f(θₜ)
	Momentum               // vₜ₊₁ = β vₜ + ∇f(θₜ), θₜ₊₁ = θₜ − η vₜ₊₁
	Adam                   // Kingma and Ba's adaptive moments
	Newton                 // θₜ₊₁ = θₜ − H(θₜ)⁻¹ ∇f(θₜ)
	BFGS                   // gonum's BFGS
	LBFGS                  // gonum's limited-memory BFGS
)

var methodNames = [...]string{"gd", "momentum", "adam", "newton", "bfgs", "lbfgs"}

// String returns the method's name, as ParseMethod reads it.
func (m Method) String() string {
	if m < 0 || int(m) >= len(methodNames) {
		return fmt.Sprintf("Method(%d)", int(m))
	}
	return methodNames[m]
}

// ParseMethod reads a method's name: gd, momentum, adam, newton, bfgs or
// lbfgs.
func ParseMethod(name string) (Method, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, n := range methodNames {
		if n == name {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("unknown method %q (the methods: %s)", name, strings.Join(methodNames[:], ", "))
}

// usesRate reports whether the method takes a learning rate.
func (m Method) usesRate() bool { return m == GD || m == Momentum || m == Adam }

// Settings configures Minimize. A nil *Settings is GD with the defaults.
type Settings struct {
	Method Method
	// LR is the learning rate η of GD, Momentum and Adam (default 0.1
	// for GD and Momentum, 0.001 for Adam).
	LR float64
	// Beta is the momentum β (default 0.9); Beta2 and Eps are Adam's
	// second-moment decay (default 0.999) and ε (default 1e-8). Adam's
	// first-moment decay is Beta.
	Beta, Beta2, Eps float64
	// Iters bounds the iterations (default 1000).
	Iters int
	// GradTol stops when the gradient's norm is at most GradTol (default
	// 1e-8); StepTol when a step moves θ by at most StepTol·max(‖θ‖, 1)
	// (default 1e-14).
	GradTol, StepTol float64
	// Trace, when set, is called with every iterate, the first included.
	// The slices it receives are only valid during the call.
	Trace func(Iterate)
}

// Iterate is one point of a minimisation.
type Iterate struct {
	T    int       // the iteration; 0 for the starting point
	X    []float64 // θₜ, the inputs flattened in the program's order
	F    float64   // f(θₜ)
	Grad []float64 // ∇f(θₜ), in the layout of X
}

// Stop is why a minimisation stopped.
type Stop int

// The reasons to stop.
const (
	GradientSmall    Stop = iota // ‖∇f‖ ≤ GradTol: a stationary point
	StepSmall                    // the step fell below StepTol
	IterationLimit               // Iters iterations
	Diverging                    // the iterates grow: the rate is too large
	LineSearchFailed             // a quasi-Newton line search found no decrease
	Undefined                    // a step reached a point where f or ∇f has no value
)

// String says why.
func (s Stop) String() string {
	switch s {
	case GradientSmall:
		return "gradient norm below tolerance"
	case StepSmall:
		return "step below tolerance"
	case IterationLimit:
		return "iteration limit"
	case Diverging:
		return "diverging"
	case LineSearchFailed:
		return "line search failed"
	case Undefined:
		return "no value at the point reached"
	}
	return fmt.Sprintf("Stop(%d)", int(s))
}

// Result is the outcome of Minimize.
type Result struct {
	Iterate        // the last iterate
	Stop    Stop   // why it stopped
	Why     string // the reason in words, with the figures
	// NotMinimum, where set, says that the stationary point where it
	// stopped (Stop is GradientSmall) is no minimum: the Hessian there
	// has a negative eigenvalue, so it is a maximum or a saddle point
	// (Newton's method goes to any stationary point). Why says so too.
	// It is looked for in up to maxClassified variables.
	NotMinimum string
	Evals      int     // evaluations of f (with its gradient)
	Hess       int     // evaluations of the Hessian
	Method     Method  // the method used
	LR         float64 // the learning rate used, for the methods that take one
}

// DivergingError reports a minimisation whose iterates grow without
// bound (the learning rate is too large; Stop is Diverging), or reach a
// point where f or its gradient has no value (Stop is Undefined), with
// the iterates up to there in Result.
type DivergingError struct {
	Result *Result
}

// Error returns the message.
func (e *DivergingError) Error() string { return e.Result.Why }

// resolve fills the defaults.
func resolve(s *Settings) (Settings, error) {
	var c Settings
	if s != nil {
		c = *s
	}
	if c.Method < 0 || int(c.Method) >= len(methodNames) {
		return c, fmt.Errorf("optim: unknown method %v", c.Method)
	}
	if c.LR == 0 {
		c.LR = 0.1
		if c.Method == Adam {
			c.LR = 0.001
		}
	}
	if c.Beta == 0 {
		c.Beta = 0.9
	}
	if c.Beta2 == 0 {
		c.Beta2 = 0.999
	}
	if c.Eps == 0 {
		c.Eps = 1e-8
	}
	if c.Iters == 0 {
		c.Iters = 1000
	}
	if c.GradTol == 0 {
		c.GradTol = 1e-8
	}
	if c.StepTol == 0 {
		c.StepTol = 1e-14
	}
	switch {
	case c.Method.usesRate() && !(c.LR > 0 && !math.IsInf(c.LR, 0)):
		return c, fmt.Errorf("optim: the learning rate must be positive, not %v", c.LR)
	case c.Iters < 0:
		return c, fmt.Errorf("optim: the iterations must be positive, not %d", c.Iters)
	case !(c.Beta >= 0 && c.Beta < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1):
		return c, fmt.Errorf("optim: the decay rates must lie in [0, 1)")
	case !(c.GradTol >= 0) || !(c.StepTol >= 0) || !(c.Eps > 0):
		return c, fmt.Errorf("optim: tolerances must not be negative")
	}
	return c, nil
}

// Minimize minimises the scalar program p from x0, the inputs flattened
// in p's order. A step that meets a point outside f's domain, or
// iterates that grow without bound (a rate too large), end it with an
// error: a *DivergingError for the latter, whose Result holds the
// iterates so far.
func Minimize(p *nabla.Program, x0 []float64, s *Settings) (*Result, error) {
	if p == nil {
		return nil, errors.New("optim: no program (nil)")
	}
	c, err := resolve(s)
	if err != nil {
		return nil, err
	}
	for i, v := range x0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("optim: the starting point has %v at entry %d", v, i+1)
		}
	}
	m := &minimizer{p: p, c: c, r: &Result{Method: c.Method}}
	if c.Method.usesRate() {
		m.r.LR = c.LR
	}
	switch c.Method {
	case BFGS, LBFGS:
		err = m.quasiNewton(x0)
	default:
		err = m.iterate(x0)
	}
	if err != nil {
		return nil, err
	}
	if m.r.Stop == Diverging || m.r.Stop == Undefined {
		return m.r, &DivergingError{m.r}
	}
	if m.r.Stop == GradientSmall { // a stationary point: which kind?
		if m.r.NotMinimum = notMinimum(p, m.r.X); m.r.NotMinimum != "" {
			m.r.Why += "; " + m.r.NotMinimum
		}
	}
	return m.r, nil
}

// maxClassified bounds the number of variables for which Minimize looks
// at the Hessian where it stops.
const maxClassified = 300

// notMinimum says what the point x is when it is no minimum of p's
// function: a maximum or a saddle point, by the eigenvalues of the
// Hessian there. It is "" for a minimum, for a point where the Hessian
// is semidefinite within rounding, and where the Hessian is not
// available.
func notMinimum(p *nabla.Program, x []float64) string {
	if len(x) == 0 || len(x) > maxClassified {
		return ""
	}
	var h mat.Dense
	if err := p.Hessian(&h, x); err != nil {
		return ""
	}
	n := len(x)
	sym := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		return ""
	}
	ev := eig.Values(nil) // ascending
	lo, hi := ev[0], ev[n-1]
	tol := 1e-8 * max(math.Abs(lo), math.Abs(hi))
	switch {
	case lo >= -tol:
		return ""
	case hi <= tol:
		return fmt.Sprintf("not a minimum but a maximum: the Hessian there has the eigenvalue %.3g, and none above 0", lo)
	}
	return fmt.Sprintf("not a minimum but a saddle point: the Hessian there has the eigenvalues %.3g and %.3g", lo, hi)
}

// minimizer runs one minimisation.
type minimizer struct {
	p *nabla.Program
	c Settings
	r *Result
}

// record makes it the last iterate and reports it.
func (m *minimizer) record(t int, x []float64, f float64, g []float64) {
	m.r.T, m.r.F = t, f
	m.r.X = append(m.r.X[:0], x...)
	m.r.Grad = append(m.r.Grad[:0], g...)
	if m.c.Trace != nil {
		m.c.Trace(Iterate{T: t, X: x, F: f, Grad: g})
	}
}

// divergeWindow is the number of steps over which growth of the
// gradient by divergeFactor, f rising, counts as divergence.
const (
	divergeWindow = 5
	divergeFactor = 2
)

// iterate runs the methods whose steps nabla takes itself.
func (m *minimizer) iterate(x0 []float64) error {
	n := len(x0)
	x, g := slices.Clone(x0), make([]float64, n)
	v, s, step := make([]float64, n), make([]float64, n), make([]float64, n)
	var h *mat.Dense
	if m.c.Method == Newton {
		h = mat.NewDense(max(n, 1), max(n, 1), nil)
	}
	w := watch{c: m.c}
	for t := 0; ; t++ {
		f, err := m.p.ValueGrad(g, x)
		m.r.Evals++
		if err != nil {
			if t > 0 {
				m.undefined(t, err, &w)
				return nil
			}
			return fmt.Errorf("optim: at the starting point: %w", err)
		}
		m.record(t, x, f, g)
		var done bool
		if m.r.Stop, m.r.Why, done = w.check(t, f, g, x); done {
			return nil
		}
		// The step.
		switch m.c.Method {
		case GD:
			floats.ScaleTo(step, -m.c.LR, g)
		case Momentum:
			floats.Scale(m.c.Beta, v)
			floats.Add(v, g)
			floats.ScaleTo(step, -m.c.LR, v)
		case Adam:
			k := float64(t + 1)
			for i, gi := range g {
				v[i] = m.c.Beta*v[i] + (1-m.c.Beta)*gi
				s[i] = m.c.Beta2*s[i] + (1-m.c.Beta2)*gi*gi
				vh, sh := v[i]/(1-math.Pow(m.c.Beta, k)), s[i]/(1-math.Pow(m.c.Beta2, k))
				step[i] = -m.c.LR * vh / (math.Sqrt(sh) + m.c.Eps)
			}
		case Newton:
			if err := m.newtonStep(step, h, x, g); err != nil {
				return err
			}
		}
		floats.Add(x, step)
		if sn := floats.Norm(step, 2); sn <= m.c.StepTol*max(floats.Norm(x, 2), 1) {
			f, err := m.p.ValueGrad(g, x)
			m.r.Evals++
			if err != nil {
				m.undefined(t+1, err, &w)
				return nil
			}
			m.record(t+1, x, f, g)
			m.r.Stop, m.r.Why = StepSmall, fmt.Sprintf("the step %.3g fell below %.3g·max(‖x‖, 1) after %s", sn, m.c.StepTol, iterations(t+1))
			return nil
		}
	}
}

// watch applies the stopping rules that every method shares.
type watch struct {
	c       Settings
	history [][2]float64 // f and ‖∇f‖ at the last iterates, the latest last
}

// check records the iterate t and says whether to stop there, and why.
func (w *watch) check(t int, f float64, g, x []float64) (stop Stop, why string, done bool) {
	gn := floats.Norm(g, 2)
	// The last steps only, in storage of their own.
	if w.history == nil {
		w.history = make([][2]float64, 0, 4*divergeWindow+1)
	}
	if len(w.history) == cap(w.history) {
		w.history = append(w.history[:0], w.history[1:]...)
	}
	w.history = append(w.history, [2]float64{f, gn})
	switch {
	case gn <= w.c.GradTol:
		return GradientSmall, fmt.Sprintf("‖∇f‖ = %.3g ≤ %.3g after %s", gn, w.c.GradTol, iterations(t)), true
	case w.diverging(x) != "":
		return Diverging, w.diverging(x), true
	case t == w.c.Iters:
		return IterationLimit, fmt.Sprintf("%s, ‖∇f‖ = %.3g", iterations(t), gn), true
	}
	return 0, "", false
}

// undefined stops the run at step t, whose point has no value (err): the
// iterates so far are the result. Where f fell at each of the last steps,
// it says that f may have no minimum.
func (m *minimizer) undefined(t int, err error, w *watch) {
	m.r.Stop = Undefined
	m.r.Why = fmt.Sprintf("step %d reached a point where %v", t, err)
	if h := w.history; len(h) > divergeWindow {
		h = h[len(h)-divergeWindow-1:]
		fell := true
		for i := 1; i < len(h); i++ {
			fell = fell && h[i][0] < h[i-1][0]
		}
		if fell && h[len(h)-1][0] < 0 {
			m.r.Why += fmt.Sprintf("; f fell at each of the last %d steps, to %.3g: it may have no minimum", divergeWindow, h[len(h)-1][0])
		}
	}
}

// diverging says why the iterates grow, or returns "": f or x not
// finite, or f rising at each of the last divergeWindow steps while the
// gradient's norm grew divergeFactor×, the mark of a rate so large that
// each step overshoots the minimum by more than the last.
func (w *watch) diverging(x []float64) string {
	k := len(w.history) - 1
	last := w.history[k]
	finite := !math.IsInf(last[0], 0) && !math.IsNaN(last[0]) && !math.IsInf(last[1], 0) &&
		!slices.ContainsFunc(x, func(v float64) bool { return math.IsInf(v, 0) || math.IsNaN(v) })
	// Momentum may climb for a while and come back; Adam's steps are
	// bounded by its rate, and Newton's by the curvature: for them only
	// values beyond float64 count.
	window, factor := divergeWindow, float64(divergeFactor)
	switch w.c.Method {
	case Momentum:
		window, factor = 4*divergeWindow, 5*divergeFactor
	case Adam, Newton:
		window = math.MaxInt
	}
	grew := false
	if k >= window {
		h := w.history[k-window:]
		grew = last[1] > factor*h[0][1]
		for i := 1; i < len(h); i++ {
			grew = grew && h[i][0] > h[i-1][0]
		}
	}
	if finite && !grew {
		return ""
	}
	advice := ""
	if w.c.Method.usesRate() {
		advice = fmt.Sprintf("; try --lr %.2g", w.c.LR/10)
	}
	if !finite {
		return fmt.Sprintf("diverging: the iterates left float64's range%s", advice)
	}
	return fmt.Sprintf("diverging: f rose at each of the last %d steps and ‖∇f‖ grew %.3g×%s", window, last[1]/w.history[k-window][1], advice)
}

// newtonStep solves H step = −g with the exact Hessian at x.
func (m *minimizer) newtonStep(step []float64, h *mat.Dense, x, g []float64) error {
	if err := m.p.Hessian(h, x); err != nil {
		return fmt.Errorf("optim: Newton's method needs the Hessian: %w", err)
	}
	m.r.Hess++
	n := len(x)
	var lu mat.LU
	lu.Factorize(h)
	if lu.Det() == 0 || mat.Cond(h, 1) > 1e15 {
		return fmt.Errorf("optim: Newton's method: the Hessian at %v is singular; try bfgs", x)
	}
	sv := mat.NewVecDense(n, step)
	if err := lu.SolveVecTo(sv, false, mat.NewVecDense(n, slices.Clone(g))); err != nil {
		return fmt.Errorf("optim: Newton's method: %w", err)
	}
	floats.Scale(-1, step)
	return nil
}

// recorder passes gonum's major iterations to the trace.
type recorder struct {
	m *minimizer
	t int
}

func (r *recorder) Init() error { return nil }

func (r *recorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op&optimize.MajorIteration != 0 && !slices.Equal(loc.X, r.m.r.X) {
		r.m.record(r.t, loc.X, loc.F, loc.Gradient)
		r.t++
	}
	return nil
}

// quasiNewton runs gonum's BFGS or L-BFGS on the program's exact gradient.
func (m *minimizer) quasiNewton(x0 []float64) error {
	var method optimize.Method = &optimize.BFGS{}
	if m.c.Method == LBFGS {
		method = &optimize.LBFGS{}
	}
	// The starting point first, as the other methods give it.
	g := make([]float64, len(x0))
	f, err := m.p.ValueGrad(g, x0)
	if err != nil {
		return fmt.Errorf("optim: at the starting point: %w", err)
	}
	m.record(0, x0, f, g)
	rec := &recorder{m: m, t: 1}
	settings := &optimize.Settings{
		// gonum's threshold bounds the largest entry: ‖∇f‖ ≤ GradTol
		// follows.
		GradientThreshold: m.c.GradTol / math.Sqrt(float64(max(len(x0), 1))),
		MajorIterations:   m.c.Iters,
		Recorder:          rec,
	}
	res, err := optimize.Minimize(m.p.Problem(), x0, settings, method)
	if res != nil {
		m.r.Evals = res.Stats.FuncEvaluations + res.Stats.GradEvaluations
		if !slices.Equal(m.r.X, res.X) {
			m.record(rec.t, res.X, res.F, res.Gradient)
		}
	}
	gn := 0.0
	if m.r.Grad != nil {
		gn = floats.Norm(m.r.Grad, 2)
	}
	switch {
	case res != nil && res.Status == optimize.GradientThreshold:
		m.r.Stop, m.r.Why = GradientSmall, fmt.Sprintf("‖∇f‖ = %.3g ≤ %.3g after %s", gn, m.c.GradTol, iterations(m.r.T))
	case res != nil && res.Status == optimize.IterationLimit:
		m.r.Stop, m.r.Why = IterationLimit, fmt.Sprintf("%s, ‖∇f‖ = %.3g", iterations(m.r.T), gn)
	case err != nil && res != nil && (errors.Is(err, optimize.ErrLinesearcherFailure) || errors.Is(err, optimize.ErrNoProgress)):
		m.r.Stop, m.r.Why = LineSearchFailed, fmt.Sprintf("the line search found no decrease after %s, ‖∇f‖ = %.3g (at the rounding of f)", iterations(m.r.T), gn)
	case err != nil:
		return fmt.Errorf("optim: %v: %w", m.c.Method, err)
	default:
		m.r.Stop, m.r.Why = StepSmall, fmt.Sprintf("%s after %s, ‖∇f‖ = %.3g", res.Status, iterations(m.r.T), gn)
	}
	return nil
}

// iterations writes "1 iteration", "3 iterations".
func iterations(n int) string {
	if n == 1 {
		return "1 iteration"
	}
	return fmt.Sprintf("%d iterations", n)
}
