package optim_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/nabla-math/nabla/optim"
)

// A line y ≈ θ₁ + θ₂x through four points: the design matrix has a column
// of ones and the column of x, and the least-squares θ makes the gradient
// of ||y − Φθ||² zero.
func ExampleLeastSquares() {
	x := mat.NewDense(4, 1, []float64{0, 1, 2, 3})
	y := []float64{1.1, 2.9, 5.2, 6.8}
	phi, names, err := optim.Design(x, []string{"x"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := optim.LeastSquares(phi, y, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for j, name := range names {
		fmt.Printf("%-9s θ = %.4f\n", name, res.Theta[j])
	}
	fmt.Printf("||y − Φθ|| = %.4f, R² = %.4f\n", res.Residual, res.R2)
	fmt.Println("∂L/∂θ = 0 up to rounding:", floats.Norm(res.Grad, 2) < 1e-12)
	// Output:
	// intercept θ = 1.0900
	// x         θ = 1.9400
	// ||y − Φθ|| = 0.2864, R² = 0.9957
	// ∂L/∂θ = 0 up to rounding: true
}

// Polynomial features: the columns 1, x, x², x³ of a cubic fit.
func ExampleDesign() {
	x := mat.NewDense(3, 1, []float64{1, 2, 3})
	phi, names, err := optim.Design(x, []string{"x"}, &optim.DesignOptions{Degree: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(names)
	fmt.Println(mat.Formatted(phi))
	// Output:
	// [intercept x x^2 x^3]
	// ⎡ 1   1   1   1⎤
	// ⎢ 1   2   4   8⎥
	// ⎣ 1   3   9  27⎦
}

// Linearly dependent columns have no unique least-squares solution; the
// error says which column the others make.
func ExampleRankError() {
	x := mat.NewDense(4, 2, []float64{
		1, 2,
		2, 4,
		3, 6,
		5, 10,
	})
	phi, names, _ := optim.Design(x, []string{"x1", "x2"}, nil)
	_, err := optim.LeastSquares(phi, []float64{1, 2, 3, 4}, &optim.LstsqOptions{Names: names})
	fmt.Println(err)
	// Output:
	// column x2 = 2·x1: the columns are linearly dependent
}

// k-means on three blobs of 100 points each recovers their centres.
func ExampleKMeans() {
	rng := rand.New(rand.NewPCG(1, 1))
	centres := [][]float64{{0, 0}, {6, 0}, {3, 5}}
	x := mat.NewDense(300, 2, nil)
	for i := 0; i < 300; i++ {
		c := centres[i%3]
		x.SetRow(i, []float64{c[0] + 0.5*rng.NormFloat64(), c[1] + 0.5*rng.NormFloat64()})
	}
	res, err := optim.KMeans(x, 3, &optim.KMeansOptions{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	var found []string
	for k := 0; k < 3; k++ {
		mu := res.Centroids.RawRowView(k)
		found = append(found, fmt.Sprintf("(%.1f, %.1f) with %d points", round1(mu[0]), round1(mu[1]), res.Sizes[k]))
	}
	slices.Sort(found)
	for _, f := range found {
		fmt.Println(f)
	}
	fmt.Println("converged:", res.Converged)
	// Output:
	// (0.0, 0.0) with 100 points
	// (3.1, 4.9) with 100 points
	// (6.0, 0.0) with 100 points
	// converged: true
}

// round1 rounds v to one decimal, and -0 to 0.
func round1(v float64) float64 { return math.Round(v*10)/10 + 0 }
