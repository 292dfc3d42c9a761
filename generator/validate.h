/* Stage 2, validate: checks a loaded plan against its type's schema and
 * the rules a schema cannot say (real dates, drafts, the signer's
 * authority, heading structure, quotes, glyph coverage). render refuses
 * exactly what this reports as an error. Rule ids: docs/rules.md. */
#ifndef KH_VALIDATE_H
#define KH_VALIDATE_H

#include "diag.h"
#include "font.h"
#include "load.h"
#include "schema.h"
#include "template.h"

/* Adds diagnostics for src. fonts are the template's, for glyph coverage. */
void kh_validate_plan(const kh_source_t *src, const kh_schema_t *schema,
                      const kh_template_t *tpl, kh_font_t *fonts[KH_FONT_COUNT],
                      kh_diag_list_t *diags);

/* The body rules (headings, quotes, glyphs) on the appendix files of src
 * (kh_source_load_appendices), each at its own positions. */
void kh_validate_appendix_files(const kh_source_t *src, const kh_template_t *tpl,
                                kh_font_t *fonts[KH_FONT_COUNT],
                                kh_diag_list_t *diags);

#endif
