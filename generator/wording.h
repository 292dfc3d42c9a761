/* The decree's wording of names in running text, and of the line that ties
 * an appendix to its plan. Part of the model stage: these decide printed
 * words, the layout only places them. */
#ifndef KH_WORDING_H
#define KH_WORDING_H

#include <stddef.h>

/* The issuer's name as running text writes it, from the upper-case name of
 * the header: "SỞ Y TẾ" → "Sở Y tế", "UBND TỈNH ĐẮK LẮK" → "Ủy ban nhân dân
 * tỉnh Đắk Lắk", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" → "Sở Lao động -
 * Thương binh và Xã hội", "TRUNG TÂM Y TẾ HUYỆN ĐẮK HÀ" → "Trung tâm Y tế
 * huyện Đắk Hà".
 *
 * Rule (Nghị định 30/2020, Phụ lục II, I.2 and II.2): the first letter of
 * the body's type is upper case, and so is the first letter of each field
 * of activity it is named for; an administrative unit (tỉnh, huyện, …) is
 * lower case and the place name after it is a proper name, every syllable
 * capitalised. That is mechanical only for the body types this knows (Sở,
 * Bộ, Ủy ban nhân dân, Trung tâm, Bệnh viện, …) and names of letters and
 * spaces; anything else (a trade union, a Party committee, a name in
 * quotes, a number) returns NULL: the plan must then give issuer.full_name.
 * Bệnh viện, Viện and Trường are usually named for a person or a place
 * ("BỆNH VIỆN BẠCH MAI"), a proper name whose case cannot be guessed:
 * derived only when a known field follows ("BỆNH VIỆN ĐA KHOA TỈNH KON
 * TUM", "BỆNH VIỆN Y HỌC CỔ TRUYỀN"), else NULL.
 * name: NUL-terminated UTF-8 (NFC); a line break counts as a space.
 * Returns a malloc'd string (the caller frees it), or NULL. */
char *kh_issuer_running_name(const char *name);

/* "(Kèm theo Kế hoạch số 870/KH-SYT ngày 27 tháng 5 năm 2025 của Sở Y
 * tế)": the line under an appendix's title (spec appendix-esign.md §1,
 * Phụ lục III Mẫu 2.1). doc: the document's name in normal case ("Kế
 * hoạch", template appendix.attached_doc); number: NULL for a draft, whose
 * number stays blank (blank stands in for it); day and month 0 are blank
 * too (Mẫu 2.2, note 3: a draft or an electronic document leaves them to
 * the document system), as in the header's place-date line: the caption
 * never says more or less about the date than the header does. The date
 * words follow that line (kh_date_words). Returns a malloc'd string. */
char *kh_attached_line(const char *doc, const char *number, const char *doc_code,
                       const char *issuer_code, int year, int month, int day,
                       const char *issuer_name, const char *blank);

/* "ngày 05 tháng 02 năm 2025": days below 10 and months 1 and 2 take a
 * leading zero (Nghị định 30/2020, Phụ lục I, II.4.b); a 0 day or month is
 * written as blank. Returns a malloc'd string. */
char *kh_date_words(int year, int month, int day, const char *blank);

/* "870/KH-SYT" (a number below 10 gets a leading zero: "05/KH-SYT"), or
 * "<blank>/KH-SYT" for a NULL number (a draft). Returns a malloc'd string. */
char *kh_number_symbol(const char *number, const char *doc_code,
                       const char *issuer_code, const char *blank);

/* Administrative units as the header writes them (upper case; longer
 * first where one begins another: "THỊ XÃ" before "XÃ"): lower case in
 * running text, and the place name after one is a proper name, every
 * syllable capitalised (kh_issuer_running_name); a header name breaks
 * well before one and never inside the place after it (model_frame.c). */
extern const char *const kh_admin_units[];
extern const size_t kh_admin_unit_count;

#endif
