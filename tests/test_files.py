#!/usr/bin/env python3
"""Files and messages (issue 9): no input, option or file-system state makes
kehoach overwrite anything but the output it was asked to write, block on a
FIFO, or print mojibake.

Every refusal is exit status 2 with one exact "io" message naming the path,
and leaves every file as it was (compared byte for byte). Devices and FIFOs
are written through, never replaced; "-" is standard input and output.
Commands that could hang run under a timeout. Prints "PASS name" /
"FAIL name: why" lines.
"""
import os, pty, shutil, subprocess, sys, tempfile, threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
from khtest import ROOT, KEHOACH, check, exit_status  # noqa: E402

PLAN = os.path.join(ROOT, "plans", "dong-nai-2024.md")
TITLE = "Công tác thi đua, khen thưởng ngành Y tế tỉnh Đồng Nai năm 2024"


def run(args, cwd=None, env=None, timeout=60, stdin=None):
    e = dict(os.environ, SOURCE_DATE_EPOCH="0")
    e.update(env or {})
    return subprocess.run([KEHOACH] + args, cwd=cwd, env=e, timeout=timeout,
                          stdin=stdin if stdin is not None else subprocess.DEVNULL,
                          capture_output=True)


def snapshot(d):
    """Every file under d (and what each link points to): name -> bytes."""
    out = {}
    for base, dirs, files in os.walk(d):
        for f in sorted(files + dirs):
            p = os.path.join(base, f)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p))
            elif os.path.isfile(p):
                out[rel] = open(p, "rb").read()
            else:
                out[rel] = ("kind", os.stat(p).st_mode & 0o170000)
    return out


def refused(name, args, cwd, message, stdin=None, env=None):
    """args must be refused: exit 2, exactly message on stderr, nothing in
    cwd changed and nothing on stdout."""
    before = snapshot(cwd)
    r = run(args, cwd=cwd, stdin=stdin, env=env)
    err = r.stderr.decode()
    check(r.returncode == 2, name + ": exit 2", "exit %d: %s" % (r.returncode, err))
    check(err == message, name + ": the message", repr(err))
    check(snapshot(cwd) == before, name + ": every file as it was, byte for byte")
    check(r.stdout == b"", name + ": nothing on standard output", r.stdout[:80])


def is_pdf(data):
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def pdf_text(data):
    r = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True)
    return " ".join(r.stdout.decode().split())


def test_output_is_input(tmp):
    d = os.path.join(tmp, "same")
    os.makedirs(os.path.join(d, "sub"))
    shutil.copy(PLAN, os.path.join(d, "plan.md"))
    os.symlink("plan.md", os.path.join(d, "link.md"))
    os.link(os.path.join(d, "plan.md"), os.path.join(d, "hard.md"))
    os.symlink(".", os.path.join(d, "here"))
    msg = "%s: error: is the plan plan.md itself: not overwritten with the PDF (choose another output) [io]\n"
    for out in ("plan.md", "./plan.md", "link.md", "hard.md", "here/plan.md",
                "sub/../plan.md", os.path.join(d, "plan.md")):
        refused("-o %s plan.md (issue 9 example 6)" % out, ["render", "-o", out, "plan.md"], d, msg % out)
    # the plan given through a link, the output by its own name
    refused("-o plan.md link.md", ["render", "-o", "plan.md", "link.md"], d,
            "plan.md: error: is the plan link.md itself: not overwritten with the PDF (choose another output) [io]\n")
    # -d DIR where DIR/NAME.pdf is the plan itself
    shutil.copy(PLAN, os.path.join(d, "sub", "x.pdf"))
    refused("-d sub sub/x.pdf", ["render", "-d", "sub", "sub/x.pdf"], d,
            "sub/x.pdf: error: is the plan sub/x.pdf itself: not overwritten with the PDF (choose another output) [io]\n")
    # the plan on standard input, redirected from the output file
    with open(os.path.join(d, "plan.md"), "rb") as f:
        refused("-o plan.md - < plan.md", ["render", "-o", "plan.md", "-"], d,
                "plan.md: error: is the plan <stdin> itself: not overwritten with the PDF (choose another output) [io]\n",
                stdin=f)
    # standard output appended to the plan
    with open(os.path.join(d, "plan.md"), "rb") as f:
        before = f.read()
    with open(os.path.join(d, "plan.md"), "ab") as f:
        r = subprocess.run([KEHOACH, "render", "-o", "-", "plan.md"], cwd=d, stdout=f,
                           stderr=subprocess.PIPE, timeout=60)
    check(r.returncode == 2 and r.stderr.decode() ==
          "<stdout>: error: is the plan plan.md itself: not overwritten with the PDF (choose another output) [io]\n",
          "-o - plan.md >> plan.md: refused", r.stderr.decode())
    check(open(os.path.join(d, "plan.md"), "rb").read() == before, "-o - plan.md >> plan.md: plan unchanged")


def test_output_is_other_input(tmp):
    """The other files a plan reads — its appendix files, the template,
    the schema, the fonts — are never overwritten with its PDF either."""
    d = os.path.join(tmp, "other-inputs")
    os.makedirs(os.path.join(d, "phu-luc"))
    text = open(PLAN, encoding="utf-8").read()
    text = text.replace("  code: SYT\n", "  code: SYT\n  full_name: Sở Y tế\n", 1)
    text = text.replace("\narchive:", "\nappendices: [phu-luc/a.md]\narchive:", 1)
    text += "\nChi tiết tại Phụ lục kèm theo.\n"
    open(os.path.join(d, "plan.md"), "w", encoding="utf-8").write(text)
    open(os.path.join(d, "phu-luc", "a.md"), "w", encoding="utf-8").write(
        "# Phụ lục: Danh mục\n\nNội dung.\n")
    r = run(["render", "-o", "ok.pdf", "plan.md"], cwd=d)
    check(r.returncode == 0, "appendix plan renders", r.stderr.decode())
    os.unlink(os.path.join(d, "ok.pdf"))
    for out in ("phu-luc/a.md", "./phu-luc/../phu-luc/a.md"):
        refused("-o %s: an appendix file of the plan" % out, ["render", "-o", out, "plan.md"], d,
                "%s: error: is %s, which the plan reads: not overwritten with the PDF "
                "(choose another output) [io]\n" % (out, os.path.join("phu-luc", "a.md")))
    dd = data_copy(tmp, "other-inputs-data")
    for rel in ("templates/ke-hoach.yaml", "schemas/ke-hoach.schema.yaml",
                "fonts/LiberationSerif-Italic.ttf"):
        out = os.path.join(dd, rel)
        before = open(out, "rb").read()
        r = run(["render", "-o", out, "plan.md"], cwd=d, env={"KEHOACH_DATA": dd})
        err = r.stderr.decode()
        check(r.returncode == 2 and err.startswith(out + ": error: is ") and
              "which the plan reads: not overwritten" in err,
              "-o %s: refused (exit 2)" % rel, err)
        check(open(out, "rb").read() == before, "-o %s: the data file unchanged" % rel)


def test_two_plans_one_output(tmp):
    d = os.path.join(tmp, "two")
    for sub in ("a", "b", "out"):
        os.makedirs(os.path.join(d, sub))
    shutil.copy(PLAN, os.path.join(d, "a", "x.md"))
    shutil.copy(PLAN, os.path.join(d, "b", "x.md"))
    msg = "out/x.pdf: error: both a/x.md and b/x.md would be written here: nothing written (render them into different places) [io]\n"
    refused("-d out a/x.md b/x.md", ["render", "-d", "out", "a/x.md", "b/x.md"], d, msg)
    refused("-j 2 -d out a/x.md b/x.md", ["render", "-j", "2", "-d", "out", "a/x.md", "b/x.md"], d, msg)
    refused("--watch -d out a/x.md b/x.md", ["render", "--watch-count=1", "-d", "out", "a/x.md", "b/x.md"], d, msg)
    # one plan given twice (however spelt) writes the same bytes twice: allowed
    r = run(["render", "-j", "2", "-d", "out", "a/x.md", "./a/x.md"], cwd=d)
    check(r.returncode == 0 and os.listdir(os.path.join(d, "out")) == ["x.pdf"],
          "one plan given twice: rendered", r.stderr.decode())
    os.unlink(os.path.join(d, "out", "x.pdf"))
    os.symlink("out", os.path.join(d, "out2"))
    refused("-d out and a link to it (two renders of one batch)", ["render", "-d", "out2", "a/x.md", "b/x.md"], d,
            msg.replace("out/x.pdf", "out2/x.pdf"))
    # x.md and x.markdown both make out/x.pdf
    shutil.copy(PLAN, os.path.join(d, "a", "x.markdown"))
    refused("a/x.md and a/x.markdown", ["render", "-d", "out", "a/x.md", "a/x.markdown"], d,
            "out/x.pdf: error: both a/x.md and a/x.markdown would be written here: nothing written (render them into different places) [io]\n")
    # different names: both written
    shutil.copy(PLAN, os.path.join(d, "b", "y.md"))
    r = run(["render", "-j", "2", "-d", "out", "a/x.md", "b/y.md"], cwd=d)
    check(r.returncode == 0 and sorted(os.listdir(os.path.join(d, "out"))) == ["x.pdf", "y.pdf"],
          "-d out a/x.md b/y.md: both written", r.stderr.decode())


def test_non_regular_outputs(tmp):
    d = os.path.join(tmp, "kinds")
    os.makedirs(os.path.join(d, "dir"))
    shutil.copy(PLAN, os.path.join(d, "plan.md"))
    refused("-o DIR", ["render", "-o", "dir", "plan.md"], d,
            "dir: error: is a directory, not a file: nothing written [io]\n")
    os.symlink("missing.pdf", os.path.join(d, "dangling.pdf"))
    refused("-o a dangling link", ["render", "-o", "dangling.pdf", "plan.md"], d,
            "dangling.pdf: error: is a symbolic link to a missing file: nothing written [io]\n")

    # /dev/null: written through, still the device afterwards
    r = run(["render", "-o", "/dev/null", "plan.md"], cwd=d)
    check(r.returncode == 0 and r.stderr == b"", "-o /dev/null: exit 0", r.stderr.decode())
    check(os.path.exists("/dev/null") and not os.path.isfile("/dev/null"), "-o /dev/null: still a device")
    # /dev/stdout and -: the PDF on standard output, in one piece
    for out in ("/dev/stdout", "-"):
        r = run(["render", "-o", out, "plan.md"], cwd=d)
        check(r.returncode == 0 and is_pdf(r.stdout) and TITLE in pdf_text(r.stdout),
              "-o %s: the PDF on standard output" % out, r.stderr.decode())
    # /dev/stdout redirected to a file: the file gets the PDF
    with open(os.path.join(d, "redirected.pdf"), "wb") as f:
        r = subprocess.run([KEHOACH, "render", "-o", "/dev/stdout", "plan.md"], cwd=d,
                           stdout=f, stderr=subprocess.PIPE, timeout=60)
    check(r.returncode == 0 and is_pdf(open(os.path.join(d, "redirected.pdf"), "rb").read())
          and os.path.islink("/dev/stdout"),
          "-o /dev/stdout > file: the file gets the PDF", r.stderr.decode())

    # a FIFO: written through to its reader, still a FIFO afterwards
    fifo = os.path.join(d, "pipe.pdf")
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    r = run(["render", "-o", fifo, "plan.md"], cwd=d, timeout=30)
    reader.join(30)
    check(r.returncode == 0 and got and is_pdf(got[0]), "-o FIFO: the PDF goes through to the reader",
          r.stderr.decode())
    check(os.path.exists(fifo) and not os.path.isfile(fifo) and not os.path.islink(fifo),
          "-o FIFO: still a FIFO")
    check(not [f for f in os.listdir(d) if f.startswith(".")], "-o FIFO: no temporary file left")

    # a terminal: refused, as standard output and as a path
    master, slave = pty.openpty()
    try:
        r = subprocess.run([KEHOACH, "render", "-o", "-", "plan.md"], cwd=d, stdout=slave,
                           stderr=subprocess.PIPE, timeout=60)
        check(r.returncode == 2 and r.stderr.decode() ==
              "<stdout>: error: is a terminal: a PDF is not written there (redirect the output to a file, or use -o FILE) [io]\n",
              "-o - on a terminal: refused", r.stderr.decode())
        tty = os.ttyname(slave)
        refused("-o /dev/pts/N", ["render", "-o", tty, "plan.md"], d,
                "%s: error: is a terminal: a PDF is not written there (redirect the output to a file, or use -o FILE) [io]\n" % tty)
    finally:
        os.close(master)
        os.close(slave)

    # a link to an existing PDF stays a link; the file it points to is replaced
    os.makedirs(os.path.join(d, "real"))
    open(os.path.join(d, "real", "old.pdf"), "wb").write(b"old")
    os.symlink("real/old.pdf", os.path.join(d, "link.pdf"))
    r = run(["render", "-o", "link.pdf", "plan.md"], cwd=d)
    check(r.returncode == 0 and os.readlink(os.path.join(d, "link.pdf")) == "real/old.pdf"
          and is_pdf(open(os.path.join(d, "real", "old.pdf"), "rb").read()),
          "-o LINK: still the link; its target holds the PDF", r.stderr.decode())
    check(not [f for f in os.listdir(os.path.join(d, "real")) if f.startswith(".")],
          "-o LINK: no temporary file left")


def test_non_regular_inputs(tmp):
    d = os.path.join(tmp, "inputs")
    os.makedirs(os.path.join(d, "dir.md"))
    os.mkfifo(os.path.join(d, "fifo.md"))
    for cmd in ("validate", "render"):
        refused("%s FIFO: refused without hanging" % cmd, [cmd, "fifo.md"], d,
                "fifo.md: error: is a FIFO (named pipe), not a file: not read [io]\n")
        refused("%s DIR" % cmd, [cmd, "dir.md"], d,
                "dir.md: error: is a directory, not a file: not read [io]\n")
        refused("%s /dev/null" % cmd, [cmd, "/dev/null"], d,
                "/dev/null: error: is a device, not a file: not read [io]\n")
    os.mkfifo(os.path.join(d, "t.yaml"))
    refused("validate a template that is a FIFO", ["validate", "t.yaml"], d,
            "t.yaml: error: is a FIFO (named pipe), not a file: not read [io]\n")


def data_copy(tmp, name):
    return khtest.data_copy(os.path.join(tmp, name))


def test_data_files(tmp):
    d = os.path.join(tmp, "data-files")
    os.makedirs(d)
    shutil.copy(PLAN, os.path.join(d, "plan.md"))
    # each kind of data file in turn replaced by a FIFO
    for rel in ("templates/ke-hoach.yaml", "schemas/ke-hoach.schema.yaml",
                "fonts/LiberationSerif-Bold.ttf"):
        dd = data_copy(tmp, "data-" + rel.replace("/", "-"))
        path = os.path.join(dd, rel)
        if not os.path.exists(path):
            check(False, "data FIFO %s: the file exists in the data directory" % rel)
            continue
        os.unlink(path)
        os.mkfifo(path)
        for cmd in ("validate", "render"):
            try:
                r = run([cmd, "plan.md"], cwd=d, env={"KEHOACH_DATA": dd}, timeout=30)
            except subprocess.TimeoutExpired:
                check(False, "%s with %s a FIFO: no hang" % (cmd, rel), "timed out")
                continue
            err = r.stderr.decode()
            check(r.returncode == 2 and ("%s: error: is a FIFO (named pipe), not a file: not read [" % path) in err,
                  "%s with %s a FIFO: exit 2 naming it" % (cmd, rel), err)
        check(os.listdir(d) == ["plan.md"], "data FIFO %s: no PDF written" % rel, str(os.listdir(d)))
    # --pdfa's colour profile, named by the template, a FIFO
    dd = data_copy(tmp, "data-icc")
    icc = os.path.join(dd, "srgb.icc")
    os.mkfifo(icc)
    tpl = os.path.join(dd, "templates", "ke-hoach.yaml")
    text = open(tpl, encoding="utf-8").read()
    open(tpl, "w", encoding="utf-8").write(
        "\n".join("pdfa_icc_profile: " + icc if l.startswith("pdfa_icc_profile:") else l
                  for l in text.split("\n")))
    try:
        r = run(["render", "--pdfa", "plan.md"], cwd=d, env={"KEHOACH_DATA": dd}, timeout=30)
        err = r.stderr.decode()
        check(r.returncode == 2 and "--pdfa needs the ICC profile %s" % icc in err,
              "--pdfa with the ICC profile a FIFO: refused, no hang", err)
    except subprocess.TimeoutExpired:
        check(False, "--pdfa with the ICC profile a FIFO: refused, no hang", "timed out")
    check(os.listdir(d) == ["plan.md"], "--pdfa ICC FIFO: no PDF written", str(os.listdir(d)))


def test_data_directory(tmp):
    d = os.path.join(tmp, "nodata")
    os.makedirs(d)
    shutil.copy(PLAN, os.path.join(d, "plan.md"))
    empty = os.path.join(tmp, "empty-data")
    os.makedirs(os.path.join(empty, "schemas"))
    no_fonts = data_copy(tmp, "no-fonts")
    shutil.rmtree(os.path.join(no_fonts, "fonts"))
    hint = "(set KEHOACH_DATA to the folder holding templates/, schemas/ and fonts/) [io]\n"
    for data, missing in (("/nonexistent", "templates"), (empty, "templates"), (no_fonts, "fonts")):
        msg = "%s: error: not a kehoach data directory: no %s/ in it %s" % (data, missing, hint)
        for args in (["render", "plan.md"], ["validate", "plan.md"], ["new", "new.md"]):
            refused("KEHOACH_DATA=%s %s" % (os.path.basename(data), args[0]), args, d, msg,
                    env={"KEHOACH_DATA": data})


def test_stdin(tmp):
    d = os.path.join(tmp, "stdin")
    os.makedirs(d)
    shutil.copy(PLAN, os.path.join(d, "plan.md"))
    with open(PLAN, "rb") as f:
        r = run(["render", "-"], cwd=d, stdin=f)
    check(r.returncode == 0 and is_pdf(r.stdout) and TITLE in pdf_text(r.stdout),
          "render - < plan: the PDF on standard output", r.stderr.decode())
    check(sorted(os.listdir(d)) == ["plan.md"], "render -: no file written", str(os.listdir(d)))
    named = run(["render", "-o", "-", "plan.md"], cwd=d)
    check(named.returncode == 0 and named.stdout == r.stdout,
          "render - < plan.md: byte-identical to render -o - plan.md")
    with open(PLAN, "rb") as f:
        r = run(["render", "-o", "out.pdf", "-"], cwd=d, stdin=f)
    check(r.returncode == 0 and is_pdf(open(os.path.join(d, "out.pdf"), "rb").read()),
          "render -o out.pdf -: written", r.stderr.decode())
    bad = open(PLAN, encoding="utf-8").read().replace("code: SYT", "code: syt", 1).encode()
    for cmd in ("validate", "render"):
        r = subprocess.run([KEHOACH, cmd, "-"], input=bad, capture_output=True, cwd=d, timeout=60)
        err = r.stderr.decode()
        check(r.returncode == 1 and err.startswith(
            "<stdin>:6:9: error: 'issuer.code': the issuer's code is letters and digits, each part "
            "opening with a capital or a digit, parts joined by '-' (SYT, TTg, UBND-VP, BCĐ), without "
            "the document's KH- (it is added) [pattern]\n      code: syt\n"),
              "%s -: diagnostics name <stdin>" % cmd, err)
        check(r.stdout == b"", "%s - with errors: nothing on standard output" % cmd)
    r = run(["new", "-"], cwd=d)
    check(r.returncode == 0 and r.stdout.startswith(b"---\ntype: ke-hoach\n") and r.stderr == b""
          and sorted(os.listdir(d)) == ["out.pdf", "plan.md"],
          "new -: the skeleton on standard output, no file named '-'", r.stderr.decode())
    for args, msg in ((["render", "-", "-"], "kehoach: standard input (-) can be read only once\n"),
                      (["validate", "-", "plan.md", "-"], "kehoach: standard input (-) can be read only once\n"),
                      (["render", "-d", "out", "-"],
                       "kehoach: a plan from standard input (-) has no name for -d: use -o FILE\n"),
                      (["render", "--watch", "-"],
                       "kehoach: --watch renders plan files into files, not standard input or output\n"),
                      (["render", "--watch", "-o", "-", "plan.md"],
                       "kehoach: --watch renders plan files into files, not standard input or output\n")):
        refused(" ".join(args), args, d, msg)


def vi_env():
    # LANG asks for Vietnamese; this machine need not have generated it
    return {"LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "LANG": "vi_VN.UTF-8"}


def test_vietnamese(tmp):
    d = os.path.join(tmp, "vi")
    os.makedirs(d)
    r = run(["validate", "missing.md"], cwd=d, env=vi_env())
    err = r.stderr.decode()
    check(r.returncode == 2 and "?" not in err and err.startswith("missing.md: lỗi: "),
          "vi: a missing file's message has no '?' (no mojibake)", err)
    # glibc's Vietnamese catalog comes with libc-l10n (tests/deps.sh)
    check(os.path.exists("/usr/share/locale/vi/LC_MESSAGES/libc.mo"),
          "vi: glibc's Vietnamese catalog is installed (libc-l10n)")
    check(err == "missing.md: lỗi: không mở được: Không có tập tin hoặc thư mục như vậy [io]\n",
          "vi: strerror in Vietnamese, UTF-8", err)
    r = run(["render", "--bogus"], cwd=d, env=vi_env())
    first = r.stderr.decode().splitlines()[0]
    check(r.returncode == 2 and first == "render: không nhận ra tùy chọn “--bogus”",
          "vi: getopt's message in Vietnamese, UTF-8", first)
    bad = open(PLAN, encoding="utf-8").read().replace("code: SYT", "code: syt", 1)
    open(os.path.join(d, "bad.md"), "w", encoding="utf-8").write(bad)
    r = run(["validate", "bad.md"], cwd=d, env=vi_env())
    err = r.stderr.decode()
    check(r.returncode == 1 and err.startswith(
        "bad.md:6:9: lỗi: 'issuer.code': mã cơ quan ban hành gồm chữ cái và chữ số, mỗi phần mở đầu bằng "
        "chữ in hoa hoặc chữ số, các phần nối bằng '-' (SYT, TTg, UBND-VP, BCĐ), không ghi KH- "
        "của loại văn bản (được thêm tự động) [pattern]\n"),
        "vi: a schema x-message is translated", err)
    os.mkfifo(os.path.join(d, "fifo.md"))
    r = run(["validate", "fifo.md"], cwd=d, env=vi_env(), timeout=30)
    err = r.stderr.decode()
    check(r.returncode == 2 and "?" not in err and "[io]" in err, "vi: a FIFO refused, no '?'", err)


def po_messages(path):
    """msgid -> msgstr of a .po file (active entries only)."""
    import re
    out = {}
    for block in open(path, encoding="utf-8").read().split("\n\n"):
        m = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if m:
            join = lambda g: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', g))
            out[join(m.group(1)).replace('\\"', '"')] = join(m.group(2))
    return out


def test_schema_messages_in_catalog(tmp):
    """Every x-message of every schema is a msgid of po/vi.po, translated
    (make pot extracts them; a new hint without its Vietnamese fails here)."""
    po = po_messages(os.path.join(ROOT, "po", "vi.po"))
    schemas = os.path.join(ROOT, "schemas")
    for name in sorted(os.listdir(schemas)):
        for line in open(os.path.join(schemas, name), encoding="utf-8"):
            if line.strip().startswith("x-message:"):
                text = line.split(":", 1)[1].strip()
                if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"":
                    text = text[1:-1]
                check(po.get(text, ""), "catalog: x-message of %s in po/vi.po, translated: %s" % (name, text[:40]))


def main():
    tmp = tempfile.mkdtemp(prefix="kh-files-")
    try:
        for t in (test_output_is_input, test_output_is_other_input, test_two_plans_one_output,
                  test_non_regular_outputs,
                  test_non_regular_inputs, test_data_files, test_data_directory, test_stdin,
                  test_vietnamese, test_schema_messages_in_catalog):
            try:
                t(tmp)
            except subprocess.TimeoutExpired as e:
                check(False, t.__name__, "timed out (a hang): %s" % e)
    finally:
        shutil.rmtree(tmp)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
