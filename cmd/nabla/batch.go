package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/nabla-math/nabla"
)

// batch computes each of every line of standard input, on all cores, and
// prints the results in the order of the lines, in mode m: a line each.
func (a *app) batch(each func(src string, line int) (*result, error), m mode) error {
	// The lines' expressions live until the end, in the hash-consing
	// table: collecting as the heap doubles finds little to free, so the
	// collector waits for the heap to grow fivefold, unless GOGC says
	// otherwise.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	in := bufio.NewReaderSize(a.stdin, 64*1024)
	out := bufio.NewWriterSize(a.stdout, 64*1024)
	defer out.Flush()
	// Lines go out to the workers in chunks; each chunk's results come
	// back, in order, through the channel of its slot in a queue. The
	// queue holds many chunks a worker, so that a worker that finishes
	// early goes on with the next chunks while a slow one holds up the
	// writing; chunks are bounded in lines and bytes, so that memory stays
	// bounded too.
	type job struct {
		first int // the number of the chunk's first line
		lines []string
		long  []bool
		done  chan []batchResult
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *job, workers)
	queue := make(chan *job, 16*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				res := make([]batchResult, len(j.lines))
				for i, src := range j.lines {
					res[i] = a.batchLine(j.first+i, src, j.long[i], each, m)
				}
				j.done <- res
			}
		}()
	}
	// The writer: the chunks' results in order.
	written := make(chan struct{})
	go func() {
		defer close(written)
		for j := range queue {
			for i, r := range <-j.done {
				a.writeBatch(out, j.first+i, j.lines[i], r)
			}
		}
	}()
	const chunk, chunkBytes = 16, 64 << 10
	var readErr error
	for line := 0; ; {
		j := &job{first: line + 1, done: make(chan []batchResult, 1)}
		size := 0
		for len(j.lines) < chunk && size < chunkBytes {
			src, tooLong, err := readLine(in, maxLine)
			if err == io.EOF {
				break
			}
			if err != nil {
				readErr = fmt.Errorf("reading standard input: line %d: %w", line+1, err)
				break
			}
			if line == 0 {
				src = strings.TrimPrefix(src, "\uFEFF") // a byte-order mark, as some editors write
			}
			line++
			size += len(src)
			j.lines, j.long = append(j.lines, src), append(j.long, tooLong)
		}
		if len(j.lines) > 0 {
			queue <- j
			jobs <- j
		}
		if len(j.lines) < chunk && size < chunkBytes || readErr != nil {
			break
		}
	}
	close(jobs)
	close(queue)
	wg.Wait()
	<-written
	return readErr
}

// batchResult is what one line of batch input gives: its output, or its
// error, and the notes for standard error.
type batchResult struct {
	text    string
	err     error
	notes   []string
	blank   bool
	tooLong bool // the line is not repeated in the error
}

// batchLine computes one line of batch input.
func (a *app) batchLine(line int, src string, tooLong bool, each func(string, int) (*result, error), m mode) batchResult {
	switch {
	case tooLong:
		return batchResult{err: usagef("line too long: over %d bytes", maxLine), tooLong: true}
	case strings.TrimSpace(src) == "":
		return batchResult{blank: true}
	}
	r, err := each(src, line)
	if err != nil {
		return batchResult{err: err}
	}
	var b strings.Builder
	if err := a.outputFormat().write(&b, r, m); err != nil {
		return batchResult{err: err}
	}
	return batchResult{text: b.String(), notes: r.Notes}
}

// writeBatch prints the result of one line in its place.
func (a *app) writeBatch(out *bufio.Writer, line int, src string, r batchResult) {
	switch {
	case r.blank:
		out.WriteByte('\n')
	case r.err != nil:
		if r.tooLong {
			src = ""
		}
		a.batchError(out, line, src, r.err)
	default:
		for _, n := range r.notes {
			fmt.Fprintf(a.stderr, "nabla: %d: note: %s\n", line, n)
		}
		out.WriteString(r.text)
	}
}

// maxLine bounds one line of batch input; longer lines are reported and
// skipped.
const maxLine = 1 << 20

// readLine reads one line without its end of line. A line longer than max
// is consumed and reported as tooLong. err is io.EOF only when no line is
// left.
func readLine(r *bufio.Reader, max int) (line string, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) <= max+2 {
			buf = append(buf, chunk...)
		} else {
			tooLong = true
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(buf) == 0 && !tooLong {
				return "", false, io.EOF
			}
		case nil:
		default:
			return "", false, err
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(buf), "\n"), "\r")
		if len(s) > max {
			tooLong = true
		}
		return s, tooLong, nil
	}
}

// batchError reports a failed line in its place on standard output and in
// full on standard error, and records the exit status.
func (a *app) batchError(out *bufio.Writer, line int, src string, err error) {
	msg := err.Error()
	var pe *nabla.Error
	if !errors.As(err, &pe) {
		msg = fmt.Sprintf("%d: %s", line, msg)
	}
	if a.format == "json" {
		b, _ := marshal(struct {
			Input string `json:"input"`
			Line  int    `json:"line"`
			Error string `json:"error"`
		}{src, line, msg})
		out.Write(b)
		out.WriteByte('\n')
	} else {
		fmt.Fprintf(out, "error: %s\n", msg)
	}
	fmt.Fprintf(a.stderr, "nabla: %s\n", msg)
	if pe != nil {
		fmt.Fprintln(a.stderr, pe.Caret())
	}
	if status := statusOf(err); status > a.status {
		a.status = status
	}
}
