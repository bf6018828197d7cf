package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/nabla-math/nabla"
)

// loadValue reads the value of --at NAME=@FILE: a CSV file of numbers,
// with or without a header row, or a NumPy .npy file of float64.
func loadValue(path string) (nabla.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nabla.Tensor{}, err
	}
	defer f.Close()
	if strings.EqualFold(filepath.Ext(path), ".npy") {
		return readNPY(path, bufio.NewReader(f))
	}
	t, _, err := readCSV(path, f)
	return t, err
}

// readCSV reads a CSV file of numbers: one column is a vector, several a
// matrix. A first row with a cell that is not a number is a header,
// returned apart.
func readCSV(path string, r io.Reader) (nabla.Tensor, []string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	var header []string
	var data []float64
	cols, rows := -1, 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nabla.Tensor{}, nil, fmt.Errorf("%s: line %d, column %d: %v", path, pe.Line, pe.Column, pe.Err)
			}
			return nabla.Tensor{}, nil, fmt.Errorf("%s: %v", path, err)
		}
		line, _ := cr.FieldPos(0)
		if rows == 0 && header == nil && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF") // a byte-order mark, as spreadsheets write
		}
		if rows == 0 && header == nil && !numeric(rec) {
			header = rec
			cols = len(rec)
			continue
		}
		if cols < 0 {
			cols = len(rec)
		}
		if len(rec) != cols {
			return nabla.Tensor{}, nil, fmt.Errorf("%s: line %d has %d columns, but the first row has %d", path, line, len(rec), cols)
		}
		for j, cell := range rec {
			x, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
			if err != nil {
				return nabla.Tensor{}, nil, fmt.Errorf("%s: line %d, column %d: %q is not a number", path, line, j+1, cell)
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nabla.Tensor{}, nil, fmt.Errorf("%s: line %d, column %d: %s is not a finite number", path, line, j+1, strings.TrimSpace(cell))
			}
			data = append(data, x)
		}
		rows++
	}
	if rows == 0 {
		return nabla.Tensor{}, header, fmt.Errorf("%s: no rows of numbers", path)
	}
	if cols == 1 {
		return nabla.Tensor{Shape: []int{rows}, Data: data}, header, nil
	}
	return nabla.Tensor{Shape: []int{rows, cols}, Data: data}, header, nil
}

// numeric reports whether every cell of a row is a number.
func numeric(rec []string) bool {
	for _, cell := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err != nil {
			return false
		}
	}
	return true
}

// npyHeader matches the fields of a .npy header.
var (
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// readNPY reads a NumPy .npy file of float64 (little-endian '<f8'), of
// rank 0, 1 or 2, in C or Fortran order.
func readNPY(path string, r io.Reader) (nabla.Tensor, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
	magic := make([]byte, 8)
	if _, err := io.ReadFull(r, magic); err != nil || !bytes.Equal(magic[:6], []byte("\x93NUMPY")) {
		return nabla.Tensor{}, bad("not a .npy file (it does not start with \\x93NUMPY)")
	}
	var hlen int
	switch magic[6] {
	case 1:
		var n uint16
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nabla.Tensor{}, bad("truncated header")
		}
		hlen = int(n)
	case 2, 3:
		var n uint32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nabla.Tensor{}, bad("truncated header")
		}
		hlen = int(n)
	default:
		return nabla.Tensor{}, bad(".npy format version %d.%d, which nabla does not read", magic[6], magic[7])
	}
	if hlen > 1<<20 {
		return nabla.Tensor{}, bad("a header of %d bytes", hlen)
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nabla.Tensor{}, bad("truncated header")
	}
	header := string(hb)
	descr := npyDescr.FindStringSubmatch(header)
	fortran := npyFortran.FindStringSubmatch(header)
	shape := npyShape.FindStringSubmatch(header)
	if descr == nil || fortran == nil || shape == nil {
		return nabla.Tensor{}, bad("a header without descr, fortran_order and shape: %q", strings.TrimSpace(header))
	}
	if descr[1] != "<f8" && descr[1] != "f8" {
		return nabla.Tensor{}, bad("the dtype is %q: nabla reads float64 arrays ('<f8'); convert with a.astype('<f8')", descr[1])
	}
	var dims []int
	size := 1
	for _, s := range strings.Split(shape[1], ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		k, err := strconv.Atoi(s)
		if err != nil || k < 1 {
			return nabla.Tensor{}, bad("a shape (%s) with a size that is not a positive whole number", shape[1])
		}
		dims = append(dims, k)
		if size > math.MaxInt32/k {
			return nabla.Tensor{}, bad("a shape (%s) too large", shape[1])
		}
		size *= k
	}
	if len(dims) > 2 {
		return nabla.Tensor{}, bad("an array of rank %d: nabla reads scalars, vectors and matrices", len(dims))
	}
	raw := make([]byte, 8*size)
	if n, err := io.ReadFull(r, raw); err != nil {
		return nabla.Tensor{}, bad("%d bytes of data, but the shape (%s) needs %d", n, shape[1], len(raw))
	}
	if extra, _ := r.Read(make([]byte, 1)); extra > 0 {
		return nabla.Tensor{}, bad("more data than the shape (%s) needs", shape[1])
	}
	data := make([]float64, size)
	for i := range data {
		data[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		if math.IsNaN(data[i]) || math.IsInf(data[i], 0) {
			return nabla.Tensor{}, bad("entry %d is %v, not a finite number", i+1, data[i])
		}
	}
	if fortran[1] == "True" && len(dims) == 2 {
		rows, cols := dims[0], dims[1]
		c := make([]float64, size)
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				c[i*cols+j] = data[j*rows+i]
			}
		}
		data = c
	}
	return nabla.Tensor{Shape: dims, Data: data}, nil
}
