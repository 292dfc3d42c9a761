/* Tables: pipe tables (cmark-gfm) and HTML <table> blocks (libxml2), both
 * into the same grid of cells (model.h, kh_table_t).
 *
 * Pipe tables, from cmark-gfm's table extension: what a plan repository
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "load.h"
#include "text.h"

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
    out->col = kh_source_col(c->src, line, b);
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
            *col = kh_source_col(c->src, *line, b);
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
            out->rowspan = out->colspan = 1;
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

/* ---- HTML tables ----
 *
 * The subset GitHub shows and Word-to-Markdown converters write: <table>
 * with <caption>, <thead>/<tbody>/<tfoot>, <tr>, <th>/<td> (rowspan,
 * colspan, align, style="text-align: …"); inside a cell <br>, <p>/<div>
 * (a line each), <b>/<strong>, <i>/<em>, <sup>/<sub>, <a href>, and
 * <ul>/<ol>/<li> (each item a line: its marker, then its text). Other
 * attributes (width, border, class, style's other properties) are layout
 * hints kehoach decides itself: ignored without a word. Other elements
 * keep their text with an html warning (once a table); what cannot keep
 * its text (an image, text between rows) is an error. Placement is the
 * HTML table model's (HTML Living Standard §4.9.12 "forming a table"):
 * each cell takes the first free slot of its row, after the slots the
 * rowspans from above occupy; a row with fewer cells ends in empty ones;
 * a rowspan past its section's end is cut there (warning); rowspan="0"
 * runs to the section's end. */


typedef struct {
    xmlNode *tr;
    int section; /* 0 thead, 1 tbody (or a bare tr), 2 tfoot */
} kh_hrow_t;

typedef struct {
    kh_mctx_t *c;
    const kh_xml_t *x;
    int line0, col0;     /* the HTML block */
    int cur_line;        /* file line of the element being read */
    int seek_line;       /* the search for the next tag's column … */
    size_t seek_byte;    /* … goes on from here */
    bool warned;         /* an html warning was given for this table */
    int note_line;       /* the search for the next "[^x]" in the file … */
    size_t note_byte;    /* … goes on from here */
    /* the cell being read */
    kh_text_t *text;
    int bold, italic, sup, sub;
    bool space, line_start;
} kh_htab_t;

static bool S_nm(const xmlNode *n, const char *name)
{
    return n->name && !strcasecmp((const char *)n->name, name);
}

static bool S_nm_any(const xmlNode *n, const char *const names[])
{
    for (size_t i = 0; names[i]; i++)
        if (S_nm(n, names[i]))
            return true;
    return false;
}

/* The file line of n (libxml2 counts from the block's first line). */
static int S_node_line(kh_htab_t *h, const xmlNode *n)
{
    long ln = h->x->line_no(n);
    if (ln > 0 && ln < 1000000)
        h->cur_line = h->line0 + (int)ln - 1;
    return h->cur_line;
}

/* The column of the next "<name" at or after the last one found, on n's
 * line (elements are visited in source order); 1 if not found there. */
static int S_node_col(kh_htab_t *h, const xmlNode *n)
{
    int line = S_node_line(h, n);
    if (line != h->seek_line)
        h->seek_line = line, h->seek_byte = 0;
    size_t len, nl = strlen((const char *)n->name);
    const char *s = kh_source_line(h->c->src, line, &len);
    for (size_t i = h->seek_byte; s && i + nl < len; i++)
        if (s[i] == '<' && !strncasecmp(s + i + 1, (const char *)n->name, nl)) {
            h->seek_byte = i + 1;
            return kh_source_col(h->c->src, line, i);
        }
    return line == h->line0 ? h->col0 : 1;
}

static void S_html_warn(kh_htab_t *h, const xmlNode *n, const char *what)
{
    if (h->warned)
        return;
    h->warned = true;
    int col = S_node_col(h, n);
    kh_mod_diag(h->c, h->cur_line, col, KH_SEV_WARNING, "html",
                "%s in a table: its formatting is dropped, its text printed", what);
}

/* An integer attribute (rowspan, colspan) as browsers read it: leading
 * digits; absent or unreadable: def. */
static long S_int_attr(kh_htab_t *h, xmlNode *n, const char *name, long def)
{
    xmlChar *v = h->x->get_prop(n, (const xmlChar *)name);
    if (!v)
        return def;
    const char *s = (const char *)v;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    long k = def;
    if (*s >= '0' && *s <= '9') {
        k = 0;
        for (; *s >= '0' && *s <= '9' && k < 100000; s++)
            k = k * 10 + (*s - '0');
    }
    h->x->free(v);
    return k;
}

/* The alignment a cell or row asks for: align="…", or text-align in its
 * style attribute; NONE when neither says. */
static kh_align_t S_align_attr(kh_htab_t *h, xmlNode *n)
{
    kh_align_t a = KH_ALIGN_NONE;
    const char *names[] = {"align", "style"};
    for (int i = 0; i < 2 && a == KH_ALIGN_NONE; i++) {
        xmlChar *v = h->x->get_prop(n, (const xmlChar *)names[i]);
        if (!v)
            continue;
        const char *s = (const char *)v;
        if (i == 1) {
            const char *p = strcasestr(s, "text-align");
            s = p ? p + 10 : "";
            while (*s == ' ' || *s == ':')
                s++;
        } else {
            while (*s == ' ')
                s++;
        }
        if (!strncasecmp(s, "center", 6) || !strncasecmp(s, "middle", 6))
            a = KH_ALIGN_CENTER;
        else if (!strncasecmp(s, "right", 5) || !strncasecmp(s, "end", 3))
            a = KH_ALIGN_RIGHT;
        else if (!strncasecmp(s, "left", 4) || !strncasecmp(s, "start", 5) ||
                 !strncasecmp(s, "justify", 7))
            a = KH_ALIGN_LEFT;
        h->x->free(v);
    }
    return a;
}

static unsigned S_cell_style(const kh_htab_t *h)
{
    return (h->bold ? KH_SPAN_BOLD : 0) | (h->italic ? KH_SPAN_ITALIC : 0) |
           (h->sup ? KH_SPAN_SUP : 0) | (h->sub ? KH_SPAN_SUB : 0);
}

/* A line break in the cell, unless at its start or one is there. */
static void S_cell_break_line(kh_htab_t *h)
{
    if (!h->line_start)
        kh_mod_add_span(h->text, "", 0, KH_SPAN_BREAK | S_cell_style(h));
    h->line_start = true;
    h->space = false;
}

/* "[^x]" typed in a cell: Markdown is not read inside HTML (on GitHub
 * either), so the note's number would not print, the label would, and the
 * note's text would be lost: an error at the label's own line:col (found
 * in the file from the cell's line on, after the last one found). The
 * definition's "never referenced" warning (model_note.c) stays: it is
 * true. */
static void S_cell_note(kh_htab_t *h, const char *label, size_t n)
{
    int line = h->cur_line, col = 1;
    if (h->note_line < h->cur_line)
        h->note_line = h->cur_line, h->note_byte = 0;
    size_t b;
    if (kh_source_find(h->c->src, h->note_line, h->note_byte, 64, label, n, &line, &b)) {
        col = kh_source_col(h->c->src, line, b);
        h->note_line = line, h->note_byte = b + n;
    }
    kh_diag_add(h->c->diags, h->c->src->path, line, col, KH_SEV_ERROR, "footnote",
                "footnote reference %.*s in an HTML table cell would print as typed: "
                "footnote references do not work inside HTML (GitHub shows them as "
                "typed too); move it out of the table or use a pipe table",
                (int)(n < 60 ? n : 60), label);
    h->c->ok = false;
}

/* Text as a browser shows it: blanks and line ends collapse to one space,
 * none at a line's start. */
static void S_cell_text(kh_htab_t *h, const char *s)
{
    for (size_t i = 0; s[i];) {
        size_t ws = strspn(s + i, " \t\r\n\f");
        if (ws) {
            h->space = !h->line_start;
            i += ws;
            continue;
        }
        size_t w = strcspn(s + i, " \t\r\n\f");
        for (size_t k = i; k < i + w; k++) {
            size_t fl = kh_mod_footnote_label(s + k, i + w - k);
            if (fl)
                S_cell_note(h, s + k, fl), k += fl - 1;
        }
        if (h->space && !h->line_start)
            kh_mod_add_span(h->text, " ", 1, S_cell_style(h));
        kh_mod_add_span(h->text, s + i, w, S_cell_style(h));
        h->space = h->line_start = false;
        i += w;
    }
}

static void S_cell_children(kh_htab_t *h, xmlNode *n, int depth);

/* One node inside a cell. */
static void S_cell_node(kh_htab_t *h, xmlNode *n, int depth)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            S_cell_text(h, (const char *)n->content);
        return;
    }
    if (n->type != XML_ELEMENT_NODE)
        return; /* comments are notes */
    if (S_nm(n, "br")) {
        kh_mod_add_span(h->text, "", 0, KH_SPAN_BREAK | S_cell_style(h));
        h->line_start = true, h->space = false;
        return;
    }
    if (S_nm(n, "img")) {
        int col = S_node_col(h, n);
        kh_mod_diag(h->c, h->cur_line, col, KH_SEV_ERROR, "image",
                    "an image cannot be printed: its picture would be lost (%s)",
                    "describe it in words");
        return;
    }
    if (S_nm_any(n, (const char *const[]){"script", "style", "head", "title", NULL}))
        return; /* not text a reader sees (as in paragraphs) */
    if (depth > 64) { /* libxml2 allows 256 levels; a cell needs a few */
        int col = S_node_col(h, n);
        kh_mod_diag(h->c, h->cur_line, col, KH_SEV_ERROR, "nesting",
                    "HTML elements nested deeper than kehoach reads in a table "
                    "cell: the text inside would be lost (flatten them)");
        return;
    }
    bool bold = S_nm_any(n, (const char *const[]){"b", "strong", "th", NULL});
    bool italic = S_nm_any(n, (const char *const[]){"i", "em", NULL});
    bool sup = S_nm(n, "sup"), sub = S_nm(n, "sub");
    bool line = S_nm_any(n, (const char *const[]){"p", "div", "li", "tr", "ul", "ol",
                                                   "h1", "h2", "h3", "h4", "h5", "h6",
                                                   "caption", "blockquote", NULL});
    bool known = bold || italic || sup || sub || line || S_nm(n, "a") ||
                 S_nm_any(n, (const char *const[]){"span", "thead", "tbody", "tfoot",
                                                   "td", NULL});
    if (S_nm_any(n, (const char *const[]){"s", "del", "strike", NULL})) {
        /* as ~~struck~~ in a paragraph: the strike is dropped */
        int col = S_node_col(h, n);
        kh_mod_diag(h->c, h->cur_line, col, KH_SEV_WARNING, "strikethrough",
                    "struck-through text is printed as plain text: the strike is "
                    "dropped (delete the text, or say so in words)");
        known = true;
    }
    /* an element without text (Word's empty <o:p>) drops nothing */
    if ((!known && kh_mod_xml_has_text(n)) ||
        S_nm_any(n, (const char *const[]){"table", "h1", "h2", "h3", "h4",
                                          "h5", "h6", "blockquote", NULL})) {
        char what[64];
        snprintf(what, sizeof what, "<%s>", (const char *)n->name);
        S_html_warn(h, n, what);
    }
    if (line)
        S_cell_break_line(h);
    if (S_nm(n, "li")) {
        /* a nested item is indented by its level, as GitHub shows it: four
         * no-break spaces a level after the line break (the layout keeps
         * them as the line's indent) */
        int level = 0;
        for (const xmlNode *a = n->parent; a && !S_nm_any(a, (const char *const[]){
                                                  "td", "th", NULL}); a = a->parent)
            level += S_nm_any(a, (const char *const[]){"ul", "ol", NULL});
        char marker[96] = "";
        size_t m = 0;
        for (int l = 1; l < level && l < 8; l++)
            m += (size_t)snprintf(marker + m, sizeof marker - m, "%s",
                                  "\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0");
        if (n->parent && S_nm(n->parent, "ol")) {
            int k = 1;
            for (xmlNode *s = n->prev; s; s = s->prev)
                k += s->type == XML_ELEMENT_NODE && S_nm(s, "li");
            snprintf(marker + m, sizeof marker - m, "%d. ", k);
        } else {
            snprintf(marker + m, sizeof marker - m, "- ");
        }
        kh_mod_add_span(h->text, marker, strlen(marker) - 1, S_cell_style(h));
        h->line_start = false, h->space = true;
    }
    if (S_nm(n, "td") && !h->line_start) /* a nested table's cells */
        h->space = true;
    h->bold += bold, h->italic += italic, h->sup += sup, h->sub += sub;
    /* where the link's text starts: spans join while the style stays */
    size_t before = h->text->nspans;
    size_t before_len = before ? h->text->spans[before - 1].len : 0;
    S_cell_children(h, n, depth + 1);
    if (S_nm(n, "a")) { /* "text (address)", as in paragraphs */
        xmlChar *v = h->x->get_prop(n, (const xmlChar *)"href");
        if (v && v[0]) {
            kh_buf_t txt = {0};
            for (size_t i = before ? before - 1 : 0; i < h->text->nspans; i++) {
                const kh_span_t *sp = &h->text->spans[i];
                size_t from = before && i == before - 1 ? before_len : 0;
                if (sp->text && sp->len > from)
                    kh_buf_put(&txt, sp->text + from, sp->len - from);
            }
            kh_buf_put(&txt, "", 0);
            const char *u = (const char *)v, *x = txt.data + strspn(txt.data, " ");
            if (!x[0]) {
                S_cell_text(h, u);
            } else if (strcmp(x, u) && !(strncmp(u, "mailto:", 7) == 0 && !strcmp(x, u + 7))) {
                kh_mod_add_span(h->text, " (", 2, S_cell_style(h));
                kh_mod_add_span(h->text, u, strlen(u), S_cell_style(h));
                kh_mod_add_span(h->text, ")", 1, S_cell_style(h));
                h->line_start = false;
            }
            kh_buf_free(&txt);
        }
        if (v)
            h->x->free(v);
    }
    h->bold -= bold, h->italic -= italic, h->sup -= sup, h->sub -= sub;
    if (line)
        S_cell_break_line(h);
}

static void S_cell_children(kh_htab_t *h, xmlNode *n, int depth)
{
    for (xmlNode *k = n->children; k; k = k->next)
        S_cell_node(h, k, depth);
}

/* Blanks, for kh_mod_xml_has_text: ASCII ones and U+00A0 (&nbsp;). */
static bool S_blank_only(const char *s)
{
    for (; *s; s++) {
        if (strchr(" \t\r\n\f", *s))
            continue;
        if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
            s++;
            continue;
        }
        return false;
    }
    return true;
}

bool kh_mod_xml_has_text(const xmlNode *k)
{
    if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE)
        return k->content && !S_blank_only((const char *)k->content);
    if (k->type != XML_ELEMENT_NODE)
        return false;
    for (const xmlNode *n = k->children; n; n = n->next)
        if (kh_mod_xml_has_text(n))
            return true;
    return false;
}

/* What may not stand between rows or cells: text (which would be lost:
 * an error) or another element (its text is lost too). */
enum { S_IN_TABLE, S_IN_ROWS, S_IN_ROW };

static void S_stray(kh_htab_t *h, xmlNode *k, int where)
{
    if (k->type == XML_ELEMENT_NODE && S_nm_any(k, (const char *const[]){
                                           "col", "colgroup", NULL}))
        return; /* widths: kehoach decides them */
    if (!kh_mod_xml_has_text(k))
        return;
    int col = k->type == XML_ELEMENT_NODE ? S_node_col(h, k) : 1;
    if (k->type != XML_ELEMENT_NODE) {
        S_node_line(h, k->parent ? k->parent : k);
        col = 1;
    }
    if (where == S_IN_TABLE)
        kh_mod_diag(h->c, h->cur_line, col, KH_SEV_ERROR, "html",
                    "text in a <table> outside its rows would be lost: put it in a "
                    "cell (<td>) of a row (<tr>)");
    else if (where == S_IN_ROWS)
        kh_mod_diag(h->c, h->cur_line, col, KH_SEV_ERROR, "html",
                    "text between a table's rows would be lost: put it in a cell "
                    "(<td>) of a row (<tr>)");
    else
        kh_mod_diag(h->c, h->cur_line, col, KH_SEV_ERROR, "html",
                    "text in a table row outside its cells would be lost: put it "
                    "in a cell (<td>)");
}

/* The rows of the table in print order: thead, then the body rows (tbody
 * and bare tr), then tfoot (printed last, as browsers do). */
static size_t S_collect_rows(kh_htab_t *h, xmlNode *table, kh_hrow_t **out,
                             xmlNode **caption)
{
    size_t n = 0, cap = 0;
    kh_hrow_t *rows = NULL;
    for (int pass = 0; pass < 3; pass++) {
        for (xmlNode *k = table->children; k; k = k->next) {
            int sec = k->type != XML_ELEMENT_NODE ? -1
                      : S_nm(k, "thead")          ? 0
                      : S_nm(k, "tfoot")          ? 2
                      : S_nm(k, "tbody") || S_nm(k, "tr") ? 1
                                                          : -1;
            if (pass == 0 && k->type == XML_ELEMENT_NODE && S_nm(k, "caption")) {
                if (!*caption)
                    *caption = k;
                continue;
            }
            if (sec < 0) {
                if (pass == 0)
                    S_stray(h, k, S_IN_TABLE);
                continue;
            }
            if (sec != pass)
                continue;
            xmlNode *first = S_nm(k, "tr") ? k : k->children;
            for (xmlNode *r = first; r; r = S_nm(k, "tr") ? NULL : r->next) {
                if (r->type != XML_ELEMENT_NODE || !S_nm(r, "tr")) {
                    S_stray(h, r, S_IN_ROWS);
                    continue;
                }
                rows = kh_array_grow(rows, n, &cap, sizeof *rows, 16);
                rows[n++] = (kh_hrow_t){r, sec};
            }
        }
    }
    *out = rows;
    return n;
}

static bool S_is_cell(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE && (S_nm(n, "td") || S_nm(n, "th"));
}

/* True if every piece of text inside n lies inside <b>/<strong> (bold
 * already counts once one is open). */
static bool S_all_bold(const xmlNode *n, bool bold)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
        return bold || !kh_mod_xml_has_text(n);
    if (n->type != XML_ELEMENT_NODE)
        return true;
    bold = bold || S_nm_any(n, (const char *const[]){"b", "strong", NULL});
    for (const xmlNode *k = n->children; k; k = k->next)
        if (!S_all_bold(k, bold))
            return false;
    return true;
}

/* A header row without <thead>: every cell a <th>, or (Word's "Save as
 * HTML", which writes header cells as <td><b>STT</b></td>) at least two
 * cells and every non-empty one wholly bold. One bold cell across the
 * table is a group row ("I. Nhóm …"), not a header. */
static bool S_header_row(const xmlNode *tr)
{
    int cells = 0, text = 0;
    bool th = true, bold = true;
    for (const xmlNode *k = tr->children; k; k = k->next) {
        if (!S_is_cell(k))
            continue;
        cells++;
        th = th && S_nm(k, "th");
        if (kh_mod_xml_has_text(k)) {
            text++;
            bold = bold && (S_nm(k, "th") || S_all_bold(k, false));
        }
    }
    return cells > 0 && (th || (cells >= 2 && text > 0 && bold));
}

void kh_mod_html_table(kh_mctx_t *c, const kh_xml_t *x, xmlNode *table, int line0,
                       int col0)
{
    kh_htab_t h = {.c = c, .x = x, .line0 = line0, .col0 = col0, .cur_line = line0};
    int tline = S_node_line(&h, table), tcol = S_node_col(&h, table);
    xmlNode *caption = NULL;
    kh_hrow_t *rows = NULL;
    size_t nrows = S_collect_rows(&h, table, &rows, &caption);
    if (caption && kh_mod_xml_has_text(caption)) {
        /* the caption: a bold paragraph above the table, as browsers and
         * Word print a table's title */
        int cl = S_node_line(&h, caption), cc = S_node_col(&h, caption);
        kh_block_t *b = kh_mod_open(c, KH_BLOCK_PARAGRAPH, cl, cc);
        h.text = &b->para.text;
        h.line_start = true;
        h.bold = 1;
        S_cell_children(&h, caption, 0);
        h.bold = 0;
    }
    /* Header rows: the thead's, else the leading rows of th cells only, or
     * of bold td cells (S_header_row). */
    int header = 0;
    bool has_thead = false;
    for (size_t r = 0; r < nrows; r++)
        has_thead |= rows[r].section == 0;
    for (size_t r = 0; r < nrows; r++) {
        bool head = has_thead ? rows[r].section == 0 : S_header_row(rows[r].tr);
        if (!head)
            break;
        header++;
    }
    if (header == (int)nrows && nrows > 1 && !has_thead)
        header = 0; /* a grid of th only: bold cells, no header to repeat */
    /* Pass 1: where each cell goes, and how many columns that makes. The
     * occupancy grid is rows × (KH_MAX_TABLE_COLS + 1). */
    int W = KH_MAX_TABLE_COLS + 1, cols = 0, grid = 0;
    unsigned char *occ = calloc(nrows ? nrows : 1, (size_t)W);
    if (!occ)
        abort();
    bool too_wide = false;
    for (size_t r = 0; r < nrows && !too_wide; r++) {
        /* the section's rows: spans stop at its end (and at the header's) */
        size_t end = r;
        while (end + 1 < nrows && rows[end + 1].section == rows[r].section &&
               ((int)(end + 1) < header) == ((int)r < header))
            end++;
        int k = 0;
        for (xmlNode *cell = rows[r].tr->children; cell; cell = cell->next) {
            if (!S_is_cell(cell))
                continue;
            while (k < W && occ[r * (size_t)W + (size_t)k])
                k++;
            long cs = S_int_attr(&h, cell, "colspan", 1);
            long rs = S_int_attr(&h, cell, "rowspan", 1);
            cs = cs < 1 ? 1 : cs;
            if (k + cs > W) {
                too_wide = true;
                break;
            }
            long last = rs == 0 ? (long)end : (long)r + (rs < 1 ? 1 : rs) - 1;
            if (last > (long)end)
                last = (long)end;
            for (size_t rr = r; rr <= (size_t)last; rr++)
                for (int kk = k; kk < k + cs; kk++)
                    occ[rr * (size_t)W + (size_t)kk] = 1;
            if (k + 1 > grid)
                grid = k + 1;
            k += (int)cs;
            if (k > cols)
                cols = k;
        }
    }
    free(occ);
    /* A colspan that reaches past every cell's column ("I. Nhóm" over 5
     * columns of a 4-column table) would add an empty column to the whole
     * table: cut at the grid the cells make, with a warning (pass 2). */
    bool cut_span = nrows > 1 && cols > grid && !too_wide;
    if (cut_span)
        cols = grid;
    if (too_wide || cols > KH_MAX_TABLE_COLS) {
        kh_diag_add(c->diags, c->src->path, tline, tcol, KH_SEV_ERROR, "table-columns",
                    "this table has more than %d columns (with its colspans), more "
                    "than kehoach prints: split it", KH_MAX_TABLE_COLS);
        c->ok = false;
        free(rows);
        return;
    }
    if (nrows == 0 || cols == 0) {
        if (nrows)
            kh_mod_diag(c, tline, tcol, KH_SEV_WARNING, "html",
                        "this table has rows but no cells: nothing is printed");
        free(rows);
        return;
    }
    kh_block_t *b = kh_mod_open(c, KH_BLOCK_TABLE, tline, tcol);
    kh_table_t *t = &b->table;
    t->rows = (int)nrows;
    t->cols = cols;
    t->header_rows = header;
    t->cells = calloc(nrows * (size_t)cols, sizeof *t->cells);
    t->align = calloc((size_t)cols, sizeof *t->align);
    if (!t->cells || !t->align)
        abort();
    for (size_t i = 0; i < nrows * (size_t)cols; i++)
        t->cells[i].rowspan = t->cells[i].colspan = 1;
    /* Pass 2: the cells themselves. */
    bool warned_span = false;
    for (size_t r = 0; r < nrows; r++) {
        size_t end = r;
        while (end + 1 < nrows && rows[end + 1].section == rows[r].section &&
               ((int)(end + 1) < header) == ((int)r < header))
            end++;
        int rl = S_node_line(&h, rows[r].tr), rc = S_node_col(&h, rows[r].tr);
        kh_align_t row_align = S_align_attr(&h, rows[r].tr);
        int k = 0;
        for (xmlNode *cell = rows[r].tr->children; cell; cell = cell->next) {
            if (!S_is_cell(cell)) {
                S_stray(&h, cell, S_IN_ROW);
                continue;
            }
            while (k < cols && t->cells[r * (size_t)cols + (size_t)k].covered)
                k++;
            kh_cell_t *out = &t->cells[r * (size_t)cols + (size_t)k];
            long cs = S_int_attr(&h, cell, "colspan", 1);
            long rs = S_int_attr(&h, cell, "rowspan", 1);
            out->line = S_node_line(&h, cell);
            out->col = S_node_col(&h, cell);
            if (cut_span && cs > cols - k) {
                kh_diag_add(c->diags, c->src->path, out->line, out->col, KH_SEV_WARNING,
                            "html", "colspan=\"%ld\" reaches past the table's %d "
                            "columns: the cell is cut at the last one (an extra "
                            "column would be empty in every other row)", cs, cols);
                cut_span = false; /* once a table */
            }
            cs = cs < 1 ? 1 : cs > cols - k ? cols - k : cs;
            long last = rs == 0 ? (long)end : (long)r + (rs < 1 ? 1 : rs) - 1;
            if (last > (long)end) {
                if (!warned_span) {
                    if ((int)r < header)
                        kh_diag_add(c->diags, c->src->path, out->line, out->col,
                                    KH_SEV_WARNING, "html",
                                    "rowspan=\"%ld\" reaches past the table's header "
                                    "rows: the cell is cut at their end", rs);
                    else
                        kh_diag_add(c->diags, c->src->path, out->line, out->col,
                                    KH_SEV_WARNING, "html",
                                    "rowspan=\"%ld\" reaches past the end of the table "
                                    "(or of its <tbody>/<tfoot>): the cell is cut there", rs);
                    warned_span = true;
                }
                last = (long)end;
            }
            out->rowspan = (int)(last - (long)r + 1);
            out->colspan = (int)cs;
            out->align = S_align_attr(&h, cell);
            if (out->align == KH_ALIGN_NONE)
                out->align = row_align;
            for (size_t rr = r; rr <= (size_t)last; rr++)
                for (int kk = k; kk < k + (int)cs; kk++)
                    if (rr != r || kk != k)
                        t->cells[rr * (size_t)cols + (size_t)kk].covered = true;
            h.text = &out->text;
            h.line_start = true, h.space = false;
            h.bold = (int)r < header || S_nm(cell, "th");
            h.italic = h.sup = h.sub = 0;
            S_cell_children(&h, cell, 0);
            /* no trailing line break: it would print an empty line */
            while (out->text.nspans &&
                   (out->text.spans[out->text.nspans - 1].style & KH_SPAN_BREAK)) {
                free(out->text.spans[out->text.nspans - 1].text);
                out->text.nspans--;
            }
            k += (int)cs;
        }
        for (int kk = 0; kk < cols; kk++) { /* a ragged row's empty cells */
            kh_cell_t *e = &t->cells[r * (size_t)cols + (size_t)kk];
            if (!e->covered && !e->text.nspans && !e->line)
                e->line = rl, e->col = rc;
        }
    }
    free(rows);
}
