package expr

import (
	"cmp"
	"slices"
	"strings"
)

// CompareNames is the order in which nabla lists names: natural order, in
// which a run of decimal digits compares by its value, so that x2 comes
// before x10, x_2 before x_10 and θ2 before θ10 (as the notes number
// x₁, x₂, …, x₁₀), and everything else compares byte by byte, as strings
// do: a, b1, b2, b10, x, x1, x_2, x_10. Names whose digits have the same
// values but not the same leading zeros (x01, x1) fall back on the order
// of strings, so CompareNames is a total order, 0 only for equal names.
//
// Every list of variables that the user did not order, such as the
// default --wrt of a gradient, is in this order, and so are the variables
// among the factors and terms of the canonical form.
func CompareNames(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if !isDigit(ca) || !isDigit(cb) {
			if ca != cb {
				return cmp.Compare(ca, cb)
			}
			i++
			j++
			continue
		}
		ei, ej := digitsEnd(a, i), digitsEnd(b, j)
		da, db := strings.TrimLeft(a[i:ei], "0"), strings.TrimLeft(b[j:ej], "0")
		if len(da) != len(db) {
			return cmp.Compare(len(da), len(db))
		}
		if c := strings.Compare(da, db); c != 0 {
			return c
		}
		i, j = ei, ej
	}
	if c := cmp.Compare(len(a)-i, len(b)-j); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// SortNames sorts names in the order of CompareNames.
func SortNames(names []string) {
	slices.SortFunc(names, CompareNames)
}

// SortedNames returns the keys of m in the order of CompareNames, nil if
// m is empty.
func SortedNames[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	SortNames(out)
	return out
}

// VarNames returns the names of n's variables, each once, in the order of
// CompareNames.
func VarNames(n *Node) []string {
	vars := Vars(n)
	out := make([]string, len(vars))
	for i, v := range vars {
		out[i] = v.name
	}
	SortNames(out)
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitsEnd returns the end of the run of digits of s that starts at i.
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}
