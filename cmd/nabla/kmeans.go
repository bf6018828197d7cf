package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nabla-math/nabla/optim"
)

// kmeansFlags are the flags of nabla kmeans.
type kmeansFlags struct {
	k        int
	seed     uint64
	init     string
	iters    int
	restarts int
	out      string
	plot     string
}

func (a *app) kmeansCmd() *cobra.Command {
	var fl kmeansFlags
	c := &cobra.Command{
		Use:   "kmeans FILE -k K [--seed S] [--init kmeans++|random] [--iters N] [--restarts R] [--out FILE] [--plot FILE]",
		Short: "cluster the rows of a CSV file by k-means",
		Long: `kmeans clusters the rows of the CSV file FILE, points in as many
dimensions as it has columns (a first row of names is optional), into K
clusters by Lloyd's algorithm, as the notes derive it: each point to its
nearest centroid, rₙₖ = 1 for k = argminⱼ ||xₙ − μⱼ||², then each
centroid to the mean of its points, μₖ = Σₙ rₙₖ xₙ / Σₙ rₙₖ, until no
point changes its cluster (or --iters assignment steps). The loss
L = Σₙ Σₖ rₙₖ ||xₙ − μₖ||² never rises.

It prints the centroids, the size of each cluster (numbered from 1) and
the loss after each assignment step. The first centroids are chosen by
kmeans++ (default: spread out, each next one drawn with probability
proportional to its squared distance from those chosen) or at random
among the points, from --seed: the same seed gives the same clusters.
--restarts R runs R times from different first centroids and keeps the
run with the least loss. A cluster left empty is given the point
farthest from its centroid, with a note.

--out writes the rows with their cluster, a column "cluster", as CSV;
--plot draws the points by cluster in the first two columns with the
centroids, and the loss at each step (.svg, .png, .pdf). Both files are
written only when complete.`,
		Example: `  nabla kmeans blobs.csv -k 3
  nabla kmeans blobs.csv -k 3 --seed 7 --restarts 10 --out clusters.csv
  nabla kmeans blobs.csv -k 3 --plot kmeans.svg --format json`,
		RunE: func(c *cobra.Command, args []string) error {
			if !c.Flags().Changed("k") {
				return usagef("kmeans needs -k, the number of clusters, e.g. -k 3")
			}
			if len(args) != 1 {
				return oneFileArg(c, args)
			}
			return a.runKMeans(exprArg(args[0]), &fl)
		},
	}
	c.Flags().IntVarP(&fl.k, "k", "k", 0, "the number of clusters")
	c.Flags().Uint64Var(&fl.seed, "seed", 1, "the seed of the random choices")
	c.Flags().StringVar(&fl.init, "init", "kmeans++", "the first centroids: kmeans++ or random")
	c.Flags().IntVar(&fl.iters, "iters", optim.DefaultKMeansIters, "at most this many assignment steps in a run")
	c.Flags().IntVar(&fl.restarts, "restarts", 1, "runs from different first centroids; the best is kept")
	c.Flags().StringVar(&fl.out, "out", "", "write the rows with their cluster to FILE (CSV)")
	c.Flags().StringVar(&fl.plot, "plot", "", "draw the clusters and the loss into FILE (.svg, .png, .pdf)")
	a.addFormat(c)
	return c
}

// kmeansReport is what nabla kmeans prints.
type kmeansReport struct {
	File      string        `json:"file"`
	K         int           `json:"k"`
	Rows      int           `json:"rows"`
	Columns   []string      `json:"columns"`
	Init      string        `json:"init"`
	Seed      uint64        `json:"seed"`
	Restarts  int           `json:"restarts"`
	BestRun   int           `json:"best_run"`
	Centroids [][]float64   `json:"centroids"`
	Sizes     []int         `json:"sizes"`
	Loss      float64       `json:"loss"`
	History   []float64     `json:"loss_history"`
	Iters     int           `json:"iterations"`
	Converged bool          `json:"converged"`
	Reseeded  []reseedEntry `json:"reseeded,omitempty"`
}

// reseedEntry is a cluster that an assignment step left empty, 1-based
// as printed.
type reseedEntry struct {
	Step    int `json:"step"`
	Cluster int `json:"cluster"`
	Row     int `json:"row"`
}

func (a *app) runKMeans(path string, fl *kmeansFlags) error {
	if err := a.checkFormat(); err != nil {
		return err
	}
	if a.format == "latex" {
		return usagef("kmeans prints text or json")
	}
	init, err := optim.ParseKMeansInit(fl.init)
	if err != nil {
		return usagef("--init: %v", err)
	}
	switch {
	case fl.k < 1:
		return usagef("-k %d: the number of clusters must be at least 1", fl.k)
	case fl.iters < 1:
		return usagef("--iters %d: at least one step is needed", fl.iters)
	case fl.restarts < 1:
		return usagef("--restarts %d: at least one run is needed", fl.restarts)
	}
	if fl.plot != "" {
		if err := plotFormat(fl.plot); err != nil {
			return err
		}
	}
	t, err := readCSVTable(path, false, "kmeans")
	if err != nil {
		return err
	}
	cols := make([]int, len(t.header))
	for j := range cols {
		cols[j] = j
	}
	res, err := optim.KMeans(t.matrix(cols), fl.k, &optim.KMeansOptions{Init: init, Seed: fl.seed, Iters: fl.iters, Restarts: fl.restarts})
	var ce *optim.ClusterCountError
	if errors.As(err, &ce) {
		return usagef("-k %d: %s has only %d distinct rows", fl.k, path, ce.Distinct)
	}
	if err != nil {
		return err
	}
	rep := &kmeansReport{
		File: path, K: fl.k, Rows: t.rows, Columns: t.header, Init: init.String(), Seed: fl.seed,
		Restarts: fl.restarts, BestRun: res.Restart + 1, Sizes: res.Sizes, Loss: res.Loss,
		History: res.History, Iters: res.Iters, Converged: res.Converged,
	}
	for c := 0; c < fl.k; c++ {
		rep.Centroids = append(rep.Centroids, res.Centroids.RawRowView(c))
	}
	for _, r := range res.Reseeded {
		rep.Reseeded = append(rep.Reseeded, reseedEntry{Step: r.Iter + 1, Cluster: r.Cluster + 1, Row: r.Point + 1})
	}
	if fl.plot != "" {
		if err := plotKMeans(fl.plot, t, res, fl.k); err != nil {
			return err
		}
	}
	if fl.out != "" {
		if err := writeAssignments(fl.out, t, res.Assign); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	for _, r := range rep.Reseeded {
		fmt.Fprintf(a.stderr, "nabla: note: assignment step %d left cluster %d empty: it was given row %d, the point farthest from its centroid\n", r.Step, r.Cluster, r.Row)
	}
	if a.format == "json" {
		return a.printJSON(rep)
	}
	return rep.text(a)
}

// text prints the report as text: the run, the centroids with the sizes
// of their clusters, and the loss at each step.
func (rep *kmeansReport) text(a *app) error {
	run := fmt.Sprintf("%s from seed %d", rep.Init, rep.Seed)
	if rep.Restarts > 1 {
		run += fmt.Sprintf(", best of %d runs: run %d", rep.Restarts, rep.BestRun)
	}
	dims := fmt.Sprintf("%d dimensions", len(rep.Columns))
	if len(rep.Columns) == 1 {
		dims = "1 dimension"
	}
	fmt.Fprintf(a.stdout, "k-means, k = %d: %d points in %s, %s\n", rep.K, rep.Rows, dims, run)
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "cluster\tsize\t%s\n", strings.Join(rep.Columns, "\t"))
	for c, mu := range rep.Centroids {
		fmt.Fprintf(w, "%d\t%d", c+1, rep.Sizes[c])
		for _, v := range mu {
			fmt.Fprintf(w, "\t%.6g", v)
		}
		fmt.Fprintln(w)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	for i, v := range rep.History {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%.6g", v)
	}
	fmt.Fprintf(a.stdout, "loss per assignment step: %s\n", b.String())
	how := "converged"
	if !rep.Converged {
		how = "stopped at --iters"
	}
	fmt.Fprintf(a.stdout, "%s after %d steps: L = %.6g\n", how, rep.Iters, rep.Loss)
	return nil
}

// writeAssignments writes the rows of t with their clusters, numbered
// from 1, as CSV, whole.
func writeAssignments(path string, t *csvTable, assign []int) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.Write(append(append([]string(nil), t.header...), "cluster")); err != nil {
		return err
	}
	w := len(t.header)
	rec := make([]string, w+1)
	for i := 0; i < t.rows; i++ {
		for j, v := range t.data[i*w : (i+1)*w] {
			rec[j] = formatFloat(v)
		}
		rec[w] = strconv.Itoa(assign[i] + 1)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return writeWhole(path, buf.Bytes())
}
