package nabla

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/nabla-math/nabla/internal/tensor"
)

// Value returns the value of the scalar function at x, the inputs
// flattened row-major in order.
func (p *Program) Value(x []float64) (float64, error) {
	l, err := p.get(formValue)
	if err != nil {
		return 0, err
	}
	fr, err := l.p.Eval(x)
	if err != nil {
		return 0, err
	}
	defer fr.Done()
	v := fr.Out(0)
	if len(v.Shape) > 0 {
		return 0, fmt.Errorf("the function is a %s, not a scalar: use ValueTo", p.f.n.Shape().Describe())
	}
	return v.Data[0], nil
}

// Eval returns the value of the function at x as a new Tensor.
func (p *Program) Eval(x []float64) (Tensor, error) {
	l, err := p.get(formValue)
	if err != nil {
		return Tensor{}, err
	}
	fr, err := l.p.Eval(x)
	if err != nil {
		return Tensor{}, err
	}
	defer fr.Done()
	v := fr.Out(0)
	return Tensor{Shape: slices.Clone(v.Shape), Data: slices.Clone(v.Data)}, nil
}

// ValueTo writes the value of the function at x into dst, its entries in
// row-major order, and returns its shape (empty for a scalar, which takes
// one entry).
func (p *Program) ValueTo(dst, x []float64) ([]int, error) {
	l, err := p.get(formValue)
	if err != nil {
		return nil, err
	}
	fr, err := l.p.Eval(x)
	if err != nil {
		return nil, err
	}
	defer fr.Done()
	v := fr.Out(0)
	if len(dst) != len(v.Data) {
		return nil, fmt.Errorf("dst has %d entries, but the value (%s) has %d", len(dst), tensor.ShapeString(v.Shape), len(v.Data))
	}
	copy(dst, v.Data)
	return slices.Clone(v.Shape), nil // the caller's own, not the program's
}

// ValueGrad returns the value of the scalar function at x and writes its
// gradient into grad: for each input in order, ∂f/∂input with the
// input's shape, row-major (JAX's convention). For a vector input these
// are the entries of the notes' row ∂f/∂x; for a matrix, of ∂f/∂X in
// X's layout. Value and gradient come from one evaluation, which shares
// their subexpressions.
func (p *Program) ValueGrad(grad, x []float64) (float64, error) {
	l, err := p.get(formGrad)
	if err != nil {
		return 0, err
	}
	if len(grad) != len(x) {
		return 0, fmt.Errorf("grad has %d entries, but the inputs have %d", len(grad), len(x))
	}
	if err := p.sameSize(len(x)); err != nil {
		return 0, err
	}
	// Scalars only: registers on the stack.
	var v float64
	if ok, err := l.p.EvalScalars(x, &v, grad); ok {
		return v, err
	}
	// Each block of the gradient computed in grad itself where it can be.
	var stack [8][]float64
	into := stack[:0]
	if sizes, err := l.p.Sizes(len(x)); err == nil && len(sizes) < len(stack) {
		into = stack[:len(sizes)+1]
		off := 0
		for i, n := range sizes {
			into[i+1] = grad[off : off+n]
			off += n
		}
	}
	fr, err := l.p.EvalInto(x, into)
	if err != nil {
		return 0, err
	}
	defer fr.Done()
	off := 0
	for i := range p.ins {
		g := fr.Out(i + 1)
		if !fr.Written(i + 1) {
			copy(grad[off:off+len(g.Data)], g.Data)
		}
		off += len(g.Data)
	}
	return fr.Out(0).Data[0], nil
}

// VJP writes uᵀ J into dst: the product of u, which has the function's
// entries, with the Jacobian at x, by one reverse sweep. dst has the
// inputs' entries.
func (p *Program) VJP(dst, x, u []float64) error {
	l, err := p.get(formVJP)
	if err != nil {
		return err
	}
	if len(dst) != len(x) {
		return fmt.Errorf("dst has %d entries, but the inputs have %d", len(dst), len(x))
	}
	if _, m, err := p.layout(x); err != nil {
		return err
	} else if len(u) != m {
		return fmt.Errorf("u has %d entries, but the function has %d", len(u), m)
	}
	buf := p.scratch(len(x) + len(u))
	defer p.pool.Put(buf)
	copy(*buf, x)
	copy((*buf)[len(x):], u)
	fr, err := l.p.Eval(*buf)
	if err != nil {
		return err
	}
	defer fr.Done()
	off := 0
	for i := range p.ins {
		g := fr.Out(i)
		copy(dst[off:off+len(g.Data)], g.Data)
		off += len(g.Data)
	}
	return nil
}

// JVP writes J v into dst: the derivative of the function at x along v,
// which has the inputs' entries, without forming J. dst has the
// function's entries.
func (p *Program) JVP(dst, x, v []float64) error {
	if len(v) != len(x) {
		return fmt.Errorf("v has %d entries, but the inputs have %d", len(v), len(x))
	}
	return p.along(formJVP, dst, x, v)
}

// HVP writes H v into dst: the product of the Hessian of the scalar
// function at x with v, by differentiating the gradient along v, without
// forming H. v and dst have the inputs' entries.
func (p *Program) HVP(dst, x, v []float64) error {
	if len(v) != len(x) || len(dst) != len(x) {
		return fmt.Errorf("v and dst have %d and %d entries, but the inputs have %d", len(v), len(dst), len(x))
	}
	return p.along(formHVP, dst, x, v)
}

// along evaluates a derivative along the direction v.
func (p *Program) along(fm form, dst, x, v []float64) error {
	if err := p.sameSize(len(x)); err != nil {
		return err
	}
	l, err := p.get(fm)
	if err != nil {
		return err
	}
	buf := p.scratch(2 * len(x))
	defer p.pool.Put(buf)
	copy(*buf, x)
	copy((*buf)[len(x):], v)
	fr, err := l.p.Eval(*buf)
	if err != nil {
		return err
	}
	defer fr.Done()
	n := 0
	for i := 0; i < l.p.Outputs(); i++ {
		n += len(fr.Out(i).Data)
	}
	if len(dst) != n {
		return fmt.Errorf("dst has %d entries, but the result has %d", len(dst), n)
	}
	off := 0
	for i := 0; i < l.p.Outputs(); i++ {
		o := fr.Out(i)
		copy(dst[off:off+len(o.Data)], o.Data)
		off += len(o.Data)
	}
	return nil
}

// scratch returns a buffer of n entries from the program's pool.
func (p *Program) scratch(n int) *[]float64 {
	b, _ := p.pool.Get().(*[]float64)
	if b == nil {
		b = new([]float64)
	}
	if cap(*b) < n {
		*b = make([]float64, n)
	}
	*b = (*b)[:n]
	return b
}

// dense returns dst, empty or of r×c, as r×c.
func dense(dst *mat.Dense, r, c int) (*mat.Dense, error) {
	if dst == nil {
		return nil, errors.New("nil destination matrix: pass &mat.Dense{} to have it sized")
	}
	if dst.IsEmpty() {
		dst.ReuseAs(r, c)
		return dst, nil
	}
	if dr, dc := dst.Dims(); dr != r || dc != c {
		return nil, fmt.Errorf("dst is %d×%d, but the result is %d×%d", dr, dc, r, c)
	}
	return dst, nil
}

// Jacobian writes the Jacobian of the function at x into dst, an empty
// matrix or one of the right size: m×n, m the function's entries (1 for a
// scalar, whose Jacobian is its gradient row), n the inputs'. Where
// nabla has a matrix form (A + diag(cos(x)) for A x + sin(x)), that form
// is evaluated; otherwise the rows come from VJPs.
func (p *Program) Jacobian(dst *mat.Dense, x []float64) error {
	l, err := p.get(formJacobian)
	if err != nil {
		return err
	}
	sizes, m, err := p.layout(x)
	if err != nil {
		return err
	}
	n := len(x)
	if dst, err = dense(dst, m, n); err != nil {
		return err
	}
	if l.fallback {
		return p.jacobianByRows(dst, x, m)
	}
	raw := dst.RawMatrix()
	var into [1][]float64
	if l.blocks == nil && raw.Stride == n {
		into[0] = raw.Data[:m*n]
	}
	fr, err := l.p.EvalInto(x, into[:])
	if err != nil {
		return err
	}
	defer fr.Done()
	if l.blocks == nil {
		if fr.Written(0) {
			return nil
		}
		return place(raw, fr.Out(0).Data, 0, 0, m, n)
	}
	off := 0
	for k, b := range l.blocks {
		if err := place(raw, fr.Out(k).Data, 0, off, m, sizes[b.col]); err != nil {
			return err
		}
		off += sizes[b.col]
	}
	return nil
}

// layout returns the entries of each input and of the function's value.
func (p *Program) layout(x []float64) (sizes []int, m int, err error) {
	l, err := p.get(formValue)
	if err != nil {
		return nil, 0, err
	}
	if sizes, err = l.p.Sizes(len(x)); err != nil {
		return nil, 0, err
	}
	m, err = l.p.OutSize(len(x), 0)
	return sizes, m, err
}

// jacobianByRows writes the m×n Jacobian row by row, each row a VJP with
// a unit vector.
func (p *Program) jacobianByRows(dst *mat.Dense, x []float64, m int) error {
	u := make([]float64, m)
	row := make([]float64, len(x))
	for i := 0; i < m; i++ {
		u[i] = 1
		if err := p.VJP(row, x, u); err != nil {
			return err
		}
		u[i] = 0
		dst.SetRow(i, row)
	}
	return nil
}

// place writes the r×c values v at row i, column j of raw. A derivative
// that is 0 may be the scalar 0.
func place(raw blas64.General, v []float64, i, j, r, c int) error {
	if len(v) != r*c {
		if len(v) != 1 || v[0] != 0 {
			return fmt.Errorf("a block of %d entries where %d×%d were expected", len(v), r, c)
		}
		for a := 0; a < r; a++ {
			clear(raw.Data[(i+a)*raw.Stride+j : (i+a)*raw.Stride+j+c])
		}
		return nil
	}
	for a := 0; a < r; a++ {
		copy(raw.Data[(i+a)*raw.Stride+j:(i+a)*raw.Stride+j+c], v[a*c:(a+1)*c])
	}
	return nil
}

// placeT writes the transpose of the r×c values v at row i, column j of
// raw: c×r entries.
func placeT(raw blas64.General, v []float64, i, j, r, c int) error {
	if len(v) != r*c {
		if len(v) != 1 || v[0] != 0 {
			return fmt.Errorf("a block of %d entries where %d×%d were expected", len(v), r, c)
		}
		for a := 0; a < c; a++ {
			clear(raw.Data[(i+a)*raw.Stride+j : (i+a)*raw.Stride+j+r])
		}
		return nil
	}
	for a := 0; a < r; a++ {
		for b := 0; b < c; b++ {
			raw.Data[(i+b)*raw.Stride+j+a] = v[a*c+b]
		}
	}
	return nil
}

// Hessian writes the Hessian of the scalar function at x into dst, an
// empty matrix or an n×n one, n the inputs' entries. Where nabla has a
// matrix form (Xᵀ diag(s) X for a logistic loss), that form is
// evaluated; otherwise the columns come from HVPs, and the result is
// made exactly symmetric.
func (p *Program) Hessian(dst *mat.Dense, x []float64) error {
	l, err := p.get(formHessian)
	if err != nil {
		return err
	}
	sizes, _, err := p.layout(x)
	if err != nil {
		return err
	}
	n := len(x)
	if dst, err = dense(dst, n, n); err != nil {
		return err
	}
	if l.fallback {
		return p.hessianByColumns(dst, x)
	}
	fr, err := l.p.Eval(x)
	if err != nil {
		return err
	}
	defer fr.Done()
	raw := dst.RawMatrix()
	if l.blocks == nil {
		return place(raw, fr.Out(0).Data, 0, 0, n, n)
	}
	off := make([]int, len(sizes)+1)
	for i, k := range sizes {
		off[i+1] = off[i] + k
	}
	for k, b := range l.blocks {
		v := fr.Out(k).Data
		if err := place(raw, v, off[b.row], off[b.col], sizes[b.row], sizes[b.col]); err != nil {
			return err
		}
		if b.mirror {
			if err := placeT(raw, v, off[b.col], off[b.row], sizes[b.row], sizes[b.col]); err != nil {
				return err
			}
		}
	}
	return nil
}

// hessianByColumns writes the n×n Hessian column by column, each an HVP
// with a unit vector, then averages it with its transpose.
func (p *Program) hessianByColumns(dst *mat.Dense, x []float64) error {
	n := len(x)
	v := make([]float64, n)
	col := make([]float64, n)
	for j := 0; j < n; j++ {
		v[j] = 1
		if err := p.HVP(col, x, v); err != nil {
			return err
		}
		v[j] = 0
		dst.SetCol(j, col)
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a := (dst.At(i, j) + dst.At(j, i)) / 2
			dst.Set(i, j, a)
			dst.Set(j, i, a)
		}
	}
	return nil
}

// Batch evaluates the scalar function and its gradient at every row of
// xs, on all cores: values[i] and row i of grads (empty, or as many rows
// as xs and the inputs' entries as columns; nil for the values alone)
// are those of row i.
func (p *Program) Batch(values []float64, grads *mat.Dense, xs mat.Matrix) error {
	if _, err := p.get(formGrad); err != nil {
		return err
	}
	rows, n := xs.Dims()
	if len(values) != rows {
		return fmt.Errorf("values has %d entries for %d points", len(values), rows)
	}
	keep := grads != nil
	var raw blas64.General
	if keep {
		var err error
		if grads, err = dense(grads, rows, n); err != nil {
			return err
		}
		raw = grads.RawMatrix()
	}
	if _, err := p.get(formGrad); err != nil {
		return err
	}
	workers := min(runtime.GOMAXPROCS(0), rows)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		at    = -1
	)
	next := make(chan int, workers)
	go func() {
		for i := 0; i < rows; i++ {
			next <- i
		}
		close(next)
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := make([]float64, n)
			scratch := make([]float64, n)
			for i := range next {
				mat.Row(x, i, xs)
				g := scratch
				if keep {
					g = raw.Data[i*raw.Stride : i*raw.Stride+n]
				}
				v, err := p.ValueGrad(g, x)
				if err != nil {
					mu.Lock()
					if at < 0 || i < at {
						first, at = err, i
					}
					mu.Unlock()
					continue
				}
				values[i] = v
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return fmt.Errorf("point %d: %w", at+1, first)
	}
	return nil
}
