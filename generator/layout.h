/* Stage 4, layout: turns the model into positioned text and rules on pages.
 * It prints the model's words and the template's fixed texts, never words
 * of its own: the header's and closing's lines come finished from the
 * model (kh_plan_t header_issuers … recipient_lines, model_frame.c); the
 * layout chooses fonts, columns and line breaks (a place-date too wide for
 * its column breaks after its last ", ").
 * Paragraphs are broken into lines by the optimal-fit breaker, lines are
 * stacked into pages under keep rules (a heading never ends a page, no
 * single-line widows or orphans, table rows split between lines, the
 * closing block's signature stays whole and never leaves the body's last
 * lines). Every element is kept inside its box (long words break, with a
 * `long-word` warning when between letters); whatever would still fall
 * outside the paper less 8 mm is an `off-page` error, so a layout returned
 * is one whose every op lies on the paper. */
#ifndef KH_LAYOUT_H
#define KH_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "font.h"
#include "load.h"
#include "model.h"
#include "template.h"

/* KH_OP_SLOT draws nothing: it records where a signer's signature space
 * (the room between the office lines and the name, cell 7c of the decree)
 * fell, so that render --esign puts the signature and seal images and the
 * PDF signature field there (pdf.c); it paginates with the closing. */
typedef enum { KH_OP_TEXT, KH_OP_RULE, KH_OP_RECT, KH_OP_SLOT } kh_op_kind_t;

/* A slot's signer that is no signer: the organisation's signature frame
 * atop the first page of an appendix issued as a file of its own (render
 * --separate-appendices --esign; spec appendix-esign.md §4, PL I Mục
 * II.8.b, III.1.d, PL III Mẫu 2.2): the clerk signs it with the body's key,
 * no image; the signing system writes "Số: …; ngày/tháng/năm; giờ: phút:
 * giây" in it, 10 pt. The frame's size is Mẫu 2.2's. */
#define KH_SLOT_ORG 0xFFFFFFFFu
#define KH_ORG_FRAME_W_MM 76.9
#define KH_ORG_FRAME_H_MM 8.7

/* An op's colour: black, or the bright red (đỏ tươi) of the urgency and
 * secrecy stamps (spec appendix-esign.md §5). */
typedef enum { KH_COLOR_BLACK, KH_COLOR_RED } kh_color_t;

/* One positioned word piece, rule or signature slot. Kept compact (28 bytes): a long plan
 * has millions of them, all staged before pagination (a page then holds
 * its own copy until it goes to the PDF writer, or to the end with
 * --dump-layout). Floats hold points to 1/10,000 pt on any paper this
 * prints. */
typedef struct {
    float x, y;          /* PDF user space: points from the bottom-left */
    unsigned char kind;  /* kh_op_kind_t: which member of the union is set */
    /* KH_OP_TEXT only (here, not in the union, to stay in 28 bytes) */
    unsigned char font;  /* kh_font_style_t */
    bool space_before;   /* a word space separates it from the previous op */
    unsigned char color; /* kh_color_t, any kind (in the padding byte) */
    union {
        struct {         /* KH_OP_TEXT */
            uint32_t text, len; /* offset and length in kh_layout_t.text */
            float width;        /* its advance in points (the off-page check) */
            float size;         /* font size, pt */
        };
        struct {         /* KH_OP_RULE: from (x, y) to (x2, y2); KH_OP_RECT:
                            the outline of the rectangle with corners
                            (x, y) and (x2, y2), thickness wide */
            float x2, y2, thickness;
        };
        struct {         /* KH_OP_SLOT: (x, y) its bottom-left corner */
            float w, h;         /* pt */
            uint32_t signer;    /* which signer's: 0 the plan's (the first
                                   field, "Signature1") */
        };
    };
} kh_op_t;
_Static_assert(sizeof(kh_op_t) == 28, "kh_op_t: millions of them in a long plan");

/* True if op has a second corner (x2, y2) that moves with it: a rule or
 * a mark's box (a slot has a width and height instead). */
static inline bool kh_op_has_end(const kh_op_t *op)
{
    return op->kind == KH_OP_RULE || op->kind == KH_OP_RECT;
}

typedef struct {
    kh_op_t *ops;
    size_t nops, cap;
    double width, height; /* the paper, pt: an appendix's may be turned */
    size_t section;       /* 0: the plan's pages; k: appendix k - 1's
                             (plan->appendices), so that a range of pages
                             can be written as a file of its own */
} kh_page_t;

typedef struct {
    double width, height; /* the template's paper (portrait), pt */
    kh_page_t *pages;     /* with a page sink (kh_layout_build_to), every
                             page's ops are NULL once it was handed on */
    size_t npages;
    char *text; /* all text of all ops */
    size_t text_len;
    /* spacing statistics of justified lines, for tests and --dump-layout */
    size_t justified_lines;
    double max_ratio;
    /* section_fonts[s], bit f: section s (kh_page_t.section) prints text
     * in font f (kh_font_style_t), its page numbers aside (they are
     * Regular, on every page but a section's first). Set before the first
     * page goes to a sink, so that a PDF writer knows its fonts up front. */
    unsigned char *section_fonts;
    size_t nsections;
} kh_layout_t;

/* Where finished pages go as they are laid out (kh_layout_build_to): the
 * PDF writer, or nothing (validate). page is called once a page, in
 * order, with the layout (its text, which page numbers still extend, and
 * section_fonts) and the page; the page's ops are borrowed for the call
 * only: the layout frees them after it, which is what bounds memory on a
 * long plan. A layout that fails after some pages went out fails all the
 * same (NULL): the sink's work is to be thrown away. */
typedef struct {
    void (*page)(void *ctx, const kh_layout_t *layout, const kh_page_t *page);
    void *ctx;
} kh_page_sink_t;

/* Lays out the plan. NULL with diagnostics (a character the fonts have no
 * glyph for, reported where it stands in src; off-page; page-limit) on
 * failure; warnings (long-word) may be added either way. */
kh_layout_t *kh_layout_build(const kh_plan_t *plan, const kh_template_t *tpl,
                             kh_font_t *fonts[KH_FONT_COUNT],
                             const kh_source_t *src, kh_diag_list_t *diags);
/* … the same, each finished page handed to sink as it is laid out, and
 * not kept (sink NULL: every page kept, as kh_layout_build). */
kh_layout_t *kh_layout_build_to(const kh_plan_t *plan, const kh_template_t *tpl,
                                kh_font_t *fonts[KH_FONT_COUNT],
                                const kh_source_t *src, kh_diag_list_t *diags,
                                const kh_page_sink_t *sink);
void kh_layout_free(kh_layout_t *layout);

/* Writes every page's ops as text, one per line (tests read it). */
void kh_layout_dump(const kh_layout_t *layout, FILE *out);

#endif
