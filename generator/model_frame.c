/* The frame's wording: every word the header and the closing print
 * (spec decree30.md, "Header" and "Closing"), decided from the plan's front matter and the template's
 * spellings. The layout (layout.c, S_header, S_closing) only places the
 * finished lines: it chooses fonts, columns and breaks, never words.
 *
 * What is the decree's rule is written here (upper case for the issuing
 * bodies and the signer's office, the number after its label, the place
 * before the date); what is a format's spelling comes from the template:
 * header.number_label ("Số: "), closing.item_prefix ("- "),
 * closing.item_end (";") and closing.last_item_end ("."),
 * closing.archive_prefix ("Lưu: "), signer.authority_separator (". " of
 * "KT. GIÁM ĐỐC"), header.draft_blank. */
#include "model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "wording.h"

char *kh_date_line(const char *place, int year, int month, int day,
                   const char *blank)
{
    char *words = kh_date_words(year, month, day, blank), *line;
    if (asprintf(&line, "%s, %s", place, words) < 0)
        abort();
    free(words);
    return line;
}

char *kh_number_line(const char *label, const char *number, const char *doc_code,
                     const char *issuer_code, const char *blank)
{
    char *sym = kh_number_symbol(number, doc_code, issuer_code, blank), *line;
    if (asprintf(&line, "%s%s", label, sym) < 0)
        abort();
    free(sym);
    return line;
}

static char *S_cat(const char *a, const char *b, const char *c, const char *d)
{
    char *s;
    if (asprintf(&s, "%s%s%s%s", a, b, c, d) < 0)
        abort();
    return s;
}

static void S_push(char ***v, size_t *n, char *s)
{
    char **g = realloc(*v, (*n + 1) * sizeof **v);
    if (!g)
        abort();
    *v = g;
    g[(*n)++] = s;
}

/* The header (decree30.md, "Header"): the superior body and the issuer in
 * upper case, the number line, the place-date line. */
static void S_header(kh_plan_t *p, const kh_template_t *t)
{
    p->header_parent = p->parent ? kh_text_upper(p->parent) : NULL;
    p->header_issuer = kh_text_upper(p->issuer);
    p->number_line = kh_number_line(t->number_label, p->number, t->doc_code,
                                    p->issuer_code, t->draft_blank);
    p->place_date_line = kh_date_line(p->place, p->year, p->month, p->day,
                                      t->draft_blank);
}

/* The closing (decree30.md, "Closing"): the signer's office lines in
 * upper case ("KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC"; an acting head's one
 * line "Q. GIÁM ĐỐC"; without an authority the title alone); the
 * recipient lines, each "- item;", the archive last, "- Lưu: VT, TCHC.".
 * The signer's name prints as typed (plan->signer_name). */
static void S_closing(kh_plan_t *p, const kh_template_t *t)
{
    char *title = kh_text_upper(p->signer_title);
    if (p->authority && p->on_behalf_of) {
        char *up = kh_text_upper(p->on_behalf_of);
        S_push(&p->signer_lines, &p->nsigner_lines,
               S_cat(p->authority, t->authority_separator, up, ""));
        free(up);
    } else if (p->authority) {
        char *line = S_cat(p->authority, t->authority_separator, title, "");
        free(title);
        title = line;
    }
    S_push(&p->signer_lines, &p->nsigner_lines, title);
    for (size_t i = 0; i < p->nrecipients; i++)
        S_push(&p->recipient_lines, &p->nrecipient_lines,
               S_cat(t->item_prefix, p->recipients[i], t->item_end, ""));
    char *archive = S_cat(t->archive_prefix, p->archive, "", "");
    S_push(&p->recipient_lines, &p->nrecipient_lines,
           S_cat(t->item_prefix, archive, t->last_item_end, ""));
    free(archive);
}

void kh_mod_frame(kh_plan_t *p, const kh_template_t *t)
{
    S_header(p, t);
    S_closing(p, t);
}

void kh_mod_frame_free(kh_plan_t *p)
{
    free(p->header_parent);
    free(p->header_issuer);
    free(p->number_line);
    free(p->place_date_line);
    for (size_t i = 0; i < p->nsigner_lines; i++)
        free(p->signer_lines[i]);
    free(p->signer_lines);
    for (size_t i = 0; i < p->nrecipient_lines; i++)
        free(p->recipient_lines[i]);
    free(p->recipient_lines);
}
