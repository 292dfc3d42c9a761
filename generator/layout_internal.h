/* Internals the layout's files share (layout.c: paragraphs, header,
 * closing, pagination; layout_table.c: tables). Not for other stages:
 * they see layout.h only. Lengths are in points; y in a box is measured
 * downward from the box's top. */
#ifndef KH_LAYOUT_INTERNAL_H
#define KH_LAYOUT_INTERNAL_H

#include "layout.h"
#include "linebreak.h"

/* A vertical box: ops [op_first, op_first + op_count) of the staging list,
 * with y measured downward from the box top. */
typedef struct {
    double space_before, height;
    bool keep_with_next;
    bool keep_soft; /* keep_with_next may give way if keeping would leave
                       the page less than two-thirds full (table rows tied
                       by a rowspan, as Word lets them break) */
    size_t op_first, op_count;
    size_t header; /* table rows: 1 + the box of the table's header rows,
                      repeated atop a page the row starts (an empty box for
                      a table without header rows, so that a page break
                      still closes the table); 0 for everything else */
    bool row_continued; /* a table row's later line band: starting a page,
                           it needs a rule above it */
    int line, col;      /* source position of what it holds (off-page) */
    bool off_page;      /* an off-page error was given for it */
    bool page_break;    /* it starts a page: the first box of a section */
    int note_max;       /* the highest footnote number referenced in it (0:
                           none): notes up to it not placed yet go to the
                           foot of the page it is placed on */
} kh_vbox_t;

/* A run of pages with one geometry and one page count: the plan (header,
 * body, closing), then each appendix (spec appendix-esign.md §1: from a
 * new page, page numbers from 1, none on its first page; landscape turns
 * the paper). Boxes [first_box, the next section's first_box) are its. */
typedef struct {
    size_t first_box;
    double page_w, page_h;          /* pt */
    double margin_top, margin_bottom, left, text_w; /* pt */
    double number_baseline;         /* page number's baseline from the top, pt */
    const kh_source_t *src;         /* positions of its boxes are in this file */
} kh_section_t;

/* A word piece: text in one font (a word may mix fonts: "(**abc**)"). */
typedef struct {
    const char *text;
    double width;
    uint32_t len;
    float split;       /* >0: the word may break before this piece, at
                          this penalty, without a hyphen (URLs, long words);
                          0: joined to the piece before */
    unsigned char font;
    bool space_before; /* first piece of a word that follows a space */
    bool nbsp_before;  /* … and that space was no-break spaces only */
    bool hard_break;   /* a hard line break comes before it */
    unsigned char shift; /* KH_SHIFT_*: superscript or subscript */
    bool note;         /* a footnote reference (its text is the number) */
    unsigned char blank; /* >0: the space before it is a blank kept as
                            typed, this many space widths (a run of 2+
                            spaces or of no-break spaces), not stretched */
} kh_piece_t;          /* 32 bytes: a long paragraph has millions */
_Static_assert(sizeof(kh_piece_t) <= 32, "kh_piece_t: millions in a long paragraph");

enum { KH_SHIFT_NONE, KH_SHIFT_SUP, KH_SHIFT_SUB };

/* The layout's state while it builds the boxes of one plan. */
typedef struct {
    const kh_template_t *tpl;
    kh_font_t **fonts;
    const kh_source_t *src;
    kh_diag_list_t *diags;
    bool ok;
    kh_layout_t *out;
    size_t text_cap;  /* allocated size of out->text */
    size_t cap_pages; /* allocated entries of out->pages */
    /* the staged ops, in chunks of KH_STAGE_CHUNK: an op's address stays
     * put as more are staged, and pagination frees the chunks of boxes
     * already on pages (on a long plan the ops are most of the memory);
     * op i is kh_lay_op(c, i) */
    kh_op_t **staged;
    size_t nstaged, nchunks, cap_chunks;
    size_t notes_end;   /* ops [0, notes_end): the notes', placed at any
                           page's foot, so never freed */
    size_t *keep_from;  /* while paging: keep_from[j], the least op index
                           boxes j… (and their tables' header rows) use */
    kh_vbox_t *boxes;
    size_t nboxes, capboxes;
    double left, text_w; /* text area of the section being built or paged */
    double page_w, page_h, margin_top, margin_bottom, number_baseline; /* its paper */
    kh_section_t *sections;
    size_t nsections, cap_sections;
    size_t sec_pages;    /* pages of the section being paged, so far */
    size_t cur_section;  /* the index of that section in sections */
    double ascent[KH_FONT_COUNT], descent[KH_FONT_COUNT]; /* per 1000 em */
    int line, col;       /* source position of the block being laid out */
    int long_line, long_col; /* the last long-word warning's position */
    int off_line, off_col;   /* the last off-page error's position */
    /* footnotes: the lines of all notes, laid out before the body, one
     * box each (y from the line's top), note k's lines from
     * note_at[k - 1] to note_at[k]; foot_pre[i] is the height of lines
     * [0, i). Pagination places lines [foot_next, foot_due) at a page's
     * foot: foot_due is where the notes referenced so far end. */
    kh_vbox_t *foot;
    size_t nfoot;
    size_t *note_at;    /* nnotes + 1 entries */
    double *foot_pre;   /* nfoot + 1 entries */
    double foot_left;   /* pt: the left edge the note lines were set at
                           (the plan's); a landscape section's notes are
                           moved to its own left edge when placed */
    size_t nnotes;
    size_t foot_next, foot_due;
    int note_max;       /* the highest note number placed in the open box */
    const kh_page_sink_t *sink; /* NULL: pages kept in out->pages */
    kh_op_t *spare;     /* with a sink: the last page's op array, reused */
    size_t spare_cap;
} kh_lctx_t;

#define KH_STAGE_CHUNK ((size_t)1 << 12) /* ops: 112 KiB, under malloc's mmap threshold, so reused */

static inline kh_op_t *kh_lay_op(const kh_lctx_t *c, size_t i)
{
    return &c->staged[i / KH_STAGE_CHUNK][i % KH_STAGE_CHUNK];
}

/* A growing list of pieces. */
typedef struct {
    kh_piece_t *items;
    size_t n, cap;
} kh_pieces_t;

/* ---- staging (layout.c) ---- */

/* A line from (x1, dy1) to (x2, dy2) in the open box, width pt thick. */
void kh_lay_line(kh_lctx_t *c, double x1, double dy1, double x2, double dy2,
                 double width);
/* A box opens where the staged ops stand now; kh_lay_box_end closes it
 * with its height, the space it wants above it and whether a page may
 * not end after it (keep), at the source position c->line:c->col. */
size_t kh_lay_box_begin(kh_lctx_t *c);
void kh_lay_box_end(kh_lctx_t *c, size_t first, double height,
                    double space_before, bool keep);

/* ---- measuring (layout.c) ---- */

/* A line's height and its baseline below the line's top, for a size. */
double kh_lay_line_h(const kh_lctx_t *c, double size);
double kh_lay_baseline(const kh_lctx_t *c, double size);
/* The size a piece is set in: sup_scale × size for a superscript or
 * subscript, else size. */
double kh_lay_piece_size(const kh_lctx_t *c, const kh_piece_t *p, double size);
/* Width of text in a font and size; a character the font lacks is a
 * glyph error at its source position (c->ok becomes false). */
double kh_lay_width(kh_lctx_t *c, int font, const char *s, size_t n,
                    double size);
/* True for a number, date or amount ("1.800.000.000", "27/02/2024",
 * "95,5%"): never broken at its marks. */
bool kh_lay_is_number(const char *s, size_t n);

/* ---- breaking text into lines (layout.c) ---- */

/* The text's word pieces, each word split where it may break for a box
 * of width box (first_box for the first word); warn: a word wider than
 * its box is a long-word warning. */
void kh_lay_pieces(kh_lctx_t *c, const kh_text_t *text, double size,
                   double first_box, double box, bool warn, kh_pieces_t *out);
/* Knuth–Plass items for pieces [from, to), after an indent (pt);
 * item_piece maps each box item to its first piece. Returns the count;
 * items and item_piece hold at least 4 × (to − from) + 4 entries (a
 * hard break before an indented line takes four). */
size_t kh_lay_items(kh_lctx_t *c, const kh_pieces_t *ps, size_t from,
                    size_t to, double size, double indent,
                    kh_lb_item_t *items, size_t *item_piece);
/* Places one line's words, items (from, to) exclusive of the break, at
 * x with its baseline dy below the box top, spaces stretched by ratio. */
void kh_lay_place_line(kh_lctx_t *c, const kh_pieces_t *ps,
                       const kh_lb_item_t *items, const size_t *item_piece,
                       size_t from, size_t to, double ratio, double size,
                       double x, double dy);

/* ---- tables (layout_table.c) ---- */

/* A table block: its rows as boxes (S_paginate repeats the header). */
void kh_lay_table(kh_lctx_t *c, const kh_block_t *b, double space_before);

#endif
