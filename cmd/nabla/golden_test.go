package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with the file testdata/name, or writes it with
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			t.Fatalf("%s: line %d:\n got: %s\nwant: %s\n(run go test -update if the change is intended)", name, i+1, gl[i], wl[i])
		}
	}
	t.Fatalf("%s: %d lines, want %d (run go test -update if the change is intended)", name, len(gl), len(wl))
}

// TestSeedGolden differentiates the 1,200 expressions of the benchmark
// seed and keeps every result, as text, LaTeX and shape, in a golden file:
// a change to any printed derivative shows up here.
func TestSeedGolden(t *testing.T) {
	seed, err := os.ReadFile("../../bench/seed1200.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if status := run([]string{"diff", "-", "--wrt", "x", "--format", "json"}, bytes.NewReader(seed), &out, &errs); status != 0 {
		t.Fatalf("exit status %d: %s", status, errs.String())
	}
	checkGolden(t, "seed1200.golden", out.String())
}

// TestTranscript runs the commands of each testdata/*.txt transcript and
// keeps what each prints, standard output and standard error, with its
// exit status, in the .golden file of the same name.
func TestTranscript(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in testdata: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, line := range strings.Split(string(data), "\n") {
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				args, err := shellWords(strings.TrimPrefix(line, "nabla "))
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				var out bytes.Buffer
				status := run(args, strings.NewReader(""), &out, &out)
				fmt.Fprintf(&b, "$ %s\n%s", line, out.String())
				if status != 0 {
					fmt.Fprintf(&b, "[exit %d]\n", status)
				}
			}
			checkGolden(t, name+".golden", b.String())
		})
	}
}
