package main

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nabla-math/nabla/optim"
)

// plot draws the fit into path: for one feature the data, the fitted
// curve and the residuals, vertical segments from each point to the
// curve; for several, or none, the observed target against the fitted
// one, the residuals running to the diagonal ŷ = y.
func (f *lstsqFit) plot(path string) error {
	p := plot.New()
	p.Add(plotter.NewGrid())
	n := len(f.y)
	fitted := make([]float64, n)
	mat.NewVecDense(n, fitted).MulVec(f.phi, mat.NewVecDense(len(f.res.Theta), f.res.Theta))
	one := f.x != nil && len(f.features) == 1
	xs := fitted
	if one {
		xs = f.x.RawMatrix().Data
	}

	// The residuals first, under the points.
	resid := plotutil.Color(0)
	for i := range n {
		seg, err := plotter.NewLine(plotter.XYs{{X: xs[i], Y: f.y[i]}, {X: xs[i], Y: fitted[i]}})
		if err != nil {
			return err
		}
		seg.Color, seg.Width = resid, vg.Points(1.2)
		p.Add(seg)
		if i == 0 {
			p.Legend.Add(fmt.Sprintf("residuals, ||y − Φθ|| = %.3g", f.res.Residual), seg)
		}
	}

	var curve *plotter.Line
	if one {
		lo, hi := fitRange(xs)
		pad := 0.02 * (hi - lo)
		lo, hi = lo-pad, hi+pad
		const samples = 200
		grid := mat.NewDense(samples, 1, nil)
		for k := range samples {
			grid.Set(k, 0, lo+(hi-lo)*float64(k)/(samples-1))
		}
		phi, _, err := optim.Design(grid, f.features, &optim.DesignOptions{NoIntercept: f.fl.noIntercept, Degree: f.fl.degree})
		if err != nil {
			return err
		}
		yhat := mat.NewVecDense(samples, nil)
		yhat.MulVec(phi, mat.NewVecDense(len(f.res.Theta), f.res.Theta))
		pts := make(plotter.XYs, samples)
		for k := range pts {
			pts[k] = plotter.XY{X: grid.At(k, 0), Y: yhat.AtVec(k)}
		}
		if curve, err = plotter.NewLine(pts); err != nil {
			return err
		}
		p.Title.Text = fmt.Sprintf("%s against %s: least squares by %s, R² = %.4g", f.target, f.features[0], f.res.Method, f.res.R2)
		p.X.Label.Text, p.Y.Label.Text = f.features[0], f.target
		p.Legend.Add(lstsqFormula(f.res.Theta, f.fl.noIntercept, f.features[0], f.fl.degree), curve)
	} else {
		lo, hi := fitRange(append(append([]float64(nil), fitted...), f.y...))
		var err error
		if curve, err = plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}}); err != nil {
			return err
		}
		p.Title.Text = fmt.Sprintf("%s observed against fitted: least squares by %s, R² = %.4g", f.target, f.res.Method, f.res.R2)
		p.X.Label.Text, p.Y.Label.Text = "fitted "+f.target+" (Φθ)", "observed "+f.target+" (y)"
		p.Legend.Add("ŷ = y", curve)
	}
	curve.Color, curve.Width = plotutil.Color(2), vg.Points(1.5)
	p.Add(curve)

	pts := make(plotter.XYs, n)
	for i := range pts {
		pts[i] = plotter.XY{X: xs[i], Y: f.y[i]}
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return err
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
	p.Add(sc)
	p.Legend.Add(fmt.Sprintf("data, %d points", n), sc)
	p.Legend.Top, p.Legend.Left = true, true
	plotHeadroom(p, 0.25)
	return savePlot(p, path, 6*vg.Inch, 4.5*vg.Inch)
}

// plotHeadroom raises the top of p's y axis by the share frac of its range,
// room for a legend above the data.
func plotHeadroom(p *plot.Plot, frac float64) {
	p.Y.Max += frac * (p.Y.Max - p.Y.Min)
}

// lstsqFormula writes the fitted polynomial of one feature, as
// "ŷ = 31.9 + 2.47 size".
func lstsqFormula(theta []float64, noIntercept bool, name string, degree int) string {
	var b strings.Builder
	b.WriteString("ŷ = ")
	k := 0
	term := func(c float64, what string) {
		switch {
		case k == 0 && c < 0:
			b.WriteString("−")
		case k > 0 && c < 0:
			b.WriteString(" − ")
		case k > 0:
			b.WriteString(" + ")
		}
		b.WriteString(fmt.Sprintf("%.3g", math.Abs(c)))
		if what != "" {
			b.WriteString(" " + what)
		}
		k++
	}
	if !noIntercept {
		term(theta[0], "")
		theta = theta[1:]
	}
	for p := 1; p <= degree && p <= len(theta); p++ {
		what := name
		if p > 1 {
			what = fmt.Sprintf("%s^%d", name, p)
		}
		term(theta[p-1], what)
	}
	return b.String()
}

// fitRange returns the least and the greatest of xs, apart by at least
// a little, so that an axis over them has a width.
func fitRange(xs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range xs {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo < 1e-9*max(1, math.Abs(hi)) {
		lo, hi = lo-0.5, hi+0.5
	}
	return lo, hi
}

// kmeansPlotPoints bounds the points drawn: beyond it every kth is.
const kmeansPlotPoints = 10000

// plotKMeans draws the clustering into path: on the left the points in
// their first two columns (against the row for one column), coloured by
// cluster, with the centroids marked; on the right the loss at each
// assignment step.
func plotKMeans(path string, t *csvTable, res *optim.KMeansResult, k int) error {
	w := len(t.header)
	step := (t.rows + kmeansPlotPoints - 1) / kmeansPlotPoints
	coord := func(i int) (float64, float64) {
		if w == 1 {
			return t.data[i], float64(i + 1)
		}
		return t.data[i*w], t.data[i*w+1]
	}

	pts := plot.New()
	pts.Add(plotter.NewGrid())
	if w == 1 {
		pts.X.Label.Text, pts.Y.Label.Text = t.header[0], "row"
	} else {
		pts.X.Label.Text, pts.Y.Label.Text = t.header[0], t.header[1]
	}
	pts.Title.Text = fmt.Sprintf("k-means, k = %d: %d points", k, t.rows)
	if step > 1 {
		pts.Title.Text += fmt.Sprintf(", every %dth drawn", step)
	}
	if w > 2 {
		pts.Title.Text += fmt.Sprintf(", the first 2 of %d columns", w)
	}
	clusters := make([]plotter.XYs, k)
	for i := 0; i < t.rows; i += step {
		x, y := coord(i)
		c := res.Assign[i]
		clusters[c] = append(clusters[c], plotter.XY{X: x, Y: y})
	}
	for c, xy := range clusters {
		if len(xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return err
		}
		// Filled circles, then, once the colours repeat, other shapes.
		shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, draw.RingGlyph{}}
		shape := shapes[(c/len(plotutil.DefaultColors))%len(shapes)]
		sc.GlyphStyle = draw.GlyphStyle{Color: plotutil.Color(c), Radius: vg.Points(2), Shape: shape}
		pts.Add(sc)
		pts.Legend.Add(fmt.Sprintf("cluster %d (%d)", c+1, res.Sizes[c]), sc)
	}
	var centres plotter.XYs
	for c := 0; c < k; c++ {
		mu := res.Centroids.RawRowView(c)
		switch w {
		case 1:
			// The centroid of a column sits at the middle row of its cluster.
			centres = append(centres, plotter.XY{X: mu[0], Y: float64(t.rows+1) / 2})
		default:
			centres = append(centres, plotter.XY{X: mu[0], Y: mu[1]})
		}
	}
	ring, err := plotter.NewScatter(centres)
	if err != nil {
		return err
	}
	ring.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(6), Shape: draw.RingGlyph{}}
	cross, err := plotter.NewScatter(centres)
	if err != nil {
		return err
	}
	cross.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(6), Shape: draw.CrossGlyph{}}
	pts.Add(ring, cross)
	pts.Legend.Add("centroids", ring, cross)
	pts.Legend.Top = true
	plotHeadroom(pts, 0.3)

	loss := plot.New()
	loss.Add(plotter.NewGrid())
	loss.Title.Text = "loss L = Σ_n Σ_k r_nk ||x_n − μ_k||²"
	loss.X.Label.Text, loss.Y.Label.Text = "assignment step", "L"
	hist := make(plotter.XYs, len(res.History))
	for i, v := range res.History {
		hist[i] = plotter.XY{X: float64(i + 1), Y: v}
	}
	line, marks, err := plotter.NewLinePoints(hist)
	if err != nil {
		return err
	}
	line.Color, line.Width = plotutil.Color(0), vg.Points(1.5)
	marks.GlyphStyle = draw.GlyphStyle{Color: plotutil.Color(0), Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
	loss.Add(line, marks)
	loss.Legend.Add(fmt.Sprintf("L, %.4g at the end", res.Loss), line, marks)
	loss.Legend.Top = true
	loss.X.Min = 1
	loss.X.Tick.Marker = stepTicks{}

	const width, height = 10 * vg.Inch, 4.5 * vg.Inch
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	cv, err := draw.NewFormattedCanvas(width, height, format)
	if err != nil {
		return fmt.Errorf("--plot: %w", err)
	}
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 8, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
	plots := [][]*plot.Plot{{pts, loss}}
	canvases := plot.Align(plots, tiles, draw.New(cv))
	pts.Draw(canvases[0][0])
	loss.Draw(canvases[0][1])
	var buf bytes.Buffer
	if _, err := cv.WriteTo(&buf); err != nil {
		return fmt.Errorf("--plot: %w", err)
	}
	if err := writeWhole(path, buf.Bytes()); err != nil {
		return fmt.Errorf("--plot: %w", err)
	}
	return nil
}

// stepTicks marks whole numbers on an axis, about ten of them at most.
type stepTicks struct{}

// Ticks returns the marks between lo and hi.
func (stepTicks) Ticks(lo, hi float64) []plot.Tick {
	step := max(1, math.Ceil((hi-lo)/10))
	var ticks []plot.Tick
	for v := math.Ceil(lo); v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f", v)})
	}
	return ticks
}
