#!/usr/bin/env python3
"""End-to-end tests: render the real plans and read the PDFs back.

The expected text is derived here from the plan source on its own (front
matter fields, Markdown body, heading numbers from the structure), not from
the program, and compared with what pdftotext extracts. Broken plans must
give the exact diagnostic and leave an earlier PDF untouched.
Prints "PASS name" / "FAIL name: why" lines.
"""
import collections, os, re, subprocess, sys, tempfile, unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
from khtest import ROOT, KEHOACH, check, exit_status  # noqa: E402


import yaml  # noqa: E402
import oracle  # noqa: E402


def run(args, env=None, cwd=None, timeout=120):
    return khtest.run(args, env=env, cwd=cwd, timeout=timeout, epoch="1700000000")


SPACING = os.path.join(ROOT, "..", "shared", "tools", "spacing.py")
TEMPLATE = yaml.safe_load(open(os.path.join(ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8"))
MM = 72 / 25.4


# ---- expected words, independently of the program ----

def strip_md(text):
    return text.replace("**", "").replace("*", "")


HAND_NUMBER = oracle.HAND_NUMBER


def load_plan(path):
    text = open(path, encoding="utf-8").read()
    _, fm, body = text.split("---\n", 2)
    return yaml.safe_load(fm), body


# ---- reading PDFs ----

def pdftotext(pdf, *args):
    r = run(["pdftotext", "-enc", "UTF-8", *args, pdf, "-"])
    return r.stdout.decode("utf-8"), r.stderr.decode()


def word_boxes(pdf):
    xml, _ = pdftotext(pdf, "-bbox")
    pages = re.findall(r"<page width=\"([\d.]+)\" height=\"([\d.]+)\">(.*?)</page>", xml, re.S)
    out = []
    for w, h, body in pages:
        ws = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body)]
        out.append((float(w), float(h), ws))
    return out


def section_starts(pages):
    """Page numbers (from 1) where a section starts: 1, then each page
    whose first line is an appendix's label ("Phụ lục", "Phụ lục II")."""
    starts = [1]
    for n, (w, h, ws) in enumerate(pages, start=1):
        if n > 1 and ws:
            y = min(x[1] for x in ws if not re.fullmatch(r"\d+", x[4])) if any(
                not re.fullmatch(r"\d+", x[4]) for x in ws) else None
            line = [x[4] for x in ws if y is not None and abs(x[1] - y) < 1]
            if line[:2] == ["Phụ", "lục"]:
                starts.append(n)
    return starts


def test_plan(path, outdir):
    name = os.path.basename(path)[:-3]
    pdf = os.path.join(outdir, name + ".pdf")
    r = run([KEHOACH, "render", "-d", outdir, path])
    check(r.returncode == 0 and os.path.exists(pdf), name + ": renders", r.stderr.decode())
    if r.returncode != 0:
        return
    front, body = load_plan(path)
    text, err = pdftotext(pdf)
    check(err == "", name + ": pdftotext prints no warning", err[:300])
    r = run(["pdftoppm", "-r", "30", "-png", pdf, os.path.join(outdir, name)])
    check(r.returncode == 0 and r.stderr == b"", name + ": poppler rasterises every page without a warning (embedded fonts valid)",
          r.stderr.decode()[:300])
    check("\ufffd" not in text, name + ": no U+FFFD in the text")
    check(unicodedata.is_normalized("NFC", text), name + ": extracted text is NFC")
    check(not any(unicodedata.combining(c) for c in text), name + ": no combining marks")
    pages = word_boxes(pdf)
    # the words themselves: tests/oracle.py (derived from the source alone)
    problems = oracle.problems(path, pdf)
    check(not problems, name + ": every word of the plan and only those, inside the paper, none overlapping (oracle)",
          "; ".join(problems))
    lines = [l.strip() for l in text.split("\n")]
    # a body's name may wrap in its header column: read the lines joined
    joined = " ".join(l for l in lines if l)
    samples = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "KẾ HOẠCH"]
    # each issuing body's name, and its signer's (a joint plan's too)
    named = [i["name"].upper() for i, _ in oracle.bodies(front)]
    if "attached_to" in front:  # Mẫu 1.3: no Nơi nhận, no signature, "./." last
        check(not any("Nơi nhận" in l for l in lines) and text.rstrip().endswith("./."),
              name + ": issued with a decision: no Nơi nhận, ends with ./.")
    else:
        samples += ["Nơi nhận:", "- Lưu: %s." % front["archive"]]
        named += [s["name"] for _, s in oracle.bodies(front)]
    for sample in samples:
        check(any(sample in l for l in lines), name + ": line '%s'" % sample)
    for sample in named:
        check(sample in joined, name + ": '%s' printed" % sample)
    first_heading = re.search(r"^# (.*)$", body, re.M)
    if first_heading:
        h = "I. " + HAND_NUMBER.sub("", strip_md(first_heading.group(1))).upper()
        check(any(h in l for l in lines), name + ": first section heading '%s'" % h)
    test_layout(name, pdf, pages)


def test_layout(name, pdf, pages):
    info = run(["pdfinfo", pdf]).stdout.decode()
    check("595.276 x 841.89 pts (A4)" in info, name + ": A4 pages", info)
    fonts = run(["pdffonts", pdf]).stdout.decode().splitlines()[2:]
    check(fonts and all(re.search(r"\byes\s+yes\s+yes\b", f) for f in fonts),
          name + ": every font embedded, subset, with ToUnicode", "\n".join(fonts))
    for key in ("Title:", "Author:", "Subject:", "CreationDate:", "Producer:"):
        check(re.search("^" + key + r"\s+\S", info, re.M), name + ": metadata " + key)
    pg = TEMPLATE["page"]
    top, bottom = pg["margin_top_mm"] * MM, pg["margin_bottom_mm"] * MM
    left, right = pg["margin_left_mm"] * MM, pg["margin_right_mm"] * MM
    hdr = TEMPLATE["header"]
    hdr_left = left - hdr["shift_left_mm"] * MM
    hdr_right = hdr_left + (hdr["left_width_mm"] + hdr["right_width_mm"]) * MM
    w, h, first = pages[0]
    check(not any(re.fullmatch(r"\d+", t) and y1 < top for _, y1, _, _, t in first),
          name + ": no page number on page 1")
    # each appendix starts a page and restarts the numbering (decree PL I
    # III.1.đ); a landscape page is bound by its top edge: its margins are
    # the portrait ones turned (README, "Appendices")
    starts = section_starts(pages)
    def margins(w, h):
        if w > h:
            return left, right, bottom, top  # top, bottom, left, right
        return top, bottom, left, right
    for n, (w, h, ws) in enumerate(pages[1:], start=2):
        start = max(s for s in starts if s <= n)
        mt, _, ml, mr = margins(w, h)
        if n == start:
            check(not any(re.fullmatch(r"\d+", x[4]) and x[3] < mt for x in ws),
                  name + ": page %d (an appendix's first) has no number" % n)
            continue
        nums = [x for x in ws if x[4] == str(n - start + 1) and x[3] < mt]
        ok = len(nums) == 1 and abs((nums[0][0] + nums[0][2]) / 2 - (ml + (w - mr)) / 2) < 2
        check(ok, name + ": page %d numbered %d at the top centre" % (n, n - start + 1), str(nums))
    motto = [x for x in first if x[4] in ("Độc", "Hạnh")]
    check(motto and all(x[0] > hdr_left + hdr["left_width_mm"] * MM for x in motto),
          name + ": motto in the right column", str(motto))
    # header words may use the decree's table (which reaches into the right
    # margin); everything else stays inside the margins
    outside = []
    for n, (w, h, ws) in enumerate(pages, start=1):
        mt, mb, ml, mr = margins(w, h)
        for x0, y0, x1, y1, t in ws:
            in_header = n == 1 and y1 < top + 80
            lo, hi = (hdr_left, hdr_right) if in_header else (ml, w - mr)
            is_number = n > 1 and y1 < mt
            if x0 < lo - 0.5 or x1 > hi + 0.5 or (not is_number and (y0 < mt - 12 or y1 > h - mb)):
                outside.append((n, t, round(x0), round(x1), round(y0), round(y1)))
    check(not outside, name + ": nothing outside the margins", str(outside[:5]))
    spacing = run([sys.executable, SPACING, pdf]).stdout.decode()
    m = re.search(r"mean ([\d.]+) p95 [\d.]+ max ([\d.]+) >1.5x (\d+) >2x (\d+)", spacing)
    check(m and float(m.group(1)) <= 1.07 and int(m.group(4)) == 0,
          name + ": justified spacing even (mean <= 1.07x, none above 2x)", spacing)
    if name == "kon-tum-70-nam":  # the figure the render issue quotes for Typst
        check(m and float(m.group(1)) <= 1.05 and int(m.group(3)) == 0,
              name + ": spacing beats Typst (mean <= 1.05x, none above 1.5x)", spacing)


def test_pagination(outdir):
    """Headings never end a page; the closing block is on one page."""
    for path in sorted(os.listdir(os.path.join(ROOT, "plans"))):
        name = path[:-3]
        pdf = os.path.join(outdir, name + ".pdf")
        if not os.path.exists(pdf):
            continue
        front, body = load_plan(os.path.join(ROOT, "plans", path))
        pages = word_boxes(pdf)
        last_lines = []
        for w, h, ws in pages:
            body_ws = [x for x in ws if x[3] > TEMPLATE["page"]["margin_top_mm"] * MM]
            if body_ws:
                ymax = max(x[3] for x in body_ws)
                last_lines.append(" ".join(x[4] for x in body_ws if abs(x[3] - ymax) < 1))
        roman_heading = re.compile(r"^[IVX]+\. [A-ZĐ]")
        check(not any(roman_heading.match(l) for l in last_lines[:-1]),
              name + ": no section heading at a page foot", str(last_lines))
        if "attached_to" in front:  # no closing (Mẫu 1.3): test_frame_marks.py
            continue
        closing = [n for n, (w, h, ws) in enumerate(pages) if any(x[4] == "nhận:" for x in ws)]
        # every signer's (a joint plan's too) on that page
        signer = [n for n, (w, h, ws) in enumerate(pages)
                  if all(any(x[4] == s["name"].split()[-1] for x in ws)
                         for _, s in oracle.bodies(front))]
        body_last = min(section_starts(pages)[1:] or [len(pages) + 1]) - 2
        check(closing and signer and closing[-1] == signer[-1] == body_last,
              name + ": Nơi nhận and the signature together on the body's last page "
              "(before any appendix)", "%s %s %d" % (closing, signer, body_last))


BASE = khtest.PLAN


def test_errors(tmp):
    """Broken plans: exact first diagnostic line, exit 1, old PDF kept."""
    cases = [
        ("bad-yaml", BASE.replace("place: Kon Tum", "place: [Kon Tum"),
         "bad-yaml.md:8:8: error: YAML syntax: did not find expected ',' or ']' while parsing a flow sequence [yaml-syntax]"),
        ("no-title", BASE.replace("title: Kế hoạch thử\n", ""),
         "no-title.md:2:1: error: missing 'title' [required]"),
        ("bad-date", BASE.replace("2025-02-05", "2024-02-30"),
         "bad-date.md:9:7: error: 'date' must be a real date YYYY-MM-DD (drafts: YYYY-MM or YYYY), not '2024-02-30' [date]"),
        ("mapping", BASE.replace("  - Bộ Y tế (báo cáo)", "  - Bộ Y tế (báo cáo)\n  - Lưu: VT"),
         "mapping.md:13:5: error: this recipient is not text (an unquoted ': ' makes it a mapping): quote it; the 'Lưu' line goes in 'archive:' [recipient-mapping]"),
        ("unknown-type", BASE.replace("type: ke-hoach", "type: quyet-dinh"),
         "unknown-type.md:2:7: error: unknown plan type 'quyet-dinh' (no template quyet-dinh.yaml) [unknown-type]"),
        ("emoji", BASE.replace("Nội dung.", "Nội dung 😀."),
         "emoji.md:21:10: error: the font has no glyph for U+1F600 '😀' [glyph]"),
        ("authority", BASE.replace("  on_behalf_of: GIÁM ĐỐC\n", ""),
         "authority.md:15:14: error: 'authority: KT' needs 'on_behalf_of' (the head's title) [signer-authority]"),
        ("unclosed", BASE.replace("---\n# Mục", "# Mục"),
         "unclosed.md:1:1: error: front matter not closed: add a '---' line after it [front-matter]"),
        ("latin1", BASE.replace("Nội dung.", "N\udcf4i dung."),
         "latin1.md:21:2: error: invalid UTF-8 byte 0xF4 (save the file as UTF-8) [utf8]"),
        ("empty", "", "empty.md:1:1: error: a plan starts with a '---' line, then the YAML front matter, then '---' [front-matter]"),
    ]
    for name, src, want in cases:
        path = os.path.join(tmp, name + ".md")
        with open(path, "wb") as f:
            f.write(src.encode("utf-8", "surrogateescape"))
        out = os.path.join(tmp, name + ".pdf")
        with open(out, "wb") as f:
            f.write(b"previous PDF")
        r = run([KEHOACH, "render", "-o", out, path], cwd=tmp)
        first = r.stderr.decode("utf-8", "replace").split("\n")[0]
        first = first.replace(tmp + "/", "")
        check(r.returncode == 1, "error %s: exit status 1" % name, "exit %d" % r.returncode)
        check(first == want, "error %s: exact diagnostic" % name, "got: " + first)
        check(open(out, "rb").read() == b"previous PDF", "error %s: previous PDF untouched" % name)
        leftovers = [f for f in os.listdir(tmp) if f.startswith(".")]
        check(not leftovers, "error %s: no temporary file left" % name, str(leftovers))
    # the diagnostic shows the line and a caret under the column
    r = run([KEHOACH, "render", "-o", os.path.join(tmp, "x.pdf"), os.path.join(tmp, "bad-date.md")])
    lines = r.stderr.decode().split("\n")
    check(len(lines) >= 3 and lines[1] == "    date: 2024-02-30" and lines[2] == "          ^",
          "diagnostic shows the source line with a caret", repr(lines[:3]))


def test_cli(tmp):
    r = run([KEHOACH, "--help"])
    check(r.returncode == 0 and b"Usage: kehoach render" in r.stdout, "cli: --help")
    r = run([KEHOACH, "--version"])
    check(r.returncode == 0 and re.match(rb"kehoach \d+\.\d+", r.stdout), "cli: --version")
    r = run([KEHOACH])
    check(r.returncode == 2, "cli: no arguments is a usage error (2)")
    r = run([KEHOACH, "render", "-o", os.path.join(tmp, "a.pdf"), "plans/x.md", "plans/y.md"], cwd=ROOT)
    check(r.returncode == 2, "cli: -o with two plans is a usage error")
    r = run([KEHOACH, "render", os.path.join(tmp, "does-not-exist.md")])
    check(r.returncode == 2 and b"cannot open" in r.stderr, "cli: missing plan is an I/O error (2)")
    plan = os.path.join(ROOT, "plans", "kon-tum-70-nam.md")
    r = run([KEHOACH, "render", "-d", os.path.join(tmp, "no", "such", "dir"), plan])
    check(r.returncode == 2 and b"cannot write the output" in r.stderr, "cli: unwritable output is an I/O error (2)", r.stderr.decode("utf-8", "replace"))
    r = run([KEHOACH, "render", plan], cwd=tmp)
    check(r.returncode == 0 and os.path.exists(os.path.join(tmp, "kon-tum-70-nam.pdf")),
          "cli: default output is PLAN.pdf in the current directory")
    a, b = os.path.join(tmp, "a.pdf"), os.path.join(tmp, "b.pdf")
    run([KEHOACH, "render", "-o", a, plan])
    run([KEHOACH, "render", "-o", b, plan])
    check(open(a, "rb").read() == open(b, "rb").read(), "cli: same plan, same bytes (SOURCE_DATE_EPOCH)")
    crlf = os.path.join(tmp, "crlf.md")
    with open(crlf, "wb") as f:
        f.write(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode())
    r = run([KEHOACH, "render", "-o", os.path.join(tmp, "crlf.pdf"), crlf])
    check(r.returncode == 0, "cli: BOM and CRLF line ends accepted", r.stderr.decode())
    text, _ = pdftotext(os.path.join(tmp, "crlf.pdf"))
    check("Số: 05/KH-SYT" in text and "Kon Tum, ngày 05 tháng 02 năm 2025" in text
          and "KT. GIÁM ĐỐC" in text, "render: number and date wording per the decree", text[:300])
    nfd = os.path.join(tmp, "nfd.md")
    with open(nfd, "w", encoding="utf-8") as f:
        f.write(unicodedata.normalize("NFD", BASE))
    r = run([KEHOACH, "render", "-o", os.path.join(tmp, "nfd.pdf"), nfd])
    text, _ = pdftotext(os.path.join(tmp, "nfd.pdf"))
    check(r.returncode == 0 and "I. MỤC ĐÍCH" in text and unicodedata.is_normalized("NFC", text),
          "render: decomposed input comes out NFC", text[:200])


def test_long_names(tmp):
    """Long issuer names, titles and signer titles wrap inside their
    column, never at a dash, and a block scalar's line breaks are kept."""
    src = (BASE.replace("name: SỞ Y TẾ", "name: TRUNG TÂM KIỂM SOÁT BỆNH TẬT TỈNH KON TUM")
           .replace("title: PHÓ GIÁM ĐỐC", "title: TRƯỞNG PHÒNG TỔ CHỨC - HÀNH CHÍNH")
           .replace("authority: KT", "authority: TL"))
    p = os.path.join(tmp, "long.md")
    open(p, "w", encoding="utf-8").write(src)
    r = run([KEHOACH, "render", "--dump-layout", p])
    lines = {}
    for l in r.stdout.decode().split("\n"):
        f = l.split(" ", 5)
        if len(f) == 6 and f[0] == "text":
            lines.setdefault(f[4], []).append(f[5])
    joined = [" ".join(ws) for ws in lines.values()]
    check(r.returncode == 0 and not any(j.endswith(" -") or j.startswith("- ") and "Lưu" not in j and ";" not in j
                                        for j in joined), "render: no wrapped line ends or starts at a dash",
          str([j for j in joined if "-" in j]))
    check(any(j == "TRUNG TÂM KIỂM SOÁT" for j in joined) and any(j == "BỆNH TẬT TỈNH KON TUM" for j in joined),
          "render: a long issuer name wraps into balanced lines", str(joined[:6]))
    src2 = src.replace("  title: TRƯỞNG PHÒNG TỔ CHỨC - HÀNH CHÍNH", "  title: |\n    TRƯỞNG PHÒNG\n    TỔ CHỨC - HÀNH CHÍNH")
    open(p, "w", encoding="utf-8").write(src2)
    text, _ = pdftotext(os.path.join(tmp, "long.pdf")) if run([KEHOACH, "render", "-o", os.path.join(tmp, "long.pdf"), p]).returncode == 0 else ("", "")
    check("TRƯỞNG PHÒNG\nTỔ CHỨC - HÀNH CHÍNH" in text, "render: line breaks of a YAML block scalar are kept", text[-300:])


def test_table(tmp):
    """A pipe table becomes a ruled table: every cell's words, no pipes,
    the header bold, one vertical rule per column edge and row."""
    plan = os.path.join(ROOT, "tests", "data", "table.md")
    pdf = os.path.join(tmp, "table.pdf")
    r = run([KEHOACH, "render", "-o", pdf, plan])
    check(r.returncode == 0, "table: renders", r.stderr.decode())
    if r.returncode:
        return
    text, err = pdftotext(pdf)
    body = open(plan, encoding="utf-8").read().split("---\n", 2)[2]
    rows = [l for l in body.split("\n") if l.startswith("|") and "---" not in l]
    cells = [strip_md(c).strip() for row in rows for c in row.strip("|").split("|")]
    words = collections.Counter(w for c in cells for w in c.split())
    got = collections.Counter(text.split())
    check(not (words - got) and "|" not in text, "table: every cell's words, no pipe characters",
          str(list((words - got).items())[:8]))
    dump = run([KEHOACH, "render", "--dump-layout", plan]).stdout.decode().split("\n")
    # rows are drawn in line bands (so they can split across pages): the
    # vertical rules must make 5 unbroken edges from the table's top to its foot
    vertical = [tuple(map(float, l.split()[1:5])) for l in dump
                if l.startswith("rule ") and l.split()[1] == l.split()[3]]
    edges = collections.defaultdict(list)
    for x1, y1, x2, y2 in vertical:
        edges[round(x1, 1)].append((min(y1, y2), max(y1, y2)))
    def unbroken(segs):
        segs = sorted(segs)
        return all(abs(segs[i][1] - segs[i + 1][0]) < 0.01 for i in range(len(segs) - 1))
    spans = {x: (min(a for a, _ in s), max(b for _, b in s)) for x, s in edges.items()}
    check(len(edges) == 5 and all(unbroken(s) for s in edges.values()) and len(set(spans.values())) == 1,
          "table: ruled (5 unbroken vertical edges for 4 cells a row)", str(spans))
    header = [l for l in dump if l.startswith("text ") and l.split(" ", 5)[5] in ("STT", "Nội", "Thời")]
    check(header and all(l.split()[1] == "B" for l in header), "table: header row bold", str(header))
    xs = [float(l.split()[1]) for l in dump if l.startswith("rule ")] + [float(l.split()[3]) for l in dump if l.startswith("rule ")]
    pg = TEMPLATE["page"]
    check(min(xs) >= pg["margin_left_mm"] * MM - 0.5 and max(xs) <= 595.28 - pg["margin_right_mm"] * MM + 0.5,
          "table: within the text width")
    # a table over several pages repeats its header row on each
    src = open(plan, encoding="utf-8").read()
    last = [l for l in src.split("\n") if l.startswith("| 3 |")][0]
    extra = "".join("| %d | Hoạt động số %d trong năm | Phòng Tổ chức | Tháng %d |\n" % (i, i, i % 12 + 1)
                    for i in range(4, 120))
    long_plan = os.path.join(tmp, "long-table.md")
    open(long_plan, "w", encoding="utf-8").write(src.replace(last + "\n", last + "\n" + extra))
    lpdf = os.path.join(tmp, "long-table.pdf")
    r = run([KEHOACH, "render", "-o", lpdf, long_plan])
    pages = word_boxes(lpdf) if r.returncode == 0 else []
    with_rows = [ws for w, h, ws in pages if any(re.fullmatch(r"1[01]\d", x[4]) or re.fullmatch(r"[4-9]\d", x[4]) for x in ws)]
    heads = [sum(1 for x in ws if x[4] == "STT") for ws in with_rows]
    check(len(pages) >= 3 and heads and all(n == 1 for n in heads),
          "table: the header row is repeated on every page the table reaches", str(heads))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        outdir = os.path.join(tmp, "out")
        os.mkdir(outdir)
        for p in sorted(os.listdir(os.path.join(ROOT, "plans"))):
            if p.endswith(".md"):
                test_plan(os.path.join(ROOT, "plans", p), outdir)
        test_pagination(outdir)
        errdir = os.path.join(tmp, "err")
        os.mkdir(errdir)
        test_errors(errdir)
        clidir = os.path.join(tmp, "cli")
        os.mkdir(clidir)
        test_cli(clidir)
        tabledir = os.path.join(tmp, "table")
        os.mkdir(tabledir)
        test_table(tabledir)
        longdir = os.path.join(tmp, "long")
        os.mkdir(longdir)
        test_long_names(longdir)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
