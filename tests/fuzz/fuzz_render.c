/* Fuzz target: the whole pipeline, rendering the PDF into memory, with
 * issue 9's invariant asserted on the layout of every plan that passes
 * (abort() on a violation, so libFuzzer reports it like a crash):
 *   - every text op lies inside the paper less 8 mm (its advance width,
 *     and the font's ascent and descent around the baseline);
 *   - no two text ops of a page overlap;
 *   - nothing is lost: the non-space characters of what the model says to
 *     print (body blocks in order, a table's cells each from the table's
 *     start, since a row's lines interleave its cells; title, place,
 *     recipients, archive and signer name each) come out, in that order,
 *     as a subsequence of the non-space characters the layout positioned.
 *     A subsequence, not equality: the layout adds the template's fixed
 *     words, numbers and page numbers, and may break a long word without
 *     a hyphen; a dropped or reordered character fails it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "session.h"

#define KH_FUZZ_EDGE_PT (8 * 72 / 25.4) /* the paper less 8 mm */
#define KH_FUZZ_EPS_PT 0.01

static void S_fail(const char *what, const char *text, size_t len)
{
    fprintf(stderr, "invariant broken: %s: '%.*s'\n", what,
            (int)(len > 200 ? 200 : len), text);
    abort();
}

/* White space as the layout sees it: a no-break space (U+00A0, bytes C2
 * A0) is a space it may break at as a last resort, and prints as one. */
static size_t S_white(const char *t, size_t len, size_t j)
{
    if (t[j] == ' ' || t[j] == '\n' || t[j] == '\t')
        return 1;
    if (j + 1 < len && (unsigned char)t[j] == 0xC2 && (unsigned char)t[j + 1] == 0xA0)
        return 2;
    return 0;
}

/* The layout's non-space bytes, in op order over every page (ops may
 * share text: a table's header row repeated on each page). */
static char *S_stream(const kh_layout_t *l, size_t *n)
{
    size_t total = 1;
    for (size_t p = 0; p < l->npages; p++)
        for (size_t i = 0; i < l->pages[p].nops; i++)
            if (l->pages[p].ops[i].kind == KH_OP_TEXT)
                total += l->pages[p].ops[i].len;
    char *s = malloc(total);
    if (!s)
        abort();
    *n = 0;
    for (size_t p = 0; p < l->npages; p++)
        for (size_t i = 0; i < l->pages[p].nops; i++) {
            const kh_op_t *op = &l->pages[p].ops[i];
            if (op->kind != KH_OP_TEXT)
                continue;
            const char *t = l->text + op->text;
            for (size_t j = 0; j < op->len;) {
                size_t w = S_white(t, op->len, j);
                if (!w)
                    s[(*n)++] = t[j];
                j += w ? w : 1;
            }
        }
    return s;
}

/* Consumes text's non-space bytes from stream[*at..]: false if one of
 * them is not found in order. */
static bool S_follow(const char *stream, size_t n, size_t *at, const char *text, size_t len)
{
    for (size_t j = 0; j < len; j++) {
        char c = text[j];
        size_t w = S_white(text, len, j);
        if (w) {
            j += w - 1;
            continue;
        }
        while (*at < n && stream[*at] != c)
            (*at)++;
        if (*at == n)
            return false;
        (*at)++;
    }
    return true;
}

static void S_field(const char *stream, size_t n, const char *what, const char *text)
{
    size_t at = 0;
    if (text && !S_follow(stream, n, &at, text, strlen(text)))
        S_fail(what, text, strlen(text));
}

static void S_text(const char *stream, size_t n, size_t *at, const kh_text_t *t)
{
    for (size_t i = 0; i < t->nspans; i++)
        if (!S_follow(stream, n, at, t->spans[i].text, t->spans[i].len))
            S_fail("body text lost or out of order", t->spans[i].text, t->spans[i].len);
}

static void S_block(const char *stream, size_t n, size_t *at, const kh_block_t *b)
{
    switch (b->kind) {
    case KH_BLOCK_PARAGRAPH:
    case KH_BLOCK_HEADING:
        S_text(stream, n, at, &b->para.text);
        break;
    case KH_BLOCK_TABLE: {
        /* a row is laid out line by line across its cells, so the cells'
         * texts interleave: each must follow from the table's start, and
         * the next block follows the furthest of them */
        const kh_table_t *t = &b->table;
        size_t start = *at, end = *at;
        for (int i = 0; i < t->rows * t->cols; i++) {
            size_t cell = start;
            S_text(stream, n, &cell, &t->cells[i].text);
            if (cell > end)
                end = cell;
        }
        *at = end;
        break;
    }
    }
}

typedef struct {
    double x0, y0, x1, y1;
    size_t op;
} kh_box_t;

static int S_by_y0(const void *a, const void *b)
{
    double d = ((const kh_box_t *)a)->y0 - ((const kh_box_t *)b)->y0;
    return d < 0 ? -1 : d > 0;
}

static void S_check_page(const kh_layout_t *l, const kh_page_t *pg,
                         kh_font_t *fonts[KH_FONT_COUNT])
{
    kh_box_t *box = malloc((pg->nops ? pg->nops : 1) * sizeof *box);
    if (!box)
        abort();
    size_t nb = 0;
    for (size_t i = 0; i < pg->nops; i++) {
        const kh_op_t *op = &pg->ops[i];
        if (op->kind != KH_OP_TEXT || op->len == 0)
            continue;
        const char *t = l->text + op->text;
        kh_font_info_t fi;
        kh_font_info(fonts[op->font], &fi);
        double w = kh_font_text_width(fonts[op->font], t, op->len, op->size);
        kh_box_t b = {op->x, op->y + fi.descent * op->size / 1000,
                      op->x + w, op->y + fi.ascent * op->size / 1000, i};
        if (b.x0 < KH_FUZZ_EDGE_PT - KH_FUZZ_EPS_PT || b.y0 < KH_FUZZ_EDGE_PT - KH_FUZZ_EPS_PT ||
            b.x1 > pg->width - KH_FUZZ_EDGE_PT + KH_FUZZ_EPS_PT ||
            b.y1 > pg->height - KH_FUZZ_EDGE_PT + KH_FUZZ_EPS_PT)
            S_fail("text outside the paper less 8 mm", t, op->len);
        /* for overlaps, the box between baseline - 0.2 em and 0.7 em: the
         * marks of Vietnamese capitals may reach into the line above by
         * design (leading 1.15), the letters themselves may not */
        b.y0 = op->y - 0.2 * op->size;
        b.y1 = op->y + 0.7 * op->size;
        box[nb++] = b;
    }
    qsort(box, nb, sizeof *box, S_by_y0);
    for (size_t i = 0; i < nb; i++)
        for (size_t j = i + 1; j < nb && box[j].y0 < box[i].y1 - KH_FUZZ_EPS_PT; j++) {
            double dx = (box[i].x1 < box[j].x1 ? box[i].x1 : box[j].x1) -
                        (box[i].x0 > box[j].x0 ? box[i].x0 : box[j].x0);
            if (dx > 0.25) {
                const kh_op_t *op = &pg->ops[box[j].op];
                S_fail("two words drawn over each other", l->text + op->text, op->len);
            }
        }
    free(box);
}

static void S_invariant(const kh_plan_t *p, const kh_layout_t *l,
                        kh_font_t *fonts[KH_FONT_COUNT])
{
    for (size_t i = 0; i < l->npages; i++)
        S_check_page(l, &l->pages[i], fonts);
    size_t n, at = 0;
    char *stream = S_stream(l, &n);
    for (size_t i = 0; i < p->nblocks; i++)
        S_block(stream, n, &at, &p->blocks[i]);
    S_field(stream, n, "title lost", p->title);
    S_field(stream, n, "place lost", p->place);
    for (size_t i = 0; i < p->nrecipients; i++)
        S_field(stream, n, "recipient lost", p->recipients[i]);
    S_field(stream, n, "archive lost", p->archive);
    for (size_t i = 0; i < p->nsigners; i++)
        S_field(stream, n, "signer name lost", p->signers[i].name);
    free(stream);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kh_session_t *session;
    if (!session) {
        session = kh_session_new(KH_FUZZ_DATA);
        kh_session_layout_hook = S_invariant;
    }
    kh_diag_list_t d;
    kh_diag_init(&d);
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = kh_session_run_mem(session, "fuzz.md", (const char *)data, size,
                                KH_STAGE_PDF, &pdf, &len, &d);
    /* a plan that passed validation must come out as a PDF */
    if (rc == KH_OK && (len < 100 || memcmp(pdf, "%PDF-", 5) != 0))
        abort();
    free(pdf);
    kh_diag_free(&d);
    return 0;
}
