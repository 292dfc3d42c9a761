#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target for a bounded time on a corpus seeded
# from plans/, tests/invalid/ and the kept crashers, and reports executions
# and findings. A crash leaves build/fuzz/crash-TARGET-*: minimise it, add it
# to tests/fuzz/regressions/ and fix the bug.
set -u
cd "$(dirname "$0")/../.."
seconds=$1; shift
status=0
for t in "$@"; do
    corpus=build/fuzz/corpus-$t
    mkdir -p "$corpus"
    cp -n plans/*.md tests/invalid/*.md tests/data/*.md tests/lost/*.md tests/fuzz/regressions/* "$corpus"/ 2>/dev/null
    log=build/fuzz/$t.log
    build/fuzz/fuzz_$t -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build/fuzz/crash-$t-" \
        "$corpus" >"$log" 2>&1
    rc=$?
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    echo "fuzz_$t: ${execs:-?} runs in ${seconds}s, $cov, corpus $(ls "$corpus" | wc -l) files, exit $rc"
    if [ $rc -ne 0 ]; then
        status=1
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
    fi
done
exit $status
