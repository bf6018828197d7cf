package indexed

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
	"github.com/nabla-math/nabla/internal/tensor"
)

// read parses src with the matrices and vectors named, comma-separated.
func read(t *testing.T, src, matrices, vectors string) *Expr {
	t.Helper()
	vars := map[string]expr.Shape{}
	for _, m := range strings.Split(matrices, ",") {
		if m != "" {
			vars[m] = expr.NewShape(expr.Dim{Sym: "#" + m + ".r"}, expr.Dim{Sym: "#" + m + ".c"})
		}
	}
	for _, v := range strings.Split(vectors, ",") {
		if v != "" {
			vars[v] = expr.NewShape(expr.Dim{Sym: "#" + v})
		}
	}
	var s parse.Sums
	var decl map[string]expr.Shape
	n, err := parse.Parse(src, &parse.Options{Vars: vars, Sums: &s, Resolved: &decl})
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return FromParse(n, &s, decl, nil)
}

const kmeans = "sum_{n,k} r[n,k] ||x[n] - μ[k]||^2"

func TestDiffRecord(t *testing.T) {
	e := read(t, kmeans, "x,μ,r", "")
	d, err := e.Diff(context.Background(), Wrt{"μ", []string{"j"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Parts) != 1 || len(d.Parts[0].Terms) != 1 {
		t.Fatalf("parts %+v", d.Parts)
	}
	term := d.Parts[0].Terms[0]
	got := []string{term.Through.Name(), d.Scope.TextOf(term.Partial), strings.Join(term.Out, ","), strings.Join(term.Over, ","),
		d.Scope.TextOf(term.Result), d.Result.Text(), d.Result.LaTeX(), strings.Join(d.Result.Free(), ",")}
	want := []string{"μ[k]", "-2r[n,k] (x[n]ᵀ - μ[k]ᵀ)", "k", "n", "-2Σ_n r[n,j] (x[n]ᵀ - μ[j]ᵀ)", "-2Σ_n r[n,j] (x[n]ᵀ - μ[j]ᵀ)",
		`-2 \sum_{n} r_{nj} \left(x_{n}^{\top} - \mu_{j}^{\top}\right)`, "j"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %s, want %s", i, got[i], want[i])
		}
	}
	if d, ok := d.Result.Range("j"); !ok || d.Sym != "K" {
		t.Errorf("the range of j is %v", d)
	}
}

// TestChecksCatch checks that the checks at random data catch a wrong
// derivative and a wrong solution.
func TestChecksCatch(t *testing.T) {
	ctx := context.Background()
	e := read(t, kmeans, "x,μ,r", "")
	d, err := e.Diff(ctx, Wrt{"μ", []string{"j"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check(); err != nil {
		t.Fatalf("the derivative fails its check: %v", err)
	}
	s, err := d.Solve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err != nil {
		t.Fatalf("the solution fails its check: %v", err)
	}
	right := d.Result
	d.Result = right.With(expr.Mul(expr.Int64(2), right.Top))
	if err := d.Check(); err == nil || !strings.Contains(err.Error(), "disagrees with finite differences") {
		t.Errorf("a derivative twice too large passes its check: %v", err)
	}
	d.Result = right
	s.Value = s.Value.With(expr.Mul(expr.NewConst(expr.Rat(1, 2)), s.Value.Top))
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), "does not make ∂f/∂μ[j] vanish") {
		t.Errorf("half the solution passes its check: %v", err)
	}
}

func TestSumOf(t *testing.T) {
	e := read(t, kmeans, "x,μ,r", "")
	ranges := []expr.Dim{{Sym: "N"}}
	r := expr.NewSym("r[n,j]", expr.Scalar)
	mu := expr.NewSym("μ[j]", expr.NewShape(expr.Dim{Sym: "D"}))
	e.refs["r[n,j]"] = Ref{"r", []string{"n", "j"}}
	e.refs["μ[j]"] = Ref{"μ", []string{"j"}}
	n, err := e.SumOf([]string{"n"}, ranges, expr.Mul(expr.Int64(2), r, mu))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.TextOf(n), "2(Σ_n r[n,j]) μ[j]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	_, err = e.SumOf([]string{"n"}, ranges, mu)
	if want := "the sum over n of μ[j], whose terms do not depend on n, is N times μ[j]: nabla has no name for the number of terms"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestValueErrors(t *testing.T) {
	e := read(t, kmeans, "x,μ,r", "")
	env := map[string]tensor.T{
		"x": {Shape: []int{3, 2}, Data: make([]float64, 6)},
		"r": {Shape: []int{3, 2}, Data: make([]float64, 6)},
	}
	if _, err := e.Value(env, nil); err == nil || err.Error() != "no value for μ" {
		t.Errorf("got %v", err)
	}
	env["μ"] = tensor.T{Shape: []int{2}, Data: make([]float64, 2)}
	if _, err := e.Value(env, nil); err == nil || err.Error() != "μ is a matrix (K×D), but its value is a 2-vector" {
		t.Errorf("got %v", err)
	}
	env["μ"] = tensor.T{Shape: []int{2, 3}, Data: make([]float64, 6)}
	if _, err := e.Value(env, nil); err == nil || err.Error() != "x has 2 columns but μ has 3, and both are the size D" {
		t.Errorf("got %v", err)
	}
}

func TestParseWrt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"θ", "θ"}, {" μ[ j ] ", "μ[j]"}, {"r[n, k]", "r[n,k]"},
		{"μ[1]", "error: cannot differentiate with respect to μ[1]: its indices are names, as in μ[j]; give j a value where the result is evaluated"},
		{"μ[j", "error: cannot differentiate with respect to \"μ[j\": write a member as μ[j], or r[n,k]"},
		{"sin", "error: cannot differentiate with respect to \"sin\": not a variable name"},
	}
	for _, tt := range tests {
		w, err := ParseWrt(tt.in)
		got := w.String()
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != tt.want {
			t.Errorf("ParseWrt(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestUnsupportedIs(t *testing.T) {
	e := read(t, "sum_n r[n,l] ||x[n] - μ[l]||^2", "x,μ,r", "")
	_, err := e.Diff(context.Background(), Wrt{"μ", []string{"j"}})
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("got %v, want ErrUnsupported", err)
	}
}
