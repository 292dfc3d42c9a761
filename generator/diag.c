/* Diagnostics: collected by every stage, printed once by the caller. */
#include "diag.h"

#include <langinfo.h>
#include <locale.h>
#include <sys/stat.h>

#include "i18n.h"
#include "text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void kh_diag_init(kh_diag_list_t *list) { memset(list, 0, sizeof *list); }

void kh_diag_free(kh_diag_list_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].message);
        free(list->items[i].file);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}

bool kh_diag_full(const kh_diag_list_t *list, kh_severity_t sev)
{
    size_t same = sev == KH_SEV_ERROR ? list->kept_errors : list->count - list->kept_errors;
    return same >= KH_MAX_DIAGS;
}

bool kh_diag_has_error_at(const kh_diag_list_t *list, int line, int col)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].severity == KH_SEV_ERROR && list->items[i].line == line &&
            list->items[i].col == col)
            return true;
    return false;
}

void kh_diag_add(kh_diag_list_t *list, const char *file, int line, int col,
                 kh_severity_t sev, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_diag_addv(list, file, line, col, sev, rule, fmt, ap);
    va_end(ap);
}

void kh_diag_addv(kh_diag_list_t *list, const char *file, int line, int col,
                  kh_severity_t sev, const char *rule, const char *fmt, va_list ap)
{
    if (sev == KH_SEV_ERROR)
        list->errors++;
    if (kh_diag_full(list, sev)) {
        list->dropped++;
        return;
    }
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        kh_diag_t *items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return; /* out of memory: drop the diagnostic, keep going */
        list->items = items;
        list->cap = cap;
    }
    char *msg = NULL;
    /* every diagnostic's format is a message id: translated here, once */
    if (vasprintf(&msg, gettext(fmt), ap) < 0)
        msg = NULL;
    kh_diag_t *d = &list->items[list->count++];
    list->kept_errors += sev == KH_SEV_ERROR;
    d->file = strdup(file ? file : "");
    d->line = line;
    d->col = col;
    d->severity = sev;
    snprintf(d->rule, sizeof d->rule, "%s", rule ? rule : "");
    d->message = msg;
}

void kh_diag_sort(kh_diag_list_t *list)
{
    /* insertion sort: stable, and lists are short (KH_MAX_DIAGS) */
    for (size_t i = 1; i < list->count; i++) {
        kh_diag_t d = list->items[i];
        size_t j = i;
        while (j > 0 && (list->items[j - 1].line > d.line ||
                         (list->items[j - 1].line == d.line &&
                          list->items[j - 1].col > d.col))) {
            list->items[j] = list->items[j - 1];
            j--;
        }
        list->items[j] = d;
    }
}

/* Finds the start and length of 1-based line `line` in the source. */
static const char *S_find_line(const char *src, size_t len, int line,
                               size_t *line_len)
{
    const char *p = src, *end = src + len;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    if (p >= end)
        return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *line_len = (size_t)((nl ? nl : end) - p);
    if (*line_len && p[*line_len - 1] == '\r')
        (*line_len)--;
    return p;
}

/* Long lines (a paragraph is one line in a plan) are shown as a window of
 * this many characters around the column. */
#define KH_EXCERPT_CHARS 76

/* Byte offset of the 1-based character column col in line (or len). */
static size_t S_char_offset(const char *line, size_t len, int col)
{
    return kh_utf8_offset(line, len, col > 1 ? (size_t)col - 1 : 0);
}

/* Prints the source line (or a window of it) and a caret under col. */
static void S_print_excerpt(FILE *out, const char *line, size_t len, int col)
{
    size_t chars = kh_utf8_length(line, len);
    int first = 1;
    if (chars > KH_EXCERPT_CHARS && col > KH_EXCERPT_CHARS / 2) {
        first = col - KH_EXCERPT_CHARS / 2;
        if ((size_t)first + KH_EXCERPT_CHARS > chars + 1) /* keep the window full */
            first = (int)(chars + 1 - KH_EXCERPT_CHARS);
    }
    size_t from = S_char_offset(line, len, first);
    size_t to = S_char_offset(line, len, first + KH_EXCERPT_CHARS);
    const char *lead = first > 1 ? "..." : "";
    fprintf(out, "    %s%.*s%s\n", lead, (int)(to - from), line + from,
            to < len ? "..." : "");
    fprintf(out, "    %s", lead[0] ? "   " : "");
    for (int c = first; c < col; c++)
        fputc(' ', out);
    fputs("^\n", out);
}

void kh_diag_print(const kh_diag_list_t *list, FILE *out,
                   const char *source_path, const char *source,
                   size_t source_len)
{
    for (size_t i = 0; i < list->count; i++) {
        const kh_diag_t *d = &list->items[i];
        const char *sev = d->severity == KH_SEV_ERROR ? _("error") : _("warning");
        if (d->line > 0)
            fprintf(out, "%s:%d:%d: %s: %s", d->file, d->line, d->col, sev,
                    d->message ? d->message : "(out of memory)");
        else
            fprintf(out, "%s: %s: %s", d->file, sev,
                    d->message ? d->message : "(out of memory)");
        if (d->rule[0])
            fprintf(out, " [%s]", d->rule);
        fputc('\n', out);
        size_t ll;
        bool here = source && source_path && !strcmp(d->file, source_path);
        const char *l = here && d->line > 0
                            ? S_find_line(source, source_len, d->line, &ll)
                            : NULL;
        if (l)
            S_print_excerpt(out, l, ll, d->col);
    }
    if (list->dropped && list->count)
        fprintf(out, _("%s: note: %zu more diagnostics not shown\n"),
                list->items[0].file, list->dropped);
}

static void S_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void kh_diag_print_json(const kh_diag_list_t *list, FILE *out)
{
    for (size_t i = 0; i < list->count; i++) {
        const kh_diag_t *d = &list->items[i];
        fputs("{\"file\":", out);
        S_json_string(out, d->file);
        fprintf(out, ",\"line\":%d,\"column\":%d,\"severity\":\"%s\",\"rule\":",
                d->line, d->col, d->severity == KH_SEV_ERROR ? "error" : "warning");
        S_json_string(out, d->rule);
        fputs(",\"message\":", out);
        S_json_string(out, d->message);
        fputs("}\n", out);
    }
}

/* Workflow commands escape %, CR and LF everywhere, and also : and , in
 * property values. */
static void S_github_escape(FILE *out, const char *s, bool property)
{
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '%')
            fputs("%25", out);
        else if (*p == '\r')
            fputs("%0D", out);
        else if (*p == '\n')
            fputs("%0A", out);
        else if (property && *p == ':')
            fputs("%3A", out);
        else if (property && *p == ',')
            fputs("%2C", out);
        else
            fputc(*p, out);
    }
}

void kh_diag_print_github(const kh_diag_list_t *list, FILE *out)
{
    for (size_t i = 0; i < list->count; i++) {
        const kh_diag_t *d = &list->items[i];
        fprintf(out, "::%s file=", d->severity == KH_SEV_ERROR ? "error" : "warning");
        S_github_escape(out, d->file, true);
        if (d->line > 0)
            fprintf(out, ",line=%d,col=%d", d->line, d->col);
        if (d->rule[0]) {
            fputs(",title=", out);
            S_github_escape(out, d->rule, true);
        }
        fputs("::", out);
        S_github_escape(out, d->message, false);
        fputc('\n', out);
    }
}

/* The language the environment asks for ("vi" for vi_VN.UTF-8), or NULL. */
static const char *S_env_language(char *buf, size_t size)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (!v || !*v)
            continue;
        size_t n = strcspn(v, "_.@");
        if (n == 0 || n >= size || !strcmp(v, "C") || !strncmp(v, "C.", 2) ||
            !strcmp(v, "POSIX"))
            return NULL;
        memcpy(buf, v, n);
        buf[n] = '\0';
        return buf;
    }
    return NULL;
}

void kh_i18n_init(const char *exe_dir)
{
    /* Every byte kehoach prints is UTF-8 (plans, its catalogs), so the
     * character type is UTF-8 too: when the asked-for locale is missing
     * (vi_VN.UTF-8 not generated) or not UTF-8, C.UTF-8. Without that,
     * glibc converts its own translated messages (strerror, getopt) to
     * ASCII and Vietnamese comes out as "Kh?ng c? t?p tin" (issue 9). */
    const char *ctype = setlocale(LC_CTYPE, "");
    if (!ctype || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");
    if (!setlocale(LC_MESSAGES, "")) {
        /* The asked-for locale is not installed (no locale-gen run): still
         * speak its language, through LANGUAGE on a UTF-8 C locale. */
        char lang[16];
        const char *language = getenv("LANGUAGE");
        if (S_env_language(lang, sizeof lang) && (!language || !*language)) {
            setenv("LANGUAGE", lang, 1);
            setlocale(LC_MESSAGES, "C.UTF-8");
        }
    }
    static const char *const rel[] = {"/../share/locale", "/locale"};
    for (size_t i = 0; exe_dir && i < 2; i++) {
        char *dir;
        if (asprintf(&dir, "%s%s", exe_dir, rel[i]) < 0)
            return;
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
            bindtextdomain("kehoach", dir);
            free(dir);
            break;
        }
        free(dir);
    }
    bind_textdomain_codeset("kehoach", "UTF-8");
    /* glibc's messages too, whatever LC_CTYPE ended up as */
    bind_textdomain_codeset("libc", "UTF-8");
    textdomain("kehoach");
}
