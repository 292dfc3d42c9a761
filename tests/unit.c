/* Unit tests of the generator's pure functions: numbering, case, NFC,
 * dates, the line breaker on real paragraphs, font subsetting.
 * Prints one "PASS name" / "FAIL name: why" line per check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "font.h"
#include "layout.h"
#include "linebreak.h"
#include "load.h"
#include "model.h"
#include "schema.h"
#include "template.h"
#include "text.h"
#include "wording.h"

static int failures;

static void check(int ok, const char *name, const char *detail)
{
    if (ok) {
        printf("PASS %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, detail);
        failures++;
    }
}

static void check_str(const char *name, const char *got, const char *want)
{
    char detail[512];
    snprintf(detail, sizeof detail, "got '%s', want '%s'", got, want);
    check(strcmp(got, want) == 0, name, detail);
}

static void test_numbering(void)
{
    int c[KH_MAX_LEVELS] = {4, 2, 5, 0, 0, 0};
    char out[64];
    kh_number_format("{1:I}.", c, out, sizeof out);
    check_str("number: upper roman IV", out, "IV.");
    kh_number_format("{2:1}.", c, out, sizeof out);
    check_str("number: arabic", out, "2.");
    kh_number_format("{3:a})", c, out, sizeof out);
    check_str("number: 5th Vietnamese letter is đ", out, "đ)");
    c[2] = 6;
    kh_number_format("{3:a})", c, out, sizeof out);
    check_str("number: 6th letter is e", out, "e)");
    c[2] = 7;
    kh_number_format("{3:a})", c, out, sizeof out);
    check_str("number: no f in the Vietnamese alphabet", out, "g)");
    kh_number_format("{2:1}.{3:1}.", c, out, sizeof out);
    check_str("number: nested 2.7.", out, "2.7.");
    c[0] = 14;
    kh_number_format("{1:I}.", c, out, sizeof out);
    check_str("number: XIV", out, "XIV.");
}

static void test_upper(void)
{
    const char *cases[][2] = {
        {"mục đích, yêu cầu", "MỤC ĐÍCH, YÊU CẦU"},
        {"tổ chức thực hiện", "TỔ CHỨC THỰC HIỆN"},
        {"ở ư ơ ậ ễ ỹ ỵ ẫ", "Ở Ư Ơ Ậ Ễ Ỹ Ỵ Ẫ"},
        {"thời gian, đối tượng", "THỜI GIAN, ĐỐI TƯỢNG"},
        {"abc 2025 (x)", "ABC 2025 (X)"},
        {"ủy ban nhân dân", "ỦY BAN NHÂN DÂN"},
        {"straße", "STRAẞE"},                 /* one code point for one */
        {"\xC3(", "\xC3("},                   /* an invalid byte kept */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *u = kh_text_upper(cases[i][0]);
        check_str("upper: Vietnamese case mapping", u, cases[i][1]);
        free(u);
    }
    char *l = kh_text_lower("ĐẮK LẮK, ỦY BAN");
    check_str("lower: Vietnamese case mapping", l, "đắk lắk, ủy ban");
    free(l);
}

static void test_nfc(void)
{
    /* e + dot below + circumflex, and the same marks in the other order */
    const char *dec1 = "Vi\x65\xCC\xA3\xCC\x82t", *dec2 = "Vi\x65\xCC\x82\xCC\xA3t";
    char *a = kh_text_nfc(dec1, strlen(dec1), NULL);
    char *b = kh_text_nfc(dec2, strlen(dec2), NULL);
    check_str("nfc: e+0323+0302 composes to ệ", a, "Việt");
    check_str("nfc: e+0302+0323 composes to ệ", b, "Việt");
    free(a);
    free(b);
    const char *d4 = "U\xCC\x9B\xCC\x81", *want4 = "Ứ";
    char *c = kh_text_nfc(d4, strlen(d4), NULL);
    check_str("nfc: U+horn+acute composes to Ứ", c, want4);
    free(c);
    check(kh_text_is_nfc("Kế hoạch", strlen("Kế hoạch")), "nfc: composed text is NFC", "");
    check(!kh_text_is_nfc(dec1, strlen(dec1)), "nfc: decomposed text is not NFC", "");
    const char *q = "a\xCC\xB8"; /* a mark with no composition stays */
    char *d = kh_text_nfc(q, strlen(q), NULL);
    check_str("nfc: uncomposable mark kept", d, q);
    free(d);
    /* beyond the Latin blocks: a singleton and a Hangul syllable typed as
     * jamo, which a table of Latin letters left as they were */
    char *e = kh_text_nfc("\u2126 \u1100\u1161", strlen("\u2126 \u1100\u1161"), NULL);
    check_str("nfc: OHM SIGN to omega, jamo to a syllable", e, "\u03A9 \uAC00");
    free(e);
    check(!kh_text_is_nfc("\u2126", 3), "nfc: a singleton is not NFC", "");
    check(kh_nfc_inert('a') && kh_nfc_inert(0x1EC7) && kh_nfc_inert(0x0110) &&
              kh_nfc_inert(0x1EC7), /* twice: the remembered answer */
          "nfc: letters are inert", "");
    check(!kh_nfc_inert(0x0301) && !kh_nfc_inert(0x2126) && !kh_nfc_inert(0x1161) &&
              !kh_nfc_inert(0x0958) && !kh_nfc_inert(0x09BE),
          "nfc: a mark, singleton, vowel jamo, excluded composite, composing vowel sign are not", "");
}

static void test_classes(void)
{
    check(kh_combining(0x0301) && kh_combining(0x0338) && kh_combining(0xFE0F) &&
              kh_combining(0x200D) && kh_combining(0x0903) /* Devanagari, Mc */,
          "classes: combining marks and joiners", "");
    check(!kh_combining('a') && !kh_combining(0x1EC7) && !kh_combining(0x2019),
          "classes: letters and quotes are no marks", "");
    check(kh_letter('Q') && kh_letter(0x0110) && kh_letter(0x1EE8) && kh_letter(0x03A9) &&
              !kh_letter('7') && !kh_letter(0x00D7) && !kh_letter(0x2013),
          "classes: letters (Đ, Ứ, Ω) and not (7, ×, –)", "");
    check(kh_space(' ') && kh_space('\t') && kh_space(0x00A0) && kh_space(0x3000) &&
              kh_space(0x2028) && !kh_space(0x200B) && !kh_space('x'),
          "classes: spaces (no-break, ideographic, line separator); zero-width is none", "");
}

static void test_utf8(void)
{
    uint32_t cp;
    check(kh_utf8_decode("\xC0\xAF", 2, &cp) == 0, "utf8: overlong rejected", "");
    check(kh_utf8_decode("\xED\xA0\x80", 3, &cp) == 0, "utf8: surrogate rejected", "");
    check(kh_utf8_decode("\xE1\xBB\x87", 3, &cp) == 3 && cp == 0x1EC7,
          "utf8: ệ decodes", "");
    check(!kh_utf8_valid("ab\xFF", 3), "utf8: 0xFF invalid", "");
}

static void test_dates(void)
{
    char *s = kh_date_line("Kon Tum", 2025, 2, 5, "   ");
    check_str("date: day and month 1-2 get a leading zero", s,
              "Kon Tum, ngày 05 tháng 02 năm 2025");
    free(s);
    s = kh_date_line("Giang Thành", 2025, 5, 27, "   ");
    check_str("date: months from 3 have no zero", s,
              "Giang Thành, ngày 27 tháng 5 năm 2025");
    free(s);
    s = kh_date_line("Đồng Nai", 2024, 7, 0, "__");
    check_str("date: draft day left blank", s, "Đồng Nai, ngày __ tháng 7 năm 2024");
    free(s);
    s = kh_date_line("Kon Tum", 2024, 0, 0, "__");
    check_str("date: draft day and month blank", s, "Kon Tum, ngày __ tháng __ năm 2024");
    free(s);
    s = kh_number_line("Số: ", "5", "KH", "SYT", "  ");
    check_str("number line: below 10 gets a zero", s, "Số: 05/KH-SYT");
    free(s);
    s = kh_number_line("Số: ", NULL, "KH", "TTYT", "  ");
    check_str("number line: draft", s, "Số:   /KH-TTYT");
    free(s);
}

static void test_heading_prefix(void)
{
    check(kh_heading_number_prefix("III. Tổ chức") == 5, "prefix: roman", "");
    check(kh_heading_number_prefix("2.1. Hình thức") == 5, "prefix: 2.1.", "");
    check(kh_heading_number_prefix("a) Ở cấp tỉnh") == 3, "prefix: a)", "");
    check(kh_heading_number_prefix("đ) Thi đua") == 4, "prefix: đ)", "");
    check(kh_heading_number_prefix("2024 là năm") == 0, "prefix: a year is text", "");
    check(kh_heading_number_prefix("2.1 Mục tiêu") == 4, "prefix: 2.1 without a final dot", "");
    check(kh_heading_number_prefix("b. Mục đích") == 3, "prefix: b.", "");
    check(kh_heading_number_prefix("I - MỤC ĐÍCH") == 4, "prefix: I - ", "");
    check(kh_heading_number_prefix("B. Tổ chức") == 3, "prefix: B.", "");
    check(kh_heading_number_prefix("Căn cứ") == 0, "prefix: a capital word is text", "");
    check(kh_heading_number_prefix("đ. Khen thưởng") == 4, "prefix: đ.", "");
    check(kh_heading_number_prefix("v.v. và") == 0, "prefix: v.v. is text", "");
    check(kh_heading_number_prefix("100% đơn vị") == 0, "prefix: 100% is text", "");
    check(kh_heading_number_prefix("Công tác") == 0, "prefix: plain text", "");
}

/* Breaks a real paragraph with the template's glue and checks that no
 * line stretches past 1.5x or shrinks past the allowed minimum. */
static void test_linebreak(kh_font_t *f)
{
    const char *para =
        "Thông qua phong trào thi đua, tạo sự chuyển biến mạnh mẽ về nhận "
        "thức, thay đổi hành vi và trách nhiệm của các cấp ủy, chính quyền "
        "trong việc khẳng định vai trò, tầm quan trọng của tư tưởng, đạo đức, "
        "phong cách Hồ Chí Minh đối với việc đổi mới phong cách thái độ phục "
        "vụ của cán bộ y tế hướng tới sự hài lòng của người bệnh. Gắn kết quả "
        "thực hiện phong trào thi đua với công tác biểu dương, khen thưởng; "
        "khen thưởng phải trên cơ sở kết quả, thành tích thi đua; không phân "
        "biệt giữa lãnh đạo, quản lý với người lao động trực tiếp.";
    const double size = 14, width = 155 * 72 / 25.4;
    double sp = kh_font_text_width(f, " ", 1, size);
    kh_lb_item_t items[400];
    size_t n = 0;
    items[n++] = (kh_lb_item_t){KH_LB_BOX, 28.35, 0, 0, 0};
    for (const char *p = para; *p;) {
        size_t len = strcspn(p, " ");
        items[n++] = (kh_lb_item_t){KH_LB_BOX, kh_font_text_width(f, p, len, size), 0, 0, 0};
        p += len;
        if (*p == ' ') {
            items[n++] = (kh_lb_item_t){KH_LB_GLUE, sp, sp * 0.5, sp * 0.4, 0};
            p++;
        }
    }
    items[n++] = (kh_lb_item_t){KH_LB_GLUE, 0, KH_LB_INFINITY, 0, 0};
    items[n++] = (kh_lb_item_t){KH_LB_PENALTY, 0, 0, 0, -KH_LB_INFINITY};
    kh_lb_line_t lines[400];
    size_t nl = kh_linebreak(items, n, width, lines);
    double worst = 0, sum = 0;
    for (size_t i = 0; i + 1 < nl; i++) {
        worst = fmax(worst, fabs(lines[i].ratio));
        sum += lines[i].ratio;
    }
    char detail[128];
    snprintf(detail, sizeof detail, "%zu lines, worst |r| %.2f", nl, worst);
    check(nl >= 5 && nl <= 7, "linebreak: real paragraph takes 5-7 lines", detail);
    check(worst <= 1.0, "linebreak: every line within tolerance (|r| <= 1)", detail);
    check(lines[nl - 1].end == n - 1, "linebreak: ends at the forced break", detail);
    snprintf(detail, sizeof detail, "mean r %.2f", sum / (double)(nl - 1));
    check(fabs(sum / (double)(nl - 1)) < 0.5, "linebreak: mean spacing near natural", detail);

    /* a word wider than the line still gets a line (overfull), no hang */
    kh_lb_item_t wide[] = {{KH_LB_BOX, 50, 0, 0, 0}, {KH_LB_GLUE, 3, 1, 1, 0},
                           {KH_LB_BOX, width * 1.5, 0, 0, 0},
                           {KH_LB_GLUE, 3, 1, 1, 0}, {KH_LB_BOX, 50, 0, 0, 0},
                           {KH_LB_GLUE, 0, KH_LB_INFINITY, 0, 0},
                           {KH_LB_PENALTY, 0, 0, 0, -KH_LB_INFINITY}};
    kh_lb_line_t wl[7];
    size_t wn = kh_linebreak(wide, 7, width, wl);
    check(wn >= 1 && wl[wn - 1].end == 6, "linebreak: overfull word handled", "");

    /* rescue breaks (penalties >= KH_LB_RESCUE) only when nothing else
     * fits: a line of ten 40 pt words with a rescue break after the first
     * word; the line is wide enough for all of them, so it stays whole */
    kh_lb_item_t r[40];
    size_t rn = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 1)
            r[rn++] = (kh_lb_item_t){KH_LB_PENALTY, 0, 0, 0, KH_LB_RESCUE};
        r[rn++] = (kh_lb_item_t){KH_LB_BOX, 40, 0, 0, 0};
        if (i < 9)
            r[rn++] = (kh_lb_item_t){KH_LB_GLUE, 4, 2, 1.6, 0};
    }
    r[rn++] = (kh_lb_item_t){KH_LB_GLUE, 0, KH_LB_INFINITY, 0, 0};
    r[rn++] = (kh_lb_item_t){KH_LB_PENALTY, 0, 0, 0, -KH_LB_INFINITY};
    kh_lb_line_t rl[40];
    size_t rnl = kh_linebreak(r, rn, 440, rl);
    check(rnl == 1, "linebreak: a rescue break is not taken when the line fits", "");
    /* two lines: breaking at spaces gives a loose first line within
     * tolerance, so the rescue break is still not taken */
    rnl = kh_linebreak(r, rn, 300, rl);
    bool rescued = false;
    for (size_t i = 0; i < rnl; i++)
        rescued |= r[rl[i].end].kind == KH_LB_PENALTY && r[rl[i].end].penalty > 0;
    check(rnl == 2 && !rescued, "linebreak: spaces before rescue breaks", "");
    /* one 400 pt word made of two 200 pt runs joined by a rescue break, on
     * a 300 pt line: only the rescue break avoids an overfull line */
    kh_lb_item_t u[] = {{KH_LB_BOX, 200, 0, 0, 0}, {KH_LB_PENALTY, 0, 0, 0, 800},
                        {KH_LB_BOX, 200, 0, 0, 0},
                        {KH_LB_GLUE, 0, KH_LB_INFINITY, 0, 0},
                        {KH_LB_PENALTY, 0, 0, 0, -KH_LB_INFINITY}};
    kh_lb_line_t ul[5];
    size_t un = kh_linebreak(u, 5, 300, ul);
    check(un == 2 && ul[0].end == 1, "linebreak: a rescue break when nothing else fits", "");
    /* ragged (table cells): a short line costs nothing, no stretching */
    un = kh_linebreak_ragged(r, rn, 300, rl);
    bool flat = true;
    for (size_t i = 0; i < un; i++)
        flat &= rl[i].ratio == 0;
    check(un == 2 && flat, "linebreak: ragged lines are filled, never stretched", "");
}

static void test_font(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/fonts/LiberationSerif-Regular.ttf", dir);
    kh_diag_list_t d;
    kh_diag_init(&d);
    kh_font_t *f = kh_font_load(path, &d);
    check(f != NULL, "font: Liberation Serif loads", path);
    if (!f)
        return;
    double w = kh_font_text_width(f, "Kế hoạch", strlen("Kế hoạch"), 14);
    check(w > 50 && w < 60, "font: width of 'Kế hoạch' at 14 pt", "");
    check(kh_font_glyph(f, 0x1F600) == 0, "font: no glyph for an emoji", "");
    check(kh_font_glyph(f, 0x1EC7) != 0, "font: glyph for ệ", "");
    uint16_t g = kh_font_glyph(f, 0x1EC7);
    kh_font_use(f, g, 0x1EC7);
    unsigned char *sub;
    size_t len;
    check(kh_font_subset(f, &sub, &len) == 0 && len < 20000,
          "font: subset of one letter is small", "");
    kh_diag_list_t d2;
    kh_diag_init(&d2);
    FILE *tmp = fopen("build/corrupt.ttf", "wb");
    if (tmp) {
        fwrite(sub, 1, 40, tmp); /* truncated: tables point past the end */
        fclose(tmp);
    }
    free(sub);
    kh_font_t *bad = kh_font_load("build/corrupt.ttf", &d2);
    check(bad == NULL && d2.errors == 1, "font: truncated font is an error", "");
    kh_diag_free(&d2);
    test_linebreak(f);
    kh_font_free(f);
    kh_diag_free(&d);
}

static void test_yaml_alias_refused(void)
{
    const char *bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
    kh_diag_list_t d;
    kh_diag_init(&d);
    kh_node_t *n = kh_yaml_parse(bomb, strlen(bomb), "t.md", 1, &d);
    check(n == NULL && d.errors == 1 && d.items[0].line == 3,
          "yaml: aliases refused at their position", "");
    kh_node_free(n);
    kh_diag_free(&d);
}

/* kh_yaml_load_file refuses a file that is not UTF-8 or holds a NUL
 * wherever the bad byte stands: in the middle of a long ASCII run (read
 * eight bytes at a time), at its end, or after an accent; good text with
 * accents loads, NFC (decomposed ệ composed), ASCII copied as it is. */
static void test_yaml_file_bytes(void)
{
    static const struct {
        const char *text;
        size_t len;
        bool ok;
    } cases[] = {
        {"name: abcdefghijklmnop\n", 23, true},
        {"name: abcdefgh\0ijklmnop\n", 24, false},
        {"name: abcdefghijklmno\xC3\n", 23, false},
        {"name: abcdefghijklmnop\xFF", 23, false},
        {"name: Vi\xE1\xBB\x87t Nam abcdefghij\n", 28, true},
        {"name: Vi\xE1\xBB\x87t\xE1\xBB abcdefghij\n", 26, false},
        {"name: \xED\xA0\x80 surrogate\n", 20, false},
        {"name: Vie\xCC\x82\xCC\xA3t\n", 15, true},
    };
    const char *want[] = {"abcdefghijklmnop", NULL, NULL, NULL,
                          "Vi\xE1\xBB\x87t Nam abcdefghij", NULL, NULL,
                          "Vi\xE1\xBB\x87t"};
    char path[] = "/tmp/kh-unit-yaml-XXXXXX";
    int fd = mkstemp(path);
    check(fd >= 0, "yaml file: temporary file", "mkstemp");
    if (fd < 0)
        return;
    close(fd);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path, "wb");
        fwrite(cases[i].text, 1, cases[i].len, f);
        fclose(f);
        kh_diag_list_t d;
        kh_diag_init(&d);
        kh_node_t *n = kh_yaml_load_file(path, &d);
        const kh_node_t *v = kh_node_get(n, "name");
        char name[64];
        snprintf(name, sizeof name, "yaml file: bytes case %zu", i + 1);
        if (cases[i].ok)
            check(n && v && !strcmp(v->text, want[i]) && d.errors == 0, name,
                  "should load with the value in NFC");
        else
            check(!n && d.errors == 1 && !strcmp(d.items[0].rule, "utf8"), name,
                  "should be refused as not UTF-8");
        kh_node_free(n);
        kh_diag_free(&d);
    }
    unlink(path);
}

static void test_schema_helpers(void)
{
    check(kh_edit_distance("tittle", "title", 2) == 1, "edit distance: tittle/title", "");
    check(kh_edit_distance("recipents", "recipients", 2) == 1, "edit distance: recipents", "");
    check(kh_edit_distance("signer", "archive", 2) > 2, "edit distance: bounded", "");
    check(kh_date_valid("2024-02-29", false), "date: 2024-02-29 exists (leap year)", "");
    check(!kh_date_valid("2023-02-29", false), "date: 2023-02-29 does not", "");
    check(!kh_date_valid("2024-04-31", false), "date: 2024-04-31 does not", "");
    check(!kh_date_valid("2024-07", false), "date: partial refused where a full date is needed", "");
    check(kh_date_valid("2024-07", true) && kh_date_valid("2024", true),
          "date: drafts may give YYYY-MM or YYYY", "");
    check(!kh_date_valid("2024-13", true) && !kh_date_valid("24-07-01", true) &&
              !kh_date_valid("2024-7-1", true),
          "date: malformed partial dates refused", "");
}

/* kh_issuer_running_name: the issuer's name in running text, or NULL
 * where its case cannot be derived. */
static void test_running_name(void)
{
    static const struct { const char *upper, *want; } cases[] = {
        {"SỞ Y TẾ", "Sở Y tế"},
        {"UBND TỈNH ĐẮK LẮK", "Ủy ban nhân dân tỉnh Đắk Lắk"},
        {"ỦY BAN NHÂN DÂN\nTỈNH KON TUM", "Ủy ban nhân dân tỉnh Kon Tum"},
        {"ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU", "Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu"},
        {"SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Sở Giáo dục và Đào tạo"},
        {"SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"},
        {"TRUNG TÂM Y TẾ HUYỆN ĐẮK HÀ", "Trung tâm Y tế huyện Đắk Hà"},
        {"BỆNH VIỆN ĐA KHOA TỈNH KON TUM", "Bệnh viện Đa khoa tỉnh Kon Tum"},
        {"UBND THÀNH PHỐ HỒ CHÍ MINH", "Ủy ban nhân dân thành phố Hồ Chí Minh"},
        {"UBND XÃ GIANG THÀNH", "Ủy ban nhân dân xã Giang Thành"},
        {"BỆNH VIỆN Y HỌC CỔ TRUYỀN", "Bệnh viện Y học cổ truyền"},
        {"BỆNH VIỆN LAO VÀ BỆNH PHỔI TỈNH KON TUM", "Bệnh viện Lao và Bệnh phổi tỉnh Kon Tum"},
        {"BỆNH VIỆN NHI", "Bệnh viện Nhi"},
        {"TRƯỜNG CHÍNH TRỊ TỈNH ĐẮK LẮK", "Trường Chính trị tỉnh Đắk Lắk"},
        {"BỆNH VIỆN BẠCH MAI", NULL},             /* proper names: their case unknown */
        {"BỆNH VIỆN ĐA KHOA ĐỨC GIANG", NULL},
        {"BỆNH VIỆN NHI TRUNG ƯƠNG", NULL},
        {"TRƯỜNG CHU VĂN AN", NULL},
        {"VIỆN PASTEUR", NULL},
        {"BỆNH VIỆN", NULL},
        {"CÔNG ĐOÀN NGÀNH Y TẾ", NULL},           /* a body type it does not know */
        {"VĂN PHÒNG UBND TỈNH", NULL},            /* an abbreviation inside */
        {"TRUNG TÂM Y TẾ KHU VỰC 2", NULL},       /* a number */
        {"BAN CHỈ ĐẠO \"135\"", NULL},
        {"SỞ", NULL},
        {"UBND TỈNH", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = kh_issuer_running_name(cases[i].upper);
        char name[160];
        snprintf(name, sizeof name, "running name %zu: %s", i, cases[i].upper);
        for (char *p = name; *p; p++)
            *p = *p == '\n' ? '/' : *p;
        if (cases[i].want)
            check_str(name, got ? got : "(none)", cases[i].want);
        else
            check(!got, name, got ? got : "");
        free(got);
    }
    char *line = kh_attached_line("Kế hoạch", "870", "KH", "SYT", 2025, 5, 27, "Sở Y tế", "      ");
    check_str("attached line", line,
              "(Kèm theo Kế hoạch số 870/KH-SYT ngày 27 tháng 5 năm 2025 của Sở Y tế)");
    free(line);
    line = kh_attached_line("Kế hoạch", "5", "KH", "SYT", 2025, 2, 5, "Sở Y tế", "      ");
    check_str("attached line: leading zeros", line,
              "(Kèm theo Kế hoạch số 05/KH-SYT ngày 05 tháng 02 năm 2025 của Sở Y tế)");
    free(line);
    line = kh_attached_line("Kế hoạch", NULL, "KH", "SYT", 2025, 0, 0, "Sở Y tế", "   ");
    check_str("attached line: a draft leaves number, day and month blank", line,
              "(Kèm theo Kế hoạch số    /KH-SYT ngày     tháng     năm 2025 của Sở Y tế)");
    free(line);
    line = kh_attached_line("Kế hoạch", NULL, "KH", "SYT", 2025, 6, 10, "Sở Y tế", "   ");
    check_str("attached line: a draft dated as its header is (number blank, date given)", line,
              "(Kèm theo Kế hoạch số    /KH-SYT ngày 10 tháng 6 năm 2025 của Sở Y tế)");
    free(line);
}

/* The model of a pipe table read by cmark-gfm: alignments from the
 * delimiter row, one header row (bold), a short row filled with empty
 * cells, <br> a line break inside a cell, an escaped pipe a character. */
static void test_table_model(const char *dir)
{
    static const char plan[] =
        "---\ntype: ke-hoach\nissuer:\n  parent: UBND TỈNH KON TUM\n"
        "  name: SỞ Y TẾ\n  code: SYT\nnumber: 5\nplace: Kon Tum\n"
        "date: 2025-02-05\ntitle: Kế hoạch thử\nrecipients:\n  - Bộ Y tế\n"
        "archive: VT\nsigner:\n  title: GIÁM ĐỐC\n  name: Nguyễn Văn An\n---\n"
        "| STT | Nội dung | Số tiền | Ghi chú |\n"
        "|:---:|:--- | ---:| --- |\n"
        "| 1 | Hai<br>dòng | 1.800.000 | a \\| b |\n"
        "| 2 |\n";
    char path[512], fonts[512];
    snprintf(path, sizeof path, "%s/templates/ke-hoach.yaml", dir);
    snprintf(fonts, sizeof fonts, "%s/fonts", dir);
    kh_diag_list_t d;
    kh_diag_init(&d);
    kh_template_t *tpl = kh_template_load(path, fonts, &d);
    kh_source_t src;
    int rc = kh_source_load_mem("t.md", plan, sizeof plan - 1, &src, &d);
    kh_plan_t *p = tpl && rc == 0 ? kh_plan_build(&src, tpl, &d) : NULL;
    check(p && p->nblocks == 1 && p->blocks[0].kind == KH_BLOCK_TABLE && d.count == 0,
          "table model: one table block, no diagnostic", d.count ? d.items[0].message : "");
    if (p && p->nblocks == 1 && p->blocks[0].kind == KH_BLOCK_TABLE) {
        const kh_table_t *t = &p->blocks[0].table;
        check(t->rows == 3 && t->cols == 4 && t->header_rows == 1,
              "table model: 3 rows of 4 columns, 1 header row", "");
        check(t->align[0] == KH_ALIGN_CENTER && t->align[1] == KH_ALIGN_LEFT &&
                  t->align[2] == KH_ALIGN_RIGHT && t->align[3] == KH_ALIGN_NONE,
              "table model: alignments from the delimiter row", "");
        const kh_text_t *h = &t->cells[1].text;
        check(h->nspans == 1 && (h->spans[0].style & KH_SPAN_BOLD) &&
                  !strcmp(h->spans[0].text, "Nội dung"),
              "table model: a header cell is bold", "");
        const kh_text_t *br = &t->cells[4 + 1].text;
        check(br->nspans == 3 && !strcmp(br->spans[0].text, "Hai") &&
                  (br->spans[1].style & KH_SPAN_BREAK) && !strcmp(br->spans[2].text, "dòng"),
              "table model: <br> in a cell is a line break", "");
        const kh_text_t *pipe = &t->cells[4 + 3].text;
        check(pipe->nspans == 1 && !strcmp(pipe->spans[0].text, "a | b"),
              "table model: \\| is a pipe in the cell's text", "");
        check(t->cells[8].text.nspans == 1 && t->cells[9].text.nspans == 0 &&
                  t->cells[11].text.nspans == 0 && t->cells[11].line == 21,
              "table model: a short row gets empty cells at the row's line", "");
    }
    kh_plan_free(p);
    kh_source_free(&src);
    kh_template_free(tpl);
    kh_diag_free(&d);
}

int main(int argc, char **argv)
{
    test_running_name();
    test_schema_helpers();
    const char *dir = argc > 1 ? argv[1] : ".";
    test_numbering();
    test_upper();
    test_nfc();
    test_classes();
    test_utf8();
    test_dates();
    test_heading_prefix();
    test_font(dir);
    test_yaml_alias_refused();
    test_yaml_file_bytes();
    test_table_model(dir);
    return failures ? 1 : 0;
}
