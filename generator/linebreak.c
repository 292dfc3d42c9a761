/* Knuth–Plass line breaking.
 *
 * The paragraph is a list of boxes (words), glue (spaces that may stretch
 * and shrink) and penalties (forced breaks). A line may end at a glue that
 * follows a box, or at a penalty. For every such breakpoint the algorithm
 * keeps the best way to reach it from each still-active earlier breakpoint,
 * scoring lines by demerits = (line penalty + 100·|r|³)² where r is how far
 * the line's glue had to stretch or shrink; a jump between very loose and
 * very tight neighbouring lines costs extra. The cheapest path to the final
 * forced break is the answer: whole-paragraph optimal spacing, where a
 * greedy breaker (Word, LibreOffice) only looks at one line at a time.
 *
 * Cost is O(breakpoints × active nodes); active nodes stay few because a
 * node dies once a line from it would have to shrink past its limit.
 * Memory stays proportional to the live nodes, not to the paragraph: a node
 * counts its references (being active, and each later node whose best
 * path goes through it) and returns to a free list when the last goes, so
 * a paragraph of millions of words keeps only the paths still in play. */
#include "linebreak.h"

#include <math.h>
#include <stdlib.h>

#define KH_LB_LINE_PENALTY 10.0
#define KH_LB_FITNESS_DEMERITS 3000.0 /* adjacent lines in far fitness classes */
#define KH_LB_OVERFULL_DEMERITS 1e10

typedef struct kh_lb_node {
    size_t pos;
    int fitness;
    double width, stretch, shrink; /* running sums after the break */
    double demerits, ratio;
    struct kh_lb_node *prev, *next_active; /* next_active: free-list link too */
    size_t lines;
    unsigned refs; /* active (1) + nodes whose prev is this one */
} kh_lb_node_t;

/* Nodes come from blocks of this many, kept until the end of the run. */
#define KH_LB_BLOCK 256

typedef struct {
    const kh_lb_item_t *items;
    size_t n;
    double line_width;
    bool ragged; /* see kh_linebreak_ragged */
    int rescue; /* breaks allowed: 0 plain, 1 also rescue breaks, 2 also
                   last-resort ones (KH_LB_RESCUE, KH_LB_LAST_RESORT) */
    double w, y, z; /* running sums up to the current item */
    kh_lb_node_t *active;
    kh_lb_node_t *free;   /* released nodes, linked by next_active */
    kh_lb_node_t **blocks; /* every block of KH_LB_BLOCK nodes, for freeing */
    size_t nblocks, capblocks, used; /* used: nodes handed out of the last block */
} kh_lb_t;

/* A node from the free list or the current block; the caller fills it. */
static kh_lb_node_t *S_node(kh_lb_t *s)
{
    kh_lb_node_t *nd = s->free;
    if (nd) {
        s->free = nd->next_active;
        return nd;
    }
    if (!s->nblocks || s->used == KH_LB_BLOCK) {
        if (s->nblocks == s->capblocks) {
            s->capblocks = s->capblocks ? s->capblocks * 2 : 8;
            kh_lb_node_t **b = realloc(s->blocks, s->capblocks * sizeof *b);
            if (!b)
                abort();
            s->blocks = b;
        }
        if (!(s->blocks[s->nblocks++] = malloc(KH_LB_BLOCK * sizeof **s->blocks)))
            abort();
        s->used = 0;
    }
    return &s->blocks[s->nblocks - 1][s->used++];
}

/* Drops one reference to nd; a node nobody refers to goes back to the
 * free list and drops its reference to its predecessor, and so on. */
static void S_release(kh_lb_t *s, kh_lb_node_t *nd)
{
    while (nd && --nd->refs == 0) {
        kh_lb_node_t *prev = nd->prev;
        nd->next_active = s->free;
        s->free = nd;
        nd = prev;
    }
}

static int S_fitness(double r)
{
    return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1.0 ? 2 : 3;
}

/* Sums after breaking at b: the glue and penalties that vanish at a line
 * start are skipped. */
static void S_after(const kh_lb_t *s, size_t b, double *w, double *y, double *z)
{
    *w = s->w, *y = s->y, *z = s->z;
    for (size_t i = b; i < s->n; i++) {
        const kh_lb_item_t *it = &s->items[i];
        if (it->kind == KH_LB_BOX)
            break;
        if (it->kind == KH_LB_GLUE)
            *w += it->width, *y += it->stretch, *z += it->shrink;
        else if (it->penalty <= -KH_LB_INFINITY && i > b)
            break;
    }
}

/* Lengths closer than this (pt) are equal: a line's length is a running
 * sum of box widths, and the measure it is compared with is often the same
 * widths summed in another order (a table column given exactly its widest
 * word). Without it "95,8%" in a column of its own width was overfull by
 * a rounding error and went to the emergency pass: an empty line, then the
 * word, a row twice as tall. */
#define KH_LB_EPS 1e-6

static double S_ratio(const kh_lb_t *s, const kh_lb_node_t *a, double extra)
{
    double len = s->w - a->width + extra;
    if (fabs(len - s->line_width) < KH_LB_EPS)
        return 0;
    if (len < s->line_width && s->ragged)
        return 0;
    if (len < s->line_width) {
        double y = s->y - a->stretch;
        return y > 0 ? (s->line_width - len) / y : KH_LB_INFINITY;
    }
    if (len > s->line_width) {
        double z = s->z - a->shrink;
        return z > 0 ? (s->line_width - len) / z : -KH_LB_INFINITY;
    }
    return 0;
}

typedef struct {
    double demerits, ratio;
    kh_lb_node_t *from;
} kh_lb_best_t;

/* Examines breakpoint b against every active node; adds the best new
 * nodes, deactivates nodes that can no longer reach any break. */
static void S_try_break(kh_lb_t *s, size_t b, double tolerance, bool emergency)
{
    const kh_lb_item_t *it = &s->items[b];
    double pen = it->kind == KH_LB_PENALTY ? it->penalty : 0;
    double extra = it->kind == KH_LB_PENALTY ? it->width : 0;
    bool forced = pen <= -KH_LB_INFINITY;
    kh_lb_best_t best[4] = {{INFINITY, 0, NULL}, {INFINITY, 0, NULL},
                            {INFINITY, 0, NULL}, {INFINITY, 0, NULL}};
    /* deactivated nodes are released only after the new nodes have taken
     * their references (one of them may be the emergency line's start) */
    kh_lb_node_t **link = &s->active, *last_dead = NULL, *dead = NULL;
    double last_dead_ratio = 0;
    while (*link) {
        kh_lb_node_t *a = *link;
        double r = S_ratio(s, a, extra);
        if (r < -1 || forced) { /* a can reach no later break */
            *link = a->next_active;
            a->next_active = dead;
            dead = a;
            last_dead = a;
            last_dead_ratio = r;
        } else {
            link = &a->next_active;
        }
        if (r >= -1 && r <= tolerance) {
            double bad = 100 * pow(fabs(r), 3);
            double d = pow(KH_LB_LINE_PENALTY + bad, 2);
            if (pen >= 0)
                d += pen * pen;
            else if (!forced)
                d -= pen * pen;
            int f = S_fitness(r);
            if (a->prev && abs(f - a->fitness) > 1)
                d += KH_LB_FITNESS_DEMERITS;
            d += a->demerits;
            if (d < best[f].demerits)
                best[f] = (kh_lb_best_t){d, r, a};
        }
    }
    bool any = false;
    for (int f = 0; f < 4; f++)
        any |= best[f].from != NULL;
    if (!any && !s->active && emergency && last_dead) {
        /* Nothing fits: take the overfull (or underfull) line rather than
         * fail. A word wider than the line ends up here. */
        best[1] = (kh_lb_best_t){last_dead->demerits + KH_LB_OVERFULL_DEMERITS,
                                 last_dead_ratio < -1 ? -1 : last_dead_ratio,
                                 last_dead};
    }
    double w, y, z;
    S_after(s, b, &w, &y, &z);
    for (int f = 0; f < 4; f++) {
        if (!best[f].from)
            continue;
        kh_lb_node_t *nd = S_node(s);
        *nd = (kh_lb_node_t){b, f, w, y, z, best[f].demerits, best[f].ratio,
                             best[f].from, s->active, best[f].from->lines + 1, 1};
        best[f].from->refs++;
        s->active = nd;
    }
    while (dead) {
        kh_lb_node_t *next = dead->next_active;
        S_release(s, dead);
        dead = next;
    }
}

static bool S_is_break(const kh_lb_item_t *items, size_t i, int rescue)
{
    if (items[i].kind == KH_LB_PENALTY)
        return items[i].penalty < (rescue == 2   ? KH_LB_INFINITY
                                   : rescue == 1 ? KH_LB_LAST_RESORT
                                                 : KH_LB_RESCUE);
    return items[i].kind == KH_LB_GLUE && i > 0 && items[i - 1].kind == KH_LB_BOX;
}

static kh_lb_node_t *S_run(kh_lb_t *s, double tolerance, bool emergency)
{
    s->w = s->y = s->z = 0;
    kh_lb_node_t *start = S_node(s);
    *start = (kh_lb_node_t){.fitness = 1, .refs = 1};
    s->active = start;
    for (size_t i = 0; i < s->n && s->active; i++) {
        const kh_lb_item_t *it = &s->items[i];
        if (S_is_break(s->items, i, s->rescue))
            S_try_break(s, i, tolerance, emergency);
        if (it->kind == KH_LB_BOX)
            s->w += it->width;
        else if (it->kind == KH_LB_GLUE)
            s->w += it->width, s->y += it->stretch, s->z += it->shrink;
    }
    kh_lb_node_t *best = NULL;
    for (kh_lb_node_t *a = s->active; a; a = a->next_active)
        if (a->pos == s->n - 1 && (!best || a->demerits < best->demerits))
            best = a;
    return best;
}

/* Releases every node still active (the end of a pass). */
static void S_release_active(kh_lb_t *s)
{
    while (s->active) {
        kh_lb_node_t *a = s->active;
        s->active = a->next_active;
        S_release(s, a);
    }
}

static size_t S_linebreak(const kh_lb_item_t *items, size_t n, double line_width,
                          bool ragged, kh_lb_line_t *lines)
{
    if (n == 0)
        return 0;
    kh_lb_t s = {.items = items, .n = n, .line_width = line_width, .ragged = ragged};
    /* tolerance, breaks allowed (S_is_break): the last pass is the
     * emergency */
    static const struct {
        double tolerance;
        int rescue;
    } passes[] = {{1.0, 0}, {2.0, 0}, {2.0, 1}, {KH_LB_INFINITY, 2}};
    kh_lb_node_t *best = NULL;
    for (size_t pass = 0; pass < 4 && !best; pass++) {
        s.rescue = passes[pass].rescue;
        best = S_run(&s, passes[pass].tolerance, pass == 3);
        if (!best)
            S_release_active(&s);
    }
    size_t count = 0;
    if (best) {
        count = best->lines;
        size_t k = count;
        for (kh_lb_node_t *nd = best; nd->prev; nd = nd->prev)
            lines[--k] = (kh_lb_line_t){nd->pos, nd->ratio};
    }
    for (size_t i = 0; i < s.nblocks; i++)
        free(s.blocks[i]);
    free(s.blocks);
    return count;
}

size_t kh_linebreak(const kh_lb_item_t *items, size_t n, double line_width,
                    kh_lb_line_t *lines)
{
    return S_linebreak(items, n, line_width, false, lines);
}

size_t kh_linebreak_ragged(const kh_lb_item_t *items, size_t n,
                           double line_width, kh_lb_line_t *lines)
{
    return S_linebreak(items, n, line_width, true, lines);
}
