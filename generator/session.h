/* A session: the data directory (templates, schemas, fonts) and, per
 * document type, its template, schema and fonts, loaded once and shared by
 * every plan of that type. Runs the stages for one plan: load → validate,
 * and for render → model → layout → pdf. */
#ifndef KH_SESSION_H
#define KH_SESSION_H

#include <stdbool.h>

#include "diag.h"
#include "layout.h"
#include "load.h"
#include "model.h"

typedef struct kh_session kh_session_t;

/* Now, or SOURCE_DATE_EPOCH when set (reproducible builds): seconds since
 * the epoch, for the PDF's dates and for `new`. */
long long kh_source_date(void);

/* data_dir holds templates/, schemas/ and fonts/. */
kh_session_t *kh_session_new(const char *data_dir);
void kh_session_free(kh_session_t *s);

enum { KH_OK = 0, KH_PLAN_ERROR = 1, KH_IO_ERROR = 2 };

/* The command's exit statuses (the worst over all files counts). */
enum { KH_EXIT_OK = 0, KH_EXIT_PLAN = 1, KH_EXIT_USAGE = 2 };

/* A session result as an exit status. */
int kh_exit_status(int rc);

/* Loads and validates a plan: the schema and rules, then the model and the
 * layout, so that every diagnostic render would give, validate gives too
 * (only the PDF is not made). src is filled even on failure (for printing
 * source lines); free it with kh_source_free. Returns KH_OK when there is
 * no error (warnings allowed), KH_PLAN_ERROR or KH_IO_ERROR. */
int kh_session_validate(kh_session_t *s, const char *path, kh_source_t *src,
                        kh_diag_list_t *diags);

/* Validates a template file against schemas/template.schema.yaml and
 * loads it (fonts must exist). */
int kh_session_validate_template(kh_session_t *s, const char *path,
                                 kh_diag_list_t *diags);

typedef struct {
    const char *output;  /* the PDF path; NULL with dump_layout */
    bool dump_layout;    /* print the layout to stdout instead */
    long long created;   /* metadata date, seconds since the epoch */
    const char *producer;
    bool pdfa;           /* PDF/A-1b */
    bool esign;          /* electronic signing: the signer's images and an
                            empty signature field (pdf.h); not with pdfa */
    bool separate_appendices; /* each file of `appendices:` as a PDF of its
                            own (kh_appendix_output_path), the plan's PDF
                            without them; with esign, each opens with the
                            organisation's signature frame (spec
                            appendix-esign.md §4). Not with output "-". */
} kh_render_opts_t;

/* Where render --separate-appendices writes the appendix file `appendix`
 * (as the front matter lists it) of the plan whose PDF goes to output:
 * beside it, output less its ".pdf", "-", the file's base name less its
 * extension, ".pdf" ("out/ke-hoach.pdf", "phu-luc/kinh-phi.md" →
 * "out/ke-hoach-kinh-phi.pdf"). malloc'd. */
char *kh_appendix_output_path(const char *output, const char *appendix);

/* Validates, then renders to opts->output atomically. Same return codes;
 * an unwritable output is KH_IO_ERROR. src as for kh_session_validate. */
int kh_session_render(kh_session_t *s, const char *path,
                      const kh_render_opts_t *opts, kh_source_t *src,
                      kh_diag_list_t *diags);

/* Writes a new plan of the given type to path from the template's
 * skeleton, with today's date (date: YYYY-MM-DD, from `today`, seconds
 * since the epoch). Refuses to overwrite an existing file; "-" writes the
 * skeleton to standard output. */
int kh_session_new_plan(kh_session_t *s, const char *type, const char *path,
                        long long today, kh_diag_list_t *diags);

/* How far kh_session_run_mem goes. */
typedef enum {
    KH_STAGE_VALIDATE, /* load and validate (rules, model, layout) */
    KH_STAGE_PDF       /* … and render the PDF */
} kh_stage_t;

/* Runs the stages on a plan held in memory (fuzzers, tests): nothing is
 * read but the data directory, nothing written. With KH_STAGE_PDF, *pdf
 * gets the malloc'd PDF. Same return codes. */
int kh_session_run_mem(kh_session_t *s, const char *name, const char *data,
                       size_t len, kh_stage_t last, unsigned char **pdf,
                       size_t *pdf_len, kh_diag_list_t *diags);

/* Read-only hook for tests/fuzz/fuzz_render.c, which checks issue 9's
 * invariant on the layout: when set, kh_session_run_mem calls it with the
 * model, the layout and the fonts of every plan that passed, before the
 * PDF is made. NULL (no call) unless a test sets it. */
typedef void (*kh_layout_hook_t)(const kh_plan_t *plan,
                                 const kh_layout_t *layout,
                                 kh_font_t *fonts[KH_FONT_COUNT]);
extern kh_layout_hook_t kh_session_layout_hook;

#endif
