package nabla

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// FuzzIndexed runs parse, print, differentiate and evaluate on arbitrary
// input with indexed sums: nothing may panic, and printed results must
// read back to themselves.
func FuzzIndexed(f *testing.F) {
	for _, s := range []string{
		kmeans, "sum_i (y[i] - θ' x[i])^2 + λ θ'θ", "log(sum_k exp(z[k]))", "Σ_n Σ_k r[n,k]",
		"(sum_n r[n,j] x[n])/sum_n r[n,j]", "sum_i y[i] sum_k z[k]", "sum_(n,k) r[n,k] x[n]' μ[k]",
		"||sum_n x[n]||^2", "sum_{n, k} r[n, k] + y[j]", "sum_n", "Σ", "sum_{n", "x[j] + sum_j z[j]",
	} {
		f.Add(s)
	}
	opts := sumDecl("x,μ,r", "y,θ,z")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return
		}
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("slow input %q", s)) })
		defer tm.Stop()
		e, err := ParseIndexed(s, opts)
		if err != nil {
			return
		}
		env := randomData(rand.New(rand.NewPCG(1, 2)))
		for _, i := range append(e.Free(), "j", "m") {
			env[i] = Tensor{Data: []float64{1}}
		}
		all := []*Indexed{e}
		for _, w := range []string{"μ[j]", "x[m]", "θ"} {
			if d, err := e.Diff(w); err == nil {
				all = append(all, d)
			}
			if s, err := e.Solve(w); err == nil {
				all = append(all, s)
			}
		}
		for _, g := range all {
			text := g.String()
			back, err := ParseIndexed(text, opts)
			if err != nil {
				t.Fatalf("%q printed as %q, which does not read back: %v", s, text, err)
			}
			if back.String() != text {
				t.Fatalf("%q printed as %q, which reads back as %q", s, text, back)
			}
			_ = g.LaTeX()
			_, _ = g.Value(env)
		}
	})
}
