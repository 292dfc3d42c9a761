#!/usr/bin/env bash
# make bench: whole-process render time of each sample plan (median of 30
# runs, hyperfine), peak RSS (GNU time), PDF size, and an instruction count
# (callgrind: repeatable on a noisy machine) for the Kon Tum plan.
set -eu
cd "$(dirname "$0")/.."
bin=build/kehoach
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
printf '%-22s %10s %10s %10s %8s\n' plan "median ms" "mean ms" "peak RSS" "PDF KB"
for plan in plans/*.md; do
    name=$(basename "$plan" .md)
    out="$tmp/$name.pdf"
    hyperfine -N --style none --warmup 5 --runs 30 --export-json "$tmp/h.json" \
        "$bin render -o $out $plan" >/dev/null 2>&1
    read -r median mean < <(/usr/bin/python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print("%.2f %.2f" % (r["median"]*1000, r["mean"]*1000))' "$tmp/h.json")
    rss=$(/usr/bin/time -f %M "$bin" render -o "$out" "$plan" 2>&1 >/dev/null | tail -1)
    size=$(stat -c %s "$out")
    printf '%-22s %10s %10s %7.1f MiB %8.1f\n' "$name" "$median" "$mean" \
        "$(echo "$rss / 1024" | bc -l)" "$(echo "$size / 1000" | bc -l)"
done
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$bin" render \
    -o "$tmp/kt.pdf" plans/kon-tum-70-nam.md 2>"$tmp/cg.err" >/dev/null
echo "instructions (callgrind, kon-tum-70-nam): $(grep -oE 'refs: +[0-9,]+' "$tmp/cg.err" | grep -oE '[0-9,]+$')"
