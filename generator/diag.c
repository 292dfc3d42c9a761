/* Diagnostics: collected by every stage, printed once by the caller. */
#include "diag.h"

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

void kh_diag_add(kh_diag_list_t *list, const char *file, int line, int col,
                 kh_severity_t sev, const char *rule, const char *fmt, ...)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        kh_diag_t *items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return; /* out of memory: drop the diagnostic, keep going */
        list->items = items;
        list->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    kh_diag_t *d = &list->items[list->count++];
    d->file = strdup(file ? file : "");
    d->line = line;
    d->col = col;
    d->severity = sev;
    snprintf(d->rule, sizeof d->rule, "%s", rule ? rule : "");
    d->message = msg;
    if (sev == KH_SEV_ERROR)
        list->errors++;
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

/* The caret goes under the column, counted in characters, not bytes. */
static void S_print_caret(FILE *out, const char *line, size_t len, int col)
{
    fputs("    ", out);
    int c = 1;
    for (size_t i = 0; i < len && c < col; i++) {
        if (((unsigned char)line[i] & 0xC0) != 0x80) {
            fputc(line[i] == '\t' ? '\t' : ' ', out);
            c++;
        }
    }
    fputs("^\n", out);
}

void kh_diag_print(const kh_diag_list_t *list, FILE *out, const char *source,
                   size_t source_len)
{
    for (size_t i = 0; i < list->count; i++) {
        const kh_diag_t *d = &list->items[i];
        const char *sev = d->severity == KH_SEV_ERROR ? "error" : "warning";
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
        const char *l = source && d->line > 0
                            ? S_find_line(source, source_len, d->line, &ll)
                            : NULL;
        if (l) {
            fprintf(out, "    %.*s\n", (int)ll, l);
            S_print_caret(out, l, ll, d->col);
        }
    }
}
