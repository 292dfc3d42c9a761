/* Images for electronic signing (spec appendix-esign.md §4, decree PL I
 * Mục II.7.d and II.8.a): the signer's signature and the issuing body's
 * seal, PNG files with a transparent background named in the front matter
 * (signer.signature_image, signer.seal_image). One job: read a PNG with
 * libpng, check that it can serve (a PNG, whole, not too large, with
 * transparency) and hand back its pixels as 8-bit RGBA. validate.c checks
 * the files with it, model_frame.c keeps the decoded images for pdf.c. */
#ifndef KH_IMAGE_H
#define KH_IMAGE_H

#include <stdint.h>

#include "diag.h"
#include "load.h"

/* Limits: a signature or seal scanned at 600 dpi is well under 2000 px a
 * side and under 1 MB; anything far larger is a mistake (a photo of the
 * page), and decoding it would cost memory for nothing (3000² px is
 * 36 MB of RGBA). */
#define KH_IMAGE_MAX_PX 3000
#define KH_IMAGE_MAX_BYTES (8u << 20)

typedef struct {
    uint32_t width, height; /* pixels, 1 .. KH_IMAGE_MAX_PX */
    unsigned char *rgba;    /* width × height × 4 bytes, rows top down,
                               8 bits a channel, alpha not premultiplied */
    double mm_w, mm_h;      /* the real size from the PNG's pHYs chunk (in
                               pixels a metre), mm; 0 when it gives none */
    char *path;             /* the file it was read from (owned) */
} kh_image_t;

/* The file an image entry names: as typed when absolute, else relative to
 * the plan's directory (standard input: the current one). malloc'd. */
char *kh_image_path(const kh_source_t *src, const char *name);

/* Reads and checks the PNG at path. On success returns the image (free
 * with kh_image_free). Otherwise NULL, with one error at file:line:col
 * (the front-matter value that names it; `key` is its name in the
 * message, e.g. "signer.seal_image"): the file cannot be read
 * (esign-image-file), is not a PNG or is damaged or truncated
 * (esign-image-format), is larger than the limits above
 * (esign-image-size), or has no transparent pixel — no alpha channel and
 * no tRNS chunk, or every pixel opaque — so it would hide the text under
 * it (esign-image-alpha). */
kh_image_t *kh_image_load(const char *path, const char *key, const char *file,
                          int line, int col, kh_diag_list_t *diags);
void kh_image_free(kh_image_t *img);

#endif
