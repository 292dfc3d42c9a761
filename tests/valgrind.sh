#!/usr/bin/env bash
# Runs the optimised build under valgrind on a real render and on a broken
# plan: no invalid reads or writes, no leaks.
set -u
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vg() { # name, args...
    local name=$1; shift
    if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        build/kehoach "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; [ $rc -ne 99 ]; then
        echo "PASS valgrind: $name (exit $rc)"
    else
        echo "FAIL valgrind: $name"; head -30 "$tmp/err"
    fi
}
vg "render Kon Tum" render -o "$tmp/kt.pdf" plans/kon-tum-70-nam.md
printf -- '---\ntype: ke-hoach\ntitle: [\n---\n' >"$tmp/bad.md"
vg "render HTML tables (spans, split rows)" render -o "$tmp/ht.pdf" tests/layout/html-table.md
vg "broken plan" render -o "$tmp/bad.pdf" "$tmp/bad.md"
vg "validate plans and the template" validate plans/*.md templates/ke-hoach.yaml
vg "validate the invalid corpus" validate tests/invalid/*.md
# files (issue 9): refusals and standard input/output free what they took
mkfifo "$tmp/fifo.md"
vg "a FIFO plan refused" validate "$tmp/fifo.md"
vg "output is the input, refused" render -o plans/kon-tum-70-nam.md plans/kon-tum-70-nam.md
mkdir "$tmp/b" && cp plans/kon-tum-70-nam.md "$tmp/b/"
vg "two plans one output, refused" render -d "$tmp" plans/kon-tum-70-nam.md "$tmp/b/kon-tum-70-nam.md"
vg "plan from standard input to standard output" render - <plans/kon-tum-70-nam.md
