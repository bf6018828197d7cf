package nabla_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/nabla-math/nabla"
)

func ExampleParse() {
	f, err := nabla.Parse("x^3 sin(x)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f)
	fmt.Println(f.Vars())
	// Output:
	// x^3 sin(x)
	// [x]
}

func ExampleParse_error() {
	_, err := nabla.Parse("sin(2x+")
	if e, ok := err.(*nabla.Error); ok {
		fmt.Println(e)
		fmt.Println(e.Caret())
	}
	// Output:
	// 1:8: expected an expression after '+', found end of input
	//   sin(2x+
	//          ^
}

func ExampleExpr_Diff() {
	f := nabla.MustParse("(x + 2y^3)^2")
	dx, _ := f.Diff("x")
	dy, _ := f.Diff("y")
	fmt.Println(dx)
	fmt.Println(dy)
	// Output:
	// 2(x + 2y^3)
	// 12y^2 (x + 2y^3)
}

func ExampleDiff() {
	f := nabla.MustParse("x^5 - x^2 + x")
	d2, _ := nabla.Diff(f, "x", 2)
	fmt.Println(d2)
	// Output:
	// 20x^3 - 2
}

func ExampleExpr_Eval() {
	d, _ := nabla.MustParse("x^3 sin(x)").Diff("x")
	v, _ := d.Eval(map[string]float64{"x": 0})
	fmt.Println(v)
	_, err := nabla.MustParse("log(x)").Eval(map[string]float64{"x": -1})
	fmt.Println(err)
	// Output:
	// 0
	// log of a non-positive number in log(x)
}

func ExampleCompile() {
	p, err := nabla.Compile(nabla.MustParse("x^2 + y"), "x", "y")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Inputs())
	for _, x := range []float64{1, 2, 3} {
		v, _ := p.Value([]float64{x, 0.5})
		fmt.Println(v)
	}
	// Output:
	// [x y]
	// 1.5
	// 4.5
	// 9.5
}

// Least squares: the loss ‖y − Φθ‖² and its gradient −2Φᵀ(y − Φθ) in
// one evaluation, with the data Φ and y bound once.
func ExampleProgram_ValueGrad() {
	f, _ := nabla.ParseWith("||y - Φ θ||^2", &nabla.ParseOptions{Vectors: []string{"y", "θ"}, Matrices: []string{"Φ"}})
	p, err := nabla.Compile(f, "θ")
	if err != nil {
		fmt.Println(err)
		return
	}
	p.Bind("Φ", mat.NewDense(3, 2, []float64{1, 1, 1, 2, 1, 3}))
	p.Bind("y", []float64{1, 2, 2})
	grad := make([]float64, 2)
	loss, err := p.ValueGrad(grad, []float64{0.5, 0.5})
	fmt.Println(loss, grad, err)
	// Output:
	// 0.25 [-1 -2] <nil>
}

func ExampleDiffSteps() {
	_, steps, _ := nabla.DiffSteps(nabla.MustParse("sin(x^2)"), "x")
	for _, s := range steps {
		fmt.Printf("%s: d/dx %s = %s\n", s.Rule, s.Of, s.Result)
	}
	// Output:
	// power rule: d/dx x^2 = 2x
	// chain rule: d/dx sin(x^2) = 2x cos(x^2)
}

func ExampleVar() {
	x := nabla.Var("x")
	f := nabla.Mul(nabla.Exp(nabla.Neg(x)), nabla.Sin(x)) // e^-x sin(x)
	d, _ := f.Diff("x")
	fmt.Println(f)
	fmt.Println(d)
	// Output:
	// sin(x) exp(-x)
	// cos(x) exp(-x) - sin(x) exp(-x)
}

func ExampleExpr_LaTeX() {
	d, _ := nabla.MustParse("(x^2+1)/(x-1)").Diff("x")
	fmt.Println(d.LaTeX())
	// Output:
	// \frac{x^{2} - 2 x - 1}{\left(x - 1\right)^{2}}
}

func ExampleGrad() {
	g, _ := nabla.Grad(nabla.MustParse("x^2 y + sin(x y)"), "x", "y")
	fmt.Println(g)
	fmt.Println(g.Shape())
	// Output:
	// [[2x y + y cos(x y), x^2 + x cos(x y)]]
	// [1 2]
}

func ExampleJacobian() {
	j, _ := nabla.Jacobian(nabla.MustParse("[r cos(θ), r sin(θ)]"), "r", "θ")
	fmt.Println(j)
	// Output:
	// [[cos(θ), -r sin(θ)], [sin(θ), r cos(θ)]]
}

func ExampleHessian() {
	h, _ := nabla.Hessian(nabla.MustParse("(1 - x)^2 + 100(y - x^2)^2"), "x", "y")
	fmt.Println(h.Entry(0, 1))
	v, _ := h.EvalTensor(map[string]float64{"x": 1, "y": 1})
	fmt.Println(v.Data)
	// Output:
	// -400x
	// [802 -400 -400 200]
}

func ExampleChainRule() {
	c, _ := nabla.ChainRule("x1^2*x2 + 3*x1 + 6*x2 where x1 = sin(t), x2 = exp(2*t)")
	fmt.Println(c)
	fmt.Println(c.Factor)
	// Output:
	// ∂f/∂(x1, x2) = [[2x1 x2 + 3, x1^2 + 6]]
	// ∂(x1, x2)/∂t = [[cos(t)], [2exp(2t)]]
	// df/dt = [[cos(t) (2sin(t) exp(2t) + 3) + 2exp(2t) (sin(t)^2 + 6)]]
	// [[cos(t) (2x1 x2 + 3) + 2exp(2t) (x1^2 + 6)]]
}

func ExampleParseWith_matrixCalculus() {
	opts := &nabla.ParseOptions{Vectors: []string{"y", "θ"}, Matrices: []string{"Φ"}}
	loss, _ := nabla.ParseWith("||y - Φ θ||^2", opts)
	d, _ := loss.Diff("θ")
	fmt.Println(d)
	fmt.Println(d.Dims())
	h, _ := nabla.Hessian(loss, "θ")
	fmt.Println(h)
	// Output:
	// -2(y - Φ θ)ᵀ Φ
	// [1 n]
	// 2Φᵀ Φ
}

func ExampleDiffTensor() {
	opts := &nabla.ParseOptions{Vectors: []string{"x"}, Matrices: []string{"A"}}
	f, _ := nabla.ParseWith("A x", opts)
	t, _ := nabla.DiffTensor(f, "A")
	fmt.Println(t.Differential)
	fmt.Println(t.Index)
	fmt.Println(t.IndexLaTeX)
	v, _ := t.Values(map[string]nabla.Tensor{
		"A": {Shape: []int{2, 2}, Data: []float64{1, 2, 3, 4}},
		"x": {Shape: []int{2}, Data: []float64{5, 6}},
	})
	fmt.Println(v.Shape, v.Data)
	// Output:
	// dA x
	// ∂f_i/∂A_pq = δ_ip x_q
	// \frac{\partial f_{i}}{\partial A_{pq}} = \delta_{ip} x_{q}
	// [2 2 2] [5 6 0 0 0 0 5 6]
}

// Minimising Rosenbrock's function with gonum's BFGS, fed nabla's exact
// gradient.
func ExampleProgram_Problem() {
	p, _ := nabla.Compile(nabla.MustParse("(1 - x)^2 + 100(y - x^2)^2"), "x", "y")
	r, err := optimize.Minimize(p.Problem(), []float64{-1.2, 1}, nil, &optimize.BFGS{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("x = %.6f, y = %.6f, f < 1e-12: %v\n", r.X[0], r.X[1], r.F < 1e-12)
	// Output:
	// x = 1.000000, y = 1.000000, f < 1e-12: true
}

// A value that rounding has eaten: the fourth derivative of sinc near 0
// cancels in float64, and the bound says so.
func ExampleExpr_EvalBound() {
	d, _ := nabla.Diff(nabla.MustParse("sinc(x)"), "x", 4)
	v, bound, _ := d.EvalBound(map[string]float64{"x": 1e-4})
	fmt.Printf("value %.3g, error bound %.1g: no digit is certain\n", v, bound)
	v, bound, _ = d.EvalBound(map[string]float64{"x": 2})
	fmt.Printf("value %.6f, error bound %.1g\n", v, bound)
	// Output:
	// value 35.5, error bound 2e+02: no digit is certain
	// value -0.019251, error bound 2e-15
}
