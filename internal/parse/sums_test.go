package parse

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
)

// sumVars declares the matrices x, μ, r, X and the vectors y, θ, z of
// the tests of indexed sums.
func sumVars() map[string]expr.Shape {
	vars := map[string]expr.Shape{}
	for _, m := range []string{"x", "μ", "r", "X"} {
		vars[m] = expr.NewShape(expr.Dim{Sym: "#" + m + ".r"}, expr.Dim{Sym: "#" + m + ".c"})
	}
	for _, v := range []string{"y", "θ", "z"} {
		vars[v] = expr.NewShape(expr.Dim{Sym: "#" + v})
	}
	return vars
}

// sumsText writes what Parse gives of an expression with sums: the
// expression with each sum's variable replaced by Σ[indices ∈ ranges]{
// summand}, then the free indices with their ranges.
func sumsText(n *expr.Node, s *Sums) string {
	out := format.Text(n)
	for _, sum := range s.List {
		ranges := make([]string, len(sum.Over))
		for i, idx := range sum.Over {
			ranges[i] = idx + "≤" + showDim(sum.Ranges[i])
		}
		body := format.Text(sum.Body) + " : " + sum.Body.Shape().String()
		out = strings.ReplaceAll(out, sum.Name, "Σ["+strings.Join(ranges, ",")+"]{"+body+"}")
	}
	for _, i := range s.Free {
		out += fmt.Sprintf("; %s≤%s", i, showDim(s.FreeRanges[i]))
	}
	return out
}

func TestSums(t *testing.T) {
	tests := []struct{ src, want string }{
		{"sum_{n,k} r[n,k] ||x[n] - μ[k]||^2", "Σ[n≤N,k≤K]{r[n,k] norm(x[n] - μ[k])^2 : scalar}"},
		{"Σ_n Σ_k r[n, k] ‖x[n] - μ[k]‖²", "Σ[n≤N,k≤K]{r[n,k] norm(x[n] - μ[k])^2 : scalar}"},
		{"sum_(n,k) r[n,k]", "Σ[n≤N,k≤K]{r[n,k] : scalar}"},
		// The summand is the product that follows, to the next + or -.
		{"sum_i (y[i] - θ' x[i])^2 + θ'θ", "Σ[i≤N]{(y[i] - θᵀ x[i])^2 : scalar} + θᵀ θ"},
		{"2 sum_i y[i] - 1", "2Σ[i≤N]{y[i] : scalar} - 1"},
		{"sum_n x[n]", "Σ[n≤N]{x[n] : D}"},
		{"sum_n x[n] x[n]'", "Σ[n≤N]{x[n] x[n]ᵀ : D×D}"},
		// A sum that is a factor of the summand joins its sum.
		{"sum_i y[i] sum_j z[j]", "Σ[i≤N,j≤J]{y[i] z[j] : scalar}"},
		{"(sum_n r[n,j] x[n]) / sum_n r[n,j]", "Σ[n≤N]{r[n,j] x[n] : D}/Σ[n≤N]{r[n,j] : scalar}; j≤J"},
		{"log(sum_k exp(z[k]))", "log(Σ[k≤K]{exp(z[k]) : scalar})"},
		// Free indices, and the range of i, N as the notes name it.
		{"||x[j] - μ[j]||^2", "norm(x[j] - μ[j])^2; j≤J"},
		{"sum_i y[i] + sum_i θ[i]", "Σ[i≤N]{y[i] : scalar} + Σ[i≤M]{θ[i] : scalar}"},
		{"X[n,k]", "X[n,k]; n≤N; k≤K"},
	}
	for _, tt := range tests {
		var s Sums
		n, err := Parse(tt.src, &Options{Vars: sumVars(), Sums: &s})
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := sumsText(n, &s); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestSumErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"sum_nk r[n,k]", "1:1: sum_nk: an index is one letter, perhaps with digits; write sum_{n,k} for a sum over n and k"},
		{"Σ x[n]", "1:1: Σ takes its indices as a subscript: Σ_n, Σ_{n,k}"},
		{"sum_n", "1:6: expected the summand after sum_n, found end of input"},
		{"sum_{n,k}", "1:10: expected the summand after sum_{n,k}, found end of input"},
		{"sum_{n, 2} r[n,k]", "1:9: expected an index name (n, k, i1) in sum_{…}, found \"2\""},
		{"sum_n 2", "1:1: the index n of Σ_n indexes nothing in its summand, so its range is unknown"},
		{"sum_n n y[n]", "1:7: n is an index: it stands in brackets after a vector or matrix, as in x[n]"},
		{"n + sum_n y[n]", "1:1: n is a variable here and the index of a sum: name them apart"},
		{"sum_n sum_n y[n]", "1:11: n is already an index of an enclosing sum, whose summand runs to the next + or -: end it with parentheses, as in (Σ_n …)/…"},
		{"y[j] + sum_j y[j]", "1:12: j is a free index elsewhere and the index of this sum: name them apart"},
		{"sum_j y[j] + y[j]", "1:16: j is the index of a sum elsewhere: a free index needs a name of its own"},
		{"sum_y y[y]", "1:5: y is declared a vector; an index needs a name of its own"},
		{"sum_n (x[n] - sum_k μ[k])'(x[n] - sum_k μ[k])", "1:1: a sum inside the summand of Σ_n is not a factor of it: write it out of the summand, or as a factor (Σ_i a[i] Σ_j b[j] is Σ_{i,j} a[i] b[j])"},
		{"sum_n w[n]", "1:8: w is a scalar, so it has no entries: declare it with --vector w (then w[n] is a number) or --matrix w (then w[n] is row n, a column vector)"},
		{"sum_n y[n, 1]", "1:12: expected an index name (n, k, i1), found number 1: the indices of y[…] are all names, or all numbers"},
		{"sum_n y[n, n]", "1:8: y is a vector, so y[n] takes one index"},
		{"sum_n y[n] x[n]", "1:14: the index n cannot run over the rows of matrix x (4×m): it runs over 1…3 elsewhere"},
		{"sum_n y[n] where y = θ", "1:18: indexed sums and where clauses do not mix: write the definitions into the sums"},
	}
	for _, tt := range tests {
		var s Sums
		vars := sumVars()
		if tt.src == "sum_n y[n] x[n]" {
			vars["y"] = expr.NewShape(expr.Dim{N: 3})
			vars["x"] = expr.NewShape(expr.Dim{N: 4}, expr.Dim{Sym: "#x.c"})
		}
		_, err := Parse(tt.src, &Options{Vars: vars, Sums: &s})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s:\n got %v\nwant %s", tt.src, err, tt.want)
		}
	}
}

// TestSumsNeedTheOption checks that without Options.Sums nothing changes:
// sum_i is a name, and an index must be a number.
func TestSumsNeedTheOption(t *testing.T) {
	n, err := Parse("sum_i + Σ", nil)
	if err != nil || format.Text(n) != "sum_i + Σ" {
		t.Errorf("got %v, %v", n, err)
	}
	_, err = Parse("y[n]", &Options{Vars: sumVars()})
	if want := "1:3: expected an index, a whole number from 1 (y[1] is the first entry), found name n; write y*[…] for a product"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestHasSums(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"sum_{n,k} r[n,k]", true}, {"Σ_i y[i]", true}, {"x[j]", true}, {"r[n, k]", true},
		{"sum_(n,k) r[n,k]", true}, {"sum_{n} y[n]", true}, {"Σ_n 2", true},
		{"x[1]", false}, {"sum(x)", false}, {"x [n]", false}, {"[x, y]", false}, {"sum_x + 1", false},
		{"sum_y^2 + 1", false}, {"2sum_y", false},
	}
	vars := map[string]expr.Shape{"sum_x": expr.Scalar}
	for _, tt := range tests {
		if got := HasSums(tt.src, vars); got != tt.want {
			t.Errorf("HasSums(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}
