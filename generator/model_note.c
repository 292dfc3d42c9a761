/* Footnotes in the model (GFM "text[^1]" and "[^1]: note").
 *
 * cmark-gfm (CMARK_OPT_FOOTNOTES) resolves the references of one parsed
 * document: a reference becomes a CMARK_NODE_FOOTNOTE_REFERENCE whose
 * literal is "N", N counting the document's notes in order of first
 * reference, and the referenced definitions are moved, in that order, to
 * the end of the document. A definition nothing refers to is dropped from
 * the tree; a reference to no definition stays text ("[^x]").
 *
 * The plan numbers its notes itself, 1, 2, … in order of first reference
 * through the whole plan (the body, then its appendices, also those read
 * from files of their own, which cmark numbers on their own): the Nth
 * definition of a document gets the plan's next number the first time one
 * of its references is read, and keeps it (GitHub prints the same number
 * at each reference to a note). The note's text is read once the
 * document's references are all numbered (before another document's are
 * read, or at the end), with the same walk as the body (model.c), into
 * the note's own block list: a reference inside a note then prints the
 * number of a note the text refers to, even further on.
 *
 * Diagnostics (rule footnote, docs/rules.md): a reference to no note is
 * an error where it stands (it would print as typed, "[^x]"); a note no
 * reference uses is a warning (its text does not print, as on GitHub). */
#include "model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

static char *S_label_at(const kh_mctx_t *c, int line);
static void S_fill(kh_mctx_t *c, size_t at);

/* Reads the text of the notes numbered but not read yet. */
static void S_fill_pending(kh_mctx_t *c)
{
    while (c->notes_filled < c->plan->nnotes)
        S_fill(c, c->notes_filled++);
}

/* Definitions the document keeps (something refers to them) that got no
 * number: referred to only from inside notes, so never printed. */
static void S_unnumbered(kh_mctx_t *c)
{
    for (size_t k = 0; k < c->nnote_defs; k++) {
        if (c->note_nums[k])
            continue;
        int line = kh_source_body_line(c->src, cmark_node_get_start_line(c->note_defs[k]));
        char *label = S_label_at(c, line);
        size_t len;
        const char *s = kh_source_line(c->src, line, &len);
        const char *at = s ? strstr(s, "[^") : NULL;
        int col = at && (size_t)(at - s) < len ? kh_source_col(c->src, line, (size_t)(at - s)) : 1;
        kh_buf_t b = {0};
        kh_buf_printf(&b, "[^%s]", label ? label : "");
        kh_mod_note_unused(c, line, col, b.data, b.len, false);
        kh_buf_free(&b);
        free(label);
    }
}

/* The definitions of the document ref belongs to, in cmark-gfm's order. */
static void S_defs_of(kh_mctx_t *c, cmark_node *ref)
{
    cmark_node *root = ref;
    while (cmark_node_parent(root))
        root = cmark_node_parent(root);
    if (root == c->note_root)
        return;
    S_fill_pending(c); /* the last document's, while its tree is here */
    S_unnumbered(c);
    c->note_root = root;
    c->nnote_defs = 0;
    for (cmark_node *n = cmark_node_first_child(root); n; n = cmark_node_next(n)) {
        if (cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_DEFINITION)
            continue;
        if (c->nnote_defs == c->cap_note_defs) {
            c->cap_note_defs = c->cap_note_defs ? 2 * c->cap_note_defs : 16;
            c->note_defs = realloc(c->note_defs, c->cap_note_defs * sizeof *c->note_defs);
            c->note_nums = realloc(c->note_nums, c->cap_note_defs * sizeof *c->note_nums);
            if (!c->note_defs || !c->note_nums)
                abort();
        }
        c->note_defs[c->nnote_defs] = n;
        c->note_nums[c->nnote_defs++] = 0;
    }
}

/* The label of the definition at file line:col ("[^label]:" on that line,
 * before the text cmark-gfm says it starts at). */
static char *S_label_at(const kh_mctx_t *c, int line)
{
    size_t len;
    const char *s = kh_source_line(c->src, line, &len);
    for (size_t i = 0; s && i + 2 < len; i++) {
        if (s[i] != '[' || s[i + 1] != '^')
            continue;
        size_t k = i + 2;
        while (k < len && s[k] != ']')
            k++;
        if (k < len)
            return strndup(s + i + 2, k - i - 2);
    }
    return strdup("");
}

/* Gives definition def the plan's next number: a note whose text is read
 * later (S_fill_pending), once the document's references are all
 * numbered, so that a note can print the number of a note referenced
 * after its own reference. */
static void S_number(kh_mctx_t *c, cmark_node *def, int num)
{
    kh_plan_t *p = c->plan;
    size_t cap = c->cap_notes;
    p->notes = kh_array_grow(p->notes, p->nnotes, &c->cap_notes, sizeof *p->notes, 8);
    if (c->cap_notes != cap || !c->note_wait) {
        c->note_wait = realloc(c->note_wait, c->cap_notes * sizeof *c->note_wait);
        if (!c->note_wait)
            abort();
    }
    size_t at = p->nnotes++;
    c->note_wait[at] = def;
    kh_note_t *note = &p->notes[at];
    memset(note, 0, sizeof *note);
    note->number = num;
    int line = kh_source_body_line(c->src, cmark_node_get_start_line(def));
    note->line = line;
    note->label = S_label_at(c, line);
    if (!note->label)
        abort();
    size_t len;
    const char *s = kh_source_line(c->src, line, &len);
    const char *l = s ? strstr(s, "[^") : NULL;
    note->col = l && (size_t)(l - s) < len ? kh_source_col(c->src, line, (size_t)(l - s)) : 1;
}

/* Reads note at's text from its definition: its blocks, the number in
 * front of the first. */
static void S_fill(kh_mctx_t *c, size_t at)
{
    kh_plan_t *p = c->plan;
    cmark_node *def = c->note_wait[at];
    int num = p->notes[at].number;
    kh_block_t *blocks = NULL;
    size_t nblocks = 0;
    c->in_note++;
    kh_mod_blocks_into(c, def, &blocks, &nblocks);
    c->in_note--;
    kh_note_t *note = &p->notes[at];
    /* the number, superscript, then a space, in front of the first
     * paragraph (Word's footnote); a note of no text is its number */
    kh_text_t first = {0};
    char n[16];
    snprintf(n, sizeof n, "%d", num);
    kh_mod_add_span(&first, n, strlen(n), KH_SPAN_SUP);
    kh_mod_add_span(&first, " ", 1, 0);
    if (nblocks && blocks[0].kind != KH_BLOCK_TABLE) {
        kh_text_t *t = &blocks[0].para.text;
        for (size_t i = 0; i < t->nspans; i++) {
            kh_mod_add_span(&first, t->spans[i].text, t->spans[i].len, t->spans[i].style);
            free(t->spans[i].text);
        }
        free(t->spans);
        blocks[0].kind = KH_BLOCK_PARAGRAPH;
        blocks[0].para.level = 0;
        blocks[0].para.text = first;
    } else {
        blocks = realloc(blocks, (nblocks + 1) * sizeof *blocks);
        if (!blocks)
            abort();
        memmove(blocks + 1, blocks, nblocks * sizeof *blocks);
        memset(blocks, 0, sizeof *blocks);
        blocks[0].kind = KH_BLOCK_PARAGRAPH;
        blocks[0].line = note->line, blocks[0].col = note->col;
        blocks[0].para.text = first;
        nblocks++;
    }
    for (size_t i = 0; i < nblocks; i++) {
        blocks[i].space_before = 0; /* a note's paragraphs follow on */
        if (blocks[i].kind == KH_BLOCK_TABLE)
            kh_mod_diag(c, blocks[i].line, blocks[i].col, KH_SEV_ERROR, "footnote",
                        "a table inside a footnote cannot be printed at the foot "
                        "of a page; put it in the body or an appendix");
    }
    note->blocks = blocks;
    note->nblocks = nblocks;
}

/* A reference to the document's definition k (known: there is one; lit:
 * what cmark-gfm left as its literal). */
static void S_ref(kh_mctx_t *c, kh_text_t *t, long k, bool known, const char *lit,
                  unsigned style, int line, int col)
{
    if (c->in_note) {
        /* a note's reference to a note the text refers to prints that
         * note's number; any other would need a note at the foot for a
         * note: printed as typed */
        if (known && c->note_nums[k]) {
            char n[16];
            snprintf(n, sizeof n, "%d", c->note_nums[k]);
            kh_mod_add_span(t, n, strlen(n), style | KH_SPAN_SUP);
            return;
        }
        /* cmark-gfm gave it its number: the label typed is the
         * definition's */
        char *label = known ? S_label_at(c, kh_source_body_line(c->src,
                                  cmark_node_get_start_line(c->note_defs[k])))
                            : NULL;
        kh_buf_t b = {0};
        kh_buf_printf(&b, "[^%s]", label ? label : lit ? lit : "");
        free(label);
        kh_mod_add_span(t, b.data, b.len, style);
        kh_mod_diag(c, line, col, KH_SEV_WARNING, "footnote",
                    "a footnote reference inside a footnote, to a note the text "
                    "does not refer to, is printed as typed (%s)", b.data);
        kh_buf_free(&b);
        return;
    }
    if (!known) { /* never: cmark numbered it */
        kh_mod_add_span(t, "[^?]", 4, style);
        kh_mod_diag(c, line, col, KH_SEV_ERROR, "footnote",
                    "no note [^%s] is defined", lit ? lit : "");
        return;
    }
    if (!c->note_nums[k]) {
        c->note_nums[k] = (int)c->plan->nnotes + 1;
        S_number(c, c->note_defs[k], c->note_nums[k]);
    }
    /* two references in a row read "1,2", not "12" */
    if (t->nspans && (t->spans[t->nspans - 1].style & KH_SPAN_NOTE))
        kh_mod_add_span(t, ",", 1, (style | KH_SPAN_SUP) & ~(unsigned)KH_SPAN_NOTE);
    char n[16];
    snprintf(n, sizeof n, "%d", c->note_nums[k]);
    kh_mod_add_span(t, n, strlen(n), style | KH_SPAN_SUP | KH_SPAN_NOTE);
}

void kh_mod_note_ref(kh_mctx_t *c, kh_text_t *t, cmark_node *ref,
                     unsigned style, int line, int col)
{
    const char *lit = cmark_node_get_literal(ref);
    S_defs_of(c, ref);
    long k = lit ? strtol(lit, NULL, 10) - 1 : -1;
    S_ref(c, t, k, k >= 0 && (size_t)k < c->nnote_defs, lit, style, line, col);
}

bool kh_mod_note_label(kh_mctx_t *c, kh_text_t *t, const char *label, size_t n,
                       unsigned style, int line, int col)
{
    S_defs_of(c, c->src->body_doc);
    for (size_t k = 0; k < c->nnote_defs; k++) {
        char *l = S_label_at(c, kh_source_body_line(c->src,
                                 cmark_node_get_start_line(c->note_defs[k])));
        bool same = l && strlen(l) == n && !strncasecmp(l, label, n);
        free(l);
        if (same) {
            S_ref(c, t, (long)k, true, NULL, style, line, col);
            return true;
        }
    }
    return false;
}

void kh_mod_note_unused(kh_mctx_t *c, int line, int col, const char *s, size_t n,
                        bool dup)
{
    if (dup) {
        kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_WARNING, "footnote",
                    "footnote %.*s is defined twice: the first definition is the "
                    "one printed, this one's text is not (GitHub does not show it "
                    "either); give it a label of its own, or delete it",
                    (int)(n < 60 ? n : 60), s);
        return;
    }
    kh_diag_add(c->diags, c->src->path, line, col, KH_SEV_WARNING, "footnote",
                "footnote %.*s is never referenced: its text is not printed "
                "(GitHub does not show it either); refer to it in the text, or "
                "delete it", (int)(n < 60 ? n : 60), s);
}

void kh_mod_notes_done(kh_mctx_t *c)
{
    S_fill_pending(c);
    S_unnumbered(c);
    free(c->note_wait);
    c->note_wait = NULL;
    free(c->note_defs);
    free(c->note_nums);
    c->note_defs = NULL;
    c->note_nums = NULL;
    c->nnote_defs = c->cap_note_defs = 0;
    c->note_root = NULL;
}

void kh_mod_notes_free(kh_plan_t *p)
{
    for (size_t i = 0; i < p->nnotes; i++) {
        kh_note_t *n = &p->notes[i];
        for (size_t k = 0; k < n->nblocks; k++)
            kh_mod_block_free(&n->blocks[k]);
        free(n->blocks);
        free(n->label);
    }
    free(p->notes);
}
