package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFitPlots draws each plot of nabla lstsq and nabla kmeans and checks
// that the file is what its extension says, with the expected legend.
func TestFitPlots(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		magic string
		want  []string
	}{
		{"line.svg", []string{"lstsq", "../../examples/data/houses.csv", "--target", "price", "--features", "size"}, "<?xml",
			[]string{"data, 30 points", "ŷ = 25 + 2.82 size", "residuals, ||y − Φθ|| = 168", "price against size"}},
		{"parabola.svg", []string{"lstsq", "../../examples/data/houses.csv", "--target", "price", "--features", "size", "--degree", "2"}, "<?xml",
			[]string{"ŷ = 23.4 + 2.85 size − 9.86e-05 size^2"}},
		{"several.svg", []string{"lstsq", "../../examples/data/houses.csv", "--target", "price", "--features", "size,rooms,age,detached"}, "<?xml",
			[]string{"ŷ = y", "fitted price (Φθ)", "observed price (y)", "residuals"}},
		{"line.png", []string{"lstsq", "testdata/fit/line.csv", "--target", "y"}, "\x89PNG", nil},
		{"line.pdf", []string{"lstsq", "testdata/fit/line.csv", "--target", "y", "--no-intercept"}, "%PDF", nil},
		{"kmeans.svg", []string{"kmeans", "../../examples/data/blobs.csv", "-k", "3"}, "<?xml",
			[]string{"cluster 1 (48)", "cluster 3 (52)", "centroids", "assignment step", "L, 140.4 at the end"}},
		{"kmeans1d.svg", []string{"kmeans", "testdata/fit/line1d.csv", "-k", "2"}, "<?xml", []string{"row", "cluster 2"}},
		{"kmeans.png", []string{"kmeans", "../../examples/data/blobs.csv", "-k", "3"}, "\x89PNG", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			var out bytes.Buffer
			if status := run(append(tt.args, "--plot", path), strings.NewReader(""), &out, &out); status != 0 {
				t.Fatalf("exit status %d: %s", status, out.String())
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte(tt.magic)) {
				t.Errorf("the file starts %q, want %q", data[:min(len(data), 8)], tt.magic)
			}
			for _, s := range tt.want {
				if !bytes.Contains(data, []byte(s)) {
					t.Errorf("the plot has no %q", s)
				}
			}
			if st, err := os.Stat(path); err != nil || st.Mode().Perm()&0o044 == 0 {
				t.Errorf("the plot's mode is %v", st.Mode())
			}
		})
	}
	// A run that fails leaves no file behind, and no temporary file.
	for _, args := range [][]string{
		{"lstsq", "testdata/fit/dependent.csv", "--target", "y", "--plot", filepath.Join(dir, "none.svg")},
		{"kmeans", "testdata/fit/twopoints.csv", "-k", "3", "--plot", filepath.Join(dir, "none.svg"), "--out", filepath.Join(dir, "none.csv")},
		{"lstsq", "testdata/fit/line.csv", "--target", "y", "--plot", filepath.Join(dir, "missing", "fit.svg")},
	} {
		if status := run(args, strings.NewReader(""), io.Discard, io.Discard); status == 0 {
			t.Errorf("%v: exit status 0", args)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != len(tests) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the directory holds %v, want only the %d plots", names, len(tests))
	}
}

// TestKMeansOut checks the assignments that --out writes: the rows as
// read, with their clusters numbered from 1.
func TestKMeansOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clusters.csv")
	var out bytes.Buffer
	if status := run([]string{"kmeans", "testdata/fit/line1d.csv", "-k", "3", "--out", path}, strings.NewReader(""), &out, &out); status != 0 {
		t.Fatalf("exit status %d: %s", status, out.String())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The clusters of transcript fit.golden: 1 is {10, 11, 12}, 2 is
	// {1, 2}, 3 is {30}.
	want := "x,cluster\n1,2\n2,2\n10,1\n11,1\n12,1\n30,3\n"
	if string(data) != want {
		t.Errorf("got\n%s\nwant\n%s", data, want)
	}
}
