package expr

import (
	"slices"
	"testing"
)

// TestCompareNames checks the natural order of names: runs of digits by
// their value, the rest byte by byte, leading zeros last.
func TestCompareNames(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"x", "x", 0},
		{"x2", "x10", -1},
		{"x10", "x2", 1},
		{"x_2", "x_10", -1},
		{"θ2", "θ10", -1},
		{"x", "x1", -1},
		{"x1", "x_1", -1}, // '1' before '_', as strings
		{"b10", "x", -1},
		{"a", "b1", -1},
		{"x1y2", "x1y10", -1},
		{"x2y", "x10a", -1},
		{"x1", "x01", 1}, // equal values: as strings, "x01" < "x1"
		{"x007", "x7", -1},
		{"x99", "x100", -1},
		{"x123456789012345678901234567890", "x99", 1}, // beyond int64
		{"Σ#2#", "Σ#10#", -1},
	}
	for _, tt := range tests {
		if got := CompareNames(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareNames(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareNames(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareNames(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

// TestSortNames checks lists sorted by SortNames, and that the order is
// total: transitive, and 0 only for equal names.
func TestSortNames(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"x10", "x2", "x1", "x9", "x3"}, []string{"x1", "x2", "x3", "x9", "x10"}},
		{[]string{"x_10", "x", "b2", "b10", "x_2", "a", "b1"}, []string{"a", "b1", "b2", "b10", "x", "x_2", "x_10"}},
		{[]string{"θ10", "θ2", "θ1"}, []string{"θ1", "θ2", "θ10"}},
		{[]string{"x1", "x01", "x001", "x1a", "x10"}, []string{"x001", "x01", "x1", "x1a", "x10"}},
	}
	for _, tt := range tests {
		got := slices.Clone(tt.in)
		SortNames(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("SortNames(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	names := []string{"", "0", "00", "1", "a", "a0", "a00", "a1", "a01", "a1b", "a01c", "a10", "a_1", "a_10", "ab", "b", "θ", "θ2", "θ10", "x9", "x10", "x1y", "x01y", "x1_", "9"}
	for _, a := range names {
		for _, b := range names {
			ab := CompareNames(a, b)
			if (ab == 0) != (a == b) {
				t.Errorf("CompareNames(%q, %q) = 0 for different names", a, b)
			}
			for _, c := range names {
				if ab < 0 && CompareNames(b, c) < 0 && CompareNames(a, c) >= 0 {
					t.Errorf("not transitive: %q < %q < %q but not %q < %q", a, b, c, a, c)
				}
			}
		}
	}
}

// TestVarNames checks the variables of an expression in natural order,
// and the canonical order of terms, which lists them the same way.
func TestVarNames(t *testing.T) {
	var terms []*Node
	for _, name := range []string{"x10", "x2", "x1"} {
		terms = append(terms, NewSym(name, Scalar))
	}
	n := Add(terms...)
	if got, want := VarNames(n), []string{"x1", "x2", "x10"}; !slices.Equal(got, want) {
		t.Errorf("VarNames = %q, want %q", got, want)
	}
	var order []string
	for _, a := range n.Args() {
		order = append(order, a.Name())
	}
	if want := []string{"x1", "x2", "x10"}; !slices.Equal(order, want) {
		t.Errorf("terms of x10 + x2 + x1 in the order %q, want %q", order, want)
	}
}
