/* PDF output.
 *
 * libharu provides the document structure (objects, cross-reference table,
 * pages, compression, the Info dictionary). Text is written straight into
 * each page's content stream, since libharu's text operators cannot place
 * two-byte words individually, and the fonts are built here from libharu
 * objects: a Type0 font with Identity-H encoding over a CIDFontType2 whose
 * CIDs are the TrueType glyph ids, a compact /W array of the glyphs used,
 * a subset font program, and a ToUnicode CMap in bfchar form so that text
 * extraction gives back exactly the characters of the plan.
 *
 * Each run of words on one baseline in one font becomes one TJ: the words
 * with the real space glyph between them and a kerning adjustment that
 * brings each word to the position the line breaker chose. Copying from
 * the PDF therefore yields real spaces. */
#include "pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libdeflate.h>

#include "files.h"
#include "text.h"

typedef struct {
    HPDF_STATUS error, detail;
} kh_hpdf_err_t;

static void S_on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
    kh_hpdf_err_t *e = data;
    if (!e->error)
        e->error = error, e->detail = detail;
}

/* Every libharu call that can fail is checked where it is made, and a
 * failure goes back up as -1 (or NULL) to the one cleanup path,
 * kh_pdf_finish, which reports it once as a "pdf" diagnostic. libharu's
 * document calls (HPDF_AddPage, HPDF_Page_*, HPDF_SetInfoAttr…) also call
 * S_on_error; its object calls (HPDF_Dict_Add*, HPDF_Array_Add*,
 * HPDF_*_New) only record the error in the document, where kh_pdf_finish
 * reads it (HPDF_GetError). Adding a NULL object (a failed HPDF_*_New or
 * helper passed straight in) is itself such a failure, so one check covers
 * both. KH_HPDF(call, failed): return failed from the enclosing function
 * unless call gave HPDF_OK. */
#define KH_HPDF(call, failed)        \
    do {                             \
        if ((call) != HPDF_OK)       \
            return failed;           \
    } while (0)

/* ---- content ---- */

typedef struct {
    kh_buf_t *content;
    kh_font_t **fonts;
    const char *text;
    const char *font_names[KH_FONT_COUNT];
    int cur_font;
    double cur_size;
    bool in_tj;
    int cur_color;        /* kh_color_t of the text being set */
    double pen_x; /* where the pen is after the last glyph written */
    double run_y;
} kh_writer_t;

/* Decimal digits of v, without printf: this runs for every word. */
static void S_int(kh_buf_t *b, long long v)
{
    char tmp[24];
    size_t n = sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        tmp[--n] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        tmp[--n] = '-';
    kh_buf_put(b, tmp + n, sizeof tmp - n);
}

static void S_num(kh_buf_t *b, double v)
{
    /* two decimals are 1/7200 inch: finer than any printer */
    long long k = (long long)(v * 100 + (v < 0 ? -0.5 : 0.5));
    if (k < 0) {
        kh_buf_put(b, "-", 1);
        k = -k;
    }
    S_int(b, k / 100);
    if (k % 100) {
        char frac[3] = {'.', (char)('0' + k % 100 / 10), (char)('0' + k % 10)};
        kh_buf_put(b, frac, frac[2] == '0' ? 2 : 3);
    }
}

/* Writes the glyph ids of s as a literal string of two-byte codes (half
 * the size of hex before compression) and adds up their advance. This is
 * the innermost loop of the writer: no printf. */
static void S_glyphs(kh_writer_t *w, int font, const char *s, size_t n,
                     double *advance)
{
    kh_font_t *f = w->fonts[font];
    char buf[4 * 64 + 2];
    size_t o = 0;
    buf[o++] = '(';
    for (size_t i = 0; i < n;) {
        uint32_t cp = kh_utf8_next(s, n, &i);
        uint16_t g = kh_font_glyph(f, cp);
        kh_font_use(f, g, cp);
        unsigned char bytes[2] = {(unsigned char)(g >> 8), (unsigned char)g};
        for (int k = 0; k < 2; k++) {
            if (bytes[k] == '(' || bytes[k] == ')' || bytes[k] == '\\')
                buf[o++] = '\\';
            buf[o++] = (char)bytes[k];
        }
        if (o > sizeof buf - 5) {
            kh_buf_put(w->content, buf, o);
            o = 0;
        }
        *advance += kh_font_advance(f, g);
    }
    buf[o++] = ')';
    kh_buf_put(w->content, buf, o);
}

static void S_end_tj(kh_writer_t *w)
{
    if (w->in_tj)
        kh_buf_puts(w->content, "]TJ\n");
    w->in_tj = false;
}

/* The colour operator for a kh_color_t: fill (rg) or stroke (RG). Bright
 * red is pure sRGB red, the stamps' "đỏ tươi". */
static const char *S_rgb(int color, bool stroke)
{
    if (color == KH_COLOR_RED)
        return stroke ? "1 0 0 RG\n" : "1 0 0 rg\n";
    return stroke ? "0 G\n" : "0 g\n";
}

static void S_text_op(kh_writer_t *w, const kh_op_t *op)
{
    if (op->color != w->cur_color) {
        /* a stamp's red text (spec appendix-esign.md §5): still text, so
         * it copies and searches like the rest */
        S_end_tj(w);
        kh_buf_puts(w->content, S_rgb(op->color, false));
        w->cur_color = op->color;
    }
    bool same_run = w->in_tj && op->font == w->cur_font &&
                    op->size == w->cur_size && op->y == w->run_y;
    double adv = 0; /* glyph space units */
    if (same_run) {
        double gap = op->x - w->pen_x; /* points */
        if (op->space_before) {
            S_glyphs(w, op->font, " ", 1, &adv);
            gap -= adv * op->size / 1000;
            adv = 0;
        }
        long long k = (long long)(-gap * 1000 / op->size + (gap < 0 ? 0.5 : -0.5));
        if (k)
            S_int(w->content, k);
        w->pen_x = op->x;
    } else {
        S_end_tj(w);
        if (op->font != w->cur_font || op->size != w->cur_size) {
            kh_buf_printf(w->content, "/%s ", w->font_names[op->font]);
            S_num(w->content, op->size);
            kh_buf_puts(w->content, " Tf\n");
            w->cur_font = op->font;
            w->cur_size = op->size;
        }
        kh_buf_puts(w->content, "1 0 0 1 ");
        S_num(w->content, op->x);
        kh_buf_puts(w->content, " ");
        S_num(w->content, op->y);
        kh_buf_puts(w->content, " Tm[");
        w->in_tj = true;
        w->run_y = op->y;
        w->pen_x = op->x;
    }
    S_glyphs(w, op->font, w->text + op->text, op->len, &adv);
    w->pen_x += adv * op->size / 1000;
}

static void S_page_content(kh_writer_t *w, const kh_page_t *pg)
{
    kh_buf_puts(w->content, "BT\n");
    w->cur_font = -1;
    w->cur_size = 0;
    w->in_tj = false;
    w->cur_color = KH_COLOR_BLACK;
    for (size_t i = 0; i < pg->nops; i++)
        if (pg->ops[i].kind == KH_OP_TEXT)
            S_text_op(w, &pg->ops[i]);
    S_end_tj(w);
    if (w->cur_color != KH_COLOR_BLACK)
        kh_buf_puts(w->content, S_rgb(KH_COLOR_BLACK, false));
    kh_buf_puts(w->content, "ET\n");
    for (size_t i = 0; i < pg->nops; i++) {
        const kh_op_t *op = &pg->ops[i];
        if (op->kind == KH_OP_RECT) {
            /* a stamp's border, in its own colour */
            kh_buf_puts(w->content, "q ");
            kh_buf_puts(w->content, S_rgb(op->color, true));
            S_num(w->content, op->thickness);
            kh_buf_puts(w->content, " w ");
            S_num(w->content, op->x < op->x2 ? op->x : op->x2);
            kh_buf_puts(w->content, " ");
            S_num(w->content, op->y < op->y2 ? op->y : op->y2);
            kh_buf_puts(w->content, " ");
            S_num(w->content, fabs(op->x2 - op->x));
            kh_buf_puts(w->content, " ");
            S_num(w->content, fabs(op->y2 - op->y));
            kh_buf_puts(w->content, " re S Q\n");
            continue;
        }
        if (op->kind != KH_OP_RULE)
            continue;
        S_num(w->content, op->thickness);
        kh_buf_puts(w->content, " w ");
        S_num(w->content, op->x);
        kh_buf_puts(w->content, " ");
        S_num(w->content, op->y);
        kh_buf_puts(w->content, " m ");
        S_num(w->content, op->x2);
        kh_buf_puts(w->content, " ");
        S_num(w->content, op->y2);
        kh_buf_puts(w->content, " l S\n");
    }
}

/* ---- fonts ---- */

static HPDF_Dict S_indirect_dict(HPDF_Doc pdf)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    if (d && HPDF_Xref_Add(pdf->xref, d) != HPDF_OK)
        return NULL;
    return d;
}

/* Streams are compressed here rather than by libharu, which runs zlib at
 * its default level with a fresh 256 KB state per stream. libdeflate
 * (whole-buffer compression, zlib format as FlateDecode wants) does the
 * same work in about a third of zlib's instructions; one compressor is
 * kept for the whole document, at the level chosen by measurement (see
 * README, Speed). */
#ifndef KH_DEFLATE_LEVEL
#define KH_DEFLATE_LEVEL 1
#endif

typedef struct {
    struct libdeflate_compressor *c;
    kh_buf_t out;
} kh_deflate_t;

static int S_deflate(kh_deflate_t *d, const void *data, size_t len)
{
    if (!d->c && !(d->c = libdeflate_alloc_compressor(KH_DEFLATE_LEVEL)))
        return -1;
    size_t bound = libdeflate_zlib_compress_bound(d->c, len);
    if (d->out.cap < bound + 1) {
        char *b = realloc(d->out.data, bound + 1);
        if (!b)
            abort();
        d->out.data = b;
        d->out.cap = bound + 1;
    }
    d->out.len = libdeflate_zlib_compress(d->c, data, len, d->out.data, bound);
    return d->out.len ? 0 : -1;
}

static void S_deflate_end(kh_deflate_t *d)
{
    if (d->c)
        libdeflate_free_compressor(d->c);
    kh_buf_free(&d->out);
}

/* libharu drops a /Filter key from a stream it did not compress itself;
 * its write hook, called before the dictionary closes, adds ours back. */
static HPDF_STATUS S_write_filter_key(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* Writes data compressed into a libharu stream and marks its dictionary. */
static int S_write_compressed(kh_deflate_t *d, HPDF_Dict dict, HPDF_Stream s,
                              const void *data, size_t len)
{
    if (S_deflate(d, data, len) != 0)
        return -1;
    dict->write_fn = S_write_filter_key;
    return HPDF_Stream_Write(s, (HPDF_BYTE *)d->out.data, (HPDF_UINT)d->out.len) ==
                   HPDF_OK ? 0 : -1;
}

static HPDF_Dict S_stream(HPDF_Doc pdf, kh_deflate_t *d, const void *data,
                          size_t len)
{
    HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!s || S_write_compressed(d, s, s->stream, data, len) != 0)
        return NULL;
    return s;
}

static void S_utf16_hex(kh_buf_t *b, uint32_t cp)
{
    if (cp >= 0x10000) {
        cp -= 0x10000;
        kh_buf_printf(b, "%04X%04X", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
        kh_buf_printf(b, "%04X", cp);
    }
}

/* ToUnicode: one bfchar entry per used glyph (at most 100 per block, as
 * the CMap format requires). */
static void S_tounicode(const kh_font_t *f, kh_buf_t *b)
{
    kh_buf_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
                   "begincmap\n/CIDSystemInfo <</Registry (Adobe) /Ordering "
                   "(UCS) /Supplement 0>> def\n/CMapName /Adobe-Identity-UCS "
                   "def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
                   "endcodespacerange\n");
    uint16_t gid = 0;
    uint32_t cp;
    uint16_t batch_g[100];
    uint32_t batch_c[100];
    size_t nb = 0;
    bool more = true;
    while (more) {
        more = kh_font_next_used(f, &gid, &cp);
        if (more) {
            batch_g[nb] = gid;
            batch_c[nb++] = cp;
        }
        if (nb && (nb == 100 || !more)) {
            kh_buf_printf(b, "%zu beginbfchar\n", nb);
            for (size_t i = 0; i < nb; i++) {
                kh_buf_printf(b, "<%04X> <", batch_g[i]);
                S_utf16_hex(b, batch_c[i]);
                kh_buf_puts(b, ">\n");
            }
            kh_buf_puts(b, "endbfchar\n");
            nb = 0;
        }
    }
    kh_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\n"
                   "end\nend\n");
}

/* /W [first [w w w] first [w] …]: runs of consecutive used glyph ids,
 * as cid's /W. */
static int S_widths(HPDF_Doc pdf, HPDF_Dict cid, const kh_font_t *f)
{
    HPDF_Array w = HPDF_Array_New(pdf->mmgr), run = NULL;
    KH_HPDF(HPDF_Dict_Add(cid, "W", w), -1);
    uint16_t gid = 0, prev = 0;
    uint32_t cp;
    while (kh_font_next_used(f, &gid, &cp)) {
        if (!run || gid != prev + 1) {
            KH_HPDF(HPDF_Array_AddNumber(w, gid), -1);
            run = HPDF_Array_New(pdf->mmgr);
            KH_HPDF(HPDF_Array_Add(w, run), -1);
        }
        KH_HPDF(HPDF_Array_AddNumber(run, (HPDF_INT32)(kh_font_advance(f, gid) + 0.5)), -1);
        prev = gid;
    }
    return 0;
}

/* PDF/A-1 wants a subset font to list its CIDs: one bit per CID, the
 * first in the high bit of the first byte. */
static HPDF_Dict S_cidset(HPDF_Doc pdf, kh_deflate_t *z, const kh_font_t *f)
{
    uint16_t gid = 0, last = 0;
    uint32_t cp;
    while (kh_font_next_used(f, &gid, &cp))
        last = gid;
    size_t n = (size_t)last / 8 + 1;
    unsigned char *bits = calloc(n, 1);
    if (!bits)
        abort();
    bits[0] |= 0x80; /* CID 0, .notdef, is always in the program */
    for (gid = 0; kh_font_next_used(f, &gid, &cp);)
        bits[gid / 8] |= (unsigned char)(0x80 >> (gid % 8));
    HPDF_Dict set = S_stream(pdf, z, bits, n);
    free(bits);
    return set;
}

static HPDF_Dict S_descriptor(HPDF_Doc pdf, kh_deflate_t *z, kh_font_t *f,
                              const char *name, bool pdfa)
{
    kh_font_info_t fi;
    kh_font_info(f, &fi);
    unsigned char *prog;
    size_t prog_len;
    if (kh_font_subset(f, &prog, &prog_len) != 0)
        return NULL;
    HPDF_Dict file = S_stream(pdf, z, prog, prog_len);
    free(prog);
    HPDF_Dict d = S_indirect_dict(pdf);
    if (!file || !d)
        return NULL;
    KH_HPDF(HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)prog_len), NULL);
    KH_HPDF(HPDF_Dict_AddName(d, "Type", "FontDescriptor"), NULL);
    KH_HPDF(HPDF_Dict_AddName(d, "FontName", name), NULL);
    /* 2 serif, 32 nonsymbolic, 64 italic */
    KH_HPDF(HPDF_Dict_AddNumber(d, "Flags", 2 | 32 | (fi.italic ? 64 : 0) |
                                                (fi.fixed_pitch ? 1 : 0)),
            NULL);
    HPDF_Array bbox = HPDF_Array_New(pdf->mmgr);
    KH_HPDF(HPDF_Dict_Add(d, "FontBBox", bbox), NULL);
    for (int i = 0; i < 4; i++)
        KH_HPDF(HPDF_Array_AddNumber(bbox, (HPDF_INT32)fi.bbox[i]), NULL);
    KH_HPDF(HPDF_Dict_AddReal(d, "ItalicAngle", (HPDF_REAL)fi.italic_angle), NULL);
    KH_HPDF(HPDF_Dict_AddNumber(d, "Ascent", (HPDF_INT32)fi.ascent), NULL);
    KH_HPDF(HPDF_Dict_AddNumber(d, "Descent", (HPDF_INT32)fi.descent), NULL);
    KH_HPDF(HPDF_Dict_AddNumber(d, "CapHeight", (HPDF_INT32)fi.cap_height), NULL);
    KH_HPDF(HPDF_Dict_AddNumber(d, "StemV", (HPDF_INT32)fi.stem_v), NULL);
    KH_HPDF(HPDF_Dict_Add(d, "FontFile2", file), NULL);
    if (pdfa)
        KH_HPDF(HPDF_Dict_Add(d, "CIDSet", S_cidset(pdf, z, f)), NULL);
    return d;
}

static int S_finish_font(HPDF_Doc pdf, kh_deflate_t *z, HPDF_Dict type0,
                         kh_font_t *f, bool pdfa)
{
    kh_font_info_t fi;
    kh_font_info(f, &fi);
    char tag[7], name[96];
    kh_font_subset_tag(f, tag);
    snprintf(name, sizeof name, "%s+%s", tag, fi.postscript_name);
    HPDF_Dict desc = S_descriptor(pdf, z, f, name, pdfa);
    HPDF_Dict cid = S_indirect_dict(pdf);
    kh_buf_t cmap = {0};
    S_tounicode(f, &cmap);
    HPDF_Dict tounicode = S_stream(pdf, z, cmap.data, cmap.len);
    kh_buf_free(&cmap);
    if (!desc || !cid || !tounicode)
        return -1;
    KH_HPDF(HPDF_Dict_AddName(cid, "Type", "Font"), -1);
    KH_HPDF(HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2"), -1);
    KH_HPDF(HPDF_Dict_AddName(cid, "BaseFont", name), -1);
    /* a direct object goes into its parent as soon as it is made, so
     * that a failure leaves nothing outside the document to free (libharu
     * frees a direct object it could not add) */
    HPDF_Dict info = HPDF_Dict_New(pdf->mmgr);
    KH_HPDF(HPDF_Dict_Add(cid, "CIDSystemInfo", info), -1);
    KH_HPDF(HPDF_Dict_Add(info, "Registry", HPDF_String_New(pdf->mmgr, "Adobe", NULL)), -1);
    KH_HPDF(HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL)),
            -1);
    KH_HPDF(HPDF_Dict_AddNumber(info, "Supplement", 0), -1);
    KH_HPDF(HPDF_Dict_Add(cid, "FontDescriptor", desc), -1);
    KH_HPDF(HPDF_Dict_AddNumber(cid, "DW", 1000), -1);
    if (S_widths(pdf, cid, f) != 0)
        return -1;
    KH_HPDF(HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity"), -1);
    KH_HPDF(HPDF_Dict_AddName(type0, "Type", "Font"), -1);
    KH_HPDF(HPDF_Dict_AddName(type0, "Subtype", "Type0"), -1);
    KH_HPDF(HPDF_Dict_AddName(type0, "BaseFont", name), -1);
    KH_HPDF(HPDF_Dict_AddName(type0, "Encoding", "Identity-H"), -1);
    HPDF_Array desc_fonts = HPDF_Array_New(pdf->mmgr);
    KH_HPDF(HPDF_Dict_Add(type0, "DescendantFonts", desc_fonts), -1);
    KH_HPDF(HPDF_Array_Add(desc_fonts, cid), -1);
    KH_HPDF(HPDF_Dict_Add(type0, "ToUnicode", tounicode), -1);
    return 0;
}

/* ---- metadata ---- */

/* Info strings: UTF-16BE with a byte-order mark, as PDF text strings. */
static HPDF_STATUS S_info_text(HPDF_Doc pdf, const char *key, const char *utf8)
{
    kh_buf_t b = {0};
    kh_buf_put(&b, "\xFE\xFF", 2);
    size_t n = strlen(utf8);
    for (size_t i = 0; i < n;) {
        uint32_t cp = kh_utf8_next(utf8, n, &i);
        unsigned units[2] = {cp, 0};
        int nu = 1;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            nu = 2;
        }
        for (int k = 0; k < nu; k++) {
            char be[2] = {(char)(units[k] >> 8), (char)units[k]};
            kh_buf_put(&b, be, 2);
        }
    }
    HPDF_STATUS st = HPDF_Dict_Add(
        pdf->info, key, HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)b.data, (HPDF_UINT)b.len));
    kh_buf_free(&b);
    return st;
}

static int S_metadata(HPDF_Doc pdf, const kh_pdf_meta_t *m)
{
    KH_HPDF(HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, m->producer), -1);
    KH_HPDF(HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, m->producer), -1);
    if (!pdf->info)
        return -1;
    KH_HPDF(S_info_text(pdf, "Title", m->title), -1);
    KH_HPDF(S_info_text(pdf, "Author", m->author), -1);
    KH_HPDF(S_info_text(pdf, "Subject", m->subject), -1);
    time_t t = (time_t)m->created;
    struct tm tm;
    gmtime_r(&t, &tm);
    HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                   tm.tm_min, tm.tm_sec, 'Z', 0, 0};
    KH_HPDF(HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, d), -1);
    KH_HPDF(HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, d), -1);
    return 0;
}

/* ---- PDF/A-1b ---- */

static void S_xml_text(kh_buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            kh_buf_puts(b, "&lt;");
        else if (*s == '>')
            kh_buf_puts(b, "&gt;");
        else if (*s == '&')
            kh_buf_puts(b, "&amp;");
        else
            kh_buf_put(b, s, 1);
    }
}

/* XMP metadata mirroring the Info dictionary, with the PDF/A
 * identification. PDF/A-1 wants this stream unfiltered. */
static HPDF_Dict S_xmp(HPDF_Doc pdf, const kh_pdf_meta_t *m)
{
    char date[32];
    time_t t = (time_t)m->created;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    kh_buf_t b = {0};
    kh_buf_puts(&b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                    "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                    "<dc:format>application/pdf</dc:format>\n"
                    "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    S_xml_text(&b, m->title);
    kh_buf_puts(&b, "</rdf:li></rdf:Alt></dc:title>\n<dc:creator><rdf:Seq><rdf:li>");
    S_xml_text(&b, m->author);
    kh_buf_puts(&b, "</rdf:li></rdf:Seq></dc:creator>\n<dc:description><rdf:Alt>"
                    "<rdf:li xml:lang=\"x-default\">");
    S_xml_text(&b, m->subject);
    kh_buf_printf(&b, "</rdf:li></rdf:Alt></dc:description>\n</rdf:Description>\n"
                      "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
                      "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
                      "<xmp:CreatorTool>", date, date);
    S_xml_text(&b, m->producer);
    kh_buf_puts(&b, "</xmp:CreatorTool>\n</rdf:Description>\n"
                    "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                    "<pdf:Producer>");
    S_xml_text(&b, m->producer);
    kh_buf_puts(&b, "</pdf:Producer>\n</rdf:Description>\n"
                    "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                    "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
                    "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n");
    HPDF_Dict x = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (x) {
        x->filter = HPDF_STREAM_FILTER_NONE;
        if (HPDF_Dict_AddName(x, "Type", "Metadata") != HPDF_OK ||
            HPDF_Dict_AddName(x, "Subtype", "XML") != HPDF_OK ||
            HPDF_Stream_Write(x->stream, (HPDF_BYTE *)b.data, (HPDF_UINT)b.len) != HPDF_OK)
            x = NULL; /* owned by the document all the same */
    }
    kh_buf_free(&b);
    return x;
}

/* The output intent: the colours are meant for an sRGB device. */
static int S_output_intent(HPDF_Doc pdf, kh_deflate_t *z, const kh_pdf_meta_t *m,
                           kh_diag_list_t *diags, const char *file)
{
    /* a data file like the fonts: a FIFO or directory there is refused,
     * not waited on, and reported as the missing profile below */
    kh_diag_list_t why;
    kh_diag_init(&why);
    int fd = kh_open_input(m->icc_path, "pdfa", &why);
    kh_diag_free(&why);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fd >= 0 && !f)
        close(fd);
    kh_buf_t icc = {0};
    char chunk[8192];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0 && icc.len < (4u << 20))
        kh_buf_put(&icc, chunk, n);
    if (f)
        fclose(f);
    if (icc.len < 128 || memcmp(icc.data + 36, "acsp", 4) != 0) {
        kh_diag_add(diags, file, 0, 0, KH_SEV_ERROR, "pdfa",
                    "--pdfa needs the ICC profile %s (Debian: icc-profiles-free)",
                    m->icc_path);
        kh_buf_free(&icc);
        return -1;
    }
    HPDF_Dict profile = S_stream(pdf, z, icc.data, icc.len);
    kh_buf_free(&icc);
    if (!profile)
        return -1;
    KH_HPDF(HPDF_Dict_AddNumber(profile, "N", 3), -1);
    HPDF_Array intents = HPDF_Array_New(pdf->mmgr);
    KH_HPDF(HPDF_Dict_Add(pdf->catalog, "OutputIntents", intents), -1);
    HPDF_Dict intent = HPDF_Dict_New(pdf->mmgr);
    KH_HPDF(HPDF_Array_Add(intents, intent), -1);
    KH_HPDF(HPDF_Dict_AddName(intent, "Type", "OutputIntent"), -1);
    KH_HPDF(HPDF_Dict_AddName(intent, "S", "GTS_PDFA1"), -1);
    KH_HPDF(HPDF_Dict_Add(intent, "OutputConditionIdentifier",
                          HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL)),
            -1);
    KH_HPDF(HPDF_Dict_Add(intent, "Info",
                          HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL)),
            -1);
    KH_HPDF(HPDF_Dict_Add(intent, "DestOutputProfile", profile), -1);
    return 0;
}

/* A file identifier that depends only on the content (PDF/A needs one; a
 * random one would break byte-identical rebuilds): two FNV-1a hashes of
 * the laid-out text and the metadata. */
static int S_file_id(HPDF_Doc pdf, const kh_layout_t *L, const kh_pdf_meta_t *m)
{
    uint64_t h[2] = {1469598103934665603ULL, 1099511628211ULL * 7};
    const char *parts[] = {L->text, m->title, m->author, m->producer};
    size_t lens[] = {L->text_len, strlen(m->title), strlen(m->author), strlen(m->producer)};
    for (int k = 0; k < 2; k++)
        for (int p = 0; p < 4; p++)
            for (size_t i = 0; i < lens[p]; i++)
                h[k] = (h[k] ^ (unsigned char)parts[p][i]) * 1099511628211ULL;
    unsigned char id[16];
    for (int i = 0; i < 16; i++)
        id[i] = (unsigned char)(h[i / 8] >> (8 * (i % 8)));
    HPDF_Array arr = HPDF_Array_New(pdf->mmgr);
    KH_HPDF(HPDF_Dict_Add(pdf->trailer, "ID", arr), -1);
    KH_HPDF(HPDF_Array_Add(arr, HPDF_Binary_New(pdf->mmgr, id, 16)), -1);
    KH_HPDF(HPDF_Array_Add(arr, HPDF_Binary_New(pdf->mmgr, id, 16)), -1);
    return 0;
}

static int S_pdfa(HPDF_Doc pdf, kh_deflate_t *z, const kh_layout_t *L,
                  const kh_pdf_meta_t *m, kh_diag_list_t *diags, const char *file)
{
    HPDF_Dict xmp = S_xmp(pdf, m);
    if (!xmp || HPDF_Dict_Add(pdf->catalog, "Metadata", xmp) != HPDF_OK)
        return -1;
    if (S_file_id(pdf, L, m) != 0)
        return -1;
    return S_output_intent(pdf, z, m, diags, file);
}

/* ---- electronic signing (spec appendix-esign.md §4) ---- */

typedef struct {
    HPDF_Dict *xobj;   /* 2 per signer: its signature's and its seal's
                          XObjects, made on first use (owned by the doc;
                          the array by kh_pdf_render) */
    HPDF_Array fields; /* the AcroForm's /Fields (owned here until S_acroform
                          gives it to the AcroForm) */
} kh_esign_t;

typedef struct {
    double x, y, w, h; /* pt, bottom-left corner */
} kh_rect_t;

/* An image XObject: its colours (DeviceRGB) and, as its /SMask, its alpha
 * (DeviceGray), both compressed; interpolated, since it is scaled. */
static HPDF_Dict S_image_xobject(HPDF_Doc pdf, kh_deflate_t *z, const kh_image_t *img)
{
    size_t n = (size_t)img->width * img->height;
    unsigned char *rgb = malloc(n * 3), *alpha = malloc(n);
    if (!rgb || !alpha)
        abort();
    for (size_t i = 0; i < n; i++) {
        memcpy(rgb + 3 * i, img->rgba + 4 * i, 3);
        alpha[i] = img->rgba[4 * i + 3];
    }
    HPDF_Dict mask = S_stream(pdf, z, alpha, n);
    HPDF_Dict x = mask ? S_stream(pdf, z, rgb, n * 3) : NULL;
    free(rgb);
    free(alpha);
    if (!x)
        return NULL;
    HPDF_Dict d[2] = {x, mask};
    for (int k = 0; k < 2; k++) {
        KH_HPDF(HPDF_Dict_AddName(d[k], "Type", "XObject"), NULL);
        KH_HPDF(HPDF_Dict_AddName(d[k], "Subtype", "Image"), NULL);
        KH_HPDF(HPDF_Dict_AddNumber(d[k], "Width", (HPDF_INT32)img->width), NULL);
        KH_HPDF(HPDF_Dict_AddNumber(d[k], "Height", (HPDF_INT32)img->height), NULL);
        KH_HPDF(HPDF_Dict_AddName(d[k], "ColorSpace", k ? "DeviceGray" : "DeviceRGB"),
                NULL);
        KH_HPDF(HPDF_Dict_AddNumber(d[k], "BitsPerComponent", 8), NULL);
        KH_HPDF(HPDF_Dict_Add(d[k], "Interpolate", HPDF_Boolean_New(pdf->mmgr, HPDF_TRUE)),
                NULL);
    }
    KH_HPDF(HPDF_Dict_Add(x, "SMask", mask), NULL);
    return x;
}

#define KH_PT_MM (72.0 / 25.4)

/* How far left the seal may reach beside a slot on page pg: past the
 * right end of every word left of the slot whose line it would cover (the
 * Nơi nhận lines), by 1 mm, and past another signer's slot on its left
 * (a joint plan's row); with no word there (a joint plan's left
 * block), up to 10 mm into the margin left of the page's leftmost word,
 * as a seal stamped on the left signer of a joint plan does, but never
 * nearer the paper's edge than 15 mm. */
static double S_seal_floor(const kh_page_t *pg, const kh_op_t *slot, double y0,
                           double y1)
{
    double floor = slot->x, edge = slot->x;
    for (size_t i = 0; i < pg->nops; i++) {
        const kh_op_t *op = &pg->ops[i];
        if (op->kind == KH_OP_TEXT && op->x < edge)
            edge = op->x;
    }
    floor = edge - 10 * KH_PT_MM;
    if (floor < 15 * KH_PT_MM)
        floor = 15 * KH_PT_MM < edge ? 15 * KH_PT_MM : edge;
    for (size_t i = 0; i < pg->nops; i++) {
        const kh_op_t *op = &pg->ops[i];
        /* another signer's block to the left (a joint plan's row): its
         * slot holds that signer's images, which this seal must not cover */
        if (op->kind == KH_OP_SLOT && op != slot && op->x < slot->x &&
            op->y < y1 && op->y + op->h > y0 && op->x + op->w > floor)
            floor = op->x + op->w < slot->x ? op->x + op->w : slot->x;
        /* a word's band: its descent to its ascent, generously */
        if (op->kind != KH_OP_TEXT || op->x >= slot->x ||
            op->y - 0.3 * op->size > y1 || op->y + op->size < y0)
            continue;
        double right = op->x + op->width + KH_PT_MM;
        if (right > floor)
            floor = right;
    }
    return floor < slot->x ? floor : slot->x;
}

/* Where the images go in a slot (decree PL I Mục II.7.d, II.8.a):
 *  - the seal, seal_mm across (its real size), its height by its aspect;
 *  - the signature centred in the slot: its real size when its PNG says
 *    it (pHYs), else at most 60 × 18 mm (a handwritten signature's usual
 *    size); made smaller, never larger, to fit the slot with 1 mm above
 *    and below, and, with a seal, so narrow that the seal over its left
 *    third stays clear of the words left of the slot (S_seal_floor) with
 *    the signature moved right within the slot where centred it would
 *    not (a joint plan's left block with a large seal); at least 20 mm
 *    wide all the same;
 *  - the seal's right edge a third into the signature, the two centred
 *    on the same height (the slot's middle). */
static void S_esign_place(const kh_page_t *pg, const kh_op_t *slot,
                          const kh_issuer_t *o, kh_rect_t *sig, kh_rect_t *seal)
{
    double mm = KH_PT_MM, seal_w = o->seal_image ? o->seal_mm * mm : 0;
    double seal_h = o->seal_image ? seal_w * o->seal_image->height / o->seal_image->width : 0;
    double cx = slot->x + slot->w / 2, cy = slot->y + slot->h / 2;
    *sig = (kh_rect_t){cx, cy, 0, 0};
    if (o->signature_image) {
        const kh_image_t *g = o->signature_image;
        double aspect = (double)g->height / g->width;
        double w = g->mm_w > 0 ? g->mm_w * mm : 60 * mm, h = w * aspect;
        if (g->mm_w <= 0 && h > 18 * mm)
            h = 18 * mm, w = h / aspect;
        double max_w = slot->w, max_h = slot->h - 2 * mm;
        if (o->seal_image) {
            /* the seal's left edge, x + w/3 − seal, stays right of the floor
             * with the signature moved right as far as the slot allows (x =
             * slot's right − w): w ≤ 3/2 × (right − seal − floor) */
            double floor = S_seal_floor(pg, slot, cy - seal_h / 2, cy + seal_h / 2);
            double most = 1.5 * (slot->x + slot->w - seal_w - floor);
            if (most < max_w)
                max_w = most;
        }
        if (max_w < 20 * mm)
            max_w = 20 * mm;
        double f = 1;
        if (w * f > max_w)
            f = max_w / w;
        if (h * f > max_h)
            f = max_h / h;
        w *= f, h *= f;
        *sig = (kh_rect_t){cx - w / 2, cy - h / 2, w, h};
    }
    if (o->seal_image) {
        double right = o->signature_image ? sig->x + sig->w / 3 : cx + seal_w / 2;
        *seal = (kh_rect_t){right - seal_w, cy - seal_h / 2, seal_w, seal_h};
        /* a large seal on a narrow signature may still pass the floor: the
         * two move right together, as far as the slot allows */
        double floor = S_seal_floor(pg, slot, seal->y, seal->y + seal->h);
        double room = slot->x + slot->w - (o->signature_image ? sig->x + sig->w
                                                              : seal->x + seal->w);
        double dx = floor - seal->x < room ? floor - seal->x : room;
        if (dx > 0)
            seal->x += dx, sig->x += o->signature_image ? dx : 0;
    }
}

static void S_draw_image(kh_buf_t *b, const char *name, const kh_rect_t *r)
{
    kh_buf_puts(b, "q ");
    S_num(b, r->w);
    kh_buf_puts(b, " 0 0 ");
    S_num(b, r->h);
    kh_buf_puts(b, " ");
    S_num(b, r->x);
    kh_buf_puts(b, " ");
    S_num(b, r->y);
    kh_buf_printf(b, " cm /%s Do Q\n", name);
}

/* dict's key: an array of the n numbers v. */
static int S_real_array(HPDF_Doc pdf, HPDF_Dict dict, const char *key, const double *v,
                        int n)
{
    HPDF_Array a = HPDF_Array_New(pdf->mmgr);
    KH_HPDF(HPDF_Dict_Add(dict, key, a), -1);
    for (int i = 0; i < n; i++)
        KH_HPDF(HPDF_Array_AddReal(a, (HPDF_REAL)v[i]), -1);
    return 0;
}

/* The empty signature field over the slot: a widget annotation that is
 * also the field (/FT /Sig, no /V: unsigned), with an empty appearance,
 * printed (/F 4), named Signature<signer + 1>, or SignatureAppendix for
 * the organisation's frame atop a separate appendix (KH_SLOT_ORG). */
static int S_sig_field(HPDF_Doc pdf, HPDF_Page page, const kh_op_t *slot,
                       kh_esign_t *e)
{
    HPDF_Dict f = S_indirect_dict(pdf);
    HPDF_Dict form = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!f || !form)
        return -1;
    double bbox[4] = {0, 0, slot->w, slot->h};
    form->filter = HPDF_STREAM_FILTER_NONE;
    KH_HPDF(HPDF_Dict_AddName(form, "Type", "XObject"), -1);
    KH_HPDF(HPDF_Dict_AddName(form, "Subtype", "Form"), -1);
    if (S_real_array(pdf, form, "BBox", bbox, 4) != 0)
        return -1;
    char name[32];
    if (slot->signer == KH_SLOT_ORG)
        snprintf(name, sizeof name, "SignatureAppendix");
    else
        snprintf(name, sizeof name, "Signature%u", (unsigned)slot->signer + 1);
    double rect[4] = {slot->x, slot->y, slot->x + slot->w, slot->y + slot->h};
    KH_HPDF(HPDF_Dict_AddName(f, "Type", "Annot"), -1);
    KH_HPDF(HPDF_Dict_AddName(f, "Subtype", "Widget"), -1);
    KH_HPDF(HPDF_Dict_AddName(f, "FT", "Sig"), -1);
    KH_HPDF(HPDF_Dict_Add(f, "T", HPDF_String_New(pdf->mmgr, name, NULL)), -1);
    KH_HPDF(HPDF_Dict_AddNumber(f, "F", 4), -1);
    if (S_real_array(pdf, f, "Rect", rect, 4) != 0)
        return -1;
    HPDF_Dict ap = HPDF_Dict_New(pdf->mmgr);
    KH_HPDF(HPDF_Dict_Add(f, "AP", ap), -1);
    KH_HPDF(HPDF_Dict_Add(ap, "N", form), -1);
    KH_HPDF(HPDF_Dict_Add(f, "P", page), -1);
    HPDF_Array annots = HPDF_Dict_GetItem(page, "Annots", HPDF_OCLASS_ARRAY);
    if (!annots) {
        annots = HPDF_Array_New(pdf->mmgr);
        KH_HPDF(HPDF_Dict_Add(page, "Annots", annots), -1);
    }
    if (!e->fields && !(e->fields = HPDF_Array_New(pdf->mmgr)))
        return -1;
    KH_HPDF(HPDF_Array_Add(annots, f), -1);
    KH_HPDF(HPDF_Array_Add(e->fields, f), -1);
    return 0;
}

/* A page's slots: the images drawn (over the text, as a seal is stamped
 * on paper) into w's content, and the fields. */
static int S_esign_page(HPDF_Doc pdf, kh_deflate_t *z, HPDF_Page page,
                        const kh_page_t *pg, const kh_pdf_meta_t *m,
                        kh_esign_t *e, kh_buf_t *content)
{
    for (size_t i = 0; i < pg->nops; i++) {
        const kh_op_t *op = &pg->ops[i];
        if (op->kind != KH_OP_SLOT)
            continue;
        kh_rect_t sig, seal;
        if (op->signer == KH_SLOT_ORG) { /* no image: the field alone */
            if (S_sig_field(pdf, page, op, e) != 0)
                return -1;
            continue;
        }
        if (op->signer >= m->nsigners)
            return -1;
        const kh_issuer_t *o = &m->signers[op->signer];
        S_esign_place(pg, op, o, &sig, &seal);
        const kh_image_t *img[2] = {o->signature_image, o->seal_image};
        const kh_rect_t *at[2] = {&sig, &seal};
        for (int k = 0; k < 2; k++) {
            HPDF_Dict *x = &e->xobj[2 * op->signer + k];
            if (!img[k])
                continue;
            if (!*x && !(*x = S_image_xobject(pdf, z, img[k])))
                return -1;
            const char *n = HPDF_Page_GetXObjectName(page, *x);
            if (!n)
                return -1;
            S_draw_image(content, n, at[k]);
        }
        if (S_sig_field(pdf, page, op, e) != 0)
            return -1;
    }
    return 0;
}

/* The AcroForm holding the fields: SigFlags 3 (signatures exist; append
 * only, so that a signature is kept by later saves). */
static int S_acroform(HPDF_Doc pdf, kh_esign_t *e)
{
    if (!e->fields)
        return 0;
    HPDF_Dict form = HPDF_Dict_New(pdf->mmgr);
    KH_HPDF(HPDF_Dict_Add(pdf->catalog, "AcroForm", form), -1);
    HPDF_Array fields = e->fields;
    e->fields = NULL; /* the form's now (freed by libharu if not added) */
    KH_HPDF(HPDF_Dict_Add(form, "Fields", fields), -1);
    KH_HPDF(HPDF_Dict_AddNumber(form, "SigFlags", 3), -1);
    return 0;
}

/* ---- document ---- */

/* A PDF being written, page by page (pdf.h). The libharu objects are made
 * in the same order whether the pages come all at once (kh_pdf_render) or
 * one at a time as the layout finishes them, so the bytes are the same:
 * the font dictionaries first (which fonts, known up front), then each
 * page with its content and signature objects, then the AcroForm, the
 * fonts' programs, the metadata and PDF/A's parts. */
struct kh_pdf_doc {
    kh_hpdf_err_t err; /* libharu's first error (S_on_error holds &err) */
    HPDF_Doc pdf;
    kh_deflate_t z;
    kh_font_t **fonts;
    kh_pdf_meta_t meta;          /* its strings borrowed */
    bool used[KH_FONT_COUNT];    /* the fonts the pages print in */
    bool seen[KH_FONT_COUNT];    /* … that a page so far did */
    HPDF_Dict type0[KH_FONT_COUNT];
    kh_esign_t esign;
    kh_buf_t content;            /* one page's content, reused */
    int rc;                      /* -1 once something failed */
    bool started, ended;         /* font dictionaries made; pages ended */
    kh_page_t *held;             /* pages kept (their ops copied) while */
    size_t nheld, cap_held;      /* the fonts are not known yet */
};

/* The font dictionaries of the fonts used: before any page, as libharu
 * numbers objects in the order they are made. */
static void S_start(kh_pdf_doc_t *d)
{
    d->started = true;
    for (int f = 0; f < KH_FONT_COUNT; f++) {
        kh_font_reset_used(d->fonts[f]); /* each PDF embeds its own glyphs */
        d->type0[f] = d->used[f] && d->rc == 0 ? S_indirect_dict(d->pdf) : NULL;
        if (d->used[f] && !d->type0[f])
            d->rc = -1;
    }
    if (d->meta.esign && d->rc == 0) {
        d->pdf->pdf_version = HPDF_VER_14; /* soft masks */
        if (!(d->esign.xobj = calloc(2 * d->meta.nsigners + 1, sizeof *d->esign.xobj)))
            abort();
    }
}

static void S_write_page(kh_pdf_doc_t *d, const char *text, const kh_page_t *pg)
{
    if (d->rc != 0)
        return;
    HPDF_Page page = HPDF_AddPage(d->pdf);
    if (!page) {
        d->rc = -1;
        return;
    }
    if (HPDF_Page_SetWidth(page, (HPDF_REAL)pg->width) != HPDF_OK ||
        HPDF_Page_SetHeight(page, (HPDF_REAL)pg->height) != HPDF_OK) {
        d->rc = -1;
        return;
    }
    kh_writer_t w = {.content = &d->content, .fonts = d->fonts, .text = text};
    for (int f = 0; f < KH_FONT_COUNT; f++) {
        w.font_names[f] = d->type0[f] ? HPDF_Page_GetLocalFontName(
                                            page, (HPDF_Font)d->type0[f])
                                      : NULL;
        if (d->type0[f] && !w.font_names[f]) {
            d->rc = -1;
            return;
        }
    }
    /* a font the section's fonts left out would have no dictionary: the
     * layout's count (kh_layout_t.section_fonts) is wrong, and no PDF is
     * better than a broken one */
    for (size_t i = 0; i < pg->nops; i++)
        if (pg->ops[i].kind == KH_OP_TEXT) {
            if (!d->used[pg->ops[i].font]) {
                d->rc = -1;
                return;
            }
            d->seen[pg->ops[i].font] = true;
        }
    d->content.len = 0;
    S_page_content(&w, pg);
    if (d->meta.esign &&
        S_esign_page(d->pdf, &d->z, page, pg, &d->meta, &d->esign, &d->content) != 0) {
        d->rc = -1;
        return;
    }
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    d->rc = S_write_compressed(&d->z, attr->contents, attr->stream, d->content.data,
                               d->content.len);
}

kh_pdf_doc_t *kh_pdf_begin(kh_font_t *fonts[KH_FONT_COUNT],
                           const kh_pdf_meta_t *meta,
                           const bool used[KH_FONT_COUNT])
{
    kh_pdf_doc_t *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    /* a document libharu could not make (S_on_error has its error) or
     * set up fails at kh_pdf_finish, as every later failure does */
    d->pdf = HPDF_New(S_on_error, &d->err);
    if (!d->pdf && !d->err.error) /* HPDF_New fails only for memory, and */
        d->err.error = HPDF_FAILD_TO_ALLOC_MEM; /* then calls no handler */
    if (!d->pdf || HPDF_SetCompressionMode(d->pdf, HPDF_COMP_NONE) != HPDF_OK)
        d->rc = -1; /* HPDF_COMP_NONE: we compress (S_deflate) */
    d->fonts = fonts;
    d->meta = *meta;
    if (used) {
        memcpy(d->used, used, sizeof d->used);
        S_start(d);
    }
    return d;
}

void kh_pdf_page(kh_pdf_doc_t *d, const kh_layout_t *L, const kh_page_t *pg)
{
    if (d->ended) {
        d->rc = -1;
        return;
    }
    if (d->started) {
        S_write_page(d, L->text, pg);
        return;
    }
    d->held = kh_array_grow(d->held, d->nheld, &d->cap_held, sizeof *d->held, 8);
    kh_page_t *h = &d->held[d->nheld++];
    *h = *pg;
    h->cap = pg->nops;
    h->ops = malloc((pg->nops ? pg->nops : 1) * sizeof *h->ops);
    if (!h->ops)
        abort();
    if (pg->nops)
        memcpy(h->ops, pg->ops, pg->nops * sizeof *h->ops);
}

static void S_free_held(kh_pdf_doc_t *d)
{
    for (size_t p = 0; p < d->nheld; p++)
        free(d->held[p].ops);
    free(d->held);
    d->held = NULL, d->nheld = d->cap_held = 0;
}

void kh_pdf_end_pages(kh_pdf_doc_t *d, const kh_layout_t *L)
{
    if (d->ended)
        return;
    if (!d->started) { /* the fonts only the held pages tell */
        for (size_t p = 0; p < d->nheld; p++)
            for (size_t i = 0; i < d->held[p].nops; i++)
                if (d->held[p].ops[i].kind == KH_OP_TEXT)
                    d->used[d->held[p].ops[i].font] = true;
        S_start(d);
        for (size_t p = 0; p < d->nheld; p++)
            S_write_page(d, L->text, &d->held[p]);
    }
    S_free_held(d);
    d->ended = true;
    for (int f = 0; f < KH_FONT_COUNT; f++)
        if (d->used[f] != d->seen[f]) /* a font with a dictionary and no text */
            d->rc = -1;
    if (d->rc == 0 && d->meta.esign)
        d->rc = S_acroform(d->pdf, &d->esign);
    for (int f = 0; f < KH_FONT_COUNT && d->rc == 0; f++)
        if (d->used[f])
            d->rc = S_finish_font(d->pdf, &d->z, d->type0[f], d->fonts[f], d->meta.pdfa);
    kh_buf_free(&d->content);
}

void kh_pdf_discard(kh_pdf_doc_t *d)
{
    if (!d)
        return;
    S_free_held(d);
    kh_buf_free(&d->content);
    if (d->esign.fields) /* made, and the AcroForm never was */
        HPDF_Array_Free(d->esign.fields);
    HPDF_Free(d->pdf);
    S_deflate_end(&d->z);
    free(d->esign.xobj);
    free(d);
}

int kh_pdf_finish(kh_pdf_doc_t *d, const kh_layout_t *L, unsigned char **out,
                  size_t *out_len, kh_diag_list_t *diags, const char *file)
{
    kh_pdf_end_pages(d, L);
    HPDF_Doc pdf = d->pdf;
    int rc = d->rc;
    if (rc == 0)
        rc = S_metadata(pdf, &d->meta);
    if (rc == 0 && d->meta.pdfa)
        rc = S_pdfa(pdf, &d->z, L, &d->meta, diags, file);
    if (rc == 0 && !d->err.error && HPDF_SaveToStream(pdf) == HPDF_OK) {
        HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
        *out = malloc(size ? size : 1);
        if (!*out)
            abort();
        HPDF_UINT32 got = size;
        HPDF_STATUS st = HPDF_ReadFromStream(pdf, *out, &got);
        if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != size) {
            free(*out);
            *out = NULL;
            rc = -1;
        }
        *out_len = got;
    } else {
        rc = -1;
    }
    /* an object call's error is only in the document (see KH_HPDF) */
    if (!d->err.error && pdf && HPDF_GetError(pdf) != HPDF_OK)
        d->err.error = HPDF_GetError(pdf), d->err.detail = HPDF_GetErrorDetail(pdf);
    if (d->err.error || (rc != 0 && !diags->errors))
        kh_diag_add(diags, file, 0, 0, KH_SEV_ERROR, "pdf",
                    "PDF library error 0x%04X (detail %u)",
                    (unsigned)d->err.error, (unsigned)d->err.detail);
    bool failed = rc != 0 || d->err.error;
    kh_pdf_discard(d);
    return failed ? -1 : 0;
}

int kh_pdf_render(const kh_layout_t *L, kh_font_t *fonts[KH_FONT_COUNT],
                  const kh_pdf_meta_t *meta, unsigned char **out,
                  size_t *out_len, kh_diag_list_t *diags, const char *file)
{
    /* only the fonts some page uses get a font dictionary and are embedded */
    bool used[KH_FONT_COUNT] = {false};
    for (size_t p = 0; p < L->npages; p++)
        for (size_t i = 0; i < L->pages[p].nops; i++)
            if (L->pages[p].ops[i].kind == KH_OP_TEXT)
                used[L->pages[p].ops[i].font] = true;
    kh_pdf_doc_t *d = kh_pdf_begin(fonts, meta, used);
    for (size_t p = 0; p < L->npages; p++)
        kh_pdf_page(d, L, &L->pages[p]);
    return kh_pdf_finish(d, L, out, out_len, diags, file);
}

/* ---- atomic write ---- */

/* Writes all of data to fd; 0, or the errno of the failure. */
static int S_write_all(int fd, const unsigned char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        done += (size_t)w;
    }
    return 0;
}

/* An output that is not a regular file in a directory kehoach may replace
 * (a character device such as /dev/null, a FIFO, anything under /dev or
 * /proc such as /dev/stdout): opened and written through, never renamed
 * over. A terminal, a directory, a block device or a socket is refused. */
static int S_write_through(const char *path, const char *name,
                           const struct stat *st, const unsigned char *data,
                           size_t len, kh_diag_list_t *diags)
{
    if (!S_ISREG(st->st_mode) && !S_ISCHR(st->st_mode) && !S_ISFIFO(st->st_mode)) {
        kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, "io", "%s: nothing written",
                    kh_file_kind(st->st_mode));
        return -1;
    }
    int fd = path ? open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC |
                                   (S_ISREG(st->st_mode) ? O_TRUNC : 0))
                  : STDOUT_FILENO;
    if (fd < 0) {
        kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, "io",
                    "cannot write the output: %s", strerror(errno));
        return -1;
    }
    int err = isatty(fd) ? -1 : S_write_all(fd, data, len);
    if (path && close(fd) != 0 && !err)
        err = errno;
    if (err == -1)
        kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, "io",
                    "is a terminal: a PDF is not written there (redirect "
                    "the output to a file, or use -o FILE)");
    else if (err)
        kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, "io",
                    "cannot write the output: %s", strerror(err));
    return err ? -1 : 0;
}

/* The first half of an atomic write: the data in a temporary file beside
 * the file path names (or, through a link, beside its target), *tmp and
 * *target malloc'd for S_commit. Returns 1 when path is to be written
 * through instead (standard output, a device, a FIFO: *tmp NULL), 0 when
 * the temporary file is ready, -1 with an "io" diagnostic. */
static int S_prepare(const char *path, const unsigned char *data, size_t len,
                     char **tmp, char **target, kh_diag_list_t *diags)
{
    struct stat st, lst;
    *tmp = *target = NULL;
    if (!strcmp(path, "-"))
        return 1;
    bool exists = stat(path, &st) == 0;
    bool link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
    if (link && !exists) {
        kh_diag_add(diags, path, 0, 0, KH_SEV_ERROR, "io",
                    "is a symbolic link to a missing file: nothing written");
        return -1;
    }
    if (exists && (!S_ISREG(st.st_mode) || !strncmp(path, "/dev/", 5) ||
                   !strncmp(path, "/proc/", 6)))
        return 1;
    /* a symbolic link stays a link: the file it points to is replaced */
    *target = link ? realpath(path, NULL) : strdup(path);
    if (!*target) {
        kh_diag_add(diags, path, 0, 0, KH_SEV_ERROR, "io",
                    "cannot write the output: %s", strerror(errno));
        return -1;
    }
    char *dcopy = strdup(*target), *bcopy = strdup(*target);
    if (!dcopy || !bcopy)
        abort();
    if (asprintf(tmp, "%s/.%s.XXXXXX", dirname(dcopy), basename(bcopy)) < 0)
        abort();
    free(dcopy);
    free(bcopy);
    int fd = mkstemp(*tmp);
    int saved = fd < 0 ? errno : S_write_all(fd, data, len);
    /* mkstemp makes the file 0600; an output PDF is an ordinary file */
    mode_t mask = umask(0);
    umask(mask);
    if (fd >= 0 && !saved && fchmod(fd, 0666 & ~mask) != 0)
        saved = errno;
    if (fd >= 0 && close(fd) != 0 && !saved)
        saved = errno;
    if (!saved)
        return 0;
    if (fd >= 0)
        unlink(*tmp);
    kh_diag_add(diags, path, 0, 0, KH_SEV_ERROR, "io", "cannot write the output: %s",
                strerror(saved));
    free(*tmp);
    free(*target);
    *tmp = *target = NULL;
    return -1;
}

/* The second half: the temporary file renamed over the target. */
static int S_commit(const char *path, char *tmp, char *target, kh_diag_list_t *diags)
{
    int rc = rename(tmp, target) == 0 ? 0 : -1;
    if (rc != 0) {
        int e = errno;
        unlink(tmp);
        kh_diag_add(diags, path, 0, 0, KH_SEV_ERROR, "io", "cannot write the output: %s",
                    strerror(e));
    }
    free(tmp);
    free(target);
    return rc;
}

/* A file written through (S_prepare returned 1). */
static int S_through(const char *path, const unsigned char *data, size_t len,
                     kh_diag_list_t *diags)
{
    struct stat st;
    if (!strcmp(path, "-")) {
        if (fstat(STDOUT_FILENO, &st) != 0) {
            kh_diag_add(diags, "<stdout>", 0, 0, KH_SEV_ERROR, "io",
                        "cannot write the output: %s", strerror(errno));
            return -1;
        }
        return S_write_through(NULL, "<stdout>", &st, data, len, diags);
    }
    if (stat(path, &st) != 0) {
        kh_diag_add(diags, path, 0, 0, KH_SEV_ERROR, "io",
                    "cannot write the output: %s", strerror(errno));
        return -1;
    }
    return S_write_through(path, path, &st, data, len, diags);
}

int kh_write_atomic(const char *path, const unsigned char *data, size_t len,
                    kh_diag_list_t *diags)
{
    return kh_write_atomic_all(&path, &data, &len, 1, diags);
}

int kh_write_atomic_all(const char *const *paths, const unsigned char *const *data,
                        const size_t *lens, size_t n, kh_diag_list_t *diags)
{
    char **tmp = calloc(n + 1, sizeof *tmp), **target = calloc(n + 1, sizeof *target);
    int *how = calloc(n + 1, sizeof *how);
    if (!tmp || !target || !how)
        abort();
    int rc = 0;
    size_t i = 0;
    for (; i < n && rc == 0; i++)
        if ((how[i] = S_prepare(paths[i], data[i], lens[i], &tmp[i], &target[i], diags)) < 0)
            rc = -1;
    if (rc != 0) { /* nothing written: the temporary files go */
        for (size_t k = 0; k < i; k++)
            if (tmp[k]) {
                unlink(tmp[k]);
                free(tmp[k]);
                free(target[k]);
            }
    } else {
        for (size_t k = 0; k < n; k++) {
            int r = how[k] ? S_through(paths[k], data[k], lens[k], diags)
                           : S_commit(paths[k], tmp[k], target[k], diags);
            rc = r ? -1 : rc;
        }
    }
    free(tmp);
    free(target);
    free(how);
    return rc;
}
