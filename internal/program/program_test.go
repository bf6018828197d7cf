package program

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nabla-math/nabla/internal/eval"
	"github.com/nabla-math/nabla/internal/expr"
	"github.com/nabla-math/nabla/internal/parse"
	"github.com/nabla-math/nabla/internal/tensor"
)

// options declares the vectors x, y, a, b, w and the matrices A, B, X, S
// (S symmetric), every size symbolic, for the parser to unify.
func options() *parse.Options {
	vec := func(v string) expr.Shape { return expr.NewShape(expr.Dim{Sym: "#" + v}) }
	mat := func(m string) expr.Shape {
		return expr.NewShape(expr.Dim{Sym: "#" + m + ".r"}, expr.Dim{Sym: "#" + m + ".c"})
	}
	return &parse.Options{Vars: map[string]expr.Shape{
		"x": vec("x"), "y": vec("y"), "a": vec("a"), "b": vec("b"), "w": vec("w"),
		"A": mat("A"), "B": mat("B"), "X": mat("X"),
	}}
}

func mustParse(t *testing.T, src string) *expr.Node {
	t.Helper()
	n, err := parse.Parse(src, options())
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return n
}

// values gives every variable of n a random value, the sizes of the
// symbolic sizes drawn from dims in order of appearance.
func values(rng *rand.Rand, n *expr.Node, sizes map[string]int) map[string]tensor.T {
	env := map[string]tensor.T{}
	size := func(d expr.Dim) int {
		if d.N > 0 {
			return d.N
		}
		k, ok := sizes[d.Sym]
		if !ok {
			k = 1 + rng.IntN(5)
			sizes[d.Sym] = k
		}
		return k
	}
	for _, v := range expr.Vars(n) {
		s := v.Shape()
		dims := make([]int, s.Rank())
		for i := range dims {
			dims[i] = size(s.Dim(i))
		}
		t := tensor.New(dims...)
		for i := range t.Data {
			t.Data[i] = 0.25 + rng.Float64()
		}
		env[v.Name()] = t
	}
	return env
}

// TestAgainstTree evaluates expressions with every variable an input,
// then with every variable data, and compares with the tree evaluator.
func TestAgainstTree(t *testing.T) {
	srcs := []string{
		"p^2 q + sin(p q)",
		"A x",
		"A' x",
		"x' A x",
		"x' A' A x",
		"A B x",
		"A' B",
		"A B'",
		"a b'",
		"(a b') x",
		"x x' A",
		"diag(x) A",
		"A diag(x)",
		"A' diag(x) A",
		"A' diag(x - 2y) A",
		"A' diag(x .* y) A + A' A",
		"diag(x) diag(y)",
		"diag(x) diag(y) A",
		"||y - A x||^2",
		"sum(log(1 + exp(-y .* (A x))))",
		"A x + sin(x)",
		"A + diag(cos(x))",
		"A A' + I + diag(x) + 2",
		"diag(x) + diag(y) + I",
		"sin(A + I)",
		"exp(x) .* sin(x) + x.^2 ./ (1 + y.^2)",
		"sum(x) * x + y",
		"tr(A' A) + det(A A') + norm(A)",
		"inv(A A' + I) x",
		"sigmoid(A x) .* y",
		"max(x) + sum(ismax(x))",
		"x[1] + A[1, 2]",
		"[x[1], 2 x[1], sin(y[1])]",
		"[[x[1], 1], [0, y[1]]] A",
		"ones' x + sum(I A)",
		"2 (A + A') x",
		"(x .* y)' (x - y)",
		"sum(A .* B)",
		"x' (A + B) x",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, src := range srcs {
		n := mustParse(t, src)
		for trial := 0; trial < 5; trial++ {
			sizes := map[string]int{}
			env := values(rng, n, sizes)
			want, werr := eval.EvalTensor(n, env, nil)
			// Every variable data.
			p, err := Compile([]*expr.Node{n}, nil)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			for name, v := range env {
				if err := p.Bind(name, v); err != nil {
					t.Fatalf("%s: bind %s: %v", src, name, err)
				}
			}
			check(t, src+" (data)", p, nil, want, werr)
			// Every variable an input.
			var ins []Input
			var x []float64
			for _, v := range expr.Vars(n) {
				ins = append(ins, Input{Name: v.Name(), Shape: v.Shape()})
				x = append(x, env[v.Name()].Data...)
			}
			p, err = Compile([]*expr.Node{n}, ins)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			for sym, k := range sizes {
				if err := p.SetSize(sym, k); err != nil {
					t.Fatalf("%s: %v", src, err)
				}
			}
			check(t, src+" (inputs)", p, x, want, werr)
		}
	}
}

func check(t *testing.T, name string, p *Program, x []float64, want tensor.T, werr error) {
	t.Helper()
	var got tensor.T
	f, err := p.Eval(x)
	if err == nil {
		got = tensor.T{Shape: f.Out(0).Shape, Data: append([]float64(nil), f.Out(0).Data...)}
		f.Done()
	}
	if (err != nil) != (werr != nil) {
		t.Errorf("%s: error %v, tree evaluator %v", name, err, werr)
		return
	}
	if err != nil {
		t.Logf("%s: both fail: %v / %v", name, err, werr)
		return
	}
	if len(got.Data) != len(want.Data) || product(got.Shape) != product(want.Shape) {
		t.Errorf("%s: %v, tree evaluator %v", name, got, want)
		return
	}
	for i := range got.Data {
		if d := math.Abs(got.Data[i] - want.Data[i]); d > 1e-12*math.Max(1, math.Abs(want.Data[i])) {
			t.Errorf("%s: entry %d is %v, tree evaluator %v", name, i, got.Data[i], want.Data[i])
			return
		}
	}
}

// TestWeightedGram checks Mᵀ diag(s) M, computed as a Gram matrix in
// blocks, at sizes of several blocks and weights of both signs.
func TestWeightedGram(t *testing.T) {
	n := mustParse(t, "X' diag(w) X")
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range [][2]int{{150, 130}, {7, 200}, {300, 1}, {1, 65}} {
		for _, mixed := range []bool{false, true} {
			x := tensor.New(size[0], size[1])
			w := tensor.New(size[0])
			for i := range x.Data {
				x.Data[i] = rng.NormFloat64()
			}
			for i := range w.Data {
				w.Data[i] = rng.Float64()
				if mixed && rng.IntN(2) == 0 {
					w.Data[i] = -w.Data[i]
				}
			}
			env := map[string]tensor.T{"X": x, "w": w}
			want, err := eval.EvalTensor(n, env, nil)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Compile([]*expr.Node{n}, []Input{{Name: "w", Shape: n.Arg(1).Arg(0).Shape()}})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Bind("X", x); err != nil {
				t.Fatal(err)
			}
			check(t, fmt.Sprintf("%v mixed %v", size, mixed), p, w.Data, want, nil)
		}
	}
}

func TestNonFinite(t *testing.T) {
	big := make([]float64, 1000)
	for i := range big {
		big[i] = 1e308 // sums overflow, entries are finite
	}
	tests := []struct {
		xs   []float64
		want int
	}{
		{nil, -1},
		{[]float64{1, 2, 3}, -1},
		{[]float64{1, math.NaN(), 3}, 1},
		{[]float64{math.Inf(1), 2}, 0},
		{[]float64{1, 2, 3, 4, 5, math.Inf(-1)}, 5},
		{big, -1},
		{append(append([]float64{}, big...), math.NaN()), 1000},
		{append(make([]float64, 700), math.Inf(1), math.Inf(-1)), 700},
	}
	for _, tt := range tests {
		if got := nonFinite(tt.xs); got != tt.want {
			t.Errorf("nonFinite(%d entries) = %d, want %d", len(tt.xs), got, tt.want)
		}
	}
}

// TestStream checks programs that stream a large matrix by rows on
// several lanes (a loss and its gradient reading X once) against the
// tree evaluator, and the errors raised inside a stream.
func TestStream(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const rows, cols = 3001, 40 // more than streamMin entries, rows not a multiple of the chunks
	x, y := tensor.New(rows, cols), tensor.New(rows)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	for i := range y.Data {
		y.Data[i] = rng.NormFloat64()
	}
	w := tensor.New(cols)
	for i := range w.Data {
		w.Data[i] = 0.1 * rng.NormFloat64()
	}
	tests := [][]string{
		{"||y - X w||^2", "-2 X' (y - X w)"},
		{"sum(log(1 + exp(-y .* (X w))))", "-X' (y .* sigmoid(-y .* (X w)))"},
		{"(y - X w)' X", "X' sin(X w) + X' cos(X w)"},
	}
	for _, srcs := range tests {
		var outs []*expr.Node
		for _, src := range srcs {
			outs = append(outs, mustParse(t, src))
		}
		p, err := Compile(outs, []Input{{Name: "w", Shape: shapeOf(outs[0], "w")}})
		if err != nil {
			t.Fatal(err)
		}
		p.Bind("X", x)
		if slices.Contains(p.Data(), "y") {
			p.Bind("y", y)
		}
		pl, err := p.plan(cols)
		if err != nil {
			t.Fatal(err)
		}
		streamed := false
		for _, st := range pl.steps {
			streamed = streamed || st.kind == kStream
		}
		if !streamed {
			t.Errorf("%v: no stream", srcs)
		}
		f, err := p.Eval(w.Data)
		if err != nil {
			t.Fatalf("%v: %v", srcs, err)
		}
		env := map[string]tensor.T{"X": x, "y": y, "w": w}
		for k, n := range outs {
			want, err := eval.EvalTensor(n, env, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := f.Out(k)
			for i := range want.Data {
				if d := math.Abs(got.Data[i] - want.Data[i]); d > 1e-12*math.Max(1, math.Abs(want.Data[i])) {
					t.Errorf("%s: entry %d is %v, tree evaluator %v", srcs[k], i, got.Data[i], want.Data[i])
					break
				}
			}
		}
		f.Done()
	}
	// A domain error inside the stream names the subexpression and the
	// entry, the first in row order.
	n := mustParse(t, "X' log(X w + 3)")
	p, _ := Compile([]*expr.Node{n}, []Input{{Name: "w", Shape: shapeOf(n, "w")}})
	p.Bind("X", x)
	big := make([]float64, cols)
	big[0] = 1
	_, err := p.Eval(big)
	want := "log of a non-positive number in log(X w + 3), entry "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %q…", err, want)
	}
	first := -1
	for i := 0; i < rows; i++ {
		if x.Data[i*cols]+3 <= 0 {
			first = i
			break
		}
	}
	if wantAt := fmt.Sprintf("[%d]", first+1); err != nil && !strings.HasSuffix(err.Error(), wantAt) {
		t.Errorf("error %v, want the entry %s", err, wantAt)
	}
}

func shapeOf(n *expr.Node, name string) expr.Shape {
	for _, v := range expr.Vars(n) {
		if v.Name() == name {
			return v.Shape()
		}
	}
	return expr.Shape{}
}

// TestClusterErrors checks that a value outside a function's domain in a
// chain of element-wise operations is reported at the operation and the
// entry where it arises, as the tree evaluator reports it, though the
// chain checks its values only where a NaN could be hidden.
func TestClusterErrors(t *testing.T) {
	tests := []struct {
		src  string
		x, y []float64
		want string // the message; the tree evaluator's, then the entry
	}{
		{"log(x) + sin(y)", []float64{1, 2, -3, 4}, []float64{1, 1, 1, 1},
			"log of a non-positive number in log(x), entry [3]"},
		{"exp(-(x .^ -1)) .* y", []float64{1, 2, 0, 4}, []float64{1, 1, 1, 1},
			"division by zero in 1./x, entry [3]"},
		{"exp(100 x) .* y + 1", []float64{1, 8, 3, 4}, []float64{1, 1, 1, 1},
			"overflow in exp(100x), entry [2]"},
		{"sigmoid(log(x - y))", []float64{3, 2, 1, 0}, []float64{1, 1, 1, 1},
			"log of a non-positive number in log(x - y), entry [3]"},
	}
	for _, tt := range tests {
		n := mustParse(t, tt.src)
		for _, size := range []int{4, 1000} { // one block, and a block with the entry later
			x, y := tensor.New(size), tensor.New(size)
			for i := range x.Data {
				x.Data[i], y.Data[i] = tt.x[i%4]+float64(i/4*10), tt.y[i%4]
			}
			env := map[string]tensor.T{"x": x, "y": y}
			_, werr := eval.EvalTensor(n, env, nil)
			p, err := Compile([]*expr.Node{n}, nil)
			if err != nil {
				t.Fatal(err)
			}
			p.Bind("x", x)
			p.Bind("y", y)
			_, err = p.Eval(nil)
			if err == nil || werr == nil {
				t.Errorf("%s: errors %v and %v", tt.src, err, werr)
				continue
			}
			if size == 4 && err.Error() != tt.want {
				t.Errorf("%s: %v, want %s", tt.src, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), werr.Error()) {
				t.Errorf("%s: %v; the tree evaluator: %v", tt.src, err, werr)
			}
		}
	}
}

// TestReductions checks sums computed in the loop of their operand: on
// one lane and on several, inside a stream, next to other outputs, and
// the errors traced through them.
func TestReductions(t *testing.T) {
	tests := []struct {
		src  string
		want string // the error for x[k] = 1e200 at k = 2 (1-based 3), "" for none
	}{
		{"sum(100 (y - x.^2).^2 + (1 - x).^2)", "overflow in (1 - x).^2, entry [3]"},
		{"sum(x .* y) + sum(exp(x - y))", "overflow in exp(x - y), entry [3]"},
		{"sum(x) sum(y .^ 2)", ""},
		{"sum(log(1 + x .^ 2))", ""},
	}
	rng := rand.New(rand.NewPCG(8, 8))
	for _, tt := range tests {
		n := mustParse(t, tt.src)
		for _, size := range []int{3, 1000, 3*parallelMin + 7} {
			x, y := tensor.New(size), tensor.New(size)
			for i := range x.Data {
				x.Data[i], y.Data[i] = rng.NormFloat64(), rng.NormFloat64()
			}
			// The value, and the gradient-like outputs beside it.
			outs := []*expr.Node{n, mustParse(t, "x .* y + 1"), mustParse(t, "sum(x)")}
			p, err := Compile(outs, nil)
			if err != nil {
				t.Fatal(err)
			}
			p.Bind("x", x)
			p.Bind("y", y)
			f, err := p.Eval(nil)
			if err != nil {
				t.Fatalf("%s, %d entries: %v", tt.src, size, err)
			}
			env := map[string]tensor.T{"x": x, "y": y}
			for k, o := range outs {
				want, err := eval.EvalTensor(o, env, nil)
				if err != nil {
					t.Fatal(err)
				}
				for i, w := range want.Data {
					if got := f.Out(k).Data[i]; math.Abs(got-w) > 1e-9*max(1, math.Abs(w)) {
						t.Errorf("%s, %d entries: output %d entry %d is %v, want %v", tt.src, size, k, i, got, w)
					}
				}
			}
			f.Done()
			if tt.want == "" {
				continue
			}
			x.Data[2] = 1e200
			p.Bind("x", x) // data is read once, when bound
			if _, err := p.Eval(nil); err == nil || err.Error() != tt.want {
				t.Errorf("%s, %d entries, x[3] = 1e200: %v, want %s", tt.src, size, err, tt.want)
			}
		}
	}
	// A sum of finite entries that overflows is the sum's own error.
	n := mustParse(t, "sum(2 x) + 1")
	x := tensor.New(3 * parallelMin)
	for i := range x.Data {
		x.Data[i] = 1e305
	}
	p, err := Compile([]*expr.Node{n}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.Bind("x", x)
	if _, err := p.Eval(nil); err == nil || err.Error() != "overflow in sum(2x)" {
		t.Errorf("sum(2x) of 1e305s: %v, want overflow in sum(2x)", err)
	}
}
