package nabla

import (
	"math"
	"strings"
	"testing"
)

// TestMatrixStepsCheckPoint checks derivations whose check point once
// made them fail: aᵀx was 0 at a point of entries in quarters, and
// XᵀX singular with X of 2×3. Each ends in Derive's result, the steps
// checked at a point where f and its derivative have values; the result
// is checked here against central differences.
func TestMatrixStepsCheckPoint(t *testing.T) {
	tests := []struct {
		src, vectors, matrices, wrt string
		want                        string
	}{
		{"log(a' x)", "x,a", "", "x", "aᵀ/(aᵀ x)"},
		{"1/(a' x)", "x,a", "", "x", "-aᵀ/(aᵀ x)^2"},
		{"sum(log(A x))", "x", "A", "x", "(1./(A x))ᵀ A"},
		{"sum(1 ./ (A x))", "x", "A", "x", "-(1./(A x).^2)ᵀ A"},
		{"logdet(X' X)", "", "X", "X", "2X inv(Xᵀ X)"},
		{"logdet(A' X)", "", "A,X", "X", "A inv(Aᵀ X)ᵀ"},
		{"log(x' A x)", "x", "A", "x", "xᵀ (A/(xᵀ A x) + Aᵀ/(xᵀ A x))"},
		{"sqrt(x' x)", "x", "", "x", "xᵀ/sqrt(xᵀ x)"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			opts := &ParseOptions{}
			if tt.vectors != "" {
				opts.Vectors = strings.Split(tt.vectors, ",")
			}
			if tt.matrices != "" {
				opts.Matrices = strings.Split(tt.matrices, ",")
			}
			f, err := ParseWith(tt.src, opts)
			if err != nil {
				t.Fatal(err)
			}
			d, err := MatrixSteps(f, tt.wrt)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Result.String(); got != tt.want {
				t.Errorf("result %s, want %s", got, tt.want)
			}
			checkMatrixResult(t, f, d.Result, tt.wrt)
		})
	}
}

// checkMatrixResult checks the derivative g of the scalar f with respect
// to wrt, in the layout of wrt (a row for a vector), against central
// differences at a point of positive entries, where f has a value.
func checkMatrixResult(t *testing.T, f, g Expr, wrt string) {
	t.Helper()
	env := map[string]Tensor{}
	for i, v := range f.Vars() {
		dims, _ := f.VarDims(v)
		shape := make([]int, len(dims))
		n := 1
		for k := range shape {
			shape[k] = 3
			n *= 3
		}
		data := make([]float64, n)
		for k := range data {
			data[k] = 0.3 + math.Mod(0.37*float64(k+1)+0.61*float64(i+1), 1)
		}
		if len(shape) == 2 {
			for k := 0; k < 3; k++ {
				data[4*k] += 3
			}
		}
		env[v] = Tensor{Shape: shape, Data: data}
	}
	gv, err := g.Value(env)
	if err != nil {
		t.Fatal(err)
	}
	x := env[wrt]
	for k := range x.Data {
		v := x.Data[k]
		h := 1e-6
		x.Data[k] = v + h
		fp, err1 := f.Value(env)
		x.Data[k] = v - h
		fm, err2 := f.Value(env)
		x.Data[k] = v
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		fd := (fp.Data[0] - fm.Data[0]) / (2 * h)
		if math.Abs(fd-gv.Data[k]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("entry %d: %v, central differences %v", k+1, gv.Data[k], fd)
		}
	}
}
