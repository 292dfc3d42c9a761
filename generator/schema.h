/* Schemas: a documented subset of JSON Schema, written in YAML (see
 * docs/schema.md), checked against the node trees load.c builds. Used for
 * plan front matter and for templates. */
#ifndef KH_SCHEMA_H
#define KH_SCHEMA_H

#include "diag.h"
#include "load.h"

typedef struct kh_schema kh_schema_t;

/* Reads and compiles a schema file (patterns are compiled once, here).
 * NULL with diagnostics when the schema itself is malformed. */
kh_schema_t *kh_schema_load(const char *path, kh_diag_list_t *diags);
void kh_schema_free(kh_schema_t *schema);

/* Checks a document against the schema, reporting at each node's
 * position; root_line is where a missing top-level key is reported.
 * Skips positions that already carry an error (a rule that explained the
 * problem better ran first). */
void kh_schema_check(const kh_schema_t *schema, const kh_node_t *doc,
                     const char *file, int root_line, kh_diag_list_t *diags);

/* Walking a schema beside a document: the schema of a mapping's key
 * (key) or of a list's items (key NULL); NULL where the schema says
 * nothing. kh_schema_enum: the value must be one of a fixed list, so it is
 * checked whole (nothing can be cut from it unseen). kh_schema_single_line:
 * the layout prints the value on one line (x-single-line). */
typedef struct kh_snode kh_schema_node_t;
const kh_schema_node_t *kh_schema_root(const kh_schema_t *schema);
const kh_schema_node_t *kh_schema_child(const kh_schema_node_t *node,
                                        const char *key);
bool kh_schema_enum(const kh_schema_node_t *node);
bool kh_schema_single_line(const kh_schema_node_t *node);

/* Levenshtein distance, for "did you mean" (bounded: stops past max). */
size_t kh_edit_distance(const char *a, const char *b, size_t max);

/* True if s is a real calendar date YYYY-MM-DD; partial allows YYYY and
 * YYYY-MM too. */
bool kh_date_valid(const char *s, bool partial);

/* The number of days in month (1..12) of year, Gregorian leap years. */
int kh_days_in_month(int year, int month);

#endif
