package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nabla-math/nabla"
)

// batch differentiates every line of standard input.
func (a *app) batch() error {
	in := bufio.NewReaderSize(a.stdin, 64*1024)
	out := bufio.NewWriter(a.stdout)
	defer out.Flush()
	line := 0
	for {
		src, tooLong, err := readLine(in, maxLine)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading standard input: line %d: %w", line+1, err)
		}
		line++
		if tooLong {
			a.batchError(out, line, "", usagef("line too long: over %d bytes", maxLine))
			continue
		}
		if strings.TrimSpace(src) == "" {
			fmt.Fprintln(out)
			continue
		}
		r, err := a.derive("diff", src, line)
		if err == nil {
			for _, n := range r.Notes {
				fmt.Fprintf(a.stderr, "nabla: %d: note: %s\n", line, n)
			}
			var b strings.Builder
			if err = a.outputFormat().write(&b, r, batchLine); err == nil {
				out.WriteString(b.String())
			}
		}
		if err != nil {
			a.batchError(out, line, src, err)
		}
	}
	return nil
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
