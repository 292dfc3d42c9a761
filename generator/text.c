/* UTF-8, NFC and upper-casing.
 *
 * Plans are typed on many keyboards: Vietnamese input methods produce either
 * precomposed letters (ệ) or a base letter followed by combining marks
 * (e + U+0323 + U+0302). Fonts place the marks of the decomposed form badly
 * and search breaks, so every input is normalised to NFC. Full Unicode NFC
 * tables are large; the generated tables here cover the Latin blocks, which
 * is everything Vietnamese uses. Other scripts pass through unchanged. */
#include "text.h"

#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unicode_tables.h"

#define KH_COUNT(a) (sizeof(a) / sizeof((a)[0]))

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

/* ---- normalisation ---- */

static unsigned S_ccc(uint32_t cp)
{
    return cp >= 0x300 && cp < 0x370 ? kh_uc_ccc_0300[cp - 0x300] : 0;
}

/* Binary search: the table is sorted by composed code point. */
static bool S_decompose_one(uint32_t cp, uint32_t *base, uint32_t *mark)
{
    size_t lo = 0, hi = KH_COUNT(kh_uc_decomp);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (kh_uc_decomp[mid].composed == cp) {
            *base = kh_uc_decomp[mid].base;
            *mark = kh_uc_decomp[mid].mark;
            return true;
        }
        if (kh_uc_decomp[mid].composed < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Composition is rare (only decomposed input reaches it): a scan will do. */
static uint32_t S_compose(uint32_t base, uint32_t mark)
{
    for (size_t i = 0; i < KH_COUNT(kh_uc_decomp); i++)
        if (kh_uc_decomp[i].base == base && kh_uc_decomp[i].mark == mark)
            return kh_uc_decomp[i].composed;
    return 0;
}

/* A starter and the marks after it, at most this many: longer runs of
 * marks are not text anyone types, and are passed through unsorted. */
#define KH_NFC_MAX_CLUSTER 32

typedef struct {
    uint32_t cp[KH_NFC_MAX_CLUSTER];
    size_t n;
} kh_cluster_t;

/* Decomposes the starter, sorts the marks by combining class (stable) and
 * composes again, honouring blocking. */
static void S_normalise_cluster(kh_cluster_t *c)
{
    uint32_t base, mark, marks[KH_NFC_MAX_CLUSTER];
    size_t nm = 0;
    uint32_t start = c->cp[0];
    while (S_decompose_one(start, &base, &mark) && nm < KH_NFC_MAX_CLUSTER) {
        marks[nm++] = mark; /* collected innermost last: reverse below */
        start = base;
    }
    for (size_t i = 0; i < nm / 2; i++) {
        uint32_t t = marks[i];
        marks[i] = marks[nm - 1 - i];
        marks[nm - 1 - i] = t;
    }
    for (size_t i = 1; i < c->n && nm < KH_NFC_MAX_CLUSTER; i++)
        marks[nm++] = c->cp[i];
    for (size_t i = 1; i < nm; i++) { /* insertion sort: stable */
        uint32_t m = marks[i];
        size_t j = i;
        while (j > 0 && S_ccc(marks[j - 1]) > S_ccc(m)) {
            marks[j] = marks[j - 1];
            j--;
        }
        marks[j] = m;
    }
    c->cp[0] = start;
    c->n = 1;
    unsigned last_ccc = 0;
    for (size_t i = 0; i < nm; i++) {
        unsigned ccc = S_ccc(marks[i]);
        uint32_t composed = 0;
        bool blocked = c->n > 1 && last_ccc >= ccc;
        if (!blocked)
            composed = S_compose(c->cp[0], marks[i]);
        if (composed) {
            c->cp[0] = composed;
        } else {
            c->cp[c->n++] = marks[i];
            last_ccc = ccc;
        }
    }
}

static void S_put_cluster(kh_buf_t *out, const kh_cluster_t *c)
{
    char enc[4];
    for (size_t i = 0; i < c->n; i++)
        kh_buf_put(out, enc, kh_utf8_encode(c->cp[i], enc));
}

/* True if s has a combining diacritic (U+0300..U+036F: bytes CC 80..CD AF),
 * the only thing the tables here would change. */
static bool S_has_marks(const char *s, size_t n)
{
    for (const char *p = s; (p = memchr(p, 0xCC, n - (size_t)(p - s))) != NULL; p++)
        if (p + 1 < s + n && ((unsigned char)p[1] & 0xC0) == 0x80)
            return true;
    for (const char *p = s; (p = memchr(p, 0xCD, n - (size_t)(p - s))) != NULL; p++)
        if (p + 1 < s + n && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0xAF)
            return true;
    return false;
}

char *kh_text_nfc(const char *s, size_t n, size_t *out_len)
{
    if (!S_has_marks(s, n)) { /* nearly all text: already composed */
        char *copy = malloc(n + 1);
        if (!copy)
            abort();
        memcpy(copy, s, n);
        copy[n] = '\0';
        if (out_len)
            *out_len = n;
        return copy;
    }
    kh_buf_t out = {0};
    kh_cluster_t cl = {.n = 0};
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = kh_utf8_decode(s + i, n - i, &cp);
        if (!l) { /* invalid bytes: the caller checked; keep them as they are */
            S_put_cluster(&out, &cl);
            cl.n = 0;
            kh_buf_put(&out, s + i, 1);
            i++;
            continue;
        }
        i += l;
        if (S_ccc(cp) && cl.n > 0 && cl.n < KH_NFC_MAX_CLUSTER) {
            cl.cp[cl.n++] = cp;
            continue;
        }
        if (cl.n > 1)
            S_normalise_cluster(&cl);
        S_put_cluster(&out, &cl);
        cl.cp[0] = cp;
        cl.n = 1;
    }
    if (cl.n > 1)
        S_normalise_cluster(&cl);
    S_put_cluster(&out, &cl);
    if (!out.data)
        kh_buf_put(&out, "", 0);
    if (out_len)
        *out_len = out.len;
    return kh_buf_take(&out);
}

bool kh_text_is_nfc(const char *s, size_t n)
{
    size_t len;
    char *nfc = kh_text_nfc(s, n, &len);
    bool same = nfc && len == n && memcmp(nfc, s, n) == 0;
    free(nfc);
    return same;
}

/* ---- case ---- */

static uint32_t S_upper(uint32_t cp)
{
    if (cp >= 'a' && cp <= 'z')
        return cp - 32;
    if (cp < 0xDF)
        return cp;
    size_t lo = 0, hi = KH_COUNT(kh_uc_upper);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (kh_uc_upper[mid].lower == cp)
            return kh_uc_upper[mid].upper;
        if (kh_uc_upper[mid].lower < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return cp;
}

/* The inverse of S_upper. The table is sorted by its lower-case column,
 * so this scans it; only short names (an issuer's) are lower-cased. */
static uint32_t S_lower(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp < 0xC0)
        return cp;
    for (size_t i = 0; i < KH_COUNT(kh_uc_upper); i++)
        if (kh_uc_upper[i].upper == cp)
            return kh_uc_upper[i].lower;
    return cp;
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
