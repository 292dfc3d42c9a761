#!/usr/bin/env bash
# make bench: whole-process render time of each sample plan (median of 30
# runs, hyperfine), peak RSS (GNU time), PDF size, and an instruction count
# (callgrind: repeatable on a noisy machine) for the Kon Tum plan; the Kon
# Tum render against the floor (tests/floor.c, issue 12) in one paired run,
# and the peak RSS of a 1,000-page plan.
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
echo
plan=plans/kon-tum-70-nam.md
many=$(for i in $(seq 250); do printf '%s ' plans/*.md; done)
hyperfine -N --style none --warmup 3 --runs 30 --export-json "$tmp/v1.json" \
    "$bin validate $plan" >/dev/null 2>&1
hyperfine -N --style none --warmup 1 --runs 10 --export-json "$tmp/v1000.json" \
    "$bin validate $many" >/dev/null 2>&1
/usr/bin/python3 -c 'import json,sys
one=json.load(open(sys.argv[1]))["results"][0]["median"]*1000
k=json.load(open(sys.argv[2]))["results"][0]["median"]*1000
print("validate one plan (whole process): %.2f ms median" % one)
print("validate 1,000 plans in one process: %.0f ms median (%.3f ms a plan)" % (k, k/1000))' \
    "$tmp/v1.json" "$tmp/v1000.json"
echo
# linear growth: a ~1,000-page plan (the Kon Tum body 190 times) against
# the 6-page one, time per page
{ awk 'c<2{print} /^---$/{c++}' plans/kon-tum-70-nam.md
  body=$(awk 'c>=2{print} /^---$/{c++}' plans/kon-tum-70-nam.md)
  for i in $(seq 192); do printf '%s\n\n' "$body"; done; } > "$tmp/long.md"
hyperfine -N --style none --warmup 1 --runs 5 --export-json "$tmp/long.json" \
    "$bin render -o $tmp/long.pdf $tmp/long.md" >/dev/null 2>&1
hyperfine -N --style none --warmup 3 --runs 20 --export-json "$tmp/short.json" \
    "$bin render -o $tmp/short.pdf plans/kon-tum-70-nam.md" >/dev/null 2>&1
long_pages=$(pdfinfo "$tmp/long.pdf" | awk '/^Pages:/{print $2}')
# the floor (issue 12): a static program that maps the four fonts and
# writes and renames a file of the Kon Tum PDF's size; one hyperfine run
# with both commands, so that both see the same machine
kt_size=$(stat -c %s "$tmp/short.pdf")
hyperfine -N --style none --warmup 20 --runs 200 --export-json "$tmp/floor.json" \
    "build/floor fonts $tmp/floor.pdf $kt_size" \
    "$bin render -o $tmp/short.pdf plans/kon-tum-70-nam.md" >/dev/null 2>&1
/usr/bin/python3 -c 'import json,sys
f,r=[x["median"]*1000 for x in json.load(open(sys.argv[1]))["results"]]
print("render / floor = %.1fx (Kon Tum %.2f ms, floor %.2f ms, medians of 200, paired run)" % (r/f, r, f))' \
    "$tmp/floor.json"
long_kb=$(/usr/bin/time -f %M "$bin" render -o "$tmp/long.pdf" "$tmp/long.md" 2>&1 >/dev/null | tail -1)
printf '%s-page plan: peak RSS %.1f MiB\n' "$long_pages" "$(echo "$long_kb / 1024" | bc -l)"
short_pages=$(pdfinfo "$tmp/short.pdf" | awk '/^Pages:/{print $2}')
/usr/bin/python3 -c 'import json,sys
l=json.load(open(sys.argv[1]))["results"][0]["median"]*1000
s=json.load(open(sys.argv[2]))["results"][0]["median"]*1000
lp,sp=int(sys.argv[3]),int(sys.argv[4])
print("long plan: %d pages in %.0f ms = %.3f ms a page; Kon Tum: %d pages in %.2f ms = %.3f ms a page" % (lp,l,l/lp,sp,s,s/sp))' \
    "$tmp/long.json" "$tmp/short.json" "$long_pages" "$short_pages"
# tables (issue 10): a 1,000-row pipe table and a 1,000-row HTML table
# (two header rows, a rowspan group every ten rows), time per page next to
# the Kon Tum plan's
/usr/bin/python3 - "$tmp" <<'PY'
import sys
head = open("plans/kon-tum-70-nam.md", encoding="utf-8").read().split("---\n")[1]
text = "Tổ chức thực hiện phong trào thi đua yêu nước năm 2025 tại các đơn vị trực thuộc"
pipe = "".join("| %d | %s số %d | %d.250.000 | Tháng %d/2025 |\n" % (i, text, i, i, i % 12 + 1)
               for i in range(1, 1001))
open(sys.argv[1] + "/pipe.md", "w", encoding="utf-8").write(
    "---\n" + head + "---\n# Bảng\n\n| STT | Nội dung | Kinh phí | Thời gian |\n| :-: | --- | --: | --- |\n" + pipe)
rows = []
for i in range(1, 1001):
    first = '<td rowspan="2">%d</td>' % i if i % 10 == 1 else ("" if i % 10 == 2 else "<td>%d</td>" % i)
    rows.append("<tr>%s<td>%s số %d</td><td>%d</td><td></td></tr>" % (first, text, i, i % 7))
open(sys.argv[1] + "/html.md", "w", encoding="utf-8").write(
    "---\n" + head + "---\n# Bảng\n\n<table>\n<thead>\n<tr><th rowspan=\"2\">TT</th><th rowspan=\"2\">Nội dung</th>"
    "<th colspan=\"2\">Điểm</th></tr>\n<tr><th>Chuẩn</th><th>Chấm</th></tr>\n</thead>\n<tbody>\n"
    + "\n".join(rows) + "\n</tbody>\n</table>\n")
PY
for kind in pipe html; do
    hyperfine -N --style none --warmup 1 --runs 10 --export-json "$tmp/$kind.json" \
        "$bin render -o $tmp/$kind.pdf $tmp/$kind.md" >/dev/null 2>&1
    /usr/bin/python3 -c 'import json,sys
t=json.load(open(sys.argv[1]))["results"][0]["median"]*1000
p=int(sys.argv[2]); sp=int(sys.argv[4]); s=json.load(open(sys.argv[3]))["results"][0]["median"]*1000
print("1,000-row %s table: %d pages in %.0f ms = %.3f ms a page (Kon Tum: %.3f ms a page)" % (sys.argv[5], p, t, t/p, s/sp))' \
        "$tmp/$kind.json" "$(pdfinfo "$tmp/$kind.pdf" | awk '/^Pages:/{print $2}')" "$tmp/short.json" \
        "$short_pages" "$kind"
done
# the sample plan with appendices, in ms a page
per_page() { # label, plan: median render time a page
    hyperfine -N --style none --warmup 1 --runs 10 --export-json "$tmp/pp.json" \
        "$bin render -o $tmp/pp.pdf $2" >/dev/null 2>&1
    /usr/bin/python3 -c 'import json,sys
t=json.load(open(sys.argv[1]))["results"][0]["median"]*1000
p=int(sys.argv[3])
print("%-34s %4d pages in %8.2f ms = %.3f ms a page" % (sys.argv[2], p, t, t/p))' \
        "$tmp/pp.json" "$1" "$(pdfinfo "$tmp/pp.pdf" | awk '/^Pages:/{print $2}')"
}
for plan in plans/*phu-luc*.md; do
    [ -e "$plan" ] && per_page "appendix sample ($(basename "$plan" .md))" "$plan"
done
per_page "Kon Tum plan" plans/kon-tum-70-nam.md
# memory on a 15 MB plan (issue 9: peak RSS at most 256 MiB): one giant
# paragraph, and ordinary 80-word paragraphs
/usr/bin/python3 - "$tmp" <<'PY'
import random, sys
head = open("plans/kon-tum-70-nam.md", encoding="utf-8").read().split("---\n")[1]
words = ("các đơn vị trực thuộc Sở Y tế tổ chức triển khai thực hiện phong trào "
         "thi đua yêu nước năm 2025 nhằm hoàn thành tốt nhiệm vụ").split()
rng = random.Random(1)
giant = " ".join(rng.choice(words) for _ in range(2_450_000)).encode()[:15_000_000].decode("utf-8", "ignore")
open(sys.argv[1] + "/giant.md", "w", encoding="utf-8").write("---\n" + head + "---\n" + giant + "\n")
out, n = [], 0
while n < 15_000_000:
    p = " ".join(rng.choice(words) for _ in range(80)) + "\n\n"
    out.append(p); n += len(p.encode())
open(sys.argv[1] + "/paras.md", "w", encoding="utf-8").write("---\n" + head + "---\n" + "".join(out))
PY
for kind in giant paras; do
    /usr/bin/time -f "%e %M" -o "$tmp/$kind.time" "$bin" render -o "$tmp/$kind.pdf" "$tmp/$kind.md" 2>/dev/null
    read -r secs kb < "$tmp/$kind.time"
    printf '15 MB plan (%s): %s s, peak RSS %.0f MiB, %s pages\n' "$kind" "$secs" \
        "$(echo "$kb / 1024" | bc -l)" "$(pdfinfo "$tmp/$kind.pdf" | awk '/^Pages:/{print $2}')"
done
# --watch: the time from a save to the new PDF, as the program reports it
cp plans/kon-tum-70-nam.md "$tmp/w.md"
"$bin" render --watch-count=10 -o "$tmp/w.pdf" "$tmp/w.md" 2>"$tmp/w.log" &
wpid=$!
sleep 0.5
for i in $(seq 10); do printf '\n' >> "$tmp/w.md"; sleep 0.2; done
wait $wpid
/usr/bin/python3 -c 'import re,statistics,sys
ms=[float(x) for x in re.findall(r"\(([\d.]+) ms\)", open(sys.argv[1]).read())[1:]]
print("watch: re-render after a save: %.1f ms median of %d" % (statistics.median(ms), len(ms)))' "$tmp/w.log"
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$bin" render \
    -o "$tmp/kt.pdf" plans/kon-tum-70-nam.md 2>"$tmp/cg.err" >/dev/null
echo "instructions (callgrind, kon-tum-70-nam): $(grep -oE 'refs: +[0-9,]+' "$tmp/cg.err" | grep -oE '[0-9,]+$')"
