/* Internals the model's files share (model.c: front matter, text,
 * headings, lists, code, HTML; model_table.c: tables). Not for other
 * stages: they see model.h only. Positions are 1-based file lines and
 * character columns; cmark-gfm's are body lines and byte columns. */
#ifndef KH_MODEL_INTERNAL_H
#define KH_MODEL_INTERNAL_H

#include <cmark-gfm.h>

#include "xml.h"

#include "model.h"

/* The model builder's state for one plan. */
typedef struct {
    const kh_source_t *src;
    const kh_template_t *tpl;
    kh_diag_list_t *diags;
    kh_plan_t *plan;
    bool ok;
    int counters[KH_MAX_LEVELS];
    size_t cap;                 /* of plan->blocks */
    char bullet[512];           /* list items' markers, until a block takes them
                                 * ("- 1. " for an item that opens with a list) */
    unsigned char *covered;     /* per file line: a leaf block of cmark's has it */
    const char **urls;          /* of the links, sorted (cmark owns them) */
    size_t nurls, cap_urls;
    int next_def;               /* first line not yet searched for footnotes */
    bool no_xml;                /* libxml2 could not be loaded (reported once) */
    size_t cap_appendices;      /* of plan->appendices */
    /* footnotes (model_note.c): the definitions of the document being
     * read, in cmark-gfm's order (its reference literal "N" is the Nth),
     * and the plan number each got (0: not referenced yet) */
    cmark_node *note_root;
    cmark_node **note_defs;
    int *note_nums;
    size_t nnote_defs, cap_note_defs;
    size_t cap_notes;           /* of plan->notes */
    cmark_node **note_wait;     /* per note: its definition, read once the
                                   document's references are numbered */
    size_t notes_filled;        /* notes whose text has been read */
    int in_note;                /* > 0 while a note's blocks are read */
} kh_mctx_t;

/* ---- model.c ---- */

/* Where node n starts in the file. */
void kh_mod_node_pos(const kh_mctx_t *c, cmark_node *n, int *line, int *col);
/* A diagnostic with one string argument; an error makes the plan fail. */
void kh_mod_diag(kh_mctx_t *c, int line, int col, kh_severity_t sev,
                 const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* A new block of kind at node at's position, appended to the plan (a
 * waiting list-item marker goes in first: on a paragraph of its own
 * before a table). The pointer lives until the next block is opened. */
kh_block_t *kh_mod_open_at(kh_mctx_t *c, kh_block_kind_t kind, cmark_node *at);
/* kh_mod_open_at at a file position. */
kh_block_t *kh_mod_open(kh_mctx_t *c, kh_block_kind_t kind, int line, int col);
/* The inlines under parent (a node of the plan's own tree) appended to
 * text, each span with style added (bold for a header cell). */
void kh_mod_inlines(kh_mctx_t *c, kh_text_t *text, cmark_node *parent,
                    unsigned style);

/* Appends len bytes of text with a style to t (merging with the last span
 * when the style is the same and neither is a break or a footnote
 * reference; invisible characters dropped). */
void kh_mod_add_span(kh_text_t *t, const char *text, size_t len,
                     unsigned style);
/* Reads the blocks under parent (a footnote definition) into a list of
 * their own instead of the plan's body: *blocks, *nblocks (the caller
 * owns them). The body's waiting list marker is kept for the body. */
void kh_mod_blocks_into(kh_mctx_t *c, cmark_node *parent, kh_block_t **blocks,
                        size_t *nblocks);
/* Frees a block's contents (not the block). */
void kh_mod_block_free(kh_block_t *b);

/* ---- model_note.c ---- */

/* The footnote reference ref (a CMARK_NODE_FOOTNOTE_REFERENCE of a
 * document parsed with CMARK_OPT_FOOTNOTES): appends its number to t as a
 * KH_SPAN_SUP | KH_SPAN_NOTE span (with style added), building the note
 * in plan->notes at its first reference (its text is read when the
 * document's references are all numbered). Inside a note, a reference to
 * a note the text refers to prints its number (no note of its own); any
 * other is printed as typed, with a footnote warning at line:col. */
void kh_mod_note_ref(kh_mctx_t *c, kh_text_t *t, cmark_node *ref,
                     unsigned style, int line, int col);
/* A reference "[^label]" (label: n bytes) in text parsed on its own (an
 * indented paste), looked up among the body's definitions: appended to t
 * as kh_mod_note_ref does, and true; false if the body has none. */
bool kh_mod_note_label(kh_mctx_t *c, kh_text_t *t, const char *label, size_t n,
                       unsigned style, int line, int col);
/* A definition "[^label]:" that cmark-gfm dropped because nothing refers
 * to it, or (dup) because an earlier definition of the same label is the
 * one used, found at line:col (s: the line's text from "[^", n bytes): a
 * footnote warning, since its text does not print (GitHub does not show
 * it either). */
void kh_mod_note_unused(kh_mctx_t *c, int line, int col, const char *s,
                        size_t n, bool dup);
/* Frees the plan's notes. */
void kh_mod_notes_free(kh_plan_t *p);
/* Forgets the per-document definition list (end of the build). */
void kh_mod_notes_done(kh_mctx_t *c);

/* The length of the footnote reference "[^label]" at s (n bytes), or 0
 * when s does not start one (model.c). */
size_t kh_mod_footnote_label(const char *s, size_t n);

/* ---- model_table.c ---- */

/* Appends the table block of a cmark-gfm table node (or an error). */
void kh_mod_table(kh_mctx_t *c, cmark_node *table);
/* Appends the table block of an HTML <table> element (libxml2's node, of
 * the HTML block that starts at file line0:col0), or diagnostics. */
void kh_mod_html_table(kh_mctx_t *c, const kh_xml_t *x, xmlNode *table, int line0,
                       int col0);
/* Frees what a table holds (not the table itself: it is in its block). */
void kh_mod_table_free(kh_table_t *t);
/* True if an HTML node holds text, itself or inside: anything but blanks
 * (spaces, tabs, line ends, no-break spaces). An element without text
 * drops nothing when it is dropped (Word's empty <o:p>): no warning. */
bool kh_mod_xml_has_text(const xmlNode *k);

/* True if n is the cmark-gfm extension node named type ("table",
 * "table_row", "table_header", "table_cell", "strikethrough"): their
 * type numbers are given at run time, their names are the API. */
bool kh_mod_is(cmark_node *n, const char *type);

/* ---- model_appendix.c ---- */

/* A top-level heading n: if it starts an appendix ("# Phụ lục I: …"),
 * opens it (plan->appendices; the headings' counters restart), sets *next
 * to the node after it (and after a landscape comment) and returns true. */
bool kh_mod_appendix(kh_mctx_t *c, cmark_node *n, cmark_node **next);
/* An HTML block anywhere but right after an appendix heading: a landscape
 * comment there is a warning (it has no effect). */
void kh_mod_landscape_misplaced(kh_mctx_t *c, cmark_node *n);
/* A warning (appendix-caption) for a top-level paragraph set as a caption
 * ("**PHỤ LỤC I**", "PHỤ LỤC II: …" in capitals) or a heading of level 2
 * or more ("## Phụ lục II: …") that reads "Phụ lục" as an appendix's
 * heading does: it prints in the body, not as an appendix. */
void kh_mod_appendix_lookalike(kh_mctx_t *c, cmark_node *n);
/* True if the appendix file c->src starts with an appendix heading; else
 * an error (appendix-heading) at its line 1. */
bool kh_mod_appendix_file_start(kh_mctx_t *c);
/* Once every file is read: the appendices' labels and Kèm theo lines (an
 * appendix-issuer error when the issuer's running name is unknown), and
 * the appendix-reference warnings. Sets plan->nbody. c->src: the plan's. */
void kh_mod_appendices_finish(kh_mctx_t *c);
/* Frees plan->appendices. */
void kh_mod_appendices_free(kh_plan_t *p);

/* model_frame.c: sets the plan's header and closing lines (header_issuers
 * … recipient_lines) from its front matter and tpl's spellings; call once
 * the front matter is read without error. */
void kh_mod_frame(kh_plan_t *p, const kh_template_t *tpl);

/* ---- model_marks.c ---- */

/* attached_to (its Kèm theo line) and the marks (urgency, secrecy,
 * circulation), read from the front matter after S_read_front. */
void kh_mod_marks(kh_mctx_t *c);
/* An attached plan's body should end "./." (no signature closes it):
 * a warning otherwise, at the last body block. */
void kh_mod_attached_end(kh_mctx_t *c);
void kh_mod_marks_free(kh_plan_t *p);
/* The issuing bodies as running text writes them: each issuer's
 * full_name, else derived from its name (kh_issuer_running_name); a joint
 * plan's joined "A, B và C" (template appendix.joint_and). NULL if a name
 * cannot be told, with *failed its index in p->issuers (malloc'd;
 * model_appendix.c). */
char *kh_mod_issuer_running(const kh_plan_t *p, const kh_template_t *t, size_t *failed);
/* The front-matter node of p->issuers[i]'s name (issuer.name or the
 * issuers item's), for a diagnostic; NULL if the file has none. */
const kh_node_t *kh_mod_issuer_name_node(const kh_mctx_t *c, const kh_plan_t *p, size_t i);
/* Frees those lines (any of them may be NULL / empty). */
void kh_mod_frame_free(kh_plan_t *p);
/* Frees the n malloc'd strings of v and v itself (v may be NULL when n is
 * 0): the plan's lists of strings (model.c). */
void kh_mod_free_strings(char **v, size_t n);

/* model_esign.c: one signer's images for electronic signing
 * (o->signature_image, seal_image, seal_mm), read from the files its
 * signer mapping sg names (path: "signer" or "issuers item.signer", for
 * messages); an error at the key for one that cannot serve (validate.c has
 * reported it already, but a file may change between). */
void kh_mod_esign_signer(kh_mctx_t *c, const kh_node_t *sg, const char *path,
                         kh_issuer_t *o);

#endif
