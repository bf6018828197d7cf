// Package simd holds the block kernels of element-wise operations that
// programs run most: sums, products, squares and reductions of float64
// slices. On amd64 processors with AVX2 they run four entries an
// instruction; elsewhere, and with the build tag purego, they are plain
// loops. Both give the same results to the bit: the vector instructions
// round as the scalar ones do, and Sum adds in the order of
// tensor.SumOf, four partial sums.
package simd

// Available reports whether the vector kernels are in use.
func Available() bool { return useAVX2 }

// Add sets dst[i] = a[i] + b[i]; a and b are at least as long as dst.
func Add(dst, a, b []float64) {
	if useAVX2 && len(dst) >= 8 {
		addAVX2(dst, a[:len(dst)], b[:len(dst)])
		return
	}
	addGo(dst, a, b)
}

// AddScalar sets dst[i] = a[i] + c.
func AddScalar(dst, a []float64, c float64) {
	if useAVX2 && len(dst) >= 8 {
		addScalarAVX2(dst, a[:len(dst)], c)
		return
	}
	addScalarGo(dst, a, c)
}

// Mul sets dst[i] = a[i] b[i].
func Mul(dst, a, b []float64) {
	if useAVX2 && len(dst) >= 8 {
		mulAVX2(dst, a[:len(dst)], b[:len(dst)])
		return
	}
	mulGo(dst, a, b)
}

// MulScalar sets dst[i] = c a[i].
func MulScalar(dst, a []float64, c float64) {
	if useAVX2 && len(dst) >= 8 {
		mulScalarAVX2(dst, a[:len(dst)], c)
		return
	}
	mulScalarGo(dst, a, c)
}

// Square sets dst[i] = a[i]².
func Square(dst, a []float64) {
	if useAVX2 && len(dst) >= 8 {
		mulAVX2(dst, a[:len(dst)], a[:len(dst)])
		return
	}
	mulGo(dst, a, a)
}

// Sum returns the sum of xs, in four partial sums over the entries in
// steps of four, the rest added to the first, combined as
// (s0 + s1) + (s2 + s3).
func Sum(xs []float64) float64 {
	if useAVX2 && len(xs) >= 8 {
		return sumAVX2(xs)
	}
	return sumGo(xs)
}

func addGo(dst, a, b []float64) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

func addScalarGo(dst, a []float64, c float64) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + c
	}
}

func mulGo(dst, a, b []float64) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

func mulScalarGo(dst, a []float64, c float64) {
	a = a[:len(dst)]
	for i := range dst {
		dst[i] = c * a[i]
	}
}

func sumGo(xs []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(xs); i += 4 {
		s0 += xs[i]
		s1 += xs[i+1]
		s2 += xs[i+2]
		s3 += xs[i+3]
	}
	for ; i < len(xs); i++ {
		s0 += xs[i]
	}
	return (s0 + s1) + (s2 + s3)
}
