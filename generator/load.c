/* Loading a plan.
 *
 * A plan file is "---", YAML front matter, "---", then Markdown. Before
 * anything is parsed the bytes are checked (UTF-8, no NUL), a BOM is dropped,
 * CRLF line ends are folded to LF (the line count stays the same, so
 * positions stay true) and the text is normalised to NFC.
 *
 * The front matter goes through libyaml's event parser into a small tree of
 * nodes carrying 1-based file positions: libyaml's marks are 0-based and
 * count from the start of the YAML text, which begins on file line 2. That
 * conversion happens here and nowhere else. Anchors are allowed but aliases
 * are refused, so an alias bomb is an error, not an explosion.
 *
 * YAML itself lets a later key silently replace an earlier one; here a key
 * given twice is an error (duplicate-key) wherever the mapping is, since
 * one of the two values would be lost without a word. */
#include "load.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <pthread.h>
#include <yaml.h>

#include "files.h"
#include "i18n.h"
#include "text.h"

/* Plans are a few tens of KB; anything past this is not a plan, and
 * refusing it bounds memory and time. */
#define KH_MAX_FILE_BYTES (16u * 1024 * 1024)
/* YAML nesting deeper than this is no front matter a person wrote, and
 * the tree is built recursively. */
#define KH_MAX_YAML_DEPTH 64

/* ---- YAML tree ---- */

/* A tree's memory: nodes, scalar texts and kids arrays are carved from a
 * few big blocks and freed at once with the root. A template and the two
 * schemas are some 4,000 nodes; one calloc, one strdup and a realloc or
 * two per node, and the matching frees, cost more than libyaml's parse of
 * the same text. */
typedef struct kh_arena_block {
    struct kh_arena_block *next;
    size_t used, cap;
    max_align_t data[]; /* cap bytes */
} kh_arena_block_t;

typedef struct kh_arena {
    kh_arena_block_t *head; /* the block being filled; older ones follow */
} kh_arena_t;

/* First block size (bytes); each new block doubles, up to 256 KiB, so a
 * small front matter stays small and a big file needs few blocks. */
#define KH_ARENA_FIRST 4096u
#define KH_ARENA_MAX (256u * 1024)

static void S_arena_free(kh_arena_t *a)
{
    if (!a)
        return;
    for (kh_arena_block_t *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

/* Starts a new block able to hold n bytes (a multiple of the alignment). */
static void *S_arena_grow(kh_arena_t *a, size_t n)
{
    kh_arena_block_t *b = a->head;
    size_t cap = b ? b->cap * 2 : KH_ARENA_FIRST;
    if (cap > KH_ARENA_MAX)
        cap = KH_ARENA_MAX;
    if (cap < n)
        cap = n;
    kh_arena_block_t *nb = malloc(sizeof *nb + cap);
    if (!nb)
        abort();
    nb->cap = cap;
    nb->used = n;
    nb->next = b;
    a->head = nb;
    return nb->data;
}

/* n bytes, aligned for any type, uninitialised; aborts when out of memory
 * (as kh_buf_put does). */
static inline void *S_arena_alloc(kh_arena_t *a, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    kh_arena_block_t *b = a->head;
    if (!b || b->cap - b->used < n)
        return S_arena_grow(a, n);
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

void kh_node_free(kh_node_t *node)
{
    if (node)
        S_arena_free(node->arena); /* NULL for a node inside a tree */
}

kh_node_t *kh_node_key(const kh_node_t *map, const char *key)
{
    if (!map || map->kind != KH_NODE_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const kh_node_t *k = map->kids[i];
        if (k->kind == KH_NODE_SCALAR && strcmp(k->text, key) == 0)
            return map->kids[i];
    }
    return NULL;
}

kh_node_t *kh_node_get(const kh_node_t *map, const char *key)
{
    if (!map || map->kind != KH_NODE_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const kh_node_t *k = map->kids[i];
        if (k->kind == KH_NODE_SCALAR && strcmp(k->text, key) == 0)
            return map->kids[i + 1];
    }
    return NULL;
}

static void S_node_append(kh_arena_t *a, kh_node_t *parent, kh_node_t *kid)
{
    if ((parent->n & (parent->n - 1)) == 0) { /* grow at powers of two */
        size_t cap = parent->n ? parent->n * 2 : 4;
        /* the old array stays in the arena unused: at most as much again */
        kh_node_t **k = S_arena_alloc(a, cap * sizeof *k);
        if (parent->n)
            memcpy(k, parent->kids, parent->n * sizeof *k);
        parent->kids = k;
    }
    parent->kids[parent->n++] = kid;
}

static kh_node_t *S_node_new(kh_arena_t *a, kh_node_kind_t kind,
                             const yaml_mark_t *mark, int line_offset)
{
    kh_node_t *n = S_arena_alloc(a, sizeof *n);
    *n = (kh_node_t){.kind = kind,
                     .line = (int)mark->line + 1 + line_offset,
                     .col = (int)mark->column + 1};
    return n;
}

/* A copy of scalar text v[0..len) in NFC, NUL-terminated, in the arena.
 * ASCII is NFC as it is (kh_text_nfc would copy it unchanged), so only a
 * value with other bytes goes through kh_text_nfc. */
static char *S_scalar_text(kh_arena_t *a, const char *v, size_t len)
{
    size_t i = 0;
    while (i < len && (unsigned char)v[i] < 0x80)
        i++;
    char *nfc = NULL;
    if (i < len) {
        nfc = kh_text_nfc(v, len, &len);
        v = nfc;
    }
    char *t = S_arena_alloc(a, len + 1);
    memcpy(t, v, len);
    t[len] = '\0';
    free(nfc);
    return t;
}

typedef struct {
    yaml_parser_t parser;
    kh_arena_t *arena; /* the tree's memory */
    const char *file;
    int line_offset;
    kh_diag_list_t *diags;
    bool failed;
    bool trim_blocks; /* plans: drop a block scalar's final line ends */
    /* The key (NULL: a list item) under which each depth is being read,
     * to name a duplicate key by its path (issuer.name). */
    const char *keys[KH_MAX_YAML_DEPTH + 2];
} kh_yaml_ctx_t;

/* libyaml finds a problem where parsing could not go on (often the next
 * line); the construct it was reading (its context) starts where the
 * mistake usually is, so that is the position reported. */
static bool S_next(kh_yaml_ctx_t *c, yaml_event_t *ev)
{
    if (yaml_parser_parse(&c->parser, ev))
        return true;
    const yaml_parser_t *p = &c->parser;
    const yaml_mark_t *m = p->context ? &p->context_mark : &p->problem_mark;
    kh_diag_add(c->diags, c->file, (int)m->line + 1 + c->line_offset,
                (int)m->column + 1, KH_SEV_ERROR, "yaml-syntax",
                "YAML syntax: %s%s%s", p->problem ? p->problem : "invalid YAML",
                p->context ? " " : "", p->context ? p->context : "");
    c->failed = true;
    return false;
}

static kh_node_t *S_parse_node(kh_yaml_ctx_t *c, yaml_event_t *ev, int depth);

/* The path of the mapping being read at depth, as the schema names it
 * ("issuer", "recipients item"). */
static void S_path(const kh_yaml_ctx_t *c, int depth, const char *key,
                   kh_buf_t *b)
{
    for (int i = 0; i < depth; i++) {
        if (!c->keys[i])
            kh_buf_puts(b, " item");
        else
            kh_buf_printf(b, "%s%s", b->len ? "." : "", c->keys[i]);
    }
    kh_buf_printf(b, "%s%s", b->len ? "." : "", key);
    kh_buf_put(b, "", 0);
}

static void S_duplicate(kh_yaml_ctx_t *c, int depth, const kh_node_t *first,
                        const kh_node_t *again)
{
    kh_buf_t b = {0};
    S_path(c, depth, again->text, &b);
    if (first->line == again->line) /* a flow mapping: {name: A, name: B} */
        kh_diag_add(c->diags, c->file, again->line, again->col, KH_SEV_ERROR,
                    "duplicate-key", "'%s' is given twice (first on this line, "
                    "column %d): YAML would keep only one of the values",
                    b.data, first->col);
    else
        kh_diag_add(c->diags, c->file, again->line, again->col, KH_SEV_ERROR,
                    "duplicate-key", "'%s' is given twice (first on line %d): "
                    "YAML would keep only one of the values", b.data, first->line);
    kh_buf_free(&b);
}

typedef struct {
    const kh_node_t *key;
    size_t at; /* order in the mapping */
} kh_keyref_t;

static int S_keyref_cmp(const void *a, const void *b)
{
    const kh_keyref_t *x = a, *y = b;
    int d = strcmp(x->key->text, y->key->text);
    return d ? d : (x->at > y->at) - (x->at < y->at);
}

/* Reports every key of map given more than once, at the later ones. Small
 * mappings (all a person writes) are compared pair by pair; big ones are
 * sorted, so that a generated file with 100,000 keys stays fast. */
static void S_check_duplicates(kh_yaml_ctx_t *c, const kh_node_t *map,
                               int depth)
{
    size_t nkeys = map->n / 2;
    if (nkeys <= 16) {
        for (size_t j = 1; j < nkeys; j++) {
            const kh_node_t *k = map->kids[2 * j];
            for (size_t i = 0; k->kind == KH_NODE_SCALAR && i < j; i++) {
                const kh_node_t *f = map->kids[2 * i];
                if (f->kind == KH_NODE_SCALAR && !strcmp(f->text, k->text)) {
                    S_duplicate(c, depth, f, k);
                    break;
                }
            }
        }
        return;
    }
    kh_keyref_t *refs = malloc(nkeys * sizeof *refs);
    if (!refs)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < nkeys; i++)
        if (map->kids[2 * i]->kind == KH_NODE_SCALAR)
            refs[n++] = (kh_keyref_t){map->kids[2 * i], i};
    qsort(refs, n, sizeof *refs, S_keyref_cmp);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (strcmp(refs[i].key->text, refs[first].key->text))
            first = i;
        else
            S_duplicate(c, depth, refs[first].key, refs[i].key);
    }
    free(refs);
}

/* Reads kids until the closing event of a sequence or mapping. */
static kh_node_t *S_parse_collection(kh_yaml_ctx_t *c, kh_node_t *node,
                                     yaml_event_type_t end, int depth)
{
    for (;;) {
        yaml_event_t ev;
        if (!S_next(c, &ev))
            break;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            if (node->kind == KH_NODE_MAP)
                S_check_duplicates(c, node, depth);
            return node;
        }
        if (node->kind == KH_NODE_SEQ)
            c->keys[depth] = NULL;
        else if (node->n % 2 == 1) /* the value of the key just read */
            c->keys[depth] = node->kids[node->n - 1]->kind == KH_NODE_SCALAR
                                 ? node->kids[node->n - 1]->text : "?";
        kh_node_t *kid = S_parse_node(c, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!kid)
            break;
        S_node_append(c->arena, node, kid);
    }
    return NULL; /* node stays in the arena, freed with it */
}

static kh_node_t *S_parse_node(kh_yaml_ctx_t *c, yaml_event_t *ev, int depth)
{
    int line = (int)ev->start_mark.line + 1 + c->line_offset;
    int col = (int)ev->start_mark.column + 1;
    if (depth > KH_MAX_YAML_DEPTH) {
        kh_diag_add(c->diags, c->file, line, col, KH_SEV_ERROR, "yaml-depth",
                    "YAML nested more than %d levels deep", KH_MAX_YAML_DEPTH);
        c->failed = true;
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        kh_node_t *n = S_node_new(c->arena, KH_NODE_SCALAR, &ev->start_mark, c->line_offset);
        const char *v = (const char *)ev->data.scalar.value;
        size_t len = ev->data.scalar.length;
        yaml_scalar_style_t st = ev->data.scalar.style;
        n->style = st == YAML_SINGLE_QUOTED_SCALAR_STYLE   ? KH_STYLE_SINGLE_QUOTED
                   : st == YAML_DOUBLE_QUOTED_SCALAR_STYLE ? KH_STYLE_DOUBLE_QUOTED
                   : st == YAML_LITERAL_SCALAR_STYLE ||
                           st == YAML_FOLDED_SCALAR_STYLE
                       ? KH_STYLE_BLOCK
                       : KH_STYLE_PLAIN;
        /* `title: |` keeps the block's last line end (YAML's default
         * "clip"); in a plan it is no line of text, and a value printed on
         * one line would otherwise carry a line break it cannot print */
        if (c->trim_blocks && n->style == KH_STYLE_BLOCK)
            while (len && v[len - 1] == '\n')
                len--;
        n->text = S_scalar_text(c->arena, v, len);
        n->quoted = !ev->data.scalar.plain_implicit;
        n->end_line = (int)ev->end_mark.line + 1 + c->line_offset;
        n->end_col = (int)ev->end_mark.column + 1;
        return n;
    }
    case YAML_SEQUENCE_START_EVENT: {
        kh_node_t *n = S_node_new(c->arena, KH_NODE_SEQ, &ev->start_mark, c->line_offset);
        n->flow = ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
        return S_parse_collection(c, n, YAML_SEQUENCE_END_EVENT, depth);
    }
    case YAML_MAPPING_START_EVENT: {
        kh_node_t *n = S_node_new(c->arena, KH_NODE_MAP, &ev->start_mark, c->line_offset);
        n->flow = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        return S_parse_collection(c, n, YAML_MAPPING_END_EVENT, depth);
    }
    case YAML_ALIAS_EVENT:
        kh_diag_add(c->diags, c->file, line, col, KH_SEV_ERROR, "yaml-alias",
                    "YAML aliases (*%s) are not allowed in plans",
                    (const char *)ev->data.alias.anchor);
        break;
    default:
        kh_diag_add(c->diags, c->file, line, col, KH_SEV_ERROR, "yaml-syntax",
                    "unexpected YAML structure");
        break;
    }
    c->failed = true;
    return NULL;
}

static kh_node_t *S_yaml_parse(const char *text, size_t len, const char *file,
                                int line_offset, bool trim_blocks,
                                kh_diag_list_t *diags)
{
    kh_yaml_ctx_t c = {.file = file, .line_offset = line_offset, .diags = diags,
                       .trim_blocks = trim_blocks};
    c.arena = calloc(1, sizeof *c.arena);
    if (!c.arena || !yaml_parser_initialize(&c.parser))
        abort();
    yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);
    kh_node_t *root = NULL;
    yaml_event_t ev;
    /* stream start, document start, root node, document end, stream end */
    while (!c.failed && S_next(&c, &ev)) {
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT ||
            t == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (root) {
            kh_diag_add(diags, file, (int)ev.start_mark.line + 1 + line_offset,
                        (int)ev.start_mark.column + 1, KH_SEV_ERROR,
                        "yaml-syntax", "more than one YAML document");
            yaml_event_delete(&ev);
            c.failed = true;
            break;
        }
        root = S_parse_node(&c, &ev, 0);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&c.parser);
    if (c.failed || !root) {
        S_arena_free(c.arena);
        return NULL;
    }
    root->arena = c.arena;
    return root;
}

kh_node_t *kh_yaml_parse(const char *text, size_t len, const char *file,
                         int line_offset, kh_diag_list_t *diags)
{
    return S_yaml_parse(text, len, file, line_offset, false, diags);
}

/* ---- whole files ---- */

static int S_read_file(const char *path, char **data, size_t *len,
                       kh_diag_list_t *diags)
{
    /* "-" is standard input; a FIFO, directory or device is refused, not
     * waited on (files.c) */
    const char *name = kh_input_name(path);
    int fd = kh_open_input(path, "io", diags);
    if (fd < 0)
        return -2;
    kh_buf_t b = {0};
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        if (b.len + (size_t)n > KH_MAX_FILE_BYTES) {
            kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, "file-size",
                        "file larger than %u MiB", KH_MAX_FILE_BYTES >> 20);
            close(fd);
            kh_buf_free(&b);
            return -1;
        }
        kh_buf_put(&b, chunk, (size_t)n);
    }
    int err = n < 0 ? errno : 0;
    close(fd);
    if (err) {
        kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, "io", "cannot read: %s",
                    strerror(err));
        kh_buf_free(&b);
        return -2;
    }
    kh_buf_put(&b, "", 0);
    *len = b.len;
    *data = kh_buf_take(&b);
    return 0;
}

/* True if s[0..n) is valid UTF-8 without a NUL byte. A multi-byte
 * sequence has no ASCII byte in it, so each run of non-ASCII bytes is
 * checked on its own (kh_utf8_valid) and the ASCII between, most of a
 * template or schema, eight bytes at a time. */
static bool S_utf8_text(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    for (size_t i = 0; i < n;) {
        uint64_t w;
        if (n - i >= 8 && (memcpy(&w, s + i, 8),
                           !((w | ((w - ones) & ~w)) & highs))) {
            i += 8; /* eight bytes, none 0x00 and none 0x80 or above */
            continue;
        }
        if ((unsigned char)s[i] - 1u < 0x7Fu) { /* 0x01..0x7F */
            i++;
            continue;
        }
        if (!s[i])
            return false;
        size_t j = i + 1;
        while (j < n && (unsigned char)s[j] >= 0x80)
            j++;
        if (!kh_utf8_valid(s + i, j - i))
            return false;
        i = j;
    }
    return true;
}

kh_node_t *kh_yaml_load_file(const char *path, kh_diag_list_t *diags)
{
    char *data;
    size_t len;
    if (S_read_file(path, &data, &len, diags) != 0)
        return NULL;
    kh_node_t *root = NULL;
    size_t before = diags->errors;
    if (!S_utf8_text(data, len))
        kh_diag_add(diags, path, 0, 0, KH_SEV_ERROR, "utf8",
                    "not valid UTF-8 text");
    else
        root = kh_yaml_parse(data, len, path, 0, diags);
    free(data);
    if (root && diags->errors != before) { /* a duplicate key */
        kh_node_free(root);
        root = NULL;
    }
    return root;
}

/* Per file, at most this many control-character and tab reports: one
 * pasted binary blob should not bury everything else. */
#define KH_MAX_CHAR_REPORTS 5

/* Checks the bytes: invalid UTF-8 or NUL stops everything (false); control
 * characters are errors, tabs and decomposed accents warnings, all at their
 * positions. */
static bool S_check_bytes(const char *path, const char *s, size_t n,
                          kh_diag_list_t *diags)
{
    /* positions are counted only up to what is reported */
    kh_pos_t at = {s, 0, 1, 1};
    int controls = 0, tabs = 0, mark_line = 0, mark_col = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x20 && b < 0x7F) { /* printable ASCII: most of any plan */
            i++;
            continue;
        }
        uint32_t cp;
        size_t l = kh_utf8_decode(s + i, n - i, &cp);
        bool odd = !l || (cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp < 0xA0);
        if (odd || (!mark_line && !kh_nfc_inert(cp))) /* to be reported */
            kh_pos_advance(&at, i);
        int line = at.line, col = at.col;
        if (!l || cp == 0) {
            kh_diag_add(diags, path, line, col, KH_SEV_ERROR, "utf8",
                        l ? N_("NUL byte in the text")
                          : N_("invalid UTF-8 byte 0x%02X (save the file as UTF-8)"),
                        (unsigned char)s[i]);
            return false;
        }
        if (cp == '\t' && tabs++ < KH_MAX_CHAR_REPORTS)
            kh_diag_add(diags, path, line, col, KH_SEV_WARNING, "tab",
                        "tab character: it prints as %d space widths, a blank "
                        "kept as typed; type spaces for the width you mean",
                        KH_TAB_SPACES);
        else if (((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp < 0xA0)) &&
                 controls++ < KH_MAX_CHAR_REPORTS)
            kh_diag_add(diags, path, line, col, KH_SEV_ERROR, "control-char",
                        "control character U+%04X in the text", (unsigned)cp);
        if (!mark_line && !kh_nfc_inert(cp))
            mark_line = line, mark_col = col;
        i += l;
    }
    if (mark_line && !kh_text_is_nfc(s, n))
        kh_diag_add(diags, path, mark_line, mark_col, KH_SEV_WARNING, "nfc",
                    "text is not in NFC (accents typed as separate marks); it "
                    "is normalised, but search in the file may miss it");
    return true;
}

/* Drops a BOM and folds CRLF to LF; returns a new buffer. */
static char *S_clean_text(const char *s, size_t n, size_t *out_len)
{
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3, n -= 3;
    char *out = malloc(n + 1);
    if (!out)
        abort();
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
            out[o++] = s[i];
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* A fence line is "---" (or "..." to close) with optional trailing spaces. */
static bool S_is_fence(const char *line, size_t len, bool closing)
{
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    return len == 3 && (memcmp(line, "---", 3) == 0 ||
                        (closing && memcmp(line, "...", 3) == 0));
}

/* Pipes a body line may hold. cmark-gfm 0.29's table reader (Debian's)
 * appends each cell of a row to a list it walks from the head, so a row,
 * or a line above a delimiter row, of n pipes costs n² (20,000 pipes:
 * 0.9 s; a 16 MiB file of them would run for hours). A row of the widest
 * table kehoach prints (32 columns, model.h) has 33, and a few escaped
 * ones in its cells: four times that is no table's. */
#define KH_MAX_LINE_PIPES 128

/* True if no line of the body holds more
 * pipes than KH_MAX_LINE_PIPES; else an error at the first such line,
 * and the body is read without tables (its text still gets the model's
 * diagnostics). */
static bool S_pipes_ok(const kh_source_t *src, kh_diag_list_t *diags)
{
    const char *p = src->body, *end = src->body + src->body_len;
    for (int line = src->body_line; p < end; line++) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        size_t n = 0;
        for (const char *q = p; q < e; q++)
            n += *q == '|';
        if (n > KH_MAX_LINE_PIPES) {
            kh_diag_add(diags, src->path, line, 1, KH_SEV_ERROR, "table-columns",
                        "this line holds %zu '|', more than any row of a table "
                        "kehoach prints (at most %d): reading it as a table row "
                        "would take too long; remove pipes or split the table",
                        n, KH_MAX_LINE_PIPES);
            return false;
        }
        p = e + 1;
    }
    return true;
}

static int S_split(kh_source_t *src, kh_diag_list_t *diags)
{
    const char *t = src->text, *end = t + src->len;
    const char *nl = memchr(t, '\n', src->len);
    if (!nl || !S_is_fence(t, (size_t)(nl - t), false)) {
        kh_diag_add(diags, src->path, 1, 1, KH_SEV_ERROR, "front-matter",
                    "a plan starts with a '---' line, then the YAML front "
                    "matter, then '---'");
        return -1;
    }
    const char *yaml = nl + 1, *p = yaml;
    int line = 2;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t ll = (size_t)((e ? e : end) - p);
        if (S_is_fence(p, ll, true)) {
            src->front = S_yaml_parse(yaml, (size_t)(p - yaml), src->path, 1,
                                      true, diags);
            src->body = e ? e + 1 : end;
            src->body_len = (size_t)(end - src->body);
            src->body_line = line + 1;
            if (!src->front)
                return -1;
            src->body_doc = kh_markdown_parse(
                src->body, src->body_len, S_pipes_ok(src, diags));
            return 0;
        }
        line++;
        p = e ? e + 1 : end;
    }
    kh_diag_add(diags, src->path, 1, 1, KH_SEV_ERROR, "front-matter",
                "front matter not closed: add a '---' line after it");
    return -1;
}

/* Line starts, so that rules and diagnostics find a line without
 * rescanning the file (which would make big files quadratic). */
static void S_index_lines(kh_source_t *src)
{
    int n = 1;
    for (size_t i = 0; i < src->len; i++)
        n += src->text[i] == '\n';
    src->line_starts = malloc((size_t)n * sizeof *src->line_starts);
    if (!src->line_starts)
        abort();
    src->nlines = 0;
    src->line_starts[src->nlines++] = 0;
    for (size_t i = 0; i < src->len; i++)
        if (src->text[i] == '\n')
            src->line_starts[src->nlines++] = i + 1;
}

const char *kh_source_line(const kh_source_t *src, int line, size_t *len)
{
    if (!src->text || line < 1 || line > src->nlines) {
        if (len)
            *len = 0;
        return src->text ? src->text + src->len : "";
    }
    const char *start = src->text + src->line_starts[line - 1];
    if (len) {
        const char *nl = memchr(start, '\n', (size_t)(src->text + src->len - start));
        *len = (size_t)((nl ? nl : src->text + src->len) - start);
    }
    return start;
}

void kh_pos_advance(kh_pos_t *pos, size_t to)
{
    for (; pos->off < to; pos->off++) {
        unsigned char b = (unsigned char)pos->text[pos->off];
        if (b == '\n')
            pos->line++, pos->col = 1;
        else if ((b & 0xC0) != 0x80)
            pos->col++;
    }
}

int kh_source_col(const kh_source_t *src, int line, size_t byte)
{
    size_t len;
    const char *s = kh_source_line(src, line, &len);
    return 1 + (int)kh_utf8_length(s, byte < len ? byte : len);
}

bool kh_source_find(const kh_source_t *src, int line, size_t byte, int lines,
                    const char *needle, size_t n, int *at_line, size_t *at_byte)
{
    for (int l = line; l < line + lines && l <= src->nlines; l++) {
        size_t len, from = l == line ? byte : 0;
        const char *t = kh_source_line(src, l, &len);
        const char *at = from < len ? memmem(t + from, len - from, needle, n) : NULL;
        if (at) {
            *at_line = l;
            *at_byte = (size_t)(at - t);
            return true;
        }
    }
    return false;
}

size_t kh_source_byte(const kh_source_t *src, int line, int col)
{
    size_t len;
    const char *s = kh_source_line(src, line, &len);
    return kh_utf8_offset(s, len, col > 1 ? (size_t)col - 1 : 0);
}

/* src->text from a file's bytes, as every source gets it (a plan, an
 * appendix file): cleaned, checked (name in the diagnostics), NFC, its
 * lines indexed. False after a diagnostic when the bytes are refused. */
static bool S_take_text(kh_source_t *src, const char *name, const char *data,
                        size_t len, kh_diag_list_t *diags)
{
    size_t clean_len;
    char *clean = S_clean_text(data, len, &clean_len);
    if (!S_check_bytes(name, clean, clean_len, diags)) {
        free(clean);
        return false;
    }
    src->text = kh_text_nfc(clean, clean_len, &src->len);
    free(clean);
    S_index_lines(src);
    return true;
}

int kh_source_load_mem(const char *path, const char *data, size_t len,
                       kh_source_t *src, kh_diag_list_t *diags)
{
    memset(src, 0, sizeof *src);
    src->path = strdup(path);
    if (!src->path)
        abort();
    if (!S_take_text(src, path, data, len, diags))
        return -1;
    src->in_memory = true;
    return S_split(src, diags);
}

int kh_source_load(const char *path, kh_source_t *src, kh_diag_list_t *diags)
{
    char *data;
    size_t len;
    memset(src, 0, sizeof *src);
    int rc = S_read_file(path, &data, &len, diags);
    if (rc != 0)
        return rc;
    rc = kh_source_load_mem(kh_input_name(path), data, len, src, diags);
    src->in_memory = false;
    free(data);
    return rc;
}

/* An appendix file: its bytes checked and cleaned as a plan's are, then
 * all of it read as Markdown (no front matter). Same returns as
 * kh_source_load; the read errors ("io") go to io_diags. */
static int S_load_markdown(const char *path, const char *name, kh_source_t *src,
                           kh_diag_list_t *io_diags, kh_diag_list_t *diags)
{
    char *data;
    size_t len;
    memset(src, 0, sizeof *src);
    if (!(src->path = strdup(name)))
        abort();
    int rc = S_read_file(path, &data, &len, io_diags);
    if (rc != 0)
        return rc;
    bool ok = S_take_text(src, name, data, len, diags);
    free(data);
    if (!ok)
        return -1;
    src->body = src->text;
    src->body_len = src->len;
    src->body_line = 1;
    src->body_doc = kh_markdown_parse(src->body, src->body_len, S_pipes_ok(src, diags));
    return 0;
}

/* True when diags holds an error at file:line:col: the schema refused the
 * list item there (a path not ending ".md" …), so it is not read at all. */
static bool S_refused(const kh_diag_list_t *diags, const char *file, int line, int col)
{
    for (size_t i = 0; i < diags->count; i++) {
        const kh_diag_t *d = &diags->items[i];
        if (d->severity == KH_SEV_ERROR && d->line == line && d->col == col &&
            d->file && !strcmp(d->file, file))
            return true;
    }
    return false;
}

size_t kh_source_load_appendices(kh_source_t *src, kh_diag_list_t *diags)
{
    const kh_node_t *list = kh_node_get(src->front, "appendices");
    size_t before = diags->errors;
    if (!list || list->kind != KH_NODE_SEQ)
        return 0; /* absent, or the schema's to report */
    if (src->in_memory) {
        kh_diag_add(diags, src->path, list->line, list->col, KH_SEV_ERROR,
                    "appendix-file", "a plan given in memory cannot name "
                    "appendix files: write the appendices in its body");
        return diags->errors - before;
    }
    /* paths are relative to the plan's directory (standard input: here) */
    const char *slash = strrchr(src->path, '/');
    size_t dirlen = slash && !src->in_memory ? (size_t)(slash - src->path) + 1 : 0;
    src->appendix_files = calloc(list->n ? list->n : 1, sizeof *src->appendix_files);
    if (!src->appendix_files)
        abort();
    /* each file once: the same file under another spelling ("./a.md",
     * "x/../a.md", a link) is the same device and inode */
    struct { dev_t dev; ino_t ino; size_t item; } *seen =
        calloc(list->n ? list->n : 1, sizeof *seen);
    size_t nseen = 0;
    if (!seen)
        abort();
    for (size_t i = 0; i < list->n; i++) {
        const kh_node_t *it = list->kids[i];
        if (it->kind != KH_NODE_SCALAR || !it->text[0] ||
            S_refused(diags, src->path, it->line, it->col))
            continue;
        char *path;
        if (it->text[0] == '/')
            path = strdup(it->text);
        else if (asprintf(&path, "%.*s%s", (int)dirlen, src->path, it->text) < 0)
            path = NULL;
        if (!path)
            abort();
        struct stat st;
        if (stat(path, &st) == 0) {
            size_t k = 0;
            while (k < nseen && !(seen[k].dev == st.st_dev && seen[k].ino == st.st_ino))
                k++;
            if (k < nseen) {
                const kh_node_t *first = list->kids[seen[k].item];
                kh_diag_add(diags, src->path, it->line, it->col, KH_SEV_ERROR,
                            "appendix-file", "appendix file %s is listed already "
                            "(line %d, as %s): its appendices would print twice; "
                            "delete this item", it->text, first->line, first->text);
                free(path);
                continue;
            }
            seen[nseen].dev = st.st_dev;
            seen[nseen].ino = st.st_ino;
            seen[nseen++].item = i;
        }
        kh_diag_list_t io;
        kh_diag_init(&io);
        kh_source_t *f = &src->appendix_files[src->nappendix_files];
        int rc = S_load_markdown(path, path, f, &io, diags);
        if (rc == -2 || io.count) {
            /* where the clerk named it: the file's own name says the rest */
            const char *why = io.count && io.items[0].message ? io.items[0].message : "";
            kh_diag_add(diags, src->path, it->line, it->col, KH_SEV_ERROR,
                        "appendix-file", "appendix file %s cannot be read: %s",
                        path, why);
            kh_source_free(f);
        } else if (rc != 0) {
            kh_source_free(f); /* its bytes: reported at its lines */
        } else {
            src->nappendix_files++;
        }
        kh_diag_free(&io);
        free(path);
    }
    free(seen);
    return diags->errors - before;
}

/* The extensions are registered once a process (cmark-gfm keeps them in a
 * global registry, unguarded). */
static void S_register_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

cmark_node *kh_markdown_parse(const char *text, size_t len, bool tables)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, S_register_extensions);
    /* footnotes as GitHub reads them: model_note.c */
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES);
    if (!p)
        abort();
    static const char *const ext[] = {"strikethrough", "table"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0] - !tables; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(ext[i]);
        if (!e || !cmark_parser_attach_syntax_extension(p, e))
            abort(); /* part of libcmark-gfm-extensions: never missing */
    }
    cmark_parser_feed(p, text, len);
    cmark_node *doc = cmark_parser_finish(p);
    cmark_parser_free(p);
    if (!doc)
        abort();
    return doc;
}

int kh_source_body_line(const kh_source_t *src, int cmark_line)
{
    return cmark_line + src->body_line - 1;
}

void kh_source_drop_tree(kh_source_t *src)
{
    if (src->body_doc)
        cmark_node_free(src->body_doc);
    src->body_doc = NULL;
    for (size_t i = 0; i < src->nappendix_files; i++)
        kh_source_drop_tree(&src->appendix_files[i]);
}

void kh_source_free(kh_source_t *src)
{
    if (src->body_doc)
        cmark_node_free(src->body_doc);
    free(src->line_starts);
    for (size_t i = 0; i < src->nappendix_files; i++)
        kh_source_free(&src->appendix_files[i]);
    free(src->appendix_files);
    kh_node_free(src->front);
    free(src->text);
    free(src->path);
    memset(src, 0, sizeof *src);
}
