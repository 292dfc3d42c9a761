/* TrueType reading and subsetting.
 *
 * Layout needs advance widths and a code point → glyph map; the PDF needs
 * a font program. libharu's own TrueType embedding writes a full-width
 * array, the full hmtx/loca and a 128 KB glyph map per font and a malformed
 * ToUnicode CMap, so the fonts are handled here instead: only the tables
 * needed are read, and the subset written keeps the original glyph ids
 * (CID = GID in the PDF) while emptying every glyph the document does not
 * use. Every read is bounds-checked: a corrupt font is an error, not a
 * crash. */
#include "font.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Code points below this are looked up once and cached per font. */
#define KH_GLYPH_CACHE 0x2000
/* Larger files are no font anyone ships for text (CJK fonts are ~20 MB). */
#define KH_MAX_FONT_BYTES (64u << 20)

/* Where one TrueType table ("head", "glyf" …) lies in the file: a record
 * of the font's table directory, by byte offset and length. */
typedef struct {
    uint32_t off, len;
} kh_sfnt_table_t;

struct kh_font {
    char *path;
    unsigned char *data;
    size_t size;
    kh_sfnt_table_t head, hhea, maxp, hmtx, loca, glyf, cmap, post, os2, name;
    unsigned units_per_em, num_glyphs, num_hmetrics;
    double em_scale; /* 1000 / units_per_em */
    int loca_long;
    uint32_t cmap_sub; /* offset of the chosen cmap subtable */
    int cmap_format;   /* 4 or 12 */
    char ps_name[64];
    uint16_t cache[KH_GLYPH_CACHE]; /* glyph + 1; 0: not looked up yet */
    unsigned char *used;  /* one byte per glyph */
    uint32_t *used_cp;    /* the code point each used glyph stands for */
};

/* ---- bounds-checked big-endian reads ---- */

static int S_in(const kh_font_t *f, uint32_t off, uint32_t len)
{
    return (uint64_t)off + len <= f->size;
}
static unsigned S_u16(const kh_font_t *f, uint32_t off)
{
    if (!S_in(f, off, 2))
        return 0;
    return (unsigned)f->data[off] << 8 | f->data[off + 1];
}
static int S_i16(const kh_font_t *f, uint32_t off)
{
    unsigned v = S_u16(f, off);
    return v >= 0x8000 ? (int)v - 0x10000 : (int)v;
}
static uint32_t S_u32(const kh_font_t *f, uint32_t off)
{
    return (uint32_t)S_u16(f, off) << 16 | S_u16(f, off + 2);
}

static kh_sfnt_table_t S_find_table(const kh_font_t *f, const char *tag)
{
    unsigned n = S_u16(f, 4);
    for (unsigned i = 0; i < n; i++) {
        uint32_t rec = 12 + 16 * i;
        if (S_in(f, rec, 16) && memcmp(f->data + rec, tag, 4) == 0) {
            kh_sfnt_table_t t = {S_u32(f, rec + 8), S_u32(f, rec + 12)};
            if (S_in(f, t.off, t.len))
                return t;
        }
    }
    return (kh_sfnt_table_t){0, 0};
}

/* Prefers a full-Unicode (3,10) format 12 table, then BMP (3,1)/(0,x) format 4. */
static void S_pick_cmap(kh_font_t *f)
{
    unsigned n = S_u16(f, f->cmap.off + 2);
    for (unsigned i = 0; i < n; i++) {
        uint32_t rec = f->cmap.off + 4 + 8 * i;
        unsigned pid = S_u16(f, rec), eid = S_u16(f, rec + 2);
        uint32_t sub = f->cmap.off + S_u32(f, rec + 4);
        unsigned fmt = S_u16(f, sub);
        if (fmt == 12 && (pid == 3 || pid == 0)) {
            f->cmap_sub = sub, f->cmap_format = 12;
            return;
        }
        if (fmt == 4 && ((pid == 3 && eid == 1) || pid == 0) && !f->cmap_format)
            f->cmap_sub = sub, f->cmap_format = 4;
    }
}

static void S_read_ps_name(kh_font_t *f)
{
    uint32_t base = f->name.off;
    unsigned count = S_u16(f, base + 2), strings = S_u16(f, base + 4);
    for (unsigned i = 0; i < count; i++) {
        uint32_t rec = base + 6 + 12 * i;
        unsigned pid = S_u16(f, rec), nid = S_u16(f, rec + 6);
        unsigned len = S_u16(f, rec + 8), off = S_u16(f, rec + 10);
        uint32_t at = base + strings + off;
        if (nid != 6 || !S_in(f, at, len))
            continue;
        size_t o = 0;
        unsigned step = pid == 3 || pid == 0 ? 2 : 1;
        for (unsigned k = step - 1; k < len && o + 1 < sizeof f->ps_name; k += step) {
            char ch = (char)f->data[at + k];
            if (ch > 32 && ch < 127 && !strchr("[](){}<>/%", ch))
                f->ps_name[o++] = ch;
        }
        f->ps_name[o] = '\0';
        if (o)
            return;
    }
    snprintf(f->ps_name, sizeof f->ps_name, "Font");
}

static int S_parse(kh_font_t *f)
{
    uint32_t ver = S_u32(f, 0);
    if (f->size < 12 || (ver != 0x00010000 && ver != 0x74727565))
        return -1;
    f->head = S_find_table(f, "head");
    f->hhea = S_find_table(f, "hhea");
    f->maxp = S_find_table(f, "maxp");
    f->hmtx = S_find_table(f, "hmtx");
    f->loca = S_find_table(f, "loca");
    f->glyf = S_find_table(f, "glyf");
    f->cmap = S_find_table(f, "cmap");
    f->post = S_find_table(f, "post");
    f->os2 = S_find_table(f, "OS/2");
    f->name = S_find_table(f, "name");
    if (f->head.len < 54 || f->hhea.len < 36 || f->maxp.len < 6 ||
        !f->hmtx.len || !f->loca.len || !f->glyf.len || !f->cmap.len ||
        f->post.len < 32)
        return -1;
    f->units_per_em = S_u16(f, f->head.off + 18);
    f->loca_long = S_i16(f, f->head.off + 50) == 1;
    f->num_glyphs = S_u16(f, f->maxp.off + 4);
    f->num_hmetrics = S_u16(f, f->hhea.off + 34);
    if (f->units_per_em < 16 || f->num_glyphs == 0 || f->num_hmetrics == 0 ||
        f->num_hmetrics > f->num_glyphs ||
        f->hmtx.len < 4u * f->num_hmetrics + 2u * (f->num_glyphs - f->num_hmetrics) ||
        f->loca.len < (f->loca_long ? 4u : 2u) * (f->num_glyphs + 1))
        return -1;
    f->em_scale = 1000.0 / f->units_per_em;
    S_pick_cmap(f);
    if (!f->cmap_format)
        return -1;
    S_read_ps_name(f);
    return 0;
}

/* Fonts are mapped, not read: a layout touches a few pages of each. */
static int S_map(kh_font_t *f, const char *path, kh_diag_list_t *diags)
{
    /* a FIFO or directory in fonts/ is refused, not waited on (files.c) */
    int fd = kh_open_input(path, "font", diags);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0) {
        kh_diag_add(diags, path, 0, 0, KH_SEV_ERROR, "font",
                    "cannot open font: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (st.st_size > 0 && (uint64_t)st.st_size <= KH_MAX_FONT_BYTES) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            f->data = m;
            f->size = (size_t)st.st_size;
        }
    }
    close(fd);
    return 0;
}

kh_font_t *kh_font_load(const char *path, kh_diag_list_t *diags)
{
    kh_font_t *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    if (S_map(f, path, diags) != 0) {
        free(f);
        return NULL;
    }
    f->path = strdup(path);
    if (!f->data || S_parse(f) != 0) {
        kh_diag_add(diags, path, 0, 0, KH_SEV_ERROR, "font",
                    "not a usable TrueType font (missing or corrupt tables)");
        kh_font_free(f);
        return NULL;
    }
    f->used = calloc(f->num_glyphs, 1);
    f->used_cp = calloc(f->num_glyphs, sizeof *f->used_cp);
    if (!f->used || !f->used_cp)
        abort();
    f->used[0] = 1; /* .notdef is always in a font program */
    return f;
}

void kh_font_free(kh_font_t *f)
{
    if (!f)
        return;
    if (f->data)
        munmap(f->data, f->size);
    free(f->path);
    free(f->used);
    free(f->used_cp);
    free(f);
}

/* ---- cmap ---- */

static uint16_t S_lookup4(const kh_font_t *f, uint32_t cp)
{
    if (cp > 0xFFFF)
        return 0;
    uint32_t t = f->cmap_sub;
    unsigned segs = S_u16(f, t + 6) / 2;
    uint32_t ends = t + 14, starts = ends + 2 * segs + 2;
    uint32_t deltas = starts + 2 * segs, ranges = deltas + 2 * segs;
    unsigned lo = 0, hi = segs;
    while (lo < hi) { /* first segment whose end >= cp */
        unsigned mid = (lo + hi) / 2;
        if (S_u16(f, ends + 2 * mid) < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= segs || S_u16(f, starts + 2 * lo) > cp)
        return 0;
    unsigned delta = S_u16(f, deltas + 2 * lo);
    unsigned range = S_u16(f, ranges + 2 * lo);
    if (!range)
        return (uint16_t)(cp + delta);
    uint32_t at = ranges + 2 * lo + range + 2 * (cp - S_u16(f, starts + 2 * lo));
    unsigned g = S_u16(f, at);
    return g ? (uint16_t)(g + delta) : 0;
}

static uint16_t S_lookup12(const kh_font_t *f, uint32_t cp)
{
    uint32_t t = f->cmap_sub, groups = S_u32(f, t + 12);
    uint32_t lo = 0, hi = groups;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, g = t + 16 + 12 * mid;
        if (S_u32(f, g + 4) < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= groups)
        return 0;
    uint32_t g = t + 16 + 12 * lo, start = S_u32(f, g);
    if (cp < start)
        return 0;
    uint32_t gid = S_u32(f, g + 8) + (cp - start);
    return gid < 0xFFFF ? (uint16_t)gid : 0;
}

uint16_t kh_font_glyph(kh_font_t *f, uint32_t cp)
{
    if (cp < KH_GLYPH_CACHE && f->cache[cp])
        return (uint16_t)(f->cache[cp] - 1);
    uint16_t g = f->cmap_format == 12 ? S_lookup12(f, cp) : S_lookup4(f, cp);
    if (g >= f->num_glyphs || g == 0xFFFF)
        g = 0;
    if (cp < KH_GLYPH_CACHE)
        f->cache[cp] = (uint16_t)(g + 1);
    return g;
}

double kh_font_advance(const kh_font_t *f, uint16_t gid)
{
    /* in bounds: S_parse checked hmtx holds num_hmetrics entries */
    unsigned i = gid < f->num_hmetrics ? gid : f->num_hmetrics - 1;
    const unsigned char *p = f->data + f->hmtx.off + 4 * i;
    return (p[0] << 8 | p[1]) * f->em_scale;
}

double kh_font_text_width(kh_font_t *f, const char *s, size_t n, double size)
{
    double w = 0;
    for (size_t i = 0; i < n;)
        w += kh_font_advance(f, kh_font_glyph(f, kh_utf8_next(s, n, &i)));
    return w * size / 1000.0;
}

void kh_font_reset_used(kh_font_t *f)
{
    memset(f->used, 0, f->num_glyphs);
    memset(f->used_cp, 0, f->num_glyphs * sizeof *f->used_cp);
    f->used[0] = 1;
}

void kh_font_use(kh_font_t *f, uint16_t gid, uint32_t cp)
{
    if (gid >= f->num_glyphs)
        return;
    if (!f->used[gid]) {
        f->used[gid] = 1;
        f->used_cp[gid] = cp;
    }
}

bool kh_font_next_used(const kh_font_t *f, uint16_t *gid, uint32_t *cp)
{
    for (unsigned g = *gid + 1u; g < f->num_glyphs; g++) {
        if (f->used[g] && f->used_cp[g]) {
            *gid = (uint16_t)g;
            *cp = f->used_cp[g];
            return true;
        }
    }
    return false;
}

void kh_font_info(const kh_font_t *f, kh_font_info_t *info)
{
    double k = 1000.0 / f->units_per_em;
    info->postscript_name = f->ps_name;
    info->ascent = S_i16(f, f->hhea.off + 4) * k;
    info->descent = S_i16(f, f->hhea.off + 6) * k;
    info->cap_height = f->os2.len >= 90 && S_u16(f, f->os2.off) >= 2
                           ? S_i16(f, f->os2.off + 88) * k
                           : info->ascent * 0.7;
    for (int i = 0; i < 4; i++)
        info->bbox[i] = S_i16(f, f->head.off + 36 + 2 * (uint32_t)i) * k;
    int32_t angle = (int32_t)S_u32(f, f->post.off + 4);
    info->italic_angle = angle / 65536.0;
    info->fixed_pitch = S_u32(f, f->post.off + 12) != 0;
    info->italic = angle != 0 || (S_u16(f, f->head.off + 44) & 2);
    /* No stem width in TrueType: estimate from the weight class, as PDF
     * writers commonly do (only used for substitution hints). */
    unsigned weight = f->os2.len >= 6 ? S_u16(f, f->os2.off + 4) : 400;
    info->stem_v = 10 + 220 * (weight > 400 ? (weight - 400) / 500.0 : 0) + 70;
}

/* ---- subsetting ---- */

static uint32_t S_glyph_off(const kh_font_t *f, unsigned gid)
{
    return f->loca_long ? S_u32(f, f->loca.off + 4 * gid)
                        : 2u * S_u16(f, f->loca.off + 2 * gid);
}

/* A glyph's bytes inside glyf; false when they lie outside it. */
static bool S_glyph_span(const kh_font_t *f, unsigned gid, uint32_t *off,
                         uint32_t *len)
{
    uint32_t a = S_glyph_off(f, gid), b = S_glyph_off(f, gid + 1);
    if (b < a || b > f->glyf.len)
        return false;
    *off = f->glyf.off + a;
    *len = b - a;
    return true;
}

#define KH_ARGS_ARE_WORDS 0x0001
#define KH_HAVE_SCALE 0x0008
#define KH_MORE_COMPONENTS 0x0020
#define KH_HAVE_XY_SCALE 0x0040
#define KH_HAVE_2X2 0x0080
#define KH_HAVE_INSTRUCTIONS 0x0100

/* Walks a composite glyph's components; returns the length of the
 * component records (what is kept when instructions are dropped), or 0
 * when the record runs past the glyph. With added non-NULL, marks the
 * components used and counts the ones that were not. */
static uint32_t S_composite(kh_font_t *f, uint32_t off, uint32_t len,
                            unsigned *added)
{
    uint32_t p = 10;
    unsigned flags;
    do {
        if (p + 4 > len)
            return 0;
        flags = S_u16(f, off + p);
        unsigned gid = S_u16(f, off + p + 2);
        if (added && gid < f->num_glyphs && !f->used[gid]) {
            f->used[gid] = 1;
            (*added)++;
        }
        p += 4 + ((flags & KH_ARGS_ARE_WORDS) ? 4 : 2);
        p += (flags & KH_HAVE_SCALE) ? 2 : (flags & KH_HAVE_XY_SCALE) ? 4
             : (flags & KH_HAVE_2X2) ? 8 : 0;
    } while (flags & KH_MORE_COMPONENTS);
    return p <= len ? p : 0;
}

/* Components may be composite themselves: repeat until nothing is added
 * (nesting is shallow in practice; the rounds are bounded anyway). */
static void S_close_composites(kh_font_t *f)
{
    unsigned added = 1;
    for (unsigned round = 0; added && round < 16; round++) {
        added = 0;
        for (unsigned g = 0; g < f->num_glyphs; g++) {
            uint32_t off, len;
            if (f->used[g] && S_glyph_span(f, g, &off, &len) && len >= 10 &&
                S_i16(f, off) < 0)
                S_composite(f, off, len, &added);
        }
    }
}

/* Appends glyph gid without its instructions. */
static int S_put_glyph(kh_font_t *f, unsigned gid, kh_buf_t *glyf)
{
    uint32_t off, len;
    if (!S_glyph_span(f, gid, &off, &len))
        return -1;
    if (len == 0)
        return 0;
    if (len < 10)
        return -1;
    int contours = S_i16(f, off);
    const char *g = (const char *)f->data + off;
    if (contours < 0) {
        uint32_t keep = S_composite(f, off, len, NULL);
        if (!keep)
            return -1;
        size_t start = glyf->len;
        kh_buf_put(glyf, g, keep);
        /* clear WE_HAVE_INSTRUCTIONS on every component */
        for (uint32_t p = 10; p + 4 <= keep;) {
            unsigned fl = S_u16(f, off + p) & ~KH_HAVE_INSTRUCTIONS;
            glyf->data[start + p] = (char)(fl >> 8);
            glyf->data[start + p + 1] = (char)fl;
            p += 4 + ((fl & KH_ARGS_ARE_WORDS) ? 4 : 2);
            p += (fl & KH_HAVE_SCALE) ? 2 : (fl & KH_HAVE_XY_SCALE) ? 4
                 : (fl & KH_HAVE_2X2) ? 8 : 0;
            if (!(fl & KH_MORE_COMPONENTS))
                break;
        }
        return 0;
    }
    uint32_t ins = 10 + 2u * (uint32_t)contours;
    if (ins + 2 > len)
        return -1;
    uint32_t ilen = S_u16(f, off + ins);
    if (ins + 2 + ilen > len)
        return -1;
    kh_buf_put(glyf, g, ins);
    kh_buf_put(glyf, "\0\0", 2);
    kh_buf_put(glyf, g + ins + 2 + ilen, len - ins - 2 - ilen);
    return 0;
}

static void S_be16(kh_buf_t *b, unsigned v)
{
    char c[2] = {(char)(v >> 8), (char)v};
    kh_buf_put(b, c, 2);
}
static void S_be32(kh_buf_t *b, uint32_t v)
{
    S_be16(b, v >> 16);
    S_be16(b, v & 0xFFFF);
}

static uint32_t S_checksum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
               (uint32_t)p[i + 2] << 8 | p[i + 3];
    uint32_t tail = 0; /* the last partial word, zero-padded */
    for (size_t k = 0; k < 4; k++)
        tail = tail << 8 | (i + k < len ? p[i + k] : 0);
    return i < len ? sum + tail : sum;
}

typedef struct {
    const char *tag;
    kh_buf_t data;
} kh_out_table_t;

enum { T_CMAP, T_GLYF, T_HEAD, T_HHEA, T_HMTX, T_LOCA, T_MAXP, T_POST, T_COUNT };

/* A format 4 cmap with only the closing segment: CIDFontType2 fonts are
 * addressed by glyph id, but some readers want a cmap table to exist. */
static void S_write_cmap(kh_buf_t *b)
{
    S_be16(b, 0), S_be16(b, 1);           /* version, one subtable */
    S_be16(b, 3), S_be16(b, 1), S_be32(b, 12);
    S_be16(b, 4), S_be16(b, 24), S_be16(b, 0); /* format, length, language */
    S_be16(b, 2), S_be16(b, 2), S_be16(b, 0), S_be16(b, 0);
    S_be16(b, 0xFFFF), S_be16(b, 0), S_be16(b, 0xFFFF);
    S_be16(b, 1), S_be16(b, 0);
}

static void S_store16(char *p, unsigned v)
{
    p[0] = (char)(v >> 8);
    p[1] = (char)v;
}

/* glyf, loca and hmtx for glyph ids below count. loca and hmtx are sized
 * once and filled in place: unused glyphs keep empty outlines and zero
 * metrics, which compress to almost nothing. */
static int S_write_glyphs(kh_font_t *f, unsigned count, kh_out_table_t *t)
{
    kh_buf_t *glyf = &t[T_GLYF].data, *loca = &t[T_LOCA].data, *hmtx = &t[T_HMTX].data;
    size_t loca_len = 4 * ((size_t)count + 1), hmtx_len = 4 * (size_t)count;
    loca->data = malloc(loca_len + 1); /* both tables start empty */
    hmtx->data = calloc(hmtx_len + 1, 1);
    if (!loca->data || !hmtx->data)
        abort();
    loca->len = loca->cap = loca_len;
    hmtx->len = hmtx->cap = hmtx_len;
    for (unsigned g = 0; g < count; g++) {
        uint32_t at = (uint32_t)glyf->len;
        S_store16(loca->data + 4 * g, at >> 16);
        S_store16(loca->data + 4 * g + 2, at & 0xFFFF);
        if (!f->used[g])
            continue;
        if (S_put_glyph(f, g, glyf) != 0)
            return -1;
        kh_buf_put(glyf, "\0\0\0", (4 - glyf->len % 4) % 4);
        unsigned i = g < f->num_hmetrics ? g : f->num_hmetrics - 1;
        unsigned lsb = g < f->num_hmetrics
                           ? S_u16(f, f->hmtx.off + 4 * g + 2)
                           : S_u16(f, f->hmtx.off + 4 * f->num_hmetrics +
                                          2 * (g - f->num_hmetrics));
        S_store16(hmtx->data + 4 * g, S_u16(f, f->hmtx.off + 4 * i));
        S_store16(hmtx->data + 4 * g + 2, lsb);
    }
    uint32_t end = (uint32_t)glyf->len;
    S_store16(loca->data + 4 * count, end >> 16);
    S_store16(loca->data + 4 * count + 2, end & 0xFFFF);
    return 0;
}

static void S_patch16(kh_buf_t *b, size_t at, unsigned v)
{
    b->data[at] = (char)(v >> 8);
    b->data[at + 1] = (char)v;
}

static void S_write_fixed_tables(kh_font_t *f, unsigned count, kh_out_table_t *t)
{
    kh_buf_put(&t[T_HEAD].data, (const char *)f->data + f->head.off, 54);
    memset(t[T_HEAD].data.data + 8, 0, 4); /* checkSumAdjustment, set last */
    S_patch16(&t[T_HEAD].data, 50, 1);     /* long loca */
    kh_buf_put(&t[T_HHEA].data, (const char *)f->data + f->hhea.off, 36);
    S_patch16(&t[T_HHEA].data, 34, count);
    kh_buf_put(&t[T_MAXP].data, (const char *)f->data + f->maxp.off,
               f->maxp.len < 32 ? f->maxp.len : 32);
    S_patch16(&t[T_MAXP].data, 4, count);
    kh_buf_put(&t[T_POST].data, (const char *)f->data + f->post.off, 32);
    memcpy(t[T_POST].data.data, "\0\3\0\0", 4); /* format 3: no glyph names */
    S_write_cmap(&t[T_CMAP].data);
}

static void S_assemble(kh_out_table_t *t, kh_buf_t *out)
{
    S_be32(out, 0x00010000);
    S_be16(out, T_COUNT), S_be16(out, 128), S_be16(out, 3), S_be16(out, 0);
    uint32_t off = 12 + 16 * T_COUNT;
    for (int i = 0; i < T_COUNT; i++) {
        kh_buf_put(out, t[i].tag, 4);
        S_be32(out, S_checksum((unsigned char *)t[i].data.data, t[i].data.len));
        S_be32(out, off);
        S_be32(out, (uint32_t)t[i].data.len);
        off += (uint32_t)(t[i].data.len + 3) / 4 * 4;
    }
    size_t head_at = 0;
    for (int i = 0; i < T_COUNT; i++) {
        if (i == T_HEAD)
            head_at = out->len;
        kh_buf_put(out, t[i].data.data, t[i].data.len);
        while (out->len % 4)
            kh_buf_put(out, "", 1);
    }
    uint32_t adj = 0xB1B0AFBAu - S_checksum((unsigned char *)out->data, out->len);
    for (int k = 0; k < 4; k++)
        out->data[head_at + 8 + (size_t)k] = (char)(adj >> (24 - 8 * k));
}

int kh_font_subset(kh_font_t *f, unsigned char **out, size_t *out_len)
{
    S_close_composites(f);
    unsigned count = f->num_glyphs;
    while (count > 1 && !f->used[count - 1])
        count--;
    kh_out_table_t t[T_COUNT] = {{"cmap", {0}}, {"glyf", {0}}, {"head", {0}},
                                 {"hhea", {0}}, {"hmtx", {0}}, {"loca", {0}},
                                 {"maxp", {0}}, {"post", {0}}};
    int rc = S_write_glyphs(f, count, t);
    kh_buf_t file = {0};
    if (rc == 0) {
        S_write_fixed_tables(f, count, t);
        S_assemble(t, &file);
        *out_len = file.len;
        *out = (unsigned char *)kh_buf_take(&file);
    }
    for (int i = 0; i < T_COUNT; i++)
        kh_buf_free(&t[i].data);
    return rc;
}

void kh_font_subset_tag(const kh_font_t *f, char tag[7])
{
    uint32_t h = 2166136261u; /* FNV-1a over the used glyph ids */
    for (unsigned g = 0; g < f->num_glyphs; g++)
        if (f->used[g])
            h = (h ^ g) * 16777619u;
    for (int i = 0; i < 6; i++, h /= 26)
        tag[i] = (char)('A' + h % 26);
    tag[6] = '\0';
}
