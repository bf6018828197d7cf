package nabla

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenInputs are printed to LaTeX, with their derivatives, in
// testdata/latex.golden.
var goldenInputs = []string{
	"x^2", "x^5 - x^2 + x", "sin(2x+1)", "(sin(x^4))^5", "x^3 sin(x)", "(x^2+5x+6)^10",
	"exp(x)", "(x^2+1)/(x-1)", "x^x", "x^n", "(x + 2y^3)^2", "x1^2 x2 + x1 x2^3",
	"sqrt(x^2 + 1)", "1/sqrt(x)", "x^(1/3)", "abs(x)", "sigmoid(θ x)", "log(1 + exp(-x))",
	"tan(x) + asin(x) + acos(x) + atan(x)", "sinh(x) cosh(x) tanh(x)", "pi e^x", "0.001x^2 + 2.5e10",
	"theta_1^2 + alpha x", "-x/(2y)", "2^x*3^x", "exp(-x^2/2)/sqrt(2pi)",
}

func TestLaTeXGolden(t *testing.T) {
	var b strings.Builder
	for _, in := range goldenInputs {
		e := MustParse(in)
		b.WriteString(in + "\n")
		b.WriteString("  f  = " + e.LaTeX() + "\n")
		for _, x := range e.Vars() {
			d, err := e.Diff(x)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString("  d/d" + x + " = " + d.LaTeX() + "\n")
		}
	}
	checkGolden(t, "latex.golden", b.String())
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s line %d:\ngot:  %s\nwant: %s\n(run go test -update to accept)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: got %d lines, want %d (run go test -update to accept)", path, len(gl), len(wl))
	}
}
