package nabla

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// towerSource returns "sin(u0) where u0 = sin(u1) + cos(u1), …, u_depth
// = x": a graph of a few nodes a level whose text doubles with each level.
func towerSource(depth int) string {
	defs := make([]string, depth)
	for i := range defs {
		defs[i] = fmt.Sprintf("u%d = sin(u%d) + cos(u%d)", i, i+1, i+1)
	}
	return fmt.Sprintf("sin(u0) where %s, u%d = x", strings.Join(defs, ", "), depth)
}

// TestLimitsOfText checks that an expression whose text is 2^40 bytes
// long is refused, or cut, wherever it would be printed, instead of
// printing without end.
func TestLimitsOfText(t *testing.T) {
	f := MustParse(towerSource(40))
	if _, err := f.TextLimit(1 << 16); !errors.Is(err, ErrTooLarge) {
		t.Errorf("TextLimit: err = %v, want ErrTooLarge", err)
	}
	if _, err := f.LaTeXLimit(1 << 16); !errors.Is(err, ErrTooLarge) {
		t.Errorf("LaTeXLimit: err = %v, want ErrTooLarge", err)
	}
	if s := f.Short(100); !strings.HasPrefix(s, "sin(sin(sin(") || !strings.HasSuffix(s, "…") || len(s) > 100+len("…") {
		t.Errorf("Short(100) = %q", s)
	}
	if _, err := DeriveSteps(f, nil, "x"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("DeriveSteps: err = %v, want ErrTooLarge", err)
	}
	if _, err := LimitSteps(f, "x"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("LimitSteps: err = %v, want ErrTooLarge", err)
	}
	if _, err := ChainSteps(towerSource(18), nil, "x"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ChainSteps: err = %v, want ErrTooLarge", err)
	}
	p, err := Taylor(f, map[string]Expr{"x": Int(0)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.TextLimit(1 << 16); !errors.Is(err, ErrTooLarge) {
		t.Errorf("TaylorPoly.TextLimit: err = %v, want ErrTooLarge", err)
	}
	// Written with its repeated parts named, it is short and reads back.
	s, err := f.TextShared(1 << 16)
	if err != nil || len(s) > 2000 || !strings.Contains(s, " where v1 = ") {
		t.Errorf("TextShared = %.100q… (%d bytes), %v", s, len(s), err)
	}
	if back, err := Parse(s); err != nil || !back.Equal(f) {
		t.Errorf("TextShared reads back as %v, %v", back.Short(100), err)
	}
	// Within the limit the text is whole.
	small := MustParse(towerSource(2))
	want := "sin(sin(sin(x) + cos(x)) + cos(sin(x) + cos(x)))"
	if got, err := small.TextLimit(len(want)); got != want || err != nil {
		t.Errorf("TextLimit(%d) = %q, %v, want %q", len(want), got, err, want)
	}
	if got := small.Short(len(want)); got != want {
		t.Errorf("Short(%d) = %q, want %q", len(want), got, want)
	}
}

// TestTextSharedReadsBack checks the shared form on random expressions
// and their derivatives, which share subexpressions: written with a limit
// that forces names wherever they shorten the text, it reads back to an
// expression of the same value. (Not always the same graph: a name stands
// for its subexpression as one factor, and x^a x^b combines where u^a u^b,
// u a product, may not.)
func TestTextSharedReadsBack(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genExpr(4).Draw(t, "f")
		d, err := Diff(f, "x", rapid.IntRange(1, 3).Draw(t, "order"))
		if err != nil {
			t.Skip(err)
		}
		for _, e := range []Expr{f, d} {
			full := e.String()
			s, err := e.TextShared(len(full) / 2)
			if errors.Is(err, ErrTooLarge) {
				continue // nothing repeated to name: too long either way
			}
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(s)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			for _, at := range []map[string]float64{{"x": 0.7, "y": 1.3}, {"x": 2.1, "y": -0.4}} {
				want, err1 := e.Eval(at)
				got, err2 := back.Eval(at)
				if err1 != nil || err2 != nil || math.IsNaN(want) || math.IsInf(want, 0) {
					continue
				}
				if math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
					t.Fatalf("%s\nreads back as\n%s\n= %v at %v, not %v as\n%s", s, back, got, at, want, full)
				}
			}
		}
	})
}
