/* The signer's images for electronic signing (spec appendix-esign.md §4,
 * decree PL I Mục II.7.d, II.8.a): the model holds them decoded, so that
 * the layout can make room for the seal and pdf.c can draw both; image.c
 * reads and checks them. Paths are relative to the plan (kh_image_path).
 * validate.c gives the same diagnostics first (the same calls), so these
 * only repeat for a file changed in between. */
#include "model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kh_image_t *S_image(kh_mctx_t *c, const kh_node_t *sg, const char *key,
                           const char *shown)
{
    const kh_node_t *v = kh_node_get(sg, key);
    if (!v || v->kind != KH_NODE_SCALAR || !v->text[0] || c->src->in_memory)
        return NULL; /* validate.c reports an in-memory plan's */
    char *path = kh_image_path(c->src, v->text);
    size_t before = c->diags->errors;
    kh_image_t *img = kh_image_load(path, shown, c->src->path, v->line, v->col,
                                    c->diags);
    free(path);
    if (c->diags->errors != before)
        c->ok = false;
    return img;
}

void kh_mod_esign_signer(kh_mctx_t *c, const kh_node_t *sg, const char *path,
                         kh_issuer_t *o)
{
    if (!sg || sg->kind != KH_NODE_MAP)
        return;
    char key[64];
    snprintf(key, sizeof key, "%s.signature_image", path);
    o->signature_image = S_image(c, sg, "signature_image", key);
    snprintf(key, sizeof key, "%s.seal_image", path);
    o->seal_image = S_image(c, sg, "seal_image", key);
    const kh_node_t *mm = kh_node_get(sg, "seal_mm");
    if (!o->seal_image)
        return;
    /* seal_mm (the schema bounds it) over the PNG's own size */
    o->seal_mm = mm && mm->kind == KH_NODE_SCALAR ? strtod(mm->text, NULL)
                                                 : o->seal_image->mm_w;
    if (!(o->seal_mm >= 20 && o->seal_mm <= 50)) {
        const kh_node_t *v = kh_node_get(sg, "seal_image");
        kh_diag_add(c->diags, c->src->path, v->line, v->col, KH_SEV_ERROR,
                    "esign-seal-size", "%s: the seal's real size is unknown or not "
                    "20 to 50 mm: give %s.seal_mm", key, path);
        c->ok = false;
    }
}
