/* UTF-8, NFC and case mapping.
 *
 * Plans are typed on many keyboards: Vietnamese input methods produce either
 * precomposed letters (ệ) or a base letter followed by combining marks
 * (e + U+0323 + U+0302). Fonts place the marks of the decomposed form badly
 * and search breaks, so every input is normalised to NFC. Normalisation,
 * case mapping and character classes come from utf8proc (its Unicode
 * tables, every script); this file keeps the UTF-8 loops and the fast
 * paths for the text that needs nothing done. */
#include "text.h"

#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

size_t kh_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

uint32_t kh_utf8_next(const char *s, size_t n, size_t *i)
{
    uint32_t cp;
    size_t l = kh_utf8_decode(s + *i, n - *i, &cp);
    if (!l)
        l = 1, cp = 0xFFFD;
    *i += l;
    return cp;
}

size_t kh_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

bool kh_utf8_valid(const char *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t l = kh_utf8_decode(s + i, n - i, &cp);
        if (!l)
            return false;
        i += l;
    }
    return true;
}

size_t kh_utf8_length(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

size_t kh_utf8_offset(const char *s, size_t n, size_t chars)
{
    size_t i = 0;
    for (; i < n && chars; chars--)
        do
            i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80);
    return i;
}

/* ---- character classes ---- */

bool kh_combining(uint32_t cp)
{
    if (cp < 0x300) /* below the combining diacritics: none (ASCII fast) */
        return false;
    if (cp == 0x200C || cp == 0x200D)
        return true;
    utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
           c == UTF8PROC_CATEGORY_ME;
}

bool kh_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

bool kh_space(uint32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
    utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP;
}

/* ---- normalisation ---- */

bool kh_nfc_inert(uint32_t cp)
{
    if (cp < 0x300) /* nothing below the combining diacritics normalises */
        return true;
    /* The answer costs a few hundred instructions for a precomposed
     * letter, and a Vietnamese text repeats a hundred or so letters: the
     * ones found inert are
     * remembered, by their low byte (a process renders one plan at a time;
     * thread-local all the same). 0 is below U+0300: an empty slot. */
    static _Thread_local uint32_t inert[256];
    if (inert[cp & 0xFF] == cp)
        return true;
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
    if (p->combining_class)
        return false;
    /* comb_index with the top bit set: the second of a composable pair */
    if (p->comb_index != UINT16_MAX && (p->comb_index & 0x8000))
        return false;
    if (cp >= 0x1160 && cp <= 0x11FF) /* Hangul V and T jamo */
        return false;
    if (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0) {
        /* a canonical decomposition: inert if composing it gives cp back */
        utf8proc_int32_t d[8];
        int boundclass = 0;
        utf8proc_ssize_t len = utf8proc_decompose_char(
            (utf8proc_int32_t)cp, d, 8, UTF8PROC_DECOMPOSE, &boundclass);
        if (len < 1 || len > 8)
            return false;
        len = utf8proc_normalize_utf32(d, len, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (len != 1 || d[0] != (utf8proc_int32_t)cp)
            return false;
    }
    inert[cp & 0xFF] = cp;
    return true;
}

/* Byte offset in s[0..n) of the first code point that is not inert (or
 * of an invalid byte), n when there is none: then s is NFC. */
static size_t S_nfc_start(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        /* two bytes led by C2..CB: U+0080..U+02FF, which NFC keeps */
        if (s[i] >= 0xC2 && s[i] < 0xCC && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        uint32_t cp;
        size_t l = kh_utf8_decode(str + i, n - i, &cp);
        if (!l || !kh_nfc_inert(cp))
            return i;
        i += l;
    }
    return n;
}

/* utf8proc_map's NFC (what utf8proc_NFC does, with a length), after the
 * check that finds nearly all text already NFC: utf8proc_map decomposes
 * and recomposes everything in two passes, and called on every text it
 * took the Kon Tum render from 35.9 M to 48.7 M instructions. s[0..n) is
 * valid UTF-8 (load.c checked it); should utf8proc refuse it all the
 * same, the text is kept as it is. */
char *kh_text_nfc(const char *s, size_t n, size_t *out_len)
{
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t len = 0;
    if (S_nfc_start(s, n) < n) {
        len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &nfc,
                           UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (len == UTF8PROC_ERROR_NOMEM)
            abort(); /* no sensible recovery, as in kh_buf_put */
    }
    if (!nfc || len < 0) {
        free(nfc);
        nfc = malloc(n + 1);
        if (!nfc)
            abort();
        memcpy(nfc, s, n);
        nfc[n] = '\0';
        len = (utf8proc_ssize_t)n;
    }
    if (out_len)
        *out_len = (size_t)len;
    return (char *)nfc;
}

bool kh_text_is_nfc(const char *s, size_t n)
{
    if (S_nfc_start(s, n) == n)
        return true;
    size_t len;
    char *nfc = kh_text_nfc(s, n, &len);
    bool same = len == n && memcmp(nfc, s, n) == 0;
    free(nfc);
    return same;
}

/* ---- case ---- */

/* utf8proc's mappings, one code point for one: ß upper-cases to ẞ rather
 * than growing to SS. ASCII, most of any text, is done here. */
static uint32_t S_upper(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
    return (uint32_t)utf8proc_toupper((utf8proc_int32_t)cp);
}

static uint32_t S_lower(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
}

/* s with every code point mapped by map; invalid bytes copied as they are. */
static char *S_map_case(const char *s, uint32_t (*map)(uint32_t))
{
    kh_buf_t out = {0};
    size_t n = strlen(s);
    char enc[4];
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = kh_utf8_decode(s + i, n - i, &cp);
        if (!l) {
            kh_buf_put(&out, s + i, 1);
            i++;
            continue;
        }
        kh_buf_put(&out, enc, kh_utf8_encode(map(cp), enc));
        i += l;
    }
    kh_buf_put(&out, "", 0);
    return kh_buf_take(&out);
}

char *kh_text_upper(const char *s) { return S_map_case(s, S_upper); }

char *kh_text_lower(const char *s) { return S_map_case(s, S_lower); }

/* ---- growing arrays and buffers ---- */

void *kh_array_grow(void *items, size_t count, size_t *cap, size_t size,
                    size_t first)
{
    if (count < *cap)
        return items;
    size_t n = *cap ? *cap * 2 : first;
    void *p = realloc(items, n * size);
    if (!p)
        abort(); /* no sensible recovery from a failed small allocation */
    *cap = n;
    return p;
}

char *kh_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

void kh_buf_put(kh_buf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            abort(); /* no sensible recovery from a failed small allocation */
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void kh_buf_puts(kh_buf_t *b, const char *s) { kh_buf_put(b, s, strlen(s)); }

void kh_buf_printf(kh_buf_t *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        kh_buf_put(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        abort();
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    kh_buf_put(b, big, (size_t)n);
    free(big);
}

char *kh_buf_take(kh_buf_t *b)
{
    char *d = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void kh_buf_free(kh_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

const char *kh_invisible_name(uint32_t cp)
{
    switch (cp) {
    case 0x00AD: return N_("soft hyphen");
    case 0x200B: return N_("zero-width space");
    case 0x200C: return N_("zero-width non-joiner");
    case 0x200D: return N_("zero-width joiner");
    case 0x2060: return N_("word joiner");
    case 0xFEFF: return N_("zero-width no-break space (byte order mark)");
    default: return NULL;
    }
}

size_t kh_text_drop_invisible(char *s, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n;) {
        /* every one of them starts with 0xC2 (U+00AD) or 0xE2/0xEF */
        unsigned char b = (unsigned char)s[i];
        uint32_t cp = 0;
        size_t l = b < 0xC2 ? 1 : kh_utf8_decode(s + i, n - i, &cp);
        if (!l)
            l = 1;
        if (!(b >= 0xC2 && kh_invisible_name(cp))) {
            if (out != i)
                memmove(s + out, s + i, l);
            out += l;
        }
        i += l;
    }
    if (out < n)
        s[out] = '\0';
    return out;
}

size_t kh_fill_run(const char *s, size_t n)
{
    size_t i = 0, dots = 0;
    while (i < n) {
        if (s[i] == '.' || s[i] == '_')
            i++, dots++;
        else if (n - i >= 3 && !memcmp(s + i, "\u2026", 3))
            i += 3, dots += 3;
        else
            break;
    }
    return dots >= 3 ? i : 0;
}
