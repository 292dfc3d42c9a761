/* Pipe tables, from cmark-gfm's table extension: what a plan repository
 * shows in GitHub's preview is what prints. A table node holds its rows
 * (the first is the header, after it the delimiter row "| --- | :-: |"
 * that gives each column's alignment), each row its cells, and a cell's
 * inlines are read like a paragraph's (`<br>` is a line break there).
 *
 * GFM gives every row the header's number of cells: a row typed with
 * fewer gets empty ones (no diagnostic: GitHub shows them so), but the
 * cells a row has past the header's count are dropped. That would lose
 * text, so it is an error (table-columns) at the first such cell. */
#include "model_internal.h"

#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "load.h"

bool kh_mod_is(cmark_node *n, const char *type)
{
    const char *t = cmark_node_get_type_string(n);
    return t && !strcmp(t, type);
}

static kh_align_t S_align(uint8_t a)
{
    switch (a) {
    case 'l':
        return KH_ALIGN_LEFT;
    case 'c':
        return KH_ALIGN_CENTER;
    case 'r':
        return KH_ALIGN_RIGHT;
    default:
        return KH_ALIGN_NONE;
    }
}

/* The file position of a cell's text: after the blanks that follow its
 * pipe (cmark-gfm's cell starts at them). A cell GFM added to a short row
 * has no position: it gets the row's. */
static void S_cell_pos(kh_mctx_t *c, cmark_node *cell, int row_line, int row_col,
                       kh_cell_t *out)
{
    int bc = cmark_node_get_start_column(cell);
    if (cmark_node_get_start_line(cell) <= 0 || bc <= 0) {
        out->line = row_line, out->col = row_col;
        return;
    }
    int line = kh_source_body_line(c->src, cmark_node_get_start_line(cell));
    size_t len, b = (size_t)bc - 1;
    const char *s = kh_source_line(c->src, line, &len);
    while (b < len && (s[b] == ' ' || s[b] == '\t'))
        b++;
    out->line = line;
    out->col = kh_mod_char_col(c, line, b);
}

/* A row's text past its last kept cell (last: that cell's node): GFM split
 * the row at each pipe not escaped by a backslash and kept the header's
 * count of cells. True, with the position of the first character of
 * text in what follows, if anything but pipes and blanks is there. */
static bool S_dropped_text(kh_mctx_t *c, cmark_node *last, int *line, int *col)
{
    int ec = last ? cmark_node_get_end_column(last) : 0;
    if (ec <= 0 || cmark_node_get_start_line(last) <= 0)
        return false;
    *line = kh_source_body_line(c->src, cmark_node_get_end_line(last));
    size_t len;
    const char *s = kh_source_line(c->src, *line, &len);
    for (size_t b = (size_t)ec; b < len; b++) /* from the pipe after the cell */
        if (s[b] != ' ' && s[b] != '\t' && s[b] != '|') {
            *col = kh_mod_char_col(c, *line, b);
            return true;
        }
    return false;
}

void kh_mod_table(kh_mctx_t *c, cmark_node *table)
{
    int cols = cmark_gfm_extensions_get_table_columns(table), rows = 0;
    for (cmark_node *r = cmark_node_first_child(table); r; r = cmark_node_next(r))
        rows++;
    if (cols > KH_MAX_TABLE_COLS) {
        int line, col;
        kh_mod_node_pos(c, table, &line, &col);
        kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_ERROR, "table-columns",
                    "this table has %d columns, more than the %d kehoach prints: "
                    "split it", cols, KH_MAX_TABLE_COLS);
        c->ok = false;
        return;
    }
    if (cols < 1 || rows < 1)
        return; /* GFM makes none: a table has a header cell */
    kh_block_t *b = kh_mod_open_at(c, KH_BLOCK_TABLE, table);
    kh_table_t *t = &b->table;
    t->rows = rows;
    t->cols = cols;
    t->cells = calloc((size_t)rows * (size_t)cols, sizeof *t->cells);
    t->align = calloc((size_t)cols, sizeof *t->align);
    if (!t->cells || !t->align)
        abort();
    const uint8_t *al = cmark_gfm_extensions_get_table_alignments(table);
    for (int k = 0; k < cols; k++)
        t->align[k] = al ? S_align(al[k]) : KH_ALIGN_NONE;
    int r = 0;
    for (cmark_node *row = cmark_node_first_child(table); row;
         row = cmark_node_next(row), r++) {
        bool head = cmark_gfm_extensions_get_table_row_is_header(row);
        if (head && r == t->header_rows)
            t->header_rows++;
        int rl, rc;
        kh_mod_node_pos(c, row, &rl, &rc);
        cmark_node *cell = cmark_node_first_child(row), *last = NULL;
        for (int k = 0; k < cols; k++) {
            kh_cell_t *out = &t->cells[r * cols + k];
            if (!cell) { /* a short row: GFM fills it, but never rely on it */
                out->line = rl, out->col = rc;
                continue;
            }
            S_cell_pos(c, cell, rl, rc, out);
            kh_mod_inlines(c, &out->text, cell, head ? KH_SPAN_BOLD : 0);
            if (cmark_node_get_start_line(cell) > 0)
                last = cell;
            cell = cmark_node_next(cell);
        }
        int line, col;
        if (last && S_dropped_text(c, last, &line, &col)) {
            kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_ERROR, "table-columns",
                        "this row has more cells than the table's header (%d): "
                        "GitHub and kehoach drop the cells past it, so their text "
                        "would be lost; add a header cell, join the cells, or write \\| "
                        "for a pipe inside a cell", cols);
            c->ok = false;
        }
    }
}

void kh_mod_table_free(kh_table_t *t)
{
    for (int i = 0; i < t->rows * t->cols; i++) {
        kh_text_t *x = &t->cells[i].text;
        for (size_t k = 0; k < x->nspans; k++)
            free(x->spans[k].text);
        free(x->spans);
    }
    free(t->cells);
    free(t->align);
}
