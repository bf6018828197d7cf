package nabla

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestChainLinks checks the chain rule through vectors and matrices, link
// by link, against the derivative of the substituted expression.
func TestChainLinks(t *testing.T) {
	ls := &ParseOptions{Vectors: []string{"y", "θ", "e", "z", "h", "x"}, Matrices: []string{"Φ", "W"}}
	tests := []struct {
		src, wrt string
		links    []string // "∂of/∂wrt = derivative"
		result   string
	}{
		{"e' e where e = y - Φ θ", "θ", []string{"∂f/∂e = 2eᵀ", "∂e/∂θ = -Φ"}, "-2(y - Φ θ)ᵀ Φ"},
		{"e' e where e = y - z, z = Φ θ", "θ", []string{"∂f/∂e = 2eᵀ", "∂e/∂z = -I", "∂z/∂θ = Φ"}, "-2(y - Φ θ)ᵀ Φ"},
		{"sum(exp(h)) where h = W x", "x", []string{"∂f/∂h = exp(h)ᵀ", "∂h/∂x = W"}, "exp(W x)ᵀ W"},
		{"f where f = x1^2 + x1, x1 = sin(t)", "t", []string{"∂f/∂x1 = 2x1 + 1", "∂x1/∂t = cos(t)"}, "cos(t) (2sin(t) + 1)"},
	}
	for _, tt := range tests {
		l, err := ChainLinks(context.Background(), tt.src, ls, tt.wrt)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		var links []string
		for _, k := range l.Links {
			links = append(links, fmt.Sprintf("∂%s/∂%s = %s", k.Of, k.Wrt, k.Expr))
		}
		if !slices.Equal(links, tt.links) || l.Result.String() != tt.result {
			t.Errorf("%s: links %q, result %s; want %q, %s", tt.src, links, l.Result, tt.links, tt.result)
		}
		// The product agrees with the derivative of the substituted f.
		f, err := ParseWith(tt.src, ls)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Diff(f, tt.wrt, 1)
		if err != nil {
			t.Fatal(err)
		}
		// At a point: sizes 3, entries from a fixed sequence.
		env := map[string]Tensor{}
		k := 0.3
		for _, v := range f.Vars() {
			dims, _ := f.VarDims(v)
			shape := make([]int, len(dims))
			n := 1
			for i := range shape {
				shape[i] = 3
				n *= 3
			}
			data := make([]float64, n)
			for i := range data {
				k = math.Mod(k*7.1+0.37, 2) - 0.5
				data[i] = k
			}
			env[v] = Tensor{Shape: shape, Data: data}
		}
		want, err1 := d.Value(env)
		got, err2 := l.Result.Value(env)
		if err1 != nil || err2 != nil || !slices.EqualFunc(got.Data, want.Data, func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*max(1, math.Abs(b)) }) {
			t.Errorf("%s: the chain gives %s = %v (%v), the derivative %s = %v (%v)", tt.src, l.Result, got.Data, err2, d, want.Data, err1)
		}
	}
	for _, tt := range []struct{ src, wrt, want string }{
		{"e' e + e' z where e = y - z, z = Φ θ", "θ", "f depends on θ through e and z: the chain has several paths; diff --chain works them out for scalar inner variables"},
		{"e' e where e = y - Φ θ", "W", "f does not depend on W"},
		{"e' e", "θ", "the chain rule needs inner functions: f where x1 = …, x2 = …"},
	} {
		if _, err := ChainLinks(context.Background(), tt.src, ls, tt.wrt); err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %s", tt.src, err, tt.want)
		}
	}
}
