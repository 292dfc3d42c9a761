/* Validation rules.
 *
 * Order matters only for wording: a rule that explains a problem better
 * than the schema's generic message runs first (an unquoted "- Lưu: VT"
 * recipient is a YAML mapping: say so, not "must be text"), and the schema
 * check skips positions that already carry an error. Body rules walk the
 * cmark tree load.c built; quote and glyph checks read the raw text so
 * that they can point at the exact character. What the body prints (code,
 * HTML, images, tables, footnotes, nesting) is judged by the model, which
 * decides it; `validate` runs the model too. */
#include "validate.h"

#include <cmark-gfm.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "image.h"
#include "model.h"
#include "text.h"

typedef struct {
    const kh_source_t *src;
    const kh_template_t *tpl;
    kh_font_t **fonts;
    kh_diag_list_t *diags;
    unsigned char seen_ok[0x2000 / 8]; /* code points known to have glyphs */
} kh_vctx_t;

/* A diagnostic in the plan's file; fmt is a message id and printf format. */
static void S_diag(kh_vctx_t *c, int line, int col, kh_severity_t sev,
                   const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void S_diag(kh_vctx_t *c, int line, int col, kh_severity_t sev,
                   const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_diag_addv(c->diags, c->src->path, line, col, sev, rule, fmt, ap);
    va_end(ap);
}

/* ---- front matter rules ---- */

static void S_recipients(kh_vctx_t *c, const kh_node_t *fm)
{
    const kh_node_t *r = kh_node_get(fm, "recipients");
    for (size_t i = 0; r && r->kind == KH_NODE_SEQ && i < r->n; i++) {
        const kh_node_t *it = r->kids[i];
        if (it->kind != KH_NODE_MAP)
            continue;
        const char *key = it->n ? it->kids[0]->text : "";
        bool archive = key && !strncmp(key, "Lưu", strlen("Lưu"));
        S_diag(c, it->line, it->col, KH_SEV_ERROR, "recipient-mapping",
               archive ? N_("this recipient is not text (an unquoted ': ' makes it "
                            "a mapping): quote it; the 'Lưu' line goes in 'archive:'")
                       : N_("this recipient is not text (an unquoted ': ' makes it "
                            "a mapping): quote it"));
    }
}

static bool S_partial_date(const kh_node_t *d)
{
    return d && d->kind == KH_NODE_SCALAR && strlen(d->text) < 10;
}

static void S_date_draft(kh_vctx_t *c, const kh_node_t *fm)
{
    const kh_node_t *d = kh_node_get(fm, "date");
    if (kh_node_get(fm, "number") && S_partial_date(d) &&
        kh_date_valid(d->text, true))
        S_diag(c, d->line, d->col, KH_SEV_ERROR, "date-draft",
               "a numbered plan needs its full date YYYY-MM-DD (only drafts, "
               "without 'number', may leave out the day or month)");
}

/* A plan issued with a decision (attached_to; PL III Mẫu 1.3, spec
 * appendix-esign.md §1) prints no number, place-date, Nơi nhận or
 * signature: the decision carries them. Such a key given would not print,
 * so it is an error at the key. A numbered decision needs its full date,
 * as a numbered plan does (date-draft). */
static void S_attached(kh_vctx_t *c, const kh_node_t *fm)
{
    const kh_node_t *at = kh_node_get(fm, "attached_to");
    if (!at || !fm || fm->kind != KH_NODE_MAP)
        return;
    static const char *const keys[] = {"number", "place", "date", "recipients",
                                       "archive", "signer"};
    for (size_t i = 0; i + 1 < fm->n; i += 2) {
        const kh_node_t *k = fm->kids[i];
        for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++)
            if (k->kind == KH_NODE_SCALAR && !strcmp(k->text, keys[j]))
                S_diag(c, k->line, k->col, KH_SEV_ERROR, "attached-field",
                       N_("'%s' is not printed in a plan issued with a decision "
                          "(attached_to): the decision carries the number, date, "
                          "Nơi nhận and signature; remove it"),
                       keys[j]);
    }
    /* a joint plan's signers, one in each issuers item */
    const kh_node_t *list = kh_node_get(fm, "issuers");
    for (size_t i = 0; list && list->kind == KH_NODE_SEQ && i < list->n; i++) {
        const kh_node_t *k = kh_node_key(list->kids[i], "signer");
        if (k)
            S_diag(c, k->line, k->col, KH_SEV_ERROR, "attached-field",
                   N_("'%s' is not printed in a plan issued with a decision "
                      "(attached_to): the decision carries the number, date, "
                      "Nơi nhận and signature; remove it"),
                   "signer");
    }
    const kh_node_t *d = kh_node_get(at, "date");
    if (kh_node_get(at, "number") && S_partial_date(d) && kh_date_valid(d->text, true))
        S_diag(c, d->line, d->col, KH_SEV_ERROR, "date-draft",
               N_("a numbered decision needs its full date YYYY-MM-DD (only a "
                  "draft, without 'number', may leave out the day or month)"));
}

/* ---- signer chains (spec appendix-esign.md §3, decree Điều 13) ---- */

/* One authority line of a signature block, "KT. GIÁM ĐỐC", however it was
 * spelt: a `chain` item, or `authority` + `on_behalf_of`. Both spellings
 * are turned into these and checked by S_links, so that a rule of Điều 13
 * is written once. Pointers into the front matter's nodes. */
typedef struct {
    const char *auth;         /* "KT", "TM", "TL", "Q", "TUQ"; alen bytes */
    size_t alen;
    const char *name;         /* the body or head it speaks for */
    const kh_node_t *at;      /* where the authority is written */
    const kh_node_t *name_at; /* where the name is written */
} S_link_t;

static bool S_link_is(const S_link_t *l, const char *a)
{
    return strlen(a) == l->alen && !strncmp(l->auth, a, l->alen);
}

/* True if name (after "TM. ") opens with an office's title rather than a
 * collective body's name: TM. speaks for a body (ỦY BAN NHÂN DÂN, BAN
 * CHẤP HÀNH, HỘI ĐỒNG …), KT./TL. for a head (Điều 13.1–13.2, PL I
 * II.7.b). Titles: GIÁM ĐỐC, CHỦ TỊCH, CHÁNH …, PHÓ …, BÍ THƯ, CHỦ NHIỆM,
 * THƯ KÝ and every "… TRƯỞNG" (BỘ TRƯỞNG, HIỆU TRƯỞNG, TRƯỞNG BAN). */
static bool S_title_word(const char *name)
{
    static const char *const titles[] = {
        "GIÁM ĐỐC", "TỔNG GIÁM ĐỐC", "CHỦ TỊCH", "CHÁNH ", "PHÓ ", "BÍ THƯ",
        "CHỦ NHIỆM", "THƯ KÝ", "TỔNG THƯ KÝ", "TRƯỞNG"};
    char *up = kh_text_upper(name);
    bool title = false;
    for (size_t i = 0; i < sizeof titles / sizeof *titles && !title; i++)
        title = !strncmp(up, titles[i], strlen(titles[i]));
    /* "BỘ TRƯỞNG", "HIỆU TRƯỞNG": the first or second word */
    const char *w2 = strchr(up, ' ');
    const char *tr = "TRƯỞNG";
    size_t tl = strlen(tr);
    if (!title && w2 && !strncmp(w2 + 1, tr, tl) && (!w2[1 + tl] || w2[1 + tl] == ' '))
        title = true;
    free(up);
    return title;
}

/* The chains of authority lines Điều 13 allows (the spec's §3 table):
 * TM, TM KT, KT, Q, TL, TL KT, TUQ. A chain is checked by the rules that
 * say what is wrong first (signer-tm-first … signer-chain-repeat); one
 * they let through and the table lacks is signer-chain. */
static const char *const S_auths[] = {"TM", "KT", "TL", "Q", "TUQ"};
static const char *const S_chains[] = {"TM", "TM KT", "KT", "Q", "TL", "TL KT", "TUQ"};

/* Checks a signature block's n authority lines, top down, and the title
 * printed under them (under, NULL if none) by Điều 13 and the spec's §3
 * table; whole is where a wrong sequence is reported. title_rules: whether
 * a missing title is this function's to report (a chain's; with
 * authority + on_behalf_of the schema requires the title). */
static void S_links(kh_vctx_t *c, const S_link_t *l, size_t n, const kh_node_t *whole,
                    const kh_node_t *under, bool title_rules, const char *path)
{
    char seq[64] = "";
    for (size_t i = 0; i < n; i++) {
        const S_link_t *it = &l[i];
        snprintf(seq + strlen(seq), sizeof seq - strlen(seq), "%s%.*s", i ? " " : "",
                 (int)it->alen, it->auth);
        for (size_t k = 0; k < i; k++)
            if (l[k].alen == it->alen && !strncmp(l[k].auth, it->auth, it->alen)) {
                kh_diag_add(c->diags, c->src->path, it->at->line, it->at->col,
                            KH_SEV_ERROR, "signer-chain-repeat",
                            "'%.*s.' comes twice in the chain: each authority "
                            "signs once (Điều 13)", (int)it->alen, it->auth);
                return;
            }
        if (i > 0 && S_link_is(&l[i - 1], "TUQ")) {
            S_diag(c, it->at->line, it->at->col, KH_SEV_ERROR, "signer-tuq-last",
                   "nothing goes under 'TUQ.': an authorisation cannot be passed on "
                   "(Điều 13.3), so the one authorised signs with their own title");
            return;
        }
        if (S_link_is(it, "TM")) {
            if (i > 0) {
                S_diag(c, it->at->line, it->at->col, KH_SEV_ERROR, "signer-tm-first",
                       "'TM.' comes first in a chain: the body is named before who "
                       "signs for it (TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH)");
                return;
            }
            if (S_title_word(it->name)) {
                kh_diag_add(c->diags, c->src->path, it->name_at->line, it->name_at->col,
                            KH_SEV_ERROR, "signer-tm-body",
                            "'TM.' names a collective body (TM. ỦY BAN NHÂN DÂN, TM. "
                            "BAN CHẤP HÀNH), not a title like '%s': a deputy signs "
                            "'KT. %s'", it->name, it->name);
                return;
            }
        }
    }
    size_t i = 0;
    while (i < sizeof S_chains / sizeof *S_chains && strcmp(S_chains[i], seq))
        i++;
    if (i == sizeof S_chains / sizeof *S_chains) {
        S_diag(c, whole->line, whole->col, KH_SEV_ERROR, "signer-chain",
               "the chain '%s' is not one Điều 13 allows: TM., TM. then KT., "
               "KT., Q., TL., TL. then KT., or TUQ.", seq);
        return;
    }
    const S_link_t *last = &l[n - 1];
    if (!under && title_rules && !S_link_is(last, "Q"))
        S_diag(c, last->at->line, last->at->col, KH_SEV_ERROR,
               S_link_is(last, "KT") ? "signer-kt-title" : "signer-title",
               S_link_is(last, "KT")
                   ? N_("'%s' needs 'title' under 'KT.': the deputy's own title "
                        "(KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)")
                   : N_("'%s' needs 'title', the signer's office under the chain "
                        "(only an acting head's 'Q. …' may stand alone)"),
               path);
    /* the spec's §3 table: the acting head signs "Q. GIÁM ĐỐC" alone; a
     * title under it would print as a second office ("Q. GIÁM ĐỐC" /
     * "PHÓ GIÁM ĐỐC") */
    if (under && S_link_is(last, "Q"))
        S_diag(c, under->line, under->col, KH_SEV_WARNING, "signer-q-title",
               N_("'%s.title' prints under 'Q. …', but an acting head signs with "
                  "the one line 'Q. GIÁM ĐỐC' (spec §3): leave out 'title'"),
               path);
}

/* signer.chain: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]. An item the
 * schema's pattern refused (not "AUTH. NAME") was reported there: the
 * chain's shape is then not judged (one error per mistake). */
static void S_chain(kh_vctx_t *c, const kh_node_t *sg, const char *path)
{
    const kh_node_t *ch = kh_node_get(sg, "chain");
    if (!ch || ch->kind != KH_NODE_SEQ || !ch->n)
        return;
    const kh_node_t *auth = kh_node_get(sg, "authority");
    const kh_node_t *obo = kh_node_get(sg, "on_behalf_of");
    if (auth || obo) {
        const kh_node_t *at = auth ? auth : obo;
        S_diag(c, at->line, at->col, KH_SEV_ERROR, "signer-chain-authority",
               "'%s.chain' gives the authority lines: leave out 'authority' and "
               "'on_behalf_of' (write them as chain items: 'KT. GIÁM ĐỐC')", path);
        return;
    }
    S_link_t *l = calloc(ch->n, sizeof *l);
    if (!l)
        abort();
    bool shaped = true;
    for (size_t i = 0; i < ch->n && shaped; i++) {
        const kh_node_t *it = ch->kids[i];
        shaped = it->kind == KH_NODE_SCALAR &&
                 !kh_diag_has_error_at(c->diags, it->line, it->col);
        if (!shaped)
            break;
        size_t al = strcspn(it->text, ".");
        bool known = false;
        for (size_t k = 0; k < sizeof S_auths / sizeof *S_auths; k++)
            known = known || (strlen(S_auths[k]) == al && !strncmp(it->text, S_auths[k], al));
        shaped = known && it->text[al] == '.';
        const char *name = it->text + al + (it->text[al] == '.');
        while (*name == ' ')
            name++;
        l[i] = (S_link_t){it->text, al, name, it, it};
    }
    if (shaped)
        S_links(c, l, ch->n, ch, kh_node_get(sg, "title"), true, path);
    free(l);
}

/* Electronic signing (spec appendix-esign.md §4): the images the signer
 * names are read and checked here whether or not render is given --esign,
 * so that validate and render give one verdict and a plan checked today
 * still signs tomorrow (image.c says what is refused). The seal prints at
 * its real size: seal_mm, else the PNG's pHYs; neither is an error at
 * seal_image. seal_mm without a seal prints nothing: an error too. */
static void S_esign_images(kh_vctx_t *c, const kh_node_t *sg, const char *where)
{
    if (!sg || sg->kind != KH_NODE_MAP)
        return;
    static const char *const keys[] = {"signature_image", "seal_image"};
    const kh_node_t *mm = kh_node_get(sg, "seal_mm");
    for (int k = 0; k < 2; k++) {
        const kh_node_t *v = kh_node_get(sg, keys[k]);
        if (!v || v->kind != KH_NODE_SCALAR || !v->text[0])
            continue; /* absent, or the schema's to report */
        char key[64];
        snprintf(key, sizeof key, "%s.%s", where, keys[k]);
        if (c->src->in_memory) {
            S_diag(c, v->line, v->col, KH_SEV_ERROR, "esign-image-file",
                   N_("%s: a plan given in memory cannot name image files"), key);
            continue;
        }
        char *path = kh_image_path(c->src, v->text);
        kh_image_t *img = kh_image_load(path, key, c->src->path, v->line, v->col,
                                        c->diags);
        if (img && k == 0 && img->mm_w > 0 && img->mm_w < 15)
            kh_diag_add(c->diags, c->src->path, v->line, v->col, KH_SEV_WARNING,
                        "esign-image-small", "%s: %s is %.1f mm wide by its pHYs "
                        "chunk and prints at that size: a handwritten signature is "
                        "some 30 to 60 mm wide (check the image's resolution)", key,
                        path, img->mm_w);
        if (img && k == 1 && !mm && img->mm_w <= 0)
            kh_diag_add(c->diags, c->src->path, v->line, v->col, KH_SEV_ERROR,
                        "esign-seal-size", "%s: %s does not say its real size (no "
                        "pHYs chunk in pixels per metre): give %s.seal_mm, the seal's diameter in mm, so "
                        "that it prints at its real size", key, path, where);
        else if (img && k == 1 && !mm && (img->mm_w < 20 || img->mm_w > 50))
            kh_diag_add(c->diags, c->src->path, v->line, v->col, KH_SEV_ERROR,
                        "esign-seal-size", "%s: %s is %.1f mm wide by its pHYs "
                        "chunk, not a seal's 20 to 50 mm: give %s.seal_mm, the "
                        "seal's diameter in mm", key, path, img->mm_w, where);
        kh_image_free(img);
        free(path);
    }
    const kh_node_t *seal = kh_node_get(sg, "seal_image");
    if (mm && !seal)
        S_diag(c, mm->line, mm->col, KH_SEV_ERROR, "esign-seal-size",
               N_("'seal_mm' sizes the seal image: without 'seal_image' it has "
                  "nothing to size"));
}

/* The signer: a chain, or authority + on_behalf_of ("KT." + "GIÁM
 * ĐỐC"), checked alike by S_links; an acting head's "authority: Q" takes
 * its office from on_behalf_of, else from title ("Q. GIÁM ĐỐC",
 * model_frame.c). An authority the
 * schema refused (its enum) was reported there: nothing more is said of
 * it or of its on_behalf_of. */
static void S_signer(kh_vctx_t *c, const kh_node_t *sg, const char *path)
{
    const kh_node_t *auth = kh_node_get(sg, "authority");
    const kh_node_t *obo = kh_node_get(sg, "on_behalf_of");
    S_esign_images(c, sg, path);
    S_chain(c, sg, path);
    if (kh_node_get(sg, "chain"))
        return;
    if (auth && kh_diag_has_error_at(c->diags, auth->line, auth->col))
        return;
    const char *a = auth && auth->kind == KH_NODE_SCALAR ? auth->text : NULL;
    bool needs = a && (!strcmp(a, "KT") || !strcmp(a, "TM") || !strcmp(a, "TL") ||
                       !strcmp(a, "TUQ"));
    if (needs && !obo)
        S_diag(c, auth->line, auth->col, KH_SEV_ERROR, "signer-authority",
               "'authority: %s' needs 'on_behalf_of' (the head's title)", a);
    if (!a && obo)
        S_diag(c, obo->line, obo->col, KH_SEV_WARNING, "signer-authority",
               "'on_behalf_of' is printed only after KT, TM, TL or TUQ");
    /* "Q." + on_behalf_of prints "Q. GIÁM ĐỐC" as a chain's "Q. GIÁM ĐỐC"
     * does, a title then under it (signer-q-title) */
    if (a && obo && obo->kind == KH_NODE_SCALAR &&
        !kh_diag_has_error_at(c->diags, obo->line, obo->col)) {
        S_link_t l = {a, strlen(a), obo->text, auth, obo};
        S_links(c, &l, 1, auth, kh_node_get(sg, "title"), false, path);
    }
}

/* ---- joint plans (spec appendix-esign.md §2, practice) ---- */

/* issuers: two or more bodies, exactly one lead, not with issuer or
 * signer, codes that differ (the number joins them: KHLT-SYT-CĐYT); then
 * each body's signer as a plan's. */
static void S_joint(kh_vctx_t *c, const kh_node_t *fm)
{
    const kh_node_t *list = kh_node_get(fm, "issuers");
    if (!list) {
        S_signer(c, kh_node_get(fm, "signer"), "signer");
        return;
    }
    const kh_node_t *k;
    if ((k = kh_node_key(fm, "issuer")))
        S_diag(c, k->line, k->col, KH_SEV_ERROR, "joint-issuer",
               "'%s' with 'issuers': a joint plan names every body, the lead's "
               "too, in 'issuers'", "issuer");
    if ((k = kh_node_key(fm, "signer")))
        S_diag(c, k->line, k->col, KH_SEV_ERROR, "joint-issuer",
               "'%s' with 'issuers': a joint plan gives each body's signer in "
               "its 'issuers' item", "signer");
    if (list->kind != KH_NODE_SEQ)
        return;
    const kh_node_t *key = kh_node_key(fm, "issuers");
    if (list->n == 1)
        S_diag(c, key->line, key->col, KH_SEV_ERROR, "joint-one",
               "'issuers' lists one body: a joint plan has two or more; a plan "
               "of one body gives 'issuer' and 'signer'");
    const kh_node_t *lead = NULL;
    for (size_t i = 0; i < list->n; i++) {
        const kh_node_t *it = list->kids[i];
        const kh_node_t *l = kh_node_get(it, "lead");
        if (l && l->kind == KH_NODE_SCALAR && !strcmp(l->text, "true")) {
            if (lead)
                S_diag(c, l->line, l->col, KH_SEV_ERROR, "joint-lead",
                       "a second body marked 'lead: true': one body leads, comes "
                       "first in the number and signs on the right");
            else
                lead = it;
        }
        const kh_node_t *code = kh_node_get(it, "code");
        for (size_t j = 0; j < i && code && code->kind == KH_NODE_SCALAR; j++) {
            const kh_node_t *o = kh_node_get(list->kids[j], "code");
            if (o && o->kind == KH_NODE_SCALAR && !strcmp(o->text, code->text))
                S_diag(c, code->line, code->col, KH_SEV_ERROR, "joint-code",
                       "two bodies have the code '%s': the number joins the codes "
                       "(KHLT-SYT-CĐYT), so each must tell its body", code->text);
        }
        /* each body signs its block; a plan issued with a decision has
         * no signature (S_attached reports a signer given there) */
        bool attached = kh_node_get(fm, "attached_to") != NULL;
        if (it->kind == KH_NODE_MAP && !attached && !kh_node_get(it, "signer"))
            kh_diag_add(c->diags, c->src->path, it->line, it->col, KH_SEV_ERROR,
                        "required", "missing '%s'", "issuers item.signer");
        if (it->kind == KH_NODE_MAP)
            S_signer(c, kh_node_get(it, "signer"), "issuers item.signer");
    }
    /* a lead typed wrong ("lead: yes") is the schema's type error already:
     * one error for one mistake */
    bool typo = false;
    for (size_t i = 0; i < list->n; i++) {
        const kh_node_t *l = kh_node_get(list->kids[i], "lead");
        typo = typo || (l && kh_diag_has_error_at(c->diags, l->line, l->col));
    }
    if (!lead && !typo && list->n > 1)
        S_diag(c, key->line, key->col, KH_SEV_ERROR, "joint-lead",
               "no body is marked 'lead: true': the lead body (chủ trì) comes "
               "first in the number and signs on the right");
}

/* A ' #' after a plain value starts a YAML comment, so the value stops
 * there without a word: `title: Kế hoạch thi đua năm 2025 #2` prints
 * without "#2". Every plain value is checked but those from a fixed list
 * (schema enum: type:, authority:), which are checked whole, so nothing
 * can be cut from them unseen; a comment after a quoted or block value,
 * after a key whose value is a list or a mapping, or on a line of its own,
 * cuts nothing. The comment is found in the source after the value's
 * end. */
static void S_comment_after(kh_vctx_t *c, const kh_node_t *v, const char *path)
{
    size_t len;
    const char *l = kh_source_line(c->src, v->end_line, &len);
    size_t i = kh_source_byte(c->src, v->end_line, v->end_col);
    size_t sp = i;
    while (i < len && (l[i] == ' ' || l[i] == '\t'))
        i++;
    if (i == sp || i >= len || l[i] != '#')
        return;
    int col = v->end_col + (int)(i - sp);
    size_t shown = len - i;
    const char *ell = "";
    if (kh_utf8_length(l + i, shown) > 40) { /* a long note: its start */
        shown = kh_utf8_offset(l + i, shown, 40);
        ell = "…";
    }
    kh_diag_add(c->diags, c->src->path, v->end_line, col, KH_SEV_WARNING,
                "yaml-comment", "'%s' stops before '%.*s%s': after a space, '#' "
                "starts a YAML comment, which is not printed (quote the whole "
                "value to print it, or put the comment on a line of its own)",
                path, (int)shown, l + i, ell);
}

/* A double-quoted value can hold control characters typed as escapes
 * ("\t", "\x01"), which the byte check of the file cannot see and no font
 * can print. A line break ("\n") is the newline rule's. */
static void S_escaped_controls(kh_vctx_t *c, const kh_node_t *n, const char *path)
{
    size_t len = strlen(n->text);
    for (size_t i = 0; i < len;) {
        uint32_t cp = kh_utf8_next(n->text, len, &i);
        if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp < 0xA0)) {
            kh_diag_add(c->diags, c->src->path, n->line, n->col, KH_SEV_ERROR,
                        "control-char", "'%s' holds the control character "
                        "U+%04X (a YAML escape such as \\t), which cannot be "
                        "printed", path, (unsigned)cp);
            return;
        }
    }
}

/* Markdown or HTML in a front-matter value: the value is plain text, so
 * "**Ban Giám đốc**" or "<b>năm 2025</b>" would print with its marks
 * ("<br>" is a line break in a value that prints on several lines, multi:
 * model.c). Returns the mark found, or NULL. */
static const char *S_markup(const char *t, bool multi)
{
    static const char *const marks[] = {"**", "__", "`", NULL};
    for (int i = 0; marks[i]; i++)
        if (strstr(t, marks[i]))
            return marks[i];
    for (const char *p = strchr(t, '<'); p; p = strchr(p + 1, '<')) {
        const char *q = p[1] == '/' ? p + 2 : p + 1;
        if (isalpha((unsigned char)*q) && strchr(q, '>') && (!multi || strncasecmp(q, "br", 2)))
            return "<…>";
    }
    return NULL;
}

/* The front matter's values, with the schema of each (sn, or NULL):
 * comments that cut a value, escaped control characters, markup. */
static void S_front_values(kh_vctx_t *c, const kh_node_t *n,
                           const kh_schema_node_t *sn, const char *path,
                           int depth)
{
    if (!n || depth > 64)
        return;
    if (n->kind == KH_NODE_SCALAR) {
        if (n->style == KH_STYLE_PLAIN && n->end_line && !kh_schema_enum(sn))
            S_comment_after(c, n, path);
        if (n->style == KH_STYLE_DOUBLE_QUOTED)
            S_escaped_controls(c, n, path);
        const char *mark = kh_schema_enum(sn) ? NULL
                                              : S_markup(n->text, !kh_schema_single_line(sn));
        if (mark)
            kh_diag_add(c->diags, c->src->path, n->line, n->col, KH_SEV_WARNING,
                        "markup-in-field", "'%s': Markdown and HTML are not read in "
                        "front-matter values: '%s' is printed as typed", path, mark);
        return;
    }
    kh_buf_t b = {0};
    for (size_t i = 0; i < n->n; i++) {
        const kh_node_t *kid = n->kids[i];
        const kh_schema_node_t *ks;
        b.len = 0;
        if (n->kind == KH_NODE_SEQ) {
            kh_buf_printf(&b, "%s item", path);
            ks = kh_schema_child(sn, NULL);
        } else if (i % 2 == 1) {
            const kh_node_t *k = n->kids[i - 1];
            const char *key = k->kind == KH_NODE_SCALAR ? k->text : "?";
            kh_buf_printf(&b, "%s%s%s", path, *path ? "." : "", key);
            ks = kh_schema_child(sn, key);
        } else {
            continue; /* keys */
        }
        S_front_values(c, kid, ks, b.data, depth + 1);
    }
    kh_buf_free(&b);
}

/* ---- glyphs ---- */

static bool S_has_glyph(kh_vctx_t *c, uint32_t cp)
{
    if (cp < 0x2000 && (c->seen_ok[cp / 8] & (1u << (cp % 8))))
        return true;
    for (int f = 0; f < KH_FONT_COUNT; f++)
        if (!kh_font_glyph(c->fonts[f], cp))
            return false;
    if (cp < 0x2000)
        c->seen_ok[cp / 8] |= (unsigned char)(1u << (cp % 8));
    return true;
}

/* Checks the characters of s, which starts at line:col. Line ends move the
 * position to the start of the next line (col_after_nl). */
static void S_glyphs_in(kh_vctx_t *c, const char *s, size_t n, int line,
                        int col, int col_after_nl)
{
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x20 && b < 0x7F) { /* ASCII: every text font has it */
            col++, i++;
            continue;
        }
        uint32_t cp;
        size_t l = kh_utf8_decode(s + i, n - i, &cp);
        if (!l)
            return;
        const char *invisible = kh_invisible_name(cp);
        if (cp == '\n') {
            line++, col = col_after_nl;
        } else if (invisible) {
            /* pasted from Word or the web: prints nothing there, so nothing
             * here either (the model drops it), but the text changes */
            kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_WARNING,
                        "invisible-char", "invisible %s (U+%04X) removed: it prints "
                        "nothing in the editor it came from", gettext(invisible), (unsigned)cp);
            col++;
        } else {
            if (cp >= 0x20 && !S_has_glyph(c, cp)) {
                char ch[5] = {0};
                kh_utf8_encode(cp, ch);
                kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_ERROR,
                            "glyph", "the font has no glyph for U+%04X '%s'",
                            (unsigned)cp, ch);
            }
            col++;
        }
        i += l;
    }
}

static void S_glyphs_front(kh_vctx_t *c, const kh_node_t *n)
{
    if (!n)
        return;
    if (n->kind == KH_NODE_SCALAR) {
        S_glyphs_in(c, n->text, strlen(n->text), n->line, n->col + (n->quoted ? 1 : 0),
                    n->col);
        return;
    }
    for (size_t i = n->kind == KH_NODE_MAP ? 1 : 0; i < n->n;
         i += n->kind == KH_NODE_MAP ? 2 : 1)
        S_glyphs_front(c, n->kids[i]);
}

/* ---- placeholders ---- */

/* «…» marks what `kehoach new` left to fill in; every one is an error so a
 * half-filled plan cannot be printed. Searched in the whole file, comments
 * included: a placeholder left in a comment is harmless but rare. */
static void S_placeholders(kh_vctx_t *c)
{
    const char *t = c->src->text, *end = t + c->src->len;
    kh_pos_t at = {t, 0, 1, 1}; /* counting goes forward only */
    for (const char *p = t; (p = memmem(p, (size_t)(end - p), "«", 2)); p += 2) {
        const char *q = memmem(p, (size_t)(end - p), "»", 2);
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!q || (nl && nl < q))
            continue;
        kh_pos_advance(&at, (size_t)(p - t));
        char what[200];
        snprintf(what, sizeof what, "%.*s", (int)(q + 2 - p) < 190 ? (int)(q + 2 - p) : 190, p);
        kh_diag_add(c->diags, c->src->path, at.line, at.col, KH_SEV_ERROR, "placeholder",
                    "placeholder %s is not filled in", what);
    }
}

/* ---- body rules ---- */

/* The hand-written number at the start of a heading, if any. */
static bool S_written_number(cmark_node *h, char *out, size_t size)
{
    cmark_iter *it = cmark_iter_new(h);
    bool found = false;
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_TEXT) {
            const char *t = cmark_node_get_literal(n);
            size_t k = kh_heading_number_prefix(t);
            while (k && t[k - 1] == ' ')
                k--;
            if (k && k < size) {
                memcpy(out, t, k);
                out[k] = '\0';
                found = true;
            }
            break;
        }
    }
    cmark_iter_free(it);
    return found;
}

typedef struct {
    int counters[KH_MAX_LEVELS];
    int level; /* of the previous heading; 0 before the first */
    char *numbering[KH_MAX_LEVELS];
} kh_heads_t;

/* True if format prints the counter of a level in [lo, hi] ("{3:1}"). */
static bool S_prints_level(const char *format, int lo, int hi)
{
    for (const char *p = strchr(format, '{'); p; p = strchr(p + 1, '{'))
        if (p[1] >= '0' + lo && p[1] <= '0' + hi && p[2] == ':')
            return true;
    return false;
}

/* A heading may skip levels only below a numbered item (previous heading
 * level 2 or deeper) and only when its number prints none of the skipped
 * counters: offices put "a)" directly under "1." in one section and
 * "1.1." then "a)" in another (numbering: […, "{2:1}.{3:1}.", "{4:a})"],
 * "####" right under "##"); a number that would read "1.0.1." is refused.
 * Under a section (level 1) every level is written, as the decree's
 * "I." always holds "1." items. */
static bool S_skip_allowed(const kh_vctx_t *c, const kh_heads_t *h, int level)
{
    return h->level >= 2 &&
           !S_prints_level(kh_level_format(c->tpl, h->numbering, level), h->level + 1,
                           level - 1);
}

static void S_heading(kh_vctx_t *c, kh_heads_t *h, cmark_node *n)
{
    int level = cmark_node_get_heading_level(n);
    int line = kh_source_body_line(c->src, cmark_node_get_start_line(n));
    int col = cmark_node_get_start_column(n);
    if (level > h->level + 1 && !S_skip_allowed(c, h, level)) {
        kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_ERROR, "heading-skip",
                    "heading level %d follows level %d: use %.*s", level,
                    h->level, h->level + 1, "######");
    }
    h->level = level;
    cmark_node *next = cmark_node_next(n);
    if (kh_appendix_heading(n)) {
        /* an appendix: its headings are numbered on their own; its own
         * number is given by the model; empty only when nothing follows */
        memset(h->counters, 0, sizeof h->counters);
        if (!next || kh_appendix_heading(next))
            S_diag(c, line, col, KH_SEV_WARNING, "empty-section",
                   "this section has no content");
        return;
    }
    char want[64], written[64];
    kh_number_next(h->counters, level, kh_level_format(c->tpl, h->numbering, level),
                   want, sizeof want);
    if (want[0] && S_written_number(n, written, sizeof written) &&
        strcmp(written, want)) {
        kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_WARNING,
                    "heading-number", "the heading is written as '%s' but its "
                    "place makes it '%s', as it is printed", written, want);
    }
    if (!next || (cmark_node_get_type(next) == CMARK_NODE_HEADING &&
                  cmark_node_get_heading_level(next) <= level))
        S_diag(c, line, col, KH_SEV_WARNING, "empty-section",
               "this section has no content");
}

/* “ ” must pair up within a paragraph: reports a closing quote with no
 * opening one, and an opening one never closed. */
static void S_quotes(kh_vctx_t *c, cmark_node *n)
{
    int first = kh_source_body_line(c->src, cmark_node_get_start_line(n));
    int last = kh_source_body_line(c->src, cmark_node_get_end_line(n));
    const char *text = c->src->text;
    size_t last_len;
    const char *end = kh_source_line(c->src, last, &last_len) + last_len;
    const char *t = kh_source_line(c->src, first, NULL);
    kh_pos_t at = {text, (size_t)(t - text), first, 1};
    int open_line = 0, open_col = 0, depth = 0;
    for (; t + 3 <= end; t++) {
        bool open = !strncmp(t, "“", 3);
        if (!open && strncmp(t, "”", 3))
            continue;
        kh_pos_advance(&at, (size_t)(t - text));
        if (open) {
            if (depth++ == 0)
                open_line = at.line, open_col = at.col;
        } else if (depth == 0) {
            S_diag(c, at.line, at.col, KH_SEV_WARNING, "quotes",
                   "closing quote ” without an opening “");
        } else {
            depth--;
        }
    }
    if (depth > 0)
        S_diag(c, open_line, open_col, KH_SEV_WARNING, "quotes",
               "opening quote “ never closed in this paragraph");
}

static void S_body(kh_vctx_t *c, kh_heads_t *h)
{
    cmark_iter *it = cmark_iter_new(c->src->body_doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_HEADING && cmark_node_parent(n) == c->src->body_doc)
            S_heading(c, h, n);
        /* a pipe table's row is one line: its quotes pair up in it */
        const char *ext = t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING
                              ? NULL : cmark_node_get_type_string(n);
        if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
            (ext && (!strcmp(ext, "table_row") || !strcmp(ext, "table_header"))))
            S_quotes(c, n);
    }
    cmark_iter_free(it);
}

void kh_validate_plan(const kh_source_t *src, const kh_schema_t *schema,
                      const kh_template_t *tpl, kh_font_t *fonts[KH_FONT_COUNT],
                      kh_diag_list_t *diags)
{
    kh_vctx_t *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    *c = (kh_vctx_t){.src = src, .tpl = tpl, .fonts = fonts, .diags = diags};
    const kh_node_t *fm = src->front;
    S_recipients(c, fm);
    kh_schema_check(schema, fm, src->path, 2, diags);
    S_date_draft(c, fm);
    S_attached(c, fm);
    S_joint(c, fm);
    S_glyphs_front(c, fm);
    S_front_values(c, fm, kh_schema_root(schema), "", 0);
    kh_heads_t h = {0};
    const kh_node_t *num = kh_node_get(fm, "numbering");
    for (size_t i = 0; num && num->kind == KH_NODE_SEQ && i < num->n && i < KH_MAX_LEVELS; i++)
        if (num->kids[i]->kind == KH_NODE_SCALAR)
            h.numbering[i] = num->kids[i]->text;
    S_body(c, &h);
    S_glyphs_in(c, src->body, src->body_len, src->body_line, 1, 1);
    S_placeholders(c);
    free(c);
}

void kh_validate_appendix_files(const kh_source_t *src, const kh_template_t *tpl,
                                kh_font_t *fonts[KH_FONT_COUNT],
                                kh_diag_list_t *diags)
{
    for (size_t i = 0; i < src->nappendix_files; i++) {
        const kh_source_t *f = &src->appendix_files[i];
        kh_vctx_t c = {.src = f, .tpl = tpl, .fonts = fonts, .diags = diags};
        kh_heads_t h = {0};
        const kh_node_t *num = kh_node_get(src->front, "numbering");
        for (size_t k = 0; num && num->kind == KH_NODE_SEQ && k < num->n && k < KH_MAX_LEVELS; k++)
            if (num->kids[k]->kind == KH_NODE_SCALAR)
                h.numbering[k] = num->kids[k]->text;
        /* front matter: one error from the model, not its lines' noise */
        if (f->body_doc && !kh_appendix_front_matter(f))
            S_body(&c, &h);
        S_glyphs_in(&c, f->body, f->body_len, f->body_line, 1, 1);
    }
}
