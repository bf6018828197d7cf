package expr

import "math"

// minNormal is the smallest positive normal float64, 2^-1022.
const minNormal = 0x1p-1022

// Log is math.Log, right for subnormal x as well. On amd64 and s390x
// math.Log is written in assembly that reads a subnormal as if it were
// about 2^-1023 (golang/go#56600): it gives log(1e-310) = -709.09, where
// the logarithm is -713.80. A subnormal x is scaled by 2^54, exactly, into
// the normal numbers, and 54 log 2 taken off.
func Log(x float64) float64 {
	if x > 0 && x < minNormal {
		return math.Log(x*0x1p54) - 54*math.Ln2
	}
	return math.Log(x)
}

// Log10 is math.Log10, right for subnormal x as well (math.Log10 is
// math.Log over log 10).
func Log10(x float64) float64 {
	if x > 0 && x < minNormal {
		return math.Log10(x*0x1p54) - 54*(math.Ln2/math.Ln10)
	}
	return math.Log10(x)
}

// Lgamma is the logarithm of |Γ(x)|, as math.Lgamma, right for subnormal
// x as well: there math.Lgamma gives −log|x| from math.Log.
func Lgamma(x float64) float64 {
	if x != 0 && math.Abs(x) < minNormal {
		return -Log(math.Abs(x))
	}
	v, _ := math.Lgamma(x)
	return v
}
