/* Layout.
 *
 * Everything is first built as a list of vertical boxes ("vboxes": one per
 * body line, one for the header, one for the title, one for the closing
 * block), each holding ops placed relative to its top, with the space it
 * wants above it and whether a page may end after it. Pagination then fills
 * pages greedily, backing up to the last allowed break when a box does not
 * fit, and turns the relative positions into page coordinates.
 *
 * Words are placed one by one (libharu's word spacing does not work with
 * two-byte codes, and TextRect justifies by letter spacing): a justified
 * line's spaces are its natural spaces stretched or shrunk by the ratio the
 * line breaker chose. */
#include "layout.h"

#include <stdlib.h>
#include <string.h>

#include "linebreak.h"
#include "text.h"

/* What starting a line with a lone dash costs, in the line breaker's
 * demerit units (a loose line costs 100 at ratio 1). */
static const double c_dash_start_penalty = 50;

/* Pages a document may take. Real plans have a handful; the bound keeps a
 * pathological input (a 16 MiB file of one-word paragraphs) from building
 * an enormous PDF in memory. */
#define KH_MAX_PAGES 10000

/* A vertical box: ops [op_first, op_first + op_count) of the staging list,
 * with y measured downward from the box top. */
typedef struct {
    double space_before, height;
    bool keep_with_next;
    size_t op_first, op_count;
    size_t header; /* table rows: 1 + the header row's box, repeated atop a
                      page the row starts; 0 for everything else */
} kh_vbox_t;

/* A word piece: text in one font (a word may mix fonts: "(**abc**)"). */
typedef struct {
    int font;
    const char *text;
    size_t len;
    double width;
    bool space_before; /* first piece of a word that follows a space */
    bool hard_break;   /* a hard line break comes before it */
} kh_piece_t;

typedef struct {
    const kh_template_t *tpl;
    kh_font_t **fonts;
    const kh_source_t *src;
    kh_diag_list_t *diags;
    bool ok;
    kh_layout_t *out;
    size_t text_cap;  /* allocated size of out->text */
    size_t cap_pages; /* allocated entries of out->pages */
    kh_op_t *staged;
    size_t nstaged, capstaged;
    kh_vbox_t *boxes;
    size_t nboxes, capboxes;
    double left, text_w; /* text area */
    int line, col;       /* source position of the block being laid out */
} kh_lctx_t;

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
    c->staged = kh_array_grow(c->staged, c->nstaged, &c->capstaged,
                              sizeof *c->staged, 256);
    kh_op_t *op = &c->staged[c->nstaged++];
    memset(op, 0, sizeof *op);
    return op;
}

static void S_text(kh_lctx_t *c, int font, double size, double x, double dy,
                   const char *s, size_t n, bool space_before)
{
    size_t at = S_store_text(c, s, n);
    kh_op_t *op = S_stage(c);
    *op = (kh_op_t){KH_OP_TEXT, font, size, x, dy, at, n, space_before, 0, 0, 0};
}

/* A line from (x1, dy1) to (x2, dy2), y measured down from the box top. */
static void S_line(kh_lctx_t *c, double x1, double dy1, double x2, double dy2,
                   double width)
{
    kh_op_t *op = S_stage(c);
    *op = (kh_op_t){KH_OP_RULE, 0, 0, x1, dy1, 0, 0, false, x2, dy2, width};
}

static void S_rule(kh_lctx_t *c, double x1, double x2, double dy)
{
    S_line(c, x1, dy, x2, dy, c->tpl->rule_width);
}

static size_t S_box_begin(kh_lctx_t *c) { return c->nstaged; }

static void S_box_end(kh_lctx_t *c, size_t first, double height,
                      double space_before, bool keep)
{
    c->boxes = kh_array_grow(c->boxes, c->nboxes, &c->capboxes, sizeof *c->boxes,
                             128);
    c->boxes[c->nboxes++] =
        (kh_vbox_t){space_before, height, keep, first, c->nstaged - first, 0};
}

/* ---- measuring ---- */

static double S_line_h(const kh_lctx_t *c, double size)
{
    return size * c->tpl->line_height;
}

/* Baseline below a line's top: half the leading, then the ascent. */
static double S_baseline(const kh_lctx_t *c, double size)
{
    kh_font_info_t fi;
    kh_font_info(c->fonts[KH_FONT_REGULAR], &fi);
    double glyph_h = (fi.ascent - fi.descent) * size / 1000;
    return (S_line_h(c, size) - glyph_h) / 2 + fi.ascent * size / 1000;
}

/* Where the character enc first occurs in the source at or after the
 * current block's line (the whole file if not there): 1-based line and
 * column in characters. */
static void S_locate(const kh_lctx_t *c, const char *enc, int *line, int *col)
{
    const char *t = c->src->text, *end = t + c->src->len;
    const char *from = kh_source_line(c->src, c->line, NULL);
    const char *hit = memmem(from, (size_t)(end - from), enc, strlen(enc));
    if (!hit)
        hit = memmem(t, c->src->len, enc, strlen(enc));
    if (!hit) {
        *line = c->line, *col = c->col;
        return;
    }
    *line = 1, *col = 1;
    for (const char *p = t; p < hit; p++) {
        if (*p == '\n')
            (*line)++, *col = 1;
        else if (((unsigned char)*p & 0xC0) != 0x80)
            (*col)++;
    }
}

/* Width of text; a character the font cannot show is a plan error, not a
 * blank in the PDF. */
static double S_width(kh_lctx_t *c, int font, const char *s, size_t n,
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

static void S_centered(kh_lctx_t *c, int font, double size, double cx,
                       double dy, const char *s, size_t n)
{
    double w = S_width(c, font, s, n, size);
    S_text(c, font, size, cx - w / 2, dy, s, n, false);
}

typedef struct {
    size_t start, len;
    double width;
} kh_span_line_t;

/* The dashes line breaking cares about: hyphen-minus, en and em dash. */
static const char *const kh_dashes[] = {"-", "\u2013", "\u2014"};

/* True if w[0..len) ends with a dash (whole: is exactly one). */
static bool S_dash(const char *w, size_t len, bool whole)
{
    for (size_t i = 0; i < sizeof kh_dashes / sizeof kh_dashes[0]; i++) {
        size_t n = strlen(kh_dashes[i]);
        if (len >= n && (!whole || len == n) && !memcmp(w + len - n, kh_dashes[i], n))
            return true;
    }
    return false;
}

/* End of the words from i that must stay on one line: as in paragraphs
 * (S_dash_penalty), no line ends in a dash, and here none starts with a
 * lone one either ("TỔ CHỨC - HÀNH CHÍNH" breaks before "TỔ" or after
 * "HÀNH", never at the dash). */
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
        size_t ne = next;
        while (ne < n && s[ne] != ' ')
            ne++;
        if (!S_dash(s + i, we - i, false) && !S_dash(s + next, ne - next, true))
            return we;
        i = next;
    }
}

/* Greedy wrap of s at spaces into lines no wider than width (a longer word
 * gets a line of its own). Returns the count; lines has room for max. */
static size_t S_wrap(kh_lctx_t *c, int font, double size, const char *s,
                     double width, kh_span_line_t *lines, size_t max)
{
    size_t n = strlen(s), count = 0, i = 0;
    double space = S_width(c, font, " ", 1, size);
    while (i < n && count < max) {
        while (i < n && s[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t start = i, end = i;
        double w = 0;
        while (i < n) {
            size_t we = S_group_end(s, n, i);
            double ww = S_width(c, font, s + i, we - i, size);
            double add = (end > start ? space : 0) + ww;
            if (end > start && w + add > width)
                break;
            w += add;
            end = we;
            i = we;
            while (i < n && s[i] == ' ')
                i++;
        }
        lines[count++] = (kh_span_line_t){start, end - start, w};
    }
    return count;
}

#define KH_MAX_WRAPPED 16 /* lines of a wrapped header field or title */

/* Smallest width that keeps the greedy line count: balanced lines. */
static size_t S_wrap_balanced(kh_lctx_t *c, int font, double size,
                              const char *s, double width,
                              kh_span_line_t *lines)
{
    size_t n = S_wrap(c, font, size, s, width, lines, KH_MAX_WRAPPED);
    if (n < 2)
        return n;
    double lo = width / (double)n, hi = width;
    for (int it = 0; it < 12; it++) { /* to 1/4096 of the width */
        double mid = (lo + hi) / 2;
        if (S_wrap(c, font, size, s, mid, lines, KH_MAX_WRAPPED) == n)
            hi = mid;
        else
            lo = mid;
    }
    return S_wrap(c, font, size, s, hi, lines, KH_MAX_WRAPPED);
}

/* Centred wrapped lines from dy down; returns the height used. */
/* Centred wrapped lines from dy down; a line break in the text (a YAML
 * block scalar) is kept, so a clerk can choose where a long name or title
 * breaks. Returns the height used. */
static double S_centered_lines(kh_lctx_t *c, int font, double size, double cx,
                               double width, double dy, const char *text,
                               bool balanced, double *widest)
{
    double lh = S_line_h(c, size), base = S_baseline(c, size), y = dy;
    *widest = 0;
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        abort();
    for (char *s = strtok_r(copy, "\n", &save); s; s = strtok_r(NULL, "\n", &save)) {
        kh_span_line_t lines[KH_MAX_WRAPPED];
        size_t n = balanced ? S_wrap_balanced(c, font, size, s, width, lines)
                            : S_wrap(c, font, size, s, width, lines, KH_MAX_WRAPPED);
        for (size_t i = 0; i < n; i++, y += lh) {
            S_text(c, font, size, cx - lines[i].width / 2, y + base,
                   s + lines[i].start, lines[i].len, false);
            if (lines[i].width > *widest)
                *widest = lines[i].width;
        }
    }
    free(copy);
    return y - dy;
}

static double S_centered_block(kh_lctx_t *c, int font, double size, double cx,
                               double width, double dy, const char *text,
                               bool balanced)
{
    double widest;
    return S_centered_lines(c, font, size, cx, width, dy, text, balanced, &widest);
}

/* ---- header and title ---- */

static double S_rule_under(kh_lctx_t *c, double cx, double len, double dy)
{
    S_rule(c, cx - len / 2, cx + len / 2, dy);
    return dy;
}

static void S_header(kh_lctx_t *c, const kh_plan_t *p)
{
    const kh_template_t *t = c->tpl;
    double x0 = t->margin_left - t->hdr_shift;
    double lcx = x0 + t->hdr_left_w / 2, rcx = x0 + t->hdr_left_w + t->hdr_right_w / 2;
    size_t first = S_box_begin(c);
    c->line = c->col = 1;

    double ly = 0;
    if (p->parent) {
        char *up = kh_text_upper(p->parent);
        ly += S_centered_block(c, KH_FONT_REGULAR, t->parent_size, lcx,
                               t->hdr_left_w, ly, up, true);
        free(up);
    }
    char *issuer = kh_text_upper(p->issuer);
    double widest;
    ly += S_centered_lines(c, KH_FONT_BOLD, t->issuer_size, lcx, t->hdr_left_w,
                           ly, issuer, true, &widest);
    free(issuer);
    double lrule = S_rule_under(c, lcx, widest * t->issuer_rule_ratio,
                                ly - S_line_h(c, t->issuer_size) +
                                    S_baseline(c, t->issuer_size) + t->rule_gap);

    double ry = S_centered_block(c, KH_FONT_BOLD, t->national_size, rcx,
                                 t->hdr_right_w, 0, t->national_title, false);
    ry += S_centered_block(c, KH_FONT_BOLD, t->motto_size, rcx, t->hdr_right_w,
                           ry, t->motto, false);
    double motto_w = S_width(c, KH_FONT_BOLD, t->motto, strlen(t->motto),
                             t->motto_size);
    double rrule = S_rule_under(c, rcx, motto_w,
                                ry - S_line_h(c, t->motto_size) +
                                    S_baseline(c, t->motto_size) + t->rule_gap);

    /* The "Số" line and the place-date share one baseline, whatever wrapped
     * above them: the second row of the decree's table. */
    double row = (lrule > rrule ? lrule : rrule) + t->number_gap;
    double big = t->number_size > t->place_date_size ? t->number_size
                                                     : t->place_date_size;
    double base = row + S_baseline(c, big);
    char *num = kh_number_line(p->number, t->doc_code, p->issuer_code,
                               t->draft_blank);
    S_centered(c, KH_FONT_REGULAR, t->number_size, lcx, base, num, strlen(num));
    free(num);
    char *date = kh_date_line(p->place, p->year, p->month, p->day, t->draft_blank);
    S_centered(c, KH_FONT_ITALIC, t->place_date_size, rcx, base, date,
               strlen(date));
    free(date);
    S_box_end(c, first, row + S_line_h(c, big), 0, true);
}

static void S_title(kh_lctx_t *c, const kh_plan_t *p)
{
    const kh_template_t *t = c->tpl;
    double cx = c->left + c->text_w / 2;
    size_t first = S_box_begin(c);
    double y = S_centered_block(c, KH_FONT_BOLD, t->doc_name_size, cx, c->text_w,
                                0, t->doc_name, false);
    y += S_centered_block(c, KH_FONT_BOLD, t->title_size, cx, c->text_w, y,
                          p->title, true);
    double rule = y - S_line_h(c, t->title_size) +
                  S_baseline(c, t->title_size) + t->title_rule_gap;
    S_rule_under(c, cx, c->text_w * t->title_rule_ratio, rule);
    S_box_end(c, first, rule + t->title_space_after, t->title_space_before, true);
}

/* ---- paragraphs ---- */

typedef struct {
    kh_piece_t *items;
    size_t n, cap;
} kh_pieces_t;

static void S_piece(kh_pieces_t *ps, kh_piece_t p)
{
    ps->items = kh_array_grow(ps->items, ps->n, &ps->cap, sizeof *ps->items, 64);
    ps->items[ps->n++] = p;
}

/* Splits the block's spans into word pieces at spaces. */
static void S_pieces(kh_lctx_t *c, const kh_block_t *b, double size,
                     kh_pieces_t *ps)
{
    bool space = false, brk = false;
    for (size_t i = 0; i < b->nspans; i++) {
        const kh_span_t *sp = &b->spans[i];
        if (sp->style & KH_SPAN_BREAK) {
            brk = true;
            continue;
        }
        int font = (int)(sp->style & 3);
        const char *s = sp->text;
        size_t n = strlen(s);
        for (size_t k = 0; k < n;) {
            if (s[k] == ' ' || s[k] == '\t' || s[k] == '\n') {
                space = true;
                k++;
                continue;
            }
            size_t e = k;
            while (e < n && s[e] != ' ' && s[e] != '\t' && s[e] != '\n')
                e++;
            S_piece(ps, (kh_piece_t){font, s + k, e - k,
                                     S_width(c, font, s + k, e - k, size),
                                     space && ps->n > 0 && !brk, brk});
            space = brk = false;
            k = e;
        }
    }
}

/* No line ends in a hyphen-minus or a dash ("2020 -" / "2025", "180/KH-" /
 * "UBND"): text extractors take a line-final hyphen for a hyphenation and
 * join the words, losing the dash. So the space after such a word never
 * breaks. A line may start with a lone dash ("- 2025"), but that reads like
 * a bullet, so it costs a penalty. Returns the penalty for a break at the
 * space between before and after. */
static double S_dash_penalty(const kh_piece_t *before, const kh_piece_t *after)
{
    if (S_dash(before->text, before->len, false))
        return KH_LB_INFINITY;
    return S_dash(after->text, after->len, true) ? c_dash_start_penalty : 0;
}

/* Knuth–Plass items for the pieces: a box per word (pieces joined), glue
 * per space, a forced break per hard break and at the end. item_piece maps
 * each box to its first piece. */
static size_t S_items(kh_lctx_t *c, const kh_pieces_t *ps, double size,
                      double indent, kh_lb_item_t *items, size_t *item_piece)
{
    const kh_template_t *t = c->tpl;
    size_t n = 0;
    if (indent > 0) {
        item_piece[n] = (size_t)-1;
        items[n++] = (kh_lb_item_t){KH_LB_BOX, indent, 0, 0, 0};
    }
    for (size_t i = 0; i < ps->n; i++) {
        const kh_piece_t *p = &ps->items[i];
        if (p->hard_break) {
            item_piece[n] = (size_t)-1;
            items[n++] = (kh_lb_item_t){KH_LB_GLUE, 0, KH_LB_INFINITY, 0, 0};
            item_piece[n] = (size_t)-1;
            items[n++] = (kh_lb_item_t){KH_LB_PENALTY, 0, 0, 0, -KH_LB_INFINITY};
        } else if (p->space_before) {
            double sw = S_width(c, ps->items[i - 1].font, " ", 1, size);
            double pen = S_dash_penalty(&ps->items[i - 1], p);
            if (pen > 0) {
                item_piece[n] = (size_t)-1;
                items[n++] = (kh_lb_item_t){KH_LB_PENALTY, 0, 0, 0, pen};
            }
            item_piece[n] = (size_t)-1;
            items[n++] = (kh_lb_item_t){KH_LB_GLUE, sw, sw * t->space_stretch,
                                        sw * t->space_shrink, 0};
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
static void S_place_line(kh_lctx_t *c, const kh_pieces_t *ps,
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
        if (item_piece[k] == (size_t)-1) { /* the indent */
            x += it->width;
            continue;
        }
        /* a word: its first piece and the pieces joined to it */
        for (size_t i = item_piece[k]; i < ps->n; i++) {
            const kh_piece_t *p = &ps->items[i];
            if (i > item_piece[k] && (p->space_before || p->hard_break))
                break;
            S_text(c, p->font, size, x, dy, p->text, p->len,
                   pending_space && i == item_piece[k]);
            x += p->width;
        }
        pending_space = false;
    }
}

/* Lays out one paragraph or heading as one vbox per line. */
static void S_paragraph(kh_lctx_t *c, const kh_block_t *b, double space_before)
{
    const kh_template_t *t = c->tpl;
    double size = t->body_size;
    c->line = b->line, c->col = b->col;
    kh_pieces_t ps = {0};
    S_pieces(c, b, size, &ps);
    if (ps.n == 0) {
        free(ps.items);
        return;
    }
    size_t cap = 3 * ps.n + 4; /* per piece: penalty, glue, box */
    kh_lb_item_t *items = malloc(cap * sizeof *items);
    size_t *item_piece = malloc(cap * sizeof *item_piece);
    kh_lb_line_t *lines = malloc(cap * sizeof *lines);
    if (!items || !item_piece || !lines)
        abort();
    size_t n = S_items(c, &ps, size, t->indent, items, item_piece);
    size_t nl = kh_linebreak(items, n, c->text_w, lines);
    double lh = S_line_h(c, size), base = S_baseline(c, size);
    bool heading = b->kind == KH_BLOCK_HEADING;
    for (size_t i = 0, from = 0; i < nl; i++) {
        size_t to = lines[i].end;
        /* the last line and lines ending in a hard break are not stretched */
        double r = lines[i].ratio;
        bool last = i + 1 == nl || items[to].kind == KH_LB_PENALTY;
        if (last && r > 0)
            r = 0;
        if (!last) {
            c->out->justified_lines++;
            if (r > c->out->max_ratio)
                c->out->max_ratio = r;
        }
        size_t first = S_box_begin(c);
        S_place_line(c, &ps, items, item_piece, from, to, r, size, c->left, base);
        /* a heading never ends a page; no orphan (break after the first of
         * several lines) and no widow (break before the last) */
        bool keep = heading || (nl > 1 && (i == 0 || i + 2 == nl));
        S_box_end(c, first, lh, i == 0 ? space_before : 0, keep);
        from = to + 1;
        while (from < n && items[from].kind != KH_LB_BOX)
            from++; /* glue and penalties vanish at a line start */
    }
    free(items);
    free(item_piece);
    free(lines);
    free(ps.items);
}

/* ---- tables ---- */

/* One cell broken into lines at a width. */
typedef struct {
    kh_pieces_t ps;
    kh_lb_item_t *items;
    size_t *item_piece;
    kh_lb_line_t *lines;
    size_t nitems, nlines;
} kh_cell_lines_t;

static void S_cell_break(kh_lctx_t *c, const kh_block_t *cell, double size,
                         double width, kh_cell_lines_t *cl)
{
    memset(cl, 0, sizeof *cl);
    S_pieces(c, cell, size, &cl->ps);
    if (!cl->ps.n)
        return;
    size_t cap = 3 * cl->ps.n + 4;
    cl->items = malloc(cap * sizeof *cl->items);
    cl->item_piece = malloc(cap * sizeof *cl->item_piece);
    cl->lines = malloc(cap * sizeof *cl->lines);
    if (!cl->items || !cl->item_piece || !cl->lines)
        abort();
    cl->nitems = S_items(c, &cl->ps, size, 0, cl->items, cl->item_piece);
    cl->nlines = kh_linebreak(cl->items, cl->nitems, width, cl->lines);
}

static void S_cell_free(kh_cell_lines_t *cl)
{
    free(cl->ps.items);
    free(cl->items);
    free(cl->item_piece);
    free(cl->lines);
}

/* A cell's width on one line, and its widest word. */
static void S_cell_widths(kh_lctx_t *c, const kh_block_t *cell, double size,
                          double *natural, double *word)
{
    kh_pieces_t ps = {0};
    S_pieces(c, cell, size, &ps);
    double space = S_width(c, KH_FONT_REGULAR, " ", 1, size), w = 0;
    *natural = *word = 0;
    for (size_t i = 0; i < ps.n; i++) {
        if (ps.items[i].space_before || ps.items[i].hard_break) {
            *natural += ps.items[i].hard_break ? 0 : space;
            w = 0;
        }
        *natural += ps.items[i].width;
        w += ps.items[i].width;
        if (w > *word)
            *word = w;
    }
    free(ps.items);
}

/* Column widths filling the text width: the natural widths when they fit
 * (the rest shared in proportion), else each column's widest word plus a
 * share of the remaining room in proportion to what it lacks. */
static void S_column_widths(kh_lctx_t *c, const kh_table_t *t, double *cw)
{
    const kh_template_t *tp = c->tpl;
    double nat[64] = {0}, min[64] = {0}, sum_nat = 0, sum_min = 0;
    for (int k = 0; k < t->cols; k++) {
        for (int r = 0; r < t->rows; r++) {
            double n, m;
            S_cell_widths(c, &t->cells[r * t->cols + k], tp->table_size, &n, &m);
            nat[k] = n > nat[k] ? n : nat[k];
            min[k] = m > min[k] ? m : min[k];
        }
        nat[k] += 2 * tp->table_padding + 1;
        min[k] += 2 * tp->table_padding + 1;
        sum_nat += nat[k];
        sum_min += min[k];
    }
    double W = c->text_w;
    for (int k = 0; k < t->cols; k++) {
        if (sum_nat <= W)
            cw[k] = nat[k] * W / sum_nat;
        else if (sum_min >= W)
            cw[k] = min[k] * W / sum_min;
        else
            cw[k] = min[k] + (W - sum_min) * (nat[k] - min[k]) / (sum_nat - sum_min);
    }
}

/* One vbox per row, ruled all round; the header row stays with the next. */
static void S_table(kh_lctx_t *c, const kh_block_t *b, double space_before)
{
    const kh_template_t *tp = c->tpl;
    const kh_table_t *t = b->table;
    if (t->cols < 1 || t->rows < 1)
        return;
    double cw[64], size = tp->table_size, pad = tp->table_padding;
    S_column_widths(c, t, cw);
    double lh = S_line_h(c, size), base = S_baseline(c, size);
    size_t header = c->nboxes + 1; /* the box the first row is about to get */
    for (int r = 0; r < t->rows; r++) {
        size_t first = S_box_begin(c);
        double x = c->left, height = lh + 2 * pad;
        for (int k = 0; k < t->cols; k++) {
            const kh_block_t *cell = &t->cells[r * t->cols + k];
            c->line = cell->line, c->col = cell->col;
            kh_cell_lines_t cl;
            S_cell_break(c, cell, size, cw[k] - 2 * pad, &cl);
            for (size_t i = 0, from = 0; i < cl.nlines; i++) {
                size_t to = cl.lines[i].end;
                double ratio = cl.lines[i].ratio < 0 ? cl.lines[i].ratio : 0; /* ragged */
                S_place_line(c, &cl.ps, cl.items, cl.item_piece, from, to, ratio,
                             size, x + pad, pad + base + lh * (double)i);
                from = to + 1;
                while (from < cl.nitems && cl.items[from].kind != KH_LB_BOX)
                    from++;
            }
            if (lh * (double)cl.nlines + 2 * pad > height)
                height = lh * (double)cl.nlines + 2 * pad;
            S_cell_free(&cl);
            x += cw[k];
        }
        S_line(c, c->left, 0, c->left + c->text_w, 0, tp->table_rule);
        if (r + 1 == t->rows)
            S_line(c, c->left, height, c->left + c->text_w, height, tp->table_rule);
        double edge = c->left;
        for (int k = 0; k <= t->cols; k++) {
            S_line(c, edge, 0, edge, height, tp->table_rule);
            if (k < t->cols)
                edge += cw[k];
        }
        S_box_end(c, first, height, r == 0 ? space_before : 0, r == 0 && t->rows > 1);
        if (r > 0)
            c->boxes[c->nboxes - 1].header = header;
    }
}

/* ---- closing: Nơi nhận beside the signature ---- */

static double S_left_lines(kh_lctx_t *c, int font, double size, double x,
                           double width, double dy, double base, const char *s)
{
    kh_span_line_t lines[KH_MAX_WRAPPED];
    size_t n = S_wrap(c, font, size, s, width, lines, KH_MAX_WRAPPED);
    double lh = S_line_h(c, size);
    for (size_t i = 0; i < n; i++)
        S_text(c, font, size, x, dy + base + lh * (double)i, s + lines[i].start,
               lines[i].len, false);
    return lh * (double)n;
}

static double S_recipients(kh_lctx_t *c, const kh_plan_t *p, double base)
{
    const kh_template_t *t = c->tpl;
    double x = c->left, w = t->closing_left_w;
    double y = base - S_baseline(c, t->label_size);
    y += S_left_lines(c, KH_FONT_BOLD_ITALIC, t->label_size, x, w, y,
                      S_baseline(c, t->label_size), t->closing_label);
    double ib = S_baseline(c, t->item_size);
    for (size_t i = 0; i < p->nrecipients; i++) {
        char *item;
        if (asprintf(&item, "- %s;", p->recipients[i]) < 0)
            abort();
        y += S_left_lines(c, KH_FONT_REGULAR, t->item_size, x, w, y, ib, item);
        free(item);
    }
    char *archive;
    if (asprintf(&archive, "- %s%s.", t->archive_prefix, p->archive) < 0)
        abort();
    y += S_left_lines(c, KH_FONT_REGULAR, t->item_size, x, w, y, ib, archive);
    free(archive);
    return y;
}

static double S_signature(kh_lctx_t *c, const kh_plan_t *p, double base)
{
    const kh_template_t *t = c->tpl;
    double x0 = c->left + t->closing_left_w;
    double w = c->left + c->text_w - x0, cx = x0 + w / 2;
    double size = t->signer_size;
    double y = base - S_baseline(c, size);
    /* "KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC"; an acting head signs "Q. GIÁM ĐỐC" */
    char *title = kh_text_upper(p->signer_title);
    if (p->authority && p->on_behalf_of) {
        char *line, *up = kh_text_upper(p->on_behalf_of);
        if (asprintf(&line, "%s. %s", p->authority, up) < 0)
            abort();
        y += S_centered_block(c, KH_FONT_BOLD, size, cx, w, y, line, false);
        free(line);
        free(up);
    } else if (p->authority) {
        char *line;
        if (asprintf(&line, "%s. %s", p->authority, title) < 0)
            abort();
        free(title);
        title = line;
    }
    y += S_centered_block(c, KH_FONT_BOLD, size, cx, w, y, title, false);
    free(title);
    y += t->signature_room;
    y += S_centered_block(c, KH_FONT_BOLD, size, cx, w, y, p->signer_name, false);
    return y;
}

static void S_closing(kh_lctx_t *c, const kh_plan_t *p)
{
    const kh_template_t *t = c->tpl;
    size_t first = S_box_begin(c);
    c->line = c->col = 1;
    /* the label's first line and the signer's first line share a baseline */
    double base = S_baseline(c, t->label_size) > S_baseline(c, t->signer_size)
                      ? S_baseline(c, t->label_size)
                      : S_baseline(c, t->signer_size);
    double left = S_recipients(c, p, base);
    double right = S_signature(c, p, base);
    S_box_end(c, first, left > right ? left : right, t->closing_space_before,
              false);
}

/* ---- pagination ---- */

static kh_page_t *S_new_page(kh_lctx_t *c)
{
    kh_layout_t *L = c->out;
    L->pages = kh_array_grow(L->pages, L->npages, &c->cap_pages, sizeof *L->pages, 8);
    memset(&L->pages[L->npages], 0, sizeof *L->pages);
    return &L->pages[L->npages++];
}

static void S_put(kh_page_t *pg, const kh_op_t *op)
{
    pg->ops = kh_array_grow(pg->ops, pg->nops, &pg->cap, sizeof *pg->ops, 256);
    pg->ops[pg->nops++] = *op;
}

/* Where this page must end: after the last box that allows a break, unless
 * none does (then the page is simply full). */
static size_t S_page_end(const kh_lctx_t *c, size_t first, double avail)
{
    /* a table continued from the last page starts under its header again */
    double y = c->boxes[first].header ? c->boxes[c->boxes[first].header - 1].height : 0;
    size_t last_ok = (size_t)-1, j;
    for (j = first; j < c->nboxes; j++) {
        const kh_vbox_t *b = &c->boxes[j];
        double sb = j == first ? 0 : b->space_before;
        if (j > first && y + sb + b->height > avail + 0.01)
            break;
        y += sb + b->height;
        if (!b->keep_with_next)
            last_ok = j;
    }
    if (j == c->nboxes)
        return j;
    return last_ok != (size_t)-1 ? last_ok + 1 : j;
}

static void S_page_number(kh_lctx_t *c, kh_page_t *pg, size_t number)
{
    const kh_template_t *t = c->tpl;
    char s[24];
    int n = snprintf(s, sizeof s, "%zu", number);
    double w = S_width(c, KH_FONT_REGULAR, s, (size_t)n, t->page_number_size);
    kh_op_t op = {KH_OP_TEXT, KH_FONT_REGULAR, t->page_number_size,
                  c->left + c->text_w / 2 - w / 2,
                  t->page_h - t->page_number_baseline,
                  S_store_text(c, s, (size_t)n), (size_t)n, false, 0, 0, 0};
    S_put(pg, &op);
}

/* Puts a box's ops on the page with its top at top; returns its bottom. */
static double S_place_box(kh_lctx_t *c, kh_page_t *pg, const kh_vbox_t *b,
                          double top)
{
    double h = c->tpl->page_h;
    for (size_t k = 0; k < b->op_count; k++) {
        kh_op_t op = c->staged[b->op_first + k];
        op.y = h - (top + op.y);
        op.y2 = h - (top + op.y2);
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
    double y = c->tpl->page_h - top;
    kh_op_t op = {KH_OP_RULE, 0, 0, c->left, y, 0, 0, false,
                  c->left + c->text_w, y, c->tpl->table_rule};
    S_put(pg, &op);
}

static void S_paginate(kh_lctx_t *c)
{
    const kh_template_t *t = c->tpl;
    double avail = t->page_h - t->margin_top - t->margin_bottom;
    for (size_t first = 0; first < c->nboxes;) {
        if (c->out->npages == KH_MAX_PAGES) {
            kh_diag_add(c->diags, c->src->path, 0, 0, KH_SEV_ERROR, "page-limit",
                        "the plan would take more than %d pages", KH_MAX_PAGES);
            c->ok = false;
            return;
        }
        size_t end = S_page_end(c, first, avail);
        kh_page_t *pg = S_new_page(c);
        if (c->out->npages > 1)
            S_page_number(c, pg, c->out->npages);
        double top = t->margin_top;
        if (c->boxes[first].header)
            top = S_place_box(c, pg, &c->boxes[c->boxes[first].header - 1], top);
        for (size_t j = first; j < end; j++) {
            if (j > first)
                top += c->boxes[j].space_before;
            top = S_place_box(c, pg, &c->boxes[j], top);
        }
        S_close_table(c, pg, end, top);
        first = end;
    }
}

kh_layout_t *kh_layout_build(const kh_plan_t *plan, const kh_template_t *tpl,
                             kh_font_t *fonts[KH_FONT_COUNT],
                             const kh_source_t *src, kh_diag_list_t *diags)
{
    kh_layout_t *L = calloc(1, sizeof *L);
    if (!L)
        abort();
    L->width = tpl->page_w;
    L->height = tpl->page_h;
    kh_lctx_t c = {.tpl = tpl, .fonts = fonts, .src = src, .diags = diags,
                   .ok = true, .out = L, .left = tpl->margin_left,
                   .text_w = tpl->page_w - tpl->margin_left - tpl->margin_right};
    S_header(&c, plan);
    S_title(&c, plan);
    for (size_t i = 0; i < plan->nblocks; i++) {
        const kh_block_t *b = &plan->blocks[i];
        double before = (i > 0 ? tpl->paragraph_after : 0) + b->space_before;
        if (b->kind == KH_BLOCK_TABLE)
            S_table(&c, b, before);
        else
            S_paragraph(&c, b, before);
    }
    S_closing(&c, plan);
    if (c.ok)
        S_paginate(&c);
    free(c.staged);
    free(c.boxes);
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
    free(L);
}

void kh_layout_dump(const kh_layout_t *L, FILE *out)
{
    static const char *const F[] = {"R", "B", "I", "BI"};
    for (size_t p = 0; p < L->npages; p++) {
        fprintf(out, "page %zu\n", p + 1);
        for (size_t i = 0; i < L->pages[p].nops; i++) {
            const kh_op_t *op = &L->pages[p].ops[i];
            if (op->kind == KH_OP_RULE)
                fprintf(out, "rule %.2f %.2f %.2f %.2f\n", op->x, op->y, op->x2, op->y2);
            else
                fprintf(out, "text %s %.1f %.2f %.2f %.*s\n", F[op->font],
                        op->size, op->x, op->y, (int)op->len, L->text + op->text);
        }
    }
}
