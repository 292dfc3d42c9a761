/* Files: see files.h. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

const char *kh_input_name(const char *path)
{
    return strcmp(path, "-") ? path : "<stdin>";
}

const char *kh_file_kind(mode_t m)
{
    return S_ISDIR(m)    ? _("is a directory, not a file")
           : S_ISFIFO(m) ? _("is a FIFO (named pipe), not a file")
           : S_ISSOCK(m) ? _("is a socket, not a file")
                         : _("is a device, not a file");
}

int kh_open_input(const char *path, const char *rule, kh_diag_list_t *diags)
{
    bool std_in = !strcmp(path, "-");
    const char *name = kh_input_name(path);
    /* O_NONBLOCK: opening a FIFO nobody writes to would wait for ever;
     * O_NOCTTY: a terminal device never becomes the controlling one */
    int fd = std_in ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
                    : open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, rule, "cannot open: %s",
                    strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    /* standard input is whatever the shell gave: a pipe or a terminal is
     * read as a stream; a named path must be a regular file */
    bool stream = std_in && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) ||
                             S_ISSOCK(st.st_mode));
    if (!S_ISREG(st.st_mode) && !stream) {
        kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, rule, "%s: not read",
                    kh_file_kind(st.st_mode));
        close(fd);
        return -1;
    }
    if (!std_in) {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    }
    return fd;
}

kh_file_id_t kh_input_id(const char *path)
{
    struct stat st;
    int r = strcmp(path, "-") ? stat(path, &st) : fstat(STDIN_FILENO, &st);
    if (r != 0 || !S_ISREG(st.st_mode))
        return (kh_file_id_t){0, 0, false};
    return (kh_file_id_t){st.st_dev, st.st_ino, true};
}

static bool S_same(kh_file_id_t a, kh_file_id_t b)
{
    return a.known && b.known && a.dev == b.dev && a.ino == b.ino;
}

/* The absolute path with every symbolic link resolved, also for a file
 * that does not exist yet (its directory resolved, then its name), so
 * that out/x.pdf, ./out/x.pdf and link-to-out/x.pdf compare equal. */
static char *S_canonical(const char *path)
{
    char *r = realpath(path, NULL);
    if (r)
        return r;
    char *d = strdup(path), *b = strdup(path);
    if (!d || !b)
        abort();
    char *dir = realpath(dirname(d), NULL);
    char *out;
    if (asprintf(&out, "%s/%s", dir ? dir : d, basename(b)) < 0)
        abort();
    free(dir);
    free(d);
    free(b);
    return out;
}

/* One output on its own: a kind kehoach can write (see files.h). */
static bool S_output_ok(const char *out, kh_diag_list_t *diags)
{
    if (!strcmp(out, "-")) {
        if (isatty(STDOUT_FILENO)) {
            kh_diag_add(diags, "<stdout>", 0, 0, KH_SEV_ERROR, "io",
                        "is a terminal: a PDF is not written there (redirect "
                        "the output to a file, or use -o FILE)");
            return false;
        }
        return true;
    }
    struct stat st, lst;
    if (lstat(out, &lst) != 0)
        return true; /* a new file (or an error the write will name) */
    if (stat(out, &st) != 0) {
        kh_diag_add(diags, out, 0, 0, KH_SEV_ERROR, "io",
                    "is a symbolic link to a missing file: nothing written");
        return false;
    }
    if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))
        return true;
    if (S_ISCHR(st.st_mode)) {
        /* written through, like /dev/null, unless it is a terminal */
        int fd = open(out, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        bool tty = fd >= 0 && isatty(fd);
        if (fd >= 0)
            close(fd);
        if (!tty)
            return true;
        kh_diag_add(diags, out, 0, 0, KH_SEV_ERROR, "io",
                    "is a terminal: a PDF is not written there (redirect "
                    "the output to a file, or use -o FILE)");
        return false;
    }
    kh_diag_add(diags, out, 0, 0, KH_SEV_ERROR, "io", "%s: nothing written",
                kh_file_kind(st.st_mode));
    return false;
}

static kh_file_id_t S_output_id(const char *out)
{
    struct stat st;
    int r = strcmp(out, "-") ? stat(out, &st) : fstat(STDOUT_FILENO, &st);
    if (r != 0 || !S_ISREG(st.st_mode))
        return (kh_file_id_t){0, 0, false};
    return (kh_file_id_t){st.st_dev, st.st_ino, true};
}

int kh_check_outputs(char *const *plans, char *const *outs, int n,
                     kh_diag_list_t *diags)
{
    int refused = 0;
    kh_file_id_t *in = calloc((size_t)n + 1, sizeof *in);
    kh_file_id_t *oid = calloc((size_t)n + 1, sizeof *oid);
    char **canon = calloc((size_t)n + 1, sizeof *canon);
    if (!in || !oid || !canon)
        abort();
    for (int i = 0; i < n; i++) {
        in[i] = kh_input_id(plans[i]);
        oid[i] = S_output_id(outs[i]);
        canon[i] = strcmp(outs[i], "-") ? S_canonical(outs[i]) : NULL;
    }
    for (int i = 0; i < n; i++) {
        const char *name = strcmp(outs[i], "-") ? outs[i] : "<stdout>";
        if (!S_output_ok(outs[i], diags)) {
            refused++;
            continue;
        }
        bool bad = false;
        for (int j = 0; j < n && !bad; j++) {
            if (S_same(oid[i], in[j])) {
                kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, "io",
                            "is the plan %s itself: not overwritten with the "
                            "PDF (choose another output)",
                            kh_input_name(plans[j]));
                bad = true;
            } else if (j > i && !S_same(in[i], in[j]) && /* one plan twice: same bytes */
                       (S_same(oid[i], oid[j]) ||
                                 (canon[i] && canon[j] && !strcmp(canon[i], canon[j])) ||
                                 (!canon[i] && !canon[j]))) {
                kh_diag_add(diags, name, 0, 0, KH_SEV_ERROR, "io",
                            "both %s and %s would be written here: nothing "
                            "written (render them into different places)",
                            kh_input_name(plans[i]), kh_input_name(plans[j]));
                bad = true;
            }
        }
        refused += bad;
    }
    for (int i = 0; i < n; i++)
        free(canon[i]);
    free(canon);
    free(in);
    free(oid);
    return refused;
}

bool kh_output_not_input(const char *out, const char *const *inputs, size_t n,
                         kh_diag_list_t *diags)
{
    kh_file_id_t o = S_output_id(out);
    for (size_t i = 0; i < n; i++)
        if (inputs[i] && S_same(o, kh_input_id(inputs[i]))) {
            kh_diag_add(diags, strcmp(out, "-") ? out : "<stdout>", 0, 0,
                        KH_SEV_ERROR, "io",
                        "is %s, which the plan reads: not overwritten with the "
                        "PDF (choose another output)", inputs[i]);
            return false;
        }
    return true;
}

int kh_check_own_outputs(char *const *outs, int n, kh_diag_list_t *diags)
{
    int refused = 0;
    for (int i = 0; i < n; i++) {
        if (!S_output_ok(outs[i], diags)) {
            refused++;
            continue;
        }
        kh_file_id_t oi = S_output_id(outs[i]);
        char *ci = S_canonical(outs[i]);
        for (int j = 0; j < i; j++) {
            char *cj = S_canonical(outs[j]);
            bool same = S_same(oi, S_output_id(outs[j])) || (ci && cj && !strcmp(ci, cj));
            free(cj);
            if (same) {
                kh_diag_add(diags, outs[i], 0, 0, KH_SEV_ERROR, "io",
                            "would be written twice, also as %s: nothing written "
                            "(give the appendix files different names)", outs[j]);
                refused++;
                break;
            }
        }
        free(ci);
    }
    return refused;
}
