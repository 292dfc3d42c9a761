"""The "Kính gửi:" lines under the title (issue 11; README "Addressees"):
front matter addressees: prints, under the title's rule and before the
body, one centred line "Kính gửi: A." for one addressee, or the label
alone then "- A;" "- B;" "- C." lines, flush left in a block centred by
its widest line, for several. Renders plans and reads the words back with
pdftotext -bbox; the rule's place comes from --dump-layout."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from khtest import PLAN, KEHOACH, check, run, exit_status  # noqa: E402
import oracle  # noqa: E402


def render(tmp, name, addressees):
    text = PLAN.replace("archive: VT, TCHC\n", "archive: VT, TCHC\n" + (
        "addressees:\n" + "".join("  - %s\n" % a for a in addressees) if addressees else ""))
    src, pdf = os.path.join(tmp, name + ".md"), os.path.join(tmp, name + ".pdf")
    with open(src, "w", encoding="utf-8") as f:
        f.write(text)
    r = run([KEHOACH, "render", "-o", pdf, src])
    check(r.returncode == 0, "%s: renders" % name, r.stderr.decode()[:300])
    # the oracle expects the addressee words (tests/oracle.py): none lost,
    # none printed that the plan does not give
    problems = oracle.problems(src, pdf)
    check(not problems, "%s: every word as the oracle expects" % name, problems)
    dump = run([KEHOACH, "render", "--dump-layout", src]).stdout.decode().split("\n")
    height = float(dump[0].split()[3])
    # the title's rule: the first rule after "KẾ HOẠCH"; as a top-down y
    at = next(i for i, l in enumerate(dump) if l.endswith(" KẾ HOẠCH"))
    rule = next(l for l in dump[at:] if l.startswith("rule "))
    x1, y, x2 = (float(v) for v in rule.split()[1:4])
    xml = run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", "-bbox", pdf, "-"]).stdout.decode()
    words = [(float(a), float(b), float(c), t) for a, b, c, _, t in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', xml)]
    lines = []  # (top, x0, x1, text) in reading order
    for x0, top, x1_, t in words:
        if lines and abs(lines[-1][0] - top) < 2:
            lines[-1] = (lines[-1][0], lines[-1][1], x1_, lines[-1][3] + " " + t)
        else:
            lines.append((top, x0, x1_, t))
    return lines, height - y, (x1 + x2) / 2


def block(lines, rule_top):
    """The lines between the title's rule and the body's first heading."""
    out = [l for l in lines if l[0] > rule_top]
    end = next(i for i, l in enumerate(out) if "MỤC ĐÍCH" in l[3])
    return out[:end]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        lines, rule_top, cx = render(tmp, "one", ["Sở Y tế tỉnh Kon Tum"])
        got = block(lines, rule_top)
        check([l[3] for l in got] == ["Kính gửi: Sở Y tế tỉnh Kon Tum."],
              "one addressee: one line under the rule, before the body", got)
        check(len(got) == 1 and abs((got[0][1] + got[0][2]) / 2 - cx) < 1.5,
              "one addressee: the line centred", (got, cx))

        names = ["Sở Y tế tỉnh Kon Tum", "Trung tâm Kiểm soát bệnh tật tỉnh",
                 "Các bệnh viện trực thuộc"]
        lines, rule_top, cx = render(tmp, "three", names)
        got = block(lines, rule_top)
        want = ["Kính gửi:", "- Sở Y tế tỉnh Kon Tum;",
                "- Trung tâm Kiểm soát bệnh tật tỉnh;", "- Các bệnh viện trực thuộc."]
        check([l[3] for l in got] == want, "three addressees: label, then one line each, in order",
              [l[3] for l in got])
        if len(got) == 4:
            check(max(l[1] for l in got) - min(l[1] for l in got) < 0.5,
                  "three addressees: the lines flush left", got)
            left, right = min(l[1] for l in got), max(l[2] for l in got)
            check(abs((left + right) / 2 - cx) < 1.5,
                  "three addressees: the block centred by its widest line", (left, right, cx))
            check(all(a[0] < b[0] for a, b in zip(got, got[1:])),
                  "three addressees: each line below the one before", got)

        lines, rule_top, _ = render(tmp, "none", [])
        check(not any("Kính gửi" in l[3] for l in lines), "without addressees: no Kính gửi line")


if __name__ == "__main__":
    main()
    sys.exit(exit_status())
