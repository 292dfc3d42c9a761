/* The signer's images for electronic signing (spec appendix-esign.md §4,
 * decree PL I Mục II.7.d, II.8.a): the model holds them decoded, so that
 * the layout can make room for the seal and pdf.c can draw both; image.c
 * reads and checks them. Paths are relative to the plan (kh_image_path).
 * validate.c gives the same diagnostics first (the same calls), so these
 * only repeat for a file changed in between. */
#include "model_internal.h"

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

void kh_mod_esign(kh_mctx_t *c)
{
    const kh_node_t *sg = kh_node_get(c->src->front, "signer");
    if (!sg || sg->kind != KH_NODE_MAP)
        return;
    kh_plan_t *p = c->plan;
    p->signature_image = S_image(c, sg, "signature_image", "signer.signature_image");
    p->seal_image = S_image(c, sg, "seal_image", "signer.seal_image");
    const kh_node_t *mm = kh_node_get(sg, "seal_mm");
    if (!p->seal_image)
        return;
    /* seal_mm (the schema bounds it) over the PNG's own size */
    p->seal_mm = mm && mm->kind == KH_NODE_SCALAR ? strtod(mm->text, NULL)
                                                 : p->seal_image->mm_w;
    if (!(p->seal_mm >= 20 && p->seal_mm <= 50)) {
        const kh_node_t *v = kh_node_get(sg, "seal_image");
        kh_mod_diag(c, v->line, v->col, KH_SEV_ERROR, "esign-seal-size",
                    "signer.seal_image: the seal's real size is unknown or not "
                    "20 to 50 mm: give signer.seal_mm%s", "");
    }
}

void kh_mod_esign_free(kh_plan_t *p)
{
    kh_image_free(p->signature_image);
    kh_image_free(p->seal_image);
}
