/* Templates: every layout number of a document type, read from
 * templates/<type>.yaml. The C code holds no layout constants. */
#ifndef KH_TEMPLATE_H
#define KH_TEMPLATE_H

#include <stdbool.h>

#include "diag.h"
#include "font.h"
#include "load.h"

#define KH_MAX_LEVELS 6 /* heading levels; Markdown has six */

typedef enum {
    KH_FONT_REGULAR,
    KH_FONT_BOLD,
    KH_FONT_ITALIC,
    KH_FONT_BOLD_ITALIC,
    KH_FONT_COUNT
} kh_font_style_t;

typedef struct kh_table_widths kh_table_widths_t;

/* A boxed mark of page 1 (template `marks:`, spec appendix-esign.md §5):
 * for an urgency or secrecy value its text as the plan writes it and its
 * fixed box; the circulation note's has text NULL and w_mm 0 (as wide as
 * its text and pad_mm each side). Lengths in mm, size in pt. */
typedef struct {
    char *text;
    double w_mm, h_mm, pad_mm, size;
    bool red;           /* color: red (else black) */
    bool double_border; /* a second border 1 mm inside the first */
} kh_stamp_style_t;

typedef struct {
    char *format; /* "{1:I}." */
    bool bold, italic, upper;
    double space_before_pt;
} kh_heading_style_t;

typedef struct {
    char *name, *doc_name, *doc_code;
    char *joint_doc_code; /* a joint plan's (kế hoạch liên tịch): KHLT */
    double page_w, page_h; /* all lengths below in points */
    double margin_top, margin_bottom, margin_left, margin_right;
    char *font_file[KH_FONT_COUNT]; /* resolved paths */

    double hdr_left_w, hdr_right_w, hdr_shift;
    double parent_size, issuer_size, number_size;
    char *national_title, *motto;
    double national_size, motto_size, place_date_size;
    double issuer_rule_ratio, rule_width, rule_gap, number_gap;
    double joint_gap; /* between a joint plan's stacked header blocks */
    char *draft_blank, *number_label;

    double title_space_before, doc_name_size, title_size, title_rule_ratio,
        title_rule_gap, title_space_after;
    /* "Kính gửi:" under the title's rule (model_frame.c, S_addressees) */
    char *addressee_label;
    double addressee_size, addressee_gap;

    double body_size, line_height, indent, paragraph_after, space_stretch,
        space_shrink;
    char *bullets[3];
    size_t nbullets;

    double table_size, table_padding, table_rule;
    /* pt: the smallest size a table too wide for its page is set at
     * (layout_table.c shrinks it by 0.5 pt steps from table_size, as Word
     * users do, before breaking words); ≤ table_size */
    double table_min_size;
    /* table.widths: fixed column widths for the tables whose first row is
     * header (word for word), mm[k] in mm, 0 = automatic (layout_table.c,
     * colwidth.h). Optional; none by default. */
    struct kh_table_widths {
        char **header;
        double *mm;
        size_t ncols;
    } *table_widths;
    size_t ntable_widths;

    /* Superscript and subscript (<sup>, <sub>, footnote numbers): the
     * normal glyphs scaled, and the baseline raised or lowered, both as a
     * share of the surrounding size. */
    double sup_scale, sup_rise, sub_drop;

    /* Footnotes at the foot of the page, under a short rule (Word's
     * separator): their size, the rule's length and the space between the
     * page's text and the first note (the rule halfway down it). */
    double footnote_size, footnote_rule_len, footnote_gap;

    /* Appendix caption (spec appendix-esign.md §1, PL III Mẫu 2.1):
     * "Phụ lục I" (bold, normal case), the title (bold, upper case),
     * "(Kèm theo Kế hoạch số … ngày … của …)" (italic), a short rule. */
    char *appendix_label, *appendix_attached_doc;
    char *appendix_joint_and; /* between a joint plan's bodies: " và " */
    double appendix_label_size, appendix_title_size, appendix_attached_size,
        appendix_rule_ratio, appendix_rule_gap, appendix_space_after;

    kh_heading_style_t headings[KH_MAX_LEVELS];
    int nheadings;
    bool run_in_colon;

    double closing_space_before, closing_left_w;
    char *closing_label, *archive_prefix;
    /* the closing's spellings (model_frame.c): "- " item ";", the last
     * item "." ; "KT" ". " "GIÁM ĐỐC" */
    char *item_prefix, *item_end, *last_item_end, *authority_separator;
    double label_size, item_size, signer_size, signature_room;

    /* marks: (model_marks.c) the stamps per urgency and secrecy value, the
     * circulation note's box */
    kh_stamp_style_t *urgency_stamps, *secrecy_stamps;
    size_t nurgency_stamps, nsecrecy_stamps;
    kh_stamp_style_t circulation_stamp;

    double page_number_size, page_number_baseline;
    char *skeleton; /* the plan `kehoach new` writes */
    char *pdfa_icc; /* ICC profile for PDF/A output intents */

    char *path;     /* the template file, for diagnostics */
    struct kh_tpos { int line, col; } *where; /* per field, private */
} kh_template_t;

/* Loads templates/<type>.yaml from dir; fonts are looked up in font_dir.
 * Returns NULL with diagnostics on any error. */
kh_template_t *kh_template_load(const char *path, const char *font_dir,
                                kh_diag_list_t *diags);

/* The same from an already parsed YAML tree of the file at path. */
kh_template_t *kh_template_from_tree(const kh_node_t *root, const char *path,
                                     const char *font_dir, kh_diag_list_t *diags);
void kh_template_free(kh_template_t *t);

/* What no single field can say, checked once the template's fonts are
 * loaded (fonts: its four, for glyph heights and widths): the margins leave
 * a text block of sane size (80 × 100 mm at least); the header's columns
 * and the page number stay 8 mm inside the paper (issue 9's printable
 * area); the closing's left column leaves 50 mm for the signature, and the
 * signature block fits in the text block's height; the first-line indent
 * is less than half the text width; lines line_height × size apart do not
 * overlap in these fonts; the motto fits on one line in the right header
 * column (the rule under it is as wide as the motto). Each problem is an
 * error (rule template) at the field to change. Returns true when none. */
bool kh_template_check(const kh_template_t *t, kh_font_t *fonts[KH_FONT_COUNT],
                       kh_diag_list_t *diags);

#endif
