/* TrueType fonts: metrics for layout, and a subset of the glyphs a
 * document used, for embedding. */
#ifndef KH_FONT_H
#define KH_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef struct kh_font kh_font_t;

/* Loads a TrueType file. NULL with a diagnostic naming the file when it is
 * missing, unreadable or not a usable TrueType font. */
kh_font_t *kh_font_load(const char *path, kh_diag_list_t *diags);
void kh_font_free(kh_font_t *font);

/* Glyph for a code point; 0 (.notdef) when the font has none. */
uint16_t kh_font_glyph(kh_font_t *font, uint32_t cp);

/* Advance width of a glyph in 1/1000 em (PDF glyph space). */
double kh_font_advance(const kh_font_t *font, uint16_t gid);

/* Width of UTF-8 text at size pt. */
double kh_font_text_width(kh_font_t *font, const char *s, size_t n,
                          double size);

/* Forgets the glyphs used so far (before the next document). */
void kh_font_reset_used(kh_font_t *font);

/* Marks a glyph as used, with the code point it stands for (ToUnicode). */
void kh_font_use(kh_font_t *font, uint16_t gid, uint32_t cp);

/* Facts for the PDF font descriptor, in 1/1000 em. */
typedef struct {
    const char *postscript_name;
    double ascent, descent, cap_height, italic_angle, stem_v;
    double bbox[4];
    bool italic, fixed_pitch;
} kh_font_info_t;
void kh_font_info(const kh_font_t *font, kh_font_info_t *info);

/* Iterates the used glyphs in order: start with *gid = 0 and call until it
 * returns false. */
bool kh_font_next_used(const kh_font_t *font, uint16_t *gid, uint32_t *cp);

/* Builds a TrueType file holding only the used glyphs (and the components
 * of composite ones); glyph ids are kept, so the PDF can use them as CIDs
 * with an identity map. Hinting is dropped: it does nothing in print.
 * *out is malloc'd. Returns 0, or -1 when the font data is inconsistent. */
int kh_font_subset(kh_font_t *font, unsigned char **out, size_t *out_len);

/* A tag for the subset's name ("ABCDEF"), the same for the same glyphs. */
void kh_font_subset_tag(const kh_font_t *font, char tag[7]);

#endif
