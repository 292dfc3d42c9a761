#!/bin/sh
# Installs the Debian packages kehoach needs, when missing.
# As root: apt-get install. Otherwise: says which packages to install.
# Usage: sh tests/deps.sh [build|package|test]...  (default: build)
#        sh tests/deps.sh --print runtime|build|package|test  (one list's
#        names, nothing checked: action.yml installs --print build)
#   build    what the program needs to run and to be built (`make`,
#            `make install`, `make demo`): RUNTIME + BUILD
#   package  also what `make deb` needs to make and check the Debian package
#   test     also what the tests, benchmarks and fuzzing need (`make test`)
# So `make install` and the package never pull test tools (valgrind,
# clang, hyperfine). RUNTIME: kehoach's libraries (libxml2 is opened at run
# time when a plan holds HTML; libc-l10n gives glibc's own Vietnamese).
# BUILD is debian/control's Build-Depends with gcc and make (build-essential)
# and without debhelper (tests/test_package.py checks they agree).
RUNTIME="libyaml-0-2 libutf8proc2 libcmark-gfm0.29.0.gfm.6 libcmark-gfm-extensions0.29.0.gfm.6
      libhpdf-2.3.0 libpcre2-8-0 libdeflate0 libxml2 libc-l10n libpng16-16"
BUILD="gcc make pkg-config libyaml-dev libutf8proc-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
      libhpdf-dev libpcre2-dev libdeflate-dev libxml2-dev gettext libpng-dev"
PACKAGE="debhelper dpkg-dev lintian"
TEST="poppler-utils python3 python3-yaml python3-markdown-it valgrind hyperfine time
      clang libclang-rt-14-dev bc util-linux strace man-db icc-profiles-free
      libnss3-tools qpdf bash-completion"
if [ "${1-}" = --print ]; then
    case ${2-} in
    runtime) echo $RUNTIME ;; build) echo $BUILD ;;
    package) echo $PACKAGE ;; test) echo $TEST ;;
    *) echo "tests/deps.sh: --print runtime, build, package or test" >&2; exit 2 ;;
    esac
    exit 0
fi
PKGS="$RUNTIME $BUILD"
for level in ${*:-build}; do
    case $level in
    build) ;;
    package) PKGS="$PKGS $PACKAGE" ;;
    test) PKGS="$PKGS $TEST" ;;
    *) echo "tests/deps.sh: unknown list '$level' (build, package or test)" >&2; exit 2 ;;
    esac
done
missing=""
for p in $PKGS; do
    case " $missing " in *" $p "*) continue ;; esac
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
