#!/usr/bin/env python3
"""Issuer codes and heading numbers as offices write them (issue 11):
mixed-case codes (TTg), "a)" directly under "1." beside "1.1." sections,
a numbering override's own look, and headings ending in ":" kept on their
own line. Each case is a small plan, rendered and read back with
pdftotext -layout and --dump-layout (font letters: B bold, I italic, R
regular, BI bold italic). The expected text is written here from the
Markdown. Prints "PASS name" / "FAIL name: why" lines.
"""
import os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
from khtest import KEHOACH, check, exit_status  # noqa: E402

FRONT = khtest.PLAN[:khtest.PLAN.index("---\n# Mục đích")]  # without the closing "---"


def run(args, cwd):
    return khtest.run(args, cwd=cwd, timeout=60)


class Case:
    """A plan (extra front-matter lines, body) rendered and validated in tmp."""

    def __init__(self, tmp, name, body, front="", code="SYT"):
        self.name = name
        text = FRONT.replace("code: SYT", "code: " + code) + front + "---\n" + body
        open(os.path.join(tmp, name + ".md"), "w", encoding="utf-8").write(text)
        v = run([KEHOACH, "validate", name + ".md"], tmp)
        r = run([KEHOACH, "render", "-o", name + ".pdf", name + ".md"], tmp)
        self.rc, self.vrc = r.returncode, v.returncode
        self.stderr = v.stderr.decode("utf-8", "replace")
        self.lines, self.dump = [], []
        if r.returncode == 0:
            t = run(["pdftotext", "-layout", name + ".pdf", "-"], tmp).stdout.decode("utf-8")
            self.lines = [re.sub(r"\s+", " ", l).strip() for l in t.split("\n") if l.strip()]
            d = run([KEHOACH, "render", "--dump-layout", name + ".md"], tmp).stdout.decode("utf-8")
            self.dump = [l.split(" ", 5) for l in d.split("\n") if l.startswith("text ")]

    def ok(self, what):
        check(self.rc == 0 and self.vrc == 0 and self.stderr == "",
              "%s: renders and validates clean" % self.name, "%s %s %s" % (self.rc, self.vrc, self.stderr))

    def line(self, s, what):
        """A line of the PDF that is s, or starts with s."""
        check(any(l == s or l.startswith(s) for l in self.lines), "%s: %s" % (self.name, what),
              "\n".join(self.lines))

    def no_line(self, s, what):
        check(self.rc == 0 and not any(l.startswith(s) for l in self.lines),
              "%s: %s" % (self.name, what), "\n".join(self.lines))

    def font(self, word, font, what):
        got = [d[1] for d in self.dump if len(d) == 6 and d[5] == word]
        check(got and all(g == font for g in got), "%s: %s" % (self.name, what), str(got))


def test_codes(tmp):
    for code, number in (("TTg", "Số: 05/KH-TTg"), ("UBND-VP", "Số: 05/KH-UBND-VP"),
                         ("BCĐ", "Số: 05/KH-BCĐ"), ("SYT", "Số: 05/KH-SYT")):
        c = Case(tmp, "code-" + code.lower(), "# Mục đích\nNội dung.\n", code=code)
        c.ok("code")
        check(any(number in l for l in c.lines), "issuer code %s: prints %r" % (code, number),
              "\n".join(c.lines[:8]))
    for code in ("syt", "tTg", "KH-TTg", "UBND VP", "UBND--VP", "SYT-", "S.YT"):
        c = Case(tmp, "bad-code", "# Mục đích\nNội dung.\n", code='"%s"' % code)
        check(c.vrc == 1 and c.rc == 1 and "error: 'issuer.code': the issuer's code is letters and digits, "
              "each part opening with a capital or a digit, parts joined by '-' (SYT, TTg, UBND-VP, BCĐ), "
              "without the document's KH- (it is added) [pattern]" in c.stderr,
              "issuer code %r refused" % code, c.stderr)


MIXED = """# Tổ chức thực hiện
## Tập thể
Nội dung.
#### Ở cấp tỉnh
Nội dung a.
#### Ở cấp huyện
Nội dung b.
## Cá nhân
Nội dung.
### Cán bộ quản lý
Nội dung.
#### Ở cấp xã
Nội dung c.
### Người lao động
Nội dung.
# Kinh phí
## Nguồn
Nội dung.
### Ở cấp tỉnh
Nội dung.
"""


def test_mixed(tmp):
    """Default formats: ### under ## is "a)". With the override below,
    #### right under ## is "a)", ### is "1.1.": both in one plan."""
    c = Case(tmp, "default-a", "# Mục đích\n## Tập thể\nNội dung.\n### Ở cấp tỉnh\nNội dung a.\n"
             "### Ở cấp huyện\nNội dung b.\n")
    c.ok("")
    c.line("1. Tập thể", "## prints 1.")
    c.line("a) Ở cấp tỉnh", "### directly under ## prints a)")
    c.line("b) Ở cấp huyện", "the next ### prints b)")
    c = Case(tmp, "mixed", MIXED, front='numbering: ["{1:I}.", "{2:1}.", "{2:1}.{3:1}.", "{4:a})"]\n')
    c.ok("")
    for s, what in (("1. Tập thể", "## prints 1."),
                    ("a) Ở cấp tỉnh", "#### directly under ## prints a)"),
                    ("b) Ở cấp huyện", "the next #### prints b)"),
                    ("2. Cá nhân", "the next ## prints 2."),
                    ("2.1. Cán bộ quản lý", "### prints 2.1."),
                    ("a) Ở cấp xã", "#### under ### prints a)"),
                    ("2.2. Người lao động", "the next ### prints 2.2."),
                    ("II. KINH PHÍ", "the next # prints II."),
                    ("1.1. Ở cấp tỉnh", "### under a new ## prints 1.1.")):
        c.line(s, what)
    check(not any(re.search(r"\b\d+\.0\.", l) for l in c.lines), "mixed: no 1.0.-like number",
          "\n".join(c.lines))
    # the skip is refused where the number would print the skipped counter
    front = 'numbering: ["{1:I}.", "{2:1}.", "{2:1}.{3:1}.", "{2:1}.{3:1}.{4:1}."]\n'
    c = Case(tmp, "skip-bad", "# Mục đích\n## Tập thể\nNội dung.\n#### Ở cấp tỉnh\nNội dung.\n", front=front)
    check(c.vrc == 1 and "skip-bad.md:%d:1: error: heading level 4 follows level 2: use ### "
          "[heading-skip]" % ((FRONT + front).count("\n") + 5) in c.stderr,
          "#### under ## refused when it would print 1.0.1.", c.stderr)
    # under a section (#) every level is still written
    c = Case(tmp, "skip-section", "# Mục đích\n### Tập thể\nNội dung.\n")
    check(c.vrc == 1 and "error: heading level 3 follows level 1: use ## [heading-skip]" in c.stderr,
          "### directly under # still refused", c.stderr)


def test_override_look(tmp):
    c = Case(tmp, "look", "# Mục đích\n## Tập thể\nNội dung.\n### Cấpmột\nNội dung.\n"
             "#### Cấphai\nNội dung.\n",
             front='numbering: ["{1:I}.", "{2:1}.", "{2:1}.{3:1}.", "{4:a})"]\n')
    c.ok("")
    c.line("1.1. Cấpmột", "### prints 1.1.")
    c.font("1.1.", "B", '"1.1." prints bold upright, as the "1." level')
    c.font("Cấpmột", "B", 'its text too')
    c.font("a)", "BI", '"a)" at level 4 prints bold italic, as the template\'s "a)" level')
    c.font("Cấphai", "BI", 'its text too')
    # the template's own formats keep their levels' looks
    c = Case(tmp, "look-default", "# Mục đích\n## Tập thể\nNội dung.\n### Cấpmột\nNội dung.\n"
             "#### Cấphai\nNội dung.\n",
             front='numbering: ["{1:I}.", "{2:1}.", "{3:a})", "{4:1}."]\n')
    c.ok("")
    c.font("a)", "BI", "the template's own level-3 format: bold italic")
    c.font("Cấphai", "I", "the template's own level-4 format: italic, not the \"1.\" level's bold")


COLON = "# Tổ chức\n## Tập thể:\nCác phòng chuyên môn thực hiện.\n"


def test_colon(tmp):
    c = Case(tmp, "colon-run-in", COLON)
    c.ok("")
    c.line("1. Tập thể: Các phòng chuyên môn thực hiện.", "by default the heading runs in")
    c = Case(tmp, "colon-own-line", COLON, front="run_in_colon: false\n")
    c.ok("")
    check("1. Tập thể:" in c.lines, "run_in_colon: false: the heading is a line of its own",
          "\n".join(c.lines))
    c.line("Các phòng chuyên môn thực hiện.", "the paragraph on the next line")
    c.font("Tập", "B", "the heading stays bold")
    c.font("phòng", "R", "the paragraph stays regular")
    c = Case(tmp, "colon-bad", COLON, front="run_in_colon: không\n")
    check(c.vrc == 1 and "[type]" in c.stderr and "run_in_colon" in c.stderr,
          "run_in_colon must be true or false", c.stderr)


with tempfile.TemporaryDirectory() as tmp:
    test_codes(tmp)
    test_mixed(tmp)
    test_override_look(tmp)
    test_colon(tmp)
sys.exit(exit_status())
