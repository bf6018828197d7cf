package main

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// BenchmarkBatchSeed1200 runs the batch workload of bench/run.sh in
// process: every line of bench/seed1200.txt differentiated and printed.
func BenchmarkBatchSeed1200(b *testing.B) {
	in, err := os.ReadFile("../../bench/seed1200.txt")
	if err != nil {
		b.Fatal(err)
	}
	args := []string{"diff", "-", "--wrt", "x"}
	for b.Loop() {
		if status := run(args, bytes.NewReader(in), io.Discard, io.Discard); status != 0 {
			b.Fatalf("exit status %d", status)
		}
	}
}
