#!/bin/sh
# Regenerates the README's page images (docs/img/) from the sample plans.
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
build/kehoach render -d "$tmp" plans/kon-tum-70-nam.md plans/giang-thanh-2025.md \
    plans/giang-thanh-2025-phu-luc.md 2>/dev/null
pdftoppm -r 60 -png -singlefile -f 1 -l 1 "$tmp/kon-tum-70-nam.pdf" docs/img/kon-tum-page1
pdftoppm -r 60 -png -singlefile -f 6 -l 6 "$tmp/kon-tum-70-nam.pdf" docs/img/kon-tum-page6
pdftoppm -r 60 -png -singlefile -f 1 -l 1 "$tmp/giang-thanh-2025.pdf" docs/img/giang-thanh-page1
# the appendix sample: the first page whose text holds each of these
pdf="$tmp/giang-thanh-2025-phu-luc.pdf"
page_with() {
    n=$(pdfinfo "$pdf" | awk '/^Pages:/{print $2}')
    for p in $(seq 1 "$n"); do
        if pdftotext -f "$p" -l "$p" "$pdf" - | grep -q "$1"; then echo "$p"; return; fi
    done
}
shot() { # page, name
    pdftoppm -r 60 -png -singlefile -f "$1" -l "$1" "$pdf" "docs/img/$2"
}
shot "$(page_with 'Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị về tiếp')" appendix-sample-footnote
first=$(page_with '^Phụ lục I$')
shot "$first" appendix-sample-scoring
shot $((first + 1)) appendix-sample-scoring-2 # its header rows repeated
shot "$(page_with '^Phụ lục II$')" appendix-sample-budget
rm -rf "$tmp"
# issue 11's frame: first and last (signature) pages of the new samples
tmp=$(mktemp -d)
build/kehoach render -d "$tmp" plans/gia-lai-thi-dua-2025.md plans/kon-tum-2025-lien-tich.md \
    plans/kon-tum-kem-quyet-dinh.md plans/kon-tum-khan.md 2>/dev/null
build/kehoach render --esign -d "$tmp" plans/dong-nai-san-bay-esign.md 2>/dev/null
last() { pdfinfo "$1" | awk '/^Pages:/{print $2}'; }
signed_page() { # the page holding the signer's name (the closing)
    n=$(last "$1")
    for p in $(seq 1 "$n"); do
        if pdftotext -f "$p" -l "$p" "$1" - | grep -q "Nơi nhận"; then echo "$p"; return; fi
    done
}
for name in gia-lai-thi-dua-2025 kon-tum-2025-lien-tich dong-nai-san-bay-esign; do
    pdftoppm -r 60 -png -singlefile -f 1 -l 1 "$tmp/$name.pdf" "docs/img/$name-page1"
    p=$(signed_page "$tmp/$name.pdf")
    pdftoppm -r 60 -png -singlefile -f "$p" -l "$p" "$tmp/$name.pdf" "docs/img/$name-closing"
done
for name in kon-tum-kem-quyet-dinh kon-tum-khan; do
    pdftoppm -r 60 -png -singlefile -f 1 -l 1 "$tmp/$name.pdf" "docs/img/$name-page1"
done
rm -rf "$tmp"
