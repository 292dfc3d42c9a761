/* Schema checking.
 *
 * A schema file is compiled once into a tree of kh_snode_t (types as a bit
 * mask, properties, required keys, enum values, compiled PCRE2 patterns,
 * length and item bounds, formats). Checking walks the schema and the
 * document together. YAML scalars carry no type of their own here: a plain
 * 870 counts as an integer and as a string, a quoted "870" only as a
 * string, so `type: integer` means "written as a bare number". */
#include "schema.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

enum {
    T_OBJECT = 1,
    T_ARRAY = 2,
    T_STRING = 4,
    T_INTEGER = 8,
    T_NUMBER = 16,
    T_BOOLEAN = 32,
    T_NULL = 64
};
enum { FMT_NONE, FMT_DATE, FMT_PARTIAL_DATE };

typedef struct kh_snode kh_snode_t;
typedef struct {
    char *name;
    kh_snode_t *schema;
} kh_sprop_t;

struct kh_snode {
    unsigned types; /* 0: any */
    char **required;
    size_t nrequired;
    char **optional_with; /* x-optional-with: pairs (present key, required key
                             it makes optional), 2 × noptional_with entries */
    size_t noptional_with;
    kh_sprop_t *props;
    size_t nprops;
    bool closed; /* additionalProperties: false */
    char **enums;
    size_t nenums;
    pcre2_code *pattern;
    char *pattern_src, *message;
    long min_len, max_len, min_items, max_items; /* -1: none */
    double minimum, maximum; /* numbers, when has_min / has_max */
    bool has_min, has_max, excl_min, excl_max;
    bool single_line; /* x-single-line: true */
    bool names;       /* x-names: true: an array of names (rule flow-comma) */
    int format;
    kh_snode_t *items;
    char *same_as;          /* x-same-as: "issuer.name", a root path */
    const kh_snode_t *ref;  /* ... resolved after compiling: checked as it */
};

struct kh_schema {
    kh_snode_t *root;
    pcre2_match_data *match;
};

typedef struct {
    const char *file;
    kh_diag_list_t *diags;
    bool ok;
} kh_sload_t;

static void S_bad(kh_sload_t *c, const kh_node_t *at, const char *what)
{
    kh_diag_add(c->diags, c->file, at ? at->line : 0, at ? at->col : 0,
                KH_SEV_ERROR, "schema", "invalid schema: %s", what);
    c->ok = false;
}

static unsigned S_type_bit(const char *name)
{
    static const struct { const char *n; unsigned b; } T[] = {
        {"object", T_OBJECT}, {"array", T_ARRAY}, {"string", T_STRING},
        {"integer", T_INTEGER}, {"number", T_NUMBER}, {"boolean", T_BOOLEAN},
        {"null", T_NULL}};
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++)
        if (!strcmp(name, T[i].n))
            return T[i].b;
    return 0;
}

static char **S_strings(kh_sload_t *c, const kh_node_t *n, size_t *count)
{
    if (!n || n->kind != KH_NODE_SEQ) {
        S_bad(c, n, "expected a list of strings");
        return NULL;
    }
    char **out = calloc(n->n + 1, sizeof *out);
    if (!out)
        abort();
    for (size_t i = 0; i < n->n; i++) {
        if (n->kids[i]->kind != KH_NODE_SCALAR)
            S_bad(c, n->kids[i], "expected a string");
        else
            out[(*count)++] = kh_strdup(n->kids[i]->text);
    }
    return out;
}

static long S_int(kh_sload_t *c, const kh_node_t *n)
{
    if (!n)
        return -1;
    char *end;
    long v = n->kind == KH_NODE_SCALAR ? strtol(n->text, &end, 10) : -1;
    if (n->kind != KH_NODE_SCALAR || *end || v < 0) {
        S_bad(c, n, "expected a whole number >= 0");
        return -1;
    }
    return v;
}

static void S_compile_pattern(kh_sload_t *c, kh_snode_t *s, const kh_node_t *p)
{
    if (p->kind != KH_NODE_SCALAR) {
        S_bad(c, p, "pattern must be a string");
        return;
    }
    int err;
    PCRE2_SIZE off;
    s->pattern = pcre2_compile((PCRE2_SPTR)p->text, PCRE2_ZERO_TERMINATED,
                               PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);
    if (!s->pattern) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(err, msg, sizeof msg);
        char what[256];
        snprintf(what, sizeof what, "pattern at offset %zu: %s", (size_t)off,
                 (char *)msg);
        S_bad(c, p, what);
        return;
    }
    s->pattern_src = kh_strdup(p->text);
}

/* Schema keys this reader knows; anything else is a mistake in the schema. */
/* The schema keywords; S_compile reads a schema mapping's keys once into
 * a table indexed by these, instead of one mapping search per keyword. */
enum {
    KW_TYPE, KW_REQUIRED, KW_PROPERTIES, KW_ADDITIONAL, KW_ENUM, KW_PATTERN,
    KW_MIN_LENGTH, KW_MAX_LENGTH, KW_ITEMS, KW_MIN_ITEMS, KW_MAX_ITEMS,
    KW_FORMAT, KW_DESCRIPTION, KW_MESSAGE, KW_MINIMUM, KW_MAXIMUM,
    KW_EXCL_MINIMUM, KW_EXCL_MAXIMUM, KW_SINGLE_LINE, KW_OPTIONAL_WITH,
    KW_SAME_AS, KW_NAMES, KW_COUNT
};

static const char *const kh_schema_keys[KW_COUNT + 1] = {
    [KW_TYPE] = "type", [KW_REQUIRED] = "required",
    [KW_PROPERTIES] = "properties", [KW_ADDITIONAL] = "additionalProperties",
    [KW_ENUM] = "enum", [KW_PATTERN] = "pattern",
    [KW_MIN_LENGTH] = "minLength", [KW_MAX_LENGTH] = "maxLength",
    [KW_ITEMS] = "items", [KW_MIN_ITEMS] = "minItems",
    [KW_MAX_ITEMS] = "maxItems", [KW_FORMAT] = "format",
    [KW_DESCRIPTION] = "description", [KW_MESSAGE] = "x-message",
    [KW_MINIMUM] = "minimum", [KW_MAXIMUM] = "maximum",
    [KW_EXCL_MINIMUM] = "exclusiveMinimum",
    [KW_EXCL_MAXIMUM] = "exclusiveMaximum",
    [KW_SINGLE_LINE] = "x-single-line", [KW_OPTIONAL_WITH] = "x-optional-with",
    [KW_SAME_AS] = "x-same-as", [KW_NAMES] = "x-names", [KW_COUNT] = NULL};

static kh_snode_t *S_compile(kh_sload_t *c, const kh_node_t *n, int depth);

static void S_compile_types(kh_sload_t *c, kh_snode_t *s, const kh_node_t *t)
{
    if (t->kind == KH_NODE_SCALAR) {
        if (!(s->types = S_type_bit(t->text)))
            S_bad(c, t, "unknown type");
        return;
    }
    for (size_t i = 0; t->kind == KH_NODE_SEQ && i < t->n; i++) {
        unsigned b = t->kids[i]->kind == KH_NODE_SCALAR ? S_type_bit(t->kids[i]->text) : 0;
        if (!b)
            S_bad(c, t->kids[i], "unknown type");
        s->types |= b;
    }
}

static void S_compile_props(kh_sload_t *c, kh_snode_t *s, const kh_node_t *p,
                            int depth)
{
    if (p->kind != KH_NODE_MAP) {
        S_bad(c, p, "properties must be a mapping");
        return;
    }
    s->props = calloc(p->n / 2 + 1, sizeof *s->props);
    if (!s->props)
        abort();
    for (size_t i = 0; i + 1 < p->n; i += 2) {
        kh_sprop_t *pr = &s->props[s->nprops++];
        pr->name = kh_strdup(p->kids[i]->kind == KH_NODE_SCALAR ? p->kids[i]->text : "");
        pr->schema = S_compile(c, p->kids[i + 1], depth + 1);
    }
}

/* A bound (minimum, exclusiveMaximum …): *set tells whether it was given. */
static double S_bound(kh_sload_t *c, const kh_node_t *n, bool *set)
{
    char *end;
    double v = n && n->kind == KH_NODE_SCALAR ? strtod(n->text, &end) : 0;
    *set = false;
    if (!n)
        return 0;
    if (n->kind != KH_NODE_SCALAR || !n->text[0] || *end) {
        S_bad(c, n, "expected a number");
        return 0;
    }
    *set = true;
    return v;
}

/* minimum / exclusiveMinimum (one of them) and likewise for the maximum. */
static void S_compile_bounds(kh_sload_t *c, kh_snode_t *s, const kh_node_t *n,
                             const kh_node_t *const kw[KW_COUNT])
{
    bool a, b;
    double lo = S_bound(c, kw[KW_MINIMUM], &a);
    double xlo = S_bound(c, kw[KW_EXCL_MINIMUM], &b);
    if (a && b)
        S_bad(c, n, "give minimum or exclusiveMinimum, not both");
    s->has_min = a || b, s->excl_min = b, s->minimum = b ? xlo : lo;
    double hi = S_bound(c, kw[KW_MAXIMUM], &a);
    double xhi = S_bound(c, kw[KW_EXCL_MAXIMUM], &b);
    if (a && b)
        S_bad(c, n, "give maximum or exclusiveMaximum, not both");
    s->has_max = a || b, s->excl_max = b, s->maximum = b ? xhi : hi;
}

/* x-optional-with: {KEY: [A, B]}: when KEY is present, the required keys
 * A and B are not (a plan issued with a decision, attached_to, has no
 * place, date, Nơi nhận or signer of its own: spec appendix-esign.md §1,
 * PL III Mẫu 1.3). Stored as pairs (KEY, A), (KEY, B). */
static void S_compile_optional_with(kh_sload_t *c, kh_snode_t *s, const kh_node_t *v)
{
    if (v->kind != KH_NODE_MAP) {
        S_bad(c, v, "x-optional-with must map a key to the required keys it makes optional");
        return;
    }
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        size_t n = 0;
        char **names = S_strings(c, v->kids[i + 1], &n);
        char **g = realloc(s->optional_with,
                           (2 * (s->noptional_with + n) + 1) * sizeof *g);
        if (!g)
            abort();
        s->optional_with = g;
        for (size_t k = 0; k < n; k++) {
            g[2 * s->noptional_with] = kh_strdup(v->kids[i]->text);
            g[2 * s->noptional_with + 1] = names[k];
            s->noptional_with++;
        }
        free(names);
    }
}

/* kw: the value of each keyword in mapping n (NULL: not given). */
static void S_compile_keys(kh_sload_t *c, kh_snode_t *s, const kh_node_t *n,
                           const kh_node_t *const kw[KW_COUNT], int depth)
{
    const kh_node_t *v;
    S_compile_bounds(c, s, n, kw);
    if ((v = kw[KW_SINGLE_LINE]))
        s->single_line = v->kind == KH_NODE_SCALAR && !strcmp(v->text, "true");
    if ((v = kw[KW_NAMES]))
        s->names = v->kind == KH_NODE_SCALAR && !strcmp(v->text, "true");
    if ((v = kw[KW_TYPE]))
        S_compile_types(c, s, v);
    if ((v = kw[KW_REQUIRED]))
        s->required = S_strings(c, v, &s->nrequired);
    if ((v = kw[KW_PROPERTIES]))
        S_compile_props(c, s, v, depth);
    if ((v = kw[KW_OPTIONAL_WITH]))
        S_compile_optional_with(c, s, v);
    if ((v = kw[KW_ADDITIONAL]))
        s->closed = v->kind == KH_NODE_SCALAR && !strcmp(v->text, "false");
    if ((v = kw[KW_ENUM]))
        s->enums = S_strings(c, v, &s->nenums);
    if ((v = kw[KW_PATTERN]))
        S_compile_pattern(c, s, v);
    if ((v = kw[KW_MESSAGE]) && v->kind == KH_NODE_SCALAR)
        s->message = kh_strdup(v->text);
    s->min_len = S_int(c, kw[KW_MIN_LENGTH]);
    s->max_len = S_int(c, kw[KW_MAX_LENGTH]);
    s->min_items = S_int(c, kw[KW_MIN_ITEMS]);
    s->max_items = S_int(c, kw[KW_MAX_ITEMS]);
    if ((v = kw[KW_FORMAT])) {
        if (v->kind == KH_NODE_SCALAR && !strcmp(v->text, "date"))
            s->format = FMT_DATE;
        else if (v->kind == KH_NODE_SCALAR && !strcmp(v->text, "partial-date"))
            s->format = FMT_PARTIAL_DATE;
        else
            S_bad(c, v, "format must be date or partial-date");
    }
    if ((v = kw[KW_ITEMS]))
        s->items = S_compile(c, v, depth + 1);
    if ((v = kw[KW_SAME_AS])) {
        if (v->kind != KH_NODE_SCALAR || n->n != 2)
            S_bad(c, v, "x-same-as is a path (issuer.name) and the only key");
        else
            s->same_as = kh_strdup(v->text);
    }
}

static kh_snode_t *S_compile(kh_sload_t *c, const kh_node_t *n, int depth)
{
    kh_snode_t *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->min_len = s->max_len = s->min_items = s->max_items = -1;
    if (depth > 32 || !n || n->kind != KH_NODE_MAP) {
        S_bad(c, n, depth > 32 ? "nested too deep" : "a schema is a mapping");
        return s;
    }
    const kh_node_t *kw[KW_COUNT] = {0};
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const char *k = n->kids[i]->kind == KH_NODE_SCALAR ? n->kids[i]->text : "";
        size_t j = 0;
        while (kh_schema_keys[j] && strcmp(kh_schema_keys[j], k))
            j++;
        if (!kh_schema_keys[j])
            S_bad(c, n->kids[i], "unknown schema keyword");
        else if (!kw[j]) /* the first, as kh_node_get would find */
            kw[j] = n->kids[i + 1];
    }
    S_compile_keys(c, s, n, kw, depth);
    return s;
}

static void S_free_node(kh_snode_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nrequired; i++)
        free(s->required[i]);
    free(s->required);
    for (size_t i = 0; i < 2 * s->noptional_with; i++)
        free(s->optional_with[i]);
    free(s->optional_with);
    for (size_t i = 0; i < s->nprops; i++) {
        free(s->props[i].name);
        S_free_node(s->props[i].schema);
    }
    free(s->props);
    for (size_t i = 0; i < s->nenums; i++)
        free(s->enums[i]);
    free(s->enums);
    pcre2_code_free(s->pattern);
    free(s->pattern_src);
    free(s->message);
    S_free_node(s->items);
    free(s->same_as);
    free(s);
}

/* Follows x-same-as: the schema a borrowing node stands for. */
static const kh_snode_t *S_deref(const kh_snode_t *s)
{
    return s && s->ref ? s->ref : s;
}

/* Resolves every x-same-as under s against the root: a dotted path of
 * property names ("issuer.name", "signer"), so one fact (the joint
 * plan's issuers repeat the issuer's and the signer's fields) is written
 * once in the schema. The target must not itself borrow. */
static void S_resolve(kh_sload_t *c, kh_snode_t *root, kh_snode_t *s,
                      const kh_node_t *at)
{
    if (!s)
        return;
    if (s->same_as) {
        const kh_snode_t *t = root;
        char *path = kh_strdup(s->same_as), *save = NULL;
        for (char *k = strtok_r(path, ".", &save); k && t; k = strtok_r(NULL, ".", &save)) {
            const kh_snode_t *next = NULL;
            for (size_t i = 0; i < t->nprops && !next; i++)
                if (!strcmp(t->props[i].name, k))
                    next = t->props[i].schema;
            t = next;
        }
        free(path);
        if (!t || t->same_as || t == s)
            S_bad(c, at, "x-same-as names no schema of its own");
        s->ref = t;
    }
    for (size_t i = 0; i < s->nprops; i++)
        S_resolve(c, root, s->props[i].schema, at);
    S_resolve(c, root, s->items, at);
}

kh_schema_t *kh_schema_load(const char *path, kh_diag_list_t *diags)
{
    kh_node_t *doc = kh_yaml_load_file(path, diags);
    if (!doc)
        return NULL;
    kh_sload_t c = {path, diags, true};
    kh_schema_t *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->root = S_compile(&c, doc, 0);
    S_resolve(&c, s->root, s->root, doc);
    kh_node_free(doc);
    s->match = pcre2_match_data_create(16, NULL);
    if (!c.ok || !s->match) {
        kh_schema_free(s);
        return NULL;
    }
    return s;
}

const kh_schema_node_t *kh_schema_root(const kh_schema_t *schema)
{
    return schema ? schema->root : NULL;
}

const kh_schema_node_t *kh_schema_child(const kh_schema_node_t *n, const char *key)
{
    if (!n)
        return NULL;
    n = S_deref(n);
    if (!key)
        return S_deref(n->items);
    for (size_t i = 0; i < n->nprops; i++)
        if (!strcmp(n->props[i].name, key))
            return S_deref(n->props[i].schema);
    return NULL;
}

bool kh_schema_enum(const kh_schema_node_t *n)
{
    return n && n->nenums > 0;
}

bool kh_schema_single_line(const kh_schema_node_t *n)
{
    return n && n->single_line;
}

void kh_schema_free(kh_schema_t *s)
{
    if (!s)
        return;
    S_free_node(s->root);
    pcre2_match_data_free(s->match);
    free(s);
}

/* ---- checking ---- */

size_t kh_edit_distance(const char *a, const char *b, size_t max)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return max + 1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best = row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            if (up + 1 < v)
                v = up + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
    }
    return row[lb];
}

int kh_days_in_month(int year, int month)
{
    static const int D[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : D[month - 1];
}

bool kh_date_valid(const char *s, bool partial)
{
    int y = 0, m = 0, d = 0, n = 0;
    size_t len = strlen(s);
    if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10)
        return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 &&
               d <= kh_days_in_month(y, m) && isdigit((unsigned char)s[5]) &&
               isdigit((unsigned char)s[8]);
    if (!partial)
        return false;
    if (len == 7 && sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7)
        return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && isdigit((unsigned char)s[5]);
    if (len == 4 && sscanf(s, "%4d%n", &y, &n) == 1 && n == 4)
        return y >= 1900 && y <= 2999;
    return false;
}

typedef struct {
    const kh_schema_t *schema;
    const char *file;
    kh_diag_list_t *diags;
} kh_check_t;

static void S_err(kh_check_t *c, const kh_node_t *at, const char *rule,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void S_err(kh_check_t *c, const kh_node_t *at, const char *rule,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_diag_addv(c->diags, c->file, at->line, at->col, KH_SEV_ERROR, rule, fmt, ap);
    va_end(ap);
}

static bool S_is_null(const kh_node_t *n)
{
    return n->kind == KH_NODE_SCALAR && !n->quoted &&
           (!n->text[0] || !strcmp(n->text, "~") || !strcmp(n->text, "null"));
}

/* The types a node can be read as. */
static unsigned S_node_types(const kh_node_t *n)
{
    if (n->kind == KH_NODE_MAP)
        return T_OBJECT;
    if (n->kind == KH_NODE_SEQ)
        return T_ARRAY;
    if (S_is_null(n))
        return T_NULL;
    if (n->quoted)
        return T_STRING;
    unsigned t = T_STRING;
    const char *s = n->text;
    char *end;
    if (!strcmp(s, "true") || !strcmp(s, "false"))
        t |= T_BOOLEAN;
    long long iv = strtoll(s, &end, 10);
    (void)iv;
    if (*s && !*end)
        t |= T_INTEGER | T_NUMBER;
    else if (*s && (strtod(s, &end), !*end))
        t |= T_NUMBER;
    return t;
}

static const char *S_type_words(unsigned types)
{
    if (types == T_OBJECT)
        return _("a mapping (key: value lines)");
    if (types == T_ARRAY)
        return _("a list ('- ' items)");
    if (types & T_STRING)
        return _("text");
    if (types & T_INTEGER)
        return _("a whole number");
    if (types & T_NUMBER)
        return _("a number");
    if (types & T_BOOLEAN)
        return _("true or false");
    return _("empty");
}

static void S_check(kh_check_t *c, const kh_snode_t *s, const kh_node_t *n,
                    const char *path);

/* True if mapping n has the key k[0..len) (k need not end there); as
 * kh_node_get, without first copying the key out. */
static bool S_has_key(const kh_node_t *n, const char *k, size_t len)
{
    for (size_t i = 0; n->kind == KH_NODE_MAP && i + 1 < n->n; i += 2) {
        const kh_node_t *key = n->kids[i];
        if (key->kind == KH_NODE_SCALAR && !strncmp(key->text, k, len) &&
            !key->text[len])
            return true;
    }
    return false;
}

/* out (cap bytes) = path "." key, or key alone under the root; cut at
 * cap - 1 bytes as snprintf would. Every property checked gets one, so
 * this is a copy, not a formatted print. */
static void S_sub_path(char *out, size_t cap, const char *path, const char *key)
{
    size_t at = 0;
    const char *parts[] = {path, *path ? "." : "", key};
    for (size_t p = 0; p < 3; p++) {
        size_t len = strlen(parts[p]);
        if (len > cap - 1 - at)
            len = cap - 1 - at;
        memcpy(out + at, parts[p], len);
        at += len;
    }
    out[at] = '\0';
}

static void S_check_object(kh_check_t *c, const kh_snode_t *s,
                           const kh_node_t *n, const char *path)
{
    char sub[256];
    for (size_t i = 0; i < s->nrequired; i++) {
        /* "issuer|issuers": any one of the keys will do; the first is
         * named when none is there */
        const char *req = s->required[i];
        size_t first = strcspn(req, "|");
        bool found = false;
        for (const char *k = req; *k && !found; k += *k == '|') {
            size_t len = strcspn(k, "|");
            found = S_has_key(n, k, len < 127 ? len : 127);
            k += len;
        }
        if (found)
            continue;
        bool optional = false;
        for (size_t k = 0; k < s->noptional_with && !optional; k++)
            optional = !strcmp(s->optional_with[2 * k + 1], s->required[i]) &&
                       kh_node_get(n, s->optional_with[2 * k]);
        if (optional)
            continue;
        snprintf(sub, sizeof sub, "%s%s%.*s", path, *path ? "." : "", (int)first, req);
        S_err(c, n, "required", "missing '%s'", sub);
    }
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const kh_node_t *k = n->kids[i];
        const char *key = k->kind == KH_NODE_SCALAR ? k->text : "";
        const kh_snode_t *ps = NULL;
        for (size_t j = 0; j < s->nprops && !ps; j++)
            if (!strcmp(s->props[j].name, key))
                ps = s->props[j].schema;
        S_sub_path(sub, sizeof sub, path, key);
        if (ps) {
            S_check(c, ps, n->kids[i + 1], sub);
            continue;
        }
        if (!s->closed)
            continue;
        const char *best = NULL;
        size_t best_d = 3;
        for (size_t j = 0; j < s->nprops; j++) {
            size_t d = kh_edit_distance(key, s->props[j].name, 2);
            if (d < best_d)
                best_d = d, best = s->props[j].name;
        }
        char hint[160] = "";
        if (best)
            snprintf(hint, sizeof hint, _(" (did you mean '%s'?)"), best);
        S_err(c, k, "unknown-key", "unknown key '%s'%s", sub, hint);
    }
}

/* True if text opens with a lower-case letter: one whose upper case
 * differs from it ("thị xã", "ủy ban"; not "UBND", "3", "(a)"). */
static bool S_opens_lower(const char *text)
{
    size_t i = 0, n = strlen(text);
    if (!n)
        return false;
    uint32_t cp = kh_utf8_next(text, n, &i);
    char one[8] = {0};
    kh_utf8_encode(cp, one);
    char *up = kh_text_upper(one);
    bool lower = strcmp(up, one) != 0;
    free(up);
    return lower;
}

/* A list of names written on one line, [a, b, c] (a flow sequence): an
 * unquoted ',' ends an item there, so "UBND các huyện, thị xã, thành phố"
 * silently becomes three recipients. The names these lists hold (bodies,
 * offices) open with a capital, so an item opening lower case is most
 * likely the tail of a name cut at its comma: a warning at that item.
 * Quoted items and block lists ("- …" lines) keep their commas. */
static void S_flow_commas(kh_check_t *c, const kh_node_t *n, const char *path)
{
    for (size_t i = 1; i < n->n; i++) {
        const kh_node_t *it = n->kids[i];
        if (it->kind == KH_NODE_SCALAR && it->style == KH_STYLE_PLAIN &&
            S_opens_lower(it->text))
            kh_diag_add(c->diags, c->file, it->line, it->col, KH_SEV_WARNING,
                        "flow-comma",
                        "'%s' item '%.60s' opens lower case: in a one-line […] "
                        "list an unquoted ',' ends an item, so this is likely the "
                        "tail of the name before it; quote that name (\"UBND các "
                        "huyện, thị xã\") or write the list as '- …' lines",
                        path, it->text);
    }
}

static void S_check_array(kh_check_t *c, const kh_snode_t *s,
                          const kh_node_t *n, const char *path)
{
    if (s->names && n->flow)
        S_flow_commas(c, n, path);
    if (s->min_items >= 0 && (long)n->n < s->min_items)
        S_err(c, n, "items", "'%s' needs at least %ld item(s)", path, s->min_items);
    if (s->max_items >= 0 && (long)n->n > s->max_items)
        S_err(c, n, "items", "'%s' takes at most %ld item(s)", path, s->max_items);
    if (!s->items)
        return;
    char sub[256];
    snprintf(sub, sizeof sub, "%s item", path);
    for (size_t i = 0; i < n->n; i++)
        S_check(c, s->items, n->kids[i], sub);
}

/* True if s has nothing to print: only spaces, line ends, tabs, other
 * Unicode spaces (no-break, ideographic …) and the invisible characters
 * the model drops (zero-width space, soft hyphen …). */
static bool S_blank(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp = kh_utf8_next(s, n, &i);
        if (!kh_space(cp) && !kh_invisible_name(cp))
            return false;
    }
    return true;
}

/* A number outside the schema's bounds: the message says the bound. */
static void S_check_range(kh_check_t *c, const kh_snode_t *s,
                          const kh_node_t *n, const char *path)
{
    double v = strtod(n->text, NULL);
    if (s->has_min && (s->excl_min ? !(v > s->minimum) : !(v >= s->minimum)))
        kh_diag_add(c->diags, c->file, n->line, n->col, KH_SEV_ERROR, "range",
                    s->excl_min ? N_("'%s' must be greater than %g, not %.40s")
                                : N_("'%s' must be at least %g, not %.40s"),
                    path, s->minimum, n->text);
    else if (s->has_max && (s->excl_max ? !(v < s->maximum) : !(v <= s->maximum)))
        kh_diag_add(c->diags, c->file, n->line, n->col, KH_SEV_ERROR, "range",
                    s->excl_max ? N_("'%s' must be less than %g, not %.40s")
                                : N_("'%s' must be at most %g, not %.40s"),
                    path, s->maximum, n->text);
}

static void S_check_scalar(kh_check_t *c, const kh_snode_t *s,
                           const kh_node_t *n, const char *path)
{
    const char *t = n->text;
    /* minLength >= 1 means text is required: spaces alone are not text,
     * and would print as nothing */
    if (s->min_len >= 1 && S_blank(t)) {
        S_err(c, n, "blank", "'%s' is blank: it needs text", path);
        return;
    }
    if (s->single_line && strchr(t, '\n')) {
        S_err(c, n, "newline", "'%s' is printed on one line and cannot hold a "
              "line break: write it on one line", path);
        return;
    }
    if ((s->has_min || s->has_max) && (S_node_types(n) & T_NUMBER))
        S_check_range(c, s, n, path);
    if (s->nenums) {
        size_t i = 0;
        while (i < s->nenums && strcmp(s->enums[i], t))
            i++;
        if (i == s->nenums) {
            kh_buf_t b = {0};
            for (size_t k = 0; k < s->nenums; k++)
                kh_buf_printf(&b, "%s%s", k ? ", " : "", s->enums[k]);
            kh_diag_add(c->diags, c->file, n->line, n->col, KH_SEV_ERROR, "enum",
                        "'%s' must be one of %s, not '%.60s'", path, b.data, t);
            kh_buf_free(&b);
            return;
        }
    }
    size_t chars = kh_utf8_length(t, strlen(t));
    if (s->min_len >= 0 && (long)chars < s->min_len)
        S_err(c, n, "length", "'%s' is too short (at least %ld characters)", path,
              s->min_len);
    if (s->max_len >= 0 && (long)chars > s->max_len)
        S_err(c, n, "length", "'%s' is too long (at most %ld characters)", path,
              s->max_len);
    if (s->pattern && pcre2_match(s->pattern, (PCRE2_SPTR)t, strlen(t), 0, 0,
                                  c->schema->match, NULL) < 0) {
        if (s->message)
            /* x-message is a message id too: `make pot` extracts it from
             * the schemas' YAML into po/kehoach.pot */
            S_err(c, n, "pattern", "'%s': %s", path, gettext(s->message));
        else
            S_err(c, n, "pattern", "'%s' does not match the pattern %s", path,
                  s->pattern_src);
    }
    if (s->format && !kh_date_valid(t, s->format == FMT_PARTIAL_DATE))
        S_err(c, n, "date",
              s->format == FMT_PARTIAL_DATE
                  ? N_("'%s' must be a real date YYYY-MM-DD (drafts: YYYY-MM or YYYY), not '%s'")
                  : N_("'%s' must be a real date YYYY-MM-DD, not '%s'"),
              path, t);
}

static void S_check(kh_check_t *c, const kh_snode_t *s, const kh_node_t *n,
                    const char *path)
{
    s = S_deref(s);
    unsigned have = S_node_types(n);
    /* `title:` with nothing after it: blank, like `title: "  "` */
    if (have == T_NULL && !n->text[0] && (s->types & T_STRING) &&
        !(s->types & T_NULL) && s->min_len >= 1) {
        S_err(c, n, "blank", "'%s' is blank: it needs text", path);
        return;
    }
    if (s->types && !(have & s->types)) {
        /* a rule may have explained this node already (recipient-mapping) */
        if (!kh_diag_has_error_at(c->diags, n->line, n->col))
            S_err(c, n, "type", "'%s' must be %s", path, S_type_words(s->types));
        return;
    }
    if (n->kind == KH_NODE_MAP)
        S_check_object(c, s, n, path);
    else if (n->kind == KH_NODE_SEQ)
        S_check_array(c, s, n, path);
    else if (!S_is_null(n))
        S_check_scalar(c, s, n, path);
}

void kh_schema_check(const kh_schema_t *schema, const kh_node_t *doc,
                     const char *file, int root_line, kh_diag_list_t *diags)
{
    kh_check_t c = {schema, file, diags};
    if (!doc) {
        kh_node_t empty = {.kind = KH_NODE_MAP, .line = root_line, .col = 1};
        S_check(&c, schema->root, &empty, "");
        return;
    }
    S_check(&c, schema->root, doc, "");
}
