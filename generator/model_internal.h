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
} kh_mctx_t;

/* ---- model.c ---- */

/* The character column of byte offset byte in file line line. */
int kh_mod_char_col(const kh_mctx_t *c, int line, size_t byte);
/* Where node n starts in the file. */
void kh_mod_node_pos(const kh_mctx_t *c, cmark_node *n, int *line, int *col);
/* A diagnostic with one string argument; an error makes the plan fail. */
void kh_mod_diag(kh_mctx_t *c, int line, int col, kh_severity_t sev,
                 const char *rule, const char *fmt, const char *arg);
/* A new block of kind at node at's position, appended to the plan (a
 * waiting list-item marker goes in first: on a paragraph of its own
 * before a table). The pointer lives until the next block is opened. */
kh_block_t *kh_mod_open_at(kh_mctx_t *c, kh_block_kind_t kind, cmark_node *at);
/* kh_mod_open_at at a file position. */
kh_block_t *kh_mod_open(kh_mctx_t *c, kh_block_kind_t kind, int line, int col);
/* Appends len bytes of s to text in style (joined to the last span when
 * the style is the same; invisible characters dropped). */
void kh_mod_add_span(kh_text_t *text, const char *s, size_t len, unsigned style);
/* The inlines under parent (a node of the plan's own tree) appended to
 * text, each span with style added (bold for a header cell). */
void kh_mod_inlines(kh_mctx_t *c, kh_text_t *text, cmark_node *parent,
                    unsigned style);

/* ---- model_table.c ---- */

/* Appends the table block of a cmark-gfm table node (or an error). */
void kh_mod_table(kh_mctx_t *c, cmark_node *table);
/* Appends the table block of an HTML <table> element (libxml2's node, of
 * the HTML block that starts at file line0:col0), or diagnostics. */
void kh_mod_html_table(kh_mctx_t *c, const kh_xml_t *x, xmlNode *table, int line0,
                       int col0);
/* Frees what a table holds (not the table itself: it is in its block). */
void kh_mod_table_free(kh_table_t *t);

/* True if n is the cmark-gfm extension node named type ("table",
 * "table_row", "table_header", "table_cell", "strikethrough"): their
 * type numbers are given at run time, their names are the API. */
bool kh_mod_is(cmark_node *n, const char *type);

#endif
