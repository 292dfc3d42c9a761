"""Electronic signing (issue 11; spec appendix-esign.md §4; README,
Electronic signing): render --esign draws signer.signature_image centred
in the signature space and signer.seal_image at its real size over the
signature's left third, both with soft masks, and adds an empty AcroForm
signature field that poppler's pdfsig then signs. Without --esign the
same plan prints neither (a paper copy). Reads the PDFs back with qpdf
--json, the page's content stream (qpdf --qdf), pdfimages and pdftotext
-bbox; signs with a throw-away certificate in an NSS database made by
certutil. The images are the synthetic ones tests/draw_images.py draws."""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from khtest import PLAN, KEHOACH, ROOT, check, run, exit_status, throwaway_certificate  # noqa: E402

MM = 72 / 25.4
IMAGES = os.path.join(ROOT, "plans", "images")


def write_plan(tmp, name, extra="", replace=()):
    """PLAN with signer lines added (extra), in tmp beside images/."""
    text = PLAN.replace("  name: Nguyễn Văn A\n", "  name: Nguyễn Văn A\n" + extra)
    for a, b in replace:
        text = text.replace(a, b)
    src = os.path.join(tmp, name + ".md")
    with open(src, "w", encoding="utf-8") as f:
        f.write(text)
    return src


def slots(src):
    """The dump's signature slots: (page, x, y, w, h), PDF coordinates."""
    out, page = [], 0
    for line in run([KEHOACH, "render", "--dump-layout", src]).stdout.decode().split("\n"):
        if line.startswith("page "):
            page = int(line.split()[1])
        elif line.startswith("slot "):
            out.append((page, *map(float, line.split()[2:6])))
    return out


def qpdf_objects(pdf):
    j = json.loads(run(["qpdf", "--json", pdf]).stdout)
    objs = {}
    for k, v in j["qpdf"][1].items():
        if "stream" in v:
            objs[k[4:]] = ("stream", v["stream"]["dict"])
        elif "value" in v and isinstance(v["value"], dict):
            objs[k[4:]] = ("value", v["value"])
    return j, objs


def drawn_images(pdf, tmp):
    """Every 'q w 0 0 h x y cm /Name Do Q' of the page content, in order,
    as (name, x, y, w, h)."""
    qdf = os.path.join(tmp, "qdf.pdf")
    run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf])
    data = open(qdf, "rb").read().decode("latin-1")
    return [(m.group(5), float(m.group(3)), float(m.group(4)), float(m.group(1)), float(m.group(2)))
            for m in re.finditer(r"q ([\d.]+) 0 0 ([\d.]+) ([\d.-]+) ([\d.-]+) cm /(\w+) Do Q", data)]


def words(pdf, page):
    """pdftotext -bbox words of a page: (x0, top, x1, bottom, text), top-left origin."""
    xml = run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-bbox", pdf, "-"]).stdout.decode()
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', xml)]


def overlaps(r, w, height):
    """r: (x, y, w, h) PDF coordinates; w: a word's box, top-left origin."""
    x0, y0, x1, y1 = r[0], height - (r[1] + r[3]), r[0] + r[2], height - r[1]
    return w[0] < x1 - 0.01 and w[2] > x0 + 0.01 and w[1] < y1 - 0.01 and w[3] > y0 + 0.01


def near(a, b, eps=0.05):
    return abs(a - b) <= eps


def test_esign(tmp):
    shutil.copytree(IMAGES, os.path.join(tmp, "images"))
    src = write_plan(tmp, "ky", "  signature_image: images/chu-ky.png\n  seal_image: images/con-dau.png\n")
    r = run([KEHOACH, "validate", src])
    check(r.returncode == 0 and not r.stderr, "a plan with both images validates", r.stderr.decode()[:300])
    paper, esign = os.path.join(tmp, "paper.pdf"), os.path.join(tmp, "ky.pdf")
    r = run([KEHOACH, "render", "-o", paper, src])
    check(r.returncode == 0, "renders without --esign", r.stderr.decode()[:300])
    r = run([KEHOACH, "render", "--esign", "-o", esign, src])
    check(r.returncode == 0, "renders with --esign", r.stderr.decode()[:300])
    r = run(["qpdf", "--check", esign])
    check(r.returncode == 0 and b"No syntax or stream encoding errors" in r.stdout and not r.stderr,
          "qpdf --check is clean", (r.stdout + r.stderr).decode()[:300])

    # the paper copy: no images, no form; the same words either way
    j, objs = qpdf_objects(paper)
    check(not any(d.get("/Subtype") == "/Image" for k, d in objs.values() if k == "stream")
          and not any("/AcroForm" in d for k, d in objs.values() if k == "value"),
          "without --esign: neither images nor a signature field")
    text = [run(["pdftotext", "-enc", "UTF-8", p, "-"]).stdout for p in (paper, esign)]
    check(text[0] == text[1] and "PHÓ GIÁM ĐỐC".encode() in text[1] and "Nguyễn Văn A".encode() in text[1],
          "--esign: the text extracts as on paper")

    # the form: one unsigned /Sig widget over the slot, SigFlags 3
    (page, sx, sy, sw, sh), = slots(src)
    check(sh >= 38 * MM - 0.05, "the signature space holds the 36 mm seal and 1 mm each side",
          "%.2f mm" % (sh / MM))
    j, objs = qpdf_objects(esign)
    cat = [d for k, d in objs.values() if k == "value" and d.get("/Type") == "/Catalog"][0]
    form = cat.get("/AcroForm", {})
    check(form.get("/SigFlags") == 3 and len(form.get("/Fields", [])) == 1, "/AcroForm: one field, /SigFlags 3",
          str(form))
    field = objs.get(form.get("/Fields", ["?"])[0], ("", {}))[1]
    rect = field.get("/Rect", [0, 0, 0, 0])
    check(field.get("/FT") == "/Sig" and field.get("/T") == "u:Signature1" and "/V" not in field
          and field.get("/Subtype") == "/Widget",
          "the field: /FT /Sig named Signature1, unsigned", str(field))
    check(all(near(a, b, 0.01) for a, b in zip(rect, (sx, sy, sx + sw, sy + sh))),
          "the field's /Rect is the signature space", "%s vs %s" % (rect, (sx, sy, sw, sh)))
    pg = j["pages"][page - 1]["object"]
    check(form.get("/Fields", ["?"])[0] in objs.get(pg, ("", {}))[1].get("/Annots", []),
          "the field is an annotation of the page the signature is on")
    images = [d for k, d in objs.values() if k == "stream" and d.get("/Subtype") == "/Image" and "/SMask" in d]
    masks = {d.get("/SMask") for d in images}
    check(len(images) == 2 and all(objs.get(m, ("", {}))[1].get("/ColorSpace") == "/DeviceGray" for m in masks),
          "two images, each with a soft mask (its alpha)", str(images))

    # placement, from the content stream: the signature first, then the seal
    drawn = drawn_images(esign, tmp)
    check(len(drawn) == 2, "two images drawn", str(drawn))
    if len(drawn) == 2:
        (_, gx, gy, gw, gh), (_, cx, cy, cw, ch) = drawn
        check(near(gx + gw / 2, sx + sw / 2) and near(gy + gh / 2, sy + sh / 2),
              "the signature is centred in the signature space",
              "centre %.2f,%.2f vs %.2f,%.2f" % (gx + gw / 2, gy + gh / 2, sx + sw / 2, sy + sh / 2))
        check(near(gw, 600 / 300 * 25.4 * MM) and near(gh, 240 / 300 * 25.4 * MM),
              "the signature at its real size (pHYs 300 dpi)", "%.2f × %.2f mm" % (gw / MM, gh / MM))
        check(near(cw, 36 * MM) and near(ch, 36 * MM), "the seal at its real size, 36 mm",
              "%.2f mm" % (cw / MM))
        check(near(cx + cw, gx + gw / 3) and cx < gx, "the seal covers the signature's left third",
              "seal right %.2f, a third in %.2f" % (cx + cw, gx + gw / 3))
        check(near(cy + ch / 2, gy + gh / 2) and cy >= sy - 0.01 and cy + ch <= sy + sh + 0.01,
              "the seal centred on the signature's height, inside the signature space")
        ws = words(esign, page)
        height = 841.89  # A4
        hit = [w[4] for w in ws for r in ((gx, gy, gw, gh), (cx, cy, cw, ch)) if overlaps(r, w, height)]
        check(not hit, "neither image covers a word", str(hit))
    r = run(["pdfimages", "-list", esign])
    rows = [l.split() for l in r.stdout.decode().split("\n")[2:] if l.strip()]
    check([row[2] for row in rows] == ["image", "smask", "image", "smask"]
          and all(row[12] == "300" and row[13] == "300" for row in rows),
          "pdfimages: both images and masks at their own 300 dpi (real size)", r.stdout.decode())

    # sign the field, as signing software would
    nss = throwaway_certificate(tmp)
    signed = os.path.join(tmp, "ky-da-ky.pdf")
    r = run(["pdfsig", "-nssdir", nss, "-nick", "test", "-sign", "Signature1", esign, signed])
    check(r.returncode == 0 and os.path.exists(signed), "pdfsig signs the field Signature1",
          r.stderr.decode()[:300])
    r = run(["pdfsig", "-nssdir", nss, "-nocert", signed])
    out = r.stdout.decode()
    check("Signature Field Name: Signature1" in out and "Signature Validation: Signature is Valid." in out,
          "pdfsig: the signature is valid", out[:600])
    r = run(["qpdf", "--check", signed])
    check(r.returncode == 0, "the signed PDF passes qpdf --check", r.stdout.decode()[:300])


def test_joint(tmp):
    """A joint plan: each body's signer with images of its own, one slot,
    one field and its own images per body; each image within its own
    body's block, none over a word; pdfsig signs the partner's field."""
    shutil.copytree(IMAGES, os.path.join(tmp, "images"))
    text = open(os.path.join(ROOT, "plans", "kon-tum-2025-lien-tich.md"), encoding="utf-8").read()
    imgs = "      signature_image: images/chu-ky.png\n      seal_image: images/con-dau.png\n"
    text = text.replace("      name: Trần Văn Bình\n", "      name: Trần Văn Bình\n" + imgs)
    text = text.replace("      name: Lê Thị Hoa\n", "      name: Lê Thị Hoa\n"
                        "      signature_image: images/chu-ky.png\n")
    src = os.path.join(tmp, "lien-tich.md")
    with open(src, "w", encoding="utf-8") as f:
        f.write(text)
    r = run([KEHOACH, "validate", src])
    check(r.returncode == 0 and not r.stderr, "joint: a plan with each signer's images validates",
          r.stderr.decode()[:300])
    pdf = os.path.join(tmp, "lien-tich.pdf")
    r = run([KEHOACH, "render", "--esign", "-o", pdf, src])
    check(r.returncode == 0, "joint: renders with --esign", r.stderr.decode()[:300])
    if r.returncode:
        return
    sl = slots(src)
    check(len(sl) == 2 and sl[0][0] == sl[1][0] and sl[0][1] > sl[1][1],
          "joint: two slots on one page, the lead's (first) on the right", str(sl))
    j, objs = qpdf_objects(pdf)
    cat = [d for k, d in objs.values() if k == "value" and d.get("/Type") == "/Catalog"][0]
    form = cat.get("/AcroForm", {})
    fields = [objs.get(f, ("", {}))[1] for f in form.get("/Fields", [])]
    rects = {f.get("/T"): f.get("/Rect", [0, 0, 0, 0]) for f in fields}
    check(sorted(rects) == ["u:Signature1", "u:Signature2"]
          and near(rects["u:Signature1"][0], sl[0][1], 0.01)
          and near(rects["u:Signature2"][0], sl[1][1], 0.01),
          "joint: two signature fields, Signature1 over the lead's space, Signature2 over the partner's",
          str(rects))
    drawn = drawn_images(pdf, tmp)
    check(len(drawn) == 3, "joint: three images (the lead's signature and seal, the partner's signature)",
          str(drawn))
    # each image's centre within its own block's half of the text width
    lead, partner = sl[0], sl[1]
    def inside(d, s):
        cx = d[1] + d[3] / 2
        return s[1] - 30 * MM <= cx <= s[1] + s[3]
    check(len(drawn) == 3 and inside(drawn[0], lead) and inside(drawn[1], lead)
          and inside(drawn[2], partner) and not inside(drawn[2], lead),
          "joint: each body's images in its own block", str(drawn))
    check(len(drawn) == 3 and near(drawn[2][3], drawn[0][3], 0.5),
          "joint: the left block's signature as wide as the lead's (its seal may reach into "
          "the margin, no word there)", str(drawn))
    page = lead[0]
    height = 842
    ws = words(pdf, page)
    hit = [w[4] for d in drawn for w in ws if overlaps(d[1:], w, height)]
    check(not hit, "joint: no image over a word", str(hit))
    r = run(["qpdf", "--check", pdf])
    check(r.returncode == 0, "joint: qpdf --check is clean", r.stdout.decode()[:300])

    # 50 mm seals on both bodies: no block's images over the other's, the
    # left seal at most 10 mm into the margin, no image over a word
    text50 = text.replace("      seal_image: images/con-dau.png\n",
                          "      seal_image: images/con-dau.png\n      seal_mm: 50\n")
    text50 = text50.replace("      name: Lê Thị Hoa\n      signature_image: images/chu-ky.png\n",
                            "      name: Lê Thị Hoa\n      signature_image: images/chu-ky.png\n"
                            "      seal_image: images/con-dau.png\n      seal_mm: 50\n")
    src50 = os.path.join(tmp, "lien-tich-50.md")
    with open(src50, "w", encoding="utf-8") as f:
        f.write(text50)
    pdf50 = os.path.join(tmp, "lien-tich-50.pdf")
    r = run([KEHOACH, "render", "--esign", "-o", pdf50, src50])
    d = drawn_images(pdf50, tmp)
    sl = slots(src50)
    def apart(a, b):
        return a[1] + a[3] <= b[1] + 0.01 or b[1] + b[3] <= a[1] + 0.01
    check(r.returncode == 0 and len(d) == 4 and apart(d[1], d[2]) and apart(d[0], d[2]) and apart(d[1], d[3]),
          "joint, 50 mm seals: the lead's seal clear of the partner's signature", str(d))
    left_text = min(w[0] for w in words(pdf50, sl[0][0]))
    check(len(d) == 4 and d[3][1] >= left_text - 10 * MM - 0.5,
          "joint, 50 mm seals: the left seal at most 10 mm into the margin",
          "%.1f vs text edge %.1f" % (d[3][1], left_text))
    ws = words(pdf50, sl[0][0])
    hit = [w[4] for x in d for w in ws if overlaps(x[1:], w, 842)]
    check(r.returncode == 0 and not hit, "joint, 50 mm seals: no image over a word", str(hit))


def test_watch(tmp):
    """--watch renders again when a signer's image is saved: a picture
    replaced by one without transparency is then refused, not left
    standing in a stale PDF."""
    import subprocess
    import time
    shutil.copytree(IMAGES, os.path.join(tmp, "images"))
    src = write_plan(tmp, "w", "  signature_image: images/chu-ky.png\n")
    log = open(os.path.join(tmp, "log"), "w+")
    proc = subprocess.Popen([KEHOACH, "render", "--esign", "--watch-count=1", "-o", "w.pdf", "w.md"],
                            stderr=log, cwd=tmp, env=dict(os.environ, SOURCE_DATE_EPOCH="0"))

    def wait(pred):
        end = time.time() + 10
        while time.time() < end and not pred():
            time.sleep(0.05)
        return pred()
    try:
        ok = wait(lambda: "watching" in open(log.name, encoding="utf-8").read())
        bad = open(os.path.join(ROOT, "tests", "invalid", "images", "chu-ky-nen-trang.png"), "rb").read()
        with open(os.path.join(tmp, "images", "chu-ky.png"), "wb") as f:
            f.write(bad)
        ok = ok and wait(lambda: "has errors" in open(log.name, encoding="utf-8").read())
        check(ok and "esign-image-alpha" in open(log.name, encoding="utf-8").read(),
              "watch: saving a signer's image renders again (a bad one refused)",
              open(log.name, encoding="utf-8").read()[-300:])
        check(proc.wait(timeout=10) == 0, "watch: stops after the render")
    finally:
        if proc.poll() is None:
            proc.kill()
    del src


def test_variants(tmp):
    shutil.copytree(IMAGES, os.path.join(tmp, "images"))
    # seal_mm wins over the PNG's pHYs
    src = write_plan(tmp, "mm", "  signature_image: images/chu-ky.png\n  seal_image: images/con-dau.png\n"
                                "  seal_mm: 30\n")
    pdf = os.path.join(tmp, "mm.pdf")
    r = run([KEHOACH, "render", "--esign", "-o", pdf, src])
    drawn = drawn_images(pdf, tmp)
    check(r.returncode == 0 and len(drawn) == 2 and near(drawn[1][3], 30 * MM),
          "seal_mm: 30 draws the seal 30 mm across", str(drawn))
    # a long Nơi nhận line beside the seal: the signature narrows so that the
    # seal stays clear of it
    src = write_plan(tmp, "long", "  signature_image: images/chu-ky.png\n  seal_image: images/con-dau.png\n",
                     [("  - Bộ Y tế (báo cáo)\n", "  - Bộ Y tế (báo cáo)\n  - Ủy ban nhân dân tỉnh (báo cáo)\n"
                       "  - Các phòng chuyên môn, nghiệp vụ thuộc Sở Y tế tỉnh Kon Tum\n"
                       "  - Các đơn vị sự nghiệp công lập trực thuộc Sở Y tế\n")])
    pdf = os.path.join(tmp, "long.pdf")
    r = run([KEHOACH, "render", "--esign", "-o", pdf, src])
    drawn = drawn_images(pdf, tmp)
    (page, sx, sy, sw, sh), = slots(src)
    ws = words(pdf, page)
    hit = [w[4] for w in ws for d in drawn if overlaps(d[1:], w, 841.89)]
    check(r.returncode == 0 and len(drawn) == 2 and not hit, "long recipients: no image covers a word", str(hit))
    # only a signature: centred, and the field; no seal
    src = write_plan(tmp, "sig", "  signature_image: images/chu-ky.png\n")
    pdf = os.path.join(tmp, "sig.pdf")
    r = run([KEHOACH, "render", "--esign", "-o", pdf, src])
    drawn = drawn_images(pdf, tmp)
    (page, sx, sy, sw, sh), = slots(src)
    check(r.returncode == 0 and len(drawn) == 1 and near(drawn[0][1] + drawn[0][3] / 2, sx + sw / 2),
          "a signature alone: drawn centred", str(drawn))
    check(near(sh, 25 * MM), "without a seal the signature space is the template's 25 mm", "%.2f" % (sh / MM))
    # no images at all: --esign still adds the field
    src = write_plan(tmp, "none")
    pdf = os.path.join(tmp, "none.pdf")
    r = run([KEHOACH, "render", "--esign", "-o", pdf, src])
    j, objs = qpdf_objects(pdf)
    check(r.returncode == 0 and not drawn_images(pdf, tmp)
          and any(d.get("/FT") == "/Sig" for k, d in objs.values() if k == "value"),
          "--esign without images: the signature field alone")
    # a draft for e-signing keeps number and date blank (Điều 15.3)
    src = write_plan(tmp, "draft", "  signature_image: images/chu-ky.png\n",
                     [("number: 5\n", ""), ("date: 2025-02-05\n", "date: 2025\n")])
    pdf = os.path.join(tmp, "draft.pdf")
    r = run([KEHOACH, "render", "--esign", "-o", pdf, src])
    text = run(["pdftotext", "-enc", "UTF-8", pdf, "-"]).stdout.decode()
    check(r.returncode == 0 and re.search(r"Số:\s*[^\d\s]*/KH-SYT", text) and "ngày" in text
          and not re.search(r"ngày \d", text), "a draft with --esign: number and day blank", text[:300])
    # --esign and --pdfa: a usage error
    r = run([KEHOACH, "render", "--esign", "--pdfa", "-o", os.path.join(tmp, "x.pdf"), src])
    check(r.returncode == 2 and b"--esign excludes --pdfa" in r.stderr and not os.path.exists(os.path.join(tmp, "x.pdf")),
          "--esign with --pdfa: refused (PDF/A-1 forbids transparency)", r.stderr.decode()[:200])
    # --help names it
    r = run([KEHOACH, "render", "--help"])
    check(b"--esign" in r.stdout, "--help names --esign")


def test_sample():
    """plans/*-esign.md: rendered --esign (as make demo does)."""
    import glob
    plans = sorted(glob.glob(os.path.join(ROOT, "plans", "*-esign.md")))
    check(len(plans) >= 1, "a sample plan for electronic signing")
    with tempfile.TemporaryDirectory() as tmp:
        for p in plans:
            pdf = os.path.join(tmp, "s.pdf")
            r = run([KEHOACH, "render", "--esign", "-o", pdf, p])
            check(r.returncode == 0 and len(drawn_images(pdf, tmp)) == 2,
                  "%s: renders --esign with both images" % os.path.basename(p), r.stderr.decode()[:300])


def test_images_reproducible():
    """tests/draw_images.py draws the committed images byte for byte."""
    with tempfile.TemporaryDirectory() as tmp:
        r = run([sys.executable, os.path.join(ROOT, "tests", "draw_images.py"), tmp], timeout=300)
        same = r.returncode == 0
        for sub in ("plans/images", "tests/invalid/images"):
            for name in os.listdir(os.path.join(tmp, sub)):
                a = open(os.path.join(tmp, sub, name), "rb").read()
                b = open(os.path.join(ROOT, sub, name), "rb").read()
                same = same and a == b
        check(same, "the committed images are the script's", r.stderr.decode()[:300])


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as t:
        test_esign(t)
    with tempfile.TemporaryDirectory() as t:
        test_variants(t)
    with tempfile.TemporaryDirectory() as t:
        test_joint(t)
    with tempfile.TemporaryDirectory() as t:
        test_watch(t)
    test_sample()
    test_images_reproducible()
    sys.exit(exit_status())
