package optim

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

var allLstsqMethods = []LstsqMethod{LstsqQR, LstsqNormal, LstsqSVD, LstsqGD}

// TestLeastSquaresExact fits data that a model fits exactly: every method
// finds its parameters, a zero residual and R² = 1.
func TestLeastSquaresExact(t *testing.T) {
	tests := []struct {
		name  string
		phi   [][]float64
		y     []float64
		theta []float64
	}{
		{"line 1 + 2x", [][]float64{{1, 0}, {1, 1}, {1, 2}, {1, 3}}, []float64{1, 3, 5, 7}, []float64{1, 2}},
		{"through the origin", [][]float64{{1}, {2}, {-3}}, []float64{0.5, 1, -1.5}, []float64{0.5}},
		{"parabola x²", [][]float64{{1, -1, 1}, {1, 0, 0}, {1, 1, 1}, {1, 2, 4}}, []float64{1, 0, 1, 4}, []float64{0, 0, 1}},
		{"square", [][]float64{{2, 1}, {1, 3}}, []float64{3, 5}, []float64{0.8, 1.4}},
	}
	for _, tt := range tests {
		for _, m := range allLstsqMethods {
			t.Run(tt.name+"/"+m.String(), func(t *testing.T) {
				res, err := LeastSquares(fitDense(tt.phi), tt.y, &LstsqOptions{Method: m, Tol: 1e-14})
				if err != nil {
					t.Fatal(err)
				}
				if !floats.EqualApprox(res.Theta, tt.theta, 1e-12) {
					t.Errorf("θ = %v, want %v", res.Theta, tt.theta)
				}
				if res.Residual > 1e-12 {
					t.Errorf("residual %g, want 0", res.Residual)
				}
				if math.Abs(res.R2-1) > 1e-12 {
					t.Errorf("R² = %v, want 1", res.R2)
				}
				if !res.Converged || res.Rank != len(tt.theta) || res.Method != m {
					t.Errorf("converged %v, rank %d, method %v", res.Converged, res.Rank, res.Method)
				}
			})
		}
	}
}

// TestLeastSquaresSmall checks the residual, R² and the gradient of a fit
// that is not exact, computed by hand: the line through (0, 0), (1, 1),
// (2, 1) is y = 1/6 + x/2 with residuals −1/6, 1/3, −1/6.
func TestLeastSquaresSmall(t *testing.T) {
	phi := fitDense([][]float64{{1, 0}, {1, 1}, {1, 2}})
	res, err := LeastSquares(phi, []float64{0, 1, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !floats.EqualApprox(res.Theta, []float64{1.0 / 6, 0.5}, 1e-15) {
		t.Errorf("θ = %v, want [1/6 1/2]", res.Theta)
	}
	if want := math.Sqrt(1.0 / 6); math.Abs(res.Residual-want) > 1e-15 {
		t.Errorf("residual %v, want √(1/6) = %v", res.Residual, want)
	}
	// ȳ = 2/3, ||y − ȳ||² = 2/3, RSS = 1/6: R² = 1 − 1/4.
	if math.Abs(res.R2-0.75) > 1e-15 {
		t.Errorf("R² = %v, want 0.75", res.R2)
	}
	for j, g := range res.Grad {
		if math.Abs(g) > 1e-15 {
			t.Errorf("∂L/∂θ[%d] = %g, want 0", j, g)
		}
	}
	// ΦᵀΦ = [[3, 3], [3, 5]] has the eigenvalues 4 ± √10, the squares
	// of Φ's singular values.
	if math.Abs(res.Cond-math.Sqrt((4+math.Sqrt(10))/(4-math.Sqrt(10)))) > 1e-12 {
		t.Errorf("condition number %v", res.Cond)
	}
}

// numpyCase is a problem of testdata/lstsq_numpy.json with numpy's
// solution; optim/testdata/gen_lstsq.py writes them.
type numpyCase struct {
	Name     string      `json:"name"`
	Phi      [][]float64 `json:"phi"`
	Y        []float64   `json:"y"`
	Theta    []float64   `json:"theta"`
	Residual float64     `json:"residual"`
	Rank     int         `json:"rank"`
	Singular []float64   `json:"singular"`
}

// TestLeastSquaresNumpy compares each method with numpy.linalg.lstsq:
// θ to 1e-10 relative (the normal equations, whose error grows with κ²,
// and gradient descent to their own bounds), the residual, the rank and
// the singular values.
func TestLeastSquaresNumpy(t *testing.T) {
	data, err := os.ReadFile("testdata/lstsq_numpy.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []numpyCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 5 {
		t.Fatalf("%d cases", len(cases))
	}
	for _, c := range cases {
		for _, m := range allLstsqMethods {
			t.Run(c.Name+"/"+m.String(), func(t *testing.T) {
				res, err := LeastSquares(fitDense(c.Phi), c.Y, &LstsqOptions{Method: m, Tol: 1e-14})
				if err != nil {
					t.Fatal(err)
				}
				tol := 1e-10
				switch m {
				case LstsqNormal:
					tol = max(tol, 100*res.Cond*res.Cond*0x1p-52)
				case LstsqGD:
					if res.Cond > 30 {
						t.Skipf("κ = %.3g: gradient descent needs ~κ² iterations", res.Cond)
					}
					tol = 1e-9
				}
				if d := lstsqRelDiff(res.Theta, c.Theta); d > tol {
					t.Errorf("θ = %v\nnumpy %v\nrelative difference %.3g > %.3g", res.Theta, c.Theta, d, tol)
				}
				// An error Δθ moves the residual by at most σ₁||Δθ||.
				if d := math.Abs(res.Residual - c.Residual); d > tol*(res.Singular[0]*floats.Norm(c.Theta, 2)+floats.Norm(c.Y, 2)) {
					t.Errorf("residual %v, numpy %v", res.Residual, c.Residual)
				}
				if res.Rank != c.Rank {
					t.Errorf("rank %d, numpy %d", res.Rank, c.Rank)
				}
				if d := lstsqRelDiff(res.Singular, c.Singular); d > 1e-12 {
					t.Errorf("singular values %v, numpy %v", res.Singular, c.Singular)
				}
				// The gradient at the solution is zero up to rounding,
				// relative to the size of its terms, 2||Φ||·||y||.
				scale := 2 * res.Singular[0] * floats.Norm(c.Y, 2)
				if g := floats.Norm(res.Grad, 2); g > tol*scale {
					t.Errorf("||∂L/∂θ|| = %g at the solution, more than %g", g, tol*scale)
				}
			})
		}
	}
}

// lstsqRelDiff is ||a − b|| / ||b||.
func lstsqRelDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	return floats.Distance(a, b, 2) / floats.Norm(b, 2)
}

// TestLeastSquaresRank checks that linearly dependent columns are an
// error that names them.
func TestLeastSquaresRank(t *testing.T) {
	tests := []struct {
		name  string
		phi   [][]float64
		names []string
		want  string
		col   int
	}{
		{"x2 = 2·x1", [][]float64{{1, 1, 2}, {1, 2, 4}, {1, 3, 6}, {1, 5, 10}}, []string{"intercept", "x1", "x2"},
			"column x2 = 2·x1: the columns are linearly dependent", 2},
		{"constant", [][]float64{{1, 3, 1}, {1, 3, 2}, {1, 3, 5}}, []string{"intercept", "c", "x"},
			"column c = 3·intercept: the columns are linearly dependent", 1},
		{"combination", [][]float64{{1, 0, 1}, {1, 1, 0}, {1, 2, -1}, {1, 4, -3}}, []string{"intercept", "a", "b"},
			"column b = intercept - a: the columns are linearly dependent", 2},
		{"zero", [][]float64{{1, 0}, {2, 0}, {3, 0}}, []string{"x", "z"},
			"column z is zero: the columns are linearly dependent", 1},
		{"unnamed", [][]float64{{1, -0.5}, {2, -1}, {4, -2}}, nil,
			"column 2 = -0.5·column 1: the columns are linearly dependent", 1},
		{"wide", [][]float64{{1, 0, 2}, {0, 1, 3}}, []string{"a", "b", "c"},
			"column c = 2·a + 3·b: the columns are linearly dependent (2 rows for 3 columns)", 2},
	}
	for _, tt := range tests {
		for _, m := range allLstsqMethods {
			t.Run(tt.name+"/"+m.String(), func(t *testing.T) {
				_, err := LeastSquares(fitDense(tt.phi), make([]float64, len(tt.phi)), &LstsqOptions{Method: m, Names: tt.names})
				var re *RankError
				if !errors.As(err, &re) {
					t.Fatalf("error %v, want a *RankError", err)
				}
				if err.Error() != tt.want {
					t.Errorf("got %q\nwant %q", err, tt.want)
				}
				if re.Column != tt.col {
					t.Errorf("column %d, want %d", re.Column, tt.col)
				}
			})
		}
	}
}

// TestLeastSquaresErrors checks the messages of bad input.
func TestLeastSquaresErrors(t *testing.T) {
	phi := fitDense([][]float64{{1, 1}, {1, 2}, {1, 3}})
	nan := fitDense([][]float64{{1, 1}, {1, math.NaN()}, {1, 3}})
	tests := []struct {
		name string
		phi  *mat.Dense
		y    []float64
		opts *LstsqOptions
		want string
	}{
		{"NaN in Φ", nan, []float64{1, 2, 3}, &LstsqOptions{Names: []string{"intercept", "size"}}, "row 2, column size: NaN is not a finite number"},
		{"NaN unnamed", nan, []float64{1, 2, 3}, nil, "row 2, column 2: NaN is not a finite number"},
		{"Inf in y", phi, []float64{1, math.Inf(1), 3}, nil, "row 2 of y: +Inf is not a finite number"},
		{"length", phi, []float64{1, 2}, nil, "y has 2 entries, but Φ has 3 rows"},
		{"names", phi, []float64{1, 2, 3}, &LstsqOptions{Names: []string{"a"}}, "1 names for 2 columns"},
		{"nil", nil, nil, nil, "no data"},
		{"method", phi, []float64{1, 2, 3}, &LstsqOptions{Method: 9}, "unknown method LstsqMethod(9)"},
		{"tolerance", phi, []float64{1, 2, 3}, &LstsqOptions{Tol: -1}, "iterations 100000, tolerance -1: both must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LeastSquares(tt.phi, tt.y, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestLeastSquaresGDStops checks that gradient descent on an
// ill-conditioned problem stops at its iteration bound and says so.
func TestLeastSquaresGDStops(t *testing.T) {
	phi := fitDense([][]float64{{1, 100}, {1, 101}, {1, 102}, {1, 104}})
	res, err := LeastSquares(phi, []float64{1, 2, 3, 5}, &LstsqOptions{Method: LstsqGD, Iters: 50})
	if err != nil {
		t.Fatal(err)
	}
	if res.Converged || res.Iters != 50 {
		t.Errorf("converged %v after %d iterations, want false after 50", res.Converged, res.Iters)
	}
	// Each step lowers the loss: after 50 it is below the loss at θ = 0.
	if res.Residual >= floats.Norm([]float64{1, 2, 3, 5}, 2) {
		t.Errorf("residual %v after 50 steps", res.Residual)
	}
}

func TestParseLstsqMethod(t *testing.T) {
	for _, m := range allLstsqMethods {
		got, err := ParseLstsqMethod(m.String())
		if err != nil || got != m {
			t.Errorf("ParseLstsqMethod(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseLstsqMethod("lu"); err == nil || err.Error() != `unknown method "lu": choose qr, normal, svd or gd` {
		t.Errorf("got %v", err)
	}
}

// fitDense makes a matrix of rows.
func fitDense(rows [][]float64) *mat.Dense {
	m := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		m.SetRow(i, r)
	}
	return m
}

// TestLeastSquaresScale checks that the units of the columns and of y do
// not change the fit: the same line through points near 1e-200 or with a
// feature near 1e150 has the same rank, θ in the new units, and the same
// R², where a rank test on Φ as given saw the small column as a multiple
// of the intercept and the sums of squares underflowed.
func TestLeastSquaresScale(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	y := []float64{2, 3, 5, 4}
	fit := func(xs, ys float64) *LstsqResult {
		phi := mat.NewDense(len(x), 2, nil)
		yy := make([]float64, len(y))
		for i := range x {
			phi.Set(i, 0, 1)
			phi.Set(i, 1, x[i]*xs)
			yy[i] = y[i] * ys
		}
		res, err := LeastSquares(phi, yy, nil)
		if err != nil {
			t.Fatalf("x·%g, y·%g: %v", xs, ys, err)
		}
		return res
	}
	base := fit(1, 1)
	for _, s := range []struct{ xs, ys float64 }{{1e-200, 1e-200}, {1e-200, 1}, {1e150, 1}, {1, 1e-150}} {
		got := fit(s.xs, s.ys)
		want := []float64{base.Theta[0] * s.ys, base.Theta[1] * s.ys / s.xs}
		for j := range want {
			if math.Abs(got.Theta[j]-want[j]) > 1e-12*math.Abs(want[j]) {
				t.Errorf("x·%g, y·%g: θ[%d] = %v, want %v", s.xs, s.ys, j, got.Theta[j], want[j])
			}
		}
		if got.Rank != 2 || math.Abs(got.R2-base.R2) > 1e-12 {
			t.Errorf("x·%g, y·%g: rank %d, R² %v; want 2, %v", s.xs, s.ys, got.Rank, got.R2, base.R2)
		}
	}
}
