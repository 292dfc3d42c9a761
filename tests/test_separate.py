"""Appendices issued as files of their own (issue 11, Electronic signing;
spec appendix-esign.md §4, decree PL I Mục II.8.b, III.1.d, PL III Mẫu
2.2): render --separate-appendices writes each file the plan's
`appendices:` lists as OUT-NAME.pdf beside OUT.pdf, the plan's PDF then
without them (an appendix in the plan's own body stays in its PDF). With
--esign each such PDF gets an empty signature field, SignatureAppendix, in a
76.9 × 8.7 mm frame at the top right of its first page, above the caption,
which pdfsig signs. Every output is refused like the plan's, and a refusal
writes nothing. Reads the PDFs back with pdftotext (-bbox), pdfinfo and
qpdf --json; the plan is tests/data/separate/ (illustrative)."""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from khtest import KEHOACH, ROOT, check, run, exit_status, throwaway_certificate  # noqa: E402

MM = 72 / 25.4
DATA = os.path.join(ROOT, "tests", "data", "separate")
PAGE_W, PAGE_H = 595.28, 841.89  # the template's A4, pt
TEXT_RIGHT = PAGE_W - 20 * MM    # margin_right_mm: 20
TEXT_TOP = PAGE_H - 25 * MM      # margin_top_mm: 25 (PDF coordinates)
KEM = "(Kèm theo Kế hoạch số 05/KH-SYT ngày 05 tháng 02 năm 2025 của Sở Y tế)"


def copy_plan(tmp):
    """The sample plan and its appendix files copied into tmp/src."""
    src = os.path.join(tmp, "src")
    shutil.copytree(DATA, src)
    return os.path.join(src, "ke-hoach.md")


def lines(pdf, first=None, last=None):
    args = ["pdftotext", "-enc", "UTF-8", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    out = run(args + [pdf, "-"]).stdout.decode()
    return [l.strip() for l in out.split("\n") if l.strip()]


def pages(pdf):
    m = re.search(r"Pages:\s+(\d+)", run(["pdfinfo", pdf]).stdout.decode())
    return int(m.group(1)) if m else -1


def words(pdf, page):
    """pdftotext -bbox words: (x0, top, x1, bottom, text), top-left origin."""
    xml = run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-bbox", pdf, "-"]).stdout.decode()
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', xml)]


def fields(pdf):
    """The AcroForm fields: (name, type, page, rect)."""
    j = json.loads(run(["qpdf", "--json", pdf]).stdout)
    objs = j["qpdf"][1]
    out = []
    for f in j.get("acroform", {}).get("fields", []):
        o = objs.get("obj:" + f["object"], {}).get("value", {})
        out.append((f["fullname"], f["fieldtype"], f["pageposfrom1"], o.get("/Rect")))
    return out


def listing(d):
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def test_split(tmp):
    plan = copy_plan(tmp)
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    whole = os.path.join(tmp, "whole.pdf")
    r = run([KEHOACH, "render", "-o", whole, plan])
    check(r.returncode == 0, "the plan renders whole without the option", r.stderr.decode()[:300])
    r = run([KEHOACH, "render", "--separate-appendices", "-o", os.path.join(out, "kh.pdf"), plan])
    check(r.returncode == 0, "render --separate-appendices exits 0", r.stderr.decode()[:300])
    check(listing(out) == ["kh-kinh-phi.pdf", "kh-phan-cong.pdf", "kh.pdf"],
          "OUT.pdf and OUT-NAME.pdf for each appendix file, nothing else", listing(out))
    main, kp, pc = (os.path.join(out, n) for n in ("kh.pdf", "kh-kinh-phi.pdf", "kh-phan-cong.pdf"))
    ml = lines(main)
    check("Phụ lục I" in ml and "DANH MỤC KIỂM TRA" in ml,
          "the body's own appendix stays in the plan's PDF", ml[-8:])
    check(not any(l in ml for l in ("Phụ lục II", "Phụ lục III", "DỰ TOÁN KINH PHÍ", "BẢNG PHÂN CÔNG")),
          "the plan's PDF has no caption of a separated appendix", ml[-12:])
    check(pages(main) + pages(kp) + pages(pc) == pages(whole),
          "the three PDFs hold the whole render's pages",
          (pages(main), pages(kp), pages(pc), pages(whole)))
    for pdf, label, title in ((kp, "Phụ lục II", "DỰ TOÁN KINH PHÍ"), (pc, "Phụ lục III", "BẢNG PHÂN CÔNG")):
        l = lines(pdf, 1)
        check(l[:3] == [label, title, KEM], "%s starts with its caption and Kèm theo line" % label, l[:4])
        check(not fields(pdf), "%s: no signature field without --esign" % label, fields(pdf))
        check(not any(w[4].isdigit() and w[1] < 25 * MM for w in words(pdf, 1)),
              "%s: no page number on its first page" % label)
    # no room reserved without --esign: the caption where the whole render has it
    wl = [w for p in range(1, pages(whole) + 1) for w in words(whole, p)
          if w[4] == "II" and w[1] < 120]
    sl = [w for w in words(kp, 1) if w[4] == "II"]
    check(wl and sl and abs(wl[0][1] - sl[0][1]) < 0.01,
          "without --esign the caption stays where the whole render puts it", (wl[:1], sl[:1]))
    # -d DIR: the same names in DIR
    d = os.path.join(tmp, "dir")
    os.mkdir(d)
    r = run([KEHOACH, "render", "--separate-appendices", "-d", d, plan])
    check(r.returncode == 0 and listing(d) == ["ke-hoach-kinh-phi.pdf", "ke-hoach-phan-cong.pdf", "ke-hoach.pdf"],
          "-d DIR: PLAN.pdf and PLAN-NAME.pdf in DIR", (r.stderr.decode()[:200], listing(d)))
    r = run([KEHOACH, "validate", plan])
    check(r.returncode == 0, "validate: the same verdict", r.stderr.decode()[:200])


def test_esign(tmp):
    plan = copy_plan(tmp)
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    r = run([KEHOACH, "render", "--separate-appendices", "--esign", "-o", os.path.join(out, "kh.pdf"), plan])
    check(r.returncode == 0, "render --separate-appendices --esign exits 0", r.stderr.decode()[:300])
    main, kp, pc = (os.path.join(out, n) for n in ("kh.pdf", "kh-kinh-phi.pdf", "kh-phan-cong.pdf"))
    check([f[0] for f in fields(main)] == ["Signature1"], "the plan's PDF: its signer's field only",
          fields(main))
    for pdf, label in ((kp, "Phụ lục II"), (pc, "Phụ lục III")):
        fs = fields(pdf)
        check(len(fs) == 1 and fs[0][:3] == ("SignatureAppendix", "/Sig", 1),
              "%s: one /Sig field SignatureAppendix on page 1" % label, fs)
        if len(fs) != 1 or not fs[0][3]:
            continue
        x0, y0, x1, y1 = fs[0][3]
        check(abs(x1 - TEXT_RIGHT) < 0.05, "%s: the frame's right edge is the text area's" % label,
              (x1, TEXT_RIGHT))
        check(x1 - x0 >= 76.9 * MM - 0.05 and abs(y1 - y0 - 8.7 * MM) < 0.05,
              "%s: the frame is 76.9 × 8.7 mm (Mẫu 2.2)" % label, ((x1 - x0) / MM, (y1 - y0) / MM))
        check(abs(y1 - TEXT_TOP) < 0.05 and x0 > PAGE_W / 2,
              "%s: the frame is at the top right of the text area" % label, (x0, y1))
        ws = words(pdf, 1)
        top = PAGE_H - y1
        bottom = PAGE_H - y0
        hit = [w for w in ws if w[0] < x1 and w[2] > x0 and w[1] < bottom and w[3] > top]
        check(not hit, "%s: no word overlaps the frame" % label, hit[:3])
        cap = [w for w in ws if w[4] == "Phụ" or w[4] == "lục"]
        check(cap and min(w[1] for w in cap) > bottom,
              "%s: the caption is below the frame" % label, cap[:2])
        l = lines(pdf, 1)
        check(l[:2] == [label, l[1]] and KEM in l, "%s: its caption and Kèm theo line" % label, l[:4])
    # signed with the organisation's key, as the clerk would
    nss = throwaway_certificate(tmp)
    signed = os.path.join(tmp, "signed.pdf")
    r = run(["pdfsig", "-nssdir", nss, "-nick", "test", "-sign", "SignatureAppendix", kp, signed])
    check(r.returncode == 0 and os.path.exists(signed), "pdfsig signs SignatureAppendix",
          r.stderr.decode()[:300])
    out_s = run(["pdfsig", "-nssdir", nss, "-nocert", signed]).stdout.decode()
    check("Signature Field Name: SignatureAppendix" in out_s and
          "Signature Validation: Signature is Valid." in out_s, "pdfsig: the signature is valid",
          out_s[:600])
    r = run(["qpdf", "--check", signed])
    check(r.returncode == 0, "the signed appendix passes qpdf --check", r.stdout.decode()[:300])
    # --esign alone: the appendices stay in the plan's file, no frame
    whole = os.path.join(tmp, "whole.pdf")
    r = run([KEHOACH, "render", "--esign", "-o", whole, plan])
    check(r.returncode == 0 and [f[0] for f in fields(whole)] == ["Signature1"],
          "--esign without the option: appendices in the plan's file get no field", fields(whole))


def refused(tmp, name, args, cwd=None, keep=()):
    """Runs a render that must be refused: exit 2, and the output folder
    holds only what it held before (keep)."""
    out = os.path.join(tmp, "out")
    r = run([KEHOACH, "render", "--separate-appendices"] + args, cwd=cwd)
    check(r.returncode == 2 and listing(out) == sorted(keep),
          "refused, exit 2, nothing written: " + name,
          (r.returncode, r.stderr.decode()[:300], listing(out)))
    return r.stderr.decode()


def test_refused(tmp):
    plan = copy_plan(tmp)
    src = os.path.dirname(plan)
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    # two appendix files with one base name: both would be OUT-x.pdf
    os.mkdir(os.path.join(src, "khac"))
    shutil.copy(os.path.join(src, "phu-luc", "phan-cong.md"), os.path.join(src, "khac", "kinh-phi.md"))
    text = open(plan, encoding="utf-8").read()
    twice = os.path.join(src, "hai.md")
    with open(twice, "w", encoding="utf-8") as f:
        f.write(text.replace("  - phu-luc/phan-cong.md\n", "  - khac/kinh-phi.md\n"))
    err = refused(tmp, "two appendix files named alike", ["-o", os.path.join(out, "kh.pdf"), twice])
    check("would be written twice" in err, "the message names the clash", err[:300])
    # an appendix's PDF is another plan's PDF in the same batch
    other = os.path.join(src, "ke-hoach-kinh-phi.md")
    with open(other, "w", encoding="utf-8") as f:
        f.write(text.replace("appendices:\n  - phu-luc/kinh-phi.md\n  - phu-luc/phan-cong.md\n", ""))
    err = refused(tmp, "an appendix's PDF is another plan's", ["-d", out, plan, other])
    check("would be written here" in err, "the message names both plans", err[:300])
    os.unlink(other)
    # an appendix's PDF would overwrite an input (a link to an appendix file)
    link = os.path.join(out, "kh-kinh-phi.pdf")
    os.symlink(os.path.join(src, "phu-luc", "kinh-phi.md"), link)
    before = open(os.path.join(src, "phu-luc", "kinh-phi.md"), "rb").read()
    err = refused(tmp, "an appendix's PDF is an input", ["-o", os.path.join(out, "kh.pdf"), plan],
                  keep=["kh-kinh-phi.pdf"])
    check(open(os.path.join(src, "phu-luc", "kinh-phi.md"), "rb").read() == before and "which the plan reads" in err,
          "the appendix file is untouched", err[:300])
    os.unlink(link)
    # an appendix's PDF would overwrite the plan itself
    odd = os.path.join(src, "x-phan-cong.pdf")
    shutil.copy(plan, odd)
    refused(tmp, "an appendix's PDF is the plan", ["-o", os.path.join(src, "x.pdf"), odd])
    check(not os.path.exists(os.path.join(src, "x.pdf")) and open(odd, encoding="utf-8").read() == text,
          "the plan is untouched")
    os.unlink(odd)
    # a directory where an appendix's PDF goes
    os.mkdir(os.path.join(out, "kh-phan-cong.pdf"))
    refused(tmp, "an appendix's PDF is a directory", ["-o", os.path.join(out, "kh.pdf"), plan],
            keep=["kh-phan-cong.pdf"])
    os.rmdir(os.path.join(out, "kh-phan-cong.pdf"))
    # standard input or output: several files cannot go there
    r = run([KEHOACH, "render", "--separate-appendices", "-o", "-", plan])
    check(r.returncode == 2 and not r.stdout, "-o - refused with --separate-appendices", r.stderr.decode()[:200])
    # a full disk while the second file is written: the first file's new
    # PDF is not put in place either, the old files stay, no temporary file
    r = run([KEHOACH, "render", "--separate-appendices", "-o", os.path.join(out, "kh.pdf"), plan])
    names = listing(out)
    size = os.path.getsize(os.path.join(out, "kh.pdf"))
    for n in names:
        with open(os.path.join(out, n), "w") as f:
            f.write("old " + n)
    fault = os.path.join(ROOT, "build", "fault.so")
    plain = os.path.join(ROOT, "build", "kehoach")  # LD_PRELOAD: not under ASan
    r = run([plain, "render", "--separate-appendices", "-o", os.path.join(out, "kh.pdf"), plan],
            env={"LD_PRELOAD": fault, "KH_FAULT": "enospc", "KH_FAULT_AFTER": str(size + 100)})
    kept = all(open(os.path.join(out, n), "rb").read() == b"old " + n.encode() for n in names)
    check(r.returncode == 2 and listing(out) == names and kept and b"No space left" in r.stderr,
          "a write that fails midway: exit 2, every old file kept, no temporary file",
          (r.returncode, r.stderr.decode()[:300], listing(out)))
    for n in names:
        os.unlink(os.path.join(out, n))
    # an error in an appendix file: exit 1, nothing written (all or nothing)
    with open(os.path.join(src, "phu-luc", "phan-cong.md"), "a", encoding="utf-8") as f:
        f.write("\n![hình](a.png)\n")
    r = run([KEHOACH, "render", "--separate-appendices", "-o", os.path.join(out, "kh.pdf"), plan])
    check(r.returncode == 1 and listing(out) == [], "an appendix error: exit 1, nothing written",
          (r.returncode, r.stderr.decode()[:300], listing(out)))


def test_bold_appendix(tmp):
    """An appendix file printed in bold and italic alone over two pages:
    its PDF's fonts are known only once its pages are (the page number,
    Regular, on the second), so its pages are kept until it ends and the
    Regular font is embedded with the others (issue 12: pages go to the
    PDF as they are laid out, each PDF's fonts named before its first)."""
    plan = copy_plan(tmp)
    bold = "**Các đơn vị trực thuộc tổ chức triển khai thực hiện nhiệm vụ được giao " \
           "theo đúng tiến độ và báo cáo kết quả về Sở Y tế.**\n\n"
    with open(os.path.join(os.path.dirname(plan), "phu-luc", "kinh-phi.md"), "w",
              encoding="utf-8") as f:
        f.write("# Phụ lục II: Dự toán kinh phí\n\n" + bold * 60)
    out = os.path.join(tmp, "kh.pdf")
    for esign in ([], ["--esign"]):
        r = run([KEHOACH, "render", "--separate-appendices"] + esign + ["-o", out, plan])
        check(r.returncode == 0, "render of an all-bold appendix file exits 0 %s" % esign,
              r.stderr.decode()[:300])
        app = os.path.join(tmp, "kh-kinh-phi.pdf")
        n = pages(app)
        check(n >= 2, "the all-bold appendix takes two pages or more", n)
        fonts = run(["pdffonts", app]).stdout.decode()
        names = set(re.findall(r"\+(LiberationSerif[-\w]*)", fonts))
        check(names == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"},
              "Regular (page numbers), Bold and Italic embedded, nothing else", fonts)
        check(lines(app, 2)[0] == "2", "page 2 numbered", lines(app, 2)[:2])
        check(run(["qpdf", "--check", app]).returncode == 0, "qpdf --check passes")
        check(pages(out) >= 1 and "Dự toán" not in " ".join(lines(out)),
              "the plan's PDF without the appendix")


if __name__ == "__main__":
    for t in (test_split, test_esign, test_refused, test_bold_appendix):
        with tempfile.TemporaryDirectory() as d:
            t(d)
    sys.exit(exit_status())
