#!/usr/bin/env python3
"""The appendix sample plan (plans/giang-thanh-2025-phu-luc.md), read back
with poppler: issue 10's "Done when".

Renders the plan, then checks with pdfinfo / pdftotext (-layout, -bbox) and
the table rules of `kehoach render --dump-layout`:
  * each appendix caption starts a new page after the signature page;
    "Phụ lục I" / "Phụ lục II", the upper-case title, the exact
    "(Kèm theo Kế hoạch số …)" line (spec appendix-esign.md §1);
  * page numbers restart in each appendix, none on its first page;
  * Phụ lục II is landscape (842 × 595 pt), every other page portrait A4;
  * the header rows of each HTML table open every page the table reaches;
  * no word of a table crosses one of its vertical rules or its outer rules;
  * no page of a table is less than two-thirds full unless the table ends there;
  * numbers never wrap; the pipe table's ---: column is right-aligned;
  * each footnote's text is on the page of its reference number, which is
    raised after the word it follows.
Expected values come from the plan source (front matter, the HTML of the
tables, the footnote definitions), not from the program.

Every check depends on issue 10 features still being built when this file
was written: appendices (A), HTML tables (H), landscape (L), footnotes (F),
GFM pipe-table alignment via cmark-gfm (P). Each check names its letters.
Not in tests/run.sh until they land. Prints "PASS name" / "FAIL name: why".
"""
import collections, datetime, html, os, re, sys, tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from khtest import ROOT, KEHOACH, check, run, exit_status  # noqa: E402

import yaml  # noqa: E402

PLAN = os.path.join(ROOT, "plans", "giang-thanh-2025-phu-luc.md")
TEMPLATE = yaml.safe_load(open(os.path.join(ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8"))
MM = 72 / 25.4
A4 = (595.28, 841.89)
AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})+$")


# ---- the plan source: what must print ----

def load_plan():
    text = open(PLAN, encoding="utf-8").read()
    _, fm, body = text.split("---\n", 2)
    return yaml.safe_load(fm), body


def appendices(body):
    """[(title, landscape, text)] for each '# Phụ lục …' section."""
    parts = re.split(r"^# Phụ lục [IVX]+: (.*)$", body, flags=re.M)
    out = []
    for i in range(1, len(parts), 2):
        text = parts[i + 1]
        out.append((parts[i].strip(), text.lstrip("\n").startswith("<!-- landscape -->"), text))
    return out


def html_tables(text):
    """The <table> blocks of a Markdown text, parsed (they are XML-clean)."""
    return [ET.fromstring(m.replace("<br>", "<br/>"))
            for m in re.findall(r"^<table>.*?^</table>$", text, re.M | re.S)]


def header_tokens(table):
    words = []
    for th in table.find("thead").iter("th"):
        words += " ".join(th.itertext()).split()
    return collections.Counter(words)


def date_words(d):
    """Decree 30, PL I II.4: day and month below 10 (month below 3) get a 0."""
    day = "%02d" % d.day if d.day < 10 else str(d.day)
    month = "%02d" % d.month if d.month < 3 else str(d.month)
    return "ngày %s tháng %s năm %d" % (day, month, d.year)


def footnotes(body):
    """{n: (anchor word before [^n], first words of the note)}."""
    notes = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", body, re.M))
    out = {}
    for n, note in notes.items():
        m = re.search(r"(\S+)\[\^%s\](?!:)" % n, body)
        out[int(n)] = (m.group(1) if m else None, note.split()[:4])
    return out


# ---- the PDF ----

def page_sizes(pdf):
    r = run(["pdfinfo", "-f", "1", "-l", "99", pdf])
    return [(float(w), float(h)) for w, h in
            re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", r.stdout.decode(), re.M)]


def layout_pages(pdf):
    r = run(["pdftotext", "-enc", "UTF-8", "-layout", pdf, "-"])
    return r.stdout.decode("utf-8").split("\f")


class W:
    __slots__ = ("x0", "y0", "x1", "y1", "t")

    def __init__(self, x0, y0, x1, y1, t):
        self.x0, self.y0, self.x1, self.y1, self.t = x0, y0, x1, y1, t

    @property
    def yc(self):
        return (self.y0 + self.y1) / 2

    @property
    def xc(self):
        return (self.x0 + self.x1) / 2


def word_pages(pdf):
    """Per page, its words in poppler's reading order, top-down coordinates."""
    r = run(["pdftotext", "-enc", "UTF-8", "-bbox", pdf, "-"])
    pages = re.findall(r"<page [^>]*>(.*?)</page>", r.stdout.decode("utf-8"), re.S)
    return [[W(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', p)]
        for p in pages]


def dump_rules(text, sizes):
    """Per page, (vertical, horizontal) rules from --dump-layout, turned to
    top-down coordinates: vertical (x, ytop, ybottom), horizontal (y, x0, x1)."""
    pages, cur = [], None
    for line in text.splitlines():
        if line.startswith("page "):
            cur = ([], [])
            pages.append(cur)
        elif line.startswith("rule ") and cur is not None:
            x1, y1, x2, y2 = map(float, line.split()[1:5])
            h = sizes[len(pages) - 1][1]
            if abs(x1 - x2) < 0.01:
                cur[0].append((x1, h - max(y1, y2), h - min(y1, y2)))
            elif abs(y1 - y2) < 0.01:
                cur[1].append((h - y1, min(x1, x2), max(x1, x2)))
    return pages


def tables_on(rules):
    """Groups a page's vertical rules into tables (overlapping y ranges):
    [{left, right, top, bottom, xs, vertical, horizontal}]."""
    vert, hor = rules
    groups = []
    for v in sorted(vert, key=lambda v: v[1]):
        for g in groups:
            if v[1] <= g["bottom"] + 0.5 and v[2] >= g["top"] - 0.5:
                g["vertical"].append(v)
                g["top"], g["bottom"] = min(g["top"], v[1]), max(g["bottom"], v[2])
                break
        else:
            groups.append({"top": v[1], "bottom": v[2], "vertical": [v]})
    for g in groups:
        g["xs"] = sorted({round(v[0], 1) for v in g["vertical"]})
        g["left"], g["right"] = g["xs"][0], g["xs"][-1]
        segs = sorted(h for h in hor if g["top"] - 0.5 <= h[0] <= g["bottom"] + 0.5
                      and h[1] >= g["left"] - 0.5 and h[2] <= g["right"] + 0.5)
        g["horizontal"] = merge(segs)
    return groups


def merge(segs):
    """Joins horizontal segments that lie on one line and touch: a row rule
    drawn cell by cell is one rule."""
    out = []
    for y, x0, x1 in sorted(segs):
        if out and abs(out[-1][0] - y) < 0.3 and x0 <= out[-1][2] + 0.5:
            out[-1] = (out[-1][0], out[-1][1], max(out[-1][2], x1))
        else:
            out.append((y, x0, x1))
    return out


def inside(w, g):
    return g["top"] < w.yc < g["bottom"] and g["left"] - 2 < w.xc < g["right"] + 2


# ---- the checks ----

def main():
    front, body = load_plan()
    apps = appendices(body)
    check(len(apps) == 2 and apps[1][1] and not apps[0][1],
          "source: two appendices, the second landscape", repr([(t, l) for t, l, _ in apps]))
    t_score = html_tables(apps[0][2])
    t_budget = html_tables(apps[1][2])
    check(len(t_score) == 1 and len(t_budget) == 1, "source: one HTML table per appendix")
    score, budget = t_score[0], t_budget[0]
    check(len(score.find("tbody").findall("tr")) >= 30, "source: the scoring table has 30+ rows")

    tmp = tempfile.mkdtemp(prefix="kh-appendix-")
    pdf = os.path.join(tmp, "plan.pdf")
    r = run([KEHOACH, "render", "-o", pdf, PLAN])
    # A H L F P: the plan renders at all only once every feature is in.
    check(r.returncode == 0, "render: exit 0", r.stderr.decode()[-600:])
    if r.returncode != 0:
        return
    d = run([KEHOACH, "render", "--dump-layout", PLAN])
    check(d.returncode == 0, "dump-layout: exit 0", d.stderr.decode()[-300:])

    sizes = page_sizes(pdf)
    texts = layout_pages(pdf)
    words = word_pages(pdf)
    rules = dump_rules(d.stdout.decode("utf-8"), sizes)
    n = len(sizes)
    check(len(words) == n and len(rules) == n, "pages: pdfinfo, pdftotext and the dump agree",
          "%d %d %d" % (n, len(words), len(rules)))
    if not (len(words) == n and len(rules) == n):
        return

    # A: captions, each on a new page after the signature page.
    signer = front["signer"]["name"]
    sig = [i for i, t in enumerate(texts) if signer in t]
    def caption_page(label):
        return [i for i, t in enumerate(texts) if any(l.strip() == label for l in t.splitlines())]
    p1, p2 = caption_page("Phụ lục I"), caption_page("Phụ lục II")
    check(len(sig) == 1 and p1 == [sig[0] + 1],
          "A: 'Phụ lục I' opens the page after the signature", "sig %s, I %s" % (sig, p1))
    check(len(p2) == 1 and p1 and p2[0] > p1[0], "A: 'Phụ lục II' opens a later page", repr(p2))
    if not (len(sig) == 1 and len(p1) == 1 and len(p2) == 1):
        return
    sig, a1, a2 = sig[0], p1[0], p2[0]
    check("Nơi nhận" in texts[sig], "A: Nơi nhận is on the signature page, before the appendices")
    for label, page in (("Phụ lục I", a1), ("Phụ lục II", a2)):
        top = [w for w in words[page] if not w.t.isdigit()][:3]
        check([w.t for w in top[:3]] == label.split(),
              "A: %s is the first line of its page" % label, repr([w.t for w in top]))

    date = front["date"] if isinstance(front["date"], datetime.date) else None
    kem_theo = "(Kèm theo Kế hoạch số %d/KH-%s %s của %s)" % (
        front["number"], front["issuer"]["code"], date_words(date), front["issuer"]["full_name"])
    check(kem_theo == "(Kèm theo Kế hoạch số 870/KH-TTYT ngày 27 tháng 5 năm 2025 "
          "của Trung tâm Y tế Giang Thành)", "source: the Kèm theo line", kem_theo)
    for (title, _, _), label, page in zip(apps, ("Phụ lục I", "Phụ lục II"), (a1, a2)):
        flat = " ".join(texts[page].split())
        want = "%s %s %s" % (label, title.upper(), kem_theo)
        check(flat.startswith(want) or (" " + want) in (" " + flat),
              "A: %s: label, upper-case title, Kèm theo line in order" % label, flat[:300])

    # A: the caption is centred on the text block (portrait page).
    left, right = TEMPLATE["page"]["margin_left_mm"] * MM, A4[0] - TEMPLATE["page"]["margin_right_mm"] * MM
    lab = [w for w in words[a1] if w.t in ("Phụ", "lục", "I")][:3]
    centre = (lab[0].x0 + lab[-1].x1) / 2 if lab else 0
    check(len(lab) == 3 and abs(centre - (left + right) / 2) < 1.0, "A: 'Phụ lục I' is centred",
          "%.2f vs %.2f" % (centre, (left + right) / 2))

    # L: orientation: Phụ lục II landscape, every other page portrait A4.
    for i, (w, h) in enumerate(sizes):
        want = (A4[1], A4[0]) if i >= a2 else A4
        check(abs(w - want[0]) < 0.5 and abs(h - want[1]) < 0.5,
              "L: page %d is %s" % (i + 1, "842 x 595" if i >= a2 else "595 x 842"),
              "%.2f x %.2f" % (w, h))

    # A: page numbers restart: none on an appendix's first page, then 2, 3…
    for start, end in ((a1, a2), (a2, n)):
        for k, page in enumerate(range(start, end)):
            ws = sorted(words[page], key=lambda w: (w.y0, w.x0))
            first = ws[0] if ws else None
            alone = first and all(abs(w.y0 - first.y0) > 3 for w in ws[1:]) and \
                len(ws) > 1 and ws[1].y0 - first.y1 > 8
            if k == 0:
                check(first is not None and not first.t.isdigit(),
                      "A: page %d (first of its appendix) has no number" % (page + 1),
                      first.t if first else "empty page")
            else:
                check(first is not None and first.t == str(k + 1) and alone,
                      "A: page %d is numbered %d, alone at the top" % (page + 1, k + 1),
                      first.t if first else "empty page")

    # H: tables by page, told apart by their column count.
    ncols = {}
    for tab, name in ((score, "scoring"), (budget, "budget")):
        first_row = tab.find("thead").find("tr")
        ncols[sum(int(c.get("colspan", 1)) for c in first_row) + 1] = name
    ncols[4] = "pipe"
    found = collections.defaultdict(list)   # name -> [(page, group)]
    for page in range(n):
        for g in tables_on(rules[page]):
            found[ncols.get(len(g["xs"]), "other %d" % len(g["xs"]))].append((page, g))
    check(set(found) == {"scoring", "budget", "pipe"}, "H: the three tables are found by their rules",
          repr(sorted(found)))
    score_pages = [p for p, _ in found["scoring"]]
    budget_pages = [p for p, _ in found["budget"]]
    check(score_pages and score_pages[0] == a1 and score_pages == list(range(a1, a1 + len(score_pages))),
          "H: the scoring table starts on Phụ lục I's page and runs on", repr(score_pages))
    check(len(score_pages) >= 2, "H: the scoring table runs over two pages or more", repr(score_pages))
    check(budget_pages and budget_pages[0] == a2, "H: the budget table is in Phụ lục II", repr(budget_pages))

    # H: header rows open every page the table reaches.
    for name, tab in (("scoring", score), ("budget", budget)):
        want = header_tokens(tab)
        for page, g in found[name]:
            full = [h for h in g["horizontal"] if h[1] <= g["left"] + 0.5 and h[2] >= g["right"] - 0.5]
            band = [w for w in words[page] if inside(w, g)]
            seen, ok = collections.Counter(), False
            for upper, lower in zip(full, full[1:]):
                seen += collections.Counter(w.t for w in band if upper[0] < w.yc < lower[0])
                if seen == want:
                    ok = True
                    break
            check(ok and bool(full) and abs(full[0][0] - g["top"]) < 0.5,
                  "H: %s table, page %d opens with its header rows" % (name, page + 1),
                  "got %s" % dict(seen))

    # H: no word crosses a vertical rule, none outside the outer rules.
    for name, lst in found.items():
        for page, g in lst:
            bad = [w.t for w in words[page] if g["top"] < w.yc < g["bottom"]
                   and (w.x0 < g["left"] - 0.3 or w.x1 > g["right"] + 0.3)]
            for x, y0, y1 in g["vertical"]:
                bad += [w.t for w in words[page] if y0 + 1 < w.yc < y1 - 1
                        and w.x0 < x - 0.3 and w.x1 > x + 0.3]
            check(not bad, "H: %s table, page %d: every word inside its cell" % (name, page + 1),
                  repr(bad[:10]))

    # H: a table's page is two-thirds full unless the table ends there.
    # Fullness: from the page's first line (below its number) to the table's
    # last rule, over the same top down to the template's bottom margin.
    def content_top(page):
        ws = sorted(words[page], key=lambda w: w.y0)
        if len(ws) > 1 and ws[0].t.isdigit() and ws[1].y0 - ws[0].y1 > 8:
            ws = ws[1:]
        return ws[0].y0
    for name in ("scoring", "budget"):
        lst = found[name]
        for (page, g), _ in zip(lst, lst[1:]):
            top = content_top(page)
            limit = sizes[page][1] - TEMPLATE["page"]["margin_bottom_mm"] * MM
            full = (g["bottom"] - top) / (limit - top)
            check(full >= 2 / 3, "H: %s table, page %d is at least 2/3 full" % (name, page + 1),
                  "%.2f" % full)

    # H: numbers never wrap: every amount of the budget table is one word.
    amounts = {t.strip() for t in budget.find("tbody").itertext() if AMOUNT.match(t.strip())}
    on_pages = collections.Counter(w.t for p in budget_pages for w in words[p])
    check(amounts and all(on_pages[a] for a in amounts), "H: every amount prints as one word",
          repr(sorted(a for a in amounts if not on_pages[a])))
    frag = [w.t for p in budget_pages for w in words[p] if re.match(r"^\d{1,3}(\.\d{3})+\.$|^\.\d{3}", w.t)]
    check(not frag, "H: no amount is cut at a line end", repr(frag))

    # P: the pipe table's ---: column is right-aligned, :---: centred.
    nums, tt = [], []
    for page, g in found["pipe"]:
        cells = [w for w in words[page] if inside(w, g)]
        nums += [w for w in cells if AMOUNT.match(w.t) and w.x0 > g["xs"][2]]
        mid = (g["xs"][0] + g["xs"][1]) / 2
        tt += [(w, mid) for w in cells if w.t in ("1", "2") and w.x1 < g["xs"][1]]
    check(len(nums) == 3 and max(w.x1 for w in nums) - min(w.x1 for w in nums) < 0.5,
          "P: pipe table amounts share their right edge", repr([(w.t, round(w.x1, 2)) for w in nums]))
    check(len(tt) == 2 and all(abs(w.xc - mid) < 0.5 for w, mid in tt),
          "P: pipe table TT column is centred", repr([(w.t, round(w.xc, 2), round(m, 2)) for w, m in tt]))

    # F: each note on the page of its reference, the reference raised after its word.
    # Found by position, not reading order: poppler may put a note's number or
    # a raised reference in a block of its own.
    def left_label(ws, w, text):
        return [x for x in ws if x.t in (text, text + ".") and w.x0 - 15 < x.x1 <= w.x0 + 0.5
                and x.y0 < w.y1 and x.y1 > w.y0]
    for num, (anchor, first) in sorted(footnotes(body).items()):
        where = []
        for page in range(n):
            ws = words[page]
            for i in range(len(ws) - len(first) + 1):
                if [w.t for w in ws[i:i + len(first)]] == first:
                    where += [(page, lab) for lab in left_label(ws, ws[i], str(num))]
        check(len(where) == 1, "F: note %d prints once, after its number" % num,
              repr([p + 1 for p, _ in where]))
        if len(where) != 1:
            continue
        page, label = where[0]
        ws = words[page]
        refs = [s for s in ws if s.t == str(num) and s is not label and s.y1 < label.y0 and any(
            a.t == anchor and abs(s.x0 - a.x1) < 1.5 and s.y0 < a.y1 and s.y1 > a.y0
            and s.y1 - s.y0 < 0.8 * (a.y1 - a.y0) and s.y1 < a.y1 - 1 for a in ws)]
        check(len(refs) == 1, "F: note %d is on the page of its raised reference after '%s'" % (num, anchor),
              "note on page %d, %d references there" % (page + 1, len(refs)))

if __name__ == "__main__":
    main()
    sys.exit(exit_status())
