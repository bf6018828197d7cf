#!/usr/bin/env bash
# Side-by-side benchmark of nabla against GiNaC and SymPy.
#
# Usage: bench/run.sh [--deep] [--benchtime D] [--no-go] [--no-ginac] [--no-sympy]
#                     [--out DIR]
#
#   --deep         also run GiNaC on the 2000-deep nested sin (about 10 s)
#   --benchtime D  -benchtime for the Go benchmarks (default 1s)
#   --no-go        skip building and benchmarking nabla
#   --no-ginac     skip the GiNaC anchor
#   --no-sympy     skip the SymPy anchor
#   --out DIR      keep raw results in DIR (default: a fresh temporary directory)
#
# Environment: NABLA_BIN (default /tmp/nabla-bench), GO (default go),
#              PYTHON (default python3), CXX (default g++).
#
# Every stage is optional: a missing tool or a failing step is reported and
# the remaining stages still run.

set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
NABLA_BIN=${NABLA_BIN:-/tmp/nabla-bench}
GO=${GO:-go}
PYTHON=${PYTHON:-python3}
CXX=${CXX:-g++}

DEEP=0
BENCHTIME=1s
RUN_GO=1
RUN_GINAC=1
RUN_SYMPY=1
OUT=""

while [ $# -gt 0 ]; do
    case "$1" in
        --deep) DEEP=1 ;;
        --benchtime) shift; BENCHTIME=${1:?--benchtime needs a value} ;;
        --no-go) RUN_GO=0 ;;
        --no-ginac) RUN_GINAC=0 ;;
        --no-sympy) RUN_SYMPY=0 ;;
        --out) shift; OUT=${1:?--out needs a directory} ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "$OUT" ]; then
    OUT=$(mktemp -d "${TMPDIR:-/tmp}/nabla-bench.XXXXXX")
fi
mkdir -p "$OUT"
: > "$OUT/nabla.tsv"
: > "$OUT/sizes.tsv"

say() { printf '==> %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

HAVE_PY=0
if have "$PYTHON"; then HAVE_PY=1; else say "$PYTHON not found: timing, sizes and the report need it"; fi

HAVE_SYMPY=0
if [ "$HAVE_PY" = 1 ] && "$PYTHON" -c 'import sympy' >/dev/null 2>&1; then HAVE_SYMPY=1; fi

# Record the size of a printed 15th derivative: size_of TOOL FILE
size_of() {
    if [ "$HAVE_SYMPY" != 1 ]; then return; fi
    if [ ! -s "$2" ]; then return; fi
    local line
    if line=$("$PYTHON" "$BENCH_DIR/count_ops.py" "$2" 2>"$OUT/count_ops_$1.err"); then
        printf '%s\t%s\n' "$1" "$line" >> "$OUT/sizes.tsv"
    else
        say "$1: could not measure result size with SymPy (see $OUT/count_ops_$1.err)"
    fi
}

for f in seed1200.txt seed1200_sympy.txt seed1200_ginac.txt; do
    if [ ! -s "$BENCH_DIR/$f" ]; then
        say "generating batch inputs"
        "$PYTHON" "$BENCH_DIR/gen_seed.py" || say "gen_seed.py failed"
        break
    fi
done

# ---------------------------------------------------------------- nabla ---
if [ "$RUN_GO" = 1 ] && ! have "$GO"; then
    say "$GO not found: skipping nabla"
    RUN_GO=0
fi

if [ "$RUN_GO" = 1 ]; then
    say "building nabla CLI -> $NABLA_BIN"
    BUILT=0
    if (cd "$ROOT" && "$GO" build -o "$NABLA_BIN" ./cmd/nabla) > "$OUT/build.log" 2>&1; then
        BUILT=1
    else
        say "nabla build failed (continuing with the anchors):"
        tail -n 20 "$OUT/build.log" >&2
    fi

    say "running Go benchmarks (-benchtime $BENCHTIME)"
    if (cd "$ROOT" && "$GO" test -run '^$' \
            -bench 'BenchmarkSeedDerivative|BenchmarkExpSin15|BenchmarkNestedSin' \
            -benchtime "$BENCHTIME" -timeout 20m .) > "$OUT/go_bench.txt" 2>&1; then
        grep -E '^Benchmark' "$OUT/go_bench.txt" >&2 || say "no benchmark results in go test output"
    else
        say "go test -bench failed (continuing):"
        tail -n 20 "$OUT/go_bench.txt" >&2
    fi

    if [ "$BUILT" = 1 ] && [ "$HAVE_PY" = 1 ]; then
        say "timing batch: $NABLA_BIN diff - --wrt x < bench/seed1200.txt (best of 5)"
        if "$PYTHON" "$BENCH_DIR/timecmd.py" --runs 5 --name batch1200_cli \
                --stdin "$BENCH_DIR/seed1200.txt" -- "$NABLA_BIN" diff - --wrt x \
                >> "$OUT/nabla.tsv" 2> "$OUT/batch.err"; then
            lines_out=$(sed -n 's/^batch1200_cli.*lines_out=\([0-9]*\).*/\1/p' "$OUT/nabla.tsv")
            if [ "${lines_out:-0}" != 1200 ]; then
                say "warning: batch produced ${lines_out:-0} output lines, expected 1200"
            fi
        else
            say "nabla batch run failed:"
            tail -n 20 "$OUT/batch.err" >&2
        fi

        say "nabla 15th derivative of exp(sin(x))"
        if "$NABLA_BIN" diff 'exp(sin(x))' --order 15 > "$OUT/expsin15_nabla.txt" 2> "$OUT/expsin15_nabla.err"; then
            size_of nabla "$OUT/expsin15_nabla.txt"
        else
            say "nabla diff --order 15 failed:"
            tail -n 20 "$OUT/expsin15_nabla.err" >&2
        fi
    fi
fi

# ---------------------------------------------------------------- GiNaC ---
if [ "$RUN_GINAC" = 1 ]; then
    if ! have pkg-config || ! pkg-config --exists ginac 2>/dev/null; then
        say "GiNaC not installed (apt-get install libginac-dev pkg-config): skipping"
    elif ! have "$CXX"; then
        say "$CXX not found: skipping GiNaC"
    else
        say "building GiNaC anchor"
        # shellcheck disable=SC2046
        if "$CXX" -O2 -o "$OUT/ginac-bench" "$BENCH_DIR/ginac/bench.cpp" \
                $(pkg-config --cflags --libs ginac) > "$OUT/ginac-build.log" 2>&1; then
            say "running GiNaC anchor"
            ginac_args=(--batch "$BENCH_DIR/seed1200_ginac.txt" --dump-expsin15 "$OUT/expsin15_ginac.txt")
            [ "$DEEP" = 1 ] && ginac_args+=(--deep)
            if "$OUT/ginac-bench" "${ginac_args[@]}" > "$OUT/ginac.tsv"; then
                cat "$OUT/ginac.tsv" >&2
                size_of GiNaC "$OUT/expsin15_ginac.txt"
            else
                say "GiNaC anchor failed"
            fi
        else
            say "GiNaC anchor build failed:"
            tail -n 20 "$OUT/ginac-build.log" >&2
        fi
    fi
fi

# ---------------------------------------------------------------- SymPy ---
if [ "$RUN_SYMPY" = 1 ]; then
    if [ "$HAVE_SYMPY" != 1 ]; then
        say "SymPy not importable with $PYTHON: skipping"
    else
        say "running SymPy anchor (about 20 s)"
        if "$PYTHON" "$BENCH_DIR/sympy_bench.py" --dump-expsin15 "$OUT/expsin15_sympy.txt" \
                > "$OUT/sympy.tsv"; then
            cat "$OUT/sympy.tsv" >&2
            size_of SymPy "$OUT/expsin15_sympy.txt"
        else
            say "SymPy anchor failed"
        fi
    fi
fi

# --------------------------------------------------------------- report ---
if [ "$HAVE_PY" = 1 ]; then
    "$PYTHON" "$BENCH_DIR/report.py" --go "$OUT/go_bench.txt" --nabla "$OUT/nabla.tsv" \
        --ginac "$OUT/ginac.tsv" --sympy "$OUT/sympy.tsv" --sizes "$OUT/sizes.tsv" \
        --tsv "$OUT/summary.tsv"
else
    say "no $PYTHON: raw results only"
fi
echo
echo "raw results: $OUT"
