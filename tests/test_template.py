#!/usr/bin/env python3
"""Templates are input too (issue 9): a broken template is refused with a
diagnostic naming the template file, the line and the field, by
`validate TEMPLATE.yaml` (exit 1) and by `render` and `validate` of a plan
that uses it (an installation error: exit 2, no PDF). Each case edits one
field of templates/ke-hoach.yaml in a copy of the data directory
(KEHOACH_DATA). Also: front-matter values the layout prints as written.
Prints "PASS name" / "FAIL name: why" lines.
"""
import os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
from khtest import ROOT, KEHOACH, check, exit_status  # noqa: E402

TEMPLATE = open(os.path.join(ROOT, "templates", "ke-hoach.yaml"), encoding="utf-8").read()
PLAN = os.path.join(ROOT, "tests", "invalid", "on-behalf-without-authority.md")

# (name, old text, new text, the line's field value where the error is,
#  message [rule]); the position is that of the value in the new text.
CASES = [
    # the two examples
    ("line_height 0", "line_height: 1.15", "line_height: 0", "0",
     "'body.line_height' must be at least 1, not 0 [range]"),
    ("margin_left 200", "margin_left_mm: 35", "margin_left_mm: 200", "200",
     "'page.margin_left_mm' must be at most 100, not 200 [range]"),
    # sizes
    ("body size 0", "  size: 14\n  line_height", "  size: 0\n  line_height", "0",
     "'body.size' must be at least 6, not 0 [range]"),
    ("title size 200", "size: 14                  #", "size: 200                 #", "200",
     "'title.size' must be at most 72, not 200 [range]"),
    ("page width 20", "width_mm: 210", "width_mm: 20", "20",
     "'page.width_mm' must be at least 100, not 20 [range]"),
    # ratios and spacing
    ("issuer rule ratio 0", "issuer_rule_ratio: 0.5", "issuer_rule_ratio: 0", "0",
     "'header.issuer_rule_ratio' must be greater than 0, not 0 [range]"),
    ("title rule ratio 1.5", "rule_ratio: 0.33", "rule_ratio: 1.5", "1.5",
     "'title.rule_ratio' must be at most 1, not 1.5 [range]"),
    ("negative spacing", "paragraph_after_pt: 6", "paragraph_after_pt: -6", "-6",
     "'body.paragraph_after_pt' must be at least 0, not -6 [range]"),
    ("shrink 1", "space_shrink: 0.4", "space_shrink: 1", "1",
     "'body.space_shrink' must be at most 0.5, not 1 [range]"),
    ("rule width 0", "  rule_width_pt: 0.5\n", "  rule_width_pt: 0\n", "0",
     "'table.rule_width_pt' must be greater than 0, not 0 [range]"),
    ("heading space -1", "    space_before_pt: 6", "    space_before_pt: -1", "-1",
     "'headings item.space_before_pt' must be at least 0, not -1 [range]"),
    # text: blank, a line break where one line is printed, a key twice
    ("blank motto", "motto: Độc lập - Tự do - Hạnh phúc", 'motto: "   "', '"   "',
     "'header.motto' is blank: it needs text [blank]"),
    ("label newline", 'label: "Nơi nhận:"', 'label: "Nơi\\nnhận:"', '"Nơi\\nnhận:"',
     "'closing.label' is printed on one line and cannot hold a line break: write it on one line [newline]"),
    ("duplicate key", "  margin_right_mm: 20 ", "  margin_right_mm: 20\n  margin_left_mm: 30 ",
     ("margin_left_mm: 30", "margin_left_mm"),
     "'page.margin_left_mm' is given twice (first on line 14): YAML would keep only one of the values [duplicate-key]"),
    # what no single field can say (template.c)
    ("line_height overlaps", "line_height: 1.15", "line_height: 1.05", "1.05",
     "'body.line_height': lines 1.05 × the font size apart overlap: the fonts' glyphs are 1.107 × the size tall [template]"),
    ("narrow text block", "margin_right_mm: 20 ", "margin_right_mm: 96 ", "96",
     ["'page.margin_right_mm': the margins leave a text block 79.0 mm wide on a 210.0 mm page; at least 80 mm is needed [template]",
      (("left_width_mm: 75", "75"),
       "'closing.left_width_mm': leaves 4.0 mm of the 79.0 mm text width for the signature; at least 50 mm is needed [template]")]),
    ("short text block", "height_mm: 297", "height_mm: 140", ("margin_top_mm:", "25"),
     "'page.margin_top_mm': the margins leave a text block 95.0 mm high on a 140.0 mm page; at least 100 mm is needed [template]"),
    ("header past the left edge", "shift_left_mm: 3.5", "shift_left_mm: 30", "30",
     "'header.shift_left_mm': the header would start 5.0 mm from the paper's left edge (margin_left_mm less shift_left_mm); at least 8 mm is needed [template]"),
    ("header past the right edge", "right_width_mm: 100", "right_width_mm: 120", "120",
     "'header.right_width_mm': the header's columns would run 9.0 mm past the paper's right edge; they must end at least 8 mm from it [template]"),
    ("no room to sign", "left_width_mm: 75", "left_width_mm: 120", "120",
     "'closing.left_width_mm': leaves 35.0 mm of the 155.0 mm text width for the signature; at least 50 mm is needed [template]"),
    ("signature taller than the page", "signature_room_mm: 25", "signature_room_mm: 100", "100",
     None),  # fits on A4: no error (see the next case)
    ("motto wider than its column", "motto_size: 14", "motto_size: 30", ("motto:", "Độc lập"),
     "'header.motto': the motto is 129.6 mm wide at 30 pt, wider than the right header column (100.0 mm); the rule under it is as wide as the motto [template]"),
    ("page number off the paper", "baseline_from_top_mm: 15", "baseline_from_top_mm: 9", "9",
     "'page_number.baseline_from_top_mm': the page number's top would be 4.6 mm from the paper's top edge; at least 8 mm is needed [template]"),
    ("page number in the text", "baseline_from_top_mm: 15", "baseline_from_top_mm: 30", "30",
     "'page_number.baseline_from_top_mm': the page number would reach 31.1 mm down, into the text block (margin_top_mm 25.0) [template]"),
]


def position(text, new, loc):
    """1-based line and column (characters) of the error: loc is the value
    on the line of new, or (a text on the line, the token there)."""
    where, token = (new, loc) if isinstance(loc, str) else loc
    at = text.index(where)
    start = text.rindex("\n", 0, at) + 1
    line = text[start:text.index("\n", start)]
    return text.count("\n", 0, at) + 1, line.index(token) + 1


def data_dir(tmp, name, text):
    d = khtest.data_copy(os.path.join(tmp, name.replace(" ", "-")), text)
    return d, os.path.join(d, "templates", "ke-hoach.yaml")


def diag_lines(stderr):
    return [l for l in stderr.decode("utf-8", "replace").split("\n") if l and not l.startswith("    ")]


def test_cases(tmp):
    for name, old, new, value, msg in CASES:
        check(old in TEMPLATE, "template %s: the case applies" % name)
        text = TEMPLATE.replace(old, new, 1)
        d, path = data_dir(tmp, name, text)
        r = khtest.run([KEHOACH, "validate", path])
        pdf = os.path.join(tmp, name.replace(" ", "-") + ".pdf")
        rr = khtest.run([KEHOACH, "render", "-o", pdf, PLAN], env={"KEHOACH_DATA": d})
        rv = khtest.run([KEHOACH, "validate", PLAN], env={"KEHOACH_DATA": d})
        if msg is None:
            check(r.returncode == 0 and rr.returncode == 0 and os.path.exists(pdf),
                  "template %s: accepted" % name, r.stderr.decode()[:300] + rr.stderr.decode()[:300])
            continue
        want = []
        for m in (msg if isinstance(msg, list) else [msg]):
            loc, m = m if isinstance(m, tuple) else (value, m)
            want.append("%s:%d:%d: error: %s" % ((path,) + position(text, new, loc) + (m,)))
        got = diag_lines(r.stderr)
        check(r.returncode == 1 and got == want, "template %s: validate TEMPLATE names file, line, field" % name,
              "exit %d\n  got:  %s\n  want: %s" % (r.returncode, got, want))
        got = diag_lines(rr.stderr)
        check(rr.returncode == 2 and got == want and not os.path.exists(pdf),
              "template %s: render of a plan refuses (exit 2, no PDF)" % name,
              "exit %d\n  got:  %s\n  want: %s" % (rr.returncode, got, want))
        got = diag_lines(rv.stderr)
        check(rv.returncode == 2 and got == want, "template %s: validate of a plan agrees (exit 2)" % name,
              "exit %d, %s" % (rv.returncode, got))


def test_once_per_session(tmp):
    """A batch of plans of one broken type reports the template once."""
    d, path = data_dir(tmp, "batch", TEMPLATE.replace("line_height: 1.15", "line_height: 0"))
    r = khtest.run([KEHOACH, "validate", PLAN, PLAN, PLAN], env={"KEHOACH_DATA": d})
    got = diag_lines(r.stderr)
    check(r.returncode == 2 and len([l for l in got if "[range]" in l]) == 1,
          "template: checked once per type and session", "\n".join(got))


def test_sample_template():
    r = khtest.run([KEHOACH, "validate", os.path.join(ROOT, "templates", "ke-hoach.yaml")])
    check(r.returncode == 0 and r.stderr == b"", "template: the shipped ke-hoach.yaml passes every bound",
          r.stderr.decode())


def test_front_values(tmp):
    """Values the layout prints as written: a block scalar's last line end
    is no line break; a title or issuer written over lines keeps them; a
    ' #' comment really cuts a plain value (the warning is true)."""
    base = open(PLAN, encoding="utf-8").read().replace("  on_behalf_of: GIÁM ĐỐC\n", "")
    text = (base.replace("place: Kon Tum\n", "place: |\n  Kon Tum\n")
            .replace("title: Kế hoạch thi đua năm 2025\n", "title: |\n  Kế hoạch thi đua\n  năm 2025\n")
            .replace("  name: SỞ Y TẾ\n", '  name: "SỞ Y TẾ\\nTỈNH KON TUM"\n')
            .replace("archive: VT, TCHC\n", "archive: VT, TCHC # lưu\n"))
    p = os.path.join(tmp, "front.md")
    open(p, "w", encoding="utf-8").write(text)
    pdf = os.path.join(tmp, "front.pdf")
    r = khtest.run([KEHOACH, "render", "-o", pdf, p])
    check(r.returncode == 0 and b"[yaml-comment]" in r.stderr and os.path.exists(pdf),
          "front: block values render; the comment warns", r.stderr.decode()[:400])
    if r.returncode != 0:
        return
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True).stdout.decode()
    lines = [l.strip() for l in out.split("\n")]
    check(any(l.endswith("Kon Tum, ngày 05 tháng 02 năm 2025") for l in lines),
          "front: 'place: |' prints without a line break", "\n".join(lines[:12]))
    check("Kế hoạch thi đua" in lines and "năm 2025" in lines,
          "front: a title written over two lines prints on two lines")
    check(any("SỞ Y TẾ" == l.split("  ")[0] for l in lines) and any(l.startswith("TỈNH KON TUM") for l in lines),
          "front: an issuer name with a line break prints on two lines", "\n".join(lines[:8]))
    check(any("- Lưu: VT, TCHC." in l for l in lines) and "# lưu" not in out,
          "front: the comment after 'archive' is not printed (as the warning says)")


def test_spellings(tmp):
    """The header's and closing's spellings are the template's (model_frame.c):
    another template's number label, item marks and authority separator
    print, and the defaults' do not."""
    text = (TEMPLATE.replace('number_label: "Số: "', 'number_label: "Số hiệu: "')
            .replace('item_prefix: "- "', 'item_prefix: "+ "')
            .replace('item_end: ";"', 'item_end: ","')
            .replace('last_item_end: "."', 'last_item_end: "!"')
            .replace('authority_separator: ". "', 'authority_separator: "/ "'))
    check(text.count("Số hiệu: ") + text.count('"+ "') + text.count('","') + text.count('"!"')
          + text.count('"/ "') == 5, "spellings: the template edits apply")
    d, _ = data_dir(tmp, "spellings", text)
    plan = open(PLAN, encoding="utf-8").read().replace("signer:\n", "signer:\n  authority: KT\n")
    p = os.path.join(tmp, "spellings.md")
    open(p, "w", encoding="utf-8").write(plan)
    pdf = os.path.join(tmp, "spellings.pdf")
    r = khtest.run([KEHOACH, "render", "-o", pdf, p], env={"KEHOACH_DATA": d})
    check(r.returncode == 0 and os.path.exists(pdf), "spellings: renders", r.stderr.decode()[:300])
    if r.returncode != 0:
        return
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True).stdout.decode()
    lines = [l.strip() for l in out.split("\n")]
    for want in ("Số hiệu: 05/KH-SYT", "+ Bộ Y tế (báo cáo),", "+ Các phòng thuộc Sở,",
                 "+ Lưu: VT, TCHC!", "KT/ GIÁM ĐỐC"):
        check(any(want in l for l in lines), "spellings: prints %r" % want, "\n".join(lines[:12] + lines[-12:]))
    check("Số: " not in out and "- Bộ Y tế" not in out and "KT. " not in out,
          "spellings: the default spellings are gone")


def test_readme_example(tmp):
    """The README's plan-source example explains fields with comments: they
    must cut no value (no yaml-comment), and the example must validate."""
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    start = readme.index("```markdown\n---\ntype: ke-hoach   ") + len("```markdown\n")
    end = readme.index("\n---\n", start + 4) + 5
    p = os.path.join(tmp, "readme.md")
    open(p, "w", encoding="utf-8").write(readme[start:end] + "Thực hiện Kế hoạch;\n\n# Mục đích\n\nNội dung.\n")
    r = khtest.run([KEHOACH, "validate", p])
    check(r.returncode == 0 and r.stderr == b"", "readme: the plan-source example validates, its comments cut nothing",
          r.stderr.decode()[:400])


def test_new_and_many_keys(tmp):
    """`kehoach new` writes comments that cut nothing; a mapping with
    thousands of keys (sorted, not compared pair by pair) still finds its
    duplicates, fast."""
    p = os.path.join(tmp, "new.md")
    khtest.run([KEHOACH, "new", p])
    r = khtest.run([KEHOACH, "validate", p])
    check(b"[placeholder]" in r.stderr and b"[yaml-comment]" not in r.stderr,
          "new: the skeleton's comments cut no value", r.stderr.decode()[:300])
    base = open(PLAN, encoding="utf-8").read().replace("  on_behalf_of: GIÁM ĐỐC\n", "")
    keys = "".join("  k%d: v\n" % i for i in range(50000))
    text = base.replace("---\n", "---\nx:\n" + keys + "  k17: w\n  k49999: w\n", 1)
    p = os.path.join(tmp, "many.md")
    open(p, "w", encoding="utf-8").write(text)
    r = khtest.run([KEHOACH, "validate", p], timeout=20)
    got = diag_lines(r.stderr)
    want = ["%s:50003:3: error: 'x.k17' is given twice (first on line 20): YAML would keep only one of the values [duplicate-key]" % p,
            "%s:50004:3: error: 'x.k49999' is given twice (first on line 50002): YAML would keep only one of the values [duplicate-key]" % p]
    check(r.returncode == 1 and [l for l in got if "[duplicate-key]" in l] == want,
          "duplicate keys among 50,000 in one mapping", "\n".join(got[:4]))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_sample_template()
        test_cases(tmp)
        test_once_per_session(tmp)
        test_front_values(tmp)
        test_spellings(tmp)
        test_readme_example(tmp)
        test_new_and_many_keys(tmp)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
