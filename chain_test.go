package nabla

import (
	"context"
	"errors"
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

// TestChainRuleNames checks that the chain rule's factors are named by
// its own variables, and that with one inner variable ∂f/∂x is the 1×1
// row of its derivative.
func TestChainRuleNames(t *testing.T) {
	tests := []struct {
		src             string
		wrt             []string
		dfdx, dxdt      string
		dfdxExpr, value string
	}{
		{"3x y + y z^2 where x = p q r, y = 2p^2 + q + 5r, z = p cos(q + 2r)", []string{"p", "q", "r"},
			"∂f/∂(x, y, z)", "∂(x, y, z)/∂(p, q, r)", "[[3y, 3x + z^2, 2y z]]", ""},
		{"x1^2 + x2 where x1 = u + v, x2 = 2u", []string{"u", "v"}, "∂f/∂(x1, x2)", "∂(x1, x2)/∂(u, v)", "[[2x1, 1]]", ""},
		{"x1^2*x2 + 3*x1 + 6*x2 where x1 = sin(t), x2 = exp(2*t)", nil, "∂f/∂(x1, x2)", "∂(x1, x2)/∂t", "[[2x1 x2 + 3, x1^2 + 6]]", ""},
		{"sin(w) where w = s t", []string{"s", "t"}, "∂f/∂w", "∂w/∂(s, t)", "[[cos(w)]]", "[[t cos(s t), s cos(s t)]]"},
	}
	for _, tt := range tests {
		c, err := ChainRule(tt.src, tt.wrt...)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if got := c.DfDxName().Text; got != tt.dfdx {
			t.Errorf("%s: ∂f/∂x named %s, want %s", tt.src, got, tt.dfdx)
		}
		if got := c.DxDtName().Text; got != tt.dxdt {
			t.Errorf("%s: ∂x/∂t named %s, want %s", tt.src, got, tt.dxdt)
		}
		if got := c.DfDx.String(); got != tt.dfdxExpr {
			t.Errorf("%s: %s = %s, want %s", tt.src, tt.dfdx, got, tt.dfdxExpr)
		}
		if tt.value != "" && c.Result.String() != tt.value {
			t.Errorf("%s: result %s, want %s", tt.src, c.Result, tt.value)
		}
	}
}

// TestChainLinksUnsupported checks that a chain nabla cannot follow link
// by link in matrix form is an *UnsupportedError, and one that does not
// reach the variable is not.
func TestChainLinksUnsupported(t *testing.T) {
	opts := &ParseOptions{Vectors: []string{"a", "b", "g", "y", "θ", "e", "z"}, Matrices: []string{"X", "Φ"}}
	tests := []struct {
		src, wrt    string
		unsupported bool
	}{
		{"a' g where g = X b", "X", true},                   // ∂g/∂X is a tensor
		{"e' e + e' z where e = y - z, z = Φ θ", "θ", true}, // two paths
		{"e' e where e = y - Φ θ", "b", false},              // no path
	}
	for _, tt := range tests {
		_, err := ChainLinks(context.Background(), tt.src, opts, tt.wrt)
		var ue *UnsupportedError
		if err == nil || errors.As(err, &ue) != tt.unsupported {
			t.Errorf("ChainLinks(%s) by %s: %v, want an *UnsupportedError: %v", tt.src, tt.wrt, err, tt.unsupported)
		}
	}
}
