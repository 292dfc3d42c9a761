/* Unit tests of generator/colwidth.c (automatic table column widths) on
 * the tables of issue 10, with widths as Liberation Serif measures them at
 * 13 pt (about 6 pt a letter). Prints one "PASS name" / "FAIL name: why"
 * line per check, like tests/unit.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colwidth.h"

static int failures;

static void check(int ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static void check(int ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        printf("PASS %s\n", name);
        return;
    }
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    printf("FAIL %s: %s\n", name, detail);
    failures++;
}

static bool near(double a, double b) { return fabs(a - b) < 1e-6; }

/* A4 portrait text width (210 mm − 30 − 20 mm margins) and landscape. */
#define PORTRAIT 453.5
#define LANDSCAPE 697.3
#define PAD 8.0  /* 4 pt each side */
#define RULE 0.5
#define OV (PAD + RULE)

static const kh_colwidth_frame_t portrait = {PORTRAIT, PAD, RULE};
static const kh_colwidth_frame_t landscape = {LANDSCAPE, PAD, RULE};

#define CELL(c, s, m, n, h) ((kh_colwidth_cell_t){(c), (s), (m), (n), (h)})

static void test_stt(void)
{
    /* STT | Nội dung: numbers 1–12, paragraphs of a few lines. */
    kh_colwidth_cell_t cells[32];
    size_t n = 0;
    cells[n++] = CELL(0, 1, 20.2, 20.2, true);  /* "STT" */
    cells[n++] = CELL(1, 1, 48.0, 48.0, true);  /* "Nội dung" */
    for (int r = 1; r <= 12; r++) {
        double w = r < 10 ? 6.5 : 13.0;
        cells[n++] = CELL(0, 1, w, w, false);
        cells[n++] = CELL(1, 1, 71.5, 900.0 + 40 * r, false);
    }
    kh_colwidth_col_t cols[2] = {0};
    kh_colwidth_result_t res = kh_colwidth(cells, n, cols, 2, &portrait);
    check(cols[0].numeric && !cols[1].numeric, "colwidth: STT inferred numeric, content text",
          "%d %d", cols[0].numeric, cols[1].numeric);
    check(near(cols[0].width, 20.2 + OV), "colwidth: STT stays as narrow as its header word",
          "STT %.2f", cols[0].width);
    check(near(res.total, PORTRAIT) && res.overflow == 0,
          "colwidth: STT + text fills the text width", "total %.2f", res.total);

    /* Short text: everything fits; the room goes to the text, not STT. */
    for (size_t i = 0; i < n; i++)
        if (cells[i].col == 1 && !cells[i].header)
            cells[i].natural = 150;
    res = kh_colwidth(cells, n, cols, 2, &portrait);
    check(near(cols[0].width, 20.2 + OV) && near(res.total, PORTRAIT),
          "colwidth: short text, STT still narrow, text takes the rest",
          "STT %.2f total %.2f", cols[0].width, res.total);
}

static void test_scoring(void)
{
    /* STT | Nội dung, tiêu chí đánh giá | Điểm tối đa | Tài liệu kiểm chứng:
     * the 4-column scoring table that gave its longest column the least. */
    kh_colwidth_cell_t cells[64];
    size_t n = 0;
    cells[n++] = CELL(0, 1, 20.2, 20.2, true);
    cells[n++] = CELL(1, 1, 50.6, 160.0, true);
    cells[n++] = CELL(2, 1, 30.3, 62.1, true);  /* "Điểm" / "Điểm tối đa" */
    cells[n++] = CELL(3, 1, 49.0, 118.0, true);
    for (int r = 0; r < 15; r++) {
        cells[n++] = CELL(0, 1, 6.5, 6.5, false);
        cells[n++] = CELL(1, 1, 66.0, 1500.0 + 30 * r, false);
        cells[n++] = CELL(2, 1, 13.0, 13.0, false);
        cells[n++] = CELL(3, 1, 58.0, 700.0 + 10 * r, false);
    }
    kh_colwidth_col_t cols[4] = {0};
    kh_colwidth_result_t res = kh_colwidth(cells, n, cols, 4, &portrait);
    check(cols[1].width > cols[3].width && cols[3].width > cols[2].width &&
              cols[2].width >= cols[0].width,
          "colwidth: scoring table, the longest column gets the most",
          "%.1f %.1f %.1f %.1f", cols[0].width, cols[1].width, cols[2].width, cols[3].width);
    check(cols[1].width > 0.5 * PORTRAIT, "colwidth: scoring table, criteria column over half",
          "%.1f", cols[1].width);
    check(near(cols[2].width, 30.3 + OV), "colwidth: scoring table, 'Điểm tối đa' wraps its header",
          "%.2f", cols[2].width);
    check(near(res.total, PORTRAIT), "colwidth: scoring table fills the width", "%.2f", res.total);
}

/* Nội dung + 8 columns of 9-digit amounts (bold "123.456.789"). */
static size_t budget_cells(kh_colwidth_cell_t *cells)
{
    size_t n = 0;
    cells[n++] = CELL(0, 1, 48.0, 48.0, true);
    for (int k = 1; k <= 8; k++)
        cells[n++] = CELL(k, 1, 36.0, 70.0, true); /* "Năm 2025" over two lines */
    for (int r = 0; r < 20; r++) {
        cells[n++] = CELL(0, 1, 62.0, 380.0 + 11 * r, false);
        for (int k = 1; k <= 8; k++) {
            double w = r % 3 ? 58.5 : 44.0; /* 123.456.789 / 1.234.567 */
            cells[n++] = CELL(k, 1, w, w, false);
        }
    }
    return n;
}

static void test_budget(void)
{
    kh_colwidth_cell_t cells[256];
    size_t n = budget_cells(cells);
    kh_colwidth_col_t cols[9] = {0};
    kh_colwidth_result_t res = kh_colwidth(cells, n, cols, 9, &landscape);
    int whole = 1;
    for (int k = 1; k <= 8; k++)
        whole = whole && cols[k].numeric && near(cols[k].width, 58.5 + OV);
    check(whole, "colwidth: 8 amount columns exactly as wide as their widest amount",
          "%.2f", cols[1].width);
    check(near(cols[0].width, LANDSCAPE - 8 * (58.5 + OV)) && res.overflow == 0,
          "colwidth: the text column gets the rest", "%.2f", cols[0].width);

    /* The same table on a portrait page: the minimums do not fit. */
    res = kh_colwidth(cells, n, cols, 9, &portrait);
    double sum_min = 62.0 + OV + 8 * (58.5 + OV);
    int at_min = 1;
    for (int k = 0; k < 9; k++)
        at_min = at_min && near(cols[k].width, cols[k].min);
    check(at_min && near(res.overflow, sum_min - PORTRAIT) && near(res.total, sum_min),
          "colwidth: overflow reported, every column at its min",
          "overflow %.2f want %.2f", res.overflow, sum_min - PORTRAIT);
}

static void test_month(void)
{
    /* TT | Nội dung | Thời gian | Đơn vị chủ trì */
    kh_colwidth_cell_t cells[64];
    size_t n = 0;
    cells[n++] = CELL(0, 1, 13.7, 13.7, true);
    cells[n++] = CELL(1, 1, 48.0, 48.0, true);
    cells[n++] = CELL(2, 1, 32.5, 54.9, true); /* "Thời gian" */
    cells[n++] = CELL(3, 1, 36.1, 85.2, true); /* "Đơn vị chủ trì" */
    const double month_min = 42.3, month_nat = 77.4; /* "12/2025", "Tháng 12/2025" */
    for (int r = 0; r < 10; r++) {
        cells[n++] = CELL(0, 1, 6.5, 6.5, false);
        cells[n++] = CELL(1, 1, 70.0, 600.0 + 50 * r, false);
        cells[n++] = r % 2 ? CELL(2, 1, 48.0, 66.0, false) /* "Quý IV/2025" */
                           : CELL(2, 1, month_min, month_nat, false);
        cells[n++] = CELL(3, 1, 40.0, 140.0 + 20 * (r % 3), false);
    }
    kh_colwidth_col_t cols[4] = {0};
    kh_colwidth(cells, n, cols, 4, &portrait);
    check(cols[2].width - OV >= month_nat - 1e-9,
          "colwidth: 'Tháng 12/2025' kept on one line beside long text",
          "month %.2f want %.2f", cols[2].width - OV, month_nat);
    /* The plain CSS proportion would have broken it: make sure the test
     * is about the share rounds. */
    double sum_min = 0, lack = 0, room = PORTRAIT - 4 * OV;
    for (int k = 0; k < 4; k++)
        sum_min += cols[k].min - OV, lack += cols[k].natural - cols[k].min;
    double css = month_min + (month_nat - month_min) * (room - sum_min) / lack;
    check(css < month_nat - 10, "colwidth: (the CSS proportion alone breaks the month)",
          "%.2f", css);
    check(cols[1].width > cols[3].width && cols[1].width > 0.4 * PORTRAIT,
          "colwidth: month table, the text column still gets the most",
          "%.1f %.1f %.1f %.1f", cols[0].width, cols[1].width, cols[2].width, cols[3].width);

    /* Little room: no share is left for the month, it wraps at its min
     * (plus its part of what remains) rather than squeeze the text. */
    kh_colwidth_frame_t tight = {4 * OV + 6.5 + 70.0 + 48.0 + 40.0 + 20.0, PAD, RULE};
    kh_colwidth_result_t res = kh_colwidth(cells, n, cols, 4, &tight);
    check(cols[2].width - OV < month_nat && cols[2].width - OV >= 48.0 &&
              near(res.total, tight.available),
          "colwidth: month wraps when the room is not there", "%.2f", cols[2].width - OV);
}

static void test_span_header(void)
{
    /* Nội dung | Kết quả giai đoạn 2025-2030 (colspan 2) / Số | % */
    kh_colwidth_cell_t cells[] = {
        CELL(0, 1, 48.0, 48.0, true),
        CELL(1, 2, 80.0, 150.0, true), /* the word "2025-2030" is 80 pt here */
        CELL(1, 1, 13.0, 13.0, true),
        CELL(2, 1, 11.0, 11.0, true),
        CELL(0, 1, 60.0, 200.0, false), CELL(1, 1, 20.0, 20.0, false),
        CELL(2, 1, 20.0, 20.0, false),
        CELL(0, 1, 55.0, 180.0, false), CELL(1, 1, 20.0, 20.0, false),
        CELL(2, 1, 20.0, 20.0, false),
    };
    size_t n = sizeof cells / sizeof cells[0];
    kh_colwidth_col_t cols[3] = {0};
    kh_colwidth_result_t res = kh_colwidth(cells, n, cols, 3, &portrait);
    double inside = cols[1].width + cols[2].width - OV;
    check(inside >= 150.0 - 1e-9 && near(cols[1].width, cols[2].width),
          "colwidth: spanning header on one line when there is room, split evenly",
          "inside %.2f, %.2f / %.2f", inside, cols[1].width, cols[2].width);
    check(near(res.total, PORTRAIT), "colwidth: spanning header table fills the width",
          "%.2f", res.total);

    /* Long text beside it: the header's word still fits, its line need not. */
    cells[4].natural = 2000;
    kh_colwidth(cells, n, cols, 3, &portrait);
    inside = cols[1].width + cols[2].width - OV;
    check(inside >= 80.0 - 1e-9 && inside < 150.0,
          "colwidth: spanning header min honoured, its natural only a wish",
          "inside %.2f", inside);
    check(near(cols[1].min, 20.0 + OV + (80.0 - OV - 40.0) / 2),
          "colwidth: a spanning min's excess split by natural widths", "%.3f", cols[1].min);
}

static void test_fixed(void)
{
    kh_colwidth_cell_t cells[] = {
        CELL(0, 1, 20.2, 20.2, true), CELL(1, 1, 40.0, 90.0, true),
        CELL(2, 1, 48.0, 48.0, true), CELL(0, 1, 6.5, 6.5, false),
        CELL(1, 1, 40.0, 120.0, false), CELL(2, 1, 60.0, 800.0, false),
    };
    size_t n = sizeof cells / sizeof cells[0];
    kh_colwidth_col_t cols[3] = {0};
    cols[0].fixed_pt = 42.5;     /* 15 mm */
    cols[1].fixed_frac = 0.25;
    kh_colwidth_result_t res = kh_colwidth(cells, n, cols, 3, &portrait);
    check(near(cols[0].width, 42.5) && near(cols[1].width, 0.25 * PORTRAIT) &&
              near(cols[2].width, PORTRAIT - 42.5 - 0.25 * PORTRAIT) && res.too_small == 0 &&
              cols[0].fixed && cols[1].fixed && !cols[2].fixed,
          "colwidth: fixed pt and fraction widths kept, the auto column the rest",
          "%.2f %.2f %.2f", cols[0].width, cols[1].width, cols[2].width);

    memset(cols, 0, sizeof cols);
    cols[0].fixed_pt = 10; /* narrower than "STT" */
    res = kh_colwidth(cells, n, cols, 3, &portrait);
    check(near(cols[0].width, 20.2 + OV) && cols[0].fixed_too_small && res.too_small == 1,
          "colwidth: a fixed width below the min is raised and flagged", "%.2f",
          cols[0].width);

    /* Fixed widths leaving the auto column less than its min: they give. */
    memset(cols, 0, sizeof cols);
    cols[0].fixed_frac = 0.5;
    cols[1].fixed_frac = 0.5;
    res = kh_colwidth(cells, n, cols, 3, &portrait);
    double F = 0.5 * PORTRAIT, t0 = (cols[0].width - cols[0].min) / (F - cols[0].min),
           t1 = (cols[1].width - cols[1].min) / (F - cols[1].min);
    check(near(cols[2].width, 60.0 + OV) && near(res.total, PORTRAIT) && res.overflow == 0 &&
              near(t0, t1) && t0 > 0 && t0 < 1,
          "colwidth: fixed widths over the table shrink toward their mins",
          "%.2f %.2f %.2f", cols[0].width, cols[1].width, cols[2].width);

    /* Every column fixed: the table may be narrower than the page. */
    memset(cols, 0, sizeof cols);
    cols[0].fixed_pt = cols[1].fixed_pt = cols[2].fixed_pt = 100;
    res = kh_colwidth(cells, n, cols, 3, &portrait);
    check(near(res.total, 300), "colwidth: all fixed, the widths as given", "%.2f", res.total);
}

static void test_header_weak(void)
{
    /* "Số lượng" over small numbers: wraps beside long text, one line
     * when the table has room. */
    kh_colwidth_cell_t cells[] = {
        CELL(0, 1, 48.0, 48.0, true), CELL(1, 1, 30.1, 45.3, true),
        CELL(0, 1, 60.0, 1200.0, false), CELL(1, 1, 12.0, 12.0, false),
    };
    kh_colwidth_col_t cols[2] = {0};
    kh_colwidth(cells, 4, cols, 2, &portrait);
    check(near(cols[1].width, 30.1 + OV), "colwidth: header words wrap before body text",
          "%.2f", cols[1].width);
    cells[2].natural = 200;
    kh_colwidth(cells, 4, cols, 2, &portrait);
    check(near(cols[1].width, 45.3 + OV), "colwidth: header on one line when there is room",
          "%.2f", cols[1].width);
    /* Only empty body cells ("Ghi chú", a timetable's "Tháng 4"): its
     * header's min beside text that wraps, no wider than a filled column;
     * the header on one line when there is room. */
    kh_colwidth_cell_t notes[] = {
        CELL(0, 1, 48.0, 48.0, true), CELL(1, 1, 20.0, 42.0, true),
        CELL(0, 1, 60.0, 1200.0, false), CELL(1, 1, 0, 0, false),
    };
    kh_colwidth(notes, 4, cols, 2, &portrait);
    check(near(cols[1].natural, 20.0 + OV) && near(cols[1].width, 20.0 + OV),
          "colwidth: an empty column gets its header's min beside wrapping text", "%.2f",
          cols[1].width);
    notes[2].natural = 200;
    kh_colwidth(notes, 4, cols, 2, &portrait);
    check(cols[1].width >= 42.0 + OV - 0.01, "colwidth: an empty column's header on one line "
          "when there is room", "%.2f", cols[1].width);
}

static void test_degenerate(void)
{
    kh_colwidth_result_t res = kh_colwidth(NULL, 0, NULL, 0, &portrait);
    check(res.total == 0 && res.overflow == 0 && res.too_small == 0,
          "colwidth: 0 columns", "%.2f", res.total);
    kh_colwidth_col_t cols[3] = {0};
    res = kh_colwidth(NULL, 5, cols, 3, &portrait);
    check(near(res.total, PORTRAIT) && near(cols[0].width, cols[2].width),
          "colwidth: no cells, equal columns", "%.2f %.2f", cols[0].width, res.total);
    kh_colwidth_cell_t empty[] = {CELL(0, 1, 0, 0, false), CELL(1, 1, 0, 0, true),
                                  CELL(2, 1, 0, 0, false)};
    res = kh_colwidth(empty, 3, cols, 3, &portrait);
    check(near(res.total, PORTRAIT) && near(cols[0].width, cols[1].width),
          "colwidth: all-empty cells, equal columns", "%.2f", cols[0].width);

    kh_colwidth_cell_t bad[] = {
        CELL(0, 1, NAN, INFINITY, false), CELL(1, 0, -5, -INFINITY, true),
        CELL(2, 1000000, 1e300, NAN, false), CELL(-1, 1, 50, 50, false),
        CELL(3, 1, 50, 50, false), CELL(0, -3, 10, 5, false),
        CELL(1, 2, NAN, 1e9, false),
    };
    kh_colwidth_frame_t frame = {NAN, -1, INFINITY};
    res = kh_colwidth(bad, sizeof bad / sizeof bad[0], cols, 3, &frame);
    int finite = isfinite(res.total) && isfinite(res.overflow);
    for (int k = 0; k < 3; k++)
        finite = finite && isfinite(cols[k].width) && cols[k].width >= 0;
    check(finite && near(cols[2].width, KH_COLWIDTH_MAX) && near(cols[0].width, 10.0),
          "colwidth: NaN, negative, infinite and out-of-range input clamped",
          "%g %g %g", cols[0].width, cols[1].width, cols[2].width);
    res = kh_colwidth(bad, 3, cols, 3, NULL);
    check(isfinite(res.total), "colwidth: no frame", "%g", res.total);
}

static void test_many(void)
{
    enum { N = 1000 };
    static kh_colwidth_col_t cols[N];
    static kh_colwidth_cell_t cells[4 * N];
    size_t n = 0;
    unsigned seed = 12345;
    for (int r = 0; r < 4; r++)
        for (int k = 0; k < N; k++) {
            seed = seed * 1103515245u + 12345u;
            double m = (seed >> 16) % 40, w = m + (seed >> 8) % 200;
            int span = r == 1 ? 1 + (int)(seed % 7) : 1;
            cells[n++] = CELL(k, span, m, w, r == 0);
        }
    kh_colwidth_frame_t wide = {1e5, 1, 0.5};
    kh_colwidth_result_t res = kh_colwidth(cells, n, cols, N, &wide);
    int ok = isfinite(res.total);
    for (int k = 0; k < N; k++)
        ok = ok && cols[k].width >= cols[k].min - 1e-6 && isfinite(cols[k].width);
    check(ok && (res.overflow > 0 || near(res.total, 1e5)),
          "colwidth: 1,000 columns, every one at least its min", "%g", res.total);
    kh_colwidth_result_t again = kh_colwidth(cells, n, cols, N, &wide);
    check(again.total == res.total, "colwidth: deterministic", "%g %g", again.total, res.total);
    res = kh_colwidth(cells, n, cols, N, &portrait);
    check(res.overflow > 0, "colwidth: 1,000 columns on a page overflow", "%g", res.overflow);
}

int main(void)
{
    test_stt();
    test_scoring();
    test_budget();
    test_month();
    test_span_header();
    test_fixed();
    test_header_weak();
    test_degenerate();
    test_many();
    return failures ? 1 : 0;
}
