/* Stage 3, model: the plan as a plain document tree (header facts, body
 * blocks of styled text, closing), with source positions, built from the
 * loaded front matter and the Markdown body. Numbering, case and date
 * wording are decided here, and the header's and closing's lines word for
 * word (model_frame.c, with the template's spellings); layout only places
 * what the model says. */
#ifndef KH_MODEL_H
#define KH_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "image.h"
#include "load.h"
#include "template.h"

enum {
    KH_SPAN_BOLD = 1,
    KH_SPAN_ITALIC = 2,
    KH_SPAN_BREAK = 4, /* a hard line break; text is "" */
    KH_SPAN_VERBATIM = 8, /* printed as typed where the level upper-cases:
                            a link's address (its path is case-sensitive) */
    KH_SPAN_SUP = 16,    /* superscript (<sup>, a footnote's number): the same
                            glyphs at tpl->sup_scale × size, raised by
                            tpl->sup_rise × size */
    KH_SPAN_SUB = 32,    /* subscript (<sub>): sup_scale × size, lowered by
                            tpl->sub_drop × size */
    KH_SPAN_NOTE = 64    /* a footnote reference (with SUP): its text is the
                            note's number, plan->notes[number - 1]; the
                            layout puts that note at the foot of the page
                            the span is placed on */
};

typedef struct {
    char *text;
    size_t len, cap; /* text grows in place while the style stays */
    unsigned style;
} kh_span_t;

/* Styled text: spans in reading order (paragraphs, headings, cells). */
typedef struct {
    kh_span_t *spans;
    size_t nspans, cap_spans;
} kh_text_t;

/* What a body block is; the union member of kh_block_t it uses. Kinds to
 * come fit the same way: an appendix start (its number, title and
 * whether it is landscape: spec appendix-esign.md §1) as one more kind
 * and member; footnote definitions live in the plan, not among the
 * blocks (see kh_plan_t). */
typedef enum {
    KH_BLOCK_PARAGRAPH, /* para (level 0) */
    KH_BLOCK_HEADING,   /* para (level 1..6) */
    KH_BLOCK_TABLE      /* table */
} kh_block_kind_t;

/* A paragraph or heading. */
typedef struct {
    kh_text_t text;
    int level;          /* headings: 1..6; paragraphs: 0 */
} kh_para_t;

/* A column's alignment, from the pipe table's delimiter row (":---",
 * ":---:", "---:"); NONE when it gives none. */
typedef enum {
    KH_ALIGN_NONE,
    KH_ALIGN_LEFT,
    KH_ALIGN_CENTER,
    KH_ALIGN_RIGHT
} kh_align_t;

/* A table cell: its text and where it was typed. A cell covers rowspan ×
 * colspan slots of the grid from its own (an HTML table's merged cells;
 * a pipe table's are 1 × 1); the slots it covers beyond its own are
 * marked covered and hold no text. */
typedef struct {
    kh_text_t text;
    int line, col;      /* in the plan file */
    int rowspan, colspan; /* ≥ 1, clamped to the table (model_table.c) */
    bool covered;       /* a slot of another cell's span: nothing of its own */
    kh_align_t align;   /* the cell's own (HTML align / text-align), or NONE:
                         * the layout decides (layout_table.c) */
} kh_cell_t;

/* Columns a table may have (more is a table-columns error): wider ones
 * are not tables a plan prints; the layout sizes its arrays by it. */
#define KH_MAX_TABLE_COLS 32

/* A table: rows × cols cells, row by row; the first header_rows rows are
 * the header (printed bold, repeated atop each page the table reaches).
 * A pipe table has one header row; a row typed with fewer cells has
 * empty ones (as GitHub shows it). An HTML table's header rows are those
 * of its <thead>, else its leading rows of <th> cells only; no span
 * crosses from the header into the body (clamped). */
typedef struct {
    int rows, cols, header_rows;
    kh_cell_t *cells;   /* rows × cols */
    kh_align_t *align;  /* cols entries */
} kh_table_t;

/* A body block: kind says which member of the union holds it. */
typedef struct kh_block {
    kh_block_kind_t kind;
    int line, col;       /* in the plan file */
    double space_before; /* pt, from the template (headings) */
    union {
        kh_para_t para;   /* KH_BLOCK_PARAGRAPH, KH_BLOCK_HEADING */
        kh_table_t table; /* KH_BLOCK_TABLE */
    };
} kh_block_t;

/* An appendix (Phụ lục: spec appendix-esign.md §1, decree PL I Mục III.1,
 * PL III Mẫu 2.1): a "# Phụ lục …" heading of the plan's body or of a
 * file named in `appendices:`, and the blocks after it up to the next
 * one. Its caption lines are decided here; the layout only places them. */
typedef struct {
    char *label;        /* "Phụ lục" (one appendix), "Phụ lục I", "II" … */
    char *title;        /* upper case; NULL when the heading gives none */
    char *attached;     /* "(Kèm theo Kế hoạch số 870/KH-SYT ngày … của Sở Y
                           tế)"; NULL until every appendix is read */
    bool landscape;     /* A4 turned: `<!-- landscape -->` after the heading */
    bool org_frame;     /* its first page opens a file of its own signed by
                           the organisation (render --separate-appendices
                           --esign, set by session.c, not by the model):
                           the layout puts the signature frame above the
                           caption (KH_SLOT_ORG, layout.h) */
    const kh_source_t *src; /* the file its heading and blocks are in (the
                               plan's, or an appendix file's: owned by the
                               plan's source, src->appendix_files) */
    int line, col;      /* its heading, in src */
    size_t first, count; /* its blocks: plan->blocks[first, first + count) */
} kh_appendix_t;
/* A footnote (GFM "[^label]: text", referenced by "[^label]"). Notes are
 * numbered 1, 2, … in order of first reference through the whole plan
 * (appendices included); a note referenced again keeps its number, and is
 * printed once, at the foot of the page of its first reference. */
typedef struct {
    int number;         /* its index in plan->notes + 1 */
    char *label;        /* as typed between "[^" and "]" */
    kh_block_t *blocks; /* its paragraphs (a list item is a paragraph that
                           opens with its marker); the first opens with the
                           number (KH_SPAN_SUP) and a space, as Word sets a
                           footnote */
    size_t nblocks;
    int line, col;      /* of the definition, in the plan file */
} kh_note_t;

/* A mark printed in a box on page 1 (spec appendix-esign.md §5, Nghị định
 * 30/2020 PL I Mục III.2): the secrecy mark (cell 10a), the urgency mark
 * (10b), a circulation note (cell 11). Its words and the stamp's size are
 * decided here (model_marks.c); the layout places the box. text NULL: no
 * such mark. */
typedef struct {
    char *text;          /* upper case, as printed: "KHẨN", "TỐI MẬT" */
    double w_mm, h_mm;   /* the stamp's size; w_mm 0: the text's width plus
                            pad_mm each side */
    double pad_mm;       /* least room between the text and the border */
    double size;         /* pt, bold */
    bool red;            /* bright red text and border (đỏ tươi) */
    bool double_border;  /* a second border 1 mm inside the first */
} kh_mark_t;

/* One issuing body as the front matter gives it: `issuer` and `signer`,
 * or one item of a joint plan's `issuers` (each with its own signer). */
typedef struct {
    char *parent, *name, *code;
    char *full_name;    /* running-text form, or NULL */
    bool lead;          /* the joint plan's lead body (chủ trì) */
    char **chain;       /* signer.chain as typed ("KT. Chủ tịch"), or none */
    size_t nchain;
    char *authority, *on_behalf_of, *title, *other_title, *name_signed;
    int signer_line, signer_col; /* its signer: mapping, in the plan file */
    /* Electronic signing (spec appendix-esign.md §4; model_esign.c): its
     * signer's signature and the body's seal, decoded, or NULL; printed
     * only by render --esign. seal_mm: the seal's real diameter, mm
     * (signer.seal_mm, else the PNG's pHYs), 0 without a seal. The layout
     * makes that signer's signature space at least that tall, so the seal
     * never covers the lines around it, with --esign or without (the paper
     * copy gets a real seal there). */
    kh_image_t *signature_image, *seal_image;
    double seal_mm;
} kh_issuer_t;

/* A header block of the left column (model_frame.c): each issuer's,
 * stacked; the rule goes under the last. */
typedef struct {
    char *parent;       /* "UBND TỈNH KON TUM" (upper case), or NULL */
    char *name;         /* "SỞ Y TẾ" (upper case) */
    /* where they may wrap prefer to break: one kh_break_t per byte of the
     * line (strlen + 1), at the first space of each gap between words
     * (model_frame.c, S_breaks); NULL when the line is */
    unsigned char *parent_breaks, *name_breaks;
} kh_frame_issuer_t;

/* A signature block (model_frame.c; spec appendix-esign.md §3): the
 * authority lines and the title, upper case, top down ("TM. ỦY BAN NHÂN
 * DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"); then the signature space; then
 * other_title (chức vụ khác, cell 7b, upper case) when given; then the
 * name as typed. */
typedef struct {
    char **lines;
    size_t nlines;      /* ≥ 1 */
    char *other_title;  /* or NULL */
    char *name;
    /* where each line prefers to break when it wraps in its cell, as
     * kh_frame_issuer_t's (one per byte, model_frame.c S_breaks):
     * line_breaks[i] for lines[i]; NULL with a NULL other_title. The
     * name has none: a person's name is no compound, its lines are only
     * balanced */
    unsigned char **line_breaks, *other_title_breaks;
    int line, col;      /* its signer: in the plan file (diagnostics) */
} kh_frame_signer_t;

typedef struct {
    /* the issuing bodies: one (issuer + signer), or a joint plan's, in the
     * order of the number's codes: the lead first */
    kh_issuer_t *issuers;
    size_t nissuers;
    /* the lead's, for what names the plan (PDF metadata) */
    char *parent, *issuer;
    char *issuer_code;  /* the codes joined with '-', lead first */
    const char *doc_code; /* the template's: doc_code (KH), for a joint
                             plan joint_doc_code (KHLT) */
    bool joint;         /* from `issuers:` (kế hoạch liên tịch) */
    char *number;       /* NULL: draft */
    char *place;
    int year, month, day; /* 0: left blank (a draft) */
    char *title;
    char **recipients;
    size_t nrecipients;
    char **addressees;  /* front matter addressees: ("Kính gửi"), or none */
    size_t naddressees;
    char *archive;
    char *numbering[KH_MAX_LEVELS]; /* per-plan format overrides, or NULL */
    bool run_in_colon;  /* a level ≥ 2 heading ending in ':' runs into the
                           paragraph after it: the plan's run_in_colon, else
                           the template's */
    kh_block_t *blocks;  /* the body, then each appendix's, in reading order */
    size_t nblocks;
    size_t nbody;        /* blocks[0, nbody): the plan's body, printed before
                            the closing (Nơi nhận, signature) */
    kh_appendix_t *appendices; /* printed after the closing, in this order */
    size_t nappendices;
    /* to come: the footnote definitions (plan->footnotes), numbered in
     * order of first reference, each a list of blocks */
    kh_note_t *notes;    /* footnotes, by number (notes[0] is note 1) */
    size_t nnotes;
    /* The frame's printed lines, every word decided (model_frame.c); the
     * layout places them as given. A '\n' in one is the clerk's own line
     * break (a YAML block scalar), kept. */
    kh_frame_issuer_t *header_issuers; /* one per issuer, top down */
    size_t nheader_issuers;
    char *number_line;     /* "Số: 870/KH-SYT", "Số: 42/KHLT-SYT-CĐYT" */
    char *place_date_line; /* "Kon Tum, ngày 27 tháng 5 năm 2025" */
    unsigned char *place_date_breaks; /* as kh_frame_issuer_t's */
    /* signature blocks, one per issuer: signers[0] the lead's (signing on
     * the right of the first row), then the partners' in the order given;
     * the layout pairs them into rows of two (spec appendix-esign.md §2) */
    kh_frame_signer_t *signers;
    size_t nsigners;
    char **recipient_lines; /* "- Bộ Y tế (báo cáo);" …, the last "- Lưu: VT,
                               TCHC." */
    size_t nrecipient_lines; /* nrecipients + 1 */
    char **addressee_lines; /* under the title: "Kính gửi: A." alone, or
                               "Kính gửi:", "- A;" … "- C."; none without
                               addressees */
    size_t naddressee_lines; /* 0, 1, or naddressees + 1 */
    /* A plan issued with a decision (attached_to, PL III Mẫu 1.3;
     * model_marks.c): no Số line, no place-date, no closing; attached_line
     * under the title, the rule under it. */
    bool attached;
    char *attached_line;   /* "(Kèm theo Quyết định số 123/QĐ-UBND ngày 27
                              tháng 5 năm 2025 của Ủy ban nhân dân tỉnh Kon
                              Tum)"; NULL unless attached */
    kh_mark_t secrecy, urgency, circulation;
} kh_plan_t;

/* How welcome a line break is at a gap between words of a header line
 * (plan->header_*_breaks): GOOD after a comma, around " - ", before an
 * administrative unit or a body ("… NHÂN DÂN / TỈNH GIA LAI"); BAD inside
 * a compound or a place's name ("ỦY BAN NHÂN / DÂN", "BÀ / RỊA"); PLAIN
 * elsewhere. */
typedef enum { KH_BREAK_GOOD, KH_BREAK_PLAIN, KH_BREAK_BAD } kh_break_t;

/* True if heading (a cmark-gfm heading node of a file's top level) starts
 * an appendix: level 1, its text beginning "Phụ lục" in any case
 * (model_appendix.c). validate.c restarts its heading numbers there. */
struct cmark_node;
bool kh_appendix_heading(struct cmark_node *heading);

/* If the appendix file f begins with what looks like YAML front matter (a
 * line "---", then a later line "---" or "..."): the line number of its
 * closing line, else 0. An appendix file has none (the plan's front matter
 * covers it): model_appendix.c reports it once (appendix-heading) and
 * validate.c leaves the file's structure unchecked. */
int kh_appendix_front_matter(const kh_source_t *f);

/* Builds the model. Returns NULL with diagnostics on a plan error. */
kh_plan_t *kh_plan_build(const kh_source_t *src, const kh_template_t *tpl,
                         kh_diag_list_t *diags);
void kh_plan_free(kh_plan_t *plan);

/* Formats a heading number: format "{1:I}.{2:1}" with counters[0..5].
 * Styles: I upper Roman, i lower Roman, 1 Arabic, a Vietnamese letters
 * (a b c d đ e g h i k l m n o p q r s t u v x y). Writes into out. */
void kh_number_format(const char *format, const int counters[KH_MAX_LEVELS],
                      char *out, size_t out_size);

/* "Kon Tum, ngày 05 tháng 02 năm 2025"; blanks for a 0 day or month
 * (model_frame.c). Returns a malloc'd string. */
char *kh_date_line(const char *place, int year, int month, int day,
                   const char *blank);

/* label then the number's symbol: "Số: 05/KH-SYT", or "Số: <blank>/KH-SYT"
 * for a draft (label: template header.number_label; model_frame.c).
 * Returns a malloc'd string. */
char *kh_number_line(const char *label, const char *number, const char *doc_code,
                     const char *issuer_code, const char *blank);

/* The number format for a heading level: the plan's override, else the
 * template's, else none (""). */
/* Counts a heading of level (1..KH_MAX_LEVELS) in counters: its level's
 * counter goes up and the deeper ones restart; its number under format
 * goes into out (kh_number_format). Validate and model both count with
 * it, so the number validate checks is the number printed. */
void kh_number_next(int counters[KH_MAX_LEVELS], int level, const char *format,
                    char *out, size_t out_size);

const char *kh_level_format(const kh_template_t *tpl,
                            char *const overrides[KH_MAX_LEVELS], int level);

/* Length of a hand-written heading number at the start of s ("II. ",
 * "I - ", "A. ", "2.1. ", "2.1 ", "3) ", "a) ", "b. "), including the spaces after it; 0
 * if none (a lone "2025 " is a word, not a number). */
size_t kh_heading_number_prefix(const char *s);

#endif
