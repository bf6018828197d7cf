package expr

import "sort"

// sparseMin is the number of entries from which a mostly zero matrix is
// stored sparsely: only its nonzero entries, with their positions.
const sparseMin = 256

// NewMatrix returns the vector or matrix of shape s with the given entries
// in row-major order. With pos nil, entries holds every entry; otherwise
// entries[k] sits at flat position pos[k] (increasing) and the other
// entries are zero. The representation, dense or sparse, is chosen from
// the number of zeros, so equal matrices are equal nodes.
func NewMatrix(s Shape, pos []int32, entries []*Node) *Node {
	size := 1
	for i := 0; i < s.Rank(); i++ {
		size *= s.Dim(i).N
	}
	// Collect the nonzero entries.
	var nzPos []int32
	var nz []*Node
	for k, e := range entries {
		if e.IsZero() && !e.num.IsFloat() {
			continue
		}
		p := int32(k)
		if pos != nil {
			p = pos[k]
		}
		nzPos = append(nzPos, p)
		nz = append(nz, e)
	}
	if size >= sparseMin && 4*len(nz) <= size {
		return intern(Node{op: OpMatrix, args: nz, pos: nzPos, shape: shapePtr(s)})
	}
	dense := entries
	if pos != nil || len(nz) != len(entries) {
		dense = make([]*Node, size)
		for k := range dense {
			dense[k] = zero
		}
		for k, p := range nzPos {
			dense[p] = nz[k]
		}
	}
	return intern(Node{op: OpMatrix, args: dense, shape: shapePtr(s)})
}

// Entry returns entry k, in row-major order, of a matrix node.
func (n *Node) Entry(k int) *Node {
	if n.pos == nil {
		return n.args[k]
	}
	i := sort.Search(len(n.pos), func(i int) bool { return int(n.pos[i]) >= k })
	if i < len(n.pos) && int(n.pos[i]) == k {
		return n.args[i]
	}
	return zero
}

// Size returns the number of entries of a matrix node.
func (n *Node) Size() int {
	size := 1
	s := n.Shape()
	for i := 0; i < s.Rank(); i++ {
		size *= s.Dim(i).N
	}
	return size
}

// Sparse reports whether a matrix node stores only its nonzero entries,
// and returns their positions.
func (n *Node) Sparse() ([]int32, bool) {
	if n.op != OpMatrix {
		return nil, false
	}
	return n.pos, n.pos != nil
}

// Vec returns the column vector of the given entries.
func Vec(entries ...*Node) *Node {
	return NewMatrix(NewShape(Dim{N: len(entries)}), nil, entries)
}
