/* Rendering many plans: in parallel worker processes (-j), with a progress
 * line on a terminal, and re-rendering on every save (--watch). */
#ifndef KH_BATCH_H
#define KH_BATCH_H

#include <stdbool.h>

typedef struct {
    const char *data_dir;
    const char *output;  /* -o: one plan only */
    const char *out_dir; /* -d */
    bool dump_layout;
    int jobs;            /* worker processes; 1 renders in this process */
    bool progress;       /* a progress line (on a terminal) */
    const char *producer;
    bool pdfa;
    bool esign;          /* --esign: session.h */
    bool separate_appendices; /* --separate-appendices: session.h */
} kh_batch_opts_t;

/* Where a plan's PDF goes: -o, else DIR/NAME.pdf or ./NAME.pdf; a plan read
 * from standard input ("-") goes to standard output ("-") (malloc'd). */
char *kh_batch_output_path(const kh_batch_opts_t *o, const char *plan);

/* Checks every output the batch would write (files.h: not an input, not
 * written twice, a kind that can be written) and prints the refusals;
 * returns their number. kh_batch_render and kh_batch_watch call it first. */
int kh_batch_check_outputs(const kh_batch_opts_t *o, char **plans, int n);

/* Renders every plan, or none when an output is refused (exit 2); returns the worst exit status (0, 1 or 2). */
int kh_batch_render(const kh_batch_opts_t *o, char **plans, int n);

/* Renders every plan, then again each time one is saved, until
 * interrupted (or, when max_events > 0, after that many re-renders: for
 * tests). A save that makes a plan invalid keeps its last good PDF. */
int kh_batch_watch(const kh_batch_opts_t *o, char **plans, int n, int max_events);

#endif
