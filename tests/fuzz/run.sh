#!/usr/bin/env bash
# run.sh: one fuzz campaign (make fuzz calls it; see the README, "Fuzzing").
#   tests/fuzz/run.sh BINARY      the fuzz target built for $FUZZER
# Environment:
#   FUZZER=libfuzzer|afl   FUZZ_MODE=default|c|verify|check|all
#   FUZZ_SECONDS=N         wall time of the campaign
#   FUZZ_TIMEOUT=S         an input running longer is a finding (a hang)
#   FUZZ_KEEP_GOING=1      go on after a finding (libFuzzer -fork=1 with the
#                          findings ignored; AFL++ always goes on)
#   FUZZ_DIR=build/fuzz    corpora, findings and logs live under it
#   FUZZ_SEED=N            the fuzzer's random seed (default: from the clock)
# Prints executions, coverage, corpus size and findings; exits 1 when the
# campaign found something (crash, leak, timeout, out of memory, sanitizer
# report), 2 when it could not run.  Findings are kept in
# $FUZZ_DIR/findings/TOOL-MODE/.
set -uo pipefail

bin=${1:?usage: run.sh BINARY}
fuzzer=${FUZZER:-libfuzzer}
mode=${FUZZ_MODE:-all}
seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-10}
dir=${FUZZ_DIR:-build/fuzz}
seeds=tests/fuzz/corpus
dict=tests/fuzz/nnderive.dict
tag=$fuzzer-$mode
corpus=$dir/corpus/$tag
findings=$dir/findings/$tag
log=$dir/logs/$tag-$(date +%Y%m%d-%H%M%S).log
mkdir -p "$corpus" "$findings" "$(dirname "$log")"

case $mode in default|c|verify|check|all) ;; *)
    echo "fuzz: unknown FUZZ_MODE '$mode' (default, c, verify, check, all)" >&2; exit 2 ;;
esac
export ND_FUZZ_MODE=$mode

count_findings() {
    find "$findings" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
        -o -name 'timeout-*' -o -name 'oom-*' -o -name 'id:*' \) | wc -l
}
before=$(count_findings)
start=$(date +%s)
stamp=$dir/logs/.start-$tag
touch "$stamp"

run_libfuzzer() {
    local keep=()
    [ -n "${FUZZ_SEED:-}" ] && keep+=(-seed="$FUZZ_SEED")
    [ "${FUZZ_KEEP_GOING:-0}" = 1 ] &&
        keep+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    # Slow inputs below the timeout are noted, not findings.
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    nice -n "${FUZZ_NICE:-10}" "$bin" "${keep[@]}" -max_total_time="$seconds" \
        -timeout="$timeout" -rss_limit_mb=2048 -max_len=8192 -dict="$dict" \
        -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$seeds" >"$log" 2>&1
    rc=$?
    # Stats: the last status line (#N: cov ... in fork mode, #N DONE/...
    # otherwise) and the final stats.
    local last
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
    [ "$execs" = 0 ] && execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
    cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | awk '{ print $2 }')
    ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | awk '{ print $2 }')
    edges="cov ${cov:-?} ft ${ft:-?}"
}

# AFL++ kills its fork server and the persistent target at the end
# without waiting for them, so their CPU time never reaches this shell's
# `times`: sample the CPU of every process under the fuzzer each second
# instead (own time only, the last value seen per process).
sample_cpu() {
    local root=$1 tick
    tick=$(getconf CLK_TCK)
    declare -A seen=()
    while kill -0 "$root" 2>/dev/null; do
        local pids="$root" frontier="$root" next p
        while [ -n "$frontier" ]; do
            next=$(ps -o pid= --ppid "$(tr ' ' ',' <<<"$frontier" | sed 's/^,//')" 2>/dev/null | tr -s ' \n' ' ')
            frontier=${next# }
            frontier=${frontier% }
            pids="$pids $frontier"
        done
        for p in $pids; do
            [ -r "/proc/$p/stat" ] || continue
            seen[$p]=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null)
        done
        sleep 1
    done
    local total=0
    for p in "${!seen[@]}"; do total=$((total + ${seen[$p]:-0})); done
    echo "$((total / tick))" >"$stamp.sampled"
}

run_afl() {
    local out=$dir/afl/$mode
    mkdir -p "$out"
    local input=$seeds
    # An output directory with a queue is resumed, not started again.
    [ -d "$out/default/queue" ] && input=-
    AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 AFL_FAST_CAL=1 \
    ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 \
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1 \
    local seed=()
    [ -n "${FUZZ_SEED:-}" ] && seed=(-s "$FUZZ_SEED")
    nice -n "${FUZZ_NICE:-10}" afl-fuzz "${seed[@]}" -i "$input" -o "$out" -x "$dict" \
        -t "$((timeout * 1000))" -m none -V "$seconds" -- "$bin" >"$log" 2>&1 &
    local pid=$!
    sample_cpu "$pid"
    wait "$pid"
    rc=$?
    sampled_cpu=1
    local stats=$out/default/fuzzer_stats
    execs=$(awk -F' *: *' '$1 == "execs_done" { print $2 }' "$stats" 2>/dev/null)
    edges="edges $(awk -F' *: *' '$1 == "edges_found" { e = $2 } $1 == "bitmap_cvg" { b = $2 } END { print e " (" b ")" }' "$stats" 2>/dev/null)"
    for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
        [ -f "$f" ] || continue
        kind=$(basename "$(dirname "$f")")
        cp -n "$f" "$findings/id:${kind}-$(sha1sum <"$f" | cut -c1-12)"
    done
    corpus=$out/default/queue
}

case $fuzzer in
libfuzzer) run_libfuzzer ;;
afl)
    if ! command -v afl-fuzz >/dev/null; then
        echo "fuzz: afl-fuzz not found (apt-get install afl++)" >&2; exit 2
    fi
    run_afl ;;
*) echo "fuzz: unknown FUZZER '$fuzzer' (libfuzzer, afl)" >&2; exit 2 ;;
esac

wall=$(($(date +%s) - start))
# CPU seconds of the children (the fuzzer and its workers).
# (times runs in this shell, not in a command substitution's subshell.)
times >"$stamp.times"
cpu=$(tail -n 1 "$stamp.times" | awk '{
    for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
    printf "%.0f", s }')
[ -n "${sampled_cpu:-}" ] && [ -s "$stamp.sampled" ] && cpu=$(cat "$stamp.sampled")
after=$(count_findings)
new=$((after - before))
size=$(find "$corpus" -maxdepth 1 -type f | wc -l)
echo "fuzz: $fuzzer mode=$mode wall=${wall}s cpu=${cpu}s execs=${execs:-?} $edges corpus=$size findings=$new (log: $log)"
if [ "$new" -gt 0 ]; then
    echo "fuzz: FINDINGS in $findings/:" >&2
    find "$findings" -maxdepth 1 -type f -newer "$stamp" | sort | head -20 >&2
    grep -m 3 -E 'ERROR: |SUMMARY: |runtime error|fuzz_nnderive: |ALARM' "$log" >&2
    exit 1
fi
if [ "$fuzzer" = libfuzzer ] && [ "$rc" -ne 0 ]; then
    echo "fuzz: libFuzzer exited with status $rc without a finding file; see $log" >&2
    tail -n 20 "$log" >&2
    exit 1
fi
exit 0
