#!/usr/bin/env python3
"""Issue 9's promise, checked over every plan the suite has.

* The oracle (tests/oracle.py) itself: it finds a lost word, an extra
  word, a word off the paper, two words drawn over each other, and it
  joins a long word broken across lines.
* Every input of the suite (plans/, tests/data/, tests/invalid/,
  tests/lost/, tests/fuzz/regressions/): `validate` and `render` give the
  same diagnostics and the same exit status; when render exits 0, the
  oracle holds on the PDF.
* tests/lost/NAME.md: the diagnostics match NAME.expect, one line per
  diagnostic, "SEVERITY RULE LINE:COL" (an empty file: no diagnostic).
* Seed fidelity: each plan in plans/ prints every word of its original in
  ../shared/seeds/ (Markdown markers and heading hand numbers aside).
Prints "PASS name" / "FAIL name: why" lines.
"""
import collections, glob, os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import khtest  # noqa: E402
import oracle  # noqa: E402
from khtest import ROOT, KEHOACH, check, exit_status  # noqa: E402

DIAG = re.compile(r"^(.*?):(\d+):(\d+): (error|warning): .* \[([a-z0-9-]+)\]$")
SEEDS = os.path.join(ROOT, "..", "shared", "seeds")


def run(args, cwd=None):
    return khtest.run(args, cwd=cwd, timeout=120, epoch="1700000000")


def diag_lines(stderr):
    return [l for l in stderr.decode("utf-8", "replace").split("\n") if l and not l.startswith("    ")]


def inputs():
    """Every plan file the suite feeds the program, as (group, path)."""
    out = []
    for group, pattern in (("plans", "plans/*.md"), ("data", "tests/data/*.md"),
                           ("invalid", "tests/invalid/*.md"), ("lost", "tests/lost/*.md"),
                           ("fuzz", "tests/fuzz/regressions/*")):
        out += [(group, p) for p in sorted(glob.glob(os.path.join(ROOT, pattern)))]
    return out


def test_oracle_itself():
    """The oracle can fail: each kind of breach on a made-up page."""
    src = open(os.path.join(ROOT, "tests", "data", "table.md"), encoding="utf-8").read()
    want = oracle.expected_words(src)
    top = iter(range(100, 100000, 16))  # each made-up line below the last
    def line(*ws):
        y = next(top)
        return [(100 + 40 * i, y, 130 + 40 * i, y + 14, w) for i, w in enumerate(ws)]
    page = [line(*want)]  # every word on one (very long) line
    missing, extra = oracle._match_words(want, [(595, 842, page)])
    check(not missing and not extra, "oracle: the plan's own words pass", str((missing, extra)))
    missing, extra = oracle._match_words(want, [(595, 842, [line(*want[1:], "<!--")])])
    check(missing == collections.Counter({want[0]: 1}) and extra == collections.Counter({"<!--": 1}),
          "oracle: a lost word and a printed comment are found", str((missing, extra)))
    url = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001234"
    parts = [url[:30], url[30:60], url[60:]]
    missing, extra = oracle._match_words(["Xem", url, "nhé"], [(595, 842, [line("Xem", parts[0]), line(parts[1]), line(parts[2], "nhé")])])
    check(not missing and not extra, "oracle: a URL broken over three lines is joined", str((missing, extra)))
    missing, extra = oracle._match_words(["Xem", url], [(595, 842, [line("Xem", parts[0], parts[1]), line(parts[2])])])
    check(missing and extra, "oracle: fragments not at line ends are not joined", str((missing, extra)))
    missing, extra = oracle._match_words([oracle._word("ĐỒNG", True)], [(595, 842, [line("đồng")])])
    check(not missing, "oracle: upper-cased fields match case-insensitively")
    missing, extra = oracle._match_words(["Đồng"], [(595, 842, [line("ĐỒNG")])])
    check(missing and extra, "oracle: other words match case-sensitively")
    over = oracle.check_layout([(595, 842, [[(100, 100, 150, 114, "a"), (140, 104, 190, 118, "b")]])])
    check(len(over) == 1 and "overlaps" in over[0], "oracle: overlapping words are found", str(over))
    touch = oracle.check_layout([(595, 842, [[(100, 100, 150, 114, "a"), (150.1, 100, 190, 114, "b")],
                                            [(100, 114, 150, 128, "c")]])])
    check(not touch, "oracle: words that only touch do not overlap", str(touch))
    off = oracle.check_layout([(595, 842, [[(100, 830, 150, 844, "a"), (580, 100, 600, 114, "b")]])])
    check(len(off) == 2 and all("outside the paper" in o for o in off), "oracle: words off the paper less 8 mm are found", str(off))


def test_inputs(tmp):
    """validate and render agree on every input; the oracle holds on every
    PDF; tests/lost/ diagnostics match their .expect."""
    cases = inputs()
    lost = [p for g, p in cases if g == "lost"]
    check(len(lost) >= 60, "lost: at least 60 cases", str(len(lost)))
    for group, path in cases:
        name = "%s/%s" % (group, os.path.basename(path))
        d, base = os.path.split(path)
        v = run([KEHOACH, "validate", base], cwd=d)
        pdf = os.path.join(tmp, group + "-" + re.sub(r"[^\w.-]", "_", base) + ".pdf")
        r = run([KEHOACH, "render", "-o", pdf, base], cwd=d)
        vd, rd = diag_lines(v.stderr), diag_lines(r.stderr)
        check(vd == rd and v.returncode == r.returncode, name + ": validate and render agree",
              "validate exit %d %s\n  render exit %d %s" % (v.returncode, vd, r.returncode, rd))
        if group == "lost":
            want = [l.strip() for l in open(path[:-3] + ".expect", encoding="utf-8") if l.strip()]
            got = []
            for l in rd:
                m = DIAG.match(l)
                got.append("%s %s %s:%s" % (m.group(4), m.group(5), m.group(2), m.group(3)) if m else l)
            check(got == want, name + ": diagnostics as expected",
                  "\n  got:  %s\n  want: %s" % (got, want))
            has_error = any(w.startswith("error ") for w in want)
            check(r.returncode == (1 if has_error else 0), name + ": render exit %d" % (1 if has_error else 0),
                  "exit %d" % r.returncode)
        if r.returncode == 0:
            try:
                problems = oracle.problems(path, pdf)
            except Exception as e:  # a source the oracle cannot read is a failure too
                problems = ["oracle: %s: %s" % (type(e).__name__, e)]
            check(not problems, name + ": nothing lost (oracle)", "\n  ".join(problems))


# seed → plan, and the words of a seed a plan may print otherwise, each
# with its reason
SEED_PLANS = {
    "000_ed94818e66f9f58f.txt": (["dong-nai-san-bay"], {}),
    "001_1ad7a186f04a76fe.txt": (["dong-nai-2024"], {}),
    # the appendix sample is the same plan with appendices and notes added
    "002_a3c2191350367173.txt": (["giang-thanh-2025", "giang-thanh-2025-phu-luc"], {
        # "Noi nhận:" (a typo) — the template prints the label "Nơi nhận:"
        "noi": 1,
    }),
    "003_c66056ee45075714.txt": (["kon-tum-70-nam"], {}),
}


def seed_words(text):
    tpl = oracle.template({"type": "ke-hoach"})
    words = oracle.body_words({}, text, tpl, numbered=False)
    # hand numbers of paragraphs that the plan made headings
    return [w.casefold() for w in words if not oracle.HAND_NUMBER.match(w + " ")]


def test_seeds():
    for seed, (plans, allowed) in sorted(SEED_PLANS.items()):
        spath = os.path.join(SEEDS, seed)
        if not os.path.exists(spath):
            check(False, "seed %s: present" % seed)
            continue
        for plan in plans:
            test_seed(seed, spath, plan, allowed)


def test_seed(seed, spath, plan, allowed):
    """One plan made from seed prints every word of the seed."""
    want = collections.Counter(seed_words(open(spath, encoding="utf-8").read()))
    src = open(os.path.join(ROOT, "plans", plan + ".md"), encoding="utf-8").read()
    have = collections.Counter(w.casefold() for w in oracle.expected_words(src)
                               if not oracle.HAND_NUMBER.match(w + " "))
    missing = want - have
    # the closing lines get the decree's punctuation: "VP" → "VP.",
    # "Lưu" → "Lưu:"
    spare = have - want
    for w in list(missing):
        for p in (w + ".", w + ";", w + ":"):
            n = min(missing[w], spare[p])
            missing[w] -= n
            spare[p] -= n
    missing -= collections.Counter(allowed)
    missing = +missing
    check(not missing, "seed %s: plans/%s.md prints every word of it" % (seed, plan),
          " ".join("%s×%d" % kv for kv in missing.items()))


def test_kon_tum_heading(tmp):
    """Issue 9, example 10: the original's "3. Nội dung các phong trào thi
    đua:" keeps its colon, and stands on its own line as in the original
    (its paragraphs start with their own numbers, 3.1., 3.2.)."""
    pdf = os.path.join(tmp, "kon-tum.pdf")
    run([KEHOACH, "render", "-o", pdf, os.path.join(ROOT, "plans", "kon-tum-70-nam.md")])
    text = khtest.run(["pdftotext", "-enc", "UTF-8", pdf, "-"]).stdout.decode()
    lines = [l.strip() for l in text.split("\n")]
    check("3. Nội dung các phong trào thi đua:" in lines,
          "seed: kon-tum heading 3 keeps its colon, on its own line",
          str([l for l in lines if "Nội dung các phong" in l]))


def main():
    test_oracle_itself()
    with tempfile.TemporaryDirectory() as tmp:
        test_inputs(tmp)
        test_kon_tum_heading(tmp)
    test_seeds()
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
