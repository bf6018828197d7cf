//go:build !amd64 || purego

package simd

const useAVX2 = false

func addAVX2(dst, a, b []float64)               { addGo(dst, a, b) }
func addScalarAVX2(dst, a []float64, c float64) { addScalarGo(dst, a, c) }
func mulAVX2(dst, a, b []float64)               { mulGo(dst, a, b) }
func mulScalarAVX2(dst, a []float64, c float64) { mulScalarGo(dst, a, c) }
func sumAVX2(xs []float64) float64              { return sumGo(xs) }
