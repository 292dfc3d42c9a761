/* Batches.
 *
 * Sessions are not shared between processes: each worker renders every
 * jobs-th plan with its own session and sends, per plan, one record
 * (status, then the diagnostics as text) through its own pipe. The parent
 * prints records as they arrive, so diagnostics of different plans never
 * interleave, and keeps the progress line below them. */
#include "batch.h"

#include <errno.h>
#include <stdint.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "files.h"
#include "i18n.h"
#include "session.h"


/* Workers a batch starts at most: more than cores only adds contention. */
#define KH_MAX_JOBS 64

char *kh_batch_output_path(const kh_batch_opts_t *o, const char *plan)
{
    if (o->output)
        return strdup(o->output);
    if (!strcmp(plan, "-")) /* a plan from standard input: a filter */
        return strdup("-");
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

/* Renders one plan; its diagnostics go to msg. */
static int S_render_one(kh_session_t *s, const kh_batch_opts_t *o,
                        const char *plan, FILE *msg)
{
    char *out = kh_batch_output_path(o, plan);
    kh_render_opts_t ro = {out, o->dump_layout, kh_source_date(), o->producer, o->pdfa,
                           o->esign, o->separate_appendices};
    kh_diag_list_t d;
    kh_diag_init(&d);
    kh_source_t src;
    int st = kh_exit_status(kh_session_render(s, plan, &ro, &src, &d));
    kh_diag_sort(&d);
    kh_diag_print(&d, msg, src.path, src.text, src.len);
    kh_source_free(&src);
    kh_diag_free(&d);
    free(out);
    return st;
}

static void S_progress(const kh_batch_opts_t *o, int done, int n, const char *last)
{
    if (o->progress)
        fprintf(stderr, "\r\033[K[%d/%d] %s", done, n, last);
}

static void S_progress_clear(const kh_batch_opts_t *o)
{
    if (o->progress)
        fputs("\r\033[K", stderr);
}

static int S_serial(const kh_batch_opts_t *o, char **plans, int n)
{
    kh_session_t *s = kh_session_new(o->data_dir);
    int worst = KH_EXIT_OK;
    for (int i = 0; i < n; i++) {
        S_progress(o, i, n, plans[i]);
        char *text = NULL;
        size_t len = 0;
        FILE *msg = open_memstream(&text, &len);
        if (!msg)
            abort();
        int st = S_render_one(s, o, plans[i], msg);
        fclose(msg);
        S_progress_clear(o);
        fwrite(text, 1, len, stderr);
        free(text);
        worst = st > worst ? st : worst;
    }
    kh_session_free(s);
    return worst;
}

/* ---- workers ---- */

static int S_write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Record: 4-byte length of the text, 1 status byte, 4-byte plan index, text. */
static void S_worker(const kh_batch_opts_t *o, char **plans, int n, int k,
                     int jobs, int fd)
{
    kh_session_t *s = kh_session_new(o->data_dir);
    for (int i = k; i < n; i += jobs) {
        char *text = NULL;
        size_t len = 0;
        FILE *msg = open_memstream(&text, &len);
        if (!msg)
            _exit(KH_EXIT_USAGE);
        unsigned char st = (unsigned char)S_render_one(s, o, plans[i], msg);
        fclose(msg);
        uint32_t hdr[2] = {(uint32_t)len, (uint32_t)i};
        if (S_write_all(fd, hdr, sizeof hdr) || S_write_all(fd, &st, 1) ||
            S_write_all(fd, text, len))
            _exit(KH_EXIT_USAGE);
        free(text);
    }
    kh_session_free(s);
    close(fd);
    _exit(0);
}

typedef struct {
    pid_t pid;
    int fd;
    char *buf;
    size_t len, cap;
} kh_worker_t;

/* Takes every complete record out of a worker's buffer. */
static void S_drain(const kh_batch_opts_t *o, kh_worker_t *w, char **plans,
                    int n, int *done, int *worst)
{
    const size_t head = 2 * sizeof(uint32_t) + 1;
    while (w->len >= head) {
        uint32_t hdr[2];
        memcpy(hdr, w->buf, sizeof hdr);
        if (w->len < head + hdr[0])
            return;
        int st = (unsigned char)w->buf[sizeof hdr];
        S_progress_clear(o);
        fwrite(w->buf + head, 1, hdr[0], stderr);
        (*done)++;
        *worst = st > *worst ? st : *worst;
        S_progress(o, *done, n, hdr[1] < (uint32_t)n ? plans[hdr[1]] : "");
        memmove(w->buf, w->buf + head + hdr[0], w->len - head - hdr[0]);
        w->len -= head + hdr[0];
    }
}

static int S_read_some(kh_worker_t *w)
{
    if (w->cap - w->len < 65536) {
        w->cap = w->cap ? w->cap * 2 : 131072;
        w->buf = realloc(w->buf, w->cap);
        if (!w->buf)
            abort();
    }
    ssize_t r = read(w->fd, w->buf + w->len, w->cap - w->len);
    if (r > 0)
        w->len += (size_t)r;
    return r < 0 && errno == EINTR ? 1 : (int)(r > 0);
}

/* Undoes a start that failed after started workers: each is told to
 * stop (one byte on the gate each, read before any work), reaped, and its
 * pipe closed, so a failed batch leaves no process and writes nothing. */
static void S_stop_started(kh_worker_t *w, int started, int gate)
{
    int e = errno; /* the failure's, for the message */
    for (int k = 0; k < started; k++)
        (void)S_write_all(gate, "x", 1);
    close(gate);
    for (int k = 0; k < started; k++) {
        while (waitpid(w[k].pid, NULL, 0) < 0 && errno == EINTR)
            ;
        close(w[k].fd);
    }
    errno = e;
}

/* Starts the workers: each waits at the gate until all have started (the
 * gate closed: go) or one could not be (a byte on it: stop). Returns 0, or
 * -1 with nothing left running or open. */
static int S_start(const kh_batch_opts_t *o, char **plans, int n, int jobs,
                   kh_worker_t *w)
{
    int gate[2];
    if (pipe(gate) != 0)
        return -1;
    for (int k = 0; k < jobs; k++) {
        int p[2];
        if (pipe(p) != 0) {
            S_stop_started(w, k, gate[1]);
            close(gate[0]);
            return -1;
        }
        w[k].pid = fork();
        if (w[k].pid == 0) {
            close(p[0]);
            close(gate[1]);
            for (int j = 0; j < k; j++)
                close(w[j].fd);
            char go;
            ssize_t r;
            while ((r = read(gate[0], &go, 1)) < 0 && errno == EINTR)
                ;
            if (r != 0)
                _exit(KH_EXIT_USAGE);
            close(gate[0]);
            S_worker(o, plans, n, k, jobs, p[1]);
        }
        close(p[1]);
        if (w[k].pid < 0) {
            int e = errno;
            close(p[0]);
            errno = e;
            S_stop_started(w, k, gate[1]);
            close(gate[0]);
            return -1;
        }
        w[k].fd = p[0];
    }
    close(gate[0]);
    close(gate[1]); /* go */
    return 0;
}

static int S_parallel(const kh_batch_opts_t *o, char **plans, int n, int jobs)
{
    kh_worker_t w[KH_MAX_JOBS] = {{0}};
    fflush(NULL);
    if (S_start(o, plans, n, jobs, w) != 0) {
        fprintf(stderr, _("kehoach: cannot start the worker processes: %s\n"),
                strerror(errno));
        return KH_EXIT_USAGE;
    }
    int done = 0, worst = KH_EXIT_OK, open_pipes = jobs;
    S_progress(o, 0, n, "");
    while (open_pipes > 0) {
        struct pollfd pf[KH_MAX_JOBS];
        for (int k = 0; k < jobs; k++)
            pf[k] = (struct pollfd){w[k].fd, POLLIN, 0};
        if (poll(pf, (nfds_t)jobs, -1) < 0 && errno != EINTR)
            break;
        for (int k = 0; k < jobs; k++) {
            if (w[k].fd < 0 || !(pf[k].revents & (POLLIN | POLLHUP)))
                continue;
            if (!S_read_some(&w[k])) {
                close(w[k].fd);
                w[k].fd = -1;
                open_pipes--;
            }
            S_drain(o, &w[k], plans, n, &done, &worst);
        }
    }
    S_progress_clear(o);
    for (int k = 0; k < jobs; k++) {
        int status;
        waitpid(w[k].pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fputs(_("kehoach: a worker process failed\n"), stderr);
            worst = KH_EXIT_USAGE;
        }
        free(w[k].buf);
    }
    if (done < n && worst < KH_EXIT_USAGE)
        worst = KH_EXIT_USAGE;
    return worst;
}

/* --separate-appendices: the appendix files' PDFs plan i would write,
 * appended to outs (their plan to owner; out: the plan's PDF), from its front matter's
 * `appendices:` (read here only for the names; the render reads it again
 * and reports what is wrong with it). Returns the new count. */
static int S_appendix_outputs(char *plan, const char *out,
                              char ***outs, char ***owner, int m, int *cap)
{
    kh_source_t src = {0};
    kh_diag_list_t quiet;
    kh_diag_init(&quiet);
    const kh_node_t *list = NULL;
    if (strcmp(plan, "-") && kh_source_load(plan, &src, &quiet) == 0 && src.front)
        list = kh_node_get(src.front, "appendices");
    for (size_t i = 0; list && list->kind == KH_NODE_SEQ && i < list->n; i++) {
        if (list->kids[i]->kind != KH_NODE_SCALAR || !list->kids[i]->text[0])
            continue;
        if (m + 1 >= *cap) {
            *cap *= 2;
            *outs = realloc(*outs, (size_t)*cap * sizeof **outs);
            *owner = realloc(*owner, (size_t)*cap * sizeof **owner);
            if (!*outs || !*owner)
                abort();
        }
        (*owner)[m] = plan;
        (*outs)[m++] = kh_appendix_output_path(out, list->kids[i]->text);
    }
    kh_source_free(&src);
    kh_diag_free(&quiet);
    return m;
}

int kh_batch_check_outputs(const kh_batch_opts_t *o, char **plans, int n)
{
    if (o->dump_layout)
        return 0;
    int cap = 2 * n + 2, m = n;
    char **outs = calloc((size_t)cap, sizeof *outs);
    char **owner = calloc((size_t)cap, sizeof *owner);
    if (!outs || !owner)
        abort();
    for (int i = 0; i < n; i++) {
        outs[i] = kh_batch_output_path(o, plans[i]);
        owner[i] = plans[i];
    }
    if (o->separate_appendices)
        for (int i = 0; i < n; i++)
            m = S_appendix_outputs(plans[i], outs[i], &outs, &owner, m, &cap);
    kh_diag_list_t d;
    kh_diag_init(&d);
    int refused = kh_check_outputs(owner, outs, m, &d);
    kh_diag_print(&d, stderr, NULL, NULL, 0);
    kh_diag_free(&d);
    for (int i = 0; i < m; i++)
        free(outs[i]);
    free(outs);
    free(owner);
    return refused;
}

int kh_batch_render(const kh_batch_opts_t *o, char **plans, int n)
{
    /* nothing is rendered when one output must not be written: a batch
     * half written is harder to redo than one refused */
    if (kh_batch_check_outputs(o, plans, n))
        return KH_EXIT_USAGE;
    int jobs = o->jobs < n ? o->jobs : n;
    if (jobs > KH_MAX_JOBS)
        jobs = KH_MAX_JOBS;
    if (jobs <= 1 || o->dump_layout)
        return S_serial(o, plans, n);
    return S_parallel(o, plans, n, jobs);
}
