package optim

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// InterceptName is the name Design gives its column of ones.
const InterceptName = "intercept"

// DesignOptions are the settings of Design. The zero value, or a nil
// pointer, means a column of ones followed by the features as they are.
type DesignOptions struct {
	// NoIntercept leaves out the column of ones, so that the model
	// passes through the origin.
	NoIntercept bool
	// Degree is the highest power of each feature: for a feature x the
	// columns x, x^2, …, x^Degree. 0 means 1, the features as they are.
	Degree int
}

// Design builds the design matrix Φ of the notes' linear model y ≈ Φθ
// from the features x, an N×F matrix with a feature in each column, and
// returns it with the names of its columns.
//
// The first column is the intercept, ones, named InterceptName, unless
// opts.NoIntercept. Then come the features, each with its powers up to
// opts.Degree, feature by feature: for the features a and b with degree
// 2 the columns are intercept, a, a^2, b, b^2. Powers of a single
// feature are the polynomial regression of the notes; with several
// features Design takes the powers of each one alone, without products
// of different features, so that Φ has 1 + F·Degree columns.
//
// names are the features' names, one for each column of x; nil names
// them x1, x2, …. A NaN or an infinity in x is an error that names its
// row (1-based) and column.
func Design(x *mat.Dense, names []string, opts *DesignOptions) (*mat.Dense, []string, error) {
	if x == nil || x.IsEmpty() {
		return nil, nil, errors.New("no data")
	}
	var o DesignOptions
	if opts != nil {
		o = *opts
	}
	if o.Degree < 0 {
		return nil, nil, fmt.Errorf("degree %d: the degree must be at least 1", o.Degree)
	}
	deg := max(o.Degree, 1)
	n, f := x.Dims()
	if names == nil {
		names = make([]string, f)
		for j := range names {
			names[j] = "x" + strconv.Itoa(j+1)
		}
	}
	if len(names) != f {
		return nil, nil, fmt.Errorf("%d names for %d features", len(names), f)
	}
	if err := designFinite(x, names); err != nil {
		return nil, nil, err
	}
	var cols []string
	if !o.NoIntercept {
		cols = append(cols, InterceptName)
	}
	for _, name := range names {
		cols = append(cols, name)
		for p := 2; p <= deg; p++ {
			cols = append(cols, name+"^"+strconv.Itoa(p))
		}
	}
	phi := mat.NewDense(n, len(cols), nil)
	for i := 0; i < n; i++ {
		row := phi.RawRowView(i)
		c := 0
		if !o.NoIntercept {
			row[0] = 1
			c = 1
		}
		for j := 0; j < f; j++ {
			v := x.At(i, j)
			pow := v
			row[c] = v
			c++
			for p := 2; p <= deg; p++ {
				pow *= v
				row[c] = pow
				c++
			}
		}
	}
	if err := designFinite(phi, cols); err != nil {
		return nil, nil, fmt.Errorf("a power beyond the range of float64: %w", err)
	}
	return phi, cols, nil
}

// designFinite reports the first entry of m that is NaN or infinite, by
// its row (1-based) and its column's name.
func designFinite(m *mat.Dense, names []string) error {
	n, d := m.Dims()
	for i := 0; i < n; i++ {
		for j, v := range m.RawRowView(i)[:d] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("row %d, column %s: %v is not a finite number", i+1, names[j], v)
			}
		}
	}
	return nil
}
