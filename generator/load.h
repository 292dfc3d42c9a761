/* Stage 1, load: read a plan file, check its bytes, split the YAML front
 * matter from the Markdown body and parse the front matter into a tree of
 * nodes that remember where they came from. */
#ifndef KH_LOAD_H
#define KH_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef enum { KH_NODE_SCALAR, KH_NODE_SEQ, KH_NODE_MAP } kh_node_kind_t;

/* How a scalar was written: a plain scalar ends where a ' #' comment
 * starts, which is how a value gets silently cut (rule yaml-comment). */
typedef enum {
    KH_STYLE_PLAIN,
    KH_STYLE_SINGLE_QUOTED,
    KH_STYLE_DOUBLE_QUOTED, /* the only style with escapes (\n, \t, \x01) */
    KH_STYLE_BLOCK          /* | or > */
} kh_scalar_style_t;

typedef struct kh_node {
    kh_node_kind_t kind;
    int line, col;   /* 1-based, in the file */
    int end_line, end_col; /* scalars: just past the value (for a block
                            * scalar, where the block ends) */
    char *text;      /* scalars: the value, NFC */
    bool quoted;     /* scalars: written in quotes or as a block */
    kh_scalar_style_t style; /* scalars */
    bool flow;       /* seq/map: written in brackets ([a, b] / {k: v}), where
                      * an unquoted ',' ends the item (rule flow-comma) */
    struct kh_node **kids; /* seq: items; map: key, value, key, value … */
    size_t n;        /* number of kids */
    struct kh_arena *arena; /* the root only: the block every node, text
                             * and kids array of the tree lives in */
} kh_node_t;

typedef struct kh_source {
    char *path;       /* owned copy */
    char *text;       /* whole file, NFC, CRLF folded to LF, BOM removed */
    size_t len;
    kh_node_t *front; /* front matter (a mapping) or NULL */
    const char *body; /* points into text */
    size_t body_len;
    int body_line;    /* file line of the body's first line */
    struct cmark_node *body_doc; /* the body parsed by cmark-gfm */
    size_t *line_starts; /* byte offset of each line in text */
    int nlines;
    /* The files the front matter's `appendices:` names, read by
     * kh_source_load_appendices (Markdown only: body is the whole text,
     * body_line 1, front NULL); owned. */
    struct kh_source *appendix_files;
    size_t nappendix_files;
    bool in_memory;   /* loaded by kh_source_load_mem: names no files */
} kh_source_t;

/* Start of 1-based line in src->text (the end of the text past the last
 * line); *len gets its length without the newline when len is not NULL. */
const char *kh_source_line(const kh_source_t *src, int line, size_t *len);

/* ---- source positions ----
 * A position is a 1-based line and a 1-based column in characters (code
 * points, as editors count them); offsets are bytes into the text. These
 * are the only place that arithmetic is written. */

/* A position walking forward through text: off is a byte offset, line and
 * col its position. */
typedef struct {
    const char *text;
    size_t off;
    int line, col;
} kh_pos_t;

/* Moves pos forward to byte offset to (nothing when to <= pos->off),
 * counting line ends and characters: a scan that reports as it goes stays
 * linear. */
void kh_pos_advance(kh_pos_t *pos, size_t to);

/* The 1-based character column of byte offset byte in 1-based line of src
 * (clamped to the line's end). */
int kh_source_col(const kh_source_t *src, int line, size_t byte);

/* Finds needle[0..n) in src from line:byte (byte: an offset in that line)
 * on, within lines lines, no match spanning a line end. True with *at_line
 * and *at_byte (in its line) set where it starts; false, and nothing set,
 * when it is not there. */
bool kh_source_find(const kh_source_t *src, int line, size_t byte, int lines,
                    const char *needle, size_t n, int *at_line, size_t *at_byte);

/* The byte offset in its line of line:col (col past the line's end: the
 * line's length): the inverse of kh_source_col. */
size_t kh_source_byte(const kh_source_t *src, int line, int col);

/* Parses Markdown as GitHub does: cmark-gfm with its strikethrough and
 * (if tables) table extensions; footnotes not yet. The caller frees the
 * tree (cmark_node_free); never NULL (aborts when out of memory). */
struct cmark_node *kh_markdown_parse(const char *text, size_t len, bool tables);

/* Converts a cmark line number in the body to a file line. */
int kh_source_body_line(const kh_source_t *src, int cmark_line);

/* Reads and splits path. Returns 0, or -1 with diagnostics (a plan error)
 * or -2 (the file could not be read: diagnostics say why). */
int kh_source_load(const char *path, kh_source_t *src, kh_diag_list_t *diags);

/* Same, from memory (the fuzzers and tests use it). */
int kh_source_load_mem(const char *path, const char *data, size_t len,
                       kh_source_t *src, kh_diag_list_t *diags);

void kh_source_free(kh_source_t *src);

/* Reads the Markdown files the front matter's `appendices:` lists (paths
 * relative to the plan's directory) into src->appendix_files, each
 * checked as a plan's text is (a regular file, UTF-8, NFC; files.c) and
 * parsed with the same Markdown reader. A file that cannot be read is an
 * error (rule appendix-file) at its item in the plan; so is any
 * `appendices:` of a plan held in memory (it names no directory).
 * Entries that are not text are left to the schema. Returns the number of
 * errors added. */
size_t kh_source_load_appendices(kh_source_t *src, kh_diag_list_t *diags);

/* Frees the body's cmark tree (body_doc becomes NULL) once the model has
 * been built from it: on a long plan the tree is as big as the text, and
 * the layout and the PDF need neither. */
void kh_source_drop_tree(kh_source_t *src);

/* Parses YAML text (one document) into a node tree. line_offset is added to
 * libyaml's 0-based lines. Aliases are refused (no expansion bombs). A key
 * given twice in one mapping is an error (duplicate-key) at the second,
 * naming the first's line; the tree is still returned (lookups find the
 * first), so that the rest of the file is checked too. */
kh_node_t *kh_yaml_parse(const char *text, size_t len, const char *file,
                         int line_offset, kh_diag_list_t *diags);

/* Reads a YAML file (a template, a schema) into a tree; NULL with
 * diagnostics on any error, a duplicate key included. */
kh_node_t *kh_yaml_load_file(const char *path, kh_diag_list_t *diags);

/* Frees a whole tree, given its root (as kh_yaml_parse and
 * kh_yaml_load_file return it; NULL is fine). The tree's nodes, texts and
 * kids arrays live in one arena owned by the root, so a node inside a tree
 * cannot be freed on its own (nothing happens). */
void kh_node_free(kh_node_t *node);

/* Mapping lookup: the value for key, or NULL. */
kh_node_t *kh_node_get(const kh_node_t *map, const char *key);
/* The key node of that entry (for positions), or NULL. */
kh_node_t *kh_node_key(const kh_node_t *map, const char *key);

#endif
