#!/usr/bin/env python3
"""Issue 10, Footnotes and Also in the body: each case is rendered and
read back with poppler (pdftotext -bbox-layout) and the positioned text
of --dump-layout. The expected values are written from the Markdown and
the template (templates/ke-hoach.yaml), not taken from the program.
Prints "PASS name" / "FAIL name: why" lines.
"""
import os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
import oracle  # noqa: E402
from khtest import KEHOACH, check, exit_status  # noqa: E402

FRONT = khtest.PLAN[:khtest.PLAN.index("# Mục đích")]
BODY_LINE = FRONT.count("\n") + 1
MM = 72 / 25.4
PAGE_H = 297 * MM
BOTTOM = PAGE_H - 20 * MM        # the template's bottom margin, from the top
LEFT = 35 * MM
RULE_LEN = 50 * MM               # footnote.rule_length_mm
BODY_SIZE, NOTE_SIZE = 14, 12    # body.size, footnote.size


class Plan:
    """A plan with body, rendered in tmp: its diagnostics, its pages as
    pdftotext reads them, and its layout dump."""

    def __init__(self, tmp, name, body):
        self.name = name
        path = os.path.join(tmp, name + ".md")
        open(path, "w", encoding="utf-8").write(FRONT + body)
        r = khtest.run([KEHOACH, "render", "-o", name + ".pdf", name + ".md"], cwd=tmp)
        self.rc = r.returncode
        self.stderr = r.stderr.decode("utf-8", "replace")
        self.pages = []
        self.dump = []
        if r.returncode == 0:
            self.pages = oracle.read_pdf(os.path.join(tmp, name + ".pdf"))
            d = khtest.run([KEHOACH, "render", "--dump-layout", name + ".md"], cwd=tmp)
            page = 0
            for l in d.stdout.decode("utf-8").split("\n"):
                if l.startswith("page "):
                    page = int(l.split()[1])
                elif l:
                    self.dump.append((page, l.split(" ", 5)))
            lost = oracle.problems(path, os.path.join(tmp, name + ".pdf"))
            check(not lost, name + ": every word printed, none over another (oracle)", "; ".join(lost))

    def words(self, text, page=None):
        """(page, xMin, yMin, xMax, yMax) of each word equal to text."""
        out = []
        for n, (_, _, lines) in enumerate(self.pages, start=1):
            for line in lines:
                for w in line:
                    if w[4] == text and (page is None or page == n):
                        out.append((n,) + tuple(w[:4]))
        return out

    def word(self, text):
        got = self.words(text)
        return got[0] if got else None

    def rules(self, page):
        """Rules of a page in PDF user space: (x, y, x2, y2)."""
        return [tuple(float(v) for v in (o[1], o[2], o[3], o[4])) for p, o in self.dump
                if p == page and o[0] == "rule"]

    def texts(self, page):
        """Text ops of a page: (font, size, x, baseline y from the bottom, text)."""
        return [(o[1], float(o[2]), float(o[3]), float(o[4]), o[5]) for p, o in self.dump
                if p == page and o[0] == "text"]


def body_bottom(p, page):
    """The bottom of the page's lowest body-size word (not a note)."""
    ys = [w[3] for _, _, lines in p.pages[page - 1:page] for line in lines for w in line
          if w[3] - w[1] > 14.5]
    return max(ys)


def test_foot(tmp):
    body = ("# Căn cứ\n\nCăn cứ Luật Thi đua, khen thưởng[^luat] và Nghị định "
            "98/2023/NĐ-CP[^nd][^luat] của Chính phủ.\n\n"
            "| Đơn vị | Ghi chú |\n|---|---|\n| Khoa Dược | Báo cáo quý[^bang] |\n\n"
            "[^luat]: Luật số 06/2022/QH15 ngày 15 tháng 6 năm 2022 (Ghichúmột).\n"
            "[^nd]: Nghị định quy định chi tiết Luật Thi đua, khen thưởng (Ghichúhai).\n"
            "[^bang]: Theo mẫu ban hành kèm theo (Ghichúbảng).\n"
            "[^thua]: Không ai dùng (Ghichúthừa).\n")
    p = Plan(tmp, "foot", body)
    check(p.rc == 0, "foot: renders", p.stderr)
    check("foot.md:%d:1: warning: footnote [^thua] is never referenced" % (BODY_LINE + 11) in p.stderr,
          "foot: an unused note is a warning at its definition", p.stderr)
    if p.rc:
        return
    # numbering: in order of first reference, a reused note keeps its number
    texts = p.texts(1)
    sup = [t for t in texts if t[1] < BODY_SIZE and t[4] in ("1", "2", "2,1", ",", "3")]
    nums = [t[4] for t in sup if t[2] < 300 or t[4] != "1"]
    check([t[4] for t in texts if t[4] in ("1", "2", ",", "3") and abs(t[1] - BODY_SIZE * 0.65) < 0.01][:4]
          == ["1", "2", ",", "1"], "foot: references print 1, then 2,1 (the reused note keeps its number)",
          str(nums))
    for label, word in (("1", "(Ghichúmột)."), ("2", "(Ghichúhai)."), ("3", "(Ghichúbảng).")):
        w = p.word(word)
        check(w is not None and w[0] == 1, "foot: note %s on the page of its reference" % label, str(w))
        if w:
            check(w[2] > body_bottom(p, 1) and w[4] <= BOTTOM + 0.5,
                  "foot: note %s below the body's last line, above the bottom margin" % label,
                  "%s, body bottom %.1f, margin %.1f" % (w, body_bottom(p, 1), BOTTOM))
            check(abs((w[4] - w[2]) - 13.3) < 1.0, "foot: note %s in footnote.size (12 pt)" % label,
                  "height %.1f" % (w[4] - w[2]))
    check(not p.words("(Ghichúthừa)."), "foot: the unused note does not print")
    check(len(p.words("(Ghichúmột).")) == 1, "foot: a note referenced twice prints once")
    # the numbers at the foot: superscript, before each note's text
    foot_nums = [t for t in texts if t[3] < 200 and t[4] in ("1", "2", "3")]
    check([t[4] for t in foot_nums] == ["1", "2", "3"] and
          all(abs(t[1] - NOTE_SIZE * 0.65) < 0.01 and abs(t[2] - LEFT) < 0.01 for t in foot_nums),
          "foot: each note opens with its number, superscript, at the text's left edge", str(foot_nums))
    rules = [r for r in p.rules(1) if abs(r[0] - LEFT) < 0.01 and abs(r[2] - r[0] - RULE_LEN) < 0.01]
    top_note = min(t[3] for t in foot_nums) if foot_nums else 0
    check(len(rules) == 1 and rules[0][1] > top_note and rules[0][1] < PAGE_H - body_bottom(p, 1),
          "foot: a 50 mm rule from the text's left edge, between the body and the notes", str(p.rules(1)))


def test_numbering_through(tmp):
    body = "".join("# Mục %d\n\nĐoạn có ghi chú thứ %d[^n%d].\n\n" % (i, i, i) for i in range(1, 5))
    body += "Nhắc lại ghi chú đầu[^n1].\n\n"
    body += "".join("[^n%d]: Nội dung ghi chú số %d.\n" % (i, i) for i in (4, 2, 3, 1))
    p = Plan(tmp, "through", body)
    if p.rc:
        check(False, "through: renders", p.stderr)
        return
    nums = [t[4] for t in p.texts(1) if abs(t[1] - BODY_SIZE * 0.65) < 0.01]
    check(nums == ["1", "2", "3", "4", "1"],
          "through: numbered by first reference, not by where the definitions stand", str(nums))


def test_long_note(tmp):
    filler = "Các khoa, phòng, trạm y tế xã căn cứ Kế hoạch này triển khai thực hiện và báo cáo kết quả. " * 3
    long_note = " ".join("Câu %d của ghi chú dài giải thích cách tính chỉ tiêu." % i for i in range(1, 41))
    body = "# Nội dung\n\n" + "".join(filler + "\n\n" for _ in range(7))
    body += "Đoạn có ghi chú dài[^dai] ở cuối trang.\n\n" + "".join(filler + "\n\n" for _ in range(12))
    body += "Đoạn có ghi chú ngắn[^ngan].\n\n"
    body += "[^dai]: Mởđầughichú. " + long_note + " Kếtthúcghichú.\n[^ngan]: Ghichúngắn.\n"
    p = Plan(tmp, "long-note", body)
    if p.rc:
        check(False, "long-note: renders", p.stderr)
        return
    ref = p.word("dài")
    first, last = p.word("Mởđầughichú."), p.word("Kếtthúcghichú.")
    check(ref and first and first[0] == ref[0], "long-note: the note starts on the page of its reference",
          "%s %s" % (ref, first))
    check(first and last and last[0] == first[0] + 1,
          "long-note: a note too long for the page goes on at the next page's foot", "%s %s" % (first, last))
    if first and last:
        check(last[2] > body_bottom(p, last[0]) and last[4] <= BOTTOM + 0.5,
              "long-note: its continuation stands below the next page's body, above the margin",
              "%s %.1f" % (last, body_bottom(p, last[0])))
        check(any(abs(r[2] - r[0] - RULE_LEN) < 0.01 for r in p.rules(last[0])),
              "long-note: a rule over the continuation")
        short = p.word("Ghichúngắn.")
        ref2 = p.word("ngắn")
        if short and short[0] == last[0]:
            check(short[2] > last[2], "long-note: the continuation comes before that page's own note",
                  "%s %s" % (short, last))
        check(short and ref2 and short[0] == ref2[0], "long-note: the next note on its reference's page",
              "%s %s" % (short, ref2))


def test_pushed_line(tmp):
    """Wherever the reference falls near a page's end, its note is on
    that page (the line goes to the next page if the note's first line
    cannot fit), and nothing overlaps (the oracle, in Plan)."""
    filler = "Các khoa, phòng, trạm y tế xã căn cứ Kế hoạch này triển khai thực hiện."
    bad, pushed = [], []
    for n in range(16, 28):
        body = "# Nội dung\n\n" + "".join(filler + "\n\n" for _ in range(n))
        body += "Tham chiếu[^a] ở đây.\n\n" + filler + "\n\n[^a]: Ghichú " + "rất dài " * 30 + "hết.\n"
        p = Plan(tmp, "pushed-%d" % n, body)
        ref, note = p.word("Tham"), p.word("Ghichú")
        if not ref or not note or ref[0] != note[0]:
            bad.append((n, ref, note))
        # the line before the reference on the page before: it was pushed
        before = [w for w in p.words("hiện.") if ref and w[0] == ref[0] - 1]
        if ref and ref[0] == 2 and before and before[-1][4] < BOTTOM - 20:
            # without the note, the same line stays on page 1
            plain = Plan(tmp, "plain-%d" % n, body.split("\n\n[^a]:")[0].replace("[^a]", "") + "\n")
            if plain.word("Tham") and plain.word("Tham")[0] == 1:
                pushed.append(n)
    check(pushed, "pushed: for some place of the reference, its line went to the next page "
          "with room left under the body (the note's first line could not fit)", str(pushed))
    check(not bad, "pushed: a reference near a page's end always has its note on its page", str(bad))


def test_sup_sub(tmp):
    body = ("# Nội dung\n\nDiện tích kho tối thiểu 25 m<sup>2</sup>, khí NH<sub>4</sub><sup>+</sup> "
            "và ngày 1<sup>st</sup> tháng.\n\n"
            "| Chất | Nồng độ |\n|---|---|\n| SO<sub>2</sub> | 10<sup>-3</sup> |\n")
    p = Plan(tmp, "sup-sub", body)
    check(p.rc == 0 and "html" not in p.stderr, "sup-sub: renders, no html warning", p.stderr)
    if p.rc:
        return
    ops = p.texts(1)
    def op(text, after):
        for i, t in enumerate(ops):
            if t[4] == text and i and ops[i - 1][4] == after:
                return t, ops[i - 1]
        return None, None
    s, m = op("2", "m")
    check(s and abs(s[1] - 14 * 0.65) < 0.01 and abs((s[3] - m[3]) - 14 * 0.35) < 0.01,
          "sup: m<sup>2</sup> at 0.65 × size, baseline raised 0.35 × size", str((s, m)))
    b, nh = op("4", "NH")
    check(b and abs(b[1] - 14 * 0.65) < 0.01 and abs((nh[3] - b[3]) - 14 * 0.12) < 0.01,
          "sub: NH<sub>4</sub> lowered 0.12 × size", str((b, nh)))
    cell_s, so = op("2", "SO")
    check(cell_s and cell_s[3] < so[3] and cell_s[1] < so[1], "sub: in a table cell too", str((cell_s, so)))
    # read back: the 2 stands above the m's baseline and is smaller
    mw = [w for w in p.words("m")]
    tw = [w for w in p.words("2") if mw and abs(w[1] - mw[0][3]) < 1.0]
    check(mw and tw and tw[0][4] < mw[0][4] - 2 and (tw[0][4] - tw[0][2]) < (mw[0][4] - mw[0][2]),
          "sup: pdftotext finds the 2 raised and smaller than the m", str((mw, tw)))
    check(mw and tw and abs(tw[0][1] - mw[0][3]) < 0.5, "sup: the 2 follows the m with no space",
          str((mw, tw)))


def test_blanks(tmp):
    body = ("# Nội dung\n\nSố      /KH-UBND ngày      /      /2025 của Ủy ban nhân dân huyện về việc "
            "tổ chức thực hiện các nhiệm vụ trọng tâm.\n\n"
            "Quyết định số&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;/QĐ-UBND ngày tháng năm.\n\n"
            "Một khoảng trắng đơn giữa các chữ vẫn co giãn khi căn đều hai bên của dòng dài này "
            "cho đến hết đoạn văn bản.\n")
    p = Plan(tmp, "blanks", body)
    if p.rc:
        check(False, "blanks: renders", p.stderr)
        return
    space = 3.5  # a space of Times New Roman at 14 pt: 0.25 em
    so, kh = p.word("Số"), p.word("/KH-UBND")
    check(so and kh and kh[1] - so[3] >= 5 * space - 0.01,
          "blanks: six spaces typed after 'Số' keep at least 5 spaces' width", str((so, kh)))
    check(so and kh and abs((kh[1] - so[3]) - 6 * space) < 0.01,
          "blanks: the run is not stretched in a justified line (exactly 6 spaces)", str((so, kh)))
    so2, qd = p.word("số"), p.word("/QĐ-UBND")
    check(so2 and qd and abs((qd[1] - so2[3]) - 6 * space) < 0.01,
          "blanks: six no-break spaces (&nbsp;) keep their width", str((so2, qd)))


def test_tab_blanks(tmp):
    """A tab in a blank counts as 4 space widths (docs/rules.md, tab):
    "Số\\t\\t/KH-SYT" keeps 8 spaces' width, as 8 typed spaces do."""
    body = ("# Nội dung\n\nSố\t\t/KH-SYT ngày\t\t/\t\t/2025 của Sở Y tế về việc "
            "tổ chức thực hiện các nhiệm vụ trọng tâm trong năm kế hoạch.\n\n"
            "Quyết định số        /QĐ-UBND ngày tháng năm.\n")
    p = Plan(tmp, "tabs", body)
    if p.rc:
        check(False, "tab blanks: renders", p.stderr)
        return
    space = 3.5
    so, kh = p.word("Số"), p.word("/KH-SYT")
    so2, qd = p.word("số"), p.word("/QĐ-UBND")
    check(so and kh and abs((kh[1] - so[3]) - 8 * space) < 0.01,
          "tab blanks: two tabs keep 8 spaces' width", str((so, kh)))
    check(so and kh and so2 and qd and abs((kh[1] - so[3]) - (qd[1] - so2[3])) < 0.01,
          "tab blanks: as wide as 8 typed spaces", str((so, kh, so2, qd)))
    check("it prints as 4 space widths" in p.stderr,
          "tab blanks: the tab warning says what it prints as", p.stderr[:300])


def test_fill_in(tmp):
    """A fill-in line (3+ dots, underscores, "…") is no punctuation and no
    word: no space-before-punctuation or long-word warning, and a long one
    starts on its own line, right after its label, broken where the line
    ends."""
    body = ("# Nội dung\n\nHọ và tên: .......................... Chức vụ: ______________\n\n"
            "Địa chỉ: " + "." * 200 + "\n\nGhi chú: ……………\n")
    p = Plan(tmp, "fill", body)
    check(p.rc == 0 and "warning" not in p.stderr, "fill-in: no warning", p.stderr[:300])
    if p.rc:
        return
    dia = p.word("Địa")
    same = [w for line in p.pages[0][2] for w in line
            if dia and abs(w[1] - dia[2]) < 1 and w[4].startswith("....")]
    check(dia and same and same[0][2] > 300,
          "fill-in: 200 dots start after 'Địa chỉ:' on its line and fill it", str((dia, same)))


def test_note_in_note(tmp):
    body = ("# Nội dung\n\nThực hiện Luật[^luat] và Nghị định[^nd].\n\n"
            "[^luat]: Luật số 06/2022/QH15, hướng dẫn tại Nghị định[^nd].\n"
            "[^nd]: Nghị định số 98/2023/NĐ-CP (Ghichúnđ).\n")
    p = Plan(tmp, "note-in-note", body)
    if p.rc:
        check(False, "note-in-note: renders", p.stderr)
        return
    texts = p.texts(1)
    k = [i for i, t in enumerate(texts) if t[4] == "định" and t[3] < 200]
    check(k and texts[k[0] + 1][4] == "2" and texts[k[0] + 1][1] < NOTE_SIZE,
          "note-in-note: a note's reference to a note referenced later in the text prints its number",
          str(texts[k[0]:k[0] + 2] if k else texts))
    check(len(p.words("(Ghichúnđ).")) == 1 and p.stderr == "",
          "note-in-note: that note prints once, no diagnostic", p.stderr)


def test_blank_at_break(tmp):
    """A kept blank where a line would end is no break point while another
    exists: the brief's example (12 spaces after "số") put "số" at the end
    of the first line and "/QĐ-UBND" at the start of the next, the blank
    gone. Now "số" goes down with its blank, 12 space widths before
    "/QĐ-UBND" on one line. And when only the blank can break the line (a
    55-digit number fills it), the blank opens the next line: "/QĐ-UBND"
    starts 12 space widths right of the left margin."""
    body = ("# Nội dung\n\nCăn cứ Quyết định thành lập Đoàn kiểm tra liên ngành của tỉnh số"
            "            /QĐ-UBND ngày          /        /2025 của Ủy ban nhân dân tỉnh về việc "
            "tổ chức kiểm tra công tác quản lý tài chính.\n\n"
            + "1234567890" * 5 + "12345 Số            /KH-UBND ngày.\n")
    p = Plan(tmp, "blank-break", body)
    if p.rc:
        check(False, "blank at break: renders", p.stderr)
        return
    space = 3.5
    so, qd = p.word("số"), p.word("/QĐ-UBND")
    check(so and qd and abs(so[2] - qd[2]) < 1 and abs((qd[1] - so[3]) - 12 * space) < 0.01,
          "blank at break: 'số', its 12-space blank and '/QĐ-UBND' on one line", str((so, qd)))
    big, so2, kh = p.word("1234567890" * 5 + "12345"), p.word("Số"), p.word("/KH-UBND")
    check(big and so2 and kh and abs(big[2] - so2[2]) < 1 and kh[2] > so2[2] + 10,
          "blank at break: forced, the line breaks at the blank after 'Số'", str((big, so2, kh)))
    check(kh and abs(kh[1] - (LEFT + 12 * space)) < 0.01,
          "blank at break: forced, the blank keeps its 12 spaces at the next line's start",
          str((kh, LEFT + 12 * space)))


def appendix_plan(tmp, name, extra_front, body):
    """A draft plan (no number, date: 2025: the Kèm theo line has blanks
    for the number, day and month) with an appendix."""
    front = FRONT.replace("number: 5\n", "").replace("date: 2025-02-05", "date: 2025").replace(
        "  code: SYT\n", "  code: SYT\n  full_name: " + extra_front + "\n")
    path = os.path.join(tmp, name + ".md")
    open(path, "w", encoding="utf-8").write(front + body)
    r = khtest.run([KEHOACH, "render", "-o", name + ".pdf", name + ".md"], cwd=tmp)
    d = khtest.run([KEHOACH, "render", "--dump-layout", name + ".md"], cwd=tmp)
    pages = oracle.read_pdf(os.path.join(tmp, name + ".pdf")) if r.returncode == 0 else []
    return r, d.stdout.decode("utf-8"), pages


def test_caption_blanks(tmp):
    """The appendix's "(Kèm theo Kế hoạch số      /KH-SYT ngày      tháng
    …)" line wraps, but never at a blank: "ngày" ended the first line and
    "tháng" opened the second, the blank between them gone. Every blank
    stays inside a line, between its words. A group of words joined by
    blanks wider than the line is broken at a space, and a blank the
    break falls on opens the next line (as typed spaces in its text op)."""
    body = ("# Mục đích\nNội dung chi tiết tại Phụ lục I.\n\n"
            "# Phụ lục I: Danh mục các nhiệm vụ trọng tâm\n\nNội dung phụ lục.\n")
    r, dump, pages = appendix_plan(tmp, "caption-blanks", "Sở Y tế tỉnh Kon Tum", body)
    if r.returncode:
        check(False, "caption blanks: renders", r.stderr.decode())
        return
    lines = [l.split(" ", 5)[5] for l in dump.split("\n")
             if l.startswith("text I ")]
    joined = [l for l in lines if "Kèm" in l or "tháng" in l or "ngày" in l]
    check(len(joined) >= 2, "caption blanks: the Kèm theo line wraps (two lines)", str(lines))
    ok = all(re.search(r"\S {2,}\S", l) or "  " not in l for l in lines)
    ends = [l for l in lines if l.rstrip().endswith(("số", "ngày", "tháng"))
            or l.lstrip().startswith(("/KH", "tháng", "năm"))]
    check(ok and not ends and any("ngày" in l and "tháng" in l for l in lines),
          "caption blanks: no line ends or starts at a blank", str(lines))
    body2 = body.replace("Sở Y tế tỉnh Kon Tum", "")
    r, dump, pages = appendix_plan(
        tmp, "caption-group", "Ủy  ban  nhân  dân  tỉnh  Kon  Tum  và  Sở  Y  tế  tỉnh  Kon  Tum"
        "  cùng  các  sở  ngành", body2)
    if r.returncode:
        check(False, "caption blanks: a group wider than the line renders", r.stderr.decode())
        return
    lines = [l.split(" ", 5)[5] for l in dump.split("\n") if l.startswith("text I ")]
    check(len(lines) >= 2 and any(l.startswith("  ") and l[2] != " " for l in lines[1:]),
          "caption blanks: a blank the break falls on opens the next line", str(lines))


def test_landscape_notes(tmp):
    """A footnote referenced on a landscape appendix page: its rule and its
    text both start at that page's left edge (the note text was at the
    portrait 35 mm while the rule was at the landscape edge)."""
    body = ("# Mục đích\nNội dung chi tiết tại Phụ lục I.\n\n"
            "# Phụ lục I: Danh mục\n<!-- landscape -->\n\n"
            "Nội dung phụ lục có ghi chú[^a]." + " Các đơn vị thực hiện đúng tiến độ." * 12
            + "\n\n[^a]: Ghi chú ở trang ngang Notex.\n")
    r, dump, pages = appendix_plan(tmp, "landscape-notes", "Sở Y tế tỉnh Kon Tum", body)
    if r.returncode:
        check(False, "landscape notes: renders", r.stderr.decode())
        return
    page, rules, texts = 0, [], []
    for l in dump.split("\n"):
        if l.startswith("page "):
            page = int(l.split()[1])
        elif page == 2 and l.startswith("rule "):
            rules.append([float(v) for v in l.split()[1:5]])
        elif page == 2 and l.startswith("text "):
            o = l.split(" ", 5)
            texts.append((float(o[2]), float(o[3]), o[5]))
    ghi = [t for t in texts if t[2] == "Ghi" and t[0] == NOTE_SIZE]
    note_rule = [q for q in rules if abs((q[2] - q[0]) - RULE_LEN) < 0.1]
    body_left = min(t[1] for t in texts if t[0] == BODY_SIZE)  # a wrapped line's start
    check(ghi and note_rule and abs(note_rule[0][0] - body_left) < 0.01,
          "landscape notes: the rule starts at the landscape page's left edge",
          str((note_rule, body_left)))
    num = [t for t in texts if t[0] < NOTE_SIZE and t[2] == "1" and ghi and abs(t[1] - ghi[0][1]) < 8]
    check(num and abs(num[0][1] - body_left) < 0.01 and ghi[0][1] < body_left + 20,
          "landscape notes: the note's number and text start there too",
          str((num, ghi, body_left)))
    words = [w[4] for _, _, ls in pages[1:2] for line in ls for w in line]
    check("Notex." in words, "landscape notes: pdftotext reads the note on the page", str(words))


def test_caption_date(tmp):
    """A filled-in Kèm theo line keeps its date whole: "(Kèm theo Kế hoạch
    số 125/KH-SYT ngày 14" / "tháng 3 năm 2025 của Sở Y tế tỉnh Kon Tum)"
    split the date; now the line breaks before "ngày"."""
    front = FRONT.replace("number: 5\n", "number: 125\n").replace(
        "date: 2025-02-05", "date: 2025-03-14").replace(
        "  code: SYT\n", "  code: SYT\n  full_name: Sở Y tế tỉnh Kon Tum\n")
    path = os.path.join(tmp, "caption-date.md")
    open(path, "w", encoding="utf-8").write(
        front + "# Mục đích\nNội dung chi tiết tại Phụ lục I.\n\n"
        "# Phụ lục I: Danh mục\n\nNội dung.\n")
    d = khtest.run([KEHOACH, "render", "--dump-layout", "caption-date.md"], cwd=tmp)
    lines = [l.split(" ", 5)[5] for l in d.stdout.decode("utf-8").split("\n")
             if l.startswith("text I ") and "Kèm" in l or l.startswith("text I ") and "của Sở" in l]
    check(len(lines) == 2 and any("ngày 14 tháng 3 năm 2025" in l for l in lines),
          "caption date: the Kèm theo line wraps without splitting its date", str(lines))


with tempfile.TemporaryDirectory() as tmp:
    test_foot(tmp)
    test_note_in_note(tmp)
    test_numbering_through(tmp)
    test_long_note(tmp)
    test_pushed_line(tmp)
    test_sup_sub(tmp)
    test_blanks(tmp)
    test_tab_blanks(tmp)
    test_fill_in(tmp)
    test_blank_at_break(tmp)
    test_caption_blanks(tmp)
    test_caption_date(tmp)
    test_landscape_notes(tmp)
sys.exit(exit_status())
