/* The decree's wording of names in running text and of the appendix's
 * "Kèm theo" line. See wording.h for the rules and their sources. */
#include "wording.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

char *kh_date_words(int year, int month, int day, const char *blank)
{
    kh_buf_t b = {0};
    kh_buf_puts(&b, "ngày ");
    if (day)
        kh_buf_printf(&b, "%02d", day);
    else
        kh_buf_puts(&b, blank);
    kh_buf_puts(&b, " tháng ");
    if (month)
        kh_buf_printf(&b, month <= 2 ? "%02d" : "%d", month);
    else
        kh_buf_puts(&b, blank);
    kh_buf_printf(&b, " năm %d", year);
    return kh_buf_take(&b);
}

char *kh_number_symbol(const char *number, const char *doc_code,
                       const char *issuer_code, const char *blank)
{
    kh_buf_t b = {0};
    if (!number)
        kh_buf_puts(&b, blank);
    else if (strlen(number) == 1 && isdigit((unsigned char)number[0]))
        kh_buf_printf(&b, "0%s", number); /* numbers below 10: "05" */
    else
        kh_buf_puts(&b, number);
    kh_buf_printf(&b, "/%s-%s", doc_code, issuer_code);
    return kh_buf_take(&b);
}

char *kh_attached_line(const char *doc, const char *number, const char *doc_code,
                       const char *issuer_code, int year, int month, int day,
                       const char *issuer_name, const char *blank)
{
    char *symbol = kh_number_symbol(number, doc_code, issuer_code, blank);
    /* the date as the header's place-date line gives it: a draft leaves
     * blank what it leaves blank there (a 0 day or month), never more */
    char *date = kh_date_words(year, month, day, blank);
    kh_buf_t b = {0};
    kh_buf_printf(&b, "(Kèm theo %s số %s %s của %s)", doc, symbol, date, issuer_name);
    free(symbol);
    free(date);
    return kh_buf_take(&b);
}

/* ---- the issuer's name in running text ---- */

/* Body types whose running-text form is known: upper case as the header
 * prints it, and as a sentence writes it. Longer first, so that "VĂN
 * PHÒNG" wins over "PHÒNG" and "TRẠM Y TẾ" over a bare type. */
/* proper: a body type whose name is usually a proper name ("BỆNH VIỆN
 * BẠCH MAI", "TRƯỜNG CHU VĂN AN"), whose case cannot be guessed: derived
 * only when a known field follows it (kh_proper_fields). */
static const struct { const char *upper, *text; bool proper; } kh_body_types[] = {
    {"ỦY BAN NHÂN DÂN", "Ủy ban nhân dân", false},
    {"UỶ BAN NHÂN DÂN", "Ủy ban nhân dân", false},
    {"UBND", "Ủy ban nhân dân", false},
    {"HỘI ĐỒNG NHÂN DÂN", "Hội đồng nhân dân", false},
    {"HĐND", "Hội đồng nhân dân", false},
    {"TRUNG TÂM", "Trung tâm", false},
    {"BỆNH VIỆN", "Bệnh viện", true},
    {"VĂN PHÒNG", "Văn phòng", false},
    {"CHI CỤC", "Chi cục", false},
    {"TỔNG CỤC", "Tổng cục", false},
    {"TRẠM Y TẾ", "Trạm Y tế", false},
    {"CỤC", "Cục", false},
    {"SỞ", "Sở", false},
    {"BỘ", "Bộ", false},
    {"BAN", "Ban", false},
    {"PHÒNG", "Phòng", false},
    {"VIỆN", "Viện", true},
    {"TRƯỜNG", "Trường", true},
};

/* Fields (specialties) that may follow a proper-named body type, then
 * perhaps a unit and a place: "BỆNH VIỆN ĐA KHOA TỈNH KON TUM". Longer
 * first where one begins another. */
static const char *const kh_proper_fields[] = {
    "ĐA KHOA", "Y HỌC CỔ TRUYỀN", "Y DƯỢC CỔ TRUYỀN", "PHỤC HỒI CHỨC NĂNG",
    "LAO VÀ BỆNH PHỔI", "TÂM THẦN", "SẢN - NHI", "SẢN NHI", "PHỤ SẢN", "NHI",
    "MẮT", "DA LIỄU", "NỘI TIẾT", "UNG BƯỚU", "RĂNG HÀM MẶT", "TAI MŨI HỌNG",
    "CHẤN THƯƠNG CHỈNH HÌNH", "Y TẾ CÔNG CỘNG", "VỆ SINH DỊCH TỄ",
    "SỐT RÉT - KÝ SINH TRÙNG - CÔN TRÙNG", "CHÍNH TRỊ", "CAO ĐẲNG Y TẾ",
    "TRUNG CẤP Y TẾ",
};

const char *const kh_admin_units[] = {
    "THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "ĐẶC KHU", "TỈNH", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG",
};
const size_t kh_admin_unit_count = sizeof kh_admin_units / sizeof kh_admin_units[0];

/* Words that join fields of activity and stay lower case. */
static const char *const kh_joiners[] = {"VÀ"};

#define KH_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* True when s starts with the words w followed by a space or the end. */
static bool S_starts(const char *s, const char *w, size_t *len)
{
    size_t n = strlen(w);
    if (strncmp(s, w, n) || (s[n] && s[n] != ' '))
        return false;
    *len = n;
    return true;
}

/* Appends word (upper case, one syllable) lower-cased, or with its first
 * letter kept upper case when cap. */
static void S_word(kh_buf_t *b, const char *word, size_t n, bool cap)
{
    char *w = strndup(word, n);
    char *low = w ? kh_text_lower(w) : NULL;
    if (!low) {
        free(w);
        return;
    }
    if (cap) {
        size_t i = 0;
        kh_utf8_next(w, n, &i); /* the first letter as it stands, upper */
        kh_buf_put(b, w, i);
        size_t j = 0;
        kh_utf8_next(low, strlen(low), &j);
        kh_buf_puts(b, low + j);
    } else {
        kh_buf_puts(b, low);
    }
    free(low);
    free(w);
}

/* A Vietnamese syllable this can case: letters only, with a vowel, ending
 * in a consonant run Vietnamese allows (c ch m n ng nh p t). Digits,
 * quotes, dots, and abbreviations ("UBND", "TP") say the name is not a
 * plain one: its case cannot be guessed. A hyphen between place names is a
 * word of its own. */
static bool S_plain(const char *w, size_t n)
{
    if (n == 1 && w[0] == '-')
        return true;
    bool vowel = false;
    size_t tail = 0; /* ASCII consonants at the end */
    char final[4] = "";
    for (size_t i = 0; i < n;) {
        uint32_t cp = kh_utf8_next(w, n, &i);
        bool ascii = cp >= 'A' && cp <= 'Z';
        bool other = cp >= 0x80 && kh_letter(cp);
        if (!ascii && !other)
            return false;
        bool v = (ascii && strchr("AEIOUY", (int)cp)) || (other && cp != 0x110 /* Đ */);
        vowel |= v;
        if (v || !ascii)
            tail = 0;
        else if (tail < 2)
            final[tail++] = (char)cp;
        else
            return false; /* three consonants: an abbreviation */
        final[tail] = '\0';
    }
    /* K: place names of the Central Highlands (Đắk Lắk, Đắk Hà) */
    static const char *const finals[] = {"", "C", "CH", "K", "M", "N", "NG", "NH", "P", "T"};
    for (size_t f = 0; vowel && f < sizeof finals / sizeof finals[0]; f++)
        if (!strcmp(final, finals[f]))
            return true;
    return false;
}

char *kh_issuer_running_name(const char *name)
{
    char *flat = strdup(name ? name : "");
    char *out = NULL;
    kh_buf_t b = {0};
    if (!flat)
        goto done;
    /* one line, single spaces */
    size_t k = 0;
    for (size_t i = 0; flat[i]; i++) {
        char ch = flat[i] == '\n' || flat[i] == '\t' || flat[i] == '\r' ? ' ' : flat[i];
        if (ch == ' ' && (k == 0 || flat[k - 1] == ' '))
            continue;
        flat[k++] = ch;
    }
    while (k && flat[k - 1] == ' ')
        k--;
    flat[k] = '\0';

    const char *s = flat;
    size_t len = 0;
    size_t t = 0;
    while (t < KH_COUNT(kh_body_types) && !S_starts(s, kh_body_types[t].upper, &len))
        t++;
    if (t == KH_COUNT(kh_body_types))
        goto done; /* a body type this does not know: no guess */
    kh_buf_puts(&b, kh_body_types[t].text);
    s += len;
    /* a proper-named type: only a known field, then perhaps unit + place */
    const char *field_end = NULL;
    if (kh_body_types[t].proper) {
        size_t f = 0, n = 0;
        while (*s == ' ' && f < KH_COUNT(kh_proper_fields) &&
               !S_starts(s + 1, kh_proper_fields[f], &n))
            f++;
        if (*s != ' ' || f == KH_COUNT(kh_proper_fields))
            goto done; /* "BỆNH VIỆN BẠCH MAI": a proper name */
        field_end = s + 1 + n;
    }
    /* fields of activity, then perhaps a unit and a place name */
    bool place = false, field_start = true, after_joiner = false, any = false;
    while (*s == ' ') {
        s++;
        size_t n = 0;
        /* "… VÀ XÃ HỘI" is a field (society), not a commune */
        bool in_field = field_end && s < field_end;
        if (!place && !after_joiner && !in_field) {
            size_t u = 0;
            while (u < kh_admin_unit_count && !S_starts(s, kh_admin_units[u], &n))
                u++;
            if (u < kh_admin_unit_count) {
                kh_buf_puts(&b, " ");
                S_word(&b, s, n, false);
                s += n;
                place = true;
                if (*s != ' ')
                    goto done; /* "TỈNH" with no name after it */
                continue;
            }
        }
        if (field_end && !place && !in_field)
            goto done; /* more than the field before the unit */
        n = strcspn(s, " ");
        if (!S_plain(s, n))
            goto done;
        bool joiner = false;
        for (size_t j = 0; j < KH_COUNT(kh_joiners); j++)
            joiner |= !place && strlen(kh_joiners[j]) == n && !strncmp(s, kh_joiners[j], n);
        bool dash = n == 1 && s[0] == '-';
        kh_buf_puts(&b, " ");
        if (dash)
            kh_buf_puts(&b, "-");
        else
            S_word(&b, s, n, place || (field_start && !joiner));
        field_start = joiner || dash;
        after_joiner = joiner;
        any = true;
        s += n;
    }
    if (*s || !any)
        goto done; /* a type alone ("SỞ") says nothing to write */
    out = kh_buf_take(&b);
done:
    kh_buf_free(&b);
    free(flat);
    return out;
}
