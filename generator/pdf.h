/* Stage 5, PDF: writes a laid-out document with libharu, embedding subsets
 * of the fonts with a correct ToUnicode map, atomically: the output appears
 * complete under its name, or not at all. */
#ifndef KH_PDF_H
#define KH_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "font.h"
#include "image.h"
#include "layout.h"
#include "model.h"
#include "template.h"

typedef struct {
    const char *title, *author, *subject, *producer;
    long long created; /* seconds since the epoch (SOURCE_DATE_EPOCH) */
    bool pdfa;            /* PDF/A-1b: XMP, output intent, CIDSet, ID */
    const char *icc_path; /* the output intent's ICC profile (RGB) */
    /* render --esign (spec appendix-esign.md §4): in each signature slot
     * (KH_OP_SLOT, its signer an index into signers) that issuer's
     * signature image centred, its seal at seal_mm over the signature's
     * left third (either image may be NULL), and an empty signature field
     * /FT /Sig named "Signature<signer + 1>" for signing software; in
     * the organisation's frame atop a separate appendix (signer
     * KH_SLOT_ORG, layout.h) the field alone, "SignatureAppendix". Not
     * with pdfa (PDF/A-1 forbids the transparency the images need). */
    bool esign;
    const kh_issuer_t *signers; /* the plan's issuers (borrowed) */
    size_t nsigners;
} kh_pdf_meta_t;

/* A PDF written page by page as the layout finishes them (a page sink,
 * layout.h), so that no page's ops outlive it:
 *   kh_pdf_begin  fonts (their used-glyph marks are reset and then set by
 *                 this document's pages: one document at a time writes
 *                 pages, from begin to kh_pdf_end_pages), meta (copied;
 *                 its strings borrowed until finish), used: the fonts the
 *                 pages print in, exactly (each gets a dictionary), or
 *                 NULL when not known yet: the pages are then kept until
 *                 kh_pdf_end_pages;
 *   kh_pdf_page   one page, in order; L gives its text; pg is borrowed
 *                 for the call;
 *   kh_pdf_end_pages  no more pages: the fonts are embedded (subsets of
 *                 the glyphs the pages used); the fonts are free for the
 *                 next document after it;
 *   kh_pdf_finish the PDF into memory, *out malloc'd; L: the whole layout
 *                 (its text names a PDF/A file); 0, or -1 with a
 *                 diagnostic; frees the document. kh_pdf_discard frees
 *                 one not finished (a layout that failed).
 * A failure on the way (libharu, a page in a font not in used) is kept
 * and reported by finish. */
typedef struct kh_pdf_doc kh_pdf_doc_t;
kh_pdf_doc_t *kh_pdf_begin(kh_font_t *fonts[KH_FONT_COUNT],
                           const kh_pdf_meta_t *meta,
                           const bool used[KH_FONT_COUNT]);
void kh_pdf_page(kh_pdf_doc_t *doc, const kh_layout_t *L, const kh_page_t *pg);
void kh_pdf_end_pages(kh_pdf_doc_t *doc, const kh_layout_t *L);
int kh_pdf_finish(kh_pdf_doc_t *doc, const kh_layout_t *L, unsigned char **out,
                  size_t *out_len, kh_diag_list_t *diags, const char *file);
void kh_pdf_discard(kh_pdf_doc_t *doc);

/* Renders a layout whose pages were all kept into memory, the same bytes
 * as the pages written one by one. *out is malloc'd. Returns 0 or -1
 * (diagnostics). */
int kh_pdf_render(const kh_layout_t *layout, kh_font_t *fonts[KH_FONT_COUNT],
                  const kh_pdf_meta_t *meta, unsigned char **out,
                  size_t *out_len, kh_diag_list_t *diags, const char *file);

/* Writes data to path through a temporary file in the same directory and
 * a rename, so a reader never sees half a file and a failure leaves the
 * previous file as it was. A symbolic link stays a link: the file it points
 * to is replaced (a dangling link is refused). "-" (standard output), a
 * character device (/dev/null), a FIFO and anything under /dev or /proc
 * (/dev/stdout) are written through in one write, never replaced; a
 * terminal, a directory, a block device or a socket is refused. Returns 0,
 * or -1 with an "io" diagnostic naming path. */
int kh_write_atomic(const char *path, const unsigned char *data, size_t len,
                    kh_diag_list_t *diags);

/* kh_write_atomic for n files that belong together (a plan's PDF and its
 * appendix files' PDFs): every file's data is first written to its
 * temporary file; only when all succeeded are they renamed into place
 * (and the written-through ones written), so a full disk or an unwritable
 * folder leaves every old file as it was. Renames that fail after others
 * succeeded are reported like any other. Returns 0 or -1 (diagnostics). */
int kh_write_atomic_all(const char *const *paths, const unsigned char *const *data,
                        const size_t *lens, size_t n, kh_diag_list_t *diags);

#endif
