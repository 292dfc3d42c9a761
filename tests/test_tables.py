#!/usr/bin/env python3
"""Tables as offices set them (issue 10): column widths from content,
alignment, HTML tables with merged cells and group rows, rows split across
pages with the header repeated, no word outside its cell's rules. Each
plan is rendered and read back with pdftotext -bbox (words) and
--dump-layout (rules); expected values are written here from the plans.
Prints "PASS name" / "FAIL name: why" lines."""
import os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
import oracle  # noqa: E402
from khtest import KEHOACH, check, exit_status  # noqa: E402

FRONT = khtest.PLAN[:khtest.PLAN.index("# Mục đích")]
BODY_LINE = FRONT.count("\n") + 1
EPS = 0.6  # pt


def diags(stderr):
    return [l for l in stderr.decode("utf-8", "replace").split("\n") if l and not l.startswith("    ")]


class Plan:
    def __init__(self, tmp, name, body):
        self.name = name
        path = os.path.join(tmp, name + ".md")
        open(path, "w", encoding="utf-8").write(FRONT + body)
        r = khtest.run([KEHOACH, "render", "-o", name + ".pdf", name + ".md"], cwd=tmp, timeout=60)
        v = khtest.run([KEHOACH, "validate", name + ".md"], cwd=tmp, timeout=60)
        self.rc, self.diags = r.returncode, diags(r.stderr)
        check(self.diags == diags(v.stderr), name + ": validate and render agree",
              "%s / %s" % (self.diags, diags(v.stderr)))
        self.pages = []
        self.rules = []  # per page: (x1, y1, x2, y2), top-left origin
        if self.rc != 0:
            return
        pdf = os.path.join(tmp, name + ".pdf")
        self.pages = oracle.read_pdf(pdf)
        d = khtest.run([KEHOACH, "render", "--dump-layout", name + ".md"], cwd=tmp).stdout.decode()
        for line in d.split("\n"):
            if line.startswith("page"):
                self.rules.append([])
            elif line.startswith("rule "):
                x1, y1, x2, y2 = map(float, line.split()[1:5])
                h = self.pages[len(self.rules) - 1][1]
                self.rules[-1].append((x1, h - y1, x2, h - y2))
        self.problems = oracle.problems(path, pdf)

    def words(self, page=None):
        out = []
        for n, (_, _, lines) in enumerate(self.pages):
            if page is not None and n != page:
                continue
            for line in lines:
                for w in line:
                    out.append((n,) + tuple(w))
        return out

    def find(self, text, page=None):
        return [w for w in self.words(page) if w[5] == text]

    def vlines(self, page):
        return sorted({round(r[0], 2) for r in self.rules[page] if abs(r[0] - r[2]) < 0.01})

    def cell_of(self, w):
        """The rules left and right of a word box, and above and below it,
        on its page: (left, right, top, bottom) from the rules that cross
        its middle."""
        n, x0, y0, x1, y1 = w[:5]
        ym, xm = (y0 + y1) / 2, (x0 + x1) / 2
        left = max([r[0] for r in self.rules[n] if abs(r[0] - r[2]) < 0.01 and
                    min(r[1], r[3]) <= ym <= max(r[1], r[3]) and r[0] <= xm], default=None)
        right = min([r[0] for r in self.rules[n] if abs(r[0] - r[2]) < 0.01 and
                     min(r[1], r[3]) <= ym <= max(r[1], r[3]) and r[0] >= xm], default=None)
        top = max([r[1] for r in self.rules[n] if abs(r[1] - r[3]) < 0.01 and
                   min(r[0], r[2]) <= xm <= max(r[0], r[2]) and r[1] <= ym], default=None)
        bottom = min([r[1] for r in self.rules[n] if abs(r[1] - r[3]) < 0.01 and
                      min(r[0], r[2]) <= xm <= max(r[0], r[2]) and r[1] >= ym], default=None)
        return left, right, top, bottom

    def inside_rules(self, what):
        bad = []
        for w in self.words():
            n, x0, y0, x1, y1, t = w
            if not self.rules[n]:
                continue
            l, r, tp, b = self.cell_of(w)
            if l is None or r is None or tp is None or b is None:
                continue  # not in a table
            if x0 < l - 0.01 or x1 > r + 0.01 or y0 < tp - 0.01 or y1 > b + 0.01:
                bad.append("p%d %r (%.1f-%.1f, %.1f-%.1f) in (%.1f-%.1f, %.1f-%.1f)"
                           % (n + 1, t, x0, x1, y0, y1, l, r, tp, b))
        check(self.rc == 0 and not bad, "%s: %s" % (self.name, what), "; ".join(bad[:5]))


def test_office_table(tmp):
    """The table of tests/layout/table.md: STT narrow, text widest, the
    month column whole, short numbers centred, header centred bold."""
    body = ("# Nội dung\n\n| STT | Nội dung | Đơn vị chủ trì | Thời gian |\n| --- | --- | --- | --- |\n"
            "| 1 | Tổ chức Lễ kỷ niệm 70 năm Ngày Thầy thuốc Việt Nam (27/02/1955 - 27/02/2025) và các hoạt động hưởng ứng trong toàn ngành | Văn phòng Sở | Tháng 02/2025 |\n"
            "| 2 | Sơ kết phong trào thi đua **6 tháng đầu năm** | Phòng Tổ chức - Hành chính | Tháng 7/2025 |\n"
            "| 3 | Tổng kết, khen thưởng | Hội đồng Thi đua - Khen thưởng | Tháng 12/2025 |\n")
    p = Plan(tmp, "office", body)
    v = p.vlines(0)
    check(len(v) == 5, "office: five column rules", str(v))
    if len(v) == 5:
        w = [v[i + 1] - v[i] for i in range(4)]
        check(w[0] == min(w) and w[0] < 40, "office: STT is the narrowest column (%.0f pt)" % w[0], str(w))
        check(w[1] == max(w), "office: the text column is the widest", str(w))
        for m in ("02/2025", "7/2025", "12/2025"):
            got = p.find(m)
            th = p.find("Tháng")
            check(got and any(abs(t[2] - got[0][2]) < 1 for t in th if t[1] < got[0][1]),
                  "office: 'Tháng %s' on one line" % m, str(got))
        one = p.find("1")
        if one:
            mid = (one[0][1] + one[0][3]) / 2
            check(abs(mid - (v[0] + v[1]) / 2) < 1, "office: STT numbers centred", "%.1f vs %.1f" % (mid, (v[0] + v[1]) / 2))
        h = p.find("STT")
        if h:
            mid = (h[0][1] + h[0][3]) / 2
            check(abs(mid - (v[0] + v[1]) / 2) < 1, "office: header cells centred", str(h))
    p.inside_rules("no word outside its cell's rules")
    check(not p.problems, "office: oracle holds", "\n".join(p.problems))


def test_alignment(tmp):
    body = ("# Nội dung\n\n| Khoản | Số tiền | Tỷ lệ | Ghi |\n| --- | --- | :---: | ---: |\n"
            "| Chi thường xuyên | 1.250.000.000 | 12,5% | a |\n| Chi đầu tư | 45.000.000 | 3% | bb |\n"
            "| Dự phòng | 900.000 | 45,25% | ccc |\n")
    p = Plan(tmp, "align", body)
    rights = [p.find(s)[0][3] for s in ("1.250.000.000", "45.000.000", "900.000") if p.find(s)]
    check(len(rights) == 3 and max(rights) - min(rights) < EPS,
          "align: a column of amounts is right-aligned (equal right edges)", str(rights))
    mids = [(w[1] + w[3]) / 2 for s in ("12,5%", "3%", "45,25%") for w in p.find(s)[:1]]
    check(len(mids) == 3 and max(mids) - min(mids) < EPS, "align: ':---:' centres", str(mids))
    rr = [w[3] for s in ("a", "bb", "ccc") for w in p.find(s)[:1]]
    check(len(rr) == 3 and max(rr) - min(rr) < EPS, "align: '---:' right-aligns", str(rr))
    lefts = [w[1] for s in ("Chi", "Dự") for w in p.find(s)[:1]]
    check(len(lefts) == 2 and abs(lefts[0] - lefts[1]) < EPS, "align: text left-aligned", str(lefts))
    p.inside_rules("no word outside its cell's rules")


HTML = """# Nội dung

<table>
<thead>
<tr><th rowspan="2">TT</th><th rowspan="2">Nội dung</th><th colspan="2">Điểm chấm</th></tr>
<tr><th>Tự chấm</th><th>Hội đồng</th></tr>
</thead>
<tbody>
<tr><td colspan="4"><b>I. Nhóm chỉ tiêu chuyên môn</b></td></tr>
<tr><td rowspan="3">7</td><td>Thực hiện đạt chỉ tiêu kế hoạch</td><td>12</td><td></td></tr>
<tr><td><i>- Đạt từ 100% trở lên</i></td><td>12</td><td></td></tr>
<tr><td>Dòng một<br>dòng hai<p>Đoạn ba</p><ul><li>Mục một</li><li>Mục hai</li></ul></td><td>0</td></tr>
</tbody>
</table>
"""


def test_html_table(tmp):
    p = Plan(tmp, "html-table", HTML)
    check(p.rc == 0 and p.diags == [], "html-table: renders without a diagnostic", str(p.diags))
    check(not p.problems, "html-table: oracle holds (every word, none over another)", "\n".join(p.problems))
    v = p.vlines(0)
    # the merged "Điểm chấm" header: centred over its two columns
    w = p.find("Điểm")
    if w and len(v) == 5:
        mid = (w[0][1] + p.find("chấm")[0][3]) / 2
        check(abs(mid - (v[2] + v[4]) / 2) < 1, "html-table: a colspan header is centred over its columns",
              "%.1f vs %.1f" % (mid, (v[2] + v[4]) / 2))
    else:
        check(False, "html-table: five column rules", str(v))
    # the group row: one cell over every column, no inner rule through it
    g = p.find("I.")[-1:]
    if g:
        l, r, _, _ = p.cell_of(g[0])
        check(l is not None and r is not None and abs(l - v[0]) < 0.1 and abs(r - v[-1]) < 0.1,
              "html-table: the group row spans the table", "%s %s" % (l, r))
        check(g[0][1] - v[0] < 10, "html-table: the group row is left-aligned", str(g))
    # the rowspan cell "7": centred in its three rows
    seven = p.find("7")
    if seven:
        l, r, t, b = p.cell_of(seven[0])
        ym = (seven[0][2] + seven[0][4]) / 2
        check(t is not None and b is not None and abs(ym - (t + b) / 2) < 2,
              "html-table: a rowspan cell is centred in its rows", "%.1f in %s-%s" % (ym, t, b))
        check(b is not None and t is not None and b - t > 3 * 13,
              "html-table: a rowspan cell has no inner rules (spans three rows)", "%s-%s" % (t, b))
    # several lines in a cell: <br>, <p>, list items
    ys = [p.find(s)[0][2] for s in ("Dòng", "dòng", "Đoạn", "Mục") if p.find(s)]
    check(len(ys) == 4 and all(ys[i] < ys[i + 1] - 5 for i in range(3)),
          "html-table: <br>, <p> and <li> each start a line", str(ys))
    dash = [w for w in p.words() if w[5] == "-" and abs(w[2] - p.find("Mục")[0][2]) < 1] if p.find("Mục") else []
    check(len(dash) == 1, "html-table: a list item prints its marker", str(dash))
    p.inside_rules("no word outside its cell's rules")
    check(any(x[5] == "Nhóm" and x[0] == 0 for x in p.words()) and p.find("Nhóm"),
          "html-table: bold group row printed", "")


def test_long_table(tmp):
    """The issue's scoring table: a long text column, rows taller than the
    room left split at a line, the header rows repeated, pages full."""
    rows = "".join("<tr><td>%d</td><td>%s</td><td>%d</td><td></td></tr>\n" % (
        i, " ".join(["Thực hiện có hiệu quả Luật thực hành tiết kiệm, chống lãng phí và Luật phòng, chống tham nhũng"] * (1 + i % 4)), i % 5)
        for i in range(1, 61))
    body = ("# Nội dung\n\n<table>\n<thead>\n<tr><th rowspan=\"2\">TT</th><th rowspan=\"2\">Nội dung, tiêu chí chấm điểm</th>"
            "<th colspan=\"2\">Điểm</th></tr>\n<tr><th>Chuẩn</th><th>Chấm</th></tr>\n</thead>\n<tbody>\n" + rows +
            "</tbody>\n</table>\n\nKết thúc.\n")
    p = Plan(tmp, "long-table", body)
    check(p.rc == 0, "long-table: renders", str(p.diags))
    check(not p.problems, "long-table: oracle holds", "\n".join(p.problems[:5]))
    n = len(p.pages)
    check(4 <= n <= 12, "long-table: %d pages" % n, "")
    # header rows on every page the table reaches (its last row: "60")
    last = max((w[0] for w in p.find("60")), default=-1)
    hp = sorted({w[0] for w in p.find("Chuẩn")})
    check(last > 0 and hp == list(range(0, last + 1)),
          "long-table: the header rows open every page the table reaches", "%s, table to page %d" % (hp, last + 1))
    check(sorted({w[0] for w in p.find("Chấm")}) == hp, "long-table: the second header row repeats too", "")
    first = last
    # the text column is the widest
    v = p.vlines(1)
    if len(v) == 5:
        w = [v[i + 1] - v[i] for i in range(4)]
        check(w[1] == max(w) and w[1] > 0.55 * (v[-1] - v[0]), "long-table: the text column gets the room", str(w))
    # two-thirds: every page but the last of the table is at least 2/3 full
    for k in range(1, first):
        ys = [w[4] for w in p.words(k)]
        h = p.pages[k][1]
        low = max(ys) if ys else 0
        check(low > h * 2 / 3, "long-table: page %d at least two-thirds full" % (k + 1), "%.0f of %.0f" % (low, h))
    p.inside_rules("no word outside its cell's rules")


def test_tied_rows(tmp):
    """Rows tied by a rowspan stay on one page; taller than a page, they
    split between lines and every word stays inside its rules."""
    words = ["một", "hai", "ba", "bốn", "năm", "sáu"]
    group = "".join("<tr>%s<td>Nhóm dòng %s có nội dung</td><td>%d</td></tr>\n" % (
        '<td rowspan="6">G</td>' if i == 0 else "", w, i) for i, w in enumerate(words))
    split = 0
    for n in range(18, 34, 2):
        fill = "".join("<tr><td>%d</td><td>Hàng đệm số %d</td><td>%d</td></tr>\n" % (i, i, i) for i in range(n))
        p = Plan(tmp, "tied-%d" % n, "# Nội dung\n\n<table>\n<tr><th>TT</th><th>Nội dung</th><th>Điểm</th></tr>\n"
                 + fill + group + "</table>\n")
        pages = {w[0] for w in p.words() if w[5] in words and
                 any(x[5] == "Nhóm" and abs(x[2] - w[2]) < 1 for x in p.words(w[0]))}
        g = p.find("G")
        check(p.rc == 0 and len(pages) == 1 and g and g[0][0] in pages,
              "tied-%d: the rowspan group on one page" % n, "%s %s" % (pages, g))
        fill_pages = {w[0] for w in p.find("đệm")}
        split += len(fill_pages) > 1 or (fill_pages and min(pages) > max(fill_pages))
    check(split > 0, "tied: some of these tables cross a page (the keep was tested)", "")
    p = Plan(tmp, "tied-tall", "# Nội dung\n\n<table>\n<tr><th>A</th><th>B</th></tr>\n<tr><td rowspan=\"3\">"
             + "chữ dài " * 700 + "</td><td>b</td></tr>\n<tr><td>c</td></tr>\n<tr><td>d</td></tr>\n</table>\n")
    check(p.rc == 0 and not p.problems and len({w[0] for w in p.find("chữ")}) >= 2,
          "tied-tall: a group taller than a page splits over pages", "%d pages %s" % (len(p.pages), p.problems[:3]))
    p.inside_rules("a split group keeps its words inside its rules")


def test_scoring_pipe(tmp):
    """The issue's 4-column scoring table (STT | criteria | max score |
    evidence), as a pipe table: before issue 10's core work it gave its
    longest column the least width and took 13 pages. The criteria column
    is the widest and over half the table, and the table takes 3 pages,
    each but the last two-thirds full."""
    crit = ("Đơn vị xây dựng kế hoạch triển khai thực hiện phong trào thi đua, tổ chức phát động "
            "trong toàn thể cán bộ, viên chức, người lao động; có văn bản hướng dẫn, kiểm tra, "
            "đôn đốc; sơ kết, tổng kết, đánh giá kết quả thực hiện và đề xuất khen thưởng kịp thời "
            "các tập thể, cá nhân có thành tích xuất sắc trong phong trào thi đua yêu nước")
    ev = "Kế hoạch, báo cáo sơ kết, tổng kết; quyết định khen thưởng; biên bản kiểm tra của đơn vị"
    rows = "".join("| %d | %s (tiêu chí %d) | %d | %s |\n" % (i, crit, i, 5 + i % 6, ev) for i in range(1, 16))
    p = Plan(tmp, "scoring", "# Nội dung\n\n| STT | Nội dung, tiêu chí đánh giá | Điểm tối đa | Tài liệu kiểm chứng |\n"
             "| --- | --- | --- | --- |\n" + rows + "\nKết thúc.\n")
    check(p.rc == 0 and not p.problems, "scoring: renders, oracle holds", "%s %s" % (p.diags, p.problems[:3]))
    v = p.vlines(0)
    if len(v) == 5:
        w = [v[i + 1] - v[i] for i in range(4)]
        check(w[1] == max(w) and w[1] > 0.5 * (v[-1] - v[0]) and w[0] == min(w),
              "scoring: the criteria column is the widest, over half; STT the narrowest", str(w))
    last = max(w[0] for w in p.find("15"))
    check(last <= 2, "scoring: the table takes %d pages" % (last + 1), "")
    for k in range(0, last):
        ys = [w[4] for w in p.words(k)]
        check(ys and max(ys) > p.pages[k][1] * 2 / 3, "scoring: page %d at least two-thirds full" % (k + 1), "")
    p.inside_rules("no word outside its cell's rules")


def test_budget(tmp):
    """The issue's 8-column budget table with bold 9-digit numbers."""
    rows = ""
    for i in range(1, 9):
        rows += ("<tr><td>%d</td><td>Chi hỗ trợ hoạt động phong trào thi đua của các đơn vị trực thuộc số %d</td>"
                 "<td>người</td><td>%d</td><td>0,3</td><td>702.000</td><td><b>%s</b></td><td>Quỹ thi đua, khen thưởng</td></tr>\n"
                 % (i, i, 95 + i, "{:,}".format(123456789 * i % 999999999).replace(",", ".")))
    body = ("# Nội dung\n\n<table>\n<tr><th>TT</th><th>Nội dung chi</th><th>Đơn vị tính</th><th>Số lượng</th>"
            "<th>Hệ số</th><th>Mức chi (đồng)</th><th>Thành tiền (đồng)</th><th>Nguồn kinh phí</th></tr>\n"
            + rows + "<tr><td colspan=\"6\"><b>Tổng cộng</b></td><td><b>999.999.999</b></td><td></td></tr>\n</table>\n")
    p = Plan(tmp, "budget", body)
    check(p.rc == 0 and not p.problems, "budget: renders, oracle holds", "%s %s" % (p.diags, p.problems[:3]))
    nums = [w for w in p.words() if re.fullmatch(r"\d{1,3}(\.\d{3}){2}", w[5])]
    check(len(nums) >= 9, "budget: the 9-digit amounts print whole", str(len(nums)))
    v = p.vlines(0)
    if len(v) == 9:
        w = [v[i + 1] - v[i] for i in range(8)]
        check(w[1] == max(w) and w[1] > 25 * 72 / 25.4, "budget: the text column is the widest (%.0f mm)" % (w[1] * 25.4 / 72), str(w))
        right = [x[3] for x in nums if v[6] < x[1] < v[7]]
        check(len(right) >= 8 and max(right) - min(right) < EPS, "budget: amounts right-aligned", str(right))
    p.inside_rules("no number past its rule, no word outside its cell")


def test_diagnostics(tmp):
    p = Plan(tmp, "too-wide", "# Nội dung\n\n| " + " | ".join("Cột%02d" % i for i in range(14)) + " |\n|" +
             " --- |" * 14 + "\n| " + " | ".join("1.234.567" for _ in range(14)) + " |\n")
    want = ("too-wide.md:%d:1: warning: the table 'Cột00 | Cột01 | Cột02 | …' needs" % (BODY_LINE + 2))
    check(any(d.startswith(want) and d.endswith("[table-width]") and "landscape" in d for d in p.diags),
          "too-wide: table-width names the table at its line:col and suggests landscape", "\n".join(p.diags))
    check(p.rc == 0 and not p.problems, "too-wide: still every word on the page", "%s" % p.problems[:3])
    p.inside_rules("too-wide: broken words stay inside their cells")
    p = Plan(tmp, "html-lost", "# Nội dung\n\n<table>\n<tr><td>Một</td></tr>\nchữ lạc\n<tr><td>Hai <img src=\"a.png\"></td></tr>\n</table>\n")
    check(p.rc == 1, "html-lost: text outside the cells fails the render", str(p.diags))
    check(any(d.startswith("html-lost.md:%d:1: error:" % (BODY_LINE + 2)) and d.endswith("[html]") for d in p.diags),
          "html-lost: the stray text's error at the table", "\n".join(p.diags))
    check(any(d.startswith("html-lost.md:%d:13: error:" % (BODY_LINE + 5)) and d.endswith("[image]") for d in p.diags),
          "html-lost: an image in a cell is an error at its tag", "\n".join(p.diags))
    p = Plan(tmp, "html-span", "# Nội dung\n\n<table>\n<tr><th>A</th><th>B</th></tr>\n<tr><td rowspan=\"5\">x</td><td><u>y</u></td></tr>\n<tr><td>z</td></tr>\n</table>\n")
    check(p.rc == 0 and not p.problems, "html-span: renders", str(p.diags))
    check(any(d.startswith("html-span.md:%d:5: warning: rowspan=\"5\" reaches past" % (BODY_LINE + 4)) for d in p.diags),
          "html-span: a rowspan past the table is cut with a warning", "\n".join(p.diags))
    check(any(d.startswith("html-span.md:%d:" % (BODY_LINE + 4)) and "<u>" in d and d.endswith("[html]") for d in p.diags),
          "html-span: formatting outside the subset warns", "\n".join(p.diags))


def test_html_subset(tmp):
    body = ("# Nội dung\n\n<table>\n<caption>Bảng 1. Lịch họp</caption>\n"
            "<tfoot><tr><td>cuối</td><td>bảng</td></tr></tfoot>\n"
            "<thead><tr><th>Đầu</th><th>Cột</th></tr></thead>\n"
            "<tbody><tr><td>m<sup>2</sup> &amp; H<sub>2</sub>O</td><td><a href=\"https://dvc.gov.vn\">Cổng</a></td></tr>\n"
            "<tr><td><ol><li>một</li><li>hai</li></ol></td><td>x<table><tr><td>lồng</td></tr></table></td></tr></tbody>\n"
            "</table>\n")
    p = Plan(tmp, "subset", body)
    check(p.rc == 0 and not p.problems, "subset: renders, oracle holds", "%s %s" % (p.diags, p.problems[:3]))
    text = " ".join(w[5] for w in p.words())
    for want, what in (("Bảng 1. Lịch họp Đầu Cột", "the caption above the table"),
                       ("m 2 & H 2 O Cổng (https://dvc.gov.vn)", "sup/sub their own small pieces, a link with its address"),
                       ("1. một 2. hai", "an ordered list in a cell numbered"),
                       ("lồng cuối bảng", "tfoot printed last")):
        check(want in text, "subset: " + what, text)
    cap = p.find("Bảng")
    check(cap and cap[0][2] < p.find("Đầu")[0][2], "subset: the caption stands above the header", "")
    # (page, x0, top, x1, bottom, text): the superscript smaller and raised, the
    # subscript smaller and lowered, each touching its letter
    ws = p.words()
    i = next((k for k, w in enumerate(ws) if w[5] == "m"), None)
    j = next((k for k, w in enumerate(ws) if w[5] == "H"), None)
    if i is not None and j is not None and i + 1 < len(ws) and j + 1 < len(ws):
        m, sup, h, sub = ws[i], ws[i + 1], ws[j], ws[j + 1]
        check(sup[5] == "2" and sup[4] - sup[2] < 0.8 * (m[4] - m[2]) and sup[2] < m[2]
              and abs(sup[1] - m[3]) < 1, "subset: <sup> in a cell smaller, raised, after its letter",
              "%s %s" % (m, sup))
        check(sub[5] == "2" and sub[4] - sub[2] < 0.8 * (h[4] - h[2]) and sub[4] > h[4]
              and abs(sub[1] - h[3]) < 1, "subset: <sub> in a cell smaller, lowered, after its letter",
              "%s %s" % (h, sub))
    else:
        check(False, "subset: sup/sub pieces found", str([w[5] for w in ws]))
    check(any("<table> in a table" in d and d.endswith("[html]") for d in p.diags) and len(p.diags) == 1,
          "subset: a nested table warns once (html), its text printed", "\n".join(p.diags))
    p = Plan(tmp, "blank-line", "# Nội dung\n\n<table>\n<tr><td>a</td></tr>\n\n<tr><td>b</td></tr>\n</table>\n")
    check(p.rc == 0 and not p.problems, "blank-line: every word printed", "%s" % p.problems)
    check(any(d.startswith("blank-line.md:%d:1: warning: <tr> outside a <table>: a blank line" % (BODY_LINE + 5))
              for d in p.diags), "blank-line: a blank line inside a table is named", "\n".join(p.diags))


def test_template_widths(tmp):
    tpl = open(os.path.join(khtest.ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8").read()
    tpl = tpl.replace("  rule_width_pt: 0.5\n", "  rule_width_pt: 0.5\n  widths:\n    - header: [STT, Nội dung, Thời gian]\n      mm: [20, 0, 40]\n", 1)
    check("widths:" in tpl, "template: table.widths added", "")
    d = khtest.data_copy(os.path.join(tmp, "data-widths"), tpl)
    body = "# Nội dung\n\n| STT | Nội dung | Thời gian |\n| --- | --- | --- |\n| 1 | Họp | Tháng 5 |\n"
    open(os.path.join(tmp, "fixed.md"), "w", encoding="utf-8").write(FRONT + body)
    r = khtest.run([KEHOACH, "render", "--dump-layout", "fixed.md"], cwd=tmp, env={"KEHOACH_DATA": d})
    v = sorted({round(float(l.split()[1]), 2) for l in r.stdout.decode().split("\n")
                if l.startswith("rule ") and l.split()[1] == l.split()[3]})
    w = [(v[i + 1] - v[i]) * 25.4 / 72 for i in range(len(v) - 1)]
    check(r.returncode == 0 and len(w) == 3 and abs(w[0] - 20) < 0.2 and abs(w[2] - 40) < 0.2,
          "template: table.widths fixes the columns by header (20 mm, auto, 40 mm)", "%s %s" % (w, r.stderr[-300:]))
    r = khtest.run([KEHOACH, "render", "--dump-layout", "office.md"], cwd=tmp, env={"KEHOACH_DATA": d})
    check(r.returncode == 0 and b"table-width" not in r.stderr, "template: a table with another header is automatic", "")
    bad = tpl.replace("      mm: [20, 0, 40]\n", "      mm: [20, 0]\n")
    d2 = khtest.data_copy(os.path.join(tmp, "data-widths-bad"), bad)
    r = khtest.run([KEHOACH, "validate", os.path.join(d2, "templates", "ke-hoach.yaml")])
    err = r.stderr.decode()
    check(r.returncode == 1 and "table.widths" in err and "[template]" in err,
          "template: header and mm of different lengths is a template error", err[-300:])


LANDSCAPE_T = ('<table><thead><tr><th rowspan="3">TT</th><th rowspan="3">Đơn vị</th><th colspan="6">Chỉ tiêu</th>'
               '<th rowspan="3">Ghi chú</th></tr><tr><th colspan="3">Năm 2024</th><th colspan="3">Năm 2025</th></tr>'
               '<tr><th>KH</th><th>TH</th><th>%</th><th>KH</th><th>TH</th><th>%</th></tr></thead><tbody>'
               '<tr><td>1</td><td>Trạm Y tế xã số 1</td><td>1.200</td><td>1.150</td><td>95,8%</td><td>1.300</td>'
               '<td></td><td></td><td></td></tr><tr><td colspan="2">Cộng</td><td>46.800</td><td>44.850</td>'
               '<td>95,8%</td><td>50.700</td><td></td><td></td><td></td></tr></tbody></table>\n')


def test_landscape_empty_cells(tmp):
    """A trial's landscape appendix table with empty body cells: its rows
    were 35.9 pt tall (a column given exactly its widest word, "95,8%",
    was overfull by a rounding error: an empty line, then the word)."""
    p = Plan(tmp, "land-empty", "# Nội dung\n\nChi tiết tại Phụ lục kèm theo.\n\n# Phụ lục: Chỉ tiêu\n"
             "<!-- landscape -->\n\n" + LANDSCAPE_T)
    one = [w for w in p.find("1") if w[0] > 0]
    cong = p.find("Cộng")
    check(p.rc == 0 and one and cong and 15 < cong[0][2] - one[0][2] < 25,
          "land-empty: a body row with empty cells is one line tall (~20 pt)",
          "%s %s" % (one[:1], cong[:1]))
    pct = [w for w in p.find("95,8%")]
    check(len(pct) == 2 and abs(pct[0][2] - one[0][2]) < 1 if pct and one else False,
          "land-empty: '95,8%' on its row's first line", str(pct))
    p.inside_rules("no word outside its cell's rules")


def test_word_html(tmp):
    """Word's "Save as HTML": an empty <o:p></o:p> inside a sentence (in a
    <p> and in a cell) is an unknown inline element: no line break, no
    warning (it drops nothing); <s>/<del>/<strike> warn as ~~x~~ does."""
    body = ("# Nội dung\n\n<p>Thực hiện Kế hoạch số 45/KH-UBND,<o:p></o:p> Sở Y tế triển khai.</p>\n\n"
            "<table><tr><th>A</th><th>B</th></tr><tr><td><p>Một hai<o:p></o:p> ba bốn</p></td>"
            "<td>x <s>gạch</s> y</td></tr></table>\n\n<p>Đoạn <del>bỏ</del> và <strike>xoá</strike>.</p>\n")
    p = Plan(tmp, "word-html", body)
    a, b = p.find("45/KH-UBND,"), p.find("Sở")
    check(p.rc == 0 and a and b and abs(a[0][2] - b[0][2]) < 1,
          "word-html: <o:p></o:p> inside a <p> breaks no line", "%s %s" % (a, b))
    a, b = p.find("hai"), p.find("ba")
    check(a and b and abs(a[0][2] - b[0][2]) < 1, "word-html: <o:p></o:p> inside a cell breaks no line", "%s %s" % (a, b))
    L = BODY_LINE + 2
    want = ["word-html.md:%d:%d: warning: struck-through text is printed as plain text: the strike is dropped "
            "(delete the text, or say so in words) [strikethrough]" % (l, c)
            for l, c in ((L + 2, 88), (L + 4, 9), (L + 4, 26))]
    check(p.diags == want, "word-html: <s>, <del>, <strike> warn (strikethrough) at their tags, <o:p> not at all",
          "\n".join(p.diags))
    check(not p.problems, "word-html: oracle holds", "\n".join(p.problems))


def test_bold_header(tmp):
    """Word's "Save as HTML" writes the header row as bold <td> cells: they
    are header rows (repeated on each page, centred), as <th> rows are; a
    bold group row over every column is not."""
    rows = "".join("<tr><td>%d</td><td>Nguyễn Văn %s có tên dài để hàng đủ cao</td><td>Khoa %d</td></tr>\n"
                   % (i, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i % 26], i) for i in range(1, 71))
    body = ("# Nội dung\n\n<table>\n<tr><td><b>STT</b></td><td><b>Họ và tên</b></td><td><b>Đơn vị</b></td></tr>\n"
            "<tr><td colspan=\"3\"><b>I. Nhóm một</b></td></tr>\n" + rows + "</table>\n")
    p = Plan(tmp, "bold-header", body)
    check(p.rc == 0 and not p.problems, "bold-header: renders, oracle holds", "%s %s" % (p.diags, p.problems[:3]))
    last = max((w[0] for w in p.find("70")), default=-1)
    hp = sorted({w[0] for w in p.find("STT")})
    check(last > 0 and hp == list(range(0, last + 1)), "bold-header: the bold <td> row repeats on every page",
          "%s, table to page %d" % (hp, last + 1))
    check(len(p.find("Nhóm")) == 1, "bold-header: the bold group row is not a header row", str(p.find("Nhóm")))
    v = p.vlines(1)
    h = p.find("STT", 1)
    if h and len(v) == 4:
        mid = (h[0][1] + h[0][3]) / 2
        check(abs(mid - (v[0] + v[1]) / 2) < 1, "bold-header: its cells centred", "%.1f" % mid)
    else:
        check(False, "bold-header: header on page 2 and four rules", "%s %s" % (h, v))


def test_amount_alignment(tmp):
    """The same short amounts are right-aligned whatever their length (they
    were centred under the 5-character rule in one table, right in the
    next); only STT-like columns (sequence numbers, Roman numerals, "x")
    are centred."""
    body = ("# Nội dung\n\n| STT | Nội dung | Số lượng |\n| --- | --- | --- |\n"
            "| I | Nhóm một | 1.200 |\n| 1.1 | Khám sàng lọc | 950 |\n| x | Dự phòng | 45 |\n\n"
            "| TT | Nội dung | Số tiền |\n| --- | --- | --- |\n| 1 | Chi khác | 1.200 |\n"
            "| 2 | Chi thường xuyên | 1.250.000 |\n")
    p = Plan(tmp, "amount-align", body)
    v = p.vlines(0)
    a = p.find("1.200")
    check(p.rc == 0 and len(a) == 2, "amount-align: renders", str(p.diags))
    if len(a) == 2:
        r0 = [x for x in v if x > a[0][3]][:1]
        r1 = [x for x in v if x > a[1][3]][:1]
        check(r0 and r1 and abs((r0[0] - a[0][3]) - (r1[0] - a[1][3])) < EPS and r0[0] - a[0][3] < 5,
              "amount-align: '1.200' right-aligned in both tables", "%s %s %s" % (a, r0, r1))
        n950, n45 = p.find("950"), p.find("45")
        check(n950 and n45 and abs(n950[0][3] - a[0][3]) < EPS and abs(n45[0][3] - a[0][3]) < EPS,
              "amount-align: a column of short amounts shares its right edge", "%s %s" % (n950, n45))
    mids = [(w[1] + w[3]) / 2 for s in ("I", "1.1", "x") for w in p.find(s)[:1]]
    check(len(mids) == 3 and max(mids) - min(mids) < EPS, "amount-align: STT-like column (I, 1.1, x) centred", str(mids))


def test_small_table_checks(tmp):
    """A colspan past the grid (a 5-column group row in a 4-column table)
    warns and is cut, no empty fifth column; table.widths wider than a
    landscape page is a template error, wider than the portrait text a
    table-width warning."""
    body = ("# Nội dung\n\n<table>\n<tr><th>TT</th><th>Nội dung</th><th>Điểm</th><th>Ghi chú</th></tr>\n"
            "<tr><td colspan=\"5\"><b>I. Nhóm một</b></td></tr>\n<tr><td>1</td><td>Việc</td><td>5</td><td></td></tr>\n</table>\n")
    p = Plan(tmp, "colspan-past", body)
    want = ("colspan-past.md:%d:5: warning: colspan=\"5\" reaches past the table's 4 columns: the cell is cut at "
            "the last one (an extra column would be empty in every other row) [html]" % (BODY_LINE + 4))
    check(p.diags == [want], "colspan-past: a colspan past the grid warns at its cell", "\n".join(p.diags))
    check(p.rc == 0 and len(p.vlines(0)) == 5, "colspan-past: four columns, not five", str(p.vlines(0) if p.rules else ""))
    tpl = open(os.path.join(khtest.ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8").read()
    for mm, name in (("[100, 100, 100]", "wide"), ("[60, 60, 60]", "portrait-wide")):
        t = tpl.replace("  rule_width_pt: 0.5\n", "  rule_width_pt: 0.5\n  widths:\n    - header: [STT, Nội dung, Thời gian]\n"
                        "      mm: %s\n" % mm, 1)
        d = khtest.data_copy(os.path.join(tmp, "data-" + name), t)
        r = khtest.run([KEHOACH, "validate", os.path.join(d, "templates", "ke-hoach.yaml")])
        err = r.stderr.decode()
        if name == "wide":
            check(r.returncode == 1 and "the widths add up to 300.0 mm, more than the" in err and "[template]" in err,
                  "widths-sum: table.widths wider than a landscape page is a template error", err[-300:])
            continue
        check(r.returncode == 0, "widths-sum: 180 mm is a valid template (a landscape table may use it)", err[-300:])
        open(os.path.join(tmp, "fixed-wide.md"), "w", encoding="utf-8").write(
            FRONT + "# Nội dung\n\n| STT | Nội dung | Thời gian |\n| --- | --- | --- |\n| 1 | Họp | Tháng 5 |\n")
        r = khtest.run([KEHOACH, "render", "-o", "fixed-wide.pdf", "fixed-wide.md"], cwd=tmp, env={"KEHOACH_DATA": d})
        err = r.stderr.decode()
        check(r.returncode == 0 and "add up to 180.0 mm, more than the" in err and "[table-width]" in err,
              "widths-sum: portrait table with widths wider than the text warns (table-width)", err[-400:])


def test_too_wide(tmp):
    """A table whose columns at their narrowest exceed the text width: its
    text shrinks by 0.5 pt steps down to table.min_size (10 pt) until they
    fit; if they still do not, the number columns stay whole and the text
    columns' words break; one table-width warning says what was done, no
    long-word warning per broken word."""
    hdr = ("| STT | Nội dung | Đơn vị | " + " | ".join("Quý %s năm 2025" % q for q in ("I", "II", "III", "IV")) +
           " | Tổng cộng cả năm | Ghi chú |\n|" + " --- |" * 9 + "\n")
    rows = "".join("| %d | Chi hỗ trợ hoạt động chuyên môn số %d | Trạm Y tế | 125.500.000 | 12.345.678 | 1.250.000 | "
                   "98.765.432 | 1.234.567.890 | Nguồn ngân sách |\n" % (i, i) for i in range(1, 6))
    p = Plan(tmp, "shrink", "# Nội dung\n\n" + hdr + rows)
    want = ("shrink.md:%d:1: warning: the table 'STT | Nội dung | Đơn vị | …' is too wide for the 155 mm of text "
            "width at 13 pt (table.size): it is set at 11 pt so that no word breaks; put it in a landscape appendix "
            "('# Phụ lục …' then '<!-- landscape -->') [table-width]" % (BODY_LINE + 2))
    check(p.diags == [want], "shrink: one table-width warning naming the size used", "\n".join(p.diags))
    n = p.find("125.500.000")
    check(len(n) == 5 and all(10.5 < w[4] - w[2] < 13 for w in n), "shrink: amounts whole, at 11 pt",
          str(n[:1]))
    check(all(p.find(w) for w in ("Nội", "dung", "Đơn", "vị", "Nguồn")), "shrink: no word broken", "")
    p.inside_rules("no word outside its cell's rules")
    check(not p.problems, "shrink: oracle holds", "\n".join(p.problems[:3]))
    hdr = "| STT | Nội dung | " + " | ".join("T%02d" % q for q in range(1, 8)) + " |\n|" + " --- |" * 9 + "\n"
    rows = "".join("| %d | Chi hỗ trợ hoạt động chuyên môn số %d | " % (i, i) + " | ".join(["125.500.000"] * 7) + " |\n"
                   for i in range(1, 4))
    p = Plan(tmp, "too-wide-text", "# Nội dung\n\n" + hdr + rows)
    check(len(p.diags) == 1 and p.diags[0].startswith("too-wide-text.md:%d:1: warning: the table 'STT | Nội dung | T01 | …' "
                                                       "needs 161 mm" % (BODY_LINE + 2))
          and "even at 10 pt" in p.diags[0] and "numbers are kept whole" in p.diags[0]
          and "landscape" in p.diags[0], "too-wide-text: one table-width warning (size, numbers whole, landscape), "
          "no long-word warning per word", "\n".join(p.diags))
    n = p.find("125.500.000")
    check(len(n) == 21, "too-wide-text: every amount whole", str(len(n)))
    p.inside_rules("no word outside its cell's rules")
    check(not p.problems, "too-wide-text: oracle holds", "\n".join(p.problems[:3]))
    tpl = open(os.path.join(khtest.ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8").read()
    d = khtest.data_copy(os.path.join(tmp, "data-minsize"), tpl.replace("  min_size: 10 ", "  min_size: 14 ", 1))
    r = khtest.run([KEHOACH, "validate", os.path.join(d, "templates", "ke-hoach.yaml")])
    err = r.stderr.decode()
    check(r.returncode == 1 and "table.min_size (14.0 pt) is larger than table.size (13.0 pt)" in err,
          "too-wide: table.min_size above table.size is a template error", err[-300:])


def test_group_row_keep(tmp):
    """A group row ("II. Nhóm hai", one cell over every column) is never
    left alone at a page's foot: it goes with the first lines of the row
    after it, like a heading."""
    moved = 0
    for n in range(24, 40):
        fill = "".join("<tr><td>%d</td><td>Hàng đệm số %d</td><td>%d</td></tr>\n" % (i, i, i) for i in range(n))
        p = Plan(tmp, "group-%d" % n, "# Nội dung\n\n<table>\n<tr><th>TT</th><th>Nội dung</th><th>Điểm</th></tr>\n"
                 "<tr><td colspan=\"3\"><b>I. Nhóm một</b></td></tr>\n" + fill +
                 "<tr><td colspan=\"3\"><b>II. Nhóm hai</b></td></tr>\n<tr><td>99</td><td>Việc đầu nhóm hai</td><td>5</td></tr>\n"
                 "</table>\n")
        g, nxt = p.find("II."), p.find("Việc")
        check(p.rc == 0 and g and nxt and g[0][0] == nxt[0][0],
              "group-%d: the group row on the page of the row after it" % n, "%s %s" % (g, nxt))
        if g and g[0][0] > 0 and not [w for w in p.words(g[0][0]) if w[5] == "đệm"]:
            moved += 1
    check(moved > 0, "group: in some of these the group row starts a page (the keep was tested)", "")


def test_tied_two_thirds(tmp):
    """Rows tied by a rowspan that do not fit the room left split between
    their rows when keeping them whole would leave the page less than
    two-thirds full (as Word does); the merged cell's text stays whole in
    the first part."""
    words = " ".join(["nội dung chi tiết của chỉ tiêu"] * 3)
    group = "".join("<tr>%s<td>Chỉ tiêu %d: %s</td><td>%d</td></tr>\n" % (
        '<td rowspan="14">Nhóm chỉ tiêu chuyên môn</td>' if i == 0 else "", i, words, i) for i in range(14))
    fill = "".join("<tr><td>%d</td><td>Hàng đệm số %d</td><td>%d</td></tr>\n" % (i, i, i) for i in range(12))
    p = Plan(tmp, "tied-23", "# Nội dung\n\n<table>\n<tr><th>TT</th><th>Nội dung</th><th>Điểm</th></tr>\n"
             + fill + group + "</table>\n")
    check(p.rc == 0 and not p.problems, "tied-23: renders, oracle holds", "%s %s" % (p.diags, p.problems[:3]))
    pages = sorted({w[0] for w in p.find("Chỉ")})
    check(len(pages) == 2, "tied-23: the group splits between its rows over two pages", str(pages))
    ys = [w[4] for w in p.words(0)]
    check(ys and max(ys) > p.pages[0][1] * 2 / 3, "tied-23: page 1 at least two-thirds full",
          "%.0f of %.0f" % (max(ys) if ys else 0, p.pages[0][1]))
    m = [w[0] for s in ("Nhóm", "tiêu", "chuyên", "môn") for w in p.find(s) if w[0] == pages[0]]
    check({w[0] for s in ("Nhóm", "chuyên", "môn") for w in p.find(s)} == {pages[0]},
          "tied-23: the merged cell's text whole on the group's first page", str(m))
    p.inside_rules("no word outside its cell's rules")


def test_task_widths(tmp):
    """A common 6-column task list: the time column's "Tháng 02/2025" and
    "Quý III/2025" stay whole beside long text (a date-like phrase keeps
    its words together, as a date does); a 14-column landscape timetable's
    empty month columns are no wider than the filled ones."""
    body = ("# Nội dung\n\n| STT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian | Ghi chú |\n"
            "| --- | --- | --- | --- | --- | --- |\n"
            "| 1 | Xây dựng và ban hành Kế hoạch triển khai công tác phòng, chống dịch bệnh năm 2025 trên địa bàn tỉnh "
            "| Văn phòng Sở | Các phòng chức năng thuộc Sở; Trung tâm Kiểm soát bệnh tật tỉnh; các bệnh viện tuyến tỉnh "
            "| Tháng 02/2025 | Kế hoạch |\n"
            "| 2 | Tổ chức kiểm tra, giám sát việc thực hiện các chỉ tiêu chuyên môn tại các đơn vị trực thuộc "
            "| Phòng Nghiệp vụ Y | Trung tâm Kiểm soát bệnh tật tỉnh, Trung tâm Y tế các huyện, thành phố "
            "| Quý III/2025 | Báo cáo kết quả |\n")
    p = Plan(tmp, "tasks", body)
    for a, b in (("Tháng", "02/2025"), ("Quý", "III/2025")):
        x, y = p.find(a), p.find(b)
        check(p.rc == 0 and x and y and abs(x[-1][2] - y[0][2]) < 1 and x[-1][3] < y[0][1],
              "tasks: '%s %s' on one line" % (a, b), "%s %s" % (x, y))
    p.inside_rules("no word outside its cell's rules")
    months = " | ".join("Tháng %d" % m for m in range(1, 13))
    body = ("# Nội dung\n\nChi tiết tại Phụ lục kèm theo.\n\n# Phụ lục: Lịch thực hiện\n<!-- landscape -->\n\n"
            "| TT | Nội dung công việc | " + months + " |\n|" + " --- |" * 14 + "\n" +
            "".join("| %d | Tổ chức tập huấn chuyên môn về phòng chống dịch bệnh cho cán bộ y tế cơ sở, "
                    "kiểm tra và giám sát đợt %d | x | x | x | | | | | | | | | |\n" % (i, i) for i in range(1, 4)))
    p = Plan(tmp, "timetable", body)
    v = p.vlines(1) if len(p.rules) > 1 else []
    if len(v) == 15:
        w = [v[i + 1] - v[i] for i in range(14)]
        check(max(w[5:11]) <= max(w[2:5]) + EPS, "timetable: empty month columns no wider than the filled ones",
              " ".join("%.1f" % x for x in w))
        check(w[1] == max(w), "timetable: the text column is the widest", str(w))
    else:
        check(False, "timetable: 14 columns on the appendix page", str(v))


def test_nested_list(tmp):
    """A nested list in a cell keeps its nesting: each level indented (it
    lost it: every item at the cell's left)."""
    p = Plan(tmp, "nested-ul", "# Nội dung\n\n<table><tr><th>TT</th><th>Nội dung</th></tr><tr><td>1</td><td>Việc chính"
             "<ul><li>Mục một<ul><li>Ý con a</li><li>Ý con b<ol><li>sâu</li></ol></li></ul></li><li>Mục hai</li></ul>"
             "</td></tr></table>\n")
    check(p.rc == 0 and p.diags == [] and not p.problems, "nested-ul: renders, oracle holds", "%s %s" % (p.diags, p.problems))
    def mark(word):  # the x of the marker on the word's line
        w = p.find(word)
        m = [x[1] for x in p.words() if w and x[5] in ("-", "1.") and abs(x[2] - w[0][2]) < 1 and x[1] < w[0][1]]
        return m[-1] if m else None
    x = [mark(t) for t in ("Mục", "Ý", "sâu")]
    v = p.find("Việc")
    check(None not in x and v and v[0][1] - EPS <= x[0] < x[1] - 8 and x[1] < x[2] - 8,
          "nested-ul: each level indented further", "%s %s" % (v[:1], x))
    a, b = [w for w in p.words() if w[5] == "-" and abs(w[2] - p.find("Mục")[0][2]) < 1], \
        [w for w in p.words() if w[5] == "-" and abs(w[2] - p.find("hai")[0][2]) < 1]
    check(a and b and abs(a[0][1] - b[0][1]) < EPS, "nested-ul: items of one level share their indent", "%s %s" % (a, b))
    p.inside_rules("no word outside its cell's rules")


def test_group_code(tmp):
    """A group row whose first cell holds its code ("A" | "Vốn đầu tư
    phát triển", colspan over the rest) is left-aligned like one over every
    column, whatever its length (a trial: A left, B centred)."""
    body = ("# Nội dung\n\n<table><thead><tr><th>STT</th><th>Nội dung</th><th>Tổng cộng</th>"
            "<th>Trung ương</th><th>Tỉnh</th><th>Khác</th></tr></thead><tbody>\n"
            "<tr><td><b>A</b></td><td colspan=\"5\"><b>Vốn đầu tư phát triển</b></td></tr>\n"
            "<tr><td>1</td><td>Giao thông nông thôn</td><td>512.300</td><td>380.000</td><td>82.300</td><td>50.000</td></tr>\n"
            "<tr><td><b>B</b></td><td colspan=\"5\"><b>Vốn sự nghiệp</b></td></tr>\n"
            "<tr><td>1</td><td>Phát triển sản xuất</td><td>432.378</td><td>182.000</td><td>150.378</td><td>100.000</td></tr>\n"
            "</tbody></table>\n")
    p = Plan(tmp, "group-code", body)
    check(p.rc == 0 and not p.problems, "group-code: renders, oracle holds", "%s %s" % (p.diags, p.problems[:3]))
    von = sorted(w[1] for w in p.find("Vốn"))
    giao = p.find("Giao")
    check(len(von) == 2 and giao and abs(von[0] - von[1]) < EPS and abs(von[0] - giao[0][1]) < 1,
          "group-code: both group labels left-aligned, at the text column's left", "%s %s" % (von, giao))


with tempfile.TemporaryDirectory() as tmp:
    test_office_table(tmp)
    test_alignment(tmp)
    test_html_table(tmp)
    test_long_table(tmp)
    test_budget(tmp)
    test_scoring_pipe(tmp)
    test_tied_rows(tmp)
    test_diagnostics(tmp)
    test_html_subset(tmp)
    test_template_widths(tmp)
    test_landscape_empty_cells(tmp)
    test_word_html(tmp)
    test_bold_header(tmp)
    test_amount_alignment(tmp)
    test_small_table_checks(tmp)
    test_too_wide(tmp)
    test_group_row_keep(tmp)
    test_tied_two_thirds(tmp)
    test_task_widths(tmp)
    test_nested_list(tmp)
    test_group_code(tmp)
sys.exit(exit_status())
