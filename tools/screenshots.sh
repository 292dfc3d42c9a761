#!/bin/sh
# Regenerates the README's page images (docs/img/) from the sample plans.
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
build/kehoach render -d "$tmp" plans/kon-tum-70-nam.md plans/giang-thanh-2025.md
pdftoppm -r 60 -png -singlefile -f 1 -l 1 "$tmp/kon-tum-70-nam.pdf" docs/img/kon-tum-page1
pdftoppm -r 60 -png -singlefile -f 6 -l 6 "$tmp/kon-tum-70-nam.pdf" docs/img/kon-tum-page6
pdftoppm -r 60 -png -singlefile -f 1 -l 1 "$tmp/giang-thanh-2025.pdf" docs/img/giang-thanh-page1
rm -rf "$tmp"
