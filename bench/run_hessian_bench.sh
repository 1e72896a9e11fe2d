#!/bin/sh
# run_hessian_bench.sh: the Hessian of L2-regularised logistic regression
# (examples/hessian/logreg.nd) and its Hessian-vector product, float64, one
# thread: nnderive's generated C (plain and --blas), a hand-written closed
# form with OpenBLAS (bench/bench_hessian.c), and PyTorch
# (bench/peers/torch_hessian.py, skipped with a message when missing), on
# the same inputs in one run; then a table with the ratios of the issue's
# targets (bench/hessian_table.awk).  Built in build/bench/.  Needs
# OpenBLAS (the hand-written peer and --blas).  Exit status 1 if a check
# failed, 2 if the build failed.
#
#   bench/run_hessian_bench.sh BIN        (make bench-hessian)
# shellcheck disable=SC2086  # $CFLAGS: a word list
set -u
cd "$(dirname "$0")/.." || exit 2
BIN=${1:-build/nnderive}
CC=${CC:-gcc}
PYTHON=${PYTHON:-/usr/bin/python3}
BENCH_CFLAGS=${BENCH_CFLAGS-"-falign-loops=64 -falign-functions=64"}
CFLAGS="-std=c99 -O2 -Wall -Wextra -pedantic $BENCH_CFLAGS"
OUT=build/bench
mkdir -p "$OUT"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
status=0

if ! echo 'int main(void){return 0;}' | $CC -x c - -lopenblas -o "$OUT/have_blas" 2>/dev/null; then
    echo "bench-hessian: OpenBLAS not found (apt-get install libopenblas-dev); skipped"
    exit 0
fi
"$BIN" examples/hessian/logreg.nd --hessian --c --name lr -o "$OUT/lr.c" || exit 2
"$BIN" examples/hessian/logreg.nd --hessian --c --blas --name lrb -o "$OUT/lrb.c" || exit 2
$CC $CFLAGS -c "$OUT/lr.c" -o "$OUT/lr.o" || exit 2
$CC $CFLAGS -c "$OUT/lrb.c" -o "$OUT/lrb.o" || exit 2
$CC $CFLAGS -Werror -o "$OUT/bench_hessian" bench/bench_hessian.c "$OUT/lr.o" "$OUT/lrb.o" \
    -lopenblas -lm || exit 2

echo "# machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
     "$(nproc --all) cores; $($CC --version | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# command: make bench-hessian (bench/run_hessian_bench.sh $BIN)"
"$OUT/bench_hessian" "$OUT" | tee "$OUT/hessian_c.txt"
[ "$(grep -c FAILED "$OUT/hessian_c.txt")" -eq 0 ] || status=1
if [ -x "$PYTHON" ]; then
    "$PYTHON" bench/peers/torch_hessian.py "$OUT" | tee "$OUT/hessian_torch.txt" || status=1
else
    echo "# torch: $PYTHON not found; skipped" | tee "$OUT/hessian_torch.txt"
fi
echo
cat "$OUT/hessian_c.txt" "$OUT/hessian_torch.txt" | awk -f bench/hessian_table.awk
[ "$status" -eq 0 ] || echo "# some check FAILED (see above)"
exit "$status"
