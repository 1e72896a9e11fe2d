#!/bin/sh
# run_codegen_bench.sh: builds bench/bench_codegen.c with the hand-written
# peers (gcc -std=c99 -O2, zero warnings), runs it, then the PyTorch and
# NumPy peers (skipped with a message when missing), then prints the
# medians side by side (bench/codegen_table.awk).  Everything is built in
# build/bench/, where the full outputs are kept too, as codegen_*.txt.
# Exit status 1 if a check failed, 2 if the build failed.
#
#   bench/run_codegen_bench.sh
#   GEN_AE=ae.c GEN_MLP=mlp.c bench/run_codegen_bench.sh   # + generated code
#   GEN_AE_BLAS=ae_blas.c GEN_MLP_BLAS=mlp_blas.c ...       # + --blas code
#   EXTRA='-DAE_PEER=my_ae my_ae.c' bench/run_codegen_bench.sh
#
# GEN_AE / GEN_MLP: C files defining ae_eval/ae_work_size and
# mlp_eval/mlp_work_size (nnderive's C ABI; see bench/bench_codegen.c),
# compiled with the same flags, warnings allowed.  EXTRA: words added to
# the harness's compile-and-link command.  CC, PYTHON: the tools to use.
# GEN_AE_BLAS / GEN_MLP_BLAS: the same with prefixes ae_blas / mlp_blas,
# from --c --blas, linked with -lopenblas (one thread: OPENBLAS_NUM_THREADS
# is set to 1 for the run, as the other peers use one thread).
# shellcheck disable=SC2086  # $CFLAGS, $defs, $objs, $EXTRA: word lists
set -u
cd "$(dirname "$0")/.." || exit 2

CC=${CC:-gcc}
PYTHON=${PYTHON:-/usr/bin/python3}
# Every hot loop on a 64-byte boundary: without it, where a loop happens to
# land moves its time by up to 15% on the machine of bench/RESULTS.md (the
# same source compiled twice differed that much).  BENCH_CFLAGS= (empty)
# measures the compiler's default layout instead; the control peer
# ae_hand_copy shows how much layout alone moves a result.
BENCH_CFLAGS=${BENCH_CFLAGS-"-falign-loops=64 -falign-functions=64"}
CFLAGS="-std=c99 -O2 -Wall -Wextra -pedantic $BENCH_CFLAGS"
OUT=build/bench
status=0
mkdir -p "$OUT"
export OPENBLAS_NUM_THREADS=1

# compile SRC OBJ [FLAGS...]: one object with $CFLAGS and the flags given.
compile() {
    src=$1 obj=$2
    shift 2
    $CC $CFLAGS "$@" -c "$src" -o "$obj" || exit 2
}

build() {
    objs="$OUT/ae_hand.o $OUT/mlp_hand.o $OUT/ae_hand_copy.o"
    defs="-DAE_PEER=ae_hand_copy"
    compile bench/hand/ae_hand.c "$OUT/ae_hand.o" -Werror
    compile bench/hand/ae_hand_copy.c "$OUT/ae_hand_copy.o" -Werror
    compile bench/hand/mlp_hand.c "$OUT/mlp_hand.o" -Werror
    if [ -n "${GEN_AE:-}" ]; then
        compile "$GEN_AE" "$OUT/gen_ae.o"
        objs="$objs $OUT/gen_ae.o" defs="$defs -DWITH_GENERATED_AE"
    fi
    if [ -n "${GEN_MLP:-}" ]; then
        compile "$GEN_MLP" "$OUT/gen_mlp.o"
        objs="$objs $OUT/gen_mlp.o" defs="$defs -DWITH_GENERATED_MLP"
    fi
    libs=""
    if [ -n "${GEN_AE_BLAS:-}" ]; then
        compile "$GEN_AE_BLAS" "$OUT/gen_ae_blas.o"
        objs="$objs $OUT/gen_ae_blas.o" defs="$defs -DWITH_BLAS_AE" libs="-lopenblas"
    fi
    if [ -n "${GEN_MLP_BLAS:-}" ]; then
        compile "$GEN_MLP_BLAS" "$OUT/gen_mlp_blas.o"
        objs="$objs $OUT/gen_mlp_blas.o" defs="$defs -DWITH_BLAS_MLP" libs="-lopenblas"
    fi
    $CC $CFLAGS -Werror $defs ${EXTRA:-} -o "$OUT/bench_codegen" \
        bench/bench_codegen.c $objs $libs -lm || exit 2
}

# logged NAME COMMAND...: runs it, its output also to $OUT/codegen_NAME.txt;
# status 1 if it fails.
logged() {
    log=$OUT/codegen_$1.txt
    shift
    { "$@"; echo $? >"$log.rc"; } | tee "$log"
    [ "$(cat "$log.rc")" -eq 0 ] || status=1
    rm -f "$log.rc"
}

# peer NAME SCRIPT: a Python peer (the script skips itself, with a
# message, when its module is missing).
peer() {
    if [ -x "$PYTHON" ]; then
        logged "$1" "$PYTHON" "$2"
    else
        echo "$1: $PYTHON not found; skipped" | tee "$OUT/codegen_$1.txt"
    fi
}

# All peers' results side by side.
table() {
    cat "$OUT"/codegen_c.txt "$OUT"/codegen_torch.txt \
        "$OUT"/codegen_numpy.txt | awk -f bench/codegen_table.awk
}

echo "# machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
     "$(nproc) cores; $($CC --version | head -1)"
build
logged c "$OUT/bench_codegen"
peer torch bench/peers/torch_bench.py
peer numpy bench/peers/numpy_bench.py
echo
table
[ "$status" -eq 0 ] || echo "# some check FAILED (see above)"
exit "$status"
