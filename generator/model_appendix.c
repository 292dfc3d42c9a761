/* Appendices (Phụ lục) in the model: spec appendix-esign.md §1, from
 * Nghị định 30/2020, Phụ lục I Mục III.1 and Phụ lục III Mẫu 2.1/2.2.
 *
 * An appendix starts at a level-1 heading of a file's top level whose
 * text begins "Phụ lục" (any case): `# Phụ lục I: Danh mục …`. A hand
 * number after the word (I, II, 1, 2, "số 01", "số I", a single letter A,
 * B before the separator) is dropped: appendices are numbered
 * from their order, "Phụ lục I", "Phụ lục II" … when there are two or more
 * in all (body and files), plain "Phụ lục" when there is one (III.1.a).
 * The title follows ":", ".", "-" or "–" and may be empty; the word must
 * be followed by the end, a hand number or a separator, so that "# Phụ lục
 * hóa quy trình" stays an ordinary heading. Everything up
 * to the next such heading is the appendix; its headings are numbered on
 * their own (the counters restart). `<!-- landscape -->` (or `<!-- khổ
 * ngang -->`) as the first thing after the heading turns its pages; an
 * HTML comment GitHub's preview does not show.
 *
 * The caption's words are decided here: the label, the title in upper
 * case and the "(Kèm theo Kế hoạch số … của …)" line (wording.c) with the
 * issuer's running-text name. Whether the body refers to each appendix
 * (III.1.a: the body must point to every appendix) is known here too, so
 * `validate` and `render` give the same appendix-reference warnings. */
#include "model_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "text.h"
#include "wording.h"

/* "<br>", "<br/>", "<BR />": a line break typed as HTML. */
static bool S_is_br(const char *h)
{
    if (!h || strncasecmp(h, "<br", 3))
        return false;
    h += 3;
    while (*h == ' ')
        h++;
    if (*h == '/')
        h++;
    return h[0] == '>' && !h[1];
}

/* The heading's text, flattened: the caption prints it in its own style
 * (upper case, bold), so emphasis and code give their words; a hard line
 * break or <br> is a line break ("\n"), as in the plan's title; an HTML
 * comment prints nothing (GitHub shows nothing). What the caption cannot
 * print (c given: reported there) is an error: a footnote reference
 * (footnote; its note would be lost), a link (its address), an image,
 * other HTML (<sup>: "m²" upper-cased would read "M2"). */
static char *S_heading_text(kh_mctx_t *c, cmark_node *n)
{
    kh_buf_t b = {0};
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *k = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node_type t = cmark_node_get_type(k);
        const char *lit = NULL;
        int line, col;
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
            kh_buf_puts(&b, cmark_node_get_literal(k));
        else if (t == CMARK_NODE_SOFTBREAK)
            kh_buf_puts(&b, " ");
        else if (t == CMARK_NODE_LINEBREAK)
            kh_buf_puts(&b, "\n");
        else if (t == CMARK_NODE_HTML_INLINE && S_is_br(lit = cmark_node_get_literal(k)))
            kh_buf_puts(&b, "\n");
        else if (t == CMARK_NODE_HTML_INLINE && lit &&
                 (!strncmp(lit, "<!--", 4) || !strncmp(lit, "</", 2)))
            ; /* a comment shows nothing; a closing tag: its opening one
               * is reported */
        else if (c && t == CMARK_NODE_FOOTNOTE_REFERENCE) {
            kh_mod_node_pos(c, k, &line, &col);
            kh_mod_diag(c, line, col, KH_SEV_ERROR, "footnote",
                        "a footnote reference in an appendix's title cannot be "
                        "printed: the caption stands apart from the text; put "
                        "the reference in the appendix's first paragraph");
        } else if (c && (t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_LINK ||
                         t == CMARK_NODE_IMAGE)) {
            char what[40];
            if (t == CMARK_NODE_HTML_INLINE)
                snprintf(what, sizeof what, "%.*s", (int)(strlen(lit) < 30 ? strlen(lit) : 30),
                         lit);
            else
                snprintf(what, sizeof what, "%s", t == CMARK_NODE_LINK ? "a link" : "an image");
            kh_mod_node_pos(c, k, &line, &col);
            kh_mod_diag(c, line, col, KH_SEV_ERROR, "appendix-title",
                        "%s in an appendix's title cannot be printed: the caption "
                        "prints the title's words alone, in upper case; write them "
                        "as plain words (a line break, <br>, is kept)", what);
        }
    }
    cmark_iter_free(it);
    kh_buf_put(&b, "", 0);
    /* no space at either side of a line break */
    char *t = kh_buf_take(&b);
    size_t o = 0;
    for (size_t i = 0; t[i]; i++) {
        if (t[i] == ' ' && (t[i + 1] == '\n' || (o && t[o - 1] == '\n')))
            continue;
        if (t[i] == '\n')
            while (o && t[o - 1] == ' ')
                o--;
        t[o++] = t[i];
    }
    t[o] = '\0';
    return t;
}

/* Length of a hand number at s (Roman I, II … or Arabic 1, 2) ending at a
 * word's end; 0 if none. */
static size_t S_hand_number(const char *s)
{
    size_t k = 0;
    if (isdigit((unsigned char)s[0]))
        while (isdigit((unsigned char)s[k]))
            k++;
    else
        while (s[k] && strchr("IVXLCivxlc", s[k]))
            k++;
    /* a word's end: not a letter or digit (bytes of a Vietnamese letter
     * are ≥ 0x80) */
    unsigned char e = (unsigned char)s[k];
    return k && !isalnum(e) && e < 0x80 ? k : !strncmp(s + k, "\u2013", 3) ? k : 0;
}

/* A separator between "Phụ lục" (and its hand number) and the title. */
static size_t S_separator(const char *s)
{
    return *s == ':' || *s == '.' || *s == '-' ? 1 : !strncmp(s, "\u2013", 3) ? 3 : 0;
}

/* Length of a hand number at s (lower case): "số" optionally, then Roman
 * i, ii …, Arabic 1, 01 …, or one letter a, b … (a letter only before a
 * separator or the end: "Phụ lục y tế" is no appendix A). 0 if none. */
static size_t S_hand(const char *s)
{
    size_t k = 0;
    static const char so[] = "số";
    if (!strncmp(s, so, sizeof so - 1) && s[sizeof so - 1] == ' ') {
        k = sizeof so - 1;
        while (s[k] == ' ')
            k++;
    }
    size_t n = S_hand_number(s + k);
    if (!n && s[k] >= 'a' && s[k] <= 'z') {
        const char *e = s + k + 1;
        while (*e == ' ')
            e++;
        if (!*e || S_separator(e))
            n = 1;
    }
    return n ? k + n : 0;
}

/* A space, or a line break (<br>) that stands for one between the word,
 * its hand number and the title. */
static bool S_space(char ch)
{
    return ch == ' ' || ch == '\n';
}

/* If text begins "Phụ lục" (any case; NFC, as every text here is)
 * followed by the end, a hand number or a separator: the title after
 * them, in *title (malloc'd, "" for none), and true. A heading that only
 * starts with the word ("Phụ lục hóa quy trình …") is no appendix. */
static bool S_parse(const char *text, char **title)
{
    static const char word[] = "phụ lục";
    const size_t wl = sizeof word - 1;
    char *low = kh_text_lower(text);
    /* "Ụ" and "ụ" take as many bytes, so offsets in low are offsets in text */
    bool is = !strncmp(low, word, wl) && strlen(low) == strlen(text) &&
              (!low[wl] || S_space(low[wl]) || S_separator(low + wl));
    size_t at = wl;
    if (is) {
        while (S_space(low[at]))
            at++;
        size_t h = S_hand(low + at);
        at += h;
        while (S_space(low[at]))
            at++;
        size_t sep = S_separator(low + at);
        /* after a hand number a space may stand for the separator */
        is = !low[at] || sep || (h && S_space(low[at - 1]));
        at += sep;
    }
    free(low);
    if (!is)
        return false;
    const char *s = text + at;
    while (*s == ' ' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        n--;
    *title = strndup(s, n);
    if (!*title)
        abort();
    return true;
}

/* "<!-- landscape -->", "<!--KHỔ NGANG-->" … : an HTML block that is only
 * that comment (spaces and case free). */
static bool S_is_landscape(cmark_node *n)
{
    if (!n || cmark_node_get_type(n) != CMARK_NODE_HTML_BLOCK)
        return false;
    const char *lit = cmark_node_get_literal(n);
    if (!lit)
        return false;
    char *low = kh_text_lower(lit), *p = low;
    bool yes = false;
    while (*p == ' ')
        p++;
    if (!strncmp(p, "<!--", 4)) {
        p += 4;
        while (*p == ' ')
            p++;
        size_t k = !strncmp(p, "landscape", 9) ? 9
                   : !strncmp(p, "khổ ngang", strlen("khổ ngang")) ? strlen("khổ ngang")
                                                                    : 0;
        if (k) {
            p += k;
            while (*p == ' ')
                p++;
            if (!strncmp(p, "-->", 3)) {
                p += 3;
                while (*p == ' ' || *p == '\n')
                    p++;
                yes = !*p;
            }
        }
    }
    free(low);
    return yes;
}

bool kh_appendix_heading(cmark_node *n)
{
    if (cmark_node_get_type(n) != CMARK_NODE_HEADING ||
        cmark_node_get_heading_level(n) != 1)
        return false;
    char *text = S_heading_text(NULL, n), *title = NULL;
    bool is = S_parse(text, &title);
    free(text);
    free(title);
    return is;
}

bool kh_mod_appendix(kh_mctx_t *c, cmark_node *n, cmark_node **next)
{
    if (cmark_node_get_heading_level(n) != 1)
        return false;
    char *text = S_heading_text(NULL, n), *title;
    bool is = S_parse(text, &title);
    free(text);
    if (!is)
        return false;
    free(S_heading_text(c, n)); /* an appendix's: what it cannot print */
    kh_plan_t *p = c->plan;
    if (!p->nappendices)
        p->nbody = p->nblocks;
    else
        p->appendices[p->nappendices - 1].count =
            p->nblocks - p->appendices[p->nappendices - 1].first;
    p->appendices = kh_array_grow(p->appendices, p->nappendices, &c->cap_appendices,
                                  sizeof *p->appendices, 4);
    kh_appendix_t *a = &p->appendices[p->nappendices++];
    memset(a, 0, sizeof *a);
    kh_mod_node_pos(c, n, &a->line, &a->col);
    a->src = c->src;
    a->first = p->nblocks;
    if (title[0])
        a->title = kh_text_upper(title);
    free(title);
    /* its headings are numbered on their own */
    memset(c->counters, 0, sizeof c->counters);
    *next = cmark_node_next(n);
    if (S_is_landscape(*next)) {
        a->landscape = true;
        *next = cmark_node_next(*next);
    }
    return true;
}

void kh_mod_landscape_misplaced(kh_mctx_t *c, cmark_node *n)
{
    if (!S_is_landscape(n))
        return;
    int line, col;
    kh_mod_node_pos(c, n, &line, &col);
    kh_mod_diag(c, line, col, KH_SEV_WARNING, "landscape",
                "%s has no effect here: it turns an appendix's pages when it "
                "comes right after its '# Phụ lục' heading",
                "<!-- landscape -->");
}

/* True when paragraph n is set as a caption: its only content is bold
 * ("**PHỤ LỤC I**", as Word-to-Markdown converters write a caption), or
 * all its letters are upper case. A sentence that starts "Phụ lục I kèm
 * theo …" is neither. */
static bool S_caption_like(cmark_node *n, const char *text)
{
    cmark_node *k = cmark_node_first_child(n);
    if (k && !cmark_node_next(k) && cmark_node_get_type(k) == CMARK_NODE_STRONG)
        return true;
    char *up = kh_text_upper(text);
    bool upper = up && !strcmp(up, text);
    free(up);
    return upper;
}

void kh_mod_appendix_lookalike(kh_mctx_t *c, cmark_node *n)
{
    cmark_node_type t = cmark_node_get_type(n);
    if (t != CMARK_NODE_PARAGRAPH &&
        (t != CMARK_NODE_HEADING || cmark_node_get_heading_level(n) < 2))
        return;
    char *text = S_heading_text(NULL, n), *title = NULL;
    bool like = strlen(text) < 300 && S_parse(text, &title) &&
                (t == CMARK_NODE_HEADING || S_caption_like(n, text));
    if (like) {
        int line, col;
        kh_mod_node_pos(c, n, &line, &col);
        kh_mod_diag(c, line, col, KH_SEV_WARNING, "appendix-caption",
                    "this reads like an appendix's caption, but it prints in the "
                    "body, before the signature: only a level-1 heading starts an "
                    "appendix (after the signature, on a page of its own, its "
                    "caption and page numbers made for it): write it as "
                    "'# Phụ lục%s'", " I: …");
    }
    free(title);
    free(text);
}

/* A line that is only `mark` ("---"), trailing spaces aside. */
static bool S_line_is(const kh_source_t *f, int line, const char *mark)
{
    size_t len, m = strlen(mark);
    const char *s = kh_source_line(f, line, &len);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\r'))
        len--;
    return len == m && !strncmp(s, mark, m);
}

int kh_appendix_front_matter(const kh_source_t *f)
{
    if (!S_line_is(f, 1, "---"))
        return 0;
    for (int l = 2; l <= f->nlines; l++)
        if (S_line_is(f, l, "---") || S_line_is(f, l, "..."))
            return l;
    return 0;
}

bool kh_mod_appendix_file_start(kh_mctx_t *c)
{
    int fm = kh_appendix_front_matter(c->src);
    if (fm) {
        kh_diag_add(c->diags, c->src->path, 1, 1, KH_SEV_ERROR, "appendix-heading",
                    "an appendix file has no front matter (lines 1-%d): the "
                    "plan's covers it; delete them, so that the file starts with "
                    "its heading, '# Phụ lục: title'", fm);
        c->ok = false;
        return false;
    }
    cmark_node *n = cmark_node_first_child(c->src->body_doc);
    bool ok = n && kh_appendix_heading(n);
    if (!ok)
        kh_mod_diag(c, 1, 1, KH_SEV_ERROR, "appendix-heading",
                    "an appendix file starts with its heading, "
                    "'# Phụ lục: title' (or '# Phụ lục I: title')");
    return ok;
}

/* The text of the plan's body (before the first appendix), lower case,
 * one space between blocks: what the references are looked for in. */
static char *S_body_text(const kh_plan_t *p)
{
    kh_buf_t b = {0};
    for (size_t i = 0; i < p->nbody; i++) {
        const kh_block_t *bl = &p->blocks[i];
        if (bl->kind == KH_BLOCK_TABLE) {
            for (int k = 0; k < bl->table.rows * bl->table.cols; k++)
                for (size_t s = 0; s < bl->table.cells[k].text.nspans; s++) {
                    kh_buf_puts(&b, bl->table.cells[k].text.spans[s].text);
                    kh_buf_puts(&b, " ");
                }
        } else {
            for (size_t s = 0; s < bl->para.text.nspans; s++)
                kh_buf_puts(&b, bl->para.text.spans[s].text);
        }
        kh_buf_puts(&b, " ");
    }
    kh_buf_put(&b, "", 0);
    char *all = kh_buf_take(&b);
    char *low = kh_text_lower(all);
    free(all);
    /* a no-break space or a line break between the words counts as one */
    for (char *q = low; (q = strstr(q, "\u00a0"));)
        memcpy(q, "  ", 2);
    for (char *q = low; *q; q++)
        if (*q == '\n')
            *q = ' ';
    return low;
}

/* A Roman (i, ii … in lower case) or Arabic number at s: its value, and
 * its length in *len; 0 if none ends a word there. */
static int S_number_value(const char *s, size_t *len)
{
    *len = S_hand_number(s);
    if (!*len)
        return 0;
    if (isdigit((unsigned char)s[0]))
        return atoi(s);
    static const char *const R[] = {"i", "ii", "iii", "iv", "v", "vi", "vii",
                                    "viii", "ix", "x", "xi", "xii", "xiii",
                                    "xiv", "xv", "xvi", "xvii", "xviii", "xix",
                                    "xx"};
    for (size_t k = 0; k < sizeof R / sizeof R[0]; k++)
        if (strlen(R[k]) == *len && !strncmp(s, R[k], *len))
            return (int)k + 1;
    return 0;
}

/* Which appendices the body mentions: seen[i] for appendix i + 1. */
static void S_references(const kh_plan_t *p, bool *seen)
{
    char *body = S_body_text(p);
    static const char word[] = "phụ lục";
    size_t n = p->nappendices;
    for (const char *q = body; (q = strstr(q, word)); q += sizeof word - 1) {
        const char *s = q + sizeof word - 1;
        const size_t cl = strlen("các ");
        bool all = n == 1 || ((size_t)(q - body) >= cl && !strncmp(q - cl, "các ", cl));
        while (*s == ' ')
            s++;
        if (!strncmp(s, "kèm theo", strlen("kèm theo")))
            all = true;
        if (!strncmp(s, "số ", strlen("số "))) /* "Phụ lục số 01", as headings */
            for (s += strlen("số "); *s == ' ';)
                s++;
        size_t len;
        int v = S_number_value(s, &len);
        for (size_t i = 0; i < n; i++)
            if (all || (size_t)v == i + 1)
                seen[i] = true;
    }
    free(body);
}

void kh_mod_appendices_finish(kh_mctx_t *c)
{
    kh_plan_t *p = c->plan;
    if (!p->nappendices) {
        p->nbody = p->nblocks;
        return;
    }
    kh_appendix_t *last = &p->appendices[p->nappendices - 1];
    last->count = p->nblocks - last->first;
    const kh_template_t *t = c->tpl;
    for (size_t i = 0; i < p->nappendices; i++) {
        kh_appendix_t *a = &p->appendices[i];
        kh_buf_t b = {0};
        kh_buf_puts(&b, t->appendix_label);
        if (p->nappendices > 1) {
            int counters[KH_MAX_LEVELS] = {(int)i + 1};
            char roman[32];
            kh_number_format("{1:I}", counters, roman, sizeof roman);
            kh_buf_printf(&b, " %s", roman);
        }
        kh_buf_put(&b, "", 0);
        a->label = kh_buf_take(&b);
    }
    bool *seen = calloc(p->nappendices, sizeof *seen);
    if (!seen)
        abort();
    S_references(p, seen);
    for (size_t i = 0; i < p->nappendices; i++) {
        const kh_appendix_t *a = &p->appendices[i];
        if (!seen[i])
            kh_diag_add(c->diags, a->src->path, a->line, a->col, KH_SEV_WARNING,
                        "appendix-reference",
                        "the body never refers to %s: the decree asks it to point "
                        "to each appendix (\"chi tiết tại %s kèm theo\")",
                        a->label, a->label);
    }
    free(seen);
    if (p->attached) {
        /* a plan issued with a decision has no number or date of its own:
         * its appendices are attached to that decision too, and say so
         * with the plan's own line (model_marks.c) */
        for (size_t i = 0; i < p->nappendices && p->attached_line; i++)
            if (!(p->appendices[i].attached = strdup(p->attached_line)))
                abort();
        return;
    }
    if (!p->nappendices || !p->issuer_code || !p->year)
        return; /* nothing to name, or the front matter failed: reported */
    size_t failed;
    char *name = kh_mod_issuer_running(p, t, &failed);
    if (!name) {
        const kh_node_t *at = kh_mod_issuer_name_node(c, p, failed);
        kh_diag_add(c->diags, c->src->path, at ? at->line : 1, at ? at->col : 1,
                    KH_SEV_ERROR, "appendix-issuer",
                    "the appendices' \"(Kèm theo %s số … của …)\" line names the "
                    "issuer as running text writes it, which cannot be told from "
                    "'%s': give it as %s, the name as a sentence writes "
                    "it (capitals only for its first word, its field's first words "
                    "and its proper names)",
                    t->appendix_attached_doc, p->issuers[failed].name,
                    p->joint ? _("full_name in its issuers item") : "issuer.full_name");
        c->ok = false;
        return;
    }
    for (size_t i = 0; i < p->nappendices; i++)
        p->appendices[i].attached = kh_attached_line(
            t->appendix_attached_doc, p->number, p->doc_code, p->issuer_code,
            p->year, p->month, p->day, name, t->draft_blank);
    free(name);
}

char *kh_mod_issuer_running(const kh_plan_t *p, const kh_template_t *t, size_t *failed)
{
    /* every body by its running name, a joint plan's joined ("Sở Y tế và
     * Công đoàn ngành Y tế"; three: "A, B và C") */
    kh_buf_t all = {0};
    for (size_t i = 0; i < p->nissuers; i++) {
        const kh_issuer_t *o = &p->issuers[i];
        char *name = o->full_name ? strdup(o->full_name)
                     : o->name    ? kh_issuer_running_name(o->name)
                                  : NULL;
        if (!name) {
            *failed = i;
            kh_buf_free(&all);
            return NULL;
        }
        kh_buf_printf(&all, "%s%s",
                      !i ? "" : i + 1 < p->nissuers ? ", " : t->appendix_joint_and, name);
        free(name);
    }
    return kh_buf_take(&all);
}

const kh_node_t *kh_mod_issuer_name_node(const kh_mctx_t *c, const kh_plan_t *p, size_t i)
{
    /* under issuer, or under the issuers item of that name (the lead comes
     * first in p->issuers, not in the file) */
    const kh_node_t *fm = c->src->front, *list = kh_node_get(fm, "issuers");
    const kh_node_t *at = kh_node_get(kh_node_get(fm, "issuer"), "name");
    for (size_t k = 0; list && list->kind == KH_NODE_SEQ && k < list->n; k++) {
        const kh_node_t *n = kh_node_get(list->kids[k], "name");
        if (n && n->kind == KH_NODE_SCALAR && i < p->nissuers && p->issuers[i].name &&
            !strcmp(n->text, p->issuers[i].name))
            at = n;
    }
    return at;
}

void kh_mod_appendices_free(kh_plan_t *p)
{
    for (size_t i = 0; i < p->nappendices; i++) {
        free(p->appendices[i].label);
        free(p->appendices[i].title);
        free(p->appendices[i].attached);
    }
    free(p->appendices);
}
