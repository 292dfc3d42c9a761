/* Sessions: document types cached by name, and the pipeline per plan.
 *
 * Fonts hold the set of glyphs the current document used (for the subset),
 * so they are reset before each render; everything else in a type is
 * read-only once loaded. */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "font.h"
#include "layout.h"
#include "model.h"
#include "pdf.h"
#include "schema.h"
#include "template.h"
#include "text.h"
#include "validate.h"

/* Document types a session keeps: far more than exist. */
#define KH_MAX_TYPES 16

typedef struct {
    char *name;
    bool ok; /* false: loading failed; the diagnostics were given once */
    kh_template_t *tpl;
    kh_schema_t *schema;
    kh_font_t *fonts[KH_FONT_COUNT];
} kh_doctype_t;

struct kh_session {
    char *data_dir;
    kh_schema_t *template_schema; /* lazily loaded */
    kh_doctype_t types[KH_MAX_TYPES];
    size_t ntypes;
};

int kh_exit_status(int rc)
{
    return rc == KH_OK ? KH_EXIT_OK : rc == KH_PLAN_ERROR ? KH_EXIT_PLAN : KH_EXIT_USAGE;
}

long long kh_source_date(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0)
            return v;
    }
    return (long long)time(NULL);
}

kh_session_t *kh_session_new(const char *data_dir)
{
    kh_session_t *s = calloc(1, sizeof *s);
    if (!s || !(s->data_dir = strdup(data_dir)))
        abort();
    return s;
}

static void S_free_type(kh_doctype_t *t)
{
    free(t->name);
    kh_template_free(t->tpl);
    kh_schema_free(t->schema);
    for (int i = 0; i < KH_FONT_COUNT; i++)
        kh_font_free(t->fonts[i]);
}

void kh_session_free(kh_session_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ntypes; i++)
        S_free_type(&s->types[i]);
    kh_schema_free(s->template_schema);
    free(s->data_dir);
    free(s);
}

static char *S_path(const kh_session_t *s, const char *dir, const char *name,
                    const char *ext)
{
    char *p;
    if (asprintf(&p, "%s/%s/%s%s", s->data_dir, dir, name, ext) < 0)
        abort();
    return p;
}

static kh_schema_t *S_template_schema(kh_session_t *s, kh_diag_list_t *d)
{
    if (!s->template_schema) {
        char *p = S_path(s, "schemas", "template", ".schema.yaml");
        s->template_schema = kh_schema_load(p, d);
        free(p);
    }
    return s->template_schema;
}

/* A template: checked against schemas/template.schema.yaml (every number
 * within its bounds, every key known), then read (every field present and
 * of its kind, fonts present). With fonts, also what no single field can
 * say (kh_template_check). Plans check their template too, once per type
 * and session (the type is cached), so a broken template is refused by
 * render as by validate; `new` only needs the skeleton (fonts NULL, no
 * checks beyond reading it). */
static kh_template_t *S_load_template(kh_session_t *s, const char *path,
                                      bool check, kh_diag_list_t *d)
{
    kh_schema_t *ts = check ? S_template_schema(s, d) : NULL;
    if (check && !ts)
        return NULL;
    size_t before = d->errors;
    kh_node_t *doc = kh_yaml_load_file(path, d);
    if (doc && ts)
        kh_schema_check(ts, doc, path, 1, d);
    kh_template_t *t = NULL;
    if (doc && d->errors == before) {
        char *fonts;
        if (asprintf(&fonts, "%s/fonts", s->data_dir) < 0)
            abort();
        t = kh_template_from_tree(doc, path, fonts, d);
        free(fonts);
    }
    kh_node_free(doc);
    return t;
}

/* The template's four fonts into fonts[] (NULLs on failure); then the
 * template's cross-field checks, which measure glyphs. */
static bool S_load_fonts(kh_template_t *t, kh_font_t *fonts[KH_FONT_COUNT],
                         kh_diag_list_t *d)
{
    bool ok = true;
    for (int i = 0; ok && i < KH_FONT_COUNT; i++)
        ok = (fonts[i] = kh_font_load(t->font_file[i], d)) != NULL;
    return ok && kh_template_check(t, fonts, d);
}

static void S_load_type(kh_session_t *s, kh_doctype_t *t, kh_diag_list_t *d)
{
    char *tp = S_path(s, "templates", t->name, ".yaml");
    char *sp = S_path(s, "schemas", t->name, ".schema.yaml");
    t->tpl = S_load_template(s, tp, true, d);
    t->ok = t->tpl && S_load_fonts(t->tpl, t->fonts, d);
    t->schema = t->ok ? kh_schema_load(sp, d) : NULL;
    t->ok = t->ok && t->schema;
    free(tp);
    free(sp);
}

/* The template file of a document type, or NULL when there is none. Type
 * names are restricted to [a-z0-9-] so that one cannot reach outside
 * templates/. */
static char *S_type_template(const kh_session_t *s, const char *type)
{
    if (!*type || strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(type))
        return NULL;
    char *tp = S_path(s, "templates", type, ".yaml");
    if (access(tp, R_OK) == 0)
        return tp;
    free(tp);
    return NULL;
}

/* The document type named by the plan's type:, loaded on first use.
 * *broken is set when the type exists but its files (template, schema,
 * fonts) could not be loaded: an installation problem, not the plan's. */
static kh_doctype_t *S_type_for(kh_session_t *s, const kh_source_t *src,
                                bool *broken, kh_diag_list_t *d)
{
    *broken = false;
    if (src->front->kind != KH_NODE_MAP) {
        kh_diag_add(d, src->path, src->front->line, src->front->col, KH_SEV_ERROR,
                    "front-matter", "the front matter must be a YAML mapping "
                    "(key: value lines)");
        return NULL;
    }
    const kh_node_t *type = kh_node_get(src->front, "type");
    if (!type || type->kind != KH_NODE_SCALAR || !type->text[0]) {
        kh_diag_add(d, src->path, type ? type->line : 2, type ? type->col : 1,
                    KH_SEV_ERROR, "required", "missing 'type' (e.g. type: ke-hoach)");
        return NULL;
    }
    const char *name = type->text;
    for (size_t i = 0; i < s->ntypes; i++)
        if (!strcmp(s->types[i].name, name))
            return (*broken = !s->types[i].ok) ? NULL : &s->types[i];
    char *tp = S_type_template(s, name);
    bool exists = tp != NULL;
    free(tp);
    if (!exists || s->ntypes == KH_MAX_TYPES) {
        kh_diag_add(d, src->path, type->line, type->col, KH_SEV_ERROR,
                    "unknown-type", "unknown plan type '%s' (no template %s.yaml)",
                    name, name);
        return NULL;
    }
    kh_doctype_t *t = &s->types[s->ntypes++];
    memset(t, 0, sizeof *t);
    if (!(t->name = strdup(name)))
        abort();
    S_load_type(s, t, d);
    return (*broken = !t->ok) ? NULL : t;
}

/* A plan taken as far as layout: what both `validate` and `render` build,
 * so that the two give the same verdict (issue 9): every diagnostic the
 * model or the layout can give (text that cannot be printed, a word wider
 * than its box, a page limit) is given by `validate` too. Only the PDF
 * bytes are left to render. */
typedef struct {
    kh_doctype_t *type;
    kh_plan_t *plan;     /* NULL unless every stage up to it succeeded */
    kh_layout_t *layout; /* likewise */
} kh_checked_t;

static void S_checked_free(kh_checked_t *k)
{
    kh_layout_free(k->layout);
    kh_plan_free(k->plan);
    *k = (kh_checked_t){0};
}

/* A plan with errors in its front matter: the model's diagnostics of the
 * body too (an image, a heading that is only a number), so that one run
 * lists every error; the model's own complaints about the front matter
 * are left out (the schema's say it better). Not the layout's: it needs a
 * whole plan. */
static void S_body_diagnostics(const kh_source_t *src, const kh_template_t *tpl,
                               kh_diag_list_t *d)
{
    if (!src->body_doc)
        return;
    kh_diag_list_t body;
    kh_diag_init(&body);
    kh_plan_free(kh_plan_build(src, tpl, &body));
    for (size_t i = 0; i < body.count; i++) {
        const kh_diag_t *g = &body.items[i];
        if (g->line >= src->body_line || strcmp(g->file, src->path))
            kh_diag_add(d, g->file, g->line, g->col, g->severity, g->rule, "%s",
                        g->message);
    }
    kh_diag_free(&body);
}

/* render --separate-appendices --esign: the first appendix of each
 * appendix file opens a PDF of its own, which the organisation signs in a
 * frame atop its first page (spec appendix-esign.md §4); the layout
 * reserves the frame there. An appendix in the plan's own file is in the
 * plan's PDF, signed with it: no frame. */
static void S_mark_frames(kh_plan_t *plan, const kh_source_t *src)
{
    const kh_source_t *prev = src;
    for (size_t i = 0; i < plan->nappendices; i++) {
        kh_appendix_t *a = &plan->appendices[i];
        a->org_frame = a->src != src && a->src != prev;
        prev = a->src;
    }
}

/* load_rc: what loading returned; before: the error count before the plan
 * was loaded (loading itself reports some: control characters, bad
 * bytes). frames: S_mark_frames before the layout (render only: it moves
 * no word that could turn a verdict, only appendix captions down on their
 * own first pages). Fills k (free with S_checked_free) and returns KH_OK
 * when the plan has no error, KH_PLAN_ERROR or KH_IO_ERROR otherwise.
 * sink: where the layout's pages go as they are finished (NULL: kept in
 * k->layout, for --dump-layout and the tests' hooks). */
static int S_check(kh_session_t *s, kh_source_t *src, int load_rc,
                   size_t before, bool frames, const kh_page_sink_t *sink,
                   kh_checked_t *k, kh_diag_list_t *d)
{
    *k = (kh_checked_t){0};
    if (load_rc == -2)
        return KH_IO_ERROR;
    if (load_rc != 0)
        return KH_PLAN_ERROR;
    bool broken;
    kh_doctype_t *t = S_type_for(s, src, &broken, d);
    if (broken)
        return KH_IO_ERROR;
    if (!t)
        return KH_PLAN_ERROR;
    k->type = t;
    kh_validate_plan(src, t->schema, t->tpl, t->fonts, d);
    /* the appendix files, once the schema has checked their list */
    kh_source_load_appendices(src, d);
    kh_validate_appendix_files(src, t->tpl, t->fonts, d);
    if (d->errors != before) {
        S_body_diagnostics(src, t->tpl, d);
        return KH_PLAN_ERROR;
    }
    for (int i = 0; i < KH_FONT_COUNT; i++)
        kh_font_reset_used(t->fonts[i]);
    k->plan = kh_plan_build(src, t->tpl, d);
    kh_source_drop_tree(src);
    if (k->plan && frames)
        S_mark_frames(k->plan, src);
    if (k->plan && d->errors == before)
        k->layout = kh_layout_build_to(k->plan, t->tpl, t->fonts, src, d, sink);
    if (!k->layout || d->errors != before) {
        S_checked_free(k);
        k->type = t;
        return KH_PLAN_ERROR;
    }
    return KH_OK;
}

/* validate's page sink: the pages are laid out and checked, then dropped */
static void S_drop_page(void *ctx, const kh_layout_t *L, const kh_page_t *pg)
{
    (void)ctx, (void)L, (void)pg;
}

int kh_session_validate(kh_session_t *s, const char *path, kh_source_t *src,
                        kh_diag_list_t *d)
{
    kh_checked_t k;
    size_t before = d->errors;
    kh_page_sink_t drop = {S_drop_page, NULL};
    int rc = S_check(s, src, kh_source_load(path, src, d), before, false, &drop, &k, d);
    S_checked_free(&k);
    return rc;
}

int kh_session_validate_template(kh_session_t *s, const char *path,
                                 kh_diag_list_t *d)
{
    /* missing, unreadable or not a regular file (a FIFO is not waited
     * on): an I/O error, exit 2, as for a plan */
    int fd = kh_open_input(path, "io", d);
    if (fd < 0)
        return KH_IO_ERROR;
    close(fd);
    kh_template_t *t = S_load_template(s, path, true, d);
    kh_font_t *fonts[KH_FONT_COUNT] = {0};
    bool ok = t && S_load_fonts(t, fonts, d);
    for (int i = 0; i < KH_FONT_COUNT; i++)
        kh_font_free(fonts[i]);
    kh_template_free(t);
    return ok ? KH_OK : KH_PLAN_ERROR;
}

/* A PDF's metadata: title (NULL: the plan's); subject[1024] and *author
 * (free with kh_buf_free) hold the strings it borrows. */
static kh_pdf_meta_t S_meta(const kh_checked_t *k, const char *title,
                            const kh_render_opts_t *o, char subject[1024],
                            kh_buf_t *author)
{
    const kh_template_t *tpl = k->type->tpl;
    snprintf(subject, 1024, "%s %s", tpl->doc_name, k->plan->title);
    /* the author: the issuing body, a joint plan's every body, lead first */
    for (size_t i = 0; i < k->plan->nissuers; i++)
        kh_buf_printf(author, "%s%s", i ? ", " : "", k->plan->issuers[i].name);
    kh_buf_put(author, "", 0);
    return (kh_pdf_meta_t){title ? title : k->plan->title, author->data, subject,
                           o->producer,
                           o->created, o->pdfa, tpl->pdfa_icc, o->esign,
                           k->plan->issuers, k->plan->nissuers};
}

/* The checked plan's layout → a dump, or PDF bytes in *pdf. L: the
 * layout, or a view of some of its pages (an appendix file's); title:
 * the PDF's, NULL for the plan's. */
static int S_render(const kh_checked_t *k, const kh_layout_t *L,
                    const char *title, const kh_render_opts_t *o,
                    const kh_source_t *src, unsigned char **pdf,
                    size_t *pdf_len, kh_diag_list_t *d)
{
    if (o->dump_layout) {
        kh_layout_dump(L, stdout);
        return KH_OK;
    }
    char subject[1024];
    kh_buf_t author = {0};
    kh_pdf_meta_t meta = S_meta(k, title, o, subject, &author);
    int rc = kh_pdf_render(L, k->type->fonts, &meta, pdf, pdf_len, d,
                           src->path) == 0 ? KH_OK : KH_IO_ERROR;
    kh_buf_free(&author);
    return rc;
}

/* The output is none of the files this plan read besides the plan itself
 * (checked with the other plans before any rendering, batch.c): its
 * appendix files, template, schema, fonts and (--pdfa) colour profile. */
static bool S_output_ok(kh_session_t *s, const kh_checked_t *k,
                        const kh_source_t *src, const kh_render_opts_t *o,
                        const char *out, kh_diag_list_t *d)
{
    const kh_template_t *t = k->type->tpl;
    size_t n = src->nappendix_files + 4 + KH_FONT_COUNT + 2 * k->plan->nissuers;
    const char **in = calloc(n, sizeof *in);
    char *schema = S_path(s, "schemas", t->name, ".schema.yaml");
    if (!in)
        abort();
    size_t m = 0;
    for (size_t i = 0; i < src->nappendix_files; i++)
        in[m++] = src->appendix_files[i].path;
    in[m++] = t->path;
    in[m++] = schema;
    for (int f = 0; f < KH_FONT_COUNT; f++)
        in[m++] = t->font_file[f];
    in[m++] = o->pdfa ? t->pdfa_icc : NULL;
    /* the plan itself: batch.c checks the plan's PDF against it, not the
     * appendix files' PDFs */
    in[m++] = out != o->output ? src->path : NULL;
    for (size_t i = 0; i < k->plan->nissuers; i++) {
        const kh_issuer_t *is = &k->plan->issuers[i];
        in[m++] = is->signature_image ? is->signature_image->path : NULL;
        in[m++] = is->seal_image ? is->seal_image->path : NULL;
    }
    bool ok = kh_output_not_input(out, in, m, d);
    free(schema);
    free(in);
    return ok;
}

char *kh_appendix_output_path(const char *output, const char *appendix)
{
    size_t n = strlen(output);
    if (n > 4 && !strcmp(output + n - 4, ".pdf"))
        n -= 4;
    const char *base = strrchr(appendix, '/');
    base = base ? base + 1 : appendix;
    const char *dot = strrchr(base, '.');
    size_t bn = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *out;
    if (asprintf(&out, "%.*s-%.*s.pdf", (int)n, output, (int)bn, base) < 0)
        abort();
    return out;
}

/* One PDF of a render: the sections it holds, where it goes, and its
 * document while the layout's pages come. */
typedef struct {
    char *path;         /* malloc'd */
    char *title;        /* the PDF's title; NULL: the plan's (malloc'd) */
    kh_pdf_doc_t *doc;  /* begun at its first page */
    unsigned char *pdf;
    size_t len;
} kh_part_t;

/* The PDFs render --separate-appendices makes (spec appendix-esign.md §4):
 * the plan's (its pages and the appendices of its own file), then one per
 * appendix file, in the `appendices:` order, each its appendices' pages
 * (the layout starts each appendix on a page of its own, and the files'
 * come after the body's). Without the option, one part: every page.
 * part_of[s]: the part section s (kh_page_t.section: 0 the plan's, k
 * appendix k - 1's) goes to. Returns the number of parts. */
static size_t S_parts(const kh_plan_t *plan, const kh_source_t *src,
                      const kh_render_opts_t *o, kh_part_t *parts, size_t *part_of)
{
    size_t n = 0;
    parts[n++] = (kh_part_t){strdup(o->output), NULL, NULL, NULL, 0};
    part_of[0] = 0;
    const kh_source_t *last = NULL; /* the appendix file of part n - 1 */
    for (size_t i = 0; i < plan->nappendices; i++) {
        const kh_appendix_t *a = &plan->appendices[i];
        if (!o->separate_appendices || a->src == src) {
            part_of[i + 1] = 0; /* the plan's own */
            continue;
        }
        if (a->src != last) {
            char *title;
            if (asprintf(&title, "%s%s%s", a->label, a->title ? ": " : "",
                         a->title ? a->title : "") < 0)
                abort();
            parts[n++] = (kh_part_t){kh_appendix_output_path(o->output, a->src->path),
                                     title, NULL, NULL, 0};
            last = a->src;
        }
        part_of[i + 1] = n - 1;
    }
    return n;
}

/* render's page sink: each page to its part's PDF as the layout finishes
 * it. A part's document begins at its first page and ends its pages
 * (embedding its fonts, which the next part's pages then mark afresh) at
 * the first page of the next; all are finished once the layout is whole. */
typedef struct {
    const kh_checked_t *k; /* k->plan is set when the layout runs */
    const kh_source_t *src;
    const kh_render_opts_t *o;
    kh_part_t *parts;      /* set at the first page */
    size_t nparts;
    size_t *part_of;       /* the part of each section */
    size_t cur;            /* the part whose pages are coming; nparts: none */
    kh_pdf_meta_t meta;    /* the plan's PDF's, made at the first page; */
    char subject[1024];    /* … these hold its strings */
    kh_buf_t author;
} kh_stream_t;

static void S_stream_page(void *ctx, const kh_layout_t *L, const kh_page_t *pg)
{
    kh_stream_t *st = ctx;
    const kh_plan_t *plan = st->k->plan;
    if (!st->parts) {
        st->parts = calloc(st->src->nappendix_files + plan->nappendices + 2,
                           sizeof *st->parts);
        st->part_of = calloc(plan->nappendices + 1, sizeof *st->part_of);
        if (!st->parts || !st->part_of)
            abort();
        st->nparts = S_parts(plan, st->src, st->o, st->parts, st->part_of);
        st->cur = st->nparts;
    }
    size_t p = pg->section < L->nsections ? st->part_of[pg->section] : 0;
    kh_part_t *part = &st->parts[p];
    if (p != st->cur) {
        if (st->cur < st->nparts)
            kh_pdf_end_pages(st->parts[st->cur].doc, L);
        st->cur = p;
    }
    if (!part->doc) {
        /* its fonts: its sections', and Regular for the page numbers when
         * a section of it has a second page, which no page tells yet
         * unless Regular is there anyway; otherwise the pages are kept
         * until the part ends and counted then */
        unsigned char mask = 0;
        for (size_t s = 0; s < L->nsections; s++)
            if (st->part_of[s] == p)
                mask |= L->section_fonts[s];
        bool used[KH_FONT_COUNT];
        for (int f = 0; f < KH_FONT_COUNT; f++)
            used[f] = mask >> f & 1;
        /* the same author and subject for every part: made once, kept
         * (each document borrows them) until the render ends */
        if (!st->author.data)
            st->meta = S_meta(st->k, NULL, st->o, st->subject, &st->author);
        kh_pdf_meta_t meta = st->meta;
        if (part->title)
            meta.title = part->title;
        part->doc = kh_pdf_begin(st->k->type->fonts, &meta,
                                 used[KH_FONT_REGULAR] ? used : NULL);
    }
    kh_pdf_page(part->doc, L, pg);
}

int kh_session_render(kh_session_t *s, const char *path,
                      const kh_render_opts_t *o, kh_source_t *src,
                      kh_diag_list_t *d)
{
    kh_checked_t k;
    size_t before = d->errors;
    int load_rc = kh_source_load(path, src, d);
    bool frames = o->separate_appendices && o->esign;
    if (o->dump_layout) { /* every page kept, then dumped */
        int rc = S_check(s, src, load_rc, before, frames, NULL, &k, d);
        if (rc == KH_OK)
            rc = S_render(&k, k.layout, NULL, o, src, NULL, NULL, d);
        S_checked_free(&k);
        return rc;
    }
    kh_stream_t st = {.k = &k, .src = src, .o = o};
    kh_page_sink_t sink = {S_stream_page, &st};
    int rc = S_check(s, src, load_rc, before, frames, &sink, &k, d);
    kh_part_t *parts = st.parts;
    size_t nparts = rc == KH_OK ? st.nparts : 0;
    /* every PDF made and every output checked before any is written: a
     * plan's files are all written, or none */
    char **paths = calloc(nparts + 1, sizeof *paths);
    if (!paths)
        abort();
    for (size_t i = 0; i < nparts; i++)
        paths[i] = parts[i].path;
    if (rc == KH_OK && nparts > 1 && kh_check_own_outputs(paths, (int)nparts, d))
        rc = KH_IO_ERROR;
    for (size_t i = 0; rc == KH_OK && i < nparts; i++) {
        kh_pdf_doc_t *doc = parts[i].doc;
        parts[i].doc = NULL;
        if (!doc || kh_pdf_finish(doc, k.layout, &parts[i].pdf, &parts[i].len, d,
                                  src->path) != 0)
            rc = KH_IO_ERROR;
        if (rc == KH_OK && !S_output_ok(s, &k, src, o, parts[i].path, d))
            rc = KH_IO_ERROR;
    }
    S_checked_free(&k);
    if (rc == KH_OK) {
        const unsigned char **data = calloc(nparts, sizeof *data);
        size_t *lens = calloc(nparts, sizeof *lens);
        if (!data || !lens)
            abort();
        for (size_t i = 0; i < nparts; i++)
            data[i] = parts[i].pdf, lens[i] = parts[i].len;
        if (kh_write_atomic_all((const char *const *)paths, data, lens, nparts, d) != 0)
            rc = KH_IO_ERROR;
        free(data);
        free(lens);
    }
    for (size_t i = 0; parts && i < st.nparts; i++) {
        kh_pdf_discard(parts[i].doc);
        free(parts[i].path);
        free(parts[i].title);
        free(parts[i].pdf);
    }
    free(parts);
    free(st.part_of);
    kh_buf_free(&st.author);
    free(paths);
    return rc;
}

kh_layout_hook_t kh_session_layout_hook;

int kh_session_run_mem(kh_session_t *s, const char *name, const char *data,
                       size_t len, kh_stage_t last, unsigned char **pdf,
                       size_t *pdf_len, kh_diag_list_t *d)
{
    kh_source_t src;
    kh_checked_t k;
    size_t before = d->errors;
    int rc = S_check(s, &src, kh_source_load_mem(name, data, len, &src, d),
                     before, false, NULL, &k, d);
    if (rc == KH_OK && kh_session_layout_hook)
        kh_session_layout_hook(k.plan, k.layout, k.type->fonts);
    if (rc == KH_OK && last == KH_STAGE_PDF) {
        kh_render_opts_t o = {NULL, false, 0, "kehoach", false, false, false};
        rc = S_render(&k, k.layout, NULL, &o, &src, pdf, pdf_len, d);
    }
    S_checked_free(&k);
    kh_source_free(&src);
    return rc;
}

/* The skeleton with {today} replaced. */
static char *S_fill_skeleton(const char *skeleton, long long today)
{
    time_t t = (time_t)today;
    struct tm tm;
    localtime_r(&t, &tm);
    char date[16];
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    kh_buf_t b = {0};
    for (const char *p = skeleton; *p;) {
        const char *hit = strstr(p, "{today}");
        if (!hit) {
            kh_buf_puts(&b, p);
            break;
        }
        kh_buf_put(&b, p, (size_t)(hit - p));
        kh_buf_puts(&b, date);
        p = hit + strlen("{today}");
    }
    kh_buf_put(&b, "", 0);
    return kh_buf_take(&b);
}

int kh_session_new_plan(kh_session_t *s, const char *type, const char *path,
                        long long today, kh_diag_list_t *d)
{
    char *tp = S_type_template(s, type);
    if (!tp) {
        kh_diag_add(d, path, 0, 0, KH_SEV_ERROR, "unknown-type",
                    "unknown plan type '%s' (no template %s.yaml)", type, type);
        return KH_IO_ERROR;
    }
    kh_template_t *t = S_load_template(s, tp, false, d);
    free(tp);
    if (!t)
        return KH_IO_ERROR;
    char *text = S_fill_skeleton(t->skeleton, today);
    kh_template_free(t);
    int rc = KH_OK;
    if (!strcmp(path, "-")) { /* the skeleton on standard output */
        size_t n = strlen(text);
        if (fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0) {
            kh_diag_add(d, "<stdout>", 0, 0, KH_SEV_ERROR, "io", "%s", strerror(errno));
            rc = KH_IO_ERROR;
        }
        free(text);
        return rc;
    }
    /* O_EXCL: an existing plan is never overwritten, even in a race */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
        if (fd < 0 && errno == EEXIST)
            kh_diag_add(d, path, 0, 0, KH_SEV_ERROR, "io",
                        "already exists: not overwritten (choose another name)");
        else
            kh_diag_add(d, path, 0, 0, KH_SEV_ERROR, "io", "%s", strerror(errno));
        rc = KH_IO_ERROR;
        if (fd >= 0)
            unlink(path);
    }
    if (fd >= 0 && close(fd) != 0 && rc == KH_OK) {
        kh_diag_add(d, path, 0, 0, KH_SEV_ERROR, "io", "%s", strerror(errno));
        rc = KH_IO_ERROR;
    }
    free(text);
    return rc;
}
