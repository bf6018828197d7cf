#!/usr/bin/env bash
# Side-by-side numeric benchmark of nabla's compiled programs against NumPy
# and PyTorch: the cases N1–N5 of numeric_bench_test.go and bench/numeric.py,
# run in alternating rounds on the same machine, the best time of each kept,
# and the ratios printed with the goals they are held to.
#
# Usage: bench/numeric.sh [--rounds K] [--benchtime D] [--cases N1,N2,…] [--openblas]
#
#   --openblas  build nabla with the tag openblas: OpenBLAS's Dgemm, Dsyrk
#               and Dgemv (from libopenblas0-pthread) instead of gonum's
#
# Needs Go, and Debian's python3-numpy, python3-torch and
# libopenblas0-pthread for the anchors (PYTHON, default /usr/bin/python3).
# Absolute times differ about 2x between hosts of one kind and from run to
# run on a shared one; compare the ratios of one run.

set -eu
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
GO=${GO:-go}
ROUNDS=3
BENCHTIME=1s
CASES=N1,N2,N3,N4,N5
TAGS=
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2; shift 2 ;;
	--benchtime) BENCHTIME=$2; shift 2 ;;
	--cases) CASES=$2; shift 2 ;;
	--openblas) TAGS=openblas; shift ;;
	*) echo "usage: $0 [--rounds K] [--benchtime D] [--cases N1,N2,…] [--openblas]" >&2; exit 2 ;;
	esac
done
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"
"$GO" test -tags "$TAGS" -c -o "$OUT/nabla.test" . >/dev/null
echo "nabla's BLAS: ${TAGS:-gonum (pure Go)}"
pattern="^Benchmark($(echo "$CASES" | sed 's/,/|/g'))"
for r in $(seq "$ROUNDS"); do
	echo "round $r of $ROUNDS" >&2
	"$OUT/nabla.test" -test.run '^$' -test.bench "$pattern" -test.benchtime "$BENCHTIME" >>"$OUT/go.txt"
	# shellcheck disable=SC2046
	"$PYTHON" "$BENCH_DIR/numeric.py" $(echo "$CASES" | tr , ' ') >>"$OUT/anchors.txt"
done
"$PYTHON" "$BENCH_DIR/numeric_report.py" "$OUT/go.txt" "$OUT/anchors.txt"
