#!/usr/bin/env bash
# run.sh: Valgrind's memcheck over representative runs of the command
# (make check-valgrind).  Each run must exit with its expected status and
# memcheck must report no error and no definite or indirect leak.
#   tests/valgrind/run.sh build/nnderive
# memcheck's own failure status is 99, not 1: nnderive exits 1 when an
# answer is not equivalent, and the two must not be confused.
set -uo pipefail

bin=${1:?usage: run.sh NNDERIVE}
if ! command -v valgrind >/dev/null; then
    echo "check-valgrind: valgrind not found, skipped (apt-get install valgrind)"
    exit 0
fi
out=$(dirname "$bin")/valgrind
rm -rf "$out"
mkdir -p "$out"
pass=0 fail=0

# A deep program (past the 4000 nodes that move the work to a thread of
# its own): memory freed on that thread, MPFR's caches there included.
deep=$out/deep.nd
{
    echo 'x : vector(n)'
    echo 'h0 = x'
    for i in $(seq 1 3000); do echo "h$i = h$((i - 1)) .* x + x"; done
    echo 'L = sum(h3000)'
} >"$deep"

# vg NAME STATUS [STDIN_FILE] -- ARGS...: one run under memcheck.
vg() {
    local name=$1 want=$2 input=/dev/null
    shift 2
    if [ "$1" != -- ]; then input=$1; shift; fi
    shift
    local log=$out/$name.log
    valgrind --quiet --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
        --log-file="$log" "$bin" "$@" <"$input" >"$out/$name.out" 2>"$out/$name.err"
    local st=$?
    if [ "$st" = "$want" ] && ! [ -s "$log" ]; then
        pass=$((pass + 1))
        echo "ok   $name (status $st)"
    else
        fail=$((fail + 1))
        echo "FAIL $name: status $st, expected $want; memcheck:"
        sed -n 1,40p "$log"
        sed -n 1,5p "$out/$name.err"
    fi
}

ae=examples/autoencoder.nd
printf 'x : vector(n)\nL = 0.5*x'"'"'*x\n' >"$out/stdin.nd"
vg text 0 -- examples/two_layer_swish.nd
vg syntax_error 2 -- -e "L = x'*x)"
vg shape_error 2 -- tests/golden/inputs/shapes.nd
vg unknown_function 2 -- -e "L = sum(expp(x))"
vg missing_file 2 -- no/such/file.nd
vg verify 0 -- examples/autoencoder_tanh.nd --verify
vg check_right 0 -- $ae --check "W*(x*r' + r*x')"
vg check_wrong 1 -- $ae --check "W*(W'*W*x - x)*x'"
vg check_file 0 -- $ae --check-file tests/golden/inputs/ae_answers.txt
vg check_file_wrong 1 -- $ae --check-file tests/golden/inputs/ae_wrong.txt
vg c 0 -- examples/two_layer_swish_batch.nd --c -o "$out/mlp.c" --header "$out/mlp.h"
vg c_blas 0 -- examples/two_layer_swish_batch.nd --c --blas --colmajor --dims D=784,H=100
vg dot_steps 0 -- examples/two_layer_swish.nd --dot --steps
vg paths 0 -- $ae --paths --latex
vg latex_doc 0 -- examples/two_layer_swish.nd --latex-doc
vg steps_inferred 0 -- -e "L = x'*A*y + b*sum(z)" --steps
vg stdin 0 "$out/stdin.nd" -- - --wrt x --explain
vg deep_verify 0 -- "$deep" --verify --points 1 --precision 64
echo "check-valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ]
