package nabla

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// sumDecl declares the matrices and vectors of the tests of indexed sums,
// each a comma-separated list.
func sumDecl(matrices, vectors string) *ParseOptions {
	o := &ParseOptions{}
	if matrices != "" {
		o.Matrices = strings.Split(matrices, ",")
	}
	if vectors != "" {
		o.Vectors = strings.Split(vectors, ",")
	}
	return o
}

const kmeans = "sum_{n,k} r[n,k] ||x[n] - μ[k]||^2"

func TestIndexedDiff(t *testing.T) {
	tests := []struct{ src, matrices, vectors, wrt, want string }{
		{kmeans, "x,μ,r", "", "μ[j]", "-2Σ_n r[n,j] (x[n]ᵀ - μ[j]ᵀ)"},
		{kmeans, "x,μ,r", "", "x[m]", "2Σ_k r[m,k] (x[m]ᵀ - μ[k]ᵀ)"},
		{kmeans, "x,μ,r", "", "r[a,b]", "norm(x[a] - μ[b])^2"},
		{"sum_i (y[i] - θ' x[i])^2", "x", "y,θ", "θ", "-2Σ_i (y[i] - θᵀ x[i]) x[i]ᵀ"},
		{"sum_i (y[i] - θ' x[i])^2", "x", "y,θ", "y[j]", "2(y[j] - θᵀ x[j])"},
		{"sum_i (y[i] - θ' x[i])^2 + λ θ'θ", "x", "y,θ", "θ", "2λ θᵀ - 2Σ_i (y[i] - θᵀ x[i]) x[i]ᵀ"},
		{"sum_i log(1 + exp(-y[i] θ' x[i]))", "x", "y,θ", "θ", "-Σ_i y[i] (1 - sigmoid(y[i] (θᵀ x[i]))) x[i]ᵀ"},
		{"log(sum_k exp(z[k]))", "", "z", "z[j]", "exp(z[j])/Σ_k exp(z[k])"},
		{"(sum_i y[i])^2", "", "y", "y[j]", "2Σ_i y[i]"},
		{"sum_{i,k} y[i] y[k] A[i,k]", "A", "y", "y[j]", "Σ_k A[j,k] y[k] + Σ_i A[i,j] y[i]"},
		{"sum_i (y[i] - W x[i])'(y[i] - W x[i])", "x,y,W", "", "W", "-Σ_i (2y[i] - 2W x[i]) x[i]ᵀ"},
		{"sum_i y[i]^2", "", "y", "y[j]", "2y[j]"},
	}
	for _, tt := range tests {
		f, err := ParseIndexed(tt.src, sumDecl(tt.matrices, tt.vectors))
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		d, err := f.Diff(tt.wrt)
		if err != nil {
			t.Errorf("∂/∂%s %s: %v", tt.wrt, tt.src, err)
			continue
		}
		if got := d.String(); got != tt.want {
			t.Errorf("∂/∂%s %s:\n got %s\nwant %s", tt.wrt, tt.src, got, tt.want)
		}
	}
}

func TestIndexedSolve(t *testing.T) {
	tests := []struct{ src, matrices, vectors, wrt, want string }{
		{kmeans, "x,μ,r", "", "μ[j]", "(Σ_n r[n,j] x[n])/Σ_n r[n,j]"},
		{kmeans, "x,μ,r", "", "x[m]", "(Σ_k r[m,k] μ[k])/Σ_k r[m,k]"},
		{"sum_i (y[i] - θ' x[i])^2", "x", "y,θ", "θ", "inv(Σ_i x[i] x[i]ᵀ) Σ_i y[i] x[i]"},
		{"sum_i (y[i] - θ' x[i])^2 + λ θ'θ", "x", "y,θ", "θ", "inv(Σ_i x[i] x[i]ᵀ + λ I) Σ_i y[i] x[i]"},
		{"sum_i (y[i] - w x[i])^2", "", "y,x", "w", "(Σ_i x[i] y[i])/Σ_i x[i]^2"},
		{"sum_i (y[i] - θ' x[i])^2", "x", "y,θ", "y[j]", "θᵀ x[j]"},
		{"||y - Φ θ||^2", "Φ", "y,θ", "θ", "inv(Φᵀ Φ) Φᵀ y"},
	}
	for _, tt := range tests {
		f, err := ParseIndexed(tt.src, sumDecl(tt.matrices, tt.vectors))
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		s, err := f.Solve(tt.wrt)
		if err != nil {
			t.Errorf("∂/∂%s %s = 0: %v", tt.wrt, tt.src, err)
			continue
		}
		if got := s.String(); got != tt.want {
			t.Errorf("∂/∂%s %s = 0:\n got %s\nwant %s", tt.wrt, tt.src, got, tt.want)
		}
	}
}

func TestIndexedRefusals(t *testing.T) {
	tests := []struct {
		src, matrices, vectors, wrt string
		solve, unsupported          bool
		want                        string
	}{
		{kmeans, "x,μ,r", "", "μ[k]", false, true, "k is an index of a sum in Σ_n Σ_k r[n,k] norm(x[n] - μ[k])^2: name the member with another index, as μ[j]"},
		{kmeans, "x,μ,r", "", "μ[2]", false, false, "cannot differentiate with respect to μ[2]: its indices are names, as in μ[j]; give j a value where the result is evaluated"},
		{kmeans, "x,μ,r", "", "μ", false, true, "μ appears by its members, as μ[k]: differentiate with respect to one of them, named by a free index, as μ[j]"},
		{kmeans, "x,μ,r", "", "μ[j,l]", false, true, "μ appears as μ[k] and as μ[j,l]: a row and an entry of one matrix are not differentiated together"},
		{"sum_i y[i]^2", "", "y", "y[j,l]", false, false, "cannot differentiate with respect to y[j,l]: y is a vector (N), whose members are y[j]"},
		{"sum_n r[n,l] ||x[n] - μ[l]||^2", "x,μ,r", "", "μ[j]", false, true, "∂μ[l]/∂μ[j] = δ_lj: l is a free index, so no sum collapses the delta"},
		{"sum_n ||x[n]||^2 + ||μ||_F^2", "x,μ", "", "μ[j]", false, true, "μ appears whole and by its members: nabla differentiates with respect to μ[j] only where μ appears by members"},
		{"||sum_n x[n]||^2", "x", "", "x[j]", false, true, "norm(Σ_n x[n])^2 depends on the vector (D) Σ_n x[n], which nabla differentiates only where it is the whole expression"},
		{"sum_n x[n]", "x", "", "x[j]", false, false, "Σ_n x[n] is a vector (D): derivatives of indexed sums are of scalars"},
		{"sum_{n,k} r[n,k]", "r", "", "q[a]", false, false, "cannot differentiate with respect to q[a]: q is not a declared vector or matrix"},
		{"sum_i log(1 + exp(-y[i] θ' x[i]))", "x", "y,θ", "θ", true, true, "∂f/∂θ = 0 is not linear in θ: the derivative of y[i] (1 - sigmoid(y[i] (θᵀ x[i]))) x[i] with respect to θ is -y[i]^2 sigmoid(y[i] (θᵀ x[i])) (1 - sigmoid(y[i] (θᵀ x[i]))) (x[i] x[i]ᵀ)"},
		{"log(sum_k exp(z[k]))", "", "z", "z[j]", true, true, "∂f/∂z[j] = exp(z[j])/Σ_k exp(z[k]) has the member z[k] of z besides z[j]: ∂f/∂z[j] = 0 ties z[j] to the other members of z, a system of equations nabla does not solve"},
		{"sum_n ||x[n] - m||^2", "x", "m", "m", true, true, "the sum over n of -I, whose terms do not depend on n, is N times -I: nabla has no name for the number of terms"},
		{"sum_i (y[i] - W x[i])'(y[i] - W x[i])", "x,y,W", "", "W", true, true, "solving ∂f/∂W = 0 for the matrix W: nabla solves for scalars and vectors"},
		{kmeans, "x,μ,r", "", "r[a,b]", true, true, "∂f/∂r[a,b] = norm(x[a] - μ[b])^2 does not depend on r[a,b]: it is 0 nowhere or everywhere"},
	}
	for _, tt := range tests {
		f, err := ParseIndexed(tt.src, sumDecl(tt.matrices, tt.vectors))
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if tt.solve {
			_, err = f.Solve(tt.wrt)
		} else {
			_, err = f.Diff(tt.wrt)
		}
		var u *UnsupportedError
		switch {
		case err == nil:
			t.Errorf("∂/∂%s %s: no error, want %s", tt.wrt, tt.src, tt.want)
		case err.Error() != tt.want:
			t.Errorf("∂/∂%s %s:\n got %v\nwant %s", tt.wrt, tt.src, err, tt.want)
		case errors.As(err, &u) != tt.unsupported:
			t.Errorf("∂/∂%s %s: %T, an *UnsupportedError: %v", tt.wrt, tt.src, err, tt.unsupported)
		}
	}
}

func TestIndexedAbsent(t *testing.T) {
	f, err := ParseIndexed(kmeans, sumDecl("x,μ,r", ""))
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Diff("q")
	var absent *AbsentError
	if !errors.As(err, &absent) || d == nil || d.String() != "0" {
		t.Errorf("∂/∂q = %v, %v; want 0 and an *AbsentError", d, err)
	}
}

// kmeansData are six points in two clusters of three, assigned to their
// clusters, and two centroids.
func kmeansData() map[string]Tensor {
	return map[string]Tensor{
		"x": {Shape: []int{6, 2}, Data: []float64{1, 1, 1.5, 2, 1, 0, 5, 7, 3.5, 5, 4.5, 5}},
		"r": {Shape: []int{6, 2}, Data: []float64{1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1}},
		"μ": {Shape: []int{2, 2}, Data: []float64{1, 1, 4, 6}},
	}
}

func TestIndexedValue(t *testing.T) {
	f, err := ParseIndexed(kmeans, sumDecl("x,μ,r", ""))
	if err != nil {
		t.Fatal(err)
	}
	env := kmeansData()
	check := func(what string, e *Indexed, env map[string]Tensor, want ...float64) {
		t.Helper()
		v, err := e.Value(env)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !closeAllTol(v.Data, want, 1e-12) {
			t.Errorf("%s = %v, want %v", what, v.Data, want)
		}
	}
	// The loss: 0 + 5/4 + 1 in the first cluster, 2 + 5/4 + 5/4 in the second.
	check("L", f, env, 6.75)
	d, err := f.Diff("μ[j]")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Solve("μ[j]")
	if err != nil {
		t.Fatal(err)
	}
	env["j"] = Tensor{Data: []float64{2}}
	check("∂L/∂μ[2]", d, env, -2, 2)
	check("μ[2]", s, env, 13.0/3, 17.0/3)
	env["j"] = Tensor{Data: []float64{1}}
	check("μ[1]", s, env, 3.5/3, 1)
	for _, tt := range []struct {
		j    Tensor
		want string
	}{
		{Tensor{Data: []float64{3}}, "the index j = 3 is out of its range 1…2"},
		{Tensor{Data: []float64{1.5}}, "the index j takes a whole number from 1, not 1.5"},
	} {
		env["j"] = tt.j
		if _, err := s.Value(env); err == nil || err.Error() != tt.want {
			t.Errorf("j = %v: got %v, want %s", tt.j.Data, err, tt.want)
		}
	}
	delete(env, "j")
	if _, err := s.Value(env); err == nil || err.Error() != "no value for the index j: give it a whole number from 1, as j=1" {
		t.Errorf("no j: got %v", err)
	}
	env["r"] = Tensor{Shape: []int{5, 2}, Data: make([]float64, 10)}
	if _, err := f.Value(env); err == nil || err.Error() != "r has 5 rows but x has 6, and both are the size N" {
		t.Errorf("r of 5 rows: got %v", err)
	}
}

func closeAllTol(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			return false
		}
	}
	return true
}

// randomData draws values for the variables of the tests: x (N×D), μ
// (K×D), r (N×K), y (N), θ (D), z (K), A (N×N), W (N×D, as y's rows), and
// scalars c and λ, with N = 5, K = 3, D = 2.
func randomData(r *rand.Rand) map[string]Tensor {
	draw := func(shape ...int) Tensor {
		n := 1
		for _, d := range shape {
			n *= d
		}
		t := Tensor{Shape: shape, Data: make([]float64, n)}
		for i := range t.Data {
			t.Data[i] = 2*r.Float64() - 1
		}
		return t
	}
	const N, K, D = 5, 3, 2
	return map[string]Tensor{
		"x": draw(N, D), "μ": draw(K, D), "r": draw(N, K), "y": draw(N), "θ": draw(D), "z": draw(K),
		"A": draw(N, N), "c": draw(), "λ": {Data: []float64{0.5 + r.Float64()}},
	}
}

// TestIndexedMatrixForms checks sums against the matrix forms that equal
// them, at random data: their values, and their derivatives, a member's
// derivative being a row of the matrix derivative.
func TestIndexedMatrixForms(t *testing.T) {
	tests := []struct {
		sum, matrix, matrices, vectors string
		wrt, matrixWrt                 string
		row                            int // the row of the matrix derivative that is the member's, from 1; 0 for all
	}{
		{"sum_i (y[i] - θ' x[i])^2", "||y - x θ||^2", "x", "y,θ", "θ", "θ", 0},
		{kmeans, "sum((x .* x)' r) - 2sum(r .* (x μ')) + sum(r (μ .* μ))", "x,μ,r", "", "μ[j]", "μ", 2},
		{kmeans, "sum((x .* x)' r) - 2sum(r .* (x μ')) + sum(r (μ .* μ))", "x,μ,r", "", "x[j]", "x", 2},
		{"log(sum_k exp(z[k]))", "logsumexp(z)", "", "z", "z[j]", "z", 2},
		{"sum_i log(1 + exp(-y[i] θ' x[i]))", "sum(log(1 + exp(-y .* (x θ))))", "x", "y,θ", "θ", "θ", 0},
		{"sum_{i,k} y[i] y[k] A[i,k]", "y' A y", "A", "y", "y[j]", "y", 2},
		{"sum_i (y[i] - θ' x[i])^2 + λ θ'θ", "||y - x θ||^2 + λ θ'θ", "x", "y,θ", "θ", "θ", 0},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tt := range tests {
		f, err := ParseIndexed(tt.sum, sumDecl(tt.matrices, tt.vectors))
		if err != nil {
			t.Fatalf("%s: %v", tt.sum, err)
		}
		m, err := ParseWith(tt.matrix, sumDecl(tt.matrices, tt.vectors))
		if err != nil {
			t.Fatalf("%s: %v", tt.matrix, err)
		}
		d, err := f.Diff(tt.wrt)
		if err != nil {
			t.Fatalf("%s: %v", tt.sum, err)
		}
		dm, err := Diff(m, tt.matrixWrt, 1)
		if err != nil {
			t.Fatalf("%s: %v", tt.matrix, err)
		}
		for range 5 {
			env := randomData(rng)
			env["j"] = Tensor{Data: []float64{float64(tt.row)}}
			menv := map[string]Tensor{}
			for _, v := range m.Vars() {
				menv[v] = env[v]
			}
			fv, err1 := f.Value(env)
			mv, err2 := m.Value(menv)
			if err1 != nil || err2 != nil || !closeAllTol(fv.Data, mv.Data, 1e-12) {
				t.Fatalf("%s = %v (%v), %s = %v (%v)", tt.sum, fv.Data, err1, tt.matrix, mv.Data, err2)
			}
			dv, err1 := d.Value(env)
			dmv, err2 := dm.Value(menv)
			if err1 != nil || err2 != nil {
				t.Fatalf("∂/∂%s: %v, %v", tt.wrt, err1, err2)
			}
			want := dmv.Data
			switch {
			case tt.row > 0 && len(env[tt.matrixWrt].Shape) == 2:
				cols := dmv.Shape[1]
				want = want[(tt.row-1)*cols : tt.row*cols]
			case tt.row > 0:
				want = want[tt.row-1 : tt.row]
			}
			if !closeAllTol(dv.Data, want, 1e-12) {
				t.Fatalf("∂/∂%s %s = %v, but ∂/∂%s %s = %v", tt.wrt, tt.sum, dv.Data, tt.matrixWrt, tt.matrix, want)
			}
		}
	}
}

// TestIndexedSolutions checks solutions against the matrix forms of the
// normal equations and of k-means' means, at random data.
func TestIndexedSolutions(t *testing.T) {
	tests := []struct{ sum, matrix, matrices, vectors, wrt string }{
		{"sum_i (y[i] - θ' x[i])^2", "inv(x' x) x' y", "x", "y,θ", "θ"},
		{"sum_i (y[i] - θ' x[i])^2 + λ θ'θ", "inv(x' x + λ I) x' y", "x", "y,θ", "θ"},
		{kmeans, "", "x,μ,r", "", "μ[j]"},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tt := range tests {
		f, err := ParseIndexed(tt.sum, sumDecl(tt.matrices, tt.vectors))
		if err != nil {
			t.Fatalf("%s: %v", tt.sum, err)
		}
		s, err := f.Solve(tt.wrt)
		if err != nil {
			t.Fatalf("%s: %v", tt.sum, err)
		}
		for range 5 {
			env := randomData(rng)
			env["j"] = Tensor{Data: []float64{2}}
			got, err := s.Value(env)
			if err != nil {
				t.Fatal(err)
			}
			var want []float64
			if tt.wrt == "μ[j]" {
				// The mean of the points weighted by column 2 of r.
				x, r := env["x"], env["r"]
				want = make([]float64, 2)
				total := 0.0
				for n := 0; n < 5; n++ {
					w := r.Data[n*3+1]
					total += w
					for d := 0; d < 2; d++ {
						want[d] += w * x.Data[n*2+d]
					}
				}
				for d := range want {
					want[d] /= total
				}
			} else {
				m, err := ParseWith(tt.matrix, sumDecl(tt.matrices, tt.vectors))
				if err != nil {
					t.Fatal(err)
				}
				menv := map[string]Tensor{}
				for _, v := range m.Vars() {
					menv[v] = env[v]
				}
				mv, err := m.Value(menv)
				if err != nil {
					t.Fatal(err)
				}
				want = mv.Data
			}
			if !closeAllTol(got.Data, want, 1e-9) {
				t.Fatalf("%s: %s = %v, want %v", tt.sum, s, got.Data, want)
			}
		}
	}
}

// TestIndexedRoundTrip prints expressions with sums, their derivatives
// and solutions, and reads them back: the same text, the same values.
func TestIndexedRoundTrip(t *testing.T) {
	tests := []struct{ src, matrices, vectors, wrt string }{
		{kmeans, "x,μ,r", "", "μ[j]"},
		{"sum_i (y[i] - θ' x[i])^2 + λ θ'θ", "x", "y,θ", "θ"},
		{"log(sum_k exp(z[k]))", "", "z", "z[j]"},
		{"sum_{i,k} y[i] y[k] A[i,k]", "A", "y", "y[j]"},
		{"(sum_i y[i])^2 / sum_k z[k]^2 + sum_i y[i] sum_k z[k]", "", "y,z", "y[j]"},
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tt := range tests {
		opts := sumDecl(tt.matrices, tt.vectors)
		f, err := ParseIndexed(tt.src, opts)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		all := []*Indexed{f}
		if d, err := f.Diff(tt.wrt); err == nil {
			all = append(all, d)
		} else {
			t.Errorf("∂/∂%s %s: %v", tt.wrt, tt.src, err)
		}
		if s, err := f.Solve(tt.wrt); err == nil {
			all = append(all, s)
		}
		env := randomData(rng)
		env["j"] = Tensor{Data: []float64{2}}
		for _, e := range all {
			back, err := ParseIndexed(e.String(), opts)
			if err != nil {
				t.Errorf("%s does not read back: %v", e, err)
				continue
			}
			if back.String() != e.String() {
				t.Errorf("%s reads back as %s", e, back)
			}
			v1, err1 := e.Value(env)
			v2, err2 := back.Value(env)
			if err1 != nil || err2 != nil || !closeAllTol(v1.Data, v2.Data, 1e-12) {
				t.Errorf("%s = %v (%v), read back %v (%v)", e, v1.Data, err1, v2.Data, err2)
			}
		}
	}
}

func TestIndexedStepsKMeans(t *testing.T) {
	f, err := ParseIndexed(kmeans, sumDecl("x,μ,r", ""))
	if err != nil {
		t.Fatal(err)
	}
	d, err := IndexedSteps(f, "μ[j]", &IndexedStepsOptions{Solve: true})
	if err != nil {
		t.Fatal(err)
	}
	want := `∂f/∂μ[j] = 0 for f = Σ_n Σ_k r[n,k] norm(x[n] - μ[k])^2; n = 1…N; k, j = 1…K; μ[j] ∈ ℝ^(D)

1. sum rule: ∂/∂w Σ_i f_i = Σ_i ∂f_i/∂w
   ∂f/∂μ[j] = Σ_n Σ_k ∂/∂μ[j] (r[n,k] norm(x[n] - μ[k])^2)
2. differentiate: ∂μ[k]/∂μ[j] = δ_kj I
   ∂/∂μ[k] (r[n,k] norm(x[n] - μ[k])^2) = -2r[n,k] (x[n]ᵀ - μ[k]ᵀ)  ∈ ℝ^(1×D) (nabla diff)
   ∂f/∂μ[j] = Σ_n Σ_k δ_kj (-2r[n,k] (x[n]ᵀ - μ[k]ᵀ))
3. sum out: δ_kj: only the term k = j is non-zero
   ∂f/∂μ[j] = -2Σ_n r[n,j] (x[n]ᵀ - μ[j]ᵀ)  ∈ ℝ^(1×D)
4. set to zero: ∂f/∂μ[j] = 0
   transposed into a column
   -2Σ_n r[n,j] (x[n] - μ[j]) = 0
5. linear: Σ_n (A_n μ[j] + b_n) = (Σ_n A_n) μ[j] + Σ_n b_n
   let A_n = 2r[n,j] I, b_n = -2r[n,j] x[n]
   2(Σ_n r[n,j]) μ[j] - 2Σ_n r[n,j] x[n] = 0
6. rearrange: b to the right, both sides divided by 2
   (Σ_n r[n,j]) μ[j] = Σ_n r[n,j] x[n]
7. solve: a μ[j] = b ⇒ μ[j] = b/a
   μ[j] = (Σ_n r[n,j] x[n])/Σ_n r[n,j]  ∈ ℝ^(D)

μ[j] = (Σ_n r[n,j] x[n])/Σ_n r[n,j]  ∈ ℝ^(D)
`
	if got := d.Text(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// drawSummand draws a scalar function of the members x[n], μ[k], y[n],
// r[n,k] and the variables θ and c, in the syntax, of bounded depth.
func drawSummand(t *rapid.T, depth int) string {
	atoms := []string{"r[n,k]", "y[n]", "c", "θ' x[n]", "x[n]' μ[k]", "||x[n] - μ[k]||^2", "θ' μ[k]", "μ[k]' μ[k]", "2", "1/2"}
	if depth == 0 {
		return rapid.SampledFrom(atoms).Draw(t, "atom")
	}
	a := drawSummand(t, depth-1)
	switch rapid.IntRange(0, 8).Draw(t, "op") {
	case 0:
		return "(" + a + " + " + drawSummand(t, depth-1) + ")"
	case 1:
		return "(" + a + " - " + drawSummand(t, depth-1) + ")"
	case 2:
		return "(" + a + ") * (" + drawSummand(t, depth-1) + ")"
	case 3:
		return "(" + a + ")^2"
	case 4:
		return "sin(" + a + ")"
	case 5:
		return "exp((" + a + ")/8)"
	case 6:
		return "log(1 + (" + a + ")^2)"
	case 7:
		return "sigmoid(" + a + ")"
	}
	return rapid.SampledFrom(atoms).Draw(t, "atom")
}

// TestIndexedDerivativeProperty checks the derivatives of random indexed
// sums with respect to members and variables against central differences
// at random data.
func TestIndexedDerivativeProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		body := drawSummand(t, 3)
		src := "sum_{n,k} r[n,k] * (" + body + ")"
		if rapid.Bool().Draw(t, "extra") {
			src += " + c θ'θ + log(sum_k exp(θ' μ[k]))"
		}
		wrt := rapid.SampledFrom([]string{"μ[j]", "x[m]", "r[a,b]", "θ", "c", "y[m]"}).Draw(t, "wrt")
		f, err := ParseIndexed(src, sumDecl("x,μ,r", "y,θ"))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		d, err := f.Diff(wrt)
		var absent *AbsentError
		if errors.As(err, &absent) {
			return
		}
		if err != nil {
			t.Fatalf("∂/∂%s %s: %v", wrt, src, err)
		}
		env := randomData(rand.New(rand.NewPCG(uint64(len(src)), 9)))
		for _, i := range []string{"j", "m", "a", "b"} {
			env[i] = Tensor{Data: []float64{2}}
		}
		got, err := d.Value(env)
		if err != nil {
			t.Fatalf("∂/∂%s %s = %s: %v", wrt, src, d, err)
		}
		name, entries := memberEntries(wrt, env)
		val := env[name]
		if len(entries) != len(got.Data) {
			t.Fatalf("∂/∂%s %s = %s has %d entries, want %d", wrt, src, d, len(got.Data), len(entries))
		}
		for k, p := range entries {
			v := val.Data[p]
			h := 1e-6 * math.Max(1, math.Abs(v))
			val.Data[p] = v + h
			fp, err1 := f.Value(env)
			val.Data[p] = v - h
			fm, err2 := f.Value(env)
			val.Data[p] = v
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v %v", src, err1, err2)
			}
			fd := (fp.Data[0] - fm.Data[0]) / (2 * h)
			// The difference of two values of f near each other keeps only
			// the digits of f that differ: its rounding error, some ulps of
			// f over 2h, bounds how well fd can agree where f is large.
			rounding := 64 * 0x1p-52 * math.Max(math.Abs(fp.Data[0]), math.Abs(fm.Data[0])) / (2 * h)
			if math.Abs(fd-got.Data[k]) > 1e-5*math.Max(1, math.Abs(fd))+rounding {
				t.Fatalf("∂/∂%s %s = %s: entry %d is %v, central differences %v", wrt, src, d, k+1, got.Data[k], fd)
			}
		}
	})
}

// memberEntries returns the family or variable wrt names and the
// positions of its entries in the family's value, at the indices 2.
func memberEntries(wrt string, env map[string]Tensor) (string, []int) {
	name, _, member := strings.Cut(wrt, "[")
	v := env[name]
	switch {
	case !member:
		pos := make([]int, len(v.Data))
		for i := range pos {
			pos[i] = i
		}
		return name, pos
	case len(v.Shape) == 1:
		return name, []int{1}
	case strings.Contains(wrt, ","):
		return name, []int{v.Shape[1] + 1}
	}
	cols := v.Shape[1]
	pos := make([]int, cols)
	for i := range pos {
		pos[i] = cols + i
	}
	return name, pos
}

func ExampleIndexed() {
	opts := &ParseOptions{Matrices: []string{"x", "μ", "r"}}
	f, err := ParseIndexed("sum_{n,k} r[n,k] ||x[n] - μ[k]||^2", opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := f.Diff("μ[j]")
	mu, _ := f.Solve("μ[j]")
	fmt.Println(f)
	fmt.Println(d)
	fmt.Println(mu)
	// Output:
	// Σ_n Σ_k r[n,k] norm(x[n] - μ[k])^2
	// -2Σ_n r[n,j] (x[n]ᵀ - μ[j]ᵀ)
	// (Σ_n r[n,j] x[n])/Σ_n r[n,j]
}
