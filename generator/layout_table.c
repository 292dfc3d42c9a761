/* Layout of tables, as offices set them in Word: column widths from the
 * cells' content (colwidth.c), every cell ruled round (a merged cell has
 * no inner rules), the header rows bold and centred, and the body cut
 * into boxes at line boundaries so that a row taller than the room left
 * splits between pages. The header rows are one box that pagination
 * (layout.c, S_paginate) repeats atop each page the table reaches, with
 * the table's bottom rule at each page break (S_close_table).
 *
 * Decisions (README, "Tables"):
 * - Widths: each column's min is its widest unbreakable piece (a word; a
 *   whole number, amount or date), its natural width its longest line;
 *   kh_colwidth shares the text width. Fixed widths come from the
 *   template (table.widths, by header row). Minimums wider than the text
 *   width: the size shrinks by 0.5 pt to table.min_size, then number
 *   columns stay whole and text columns' words break, with one
 *   table-width warning and no long-word warnings (S_column_widths).
 * - Horizontal alignment: the cell's own (HTML align/text-align), else the
 *   delimiter row's (pipe tables), else: header cells centred; a merged
 *   body cell of up to four words centred ("Tổng cộng", "Chấm một mức"),
 *   unless it spans every column (a group row, "I. Nhóm chỉ tiêu …": left,
 *   as typed); a longer merged cell left, as text; an STT-like column
 *   (every body cell a sequence number "1", "1.2", a Roman numeral "II",
 *   "x", or a short code that is not a number) centred; a column of
 *   numbers right-aligned whatever their length (amounts "1.200",
 *   "1.250.000", "12,5", "45%": the same amount never centred in one
 *   table and right in another), of dates centred; text left-aligned and
 *   ragged right (a justified narrow cell opens holes between words;
 *   offices' Word tables use left).
 * - Vertical alignment: top, as Word's default; a cell spanning rows is
 *   centred in its rows (as offices set merged cells), unless it is taller
 *   than a third of a page: then at its top, so that its rows may part
 *   below its text (Pages).
 * - Row heights: the tallest one-row cell; a cell spanning rows that needs
 *   more than its rows have adds the rest to them equally.
 * - Pages: a body row splits between two lines of its cells (leaving two
 *   lines of the row on each page when it has them); a group row (one
 *   cell over every column) keeps with the next row's first lines; rows
 *   tied by a rowspan stay together unless they are taller than a page,
 *   then they split where no line of any cell is cut, or keeping them
 *   would leave a page under two-thirds full (a soft keep, S_page_end in
 *   layout.c), then they part between rows below every merged cell's
 *   text, which stays whole in the part it starts in (not repeated). */
#include "layout_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colwidth.h"
#include "i18n.h"
#include "text.h"

/* One cell broken into lines at a width. */
typedef struct {
    kh_pieces_t ps;
    kh_lb_item_t *items;
    size_t *item_piece;
    kh_lb_line_t *lines;
    size_t nitems, nlines;
} kh_cell_lines_t;

static void S_cell_break(kh_lctx_t *c, const kh_cell_t *cell, double size,
                         double width, bool warn, kh_cell_lines_t *cl)
{
    memset(cl, 0, sizeof *cl);
    kh_lay_pieces(c, &cell->text, size, width, width, warn, &cl->ps);
    if (!cl->ps.n)
        return;
    size_t cap = 4 * cl->ps.n + 4; /* as kh_lay_items needs */
    cl->items = malloc(cap * sizeof *cl->items);
    cl->item_piece = malloc(cap * sizeof *cl->item_piece);
    cl->lines = malloc(cap * sizeof *cl->lines);
    if (!cl->items || !cl->item_piece || !cl->lines)
        abort();
    cl->nitems = kh_lay_items(c, &cl->ps, 0, cl->ps.n, size, 0, cl->items, cl->item_piece);
    cl->nlines = kh_linebreak_ragged(cl->items, cl->nitems, width, cl->lines);
}

/* Frees a cell's lines; it may be called again (a group's cells are
 * freed once placed, and every cell at the table's end). */
static void S_cell_free(kh_cell_lines_t *cl)
{
    free(cl->ps.items);
    free(cl->items);
    free(cl->item_piece);
    free(cl->lines);
    cl->ps.items = NULL;
    cl->items = NULL;
    cl->item_piece = NULL;
    cl->lines = NULL;
    cl->nitems = cl->nlines = 0;
}

static bool S_date_phrase(const kh_cell_t *cell);

/* A cell's widest line (its hard breaks kept), its widest unbreakable run
 * (a URL counts by its pieces between / . ? & = _ -) and its widest
 * number (which is never broken if the table can hold it). */
static void S_cell_widths(kh_lctx_t *c, const kh_cell_t *cell, double size, bool body,
                          double *natural, double *word, double *number)
{
    kh_pieces_t ps = {0};
    kh_lay_pieces(c, &cell->text, size, c->text_w, c->text_w, false, &ps);
    double space = kh_lay_width(c, KH_FONT_REGULAR, " ", 1, size), w = 0, line = 0;
    bool numeric = true;
    *natural = *word = *number = 0;
    for (size_t i = 0; i < ps.n; i++) {
        const kh_piece_t *p = &ps.items[i];
        if (p->split > 0 || p->space_before || p->hard_break)
            w = 0, numeric = true;
        if (p->hard_break)
            line = p->blank * space; /* an indented line (a nested item) */
        else if (p->space_before && line > 0)
            line += space;
        line += p->width;
        w += p->width;
        numeric = numeric && kh_lay_is_number(p->text, p->len);
        if (line > *natural)
            *natural = line;
        if (w > *word)
            *word = w;
        if (numeric && w > *number)
            *number = w;
    }
    free(ps.items);
    /* "Tháng 02/2025" never wraps, as "02/2025"; a header "Tháng 4" may
     * (header words wrap before body text does) */
    if (body && *natural > *number && S_date_phrase(cell))
        *number = *natural;
}

static void S_cell_string(const kh_cell_t *cell, char *out, size_t cap);

/* True for a short date-like phrase, a time in a plan's timetable: "Tháng
 * 02/2025", "Quý III/2025", "Năm 2025", "Tuần 2", "Đợt 1" — a period word
 * then one or two numbers, dates or Roman numerals (one may end in
 * "/2025"). It keeps its words together as a date does (README, Tables). */
static bool S_date_phrase(const kh_cell_t *cell)
{
    static const char *const period[] = {"tháng", "Tháng", "THÁNG", "quý", "Quý", "QUÝ",
                                         "năm", "Năm", "NĂM", "ngày", "Ngày", "NGÀY",
                                         "tuần", "Tuần", "TUẦN", "đợt", "Đợt", "ĐỢT", NULL};
    char s[96];
    S_cell_string(cell, s, sizeof s);
    if (strlen(s) >= sizeof s - 1)
        return false;
    char *save = NULL, *w = strtok_r(s, " ", &save);
    bool ok = false;
    for (int i = 0; w && period[i] && !ok; i++)
        ok = !strcmp(w, period[i]);
    int n = 0;
    for (w = strtok_r(NULL, " ", &save); w && ok; w = strtok_r(NULL, " ", &save), n++) {
        size_t r = strspn(w, "IVXLC");
        ok = n < 2 && (kh_lay_is_number(w, strlen(w)) ||
                       (r > 0 && (!w[r] || (w[r] == '/' && w[r + 1] &&
                                            kh_lay_is_number(w + r + 1, strlen(w + r + 1))))));
    }
    return ok && n > 0;
}

/* The cell's text as one string (spans joined, breaks as spaces), at most
 * cap − 1 bytes. */
static void S_cell_string(const kh_cell_t *cell, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < cell->text.nspans && n + 1 < cap; i++) {
        const kh_span_t *s = &cell->text.spans[i];
        const char *t = (s->style & KH_SPAN_BREAK) ? " " : s->text ? s->text : "";
        size_t len = (s->style & KH_SPAN_BREAK) ? 1 : s->len;
        if (len > cap - 1 - n)
            len = cap - 1 - n;
        memcpy(out + n, t, len);
        n += len;
    }
    out[n] = '\0';
}

/* True for what an STT-like column holds: a sequence number ("1", "12.",
 * "1.2", "a)"), a Roman numeral ("IV"), "x" or "-", or a short code that
 * is not a number ("KH", "A1"). Not an amount: "1.200" has three digits
 * after its dot, "45%" and "12,5" are numbers. */
static bool S_stt_like(const char *v)
{
    size_t n = strlen(v);
    if (n && (v[n - 1] == '.' || v[n - 1] == ')'))
        n--;
    if (n == 0)
        return false;
    if (strspn(v, "IVXLCDM") == n || (n == 1 && ((v[0] >= 'a' && v[0] <= 'z') ||
                                                 v[0] == 'x' || v[0] == 'X' || v[0] == '-')))
        return true;
    /* digits in groups of one to three, the later ones of one or two */
    size_t i = 0, g = 0;
    for (;;) {
        size_t d = strspn(v + i, "0123456789");
        if (d == 0 || d > (g ? 2 : 3))
            break;
        i += d, g++;
        if (i == n)
            return true;
        if (v[i] != '.')
            break;
        i++;
    }
    return kh_utf8_length(v, strlen(v)) <= 5 && !strchr(v, ' ') && !kh_lay_is_number(v, strlen(v));
}

/* The alignment of a column's body cells that give none: see the header
 * comment (STT-like → centre, numbers → right, dates → centre, else left). */
static kh_align_t S_column_align(const kh_table_t *t, int k)
{
    bool any = false, all_short = true, all_num = true, all_date = true;
    for (int r = t->header_rows; r < t->rows; r++) {
        const kh_cell_t *cell = &t->cells[r * t->cols + k];
        if (cell->covered || cell->colspan > 1 || cell->rowspan > 1)
            continue;
        char s[256];
        S_cell_string(cell, s, sizeof s);
        size_t a = strspn(s, " "), len = strlen(s);
        while (len > a && s[len - 1] == ' ')
            len--;
        if (len == a)
            continue;
        s[len] = '\0';
        const char *v = s + a;
        any = true;
        all_short = all_short && S_stt_like(v);
        bool num = true;
        for (const char *w = v; *w && num;) {
            size_t wl = strcspn(w, " ");
            num = kh_lay_is_number(w, wl);
            w += wl;
            w += strspn(w, " ");
        }
        all_num = all_num && num;
        all_date = all_date && num && strchr(v, '/');
    }
    if (!any)
        return KH_ALIGN_LEFT;
    if (all_short || (all_num && all_date))
        return KH_ALIGN_CENTER;
    return all_num ? KH_ALIGN_RIGHT : KH_ALIGN_LEFT;
}

/* True for a cell of at most four words ("Tổng cộng", "Chấm một mức"): a
 * merged cell that short is centred; a longer one reads as text (left). */
static bool S_short(const kh_cell_t *cell)
{
    char s[256];
    S_cell_string(cell, s, sizeof s);
    int words = 0;
    for (const char *p = s; *p;) {
        p += strspn(p, " ");
        if (!*p)
            break;
        words++;
        p += strcspn(p, " ");
    }
    return words <= 4;
}

/* "STT | Nội dung | Thời gian": a table's first cells, to name it. */
static void S_table_name(const kh_table_t *t, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int k = 0, shown = 0; k < t->cols && shown < 3; k++) {
        const kh_cell_t *cell = &t->cells[k];
        if (cell->covered)
            continue;
        char s[64];
        S_cell_string(cell, s, sizeof s);
        /* cut at a character boundary */
        size_t len = strlen(s);
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
        s[len] = '\0';
        n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", shown ? " | " : "", s);
        shown++;
        if (n >= cap)
            break;
    }
    if (n + 6 < cap && t->cols > 3)
        snprintf(out + n, cap - n, " | …");
}

/* True if the template fixes this table's widths: its first row's cells
 * are the entry's header, word for word (case and spacing as typed). */
static const kh_table_widths_t *S_fixed(const kh_template_t *tp, const kh_table_t *t)
{
    for (size_t i = 0; i < tp->ntable_widths; i++) {
        const kh_table_widths_t *w = &tp->table_widths[i];
        if ((int)w->ncols != t->cols)
            continue;
        bool same = true;
        for (int k = 0; k < t->cols && same; k++) {
            char s[256];
            S_cell_string(&t->cells[k], s, sizeof s);
            same = !strcmp(s, w->header[k]);
        }
        if (same)
            return w;
    }
    return NULL;
}

/* The sum of a template entry's widths, mm. */
static double S_fixed_sum(const kh_table_widths_t *w)
{
    double sum = 0;
    for (size_t k = 0; k < w->ncols; k++)
        sum += w->mm[k];
    return sum;
}

/* One try at the column widths at a text size: cols[] and the result as
 * kh_colwidth gives them; *sum_raw: Σ of each column's widest word or
 * number (a word wider than half the text width counted as half: that is
 * a long-word matter, landscape is no cure for it), box widths. */
static kh_colwidth_result_t S_try_widths(kh_lctx_t *c, const kh_table_t *t, double size,
                                         const kh_table_widths_t *fw,
                                         kh_colwidth_col_t *cols, double *sum_raw)
{
    const kh_template_t *tp = c->tpl;
    double W = c->text_w;
    /* A word wider than an equal share of the width (a URL, a code) is
     * broken anyway (after its marks, else with long-word): it may not
     * claim more as its column's minimum, or the short columns beside it
     * ("STT") would be squeezed below their own words. A number may: it
     * is never broken if the table can hold it. */
    double fair = W / t->cols - 2 * tp->table_padding - tp->table_rule;
    size_t n = 0;
    double raw[KH_MAX_TABLE_COLS] = {0}; /* each column's widest word, unclamped */
    kh_colwidth_cell_t *cells = malloc((size_t)t->rows * (size_t)t->cols * sizeof *cells);
    double *nums = malloc((size_t)t->rows * (size_t)t->cols * sizeof *nums);
    if (!cells || !nums)
        abort();
    for (int r = 0; r < t->rows; r++)
        for (int k = 0; k < t->cols; k++) {
            const kh_cell_t *cell = &t->cells[r * t->cols + k];
            if (cell->covered)
                continue;
            double nat, m, num;
            S_cell_widths(c, cell, size, r >= t->header_rows, &nat, &m, &num);
            double whole = m > num ? m : num;
            if (cell->colspan == 1 && whole > raw[k])
                raw[k] = whole;
            /* a cell over several rows has a line in each at no cost:
             * "Chấm một mức" beside four rows may wrap into them */
            if (cell->rowspan > 1 && nat / cell->rowspan > whole)
                nat /= cell->rowspan;
            else if (cell->rowspan > 1)
                nat = whole;
            cells[n++] = (kh_colwidth_cell_t){k, cell->colspan, m, nat, r < t->header_rows};
            nums[n - 1] = num;
        }
    /* The fair share caps words only when the widest words of all the
     * columns do not fit side by side: otherwise each keeps its own. */
    double ov = 2 * tp->table_padding + tp->table_rule, all = 0;
    for (int k = 0; k < t->cols; k++)
        all += raw[k] + ov;
    for (size_t i = 0; i < n; i++) {
        double m = cells[i].min;
        if (all > W && m > fair * cells[i].span)
            m = fair > 0 ? fair * cells[i].span : 0;
        if (nums[i] > m) /* an amount keeps its width: "1.800.000." / "000" misreads */
            m = nums[i];
        cells[i].min = m;
    }
    free(nums);
    memset(cols, 0, KH_MAX_TABLE_COLS * sizeof *cols);
    for (int k = 0; fw && k < t->cols; k++)
        cols[k].fixed_pt = fw->mm[k] * 72 / 25.4;
    kh_colwidth_frame_t frame = {W, 2 * tp->table_padding, tp->table_rule};
    kh_colwidth_result_t res = kh_colwidth(cells, n, cols, t->cols, &frame);
    free(cells);
    *sum_raw = 0;
    for (int k = 0; k < t->cols; k++) {
        double m = raw[k] + frame.padding + frame.rule;
        m = m > cols[k].min ? m : cols[k].min;
        *sum_raw += m < W / 2 ? m : W / 2;
    }
    return res;
}

/* Column widths (box widths: rule centre to rule centre) filling the text
 * width, and the text size the table is set at (returned, pt). A table
 * whose columns at their narrowest do not fit is handled as Word users
 * handle it, in order:
 * (a) its text shrinks by 0.5 pt steps from table.size down to
 *     table.min_size until they fit;
 * (b) if they still do not, its number columns (numbers, amounts, dates:
 *     kh_colwidth's kind) keep their widths, so no number breaks, and the
 *     other columns share the rest in proportion to their minimums: their
 *     words break (if the numbers alone do not fit, every column is
 *     scaled);
 * (c) one table-width warning says what was done, and no long-word
 *     warning is given for its cells (*quiet). */
static double S_column_widths(kh_lctx_t *c, const kh_table_t *t, double *cw, bool *quiet)
{
    const kh_template_t *tp = c->tpl;
    double W = c->text_w, size = tp->table_size, sum_raw = 0;
    double floor = tp->table_min_size > 0 && tp->table_min_size < size ? tp->table_min_size : size;
    const kh_table_widths_t *fw = S_fixed(tp, t);
    kh_colwidth_col_t cols[KH_MAX_TABLE_COLS];
    kh_colwidth_result_t res;
    bool over;
    *quiet = false;
    for (;;) {
        res = S_try_widths(c, t, size, fw, cols, &sum_raw);
        over = res.overflow > 0.01 || sum_raw > W + 0.01;
        if (!over || size - 0.5 < floor - 1e-9)
            break;
        size -= 0.5;
    }
    double sum_min = 0, sum_num = 0, sum_text = 0;
    for (int k = 0; k < t->cols; k++) {
        cw[k] = cols[k].width, sum_min += cols[k].min;
        if (cols[k].numeric)
            sum_num += cols[k].min;
        else
            sum_text += cols[k].min;
    }
    char name[200];
    bool shrunk = size < tp->table_size - 1e-9;
    if (over || shrunk)
        S_table_name(t, name, sizeof name);
    bool turned = c->page_w > c->page_h; /* landscape cannot help */
    const char *cure = turned ? _("split it into two tables")
                              : _("put it in a landscape appendix ('# Phụ lục …' then "
                                  "'<!-- landscape -->')");
    if (over) {
        double need = (sum_raw > sum_min ? sum_raw : sum_min) * 25.4 / 72;
        bool whole = res.overflow > 0.01 && sum_text > 0 && sum_num < W - 0.01;
        if (res.overflow > 0.01)
            for (int k = 0; k < t->cols; k++)
                cw[k] = !whole          ? cols[k].min * W / sum_min
                        : cols[k].numeric ? cols[k].min
                                          : cols[k].min * (W - sum_num) / sum_text;
        *quiet = true;
        kh_diag_add(c->diags, c->src->path, c->line, c->col, KH_SEV_WARNING, "table-width",
                    "the table '%s' needs %.0f mm with every column at its narrowest "
                    "(its widest words and numbers) even at %g pt, more than the %.0f mm "
                    "of text width: it is set at %g pt (table.min_size) and %s; %s",
                    name, need, size, W * 25.4 / 72, size,
                    whole ? _("its numbers are kept whole, the words of its text "
                              "columns broken to fit")
                          : _("its words are broken to fit"),
                    cure);
    } else if (shrunk) {
        kh_diag_add(c->diags, c->src->path, c->line, c->col, KH_SEV_WARNING, "table-width",
                    "the table '%s' is too wide for the %.0f mm of text width at %g pt "
                    "(table.size): it is set at %g pt so that no word breaks; %s",
                    name, W * 25.4 / 72, tp->table_size, size, cure);
    } else if (fw && S_fixed_sum(fw) * 72 / 25.4 > W + 0.05) {
        S_table_name(t, name, sizeof name);
        kh_diag_add(c->diags, c->src->path, c->line, c->col, KH_SEV_WARNING, "table-width",
                    "the template's widths for the table '%s' add up to %.1f mm, more "
                    "than the %.1f mm of text width: they are scaled down to fit; put "
                    "the table in a landscape appendix or narrow them", name,
                    S_fixed_sum(fw), W * 25.4 / 72);
    } else if (res.too_small && fw) {
        S_table_name(t, name, sizeof name);
        kh_diag_add(c->diags, c->src->path, c->line, c->col, KH_SEV_WARNING, "table-width",
                    "the template's widths for the table '%s' leave %d column(s) "
                    "narrower than their widest word or number: widened", name,
                    res.too_small);
    }
    return size;
}

/* Natural width of a line's items [from, to), ratio applied to its glue. */
static double S_line_width(const kh_lb_item_t *items, size_t from, size_t to, double ratio)
{
    double w = 0;
    for (size_t k = from; k < to; k++) {
        const kh_lb_item_t *it = &items[k];
        if (it->kind == KH_LB_BOX)
            w += it->width;
        else if (it->kind == KH_LB_GLUE)
            w += it->width + (ratio >= 0 ? ratio * it->stretch : ratio * it->shrink);
    }
    return w;
}

/* A cell placed in the table: its lines, its area and alignment. */
typedef struct {
    kh_cell_lines_t cl;
    int r, k;           /* its slot (top left) */
    int rs, cs;         /* rows and columns it spans, inside the table */
    double x, w;        /* text left edge and width (pt) */
    double top, height; /* its area, from the table's top (pt) */
    double first;       /* top of its first line, from the table's top */
    kh_align_t align;
} kh_pcell_t;

static int S_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    double a, b; /* a line's top and bottom */
} kh_span_y_t;

static int S_cmp_span(const void *a, const void *b)
{
    return S_cmp_double(&((const kh_span_y_t *)a)->a, &((const kh_span_y_t *)b)->a);
}

/* A cell spanning rows, for sorting: rows spanned, then its index in
 * the table's cells (a stable order without a global for qsort). */
typedef struct {
    int rs;
    size_t i;
} kh_span_ref_t;

static int S_cmp_span_rows(const void *a, const void *b)
{
    const kh_span_ref_t *x = a, *y = b;
    if (x->rs != y->rs)
        return x->rs < y->rs ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* The table's state while its boxes are made. */
typedef struct {
    kh_lctx_t *c;
    const kh_table_t *t;
    double edge[KH_MAX_TABLE_COLS + 1]; /* x of each vertical rule */
    double *row_top;                    /* rows + 1 entries */
    int *owner;                         /* per slot: index in pc of its cell */
    kh_pcell_t *pc;                     /* row by row, so by their first row */
    size_t npc;
    size_t *row_pc; /* rows + 1 entries: the first cell of pc in row r or
                       after; rows [r0, r1] own pc[row_pc[r0], row_pc[r1 + 1]),
                       so a band costs its rows, not the table's (linear) */
    double lh, base, size;
    size_t header; /* 1 + the header box's index */
} kh_tab_t;

/* One box: the table's band [s0, s1) from its top, of rows [r0, r1]. */
static void S_band(kh_tab_t *T, int r0, int r1, double s0, double s1, double space_before,
                   bool keep, bool is_header)
{
    kh_lctx_t *c = T->c;
    const kh_table_t *t = T->t;
    const kh_template_t *tp = c->tpl;
    double rule = tp->table_rule, eps = 0.01;
    size_t first = kh_lay_box_begin(c);
    bool continued = false;
    /* the text of the lines whose top lies in the band */
    for (size_t i = T->row_pc[r0]; i < T->row_pc[r1 + 1]; i++) {
        kh_pcell_t *p = &T->pc[i];
        if (p->top < s0 - eps && p->top + p->height > s0 + eps)
            continued = true;
        kh_cell_lines_t *cl = &p->cl;
        size_t from = 0;
        for (size_t l = 0; l < cl->nlines; l++) {
            size_t to = cl->lines[l].end;
            double y = p->first + T->lh * (double)l;
            if (y >= s0 - eps && y < s1 - eps) {
                double ratio = cl->lines[l].ratio < 0 ? cl->lines[l].ratio : 0; /* ragged */
                double x = p->x, lw = S_line_width(cl->items, from, to, ratio);
                if (p->align == KH_ALIGN_CENTER && lw < p->w)
                    x += (p->w - lw) / 2;
                else if (p->align == KH_ALIGN_RIGHT && lw < p->w)
                    x += p->w - lw;
                c->line = t->cells[p->r * t->cols + p->k].line;
                c->col = t->cells[p->r * t->cols + p->k].col;
                kh_lay_place_line(c, &cl->ps, cl->items, cl->item_piece, from, to, ratio,
                                  T->size, x, y - s0 + T->base);
            }
            from = to + 1;
            while (from < cl->nitems && cl->items[from].kind != KH_LB_BOX)
                from++;
        }
    }
    /* horizontal rules: each row's top that lies in the band, but not
     * across a cell spanning from the row above; the table's bottom */
    for (int r = r0; r <= r1; r++) {
        double y = T->row_top[r];
        if (y < s0 - eps || y > s1 - eps)
            continue;
        for (int k = 0; k < t->cols;) {
            int k2 = k;
            while (k2 < t->cols && T->pc[T->owner[r * t->cols + k2]].r == r)
                k2++;
            if (k2 > k)
                kh_lay_line(c, T->edge[k], y - s0, T->edge[k2], y - s0, rule);
            k = k2 + 1;
        }
    }
    if (r1 + 1 == t->rows && T->row_top[t->rows] <= s1 + eps)
        kh_lay_line(c, T->edge[0], s1 - s0, T->edge[t->cols], s1 - s0, rule);
    /* vertical rules: each column edge down the band, but not inside a
     * cell spanning columns; one line for a run of rows */
    for (int k = 0; k <= t->cols; k++) {
        double a = 0, b = 0;
        bool open = false;
        for (int r = r0; r <= r1; r++) {
            double ya = T->row_top[r] > s0 ? T->row_top[r] : s0;
            double yb = T->row_top[r + 1] < s1 ? T->row_top[r + 1] : s1;
            bool drawn = yb > ya + eps &&
                         (k == 0 || k == t->cols ||
                          T->owner[r * t->cols + k - 1] != T->owner[r * t->cols + k]);
            if (drawn && open && ya <= b + eps) {
                b = yb;
                continue;
            }
            if (open)
                kh_lay_line(c, T->edge[k], a - s0, T->edge[k], b - s0, rule);
            open = drawn, a = ya, b = yb;
        }
        if (open)
            kh_lay_line(c, T->edge[k], a - s0, T->edge[k], b - s0, rule);
    }
    const kh_cell_t *at = &t->cells[r0 * t->cols];
    c->line = at->line, c->col = at->col;
    kh_lay_box_end(c, first, s1 - s0, space_before, keep);
    if (!is_header) {
        kh_vbox_t *vb = &c->boxes[c->nboxes - 1];
        vb->header = T->header;
        bool boundary = false; /* the band starts on a row's top rule */
        for (int r = r0; r <= r1 && !boundary; r++)
            boundary = s0 > T->row_top[r] - eps && s0 < T->row_top[r] + eps;
        vb->row_continued = continued || !boundary;
    }
}

/* The places a group of rows [r0, r1] may be cut (table coordinates),
 * ascending, into cuts (room for the group's lines and rows); returns the
 * count. A cut lies on a row boundary or between two lines of a cell and
 * inside no line of any cell. */
static size_t S_cuts(kh_tab_t *T, int r0, int r1, double *cuts)
{
    const kh_template_t *tp = T->c->tpl;
    double top = T->row_top[r0], bottom = T->row_top[r1 + 1], eps = 0.01;
    size_t nlines = 0, n = 0;
    for (size_t i = T->row_pc[r0]; i < T->row_pc[r1 + 1]; i++)
        nlines += T->pc[i].cl.nlines;
    kh_span_y_t *ys = malloc((nlines + 1) * sizeof *ys);
    if (!ys)
        abort();
    size_t m = 0;
    for (size_t i = T->row_pc[r0]; i < T->row_pc[r1 + 1]; i++) {
        const kh_pcell_t *p = &T->pc[i];
        for (size_t l = 0; l < p->cl.nlines; l++) {
            double y = p->first + T->lh * (double)l;
            ys[m++] = (kh_span_y_t){y, y + T->lh};
            if (l > 0)
                cuts[n++] = y;
        }
    }
    for (int r = r0 + 1; r <= r1; r++)
        cuts[n++] = T->row_top[r];
    qsort(cuts, n, sizeof *cuts, S_cmp_double);
    qsort(ys, m, sizeof *ys, S_cmp_span);
    size_t out = 0, j = 0;
    double reach = -1; /* the lowest bottom of the lines that start above */
    for (size_t i = 0; i < n; i++) {
        double y = cuts[i];
        while (j < m && ys[j].a < y - eps) {
            if (ys[j].b > reach)
                reach = ys[j].b;
            j++;
        }
        if (reach > y + eps)
            continue; /* it would cut a line */
        if (y < top + tp->table_padding + eps || y > bottom - tp->table_padding - eps) {
            bool boundary = false;
            for (int r = r0 + 1; r <= r1 && !boundary; r++)
                boundary = y > T->row_top[r] - eps && y < T->row_top[r] + eps;
            if (!boundary)
                continue; /* a band of padding alone */
        }
        if (out && y < cuts[out - 1] + eps)
            continue;
        cuts[out++] = y;
    }
    free(ys);
    return out;
}

/* Where rows [r0, r1] tied by a rowspan may part when keeping them whole
 * would leave a page less than two-thirds full (Word lets such rows break
 * then): the row boundaries below the last line of every cell spanning
 * rows, so that a merged cell's text ("Nhóm chỉ tiêu chuyên môn") stays
 * whole in the part it starts in, never split or left to the second part.
 * Into cuts (ascending); returns the count. */
static size_t S_soft_cuts(kh_tab_t *T, int r0, int r1, double *cuts)
{
    double low = T->row_top[r0], eps = 0.01;
    for (size_t i = T->row_pc[r0]; i < T->row_pc[r1 + 1]; i++) {
        const kh_pcell_t *p = &T->pc[i];
        if (p->rs > 1) {
            double b = p->first + T->lh * (double)(p->cl.nlines ? p->cl.nlines : 1) +
                       T->c->tpl->table_padding;
            if (b > low)
                low = b;
        }
    }
    size_t n = 0;
    for (int r = r0 + 1; r <= r1; r++)
        if (T->row_top[r] >= low - eps)
            cuts[n++] = T->row_top[r];
    return n;
}

/* The lines of the cells of rows [r0, r1], made again as the first pass
 * made them (same text, size and width: the breaker is deterministic),
 * without its warnings, which that pass gave. */
static void S_group_break(kh_tab_t *T, int r0, int r1)
{
    for (size_t i = T->row_pc[r0]; i < T->row_pc[r1 + 1]; i++) {
        kh_pcell_t *p = &T->pc[i];
        S_cell_break(T->c, &T->t->cells[p->r * T->t->cols + p->k], T->size, p->w,
                     false, &p->cl);
    }
}

static void S_group_free(kh_tab_t *T, int r0, int r1)
{
    for (size_t i = T->row_pc[r0]; i < T->row_pc[r1 + 1]; i++)
        S_cell_free(&T->pc[i].cl);
}

/* A table, ruled all round (see the header comment). */
void kh_lay_table(kh_lctx_t *c, const kh_block_t *b, double space_before)
{
    const kh_template_t *tp = c->tpl;
    const kh_table_t *t = &b->table;
    if (t->cols < 1 || t->rows < 1)
        return;
    kh_tab_t T = {.c = c, .t = t, .size = tp->table_size};
    double cw[KH_MAX_TABLE_COLS], pad = tp->table_padding, rule = tp->table_rule;
    c->line = b->line, c->col = b->col;
    bool quiet;
    T.size = S_column_widths(c, t, cw, &quiet);
    T.edge[0] = c->left;
    for (int k = 0; k < t->cols; k++)
        T.edge[k + 1] = T.edge[k] + cw[k];
    T.lh = kh_lay_line_h(c, T.size);
    T.base = kh_lay_baseline(c, T.size);
    size_t slots = (size_t)t->rows * (size_t)t->cols;
    T.pc = calloc(slots, sizeof *T.pc);
    T.owner = calloc(slots, sizeof *T.owner);
    T.row_top = calloc((size_t)t->rows + 1, sizeof *T.row_top);
    double *need = calloc((size_t)t->rows, sizeof *need);
    if (!T.pc || !T.owner || !T.row_top || !need)
        abort();
    kh_align_t col_align[KH_MAX_TABLE_COLS];
    for (int k = 0; k < t->cols; k++)
        col_align[k] = t->align[k] != KH_ALIGN_NONE ? t->align[k] : S_column_align(t, k);
    /* the cells broken into lines; their slots' owners */
    for (int r = 0; r < t->rows; r++)
        for (int k = 0; k < t->cols; k++) {
            const kh_cell_t *cell = &t->cells[r * t->cols + k];
            if (cell->covered)
                continue;
            kh_pcell_t *p = &T.pc[T.npc];
            int rs = cell->rowspan < 1 ? 1 : cell->rowspan;
            int cs = cell->colspan < 1 ? 1 : cell->colspan;
            int H0 = t->header_rows;
            if (r + rs > t->rows)
                rs = t->rows - r;
            if (r < H0 && r + rs > H0) /* no span from the header into the body */
                rs = H0 - r;
            if (k + cs > t->cols)
                cs = t->cols - k;
            p->r = r, p->k = k, p->rs = rs, p->cs = cs;
            p->x = T.edge[k] + rule / 2 + pad;
            p->w = T.edge[k + cs] - T.edge[k] - 2 * pad - rule;
            if (p->w < 1)
                p->w = 1;
            bool head = r < t->header_rows, merged = (rs > 1 || cs > 1) && S_short(cell);
            p->align = cell->align != KH_ALIGN_NONE ? cell->align
                       : head                     ? KH_ALIGN_CENTER
                       /* a group row: one cell over every column, or
                        * over all but the first, which holds its code
                        * ("B" | "Vốn sự nghiệp"): left, as offices set it */
                       : t->cols > 1 && (cs == t->cols || (k == 1 && cs == t->cols - 1 && t->cols > 2))
                           ? KH_ALIGN_LEFT
                       : merged                   ? KH_ALIGN_CENTER
                       : t->align[k] != KH_ALIGN_NONE ? t->align[k]
                                                      : col_align[k];
            c->line = cell->line, c->col = cell->col;
            S_cell_break(c, cell, T.size, p->w, !quiet, &p->cl);
            for (int rr = r; rr < r + rs; rr++)
                for (int kk = k; kk < k + cs; kk++)
                    T.owner[rr * t->cols + kk] = (int)T.npc;
            double h = (double)(p->cl.nlines ? p->cl.nlines : 1) * T.lh + 2 * pad;
            p->height = h; /* its need, for now */
            if (rs == 1 && h > need[r])
                need[r] = h;
            /* only its height is needed now: its lines are made again
             * when its rows are placed (S_group_break), so that a long
             * table holds one group's lines at a time, not all */
            S_cell_free(&p->cl);
            T.npc++;
        }
    T.row_pc = malloc(((size_t)t->rows + 1) * sizeof *T.row_pc);
    if (!T.row_pc)
        abort();
    for (size_t i = 0, r = 0; r <= (size_t)t->rows; r++) {
        while (i < T.npc && (size_t)T.pc[i].r < r)
            i++;
        T.row_pc[r] = i;
    }
    /* row heights: the one-row cells, then the spanning ones, shortest
     * span first (then in table order), each adding what it lacks to its
     * rows equally */
    for (int r = 0; r < t->rows; r++)
        if (need[r] < T.lh + 2 * pad)
            need[r] = T.lh + 2 * pad;
    size_t nspan = 0;
    kh_span_ref_t *spanning = malloc((T.npc + 1) * sizeof *spanning);
    if (!spanning)
        abort();
    for (size_t i = 0; i < T.npc; i++)
        if (T.pc[i].rs > 1)
            spanning[nspan++] = (kh_span_ref_t){T.pc[i].rs, i};
    qsort(spanning, nspan, sizeof *spanning, S_cmp_span_rows);
    for (size_t j = 0; j < nspan; j++) {
        kh_pcell_t *p = &T.pc[spanning[j].i];
        int rs = p->rs;
        double have = 0;
        for (int rr = p->r; rr < p->r + rs; rr++)
            have += need[rr];
        if (p->height > have)
            for (int rr = p->r; rr < p->r + rs; rr++)
                need[rr] += (p->height - have) / rs;
    }
    free(spanning);
    for (int r = 0; r < t->rows; r++)
        T.row_top[r + 1] = T.row_top[r] + need[r];
    int H = t->header_rows < t->rows ? t->header_rows : t->rows;
    double avail = c->page_h - c->margin_top - c->margin_bottom - T.row_top[H]; /* this section's paper */
    for (size_t i = 0; i < T.npc; i++) {
        kh_pcell_t *p = &T.pc[i];
        int rs = p->rs;
        double text_h = p->height - 2 * pad;
        p->top = T.row_top[p->r];
        p->height = T.row_top[p->r + rs] - p->top;
        p->first = p->top + pad;
        /* merged rows: centred in them; over a third of a page, at the
         * top, so that the rows may part below its text (S_soft_cuts) */
        if (rs > 1 && !(p->r >= H && p->height > avail / 3))
            p->first += (p->height - 2 * pad - text_h) / 2;
    }
    free(need);
    /* the header rows: one box (an empty one for a table without a header,
     * so that pagination still closes and reopens the table at a page
     * break) */
    T.header = c->nboxes + 1;
    if (H > 0) {
        S_group_break(&T, 0, H - 1);
        S_band(&T, 0, H - 1, 0, T.row_top[H], space_before, H < t->rows, true);
        S_group_free(&T, 0, H - 1);
    } else {
        size_t first = kh_lay_box_begin(c);
        kh_lay_box_end(c, first, 0, space_before, true);
    }
    /* the body, group by group: rows tied by a rowspan go together */
    double *cuts = NULL;
    size_t cap_cuts = 0;
    for (int r0 = H; r0 < t->rows;) {
        int r1 = r0;
        for (int r = r0; r <= r1; r++)
            for (int k = 0; k < t->cols; k++) {
                const kh_pcell_t *p = &T.pc[T.owner[r * t->cols + k]];
                if (p->r + p->rs - 1 > r1)
                    r1 = p->r + p->rs - 1;
            }
        double top = T.row_top[r0], bottom = T.row_top[r1 + 1];
        S_group_break(&T, r0, r1);
        size_t lines = 0;
        for (size_t i = T.row_pc[r0]; i < T.row_pc[r1 + 1]; i++)
            lines += T.pc[i].cl.nlines;
        size_t want = lines + (size_t)(r1 - r0) + 2;
        if (want > cap_cuts) {
            cap_cuts = want;
            cuts = realloc(cuts, cap_cuts * sizeof *cuts);
            if (!cuts)
                abort();
        }
        size_t n = 0;
        bool tied = r1 > r0, soft = false;
        if (!tied || bottom - top > avail) /* tied rows split only if they must */
            n = S_cuts(&T, r0, r1, cuts);
        else if (bottom - top > avail / 3) /* ... or to keep a page two-thirds full */
            soft = (n = S_soft_cuts(&T, r0, r1, cuts)) > 0;
        /* a group row ("II. Nhóm hai": one cell over every column) stays
         * with the first lines of the row after it, like a heading */
        const kh_pcell_t *g = &T.pc[T.owner[r0 * t->cols]];
        bool group = r0 == r1 && t->cols > 1 && g->cs == t->cols && r1 + 1 < t->rows;
        double s0 = top;
        for (size_t i = 0; i <= n; i++) {
            double s1 = i < n ? cuts[i] : bottom;
            /* two lines of a row on each page, as in paragraphs */
            bool keep = soft ? i < n : !tied && n > 0 && (i == 0 || i + 1 == n);
            S_band(&T, r0, r1, s0, s1, 0, keep || group, false);
            c->boxes[c->nboxes - 1].keep_soft = soft && i < n;
            s0 = s1;
        }
        S_group_free(&T, r0, r1); /* placed: no later band reads them */
        r0 = r1 + 1;
    }
    free(cuts);
    for (size_t i = 0; i < T.npc; i++)
        S_cell_free(&T.pc[i].cl);
    free(T.pc);
    free(T.owner);
    free(T.row_top);
    free(T.row_pc);
}
