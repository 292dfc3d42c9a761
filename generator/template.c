/* Reading a template.
 *
 * The template is YAML; each field the renderer needs is described once in
 * a table (its path in the YAML, where it goes in kh_template_t, its kind and
 * unit), and one loop reads them all, so a missing or mistyped field gets the
 * same precise diagnostic wherever it is. */
#include "template.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "load.h"
#include "text.h"

#define KH_MM (72.0 / 25.4) /* points per millimetre */
#define KH_NFIELDS (sizeof kh_fields / sizeof kh_fields[0])

typedef enum { F_PT, F_MM, F_NUM, F_STR, F_BOOL } kh_field_kind_t;

typedef struct {
    const char *section, *key;
    kh_field_kind_t kind;
    size_t offset;
} kh_field_t;

#define D(sec, key, kind, member) {sec, key, kind, offsetof(kh_template_t, member)}
static const kh_field_t kh_fields[] = {
    D(NULL, "name", F_STR, name),
    D(NULL, "doc_name", F_STR, doc_name),
    D(NULL, "doc_code", F_STR, doc_code),
    D(NULL, "joint_doc_code", F_STR, joint_doc_code),
    D(NULL, "run_in_colon", F_BOOL, run_in_colon),
    D(NULL, "skeleton", F_STR, skeleton),
    D(NULL, "pdfa_icc_profile", F_STR, pdfa_icc),
    D("page", "width_mm", F_MM, page_w),
    D("page", "height_mm", F_MM, page_h),
    D("page", "margin_top_mm", F_MM, margin_top),
    D("page", "margin_bottom_mm", F_MM, margin_bottom),
    D("page", "margin_left_mm", F_MM, margin_left),
    D("page", "margin_right_mm", F_MM, margin_right),
    D("header", "left_width_mm", F_MM, hdr_left_w),
    D("header", "right_width_mm", F_MM, hdr_right_w),
    D("header", "shift_left_mm", F_MM, hdr_shift),
    D("header", "parent_size", F_PT, parent_size),
    D("header", "issuer_size", F_PT, issuer_size),
    D("header", "number_size", F_PT, number_size),
    D("header", "national_title", F_STR, national_title),
    D("header", "national_size", F_PT, national_size),
    D("header", "motto", F_STR, motto),
    D("header", "motto_size", F_PT, motto_size),
    D("header", "place_date_size", F_PT, place_date_size),
    D("header", "issuer_rule_ratio", F_NUM, issuer_rule_ratio),
    D("header", "rule_width_pt", F_PT, rule_width),
    D("header", "rule_gap_pt", F_PT, rule_gap),
    D("header", "number_gap_pt", F_PT, number_gap),
    D("header", "draft_blank", F_STR, draft_blank),
    D("header", "number_label", F_STR, number_label),
    D("header", "joint_gap_pt", F_PT, joint_gap),
    D("title", "space_before_pt", F_PT, title_space_before),
    D("title", "doc_name_size", F_PT, doc_name_size),
    D("title", "size", F_PT, title_size),
    D("title", "rule_ratio", F_NUM, title_rule_ratio),
    D("title", "rule_gap_pt", F_PT, title_rule_gap),
    D("title", "space_after_pt", F_PT, title_space_after),
    D("title", "addressee_label", F_STR, addressee_label),
    D("title", "addressee_size", F_PT, addressee_size),
    D("title", "addressee_gap_pt", F_PT, addressee_gap),
    D("body", "size", F_PT, body_size),
    D("body", "line_height", F_NUM, line_height),
    D("body", "indent_mm", F_MM, indent),
    D("body", "paragraph_after_pt", F_PT, paragraph_after),
    D("body", "space_stretch", F_NUM, space_stretch),
    D("body", "space_shrink", F_NUM, space_shrink),
    D("table", "size", F_PT, table_size),
    D("table", "min_size", F_PT, table_min_size),
    D("table", "padding_pt", F_PT, table_padding),
    D("table", "rule_width_pt", F_PT, table_rule),
    D("body", "superscript_scale", F_NUM, sup_scale),
    D("body", "superscript_rise", F_NUM, sup_rise),
    D("body", "subscript_drop", F_NUM, sub_drop),
    D("footnote", "size", F_PT, footnote_size),
    D("footnote", "rule_length_mm", F_MM, footnote_rule_len),
    D("footnote", "space_before_pt", F_PT, footnote_gap),
    D("appendix", "label", F_STR, appendix_label),
    D("appendix", "attached_doc", F_STR, appendix_attached_doc),
    D("appendix", "joint_and", F_STR, appendix_joint_and),
    D("appendix", "label_size", F_PT, appendix_label_size),
    D("appendix", "title_size", F_PT, appendix_title_size),
    D("appendix", "attached_size", F_PT, appendix_attached_size),
    D("appendix", "rule_ratio", F_NUM, appendix_rule_ratio),
    D("appendix", "rule_gap_pt", F_PT, appendix_rule_gap),
    D("appendix", "space_after_pt", F_PT, appendix_space_after),
    D("closing", "space_before_pt", F_PT, closing_space_before),
    D("closing", "left_width_mm", F_MM, closing_left_w),
    D("closing", "label", F_STR, closing_label),
    D("closing", "label_size", F_PT, label_size),
    D("closing", "item_size", F_PT, item_size),
    D("closing", "archive_prefix", F_STR, archive_prefix),
    D("closing", "item_prefix", F_STR, item_prefix),
    D("closing", "item_end", F_STR, item_end),
    D("closing", "last_item_end", F_STR, last_item_end),
    D("closing", "authority_separator", F_STR, authority_separator),
    D("closing", "signer_size", F_PT, signer_size),
    D("closing", "signature_room_mm", F_MM, signature_room),
    D("page_number", "size", F_PT, page_number_size),
    D("page_number", "baseline_from_top_mm", F_MM, page_number_baseline),
};
#undef D

static const char *const kh_font_keys[KH_FONT_COUNT] = {
    "regular", "bold", "italic", "bold_italic"};

typedef struct {
    const char *file;
    kh_diag_list_t *diags;
    const kh_node_t *root;
    bool ok;
} kh_tctx_t;

static void S_error(kh_tctx_t *c, const kh_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void S_error(kh_tctx_t *c, const kh_node_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_diag_addv(c->diags, c->file, at ? at->line : 0, at ? at->col : 0,
                 KH_SEV_ERROR, "template", fmt, ap);
    va_end(ap);
    c->ok = false;
}

/* A scalar as a number; false when it is not one. */
static bool S_number(const kh_node_t *n, double *out)
{
    if (!n || n->kind != KH_NODE_SCALAR || !n->text[0])
        return false;
    char *end;
    *out = strtod(n->text, &end);
    return *end == '\0';
}

static bool S_bool(const kh_node_t *n, bool *out)
{
    if (!n || n->kind != KH_NODE_SCALAR)
        return false;
    if (!strcmp(n->text, "true"))
        return *out = true, true;
    if (!strcmp(n->text, "false"))
        return *out = false, true;
    return false;
}

static void S_read_field(kh_tctx_t *c, kh_template_t *t, const kh_field_t *f)
{
    const kh_node_t *sec = f->section ? kh_node_get(c->root, f->section) : c->root;
    const kh_node_t *v = kh_node_get(sec, f->key);
    if (v)
        t->where[f - kh_fields] = (struct kh_tpos){v->line, v->col};
    const char *where = f->section ? f->section : _("the top level");
    if (!v) {
        S_error(c, sec ? sec : c->root, "missing '%s' in %s", f->key, where);
        return;
    }
    char *dst = (char *)t + f->offset;
    double d;
    switch (f->kind) {
    case F_STR:
        if (v->kind != KH_NODE_SCALAR)
            S_error(c, v, "'%s' in %s must be text", f->key, where);
        else
            *(char **)dst = kh_strdup(v->text);
        return;
    case F_BOOL:
        if (!S_bool(v, (bool *)dst))
            S_error(c, v, "'%s' in %s must be true or false", f->key, where);
        return;
    default:
        if (!S_number(v, &d) || d < 0)
            S_error(c, v, "'%s' in %s must be a number >= 0", f->key, where);
        else
            *(double *)dst = f->kind == F_MM ? d * KH_MM : d;
        return;
    }
}

static void S_read_fonts(kh_tctx_t *c, kh_template_t *t, const char *font_dir)
{
    const kh_node_t *fonts = kh_node_get(c->root, "fonts");
    for (int i = 0; i < KH_FONT_COUNT; i++) {
        const kh_node_t *v = kh_node_get(fonts, kh_font_keys[i]);
        if (!v || v->kind != KH_NODE_SCALAR) {
            S_error(c, fonts ? fonts : c->root, "missing font '%s' in %s",
                    kh_font_keys[i], "fonts");
            continue;
        }
        if (asprintf(&t->font_file[i], "%s/%s", font_dir, v->text) < 0)
            abort();
        if (access(t->font_file[i], R_OK) != 0)
            S_error(c, v, "font file '%s' not found (%s)", v->text,
                    t->font_file[i]);
    }
}

static void S_read_headings(kh_tctx_t *c, kh_template_t *t)
{
    const kh_node_t *h = kh_node_get(c->root, "headings");
    if (!h || h->kind != KH_NODE_SEQ || h->n == 0 || h->n > KH_MAX_LEVELS) {
        S_error(c, h ? h : c->root, "'headings' must list 1 to 6 levels");
        return;
    }
    t->nheadings = (int)h->n;
    for (size_t i = 0; i < h->n; i++) {
        const kh_node_t *lv = h->kids[i];
        kh_heading_style_t *s = &t->headings[i];
        const kh_node_t *fmt = kh_node_get(lv, "format");
        if (!fmt || fmt->kind != KH_NODE_SCALAR) {
            S_error(c, lv, "heading level needs a 'format'");
            continue;
        }
        s->format = kh_strdup(fmt->text);
        if (!S_bool(kh_node_get(lv, "bold"), &s->bold) ||
            !S_bool(kh_node_get(lv, "italic"), &s->italic) ||
            !S_bool(kh_node_get(lv, "upper"), &s->upper) ||
            !S_number(kh_node_get(lv, "space_before_pt"), &s->space_before_pt))
            S_error(c, lv,
                    "heading level needs bold, italic, upper (true/false) "
                    "and space_before_pt");
    }
}

static void S_read_bullets(kh_tctx_t *c, kh_template_t *t)
{
    const kh_node_t *b = kh_node_get(kh_node_get(c->root, "body"), "bullets");
    if (!b || b->kind != KH_NODE_SEQ || b->n == 0) {
        S_error(c, b ? b : c->root, "'bullets' in body must list the bullet "
                "for each list depth");
        return;
    }
    for (size_t i = 0; i < b->n && i < 3; i++)
        if (b->kids[i]->kind == KH_NODE_SCALAR)
            t->bullets[t->nbullets++] = kh_strdup(b->kids[i]->text);
}

/* table.widths (optional): a list of {header: [cell …], mm: [n …]} of the
 * same length, each mm a number ≥ 0 (0: automatic). */
static void S_read_table_widths(kh_tctx_t *c, kh_template_t *t)
{
    const kh_node_t *w = kh_node_get(kh_node_get(c->root, "table"), "widths");
    if (!w)
        return;
    if (w->kind != KH_NODE_SEQ) {
        S_error(c, w, "'widths' in table must list {header: [...], mm: [...]}");
        return;
    }
    t->table_widths = calloc(w->n ? w->n : 1, sizeof *t->table_widths);
    if (!t->table_widths)
        abort();
    for (size_t i = 0; i < w->n; i++) {
        const kh_node_t *e = w->kids[i];
        const kh_node_t *h = kh_node_get(e, "header"), *mm = kh_node_get(e, "mm");
        if (!h || !mm || h->kind != KH_NODE_SEQ || mm->kind != KH_NODE_SEQ ||
            h->n != mm->n || h->n == 0 || h->n > 32) {
            S_error(c, e, "each of table.widths needs 'header' and 'mm', lists of "
                    "the same length (1 to 32 columns)");
            return;
        }
        kh_table_widths_t *tw = &t->table_widths[t->ntable_widths++];
        tw->header = calloc(h->n, sizeof *tw->header);
        tw->mm = calloc(h->n, sizeof *tw->mm);
        if (!tw->header || !tw->mm)
            abort();
        tw->ncols = h->n;
        for (size_t k = 0; k < h->n; k++) {
            double d;
            if (h->kids[k]->kind != KH_NODE_SCALAR || !S_number(mm->kids[k], &d) || d < 0) {
                S_error(c, mm->kids[k], "table.widths: each header cell is text and "
                        "each mm a number >= 0 (0: automatic)");
                return;
            }
            tw->header[k] = kh_strdup(h->kids[k]->text);
            tw->mm[k] = d;
        }
        /* Wider than the text of any page, landscape included: the layout
         * could only scale them all down, which is not what was asked. */
        double sum = 0, land = (t->page_h - t->margin_top - t->margin_bottom) * 25.4 / 72;
        for (size_t k = 0; k < tw->ncols; k++)
            sum += tw->mm[k];
        if (sum > land + 0.05) {
            S_error(c, mm, "table.widths: the widths add up to %.1f mm, more than the "
                    "%.1f mm of text width of a landscape page (the widest kehoach "
                    "sets): make them narrower", sum, land);
            return;
        }
    }
}

/* One box of `marks:`: its keys as template.schema.yaml gives them;
 * with_text for an urgency or secrecy stamp (text, width_mm), not for the
 * circulation note's. */
static void S_read_stamp(kh_tctx_t *c, const kh_node_t *e, bool with_text,
                         kh_stamp_style_t *st)
{
    const kh_node_t *text = kh_node_get(e, "text"), *color = kh_node_get(e, "color");
    bool ok = e && e->kind == KH_NODE_MAP && color && color->kind == KH_NODE_SCALAR &&
              (!strcmp(color->text, "red") || !strcmp(color->text, "black")) &&
              S_number(kh_node_get(e, "height_mm"), &st->h_mm) &&
              S_number(kh_node_get(e, "padding_mm"), &st->pad_mm) &&
              S_number(kh_node_get(e, "size"), &st->size) &&
              S_bool(kh_node_get(e, "double_border"), &st->double_border);
    if (with_text)
        ok = ok && text && text->kind == KH_NODE_SCALAR && text->text[0] &&
             S_number(kh_node_get(e, "width_mm"), &st->w_mm);
    if (!ok) {
        S_error(c, e ? e : c->root, "a mark in 'marks' needs %s height_mm, padding_mm, "
                "size (numbers), color (red or black) and double_border (true or "
                "false)", with_text ? "text, width_mm," : "");
        return;
    }
    st->red = !strcmp(color->text, "red");
    if (with_text)
        st->text = kh_strdup(text->text);
}

/* marks: {urgency: [stamp …], secrecy: [stamp …], circulation: {…}} */
static void S_read_marks(kh_tctx_t *c, kh_template_t *t)
{
    const kh_node_t *m = kh_node_get(c->root, "marks");
    static const char *const keys[] = {"urgency", "secrecy"};
    kh_stamp_style_t **lists[] = {&t->urgency_stamps, &t->secrecy_stamps};
    size_t *counts[] = {&t->nurgency_stamps, &t->nsecrecy_stamps};
    for (int k = 0; k < 2; k++) {
        const kh_node_t *l = kh_node_get(m, keys[k]);
        if (!l || l->kind != KH_NODE_SEQ || !l->n) {
            S_error(c, l ? l : m ? m : c->root, "'%s' in marks must list a stamp "
                    "for each value", keys[k]);
            return;
        }
        *lists[k] = calloc(l->n, sizeof **lists[k]);
        if (!*lists[k])
            abort();
        for (size_t i = 0; i < l->n && c->ok; i++)
            S_read_stamp(c, l->kids[i], true, &(*lists[k])[(*counts[k])++]);
    }
    if (c->ok)
        S_read_stamp(c, kh_node_get(m, "circulation"), false, &t->circulation_stamp);
}

kh_template_t *kh_template_load(const char *path, const char *font_dir,
                                kh_diag_list_t *diags)
{
    kh_node_t *root = kh_yaml_load_file(path, diags);
    kh_template_t *t = root ? kh_template_from_tree(root, path, font_dir, diags) : NULL;
    kh_node_free(root);
    return t;
}

kh_template_t *kh_template_from_tree(const kh_node_t *root, const char *path,
                                     const char *font_dir, kh_diag_list_t *diags)
{
    kh_template_t *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    kh_tctx_t c = {.file = path, .diags = diags, .root = root, .ok = true};
    t->path = kh_strdup(path);
    t->where = calloc(KH_NFIELDS, sizeof *t->where);
    if (!t->where)
        abort();
    if (root->kind != KH_NODE_MAP)
        S_error(&c, root, "a template is a YAML mapping");
    for (size_t i = 0; i < sizeof kh_fields / sizeof kh_fields[0]; i++)
        S_read_field(&c, t, &kh_fields[i]);
    if (c.ok)
        S_read_fonts(&c, t, font_dir);
    if (c.ok)
        S_read_headings(&c, t);
    if (c.ok)
        S_read_bullets(&c, t);
    if (c.ok)
        S_read_table_widths(&c, t);
    if (c.ok)
        S_read_marks(&c, t);
    if (!c.ok) {
        kh_template_free(t);
        return NULL;
    }
    return t;
}

void kh_template_free(kh_template_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < sizeof kh_fields / sizeof kh_fields[0]; i++)
        if (kh_fields[i].kind == F_STR)
            free(*(char **)((char *)t + kh_fields[i].offset));
    for (int i = 0; i < KH_FONT_COUNT; i++)
        free(t->font_file[i]);
    for (int i = 0; i < KH_MAX_LEVELS; i++)
        free(t->headings[i].format);
    for (size_t i = 0; i < t->nbullets; i++)
        free(t->bullets[i]);
    for (size_t i = 0; i < t->ntable_widths; i++) {
        for (size_t k = 0; k < t->table_widths[i].ncols; k++)
            free(t->table_widths[i].header[k]);
        free(t->table_widths[i].header);
        free(t->table_widths[i].mm);
    }
    free(t->table_widths);
    for (size_t i = 0; i < t->nurgency_stamps; i++)
        free(t->urgency_stamps[i].text);
    for (size_t i = 0; i < t->nsecrecy_stamps; i++)
        free(t->secrecy_stamps[i].text);
    free(t->urgency_stamps);
    free(t->secrecy_stamps);
    free(t->path);
    free(t->where);
    free(t);
}

/* ---- what no single field can say ---- */

/* Printers leave a few millimetres at the paper's edges unprinted; issue 9
 * promises every glyph at least this far inside the paper. */
#define KH_PRINTABLE_MM 8.0
/* Below these a text block cannot hold the header's columns, a title and
 * the closing with its signature: a mistyped margin, not a design. */
#define KH_MIN_TEXT_W_MM 80.0
#define KH_MIN_TEXT_H_MM 100.0
/* The signature column holds "PHÓ GIÁM ĐỐC" and the name at 14 pt. */
#define KH_MIN_SIGNATURE_MM 50.0

typedef struct {
    const kh_template_t *t;
    kh_diag_list_t *diags;
    bool ok;
} kh_xctx_t;

/* The error at the field stored at offset (a member of kh_template_t). */
static void S_at(kh_xctx_t *c, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void S_at(kh_xctx_t *c, size_t offset, const char *fmt, ...)
{
    size_t i = 0;
    while (i < KH_NFIELDS && kh_fields[i].offset != offset)
        i++;
    const char *sec = i < KH_NFIELDS && kh_fields[i].section ? kh_fields[i].section : "";
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap);
    va_end(ap);
    kh_diag_add(c->diags, c->t->path, i < KH_NFIELDS ? c->t->where[i].line : 0,
                i < KH_NFIELDS ? c->t->where[i].col : 0, KH_SEV_ERROR, "template",
                "'%s%s%s': %s", sec, *sec ? "." : "",
                i < KH_NFIELDS ? kh_fields[i].key : "?", msg);
    c->ok = false;
}

#define AT(member) offsetof(kh_template_t, member)
#define MM(pt) ((pt) / KH_MM)

static void S_check_page(kh_xctx_t *c)
{
    const kh_template_t *t = c->t;
    double tw = t->page_w - t->margin_left - t->margin_right;
    double th = t->page_h - t->margin_top - t->margin_bottom;
    if (MM(tw) < KH_MIN_TEXT_W_MM)
        S_at(c, t->margin_left >= t->margin_right ? AT(margin_left) : AT(margin_right),
             N_("the margins leave a text block %.1f mm wide on a %.1f mm page; "
                "at least %.0f mm is needed"),
             MM(tw), MM(t->page_w), KH_MIN_TEXT_W_MM);
    if (MM(th) < KH_MIN_TEXT_H_MM)
        S_at(c, t->margin_top >= t->margin_bottom ? AT(margin_top) : AT(margin_bottom),
             N_("the margins leave a text block %.1f mm high on a %.1f mm page; "
                "at least %.0f mm is needed"),
             MM(th), MM(t->page_h), KH_MIN_TEXT_H_MM);
    if (MM(t->indent) * 2 >= MM(tw))
        S_at(c, AT(indent), N_("a first-line indent of %.1f mm leaves less than "
                               "half of the %.1f mm text width"),
             MM(t->indent), MM(tw));
    if (t->table_min_size > t->table_size)
        S_at(c, AT(table_min_size), N_("table.min_size (%.1f pt) is larger than "
                                       "table.size (%.1f pt): a table only shrinks"),
             t->table_min_size, t->table_size);
}

static void S_check_header(kh_xctx_t *c, kh_font_t *fonts[KH_FONT_COUNT])
{
    const kh_template_t *t = c->t;
    double x0 = t->margin_left - t->hdr_shift;
    double right = t->page_w - (x0 + t->hdr_left_w + t->hdr_right_w);
    if (MM(x0) < KH_PRINTABLE_MM)
        S_at(c, AT(hdr_shift), N_("the header would start %.1f mm from the "
                                  "paper's left edge (margin_left_mm less "
                                  "shift_left_mm); at least %.0f mm is needed"),
             MM(x0), KH_PRINTABLE_MM);
    if (right < 0)
        S_at(c, AT(hdr_right_w), N_("the header's columns would run %.1f mm past "
                                    "the paper's right edge; they must end at "
                                    "least %.0f mm from it"),
             -MM(right), KH_PRINTABLE_MM);
    else if (MM(right) < KH_PRINTABLE_MM)
        S_at(c, AT(hdr_right_w), N_("the header's columns would end %.1f mm from "
                                    "the paper's right edge; at least %.0f mm "
                                    "is needed"),
             MM(right), KH_PRINTABLE_MM);
    double motto = kh_font_text_width(fonts[KH_FONT_BOLD], t->motto,
                                      strlen(t->motto), t->motto_size);
    if (motto > t->hdr_right_w)
        S_at(c, AT(motto), N_("the motto is %.1f mm wide at %g pt, wider than "
                              "the right header column (%.1f mm); the rule "
                              "under it is as wide as the motto"),
             MM(motto), t->motto_size, MM(t->hdr_right_w));
}

static void S_check_closing(kh_xctx_t *c)
{
    const kh_template_t *t = c->t;
    double tw = t->page_w - t->margin_left - t->margin_right;
    double th = t->page_h - t->margin_top - t->margin_bottom;
    if (MM(tw - t->closing_left_w) < KH_MIN_SIGNATURE_MM)
        S_at(c, AT(closing_left_w),
             N_("leaves %.1f mm of the %.1f mm text width for the signature; "
                "at least %.0f mm is needed"),
             MM(tw - t->closing_left_w), MM(tw), KH_MIN_SIGNATURE_MM);
    /* authority line, title, the room, the name */
    double sig = t->signature_room + 3 * t->signer_size * t->line_height;
    if (sig > th)
        S_at(c, AT(signature_room),
             N_("the signature block (%.1f mm with its lines) is taller than "
                "the %.1f mm text block"), MM(sig), MM(th));
}

/* Lines are line_height × size apart with each line's glyphs centred in
 * it (layout.c): lines closer than the fonts' glyph boxes overlap. The
 * page number sits in the top margin, inside the printable area. */
static void S_check_lines(kh_xctx_t *c, kh_font_t *fonts[KH_FONT_COUNT])
{
    const kh_template_t *t = c->t;
    double box = 0;
    for (int i = 0; i < KH_FONT_COUNT; i++) {
        kh_font_info_t fi;
        kh_font_info(fonts[i], &fi);
        if ((fi.ascent - fi.descent) / 1000 > box)
            box = (fi.ascent - fi.descent) / 1000;
    }
    if (t->line_height < box)
        S_at(c, AT(line_height), N_("lines %g × the font size apart overlap: "
                                    "the fonts' glyphs are %.3f × the size "
                                    "tall"),
             t->line_height, box);
    kh_font_info_t fi;
    kh_font_info(fonts[KH_FONT_REGULAR], &fi);
    double top = t->page_number_baseline - fi.ascent * t->page_number_size / 1000;
    double bottom = t->page_number_baseline - fi.descent * t->page_number_size / 1000;
    if (MM(top) < KH_PRINTABLE_MM)
        S_at(c, AT(page_number_baseline),
             N_("the page number's top would be %.1f mm from the paper's top "
                "edge; at least %.0f mm is needed"), MM(top), KH_PRINTABLE_MM);
    else if (bottom > t->margin_top)
        S_at(c, AT(page_number_baseline),
             N_("the page number would reach %.1f mm down, into the text block "
                "(margin_top_mm %.1f)"), MM(bottom), MM(t->margin_top));
}

bool kh_template_check(const kh_template_t *t, kh_font_t *fonts[KH_FONT_COUNT],
                       kh_diag_list_t *diags)
{
    kh_xctx_t c = {t, diags, true};
    S_check_page(&c);
    S_check_header(&c, fonts);
    S_check_closing(&c);
    S_check_lines(&c, fonts);
    return c.ok;
}
