/* A plan issued with a decision (attached_to) and the marks of page 1
 * (urgency, secrecy, circulation): their words and the stamps' sizes.
 * The layout (layout.c, S_marks, S_title) only places them.
 *
 * Attached plan: Nghị định 30/2020/NĐ-CP, Phụ lục III, Mẫu 1.3 (spec
 * appendix-esign.md §1, last item): the header without the Số line and
 * the place-date, the title, "(Kèm theo Quyết định số 123/QĐ-UBND ngày …
 * của …)" in italic under it, a short rule, the content ending "./.", no
 * Nơi nhận and no signature. The line is worded by wording.c's
 * kh_attached_line, the appendices' own (one wording for both).
 *
 * Marks: spec appendix-esign.md §5. Their boxes, sizes and colours are
 * the template's (`marks:` in templates/ke-hoach.yaml, where the spec's
 * figures are given with their sources), so that another format can set
 * its own; the words are the plan's. */
#include "model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "text.h"
#include "wording.h"

/* A scalar's text, or NULL (the schema reports anything else). */
static const char *S_scalar(const kh_node_t *map, const char *key)
{
    const kh_node_t *v = kh_node_get(map, key);
    return v && v->kind == KH_NODE_SCALAR && v->text[0] ? v->text : NULL;
}

/* The mark for key's value in the template's style: a stamp of fixed
 * size when stamps lists one per value (urgency, secrecy), found by its
 * text; else (stamps NULL: circulation) the note upper-cased in a box as
 * wide as its text. A value the plan schema allows but the template
 * lists no stamp for is an error (rule template) at the value: it would
 * otherwise print no mark. An unknown value is the schema's enum error,
 * reported before the model runs (session.c): not said twice. */
static void S_mark(kh_mctx_t *c, const char *key, const kh_stamp_style_t *stamps,
                   size_t n, const kh_stamp_style_t *plain, kh_mark_t *m)
{
    const kh_node_t *v = kh_node_get(c->src->front, key);
    if (!v || v->kind != KH_NODE_SCALAR || !v->text[0])
        return;
    const kh_stamp_style_t *st = plain;
    for (size_t i = 0; stamps && i < n && st == plain; i++)
        if (!strcmp(v->text, stamps[i].text))
            st = &stamps[i];
    if (stamps && st == plain) {
        if (!kh_diag_has_error_at(c->diags, v->line, v->col))
            kh_mod_diag(c, v->line, v->col, KH_SEV_ERROR, "template",
                        "the template lists no stamp for '%s' (its marks: section): "
                        "add one, or give a value it lists", v->text);
        return;
    }
    *m = (kh_mark_t){.text = stamps ? kh_strdup(v->text) : kh_text_upper(v->text),
                     .w_mm = stamps ? st->w_mm : 0, .h_mm = st->h_mm,
                     .pad_mm = st->pad_mm, .size = st->size, .red = st->red,
                     .double_border = st->double_border};
}

void kh_mod_marks(kh_mctx_t *c)
{
    const kh_node_t *fm = c->src->front;
    kh_plan_t *p = c->plan;
    const kh_template_t *t = c->tpl;
    S_mark(c, "secrecy", t->secrecy_stamps, t->nsecrecy_stamps, NULL, &p->secrecy);
    S_mark(c, "urgency", t->urgency_stamps, t->nurgency_stamps, NULL, &p->urgency);
    S_mark(c, "circulation", NULL, 0, &t->circulation_stamp, &p->circulation);

    const kh_node_t *at = kh_node_get(fm, "attached_to");
    if (!at)
        return;
    p->attached = true;
    const char *code = S_scalar(at, "code"), *date = S_scalar(at, "date");
    if (at->kind != KH_NODE_MAP || !code || !date || !strchr(code, '-') ||
        !kh_date_valid(date, true))
        return; /* the schema says what is wrong */
    int y = 0, mo = 0, d = 0;
    if (sscanf(date, "%4d-%2d-%2d", &y, &mo, &d) < 1)
        return;
    const char *type = S_scalar(at, "type"), *issuer = S_scalar(at, "issuer");
    size_t failed = 0;
    char *name = issuer ? kh_strdup(issuer) : kh_mod_issuer_running(p, c->tpl, &failed);
    if (!name) {
        const kh_node_t *iss = kh_mod_issuer_name_node(c, p, failed);
        kh_mod_diag(c, iss ? iss->line : at->line, iss ? iss->col : at->col,
                    KH_SEV_ERROR, "attached-issuer",
                    "the \"(Kèm theo Quyết định số … của …)\" line names the deciding "
                    "body as running text writes it, which cannot be told from "
                    "'%s': give attached_to.issuer (Ủy ban nhân dân tỉnh Kon Tum) "
                    "or issuer.full_name",
                    failed < p->nissuers && p->issuers[failed].name
                        ? p->issuers[failed].name : "");
        return;
    }
    /* "QĐ-UBND": the document's code, then the issuer's */
    size_t dash = strcspn(code, "-");
    char *doc_code = strndup(code, dash);
    if (!doc_code)
        abort();
    p->attached_line = kh_attached_line(type ? type : "Quyết định",
                                        S_scalar(at, "number"), doc_code,
                                        code + dash + 1, y, mo, d, name,
                                        c->tpl->draft_blank);
    free(doc_code);
    free(name);
}

void kh_mod_attached_end(kh_mctx_t *c)
{
    const kh_plan_t *p = c->plan;
    if (!p->attached || !p->nbody)
        return;
    const kh_block_t *b = &p->blocks[p->nbody - 1];
    bool ends = false;
    if (b->kind == KH_BLOCK_PARAGRAPH && b->para.text.nspans) {
        const kh_span_t *s = &b->para.text.spans[b->para.text.nspans - 1];
        size_t n = s->len;
        while (n && (s->text[n - 1] == ' ' || s->text[n - 1] == '\n'))
            n--;
        ends = n >= 3 && !memcmp(s->text + n - 3, "./.", 3);
    }
    if (!ends)
        kh_mod_diag(c, b->line, b->col, KH_SEV_WARNING, "attached-end",
                    "a plan issued with a decision has no signature: its content "
                    "ends with \"./.\" (Nghị định 30/2020, Phụ lục III, Mẫu 1.3); "
                    "end its last paragraph with it");
}

void kh_mod_marks_free(kh_plan_t *p)
{
    free(p->attached_line);
    free(p->secrecy.text);
    free(p->urgency.text);
    free(p->circulation.text);
}
