package main

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plot draws the runs into path: f with its tangent lines at the
// iterates for one variable, the contours of f with each path for two,
// and f against t for more.
func (pr *minProblem) plot(path string, runs []*minRun) error {
	if err := plotFormat(path); err != nil {
		return err
	}
	var p *plot.Plot
	var err error
	switch len(pr.x0) {
	case 1:
		p, err = pr.plotTangents(runs)
	case 2:
		p, err = pr.plotContours(runs)
	default:
		p, err = pr.plotLoss(runs)
	}
	if err != nil {
		return err
	}
	return savePlot(p, path, 6*vg.Inch, 4.5*vg.Inch)
}

// value evaluates f at x; NaN outside its domain.
func (pr *minProblem) value(x []float64) float64 {
	v, err := pr.prog.Value(x)
	if err != nil {
		return math.NaN()
	}
	return v
}

// span returns the range of the entries k of the iterates of runs,
// widened by a margin.
func span(runs []*minRun, k int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range runs {
		for _, p := range r.Trace {
			if v := p.x[k]; !math.IsInf(v, 0) && !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	m := max((hi-lo)*0.25, 0.5, 0.1*math.Abs(hi))
	return lo - m, hi + m
}

// plotTangents draws f of one variable, the iterates on it and the
// tangent line at each: the picture of gradient descent in every lecture.
func (pr *minProblem) plotTangents(runs []*minRun) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("minimize %s", pr.f)
	p.X.Label.Text, p.Y.Label.Text = pr.vars[0], "f"
	lo, hi := span(runs, 0)
	// Room on both sides, so that the tangents stand out from the curve.
	w := hi - lo
	lo, hi = lo-w, hi+w
	curve := plotter.NewFunction(func(x float64) float64 { return pr.value([]float64{x}) })
	curve.XMin, curve.XMax, curve.Samples = lo, hi, 400
	curve.Width = vg.Points(1.5)
	p.Add(plotter.NewGrid(), curve)
	p.Legend.Add("f", curve)
	half := (hi - lo) / 8 // the half-width of a tangent segment
	for i, r := range runs {
		c := plotutil.Color(i + 1)
		var pts plotter.XYs
		for _, q := range r.Trace {
			x, f, g := q.x[0], q.F, q.grad[0]
			pts = append(pts, plotter.XY{X: x, Y: f})
			// The tangent's run along x is shortened where it is steep,
			// so that every segment has about the same length.
			d := half / math.Sqrt(1+g*g*0.01)
			tan, err := plotter.NewLine(plotter.XYs{{X: x - d, Y: f - g*d}, {X: x + d, Y: f + g*d}})
			if err != nil {
				return nil, err
			}
			tan.Color, tan.Dashes = c, []vg.Length{vg.Points(3), vg.Points(2)}
			p.Add(tan)
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.Color, sc.Shape = c, draw.CircleGlyph{}
		p.Add(sc)
		p.Legend.Add(r.Method+": iterates and tangents", sc)
	}
	// Keep the view on the curve: tangents may reach far.
	p.X.Min, p.X.Max = lo, hi
	ys := []float64{}
	for k := 0; k <= 100; k++ {
		if v := pr.value([]float64{lo + (hi-lo)*float64(k)/100}); !math.IsNaN(v) && !math.IsInf(v, 0) {
			ys = append(ys, v)
		}
	}
	if len(ys) > 0 {
		ymin, ymax := slices.Min(ys), slices.Max(ys)
		pad := 0.05 * (ymax - ymin)
		p.Y.Min, p.Y.Max = ymin-pad, ymax+pad
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

// surface is f of two variables on a grid, for contours.
type surface struct {
	xs, ys []float64
	z      [][]float64 // z[row y][column x]
}

func (s *surface) Dims() (c, r int)   { return len(s.xs), len(s.ys) }
func (s *surface) Z(c, r int) float64 { return s.z[r][c] }
func (s *surface) X(c int) float64    { return s.xs[c] }
func (s *surface) Y(r int) float64    { return s.ys[r] }

// plotContours draws the contours of f of two variables with each run's
// path.
func (pr *minProblem) plotContours(runs []*minRun) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("minimize %s", pr.f)
	names := pr.entryNames()
	p.X.Label.Text, p.Y.Label.Text = names[0], names[1]
	x0, x1 := span(runs, 0)
	y0, y1 := span(runs, 1)
	const n = 120
	s := &surface{xs: make([]float64, n), ys: make([]float64, n), z: make([][]float64, n)}
	var all []float64
	for i := range n {
		s.xs[i] = x0 + (x1-x0)*float64(i)/(n-1)
		s.ys[i] = y0 + (y1-y0)*float64(i)/(n-1)
	}
	for r := range n {
		s.z[r] = make([]float64, n)
		for c := range n {
			v := pr.value([]float64{s.xs[c], s.ys[r]})
			s.z[r][c] = v
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				all = append(all, v)
			}
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("--plot: %s is not defined around the iterates", pr.f)
	}
	// Levels spaced geometrically above the least value on the grid: as
	// many contours near the valley floor as on the walls, whatever the
	// scale of f.
	lo, hi := slices.Min(all), slices.Max(all)
	var levels []float64
	for k := 16; k >= 0; k-- {
		levels = append(levels, lo+(hi-lo)*math.Pow(10, -float64(k)/3))
	}
	for r := range n {
		for c := range n {
			if math.IsNaN(s.z[r][c]) || math.IsInf(s.z[r][c], 0) {
				s.z[r][c] = all[len(all)-1]
			}
		}
	}
	contours := plotter.NewContour(s, levels, palette.Heat(len(levels), 1))
	p.Add(plotter.NewGrid(), contours)
	for i, r := range runs {
		var pts plotter.XYs
		for _, q := range thin(r.Trace) {
			pts = append(pts, plotter.XY{X: q.x[0], Y: q.x[1]})
		}
		line, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		c := plotutil.Color(i + 1)
		line.Color, sc.Color, sc.Radius = c, c, vg.Points(1.5)
		line.Width = vg.Points(1.5)
		p.Add(line, sc)
		p.Legend.Add(fmt.Sprintf("%s (%d iterates)", r.Method, len(r.Trace)), line, sc)
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x0, x1, y0, y1
	p.Legend.Left = true
	return p, nil
}

// maxDrawn is the most iterates a path draws: a long run is thinned to
// every k-th iterate, its last kept.
const maxDrawn = 400

func thin(trace []runPoint) []runPoint {
	if len(trace) <= maxDrawn {
		return trace
	}
	k := (len(trace) + maxDrawn - 1) / maxDrawn
	var out []runPoint
	for i := 0; i < len(trace); i += k {
		out = append(out, trace[i])
	}
	if last := trace[len(trace)-1]; out[len(out)-1].T != last.T {
		out = append(out, last)
	}
	return out
}

// plotLoss draws f against the iteration.
func (pr *minProblem) plotLoss(runs []*minRun) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("minimize %s", pr.f)
	p.X.Label.Text, p.Y.Label.Text = "iteration t", "f"
	positive := true
	for _, r := range runs {
		for _, q := range r.Trace {
			positive = positive && q.F > 0
		}
	}
	if positive {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, decades{}
	}
	p.Add(plotter.NewGrid())
	for i, r := range runs {
		var pts plotter.XYs
		for _, q := range thin(r.Trace) {
			pts = append(pts, plotter.XY{X: float64(q.T), Y: q.F})
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		line.Color, line.Width = plotutil.Color(i+1), vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(r.Method, line)
	}
	p.Legend.Top = true
	return p, nil
}

// entryNames names the entries of the inputs: x, y, or θ[1], θ[2].
func (pr *minProblem) entryNames() []string {
	var out []string
	for _, v := range pr.vars {
		n := product(pr.shapes[v])
		if len(pr.shapes[v]) == 0 {
			out = append(out, v)
			continue
		}
		for k := range n {
			out = append(out, entryName(v, []string{""}, pr.shapes[v], k))
		}
	}
	return out
}
