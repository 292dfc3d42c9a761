#!/usr/bin/env python3
"""Appendices (Phụ lục, issue 10; spec appendix-esign.md §1): small plans
rendered and read back with poppler (pdfinfo, pdftotext, -bbox).

Expected values come from the plan sources written here and the decree's
wording (label, upper-case title, the "(Kèm theo Kế hoạch số … của …)"
line), never from the program. Prints "PASS name" / "FAIL name: why".
"""
import os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
from khtest import KEHOACH, PLAN, check, exit_status  # noqa: E402
import oracle  # noqa: E402

MM = 72 / 25.4
A4 = (595.28, 841.89)


def run(args, cwd=None):
    return khtest.run(args, cwd=cwd, epoch="1700000000")


def plan(body, front_extra="", **repl):
    p = PLAN.replace("# Mục đích\nNội dung.\n", body)
    p = p.replace("number: 5\n", "number: 5\n" + front_extra)
    for k, v in repl.items():
        p = p.replace(k, v)
    return p


def render(tmp, name, text, files=None):
    """Writes name.md (and files {relpath: text}) in tmp, renders it."""
    for rel, t in (files or {}).items():
        os.makedirs(os.path.dirname(os.path.join(tmp, rel)) or tmp, exist_ok=True)
        open(os.path.join(tmp, rel), "w", encoding="utf-8").write(t)
    src = os.path.join(tmp, name + ".md")
    open(src, "w", encoding="utf-8").write(text)
    pdf = os.path.join(tmp, name + ".pdf")
    if os.path.exists(pdf):
        os.unlink(pdf)
    r = run([KEHOACH, "render", "-o", name + ".pdf", name + ".md"], cwd=tmp)
    return r, pdf


def diags(r):
    return [l for l in r.stderr.decode("utf-8", "replace").split("\n")
            if l and not l.startswith("    ")]


def pages_text(pdf):
    """[[line, …] per page], from pdftotext (reading order, no layout)."""
    r = run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
    pages = r.stdout.decode("utf-8").split("\f")
    return [[l.strip() for l in p.split("\n") if l.strip()] for p in pages if p.strip()]


def page_sizes(pdf):
    r = run(["pdfinfo", "-f", "1", "-l", "999", pdf])
    return [(round(float(w), 2), round(float(h), 2)) for w, h in re.findall(
        r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", r.stdout.decode())]


def words(pdf):
    """[(page width, height, [(x0, y0, x1, y1, word)])] from pdftotext -bbox."""
    r = run(["pdftotext", "-enc", "UTF-8", "-bbox", pdf, "-"])
    xml = r.stdout.decode("utf-8")
    out = []
    for w, h, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S):
        ws = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body)]
        out.append((float(w), float(h), ws))
    return out


def page_number(page):
    """The page number printed in the top margin (a lone number above the
    text block), or None."""
    w, h, ws = page
    top = min(w, h) and (25 * MM if w < h else 35 * MM)  # the text block's top
    nums = [t for x0, y0, x1, y1, t in ws if y1 < top - 1 and t.isdigit()]
    return nums[0] if len(nums) == 1 else (None if not nums else nums)


def caption(lines, n):
    """The caption's lines, the wrapped Kèm theo line joined: label, title
    lines, attached line (from "(Kèm" to ")")."""
    out, i = [], 0
    while i < len(lines) and not lines[i].startswith("(Kèm"):
        out.append(lines[i])
        i += 1
    att = []
    while i < len(lines):
        att.append(lines[i])
        if lines[i].endswith(")"):
            break
        i += 1
    return out, " ".join(att)


KEM = "(Kèm theo Kế hoạch số 05/KH-SYT ngày 05 tháng 02 năm 2025 của Sở Y tế)"
SIGNER = "Nguyễn Văn A"


def test_one(tmp):
    body = ("# Mục đích\nNội dung chi tiết tại Phụ lục kèm theo.\n\n"
            "# Phụ lục: Danh mục nhiệm vụ trọng tâm\n\n"
            "# Nhiệm vụ\n\nLàm việc một.\n\n## Việc cụ thể\n\nLàm việc hai.\n")
    r, pdf = render(tmp, "one", plan(body))
    check(r.returncode == 0 and not diags(r), "one appendix: renders, no warning",
          r.stderr.decode()[:400])
    if r.returncode:
        return
    pages = pages_text(pdf)
    sig = [i for i, p in enumerate(pages) if SIGNER in p]
    check(len(pages) == 2 and sig == [0], "one appendix: after the signature, on a new page",
          "%d pages, signer on %s" % (len(pages), sig))
    head, att = caption(pages[-1], 1)
    check(head[:2] == ["Phụ lục", "DANH MỤC NHIỆM VỤ TRỌNG TÂM"],
          "one appendix: label 'Phụ lục' (no number), title upper case", head)
    check(att == KEM, "one appendix: the Kèm theo line", att)
    check("Phụ lục" not in pages[0], "one appendix: nothing of it on the signature page",
          pages[0][-5:])
    # its headings are numbered on their own: I. and 1. again
    check("I. NHIỆM VỤ" in pages[-1] and "1. Việc cụ thể" in pages[-1],
          "one appendix: headings renumbered inside it", pages[-1])
    # the caption is centred, label bold etc.: the label's centre on the text's
    w, h, ws = words(pdf)[1]
    lab = [x for x in ws if x[4] == "Phụ"][0]
    text_mid = (35 * MM + (A4[0] - 20 * MM)) / 2
    lab_end = [x for x in ws if x[4] == "lục"][0]
    check(abs((lab[0] + lab_end[2]) / 2 - text_mid) < 1.5,
          "one appendix: the label centred on the text block",
          "%.1f vs %.1f" % ((lab[0] + lab_end[2]) / 2, text_mid))
    check(page_sizes(pdf) == [A4, A4], "one appendix: portrait A4", page_sizes(pdf))


def test_two_and_numbers(tmp):
    long = "\n\n".join("Đoạn %d của phụ lục, đủ dài để kéo sang trang sau: " % i +
                       "nội dung thực hiện nhiệm vụ " * 12 for i in range(1, 40))
    body = ("# Mục đích\nChi tiết tại Phụ lục I và Phụ lục II kèm theo.\n\n"
            "# Phụ lục I: Danh mục\n\n" + long + "\n\n"
            "# PHỤ LỤC II – Kinh phí\n\nMột dòng.\n")
    r, pdf = render(tmp, "two", plan(body))
    check(r.returncode == 0 and not diags(r), "two appendices: renders, no warning",
          r.stderr.decode()[:400])
    if r.returncode:
        return
    pages = pages_text(pdf)
    starts = [i for i, p in enumerate(pages) if p and p[0].startswith("Phụ lục")]
    labels = [pages[i][0] for i in starts]
    check(labels == ["Phụ lục I", "Phụ lục II"], "two appendices: 'Phụ lục I', 'Phụ lục II'",
          labels)
    check([pages[i][1] for i in starts] == ["DANH MỤC", "KINH PHÍ"],
          "two appendices: titles upper case, hand number and dash dropped",
          [pages[i][1] for i in starts])
    check(all(caption(pages[i], 0)[1] == KEM for i in starts),
          "two appendices: the same Kèm theo line on each",
          [caption(pages[i], 0)[1] for i in starts])
    ws = words(pdf)
    got = [page_number(p) for p in ws]
    a, b = starts
    want = [None] + [str(k + 1) for k in range(1, a)] + \
           [None] + [str(k + 1) for k in range(1, b - a)] + \
           [None] + [str(k + 1) for k in range(1, len(ws) - b)]
    check(b - a >= 3 and got == want,
          "two appendices: page numbers restart, none on an appendix's first page",
          "got %s want %s" % (got, want))


def test_hand_numbers(tmp):
    """"số 01", "số I" and a single letter are hand numbers too; a heading
    that merely starts with the word is no appendix."""
    body = ("# Mục đích\nChi tiết tại các phụ lục kèm theo.\n\n"
            "# Phụ lục hóa quy trình nghiệp vụ\n\nMột.\n\n"
            "# Phụ lục số 01: Kinh phí\n\nHai.\n\n"
            "# Phụ lục A: Danh sách\n\nBa.\n\n"
            "# PHỤ LỤC SỐ II. Tiến độ\n\nBốn.\n\n"
            "# Phụ lục b – Mẫu biểu\n\nNăm.\n")
    r, pdf = render(tmp, "hand", plan(body))
    check(r.returncode == 0 and not diags(r), "hand numbers: renders", r.stderr.decode()[:400])
    if r.returncode:
        return
    pages = pages_text(pdf)
    check("II. PHỤ LỤC HÓA QUY TRÌNH NGHIỆP VỤ" in pages[0],
          "hand numbers: '# Phụ lục hóa …' an ordinary heading of the body", pages[0])
    caps = [p[:2] for p in pages if p[0].startswith("Phụ lục")]
    check(caps == [["Phụ lục I", "KINH PHÍ"], ["Phụ lục II", "DANH SÁCH"],
                   ["Phụ lục III", "TIẾN ĐỘ"], ["Phụ lục IV", "MẪU BIỂU"]],
          "hand numbers: 'số 01', 'A', 'SỐ II', 'b' dropped and renumbered", caps)
    problems = oracle.problems(os.path.join(tmp, "hand.md"), pdf)
    check(not problems, "hand numbers: the oracle agrees", problems[:5])


def test_title_breaks(tmp):
    """<br> (or a hard break) in an appendix's title is a line break of the
    caption's title, as in the plan's title; code gives its words."""
    body = ("# Mục đích\nChi tiết tại các phụ lục kèm theo.\n\n"
            "# Phụ lục I: Kinh phí thực hiện<br>năm 2025\n\nMột.\n\n"
            "# Phụ lục II<br/>Danh mục `mã` nhiệm vụ\n\nHai.\n")
    r, pdf = render(tmp, "brk", plan(body))
    check(r.returncode == 0 and not diags(r), "title <br>: renders", r.stderr.decode()[:400])
    if r.returncode:
        return
    caps = [p[:3] for p in pages_text(pdf) if p[0].startswith("Phụ lục")]
    check(caps == [["Phụ lục I", "KINH PHÍ THỰC HIỆN", "NĂM 2025"],
                   ["Phụ lục II", "DANH MỤC MÃ NHIỆM VỤ", KEM]],
          "title <br>: a line break in the caption's title; after the hand number a "
          "separator", caps)
    problems = oracle.problems(os.path.join(tmp, "brk.md"), pdf)
    check(not problems, "title <br>: the oracle agrees", problems[:5])


def test_landscape(tmp):
    body = ("# Mục đích\nXem các phụ lục kèm theo.\n\n"
            "# Phụ lục I: Dọc\n\nMột.\n\n"
            "# Phụ lục II: Ngang\n<!-- landscape -->\n\n" +
            "\n\n".join("Dòng ngang %d: " % i + "chữ " * 60 for i in range(40)) + "\n\n"
            "# Phụ lục III: Ngang nữa\n<!--   KHỔ NGANG   -->\n\nHai.\n")
    r, pdf = render(tmp, "land", plan(body))
    check(r.returncode == 0 and not diags(r), "landscape: renders, no warning",
          r.stderr.decode()[:400])
    if r.returncode:
        return
    pages = pages_text(pdf)
    sizes = page_sizes(pdf)
    kinds = [("L" if s == (A4[1], A4[0]) else "P" if s == A4 else "?") for s in sizes]
    first = {p[0]: i for i, p in enumerate(pages) if p and p[0].startswith("Phụ lục")}
    i2, i3 = first["Phụ lục II"], first["Phụ lục III"]
    want = ["P"] * i2 + ["L"] * (len(pages) - i2)
    check(kinds == want and i3 - i2 >= 2,
          "landscape: 842 × 595 pt pages for the landscape appendices only", kinds)
    # text at the landscape width: lines longer than any portrait one
    ws = words(pdf)
    w, h, lw = ws[i2 + 1]
    x1 = max(x[2] for x in lw)
    x0 = min(x[0] for x in lw)
    check(abs(x0 - 20 * MM) < 1 and abs(x1 - (A4[1] - 25 * MM)) < 1.5,
          "landscape: text from the turned margins (left 20 mm, right 25 mm)",
          "%.1f..%.1f" % (x0, x1))
    # the binding margin on the bound (top) edge: text starts 35 mm down;
    # the page number sits centred above it
    y0 = min(x[1] for x in lw if not x[4].isdigit())
    num = [x for x in lw if x[4] == "2" and x[3] < 35 * MM]
    check(y0 > 35 * MM - 1 and y0 < 35 * MM + 14,
          "landscape: the text block starts under the 35 mm binding margin", "%.1f" % y0)
    mid = (20 * MM + A4[1] - 25 * MM) / 2
    check(len(num) == 1 and abs((num[0][0] + num[0][2]) / 2 - mid) < 1 and num[0][1] > 15 * MM,
          "landscape: page number centred in the top margin, clear of the binding", num)


def test_draft(tmp):
    body = "# Mục đích\nChi tiết tại Phụ lục kèm theo.\n\n# Phụ lục\n\nMột.\n"
    text = plan(body).replace("number: 5\n", "").replace("date: 2025-02-05", "date: 2025-02")
    r, pdf = render(tmp, "draft", text)
    check(r.returncode == 0, "draft: renders", r.stderr.decode()[:300])
    if r.returncode:
        return
    pages = pages_text(pdf)
    head, att = caption(pages[-1], 1)
    check(head == ["Phụ lục"], "draft: a heading without title prints the label only", head)
    w, h, ws = words(pdf)[-1]
    kem = [x for x in ws if x[4] == "(Kèm"][0]
    att = " ".join(x[4] for x in sorted(ws, key=lambda x: x[0]) if abs(x[1] - kem[1]) < 1)
    # the date as the header gives it: the draft's 2025-02 leaves the day
    # blank and gives the month, as its place-date line does
    check(re.fullmatch(r"\(Kèm theo Kế hoạch số /KH-SYT ngày tháng 02 năm 2025 của Sở Y tế\)",
                       re.sub(r"\s+", " ", att)) is not None,
          "draft: number and day left blank in the Kèm theo line, the month as in the header", att)
    # the blanks keep their width (the template's draft_blank, six spaces)
    so = [x for x in ws if x[4] == "số"]
    sym = [x for x in ws if x[4].startswith("/KH-SYT")]
    check(so and sym and sym[0][0] - so[0][2] > 12,
          "draft: the number's blank is wide enough to write in",
          (so, sym))


def test_reference(tmp):
    body = ("# Mục đích\nChi tiết tại phụ lục I.\n\n"
            "# Phụ lục I: Một\n\nA.\n\n# Phụ lục II: Hai\n\nB.\n\n# Phụ lục III: Ba\n\nC.\n")
    text = plan(body)
    r, _ = render(tmp, "ref", text)
    lines = text.split("\n")
    at = {t: lines.index("# Phụ lục %s" % t) + 1 for t in ("II: Hai", "III: Ba")}
    want = ['ref.md:%d:1: warning: the body never refers to Phụ lục %s: the decree asks '
            'it to point to each appendix ("chi tiết tại Phụ lục %s kèm theo") '
            '[appendix-reference]' % (at[k], n, n) for k, n in (("II: Hai", "II"), ("III: Ba", "III"))]
    check(r.returncode == 0 and diags(r) == want,
          "appendix-reference: one warning per appendix the body never names", diags(r))
    v = run([KEHOACH, "validate", "ref.md"], cwd=tmp)
    check(diags(v) == want and v.returncode == 0, "appendix-reference: validate agrees", diags(v))
    for phrase in ("các phụ lục", "Phụ lục kèm theo", "Phụ lục I, Phụ lục II và Phụ lục III"):
        r, _ = render(tmp, "ref2", text.replace("Chi tiết tại phụ lục I.", "Xem %s." % phrase))
        check(not diags(r), "appendix-reference: '%s' refers to them all" % phrase, diags(r))
    # the appendices' own text does not count
    r, _ = render(tmp, "ref3", text.replace("Chi tiết tại phụ lục I.", "Nội dung.")
                  .replace("\nA.\n", "\nXem Phụ lục I, Phụ lục II, Phụ lục III.\n"))
    check(len(diags(r)) == 3, "appendix-reference: mentions inside appendices do not count",
          diags(r))


def test_landscape_misplaced(tmp):
    body = ("# Mục đích\nXem Phụ lục kèm theo.\n\n<!-- landscape -->\n\n"
            "# Phụ lục: Bảng\n\nMột.\n\n<!-- khổ ngang -->\n")
    text = plan(body)
    r, pdf = render(tmp, "misplaced", text)
    lines = text.split("\n")
    idx = [i + 1 for i, l in enumerate(lines) if l.startswith("<!--")]
    want = ["misplaced.md:%d:1: warning: <!-- landscape --> has no effect here: it turns an "
            "appendix's pages when it comes right after its '# Phụ lục' heading [landscape]" % i
            for i in idx]
    check(diags(r) == want, "landscape: elsewhere, a warning that it has no effect", diags(r))
    check(r.returncode == 0 and page_sizes(pdf) == [A4, A4],
          "landscape: misplaced, the pages stay portrait", page_sizes(pdf))


def test_issuer(tmp):
    body = "# Mục đích\nXem Phụ lục kèm theo.\n\n# Phụ lục: Bảng\n\nMột.\n"
    text = plan(body, **{"name: SỞ Y TẾ": "name: CÔNG ĐOÀN NGÀNH Y TẾ"})
    r, pdf = render(tmp, "issuer", text)
    lines = text.split("\n")
    ln = [i + 1 for i, l in enumerate(lines) if "CÔNG ĐOÀN" in l][0]
    want = ["issuer.md:%d:9: error: the appendices' \"(Kèm theo Kế hoạch số … của …)\" line "
            "names the issuer as running text writes it, which cannot be told from 'CÔNG "
            "ĐOÀN NGÀNH Y TẾ': give it as issuer.full_name, the name as a sentence writes it "
            "(capitals only for its first word, its field's first words and its proper names) "
            "[appendix-issuer]" % ln]
    check(r.returncode == 1 and diags(r) == want and not os.path.exists(pdf),
          "appendix-issuer: an error at issuer.name when the name cannot be derived", diags(r))
    r, pdf = render(tmp, "issuer2", text.replace("  code: SYT\n",
                                                 "  code: SYT\n  full_name: Công đoàn ngành Y tế tỉnh Kon Tum\n"))
    att = caption(pages_text(pdf)[-1], 1)[1] if r.returncode == 0 else ""
    check(att == "(Kèm theo Kế hoạch số 05/KH-SYT ngày 05 tháng 02 năm 2025 của Công đoàn "
          "ngành Y tế tỉnh Kon Tum)", "appendix-issuer: issuer.full_name is the line's name", att)
    # no appendix: no need for the name
    r, _ = render(tmp, "issuer3", text.replace("\n# Phụ lục: Bảng\n\nMột.\n", "")
                  .replace("Xem Phụ lục kèm theo.", "Nội dung."))
    check(r.returncode == 0 and not diags(r), "appendix-issuer: none without an appendix",
          diags(r))


def test_files(tmp):
    body = "# Mục đích\nXem các phụ lục kèm theo.\n\n# Phụ lục: Trong thân\n\nMột.\n"
    front = "appendices:\n  - phu-luc/a.md\n  - phu-luc/b.md\n"
    files = {"phu-luc/a.md": "# Phụ lục 7. Bảng tiến độ\n<!-- landscape -->\n\n## Tiến độ\n\n"
                             "Tháng 5.\n",
             "phu-luc/b.md": "# PHỤ LỤC: Danh sách\n\n# Đơn vị\n\nKhoa Dược.\n"}
    r, pdf = render(tmp, "files", plan(body, front), files)
    check(r.returncode == 0 and not diags(r), "appendix files: render", r.stderr.decode()[:400])
    if r.returncode:
        return
    pages = pages_text(pdf)
    labels = [p[0] for p in pages if p[0].startswith("Phụ lục")]
    check(labels == ["Phụ lục I", "Phụ lục II", "Phụ lục III"],
          "appendix files: after the body's, numbered with them", labels)
    check(pages[2][:2] == ["Phụ lục II", "BẢNG TIẾN ĐỘ"] and "1. Tiến độ" in pages[2] and
          pages[3][:2] == ["Phụ lục III", "DANH SÁCH"] and "I. ĐƠN VỊ" in pages[3],
          "appendix files: their captions and headings", pages[2:])
    check(page_sizes(pdf) == [A4, A4, (A4[1], A4[0]), A4],
          "appendix files: a file's landscape comment turns its pages", page_sizes(pdf))
    # a diagnostic in a file points into it
    files["phu-luc/b.md"] = "# Phụ lục: Danh sách\n\nKhoa “Dược.\n\n## 2.\n"
    r, _ = render(tmp, "files2", plan(body, front), files)
    check(diags(r) == ["phu-luc/b.md:3:6: warning: opening quote “ never closed in this "
                       "paragraph [quotes]",
                       "phu-luc/b.md:5:1: warning: this section has no content [empty-section]",
                       "phu-luc/b.md:5:1: error: this heading is only a number: the number "
                       "comes from its place, so nothing of it would print; write the "
                       "heading's text [heading-number-only]"] and r.returncode == 1,
          "appendix files: diagnostics at the file's line:col", diags(r))
    # missing, or without its heading
    files["phu-luc/b.md"] = "Danh sách\n"
    text = plan(body, front.replace("a.md", "khong-co.md"))
    r, _ = render(tmp, "files3", text, files)
    ln = text.split("\n").index("  - phu-luc/khong-co.md") + 1
    check(r.returncode == 1 and diags(r) == [
        "phu-luc/b.md:1:1: error: an appendix file starts with its heading, '# Phụ lục: "
        "title' (or '# Phụ lục I: title') [appendix-heading]",
        "files3.md:%d:5: error: appendix file phu-luc/khong-co.md cannot be read: cannot "
        "open: No such file or directory [appendix-file]" % ln],
        "appendix files: missing (at its item) or without a heading (at its line 1)", diags(r))


def test_files_twice(tmp):
    """The same file listed twice, under any spelling, is an error at the
    second item; an item the schema refuses is not read at all."""
    body = "# Mục đích\nXem Phụ lục kèm theo.\n"
    front = ("appendices:\n  - phu-luc/a.md\n  - ./phu-luc/a.md\n"
             "  - phu-luc/../phu-luc/a.md\n  - /etc/hostname\n")
    text = plan(body, front)
    r, pdf = render(tmp, "twice", text, {"phu-luc/a.md": "# Phụ lục: Bảng\n\nMột.\n"})
    lines = text.split("\n")
    ln = lines.index("  - phu-luc/a.md") + 1
    want = ["twice.md:%d:5: error: appendix file %s is listed already (line %d, as "
            "phu-luc/a.md): its appendices would print twice; delete this item "
            "[appendix-file]" % (ln + k, p, ln) for k, p in
            ((1, "./phu-luc/a.md"), (2, "phu-luc/../phu-luc/a.md"))]
    want.append("twice.md:%d:5: error: 'appendices item': an appendix file is a Markdown "
                "file (.md), its path relative to the plan [pattern]" % (ln + 3))
    check(r.returncode == 1 and diags(r) == want and not os.path.exists(pdf),
          "appendix files: listed twice (by any path) an error at the second; a refused "
          "item not read", diags(r))


def test_oracle(tmp):
    """Every word of the source on the pages, in order (tests/oracle.py
    knows the captions' generated words)."""
    body = ("# Mục đích\nChi tiết tại các phụ lục kèm theo.\n\n"
            "# Phụ lục I: Danh mục **nhiệm vụ**\n\n# Nhiệm vụ\n\nLàm việc một.\n\n"
            "# Phụ lục II\n<!-- landscape -->\n\n| A | B |\n|---|---|\n| một | hai |\n")
    r, pdf = render(tmp, "orc", plan(body))
    check(r.returncode == 0, "oracle: renders", r.stderr.decode()[:300])
    if r.returncode == 0:
        problems = oracle.problems(os.path.join(tmp, "orc.md"), pdf)
        check(not problems, "oracle: every word of a plan with appendices, in order",
              problems[:5])


def test_watch(tmp):
    """--watch re-renders a plan when one of its appendix files is saved."""
    import subprocess, time
    d = os.path.join(tmp, "watch")
    os.makedirs(os.path.join(d, "pl"))
    open(os.path.join(d, "pl", "a.md"), "w", encoding="utf-8").write(
        "# Phụ lục: Bảng\n\nBản cũ.\n")
    open(os.path.join(d, "w.md"), "w", encoding="utf-8").write(
        plan("# Mục đích\nXem Phụ lục kèm theo.\n", "appendices:\n  - pl/a.md\n"))
    log = open(os.path.join(d, "log"), "w+")
    proc = subprocess.Popen([KEHOACH, "render", "--watch-count=1", "-o", "w.pdf", "w.md"],
                            stderr=log, cwd=d, env=dict(os.environ, SOURCE_DATE_EPOCH="0"))
    def wait(pred):
        end = time.time() + 10
        while time.time() < end and not pred():
            time.sleep(0.05)
        return pred()
    try:
        ok = wait(lambda: "watching" in open(log.name, encoding="utf-8").read())
        with open(os.path.join(d, "pl", "a.md"), "w", encoding="utf-8") as f:
            f.write("# Phụ lục: Bảng\n\nBản mới.\n")
        ok = ok and wait(lambda: open(log.name, encoding="utf-8").read().count(" -> ") >= 2)
        got = pages_text(os.path.join(d, "w.pdf"))
        check(ok and "Bản mới." in got[-1], "watch: saving an appendix file re-renders its plan",
              open(log.name, encoding="utf-8").read()[-300:])
        check(proc.wait(timeout=10) == 0, "watch: stops after the render")
    finally:
        if proc.poll() is None:
            proc.kill()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_one, test_two_and_numbers, test_hand_numbers, test_title_breaks, test_landscape, test_draft,
                  test_reference, test_landscape_misplaced, test_issuer, test_files, test_files_twice,
                  test_oracle, test_watch):
            t(tmp)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
