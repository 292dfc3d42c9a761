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
 * Marks: spec appendix-esign.md §5. Urgency (PL I Mục III.2.b): a
 * single-line box, HỎA TỐC 30 × 8 mm, THƯỢNG KHẨN 40 × 8 mm, KHẨN
 * 20 × 8 mm, upper case bold 13 pt (Mục V sample), bright red.
 * Secrecy (III.2.a leaves it to the state-secrets rules): Thông tư
 * 24/2020/TT-BCA as published summaries give it — TUYỆT MẬT 40 × 8 mm,
 * TỐI MẬT 30 × 8 mm, two borders 1 mm apart, bold 13 pt, red ink; MẬT
 * 20 × 8 mm follows the series (not read in the circular itself).
 * Circulation notes (III.2.c): a single-line box, upper case bold
 * 13–14 pt; no colour is given, so black; no size either: the text's
 * width and 2 mm each side, 8 mm high like the others. */
#include "model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "text.h"
#include "wording.h"

static char *S_dup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

/* A scalar's text, or NULL (the schema reports anything else). */
static const char *S_scalar(const kh_node_t *map, const char *key)
{
    const kh_node_t *v = kh_node_get(map, key);
    return v && v->kind == KH_NODE_SCALAR && v->text[0] ? v->text : NULL;
}

static const struct {
    const char *text;
    double w_mm;
    bool dbl;
} S_stamps[] = {
    {"KHẨN", 20, false},     {"THƯỢNG KHẨN", 40, false},
    {"HỎA TỐC", 30, false},  {"HOẢ TỐC", 30, false},
    {"MẬT", 20, true},       {"TỐI MẬT", 30, true},
    {"TUYỆT MẬT", 40, true},
};

/* The mark for key's value: its fixed stamp size when the decree (or the
 * circular) gives one, else the text's width. An unknown urgency or
 * secrecy value is the schema's enum error; here it gets no mark. */
static void S_mark(const kh_node_t *fm, const char *key, bool red, bool fixed,
                   kh_mark_t *m)
{
    const char *v = S_scalar(fm, key);
    if (!v)
        return;
    *m = (kh_mark_t){.h_mm = 8, .pad_mm = 2, .size = 13, .red = red};
    if (!fixed) {
        m->text = kh_text_upper(v);
        return;
    }
    for (size_t i = 0; i < sizeof S_stamps / sizeof *S_stamps; i++)
        if (!strcmp(v, S_stamps[i].text)) {
            m->text = S_dup(v);
            m->w_mm = S_stamps[i].w_mm;
            m->double_border = S_stamps[i].dbl;
        }
}

void kh_mod_marks(kh_mctx_t *c)
{
    const kh_node_t *fm = c->src->front;
    kh_plan_t *p = c->plan;
    S_mark(fm, "secrecy", true, true, &p->secrecy);
    S_mark(fm, "urgency", true, true, &p->urgency);
    S_mark(fm, "circulation", false, false, &p->circulation);

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
    char *name = issuer ? S_dup(issuer) : kh_mod_issuer_running(p, c->tpl, &failed);
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
                    "ends with \"./.\" (Nghị định 30/2020, Phụ lục III, Mẫu 1.3)%s; "
                    "end its last paragraph with it",
                    "");
}

void kh_mod_marks_free(kh_plan_t *p)
{
    free(p->attached_line);
    free(p->secrecy.text);
    free(p->urgency.text);
    free(p->circulation.text);
}
