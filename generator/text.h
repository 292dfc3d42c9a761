/* UTF-8 text utilities: decoding, NFC normalisation and case mapping
 * (through utf8proc), and a growable byte buffer. */
#ifndef KH_TEXT_H
#define KH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A tab in running text prints as this many space widths, a blank kept
 * as typed ("Số\t\t/KH-SYT" for the clerk to fill in): a fixed width,
 * since the editor's tab stops are not the page's columns (load.c warns,
 * layout.c sets it; docs/rules.md, tab). */
#define KH_TAB_SPACES 4

/* Decodes one code point from s[0..n); returns its byte length, or 0 for
 * an invalid or truncated sequence (overlongs and surrogates included). */
size_t kh_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* The code point at s[*i] (n bytes in all), advancing *i; an invalid
 * byte reads as U+FFFD and is skipped. For loops over text already
 * checked at load time, where invalid bytes cannot occur. */
uint32_t kh_utf8_next(const char *s, size_t n, size_t *i);

/* True if cp is a combining mark (Unicode categories Mn, Mc, Me: U+0301,
 * a variation selector) or a zero-width (non-)joiner U+200C/D: what
 * stays with the character before it. */
bool kh_combining(uint32_t cp);

/* True if cp is a letter (Unicode categories Lu, Ll, Lt, Lm, Lo). */
bool kh_letter(uint32_t cp);

/* True if cp is a space or a line or paragraph separator (categories Zs,
 * Zl, Zp: U+0020, U+00A0, U+3000 …) or a tab, CR or LF. */
bool kh_space(uint32_t cp);

/* Encodes cp into out (at least 4 bytes); returns the byte length. */
size_t kh_utf8_encode(uint32_t cp, char *out);

/* True if s[0..n) is valid UTF-8. */
bool kh_utf8_valid(const char *s, size_t n);

/* Returns a malloc'd NUL-terminated NFC copy of valid UTF-8 s[0..n)
 * (Unicode NFC, utf8proc's tables); *out_len (if not NULL) gets its
 * length. Aborts when out of memory. */
char *kh_text_nfc(const char *s, size_t n, size_t *out_len);

/* True when s[0..n) is already in NFC. */
bool kh_text_is_nfc(const char *s, size_t n);

/* True if code point cp, wherever it stands, leaves NFC text NFC: a
 * starter that composes with nothing before it and is its own NFC. All
 * of ASCII and every Vietnamese letter (ệ, Đ) are; a combining mark
 * (U+0301), a Hangul vowel jamo, a singleton (U+2126 OHM SIGN) or an
 * excluded composite (U+0958) is not. Text of inert code points only is
 * NFC: kh_text_nfc copies it, and the first code point that is not is
 * where a "not in NFC" warning points. */
bool kh_nfc_inert(uint32_t cp);

/* A fill-in line at s[0..n) ("Họ và tên: ..........", "Số: ______"): a
 * run of '.', '_' and '…' (U+2026, counting three) of at least three
 * dots. Returns the run's byte length, or 0 when s does not start one. It
 * is no punctuation and no word: no space-before-punctuation warning
 * (model.c), and it breaks anywhere without a long-word warning
 * (layout.c). */
size_t kh_fill_run(const char *s, size_t n);

/* Returns a malloc'd upper-case copy of NUL-terminated s (Vietnamese:
 * đ → Đ, ơ → Ơ, ậ → Ậ): utf8proc's mappings, one code point for one
 * (ß → ẞ, not SS); invalid bytes are copied as they are. Aborts when out of
 * memory. */
char *kh_text_upper(const char *s);

/* Returns a malloc'd lower-case copy of s (Đ → đ, Ậ → ậ), likewise. */
char *kh_text_lower(const char *s);

/* Invisible format characters that editors keep in pasted text but that
 * print nothing there: the soft hyphen U+00AD (Word's optional hyphen),
 * zero-width space U+200B, zero-width non-joiner and joiner U+200C/D,
 * word joiner U+2060 and U+FEFF inside the text. The name of cp if it is
 * one ("soft hyphen", a message id: translate it), else NULL. */
const char *kh_invisible_name(uint32_t cp);

/* Removes those characters from s in place (it may only get shorter);
 * returns the new length. The model calls it on every printed text: the
 * font would draw the soft hyphen as a visible hyphen. */
size_t kh_text_drop_invisible(char *s, size_t n);

/* Number of code points in s[0..n). */
size_t kh_utf8_length(const char *s, size_t n);
/* Byte offset in s[0..n) of the code point after the first chars ones
 * (n when s has fewer): the inverse of kh_utf8_length. */
size_t kh_utf8_offset(const char *s, size_t n, size_t chars);

/* Makes room for one more element in an array of count elements of size
 * bytes with capacity *cap, doubling (from first) when full: appends stay
 * linear. Returns the (possibly moved) array; aborts when out of memory. */
void *kh_array_grow(void *items, size_t count, size_t *cap, size_t size,
                    size_t first);

/* A malloc'd copy of s ("" for NULL); aborts when out of memory. */
char *kh_strdup(const char *s);

typedef struct {
    char *data;
    size_t len, cap;
} kh_buf_t;

void kh_buf_put(kh_buf_t *b, const char *s, size_t n);
void kh_buf_puts(kh_buf_t *b, const char *s);
void kh_buf_printf(kh_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns the NUL-terminated contents and empties the buffer. */
char *kh_buf_take(kh_buf_t *b);
void kh_buf_free(kh_buf_t *b);

#endif
