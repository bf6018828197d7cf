package optim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// KMeansInit is a way of choosing the first centroids of k-means.
type KMeansInit int

// The initialisations of KMeans.
const (
	// KMeansPlusPlus picks the first centroid uniformly among the points
	// and each next one with probability proportional to its squared
	// distance from the nearest centroid picked so far (Arthur and
	// Vassilvitskii, 2007): the centroids start spread out. The default.
	KMeansPlusPlus KMeansInit = iota
	// KMeansRandom picks k points with distinct coordinates uniformly at
	// random.
	KMeansRandom
)

var kmeansInitNames = [...]string{"kmeans++", "random"}

// String returns the initialisation's name: kmeans++ or random.
func (i KMeansInit) String() string {
	if i < 0 || int(i) >= len(kmeansInitNames) {
		return "KMeansInit(" + strconv.Itoa(int(i)) + ")"
	}
	return kmeansInitNames[i]
}

// ParseKMeansInit returns the initialisation of a name that String
// returns.
func ParseKMeansInit(name string) (KMeansInit, error) {
	for i, n := range kmeansInitNames {
		if n == name {
			return KMeansInit(i), nil
		}
	}
	return 0, fmt.Errorf("unknown initialisation %q: choose kmeans++ or random", name)
}

// DefaultKMeansIters is the default bound on the iterations of KMeans.
const DefaultKMeansIters = 300

// KMeansOptions are the settings of KMeans. A nil pointer, or the zero
// value, means kmeans++ with seed 0, one run, and at most
// DefaultKMeansIters iterations until no point changes its cluster.
type KMeansOptions struct {
	// Init chooses the first centroids; the zero value is KMeansPlusPlus.
	Init KMeansInit
	// Seed seeds the random choices: the same seed gives the same
	// result, whatever the number of cores.
	Seed uint64
	// Iters bounds the number of assignment steps of each run; 0 means
	// DefaultKMeansIters.
	Iters int
	// Restarts is the number of runs from different first centroids, of
	// which the one with the least loss is kept; 0 means 1.
	Restarts int
	// Tol stops a run when an assignment step lowers the loss by no
	// more than Tol times the loss before it. 0 runs until no point
	// changes its cluster.
	Tol float64
	// Start, if not nil, are the first centroids, a k×D matrix, instead
	// of those of Init; there is then one run.
	Start *mat.Dense
}

// KMeansResult is a clustering found by KMeans.
type KMeansResult struct {
	// Centroids are the k centroids μₖ, one a row.
	Centroids *mat.Dense
	// Assign is the cluster of each point, 0-based: rₙₖ = 1 where
	// Assign[n] = k.
	Assign []int
	// Sizes are the numbers of points in each cluster.
	Sizes []int
	// Loss is L = Σₙ Σₖ rₙₖ ||xₙ − μₖ||² of Centroids and Assign.
	Loss float64
	// History is the loss after each assignment step of the run kept,
	// History[0] at the first centroids; its last entry is Loss. It
	// never increases but by rounding: the update step's means are
	// rounded, and the squares of distances below 1e-162 underflow.
	History []float64
	// Iters is the number of assignment steps of the run kept,
	// len(History).
	Iters int
	// Converged reports whether the run kept stopped because no point
	// changed its cluster (or the loss fell by less than Tol), rather
	// than at Iters.
	Converged bool
	// Restart is the run kept, 0-based.
	Restart int
	// Reseeded lists the clusters of the run kept that an assignment
	// step left empty.
	Reseeded []Reseed
}

// Reseed records a cluster that an assignment step left without points,
// and the point that became its centroid: of the points whose cluster
// has others, the one farthest from its centroid. The point moves to
// the empty cluster, and the loss falls by its squared distance.
type Reseed struct {
	Iter    int // the assignment step, 0-based: History[Iter]
	Cluster int // the cluster, 0-based
	Point   int // the point's row, 0-based
}

// ClusterCountError is the error of a number of clusters k that the data
// cannot have: less than 1, or more than the number of distinct points.
type ClusterCountError struct {
	K int
	// Distinct is the number of distinct points, when K exceeds it.
	Distinct int
}

// Error says why k does not fit.
func (e *ClusterCountError) Error() string {
	if e.K < 1 {
		return fmt.Sprintf("k = %d: the number of clusters must be at least 1", e.K)
	}
	if e.Distinct == 1 {
		return fmt.Sprintf("k = %d, but the data have only 1 distinct point", e.K)
	}
	return fmt.Sprintf("k = %d, but the data have only %d distinct points", e.K, e.Distinct)
}

// KMeans clusters the rows of x, N points in D dimensions, into k
// clusters by Lloyd's algorithm, as the notes derive it: it alternates
// the assignment step, each point to its nearest centroid,
// rₙₖ = 1 for k = argminⱼ ||xₙ − μⱼ||², and the update step, each
// centroid to the mean of its points, μₖ = Σₙ rₙₖ xₙ / Σₙ rₙₖ, where
// ∂L/∂μₖ = 0. Neither step can raise the loss L = Σₙ Σₖ rₙₖ ||xₙ − μₖ||²,
// so it falls until no point changes its cluster.
//
// A cluster left without points is reseeded with the point farthest
// from its centroid (see Reseed). The assignment step runs on all cores,
// GOMAXPROCS goroutines over blocks of rows; the result depends only on
// the data and opts. k must be between 1 and the number of distinct
// points (else a *ClusterCountError); a NaN or an infinity is an error
// naming its row and column.
func KMeans(x *mat.Dense, k int, opts *KMeansOptions) (*KMeansResult, error) {
	var o KMeansOptions
	if opts != nil {
		o = *opts
	}
	if x == nil || x.IsEmpty() {
		return nil, errors.New("no data")
	}
	raw := x.RawMatrix()
	n, d := raw.Rows, raw.Cols
	for i := 0; i < n; i++ {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+d] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("row %d, column %d: %v is not a finite number", i+1, j+1, v)
			}
		}
	}
	if err := kmeansScale(raw); err != nil {
		return nil, err
	}
	if k < 1 {
		return nil, &ClusterCountError{K: k}
	}
	if m := distinctRows(raw, k); m < k {
		return nil, &ClusterCountError{K: k, Distinct: m}
	}
	if o.Iters == 0 {
		o.Iters = DefaultKMeansIters
	}
	if o.Restarts == 0 {
		o.Restarts = 1
	}
	switch {
	case o.Iters < 0:
		return nil, fmt.Errorf("iterations %d: must be positive", o.Iters)
	case o.Restarts < 0:
		return nil, fmt.Errorf("restarts %d: must be positive", o.Restarts)
	case !(o.Tol >= 0) || math.IsInf(o.Tol, 0):
		return nil, fmt.Errorf("tolerance %v: must be a finite number, at least 0", o.Tol)
	case o.Init < 0 || int(o.Init) >= len(kmeansInitNames):
		return nil, fmt.Errorf("unknown initialisation %v", o.Init)
	}
	if o.Start != nil {
		if r, c := o.Start.Dims(); r != k || c != d {
			return nil, fmt.Errorf("the first centroids are %d×%d, but k×D is %d×%d", r, c, k, d)
		}
		o.Restarts = 1
	}

	s := newLloyd(raw, k, runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(o.Seed, 0x6b6d65616e73)) // "kmeans"
	var best *KMeansResult
	for r := 0; r < o.Restarts; r++ {
		switch {
		case o.Start != nil:
			for c := 0; c < k; c++ {
				copy(s.mu[c*d:(c+1)*d], o.Start.RawRowView(c))
			}
		case o.Init == KMeansRandom:
			s.randomInit(rng)
		default:
			s.plusPlusInit(rng)
		}
		res := s.run(o.Iters, o.Tol)
		if best == nil || res.Loss < best.Loss {
			res.Restart = r
			res.Centroids = mat.NewDense(k, d, append([]float64(nil), s.mu...))
			res.Assign = append([]int(nil), s.assign...)
			res.Sizes = append([]int(nil), s.counts...)
			best = res
		}
	}
	return best, nil
}

// distinctRows counts the distinct rows of m, up to limit.
func distinctRows(m blas64.General, limit int) int {
	seen := make(map[string]struct{}, min(limit, m.Rows))
	key := make([]byte, 8*m.Cols)
	for i := 0; i < m.Rows && len(seen) < limit; i++ {
		for j, v := range m.Data[i*m.Stride : i*m.Stride+m.Cols] {
			binary.LittleEndian.PutUint64(key[8*j:], math.Float64bits(v+0)) // -0 is 0
		}
		seen[string(key)] = struct{}{}
	}
	return len(seen)
}

// kmeansBlock is the number of rows of a block of the assignment step.
// The blocks do not depend on the number of cores, and their sums are
// added in order, so the result does not either.
const kmeansBlock = 2048

// lloyd is the state of Lloyd's algorithm on one data set.
type lloyd struct {
	x          []float64 // the points, row-major
	stride     int
	n, d, k    int
	mu         []float64 // the centroids, k×d
	assign     []int
	workers    int
	blocks     int
	blockSums  []float64 // per block, the sums of the points of each cluster
	blockCount []int     // per block, the points of each cluster
	blockLoss  []float64
	blockMoved []int // per block, the points that changed their cluster
	sums       []float64
	counts     []int
	dist       []float64 // scratch: squared distances, for reseeding and kmeans++
}

func newLloyd(m blas64.General, k, workers int) *lloyd {
	n, d := m.Rows, m.Cols
	blocks := (n + kmeansBlock - 1) / kmeansBlock
	return &lloyd{
		x: m.Data, stride: m.Stride, n: n, d: d, k: k,
		mu:         make([]float64, k*d),
		assign:     make([]int, n),
		workers:    max(1, min(workers, blocks)),
		blocks:     blocks,
		blockSums:  make([]float64, blocks*k*d),
		blockCount: make([]int, blocks*k),
		blockLoss:  make([]float64, blocks),
		blockMoved: make([]int, blocks),
		sums:       make([]float64, k*d),
		counts:     make([]int, k),
	}
}

// row returns the point i.
func (s *lloyd) row(i int) []float64 { return s.x[i*s.stride : i*s.stride+s.d] }

// run runs Lloyd's algorithm from the centroids in s.mu.
func (s *lloyd) run(iters int, tol float64) *KMeansResult {
	for i := range s.assign {
		s.assign[i] = -1
	}
	res := &KMeansResult{}
	for t := 0; ; t++ {
		loss, moved := s.assignStep()
		var reseeded bool
		loss, reseeded = s.reseed(t, loss, res)
		res.History = append(res.History, loss)
		if t > 0 && !reseeded {
			prev := res.History[t-1]
			if moved == 0 || tol > 0 && prev-loss <= tol*prev {
				res.Converged = true
				break
			}
		}
		if t+1 == iters {
			break
		}
		s.updateStep()
	}
	res.Iters = len(res.History)
	res.Loss = res.History[len(res.History)-1]
	return res
}

// assignStep assigns each point to its nearest centroid and sums the
// points of each cluster, block by block on s.workers goroutines. It
// returns the loss and the number of points that changed their cluster.
func (s *lloyd) assignStep() (loss float64, moved int) {
	if s.workers == 1 {
		for b := 0; b < s.blocks; b++ {
			s.assignBlock(b)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < s.workers; w++ {
			wg.Go(func() {
				for b := int(next.Add(1) - 1); b < s.blocks; b = int(next.Add(1) - 1) {
					s.assignBlock(b)
				}
			})
		}
		wg.Wait()
	}
	kd := s.k * s.d
	copy(s.sums, s.blockSums[:kd])
	copy(s.counts, s.blockCount[:s.k])
	loss, moved = s.blockLoss[0], s.blockMoved[0]
	for b := 1; b < s.blocks; b++ {
		for i, v := range s.blockSums[b*kd : (b+1)*kd] {
			s.sums[i] += v
		}
		for c, v := range s.blockCount[b*s.k : (b+1)*s.k] {
			s.counts[c] += v
		}
		loss += s.blockLoss[b]
		moved += s.blockMoved[b]
	}
	return loss, moved
}

// assignBlock runs the assignment step on the rows of block b.
func (s *lloyd) assignBlock(b int) {
	d, k := s.d, s.k
	sums := s.blockSums[b*k*d : (b+1)*k*d]
	counts := s.blockCount[b*k : (b+1)*k]
	clear(sums)
	clear(counts)
	loss, moved := 0.0, 0
	for i := b * kmeansBlock; i < min(s.n, (b+1)*kmeansBlock); i++ {
		x := s.row(i)
		c, dist := nearestCentroid(x, s.mu, k)
		if s.assign[i] != c {
			s.assign[i] = c
			moved++
		}
		loss += dist
		counts[c]++
		acc := sums[c*d : c*d+d]
		for j, v := range x {
			acc[j] += v
		}
	}
	s.blockLoss[b], s.blockMoved[b] = loss, moved
}

// nearestCentroid returns the centroid of mu (k×len(x)) nearest to x, the first
// of equals, and its squared distance.
func nearestCentroid(x, mu []float64, k int) (int, float64) {
	d := len(x)
	best, bestDist := 0, math.Inf(1)
	c := 0
	// Four centroids at a time: four independent sums keep the
	// floating-point units busy. Each sum runs over j in order, as
	// centroidDist's does, so the distances are the same.
	for ; c+3 < k; c += 4 {
		m0 := mu[c*d : c*d+d]
		m1 := mu[(c+1)*d : (c+1)*d+d]
		m2 := mu[(c+2)*d : (c+2)*d+d]
		m3 := mu[(c+3)*d : (c+3)*d+d]
		var s0, s1, s2, s3 float64
		for j, v := range x {
			t0 := v - m0[j]
			t1 := v - m1[j]
			t2 := v - m2[j]
			t3 := v - m3[j]
			s0 += t0 * t0
			s1 += t1 * t1
			s2 += t2 * t2
			s3 += t3 * t3
		}
		if s0 < bestDist {
			best, bestDist = c, s0
		}
		if s1 < bestDist {
			best, bestDist = c+1, s1
		}
		if s2 < bestDist {
			best, bestDist = c+2, s2
		}
		if s3 < bestDist {
			best, bestDist = c+3, s3
		}
	}
	for ; c < k; c++ {
		if s := centroidDist(x, mu[c*d:c*d+d]); s < bestDist {
			best, bestDist = c, s
		}
	}
	return best, bestDist
}

// centroidDist returns ||x − m||².
func centroidDist(x, m []float64) float64 {
	m = m[:len(x)]
	s := 0.0
	for j, v := range x {
		t := v - m[j]
		s += t * t
	}
	return s
}

// reseed gives each cluster that the assignment step left empty the
// point farthest from its centroid among those whose cluster has others,
// and returns the loss with those points at distance 0, and whether it
// reseeded any.
func (s *lloyd) reseed(t int, loss float64, res *KMeansResult) (float64, bool) {
	empty := false
	for _, m := range s.counts {
		empty = empty || m == 0
	}
	if !empty {
		return loss, false
	}
	if s.dist == nil {
		s.dist = make([]float64, s.n)
	}
	for i := range s.dist {
		s.dist[i] = centroidDist(s.row(i), s.mu[s.assign[i]*s.d:])
	}
	d := s.d
	for c, m := range s.counts {
		if m > 0 {
			continue
		}
		p, far := -1, 0.0
		for i, di := range s.dist {
			if di > far && s.counts[s.assign[i]] > 1 {
				p, far = i, di
			}
		}
		for i := 0; p < 0 && i < s.n; i++ {
			// Squared distances that underflow to 0 (points 1e-162
			// apart): a point of a cluster with others that is not on
			// its centroid.
			if a := s.assign[i]; s.counts[a] > 1 && !sameRow(s.row(i), s.mu[a*d:]) {
				p = i
			}
		}
		if p < 0 {
			continue // unreachable with k distinct points
		}
		old := s.assign[p]
		copy(s.mu[c*d:(c+1)*d], s.row(p))
		s.counts[old]--
		s.counts[c] = 1
		s.assign[p] = c
		s.dist[p] = 0
		res.Reseeded = append(res.Reseeded, Reseed{Iter: t, Cluster: c, Point: p})
	}
	// The loss and the sums of the clusters afresh, the loss summed by
	// blocks as assignStep sums it: taking a point out of a sum by
	// subtraction would round, 1 + 2⁻⁵² out of 2 + 2⁻⁵² leaving 1 − 2⁻⁵²,
	// and a distance of 10⁻⁸ out of a loss of 42 leaving 0.
	clear(s.sums)
	loss = 0
	for b := 0; b < s.blocks; b++ {
		part := 0.0
		for i := b * kmeansBlock; i < min(s.n, (b+1)*kmeansBlock); i++ {
			part += s.dist[i]
			acc := s.sums[s.assign[i]*d : (s.assign[i]+1)*d]
			for j, v := range s.row(i) {
				acc[j] += v
			}
		}
		loss += part
	}
	return loss, true
}

// updateStep moves each centroid to the mean of its points.
func (s *lloyd) updateStep() {
	d := s.d
	for c, m := range s.counts {
		if m == 0 {
			continue
		}
		mu, sum := s.mu[c*d:(c+1)*d], s.sums[c*d:(c+1)*d]
		for j := range mu {
			mu[j] = sum[j] / float64(m)
		}
	}
}

// plusPlusInit picks the first centroids by kmeans++.
func (s *lloyd) plusPlusInit(rng *rand.Rand) {
	d := s.d
	if s.dist == nil {
		s.dist = make([]float64, s.n)
	}
	first := rng.IntN(s.n)
	copy(s.mu[:d], s.row(first))
	for i := range s.dist {
		s.dist[i] = centroidDist(s.row(i), s.mu[:d])
	}
	for c := 1; c < s.k; c++ {
		total := 0.0
		for _, v := range s.dist {
			total += v
		}
		u := rng.Float64() * total
		p, acc := -1, 0.0
		for i, v := range s.dist {
			if v == 0 {
				continue
			}
			p = i
			acc += v
			if acc > u {
				break
			}
		}
		if p < 0 {
			// Squared distances that underflow to 0: a point that is
			// not a centroid yet, from a random start.
			p = s.newCentre(rng.IntN(s.n), c)
		}
		mu := s.mu[c*d : (c+1)*d]
		copy(mu, s.row(p))
		for i, v := range s.dist {
			s.dist[i] = min(v, centroidDist(s.row(i), mu))
		}
	}
}

// newCentre returns the first point from start on, cyclically, that is
// none of the first c centroids.
func (s *lloyd) newCentre(start, c int) int {
	for q := 0; q < s.n; q++ {
		i := (start + q) % s.n
		dup := false
		for b := 0; b < c && !dup; b++ {
			dup = sameRow(s.row(i), s.mu[b*s.d:])
		}
		if !dup {
			return i
		}
	}
	return start // unreachable with k distinct points
}

// randomInit picks k points with distinct coordinates at random.
func (s *lloyd) randomInit(rng *rand.Rand) {
	d := s.d
	c := 0
	for _, i := range rng.Perm(s.n) {
		x := s.row(i)
		dup := false
		for b := 0; b < c && !dup; b++ {
			dup = sameRow(x, s.mu[b*d:])
		}
		if dup {
			continue
		}
		copy(s.mu[c*d:(c+1)*d], x)
		if c++; c == s.k {
			return
		}
	}
}

// sameRow reports whether x and the start of m are equal.
func sameRow(x, m []float64) bool {
	for j, v := range x {
		if v != m[j] {
			return false
		}
	}
	return true
}

// ScaleError is the error of k-means data whose squared distances leave
// float64: a spread (the largest range of a column) so large that they
// overflow (the loss of points 1e300 apart is beyond float64, and every
// distance compares as +Inf), or so small that they fall below its
// normal numbers and lose their digits (points 1e-300 apart are all at
// distance 0). k-means is the same for data scaled by any factor, so
// the remedy is to rescale.
type ScaleError struct {
	Spread float64
	Over   bool // overflow; otherwise underflow
}

// Error says which, and the remedy.
func (e *ScaleError) Error() string {
	if e.Over {
		return fmt.Sprintf("the data spread over %.3g: its squared distances and sums overflow float64; divide it by a common scale first (k-means does not change with it)", e.Spread)
	}
	return fmt.Sprintf("the data spread over only %.3g: its squared distances underflow float64; multiply it by a common scale first (k-means does not change with it)", e.Spread)
}

// kmeansScale returns a *ScaleError for data whose squared distances
// leave float64.
func kmeansScale(raw blas64.General) error {
	n, d := raw.Rows, raw.Cols
	var spread, top float64
	for j := 0; j < d; j++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := 0; i < n; i++ {
			v := raw.Data[i*raw.Stride+j]
			lo, hi = min(lo, v), max(hi, v)
		}
		spread, top = max(spread, hi-lo), max(top, math.Abs(lo), math.Abs(hi))
	}
	switch {
	case !(float64(n)*float64(d)*spread*spread <= math.MaxFloat64) || !(float64(n)*top <= math.MaxFloat64):
		return &ScaleError{Spread: spread, Over: true}
	case spread > 0 && spread < 0x1p-511: // its square below the normal numbers
		return &ScaleError{Spread: spread}
	}
	return nil
}
