"""The header's fit (issue 11, "Header fit"): every header word inside its
column of the decree's two-column header (spec decree30.md, "Header"), and
body names, places and place-dates that wrap break between names, never
inside one ("ỦY BAN NHÂN DÂN / TỈNH GIA LAI", not "ỦY BAN NHÂN / DÂN …").
Renders plans, reads the lines back from --dump-layout and the word boxes
from pdftotext -bbox."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from khtest import PLAN, ROOT, KEHOACH, check, run, exit_status  # noqa: E402

MM = 72 / 25.4


def template_mm(key):
    """A header width from the real template (its one place)."""
    text = open(os.path.join(ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8").read()
    return float(re.search(r"^\s+%s:\s*([\d.]+)" % key, text, re.M).group(1)) * MM


X0 = template_mm("margin_left_mm") - template_mm("shift_left_mm")
LEFT = (X0, X0 + template_mm("left_width_mm"))
RIGHT = (LEFT[1], LEFT[1] + template_mm("right_width_mm"))


def plan(tmp, name, parent, issuer, place):
    text = (PLAN.replace("parent: UBND TỈNH KON TUM", "parent: " + parent)
            .replace("name: SỞ Y TẾ", "name: " + issuer)
            .replace("place: Kon Tum", "place: " + place)
            .replace("date: 2025-02-05", "date: 2025-11-28"))
    path = os.path.join(tmp, name + ".md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def header_lines(path):
    """The dump's text lines above the document's name, as (x, text)."""
    out = []
    for line in run([KEHOACH, "render", "--dump-layout", path]).stdout.decode().split("\n"):
        m = re.match(r"text \S+ \S+ ([\d.]+) [\d.]+ (.*)$", line)
        if m:
            if m.group(2) == "KẾ HOẠCH":
                break
            out.append((float(m.group(1)), m.group(2)))
    return out


def header_words(pdf):
    """The first page's words above "KẾ HOẠCH" (the title), as boxes."""
    xml = run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", "-bbox", pdf, "-"]).stdout.decode()
    words = [(float(a), float(b), float(c), t) for a, b, c, _, t in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', xml)]
    title = min((y for _, y, _, t in words if t == "HOẠCH"), default=0)
    return [(x0, x1, t) for x0, y, x1, t in words if y < title - 1]


CASES = [
    # name, parent, issuer, place, lines the parent/issuer/place-date print
    ("gia-lai", "UBND TỈNH KON TUM", "ỦY BAN NHÂN DÂN TỈNH GIA LAI",
     "Thành phố Hồ Chí Minh",
     ["ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Thành phố Hồ Chí Minh,", "ngày 28 tháng 11 năm 2025"]),
    ("nghe-an", "LIÊN ĐOÀN LAO ĐỘNG TỈNH NGHỆ AN", "CÔNG ĐOÀN NGÀNH Y TẾ TỈNH NGHỆ AN",
     "Kon Tum",
     ["LIÊN ĐOÀN LAO ĐỘNG", "TỈNH NGHỆ AN", "CÔNG ĐOÀN NGÀNH Y TẾ", "TỈNH NGHỆ AN"]),
    ("vung-tau", "UBND TỈNH BÀ RỊA - VŨNG TÀU", "SỞ Y TẾ", "Bà Rịa - Vũng Tàu",
     ["UBND", "TỈNH BÀ RỊA - VŨNG TÀU", "SỞ Y TẾ"]),
    ("lao-dong", "UBND TỈNH NGHỆ AN", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Vinh",
     ["UBND TỈNH NGHỆ AN", "SỞ LAO ĐỘNG -", "THƯƠNG BINH VÀ XÃ HỘI"]),
    ("hcm", "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
     "Thành phố Hồ Chí Minh",
     ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
      "Thành phố Hồ Chí Minh,", "ngày 28 tháng 11 năm 2025"]),
]

# pairs of words that must never end and start two lines of the header
NEVER = [("NHÂN", "DÂN"), ("BÀ", "RỊA"), ("LAO", "ĐỘNG"), ("Y", "TẾ"), ("GIA", "LAI"),
         ("NGHỆ", "AN"), ("HỒ", "CHÍ"), ("CHÍ", "MINH"), ("Hồ", "Chí"), ("Chí", "Minh"),
         ("ỦY", "BAN"), ("GIÁO", "DỤC"), ("ĐÀO", "TẠO"),
         ("THƯƠNG", "BINH"), ("XÃ", "HỘI"), ("-", "VŨNG")]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for name, parent, issuer, place, want in CASES:
            path = plan(tmp, name, parent, issuer, place)
            lines = [t for _, t in header_lines(path)]
            got = [t for t in lines if t not in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                 "Độc lập - Tự do - Hạnh phúc")
                   and not t.startswith("Số:")]
            check(all(w in got for w in want), "header %s: lines %s" % (name, " / ".join(want)),
                  " / ".join(got))
            broken = [(a, b) for a, b in NEVER
                      for i in range(len(got) - 1)
                      if got[i].split()[-1] == a and got[i + 1].split()[0] == b]
            check(not broken, "header %s: no name broken" % name, repr(broken))
            pdf = os.path.join(tmp, name + ".pdf")
            r = run([KEHOACH, "render", "-o", pdf, path])
            words = header_words(pdf) if r.returncode == 0 else []
            left_words = set(" ".join([parent, issuer, "Số: 05/KH-SYT"]).split())
            out = [(t, x0, x1) for x0, x1, t in words
                   if not ((LEFT[0] - 0.5 <= x0 and x1 <= LEFT[1] + 0.5 and t in left_words)
                           or (RIGHT[0] - 0.5 <= x0 and x1 <= RIGHT[1] + 0.5))]
            check(words and not out, "header %s: every word inside its column" % name,
                  "%s outside %s / %s" % (out, LEFT, RIGHT))
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
