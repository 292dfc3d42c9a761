/* --watch: re-render on every save.
 *
 * Editors save in different ways (write in place, or write a new file and
 * rename it over the old one), so the directories holding the plans are
 * watched, not the files, and an event counts when its name is a plan's.
 * Events arriving within a short settle time are merged: one save often
 * gives several. */
#include "batch.h"

#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "i18n.h"
#include "image.h"
#include "session.h"

/* Events closer than this belong to one save. */
#define KH_SETTLE_MS 30

/* A file a plan reads besides itself: an appendix file (`appendices:`),
 * a signer's image. */
typedef struct {
    char *base;
    int wd;
} kh_dep_t;

typedef struct {
    char *path, *dir, *base;
    int wd;
    bool dirty;
    kh_dep_t *deps; /* its appendix files and images, as the last render
                       read them */
    size_t ndeps;
} kh_watched_t;

static void S_free_deps(kh_watched_t *w)
{
    for (size_t i = 0; i < w->ndeps; i++)
        free(w->deps[i].base);
    free(w->deps);
    w->deps = NULL;
    w->ndeps = 0;
}

/* Adds the directory of path to the watches as one of w's files. */
static void S_watch_dep(int fd, kh_watched_t *w, const char *path)
{
    char *a = strdup(path), *b = strdup(path);
    if (a && b) {
        int wd = inotify_add_watch(fd, dirname(a), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE);
        char *base = wd >= 0 ? strdup(basename(b)) : NULL;
        if (base)
            w->deps[w->ndeps++] = (kh_dep_t){base, wd};
    }
    free(a);
    free(b);
}

/* The signer's image files a signer mapping names (its signature and
 * seal: render checks them, with --esign or without), watched. */
static void S_watch_images(int fd, kh_watched_t *w, const kh_source_t *src,
                           const kh_node_t *sg)
{
    static const char *const keys[] = {"signature_image", "seal_image"};
    for (int k = 0; k < 2; k++) {
        const kh_node_t *v = kh_node_get(sg, keys[k]);
        if (!v || v->kind != KH_NODE_SCALAR || !v->text[0])
            continue;
        char *path = kh_image_path(src, v->text);
        S_watch_dep(fd, w, path);
        free(path);
    }
}

/* Watches the directories of the files src read besides itself — its
 * appendix files, its signers' images — so that saving one re-renders
 * its plan (one that could not be read is not watched: the plan's next
 * save finds it). */
static void S_watch_deps(int fd, kh_watched_t *w, const kh_source_t *src)
{
    S_free_deps(w);
    const kh_node_t *issuers = kh_node_get(src->front, "issuers");
    size_t nsigners = 1 + (issuers && issuers->kind == KH_NODE_SEQ ? issuers->n : 0);
    w->deps = calloc(src->nappendix_files + 2 * nsigners, sizeof *w->deps);
    if (!w->deps)
        return;
    for (size_t i = 0; i < src->nappendix_files; i++)
        S_watch_dep(fd, w, src->appendix_files[i].path);
    S_watch_images(fd, w, src, kh_node_get(src->front, "signer"));
    for (size_t i = 0; i + 1 < nsigners; i++)
        S_watch_images(fd, w, src, kh_node_get(issuers->kids[i], "signer"));
}

static double S_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void S_stamp(FILE *out)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    char buf[16];
    strftime(buf, sizeof buf, "%H:%M:%S", &tm);
    fprintf(out, "%s ", buf);
}

/* Renders one plan and says what happened, with how long it took. */
static int S_rerender(kh_session_t *s, const kh_batch_opts_t *o,
                      kh_watched_t *w, int fd)
{
    char *out = kh_batch_output_path(o, w->path);
    kh_render_opts_t ro = {out, false, kh_source_date(), o->producer, o->pdfa,
                           o->esign, o->separate_appendices};
    kh_diag_list_t d;
    kh_diag_init(&d);
    kh_source_t src;
    double t0 = S_ms();
    int rc = kh_session_render(s, w->path, &ro, &src, &d);
    double ms = S_ms() - t0;
    kh_diag_sort(&d);
    kh_diag_print(&d, stderr, src.path, src.text, src.len);
    S_stamp(stderr);
    if (rc == KH_OK)
        fprintf(stderr, _("%s -> %s (%.1f ms)\n"), w->path, out, ms);
    else
        fprintf(stderr, _("%s has errors: kept the last good %s\n"), w->path, out);
    fflush(stderr);
    S_watch_deps(fd, w, &src);
    kh_source_free(&src);
    kh_diag_free(&d);
    free(out);
    return rc;
}

static int S_add_watches(int fd, kh_watched_t *w, char **plans, int n)
{
    for (int i = 0; i < n; i++) {
        char *a = strdup(plans[i]), *b = strdup(plans[i]);
        if (!a || !b)
            abort(); /* out of memory, as everywhere */
        w[i] = (kh_watched_t){strdup(plans[i]), strdup(dirname(a)),
                              strdup(basename(b)), -1, false, NULL, 0};
        free(a);
        free(b);
        w[i].wd = inotify_add_watch(fd, w[i].dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE);
        if (w[i].wd < 0) {
            fprintf(stderr, _("kehoach: cannot watch %s: %s\n"), w[i].dir, strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Marks the plans an event buffer names; returns how many events matched. */
static int S_mark(kh_watched_t *w, int n, const char *buf, ssize_t len)
{
    int hits = 0;
    for (const char *p = buf; p < buf + len;) {
        const struct inotify_event *ev = (const struct inotify_event *)p;
        for (int i = 0; ev->len && i < n; i++) {
            if (w[i].wd == ev->wd && !strcmp(w[i].base, ev->name))
                w[i].dirty = true, hits++;
            for (size_t k = 0; k < w[i].ndeps; k++)
                if (w[i].deps[k].wd == ev->wd && w[i].deps[k].base &&
                    !strcmp(w[i].deps[k].base, ev->name))
                    w[i].dirty = true, hits++;
        }
        p += sizeof *ev + ev->len;
    }
    return hits;
}

int kh_batch_watch(const kh_batch_opts_t *o, char **plans, int n, int max_events)
{
    if (kh_batch_check_outputs(o, plans, n))
        return KH_EXIT_USAGE;
    /* one way out: whatever was made is freed there, whichever step failed */
    int rc = KH_EXIT_USAGE;
    kh_session_t *s = NULL;
    int fd = inotify_init1(IN_CLOEXEC);
    kh_watched_t *w = calloc((size_t)n, sizeof *w);
    if (fd < 0 || !w || S_add_watches(fd, w, plans, n) != 0)
        goto done;
    s = kh_session_new(o->data_dir);
    for (int i = 0; i < n; i++)
        S_rerender(s, o, &w[i], fd);
    fprintf(stderr, _("kehoach: watching %d plan(s); Ctrl+C to stop\n"), n);
    int renders = 0;
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (max_events <= 0 || renders < max_events) {
        ssize_t len = read(fd, buf, sizeof buf);
        if (len < 0 && errno == EINTR)
            continue;
        if (len <= 0)
            break;
        int hits = S_mark(w, n, buf, len);
        /* let the rest of this save arrive before rendering */
        struct pollfd pf = {fd, POLLIN, 0};
        while (hits && poll(&pf, 1, KH_SETTLE_MS) > 0 &&
               (len = read(fd, buf, sizeof buf)) > 0)
            S_mark(w, n, buf, len);
        for (int i = 0; i < n; i++) {
            if (!w[i].dirty)
                continue;
            w[i].dirty = false;
            S_rerender(s, o, &w[i], fd);
            renders++;
        }
    }
    rc = KH_EXIT_OK;
done:
    kh_session_free(s);
    for (int i = 0; w && i < n; i++) { /* calloc'd: entries not reached are NULL */
        free(w[i].path);
        free(w[i].dir);
        free(w[i].base);
        S_free_deps(&w[i]);
    }
    free(w);
    if (fd >= 0)
        close(fd);
    return rc;
}
