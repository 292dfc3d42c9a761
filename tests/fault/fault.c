/* Fault injection for the output-safety tests (LD_PRELOAD): makes the
 * program's own calls fail as a full or read-only disk would.
 *   KH_FAULT=enospc KH_FAULT_AFTER=N  write() to files fails with ENOSPC
 *                                     once N bytes have been written
 *   KH_FAULT=erofs                    mkstemp() fails with EROFS
 *   KH_FAULT=fork KH_FAULT_AFTER=N    fork() fails with EAGAIN after N
 *                                     successful forks (a batch's workers)
 *   KH_FAULT=pipe KH_FAULT_AFTER=N    pipe() fails with EMFILE after N
 *   KH_FAULT=hpdf KH_FAULT_AFTER=N    libharu's allocations (HPDF_GetMem,
 *                                     which its own calls reach through
 *                                     the dynamic linker) fail after N,
 *                                     as libharu's own out-of-memory does
 *                                     (the error recorded in the document):
 *                                     every point of the PDF stage where
 *                                     libharu can fail, and only there */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <hpdf.h>
#include <hpdf_error.h>
#include <hpdf_mmgr.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static long long written;

static const char *S_mode(void)
{
    const char *m = getenv("KH_FAULT");
    return m ? m : "";
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (fd > 2 && !strcmp(S_mode(), "enospc")) {
        const char *after = getenv("KH_FAULT_AFTER");
        long long limit = after ? atoll(after) : 0;
        if (written + (long long)n > limit) {
            size_t part = written < limit ? (size_t)(limit - written) : 0;
            if (part == 0) {
                errno = ENOSPC;
                return -1;
            }
            n = part;
        }
        ssize_t r = real(fd, buf, n);
        if (r > 0)
            written += r;
        return r;
    }
    return real(fd, buf, n);
}

int mkstemp(char *template)
{
    static int (*real)(char *);
    if (!real)
        real = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
    if (!strcmp(S_mode(), "erofs")) {
        errno = EROFS;
        return -1;
    }
    return real(template);
}

/* The number of calls of a kind let through before they fail. */
static int S_calls_left(void)
{
    const char *after = getenv("KH_FAULT_AFTER");
    return after ? atoi(after) : 0;
}

pid_t fork(void)
{
    static pid_t (*real)(void);
    static int calls;
    if (!real)
        real = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
    if (!strcmp(S_mode(), "fork") && calls++ >= S_calls_left()) {
        errno = EAGAIN;
        return -1;
    }
    return real();
}

int pipe(int fds[2])
{
    static int (*real)(int[2]);
    static int calls;
    if (!real)
        real = (int (*)(int[2]))dlsym(RTLD_NEXT, "pipe");
    if (!strcmp(S_mode(), "pipe") && calls++ >= S_calls_left()) {
        errno = EMFILE;
        return -1;
    }
    return real(fds);
}

void *HPDF_GetMem(HPDF_MMgr mmgr, HPDF_UINT size)
{
    static void *(*real)(HPDF_MMgr, HPDF_UINT);
    static int calls;
    if (!real)
        real = (void *(*)(HPDF_MMgr, HPDF_UINT))dlsym(RTLD_NEXT, "HPDF_GetMem");
    if (!strcmp(S_mode(), "hpdf") && calls++ >= S_calls_left()) {
        HPDF_SetError(mmgr->error, HPDF_FAILD_TO_ALLOC_MEM, HPDF_NOERROR);
        return NULL;
    }
    return real(mmgr, size);
}
