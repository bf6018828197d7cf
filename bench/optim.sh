#!/usr/bin/env bash
# Side-by-side benchmarks of nabla's minimization (package optim):
#   - one step of gradient descent on least squares (Φ 100,000×100) next to
#     one evaluation of the loss and its gradient: a step costs that and O(D);
#   - L-BFGS on Rosenbrock, n = 1000, from (-1.2, 1, …) to ‖∇f‖ < 1e-8, with
#     nabla's exact gradient next to gonum/optimize fed gonum/diff/fd's
#     central differences: time and evaluations of f.
#
# Usage: bench/optim.sh [--count K]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
COUNT=3
while [ $# -gt 0 ]; do
	case $1 in
	--count) COUNT=$2; shift 2 ;;
	*) echo "usage: $0 [--count K]" >&2; exit 2 ;;
	esac
done
cd "$ROOT"
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
go test -run '^$' -bench 'GDStep|LBFGSRosenbrock' -benchtime 5x -count "$COUNT" ./optim | tee "$OUT" | grep '^Benchmark' >&2
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ns/step") v = $i
		if ($(i+1) == "ns/op") t = $i
		if ($(i+1) == "evals/op") e[name] = $i
		if ($(i+1) == "log10-gradnorm") g[name] = sprintf("%.2g", 10^$i)
	}
	if (name ~ /GDStep/) { if (!(name in best) || v < best[name]) best[name] = v }
	else if (!(name in best) || t < best[name]) best[name] = t
}
END {
	s = best["BenchmarkGDStep/step"]; r = best["BenchmarkGDStep/valuegrad"]
	printf "gradient descent step, least squares 100000×100: %.2f ms; loss+gradient alone %.2f ms; ratio %.2f (goal ≤ 1 evaluation + O(D))\n", s/1e6, r/1e6, s/r
	n = "BenchmarkLBFGSRosenbrock/nabla"; f = "BenchmarkLBFGSRosenbrock/gonum-fd"
	printf "L-BFGS Rosenbrock n=1000: nabla %.2f ms, %d evaluations, ‖∇f‖ %s\n", best[n]/1e6, e[n], g[n]
	printf "                          gonum + diff/fd %.2f ms, %d evaluations of f, ‖∇f‖ %s\n", best[f]/1e6, e[f], g[f]
	printf "                          nabla is %.0f× faster with %.0f× fewer evaluations\n", best[f]/best[n], e[f]/e[n]
}' "$OUT"
