#!/usr/bin/env bash
# Runs every test suite and ends with the line "N passed, N failed".
# The suites that drive the program run twice: against the optimised build
# and once more against the ASan + UBSan build (SANITIZED=0 skips that).
set -u
cd "$(dirname "$0")/.."
builds="build/kehoach"
[ "${SANITIZED:-1}" = 1 ] && builds="$builds build/kehoach-san"
# messages in English, whatever the machine's locale (tests compare them)
export LC_ALL=C.UTF-8
unset LANGUAGE LANG LC_MESSAGES
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

suite() { # name, command...
    local name=$1; shift
    echo "== $name"
    "$@" >"$log.out" 2>&1
    local rc=$?
    # SKIP lines (a check that cannot run here, and why) are shown, not counted
    grep '^SKIP' "$log.out"
    grep -E '^(PASS|FAIL)' "$log.out" | tee -a "$log" | grep '^FAIL' || true
    if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$log.out"; then
        echo "FAIL $name: exited $rc without a failing check" | tee -a "$log"
        tail -20 "$log.out"
    fi
    rm -f "$log.out"
}

suite unit build/unit .
[ "${SANITIZED:-1}" = 1 ] && suite "unit (ASan+UBSan)" build/unit-san .
suite "unit colwidth" build/unit-colwidth
[ "${SANITIZED:-1}" = 1 ] && suite "unit colwidth (ASan+UBSan)" build/unit-colwidth-san
for bin in $builds; do
    export KEHOACH=$bin
    suite "render ($bin)" /usr/bin/python3 tests/test_render.py
    suite "validate ($bin)" /usr/bin/python3 tests/test_validate.py
    suite "template ($bin)" /usr/bin/python3 tests/test_template.py
    suite "markdown ($bin)" /usr/bin/python3 tests/test_markdown.py
    suite "safety ($bin)" /usr/bin/python3 tests/test_safety.py
    suite "workflow ($bin)" /usr/bin/python3 tests/test_workflow.py
    suite "oracle ($bin)" /usr/bin/python3 tests/test_oracle.py
    suite "files ($bin)" /usr/bin/python3 tests/test_files.py
    suite "fit ($bin)" /usr/bin/python3 tests/test_fit.py
    suite "layout ($bin)" /usr/bin/python3 tests/test_layout.py
    suite "offices ($bin)" /usr/bin/python3 tests/test_offices.py
    suite "header ($bin)" /usr/bin/python3 tests/test_header.py
    suite "addressees ($bin)" /usr/bin/python3 tests/test_addressees.py
    suite "signers ($bin)" /usr/bin/python3 tests/test_signers.py
    suite "appendix ($bin)" /usr/bin/python3 tests/test_appendix_model.py
    suite "notes ($bin)" /usr/bin/python3 tests/test_notes.py
    suite "tables ($bin)" /usr/bin/python3 tests/test_tables.py
    suite "appendix sample ($bin)" /usr/bin/python3 tests/test_appendix_sample.py
    suite "frame marks ($bin)" /usr/bin/python3 tests/test_frame_marks.py
    suite "esign ($bin)" /usr/bin/python3 tests/test_esign.py
    suite "separate appendices ($bin)" /usr/bin/python3 tests/test_separate.py
done
# packaging and CI entries: once, against the optimised build
export KEHOACH=build/kehoach
suite completion /usr/bin/python3 tests/test_completion.py
suite "CI entries" /usr/bin/python3 tests/test_ci_entries.py
suite "Debian package" /usr/bin/python3 tests/test_package.py
suite valgrind bash tests/valgrind.sh
# kept fuzz crashers and the seed corpus through every fuzz target (ASan)
for t in frontmatter model render; do
    suite "replay $t" build/replay_$t tests/fuzz/regressions/* plans/*.md tests/invalid/*.md tests/data/*.md
done
# tests/lost one process each: fuzz_render aborts on a broken invariant
suite "replay lost" bash -c 'for f in tests/lost/*.md; do for t in frontmatter model render; do
    build/replay_$t "$f" >/dev/null 2>&1 && echo "PASS replay $t $f" || echo "FAIL replay $t $f: invariant broken or crash"; done; done'

passed=$(grep -c '^PASS' "$log")
failed=$(grep -c '^FAIL' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
