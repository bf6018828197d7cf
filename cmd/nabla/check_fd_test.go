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

// TestAnswerFarAndClose checks that check --answer finds answers wrong
// only far from 0, or wrong by a relative 1e-12 that the rounding of
// their values does not explain, and still takes right ones.
func TestAnswerFarAndClose(t *testing.T) {
	cases := []struct {
		args   []string
		last   string // the last line of the output
		status int
	}{
		{[]string{"x^3", "--answer", "3x^2 + step(x - 3)"}, "", 1},
		{[]string{"x^3", "--answer", "3x^2 + step(-x - 3)"}, "", 1},
		{[]string{"x^3 + y", "--answer", "3x^2 + step(y - 3)", "--wrt", "x"}, "", 1},
		{[]string{"exp(x)", "--answer", "exp(x) + 1e-12*exp(x)"}, "", 1},
		{[]string{"sin(x)^2", "--answer", "sin(2x)"}, "equivalent numerically: equal at 40 random points of the domain (not a proof)", 0},
		{[]string{"tan(x)", "--answer", "1 + tan(x)^2"}, "equivalent numerically: equal at 40 random points of the domain (not a proof)", 0},
		{[]string{"softplus(x)", "--answer", "1/(1+exp(-x))"}, "equivalent numerically: equal at 40 random points of the domain (not a proof)", 0},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		status := run(append([]string{"check"}, c.args...), strings.NewReader(""), &stdout, &stderr)
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		last := lines[len(lines)-1]
		if status != c.status || c.last != "" && last != c.last || c.last == "" && !strings.HasPrefix(last, "not equivalent: at ") {
			t.Errorf("check %q: status %d, last line %q; want status %d, %q", c.args, status, last, c.status, c.last)
		}
	}
}

// TestLog1pNote checks that a value from which rounding took every digit,
// log(1 + x) where 1 + x lost x, comes with a note, and that exact zeros
// do not.
func TestLog1pNote(t *testing.T) {
	cases := []struct {
		expr, at, stdout, stderr string
	}{
		{"log(1+x)", "x=1e-15", "1.110223024625156e-15\n", "nabla: note: no digit of the value is certain: the terms of log(x + 1) cancel at this point in floating point (±2.2e-16)\n"},
		{"log(1+x)", "x=1e-16", "0\n", "nabla: note: the value is 0 to within ±2.2e-16: the terms of log(x + 1) cancel at this point in floating point\n"},
		{"log(1+x)", "x=1e-17", "0\n", "nabla: note: the value is 0 to within ±2.2e-16: the terms of log(x + 1) cancel at this point in floating point\n"},
		{"x^2 - 2x + 1", "x=1", "0\n", ""},
		{"x - 1", "x=1", "0\n", ""},
	}
	for _, c := range cases {
		check(t, cliCase{name: c.expr, args: []string{"eval", c.expr, "--at", c.at}, stdout: c.stdout, stderr: c.stderr})
	}
}
