/* Layout of tables: column widths from the cells' content, then each row
 * as boxes of line bands (a row may split between pages at a line of its
 * cells), the header row as one box that pagination (layout.c) repeats
 * atop each page the table reaches. */
#include "layout_internal.h"

#include <stdlib.h>
#include <string.h>

/* One cell broken into lines at a width. */
typedef struct {
    kh_pieces_t ps;
    kh_lb_item_t *items;
    size_t *item_piece;
    kh_lb_line_t *lines;
    size_t nitems, nlines;
} kh_cell_lines_t;

static void S_cell_break(kh_lctx_t *c, const kh_cell_t *cell, double size,
                         double width, kh_cell_lines_t *cl)
{
    memset(cl, 0, sizeof *cl);
    kh_lay_pieces(c, &cell->text, size, width, width, true, &cl->ps);
    if (!cl->ps.n)
        return;
    size_t cap = 3 * cl->ps.n + 4;
    cl->items = malloc(cap * sizeof *cl->items);
    cl->item_piece = malloc(cap * sizeof *cl->item_piece);
    cl->lines = malloc(cap * sizeof *cl->lines);
    if (!cl->items || !cl->item_piece || !cl->lines)
        abort();
    cl->nitems = kh_lay_items(c, &cl->ps, 0, cl->ps.n, size, 0, cl->items, cl->item_piece);
    cl->nlines = kh_linebreak_ragged(cl->items, cl->nitems, width, cl->lines);
}

static void S_cell_free(kh_cell_lines_t *cl)
{
    free(cl->ps.items);
    free(cl->items);
    free(cl->item_piece);
    free(cl->lines);
}

/* A cell's width on one line, and its widest unbreakable run (a URL
 * counts by its pieces between / . ? & = _ -). */
/* A cell's width on one line, its widest unbreakable run, and its widest
 * number (which may not be broken to fit: S_column_widths). */
static void S_cell_widths(kh_lctx_t *c, const kh_cell_t *cell, double size,
                          double *natural, double *word, double *number)
{
    kh_pieces_t ps = {0};
    kh_lay_pieces(c, &cell->text, size, c->text_w, c->text_w, false, &ps);
    double space = kh_lay_width(c, KH_FONT_REGULAR, " ", 1, size), w = 0;
    bool numeric = true;
    *natural = *word = *number = 0;
    for (size_t i = 0; i < ps.n; i++) {
        const kh_piece_t *p = &ps.items[i];
        if (p->split > 0 || p->space_before || p->hard_break)
            w = 0, numeric = true;
        if (p->space_before || p->hard_break)
            *natural += p->hard_break ? 0 : space;
        *natural += p->width;
        w += p->width;
        numeric = numeric && kh_lay_is_number(p->text, p->len);
        if (w > *word)
            *word = w;
        if (numeric && w > *number)
            *number = w;
    }
    free(ps.items);
}

/* Column widths filling the text width: the natural widths when they fit
 * (the rest shared in proportion), else each column's widest word plus a
 * share of the remaining room in proportion to what it lacks. */
static void S_column_widths(kh_lctx_t *c, const kh_table_t *t, double *cw)
{
    const kh_template_t *tp = c->tpl;
    double W = c->text_w;
    /* A word wider than an equal share of the width (a URL, a code) is
     * broken anyway (after its marks, else with long-word): it may not
     * claim more as its column's minimum, or the short columns beside it
     * ("STT") would be squeezed below their own words. A number may: it
     * is never broken if the table can hold it. */
    double fair = W / t->cols - 2 * tp->table_padding - 1;
    double nat[KH_MAX_TABLE_COLS] = {0}, min[KH_MAX_TABLE_COLS] = {0}, sum_nat = 0, sum_min = 0;
    for (int k = 0; k < t->cols; k++) {
        for (int r = 0; r < t->rows; r++) {
            double n, m, num;
            S_cell_widths(c, &t->cells[r * t->cols + k], tp->table_size, &n, &m, &num);
            if (m > fair)
                m = fair > 0 ? fair : 0;
            if (num > m) /* an amount keeps its width: "1.800.000." / "000" misreads */
                m = num;
            nat[k] = n > nat[k] ? n : nat[k];
            min[k] = m > min[k] ? m : min[k];
        }
        nat[k] += 2 * tp->table_padding + 1;
        min[k] += 2 * tp->table_padding + 1;
        sum_nat += nat[k];
        sum_min += min[k];
    }
    for (int k = 0; k < t->cols; k++) {
        if (sum_nat <= W)
            cw[k] = nat[k] * W / sum_nat;
        else if (sum_min >= W)
            cw[k] = min[k] * W / sum_min;
        else
            cw[k] = min[k] + (W - sum_min) * (nat[k] - min[k]) / (sum_nat - sum_min);
    }
}

/* Vertical rules of a table from dy1 to dy2 (box coordinates). */
static void S_table_edges(kh_lctx_t *c, const kh_table_t *t, const double *cw,
                          double dy1, double dy2)
{
    double edge = c->left;
    for (int k = 0; k <= t->cols; k++) {
        kh_lay_line(c, edge, dy1, edge, dy2, c->tpl->table_rule);
        if (k < t->cols)
            edge += cw[k];
    }
}

/* A table, ruled all round. The header row is one vbox that stays with
 * the next and is repeated atop each page the table reaches. Every other
 * row is one vbox per line band (line i of each of its cells), so a row
 * taller than the room left, or than a page, splits between two lines:
 * the page gets a closing rule under the last band, the next page the
 * header again and a rule above the continued row (S_paginate). As in
 * paragraphs, a split leaves at least two lines of the row on each page
 * when the row has them. */
void kh_lay_table(kh_lctx_t *c, const kh_block_t *b, double space_before)
{
    const kh_template_t *tp = c->tpl;
    const kh_table_t *t = &b->table;
    if (t->cols < 1 || t->rows < 1)
        return;
    double cw[KH_MAX_TABLE_COLS], size = tp->table_size, pad = tp->table_padding;
    S_column_widths(c, t, cw);
    double lh = kh_lay_line_h(c, size), base = kh_lay_baseline(c, size);
    size_t header = c->nboxes + 1; /* the box the first row is about to get */
    kh_cell_lines_t *cells = calloc((size_t)t->cols, sizeof *cells);
    if (!cells)
        abort();
    for (int r = 0; r < t->rows; r++) {
        size_t bands = 1;
        for (int k = 0; k < t->cols; k++) {
            const kh_cell_t *cell = &t->cells[r * t->cols + k];
            c->line = cell->line, c->col = cell->col;
            S_cell_break(c, cell, size, cw[k] - 2 * pad, &cells[k]);
            if (cells[k].nlines > bands)
                bands = cells[k].nlines;
        }
        if (r == 0)
            bands = 1; /* the header row: one box, however many lines */
        size_t nlines_max = 0;
        for (int k = 0; k < t->cols; k++)
            if (cells[k].nlines > nlines_max)
                nlines_max = cells[k].nlines;
        c->line = t->cells[r * t->cols].line, c->col = t->cells[r * t->cols].col;
        for (size_t band = 0; band < bands; band++) {
            size_t first = kh_lay_box_begin(c);
            bool top = band == 0, bottom = band + 1 == bands;
            /* lines [l0, l1) of each cell go in this band */
            size_t l0 = band, l1 = r == 0 ? nlines_max : band + 1;
            double y0 = top ? pad : 0; /* the first line's top in the band */
            double height = y0 + lh * (double)(l1 - l0) + (bottom ? pad : 0);
            if (r == 0 && l1 == 0)
                height = lh + 2 * pad; /* an empty header row */
            if (bands == 1 && height < lh + 2 * pad)
                height = lh + 2 * pad;
            double x = c->left;
            for (int k = 0; k < t->cols; k++) {
                kh_cell_lines_t *cl = &cells[k];
                size_t from = 0;
                for (size_t i = 0; i < cl->nlines; i++) {
                    size_t to = cl->lines[i].end;
                    if (i >= l0 && i < l1) {
                        double ratio = cl->lines[i].ratio < 0 ? cl->lines[i].ratio : 0; /* ragged */
                        kh_lay_place_line(c, &cl->ps, cl->items, cl->item_piece, from, to,
                                     ratio, size, x + pad,
                                     y0 + base + lh * (double)(i - l0));
                    }
                    from = to + 1;
                    while (from < cl->nitems && cl->items[from].kind != KH_LB_BOX)
                        from++;
                }
                x += cw[k];
            }
            if (top)
                kh_lay_line(c, c->left, 0, c->left + c->text_w, 0, tp->table_rule);
            if (bottom && r + 1 == t->rows)
                kh_lay_line(c, c->left, height, c->left + c->text_w, height, tp->table_rule);
            S_table_edges(c, t, cw, 0, height);
            bool keep = r == 0 ? t->rows > 1
                               : bands > 1 && (band == 0 || band + 2 == bands);
            kh_lay_box_end(c, first, height, r == 0 && top ? space_before : 0, keep);
            kh_vbox_t *vb = &c->boxes[c->nboxes - 1];
            if (r > 0) {
                vb->header = header;
                vb->row_continued = !top;
            }
        }
        for (int k = 0; k < t->cols; k++)
            S_cell_free(&cells[k]);
    }
    free(cells);
}
