#!/usr/bin/env python3
"""Every Markdown construct a clerk may type prints all its text, or gets a
diagnostic (issue 9). Each case is a small plan: it is rendered, read back
with pdftotext (and the positioned text of --dump-layout for fonts), and
validated; `validate` and `render` must give the same diagnostics.
The expected words are written here from the Markdown, not taken from the
program. Prints "PASS name" / "FAIL name: why" lines.
"""
import os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
from khtest import KEHOACH, check, exit_status  # noqa: E402

FRONT = khtest.PLAN[:khtest.PLAN.index("# Mục đích")]  # the front matter, "---" included
BODY_LINE = FRONT.count("\n") + 1  # file line of the body's first line


def run(args, cwd):
    return khtest.run(args, cwd=cwd, timeout=60)


def diags(stderr):
    return [l for l in stderr.decode("utf-8", "replace").split("\n") if l and not l.startswith("    ")]


class Case:
    """A plan with body, rendered and validated in tmp."""

    def __init__(self, tmp, name, body):
        self.name = name
        open(os.path.join(tmp, name + ".md"), "w", encoding="utf-8").write(FRONT + body)
        v = run([KEHOACH, "validate", name + ".md"], tmp)
        r = run([KEHOACH, "render", "-o", name + ".pdf", name + ".md"], tmp)
        self.diags = diags(v.stderr)
        self.rc = r.returncode
        check(diags(r.stderr) == self.diags and (v.returncode == 0) == (r.returncode == 0),
              name + ": validate and render give the same diagnostics",
              "validate %d %s\n  render %d %s" % (v.returncode, self.diags, r.returncode, diags(r.stderr)))
        pdf = os.path.join(tmp, name + ".pdf")
        self.text = self.lines = ""
        if r.returncode == 0:
            t = run(["pdftotext", "-layout", pdf, "-"], tmp).stdout.decode("utf-8")
            self.lines = [re.sub(r"\s+", " ", l).strip() for l in t.split("\n") if l.strip()]
            self.text = " ".join(self.lines)
            d = run([KEHOACH, "render", "--dump-layout", name + ".md"], tmp).stdout.decode("utf-8")
            self.dump = [l.split(" ", 5) for l in d.split("\n") if l.startswith("text ")]

    def words_in_order(self, text, what):
        """Every word of text appears in the PDF, in this order (looked for
        with the line breaks taken out: a URL may break across lines)."""
        pos, missing = 0, None
        flat = "".join(self.text.split())
        for w in text.split():
            k = flat.find(w, pos)
            if k < 0:
                missing = w
                break
            pos = k + len(w)
        check(self.rc == 0 and missing is None, "%s: %s" % (self.name, what),
              "exit %d, missing %r in %r" % (self.rc, missing, self.text[:600]))

    def absent(self, s, what):
        check(self.rc == 0 and s not in self.text, "%s: %s" % (self.name, what), repr(self.text[:600]))

    def line(self, s, what):
        """A line of the PDF that starts with s."""
        check(any(l.startswith(s) for l in self.lines), "%s: %s" % (self.name, what),
              "\n".join(self.lines))

    def font(self, word, font, what):
        got = [d[1] for d in self.dump if len(d) == 6 and d[5] == word]
        check(got and all(g == font for g in got), "%s: %s" % (self.name, what), str(got))

    def diag(self, rule, line, col, severity="warning"):
        want = "%s.md:%d:%d: %s: " % (self.name, line, col, severity)
        check(any(d.startswith(want) and d.endswith("[%s]" % rule) for d in self.diags),
              "%s: %s %s at %d:%d" % (self.name, severity, rule, line, col), "\n".join(self.diags))


INDENTED = """Căn cứ Luật Thi đua, khen thưởng năm 2022 và các văn bản hướng dẫn
thi hành luật này, Sở Y tế xây dựng kế hoạch để các đơn vị triển khai."""


def test_indented(tmp):
    # issue 9, example 1: a paste indented by four spaces
    body = "Sở Y tế xây dựng Kế hoạch như sau:\n\n" + "".join("    " + l + "\n" for l in INDENTED.split("\n"))
    c = Case(tmp, "indented", body)
    c.words_in_order("Sở Y tế xây dựng Kế hoạch như sau: " + INDENTED, "every word of the indented paragraph")
    c.diag("indented-code", BODY_LINE + 2, 5)
    c = Case(tmp, "indented-short", "# Nội dung\n\n    Căn cứ Luật Thi đua,\n    khen thưởng năm 2022.\n")
    c.line("Căn cứ Luật Thi đua, khen thưởng năm 2022.", "indented lines are joined into one paragraph")
    body = "# Nội dung\n\n    Đoạn một có **chữ đậm**.\n\n    Đoạn hai.\n"
    c = Case(tmp, "indented-two", body)
    c.words_in_order("Đoạn một có chữ đậm. Đoạn hai.", "two indented paragraphs, every word")
    c.font("đậm", "B", "Markdown inside an indented paragraph is read (bold)")
    c.absent("**", "no Markdown syntax printed")


def test_html(tmp):
    # issue 9, example 5
    body = ("# Nội dung\n\nVăn bản <!-- ghi chú nội bộ: không in --> có dòng<br>mới, <b>đậm</b>, "
            "<i>nghiêng</i>, 20 m<sup>2</sup>.\n\n<!-- ghi chú nội bộ:\nkhông in -->\n\n"
            "<div>\nKhối <strong>HTML</strong><br/>dòng hai\n</div>\n")
    c = Case(tmp, "html", body)
    c.words_in_order("Văn bản có dòng mới, đậm, nghiêng, 20 m2. Khối HTML dòng hai", "the text of inline tags and HTML blocks")
    for s in ("ghi chú", "không in", "<", ">"):
        c.absent(s, "%r not printed (comments and tags)" % s)
    c.line("mới, đậm, nghiêng", "<br> is a line break")
    c.line("dòng hai", "<br/> in an HTML block is a line break")
    c.font("đậm", "B", "<b> prints bold")
    c.font("nghiêng", "I", "<i> prints italic")
    c.font("HTML", "B", "<strong> in an HTML block prints bold")
    check(not any("[html]" in d for d in c.diags), "html: no tag warns (comments, br, b, i, sup)", str(c.diags))
    c = Case(tmp, "html-comment-only", "# Nội dung\n\nMở đầu.\n\n<!-- chỉ ghi chú -->\n\nKết thúc.\n")
    c.words_in_order("Mở đầu. Kết thúc.", "text around a comment block")
    c.absent("chỉ ghi chú", "a comment block prints nothing")
    check(c.diags == [], "html-comment-only: no diagnostic", str(c.diags))
    c = Case(tmp, "html-list", "# Nội dung\n\n<ul>\n<li>Một</li>\n<li>Hai <a href=\"https://dvc.gov.vn\">cổng</a></li>\n</ul>\n")
    c.line("- Một", "<li> printed as a list item")
    c.words_in_order("Một Hai cổng (https://dvc.gov.vn)", "<a href> prints its address")


def test_tables(tmp):
    """Pipe tables as GitHub reads them (cmark-gfm's table extension)."""
    body = ("# Nội dung\n\n| STT | Nội dung |\n|:---:|---|\n| 1 | Họp giao ban<br>hằng tháng |\n"
            "| 2 |\n| 3 | Tổ chức \\| Hành chính |\n\n"
            "| Dòng có dấu gạch đứng đầu\nnhưng không có hàng phân cách.\n\n"
            "> | Quý | Việc |\n> | --- | --- |\n> | I | Sơ kết |\n\n"
            "Việc ~~đã bỏ~~ còn lại.\n")
    c = Case(tmp, "tables", body)
    c.words_in_order("STT Nội dung 1 Họp giao ban hằng tháng 2 3 Tổ chức | Hành chính",
                     "a pipe table: every cell, a short row printed with an empty cell")
    c.line("1 Họp giao ban", "<br> in a cell: the words before it end the cell's line")
    c.line("hằng tháng", "<br> in a cell: the words after it start a new line")
    c.line("| Dòng có dấu gạch đứng đầu nhưng không có hàng phân cách.",
           "a paragraph that starts with '|' but has no delimiter row stays a paragraph")
    c.words_in_order("Quý Việc I Sơ kết", "a table inside a quote")
    c.words_in_order("Việc đã bỏ còn lại.", "struck-through words printed")
    c.absent("~~", "the strike's tildes are not printed")
    c.diag("strikethrough", BODY_LINE + 15, 6)
    check(len(c.diags) == 1, "tables: a short row gives no diagnostic (GitHub shows empty cells)",
          str(c.diags))
    c = Case(tmp, "table-extra", "# Nội dung\n\n| STT | Nội dung |\n| --- | --- |\n| 1 | Họp | Ghi chú |\n")
    check(c.rc == 1, "table-extra: a cell past the header's count fails the render (GitHub drops it)",
          str(c.diags))
    c.diag("table-columns", BODY_LINE + 4, 13, "error")


def test_code(tmp):
    body = "# Nội dung\n\nLịch trực:\n\n```\nThứ Hai: Phòng Tổ chức\nThứ Ba: Phòng Nghiệp vụ Y\nThứ Tư: Văn phòng\n```\n"
    c = Case(tmp, "fenced", body)
    for l in ("Thứ Hai: Phòng Tổ chức", "Thứ Ba: Phòng Nghiệp vụ Y", "Thứ Tư: Văn phòng"):
        c.line(l, "code line %r printed on its own line" % l)
    c.diag("code-block", BODY_LINE + 4, 1)


def test_lists(tmp):
    body = ("# Nội dung\n\n- Mục một\n+ Mục hai\n  * Mục con\n\n1) Việc một\n3) Việc ba\n\n"
            "- Các hoạt động:\n\n  | STT | Nội dung |\n  | --- | --- |\n  | 1 | Hội nghị sơ kết |\n\n"
            "- - Mục trong mục\n- 1. Việc trong mục\n\n"
            "- ```\n  mã trong mục\n  ```\n- ## Tiêu đề trong mục\n- > Trích dẫn trong mục\n")
    c = Case(tmp, "lists", body)
    for m in ("- Mục một", "+ Mục hai", "* Mục con", "1) Việc một", "3) Việc ba", "- Các hoạt động:",
              "- mã trong mục", "- Tiêu đề trong mục", "- Trích dẫn trong mục"):
        c.line(m, "the marker typed: %r" % m)
    c.words_in_order("STT Nội dung 1 Hội nghị sơ kết", "a table inside a list item")
    c.words_in_order("- Mục trong mục - 1. Việc trong mục", "an item that opens with a list keeps both markers")
    c.font("Tiêu", "B", "a heading inside a list item prints bold")


def test_quotes(tmp):
    c = Case(tmp, "quotes", "# Nội dung\n\n> Một\n> > Hai\n> > > Ba *sâu*\n\nSau.\n")
    c.words_in_order("Một Hai Ba sâu Sau.", "block quotes at any depth print")
    c = Case(tmp, "nesting", "# Nội dung\n\n" + "> " * 34 + "Quá sâu.\n")
    c.diag("nesting", BODY_LINE + 2, 65, "error")
    check(c.rc == 1, "nesting: render refuses", str(c.rc))


def test_heading_link(tmp):
    body = "# Tiêu chuẩn theo [Luật](https://vbpl.vn/luat-tdkt) và <https://vbpl.vn/Nghi-Dinh>\n\nNội dung.\n"
    c = Case(tmp, "heading-link", body)
    c.words_in_order("I. TIÊU CHUẨN THEO LUẬT (https://vbpl.vn/luat-tdkt) VÀ https://vbpl.vn/Nghi-Dinh",
                     "an upper-cased heading keeps a link's address as typed")


def test_links(tmp):
    body = ("# Nội dung\n\nNộp hồ sơ qua [Cổng dịch vụ công](https://dvc.gov.vn/p) hoặc "
            "<https://vanban.gov.vn>, thư <vp@syt.gov.vn>.\n")
    c = Case(tmp, "links", body)
    c.words_in_order("Nộp hồ sơ qua Cổng dịch vụ công (https://dvc.gov.vn/p) hoặc https://vanban.gov.vn, "
                     "thư vp@syt.gov.vn.", "a link prints its text and its address")
    check(c.text.count("vanban.gov.vn") == 1 and c.text.count("vp@syt.gov.vn") == 1,
          "links: an autolink prints its address once", c.text)
    body = ("# Nội dung\n\nXem [văn bản][vb].\n\n[vb]: https://vanban.gov.vn\n\n"
            "Tài liệu tham khảo:\n\n[1]: https://vbpl.vn/nd98\n")
    c = Case(tmp, "references", body)
    c.words_in_order("Xem văn bản (https://vanban.gov.vn). Tài liệu tham khảo: [1]: https://vbpl.vn/nd98",
                     "a reference link prints its address; an unused definition prints as typed")
    check(c.text.count("vanban.gov.vn") == 1 and c.diags == [], "references: a used definition prints once, no diagnostic",
          c.text + str(c.diags))


def test_footnotes_images_headings(tmp):
    body = "# Nội dung\n\nCăn cứ Luật[^1] và Nghị định[^nd].\n\n[^1]: Luật số 06/2022/QH15.\n\n[^nd]: NĐ98\n"
    c = Case(tmp, "footnotes", body)
    c.words_in_order("Căn cứ Luật1 và Nghị định2. 1 Luật số 06/2022/QH15. 2 NĐ98",
                     "footnotes: numbers at the references, the notes at the foot, a one-word note too")
    check(c.diags == [], "footnotes: no diagnostic", str(c.diags))
    c = Case(tmp, "footnote-undefined", "# Nội dung\n\nCăn cứ Luật[^1] và Nghị định[^nd].\n\n[^1]: Luật số 06.\n")
    c.diag("footnote", BODY_LINE + 2, 29, "error")
    check(c.rc == 1, "footnote-undefined: render refuses ([^nd] would print as typed)")
    c = Case(tmp, "image", "# Nội dung\n\nSơ đồ: ![sơ đồ tổ chức](so-do.png)\n")
    c.diag("image", BODY_LINE + 2, 8, "error")
    check(c.rc == 1, "image: render refuses (the picture would be lost)")
    for h in ("## 2.", "# II.", "### a)"):
        pre = {"#": "", "##": "# Một\n\n", "###": "# Một\n\n## Hai\n\n"}[h.split()[0]]
        c = Case(tmp, "number-only", pre + h + "\n\nNội dung.\n")
        c.diag("heading-number-only", BODY_LINE + pre.count("\n"), 1, "error")
    c = Case(tmp, "space", "# Nội dung\n\nCác phòng , đơn vị (tính cả `a , b`) - báo cáo .\n")
    c.diag("space-before-punctuation", BODY_LINE + 2, 10)
    c.diag("space-before-punctuation", BODY_LINE + 2, 47)
    check(len(c.diags) == 2, "space: not inside code, not for a spaced dash", str(c.diags))


def test_linear(tmp):
    """One long line of tags, footnotes and stray spaces: positions are
    counted only for what is reported, so this stays linear."""
    import time
    body = "# Nội dung\n\n" + ('<a href="https://x.vn">x</a> <i>y</i> a , b[^1] ' * 30000) + "\n\n[^1]: Ghi chú.\n"
    open(os.path.join(tmp, "long.md"), "w", encoding="utf-8").write(FRONT + body)
    t = time.time()
    r = run([KEHOACH, "validate", "long.md"], tmp)
    dt = time.time() - t
    check(r.returncode == 0 and dt < 8, "long line of 150,000 inline constructs validates in %.2f s" % dt,
          r.stderr.decode()[-300:])


with tempfile.TemporaryDirectory() as tmp:
    test_linear(tmp)
    test_indented(tmp)
    test_html(tmp)
    test_code(tmp)
    test_lists(tmp)
    test_tables(tmp)
    test_quotes(tmp)
    test_links(tmp)
    test_heading_link(tmp)
    test_footnotes_images_headings(tmp)
sys.exit(exit_status())
