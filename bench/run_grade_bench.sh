#!/bin/sh
# run_grade_bench.sh NNDERIVE DIR [RUNS]: times `NNDERIVE
# examples/two_layer_swish.nd --grade DIR -o CSV` on one thread and on the
# default number (one per processor), RUNS times each, and prints the
# median and the range; fails when the median on all processors is 10 s
# or more (the target for a class of 200).
set -eu
nnderive=$1
dir=$2
runs=${3:-5}
csv=$(dirname "$dir")/grades.csv
files=$(ls "$dir" | wc -l)
now() { date +%s%N; }

# seconds of one run, with ND_JOBS=$1 (empty: the default)
one() {
    t0=$(now)
    if [ -n "$1" ]; then
        ND_JOBS=$1 "$nnderive" examples/two_layer_swish.nd --grade "$dir" -o "$csv" >/dev/null || true
    else
        "$nnderive" examples/two_layer_swish.nd --grade "$dir" -o "$csv" >/dev/null || true
    fi
    t1=$(now)
    echo "$t0 $t1" | awk '{ printf "%.3f\n", ($2 - $1) / 1e9 }'
}

series() {
    i=0
    while [ "$i" -lt "$runs" ]; do
        one "$1"
        i=$((i + 1))
    done | sort -n | awk '{ v[NR] = $1 } END { printf "%s %s %s\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

echo "bench-grade: $files submissions in $dir, $runs runs each, $(nproc) processors"
set -- $(series 1)
echo "  1 thread:        median $1 s (range $2 .. $3)"
set -- $(series "")
echo "  all processors:  median $1 s (range $2 .. $3)"
awk -F, 'NR > 1 { n[$2]++; if ($2 == "graded" && $3 == $4) full++ }
         END { printf "  %d graded (%d with full marks), %d could not be\n", n["graded"], full, n["error"] }' "$csv"
echo "$1" | awk '{ if ($1 >= 10) { print "bench-grade: over the 10 s target"; exit 1 } }'
