package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/nabla-math/nabla"
)

// pointsHelp describes --points for the commands that take it.
const pointsHelp = "evaluate at every row of a CSV file whose header names the inputs (x, or θ[1], θ[2], … for a vector θ); one output row per point, CSV, or JSON lines with --format json"

// input is an input of --points: a variable and the columns of its
// entries.
type input struct {
	name string
	cols []int
}

// pointInputs reads the header of --points: each column a scalar
// variable x or an entry θ[i] of a vector θ, entries in order from 1.
func pointInputs(e nabla.Expr, path string, header []string) ([]input, error) {
	var ins []input
	at := map[string]int{}
	for j, h := range header {
		h = strings.TrimSpace(h)
		name, idx := h, 0
		if open := strings.IndexByte(h, '['); open > 0 && strings.HasSuffix(h, "]") {
			k, err := strconv.Atoi(strings.TrimSpace(h[open+1 : len(h)-1]))
			if err != nil || k < 1 {
				return nil, usagef("%s: column %d, %q: expected a name x or an entry θ[i], i from 1", path, j+1, h)
			}
			name, idx = strings.TrimSpace(h[:open]), k
		}
		dims, ok := e.VarDims(name)
		switch {
		case !ok:
			return nil, usagef("%s: column %d names %s, which %s does not have (its variables: %s)", path, j+1, name, e, strings.Join(e.Vars(), ", "))
		case idx == 0 && len(dims) > 0, idx > 0 && len(dims) != 1:
			return nil, usagef("%s: column %d, %q: a column is a scalar variable or one entry θ[i] of a vector", path, j+1, h)
		}
		i, seen := at[name]
		if !seen {
			i = len(ins)
			at[name] = i
			ins = append(ins, input{name: name})
		}
		if idx == 0 && seen || idx > 0 && idx != len(ins[i].cols)+1 {
			return nil, usagef("%s: column %d, %q: the entries of %s must come in order from %s[1], each once", path, j+1, h, name, name)
		}
		ins[i].cols = append(ins[i].cols, j)
	}
	return ins, nil
}

// runPoints evaluates the command at every row of --points.
func (a *app) runPoints(cmd, src string) error {
	if a.hasSums(src) {
		return usagef("--points: give the values of an expression with indexed sums with --at")
	}
	e, err := a.parse(src, 1)
	if err != nil {
		return err
	}
	a.printNotes(e.Notes())
	f, err := os.Open(a.points)
	if err != nil {
		return usagef("--points: %v", err)
	}
	defer f.Close()
	t, header, err := readCSV(a.points, f)
	if err != nil {
		return usagef("--points: %v", err)
	}
	if header == nil {
		return usagef("--points %s: the first row must name the inputs, e.g. x,y or θ[1],θ[2]", a.points)
	}
	ins, err := pointInputs(e, a.points, header)
	if err != nil {
		return err
	}
	names := make([]string, len(ins))
	var order []int // the columns in the order of the inputs' entries
	for i, in := range ins {
		names[i] = in.name
		order = append(order, in.cols...)
	}
	env, err := a.point()
	if err != nil {
		return err
	}
	for _, name := range names {
		if _, both := env[name]; both {
			return usagef("--points %s: %s has a column there and a value in --at: give it once", a.points, name)
		}
	}
	// The entries to differentiate by: the columns', or --wrt's. A --wrt
	// scalar without a column is an input too, its value from --at.
	var entries []string // the inputs' entries, in order
	for _, k := range order {
		entries = append(entries, strings.TrimSpace(header[k]))
	}
	var extra []float64 // the values of the inputs after the columns
	pick := []int(nil)  // the entries of the inputs that --wrt asks for, in its order
	if a.wrt != "" && cmd != "eval" {
		for _, w := range splitWrt(a.wrt) {
			if i := slices.Index(names, w); i >= 0 {
				for k := range ins[i].cols {
					pick = append(pick, entryIndex(ins, i, k))
				}
				continue
			}
			dims, ok := e.VarDims(w)
			v, given := env[w]
			switch {
			case !ok:
				return usagef("--wrt %s: %s does not have %s (its variables: %s)", w, e, w, strings.Join(e.Vars(), ", "))
			case len(dims) > 0 || !given || len(v.Data) != 1:
				return usagef("--points: --wrt %s: with --points a derivative is with respect to scalars and vectors that are columns (%s), or scalars given by --at", w, strings.Join(names, ", "))
			}
			pick = append(pick, len(entries))
			names, entries, extra = append(names, w), append(entries, w), append(extra, v.Data[0])
		}
	}
	p, err := nabla.Compile(e, names...)
	if err != nil {
		return valueError(err)
	}
	for _, name := range e.Vars() {
		if slices.Contains(names, name) {
			continue
		}
		v, ok := env[name]
		if !ok {
			return usagef("no value for %s: add --at %s=VALUE, or a column of --points", name, name)
		}
		if err := p.Bind(name, v); err != nil {
			return usageError{err}
		}
	}
	rows, cols := 1, 1
	if len(t.Shape) == 2 {
		rows, cols = t.Shape[0], t.Shape[1]
	} else {
		rows = t.Shape[0]
	}
	xs := mat.NewDense(rows, len(order)+len(extra), nil)
	for i := 0; i < rows; i++ {
		for k, j := range order {
			xs.Set(i, k, t.Data[i*cols+j])
		}
		for k, v := range extra {
			xs.Set(i, len(order)+k, v)
		}
	}
	eval := a.pointEval(cmd, p, pick)
	out := make([][]float64, rows)
	errs := make([]error, rows)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = eval(xs.RawRowView(i))
				for k, v := range out[i] {
					if v == 0 {
						out[i][k] = 0 // not -0, in CSV and JSON alike
					}
				}
			}
		}()
	}
	for i := 0; i < rows; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("%s, line %d: %w", a.points, i+2, err)
		}
	}
	if pick != nil {
		picked := make([]string, len(pick))
		for i, k := range pick {
			picked[i] = entries[k]
		}
		entries = picked
	}
	return a.printPoints(cmd, header, entries, t, out)
}

// entryIndex is the position among all the inputs' entries of entry k of
// input i.
func entryIndex(ins []input, i, k int) int {
	n := k
	for _, in := range ins[:i] {
		n += len(in.cols)
	}
	return n
}

// pointEval returns what the command computes at one point, flattened:
// with respect to every input's entries, or those of pick, in its order.
func (a *app) pointEval(cmd string, p *nabla.Program, pick []int) func(x []float64) ([]float64, error) {
	switch cmd {
	case "grad":
		return func(x []float64) ([]float64, error) {
			g := make([]float64, len(x))
			_, err := p.ValueGrad(g, x)
			return picked(g, pick), err
		}
	case "jacobian":
		return func(x []float64) ([]float64, error) {
			var j mat.Dense
			if err := p.Jacobian(&j, x); err != nil {
				return nil, err
			}
			if pick == nil {
				return j.RawMatrix().Data, nil
			}
			var out []float64
			for i := range j.RawMatrix().Rows {
				out = append(out, picked(j.RawRowView(i), pick)...)
			}
			return out, nil
		}
	case "hessian":
		return func(x []float64) ([]float64, error) {
			var h mat.Dense
			if err := p.Hessian(&h, x); err != nil {
				return nil, err
			}
			if pick == nil {
				return h.RawMatrix().Data, nil
			}
			var out []float64
			for _, i := range pick {
				out = append(out, picked(h.RawRowView(i), pick)...)
			}
			return out, nil
		}
	}
	return func(x []float64) ([]float64, error) {
		v, err := p.Eval(x)
		return v.Data, err
	}
}

// printPoints prints one row per point: its columns, then the results.
func (a *app) printPoints(cmd string, header, entries []string, t nabla.Tensor, out [][]float64) error {
	w := bufio.NewWriter(a.stdout)
	defer w.Flush()
	cols := len(header)
	if a.format == "json" {
		for i, r := range out {
			at := map[string]float64{}
			for j, h := range header {
				at[strings.TrimSpace(h)] = t.Data[i*cols+j]
			}
			b, err := json.Marshal(map[string]any{"at": at, resultKey(cmd): r})
			if err != nil {
				return err
			}
			w.Write(b)
			w.WriteByte('\n')
		}
		return nil
	}
	names := make([]string, 0, cols)
	for _, h := range header {
		names = append(names, csvCell(strings.TrimSpace(h)))
	}
	if len(out) > 0 {
		for _, n := range resultNames(cmd, entries, len(out[0])) {
			names = append(names, csvCell(n))
		}
	}
	fmt.Fprintln(w, strings.Join(names, ","))
	for i, r := range out {
		cells := make([]string, 0, cols+len(r))
		for j := 0; j < cols; j++ {
			cells = append(cells, formatFloat(t.Data[i*cols+j]))
		}
		for _, v := range r {
			cells = append(cells, formatFloat(v))
		}
		fmt.Fprintln(w, strings.Join(cells, ","))
	}
	return nil
}

// resultNames names the columns of the results: f, f[i]; ∂f/∂x; ∂f[i]/∂x;
// ∂²f/∂x∂y.
func resultNames(cmd string, entries []string, n int) []string {
	var out []string
	switch cmd {
	case "grad":
		for _, x := range entries {
			out = append(out, "∂f/∂"+x)
		}
	case "jacobian":
		for i := 0; i < n/max(len(entries), 1); i++ {
			for _, x := range entries {
				out = append(out, fmt.Sprintf("∂f[%d]/∂%s", i+1, x))
			}
		}
	case "hessian":
		for _, x := range entries {
			for _, y := range entries {
				out = append(out, "∂²f/∂"+x+"∂"+y)
			}
		}
	default:
		if n == 1 {
			return []string{"f"}
		}
		for i := 0; i < n; i++ {
			out = append(out, fmt.Sprintf("f[%d]", i+1))
		}
	}
	return out
}

// resultKey names the results of a command in --points output.
func resultKey(cmd string) string {
	switch cmd {
	case "grad":
		return "grad"
	case "jacobian":
		return "jacobian"
	case "hessian":
		return "hessian"
	}
	return "value"
}

func csvCell(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// picked returns the entries pick of v, in its order; all of v for a nil
// pick.
func picked(v []float64, pick []int) []float64 {
	if pick == nil {
		return v
	}
	out := make([]float64, len(pick))
	for i, k := range pick {
		out[i] = v[k]
	}
	return out
}
