#!/usr/bin/env python3
"""Plans issued with a decision and the marks of page 1 (issue 11; spec
appendix-esign.md §1 last item, §5).

* Attached plan (attached_to, PL III Mẫu 1.3), read back with pdftotext
  -bbox and --dump-layout: no "Số:" line, no place-date, no "Nơi nhận",
  no signer; "(Kèm theo Quyết định số 123/QĐ-UBND ngày … của …)" in
  italic at the title's size, centred under the title, the short rule
  under it; "./." the last words; its appendices carry the same line; a
  draft decision leaves its blanks.
* Marks: each stamp's box in mm (KHẨN 20 × 8, THƯỢNG KHẨN 40 × 8, HỎA
  TỐC 30 × 8, TỐI MẬT 30 × 8 with a second border 1 mm inside, the
  circulation note as wide as its text), its colour (red stroke and fill
  in the content stream, red pixels; the circulation note black), its
  position (secrecy under the Số line at the left column's edge, urgency
  under it; the circulation note at the top right in the top margin's
  band, above the national title), its text inside its box and no other
  word over any box; with a small top margin the header moves down
  instead of the note leaving the paper.
Prints "PASS name" / "FAIL name: why" lines."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
from khtest import PLAN, ROOT, KEHOACH, check, run, exit_status  # noqa: E402

MM = 72 / 25.4
ATTACHED = os.path.join(ROOT, "plans", "kon-tum-kem-quyet-dinh.md")
URGENT = os.path.join(ROOT, "plans", "kon-tum-khan.md")
MARKS = os.path.join(ROOT, "tests", "data", "marks.md")


def template_mm(key):
    text = open(os.path.join(ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8").read()
    return float(re.search(r"^\s+%s:\s*([\d.]+)" % key, text, re.M).group(1)) * MM


X0 = template_mm("margin_left_mm") - template_mm("shift_left_mm")
XR = X0 + template_mm("left_width_mm") + template_mm("right_width_mm")
TEXT_CX = (template_mm("margin_left_mm") + 595.28 - template_mm("margin_right_mm")) / 2


def render(tmp, src, name, env=None):
    pdf = os.path.join(tmp, name + ".pdf")
    r = run([KEHOACH, "render", "-o", pdf, src], env=env)
    check(r.returncode == 0, "%s: renders" % name, r.stderr.decode()[:400])
    return pdf


def words(pdf, page=1):
    """Word boxes (xMin, yMin, xMax, yMax, text) from the top left, pt."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", "-f", str(page), "-l",
                          str(page), pdf, "-"], capture_output=True).stdout.decode()
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', out)]


def dump(src, env=None):
    """--dump-layout of page 1: ops as (kind, fields…), y from the bottom."""
    r = run([KEHOACH, "render", "--dump-layout", src], env=env)
    ops, page = [], 0
    for line in r.stdout.decode().split("\n"):
        if line.startswith("page "):
            page += 1
        elif page == 1 and line:
            ops.append(line.split(" ", 5 if line.startswith("text") else 5))
    return ops


def rects(ops, height=841.89):
    """Rectangles as (x0, top, x1, bottom, colour), from the page's top, pt."""
    out = []
    for o in ops:
        if o[0] == "rect":
            x1, y1, x2, y2 = map(float, o[1:5])
            out.append((min(x1, x2), height - max(y1, y2), max(x1, x2), height - min(y1, y2), o[5]))
    return out


def inside(w, r, eps=0.01):
    return w[0] >= r[0] - eps and w[2] <= r[2] + eps and w[1] >= r[1] - eps and w[3] <= r[3] + eps


def overlaps(w, r):
    return w[0] < r[2] and w[2] > r[0] and w[1] < r[3] and w[3] > r[1]


def text_of(pdf, *opts):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *opts, pdf, "-"],
                          capture_output=True).stdout.decode()


def red_pixels(pdf, box, dpi=100):
    """Counts of (red, dark) pixels of page 1 inside box (pt, from the
    top left), from pdftoppm's PPM."""
    k = dpi / 72
    x, y, w, h = (int(box[0] * k), int(box[1] * k), int((box[2] - box[0]) * k) + 1,
                  int((box[3] - box[1]) * k) + 1)
    ppm = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-x", str(x),
                          "-y", str(y), "-W", str(w), "-H", str(h), pdf],
                         capture_output=True).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", ppm)
    data = ppm[m.end():]
    red = dark = 0
    for i in range(0, len(data) - 2, 3):
        r, g, b = data[i], data[i + 1], data[i + 2]
        red += r > 200 and g < 90 and b < 90
        dark += r < 90 and g < 90 and b < 90
    return red, dark


# ---- attached plan ----

def test_attached(tmp):
    pdf = render(tmp, ATTACHED, "attached")
    text = text_of(pdf)
    check("Số:" not in text, "attached: no Số line")
    check("Nơi nhận" not in text, "attached: no Nơi nhận")
    check("ngày 27 tháng 5 năm 2025 của Ủy ban nhân dân tỉnh Kon Tum)" in text.replace("\n", " "),
          "attached: the Kèm theo line", text[:600])
    check(not re.search(r"Kon Tum, ngày", text), "attached: no place-date")
    check(text.rstrip().endswith("./."), "attached: ends with ./.", text.rstrip()[-60:])
    ws = words(pdf)
    title = [w for w in ws if w[4] == "KẾ"][0]
    kem = [w for w in ws if w[4] == "(Kèm"][0]
    body = [w for w in ws if w[4] == "Thực" and w[1] > kem[1]][0]
    check(title[1] < kem[1] < body[1], "attached: Kèm theo line under the title, above the body")
    # each of its lines centred on the text area
    lines = {}
    for w in ws:
        if kem[1] - 1 <= w[1] < body[1] - 1:
            lines.setdefault(round(w[1]), []).append(w)
    for y, ln in sorted(lines.items()):
        cx = (min(w[0] for w in ln) + max(w[2] for w in ln)) / 2
        check(abs(cx - TEXT_CX) < 1.0, "attached: Kèm theo line at %d centred" % y,
              "centre %.2f, text area's %.2f" % (cx, TEXT_CX))
    # italic at the title's size; the rule under it, short and centred
    ops = dump(ATTACHED)
    kem_op = [o for o in ops if o[0] == "text" and o[5].startswith("(Kèm")][0]
    title_op = [o for o in ops if o[0] == "text" and o[5] == "KẾ HOẠCH"][0]
    check(kem_op[1] == "I" and kem_op[2] == "14.0", "attached: Kèm theo line italic 14 pt",
          str(kem_op))
    last_kem = min(float(o[4]) for o in ops if o[0] == "text" and o[1] == "I")
    first_body = max(float(o[4]) for o in ops if o[0] == "text" and o[5].startswith("Thực")
                     and float(o[4]) < last_kem)
    rules = [tuple(map(float, o[1:5])) for o in ops if o[0] == "rule"
             and first_body < float(o[2]) < last_kem]
    check(len(rules) == 1, "attached: one rule between the Kèm theo line and the body",
          str(rules))
    if rules:
        r = rules[0]
        check(abs((r[0] + r[2]) / 2 - TEXT_CX) < 0.5 and r[2] - r[0] < 0.6 * 2 * (TEXT_CX - X0),
              "attached: the rule is short and centred", str(r))
    check(not any(o[0] == "text" and o[5].startswith("Số") for o in ops)
          and float(title_op[4]) < 760, "attached: no Số line in the layout")
    # no signer: the issuer's name prints once (the header), no signature room
    check(text.count("KON TUM") == 1, "attached: nothing printed after the body",
          str(text.count("KON TUM")))


def test_attached_draft_and_appendix(tmp):
    src = open(ATTACHED, encoding="utf-8").read()
    src = (src.replace("  number: 123\n", "").replace("date: 2025-05-27", "date: 2025")
           .replace("  code: QĐ-UBND\n", "  code: QĐ-UBND\n  issuer: Ủy ban nhân dân tỉnh Kon Tum\n"))
    src = src.rstrip("\n") + (" (chi tiết tại Phụ lục kèm theo)./.\n\n"
                              "# Phụ lục: Danh mục nhiệm vụ\n\nNhiệm vụ thứ nhất./.\n")
    path = os.path.join(tmp, "draft.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(src)
    pdf = render(tmp, path, "draft")
    text = re.sub(r"\s+", " ", text_of(pdf, "-layout"))
    line = re.findall(r"\(Kèm theo Quyết định số [^)]*\)", text)
    check(len(line) == 2 and line[0] == line[1], "attached draft: the appendix carries the plan's line",
          str(line))
    check(bool(line) and re.match(r"\(Kèm theo Quyết định số \s*/QĐ-UBND ngày\s+tháng\s+năm 2025 "
                                  r"của Ủy ban nhân dân tỉnh Kon Tum\)", line[0]),
          "attached draft: number, day and month left blank", str(line))


# ---- marks ----

def test_marks(tmp):
    pdf = render(tmp, MARKS, "marks")
    ops = dump(MARKS)
    rs = rects(ops)
    ws = words(pdf)
    texts = {o[5]: o for o in ops if o[0] == "text"}
    by = {}
    for name in ("LƯU HÀNH NỘI BỘ", "TỐI MẬT", "THƯỢNG KHẨN"):
        o = texts.get(name)
        check(o is not None and o[1] == "B" and o[2] == "13.0", "marks: %s bold 13 pt" % name, str(o))
        if o is None:
            continue
        x, y = float(o[3]), 841.89 - float(o[4])
        by[name] = [r for r in rs if r[0] <= x <= r[2] and r[1] <= y <= r[3]]
    circ, sec, urg = by.get("LƯU HÀNH NỘI BỘ", []), by.get("TỐI MẬT", []), by.get("THƯỢNG KHẨN", [])
    check(len(sec) == 2 and len(urg) == 1 and len(circ) == 1 and len(rs) == 4,
          "marks: one box each, two borders for the secrecy mark", str(rs))
    if not (len(sec) == 2 and urg and circ):
        return
    outer = max(sec, key=lambda r: r[2] - r[0])
    inner = min(sec, key=lambda r: r[2] - r[0])
    urg, circ = urg[0], circ[0]
    size = lambda r: ((r[2] - r[0]) / MM, (r[3] - r[1]) / MM)  # noqa: E731
    check(all(abs(a - b) < 0.05 for a, b in zip(size(outer), (30, 8))), "marks: TỐI MẬT 30 × 8 mm",
          "%.2f × %.2f" % size(outer))
    check(all(abs(a - b) < 0.05 for a, b in zip(size(inner), (28, 6))),
          "marks: TỐI MẬT's second border 1 mm inside", "%.2f × %.2f" % size(inner))
    check(all(abs(a - b) < 0.05 for a, b in zip(size(urg), (40, 8))), "marks: THƯỢNG KHẨN 40 × 8 mm",
          "%.2f × %.2f" % size(urg))
    check(abs(size(circ)[1] - 8) < 0.05, "marks: circulation note 8 mm high", "%.2f" % size(circ)[1])
    check(outer[4] == "red" and urg[4] == "red" and circ[4] == "black",
          "marks: secrecy and urgency red, circulation black", str((outer, urg, circ)))
    # positions
    so = [w for w in ws if w[4] == "Số:"][0]
    check(so[3] <= outer[1] and outer[3] <= urg[1], "marks: secrecy under the Số line, urgency under it",
          "Số %s, secrecy %s, urgency %s" % (so, outer, urg))
    check(abs(outer[0] - X0) < 0.05 and abs(urg[0] - X0) < 0.05,
          "marks: at the left column's left edge", "%.2f %.2f vs %.2f" % (outer[0], urg[0], X0))
    nat = [w for w in ws if w[4] == "CỘNG"][0]
    check(circ[3] <= nat[1] and circ[1] >= 8 * MM - 0.01 and circ[3] <= template_mm("margin_top_mm"),
          "marks: circulation note in the top margin's band, above the national title",
          "box %s, CỘNG %s" % (circ, nat))
    check(abs(circ[2] - XR) < 0.05, "marks: circulation note flush with the right column's edge",
          "%.2f vs %.2f" % (circ[2], XR))
    # text inside its box, nothing else over any box
    for name, r in (("LƯU", circ), ("TỐI", outer), ("THƯỢNG", urg)):
        w = [w for w in ws if w[4] == name][0]
        check(inside(w, inner if r is outer else r), "marks: %s inside its box" % name, str((w, r)))
    mark_words = {"LƯU", "HÀNH", "NỘI", "BỘ", "TỐI", "MẬT", "THƯỢNG", "KHẨN"}
    over = [w for w in ws if w[4] not in mark_words and any(overlaps(w, r) for r in (circ, outer, urg))]
    check(not over, "marks: no other word over a box", str(over))
    # colour in the content stream and on the page
    qdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, "-"],
                         capture_output=True).stdout.decode("latin-1")
    check("1 0 0 RG" in qdf and "1 0 0 rg" in qdf and " re S" in qdf,
          "marks: red stroke and fill, rectangles, in the content stream")
    red, dark = red_pixels(pdf, urg[:4])
    check(red > 100, "marks: urgency box red on the page", "%d red, %d dark" % (red, dark))
    red, dark = red_pixels(pdf, circ[:4])
    check(red == 0 and dark > 100, "marks: circulation box black on the page",
          "%d red, %d dark" % (red, dark))


def test_urgent_sample(tmp):
    pdf = render(tmp, URGENT, "urgent")
    ws = words(pdf)
    khan = [w for w in ws if w[4] == "KHẨN"]
    so = [w for w in ws if w[4] == "Số:"]
    check(len(khan) == 1 and so and khan[0][1] > so[0][3], "urgent sample: KHẨN extractable, under Số",
          str(khan))
    r = rects(dump(URGENT))
    check(len(r) == 1 and abs((r[0][2] - r[0][0]) / MM - 20) < 0.05
          and abs((r[0][3] - r[0][1]) / MM - 8) < 0.05 and r[0][4] == "red",
          "urgent sample: KHẨN box 20 × 8 mm, red", str(r))
    if r and khan:
        check(inside(khan[0], r[0]), "urgent sample: KHẨN inside its box")


def test_hoa_toc(tmp):
    for value in ("HỎA TỐC", "HOẢ TỐC"):
        path = os.path.join(tmp, "hoa-toc.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(PLAN.replace("type: ke-hoach\n", "type: ke-hoach\nurgency: %s\n" % value))
        r = rects(dump(path))
        check(len(r) == 1 and abs((r[0][2] - r[0][0]) / MM - 30) < 0.05,
              "marks: %s box 30 mm wide" % value, str(r))


def test_small_top_margin(tmp):
    """A template whose top margin leaves no room for the note: the header
    moves down, the note stays on the paper, nothing overlaps."""
    tpl = open(os.path.join(ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8").read()
    tpl = re.sub(r"margin_top_mm: \d+", "margin_top_mm: 17", tpl)
    tpl = re.sub(r"baseline_from_top_mm: \d+", "baseline_from_top_mm: 13", tpl)
    d = khtest.data_copy(os.path.join(tmp, "data"), tpl)
    pdf = render(tmp, MARKS, "small-top", env={"KEHOACH_DATA": d})
    ws = words(pdf)
    r = rects(dump(MARKS, env={"KEHOACH_DATA": d}))
    circ = [x for x in r if x[4] == "black"]
    nat = [w for w in ws if w[4] == "CỘNG"]
    check(circ and nat and circ[0][1] >= 8 * MM - 0.01 and circ[0][3] <= nat[0][1],
          "small top margin: the note on the paper, the header below it", str((circ, nat)))


def test_template_marks(tmp):
    """The stamps' sizes, colours and borders and the circulation note's
    box are the template's (marks:): another format's changes show."""
    tpl = open(os.path.join(ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8").read()
    old = ("{text: THƯỢNG KHẨN, width_mm: 40, height_mm: 8, padding_mm: 2, size: 13, "
           "color: red, double_border: false}")
    check(old in tpl, "template marks: THƯỢNG KHẨN's stamp in the template")
    tpl = tpl.replace(old, "{text: THƯỢNG KHẨN, width_mm: 45, height_mm: 10, padding_mm: 2, "
                      "size: 12, color: black, double_border: true}")
    old = "circulation: {height_mm: 8, padding_mm: 2, size: 13, color: black, double_border: false}"
    check(old in tpl, "template marks: the circulation box in the template")
    tpl = tpl.replace(old, "circulation: {height_mm: 9, padding_mm: 4, size: 14, color: red, "
                      "double_border: false}")
    d = khtest.data_copy(os.path.join(tmp, "data-marks"), tpl)
    ops = dump(MARKS, env={"KEHOACH_DATA": d})
    texts = {o[5]: o for o in ops if o[0] == "text"}
    rs = rects(ops)
    size = lambda r: ((r[2] - r[0]) / MM, (r[3] - r[1]) / MM)  # noqa: E731
    urg = [r for r in rs if abs(size(r)[0] - 45) < 0.05 and abs(size(r)[1] - 10) < 0.05]
    inner = [r for r in rs if abs(size(r)[0] - 43) < 0.05 and abs(size(r)[1] - 8) < 0.05]
    check(len(urg) == 1 and urg[0][4] == "black" and len(inner) == 1,
          "template marks: THƯỢNG KHẨN 45 × 10 mm, black, a second border", str(rs))
    o = texts.get("THƯỢNG KHẨN")
    check(o is not None and o[2] == "12.0", "template marks: THƯỢNG KHẨN at 12 pt", str(o))
    circ = [r for r in rs if r[4] == "red" and abs(size(r)[1] - 9) < 0.05]
    o = texts.get("LƯU HÀNH NỘI BỘ")
    check(len(circ) == 1 and o is not None and o[2] == "14.0",
          "template marks: the circulation note red, 9 mm high, 14 pt", str((rs, o)))
    if circ and o:
        # 4 mm each side of the text: the text starts 4 mm in
        check(abs(float(o[3]) - circ[0][0] - 4 * MM) < 0.3,
              "template marks: the circulation note's padding 4 mm",
              "%.2f" % ((float(o[3]) - circ[0][0]) / MM))
    # a value the plan schema allows but the template lists no stamp for
    tpl = tpl.replace("    - {text: TỐI MẬT,", "    - {text: TỐI MẬT X,")
    d = khtest.data_copy(os.path.join(tmp, "data-nostamp"), tpl)
    r = run([KEHOACH, "validate", MARKS], env={"KEHOACH_DATA": d})
    err = r.stderr.decode()
    check(r.returncode == 1 and "the template lists no stamp for 'TỐI MẬT'" in err
          and "[template]" in err, "template marks: a value without a stamp is an error", err[:300])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_attached(tmp)
        test_attached_draft_and_appendix(tmp)
        test_marks(tmp)
        test_urgent_sample(tmp)
        test_hoa_toc(tmp)
        test_small_top_margin(tmp)
        test_template_marks(tmp)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
