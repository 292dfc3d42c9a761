#!/bin/sh
# Installs the Debian packages kehoach needs to build and test, when missing.
# As root: apt-get install. Otherwise: says which packages to install.
PKGS="gcc make pkg-config libyaml-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libhpdf-dev libpcre2-dev
      libdeflate-dev libxml2-dev poppler-utils python3 python3-yaml python3-markdown-it valgrind
      hyperfine time gettext clang libclang-rt-14-dev bc util-linux strace man-db icc-profiles-free
      libc-l10n"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null ||
        { echo "apt-get install failed for:$missing" >&2; exit 1; }
else
    echo "missing Debian packages:$missing" >&2
    echo "install them with: sudo apt-get install$missing" >&2
    exit 1
fi
