package optim

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// TestKMeansExact clusters points whose clustering is known by hand.
func TestKMeansExact(t *testing.T) {
	tests := []struct {
		name      string
		x         [][]float64
		k         int
		centroids [][]float64 // sorted by first coordinate
		loss      float64
	}{
		{"two pairs", [][]float64{{0}, {1}, {10}, {11}}, 2, [][]float64{{0.5}, {10.5}}, 1},
		{"one cluster", [][]float64{{0, 0}, {2, 0}, {0, 2}, {2, 2}}, 1, [][]float64{{1, 1}}, 8},
		{"k = N", [][]float64{{3, 1}, {1, 2}, {2, 5}}, 3, [][]float64{{1, 2}, {2, 5}, {3, 1}}, 0},
		{"squares", [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {8, 8}, {8, 9}, {9, 8}, {9, 9}}, 2,
			[][]float64{{0.5, 0.5}, {8.5, 8.5}}, 4},
	}
	for _, tt := range tests {
		for _, init := range []KMeansInit{KMeansPlusPlus, KMeansRandom} {
			t.Run(tt.name+"/"+init.String(), func(t *testing.T) {
				res, err := KMeans(fitDense(tt.x), tt.k, &KMeansOptions{Init: init, Seed: 3, Restarts: 4})
				if err != nil {
					t.Fatal(err)
				}
				got := sortedRows(res.Centroids)
				if !slices.EqualFunc(got, tt.centroids, slices.Equal) {
					t.Errorf("centroids %v, want %v", got, tt.centroids)
				}
				if res.Loss != tt.loss {
					t.Errorf("loss %v, want %v", res.Loss, tt.loss)
				}
				if !res.Converged {
					t.Error("not converged")
				}
			})
		}
	}
}

// TestKMeansBlobs checks that k-means finds the centres of well-separated
// blobs, and that every point of a blob lands in one cluster.
func TestKMeansBlobs(t *testing.T) {
	centres := [][]float64{{0, 0, 0}, {10, 0, 5}, {0, 10, -5}, {10, 10, 10}}
	rng := rand.New(rand.NewPCG(7, 8))
	const per = 500
	x := mat.NewDense(per*len(centres), 3, nil)
	for i := 0; i < per*len(centres); i++ {
		for j := 0; j < 3; j++ {
			x.Set(i, j, centres[i%len(centres)][j]+0.5*rng.NormFloat64())
		}
	}
	res, err := KMeans(x, len(centres), &KMeansOptions{Seed: 1, Restarts: 3})
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range centres {
		// The cluster of the first point of blob c holds all of it.
		k := res.Assign[c]
		for i := c; i < x.RawMatrix().Rows; i += len(centres) {
			if res.Assign[i] != k {
				t.Fatalf("point %d of blob %d is in cluster %d, the blob's first in %d", i, c, res.Assign[i], k)
			}
		}
		if res.Sizes[k] != per {
			t.Errorf("cluster %d has %d points, want %d", k, res.Sizes[k], per)
		}
		// The mean of 500 points of standard deviation 0.5 is within
		// 0.1 of the centre, 4.5 standard errors.
		for j, v := range res.Centroids.RawRowView(k) {
			if math.Abs(v-want[j]) > 0.1 {
				t.Errorf("centroid %d = %v, want near %v", k, res.Centroids.RawRowView(k), want)
				break
			}
		}
	}
}

// TestKMeansLoss checks on random data, with ties and repeated points,
// that the loss does not increase from one assignment step to the next,
// that it is the loss of the centroids and assignment returned, that
// each centroid is the mean of its points and, once converged, each
// point is in the cluster of its nearest centroid.
func TestKMeansLoss(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 60).Draw(t, "n")
		d := rapid.IntRange(1, 3).Draw(t, "d")
		grid := rapid.Bool().Draw(t, "grid") // small integers: ties and repeats
		x := mat.NewDense(n, d, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				var v float64
				if grid {
					v = float64(rapid.IntRange(-3, 3).Draw(t, "v"))
				} else {
					v = rapid.Float64Range(-100, 100).Draw(t, "v")
				}
				x.Set(i, j, v)
			}
		}
		distinct := distinctRows(x.RawMatrix(), n)
		k := rapid.IntRange(1, min(distinct, 6)).Draw(t, "k")
		opts := &KMeansOptions{
			Seed:  rapid.Uint64().Draw(t, "seed"),
			Init:  KMeansInit(rapid.IntRange(0, 1).Draw(t, "init")),
			Iters: rapid.IntRange(1, 50).Draw(t, "iters"),
		}
		res, err := KMeans(x, k, opts)
		var se *ScaleError
		if errors.As(err, &se) && !se.Over {
			t.Skip("points too close together for float64's squares:", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		// In exact arithmetic the loss never rises. In floating point the
		// means of the update step are rounded, each coordinate by up to
		// an ulp of the largest |x|, which can raise a loss that is
		// itself at the scale of ulps² (points 1 and 1 − 2⁻⁵²), and the
		// squares of distances near 1e-162 underflow. Allow for that.
		scale := 0.0
		for _, v := range x.RawMatrix().Data {
			scale = max(scale, math.Abs(v))
		}
		ulp := 0x1p-52 * scale
		slack := float64(n*d)*16*ulp*ulp + 1e-320
		for i := 1; i < len(res.History); i++ {
			if res.History[i] > res.History[i-1]*(1+1e-14)+slack {
				t.Fatalf("the loss rose from %v to %v at step %d: %v", res.History[i-1], res.History[i], i, res.History)
			}
		}
		if res.Iters != len(res.History) || res.Loss != res.History[len(res.History)-1] {
			t.Fatalf("iterations %d, loss %v, history %v", res.Iters, res.Loss, res.History)
		}
		loss, sizes := 0.0, make([]int, k)
		for i := 0; i < n; i++ {
			c := res.Assign[i]
			sizes[c]++
			loss += centroidDist(x.RawRowView(i), res.Centroids.RawRowView(c))
		}
		if math.Abs(loss-res.Loss) > 1e-9*max(1, loss) {
			t.Fatalf("loss %v, but the centroids and assignment give %v", res.Loss, loss)
		}
		if !slices.Equal(sizes, res.Sizes) {
			t.Fatalf("sizes %v, assignment gives %v", res.Sizes, sizes)
		}
		for c, m := range sizes {
			if m == 0 {
				t.Fatalf("cluster %d is empty: %v", c, sizes)
			}
		}
		if !res.Converged {
			return
		}
		for i := 0; i < n; i++ {
			c, _ := nearestCentroid(x.RawRowView(i), res.Centroids.RawMatrix().Data, k)
			if c != res.Assign[i] {
				t.Fatalf("converged, but point %d is in cluster %d, nearer to %d", i, res.Assign[i], c)
			}
		}
		for c := 0; c < k; c++ {
			for j := 0; j < d; j++ {
				mean := 0.0
				for i := 0; i < n; i++ {
					if res.Assign[i] == c {
						mean += x.At(i, j)
					}
				}
				mean /= float64(sizes[c])
				if got := res.Centroids.At(c, j); math.Abs(got-mean) > 1e-12*max(1, math.Abs(mean)) {
					t.Fatalf("centroid %d, coordinate %d: %v, but the mean of its points is %v", c, j, got, mean)
				}
			}
		}
	})
}

// TestKMeansDeterministic checks that a seed gives one result, whatever
// the number of cores, and that other seeds start elsewhere.
func TestKMeansDeterministic(t *testing.T) {
	x := kmeansBlobs(3*kmeansBlock+100, 4, 6, 3, rand.New(rand.NewPCG(3, 4)))
	opts := &KMeansOptions{Seed: 42, Restarts: 2}
	a, err := KMeans(x, 6, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b, err := KMeans(x, 6, opts)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GOMAXPROCS(4)
	c, err := KMeans(x, 6, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*KMeansResult{b, c} {
		if !mat.Equal(a.Centroids, r.Centroids) || !slices.Equal(a.Assign, r.Assign) || !slices.Equal(a.History, r.History) {
			t.Fatalf("two runs with seed 42 differ: losses %v and %v", a.History, r.History)
		}
	}
	other, err := KMeans(x, 6, &KMeansOptions{Seed: 43, Iters: 1})
	if err != nil {
		t.Fatal(err)
	}
	if other.History[0] == a.History[0] {
		t.Errorf("seeds 42 and 43 start with the same loss %v", a.History[0])
	}
}

// TestKMeansEmptyCluster starts a centroid far from every point: the first
// assignment leaves it empty, and it is reseeded with the point farthest
// from its centroid.
func TestKMeansEmptyCluster(t *testing.T) {
	x := fitDense([][]float64{{0, 0}, {1, 0}, {0, 1}, {10, 10}, {10, 11}, {6, 6}})
	start := fitDense([][]float64{{0, 0}, {10, 10}, {100, -100}})
	res, err := KMeans(x, 3, &KMeansOptions{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	// At the first step (6, 6) is 32 from (10, 10), the farthest of all.
	want := []Reseed{{Iter: 0, Cluster: 2, Point: 5}}
	if !slices.Equal(res.Reseeded, want) {
		t.Fatalf("reseeded %v, want %v", res.Reseeded, want)
	}
	// Before reseeding the loss is 1 + 1 + 1 + 32 = 35; after, 3.
	if res.History[0] != 3 {
		t.Errorf("first loss %v, want 3", res.History[0])
	}
	if got := sortedRows(res.Centroids); !slices.EqualFunc(got, [][]float64{{1.0 / 3, 1.0 / 3}, {6, 6}, {10, 10.5}}, slices.Equal) {
		t.Errorf("centroids %v", got)
	}
	if !slices.Equal(res.Sizes, []int{3, 2, 1}) || math.Abs(res.Loss-(4.0/3+0.5)) > 1e-15 {
		t.Errorf("sizes %v, loss %v", res.Sizes, res.Loss)
	}
}

// TestKMeansErrors checks the messages of bad input.
func TestKMeansErrors(t *testing.T) {
	x := fitDense([][]float64{{1, 2}, {1, 2}, {3, 4}, {3, 4}})
	nan := fitDense([][]float64{{1, 2}, {3, math.NaN()}})
	tests := []struct {
		name string
		x    *mat.Dense
		k    int
		opts *KMeansOptions
		want string
	}{
		{"k = 0", x, 0, nil, "k = 0: the number of clusters must be at least 1"},
		{"k > distinct", x, 3, nil, "k = 3, but the data have only 2 distinct points"},
		{"one distinct", fitDense([][]float64{{0}, {math.Copysign(0, -1)}}), 2, nil, "k = 2, but the data have only 1 distinct point"},
		{"NaN", nan, 1, nil, "row 2, column 2: NaN is not a finite number"},
		{"nil", nil, 1, nil, "no data"},
		{"start", x, 2, &KMeansOptions{Start: fitDense([][]float64{{1, 2}})}, "the first centroids are 1×2, but k×D is 2×2"},
		{"tol", x, 2, &KMeansOptions{Tol: math.NaN()}, "tolerance NaN: must be a finite number, at least 0"},
		{"iters", x, 2, &KMeansOptions{Iters: -1}, "iterations -1: must be positive"},
		{"init", x, 2, &KMeansOptions{Init: 7}, "unknown initialisation KMeansInit(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := KMeans(tt.x, tt.k, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v\nwant %s", err, tt.want)
			}
		})
	}
	var ce *ClusterCountError
	if _, err := KMeans(x, 5, nil); !errors.As(err, &ce) || ce.Distinct != 2 {
		t.Errorf("got %v, want a *ClusterCountError with 2 distinct points", err)
	}
}

// TestKMeansTol checks that a tolerance stops a run early, converged.
func TestKMeansTol(t *testing.T) {
	x := kmeansBlobs(3000, 2, 8, 4, rand.New(rand.NewPCG(5, 6)))
	full, err := KMeans(x, 8, &KMeansOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	early, err := KMeans(x, 8, &KMeansOptions{Seed: 1, Tol: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if !early.Converged || early.Iters >= full.Iters {
		t.Errorf("with Tol 0.01: %d steps, converged %v; without: %d steps", early.Iters, early.Converged, full.Iters)
	}
	h := early.History
	if len(h) > 1 && h[len(h)-2]-h[len(h)-1] > 0.01*h[len(h)-2] {
		t.Errorf("stopped with a fall of %v from %v", h[len(h)-2]-h[len(h)-1], h[len(h)-2])
	}
}

func TestParseKMeansInit(t *testing.T) {
	for _, i := range []KMeansInit{KMeansPlusPlus, KMeansRandom} {
		if got, err := ParseKMeansInit(i.String()); err != nil || got != i {
			t.Errorf("ParseKMeansInit(%q) = %v, %v", i.String(), got, err)
		}
	}
	if _, err := ParseKMeansInit("forgy"); err == nil || err.Error() != `unknown initialisation "forgy": choose kmeans++ or random` {
		t.Errorf("got %v", err)
	}
}

// sortedRows returns the rows of m sorted.
func sortedRows(m *mat.Dense) [][]float64 {
	r, _ := m.Dims()
	rows := make([][]float64, r)
	for i := range rows {
		rows[i] = slices.Clone(m.RawRowView(i))
	}
	slices.SortFunc(rows, slices.Compare)
	return rows
}

// TestKMeansScale checks that data whose squared distances leave float64
// is refused with the remedy, and that data just inside is clustered.
func TestKMeansScale(t *testing.T) {
	tests := []struct {
		name  string
		scale float64
		err   string
	}{
		{"huge", 1e300, "the data spread over 2.2e+300: its squared distances and sums overflow float64; divide it by a common scale first (k-means does not change with it)"},
		{"tiny", 1e-300, "the data spread over only 2.2e-300: its squared distances underflow float64; multiply it by a common scale first (k-means does not change with it)"},
		{"large", 1e100, ""},
		{"small", 1e-100, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := mat.NewDense(4, 2, []float64{1, 1, 1.1, 1, -1, -1, -1.1, -1})
			x.Scale(tt.scale, x)
			km, err := KMeans(x, 2, &KMeansOptions{Seed: 1})
			switch {
			case tt.err != "":
				if err == nil || err.Error() != tt.err {
					t.Fatalf("KMeans = %v, want the error %q", err, tt.err)
				}
			case err != nil:
				t.Fatal(err)
			case km.Assign[0] != km.Assign[1] || km.Assign[2] != km.Assign[3] || km.Assign[0] == km.Assign[2]:
				t.Errorf("assignments %v: want the positive points apart from the negative ones", km.Assign)
			}
		})
	}
}
