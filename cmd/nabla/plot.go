package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
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
	if err := plotFormat(path); err != nil {
		return err
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
	return savePlot(p, path, 6*vg.Inch, 4*vg.Inch)
}

// plotFormat checks that path names a format a plot can be saved in.
func plotFormat(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg", ".png", ".pdf":
		return nil
	}
	return usagef("--plot %s: the file must end in .svg, .png or .pdf", path)
}

// savePlot renders p in the format of path's extension and writes it
// whole: rendered in memory, written to a file beside path, and renamed,
// so that no half-written plot is ever left behind.
func savePlot(p *plot.Plot, path string, w, h vg.Length) error {
	if err := plotFormat(path); err != nil {
		return err
	}
	wt, err := p.WriterTo(w, h, strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), "."))
	if err != nil {
		return fmt.Errorf("--plot: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return fmt.Errorf("--plot: %w", err)
	}
	if err := writeWhole(path, buf.Bytes()); err != nil {
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

// writeWhole writes data to path whole: to a file beside it, then
// renamed, so that no half-written file is ever left behind.
func writeWhole(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644) // as os.Create would make it, not CreateTemp's 0600
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
