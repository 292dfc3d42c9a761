/* Layout.
 *
 * Everything is first built as a list of vertical boxes ("vboxes": one per
 * body line, one per line band of a table row (layout_table.c), one for
 * the header, one for the title, one per line of Nơi nhận with the
 * signature in the first), each holding ops placed relative to its top,
 * with the space it wants above it and whether a page may end after it.
 * Pagination then fills pages greedily, backing up to the last allowed
 * break when a box does not fit, and turns the relative positions into
 * page coordinates, checking that each op lies inside the paper less 8 mm
 * (the safety net).
 *
 * Words are placed one by one (libharu's word spacing does not work with
 * two-byte codes, and TextRect justifies by letter spacing): a justified
 * line's spaces are its natural spaces stretched or shrunk by the ratio the
 * line breaker chose. */
#include "layout_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Break penalties, in the line breaker's units (its demerits add the
 * square; a line stretched to the full ratio 1 costs about 110² = 12,100).
 * They are high so that ordinary text never needs them: each is taken only
 * when no line at the tolerance the breaker is trying could be made
 * without it. */
/* a spaced dash ("Tổ chức - Hành chính") starting a line reads as a list
 * item; one ending a line is worse: text extractors take it for a
 * hyphenation and drop it */
static const double c_dash_start_penalty = 3000;
static const double c_dash_end_penalty = 4000;
/* inside a URL, path or code, after / . ? & = _ (no hyphen is added) */
static const double c_url_break_penalty = 800;
/* … before a '-' (a line starting "-tiet" is less usual) */
static const double c_url_hyphen_penalty = 1500;
/* a word may break at its URL marks if wider than this share of its box */
static const double c_url_min_share = 0.25;
/* between two letters of a word wider than its box (with a warning) */
static const double c_letter_break_penalty = 3000;
/* a fill-in line ("tên: ..........") breaks anywhere: it is no word */
static const double c_fill_break_penalty = 0.5;
/* at a no-break space (U+00A0): a last resort, before breaking a word
 * between its letters ("B" / "ộ" in text pasted with no other spaces) */
static const double c_nbsp_penalty = 2000;
/* at a kept blank (a run of 2+ spaces, no-break spaces or a tab: a draft's
 * "số      /QĐ-UBND" left for the clerk to fill in): a last resort
 * (KH_LB_LAST_RESORT), taken only when the other lines would stretch past
 * r ≈ 4.5; the blank then opens the next line with its width
 * (kh_lay_items), so the room to fill in is never lost (README, blanks) */
#define KH_BLANK_PENALTY 9600
_Static_assert(KH_BLANK_PENALTY >= (int)KH_LB_LAST_RESORT && KH_BLANK_PENALTY < (int)KH_LB_INFINITY,
               "a kept blank is a last-resort break, not a forbidden one");
static const double c_blank_penalty = KH_BLANK_PENALTY;
/* a line starting with a closing mark (", ; : . ! ? ) ] ” %") or ending
 * with an opening one ("(", "[", "“"): the last resort before text would
 * run over the box (a run of "]]]]" wider than what is left of a line) —
 * nothing may be drawn over other text, so no break is ever forbidden */
static const double c_mark_break_penalty = 9000;
/* inside a written-out date ("ngày 14 tháng 3 năm 2025"): read as one
 * unit, so mildly avoided (below KH_LB_RESCUE: weighed against spacing in
 * every pass) */
static const double c_date_break_penalty = 150;

/* Pages a document may take. Real plans have a handful; the bound keeps a
 * pathological input (a 16 MiB file of one-word paragraphs) from building
 * an enormous PDF in memory. */
#define KH_MAX_PAGES 10000




/* ---- staging ---- */

static size_t S_store_text(kh_lctx_t *c, const char *s, size_t n)
{
    kh_layout_t *L = c->out;
    size_t at = L->text_len;
    if (at + n + 1 > c->text_cap) {
        c->text_cap = c->text_cap ? c->text_cap * 2 : 16384;
        while (c->text_cap < at + n + 1)
            c->text_cap *= 2;
        char *t = realloc(L->text, c->text_cap);
        if (!t)
            abort();
        L->text = t;
    }
    memcpy(L->text + at, s, n);
    L->text[at + n] = '\0';
    L->text_len += n;
    return at;
}

static kh_op_t *S_stage(kh_lctx_t *c)
{
    if (c->nstaged == c->nchunks * KH_STAGE_CHUNK) {
        c->staged = kh_array_grow(c->staged, c->nchunks, &c->cap_chunks,
                                  sizeof *c->staged, 16);
        if (!(c->staged[c->nchunks] = malloc(KH_STAGE_CHUNK * sizeof **c->staged)))
            abort();
        c->nchunks++;
    }
    kh_op_t *op = kh_lay_op(c, c->nstaged++);
    memset(op, 0, sizeof *op);
    return op;
}

/* Text at x, baseline dy below the box top; width: its advance (pt). */
static void S_text(kh_lctx_t *c, int font, double size, double x, double dy,
                   const char *s, size_t n, double width, bool space_before)
{
    size_t at = S_store_text(c, s, n);
    kh_op_t *op = S_stage(c);
    *op = (kh_op_t){.kind = KH_OP_TEXT, .font = font, .size = size, .x = x, .y = dy,
                    .text = at, .len = n, .space_before = space_before,
                    .width = (float)width};
}

/* A line from (x1, dy1) to (x2, dy2), y measured down from the box top. */
void kh_lay_line(kh_lctx_t *c, double x1, double dy1, double x2, double dy2,
                 double width)
{
    kh_op_t *op = S_stage(c);
    *op = (kh_op_t){.kind = KH_OP_RULE, .x = x1, .y = dy1, .x2 = x2, .y2 = dy2,
                    .thickness = width};
}

/* A signature slot x..x+w wide, from dy_top down h pt in the open box. */
static void S_slot(kh_lctx_t *c, double x, double dy_top, double w, double h,
                   unsigned signer)
{
    kh_op_t *op = S_stage(c);
    /* y as for a rule: measured down in the box, here the bottom edge,
     * which placing turns into the corner PDF rectangles start from */
    *op = (kh_op_t){.kind = KH_OP_SLOT, .x = x, .y = dy_top + h, .w = w, .h = h,
                    .signer = signer};
}

static void S_rule(kh_lctx_t *c, double x1, double x2, double dy)
{
    kh_lay_line(c, x1, dy, x2, dy, c->tpl->rule_width);
}

size_t kh_lay_box_begin(kh_lctx_t *c) { return c->nstaged; }

void kh_lay_box_end(kh_lctx_t *c, size_t first, double height,
                    double space_before, bool keep)
{
    c->boxes = kh_array_grow(c->boxes, c->nboxes, &c->capboxes, sizeof *c->boxes,
                             128);
    c->boxes[c->nboxes++] =
        (kh_vbox_t){space_before, height, keep, false, first, c->nstaged - first, 0,
                    false, c->line, c->col, false, false, c->note_max};
    c->note_max = 0;
}

/* ---- measuring ---- */

double kh_lay_line_h(const kh_lctx_t *c, double size)
{
    return size * c->tpl->line_height;
}

/* Baseline below a line's top: half the leading, then the ascent. */
double kh_lay_baseline(const kh_lctx_t *c, double size)
{
    kh_font_info_t fi;
    kh_font_info(c->fonts[KH_FONT_REGULAR], &fi);
    double glyph_h = (fi.ascent - fi.descent) * size / 1000;
    return (kh_lay_line_h(c, size) - glyph_h) / 2 + fi.ascent * size / 1000;
}

/* Where the character enc first occurs in the source at or after the
 * current block's line (the whole file if not there): 1-based line and
 * column in characters. */
static void S_locate(const kh_lctx_t *c, const char *enc, int *line, int *col)
{
    /* from the block's own line and column (a table cell starts mid-line:
     * "Tháng" in the fifth cell is not the one in the second), else from
     * the top of the file; enc holds no line end */
    const kh_source_t *src = c->src;
    size_t n = strlen(enc), at;
    int l;
    if (kh_source_find(src, c->line, kh_source_byte(src, c->line, c->col), src->nlines,
                       enc, n, &l, &at) ||
        kh_source_find(src, 1, 0, src->nlines, enc, n, &l, &at)) {
        *line = l, *col = kh_source_col(src, l, at);
        return;
    }
    *line = c->line, *col = c->col;
}

double kh_lay_piece_size(const kh_lctx_t *c, const kh_piece_t *p, double size)
{
    return p->shift != KH_SHIFT_NONE ? size * c->tpl->sup_scale : size;
}

/* Width of text; a character the font cannot show is a plan error, not a
 * blank in the PDF. */
double kh_lay_width(kh_lctx_t *c, int font, const char *s, size_t n,
                    double size)
{
    kh_font_t *f = c->fonts[font];
    double w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp = kh_utf8_next(s, n, &i);
        uint16_t g = kh_font_glyph(f, cp);
        if (!g && c->ok) {
            char ch[5] = {0};
            kh_utf8_encode(cp, ch);
            int line, col;
            S_locate(c, ch, &line, &col);
            kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_ERROR,
                        "glyph", "the font has no glyph for U+%04X '%s'",
                        (unsigned)cp, cp >= 0x20 ? ch : "?");
            c->ok = false;
        }
        w += kh_font_advance(f, g);
    }
    return w * size / 1000;
}

/* ---- simple lines: centred, or wrapped greedily ---- */


/* True if w[0..len) ends with a dash (whole: is exactly one): hyphen-minus,
 * en dash U+2013 (E2 80 93) or em dash U+2014 (E2 80 94). */
static bool S_dash(const char *w, size_t len, bool whole)
{
    if (len >= 1 && w[len - 1] == '-')
        return !whole || len == 1;
    return len >= 3 && (!whole || len == 3) && (unsigned char)w[len - 3] == 0xE2 &&
           (unsigned char)w[len - 2] == 0x80 &&
           ((unsigned char)w[len - 1] == 0x93 || (unsigned char)w[len - 1] == 0x94);
}

/* ---- where a word may break ---- */

/* Marks typed after a space that must not start a line: they belong to
 * the word before ("xong ," / "100 %"). */
static bool S_closing_mark(const char *w, size_t len)
{
    if (len == 0)
        return false;
    if (strchr(",;:.!?)%]", w[0]) && w[0])
        return true;
    /* ” U+201D and … U+2026: E2 80 9D, E2 80 A6 */
    return len >= 3 && (unsigned char)w[0] == 0xE2 && (unsigned char)w[1] == 0x80 &&
           ((unsigned char)w[2] == 0x9D || (unsigned char)w[2] == 0xA6);
}

/* An opening bracket or quote that must not end a line: it belongs to
 * the word after ("( xem" / "“ Ngành"). */
static bool S_opening_mark(const char *w, size_t len)
{
    if (len == 0)
        return false;
    if (w[len - 1] == '(' || w[len - 1] == '[')
        return true;
    /* “ U+201C: E2 80 9C */
    return len >= 3 && (unsigned char)w[len - 3] == 0xE2 &&
           (unsigned char)w[len - 2] == 0x80 && (unsigned char)w[len - 1] == 0x9C;
}

/* Characters after which a URL, path or code may break. A hyphen is the
 * exception: the break goes before it ("chi" / "-tiet.html"), since text
 * extractors take a line-final hyphen for a hyphenation and drop it. */
static bool S_url_mark(char ch)
{
    return ch && strchr("/\\.?&=_-", ch) != NULL; /* '\\': Windows paths */
}

/* Byte length of the grapheme (a character and its combining marks)
 * starting at s[i]: a mark is never separated from the letter before it
 * (text is NFC, but a mark with no precomposed form stays combining). */
static size_t S_grapheme(const char *s, size_t n, size_t i)
{
    size_t j = i;
    kh_utf8_next(s, n, &j);
    while (j < n) {
        size_t k = j;
        if (!kh_combining(kh_utf8_next(s, n, &k)))
            break;
        j = k;
    }
    return j - i;
}

/* True if a URL, path or code may break at byte q of w[0..len): after a
 * run of / . ? & = _ that follows some other character (letter: w[0..q)
 * has a character that is no mark), or before a hyphen that follows one;
 * never before another mark or a closing mark. */
static bool S_url_break(const char *w, size_t len, size_t q, bool letter)
{
    if (!letter || q == 0 || q >= len || S_closing_mark(w + q, len - q))
        return false;
    bool before_hyphen = w[q] == '-' && !S_url_mark(w[q - 1]) && q + 1 < len &&
                         !S_url_mark(w[q + 1]);
    return before_hyphen ||
           (w[q - 1] != '-' && S_url_mark(w[q - 1]) && !S_url_mark(w[q]));
}

/* Reports a word wider than its box, at its place in the source. */
static void S_long_word(kh_lctx_t *c, const char *w, size_t len, double width,
                        double box)
{
    /* the word's first 40 characters name it (and find it in the source) */
    char key[4 * 40 + 1];
    size_t k = 0;
    for (size_t chars = 0; k < len && chars < 40; chars++)
        kh_utf8_next(w, len, &k);
    memcpy(key, w, k);
    key[k] = '\0';
    int line = 0, col = 0;
    if (!kh_diag_full(c->diags, KH_SEV_WARNING)) /* else only counted */
        S_locate(c, key, &line, &col);
    /* a cell is broken more than once (its row split, measured): one
     * warning for one word */
    if (line && line == c->long_line && col == c->long_col)
        return;
    c->long_line = line, c->long_col = col;
    kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_WARNING, "long-word",
                "'%s%s' is wider than its box (%.1f pt > %.1f pt): broken between letters",
                key, k < len ? "…" : "", width, box < 0 ? 0 : box);
}

/* True if a line should not break between the words a and b of a date
 * ("ngày 14", "14 tháng", "tháng 3", "3 năm", "năm 2025"). */
static bool S_date_words(const char *a, size_t alen, const char *b, size_t blen)
{
#define KH_IS(w, n, lit) ((n) == sizeof lit - 1 && memcmp((w), lit, sizeof lit - 1) == 0)
    bool a_num = alen > 0 && alen <= 4, b_num = blen > 0 && blen <= 4;
    for (size_t k = 0; k < alen && a_num; k++)
        a_num = a[k] >= '0' && a[k] <= '9';
    for (size_t k = 0; k < blen && b_num; k++)
        b_num = b[k] >= '0' && b[k] <= '9';
    bool a_unit = KH_IS(a, alen, "ngày") || KH_IS(a, alen, "tháng") || KH_IS(a, alen, "năm");
    bool b_unit = KH_IS(b, blen, "tháng") || KH_IS(b, blen, "năm");
#undef KH_IS
    return (a_unit && b_num) || (a_num && b_unit);
}

/* End of the words from i that must stay on one line: as in paragraphs
 * (S_space_penalty), no line ends in a dash or an opening mark, none
 * starts with a lone dash or a closing mark ("TỔ CHỨC - HÀNH CHÍNH" breaks
 * before "TỔ" or after "HÀNH", never at the dash), and no line breaks at a
 * kept blank (2+ spaces: "số      /KH-STC ngày      tháng", room for the
 * clerk to fill in), unless even the group is wider than the line
 * (S_fit_prefix; S_wrap then keeps the blank's width). */
static size_t S_group_end(const char *s, size_t n, size_t i)
{
    for (;;) {
        size_t we = i;
        while (we < n && s[we] != ' ')
            we++;
        size_t next = we;
        while (next < n && s[next] == ' ')
            next++;
        if (next >= n)
            return we;
        if (next - we >= 2) { /* a kept blank joins its neighbours */
            i = next;
            continue;
        }
        size_t ne = next;
        while (ne < n && s[ne] != ' ')
            ne++;
        /* … and a date stays whole ("ngày 14 tháng 3 năm 2025") */
        if (!S_dash(s + i, we - i, false) && !S_dash(s + next, ne - next, true) &&
            !S_opening_mark(s + i, we - i) && !S_closing_mark(s + next, ne - next) &&
            !S_date_words(s + i, we - i, s + next, ne - next))
            return we;
        i = next;
    }
}

typedef struct {
    size_t start, len;
    double width;
} kh_span_line_t;

typedef struct {
    kh_span_line_t *v;
    size_t n, cap;
} kh_span_lines_t;

/* Where a line must end inside the group s[i, ge) that is wider than the
 * line on its own: at its last space or URL break that fits, else between
 * letters (a warning: the word is wider than its
 * box; at least one letter goes on the line). url_only: only a URL break
 * will do (filling the rest of a line), else 0. *w gets the width. */
static size_t S_fit_prefix_at(kh_lctx_t *c, int font, double size,
                              const char *s, size_t i, size_t ge, double width,
                              bool warn, bool url_only, double *w)
{
    size_t at_space = 0, at_url = 0, at_letter = 0, at_plain = 0;
    double sum = 0, plain_w = 0;
    bool letter = false; /* the current word has a character that is no mark */
    for (size_t q = i; q < ge;) {
        size_t g = S_grapheme(s, ge, q);
        if (q > i && s[q - 1] == ' ')
            letter = false;
        if (q > i && s[q - 1] != ' ' && !S_url_mark(s[q - 1]))
            letter = true;
        if (q > i && s[q] == ' ' && s[q - 1] != ' ')
            at_space = q;
        else if (q > i && s[q] != ' ' && S_url_break(s, ge, q, letter)) {
            at_url = q;
            if (s[q] != '-') /* after '/', '.'…: no line starts with a '-' */
                at_plain = q, plain_w = sum;
        }
        if (q > i && s[q] != ' ' && s[q - 1] != ' ' && !S_closing_mark(s + q, ge - q))
            at_letter = q;
        sum += kh_lay_width(c, font, s + q, g, size);
        if (sum > width + 0.001)
            break;
        q += g;
        if (q == ge)
            at_letter = q; /* cannot happen for a group wider than the line */
    }
    /* a break before a '-' starts the next line with what reads as a new
     * item ("-ban/ke-hoach…" under a Nơi nhận entry): the last break after
     * another mark is taken instead when it fills half the line */
    if (at_url && at_url != at_plain && at_plain && plain_w >= width / 2)
        at_url = at_plain;
    if (url_only) {
        *w = at_url ? kh_lay_width(c, font, s + i, at_url - i, size) : 0;
        return at_url;
    }
    /* the last break that fits, a space or a URL mark: "- https://…/"
     * keeps its bullet with the head of the address, never alone */
    size_t end = at_space > at_url ? at_space : at_url ? at_url : at_letter;
    if (!end || end <= i)
        end = i + S_grapheme(s, ge, i);
    if (!at_space && !at_url && warn) {
        size_t we = i;
        while (we < ge && s[we] != ' ')
            we++;
        S_long_word(c, s + i, we - i, kh_lay_width(c, font, s + i, we - i, size), width);
    }
    *w = kh_lay_width(c, font, s + i, end - i, size);
    return end;
}

static size_t S_fit_prefix(kh_lctx_t *c, int font, double size, const char *s,
                           size_t i, size_t ge, double width, bool warn,
                           double *w)
{
    return S_fit_prefix_at(c, font, size, s, i, ge, width, warn, false, w);
}

/* Greedy wrap of s at spaces into lines no wider than width (out gets the
 * lines; any number). A group of words wider than the line on its own is
 * broken inside (S_fit_prefix); returns true if one was. warn: report a
 * word broken between letters. */
static bool S_wrap(kh_lctx_t *c, int font, double size, const char *s,
                   double width, bool warn, kh_span_lines_t *out)
{
    size_t n = strlen(s), i = 0;
    bool split = false;
    double space = kh_lay_width(c, font, " ", 1, size);
    out->n = 0;
    while (i < n) {
        size_t run = i;
        while (i < n && s[i] == ' ')
            i++;
        if (i >= n)
            break;
        /* a kept blank a line had to break at (inside a group wider than
         * the line) opens the next line with its width: the clerk's room
         * to fill in is never lost */
        size_t lead = run > 0 && i - run >= 2 ? i - run : 0;
        if ((double)lead * space > width / 2)
            lead = 0; /* a blank wider than half the line: the words first */
        size_t start = i - lead, first = i, end = i;
        double w = (double)lead * space;
        while (i < n) {
            size_t we = S_group_end(s, n, i);
            double ww = kh_lay_width(c, font, s + i, we - i, size);
            /* every space typed counts: a draft's blanks ("ngày        tháng")
             * print as typed, so they take their width on the line */
            double gap = end > first ? (double)(i - end) * space : 0;
            double add = gap + ww;
            if (w + add > width + 0.001) {
                if (end == first) { /* alone and still too wide */
                    double lw = w, pw;
                    end = i = S_fit_prefix(c, font, size, s, i, we, width - lw, warn, &pw);
                    w = lw + pw;
                    split = true;
                } else if (ww > width) {
                    /* a URL wider than any line: its head fills this one */
                    double hw;
                    size_t head = S_fit_prefix_at(c, font, size, s, i, we,
                                                  width - w - gap, false, true, &hw);
                    if (head > i) {
                        w += gap + hw;
                        end = i = head;
                        split = true;
                    }
                }
                break;
            }
            w += add;
            end = we;
            i = we;
            while (i < n && s[i] == ' ')
                i++;
        }
        out->v = kh_array_grow(out->v, out->n, &out->cap, sizeof *out->v, 8);
        out->v[out->n++] = (kh_span_line_t){start, end - start, w};
    }
    return split;
}

/* The penalty of a line break at a gap of class kh_break_t (the model's
 * word, plan->header_*_breaks), in the units of S_wrap_breaks' balance
 * term (the square of a line's share of the column): a break inside a
 * compound or a place's name ("ỦY BAN NHÂN / DÂN") costs more than any
 * imbalance two lines can have; a plain gap costs a little, so a good gap
 * ("… NHÂN DÂN / TỈNH GIA LAI") wins unless its lines are far apart. */
static const double S_break_penalty[] = {
    [KH_BREAK_GOOD] = 0, [KH_BREAK_PLAIN] = 0.1, [KH_BREAK_BAD] = 4};

/* The greedy line count's lines of s, chosen to minimise the sum of the
 * squared line widths (over width: balance) plus the penalties of the
 * breaks taken; cls[i] (the model's class of the gap whose first space is
 * s[i]) for i in [0, strlen(s)]. Every line fits width, as the greedy
 * lines do. Returns false (out untouched) with more than MAXG (32) groups or one
 * line: the caller keeps its lines. */
static bool S_wrap_breaks(kh_lctx_t *c, int font, double size, const char *s,
                          const unsigned char *cls, double width, size_t nlines,
                          kh_span_lines_t *out)
{
    enum { MAXG = 32 }; /* a header name's groups; more: the plain balance */
    size_t n = strlen(s), gs[MAXG], ge[MAXG], ng = 0;
    double gw[MAXG], space = kh_lay_width(c, font, " ", 1, size);
    for (size_t i = 0; i < n;) {
        while (i < n && s[i] == ' ')
            i++;
        if (i >= n)
            break;
        if (ng == MAXG)
            return false;
        gs[ng] = i;
        ge[ng] = S_group_end(s, n, i);
        /* a dash joins its neighbours in a group (S_group_end); where the
         * model welcomes a break after it ("SỞ LAO ĐỘNG - / THƯƠNG BINH VÀ
         * XÃ HỘI"), the group ends at the dash */
        for (size_t p = i + 1; p < ge[ng]; p++)
            if (s[p] == ' ' && s[p - 1] != ' ' && cls[p] == KH_BREAK_GOOD) {
                size_t w0 = p;
                while (w0 > i && s[w0 - 1] != ' ')
                    w0--;
                if (S_dash(s + w0, p - w0, true)) {
                    ge[ng] = p;
                    break;
                }
            }
        gw[ng] = kh_lay_width(c, font, s + i, ge[ng] - i, size);
        i = ge[ng++];
    }
    if (nlines < 2 || nlines > ng)
        return false;
    /* best[l][j]: least cost of groups [0, j) in l lines; from[l][j]: the
     * first group of the last of them */
    double best[MAXG + 1][MAXG + 1];
    size_t from[MAXG + 1][MAXG + 1];
    for (size_t l = 0; l <= nlines; l++)
        for (size_t j = 0; j <= ng; j++)
            best[l][j] = INFINITY;
    best[0][0] = 0;
    for (size_t l = 1; l <= nlines; l++)
        for (size_t j = 1; j <= ng; j++)
            for (size_t a = j; a-- > 0;) {
                double w = gw[a];
                for (size_t k = a + 1; k < j; k++)
                    w += gw[k] + (double)(gs[k] - ge[k - 1]) * space;
                if (w > width + 0.001)
                    break;
                if (best[l - 1][a] == INFINITY)
                    continue;
                double cost = best[l - 1][a] + (w / width) * (w / width);
                if (j < ng)
                    cost += S_break_penalty[cls[ge[j - 1]] <= KH_BREAK_BAD
                                                ? cls[ge[j - 1]]
                                                : KH_BREAK_PLAIN];
                if (cost < best[l][j]) {
                    best[l][j] = cost;
                    from[l][j] = a;
                }
            }
    if (best[nlines][ng] == INFINITY)
        return false;
    out->n = 0;
    while (out->cap < nlines)
        out->v = kh_array_grow(out->v, out->cap, &out->cap, sizeof *out->v, nlines);
    for (size_t l = nlines, j = ng; l > 0; l--) {
        size_t a = from[l][j];
        double w = gw[a];
        for (size_t k = a + 1; k < j; k++)
            w += gw[k] + (double)(gs[k] - ge[k - 1]) * space;
        out->v[l - 1] = (kh_span_line_t){gs[a], ge[j - 1] - gs[a], w};
        j = a;
    }
    out->n = nlines;
    return true;
}

/* True if one of the breaks between lines (spans of the line cls
 * classes) falls at a gap cls calls KH_BREAK_BAD. */
static bool S_bad_break(const unsigned char *cls, const kh_span_lines_t *lines)
{
    for (size_t l = 0; l + 1 < lines->n; l++)
        if (cls[lines->v[l].start + lines->v[l].len] == KH_BREAK_BAD)
            return true;
    return false;
}

/* Smallest width that keeps the greedy line count: balanced lines (not
 * when a word had to be broken inside: then the greedy lines). With the
 * model's break classes (cls, for s; NULL: none), the lines that weigh
 * balance against where the breaks fall (S_wrap_breaks). */
static void S_wrap_balanced(kh_lctx_t *c, int font, double size, const char *s,
                            const unsigned char *cls, double width,
                            kh_span_lines_t *out)
{
    if (S_wrap(c, font, size, s, width, false, out)) {
        S_wrap(c, font, size, s, width, true, out);
        return;
    }
    size_t n = out->n;
    if (n < 2)
        return;
    if (cls && S_wrap_breaks(c, font, size, s, cls, width, n, out)) {
        /* a break inside a compound the greedy count forces ("PHÓ CHỦ
         * TỊCH ỦY BAN NHÂN / DÂN TỈNH QUẢNG NGÃI"): one line more, when
         * that avoids it ("PHÓ CHỦ TỊCH / ỦY BAN NHÂN DÂN / TỈNH …") */
        if (S_bad_break(cls, out)) {
            kh_span_lines_t more = {0};
            if (S_wrap_breaks(c, font, size, s, cls, width, n + 1, &more) &&
                !S_bad_break(cls, &more)) {
                free(out->v);
                *out = more;
            } else {
                free(more.v);
            }
        }
        return;
    }
    double lo = width / (double)n, hi = width;
    for (int it = 0; it < 12; it++) { /* to 1/4096 of the width */
        double mid = (lo + hi) / 2;
        if (!S_wrap(c, font, size, s, mid, false, out) && out->n == n)
            hi = mid;
        else
            lo = mid;
    }
    S_wrap(c, font, size, s, hi, false, out);
}

/* Centred wrapped lines from dy down; a line break in the text (a YAML
 * block scalar) is kept, so a clerk can choose where a long name or title
 * breaks. Returns the height used; *widest gets the widest line. */
static double S_centered_lines(kh_lctx_t *c, int font, double size, double cx,
                               double width, double dy, const char *text,
                               bool balanced, const unsigned char *cls,
                               double *widest)
{
    double lh = kh_lay_line_h(c, size), base = kh_lay_baseline(c, size), y = dy;
    *widest = 0;
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        abort();
    kh_span_lines_t lines = {0};
    for (char *s = strtok_r(copy, "\n", &save); s; s = strtok_r(NULL, "\n", &save)) {
        if (balanced)
            S_wrap_balanced(c, font, size, s, cls ? cls + (s - copy) : NULL,
                            width, &lines);
        else
            S_wrap(c, font, size, s, width, true, &lines);
        for (size_t i = 0; i < lines.n; i++, y += lh) {
            S_text(c, font, size, cx - lines.v[i].width / 2, y + base,
                   s + lines.v[i].start, lines.v[i].len, lines.v[i].width, false);
            if (lines.v[i].width > *widest)
                *widest = lines.v[i].width;
        }
    }
    free(lines.v);
    free(copy);
    return y - dy;
}

static double S_centered_block(kh_lctx_t *c, int font, double size, double cx,
                               double width, double dy, const char *text,
                               bool balanced)
{
    double widest;
    return S_centered_lines(c, font, size, cx, width, dy, text, balanced, NULL,
                            &widest);
}

/* ---- header and title ---- */

static double S_rule_under(kh_lctx_t *c, double cx, double len, double dy)
{
    S_rule(c, cx - len / 2, cx + len / 2, dy);
    return dy;
}

/* ---- marks (spec appendix-esign.md §5) ---- */

/* Room kept between a mark and what is next to it: practice, the decree
 * gives none. */
static const double c_mark_gap = 2 * 72 / 25.4;

/* A mark's stamp: its box from (x, dy) (top left, y down) and its text
 * centred in it, bold, red or black as the model says; a second border
 * 1 mm inside a secrecy stamp's. Returns its width (pt). The box is at
 * least the model's size and never narrower than the text and its
 * padding, so the text always lies inside the border. */
static double S_stamp(kh_lctx_t *c, const kh_mark_t *m, double x, double dy,
                      bool right)
{
    const double mm = 72 / 25.4;
    size_t n = strlen(m->text);
    double tw = kh_lay_width(c, KH_FONT_BOLD, m->text, n, m->size);
    double w = m->w_mm * mm, h = m->h_mm * mm;
    if (w < tw + 2 * m->pad_mm * mm)
        w = tw + 2 * m->pad_mm * mm;
    if (right)
        x -= w;
    size_t at = c->nstaged;
    kh_lay_line(c, x, dy, x + w, dy + h, 0.75);
    kh_lay_op(c, at)->kind = KH_OP_RECT;
    kh_lay_op(c, at)->color = m->red ? KH_COLOR_RED : KH_COLOR_BLACK;
    if (m->double_border) {
        at = c->nstaged;
        kh_lay_line(c, x + mm, dy + mm, x + w - mm, dy + h - mm, 0.5);
        kh_lay_op(c, at)->kind = KH_OP_RECT;
        kh_lay_op(c, at)->color = kh_lay_op(c, at - 1)->color;
    }
    /* the glyph box (ascent to descent) centred: what pdftotext reports */
    double asc = c->ascent[KH_FONT_BOLD] * m->size / 1000,
           desc = -c->descent[KH_FONT_BOLD] * m->size / 1000;
    at = c->nstaged;
    S_text(c, KH_FONT_BOLD, m->size, x + (w - tw) / 2, dy + (h - asc - desc) / 2 + asc,
           m->text, n, tw, false);
    kh_lay_op(c, at)->color = m->red ? KH_COLOR_RED : KH_COLOR_BLACK;
    return w;
}

/* The circulation note (cell 11: above the national title, top right, in
 * the top margin's band), staged in the header's box (first) above its
 * top, its right edge on the right header column's. Where the band is too
 * low for it (a template's small top margin) the header's own ops move
 * down by the shortfall, so it never leaves the paper less 8 mm nor
 * overlaps the header. Returns that shortfall (0 with the template's 25
 * mm), which the header's height grows by. */
static double S_circulation(kh_lctx_t *c, const kh_plan_t *p, size_t first)
{
    const kh_mark_t *m = &p->circulation;
    if (!m->text)
        return 0;
    const kh_template_t *t = c->tpl;
    const double inset = 8 * 72 / 25.4 + c_mark_gap / 2;
    double h = m->h_mm * 72 / 25.4;
    double top = -c_mark_gap - h; /* from the header's top */
    double down = c->margin_top + top < inset ? inset - (c->margin_top + top) : 0;
    for (size_t i = first; i < c->nstaged; i++) {
        kh_lay_op(c, i)->y += (float)down;
        if (kh_op_has_end(kh_lay_op(c, i)))
            kh_lay_op(c, i)->y2 += (float)down;
    }
    double xr = t->margin_left - t->hdr_shift + t->hdr_left_w + t->hdr_right_w;
    S_stamp(c, m, xr, top + down, true);
    return down;
}

/* The secrecy mark (cell 10a) and under it the urgency mark (10b): a box
 * of their own after the header, in the left column under the Số line,
 * at the column's left edge (spec appendix-esign.md §5, the decree's
 * diagram). Nothing of the header's right column reaches below the
 * header's box, so nothing overlaps them. */
static void S_marks(kh_lctx_t *c, const kh_plan_t *p)
{
    if (!p->secrecy.text && !p->urgency.text)
        return;
    const kh_template_t *t = c->tpl;
    double x = t->margin_left - t->hdr_shift, y = c_mark_gap;
    size_t first = kh_lay_box_begin(c);
    c->line = c->col = 1;
    const kh_mark_t *m[] = {&p->secrecy, &p->urgency};
    for (size_t i = 0; i < 2; i++) {
        if (!m[i]->text)
            continue;
        S_stamp(c, m[i], x, y, false);
        y += m[i]->h_mm * 72 / 25.4 + c_mark_gap;
    }
    kh_lay_box_end(c, first, y - c_mark_gap, 0, true);
}

/* The number line as it wraps in its column (width, pt): a copy of s
 * (malloc'd, the caller's) with a '\n' after the last hyphen of the
 * symbol that lets the line fit, repeated while what is left is wider:
 * "Số: 07/KHLT-SLĐTBXH-MTTQ-" / "HLHTN". The joined codes of a joint
 * plan (spec appendix-esign.md §2) are one word to the line breaker,
 * whose URL rule would break before a hyphen; no line of the symbol
 * starts with "-". */
static char *S_number_lines(kh_lctx_t *c, int font, double size, const char *s,
                            double width)
{
    char *out = strdup(s);
    if (!out)
        abort();
    const char *slash = strchr(out, '/');
    size_t start = 0, n = strlen(out);
    while (slash && kh_lay_width(c, font, out + start, n - start, size) > width + 0.001) {
        size_t cut = 0;
        for (size_t q = (size_t)(slash - out) + 1; q + 1 < n; q++)
            if (q >= start && out[q] == '-' &&
                kh_lay_width(c, font, out + start, q + 1 - start, size) <= width + 0.001)
                cut = q + 1;
        if (!cut)
            break; /* the line breaker's own way */
        /* the '\n' goes in, the rest moves on by one */
        char *g = realloc(out, n + 2);
        if (!g)
            abort();
        out = g;
        memmove(out + cut + 1, out + cut, n - cut + 1);
        out[cut] = '\n';
        n++;
        start = cut + 1;
        slash = out + start - 1;
    }
    return out;
}

static void S_header(kh_lctx_t *c, const kh_plan_t *p)
{
    const kh_template_t *t = c->tpl;
    double x0 = t->margin_left - t->hdr_shift;
    double lcx = x0 + t->hdr_left_w / 2, rcx = x0 + t->hdr_left_w + t->hdr_right_w / 2;
    size_t first = kh_lay_box_begin(c);
    c->line = c->col = 1;

    /* each body's block, stacked (a joint plan's: spec appendix-esign.md
     * §2, practice), header.joint_gap_pt between them; the rule under the
     * last body's name */
    double ly = 0, widest = 0;
    for (size_t i = 0; i < p->nheader_issuers; i++) {
        const kh_frame_issuer_t *h = &p->header_issuers[i];
        if (i)
            ly += t->joint_gap;
        if (h->parent)
            ly += S_centered_lines(c, KH_FONT_REGULAR, t->parent_size, lcx,
                                   t->hdr_left_w, ly, h->parent, true,
                                   h->parent_breaks, &widest);
        ly += S_centered_lines(c, KH_FONT_BOLD, t->issuer_size, lcx, t->hdr_left_w,
                               ly, h->name, true, h->name_breaks, &widest);
    }
    double lrule = S_rule_under(c, lcx, widest * t->issuer_rule_ratio,
                                ly - kh_lay_line_h(c, t->issuer_size) +
                                    kh_lay_baseline(c, t->issuer_size) + t->rule_gap);

    double ry = S_centered_block(c, KH_FONT_BOLD, t->national_size, rcx,
                                 t->hdr_right_w, 0, t->national_title, false);
    ry += S_centered_block(c, KH_FONT_BOLD, t->motto_size, rcx, t->hdr_right_w,
                           ry, t->motto, false);
    double motto_w = kh_lay_width(c, KH_FONT_BOLD, t->motto, strlen(t->motto),
                             t->motto_size);
    double rrule = S_rule_under(c, rcx, motto_w,
                                ry - kh_lay_line_h(c, t->motto_size) +
                                    kh_lay_baseline(c, t->motto_size) + t->rule_gap);

    /* The "Số" line and the place-date share one baseline, whatever wrapped
     * above them: the second row of the decree's table. */
    double row = (lrule > rrule ? lrule : rrule) + t->number_gap;
    if (!p->number_line) { /* a plan issued with a decision: Mẫu 1.3 has no row */
        double end = (lrule > rrule ? lrule : rrule) + S_circulation(c, p, first);
        kh_lay_box_end(c, first, end, 0, true);
        return;
    }
    double big = t->number_size > t->place_date_size ? t->number_size
                                                     : t->place_date_size;
    double base = row + kh_lay_baseline(c, big);
    double bottom = row + kh_lay_line_h(c, big), top, w;
    top = base - kh_lay_baseline(c, t->number_size);
    char *number = S_number_lines(c, KH_FONT_REGULAR, t->number_size,
                                  p->number_line, t->hdr_left_w);
    top += S_centered_lines(c, KH_FONT_REGULAR, t->number_size, lcx,
                            t->hdr_left_w, top, number, false, NULL, &w);
    free(number);
    bottom = top > bottom ? top : bottom;
    /* a place-date wider than its column breaks after the place's comma
     * ("Thành phố Hồ Chí Minh," / "ngày 28 tháng 11 năm 2025"); a place
     * wider than the column on its own wraps into balanced lines (no lone
     * "Tum," under "Thị trấn Plei Kần, huyện Ngọc Hồi, tỉnh Kon") */
    char *date = strdup(p->place_date_line);
    if (!date)
        abort();
    char *comma = strstr(date, ", ");
    for (char *q = comma; q; q = strstr(q + 1, ", "))
        comma = q;
    if (comma && kh_lay_width(c, KH_FONT_ITALIC, date, strlen(date), t->place_date_size) >
                     t->hdr_right_w)
        comma[1] = '\n';
    top = base - kh_lay_baseline(c, t->place_date_size);
    top += S_centered_lines(c, KH_FONT_ITALIC, t->place_date_size, rcx,
                            t->hdr_right_w, top, date, true, p->place_date_breaks,
                            &w);
    bottom = top > bottom ? top : bottom;
    free(date);
    bottom += S_circulation(c, p, first);
    kh_lay_box_end(c, first, bottom, 0, true);
}

/* The "Kính gửi:" label and its "- A;" lines (plan->addressee_lines, two
 * or more) from dy down: each line flush left, the block centred by its
 * widest line (a công văn's practice); a line wider than the text width
 * wraps under itself and the block starts at the margin. Returns the
 * bottom of the last line (pt below the box top). */
static double S_addressee_block(kh_lctx_t *c, const kh_plan_t *p, double dy)
{
    const kh_template_t *t = c->tpl;
    double size = t->addressee_size, lh = kh_lay_line_h(c, size),
           base = kh_lay_baseline(c, size), widest = 0;
    for (size_t i = 0; i < p->naddressee_lines; i++) {
        const char *s = p->addressee_lines[i];
        double w = kh_lay_width(c, KH_FONT_REGULAR, s, strlen(s), size);
        widest = w > widest ? w : widest;
    }
    widest = widest < c->text_w ? widest : c->text_w;
    double x = c->left + (c->text_w - widest) / 2;
    kh_span_lines_t lines = {0};
    for (size_t i = 0; i < p->naddressee_lines; i++) {
        const char *s = p->addressee_lines[i];
        S_wrap(c, KH_FONT_REGULAR, size, s, c->text_w, true, &lines);
        for (size_t k = 0; k < lines.n; k++, dy += lh)
            S_text(c, KH_FONT_REGULAR, size, x, dy + base, s + lines.v[k].start,
                   lines.v[k].len, lines.v[k].width, false);
    }
    free(lines.v);
    return dy;
}

static void S_title(kh_lctx_t *c, const kh_plan_t *p)
{
    const kh_template_t *t = c->tpl;
    double cx = c->left + c->text_w / 2;
    size_t first = kh_lay_box_begin(c);
    double y = S_centered_block(c, KH_FONT_BOLD, t->doc_name_size, cx, c->text_w,
                                0, t->doc_name, false);
    y += S_centered_block(c, KH_FONT_BOLD, t->title_size, cx, c->text_w, y,
                          p->title, true);
    if (p->attached_line) /* Mẫu 1.3: italic, the trích yếu's size, the rule under it */
        y += S_centered_block(c, KH_FONT_ITALIC, t->title_size, cx, c->text_w, y,
                              p->attached_line, true);
    double rule = y - kh_lay_line_h(c, t->title_size) +
                  kh_lay_baseline(c, t->title_size) + t->title_rule_gap;
    S_rule_under(c, cx, c->text_w * t->title_rule_ratio, rule);
    double end = rule;
    if (p->naddressee_lines == 1) /* one line, centred; wraps if long */
        end += t->addressee_gap +
               S_centered_block(c, KH_FONT_REGULAR, t->addressee_size, cx,
                                c->text_w, rule + t->addressee_gap,
                                p->addressee_lines[0], true);
    else if (p->naddressee_lines)
        end = S_addressee_block(c, p, rule + t->addressee_gap);
    kh_lay_box_end(c, first, end + t->title_space_after, t->title_space_before, true);
}

/* ---- paragraphs ---- */


static void S_piece(kh_pieces_t *ps, kh_piece_t p)
{
    ps->items = kh_array_grow(ps->items, ps->n, &ps->cap, sizeof *ps->items, 64);
    ps->items[ps->n++] = p;
}

/* Digits and the marks numbers, dates and amounts are written with
 * ("1.800.000.000", "27/02/2024", "95,5%"): such a word never breaks at
 * its marks, and a table column is never narrower than it. */
bool kh_lay_is_number(const char *s, size_t n)
{
    for (size_t q = 0; q < n; q++)
        if (!strchr("0123456789.,/:%+-()", s[q]) || !s[q])
            return false;
    return n > 0;
}

/* Adds a word's pieces [from, to) of src to out, split where the word may
 * break: after URL marks always (at a penalty), and between letters in a
 * run that is still wider than box (first_box for the block's first word),
 * with a warning. */
static void S_split_word(kh_lctx_t *c, const kh_pieces_t *src, size_t from,
                         size_t to, double size, double box, bool warn,
                         kh_pieces_t *out)
{
    size_t start = out->n;
    double whole = 0;
    for (size_t i = from; i < to; i++) {
        kh_piece_t p = src->items[i];
        p.width = kh_lay_width(c, p.font, p.text, p.len, kh_lay_piece_size(c, &p, size));
        whole += p.width;
        S_piece(out, p);
    }
    /* only a long word (a URL, a path, a code) breaks at its marks: short
     * ones ("27/02/2024", "180/KH-UBND") stay whole, and so does a number
     * ("1.800.000.000" split after a dot reads as two amounts): one too
     * wide for its box breaks between digits, with a long-word warning */
    bool number = true;
    for (size_t i = from; i < to && number; i++)
        number = kh_lay_is_number(src->items[i].text, src->items[i].len);
    if (whole > box * c_url_min_share && !number) {
        size_t count = out->n - start;
        kh_piece_t *word = malloc(count * sizeof *word);
        if (!word)
            abort();
        memcpy(word, out->items + start, count * sizeof *word);
        out->n = start;
        for (size_t i = 0; i < count; i++) {
            kh_piece_t p = word[i];
            size_t a = 0;
            bool letter = false;
            for (size_t q = 1; q <= p.len; q++) {
                letter |= !S_url_mark(p.text[q - 1]);
                if (q < p.len && !S_url_break(p.text, p.len, q, letter))
                    continue;
                kh_piece_t sub = p;
                sub.text = p.text + a;
                sub.len = q - a;
                if (a > 0 || q < p.len)
                    sub.width = kh_lay_width(c, p.font, sub.text, sub.len,
                                             kh_lay_piece_size(c, &p, size));
                if (a > 0) {
                    sub.space_before = sub.hard_break = false;
                    sub.split = p.text[a] == '-' ? c_url_hyphen_penalty
                                                 : c_url_break_penalty;
                }
                S_piece(out, sub);
                a = q;
            }
        }
        free(word);
    }
    /* a fill-in line, all of the word (kh_fill_run): it breaks anywhere,
     * whatever its width, with no warning */
    bool fill = to - from == 1 && src->items[from].len &&
                kh_fill_run(src->items[from].text, src->items[from].len) ==
                    src->items[from].len;
    /* runs between breaks still wider than the box break between letters;
     * a kept blank before the word counts with its first run, since a line
     * broken at the blank opens with it (kh_lay_items): "98  Tháng" in a
     * narrow cell would otherwise leave "  Tháng" wider than its box */
    for (size_t i = start; i < out->n;) {
        size_t j = i + 1;
        double w = out->items[i].width;
        if (i == start && out->items[i].blank)
            w += kh_lay_width(c, out->items[i].font, " ", 1, size) * out->items[i].blank;
        while (j < out->n && out->items[j].split == 0)
            w += out->items[j++].width;
        if (w <= box + 0.001 && !fill) {
            i = j;
            continue;
        }
        if (warn && !fill)
            S_long_word(c, src->items[from].text, src->items[from].len, w, box);
        kh_pieces_t letters = {0};
        for (size_t k = i; k < j; k++) {
            kh_piece_t p = out->items[k];
            for (size_t q = 0; q < p.len;) {
                size_t g = S_grapheme(p.text, p.len, q);
                kh_piece_t sub = p;
                sub.text = p.text + q;
                sub.len = g;
                sub.width = kh_lay_width(c, p.font, sub.text, g,
                                         kh_lay_piece_size(c, &p, size));
                if (q > 0 || k > i) {
                    sub.space_before = sub.hard_break = false;
                    sub.split = fill ? c_fill_break_penalty
                                : S_closing_mark(sub.text, p.len - q)
                                    ? c_mark_break_penalty : c_letter_break_penalty;
                }
                S_piece(&letters, sub);
                q += g;
            }
        }
        /* replace out[i, j) by the letters */
        size_t tail = out->n - j;
        kh_piece_t *rest = malloc((tail ? tail : 1) * sizeof *rest);
        if (!rest)
            abort();
        memcpy(rest, out->items + j, tail * sizeof *rest);
        out->n = i;
        for (size_t k = 0; k < letters.n; k++)
            S_piece(out, letters.items[k]);
        size_t next = out->n;
        for (size_t k = 0; k < tail; k++)
            S_piece(out, rest[k]);
        free(rest);
        free(letters.items);
        i = next;
    }
}

/* Splits the block's spans into word pieces at spaces, then each word
 * where it may break (S_split_word) for a box of width box (first_box for
 * the first word, after the indent); warn: report words wider than that. */
static bool S_nbsp(const char *s, size_t n, size_t k)
{
    return k + 1 < n && (unsigned char)s[k] == 0xC2 && (unsigned char)s[k + 1] == 0xA0;
}

void kh_lay_pieces(kh_lctx_t *c, const kh_text_t *b, double size,
                   double first_box, double box, bool warn, kh_pieces_t *out)
{
    kh_pieces_t word = {0}; /* the current word's pieces (one per font) */
    /* space: white space came before the next piece; nbsp: all of it was
     * no-break spaces (U+00A0), where a line may break only as a last
     * resort: text pasted from a PDF or the web may have nothing else */
    bool space = false, nbsp = false, brk = false;
    /* spaces: how many the run before the next word has (a no-break space
     * counts one, a tab KH_TAB_SPACES); two or more are a blank kept as
     * typed (a draft's "số      /KH-UBND" or "Số\t\t/KH" for the clerk
     * to fill in) */
    size_t spaces = 0;
    for (size_t i = 0; i <= b->nspans; i++) {
        const kh_span_t *sp = i < b->nspans ? &b->spans[i] : NULL;
        if (sp && (sp->style & KH_SPAN_BREAK)) {
            brk = true;
            continue;
        }
        int font = sp ? (int)(sp->style & 3) : 0;
        unsigned char shift = !sp ? KH_SHIFT_NONE
                              : (sp->style & KH_SPAN_SUB) ? KH_SHIFT_SUB
                              : (sp->style & KH_SPAN_SUP) ? KH_SHIFT_SUP : KH_SHIFT_NONE;
        bool note = sp && (sp->style & KH_SPAN_NOTE);
        const char *s = sp ? sp->text : "";
        size_t n = sp ? strlen(s) : 0;
        for (size_t k = 0; k <= n;) {
            bool is_nbsp = S_nbsp(s, n, k);
            bool white = k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || is_nbsp);
            bool end = !sp && k == n; /* after the last span */
            if (word.n && (white || brk || end)) { /* the word is complete */
                S_split_word(c, &word, 0, word.n, size,
                             out->n == 0 ? first_box : box, warn, out);
                word.n = 0;
            }
            if (k == n)
                break;
            if (white) {
                nbsp = is_nbsp && (nbsp || !space);
                /* a tab: KH_TAB_SPACES space widths (docs/rules.md, tab) */
                spaces += s[k] == '\t' ? KH_TAB_SPACES : s[k] == ' ' || is_nbsp;
                space = true;
                k += is_nbsp ? 2 : 1;
                continue;
            }
            size_t e = k;
            while (e < n && s[e] != ' ' && s[e] != '\t' && s[e] != '\n' && !S_nbsp(s, n, e))
                e++;
            bool first = out->n == 0 && word.n == 0;
            bool gap = space && !first && !brk;
            S_piece(&word, (kh_piece_t){.text = s + k, .len = (uint32_t)(e - k),
                                        .font = (unsigned char)font,
                                        .space_before = gap,
                                        .nbsp_before = gap && nbsp,
                                        .hard_break = brk,
                                        .shift = shift, .note = note,
                                        /* no-break spaces after a line
                                         * break: an indent, as browsers
                                         * show them (a nested list item) */
                                        .blank = (gap && spaces >= 2) ||
                                                         (brk && nbsp && spaces > 0)
                                                     ? (unsigned char)(spaces < 255 ? spaces : 255)
                                                     : 0});
            space = nbsp = brk = false;
            spaces = 0;
            k = e;
        }
    }
    free(word.items);
}

/* The penalty for a line break at the space between two words (the
 * pieces around the space): 0 for an ordinary space.
 * - A spaced dash stays with both neighbours: a line starting with a lone
 *   dash reads as a list item, and one ending in a dash is taken by text
 *   extractors for a hyphenation (they join the words and lose the dash).
 *   High but finite: taken only when nothing else fits.
 * - A closing mark typed after a space (", ; : . ! ? ) ” %") does not
 *   start a line, an opening "(" or "“" does not end one, unless nothing
 *   else keeps the text inside its box.
 * - A date ("ngày 14 tháng 3 năm 2025") is mildly kept whole. */
static double S_space_penalty(const kh_piece_t *before, const kh_piece_t *after)
{
    if (S_closing_mark(after->text, after->len) ||
        S_opening_mark(before->text, before->len))
        return c_mark_break_penalty;
    if (S_dash(before->text, before->len, false))
        return c_dash_end_penalty;
    if (S_dash(after->text, after->len, true))
        return c_dash_start_penalty;
    if (S_date_words(before->text, before->len, after->text, after->len))
        return c_date_break_penalty;
    return 0;
}

/* Knuth–Plass items for the pieces: a box per unbreakable run of a word
 * (pieces joined), a penalty where a word may break inside, glue per space,
 * a forced break per hard break and at the end. item_piece maps each box to
 * its first piece. */
size_t kh_lay_items(kh_lctx_t *c, const kh_pieces_t *ps, size_t from,
                    size_t to, double size, double indent,
                    kh_lb_item_t *items, size_t *item_piece)
{
    const kh_template_t *t = c->tpl;
    size_t n = 0;
    if (indent > 0) {
        item_piece[n] = (size_t)-1;
        items[n++] = (kh_lb_item_t){KH_LB_BOX, indent, 0, 0, 0};
    }
    for (size_t i = from; i < to; i++) {
        const kh_piece_t *p = &ps->items[i];
        if (i == from && i > 0) {
            /* a window of a long paragraph starts a line: the space or
             * break opportunity before its first piece has vanished, but
             * a kept blank or an indent keeps its width */
            if (p->blank) {
                item_piece[n] = (size_t)-1;
                items[n++] = (kh_lb_item_t){KH_LB_BOX,
                                            kh_lay_width(c, p->font, " ", 1, size) * p->blank,
                                            0, 0, 0};
            }
        } else if (p->hard_break) {
            item_piece[n] = (size_t)-1;
            items[n++] = (kh_lb_item_t){KH_LB_GLUE, 0, KH_LB_INFINITY, 0, 0};
            item_piece[n] = (size_t)-1;
            items[n++] = (kh_lb_item_t){KH_LB_PENALTY, 0, 0, 0, -KH_LB_INFINITY};
            if (p->blank) { /* the line's indent (kh_lay_pieces) */
                item_piece[n] = (size_t)-1;
                items[n++] = (kh_lb_item_t){KH_LB_BOX,
                                            kh_lay_width(c, p->font, " ", 1, size) * p->blank,
                                            0, 0, 0};
            }
        } else if (p->space_before) {
            kh_piece_t before = ps->items[i - 1];
            double sw = kh_lay_width(c, before.font, " ", 1, size);
            double pen = S_space_penalty(&before, p);
            if (p->nbsp_before && pen < c_nbsp_penalty)
                pen = c_nbsp_penalty;
            if (p->blank && pen < c_blank_penalty)
                pen = c_blank_penalty; /* a blank to fill in stays on its line */
            if (pen > 0) {
                item_piece[n] = (size_t)-1;
                items[n++] = (kh_lb_item_t){KH_LB_PENALTY, 0, 0, 0, pen};
            }
            item_piece[n] = (size_t)-1;
            if (p->blank) /* kept as typed: its width, never stretched; a
                             box, not glue, so a line broken before it
                             starts with it instead of dropping it */
                items[n++] = (kh_lb_item_t){KH_LB_BOX, sw * p->blank, 0, 0, 0};
            else
                items[n++] = (kh_lb_item_t){KH_LB_GLUE, sw, sw * t->space_stretch,
                                            sw * t->space_shrink, 0};
        } else if (p->split > 0) {
            item_piece[n] = (size_t)-1;
            items[n++] = (kh_lb_item_t){KH_LB_PENALTY, 0, 0, 0, p->split};
        }
        if (n > 0 && items[n - 1].kind == KH_LB_BOX && item_piece[n - 1] != (size_t)-1) {
            items[n - 1].width += p->width; /* same word, another font */
            continue;
        }
        item_piece[n] = i;
        items[n++] = (kh_lb_item_t){KH_LB_BOX, p->width, 0, 0, 0};
    }
    item_piece[n] = (size_t)-1;
    items[n++] = (kh_lb_item_t){KH_LB_GLUE, 0, KH_LB_INFINITY, 0, 0};
    item_piece[n] = (size_t)-1;
    items[n++] = (kh_lb_item_t){KH_LB_PENALTY, 0, 0, 0, -KH_LB_INFINITY};
    return n;
}

/* Places one line's words: items (from, to) exclusive of the break. */
void kh_lay_place_line(kh_lctx_t *c, const kh_pieces_t *ps,
                       const kh_lb_item_t *items, const size_t *item_piece,
                       size_t from, size_t to, double ratio, double size,
                       double x, double dy)
{
    bool pending_space = false;
    for (size_t k = from; k < to; k++) {
        const kh_lb_item_t *it = &items[k];
        if (it->kind == KH_LB_GLUE) {
            x += it->width + (ratio >= 0 ? ratio * it->stretch : ratio * it->shrink);
            pending_space = true;
            continue;
        }
        if (it->kind != KH_LB_BOX)
            continue;
        if (item_piece[k] == (size_t)-1) { /* the indent, or a kept blank */
            x += it->width;
            pending_space = k > from; /* a blank between words is a space */
            continue;
        }
        /* a word's run: its first piece and the pieces joined to it */
        for (size_t i = item_piece[k]; i < ps->n; i++) {
            const kh_piece_t *p = &ps->items[i];
            if (i > item_piece[k] && (p->space_before || p->hard_break || p->split > 0))
                break;
            /* a superscript's baseline is raised, a subscript's lowered
             * (dy grows downward) */
            const kh_template_t *t = c->tpl;
            double rise = p->shift == KH_SHIFT_SUP ? t->sup_rise * size
                          : p->shift == KH_SHIFT_SUB ? -t->sub_drop * size : 0;
            S_text(c, p->font, kh_lay_piece_size(c, p, size), x, dy - rise, p->text,
                   p->len, p->width, pending_space && i == item_piece[k]);
            if (p->note) {
                int num = atoi(p->text); /* the model's number: notes[num - 1] */
                if (num > c->note_max)
                    c->note_max = num;
            }
            x += p->width;
        }
        pending_space = false;
    }
}

/* Pieces a paragraph is broken in at once. A longer paragraph (a pasted
 * book, a fuzzer's megabyte) is broken window by window: each window's
 * lines are taken except the last few, whose breaks the window's end may
 * have bent, and the next window starts where they end. The breaks can
 * differ from a whole-paragraph pass, but the quality does not: on a
 * 10,676-word paragraph of real text, the same line count and spacing
 * (README, Hardening). Memory stays bounded by the window instead of
 * growing with the paragraph (issue 9: a 15 MB plan). */
#define KH_LB_WINDOW 4096
#define KH_LB_WINDOW_HOLD 3 /* lines of a window given back to the next */

/* Lays out text as one vbox per line, justified, in size pt, its first
 * line indented by indent (pt); heading: it never ends a page. The
 * source position is c->line:c->col. */
static void S_lines(kh_lctx_t *c, const kh_text_t *text, bool heading, double size,
                    double indent, double space_before)
{
    kh_pieces_t ps = {0};
    kh_lay_pieces(c, text, size, c->text_w - indent, c->text_w, true, &ps);
    if (ps.n == 0) {
        free(ps.items);
        return;
    }
    size_t window = ps.n < KH_LB_WINDOW ? ps.n : KH_LB_WINDOW;
    size_t cap = 4 * window + 4; /* per piece: penalty, glue, box (a hard break: glue, penalty, indent, box) */
    kh_lb_item_t *items = malloc(cap * sizeof *items);
    size_t *item_piece = malloc(cap * sizeof *item_piece);
    kh_lb_line_t *lines = malloc(cap * sizeof *lines);
    if (!items || !item_piece || !lines)
        abort();
    double lh = kh_lay_line_h(c, size), base = kh_lay_baseline(c, size);
    /* a paragraph or item ending in a colon introduces what follows
     * ("- Khoa Kiểm soát bệnh tật:" over its table): like a heading, it
     * never ends a page */
    const kh_piece_t *tail = &ps.items[ps.n - 1];
    bool lead_in = tail->len && tail->text[tail->len - 1] == ':';
    size_t line_no = 0; /* lines of the paragraph placed so far */
    for (size_t start = 0; start < ps.n;) {
        size_t end = ps.n - start > window ? start + window : ps.n;
        bool final = end == ps.n;
        size_t n = kh_lay_items(c, &ps, start, end, size, start == 0 ? indent : 0,
                           items, item_piece);
        size_t nl = kh_linebreak(items, n, c->text_w, lines);
        size_t take = final || nl <= KH_LB_WINDOW_HOLD ? nl : nl - KH_LB_WINDOW_HOLD;
        size_t from = 0, next = end;
        for (size_t i = 0; i < take; i++, line_no++) {
            size_t to = lines[i].end;
            /* the last line and lines ending in a hard break are not
             * stretched; every other line is justified, also one that ends
             * at a penalty (inside a URL, or at a dash when nothing else
             * fitted) */
            double r = lines[i].ratio;
            bool last = (final && i + 1 == nl) ||
                        (items[to].kind == KH_LB_PENALTY &&
                         items[to].penalty <= -KH_LB_INFINITY);
            if (last && r > 0)
                r = 0;
            if (!last) {
                c->out->justified_lines++;
                if (r > c->out->max_ratio)
                    c->out->max_ratio = r;
            }
            size_t first = kh_lay_box_begin(c);
            kh_lay_place_line(c, &ps, items, item_piece, from, to, r, size, c->left, base);
            /* a heading never ends a page; no orphan (break after the
             * first of several lines) and no widow (break before the last) */
            bool several = !final || nl > 1 || line_no > 0;
            bool keep = heading || (several && (line_no == 0 || (final && i + 2 == nl))) ||
                        (final && i + 1 == nl && lead_in);
            kh_lay_box_end(c, first, lh, line_no == 0 ? space_before : 0, keep);
            from = to + 1;
            while (from < n && items[from].kind != KH_LB_BOX)
                from++; /* glue and penalties vanish at a line start */
            /* the next window starts at the line's first word (an indent
             * or a blank before it is made again from its piece) */
            for (size_t k = from; k < n && items[k].kind == KH_LB_BOX; k++)
                if (item_piece[k] != (size_t)-1) {
                    next = item_piece[k];
                    break;
                }
        }
        if (!take) /* nothing could be set: never loop */
            break;
        start = final ? ps.n : next;
    }
    free(items);
    free(item_piece);
    free(lines);
    free(ps.items);
}

/* Lays out one paragraph or heading as one vbox per line. */
static void S_paragraph(kh_lctx_t *c, const kh_block_t *b, double space_before)
{
    const kh_template_t *t = c->tpl;
    c->line = b->line, c->col = b->col;
    S_lines(c, &b->para.text, b->kind == KH_BLOCK_HEADING, t->body_size, t->indent,
            space_before);
}

/* ---- footnotes ---- */

/* Lays out every note's lines (footnote_size, justified by the same
 * breaker, no indent: the number opens the first line, as in Word) into
 * c->foot, before the body: pagination takes them from there to the foot
 * of the page of the first reference. */
static void S_notes(kh_lctx_t *c, const kh_plan_t *p)
{
    const kh_template_t *t = c->tpl;
    c->nnotes = p->nnotes;
    if (!p->nnotes)
        return;
    c->note_at = malloc((p->nnotes + 1) * sizeof *c->note_at);
    if (!c->note_at)
        abort();
    for (size_t k = 0; k < p->nnotes; k++) {
        c->note_at[k] = c->nboxes;
        for (size_t i = 0; i < p->notes[k].nblocks; i++) {
            const kh_block_t *b = &p->notes[k].blocks[i];
            if (b->kind == KH_BLOCK_TABLE)
                continue; /* a model error already */
            c->line = b->line, c->col = b->col;
            S_lines(c, &b->para.text, false, t->footnote_size, 0, 0);
        }
    }
    c->note_at[p->nnotes] = c->nboxes;
    c->note_max = 0; /* a note's own number is no reference */
    c->foot = c->boxes, c->nfoot = c->nboxes;
    c->foot_left = c->left;
    c->boxes = NULL, c->nboxes = c->capboxes = 0;
    c->foot_pre = malloc((c->nfoot + 1) * sizeof *c->foot_pre);
    if (!c->foot_pre)
        abort();
    c->foot_pre[0] = 0;
    for (size_t i = 0; i < c->nfoot; i++)
        c->foot_pre[i + 1] = c->foot_pre[i] + c->foot[i].height;
}



/* Left-aligned wrapped lines of s, one vbox per line (the first line's
 * box is first_box when that is not (size_t)-1: its ops are already
 * staged from there, with dy0 the top of this text in it). Returns the
 * number of boxes ended. */
static size_t S_left_lines(kh_lctx_t *c, int font, double size, double x,
                           double width, const char *s, size_t first_box,
                           double dy0, double space_before)
{
    kh_span_lines_t lines = {0};
    S_wrap(c, font, size, s, width, true, &lines);
    double lh = kh_lay_line_h(c, size), base = kh_lay_baseline(c, size);
    for (size_t i = 0; i < lines.n; i++) {
        bool joined = i == 0 && first_box != (size_t)-1;
        size_t first = joined ? first_box : kh_lay_box_begin(c);
        double dy = joined ? dy0 : 0;
        S_text(c, font, size, x, dy + base, s + lines.v[i].start,
               lines.v[i].len, lines.v[i].width, false);
        kh_lay_box_end(c, first, dy + lh, joined ? space_before : 0, false);
    }
    free(lines.v);
    return lines.n;
}

/* The height of a signer's lines above and below the signature space
 * (its authority lines and title; its other title), as S_signature
 * wraps them in a cell of width w. */
static double S_signer_text_h(kh_lctx_t *c, const kh_frame_signer_t *f, double w)
{
    double size = c->tpl->signer_size, h = 0;
    kh_span_lines_t lines = {0};
    for (size_t i = 0; i <= f->nlines; i++) {
        const char *text = i < f->nlines ? f->lines[i] : f->other_title;
        const unsigned char *cls = i < f->nlines ? f->line_breaks[i]
                                                 : f->other_title_breaks;
        char *copy = text ? strdup(text) : NULL, *save = NULL;
        for (char *s = copy ? strtok_r(copy, "\n", &save) : NULL; s;
             s = strtok_r(NULL, "\n", &save)) {
            S_wrap_balanced(c, KH_FONT_BOLD, size, s, cls + (s - copy), w, &lines);
            h += lines.n * kh_lay_line_h(c, size);
        }
        free(copy);
    }
    free(lines.v);
    return h;
}

/* A signer's signature space, pt: the template's closing.signature_room_mm,
 * or a seal's real height (its issuer's seal_mm) with 1 mm to spare above
 * and below, so that the seal, with --esign or stamped on paper, never
 * covers the lines around it (decree PL I Mục II.8.a: real size). */
static double S_room(const kh_lctx_t *c, const kh_plan_t *p, const kh_frame_signer_t *f)
{
    const kh_issuer_t *o = &p->issuers[f - p->signers];
    double room = c->tpl->signature_room, seal = (o->seal_mm + 2) * 72.0 / 25.4;
    return o->seal_image && seal > room ? seal : room;
}

/* One signature block (f: the model's lines) centred in the cell [x, x +
 * w) of the closing, its first line's baseline at base (pt below the box
 * top): the authority lines and title ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ
 * TỊCH", "PHÓ CHỦ TỊCH"), the signature space (room, pt: the template's
 * closing.signature_room_mm, more where a row's names line up), the other
 * title (chức vụ khác, spec appendix-esign.md §3, II.7.c) and the name.
 * A second signer is a second cell: one call per signer. Returns the
 * bottom of the name (pt below the box top). */
static double S_signature(kh_lctx_t *c, const kh_plan_t *p,
                          const kh_frame_signer_t *f, double x, double w,
                          double base, double room)
{
    const kh_template_t *t = c->tpl;
    double cx = x + w / 2, size = t->signer_size;
    double y = base - kh_lay_baseline(c, size);
    double widest; /* unused */
    for (size_t i = 0; i < f->nlines; i++)
        y += S_centered_lines(c, KH_FONT_BOLD, size, cx, w, y, f->lines[i], true,
                              f->line_breaks[i], &widest);
    S_slot(c, x, y, w, room, (unsigned)(f - p->signers));
    y += room;
    if (f->other_title)
        y += S_centered_lines(c, KH_FONT_BOLD, size, cx, w, y, f->other_title, true,
                              f->other_title_breaks, &widest);
    y += S_centered_block(c, KH_FONT_BOLD, size, cx, w, y, f->name, true);
    return y;
}

/* A joint plan's signature rows (spec appendix-esign.md §2, practice):
 * a two-column row across the text width per two bodies, the lead's
 * block (p->signers[0]) on the right, the partner's on the left, more
 * bodies in further rows, each row's first lines on one baseline. All
 * rows are one box kept with the body's last lines and with the Nơi
 * nhận label below it, so a page break never separates the blocks.
 * Returns the rows' height. */
static double S_signature_rows(kh_lctx_t *c, const kh_plan_t *p)
{
    const kh_template_t *t = c->tpl;
    double w = c->text_w / 2, base = kh_lay_baseline(c, t->signer_size), y = 0;
    for (size_t i = 0; i < p->nsigners; i += 2) {
        /* the row's names on one baseline: a block with fewer lines gets
         * the difference as more signature space */
        const kh_frame_signer_t *r = &p->signers[i];
        const kh_frame_signer_t *l = i + 1 < p->nsigners ? &p->signers[i + 1] : NULL;
        double rh = S_signer_text_h(c, r, w) + S_room(c, p, r);
        double lh = l ? S_signer_text_h(c, l, w) + S_room(c, p, l) : 0;
        double most = rh > lh ? rh : lh;
        double right = l ? S_signature(c, p, r, c->left + w, w, y + base,
                                       S_room(c, p, r) + most - rh)
                         : 0;
        /* a last row of one block stands centred (three bodies: two
         * side by side, the third under them, not under the lead alone) */
        if (!l)
            right = S_signature(c, p, r, c->left + w / 2, w, y + base, S_room(c, p, r));
        double left = l ? S_signature(c, p, l, c->left, w, y + base,
                                      S_room(c, p, l) + most - lh)
                        : 0;
        y = right > left ? right : left;
        if (i + 2 < p->nsigners)
            y += t->closing_space_before;
    }
    return y;
}

/* The closing block: Nơi nhận on the left, the signature on the right,
 * the label's first line and the signer's first line on one baseline.
 * One vbox per line of Nơi nhận (label, each recipient's lines, the
 * archive line); the signature is staged in the first box and the boxes
 * it spans are kept together, so the signature is never split, while a
 * long list flows on to the next page between items (never inside one,
 * never after the label or its first item alone, never leaving its last
 * two alone; a list of six lines or fewer stays whole). The body's last line is kept with
 * the closing (with the paragraph's widow rule: its last two lines), so
 * the closing never stands alone on a page. A joint plan's signatures
 * come first, in rows of their own (S_signature_rows), Nơi nhận under
 * them, across the text width. */
static void S_closing(kh_lctx_t *c, const kh_plan_t *p)
{
    const kh_template_t *t = c->tpl;
    if (c->nboxes > 0)
        c->boxes[c->nboxes - 1].keep_with_next = true;
    /* the first box holds the signature: an error there names the signer */
    c->line = c->col = 1;
    int rline, rcol;
    S_locate(c, "recipients:", &rline, &rcol);
    S_locate(c, p->joint ? "issuers:" : "signer:", &c->line, &c->col);
    double base = kh_lay_baseline(c, t->label_size) > kh_lay_baseline(c, t->signer_size)
                      ? kh_lay_baseline(c, t->label_size)
                      : kh_lay_baseline(c, t->signer_size);
    double sig = 0;
    if (p->joint) {
        size_t rows = kh_lay_box_begin(c);
        double h = S_signature_rows(c, p);
        kh_lay_box_end(c, rows, h, t->closing_space_before, true);
        base = kh_lay_baseline(c, t->label_size);
    }
    size_t first = kh_lay_box_begin(c), box0 = c->nboxes;
    if (!p->joint)
        sig = S_signature(c, p, &p->signers[0], c->left + t->closing_left_w,
                          c->text_w - t->closing_left_w, base,
                          S_room(c, p, &p->signers[0]));
    /* a joint plan's list has nothing beside it: the whole text width, so
     * each item stays one line as in the offices' joint plans (flush left
     * under the signatures); else the left column beside the signature */
    double x = c->left, w = p->joint ? c->text_w : t->closing_left_w;
    S_left_lines(c, KH_FONT_BOLD_ITALIC, t->label_size, x, w, t->closing_label,
                 first, base - kh_lay_baseline(c, t->label_size),
                 t->closing_space_before);
    if (c->nboxes == box0) /* an empty label: the signature's own box */
        kh_lay_box_end(c, first, 0, t->closing_space_before, false);
    /* a page may break only between two items (cut: box box0 + j starts
     * the second item or a later one): the label's lines go with the first
     * item, and an item's wrapped lines are one unit that moves whole; the
     * list itself flows on to the next page between items */
    size_t *starts = malloc((p->nrecipient_lines + 1) * sizeof *starts);
    if (!starts)
        abort();
    c->line = rline, c->col = rcol;
    for (size_t i = 0; i < p->nrecipient_lines; i++) {
        starts[i] = c->nboxes;
        S_left_lines(c, KH_FONT_REGULAR, t->item_size, x, w, p->recipient_lines[i],
                     (size_t)-1, 0, 0);
    }
    bool *cut = calloc(c->nboxes - box0 + 1, sizeof *cut);
    if (!cut)
        abort();
    /* and, so that no page holds a list's stray end: a list of up to six
     * lines never parts; a longer one keeps its first two items with the
     * label and its last three together */
    size_t n = p->nrecipient_lines;
    for (size_t i = 2; n > 6 && i + 3 <= n; i++)
        cut[starts[i] - box0] = true;
    /* keep the boxes the signature spans together, and no last line alone */
    double cum = 0;
    size_t last = c->nboxes - 1;
    for (size_t k = box0; k <= last; k++) {
        cum += c->boxes[k].height;
        c->boxes[k].keep_with_next =
            k < last && (cum < sig - 0.01 || k + 2 == c->nboxes || !cut[k + 1 - box0]);
    }
    free(cut);
    free(starts);
    if (cum < sig)
        c->boxes[last].height += sig - cum;
}

/* ---- pagination ---- */

static kh_page_t *S_new_page(kh_lctx_t *c)
{
    kh_layout_t *L = c->out;
    L->pages = kh_array_grow(L->pages, L->npages, &c->cap_pages, sizeof *L->pages, 8);
    memset(&L->pages[L->npages], 0, sizeof *L->pages);
    L->pages[L->npages].section = c->cur_section;
    if (c->spare) { /* the last page's array, handed on and emptied */
        L->pages[L->npages].ops = c->spare, L->pages[L->npages].cap = c->spare_cap;
        c->spare = NULL, c->spare_cap = 0;
    }
    return &L->pages[L->npages++];
}

static void S_put(kh_page_t *pg, const kh_op_t *op)
{
    pg->ops = kh_array_grow(pg->ops, pg->nops, &pg->cap, sizeof *pg->ops, 256);
    pg->ops[pg->nops++] = *op;
}

/* A finished page goes to the sink, and its op array is kept for the
 * next page; without a sink, it gives back the room its op list grew
 * into: every page of a long plan is kept until the PDF is written. */
static void S_page_done(kh_lctx_t *c, kh_page_t *pg)
{
    if (c->sink) {
        c->sink->page(c->sink->ctx, c->out, pg);
        c->spare = pg->ops, c->spare_cap = pg->cap;
        pg->ops = NULL, pg->nops = pg->cap = 0;
        return;
    }
    if (pg->nops && pg->nops < pg->cap) {
        kh_op_t *ops = realloc(pg->ops, pg->nops * sizeof *ops);
        if (ops)
            pg->ops = ops, pg->cap = pg->nops;
    }
}

/* The foot's height holding note lines [from, to): the gap between the
 * body and the first note (template footnote.space_before_pt, the rule
 * halfway down it), then the lines; 0 for none. */
static double S_foot_h(const kh_lctx_t *c, size_t from, size_t to)
{
    return to > from ? c->tpl->footnote_gap + c->foot_pre[to] - c->foot_pre[from] : 0;
}

/* Where the note lines due end once box b is placed (due before it). */
static size_t S_foot_due(const kh_lctx_t *c, size_t due, const kh_vbox_t *b)
{
    if (b->note_max > 0 && (size_t)b->note_max <= c->nnotes &&
        c->note_at[b->note_max] > due)
        return c->note_at[b->note_max];
    return due;
}

/* The least height of the lines due [c->foot_next, due) that a page must
 * hold under its body: every line up to the first line of the last note
 * referenced (that reference is on this page, and notes keep their
 * order; a note too long goes on at the next page's foot); when only
 * lines carried over from the last page are due, what fills up to half
 * the page (one line at least), so the body still goes on. */
static double S_foot_min(const kh_lctx_t *c, size_t due, double avail)
{
    size_t from = c->foot_next;
    if (due <= from)
        return 0;
    size_t lo = 0, hi = c->nnotes; /* the last k with note_at[k] <= due - 1 */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (c->note_at[mid] <= due - 1)
            lo = mid;
        else
            hi = mid;
    }
    if (c->note_at[lo] >= from)
        return S_foot_h(c, from, c->note_at[lo] + 1);
    size_t to = from + 1;
    while (to < due && S_foot_h(c, from, to + 1) <= avail / 2)
        to++;
    return S_foot_h(c, from, to);
}

/* Where this page must end: after the last box that allows a break, unless
 * none does (then the page is simply full). Room is kept under the boxes
 * for the lines of the notes they refer to (S_foot_min). */
static size_t S_page_end(const kh_lctx_t *c, size_t first, double avail)
{
    /* a table continued from the last page starts under its header again */
    double y = c->boxes[first].header ? c->boxes[c->boxes[first].header - 1].height : 0;
    if (c->boxes[first].row_continued)
        y += c->tpl->table_padding;
    size_t last_ok = (size_t)-1, last_soft = (size_t)-1, j, due = c->foot_due;
    double y_ok = 0;
    for (j = first; j < c->nboxes; j++) {
        const kh_vbox_t *b = &c->boxes[j];
        if (j > first && b->page_break) /* the next section's first box */
            return j;
        double sb = j == first ? 0 : b->space_before;
        size_t due_j = S_foot_due(c, due, b);
        double foot = S_foot_min(c, due_j, avail);
        if (j > first && y + sb + b->height + foot > avail + 0.01)
            break;
        due = due_j;
        y += sb + b->height;
        if (!b->keep_with_next)
            last_ok = j, y_ok = y;
        else if (b->keep_soft)
            last_soft = j;
    }
    if (j == c->nboxes)
        return j;
    /* a soft keep gives way rather than leave the page under two-thirds
     * full (Word's rule for rows that may not break: README, Tables) */
    if (last_soft != (size_t)-1 && (last_ok == (size_t)-1 || last_soft > last_ok) &&
        y_ok < avail * 2 / 3)
        return last_soft + 1;
    return last_ok != (size_t)-1 ? last_ok + 1 : j;
}

/* The safety net: the printable area is the paper less this on each side
 * (header columns may reach into the margins, as the decree's table does,
 * but not past it). Whatever the template or the plan, nothing is drawn
 * outside it without an error. */
#define KH_PRINTABLE_INSET (8 * 72.0 / 25.4)

/* True if a placed op (page coordinates) lies inside the printable area. */
static bool S_on_page(const kh_lctx_t *c, const kh_op_t *op)
{
    double lo_x = KH_PRINTABLE_INSET, hi_x = c->page_w - KH_PRINTABLE_INSET;
    double lo_y = KH_PRINTABLE_INSET, hi_y = c->page_h - KH_PRINTABLE_INSET;
    double x0, x1, y0, y1, e = 0.01;
    if (op->kind == KH_OP_SLOT) {
        x0 = op->x, x1 = op->x + op->w;
        y0 = op->y, y1 = op->y + op->h;
    } else if (kh_op_has_end(op)) { /* a rule, a mark's box */
        x0 = op->x < op->x2 ? op->x : op->x2;
        x1 = op->x < op->x2 ? op->x2 : op->x;
        y0 = op->y < op->y2 ? op->y : op->y2;
        y1 = op->y < op->y2 ? op->y2 : op->y;
    } else {
        x0 = op->x, x1 = op->x + op->width;
        y0 = op->y + c->descent[op->font] * op->size / 1000;
        y1 = op->y + c->ascent[op->font] * op->size / 1000;
    }
    return x0 >= lo_x - e && x1 <= hi_x + e && y0 >= lo_y - e && y1 <= hi_y + e &&
           isfinite(x0) && isfinite(x1) && isfinite(y0) && isfinite(y1);
}

static void S_page_number(kh_lctx_t *c, kh_page_t *pg, size_t number)
{
    const kh_template_t *t = c->tpl;
    char s[24];
    int n = snprintf(s, sizeof s, "%zu", number);
    double w = kh_lay_width(c, KH_FONT_REGULAR, s, (size_t)n, t->page_number_size);
    kh_op_t op = {.kind = KH_OP_TEXT, .font = KH_FONT_REGULAR,
                  .size = t->page_number_size, .x = c->left + c->text_w / 2 - w / 2,
                  .y = c->page_h - c->number_baseline,
                  .text = S_store_text(c, s, (size_t)n), .len = (size_t)n,
                  .width = (float)w};
    if (!S_on_page(c, &op)) {
        kh_diag_add(c->diags, c->src->path, 1, 1, KH_SEV_ERROR, "off-page",
                    "the page number of page %zu would be printed outside the paper less 8 mm",
                    number);
        c->ok = false;
    }
    S_put(pg, &op);
}

/* Puts a box's ops on the page with its top at top; returns its bottom.
 * An op outside the printable area is an error at the box's source. */
static double S_place_box_at(kh_lctx_t *c, kh_page_t *pg, kh_vbox_t *b,
                             double top, double dx);

static double S_place_box(kh_lctx_t *c, kh_page_t *pg, kh_vbox_t *b,
                          double top)
{
    return S_place_box_at(c, pg, b, top, 0);
}

/* … moved right by dx pt (a note line set at the plan's left edge, placed
 * on a landscape page whose left edge differs). */
static double S_place_box_at(kh_lctx_t *c, kh_page_t *pg, kh_vbox_t *b,
                             double top, double dx)
{
    double h = c->page_h;
    /* one error a box (a header row repeats) and a source position (a
     * row's line bands): the first says where, the rest would only repeat */
    bool reported = b->off_page || (b->line == c->off_line && b->col == c->off_col);
    for (size_t k = 0; k < b->op_count; k++) {
        kh_op_t op = *kh_lay_op(c, b->op_first + k);
        op.x += dx;
        if (kh_op_has_end(&op))
            op.x2 += dx;
        op.y = h - (top + op.y);
        if (kh_op_has_end(&op))
            op.y2 = h - (top + op.y2);
        if (!reported && !S_on_page(c, &op)) {
            const kh_layout_t *L = c->out;
            double avail = c->page_h - c->margin_top - c->margin_bottom;
            if (b->height > avail) /* the reason, not the glyph that shows it */
                kh_diag_add(c->diags, c->src->path, b->line, b->col, KH_SEV_ERROR,
                            "off-page", "this block (a table's header row, a row's "
                            "line, the signature) is %.0f mm tall, more than a page "
                            "holds (%.0f mm): on page %zu it would run off the paper",
                            b->height * 25.4 / 72, avail * 25.4 / 72, L->npages);
            else if (op.kind == KH_OP_TEXT)
                kh_diag_add(c->diags, c->src->path, b->line, b->col, KH_SEV_ERROR,
                            "off-page",
                            "'%.*s' on page %zu would be printed outside the paper less 8 mm",
                            (int)(op.len < 60 ? op.len : 60), L->text + op.text,
                            L->npages);
            else
                kh_diag_add(c->diags, c->src->path, b->line, b->col, KH_SEV_ERROR,
                            "off-page",
                            "a rule on page %zu would be drawn outside the paper less 8 mm",
                            L->npages);
            c->ok = false;
            reported = b->off_page = true;
            c->off_line = b->line, c->off_col = b->col;
        }
        S_put(pg, &op);
    }
    return top + b->height;
}

/* Rows draw only their top rule; a table that goes on to the next page
 * gets its bottom rule here, under the last row on this one. */
static void S_close_table(kh_lctx_t *c, kh_page_t *pg, size_t next, double top)
{
    if (next >= c->nboxes || !c->boxes[next].header)
        return;
    size_t h = c->boxes[next].header;
    if (c->boxes[next - 1].header != h && next - 1 != h - 1)
        return;
    double y = c->page_h - top;
    kh_op_t op = {.kind = KH_OP_RULE, .x = c->left, .y = y,
                  .x2 = c->left + c->text_w, .y2 = y, .thickness = c->tpl->table_rule};
    S_put(pg, &op);
}

/* Puts the note lines due after boxes [first, end) at the foot of page
 * pg, as many as fit between the body's bottom (body_bottom, measured
 * down from the paper's top) and the bottom margin (top + avail), their
 * lines stacked upward from it, under a rule footnote_rule_len long from
 * the text's left edge, halfway down the footnote_gap between the body
 * and the first note; the rest goes on at the next page's foot. */
static void S_foot_place(kh_lctx_t *c, kh_page_t *pg, size_t first, size_t end,
                         double body_bottom, double top, double avail)
{
    const kh_template_t *t = c->tpl;
    for (size_t j = first; j < end; j++)
        c->foot_due = S_foot_due(c, c->foot_due, &c->boxes[j]);
    double bottom = top + avail;
    size_t from = c->foot_next, to = from;
    while (to < c->foot_due && S_foot_h(c, from, to + 1) <= bottom - body_bottom + 0.01)
        to++;
    if (to == from)
        return;
    /* the rule halfway down the gap: a raised number on the first note's
     * line would touch a rule drawn right on top of it */
    double y = bottom - S_foot_h(c, from, to) + t->footnote_gap;
    double ry = c->page_h - (y - t->footnote_gap / 2);
    kh_op_t rule = {.kind = KH_OP_RULE, .x = c->left, .y = ry,
                    .x2 = c->left + t->footnote_rule_len, .y2 = ry,
                    .thickness = t->rule_width};
    S_put(pg, &rule);
    /* the notes were set at the plan's left edge and width; a landscape
     * section's page has its own left edge, where the rule is too (its
     * wider text area holds the plan's lines) */
    for (size_t i = from; i < to; i++)
        y = S_place_box_at(c, pg, &c->foot[i], y, c->left - c->foot_left);
    c->foot_next = to;
}

/* Pages of notes alone, for note lines still due after the last box (a
 * long note referenced near the end). */
static void S_foot_rest(kh_lctx_t *c)
{
    double top = c->margin_top, avail = c->page_h - c->margin_top - c->margin_bottom;
    while (c->ok && c->foot_next < c->foot_due) {
        if (c->out->npages == KH_MAX_PAGES) {
            kh_diag_add(c->diags, c->src->path, 0, 0, KH_SEV_ERROR, "page-limit",
                        "the plan would take more than %d pages", KH_MAX_PAGES);
            c->ok = false;
            return;
        }
        kh_page_t *pg = S_new_page(c);
        pg->width = c->page_w, pg->height = c->page_h;
        if (++c->sec_pages > 1)
            S_page_number(c, pg, c->sec_pages);
        size_t before = c->foot_next;
        S_foot_place(c, pg, 0, 0, top, top, avail);
        S_page_done(c, pg);
        if (c->foot_next == before) { /* a line taller than a page */
            const kh_vbox_t *b = &c->foot[before];
            kh_diag_add(c->diags, c->src->path, b->line, b->col, KH_SEV_ERROR,
                        "off-page", "a line of this footnote is taller than a "
                        "page");
            c->ok = false;
        }
    }
}

/* The paper and text area of section s become the current ones. */
static void S_use_section(kh_lctx_t *c, const kh_section_t *s)
{
    c->page_w = s->page_w, c->page_h = s->page_h;
    c->margin_top = s->margin_top, c->margin_bottom = s->margin_bottom;
    c->left = s->left, c->text_w = s->text_w;
    c->number_baseline = s->number_baseline;
    c->src = s->src;
    c->cur_section = (size_t)(s - c->sections);
}

/* Before paging: keep_from[j] for every box j, the least op index boxes
 * j… place (a box's ops need not follow the last box's: a box may hold
 * ops staged before a box closed inside it), a table's header row
 * counted with each of its rows, which repeat it on every page. */
static void S_keep_from(kh_lctx_t *c)
{
    c->keep_from = malloc((c->nboxes + 1) * sizeof *c->keep_from);
    if (!c->keep_from)
        abort();
    size_t least = c->nstaged;
    c->keep_from[c->nboxes] = least;
    for (size_t j = c->nboxes; j-- > 0;) {
        const kh_vbox_t *b = &c->boxes[j];
        if (b->op_count && b->op_first < least)
            least = b->op_first;
        if (b->header) {
            const kh_vbox_t *h = &c->boxes[b->header - 1];
            if (h->op_count && h->op_first < least)
                least = h->op_first;
        }
        c->keep_from[j] = least;
    }
}

/* Boxes [0, next) are on pages: the chunks wholly below every op still
 * to be placed (and above the notes') are freed. */
static void S_release(kh_lctx_t *c, size_t next)
{
    size_t lo = (c->notes_end + KH_STAGE_CHUNK - 1) / KH_STAGE_CHUNK;
    size_t hi = c->keep_from[next] / KH_STAGE_CHUNK;
    for (size_t k = lo; k < hi; k++) {
        free(c->staged[k]);
        c->staged[k] = NULL;
    }
}

/* Fills pages section by section (the plan, then each appendix from a new
 * page with its own paper); page numbers count within a section and are
 * not printed on its first page (decree PL I Mục I.7; PL I Mục III.1.đ). */
static void S_paginate(kh_lctx_t *c)
{
    const kh_template_t *t = c->tpl;
    size_t sec = 0; /* the section of box first */
    c->sec_pages = 0;
    S_use_section(c, &c->sections[0]);
    for (size_t first = 0; first < c->nboxes;) {
        while (sec + 1 < c->nsections && first >= c->sections[sec + 1].first_box) {
            /* notes still due stay in their section: an appendix starts
             * on a page of its own */
            S_foot_rest(c);
            S_use_section(c, &c->sections[++sec]);
            c->sec_pages = 0;
        }
        double avail = c->page_h - c->margin_top - c->margin_bottom;
        if (c->out->npages == KH_MAX_PAGES) {
            kh_diag_add(c->diags, c->src->path, 0, 0, KH_SEV_ERROR, "page-limit",
                        "the plan would take more than %d pages", KH_MAX_PAGES);
            c->ok = false;
            return;
        }
        size_t end = S_page_end(c, first, avail);
        kh_page_t *pg = S_new_page(c);
        pg->width = c->page_w, pg->height = c->page_h;
        if (++c->sec_pages > 1)
            S_page_number(c, pg, c->sec_pages);
        double top = c->margin_top;
        if (c->boxes[first].header)
            top = S_place_box(c, pg, &c->boxes[c->boxes[first].header - 1], top);
        if (c->boxes[first].row_continued) {
            /* a row split by the last page: a rule above it, and the
             * cell padding under the rule (it fits: S_page_end counted it) */
            double y = c->page_h - top;
            kh_op_t op = {.kind = KH_OP_RULE, .x = c->left, .y = y,
                          .x2 = c->left + c->text_w, .y2 = y,
                          .thickness = t->table_rule};
            S_put(pg, &op);
            const kh_vbox_t *b = &c->boxes[first];
            for (size_t k = 0; k < b->op_count; k++) { /* the column edges */
                const kh_op_t *e = kh_lay_op(c, b->op_first + k);
                /* those from the box's top: a merged cell's rules lower
                 * in the box (a row below in a rowspan group) are not */
                if (e->kind != KH_OP_RULE || e->x != e->x2 || (e->y != 0 && e->y2 != 0))
                    continue;
                kh_op_t v = *e;
                v.y = y;
                v.y2 = y - t->table_padding;
                S_put(pg, &v);
            }
            top += t->table_padding;
        }
        for (size_t j = first; j < end; j++) {
            if (j > first)
                top += c->boxes[j].space_before;
            top = S_place_box(c, pg, &c->boxes[j], top);
        }
        S_close_table(c, pg, end, top);
        S_foot_place(c, pg, first, end, top, c->margin_top, avail);
        S_page_done(c, pg);
        if (c->sink) /* kept pages hold copies: the staged ops can go */
            S_release(c, end);
        first = end;
    }
    S_foot_rest(c);
}

/* The fonts each section's text is in (kh_layout_t.section_fonts): its
 * boxes', and the note lines its pages carry, [due before it, due after
 * it), as S_paginate places them: every box once (a table's header row
 * again, in the same fonts), every note line due by a section's end on
 * its pages. Page numbers aside. */
static void S_section_fonts(kh_lctx_t *c)
{
    kh_layout_t *L = c->out;
    L->nsections = c->nsections;
    L->section_fonts = calloc(c->nsections + 1, 1);
    if (!L->section_fonts)
        abort();
    size_t due = 0;
    for (size_t s = 0; s < c->nsections; s++) {
        size_t end = s + 1 < c->nsections ? c->sections[s + 1].first_box : c->nboxes;
        size_t from = due;
        unsigned char m = 0;
        for (size_t j = c->sections[s].first_box; j < end; j++) {
            const kh_vbox_t *b = &c->boxes[j];
            for (size_t k = 0; k < b->op_count; k++)
                if (kh_lay_op(c, b->op_first + k)->kind == KH_OP_TEXT)
                    m |= (unsigned char)(1u << kh_lay_op(c, b->op_first + k)->font);
            due = S_foot_due(c, due, b);
        }
        for (size_t i = from; i < due && i < c->nfoot; i++) {
            const kh_vbox_t *b = &c->foot[i];
            for (size_t k = 0; k < b->op_count; k++)
                if (kh_lay_op(c, b->op_first + k)->kind == KH_OP_TEXT)
                    m |= (unsigned char)(1u << kh_lay_op(c, b->op_first + k)->font);
        }
        L->section_fonts[s] = m;
    }
}

/* ---- sections and appendices ---- */

/* Opens a section at the next box: the template's paper, or A4 turned for
 * a landscape appendix. Turned pages keep the binding margin on the bound
 * edge (spec appendix-esign.md §1, practice): a landscape page is bound
 * by its top edge, where the portrait pages' left edge is (the reader
 * turns the document a quarter clockwise to read it, and the printer
 * turns the page back onto the portrait sheet). So its top margin is the
 * template's left (binding) margin, its bottom the right one, its left the
 * bottom one and its right the top one; the page number stays centred over
 * the text, as far above it as on a portrait page (below the binding). */
static void S_section(kh_lctx_t *c, bool landscape, const kh_source_t *src)
{
    const kh_template_t *t = c->tpl;
    c->sections = kh_array_grow(c->sections, c->nsections, &c->cap_sections,
                                sizeof *c->sections, 4);
    kh_section_t *s = &c->sections[c->nsections++];
    s->first_box = c->nboxes;
    s->src = src;
    if (!landscape) {
        s->page_w = t->page_w, s->page_h = t->page_h;
        s->margin_top = t->margin_top, s->margin_bottom = t->margin_bottom;
        s->left = t->margin_left;
        s->text_w = t->page_w - t->margin_left - t->margin_right;
        s->number_baseline = t->page_number_baseline;
    } else {
        s->page_w = t->page_h, s->page_h = t->page_w;
        s->margin_top = t->margin_left, s->margin_bottom = t->margin_right;
        s->left = t->margin_bottom;
        s->text_w = t->page_h - t->margin_bottom - t->margin_top;
        s->number_baseline = t->page_number_baseline + t->margin_left - t->margin_top;
    }
    S_use_section(c, s);
}

/* Blocks [from, to) of the plan, as vboxes at the current text width. */
static void S_blocks(kh_lctx_t *c, const kh_plan_t *plan, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        const kh_block_t *b = &plan->blocks[i];
        double before = (i > from ? c->tpl->paragraph_after : 0) + b->space_before;
        switch (b->kind) {
        case KH_BLOCK_PARAGRAPH:
        case KH_BLOCK_HEADING:
            S_paragraph(c, b, before);
            break;
        case KH_BLOCK_TABLE:
            kh_lay_table(c, b, before);
            break;
        }
    }
}

/* An appendix: a section of its own, its caption (spec appendix-esign.md
 * §1, PL III Mẫu 2.1: the label bold, the title bold upper case, the
 * Kèm theo line italic, a short rule; all centred), then its blocks. The
 * caption stays with the first two lines of what follows. */
static void S_appendix(kh_lctx_t *c, const kh_plan_t *plan, const kh_appendix_t *a)
{
    const kh_template_t *t = c->tpl;
    S_section(c, a->landscape, a->src);
    double cx = c->left + c->text_w / 2;
    c->line = a->line, c->col = a->col;
    size_t first = kh_lay_box_begin(c);
    double room = 0;
    if (a->org_frame) {
        /* the organisation's signature frame (spec appendix-esign.md §4,
         * Mẫu 2.2): right-aligned with the text area, at its top, above
         * the caption, with a thin border as the sample draws it */
        double mm = 72.0 / 25.4, w = KH_ORG_FRAME_W_MM * mm, h = KH_ORG_FRAME_H_MM * mm;
        double x = c->left + c->text_w - w;
        S_slot(c, x, 0, w, h, KH_SLOT_ORG);
        kh_op_t *box = S_stage(c);
        *box = (kh_op_t){.kind = KH_OP_RECT, .x = x, .y = 0, .x2 = x + w, .y2 = h,
                         .thickness = 0.5};
        room = h + t->appendix_space_after;
    }
    double size = t->appendix_label_size;
    double y = room + S_centered_block(c, KH_FONT_BOLD, size, cx, c->text_w, room,
                                       a->label, false);
    if (a->title) {
        size = t->appendix_title_size;
        y += S_centered_block(c, KH_FONT_BOLD, size, cx, c->text_w, y, a->title, true);
    }
    if (a->attached) {
        size = t->appendix_attached_size;
        y += S_centered_block(c, KH_FONT_ITALIC, size, cx, c->text_w, y, a->attached,
                              true);
    }
    double rule = y - kh_lay_line_h(c, size) + kh_lay_baseline(c, size) +
                  t->appendix_rule_gap;
    S_rule_under(c, cx, c->text_w * t->appendix_rule_ratio, rule);
    kh_lay_box_end(c, first, rule + t->appendix_space_after, 0, true);
    size_t caption = c->nboxes - 1;
    c->boxes[caption].page_break = true;
    S_blocks(c, plan, a->first, a->first + a->count);
    /* … and with the second line after it, when there is a third */
    if (caption + 2 < c->nboxes)
        c->boxes[caption + 1].keep_with_next = true;
    c->src = c->sections[0].src;
}

kh_layout_t *kh_layout_build(const kh_plan_t *plan, const kh_template_t *tpl,
                             kh_font_t *fonts[KH_FONT_COUNT],
                             const kh_source_t *src, kh_diag_list_t *diags)
{
    return kh_layout_build_to(plan, tpl, fonts, src, diags, NULL);
}

kh_layout_t *kh_layout_build_to(const kh_plan_t *plan, const kh_template_t *tpl,
                                kh_font_t *fonts[KH_FONT_COUNT],
                                const kh_source_t *src, kh_diag_list_t *diags,
                                const kh_page_sink_t *sink)
{
    kh_layout_t *L = calloc(1, sizeof *L);
    if (!L)
        abort();
    L->width = tpl->page_w;
    L->height = tpl->page_h;
    kh_lctx_t c = {.tpl = tpl, .fonts = fonts, .src = src, .diags = diags,
                   .ok = true, .out = L, .left = tpl->margin_left,
                   .text_w = tpl->page_w - tpl->margin_left - tpl->margin_right,
                   .off_line = -1, .sink = sink};
    for (int f = 0; f < KH_FONT_COUNT; f++) {
        kh_font_info_t fi;
        kh_font_info(fonts[f], &fi);
        c.ascent[f] = fi.ascent, c.descent[f] = fi.descent;
    }
    S_section(&c, false, src);
    S_notes(&c, plan);
    c.notes_end = c.nstaged;
    S_header(&c, plan);
    S_marks(&c, plan);
    S_title(&c, plan);
    S_blocks(&c, plan, 0, plan->nbody);
    if (!plan->attached) /* Mẫu 1.3: no Nơi nhận, no signature */
        S_closing(&c, plan);
    for (size_t i = 0; i < plan->nappendices; i++)
        S_appendix(&c, plan, &plan->appendices[i]);
    if (c.ok) {
        S_section_fonts(&c);
        S_keep_from(&c);
        S_paginate(&c);
    }
    free(c.spare);
    for (size_t k = 0; k < c.nchunks; k++)
        free(c.staged[k]);
    free(c.staged);
    free(c.keep_from);
    free(c.boxes);
    free(c.sections);
    free(c.foot);
    free(c.note_at);
    free(c.foot_pre);
    if (!c.ok) {
        kh_layout_free(L);
        return NULL;
    }
    return L;
}

void kh_layout_free(kh_layout_t *L)
{
    if (!L)
        return;
    for (size_t i = 0; i < L->npages; i++)
        free(L->pages[i].ops);
    free(L->pages);
    free(L->text);
    free(L->section_fonts);
    free(L);
}

void kh_layout_dump(const kh_layout_t *L, FILE *out)
{
    static const char *const F[] = {"R", "B", "I", "BI"};
    for (size_t p = 0; p < L->npages; p++) {
        fprintf(out, "page %zu %.2f %.2f\n", p + 1, L->pages[p].width,
                L->pages[p].height);
        for (size_t i = 0; i < L->pages[p].nops; i++) {
            const kh_op_t *op = &L->pages[p].ops[i];
            if (op->kind == KH_OP_RULE)
                fprintf(out, "rule %.2f %.2f %.2f %.2f\n", op->x, op->y, op->x2, op->y2);
            else if (op->kind == KH_OP_RECT)
                fprintf(out, "rect %.2f %.2f %.2f %.2f %s\n", op->x, op->y, op->x2,
                        op->y2, op->color == KH_COLOR_RED ? "red" : "black");
            else if (op->kind == KH_OP_SLOT)
                fprintf(out, "slot %u %.2f %.2f %.2f %.2f\n", (unsigned)op->signer,
                        op->x, op->y, op->w, op->h);
            else
                fprintf(out, "text %s %.1f %.2f %.2f %.*s\n", F[op->font],
                        op->size, op->x, op->y, (int)op->len, L->text + op->text);
        }
    }
}
