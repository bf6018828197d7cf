package optim

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The size of the k-means benchmarks: 10⁶ points in 10 dimensions, 10
// clusters, as in bench/kmeans.py.
const (
	kmeansBenchN = 1_000_000
	kmeansBenchD = 10
	kmeansBenchK = 10
)

var kmeansBenchData = sync.OnceValue(func() *mat.Dense {
	return kmeansBlobs(kmeansBenchN, kmeansBenchD, kmeansBenchK, 1, rand.New(rand.NewPCG(1, 2)))
})

// kmeansBlobs draws n points in d dimensions around k centres spread over
// [-10, 10]^d, with standard deviation sd, the points of the centres in
// turn.
func kmeansBlobs(n, d, k int, sd float64, rng *rand.Rand) *mat.Dense {
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = 20*rng.Float64() - 10
	}
	x := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		c := i % k
		row := x.RawRowView(i)
		for j := range row {
			row[j] = centres[c*d+j] + sd*rng.NormFloat64()
		}
	}
	return x
}

// BenchmarkKMeansIteration times one Lloyd iteration, the assignment step
// on all cores and the update step, of 10⁶ points in 10 dimensions
// with k = 10.
func BenchmarkKMeansIteration(b *testing.B) {
	x := kmeansBenchData()
	s := newLloyd(x.RawMatrix(), kmeansBenchK, runtime.GOMAXPROCS(0))
	copy(s.mu, x.RawMatrix().Data[:kmeansBenchK*kmeansBenchD])
	b.ReportAllocs()
	b.SetBytes(kmeansBenchN * kmeansBenchD * 8)
	for b.Loop() {
		s.assignStep()
		s.updateStep()
	}
}

// BenchmarkKMeansPlainLoop times the same iteration written as a plain
// sequential loop: the reference of BenchmarkKMeansIteration.
func BenchmarkKMeansPlainLoop(b *testing.B) {
	x := kmeansBenchData()
	data := x.RawMatrix().Data
	mu := append([]float64(nil), data[:kmeansBenchK*kmeansBenchD]...)
	assign := make([]int, kmeansBenchN)
	sums := make([]float64, kmeansBenchK*kmeansBenchD)
	counts := make([]int, kmeansBenchK)
	b.ReportAllocs()
	b.SetBytes(kmeansBenchN * kmeansBenchD * 8)
	for b.Loop() {
		plainLloyd(data, kmeansBenchN, kmeansBenchD, mu, kmeansBenchK, assign, sums, counts)
	}
}

// plainLloyd is one Lloyd iteration as a plain loop: each point to its
// nearest centroid, then each centroid to the mean of its points. It
// returns the loss of the assignment.
func plainLloyd(x []float64, n, d int, mu []float64, k int, assign []int, sums []float64, counts []int) float64 {
	clear(sums)
	clear(counts)
	loss := 0.0
	for i := 0; i < n; i++ {
		xi := x[i*d : (i+1)*d]
		best, bestDist := 0, math.Inf(1)
		for c := 0; c < k; c++ {
			m := mu[c*d : (c+1)*d]
			s := 0.0
			for j := 0; j < d; j++ {
				t := xi[j] - m[j]
				s += t * t
			}
			if s < bestDist {
				best, bestDist = c, s
			}
		}
		assign[i] = best
		loss += bestDist
		counts[best]++
		for j := 0; j < d; j++ {
			sums[best*d+j] += xi[j]
		}
	}
	for c := 0; c < k; c++ {
		if counts[c] > 0 {
			for j := 0; j < d; j++ {
				mu[c*d+j] = sums[c*d+j] / float64(counts[c])
			}
		}
	}
	return loss
}
