package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxRank is the highest tensor rank a node may have. A matrix-by-matrix
// derivative such as d(RᵀR)/dR has rank four.
const MaxRank = 4

// Dim is one dimension of a shape: a known size, or a symbolic size named
// by a letter until values or declarations fix it.
type Dim struct {
	N   int    // known size, > 0; 0 when symbolic
	Sym string // symbolic size such as "n"; "" when known
}

// DimProduct returns the size a·b, as the rows of a Kronecker product
// are the product of its operands' rows: a number when both sizes are
// numbers, else a symbol that names the factors, "m·p", whose value the
// values of the factors settle.
func DimProduct(a, b Dim) Dim {
	switch {
	case a == dimOne:
		return b
	case b == dimOne:
		return a
	case a.N > 0 && b.N > 0:
		return Dim{N: a.N * b.N}
	}
	return Dim{Sym: a.label() + dimTimes + b.label()}
}

// dimTimes joins the factors of a product of sizes.
const dimTimes = "·"

func (d Dim) label() string {
	if d.N > 0 {
		return strconv.Itoa(d.N)
	}
	return d.Sym
}

// Factors returns the sizes whose product is d: the factors of a product
// of sizes "m·p" (see DimProduct), else d itself.
func (d Dim) Factors() []Dim {
	if d.N > 0 || !strings.Contains(d.Sym, dimTimes) {
		return []Dim{d}
	}
	parts := strings.Split(d.Sym, dimTimes)
	out := make([]Dim, len(parts))
	for i, p := range parts {
		if k, err := strconv.Atoi(p); err == nil && k > 0 {
			out[i] = Dim{N: k}
		} else {
			out[i] = Dim{Sym: p}
		}
	}
	return out
}

// Shape is the shape of a node: rank 0 for a scalar, 1 for a column vector,
// 2 for a matrix, up to MaxRank for the tensors of matrix calculus. The zero
// Shape is the scalar shape. Shapes are comparable with ==.
type Shape struct {
	rank uint8
	dims [MaxRank]Dim
}

// Scalar is the shape of a scalar.
var Scalar = Shape{}

// NewShape returns the shape with the given dimensions.
func NewShape(dims ...Dim) Shape {
	if len(dims) > MaxRank {
		panic("expr: shape rank above MaxRank")
	}
	var s Shape
	s.rank = uint8(len(dims))
	copy(s.dims[:], dims)
	return s
}

// Rank returns the number of dimensions; 0 for a scalar.
func (s Shape) Rank() int { return int(s.rank) }

// IsScalar reports whether s is the scalar shape.
func (s Shape) IsScalar() bool { return s.rank == 0 }

// Dim returns dimension i.
func (s Shape) Dim(i int) Dim { return s.dims[i] }

// Ints returns the known sizes; ok is false if any size is symbolic.
func (s Shape) Ints() (dims []int, ok bool) {
	dims = make([]int, s.rank)
	for i := range dims {
		if s.dims[i].N == 0 {
			return nil, false
		}
		dims[i] = s.dims[i].N
	}
	return dims, true
}

// String formats s as "scalar" or sizes joined by "×", e.g. "m×n".
// Describe names the kind of value with its sizes, for messages:
// "scalar", "vector (n)", "matrix (m×n)".
func (s Shape) Describe() string {
	switch s.rank {
	case 0:
		return "scalar"
	case 1:
		return "vector (" + s.String() + ")"
	case 2:
		return "matrix (" + s.String() + ")"
	}
	return "tensor (" + s.String() + ")"
}

func (s Shape) String() string {
	if s.rank == 0 {
		return "scalar"
	}
	parts := make([]string, s.rank)
	for i := range parts {
		if d := s.dims[i]; d.N > 0 {
			parts[i] = strconv.Itoa(d.N)
		} else {
			parts[i] = d.Sym
		}
	}
	return strings.Join(parts, "×")
}

// Settle returns the sizes of n's value from those of its operands,
// args: the sizes of n's shape, size giving the symbolic ones it knows,
// checked against the operation's shape rule on the operands' sizes,
// which also gives the symbolic sizes that size does not know. It fails
// when the operands do not fit the operation or a size stays unknown.
func Settle(n *Node, args [][]int, size func(Dim) (int, bool)) ([]int, error) {
	size = productSizes(size)
	s := n.Shape()
	out := make([]int, s.Rank())
	known := make([]bool, s.Rank())
	for i := range out {
		d := s.Dim(i)
		if d.N > 0 {
			out[i], known[i] = d.N, true
		} else {
			out[i], known[i] = size(d)
		}
	}
	info := n.Info()
	if info.Shape != nil && len(args) > 0 {
		shapes := make([]Shape, len(args))
		for i, a := range args {
			if len(a) > MaxRank {
				return nil, fmt.Errorf("an operand of rank %d", len(a))
			}
			dims := make([]Dim, len(a))
			for j, k := range a {
				dims[j] = Dim{N: k}
			}
			shapes[i] = NewShape(dims...)
		}
		r, need := info.Shape(shapes, Fixed)
		if need != "" {
			return nil, fmt.Errorf("%s needs %s, not %s", info.noun(), need, describeSizes(args))
		}
		if r.Rank() != len(out) {
			if all(known) && product(out) == shapeSize(r) {
				// A size that is 1 here: an m×1 product is also an
				// m-vector, a 1×1 one a scalar.
				return out, nil
			}
			return nil, fmt.Errorf("%s of %s is %s, not %s", info.noun(), describeSizes(args), r.Describe(), s.Describe())
		}
		for i := range out {
			k := r.Dim(i).N
			switch {
			case !known[i]:
				out[i], known[i] = k, true
			case out[i] != k:
				return nil, fmt.Errorf("%s of %s is %s, but its size %s is %d", info.noun(), describeSizes(args), r.Describe(), s.Dim(i).Sym, out[i])
			}
		}
	}
	for i, ok := range known {
		if !ok {
			return nil, &UnknownSizeError{Sym: s.Dim(i).Sym}
		}
	}
	return out, nil
}

// productSizes extends size to products of sizes, "m·p", whose factors
// it knows.
func productSizes(size func(Dim) (int, bool)) func(Dim) (int, bool) {
	return func(d Dim) (int, bool) {
		if k, ok := size(d); ok {
			return k, true
		}
		fs := d.Factors()
		if len(fs) < 2 {
			return 0, false
		}
		p := 1
		for _, f := range fs {
			k := f.N
			if k == 0 {
				var ok bool
				if k, ok = size(f); !ok {
					return 0, false
				}
			}
			p *= k
		}
		return p, true
	}
}

func all(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return false
		}
	}
	return true
}

func product(dims []int) int {
	p := 1
	for _, k := range dims {
		p *= k
	}
	return p
}

// shapeSize is the number of entries of a shape of known sizes.
func shapeSize(s Shape) int {
	p := 1
	for i := 0; i < s.Rank(); i++ {
		p *= s.Dim(i).N
	}
	return p
}

// UnknownSizeError reports a symbolic size that no value gives.
type UnknownSizeError struct{ Sym string }

// Error returns the message.
func (e *UnknownSizeError) Error() string {
	return "the size " + e.Sym + " is not known: give a value that has it"
}

// describeSizes writes operands' sizes for messages: "a 2×3 matrix and a
// 4-vector".
func describeSizes(args [][]int) string {
	parts := make([]string, len(args))
	for i, a := range args {
		switch len(a) {
		case 0:
			parts[i] = "a scalar"
		case 1:
			parts[i] = "a " + strconv.Itoa(a[0]) + "-vector"
		default:
			ks := make([]string, len(a))
			for j, k := range a {
				ks[j] = strconv.Itoa(k)
			}
			parts[i] = "a " + strings.Join(ks, "×") + " matrix"
		}
	}
	return strings.Join(parts, " and ")
}

// noun is what messages call the operation.
func (info *OpInfo) noun() string {
	if info.Noun != "" {
		return info.Noun
	}
	return info.Name
}

// SizeSource is where the value of a symbolic size comes from: the
// dimension Dim of the value of the variable Name, of rank Rank. The zero
// SizeSource is a size fixed otherwise, as Program.SetSize fixes it.
type SizeSource struct {
	Name      string
	Rank, Dim int
}

// SizeConflict says that two values disagree on the symbolic size sym:
// the one from has k along its dimension and the one at has got. "A has
// 2 columns but x has 3 entries, and both are the size n"; "the size n is
// set to 3, but x has 2 entries" where from is the zero SizeSource.
func SizeConflict(sym string, from SizeSource, k int, at SizeSource, got int) string {
	unit := measure(at.Rank, at.Dim)
	if from.Name == "" {
		return fmt.Sprintf("the size %s is set to %d, but %s has %s", sym, k, at.Name, count(got, unit))
	}
	if fromUnit := measure(from.Rank, from.Dim); fromUnit != unit {
		return fmt.Sprintf("%s has %s but %s has %s, and both are the size %s", from.Name, count(k, fromUnit), at.Name, count(got, unit), sym)
	}
	return fmt.Sprintf("%s has %s but %s has %d, and both are the size %s", from.Name, count(k, unit), at.Name, got, sym)
}

// measure names what a dimension of a value counts: the entries of a
// vector, the rows or columns of a matrix.
func measure(rank, dim int) [2]string {
	switch {
	case rank == 1:
		return [2]string{"entry", "entries"}
	case rank == 2 && dim == 0:
		return [2]string{"row", "rows"}
	case rank == 2:
		return [2]string{"column", "columns"}
	}
	return [2]string{fmt.Sprintf("entry along dimension %d", dim+1), fmt.Sprintf("entries along dimension %d", dim+1)}
}

// count writes k of the unit: 1 entry, 3 columns.
func count(k int, unit [2]string) string {
	if k == 1 {
		return "1 " + unit[0]
	}
	return fmt.Sprintf("%d %s", k, unit[1])
}
