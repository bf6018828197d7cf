//go:build amd64 && !purego

package simd

// useAVX2 reports whether the processor has AVX2 and the operating system
// saves the YMM registers.
var useAVX2 = hasAVX2()

func hasAVX2() bool {
	_, _, c, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if c&osxsave == 0 || c&avx == 0 {
		return false
	}
	if eax, _ := xgetbv(); eax&6 != 6 { // XMM and YMM state
		return false
	}
	_, b, _, _ := cpuid(7, 0)
	return b&(1<<5) != 0
}

func cpuid(eax, ecx uint32) (a, b, c, d uint32)
func xgetbv() (eax, edx uint32)

//go:noescape
func addAVX2(dst, a, b []float64)

//go:noescape
func addScalarAVX2(dst, a []float64, c float64)

//go:noescape
func mulAVX2(dst, a, b []float64)

//go:noescape
func mulScalarAVX2(dst, a []float64, c float64)

//go:noescape
func sumAVX2(xs []float64) float64
