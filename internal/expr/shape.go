package expr

import (
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
