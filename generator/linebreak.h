/* Optimal-fit paragraph breaking (Knuth & Plass, "Breaking paragraphs into
 * lines", 1981), without hyphenation: Vietnamese breaks only at spaces. */
#ifndef KH_LINEBREAK_H
#define KH_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { KH_LB_BOX, KH_LB_GLUE, KH_LB_PENALTY } kh_lb_kind_t;

/* A penalty at least this large forbids a break, at most its negation
 * forces one. */
#define KH_LB_INFINITY 10000.0

typedef struct {
    kh_lb_kind_t kind;
    double width, stretch, shrink; /* glue: all three; box: width */
    double penalty;                /* penalty items */
} kh_lb_item_t;

typedef struct {
    size_t end;   /* index of the item the line breaks at */
    double ratio; /* adjustment ratio: >0 stretched, <0 shrunk */
} kh_lb_line_t;

/* A penalty at least this large (and below KH_LB_INFINITY) is a rescue
 * break: inside a URL or a word wider than the line, or at a spaced dash.
 * It is only considered when no layout exists without rescue breaks. */
#define KH_LB_RESCUE 500.0

/* A penalty at least this large (and below KH_LB_INFINITY) is a last
 * resort: only the emergency pass considers it, where it competes with
 * lines stretched past the tolerance (a line stretched to r ≈ 4.5 costs
 * as much). A kept blank ("số      /QĐ-UBND", a space left to fill in)
 * is one: a very loose line is better than a blank split from its
 * words. */
#define KH_LB_LAST_RESORT 9500.0

/* Breaks items (ending in a forced break) into lines of width line_width.
 * Returns the number of lines written to lines (caller allocates n entries:
 * there are never more lines than items). Tries tolerances 1, 2 without
 * rescue breaks, 2 with them (not the last-resort ones), then an emergency
 * pass that also takes last-resort breaks and accepts overfull lines so a
 * result always exists. */
size_t kh_linebreak(const kh_lb_item_t *items, size_t n, double line_width,
                    kh_lb_line_t *lines);

/* The same for ragged-right text (table cells): a short line costs
 * nothing, so lines are filled and only their number counts; the ratio of
 * a line that is not overfull is 0. */
size_t kh_linebreak_ragged(const kh_lb_item_t *items, size_t n,
                           double line_width, kh_lb_line_t *lines);

#endif
