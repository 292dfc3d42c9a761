/* The floor of a render (make bench, issue 12): the least a process that
 * renders the Kon Tum plan must do, with nothing of kehoach in it. Static,
 * so no dynamic loading; it maps the four fonts and reads each one's table
 * directory (a render reads its tables through the same kind of mapping),
 * then writes a file of the Kon Tum PDF's size to a temporary file beside
 * the output and renames it into place, as kh_write_atomic does.
 * Usage: floor FONTDIR OUT.pdf [BYTES]; BYTES defaults to 43,436 (the Kon
 * Tum PDF). Exit 0, or 1 with a message on standard error. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const fonts[] = {
    "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf",
};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: floor FONTDIR OUT.pdf [BYTES]\n");
        return 1;
    }
    size_t bytes = argc > 3 ? strtoul(argv[3], NULL, 10) : 43436;
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof fonts / sizeof *fonts; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], fonts[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 12) {
            perror(path);
            return 1;
        }
        const unsigned char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (m == MAP_FAILED) {
            perror(path);
            return 1;
        }
        /* the table directory: 12 bytes, then 16 a table */
        size_t ntables = (size_t)m[4] << 8 | m[5];
        for (size_t t = 0; t < 12 + 16 * ntables && t < (size_t)st.st_size; t++)
            sum += m[t];
    }
    unsigned char *data = malloc(bytes + 1);
    if (!data)
        return 1;
    for (size_t i = 0; i < bytes; i++) /* not all zeros: every page written */
        data[i] = (unsigned char)(i * 31 + sum);
    char *dcopy = strdup(argv[2]), *bcopy = strdup(argv[2]), *tmp = NULL;
    if (!dcopy || !bcopy ||
        asprintf(&tmp, "%s/.%s.XXXXXX", dirname(dcopy), basename(bcopy)) < 0)
        return 1;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        perror(tmp);
        return 1;
    }
    for (size_t off = 0; off < bytes;) {
        ssize_t n = write(fd, data + off, bytes - off);
        if (n <= 0) {
            perror(tmp);
            unlink(tmp);
            return 1;
        }
        off += (size_t)n;
    }
    if (fchmod(fd, 0644) != 0 || close(fd) != 0 || rename(tmp, argv[2]) != 0) {
        perror(argv[2]);
        unlink(tmp);
        return 1;
    }
    return 0;
}
