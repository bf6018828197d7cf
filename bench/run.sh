#!/usr/bin/env bash
# Side-by-side benchmark of nabla against GiNaC, SymPy, Maxima and Giac.
#
# Usage: bench/run.sh [--only single|multi] [--deep] [--benchtime D] [--timeout S]
#                     [--no-go] [--no-ginac] [--no-sympy] [--no-maxima] [--no-giac]
#                     [--out DIR]
#
#   --only F       run one workload family: single (A-D, one variable) or
#                  multi (E-F, Hessian and gradient); default both
#   --deep         also run the slow anchor workloads (GiNaC sin^2000; for
#                  multi: GiNaC n=10000 and product gradient, Maxima product
#                  gradient, Giac hessian() n=1000, SymPy Hessian n=100)
#   --benchtime D  -benchtime for the Go benchmarks (default 1s)
#   --timeout S    multi: give up on an anchor workload after S s (default 180)
#   --no-go        skip building and benchmarking nabla
#   --no-ginac     skip the GiNaC anchor
#   --no-sympy     skip the SymPy anchor
#   --no-maxima    skip the Maxima anchor (multi only)
#   --no-giac      skip the Giac anchor (multi only)
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
TIMEOUT=180
RUN_GO=1
RUN_GINAC=1
RUN_SYMPY=1
RUN_MAXIMA=1
RUN_GIAC=1
RUN_SINGLE=1
RUN_MULTI=1
ONLY=""
OUT=""

while [ $# -gt 0 ]; do
    case "$1" in
        --deep) DEEP=1 ;;
        --benchtime) shift; BENCHTIME=${1:?--benchtime needs a value} ;;
        --timeout) shift; TIMEOUT=${1:?--timeout needs a value in seconds} ;;
        --only) shift; ONLY=${1:?--only needs single or multi}
            case "$ONLY" in
                single) RUN_MULTI=0 ;;
                multi) RUN_SINGLE=0 ;;
                *) echo "--only takes single or multi, not $ONLY" >&2; exit 2 ;;
            esac ;;
        --no-go) RUN_GO=0 ;;
        --no-ginac) RUN_GINAC=0 ;;
        --no-sympy) RUN_SYMPY=0 ;;
        --no-maxima) RUN_MAXIMA=0 ;;
        --no-giac) RUN_GIAC=0 ;;
        --out) shift; OUT=${1:?--out needs a directory} ;;
        -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

if [ -r /proc/loadavg ]; then
    read -r load1 _ < /proc/loadavg
    if [ "${load1%.*}" -ge 1 ] 2>/dev/null; then
        say "warning: load average is $load1 before starting; timings may be inflated"
    fi
fi

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
    if [ "$RUN_SINGLE" = 1 ] && [ ! -s "$BENCH_DIR/$f" ]; then
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

BUILT=0
if [ "$RUN_GO" = 1 ]; then
    say "building nabla CLI -> $NABLA_BIN"
    if (cd "$ROOT" && "$GO" build -o "$NABLA_BIN" ./cmd/nabla) > "$OUT/build.log" 2>&1; then
        BUILT=1
    else
        say "nabla build failed (continuing with the anchors):"
        tail -n 20 "$OUT/build.log" >&2
    fi
fi

if [ "$RUN_SINGLE" = 1 ] && [ "$RUN_GO" = 1 ]; then
    say "running Go benchmarks (-benchtime $BENCHTIME)"
    if (cd "$ROOT" && "$GO" test -run '^$' \
            -bench 'BenchmarkSeedDerivative|BenchmarkExpSin15|BenchmarkNestedSin' \
            -benchtime "$BENCHTIME" -timeout 20m . &&
        "$GO" test -run '^$' -bench 'BenchmarkBatchSeed1200' \
            -benchtime "$BENCHTIME" -timeout 20m ./cmd/nabla) > "$OUT/go_bench.txt" 2>&1; then
        grep -E '^Benchmark' "$OUT/go_bench.txt" >&2 || say "no benchmark results in go test output"
    else
        say "go test -bench failed (continuing):"
        tail -n 20 "$OUT/go_bench.txt" >&2
    fi

    if [ "$BUILT" = 1 ] && [ "$HAVE_PY" = 1 ]; then
        say "timing batch: $NABLA_BIN diff - --wrt x < bench/seed1200.txt (best of 10)"
        if "$PYTHON" "$BENCH_DIR/timecmd.py" --runs 10 --name batch1200_cli \
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

        # The floor under the batch: nabla's own start-up (a command that
        # does nothing), that of any Go program and that of any process on
        # this machine.
        say "timing start-up: $NABLA_BIN version, a Go hello world, and /bin/true (best of 10)"
        "$PYTHON" "$BENCH_DIR/timecmd.py" --runs 10 --name startup_cli -- "$NABLA_BIN" version \
            >> "$OUT/nabla.tsv" 2>> "$OUT/batch.err" || say "nabla version failed"
        mkdir -p "$OUT/hello"
        printf 'package main\n\nimport "os"\n\nfunc main() { os.Stdout.WriteString("hello\\n") }\n' > "$OUT/hello/main.go"
        printf 'module hello\n' > "$OUT/hello/go.mod"
        if (cd "$OUT/hello" && "$GO" build -o hello .) >> "$OUT/batch.err" 2>&1; then
            "$PYTHON" "$BENCH_DIR/timecmd.py" --runs 10 --name go_floor -- "$OUT/hello/hello" \
                >> "$OUT/nabla.tsv" 2>> "$OUT/batch.err" || say "Go hello world failed"
        fi
        if [ -x /bin/true ]; then
            "$PYTHON" "$BENCH_DIR/timecmd.py" --runs 10 --name process_floor -- /bin/true \
                >> "$OUT/nabla.tsv" 2>> "$OUT/batch.err" || say "/bin/true failed"
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
HAVE_GINAC=0
if [ "$RUN_GINAC" = 1 ]; then
    if ! have pkg-config || ! pkg-config --exists ginac 2>/dev/null; then
        say "GiNaC not installed (apt-get install libginac-dev pkg-config): skipping"
    elif ! have "$CXX"; then
        say "$CXX not found: skipping GiNaC"
    else
        HAVE_GINAC=1
    fi
fi

if [ "$RUN_SINGLE" = 1 ] && [ "$HAVE_GINAC" = 1 ]; then
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
        if [ "$HAVE_PY" = 1 ]; then
            say "timing GiNaC as a process: ginac-bench --stdin < bench/seed1200_ginac.txt (best of 10)"
            "$PYTHON" "$BENCH_DIR/timecmd.py" --runs 10 --name batch1200_process \
                --stdin "$BENCH_DIR/seed1200_ginac.txt" -- "$OUT/ginac-bench" --stdin \
                >> "$OUT/ginac.tsv" 2>> "$OUT/ginac-build.log" || say "GiNaC --stdin failed"
        fi
    else
        say "GiNaC anchor build failed:"
        tail -n 20 "$OUT/ginac-build.log" >&2
    fi
fi

# ---------------------------------------------------------------- SymPy ---
if [ "$RUN_SINGLE" = 1 ] && [ "$RUN_SYMPY" = 1 ]; then
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
        say "timing SymPy as a process: sympy_bench.py --stdin < bench/seed1200_sympy.txt (best of 3)"
        "$PYTHON" "$BENCH_DIR/timecmd.py" --runs 3 --name batch1200_process \
            --stdin "$BENCH_DIR/seed1200_sympy.txt" -- "$PYTHON" "$BENCH_DIR/sympy_bench.py" --stdin \
            >> "$OUT/sympy.tsv" 2> "$OUT/sympy_stdin.err" || say "SymPy --stdin failed"
        cat "$OUT/sympy.tsv" | tail -n 1 >&2
    fi
fi

# -------------------------------------------- multivariate family (E, F) ---
# E: Hessian of the Rosenbrock function in n = 100, 1000, 10000 variables;
# F: gradient of x1*x2*...*x500. Anchors: GiNaC, Maxima, Giac, SymPy.
if [ "$RUN_MULTI" = 1 ]; then
    rm -f "$OUT/go_bench_multi.txt" "$OUT/nabla_multi.tsv" "$OUT/ginac_multi.tsv" \
        "$OUT/maxima.tsv" "$OUT/giac.tsv" "$OUT/sympy_multi.tsv"
    deep_arg=()
    [ "$DEEP" = 1 ] && deep_arg=(--deep)
    # Outer limit for an anchor process that runs several workloads.
    run_limited() {
        if have timeout; then timeout "$(( ${TIMEOUT%.*} * 6 + 120 ))" "$@"; else "$@"; fi
    }

    if [ "$RUN_GO" = 1 ]; then
        say "running Go benchmarks for E/F (-benchtime $BENCHTIME)"
        if (cd "$ROOT" && "$GO" test -run '^$' \
                -bench 'BenchmarkRosenbrockHessian|BenchmarkProductGradient' \
                -benchtime "$BENCHTIME" -timeout 20m .) > "$OUT/go_bench_multi.txt" 2>&1; then
            grep -E '^Benchmark' "$OUT/go_bench_multi.txt" >&2 || say "no benchmark results in go test output"
        else
            say "go test -bench (E/F) failed (continuing):"
            tail -n 20 "$OUT/go_bench_multi.txt" >&2
        fi
        if [ "$BUILT" = 1 ] && [ "$HAVE_SYMPY" = 1 ]; then
            say "checking nabla's Hessian (n=100) and gradient (n=500) via the CLI"
            "$PYTHON" "$BENCH_DIR/multi_anchors.py" nabla-check --nabla "$NABLA_BIN" \
                > "$OUT/nabla_multi.tsv" || say "nabla result check FAILED (see $OUT/nabla_multi.tsv)"
            cat "$OUT/nabla_multi.tsv" >&2
        fi
    fi

    if [ "$HAVE_GINAC" = 1 ]; then
        say "building GiNaC anchor for E/F"
        # shellcheck disable=SC2046
        if "$CXX" -O2 -o "$OUT/ginac-multi" "$BENCH_DIR/ginac/multi.cpp" \
                $(pkg-config --cflags --libs ginac) > "$OUT/ginac-multi-build.log" 2>&1; then
            if [ "$DEEP" = 1 ]; then
                say "running GiNaC anchor for E/F (--deep: up to $(( ${TIMEOUT%.*} + 60 )) s)"
            else
                say "running GiNaC anchor for E/F (about 10 s)"
            fi
            run_limited "$OUT/ginac-multi" --timeout "$TIMEOUT" ${deep_arg[@]+"${deep_arg[@]}"} \
                > "$OUT/ginac_multi.tsv" || say "GiNaC anchor (E/F) failed or a check failed"
            cat "$OUT/ginac_multi.tsv" >&2
        else
            say "GiNaC anchor (E/F) build failed:"
            tail -n 20 "$OUT/ginac-multi-build.log" >&2
        fi
    fi

    if [ "$RUN_MAXIMA" = 1 ]; then
        if ! have maxima; then
            say "Maxima not installed (apt-get install maxima): skipping"
        elif [ "$HAVE_PY" != 1 ]; then
            say "no $PYTHON: skipping Maxima"
        else
            say "running Maxima anchor (about 10 s)"
            run_limited "$PYTHON" "$BENCH_DIR/multi_anchors.py" maxima --timeout "$TIMEOUT" \
                ${deep_arg[@]+"${deep_arg[@]}"} > "$OUT/maxima.tsv" || say "Maxima anchor failed or a check failed"
            cat "$OUT/maxima.tsv" >&2
        fi
    fi

    if [ "$RUN_GIAC" = 1 ]; then
        if ! have giac && ! have icas; then
            say "Giac not installed (apt-get install xcas): skipping"
        elif [ "$HAVE_PY" != 1 ]; then
            say "no $PYTHON: skipping Giac"
        else
            say "running Giac anchor (about 5 s; --deep: about 2 min more)"
            run_limited "$PYTHON" "$BENCH_DIR/multi_anchors.py" giac --timeout "$TIMEOUT" \
                ${deep_arg[@]+"${deep_arg[@]}"} > "$OUT/giac.tsv" || say "Giac anchor failed or a check failed"
            cat "$OUT/giac.tsv" >&2
        fi
    fi

    if [ "$RUN_SYMPY" = 1 ]; then
        if [ "$HAVE_SYMPY" != 1 ]; then
            say "SymPy not importable with $PYTHON: skipping"
        elif [ "$DEEP" != 1 ]; then
            say "SymPy Hessian (about 10 s for n=100) runs only with --deep"
        else
            say "running SymPy Hessian anchor (n=100, about 10 s)"
            "$PYTHON" "$BENCH_DIR/multi_anchors.py" sympy --deep --timeout "$TIMEOUT" \
                > "$OUT/sympy_multi.tsv" || say "SymPy anchor (E) failed or a check failed"
            cat "$OUT/sympy_multi.tsv" >&2
        fi
    fi
fi

# --------------------------------------------------------------- report ---
if [ "$HAVE_PY" = 1 ]; then
    report_args=(--go "$OUT/go_bench.txt" --nabla "$OUT/nabla.tsv"
        --ginac "$OUT/ginac.tsv" --sympy "$OUT/sympy.tsv" --sizes "$OUT/sizes.tsv"
        --tsv "$OUT/summary.tsv"
        --go-multi "$OUT/go_bench_multi.txt" --nabla-multi "$OUT/nabla_multi.tsv"
        --ginac-multi "$OUT/ginac_multi.tsv" --maxima "$OUT/maxima.tsv" --giac "$OUT/giac.tsv"
        --sympy-multi "$OUT/sympy_multi.tsv" --tsv-multi "$OUT/summary_multi.tsv")
    [ -n "$ONLY" ] && report_args+=(--only "$ONLY")
    "$PYTHON" "$BENCH_DIR/report.py" "${report_args[@]}"
else
    say "no $PYTHON: raw results only"
fi
echo
echo "raw results: $OUT"
