package expr

import "testing"

// TestInspectVisitsSharedNodesOnce checks that a graph with much sharing
// is walked in time proportional to its nodes: sin(sin(…)) + … where each
// level appears twice.
func TestInspectVisitsSharedNodesOnce(t *testing.T) {
	n := NewSym("x", Scalar)
	for i := 0; i < 60; i++ {
		n = Add(Call(OpSin, n), Call(OpCos, n)) // 2^60 paths, 3 nodes a level
	}
	visits := 0
	Inspect(n, func(*Node) bool { visits++; return true })
	if want := Count(n); visits != want || visits > 200 {
		t.Errorf("Inspect visited %d nodes, the graph has %d", visits, want)
	}
}

// TestFindAndTransform checks the walks that look for a node and rebuild
// the graph.
func TestFindAndTransform(t *testing.T) {
	x, y := NewSym("x", Scalar), NewSym("y", Scalar)
	n := Add(Call(OpSin, Mul(Int64(2), x)), Pow(y, Int64(3)))
	if got := Find(n, func(m *Node) bool { return m.op == OpSym && m.name == "y" }); got != y {
		t.Errorf("Find y = %v", got)
	}
	if got := Find(n, func(m *Node) bool { return m.op == OpTan }); got != nil {
		t.Errorf("Find tan = %v, want nil", got)
	}
	if !DependsOn(n, x) || DependsOn(n, NewSym("z", Scalar)) {
		t.Error("DependsOn")
	}
	got := Substitute(n, map[string]*Node{"x": Int64(0), "y": x})
	if want := Pow(x, Int64(3)); got != want {
		t.Errorf("sin(2x) + y^3 with x = 0, y = x gives a node other than x^3")
	}
	vars := Vars(n)
	if len(vars) != 2 {
		t.Errorf("Vars = %d variables, want 2", len(vars))
	}
}

// TestMemo checks the memo past its array, and Reset.
func TestMemo(t *testing.T) {
	var m Memo[int]
	nodes := make([]*Node, 3*memoArray)
	for i := range nodes {
		nodes[i] = Int64(int64(i))
		m.Put(nodes[i], i)
	}
	for i, n := range nodes {
		if v, ok := m.Get(n); !ok || v != i {
			t.Fatalf("Get(%d) = %d, %v", i, v, ok)
		}
	}
	if m.Len() != len(nodes) {
		t.Errorf("Len = %d, want %d", m.Len(), len(nodes))
	}
	m.Reset()
	if _, ok := m.Get(nodes[0]); ok || m.Len() != 0 {
		t.Error("the memo is not empty after Reset")
	}
}
