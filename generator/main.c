/* kehoach: the command line. Parses arguments, finds the data files
 * (templates, fonts) and runs the stages load → model → layout → pdf for
 * each plan. Nothing here knows about layout or PDF. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "font.h"
#include "layout.h"
#include "load.h"
#include "model.h"
#include "pdf.h"
#include "template.h"

#ifndef KH_VERSION
#define KH_VERSION "0.1.0"
#endif

enum { KH_EXIT_OK = 0, KH_EXIT_PLAN = 1, KH_EXIT_USAGE = 2 };

typedef struct {
    const char *output;  /* -o */
    const char *out_dir; /* -d */
    bool dump_layout;
    char data_dir[PATH_MAX];
} kh_options_t;

static void S_usage(FILE *out)
{
    fputs("Usage: kehoach render [OPTION]... PLAN...\n"
          "Render Vietnamese KẾ HOẠCH plans (YAML front matter + Markdown) to\n"
          "PDF in the layout of Nghị định 30/2020/NĐ-CP.\n"
          "\n"
          "Output:\n"
          "  -o, --output=FILE     write the PDF to FILE (one plan only)\n"
          "  -d, --directory=DIR   write each PLAN.md as DIR/PLAN.pdf\n"
          "                        (default: PLAN.pdf in the current directory)\n"
          "      --dump-layout     print the positioned text instead of a PDF\n"
          "\n"
          "Other:\n"
          "  -h, --help            show this help and exit\n"
          "  -V, --version         show the version and exit\n"
          "\n"
          "Exit status: 0 on success, 1 if a plan has errors (reported as\n"
          "FILE:LINE:COL: error: MESSAGE), 2 on usage or I/O errors.\n"
          "A failed render never leaves a partial PDF nor touches an old one.\n",
          out);
}

/* Templates and fonts live in share/kehoach beside bin/ when installed, or
 * in the source tree beside build/; KEHOACH_DATA overrides both. */
static int S_find_data(char *dir, size_t size)
{
    const char *env = getenv("KEHOACH_DATA");
    if (env) {
        snprintf(dir, size, "%s", env);
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *bin = dirname(exe);
    const char *const rel[] = {"/../share/kehoach", "/.."};
    for (size_t i = 0; i < 2; i++) {
        char probe[PATH_MAX + 64];
        snprintf(probe, sizeof probe, "%s%s/templates", bin, rel[i]);
        struct stat st;
        if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode)) {
            snprintf(dir, size, "%s%s", bin, rel[i]);
            return 0;
        }
    }
    return -1;
}

static char *S_output_path(const kh_options_t *o, const char *plan)
{
    if (o->output)
        return strdup(o->output);
    char *copy = strdup(plan);
    char *base = basename(copy);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    char *out;
    if (asprintf(&out, "%s/%s.pdf", o->out_dir ? o->out_dir : ".", base) < 0)
        abort();
    free(copy);
    return out;
}

static long long S_now(void)
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

/* The template for the plan's type, with its fonts: the type must name a
 * file in templates/. */
static kh_template_t *S_template_for(const kh_options_t *o, const kh_source_t *src,
                                     kh_diag_list_t *d)
{
    const kh_node_t *type = kh_node_get(src->front, "type");
    if (!type || type->kind != KH_NODE_SCALAR) {
        kh_diag_add(d, src->path, type ? type->line : 2, type ? type->col : 1,
                    KH_SEV_ERROR, "type", "missing 'type' (e.g. type: ke-hoach)");
        return NULL;
    }
    const char *t = type->text;
    bool safe = t[0] != '\0' && strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(t);
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/templates/%s.yaml", o->data_dir, t);
    if (!safe || access(path, R_OK) != 0) {
        kh_diag_add(d, src->path, type->line, type->col, KH_SEV_ERROR, "type",
                    "unknown plan type '%s' (no template %s.yaml)", t, t);
        return NULL;
    }
    char fonts[PATH_MAX + 16];
    snprintf(fonts, sizeof fonts, "%s/fonts", o->data_dir);
    return kh_template_load(path, fonts, d);
}

static int S_load_fonts(const kh_template_t *t, kh_font_t *fonts[KH_FONT_COUNT],
                        kh_diag_list_t *d)
{
    int rc = 0;
    for (int i = 0; i < KH_FONT_COUNT; i++)
        if (!(fonts[i] = kh_font_load(t->font_file[i], d)))
            rc = -1;
    return rc;
}

static int S_render_one(const kh_options_t *o, const char *plan_path)
{
    kh_diag_list_t d;
    kh_diag_init(&d);
    kh_source_t src;
    kh_template_t *tpl = NULL;
    kh_plan_t *plan = NULL;
    kh_layout_t *layout = NULL;
    kh_font_t *fonts[KH_FONT_COUNT] = {0};
    unsigned char *pdf = NULL;
    size_t pdf_len = 0;
    int rc = kh_source_load(plan_path, &src, &d);
    int status = rc == -2 ? KH_EXIT_USAGE : KH_EXIT_PLAN;
    if (rc == 0 && (tpl = S_template_for(o, &src, &d)) &&
        S_load_fonts(tpl, fonts, &d) == 0 && (plan = kh_plan_build(&src, tpl, &d)) &&
        (layout = kh_layout_build(plan, tpl, fonts, &src, &d))) {
        if (o->dump_layout) {
            kh_layout_dump(layout, stdout);
            status = KH_EXIT_OK;
        } else {
            char *out = S_output_path(o, plan_path);
            char subject[512];
            snprintf(subject, sizeof subject, "%s %s", tpl->doc_name, plan->title);
            kh_pdf_meta_t meta = {plan->title, plan->issuer, subject,
                                  "kehoach " KH_VERSION, S_now()};
            status = KH_EXIT_USAGE;
            if (kh_pdf_render(layout, fonts, &meta, &pdf, &pdf_len, &d, src.path) == 0 &&
                kh_write_atomic(out, pdf, pdf_len, &d) == 0)
                status = KH_EXIT_OK;
            free(out);
        }
    }
    kh_diag_print(&d, stderr, src.text, src.len);
    free(pdf);
    kh_layout_free(layout);
    kh_plan_free(plan);
    for (int i = 0; i < KH_FONT_COUNT; i++)
        kh_font_free(fonts[i]);
    kh_template_free(tpl);
    kh_source_free(&src);
    kh_diag_free(&d);
    return status;
}

static int S_render(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"directory", required_argument, NULL, 'd'},
        {"dump-layout", no_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    kh_options_t o = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:d:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o.output = optarg; break;
        case 'd': o.out_dir = optarg; break;
        case 'L': o.dump_layout = true; break;
        case 'h': S_usage(stdout); return KH_EXIT_OK;
        default: S_usage(stderr); return KH_EXIT_USAGE;
        }
    }
    if (optind >= argc || (o.output && argc - optind > 1) || (o.output && o.out_dir)) {
        fputs(optind >= argc ? "kehoach: no plan given\n"
                             : "kehoach: -o takes one plan and excludes -d\n",
              stderr);
        S_usage(stderr);
        return KH_EXIT_USAGE;
    }
    if (S_find_data(o.data_dir, sizeof o.data_dir) != 0) {
        fputs("kehoach: cannot find the templates and fonts "
              "(set KEHOACH_DATA to the folder holding templates/ and fonts/)\n",
              stderr);
        return KH_EXIT_USAGE;
    }
    int worst = KH_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        int rc = S_render_one(&o, argv[i]);
        if (rc > worst)
            worst = rc;
    }
    return worst;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        S_usage(stderr);
        return KH_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        S_usage(stdout);
        return KH_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("kehoach %s\n", KH_VERSION);
        return KH_EXIT_OK;
    }
    if (!strcmp(argv[1], "render"))
        return S_render(argc - 1, argv + 1);
    fprintf(stderr, "kehoach: unknown command '%s'\n", argv[1]);
    S_usage(stderr);
    return KH_EXIT_USAGE;
}
