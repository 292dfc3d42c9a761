/* Building the document model.
 *
 * Front matter: each field is read with its position, so a missing or
 * mistyped one is reported where it is (or where it belongs). Body: cmark
 * parses the Markdown; one walk turns its blocks into paragraphs and
 * headings of styled spans. Headings are numbered from the structure with
 * the template's per-level format (a hand-written number is dropped and
 * renumbered), level styles add bold/italic/upper case, list items become
 * paragraphs that start with their bullet ("- " at depth 0, as Vietnamese
 * offices type them), and a heading that ends in a colon and is followed by
 * a paragraph is run into it ("1. Tập thể: Các phòng …"). */
#include "model.h"

#include <cmark.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static char *S_dup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

/* ---- numbers and dates ---- */

static void S_roman(int n, bool upper, kh_buf_t *out)
{
    static const struct { int v; const char *s; } R[] = {
        {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"},
        {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"},
        {5, "v"}, {4, "iv"}, {1, "i"}};
    if (n <= 0 || n >= 4000) {
        kh_buf_printf(out, "%d", n);
        return;
    }
    for (size_t i = 0; i < sizeof R / sizeof R[0]; i++)
        for (; n >= R[i].v; n -= R[i].v)
            for (const char *p = R[i].s; *p; p++)
                kh_buf_printf(out, "%c", upper ? toupper((unsigned char)*p) : *p);
}

/* The Vietnamese alphabet used for item letters: no f, j, w, z; đ after d. */
static void S_letter(int n, kh_buf_t *out)
{
    static const char *const L[] = {"a", "b", "c", "d", "đ", "e", "g", "h",
                                     "i", "k", "l", "m", "n", "o", "p", "q",
                                     "r", "s", "t", "u", "v", "x", "y"};
    const int count = (int)(sizeof L / sizeof L[0]);
    if (n <= 0) {
        kh_buf_printf(out, "%d", n);
        return;
    }
    if (n > count)
        S_letter((n - 1) / count, out);
    kh_buf_puts(out, L[(n - 1) % count]);
}

void kh_number_format(const char *format, const int counters[KH_MAX_LEVELS],
                      char *out, size_t out_size)
{
    kh_buf_t b = {0};
    for (const char *p = format; *p; p++) {
        int level;
        char style, close;
        if (*p == '{' && sscanf(p, "{%d:%c%c", &level, &style, &close) == 3 &&
            close == '}' && level >= 1 && level <= KH_MAX_LEVELS) {
            int n = counters[level - 1];
            if (style == 'I' || style == 'i')
                S_roman(n, style == 'I', &b);
            else if (style == 'a')
                S_letter(n, &b);
            else
                kh_buf_printf(&b, "%d", n);
            p = strchr(p, '}');
            continue;
        }
        kh_buf_put(&b, p, 1);
    }
    snprintf(out, out_size, "%s", b.data ? b.data : "");
    kh_buf_free(&b);
}

char *kh_date_line(const char *place, int year, int month, int day,
                   const char *blank)
{
    /* Decree 30: days below 10 and months 1 and 2 take a leading zero. */
    kh_buf_t b = {0};
    kh_buf_printf(&b, "%s, ngày ", place);
    if (day)
        kh_buf_printf(&b, "%02d", day);
    else
        kh_buf_puts(&b, blank);
    kh_buf_puts(&b, " tháng ");
    if (month)
        kh_buf_printf(&b, month <= 2 ? "%02d" : "%d", month);
    else
        kh_buf_puts(&b, blank);
    kh_buf_printf(&b, " năm %d", year);
    return kh_buf_take(&b);
}

char *kh_number_line(const char *number, const char *doc_code,
                     const char *issuer_code, const char *blank)
{
    kh_buf_t b = {0};
    kh_buf_puts(&b, "Số: ");
    if (!number)
        kh_buf_puts(&b, blank);
    else if (strlen(number) == 1 && isdigit((unsigned char)number[0]))
        kh_buf_printf(&b, "0%s", number); /* numbers below 10: "05" */
    else
        kh_buf_puts(&b, number);
    kh_buf_printf(&b, "/%s-%s", doc_code, issuer_code);
    return kh_buf_take(&b);
}

size_t kh_heading_number_prefix(const char *s)
{
    size_t i = 0;
    if (strchr("IVXLC", s[0]) && s[0]) {
        while (s[i] && strchr("IVXLC", s[i]))
            i++;
        if (s[i] != '.')
            return 0;
        i++;
    } else if (isdigit((unsigned char)s[0])) {
        for (;;) {
            while (isdigit((unsigned char)s[i]))
                i++;
            if (s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
                i++;
                continue;
            }
            break;
        }
        if (s[i] != '.' && s[i] != ')')
            return 0;
        i++;
    } else if (s[0] >= 'a' && s[0] <= 'z' && s[1] == ')') {
        i = 2;
    } else if (strncmp(s, "đ)", 3) == 0) {
        i = 3;
    } else {
        return 0;
    }
    if (s[i] != ' ')
        return 0;
    while (s[i] == ' ')
        i++;
    return i;
}

const char *kh_level_format(const kh_template_t *tpl,
                            char *const overrides[KH_MAX_LEVELS], int level)
{
    if (level < 1 || level > KH_MAX_LEVELS)
        return "";
    if (overrides && overrides[level - 1])
        return overrides[level - 1];
    return level <= tpl->nheadings ? tpl->headings[level - 1].format : "";
}

/* ---- front matter ---- */

typedef struct {
    const kh_source_t *src;
    const kh_template_t *tpl;
    kh_diag_list_t *diags;
    kh_plan_t *plan;
    bool ok;
    int counters[KH_MAX_LEVELS];
    size_t cap;
} kh_mctx_t;

static void S_err(kh_mctx_t *c, const kh_node_t *at, const char *rule,
                  const char *fmt, const char *arg)
{
    kh_diag_add(c->diags, c->src->path, at ? at->line : 1, at ? at->col : 1,
                KH_SEV_ERROR, rule, fmt, arg);
    c->ok = false;
}

/* A required (or optional) text field of map; NULL with a diagnostic when
 * missing (if required) or not text. */
static char *S_text(kh_mctx_t *c, const kh_node_t *map, const char *key,
                    const char *path, bool required)
{
    const kh_node_t *v = kh_node_get(map, key);
    if (!v) {
        if (required)
            S_err(c, map, "required", "missing '%s'", path);
        return NULL;
    }
    if (v->kind != KH_NODE_SCALAR || (!v->text[0] && required)) {
        S_err(c, v, "type", "'%s' must be text", path);
        return NULL;
    }
    return S_dup(v->text);
}

static int S_days_in(int year, int month)
{
    static const int D[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : D[month - 1];
}

static void S_read_date(kh_mctx_t *c, const kh_node_t *fm)
{
    const kh_node_t *v = kh_node_get(fm, "date");
    kh_plan_t *p = c->plan;
    if (!v) {
        S_err(c, fm, "required", "missing '%s'", "date");
        return;
    }
    char tail;
    int n = v->kind == KH_NODE_SCALAR
                ? sscanf(v->text, "%4d-%2d-%2d%c", &p->year, &p->month, &p->day,
                         &tail)
                : 0;
    if (n < 1 || n > 3 || p->year < 1900 || p->year > 2999 ||
        (n >= 2 && (p->month < 1 || p->month > 12)) ||
        (n == 3 && (p->day < 1 || p->day > S_days_in(p->year, p->month)))) {
        S_err(c, v, "date", "'date' must be a real date YYYY-MM-DD (drafts: "
              "YYYY-MM or YYYY), not '%s'", v->kind == KH_NODE_SCALAR ? v->text : "…");
        return;
    }
    if (n < 3)
        p->day = 0;
    if (n < 2)
        p->month = 0;
}

static void S_read_recipients(kh_mctx_t *c, const kh_node_t *fm)
{
    const kh_node_t *r = kh_node_get(fm, "recipients");
    if (!r || r->kind != KH_NODE_SEQ) {
        S_err(c, r ? r : fm, "required", "'%s' must be a list of recipients",
              "recipients");
        return;
    }
    c->plan->recipients = calloc(r->n ? r->n : 1, sizeof(char *));
    for (size_t i = 0; i < r->n; i++) {
        const kh_node_t *it = r->kids[i];
        if (it->kind != KH_NODE_SCALAR) {
            S_err(c, it, "recipient-mapping",
                  "this recipient is not text (an unquoted ': ' makes it a "
                  "mapping): quote it%s; the 'Lưu' line goes in 'archive:'",
                  "");
            continue;
        }
        c->plan->recipients[c->plan->nrecipients++] = S_dup(it->text);
    }
}

static void S_read_numbering(kh_mctx_t *c, const kh_node_t *fm)
{
    const kh_node_t *n = kh_node_get(fm, "numbering");
    if (!n)
        return;
    if (n->kind != KH_NODE_SEQ || n->n > KH_MAX_LEVELS) {
        S_err(c, n, "type", "'%s' must list one format per heading level",
              "numbering");
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        if (n->kids[i]->kind != KH_NODE_SCALAR)
            S_err(c, n->kids[i], "type", "'%s' items must be text", "numbering");
        else
            c->plan->numbering[i] = S_dup(n->kids[i]->text);
    }
}

static void S_read_front(kh_mctx_t *c)
{
    const kh_node_t *fm = c->src->front;
    kh_plan_t *p = c->plan;
    if (!fm || fm->kind != KH_NODE_MAP) {
        S_err(c, fm, "front-matter", "the front matter must be a YAML mapping%s",
              "");
        return;
    }
    const kh_node_t *iss = kh_node_get(fm, "issuer");
    if (!iss || iss->kind != KH_NODE_MAP)
        S_err(c, iss ? iss : fm, "required", "'%s' must give name and code",
              "issuer");
    p->parent = S_text(c, iss, "parent", "issuer.parent", false);
    p->issuer = S_text(c, iss, "name", "issuer.name", true);
    p->issuer_code = S_text(c, iss, "code", "issuer.code", true);
    p->number = S_text(c, fm, "number", "number", false);
    p->place = S_text(c, fm, "place", "place", true);
    S_read_date(c, fm);
    p->title = S_text(c, fm, "title", "title", true);
    S_read_recipients(c, fm);
    p->archive = S_text(c, fm, "archive", "archive", true);
    const kh_node_t *sg = kh_node_get(fm, "signer");
    if (!sg || sg->kind != KH_NODE_MAP)
        S_err(c, sg ? sg : fm, "required", "'%s' must give title and name",
              "signer");
    p->authority = S_text(c, sg, "authority", "signer.authority", false);
    p->on_behalf_of = S_text(c, sg, "on_behalf_of", "signer.on_behalf_of", false);
    p->signer_title = S_text(c, sg, "title", "signer.title", true);
    p->signer_name = S_text(c, sg, "name", "signer.name", true);
    S_read_numbering(c, fm);
}

/* ---- body ---- */

static kh_block_t *S_new_block(kh_mctx_t *c, kh_block_kind_t kind,
                               cmark_node *at)
{
    kh_plan_t *p = c->plan;
    p->blocks = kh_array_grow(p->blocks, p->nblocks, &c->cap, sizeof *p->blocks, 64);
    kh_block_t *b = &p->blocks[p->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->line = kh_source_body_line(c->src, cmark_node_get_start_line(at));
    b->col = cmark_node_get_start_column(at);
    return b;
}

/* Appends text with a style, merging with the previous span when equal.
 * Both the span list and a span's text grow by doubling: a paragraph of a
 * million soft breaks must stay linear. */
static void S_add_span(kh_block_t *b, const char *text, size_t len,
                       unsigned style)
{
    kh_span_t *last = b->nspans ? &b->spans[b->nspans - 1] : NULL;
    if (!last || (style & KH_SPAN_BREAK) || last->style != style) {
        b->spans = kh_array_grow(b->spans, b->nspans, &b->cap_spans, sizeof *b->spans, 8);
        last = &b->spans[b->nspans++];
        *last = (kh_span_t){NULL, 0, 0, style};
    }
    if (last->len + len + 1 > last->cap) {
        size_t cap = last->cap ? last->cap : 32;
        while (cap < last->len + len + 1)
            cap *= 2;
        char *t = realloc(last->text, cap);
        if (!t)
            abort();
        last->text = t;
        last->cap = cap;
    }
    memcpy(last->text + last->len, text, len);
    last->len += len;
    last->text[last->len] = '\0';
}

/* Replaces a span's text (which it takes over). */
static void S_set_span_text(kh_span_t *sp, char *text)
{
    free(sp->text);
    sp->text = text;
    sp->len = strlen(text);
    sp->cap = sp->len + 1;
}

static void S_inlines(kh_block_t *b, cmark_node *parent, unsigned style)
{
    for (cmark_node *n = cmark_node_first_child(parent); n;
         n = cmark_node_next(n)) {
        const char *lit;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_HTML_INLINE:
            lit = cmark_node_get_literal(n);
            S_add_span(b, lit, strlen(lit), style);
            break;
        case CMARK_NODE_SOFTBREAK:
            S_add_span(b, " ", 1, style);
            break;
        case CMARK_NODE_LINEBREAK:
            S_add_span(b, "", 0, style | KH_SPAN_BREAK);
            break;
        case CMARK_NODE_EMPH:
            S_inlines(b, n, style | KH_SPAN_ITALIC);
            break;
        case CMARK_NODE_STRONG:
            S_inlines(b, n, style | KH_SPAN_BOLD);
            break;
        default: /* links, images: their text */
            S_inlines(b, n, style);
            break;
        }
    }
}

static unsigned S_heading_style(const kh_heading_style_t *hs)
{
    return (hs->bold ? KH_SPAN_BOLD : 0) | (hs->italic ? KH_SPAN_ITALIC : 0);
}

/* Drops a hand-written number from the heading's first span. */
static void S_strip_number(kh_block_t *b)
{
    if (!b->nspans)
        return;
    kh_span_t *sp = &b->spans[0];
    size_t k = kh_heading_number_prefix(sp->text);
    if (k) {
        memmove(sp->text, sp->text + k, sp->len - k + 1);
        sp->len -= k;
    }
}

static bool S_ends_with_colon(const kh_block_t *b)
{
    for (size_t i = b->nspans; i-- > 0;) {
        const char *t = b->spans[i].text;
        size_t n = strlen(t);
        while (n && t[n - 1] == ' ')
            n--;
        if (n)
            return t[n - 1] == ':';
    }
    return false;
}

/* Number + text, all in the level's style (bold/italic added to what the
 * text already has), upper-cased if the level says so. */
static void S_style_heading(kh_mctx_t *c, kh_block_t *b, int level)
{
    const kh_template_t *t = c->tpl;
    int li = level <= t->nheadings ? level - 1 : t->nheadings - 1;
    const kh_heading_style_t *hs = &t->headings[li];
    const char *fmt = kh_level_format(t, c->plan->numbering, level);
    c->counters[level - 1]++;
    for (int i = level; i < KH_MAX_LEVELS; i++)
        c->counters[i] = 0;
    char label[64];
    kh_number_format(fmt, c->counters, label, sizeof label);
    unsigned add = S_heading_style(hs);
    for (size_t i = 0; i < b->nspans; i++) {
        b->spans[i].style |= add;
        if (hs->upper)
            S_set_span_text(&b->spans[i], kh_text_upper(b->spans[i].text));
    }
    if (label[0]) { /* "I. " goes first: build it alone, then shift it in */
        kh_block_t tmp = {0};
        S_add_span(&tmp, label, strlen(label), add);
        S_add_span(&tmp, " ", 1, add);
        S_add_span(b, "", 0, KH_SPAN_BREAK); /* room for one more span */
        free(b->spans[b->nspans - 1].text);
        memmove(b->spans + 1, b->spans, (b->nspans - 1) * sizeof *b->spans);
        b->spans[0] = tmp.spans[0];
        free(tmp.spans);
    }
    b->space_before = hs->space_before_pt;
}

/* ---- tables ---- */

/* Columns a table may have: wider ones are not tables a plan prints. */
#define KH_MAX_TABLE_COLS 32

static const char *S_trim(const char *s, size_t *len)
{
    while (*len && (*s == ' ' || *s == '\t'))
        s++, (*len)--;
    while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\r'))
        (*len)--;
    return s;
}

bool kh_table_is_delimiter(const char *line, size_t len)
{
    line = S_trim(line, &len);
    return len >= 3 && memchr(line, '-', len) && memchr(line, '|', len) &&
           strspn(line, "|:- ") >= len;
}

/* Cell boundaries of a row: the unescaped pipes, ignoring an outer pair. */
static int S_split_row(const char *line, size_t len, const char **start,
                       size_t *clen, int max)
{
    line = S_trim(line, &len);
    if (len && line[0] == '|')
        line++, len--;
    if (len && line[len - 1] == '|' && (len < 2 || line[len - 2] != '\\'))
        len--;
    int n = 0;
    size_t from = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && (line[i] != '|' || (i > 0 && line[i - 1] == '\\')))
            continue;
        if (n < max && start) {
            size_t l = i - from;
            start[n] = S_trim(line + from, &l);
            clen[n] = l;
        }
        n++;
        from = i + 1;
    }
    return n;
}

int kh_table_cells(const char *line, size_t len)
{
    return S_split_row(line, len, NULL, NULL, 0);
}

/* A paragraph is a table when every line starts with a pipe and the second
 * is a delimiter row. */
static bool S_is_table(const kh_source_t *src, cmark_node *para, int *first,
                       int *last)
{
    *first = kh_source_body_line(src, cmark_node_get_start_line(para));
    *last = kh_source_body_line(src, cmark_node_get_end_line(para));
    if (*last <= *first)
        return false;
    for (int l = *first; l <= *last; l++) {
        size_t len;
        const char *s = S_trim(kh_source_line(src, l, &len), &len);
        if (!len || s[0] != '|' || (l == *first + 1 && !kh_table_is_delimiter(s, len)))
            return false;
    }
    return true;
}

/* A cell's Markdown inlines (bold, italic) as the cell's spans. */
static void S_cell(kh_block_t *cell, const char *text, size_t len, unsigned style)
{
    kh_buf_t b = {0};
    for (size_t i = 0; i < len; i++)
        if (!(text[i] == '\\' && i + 1 < len && text[i + 1] == '|'))
            kh_buf_put(&b, text + i, 1);
    kh_buf_put(&b, "", 0);
    cmark_node *doc = cmark_parse_document(b.data, b.len, CMARK_OPT_DEFAULT);
    cmark_node *p = doc ? cmark_node_first_child(doc) : NULL;
    if (p && cmark_node_get_type(p) == CMARK_NODE_PARAGRAPH)
        S_inlines(cell, p, style);
    else if (b.len)
        S_add_span(cell, b.data, b.len, style);
    cmark_node_free(doc);
    kh_buf_free(&b);
}

static void S_table(kh_mctx_t *c, cmark_node *para, int first, int last)
{
    kh_block_t *b = S_new_block(c, KH_BLOCK_TABLE, para);
    size_t len;
    const char *head = kh_source_line(c->src, first, &len);
    int cols = S_split_row(head, len, NULL, NULL, 0);
    kh_table_t *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    t->cols = cols < KH_MAX_TABLE_COLS ? cols : KH_MAX_TABLE_COLS;
    t->rows = last - first; /* every line but the delimiter row */
    t->cells = calloc((size_t)t->rows * (size_t)t->cols, sizeof *t->cells);
    if (!t->cells)
        abort();
    b->table = t;
    for (int l = first, r = 0; l <= last; l++) {
        if (l == first + 1)
            continue;
        const char *start[KH_MAX_TABLE_COLS];
        size_t clen[KH_MAX_TABLE_COLS];
        const char *line = kh_source_line(c->src, l, &len);
        int n = S_split_row(line, len, start, clen, KH_MAX_TABLE_COLS);
        for (int k = 0; k < t->cols; k++) {
            kh_block_t *cell = &t->cells[r * t->cols + k];
            cell->kind = KH_BLOCK_PARAGRAPH;
            cell->line = l;
            cell->col = 1;
            if (k < n)
                S_cell(cell, start[k], clen[k], r == 0 ? KH_SPAN_BOLD : 0);
        }
        r++;
    }
}

static void S_walk(kh_mctx_t *c, cmark_node *parent, int depth);

/* Returns the node after the ones consumed (a run-in paragraph). */
static cmark_node *S_heading(kh_mctx_t *c, cmark_node *n)
{
    int level = cmark_node_get_heading_level(n);
    kh_block_t *b = S_new_block(c, KH_BLOCK_HEADING, n);
    b->level = level;
    S_inlines(b, n, 0);
    S_strip_number(b);
    S_style_heading(c, b, level);
    cmark_node *next = cmark_node_next(n);
    if (c->tpl->run_in_colon && next &&
        cmark_node_get_type(next) == CMARK_NODE_PARAGRAPH && S_ends_with_colon(b)) {
        b->kind = KH_BLOCK_PARAGRAPH; /* the heading opens the paragraph */
        S_add_span(b, " ", 1, 0);
        S_inlines(b, next, 0);
        return cmark_node_next(next);
    }
    return next;
}

static void S_list(kh_mctx_t *c, cmark_node *list, int depth)
{
    bool ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    int number = cmark_node_get_list_start(list);
    bool paren = cmark_node_get_list_delim(list) == CMARK_PAREN_DELIM;
    const kh_template_t *t = c->tpl;
    for (cmark_node *item = cmark_node_first_child(list); item;
         item = cmark_node_next(item), number++) {
        char bullet[32];
        if (ordered)
            snprintf(bullet, sizeof bullet, "%d%c ", number, paren ? ')' : '.');
        else
            snprintf(bullet, sizeof bullet, "%s ",
                     t->bullets[depth < (int)t->nbullets ? depth : (int)t->nbullets - 1]);
        cmark_node *first = cmark_node_first_child(item);
        if (first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH) {
            kh_block_t *b = S_new_block(c, KH_BLOCK_PARAGRAPH, first);
            S_add_span(b, bullet, strlen(bullet), 0);
            S_inlines(b, first, 0);
            first = cmark_node_next(first);
        } else {
            kh_block_t *b = S_new_block(c, KH_BLOCK_PARAGRAPH, item);
            S_add_span(b, bullet, strlen(bullet), 0);
        }
        for (cmark_node *n = first; n; n = cmark_node_next(n)) {
            if (cmark_node_get_type(n) == CMARK_NODE_LIST)
                S_list(c, n, depth + 1);
            else if (cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH)
                S_inlines(S_new_block(c, KH_BLOCK_PARAGRAPH, n), n, 0);
        }
    }
}

/* Markdown nests at most this deep in a plan; cmark itself caps nesting,
 * this keeps the recursion here bounded too. */
#define KH_MAX_BODY_DEPTH 32

static void S_walk(kh_mctx_t *c, cmark_node *parent, int depth)
{
    if (depth > KH_MAX_BODY_DEPTH)
        return;
    for (cmark_node *n = cmark_node_first_child(parent); n;) {
        cmark_node *next = cmark_node_next(n);
        const char *lit;
        int first, last;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            if (S_is_table(c->src, n, &first, &last))
                S_table(c, n, first, last);
            else
                S_inlines(S_new_block(c, KH_BLOCK_PARAGRAPH, n), n, 0);
            break;
        case CMARK_NODE_HEADING:
            next = S_heading(c, n);
            break;
        case CMARK_NODE_LIST:
            S_list(c, n, 0);
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            S_walk(c, n, depth + 1);
            break;
        case CMARK_NODE_CODE_BLOCK:
        case CMARK_NODE_HTML_BLOCK:
            lit = cmark_node_get_literal(n);
            S_add_span(S_new_block(c, KH_BLOCK_PARAGRAPH, n), lit,
                       strcspn(lit, "\n"), 0);
            break;
        default:
            break;
        }
        n = next;
    }
}

kh_plan_t *kh_plan_build(const kh_source_t *src, const kh_template_t *tpl,
                         kh_diag_list_t *diags)
{
    kh_plan_t *plan = calloc(1, sizeof *plan);
    if (!plan)
        abort();
    kh_mctx_t c = {.src = src, .tpl = tpl, .diags = diags, .plan = plan, .ok = true};
    S_read_front(&c);
    if (c.ok)
        S_walk(&c, src->body_doc, 0);
    if (!c.ok) {
        kh_plan_free(plan);
        return NULL;
    }
    return plan;
}

static void S_free_block(kh_block_t *b)
{
    for (size_t k = 0; k < b->nspans; k++)
        free(b->spans[k].text);
    free(b->spans);
    if (b->table) {
        for (int i = 0; i < b->table->rows * b->table->cols; i++)
            S_free_block(&b->table->cells[i]);
        free(b->table->cells);
        free(b->table);
    }
}

void kh_plan_free(kh_plan_t *p)
{
    if (!p)
        return;
    char **strs[] = {&p->parent, &p->issuer, &p->issuer_code, &p->number,
                     &p->place, &p->title, &p->archive, &p->authority,
                     &p->on_behalf_of, &p->signer_title, &p->signer_name};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(*strs[i]);
    for (size_t i = 0; i < p->nrecipients; i++)
        free(p->recipients[i]);
    free(p->recipients);
    for (int i = 0; i < KH_MAX_LEVELS; i++)
        free(p->numbering[i]);
    for (size_t i = 0; i < p->nblocks; i++)
        S_free_block(&p->blocks[i]);
    free(p->blocks);
    free(p);
}
