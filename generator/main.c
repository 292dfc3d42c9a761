/* kehoach: the command line. Parses arguments, finds the data directory
 * and hands each file to a session (session.c), which runs the stages.
 * Nothing here knows about YAML, layout or PDF. */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "diag.h"
#include "i18n.h"
#include "session.h"

#ifndef KH_VERSION
#define KH_VERSION "0.2.0"
#endif


typedef enum { FORMAT_GCC, FORMAT_JSON, FORMAT_GITHUB } kh_format_t;

static void S_usage(FILE *out)
{
    fputs(_("Usage: kehoach render [OPTION]... PLAN...\n"
            "  or:  kehoach validate [OPTION]... FILE...\n"
            "  or:  kehoach new [--type=TYPE] FILE\n"
            "Render Vietnamese KẾ HOẠCH plans (YAML front matter + Markdown) to\n"
            "PDF in the layout of Nghị định 30/2020/NĐ-CP, check plans and\n"
            "templates against their schemas, or start a new plan.\n"
            "\n"
            "Render:\n"
            "  -o, --output=FILE     write the PDF to FILE (one plan only)\n"
            "  -d, --directory=DIR   write each PLAN.md as DIR/PLAN.pdf\n"
            "                        (default: PLAN.pdf in the current directory)\n"
            "  -j, --jobs=N          render N plans at a time (default: one per core)\n"
            "  -w, --watch           render again each time a plan is saved\n"
            "      --pdfa            write PDF/A-1b (for archiving)\n"
            "      --esign           for electronic signing: draw the signer's\n"
            "                        signature_image and seal_image and add an\n"
            "                        empty PDF signature field (Signature1) over\n"
            "                        the signature space (not with --pdfa)\n"
            "      --separate-appendices  write each file the plan's appendices:\n"
            "                        lists as a PDF of its own beside the plan's,\n"
            "                        OUT-NAME.pdf for OUT.pdf and NAME.md (the\n"
            "                        plan's PDF then without them; appendices in\n"
            "                        the plan's own file stay in its PDF); with\n"
            "                        --esign each opens with an empty signature\n"
            "                        field (SignatureAppendix) in a frame at the\n"
            "                        top right of its first page, for the\n"
            "                        organisation's key\n"
            "      --dump-layout     print the positioned text instead of a PDF\n"
            "  PLAN - reads standard input; its PDF goes to standard output\n"
            "  unless -o is given (-o - also writes to standard output).\n"
            "  An output that is a plan, that two plans would both write,\n"
            "  a directory or a terminal is refused before anything is written;\n"
            "  devices and FIFOs (/dev/null, /dev/stdout) are written through.\n"
            "\n"
            "Validate (FILE: a plan .md, or a template .yaml):\n"
            "      --format=FORMAT   gcc (default): FILE:LINE:COL: error: MESSAGE [rule]\n"
            "                        json: one JSON object per diagnostic\n"
            "                        github: GitHub Actions annotations\n"
            "      --strict          warnings fail too\n"
            "\n"
            "New:\n"
            "  -t, --type=TYPE       the document type (default: ke-hoach)\n"
            "  FILE - writes the new plan to standard output\n"
            "\n"
            "Other:\n"
            "  -h, --help            show this help and exit\n"
            "  -V, --version         show the version and exit\n"
            "\n"
            "Exit status: 0 on success, 1 if a file has errors, 2 on usage or\n"
            "I/O errors (also a refused output, or a data directory without\n"
            "templates/, schemas/ and fonts/). A failed render never leaves a\n"
            "partial PDF nor touches an old one. KEHOACH_DATA overrides where\n"
            "templates/, schemas/ and fonts/ are found; SOURCE_DATE_EPOCH fixes\n"
            "the PDF's dates.\n"
            "\n"
            "Full documentation: man kehoach. Report bugs in the kehoach issue tracker.\n"),
          out);
}

/* After a mistyped option: one line pointing at --help (GNU style), not
 * the whole text, so the option parser's own message stays in view. */
static void S_try_help(void)
{
    fputs(_("Try 'kehoach --help' for more information.\n"), stderr);
}

/* A data directory holds these; one without them is an installation
 * problem, found before any plan is read (issue 9). */
static const char *const kh_data_parts[] = {"templates", "schemas", "fonts"};

/* The first part dir lacks (as a directory), or NULL when it has all. */
static const char *S_missing_part(const char *dir)
{
    for (size_t i = 0; i < 3; i++) {
        char probe[PATH_MAX + 64];
        snprintf(probe, sizeof probe, "%s/%s", dir, kh_data_parts[i]);
        struct stat st;
        if (stat(probe, &st) != 0 || !S_ISDIR(st.st_mode))
            return kh_data_parts[i];
    }
    return NULL;
}

/* Templates, schemas and fonts live in share/kehoach beside bin/ when
 * installed, or in the source tree beside build/; KEHOACH_DATA overrides. */
static int S_find_data(char *dir, size_t size)
{
    const char *env = getenv("KEHOACH_DATA");
    if (env && *env) {
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
        snprintf(probe, sizeof probe, "%s%s", bin, rel[i]);
        if (!S_missing_part(probe) && strlen(probe) < size) {
            memcpy(dir, probe, strlen(probe) + 1);
            return 0;
        }
    }
    return -1;
}

/* S_find_data, saying what to do when it fails: a missing or incomplete
 * data directory is one "io" error naming it (exit 2), for every command. */
static bool S_data_dir(char dir[PATH_MAX])
{
    if (S_find_data(dir, PATH_MAX) != 0) {
        fputs(_("kehoach: cannot find the templates, schemas and fonts (set "
                "KEHOACH_DATA to the folder holding templates/)\n"), stderr);
        return false;
    }
    const char *missing = S_missing_part(dir);
    if (!missing)
        return true;
    kh_diag_list_t d;
    kh_diag_init(&d);
    kh_diag_add(&d, dir, 0, 0, KH_SEV_ERROR, "io",
                "not a kehoach data directory: no %s/ in it (set KEHOACH_DATA "
                "to the folder holding templates/, schemas/ and fonts/)",
                missing);
    kh_diag_print(&d, stderr, NULL, NULL, 0);
    kh_diag_free(&d);
    return false;
}

static kh_session_t *S_session(void)
{
    char dir[PATH_MAX];
    return S_data_dir(dir) ? kh_session_new(dir) : NULL;
}

/* How many of the operands (after the options) are "-", standard input. */
static int S_stdin_count(int argc, char **argv)
{
    int n = 0;
    for (int i = optind; i < argc; i++)
        n += !strcmp(argv[i], "-");
    return n;
}

static int S_render(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"directory", required_argument, NULL, 'd'},
        {"jobs", required_argument, NULL, 'j'},
        {"watch", no_argument, NULL, 'w'},
        {"watch-count", required_argument, NULL, 'W'},
        {"pdfa", no_argument, NULL, 'A'},
        {"esign", no_argument, NULL, 'E'},
        {"separate-appendices", no_argument, NULL, 'S'},
        {"dump-layout", no_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    kh_batch_opts_t o = {.jobs = cpus > 0 ? (int)cpus : 1,
                         .progress = isatty(STDERR_FILENO),
                         .producer = "kehoach " KH_VERSION};
    bool watch = false;
    int watch_count = 0, c;
    while ((c = getopt_long(argc, argv, "o:d:j:wh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o.output = optarg; break;
        case 'd': o.out_dir = optarg; break;
        case 'j':
            o.jobs = atoi(optarg);
            if (o.jobs < 1) {
                fputs(_("kehoach: -j takes a number of jobs >= 1\n"), stderr);
                return KH_EXIT_USAGE;
            }
            break;
        case 'w': watch = true; break;
        case 'W': watch = true; watch_count = atoi(optarg); break;
        case 'L': o.dump_layout = true; break;
        case 'A': o.pdfa = true; break;
        case 'E': o.esign = true; break;
        case 'S': o.separate_appendices = true; break;
        case 'h': S_usage(stdout); return KH_EXIT_OK;
        default: S_try_help(); return KH_EXIT_USAGE;
        }
    }
    if (optind >= argc || (o.output && (argc - optind > 1 || o.out_dir))) {
        fputs(optind >= argc ? _("kehoach: no plan given\n")
                             : _("kehoach: -o takes one plan and excludes -d\n"),
              stderr);
        return KH_EXIT_USAGE;
    }
    /* PDF/A-1 forbids transparency, which the signature images need */
    if (o.esign && o.pdfa) {
        fputs(_("kehoach: --esign excludes --pdfa (PDF/A-1 forbids the "
                "transparency of the signature and seal images)\n"), stderr);
        return KH_EXIT_USAGE;
    }
    /* "-": the plan on standard input, read once; its PDF goes to -o, or
     * to standard output (it has no name to make DIR/NAME.pdf from) */
    int dashes = S_stdin_count(argc, argv);
    const char *why = dashes > 1 ? _("kehoach: standard input (-) can be read only once\n")
                      : (dashes || (o.output && !strcmp(o.output, "-"))) &&
                                o.separate_appendices
                          ? _("kehoach: --separate-appendices writes several files: "
                              "not from standard input nor to standard output\n")
                      : dashes && o.out_dir
                          ? _("kehoach: a plan from standard input (-) has no name for -d: use -o FILE\n")
                      : (dashes || (o.output && !strcmp(o.output, "-"))) && watch
                          ? _("kehoach: --watch renders plan files into files, not standard input or output\n")
                          : NULL;
    if (why) {
        fputs(why, stderr);
        return KH_EXIT_USAGE;
    }
    char dir[PATH_MAX];
    if (!S_data_dir(dir))
        return KH_EXIT_USAGE;
    o.data_dir = dir;
    if (argc - optind == 1)
        o.progress = false;
    if (watch)
        return kh_batch_watch(&o, argv + optind, argc - optind, watch_count);
    return kh_batch_render(&o, argv + optind, argc - optind);
}

static bool S_is_template(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && !strcmp(path + n - 5, ".yaml")) ||
           (n > 4 && !strcmp(path + n - 4, ".yml"));
}

static void S_print(kh_diag_list_t *d, kh_format_t f, const kh_source_t *src)
{
    kh_diag_sort(d);
    if (f == FORMAT_JSON)
        kh_diag_print_json(d, stdout);
    else if (f == FORMAT_GITHUB)
        kh_diag_print_github(d, stdout);
    else
        kh_diag_print(d, stderr, src ? src->path : NULL, src ? src->text : NULL,
                      src ? src->len : 0);
}

static int S_validate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"strict", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    kh_format_t format = FORMAT_GCC;
    bool strict = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "gcc")) format = FORMAT_GCC;
            else if (!strcmp(optarg, "json")) format = FORMAT_JSON;
            else if (!strcmp(optarg, "github")) format = FORMAT_GITHUB;
            else {
                fprintf(stderr, _("kehoach: unknown format '%s' (gcc, json, github)\n"),
                        optarg);
                return KH_EXIT_USAGE;
            }
            break;
        case 's': strict = true; break;
        case 'h': S_usage(stdout); return KH_EXIT_OK;
        default: S_try_help(); return KH_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fputs(_("kehoach: no file given\n"), stderr);
        return KH_EXIT_USAGE;
    }
    if (S_stdin_count(argc, argv) > 1) {
        fputs(_("kehoach: standard input (-) can be read only once\n"), stderr);
        return KH_EXIT_USAGE;
    }
    kh_session_t *s = S_session();
    if (!s)
        return KH_EXIT_USAGE;
    int worst = KH_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        kh_diag_list_t d;
        kh_diag_init(&d);
        kh_source_t src = {0};
        int rc = S_is_template(argv[i]) ? kh_session_validate_template(s, argv[i], &d)
                                        : kh_session_validate(s, argv[i], &src, &d);
        int st = kh_exit_status(rc);
        if (st == KH_EXIT_OK && strict && d.count > d.errors)
            st = KH_EXIT_PLAN;
        S_print(&d, format, S_is_template(argv[i]) ? NULL : &src);
        kh_source_free(&src);
        kh_diag_free(&d);
        worst = st > worst ? st : worst;
    }
    kh_session_free(s);
    return worst;
}

static int S_new(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"type", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *type = "ke-hoach";
    int c;
    while ((c = getopt_long(argc, argv, "t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 't': type = optarg; break;
        case 'h': S_usage(stdout); return KH_EXIT_OK;
        default: S_try_help(); return KH_EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        fputs(_("kehoach: new takes one FILE\n"), stderr);
        return KH_EXIT_USAGE;
    }
    kh_session_t *s = S_session();
    if (!s)
        return KH_EXIT_USAGE;
    kh_diag_list_t d;
    kh_diag_init(&d);
    int rc = kh_session_new_plan(s, type, argv[optind], kh_source_date(), &d);
    kh_diag_print(&d, stderr, NULL, NULL, 0);
    if (rc == KH_OK && strcmp(argv[optind], "-"))
        fprintf(stderr, _("kehoach: wrote %s: fill in every «…», then "
                          "kehoach validate %s\n"),
                argv[optind], argv[optind]);
    kh_diag_free(&d);
    kh_session_free(s);
    return kh_exit_status(rc);
}

/* The program's directory, for finding translations beside it. */
static void S_init_i18n(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        kh_i18n_init(dirname(exe));
    } else {
        kh_i18n_init(NULL);
    }
}

int main(int argc, char **argv)
{
    S_init_i18n();
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
        fputs(_("Fonts: Liberation Serif 2.1.5, SIL Open Font License 1.1.\n"), stdout);
        return KH_EXIT_OK;
    }
    if (!strcmp(argv[1], "render"))
        return S_render(argc - 1, argv + 1);
    if (!strcmp(argv[1], "validate"))
        return S_validate(argc - 1, argv + 1);
    if (!strcmp(argv[1], "new"))
        return S_new(argc - 1, argv + 1);
    fprintf(stderr, _("kehoach: unknown command '%s'\n"), argv[1]);
    S_try_help();
    return KH_EXIT_USAGE;
}
