#!/usr/bin/env python3
"""Everyday work: kehoach new, batches with -j and a progress line, --watch,
messages in Vietnamese, make install into a DESTDIR that is then moved.
Prints "PASS name" / "FAIL name: why" lines.
"""
import os, re, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
from khtest import ROOT, KEHOACH, check, exit_status  # noqa: E402


def run(args, env=None, cwd=None, timeout=120):
    return khtest.run(args, env=env, cwd=cwd, timeout=timeout, epoch="1767225600")

PLANS = sorted(os.path.join(ROOT, "plans", p) for p in os.listdir(os.path.join(ROOT, "plans"))
               if p.endswith(".md"))  # plans/images/ holds the e-signing sample's pictures
# the plan the watch and PDF/A tests edit (it holds "Võ Văn Thanh")
KON_TUM = os.path.join(ROOT, "plans", "kon-tum-70-nam.md")


def test_new(tmp):
    p = os.path.join(tmp, "moi.md")
    r = run([KEHOACH, "new", p])
    text = open(p, encoding="utf-8").read() if os.path.exists(p) else ""
    check(r.returncode == 0 and "date: 2026-01-01" in text and "# Mục đích, yêu cầu" in text
          and "# Tổ chức thực hiện" in text, "new: writes the skeleton dated today", r.stderr.decode())
    r = run([KEHOACH, "new", p])
    check(r.returncode == 2 and b"already exists: not overwritten" in r.stderr
          and open(p, encoding="utf-8").read() == text, "new: refuses to overwrite")
    r = run([KEHOACH, "new", "--type", "quyet-dinh", os.path.join(tmp, "x.md")])
    check(r.returncode == 2 and not os.path.exists(os.path.join(tmp, "x.md")), "new: unknown type")
    r = run([KEHOACH, "validate", p])
    holes = text.count("«")
    flagged = r.stderr.decode().count("[placeholder]")
    check(r.returncode == 1 and flagged == holes and holes >= 10,
          "new: validate flags every placeholder (%d)" % holes, r.stderr.decode()[:500])
    filled = re.sub(r"«([^»]*)»", lambda m: "Nội dung cần điền", text)
    filled = filled.replace("code: Nội dung cần điền", "code: SYT")
    open(p, "w", encoding="utf-8").write(filled)
    r = run([KEHOACH, "validate", p])
    check(r.returncode == 0, "new: once filled in, the plan validates", r.stderr.decode()[:500])
    r = run([KEHOACH, "render", "-o", os.path.join(tmp, "moi.pdf"), p])
    check(r.returncode == 0, "new: and renders", r.stderr.decode()[:300])


def test_batch(tmp):
    bad = os.path.join(ROOT, "tests", "invalid", "authority-without-head.md")
    plans = PLANS + [bad] + PLANS  # the same plan twice is fine: same output
    serial, par = os.path.join(tmp, "serial"), os.path.join(tmp, "par")
    os.mkdir(serial)
    os.mkdir(par)
    r1 = run([KEHOACH, "render", "-j", "1", "-d", serial, *plans])
    t = time.time()
    r2 = run([KEHOACH, "render", "-j", "2", "-d", par, *plans])
    dt = time.time() - t
    check(r1.returncode == 1 and r2.returncode == 1, "batch: worst exit status (1) with one bad plan")
    same = all(open(os.path.join(serial, f), "rb").read() == open(os.path.join(par, f), "rb").read()
               for f in os.listdir(serial))
    check(sorted(os.listdir(serial)) == sorted(os.listdir(par)) and len(os.listdir(par)) == len(PLANS)
          and same, "batch: -j2 writes the same PDFs as -j1", str(os.listdir(par)))
    check(sorted(r1.stderr.decode().split("\n")) == sorted(r2.stderr.decode().split("\n")),
          "batch: -j2 reports the same diagnostics, not interleaved")
    check("\033[K" not in r2.stderr.decode(), "batch: no progress line when stderr is not a terminal")
    r = run(["script", "-qec", "%s render -j 2 -d %s %s" % (KEHOACH, par, " ".join(PLANS)), "/dev/null"])
    out = r.stdout.decode()
    check(r.returncode == 0 and "[%d/%d]" % (len(PLANS), len(PLANS)) in out and "\r\033[K" in out,
          "batch: a progress line on a terminal", repr(out[:200]))
    print("PASS batch: %d plans with -j2 in %.2f s" % (len(plans), dt))


def wait_for(pred, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_watch_refused(tmp):
    """A plan whose folder cannot be watched: a clear error, exit 2, and
    (under ASan) nothing leaked though another plan was already watched."""
    r = run([KEHOACH, "render", "--watch", "-d", tmp, os.path.join(ROOT, "plans", "kon-tum-70-nam.md"),
             os.path.join(tmp, "missing", "plan.md")])
    err = r.stderr.decode()
    check(r.returncode == 2 and "cannot watch" in err and "LeakSanitizer" not in err,
          "watch: a folder that cannot be watched: exit 2, clear error, nothing leaked", err[-600:])
    check(os.listdir(tmp) == [], "watch: refused before any render", str(os.listdir(tmp)))


def test_watch(tmp):
    plan = os.path.join(tmp, "kt.md")
    shutil.copy(KON_TUM, plan)
    pdf = os.path.join(tmp, "kt.pdf")
    log = open(os.path.join(tmp, "watch.log"), "w+")
    proc = subprocess.Popen([KEHOACH, "render", "--watch-count=2", "-o", pdf, plan],
                            stderr=log, env=dict(os.environ, SOURCE_DATE_EPOCH="0"))
    try:
        ok = wait_for(lambda: b"watching" in open(log.name, "rb").read(), 10)
        check(ok and os.path.exists(pdf), "watch: first render, then watching")
        text = open(plan, encoding="utf-8").read()
        with open(plan, "w", encoding="utf-8") as f:  # write in place
            f.write(text.replace("Võ Văn Thanh", "Võ Văn Thành"))
        ok = wait_for(lambda: open(log.name, encoding="utf-8").read().count(" -> ") >= 2, 10)
        got = subprocess.run(["pdftotext", pdf, "-"], capture_output=True).stdout.decode()
        check(ok and "Võ Văn Thành" in got, "watch: a save re-renders", open(log.name).read()[-300:])
        m = re.findall(r"\(([\d.]+) ms\)", open(log.name).read())
        good = open(pdf, "rb").read()
        tmpfile = plan + ".swp"  # an editor that writes a new file and renames it
        with open(tmpfile, "w", encoding="utf-8") as f:
            f.write(text.replace("date: 2024", "date: 2024-02-30"))
        os.rename(tmpfile, plan)
        ok = wait_for(lambda: "kept the last good" in open(log.name, encoding="utf-8").read(), 10)
        check(ok and open(pdf, "rb").read() == good, "watch: an invalid save keeps the last good PDF",
              open(log.name).read()[-400:])
        check(proc.wait(timeout=10) == 0, "watch: stops after --watch-count renders")
        if m:
            print("PASS watch: re-render took %s ms" % m[-1])
    finally:
        if proc.poll() is None:
            proc.kill()


def test_messages():
    f = os.path.join(ROOT, "tests", "invalid", "date-not-real.md")
    r = run([KEHOACH, "validate", f], env={"LC_ALL": "", "LANG": "vi_VN.UTF-8", "LANGUAGE": ""})
    line = r.stderr.decode().split("\n")[0]
    check(": lỗi: " in line and "[date]" in line and "must be" not in line,
          "i18n: Vietnamese locale gives Vietnamese messages", line)
    r = run([KEHOACH, "validate", f], env={"LC_ALL": "C.UTF-8", "LANGUAGE": ""})
    check(": error: 'date' must be a real date" in r.stderr.decode(), "i18n: C locale gives English")
    r = run([KEHOACH, "validate", f], env={"LC_ALL": "", "LANG": "en_US.UTF-8", "LANGUAGE": ""})
    check(": error: " in r.stderr.decode(), "i18n: English locale gives English")
    r = run([KEHOACH, "--help"], env={"LC_ALL": "", "LANG": "vi_VN.UTF-8", "LANGUAGE": ""})
    check(r.returncode == 0 and "kehoach render" in r.stdout.decode() and "Usage:" not in r.stdout.decode(),
          "i18n: --help in Vietnamese", r.stdout.decode()[:200])
    r = run([KEHOACH, "--help"], env={"LC_ALL": "C.UTF-8", "LANGUAGE": ""})
    out = r.stdout.decode()
    check(r.returncode == 0 and out.startswith("Usage: kehoach render") and "--help" in out
          and "--version" in out and "Report bugs" in out, "cli: --help follows GNU conventions")
    r = run([KEHOACH, "render", "--bogus", "x.md"], env={"LC_ALL": "C.UTF-8", "LANGUAGE": ""})
    err = r.stderr.decode()
    check(r.returncode == 2 and "unrecognized option '--bogus'" in err
          and "Try 'kehoach --help' for more information." in err and "Usage:" not in err,
          "cli: a mistyped option gets one line pointing at --help, not the whole text", err)
    r = run([KEHOACH, "--version"], env={"LC_ALL": "C.UTF-8", "LANGUAGE": ""})
    check(re.match(r"kehoach \d+\.\d+\.\d+\n", r.stdout.decode()), "cli: --version")


def test_install(tmp):
    dest = os.path.join(tmp, "pkg")
    r = subprocess.run(["make", "-s", "install", "PREFIX=/usr", "DESTDIR=" + dest], cwd=ROOT,
                       capture_output=True)
    check(r.returncode == 0, "install: make install PREFIX=/usr DESTDIR=…", r.stderr.decode()[-500:])
    moved = os.path.join(tmp, "elsewhere")
    shutil.move(os.path.join(dest, "usr"), moved)
    for f in ("bin/kehoach", "share/man/man1/kehoach.1", "share/kehoach/templates/ke-hoach.yaml",
              "share/kehoach/schemas/ke-hoach.schema.yaml", "share/kehoach/fonts/LiberationSerif-Regular.ttf",
              "share/kehoach/fonts/LICENSE", "share/locale/vi/LC_MESSAGES/kehoach.mo"):
        check(os.path.exists(os.path.join(moved, f)), "install: " + f)
    plan = os.path.join(tmp, "kt.md")
    shutil.copy(KON_TUM, plan)
    env = {k: v for k, v in os.environ.items() if k != "KEHOACH_DATA"}
    r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat,open,stat,newfstatat,access,execve",
                        "-o", os.path.join(tmp, "trace"), os.path.join(moved, "bin", "kehoach"),
                        "render", "-o", os.path.join(tmp, "kt.pdf"), plan],
                       capture_output=True, env=env, cwd=tmp)
    trace = open(os.path.join(tmp, "trace")).read()
    check(r.returncode == 0 and os.path.exists(os.path.join(tmp, "kt.pdf")),
          "install: the moved program renders", r.stderr.decode()[:300])
    check(ROOT not in trace, "install: nothing is read from the source tree",
          "\n".join(l for l in trace.split("\n") if ROOT in l)[:400])
    r = subprocess.run([os.path.join(moved, "bin", "kehoach"), "validate",
                        os.path.join(ROOT, "tests", "invalid", "date-not-real.md")],
                       capture_output=True, env=dict(env, LC_ALL="", LANG="vi_VN.UTF-8", LANGUAGE=""))
    check(": lỗi: " in r.stderr.decode(), "install: translations found beside the program")
    man = subprocess.run(["man", "-l", os.path.join(moved, "share/man/man1/kehoach.1")],
                         capture_output=True, env=dict(env, MANPAGER="cat", MANWIDTH="80"))
    check(man.returncode == 0 and b"SYNOPSIS" in man.stdout, "install: the man page reads", man.stderr.decode()[:200])


def test_pdfa(tmp):
    """PDF/A-1b: no validator is packaged in Debian, so the structural
    requirements of ISO 19005-1 are checked one by one."""
    import xml.etree.ElementTree as ET
    out = os.path.join(tmp, "a.pdf")
    r = run([KEHOACH, "render", "--pdfa", "-o", out, KON_TUM])
    check(r.returncode == 0, "pdfa: renders", r.stderr.decode())
    if r.returncode:
        return
    data = open(out, "rb").read()
    check(re.match(rb"%PDF-1\.[0-4]\n%[\x80-\xff]{4}", data), "pdfa: header version <= 1.4 and a binary comment")
    meta = subprocess.run(["pdfinfo", "-meta", out], capture_output=True).stdout.decode()
    info = subprocess.run(["pdfinfo", out], capture_output=True).stdout.decode()
    ns = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
          "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "pdf": "http://ns.adobe.com/pdf/1.3/"}
    try:
        xmp = ET.fromstring(meta[meta.index("<x:xmpmeta"):meta.index("</x:xmpmeta>") + 12])
    except Exception as e:  # noqa
        xmp = None
    check(xmp is not None, "pdfa: XMP metadata is well-formed XML")
    if xmp is not None:
        get = lambda path: (xmp.find(path, ns).text if xmp.find(path, ns) is not None else None)
        title = re.search(r"^Title:\s+(.*)$", info, re.M).group(1)
        producer = re.search(r"^Producer:\s+(.*)$", info, re.M).group(1)
        check(get(".//pdfaid:part") == "1" and get(".//pdfaid:conformance") == "B", "pdfa: pdfaid part 1, conformance B")
        check(get(".//dc:title/rdf:Alt/rdf:li") == title, "pdfa: XMP title equals the Info title")
        check(get(".//pdf:Producer") == producer, "pdfa: XMP producer equals the Info producer")
    m = re.search(rb"/Type /Metadata\n/Subtype /XML\n(.*?)>>", data, re.S) or re.search(rb"<<[^>]*?/Metadata[^>]*>>", data)
    md = re.search(rb"<<\n(?:/[^\n]*\n)*?/Type /Metadata\n(?:/[^\n]*\n)*?>>", data)
    check(md is not None and b"/Filter" not in md.group(0), "pdfa: the metadata stream is not filtered")
    check(b"/OutputIntents" in data and b"/S /GTS_PDFA1" in data and b"/DestOutputProfile" in data,
          "pdfa: a GTS_PDFA1 output intent with an ICC profile")
    fonts = data.count(b"/Type /FontDescriptor")
    check(fonts == 4 and data.count(b"/CIDSet") == fonts, "pdfa: every subset font has a CIDSet")
    check(re.search(rb"trailer\n<<\n/ID \[ ?<[0-9A-F]{32}> <[0-9A-F]{32}> ?\]", data) is not None,
          "pdfa: a file identifier in the trailer")
    check(b"/Encrypt" not in data and b"/JavaScript" not in data and b"/SMask" not in data,
          "pdfa: no encryption, JavaScript or transparency")
    r2 = run([KEHOACH, "render", "--pdfa", "-o", out + "2", KON_TUM])
    check(open(out + "2", "rb").read() == data, "pdfa: byte-identical when rendered again")
    fonts_out = subprocess.run(["pdffonts", out], capture_output=True).stdout.decode()
    check(fonts_out.count(" yes yes yes ") == 4, "pdfa: fonts embedded with ToUnicode")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in (("new", test_new), ("batch", test_batch), ("watch", test_watch),
                         ("watch-refused", test_watch_refused),
                         ("install", test_install), ("pdfa", test_pdfa)):
            d = os.path.join(tmp, name)
            os.mkdir(d)
            fn(d)
        test_messages()
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
