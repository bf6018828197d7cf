package parse

import (
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/format"
)

// TestWhereShapes checks that a name the where clause defines, when not
// declared, takes the shape of its definition, and that a declaration
// that disagrees with the definition is an error.
func TestWhereShapes(t *testing.T) {
	vec := func(v string) expr.Shape { return expr.NewShape(expr.Dim{Sym: "#" + v}) }
	mat := func(m string) expr.Shape {
		return expr.NewShape(expr.Dim{Sym: "#" + m + ".r"}, expr.Dim{Sym: "#" + m + ".c"})
	}
	decl := map[string]expr.Shape{"y": vec("y"), "A": mat("A"), "B": mat("B")}
	tests := []struct {
		src   string
		vars  map[string]expr.Shape
		want  string // f with the name kept
		shape string // the shape of the name
		err   string
	}{
		{src: "x' x where x = [t cos(t), t sin(t)]", want: "xᵀ x", shape: "2"},
		{src: "x' A x where x = B y", vars: decl, want: "xᵀ A x", shape: "m"},
		{src: "tr(X' X) where X = [[1, t], [t, 1]]", want: "tr(Xᵀ X)", shape: "2×2"},
		{src: "||e||^2 where e = [1, t]", want: "norm(e)^2", shape: "2"},
		{src: "u + v where u = [t, 1], v = u .* u", want: "u + v", shape: "2"},
		{src: "x^2 where x = [t, t]", vars: map[string]expr.Shape{"x": expr.Scalar},
			err: "1:15: x is declared a scalar in f, but its definition is a 2-vector"},
		{src: "x' x where x = A", vars: map[string]expr.Shape{"x": vec("x"), "A": mat("A")},
			err: "1:16: x is declared a vector (m) in f, but its definition is matrix A (n×p)"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			var defs []Def
			n, err := Parse(tt.src, &Options{Vars: tt.vars, Defs: &defs, NoSubstitute: true})
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := format.Text(n); got != tt.want {
				t.Errorf("f = %s, want %s", got, tt.want)
			}
			name := defs[0].Name
			for _, v := range expr.Vars(n) {
				if v.Name() == name && v.Shape().String() != tt.shape {
					t.Errorf("%s has the shape %s, want %s", name, v.Shape(), tt.shape)
				}
			}
		})
	}
}

// TestWhereCycles checks that definitions referring to one another in a
// cycle, of any length and whether or not any of them does more than
// name another, are refused at the first name on the cycle; chains that
// end are closed.
func TestWhereCycles(t *testing.T) {
	tests := []struct{ src, want, err string }{
		{src: "u where u = u", err: "1:9: u is defined in terms of itself"},
		{src: "u where u = u^2", err: "1:9: u is defined in terms of itself"},
		{src: "u where u = v, v = u", err: "1:9: u is defined in terms of itself"},
		{src: "u + v where u = v, v = u + t", err: "1:13: u is defined in terms of itself"},
		{src: "u where u = v, v = w, w = u", err: "1:9: u is defined in terms of itself"},
		{src: "u where u = v, v = w, w = x, x = u", err: "1:9: u is defined in terms of itself"},
		{src: "u where u = v^2, v = sin(u)", err: "1:9: u is defined in terms of itself"},
		{src: "u where u = v, v = w, w = v", err: "1:16: v is defined in terms of itself"},
		{src: "u where u = v + t, v = u t", err: "1:9: u is defined in terms of itself"},
		{src: "u where u = v, v = t^2", want: "t^2"},
		{src: "u + w where u = v, v = w, w = t", want: "2t"},
		{src: "u v where u = w, v = w, w = sin(t)", want: "sin(t)^2"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			n, err := Parse(tt.src, nil)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := format.Text(n); got != tt.want {
				t.Errorf("f = %s, want %s", got, tt.want)
			}
		})
	}
}
