/* Diagnostics shared by every stage: a position in a source file, a
 * severity, a rule id and a message, printed GCC style. */
#ifndef KH_DIAG_H
#define KH_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { KH_SEV_WARNING, KH_SEV_ERROR } kh_severity_t;

typedef struct {
    char *file;       /* owned copy */
    int line, col;    /* 1-based; 0 = no position */
    kh_severity_t severity;
    char rule[32];    /* short id, "" for none */
    char *message;    /* owned */
} kh_diag_t;

/* Diagnostics of each severity kept per list; past this only counted (a
 * file of garbage should give a screenful, not a million lines). Errors
 * and warnings are capped apart, so a flood of warnings never hides the
 * error that refused the plan. */
#define KH_MAX_DIAGS 100

typedef struct {
    kh_diag_t *items;
    size_t count, cap;
    size_t errors;         /* all errors, kept or not */
    size_t kept_errors;    /* errors among items */
    size_t dropped;        /* diagnostics past KH_MAX_DIAGS of their severity */
} kh_diag_list_t;

void kh_diag_init(kh_diag_list_t *list);
void kh_diag_free(kh_diag_list_t *list);

/* Appends a diagnostic; fmt is a message id (translated here, once) and a
 * printf format for the arguments that follow. file and rule are copied.
 * Out of memory drops the diagnostic (it is still counted). */
void kh_diag_add(kh_diag_list_t *list, const char *file, int line, int col,
                 kh_severity_t sev, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* kh_diag_add with the arguments as a va_list (for wrappers that add
 * their own file or rule); ap is consumed. */
void kh_diag_addv(kh_diag_list_t *list, const char *file, int line, int col,
                  kh_severity_t sev, const char *rule, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

/* True when a diagnostic of severity sev would only be counted, not kept
 * (callers skip the work of finding its position). */
bool kh_diag_full(const kh_diag_list_t *list, kh_severity_t sev);

/* True if an error is already kept at line:col (of any file): a rule
 * that would say the same thing again there stays silent (one error per
 * mistake: the schema's type check after recipient-mapping, the chain
 * rules after a chain item's pattern error). */
bool kh_diag_has_error_at(const kh_diag_list_t *list, int line, int col);

/* Orders the diagnostics by position (stable), for printing. */
void kh_diag_sort(kh_diag_list_t *list);

/* Prints "file:line:col: error: message [rule]" and, for diagnostics in
 * source_path whose text is given, the offending line with a caret under
 * the column. */
void kh_diag_print(const kh_diag_list_t *list, FILE *out,
                   const char *source_path, const char *source,
                   size_t source_len);

/* One JSON object per line: {"file","line","column","severity","rule","message"}. */
void kh_diag_print_json(const kh_diag_list_t *list, FILE *out);

/* GitHub Actions workflow commands: ::error file=…,line=…,col=…::message */
void kh_diag_print_github(const kh_diag_list_t *list, FILE *out);

#endif
