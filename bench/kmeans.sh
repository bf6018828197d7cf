#!/usr/bin/env bash
# Side-by-side benchmark of one Lloyd iteration of k-means on 10⁶ points in
# 10 dimensions with k = 10: nabla's optim.KMeans step (all cores), a plain
# sequential Go loop doing the same, and NumPy vectorised two ways
# (bench/kmeans.py), in alternating rounds on the same machine, the best
# time of each kept, and the ratios printed with their goals.
#
# Usage: bench/kmeans.sh [--rounds K] [--benchtime D]
#
# Needs Go, and Debian's python3-numpy (PYTHON, default /usr/bin/python3;
# its matrix product runs in OpenBLAS on all cores). Absolute times differ
# from host to host and from run to run on a shared one; compare the
# ratios of one run.

set -eu
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
GO=${GO:-go}
ROUNDS=3
BENCHTIME=20x
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2; shift 2 ;;
	--benchtime) BENCHTIME=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds K] [--benchtime D]" >&2; exit 2 ;;
	esac
done
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"
"$GO" test -c -o "$OUT/optim.test" ./optim >/dev/null
echo "GOMAXPROCS: $(nproc) cores; NumPy $("$PYTHON" -c 'import numpy; print(numpy.__version__)')"
for r in $(seq "$ROUNDS"); do
	echo "round $r of $ROUNDS" >&2
	"$OUT/optim.test" -test.run '^$' -test.bench '^BenchmarkKMeans(Iteration|PlainLoop)$' -test.benchtime "$BENCHTIME" >>"$OUT/go.txt"
	"$PYTHON" "$BENCH_DIR/kmeans.py" >>"$OUT/anchors.txt"
done
"$PYTHON" "$BENCH_DIR/kmeans.py" --report "$OUT/go.txt" "$OUT/anchors.txt"
