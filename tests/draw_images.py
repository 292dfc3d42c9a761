#!/usr/bin/python3
"""Draws the synthetic signature and seal images kehoach's electronic
signing is tested and shown with (never a real person's signature or a
real body's seal: issue 11), as PNG written with zlib alone (no imaging
library needed):

  plans/images/chu-ky.png      a blue handwritten-like stroke, alpha,
                               300 dpi pHYs (about 51 × 20 mm)
  plans/images/con-dau.png     a red round seal of rings and dots (no
                               text), alpha, pHYs: 36 mm across
  tests/invalid/images/…       the same seal without pHYs, and broken
                               ones: not a PNG, no transparency, cut short

Deterministic: running it again writes the same bytes. Usage:
  /usr/bin/python3 tests/draw_images.py [ROOT]   (ROOT: the checkout)"""
import math
import os
import struct
import sys
import zlib

DPI = 300
PX_PER_M = round(DPI / 0.0254)  # 11811


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width, height, rows, color_type, phys=True):
    """rows: bytes per row (without the filter byte); color_type 6 RGBA, 2 RGB."""
    raw = b"".join(b"\0" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))
    if phys:
        out += chunk(b"pHYs", struct.pack(">IIB", PX_PER_M, PX_PER_M, 1))
    out += chunk(b"IDAT", zlib.compress(raw, 9))
    out += chunk(b"IEND", b"")
    return out


class Canvas:
    """Coverage (0..1) per pixel of one colour; antialiased by distance."""

    def __init__(self, w, h):
        self.w, self.h = w, h
        self.a = [[0.0] * w for _ in range(h)]

    def disc(self, cx, cy, r):
        for y in range(max(0, int(cy - r - 1)), min(self.h, int(cy + r + 2))):
            row = self.a[y]
            for x in range(max(0, int(cx - r - 1)), min(self.w, int(cx + r + 2))):
                d = math.hypot(x + 0.5 - cx, y + 0.5 - cy)
                c = r + 0.5 - d
                if c > row[x]:
                    row[x] = min(1.0, c)

    def stroke(self, pts, r):
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            n = max(1, int(math.hypot(x1 - x0, y1 - y0) / 0.7))
            for k in range(n):
                t = k / n
                self.disc(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, r)

    def ring(self, cx, cy, radius, half):
        for y in range(self.h):
            row = self.a[y]
            for x in range(self.w):
                d = abs(math.hypot(x + 0.5 - cx, y + 0.5 - cy) - radius)
                c = half + 0.5 - d
                if c > row[x]:
                    row[x] = min(1.0, c)

    def polygon(self, pts):
        """Filled (even-odd), 4 × 4 supersampled."""
        for y in range(self.h):
            for x in range(self.w):
                hit = 0
                for sy in range(4):
                    for sx in range(4):
                        px, py = x + (sx + 0.5) / 4, y + (sy + 0.5) / 4
                        inside = False
                        for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1]):
                            if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
                                inside = not inside
                        hit += inside
                if hit:
                    self.a[y][x] = max(self.a[y][x], hit / 16)

    def rgba_rows(self, rgb):
        rows = []
        for row in self.a:
            b = bytearray()
            for c in row:
                b += bytes(rgb) + bytes([round(c * 255)])
            rows.append(bytes(b))
        return rows

    def rgb_on_white_rows(self, rgb):
        rows = []
        for row in self.a:
            b = bytearray()
            for c in row:
                b += bytes(round(255 + (v - 255) * c) for v in rgb)
            rows.append(bytes(b))
        return rows


def signature():
    """Cursive-looking loops and an underline flourish, blue ink."""
    c = Canvas(600, 240)
    pts = []
    for i in range(900):
        t = i / 899
        x = 50 + 470 * t + 28 * math.cos(2 * math.pi * 5.5 * t)
        y = 120 - (58 - 25 * t) * math.sin(2 * math.pi * 5.5 * t) * (0.7 + 0.3 * math.sin(2 * math.pi * t))
        pts.append((x, y))
    c.stroke(pts, 2.6)
    flourish = [(70 + 480 * t, 195 - 30 * t - 18 * math.sin(math.pi * t)) for t in (i / 60 for i in range(61))]
    c.stroke(flourish, 2.2)
    return c


def seal():
    """A red round seal: two rings, a ring of dots, a star; no text."""
    d = round(36 / 25.4 * DPI)  # 425 px = 36 mm at 300 dpi
    c = Canvas(d, d)
    cx = cy = d / 2
    c.ring(cx, cy, d / 2 - 7, 5)
    c.ring(cx, cy, d / 2 - 62, 2.5)
    for k in range(40):
        a = 2 * math.pi * k / 40
        c.disc(cx + (d / 2 - 35) * math.cos(a), cy + (d / 2 - 35) * math.sin(a), 6)
    star = []
    for k in range(10):
        a = -math.pi / 2 + math.pi * k / 5
        r = 60 if k % 2 == 0 else 24
        star.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    c.polygon(star)
    return c


def sig_small_rows(sig, rgb, k):
    """The signature's RGBA rows, one pixel of every k × k (nearest)."""
    rows = sig.rgba_rows(rgb)
    return [bytes(b for x in range(0, (sig.w // k) * k, k) for b in rows[y][4 * x:4 * x + 4])
            for y in range(0, (sig.h // k) * k, k)]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    plans = os.path.join(root, "plans", "images")
    bad = os.path.join(root, "tests", "invalid", "images")
    os.makedirs(plans, exist_ok=True)
    os.makedirs(bad, exist_ok=True)
    blue, red = (24, 48, 170), (214, 24, 32)
    sig, sl = signature(), seal()
    sig_png = png(sig.w, sig.h, sig.rgba_rows(blue), 6)
    seal_png = png(sl.w, sl.h, sl.rgba_rows(red), 6)
    files = {
        os.path.join(plans, "chu-ky.png"): sig_png,
        os.path.join(plans, "con-dau.png"): seal_png,
        os.path.join(bad, "con-dau-khong-kich-thuoc.png"): png(sl.w, sl.h, sl.rgba_rows(red), 6, phys=False),
        os.path.join(bad, "chu-ky-nen-trang.png"): png(sig.w, sig.h, sig.rgb_on_white_rows(blue), 2),
        os.path.join(bad, "chu-ky-cat-ngang.png"): sig_png[:len(sig_png) * 3 // 5],
        os.path.join(bad, "khong-phai-png.png"): b"This is a text file, not a picture of a signature.\n",
        # saved with its layer hidden: every pixel fully transparent
        os.path.join(bad, "chu-ky-trong-suot.png"): png(sig.w, sig.h, [bytes(sig.w * 4)] * sig.h, 6),
        # a valid picture one pixel wider than kehoach reads (3000)
        os.path.join(bad, "chu-ky-qua-rong.png"): png(3001, 2, [bytes(3001 * 4)] * 2, 6),
        # a real signature, but its pHYs makes it 4 × 1.6 mm on paper
        os.path.join(bad, "chu-ky-qua-nho.png"): png(
            sig.w // 24, sig.h // 24, sig_small_rows(sig, blue, 24), 6),
    }
    for path, data in files.items():
        with open(path, "wb") as f:
            f.write(data)
        print(os.path.relpath(path, root), len(data))


if __name__ == "__main__":
    main()
