package expr

import "testing"

// TestSizeConflict checks the message of two values that disagree on a
// size, in the units of each: entries, rows, columns.
func TestSizeConflict(t *testing.T) {
	vec := func(name string) SizeSource { return SizeSource{Name: name, Rank: 1} }
	mat := func(name string, dim int) SizeSource { return SizeSource{Name: name, Rank: 2, Dim: dim} }
	tests := []struct {
		from SizeSource
		k    int
		at   SizeSource
		got  int
		want string
	}{
		{vec("x"), 2, vec("c"), 3, "x has 2 entries but c has 3, and both are the size m"},
		{mat("A", 1), 2, vec("x"), 3, "A has 2 columns but x has 3 entries, and both are the size m"},
		{vec("x"), 1, mat("A", 0), 2, "x has 1 entry but A has 2 rows, and both are the size m"},
		{mat("A", 0), 3, mat("B", 0), 1, "A has 3 rows but B has 1, and both are the size m"},
		{SizeSource{}, 3, mat("Φ", 1), 2, "the size m is set to 3, but Φ has 2 columns"},
	}
	for _, tt := range tests {
		if got := SizeConflict("m", tt.from, tt.k, tt.at, tt.got); got != tt.want {
			t.Errorf("SizeConflict(%v, %d, %v, %d) = %q, want %q", tt.from, tt.k, tt.at, tt.got, got, tt.want)
		}
	}
}
