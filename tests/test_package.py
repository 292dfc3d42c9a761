#!/usr/bin/env python3
"""The Debian package: `make deb` builds it (lintian clean: errors and
warnings fail the build), `dpkg -i` installs it, the installed
/usr/bin/kehoach renders and validates a plan from another folder with its
data from /usr/share/kehoach, the man page and the Vietnamese messages are
in place, and `dpkg -r` removes it all, leaving the system as before.
Needs root and dpkg; says SKIP otherwise, or when a kehoach is already
installed (it is not touched). Prints "PASS name" / "FAIL name: why".
"""
import glob, os, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from khtest import ROOT, check, exit_status  # noqa: E402

OWNED = ["/usr/bin/kehoach", "/usr/share/kehoach", "/usr/share/man/man1/kehoach.1.gz",
         "/usr/share/locale/vi/LC_MESSAGES/kehoach.mo", "/usr/share/doc/kehoach",
         "/usr/share/bash-completion/completions/kehoach"]
PLAN = os.path.join(ROOT, "plans", "kon-tum-70-nam.md")
BROKEN = os.path.join(ROOT, "tests", "invalid", "date-not-real.md")


def skip(why):
    print("SKIP Debian package: " + why)
    sys.exit(0)


def status():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "kehoach"], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else "not-installed"


def excluded(path):
    """True when dpkg is told not to unpack path (path-exclude in
    /etc/dpkg/dpkg.cfg.d, as slim container images do for man pages and
    translations)."""
    import fnmatch
    ex, inc = False, False
    for cfg in glob.glob("/etc/dpkg/dpkg.cfg.d/*") + ["/etc/dpkg/dpkg.cfg"]:
        try:
            for line in open(cfg):
                w = line.split()
                if len(w) == 2 and w[0] == "path-exclude" and fnmatch.fnmatch(path, w[1]):
                    ex = True
                if len(w) == 2 and w[0] == "path-include" and fnmatch.fnmatch(path, w[1]):
                    inc = True
        except OSError:
            pass
    return ex and not inc


def build_depends():
    """debian/control's Build-Depends and tests/deps.sh's build list agree
    (the latter adds gcc and make, build-essential; debhelper is in its
    package list)."""
    import re
    control = open(os.path.join(ROOT, "debian", "control"), encoding="utf-8").read()
    m = re.search(r"^Build-Depends:(.*?)^\S", control, re.M | re.S)
    bd = {re.sub(r"\s*\(.*", "", d).strip() for d in m.group(1).split(",")} if m else set()
    bd.discard("")
    deps = lambda lst: set(subprocess.run(["sh", os.path.join(ROOT, "tests", "deps.sh"), "--print", lst],
                                          capture_output=True, text=True).stdout.split())
    want = deps("build") - {"gcc", "make"}
    check(bd - {"debhelper-compat"} == want and "debhelper-compat" in bd and "debhelper" in deps("package"),
          "package: Build-Depends is tests/deps.sh's build list", (sorted(bd ^ want)))


def main():
    build_depends()
    if os.geteuid() != 0:
        skip("not root: dpkg -i needs root (the CI machine is)")
    for tool in ("dpkg", "dpkg-buildpackage", "dh", "lintian"):
        if not shutil.which(tool):
            skip("%s is not installed (sh tests/deps.sh package installs it)" % tool)
    if status() != "not-installed" or any(os.path.exists(p) for p in OWNED):
        skip("a kehoach is already installed (%s): not touched" % status())
    before = {p: os.path.exists(p) for p in OWNED}

    t0 = time.time()
    r = subprocess.run(["make", "-s", "deb"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    debs = glob.glob(os.path.join(ROOT, "build", "kehoach_*.deb"))
    check(r.returncode == 0 and len(debs) == 1, "package: make deb builds build/kehoach_*.deb, lintian clean "
          "(%.0f s)" % (time.time() - t0), (r.stdout + r.stderr)[-1500:])
    if r.returncode or len(debs) != 1:
        return exit_status()
    deb = debs[0]
    leftovers = [f for f in os.listdir(os.path.dirname(ROOT)) if f.startswith("kehoach_")]
    check(not leftovers, "package: nothing written beside the repository", leftovers)
    info = subprocess.run(["dpkg-deb", "-f", deb, "Depends", "Recommends", "Build-Depends"],
                          capture_output=True, text=True).stdout
    test_tools = ("valgrind", "clang", "hyperfine", "poppler", "python3", "strace", "qpdf", "debhelper")
    check("libhpdf" in info and "libyaml" in info and "libxml2" in info
          and not any(t in info for t in test_tools),
          "package: Depends the runtime libraries only, no test tool", info)
    files = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True).stdout
    for f in ("./usr/bin/kehoach", "./usr/share/kehoach/templates/ke-hoach.yaml",
              "./usr/share/kehoach/schemas/ke-hoach.schema.yaml",
              "./usr/share/kehoach/fonts/LiberationSerif-Regular.ttf", "./usr/share/kehoach/fonts/LICENSE",
              "./usr/share/man/man1/kehoach.1.gz", "./usr/share/locale/vi/LC_MESSAGES/kehoach.mo",
              "./usr/share/bash-completion/completions/kehoach", "./usr/share/doc/kehoach/copyright"):
        check(f in files, "package: holds " + f[1:])
    copyright = subprocess.run(["sh", "-c", "dpkg-deb --fsys-tarfile '%s' | tar -xOf - "
                                "./usr/share/doc/kehoach/copyright" % deb], capture_output=True,
                               text=True).stdout
    check("License: SIL-OFL-1.1" in copyright and "SIL OPEN FONT LICENSE Version 1.1" in copyright
          and "Files: fonts/*.ttf" in copyright, "package: copyright holds the fonts' licence")

    try:
        r = subprocess.run(["dpkg", "-i", deb], capture_output=True, text=True, timeout=120)
        check(r.returncode == 0 and status() == "install ok installed", "package: dpkg -i installs it",
              (r.stdout + r.stderr)[-800:])
        if r.returncode:
            return exit_status()
        env = {k: v for k, v in os.environ.items() if k not in ("KEHOACH_DATA", "KEHOACH")}
        env.update(SOURCE_DATE_EPOCH="0", LC_ALL="C.UTF-8", LANGUAGE="")
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(PLAN, os.path.join(tmp, "ke-hoach.md"))
            shutil.copy(BROKEN, os.path.join(tmp, "hong.md"))
            r = subprocess.run(["/usr/bin/kehoach", "render", "ke-hoach.md"], cwd=tmp, env=env,
                               capture_output=True, text=True, timeout=60)
            pdf = os.path.join(tmp, "ke-hoach.pdf")
            head = open(pdf, "rb").read(5) if os.path.exists(pdf) else b""
            check(r.returncode == 0 and head == b"%PDF-", "package: the installed kehoach renders a plan "
                  "in another folder", r.stderr[-500:])
            if shutil.which("pdftotext") and head:
                text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
                check("KẾ HOẠCH" in text, "package: the PDF reads back (pdftotext)", text[:200])
            r = subprocess.run(["/usr/bin/kehoach", "validate", "ke-hoach.md"], cwd=tmp, env=env,
                               capture_output=True, text=True, timeout=60)
            check(r.returncode == 0, "package: the installed kehoach validates a good plan", r.stderr[-500:])
            r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat", "/usr/bin/kehoach", "validate",
                                "ke-hoach.md"], cwd=tmp, env=env, capture_output=True, text=True,
                               timeout=60) if shutil.which("strace") else None
            if r is not None:
                check(r.returncode == 0 and "/share/kehoach/schemas/ke-hoach.schema.yaml" in r.stderr
                      and ROOT not in r.stderr,
                      "package: data from /usr/share/kehoach, nothing from the source tree",
                      [l for l in r.stderr.split("\n") if ROOT in l][:3])
            vi = dict(env, LC_ALL="", LANG="vi_VN.UTF-8", LANGUAGE="")
            r = subprocess.run(["/usr/bin/kehoach", "validate", "hong.md"], cwd=tmp, env=vi,
                               capture_output=True, text=True, timeout=60)
            mo = "/usr/share/locale/vi/LC_MESSAGES/kehoach.mo"
            if excluded(mo):
                print("SKIP package: Vietnamese messages: dpkg is told not to unpack %s (path-exclude)" % mo)
            else:
                check(r.returncode == 1 and "hong.md:9:7: lỗi: 'date' phải là ngày hợp lệ" in r.stderr,
                      "package: LANG=vi_VN.UTF-8 gives Vietnamese", r.stderr[-400:])
            man = "/usr/share/man/man1/kehoach.1.gz"
            if excluded(man):
                print("SKIP package: man page: dpkg is told not to unpack %s (path-exclude)" % man)
            elif shutil.which("man"):
                r = subprocess.run(["man", "kehoach"], env=dict(env, MANPAGER="cat", MANWIDTH="80"),
                                   capture_output=True, text=True, timeout=60)
                check(r.returncode == 0 and "SYNOPSIS" in r.stdout and "kehoach render" in r.stdout,
                      "package: man kehoach", r.stderr[-300:])
            else:
                check(os.path.exists(man), "package: the man page is installed")
            bc = "/usr/share/bash-completion/bash_completion"
            if os.path.exists(bc):
                r = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                                    '. %s; __load_completion kehoach && complete -p kehoach' % bc],
                                   capture_output=True, text=True, timeout=60)
                check("-F _kehoach" in r.stdout, "package: bash-completion loads the completion",
                      r.stdout + r.stderr[-300:])
    finally:
        r = subprocess.run(["dpkg", "-r", "kehoach"], capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "package: dpkg -r removes it", (r.stdout + r.stderr)[-500:])
    if status() != "not-installed":  # dpkg -r keeps a package with conffiles known
        subprocess.run(["dpkg", "-P", "kehoach"], capture_output=True)
    after = {p: os.path.exists(p) for p in OWNED}
    check(after == before and status() == "not-installed", "package: the system is as before",
          (after, status()))
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
