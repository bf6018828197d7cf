package nabla

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestGradJacobianHessian(t *testing.T) {
	tests := []struct {
		name, kind, in, vars, want string
	}{
		{"gradient", "grad", "x^2 y + sin(x y)", "x,y", "[[2x y + y cos(x y), x^2 + x cos(x y)]]"},
		{"gradient of the notes' f", "grad", "x1^2 x2 + x1 x2^3", "x1,x2", "[[2x1 x2 + x2^3, x1^2 + 3x1 x2^2]]"},
		{"gradient with a missing variable", "grad", "x^2", "x,y", "[[2x, 0]]"},
		{"gradient of x^x", "grad", "x^x", "x", "[[x^x + x^x log(x)]]"},
		{"jacobian", "jacobian", "[x^2 y, 5x + sin(y)]", "x,y", "[[2x y, x^2], [5, cos(y)]]"},
		{"jacobian of a scalar", "jacobian", "x y", "x,y", "[[y, x]]"},
		{"jacobian of polar coordinates", "jacobian", "[r cos(θ), r sin(θ)]", "r,θ", "[[cos(θ), -r sin(θ)], [sin(θ), r cos(θ)]]"},
		{"hessian", "hessian", "x^2 y + sin(x y) + z^3", "x,y,z",
			"[[2y - y^2 sin(x y), 2x - x y sin(x y) + cos(x y), 0], [2x - x y sin(x y) + cos(x y), -x^2 sin(x y), 0], [0, 0, 6z]]"},
		{"rosenbrock hessian", "hessian", "(1 - x)^2 + 100(y - x^2)^2", "x,y", "[[1200x^2 - 400y + 2, -400x], [-400x, 200]]"},
		{"terms of one form with other parameters", "hessian", "a x^2 + b y^2 + a x y + b y z", "x,y,z", "[[2a, a, 0], [a, 2b, b], [0, b, 0]]"},
		{"terms of one form in other variables", "hessian", "sin(x y) + sin(y z)", "x,y,z",
			"[[-y^2 sin(x y), cos(x y) - x y sin(x y), 0], [cos(x y) - x y sin(x y), -x^2 sin(x y) - z^2 sin(y z), cos(y z) - y z sin(y z)], [0, cos(y z) - y z sin(y z), -y^2 sin(y z)]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := MustParse(tt.in)
			vars := strings.Split(tt.vars, ",")
			var got Expr
			var err error
			switch tt.kind {
			case "grad":
				got, err = Grad(f, vars...)
			case "jacobian":
				got, err = Jacobian(f, vars...)
			default:
				got, err = Hessian(f, vars...)
			}
			if err = present(err); err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want {
				t.Errorf("%s of %s = %s, want %s", tt.kind, tt.in, got, tt.want)
			}
		})
	}
}

func TestCalculusErrors(t *testing.T) {
	v := MustParse("[x, y]")
	f := MustParse("x y")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"gradient of a vector", second(Grad(v, "x")), "the gradient needs a scalar function; for a vector (2), take the Jacobian"},
		{"hessian of a vector", second(Hessian(v, "x")), "the Hessian needs a scalar function, not a vector (2)"},
		{"jacobian of a matrix", second(Jacobian(MustParse("[[x, 1], [2, x]]"), "x")), "the Jacobian needs a scalar or vector function, not a matrix (2×2)"},
		{"no variables", second(Grad(f)), "no variables to differentiate with respect to"},
		{"repeated variable", second(Grad(f, "x", "x")), "x is named twice"},
		{"bad name", second(Hessian(f, "x", "2")), `cannot differentiate with respect to "2": not a variable name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || tt.err.Error() != tt.want {
				t.Errorf("error = %v, want %q", tt.err, tt.want)
			}
		})
	}
}

func second(_ Expr, err error) error { return err }

// TestChainRuleNotes checks the lecture notes' chain-rule examples, factor
// by factor.
func TestChainRuleNotes(t *testing.T) {
	tests := []struct {
		name, src, wrt        string
		dfdx, dxdt, product   string
		result, directAtPoint string
	}{
		{
			name: "f(x1, x2) with x1 = sin t, x2 = exp(2t)",
			src:  "x1^2*x2 + 3*x1 + 6*x2 where x1 = sin(t), x2 = exp(2*t)", wrt: "t",
			dfdx:    "[[2x1 x2 + 3, x1^2 + 6]]",
			dxdt:    "[[cos(t)], [2exp(2t)]]",
			product: "[[cos(t) (2x1 x2 + 3) + 2exp(2t) (x1^2 + 6)]]",
			result:  "[[cos(t) (2sin(t) exp(2t) + 3) + 2exp(2t) (sin(t)^2 + 6)]]",
		},
		{
			name: "x1^2 + 2x2 with x1 = sin t, x2 = cos t",
			src:  "x1^2 + 2x2 where x1 = sin(t), x2 = cos(t)", wrt: "t",
			dfdx:    "[[2x1, 2]]",
			dxdt:    "[[cos(t)], [-sin(t)]]",
			product: "[[2x1 cos(t) - 2sin(t)]]",
			result:  "[[2sin(t) cos(t) - 2sin(t)]]",
		},
		{
			name: "f(x, y, z) = 3xy + yz^2 of p, q, r",
			src:  "3x y + y z^2 where x = p q r, y = 2p^2 + q + 5r, z = p cos(q + 2r)", wrt: "p,q,r",
			dfdx:    "[[3y, 3x + z^2, 2y z]]",
			dxdt:    "[[q r, p r, p q], [4p, 1, 5], [cos(q + 2r), -p sin(q + 2r), -2p sin(q + 2r)]]",
			product: "[[4p (3x + z^2) + 3q r y + 2y z cos(q + 2r), 3p r y - 2p y z sin(q + 2r) + 3x + z^2, 3p q y - 4p y z sin(q + 2r) + 5(3x + z^2)]]",
		},
		{
			name: "exp(x1 x2^2) with x = g(t) = [t cos t, t sin t]",
			src:  "exp(x1 x2^2) where x1 = t cos(t), x2 = t sin(t)", wrt: "t",
			dfdx:    "[[x2^2 exp(x1 x2^2), 2x1 x2 exp(x1 x2^2)]]",
			dxdt:    "[[cos(t) - t sin(t)], [t cos(t) + sin(t)]]",
			product: "[[2x1 x2 exp(x1 x2^2) (t cos(t) + sin(t)) + x2^2 exp(x1 x2^2) (cos(t) - t sin(t))]]",
		},
		{
			name: "one inner variable: ∂f/∂x is a 1×1 row of scalars",
			src:  "x^2 where x = t^2", wrt: "t",
			dfdx: "[[2x]]", dxdt: "[[2t]]", product: "[[4t x]]", result: "[[4t^3]]",
		},
		{
			name: "one inner variable and t itself",
			src:  "x1 t where x1 = t^2", wrt: "t",
			dfdx: "[[t]]", dxdt: "[[2t]]", product: "[[2t^2 + x1]]", result: "[[3t^2]]",
		},
		{
			name: "one inner variable of two",
			src:  "sin(u) where u = p q", wrt: "p,q",
			dfdx: "[[cos(u)]]", dxdt: "[[q, p]]", product: "[[q cos(u), p cos(u)]]", result: "[[q cos(p q), p cos(p q)]]",
		},
		{
			name: "one constant inner variable",
			src:  "u t where u = 5", wrt: "t",
			dfdx: "[[t]]", dxdt: "[[0]]", product: "[[u]]", result: "[[5]]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ChainRule(tt.src, strings.Split(tt.wrt, ",")...)
			if err != nil {
				t.Fatal(err)
			}
			for _, check := range []struct{ what, got, want string }{
				{"∂f/∂x", c.DfDx.String(), tt.dfdx},
				{"∂x/∂t", c.DxDt.String(), tt.dxdt},
				{"∂f/∂x ∂x/∂t", c.Factor.String(), tt.product},
			} {
				if check.got != check.want {
					t.Errorf("%s = %s, want %s", check.what, check.got, check.want)
				}
			}
			if tt.result != "" && c.Result.String() != tt.result {
				t.Errorf("df/dt = %s, want %s", c.Result, tt.result)
			}
			// The chain rule agrees with differentiating the composition.
			composed := MustParse(tt.src)
			for j, v := range c.Wrt {
				direct, err := composed.Diff(v)
				if err != nil {
					t.Fatal(err)
				}
				env := map[string]float64{"t": 0.7, "p": 0.3, "q": -1.1, "r": 0.4}
				a, err1 := direct.Eval(env)
				b, err2 := (Expr{n: c.Result.n.Entry(j)}).Eval(env)
				if err1 != nil || err2 != nil || math.Abs(a-b) > 1e-9*(1+math.Abs(a)) {
					t.Errorf("d/d%s: chain rule gives %v (%v), direct differentiation %v (%v)", v, b, err2, a, err1)
				}
			}
		})
	}
}

func TestChainRuleErrors(t *testing.T) {
	tests := []struct{ src, wrt, want string }{
		{"x^2", "t", "the chain rule needs inner functions: f where x1 = …, x2 = …"},
		{"x^2 where x = t^2", "x", "x is an inner variable: differentiate with respect to the variables of its definition"},
		{"x^2 where x = t^2, x = t", "t", "1:20: x is defined twice"},
		{"x^2 where 2 = t", "t", "1:11: expected a variable name to define after 'where', found number 2"},
		{"x^2 where x t", "t", "1:13: expected '=' after x, found name t"},
		{"u where u = u + 1", "t", "1:9: u is defined in terms of itself"},
		{"u + v where u = v, v = u + t", "t", "1:13: u is defined in terms of itself"},
		{"u where u = v, v = u", "t", "1:9: u is defined in terms of itself"},
		{"u where u = v, v = w, w = u", "t", "1:9: u is defined in terms of itself"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := ChainRule(tt.src, tt.wrt)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMatrixLiterals(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[x, y]", "[x, y]"},
		{"[[1, 2], [3, x]]", "[[1, 2], [3, x]]"},
		{"[x, y]'", "[[x, y]]"},
		{"[[1, 2], [3, 4]]ᵀ", "[[1, 3], [2, 4]]"},
		{"[[1, 2], [3, 4]] [x, y]", "[x + 2y, 3x + 4y]"},
		{"[x, y]^T [x, y]", "x^2 + y^2"},
		{"2[x, y] - [y, x]", "[2x - y, 2y - x]"},
		{"[x, y] .* [2, 3]", "[2x, 3y]"},
		{"[x, y] ⊙ [2, 3]", "[2x, 3y]"},
		{"[x, y] ./ [2, 3]", "[x/2, y/3]"},
		{"[x, y].^2", "[x^2, y^2]"},
		{"sin([x, 0])", "[sin(x), 0]"},
		{"[x, y]/2", "[x/2, y/2]"},
		{"-[x, y]", "[-x, -y]"},
		{"[1, 2] + 3", "[4, 5]"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if e.String() != tt.want {
				t.Errorf("%s = %s, want %s", tt.in, e, tt.want)
			}
		})
	}
	errs := []struct{ in, want string }{
		{"[1, 2] + [1, 2, 3]", "1:8: cannot add a 2-vector and a 3-vector"},
		{"[[1, 2]] [[1, 2]]", "1:10: cannot multiply a 1×2 matrix by a 1×2 matrix: the columns of the first (2) must match the rows of the second (1)"},
		{"2^[x, y]", "1:2: cannot raise a scalar to the power a 2-vector: use .^ for element-wise powers"},
		{"x / [1, 2]", "1:3: cannot divide by a 2-vector: use ./ for element-wise division"},
		{"[[1, 2], [3]]", "1:10: row 2 has 1 entries, expected 2 like row 1"},
		{"[]", "1:2: empty vector: write its entries between [ and ]"},
		{"[x, [y, 1]]", "1:5: a vector entry must be a scalar, not a vector (2)"},
		{"[1, 2] .* [1, 2, 3]", "1:8: cannot combine a 2-vector and a 3-vector element-wise"},
		{"[1, 2", "1:6: expected ']' to close '[' at 1:1, found end of input"},
	}
	for _, tt := range errs {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEvalTensor(t *testing.T) {
	h, err := Hessian(MustParse("x^2 y + sin(x y) + z^3"), "x", "y", "z")
	if err != nil {
		t.Fatal(err)
	}
	v, err := h.EvalTensor(map[string]float64{"x": 1, "y": 2, "z": 3})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{4 - 4*math.Sin(2), 2 - 2*math.Sin(2) + math.Cos(2), 0, 2 - 2*math.Sin(2) + math.Cos(2), -math.Sin(2), 0, 0, 0, 18}
	if len(v.Shape) != 2 || v.Shape[0] != 3 || v.Shape[1] != 3 {
		t.Fatalf("shape %v, want [3 3]", v.Shape)
	}
	for k, w := range want {
		if math.Abs(v.Data[k]-w) > 1e-12 {
			t.Errorf("entry %d = %v, want %v", k, v.Data[k], w)
		}
	}
	if v.At(2, 2) != 18 {
		t.Errorf("At(2, 2) = %v, want 18", v.At(2, 2))
	}
	if _, err := h.Eval(map[string]float64{"x": 1, "y": 2, "z": 3}); err == nil {
		t.Error("Eval of a matrix: no error")
	}
	var de *DomainError
	if _, err := MustParse("[x, log(x)]").EvalTensor(map[string]float64{"x": -1}); !errors.As(err, &de) {
		t.Errorf("EvalTensor outside the domain: error %v, want a *DomainError", err)
	}
}

// TestHessianSparse checks that the Hessian of a function of many
// variables with few terms each is stored sparsely and is right.
func TestHessianSparse(t *testing.T) {
	f, vars := rosenbrock(300)
	h, err := Hessian(f, vars...)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Shape(); len(got) != 2 || got[0] != 300 || got[1] != 300 {
		t.Fatalf("shape %v, want [300 300]", got)
	}
	if _, sparse := h.n.Sparse(); !sparse {
		t.Error("the Rosenbrock Hessian is not stored sparsely")
	}
	tests := []struct {
		i, j int
		want string
	}{
		{0, 0, "1200x1^2 - 400x2 + 2"},
		{0, 1, "-400x1"},
		{1, 0, "-400x1"},
		{1, 1, "1200x2^2 - 400x3 + 202"},
		{299, 299, "200"},
		{0, 2, "0"},
		{150, 10, "0"},
	}
	for _, tt := range tests {
		if got := h.Entry(tt.i, tt.j).Simplify().Expand().String(); got != tt.want {
			t.Errorf("H[%d][%d] = %s, want %s", tt.i, tt.j, got, tt.want)
		}
	}
}

// TestGradientsAgainstFiniteDifferences checks gradients and Hessians of
// random expressions in x and y against finite differences.
func TestGradientsAgainstFiniteDifferences(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genExpr(3).Draw(t, "f")
		env := map[string]float64{"x": point(t, "x"), "y": point(t, "y")}
		if v, err := f.Eval(env); err != nil || math.Abs(v) > 1e6 {
			t.Skip("outside the domain")
		}
		g, err := Grad(f, "x", "y")
		if refusedOverReals(f, err) {
			t.Skip("no derivative over the reals")
		}
		if err = present(err); err != nil {
			t.Fatal(err)
		}
		h, err := Hessian(f, "x", "y")
		if err = present(err); err != nil {
			t.Fatal(err)
		}
		for j, v := range []string{"x", "y"} {
			want, ok := centralDiff(f, env, v)
			if !ok {
				t.Skip("not smooth here")
			}
			got, err := g.Entry(0, j).Eval(env)
			if err != nil {
				if underflow(err, env) || negativeBasePower(err) {
					t.Skip("floating point")
				}
				t.Fatalf("∂f/∂%s of %s = %s: %v", v, f, g.Entry(0, j), err)
			}
			if math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
				t.Fatalf("∂/∂%s %s = %v, finite differences give %v", v, f, got, want)
			}
			// Row j of the Hessian is the gradient of ∂f/∂v.
			for i, u := range []string{"x", "y"} {
				want, ok := centralDiff(g.Entry(0, j), env, u)
				if !ok {
					continue
				}
				got, err := h.Entry(j, i).Eval(env)
				if err != nil {
					continue
				}
				if math.Abs(got-want) > 1e-3*(1+math.Abs(want)) {
					t.Fatalf("∂²f/∂%s∂%s of %s = %v, finite differences give %v", v, u, f, got, want)
				}
			}
		}
	})
}

func TestProductGradientIsLinear(t *testing.T) {
	const n = 500
	names := make([]string, n)
	xs := make([]Expr, n)
	for i := range xs {
		names[i] = "x" + strconv.Itoa(i+1)
		xs[i] = Var(names[i])
	}
	f := Mul(xs...)
	g, err := Grad(f, names...)
	if err != nil {
		t.Fatal(err)
	}
	// The work is linear too: a quadratic sweep allocates per pair.
	allocs := testing.AllocsPerRun(2, func() { Grad(f, names...) })
	if allocs > 20*n {
		t.Errorf("the gradient of a product of %d variables makes %.0f allocations, want at most %d", n, allocs, 20*n)
	}
	if got := g.Nodes(); got > 3*n {
		t.Errorf("gradient of a product of %d variables has %d nodes, want O(n)", n, got)
	}
	// ∂/∂x1 is x2 x3 … xn.
	if got, want := g.Entry(0, 0).Len(), 1; got != want {
		t.Errorf("∂/∂x1 has %d entries, want %d", got, want)
	}
	env := map[string]float64{}
	for i, v := range names {
		env[v] = 1 + float64(i%3)/1000
	}
	got, err := g.Entry(0, 0).Eval(env)
	if err != nil {
		t.Fatal(err)
	}
	want := 1.0
	for _, v := range names[1:] {
		want *= env[v]
	}
	if math.Abs(got-want) > 1e-12*want {
		t.Errorf("∂/∂x1 = %v, want %v", got, want)
	}
}
