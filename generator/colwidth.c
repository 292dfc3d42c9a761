/* Automatic table layout: see colwidth.h for the contract.
 *
 * While it works, a column's min, natural and wish_ hold widths of text
 * (no padding, no rule); the padding and rule of each column (ov) are added
 * once at the end. wish_ ≥ natural ≥ min throughout: wish_ is what header
 * text and spanning cells would like once the body has what it needs. */
#include "colwidth.h"

#include <math.h>

enum {
    HAS_BODY = 1, /* a non-empty one-column body cell */
    NOT_NUM = 2,  /* ... one of them has min < natural: it holds text */
    SETTLED = 4,  /* given its natural width in the share rounds */
};

/* Widths closer than this are equal: the caller's min and natural of a one-
 * word cell may come from different sums of the same glyph widths. */
#define EPS 0.01

/* NaN, negative and infinite → 0; above the cap → the cap. */
static double S_clamp(double x)
{
    if (!(x > 0) || isinf(x))
        return 0;
    return x > KH_COLWIDTH_MAX ? KH_COLWIDTH_MAX : x;
}

static double S_max(double a, double b) { return a > b ? a : b; }

/* Which columns of a spanning cell share its excess: pass 0 the text
 * columns that are not fixed, pass 1 the columns that are not fixed,
 * pass 2 all. */
static bool S_in_pass(const kh_colwidth_col_t *c, int pass)
{
    return pass == 2 || (!c->fixed && (pass == 1 || !c->numeric));
}

/* Adds excess to the min (to_min) or the wish_ of the n columns c, over the
 * first pass that has any (from pass 0 when text_first, else 1), in
 * proportion to their natural widths, equally if those are all 0; then
 * restores wish_ ≥ natural ≥ min. */
static void S_spread(kh_colwidth_col_t *c, int n, double excess, bool text_first,
                     bool to_min)
{
    int pass = text_first ? 0 : 1, count = 0;
    for (; pass < 2; pass++) {
        count = 0;
        for (int k = 0; k < n; k++)
            count += S_in_pass(&c[k], pass);
        if (count)
            break;
    }
    if (pass == 2)
        count = n;
    double sum = 0;
    for (int k = 0; k < n; k++)
        if (S_in_pass(&c[k], pass))
            sum += c[k].natural;
    for (int k = 0; k < n; k++) {
        if (!S_in_pass(&c[k], pass))
            continue;
        double add = sum > 0 ? excess * c[k].natural / sum : excess / count;
        if (to_min)
            c[k].min += add;
        else
            c[k].wish_ += add;
        c[k].natural = S_max(c[k].natural, c[k].min);
        c[k].wish_ = S_max(c[k].wish_, c[k].natural);
    }
}

/* Steps 1 and 2 of colwidth.h: the columns' min, natural and wish_ (text
 * widths) and their kind. */
static void S_measure(const kh_colwidth_cell_t *cells, size_t ncells,
                      kh_colwidth_col_t *cols, int ncols, double available,
                      double ov)
{
    for (int k = 0; k < ncols; k++) {
        kh_colwidth_col_t *c = &cols[k];
        c->min = c->natural = c->wish_ = c->width = 0;
        c->state_ = 0;
        c->fixed_too_small = false;
    }
    for (size_t i = 0; i < ncells; i++) {
        const kh_colwidth_cell_t *e = &cells[i];
        if (e->col < 0 || e->col >= ncols || (e->span > 1 && e->col < ncols - 1))
            continue;
        kh_colwidth_col_t *c = &cols[e->col];
        double m = S_clamp(e->min), n = S_max(S_clamp(e->natural), m);
        c->min = S_max(c->min, m);
        if (e->header) {
            c->wish_ = S_max(c->wish_, n); /* header natural, for now */
        } else if (n > 0) {
            c->state_ |= HAS_BODY;
            c->natural = S_max(c->natural, n);
            if (n - m > EPS)
                c->state_ |= NOT_NUM;
        }
    }
    for (int k = 0; k < ncols; k++) {
        kh_colwidth_col_t *c = &cols[k];
        /* "header words wrap before body text does": the header's natural
         * width is only a wish, in an empty column too (a timetable's
         * empty "Tháng 4" … columns get their header's min, no more than
         * the filled ones, while a text column wraps) */
        c->natural = S_max(c->natural, c->min);
        c->wish_ = S_max(c->wish_, c->natural);
        c->numeric = c->kind == KH_COLWIDTH_NUMERIC ||
                     (c->kind != KH_COLWIDTH_TEXT && (c->state_ & HAS_BODY) &&
                      !(c->state_ & NOT_NUM));
        double frac = S_clamp(c->fixed_frac);
        double fixed = c->fixed_pt > 0 ? S_clamp(c->fixed_pt)
                                       : (frac > 1 ? 1 : frac) * available;
        c->fixed = fixed > 0;
        c->width = fixed; /* the fixed box width, for now */
    }
    /* Spanning cells, in input order. Inside the cell, the inner rules
     * and paddings are text room: (span − 1) × ov. */
    for (size_t i = 0; i < ncells; i++) {
        const kh_colwidth_cell_t *e = &cells[i];
        if (e->col < 0 || e->col >= ncols || e->span <= 1 || e->col == ncols - 1)
            continue;
        int span = e->span > ncols - e->col ? ncols - e->col : e->span;
        kh_colwidth_col_t *c = &cols[e->col];
        double m = S_clamp(e->min), n = S_max(S_clamp(e->natural), m);
        double inner = (span - 1) * ov, mins = inner, wishes = inner;
        for (int k = 0; k < span; k++)
            mins += c[k].min;
        if (m > mins)
            S_spread(c, span, m - mins, false, true);
        for (int k = 0; k < span; k++)
            wishes += c[k].wish_;
        if (n > wishes)
            S_spread(c, span, n - wishes, true, false);
    }
}

/* Step 4 for the columns that are not fixed: text widths from the room B
 * (text width left for them), with Σmin ≤ B. */
static void S_share(kh_colwidth_col_t *cols, int ncols, double B)
{
    double sum_min = 0, sum_nat = 0, sum_wish = 0;
    int nauto = 0;
    for (int k = 0; k < ncols; k++) {
        const kh_colwidth_col_t *c = &cols[k];
        if (c->fixed)
            continue;
        nauto++;
        sum_min += c->min, sum_nat += c->natural, sum_wish += c->wish_;
    }
    if (nauto == 0)
        return;
    if (sum_nat <= B) {
        /* Every body cell on one line; then the headers' and spanning
         * cells' wishes; then the rest to the text columns. */
        double left = B - sum_nat, want = sum_wish - sum_nat;
        double t = want <= left ? 1 : left / want;
        left = want <= left ? left - want : 0;
        int ntext = 0;
        double text_nat = 0;
        for (int k = 0; k < ncols; k++) {
            kh_colwidth_col_t *c = &cols[k];
            if (c->fixed)
                continue;
            c->width = c->natural + (c->wish_ - c->natural) * t;
            if (!c->numeric)
                ntext++, text_nat += c->natural;
        }
        if (!(left > 0))
            return;
        bool all = ntext == 0; /* no text column: every column grows */
        if (all)
            text_nat = sum_nat, ntext = nauto;
        for (int k = 0; k < ncols; k++) {
            kh_colwidth_col_t *c = &cols[k];
            if (c->fixed || (!all && c->numeric))
                continue;
            c->width += text_nat > 0 ? left * c->natural / text_nat : left / ntext;
        }
        return;
    }
    /* The natural widths do not fit. A column whose natural width is at
     * most an equal share of the room still to give takes it: every other
     * column keeps at least that share on average, so it starves no one,
     * and short columns (a month, a unit) stay whole. Settling one only
     * raises the share of the rest, so a round may settle several; the
     * rounds end when one settles none. The room must still hold every
     * other column's min (slack). */
    double room = B, slack = B - sum_min;
    int left = nauto;
    for (bool again = true; again && left > 0;) {
        again = false;
        double share = room / left;
        for (int k = 0; k < ncols; k++) {
            kh_colwidth_col_t *c = &cols[k];
            if (c->fixed || (c->state_ & SETTLED))
                continue;
            double need = c->natural - c->min;
            if (c->natural <= share && need <= slack) {
                c->state_ |= SETTLED;
                c->width = c->natural;
                room -= c->natural, slack -= need, left--;
                again = true;
            }
        }
    }
    /* CSS 2.1 §17.5.2.2 / HTML 4 B.5.2 for the rest: each gets its min and
     * the room above the mins in proportion to what it lacks. */
    double lack = 0, mins = 0;
    for (int k = 0; k < ncols; k++) {
        const kh_colwidth_col_t *c = &cols[k];
        if (!c->fixed && !(c->state_ & SETTLED))
            lack += c->natural - c->min, mins += c->min;
    }
    double r = lack > 0 ? (room - mins) / lack : 0;
    r = r < 0 ? 0 : r > 1 ? 1 : r;
    for (int k = 0; k < ncols; k++) {
        kh_colwidth_col_t *c = &cols[k];
        if (!c->fixed && !(c->state_ & SETTLED))
            c->width = c->min + (c->natural - c->min) * r;
    }
}

kh_colwidth_result_t kh_colwidth(const kh_colwidth_cell_t *cells, size_t ncells,
                                 kh_colwidth_col_t *cols, int ncols,
                                 const kh_colwidth_frame_t *frame)
{
    kh_colwidth_result_t res = {0, 0, 0};
    if (ncols <= 0 || !cols)
        return res;
    if (!cells)
        ncells = 0;
    double available = frame ? S_clamp(frame->available) : 0;
    double ov = frame ? S_clamp(frame->padding) + S_clamp(frame->rule) : 0;
    S_measure(cells, ncells, cols, ncols, available, ov);

    /* Box widths from here: text + ov. */
    double sum_min = 0, sum_fixed = 0, fixed_extra = 0, auto_min = 0;
    int nauto = 0;
    for (int k = 0; k < ncols; k++) {
        kh_colwidth_col_t *c = &cols[k];
        c->min += ov, c->natural += ov, c->wish_ += ov;
        sum_min += c->min;
        if (c->fixed) {
            if (c->width < c->min - EPS)
                c->fixed_too_small = true, res.too_small++;
            c->width = S_max(c->width, c->min);
            sum_fixed += c->width, fixed_extra += c->width - c->min;
        } else {
            nauto++, auto_min += c->min;
        }
    }
    if (sum_min >= available) {
        /* Every column at its min, the fixed ones too. */
        for (int k = 0; k < ncols; k++)
            cols[k].width = cols[k].min;
        res.overflow = sum_min - available;
    } else if (sum_fixed + auto_min > available) {
        /* The fixed widths leave the other columns less than their mins:
         * those get their mins, the fixed ones shrink towards theirs. */
        double t = (available - sum_min) / fixed_extra;
        for (int k = 0; k < ncols; k++) {
            kh_colwidth_col_t *c = &cols[k];
            c->width = c->fixed ? c->min + (c->width - c->min) * t : c->min;
        }
    } else {
        for (int k = 0; k < ncols; k++) {
            kh_colwidth_col_t *c = &cols[k];
            if (!c->fixed)
                c->min -= ov, c->natural -= ov, c->wish_ -= ov;
        }
        S_share(cols, ncols, available - sum_fixed - nauto * ov);
        for (int k = 0; k < ncols; k++) {
            kh_colwidth_col_t *c = &cols[k];
            if (!c->fixed)
                c->min += ov, c->natural += ov, c->wish_ += ov, c->width += ov;
        }
    }
    for (int k = 0; k < ncols; k++)
        res.total += cols[k].width;
    return res;
}
