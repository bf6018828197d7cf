package nabla

import (
	"errors"
	"maps"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

var tensorDecl = &ParseOptions{Vectors: []string{"a", "b", "x"}, Matrices: []string{"A", "B", "R", "X"}}

// TestTensorDerivatives checks the notes' derivatives that have no matrix
// form (§5.4): d(Ax)/dA and dK/dR for K = RᵀR, and others.
func TestTensorDerivatives(t *testing.T) {
	tests := []struct {
		f, wrt, shape, differential, index string
	}{
		{"A x", "A", "(m)×(m×n)", "dA x", "∂f_i/∂A_pq = δ_ip x_q"},
		{"R' R", "R", "(n×n)×(m×n)", "Rᵀ dR + dRᵀ R", "∂f_pq/∂R_ij = R_ip δ_jq + δ_pj R_iq"},
		{"X^-1", "X", "(m×m)×(m×m)", "-inv(X) dX inv(X)", "∂f_pq/∂X_ij = -(inv(X))_pi (inv(X))_jq"},
		{"A X B", "X", "(m×q)×(n×p)", "A dX B", "∂f_pq/∂X_ij = A_pi B_jq"},
		{"sin(X)", "X", "(m×n)×(m×n)", "dX .* cos(X)", "∂f_pq/∂X_ij = δ_pi δ_jq (cos(X))_pq"},
		{"x x'", "x", "(m×m)×(m)", "dx xᵀ + x dxᵀ", "∂f_pq/∂x_i = δ_pi x_q + x_p δ_iq"},
		{"sin(A x)", "A", "(m)×(m×n)", "cos(A x) .* (dA x)", "∂f_i/∂A_pq = δ_ip x_q (cos(A x))_i"},
		{"(a' X b) X", "X", "(m×n)×(m×n)", "(aᵀ dX b) X + (aᵀ X b) dX", "∂f_pq/∂X_ij = a_i b_j X_pq + (aᵀ X b) δ_pi δ_jq"},
		{"diag(A x)", "A", "(m×m)×(m×n)", "diag(dA x)", "∂f_pq/∂A_ij = δ_pq δ_pi x_j"},
		{"det(X) X", "X", "(m×m)×(m×m)", "det(X) tr(inv(X) dX) X + det(X) dX", "∂f_pq/∂X_ij = det(X) (inv(X))_ji X_pq + det(X) δ_pi δ_jq"},
		{"tr(X) X", "X", "(m×m)×(m×m)", "tr(dX) X + tr(X) dX", "∂f_pq/∂X_ij = δ_ji X_pq + tr(X) δ_pi δ_jq"},
		{"2(X + X') x", "X", "(m)×(m×m)", "2(dX + dXᵀ) x", "∂f_i/∂X_pq = 2 (δ_ip x_q + δ_iq x_p)"},
		{"diag(X)", "X", "(m)×(m×m)", "diag(dX)", "∂f_i/∂X_pq = δ_ip δ_qi"},
		{"diag(A X)", "X", "(m)×(n×m)", "diag(A dX)", "∂f_i/∂X_pq = A_ip δ_qi"},
	}
	for _, tt := range tests {
		t.Run(tt.f, func(t *testing.T) {
			f, err := ParseWith(tt.f, tensorDecl)
			if err != nil {
				t.Fatal(err)
			}
			if !NeedsTensor(f, tt.wrt) {
				t.Fatalf("NeedsTensor(%s, %s) = false", tt.f, tt.wrt)
			}
			td, err := DiffTensor(f, tt.wrt)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ what, got, want string }{
				{"shape", td.Shape, tt.shape},
				{"differential", td.Differential.String(), tt.differential},
				{"index form", td.Index, tt.index},
			} {
				if c.got != c.want {
					t.Errorf("%s: got %s, want %s", c.what, c.got, c.want)
				}
			}
		})
	}
}

// TestTensorValuesAgainstFiniteDifferences checks numeric tensors against
// central differences on random instances of random sizes.
func TestTensorValuesAgainstFiniteDifferences(t *testing.T) {
	cases := []struct{ f, wrt string }{
		{"A x", "A"}, {"R' R", "R"}, {"X^-1", "X"}, {"A X B", "X"}, {"sin(X)", "X"}, {"x x'", "x"},
		{"exp(A) .* A", "A"}, {"A x + x", "A"}, {"sin(A x)", "A"}, {"(a' X b) X", "X"}, {"diag(A x)", "A"},
		{"det(X) X", "X"}, {"tr(X) X", "X"}, {"2(X + X') x", "X"}, {"diag(X)", "X"}, {"diag(A X)", "X"},
	}
	for _, c := range cases {
		t.Run(c.f, func(t *testing.T) {
			f, err := ParseWith(c.f, tensorDecl)
			if err != nil {
				t.Fatal(err)
			}
			td, err := DiffTensor(f, c.wrt)
			if err != nil {
				t.Fatal(err)
			}
			rapid.Check(t, func(rt *rapid.T) {
				env := randomValues(rt, f)
				got, err := td.Values(env)
				if err != nil {
					derivativeFails(rt, f, env, "d"+c.f+"/d"+c.wrt, err)
				}
				x := env[c.wrt]
				n := len(x.Data)
				for k := 0; k < n; k++ {
					for i, want := range centralDifference(rt, f, env, c.wrt, k, 1e-5) {
						if g := got.Data[i*n+k]; math.Abs(g-want) > 1e-5*(1+math.Abs(want)) {
							rt.Fatalf("∂f_%d/∂%s_%d = %v, finite differences give %v", i, c.wrt, k, g, want)
						}
					}
				}
			})
		})
	}
}

// derivativeFails fails the check when a derivative cannot be evaluated
// at a point where f can, unless the derivative is undefined there (a
// domain error, as at the kink of a norm); then it skips the point.
func derivativeFails(t *rapid.T, f Expr, env map[string]Tensor, what string, err error) {
	var de *DomainError
	if _, ferr := f.Value(env); ferr != nil || errors.As(err, &de) {
		t.Skip(err.Error())
	}
	t.Fatalf("%s: %v", what, err)
}

// centralDifference is (f(x + h e_k) - f(x - h e_k)) / 2h, entry by entry,
// for the variable wrt at the point env: the change of f with entry k of
// wrt. A point where f has no value skips the check.
func centralDifference(t *rapid.T, f Expr, env map[string]Tensor, wrt string, k int, h float64) []float64 {
	return differenceAlong(t, f, env, wrt, func(data []float64, delta float64) { data[k] += delta }, h)
}

// differenceAlong is the central difference of f, entry by entry, when
// move moves the entries of wrt by delta along a direction.
func differenceAlong(t *rapid.T, f Expr, env map[string]Tensor, wrt string, move func(data []float64, delta float64), h float64) []float64 {
	at := func(delta float64) []float64 {
		e := maps.Clone(env)
		x := env[wrt]
		data := slices.Clone(x.Data)
		move(data, delta)
		e[wrt] = Tensor{Shape: x.Shape, Data: data}
		v, err := f.Value(e)
		if err != nil {
			t.Skip(err.Error())
		}
		return v.Data
	}
	plus, minus := at(h), at(-h)
	for i := range plus {
		plus[i] = (plus[i] - minus[i]) / (2 * h)
	}
	return plus
}

// randomValues draws values for the variables of f with random sizes and
// entries away from 0, square matrices kept well conditioned and symmetric
// matrices symmetric.
func randomValues(t *rapid.T, f Expr) map[string]Tensor {
	sizes := map[string]int{}
	env := map[string]Tensor{}
	for _, name := range f.Vars() {
		x := findVar(f.n, name)
		s := x.Shape()
		shape := make([]int, s.Rank())
		size := 1
		for i := range shape {
			d := s.Dim(i)
			if d.N > 0 {
				shape[i] = d.N
				size *= d.N
				continue
			}
			if _, ok := sizes[d.Sym]; !ok {
				sizes[d.Sym] = rapid.IntRange(1, 3).Draw(t, "size "+d.Sym)
			}
			shape[i] = sizes[d.Sym]
			size *= shape[i]
		}
		data := make([]float64, size)
		for i := range data {
			// Away from 0, where norms have a kink.
			data[i] = rapid.Float64Range(0.1, 1).Draw(t, name)
			if rapid.Bool().Draw(t, "sign") {
				data[i] = -data[i]
			}
		}
		if len(shape) == 2 && shape[0] == shape[1] {
			// Keep square matrices well conditioned and, where declared,
			// symmetric.
			for i := 0; i < shape[0]; i++ {
				data[i*shape[0]+i] += 3
				for j := 0; j < i && x.IsSymmetric(); j++ {
					data[j*shape[0]+i] = data[i*shape[0]+j]
				}
			}
		}
		env[name] = Tensor{Shape: shape, Data: data}
	}
	return env
}
