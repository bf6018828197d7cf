package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestCheckSmallScale checks that nabla check agrees with correct
// derivatives of functions that vary on a scale much smaller than the
// first Richardson step, or have no value within it, and that nabla fd
// gives an accurate Richardson row for them.
func TestCheckSmallScale(t *testing.T) {
	cases := []struct {
		expr, at string
		rich     string // the Richardson estimate nabla fd prints
	}{
		{"1/x", "x=0.01", "-10000.000000000031"},
		{"tan(x)", "x=1.5", "199.85004452649426"},
		{"sin(1000x)", "x=1", "562.3790762981305"},
		{"sin(x)", "x=1000", "0.5623790762907035"},
		{"sin(x)", "x=1e8", "-0.36338508935348574"},
		{"sin(50x)", "x=1", ""},
		{"log(x)", "x=0.01", "100.00000000000561"},
		{"sqrt(x)", "x=1e-4", "50.00000000000136"},
		{"x^-5", "x=0.1", "-4.999999999999959e+06"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		status := run([]string{"check", c.expr, "--at", c.at}, strings.NewReader(""), &stdout, &stderr)
		if status != 0 || !strings.Contains(stdout.String(), "\nagree: ") {
			t.Errorf("check %s at %s: status %d\n%s%s", c.expr, c.at, status, stdout.String(), stderr.String())
		}
		if c.rich == "" {
			continue
		}
		stdout.Reset()
		stderr.Reset()
		status = run([]string{"fd", c.expr, "--at", c.at, "--scheme", "richardson"}, strings.NewReader(""), &stdout, &stderr)
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		if f := strings.Fields(lines[len(lines)-1]); status != 0 || len(f) < 3 || f[2] != c.rich {
			t.Errorf("fd %s at %s: status %d, want the estimate %s\n%s%s", c.expr, c.at, status, c.rich, stdout.String(), stderr.String())
		}
	}
}
