/* PNG images for electronic signing, read with libpng (the library
 * libharu links already): the whole file into memory first (a regular
 * file, at most KH_IMAGE_MAX_BYTES: files.c refuses FIFOs and
 * directories), then decoded from there, every format expanded to 8-bit
 * RGBA (palette, grey, 16-bit, tRNS → alpha). libpng reports errors by
 * longjmp: everything the decoder allocates is freed on that path too. */
#include "image.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "i18n.h"
#include "text.h"

char *kh_image_path(const kh_source_t *src, const char *name)
{
    const char *slash = strrchr(src->path, '/');
    int dirlen = slash && !src->in_memory ? (int)(slash - src->path) + 1 : 0;
    char *path;
    /* "-" is standard input to kh_open_input: a file of that name here */
    if (name[0] == '/')
        path = strdup(name);
    else if (asprintf(&path, "%.*s%s%s", dirlen, src->path,
                      !dirlen && !strcmp(name, "-") ? "./" : "", name) < 0)
        path = NULL;
    if (!path)
        abort();
    return path;
}

typedef struct {
    const unsigned char *data;
    size_t len, at;
} kh_png_src_t;

static void S_read(png_structp png, png_bytep out, size_t n)
{
    kh_png_src_t *s = png_get_io_ptr(png);
    if (n > s->len - s->at)
        png_error(png, "the file ends before the image does");
    memcpy(out, s->data + s->at, n);
    s->at += n;
}

/* libpng's message for the first error, kept for the diagnostic. */
typedef struct {
    char msg[160];
} kh_png_err_t;

static void S_error(png_structp png, png_const_charp msg)
{
    kh_png_err_t *e = png_get_error_ptr(png);
    snprintf(e->msg, sizeof e->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void S_warning(png_structp png, png_const_charp msg)
{
    (void)png, (void)msg; /* a bad CRC in an ancillary chunk: not ours */
}

/* Decodes the PNG in data into img. Returns NULL, or the reason it failed
 * (libpng's words in e->msg, or a fixed text). */
static const char *S_decode(const unsigned char *data, size_t len,
                            kh_image_t *img, kh_png_err_t *e, bool *alpha)
{
    kh_png_src_t src = {data, len, 8};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, e, S_error, S_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *volatile rows = NULL;
    volatile bool has_alpha = false;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return "out of memory";
    }
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(img->rgba);
        img->rgba = NULL;
        png_destroy_read_struct(&png, &info, NULL);
        return e->msg;
    }
    png_set_read_fn(png, &src, S_read);
    png_set_sig_bytes(png, 8);
    png_set_user_limits(png, KH_IMAGE_MAX_PX, KH_IMAGE_MAX_PX);
    png_read_info(png, info);
    png_uint_32 w, h;
    int depth, ctype;
    png_get_IHDR(png, info, &w, &h, &depth, &ctype, NULL, NULL, NULL);
    has_alpha = (ctype & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS);
    png_uint_32 rx, ry;
    int unit;
    if (png_get_pHYs(png, info, &rx, &ry, &unit) && unit == PNG_RESOLUTION_METER &&
        rx > 0 && ry > 0) {
        img->mm_w = w * 1000.0 / rx;
        img->mm_h = h * 1000.0 / ry;
    }
    png_set_expand(png);          /* palette, grey < 8 bits, tRNS → alpha */
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER); /* no alpha: opaque */
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * 4)
        png_error(png, "unexpected pixel format");
    img->width = w, img->height = h;
    img->rgba = malloc((size_t)w * h * 4);
    rows = malloc(h * sizeof *rows);
    if (!img->rgba || !rows)
        png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = img->rgba + (size_t)y * w * 4;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    *alpha = has_alpha;
    return NULL;
}

/* Whether some pixel lets what is under it show (*see_through), and
 * whether some pixel shows at all (*visible): a signature saved with its
 * layer hidden is all transparent, and would sign with nothing to see. */
static void S_alpha(const kh_image_t *img, bool *see_through, bool *visible)
{
    size_t n = (size_t)img->width * img->height;
    *see_through = *visible = false;
    for (size_t i = 0; i < n && !(*see_through && *visible); i++) {
        unsigned char a = img->rgba[i * 4 + 3];
        *see_through = *see_through || a < 255;
        *visible = *visible || a > 0;
    }
}

/* The width and height the IHDR chunk gives (the first chunk, right after
 * the signature: length, "IHDR", width, height, big-endian), read before
 * libpng so that a picture too large is told as such, not as damaged. */
static bool S_ihdr_size(const unsigned char *d, size_t len, uint32_t *w, uint32_t *h)
{
    if (len < 24 || memcmp(d + 12, "IHDR", 4) != 0)
        return false;
    *w = (uint32_t)d[16] << 24 | (uint32_t)d[17] << 16 | (uint32_t)d[18] << 8 | d[19];
    *h = (uint32_t)d[20] << 24 | (uint32_t)d[21] << 16 | (uint32_t)d[22] << 8 | d[23];
    return true;
}

kh_image_t *kh_image_load(const char *path, const char *key, const char *file,
                          int line, int col, kh_diag_list_t *d)
{
    kh_diag_list_t io;
    kh_diag_init(&io);
    int fd = kh_open_input(path, "esign-image-file", &io);
    if (fd < 0) {
        /* a Windows path ("img\\sig.png") names no folder here */
        kh_diag_add(d, file, line, col, KH_SEV_ERROR, "esign-image-file",
                    "%s: %s: %s%s", key, path, io.count ? io.items[0].message : "",
                    strchr(path, '\\') ? _(" (write '/' between folders, not '\\')") : "");
        kh_diag_free(&io);
        return NULL;
    }
    kh_diag_free(&io);
    kh_buf_t b = {0};
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0 && b.len <= KH_IMAGE_MAX_BYTES)
        kh_buf_put(&b, chunk, (size_t)n);
    int err = n < 0 ? errno : 0;
    close(fd);
    kh_image_t *img = NULL;
    if (err) {
        kh_diag_add(d, file, line, col, KH_SEV_ERROR, "esign-image-file",
                    "%s: cannot read %s: %s", key, path, strerror(err));
    } else if (b.len > KH_IMAGE_MAX_BYTES) {
        kh_diag_add(d, file, line, col, KH_SEV_ERROR, "esign-image-size",
                    "%s: %s is larger than %u MB: a signature or seal image is "
                    "far smaller", key, path, KH_IMAGE_MAX_BYTES >> 20);
    } else if (b.len < 8 || png_sig_cmp((png_const_bytep)b.data, 0, 8) != 0) {
        kh_diag_add(d, file, line, col, KH_SEV_ERROR, "esign-image-format",
                    "%s: %s is not a PNG image (a signature or seal image is a "
                    "PNG with a transparent background)", key, path);
    } else {
        if (!(img = calloc(1, sizeof *img)))
            abort();
        kh_png_err_t e = {{0}};
        bool alpha = false, see_through = false, visible = false;
        uint32_t pw, ph;
        bool large = S_ihdr_size((const unsigned char *)b.data, b.len, &pw, &ph) &&
                     (pw > KH_IMAGE_MAX_PX || ph > KH_IMAGE_MAX_PX);
        const char *why = large ? "exceeds user limit"
                                : S_decode((const unsigned char *)b.data, b.len, img,
                                           &e, &alpha);
        if (!why)
            S_alpha(img, &see_through, &visible);
        if (why && strstr(why, "exceeds user limit")) {
            kh_diag_add(d, file, line, col, KH_SEV_ERROR, "esign-image-size",
                        "%s: %s is more than %d pixels wide or high: a signature "
                        "or seal image is far smaller", key, path, KH_IMAGE_MAX_PX);
        } else if (why) {
            kh_diag_add(d, file, line, col, KH_SEV_ERROR, "esign-image-format",
                        "%s: %s is a damaged PNG (%s)", key, path, why);
        } else if (!visible) {
            kh_diag_add(d, file, line, col, KH_SEV_ERROR, "esign-image-alpha",
                        "%s: %s is fully transparent: nothing of it would show "
                        "(was it saved with its layer hidden?)", key, path);
            why = "";
        } else if (!alpha || !see_through) {
            kh_diag_add(d, file, line, col, KH_SEV_ERROR, "esign-image-alpha",
                        "%s: %s has no transparency (%s): printed over the "
                        "signature space it would hide the text under it; save "
                        "it as a PNG with a transparent background", key, path,
                        alpha ? _("every pixel is opaque")
                              : _("no alpha channel, no tRNS chunk"));
            why = "";
        }
        if (why) {
            kh_image_free(img);
            img = NULL;
        } else if (!(img->path = strdup(path))) {
            abort();
        }
    }
    kh_buf_free(&b);
    return img;
}

void kh_image_free(kh_image_t *img)
{
    if (!img)
        return;
    free(img->rgba);
    free(img->path);
    free(img);
}
