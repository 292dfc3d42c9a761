/* Column widths of a table from its content: automatic table layout.
 *
 * The rule is the one browsers use for tables without fixed widths (CSS 2.1
 * §17.5.2.2 "Automatic table layout", itself after HTML 4.01 appendix
 * B.5.2 "Table layout algorithm"), with the fill of LaTeX's tabularx: each
 * column has a minimum (its widest piece that cannot be broken) and a
 * natural width (its text on one line), and the room of the table goes
 * first to what keeps words whole, then to what saves lines. Office tables
 * span the text width, so the widths always add up to the available width
 * unless every column is fixed or the minimums alone are wider.
 *
 * Pure arithmetic: no fonts, no text. The caller measures each cell (at the
 * table's size and style) and passes the numbers; nothing is allocated and
 * nothing is kept between calls. Deterministic for the same input.
 *
 * Units: every width is in points (pt, 1/72 in), except
 * kh_colwidth_col_t.fixed_frac (a fraction of the available width).
 *
 * Widths measured by the caller (cell min/natural) are of the text alone.
 * Widths returned (kh_colwidth_col_t.min/natural/width) are of the column
 * box: the distance from the centre of its left rule to the centre of its
 * right rule = text + padding + rule, so that they add up to the table's
 * width; the text of a cell spanning columns j..k may use the sum of their
 * widths minus one padding and one rule. (Half of each outer rule lies
 * outside the table width; the caller draws it there or counts it in.)
 *
 * Nonsense input never fails: NaN, negative and infinite widths are taken
 * as 0 (widths above KH_COLWIDTH_MAX as KH_COLWIDTH_MAX), a span below 1 as
 * 1, a span past the last column is cut there, a cell whose first column is
 * outside the table is ignored, and 0 columns give an empty result. */
#ifndef KH_COLWIDTH_H
#define KH_COLWIDTH_H

#include <stdbool.h>
#include <stddef.h>

/* Any width above this (about 35 m) is taken as this: keeps sums finite. */
#define KH_COLWIDTH_MAX 1e5

/* One cell, as measured by the caller. */
typedef struct {
    int col;        /* first column, 0-based */
    int span;       /* columns covered (colspan), ≥ 1 */
    double min;     /* pt: the widest piece that may not break — a word, and
                     * a whole number, amount or date, which never wrap */
    double natural; /* pt: the text on one line; for text with hard breaks
                     * (<br>, several paragraphs) the widest of its lines */
    bool header;    /* a header-row cell (<th>, the pipe table's first row) */
} kh_colwidth_cell_t;

typedef enum {
    KH_COLWIDTH_AUTO = 0, /* numeric when every non-empty body cell of the
                           * column (one column wide) has min == natural: a
                           * number, a date, one word; text otherwise */
    KH_COLWIDTH_NUMERIC,  /* never given more than it needs while a text
                           * column can take the room */
    KH_COLWIDTH_TEXT,
} kh_colwidth_kind_t;

/* One column. The caller sets the input fields (zero = automatic) and the
 * call fills the output fields; the caller owns the array. */
typedef struct {
    /* in */
    double fixed_pt;         /* > 0: the column's width, pt (template) */
    double fixed_frac;       /* > 0 and fixed_pt == 0: its width as this
                              * fraction of the available width (≤ 1) */
    kh_colwidth_kind_t kind; /* numeric / text / infer */
    /* out */
    double min;         /* pt: the column's minimum width (box) */
    double natural;     /* pt: the width that keeps its body cells on one
                         * line (box) */
    double width;       /* pt: the width given (box) */
    bool numeric;       /* the kind used (kind, or inferred for AUTO) */
    bool fixed;         /* the width came from fixed_pt / fixed_frac */
    bool fixed_too_small; /* fixed, but narrower than min: given min */
    /* scratch of the call; no meaning to the caller */
    double wish_;          /* natural including header and spanning text */
    unsigned char state_;
} kh_colwidth_col_t;

typedef struct {
    double available; /* pt: the table's width (the text width, usually) */
    double padding;   /* pt: a cell's left + right padding */
    double rule;      /* pt: the width of one vertical rule */
} kh_colwidth_frame_t;

typedef struct {
    double total;    /* pt: sum of the widths */
    double overflow; /* pt: how much the minimums exceed the available
                      * width (0 when they fit): the caller breaks words
                      * with a warning, or suggests landscape */
    int too_small;   /* number of fixed columns narrower than their min */
} kh_colwidth_result_t;

/* Computes cols[0..ncols).width (and the other output fields) from the
 * ncells cells; returns the total, the overflow and the count of fixed
 * widths raised. cells may be NULL when ncells is 0, cols when ncols ≤ 0;
 * frame NULL is a table of width 0 without padding or rules.
 *
 * 1. A column's min is the largest min of its one-column cells (header
 *    or body); its natural the largest natural of its body cells, at
 *    least its min. A header cell's natural is only a wish (step 4), even
 *    when the column has no non-empty body cell: header words wrap before
 *    body text does, and an empty column is no wider than a filled one.
 * 2. A spanning cell whose min exceeds its columns' mins (plus the inner
 *    paddings and rules it may use) adds the excess to their mins in
 *    proportion to their natural widths (equally if all 0), over the
 *    columns that are not fixed if any. Its natural width does the same
 *    to the columns' wishes, over the text columns first. Cells are taken
 *    in input order (CSS takes narrower spans first; rarely different).
 *    The headers' naturals are wishes too: room they get only once every
 *    column has its natural width (step 4). Where CSS makes a spanning
 *    cell's natural as strong as a body cell's, here a group row or a
 *    spanning header may wrap rather than take room from the body.
 * 3. A fixed column gets fixed_pt, or fixed_frac × available, raised to its
 *    min (fixed_too_small). If that leaves the other columns less than their
 *    mins, the fixed columns shrink toward their mins, all by the same
 *    fraction of their excess. If every column is fixed, the table is as
 *    wide as their sum, which may be less than available.
 * 4. If Σmin ≥ available, every column gets its min (fixed ones too) and
 *    overflow = Σmin − available. Otherwise the columns that are not fixed
 *    share the room R left by the fixed ones:
 *    - Σnatural ≤ R: each gets its natural width, then its wish (headers,
 *      spanning cells: in proportion if not all fit), and what is left
 *      goes to the text columns in proportion to their natural widths (to
 *      every column when none is text), so numbers do not balloon.
 *    - else a column whose natural width is at most an equal share of the
 *      room still to give (and leaves the others their mins) gets it,
 *      round after round until a round settles none: "Tháng 12/2025"
 *      stays whole beside a long text column. Each other column gets
 *      min + (natural − min) × (room − Σmin) / Σ(natural − min), the
 *      CSS 2.1 / HTML 4 proportion, so the longest text gets the most.
 *
 * Cost: O(ncells + Σ spans of spanning cells + ncols × rounds), rounds ≤
 * ncols + 1 (usually 2 or 3). No allocation, no global state. */
kh_colwidth_result_t kh_colwidth(const kh_colwidth_cell_t *cells, size_t ncells,
                                 kh_colwidth_col_t *cols, int ncols,
                                 const kh_colwidth_frame_t *frame);

#endif
