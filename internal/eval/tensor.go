package eval

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/nabla-math/nabla/internal/expr"
)

// Tensor is a numeric value: a scalar (no dimensions), a vector or a
// matrix, with its entries in row-major order.
type Tensor struct {
	Shape []int
	Data  []float64
}

// Scalar returns the scalar x as a Tensor.
func Scalar(x float64) Tensor { return Tensor{Data: []float64{x}} }

func (t Tensor) isScalar() bool { return len(t.Shape) == 0 }

func (t Tensor) rowsCols() (int, int) {
	switch len(t.Shape) {
	case 0:
		return 1, 1
	case 1:
		return t.Shape[0], 1
	}
	return t.Shape[0], t.Shape[1]
}

func (t Tensor) dense() *mat.Dense {
	r, c := t.rowsCols()
	return mat.NewDense(r, c, append([]float64(nil), t.Data...))
}

// fromDense makes a Tensor of a gonum matrix, with the shape rule of
// expr.MatrixShape: 1×1 is a scalar, one column a vector.
func fromDense(m *mat.Dense) Tensor {
	r, c := m.Dims()
	data := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		data = append(data, m.RawRowView(i)...)
	}
	switch {
	case r == 1 && c == 1:
		return Tensor{Data: data}
	case c == 1:
		return Tensor{Shape: []int{r}, Data: data}
	}
	return Tensor{Shape: []int{r, c}, Data: data}
}

func shapeText(t Tensor) string {
	if t.isScalar() {
		return "a scalar"
	}
	return shapeString(t.Shape)
}

// tensorEval evaluates a graph of vectors and matrices.
type tensorEval struct {
	env  map[string]Tensor
	dims map[string]int
	from map[string]string // the variable each size was read from
	memo map[*expr.Node]Tensor
}

// EvalTensor evaluates n with the values env of its variables, scalars,
// vectors or matrices. Symbolic sizes take the sizes of the values; values
// whose sizes disagree are an error, and so are a singular matrix to
// invert and a value outside a function's domain.
//
// declared, if not nil, gives the shapes of declared variables, so that
// their values settle sizes even where the expression has lost them, as
// in sum(x ./ x).
func EvalTensor(n *expr.Node, env map[string]Tensor, declared map[string]expr.Shape) (Tensor, error) {
	e := &tensorEval{env: env, dims: map[string]int{}, from: map[string]string{}, memo: map[*expr.Node]Tensor{}}
	names := make([]string, 0, len(declared))
	for name := range declared {
		if _, ok := env[name]; ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if err := e.bindValue(name, declared[name]); err != nil {
			return Tensor{}, err
		}
	}
	if err := e.bind(n, map[*expr.Node]bool{}); err != nil {
		return Tensor{}, err
	}
	return e.eval(n)
}

// bind checks the values of the variables against their shapes and
// settles the symbolic sizes.
func (e *tensorEval) bind(n *expr.Node, seen map[*expr.Node]bool) error {
	if seen[n] {
		return nil
	}
	seen[n] = true
	if n.Op() == expr.OpSym {
		if err := e.bindValue(n.Name(), n.Shape()); err != nil {
			return err
		}
	}
	for _, a := range n.Args() {
		if err := e.bind(a, seen); err != nil {
			return err
		}
	}
	return nil
}

// bindValue checks the value of the variable name against its shape s and
// settles the symbolic sizes of s.
func (e *tensorEval) bindValue(name string, s expr.Shape) error {
	v, ok := e.env[name]
	if !ok {
		return fmt.Errorf("no value for %s", name)
	}
	if len(v.Shape) != s.Rank() {
		want := map[int]string{0: "a scalar", 1: "a vector", 2: "a matrix"}[s.Rank()]
		return fmt.Errorf("%s is %s, but its value is %s", name, want, shapeText(v))
	}
	for i := 0; i < s.Rank(); i++ {
		d := s.Dim(i)
		switch {
		case d.N > 0 && d.N != v.Shape[i]:
			return fmt.Errorf("%s has size %s, but its value has %d", name, s, v.Shape[i])
		case d.N == 0:
			if k, ok := e.dims[d.Sym]; ok && k != v.Shape[i] {
				if from := e.from[d.Sym]; from == name {
					return fmt.Errorf("the value of %s is %s, but its sizes must be equal (both %s)", name, dimsText(v), d.Sym)
				}
				return fmt.Errorf("size %s is %d from %s but %d from %s", d.Sym, k, e.from[d.Sym], v.Shape[i], name)
			}
			e.dims[d.Sym] = v.Shape[i]
			e.from[d.Sym] = name
		}
	}
	return nil
}

func (e *tensorEval) size(d expr.Dim) (int, error) {
	if d.N > 0 {
		return d.N, nil
	}
	k, ok := e.dims[d.Sym]
	if !ok {
		return 0, fmt.Errorf("the size %s is not known: give a value that has it", d.Sym)
	}
	return k, nil
}

func (e *tensorEval) domain(n *expr.Node, msg string) error {
	return &DomainError{Node: n, Msg: msg}
}

func (e *tensorEval) eval(n *expr.Node) (Tensor, error) {
	if v, ok := e.memo[n]; ok {
		return v, nil
	}
	v, err := e.compute(n)
	if err != nil {
		return Tensor{}, err
	}
	v = e.conform(n, v)
	for _, x := range v.Data {
		if math.IsNaN(x) {
			return Tensor{}, e.domain(n, "undefined value")
		}
		if math.IsInf(x, 0) {
			return Tensor{}, e.domain(n, "overflow")
		}
	}
	e.memo[n] = v
	return v, nil
}

// conform gives v the shape of the node n where the sizes are known: a
// matrix product of m×1 factors is m×1, not a vector, when n says so.
func (e *tensorEval) conform(n *expr.Node, v Tensor) Tensor {
	s := n.Shape()
	if s.Rank() == len(v.Shape) {
		return v
	}
	shape := make([]int, s.Rank())
	size := 1
	for i := range shape {
		k, err := e.size(s.Dim(i))
		if err != nil {
			return v
		}
		shape[i], size = k, size*k
	}
	if size != len(v.Data) {
		return v
	}
	v.Shape = shape
	return v
}

func (e *tensorEval) args(n *expr.Node) ([]Tensor, error) {
	out := make([]Tensor, len(n.Args()))
	for i, a := range n.Args() {
		v, err := e.eval(a)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// broadcast combines element-wise values, scalars acting on every entry.
func (e *tensorEval) broadcast(n *expr.Node, vs []Tensor, unit float64, op func(x, y float64) (float64, string)) (Tensor, error) {
	out := Tensor{Data: []float64{unit}}
	for _, v := range vs {
		if !v.isScalar() {
			out.Shape = v.Shape
			out.Data = make([]float64, len(v.Data))
			for i := range out.Data {
				out.Data[i] = unit
			}
			break
		}
	}
	for _, v := range vs {
		if !v.isScalar() && !sameShape(v.Shape, out.Shape) {
			return Tensor{}, fmt.Errorf("size mismatch in %s: %s against %s", short(n), shapeString(v.Shape), shapeString(out.Shape))
		}
		for i := range out.Data {
			x := v.Data[0]
			if !v.isScalar() {
				x = v.Data[i]
			}
			r, msg := op(out.Data[i], x)
			if msg != "" {
				return Tensor{}, e.domain(n, msg)
			}
			out.Data[i] = r
		}
	}
	return out, nil
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func short(n *expr.Node) string {
	s, err := formatShort(n)
	if err != nil {
		return "an expression"
	}
	return s
}

func (e *tensorEval) compute(n *expr.Node) (Tensor, error) {
	switch n.Op() {
	case expr.OpConst:
		return Scalar(n.Num().Float64()), nil
	case expr.OpConstant:
		return Scalar(expr.ConstantValue(n.Name())), nil
	case expr.OpSym:
		return e.env[n.Name()], nil
	case expr.OpIdentity:
		k, err := e.size(n.Shape().Dim(0))
		if err != nil {
			return Tensor{}, err
		}
		t := Tensor{Shape: []int{k, k}, Data: make([]float64, k*k)}
		for i := 0; i < k; i++ {
			t.Data[i*k+i] = 1
		}
		return t, nil
	case expr.OpOnes:
		s := n.Shape()
		shape := make([]int, s.Rank())
		size := 1
		for i := range shape {
			k, err := e.size(s.Dim(i))
			if err != nil {
				return Tensor{}, err
			}
			shape[i] = k
			size *= k
		}
		t := Tensor{Shape: shape, Data: make([]float64, size)}
		for i := range t.Data {
			t.Data[i] = 1
		}
		return t, nil
	}
	vs, err := e.args(n)
	if err != nil {
		return Tensor{}, err
	}
	switch n.Op() {
	case expr.OpMatrix:
		dims, _ := n.Shape().Ints()
		t := Tensor{Shape: dims, Data: make([]float64, n.Size())}
		pos, sparse := n.Sparse()
		for k, v := range vs {
			if sparse {
				t.Data[pos[k]] = v.Data[0]
			} else {
				t.Data[k] = v.Data[0]
			}
		}
		return t, nil
	case expr.OpAdd:
		return e.broadcast(n, vs, 0, func(x, y float64) (float64, string) { return x + y, "" })
	case expr.OpMul:
		return e.broadcast(n, vs, 1, func(x, y float64) (float64, string) { return x * y, "" })
	case expr.OpPow:
		// Element-wise: scale a copy of the base by nothing, then raise.
		out, err := e.broadcast(n, []Tensor{vs[0], vs[1]}, 0, func(acc, x float64) (float64, string) { return 0, "" })
		if err != nil {
			return Tensor{}, err
		}
		for i := range out.Data {
			b, x := vs[0].Data[0], vs[1].Data[0]
			if !vs[0].isScalar() {
				b = vs[0].Data[i]
			}
			if !vs[1].isScalar() {
				x = vs[1].Data[i]
			}
			switch {
			case b == 0 && x < 0:
				return Tensor{}, e.domain(n, "division by zero")
			case b < 0 && x != math.Trunc(x):
				return Tensor{}, e.domain(n, "negative number to a non-integer power")
			}
			out.Data[i] = pow(b, x)
		}
		return out, nil
	case expr.OpMatMul:
		acc := vs[0]
		for i, v := range vs[1:] {
			_, ac := acc.rowsCols()
			br, _ := v.rowsCols()
			if ac != br {
				return Tensor{}, fmt.Errorf("size mismatch in %s: cannot multiply %s by %s", short(n), dimsText(acc), dimsText(v))
			}
			var m mat.Dense
			m.Mul(acc.dense(), v.dense())
			acc = fromDense(&m)
			_ = i
		}
		return acc, nil
	case expr.OpTranspose:
		var m mat.Dense
		m.CloneFrom(vs[0].dense().T())
		return fromDense(&m), nil
	case expr.OpInv, expr.OpDet, expr.OpLogDet:
		if r, c := vs[0].rowsCols(); r != c {
			return Tensor{}, fmt.Errorf("%s needs a square matrix, not %s", n.Info().Name, dimsText(vs[0]))
		}
	}
	switch n.Op() {
	case expr.OpInv:
		var m mat.Dense
		if err := m.Inverse(vs[0].dense()); err != nil {
			return Tensor{}, e.domain(n, "singular matrix")
		}
		return fromDense(&m), nil
	case expr.OpDet:
		return Scalar(mat.Det(vs[0].dense())), nil
	case expr.OpLogDet:
		l, sign := mat.LogDet(vs[0].dense())
		if sign <= 0 {
			return Tensor{}, e.domain(n, "log of a non-positive determinant")
		}
		return Scalar(l), nil
	case expr.OpTrace:
		r, c := vs[0].rowsCols()
		if r != c {
			return Tensor{}, fmt.Errorf("tr needs a square matrix, not %s", dimsText(vs[0]))
		}
		s := 0.0
		for i := 0; i < r; i++ {
			s += vs[0].Data[i*c+i]
		}
		return Scalar(s), nil
	case expr.OpNorm:
		s := 0.0
		for _, x := range vs[0].Data {
			s += x * x
		}
		return Scalar(math.Sqrt(s)), nil
	case expr.OpSum:
		s := 0.0
		for _, x := range vs[0].Data {
			s += x
		}
		return Scalar(s), nil
	case expr.OpDiag:
		if len(vs[0].Shape) == 2 {
			r, c := vs[0].rowsCols()
			if r != c {
				return Tensor{}, fmt.Errorf("diag needs a square matrix, not %s", dimsText(vs[0]))
			}
			t := Tensor{Shape: []int{r}, Data: make([]float64, r)}
			for i := range t.Data {
				t.Data[i] = vs[0].Data[i*c+i]
			}
			return t, nil
		}
		k := len(vs[0].Data)
		t := Tensor{Shape: []int{k, k}, Data: make([]float64, k*k)}
		for i, x := range vs[0].Data {
			t.Data[i*k+i] = x
		}
		return t, nil
	}
	info := n.Info()
	if info.Eval == nil || len(vs) != 1 {
		return Tensor{}, fmt.Errorf("cannot evaluate %s", info.Name)
	}
	out := Tensor{Shape: vs[0].Shape, Data: make([]float64, len(vs[0].Data))}
	for i, x := range vs[0].Data {
		r, msg := info.Eval(x)
		if msg != "" {
			return Tensor{}, e.domain(n, msg)
		}
		out.Data[i] = r
	}
	return out, nil
}

func dimsText(t Tensor) string {
	r, c := t.rowsCols()
	if len(t.Shape) == 1 {
		return fmt.Sprintf("a %d-vector", r)
	}
	return fmt.Sprintf("a %d×%d matrix", r, c)
}
