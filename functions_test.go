package nabla

import (
	"math"
	"strings"
	"testing"

	"github.com/nabla-math/nabla/internal/expr"
)

// TestFunctionDerivatives freezes the derivatives of the functions of
// machine-learning calculus, as text and as LaTeX.
func TestFunctionDerivatives(t *testing.T) {
	tests := []struct {
		src, wrt    string
		text, latex string
	}{
		{"sec(x)", "x", "tan(x) sec(x)", `\tan\left(x\right) \sec\left(x\right)`},
		{"csc(x)", "x", "-csc(x) cot(x)", `-\csc\left(x\right) \cot\left(x\right)`},
		{"cot(x)", "x", "-csc(x)^2", `-\csc\left(x\right)^{2}`},
		{"asec(x)", "x", "1/(abs(x) sqrt(x^2 - 1))", `\frac{1}{\left|x\right| \sqrt{x^{2} - 1}}`},
		{"acsc(x)", "x", "-1/(abs(x) sqrt(x^2 - 1))", `-\frac{1}{\left|x\right| \sqrt{x^{2} - 1}}`},
		{"acot(x)", "x", "-1/(x^2 + 1)", `-\frac{1}{x^{2} + 1}`},
		{"sech(x)", "x", "-tanh(x) sech(x)", `-\tanh\left(x\right) \operatorname{sech}\left(x\right)`},
		{"csch(x)", "x", "-csch(x) coth(x)", `-\operatorname{csch}\left(x\right) \coth\left(x\right)`},
		{"coth(x)", "x", "-csch(x)^2", `-\operatorname{csch}\left(x\right)^{2}`},
		{"asinh(x)", "x", "1/sqrt(x^2 + 1)", `\frac{1}{\sqrt{x^{2} + 1}}`},
		{"acosh(x)", "x", "1/sqrt(x^2 - 1)", `\frac{1}{\sqrt{x^{2} - 1}}`},
		{"atanh(x)", "x", "1/(1 - x^2)", `\frac{1}{1 - x^{2}}`},
		{"atan2(y, x)", "y", "x/(x^2 + y^2)", `\frac{x}{x^{2} + y^{2}}`},
		{"atan2(y, x)", "x", "-y/(x^2 + y^2)", `-\frac{y}{x^{2} + y^{2}}`},
		{"log(x, b)", "x", "1/(x log(b))", `\frac{1}{x \log\left(b\right)}`},
		{"log(x, b)", "b", "-log(x, b)/(b log(b))", `-\frac{\log_{b}\left(x\right)}{b \log\left(b\right)}`},
		{"log(x^2, 3)", "x", "2/(x log(3))", `\frac{2}{x \log\left(3\right)}`},
		{"log2(x)", "x", "1/(x log(2))", `\frac{1}{x \log\left(2\right)}`},
		{"log10(x)", "x", "1/(x log(10))", `\frac{1}{x \log\left(10\right)}`},
		{"cbrt(x)", "x", "1/(3cbrt(x)^2)", `\frac{1}{3 \sqrt[3]{x}^{2}}`},
		{"erf(x)", "x", "2exp(-x^2)/sqrt(pi)", `\frac{2 \exp\left(-x^{2}\right)}{\sqrt{\pi}}`},
		{"erfc(x)", "x", "-2exp(-x^2)/sqrt(pi)", `-\frac{2 \exp\left(-x^{2}\right)}{\sqrt{\pi}}`},
		{"gamma(x)", "x", "gamma(x) digamma(x)", `\Gamma\left(x\right) \psi\left(x\right)`},
		{"lgamma(x)", "x", "digamma(x)", `\psi\left(x\right)`},
		{"digamma(x)", "x", "trigamma(x)", `\psi'\left(x\right)`},
		{"trigamma(x)", "x", "polygamma(2, x)", `\psi^{(2)}\left(x\right)`},
		{"polygamma(n, x)", "x", "polygamma(n + 1, x)", `\psi^{(n + 1)}\left(x\right)`},
		{"sinc(x)", "x", "(cos(x) - sinc(x))/x", `\frac{\cos\left(x\right) - \operatorname{sinc}\left(x\right)}{x}`},
		{"step(x)", "x", "0", "0"},
		{"relu(x)", "x", "step(x)", `\operatorname{H}\left(x\right)`},
		{"leaky_relu(x, a)", "x", "a (1 - step(x)) + step(x)", `a \left(1 - \operatorname{H}\left(x\right)\right) + \operatorname{H}\left(x\right)`},
		{"leaky_relu(x, a)", "a", "min(x, 0)", `\min\left(x, 0\right)`},
		{"softplus(x)", "x", "sigmoid(x)", `\sigma\left(x\right)`},
		{"gelu(x)", "x", "x exp(-x^2/2)/sqrt(2pi) + (erf(x/sqrt(2)) + 1)/2",
			`\frac{x \exp\left(-\frac{x^{2}}{2}\right)}{\sqrt{2 \pi}} + \frac{\operatorname{erf}\left(\frac{x}{\sqrt{2}}\right) + 1}{2}`},
		{"silu(x)", "x", "sigmoid(x) (x (1 - sigmoid(x)) + 1)", `\sigma\left(x\right) \left(x \left(1 - \sigma\left(x\right)\right) + 1\right)`},
		{"huber(x, d)", "x", "max(-d, min(x, d))", `\max\left(-d, \min\left(x, d\right)\right)`},
		{"huber(x, d)", "d", "relu(abs(x) - d)", `\operatorname{ReLU}\left(\left|x\right| - d\right)`},
		{"max(x, y)", "x", "(sign(x - y) + 1)/2", `\frac{\operatorname{sign}\left(x - y\right) + 1}{2}`},
		{"max(x, y)", "y", "(1 - sign(x - y))/2", `\frac{1 - \operatorname{sign}\left(x - y\right)}{2}`},
		{"min(x, y)", "x", "(1 - sign(x - y))/2", `\frac{1 - \operatorname{sign}\left(x - y\right)}{2}`},
		{"min(x, y)", "y", "(sign(x - y) + 1)/2", `\frac{\operatorname{sign}\left(x - y\right) + 1}{2}`},
		{"gamma(2x)", "x", "2gamma(2x) digamma(2x)", `2 \Gamma\left(2 x\right) \psi\left(2 x\right)`},
	}
	for _, tt := range tests {
		t.Run(tt.src+" d"+tt.wrt, func(t *testing.T) {
			d, err := Diff(MustParse(tt.src), tt.wrt, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.String(); got != tt.text {
				t.Errorf("d/d%s %s = %s, want %s", tt.wrt, tt.src, got, tt.text)
			}
			if got := d.LaTeX(); got != tt.latex {
				t.Errorf("d/d%s %s in LaTeX = %s, want %s", tt.wrt, tt.src, got, tt.latex)
			}
		})
	}
}

// TestVectorFunctionDerivatives freezes the derivatives of logsumexp and
// softmax in matrix form.
func TestVectorFunctionDerivatives(t *testing.T) {
	opts := &ParseOptions{Vectors: []string{"z", "a"}}
	tests := []struct{ src, want string }{
		{"logsumexp(z)", "softmax(z)ᵀ"},
		{"a' softmax(z)", "((a - sum(a .* softmax(z))) .* softmax(z))ᵀ"},
		{"softmax(z)", "diag(softmax(z)) - softmax(z) softmax(z)ᵀ"},
	}
	for _, tt := range tests {
		f, err := ParseWith(tt.src, opts)
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.Diff("z")
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if got := d.String(); got != tt.want {
			t.Errorf("d/dz %s = %s, want %s", tt.src, got, tt.want)
		}
	}
}

// TestFunctionExactValues checks exact values at special points, as
// printed.
func TestFunctionExactValues(t *testing.T) {
	tests := []struct{ src, want string }{
		{"sech(0)", "1"}, {"sec(0)", "1"}, {"asinh(0)", "0"}, {"acosh(1)", "0"}, {"atanh(0)", "0"},
		{"erf(0)", "0"}, {"erfc(0)", "1"}, {"gamma(1)", "1"}, {"gamma(2)", "1"}, {"gamma(5)", "24"},
		{"gamma(1/2)", "gamma(1/2)"}, {"lgamma(1)", "0"}, {"lgamma(2)", "0"},
		{"log(8, 2)", "3"}, {"log(2, 8)", "1/3"}, {"log(1/8, 2)", "-3"}, {"log(3, 2)", "log(3, 2)"},
		{"log2(8)", "3"}, {"log10(1000)", "3"}, {"log10(1/100)", "-2"}, {"cbrt(27)", "3"}, {"cbrt(-8)", "-2"},
		{"relu(-3/2)", "0"}, {"relu(5/2)", "5/2"}, {"step(0)", "0"}, {"step(2)", "1"}, {"heaviside(-1)", "0"},
		{"sinc(0)", "1"}, {"gelu(0)", "0"}, {"silu(0)", "0"}, {"softplus(0)", "softplus(0)"},
		{"max(2, 3)", "3"}, {"min(2, 1/3)", "1/3"}, {"huber(3, 1)", "5/2"}, {"huber(1/2, 1)", "1/8"},
		{"leaky_relu(-2, 1/10)", "-1/5"}, {"atan2(0, 3)", "0"}, {"polygamma(0, x)", "digamma(x)"},
		{"log(8.0, 2)", "3.0"}, {"gamma(0.5)", "1.7724538509055159"},
	}
	for _, tt := range tests {
		if got := MustParse(tt.src).String(); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.src, got, tt.want)
		}
	}
}

// TestStableComplements checks values where a function nears a constant
// and its derivatives cancel in floating point as written (σ(1 − σ) at
// x = 40 is 0 unless 1 − σ is σ(−x)): the derivative of the given order
// at x through Eval, and through a compiled program for order 0 and 1,
// against 60-digit values of mpmath.
func TestStableComplements(t *testing.T) {
	tests := []struct {
		src   string
		order int
		x     float64
		want  float64
	}{
		{"sigmoid(x)", 1, 40, 4.248354255291589e-18},
		{"sigmoid(x)", 2, 40, -4.2483542552915889e-18},
		{"sigmoid(x)", 3, -35, 6.3051167601469576e-16},
		{"sigmoid(x^5)", 3, 2, 6.0007882037821519e-9},
		{"tanh(x)", 1, 20, 1.6993417021166356e-17},
		{"tanh(x)", 3, -20, 6.7973668084665422e-17},
		{"x tanh(x)", 2, 20, -6.4574984680432152e-16},
		{"tanh(2 x+1)^2", 2, 9, -2.0090449869107385e-15},
		{"erf(x)", 2, 5, -1.5670866531017335e-10},
		{"erfc(-x)", 1, 5, 1.5670866531017335e-11},
		{"2 - erfc(x)", 0, -6, 2.1519736712498913e-17},
		{"1 - erf(x)", 0, 6, 2.1519736712498913e-17},
		{"erf(x) + 1", 0, -6, 2.1519736712498913e-17},
		{"log(sigmoid(x))", 2, 40, -4.248354255291589e-18},
		{"1 - cos(x)", 0, 1e-06, 4.9999999999995829e-13},
		{"(1 - cos(x))/x^2", 0, 1e-05, 0.49999999999583333},
		{"exp(x) - 1", 0, 1e-09, 1.0000000005000001e-9},
		{"exp(x) - 1", 1, 1e-09, 1.000000001},
	}
	for _, tt := range tests {
		d, err := Diff(MustParse(tt.src), "x", tt.order)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Eval(map[string]float64{"x": tt.x})
		if err != nil || math.Abs(got-tt.want) > 1e-12*math.Abs(tt.want) {
			t.Errorf("order %d of %s at %v: Eval gives %v, %v; want %v", tt.order, tt.src, tt.x, got, err, tt.want)
		}
		if tt.order > 1 {
			continue
		}
		p, err := Compile(MustParse(tt.src), "x")
		if err != nil {
			t.Fatal(err)
		}
		g := []float64{0}
		v, err := p.ValueGrad(g, []float64{tt.x})
		if tt.order == 1 {
			v = g[0]
		}
		if err != nil || math.Abs(v-tt.want) > 1e-12*math.Abs(tt.want) {
			t.Errorf("order %d of %s at %v: the program gives %v, %v; want %v", tt.order, tt.src, tt.x, v, err, tt.want)
		}
	}
}

// TestStableValues checks that the values of log(1 + exp(x)), log(sigmoid(x)),
// log(1 - sigmoid(x)) and log(sum(exp(z))) are finite and right where
// exp overflows, through Eval and through compiled programs, and the
// gradient of the first.
func TestStableValues(t *testing.T) {
	tests := []struct {
		src  string
		x    float64
		want float64
	}{
		{"log(1 + exp(x))", 1000, 1000},
		{"log(1 + exp(x))", -1000, 0},
		{"log(sigmoid(x))", -1000, -1000},
		{"log(sigmoid(x))", 1000, 0},
		{"log(1 - sigmoid(x))", 1000, -1000},
		{"log(1 - sigmoid(x))", -1000, 0},
		{"softplus(x)", 1000, 1000},
		{"x - log(1 + exp(x))", 1000, 0},
	}
	for _, tt := range tests {
		f := MustParse(tt.src)
		got, err := f.Eval(map[string]float64{"x": tt.x})
		if err != nil || math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s at %v: Eval gives %v, %v; want %v", tt.src, tt.x, got, err, tt.want)
		}
		p, err := Compile(f, "x")
		if err != nil {
			t.Fatal(err)
		}
		got, err = p.Value([]float64{tt.x})
		if err != nil || math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s at %v: Value gives %v, %v; want %v", tt.src, tt.x, got, err, tt.want)
		}
	}
	p, err := Compile(MustParse("log(1 + exp(x))"), "x")
	if err != nil {
		t.Fatal(err)
	}
	g := []float64{0}
	if v, err := p.ValueGrad(g, []float64{1000}); err != nil || v != 1000 || g[0] != 1 {
		t.Errorf("log(1 + exp(x)) at 1000: ValueGrad gives %v, %v, %v; want 1000, 1", v, g, err)
	}
	f, err := ParseWith("log(sum(exp(z)))", &ParseOptions{Vectors: []string{"z"}})
	if err != nil {
		t.Fatal(err)
	}
	z := []float64{1000, 1000, -1000}
	want := 1000 + math.Ln2
	v, err := f.Value(map[string]Tensor{"z": {Shape: []int{3}, Data: z}})
	if err != nil || math.Abs(v.Data[0]-want) > 1e-12 {
		t.Errorf("log(sum(exp(z))): Value gives %v, %v; want %v", v, err, want)
	}
	q, err := Compile(f, "z")
	if err != nil {
		t.Fatal(err)
	}
	grad := make([]float64, 3)
	if got, err := q.ValueGrad(grad, z); err != nil || math.Abs(got-want) > 1e-12 || grad[0] != 0.5 || grad[1] != 0.5 || grad[2] != 0 {
		t.Errorf("log(sum(exp(z))): ValueGrad gives %v, %v, %v; want %v, [0.5 0.5 0]", got, grad, err, want)
	}
}

// TestGeneratorsDrawEveryFunction checks that the random expressions of
// the property tests draw every element-wise function of the table, and
// the vector generators every operation on a vector.
func TestGeneratorsDrawEveryFunction(t *testing.T) {
	unary, binary := 0, 0
	for i := range expr.Ops {
		info := &expr.Ops[i]
		if info.Class != expr.Function || !info.Elementwise {
			continue
		}
		switch info.Arity {
		case 1:
			unary++
		case 2:
			binary++
		default:
			t.Errorf("%s of %d operands is drawn by no generator", info.Name, info.Arity)
		}
	}
	for _, f := range expr.Derived {
		if f.Elementwise && f.Arity == 1 {
			unary++
		}
	}
	if got, want := len(scalarFunctions()), unary; got != want {
		t.Errorf("the generators draw %d functions of one operand, want %d", got, want)
	}
	if got := len(binaryFunctions()); got != binary || got < 7 {
		t.Errorf("the generators draw %d functions of two operands, want %d", got, binary)
	}
	drawn := func(in, out expr.Shape, op expr.Op) bool {
		for _, s := range tableOps(in, out) {
			if s.op == op {
				return true
			}
		}
		return false
	}
	for _, tt := range []struct {
		in, out expr.Shape
		ops     []expr.Op
	}{
		{matrix, matrix, []expr.Op{expr.OpMatPow, expr.OpSoftmaxDim, expr.OpInv, expr.OpTranspose}},
		{vector, expr.Scalar, []expr.Op{expr.OpMean, expr.OpProd, expr.OpMin, expr.OpMax, expr.OpLogSumExp}},
		{matrix, expr.Scalar, []expr.Op{expr.OpMean, expr.OpProd, expr.OpMin, expr.OpTrace}},
		{vector, vector, []expr.Op{expr.OpSoftmax, expr.OpSoftmaxDim}},
	} {
		for _, op := range tt.ops {
			if !drawn(tt.in, tt.out, op) {
				t.Errorf("%s from %s to %s: tableOp does not draw it", expr.Ops[op].Name, tt.in, tt.out)
			}
		}
	}
	for _, name := range []string{"logsumexp", "softmax"} {
		op := -1
		for i := range expr.Ops {
			if expr.Ops[i].Name == name && expr.Ops[i].Arity == 1 {
				op = i
			}
		}
		info := &expr.Ops[op]
		if _, need := info.Shape([]expr.Shape{vector}, expr.Fixed); need != "" || info.Arity != 1 {
			t.Errorf("%s: tableOp does not draw it for a vector", name)
		}
	}
}

// TestLogOfSubnormals checks the logarithms of subnormal numbers, folded
// as constants and evaluated, against Python's math (math.Log on amd64
// reads a subnormal as about 2^-1023).
func TestLogOfSubnormals(t *testing.T) {
	tests := []struct {
		src  string
		want float64
	}{
		{"log(1e-310)", -713.8013788281542},
		{"log(1e-308)", -709.1962086421661},
		{"log(1e-320)", -736.8272408909739},
		{"log(5e-324)", -744.4400719213812},
		{"log10(1e-310)", -310},
		{"log(1e-310, 10)", -310},
		{"lgamma(1e-310)", 713.8013788281542},
		{"exp(log(1e-310))", 1e-310},
		{"log(1e-300*1e-10)", -713.8013788281542},
		{"log2(1e-310)", -1029.7977094150824},
	}
	for _, tt := range tests {
		got, err := MustParse(tt.src).Eval(nil)
		if err != nil || math.Abs(got-tt.want) > 1e-15*math.Abs(tt.want) {
			t.Errorf("%s = %v (%v), want %v", tt.src, got, err, tt.want)
		}
		if got, err := MustParse(tt.src).Simplify().Eval(nil); err != nil || math.Abs(got-tt.want) > 1e-15*math.Abs(tt.want) {
			t.Errorf("%s simplified = %v (%v), want %v", tt.src, got, err, tt.want)
		}
		f := MustParse(strings.Replace(tt.src, "1e-310", "x", 1))
		if !strings.Contains(tt.src, "1e-310") || strings.Contains(tt.src, "exp") {
			continue
		}
		c, err := Compile(f, "x")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.Value([]float64{1e-310}); err != nil || math.Abs(got-tt.want) > 1e-15*math.Abs(tt.want) {
			t.Errorf("%s at x = 1e-310 = %v (%v), want %v", f, got, err, tt.want)
		}
	}
}
