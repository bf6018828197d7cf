package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/nabla-math/nabla/fd"
)

// plotErrors draws the error of each scheme against the step, on log-log
// axes, into path: the V of truncation error, falling with the step, and
// rounding error, growing as it shrinks. Richardson's method chooses its
// own steps and is left out; steps whose error is exactly 0 cannot be
// drawn on a log axis and are left out too.
func (pr *fdProblem) plotErrors(path string, schemes []fd.Scheme, stencil int, exact float64) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg", ".png", ".pdf":
	default:
		return usagef("--plot %s: the file must end in .svg, .png or .pdf", path)
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("error of d/d%s %s at %s", pr.wrt, group(pr.f.String()), pr.pointText())
	p.X.Label.Text = "step h"
	p.Y.Label.Text = "|estimate − exact|"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = decades{}, decades{}
	p.Add(plotter.NewGrid())
	x0 := pr.at[pr.wrt]
	scale := max(1, math.Abs(x0))
	drawn := 0
	for i, s := range schemes {
		if s == fd.Richardson {
			continue
		}
		var pts plotter.XYs
		for k := 0; k <= 128; k++ {
			h := scale * math.Pow(10, -float64(k)/8)
			set := &fd.Settings{Scheme: s, Step: h, Points: stencil}
			var est fd.Estimate
			var err error
			if s == fd.Complex {
				set.Points = 0
				est, err = fd.DerivativeComplex(pr.complexValue, x0, set)
			} else {
				est, err = fd.Derivative(pr.value, x0, set)
			}
			if e := math.Abs(est.Value - exact); err == nil && e > 0 && !math.IsInf(e, 0) {
				pts = append(pts, plotter.XY{X: h, Y: e})
			}
		}
		if len(pts) == 0 {
			continue
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		line.Color = plotutil.Color(i)
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(s.String(), line)
		drawn++
	}
	if drawn == 0 {
		return fmt.Errorf("--plot %s: no scheme has a nonzero error to draw", path)
	}
	p.Legend.Top, p.Legend.Left = false, false // below the right arm of the V
	if err := p.Save(6*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("--plot: %w", err)
	}
	return nil
}

// decades marks the powers of ten of a log axis, labelling every other
// one, 1e-08, so that sixteen decades stay legible.
type decades struct{}

// Ticks returns the marks between lo and hi.
func (decades) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	k0, k1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	step := max(1, (k1-k0+7)/8)
	for k := k0; k <= k1; k++ {
		v := math.Pow(10, float64(k))
		if v < lo || v > hi {
			continue
		}
		t := plot.Tick{Value: v}
		if k%step == 0 {
			t.Label = fmt.Sprintf("1e%d", k)
		}
		ticks = append(ticks, t)
	}
	return ticks
}
