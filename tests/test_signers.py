"""Signer chains and joint plans (issue 11; spec appendix-esign.md §2–§3):
renders plans and reads them back with pdftotext -bbox.

* a chain "TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH": the
  lines in that order, each centred in the closing's right column; the
  other title (chức vụ khác) between the signature space and the name;
* a joint plan (plans/kon-tum-2025-lien-tich.md): two header blocks
  stacked in the left column, one rule under the last, the number
  "Số: 42/KHLT-SYT-CĐYT"; the lead's signature block right of the
  partner's, first lines and names on one baseline; Nơi nhận below both,
  flush left; a closing that falls near a page end keeps both blocks and
  the body's last line on one page.
Invalid chains and joint plans: tests/invalid/signer-*, joint-*."""
import os
import re
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from khtest import ROOT, KEHOACH, PLAN, check, run, exit_status  # noqa: E402

MM = 72 / 25.4
with open(os.path.join(ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8") as f:
    TPL = yaml.safe_load(f)
PAGE_W = TPL["page"]["width_mm"] * MM
LEFT = TPL["page"]["margin_left_mm"] * MM
RIGHT = PAGE_W - TPL["page"]["margin_right_mm"] * MM
CLOSING_X = LEFT + TPL["closing"]["left_width_mm"] * MM  # the signature column's left
ROOM = TPL["closing"]["signature_room_mm"] * MM
JOINT = os.path.join(ROOT, "plans", "kon-tum-2025-lien-tich.md")


def render(tmp, name, text=None, src=None):
    if text is not None:
        src = os.path.join(tmp, name + ".md")
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
    pdf = os.path.join(tmp, name + ".pdf")
    r = run([KEHOACH, "render", "-o", pdf, src])
    check(r.returncode == 0, "%s: renders" % name, r.stderr.decode()[:400])
    return pdf


def pages(pdf):
    """Per page, its lines: (top, bottom, x0, x1, text), words joined when
    they share a top and follow closely (a gap under 8 pt), so two blocks
    side by side stay two lines."""
    xml = run(["pdftotext", "-enc", "UTF-8", "-bbox", pdf, "-"]).stdout.decode()
    out = []
    for page in xml.split("<page ")[1:]:
        words = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page)]
        lines = []
        for x0, top, x1, bot, t in words:
            last = lines[-1] if lines else None
            if last and abs(last[0] - top) < 1.5 and 0 <= x0 - last[3] < 8:
                lines[-1] = (last[0], max(last[1], bot), last[2], x1, last[4] + " " + t)
            else:
                lines.append((top, bot, x0, x1, t))
        out.append(lines)
    return out


def find(lines, text):
    got = [l for l in lines if l[4] == text]
    return got[0] if got else None


def centre(l):
    return (l[2] + l[3]) / 2


def test_chain(tmp):
    text = PLAN.replace("""signer:
  authority: KT
  on_behalf_of: GIÁM ĐỐC
  title: PHÓ GIÁM ĐỐC
  name: Nguyễn Văn A
""", """signer:
  chain: ["TM. Ủy ban nhân dân", "KT. CHỦ TỊCH"]
  title: PHÓ CHỦ TỊCH
  other_title: TRƯỞNG BAN CHỈ ĐẠO
  name: Nguyễn Văn A
""").replace("  parent: UBND TỈNH KON TUM\n  name: SỞ Y TẾ\n  code: SYT\n",
             "  name: ỦY BAN NHÂN DÂN TỈNH KON TUM\n  code: UBND\n")
    check("chain:" in text, "chain: the plan uses signer.chain")
    lines = pages(render(tmp, "chain", text))[-1]
    want = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
            "TRƯỞNG BAN CHỈ ĐẠO", "Nguyễn Văn A"]
    got = [find(lines, w) for w in want]
    check(all(got), "chain: every line printed whole, the chain upper case",
          [w for w, g in zip(want, got) if not g])
    if not all(got):
        return
    tops = [g[0] for g in got]
    check(tops == sorted(tops) and len(set(tops)) == len(tops),
          "chain: TM., KT., title, other title, name, top down", tops)
    cx = (CLOSING_X + RIGHT) / 2
    check(all(abs(centre(g) - cx) < 1.5 for g in got),
          "chain: each line centred in the right column (%.1f)" % cx,
          [round(centre(g), 1) for g in got])
    # the other title under the signature space, above the name
    gap = got[3][0] - got[2][1]
    check(gap > ROOM * 0.9, "chain: the signature space between the title and the "
          "other title (%.0f pt)" % ROOM, gap)
    check(got[4][0] - got[3][1] < 10, "chain: the other title right above the name",
          got[4][0] - got[3][1])
    # the current fields keep working beside it
    lines = pages(render(tmp, "authority", PLAN))[-1]
    check(find(lines, "KT. GIÁM ĐỐC") and find(lines, "PHÓ GIÁM ĐỐC"),
          "chain: authority + on_behalf_of still print KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC")


def test_joint(tmp):
    pdf = render(tmp, "joint", src=JOINT)
    ps = pages(pdf)
    first = ps[0]
    names = ["UBND TỈNH KON TUM", "SỞ Y TẾ", "LIÊN ĐOÀN LAO ĐỘNG", "TỈNH KON TUM",
             "CÔNG ĐOÀN NGÀNH Y TẾ"]
    got = [find(first, n) for n in names]
    check(all(got), "joint: both header blocks printed", [n for n, g in zip(names, got) if not g])
    if all(got):
        tops = [g[0] for g in got]
        check(tops == sorted(tops), "joint: the blocks stacked, the lead's first", tops)
        hcx = LEFT - TPL["header"]["shift_left_mm"] * MM + TPL["header"]["left_width_mm"] * MM / 2
        check(all(abs(centre(g) - hcx) < 1.5 for g in got),
              "joint: every header line centred in the left column",
              [round(centre(g), 1) for g in got])
    check(find(first, "Số: 42/KHLT-SYT-CĐYT"), "joint: the number 'Số: 42/KHLT-SYT-CĐYT'")
    # one rule under the last block, none between them (--dump-layout: y up)
    dump = run([KEHOACH, "render", "--dump-layout", JOINT]).stdout.decode().split("\n")
    height = float(dump[0].split()[3])
    page1 = dump[:next((i for i, l in enumerate(dump) if i and l.startswith("page ")), len(dump))]
    rules = [tuple(float(v) for v in l.split()[1:4]) for l in page1
             if l.startswith("rule ")]
    col = LEFT - TPL["header"]["shift_left_mm"] * MM + TPL["header"]["left_width_mm"] * MM
    number = find(first, "Số: 42/KHLT-SYT-CĐYT")
    left_rules = [r for r in rules if r[2] < col and number and height - r[1] < number[0]]
    check(len(left_rules) == 1, "joint: one rule in the header's left column", left_rules)
    if left_rules and all(got):
        y = height - left_rules[0][1]
        check(got[-1][1] < y < number[0], "joint: the rule under the last block", y)

    last = ps[-2]  # the plan's last page; the appendix follows
    lead_t, part_t = find(last, "GIÁM ĐỐC"), find(last, "TM. BAN CHẤP HÀNH")
    lead_n, part_n = find(last, "Trần Văn Bình"), find(last, "Lê Thị Hoa")
    label = find(last, "Nơi nhận:")
    check(all((lead_t, part_t, lead_n, part_n, label)),
          "joint: both signature blocks and Nơi nhận on the plan's last page")
    if not all((lead_t, part_t, lead_n, part_n, label)):
        return
    mid = (LEFT + RIGHT) / 2
    check(centre(lead_t) > mid and centre(lead_n) > mid, "joint: the lead's block (Sở Y tế) on the right")
    check(centre(part_t) < mid and centre(part_n) < mid, "joint: the partner's block on the left")
    check(abs(centre(lead_t) - (mid + RIGHT) / 2) < 1.5 and abs(centre(part_t) - (LEFT + mid) / 2) < 1.5,
          "joint: each block centred in its half of the text width",
          (centre(lead_t), centre(part_t)))
    check(abs(lead_t[0] - part_t[0]) < 0.5, "joint: the blocks' first lines on one baseline",
          (lead_t[0], part_t[0]))
    check(abs(lead_n[0] - part_n[0]) < 0.5, "joint: the names on one baseline",
          (lead_n[0], part_n[0]))
    check(label[0] > max(lead_n[1], part_n[1]), "joint: Nơi nhận below both blocks",
          (label[0], lead_n[1]))
    check(abs(label[2] - LEFT) < 1, "joint: Nơi nhận flush left", label[2])


def test_joint_page_end(tmp):
    """The closing near a page end, at every length around it: both blocks
    and the body's last line on one page, Nơi nhận under them; and the
    sweep does cross the page end (the blocks start page 2 at least once
    while the body's first lines stay on page 1)."""
    src = open(JOINT, encoding="utf-8").read()
    front, body = src.split("\n---\n", 1)
    front = front.replace("archive:", "archive:")
    para = ("Các cơ quan, đơn vị trực thuộc tổ chức phong trào thi đua gắn với "
            "nhiệm vụ chuyên môn, báo cáo kết quả định kỳ.\n\n")
    end = "Các đơn vị triển khai thực hiện./.\n"
    sig_pages = set()
    for n in range(0, 16):
        text = front + "\n---\n# Tổ chức thực hiện\n\n" + para * n + end
        ps = pages(render(tmp, "end%d" % n, text))

        def page_of(t):
            return [i for i, p in enumerate(ps) if find(p, t)]
        where = {t: page_of(t) for t in ("GIÁM ĐỐC", "TM. BAN CHẤP HÀNH", "CHỦ TỊCH",
                                         "Trần Văn Bình", "Lê Thị Hoa", "Nơi nhận:")}
        lastp = [i for i, p in enumerate(ps) if any(l[4].endswith("thực hiện./.") for l in p)]
        ok = all(len(v) == 1 for v in where.values()) and len(set(v[0] for v in where.values())) == 1
        check(ok and lastp and lastp[-1] == where["GIÁM ĐỐC"][0],
              "joint near a page end (%d paragraphs): both blocks, Nơi nhận's label and the "
              "body's last line on one page" % n, (where, lastp))
        if ok:
            sig_pages.add(where["GIÁM ĐỐC"][0])
    check(sig_pages == {0, 1}, "joint near a page end: the sweep crosses the page end",
          sig_pages)


SWEEP_FRONT = """---
type: ke-hoach
issuers:
  - parent: UBND TỈNH QUẢNG NGÃI
    name: SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI
    code: SLĐTBXH
    lead: true
    signer:
      title: GIÁM ĐỐC
      name: Trần Văn Bình
  - parent: LIÊN ĐOÀN LAO ĐỘNG TỈNH QUẢNG NGÃI
    name: CÔNG ĐOÀN NGÀNH GIÁO DỤC
    code: CĐGD
    signer:
      chain: ["TM. BAN CHẤP HÀNH"]
      title: CHỦ TỊCH
      name: Lê Thị Hoa
number: 7
place: Quảng Ngãi
date: 2025-02-10
title: Phối hợp tổ chức hoạt động năm 2025
recipients:
  - Công đoàn Giáo dục Việt Nam (báo cáo)
  - Bộ Lao động - Thương binh và Xã hội (báo cáo)
  - UBND tỉnh (báo cáo)
  - Các trường trực thuộc
archive: VT
---
Căn cứ chương trình phối hợp giữa hai cơ quan, các đơn vị thực hiện nhiệm vụ
được giao, các đơn vị thực hiện nhiệm vụ được giao, báo cáo kết quả.

# Nội dung

"""


def test_joint_recipients(tmp):
    """A joint plan's Nơi nhận has nothing beside it: each item on one line
    flush left across the text width (wider than the single signer's left
    column), and the label never ends a page without its first item, at
    every body length around a page end; a short list stays whole."""
    items = ["- Công đoàn Giáo dục Việt Nam (báo cáo);",
             "- Bộ Lao động - Thương binh và Xã hội (báo cáo);", "- UBND tỉnh (báo cáo);",
             "- Các trường trực thuộc;", "- Lưu: VT."]
    label_pages, split = set(), False
    for n in range(0, 24):
        text = SWEEP_FRONT + "".join("- Nội dung công việc số %d;\n" % i
                                     for i in range(n)) + "\nKết thúc kế hoạch./.\n"
        ps = pages(render(tmp, "jr%d" % n, text))
        at = {t: [(i, l) for i, p in enumerate(ps) for l in p if l[4] == t]
              for t in ["Nơi nhận:"] + items}
        ok = all(len(v) == 1 for v in at.values())
        check(ok, "joint recipients (%d items): the label and each item printed "
              "whole on one line" % n, {t: len(v) for t, v in at.items()})
        if not ok:
            continue
        label, first = at["Nơi nhận:"][0], at[items[0]][0]
        check(label[0] == first[0], "joint recipients (%d items): 'Nơi nhận:' on the "
              "page of its first item" % n, (label[0], first[0]))
        check(all(abs(v[0][1][2] - LEFT) < 1 for v in at.values()),
              "joint recipients (%d items): flush left" % n)
        label_pages.add(label[0])
        split = split or at[items[-1]][0][0] != first[0]
    check(label_pages == {0, 1}, "joint recipients: the sweep crosses the page end",
          label_pages)
    check(not split, "joint recipients: a list of five lines never parts (no page holds "
          "its stray end)", label_pages)


def test_recipient_units(tmp):
    """Any plan: a recipient item that wraps in the Nơi nhận column moves
    whole to the next page; a long list still flows on between items."""
    long_item = "Bộ Lao động - Thương binh và Xã hội (báo cáo)"
    recips = "".join("  - %s %d\n" % (long_item, i) for i in range(14))
    base = PLAN.replace("recipients:\n  - Bộ Y tế (báo cáo)\n", "recipients:\n" + recips)
    check(recips in base, "recipient units: the plan has the long list")
    flows = False
    for n in range(0, 30, 2):
        text = base.replace("Nội dung.\n", "Nội dung.\n\n" + "- Việc cần làm;\n" * n)
        ps = pages(render(tmp, "ru%d" % n, text))
        # the Nơi nhận column's lines after the label, with their page
        col, seen = [], False
        for i, p in enumerate(ps):
            for l in p:
                seen = seen or l[4] == "Nơi nhận:"
                if seen and l[4] != "Nơi nhận:" and l[2] < CLOSING_X - 1 and l[3] < CLOSING_X + 1:
                    col.append((i, l[4]))
        heads = [k for k, (_, t) in enumerate(col) if t.startswith("- ")]
        check(len(heads) == 15 and len(col) > len(heads),
              "recipient units (%d): every item printed, some wrapped" % n, col[:4])
        bad = [(col[k - 1], col[k]) for k in range(1, len(col))
               if not col[k][1].startswith("- ") and col[k][0] != col[k - 1][0]]
        check(not bad, "recipient units (%d): no item split across pages" % n, bad)
        # no page holds the list's stray end: its last page at least three items
        last_pg = col[-1][0] if col else 0
        check(sum(1 for k in heads if col[k][0] == last_pg) >= 3,
              "recipient units (%d): at least three items on the list's last page" % n)
        flows = flows or len(set(pg for pg, _ in col)) > 1
    check(flows, "recipient units: the long list flows across a page end")


BREAKS = """---
type: ke-hoach
issuers:
  - parent: UBND TỈNH QUẢNG NGÃI
    name: SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI
    code: SLĐTBXH
    lead: true
    signer:
      chain: ["KT. TRƯỞNG BAN CHỈ ĐẠO PHÒNG, CHỐNG DỊCH BỆNH TỈNH QUẢNG NGÃI"]
      title: PHÓ TRƯỞNG BAN
      other_title: PHÓ CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
      name: Nguyễn Thị Phương Thảo
  - parent: ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH QUẢNG NGÃI
    name: BAN THƯỜNG TRỰC
    code: MTTQ
    signer:
      chain: ["TM. BAN CHẤP HÀNH<br>CÔNG ĐOÀN NGÀNH Y TẾ"]
      title: CHỦ TỊCH
      name: Công Tằng Tôn Nữ Thị Phương Thảo Nguyên
  - name: HỘI LIÊN HIỆP THANH NIÊN VIỆT NAM TỈNH QUẢNG NGÃI
    code: HLHTN
    signer:
      title: CHỦ TỊCH
      name: Phạm Văn Cường
number: 7
place: Quảng Ngãi
date: 2025-02-10
title: Phối hợp tổ chức hoạt động năm 2025
recipients:
  - UBND tỉnh (báo cáo)
archive: VT
---
Nội dung./.
"""

# a line ending in one of these words broke a compound or a body's name
# ("HỘI LIÊN HIỆP THANH / NIÊN", "BAN CHỈ / ĐẠO", "ỦY BAN NHÂN / DÂN")
TORN = ("THANH", "LIÊN", "CHỈ", "NHÂN", "ỦY", "MẶT", "TỔ", "KT.", "TM.", "CHỦ")


def torn_lines(ps):
    return [l[4] for p in ps for l in p
            if l[4].split()[-1] in TORN or l[4].startswith("-") and "/" not in l[4] and
            not l[4].startswith("- ") or "<BR>" in l[4].upper()]


def test_breaks(tmp):
    """Header and signer lines wrap between compounds, never inside one;
    a joint number breaks after a hyphen; "<br>" in a chain item is a line
    break; a long name wraps into balanced lines."""
    ps = pages(render(tmp, "breaks", BREAKS))
    lines = [l[4] for p in ps for l in p]
    want = ["HỘI LIÊN HIỆP", "THANH NIÊN VIỆT NAM", "TỈNH QUẢNG NGÃI",
            "Số: 07/KHLT-SLĐTBXH-MTTQ-", "HLHTN",
            "TM. BAN CHẤP HÀNH", "CÔNG ĐOÀN NGÀNH Y TẾ",
            "KT. TRƯỞNG BAN CHỈ ĐẠO", "PHÒNG, CHỐNG DỊCH BỆNH",
            "PHÓ CHỦ TỊCH", "ỦY BAN NHÂN DÂN"]
    check(all(w in lines for w in want), "breaks: header, number, chain and other title "
          "lines broken between compounds", [w for w in want if w not in lines])
    check(not torn_lines(ps), "breaks: no line ends inside a compound or starts with '-'",
          torn_lines(ps))
    name = [l for l in lines if l.startswith("Công Tằng")]
    rest = [l for l in lines if l.endswith("Thảo Nguyên")]
    check(name and rest and abs(len(name[0]) - len(rest[0])) < 8 and name[0] != rest[0],
          "breaks: a long name wraps into balanced lines", (name, rest))
    # three bodies: the third block alone in its row stands centred on the
    # text, not under the lead's
    third = [l for p in ps for l in p if l[4] == "Phạm Văn Cường"]
    mid = (third[0][2] + third[0][3]) / 2 if third else 0
    check(third and abs(mid - (LEFT + RIGHT) / 2) < 1,
          "breaks: a third body's block centred in its row", (mid, (LEFT + RIGHT) / 2))
    # the same lines in a single signer's wider column
    text = PLAN.replace("""signer:
  authority: KT
  on_behalf_of: GIÁM ĐỐC
  title: PHÓ GIÁM ĐỐC
""", """signer:
  chain: ["KT. TRƯỞNG BAN CHỈ ĐẠO PHÒNG, CHỐNG DỊCH BỆNH TỈNH QUẢNG NGÃI"]
  title: PHÓ TRƯỞNG BAN
  other_title: PHÓ CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
""").replace("  parent: UBND TỈNH KON TUM\n  name: SỞ Y TẾ\n",
             "  name: HỘI LIÊN HIỆP THANH NIÊN VIỆT NAM TỈNH QUẢNG NGÃI\n")
    check("CHỈ ĐẠO" in text and "LIÊN HIỆP" in text, "breaks: the single-signer plan")
    ps = pages(render(tmp, "breaks1", text))
    check(not torn_lines(ps), "breaks (one signer): no line ends inside a compound",
          torn_lines(ps))
    # an office's title, an other title and a union's name (trial c)
    text = PLAN.replace("""signer:
  authority: KT
  on_behalf_of: GIÁM ĐỐC
  title: PHÓ GIÁM ĐỐC
""", """signer:
  chain: ["TL. GIÁM ĐỐC"]
  title: TRƯỞNG PHÒNG QUẢN LÝ CHẤT LƯỢNG
  other_title: TRƯỞNG BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ VÀ CẢI CÁCH HÀNH CHÍNH
""").replace("  parent: UBND TỈNH KON TUM\n  name: SỞ Y TẾ\n",
             "  name: CÔNG ĐOÀN VIÊN CHỨC VÀ LAO ĐỘNG NGÀNH Y TẾ TỈNH KON TUM\n")
    ps = pages(render(tmp, "breaks2", text))
    lines = [l[4] for p in ps for l in p]
    bad = [l for l in lines if l.endswith((" QUẢN", " CẢI", " VIÊN", " CHẤT", " HÀNH", " CHUYỂN"))]
    check(ps and "TL. GIÁM ĐỐC" in lines and not bad,
          "breaks: QUẢN LÝ, CHẤT LƯỢNG, CẢI CÁCH, HÀNH CHÍNH, VIÊN CHỨC kept whole", bad)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_chain(tmp)
        test_joint(tmp)
        test_joint_page_end(tmp)
        test_joint_recipients(tmp)
        test_recipient_units(tmp)
        test_breaks(tmp)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
