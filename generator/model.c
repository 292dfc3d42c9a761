/* Building the document model.
 *
 * Front matter: each field is read with its position, so a missing or
 * mistyped one is reported where it is (or where it belongs). Body:
 * cmark-gfm parses the Markdown as GitHub does (load.c); one walk, the
 * same for the top level, list items and quotes, turns its blocks into
 * paragraphs, headings and tables (model_table.c) of styled spans.
 * Headings are numbered from the structure with the template's per-level
 * format (a hand-written number is dropped and renumbered), level styles
 * add bold/italic/upper case, list items become
 * paragraphs that start with the marker the clerk typed ("-" and "+" are
 * different levels to a clerk), and a heading that ends in a colon and is
 * followed by a paragraph is run into it ("1. Tập thể: Các phòng …").
 *
 * Issue 9's promise holds here: every construct a clerk may type prints
 * all its text, or gets a diagnostic at its position (docs/rules.md, "The
 * Markdown body"): code blocks, HTML (read with libxml2), links with their
 * address, footnotes as typed; images and too-deep nesting are errors. */
#include "model_internal.h"

#include <cmark-gfm.h>
#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "text.h"
#include "wording.h"
#include "xml.h"

/* A front-matter value as it prints: a copy without the invisible
 * characters (validate warns about each, invisible-char). */
static char *S_printed(const char *s)
{
    char *d = kh_strdup(s);
    kh_text_drop_invisible(d, strlen(d));
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

void kh_number_next(int counters[KH_MAX_LEVELS], int level, const char *format,
                    char *out, size_t out_size)
{
    counters[level - 1]++;
    for (int i = level; i < KH_MAX_LEVELS; i++)
        counters[i] = 0;
    kh_number_format(format, counters, out, out_size);
}

size_t kh_heading_number_prefix(const char *s)
{
    size_t i = 0;
    if (strchr("IVXLC", s[0]) && s[0]) {
        while (s[i] && strchr("IVXLC", s[i]))
            i++;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == ' ' && (s[i + 1] == '-' || !strncmp(s + i + 1, "\u2013", 3))) {
            i += s[i + 1] == '-' ? 2 : 4; /* "I - MỤC ĐÍCH", "II – …" */
        } else {
            return 0;
        }
    } else if (s[0] >= 'A' && s[0] <= 'Z' && s[1] == '.') {
        i = 2; /* "A. PHẦN CHUNG", "B. …" */
    } else if (isdigit((unsigned char)s[0])) {
        bool dotted = false; /* "2.1 Mục tiêu": a multi-level number needs
                                no final dot, a lone "2025 " is a word */
        for (;;) {
            while (isdigit((unsigned char)s[i]))
                i++;
            if (s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
                i++;
                dotted = true;
                continue;
            }
            break;
        }
        if (s[i] == '.' || s[i] == ')')
            i++;
        else if (!dotted)
            return 0;
    } else if (s[0] >= 'a' && s[0] <= 'z' && (s[1] == ')' || s[1] == '.')) {
        i = 2; /* "a)" as the decree writes items, "b." as clerks type them */
    } else if (strncmp(s, "đ)", 3) == 0 || strncmp(s, "đ.", 3) == 0) {
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


/* libxml2 for the HTML at line:col, or NULL with an error (once a plan):
 * without it the HTML's text would be lost. */
static const kh_xml_t *S_xml(kh_mctx_t *c, int line, int col)
{
    const char *why = NULL;
    const kh_xml_t *x = kh_xml(&why);
    if (!x && !c->no_xml) {
        c->no_xml = true;
        kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_ERROR, "html",
                    "HTML is read with libxml2, which could not be loaded (%s): "
                    "install libxml2", why);
        c->ok = false;
    }
    return x;
}

static void S_err(kh_mctx_t *c, const kh_node_t *at, const char *rule,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void S_err(kh_mctx_t *c, const kh_node_t *at, const char *rule,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_diag_addv(c->diags, c->src->path, at ? at->line : 1, at ? at->col : 1,
                 KH_SEV_ERROR, rule, fmt, ap);
    va_end(ap);
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
    return S_printed(v->text);
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
        (n == 3 && (p->day < 1 || p->day > kh_days_in_month(p->year, p->month)))) {
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
                  "mapping): quote it; the 'Lưu' line goes in 'archive:'");
            continue;
        }
        c->plan->recipients[c->plan->nrecipients++] = S_printed(it->text);
    }
}

/* addressees: is optional; the schema checks its items (text, one line,
 * no closing ';' or '.'), so what is not text is only skipped here. */
static void S_read_addressees(kh_mctx_t *c, const kh_node_t *fm)
{
    const kh_node_t *a = kh_node_get(fm, "addressees");
    if (!a || a->kind != KH_NODE_SEQ || !a->n)
        return;
    c->plan->addressees = calloc(a->n, sizeof(char *));
    if (!c->plan->addressees)
        abort();
    for (size_t i = 0; i < a->n; i++)
        if (a->kids[i]->kind == KH_NODE_SCALAR)
            c->plan->addressees[c->plan->naddressees++] = S_printed(a->kids[i]->text);
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
            c->plan->numbering[i] = kh_strdup(n->kids[i]->text);
    }
}

/* Turns each "<br>" (also "<br/>", "<br />", any case) of t into '\n',
 * in place (S_text_lines; a chain item). */
static void S_br_lines(char *t)
{
    size_t out = 0;
    for (size_t i = 0; t[i];) {
        size_t k = 0;
        if (!strncasecmp(t + i, "<br", 3)) {
            k = 3;
            while (t[i + k] == ' ')
                k++;
            if (t[i + k] == '/')
                k++;
            k = t[i + k] == '>' ? k + 1 : 0;
        }
        if (k) {
            t[out++] = '\n';
            i += k;
        } else {
            t[out++] = t[i++];
        }
    }
    t[out] = '\0';
}

/* A field the layout prints on several lines when asked (title, issuer
 * names, signer lines): "<br>" typed in it is a line break, as a YAML
 * block's line ends are, and as GitHub shows "<br>" in the body. */
static char *S_text_lines(kh_mctx_t *c, const kh_node_t *map, const char *key,
                          const char *path, bool required)
{
    char *t = S_text(c, map, key, path, required);
    if (t)
        S_br_lines(t);
    return t;
}

/* One body and its signer (issuer and signer, or an item of issuers:
 * path "issuers item" names it in messages). own: the plan has a closing
 * of its own, so the signer is required (false for a plan issued with a
 * decision, attached_to: the decision is signed, not the plan). */
static void S_read_issuer(kh_mctx_t *c, const kh_node_t *iss, const kh_node_t *sg,
                          const char *path, bool own, kh_issuer_t *o)
{
    char ip[64], sp[64], k[96];
    snprintf(ip, sizeof ip, "%s", path ? path : "issuer");
    snprintf(sp, sizeof sp, "%s%s", path ? path : "", path ? ".signer" : "signer");
    if (!iss || iss->kind != KH_NODE_MAP)
        S_err(c, iss ? iss : c->src->front, "required", "'%s' must give name and code",
              ip);
#define P(a, key) (snprintf(k, sizeof k, "%s.%s", a, key), k)
    o->parent = S_text_lines(c, iss, "parent", P(ip, "parent"), false);
    o->name = S_text_lines(c, iss, "name", P(ip, "name"), true);
    o->code = S_text(c, iss, "code", P(ip, "code"), true);
    o->full_name = S_text(c, iss, "full_name", P(ip, "full_name"), false);
    if (!sg && !own)
        return; /* a plan issued with a decision: no signer of its own */
    if (!sg || sg->kind != KH_NODE_MAP)
        S_err(c, sg ? sg : iss ? iss : c->src->front, "required",
              "'%s' must give title and name", sp);
    else
        o->signer_line = sg->line, o->signer_col = sg->col;
    const kh_node_t *ch = kh_node_get(sg, "chain");
    for (size_t i = 0; ch && ch->kind == KH_NODE_SEQ && i < ch->n; i++) {
        if (ch->kids[i]->kind != KH_NODE_SCALAR) {
            S_err(c, ch->kids[i], "type", "'%s' items must be text", P(sp, "chain"));
            continue;
        }
        char **g = realloc(o->chain, (o->nchain + 1) * sizeof *g);
        if (!g)
            abort();
        o->chain = g;
        /* a chain item is a signer line as the title is: "<br>" breaks it
         * ("TM. BAN CHẤP HÀNH<br>CÔNG ĐOÀN NGÀNH Y TẾ") */
        o->chain[o->nchain] = S_printed(ch->kids[i]->text);
        S_br_lines(o->chain[o->nchain++]);
    }
    o->authority = S_text(c, sg, "authority", P(sp, "authority"), false);
    o->on_behalf_of = S_text_lines(c, sg, "on_behalf_of", P(sp, "on_behalf_of"), false);
    /* the title may be left out after a chain ending in "Q." (validate.c,
     * signer-title, says where else) */
    o->title = S_text_lines(c, sg, "title", P(sp, "title"), !o->nchain);
    o->other_title = S_text_lines(c, sg, "other_title", P(sp, "other_title"), false);
    o->name_signed = S_text_lines(c, sg, "name", P(sp, "name"), true);
    kh_mod_esign_signer(c, sg, sp, o);
#undef P
}

/* issuer + signer, or a joint plan's issuers (lead first: the order of
 * the number's codes). The plan's issuer fields are the lead's; its code
 * the codes joined with '-'. validate.c's joint- rules check the list. */
static void S_read_issuers(kh_mctx_t *c, const kh_node_t *fm, bool own)
{
    kh_plan_t *p = c->plan;
    const kh_node_t *list = kh_node_get(fm, "issuers");
    if (!list || list->kind != KH_NODE_SEQ || !list->n) {
        p->issuers = calloc(1, sizeof *p->issuers);
        if (!p->issuers)
            abort();
        p->nissuers = 1;
        S_read_issuer(c, kh_node_get(fm, "issuer"), kh_node_get(fm, "signer"), NULL,
                      own, &p->issuers[0]);
        p->issuers[0].lead = true;
    } else {
        p->joint = true;
        p->issuers = calloc(list->n, sizeof *p->issuers);
        if (!p->issuers)
            abort();
        size_t lead = 0;
        for (size_t i = list->n; i-- > 0;) {
            const kh_node_t *l = kh_node_get(list->kids[i], "lead");
            if (l && l->kind == KH_NODE_SCALAR && !strcmp(l->text, "true"))
                lead = i;
        }
        /* the lead first, the others in the order given */
        for (size_t i = 0, k = 0; i < list->n; i++) {
            size_t from = i == 0 ? lead : (i <= lead ? i - 1 : i);
            const kh_node_t *it = list->kids[from];
            S_read_issuer(c, it, kh_node_get(it, "signer"), "issuers item",
                          own, &p->issuers[k]);
            p->issuers[k++].lead = i == 0;
        }
        p->nissuers = list->n;
    }
    kh_issuer_t *l = &p->issuers[0];
    p->parent = l->parent ? strdup(l->parent) : NULL;
    p->issuer = l->name ? strdup(l->name) : NULL;
    kh_buf_t b = {0};
    bool all = true;
    for (size_t i = 0; i < p->nissuers; i++) {
        all = all && p->issuers[i].code;
        if (p->issuers[i].code)
            kh_buf_printf(&b, "%s%s", i ? "-" : "", p->issuers[i].code);
    }
    p->issuer_code = kh_buf_take(&b);
    p->doc_code = p->joint ? c->tpl->joint_doc_code : c->tpl->doc_code;
    if (!all) {
        free(p->issuer_code);
        p->issuer_code = NULL;
    }
}

static void S_read_front(kh_mctx_t *c)
{
    const kh_node_t *fm = c->src->front;
    kh_plan_t *p = c->plan;
    p->run_in_colon = c->tpl->run_in_colon;
    if (!fm || fm->kind != KH_NODE_MAP) {
        S_err(c, fm, "front-matter", "the front matter must be a YAML mapping");
        return;
    }
    /* a plan issued with a decision (attached_to) has no place, date,
     * Nơi nhận or signer of its own (model_marks.c; given, they are
     * validate's attached-field errors) */
    bool own = !kh_node_get(fm, "attached_to");
    S_read_issuers(c, fm, own);
    p->number = S_text(c, fm, "number", "number", false);
    p->place = S_text(c, fm, "place", "place", own);
    if (own || kh_node_get(fm, "date"))
        S_read_date(c, fm);
    p->title = S_text_lines(c, fm, "title", "title", true);
    if (own || kh_node_get(fm, "recipients"))
        S_read_recipients(c, fm);
    S_read_addressees(c, fm);
    p->archive = S_text(c, fm, "archive", "archive", own);
    S_read_numbering(c, fm);
    /* the plan's run_in_colon (checked boolean by the schema) over the template's */
    const kh_node_t *ric = kh_node_get(fm, "run_in_colon");
    if (ric && ric->kind == KH_NODE_SCALAR)
        p->run_in_colon = !strcmp(ric->text, "true");
}

/* ---- body ---- */

static int S_file_line(const kh_mctx_t *c, int cmark_line)
{
    return kh_source_body_line(c->src, cmark_line);
}

void kh_mod_diag(kh_mctx_t *c, int line, int col, kh_severity_t sev,
                 const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_diag_addv(c->diags, c->src->path, line, col, sev, rule, fmt, ap);
    va_end(ap);
    if (sev == KH_SEV_ERROR)
        c->ok = false;
}

static kh_block_t *S_new_block_at(kh_mctx_t *c, kh_block_kind_t kind, int line,
                                  int col)
{
    kh_plan_t *p = c->plan;
    p->blocks = kh_array_grow(p->blocks, p->nblocks, &c->cap, sizeof *p->blocks, 64);
    kh_block_t *b = &p->blocks[p->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->line = line;
    b->col = col;
    return b;
}

void kh_mod_node_pos(const kh_mctx_t *c, cmark_node *n, int *line, int *col)
{
    *line = S_file_line(c, cmark_node_get_start_line(n));
    int bc = cmark_node_get_start_column(n);
    *col = kh_source_col(c->src, *line, bc > 0 ? (size_t)bc - 1 : 0);
}

/* Appends text with a style, merging with the previous span when equal.
 * Both the span list and a span's text grow by doubling: a paragraph of a
 * million soft breaks must stay linear. */
static void S_add_span(kh_text_t *b, const char *text, size_t len,
                       unsigned style)
{
    kh_span_t *last = b->nspans ? &b->spans[b->nspans - 1] : NULL;
    if (!last || (style & (KH_SPAN_BREAK | KH_SPAN_NOTE)) || last->style != style) {
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
    /* invisible characters print nothing (validate warns: invisible-char) */
    last->len += kh_text_drop_invisible(last->text + last->len, len);
    last->text[last->len] = '\0';
}

void kh_mod_add_span(kh_text_t *t, const char *text, size_t len, unsigned style)
{
    S_add_span(t, text, len, style);
}

/* A new paragraph, heading or table at a file position. A list item's
 * marker waits in c->bullet for the first block the item prints, whatever
 * its kind (a table gets it on a line of its own). */
static kh_block_t *S_open(kh_mctx_t *c, kh_block_kind_t kind, int line, int col)
{
    if (c->bullet[0] && kind == KH_BLOCK_TABLE)
        S_open(c, KH_BLOCK_PARAGRAPH, line, col);
    kh_block_t *b = S_new_block_at(c, kind, line, col);
    if (c->bullet[0]) { /* a paragraph or heading: a table's went before it */
        S_add_span(&b->para.text, c->bullet, strlen(c->bullet), 0);
        c->bullet[0] = '\0';
    }
    return b;
}

kh_block_t *kh_mod_open(kh_mctx_t *c, kh_block_kind_t kind, int line, int col)
{
    return S_open(c, kind, line, col);
}

kh_block_t *kh_mod_open_at(kh_mctx_t *c, kh_block_kind_t kind, cmark_node *at)
{
    int line, col;
    kh_mod_node_pos(c, at, &line, &col);
    return S_open(c, kind, line, col);
}

/* Replaces a span's text (which it takes over). */
static void S_set_span_text(kh_span_t *sp, char *text)
{
    free(sp->text);
    sp->text = text;
    sp->len = strlen(text);
    sp->cap = sp->len + 1;
}

/* ---- inline text ---- */

/* Where inline text was typed, for the positions of its diagnostics.
 * Nodes of the plan's own tree carry cmark's byte columns, but cmark counts
 * a paragraph's later lines from after their leading blanks, so the walk
 * adds those back. Text parsed again on its own (an indented paragraph)
 * has its own cmark lines: shift gives, per line, the
 * bytes of the file line before that text. */
typedef struct {
    int line0;           /* file line of cmark line 1 */
    int first;           /* cmark line of the block's first line */
    const size_t *shift; /* NULL for the plan's own tree */
    int nshift;
} kh_origin_t;

typedef struct {
    kh_mctx_t *c;
    kh_text_t *t;        /* the text being filled (no block is added meanwhile) */
    const kh_origin_t *o;
    unsigned base;       /* style of the whole text (headings, header cells) */
    int bold, italic;    /* open ** and * */
    int html_bold, html_italic; /* open <b>/<strong>, <i>/<em> */
    int sup, sub;        /* open <sup>, <sub> */
    int cur_line;        /* cmark line of the last positioned node */
    size_t cur_skip;     /* its leading blanks (plan's own tree) */
    bool space;          /* the last printed character is a typed space */
    cmark_node *space_node; /* the text it ends (NULL: a line end) */
    size_t space_off;    /* its byte in that text: found only when needed */
    bool in_link, footnote;
    kh_buf_t link_text;
    bool in_a;
    char *href;          /* of the open <a> */
    kh_buf_t a_text;
} kh_inl_t;

static kh_text_t *S_cur(kh_inl_t *st)
{
    return st->t;
}

static unsigned S_style(const kh_inl_t *st)
{
    /* <sup> and <sub> nested in each other: the inner one wins */
    return st->base | (st->bold || st->html_bold ? KH_SPAN_BOLD : 0) |
           (st->italic || st->html_italic ? KH_SPAN_ITALIC : 0) |
           (st->sup > 0 && st->sub == 0 ? KH_SPAN_SUP : 0) |
           (st->sub > 0 ? KH_SPAN_SUB : 0);
}

static void S_print(kh_inl_t *st, const char *s, size_t n)
{
    S_add_span(S_cur(st), s, n, S_style(st));
    if (st->in_link)
        kh_buf_put(&st->link_text, s, n);
    if (st->in_a)
        kh_buf_put(&st->a_text, s, n);
}

/* File line and byte offset of a node's start. */
static void S_inl_byte(kh_inl_t *st, cmark_node *n, int *line, size_t *byte)
{
    const kh_origin_t *o = st->o;
    int cl = cmark_node_get_start_line(n), cc = cmark_node_get_start_column(n);
    if (cl <= 0) { /* soft breaks have no position */
        cl = st->cur_line > 0 ? st->cur_line : o->first;
        cc = 1;
    }
    *line = o->line0 + cl - 1;
    *byte = cc > 0 ? (size_t)cc - 1 : 0;
    if (o->shift) {
        if (cl - 1 < o->nshift)
            *byte += o->shift[cl - 1];
        return;
    }
    if (cl != st->cur_line) { /* the first node of a line: find its blanks */
        st->cur_line = cl;
        st->cur_skip = 0;
        if (cl > o->first) {
            size_t len;
            const char *s = kh_source_line(st->c->src, *line, &len);
            while (*byte + st->cur_skip < len &&
                   (s[*byte + st->cur_skip] == ' ' || s[*byte + st->cur_skip] == '\t'))
                st->cur_skip++;
        }
    }
    *byte += st->cur_skip;
}

static void S_inl_pos(kh_inl_t *st, cmark_node *n, size_t extra,
                      kh_severity_t sev, int *line, int *col)
{
    if (kh_diag_full(st->c->diags, sev)) { /* only counted: no position */
        *line = *col = 0;
        return;
    }
    size_t byte;
    S_inl_byte(st, n, line, &byte);
    *col = kh_source_col(st->c->src, *line, byte + extra);
}

/* , ; : . ! ? ) ” % : marks typed right after the word they follow. */
static size_t S_closing_mark(const char *s, size_t n)
{
    if (n && strchr(",;:.!?)%", s[0]) && s[0])
        return 1;
    return n >= 3 && !memcmp(s, "”", 3) ? 3 : 0;
}

/* A footnote reference or definition label "[^x]" at s: its length. */
static size_t S_footnote_label(const char *s, size_t n)
{
    if (n < 4 || s[0] != '[' || s[1] != '^')
        return 0;
    for (size_t k = 2; k < n; k++) {
        if (s[k] == ']')
            return k > 2 ? k + 1 : 0;
        if (s[k] == ' ' || s[k] == '[')
            return 0;
    }
    return 0;
}

size_t kh_mod_footnote_label(const char *s, size_t n)
{
    return S_footnote_label(s, n);
}

/* A footnote reference no definition answers: cmark-gfm leaves it as
 * text, so it would print as typed. */
static void S_footnote_diag(kh_mctx_t *c, int line, int col, const char *label,
                            size_t len)
{
    kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_ERROR, "footnote",
                "no note %.*s is defined: the reference would print as typed; "
                "add its definition (\"[^x]: text\") or delete it",
                (int)(len < 60 ? len : 60), label);
    c->ok = false;
}

static const char *S_strip_containers(const char *s, size_t *len);

/* True if the character before line:col in the file is a backslash: a
 * "\\[^1]" typed to print as it is. */
static bool S_escaped(const kh_mctx_t *c, int line, int col)
{
    size_t len, b = kh_source_byte(c->src, line, col);
    const char *s = kh_source_line(c->src, line, &len);
    /* cmark-gfm puts an escaped character's node at its backslash */
    return (b < len && s[b] == '\\') || (b > 0 && s[b - 1] == '\\');
}

/* True if a line of the file opens with the definition "[^label]:"
 * (after container marks): one cmark-gfm dropped, nothing in the
 * Markdown it read referring to it. */
static bool S_defined_in_source(const kh_mctx_t *c, const char *label, size_t n)
{
    for (int l = c->src->body_line; l <= c->src->nlines; l++) {
        size_t len;
        const char *s = kh_source_line(c->src, l, &len);
        s = S_strip_containers(s, &len);
        if (len >= n + 4 && s[0] == '[' && s[1] == '^' && !memcmp(s + 2, label, n) &&
            s[n + 2] == ']' && s[n + 3] == ':')
            return true;
    }
    return false;
}

static void S_inl_text(kh_inl_t *st, cmark_node *n)
{
    const char *t = cmark_node_get_literal(n);
    size_t len = strlen(t), from = 0;
    for (size_t i = 0; i < len; i++) {
        int line, col;
        size_t fl = S_footnote_label(t + i, len - i);
        if (fl) {
            S_inl_pos(st, n, i, KH_SEV_ERROR, &line, &col);
            /* text parsed again on its own (an indented paste) has no
             * definitions: its references are looked up in the body's */
            if (st->o->shift) {
                S_print(st, t + from, i - from);
                if (kh_mod_note_label(st->c, S_cur(st), t + i + 2, fl - 3, S_style(st),
                                      line, col)) {
                    from = i + fl;
                    i += fl - 1;
                    st->space = false;
                    continue;
                }
                from = i;
                if (S_defined_in_source(st->c, t + i + 2, fl - 3)) {
                    kh_diag_add(st->c->diags, st->c->src->path, line, col,
                                KH_SEV_WARNING, "footnote",
                                "footnote reference %.*s in text indented as code is "
                                "printed as typed: its note is referred to nowhere "
                                "else, so it is not read (remove the indent)",
                                (int)(fl < 60 ? fl : 60), t + i);
                    i += fl - 1;
                    continue;
                }
            }
            if (!line || !S_escaped(st->c, line, col))
                S_footnote_diag(st->c, line, col, t + i, fl);
            i += fl - 1;
            continue;
        }
        size_t fill = kh_fill_run(t + i, len - i);
        if (fill) { /* a fill-in line "tên: ......": no punctuation */
            i += fill - 1;
            continue;
        }
        size_t m = S_closing_mark(t + i, len - i);
        if (m && (i > 0 ? t[i - 1] == ' ' : st->space)) {
            if (i > 0)
                S_inl_pos(st, n, i - 1, KH_SEV_WARNING, &line, &col);
            else if (st->space_node)
                S_inl_pos(st, st->space_node, st->space_off, KH_SEV_WARNING, &line, &col);
            else
                S_inl_pos(st, n, 0, KH_SEV_WARNING, &line, &col);
            char mark[4] = {0};
            memcpy(mark, t + i, m);
            kh_mod_diag(st->c, line, col, KH_SEV_WARNING, "space-before-punctuation",
                   "a space before '%s': the mark goes right after the word", mark);
        }
        if (m)
            i += m - 1;
    }
    if (len > from) {
        st->space = t[len - 1] == ' ';
        st->space_node = n;
        st->space_off = len - 1;
    }
    S_print(st, t + from, len - from);
}

/* The value of attribute attr of the first element of an HTML tag, read by
 * libxml2's HTML parser; NULL when absent. */
static char *S_html_attr(const kh_xml_t *x, const char *tag, const char *attr)
{
    if (!x)
        return NULL;
    htmlDocPtr doc = x->read_memory(tag, (int)strlen(tag), NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED |
                                        HTML_PARSE_IGNORE_ENC);
    char *value = NULL;
    for (xmlNode *n = doc ? doc->children : NULL; n && !value; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *v = x->get_prop(n, (const xmlChar *)attr);
        if (v) {
            value = kh_strdup((const char *)v);
            x->free(v);
        }
        break;
    }
    x->free_doc(doc);
    return value;
}

/* The lower-case name of an HTML tag ("<B>", "</b>", "<br/>"); false for
 * comments, declarations and processing instructions. */
static bool S_tag_name(const char *s, char *name, size_t size, bool *closing)
{
    if (s[0] != '<')
        return false;
    size_t i = 1, k = 0;
    *closing = s[i] == '/';
    if (*closing)
        i++;
    if (!isalpha((unsigned char)s[i]))
        return false;
    for (; isalnum((unsigned char)s[i]) || s[i] == '-'; i++)
        if (k + 1 < size)
            name[k++] = (char)tolower((unsigned char)s[i]);
    name[k] = '\0';
    return true;
}

/* Is url what the reader already sees as the link's text? */
static bool S_same_url(const char *text, const char *url)
{
    if (!strncmp(url, "mailto:", 7) && strcmp(text, url))
        url += 7;
    return !strcmp(text, url);
}

/* Text, then " (url)" when the url is not the text: the clerk signs what
 * prints, so where a link points must print too. */
static void S_link_end(kh_inl_t *st, const char *text, const char *url,
                       const char *title)
{
    bool show_url = url && url[0] && !S_same_url(text, url);
    bool show_title = title && title[0];
    if (!show_url && !show_title)
        return;
    bool was_link = st->in_link, was_a = st->in_a;
    st->in_link = st->in_a = false;
    if (text[0])
        S_print(st, " (", 2);
    if (show_url) {
        unsigned base = st->base;
        st->base |= KH_SPAN_VERBATIM; /* the address as typed, in any heading */
        S_print(st, url, strlen(url));
        st->base = base;
    }
    if (show_url && show_title)
        S_print(st, ", ", 2);
    if (show_title)
        S_print(st, title, strlen(title));
    if (text[0])
        S_print(st, ")", 1);
    st->in_link = was_link, st->in_a = was_a;
    st->space = false;
}

/* True if the soft break n follows a word cut by a hyphen, as PDFs lay
 * text out ("nghề nghi-" / "ệp", "Bà Rịa-" / "Vũng Tàu"): Markdown puts a
 * space there, so the word prints as two. A dash between words has a
 * space before it and is not this. */
static bool S_hyphenated_break(cmark_node *n)
{
    cmark_node *prev = cmark_node_previous(n), *next = cmark_node_next(n);
    if (!prev || !next || cmark_node_get_type(prev) != CMARK_NODE_TEXT ||
        cmark_node_get_type(next) != CMARK_NODE_TEXT)
        return false;
    const char *p = cmark_node_get_literal(prev), *t = cmark_node_get_literal(next);
    size_t len = strlen(p);
    return len >= 2 && p[len - 1] == '-' && p[len - 2] != ' ' && p[len - 2] != '-' &&
           t[0] && t[0] != ' ';
}

/* True if the line after the soft break n reads as a line of its own that
 * Markdown joins to the one before: the one before ends an item (';' or
 * ':') and this one opens like the next ("Căn cứ …", "– …", "• …", "b) …"),
 * or this one opens with a dash or bullet Markdown does not read as a list
 * marker (pasted legal bases and point lists). */
static bool S_separate_line(cmark_node *n)
{
    cmark_node *prev = cmark_node_previous(n), *next = cmark_node_next(n);
    if (!next || cmark_node_get_type(next) != CMARK_NODE_TEXT)
        return false;
    const char *t = cmark_node_get_literal(next);
    bool marker = !strncmp(t, "\u2013 ", 4) || !strncmp(t, "\u2014 ", 4) ||
                  !strncmp(t, "\u2022 ", 4) ||
                  (t[0] >= 'a' && t[0] <= 'z' && t[1] == ')' && t[2] == ' ') ||
                  !strncmp(t, "đ) ", 4);
    if (marker)
        return true;
    if (!prev || cmark_node_get_type(prev) != CMARK_NODE_TEXT)
        return false;
    const char *p = cmark_node_get_literal(prev);
    size_t len = strlen(p);
    while (len && p[len - 1] == ' ')
        len--;
    bool ends_item = len && (p[len - 1] == ';' || p[len - 1] == ':');
    return ends_item && (!strncmp(t, "Căn cứ ", strlen("Căn cứ ")) ||
                         !strncmp(t, "Thực hiện ", strlen("Thực hiện ")));
}

static void S_html_inline(kh_inl_t *st, cmark_node *n)
{
    const char *t = cmark_node_get_literal(n);
    int line, col;
    char name[16];
    bool closing;
    if (!strncmp(t, "<!--", 4))
        return; /* a note to the writers: never printed */
    /* the position is found only for a diagnostic: counting the columns
     * of a long line for every tag would be quadratic */
#define KH_TAG_POS(sev) S_inl_pos(st, n, 0, sev, &line, &col)
    if (!strncmp(t, "<![CDATA[", 9)) {
        size_t len = strlen(t);
        S_print(st, t + 9, len >= 12 ? len - 12 : 0);
        KH_TAG_POS(KH_SEV_WARNING);
        kh_mod_diag(st->c, line, col, KH_SEV_WARNING, "html",
               "HTML %s dropped; its text is printed", "CDATA");
        return;
    }
    if (!S_tag_name(t, name, sizeof name, &closing)) {
        KH_TAG_POS(KH_SEV_WARNING);
        kh_mod_diag(st->c, line, col, KH_SEV_WARNING, "html",
               "HTML declaration or instruction %s is not printed", "<!…>/<?…?>");
        return;
    }
    int delta = closing ? -1 : 1;
    if (!strcmp(name, "br")) {
        S_add_span(S_cur(st), "", 0, S_style(st) | KH_SPAN_BREAK);
        st->space = false;
    } else if (!strcmp(name, "b") || !strcmp(name, "strong")) {
        if (st->html_bold + delta >= 0)
            st->html_bold += delta;
    } else if (!strcmp(name, "i") || !strcmp(name, "em")) {
        if (st->html_italic + delta >= 0)
            st->html_italic += delta;
    } else if (!strcmp(name, "sup")) {
        if (st->sup + delta >= 0)
            st->sup += delta;
    } else if (!strcmp(name, "sub")) {
        if (st->sub + delta >= 0)
            st->sub += delta;
    } else if (!strcmp(name, "img")) {
        KH_TAG_POS(KH_SEV_ERROR);
        kh_mod_diag(st->c, line, col, KH_SEV_ERROR, "image",
               "an image cannot be printed: its picture would be lost (%s)",
               "describe it in words");
        st->space = false;
    } else if (!strcmp(name, "a") && !closing) {
        free(st->href);
        const kh_xml_t *x = kh_xml(NULL);
        if (!x) { /* the position only for the error: a line of tags stays linear */
            KH_TAG_POS(KH_SEV_ERROR);
            x = S_xml(st->c, line, col);
        }
        st->href = S_html_attr(x, t, "href");
        st->in_a = true;
        st->a_text.len = 0;
        kh_buf_put(&st->a_text, "", 0);
    } else if (!strcmp(name, "a")) {
        if (st->in_a) {
            st->in_a = false;
            S_link_end(st, st->a_text.data ? st->a_text.data : "", st->href, NULL);
        }
        free(st->href);
        st->href = NULL;
    } else if (!closing) {
        KH_TAG_POS(KH_SEV_WARNING);
        kh_mod_diag(st->c, line, col, KH_SEV_WARNING, "html",
               "HTML tag <%s> dropped; its text is printed", name);
    }
}
#undef KH_TAG_POS

/* The inlines under parent into block b. An iterator, not recursion: emphasis may nest as deep as the file is
 * long. */
static void S_inlines_from(kh_mctx_t *c, kh_text_t *t, cmark_node *parent,
                           unsigned style, const kh_origin_t *o)
{
    kh_inl_t st = {.c = c, .t = t, .o = o, .base = style};
    cmark_iter *it = cmark_iter_new(parent);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (n == parent)
            continue;
        bool enter = ev == CMARK_EVENT_ENTER;
        int line, col;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
            S_inl_text(&st, n);
            break;
        case CMARK_NODE_CODE: {
            const char *lit = cmark_node_get_literal(n);
            S_print(&st, lit, strlen(lit));
            st.space = false;
            break;
        }
        case CMARK_NODE_SOFTBREAK:
            if (S_hyphenated_break(n)) {
                S_inl_pos(&st, cmark_node_next(n), 0, KH_SEV_WARNING, &line, &col);
                kh_mod_diag(c, line, col, KH_SEV_WARNING, "hyphenated-break",
                       "a word is cut by a hyphen at this line break (as PDFs lay text "
                       "out): it prints as two words ('nghi- ệp'); join the lines");
            } else if (S_separate_line(n)) {
                S_inl_pos(&st, cmark_node_next(n), 0, KH_SEV_WARNING, &line, &col);
                kh_mod_diag(c, line, col, KH_SEV_WARNING, "joined-lines",
                       "this line is joined to the one before it (Markdown makes one "
                       "paragraph of lines with no blank line between them); leave a "
                       "blank line before it, or end the line before with '\\'");
            }
            S_print(&st, " ", 1);
            st.space = true;
            st.space_node = NULL;
            break;
        case CMARK_NODE_LINEBREAK:
            S_add_span(S_cur(&st), "", 0, S_style(&st) | KH_SPAN_BREAK);
            st.space = false;
            break;
        case CMARK_NODE_EMPH:
            st.italic += enter ? 1 : -1;
            break;
        case CMARK_NODE_STRONG:
            st.bold += enter ? 1 : -1;
            break;
        case CMARK_NODE_HTML_INLINE:
            S_html_inline(&st, n);
            break;
        case CMARK_NODE_LINK: {
            /* [^1] with a one-word definition "[^1]: note" is a link to cmark */
            cmark_node *first = cmark_node_first_child(n);
            if (enter) {
                st.footnote = first && cmark_node_get_type(first) == CMARK_NODE_TEXT &&
                              cmark_node_get_literal(first)[0] == '^';
                if (st.footnote) {
                    S_inl_pos(&st, n, 0, KH_SEV_ERROR, &line, &col);
                    const char *label = cmark_node_get_literal(first);
                    kh_buf_t l = {0};
                    kh_buf_printf(&l, "[%s]", label);
                    S_footnote_diag(c, line, col, l.data, l.len);
                    kh_buf_free(&l);
                    S_print(&st, "[", 1);
                } else {
                    st.in_link = true;
                    st.link_text.len = 0;
                    kh_buf_put(&st.link_text, "", 0);
                    /* an autolink's text is its address: never upper-cased */
                    const char *url = cmark_node_get_url(n);
                    if (first && cmark_node_get_type(first) == CMARK_NODE_TEXT && url &&
                        S_same_url(cmark_node_get_literal(first), url))
                        st.base |= KH_SPAN_VERBATIM;
                }
            } else if (st.footnote) {
                S_print(&st, "]", 1);
                st.footnote = false;
            } else {
                st.in_link = false;
                st.base &= ~(unsigned)KH_SPAN_VERBATIM;
                S_link_end(&st, st.link_text.data, cmark_node_get_url(n),
                           cmark_node_get_title(n));
            }
            break;
        }
        case CMARK_NODE_FOOTNOTE_REFERENCE:
            if (enter) {
                S_inl_pos(&st, n, 0, KH_SEV_WARNING, &line, &col);
                kh_mod_note_ref(c, S_cur(&st), n, S_style(&st), line, col);
                st.space = false;
            }
            break;
        case CMARK_NODE_IMAGE:
            S_inl_pos(&st, n, 0, KH_SEV_ERROR, &line, &col);
            kh_mod_diag(c, line, col, KH_SEV_ERROR, "image",
                   "an image cannot be printed: its picture would be lost (%s)",
                   "describe it in words");
            cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
            st.space = false;
            break;
        default: /* extension inlines: ~~strikethrough~~ */
            if (enter && kh_mod_is(n, "strikethrough")) {
                S_inl_pos(&st, n, 0, KH_SEV_WARNING, &line, &col);
                kh_mod_diag(c, line, col, KH_SEV_WARNING, "strikethrough",
                            "struck-through text is printed as plain text: the "
                            "strike is dropped (delete the text, or say so in words)");
            }
            break;
        }
    }
    cmark_iter_free(it);
    kh_buf_free(&st.link_text);
    kh_buf_free(&st.a_text);
    free(st.href);
}

/* Inlines of a node of the plan's own tree. */
void kh_mod_inlines(kh_mctx_t *c, kh_text_t *b, cmark_node *parent,
                    unsigned style)
{
    kh_origin_t o = {c->src->body_line, cmark_node_get_start_line(parent), NULL, 0};
    S_inlines_from(c, b, parent, style, &o);
}

/* Markdown text parsed on its own (an indented paragraph):
 * its single paragraph's inlines, else the text as typed. */
static void S_reparsed(kh_mctx_t *c, kh_text_t *block, const char *text, size_t len,
                       unsigned style, const kh_origin_t *o)
{
    /* with tables: its lines are the body's, whose pipes load.c bounded */
    cmark_node *doc = kh_markdown_parse(text, len, true);
    cmark_node *p = doc ? cmark_node_first_child(doc) : NULL;
    if (p && cmark_node_get_type(p) == CMARK_NODE_PARAGRAPH && !cmark_node_next(p)) {
        kh_origin_t po = *o;
        po.first = 1;
        S_inlines_from(c, block, p, style, &po);
    } else if (len) {
        kh_buf_t b = {0};
        for (size_t i = 0; i < len; i++)
            kh_buf_put(&b, text[i] == '\n' ? " " : text + i, 1);
        S_add_span(block, b.data, b.len, style);
        kh_buf_free(&b);
    }
    cmark_node_free(doc);
}

/* ---- headings ---- */

static unsigned S_heading_style(const kh_heading_style_t *hs)
{
    return (hs->bold ? KH_SPAN_BOLD : 0) | (hs->italic ? KH_SPAN_ITALIC : 0);
}

/* A format's shape: the style letter of its last counter and the text
 * after it ("{2:1}.{3:1}." → '1' and "."; "{3:a})" → 'a' and ")"). False
 * for a format without a counter. */
static bool S_format_shape(const char *fmt, char *style, const char **tail)
{
    const char *last = NULL;
    for (const char *p = strchr(fmt, '{'); p; p = strchr(p + 1, '{'))
        last = p;
    if (!last || !last[1] || last[2] != ':' || !last[3] || last[4] != '}')
        return false;
    *style = last[3];
    *tail = last + 5;
    return true;
}

/* The bold/italic of a plan's numbering override at level: an override
 * keeps its own look, as the decree sets numbers — "1.1." sub-sections
 * print like the "1." sections (bold upright), "a)" like the template's
 * letter level (bold italic). So: the template's own style when the
 * override is the level's template format or matches no template level;
 * else that of the first template level whose format has the same shape
 * (last counter's style and the text after it). upper and space_before
 * stay the level's own. */
static unsigned S_level_look(const kh_template_t *t, const kh_plan_t *p, int level,
                             const kh_heading_style_t *own)
{
    const char *fmt = p->numbering[level - 1];
    char style, tstyle;
    const char *tail, *ttail;
    if (!fmt || (level <= t->nheadings && !strcmp(fmt, t->headings[level - 1].format)) ||
        !S_format_shape(fmt, &style, &tail))
        return S_heading_style(own);
    for (int i = 0; i < t->nheadings; i++)
        if (S_format_shape(t->headings[i].format, &tstyle, &ttail) &&
            tstyle == style && !strcmp(ttail, tail))
            return S_heading_style(&t->headings[i]);
    return S_heading_style(own);
}

/* Drops a hand-written number from the heading's first span. */
static void S_strip_number(kh_text_t *b)
{
    if (!b->nspans)
        return;
    kh_span_t *sp = &b->spans[0];
    size_t k = kh_heading_number_prefix(sp->text);
    if (!k && b->nspans > 1 && b->spans[1].text[0] == ' ') {
        /* the number in a style of its own: "**3.** Khác", "<b>a)</b> …" */
        char probe[64];
        snprintf(probe, sizeof probe, "%s ", sp->text);
        if (sp->len + 1 < sizeof probe && kh_heading_number_prefix(probe) == sp->len + 1) {
            k = sp->len;
            kh_span_t *next = &b->spans[1];
            size_t w = strspn(next->text, " ");
            memmove(next->text, next->text + w, next->len - w + 1);
            next->len -= w;
        }
    }
    if (k) {
        memmove(sp->text, sp->text + k, sp->len - k + 1);
        sp->len -= k;
    }
}

/* A heading whose whole text is a hand number ("2.", "II.", "a)"): the
 * number is dropped for the structure's, so nothing of it would print. */
static bool S_number_only(const kh_text_t *b)
{
    kh_buf_t t = {0};
    for (size_t i = 0; i < b->nspans; i++)
        kh_buf_put(&t, b->spans[i].text, b->spans[i].len);
    kh_buf_put(&t, " ", 1);
    const char *s = t.data;
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 1 && s[n - 2] == ' ')
        n--;
    bool only = n > 1 && kh_heading_number_prefix(s) >= n;
    kh_buf_free(&t);
    return only;
}

static bool S_ends_with_colon(const kh_text_t *b)
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
static void S_style_heading(kh_mctx_t *c, kh_block_t *block, int level)
{
    const kh_template_t *t = c->tpl;
    int li = level <= t->nheadings ? level - 1 : t->nheadings - 1;
    const kh_heading_style_t *hs = &t->headings[li];
    const char *fmt = kh_level_format(t, c->plan->numbering, level);
    char label[64];
    kh_number_next(c->counters, level, fmt, label, sizeof label);
    unsigned add = S_level_look(t, c->plan, level, hs);
    kh_text_t *b = &block->para.text;
    for (size_t i = 0; i < b->nspans; i++) {
        b->spans[i].style |= add;
        if (hs->upper && !(b->spans[i].style & KH_SPAN_VERBATIM))
            S_set_span_text(&b->spans[i], kh_text_upper(b->spans[i].text));
    }
    if (label[0]) { /* "I. " goes first: build it alone, then shift it in */
        kh_text_t tmp = {0};
        S_add_span(&tmp, label, strlen(label), add);
        S_add_span(&tmp, " ", 1, add);
        S_add_span(b, "", 0, KH_SPAN_BREAK); /* room for one more span */
        free(b->spans[b->nspans - 1].text);
        memmove(b->spans + 1, b->spans, (b->nspans - 1) * sizeof *b->spans);
        b->spans[0] = tmp.spans[0];
        free(tmp.spans);
    }
    block->space_before = hs->space_before_pt;
}

/* ---- code blocks ---- */

/* A fenced block starts with its fence (``` or ~~~) where cmark puts it;
 * an indented one with its text (cmark 0.30 does not say which it is). */
static bool S_fenced(const kh_mctx_t *c, cmark_node *n)
{
    size_t len;
    int line = S_file_line(c, cmark_node_get_start_line(n));
    const char *s = kh_source_line(c->src, line, &len);
    int col = cmark_node_get_start_column(n);
    size_t off = col > 0 ? (size_t)col - 1 : 0;
    if (off >= len)
        return false;
    s += off, len -= off;
    return len >= 3 && (!strncmp(s, "```", 3) || !strncmp(s, "~~~", 3));
}

/* Fenced code: every line printed, one line each. */
static void S_fenced_code(kh_mctx_t *c, cmark_node *n)
{
    const char *lit = cmark_node_get_literal(n);
    int line, col;
    kh_mod_node_pos(c, n, &line, &col);
    kh_mod_diag(c, line, col, KH_SEV_WARNING, "code-block", "a code block is printed "
           "line by line as plain text");
    if (!lit || !lit[0])
        return;
    kh_block_t *b = S_open(c, KH_BLOCK_PARAGRAPH, line, col);
    for (const char *p = lit; *p;) {
        size_t l = strcspn(p, "\n");
        if (p != lit)
            S_add_span(&b->para.text, "", 0, KH_SPAN_BREAK);
        S_add_span(&b->para.text, p, l, 0);
        p += l + (p[l] == '\n');
    }
}

/* An indented paragraph (a paste from Word or e-mail) is code to
 * Markdown: printed as the paragraphs the clerk meant, lines joined, each
 * blank-line-separated part a paragraph with its Markdown read. */
static void S_indented_code(kh_mctx_t *c, cmark_node *n)
{
    const char *lit = cmark_node_get_literal(n);
    int line0, col;
    kh_mod_node_pos(c, n, &line0, &col);
    kh_mod_diag(c, line0, col, KH_SEV_WARNING, "indented-code", "this text is "
           "indented by 4 spaces or more, which Markdown reads as code; it is "
           "printed as a paragraph (remove the indent)");
    kh_buf_t text = {0};
    size_t *shift = NULL, nshift = 0, cap = 0;
    int line = line0, part_line = 0;
    for (const char *p = lit ? lit : ""; ; line++) {
        size_t l = strcspn(p, "\n"), lead = 0;
        while (lead < l && (p[lead] == ' ' || p[lead] == '\t'))
            lead++;
        bool blank = lead == l;
        if ((blank || !*p) && nshift) { /* a part ends */
            kh_block_t *b = S_open(c, KH_BLOCK_PARAGRAPH, part_line,
                                   kh_source_col(c->src, part_line, shift[0]));
            kh_origin_t o = {part_line, 1, shift, (int)nshift};
            S_reparsed(c, &b->para.text, text.data, text.len, 0, &o);
            text.len = 0;
            nshift = 0;
        }
        if (!*p)
            break;
        if (!blank) {
            if (!nshift)
                part_line = line;
            else
                kh_buf_put(&text, "\n", 1);
            kh_buf_put(&text, p + lead, l - lead);
            /* what the file line has before this text: container prefix,
             * the indent */
            size_t flen;
            kh_source_line(c->src, line, &flen);
            shift = kh_array_grow(shift, nshift, &cap, sizeof *shift, 8);
            shift[nshift++] = (flen > l ? flen - l : 0) + lead;
        }
        p += l + (p[l] == '\n');
    }
    kh_buf_free(&text);
    free(shift);
}

/* ---- HTML blocks ---- */

typedef struct {
    kh_mctx_t *c;
    int line0, col0;  /* the block's position */
    long cur;         /* index of the paragraph being filled; -1: none yet */
    int cur_line;     /* file line of the element being read */
    int bold, italic, pre;
    int sup, sub;     /* open <sup>, <sub> */
    bool space;       /* a space is due before the next word */
    bool warned;
    bool in_a;
    char *href;
    kh_buf_t a_text;
    const kh_xml_t *x; /* libxml2 */
    int fatal;        /* libxml2 could not read all of it */
    char fatal_msg[160];
} kh_html_t;

/* True if an element or attribute name is name (ASCII, any case). */
static bool S_named(const xmlChar *got, const char *name)
{
    return got && !strcasecmp((const char *)got, name);
}

static bool S_is(const xmlNode *n, const char *const names[])
{
    for (size_t i = 0; names[i]; i++)
        if (n->name && !strcasecmp((const char *)n->name, names[i]))
            return true;
    return false;
}

/* Elements that end a paragraph (a line of their own on GitHub). */
static const char *const S_BLOCK_TAGS[] = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
    "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    "caption", "blockquote", "pre", "section", "article", "header", "footer",
    "nav", "aside", "main", "figure", "figcaption", "address", "center", "hr",
    "form", "fieldset", "details", "summary", "body", "html", NULL};
/* Elements printed as GitHub shows them, when they carry no attribute. */
static const char *const S_PLAIN_TAGS[] = {"p", "div", "br", "b", "strong", "i",
                                           "em", "sup", "sub", "html", "body", NULL};

/* The text of the paragraph the HTML prints into (opened on first use). */
static kh_text_t *S_html_para(kh_html_t *h)
{
    kh_plan_t *p = h->c->plan;
    if (h->cur < 0) {
        kh_block_t *b = S_open(h->c, KH_BLOCK_PARAGRAPH, h->cur_line,
                               h->cur_line == h->line0 ? h->col0 : 1);
        h->cur = (long)(b - p->blocks);
        h->space = false;
    }
    return &p->blocks[h->cur].para.text;
}

static unsigned S_html_style(const kh_html_t *h)
{
    return (h->bold ? KH_SPAN_BOLD : 0) | (h->italic ? KH_SPAN_ITALIC : 0) |
           (h->sup > 0 && h->sub == 0 ? KH_SPAN_SUP : 0) | (h->sub > 0 ? KH_SPAN_SUB : 0);
}

/* Text as a browser shows it: runs of blanks and line ends are one space,
 * none at a paragraph's start; inside <pre> line ends are line breaks. */
/* "[^x]" inside HTML: Markdown is not read there (GitHub neither), so
 * it prints as typed; found in the file from the element's line. */
static void S_html_footnote(kh_html_t *h, const char *label, size_t n)
{
    int line = h->cur_line, col = 1;
    size_t b;
    if (kh_source_find(h->c->src, h->cur_line, 0, 64, label, n, &line, &b))
        col = kh_source_col(h->c->src, line, b);
    kh_diag_add(h->c->diags, h->c->src->path, line, col, KH_SEV_WARNING, "footnote",
                "footnote reference %.*s inside HTML is printed as typed (Markdown "
                "is not read inside HTML, on GitHub either); write the number "
                "as <sup>1</sup> and the note in the text, or use Markdown here",
                (int)(n < 60 ? n : 60), label);
}

static void S_html_text(kh_html_t *h, const char *s)
{
    for (size_t i = 0; s[i];) {
        size_t ws = strspn(s + i, " \t\r\n\f");
        if (ws) {
            if (h->pre) {
                for (size_t k = i; k < i + ws; k++)
                    if (s[k] == '\n' && h->cur >= 0)
                        S_add_span(S_html_para(h), "", 0, KH_SPAN_BREAK | S_html_style(h));
            }
            h->space = h->cur >= 0;
            i += ws;
            continue;
        }
        size_t w = strcspn(s + i, " \t\r\n\f");
        kh_text_t *b = S_html_para(h);
        if (h->space && b->nspans && !(b->spans[b->nspans - 1].style & KH_SPAN_BREAK)) {
            S_add_span(b, " ", 1, S_html_style(h));
            if (h->in_a)
                kh_buf_put(&h->a_text, " ", 1);
        }
        h->space = false;
        for (size_t k = i; k < i + w; k++) {
            size_t fl = S_footnote_label(s + k, i + w - k);
            if (fl)
                S_html_footnote(h, s + k, fl);
        }
        S_add_span(b, s + i, w, S_html_style(h));
        if (h->in_a)
            kh_buf_put(&h->a_text, s + i, w);
        i += w;
    }
}

/* The column of "<name" in file line line, else 1. */
static int S_tag_col(const kh_html_t *h, int line, const xmlChar *name,
                     kh_severity_t sev)
{
    if (kh_diag_full(h->c->diags, sev)) /* only counted */
        return 0;
    size_t len;
    const char *s = kh_source_line(h->c->src, line, &len);
    size_t nl = strlen((const char *)name);
    for (size_t i = 0; i + nl < len; i++)
        if (s[i] == '<' && !strncasecmp(s + i + 1, (const char *)name, nl))
            return kh_source_col(h->c->src, line, i);
    return line == h->line0 ? h->col0 : 1;
}

/* Returns whether to read the node's children. */
static bool S_html_enter(kh_html_t *h, xmlNode *n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            S_html_text(h, (const char *)n->content);
        return false;
    }
    if (n->type != XML_ELEMENT_NODE)
        return false; /* comments are notes; declarations print nothing */
    long ln = h->x->line_no(n);
    if (ln > 0 && ln < 1000000)
        h->cur_line = h->line0 + (int)ln - 1;
    if (S_named(n->name, "table")) { /* a grid of cells: model_table.c */
        h->cur = -1;
        kh_mod_html_table(h->c, h->x, n, h->line0, h->col0);
        return false;
    }
    bool is_a = S_named(n->name, "a");
    bool plain = S_is(n, S_PLAIN_TAGS) && !n->properties;
    if (is_a && n->properties && !n->properties->next &&
        S_named(n->properties->name, "href"))
        plain = true;
    if (S_named(n->name, "img")) {
        kh_mod_diag(h->c, h->cur_line, S_tag_col(h, h->cur_line, n->name, KH_SEV_ERROR), KH_SEV_ERROR,
               "image", "an image cannot be printed: its picture would be lost (%s)",
               "describe it in words");
        return false;
    }
    if (!h->warned && S_is(n, (const char *const[]){"tr", "td", "th", "thead", "tbody",
                                                     "tfoot", NULL})) {
        /* a table's rows in a block of their own: a blank line ended the
         * HTML block that opened the table (Markdown's rule, GitHub's too) */
        h->warned = true;
        kh_mod_diag(h->c, h->cur_line, S_tag_col(h, h->cur_line, n->name, KH_SEV_WARNING),
                    KH_SEV_WARNING, "html", "<%s> outside a <table>: a blank line inside "
                    "a table ends it in Markdown (as on GitHub), and these rows print as "
                    "paragraphs; remove the blank lines inside the table",
                    (const char *)n->name);
    }
    if (S_is(n, (const char *const[]){"s", "del", "strike", NULL})) {
        /* as ~~struck~~: the strike is the one thing kehoach cannot say */
        kh_mod_diag(h->c, h->cur_line, S_tag_col(h, h->cur_line, n->name, KH_SEV_WARNING),
                    KH_SEV_WARNING, "strikethrough", "struck-through text is printed as "
                    "plain text: the strike is dropped (delete the text, or say so in "
                    "words)");
        plain = true;
    }
    /* an element with no text (Word's empty <o:p>) drops nothing */
    if (!plain && !h->warned && kh_mod_xml_has_text(n)) {
        h->warned = true;
        kh_mod_diag(h->c, h->cur_line, S_tag_col(h, h->cur_line, n->name, KH_SEV_WARNING),
               KH_SEV_WARNING, "html", "HTML formatting dropped (<%s>); its text "
               "is printed", (const char *)n->name);
    }
    if (S_is(n, (const char *const[]){"script", "style", "head", "title", NULL}))
        return false; /* not text a reader sees */
    if (S_is(n, S_BLOCK_TAGS)) {
        h->cur = -1;
        if (S_named(n->name, "li")) {
            int k = 1;
            for (xmlNode *s = n->prev; s; s = s->prev)
                k += s->type == XML_ELEMENT_NODE;
            bool ordered = n->parent && n->parent->name &&
                           S_named(n->parent->name, "ol");
            if (ordered)
                snprintf(h->c->bullet, sizeof h->c->bullet, "%d. ", k);
            else
                snprintf(h->c->bullet, sizeof h->c->bullet, "- ");
        }
    }
    if (S_named(n->name, "br")) {
        if (h->cur >= 0)
            S_add_span(S_html_para(h), "", 0, KH_SPAN_BREAK | S_html_style(h));
        h->space = false;
    }
    if (S_is(n, (const char *const[]){"b", "strong", "h1", "h2", "h3", "h4", "h5",
                                      "h6", "th", NULL}))
        h->bold++;
    if (S_is(n, (const char *const[]){"i", "em", NULL}))
        h->italic++;
    if (S_named(n->name, "pre"))
        h->pre++;
    h->sup += S_named(n->name, "sup");
    h->sub += S_named(n->name, "sub");
    if (is_a && !h->in_a) {
        xmlChar *v = h->x->get_prop(n, (const xmlChar *)"href");
        free(h->href);
        h->href = v ? kh_strdup((const char *)v) : NULL;
        h->x->free(v);
        h->in_a = true;
        h->a_text.len = 0;
        kh_buf_put(&h->a_text, "", 0);
    }
    return true;
}

static void S_html_leave(kh_html_t *h, xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE)
        return;
    if (S_is(n, (const char *const[]){"b", "strong", "h1", "h2", "h3", "h4", "h5",
                                      "h6", "th", NULL}))
        h->bold--;
    if (S_is(n, (const char *const[]){"i", "em", NULL}))
        h->italic--;
    if (S_named(n->name, "pre"))
        h->pre--;
    h->sup -= S_named(n->name, "sup");
    h->sub -= S_named(n->name, "sub");
    if (S_named(n->name, "a") && h->in_a) {
        h->in_a = false;
        const char *text = h->a_text.data ? h->a_text.data : "";
        if (h->href && h->href[0] && !S_same_url(text, h->href)) {
            kh_text_t *b = S_html_para(h);
            unsigned st = S_html_style(h);
            if (text[0])
                S_add_span(b, " (", 2, st);
            S_add_span(b, h->href, strlen(h->href), st);
            if (text[0])
                S_add_span(b, ")", 1, st);
        }
    }
    if (S_is(n, S_BLOCK_TAGS))
        h->cur = -1;
}

static void S_html_error(void *ctx, xmlErrorPtr e)
{
    kh_html_t *h = ctx;
    if (e && e->level == XML_ERR_FATAL && !h->fatal) {
        h->fatal = e->code == XML_ERR_INTERNAL_ERROR ? 2 : 1;
        h->cur_line = h->line0 + (e->line > 0 && e->line < 1000000 ? e->line - 1 : 0);
        snprintf(h->fatal_msg, sizeof h->fatal_msg, "%s", e->message ? e->message : "");
        char *nl = strchr(h->fatal_msg, '\n');
        if (nl)
            *nl = '\0';
    }
}

/* A copy of HTML source (malloc'ed; the caller frees it) made ready for
 * libxml2 the way browsers read Word's "Save as HTML":
 * - the colon of each prefixed tag name ("<o:p>", "</st1:place>") turned
 *   into a hyphen. libxml2's HTML parser drops the prefix ("o:p" became
 *   "p": a paragraph, a line break inside a sentence); with a hyphen the
 *   element keeps a name of its own that no HTML element has, so it is
 *   read as unknown and inline, as browsers read it;
 * - Word's conditional markers "<![if !supportLists]>" and "<![endif]>"
 *   (around its hand-made list bullets) blanked: browsers show what they
 *   enclose and not the markers; libxml2 would print them as text.
 * Same length, line breaks kept: columns in diagnostics stay true. */
static char *S_unprefix(const char *lit)
{
    char *s = kh_strdup(lit);
    for (char *p = s; (p = strstr(p, "<![")) != NULL;) {
        if (strncasecmp(p + 3, "if", 2) && strncasecmp(p + 3, "endif", 5)) {
            p += 3;
            continue;
        }
        char *e = strstr(p, "]>");
        if (!e)
            break;
        for (char *q = p; q < e + 2; q++)
            if (*q != '\n')
                *q = ' ';
        p = e + 2;
    }
    for (char *p = s; (p = strchr(p, '<'));) {
        p++;
        if (*p == '/')
            p++;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            continue;
        for (; *p && (isalnum((unsigned char)*p) || strchr("-_.:", *p)); p++)
            if (*p == ':')
                *p = '-';
    }
    return s;
}

/* An HTML block: read with libxml2's HTML parser (as a browser would, never
 * by pattern), its text printed, block elements as paragraphs, <br> as
 * line breaks, <b>/<i> kept; other formatting dropped with a warning. */
static void S_html_block(kh_mctx_t *c, cmark_node *n)
{
    const char *lit0 = cmark_node_get_literal(n);
    kh_html_t h = {.c = c, .cur = -1};
    kh_mod_node_pos(c, n, &h.line0, &h.col0);
    h.cur_line = h.line0;
    if (!lit0 || !lit0[0])
        return;
    if (!(h.x = S_xml(c, h.line0, h.col0)))
        return;
    char *lit = S_unprefix(lit0);
    h.x->set_error_handler(&h, S_html_error);
    htmlDocPtr doc = h.x->read_memory(lit, (int)strlen(lit), NULL, "UTF-8",
                                      HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                          HTML_PARSE_NOIMPLIED | HTML_PARSE_IGNORE_ENC);
    h.x->set_error_handler(NULL, NULL);
    free(lit);
    if (h.fatal || !doc) {
        if (h.fatal == 2) /* libxml2 stops at 256 levels */
            kh_mod_diag(c, h.cur_line, 1, KH_SEV_ERROR, "nesting", "HTML elements "
                   "nested deeper than kehoach reads: the text inside would be "
                   "lost (flatten them)");
        else
            kh_mod_diag(c, h.fatal ? h.cur_line : h.line0, h.fatal ? 1 : h.col0,
                   KH_SEV_ERROR, "html", "this HTML cannot be read whole, its "
                   "text would be lost: %s", h.fatal_msg[0] ? h.fatal_msg : "unreadable");
        h.x->free_doc(doc);
        return;
    }
    for (xmlNode *x = doc->children; x;) {
        bool in = S_html_enter(&h, x);
        if (in && x->children) {
            x = x->children;
            continue;
        }
        if (in)
            S_html_leave(&h, x);
        while (x && !x->next) {
            x = x->parent;
            if (!x || x == (xmlNode *)doc)
                x = NULL;
            else
                S_html_leave(&h, x);
        }
        if (x)
            x = x->next;
    }
    h.x->free_doc(doc);
    kh_buf_free(&h.a_text);
    free(h.href);
}

/* ---- link reference definitions ---- */

/* "[^1]: note" with a one-word note, or "[1]: https://vbpl.vn/…", is a link
 * reference definition to cmark, which takes it out of the text. Such
 * lines are found as lines no leaf block covers. A footnote is printed as
 * typed where it stands (with a warning); another definition prints
 * where a link uses it ("text (url)"), and as typed if no link does. */
static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void S_mark_covered(kh_mctx_t *c)
{
    c->covered = calloc((size_t)c->src->nlines + 2, 1);
    if (!c->covered)
        abort();
    cmark_iter *it = cmark_iter_new(c->src->body_doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_LINK && ev == CMARK_EVENT_ENTER) {
            c->urls = kh_array_grow(c->urls, c->nurls, &c->cap_urls,
                                    sizeof *c->urls, 16);
            c->urls[c->nurls++] = cmark_node_get_url(n);
        }
        bool leaf = t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
                    t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_HTML_BLOCK ||
                    t == CMARK_NODE_THEMATIC_BREAK ||
                    (ev == CMARK_EVENT_ENTER && kh_mod_is(n, "table"));
        if (leaf) {
            int a = S_file_line(c, cmark_node_get_start_line(n));
            int b = S_file_line(c, cmark_node_get_end_line(n));
            for (int l = a > 1 ? a : 1; l <= b && l <= c->src->nlines; l++)
                c->covered[l] = 1;
        }
    }
    cmark_iter_free(it);
    if (c->nurls)
        qsort(c->urls, c->nurls, sizeof *c->urls, S_cmp_str);
    c->next_def = c->src->body_line;
}

/* "[label]:" at s: its length, or 0. */
static size_t S_ref_label(const char *s, size_t n)
{
    if (n < 4 || s[0] != '[')
        return 0;
    for (size_t k = 1; k + 1 < n; k++) {
        if (s[k] == '\\') {
            k++;
            continue;
        }
        if (s[k] == '[')
            return 0;
        if (s[k] == ']')
            return k > 1 && s[k + 1] == ':' ? k + 2 : 0;
    }
    return 0;
}

/* Does a link of the plan use the definition's url (after "[label]:")? */
static bool S_url_used(const kh_mctx_t *c, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    size_t k = 0;
    bool angle = n && s[0] == '<';
    if (angle)
        s++, n--;
    while (k < n && (angle ? s[k] != '>' : s[k] != ' ' && s[k] != '\t'))
        k++;
    if (!k || !c->nurls)
        return false;
    char *url = strndup(s, k);
    if (!url)
        abort();
    const char *key = url;
    bool used = bsearch(&key, c->urls, c->nurls, sizeof *c->urls, S_cmp_str) != NULL;
    free(url);
    return used;
}

/* A line's text after container marks ("> ", "- ", indent). */
static const char *S_strip_containers(const char *s, size_t *len)
{
    for (;;) {
        while (*len && (*s == ' ' || *s == '\t' || *s == '>'))
            s++, (*len)--;
        if (*len >= 2 && strchr("-+*", s[0]) && s[1] == ' ')
            s += 2, *len -= 2;
        else
            return s;
    }
}

/* Prints the consumed definitions on lines before line upto. */
static void S_flush_defs(kh_mctx_t *c, int upto)
{
    if (c->in_note) /* a note's lines come after the body read so far */
        return;
    if (upto > c->src->nlines + 1)
        upto = c->src->nlines + 1;
    for (int l = c->next_def; l < upto; l++) {
        size_t len;
        const char *s = kh_source_line(c->src, l, &len);
        const char *t = S_strip_containers(s, &len);
        size_t rl;
        if (c->covered[l] || !(rl = S_ref_label(t, len)))
            continue;
        bool footnote = t[1] == '^';
        if (!footnote && S_url_used(c, t + rl, len - rl))
            continue;
        int col = kh_source_col(c->src, l, (size_t)(t - s));
        if (footnote) { /* cmark-gfm dropped it: nothing refers to it, or
                         * an earlier definition of its label is the one used */
            bool dup = false;
            /* past the warnings kept, only counted: no look back (at most
             * KH_MAX_DIAGS scans of the file, never quadratic) */
            for (int e = 1; e < l && !dup && !kh_diag_full(c->diags, KH_SEV_WARNING); e++) {
                size_t elen, erl;
                const char *es = kh_source_line(c->src, e, &elen);
                const char *et = S_strip_containers(es, &elen);
                dup = (erl = S_ref_label(et, elen)) && erl == rl && et[1] == '^' &&
                      !strncasecmp(et, t, rl);
            }
            kh_mod_note_unused(c, l, col, t, rl - 1, dup);
            while (l + 1 < upto && !c->covered[l + 1]) { /* its other lines */
                s = kh_source_line(c->src, l + 1, &len);
                t = S_strip_containers(s, &len);
                if (t[0] == '[' && S_ref_label(t, len))
                    break;
                l++;
            }
            continue;
        }
        kh_block_t *b = S_open(c, KH_BLOCK_PARAGRAPH, l, col);
        S_add_span(&b->para.text, t, len, 0);
        /* its continuation lines, up to a blank or printed line */
        while (l + 1 < upto && !c->covered[l + 1]) {
            s = kh_source_line(c->src, l + 1, &len);
            t = S_strip_containers(s, &len);
            if (!len || t[0] == '[')
                break;
            S_add_span(&b->para.text, " ", 1, 0);
            S_add_span(&b->para.text, t, len, 0);
            l++;
        }
    }
    if (upto > c->next_def)
        c->next_def = upto;
}

/* ---- the walk ---- */

/* Containers (lists, quotes) the walk follows; deeper ones are refused:
 * the text would otherwise be lost. */
#define KH_MAX_BODY_DEPTH 32

static void S_blocks(kh_mctx_t *c, cmark_node *parent, int depth, bool top);

/* True if the paragraph opens with a hand number ("3.1. Theo lời dạy…",
 * also in bold): a sub-item of its own, so a heading ending in a colon
 * before it stays on its own line instead of running into it (the Kon Tum
 * original: "3. Nội dung các phong trào thi đua:" over "3.1. …"). */
static bool S_opens_with_number(cmark_node *para)
{
    cmark_node *n = cmark_node_first_child(para);
    while (n && (cmark_node_get_type(n) == CMARK_NODE_STRONG ||
                 cmark_node_get_type(n) == CMARK_NODE_EMPH))
        n = cmark_node_first_child(n);
    return n && cmark_node_get_type(n) == CMARK_NODE_TEXT &&
           kh_heading_number_prefix(cmark_node_get_literal(n)) > 0;
}

/* Returns the node after the ones consumed (a run-in paragraph). */
static cmark_node *S_heading(kh_mctx_t *c, cmark_node *n)
{
    int level = cmark_node_get_heading_level(n);
    kh_block_t *b = kh_mod_open_at(c, KH_BLOCK_HEADING, n);
    b->para.level = level;
    kh_text_t *text = &b->para.text;
    kh_mod_inlines(c, text, n, 0);
    if (S_number_only(text))
        kh_mod_diag(c, b->line, b->col, KH_SEV_ERROR, "heading-number-only",
               "this heading is only a number: the number comes from its place, "
               "so nothing of it would print; write the heading's text");
    S_strip_number(text);
    S_style_heading(c, b, level);
    cmark_node *next = cmark_node_next(n);
    /* a section (level 1: "I. MỤC ĐÍCH, YÊU CẦU:") always stands alone */
    if (c->plan->run_in_colon && level > 1 && next &&
        cmark_node_get_type(next) == CMARK_NODE_PARAGRAPH && S_ends_with_colon(text) &&
        !S_opens_with_number(next)) {
        b->kind = KH_BLOCK_PARAGRAPH; /* the heading opens the paragraph */
        b->para.level = 0;
        S_add_span(text, " ", 1, 0);
        kh_mod_inlines(c, text, next, 0);
        return cmark_node_next(next);
    }
    return next;
}

/* The marker the clerk typed for a list item ("- ", "+ ", "3) "): to a
 * clerk "-" and "+" are different levels, and a number is the one typed.
 * Read from the file at the item's position; the template's bullet for
 * the depth if it is not there. */
static void S_marker(kh_mctx_t *c, cmark_node *list, cmark_node *item,
                     int number, int depth, char *out, size_t size)
{
    bool ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    size_t len;
    const char *s = kh_source_line(c->src, S_file_line(c, cmark_node_get_start_line(item)), &len);
    int col = cmark_node_get_start_column(item);
    size_t off = col > 0 ? (size_t)col - 1 : 0;
    if (off < len) {
        s += off, len -= off;
        if (!ordered && strchr("-+*", s[0])) {
            snprintf(out, size, "%c ", s[0]);
            return;
        }
        size_t k = 0;
        while (ordered && k < len && k < 9 && isdigit((unsigned char)s[k]))
            k++;
        if (ordered && k && k < len && (s[k] == '.' || s[k] == ')')) {
            snprintf(out, size, "%.*s ", (int)k + 1, s);
            return;
        }
    }
    const kh_template_t *t = c->tpl;
    if (ordered)
        snprintf(out, size, "%d%c ", number,
                 cmark_node_get_list_delim(list) == CMARK_PAREN_DELIM ? ')' : '.');
    else
        snprintf(out, size, "%s ",
                 t->bullets[depth < (int)t->nbullets ? depth : (int)t->nbullets - 1]);
}

static void S_list(kh_mctx_t *c, cmark_node *list, int depth)
{
    int number = cmark_node_get_list_start(list);
    for (cmark_node *item = cmark_node_first_child(list); item;
         item = cmark_node_next(item), number++) {
        S_flush_defs(c, S_file_line(c, cmark_node_get_start_line(item)));
        size_t used = strlen(c->bullet); /* an outer item's marker still waiting */
        S_marker(c, list, item, number, depth, c->bullet + used, sizeof c->bullet - used);
        S_blocks(c, item, depth, false);
        if (c->bullet[0]) /* an item with nothing printed: its marker alone */
            kh_mod_open_at(c, KH_BLOCK_PARAGRAPH, item);
    }
}

/* One block of any container: the same for the top level, list items and
 * quotes. Returns the next node to read. */
static cmark_node *S_block(kh_mctx_t *c, cmark_node *n, int depth, bool top)
{
    cmark_node *next = cmark_node_next(n);
    if (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_DEFINITION)
        return next; /* read at its first reference (model_note.c) */
    S_flush_defs(c, S_file_line(c, cmark_node_get_start_line(n)));
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
        if (top)
            kh_mod_appendix_lookalike(c, n);
        kh_mod_inlines(c, &kh_mod_open_at(c, KH_BLOCK_PARAGRAPH, n)->para.text, n, 0);
        break;
    case CMARK_NODE_HEADING:
        if (top && kh_mod_appendix(c, n, &next))
            return next;
        if (top)
            kh_mod_appendix_lookalike(c, n);
        if (top)
            return S_heading(c, n);
        /* inside a list item or quote: not a section of the plan, so not
         * numbered; its text in bold where it stands */
        kh_mod_inlines(c, &kh_mod_open_at(c, KH_BLOCK_PARAGRAPH, n)->para.text, n, KH_SPAN_BOLD);
        break;
    case CMARK_NODE_LIST:
        S_list(c, n, depth + 1);
        break;
    case CMARK_NODE_BLOCK_QUOTE:
        S_blocks(c, n, depth + 1, false);
        break;
    case CMARK_NODE_CODE_BLOCK:
        if (S_fenced(c, n))
            S_fenced_code(c, n);
        else
            S_indented_code(c, n);
        break;
    case CMARK_NODE_HTML_BLOCK:
        kh_mod_landscape_misplaced(c, n);
        S_html_block(c, n);
        break;
    case CMARK_NODE_ITEM: /* only inside lists, read by S_list */
        S_blocks(c, n, depth, false);
        break;
    default: /* thematic breaks: no text; extension blocks: tables */
        if (kh_mod_is(n, "table"))
            kh_mod_table(c, n);
        break;
    }
    return next;
}

void kh_mod_blocks_into(kh_mctx_t *c, cmark_node *parent, kh_block_t **blocks,
                        size_t *nblocks)
{
    kh_plan_t *p = c->plan;
    kh_block_t *body = p->blocks;
    size_t nbody = p->nblocks, cap = c->cap;
    char bullet[sizeof c->bullet];
    memcpy(bullet, c->bullet, sizeof bullet);
    c->bullet[0] = '\0';
    p->blocks = NULL, p->nblocks = 0, c->cap = 0;
    S_blocks(c, parent, 1, false);
    *blocks = p->blocks, *nblocks = p->nblocks;
    p->blocks = body, p->nblocks = nbody, c->cap = cap;
    memcpy(c->bullet, bullet, sizeof bullet);
}

static void S_blocks(kh_mctx_t *c, cmark_node *parent, int depth, bool top)
{
    if (depth > KH_MAX_BODY_DEPTH) {
        int line, col;
        kh_mod_node_pos(c, parent, &line, &col);
        kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_ERROR, "nesting",
                    "lists and quotes nested more than %d deep: kehoach does not "
                    "print what is inside (flatten them)", KH_MAX_BODY_DEPTH);
        c->ok = false;
        return;
    }
    for (cmark_node *n = cmark_node_first_child(parent); n;)
        n = S_block(c, n, depth, top);
}

/* A space typed before , ; : . ! ? ) ” % in a printed front-matter value.
 * Only where the value stands verbatim on its line (plain or quoted, one
 * line): there the space's column is exact. */
static void S_front_punct(kh_mctx_t *c, const kh_node_t *v)
{
    if (!v || v->kind != KH_NODE_SCALAR || strchr(v->text, '\n'))
        return;
    size_t len, vlen = strlen(v->text);
    const char *s = kh_source_line(c->src, v->line, &len);
    size_t b = kh_source_byte(c->src, v->line, v->col);
    if (b < len && (s[b] == '"' || s[b] == '\''))
        b++;
    if (b + vlen > len || memcmp(s + b, v->text, vlen))
        return;
    for (size_t i = 1; i < vlen; i++) {
        size_t fill = kh_fill_run(v->text + i, vlen - i);
        if (fill) { /* a fill-in line: no punctuation */
            i += fill - 1;
            continue;
        }
        size_t m = S_closing_mark(v->text + i, vlen - i);
        if (m && v->text[i - 1] == ' ') {
            char mark[4] = {0};
            memcpy(mark, v->text + i, m);
            kh_mod_diag(c, v->line, kh_source_col(c->src, v->line, b + i - 1), KH_SEV_WARNING,
                   "space-before-punctuation",
                   "a space before '%s': the mark goes right after the word", mark);
        }
    }
}

static void S_front_punct_all(kh_mctx_t *c)
{
    const kh_node_t *fm = c->src->front;
    const kh_node_t *v[] = {kh_node_get(fm, "place"), kh_node_get(fm, "title"),
                            kh_node_get(fm, "archive")};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        S_front_punct(c, v[i]);
    /* each body's names and its signer's lines: issuer and signer, or
     * each item of issuers */
    const kh_node_t *list = kh_node_get(fm, "issuers");
    size_t n = list && list->kind == KH_NODE_SEQ ? list->n : 0;
    for (size_t k = 0; k <= n; k++) {
        const kh_node_t *iss = k < n ? list->kids[k] : kh_node_get(fm, "issuer");
        const kh_node_t *sg = kh_node_get(k < n ? iss : fm, "signer");
        const kh_node_t *w[] = {kh_node_get(iss, "parent"), kh_node_get(iss, "name"),
                                kh_node_get(sg, "on_behalf_of"), kh_node_get(sg, "title"),
                                kh_node_get(sg, "other_title"), kh_node_get(sg, "name")};
        for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
            S_front_punct(c, w[i]);
        const kh_node_t *ch = kh_node_get(sg, "chain");
        for (size_t i = 0; ch && ch->kind == KH_NODE_SEQ && i < ch->n; i++)
            S_front_punct(c, ch->kids[i]);
    }
    const kh_node_t *r = kh_node_get(fm, "recipients");
    for (size_t i = 0; r && r->kind == KH_NODE_SEQ && i < r->n; i++)
        S_front_punct(c, r->kids[i]);
}

/* Reads the body of c->src (the plan's or an appendix file's). */
static void S_walk(kh_mctx_t *c)
{
    S_mark_covered(c);
    S_blocks(c, c->src->body_doc, 0, true);
    S_flush_defs(c, c->src->nlines + 1);
    kh_mod_notes_done(c); /* the document's notes: numbered on through all */
    free(c->covered);
    free(c->urls);
    c->covered = NULL;
    c->urls = NULL;
    c->nurls = c->cap_urls = 0;
}

kh_plan_t *kh_plan_build(const kh_source_t *src, const kh_template_t *tpl,
                         kh_diag_list_t *diags)
{
    kh_plan_t *plan = calloc(1, sizeof *plan);
    if (!plan)
        abort();
    kh_mctx_t c = {.src = src, .tpl = tpl, .diags = diags, .plan = plan, .ok = true};
    S_read_front(&c);
    kh_mod_marks(&c);
    if (c.ok)
        S_front_punct_all(&c);
    /* the body is read even when the front matter failed: its diagnostics
     * then come in the same run (session.c keeps only those) */
    S_walk(&c);
    /* then the appendix files', each at its own positions */
    for (size_t i = 0; i < src->nappendix_files; i++) {
        c.src = &src->appendix_files[i];
        if (c.src->body_doc && kh_mod_appendix_file_start(&c))
            S_walk(&c);
    }
    c.src = src;
    kh_mod_appendices_finish(&c);
    kh_mod_attached_end(&c);
    if (c.ok)
        kh_mod_frame(plan, tpl); /* the header's and closing's words */
    if (!c.ok) {
        kh_plan_free(plan);
        return NULL;
    }
    return plan;
}

static void S_free_text(kh_text_t *t)
{
    for (size_t k = 0; k < t->nspans; k++)
        free(t->spans[k].text);
    free(t->spans);
}

void kh_mod_block_free(kh_block_t *b)
{
    switch (b->kind) {
    case KH_BLOCK_PARAGRAPH:
    case KH_BLOCK_HEADING:
        S_free_text(&b->para.text);
        break;
    case KH_BLOCK_TABLE:
        kh_mod_table_free(&b->table);
        break;
    }
}

void kh_mod_free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void kh_plan_free(kh_plan_t *p)
{
    if (!p)
        return;
    char **strs[] = {&p->parent, &p->issuer, &p->issuer_code, &p->number,
                     &p->place, &p->title, &p->archive};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(*strs[i]);
    for (size_t i = 0; i < p->nissuers; i++) {
        kh_issuer_t *o = &p->issuers[i];
        char **os[] = {&o->parent, &o->name, &o->code, &o->full_name, &o->authority,
                       &o->on_behalf_of, &o->title, &o->other_title, &o->name_signed};
        for (size_t k = 0; k < sizeof os / sizeof os[0]; k++)
            free(*os[k]);
        kh_mod_free_strings(o->chain, o->nchain);
        kh_image_free(o->signature_image);
        kh_image_free(o->seal_image);
    }
    free(p->issuers);
    kh_mod_free_strings(p->recipients, p->nrecipients);
    kh_mod_free_strings(p->addressees, p->naddressees);
    for (int i = 0; i < KH_MAX_LEVELS; i++)
        free(p->numbering[i]);
    for (size_t i = 0; i < p->nblocks; i++)
        kh_mod_block_free(&p->blocks[i]);
    free(p->blocks);
    kh_mod_appendices_free(p);
    kh_mod_notes_free(p);
    kh_mod_frame_free(p);
    kh_mod_marks_free(p);
    free(p);
}
